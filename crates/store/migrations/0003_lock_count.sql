-- sansho schema v3: lockouts that double.
--
-- lock_count counts the lockouts of an account since its last successful login (or an admin's
-- unlock): each further lockout lasts twice as long as the one before, up to the policy's cap.
-- A successful login or an unlock sets it back to 0.

ALTER TABLE users ADD COLUMN lock_count BIGINT NOT NULL DEFAULT 0 CHECK (lock_count >= 0);

-- Admins see the count of unacknowledged emergency uses on every page.
CREATE INDEX emergency_uses_unacknowledged ON emergency_uses (acknowledged_at);

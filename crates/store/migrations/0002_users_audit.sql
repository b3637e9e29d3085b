-- sansho schema v2: users, their organizations, sessions, recovery codes, emergency-account uses,
-- and the hash-chained audit log.
--
-- Portable SQL, as in 0001: TEXT / BIGINT, CHECK constraints, no engine-specific syntax.
-- Flags are BOOLEAN: SQLite accepts the type name (it stores 0/1) and PostgreSQL has the type.
-- The application binds Rust `bool` values and never compares a flag with an integer literal, so
-- the same queries run on both engines.

CREATE TABLE users (
    id              TEXT    NOT NULL PRIMARY KEY,
    -- As typed at creation (shown to people).
    username        TEXT    NOT NULL CHECK (length(trim(username)) > 0),
    -- NFKC-folded, lower-cased, trimmed: what makes a username unique (`Store::fold_username`).
    username_folded TEXT    NOT NULL UNIQUE CHECK (length(username_folded) > 0),
    display_name    TEXT    NOT NULL,
    -- An argon2id PHC string made by the caller; the store never sees a password.
    password_hash   TEXT    NOT NULL CHECK (substr(password_hash, 1, 10) = '$argon2id$'),
    role            TEXT    NOT NULL CHECK (role IN ('admin', 'assessor', 'viewer')),
    -- Base32 TOTP secret (RFC 6238); kept while enrolment is pending, enabled once confirmed.
    totp_secret     TEXT,
    totp_enabled    BOOLEAN NOT NULL,
    -- The last accepted TOTP time step: a code of this step or an earlier one is a replay.
    totp_last_step  BIGINT,
    failed_logins   BIGINT  NOT NULL CHECK (failed_logins >= 0),
    locked_until    BIGINT,
    disabled        BOOLEAN NOT NULL,
    -- 非常時用アカウント: created disabled; every use is recorded in emergency_uses.
    is_emergency    BOOLEAN NOT NULL,
    created_at      BIGINT  NOT NULL,
    created_by      TEXT    NOT NULL,
    updated_at      BIGINT  NOT NULL,
    updated_by      TEXT    NOT NULL,
    CHECK (totp_secret IS NOT NULL OR NOT totp_enabled)
);

-- A user sees and changes only the organizations they belong to (admins included).
CREATE TABLE memberships (
    user_id         TEXT    NOT NULL REFERENCES users (id),
    organization_id TEXT    NOT NULL REFERENCES organizations (id),
    created_at      BIGINT  NOT NULL,
    created_by      TEXT    NOT NULL,
    PRIMARY KEY (user_id, organization_id)
);
CREATE INDEX memberships_organization ON memberships (organization_id);

-- One-time recovery codes, by a deterministic hash (SHA-256 hex) so they can be looked up.
CREATE TABLE recovery_codes (
    user_id         TEXT    NOT NULL REFERENCES users (id),
    code_hash       TEXT    NOT NULL CHECK (length(code_hash) = 64),
    created_at      BIGINT  NOT NULL,
    used_at         BIGINT,
    PRIMARY KEY (user_id, code_hash)
);

-- Sessions are found by the SHA-256 hex of their token; the token itself is never stored.
CREATE TABLE sessions (
    id              TEXT    NOT NULL PRIMARY KEY,
    token_hash      TEXT    NOT NULL UNIQUE CHECK (length(token_hash) = 64),
    user_id         TEXT    NOT NULL REFERENCES users (id),
    created_at      BIGINT  NOT NULL,
    last_seen_at    BIGINT  NOT NULL,
    expires_at      BIGINT  NOT NULL,
    revoked_at      BIGINT,
    mfa_passed      BOOLEAN NOT NULL,
    -- The client's address when the session was made.
    source          TEXT    NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

-- Every use of an emergency account, shown to admins until one acknowledges it.
CREATE TABLE emergency_uses (
    id              TEXT    NOT NULL PRIMARY KEY,
    user_id         TEXT    NOT NULL REFERENCES users (id),
    used_at         BIGINT  NOT NULL,
    source          TEXT    NOT NULL,
    acknowledged_by TEXT,
    acknowledged_at BIGINT,
    CHECK ((acknowledged_by IS NULL AND acknowledged_at IS NULL)
        OR (acknowledged_by IS NOT NULL AND acknowledged_at IS NOT NULL))
);

-- The organization that uploaded a piece of evidence: it owns the evidence while the evidence is
-- attached to nothing (attached evidence belongs to the organizations of its answers).
ALTER TABLE evidence ADD COLUMN organization_id TEXT REFERENCES organizations (id);

-- The audit trail: one record per mutating action, written in the transaction of the action.
-- seq counts 1, 2, 3, … without gaps. hash is the SHA-256 (lowercase hex) of every other column
-- and prev_hash, encoded as netstrings (see crates/store/src/audit.rs); prev_hash is the previous
-- record's hash, 64 zeros for the first. The store never updates or deletes a record.
CREATE TABLE audit_log (
    seq             BIGINT  NOT NULL PRIMARY KEY CHECK (seq > 0),
    at              BIGINT  NOT NULL,
    actor           TEXT    NOT NULL,
    -- The client's address, or 'cli'.
    source          TEXT    NOT NULL,
    -- e.g. 'answer.set', 'assessment.create', 'user.login', 'user.login_failed'.
    action          TEXT    NOT NULL CHECK (length(action) > 0),
    entity_kind     TEXT    NOT NULL,
    entity_id       TEXT,
    -- JSON text: the row before and after the action (NULL when it did not exist).
    before_json     TEXT,
    after_json      TEXT,
    prev_hash       TEXT    NOT NULL CHECK (length(prev_hash) = 64),
    hash            TEXT    NOT NULL CHECK (length(hash) = 64)
);
CREATE INDEX audit_log_entity ON audit_log (entity_kind, entity_id);
CREATE INDEX audit_log_at ON audit_log (at);

-- The last record's seq and hash, updated in the transaction of every append: a deleted tail
-- leaves the head pointing past the last record.
CREATE TABLE audit_head (
    id              BIGINT  NOT NULL PRIMARY KEY CHECK (id = 1),
    last_seq        BIGINT  NOT NULL CHECK (last_seq >= 0),
    last_hash       TEXT    NOT NULL CHECK (length(last_hash) = 64)
);
INSERT INTO audit_head (id, last_seq, last_hash)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

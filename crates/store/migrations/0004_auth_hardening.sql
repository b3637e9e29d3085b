-- sansho schema v4: forced password change, emergency accounts that lapse, and settings.
--
-- must_change_password: the user signs in with a password someone else chose (an admin made the
-- account or reset its password) and must choose their own before doing anything else.
-- enabled_at: when the account was last enabled; an emergency account (非常時用アカウント) is
-- disabled again a configured time after it, or once its session ended.
-- settings: installation-wide choices an admin makes (which roles need no second factor).

ALTER TABLE users ADD COLUMN must_change_password BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE users ADD COLUMN enabled_at BIGINT;

CREATE TABLE settings (
    key             TEXT    NOT NULL PRIMARY KEY CHECK (length(key) > 0),
    value           TEXT    NOT NULL,
    updated_at      BIGINT  NOT NULL,
    updated_by      TEXT    NOT NULL
);

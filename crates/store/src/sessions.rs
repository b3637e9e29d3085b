//! Login sessions, found by the SHA-256 of their token (the token itself is never stored): they
//! expire (sliding, by `touch_session`) and can be revoked one by one or all of a user's at once.

use serde::Serialize;
use sqlx::Row as _;

use crate::backend::{Conn, Row};

use crate::audit::{append, change};
use crate::users::{fetch_user, is_sha256_hex, revoke_all_sessions};
use crate::{Actor, Id, Result, Store, StoreError, Timestamp, parse};

const SESSION_COLUMNS: &str =
    "id, token_hash, user_id, created_at, last_seen_at, expires_at, revoked_at, mfa_passed, source";

/// A session as stored. Serializing it (JSON, audit records) leaves out the token hash.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Session {
    /// The session's id (not its token).
    pub id: Id,
    /// SHA-256 (lowercase hex) of the session token.
    #[serde(skip_serializing)]
    pub token_hash: String,
    /// Whose session it is.
    pub user_id: Id,
    /// When it was made (the login).
    pub created_at: Timestamp,
    /// The last request made with it.
    pub last_seen_at: Timestamp,
    /// It is not valid from this moment on.
    pub expires_at: Timestamp,
    /// When it was revoked (logout, an admin, a password reset), if it was.
    pub revoked_at: Option<Timestamp>,
    /// The second factor was passed in this session.
    pub mfa_passed: bool,
    /// The client's address when the session was made.
    pub source: String,
}

impl Session {
    /// Neither revoked nor expired at `now`.
    pub fn is_valid(&self, now: Timestamp) -> bool {
        self.revoked_at.is_none() && self.expires_at > now
    }
}

/// A session to create at a login.
#[derive(Clone, Debug)]
pub struct NewSession {
    /// SHA-256 (lowercase hex) of the token the client holds.
    pub token_hash: String,
    /// Whose session it is.
    pub user_id: Id,
    /// It is not valid from this moment on.
    pub expires_at: Timestamp,
    /// The second factor was passed (or is not required) at the login.
    pub mfa_passed: bool,
}

fn session_from_row(r: &Row) -> Result<Session> {
    const T: &str = "sessions";
    Ok(Session {
        id: parse(T, "id", r.try_get("id")?)?,
        token_hash: r.try_get("token_hash")?,
        user_id: parse(T, "user_id", r.try_get("user_id")?)?,
        created_at: Timestamp(r.try_get("created_at")?),
        last_seen_at: Timestamp(r.try_get("last_seen_at")?),
        expires_at: Timestamp(r.try_get("expires_at")?),
        revoked_at: r.try_get::<Option<i64>, _>("revoked_at")?.map(Timestamp),
        mfa_passed: r.try_get("mfa_passed")?,
        source: r.try_get("source")?,
    })
}

async fn fetch_session(conn: &mut Conn, id: Id) -> Result<Session> {
    let sql = format!("SELECT {SESSION_COLUMNS} FROM sessions WHERE id = $1");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id.to_string()).fetch_optional(conn).await?;
    session_from_row(&row.ok_or(StoreError::UnknownSession(id))?)
}

/// Revokes one session inside the caller's transaction (`session.revoke`). False (and no record)
/// when it was already revoked.
pub(crate) async fn revoke_in(conn: &mut Conn, id: Id, actor: &Actor, now: Timestamp) -> Result<bool> {
    let before = fetch_session(conn, id).await?;
    if before.revoked_at.is_some() {
        return Ok(false);
    }
    sqlx::query("UPDATE sessions SET revoked_at = $1 WHERE id = $2")
        .bind(now.0)
        .bind(id.to_string())
        .execute(&mut *conn)
        .await?;
    let after = fetch_session(conn, id).await?;
    append(conn, actor, now, change("session.revoke", "session", id).before(&before)?.after(&after)?).await?;
    Ok(true)
}

impl Store {
    /// Starts a session for a user (`session.create`); its source is the actor's.
    pub async fn create_session(&self, new: &NewSession, actor: &Actor, now: Timestamp) -> Result<Session> {
        if !is_sha256_hex(&new.token_hash) {
            return Err(StoreError::NotASha256Hex { field: "session token hash" });
        }
        let id = self.ids.next_id();
        let mut tx = self.write().await?;
        if fetch_user(&mut tx, new.user_id).await?.disabled {
            return Err(StoreError::UserDisabled(new.user_id));
        }
        sqlx::query(
            "INSERT INTO sessions (id, token_hash, user_id, created_at, last_seen_at, expires_at, revoked_at,
                                   mfa_passed, source)
             VALUES ($1, $2, $3, $4, $5, $6, NULL, $7, $8)",
        )
        .bind(id.to_string())
        .bind(&new.token_hash)
        .bind(new.user_id.to_string())
        .bind(now.0)
        .bind(now.0)
        .bind(new.expires_at.0)
        .bind(new.mfa_passed)
        .bind(&actor.source)
        .execute(&mut *tx)
        .await?;
        let session = fetch_session(&mut tx, id).await?;
        append(&mut tx, actor, now, change("session.create", "session", id).after(&session)?).await?;
        tx.commit().await?;
        Ok(session)
    }

    /// The session with this id (revoked and expired ones too).
    pub async fn session(&self, id: Id) -> Result<Session> {
        fetch_session(&mut *self.pool.acquire().await?, id).await
    }

    /// The session with this token hash if it is valid at `now`: not revoked, not expired, and
    /// its user not disabled. Anything else is `None`.
    pub async fn session_by_token_hash(&self, token_hash: &str, now: Timestamp) -> Result<Option<Session>> {
        let sql = "SELECT s.id, s.token_hash, s.user_id, s.created_at, s.last_seen_at, s.expires_at, s.revoked_at,
                          s.mfa_passed, s.source
                   FROM sessions s JOIN users u ON u.id = s.user_id
                   WHERE s.token_hash = $1 AND s.revoked_at IS NULL AND s.expires_at > $2 AND u.disabled = $3";
        let row = sqlx::query(sql).bind(token_hash).bind(now.0).bind(false).fetch_optional(&self.pool).await?;
        row.as_ref().map(session_from_row).transpose()
    }

    /// The user's sessions valid at `now`, oldest first.
    pub async fn sessions_of(&self, user: Id, now: Timestamp) -> Result<Vec<Session>> {
        self.user(user).await?;
        let sql = format!(
            "SELECT {SESSION_COLUMNS} FROM sessions WHERE user_id = $1 AND revoked_at IS NULL AND expires_at > $2
             ORDER BY created_at, id"
        );
        let rows =
            sqlx::query(sqlx::AssertSqlSafe(sql)).bind(user.to_string()).bind(now.0).fetch_all(&self.pool).await?;
        rows.iter().map(session_from_row).collect()
    }

    /// Sliding expiry: notes the session was seen at `now` and moves its expiry to `expires_at`,
    /// if it is still valid (false otherwise). Not audited: it runs on every request and records
    /// nobody's decision; the session's creation, second factor and revocation are audited.
    pub async fn touch_session(&self, id: Id, now: Timestamp, expires_at: Timestamp) -> Result<bool> {
        let mut tx = self.write().await?;
        let done = sqlx::query(
            "UPDATE sessions SET last_seen_at = $1, expires_at = $2
             WHERE id = $3 AND revoked_at IS NULL AND expires_at > $1",
        )
        .bind(now.0)
        .bind(expires_at.0)
        .bind(id.to_string())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(done.rows_affected() == 1)
    }

    /// Marks that the second factor was passed in this session (`session.mfa_passed`).
    pub async fn pass_session_mfa(&self, id: Id, actor: &Actor, now: Timestamp) -> Result<Session> {
        let mut tx = self.write().await?;
        let before = fetch_session(&mut tx, id).await?;
        sqlx::query("UPDATE sessions SET mfa_passed = $1 WHERE id = $2")
            .bind(true)
            .bind(id.to_string())
            .execute(&mut *tx)
            .await?;
        let after = fetch_session(&mut tx, id).await?;
        append(&mut tx, actor, now, change("session.mfa_passed", "session", id).before(&before)?.after(&after)?)
            .await?;
        tx.commit().await?;
        Ok(after)
    }

    /// The second factor was passed in session `old`: it is revoked and a new session with a new
    /// token takes its place, second factor passed (`session.revoke`, `session.mfa_passed` with
    /// the new session), in one transaction. A token seen before the second factor (a fixed or
    /// leaked pre-login token) is worth nothing after it. Refused (`UnknownSession`) when `old` is
    /// already revoked or expired, so one pending login is passed once.
    pub async fn rotate_session(&self, old: Id, new: &NewSession, actor: &Actor, now: Timestamp) -> Result<Session> {
        if !is_sha256_hex(&new.token_hash) {
            return Err(StoreError::NotASha256Hex { field: "session token hash" });
        }
        let mut tx = self.write().await?;
        let before = fetch_session(&mut tx, old).await?;
        if !before.is_valid(now) || before.user_id != new.user_id {
            return Err(StoreError::UnknownSession(old));
        }
        let user = fetch_user(&mut tx, new.user_id).await?;
        if user.disabled {
            return Err(StoreError::UserDisabled(new.user_id));
        }
        revoke_in(&mut tx, old, actor, now).await?;
        let id = self.ids.next_id();
        sqlx::query(
            "INSERT INTO sessions (id, token_hash, user_id, created_at, last_seen_at, expires_at, revoked_at,
                                   mfa_passed, source)
             VALUES ($1, $2, $3, $4, $5, $6, NULL, $7, $8)",
        )
        .bind(id.to_string())
        .bind(&new.token_hash)
        .bind(new.user_id.to_string())
        .bind(now.0)
        .bind(now.0)
        .bind(new.expires_at.0)
        .bind(true)
        .bind(&actor.source)
        .execute(&mut *tx)
        .await?;
        let session = fetch_session(&mut tx, id).await?;
        let entry = change("session.mfa_passed", "session", id)
            .before(&serde_json::json!({ "replaces": old.to_string() }))?
            .after(&session)?;
        append(&mut tx, actor, now, entry).await?;
        tx.commit().await?;
        Ok(session)
    }

    /// Revokes one session (`session.revoke`); false when it already was.
    pub async fn revoke_session(&self, id: Id, actor: &Actor, now: Timestamp) -> Result<bool> {
        let mut tx = self.write().await?;
        let revoked = revoke_in(&mut tx, id, actor, now).await?;
        tx.commit().await?;
        Ok(revoked)
    }

    /// Revokes every session of a user that is not revoked yet, one `session.revoke` record each.
    /// Returns how many.
    pub async fn revoke_sessions_of(&self, user: Id, actor: &Actor, now: Timestamp) -> Result<usize> {
        let mut tx = self.write().await?;
        fetch_user(&mut tx, user).await?;
        let n = revoke_all_sessions(&mut tx, user, actor, now).await?;
        tx.commit().await?;
        Ok(n)
    }
}

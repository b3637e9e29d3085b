//! Users: accounts with an argon2id password hash made by the caller, a role, an optional TOTP
//! second factor, lockout bookkeeping, one-time recovery codes, and emergency accounts
//! (非常時用アカウント) whose every use is recorded until an admin acknowledges it.
//!
//! The store never sees a password or a recovery code, only their hashes, and decides no policy:
//! callers say how many failures lock an account and for how long. Every change is audited in its
//! own transaction; the audit records carry the user row without its password hash and TOTP
//! secret.

use serde::{Serialize, Serializer};
use sqlx::Row as _;

use crate::backend::{Conn, Row};
use unicode_normalization::UnicodeNormalization;

use crate::audit::{append, change};
use crate::{Actor, Id, Result, Role, Store, StoreError, Timestamp, parse};

const USER_COLUMNS: &str = "id, username, display_name, password_hash, role, totp_secret, totp_enabled, \
                            totp_last_step, failed_logins, locked_until, lock_count, disabled, is_emergency, \
                            must_change_password, enabled_at, created_at, created_by, updated_at, updated_by";

/// A user account as stored. Serializing it (JSON output, audit records) leaves out the password
/// hash and shows only whether a TOTP secret is set.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct User {
    /// The account's id.
    pub id: Id,
    /// As typed at creation.
    pub username: String,
    /// The name shown for the user.
    pub display_name: String,
    /// The argon2id PHC string to verify a password against.
    #[serde(skip_serializing)]
    pub password_hash: String,
    /// What the user may do.
    pub role: Role,
    /// Base32 TOTP secret: set while enrolment is pending and once enabled.
    #[serde(rename = "totp_secret_set", serialize_with = "is_set")]
    pub totp_secret: Option<String>,
    /// The second factor is on (enrolment confirmed).
    pub totp_enabled: bool,
    /// The last accepted TOTP time step (a code of this step or an earlier one is a replay).
    pub totp_last_step: Option<i64>,
    /// Failed logins since the last success or lock.
    pub failed_logins: i64,
    /// Locked out until this moment (see [`User::is_locked`]).
    pub locked_until: Option<Timestamp>,
    /// Lockouts since the last successful login or unlock: the next one lasts `2^lock_count` times
    /// the policy's first lock (capped).
    pub lock_count: i64,
    /// The account cannot log in.
    pub disabled: bool,
    /// 非常時用アカウント: created disabled; every login is recorded in the emergency uses.
    pub is_emergency: bool,
    /// The password was chosen by someone else (an admin made the account or reset it): the user
    /// must choose their own before anything else.
    pub must_change_password: bool,
    /// When the account was last enabled (an emergency account lapses a set time after it).
    pub enabled_at: Option<Timestamp>,
    /// When the account was made.
    pub created_at: Timestamp,
    /// Who made it.
    pub created_by: String,
    /// The last change to the account (not logins).
    pub updated_at: Timestamp,
    /// Who made the last change.
    pub updated_by: String,
}

fn is_set<S: Serializer>(secret: &Option<String>, s: S) -> std::result::Result<S::Ok, S::Error> {
    s.serialize_bool(secret.is_some())
}

impl User {
    /// Locked out at `now` (after too many failed logins)?
    pub fn is_locked(&self, now: Timestamp) -> bool {
        self.locked_until.is_some_and(|until| until > now)
    }
}

/// An account to create.
#[derive(Clone, Debug)]
pub struct NewUser {
    /// The username (surrounding white space is dropped).
    pub username: String,
    /// The name shown for the user.
    pub display_name: String,
    /// An argon2id PHC string (`$argon2id$v=19$…`), made by the caller.
    pub password_hash: String,
    /// What the user may do.
    pub role: Role,
    /// An emergency account (非常時用アカウント): it is created disabled.
    pub is_emergency: bool,
}

/// How failed logins lock an account: after `max_failures` consecutive failures it is locked for
/// `lock_ms` milliseconds (and the count starts again); each further lockout without a successful
/// login in between lasts twice as long as the one before, at most `max_lock_ms`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LockoutPolicy {
    /// Consecutive failures that lock the account.
    pub max_failures: u32,
    /// The first lock's length.
    pub lock_ms: i64,
    /// The longest lock (a cap below `lock_ms` is read as `lock_ms`).
    pub max_lock_ms: i64,
}

impl LockoutPolicy {
    /// How long the lockout that follows `earlier` lockouts lasts: `lock_ms` doubled `earlier`
    /// times, capped at `max_lock_ms`.
    pub fn lock_duration(&self, earlier: i64) -> i64 {
        let factor = 1i64.checked_shl(earlier.clamp(0, 62) as u32).unwrap_or(i64::MAX);
        self.lock_ms.saturating_mul(factor).min(self.max_lock_ms.max(self.lock_ms))
    }
}

/// One use (login) of an emergency account.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct EmergencyUse {
    /// The use's id.
    pub id: Id,
    /// The emergency account.
    pub user_id: Id,
    /// Its username.
    pub username: String,
    /// When it logged in.
    pub used_at: Timestamp,
    /// The client's address.
    pub source: String,
    /// The admin who acknowledged the use, once one has.
    pub acknowledged_by: Option<String>,
    /// When.
    pub acknowledged_at: Option<Timestamp>,
}

const TOTP_EXEMPT_KEY: &str = "totp_exempt_roles";

/// What makes two usernames the same: NFKC (full-width ＡＢＣ is ABC), lower case, no surrounding
/// white space.
pub fn fold_username(username: &str) -> String {
    username.nfkc().collect::<String>().trim().to_lowercase()
}

/// Is `s` a SHA-256 in lowercase hex?
pub(crate) fn is_sha256_hex(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

fn check_password_hash(hash: &str) -> Result<()> {
    if hash.starts_with("$argon2id$") { Ok(()) } else { Err(StoreError::NotAnArgon2idHash) }
}

fn user_from_row(r: &Row) -> Result<User> {
    const T: &str = "users";
    Ok(User {
        id: parse(T, "id", r.try_get("id")?)?,
        username: r.try_get("username")?,
        display_name: r.try_get("display_name")?,
        password_hash: r.try_get("password_hash")?,
        role: parse(T, "role", r.try_get("role")?)?,
        totp_secret: r.try_get("totp_secret")?,
        totp_enabled: r.try_get("totp_enabled")?,
        totp_last_step: r.try_get("totp_last_step")?,
        failed_logins: r.try_get("failed_logins")?,
        locked_until: r.try_get::<Option<i64>, _>("locked_until")?.map(Timestamp),
        lock_count: r.try_get("lock_count")?,
        disabled: r.try_get("disabled")?,
        is_emergency: r.try_get("is_emergency")?,
        must_change_password: r.try_get("must_change_password")?,
        enabled_at: r.try_get::<Option<i64>, _>("enabled_at")?.map(Timestamp),
        created_at: Timestamp(r.try_get("created_at")?),
        created_by: r.try_get("created_by")?,
        updated_at: Timestamp(r.try_get("updated_at")?),
        updated_by: r.try_get("updated_by")?,
    })
}

pub(crate) async fn fetch_user(conn: &mut Conn, id: Id) -> Result<User> {
    let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id.to_string()).fetch_optional(conn).await?;
    user_from_row(&row.ok_or(StoreError::UnknownUser(id))?)
}

fn emergency_from_row(r: &Row) -> Result<EmergencyUse> {
    const T: &str = "emergency_uses";
    Ok(EmergencyUse {
        id: parse(T, "id", r.try_get("id")?)?,
        user_id: parse(T, "user_id", r.try_get("user_id")?)?,
        username: r.try_get("username")?,
        used_at: Timestamp(r.try_get("used_at")?),
        source: r.try_get("source")?,
        acknowledged_by: r.try_get("acknowledged_by")?,
        acknowledged_at: r.try_get::<Option<i64>, _>("acknowledged_at")?.map(Timestamp),
    })
}

const EMERGENCY_SELECT: &str = "SELECT e.id, e.user_id, u.username, e.used_at, e.source, e.acknowledged_by, \
                                e.acknowledged_at FROM emergency_uses e JOIN users u ON u.id = e.user_id";

async fn fetch_emergency_use(conn: &mut Conn, id: Id) -> Result<EmergencyUse> {
    let sql = format!("{EMERGENCY_SELECT} WHERE e.id = $1");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id.to_string()).fetch_optional(conn).await?;
    emergency_from_row(&row.ok_or(StoreError::UnknownEmergencyUse(id))?)
}

/// Reads the user after a change and appends the audit record `action` with the row before and
/// after.
async fn audit_user(conn: &mut Conn, before: &User, action: &str, actor: &Actor, now: Timestamp) -> Result<User> {
    let after = fetch_user(conn, before.id).await?;
    append(conn, actor, now, change(action, "user", before.id).before(before)?.after(&after)?).await?;
    Ok(after)
}

/// A new value for one column of a user row (the column is one of ours, never user input).
#[derive(Clone, Copy)]
enum Set<'a> {
    Text(&'static str, Option<&'a str>),
    Bool(&'static str, bool),
    Int(&'static str, Option<i64>),
}

/// Does an update record who changed the account and when (`updated_at`, `updated_by`)? Login
/// bookkeeping does not.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Stamp {
    Changed,
    Bookkeeping,
}

/// Sets columns of the user `before` (read in this transaction), then reads the row again and
/// appends the audit record `action` with the row before and after, inside the caller's
/// transaction.
async fn update_user(
    conn: &mut Conn,
    before: &User,
    sets: &[Set<'_>],
    stamp: Stamp,
    action: &str,
    actor: &Actor,
    now: Timestamp,
) -> Result<User> {
    let mut columns: Vec<&str> = sets
        .iter()
        .map(|s| match s {
            Set::Text(c, _) | Set::Bool(c, _) | Set::Int(c, _) => *c,
        })
        .collect();
    if stamp == Stamp::Changed {
        columns.extend(["updated_at", "updated_by"]);
    }
    let assignments: Vec<String> = columns.iter().enumerate().map(|(i, c)| format!("{c} = ${}", i + 1)).collect();
    let sql = format!("UPDATE users SET {} WHERE id = ${}", assignments.join(", "), columns.len() + 1);
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
    for set in sets {
        query = match *set {
            Set::Text(_, v) => query.bind(v),
            Set::Bool(_, v) => query.bind(v),
            Set::Int(_, v) => query.bind(v),
        };
    }
    if stamp == Stamp::Changed {
        query = query.bind(now.0).bind(&actor.name);
    }
    query.bind(before.id.to_string()).execute(&mut *conn).await?;
    audit_user(conn, before, action, actor, now).await
}

/// The columns a successful login or an unlock clears: the failure count, the lock, and the
/// lockouts counted towards doubling.
const LOGIN_CLEARS: [Set<'static>; 3] =
    [Set::Int("failed_logins", Some(0)), Set::Int("locked_until", None), Set::Int("lock_count", Some(0))];

/// The columns that turn the second factor off and forget its secret.
const TOTP_OFF: [Set<'static>; 3] =
    [Set::Text("totp_secret", None), Set::Bool("totp_enabled", false), Set::Int("totp_last_step", None)];

/// Revokes every live (unrevoked, unexpired) session of a user inside the caller's transaction, one `session.revoke`
/// record each. Returns how many were revoked.
pub(crate) async fn revoke_all_sessions(conn: &mut Conn, user: Id, actor: &Actor, now: Timestamp) -> Result<usize> {
    let live: Vec<(String,)> = sqlx::query_as(
        "SELECT id FROM sessions WHERE user_id = $1 AND revoked_at IS NULL AND expires_at > $2
         ORDER BY created_at, id",
    )
    .bind(user.to_string())
    .bind(now.0)
    .fetch_all(&mut *conn)
    .await?;
    for (id,) in &live {
        crate::sessions::revoke_in(conn, parse("sessions", "id", id.clone())?, actor, now).await?;
    }
    Ok(live.len())
}

fn check_code_hashes(code_hashes: &[String]) -> Result<()> {
    if code_hashes.iter().all(|h| is_sha256_hex(h)) {
        Ok(())
    } else {
        Err(StoreError::NotASha256Hex { field: "recovery code hash" })
    }
}

/// Replaces the user's recovery codes inside the caller's transaction (`user.recovery_codes_set`).
async fn replace_recovery_codes(
    conn: &mut Conn,
    user: Id,
    code_hashes: &[String],
    actor: &Actor,
    now: Timestamp,
) -> Result<()> {
    let (before,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL")
            .bind(user.to_string())
            .fetch_one(&mut *conn)
            .await?;
    sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1").bind(user.to_string()).execute(&mut *conn).await?;
    for hash in code_hashes {
        sqlx::query("INSERT INTO recovery_codes (user_id, code_hash, created_at, used_at) VALUES ($1, $2, $3, NULL)")
            .bind(user.to_string())
            .bind(hash)
            .bind(now.0)
            .execute(&mut *conn)
            .await?;
    }
    let entry = change("user.recovery_codes_set", "user", user)
        .before(&serde_json::json!({ "unused_codes": before }))?
        .after(&serde_json::json!({ "unused_codes": code_hashes.len() }))?;
    append(conn, actor, now, entry).await?;
    Ok(())
}

fn check_base32(secret: &str) -> Result<()> {
    let base32 = |b: u8| b.is_ascii_uppercase() || (b'2'..=b'7').contains(&b) || b == b'=';
    if secret.is_empty() || !secret.bytes().all(base32) {
        return Err(StoreError::NotBase32 { field: "TOTP secret" });
    }
    Ok(())
}

impl Store {
    /// One account change in its own transaction: reads the user, lets `sets` refuse or name the
    /// new column values, writes them stamped with `updated_at`/`updated_by` and audits `action`.
    async fn change_user<'a>(
        &self,
        user: Id,
        action: &str,
        actor: &Actor,
        now: Timestamp,
        sets: impl FnOnce(&User) -> Result<Vec<Set<'a>>>,
    ) -> Result<User> {
        let mut tx = self.write().await?;
        let before = fetch_user(&mut tx, user).await?;
        let sets = sets(&before)?;
        let after = update_user(&mut tx, &before, &sets, Stamp::Changed, action, actor, now).await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Creates a user. The username must be unique once folded ([`fold_username`]); an emergency
    /// account is created disabled.
    pub async fn create_user(&self, new: &NewUser, actor: &Actor, now: Timestamp) -> Result<User> {
        self.create_user_with(new, false, actor, now).await
    }

    /// Creates a user as [`Store::create_user`] does; with `must_change_password` the user has to
    /// choose a password of their own at the first login (an admin chose this one).
    pub async fn create_user_with(
        &self,
        new: &NewUser,
        must_change_password: bool,
        actor: &Actor,
        now: Timestamp,
    ) -> Result<User> {
        let mut tx = self.write().await?;
        let user = self.insert_user(&mut tx, new, must_change_password, actor, now).await?;
        tx.commit().await?;
        Ok(user)
    }

    /// Creates the first user, only while there is none: the check and the insert are one
    /// transaction, so of two concurrent first starts one creates the user and the other gets
    /// `None` (and writes nothing).
    pub async fn create_first_user(&self, new: &NewUser, actor: &Actor, now: Timestamp) -> Result<Option<User>> {
        let mut tx = self.write().await?;
        let any = sqlx::query("SELECT 1 FROM users LIMIT 1").fetch_optional(&mut *tx).await?;
        if any.is_some() {
            return Ok(None);
        }
        let user = self.insert_user(&mut tx, new, false, actor, now).await?;
        tx.commit().await?;
        Ok(Some(user))
    }

    async fn insert_user(
        &self,
        tx: &mut Conn,
        new: &NewUser,
        must_change_password: bool,
        actor: &Actor,
        now: Timestamp,
    ) -> Result<User> {
        let folded = fold_username(&new.username);
        if folded.is_empty() {
            return Err(StoreError::Empty { field: "username" });
        }
        crate::limits::USERNAME.check(new.username.trim())?;
        crate::limits::DISPLAY_NAME.check(new.display_name.trim())?;
        check_password_hash(&new.password_hash)?;
        let id = self.ids.next_id();
        let taken = sqlx::query("SELECT 1 FROM users WHERE username_folded = $1")
            .bind(&folded)
            .fetch_optional(&mut *tx)
            .await?;
        if taken.is_some() {
            return Err(StoreError::UsernameTaken(new.username.trim().to_owned()));
        }
        sqlx::query(
            "INSERT INTO users (id, username, username_folded, display_name, password_hash, role, totp_secret,
                                totp_enabled, totp_last_step, failed_logins, locked_until, disabled, is_emergency,
                                must_change_password, enabled_at, created_at, created_by, updated_at, updated_by)
             VALUES ($1, $2, $3, $4, $5, $6, NULL, $7, NULL, 0, NULL, $8, $9, $10, $11, $12, $13, $14, $15)",
        )
        .bind(id.to_string())
        .bind(new.username.trim())
        .bind(&folded)
        .bind(new.display_name.trim())
        .bind(&new.password_hash)
        .bind(new.role.as_str())
        .bind(false)
        .bind(new.is_emergency)
        .bind(new.is_emergency)
        .bind(must_change_password)
        .bind(if new.is_emergency { None } else { Some(now.0) })
        .bind(now.0)
        .bind(&actor.name)
        .bind(now.0)
        .bind(&actor.name)
        .execute(&mut *tx)
        .await?;
        let user = fetch_user(tx, id).await?;
        append(tx, actor, now, change("user.create", "user", id).after(&user)?).await?;
        Ok(user)
    }

    /// The user with this id.
    pub async fn user(&self, id: Id) -> Result<User> {
        fetch_user(&mut *self.pool.acquire().await?, id).await
    }

    /// The user with this name, compared folded ([`fold_username`]).
    pub async fn user_by_username(&self, username: &str) -> Result<Option<User>> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE username_folded = $1");
        let row =
            sqlx::query(sqlx::AssertSqlSafe(sql)).bind(fold_username(username)).fetch_optional(&self.pool).await?;
        row.as_ref().map(user_from_row).transpose()
    }

    /// Every user, by folded username.
    pub async fn users(&self) -> Result<Vec<User>> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users ORDER BY username_folded");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).fetch_all(&self.pool).await?;
        rows.iter().map(user_from_row).collect()
    }

    /// Replaces the password hash with one the user chose (`user.password_set`): any pending
    /// forced change is done.
    pub async fn set_password_hash(&self, user: Id, hash: &str, actor: &Actor, now: Timestamp) -> Result<User> {
        check_password_hash(hash)?;
        let mut tx = self.write().await?;
        let after = write_password_hash(&mut tx, user, hash, false, "user.password_set", actor, now).await?;
        tx.commit().await?;
        Ok(after)
    }

    /// An admin sets a user's password (`user.password_reset`): the user must choose their own at
    /// the next login, and every session of the user ends (`session.revoke` each), in one
    /// transaction — whoever held a session under the old password is signed out.
    pub async fn reset_password_hash(&self, user: Id, hash: &str, actor: &Actor, now: Timestamp) -> Result<User> {
        check_password_hash(hash)?;
        let mut tx = self.write().await?;
        let after = write_password_hash(&mut tx, user, hash, true, "user.password_reset", actor, now).await?;
        revoke_all_sessions(&mut tx, user, actor, now).await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Changes the role (`user.role_set`).
    pub async fn set_role(&self, user: Id, role: Role, actor: &Actor, now: Timestamp) -> Result<User> {
        self.change_user(user, "user.role_set", actor, now, |_| Ok(vec![Set::Text("role", Some(role.as_str()))])).await
    }

    /// Changes the name shown for the user (`user.display_name_set`).
    pub async fn set_display_name(&self, user: Id, name: &str, actor: &Actor, now: Timestamp) -> Result<User> {
        crate::limits::DISPLAY_NAME.check(name.trim())?;
        let name = Set::Text("display_name", Some(name.trim()));
        self.change_user(user, "user.display_name_set", actor, now, |_| Ok(vec![name])).await
    }

    /// Disables (`user.disable`, revoking every live session in the same transaction) or enables
    /// (`user.enable`) an account. Enabling an emergency account is how an admin makes it usable.
    pub async fn set_user_disabled(&self, user: Id, disabled: bool, actor: &Actor, now: Timestamp) -> Result<User> {
        let mut tx = self.write().await?;
        let before = fetch_user(&mut tx, user).await?;
        // Enabling a disabled account starts its enabled time again.
        let enabled_at = if !disabled && before.disabled { Some(now.0) } else { before.enabled_at.map(|t| t.0) };
        let sets = [Set::Bool("disabled", disabled), Set::Int("enabled_at", enabled_at)];
        let action = if disabled { "user.disable" } else { "user.enable" };
        let after = update_user(&mut tx, &before, &sets, Stamp::Changed, action, actor, now).await?;
        if disabled {
            revoke_all_sessions(&mut tx, user, actor, now).await?;
        }
        tx.commit().await?;
        Ok(after)
    }

    /// Starts TOTP enrolment (`user.totp_enroll`): keeps the base32 secret, not yet enabled, and
    /// forgets the last accepted step.
    pub async fn set_totp_secret(&self, user: Id, secret: &str, actor: &Actor, now: Timestamp) -> Result<User> {
        let secret = secret.trim();
        check_base32(secret)?;
        let sets = vec![
            Set::Text("totp_secret", Some(secret)),
            Set::Bool("totp_enabled", false),
            Set::Int("totp_last_step", None),
        ];
        self.change_user(user, "user.totp_enroll", actor, now, |_| Ok(sets)).await
    }

    /// Turns the second factor on once the user has confirmed a code (`user.totp_enable`).
    pub async fn enable_totp(&self, user: Id, actor: &Actor, now: Timestamp) -> Result<User> {
        self.change_user(user, "user.totp_enable", actor, now, |before| {
            if before.totp_secret.is_none() {
                return Err(StoreError::NoTotpSecret(user));
            }
            Ok(vec![Set::Bool("totp_enabled", true)])
        })
        .await
    }

    /// Enrols (or re-enrols) the second factor in one transaction, once the user has confirmed a
    /// code of the new secret at `step`: the secret replaces any earlier one, TOTP is on, `step` is
    /// the last accepted step (the code cannot be replayed), and the recovery codes are replaced
    /// (`user.totp_enable`, `user.recovery_codes_set`). Until this commits, the factor in place,
    /// if any, stays as it was.
    pub async fn enrol_totp(
        &self,
        user: Id,
        secret: &str,
        step: i64,
        code_hashes: &[String],
        actor: &Actor,
        now: Timestamp,
    ) -> Result<User> {
        let secret = secret.trim();
        check_base32(secret)?;
        check_code_hashes(code_hashes)?;
        let mut tx = self.write().await?;
        let before = fetch_user(&mut tx, user).await?;
        let sets = [
            Set::Text("totp_secret", Some(secret)),
            Set::Bool("totp_enabled", true),
            Set::Int("totp_last_step", Some(step)),
        ];
        let after = update_user(&mut tx, &before, &sets, Stamp::Changed, "user.totp_enable", actor, now).await?;
        replace_recovery_codes(&mut tx, user, code_hashes, actor, now).await?;
        tx.commit().await?;
        Ok(after)
    }

    /// An admin resets a user's second factor: the secret and the recovery codes are removed and
    /// every session of the user ends (`user.totp_disable`, `user.recovery_codes_set`,
    /// `session.revoke` each), in one transaction. The user enrols again at the next login.
    pub async fn reset_totp(&self, user: Id, actor: &Actor, now: Timestamp) -> Result<User> {
        let mut tx = self.write().await?;
        let after = remove_totp(&mut tx, user, actor, now).await?;
        replace_recovery_codes(&mut tx, user, &[], actor, now).await?;
        revoke_all_sessions(&mut tx, user, actor, now).await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Removes the second factor and its secret (`user.totp_disable`).
    pub async fn clear_totp(&self, user: Id, actor: &Actor, now: Timestamp) -> Result<User> {
        self.change_user(user, "user.totp_disable", actor, now, |_| Ok(TOTP_OFF.to_vec())).await
    }

    /// Accepts a TOTP code's time step once: true (`user.totp_used`) when `step` is later than the
    /// last accepted one, false (`user.totp_replayed`, nothing else changes) when it is a replay.
    /// The check and the update are one statement, so two requests cannot both use one code.
    pub async fn accept_totp_step(&self, user: Id, step: i64, actor: &Actor, now: Timestamp) -> Result<bool> {
        let mut tx = self.write().await?;
        let before = fetch_user(&mut tx, user).await?;
        if before.totp_secret.is_none() {
            return Err(StoreError::NoTotpSecret(user));
        }
        let done = sqlx::query(
            "UPDATE users SET totp_last_step = $1
             WHERE id = $2 AND (totp_last_step IS NULL OR totp_last_step < $1)",
        )
        .bind(step)
        .bind(user.to_string())
        .execute(&mut *tx)
        .await?;
        let accepted = done.rows_affected() == 1;
        if accepted {
            audit_user(&mut tx, &before, "user.totp_used", actor, now).await?;
        } else {
            let attempt = serde_json::json!({ "step": step, "last_step": before.totp_last_step });
            append(&mut tx, actor, now, change("user.totp_replayed", "user", user).after(&attempt)?).await?;
        }
        tx.commit().await?;
        Ok(accepted)
    }

    /// A failed login (`user.login_failed`): counts it and, at `policy.max_failures`, locks the
    /// account (`user.locked` too) and starts the count again. The lock lasts
    /// [`LockoutPolicy::lock_duration`] of the lockouts since the last successful login: twice as
    /// long as the previous one, up to the cap.
    pub async fn record_login_failure(
        &self,
        user: Id,
        policy: LockoutPolicy,
        actor: &Actor,
        now: Timestamp,
    ) -> Result<User> {
        let mut tx = self.write().await?;
        let before = fetch_user(&mut tx, user).await?;
        let failures = before.failed_logins + 1;
        let locks = failures >= i64::from(policy.max_failures.max(1));
        let lock_ms = policy.lock_duration(before.lock_count);
        let (failures, locked_until, lock_count) = if locks {
            (0, Some(now.0.saturating_add(lock_ms)), before.lock_count + 1)
        } else {
            (failures, before.locked_until.map(|t| t.0), before.lock_count)
        };
        let sets = [
            Set::Int("failed_logins", Some(failures)),
            Set::Int("locked_until", locked_until),
            Set::Int("lock_count", Some(lock_count)),
        ];
        let after = update_user(&mut tx, &before, &sets, Stamp::Bookkeeping, "user.login_failed", actor, now).await?;
        if locks {
            let lock =
                serde_json::json!({ "locked_until": locked_until, "lock_ms": lock_ms, "lock_count": lock_count });
            append(&mut tx, actor, now, change("user.locked", "user", user).after(&lock)?).await?;
        }
        tx.commit().await?;
        Ok(after)
    }

    /// A successful login (`user.login`): clears the failure count and any lock. A login to an
    /// emergency account also records an emergency use (`emergency.use`) for admins to
    /// acknowledge. A disabled account cannot log in, nor a locked one (the lock holds at every
    /// step of a login: a success never lifts it).
    pub async fn record_login_success(&self, user: Id, actor: &Actor, now: Timestamp) -> Result<User> {
        let mut tx = self.write().await?;
        let before = fetch_user(&mut tx, user).await?;
        if before.disabled {
            return Err(StoreError::UserDisabled(user));
        }
        if before.is_locked(now) {
            return Err(StoreError::UserLocked(user));
        }
        let after = update_user(&mut tx, &before, &LOGIN_CLEARS, Stamp::Bookkeeping, "user.login", actor, now).await?;
        if before.is_emergency {
            let id = self.ids.next_id();
            sqlx::query("INSERT INTO emergency_uses (id, user_id, used_at, source) VALUES ($1, $2, $3, $4)")
                .bind(id.to_string())
                .bind(user.to_string())
                .bind(now.0)
                .bind(&actor.source)
                .execute(&mut *tx)
                .await?;
            let used = fetch_emergency_use(&mut tx, id).await?;
            append(&mut tx, actor, now, change("emergency.use", "emergency-use", id).after(&used)?).await?;
        }
        tx.commit().await?;
        Ok(after)
    }

    /// Lifts a lockout and clears the failure count and the lockouts counted towards doubling
    /// (`user.unlock`).
    pub async fn unlock_user(&self, user: Id, actor: &Actor, now: Timestamp) -> Result<User> {
        self.change_user(user, "user.unlock", actor, now, |_| Ok(LOGIN_CLEARS.to_vec())).await
    }

    /// Replaces the user's recovery codes with these (`user.recovery_codes_set`, which records how
    /// many, never the hashes). Each is a deterministic hash of a code (SHA-256 in lowercase hex),
    /// so a code can be found by its hash.
    pub async fn set_recovery_codes(
        &self,
        user: Id,
        code_hashes: &[String],
        actor: &Actor,
        now: Timestamp,
    ) -> Result<()> {
        check_code_hashes(code_hashes)?;
        let mut tx = self.write().await?;
        fetch_user(&mut tx, user).await?;
        replace_recovery_codes(&mut tx, user, code_hashes, actor, now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Uses one recovery code (`user.recovery_code_used`): marks it used in one statement that
    /// only matches an unused code, so a code works once. An unknown or used code is
    /// [`StoreError::RecoveryCodeRejected`] and writes nothing.
    pub async fn use_recovery_code(&self, user: Id, code_hash: &str, actor: &Actor, now: Timestamp) -> Result<()> {
        let mut tx = self.write().await?;
        fetch_user(&mut tx, user).await?;
        let done = sqlx::query(
            "UPDATE recovery_codes SET used_at = $1 WHERE user_id = $2 AND code_hash = $3 AND used_at IS NULL",
        )
        .bind(now.0)
        .bind(user.to_string())
        .bind(code_hash)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() != 1 {
            return Err(StoreError::RecoveryCodeRejected);
        }
        let (left,): (i64,) =
            sqlx::query_as("SELECT COUNT(*) FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL")
                .bind(user.to_string())
                .fetch_one(&mut *tx)
                .await?;
        let entry = change("user.recovery_code_used", "user", user)
            .before(&serde_json::json!({ "unused_codes": left + 1 }))?
            .after(&serde_json::json!({ "unused_codes": left }))?;
        append(&mut tx, actor, now, entry).await?;
        tx.commit().await?;
        Ok(())
    }

    /// How many unused recovery codes the user has.
    pub async fn recovery_codes_left(&self, user: Id) -> Result<i64> {
        self.user(user).await?;
        let (left,): (i64,) =
            sqlx::query_as("SELECT COUNT(*) FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL")
                .bind(user.to_string())
                .fetch_one(&self.pool)
                .await?;
        Ok(left)
    }

    /// Uses of emergency accounts, oldest first; only those no admin has acknowledged yet when
    /// `unacknowledged_only`.
    pub async fn emergency_uses(&self, unacknowledged_only: bool) -> Result<Vec<EmergencyUse>> {
        let filter = if unacknowledged_only { " WHERE e.acknowledged_at IS NULL" } else { "" };
        let sql = format!("{EMERGENCY_SELECT}{filter} ORDER BY e.used_at, e.id");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).fetch_all(&self.pool).await?;
        rows.iter().map(emergency_from_row).collect()
    }

    /// How many emergency uses no admin has acknowledged yet: one indexed count, cheap enough for
    /// every page an admin sees.
    pub async fn unacknowledged_emergency_uses(&self) -> Result<i64> {
        let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM emergency_uses WHERE acknowledged_at IS NULL")
            .fetch_one(&self.pool)
            .await?;
        Ok(n)
    }

    /// Each user's last successful login (`user.login` in the audit log), for those who have one.
    pub async fn last_logins(&self) -> Result<std::collections::HashMap<Id, Timestamp>> {
        let rows: Vec<(String, i64)> = sqlx::query_as(
            "SELECT entity_id, MAX(at) FROM audit_log
             WHERE entity_kind = 'user' AND action = 'user.login' AND entity_id IS NOT NULL
             GROUP BY entity_id",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(|(id, at)| Ok((parse("audit_log", "entity_id", id)?, Timestamp(at)))).collect()
    }

    /// An admin acknowledges an emergency use (`emergency.acknowledge`). Acknowledging it again
    /// changes and records nothing. `by` is the acknowledging account (`None` at the command line,
    /// where whoever holds the database file acts): an emergency account may not acknowledge any
    /// use, nor anyone a use of their own account — only another admin clears the warning.
    pub async fn acknowledge_emergency_use(
        &self,
        id: Id,
        by: Option<Id>,
        actor: &Actor,
        now: Timestamp,
    ) -> Result<EmergencyUse> {
        let mut tx = self.write().await?;
        let before = fetch_emergency_use(&mut tx, id).await?;
        if let Some(by) = by {
            let who = fetch_user(&mut tx, by).await?;
            if who.is_emergency || who.id == before.user_id {
                return Err(StoreError::EmergencySelfAcknowledge);
            }
        }
        if before.acknowledged_at.is_some() {
            return Ok(before);
        }
        sqlx::query("UPDATE emergency_uses SET acknowledged_by = $1, acknowledged_at = $2 WHERE id = $3")
            .bind(&actor.name)
            .bind(now.0)
            .bind(id.to_string())
            .execute(&mut *tx)
            .await?;
        let after = fetch_emergency_use(&mut tx, id).await?;
        append(
            &mut tx,
            actor,
            now,
            change("emergency.acknowledge", "emergency-use", id).before(&before)?.after(&after)?,
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Disables again every enabled emergency account whose use is over (`user.disable` with the
    /// reason in an `emergency.lapse` record, its sessions revoked), each in its own transaction:
    /// one enabled `max_enabled_ms` or longer ago, or one that was used (signed in) since it was
    /// enabled and has no live session left (logged out, revoked or expired). Returns the accounts
    /// disabled. Cheap when there is nothing to do: one query over the emergency accounts.
    pub async fn disable_lapsed_emergency_accounts(
        &self,
        max_enabled_ms: i64,
        actor: &Actor,
        now: Timestamp,
    ) -> Result<Vec<User>> {
        let candidates: Vec<(String,)> =
            sqlx::query_as("SELECT id FROM users WHERE is_emergency = $1 AND disabled = $2 ORDER BY id")
                .bind(true)
                .bind(false)
                .fetch_all(&self.pool)
                .await?;
        let mut disabled = Vec::new();
        for (id,) in candidates {
            let id: Id = parse("users", "id", id)?;
            let mut tx = self.write().await?;
            let before = fetch_user(&mut tx, id).await?;
            if before.disabled || !before.is_emergency {
                continue;
            }
            let since = before.enabled_at.unwrap_or(before.updated_at);
            let (used,): (i64,) =
                sqlx::query_as("SELECT COUNT(*) FROM emergency_uses WHERE user_id = $1 AND used_at >= $2")
                    .bind(id.to_string())
                    .bind(since.0)
                    .fetch_one(&mut *tx)
                    .await?;
            let (live,): (i64,) = sqlx::query_as(
                "SELECT COUNT(*) FROM sessions WHERE user_id = $1 AND revoked_at IS NULL AND expires_at > $2",
            )
            .bind(id.to_string())
            .bind(now.0)
            .fetch_one(&mut *tx)
            .await?;
            let reason = if now.0.saturating_sub(since.0) >= max_enabled_ms {
                "time"
            } else if used > 0 && live == 0 {
                "session-ended"
            } else {
                continue;
            };
            let sets = [Set::Bool("disabled", true)];
            let after = update_user(&mut tx, &before, &sets, Stamp::Changed, "user.disable", actor, now).await?;
            let lapse = serde_json::json!({
                "reason": reason,
                "enabled_at": since.0,
                "max_enabled_ms": max_enabled_ms,
            });
            append(&mut tx, actor, now, change("emergency.lapse", "user", id).after(&lapse)?).await?;
            revoke_all_sessions(&mut tx, id, actor, now).await?;
            tx.commit().await?;
            disabled.push(after);
        }
        Ok(disabled)
    }

    /// The roles an admin exempted from the second factor (admins never are).
    pub async fn totp_exempt_roles(&self) -> Result<Vec<Role>> {
        let row: Option<(String,)> = sqlx::query_as("SELECT value FROM settings WHERE key = $1")
            .bind(TOTP_EXEMPT_KEY)
            .fetch_optional(&self.pool)
            .await?;
        let Some((value,)) = row else { return Ok(Vec::new()) };
        value
            .split(',')
            .map(str::trim)
            .filter(|r| !r.is_empty())
            .map(|r| parse::<Role>("settings", "value", r.to_owned()))
            .collect()
    }

    /// Sets the roles exempted from the second factor (`settings.totp_exempt_roles`); admins are
    /// never exempted (refused).
    pub async fn set_totp_exempt_roles(&self, roles: &[Role], actor: &Actor, now: Timestamp) -> Result<Vec<Role>> {
        if roles.contains(&Role::Admin) {
            return Err(StoreError::UnknownWord {
                what: "role that may go without a second factor",
                word: "admin".into(),
            });
        }
        let mut roles = roles.to_vec();
        roles.sort_by_key(|r| r.as_str());
        roles.dedup();
        let value = roles.iter().map(|r| r.as_str()).collect::<Vec<_>>().join(",");
        let mut tx = self.write().await?;
        let before: Option<(String,)> = sqlx::query_as("SELECT value FROM settings WHERE key = $1")
            .bind(TOTP_EXEMPT_KEY)
            .fetch_optional(&mut *tx)
            .await?;
        let before = before.map(|(v,)| v).unwrap_or_default();
        if before == value {
            return Ok(roles);
        }
        sqlx::query(
            "INSERT INTO settings (key, value, updated_at, updated_by) VALUES ($1, $2, $3, $4)
             ON CONFLICT (key) DO UPDATE SET value = $2, updated_at = $3, updated_by = $4",
        )
        .bind(TOTP_EXEMPT_KEY)
        .bind(&value)
        .bind(now.0)
        .bind(&actor.name)
        .execute(&mut *tx)
        .await?;
        let entry = change("settings.totp_exempt_roles", "settings", TOTP_EXEMPT_KEY)
            .before(&serde_json::json!({ "roles": before }))?
            .after(&serde_json::json!({ "roles": value }))?;
        append(&mut tx, actor, now, entry).await?;
        tx.commit().await?;
        Ok(roles)
    }
}

/// Removes a user's TOTP secret and turns the second factor off (`user.totp_disable`), inside the
/// caller's transaction.
async fn remove_totp(conn: &mut Conn, user: Id, actor: &Actor, now: Timestamp) -> Result<User> {
    let before = fetch_user(conn, user).await?;
    update_user(conn, &before, &TOTP_OFF, Stamp::Changed, "user.totp_disable", actor, now).await
}

/// Stores a password hash, with whether the user must choose their own at the next login, and
/// audits it as `action`, inside the caller's transaction.
async fn write_password_hash(
    conn: &mut Conn,
    user: Id,
    hash: &str,
    must_change: bool,
    action: &str,
    actor: &Actor,
    now: Timestamp,
) -> Result<User> {
    let before = fetch_user(conn, user).await?;
    let sets = [Set::Text("password_hash", Some(hash)), Set::Bool("must_change_password", must_change)];
    update_user(conn, &before, &sets, Stamp::Changed, action, actor, now).await
}

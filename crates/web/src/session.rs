//! Who is asking: the session cookie, resolved to a user, and the CSRF token of the session.
//!
//! A session token lives only in the client's cookie (HttpOnly, SameSite=Strict, `Secure` and the
//! `__Host-` prefix unless the server is plain HTTP on loopback); the store keeps its SHA-256.
//! A session is *complete* once the second factor was passed, or when the user has none and their
//! role is exempted by an admin (admins never are; everyone else enrols one at login). Pages ask for [`Authed`]; the TOTP steps ask for
//! [`Pending`]. Forms before login are protected by a pre-session cookie of their own.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Redirect, Response};
use sansho_auth as auth;
use sansho_store::{Actor, Id, Kind, Role, Session, Timestamp, User};

use crate::{AppState, WebError};

/// How sessions and secrets are set up for this server.
pub struct AuthConfig {
    /// The master secret; CSRF and recovery-code keys are derived from it.
    pub master: Vec<u8>,
    /// Cookies are `Secure` (and `__Host-`-prefixed).
    pub secure: bool,
    /// The one-time setup token printed at first start, until the first admin exists.
    pub setup_token: Mutex<Option<String>>,
    /// Sessions expire this long after their last use.
    pub idle_ms: i64,
    /// …and this long after they began, however much they are used (sign in again each day).
    pub max_age_ms: i64,
    /// A pending login (password passed, second factor or its enrolment still to come) lasts this
    /// long, however it is used: minutes, not hours.
    pub pending_ms: i64,
    /// An emergency account (非常時用アカウント) is disabled again this long after it was enabled,
    /// or as soon as its session ended, whichever comes first.
    pub emergency_max_ms: i64,
    /// When lapsed emergency accounts were last looked for (ms since the epoch).
    pub emergency_swept: std::sync::atomic::AtomicI64,
    /// How often a session's last-seen time (and so its expiry) is moved forward: a write per
    /// request would serialize every request on the database's write lock.
    pub touch_every_ms: i64,
    /// The argon2 cost of password hashes.
    pub password: auth::PasswordParams,
    /// Login attempts per account and per address, throttled.
    pub limiter: auth::RateLimiter,
    /// Password hashes run one or two at a time (each holds ~19 MiB), off the async workers.
    pub hashing: tokio::sync::Semaphore,
}

impl AuthConfig {
    /// The production settings: 30-minute idle and 12-hour maximum sessions, 10-minute pending
    /// logins, 4-hour emergency accounts.
    pub fn new(master: Vec<u8>, secure: bool, setup_token: Option<String>) -> Self {
        AuthConfig {
            master,
            secure,
            setup_token: Mutex::new(setup_token),
            idle_ms: 30 * 60 * 1000,
            max_age_ms: 12 * 60 * 60 * 1000,
            pending_ms: 10 * 60 * 1000,
            emergency_max_ms: 4 * 60 * 60 * 1000,
            emergency_swept: std::sync::atomic::AtomicI64::new(i64::MIN),
            touch_every_ms: 60_000,
            password: auth::PasswordParams::DEFAULT,
            limiter: auth::RateLimiter::new(auth::RateLimit::LOGIN),
            hashing: tokio::sync::Semaphore::new(2),
        }
    }

    /// Runs argon2id work (hashing or verifying a password) on the blocking pool, at most two at
    /// once, so a burst of logins neither stalls the request workers nor multiplies the memory.
    pub async fn argon2<T: Send + 'static>(&self, work: impl FnOnce() -> T + Send + 'static) -> Result<T, WebError> {
        let _permit = self.hashing.acquire().await.map_err(|e| WebError::Internal(e.to_string()))?;
        tokio::task::spawn_blocking(work).await.map_err(|e| WebError::Internal(e.to_string()))
    }
    /// The key CSRF tokens are made with.
    pub fn csrf_key(&self) -> [u8; 32] {
        auth::derive_key(&self.master, "csrf")
    }
    /// The key recovery codes are hashed with.
    pub fn recovery_key(&self) -> [u8; 32] {
        auth::derive_key(&self.master, "recovery-code")
    }
    /// The key the TOTP key offered for enrolment is derived with ([`auth::TotpSecret::derive`]).
    pub fn enrolment_key(&self) -> [u8; 32] {
        auth::derive_key(&self.master, "totp-enrolment")
    }
}

/// Disables the emergency accounts whose use is over ([`sansho_store::Store::disable_lapsed_emergency_accounts`]:
/// enabled longer than `emergency_max_ms`, or signed in and no session left), audited with the
/// server as actor. `always`: now (a login, a logout); otherwise at most once a minute, from any
/// request, so an account lapses within a minute of its time even on a quiet server.
pub async fn sweep_emergency(state: &AppState, now: Timestamp, always: bool) -> Result<(), WebError> {
    use std::sync::atomic::Ordering;
    let last = state.auth.emergency_swept.load(Ordering::Relaxed);
    if !always
        && (now.0.saturating_sub(last) < 60_000
            || state.auth.emergency_swept.compare_exchange(last, now.0, Ordering::Relaxed, Ordering::Relaxed).is_err())
    {
        return Ok(());
    }
    state.auth.emergency_swept.store(now.0, Ordering::Relaxed);
    let actor = Actor::new("sansho", "emergency-expiry");
    for user in state.store.disable_lapsed_emergency_accounts(state.auth.emergency_max_ms, &actor, now).await? {
        tracing::warn!(username = %user.username, "the emergency account was disabled again: its use is over");
    }
    Ok(())
}

/// The current time, in milliseconds since the epoch (the web's clock).
pub fn now() -> Timestamp {
    Timestamp(std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis() as i64))
}

/// The value of one cookie.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|h| h.split(';'))
        .find_map(|pair| pair.trim().strip_prefix(name)?.strip_prefix('='))
}

/// The name of the cookie that carries the pre-login token of the setup and login forms.
pub fn pre_cookie_name(secure: bool) -> &'static str {
    if secure { "__Host-sansho_pre" } else { "sansho_pre" }
}

/// A session and its user, whether or not the second factor is passed yet.
#[derive(Clone)]
pub struct Pending {
    /// Shared with the session cache and the other extractors of the request (not copied).
    pub session: Arc<Session>,
    /// The signed-in user.
    pub user: Arc<User>,
    /// The SHA-256 of the session token (the cookie holds the token itself).
    pub token_hash: String,
    /// The store's version (audit sequence number) this session was checked at, read after the
    /// request arrived; access decisions of the same request are taken at it.
    pub version: i64,
    /// Whether the user's sessions need the second factor passed (or enrolled) to be complete
    /// ([`needs_second_factor`], at `version`).
    pub second_factor: bool,
}

/// Whether the user's sessions need the second factor passed (or enrolled) to be complete: a
/// user who enrolled one, an admin, and anyone whose role an admin did not exempt
/// ([`sansho_store::Store::totp_exempt_roles`]; the guidelines require two factors from 令和9年度).
pub async fn needs_second_factor(state: &AppState, user: &User) -> Result<bool, WebError> {
    let version = state.version.current(&state.store).await?;
    second_factor_at(state, user, version).await
}

/// [`needs_second_factor`] at a version of the store (the exemptions cached for it).
async fn second_factor_at(state: &AppState, user: &User, version: i64) -> Result<bool, WebError> {
    if user.totp_enabled || user.role == Role::Admin {
        return Ok(true);
    }
    let exempt = match state.sessions.exempt(version) {
        Some(roles) => roles,
        None => {
            let roles = Arc::new(state.store.totp_exempt_roles().await?);
            state.sessions.put_exempt(version, &roles);
            roles
        }
    };
    Ok(!exempt.contains(&user.role))
}

impl Pending {
    /// Whether the session may use the application (second factor passed, or none needed).
    pub fn complete(&self) -> bool {
        self.session.mfa_passed || !self.second_factor
    }
    /// The session's CSRF token, for forms and the API's unsafe requests.
    pub fn csrf(&self, state: &AppState) -> String {
        auth::csrf_token(&state.auth.csrf_key(), &self.token_hash)
    }
    /// Whether a form's or request's CSRF token is this session's.
    pub fn csrf_ok(&self, state: &AppState, presented: &str) -> bool {
        auth::verify_csrf(&state.auth.csrf_key(), &self.token_hash, presented)
    }
    /// The user as the actor of a write, acting from `source` (the client's address).
    pub fn actor(&self, source: &str) -> Actor {
        Actor::new(self.user.username.clone(), source)
    }
    /// [`check_access`] at the version this session was checked at (no further read of it).
    pub async fn check_access(&self, state: &AppState, kind: Kind, id: Id) -> Result<(), WebError> {
        access_at(state, self.user.id, kind, id, self.version).await
    }
}

/// Sessions resolved to their user, and access decisions, as they were at one version of the
/// store (the audit sequence number). Every audited write raises it — a logout, a revocation, a
/// user disabled, a role or second factor changed, a membership added or removed, an assessment
/// or system created — and a request's version is read after it arrives ([`crate::VersionGate`]),
/// so such a change, by this process or another on the same database file, takes effect on the
/// next request. Sessions' sliding expiry is not audited: a cached session is used only while
/// its cached expiry is ahead (otherwise the store is asked again), and its moves forward are
/// written to the store and then to the cache. Entries read at an older version than the
/// cache's are not kept. Bounded: cleared when full.
#[derive(Default)]
pub struct SessionCache {
    inner: Mutex<CacheInner>,
}

#[derive(Default)]
struct CacheInner {
    version: i64,
    sessions: HashMap<String, (Arc<Session>, Arc<User>)>,
    access: HashMap<(Id, u8, Id), bool>,
    /// The roles exempted from the second factor (a change of them is audited: a new version).
    exempt: Option<Arc<Vec<Role>>>,
}

impl CacheInner {
    /// Moves the cache to `version` (dropping everything older); whether entries of `version`
    /// may be read and written.
    fn at(&mut self, version: i64) -> bool {
        if version > self.version {
            self.sessions.clear();
            self.access.clear();
            self.exempt = None;
            self.version = version;
        }
        version == self.version
    }
}

fn kind_key(kind: Kind) -> u8 {
    match kind {
        Kind::Organization => 0,
        Kind::System => 1,
        Kind::Assessment => 2,
        Kind::Answer => 3,
        Kind::Evidence => 4,
    }
}

impl SessionCache {
    const MAX: usize = 4_096;

    fn lock(&self) -> std::sync::MutexGuard<'_, CacheInner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }
    fn session(&self, version: i64, token_hash: &str) -> Option<(Arc<Session>, Arc<User>)> {
        let mut c = self.lock();
        if c.at(version) { c.sessions.get(token_hash).cloned() } else { None }
    }
    fn put_session(&self, version: i64, token_hash: &str, session: &Arc<Session>, user: &Arc<User>) {
        let mut c = self.lock();
        if c.at(version) {
            if c.sessions.len() >= Self::MAX {
                c.sessions.clear();
            }
            // A request that read it at the same version first may have claimed its sliding
            // write already (`claim_touch`): its entry is kept, not replaced by an older reading.
            c.sessions.entry(token_hash.to_owned()).or_insert_with(|| (session.clone(), user.clone()));
        }
    }
    /// Claims the sliding-expiry write of a session found due for it (`every` ms since it was
    /// last seen): true for the request that is to write it, false for those arriving while
    /// another one writes it. So a session used by many requests at once (a browser's parallel
    /// requests, a script) is written once, not once per request in flight: each such write
    /// waits for the database's write lock and its sync to disk.
    fn claim_touch(&self, token_hash: &str, now: Timestamp, every: i64) -> bool {
        match self.lock().sessions.get_mut(token_hash) {
            Some((s, _)) if now.0 - s.last_seen_at.0 < every => false,
            Some((s, _)) => {
                Arc::make_mut(s).last_seen_at = now;
                true
            }
            None => true,
        }
    }
    /// The session's expiry was moved forward in the store.
    fn touched(&self, token_hash: &str, now: Timestamp, expires_at: Timestamp) {
        if let Some((s, _)) = self.lock().sessions.get_mut(token_hash) {
            let s = Arc::make_mut(s);
            s.last_seen_at = now;
            s.expires_at = expires_at;
        }
    }
    fn exempt(&self, version: i64) -> Option<Arc<Vec<Role>>> {
        let mut c = self.lock();
        if c.at(version) { c.exempt.clone() } else { None }
    }
    fn put_exempt(&self, version: i64, roles: &Arc<Vec<Role>>) {
        let mut c = self.lock();
        if c.at(version) {
            c.exempt = Some(roles.clone());
        }
    }
    fn forget(&self, token_hash: &str) {
        self.lock().sessions.remove(token_hash);
    }
    fn access(&self, version: i64, key: &(Id, u8, Id)) -> Option<bool> {
        let mut c = self.lock();
        if c.at(version) { c.access.get(key).copied() } else { None }
    }
    fn put_access(&self, version: i64, key: (Id, u8, Id), allowed: bool) {
        let mut c = self.lock();
        if c.at(version) {
            if c.access.len() >= Self::MAX {
                c.access.clear();
            }
            c.access.insert(key, allowed);
        }
    }
}

/// A complete session: the signed-in user.
pub struct Authed(pub Pending);

impl std::ops::Deref for Authed {
    type Target = Pending;
    fn deref(&self) -> &Pending {
        &self.0
    }
}

/// Why a request has no usable session: pages go to the login page, the API answers 401.
pub enum NoSession {
    /// A page: redirect to the login page, then back.
    Page {
        /// The path and query to come back to after login.
        next: String,
    },
    /// Signed in, but the second factor is still to pass (or, for an admin, to enrol).
    SecondFactor {
        /// The second factor is to enrol (not yet set up), not to pass.
        enrol: bool,
    },
    /// Signed in, but the password an admin chose must be changed first (the form is on
    /// `/account`, which says why).
    PasswordChange,
    /// An API request: 401.
    Api,
    /// Looking the session up failed.
    Error(WebError),
}

impl IntoResponse for NoSession {
    fn into_response(self) -> Response {
        match self {
            NoSession::Page { next } => {
                let next: String = url_encode(&next);
                Redirect::to(&format!("/login?next={next}")).into_response()
            }
            NoSession::SecondFactor { enrol: true } => Redirect::to("/account/totp").into_response(),
            NoSession::SecondFactor { enrol: false } => Redirect::to("/login/totp").into_response(),
            NoSession::PasswordChange => Redirect::to("/account").into_response(),
            NoSession::Api => WebError::Unauthorized.into_response(),
            NoSession::Error(e) => e.into_response(),
        }
    }
}

/// Percent-encodes everything but unreserved characters and `/` (for the `next` of a login
/// redirect).
pub fn url_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The session of this request, already read by a layer (the admin header warning), so the
/// extractors do not read it again.
#[derive(Clone)]
pub(crate) struct Resolved(pub Option<Pending>);

pub(crate) async fn pending(parts: &Parts, state: &AppState) -> Result<Option<Pending>, WebError> {
    if let Some(Resolved(p)) = parts.extensions.get::<Resolved>() {
        return Ok(p.clone());
    }
    let name = auth::session_cookie_name(state.auth.secure);
    let Some(token) = cookie(&parts.headers, name).filter(|t| auth::is_well_formed_session_token(t)) else {
        return Ok(None);
    };
    let token_hash = auth::token_hash(token);
    let now = now();
    sweep_emergency(state, now, false).await?;
    let version = state.version.current(&state.store).await?;
    let cached = state.sessions.session(version, &token_hash).filter(|(s, _)| s.is_valid(now));
    let (mut session, user) = match cached {
        Some(hit) => hit,
        None => {
            let Some(session) = state.store.session_by_token_hash(&token_hash, now).await? else {
                return Ok(None);
            };
            let user = state.store.user(session.user_id).await?;
            if user.disabled {
                return Ok(None);
            }
            let (session, user) = (Arc::new(session), Arc::new(user));
            state.sessions.put_session(version, &token_hash, &session, &user);
            (session, user)
        }
    };
    let second_factor = second_factor_at(state, &user, version).await?;
    // Sliding expiry, written at most every `touch_every_ms`.
    if now.0 - session.last_seen_at.0 >= state.auth.touch_every_ms
        && state.sessions.claim_touch(&token_hash, now, state.auth.touch_every_ms)
    {
        // Sliding, but never past the session's absolute lifetime (a pending login's: minutes).
        let lifetime = if session.mfa_passed || !second_factor { state.auth.max_age_ms } else { state.auth.pending_ms };
        let expires_at = Timestamp((now.0 + state.auth.idle_ms).min(session.created_at.0 + lifetime));
        if !state.store.touch_session(session.id, now, expires_at).await? {
            // Revoked or expired since it was read.
            state.sessions.forget(&token_hash);
            return Ok(None);
        }
        let s = Arc::make_mut(&mut session);
        s.last_seen_at = now;
        s.expires_at = expires_at;
        state.sessions.touched(&token_hash, now, expires_at);
    }
    Ok(Some(Pending { session, user, token_hash, version, second_factor }))
}

fn no_session(parts: &Parts) -> NoSession {
    if parts.uri.path().starts_with("/api/") {
        NoSession::Api
    } else {
        NoSession::Page { next: parts.uri.path_and_query().map_or("/".into(), |p| p.to_string()) }
    }
}

impl FromRequestParts<AppState> for Pending {
    type Rejection = NoSession;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        pending(parts, state).await.map_err(NoSession::Error)?.ok_or_else(|| no_session(parts))
    }
}

impl FromRequestParts<AppState> for Authed {
    type Rejection = NoSession;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        match pending(parts, state).await.map_err(NoSession::Error)? {
            Some(p) if p.complete() && p.user.must_change_password && !reachable_before_password_change(parts) => {
                Err(NoSession::PasswordChange)
            }
            Some(p) if p.complete() => Ok(Authed(p)),
            Some(p) if !parts.uri.path().starts_with("/api/") => {
                Err(NoSession::SecondFactor { enrol: !p.user.totp_enabled })
            }
            _ => Err(no_session(parts)),
        }
    }
}

/// What a user whose password an admin chose (`must_change_password`) may reach before choosing
/// their own: the password form (`/account` and its POST, the API's `PUT /api/account/password`),
/// the session (`/api/session`: who, the CSRF token, logout) and logout.
pub fn reachable_before_password_change(parts: &Parts) -> bool {
    let path = parts.extensions.get::<axum::extract::OriginalUri>().map_or(parts.uri.path(), |u| u.0.path());
    matches!(path, "/account" | "/account/password" | "/logout" | "/api/session" | "/api/account/password")
}

/// The client's address for the audit trail and the rate limiter.
pub fn source(parts: &Parts) -> String {
    parts
        .extensions
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map_or_else(|| "unknown".to_owned(), |c| c.0.ip().to_string())
}

/// May the signed-in user see this row? Unknown and foreign ids look the same: not found.
pub async fn check_access(state: &AppState, user: &User, kind: Kind, id: Id) -> Result<(), WebError> {
    let version = state.version.current(&state.store).await?;
    access_at(state, user.id, kind, id, version).await
}

/// The access decision at a version of the store, from the cache when it was taken at it.
async fn access_at(state: &AppState, user: Id, kind: Kind, id: Id, version: i64) -> Result<(), WebError> {
    let key = (user, kind_key(kind), id);
    let allowed = match state.sessions.access(version, &key) {
        Some(allowed) => allowed,
        None => {
            let allowed = match state.store.can_access(user, kind, id).await {
                Ok(allowed) => allowed,
                // An unknown id is refused like a foreign one; creating it raises the version.
                Err(
                    sansho_store::StoreError::UnknownOrganization(_)
                    | sansho_store::StoreError::UnknownSystem(_)
                    | sansho_store::StoreError::UnknownAssessment(_)
                    | sansho_store::StoreError::UnknownAnswer(_)
                    | sansho_store::StoreError::UnknownEvidence(_),
                ) => false,
                Err(e) => return Err(e.into()),
            };
            state.sessions.put_access(version, key, allowed);
            allowed
        }
    };
    if !allowed {
        crate::events::note_denied();
    }
    if allowed { Ok(()) } else { Err(WebError::NotFound(format!("no such {kind:?}").to_lowercase())) }
}

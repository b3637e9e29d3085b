//! Who is asking: the session cookie, resolved to a user, and the CSRF token of the session.
//!
//! A session token lives only in the client's cookie (HttpOnly, SameSite=Strict, `Secure` and the
//! `__Host-` prefix unless the server is plain HTTP on loopback); the store keeps its SHA-256.
//! A session is *complete* once the second factor was passed, or when the user has none and is not
//! an admin (admins must enrol one). Pages ask for [`Authed`]; the TOTP steps ask for
//! [`Pending`]. Forms before login are protected by a pre-session cookie of their own.

use std::sync::Mutex;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Redirect, Response};
use sansho_auth as auth;
use sansho_store::{Actor, Id, Role, Session, Timestamp, User};

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
    pub password: auth::PasswordParams,
    pub limiter: auth::RateLimiter,
    /// Password hashes run one or two at a time (each holds ~19 MiB), off the async workers.
    pub hashing: tokio::sync::Semaphore,
}

impl AuthConfig {
    pub fn new(master: Vec<u8>, secure: bool, setup_token: Option<String>) -> Self {
        AuthConfig {
            master,
            secure,
            setup_token: Mutex::new(setup_token),
            idle_ms: 30 * 60 * 1000,
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
    pub fn csrf_key(&self) -> [u8; 32] {
        auth::derive_key(&self.master, "csrf")
    }
    pub fn recovery_key(&self) -> [u8; 32] {
        auth::derive_key(&self.master, "recovery-code")
    }
}

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

/// How often a session's last-seen time (and so its expiry) is moved forward.
const TOUCH_EVERY_MS: i64 = 60_000;

/// The name of the cookie that carries the pre-login token of the setup and login forms.
pub fn pre_cookie_name(secure: bool) -> &'static str {
    if secure { "__Host-sansho_pre" } else { "sansho_pre" }
}

/// A session and its user, whether or not the second factor is passed yet.
#[derive(Clone)]
pub struct Pending {
    pub session: Session,
    pub user: User,
    pub token_hash: String,
}

impl Pending {
    /// Whether the session may use the application (second factor passed, or none needed).
    pub fn complete(&self) -> bool {
        self.session.mfa_passed || (!self.user.totp_enabled && self.user.role != Role::Admin)
    }
    pub fn csrf(&self, state: &AppState) -> String {
        auth::csrf_token(&state.auth.csrf_key(), &self.token_hash)
    }
    pub fn actor(&self, source: &str) -> Actor {
        Actor::new(self.user.username.clone(), source)
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
    Page {
        next: String,
    },
    /// Signed in, but the second factor is still to pass (or, for an admin, to enrol).
    SecondFactor {
        enrol: bool,
    },
    Api,
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
            NoSession::Api => WebError::Unauthorized.into_response(),
            NoSession::Error(e) => e.into_response(),
        }
    }
}

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
    let Some(session) = state.store.session_by_token_hash(&token_hash, now).await? else {
        return Ok(None);
    };
    let user = state.store.user(session.user_id).await?;
    if user.disabled {
        return Ok(None);
    }
    // Sliding expiry, written at most once a minute: a write per request would serialize every
    // request on the database's write lock.
    if now.0 - session.last_seen_at.0 >= TOUCH_EVERY_MS {
        state.store.touch_session(session.id, now, Timestamp(now.0 + state.auth.idle_ms)).await?;
    }
    Ok(Some(Pending { session, user, token_hash }))
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
            Some(p) if p.complete() => Ok(Authed(p)),
            Some(p) if !parts.uri.path().starts_with("/api/") => {
                Err(NoSession::SecondFactor { enrol: !p.user.totp_enabled })
            }
            _ => Err(no_session(parts)),
        }
    }
}

/// The client's address for the audit trail and the rate limiter.
pub fn source(parts: &Parts) -> String {
    parts
        .extensions
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map_or_else(|| "unknown".to_owned(), |c| c.0.ip().to_string())
}

/// May the signed-in user see this row? Unknown and foreign ids look the same: not found.
pub async fn check_access(state: &AppState, user: &User, kind: sansho_store::Kind, id: Id) -> Result<(), WebError> {
    match state.store.can_access(user.id, kind, id).await {
        Ok(true) => Ok(()),
        Ok(false) => Err(WebError::NotFound(format!("no such {kind:?}").to_lowercase())),
        Err(
            sansho_store::StoreError::UnknownOrganization(_)
            | sansho_store::StoreError::UnknownSystem(_)
            | sansho_store::StoreError::UnknownAssessment(_)
            | sansho_store::StoreError::UnknownAnswer(_)
            | sansho_store::StoreError::UnknownEvidence(_),
        ) => Err(WebError::NotFound(format!("no such {kind:?}").to_lowercase())),
        Err(e) => Err(e.into()),
    }
}

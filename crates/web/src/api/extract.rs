//! What every API handler takes: the signed-in user (cookie session, second factor passed; the
//! `x-csrf-token` header on every write) and the path, query and JSON body, whose rejections are
//! typed JSON errors ([`ErrorBody`](crate::error::ErrorBody)) like every other API failure.

// Until the assessment and admin endpoints use them (being written).
#![allow(dead_code)]

use axum::extract::{FromRequest, FromRequestParts};
use axum::http::Method;
use axum::http::request::Parts;
use sansho_store::{Actor, Role};

use crate::session::{Pending, pending, source};
use crate::{AppState, WebError};

/// The header a write must carry: the session's CSRF token, as `GET /api/session` returns it.
/// A cross-site form cannot set a header, and the session cookie is `SameSite=Strict` besides.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// A signed-in API user whose second factor is passed (or who needs none).
pub struct ApiUser {
    pub session: Pending,
    /// The client's address, for the audit trail.
    pub source: String,
}

impl std::ops::Deref for ApiUser {
    type Target = Pending;
    fn deref(&self) -> &Pending {
        &self.session
    }
}

impl ApiUser {
    /// Who the audit trail names for this request's writes.
    pub fn actor(&self) -> Actor {
        self.session.actor(&self.source)
    }
    /// Writes to assessments need the assessor or admin role.
    pub fn require_editor(&self) -> Result<(), WebError> {
        match self.session.user.role {
            Role::Admin | Role::Assessor => Ok(()),
            Role::Viewer => Err(WebError::Forbidden("viewers may only read".into())),
        }
    }
    pub fn require_admin(&self) -> Result<(), WebError> {
        match self.session.user.role {
            Role::Admin => Ok(()),
            _ => Err(WebError::Forbidden("only an admin may do this".into())),
        }
    }
}

fn is_safe(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

impl FromRequestParts<AppState> for ApiUser {
    type Rejection = WebError;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let Some(p) = pending(parts, state).await? else {
            return Err(WebError::Unauthorized);
        };
        if !p.complete() {
            return Err(WebError::Unauthorized);
        }
        if p.user.must_change_password && !crate::session::reachable_before_password_change(parts) {
            return Err(WebError::PasswordChangeRequired);
        }
        if !is_safe(&parts.method) {
            let sent = parts.headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok()).unwrap_or("");
            if !p.csrf_ok(state, sent) {
                return Err(WebError::Csrf(format!("missing or wrong {CSRF_HEADER} header")));
            }
        }
        Ok(ApiUser { session: p, source: source(parts) })
    }
}

/// A JSON body; a body that is not JSON, or not of the expected shape, is a typed error.
#[derive(FromRequest)]
#[from_request(via(axum::Json), rejection(WebError))]
pub struct ApiJson<T>(pub T);

impl<T: serde::Serialize> axum::response::IntoResponse for ApiJson<T> {
    fn into_response(self) -> axum::response::Response {
        axum::Json(self.0).into_response()
    }
}

/// Path parameters; ones that do not parse name nothing (404).
#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(WebError))]
pub struct ApiPath<T>(pub T);

/// Query parameters; ones that do not parse are a bad request (400).
#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(WebError))]
pub struct ApiQuery<T>(pub T);

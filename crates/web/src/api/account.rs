//! One's own account as JSON: who one is, the sessions (end one or all others), a new password,
//! new recovery codes. The same operations as the account page (`pages/account.rs`).

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{delete, get, post, put};
use serde::{Deserialize, Serialize};
use utoipa::{OpenApi, ToSchema};

use crate::api::extract::{ApiJson, ApiPath, ApiUser};
use crate::error::ErrorBody;
use crate::pages::account::{Refusal, end_other_sessions, end_own_session, renew_recovery_codes, set_own_password};
use crate::session::now;
use crate::{AppState, WebError};

#[derive(OpenApi)]
#[openapi(
    paths(account, change_password, recovery_codes, end_session, end_other),
    components(schemas(Account, OrganizationRef, AccountSession, PasswordChange, RecoveryCodes, Ended, ErrorBody))
)]
pub struct AccountApi;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/account", get(account))
        .route("/account/password", put(change_password))
        .route("/account/recovery-codes", post(recovery_codes))
        .route("/account/sessions/{id}", delete(end_session))
        .route("/account/sessions/revoke-others", post(end_other))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OrganizationRef {
    pub id: String,
    pub name: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AccountSession {
    pub id: String,
    /// Milliseconds since the Unix epoch (UTC), as everywhere in the API.
    pub created_at: i64,
    pub last_seen_at: i64,
    pub expires_at: i64,
    /// The client address it was opened from.
    pub source: String,
    /// The session making this request.
    pub current: bool,
}

/// The signed-in user.
#[derive(Debug, Serialize, ToSchema)]
pub struct Account {
    pub id: String,
    pub username: String,
    pub display_name: String,
    /// admin, assessor or viewer.
    pub role: String,
    pub organizations: Vec<OrganizationRef>,
    pub totp_enabled: bool,
    pub recovery_codes_left: i64,
    pub sessions: Vec<AccountSession>,
}

#[utoipa::path(get, path = "/api/account", security(("session_cookie" = [])), tag = "account",
    responses(
        (status = 200, description = "The signed-in user", body = Account),
        (status = 401, description = "Not signed in", body = ErrorBody)))]
async fn account(State(s): State<AppState>, user: ApiUser) -> Result<ApiJson<Account>, WebError> {
    let u = &user.user;
    let sessions = s
        .store
        .sessions_of(u.id, now())
        .await?
        .into_iter()
        .map(|x| AccountSession {
            id: x.id.to_string(),
            created_at: x.created_at.0,
            last_seen_at: x.last_seen_at.0,
            expires_at: x.expires_at.0,
            current: x.id == user.session.session.id,
            source: x.source,
        })
        .collect();
    let organizations = s
        .store
        .organizations_of(u.id)
        .await?
        .into_iter()
        .map(|o| OrganizationRef { id: o.id.to_string(), name: o.name })
        .collect();
    Ok(ApiJson(Account {
        id: u.id.to_string(),
        username: u.username.clone(),
        display_name: u.display_name.clone(),
        role: u.role.as_str().to_owned(),
        organizations,
        totp_enabled: u.totp_enabled,
        recovery_codes_left: s.store.recovery_codes_left(u.id).await?,
        sessions,
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordChange {
    pub current: String,
    pub password: String,
    /// The new password again.
    pub confirm: String,
}

#[utoipa::path(put, path = "/api/account/password", security(("session_cookie" = [], "csrf_header" = [])), tag = "account", request_body = PasswordChange,
    responses(
        (status = 204, description = "Changed; the user's other sessions ended"),
        (status = 400, description = "Not JSON", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Missing or wrong x-csrf-token header, or the account is locked after repeated failures", body = ErrorBody),
        (status = 422, description = "Wrong current password (counted like a failed login), confirmation differs, or the password policy refuses it", body = ErrorBody),
        (status = 429, description = "Too many attempts from this address", body = ErrorBody)))]
async fn change_password(
    State(s): State<AppState>,
    user: ApiUser,
    ApiJson(body): ApiJson<PasswordChange>,
) -> Result<axum::response::Response, WebError> {
    use axum::response::IntoResponse;
    let addr = user.source.parse().unwrap_or(std::net::IpAddr::from([0, 0, 0, 0]));
    match set_own_password(&s, &user, &user.actor(), addr, &body.current, &body.password, &body.confirm).await {
        Ok(()) => Ok(StatusCode::NO_CONTENT.into_response()),
        Err(Refusal::Throttled(retry)) => {
            let mut r = WebError::TooManyRequests.into_response();
            r.headers_mut().insert(axum::http::header::RETRY_AFTER, axum::http::HeaderValue::from(retry));
            Ok(r)
        }
        Err(r) => Err(r.into_error()),
    }
}

/// New recovery codes, shown only in this response.
#[derive(Debug, Serialize, ToSchema)]
pub struct RecoveryCodes {
    pub codes: Vec<String>,
}

#[utoipa::path(post, path = "/api/account/recovery-codes", security(("session_cookie" = [], "csrf_header" = [])), tag = "account",
    responses(
        (status = 200, description = "New codes; the old ones no longer work", body = RecoveryCodes),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Missing or wrong x-csrf-token header", body = ErrorBody),
        (status = 422, description = "No second factor enrolled", body = ErrorBody)))]
async fn recovery_codes(State(s): State<AppState>, user: ApiUser) -> Result<ApiJson<RecoveryCodes>, WebError> {
    let codes = renew_recovery_codes(&s, &user, &user.actor()).await.map_err(|r| r.into_error())?;
    Ok(ApiJson(RecoveryCodes { codes }))
}

#[utoipa::path(delete, path = "/api/account/sessions/{id}", security(("session_cookie" = [], "csrf_header" = [])), tag = "account",
    params(("id" = String, Path, description = "One of the user's own session ids")),
    responses(
        (status = 204, description = "Ended"),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Missing or wrong x-csrf-token header", body = ErrorBody),
        (status = 404, description = "Not one of the user's valid sessions", body = ErrorBody)))]
async fn end_session(
    State(s): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<String>,
) -> Result<StatusCode, WebError> {
    end_own_session(&s, &user, &user.actor(), &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Ended {
    pub ended: usize,
}

#[utoipa::path(post, path = "/api/account/sessions/revoke-others", security(("session_cookie" = [], "csrf_header" = [])), tag = "account",
    responses(
        (status = 200, description = "Every other session of the user ended", body = Ended),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Missing or wrong x-csrf-token header", body = ErrorBody)))]
async fn end_other(State(s): State<AppState>, user: ApiUser) -> Result<ApiJson<Ended>, WebError> {
    Ok(ApiJson(Ended { ended: end_other_sessions(&s, &user, &user.actor()).await? }))
}

//! `/api/session`: who am I (with the CSRF token every write must send), JSON login with the
//! same checks as the login page, and logout.

use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use sansho_auth as auth;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::assessments::OrganizationView;
use super::extract::{ApiJson, ApiUser, CSRF_HEADER};
use crate::admin_ops::RoleWord;
use crate::error::ErrorBody;
use crate::i18n::PageLang;
use crate::pages::auth::{
    Client, LOCKED, LoginRefusal, Pick, SecondFactor, check_password, check_second_factor, create_session,
};
use crate::session::{Pending, now};
use crate::{AppState, WebError};

pub fn routes() -> Router<AppState> {
    Router::new().route("/session", get(who).post(login).delete(logout))
}

/// The signed-in user.
#[derive(Debug, Serialize, ToSchema)]
pub struct SessionUser {
    pub id: String,
    pub username: String,
    pub display_name: String,
    pub role: RoleWord,
    pub totp_enabled: bool,
}

/// Who is signed in, their organizations, and the CSRF token to send in the `x-csrf-token`
/// header of every write.
#[derive(Debug, Serialize, ToSchema)]
pub struct SessionInfo {
    pub user: SessionUser,
    pub organizations: Vec<OrganizationView>,
    /// Send this in the header named by `csrf_header` with every POST, PUT and DELETE.
    pub csrf_token: String,
    /// Always `x-csrf-token`.
    pub csrf_header: String,
    /// When the session ends unless used (Unix milliseconds; each use moves it forward).
    pub expires_at: i64,
}

async fn session_info(s: &AppState, p: &Pending, csrf: String) -> Result<SessionInfo, WebError> {
    let orgs = s.store.organizations_of(p.user.id).await?;
    Ok(SessionInfo {
        user: SessionUser {
            id: p.user.id.to_string(),
            username: p.user.username.clone(),
            display_name: p.user.display_name.clone(),
            role: p.user.role.into(),
            totp_enabled: p.user.totp_enabled,
        },
        organizations: orgs.iter().map(OrganizationView::from).collect(),
        csrf_token: csrf,
        csrf_header: CSRF_HEADER.into(),
        expires_at: p.session.expires_at.0,
    })
}

/// Who am I.
#[utoipa::path(get, path = "/api/session", tag = "session",
    security(("session_cookie" = [])),
    responses(
        (status = 200, description = "The signed-in user, their organizations and the CSRF token", body = SessionInfo),
        (status = 401, description = "No session (or the second factor is not passed)", body = ErrorBody)))]
async fn who(State(s): State<AppState>, user: ApiUser) -> Result<Json<SessionInfo>, WebError> {
    let csrf = user.csrf(&s);
    Ok(Json(session_info(&s, &user, csrf).await?))
}

/// A JSON login: the password and, for a user with TOTP, a current TOTP code or one of the
/// recovery codes.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    pub username: String,
    pub password: String,
    /// The 6-digit code of the authenticator app.
    #[serde(default)]
    pub totp_code: Option<String>,
    /// A recovery code (`xxxx-xxxx-xxxx`), used up by this login.
    #[serde(default)]
    pub recovery_code: Option<String>,
}

/// Signs in: the same rules as the login page (rate limit per address, lockout after repeated
/// failures, a login to an emergency account recorded for admins). An admin who has not enrolled
/// a second factor must do so in the browser first. Sets the session cookie.
#[utoipa::path(post, path = "/api/session", tag = "session",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Signed in; the session cookie is set", body = SessionInfo,
            headers(("set-cookie" = String, description = "The session cookie (HttpOnly, SameSite=Strict)"))),
        (status = 400, description = "The body is not JSON", body = ErrorBody),
        (status = 401, description = "Wrong user name, password or code, or a code is needed", body = ErrorBody),
        (status = 403, description = "Locked after repeated failures, or an admin without a second factor (enrol in the browser)", body = ErrorBody),
        (status = 413, description = "The body is too large", body = ErrorBody),
        (status = 422, description = "The JSON is not a login request", body = ErrorBody),
        (status = 429, description = "Too many attempts from this address", body = ErrorBody,
            headers(("retry-after" = u64, description = "Seconds to wait")))))]
async fn login(
    State(s): State<AppState>,
    PageLang(lang): PageLang,
    client: Client,
    ApiJson(req): ApiJson<LoginRequest>,
) -> Result<Response, WebError> {
    let now = now();
    let user = match check_password(&s, &client, &req.username, &req.password, now).await? {
        Ok(user) => user,
        Err(LoginRefusal::Throttled(retry)) => {
            let mut r = WebError::TooManyRequests.into_response();
            r.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(retry));
            return Ok(r);
        }
        Err(LoginRefusal::Wrong) => {
            return Ok(unauthorized(
                lang.t("ユーザー名またはパスワードが正しくありません。", "Wrong user name or password."),
            ));
        }
        Err(LoginRefusal::Locked) => {
            return Err(WebError::Forbidden(
                lang.t(
                    "ログイン失敗が続いたため、このアカウントは一時的にロックされています。",
                    "This account is locked for a while after repeated failures.",
                )
                .into(),
            ));
        }
    };
    if !user.totp_enabled && crate::session::needs_second_factor(&s, &user).await? {
        return Err(WebError::Forbidden(
            lang.t(
                "先にブラウザで二要素認証（TOTP）を登録してください。",
                "Enrol a second factor (TOTP) in the browser first.",
            )
            .into(),
        ));
    }
    let actor = client.actor(&user.username);
    if user.totp_enabled {
        let code = req.totp_code.as_deref().or(req.recovery_code.as_deref()).map(str::trim).unwrap_or("");
        if code.is_empty() {
            return Ok(unauthorized(lang.t(
                "確認コード（totp_code または recovery_code）が必要です。",
                "A code is needed: totp_code or recovery_code.",
            )));
        }
        match check_second_factor(&s, &actor, user.id, code, now).await? {
            SecondFactor::Passed => {}
            SecondFactor::Wrong => {
                return Ok(unauthorized(lang.t("確認コードが正しくありません。", "The code is wrong.")));
            }
            SecondFactor::Locked => return Err(WebError::Forbidden(LOCKED.pick(lang).into())),
        }
    }
    // The session first, then the login: an emergency account is never seen signed in without a
    // session (which would make it lapse).
    let (cookie, token_hash) = create_session(&s, &client, &user, user.totp_enabled, now).await?;
    let session = s
        .store
        .session_by_token_hash(&token_hash, now)
        .await?
        .ok_or_else(|| WebError::Internal("the new session is not found".into()))?;
    let user = match s.store.record_login_success(user.id, &actor, now).await {
        Ok(user) => user,
        Err(sansho_store::StoreError::UserLocked(_)) => {
            s.store.revoke_session(session.id, &actor, now).await?;
            return Err(WebError::Forbidden(LOCKED.pick(lang).into()));
        }
        Err(e) => return Err(e.into()),
    };
    let version = s.version.current(&s.store).await?;
    let second_factor = crate::session::needs_second_factor(&s, &user).await?;
    let p = Pending { session: session.into(), user: user.into(), token_hash, version, second_factor };
    let csrf = p.csrf(&s);
    let mut r = Json(session_info(&s, &p, csrf).await?).into_response();
    r.headers_mut()
        .append(header::SET_COOKIE, HeaderValue::from_str(&cookie).map_err(|e| WebError::Internal(e.to_string()))?);
    Ok(r)
}

/// Signs out: the session is revoked and its cookie cleared.
#[utoipa::path(delete, path = "/api/session", tag = "session",
    security(("session_cookie" = [], "csrf_header" = [])),
    responses(
        (status = 204, description = "Signed out"),
        (status = 401, description = "No session", body = ErrorBody),
        (status = 403, description = "Missing or wrong x-csrf-token header", body = ErrorBody)))]
async fn logout(State(s): State<AppState>, user: ApiUser) -> Result<Response, WebError> {
    let now = now();
    s.store.revoke_session(user.session.session.id, &user.actor(), now).await?;
    if user.user.is_emergency {
        // Its session ended: the emergency account is disabled again (issue 11 §1.3).
        crate::session::sweep_emergency(&s, now, true).await?;
    }
    let mut r = StatusCode::NO_CONTENT.into_response();
    r.headers_mut().append(
        header::SET_COOKIE,
        HeaderValue::from_str(&auth::clear_session_cookie(s.auth.secure))
            .map_err(|e| WebError::Internal(e.to_string()))?,
    );
    Ok(r)
}

/// A 401 with the reason (wrong credentials, a code needed or wrong).
fn unauthorized(message: &str) -> Response {
    let body = ErrorBody { error: message.to_owned(), code: WebError::Unauthorized.code().to_owned() };
    (StatusCode::UNAUTHORIZED, Json(body)).into_response()
}

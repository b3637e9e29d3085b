//! The admin API under `/api/admin`: users, memberships, organizations, the emergency account's
//! uses and the audit log. Admins only (others get 403); every write carries the `x-csrf-token`
//! header and is audited with the admin as actor and the client's address as source. The
//! operations are [`crate::admin_ops`]'s, shared with the admin pages.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};

use super::extract::{ApiJson, ApiPath, ApiQuery, ApiUser};
use crate::admin_ops::{
    self as ops, AuditCheck, AuditPage, AuditQuery, AuditView, CreateOrganization, CreateUser, EmergencyUseView,
    OrgKindWord, OrgRef, OrgView, RoleWord, SecondFactorExemptions, UpdateUser, UserView,
};
use crate::error::ErrorBody;
use crate::{AppState, Lang, WebError};

#[derive(OpenApi)]
#[openapi(
    paths(
        list_users,
        create_user,
        get_user,
        update_user,
        unlock,
        reset_totp,
        revoke_sessions,
        set_password,
        add_membership,
        remove_membership,
        list_organizations,
        create_organization,
        emergency_uses,
        acknowledge,
        audit,
        verify,
        second_factor,
        set_second_factor
    ),
    components(schemas(
        UserView,
        OrgRef,
        RoleWord,
        OrgKindWord,
        CreateUser,
        UpdateUser,
        PasswordBody,
        MembershipBody,
        MembershipResult,
        Revoked,
        OrgView,
        CreateOrganization,
        EmergencyUseView,
        AuditView,
        AuditPage,
        AuditCheck,
        SecondFactorExemptions,
        ErrorBody
    )),
    tags((name = "admin", description = "利用者・組織・非常時用アカウント・監査ログの管理（管理者のみ） / Users, organizations, the emergency account and the audit log (admins only)"))
)]
pub struct AdminApi;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/users", get(list_users).post(create_user))
        .route("/admin/users/{id}", get(get_user).patch(update_user))
        .route("/admin/users/{id}/unlock", post(unlock))
        .route("/admin/users/{id}/reset-totp", post(reset_totp))
        .route("/admin/users/{id}/revoke-sessions", post(revoke_sessions))
        .route("/admin/users/{id}/password", post(set_password))
        .route("/admin/users/{id}/memberships", post(add_membership).delete(remove_membership))
        .route("/admin/organizations", get(list_organizations).post(create_organization))
        .route("/admin/emergency-uses", get(emergency_uses))
        .route("/admin/emergency-uses/{id}/acknowledge", post(acknowledge))
        .route("/admin/audit", get(audit))
        .route("/admin/audit/verify", get(verify))
        .route("/admin/second-factor", get(second_factor).put(set_second_factor))
}

/// API messages are in English (pages speak Japanese first).
const LANG: Lang = Lang::En;

/// The signed-in admin, or 403.
fn admin(u: &ApiUser) -> Result<(), WebError> {
    u.require_admin()
}

#[utoipa::path(get, path = "/api/admin/second-factor", security(("session_cookie" = [])), tag = "admin",
    responses(
        (status = 200, description = "The roles exempted from the second factor (everyone else enrols TOTP at login)", body = SecondFactorExemptions),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not an admin", body = ErrorBody)))]
async fn second_factor(State(s): State<AppState>, u: ApiUser) -> Result<Json<SecondFactorExemptions>, WebError> {
    admin(&u)?;
    Ok(Json(ops::second_factor_exemptions(&s).await?))
}

#[utoipa::path(put, path = "/api/admin/second-factor", security(("session_cookie" = [], "csrf_header" = [])), tag = "admin", request_body = SecondFactorExemptions,
    responses(
        (status = 200, description = "Saved (audited as settings.totp_exempt_roles)", body = SecondFactorExemptions),
        (status = 400, description = "The body is not JSON", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not an admin, or a missing or wrong x-csrf-token header", body = ErrorBody),
        (status = 422, description = "Not a list of roles, or admin among them (admins are never exempted)", body = ErrorBody)))]
async fn set_second_factor(
    State(s): State<AppState>,
    u: ApiUser,
    ApiJson(body): ApiJson<SecondFactorExemptions>,
) -> Result<Json<SecondFactorExemptions>, WebError> {
    admin(&u)?;
    Ok(Json(ops::set_second_factor_exemptions(&s, LANG, &u.actor(), &body.exempt_roles).await?))
}

#[utoipa::path(get, path = "/api/admin/users", security(("session_cookie" = [])), tag = "admin",
    responses(
        (status = 200, description = "Every user, by username", body = [UserView]),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not an admin", body = ErrorBody)))]
async fn list_users(State(s): State<AppState>, u: ApiUser) -> Result<Json<Vec<UserView>>, WebError> {
    admin(&u)?;
    Ok(Json(ops::list_users(&s).await?))
}

#[utoipa::path(post, path = "/api/admin/users", security(("session_cookie" = [], "csrf_header" = [])), tag = "admin", request_body = CreateUser,
    responses(
        (status = 201, description = "The new user (an emergency account is created disabled)", body = UserView),
        (status = 400, description = "The body is not JSON", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not an admin, or no x-csrf-token header", body = ErrorBody),
        (status = 409, description = "The username is taken", body = ErrorBody),
        (status = 422, description = "A field is invalid (the message names it), e.g. the password policy", body = ErrorBody)))]
async fn create_user(
    State(s): State<AppState>,
    u: ApiUser,
    ApiJson(body): ApiJson<CreateUser>,
) -> Result<(StatusCode, Json<UserView>), WebError> {
    admin(&u)?;
    Ok((StatusCode::CREATED, Json(ops::create_user(&s, LANG, &u.actor(), &body).await?)))
}

fn user_id(id: &str) -> Result<sansho_store::Id, WebError> {
    ops::parse_id("user", id)
}

#[utoipa::path(get, path = "/api/admin/users/{id}", security(("session_cookie" = [])), tag = "admin",
    params(("id" = String, Path, description = "User id")),
    responses(
        (status = 200, description = "The user", body = UserView),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not an admin", body = ErrorBody),
        (status = 404, description = "No such user", body = ErrorBody)))]
async fn get_user(
    State(s): State<AppState>,
    u: ApiUser,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<UserView>, WebError> {
    admin(&u)?;
    Ok(Json(ops::get_user(&s, user_id(&id)?).await?))
}

#[utoipa::path(patch, path = "/api/admin/users/{id}", security(("session_cookie" = [], "csrf_header" = [])), tag = "admin", request_body = UpdateUser,
    params(("id" = String, Path, description = "User id")),
    responses(
        (status = 200, description = "The user after the change", body = UserView),
        (status = 400, description = "The body is not JSON", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not an admin, or no x-csrf-token header", body = ErrorBody),
        (status = 404, description = "No such user", body = ErrorBody),
        (status = 409, description = "The change would leave no enabled admin", body = ErrorBody),
        (status = 422, description = "A field is invalid", body = ErrorBody)))]
async fn update_user(
    State(s): State<AppState>,
    u: ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(body): ApiJson<UpdateUser>,
) -> Result<Json<UserView>, WebError> {
    admin(&u)?;
    Ok(Json(ops::update_user(&s, LANG, &u.actor(), user_id(&id)?, &body).await?))
}

#[utoipa::path(post, path = "/api/admin/users/{id}/unlock", security(("session_cookie" = [], "csrf_header" = [])), tag = "admin",
    params(("id" = String, Path, description = "User id")),
    responses(
        (status = 200, description = "The user, unlocked", body = UserView),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not an admin, or no x-csrf-token header", body = ErrorBody),
        (status = 404, description = "No such user", body = ErrorBody)))]
async fn unlock(
    State(s): State<AppState>,
    u: ApiUser,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<UserView>, WebError> {
    admin(&u)?;
    Ok(Json(ops::unlock(&s, &u.actor(), user_id(&id)?).await?))
}

#[utoipa::path(post, path = "/api/admin/users/{id}/reset-totp", security(("session_cookie" = [], "csrf_header" = [])), tag = "admin",
    params(("id" = String, Path, description = "User id")),
    responses(
        (status = 200, description = "The user, without a second factor or recovery codes (an admin enrols again at the next login)", body = UserView),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not an admin, or no x-csrf-token header", body = ErrorBody),
        (status = 404, description = "No such user", body = ErrorBody)))]
async fn reset_totp(
    State(s): State<AppState>,
    u: ApiUser,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<UserView>, WebError> {
    admin(&u)?;
    Ok(Json(ops::reset_totp(&s, &u.actor(), user_id(&id)?).await?))
}

/// How many sessions were ended.
#[derive(Debug, Serialize, ToSchema)]
pub struct Revoked {
    pub revoked: usize,
}

#[utoipa::path(post, path = "/api/admin/users/{id}/revoke-sessions", security(("session_cookie" = [], "csrf_header" = [])), tag = "admin",
    params(("id" = String, Path, description = "User id")),
    responses(
        (status = 200, description = "Every live session of the user was ended", body = Revoked),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not an admin, or no x-csrf-token header", body = ErrorBody),
        (status = 404, description = "No such user", body = ErrorBody)))]
async fn revoke_sessions(
    State(s): State<AppState>,
    u: ApiUser,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<Revoked>, WebError> {
    admin(&u)?;
    Ok(Json(Revoked { revoked: ops::revoke_sessions(&s, &u.actor(), user_id(&id)?).await? }))
}

/// A new password.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordBody {
    /// 12–128 characters, not one character repeated, not the username.
    pub password: String,
}

#[utoipa::path(post, path = "/api/admin/users/{id}/password", security(("session_cookie" = [], "csrf_header" = [])), tag = "admin", request_body = PasswordBody,
    params(("id" = String, Path, description = "User id")),
    responses(
        (status = 200, description = "The password was set", body = UserView),
        (status = 400, description = "The body is not JSON", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not an admin, or no x-csrf-token header", body = ErrorBody),
        (status = 404, description = "No such user", body = ErrorBody),
        (status = 422, description = "The password fails the policy", body = ErrorBody)))]
async fn set_password(
    State(s): State<AppState>,
    u: ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(body): ApiJson<PasswordBody>,
) -> Result<Json<UserView>, WebError> {
    admin(&u)?;
    Ok(Json(ops::set_password(&s, LANG, &u.actor(), user_id(&id)?, &body.password).await?))
}

/// An organization to add the user to or remove them from.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MembershipBody {
    pub organization_id: String,
}

/// Whether anything changed (false: the user already was / was not a member).
#[derive(Debug, Serialize, ToSchema)]
pub struct MembershipResult {
    pub changed: bool,
    pub user: UserView,
}

async fn membership(
    s: &AppState,
    u: &ApiUser,
    id: &str,
    body: &MembershipBody,
    member: bool,
) -> Result<Json<MembershipResult>, WebError> {
    admin(u)?;
    let user = user_id(id)?;
    let org = ops::parse_id("organization", &body.organization_id)?;
    let changed = ops::set_membership(s, &u.actor(), user, org, member).await?;
    Ok(Json(MembershipResult { changed, user: ops::get_user(s, user).await? }))
}

#[utoipa::path(post, path = "/api/admin/users/{id}/memberships", security(("session_cookie" = [], "csrf_header" = [])), tag = "admin", request_body = MembershipBody,
    params(("id" = String, Path, description = "User id")),
    responses(
        (status = 200, description = "The user is a member of the organization", body = MembershipResult),
        (status = 400, description = "The body is not JSON", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not an admin, or no x-csrf-token header", body = ErrorBody),
        (status = 404, description = "No such user or organization", body = ErrorBody),
        (status = 422, description = "The body has the wrong shape", body = ErrorBody)))]
async fn add_membership(
    State(s): State<AppState>,
    u: ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(body): ApiJson<MembershipBody>,
) -> Result<Json<MembershipResult>, WebError> {
    membership(&s, &u, &id, &body, true).await
}

#[utoipa::path(delete, path = "/api/admin/users/{id}/memberships", security(("session_cookie" = [], "csrf_header" = [])), tag = "admin", request_body = MembershipBody,
    params(("id" = String, Path, description = "User id")),
    responses(
        (status = 200, description = "The user is no longer a member of the organization", body = MembershipResult),
        (status = 400, description = "The body is not JSON", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not an admin, or no x-csrf-token header", body = ErrorBody),
        (status = 404, description = "No such user or organization", body = ErrorBody),
        (status = 422, description = "The body has the wrong shape", body = ErrorBody)))]
async fn remove_membership(
    State(s): State<AppState>,
    u: ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(body): ApiJson<MembershipBody>,
) -> Result<Json<MembershipResult>, WebError> {
    membership(&s, &u, &id, &body, false).await
}

#[utoipa::path(get, path = "/api/admin/organizations", security(("session_cookie" = [])), tag = "admin",
    responses(
        (status = 200, description = "Every organization, by name", body = [OrgView]),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not an admin", body = ErrorBody)))]
async fn list_organizations(State(s): State<AppState>, u: ApiUser) -> Result<Json<Vec<OrgView>>, WebError> {
    admin(&u)?;
    Ok(Json(ops::list_organizations(&s).await?))
}

#[utoipa::path(post, path = "/api/admin/organizations", security(("session_cookie" = [], "csrf_header" = [])), tag = "admin", request_body = CreateOrganization,
    responses(
        (status = 201, description = "The new organization; the admin who made it is its member", body = OrgView),
        (status = 400, description = "The body is not JSON", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not an admin, or no x-csrf-token header", body = ErrorBody),
        (status = 422, description = "A field is invalid (the message names it)", body = ErrorBody)))]
async fn create_organization(
    State(s): State<AppState>,
    u: ApiUser,
    ApiJson(body): ApiJson<CreateOrganization>,
) -> Result<(StatusCode, Json<OrgView>), WebError> {
    admin(&u)?;
    let org = ops::create_organization(&s, LANG, &u.session.user, &u.actor(), &body).await?;
    Ok((StatusCode::CREATED, Json(org)))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EmergencyQuery {
    /// Only the uses no admin has acknowledged yet.
    #[serde(default)]
    unacknowledged: bool,
}

#[utoipa::path(get, path = "/api/admin/emergency-uses", security(("session_cookie" = [])), tag = "admin", params(EmergencyQuery),
    responses(
        (status = 200, description = "Logins to emergency accounts, newest first", body = [EmergencyUseView]),
        (status = 400, description = "Bad parameters", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not an admin", body = ErrorBody)))]
async fn emergency_uses(
    State(s): State<AppState>,
    u: ApiUser,
    ApiQuery(q): ApiQuery<EmergencyQuery>,
) -> Result<Json<Vec<EmergencyUseView>>, WebError> {
    admin(&u)?;
    Ok(Json(ops::emergency_uses(&s, q.unacknowledged).await?))
}

#[utoipa::path(post, path = "/api/admin/emergency-uses/{id}/acknowledge", security(("session_cookie" = [], "csrf_header" = [])), tag = "admin",
    params(("id" = String, Path, description = "Emergency use id")),
    responses(
        (status = 200, description = "The use, acknowledged (acknowledging again changes nothing)", body = EmergencyUseView),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not an admin, no x-csrf-token header, or an emergency account acknowledging (only another admin may)", body = ErrorBody),
        (status = 404, description = "No such emergency use", body = ErrorBody)))]
async fn acknowledge(
    State(s): State<AppState>,
    u: ApiUser,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<EmergencyUseView>, WebError> {
    admin(&u)?;
    Ok(Json(ops::acknowledge(&s, LANG, &u.session.user, &u.actor(), ops::parse_id("emergency use", &id)?).await?))
}

#[utoipa::path(get, path = "/api/admin/audit", security(("session_cookie" = [])), tag = "admin", params(AuditQuery),
    responses(
        (status = 200, description = "Audit records, newest first", body = AuditPage),
        (status = 400, description = "Bad parameters", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not an admin", body = ErrorBody)))]
async fn audit(
    State(s): State<AppState>,
    u: ApiUser,
    ApiQuery(q): ApiQuery<AuditQuery>,
) -> Result<Json<AuditPage>, WebError> {
    admin(&u)?;
    Ok(Json(ops::audit(&s, &q).await?))
}

#[utoipa::path(get, path = "/api/admin/audit/verify", security(("session_cookie" = [])), tag = "admin",
    responses(
        (status = 200, description = "The chain check: intact, or the first broken record", body = AuditCheck),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not an admin", body = ErrorBody)))]
async fn verify(State(s): State<AppState>, u: ApiUser) -> Result<Json<AuditCheck>, WebError> {
    admin(&u)?;
    Ok(Json(ops::verify(&s).await?))
}

//! Admin pages: users, memberships, organizations, the emergency account (非常時用アカウント) and
//! the audit log. Admins only (others get 403). Every form carries the CSRF field and every
//! action is one of [`crate::admin_ops`]'s operations (shared with the API), so it is audited with
//! the admin as actor and the client's address as source.
//!
//! Admins also see a warning in the header of every page while an emergency use is
//! unacknowledged (filled in by [`crate::chrome`]).

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use sansho_store::{Actor, Id, Role};
use serde::Deserialize;

use crate::admin_ops::{
    self as ops, AuditCheck, AuditQuery, AuditView, CreateOrganization, CreateUser, EmergencyUseView, OrgKindWord,
    OrgView, RoleWord, UpdateUser, UserView, jst,
};
use crate::i18n::PageLang;
use crate::pages::auth::Client;
use crate::pages::guidelines::{ErrorPage, form_expired, render_status};
use crate::session::Authed;
use crate::{AppState, Lang, WebError};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin", get(overview))
        .route("/admin/users", post(create_user))
        .route("/admin/users/{id}", get(user_page))
        .route("/admin/users/{id}/{action}", post(user_action))
        .route("/admin/organizations", post(create_organization))
        .route("/admin/second-factor", post(set_second_factor))
        .route("/admin/emergency-uses/{id}/acknowledge", post(acknowledge))
        .route("/admin/audit", get(audit))
}

// ----- shared -----

/// The signed-in admin, or the 403 page.
#[allow(clippy::result_large_err)]
fn require_admin(lang: Lang, path: &str, a: &Authed) -> Result<(), Response> {
    if a.user.role == Role::Admin {
        return Ok(());
    }
    let message = lang.t("この操作は管理者のみが行えます。", "Only an admin may do this.").to_owned();
    Err(render_status(StatusCode::FORBIDDEN, &ErrorPage { lang, path: path.to_owned(), status: 403, message }))
}

fn actor(a: &Authed, client: &Client) -> Actor {
    a.actor(&client.addr.to_string())
}

/// Client errors of a form are shown on the page again; anything else is the error itself.
fn shown(e: WebError) -> Result<(StatusCode, String), WebError> {
    match e {
        WebError::Invalid(_) | WebError::Conflict(_) | WebError::BadRequest(_) | WebError::NotFound(_) => {
            Ok((e.status(), e.public_message()))
        }
        e => Err(e),
    }
}

/// A user row as the overview shows it.
struct UserRow {
    v: UserView,
    role: &'static str,
    locked_until: Option<String>,
    last_login: Option<String>,
}

fn user_row(lang: Lang, v: UserView) -> UserRow {
    let role: Role = match v.role {
        RoleWord::Admin => Role::Admin,
        RoleWord::Assessor => Role::Assessor,
        RoleWord::Viewer => Role::Viewer,
    };
    UserRow {
        role: ops::role_word(lang, role),
        locked_until: v.locked_until.map(|t| jst(sansho_store::Timestamp(t))),
        last_login: v.last_login.map(|t| jst(sansho_store::Timestamp(t))),
        v,
    }
}

struct OrgRow {
    v: OrgView,
    kind: &'static str,
}

struct UseRow {
    v: EmergencyUseView,
    used_at: String,
    acknowledged_at: Option<String>,
}

fn use_row(v: EmergencyUseView) -> UseRow {
    UseRow {
        used_at: jst(sansho_store::Timestamp(v.used_at)),
        acknowledged_at: v.acknowledged_at.map(|t| jst(sansho_store::Timestamp(t))),
        v,
    }
}

fn kind_word(lang: Lang, k: OrgKindWord) -> &'static str {
    ops::kind_word(lang, k.into())
}

/// What the last action did, for the notice at the top of the page.
fn done_message(lang: Lang, done: &str) -> Option<String> {
    let m = match done {
        "user-created" => lang.t("利用者を作成しました。", "The user was created."),
        "emergency-created" => lang
            .t("非常時用アカウントを作成しました（無効の状態です）。", "The emergency account was created (disabled)."),
        "organization-created" => lang.t("組織を作成しました。", "The organization was created."),
        "second-factor" => {
            lang.t("二要素認証を免除する役割を保存しました。", "The roles exempted from the second factor were saved.")
        }
        "acknowledged" => lang.t("非常時用アカウントの利用を確認しました。", "The emergency use was acknowledged."),
        "role" => lang.t("役割を変更しました。", "The role was changed."),
        "display-name" => lang.t("表示名を変更しました。", "The display name was changed."),
        "disable" => lang
            .t("アカウントを無効にし、セッションを終了しました。", "The account was disabled and its sessions ended."),
        "enable" => lang.t("アカウントを有効にしました。", "The account was enabled."),
        "unlock" => lang.t("ロックを解除しました。", "The account was unlocked."),
        "reset-totp" => lang.t(
            "二要素認証を初期化しました。次回ログイン時に再登録が必要です（管理者）。",
            "The second factor was reset; an admin enrols again at the next login.",
        ),
        "revoke-sessions" => lang.t("すべてのセッションを終了しました。", "Every session was ended."),
        "password" => lang.t("パスワードを設定しました。", "The password was set."),
        "membership-add" => lang.t("所属を追加しました。", "The membership was added."),
        "membership-remove" => lang.t("所属を外しました。", "The membership was removed."),
        _ => return None,
    };
    Some(m.to_owned())
}

#[derive(Deserialize, Default)]
struct DoneQuery {
    done: Option<String>,
}

// ----- overview -----

#[derive(Template)]
#[template(path = "admin.html")]
struct Overview {
    lang: Lang,
    path: String,
    csrf: String,
    notice: Option<String>,
    error: Option<String>,
    users: Vec<UserRow>,
    orgs: Vec<OrgRow>,
    unacknowledged: Vec<UseRow>,
    uses: Vec<UseRow>,
    emergency_accounts: Vec<UserRow>,
    roles: Vec<(&'static str, &'static str)>,
    /// The roles exempted from the second factor: (form field, label, exempted).
    exemptions: Vec<(&'static str, &'static str, bool)>,
    /// The create-user form as it was sent (after an error).
    form_username: String,
    form_display_name: String,
}

fn roles(lang: Lang) -> Vec<(&'static str, &'static str)> {
    [Role::Assessor, Role::Viewer, Role::Admin].iter().map(|r| (r.as_str(), ops::role_word(lang, *r))).collect()
}

async fn overview_page(
    s: &AppState,
    lang: Lang,
    a: &Authed,
    status: StatusCode,
    notice: Option<String>,
    error: Option<String>,
    form: Option<&UserForm>,
) -> Result<Response, WebError> {
    let users: Vec<UserRow> = ops::list_users(s).await?.into_iter().map(|v| user_row(lang, v)).collect();
    let orgs =
        ops::list_organizations(s).await?.into_iter().map(|v| OrgRow { kind: kind_word(lang, v.kind), v }).collect();
    let uses: Vec<UseRow> = ops::emergency_uses(s, false).await?.into_iter().map(use_row).collect();
    let unacknowledged = ops::emergency_uses(s, true).await?.into_iter().map(use_row).collect();
    let emergency_accounts =
        ops::list_users(s).await?.into_iter().filter(|u| u.emergency).map(|v| user_row(lang, v)).collect();
    let page = Overview {
        lang,
        path: "/admin".into(),
        csrf: a.csrf(s),
        notice,
        error,
        users,
        orgs,
        unacknowledged,
        uses,
        emergency_accounts,
        roles: roles(lang),
        exemptions: {
            let exempt = s.store.totp_exempt_roles().await?;
            [Role::Assessor, Role::Viewer]
                .iter()
                .map(|r| (r.as_str(), ops::role_word(lang, *r), exempt.contains(r)))
                .collect()
        },
        form_username: form.map_or(String::new(), |f| f.username.clone()),
        form_display_name: form.map_or(String::new(), |f| f.display_name.clone()),
    };
    Ok(render_status(status, &page))
}

async fn overview(
    State(s): State<AppState>,
    PageLang(lang): PageLang,
    a: Authed,
    Query(q): Query<DoneQuery>,
) -> Result<Response, WebError> {
    if let Err(r) = require_admin(lang, "/admin", &a) {
        return Ok(r);
    }
    let notice = q.done.as_deref().and_then(|d| done_message(lang, d));
    overview_page(&s, lang, &a, StatusCode::OK, notice, None, None).await
}

#[derive(Deserialize)]
struct SecondFactorForm {
    #[serde(default)]
    csrf_token: String,
    /// "1" when checked.
    #[serde(default)]
    assessor: String,
    #[serde(default)]
    viewer: String,
}

/// Which roles go without a second factor (admins never do).
async fn set_second_factor(
    State(s): State<AppState>,
    PageLang(lang): PageLang,
    client: Client,
    a: Authed,
    Form(f): Form<SecondFactorForm>,
) -> Result<Response, WebError> {
    if let Err(r) = require_admin(lang, "/admin", &a) {
        return Ok(r);
    }
    if !a.csrf_ok(&s, &f.csrf_token) {
        return Ok(form_expired(lang, "/admin"));
    }
    let roles: Vec<RoleWord> = [(RoleWord::Assessor, &f.assessor), (RoleWord::Viewer, &f.viewer)]
        .into_iter()
        .filter(|(_, v)| v.as_str() == "1")
        .map(|(r, _)| r)
        .collect();
    match ops::set_second_factor_exemptions(&s, lang, &actor(&a, &client), &roles).await {
        Ok(_) => Ok(Redirect::to("/admin?done=second-factor").into_response()),
        Err(e) => {
            let (status, msg) = shown(e)?;
            overview_page(&s, lang, &a, status, None, Some(msg), None).await
        }
    }
}

/// The create-user form (also the emergency account's, with `emergency=1`).
struct UserForm {
    csrf_token: String,
    username: String,
    display_name: String,
    password: String,
    role: String,
    /// Organization ids: the field repeats, one per checked box.
    organization: Vec<String>,
    emergency: String,
}

/// A form body where `organization` may repeat: serde's urlencoded form cannot collect repeats,
/// so the body is read pair by pair.
fn parse_user_form(body: &str) -> Result<UserForm, WebError> {
    let mut f = UserForm {
        csrf_token: String::new(),
        username: String::new(),
        display_name: String::new(),
        password: String::new(),
        role: String::new(),
        organization: Vec::new(),
        emergency: String::new(),
    };
    let pairs: Vec<(String, String)> =
        serde_urlencoded_pairs(body).map_err(|e| WebError::BadRequest(format!("form: {e}")))?;
    for (k, v) in pairs {
        match k.as_str() {
            "csrf_token" => f.csrf_token = v,
            "username" => f.username = v,
            "display_name" => f.display_name = v,
            "password" => f.password = v,
            "role" => f.role = v,
            "organization" => f.organization.push(v),
            "emergency" => f.emergency = v,
            _ => {}
        }
    }
    Ok(f)
}

/// `application/x-www-form-urlencoded` pairs, repeats kept.
fn serde_urlencoded_pairs(body: &str) -> Result<Vec<(String, String)>, String> {
    fn decode(s: &str) -> Result<String, String> {
        let bytes = s.as_bytes();
        let mut out = Vec::with_capacity(bytes.len());
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'+' => out.push(b' '),
                b'%' => {
                    let hex = s.get(i + 1..i + 3).ok_or("a % escape is cut short")?;
                    out.push(u8::from_str_radix(hex, 16).map_err(|_| format!("bad % escape %{hex}"))?);
                    i += 2;
                }
                b => out.push(b),
            }
            i += 1;
        }
        String::from_utf8(out).map_err(|_| "not UTF-8".to_owned())
    }
    body.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            Ok((decode(k)?, decode(v)?))
        })
        .collect()
}

async fn create_user(
    State(s): State<AppState>,
    PageLang(lang): PageLang,
    client: Client,
    a: Authed,
    body: String,
) -> Result<Response, WebError> {
    if let Err(r) = require_admin(lang, "/admin", &a) {
        return Ok(r);
    }
    let f = parse_user_form(&body)?;
    if !a.csrf_ok(&s, &f.csrf_token) {
        return Ok(form_expired(lang, "/admin"));
    }
    let emergency = f.emergency == "1";
    let role = match ops::parse_word::<Role>(lang.t("役割", "role"), &f.role) {
        Ok(r) => RoleWord::from(r),
        Err(e) => {
            let (status, msg) = shown(e)?;
            return overview_page(&s, lang, &a, status, None, Some(msg), Some(&f)).await;
        }
    };
    let new = CreateUser {
        username: f.username.clone(),
        display_name: f.display_name.clone(),
        password: f.password.clone(),
        role,
        organizations: f.organization.iter().filter(|o| !o.trim().is_empty()).cloned().collect(),
        emergency,
    };
    match ops::create_user(&s, lang, &actor(&a, &client), &new).await {
        Ok(_) => {
            let done = if emergency { "emergency-created" } else { "user-created" };
            Ok(Redirect::to(&format!("/admin?done={done}")).into_response())
        }
        Err(e) => {
            let (status, msg) = shown(e)?;
            overview_page(&s, lang, &a, status, None, Some(msg), Some(&f)).await
        }
    }
}

#[derive(Deserialize)]
struct OrgForm {
    csrf_token: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    kind: String,
}

async fn create_organization(
    State(s): State<AppState>,
    PageLang(lang): PageLang,
    client: Client,
    a: Authed,
    Form(f): Form<OrgForm>,
) -> Result<Response, WebError> {
    if let Err(r) = require_admin(lang, "/admin", &a) {
        return Ok(r);
    }
    if !a.csrf_ok(&s, &f.csrf_token) {
        return Ok(form_expired(lang, "/admin"));
    }
    let kind = match f.kind.as_str() {
        "medical-institution" => OrgKindWord::MedicalInstitution,
        "vendor" => OrgKindWord::Vendor,
        other => {
            let msg = format!("{}: {other:?}", lang.t("種別が正しくありません", "kind: unknown value"));
            return overview_page(&s, lang, &a, StatusCode::UNPROCESSABLE_ENTITY, None, Some(msg), None).await;
        }
    };
    let new = CreateOrganization { name: f.name.clone(), kind, vendor_position: None };
    match ops::create_organization(&s, lang, &a.user, &actor(&a, &client), &new).await {
        Ok(_) => Ok(Redirect::to("/admin?done=organization-created").into_response()),
        Err(e) => {
            let (status, msg) = shown(e)?;
            overview_page(&s, lang, &a, status, None, Some(msg), None).await
        }
    }
}

#[derive(Deserialize)]
struct CsrfForm {
    csrf_token: String,
    /// Where to return: the overview unless a local path is given.
    #[serde(default)]
    back: String,
}

async fn acknowledge(
    State(s): State<AppState>,
    PageLang(lang): PageLang,
    client: Client,
    a: Authed,
    Path(id): Path<String>,
    Form(f): Form<CsrfForm>,
) -> Result<Response, WebError> {
    if let Err(r) = require_admin(lang, "/admin", &a) {
        return Ok(r);
    }
    if !a.csrf_ok(&s, &f.csrf_token) {
        return Ok(form_expired(lang, "/admin"));
    }
    let id = ops::parse_id("emergency use", &id)?;
    if let Err(e) = ops::acknowledge(&s, lang, &a.user, &actor(&a, &client), id).await {
        return match e {
            WebError::Forbidden(message) => Ok(render_status(
                StatusCode::FORBIDDEN,
                &ErrorPage { lang, path: "/admin".into(), status: 403, message },
            )),
            e => Err(e),
        };
    }
    let back = crate::pages::local_path(Some(f.back.as_str()).filter(|b| !b.is_empty()).or(Some("/admin")));
    let sep = if back.contains('?') { '&' } else { '?' };
    Ok(Redirect::to(&format!("{back}{sep}done=acknowledged")).into_response())
}

// ----- one user -----

#[derive(Template)]
#[template(path = "admin_user.html")]
struct UserPage {
    lang: Lang,
    path: String,
    csrf: String,
    notice: Option<String>,
    error: Option<String>,
    u: UserRow,
    is_self: bool,
    roles: Vec<(&'static str, &'static str)>,
    role: &'static str,
    /// Organizations the user does not belong to (to add).
    other_orgs: Vec<OrgView>,
    sessions: usize,
}

async fn user_page_for(
    s: &AppState,
    lang: Lang,
    a: &Authed,
    id: Id,
    status: StatusCode,
    notice: Option<String>,
    error: Option<String>,
) -> Result<Response, WebError> {
    let v = match ops::get_user(s, id).await {
        Ok(v) => v,
        Err(WebError::NotFound(_)) => {
            let message = lang.t("利用者が見つかりません。", "No such user.").to_owned();
            let path = format!("/admin/users/{id}");
            return Ok(render_status(StatusCode::NOT_FOUND, &ErrorPage { lang, path, status: 404, message }));
        }
        Err(e) => return Err(e),
    };
    let other_orgs = ops::list_organizations(s)
        .await?
        .into_iter()
        .filter(|o| !v.organizations.iter().any(|m| m.id == o.id))
        .collect();
    let sessions = s.store.sessions_of(id, crate::session::now()).await?.len();
    let role = match v.role {
        RoleWord::Admin => "admin",
        RoleWord::Assessor => "assessor",
        RoleWord::Viewer => "viewer",
    };
    let page = UserPage {
        lang,
        path: format!("/admin/users/{id}"),
        csrf: a.csrf(s),
        notice,
        error,
        is_self: a.user.id == id,
        u: user_row(lang, v),
        roles: roles(lang),
        role,
        other_orgs,
        sessions,
    };
    Ok(render_status(status, &page))
}

async fn user_page(
    State(s): State<AppState>,
    PageLang(lang): PageLang,
    a: Authed,
    Path(id): Path<String>,
    Query(q): Query<DoneQuery>,
) -> Result<Response, WebError> {
    if let Err(r) = require_admin(lang, "/admin", &a) {
        return Ok(r);
    }
    let Ok(id) = id.parse::<Id>() else {
        let message = lang.t("利用者が見つかりません。", "No such user.").to_owned();
        return Ok(render_status(
            StatusCode::NOT_FOUND,
            &ErrorPage { lang, path: "/admin".into(), status: 404, message },
        ));
    };
    let notice = q.done.as_deref().and_then(|d| done_message(lang, d));
    user_page_for(&s, lang, &a, id, StatusCode::OK, notice, None).await
}

#[derive(Deserialize)]
struct ActionForm {
    csrf_token: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    organization: String,
}

/// One action on one user: role, display-name, disable, enable, unlock, reset-totp,
/// revoke-sessions, password, membership-add, membership-remove.
async fn user_action(
    State(s): State<AppState>,
    PageLang(lang): PageLang,
    client: Client,
    a: Authed,
    Path((id, action)): Path<(String, String)>,
    Form(f): Form<ActionForm>,
) -> Result<Response, WebError> {
    if let Err(r) = require_admin(lang, "/admin", &a) {
        return Ok(r);
    }
    if !a.csrf_ok(&s, &f.csrf_token) {
        return Ok(form_expired(lang, "/admin"));
    }
    let uid = ops::parse_id("user", &id)?;
    let actor = actor(&a, &client);
    let result = async {
        match action.as_str() {
            "role" => {
                let role = ops::parse_word::<Role>(lang.t("役割", "role"), &f.role)?;
                let change = UpdateUser { role: Some(role.into()), ..UpdateUser::default() };
                ops::update_user(&s, lang, &actor, uid, &change).await.map(drop)
            }
            "display-name" => {
                let change = UpdateUser { display_name: Some(f.display_name.clone()), ..UpdateUser::default() };
                ops::update_user(&s, lang, &actor, uid, &change).await.map(drop)
            }
            "disable" | "enable" => {
                let change = UpdateUser { disabled: Some(action == "disable"), ..UpdateUser::default() };
                ops::update_user(&s, lang, &actor, uid, &change).await.map(drop)
            }
            "unlock" => ops::unlock(&s, &actor, uid).await.map(drop),
            "reset-totp" => ops::reset_totp(&s, &actor, uid).await.map(drop),
            "revoke-sessions" => ops::revoke_sessions(&s, &actor, uid).await.map(drop),
            "password" => ops::set_password(&s, lang, &actor, uid, &f.password).await.map(drop),
            "membership-add" | "membership-remove" => {
                let org = ops::parse_id("organization", &f.organization).map_err(|_| {
                    WebError::Invalid(lang.t("組織を選んでください。", "organization: choose one").into())
                })?;
                ops::set_membership(&s, &actor, uid, org, action == "membership-add").await.map(drop)
            }
            _ => Err(WebError::NotFound(format!("no admin action {action:?}"))),
        }
    }
    .await;
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/admin/users/{uid}?done={action}")).into_response()),
        Err(WebError::NotFound(m)) if m.starts_with("no admin action") => Err(WebError::NotFound(m)),
        Err(e) => {
            let (status, msg) = shown(e)?;
            user_page_for(&s, lang, &a, uid, status, None, Some(msg)).await
        }
    }
}

// ----- audit -----

struct AuditRow {
    r: AuditView,
    at: String,
    /// Before and after are both objects: the page shows what differs (`changes`) first.
    compared: bool,
    /// The fields that differ between before and after: name, before, after.
    changes: Vec<(String, String, String)>,
    before: Option<String>,
    after: Option<String>,
}

fn pretty(v: &Option<serde_json::Value>) -> Option<String> {
    v.as_ref().map(|v| serde_json::to_string_pretty(v).unwrap_or_else(|_| v.to_string()))
}

/// The fields of two JSON objects that differ, in key order (a missing field shows as `—`).
fn changed_fields(
    before: &Option<serde_json::Value>,
    after: &Option<serde_json::Value>,
) -> Vec<(String, String, String)> {
    let (Some(serde_json::Value::Object(b)), Some(serde_json::Value::Object(a))) = (before, after) else {
        return Vec::new();
    };
    let show = |v: Option<&serde_json::Value>| v.map_or_else(|| "—".to_owned(), |v| v.to_string());
    let mut keys: Vec<&String> = b.keys().chain(a.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter().filter(|k| b.get(*k) != a.get(*k)).map(|k| (k.clone(), show(b.get(k)), show(a.get(k)))).collect()
}

#[derive(Template)]
#[template(path = "admin_audit.html")]
struct AuditPageT {
    lang: Lang,
    path: String,
    check: AuditCheck,
    rows: Vec<AuditRow>,
    action: String,
    entity: String,
    user: String,
    /// The query string of the next (older) page, if any.
    next: Option<String>,
    error: Option<String>,
}

async fn audit(
    State(s): State<AppState>,
    PageLang(lang): PageLang,
    a: Authed,
    Query(q): Query<AuditQuery>,
) -> Result<Response, WebError> {
    if let Err(r) = require_admin(lang, "/admin/audit", &a) {
        return Ok(r);
    }
    let check = ops::verify(&s).await?;
    let (rows, next, error, status) = match ops::audit(&s, &q).await {
        Ok(page) => {
            let next = page.next_before.map(|before| {
                let mut qs = vec![format!("before={before}")];
                for (k, v) in [("action", &q.action), ("entity", &q.entity), ("user", &q.user)] {
                    if let Some(v) = v.as_deref().filter(|v| !v.is_empty()) {
                        qs.push(format!("{k}={}", crate::session::url_encode(v)));
                    }
                }
                if let Some(l) = q.limit {
                    qs.push(format!("limit={l}"));
                }
                qs.join("&")
            });
            // A page shows at most a few thousand characters of each record, whatever the record
            // holds (a record made before the store cut untrusted input may hold megabytes): the
            // whole record is in the API (`/api/admin/audit?entity_id=…`) and `sansho audit log`.
            let cut = |s: &str, max: usize| sansho_store::limits::truncate(s, max).into_owned();
            let rows = page
                .records
                .into_iter()
                .map(|mut r| {
                    r.actor = cut(&r.actor, 200);
                    r.source = cut(&r.source, 200);
                    r.action = cut(&r.action, 200);
                    r.entity_kind = cut(&r.entity_kind, 200);
                    r.entity_id = r.entity_id.as_deref().map(|id| cut(id, 200));
                    AuditRow {
                        at: jst(sansho_store::Timestamp(r.at)),
                        compared: r.before.as_ref().is_some_and(serde_json::Value::is_object)
                            && r.after.as_ref().is_some_and(serde_json::Value::is_object),
                        changes: changed_fields(&r.before, &r.after)
                            .into_iter()
                            .map(|(k, b, a)| (cut(&k, 200), cut(&b, 500), cut(&a, 500)))
                            .collect(),
                        before: pretty(&r.before).map(|s| cut(&s, 3_000)),
                        after: pretty(&r.after).map(|s| cut(&s, 3_000)),
                        r,
                    }
                })
                .collect();
            (rows, next, None, StatusCode::OK)
        }
        Err(e) => {
            let (status, msg) = shown(e)?;
            (Vec::new(), None, Some(msg), status)
        }
    };
    let page = AuditPageT {
        lang,
        path: "/admin/audit".into(),
        check,
        rows,
        action: q.action.clone().unwrap_or_default(),
        entity: q.entity.clone().unwrap_or_default(),
        user: q.user.clone().unwrap_or_default(),
        next,
        error,
    };
    Ok(render_status(status, &page))
}

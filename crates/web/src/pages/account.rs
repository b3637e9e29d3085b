//! One's own account: who one is (role, organizations), the second factor and how many recovery
//! codes are left (new codes shown once), one's sessions (end any or all others), and a new
//! password (the current one first; the other sessions end).
//!
//! Every form carries the session's CSRF token; every change is a store write with the user as
//! actor and the client's address as source, so it is in the audit trail.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use sansho_auth as auth;
use sansho_store::{Actor, Id, Role};
use serde::Deserialize;

use crate::i18n::PageLang;
use crate::pages::auth::{Client, Pick};
use crate::pages::guidelines::{form_expired, render_status};
use crate::session::{Authed, Pending, now};
use crate::{AppState, Lang, WebError};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/account", get(show))
        .route("/account/password", post(change_password))
        .route("/account/recovery-codes", post(new_recovery_codes))
        .route("/account/sessions/{id}/revoke", post(revoke))
        .route("/account/sessions/revoke-others", post(revoke_others))
}

pub fn role_word(lang: Lang, role: Role) -> &'static str {
    match role {
        Role::Admin => lang.t("管理者", "admin"),
        Role::Assessor => lang.t("評価者（編集）", "assessor (edit)"),
        Role::Viewer => lang.t("閲覧者", "viewer (read)"),
    }
}

struct SessionRow {
    id: String,
    created: String,
    last_seen: String,
    source: String,
    current: bool,
}

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage {
    lang: Lang,
    path: String,
    csrf: String,
    username: String,
    display_name: String,
    role: String,
    organizations: Vec<(String, String)>,
    totp: bool,
    recovery_left: i64,
    /// New recovery codes, shown once.
    recovery: Vec<String>,
    sessions: Vec<SessionRow>,
    /// A message about the last action: (is it an error, text).
    notice: Option<(bool, String)>,
}

async fn page(
    s: &AppState,
    lang: Lang,
    user: &Authed,
    notice: Option<(bool, String)>,
    recovery: Vec<String>,
) -> Result<Response, WebError> {
    let u = &user.user;
    let now = now();
    let sessions = s
        .store
        .sessions_of(u.id, now)
        .await?
        .into_iter()
        .map(|x| SessionRow {
            id: x.id.to_string(),
            created: crate::time::when(x.created_at),
            last_seen: crate::time::when(x.last_seen_at),
            source: x.source,
            current: x.id == user.session.id,
        })
        .collect();
    let organizations = s.store.organizations_of(u.id).await?.into_iter().map(|o| (o.id.to_string(), o.name)).collect();
    let status = match &notice {
        Some((true, _)) => StatusCode::UNPROCESSABLE_ENTITY,
        _ => StatusCode::OK,
    };
    // Every other page leads here until the password an admin chose is changed.
    let notice = notice.or_else(|| {
        u.must_change_password.then(|| {
            (
                true,
                lang.t(
                    "初期パスワードを変更してください。変更するまで他の画面は使えません。",
                    "Change the initial password: nothing else can be used until it is changed.",
                )
                .to_owned(),
            )
        })
    });
    let page = AccountPage {
        lang,
        path: "/account".into(),
        csrf: user.csrf(s),
        username: u.username.clone(),
        display_name: u.display_name.clone(),
        role: role_word(lang, u.role).to_owned(),
        organizations,
        totp: u.totp_enabled,
        recovery_left: s.store.recovery_codes_left(u.id).await?,
        recovery,
        sessions,
        notice,
    };
    Ok(render_status(status, &page))
}

async fn show(State(s): State<AppState>, PageLang(lang): PageLang, user: Authed) -> Result<Response, WebError> {
    page(&s, lang, &user, None, Vec::new()).await
}

#[derive(Deserialize)]
struct PasswordForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    current: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    confirm: String,
}

async fn change_password(
    State(s): State<AppState>,
    PageLang(lang): PageLang,
    client: Client,
    user: Authed,
    Form(f): Form<PasswordForm>,
) -> Result<Response, WebError> {
    if !user.csrf_ok(&s, &f.csrf_token) {
        return Ok(form_expired(lang, "/account"));
    }
    let actor = user.actor(&client.addr.to_string());
    match set_own_password(&s, &user, &actor, client.addr, &f.current, &f.password, &f.confirm).await {
        Ok(()) => {
            let msg = lang.t(
                "パスワードを変更しました。他のセッションは終了しました。",
                "The password is changed; other sessions ended.",
            );
            page(&s, lang, &user, Some((false, msg.into())), Vec::new()).await
        }
        Err(Refusal::Failed(e)) => Err(e),
        Err(r @ Refusal::Throttled(retry)) => {
            let mut res = page(&s, lang, &user, Some((true, r.message(lang))), Vec::new()).await?;
            *res.status_mut() = StatusCode::TOO_MANY_REQUESTS;
            res.headers_mut().insert(axum::http::header::RETRY_AFTER, axum::http::HeaderValue::from(retry));
            Ok(res)
        }
        Err(r) => page(&s, lang, &user, Some((true, r.message(lang))), Vec::new()).await,
    }
}

#[derive(Deserialize)]
struct CsrfForm {
    #[serde(default)]
    csrf_token: String,
}

async fn new_recovery_codes(
    State(s): State<AppState>,
    PageLang(lang): PageLang,
    client: Client,
    user: Authed,
    Form(f): Form<CsrfForm>,
) -> Result<Response, WebError> {
    if !user.csrf_ok(&s, &f.csrf_token) {
        return Ok(form_expired(lang, "/account"));
    }
    match renew_recovery_codes(&s, &user, &user.actor(&client.addr.to_string())).await {
        Ok(codes) => {
            let msg = lang.t(
                "新しい回復コードを発行しました。以前のコードは使えません。",
                "New recovery codes; the old ones no longer work.",
            );
            page(&s, lang, &user, Some((false, msg.into())), codes).await
        }
        Err(Refusal::Failed(e)) => Err(e),
        Err(r) => page(&s, lang, &user, Some((true, r.message(lang))), Vec::new()).await,
    }
}

async fn revoke(
    State(s): State<AppState>,
    PageLang(lang): PageLang,
    client: Client,
    user: Authed,
    Path(id): Path<String>,
    Form(f): Form<CsrfForm>,
) -> Result<Response, WebError> {
    if !user.csrf_ok(&s, &f.csrf_token) {
        // Another user's session id stays "not found" whatever the form says.
        own_session(&s, &user, &id).await?;
        return Ok(form_expired(lang, "/account"));
    }
    if end_own_session(&s, &user, &user.actor(&client.addr.to_string()), &id).await? {
        return Ok(Redirect::to("/login").into_response());
    }
    Ok(Redirect::to("/account").into_response())
}

async fn revoke_others(
    State(s): State<AppState>,
    PageLang(lang): PageLang,
    client: Client,
    user: Authed,
    Form(f): Form<CsrfForm>,
) -> Result<Response, WebError> {
    if !user.csrf_ok(&s, &f.csrf_token) {
        return Ok(form_expired(lang, "/account"));
    }
    end_other_sessions(&s, &user, &user.actor(&client.addr.to_string())).await?;
    Ok(Redirect::to("/account").into_response())
}

// ----- the operations, shared with the API (`api/account.rs`) -----

/// Why an account change was refused, in the user's words.
pub enum Refusal {
    WrongPassword,
    /// Too many attempts from this address; retry after this many seconds.
    Throttled(u64),
    /// The account is locked after repeated failures.
    Locked,
    Mismatch,
    Policy(auth::PolicyViolation),
    NoSecondFactor,
    Failed(WebError),
}

impl From<WebError> for Refusal {
    fn from(e: WebError) -> Self {
        Refusal::Failed(e)
    }
}

impl From<sansho_store::StoreError> for Refusal {
    fn from(e: sansho_store::StoreError) -> Self {
        Refusal::Failed(e.into())
    }
}

impl Refusal {
    pub fn message(&self, lang: Lang) -> String {
        match self {
            Refusal::WrongPassword => {
                lang.t("現在のパスワードが正しくありません。", "The current password is wrong.").into()
            }
            Refusal::Throttled(_) => lang
                .t(
                    "試行回数が多すぎます。しばらく待ってからお試しください。",
                    "Too many attempts. Wait a moment and try again.",
                )
                .into(),
            Refusal::Locked => crate::pages::auth::LOCKED.pick(lang).into(),
            Refusal::Mismatch => lang
                .t("新しいパスワードが確認欄と一致しません。", "The new password and its confirmation differ.")
                .into(),
            Refusal::Policy(v) => {
                if lang == Lang::Ja {
                    v.ja()
                } else {
                    v.en()
                }
            }
            Refusal::NoSecondFactor => {
                lang.t("先に二要素認証を登録してください。", "Enrol the second factor first.").into()
            }
            Refusal::Failed(e) => e.public_message(),
        }
    }
    /// The refusal as an API error (422, or the failure itself).
    pub fn into_error(self) -> WebError {
        match self {
            Refusal::Failed(e) => e,
            Refusal::Throttled(_) => WebError::TooManyRequests,
            Refusal::Locked => WebError::Forbidden(Refusal::Locked.message(Lang::En)),
            other => WebError::Invalid(other.message(Lang::En)),
        }
    }
}

/// Sets a new password after checking the current one, the confirmation and the policy; the
/// user's other sessions end (whoever knew the old password is signed out). The current password
/// is checked as a login's is (issue 11 §1.11): the address's rate limit, the account's lock, and
/// a wrong one counts towards the lockout (`user.login_failed`).
pub async fn set_own_password(
    s: &AppState,
    p: &Pending,
    actor: &Actor,
    addr: std::net::IpAddr,
    current: &str,
    password: &str,
    confirm: &str,
) -> Result<(), Refusal> {
    let t = now();
    if let Err(retry) = s.auth.limiter.check(addr, t.0) {
        return Err(Refusal::Throttled(retry.seconds()));
    }
    let user = s.store.user(p.user.id).await?;
    if user.is_locked(t) {
        return Err(Refusal::Locked);
    }
    let (current, phc) = (current.to_owned(), user.password_hash.clone());
    if !s.auth.argon2(move || auth::verify_password(&current, &phc).unwrap_or(false)).await? {
        let after = s.store.record_login_failure(user.id, crate::pages::auth::LOCKOUT, actor, t).await?;
        return Err(if after.is_locked(t) { Refusal::Locked } else { Refusal::WrongPassword });
    }
    if password != confirm {
        return Err(Refusal::Mismatch);
    }
    auth::check_password_policy(password, &p.user.username).map_err(Refusal::Policy)?;
    let (password, params) = (password.to_owned(), s.auth.password);
    let hash = s
        .auth
        .argon2(move || auth::hash_password(&password, &params, &mut auth::random_bytes))
        .await?
        .map_err(|e| WebError::Internal(e.to_string()))?;
    s.store.set_password_hash(p.user.id, &hash, actor, t).await?;
    end_other_sessions(s, p, actor).await?;
    Ok(())
}

/// New recovery codes (the old ones stop working), returned once in plain text.
pub async fn renew_recovery_codes(s: &AppState, p: &Pending, actor: &Actor) -> Result<Vec<String>, Refusal> {
    if !p.user.totp_enabled {
        return Err(Refusal::NoSecondFactor);
    }
    let codes = auth::generate_recovery_codes(auth::RECOVERY_CODE_COUNT, &mut auth::random_bytes);
    let key = s.auth.recovery_key();
    let hashes: Vec<String> = codes.iter().filter_map(|c| auth::recovery_code_hash(&key, c)).collect();
    s.store.set_recovery_codes(p.user.id, &hashes, actor, now()).await?;
    Ok(codes)
}

/// Ends one of the user's own sessions (another user's id is "not found"); true when it was the
/// session making the request.
pub async fn end_own_session(s: &AppState, p: &Pending, actor: &Actor, id: &str) -> Result<bool, WebError> {
    let target = own_session(s, p, id).await?;
    let now = now();
    s.store.revoke_session(target.id, actor, now).await?;
    if p.user.is_emergency {
        // An emergency account with no session left is disabled again (issue 11 §1.3).
        crate::session::sweep_emergency(s, now, true).await?;
    }
    Ok(target.id == p.session.id)
}

/// One of the user's own valid sessions; any other id is "not found".
async fn own_session(s: &AppState, p: &Pending, id: &str) -> Result<sansho_store::Session, WebError> {
    let own = s.store.sessions_of(p.user.id, now()).await?;
    id.parse::<Id>()
        .ok()
        .and_then(|id| own.into_iter().find(|x| x.id == id))
        .ok_or_else(|| WebError::NotFound("no such session".into()))
}

/// Ends every session of the user but this one; how many ended.
pub async fn end_other_sessions(s: &AppState, p: &Pending, actor: &Actor) -> Result<usize, WebError> {
    let t = now();
    let mut ended = 0;
    for other in s.store.sessions_of(p.user.id, t).await? {
        if other.id != p.session.id && s.store.revoke_session(other.id, actor, t).await? {
            ended += 1;
        }
    }
    Ok(ended)
}

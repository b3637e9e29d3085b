//! First start (setup token → the first admin), login with password and second factor (TOTP or a
//! recovery code), TOTP enrolment with recovery codes, logout.
//!
//! Every form carries a CSRF token: bound to the session once there is one, before that to a
//! pre-login cookie of its own. Failed logins are counted per account (lockout) and per address
//! (rate limit); an unknown user costs the same time as a known one.

use askama::Template;
use axum::extract::{FromRequestParts, Query, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use sansho_auth as auth;
use sansho_store::{Actor, NewSession, NewUser, Role, Timestamp};
use serde::Deserialize;

use crate::i18n::PageLang;
use crate::pages::guidelines::{form_expired, render_status};
use crate::pages::local_path;
use crate::session::{Authed, Pending, cookie, needs_second_factor, now, pre_cookie_name};
use crate::{AppState, Lang, WebError};

/// Consecutive failed logins (password or second factor) lock the account: 5 failures, 15 minutes,
/// doubling with each further lockout up to 24 hours.
pub(crate) const LOCKOUT: sansho_store::LockoutPolicy = sansho_store::LockoutPolicy {
    max_failures: auth::LockoutPolicy::DEFAULT.threshold,
    lock_ms: auth::LockoutPolicy::DEFAULT.first_lock_ms,
    max_lock_ms: auth::LockoutPolicy::DEFAULT.max_lock_ms,
};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/setup", get(setup_form).post(setup))
        .route("/login", get(login_form).post(login))
        .route("/login/totp", get(totp_form).post(totp))
        .route("/account/totp", get(enrol_form).post(enrol))
        .route("/logout", post(logout))
}

/// The request's client address and headers, for the audit trail and throttling.
pub struct Client {
    pub addr: std::net::IpAddr,
    pub headers: HeaderMap,
}

impl<S: Send + Sync> FromRequestParts<S> for Client {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let addr = parts
            .extensions
            .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
            .map_or(std::net::IpAddr::from([0, 0, 0, 0]), |c| c.0.ip());
        Ok(Client { addr, headers: parts.headers.clone() })
    }
}

impl Client {
    pub fn actor(&self, name: &str) -> Actor {
        Actor::new(name, self.addr.to_string())
    }
}

fn html(page: &impl Template) -> Response {
    render_status(StatusCode::OK, page)
}

fn with_cookie(mut r: Response, cookie: &str) -> Response {
    r.headers_mut().append(header::SET_COOKIE, HeaderValue::from_str(cookie).expect("cookie values are ASCII"));
    r
}

/// The pre-login token (cookie) and the CSRF token derived from it; a new token when there is none.
fn pre_login(state: &AppState, headers: &HeaderMap) -> (String, String, Option<String>) {
    let name = pre_cookie_name(state.auth.secure);
    match cookie(headers, name).filter(|t| auth::is_well_formed_session_token(t)) {
        Some(t) => (t.to_owned(), auth::csrf_token(&state.auth.csrf_key(), &auth::token_hash(t)), None),
        None => {
            let t = auth::new_session_token(&mut auth::random_bytes);
            let csrf = auth::csrf_token(&state.auth.csrf_key(), &auth::token_hash(&t));
            let secure = if state.auth.secure { "; Secure" } else { "" };
            let set = format!("{name}={t}; Path=/; HttpOnly; SameSite=Strict; Max-Age=3600{secure}");
            (t, csrf, Some(set))
        }
    }
}

fn pre_login_ok(state: &AppState, headers: &HeaderMap, presented: &str) -> bool {
    cookie(headers, pre_cookie_name(state.auth.secure))
        .is_some_and(|t| auth::verify_csrf(&state.auth.csrf_key(), &auth::token_hash(t), presented))
}

// ----- setup -----

#[derive(Template)]
#[template(path = "setup.html")]
struct SetupPage {
    lang: Lang,
    path: String,
    csrf: String,
    error: Option<String>,
    username: String,
}

async fn users_exist(state: &AppState) -> Result<bool, WebError> {
    Ok(!state.store.users().await?.is_empty())
}

async fn setup_form(State(s): State<AppState>, PageLang(lang): PageLang, client: Client) -> Result<Response, WebError> {
    if users_exist(&s).await? {
        return Ok(Redirect::to("/login").into_response());
    }
    let (_, csrf, set) = pre_login(&s, &client.headers);
    let page = html(&SetupPage { lang, path: "/setup".into(), csrf, error: None, username: String::new() });
    Ok(match set {
        Some(c) => with_cookie(page, &c),
        None => page,
    })
}

#[derive(Deserialize)]
struct SetupForm {
    csrf_token: String,
    token: String,
    username: String,
    display_name: String,
    password: String,
}

async fn setup(
    State(s): State<AppState>,
    PageLang(lang): PageLang,
    client: Client,
    Form(f): Form<SetupForm>,
) -> Result<Response, WebError> {
    if users_exist(&s).await? {
        return Ok(Redirect::to("/login").into_response());
    }
    if !pre_login_ok(&s, &client.headers, &f.csrf_token) {
        return Ok(form_expired(lang, "/"));
    }
    let (_, csrf, _) = pre_login(&s, &client.headers);
    let again = |error: String| {
        html(&SetupPage {
            lang,
            path: "/setup".into(),
            csrf: csrf.clone(),
            error: Some(error),
            username: f.username.clone(),
        })
    };
    if let Err(v) = auth::check_username(&f.username) {
        return Ok(again(if lang == Lang::Ja { v.ja() } else { v.en() }));
    }
    if let Err(v) = auth::check_password_policy(&f.password, &f.username) {
        return Ok(again(if lang == Lang::Ja { v.ja() } else { v.en() }));
    }
    // The token is taken, not read: of concurrent requests with the right token, one takes it and
    // the others find none (issue 11 §1.9). It is put back only if nobody was made with it.
    let taken = {
        let mut held = s.auth.setup_token.lock().unwrap_or_else(|p| p.into_inner());
        if held.as_deref().is_some_and(|e| auth::verify_setup_token(&f.token, e)) { held.take() } else { None }
    };
    let Some(token) = taken else {
        return Ok(again(lang.t("セットアップトークンが正しくありません。", "The setup token is wrong.").into()));
    };
    let give_back = |token: String| {
        let mut held = s.auth.setup_token.lock().unwrap_or_else(|p| p.into_inner());
        held.get_or_insert(token);
    };
    let (password, params) = (f.password.clone(), s.auth.password);
    let hash = match s.auth.argon2(move || auth::hash_password(&password, &params, &mut auth::random_bytes)).await {
        Ok(Ok(hash)) => hash,
        Ok(Err(e)) => {
            give_back(token);
            return Err(WebError::Internal(e.to_string()));
        }
        Err(e) => {
            give_back(token);
            return Err(e);
        }
    };
    let new = NewUser {
        username: f.username.trim().to_owned(),
        display_name: if f.display_name.trim().is_empty() {
            f.username.trim().to_owned()
        } else {
            f.display_name.trim().to_owned()
        },
        password_hash: hash,
        role: Role::Admin,
        is_emergency: false,
    };
    let now = now();
    // Made only while there is nobody: the store checks and inserts in one transaction, so a
    // second server process on the same file (its own token) cannot make another first admin.
    let user = match s.store.create_first_user(&new, &client.actor("setup"), now).await {
        Ok(Some(user)) => user,
        Ok(None) => return Ok(Redirect::to("/login").into_response()),
        Err(e) => {
            give_back(token);
            return Err(e.into());
        }
    };
    // The first admin looks after what was there before anyone could log in (organizations made
    // at the command line, the demo sample).
    for org in s.store.organizations().await? {
        s.store.add_membership(user.id, org.id, &client.actor("setup"), now).await?;
    }
    start_session(&s, &client, &user, false, now).await
}

/// Creates a session and sets its cookie; then the second factor (or its enrolment) or the app.
async fn start_session(
    s: &AppState,
    client: &Client,
    user: &sansho_store::User,
    mfa_passed: bool,
    now: Timestamp,
) -> Result<Response, WebError> {
    let (cookie, _) = create_session(s, client, user, mfa_passed, now).await?;
    let next = if user.totp_enabled && !mfa_passed {
        "/login/totp"
    } else if !user.totp_enabled && needs_second_factor(s, user).await? {
        // Admins, and everyone whose role is not exempted, enrol one before anything else.
        "/account/totp"
    } else {
        "/"
    };
    Ok(with_cookie(Redirect::to(next).into_response(), &cookie))
}

/// Creates a session for `user` (second factor passed or not); returns its `Set-Cookie` value and
/// the token's hash (the key of the session's CSRF token).
pub async fn create_session(
    s: &AppState,
    client: &Client,
    user: &sansho_store::User,
    mfa_passed: bool,
    now: Timestamp,
) -> Result<(String, String), WebError> {
    let token = auth::new_session_token(&mut auth::random_bytes);
    // A pending login (the second factor, or its enrolment, still to come) lasts minutes.
    let lasts = if mfa_passed || !needs_second_factor(s, user).await? { s.auth.idle_ms } else { s.auth.pending_ms };
    let new = NewSession {
        token_hash: auth::token_hash(&token),
        user_id: user.id,
        expires_at: Timestamp(now.0 + lasts),
        mfa_passed,
    };
    s.store.create_session(&new, &client.actor(&user.username), now).await?;
    Ok((auth::session_cookie(&token, (lasts / 1000) as u64, s.auth.secure), new.token_hash))
}

/// Why a password login is refused.
pub enum LoginRefusal {
    /// Too many attempts from this address; retry after this many seconds.
    Throttled(u64),
    /// Unknown user, disabled account or wrong password (told apart to nobody).
    Wrong,
    /// Locked after repeated failures.
    Locked,
}

/// The password step of a login, shared by the login page and `POST /api/session`: the rate
/// limit per address, an unknown or disabled user (costing the same time as a known one, and an
/// unknown name recorded as an event), the lockout, then the password; a wrong password counts
/// towards the lockout.
pub async fn check_password(
    s: &AppState,
    client: &Client,
    username: &str,
    password: &str,
    now: Timestamp,
) -> Result<Result<sansho_store::User, LoginRefusal>, WebError> {
    if let Err(retry) = s.auth.limiter.check(client.addr, now.0) {
        return Ok(Err(LoginRefusal::Throttled(retry.seconds())));
    }
    // An emergency account whose use is over is disabled before it is looked at.
    crate::session::sweep_emergency(s, now, true).await?;
    let (pw, params) = (password.to_owned(), s.auth.password);
    let dummy = move || {
        auth::verify_password_dummy(&pw, &params);
    };
    let Some(user) = s.store.user_by_username(username).await? else {
        s.auth.argon2(dummy).await?;
        s.store
            .record_event(
                &sansho_store::AuditEvent::new("user.login_failed", "user", None),
                &client.actor(username),
                now,
            )
            .await?;
        return Ok(Err(LoginRefusal::Wrong));
    };
    if user.disabled {
        s.auth.argon2(dummy).await?;
        return Ok(Err(LoginRefusal::Wrong));
    }
    if user.is_locked(now) {
        crate::events::locked_attempt(s, &client.addr.to_string(), username).await;
        return Ok(Err(LoginRefusal::Locked));
    }
    let (pw, phc) = (password.to_owned(), user.password_hash.clone());
    let ok = s.auth.argon2(move || auth::verify_password(&pw, &phc).unwrap_or(false)).await?;
    if !ok {
        s.store.record_login_failure(user.id, LOCKOUT, &client.actor(&user.username), now).await?;
        return Ok(Err(LoginRefusal::Wrong));
    }
    Ok(Ok(user))
}

/// What the second factor step found.
pub enum SecondFactor {
    Passed,
    /// A wrong, replayed or used-up code (counted towards the lockout).
    Wrong,
    /// The account is locked: no code is even looked at.
    Locked,
}

/// The second factor, shared by the TOTP page, enrolment and `POST /api/session`: the account's
/// lock first (read afresh: it holds at every step of a login, whichever pending login the code
/// comes through), then a TOTP code (a step not later than the last accepted one is a replay) or
/// else a recovery code (used up). A wrong code counts towards the lockout like a wrong password.
pub async fn check_second_factor(
    s: &AppState,
    actor: &Actor,
    user: sansho_store::Id,
    code: &str,
    now: Timestamp,
) -> Result<SecondFactor, WebError> {
    let user = s.store.user(user).await?;
    if user.disabled {
        return Ok(SecondFactor::Wrong);
    }
    if user.is_locked(now) {
        // An attempt on a locked account at the second step is a security event (issue 11 §1.13).
        crate::events::locked_attempt(s, &actor.source, &user.username).await;
        return Ok(SecondFactor::Locked);
    }
    let passed = match user.totp_secret.as_deref().filter(|_| user.totp_enabled).map(auth::TotpSecret::from_base32) {
        Some(Ok(secret)) => match auth::verify_totp(&secret, code, now.0, user.totp_last_step.map(|x| x as u64)) {
            Ok(step) => s.store.accept_totp_step(user.id, step as i64, actor, now).await?,
            Err(_) => false,
        },
        _ => false,
    };
    // A recovery code instead of the TOTP code.
    let passed = passed || {
        match auth::recovery_code_hash(&s.auth.recovery_key(), code) {
            Some(hash) => s.store.use_recovery_code(user.id, &hash, actor, now).await.is_ok(),
            None => false,
        }
    };
    if passed {
        return Ok(SecondFactor::Passed);
    }
    let after = s.store.record_login_failure(user.id, LOCKOUT, actor, now).await?;
    Ok(if after.is_locked(now) { SecondFactor::Locked } else { SecondFactor::Wrong })
}

/// The second factor of a pending login is passed: the login is recorded (refused if the account
/// got locked meanwhile) and the session's token is replaced by a new one, second factor passed
/// (issue 11 §1.15). Returns the new session's `Set-Cookie` value and token hash, or the page to
/// show when the account is locked.
async fn complete_login(
    s: &AppState,
    lang: Lang,
    client: &Client,
    p: &Pending,
    now: Timestamp,
) -> Result<Result<(String, String), Response>, WebError> {
    let actor = client.actor(&p.user.username);
    match s.store.record_login_success(p.user.id, &actor, now).await {
        Ok(_) => {}
        Err(sansho_store::StoreError::UserLocked(_)) => return Ok(Err(locked_page(s, lang, p))),
        Err(e) => return Err(e.into()),
    }
    let token = auth::new_session_token(&mut auth::random_bytes);
    let new = NewSession {
        token_hash: auth::token_hash(&token),
        user_id: p.user.id,
        expires_at: Timestamp(now.0 + s.auth.idle_ms),
        mfa_passed: true,
    };
    match s.store.rotate_session(p.session.id, &new, &actor, now).await {
        Ok(_) => {}
        // This pending login was passed or ended already: sign in again.
        Err(sansho_store::StoreError::UnknownSession(_)) => {
            return Ok(Err(Redirect::to("/login").into_response()));
        }
        Err(e) => return Err(e.into()),
    }
    Ok(Ok((auth::session_cookie(&token, (s.auth.idle_ms / 1000) as u64, s.auth.secure), new.token_hash)))
}

/// The page of a login refused because the account is locked.
fn locked_page(s: &AppState, lang: Lang, p: &Pending) -> Response {
    let page =
        TotpPage { lang, path: "/login/totp".into(), csrf: p.csrf(s), error: Some(LOCKED.pick(lang).to_owned()) };
    render_status(StatusCode::FORBIDDEN, &page)
}

/// The lockout message, in both languages.
pub(crate) const LOCKED: (&str, &str) = (
    "ログイン失敗が続いたため、このアカウントは一時的にロックされています。",
    "This account is locked for a while after repeated failures.",
);

pub(crate) trait Pick {
    fn pick(&self, lang: Lang) -> &'static str;
}

impl Pick for (&'static str, &'static str) {
    fn pick(&self, lang: Lang) -> &'static str {
        lang.t(self.0, self.1)
    }
}

// ----- login -----

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    lang: Lang,
    path: String,
    csrf: String,
    error: Option<String>,
    username: String,
    next: String,
}

#[derive(Deserialize)]
struct NextQuery {
    next: Option<String>,
}

async fn login_form(
    State(s): State<AppState>,
    PageLang(lang): PageLang,
    client: Client,
    Query(q): Query<NextQuery>,
) -> Result<Response, WebError> {
    if !users_exist(&s).await? {
        return Ok(Redirect::to("/setup").into_response());
    }
    let (_, csrf, set) = pre_login(&s, &client.headers);
    let next = local_path(q.next.as_deref()).to_owned();
    let page = html(&LoginPage { lang, path: "/login".into(), csrf, error: None, username: String::new(), next });
    Ok(match set {
        Some(c) => with_cookie(page, &c),
        None => page,
    })
}

#[derive(Deserialize)]
struct LoginForm {
    csrf_token: String,
    username: String,
    password: String,
    next: Option<String>,
}

async fn login(
    State(s): State<AppState>,
    PageLang(lang): PageLang,
    client: Client,
    Form(f): Form<LoginForm>,
) -> Result<Response, WebError> {
    if !pre_login_ok(&s, &client.headers, &f.csrf_token) {
        return Ok(form_expired(lang, "/"));
    }
    let now = now();
    let (_, csrf, _) = pre_login(&s, &client.headers);
    let next = local_path(f.next.as_deref()).to_owned();
    let fail = |status: StatusCode, error: &str| {
        let page = LoginPage {
            lang,
            path: "/login".into(),
            csrf: csrf.clone(),
            error: Some(error.into()),
            username: f.username.clone(),
            next: next.clone(),
        };
        render_status(status, &page)
    };
    let user = match check_password(&s, &client, &f.username, &f.password, now).await? {
        Ok(user) => user,
        Err(LoginRefusal::Throttled(retry)) => {
            let mut r = fail(
                StatusCode::TOO_MANY_REQUESTS,
                lang.t(
                    "試行回数が多すぎます。しばらく待ってからお試しください。",
                    "Too many attempts. Wait a moment and try again.",
                ),
            );
            r.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(retry));
            return Ok(r);
        }
        Err(LoginRefusal::Wrong) => {
            return Ok(fail(
                StatusCode::OK,
                lang.t("ユーザー名またはパスワードが正しくありません。", "Wrong user name or password."),
            ));
        }
        Err(LoginRefusal::Locked) => {
            return Ok(fail(
                StatusCode::OK,
                lang.t(
                    "ログイン失敗が続いたため、このアカウントは一時的にロックされています。",
                    "This account is locked for a while after repeated failures.",
                ),
            ));
        }
    };
    let complete = !needs_second_factor(&s, &user).await?;
    let r = start_session(&s, &client, &user, false, now).await?;
    // The session first, then the login: an emergency account is never seen signed in without a
    // session (which would make it lapse).
    if complete {
        match s.store.record_login_success(user.id, &client.actor(&user.username), now).await {
            Ok(_) => {}
            Err(sansho_store::StoreError::UserLocked(_)) => {
                // Locked in the meantime: the new session goes.
                s.store.revoke_sessions_of(user.id, &client.actor(&user.username), now).await?;
                return Ok(fail(StatusCode::OK, LOCKED.pick(lang)));
            }
            Err(e) => return Err(e.into()),
        }
    }
    // Where to go after a complete login.
    if complete && next != "/" {
        let mut r = r;
        r.headers_mut()
            .insert(header::LOCATION, HeaderValue::from_str(&next).map_err(|e| WebError::BadRequest(e.to_string()))?);
        return Ok(r);
    }
    Ok(r)
}

// ----- second factor -----

#[derive(Template)]
#[template(path = "totp.html")]
struct TotpPage {
    lang: Lang,
    path: String,
    csrf: String,
    error: Option<String>,
}

async fn totp_form(State(s): State<AppState>, PageLang(lang): PageLang, p: Pending) -> Response {
    if p.complete() {
        return Redirect::to("/").into_response();
    }
    html(&TotpPage { lang, path: "/login/totp".into(), csrf: p.csrf(&s), error: None })
}

#[derive(Deserialize)]
struct CodeForm {
    csrf_token: String,
    code: String,
}

async fn totp(
    State(s): State<AppState>,
    PageLang(lang): PageLang,
    client: Client,
    p: Pending,
    Form(f): Form<CodeForm>,
) -> Result<Response, WebError> {
    if !p.csrf_ok(&s, &f.csrf_token) {
        return Ok(form_expired(lang, "/"));
    }
    if p.complete() {
        return Ok(Redirect::to("/").into_response());
    }
    let now = now();
    let actor = client.actor(&p.user.username);
    let again =
        |error: &str| html(&TotpPage { lang, path: "/login/totp".into(), csrf: p.csrf(&s), error: Some(error.into()) });
    if let Err(retry) = s.auth.limiter.check(client.addr, now.0) {
        let mut r = again(lang.t("試行回数が多すぎます。", "Too many attempts."));
        *r.status_mut() = StatusCode::TOO_MANY_REQUESTS;
        r.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(retry.seconds()));
        return Ok(r);
    }
    match check_second_factor(&s, &actor, p.user.id, &f.code, now).await? {
        SecondFactor::Passed => {}
        SecondFactor::Wrong => return Ok(again(lang.t("確認コードが正しくありません。", "The code is wrong."))),
        SecondFactor::Locked => return Ok(locked_page(&s, lang, &p)),
    }
    match complete_login(&s, lang, &client, &p, now).await? {
        Ok((cookie, _)) => Ok(with_cookie(Redirect::to("/").into_response(), &cookie)),
        Err(refused) => Ok(refused),
    }
}

#[derive(Template)]
#[template(path = "enrol.html")]
struct EnrolPage {
    lang: Lang,
    path: String,
    csrf: String,
    error: Option<String>,
    /// A factor is enrolled already: re-enrolment first proves it (the `current` field).
    enrolled: bool,
    secret: String,
    qr_svg: String,
    recovery: Vec<String>,
}

/// The TOTP key offered to this session for enrolment: derived from the server's secret, the
/// session, the user and the factor in place, so the page that shows it writes nothing and the
/// form that confirms it computes the same key (see ARCHITECTURE.md, "Sessions").
fn offered_secret(s: &AppState, p: &Pending) -> auth::TotpSecret {
    let session = p.session.id.to_string();
    let user = p.user.id.to_string();
    let current = p.user.totp_secret.as_deref().unwrap_or("");
    auth::TotpSecret::derive(&s.auth.enrolment_key(), &[session.as_bytes(), user.as_bytes(), current.as_bytes()])
}

fn enrol_page(s: &AppState, lang: Lang, p: &Pending, error: Option<String>) -> Result<Response, WebError> {
    let secret = offered_secret(s, p);
    let uri = auth::provisioning_uri(&secret, &p.user.username);
    let qr_svg = auth::qr_svg(&uri, "TOTP").map_err(|e| WebError::Internal(e.to_string()))?;
    let status = if error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    Ok(render_status(
        status,
        &EnrolPage {
            lang,
            path: "/account/totp".into(),
            csrf: p.csrf(s),
            error,
            enrolled: p.user.totp_enabled,
            secret: secret.to_base32(),
            qr_svg,
            recovery: Vec::new(),
        },
    ))
}

/// The enrolment page. It changes nothing (issue 11 §1.1): it shows the key offered to this
/// session; for a user with a factor already, it says so and asks for the current code before a
/// new key replaces it.
async fn enrol_form(State(s): State<AppState>, PageLang(lang): PageLang, p: Pending) -> Result<Response, WebError> {
    if p.user.totp_enabled && !p.session.mfa_passed {
        return Ok(Redirect::to("/login/totp").into_response());
    }
    enrol_page(&s, lang, &p, None)
}

#[derive(Deserialize)]
struct EnrolForm {
    csrf_token: String,
    /// A code of the new key.
    code: String,
    /// Re-enrolment: a code of the factor in place, or a recovery code.
    #[serde(default)]
    current: String,
}

/// Enrols the key offered to this session once a code of it is confirmed; a user with a factor
/// already proves it first (a TOTP code or a recovery code, counted like a login's). The factor in
/// place stays until the new one is stored, in one transaction with new recovery codes.
async fn enrol(
    State(s): State<AppState>,
    PageLang(lang): PageLang,
    client: Client,
    p: Pending,
    Form(f): Form<EnrolForm>,
) -> Result<Response, WebError> {
    if !p.csrf_ok(&s, &f.csrf_token) {
        return Ok(form_expired(lang, "/"));
    }
    if p.user.totp_enabled && !p.session.mfa_passed {
        return Ok(Redirect::to("/login/totp").into_response());
    }
    let now = now();
    let actor = client.actor(&p.user.username);
    let secret = offered_secret(&s, &p);
    let Ok(step) = auth::verify_totp(&secret, &f.code, now.0, None) else {
        let error = lang.t("確認コードが正しくありません。", "The code is wrong.").to_owned();
        return enrol_page(&s, lang, &p, Some(error));
    };
    if p.user.totp_enabled {
        if let Err(retry) = s.auth.limiter.check(client.addr, now.0) {
            let error = lang.t("試行回数が多すぎます。", "Too many attempts.").to_owned();
            let mut r = enrol_page(&s, lang, &p, Some(error))?;
            *r.status_mut() = StatusCode::TOO_MANY_REQUESTS;
            r.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(retry.seconds()));
            return Ok(r);
        }
        match check_second_factor(&s, &actor, p.user.id, &f.current, now).await? {
            SecondFactor::Passed => {}
            SecondFactor::Wrong => {
                let error = lang
                    .t(
                        "現在の確認コードが正しくありません。登録済みの認証アプリのコードか回復コードを入力してください。",
                        "The current code is wrong: enter a code of the app enrolled now, or a recovery code.",
                    )
                    .to_owned();
                return enrol_page(&s, lang, &p, Some(error));
            }
            SecondFactor::Locked => return Ok(locked_page(&s, lang, &p)),
        }
    }
    let codes = auth::generate_recovery_codes(auth::RECOVERY_CODE_COUNT, &mut auth::random_bytes);
    let key = s.auth.recovery_key();
    let hashes: Vec<String> = codes.iter().filter_map(|c| auth::recovery_code_hash(&key, c)).collect();
    s.store.enrol_totp(p.user.id, &secret.to_base32(), step as i64, &hashes, &actor, now).await?;
    let page = EnrolPage {
        lang,
        path: "/account/totp".into(),
        csrf: p.csrf(&s),
        error: None,
        enrolled: true,
        secret: String::new(),
        qr_svg: String::new(),
        recovery: codes,
    };
    if p.session.mfa_passed {
        return Ok(html(&page));
    }
    // A first enrolment passes the second factor of this login.
    match complete_login(&s, lang, &client, &p, now).await? {
        Ok(cookie) => {
            let page = EnrolPage { csrf: auth::csrf_token(&s.auth.csrf_key(), &cookie.1), ..page };
            Ok(with_cookie(html(&page), &cookie.0))
        }
        Err(locked) => Ok(locked),
    }
}

#[derive(Deserialize)]
struct LogoutForm {
    csrf_token: String,
}

async fn logout(
    State(s): State<AppState>,
    PageLang(lang): PageLang,
    client: Client,
    a: Authed,
    Form(f): Form<LogoutForm>,
) -> Result<Response, WebError> {
    if !a.csrf_ok(&s, &f.csrf_token) {
        return Ok(form_expired(lang, "/"));
    }
    let now = now();
    s.store.revoke_session(a.session.id, &client.actor(&a.user.username), now).await?;
    if a.user.is_emergency {
        // Its session ended: the emergency account is disabled again (issue 11 §1.3).
        crate::session::sweep_emergency(&s, now, true).await?;
    }
    Ok(with_cookie(Redirect::to("/login").into_response(), &auth::clear_session_cookie(s.auth.secure)))
}

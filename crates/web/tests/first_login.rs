//! Issue 11 §2.11: a user an admin created chooses their own password at the first login, and
//! non-admins enrol a second factor unless an admin exempted their role.

mod common;

use axum::http::StatusCode;
use common::*;
use sansho_store::{Actor, Role, Timestamp};

const INITIAL: &str = "initial password 2026";
const OWN: &str = "a password of my own 7";

/// The admin creates `username` (a viewer) through the admin page.
async fn create_by_page(b: &mut Browser, username: &str) {
    let c = field(&b.get("/admin").await.body, "csrf_token");
    let res = b
        .post(
            "/admin/users",
            &[
                ("csrf_token", &c),
                ("username", username),
                ("display_name", username),
                ("password", INITIAL),
                ("role", "viewer"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
}

async fn exempt_viewers(store: &sansho_store::Store) {
    store.set_totp_exempt_roles(&[Role::Viewer], &Actor::new("fixture", "test"), Timestamp(now_ms())).await.unwrap();
}

async fn login_page(b: &Browser, username: &str, password: &str) -> (Browser, Page) {
    let mut v = Browser { app: b.app.clone(), jar: Default::default() };
    let csrf = field(&v.get("/login").await.body, "csrf_token");
    let res =
        v.post("/login", &[("csrf_token", &csrf), ("username", username), ("password", password), ("next", "/")]).await;
    (v, res)
}

#[tokio::test]
async fn a_new_user_must_change_the_password_at_first_login_page() {
    let (mut b, store) = setup().await;
    admin(&mut b).await;
    exempt_viewers(&store).await;
    create_by_page(&mut b, "hanako").await;
    assert!(store.user_by_username("hanako").await.unwrap().unwrap().must_change_password);

    let (mut v, res) = login_page(&b, "hanako", INITIAL).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    // Every page leads to the password form, with a message saying why.
    for path in ["/assessments", "/organizations"] {
        let page = v.get(path).await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{path}");
        assert_eq!(page.location.as_deref(), Some("/account"), "{path}");
    }
    let account = v.get("/account").await;
    assert_eq!(account.status, StatusCode::OK);
    assert!(account.body.contains("初期パスワードを変更してください"), "{}", account.body);
    // The API says why it refuses.
    let api = v.api("GET", "/api/assessments", None, None).await;
    assert_eq!(api.status, StatusCode::FORBIDDEN);
    assert_eq!(api.json()["code"], "password_change_required", "{}", api.body);

    let c = field(&account.body, "csrf_token");
    let changed = v
        .post("/account/password", &[("csrf_token", &c), ("current", INITIAL), ("password", OWN), ("confirm", OWN)])
        .await;
    assert_eq!(changed.status, StatusCode::OK, "{}", changed.body);
    assert!(!store.user_by_username("hanako").await.unwrap().unwrap().must_change_password);
    assert_eq!(v.get("/assessments").await.status, StatusCode::OK);
    assert_eq!(v.api("GET", "/api/assessments", None, None).await.status, StatusCode::OK);
}

#[tokio::test]
async fn logout_works_before_the_password_is_changed() {
    let (mut b, store) = setup().await;
    admin(&mut b).await;
    exempt_viewers(&store).await;
    create_by_page(&mut b, "hanako").await;
    let (mut v, _) = login_page(&b, "hanako", INITIAL).await;
    let c = field(&v.get("/account").await.body, "csrf_token");
    let out = v.post("/logout", &[("csrf_token", &c)]).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER, "{}", out.body);
    assert!(v.get("/account").await.location.unwrap().starts_with("/login"));
}

#[tokio::test]
async fn a_new_user_must_change_the_password_at_first_login_api() {
    let (mut b, store) = setup().await;
    admin(&mut b).await;
    exempt_viewers(&store).await;
    let csrf = b.api("GET", "/api/session", None, None).await.json()["csrf_token"].as_str().unwrap().to_owned();
    let made = b
        .api(
            "POST",
            "/api/admin/users",
            Some(serde_json::json!({"username": "taro", "password": INITIAL, "role": "viewer"})),
            Some(&csrf),
        )
        .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.body);

    let mut v = Browser { app: b.app.clone(), jar: Default::default() };
    let login =
        v.api("POST", "/api/session", Some(serde_json::json!({"username": "taro", "password": INITIAL})), None).await;
    assert_eq!(login.status, StatusCode::OK, "{}", login.body);
    let csrf = login.json()["csrf_token"].as_str().unwrap().to_owned();
    let refused = v.api("GET", "/api/organizations", None, None).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(refused.json()["code"], "password_change_required", "{}", refused.body);
    let changed = v
        .api(
            "PUT",
            "/api/account/password",
            Some(serde_json::json!({"current": INITIAL, "password": OWN, "confirm": OWN})),
            Some(&csrf),
        )
        .await;
    assert_eq!(changed.status, StatusCode::NO_CONTENT, "{}", changed.body);
    assert_eq!(v.api("GET", "/api/organizations", None, None).await.status, StatusCode::OK);
}

/// A colleague made through the store (no password to change), signed in with the password only.
async fn colleague(b: &Browser, store: &sansho_store::Store, username: &str, role: Role) -> (Browser, Page) {
    let hash = sansho_auth::hash_password(
        INITIAL,
        &sansho_auth::PasswordParams::INSECURE_FOR_TESTS,
        &mut sansho_auth::random_bytes,
    )
    .unwrap();
    let new = sansho_store::NewUser {
        username: username.into(),
        display_name: username.into(),
        password_hash: hash,
        role,
        is_emergency: false,
    };
    store.create_user(&new, &Actor::new("fixture", "test"), Timestamp(now_ms())).await.unwrap();
    login_page(b, username, INITIAL).await
}

#[tokio::test]
async fn a_non_admin_must_enrol_a_second_factor_unless_exempted() {
    let (mut b, store) = setup().await;
    admin(&mut b).await;
    let (mut v, login) = colleague(&b, &store, "suzuki", Role::Assessor).await;
    assert_eq!(login.location.as_deref(), Some("/account/totp"), "{}", login.body);
    assert_eq!(v.get("/assessments").await.location.as_deref(), Some("/account/totp"));
    assert_eq!(v.api("GET", "/api/assessments", None, None).await.status, StatusCode::UNAUTHORIZED);
    let mut api = Browser { app: b.app.clone(), jar: Default::default() };
    let refused = api
        .api("POST", "/api/session", Some(serde_json::json!({"username": "suzuki", "password": INITIAL})), None)
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.body);
    // Enrolling it lets them in.
    let enrol = v.get("/account/totp").await;
    let (key, c) = (secret(&enrol.body), field(&enrol.body, "csrf_token"));
    let done = v.post("/account/totp", &[("csrf_token", &c), ("code", &code(&key, now_ms()))]).await;
    assert!(done.body.contains("回復コード"), "{}", done.body);
    assert_eq!(v.get("/assessments").await.status, StatusCode::OK);

    // The admin exempts viewers on the admin page: a viewer goes straight in, an assessor does not.
    let c = field(&b.get("/admin").await.body, "csrf_token");
    let saved = b.post("/admin/second-factor", &[("csrf_token", &c), ("viewer", "1")]).await;
    assert_eq!(saved.location.as_deref(), Some("/admin?done=second-factor"), "{}", saved.body);
    assert_eq!(store.totp_exempt_roles().await.unwrap(), vec![Role::Viewer]);
    let (mut w, login) = colleague(&b, &store, "sato", Role::Viewer).await;
    assert_eq!(login.location.as_deref(), Some("/"), "{}", login.body);
    assert_eq!(w.get("/assessments").await.status, StatusCode::OK);
    let (_, login) = colleague(&b, &store, "kato", Role::Assessor).await;
    assert_eq!(login.location.as_deref(), Some("/account/totp"));
    // Over the API too, audited.
    let csrf = b.api("GET", "/api/session", None, None).await.json()["csrf_token"].as_str().unwrap().to_owned();
    let put = b
        .api("PUT", "/api/admin/second-factor", Some(serde_json::json!({"exempt_roles": ["assessor"]})), Some(&csrf))
        .await;
    assert_eq!(put.status, StatusCode::OK, "{}", put.body);
    assert_eq!(
        b.api("GET", "/api/admin/second-factor", None, None).await.json()["exempt_roles"],
        serde_json::json!(["assessor"])
    );
    let (_, login) = colleague(&b, &store, "ito", Role::Assessor).await;
    assert_eq!(login.location.as_deref(), Some("/"));
    let filter = sansho_store::AuditFilter { action: Some("settings.totp_exempt_roles".into()), ..Default::default() };
    let audit = store.audit_log(&filter).await.unwrap();
    assert_eq!(audit.len(), 2, "the page's and the API's change");
    assert_eq!(audit[0].actor, "admin");
    // Admins are never exempted.
    let admin_too = b
        .api("PUT", "/api/admin/second-factor", Some(serde_json::json!({"exempt_roles": ["admin"]})), Some(&csrf))
        .await;
    assert_eq!(admin_too.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", admin_too.body);
}

#[tokio::test]
async fn only_an_admin_may_exempt_roles() {
    let (mut b, store) = setup().await;
    admin(&mut b).await;
    exempt_viewers(&store).await;
    let (mut v, _) = colleague(&b, &store, "sato", Role::Viewer).await;
    let c = field(&v.get("/account").await.body, "csrf_token");
    let page = v.post("/admin/second-factor", &[("csrf_token", &c), ("viewer", "1"), ("assessor", "1")]).await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    let csrf = v.api("GET", "/api/session", None, None).await.json()["csrf_token"].as_str().unwrap().to_owned();
    let api = v
        .api("PUT", "/api/admin/second-factor", Some(serde_json::json!({"exempt_roles": ["assessor"]})), Some(&csrf))
        .await;
    assert_eq!(api.status, StatusCode::FORBIDDEN);
    assert_eq!(v.api("GET", "/api/admin/second-factor", None, None).await.status, StatusCode::FORBIDDEN);
    // Without the CSRF token even an admin is refused.
    let no_csrf = b.post("/admin/second-factor", &[("assessor", "1")]).await;
    assert_ne!(no_csrf.location.as_deref(), Some("/admin?done=second-factor"));
    assert_eq!(store.totp_exempt_roles().await.unwrap(), vec![Role::Viewer]);
}

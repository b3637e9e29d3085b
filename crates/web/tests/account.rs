//! One's own account: sessions listed and ended, the password changed (ending the other
//! sessions), recovery codes renewed; another user's session cannot be ended.

mod common;

use axum::http::StatusCode;
use common::*;
use sansho_store::Role;

const COLLEAGUE_PASSWORD: &str = "colleague password 1";

async fn sign_in(b: &Browser, username: &str, password: &str) -> (Browser, StatusCode) {
    let mut v = Browser { app: b.app.clone(), jar: Default::default() };
    let csrf = field(&v.get("/login").await.body, "csrf_token");
    let r = v.post("/login", &[("csrf_token", &csrf), ("username", username), ("password", password)]).await;
    let ok = if r.location.as_deref() == Some("/") { StatusCode::OK } else { StatusCode::UNAUTHORIZED };
    (v, ok)
}

#[tokio::test]
async fn a_user_changes_the_password_and_the_other_sessions_end() {
    let (b, store) = setup().await;
    let (org, _) = org_with_assessment(&store, "A病院").await;
    let mut first = member(&b, &store, "tanaka", Role::Assessor, org).await;
    let (mut second, ok) = sign_in(&b, "tanaka", COLLEAGUE_PASSWORD).await;
    assert_eq!(ok, StatusCode::OK);

    let page = first.get("/account").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("評価者（編集）") && page.body.contains("A病院"), "{}", page.body);
    assert_eq!(page.body.matches("/revoke\"").count(), 1, "the other session can be ended, not this one");
    assert!(page.body.contains("このセッション"));
    assert!(page.body.contains("二要素認証を登録する"), "TOTP is offered to a user without it");
    let csrf = field(&page.body, "csrf_token");

    let seq = store.audit_seq().await.unwrap();
    let form = |current: &'static str, new: &'static str, confirm: &'static str| {
        [("current", current), ("password", new), ("confirm", confirm)]
    };
    for (fields, message) in [
        (form("wrong password 99", "a new password 2", "a new password 2"), "現在のパスワードが正しくありません"),
        (form(COLLEAGUE_PASSWORD, "a new password 2", "a new password 3"), "確認欄と一致しません"),
        (form(COLLEAGUE_PASSWORD, "short", "short"), "文字以上にしてください"),
    ] {
        let mut all = vec![("csrf_token", csrf.as_str())];
        all.extend(fields);
        let r = first.post("/account/password", &all).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains(message), "{message}: {}", r.body);
    }
    // A refused change writes nothing, but a wrong current password counts like a failed login.
    assert_eq!(store.audit_seq().await.unwrap(), seq + 1);
    let last = store.audit_log(&sansho_store::AuditFilter { limit: 1, ..Default::default() }).await.unwrap();
    assert_eq!(last[0].action, "user.login_failed");
    // Without the session's CSRF token nothing happens either.
    let r = first
        .post(
            "/account/password",
            &[
                ("csrf_token", "x"),
                ("current", COLLEAGUE_PASSWORD),
                ("password", "n3w pass phrase"),
                ("confirm", "n3w pass phrase"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    let r = first
        .post(
            "/account/password",
            &[
                ("csrf_token", &csrf),
                ("current", COLLEAGUE_PASSWORD),
                ("password", "n3w pass phrase"),
                ("confirm", "n3w pass phrase"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("パスワードを変更しました"));
    // The other session is over; this one goes on; the old password no longer works, the new one does.
    assert_eq!(second.get("/account").await.location.as_deref(), Some("/login?next=/account"));
    assert_eq!(first.get("/account").await.status, StatusCode::OK);
    assert_eq!(sign_in(&b, "tanaka", COLLEAGUE_PASSWORD).await.1, StatusCode::UNAUTHORIZED);
    assert_eq!(sign_in(&b, "tanaka", "n3w pass phrase").await.1, StatusCode::OK);
    assert!(store.verify_audit().await.unwrap().is_intact());
}

#[tokio::test]
async fn sessions_are_ended_one_by_one_or_all_others_but_never_another_users() {
    let (b, store) = setup().await;
    let (org, _) = org_with_assessment(&store, "A病院").await;
    let mut me = member(&b, &store, "sato", Role::Viewer, org).await;
    let (mut laptop, _) = sign_in(&b, "sato", COLLEAGUE_PASSWORD).await;
    let (mut tablet, _) = sign_in(&b, "sato", COLLEAGUE_PASSWORD).await;
    let mut other = member(&b, &store, "suzuki", Role::Viewer, org).await;

    let user = store.user_by_username("sato").await.unwrap().unwrap();
    let now = sansho_store::Timestamp(now_ms());
    let sessions = store.sessions_of(user.id, now).await.unwrap();
    assert_eq!(sessions.len(), 3);
    let csrf = field(&me.get("/account").await.body, "csrf_token");

    // Suzuki cannot end Sato's session, even with a valid form of their own.
    let other_csrf = field(&other.get("/account").await.body, "csrf_token");
    let r = other.post(&format!("/account/sessions/{}/revoke", sessions[1].id), &[("csrf_token", &other_csrf)]).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(store.sessions_of(user.id, now).await.unwrap().len(), 3);

    // Sato ends the laptop's session (the second), then all others.
    let r = me.post(&format!("/account/sessions/{}/revoke", sessions[1].id), &[("csrf_token", &csrf)]).await;
    assert_eq!(r.location.as_deref(), Some("/account"));
    assert_eq!(laptop.get("/account").await.status, StatusCode::SEE_OTHER);
    assert_eq!(tablet.get("/account").await.status, StatusCode::OK);
    let r = me.post("/account/sessions/revoke-others", &[("csrf_token", &csrf)]).await;
    assert_eq!(r.location.as_deref(), Some("/account"));
    assert_eq!(tablet.get("/account").await.status, StatusCode::SEE_OTHER);
    assert_eq!(me.get("/account").await.status, StatusCode::OK);
    assert_eq!(other.get("/account").await.status, StatusCode::OK, "another user's session is untouched");

    // A viewer without a second factor gets no recovery codes.
    let r = me.post("/account/recovery-codes", &[("csrf_token", &csrf)]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn an_admin_renews_the_recovery_codes_and_sees_them_once() {
    let (mut b, store) = setup().await;
    admin(&mut b).await;
    let page = b.get("/account").await;
    assert!(page.body.contains("TOTP（認証アプリ）: 有効"), "{}", page.body);
    let csrf = field(&page.body, "csrf_token");
    let admin_user = store.user_by_username("admin").await.unwrap().unwrap();
    let r = b.post("/account/recovery-codes", &[("csrf_token", &csrf)]).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.body.matches("<li><code>").count(), 10, "{}", r.body);
    assert_eq!(store.recovery_codes_left(admin_user.id).await.unwrap(), 10);
    assert!(!b.get("/account").await.body.contains("<li><code>"), "shown only once");
}

#[tokio::test]
async fn the_account_api_does_what_the_page_does() {
    let (b, store) = setup().await;
    let (org, _) = org_with_assessment(&store, "A病院").await;
    let mut anonymous = Browser { app: b.app.clone(), jar: Default::default() };
    let r = anonymous.api("GET", "/api/account", None, None).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert_eq!(r.json()["code"], "unauthorized");

    let mut me = member(&b, &store, "kato", Role::Assessor, org).await;
    let (mut phone, _) = sign_in(&b, "kato", COLLEAGUE_PASSWORD).await;
    let info = me.api("GET", "/api/account", None, None).await.json();
    assert_eq!(info["username"], "kato");
    assert_eq!(info["role"], "assessor");
    assert_eq!(info["organizations"][0]["name"], "A病院");
    assert_eq!(info["totp_enabled"], false);
    let sessions = info["sessions"].as_array().unwrap();
    assert_eq!(sessions.len(), 2);
    assert_eq!(sessions.iter().filter(|x| x["current"] == true).count(), 1);
    assert!(sessions[0]["created_at"].as_i64().unwrap() > 1_700_000_000_000, "ms since the epoch");
    let phone_session = sessions.iter().find(|x| x["current"] == false).unwrap()["id"].as_str().unwrap().to_owned();

    let csrf = field(&me.get("/account").await.body, "csrf_token");
    let change = serde_json::json!({ "current": COLLEAGUE_PASSWORD, "password": "kato new phrase", "confirm": "kato new phrase" });
    // Without the CSRF header: refused, nothing changed.
    let r = me.api("PUT", "/api/account/password", Some(change.clone()), None).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(r.json()["code"], "forbidden");
    // A body of the wrong shape names the problem.
    let r = me.api("PUT", "/api/account/password", Some(serde_json::json!({ "current": 1 })), Some(&csrf)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json()["code"], "invalid");
    let wrong =
        serde_json::json!({ "current": "nope nope", "password": "kato new phrase", "confirm": "kato new phrase" });
    let r = me.api("PUT", "/api/account/password", Some(wrong), Some(&csrf)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.json()["error"].as_str().unwrap().contains("current password"));
    // No second factor: no recovery codes.
    let r = me.api("POST", "/api/account/recovery-codes", None, Some(&csrf)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);

    // End the phone's session by id; an unknown id is 404.
    let r = me.api("DELETE", &format!("/api/account/sessions/{phone_session}"), None, Some(&csrf)).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    assert_eq!(phone.api("GET", "/api/account", None, None).await.status, StatusCode::UNAUTHORIZED);
    let r = me.api("DELETE", &format!("/api/account/sessions/{phone_session}"), None, Some(&csrf)).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);

    let r = me.api("PUT", "/api/account/password", Some(change), Some(&csrf)).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    assert_eq!(sign_in(&b, "kato", "kato new phrase").await.1, StatusCode::OK);
    let r = me.api("POST", "/api/account/sessions/revoke-others", None, Some(&csrf)).await;
    assert_eq!(r.json()["ended"], 1, "the session just opened with the new password");
}

#[tokio::test]
async fn a_page_cached_for_everyone_carries_no_viewers_name_or_admin_link_to_another() {
    let (mut b, store) = setup().await;
    let (org, a) = org_with_assessment(&store, "A病院").await;
    admin(&mut b).await;
    let mut viewer = member(&b, &store, "yamada", Role::Viewer, org).await;
    for path in ["/guidelines/mhlw-3-checklist/org-1".to_owned(), format!("/assessments/{a}")] {
        // The admin's visit fills the cache first.
        let first = b.get(&path).await;
        assert_eq!(first.status, StatusCode::OK, "{path}");
        assert!(first.body.contains(r#"<a href="/admin">管理</a>"#) && first.body.contains("管理者"), "{path}");
        let second = viewer.get(&path).await;
        assert_eq!(second.status, StatusCode::OK, "{path}");
        assert!(second.body.contains(">yamada</a>"), "{path}: the viewer's own name");
        assert!(!second.body.contains(r#"href="/admin""#), "{path}: no admin link for a viewer");
        assert!(!second.body.contains("sansho:user"), "{path}: the marker is filled");
    }
    // Not signed in: a link to log in.
    let mut anonymous = Browser { app: b.app.clone(), jar: Default::default() };
    let page = anonymous.get("/guidelines").await;
    assert!(page.body.contains(r#"<a href="/login">ログイン</a>"#));
}

/// issue 11 §1.11: the password form's current-password check counts like a failed login: five
/// wrong ones lock the account (the right one is then refused too), each is audited, and the
/// address is rate-limited as at the login.
#[tokio::test]
async fn wrong_current_passwords_count_like_failed_logins_and_are_throttled() {
    let (b, store) = setup().await;
    let (org, _) = org_with_assessment(&store, "A病院").await;
    let mut me = member(&b, &store, "tanaka", Role::Assessor, org).await;
    let csrf = field(&me.get("/account").await.body, "csrf_token");
    let change = |current: &'static str| {
        [("current", current), ("password", "a new password 2"), ("confirm", "a new password 2")]
    };
    for _ in 0..5 {
        let mut form = vec![("csrf_token", csrf.as_str())];
        form.extend(change("wrong password 99"));
        let r = me.post("/account/password", &form).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let user = store.user_by_username("tanaka").await.unwrap().unwrap();
    assert!(user.is_locked(sansho_store::Timestamp(now_ms())), "five wrong current passwords did not lock");
    let failed = store
        .audit_log(&sansho_store::AuditFilter { action: Some("user.login_failed".into()), ..Default::default() })
        .await
        .unwrap();
    assert_eq!(failed.len(), 5);
    // Locked: the right current password is refused too, in the page and the API.
    let mut form = vec![("csrf_token", csrf.as_str())];
    form.extend(change(COLLEAGUE_PASSWORD));
    let r = me.post("/account/password", &form).await;
    assert!(r.body.contains("ロック"), "{}", r.body);
    let api = me
        .api(
            "PUT",
            "/api/account/password",
            Some(serde_json::json!({"current": COLLEAGUE_PASSWORD, "password": "a new password 2", "confirm": "a new password 2"})),
            Some(&csrf),
        )
        .await;
    assert_eq!(api.status, StatusCode::FORBIDDEN, "{}", api.body);
    let hash = store.user_by_username("tanaka").await.unwrap().unwrap().password_hash;
    assert!(sansho_auth::verify_password(COLLEAGUE_PASSWORD, &hash).unwrap(), "the password was changed while locked");
    // The address is rate-limited like the login form.
    let mut limited = false;
    for _ in 0..12 {
        let mut form = vec![("csrf_token", csrf.as_str())];
        form.extend(change("wrong password 99"));
        limited |= me.post("/account/password", &form).await.status == StatusCode::TOO_MANY_REQUESTS;
    }
    assert!(limited, "the current-password check is not throttled");
}

//! Setup token → admin with TOTP → login with the second factor → an assessment of one's own
//! organization, never another's; CSRF, replay and lockout refusals. Through the real router, with
//! a cookie jar, on an in-memory store.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::*;
use sansho_store::{Actor, Timestamp};
use tower::ServiceExt;

#[tokio::test]
async fn setup_token_admin_with_totp_login_and_organization_isolation() {
    let (mut b, store) = setup().await;
    // Nobody exists yet: the login page sends to setup.
    assert_eq!(b.get("/login").await.location.as_deref(), Some("/setup"));
    let page = b.get("/setup").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("セットアップトークン"));
    let csrf = field(&page.body, "csrf_token");
    // A wrong token, then a weak password, are refused with the reason.
    let wrong = b
        .post(
            "/setup",
            &[
                ("csrf_token", &csrf),
                ("token", "nope"),
                ("username", "admin"),
                ("display_name", "管理者"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert!(wrong.body.contains("セットアップトークンが正しくありません"));
    let weak = b
        .post(
            "/setup",
            &[
                ("csrf_token", &csrf),
                ("token", SETUP),
                ("username", "admin"),
                ("display_name", ""),
                ("password", "short"),
            ],
        )
        .await;
    assert!(weak.body.contains("12"), "{}", weak.body);
    // Without the form's CSRF token: refused.
    let forged = b
        .post(
            "/setup",
            &[
                ("csrf_token", "x"),
                ("token", SETUP),
                ("username", "admin"),
                ("display_name", ""),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    let made = b
        .post(
            "/setup",
            &[
                ("csrf_token", &csrf),
                ("token", SETUP),
                ("username", "admin"),
                ("display_name", "管理者"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(made.location.as_deref(), Some("/account/totp"), "an admin must enrol a second factor");
    // The token is spent.
    assert_eq!(b.get("/setup").await.location.as_deref(), Some("/login"));
    // Until the second factor is enrolled, the application is closed.
    let gate = b.get("/assessments").await;
    assert_eq!(gate.location.as_deref(), Some("/account/totp"), "{} {}", gate.status, gate.body);
    let enrol = b.get("/account/totp").await;
    assert!(enrol.body.contains("<svg"), "a QR code");
    let key = secret(&enrol.body);
    let csrf = field(&enrol.body, "csrf_token");
    let bad = b.post("/account/totp", &[("csrf_token", &csrf), ("code", "000000")]).await;
    assert!(bad.body.contains("確認コードが正しくありません"));
    let first = code(&key, now_ms());
    let done = b.post("/account/totp", &[("csrf_token", &csrf), ("code", &first)]).await;
    assert!(done.body.contains("回復コード"), "{}", done.body);
    let recovery: Vec<String> =
        done.body.match_indices("<li><code>").map(|(i, _)| done.body[i + 10..i + 24].to_owned()).collect();
    assert_eq!(recovery.len(), 10);

    // Organization A's assessment: not visible until the admin belongs to A.
    let (org_a, a) = org_with_assessment(&store, "A病院").await;
    let (_org_b, other) = org_with_assessment(&store, "B社").await;
    let list = b.get("/assessments").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(!list.body.contains(&a.to_string()));
    assert_eq!(b.get(&format!("/assessments/{a}")).await.status, StatusCode::NOT_FOUND);
    let admin = store.user_by_username("admin").await.unwrap().unwrap();
    store.add_membership(admin.id, org_a, &Actor::new("fixture", "test"), Timestamp(now_ms())).await.unwrap();
    assert!(b.get("/assessments").await.body.contains(&a.to_string()));
    let dash = b.get(&format!("/assessments/{a}")).await;
    assert_eq!(dash.status, StatusCode::OK);
    assert!(dash.body.contains("最低限のガイドライン（遵守事項）"));
    let xlsx = b.get(&format!("/assessments/{a}/export/xlsx")).await;
    assert_eq!(xlsx.status, StatusCode::OK);
    assert!(xlsx.content_type.contains("spreadsheetml"));
    // B's assessment stays invisible, and looks exactly like one that does not exist.
    for uri in [
        format!("/assessments/{other}"),
        format!("/assessments/{other}/export/xlsx"),
        format!("/assessments/{}", sansho_store::Id::from_u128(42)),
    ] {
        assert_eq!(b.get(&uri).await.status, StatusCode::NOT_FOUND, "{uri}");
    }

    // Log out: CSRF needed; afterwards the session is gone.
    assert_eq!(b.post("/logout", &[("csrf_token", "forged")]).await.status, StatusCode::FORBIDDEN);
    let csrf = field(&b.get("/assessments").await.body, "csrf_token");
    assert_eq!(b.post("/logout", &[("csrf_token", &csrf)]).await.location.as_deref(), Some("/login"));
    assert!(b.get("/assessments").await.location.unwrap().starts_with("/login"));

    // Log in again: password, then the second factor. The code used at enrolment is a replay.
    let login = b.get("/login").await;
    let csrf = field(&login.body, "csrf_token");
    let after =
        b.post("/login", &[("csrf_token", &csrf), ("username", "ADMIN"), ("password", PASSWORD), ("next", "/")]).await;
    assert_eq!(after.location.as_deref(), Some("/login/totp"), "user names are case-insensitive");
    assert_eq!(b.get("/assessments").await.location.as_deref(), Some("/login/totp"));
    let totp = b.get("/login/totp").await;
    let csrf = field(&totp.body, "csrf_token");
    let replay = b.post("/login/totp", &[("csrf_token", &csrf), ("code", &first)]).await;
    assert!(replay.body.contains("確認コードが正しくありません"), "a code is good once");
    let ok = b.post("/login/totp", &[("csrf_token", &csrf), ("code", &recovery[0])]).await;
    assert_eq!(ok.location.as_deref(), Some("/"), "a recovery code works: {}", ok.body);
    assert_eq!(b.get("/assessments").await.status, StatusCode::OK);
    // Every step is in the audit trail, and the trail is intact.
    let report = store.verify_audit().await.unwrap();
    assert!(report.is_intact(), "{report:?}");
}

#[tokio::test]
async fn repeated_wrong_passwords_lock_the_account_and_unknown_users_look_the_same() {
    let (mut b, store) = setup().await;
    let page = b.get("/setup").await;
    let csrf = field(&page.body, "csrf_token");
    b.post(
        "/setup",
        &[("csrf_token", &csrf), ("token", SETUP), ("username", "admin"), ("display_name", ""), ("password", PASSWORD)],
    )
    .await;
    b.jar.retain(|k, _| k.ends_with("_pre"));
    let csrf = field(&b.get("/login").await.body, "csrf_token");
    let unknown = b.post("/login", &[("csrf_token", &csrf), ("username", "nobody"), ("password", PASSWORD)]).await;
    let wrong =
        b.post("/login", &[("csrf_token", &csrf), ("username", "admin"), ("password", "wrong password!!")]).await;
    assert!(unknown.body.contains("ユーザー名またはパスワードが正しくありません"));
    assert!(wrong.body.contains("ユーザー名またはパスワードが正しくありません"));
    for _ in 0..4 {
        b.post("/login", &[("csrf_token", &csrf), ("username", "admin"), ("password", "wrong password!!")]).await;
    }
    let locked = b.post("/login", &[("csrf_token", &csrf), ("username", "admin"), ("password", PASSWORD)]).await;
    assert!(locked.body.contains("ロック"), "{}", locked.body);
    assert!(store.user_by_username("admin").await.unwrap().unwrap().locked_until.is_some());
    // The address is throttled too: more attempts than the burst are refused with Retry-After.
    let mut limited = false;
    for _ in 0..12 {
        let r = b.post("/login", &[("csrf_token", &csrf), ("username", "nobody"), ("password", PASSWORD)]).await;
        limited |= r.status == StatusCode::TOO_MANY_REQUESTS;
    }
    assert!(limited);
}

#[tokio::test]
async fn answering_in_the_browser_keeps_history_evidence_and_accepts_a_suggestion() {
    let (mut b, store) = setup().await;
    let (_, a) = org_with_assessment(&store, "A病院").await;
    admin(&mut b).await;
    let before = b.get(&format!("/assessments/{a}")).await;
    assert!(before.body.contains("回答 0 / 80"), "{}", before.body);
    let checklist = b.get(&format!("/assessments/{a}/answers")).await;
    assert_eq!(checklist.status, StatusCode::OK);
    assert!(checklist.body.contains("組織的安全管理対策"));
    let page = b.get(&format!("/assessments/{a}/r/org-1")).await;
    assert!(page.body.contains("情報システム運用責任者の設置"), "the check item's text");
    let csrf = field(&page.body, "csrf_token");
    // 該当なし without a reason is refused and nothing is saved.
    let refused = b
        .post(&format!("/assessments/{a}/r/org-1"), &[("csrf_token", &csrf), ("result", "not-applicable"), ("how", "")])
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("理由"));
    assert!(store.answer_for(a, "org-1").await.unwrap().is_none());
    let saved = b
        .post(
            &format!("/assessments/{a}/r/org-1"),
            &[
                ("csrf_token", &csrf),
                ("result", "implemented"),
                ("how", "運用責任者を1名設置"),
                ("owner", "情報システム課"),
                ("due", "2027-03-31"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    let answer = store.answer_for(a, "org-1").await.unwrap().unwrap();
    assert_eq!((answer.how.as_str(), answer.owner.as_deref()), ("運用責任者を1名設置", Some("情報システム課")));
    let forged =
        b.post(&format!("/assessments/{a}/r/org-1"), &[("csrf_token", "forged"), ("result", "not-implemented")]).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);

    // Evidence: a file, kept content-addressed; downloaded only while it matches its hash.
    let boundary = "XsanshoBoundary";
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n{csrf}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\n運用管理規程\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"expiry\"\r\n\r\n2027-12-31\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"規程.txt\"\r\nContent-Type: text/plain\r\n\r\n第1条 運用責任者を置く。\r\n--{boundary}--\r\n"
    );
    let cookies: Vec<String> = b.jar.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let req = Request::builder()
        .method("POST")
        .uri(format!("/assessments/{a}/r/org-1/evidence"))
        .header(header::COOKIE, cookies.join("; "))
        .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={boundary}"))
        .body(Body::from(body))
        .unwrap();
    let res = b.app.clone().oneshot(req).await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let evidence = store.evidence_for(answer.id).await.unwrap();
    assert_eq!(evidence.len(), 1);
    assert_eq!(evidence[0].title, "運用管理規程");
    let page = b.get(&format!("/assessments/{a}/r/org-1")).await;
    assert!(page.body.contains("運用管理規程") && page.body.contains("変更履歴"));
    // The history names the evidence by its title, not its id.
    let history = &page.body[page.body.find("変更履歴").unwrap()..];
    assert!(history.contains("→ 運用管理規程") && !history.contains(&evidence[0].id.to_string()), "{history}");
    let got = b.get(&format!("/evidence/{}", evidence[0].id)).await;
    assert_eq!(got.status, StatusCode::OK);
    assert_eq!(got.body, "第1条 運用責任者を置く。");

    // A heading answered through its items gets a rolled-up suggestion, accepted with its origin.
    for item in ["tech-7-1", "tech-7-2"] {
        let p = b.get(&format!("/assessments/{a}/r/{item}")).await;
        if p.status != StatusCode::OK {
            continue;
        }
        let c = field(&p.body, "csrf_token");
        b.post(&format!("/assessments/{a}/r/{item}"), &[("csrf_token", &c), ("result", "implemented")]).await;
    }
    let sets = sansho_catalog::load(&sansho_catalog::bundled_sources()).set.unwrap();
    let heading = sets.resolve("mhlw-3-checklist", "技術的安全対策 7").unwrap();
    let local = sets.requirement(heading).id.as_str().to_owned();
    let page = b.get(&format!("/assessments/{a}/r/{local}")).await;
    assert!(page.body.contains("この推定を回答として採用"), "{}", page.body);
    let c = field(&page.body, "csrf_token");
    let accepted = b.post(&format!("/assessments/{a}/r/{local}/accept"), &[("csrf_token", &c)]).await;
    assert_eq!(accepted.status, StatusCode::SEE_OTHER);
    let stored = store.answer_for(a, &local).await.unwrap().unwrap();
    assert_eq!(stored.origin.as_ref().unwrap()["kind"], "derived");
    // Accepting again never overwrites the answer.
    let again = b.post(&format!("/assessments/{a}/r/{local}/accept"), &[("csrf_token", &c)]).await;
    assert!(again.body.contains("上書きすることはありません"));
    assert!(store.verify_audit().await.unwrap().is_intact());
}

#[tokio::test]
async fn a_viewer_reads_but_cannot_change_answers() {
    let (mut b, store) = setup().await;
    let (org, a) = org_with_assessment(&store, "A病院").await;
    admin(&mut b).await;
    // The admin's colleague, a viewer of A, without a second factor (not required for viewers).
    let mut v = member(&b, &store, "auditor", sansho_store::Role::Viewer, org).await;
    assert_eq!(v.get(&format!("/assessments/{a}")).await.status, StatusCode::OK);
    let page = v.get(&format!("/assessments/{a}/r/org-1")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains(r#"name="result""#), "no answer form for a viewer");
    let csrf = field(&v.get("/assessments").await.body, "csrf_token");
    let denied =
        v.post(&format!("/assessments/{a}/r/org-1"), &[("csrf_token", &csrf), ("result", "implemented")]).await;
    assert_eq!(denied.status, StatusCode::FORBIDDEN);
    assert!(store.answer_for(a, "org-1").await.unwrap().is_none());
}

/// Logs in on a fresh browser of the same server with the admin's password: the login response
/// and the browser.
async fn password_login(b: &Browser, username: &str, password: &str) -> (Browser, Page) {
    let mut n = Browser { app: b.app.clone(), jar: std::collections::HashMap::new() };
    let csrf = field(&n.get("/login").await.body, "csrf_token");
    let r =
        n.post("/login", &[("csrf_token", &csrf), ("username", username), ("password", password), ("next", "/")]).await;
    (n, r)
}

/// issue 11 §1.1: a link planted in evidence sends an enrolled admin to `GET /account/totp`. The
/// GET changes nothing (no audit record, the same secret, TOTP still on), and the password alone
/// still does not sign in. Re-enrolment is a POST that proves the current factor first.
#[tokio::test]
async fn a_planted_link_to_the_enrolment_page_changes_nothing_and_re_enrolment_needs_the_current_factor() {
    let (mut b, store) = setup().await;
    let (org, _) = org_with_assessment(&store, "A病院").await;
    let key = admin(&mut b).await;
    let admin_user = store.user_by_username("admin").await.unwrap().unwrap();
    let fixture = Actor::new("fixture", "test");
    store.add_membership(admin_user.id, org, &fixture, Timestamp(now_ms())).await.unwrap();
    // An assessor of A plants a link to the enrolment page as evidence.
    let planted = store
        .add_evidence(
            &sansho_store::NewEvidence {
                title: "規程（リンク）".into(),
                source: sansho_store::EvidenceSource::Link { url: "https://sansho.example/account/totp".into() },
                effective_date: "2026-04-01".parse().unwrap(),
                expiry_date: None,
                organization_id: Some(org),
            },
            &fixture,
            Timestamp(now_ms()),
        )
        .await
        .unwrap();
    let seq = store.audit_seq().await.unwrap();
    let followed = b.get(&format!("/evidence/{}", planted.id)).await;
    let target = followed.location.expect("the evidence link redirects");
    let path = target.strip_prefix("https://sansho.example").unwrap();
    // The browser follows it with the admin's same-site cookie.
    let page = b.get(path).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(store.audit_seq().await.unwrap(), seq, "a GET wrote to the audit log");
    let after = store.user_by_username("admin").await.unwrap().unwrap();
    assert!(after.totp_enabled, "TOTP was switched off by a GET");
    assert_eq!(after.totp_secret, admin_user.totp_secret, "the secret was replaced by a GET");
    assert!(page.body.contains("登録済み"), "the page says the factor is on: {}", page.body);
    // The password alone does not sign in.
    let (mut n, login) = password_login(&b, "admin", PASSWORD).await;
    assert_eq!(login.location.as_deref(), Some("/login/totp"), "the password alone must not sign in");
    assert_eq!(n.get("/admin").await.location.as_deref(), Some("/login/totp"));

    // Re-enrolment: without the current factor, refused, and the old key still works.
    let page = b.get("/account/totp").await;
    let csrf = field(&page.body, "csrf_token");
    let new_key = secret(&page.body);
    assert_ne!(new_key, key, "a new key is offered");
    let t = now_ms();
    let refused =
        b.post("/account/totp", &[("csrf_token", &csrf), ("current", "000000"), ("code", &code(&new_key, t))]).await;
    assert!(refused.body.contains("現在の確認コードが正しくありません"), "{}", refused.body);
    let same = store.user_by_username("admin").await.unwrap().unwrap();
    assert_eq!((same.totp_enabled, &same.totp_secret), (true, &admin_user.totp_secret));
    // With the current code (of a later step than the one used at sign-in), the new key replaces it.
    let current = code(&key, t + 30_000);
    let done =
        b.post("/account/totp", &[("csrf_token", &csrf), ("current", &current), ("code", &code(&new_key, t))]).await;
    assert!(done.body.contains("回復コード"), "{}", done.body);
    let renewed = store.user_by_username("admin").await.unwrap().unwrap();
    assert!(renewed.totp_enabled);
    assert_ne!(renewed.totp_secret, admin_user.totp_secret);
    assert!(store.verify_audit().await.unwrap().is_intact());
}

/// The TOTP step of a pending login: its CSRF token and the response to `code`.
async fn second_step(b: &mut Browser, code: &str) -> Page {
    let page = b.get("/login/totp").await;
    let csrf = field(&page.body, "csrf_token");
    b.post("/login/totp", &[("csrf_token", &csrf), ("code", code)]).await
}

/// issue 11 §1.2: two password-verified pending logins; five wrong codes through one lock the
/// account, and the right code through the other is refused too (the lock holds at every step
/// and is not cleared). A pending login lasts minutes, and is passed once.
#[tokio::test]
async fn the_lock_holds_at_the_second_step_whichever_pending_login_the_code_comes_through() {
    let (mut b, store) = setup().await;
    let key = admin(&mut b).await;
    let (mut one, first) = password_login(&b, "admin", PASSWORD).await;
    let (mut two, second) = password_login(&b, "admin", PASSWORD).await;
    assert_eq!(first.location.as_deref(), Some("/login/totp"));
    assert_eq!(second.location.as_deref(), Some("/login/totp"));
    // A pending login expires in minutes, not hours.
    let admin = store.user_by_username("admin").await.unwrap().unwrap();
    for s in store.sessions_of(admin.id, Timestamp(now_ms())).await.unwrap() {
        if !s.mfa_passed {
            let minutes = (s.expires_at.0 - s.created_at.0) / 60_000;
            assert!(minutes <= 10, "a pending login lasts {minutes} minutes");
        }
    }
    for _ in 0..5 {
        let wrong = second_step(&mut one, "000000").await;
        assert!(wrong.location.is_none());
    }
    let locked = store.user_by_username("admin").await.unwrap().unwrap();
    assert!(locked.is_locked(Timestamp(now_ms())), "five wrong codes lock the account");
    // The right code through the other pending login: refused, and the lock stays.
    let right = second_step(&mut two, &code(&key, now_ms() + 30_000)).await;
    assert_ne!(right.location.as_deref(), Some("/"), "the right code signed in through a locked account");
    assert!(right.body.contains("ロック"), "{}", right.body);
    assert_eq!(two.get("/admin").await.location.as_deref(), Some("/login/totp"));
    let still = store.user_by_username("admin").await.unwrap().unwrap();
    assert!(still.is_locked(Timestamp(now_ms())), "the lock was cleared");
    // The JSON login is refused the same way.
    let mut api = Browser { app: b.app.clone(), jar: std::collections::HashMap::new() };
    let r = api
        .api(
            "POST",
            "/api/session",
            Some(serde_json::json!({"username": "admin", "password": PASSWORD, "totp_code": code(&key, now_ms() + 60_000)})),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    // Failed codes were counted like failed passwords: the audit log says so.
    let failed = store
        .audit_log(&sansho_store::AuditFilter { action: Some("user.login_failed".into()), ..Default::default() })
        .await
        .unwrap();
    assert!(failed.len() >= 5);
}

/// issue 11 §1.15: passing the second factor replaces the session token; the pre-login token
/// (which a fixation attack would have planted) is worth nothing afterwards.
#[tokio::test]
async fn passing_the_second_factor_rotates_the_session_token() {
    let (mut b, _store) = setup().await;
    let key = admin(&mut b).await;
    let (mut n, _) = password_login(&b, "admin", PASSWORD).await;
    let cookie = |b: &Browser| b.jar.iter().find(|(k, _)| k.contains("session")).map(|(_, v)| v.clone());
    let pending = cookie(&n).expect("a pending session cookie");
    let done = second_step(&mut n, &code(&key, now_ms() + 30_000)).await;
    assert_eq!(done.location.as_deref(), Some("/"), "{}", done.body);
    let complete = cookie(&n).expect("a session cookie");
    assert_ne!(pending, complete, "the token was not rotated");
    assert_eq!(n.get("/admin").await.status, StatusCode::OK);
    // The old token is gone.
    let mut old = Browser { app: b.app.clone(), jar: n.jar.clone() };
    let name = old.jar.keys().find(|k| k.contains("session")).unwrap().clone();
    old.jar.insert(name, pending);
    assert!(old.get("/admin").await.location.unwrap().starts_with("/login"));
}

/// issue 11 §1.9: the one-time setup token is consumed atomically. Of concurrent requests with
/// the right token, one makes the first admin; the others make nobody.
#[tokio::test]
async fn the_setup_token_works_once_under_concurrent_requests() {
    let (b, store) = setup().await;
    async fn attempt(b: &Browser, name: &str) -> Page {
        let mut n = Browser { app: b.app.clone(), jar: std::collections::HashMap::new() };
        let csrf = field(&n.get("/setup").await.body, "csrf_token");
        let form = [
            ("csrf_token", csrf.as_str()),
            ("token", SETUP),
            ("username", name),
            ("display_name", ""),
            ("password", PASSWORD),
        ];
        n.post("/setup", &form).await
    }
    let (p1, p2, p3, p4) =
        tokio::join!(attempt(&b, "admin1"), attempt(&b, "admin2"), attempt(&b, "admin3"), attempt(&b, "admin4"));
    let pages = [p1, p2, p3, p4];
    let made = pages.iter().filter(|p| p.location.as_deref() == Some("/account/totp")).count();
    let users = store.users().await.unwrap();
    assert_eq!(
        users.len(),
        1,
        "the token made {} admins: {:?}",
        users.len(),
        users.iter().map(|u| &u.username).collect::<Vec<_>>()
    );
    assert_eq!(made, 1);
    // The token is spent for good.
    let mut late = Browser { app: b.app.clone(), jar: std::collections::HashMap::new() };
    assert_eq!(late.get("/setup").await.location.as_deref(), Some("/login"));
}

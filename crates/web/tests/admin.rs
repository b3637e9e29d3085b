//! Administration through the real router: users, memberships, lockout, the emergency account
//! (非常時用アカウント), the audit log — in the browser and in the JSON API — and that only admins
//! get to any of it.

mod common;

use std::collections::HashMap;

use axum::http::StatusCode;
use common::*;
use serde_json::json;

const ALICE_PW: &str = "alice password 1";

/// A browser of its own on the same server.
fn browser(b: &Browser) -> Browser {
    Browser { app: b.app.clone(), jar: HashMap::new() }
}

/// Logs in with a password (no second factor): the login response.
/// Signs in; at the first login of a user the admin made, the initial password is changed (to
/// itself: the test keeps using it), as every page demands before anything else.
async fn login(b: &mut Browser, username: &str, password: &str) -> Page {
    let csrf = field(&b.get("/login").await.body, "csrf_token");
    let res =
        b.post("/login", &[("csrf_token", &csrf), ("username", username), ("password", password), ("next", "/")]).await;
    if res.location.as_deref() == Some("/") && b.get("/assessments").await.location.as_deref() == Some("/account") {
        let c = field(&b.get("/account").await.body, "csrf_token");
        let changed = b
            .post(
                "/account/password",
                &[("csrf_token", &c), ("current", password), ("password", password), ("confirm", password)],
            )
            .await;
        assert_eq!(changed.status, StatusCode::OK, "{username} changes the initial password: {}", changed.body);
    }
    res
}

/// The CSRF token of the admin's session (the same token serves forms and the API header).
async fn csrf(b: &mut Browser) -> String {
    field(&b.get("/admin").await.body, "csrf_token")
}

/// Creates a user through the admin form; returns the response.
async fn create_user(
    b: &mut Browser,
    username: &str,
    password: &str,
    role: &str,
    orgs: &[&str],
    emergency: bool,
) -> Page {
    let c = csrf(b).await;
    let mut form = vec![
        ("csrf_token", c.as_str()),
        ("username", username),
        ("display_name", "利用者"),
        ("password", password),
        ("role", role),
    ];
    for o in orgs {
        form.push(("organization", o));
    }
    if emergency {
        form.push(("emergency", "1"));
    }
    b.post("/admin/users", &form).await
}

async fn user_id(store: &sansho_store::Store, username: &str) -> String {
    store.user_by_username(username).await.unwrap().unwrap().id.to_string()
}

async fn action(b: &mut Browser, id: &str, action: &str, extra: &[(&str, &str)]) -> Page {
    let c = csrf(b).await;
    let mut form = vec![("csrf_token", c.as_str())];
    form.extend_from_slice(extra);
    b.post(&format!("/admin/users/{id}/{action}"), &form).await
}

#[tokio::test]
async fn an_admin_creates_an_assessor_who_sees_only_their_organization_then_disables_and_revokes() {
    let (mut b, store) = setup().await;
    let (org_a, assess_a) = org_with_assessment(&store, "A病院").await;
    let (_, assess_b) = org_with_assessment(&store, "B事業者").await;
    admin(&mut b).await;
    exempt_non_admins(&store).await;

    let overview = b.get("/admin").await;
    assert_eq!(overview.status, StatusCode::OK);
    assert!(overview.body.contains("A病院") && overview.body.contains("B事業者"));
    assert!(overview.body.contains(r#"name="csrf_token""#));

    // Bad input is refused with the field named, and nothing is written.
    let weak = create_user(&mut b, "alice", "short", "assessor", &[&org_a.to_string()], false).await;
    assert_eq!(weak.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(weak.body.contains("パスワード"), "{}", weak.body);
    let bad_role = create_user(&mut b, "alice", ALICE_PW, "owner", &[], false).await;
    assert_eq!(bad_role.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad_role.body.contains("役割"), "{}", bad_role.body);
    assert!(store.user_by_username("alice").await.unwrap().is_none());

    let made = create_user(&mut b, "alice", ALICE_PW, "assessor", &[&org_a.to_string()], false).await;
    assert_eq!(made.location.as_deref(), Some("/admin?done=user-created"), "{}", made.body);
    let taken = create_user(&mut b, "ALICE", ALICE_PW, "viewer", &[], false).await;
    assert_eq!(taken.status, StatusCode::CONFLICT);
    let alice = user_id(&store, "alice").await;
    let listed = b.get("/admin?done=user-created").await.body;
    assert!(listed.contains("利用者を作成しました") && listed.contains(&format!("/admin/users/{alice}")));

    // The assessor logs in and sees organization A only.
    let mut a = browser(&b);
    let done = login(&mut a, "alice", ALICE_PW).await;
    assert_eq!(done.location.as_deref(), Some("/"));
    let list = a.get("/assessments").await;
    assert!(list.body.contains("A病院") && !list.body.contains("B事業者"), "{}", list.body);
    assert_eq!(a.get(&format!("/assessments/{assess_a}")).await.status, StatusCode::OK);
    assert_eq!(a.get(&format!("/assessments/{assess_b}")).await.status, StatusCode::NOT_FOUND);
    // No admin link or warning for an assessor.
    assert!(!list.body.contains(r#"href="/admin""#));

    // Disabled: the session ends at once and logging in is refused.
    let off = action(&mut b, &alice, "disable", &[]).await;
    assert_eq!(off.location.as_deref(), Some(format!("/admin/users/{alice}?done=disable").as_str()));
    assert_eq!(a.get("/assessments").await.location.as_deref(), Some("/login?next=/assessments"));
    let refused = login(&mut a, "alice", ALICE_PW).await;
    assert!(refused.location.is_none() && refused.body.contains("正しくありません"), "{}", refused.body);
    let page = b.get(&format!("/admin/users/{alice}")).await.body;
    assert!(page.contains("無効") && page.contains("有効にする"));

    // Enabled again, logs in; then every session is revoked by the admin.
    action(&mut b, &alice, "enable", &[]).await;
    assert_eq!(login(&mut a, "alice", ALICE_PW).await.location.as_deref(), Some("/"));
    assert_eq!(a.get("/assessments").await.status, StatusCode::OK);
    let revoked = action(&mut b, &alice, "revoke-sessions", &[]).await;
    assert_eq!(revoked.location.as_deref(), Some(format!("/admin/users/{alice}?done=revoke-sessions").as_str()));
    assert_eq!(a.get("/assessments").await.status, StatusCode::SEE_OTHER);
    assert!(store.sessions_of(alice.parse().unwrap(), sansho_store::Timestamp(now_ms())).await.unwrap().is_empty());

    // Memberships: B added, A removed — now she sees B only.
    let b_org = store.organizations().await.unwrap().into_iter().find(|o| o.name == "B事業者").unwrap().id;
    action(&mut b, &alice, "membership-add", &[("organization", &b_org.to_string())]).await;
    action(&mut b, &alice, "membership-remove", &[("organization", &org_a.to_string())]).await;
    assert_eq!(login(&mut a, "alice", ALICE_PW).await.location.as_deref(), Some("/"));
    let list = a.get("/assessments").await;
    assert!(!list.body.contains("A病院") && list.body.contains("B事業者"), "{}", list.body);

    // A new password, checked by the policy.
    let short = action(&mut b, &alice, "password", &[("password", "alice")]).await;
    assert_eq!(short.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(short.body.contains("パスワード"));
    action(&mut b, &alice, "password", &[("password", "a brand new passphrase")]).await;
    let mut c = browser(&b);
    assert!(login(&mut c, "alice", ALICE_PW).await.location.is_none());
    assert_eq!(login(&mut c, "alice", "a brand new passphrase").await.location.as_deref(), Some("/"));

    // Every step is audited with the admin as actor.
    let actions = admin_actions(&store).await;
    for want in [
        "user.create",
        "membership.add",
        "user.disable",
        "user.enable",
        "session.revoke",
        "membership.remove",
        "user.password_reset",
    ] {
        assert!(actions.iter().any(|a| a == want), "{want} missing from {actions:?}");
    }
    assert!(store.verify_audit().await.unwrap().is_intact());
}

#[tokio::test]
async fn an_admin_unlocks_a_locked_account_and_resets_a_second_factor() {
    let (mut b, store) = setup().await;
    let (org, _) = org_with_assessment(&store, "A病院").await;
    admin(&mut b).await;
    exempt_non_admins(&store).await;
    create_user(&mut b, "alice", ALICE_PW, "assessor", &[&org.to_string()], false).await;
    let alice = user_id(&store, "alice").await;

    // Five wrong passwords lock her out; the right one is then refused too.
    let mut a = browser(&b);
    for _ in 0..5 {
        login(&mut a, "alice", "not her password").await;
    }
    let locked = login(&mut a, "alice", ALICE_PW).await;
    assert!(locked.body.contains("ロック"), "{}", locked.body);
    let overview = b.get("/admin").await.body;
    assert!(overview.contains("ロック中"), "the overview shows the lock");
    let unlocked = action(&mut b, &alice, "unlock", &[]).await;
    assert_eq!(unlocked.location.as_deref(), Some(format!("/admin/users/{alice}?done=unlock").as_str()));
    assert!(!b.get("/admin").await.body.contains("ロック中"));
    assert_eq!(login(&mut a, "alice", ALICE_PW).await.location.as_deref(), Some("/"));

    // A second admin enrols TOTP; after a reset she has to enrol again at the next login.
    let c = csrf(&mut b).await;
    let made = b
        .api(
            "POST",
            "/api/admin/users",
            Some(json!({"username": "carol", "password": "carol password 1", "role": "admin",
                        "organizations": [org.to_string()]})),
            Some(&c),
        )
        .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.body);
    let carol = made.json()["id"].as_str().unwrap().to_owned();
    let mut k = browser(&b);
    assert_eq!(login(&mut k, "carol", "carol password 1").await.location.as_deref(), Some("/account/totp"));
    let enrol = k.get("/account/totp").await;
    let key = secret(&enrol.body);
    let kc = field(&enrol.body, "csrf_token");
    k.post("/account/totp", &[("csrf_token", &kc), ("code", &code(&key, now_ms()))]).await;
    let view = b.api("GET", &format!("/api/admin/users/{carol}"), None, None).await.json();
    assert_eq!(view["totp_enabled"], true);

    let reset = action(&mut b, &carol, "reset-totp", &[]).await;
    assert_eq!(reset.location.as_deref(), Some(format!("/admin/users/{carol}?done=reset-totp").as_str()));
    let view = b.api("GET", &format!("/api/admin/users/{carol}"), None, None).await.json();
    assert_eq!(view["totp_enabled"], false);
    assert_eq!(store.recovery_codes_left(carol.parse().unwrap()).await.unwrap(), 0);
    let mut k2 = browser(&b);
    assert_eq!(login(&mut k2, "carol", "carol password 1").await.location.as_deref(), Some("/account/totp"));
    // Until she enrols again she cannot use the application.
    assert_eq!(k2.get("/assessments").await.location.as_deref(), Some("/account/totp"));

    let actions = admin_actions(&store).await;
    assert!(actions.contains(&"user.unlock".into()) && actions.contains(&"user.totp_disable".into()), "{actions:?}");
}

#[tokio::test]
async fn the_emergency_account_is_disabled_until_enabled_and_every_use_is_flagged_until_acknowledged() {
    let (mut b, store) = setup().await;
    let (org, _) = org_with_assessment(&store, "A病院").await;
    admin(&mut b).await;
    exempt_non_admins(&store).await;
    let made = create_user(&mut b, "kinkyu", "emergency pass 1", "assessor", &[&org.to_string()], true).await;
    assert_eq!(made.location.as_deref(), Some("/admin?done=emergency-created"));
    let id = user_id(&store, "kinkyu").await;
    let view = b.api("GET", &format!("/api/admin/users/{id}"), None, None).await.json();
    assert_eq!((view["emergency"].as_bool(), view["disabled"].as_bool()), (Some(true), Some(true)));
    assert!(b.get("/admin").await.body.contains("有効にする"));

    // Disabled at creation: it cannot log in.
    let mut e = browser(&b);
    let refused = login(&mut e, "kinkyu", "emergency pass 1").await;
    assert!(refused.location.is_none(), "{}", refused.body);
    assert!(store.emergency_uses(false).await.unwrap().is_empty());

    // Enabled by the admin, it logs in: the use is recorded and flagged.
    action(&mut b, &id, "enable", &[]).await;
    assert_eq!(login(&mut e, "kinkyu", "emergency pass 1").await.location.as_deref(), Some("/"));
    assert_eq!(e.get("/assessments").await.status, StatusCode::OK);
    let overview = b.get("/admin").await.body;
    assert!(overview.contains("非常時用アカウントが使用されました（未確認）"), "{overview}");
    assert!(overview.contains("確認</button>"));
    // In the header of every page an admin sees, not of others.
    for path in ["/guidelines", "/assessments", "/admin/audit"] {
        let page = b.get(path).await.body;
        assert!(page.contains(r#"class="alert-bar""#) && page.contains("未確認1件"), "{path}: {page}");
    }
    assert!(!e.get("/assessments").await.body.contains("alert-bar"));
    let uses = b.api("GET", "/api/admin/emergency-uses?unacknowledged=true", None, None).await.json();
    assert_eq!(uses.as_array().unwrap().len(), 1);
    assert_eq!(uses[0]["username"], "kinkyu");
    let use_id = uses[0]["id"].as_str().unwrap().to_owned();

    // Acknowledged: gone from the banner and the header, kept in the list, audited.
    let c = csrf(&mut b).await;
    let ack = b.post(&format!("/admin/emergency-uses/{use_id}/acknowledge"), &[("csrf_token", &c)]).await;
    assert_eq!(ack.location.as_deref(), Some("/admin?done=acknowledged"));
    let overview = b.get("/admin").await.body;
    assert!(!overview.contains("非常時用アカウントが使用されました（未確認）"));
    assert!(!overview.contains("alert-bar") && !b.get("/guidelines").await.body.contains("alert-bar"));
    assert!(overview.contains("使用履歴"));
    let unack = b.api("GET", "/api/admin/emergency-uses?unacknowledged=true", None, None).await.json();
    assert_eq!(unack, json!([]));
    let all = b.api("GET", "/api/admin/emergency-uses", None, None).await.json();
    assert_eq!(all[0]["acknowledged_by"], "admin");
    let log = b.api("GET", "/api/admin/audit?action=emergency.acknowledge", None, None).await.json();
    let rec = &log["records"][0];
    assert_eq!((rec["actor"].as_str(), rec["entity_id"].as_str()), (Some("admin"), Some(use_id.as_str())));
    assert_eq!(rec["before"]["acknowledged_by"], serde_json::Value::Null);
    assert_eq!(rec["after"]["acknowledged_by"], "admin");

    // Disabled again by the admin: its session ends.
    action(&mut b, &id, "disable", &[]).await;
    assert_eq!(e.get("/assessments").await.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn non_admins_get_403_on_every_admin_page_and_endpoint() {
    let (mut b, store) = setup().await;
    let (org, _) = org_with_assessment(&store, "A病院").await;
    admin(&mut b).await;
    exempt_non_admins(&store).await;
    let admin_id = user_id(&store, "admin").await;
    create_user(&mut b, "alice", ALICE_PW, "assessor", &[&org.to_string()], false).await;
    create_user(&mut b, "victor", "viewer password 1", "viewer", &[&org.to_string()], false).await;
    let seq_before = store.audit_seq().await.unwrap();

    for (name, pw) in [("alice", ALICE_PW), ("victor", "viewer password 1")] {
        let mut u = browser(&b);
        login(&mut u, name, pw).await;
        let c = field(&u.get("/assessments").await.body, "csrf_token");
        for path in ["/admin", "/admin/audit", &format!("/admin/users/{admin_id}"), "/admin/audit?action=user."] {
            let page = u.get(path).await;
            assert_eq!(page.status, StatusCode::FORBIDDEN, "{name} GET {path}");
            assert!(page.body.contains("管理者のみ"), "{}", page.body);
        }
        let forms = [
            "/admin/users".to_owned(),
            "/admin/organizations".to_owned(),
            format!("/admin/users/{admin_id}/disable"),
            format!("/admin/users/{admin_id}/role"),
            format!("/admin/users/{admin_id}/password"),
            format!("/admin/users/{admin_id}/reset-totp"),
            format!("/admin/emergency-uses/{admin_id}/acknowledge"),
            "/admin/second-factor".to_owned(),
        ];
        for path in &forms {
            let page = u
                .post(
                    path,
                    &[("csrf_token", &c), ("role", "viewer"), ("name", "X"), ("kind", "vendor"), ("password", "x")],
                )
                .await;
            assert_eq!(page.status, StatusCode::FORBIDDEN, "{name} POST {path}");
        }
        let id = &admin_id;
        let calls: Vec<(&str, String, Option<serde_json::Value>)> = vec![
            ("GET", "/api/admin/users".into(), None),
            ("POST", "/api/admin/users".into(), Some(json!({"username": "x", "password": PASSWORD, "role": "admin"}))),
            ("GET", format!("/api/admin/users/{id}"), None),
            ("PATCH", format!("/api/admin/users/{id}"), Some(json!({"role": "viewer"}))),
            ("POST", format!("/api/admin/users/{id}/unlock"), None),
            ("POST", format!("/api/admin/users/{id}/reset-totp"), None),
            ("POST", format!("/api/admin/users/{id}/revoke-sessions"), None),
            ("POST", format!("/api/admin/users/{id}/password"), Some(json!({"password": PASSWORD}))),
            ("POST", format!("/api/admin/users/{id}/memberships"), Some(json!({"organization_id": org.to_string()}))),
            ("DELETE", format!("/api/admin/users/{id}/memberships"), Some(json!({"organization_id": org.to_string()}))),
            ("GET", "/api/admin/organizations".into(), None),
            ("POST", "/api/admin/organizations".into(), Some(json!({"name": "X", "kind": "vendor"}))),
            ("GET", "/api/admin/emergency-uses".into(), None),
            ("POST", format!("/api/admin/emergency-uses/{id}/acknowledge"), None),
            ("GET", "/api/admin/audit".into(), None),
            ("GET", "/api/admin/audit/verify".into(), None),
            ("GET", "/api/admin/second-factor".into(), None),
            ("PUT", "/api/admin/second-factor".into(), Some(json!({"exempt_roles": []}))),
        ];
        for (method, uri, body) in &calls {
            let r = u.api(method, uri, body.clone(), Some(&c)).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{name} {method} {uri}: {}", r.body);
            assert_eq!(r.json()["code"], "forbidden");
        }
        // Without a session at all: 401.
        let mut anon = browser(&b);
        for (method, uri, body) in &calls {
            let r = anon.api(method, uri, body.clone(), None).await;
            assert_eq!(r.status, StatusCode::UNAUTHORIZED, "anonymous {method} {uri}");
        }
        assert_eq!(anon.get("/admin").await.location.as_deref(), Some("/login?next=/admin"));
    }
    // Nothing was changed by any of it (logins, sessions and the first login's own password aside).
    let log = store.audit_log(&sansho_store::AuditFilter::default()).await.unwrap();
    let changed: Vec<_> = log
        .iter()
        .filter(|r| r.seq > seq_before)
        .filter(|r| !r.action.starts_with("session.") && r.action != "user.login" && !is_read_event(&r.action))
        .filter(|r| !(r.action == "user.password_set" && r.actor != "admin"))
        .map(|r| r.action.clone())
        .collect();
    assert!(changed.is_empty(), "{changed:?}");
    let admin_user = store.user(admin_id.parse().unwrap()).await.unwrap();
    assert!(!admin_user.disabled && admin_user.role == sansho_store::Role::Admin);
}

// long function: one scenario walked end to end, its steps handing on what they made.
#[tokio::test]
async fn the_api_manages_users_and_organizations_and_never_leaves_no_admin() {
    let (mut b, store) = setup().await;
    admin(&mut b).await;
    let c = csrf(&mut b).await;
    let me = user_id(&store, "admin").await;

    // A write without the CSRF header is refused.
    let no_csrf = b
        .api("POST", "/api/admin/organizations", Some(json!({"name": "C病院", "kind": "medical-institution"})), None)
        .await;
    assert_eq!(no_csrf.status, StatusCode::FORBIDDEN);
    let bad_kind =
        b.api("POST", "/api/admin/organizations", Some(json!({"name": "C病院", "kind": "hospital"})), Some(&c)).await;
    assert_eq!(bad_kind.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad_kind.json()["error"].as_str().unwrap().contains("kind"), "{}", bad_kind.body);
    let org = b
        .api(
            "POST",
            "/api/admin/organizations",
            Some(json!({"name": "C病院", "kind": "medical-institution"})),
            Some(&c),
        )
        .await;
    assert_eq!(org.status, StatusCode::CREATED, "{}", org.body);
    let org = org.json();
    assert_eq!((org["kind"].as_str(), org["members"].as_u64()), (Some("medical-institution"), Some(1)));
    let org_id = org["id"].as_str().unwrap().to_owned();
    // The admin who created it is a member.
    assert!(store.is_member(me.parse().unwrap(), org_id.parse().unwrap()).await.unwrap());

    let user = b
        .api(
            "POST",
            "/api/admin/users",
            Some(json!({"username": "dora", "display_name": "ドラ", "password": "dora password 12", "role": "viewer"})),
            Some(&c),
        )
        .await;
    assert_eq!(user.status, StatusCode::CREATED, "{}", user.body);
    assert!(
        !user.body.contains("argon2") && !user.body.contains("password_hash") && !user.body.contains("totp_secret")
    );
    let dora = user.json()["id"].as_str().unwrap().to_owned();
    let weak = b
        .api(
            "POST",
            "/api/admin/users",
            Some(json!({"username": "eve", "password": "eve", "role": "viewer"})),
            Some(&c),
        )
        .await;
    assert_eq!(weak.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(weak.json()["error"].as_str().unwrap().starts_with("password"), "{}", weak.body);
    let unknown_field = b
        .api(
            "POST",
            "/api/admin/users",
            Some(json!({"username": "eve", "password": PASSWORD, "role": "root"})),
            Some(&c),
        )
        .await;
    assert_eq!(unknown_field.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(unknown_field.json()["error"].as_str().unwrap().contains("role"), "{}", unknown_field.body);
    let taken = b
        .api(
            "POST",
            "/api/admin/users",
            Some(json!({"username": "Dora", "password": PASSWORD, "role": "viewer"})),
            Some(&c),
        )
        .await;
    assert_eq!(taken.status, StatusCode::CONFLICT);

    let added = b
        .api(
            "POST",
            &format!("/api/admin/users/{dora}/memberships"),
            Some(json!({"organization_id": org_id})),
            Some(&c),
        )
        .await
        .json();
    assert_eq!(
        (added["changed"].as_bool(), added["user"]["organizations"][0]["name"].as_str()),
        (Some(true), Some("C病院"))
    );
    let again = b
        .api(
            "POST",
            &format!("/api/admin/users/{dora}/memberships"),
            Some(json!({"organization_id": org_id})),
            Some(&c),
        )
        .await
        .json();
    assert_eq!(again["changed"], false);
    let patched = b
        .api(
            "PATCH",
            &format!("/api/admin/users/{dora}"),
            Some(json!({"role": "assessor", "display_name": "ドラさん"})),
            Some(&c),
        )
        .await;
    assert_eq!(patched.status, StatusCode::OK, "{}", patched.body);
    assert_eq!(
        (patched.json()["role"].as_str(), patched.json()["display_name"].as_str()),
        (Some("assessor"), Some("ドラさん"))
    );
    let removed = b
        .api(
            "DELETE",
            &format!("/api/admin/users/{dora}/memberships"),
            Some(json!({"organization_id": org_id})),
            Some(&c),
        )
        .await
        .json();
    assert_eq!(
        (removed["changed"].as_bool(), removed["user"]["organizations"].as_array().map(Vec::len)),
        (Some(true), Some(0))
    );
    let pw =
        b.api("POST", &format!("/api/admin/users/{dora}/password"), Some(json!({"password": "dora"})), Some(&c)).await;
    assert_eq!(pw.status, StatusCode::UNPROCESSABLE_ENTITY);
    let revoked = b.api("POST", &format!("/api/admin/users/{dora}/revoke-sessions"), None, Some(&c)).await.json();
    assert_eq!(revoked["revoked"], 0);
    assert_eq!(b.api("GET", "/api/admin/users/not-an-id", None, None).await.status, StatusCode::NOT_FOUND);
    let nobody = "00000000-0000-0000-0000-000000000000";
    assert_eq!(
        b.api("POST", &format!("/api/admin/users/{nobody}/unlock"), None, Some(&c)).await.status,
        StatusCode::NOT_FOUND
    );

    // The only admin can neither demote nor disable themself; with a second admin, they can.
    for change in [json!({"role": "viewer"}), json!({"disabled": true})] {
        let r = b.api("PATCH", &format!("/api/admin/users/{me}"), Some(change), Some(&c)).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    }
    let page = action(&mut b, &me, "role", &[("role", "viewer")]).await;
    assert_eq!(page.status, StatusCode::CONFLICT);
    assert!(page.body.contains("有効な管理者が一人もいなくなる"), "{}", page.body);
    b.api("PATCH", &format!("/api/admin/users/{dora}"), Some(json!({"role": "admin"})), Some(&c)).await;
    let r = b.api("PATCH", &format!("/api/admin/users/{dora}"), Some(json!({"disabled": true})), Some(&c)).await;
    assert_eq!(r.status, StatusCode::OK, "another admin may be disabled while one is left");
    assert_eq!(store.user(me.parse().unwrap()).await.unwrap().role, sansho_store::Role::Admin);

    let users = b.api("GET", "/api/admin/users", None, None).await;
    let names: Vec<String> =
        users.json().as_array().unwrap().iter().map(|u| u["username"].as_str().unwrap().to_owned()).collect();
    assert_eq!(names, ["admin", "dora"]);
    assert!(users.json()[0]["last_login"].is_i64(), "the admin's last login is known");
    assert!(!users.body.contains("argon2"));
    let orgs = b.api("GET", "/api/admin/organizations", None, None).await.json();
    assert_eq!(orgs[0]["name"], "C病院");

    // The OpenAPI document describes the admin API with its errors.
    let doc = b.get("/api/openapi.json").await.json();
    for path in [
        "/api/admin/users",
        "/api/admin/users/{id}",
        "/api/admin/users/{id}/unlock",
        "/api/admin/users/{id}/reset-totp",
        "/api/admin/users/{id}/revoke-sessions",
        "/api/admin/users/{id}/password",
        "/api/admin/users/{id}/memberships",
        "/api/admin/organizations",
        "/api/admin/emergency-uses",
        "/api/admin/emergency-uses/{id}/acknowledge",
        "/api/admin/audit",
        "/api/admin/audit/verify",
    ] {
        assert!(doc["paths"][path].is_object(), "{path} missing from the OpenAPI document");
    }
    assert!(doc["paths"]["/api/admin/users"]["post"]["responses"]["409"].is_object());
    assert!(doc["components"]["schemas"]["UserView"]["properties"]["password_hash"].is_null());
}

#[tokio::test]
async fn the_audit_page_lists_actions_with_before_and_after_newest_first_filtered_and_paged() {
    let (mut b, store) = setup().await;
    let (org, _) = org_with_assessment(&store, "A病院").await;
    admin(&mut b).await;
    create_user(&mut b, "alice", ALICE_PW, "assessor", &[&org.to_string()], false).await;
    let alice = user_id(&store, "alice").await;
    action(&mut b, &alice, "role", &[("role", "viewer")]).await;
    action(&mut b, &alice, "disable", &[]).await;

    let page = b.get("/admin/audit").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("改ざんは検出されませんでした"), "{}", page.body);
    assert!(page.body.contains("JST"));
    // Newest first: the disable before the role change before the creation.
    let at = |s: &str| page.body.find(s).unwrap_or_else(|| panic!("{s} not on the page"));
    assert!(at("user.disable") < at("user.role_set") && at("user.role_set") < at("user.create"));

    let roles = b.get("/admin/audit?action=user.role_set").await.body;
    assert!(!roles.contains("<code>user.disable</code>"));
    // Before → after, readable JSON (escaped in the page).
    assert!(
        roles.contains("&#34;role&#34;: &#34;assessor&#34;")
            || roles.contains("&quot;role&quot;: &quot;assessor&quot;"),
        "{roles}"
    );
    assert!(
        roles.contains("&#34;role&#34;: &#34;viewer&#34;") || roles.contains("&quot;role&quot;: &quot;viewer&quot;")
    );
    assert!(!roles.contains("argon2"));
    // The changed field is summed up on its own; unchanged ones only in the whole record.
    assert!(roles.contains("<th>role</th><td class=\"before\"><code>&#34;assessor&#34;</code>"), "{roles}");
    assert!(roles.contains("<td class=\"after\"><code>&#34;viewer&#34;</code>"));
    assert!(!roles.contains("<th>display_name</th>"));
    let by_user = b.get("/admin/audit?user=fixture").await.body;
    assert!(by_user.contains("organization.create") && !by_user.contains("<code>user.create</code>"));
    let by_entity = b.get("/admin/audit?entity=membership").await.body;
    assert!(by_entity.contains("該当する記録はありません"));

    // Paged: two at a time, the link goes on to older records with the filter kept.
    let first = b.get("/admin/audit?action=user.&limit=2").await.body;
    let href =
        first.split("href=\"/admin/audit?").nth(1).expect("a next page link").split('"').next().unwrap().to_owned();
    assert!(href.contains("action=user.") && href.contains("limit=2") && href.contains("before="), "{href}");
    let second = b.get(&format!("/admin/audit?{}", href.replace("&amp;", "&"))).await;
    assert_eq!(second.status, StatusCode::OK);
    let api = b.api("GET", "/api/admin/audit?action=user.&limit=2", None, None).await.json();
    let next = api["next_before"].as_i64().unwrap();
    assert_eq!(api["records"].as_array().unwrap().len(), 2);
    let older = b.api("GET", &format!("/api/admin/audit?action=user.&limit=2&before={next}"), None, None).await.json();
    assert!(older["records"][0]["seq"].as_i64().unwrap() < next);
    assert_eq!(b.api("GET", "/api/admin/audit?limit=0", None, None).await.status, StatusCode::BAD_REQUEST);
    let verify = b.api("GET", "/api/admin/audit/verify", None, None).await.json();
    assert_eq!(verify["intact"], true);

    // Japanese first, English on request; the header links admins to the administration.
    assert!(b.get("/guidelines").await.body.contains(r#"<a href="/admin">管理</a>"#));
    b.jar.insert("lang".into(), "en".into());
    let en = b.get("/admin").await.body;
    assert!(en.contains("Create a user") && en.contains("Emergency account") && en.contains("assessor (edit)"), "{en}");
    assert!(en.contains(r#"<a href="/admin">Admin</a>"#));
    assert!(b.get("/admin/audit").await.body.contains("No tampering was detected"));
    assert_eq!(verify["head_seq"].as_i64(), Some(store.audit_seq().await.unwrap()));
}

#[tokio::test]
async fn a_tampered_audit_log_is_named_on_the_audit_page() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sansho.db");
    let store = sansho_store::Store::open(&path).await.unwrap();
    let set = sansho_catalog::load(&sansho_catalog::bundled_sources()).set.unwrap();
    let mut auth = sansho_web::session::AuthConfig::new(vec![9; 32], false, Some(SETUP.into()));
    auth.password = sansho_auth::PasswordParams::INSECURE_FOR_TESTS;
    let app = sansho_web::router(sansho_web::AppState::new(set, store.clone(), auth));
    let mut b = Browser { app, jar: HashMap::new() };
    admin(&mut b).await;
    // Someone edits record 2 behind sansho's back, through a connection of their own.
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", path.display())).await.unwrap();
    sqlx::query("UPDATE audit_log SET actor = 'mallory' WHERE seq = 2").execute(&pool).await.unwrap();
    pool.close().await;
    let page = b.get("/admin/audit").await.body;
    assert!(page.contains("監査ログの改ざんを検出しました") && page.contains("#2"), "{page}");
    let verify = b.api("GET", "/api/admin/audit/verify", None, None).await.json();
    assert_eq!((verify["intact"].as_bool(), verify["problem_seq"].as_i64()), (Some(false), Some(2)));
}

/// The actions the admin did, newest first.
async fn admin_actions(store: &sansho_store::Store) -> Vec<String> {
    let filter = sansho_store::AuditFilter { actor: Some("admin".into()), ..Default::default() };
    store.audit_log(&filter).await.unwrap().into_iter().map(|r| r.action).collect()
}

/// issue 11 §1.4: an admin's password reset or second-factor reset ends every session of that
/// user, in the pages and in the API.
#[tokio::test]
async fn an_admin_password_or_second_factor_reset_ends_every_session_of_the_user() {
    let (mut b, store) = setup().await;
    let (org, _) = org_with_assessment(&store, "A病院").await;
    admin(&mut b).await;
    create_user(&mut b, "alice", ALICE_PW, "assessor", &[&org.to_string()], false).await;
    let alice = user_id(&store, "alice").await;
    let mut a = browser(&b);
    login(&mut a, "alice", ALICE_PW).await;
    let mut a2 = browser(&b);
    login(&mut a2, "alice", ALICE_PW).await;
    let live = |store: sansho_store::Store, id: String| async move {
        store.sessions_of(id.parse().unwrap(), sansho_store::Timestamp(now_ms())).await.unwrap().len()
    };
    assert_eq!(live(store.clone(), alice.clone()).await, 2);
    // The password reset in the page.
    let done = action(&mut b, &alice, "password", &[("password", "a brand new passphrase")]).await;
    assert_eq!(done.location.as_deref(), Some(format!("/admin/users/{alice}?done=password").as_str()));
    assert_eq!(live(store.clone(), alice.clone()).await, 0, "the password reset left sessions alive");
    assert!(a.get("/assessments").await.location.unwrap().starts_with("/login"));
    assert!(a2.get("/assessments").await.location.unwrap().starts_with("/login"));
    // The second factor reset through the API.
    let mut k = browser(&b);
    login(&mut k, "alice", "a brand new passphrase").await;
    assert!(live(store.clone(), alice.clone()).await >= 1);
    let c = csrf(&mut b).await;
    let reset = b.api("POST", &format!("/api/admin/users/{alice}/reset-totp"), None, Some(&c)).await;
    assert_eq!(reset.status, StatusCode::OK, "{}", reset.body);
    assert_eq!(live(store.clone(), alice.clone()).await, 0, "the second-factor reset left sessions alive");
    assert!(k.get("/assessments").await.location.unwrap().starts_with("/login"));
    // The password reset through the API too.
    login(&mut k, "alice", "a brand new passphrase").await;
    let set = b
        .api(
            "POST",
            &format!("/api/admin/users/{alice}/password"),
            Some(json!({"password": "another passphrase 2"})),
            Some(&c),
        )
        .await;
    assert_eq!(set.status, StatusCode::OK, "{}", set.body);
    assert_eq!(live(store.clone(), alice.clone()).await, 0);
    let actions = admin_actions(&store).await;
    assert!(actions.iter().filter(|a| *a == "session.revoke").count() >= 4, "{actions:?}");
}

/// issue 11 §1.3: the emergency account cannot acknowledge its own uses (only another admin
/// may), and it is disabled again when its session ends, audited.
#[tokio::test]
async fn only_another_admin_acknowledges_an_emergency_use_and_the_account_lapses_when_its_session_ends() {
    let (mut b, store) = setup().await;
    let (org, _) = org_with_assessment(&store, "A病院").await;
    admin(&mut b).await;
    create_user(&mut b, "kinkyu", "emergency pass 1", "admin", &[&org.to_string()], true).await;
    let id = user_id(&store, "kinkyu").await;
    action(&mut b, &id, "enable", &[]).await;
    // The emergency admin signs in (and enrols the second factor every admin needs).
    let mut e = browser(&b);
    assert_eq!(login(&mut e, "kinkyu", "emergency pass 1").await.location.as_deref(), Some("/account/totp"));
    let enrol = e.get("/account/totp").await;
    let (key, ec) = (secret(&enrol.body), field(&enrol.body, "csrf_token"));
    e.post("/account/totp", &[("csrf_token", &ec), ("code", &code(&key, now_ms()))]).await;
    assert_eq!(e.get("/admin").await.status, StatusCode::OK);
    let uses = store.emergency_uses(true).await.unwrap();
    assert_eq!(uses.len(), 1);
    let use_id = uses[0].id.to_string();
    // It cannot clear the warning about itself: not in the page, not in the API.
    let ec = csrf(&mut e).await;
    let own = e.post(&format!("/admin/emergency-uses/{use_id}/acknowledge"), &[("csrf_token", &ec)]).await;
    assert_eq!(own.status, StatusCode::FORBIDDEN, "{}", own.body);
    let own = e.api("POST", &format!("/api/admin/emergency-uses/{use_id}/acknowledge"), None, Some(&ec)).await;
    assert_eq!(own.status, StatusCode::FORBIDDEN, "{}", own.body);
    assert_eq!(store.emergency_uses(true).await.unwrap().len(), 1, "the emergency account acknowledged its own use");
    // Another admin can.
    let c = csrf(&mut b).await;
    let ack = b.post(&format!("/admin/emergency-uses/{use_id}/acknowledge"), &[("csrf_token", &c)]).await;
    assert_eq!(ack.location.as_deref(), Some("/admin?done=acknowledged"));
    assert!(store.emergency_uses(true).await.unwrap().is_empty());

    // Its session ends (logout): the account is disabled again, and that is audited.
    let ec = csrf(&mut e).await;
    assert_eq!(e.post("/logout", &[("csrf_token", &ec)]).await.location.as_deref(), Some("/login"));
    let after = store.user_by_username("kinkyu").await.unwrap().unwrap();
    assert!(after.disabled, "the emergency account stayed enabled after its session ended");
    let log = b.api("GET", "/api/admin/audit?action=emergency.lapse", None, None).await.json();
    assert_eq!(log["records"][0]["entity_id"], id.as_str(), "{log}");
    assert_eq!(log["records"][0]["after"]["reason"], "session-ended");
    assert!(login(&mut e, "kinkyu", "emergency pass 1").await.location.is_none(), "it cannot sign in again");
}

/// issue 11 §1.15: usernames with bidi controls, mixed scripts (after NFKC) or confusable with
/// an existing user's are refused with the reason; Japanese names, and Latin mixed with
/// Japanese, are accepted.
#[tokio::test]
async fn usernames_with_bidi_controls_mixed_scripts_or_lookalikes_are_refused() {
    let (mut b, _store) = setup().await;
    admin(&mut b).await;
    let c = csrf(&mut b).await;
    let mut create = async |name: &str| {
        b.api(
            "POST",
            "/api/admin/users",
            Some(json!({"username": name, "password": "a long passphrase 9", "role": "viewer"})),
            Some(&c),
        )
        .await
    };
    for ok in ["poe", "山田たろう", "yamada太郎", "ｓｕｚｕｋｉ", "tanaka.k@example.jp"] {
        let r = create(ok).await;
        assert_eq!(r.status, StatusCode::CREATED, "{ok}: {}", r.body);
    }
    for (bad, why) in [
        ("ad\u{202E}nimda", "bidi"),
        ("te\u{200F}st", "bidi"),
        ("\u{0430}dmin", "script"),                 // Cyrillic а + Latin
        ("pay\u{03C1}al", "script"),                // Greek ρ + Latin
        ("\u{0440}\u{043E}\u{0435}", "looks like"), // Cyrillic "рое", all one script, looks like "poe"
        ("AdMin", "taken"),
    ] {
        let r = create(bad).await;
        assert!(
            matches!(r.status, StatusCode::UNPROCESSABLE_ENTITY | StatusCode::CONFLICT),
            "{bad:?}: {} {}",
            r.status,
            r.body
        );
        assert!(r.body.contains(why), "{bad:?}: {}", r.body);
    }
}

/// issue 11 §1.12: passwords found in the bundled list of common passwords are refused, with the
/// reason (NIST SP 800-63B §5.1.1.2), wherever a password is set.
#[tokio::test]
async fn common_passwords_are_refused_with_the_reason() {
    let (mut b, _store) = setup().await;
    admin(&mut b).await;
    let c = csrf(&mut b).await;
    for common in ["password1234", "Password1234", "qwerty123456", "1qaz2wsx3edc"] {
        let r = b
            .api(
                "POST",
                "/api/admin/users",
                Some(json!({"username": "weak", "password": common, "role": "viewer"})),
                Some(&c),
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{common}: {}", r.body);
        assert!(r.body.contains("common"), "{}", r.body);
    }
    let page = create_user(&mut b, "weak", "password1234", "viewer", &[], false).await;
    assert!(page.body.contains("よく使われる"), "{}", page.body);
}

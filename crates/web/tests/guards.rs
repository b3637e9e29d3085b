//! The guards of issue 11: length limits enforced once, below pages and API (§1.6, §1.8), an
//! audit log no request can flood and whose page always answers (§1.6), no open redirect
//! (§1.7), HSTS behind an https public address (§1.10), security events in the audit log (§1.13)
//! and the Origin / Sec-Fetch-Site check as a third CSRF layer (§1.14).

mod common;

use std::collections::HashMap;

use axum::body::Body;
use axum::http::StatusCode;
use common::*;
use sansho_store::{AuditFilter, AuditRecord, Role, Store};
use serde_json::json;
use sqlx::ConnectOptions;

/// The application over `store`, as `sansho serve --public-url URL` makes it.
fn app_with_public_url(store: &Store, url: Option<&str>) -> Browser {
    let set = sansho_catalog::load(&sansho_catalog::bundled_sources()).set.unwrap();
    let mut auth = sansho_web::session::AuthConfig::new(vec![9; 32], url.is_some(), Some(SETUP.into()));
    auth.password = sansho_auth::PasswordParams::INSECURE_FOR_TESTS;
    let mut state = sansho_web::AppState::new(set, store.clone(), auth);
    if let Some(url) = url {
        state = state.with_public_url(url);
    }
    Browser { app: sansho_web::router(state), jar: HashMap::new() }
}

async fn records(store: &Store, action: &str) -> Vec<AuditRecord> {
    store.audit_log(&AuditFilter { action: Some(action.into()), limit: 10_000, ..Default::default() }).await.unwrap()
}

/// The CSRF token of the API session.
async fn api_csrf(b: &mut Browser) -> String {
    b.api("GET", "/api/session", None, None).await.json()["csrf_token"].as_str().unwrap().to_owned()
}

// ----- §1.7 -----

/// `/lang/{code}?next=…` sends the browser back only to a page of this site, whatever `next`
/// holds: each payload's `Location` is resolved as a browser does (WHATWG URL: tab and newline
/// stripped, backslash read as slash) and must stay on this origin.
#[tokio::test]
async fn the_language_switch_is_no_open_redirect() {
    let (mut b, _) = setup().await;
    let base = url::Url::parse("https://sansho.example.jp/lang/en").unwrap();
    let payloads = [
        "/%09/evil.example/",
        "/%09/%09/evil.example/",
        "//evil.example",
        "/%2F/evil.example",
        "%2F%2Fevil.example",
        "/%5Cevil.example",
        "%5C%5Cevil.example",
        "/%5C/evil.example",
        "https://evil.example",
        "https:evil.example",
        "https:%2F%2Fevil.example",
        "HTTPS://evil.example",
        "javascript:alert(1)",
        "/%0D%0A/evil.example",
        "/%0A/evil.example",
        "/%0D/evil.example",
        "/%00/evil.example",
        "/%252F/evil.example",
        "/%255C/evil.example",
        "/%2509/evil.example",
        "/%25252F/evil.example",
        "%20//evil.example",
        "%09//evil.example",
        "/%E3%80%80/evil.example",
        "/%E2%80%A8/evil.example",
        "/%EF%BB%BF/evil.example",
        "/%C2%A0/evil.example",
        "/%0B/evil.example",
        "/%0C/evil.example",
        "/%7F/evil.example",
        "evil.example",
        "@evil.example",
        "/.%2F%2Fevil.example",
        "/%2E%2E//evil.example",
        "///evil.example",
    ];
    let mut failures = Vec::new();
    for p in payloads {
        // The Location header's bytes as they are (the harness wants visible ASCII).
        let req = axum::http::Request::get(format!("/lang/en?next={p}")).body(Body::empty()).unwrap();
        let r = tower::ServiceExt::oneshot(b.app.clone(), req).await.unwrap();
        let Some(location) = r.headers().get("location").map(|l| String::from_utf8_lossy(l.as_bytes()).into_owned())
        else {
            failures.push(format!("{p}: no redirect ({})", r.status()));
            continue;
        };
        match base.join(&location) {
            Ok(u) if u.origin() == base.origin() => {}
            Ok(u) => failures.push(format!("{p}: Location {location:?} leads to {u}")),
            Err(e) => failures.push(format!("{p}: Location {location:?} is no URL ({e})")),
        }
        if location.bytes().any(|c| c < 0x21 || c == 0x7f || c == b'\\') {
            failures.push(format!("{p}: Location {location:?} holds a control character or backslash"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // Paths of this site are kept as they are.
    for ok in ["/guidelines/mhlw-5", "/assessments?x=1", "/search?q=abc%20def"] {
        let r = b.get(&format!("/lang/ja?next={}", ok.replace('?', "%3F").replace('=', "%3D"))).await;
        let want = percent_decode(ok);
        assert_eq!(r.location.as_deref(), Some(want.as_str()), "{ok}");
    }
}

fn percent_decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s).decode_utf8().unwrap().into_owned()
}

// ----- §1.6, §1.8 -----

/// A text over its limit is refused by the store, so the pages and the API refuse it alike: 422
/// naming the field (in the page's language on pages), and nothing is written.
#[tokio::test]
async fn a_text_over_its_limit_is_refused_alike_by_pages_and_api() {
    let (mut b, store) = setup().await;
    let (org, a) = org_with_assessment(&store, "A病院").await;
    admin(&mut b).await;
    let csrf = api_csrf(&mut b).await;
    let seq = store.audit_seq().await.unwrap();

    // The API (a 300-character system name was 201 here).
    let sys = b
        .api(
            "POST",
            &format!("/api/organizations/{org}/systems"),
            Some(json!({ "name": "あ".repeat(300), "service_model": "saas" })),
            Some(&csrf),
        )
        .await;
    assert_eq!(sys.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", sys.body);
    assert_eq!(sys.json()["code"], "invalid");
    assert!(sys.json()["error"].as_str().unwrap().contains("system name"), "{}", sys.body);
    // An answer of 32,768 characters (one more than an xlsx cell holds) is refused at input.
    let put = b
        .api(
            "PUT",
            &format!("/api/assessments/{a}/requirements/org-1/answer"),
            Some(json!({ "result": "implemented", "how": "x".repeat(32_768) })),
            Some(&csrf),
        )
        .await;
    assert_eq!(put.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", put.body);
    assert!(put.json()["error"].as_str().unwrap().contains("how (実施内容)"), "{}", put.body);
    let put = b
        .api(
            "PUT",
            &format!("/api/assessments/{a}/requirements/org-1/answer"),
            Some(json!({ "result": "partial", "owner": "担".repeat(201) })),
            Some(&csrf),
        )
        .await;
    assert_eq!(put.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", put.body);
    assert!(put.json()["error"].as_str().unwrap().contains("owner"), "{}", put.body);

    // The page: the same refusal, on the form, in Japanese.
    let page = b.get(&format!("/assessments/{a}/r/org-1")).await;
    let form_csrf = field(&page.body, "csrf_token");
    let long = "x".repeat(32_768);
    let saved = b
        .post(
            &format!("/assessments/{a}/r/org-1"),
            &[("csrf_token", &form_csrf), ("result", "implemented"), ("how", &long)],
        )
        .await;
    assert_eq!(saved.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", saved.body);
    assert!(saved.body.contains("実施内容は10000文字以内で入力してください（32768文字あります）"), "{}", saved.body);
    b.jar.insert("lang".into(), "en".into());
    let saved = b
        .post(
            &format!("/assessments/{a}/r/org-1"),
            &[("csrf_token", &form_csrf), ("result", "implemented"), ("how", &long)],
        )
        .await;
    assert_eq!(saved.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(saved.body.contains("how (実施内容): at most 10000 characters (32768 given)"), "{}", saved.body);

    assert_eq!(store.audit_seq().await.unwrap(), seq, "nothing refused was written");
    assert!(store.answer_for(a, "org-1").await.unwrap().is_none());
}

/// An error a page handler ends in is a page in the viewer's language, not the API's JSON.
#[tokio::test]
async fn a_page_that_fails_shows_a_page() {
    let (mut b, store) = setup().await;
    let (org, _) = org_with_assessment(&store, "A病院").await;
    admin(&mut b).await;
    let page = b.get(&format!("/organizations/{org}")).await;
    let csrf = field(&page.body, "csrf_token");
    // The store refuses a description over its limit (the page checks only the name itself).
    let long = "説".repeat(4_001);
    let r = b
        .post(
            &format!("/organizations/{org}/systems"),
            &[("csrf_token", &csrf), ("name", "PACS"), ("service_model", "saas"), ("description", &long)],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.content_type.starts_with("text/html"), "{}", r.content_type);
    assert!(r.body.contains("システムの説明は4000文字以内で入力してください"), "{}", r.body);
}

/// Five failed logins with a username of 1.9 MB each (the reproducer) make five small
/// records, and the audit page answers — also over records of any size already in a database
/// (made before the limit): it pages and cuts what it shows.
#[tokio::test]
async fn the_audit_log_cannot_be_flooded_and_its_page_always_answers() {
    let (mut b, store, db) = setup_file().await;
    org_with_assessment(&store, "A病院").await;
    admin(&mut b).await;
    let mut anon = Browser { app: b.app.clone(), jar: HashMap::new() };
    let huge = "u".repeat(1_900_000);
    for _ in 0..5 {
        let csrf = field(&anon.get("/login").await.body, "csrf_token");
        let r = anon.post("/login", &[("csrf_token", &csrf), ("username", &huge), ("password", "x")]).await;
        assert!(r.status.is_success(), "{}", r.status);
    }
    let failed = records(&store, "user.login_failed").await;
    assert_eq!(failed.len(), 5);
    for r in &failed {
        let size = r.actor.len() + r.after_json.as_ref().map_or(0, String::len);
        assert!(size < 2_000, "a login_failed record of {size} bytes");
    }

    // Records as large as an older version let in: appended with a valid chain on the file.
    let mut conn = sqlx::sqlite::SqliteConnectOptions::new().filename(&db).connect().await.unwrap();
    let (mut seq, mut prev): (i64, String) =
        sqlx::query_as("SELECT last_seq, last_hash FROM audit_head").fetch_one(&mut conn).await.unwrap();
    for _ in 0..5 {
        seq += 1;
        let mut r = AuditRecord {
            seq,
            at: sansho_store::Timestamp(now_ms()),
            actor: "v".repeat(2_000_000),
            source: "192.0.2.9".into(),
            action: "user.login_failed".into(),
            entity_kind: "user".into(),
            entity_id: None,
            before_json: None,
            after_json: Some(json!({ "username": "w".repeat(2_000_000) }).to_string()),
            prev_hash: prev.clone(),
            hash: String::new(),
        };
        r.hash = r.compute_hash();
        sqlx::query("INSERT INTO audit_log (seq, at, actor, source, action, entity_kind, entity_id, before_json, after_json, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, NULL, NULL, $7, $8, $9)")
            .bind(r.seq).bind(r.at.0).bind(&r.actor).bind(&r.source).bind(&r.action).bind(&r.entity_kind)
            .bind(&r.after_json).bind(&r.prev_hash).bind(&r.hash)
            .execute(&mut conn).await.unwrap();
        sqlx::query("UPDATE audit_head SET last_seq = $1, last_hash = $2")
            .bind(seq)
            .bind(&r.hash)
            .execute(&mut conn)
            .await
            .unwrap();
        prev = r.hash;
    }
    drop(conn);
    assert!(store.verify_audit().await.unwrap().is_intact());
    for query in ["", "?limit=500", "?action=user.login_failed", "?before=3"] {
        let page = b.get(&format!("/admin/audit{query}")).await;
        assert_eq!(page.status, StatusCode::OK, "/admin/audit{query}");
        assert!(page.body.len() < 1_000_000, "/admin/audit{query}: {} bytes", page.body.len());
    }
    let page = b.get("/admin/audit").await;
    assert!(page.body.contains("characters]"), "what is cut says so");
}

// ----- §1.10 -----

#[tokio::test]
async fn hsts_is_sent_behind_an_https_public_url_only() {
    let store = Store::open_in_memory().await.unwrap();
    let hsts = |b: &Browser| {
        let app = b.app.clone();
        async move {
            use tower::ServiceExt;
            let r = app.oneshot(axum::http::Request::get("/login").body(Body::empty()).unwrap()).await.unwrap();
            r.headers().get("strict-transport-security").map(|v| v.to_str().unwrap().to_owned())
        }
    };
    assert_eq!(
        hsts(&app_with_public_url(&store, Some("https://sansho.example.jp/"))).await.as_deref(),
        Some("max-age=31536000")
    );
    assert_eq!(hsts(&app_with_public_url(&store, Some("http://sansho.example.jp"))).await, None);
    assert_eq!(hsts(&app_with_public_url(&store, None)).await, None);
}

// ----- §1.14 -----

/// An unsafe request that the browser says comes from another site is refused (403) before any
/// handler runs, whatever its token and cookie — pages, the API and the login form alike — and
/// the refusal is in the audit log. Same-origin requests and requests without the headers (the
/// CSRF token still applies to them) pass.
#[tokio::test]
async fn unsafe_requests_from_another_site_are_refused_and_recorded() {
    let store = Store::open_in_memory().await.unwrap().with_data_dir(tempfile::tempdir().unwrap().keep());
    let (org, a) = org_with_assessment(&store, "A病院").await;
    let mut b = app_with_public_url(&store, Some("https://sansho.example.jp"));
    // The admin signs in (the cookies are Secure here: the jar does not care).
    admin(&mut b).await;
    let csrf = api_csrf(&mut b).await;
    let seq = store.audit_seq().await.unwrap();
    let body = || Some(("application/json", Body::from(json!({ "result": "implemented" }).to_string())));
    let uri = format!("/api/assessments/{a}/requirements/org-1/answer");
    for headers in [
        vec![("origin", "https://evil.example"), ("x-csrf-token", csrf.as_str())],
        vec![("sec-fetch-site", "cross-site"), ("x-csrf-token", csrf.as_str())],
        vec![("sec-fetch-site", "same-site"), ("origin", "https://sub.example.jp"), ("x-csrf-token", csrf.as_str())],
        vec![("origin", "null"), ("x-csrf-token", csrf.as_str())],
        vec![("origin", "http://sansho.example.jp"), ("x-csrf-token", csrf.as_str())],
    ] {
        let r = b.request("PUT", &uri, body(), &headers).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{headers:?}: {}", r.body);
        assert_eq!(r.json()["code"], "forbidden");
    }
    assert!(store.answer_for(a, "org-1").await.unwrap().is_none());
    // A page form, and the login form before any session.
    let page = b.get(&format!("/organizations/{org}")).await;
    let form_csrf = field(&page.body, "csrf_token");
    let form = format!("csrf_token={form_csrf}&name=PACS&service_model=saas");
    let r = b
        .request(
            "POST",
            &format!("/organizations/{org}/systems"),
            Some(("application/x-www-form-urlencoded", Body::from(form))),
            &[("origin", "https://evil.example")],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.body.contains("別のサイトから送られた操作"), "{}", r.body);
    let mut anon = Browser { app: b.app.clone(), jar: HashMap::new() };
    let pre = field(&anon.get("/login").await.body, "csrf_token");
    let form = format!("csrf_token={pre}&username=admin&password=x");
    let r = anon
        .request(
            "POST",
            "/login",
            Some(("application/x-www-form-urlencoded", Body::from(form))),
            &[("sec-fetch-site", "cross-site")],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(store.systems(org).await.unwrap().len() == 1, "no system was added");
    let refused = records(&store, "csrf.refused").await;
    assert_eq!(refused.len(), 7, "{refused:?}");
    assert!(refused.iter().all(|r| r.seq > seq));
    assert_eq!(refused.iter().filter(|r| r.actor == "admin").count(), 6);
    let after: serde_json::Value = serde_json::from_str(refused[0].after_json.as_deref().unwrap()).unwrap();
    assert_eq!(after["reason"], "cross-site");
    assert_eq!(after["path"], "/login");

    // Same origin, same-origin fetch metadata, or no such headers: the request goes through.
    for headers in [
        vec![("origin", "https://sansho.example.jp"), ("x-csrf-token", csrf.as_str())],
        vec![
            ("sec-fetch-site", "same-origin"),
            ("origin", "https://sansho.example.jp"),
            ("x-csrf-token", csrf.as_str()),
        ],
        vec![("x-csrf-token", csrf.as_str())],
    ] {
        let r = b.request("PUT", &uri, body(), &headers).await;
        assert_eq!(r.status, StatusCode::OK, "{headers:?}: {}", r.body);
    }
    // Without a configured public address, the address the request was sent to is this site.
    let store2 = Store::open_in_memory().await.unwrap();
    let mut local = app_with_public_url(&store2, None);
    let (org2, _) = org_with_assessment(&store2, "C病院").await;
    member(&local, &store2, "someone", Role::Viewer, org2).await;
    let pre = field(&local.get("/login").await.body, "csrf_token");
    let form = format!("csrf_token={pre}&username=nobody&password=x");
    let same = local
        .request(
            "POST",
            "/login",
            Some(("application/x-www-form-urlencoded", Body::from(form.clone()))),
            &[("host", "127.0.0.1:8080"), ("origin", "http://127.0.0.1:8080")],
        )
        .await;
    assert_eq!(same.status, StatusCode::OK, "{}", same.body);
    let other = local
        .request(
            "POST",
            "/login",
            Some(("application/x-www-form-urlencoded", Body::from(form))),
            &[("host", "127.0.0.1:8080"), ("origin", "http://127.0.0.1:9999")],
        )
        .await;
    assert_eq!(other.status, StatusCode::FORBIDDEN);
}

// ----- §1.13 -----

/// Exports, evidence downloads, authorization refusals (403 and the 404 of an access check), CSRF
/// refusals, attempts on a locked account and rate-limit refusals are in the audit log; an
/// unauthenticated flood of refusals writes at most its share a minute.
#[tokio::test]
async fn security_events_are_recorded_and_rate_limited() {
    let (mut b, store) = setup().await;
    let (org, a) = org_with_assessment(&store, "A病院").await;
    admin(&mut b).await;
    // An organization the admin is no member of.
    let (_, foreign) = org_with_assessment(&store, "B社").await;
    let csrf = api_csrf(&mut b).await;
    let mut viewer = member(&b, &store, "etsuran", Role::Viewer, org).await;
    let answered = b
        .api(
            "PUT",
            &format!("/api/assessments/{a}/requirements/org-1/answer"),
            Some(json!({"result": "partial"})),
            Some(&csrf),
        )
        .await;
    assert_eq!(answered.status, StatusCode::OK, "{}", answered.body);

    // An export and an evidence download, by page and API.
    assert_eq!(b.get(&format!("/assessments/{a}/export/csv")).await.status, StatusCode::OK);
    assert_eq!(b.api("GET", &format!("/api/assessments/{a}/export/json"), None, None).await.status, StatusCode::OK);
    let exports = records(&store, "export.download").await;
    assert_eq!(exports.len(), 2);
    assert!(exports.iter().all(|r| r.actor == "admin" && r.entity_id.as_deref() == Some(a.to_string().as_str())));
    let boundary = "sanshoguards";
    let upload = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\n規程\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"k.txt\"\r\nContent-Type: text/plain\r\n\r\nkitei\r\n--{boundary}--\r\n"
    );
    let ct = format!("multipart/form-data; boundary={boundary}");
    let up = b
        .request(
            "POST",
            &format!("/api/assessments/{a}/requirements/org-1/evidence"),
            Some((ct.as_str(), Body::from(upload))),
            &[("x-csrf-token", csrf.as_str())],
        )
        .await;
    assert!(up.status.is_success(), "{}", up.body);
    let _ = &org;
    let evidence = up.json()["id"].as_str().unwrap().to_owned();
    assert_eq!(b.get(&format!("/evidence/{evidence}")).await.status, StatusCode::OK);
    assert_eq!(b.api("GET", &format!("/api/evidence/{evidence}/content"), None, None).await.status, StatusCode::OK);
    let downloads = records(&store, "evidence.download").await;
    assert_eq!(downloads.len(), 2, "{downloads:?}");
    assert!(downloads.iter().all(|r| r.entity_id.as_deref() == Some(evidence.as_str())));

    // Authorization refusals: another organization's id (404, as an unknown id), a viewer's write
    // (403), a non-admin on an admin page (403).
    let seq = store.audit_seq().await.unwrap();
    assert_eq!(b.get(&format!("/assessments/{foreign}")).await.status, StatusCode::NOT_FOUND);
    assert_eq!(b.api("GET", &format!("/api/assessments/{foreign}"), None, None).await.status, StatusCode::NOT_FOUND);
    assert_eq!(viewer.get("/admin").await.status, StatusCode::FORBIDDEN);
    let vcsrf = api_csrf(&mut viewer).await;
    let put = viewer
        .api(
            "PUT",
            &format!("/api/assessments/{a}/requirements/org-1/answer"),
            Some(json!({"result": "implemented"})),
            Some(&vcsrf),
        )
        .await;
    assert_eq!(put.status, StatusCode::FORBIDDEN);
    // An unknown page is no refusal.
    assert_eq!(b.get("/no-such-page").await.status, StatusCode::NOT_FOUND);
    let denied: Vec<_> = records(&store, "access.denied").await.into_iter().filter(|r| r.seq > seq).collect();
    let who: Vec<(&str, String)> = denied
        .iter()
        .rev()
        .map(|r| {
            let after: serde_json::Value = serde_json::from_str(r.after_json.as_deref().unwrap()).unwrap();
            (r.actor.as_str(), after["path"].as_str().unwrap().to_owned())
        })
        .collect();
    assert_eq!(
        who,
        [
            ("admin", format!("/assessments/{foreign}")),
            ("admin", format!("/api/assessments/{foreign}")),
            ("etsuran", "/admin".to_owned()),
            ("etsuran", format!("/api/assessments/{a}/requirements/org-1/answer")),
        ]
    );

    // CSRF refusals: a wrong API header, a page form without its token.
    let bad = b
        .api(
            "PUT",
            &format!("/api/assessments/{a}/requirements/org-1/answer"),
            Some(json!({"result": "implemented"})),
            Some("nope"),
        )
        .await;
    assert_eq!(bad.status, StatusCode::FORBIDDEN);
    let form = b.post(&format!("/assessments/{a}/r/org-1"), &[("csrf_token", "nope"), ("result", "implemented")]).await;
    assert_eq!(form.status, StatusCode::FORBIDDEN);
    assert_eq!(records(&store, "csrf.refused").await.len(), 2);

    // A locked account: five wrong passwords lock it; the next attempt is recorded as such.
    let mut anon = Browser { app: b.app.clone(), jar: HashMap::new() };
    for _ in 0..6 {
        let pre = field(&anon.get("/login").await.body, "csrf_token");
        anon.post("/login", &[("csrf_token", &pre), ("username", "etsuran"), ("password", "wrong password")]).await;
    }
    let locked = records(&store, "user.login_locked").await;
    assert!(!locked.is_empty(), "an attempt on the locked account is recorded");
    assert_eq!(locked[0].actor, "etsuran");

    // A flood of refused logins from one address: the rate limiter answers 429 (recorded), and
    // however many there are, at most `PER_MINUTE` event records a minute are written for it.
    for _ in 0..80 {
        let pre = field(&anon.get("/login").await.body, "csrf_token");
        anon.post("/login", &[("csrf_token", &pre), ("username", "nobody"), ("password", "x")]).await;
    }
    let limited = records(&store, "security.rate_limited").await;
    assert!(!limited.is_empty(), "rate-limit refusals are recorded");
    let anonymous: Vec<_> = store
        .audit_log(&AuditFilter { actor: Some("anonymous".into()), limit: 10_000, ..Default::default() })
        .await
        .unwrap();
    assert!(
        anonymous.len() <= sansho_web::events::PER_MINUTE as usize,
        "{} event records for one anonymous address in a minute",
        anonymous.len()
    );
    assert!(store.verify_audit().await.unwrap().is_intact());
}

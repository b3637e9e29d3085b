//! The JSON API through the real router on the bundled catalogs: JSON login with TOTP, answers,
//! suggestions, evidence, the dashboard's figures, exports, migration; the refusals (viewer,
//! CSRF header, no session, malformed JSON, unknown ids); and the OpenAPI document against the
//! routes.

mod common;

use std::collections::{BTreeSet, HashMap};

use axum::body::Body;
use axum::http::StatusCode;
use common::*;
use sansho_store::{Actor, Timestamp};
use serde_json::{Value, json};

fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.".contains(&b) { (b as char).to_string() } else { format!("%{b:02X}") }
        })
        .collect()
}

/// Asserts a typed JSON error: the status and `{"error": "...", "code": CODE}`.
#[track_caller]
fn assert_error(p: &Page, status: StatusCode, code: &str) -> String {
    assert_eq!(p.status, status, "{}", p.body);
    let v = p.json();
    assert_eq!(v["code"], code, "{v}");
    let error = v["error"].as_str().expect("an error message").to_owned();
    assert!(!error.is_empty());
    error
}

async fn upload(b: &mut Browser, uri: &str, csrf: &str, parts: &[(&str, Option<&str>, &str)]) -> Page {
    let boundary = "XsanshoApiBoundary";
    let mut body = String::new();
    for (name, file, value) in parts {
        match file {
            Some(f) => body.push_str(&format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{f}\"\r\nContent-Type: text/plain\r\n\r\n{value}\r\n"
            )),
            None => body.push_str(&format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )),
        }
    }
    body.push_str(&format!("--{boundary}--\r\n"));
    let content_type = format!("multipart/form-data; boundary={boundary}");
    b.request("POST", uri, Some((&content_type, Body::from(body))), &[("x-csrf-token", csrf)]).await
}

// long function: one scenario walked end to end, its steps handing on what they made.
#[tokio::test]
async fn json_login_then_answers_suggestions_evidence_dashboard_and_exports() {
    let (mut b, store) = setup().await;
    let (org, a) = org_with_assessment(&store, "A病院").await;
    let key = admin(&mut b).await;

    // A fresh client signs in by JSON: the password alone is not enough for a TOTP user.
    let mut c = Browser { app: b.app.clone(), jar: HashMap::new() };
    assert_error(&c.api("GET", "/api/session", None, None).await, StatusCode::UNAUTHORIZED, "unauthorized");
    let wrong =
        c.api("POST", "/api/session", Some(json!({"username": "admin", "password": "wrong password!!"})), None).await;
    assert!(assert_error(&wrong, StatusCode::UNAUTHORIZED, "unauthorized").contains("パスワード"));
    let no_code = c.api("POST", "/api/session", Some(json!({"username": "admin", "password": PASSWORD})), None).await;
    assert!(assert_error(&no_code, StatusCode::UNAUTHORIZED, "unauthorized").contains("totp_code"));
    assert!(c.jar.is_empty(), "no session without the second factor");
    let bad_code = c
        .api(
            "POST",
            "/api/session",
            Some(json!({"username": "admin", "password": PASSWORD, "totp_code": "000000"})),
            None,
        )
        .await;
    assert_error(&bad_code, StatusCode::UNAUTHORIZED, "unauthorized");
    // The enrolment used the current step; the next one is a fresh code (±1 step is accepted).
    let login = c
        .api(
            "POST",
            "/api/session",
            Some(json!({"username": "admin", "password": PASSWORD, "totp_code": code(&key, now_ms() + 30_000)})),
            None,
        )
        .await;
    assert_eq!(login.status, StatusCode::OK, "{}", login.body);
    assert!(c.jar.contains_key("sansho_session"));
    let me = login.json();
    assert_eq!(me["user"]["username"], "admin");
    assert_eq!(me["user"]["role"], "admin");
    assert_eq!(me["csrf_header"], "x-csrf-token");
    assert_eq!(me["organizations"][0]["name"], "A病院");
    let csrf = me["csrf_token"].as_str().unwrap().to_owned();
    let who = c.api("GET", "/api/session", None, None).await;
    assert_eq!(who.json()["csrf_token"], csrf.as_str());
    // The same code again is a replay.
    let mut d = Browser { app: b.app.clone(), jar: HashMap::new() };
    let replay = d
        .api(
            "POST",
            "/api/session",
            Some(json!({"username": "admin", "password": PASSWORD, "totp_code": code(&key, now_ms() + 30_000)})),
            None,
        )
        .await;
    assert_error(&replay, StatusCode::UNAUTHORIZED, "unauthorized");

    // Organizations, systems, assessments.
    let orgs = c.api("GET", "/api/organizations", None, None).await.json();
    assert_eq!(orgs.as_array().unwrap().len(), 1);
    assert_eq!(orgs[0]["id"], org.to_string());
    let systems = c.api("GET", &format!("/api/organizations/{org}/systems"), None, None).await.json();
    let system = systems[0]["id"].as_str().unwrap().to_owned();
    assert_eq!(systems[0]["service_model"], "saas");
    let list = c.api("GET", "/api/assessments", None, None).await.json();
    assert_eq!(list[0]["id"], a.to_string());
    assert_eq!(list[0]["system_id"], system.as_str());
    let detail = c.api("GET", &format!("/api/assessments/{a}"), None, None).await.json();
    assert_eq!(detail["assessment"]["catalog_id"], "mhlw-3-checklist");
    assert_eq!((detail["answered"].as_u64(), detail["counts"]["total"].as_u64()), (Some(0), Some(80)));

    let dash = c.api("GET", &format!("/api/assessments/{a}/dashboard"), None, None).await.json();
    assert_eq!((dash["answered"].as_u64(), dash["total"].as_u64()), (Some(0), Some(80)));
    assert_eq!(dash["coverage"].as_array().unwrap().len(), 1, "nothing answered reaches other catalogs yet");
    assert_eq!(dash["minimum"]["met"], false);
    assert_eq!(dash["gaps"].as_array().unwrap().len(), 80);

    // Answers: the refusals name what is wrong and save nothing.
    let answer = |req: &str| format!("/api/assessments/{a}/requirements/{}/answer", enc(req));
    let na = c.api("PUT", &answer("org-1"), Some(json!({"result": "not-applicable"})), Some(&csrf)).await;
    assert!(assert_error(&na, StatusCode::UNPROCESSABLE_ENTITY, "invalid").contains("理由"));
    let due = c
        .api("PUT", &answer("org-1"), Some(json!({"result": "implemented", "due_date": "2027-02-30"})), Some(&csrf))
        .await;
    assert!(assert_error(&due, StatusCode::UNPROCESSABLE_ENTITY, "invalid").contains("2027-02-30"));
    // The API takes a date or nothing (null, or the field left out); a blank string is not a date.
    let blank =
        c.api("PUT", &answer("org-1"), Some(json!({"result": "implemented", "due_date": ""})), Some(&csrf)).await;
    assert!(assert_error(&blank, StatusCode::UNPROCESSABLE_ENTITY, "invalid").contains("due_date"));
    let heading =
        c.api("PUT", &answer("組織的安全管理対策"), Some(json!({"result": "implemented"})), Some(&csrf)).await;
    assert!(assert_error(&heading, StatusCode::UNPROCESSABLE_ENTITY, "invalid").contains("見出し"));
    let unknown = c.api("PUT", &answer("org-1"), Some(json!({"result": "maybe"})), Some(&csrf)).await;
    assert!(assert_error(&unknown, StatusCode::UNPROCESSABLE_ENTITY, "invalid").contains("result"));
    let extra = c.api("PUT", &answer("org-1"), Some(json!({"result": "partial", "colour": "red"})), Some(&csrf)).await;
    assert!(assert_error(&extra, StatusCode::UNPROCESSABLE_ENTITY, "invalid").contains("colour"));
    let broken = c
        .request(
            "PUT",
            &answer("org-1"),
            Some(("application/json", Body::from("{\"result\": "))),
            &[("x-csrf-token", &csrf)],
        )
        .await;
    assert_error(&broken, StatusCode::BAD_REQUEST, "bad_request");
    let not_json = c
        .request("PUT", &answer("org-1"), Some(("text/plain", Body::from("implemented"))), &[("x-csrf-token", &csrf)])
        .await;
    assert_error(&not_json, StatusCode::BAD_REQUEST, "bad_request");
    assert!(store.answer_for(a, "org-1").await.unwrap().is_none());

    let saved = c
        .api(
            "PUT",
            &answer("org-1"),
            Some(json!({"result": "implemented", "how": "運用責任者を1名設置", "owner": "情報システム課", "due_date": "2027-03-31"})),
            Some(&csrf),
        )
        .await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    assert_eq!(saved.json()["owner"], "情報システム課");
    let stored = store.answer_for(a, "org-1").await.unwrap().unwrap();
    assert_eq!((stored.how.as_str(), stored.due_date.unwrap().as_str()), ("運用責任者を1名設置", "2027-03-31"));
    assert_eq!(stored.updated_by, "admin");
    for item in ["tech-7-1", "tech-7-2"] {
        let r = c.api("PUT", &answer(item), Some(json!({"result": "implemented"})), Some(&csrf)).await;
        assert_eq!(r.status, StatusCode::OK, "{item}: {}", r.body);
    }

    // The heading above them gets a rolled-up suggestion; accepting it stores it with its origin.
    let one = c.api("GET", &format!("/api/assessments/{a}/requirements/{}", enc("技術的安全対策 7")), None, None).await;
    assert_eq!(one.status, StatusCode::OK, "{}", one.body);
    let one = one.json();
    assert_eq!(one["answerable"], true, "an item with text of its own, and items under it");
    assert_eq!(one["answer"], Value::Null);
    assert_eq!(one["basis"], "derived");
    // Two of its three items are implemented (tech-7-3 is not answered): partial, rolled up.
    assert_eq!(one["suggestion"]["result"], "partial", "{}", one["suggestion"]);
    assert_eq!(one["suggestion"]["rollup"]["implemented"], 2);
    assert_eq!(one["can_accept"], true);
    let local = one["requirement"]["local_id"].as_str().unwrap().to_owned();
    let accept = format!("/api/assessments/{a}/requirements/{local}/accept");
    let accepted = c.api("POST", &accept, None, Some(&csrf)).await;
    assert_eq!(accepted.status, StatusCode::OK, "{}", accepted.body);
    assert_eq!(accepted.json()["origin"]["kind"], "derived");
    assert_eq!(store.answer_for(a, &local).await.unwrap().unwrap().origin.unwrap()["kind"], "derived");
    let again = c.api("POST", &accept, None, Some(&csrf)).await;
    assert!(assert_error(&again, StatusCode::CONFLICT, "conflict").contains("上書き"));
    let nothing = c.api("POST", &format!("/api/assessments/{a}/requirements/phys-1/accept"), None, Some(&csrf)).await;
    assert_error(&nothing, StatusCode::UNPROCESSABLE_ENTITY, "invalid");

    // Evidence: a file (multipart) and a link (JSON); a requirement without an answer has none.
    let ev_uri = |req: &str| format!("/api/assessments/{a}/requirements/{req}/evidence");
    let up = upload(
        &mut c,
        &ev_uri("org-1"),
        &csrf,
        &[
            ("title", None, "運用管理規程"),
            ("expiry_date", None, "2027-12-31"),
            ("file", Some("kitei.txt"), "第1条 運用責任者を置く。"),
        ],
    )
    .await;
    assert_eq!(up.status, StatusCode::CREATED, "{}", up.body);
    let ev = up.json();
    assert_eq!((ev["title"].as_str(), ev["kind"].as_str()), (Some("運用管理規程"), Some("file")));
    assert_eq!(ev["expiry_date"], "2027-12-31");
    let ev_id = ev["id"].as_str().unwrap().to_owned();
    let meta = c.api("GET", &format!("/api/evidence/{ev_id}"), None, None).await.json();
    assert_eq!(meta["sha256"], ev["sha256"]);
    let got = c.api("GET", meta["content_url"].as_str().unwrap(), None, None).await;
    assert_eq!(got.status, StatusCode::OK);
    assert_eq!(got.content_type, "application/octet-stream");
    assert_eq!(got.body, "第1条 運用責任者を置く。");
    let link = c
        .api(
            "POST",
            &ev_uri("org-1"),
            Some(json!({"url": "https://intra.example.jp/kitei", "effective_date": "2026-04-01"})),
            Some(&csrf),
        )
        .await;
    assert_eq!(link.status, StatusCode::CREATED, "{}", link.body);
    assert_eq!(link.json()["content_url"], Value::Null);
    let no_answer = c.api("POST", &ev_uri("org-2"), Some(json!({"url": "https://example.jp/"})), Some(&csrf)).await;
    assert_error(&no_answer, StatusCode::CONFLICT, "conflict");
    let js = c.api("POST", &ev_uri("org-1"), Some(json!({"url": "javascript:alert(1)"})), Some(&csrf)).await;
    assert_error(&js, StatusCode::UNPROCESSABLE_ENTITY, "invalid");
    let backwards = c
        .api(
            "POST",
            &ev_uri("org-1"),
            Some(json!({"url": "https://example.jp/", "effective_date": "2027-01-01", "expiry_date": "2026-01-01"})),
            Some(&csrf),
        )
        .await;
    assert_error(&backwards, StatusCode::UNPROCESSABLE_ENTITY, "invalid");
    let full = c.api("GET", &format!("/api/assessments/{a}/requirements/org-1"), None, None).await.json();
    assert_eq!(full["evidence"].as_array().unwrap().len(), 2);
    assert!(full["history"].as_array().unwrap().iter().any(|h| h["field"] == "owner" && h["new"] == "情報システム課"));
    // A file that no longer matches its hash is refused, never served.
    let path = store.evidence_path(ev_id.parse().unwrap()).await.unwrap();
    std::fs::write(&path, "改ざん").unwrap();
    assert_error(
        &c.api("GET", &format!("/api/evidence/{ev_id}/content"), None, None).await,
        StatusCode::CONFLICT,
        "conflict",
    );

    // The checklist and the dashboard show the answers.
    let rows = c.api("GET", &format!("/api/assessments/{a}/answers"), None, None).await.json();
    let row = |id: &str| rows.as_array().unwrap().iter().find(|r| r["local_id"] == id).unwrap().clone();
    assert_eq!(row("org-1")["direct"], "implemented");
    assert_eq!(row("org-1")["evidence"], 2);
    assert_eq!(row("org-2")["result"], "unanswered");
    let dash = c.api("GET", &format!("/api/assessments/{a}/dashboard"), None, None).await.json();
    assert_eq!(dash["answered"], 4, "org-1, tech-7-1, tech-7-2 and the accepted tech-7");
    assert_eq!(dash["coverage"][0]["tally"]["implemented"], 3);
    assert_eq!(dash["gaps"].as_array().unwrap().len(), 77);
    assert!(dash["coverage"].as_array().unwrap().len() > 1, "the answers reach other catalogs: {}", dash["coverage"]);
    assert!(dash["coverage"].as_array().unwrap()[1..].iter().all(|c| c["derived"] == true));

    // Exports.
    let xlsx = c.api("GET", &format!("/api/assessments/{a}/export/xlsx"), None, None).await;
    assert_eq!(xlsx.status, StatusCode::OK);
    assert!(xlsx.body.as_bytes().starts_with(b"PK"), "a zip (xlsx)");
    assert!(xlsx.content_type.contains("spreadsheetml"));
    let csv = c.api("GET", &format!("/api/assessments/{a}/export/csv"), None, None).await;
    assert!(
        csv.content_type.starts_with("text/csv")
            && csv.body.contains("org-1")
            && csv.body.contains("運用責任者を1名設置")
    );
    let exported = c.api("GET", &format!("/api/assessments/{a}/export/json"), None, None).await;
    assert_eq!(exported.content_type, "application/json");
    exported.json();
    assert_error(
        &c.api("GET", &format!("/api/assessments/{a}/export/pdf"), None, None).await,
        StatusCode::NOT_FOUND,
        "not_found",
    );

    // Status, a new system, an assessment from a baseline, a migration.
    let st =
        c.api("PUT", &format!("/api/assessments/{a}/status"), Some(json!({"status": "in-review"})), Some(&csrf)).await;
    assert_eq!(st.json()["status"], "in-review");
    let sys = c
        .api(
            "POST",
            &format!("/api/organizations/{org}/systems"),
            Some(json!({"name": "  ", "service_model": "iaas"})),
            Some(&csrf),
        )
        .await;
    assert!(assert_error(&sys, StatusCode::UNPROCESSABLE_ENTITY, "invalid").contains("name"));
    let sys = c
        .api(
            "POST",
            &format!("/api/organizations/{org}/systems"),
            Some(json!({"name": "PACS", "service_model": "iaas"})),
            Some(&csrf),
        )
        .await;
    assert_eq!(sys.status, StatusCode::CREATED, "{}", sys.body);
    let next = c
        .api(
            "POST",
            &format!("/api/systems/{system}/assessments"),
            Some(json!({"catalog_id": "mhlw-3-checklist", "baseline_id": a.to_string()})),
            Some(&csrf),
        )
        .await;
    assert_eq!(next.status, StatusCode::CREATED, "{}", next.body);
    let next = next.json();
    assert_eq!(next["answers"], 4, "the baseline's answers are copied");
    let across = c
        .api(
            "POST",
            &format!("/api/systems/{system}/assessments"),
            Some(json!({"catalog_id": "mhlw-5", "baseline_id": a.to_string()})),
            Some(&csrf),
        )
        .await;
    assert!(assert_error(&across, StatusCode::UNPROCESSABLE_ENTITY, "invalid").contains("移行"));
    let unknown_cat = c
        .api("POST", &format!("/api/systems/{system}/assessments"), Some(json!({"catalog_id": "nope"})), Some(&csrf))
        .await;
    assert!(assert_error(&unknown_cat, StatusCode::UNPROCESSABLE_ENTITY, "invalid").contains("catalog_id"));
    let changes =
        c.api("GET", &format!("/api/assessments/{}/dashboard", next["id"].as_str().unwrap()), None, None).await.json();
    assert_eq!(changes["baseline"]["baseline_id"], a.to_string());
    assert_eq!(changes["baseline"]["changes"], json!([]), "nothing changed since the copy");
    let m = c.api("POST", &format!("/api/assessments/{a}/migrate"), Some(json!({"to": "mhlw-5"})), Some(&csrf)).await;
    assert_eq!(m.status, StatusCode::CREATED, "{}", m.body);
    let m = m.json();
    assert_eq!(m["assessment"]["catalog_id"], "mhlw-5");
    assert_eq!(m["requirements"], 200);
    assert!(m["carried"].as_u64().unwrap() > 0, "{m}");
    let same = c
        .api("POST", &format!("/api/assessments/{a}/migrate"), Some(json!({"to": "mhlw-3-checklist"})), Some(&csrf))
        .await;
    assert_error(&same, StatusCode::UNPROCESSABLE_ENTITY, "invalid");

    // Writes without the CSRF header are refused; unknown ids are 404.
    let forged = c.api("PUT", &answer("org-2"), Some(json!({"result": "implemented"})), None).await;
    assert!(assert_error(&forged, StatusCode::FORBIDDEN, "forbidden").contains("x-csrf-token"));
    let forged = c.api("PUT", &answer("org-2"), Some(json!({"result": "implemented"})), Some("not-the-token")).await;
    assert_error(&forged, StatusCode::FORBIDDEN, "forbidden");
    assert!(store.answer_for(a, "org-2").await.unwrap().is_none());
    for uri in [
        "/api/assessments/00000000-0000-0000-0000-000000000000".to_owned(),
        "/api/assessments/not-an-id/answers".to_owned(),
        format!("/api/assessments/{a}/requirements/no-such-item"),
        "/api/organizations/00000000-0000-0000-0000-000000000000/systems".to_owned(),
        "/api/systems/00000000-0000-0000-0000-000000000000".to_owned(),
        "/api/evidence/00000000-0000-0000-0000-000000000000".to_owned(),
        "/api/no/such/endpoint".to_owned(),
    ] {
        assert_error(&c.api("GET", &uri, None, None).await, StatusCode::NOT_FOUND, "not_found");
    }

    // Logging out ends the session.
    assert_error(&c.api("DELETE", "/api/session", None, None).await, StatusCode::FORBIDDEN, "forbidden");
    let out = c.api("DELETE", "/api/session", None, Some(&csrf)).await;
    assert_eq!(out.status, StatusCode::NO_CONTENT);
    assert!(c.jar.is_empty());
    assert_error(&c.api("GET", "/api/assessments", None, None).await, StatusCode::UNAUTHORIZED, "unauthorized");
    assert!(store.verify_audit().await.unwrap().is_intact());
}

#[tokio::test]
async fn a_viewer_reads_foreign_ids_are_404_and_admins_without_totp_enrol_in_the_browser() {
    let (mut b, store) = setup().await;
    let (org, a) = org_with_assessment(&store, "A病院").await;
    let (_, foreign) = org_with_assessment(&store, "B医院").await;
    let fixture = Actor::new("fixture", "test");
    let hash = |pw: &str| {
        sansho_auth::hash_password(pw, &sansho_auth::PasswordParams::INSECURE_FOR_TESTS, &mut sansho_auth::random_bytes)
            .unwrap()
    };
    let user = |name: &str, role| sansho_store::NewUser {
        username: name.into(),
        display_name: name.into(),
        password_hash: hash("viewer password 1"),
        role,
        is_emergency: false,
    };
    let viewer =
        store.create_user(&user("auditor", sansho_store::Role::Viewer), &fixture, Timestamp(now_ms())).await.unwrap();
    store.add_membership(viewer.id, org, &fixture, Timestamp(now_ms())).await.unwrap();
    store.create_user(&user("admin2", sansho_store::Role::Admin), &fixture, Timestamp(now_ms())).await.unwrap();
    exempt_non_admins(&store).await;

    // An admin without a second factor is told to enrol in the browser, and gets no session.
    let refused =
        b.api("POST", "/api/session", Some(json!({"username": "admin2", "password": "viewer password 1"})), None).await;
    assert!(assert_error(&refused, StatusCode::FORBIDDEN, "forbidden").contains("ブラウザ"));
    assert!(b.jar.is_empty());
    // Malformed login bodies.
    let r = b.request("POST", "/api/session", Some(("application/json", Body::from("{"))), &[]).await;
    assert_error(&r, StatusCode::BAD_REQUEST, "bad_request");
    assert_error(
        &b.api("POST", "/api/session", Some(json!({"username": "auditor"})), None).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid",
    );

    // A viewer without TOTP (viewers are exempted) signs in with the password and reads.
    let login = b
        .api("POST", "/api/session", Some(json!({"username": "auditor", "password": "viewer password 1"})), None)
        .await;
    assert_eq!(login.status, StatusCode::OK, "{}", login.body);
    let csrf = login.json()["csrf_token"].as_str().unwrap().to_owned();
    assert_eq!(login.json()["user"]["role"], "viewer");
    assert_eq!(b.api("GET", &format!("/api/assessments/{a}/answers"), None, None).await.status, StatusCode::OK);
    assert_eq!(b.api("GET", "/api/assessments", None, None).await.json().as_array().unwrap().len(), 1);
    // ... but writes nothing.
    let writes = [
        ("PUT", format!("/api/assessments/{a}/requirements/org-1/answer"), Some(json!({"result": "implemented"}))),
        ("POST", format!("/api/assessments/{a}/requirements/org-1/accept"), None),
        (
            "POST",
            format!("/api/assessments/{a}/requirements/org-1/evidence"),
            Some(json!({"url": "https://example.jp/"})),
        ),
        ("PUT", format!("/api/assessments/{a}/status"), Some(json!({"status": "final"}))),
        ("POST", format!("/api/assessments/{a}/migrate"), Some(json!({"to": "mhlw-5"}))),
        ("POST", format!("/api/organizations/{org}/systems"), Some(json!({"name": "X", "service_model": "saas"}))),
    ];
    for (method, uri, body) in writes {
        let r = b.api(method, &uri, body, Some(&csrf)).await;
        assert!(assert_error(&r, StatusCode::FORBIDDEN, "forbidden").contains("閲覧"), "{method} {uri}");
    }
    assert!(store.answers(a).await.unwrap().is_empty());
    // Another organization's ids look exactly like unknown ones.
    for uri in [
        format!("/api/assessments/{foreign}"),
        format!("/api/assessments/{foreign}/dashboard"),
        format!("/api/assessments/{foreign}/requirements/org-1"),
        format!("/api/assessments/{foreign}/export/xlsx"),
    ] {
        let r = b.api("GET", &uri, None, None).await;
        assert_eq!(assert_error(&r, StatusCode::NOT_FOUND, "not_found"), "no such assessment", "{uri}");
    }
    let r = b
        .api("PUT", &format!("/api/assessments/{foreign}/status"), Some(json!({"status": "final"})), Some(&csrf))
        .await;
    assert_error(&r, StatusCode::NOT_FOUND, "not_found");
}

/// The API routes as written in `src/api/*.rs`: `(method, path)` of every `.route("…", get(…).post(…))`.
fn routes_in_source() -> BTreeSet<(String, String)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/api");
    let mut out = BTreeSet::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        let mut rest = text.as_str();
        while let Some(at) = rest.find(".route(") {
            rest = &rest[at + ".route(".len()..];
            let rest_trim = rest.trim_start();
            let Some(path) = rest_trim.strip_prefix('"').and_then(|r| r.split_once('"')).map(|(p, _)| p) else {
                continue;
            };
            // The handlers up to the end of the call: get(…).post(…) — nested parentheses counted.
            let (mut depth, mut end) = (1, 0);
            for (i, ch) in rest.char_indices() {
                match ch {
                    '(' => depth += 1,
                    ')' => depth -= 1,
                    _ => {}
                }
                if depth == 0 {
                    end = i;
                    break;
                }
            }
            let call = &rest[..end];
            if path == "/openapi.json" {
                continue;
            }
            for method in ["get", "post", "put", "delete", "patch"] {
                let key = format!("{method}(");
                let found = call.match_indices(&key).any(|(i, _)| {
                    i == 0 || !call.as_bytes()[i - 1].is_ascii_alphanumeric() && call.as_bytes()[i - 1] != b'_'
                });
                if found {
                    out.insert((method.to_owned(), format!("/api{path}")));
                }
            }
        }
    }
    out
}

#[tokio::test]
async fn every_api_route_is_in_the_openapi_document_and_every_documented_operation_is_routed() {
    let (mut b, _) = setup().await;
    let doc = b.get("/api/openapi.json").await.json();
    let mut documented = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            if !["get", "post", "put", "delete", "patch"].contains(&method.as_str()) {
                continue;
            }
            documented.insert((method.clone(), path.clone()));
            // Every operation documents its responses; every error is an ErrorBody.
            for (status, response) in op["responses"].as_object().unwrap() {
                if !status.starts_with('2') {
                    let schema = &response["content"]["application/json"]["schema"]["$ref"];
                    assert_eq!(schema, "#/components/schemas/ErrorBody", "{method} {path} {status}");
                }
            }
            // Writes and session-bound reads declare the security schemes they need.
            if path != "/api/session" && !path.starts_with("/api/catalogs") && path != "/api/search" {
                let security = op["security"].to_string();
                assert!(security.contains("session_cookie"), "{method} {path}: {security}");
                if method != "get" {
                    assert!(security.contains("csrf_header"), "{method} {path}: {security}");
                }
            }
            // The operation is routed: without a session it is refused or served, never "no such
            // endpoint" or "method not allowed".
            let uri = path
                .replace("{format}", "xlsx")
                .split('/')
                .map(|seg| if seg.starts_with('{') { "00000000-0000-0000-0000-000000000000" } else { seg })
                .collect::<Vec<_>>()
                .join("/");
            let r = b.api(&method.to_uppercase(), &uri, None, None).await;
            assert_ne!(r.status, StatusCode::METHOD_NOT_ALLOWED, "{method} {uri}");
            assert!(!r.body.contains("no such API endpoint"), "{method} {uri}: {}", r.body);
        }
    }
    let routed = routes_in_source();
    assert!(routed.len() >= 27, "{routed:?}");
    let undocumented: Vec<_> = routed.difference(&documented).collect();
    assert!(undocumented.is_empty(), "routes missing from the OpenAPI document: {undocumented:?}");
    let unrouted: Vec<_> = documented.difference(&routed).collect();
    assert!(unrouted.is_empty(), "documented but not routed: {unrouted:?}");
    // Every reference resolves (a schema used only by a parameter must be listed by hand).
    let mut refs = Vec::new();
    collect_refs(&doc, &mut refs);
    assert!(refs.len() > 50);
    for r in refs {
        let name = r.strip_prefix("#/components/schemas/").unwrap_or_else(|| panic!("unexpected reference {r}"));
        assert!(doc["components"]["schemas"].get(name).is_some(), "unresolved reference {r}");
    }
    let schemes = doc["components"]["securitySchemes"].as_object().unwrap();
    assert_eq!(schemes["session_cookie"]["in"], "cookie");
    assert_eq!(schemes["session_cookie"]["name"], "sansho_session");
    assert_eq!(schemes["csrf_header"]["name"], "x-csrf-token");
}

fn collect_refs(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(map) => {
            for (k, x) in map {
                match (k.as_str(), x) {
                    ("$ref", Value::String(r)) => out.push(r.clone()),
                    _ => collect_refs(x, out),
                }
            }
        }
        Value::Array(xs) => xs.iter().for_each(|x| collect_refs(x, out)),
        _ => {}
    }
}

#[tokio::test]
async fn json_login_keeps_the_page_rules_emergency_use_lockout_and_rate_limit() {
    let (b, store) = setup().await;
    let fixture = Actor::new("fixture", "test");
    let hash = sansho_auth::hash_password(
        "emergency password 1",
        &sansho_auth::PasswordParams::INSECURE_FOR_TESTS,
        &mut sansho_auth::random_bytes,
    )
    .unwrap();
    let new = |name: &str, is_emergency| sansho_store::NewUser {
        username: name.into(),
        display_name: name.into(),
        password_hash: hash.clone(),
        role: sansho_store::Role::Assessor,
        is_emergency,
    };
    exempt_non_admins(&store).await;
    // The emergency account starts disabled: refused like a wrong password.
    let emergency = store.create_user(&new("break-glass", true), &fixture, Timestamp(now_ms())).await.unwrap();
    let mut c = Browser { app: b.app.clone(), jar: HashMap::new() };
    let login = json!({"username": "break-glass", "password": "emergency password 1"});
    assert_error(
        &c.api("POST", "/api/session", Some(login.clone()), None).await,
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    );
    store.set_user_disabled(emergency.id, false, &fixture, Timestamp(now_ms())).await.unwrap();
    let ok = c.api("POST", "/api/session", Some(login), None).await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
    let uses = store.emergency_uses(true).await.unwrap();
    assert_eq!(uses.iter().map(|u| u.username.as_str()).collect::<Vec<_>>(), ["break-glass"], "its use is recorded");

    // Five wrong passwords lock the account: then even the right one is refused.
    store.create_user(&new("tanaka", false), &fixture, Timestamp(now_ms())).await.unwrap();
    let mut d = Browser { app: b.app.clone(), jar: HashMap::new() };
    for _ in 0..5 {
        let r =
            d.api("POST", "/api/session", Some(json!({"username": "tanaka", "password": "not it at all"})), None).await;
        assert_error(&r, StatusCode::UNAUTHORIZED, "unauthorized");
    }
    let locked = d
        .api("POST", "/api/session", Some(json!({"username": "tanaka", "password": "emergency password 1"})), None)
        .await;
    assert!(assert_error(&locked, StatusCode::FORBIDDEN, "forbidden").contains("ロック"));
    assert!(d.jar.is_empty());
    // The address is throttled too (429).
    let mut limited = false;
    for _ in 0..15 {
        let r = d.api("POST", "/api/session", Some(json!({"username": "nobody", "password": "x"})), None).await;
        if r.status == StatusCode::TOO_MANY_REQUESTS {
            assert_error(&r, StatusCode::TOO_MANY_REQUESTS, "too_many_requests");
            limited = true;
            break;
        }
    }
    assert!(limited, "the rate limit answers 429");
}

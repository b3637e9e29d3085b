//! A final (確定) assessment is read-only — the store refuses every write to it, so pages, the
//! API and the command line all do — and only its owner (the user who created it) or an admin
//! may reopen it, with a reason, which the audit log keeps (issue 11 §2.3).

mod common;

use axum::http::StatusCode;
use common::*;
use sansho_store::{AssessmentStatus, Role};
use serde_json::json;

#[tokio::test]
async fn a_final_assessment_refuses_every_change_until_its_owner_or_an_admin_reopens_it_with_a_reason() {
    let (mut b, store) = setup().await;
    let (org, fixture) = org_with_assessment(&store, "A病院").await;
    let system = store.assessment(fixture).await.unwrap().system_id;
    // An admin of the installation (a member of A病院, which exists at setup).
    admin(&mut b).await;
    let mut owner = member(&b, &store, "owner", Role::Assessor, org).await;
    let mut other = member(&b, &store, "other", Role::Assessor, org).await;

    // The owner starts an assessment (with a name), answers a row and finalises it.
    let csrf = field(&owner.get(&format!("/systems/{system}")).await.body, "csrf_token");
    let made = owner
        .post(
            &format!("/systems/{system}/assessments"),
            &[("csrf_token", &csrf), ("catalog", "mhlw-3-checklist"), ("baseline", ""), ("name", "2026年度 定期評価")],
        )
        .await;
    assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.body);
    let a = made.location.unwrap().rsplit('/').next().unwrap().to_owned();
    let stored = store.assessment(a.parse().unwrap()).await.unwrap();
    assert_eq!(stored.name.as_deref(), Some("2026年度 定期評価"));
    let r = owner
        .post(&format!("/assessments/{a}/r/org-1"), &[("csrf_token", &csrf), ("result", "implemented"), ("how", "済")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = owner.post(&format!("/assessments/{a}/status"), &[("csrf_token", &csrf), ("status", "final")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let seq = store.audit_seq().await.unwrap();

    // Pages: the checklist and the requirement page have no forms and say why; posts are refused.
    let page = owner.get(&format!("/assessments/{a}/answers")).await;
    assert!(page.body.contains("確定") && page.body.contains("読み取り専用"), "{}", page.body);
    assert!(!page.body.contains(r#"name="how""#), "no answer fields on a final checklist");
    let r = owner
        .post(&format!("/assessments/{a}/r/org-2"), &[("csrf_token", &csrf), ("result", "implemented"), ("how", "")])
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert!(r.body.contains("確定済みの評価は変更できません"), "{}", r.body);
    let r = owner
        .post(
            &format!("/assessments/{a}/answers"),
            &[("csrf_token", &csrf), ("result.org-2", "implemented"), ("how.org-2", "x"), ("v.org-2", "")],
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    let r = owner.post(&format!("/assessments/{a}/status"), &[("csrf_token", &csrf), ("status", "draft")]).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);

    // The API: 409 with the code `conflict` for answers, suggestions, evidence and status.
    let api_csrf = owner.api("GET", "/api/session", None, None).await.json()["csrf_token"].as_str().unwrap().to_owned();
    for (method, uri, body) in [
        ("PUT", format!("/api/assessments/{a}/requirements/org-2/answer"), Some(json!({"result": "implemented"}))),
        ("POST", format!("/api/assessments/{a}/requirements/org-3/accept"), None),
        ("PUT", format!("/api/assessments/{a}/status"), Some(json!({"status": "draft"}))),
    ] {
        let r = owner.api(method, &uri, body, Some(&api_csrf)).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{method} {uri}: {}", r.body);
        assert_eq!(r.json()["code"], "conflict");
    }
    let boundary = "x1";
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"url\"\r\n\r\nhttps://example.jp/a\r\n--{boundary}--\r\n"
    );
    let r = owner
        .request(
            "POST",
            &format!("/api/assessments/{a}/requirements/org-1/evidence"),
            Some((&format!("multipart/form-data; boundary={boundary}"), axum::body::Body::from(body))),
            &[("x-csrf-token", &api_csrf)],
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert_nothing_written(&store, seq).await;

    // Reopening: another assessor may not; the owner must give a reason.
    let page = other.get(&format!("/assessments/{a}/reopen")).await;
    assert!(page.body.contains("再開する権限がありません"), "{}", page.body);
    let other_csrf = field(&other.get("/account").await.body, "csrf_token");
    let r =
        other.post(&format!("/assessments/{a}/reopen"), &[("csrf_token", &other_csrf), ("reason", "直したい")]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    let r = owner.post(&format!("/assessments/{a}/reopen"), &[("csrf_token", &csrf), ("reason", " ")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_nothing_written(&store, seq).await;
    let r =
        owner.post(&format!("/assessments/{a}/reopen"), &[("csrf_token", &csrf), ("reason", "監査指摘の反映")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let aid = a.parse().unwrap();
    assert_eq!(store.assessment(aid).await.unwrap().status, AssessmentStatus::Draft);
    let log = store.audit_log(&sansho_store::AuditFilter::default()).await.unwrap();
    assert_eq!(log[0].action, "assessment.reopen");
    assert_eq!(log[0].actor, "owner");
    assert!(log[0].after_json.as_deref().unwrap().contains("監査指摘の反映"));

    // An admin reopens through the API; another assessor is refused there too.
    let r = owner
        .api("PUT", &format!("/api/assessments/{a}/status"), Some(json!({"status": "final"})), Some(&api_csrf))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let other_api =
        other.api("GET", "/api/session", None, None).await.json()["csrf_token"].as_str().unwrap().to_owned();
    let r = other
        .api("POST", &format!("/api/assessments/{a}/reopen"), Some(json!({"reason": "x"})), Some(&other_api))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    let admin_csrf = b.api("GET", "/api/session", None, None).await.json()["csrf_token"].as_str().unwrap().to_owned();
    let r =
        b.api("POST", &format!("/api/assessments/{a}/reopen"), Some(json!({"reason": ""})), Some(&admin_csrf)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let r = b
        .api("POST", &format!("/api/assessments/{a}/reopen"), Some(json!({"reason": "再評価"})), Some(&admin_csrf))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["status"], "draft");
    assert!(store.verify_audit().await.unwrap().is_intact());
}

/// No record after `seq` but the refusals and downloads the audit log keeps as events (issue 11
/// §1.13: a refused request is recorded, and changes nothing).
async fn assert_nothing_written(store: &sansho_store::Store, seq: i64) {
    let written: Vec<String> = store
        .audit_log(&sansho_store::AuditFilter::default())
        .await
        .unwrap()
        .into_iter()
        .filter(|r| r.seq > seq && !is_read_event(&r.action))
        .map(|r| format!("{} {}", r.action, r.entity_kind))
        .collect();
    assert!(written.is_empty(), "nothing was written, but: {written:?}");
}

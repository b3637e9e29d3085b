//! Outline catalogs in the web application (issue 11 §2.7): the guideline pages and the API say
//! which catalogs are outlines; the forms do not offer them for a new assessment or a migration,
//! and the pages and the API refuse them (422); an assessment made on one before says so.

mod common;

use axum::http::StatusCode;
use common::*;
use sansho_store::{Actor, NewAssessment, Timestamp};
use serde_json::json;

#[tokio::test]
async fn outlines_are_marked_and_not_offered_for_assessments() {
    let (mut b, store) = setup().await;
    let (_org, first) = org_with_assessment(&store, "A病院").await;
    admin(&mut b).await;

    let list = b.get("/guidelines").await;
    assert!(list.body.contains("アウトライン（本文は一部のみ・評価不可）"), "{}", list.body);
    let page = b.get("/guidelines/mhlw-6").await;
    assert!(page.body.contains("アウトライン：") && page.body.contains("catalog fill mhlw-6"), "{}", page.body);
    assert!(!b.get("/guidelines/mhlw-5").await.body.contains("アウトライン："));
    let cats = b.api("GET", "/api/catalogs", None, None).await.json();
    let get = |id: &str| cats.as_array().unwrap().iter().find(|c| c["id"] == id).unwrap().clone();
    assert_eq!(get("mhlw-6")["outline"], true);
    assert_eq!(get("meti-mic-2")["outline"], true);
    assert_eq!(get("mhlw-5")["outline"], false);

    // The system page offers complete catalogs only, in both forms.
    let system = store.assessment(first).await.unwrap().system_id;
    let page = b.get(&format!("/systems/{system}")).await;
    for outline in ["mhlw-6", "meti-mic-2"] {
        assert!(!page.body.contains(&format!("value=\"{outline}\"")), "{outline} offered");
    }
    assert!(page.body.contains("value=\"mhlw-5\""));
    let before = store.assessments(system).await.unwrap().len();

    // Posting one anyway is refused, in the page and in the API.
    let csrf = field(&page.body, "csrf_token");
    let r = b
        .post(
            &format!("/systems/{system}/assessments"),
            &[("csrf_token", &csrf), ("catalog", "mhlw-6"), ("baseline", "")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("アウトライン"), "{}", r.body);
    // Migrating asks for confirmation first; the confirmation page refuses an outline, and so
    // does a confirmed POST.
    let r = b.post(&format!("/assessments/{first}/migrate"), &[("csrf_token", &csrf), ("to", "mhlw-6")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = b.get(&format!("/assessments/{first}/migrate?to=mhlw-6")).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("アウトライン"), "{}", r.body);
    let r = b
        .post(
            &format!("/assessments/{first}/migrate"),
            &[("csrf_token", &csrf), ("to", "mhlw-6"), ("confirmed", "1"), ("name", "")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let me = b.api("GET", "/api/session", None, None).await.json();
    let token = me["csrf_token"].as_str().unwrap().to_owned();
    let r = b
        .api("POST", &format!("/api/systems/{system}/assessments"), Some(json!({"catalog_id": "mhlw-6"})), Some(&token))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("catalog fill"), "{}", r.body);
    let r = b
        .api("POST", &format!("/api/assessments/{first}/migrate"), Some(json!({"to": "meti-mic-2"})), Some(&token))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(store.assessments(system).await.unwrap().len(), before, "nothing was made");

    // An assessment made on an outline before (or by another tool) says so on its dashboard.
    let old = store
        .create_assessment(
            &NewAssessment { system_id: system, catalog_id: "mhlw-6".into(), baseline_id: None },
            &Actor::new("fixture", "test"),
            Timestamp(now_ms()),
        )
        .await
        .unwrap();
    let d = b.get(&format!("/assessments/{}", old.id)).await;
    assert_eq!(d.status, StatusCode::OK);
    assert!(d.body.contains("アウトライン：") && d.body.contains("catalog fill mhlw-6"), "{}", d.body);
    let d = b.get(&format!("/assessments/{first}")).await;
    assert!(!d.body.contains("アウトライン："));
}

//! One error path (issue 12): a refusal is answered by its kind — an unknown id 404, bad input
//! 422, a conflict 409 — as an HTML page for a browser and as JSON for the API, never with
//! internals; and a use case refuses the same way from a page and from the API.

mod common;

use axum::http::StatusCode;
use common::*;
use sansho_store::Role;

#[tokio::test]
async fn pages_answer_errors_as_pages_and_the_api_as_json() {
    let (b, store) = setup().await;
    let (org, a) = org_with_assessment(&store, "A病院").await;
    let mut me = member(&b, &store, "hyoka", Role::Assessor, org).await;
    let unknown = "0b6f8a2e-6a4b-4c55-9c1e-1d3c6a1b2c3d";
    for path in [
        format!("/assessments/{unknown}/answers"),
        format!("/assessments/{unknown}"),
        format!("/assessments/{unknown}/import"),
        format!("/assessments/{a}/r/no-such-requirement"),
        "/assessments/not-an-id/answers".to_owned(),
    ] {
        let page = me.get(&path).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{path}: {}", page.body);
        assert!(page.content_type.starts_with("text/html"), "{path}: {}", page.content_type);
        assert!(page.body.contains("<html") && !page.body.contains("\"code\""), "{path}: {}", page.body);
    }
    for path in [format!("/api/assessments/{unknown}"), format!("/api/assessments/{a}/requirements/no-such")] {
        let got = me.get(&path).await;
        assert_eq!(got.status, StatusCode::NOT_FOUND, "{path}: {}", got.body);
        assert!(got.content_type.starts_with("application/json"), "{path}: {}", got.content_type);
        assert_eq!(got.json()["code"], "not_found");
    }
}

#[tokio::test]
async fn a_system_name_over_its_limit_is_refused_alike_by_the_page_and_the_api() {
    let (b, store) = setup().await;
    let (org, _) = org_with_assessment(&store, "A病院").await;
    let mut me = member(&b, &store, "hyoka", Role::Assessor, org).await;
    let long = "電".repeat(201);
    let csrf = me.get("/api/session").await.json()["csrf_token"].as_str().unwrap().to_owned();
    let api = me
        .api(
            "POST",
            &format!("/api/organizations/{org}/systems"),
            Some(serde_json::json!({"name": long, "service_model": "saas"})),
            Some(&csrf),
        )
        .await;
    assert_eq!(api.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", api.body);
    let page = me.get(&format!("/organizations/{org}")).await;
    let csrf = field(&page.body, "csrf_token");
    let form = me
        .post(
            &format!("/organizations/{org}/systems"),
            &[("csrf_token", &csrf), ("name", &long), ("service_model", "saas"), ("description", "")],
        )
        .await;
    assert_eq!(form.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", form.body);
    assert!(form.body.contains("システム名は200文字以内"), "{}", form.body);
    // A blank name too, and nothing was made.
    let blank = me
        .api(
            "POST",
            &format!("/api/organizations/{org}/systems"),
            Some(serde_json::json!({"name": "  ", "service_model": "saas"})),
            Some(&csrf),
        )
        .await;
    assert_eq!(blank.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", blank.body);
    assert_eq!(store.systems(org).await.unwrap().len(), 1);
}

//! A requirement whose counterpart a mapping set records as 明文規定なし (no-relationship) shows
//! that entry among its related requirements, on the page and in the API.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use tower::ServiceExt;

async fn get(uri: &str) -> (StatusCode, String) {
    let set = sansho_catalog::load(&sansho_catalog::bundled_sources()).set.expect("bundled catalogs load");
    let store = sansho_store::Store::open_in_memory().await.unwrap();
    let auth = sansho_web::session::AuthConfig::new(vec![7; 32], false, None);
    let app = sansho_web::router(sansho_web::AppState::new(set, store, auth));
    let res = app.oneshot(Request::builder().uri(uri).body(Body::empty()).unwrap()).await.unwrap();
    let status = res.status();
    let bytes = axum::body::to_bytes(res.into_body(), 10 << 20).await.unwrap();
    (status, String::from_utf8(bytes.to_vec()).unwrap())
}

#[tokio::test]
async fn the_requirement_page_and_api_show_a_no_counterpart_entry_with_its_provenance() {
    let (status, page) = get("/guidelines/cyber-infra/S1-2").await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let aside = &page[page.find("<aside class=\"related\">").expect("the related list")..];
    assert!(aside.contains("明文規定なし"), "{aside}");
    assert!(aside.contains("cyber-infra--meti-mic-2") && aside.contains("001_485acbf5d70072c0.txt:2238"), "{aside}");
    assert!(aside.contains("/guidelines/meti-mic-2"), "{aside}");

    let (status, body) = get("/api/catalogs/cyber-infra/requirements/S1-2").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    let entry = v["related"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["relation"] == "no-relationship")
        .unwrap_or_else(|| panic!("{}", v["related"]));
    assert_eq!(entry["catalog"], "meti-mic-2");
    assert_eq!(entry["via"][0]["mapping_set"], "cyber-infra--meti-mic-2");
    assert_eq!(entry["via"][0]["provenance"], "001_485acbf5d70072c0.txt:2238");
}

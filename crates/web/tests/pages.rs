//! The guideline pages and API through the real router, on the bundled catalogs.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use tower::ServiceExt;

async fn app() -> axum::Router {
    let set = sansho_catalog::load(&sansho_catalog::bundled_sources()).set.expect("bundled catalogs load");
    let store = sansho_store::Store::open_in_memory().await.unwrap();
    let auth = sansho_web::session::AuthConfig::new(vec![7; 32], false, None);
    sansho_web::router(sansho_web::AppState::new(set, store, auth))
}

struct Got {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    body: String,
}

async fn get(app: &axum::Router, uri: &str, cookie: Option<&str>) -> Got {
    let mut req = Request::builder().uri(uri);
    if let Some(c) = cookie {
        req = req.header(header::COOKIE, c);
    }
    let res = app.clone().oneshot(req.body(Body::empty()).unwrap()).await.unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let bytes = axum::body::to_bytes(res.into_body(), 10 << 20).await.unwrap();
    Got { status, headers, body: String::from_utf8(bytes.to_vec()).unwrap() }
}

fn assert_secure_headers(g: &Got) {
    let csp = g.headers.get("content-security-policy").expect("a CSP").to_str().unwrap();
    assert!(csp.contains("frame-ancestors 'none'") && csp.contains("script-src 'self'"), "{csp}");
    assert_eq!(g.headers.get("x-content-type-options").unwrap(), "nosniff");
    assert_eq!(g.headers.get("x-frame-options").unwrap(), "DENY");
}

#[tokio::test]
async fn the_guideline_list_is_japanese_first_with_an_english_toggle() {
    let app = app().await;
    let g = get(&app, "/guidelines", None).await;
    assert_eq!(g.status, StatusCode::OK);
    assert_secure_headers(&g);
    assert!(g.body.contains(r#"<html lang="ja">"#));
    for id in ["mhlw-6", "mhlw-5", "meti-2012", "mic-cloud-2018", "mhlw-3-checklist", "cyber-infra"] {
        assert!(g.body.contains(&format!("/guidelines/{id}")), "{id}");
    }
    assert!(g.body.contains("医療情報システムの安全管理に関するガイドライン"));
    assert!(g.body.contains("対応表（マッピング）"));
    let en = get(&app, "/guidelines", Some("lang=en")).await;
    assert!(en.body.contains(r#"<html lang="en">"#) && en.body.contains("Mapping sets"));
    // The toggle sets the cookie and returns to the page, never to another site.
    let t = get(&app, "/lang/en?next=/guidelines/mhlw-5", None).await;
    assert_eq!(t.status, StatusCode::SEE_OTHER);
    assert_eq!(t.headers.get(header::LOCATION).unwrap(), "/guidelines/mhlw-5");
    assert!(t.headers.get(header::SET_COOKIE).unwrap().to_str().unwrap().starts_with("lang=en;"));
    for evil in ["//evil.example/", "https://evil.example/", "/\\evil.example"] {
        let t = get(&app, &format!("/lang/ja?next={}", urlencode(evil)), None).await;
        assert_eq!(t.headers.get(header::LOCATION).unwrap(), "/", "{evil}");
    }
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| if b.is_ascii_alphanumeric() || b == b'/' { (b as char).to_string() } else { format!("%{b:02X}") })
        .collect()
}

#[tokio::test]
async fn a_requirement_page_shows_its_source_text_and_every_related_requirement() {
    let app = app().await;
    let g = get(&app, &format!("/guidelines/mhlw-5/{}", urlencode("6.5 C 2")), None).await;
    assert_eq!(g.status, StatusCode::OK, "{}", g.body);
    // Text, level and provenance of mhlw-5 6.5 C 2, as in the catalog file.
    let set = sansho_catalog::load(&sansho_catalog::bundled_sources()).set.unwrap();
    let ix = set.resolve("mhlw-5", "6.5 C 2").unwrap();
    let text = set.requirement(ix).text.clone().unwrap();
    assert!(g.body.contains(&askama_escape(&text)), "the source text verbatim");
    assert!(g.body.contains("遵守事項"));
    assert!(g.body.contains("000_5783f1c91487ba10.txt:"));
    // Every related requirement is linked, grouped by catalog, with its relation and chain.
    let related = set.related(ix);
    assert!(related.len() > 3);
    for r in &related {
        assert!(g.body.contains(&format!("/guidelines/{}/{}", r.catalog, r.id.local)), "{}", r.id);
    }
    assert!(g.body.contains("経路と出典"));
    // An unknown requirement is a 404 page, in the same layout.
    let missing = get(&app, "/guidelines/mhlw-5/9.9.9", None).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert!(missing.body.contains("9.9.9"));
    assert_secure_headers(&missing);
}

fn askama_escape(s: &str) -> String {
    s.replace('&', "&#38;").replace('<', "&#60;").replace('>', "&#62;").replace('"', "&#34;").replace('\'', "&#39;")
}

#[tokio::test]
async fn search_finds_japanese_inside_running_text_and_escapes_what_it_echoes() {
    let app = app().await;
    let g = get(&app, &format!("/search?q={}", urlencode("二要素認証")), None).await;
    assert_eq!(g.status, StatusCode::OK);
    assert!(g.body.contains("<mark>二要素認証</mark>"), "{}", g.body);
    let hostile = get(&app, &format!("/search?q={}", urlencode("<script>alert(1)</script>")), None).await;
    assert_eq!(hostile.status, StatusCode::OK);
    assert!(!hostile.body.contains("<script>alert(1)"));
    assert!(hostile.body.contains("&#60;script&#62;"));
}

#[tokio::test]
async fn the_api_serves_json_described_by_its_openapi_document() {
    let app = app().await;
    let list = get(&app, "/api/catalogs", None).await;
    assert_eq!(list.status, StatusCode::OK);
    assert_secure_headers(&list);
    let v: serde_json::Value = serde_json::from_str(&list.body).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 8);
    let r = get(&app, &format!("/api/catalogs/mic-cloud-2018/requirements/{}", urlencode("3.2.3 (ア)2")), None).await;
    let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(v["requirement"]["id"], "mic-cloud-2018:3.2.3-a-2");
    assert_eq!(v["related"].as_array().unwrap().len(), 10);
    assert!(v["related"].as_array().unwrap().iter().all(|r| !r["via"].as_array().unwrap().is_empty()));
    let missing = get(&app, "/api/catalogs/nope", None).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(serde_json::from_str::<serde_json::Value>(&missing.body).unwrap()["error"], "no catalog \"nope\"");
    let bad = get(&app, "/api/search?q=x&limit=0", None).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    let doc: serde_json::Value = serde_json::from_str(&get(&app, "/api/openapi.json", None).await.body).unwrap();
    let paths: Vec<&str> = doc["paths"].as_object().unwrap().keys().map(String::as_str).collect();
    for p in [
        "/api/catalogs",
        "/api/catalogs/{catalog}",
        "/api/catalogs/{catalog}/requirements/{requirement}",
        "/api/search",
    ] {
        assert!(paths.contains(&p), "{paths:?}");
    }
}

/// A catalog imported from OSCAL (NIST SP 800-53 rev5 MODERATE): its pages write the parameter
/// inserts the way NIST prints them — `[Assignment: label]`, `[Selection (one or more): a; b]` —
/// in either language, while the API keeps the source's markers verbatim.
#[tokio::test]
async fn an_imported_oscal_catalog_shows_its_parameters_as_nist_prints_them() {
    let file = "NIST_SP-800-53_rev5_MODERATE-baseline-resolved-profile_catalog.json";
    let bytes = std::fs::read(format!("{}/../oscal/tests/data/{file}", env!("CARGO_MANIFEST_DIR"))).unwrap();
    let id = sansho_core::CatalogId::parse("nist-moderate").unwrap();
    let nist = sansho_oscal::import_catalog(&bytes, id, file).unwrap().catalog;
    let set = sansho_core::CatalogSet::new(vec![nist], Vec::new());
    let store = sansho_store::Store::open_in_memory().await.unwrap();
    let auth = sansho_web::session::AuthConfig::new(vec![7; 32], false, None);
    let app = sansho_web::router(sansho_web::AppState::new(set, store, auth));

    let en = get(&app, "/guidelines/nist-moderate/ac-1", Some("lang=en")).await;
    assert_eq!(en.status, StatusCode::OK, "{}", en.body);
    for shown in [
        "Develop, document, and disseminate to [Assignment: organization-defined personnel or roles]:",
        "[Selection (one or more): organization-level; mission/business process-level; system-level] access control",
    ] {
        assert!(en.body.contains(shown), "{shown} in {}", en.body);
    }
    assert!(!en.body.contains("insert: param"), "no raw marker is left on the page");
    let ja = get(&app, "/guidelines/nist-moderate/ac-1", None).await;
    assert!(ja.body.contains("disseminate to [割当て: organization-defined personnel or roles]:"), "{}", ja.body);
    assert!(ja.body.contains("[選択（1つ以上）: organization-level; mission/business process-level; system-level]"));
    // The page says that it wrote the parameters out; a page of a text without them does not.
    assert!(ja.body.contains("出典の OSCAL パラメータ挿入をパラメータの定義で書き出したもの"), "{}", ja.body);
    let plain = get(&app, "/guidelines/nist-moderate/ac", None).await;
    assert_eq!(plain.status, StatusCode::OK);
    assert!(!plain.body.contains("パラメータ挿入"), "{}", plain.body);
    // The catalog's tree shows the same.
    let tree = get(&app, "/guidelines/nist-moderate", Some("lang=en")).await;
    assert!(tree.body.contains("disseminate to [Assignment: organization-defined personnel or roles]:"));

    let api = get(&app, "/api/catalogs/nist-moderate/requirements/ac-1", None).await;
    assert_eq!(api.status, StatusCode::OK, "{}", api.body);
    assert!(api.body.contains("disseminate to {{ insert: param, ac-1_prm_1 }}:"), "{}", api.body);
}

/// The README's first-login paragraph says what the product does: 続ける (the enrolment page's
/// link to `/`) lands on the 評価 list (issue 11 §2.13).
#[tokio::test]
async fn the_readme_says_where_the_first_login_lands() {
    let app = app().await;
    let root = get(&app, "/", None).await;
    assert_eq!(root.status, StatusCode::SEE_OTHER);
    assert_eq!(root.headers.get(header::LOCATION).unwrap(), "/assessments");
    let enrol = include_str!("../templates/enrol.html");
    assert!(enrol.contains(r#"<a class="button" href="/">"#), "続ける goes to /");
    let readme = include_str!("../../../README.md");
    assert!(readme.contains("続ける then lands on the **評価** list"), "the README says where it lands");
    assert!(!readme.contains("You then see the sample's assessment dashboard"));
}

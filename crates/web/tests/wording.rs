//! What the pages say, in Japanese and English (issue 11 §2.12): English mode says results,
//! categories and levels in English (never `not-implemented`), the level chart never says
//! 区分なし, an edition the title prints is not repeated, a breadcrumb does not end in nothing,
//! and provenance names the source document and line with the file name on hover.

mod common;

use axum::http::StatusCode;
use common::*;
use sansho_store::Role;

#[tokio::test]
async fn english_pages_say_results_categories_and_levels_in_english_and_editions_once() {
    let (b, store) = setup().await;
    let (org, a) = sample_assessment(&store).await;
    let mut v = member(&b, &store, "etsuran", Role::Viewer, org).await;

    let ja = v.get(&format!("/assessments/{a}")).await.body;
    assert!(!ja.contains("第３版 最低限のガイドライン遵守チェックリスト 第3版"), "the edition once");
    let level_chart = &ja[ja.find("水準別").unwrap()..];
    let level_chart = &level_chart[..level_chart.find("</svg>").unwrap()];
    assert!(!level_chart.contains("区分なし"), "a level chart does not speak of 区分");

    v.jar.insert("lang".into(), "en".into());
    let en = v.get(&format!("/assessments/{a}")).await;
    assert_eq!(en.status, StatusCode::OK);
    let en = en.body;
    for raw in [
        "not-implemented",
        "not-applicable",
        ">組織的<",
        ">遵守事項<",
        "edition: minimum-guideline compliance checklist, ed. 3",
        "第3版",
    ] {
        assert!(!en.contains(raw), "English dashboard shows {raw:?}");
    }
    for word in ["not implemented", "Organizational", "Technical", "Mandatory", "3rd edition"] {
        assert!(en.contains(word), "English dashboard lacks {word:?}");
    }
    let list = v.get(&format!("/assessments/{a}/answers")).await.body;
    assert!(!list.contains(">not-implemented<") && !list.contains("(derived) not-implemented"));

    // Provenance: the document and the line; the file name on hover.
    v.jar.insert("lang".into(), "ja".into());
    let page = v.get("/guidelines/mhlw-3-checklist/org-1").await.body;
    assert!(page.contains(r#"title="003_348eaa4a0c950f58.txt:"#), "{page}");
    assert!(page.contains("ある事業者が記入済みの厚労省GL 第3版 最低限のガイドライン遵守チェックリスト "), "{page}");
    assert!(!page.contains("<code>003_348eaa4a0c950f58.txt"), "not the bare file name");
    // The related panel names each guideline with its edition once.
    for doubled in ["第３版 最低限のガイドライン遵守チェックリスト 第3版", "第5版 第5版", "（案） 案"]
    {
        assert!(!page.contains(doubled), "related panel repeats the edition: {doubled:?}");
    }
    // A requirement's category in English is an English word.
    v.jar.insert("lang".into(), "en".into());
    let en_req = v.get("/guidelines/mhlw-3-checklist/org-1").await.body;
    assert!(!en_req.contains("organizational<") && !en_req.contains(">組織的<"), "{en_req}");
    assert!(en_req.contains("Organizational"), "{en_req}");
    v.jar.insert("lang".into(), "ja".into());
    let catalog = v.get("/guidelines/mhlw-3-checklist").await.body;
    assert!(!catalog.contains("</a> ›</p>"), "no breadcrumb that leads nowhere");
}

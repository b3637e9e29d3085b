//! The checklist answered in place: each row's result and 実施内容 saved from the table, the
//! answer's other fields kept; 該当なし without a reason opens the requirement's page to write
//! one; viewers get no forms and cannot post.

mod common;

use axum::http::StatusCode;
use common::*;
use sansho_store::{Actor, AnswerInput, AnswerResult, Role, Timestamp};

#[tokio::test]
async fn an_assessor_answers_rows_of_the_checklist_in_place() {
    let (b, store) = setup().await;
    let (org, a) = org_with_assessment(&store, "A病院").await;
    // org-2 already has an owner and a reason, set on its own page.
    let mut before = AnswerInput::new("org-2", AnswerResult::Partial);
    before.owner = Some("情報システム課".into());
    before.justification = Some("一部の部署のみ".into());
    store.set_answer(a, &before, &Actor::new("fixture", "test"), Timestamp(now_ms())).await.unwrap();

    let mut me = member(&b, &store, "hyoka", Role::Assessor, org).await;
    let page = me.get(&format!("/assessments/{a}/answers")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains(r#"action="/assessments/"#) && page.body.contains(r#"form="f-org-1""#));
    let csrf = field(&page.body, "csrf_token");

    let r = me
        .post(
            &format!("/assessments/{a}/r/org-2/quick"),
            &[("csrf_token", &csrf), ("result", "implemented"), ("how", "全部署で規程を運用")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.location, Some(format!("/assessments/{a}/answers#r-org-2")));
    let saved = store.answer_for(a, "org-2").await.unwrap().unwrap();
    assert_eq!(saved.result, AnswerResult::Implemented);
    assert_eq!(saved.how, "全部署で規程を運用");
    assert_eq!(saved.owner.as_deref(), Some("情報システム課"), "the owner is kept");
    assert_eq!(saved.justification.as_deref(), Some("一部の部署のみ"), "the reason is kept");
    // The row shows it.
    let page = me.get(&format!("/assessments/{a}/answers")).await;
    assert!(page.body.contains("全部署で規程を運用"));

    // From the gaps-only view, back to it.
    let r = me
        .post(
            &format!("/assessments/{a}/r/org-1/quick"),
            &[("csrf_token", &csrf), ("result", "not-implemented"), ("how", ""), ("gaps", "1")],
        )
        .await;
    assert_eq!(r.location, Some(format!("/assessments/{a}/answers?gaps=1#r-org-1")));

    // 該当なし without a reason: refused on the requirement's page, where the reason goes.
    let seq = store.audit_seq().await.unwrap();
    let r = me
        .post(
            &format!("/assessments/{a}/r/org-3/quick"),
            &[("csrf_token", &csrf), ("result", "not-applicable"), ("how", "")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("該当なしには理由の記入が必要です") && r.body.contains(r#"name="justification""#));
    assert_eq!(store.audit_seq().await.unwrap(), seq, "nothing written");
    // A heading is not answered itself; a forged token is refused.
    let r =
        me.post(&format!("/assessments/{a}/r/org/quick"), &[("csrf_token", &csrf), ("result", "implemented")]).await;
    assert!(matches!(r.status, StatusCode::UNPROCESSABLE_ENTITY | StatusCode::NOT_FOUND), "{}", r.status);
    let r = me
        .post(&format!("/assessments/{a}/r/org-3/quick"), &[("csrf_token", "forged"), ("result", "implemented")])
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(store.answer_for(a, "org-3").await.unwrap().is_none());
}

#[tokio::test]
async fn a_viewer_sees_the_checklist_without_forms_and_cannot_save_a_row() {
    let (b, store) = setup().await;
    let (org, a) = org_with_assessment(&store, "A病院").await;
    let mut v = member(&b, &store, "etsuran", Role::Viewer, org).await;
    let page = v.get(&format!("/assessments/{a}/answers")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains("/quick"), "no inline forms for a viewer");
    let csrf = field(&v.get("/account").await.body, "csrf_token");
    let r =
        v.post(&format!("/assessments/{a}/r/org-1/quick"), &[("csrf_token", &csrf), ("result", "implemented")]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(store.answer_for(a, "org-1").await.unwrap().is_none());
}

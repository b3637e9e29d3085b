//! The checklist answered in place: one form for the whole table, so every changed row is saved
//! at once (one transaction) whichever 保存 is pressed, and the answer's other fields are kept;
//! 該当なし takes its reason on the row, and a refusal stays on the checklist with the message on
//! the row and every entered value kept (issue 11 §2.1, §2.2); the gaps filter lists exactly the
//! dashboard's gaps (§2.5); viewers get no forms and cannot post.

mod common;

use std::collections::HashMap;

use axum::http::StatusCode;
use common::*;
use sansho_store::{Actor, AnswerInput, AnswerResult, Role, Timestamp};

/// The values of every `<input>` / `<textarea>` / selected `<option>` of the page, by name: what a
/// browser would send for the checklist's form as shown.
fn form_values(body: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let attr = |tag: &str, name: &str| -> Option<String> {
        let at = tag.find(&format!(" {name}=\""))? + name.len() + 3;
        Some(tag[at..at + tag[at..].find('"')?].to_owned())
    };
    let unescape = |s: &str| {
        s.replace("&#x27;", "'").replace("&quot;", "\"").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    };
    let mut rest = body;
    while let Some(i) = rest.find('<') {
        rest = &rest[i..];
        let end = rest.find('>').unwrap_or(rest.len());
        let tag = &rest[..end];
        let name = attr(tag, "name");
        match name {
            Some(n) if tag.starts_with("<input") => {
                if let Some(v) = attr(tag, "value") {
                    out.push((n, unescape(&v)));
                }
            }
            Some(n) if tag.starts_with("<textarea") => {
                let close = rest.find("</textarea>").unwrap();
                out.push((n, unescape(&rest[end + 1..close])));
            }
            Some(n) if tag.starts_with("<select") => {
                let close = rest.find("</select>").unwrap();
                let options = &rest[..close];
                let chosen = options
                    .split("<option")
                    .skip(1)
                    .find(|o| o.contains(" selected"))
                    .or(options.split("<option").nth(1));
                if let Some(o) = chosen {
                    out.push((n, attr(o, "value").unwrap_or_default()));
                }
            }
            _ => {}
        }
        rest = &rest[1..];
    }
    out
}

fn set(values: &mut [(String, String)], name: &str, value: &str) {
    let v = values.iter_mut().find(|(n, _)| n == name).unwrap_or_else(|| panic!("the form has no field {name}"));
    v.1 = value.to_owned();
}

fn post_form(values: &[(String, String)]) -> Vec<(&str, &str)> {
    values.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect()
}

#[tokio::test]
async fn editing_two_rows_and_pressing_the_second_save_saves_both_in_one_transaction() {
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
    // One form holds every row (no per-row forms to lose the others' edits).
    assert_eq!(page.body.matches("<form method=\"post\" action=\"/assessments/").count(), 1, "one form");
    assert!(page.body.contains(r#"<script src="/static/checklist.js" defer></script>"#));
    let mut values = form_values(&page.body);
    let seq = store.audit_seq().await.unwrap();
    // Two rows edited; the second row's 保存 pressed.
    set(&mut values, "how.org-1", "規程を整備し、年1回見直し");
    set(&mut values, "result.org-1", "implemented");
    set(&mut values, "how.org-2", "全部署で規程を運用");
    set(&mut values, "result.org-2", "implemented");
    values.push(("at".into(), "org-2".into()));
    let r = me.post(&format!("/assessments/{a}/answers"), &post_form(&values)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.location, Some(format!("/assessments/{a}/answers?saved=2#r-org-2")));

    let one = store.answer_for(a, "org-1").await.unwrap().unwrap();
    assert_eq!((one.result, one.how.as_str()), (AnswerResult::Implemented, "規程を整備し、年1回見直し"));
    let two = store.answer_for(a, "org-2").await.unwrap().unwrap();
    assert_eq!((two.result, two.how.as_str()), (AnswerResult::Implemented, "全部署で規程を運用"));
    assert_eq!(two.owner.as_deref(), Some("情報システム課"), "the owner is kept");
    assert_eq!(two.justification.as_deref(), Some("一部の部署のみ"), "the reason is kept");
    // Exactly the two changed rows were written, together (the untouched rows wrote nothing).
    let log = store.audit_log(&sansho_store::AuditFilter::default()).await.unwrap();
    let new: Vec<_> = log.iter().filter(|r| r.seq > seq).collect();
    assert_eq!(new.len(), 2, "{new:?}");
    assert!(new.iter().all(|r| r.action == "answer.set" && r.actor == "hyoka"));
    assert_eq!(new[0].at, new[1].at);
    let page = me.get(&format!("/assessments/{a}/answers?saved=2")).await;
    assert!(page.body.contains("全部署で規程を運用") && page.body.contains("2 行を保存しました"));

    // Saving again without an edit writes nothing; a forged token is refused.
    let values = form_values(&page.body);
    let seq = store.audit_seq().await.unwrap();
    let r = me.post(&format!("/assessments/{a}/answers"), &post_form(&values)).await;
    assert_eq!(r.location, Some(format!("/assessments/{a}/answers?saved=0")));
    assert_eq!(store.audit_seq().await.unwrap(), seq);
    let mut forged = values.clone();
    set(&mut forged, "csrf_token", "forged");
    set(&mut forged, "how.org-3", "x");
    let r = me.post(&format!("/assessments/{a}/answers"), &post_form(&forged)).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(store.answer_for(a, "org-3").await.unwrap().is_none());
}

#[tokio::test]
async fn not_applicable_takes_its_reason_on_the_row_and_a_refusal_keeps_every_entered_value() {
    let (b, store) = setup().await;
    let (org, a) = org_with_assessment(&store, "A病院").await;
    let mut me = member(&b, &store, "hyoka", Role::Assessor, org).await;
    let page = me.get(&format!("/assessments/{a}/answers?gaps=1")).await;
    assert!(page.body.contains(r#"name="why.org-3""#), "the row has a reason field");
    let mut values = form_values(&page.body);
    let seq = store.audit_seq().await.unwrap();
    set(&mut values, "result.org-3", "not-applicable");
    set(&mut values, "how.org-1", "入力した実施内容は残る");
    let r = me.post(&format!("/assessments/{a}/answers"), &post_form(&values)).await;
    // Still the checklist (the gaps view), with the message on the row and nothing saved.
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("<h1>チェックリスト</h1>") && r.body.contains("未充足のみ"), "{}", r.body);
    let row = &r.body[r.body.find(r#"id="r-org-3""#).unwrap()..];
    let row = &row[..row.find("</tr>").unwrap()];
    assert!(row.contains("該当なしには理由の記入が必要です"), "{row}");
    assert!(row.contains(r#"<option value="not-applicable" selected>"#), "the choice is kept: {row}");
    assert!(r.body.contains("入力した実施内容は残る"), "the other row's entry is kept");
    assert_eq!(store.audit_seq().await.unwrap(), seq, "nothing written");

    // With the reason written on the row, both rows are saved, back to the gaps view.
    let mut values = form_values(&r.body);
    set(&mut values, "why.org-3", "紙の記録のみを扱う部署のため");
    let r = me.post(&format!("/assessments/{a}/answers"), &post_form(&values)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.location, Some(format!("/assessments/{a}/answers?gaps=1&saved=2")));
    let three = store.answer_for(a, "org-3").await.unwrap().unwrap();
    assert_eq!(three.result, AnswerResult::NotApplicable);
    assert_eq!(three.justification.as_deref(), Some("紙の記録のみを扱う部署のため"));
    assert_eq!(store.answer_for(a, "org-1").await.unwrap().unwrap().how, "入力した実施内容は残る");
}

#[tokio::test]
async fn a_row_someone_else_changed_meanwhile_is_not_overwritten_unseen() {
    let (b, store) = setup().await;
    let (org, a) = org_with_assessment(&store, "A病院").await;
    let mut me = member(&b, &store, "hyoka", Role::Assessor, org).await;
    let mut values = form_values(&me.get(&format!("/assessments/{a}/answers")).await.body);
    // A colleague answers org-1 after the page was shown.
    let mut theirs = AnswerInput::new("org-1", AnswerResult::Implemented);
    theirs.how = "同僚の回答".into();
    store.set_answer(a, &theirs, &Actor::new("colleague", "test"), Timestamp(now_ms())).await.unwrap();
    set(&mut values, "how.org-1", "私の回答");
    set(&mut values, "how.org-2", "別の行");
    let seq = store.audit_seq().await.unwrap();
    let r = me.post(&format!("/assessments/{a}/answers"), &post_form(&values)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("他の人が変更しました"), "{}", r.body);
    assert_eq!(store.audit_seq().await.unwrap(), seq);
    assert_eq!(store.answer_for(a, "org-1").await.unwrap().unwrap().how, "同僚の回答");
    // Saved again knowingly, it overwrites.
    let values = form_values(&r.body);
    let r = me.post(&format!("/assessments/{a}/answers"), &post_form(&values)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(store.answer_for(a, "org-1").await.unwrap().unwrap().how, "私の回答");
}

#[tokio::test]
async fn a_viewer_sees_the_checklist_without_forms_and_cannot_save_a_row() {
    let (b, store) = setup().await;
    let (org, a) = org_with_assessment(&store, "A病院").await;
    let mut v = member(&b, &store, "etsuran", Role::Viewer, org).await;
    let page = v.get(&format!("/assessments/{a}/answers")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains(r#"name="how."#), "no answer fields for a viewer");
    let csrf = field(&v.get("/account").await.body, "csrf_token");
    let r = v
        .post(
            &format!("/assessments/{a}/answers"),
            &[("csrf_token", &csrf), ("result.org-1", "implemented"), ("v.org-1", "")],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(store.answer_for(a, "org-1").await.unwrap().is_none());
}

#[tokio::test]
async fn the_dashboard_gap_count_and_the_gaps_only_checklist_agree_on_the_sample() {
    let (b, store) = setup().await;
    let (org, a) = sample_assessment(&store).await;
    let mut v = member(&b, &store, "etsuran", Role::Viewer, org).await;
    let dashboard = v.get(&format!("/assessments/{a}")).await.body;
    let count = |body: &str, after: &str| -> usize {
        let at = body.find(after).unwrap_or_else(|| panic!("no {after}"));
        let rest = &body[at..];
        let open = rest.find("<span class=\"count\">").unwrap() + "<span class=\"count\">".len();
        rest[open..open + rest[open..].find('<').unwrap()].parse().unwrap()
    };
    let gap_total = count(&dashboard, "ギャップ（遵守事項から順に）");
    let gaps = v.get(&format!("/assessments/{a}/answers?gaps=1")).await.body;
    let rows = gaps.matches("<tr class=\"depth-").count();
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for (n, _) in gaps.match_indices(r#"id="r-"#) {
        *seen.entry(&gaps[n..n + 20]).or_default() += 1;
    }
    assert!(gap_total > 0);
    assert_eq!(rows, gap_total, "the gaps-only checklist lists the dashboard's {gap_total} gaps");
    assert!(dashboard.contains(&format!("未充足の項目 ({gap_total})")));
    assert!(gaps.contains(&format!("未充足のみ ({gap_total})")));
}

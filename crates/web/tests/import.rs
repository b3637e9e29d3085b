//! Importing a filled checklist from the browser (issue 12): upload → a preview that writes
//! nothing → confirm, written in one transaction with each answer's origin (file and cell); a
//! late answer by someone else between the preview and the confirmation writes nothing and shows
//! the comparison again; a broken file names its cell; viewers, a final assessment and a missing
//! CSRF token are refused.

mod common;

use axum::body::Body;
use axum::http::StatusCode;
use common::*;
use sansho_store::{Actor, AnswerInput, AnswerResult, AssessmentStatus, Role, Timestamp};

const HEADER: &str = "ID,No.,区分,チェック項目,レベル,実施済,実施状況,実施内容,根拠,該当なし理由・備考,担当者,期限";

/// A CSV shaped like sansho's own export, with these rows (id, result word, 実施内容, reason).
fn checklist(rows: &[(&str, &str, &str, &str)]) -> Vec<u8> {
    let mut out = format!("\u{feff}{HEADER}\r\n");
    for (i, (id, result, how, why)) in rows.iter().enumerate() {
        out.push_str(&format!("{id},{},組織的安全管理対策,,遵守事項,,{result},{how},,{why},,\r\n", i + 1));
    }
    out.into_bytes()
}

/// Posts the upload form: the CSRF token, the file and (optionally) a sheet.
async fn upload(b: &mut Browser, a: sansho_store::Id, csrf: &str, name: &str, bytes: &[u8]) -> Page {
    let boundary = "XsanshoBoundaryX";
    let mut body = Vec::new();
    body.extend_from_slice(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n{csrf}\r\n").as_bytes(),
    );
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: text/csv\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let content_type = format!("multipart/form-data; boundary={boundary}");
    b.request("POST", &format!("/assessments/{a}/import"), Some((&content_type, Body::from(body))), &[]).await
}

/// A hidden field's value, HTML-unescaped.
fn hidden(body: &str, name: &str) -> String {
    field(body, name)
        .replace("&quot;", "\"")
        .replace("&#34;", "\"")
        .replace("&#x27;", "'")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

#[tokio::test]
async fn a_checklist_is_previewed_without_writing_then_imported_with_its_origin() {
    let (b, store) = setup().await;
    let (org, a) = org_with_assessment(&store, "A病院").await;
    let mut me = member(&b, &store, "hyoka", Role::Assessor, org).await;
    let page = me.get(&format!("/assessments/{a}/answers")).await;
    assert!(page.body.contains(&format!("/assessments/{a}/import")), "the checklist links to the import");
    let form = me.get(&format!("/assessments/{a}/import")).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("記入済みチェックリストの取込み") && form.body.contains("type=\"file\""));
    let csrf = field(&form.body, "csrf_token");

    let seq = store.audit_seq().await.unwrap();
    let file =
        checklist(&[("org-1", "実施済", "運用責任者を設置", ""), ("org-2", "該当なし", "", "入退室のある拠点なし")]);
    let preview = upload(&mut me, a, &csrf, "回答.csv", &file).await;
    assert_eq!(preview.status, StatusCode::OK, "{}", preview.body);
    assert!(preview.body.contains("取込み内容の確認") && preview.body.contains("回答.csv"), "{}", preview.body);
    assert!(preview.body.contains("<dt>新規</dt><dd>2</dd>"), "{}", preview.body);
    assert!(preview.body.contains("運用責任者を設置"));
    assert_eq!(store.audit_seq().await.unwrap(), seq, "a preview writes nothing");
    assert!(store.answers(a).await.unwrap().is_empty());

    let (reviewed, name) = (hidden(&preview.body, "reviewed"), hidden(&preview.body, "file"));
    let done = me
        .post(
            &format!("/assessments/{a}/import/confirm"),
            &[("csrf_token", &csrf), ("file", &name), ("reviewed", &reviewed)],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert_eq!(done.location, Some(format!("/assessments/{a}/answers?saved=2")));
    let one = store.answer_for(a, "org-1").await.unwrap().unwrap();
    assert_eq!((one.result, one.how.as_str()), (AnswerResult::Implemented, "運用責任者を設置"));
    let origin = one.origin.unwrap();
    assert_eq!((origin["kind"].as_str(), origin["file"].as_str()), (Some("import"), Some("回答.csv")));
    assert!(origin["at"].as_str().is_some_and(|at| at.starts_with("2:")), "{origin}");
    let two = store.answer_for(a, "org-2").await.unwrap().unwrap();
    assert_eq!(two.justification.as_deref(), Some("入退室のある拠点なし"));
    let log = store.audit_log(&sansho_store::AuditFilter::default()).await.unwrap();
    let new: Vec<_> = log.iter().filter(|r| r.seq > seq).collect();
    assert_eq!(new.len(), 2, "{new:?}");
    assert!(new.iter().all(|r| r.action == "answer.import" && r.actor == "hyoka"));
    assert_eq!(new[0].at, new[1].at, "one transaction");

    // The same file again changes nothing, and says so.
    let again = upload(&mut me, a, &csrf, "回答.csv", &file).await;
    assert!(again.body.contains("このファイルで変わる回答はありません"), "{}", again.body);
    assert!(again.body.contains("<dt>変更なし</dt><dd>2</dd>"));
}

#[tokio::test]
async fn an_answer_changed_after_the_preview_is_not_overwritten() {
    let (b, store) = setup().await;
    let (org, a) = org_with_assessment(&store, "A病院").await;
    let mut me = member(&b, &store, "hyoka", Role::Assessor, org).await;
    let csrf = field(&me.get(&format!("/assessments/{a}/import")).await.body, "csrf_token");
    let preview = upload(&mut me, a, &csrf, "vendor.csv", &checklist(&[("org-1", "実施済", "規程あり", "")])).await;
    assert_eq!(preview.status, StatusCode::OK, "{}", preview.body);
    let (reviewed, name) = (hidden(&preview.body, "reviewed"), hidden(&preview.body, "file"));
    // A colleague answers org-1 in the meantime.
    let mut late = AnswerInput::new("org-1", AnswerResult::NotImplemented);
    late.how = "来月対応予定".into();
    store.set_answer(a, &late, &Actor::new("colleague", "test"), Timestamp(now_ms())).await.unwrap();
    let seq = store.audit_seq().await.unwrap();
    let r = me
        .post(
            &format!("/assessments/{a}/import/confirm"),
            &[("csrf_token", &csrf), ("file", &name), ("reviewed", &reviewed)],
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert!(
        r.body.contains("確認した後に、ほかの人がこれらの回答を変更しました") && r.body.contains("確認後に変更あり")
    );
    assert_eq!(store.audit_seq().await.unwrap(), seq, "nothing written");
    assert_eq!(store.answer_for(a, "org-1").await.unwrap().unwrap().how, "来月対応予定");
    // The comparison shown again is against the answer as it is now, ready to confirm.
    let (reviewed, name) = (hidden(&r.body, "reviewed"), hidden(&r.body, "file"));
    let ok = me
        .post(
            &format!("/assessments/{a}/import/confirm"),
            &[("csrf_token", &csrf), ("file", &name), ("reviewed", &reviewed)],
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    assert_eq!(store.answer_for(a, "org-1").await.unwrap().unwrap().how, "規程あり");
}

#[tokio::test]
async fn a_broken_file_a_viewer_a_final_assessment_and_a_forged_confirmation_are_refused() {
    let (b, store) = setup().await;
    let (org, a) = org_with_assessment(&store, "A病院").await;
    let mut me = member(&b, &store, "hyoka", Role::Assessor, org).await;
    let csrf = field(&me.get(&format!("/assessments/{a}/import")).await.body, "csrf_token");
    let seq = store.audit_seq().await.unwrap();

    // An unknown result word: the cell is named, in Japanese, and nothing is written.
    let bad = upload(&mut me, a, &csrf, "bad.csv", &checklist(&[("org-1", "たぶん", "", "")])).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
    assert!(bad.body.contains("bad.csv:2:") && bad.body.contains("たぶん"), "{}", bad.body);
    // No file chosen.
    let none = upload(&mut me, a, &csrf, "", b"").await;
    assert_eq!(none.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(none.body.contains("取り込むファイルを選んでください"));
    // A missing CSRF token.
    let forged = upload(&mut me, a, "forged", "a.csv", &checklist(&[("org-1", "実施済", "", "")])).await;
    assert_ne!(forged.status, StatusCode::OK);
    assert!(!forged.body.contains("取込み内容の確認"));
    // A confirmation naming a heading or a requirement of no catalog is refused; one that is not
    // the preview's JSON is a bad request.
    let heading = r#"[{"requirement":"org","result":"implemented","how":"","justification":null,"owner":null,"due":null,"at":null,"before":"-"}]"#;
    let r = me
        .post(
            &format!("/assessments/{a}/import/confirm"),
            &[("csrf_token", &csrf), ("file", "x"), ("reviewed", heading)],
        )
        .await;
    assert!(matches!(r.status, StatusCode::UNPROCESSABLE_ENTITY | StatusCode::NOT_FOUND), "{} {}", r.status, r.body);
    let r = me
        .post(
            &format!("/assessments/{a}/import/confirm"),
            &[("csrf_token", &csrf), ("file", "x"), ("reviewed", "nope")],
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    // Nothing written by any refusal (the forged token is recorded as a security event, no more).
    assert!(store.answers(a).await.unwrap().is_empty());
    let log = store.audit_log(&sansho_store::AuditFilter::default()).await.unwrap();
    assert!(log.iter().filter(|r| r.seq > seq).all(|r| !r.action.starts_with("answer.")), "{log:?}");

    // A viewer sees the page but may not send a file.
    let mut viewer = member(&b, &store, "etsuran", Role::Viewer, org).await;
    let vcsrf = field(&viewer.get(&format!("/assessments/{a}/import")).await.body, "csrf_token");
    let r = upload(&mut viewer, a, &vcsrf, "a.csv", &checklist(&[("org-1", "実施済", "", "")])).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    // A final (確定) assessment takes no import.
    store
        .set_assessment_status(a, AssessmentStatus::Final, &Actor::new("fixture", "test"), Timestamp(now_ms()))
        .await
        .unwrap();
    let seq = store.audit_seq().await.unwrap();
    let r = upload(&mut me, a, &csrf, "a.csv", &checklist(&[("org-1", "実施済", "", "")])).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert!(r.body.contains("確定"));
    assert_eq!(store.audit_seq().await.unwrap(), seq);
}

/// The API's upload: the file (and no CSRF form field: the header carries the token).
async fn api_upload(b: &mut Browser, a: sansho_store::Id, csrf: &str, query: &str, bytes: &[u8]) -> Page {
    let boundary = "XsanshoApiBoundaryX";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"api.csv\"\r\nContent-Type: text/csv\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let content_type = format!("multipart/form-data; boundary={boundary}");
    let uri = format!("/api/assessments/{a}/import{query}");
    b.request("POST", &uri, Some((&content_type, Body::from(body))), &[("x-csrf-token", csrf)]).await
}

#[tokio::test]
async fn the_api_imports_a_checklist_and_can_only_compare() {
    let (b, store) = setup().await;
    let (org, a) = org_with_assessment(&store, "A病院").await;
    let mut me = member(&b, &store, "hyoka", Role::Assessor, org).await;
    let csrf = me.get("/api/session").await.json()["csrf_token"].as_str().unwrap().to_owned();
    let file = checklist(&[("org-1", "実施済", "規程あり", ""), ("org-2", "一部実施", "", "")]);
    let seq = store.audit_seq().await.unwrap();
    let dry = api_upload(&mut me, a, &csrf, "?dry_run=true", &file).await;
    assert_eq!(dry.status, StatusCode::OK, "{}", dry.body);
    let v = dry.json();
    assert_eq!((v["written"].as_bool(), v["new"].as_u64(), v["changed"].as_u64()), (Some(false), Some(2), Some(0)));
    assert_eq!(v["changes"][0]["requirement"], "org-1");
    assert_eq!(v["changes"][0]["after"], "implemented");
    assert_eq!(store.audit_seq().await.unwrap(), seq, "a dry run writes nothing");

    let done = api_upload(&mut me, a, &csrf, "", &file).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    assert_eq!(done.json()["written"], true);
    assert_eq!(store.answers(a).await.unwrap().len(), 2);
    let again = api_upload(&mut me, a, &csrf, "?dry_run=true", &file).await.json();
    assert_eq!((again["unchanged"].as_u64(), again["changes"].as_array().map(Vec::len)), (Some(2), Some(0)));

    // A broken file names its cell; a viewer may not import.
    let bad = api_upload(&mut me, a, &csrf, "", &checklist(&[("org-3", "たぶん", "", "")])).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
    assert!(bad.json()["error"].as_str().unwrap().contains("api.csv:2:"), "{}", bad.body);
    let mut viewer = member(&b, &store, "etsuran", Role::Viewer, org).await;
    let vcsrf = viewer.get("/api/session").await.json()["csrf_token"].as_str().unwrap().to_owned();
    assert_eq!(api_upload(&mut viewer, a, &vcsrf, "", &file).await.status, StatusCode::FORBIDDEN);
}

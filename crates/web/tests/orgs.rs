//! Organizations and systems in the browser: add a system, start an assessment with last year's
//! as baseline, move its status, migrate it to another guideline; viewers read only; another
//! organization's ids are not found.

mod common;

use axum::http::StatusCode;
use common::*;
use sansho_store::{Actor, AnswerInput, AnswerResult, AssessmentStatus, Role, Timestamp};

// long function: one scenario walked end to end, its steps handing on what they made.
#[tokio::test]
async fn an_editor_adds_a_system_starts_assessments_and_migrates_one() {
    let (mut b, store) = setup().await;
    let (org, first) = org_with_assessment(&store, "A病院").await;
    let (other_org, other_assessment) = org_with_assessment(&store, "B社").await;
    admin(&mut b).await;
    // The admin joined both organizations at setup; take B's membership away to see isolation.
    let fixture = Actor::new("fixture", "test");
    let admin_user = store.user_by_username("admin").await.unwrap().unwrap();
    store.remove_membership(admin_user.id, other_org, &fixture, Timestamp(now_ms())).await.unwrap();

    let list = b.get("/organizations").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.body.contains("A病院") && !list.body.contains("B社"), "{}", list.body);

    // Add a system: a blank name is refused with the reason, and nothing is written.
    let page = b.get(&format!("/organizations/{org}")).await;
    let csrf = field(&page.body, "csrf_token");
    let before = store.systems(org).await.unwrap().len();
    let refused = b
        .post(
            &format!("/organizations/{org}/systems"),
            &[("csrf_token", &csrf), ("name", "  "), ("service_model", "saas"), ("description", "")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("システム名は1〜200文字"), "{}", refused.body);
    assert_eq!(store.systems(org).await.unwrap().len(), before);

    let added = b
        .post(
            &format!("/organizations/{org}/systems"),
            &[("csrf_token", &csrf), ("name", "地域連携システム"), ("service_model", "iaas"), ("description", "")],
        )
        .await;
    assert_eq!(added.status, StatusCode::SEE_OTHER);
    let systems = store.systems(org).await.unwrap();
    let new_system = systems.iter().find(|s| s.name == "地域連携システム").expect("created");
    assert_eq!(added.location.as_deref(), Some(format!("/systems/{}", new_system.id).as_str()));
    let sys_page = b.get(&format!("/systems/{}", new_system.id)).await;
    assert!(sys_page.body.contains("地域連携システム") && sys_page.body.contains("IaaS"));

    // Start an assessment of the first system with last year's as baseline: the answers come along.
    let first_system = store.assessment(first).await.unwrap().system_id;
    store
        .set_answer(first, &AnswerInput::new("org-1", AnswerResult::Implemented), &fixture, Timestamp(now_ms()))
        .await
        .unwrap();
    let created = b
        .post(
            &format!("/systems/{first_system}/assessments"),
            &[("csrf_token", &csrf), ("catalog", "mhlw-3-checklist"), ("baseline", &first.to_string())],
        )
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    let this_year = store.assessments(first_system).await.unwrap().into_iter().find(|a| a.id != first).unwrap();
    assert_eq!(this_year.baseline_id, Some(first));
    assert_eq!(store.answers(this_year.id).await.unwrap().len(), store.answers(first).await.unwrap().len());

    // A baseline of another system is refused, and so is one of another organization.
    for foreign in [first, other_assessment] {
        let n = store.assessments(new_system.id).await.unwrap().len();
        let r = b
            .post(
                &format!("/systems/{}/assessments", new_system.id),
                &[("csrf_token", &csrf), ("catalog", "mhlw-3-checklist"), ("baseline", &foreign.to_string())],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        assert!(r.body.contains("このシステムの評価"), "{}", r.body);
        assert_eq!(store.assessments(new_system.id).await.unwrap().len(), n);
    }

    // Status moves, and the move is audited.
    let seq = store.audit_seq().await.unwrap();
    let r = b
        .post(
            &format!("/assessments/{this_year}/status", this_year = this_year.id),
            &[("csrf_token", &csrf), ("status", "in-review")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(store.assessment(this_year.id).await.unwrap().status, AssessmentStatus::InReview);
    assert!(store.audit_seq().await.unwrap() > seq);

    // Migrating: the choice has no default (the first catalog is an outline), and nothing is made
    // before a confirmation page has said what will happen (issue 11 §2.10).
    let page = b.get(&format!("/systems/{first_system}")).await.body;
    let migrate_form = &page[page.find(&format!(r#"action="/assessments/{first}/migrate""#)).unwrap()..];
    let migrate_form = &migrate_form[..migrate_form.find("</form>").unwrap()];
    assert!(migrate_form.contains(r#"method="get""#) || page.contains(r#"<form method="get" action="/assessments/"#));
    assert!(migrate_form.contains(r#"<option value="" selected disabled>選択してください</option>"#), "{migrate_form}");
    assert_eq!(migrate_form.matches(" selected").count(), 1, "only the placeholder is selected: {migrate_form}");
    // Every row of last year's answered, so that the migration has something to flag.
    let set = sansho_catalog::load(&sansho_catalog::bundled_sources()).set.unwrap();
    let inputs: Vec<AnswerInput> = set
        .catalog_nodes("mhlw-3-checklist")
        .into_iter()
        .filter(|&ix| sansho_core::assess::is_requirement(&set, ix) && set.requirement(ix).id.as_str() != "org-1")
        .map(|ix| {
            let mut a = AnswerInput::new(set.requirement(ix).id.as_str(), AnswerResult::Implemented);
            a.how = format!("昨年の実施内容 {}", set.requirement(ix).id);
            a
        })
        .collect();
    store.import_answers(first, inputs, &fixture, Timestamp(now_ms())).await.unwrap();
    let n = store.assessments(first_system).await.unwrap().len();
    let r = b.post(&format!("/assessments/{first}/migrate"), &[("csrf_token", &csrf), ("to", "mhlw-5")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.location.as_deref(), Some(format!("/assessments/{first}/migrate?to=mhlw-5").as_str()));
    let confirm = b.get(&format!("/assessments/{first}/migrate?to=mhlw-5")).await;
    assert_eq!(confirm.status, StatusCode::OK);
    assert!(confirm.body.contains("移行の確認") && confirm.body.contains("要確認"), "{}", confirm.body);
    assert!(confirm.body.contains(r#"name="confirmed" value="1""#));
    let empty = b.get(&format!("/assessments/{first}/migrate?to=")).await;
    assert!(empty.body.contains("移行先のガイドラインを選んでください"), "{}", empty.body);
    assert_eq!(store.assessments(first_system).await.unwrap().len(), n, "nothing made before confirming");
    let r = b
        .post(
            &format!("/assessments/{first}/migrate"),
            &[("csrf_token", &csrf), ("to", "mhlw-5"), ("confirmed", "1"), ("name", "第5版への移行")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let migrated = store
        .assessments(first_system)
        .await
        .unwrap()
        .into_iter()
        .find(|a| a.catalog_id == "mhlw-5")
        .expect("the migrated assessment");
    assert_eq!(migrated.name.as_deref(), Some("第5版への移行"));
    // Straight to what the migration flagged, each beside the answer it came from (§2.6).
    assert_eq!(r.location.as_deref(), Some(format!("/assessments/{}/answers?review=1", migrated.id).as_str()));
    let review = b.get(&format!("/assessments/{}/answers?review=1", migrated.id)).await.body;
    assert!(review.contains("移行の要確認"), "{review}");
    assert!(review.contains("移行元の回答"), "{review}");
    let flagged = store
        .answers(migrated.id)
        .await
        .unwrap()
        .into_iter()
        .filter(|a| {
            a.origin.as_ref().is_some_and(|o| o["flags"].as_array().is_some_and(|f| f.iter().any(|x| x != "unmapped")))
        })
        .count();
    assert!(flagged > 0);
    assert_eq!(review.matches(r#"<tr class="depth-"#).count(), flagged, "one row per flagged requirement");
    assert!(["新設", "分割", "統合", "部分対応"].iter().any(|w| review.contains(w)), "{review}");
    let answers = store.answers(migrated.id).await.unwrap();
    assert!(!answers.is_empty());
    assert!(answers.iter().all(|a| a.origin.as_ref().is_some_and(|o| o["from_assessment"] == first.to_string())));

    // Another organization's organization, system and assessment are not found, for reading and writing.
    let other_system = store.assessment(other_assessment).await.unwrap().system_id;
    for uri in [format!("/organizations/{other_org}"), format!("/systems/{other_system}")] {
        assert_eq!(b.get(&uri).await.status, StatusCode::NOT_FOUND, "{uri}");
    }
    let n = store.systems(other_org).await.unwrap().len();
    let r = b
        .post(
            &format!("/organizations/{other_org}/systems"),
            &[("csrf_token", &csrf), ("name", "x"), ("service_model", "saas"), ("description", "")],
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(store.systems(other_org).await.unwrap().len(), n);
    let r =
        b.post(&format!("/assessments/{other_assessment}/status"), &[("csrf_token", &csrf), ("status", "final")]).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(store.assessment(other_assessment).await.unwrap().status, AssessmentStatus::Draft);
}

#[tokio::test]
async fn a_viewer_sees_the_systems_but_no_forms_and_cannot_post() {
    let (b, store) = setup().await;
    let (org, _) = org_with_assessment(&store, "A病院").await;
    let mut b = member(&b, &store, "etsuran", Role::Viewer, org).await;

    let page = b.get(&format!("/organizations/{org}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("電子カルテ"));
    assert!(!page.body.contains("システムを追加"), "a viewer gets no form");
    let csrf = b.get("/assessments").await;
    let csrf = field(&csrf.body, "csrf_token");
    let n = store.systems(org).await.unwrap().len();
    let r = b
        .post(
            &format!("/organizations/{org}/systems"),
            &[("csrf_token", &csrf), ("name", "x"), ("service_model", "saas"), ("description", "")],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(store.systems(org).await.unwrap().len(), n);
}

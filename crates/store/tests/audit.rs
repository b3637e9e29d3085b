//! The audit trail on real SQLite files: every write leaves exactly its records (action, entity,
//! before → after), a failed write leaves none, reads leave none, and `verify_audit` finds each
//! way an attacker with `sqlite3` could tamper with the file, naming the record.

use sansho_store::{
    Actor, AnswerInput, AnswerResult, AssessmentStatus, AuditEvent, AuditFilter, AuditProblem, AuditRecord, Date,
    EvidenceSource, GENESIS_HASH, Id, NewAssessment, NewEvidence, NewOrganization, NewSystem, OrgKind, SequentialIds,
    ServiceModel, Store, StoreError, Timestamp, VendorPosition, sha256_hex,
};
use serde_json::{Value, json};
use sqlx::SqlitePool;

const T0: Timestamp = Timestamp(1_767_225_600_000); // 2026-01-01T00:00:00Z
const T1: Timestamp = Timestamp(1_767_312_000_000);

fn alice() -> Actor {
    Actor::cli("alice")
}

fn bob() -> Actor {
    Actor::new("bob", "192.0.2.7")
}

async fn open(dir: &tempfile::TempDir) -> Store {
    Store::open(dir.path().join("sansho.db")).await.unwrap().with_ids(SequentialIds::default())
}

/// A separate connection to the file, as an attacker with `sqlite3` would have.
async fn raw(dir: &tempfile::TempDir) -> SqlitePool {
    SqlitePool::connect(&format!("sqlite://{}", dir.path().join("sansho.db").display())).await.unwrap()
}

/// Every record, oldest first.
async fn all_records(store: &Store) -> Vec<AuditRecord> {
    let mut records = store.audit_log(&AuditFilter { limit: 100_000, ..AuditFilter::default() }).await.unwrap();
    records.reverse();
    records
}

/// The records after the first `skip`, as (action, entity kind, entity id).
async fn actions_after(store: &Store, skip: usize) -> Vec<(String, String, Option<String>)> {
    all_records(store).await.into_iter().skip(skip).map(|r| (r.action, r.entity_kind, r.entity_id)).collect()
}

fn json_of(text: &Option<String>) -> Option<Value> {
    text.as_ref().map(|t| serde_json::from_str(t).unwrap())
}

fn entry(action: &str, kind: &str, id: impl ToString) -> (String, String, Option<String>) {
    (action.to_owned(), kind.to_owned(), Some(id.to_string()))
}

fn date(s: &str) -> Date {
    s.parse().unwrap()
}

fn file_evidence(content: &[u8], organization_id: Option<Id>) -> NewEvidence {
    NewEvidence {
        title: "情報セキュリティ基本方針".into(),
        source: EvidenceSource::File { file_name: "policy.pdf".into(), content: content.to_vec() },
        effective_date: date("2026-01-01"),
        expiry_date: None,
        organization_id,
    }
}

/// An organization, a system and an assessment: records 1, 2, 3.
async fn scenario(store: &Store) -> (Id, Id, Id) {
    let org = store
        .create_organization(
            &NewOrganization {
                name: "株式会社サンプル".into(),
                kind: OrgKind::Vendor,
                vendor_position: Some(VendorPosition::DirectContract),
            },
            &alice(),
            T0,
        )
        .await
        .unwrap();
    let system = store
        .create_system(
            &NewSystem {
                organization_id: org.id,
                name: "電子カルテ SaaS".into(),
                service_model: ServiceModel::Saas,
                description: String::new(),
            },
            &alice(),
            T0,
        )
        .await
        .unwrap();
    let assessment = store
        .create_assessment(
            &NewAssessment { system_id: system.id, catalog_id: "mhlw-3-checklist".into(), baseline_id: None },
            &alice(),
            T0,
        )
        .await
        .unwrap();
    (org.id, system.id, assessment.id)
}

#[tokio::test]
async fn every_write_leaves_exactly_its_audit_records() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir).await;
    let intact = store.verify_audit().await.unwrap();
    assert_eq!((intact.records, intact.problem), (0, None));
    assert_eq!(intact.head.unwrap().hash, GENESIS_HASH);

    let (org, system, assessment) = scenario(&store).await;
    let records = all_records(&store).await;
    assert_eq!(
        actions_after(&store, 0).await,
        [
            entry("organization.create", "organization", org),
            entry("system.create", "system", system),
            entry("assessment.create", "assessment", assessment),
        ]
    );
    // Who, when, from where; the row after; the chain.
    let first = &records[0];
    assert_eq!((first.seq, first.at, first.actor.as_str(), first.source.as_str()), (1, T0, "alice", "cli"));
    assert_eq!(first.before_json, None);
    assert_eq!(json_of(&first.after_json), Some(serde_json::to_value(store.organization(org).await.unwrap()).unwrap()));
    assert_eq!(first.prev_hash, GENESIS_HASH);
    assert_eq!(records[1].prev_hash, first.hash);
    assert_eq!(json_of(&records[2].after_json).unwrap()["status"], "draft");

    // answer.set: created (before null), changed (before → after), unchanged (no record).
    let mut input = AnswerInput::new("1", AnswerResult::Partial);
    input.how = "規程を整備中".into();
    let created = store.set_answer(assessment, &input, &bob(), T0).await.unwrap();
    input.result = AnswerResult::Implemented;
    let changed = store.set_answer(assessment, &input, &bob(), T1).await.unwrap();
    store.set_answer(assessment, &input, &bob(), T1).await.unwrap();
    let records = all_records(&store).await;
    assert_eq!(records.len(), 5);
    let (set1, set2) = (&records[3], &records[4]);
    assert_eq!((set1.action.as_str(), set1.source.as_str()), ("answer.set", "192.0.2.7"));
    assert_eq!(json_of(&set1.before_json), None);
    assert_eq!(json_of(&set1.after_json), Some(serde_json::to_value(&created).unwrap()));
    assert_eq!(json_of(&set2.before_json), Some(serde_json::to_value(&created).unwrap()));
    assert_eq!(json_of(&set2.after_json), Some(serde_json::to_value(&changed).unwrap()));
    assert_eq!(json_of(&set2.after_json).unwrap()["result"], "implemented");
    assert_eq!(set2.at, T1);

    // assessment.status: before → after.
    let before = store.assessment(assessment).await.unwrap();
    let after = store.set_assessment_status(assessment, AssessmentStatus::InReview, &alice(), T1).await.unwrap();
    let status = all_records(&store).await.pop().unwrap();
    assert_eq!(
        (status.action.as_str(), status.entity_kind.as_str(), status.entity_id.clone()),
        ("assessment.status", "assessment", Some(assessment.to_string()))
    );
    assert_eq!(json_of(&status.before_json), Some(serde_json::to_value(&before).unwrap()));
    assert_eq!(json_of(&status.after_json), Some(serde_json::to_value(&after).unwrap()));

    // evidence.add (with its organization), evidence.attach (once: a second attach is a no-op).
    let evidence = store.add_evidence(&file_evidence(b"policy", Some(org)), &alice(), T1).await.unwrap();
    store.attach_evidence(created.id, evidence.id, &alice(), T1).await.unwrap();
    store.attach_evidence(created.id, evidence.id, &alice(), T1).await.unwrap();
    assert_eq!(
        actions_after(&store, 6).await,
        [entry("evidence.add", "evidence", evidence.id), entry("evidence.attach", "answer", created.id)]
    );
    let records = all_records(&store).await;
    assert_eq!(json_of(&records[6].after_json).unwrap()["organization_id"], org.to_string());
    assert_eq!(
        json_of(&records[7].after_json),
        Some(json!({
            "answer_id": created.id.to_string(), "evidence_id": evidence.id.to_string(),
            "attached_at": T1.0, "attached_by": "alice",
        }))
    );

    // answer.import: one record per created or changed answer, none for an unchanged one.
    let batch = vec![
        input.clone(),                                   // unchanged
        AnswerInput::new("2", AnswerResult::Partial),    // created
        AnswerInput::new("3", AnswerResult::Unanswered), // created
    ];
    store.import_answers(assessment, batch, &alice(), T1).await.unwrap();
    let a2 = store.answer_for(assessment, "2").await.unwrap().unwrap().id;
    let a3 = store.answer_for(assessment, "3").await.unwrap().unwrap().id;
    assert_eq!(
        actions_after(&store, 8).await,
        [entry("answer.import", "answer", a2), entry("answer.import", "answer", a3)]
    );

    // A baseline copy: the assessment, then each copied answer and each copied evidence link.
    let next = store
        .create_assessment(
            &NewAssessment { system_id: system, catalog_id: "mhlw-3-checklist".into(), baseline_id: Some(assessment) },
            &bob(),
            T1,
        )
        .await
        .unwrap();
    let copy = |req: &'static str| {
        let store = store.clone();
        async move { store.answer_for(next.id, req).await.unwrap().unwrap().id }
    };
    let (c1, c2, c3) = (copy("1").await, copy("2").await, copy("3").await);
    assert_eq!(
        actions_after(&store, 10).await,
        [
            entry("assessment.create", "assessment", next.id),
            entry("answer.baseline_copy", "answer", c1),
            entry("evidence.attach", "answer", c1),
            entry("answer.baseline_copy", "answer", c2),
            entry("answer.baseline_copy", "answer", c3),
        ]
    );
    let copied = all_records(&store).await.remove(11);
    assert_eq!(json_of(&copied.after_json).unwrap()["origin"]["kind"], "baseline");

    // An assessment created with its answers (a migration, the sample).
    let new = NewAssessment { system_id: system, catalog_id: "mhlw-5".into(), baseline_id: None };
    let inputs = vec![AnswerInput::new("6.1-c-1", AnswerResult::Implemented)];
    let (migrated, _) = store.create_assessment_with_answers(&new, inputs, &alice(), T1, &mut |_| {}).await.unwrap();
    let m1 = store.answer_for(migrated.id, "6.1-c-1").await.unwrap().unwrap().id;
    assert_eq!(
        actions_after(&store, 15).await,
        [entry("assessment.create", "assessment", migrated.id), entry("answer.import", "answer", m1)]
    );

    // Reads write nothing.
    let count = all_records(&store).await.len();
    store.organizations().await.unwrap();
    store.answers(assessment).await.unwrap();
    store.history(created.id).await.unwrap();
    store.read_evidence(evidence.id).await.unwrap();
    store.baseline_changes(next.id).await.unwrap();
    store.owners(sansho_store::Kind::Evidence, evidence.id).await.unwrap();
    store.verify_audit().await.unwrap();
    store.audit_log(&AuditFilter::default()).await.unwrap();
    assert_eq!(all_records(&store).await.len(), count);

    // The whole chain verifies, after reopening too; the head is the last record.
    let report = store.verify_audit().await.unwrap();
    assert!(report.is_intact(), "{report:?}");
    assert_eq!(report.records, 17);
    let last = all_records(&store).await.pop().unwrap();
    assert_eq!(report.head.as_ref().map(|h| (h.seq, h.hash.clone())), Some((17, last.hash.clone())));
    store.close().await;
    let store = open(&dir).await;
    assert_eq!(store.verify_audit().await.unwrap(), report);
}

#[tokio::test]
async fn the_hash_is_sha256_of_the_documented_netstring_encoding() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir).await;
    scenario(&store).await;
    let r = &all_records(&store).await[0];
    let field = |v: &str| format!("{}:{v},", v.len());
    let encoded = format!(
        "sansho-audit-v1\n{}{}{}{}{}{}{}-{}{}",
        field("1"),
        field(&T0.0.to_string()),
        field("alice"),
        field("cli"),
        field("organization.create"),
        field("organization"),
        field(r.entity_id.as_deref().unwrap()),
        field(r.after_json.as_deref().unwrap()),
        field(GENESIS_HASH),
    );
    assert_eq!(r.hash, sha256_hex(encoded.as_bytes()));
    assert_eq!(r.hash, r.compute_hash());
    // Lengths are in bytes: Japanese text counts 3 per character.
    assert!(r.after_json.as_deref().unwrap().contains("株式会社サンプル"));
}

#[tokio::test]
async fn a_write_that_fails_leaves_no_audit_record() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir).await;
    let (_, system, assessment) = scenario(&store).await;
    store.set_answer(assessment, &AnswerInput::new("1", AnswerResult::Partial), &alice(), T0).await.unwrap();
    let before = all_records(&store).await;
    let nobody = Id::from_u128(999);

    // Refused before the transaction, refused inside it, failed in the database half-way.
    let mut bad = AnswerInput::new("2", AnswerResult::NotApplicable);
    bad.justification = None;
    assert!(store.set_answer(assessment, &bad, &alice(), T1).await.is_err());
    assert!(store.set_answer(nobody, &AnswerInput::new("1", AnswerResult::Partial), &alice(), T1).await.is_err());
    assert!(store.set_assessment_status(nobody, AssessmentStatus::Final, &alice(), T1).await.is_err());
    assert!(store.attach_evidence(nobody, nobody, &alice(), T1).await.is_err());
    let other = NewAssessment { system_id: system, catalog_id: "mhlw-5".into(), baseline_id: Some(assessment) };
    assert!(matches!(store.create_assessment(&other, &alice(), T1).await, Err(StoreError::BaselineCatalog { .. })));
    assert!(matches!(
        store.add_evidence(&file_evidence(b"x", Some(nobody)), &alice(), T1).await,
        Err(StoreError::UnknownOrganization(_))
    ));

    let pool = raw(&dir).await;
    sqlx::query(
        "CREATE TRIGGER fault BEFORE INSERT ON answers WHEN NEW.requirement_id = 'boom'
         BEGIN SELECT RAISE(ABORT, 'injected fault'); END",
    )
    .execute(&pool)
    .await
    .unwrap();
    // Two answers (an update and an insert, each with its audit record) are written before the
    // fault: the rollback takes their records with them.
    let batch = vec![
        AnswerInput::new("1", AnswerResult::Implemented),
        AnswerInput::new("2", AnswerResult::Partial),
        AnswerInput::new("boom", AnswerResult::Partial),
    ];
    let mut written = 0;
    let err = store.import_answers_with_progress(assessment, batch.clone(), &alice(), T1, &mut |n| written = n).await;
    assert!(err.is_err());
    assert_eq!(written, 2);
    let new = NewAssessment { system_id: system, catalog_id: "mhlw-3-checklist".into(), baseline_id: None };
    assert!(store.create_assessment_with_answers(&new, batch, &alice(), T1, &mut |_| {}).await.is_err());
    sqlx::query("DROP TRIGGER fault").execute(&pool).await.unwrap();
    pool.close().await;

    assert_eq!(all_records(&store).await, before);
    assert!(store.verify_audit().await.unwrap().is_intact());
    // And the next write continues the chain from the same head.
    store.set_answer(assessment, &AnswerInput::new("2", AnswerResult::Partial), &alice(), T1).await.unwrap();
    let after = all_records(&store).await;
    assert_eq!((after.len(), after[before.len()].seq), (before.len() + 1, before.len() as i64 + 1));
    assert!(store.verify_audit().await.unwrap().is_intact());
}

#[tokio::test]
async fn the_log_can_be_read_filtered_and_paged_and_events_recorded() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir).await;
    let (_, _, assessment) = scenario(&store).await;
    for req in ["1", "2", "3"] {
        store.set_answer(assessment, &AnswerInput::new(req, AnswerResult::Partial), &bob(), T1).await.unwrap();
    }
    let mut event = AuditEvent::new("user.login_failed", "user", None);
    event.after = Some(json!({ "username": "mallory" }));
    let seq = store.record_event(&event, &Actor::new("mallory", "198.51.100.9"), T1).await.unwrap();
    assert_eq!(seq, 7);

    let seqs = |records: Vec<AuditRecord>| records.into_iter().map(|r| r.seq).collect::<Vec<_>>();
    let page = |before_seq, limit| AuditFilter { before_seq, limit, ..AuditFilter::default() };
    assert_eq!(seqs(store.audit_log(&page(None, 3)).await.unwrap()), [7, 6, 5]);
    assert_eq!(seqs(store.audit_log(&page(Some(5), 3)).await.unwrap()), [4, 3, 2]);
    assert_eq!(seqs(store.audit_log(&page(Some(2), 3)).await.unwrap()), [1]);
    let by = |f: AuditFilter| {
        let store = store.clone();
        async move { seqs(store.audit_log(&f).await.unwrap()) }
    };
    assert_eq!(by(AuditFilter { actor: Some("bob".into()), ..Default::default() }).await, [6, 5, 4]);
    assert_eq!(by(AuditFilter { action: Some("answer.set".into()), ..Default::default() }).await, [6, 5, 4]);
    assert_eq!(by(AuditFilter { action: Some("answer.".into()), ..Default::default() }).await, [6, 5, 4]);
    assert_eq!(by(AuditFilter { action: Some("answer".into()), ..Default::default() }).await, Vec::<i64>::new());
    assert_eq!(by(AuditFilter { entity_kind: Some("assessment".into()), ..Default::default() }).await, [3]);
    assert_eq!(
        by(AuditFilter { entity_id: Some(assessment.to_string()), ..Default::default() }).await,
        [3],
        "the assessment's own records"
    );
    assert_eq!(by(AuditFilter { since: Some(T1), ..Default::default() }).await, [7, 6, 5, 4]);
    assert_eq!(by(AuditFilter { until: Some(T1), ..Default::default() }).await, [3, 2, 1]);

    let failed = store.audit_log(&page(None, 1)).await.unwrap().remove(0);
    assert_eq!(
        (failed.action.as_str(), failed.entity_kind.as_str(), failed.entity_id.as_deref(), failed.source.as_str()),
        ("user.login_failed", "user", None, "198.51.100.9")
    );
    // As JSON the stored before/after are embedded as JSON, not as strings.
    let v = serde_json::to_value(&failed).unwrap();
    assert_eq!(v["after"]["username"], "mallory");
    assert_eq!(v["before"], Value::Null);
    assert!(store.verify_audit().await.unwrap().is_intact());
}

/// A database with nine records: the scenario (1–3), six answers (4–9).
async fn nine_records() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir).await;
    let (_, _, assessment) = scenario(&store).await;
    for req in ["1", "2", "3", "4", "5", "6"] {
        store.set_answer(assessment, &AnswerInput::new(req, AnswerResult::Partial), &alice(), T1).await.unwrap();
    }
    let report = store.verify_audit().await.unwrap();
    assert!(report.is_intact(), "{report:?}");
    assert_eq!(report.records, 9);
    (dir, store)
}

async fn problem(store: &Store) -> AuditProblem {
    let report = store.verify_audit().await.unwrap();
    match report.problem {
        Some(p) => p,
        None => panic!("tampering not detected: {report:?}"),
    }
}

#[tokio::test]
async fn an_edited_record_is_found() {
    let (dir, store) = nine_records().await;
    let pool = raw(&dir).await;
    sqlx::query("UPDATE audit_log SET after_json = replace(after_json, 'partial', 'implemented') WHERE seq = 5")
        .execute(&pool)
        .await
        .unwrap();
    let p = problem(&store).await;
    assert!(matches!(p, AuditProblem::Edited { seq: 5, .. }), "{p:?}");
    assert!(p.to_string().starts_with("record 5 was edited"), "{p}");
    sqlx::query("UPDATE audit_log SET after_json = replace(after_json, 'implemented', 'partial') WHERE seq = 5")
        .execute(&pool)
        .await
        .unwrap();
    assert!(store.verify_audit().await.unwrap().is_intact(), "restored");

    // Changing who did it is an edit as well.
    sqlx::query("UPDATE audit_log SET actor = 'someone-else' WHERE seq = 2").execute(&pool).await.unwrap();
    assert!(matches!(problem(&store).await, AuditProblem::Edited { seq: 2, .. }));
}

#[tokio::test]
async fn an_edit_with_a_recomputed_hash_breaks_the_next_link() {
    let (dir, store) = nine_records().await;
    let mut record = all_records(&store).await.remove(4);
    assert_eq!(record.seq, 5);
    record.after_json = record.after_json.map(|a| a.replace("partial", "implemented"));
    record.hash = record.compute_hash();
    let pool = raw(&dir).await;
    sqlx::query("UPDATE audit_log SET after_json = $1, hash = $2 WHERE seq = 5")
        .bind(&record.after_json)
        .bind(&record.hash)
        .execute(&pool)
        .await
        .unwrap();
    let p = problem(&store).await;
    assert!(matches!(p, AuditProblem::BrokenLink { seq: 6, .. }), "{p:?}");
    assert!(p.to_string().contains("record 5 was replaced"), "{p}");
}

#[tokio::test]
async fn a_deleted_middle_record_is_found() {
    let (dir, store) = nine_records().await;
    let pool = raw(&dir).await;
    sqlx::query("DELETE FROM audit_log WHERE seq = 4").execute(&pool).await.unwrap();
    let p = problem(&store).await;
    assert_eq!(p, AuditProblem::Gap { seq: 4, found: 5 });
    assert_eq!(p.to_string(), "record 4 is missing (deleted): the next record is 5");

    // Renumbering the rest to close the gap breaks the hashes instead.
    for seq in 5..=9 {
        sqlx::query("UPDATE audit_log SET seq = seq - 1 WHERE seq = $1").bind(seq).execute(&pool).await.unwrap();
    }
    assert!(matches!(problem(&store).await, AuditProblem::Edited { seq: 4, .. }));
}

#[tokio::test]
async fn a_deleted_first_record_is_found() {
    let (dir, store) = nine_records().await;
    sqlx::query("DELETE FROM audit_log WHERE seq IN (1, 2)").execute(&raw(&dir).await).await.unwrap();
    assert_eq!(problem(&store).await, AuditProblem::Gap { seq: 1, found: 3 });
}

#[tokio::test]
async fn a_deleted_tail_is_found_through_the_head() {
    let (dir, store) = nine_records().await;
    let pool = raw(&dir).await;
    sqlx::query("DELETE FROM audit_log WHERE seq = 9").execute(&pool).await.unwrap();
    let p = problem(&store).await;
    assert_eq!(p, AuditProblem::TailMissing { seq: 9, head_seq: 9 });
    assert!(p.to_string().contains("record 9 is missing (deleted at the end)"), "{p}");

    sqlx::query("DELETE FROM audit_log WHERE seq >= 7").execute(&pool).await.unwrap();
    assert_eq!(problem(&store).await, AuditProblem::TailMissing { seq: 7, head_seq: 9 });
}

#[tokio::test]
async fn swapped_records_are_found() {
    let (dir, store) = nine_records().await;
    let pool = raw(&dir).await;
    for sql in [
        "UPDATE audit_log SET seq = 1000 WHERE seq = 4",
        "UPDATE audit_log SET seq = 4 WHERE seq = 6",
        "UPDATE audit_log SET seq = 6 WHERE seq = 1000",
    ] {
        sqlx::query(sql).execute(&pool).await.unwrap();
    }
    let p = problem(&store).await;
    assert!(matches!(p, AuditProblem::Edited { seq: 4, .. }), "{p:?}");

    // Swapping the contents but keeping each row's seq and hash is an edit too.
    let (dir, store) = nine_records().await;
    let pool = raw(&dir).await;
    sqlx::query(
        "UPDATE audit_log SET entity_id = CASE seq WHEN 4 THEN (SELECT entity_id FROM audit_log WHERE seq = 5)
                                                  ELSE (SELECT entity_id FROM audit_log WHERE seq = 4) END
         WHERE seq IN (4, 5)",
    )
    .execute(&pool)
    .await
    .unwrap();
    assert!(matches!(problem(&store).await, AuditProblem::Edited { seq: 4, .. }));
}

#[tokio::test]
async fn head_tampering_is_found_and_a_missing_head_stops_writes() {
    let (dir, store) = nine_records().await;
    let pool = raw(&dir).await;

    // A record appended outside the store, correctly chained, but the head not moved.
    let mut extra = all_records(&store).await.pop().unwrap();
    extra.prev_hash = extra.hash.clone();
    extra.seq = 10;
    extra.hash = extra.compute_hash();
    sqlx::query(
        "INSERT INTO audit_log (seq, at, actor, source, action, entity_kind, entity_id, before_json, after_json,
                                prev_hash, hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(extra.seq)
    .bind(extra.at.0)
    .bind(&extra.actor)
    .bind(&extra.source)
    .bind(&extra.action)
    .bind(&extra.entity_kind)
    .bind(&extra.entity_id)
    .bind(&extra.before_json)
    .bind(&extra.after_json)
    .bind(&extra.prev_hash)
    .bind(&extra.hash)
    .execute(&pool)
    .await
    .unwrap();
    assert!(matches!(problem(&store).await, AuditProblem::HeadMismatch { seq: 10, head_seq: 9, .. }));
    sqlx::query("DELETE FROM audit_log WHERE seq = 10").execute(&pool).await.unwrap();
    assert!(store.verify_audit().await.unwrap().is_intact());

    // A head pointing at the right seq with another hash.
    sqlx::query("UPDATE audit_head SET last_hash = $1").bind("f".repeat(64)).execute(&pool).await.unwrap();
    assert!(matches!(problem(&store).await, AuditProblem::HeadMismatch { seq: 9, head_seq: 9, .. }));

    // No head at all: reported, and every write is refused (leaving nothing) until it is repaired.
    sqlx::query("DELETE FROM audit_head").execute(&pool).await.unwrap();
    let report = store.verify_audit().await.unwrap();
    assert_eq!((report.problem, report.head, report.records), (Some(AuditProblem::HeadMissing), None, 9));
    let orgs = store.organizations().await.unwrap();
    let err = store
        .create_organization(
            &NewOrganization { name: "病院".into(), kind: OrgKind::MedicalInstitution, vendor_position: None },
            &alice(),
            T1,
        )
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::AuditHeadMissing), "{err}");
    assert_eq!(store.organizations().await.unwrap(), orgs);
}

/// What the chain cannot catch on its own: someone who rewrites every record from a point on
/// and the head. An auditor who wrote down the head printed by `sansho audit verify` catches it.
#[tokio::test]
async fn a_rewritten_tail_with_its_head_is_caught_only_by_an_anchored_head() {
    let (dir, store) = nine_records().await;
    let anchor = store.verify_audit().await.unwrap().head.unwrap();
    let pool = raw(&dir).await;
    let mut records = all_records(&store).await;
    let mut prev = records[6].hash.clone();
    for record in &mut records[7..] {
        record.actor = "mallory".into();
        record.prev_hash = prev.clone();
        record.hash = record.compute_hash();
        prev = record.hash.clone();
        sqlx::query("UPDATE audit_log SET actor = $1, prev_hash = $2, hash = $3 WHERE seq = $4")
            .bind(&record.actor)
            .bind(&record.prev_hash)
            .bind(&record.hash)
            .bind(record.seq)
            .execute(&pool)
            .await
            .unwrap();
    }
    sqlx::query("UPDATE audit_head SET last_hash = $1").bind(&prev).execute(&pool).await.unwrap();
    let report = store.verify_audit().await.unwrap();
    assert!(report.is_intact(), "the chain alone cannot tell");
    let head = report.head.unwrap();
    assert_eq!(head.seq, anchor.seq);
    assert_ne!(head.hash, anchor.hash, "but the head no longer matches the recorded anchor");
}

/// A kept version reader reads what `audit_seq` reads, and sees every write committed since it
/// was taken, whether by this store or by another connection to the file (another process).
#[tokio::test]
async fn a_kept_version_reader_sees_every_later_write() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir).await;
    let mut reader = store.version_reader().await.unwrap();
    let first = reader.audit_seq().await.unwrap();
    assert_eq!(first, store.audit_seq().await.unwrap());
    store.record_event(&AuditEvent::new("test.one", "test", None), &alice(), T0).await.unwrap();
    assert_eq!(reader.audit_seq().await.unwrap(), first + 1, "a write of this store");
    let other = open(&dir).await;
    other.record_event(&AuditEvent::new("test.two", "test", None), &bob(), T1).await.unwrap();
    assert_eq!(reader.audit_seq().await.unwrap(), first + 2, "a write of another connection");
    assert_eq!(store.audit_seq().await.unwrap(), first + 2);
}

/// An event carries untrusted input (a username typed at a failed login, by anyone): every text
/// of it is cut, so a 2 MB username makes a record of a few hundred bytes, which says how much
/// was cut; the chain stays intact (issue 11 §1.6).
#[tokio::test]
async fn an_event_keeps_only_the_start_of_untrusted_text() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir).await;
    let huge = "x".repeat(2 << 20);
    let mut event = AuditEvent::new("user.login_failed", "user", Some(huge.clone()));
    event.after = Some(json!({ "username": huge, "nested": [{ "k": "あ".repeat(300) }] }));
    store.record_event(&event, &Actor::new(huge.clone(), "198.51.100.9"), T1).await.unwrap();
    let r = all_records(&store).await.pop().unwrap();
    let size =
        r.actor.len() + r.entity_id.as_ref().map_or(0, String::len) + r.after_json.as_ref().map_or(0, String::len);
    assert!(size < 4_000, "the record holds {size} bytes");
    assert!(
        r.actor.starts_with("xxxx") && r.actor.ends_with(&format!("[+{} characters]", (2 << 20) - 256)),
        "{}",
        r.actor
    );
    let after = json_of(&r.after_json).unwrap();
    assert!(after["username"].as_str().unwrap().contains("characters]"));
    assert_eq!(after["nested"][0]["k"].as_str().unwrap().chars().filter(|c| *c == 'あ').count(), 256);
    assert_eq!(r.source, "198.51.100.9");
    assert!(store.verify_audit().await.unwrap().is_intact());
}

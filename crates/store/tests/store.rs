//! The store's behaviour through its public API, on real SQLite files in temporary folders.

use sansho_store::{
    Actor, AnswerInput, AnswerResult, AssessmentStatus, BaselineChange, Date, EvidenceKind, EvidenceSource, Id,
    ImportSummary, Kind, NewAssessment, NewEvidence, NewOrganization, NewSystem, OrgKind, SequentialIds, ServiceModel,
    Store, StoreError, Timestamp, VendorPosition, sha256_hex,
};

const T0: Timestamp = Timestamp(1_767_225_600_000); // 2026-01-01T00:00:00Z
const T1: Timestamp = Timestamp(1_767_312_000_000);

fn date(s: &str) -> Date {
    s.parse().unwrap()
}

async fn open(dir: &tempfile::TempDir) -> Store {
    Store::open(dir.path().join("sansho.db")).await.unwrap().with_ids(SequentialIds::default())
}

/// A vendor, its SaaS system and a draft assessment against `mhlw-3-checklist`.
async fn scenario(store: &Store) -> (Id, Id, Id) {
    let org = store
        .create_organization(
            &NewOrganization {
                name: "株式会社サンプル".into(),
                kind: OrgKind::Vendor,
                vendor_position: Some(VendorPosition::DirectContract),
            },
            &Actor::cli("alice"),
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
                description: "クラウド型電子カルテ".into(),
            },
            &Actor::cli("alice"),
            T0,
        )
        .await
        .unwrap();
    let assessment = store
        .create_assessment(
            &NewAssessment { system_id: system.id, catalog_id: "mhlw-3-checklist".into(), baseline_id: None },
            &Actor::cli("alice"),
            T0,
        )
        .await
        .unwrap();
    (org.id, system.id, assessment.id)
}

#[tokio::test]
async fn migrations_apply_to_a_fresh_file_and_reopening_is_idempotent() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir).await;
    let versions = store.schema_versions().await.unwrap();
    // Every file of migrations/ is applied, in order (`0006_assessment_name_owner.sql` → 6).
    let mut files: Vec<i64> = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy()[..4].parse().unwrap())
        .collect();
    files.sort();
    assert_eq!(versions, files);
    let (org, _, _) = scenario(&store).await;
    store.close().await;

    for _ in 0..2 {
        let store = open(&dir).await;
        assert_eq!(store.schema_versions().await.unwrap(), versions);
        assert_eq!(store.organization(org).await.unwrap().name, "株式会社サンプル");
        store.close().await;
    }
}

#[tokio::test]
async fn in_memory_store_works_and_has_no_evidence_folder() {
    let store = Store::open_in_memory().await.unwrap().with_ids(SequentialIds::default());
    let (_, _, assessment) = scenario(&store).await;
    store
        .set_answer(assessment, &AnswerInput::new("1", AnswerResult::Implemented), &Actor::cli("bob"), T1)
        .await
        .unwrap();
    assert_eq!(store.answers(assessment).await.unwrap().len(), 1);
    let err = store
        .add_evidence(
            &NewEvidence {
                title: "規程".into(),
                source: EvidenceSource::File { file_name: "a.pdf".into(), content: b"x".to_vec() },
                effective_date: date("2026-01-01"),
                expiry_date: None,
                organization_id: None,
            },
            &Actor::cli("bob"),
            T1,
        )
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::NoEvidenceDir { .. }), "{err}");
}

#[tokio::test]
async fn organizations_systems_assessments_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir).await;
    let (org, system, assessment) = scenario(&store).await;

    let o = store.organization(org).await.unwrap();
    assert_eq!(
        (o.kind, o.vendor_position, o.created_at, o.created_by.as_str()),
        (OrgKind::Vendor, Some(VendorPosition::DirectContract), T0, "alice")
    );
    let hospital = store
        .create_organization(
            &NewOrganization {
                name: "サンプル病院".into(), kind: OrgKind::MedicalInstitution, vendor_position: None
            },
            &Actor::cli("carol"),
            T1,
        )
        .await
        .unwrap();
    let names: Vec<_> = store.organizations().await.unwrap().into_iter().map(|o| o.name).collect();
    assert_eq!(names, ["サンプル病院", "株式会社サンプル"]);

    let s = store.system(system).await.unwrap();
    assert_eq!(
        (s.organization_id, s.service_model, s.description.as_str()),
        (org, ServiceModel::Saas, "クラウド型電子カルテ")
    );
    assert_eq!(store.systems(org).await.unwrap(), vec![s]);
    assert!(store.systems(hospital.id).await.unwrap().is_empty());

    let a = store.assessment(assessment).await.unwrap();
    assert_eq!(
        (a.system_id, a.catalog_id.as_str(), a.status, a.baseline_id),
        (system, "mhlw-3-checklist", AssessmentStatus::Draft, None)
    );
    let a = store.set_assessment_status(assessment, AssessmentStatus::InReview, &Actor::cli("dave"), T1).await.unwrap();
    assert_eq!(
        (a.status, a.updated_at, a.updated_by.as_str(), a.created_at),
        (AssessmentStatus::InReview, T1, "dave", T0)
    );
    assert_eq!(store.assessments(system).await.unwrap(), vec![a]);
}

#[tokio::test]
async fn bad_input_and_unknown_ids_are_typed_errors_naming_the_id() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir).await;
    let nobody = Id::from_u128(999);

    let err = store
        .create_organization(
            &NewOrganization {
                name: "病院".into(),
                kind: OrgKind::MedicalInstitution,
                vendor_position: Some(VendorPosition::Type3),
            },
            &Actor::cli("a"),
            T0,
        )
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::PositionWithoutVendor));

    let err = store
        .create_system(
            &NewSystem {
                organization_id: nobody,
                name: "x".into(),
                service_model: ServiceModel::OnPremises,
                description: String::new(),
            },
            &Actor::cli("a"),
            T0,
        )
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::UnknownOrganization(id) if id == nobody));
    assert!(err.to_string().contains("00000000-0000-0000-0000-0000000003e7"), "{err}");

    let err = store
        .set_answer(nobody, &AnswerInput::new("1", AnswerResult::Partial), &Actor::cli("a"), T0)
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::UnknownAssessment(id) if id == nobody));
    let err = store.history(nobody).await.unwrap_err();
    assert!(matches!(err, StoreError::UnknownAnswer(id) if id == nobody));
    let err = store.attach_evidence(nobody, nobody, &Actor::cli("a"), T0).await.unwrap_err();
    assert!(matches!(err, StoreError::UnknownAnswer(id) if id == nobody));
    assert!(matches!(store.evidence(nobody).await.unwrap_err(), StoreError::UnknownEvidence(_)));
    assert!("2026-02-30".parse::<Date>().is_err());
    assert!(matches!("done".parse::<AnswerResult>().unwrap_err(), StoreError::UnknownWord { .. }));
}

#[tokio::test]
async fn answers_round_trip_and_every_change_is_kept_in_history() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir).await;
    let (_, _, assessment) = scenario(&store).await;

    let mut input = AnswerInput::new("1-1", AnswerResult::Partial);
    input.how = "運用管理規程を整備".into();
    input.owner = Some("情報システム部".into());
    let created = store.set_answer(assessment, &input, &Actor::cli("alice"), T0).await.unwrap();
    assert_eq!(store.answer(created.id).await.unwrap(), created);
    assert_eq!(
        (created.result, created.how.as_str(), created.owner.as_deref(), created.due_date.as_ref()),
        (AnswerResult::Partial, "運用管理規程を整備", Some("情報システム部"), None)
    );

    input.result = AnswerResult::Implemented;
    input.due_date = Some(date("2026-03-31"));
    input.owner = None;
    input.origin = Some(serde_json::json!({"kind": "derived", "via": ["mhlw-5:6.3-c-1"]}));
    let updated = store.set_answer(assessment, &input, &Actor::cli("bob"), T1).await.unwrap();
    assert_eq!(updated.id, created.id, "one answer per requirement");
    assert_eq!((updated.created_by.as_str(), updated.updated_by.as_str(), updated.updated_at), ("alice", "bob", T1));
    assert_eq!(updated.origin, input.origin);

    // Writing the same answer again changes nothing and records nothing.
    store.set_answer(assessment, &input, &Actor::cli("carol"), T1).await.unwrap();

    let history: Vec<_> = store
        .history(created.id)
        .await
        .unwrap()
        .into_iter()
        .map(|h| (h.seq, h.changed_by, h.changed_at, h.field, h.old, h.new))
        .collect();
    let s = |v: &str| Some(v.to_owned());
    assert_eq!(
        history,
        vec![
            (1, "alice".into(), T0, "result".into(), None, s("partial")),
            (2, "alice".into(), T0, "how".into(), None, s("運用管理規程を整備")),
            (3, "alice".into(), T0, "owner".into(), None, s("情報システム部")),
            (4, "bob".into(), T1, "result".into(), s("partial"), s("implemented")),
            (5, "bob".into(), T1, "owner".into(), s("情報システム部"), None),
            (6, "bob".into(), T1, "due_date".into(), None, s("2026-03-31")),
            (7, "bob".into(), T1, "origin".into(), None, s(r#"{"kind":"derived","via":["mhlw-5:6.3-c-1"]}"#)),
        ]
    );
}

#[tokio::test]
async fn not_applicable_needs_a_justification() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir).await;
    let (_, _, assessment) = scenario(&store).await;

    for justification in [None, Some("  ".to_owned())] {
        let mut input = AnswerInput::new("2-1", AnswerResult::NotApplicable);
        input.justification = justification;
        let err = store.set_answer(assessment, &input, &Actor::cli("alice"), T0).await.unwrap_err();
        assert!(matches!(&err, StoreError::JustificationRequired { requirement } if requirement == "2-1"), "{err}");
    }
    assert!(store.answers(assessment).await.unwrap().is_empty());

    let mut input = AnswerInput::new("2-1", AnswerResult::NotApplicable);
    input.justification = Some("オンプレ機器を保有しない".into());
    let answer = store.set_answer(assessment, &input, &Actor::cli("alice"), T0).await.unwrap();
    assert_eq!(answer.justification.as_deref(), Some("オンプレ機器を保有しない"));

    // The database refuses it too, whoever writes.
    let pool =
        sqlx::SqlitePool::connect(&format!("sqlite://{}", dir.path().join("sansho.db").display())).await.unwrap();
    let err = sqlx::query("UPDATE answers SET justification = NULL WHERE id = ?")
        .bind(answer.id.to_string())
        .execute(&pool)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("CHECK constraint failed"), "{err}");
}

async fn row_counts(dir: &tempfile::TempDir) -> Vec<(String, i64)> {
    let pool =
        sqlx::SqlitePool::connect(&format!("sqlite://{}", dir.path().join("sansho.db").display())).await.unwrap();
    let mut counts = Vec::new();
    for table in ["organizations", "systems", "assessments", "answers", "answer_history", "evidence", "answer_evidence"]
    {
        let sql = format!("SELECT COUNT(*) FROM {table}");
        let (n,): (i64,) = sqlx::query_as(sqlx::AssertSqlSafe(sql)).fetch_one(&pool).await.unwrap();
        counts.push((table.to_owned(), n));
    }
    pool.close().await;
    counts
}

#[tokio::test]
async fn batch_import_is_all_or_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir).await;
    let (_, _, assessment) = scenario(&store).await;
    store
        .set_answer(assessment, &AnswerInput::new("1", AnswerResult::NotImplemented), &Actor::cli("alice"), T0)
        .await
        .unwrap();
    let before_answers = store.answers(assessment).await.unwrap();
    let before = row_counts(&dir).await;

    // A bad row at the end: nothing of the batch is written, and the error names the row.
    let mut bad = AnswerInput::new("9", AnswerResult::NotApplicable);
    bad.justification = None;
    let batch =
        vec![AnswerInput::new("1", AnswerResult::Implemented), AnswerInput::new("2", AnswerResult::Partial), bad];
    let err = store.import_answers(assessment, batch, &Actor::cli("bob"), T1).await.unwrap_err();
    match &err {
        StoreError::ImportRow { index: 2, requirement, source } => {
            assert_eq!(requirement, "9");
            assert!(matches!(**source, StoreError::JustificationRequired { .. }));
        }
        other => panic!("{other}"),
    }
    assert_eq!(store.answers(assessment).await.unwrap(), before_answers);
    assert_eq!(row_counts(&dir).await, before);

    // Duplicates are refused before anything is written.
    let batch = vec![AnswerInput::new("3", AnswerResult::Implemented), AnswerInput::new("3", AnswerResult::Partial)];
    let err = store.import_answers(assessment, batch, &Actor::cli("bob"), T1).await.unwrap_err();
    assert!(matches!(err, StoreError::ImportRow { index: 1, .. }), "{err}");
    assert_eq!(row_counts(&dir).await, before);

    // A fault injected into the database half-way through the batch, after two rows (an update
    // and an insert, with their history) are written: the transaction rolls all of them back.
    let pool =
        sqlx::SqlitePool::connect(&format!("sqlite://{}", dir.path().join("sansho.db").display())).await.unwrap();
    sqlx::query(
        "CREATE TRIGGER fault BEFORE INSERT ON answers WHEN NEW.requirement_id = 'boom'
         BEGIN SELECT RAISE(ABORT, 'injected fault'); END",
    )
    .execute(&pool)
    .await
    .unwrap();
    let batch = vec![
        AnswerInput::new("1", AnswerResult::Implemented),
        AnswerInput::new("2", AnswerResult::Partial),
        AnswerInput::new("boom", AnswerResult::Partial),
        AnswerInput::new("4", AnswerResult::Partial),
    ];
    let mut written = 0;
    let err = store
        .import_answers_with_progress(assessment, batch, &Actor::cli("bob"), T1, &mut |n| written = n)
        .await
        .unwrap_err();
    assert_eq!(written, 2);
    match &err {
        StoreError::ImportRow { index: 2, requirement, source } => {
            assert_eq!(requirement, "boom");
            assert!(source.to_string().contains("injected fault"), "{source}");
        }
        other => panic!("{other}"),
    }
    assert_eq!(store.answers(assessment).await.unwrap(), before_answers);
    assert_eq!(row_counts(&dir).await, before);
    sqlx::query("DROP TRIGGER fault").execute(&pool).await.unwrap();
    pool.close().await;

    // An unknown assessment is named.
    let nobody = Id::from_u128(4242);
    let err = store
        .import_answers(nobody, vec![AnswerInput::new("1", AnswerResult::Implemented)], &Actor::cli("bob"), T1)
        .await;
    assert!(matches!(err, Err(StoreError::UnknownAssessment(id)) if id == nobody));
    assert_eq!(row_counts(&dir).await, before);

    // A good batch: all of it, with progress after each write.
    let mut progress = Vec::new();
    let batch = vec![
        AnswerInput::new("1", AnswerResult::Implemented),
        AnswerInput::new("2", AnswerResult::Partial),
        AnswerInput::new("3", AnswerResult::Unanswered),
    ];
    let summary = store
        .import_answers_with_progress(assessment, batch, &Actor::cli("bob"), T1, &mut |n| progress.push(n))
        .await
        .unwrap();
    assert_eq!(summary, ImportSummary { created: 2, updated: 1, unchanged: 0 });
    assert_eq!(progress, [1, 2, 3]);
    let results: Vec<_> =
        store.answers(assessment).await.unwrap().into_iter().map(|a| (a.requirement_id, a.result)).collect();
    assert_eq!(
        results,
        vec![
            ("1".into(), AnswerResult::Implemented),
            ("2".into(), AnswerResult::Partial),
            ("3".into(), AnswerResult::Unanswered),
        ]
    );
}

fn file_evidence(content: &[u8]) -> NewEvidence {
    NewEvidence {
        title: "情報セキュリティ基本方針".into(),
        source: EvidenceSource::File { file_name: "policy.pdf".into(), content: content.to_vec() },
        effective_date: date("2026-01-01"),
        expiry_date: Some(date("2026-12-31")),
        organization_id: None,
    }
}

#[tokio::test]
async fn evidence_is_content_addressed_attached_and_recorded() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir).await;
    let (_, _, assessment) = scenario(&store).await;
    let answer = store
        .set_answer(assessment, &AnswerInput::new("1", AnswerResult::Implemented), &Actor::cli("a"), T0)
        .await
        .unwrap();

    let content = "方針 v1".as_bytes();
    let file = store.add_evidence(&file_evidence(content), &Actor::cli("alice"), T0).await.unwrap();
    let hash = sha256_hex(content);
    assert_eq!(
        (file.kind, file.sha256.as_deref(), file.size_bytes),
        (EvidenceKind::File, Some(hash.as_str()), Some(9))
    );
    let path = store.evidence_path(file.id).await.unwrap();
    assert_eq!(path, dir.path().join("evidence").join(&hash[..2]).join(&hash[2..]));
    assert_eq!(store.read_evidence(file.id).await.unwrap(), content);

    // The same content again shares the blob.
    let again = store.add_evidence(&file_evidence(content), &Actor::cli("alice"), T0).await.unwrap();
    assert_eq!(store.evidence_path(again.id).await.unwrap(), path);

    let link = store
        .add_evidence(
            &NewEvidence {
                title: "SLA".into(),
                source: EvidenceSource::Link { url: "https://example.com/sla".into() },
                effective_date: date("2026-01-01"),
                expiry_date: None,
                organization_id: None,
            },
            &Actor::cli("alice"),
            T0,
        )
        .await
        .unwrap();
    assert!(matches!(store.read_evidence(link.id).await.unwrap_err(), StoreError::NotAFile { .. }));

    store.attach_evidence(answer.id, file.id, &Actor::cli("bob"), T1).await.unwrap();
    store.attach_evidence(answer.id, link.id, &Actor::cli("bob"), T1).await.unwrap();
    store.attach_evidence(answer.id, link.id, &Actor::cli("bob"), T1).await.unwrap(); // already attached: no-op
    let attached: Vec<_> = store.evidence_for(answer.id).await.unwrap().into_iter().map(|e| e.id).collect();
    assert_eq!(attached, [file.id, link.id]);
    let history = store.history(answer.id).await.unwrap();
    let evidence_rows: Vec<_> =
        history.iter().filter(|h| h.field == "evidence").map(|h| (h.changed_by.as_str(), h.new.clone())).collect();
    assert_eq!(evidence_rows, [("bob", Some(file.id.to_string())), ("bob", Some(link.id.to_string()))]);

    let err = store
        .add_evidence(
            &NewEvidence { expiry_date: Some(date("2025-12-31")), ..file_evidence(b"x") },
            &Actor::cli("a"),
            T0,
        )
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::ExpiryBeforeEffective { .. }), "{err}");
}

#[tokio::test]
async fn a_tampered_evidence_file_is_reported_never_served() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir).await;
    let file = store.add_evidence(&file_evidence(b"original"), &Actor::cli("alice"), T0).await.unwrap();
    let path = store.evidence_path(file.id).await.unwrap();

    std::fs::write(&path, b"tampered").unwrap();
    match store.read_evidence(file.id).await {
        Err(StoreError::EvidenceCorrupt { id, expected, actual, .. }) => {
            assert_eq!(id, file.id);
            assert_eq!(expected, sha256_hex(b"original"));
            assert_eq!(actual, sha256_hex(b"tampered"));
        }
        other => panic!("expected a hash mismatch, got {other:?}"),
    }

    std::fs::remove_file(&path).unwrap();
    assert!(matches!(store.read_evidence(file.id).await, Err(StoreError::EvidenceMissing { .. })));

    // Uploading the content again repairs the blob.
    store.add_evidence(&file_evidence(b"original"), &Actor::cli("alice"), T1).await.unwrap();
    assert_eq!(store.read_evidence(file.id).await.unwrap(), b"original");
}

#[tokio::test]
async fn a_new_assessment_starts_from_its_baseline() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir).await;
    let (_, system, last_year) = scenario(&store).await;
    let mut input = AnswerInput::new("1", AnswerResult::Implemented);
    input.how = "年1回の研修".into();
    let old = store.set_answer(last_year, &input, &Actor::cli("alice"), T0).await.unwrap();
    let evidence = store.add_evidence(&file_evidence("研修記録".as_bytes()), &Actor::cli("alice"), T0).await.unwrap();
    store.attach_evidence(old.id, evidence.id, &Actor::cli("alice"), T0).await.unwrap();

    let this_year = store
        .create_assessment(
            &NewAssessment { system_id: system, catalog_id: "mhlw-3-checklist".into(), baseline_id: Some(last_year) },
            &Actor::cli("bob"),
            T1,
        )
        .await
        .unwrap();
    assert_eq!(this_year.baseline_id, Some(last_year));
    let answers = store.answers(this_year.id).await.unwrap();
    assert_eq!(answers.len(), 1);
    let copy = &answers[0];
    assert_ne!(copy.id, old.id);
    assert_eq!(
        (copy.result, copy.how.as_str(), copy.created_by.as_str()),
        (AnswerResult::Implemented, "年1回の研修", "bob")
    );
    assert_eq!(
        copy.origin,
        Some(
            serde_json::json!({"kind": "baseline", "assessment": last_year.to_string(), "answer": old.id.to_string()})
        )
    );
    let attached: Vec<_> = store.evidence_for(copy.id).await.unwrap().into_iter().map(|e| e.id).collect();
    assert_eq!(attached, [evidence.id]);
    // The baseline is untouched.
    assert_eq!(store.answer(old.id).await.unwrap(), old);
}

#[tokio::test]
async fn what_changed_since_the_baseline_and_baselines_stay_within_one_catalog() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir).await;
    let (_, system, last_year) = scenario(&store).await;
    for (req, result) in [("org-1", AnswerResult::Implemented), ("org-2", AnswerResult::NotImplemented)] {
        store.set_answer(last_year, &AnswerInput::new(req, result), &Actor::cli("alice"), T0).await.unwrap();
    }
    let new = NewAssessment { system_id: system, catalog_id: "mhlw-3-checklist".into(), baseline_id: Some(last_year) };
    let this_year = store.create_assessment(&new, &Actor::cli("bob"), T1).await.unwrap().id;
    assert_eq!(store.baseline_changes(this_year).await.unwrap(), Some(vec![]));
    assert_eq!(store.baseline_changes(last_year).await.unwrap(), None);

    let mut fixed = AnswerInput::new("org-2", AnswerResult::Implemented);
    fixed.how = "規程を整備した".into();
    store.set_answer(this_year, &fixed, &Actor::cli("bob"), T1).await.unwrap();
    store
        .set_answer(this_year, &AnswerInput::new("org-3", AnswerResult::Partial), &Actor::cli("bob"), T1)
        .await
        .unwrap();
    let changes = store.baseline_changes(this_year).await.unwrap().unwrap();
    assert_eq!(
        changes,
        vec![
            BaselineChange::Changed {
                requirement_id: "org-2".into(),
                fields: vec![
                    ("result", Some("not-implemented".into()), Some("implemented".into())),
                    ("how", None, Some("規程を整備した".into())),
                ],
            },
            BaselineChange::Added { requirement_id: "org-3".into(), result: AnswerResult::Partial },
        ]
    );

    // A baseline on another catalog is refused, and nothing is written.
    let before = row_counts(&dir).await;
    let other = NewAssessment { system_id: system, catalog_id: "mhlw-5".into(), baseline_id: Some(last_year) };
    let err = store.create_assessment(&other, &Actor::cli("bob"), T1).await.unwrap_err();
    assert!(matches!(err, StoreError::BaselineCatalog { .. }), "{err}");
    assert!(err.to_string().contains("mhlw-3-checklist") && err.to_string().contains("migrate"), "{err}");
    assert_eq!(row_counts(&dir).await, before);

    // So is last year's assessment of another system, even of the same catalog.
    let org = store.system(system).await.unwrap().organization_id;
    let new_system = NewSystem {
        organization_id: org,
        name: "別システム".into(),
        service_model: ServiceModel::Saas,
        description: String::new(),
    };
    let elsewhere = store.create_system(&new_system, &Actor::cli("bob"), T1).await.unwrap();
    let before = row_counts(&dir).await;
    let other =
        NewAssessment { system_id: elsewhere.id, catalog_id: "mhlw-3-checklist".into(), baseline_id: Some(last_year) };
    let err = store.create_assessment(&other, &Actor::cli("bob"), T1).await.unwrap_err();
    assert!(matches!(err, StoreError::BaselineSystem { .. }), "{err}");
    assert_eq!(row_counts(&dir).await, before);
}

#[tokio::test]
async fn ids_can_be_typed_as_a_unique_start() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path().join("sansho.db")).await.unwrap();
    let (org, _, assessment) = scenario(&store).await;
    let full = assessment.to_string();
    assert_eq!(store.resolve_id(Kind::Assessment, &full).await.unwrap(), assessment);
    assert_eq!(store.resolve_id(Kind::Assessment, &full[..8].to_uppercase()).await.unwrap(), assessment);
    // The organization's id is not an assessment's.
    let err = store.resolve_id(Kind::Assessment, &org.to_string()[..8]).await.unwrap_err();
    assert!(matches!(err, StoreError::NoSuchId { what: "assessment", .. }), "{err}");
    assert!(matches!(store.resolve_id(Kind::Assessment, "abc").await, Err(StoreError::InvalidId(_))));
    assert!(matches!(store.resolve_id(Kind::Assessment, "'; DROP").await, Err(StoreError::InvalidId(_))));
    // Sequential ids share their first digits: ambiguous.
    let dir2 = tempfile::tempdir().unwrap();
    let store = open(&dir2).await;
    scenario(&store).await;
    scenario(&store).await;
    let err = store.resolve_id(Kind::Organization, "0000").await.unwrap_err();
    assert!(matches!(&err, StoreError::AmbiguousId { candidates, .. } if candidates.len() == 2), "{err}");
}

#[tokio::test]
async fn an_assessment_is_created_with_all_its_answers_or_not_at_all() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir).await;
    let (_, system, _) = scenario(&store).await;
    let evidence = store.add_evidence(&file_evidence(b"policy"), &Actor::cli("alice"), T0).await.unwrap();
    let mut first = AnswerInput::new("6.1-c-1", AnswerResult::Implemented);
    first.evidence = vec![evidence.id];
    let new = NewAssessment { system_id: system, catalog_id: "mhlw-5".into(), baseline_id: None };
    let before = row_counts(&dir).await;
    // The second input fails in the database (an unknown evidence id): nothing stays.
    let mut bad = AnswerInput::new("6.1-c-2", AnswerResult::Implemented);
    bad.evidence = vec![Id::from_u128(999)];
    let err = store
        .create_assessment_with_answers(&new, vec![first.clone(), bad], &Actor::cli("bob"), T1, &mut |_| {})
        .await
        .unwrap_err();
    assert!(err.to_string().contains("answer 1 of the import"), "{err}");
    assert_eq!(row_counts(&dir).await, before);

    let mut seen = 0;
    let (a, summary) = store
        .create_assessment_with_answers(&new, vec![first], &Actor::cli("bob"), T1, &mut |n| seen = n)
        .await
        .unwrap();
    assert_eq!((summary.created, seen, a.catalog_id.as_str()), (1, 1, "mhlw-5"));
    let answer = store.answer_for(a.id, "6.1-c-1").await.unwrap().unwrap();
    assert_eq!(store.evidence_for(answer.id).await.unwrap()[0].id, evidence.id);
    assert!(store.answer_for(a.id, "6.1-c-2").await.unwrap().is_none());
    let listed: Vec<_> =
        store.evidence_of_assessment(a.id).await.unwrap().into_iter().map(|(r, e)| (r, e.id)).collect();
    assert_eq!(listed, [("6.1-c-1".to_owned(), evidence.id)]);
}

const TEST_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$0123456789abcdef0123456789abcdef0123456789a";

async fn user(store: &Store, name: &str, role: sansho_store::Role) -> Id {
    let new = sansho_store::NewUser {
        username: name.into(),
        display_name: name.into(),
        password_hash: TEST_HASH.into(),
        role,
        is_emergency: false,
    };
    store.create_user(&new, &Actor::cli("admin"), T0).await.unwrap().id
}

#[tokio::test]
async fn a_final_assessment_is_read_only_until_its_owner_or_an_admin_reopens_it_with_a_reason() {
    use sansho_store::{AssessmentMeta, Role};
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir).await;
    let (org, system, _) = scenario(&store).await;
    let owner = user(&store, "owner", Role::Assessor).await;
    let other = user(&store, "other", Role::Assessor).await;
    let admin = user(&store, "boss", Role::Admin).await;
    let new = NewAssessment { system_id: system, catalog_id: "mhlw-3-checklist".into(), baseline_id: None };
    let meta = AssessmentMeta { name: Some("2026年度 定期評価".into()), owner_id: Some(owner) };
    let a = store.create_assessment_as(&new, &meta, &Actor::new("owner", "web"), T0).await.unwrap();
    assert_eq!(a.name.as_deref(), Some("2026年度 定期評価"));
    assert_eq!(a.owner_id, Some(owner));
    store.set_answer(a.id, &AnswerInput::new("1", AnswerResult::Implemented), &Actor::cli("bob"), T0).await.unwrap();
    let answer = store.answer_for(a.id, "1").await.unwrap().unwrap();
    let evidence = store
        .add_evidence(
            &NewEvidence {
                title: "規程".into(),
                source: EvidenceSource::Link { url: "https://example.jp/kitei".into() },
                effective_date: date("2026-01-01"),
                expiry_date: None,
                organization_id: Some(org),
            },
            &Actor::cli("bob"),
            T0,
        )
        .await
        .unwrap();
    store.set_assessment_status(a.id, AssessmentStatus::Final, &Actor::cli("bob"), T1).await.unwrap();
    let seq = store.audit_seq().await.unwrap();
    let rows = row_counts(&dir).await;

    // Every write path is refused with the same typed error, and writes nothing.
    let final_err = |r: Result<(), StoreError>| match r {
        Err(StoreError::AssessmentFinal(id)) => assert_eq!(id, a.id),
        other => panic!("expected AssessmentFinal, got {:?}", other.map(|_| ())),
    };
    final_err(
        store.set_answer(a.id, &AnswerInput::new("2", AnswerResult::Partial), &Actor::cli("bob"), T1).await.map(|_| ()),
    );
    final_err(
        store
            .import_answers(a.id, vec![AnswerInput::new("2", AnswerResult::Partial)], &Actor::cli("bob"), T1)
            .await
            .map(|_| ()),
    );
    final_err(
        store.set_answers(a.id, vec![AnswerInput::new("3", AnswerResult::Partial)], &Actor::cli("bob"), T1).await,
    );
    final_err(store.attach_evidence(answer.id, evidence.id, &Actor::cli("bob"), T1).await);
    final_err(store.set_assessment_status(a.id, AssessmentStatus::Draft, &Actor::cli("bob"), T1).await.map(|_| ()));
    // Reopening: a reason is required, and only the owner or an admin may.
    assert!(matches!(
        store.reopen_assessment(a.id, "  ", Some(owner), &Actor::new("owner", "web"), T1).await,
        Err(StoreError::Empty { .. })
    ));
    assert!(matches!(
        store.reopen_assessment(a.id, "修正", Some(other), &Actor::new("other", "web"), T1).await,
        Err(StoreError::ReopenNotAllowed { .. })
    ));
    assert_eq!(store.audit_seq().await.unwrap(), seq, "nothing was written");
    assert_eq!(row_counts(&dir).await, rows);

    let reopened =
        store.reopen_assessment(a.id, "監査指摘の反映", Some(owner), &Actor::new("owner", "web"), T1).await.unwrap();
    assert_eq!(reopened.status, AssessmentStatus::Draft);
    let log = store.audit_log(&sansho_store::AuditFilter::default()).await.unwrap();
    let record = &log[0];
    assert_eq!(record.action, "assessment.reopen");
    assert!(record.after_json.as_deref().unwrap().contains("監査指摘の反映"), "{record:?}");
    assert!(record.before_json.as_deref().unwrap().contains("\"final\""));
    store.set_answer(a.id, &AnswerInput::new("2", AnswerResult::Partial), &Actor::cli("bob"), T1).await.unwrap();

    // An admin may reopen anyone's; the command line (no user: the file's operator) too.
    store.set_assessment_status(a.id, AssessmentStatus::Final, &Actor::cli("bob"), T1).await.unwrap();
    store.reopen_assessment(a.id, "再評価", Some(admin), &Actor::new("boss", "web"), T1).await.unwrap();
    store.set_assessment_status(a.id, AssessmentStatus::Final, &Actor::cli("bob"), T1).await.unwrap();
    store.reopen_assessment(a.id, "再評価", None, &Actor::cli("bob"), T1).await.unwrap();
    // Reopening what is not final is a conflict too.
    assert!(matches!(
        store.reopen_assessment(a.id, "再評価", None, &Actor::cli("bob"), T1).await,
        Err(StoreError::NotFinal(_))
    ));
    assert!(store.verify_audit().await.unwrap().is_intact());
}

/// Every text the store keeps has a length limit, enforced here below the pages, the API and the
/// command line: one character more than the limit is refused with an error naming the field,
/// and nothing is written; the limit itself is accepted (issue 11 §1.6, §1.8).
#[tokio::test]
async fn every_text_field_has_a_length_limit_that_names_the_field() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir).await;
    let (org, system, assessment) = scenario(&store).await;
    let cli = Actor::cli("alice");
    let seq = store.audit_seq().await.unwrap();
    let long = |n: usize| "あ".repeat(n);
    let refused = |r: Result<(), StoreError>, field: &str, max: usize| {
        let err = r.expect_err(&format!("{field}: {} characters refused", max + 1));
        let text = err.to_string();
        assert!(text.contains(field) && text.contains("too long") && text.contains(&max.to_string()), "{text}");
    };
    let org_named = |name: String| NewOrganization { name, kind: OrgKind::MedicalInstitution, vendor_position: None };
    let sys = |name: String, description: String| NewSystem {
        organization_id: org,
        name,
        service_model: ServiceModel::OnPremises,
        description,
    };
    refused(store.create_organization(&org_named(long(201)), &cli, T1).await.map(drop), "organization name", 200);
    refused(store.create_system(&sys(long(201), String::new()), &cli, T1).await.map(drop), "system name", 200);
    refused(store.create_system(&sys("a".into(), long(4001)), &cli, T1).await.map(drop), "system description", 4000);
    let new_assessment = NewAssessment { system_id: system, catalog_id: "x".repeat(201), baseline_id: None };
    refused(store.create_assessment(&new_assessment, &cli, T1).await.map(drop), "catalog id", 200);
    // An answer of 32,768 characters (more than an xlsx cell holds) is refused at input.
    let mut a = AnswerInput::new("org-1", AnswerResult::Implemented);
    a.how = "x".repeat(32_768);
    refused(store.set_answer(assessment, &a, &cli, T1).await.map(drop), "how (実施内容)", 10_000);
    a.how = long(10_001);
    refused(store.set_answer(assessment, &a, &cli, T1).await.map(drop), "how (実施内容)", 10_000);
    let mut a = AnswerInput::new("org-1", AnswerResult::NotApplicable);
    a.justification = Some(long(4001));
    refused(store.set_answer(assessment, &a, &cli, T1).await.map(drop), "justification", 4000);
    let mut a = AnswerInput::new("org-1", AnswerResult::Partial);
    a.owner = Some(long(201));
    refused(store.set_answer(assessment, &a, &cli, T1).await.map(drop), "owner", 200);
    let a = AnswerInput::new("r".repeat(201), AnswerResult::Partial);
    refused(store.import_answers(assessment, vec![a], &cli, T1).await.map(drop), "requirement id", 200);
    let evidence = |title: String, source: EvidenceSource| NewEvidence {
        title,
        source,
        effective_date: date("2026-04-01"),
        expiry_date: None,
        organization_id: Some(org),
    };
    let link = |url: String| EvidenceSource::Link { url };
    let file = |file_name: String| EvidenceSource::File { file_name, content: b"x".to_vec() };
    refused(
        store.add_evidence(&evidence(long(501), link("https://a.example".into())), &cli, T1).await.map(drop),
        "evidence title",
        500,
    );
    let url = format!("https://a.example/{}", "p".repeat(2100));
    refused(store.add_evidence(&evidence("t".into(), link(url)), &cli, T1).await.map(drop), "evidence url", 2048);
    refused(
        store.add_evidence(&evidence("t".into(), file(long(256))), &cli, T1).await.map(drop),
        "evidence file name",
        255,
    );
    assert_eq!(store.audit_seq().await.unwrap(), seq, "nothing refused was written");

    // At the limit, every field is accepted.
    store.create_organization(&org_named(long(200)), &cli, T1).await.unwrap();
    store.create_system(&sys(long(200), long(4000)), &cli, T1).await.unwrap();
    let mut a = AnswerInput::new("org-1", AnswerResult::Partial);
    a.how = long(10_000);
    a.owner = Some(long(200));
    a.justification = Some(long(4000));
    store.set_answer(assessment, &a, &cli, T1).await.unwrap();
    store.add_evidence(&evidence(long(500), file(long(255))), &cli, T1).await.unwrap();
    let url = format!("https://a.example/{}", "p".repeat(2048 - 18));
    store.add_evidence(&evidence("t".into(), link(url)), &cli, T1).await.unwrap();
}

/// The database (with its -wal and -shm files) and the evidence files hold TOTP secrets and a
/// hospital's evidence: only their owner may read them (0600, folders 0700), whatever the umask;
/// a database file made readable by others before is tightened when opened (issue 11 §1.15).
#[cfg(unix)]
#[tokio::test]
async fn the_database_and_evidence_files_are_private_to_their_owner() {
    use std::os::unix::fs::PermissionsExt;
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("sansho.db");
    let store = open(&dir).await;
    let (org, _, _) = scenario(&store).await;
    let e = store
        .add_evidence(
            &NewEvidence {
                title: "規程".into(),
                source: EvidenceSource::File { file_name: "k.pdf".into(), content: b"%PDF private".to_vec() },
                effective_date: date("2026-04-01"),
                expiry_date: None,
                organization_id: Some(org),
            },
            &Actor::cli("alice"),
            T1,
        )
        .await
        .unwrap();
    for file in [db.clone(), dir.path().join("sansho.db-wal"), dir.path().join("sansho.db-shm")] {
        assert_eq!(mode(&file), 0o600, "{}", file.display());
    }
    let blob = store.evidence_path(e.id).await.unwrap();
    assert_eq!(mode(&blob), 0o600, "{}", blob.display());
    assert_eq!(mode(blob.parent().unwrap()), 0o700);
    assert_eq!(mode(&dir.path().join("evidence")), 0o700);
    store.close().await;

    // A file left readable by others (an older version, a copy) is tightened on open.
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o644)).unwrap();
    let store = open(&dir).await;
    assert_eq!(mode(&db), 0o600);
    store.close().await;
}

/// The two texts an assessment adds — its name and a reopening's reason — have limits too,
/// checked by the store (issue 11 §1.6).
#[tokio::test]
async fn an_assessment_name_and_a_reopen_reason_are_length_limited() {
    use sansho_store::{AssessmentMeta, Role};
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir).await;
    let (_, system, _) = scenario(&store).await;
    let admin = user(&store, "boss", Role::Admin).await;
    let new = NewAssessment { system_id: system, catalog_id: "mhlw-3-checklist".into(), baseline_id: None };
    let long = AssessmentMeta { name: Some("評".repeat(201)), owner_id: None };
    match store.create_assessment_as(&new, &long, &Actor::cli("bob"), T0).await {
        Err(StoreError::TooLong { field, max, .. }) => assert_eq!((field, max), ("assessment name", 200)),
        other => panic!("a 201-character name: {other:?}"),
    }
    let a = store.create_assessment_as(&new, &AssessmentMeta::default(), &Actor::cli("bob"), T0).await.unwrap();
    store.set_assessment_status(a.id, AssessmentStatus::Final, &Actor::cli("bob"), T1).await.unwrap();
    match store.reopen_assessment(a.id, &"x".repeat(4_001), Some(admin), &Actor::cli("bob"), T1).await {
        Err(StoreError::TooLong { field, max, .. }) => assert_eq!((field, max), ("reopen reason", 4_000)),
        other => panic!("a 4,001-character reason: {other:?}"),
    }
    store.reopen_assessment(a.id, &"x".repeat(4_000), Some(admin), &Actor::cli("bob"), T1).await.unwrap();
}

/// The id source the opener passes makes every id (the store picks none of its own).
#[tokio::test]
async fn the_opener_s_id_source_makes_the_ids() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sansho.db");
    let store = Store::open_with_ids(&path, SequentialIds::starting_after(41)).await.unwrap();
    let (org, system, assessment) = scenario(&store).await;
    assert_eq!([org, system, assessment], [Id::from_u128(42), Id::from_u128(43), Id::from_u128(44)]);
}

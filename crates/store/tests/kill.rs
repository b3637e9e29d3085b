//! A process killed with SIGKILL in the middle of a batch import leaves the database exactly as
//! it was before the import.
//!
//! The test re-runs its own test binary as the child (`current_exe()` with `--exact
//! child_slow_import` and an environment variable naming the database), so the child goes through
//! the same public API as every caller: `import_answers_with_progress` writes one answer at a time
//! in one transaction and the child sleeps after each write, printing a line after the first.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use sansho_store::{
    Actor, AnswerInput, AnswerResult, Id, NewAssessment, NewEvidence, NewOrganization, NewSystem, OrgKind,
    ServiceModel, Store, Timestamp, VendorPosition,
};
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions, Connection};

const CHILD_DB: &str = "SANSHO_STORE_TEST_CHILD_DB";
const CHILD_ASSESSMENT: &str = "SANSHO_STORE_TEST_CHILD_ASSESSMENT";
const CHILD_SLEEP_MS: &str = "SANSHO_STORE_TEST_CHILD_SLEEP_MS";
const FIRST_WRITE: &str = "child: first answer written";
const ANSWERS: usize = 200;

/// The child's side: does nothing unless started by `a_killed_import_leaves_the_database_as_it_was`.
#[tokio::test]
async fn child_slow_import() {
    let (Ok(db), Ok(assessment)) = (std::env::var(CHILD_DB), std::env::var(CHILD_ASSESSMENT)) else { return };
    let sleep = Duration::from_millis(std::env::var(CHILD_SLEEP_MS).unwrap().parse().unwrap());
    let store = Store::open(&db).await.unwrap();
    let assessment: Id = assessment.parse().unwrap();
    // Updates the answers that exist (requirements 000–009) and adds new ones.
    let inputs = (0..ANSWERS)
        .map(|i| {
            let mut input = AnswerInput::new(format!("req-{i:03}"), AnswerResult::Implemented);
            input.how = format!("child import {i}");
            input
        })
        .collect();
    store
        .import_answers_with_progress(assessment, inputs, &Actor::cli("child"), Timestamp(2_000), &mut |n| {
            if n == 1 {
                use std::io::Write;
                let mut out = std::io::stdout().lock();
                writeln!(out, "{FIRST_WRITE}").unwrap();
                out.flush().unwrap();
            }
            std::thread::sleep(sleep);
        })
        .await
        .unwrap();
}

/// Every row of every table, as text: two databases with the same dump hold the same data.
async fn dump(db: &Path) -> Vec<String> {
    sansho_store::dump_rows(db).await.unwrap()
}

fn spawn_child(db: &Path, assessment: Id, sleep_ms: u64) -> std::process::Child {
    Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "child_slow_import", "--nocapture", "--test-threads=1"])
        .env(CHILD_DB, db)
        .env(CHILD_ASSESSMENT, assessment.to_string())
        .env(CHILD_SLEEP_MS, sleep_ms.to_string())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

#[tokio::test]
async fn a_killed_import_leaves_the_database_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("sansho.db");
    let t = Timestamp(1_000);

    // A database with some of everything, including answers the child's import would change.
    let store = Store::open(&db).await.unwrap();
    let org = store
        .create_organization(
            &NewOrganization {
                name: "ベンダー".into(),
                kind: OrgKind::Vendor,
                vendor_position: Some(VendorPosition::Type3),
            },
            &Actor::cli("alice"),
            t,
        )
        .await
        .unwrap();
    let system = store
        .create_system(
            &NewSystem {
                organization_id: org.id,
                name: "PHR".into(),
                service_model: ServiceModel::Paas,
                description: String::new(),
            },
            &Actor::cli("alice"),
            t,
        )
        .await
        .unwrap();
    let assessment = store
        .create_assessment(
            &NewAssessment { system_id: system.id, catalog_id: "c".into(), baseline_id: None },
            &Actor::cli("alice"),
            t,
        )
        .await
        .unwrap();
    let seed = (0..10).map(|i| AnswerInput::new(format!("req-{i:03}"), AnswerResult::Partial)).collect();
    store.import_answers(assessment.id, seed, &Actor::cli("alice"), t).await.unwrap();
    let evidence = store
        .add_evidence(
            &NewEvidence {
                title: "規程".into(),
                source: sansho_store::EvidenceSource::File { file_name: "r.txt".into(), content: b"rules".to_vec() },
                effective_date: "2026-01-01".parse().unwrap(),
                expiry_date: None,
                organization_id: None,
            },
            &Actor::cli("alice"),
            t,
        )
        .await
        .unwrap();
    let first = store.answers(assessment.id).await.unwrap()[0].id;
    store.attach_evidence(first, evidence.id, &Actor::cli("alice"), t).await.unwrap();
    store.close().await;
    let before = dump(&db).await;
    assert!(before.len() > 20, "{before:#?}");

    // Start the slow import and kill it after its first write.
    let mut child = spawn_child(&db, assessment.id, 100);
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    loop {
        line.clear();
        let n = stdout.read_line(&mut line).unwrap();
        if n == 0 {
            let status = child.wait().unwrap();
            let mut stderr = String::new();
            std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
            panic!("the child ended ({status}) without writing: {stderr}");
        }
        // libtest may print `test child_slow_import ... ` on the same line first.
        if line.contains(FIRST_WRITE) {
            break;
        }
    }

    // The child is inside its transaction and holds SQLite's write lock.
    let mut probe = SqliteConnectOptions::new().filename(&db).busy_timeout(Duration::ZERO).connect().await.unwrap();
    let locked = sqlx::query("BEGIN IMMEDIATE").execute(&mut probe).await.unwrap_err();
    assert!(locked.to_string().contains("locked"), "{locked}");
    probe.close().await.unwrap();

    child.kill().unwrap(); // SIGKILL on unix
    let status = child.wait().unwrap();
    assert!(!status.success());
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        assert_eq!(status.signal(), Some(9), "{status}");
    }

    // Reopening recovers, migrates nothing new, and holds exactly what it held before.
    let store = Store::open(&db).await.unwrap();
    assert_eq!(store.answers(assessment.id).await.unwrap().len(), 10);
    let audit = store.verify_audit().await.unwrap();
    assert!(audit.is_intact(), "{audit:?}");
    let records = audit.records;
    store.close().await;
    assert_eq!(dump(&db).await, before);

    // Control: the same import left to finish does change the database, so the comparison above
    // is not vacuous, and the database is writable after the crash.
    let child = spawn_child(&db, assessment.id, 0);
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let store = Store::open(&db).await.unwrap();
    let answers = store.answers(assessment.id).await.unwrap();
    assert_eq!(answers.len(), ANSWERS);
    assert!(answers.iter().all(|a| a.result == AnswerResult::Implemented && a.updated_by == "child"));
    // One audit record per changed answer, chained to the records before the crash.
    let audit = store.verify_audit().await.unwrap();
    assert!(audit.is_intact(), "{audit:?}");
    assert_eq!(audit.records, records + ANSWERS as u64);
    store.close().await;
    assert_ne!(dump(&db).await, before);
}

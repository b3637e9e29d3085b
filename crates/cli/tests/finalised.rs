//! A final (確定) assessment is read-only from the command line too (the store refuses), and
//! `assessment reopen` needs a reason (issue 11 §2.3); `assessment new --name` names it (§2.8).

use std::process::{Command, Output};

fn run(dir: &std::path::Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sansho"))
        .args(args)
        .current_dir(dir)
        .env_remove("SANSHO_CATALOGS")
        .env_remove("SANSHO_CONFIG")
        .env_remove("SANSHO_LANG")
        .env("SANSHO_DB", dir.join("data/sansho.db"))
        .env("SANSHO_ACTOR", "tester")
        .env("HOME", dir)
        .env("XDG_CONFIG_HOME", dir.join(".config"))
        .env("XDG_DATA_HOME", dir.join(".local/share"))
        .output()
        .expect("sansho runs")
}

fn ok(dir: &std::path::Path, args: &[&str]) -> String {
    let o = run(dir, args);
    assert!(o.status.success(), "sansho {args:?}: {}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout).unwrap()
}

#[test]
fn a_final_assessment_refuses_answers_and_imports_until_reopened_with_a_reason() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let sample: serde_json::Value = serde_json::from_str(&ok(d, &["sample", "load", "--json"])).unwrap();
    let system = sample["system"]["id"].as_str().unwrap().to_owned();
    let made: serde_json::Value = serde_json::from_str(&ok(
        d,
        &[
            "assessment",
            "new",
            "--system",
            &system,
            "--catalog",
            "mhlw-3-checklist",
            "--name",
            "2026年度 定期評価",
            "--json",
        ],
    ))
    .unwrap();
    assert_eq!(made["name"], "2026年度 定期評価");
    let a = made["id"].as_str().unwrap().to_owned();
    ok(d, &["answer", "set", &a, "org-1", "実施済"]);
    ok(d, &["assessment", "status", &a, "final"]);

    let o = run(d, &["answer", "set", &a, "org-2", "実施済"]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("final (確定)") && err.contains("reopen"), "{err}");
    let o = run(d, &["assessment", "status", &a, "draft"]);
    assert_eq!(o.status.code(), Some(1), "leaving final is a reopening");
    // A reason is required (a usage error without one, a refusal when blank).
    assert_eq!(run(d, &["assessment", "reopen", &a]).status.code(), Some(2));
    assert_eq!(run(d, &["assessment", "reopen", &a, "--reason", " "]).status.code(), Some(1));
    ok(d, &["assessment", "reopen", &a, "--reason", "監査指摘の反映"]);
    ok(d, &["answer", "set", &a, "org-2", "実施済"]);
    let log = ok(d, &["audit", "log", "--json"]);
    assert!(log.contains("assessment.reopen") && log.contains("監査指摘の反映"), "{log}");
}

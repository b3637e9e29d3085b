//! `sansho audit` through the real binary: the bundled sample leaves an intact, hash-chained audit
//! log; tampering with the database file (as someone with sqlite3 would) makes `audit verify`
//! exit 1 naming the record.

use std::path::PathBuf;
use std::process::{Command, Output};

struct Env {
    dir: tempfile::TempDir,
}

impl Env {
    fn new() -> Env {
        Env { dir: tempfile::tempdir().unwrap() }
    }
    fn db(&self) -> PathBuf {
        self.dir.path().join("data/sansho.db")
    }
    fn run(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_sansho"))
            .args(args)
            .current_dir(self.dir.path())
            .env_remove("SANSHO_CATALOGS")
            .env_remove("SANSHO_CONFIG")
            .env_remove("SANSHO_LANG")
            .env_remove("SANSHO_IMPORT_PAUSE_MS")
            .env("SANSHO_DB", self.db())
            .env("SANSHO_ACTOR", "tester")
            .env("HOME", self.dir.path())
            .env("XDG_CONFIG_HOME", self.dir.path().join(".config"))
            .env("XDG_DATA_HOME", self.dir.path().join(".local/share"))
            .output()
            .expect("sansho runs")
    }
    /// Runs, expects exit status `code`, returns standard output.
    fn exits(&self, code: i32, args: &[&str]) -> String {
        let o = self.run(args);
        let (out, err) = (String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr));
        assert_eq!(o.status.code(), Some(code), "sansho {args:?}: {out}{err}");
        out.into_owned()
    }
    fn json(&self, code: i32, args: &[&str]) -> serde_json::Value {
        let out = self.exits(code, args);
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("not JSON ({e}): {out}"))
    }
    /// Runs SQL on the file through a connection of its own.
    fn tamper(&self, sql: &str) {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        rt.block_on(async {
            let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", self.db().display())).await.unwrap();
            let done = sqlx::query(sqlx::AssertSqlSafe(sql.to_owned())).execute(&pool).await.unwrap();
            assert!(done.rows_affected() > 0, "{sql}");
            pool.close().await;
        });
    }
}

#[test]
fn the_sample_leaves_an_intact_log_and_tampering_is_named() {
    let env = Env::new();
    // No database there: nothing to verify, and nothing is created.
    let o = env.run(&["audit", "verify"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("データベースがありません"), "{o:?}");
    assert!(!env.db().exists());

    env.exits(0, &["sample", "load"]);
    // The organization, the system, the assessment, then one record per answer.
    let v = env.json(0, &["audit", "verify", "--json"]);
    assert_eq!((v["intact"].as_bool(), v["records"].as_u64(), v["problem"].is_null()), (Some(true), Some(78), true));
    assert_eq!(v["head"]["seq"], 78);
    let head = v["head"]["hash"].as_str().unwrap().to_owned();
    assert_eq!(head.len(), 64);
    let text = env.exits(0, &["audit", "verify"]);
    assert!(text.contains("監査ログは改ざんされていません: 記録 78 件"), "{text}");
    assert!(text.contains(&format!("head: seq 78 sha256 {head}")), "{text}");
    let text = env.exits(0, &["--lang", "en", "audit", "verify"]);
    assert!(text.starts_with("Audit log intact: 78 records"), "{text}");

    // The log itself, newest first; verifying and reading wrote nothing.
    let log = env.json(0, &["audit", "log", "--limit", "3", "--json"]);
    let seqs: Vec<_> = log.as_array().unwrap().iter().map(|r| r["seq"].as_i64().unwrap()).collect();
    assert_eq!(seqs, [78, 77, 76]);
    assert_eq!((log[0]["actor"].as_str(), log[0]["source"].as_str()), (Some("tester"), Some("cli")));
    assert_eq!(log[0]["action"], "answer.import");
    assert_eq!(log[0]["after"]["created_by"], "tester");
    let first = env.json(0, &["audit", "log", "--limit", "100", "--json"]);
    let first = first.as_array().unwrap().last().unwrap().clone();
    assert_eq!((first["seq"].as_i64(), first["action"].as_str()), (Some(1), Some("organization.create")));
    let table = env.exits(0, &["audit", "log"]);
    assert!(table.contains("answer.import") && table.contains("tester"), "{table}");
    assert_eq!(env.json(0, &["audit", "verify", "--json"])["records"], 78);

    // A CLI write continues the chain, recording before → after.
    let assessment = log[0]["after"]["assessment_id"].as_str().unwrap()[..8].to_owned();
    env.exits(0, &["assessment", "status", &assessment, "in-review"]);
    let v = env.json(0, &["audit", "verify", "--json"]);
    assert_eq!((v["intact"].as_bool(), v["records"].as_u64()), (Some(true), Some(79)));
    let last = &env.json(0, &["audit", "log", "--limit", "1", "--json"])[0];
    assert_eq!(
        (last["action"].as_str(), last["before"]["status"].as_str()),
        (Some("assessment.status"), Some("draft"))
    );
    assert_eq!(last["after"]["status"], "in-review");

    // Someone changes what an answer was recorded as.
    env.tamper(
        "UPDATE audit_log SET after_json = replace(after_json, '\"implemented\"', '\"partial\"') WHERE seq = 40",
    );
    let text = env.exits(1, &["audit", "verify"]);
    assert!(text.contains("記録 40 が改ざんされています"), "{text}");
    assert!(text.contains("record 40 was edited"), "{text}");
    let v = env.json(1, &["audit", "verify", "--json"]);
    assert_eq!(
        (v["intact"].as_bool(), v["problem"]["kind"].as_str(), v["problem"]["seq"].as_i64()),
        (Some(false), Some("edited"), Some(40))
    );
    assert!(v["problem"]["message"].as_str().unwrap().starts_with("record 40 was edited"));
    env.tamper(
        "UPDATE audit_log SET after_json = replace(after_json, '\"partial\"', '\"implemented\"') WHERE seq = 40",
    );
    env.exits(0, &["audit", "verify"]);

    // Someone deletes the last record.
    env.tamper("DELETE FROM audit_log WHERE seq = 79");
    let text = env.exits(1, &["--lang", "en", "audit", "verify"]);
    assert!(text.contains("record 79 is missing (deleted at the end)"), "{text}");
    // And then a record in the middle.
    env.tamper("DELETE FROM audit_log WHERE seq = 12");
    let v = env.json(1, &["audit", "verify", "--json"]);
    assert_eq!(
        (v["problem"]["kind"].as_str(), v["problem"]["seq"].as_i64(), v["records"].as_u64()),
        (Some("gap"), Some(12), Some(77))
    );
    let text = env.exits(1, &["audit", "verify"]);
    assert!(text.contains("記録 12 が削除されています"), "{text}");
}

//! `sansho user …` and `sansho emergency …` through the real binary on a real database file: an
//! admin locked out of the browser recovers from the command line, and every change is audited
//! with the CLI actor.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

use sansho_store::{Actor, LockoutPolicy, NewSession, Store, Timestamp};

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
    /// Runs with `stdin` as standard input.
    fn run_with(&self, args: &[&str], stdin: &str) -> Output {
        let mut child = Command::new(env!("CARGO_BIN_EXE_sansho"))
            .args(args)
            .current_dir(self.dir.path())
            .env_remove("SANSHO_CATALOGS")
            .env_remove("SANSHO_CONFIG")
            .env_remove("SANSHO_LANG")
            .env("SANSHO_DB", self.db())
            .env("SANSHO_ACTOR", "tester")
            .env("HOME", self.dir.path())
            .env("XDG_CONFIG_HOME", self.dir.path().join(".config"))
            .env("XDG_DATA_HOME", self.dir.path().join(".local/share"))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("sansho runs");
        child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
        child.wait_with_output().unwrap()
    }
    /// Runs, expects exit status `code`, returns standard output and standard error.
    fn exits(&self, code: i32, args: &[&str], stdin: &str) -> (String, String) {
        let o = self.run_with(args, stdin);
        let (out, err) =
            (String::from_utf8_lossy(&o.stdout).into_owned(), String::from_utf8_lossy(&o.stderr).into_owned());
        assert_eq!(o.status.code(), Some(code), "sansho {args:?}: {out}{err}");
        (out, err)
    }
    fn json(&self, args: &[&str]) -> serde_json::Value {
        let (out, _) = self.exits(0, args, "");
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("not JSON ({e}): {out}"))
    }
    fn user(&self, name: &str) -> serde_json::Value {
        let all = self.json(&["user", "list", "--json"]);
        all.as_array()
            .unwrap()
            .iter()
            .find(|u| u["username"] == name)
            .cloned()
            .unwrap_or_else(|| panic!("{name}: {all}"))
    }
    /// Does something to the file through the store, as the web application would.
    fn store<T>(&self, f: impl AsyncFnOnce(&Store) -> T) -> T {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        rt.block_on(async {
            let store = Store::open(self.db()).await.unwrap();
            let out = f(&store).await;
            store.close().await;
            out
        })
    }
}

fn now() -> Timestamp {
    Timestamp(std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis() as i64)
}

#[test]
fn users_are_created_with_a_password_from_standard_input_and_never_from_an_argument() {
    let env = Env::new();
    assert_eq!(env.json(&["user", "list", "--json"]), serde_json::json!([]));
    // No password as an argument: that is a usage error.
    env.exits(2, &["user", "create", "root", "--role", "admin", "--password", "admin password 1"], "");
    // Standard input is not a terminal and --password-stdin was not given.
    let (_, err) = env.exits(1, &["user", "create", "root", "--role", "admin"], "admin password 1\n");
    assert!(err.contains("--password-stdin"), "{err}");
    // The policy applies, naming the field.
    let (_, err) =
        env.exits(1, &["--lang", "en", "user", "create", "root", "--role", "admin", "--password-stdin"], "short\n");
    assert!(err.contains("password") && err.contains("12"), "{err}");
    assert_eq!(env.json(&["user", "list", "--json"]), serde_json::json!([]), "nothing was written");

    let (out, _) =
        env.exits(0, &["user", "create", "root", "--role", "admin", "--password-stdin"], "admin password 1\n");
    assert!(out.contains("root"), "{out}");
    let org = env.json(&["org", "add", "A病院", "--kind", "medical-institution", "--json"]);
    let org_id = org["id"].as_str().unwrap();
    env.exits(
        0,
        &[
            "user",
            "create",
            "alice",
            "--role",
            "assessor",
            "--display-name",
            "アリス",
            "--org",
            &org_id[..8],
            "--password-stdin",
        ],
        "alice password 1\n",
    );
    let (_, err) =
        env.exits(1, &["user", "create", "ALICE", "--role", "viewer", "--password-stdin"], "alice password 1\n");
    assert!(err.contains("使われています"), "{err}");
    let alice = env.user("alice");
    assert_eq!(alice["organizations"], serde_json::json!(["A病院"]));
    assert_eq!((alice["role"].as_str(), alice["display_name"].as_str()), (Some("assessor"), Some("アリス")));
    // The stored hash verifies the password that was typed, and nothing prints it.
    let hash = env.store(async |s| s.user_by_username("alice").await.unwrap().unwrap().password_hash);
    assert!(sansho_auth::verify_password("alice password 1", &hash).unwrap());
    let (table, _) = env.exits(0, &["user", "list"], "");
    assert!(table.contains("alice") && table.contains("評価者") && !table.contains("argon2"), "{table}");
    let (log, _) = env.exits(0, &["audit", "log", "--json", "--limit", "50"], "");
    assert!(log.contains("user.create") && log.contains("\"cli\"") && !log.contains("argon2"));
}

#[test]
fn a_locked_out_admin_recovers_from_the_command_line() {
    let env = Env::new();
    env.exits(0, &["user", "create", "root", "--role", "admin", "--password-stdin"], "admin password 1\n");
    env.exits(0, &["user", "create", "second", "--role", "admin", "--password-stdin"], "admin password 2\n");
    let root = env.store(async |s| s.user_by_username("root").await.unwrap().unwrap().id);

    // Locked after failed logins, with a second factor and a live session.
    let policy = LockoutPolicy { max_failures: 5, lock_ms: 900_000, max_lock_ms: 86_400_000 };
    env.store(async |s| {
        let web = Actor::new("root", "192.0.2.7");
        for _ in 0..5 {
            s.record_login_failure(root, policy, &web, now()).await.unwrap();
        }
        s.set_totp_secret(root, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", &web, now()).await.unwrap();
        s.enable_totp(root, &web, now()).await.unwrap();
        let token_hash = "ab".repeat(32);
        let session =
            NewSession { token_hash, user_id: root, expires_at: Timestamp(now().0 + 3_600_000), mfa_passed: true };
        s.create_session(&session, &web, now()).await.unwrap();
    });
    let u = env.user("root");
    assert!(u["locked_until"].is_i64() && u["totp_enabled"] == true, "{u}");
    let (table, _) = env.exits(0, &["user", "list"], "");
    assert!(table.contains("ロック中"), "{table}");

    env.exits(0, &["user", "unlock", "root"], "");
    assert!(env.user("root")["locked_until"].is_null());
    env.exits(0, &["user", "reset-totp", "root"], "");
    assert_eq!(env.user("root")["totp_enabled"], false);
    // The reset ended the session too (issue 11 §1.4): nothing is left to revoke.
    assert!(env.store(async |s| s.sessions_of(root, now()).await.unwrap()).is_empty());
    let (out, _) = env.exits(0, &["--lang", "en", "user", "revoke-sessions", "root"], "");
    assert!(out.contains("0 sessions ended"), "{out}");
    assert!(env.store(async |s| s.sessions_of(root, now()).await.unwrap()).is_empty());

    // Disable and enable; the last enabled admin cannot be disabled.
    env.exits(0, &["user", "disable", "second"], "");
    assert_eq!(env.user("second")["disabled"], true);
    let (_, err) = env.exits(1, &["user", "disable", "root"], "");
    assert!(err.contains("管理者"), "{err}");
    assert_eq!(env.user("root")["disabled"], false);
    env.exits(0, &["user", "enable", "second"], "");
    assert_eq!(env.user("second")["disabled"], false);
    let (_, err) = env.exits(1, &["user", "unlock", "nobody"], "");
    assert!(err.contains("nobody"), "{err}");

    // Each step is audited with the CLI actor and source.
    let records = env.store(async |s| s.audit_log(&sansho_store::AuditFilter::default()).await.unwrap());
    let by_cli: Vec<&str> =
        records.iter().filter(|r| r.actor == "tester" && r.source == "cli").map(|r| r.action.as_str()).collect();
    for want in
        ["user.unlock", "user.totp_disable", "user.recovery_codes_set", "session.revoke", "user.disable", "user.enable"]
    {
        assert!(by_cli.contains(&want), "{want} missing from {by_cli:?}");
    }
    assert!(env.store(async |s| s.verify_audit().await.unwrap()).is_intact());
}

#[test]
fn emergency_uses_are_listed_and_acknowledged() {
    let env = Env::new();
    let (out, _) = env.exits(
        0,
        &["user", "create", "kinkyu", "--role", "assessor", "--emergency", "--password-stdin"],
        "emergency pass 1\n",
    );
    assert!(out.contains("無効"), "{out}");
    let u = env.user("kinkyu");
    assert_eq!((u["emergency"].as_bool(), u["disabled"].as_bool()), (Some(true), Some(true)));
    env.exits(0, &["user", "enable", "kinkyu"], "");
    let id = env.store(async |s| s.user_by_username("kinkyu").await.unwrap().unwrap().id);
    env.store(async |s| s.record_login_success(id, &Actor::new("kinkyu", "198.51.100.4"), now()).await.unwrap());

    let uses = env.json(&["emergency", "list", "--unacknowledged", "--json"]);
    assert_eq!(uses.as_array().unwrap().len(), 1);
    assert_eq!((uses[0]["username"].as_str(), uses[0]["source"].as_str()), (Some("kinkyu"), Some("198.51.100.4")));
    let (table, _) = env.exits(0, &["emergency", "list"], "");
    assert!(table.contains("未確認") && table.contains("198.51.100.4"), "{table}");
    let use_id = uses[0]["id"].as_str().unwrap().to_owned();

    let (_, err) = env.exits(1, &["emergency", "acknowledge", "ffffffff"], "");
    assert!(err.contains("ffffffff"), "{err}");
    let (out, _) = env.exits(0, &["emergency", "acknowledge", &use_id[..8]], "");
    assert!(out.contains(&use_id[..8]), "{out}");
    assert_eq!(env.json(&["emergency", "list", "--unacknowledged", "--json"]), serde_json::json!([]));
    let all = env.json(&["emergency", "list", "--json"]);
    assert_eq!(all[0]["acknowledged_by"], "tester");
    let records = env.store(async |s| {
        let filter = sansho_store::AuditFilter { action: Some("emergency.acknowledge".into()), ..Default::default() };
        s.audit_log(&filter).await.unwrap()
    });
    assert_eq!((records.len(), records[0].source.as_str()), (1, "cli"));
}

//! Answers files and gates through the real binary: where a bad file is wrong (invalid UTF-8,
//! an answer given twice, another catalog), `check --require`, and messages in both languages.

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
    fn write(&self, name: &str, bytes: impl AsRef<[u8]>) {
        std::fs::write(self.dir.path().join(name), bytes).unwrap();
    }
    fn run(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_sansho"))
            .args(args)
            .current_dir(self.dir.path())
            .env_remove("SANSHO_CATALOGS")
            .env_remove("SANSHO_CONFIG")
            .env_remove("SANSHO_LANG")
            .env_remove("SANSHO_TZ")
            .env("SANSHO_DB", self.db())
            .env("SANSHO_ACTOR", "tester")
            .env("HOME", self.dir.path())
            .env("XDG_CONFIG_HOME", self.dir.path().join(".config"))
            .env("XDG_DATA_HOME", self.dir.path().join(".local/share"))
            .output()
            .expect("sansho runs")
    }
    fn ok(&self, args: &[&str]) -> String {
        let o = self.run(args);
        assert!(o.status.success(), "sansho {args:?} failed: {}{}", stderr(&o), stdout(&o));
        stdout(&o)
    }
    fn json(&self, args: &[&str]) -> serde_json::Value {
        let out = self.ok(args);
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("not JSON ({e}): {out}"))
    }
    /// Runs and expects exit status `code`; returns standard error.
    fn fails_with(&self, code: i32, args: &[&str]) -> String {
        let o = self.run(args);
        assert_eq!(o.status.code(), Some(code), "sansho {args:?}: {}{}", stdout(&o), stderr(&o));
        stderr(&o)
    }
    fn fails(&self, args: &[&str]) -> String {
        self.fails_with(1, args)
    }
    fn sample(&self) -> String {
        let v = self.json(&["sample", "load", "--json"]);
        v["assessment"]["id"].as_str().unwrap()[..8].to_owned()
    }
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}
fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn an_answers_file_with_invalid_utf8_is_refused_at_its_line_and_column() {
    let env = Env::new();
    let mut bytes =
        b"catalog = \"mhlw-3-checklist\"\n\n[[answer]]\nrequirement = \"org-1\"\nhow = \"\xe5\xae\x9f".to_vec();
    bytes.extend(b"\xff\"\nresult = \"yes\"\n");
    env.write("bad.toml", &bytes);
    let a = env.sample();
    for args in [vec!["check", "bad.toml"], vec!["assessment", "import", &a, "bad.toml"]] {
        let err = env.fails(&args);
        // Line 5, after `how = "実`: column 9 (characters), byte offset 73 of the file.
        assert!(err.contains("bad.toml:5:9"), "{err}");
        assert!(err.contains("UTF-8") && err.contains("73") && err.contains("0xFF"), "{err}");
    }
}

#[test]
fn an_answer_given_twice_is_named_with_both_lines() {
    let env = Env::new();
    env.write(
        "twice.toml",
        "catalog = \"mhlw-3-checklist\"\n\n[[answer]]\nrequirement = \"org-1\"\nresult = \"yes\"\n\n[[answer]]\nrequirement = \"組織的安全管理対策 1\"\nresult = \"no\"\n",
    );
    let a = env.sample();
    for args in [
        vec!["check", "twice.toml"],
        vec!["assessment", "import", &a, "twice.toml"],
        vec!["assessment", "import", &a, "twice.toml", "--dry-run"],
    ] {
        let err = env.fails(&args);
        assert!(err.contains("twice.toml:8:15") && err.contains("4") && err.contains("org-1"), "{args:?}: {err}");
        assert!(err.contains("4 行目") && err.contains("8 行目"), "{args:?}: {err}");
    }
    let o = env.run(&["--lang", "en", "check", "twice.toml"]);
    assert!(stderr(&o).contains("lines 4 and 8"), "{}", stderr(&o));
}

#[test]
fn an_answers_file_for_another_catalog_is_refused_naming_both() {
    let env = Env::new();
    let a = env.sample();
    env.write("other.toml", "catalog = \"mhlw-5\"\n\n[[answer]]\nrequirement = \"6.5 C 11 (1)\"\nresult = \"yes\"\n");
    let before = env.ok(&["answer", "list", &a, "--json"]);
    for args in [
        vec!["assessment", "import", &a, "other.toml"],
        vec!["assessment", "import", &a, "other.toml", "--dry-run"],
        vec!["check", "other.toml", "--catalog", "mhlw-3-checklist"],
    ] {
        let err = env.fails(&args);
        assert!(err.contains("other.toml:1:11") && err.contains("mhlw-5") && err.contains("mhlw-3-checklist"), "{err}");
    }
    assert_eq!(env.ok(&["answer", "list", &a, "--json"]), before);
    // Without answers it used to be imported silently: refused as well.
    env.write("other-empty.toml", "catalog = \"mhlw-5\"\n");
    let err = env.fails(&["assessment", "import", &a, "other-empty.toml"]);
    assert!(err.contains("other-empty.toml:1:11") && err.contains("mhlw-5"), "{err}");
}

fn small_checklist() -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (c, h) in ["No.", "区分", "チェック項目"].iter().enumerate() {
        ws.write(0, c as u16, *h).unwrap();
    }
    ws.write(1, 0, "1").unwrap();
    ws.write(1, 1, "組織的安全管理対策").unwrap();
    ws.write(1, 2, "情報システム運用責任者を設置している。").unwrap();
    wb.save_to_buffer().unwrap()
}

/// Files in the folder whose name ends with `.tmp`.
fn leftovers(dir: &std::path::Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp") || n.starts_with(".tmp"))
        .collect()
}

#[test]
fn import_xlsx_that_cannot_write_its_file_leaves_no_temporary_file() {
    let env = Env::new();
    env.write("list.xlsx", small_checklist());
    // The output cannot be put in place (a folder has its name), as a full disk would fail it.
    std::fs::create_dir(env.dir.path().join("ours.toml")).unwrap();
    let err = env.fails(&["catalog", "import-xlsx", "list.xlsx", "--id", "ours", "--out", "ours.toml", "--force"]);
    assert!(err.contains("ours.toml"), "{err}");
    assert_eq!(leftovers(env.dir.path()), Vec::<String>::new());
    // The same import to a file that can be written works.
    env.ok(&["catalog", "import-xlsx", "list.xlsx", "--id", "ours", "--out", "ours2.toml"]);
    assert!(env.dir.path().join("ours2.toml").is_file());
    assert_eq!(leftovers(env.dir.path()), Vec::<String>::new());
}

#[test]
fn require_minimum_on_a_catalog_without_mandatory_items_does_not_pass_and_require_all_checks_everything() {
    let env = Env::new();
    env.write("list.xlsx", small_checklist());
    std::fs::create_dir(env.dir.path().join("cats")).unwrap();
    env.ok(&["catalog", "import-xlsx", "list.xlsx", "--id", "ours", "--out", "cats/ours.toml"]);
    let answer = |result: &str| {
        format!("catalog = \"ours\"\n\n[[answer]]\nrequirement = \"組織的安全管理対策 1\"\nresult = \"{result}\"\n")
    };
    env.write("done.toml", answer("実施済"));
    env.write("open.toml", answer("未実施"));
    // Nothing is marked 遵守事項: the minimum package has nothing to check, and says so.
    let err = env.fails(&["--catalogs", "cats", "check", "open.toml", "--require", "minimum"]);
    assert!(err.contains("遵守事項") && err.contains("--require all"), "{err}");
    let o = env.run(&["--lang", "en", "--catalogs", "cats", "check", "open.toml"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("marks no requirement as mandatory"), "{}", stderr(&o));
    // --require all: every requirement met or justified not applicable.
    let o = env.run(&["--catalogs", "cats", "check", "open.toml", "--require", "all"]);
    assert_eq!(o.status.code(), Some(3), "{}{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).contains("組織的安全管理対策 1") && stdout(&o).contains("未実施"), "{}", stdout(&o));
    assert!(stdout(&o).contains("全項目"), "{}", stdout(&o));
    let out = env.ok(&["--catalogs", "cats", "check", "done.toml", "--require", "all"]);
    assert!(out.contains("充足"), "{out}");
    // On a bundled catalog, all is stricter than minimum: the sample meets neither, and a
    // recommended item left open fails all alone.
    let sample = concat!(env!("CARGO_MANIFEST_DIR"), "/../../samples/vendor-003.answers.toml");
    env.fails_with(3, &["check", sample, "--require", "all"]);
    env.ok(&["check", sample, "--require", "none"]);
}

#[test]
fn show_lists_a_no_counterpart_entry_as_related_with_its_provenance() {
    let env = Env::new();
    let out = env.ok(&["show", "cyber-infra", "S1-2"]);
    assert!(out.contains("meti-mic-2"), "{out}");
    assert!(out.contains("明文規定なし") && out.contains("001_485acbf5d70072c0.txt:2238"), "{out}");
    let v = env.json(&["show", "cyber-infra", "S1-2", "--json"]);
    let entry = v["no_counterpart"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["catalog"] == "meti-mic-2")
        .unwrap_or_else(|| panic!("{v}"));
    assert_eq!(entry["relation"], "no-relationship");
    assert_eq!(entry["mapping_set"], "cyber-infra--meti-mic-2");
    assert_eq!(entry["provenance"][0], "001_485acbf5d70072c0.txt:2238", "{entry}");
    assert!(entry["note"].as_str().unwrap().contains("記載なし"));
    // A requirement with counterparts has no such entry.
    let v = env.json(&["show", "mhlw-3-checklist", "org-1", "--json"]);
    assert_eq!(v["no_counterpart"], serde_json::json!([]), "{}", v["no_counterpart"]);
}

/// Whether a text has a Japanese character (kana or kanji).
fn has_japanese(s: &str) -> bool {
    s.chars().any(|c| matches!(c as u32, 0x3040..=0x30FF | 0x4E00..=0x9FFF | 0xFF01..=0xFF5E))
}

#[test]
fn every_error_in_japanese_mode_is_in_japanese() {
    let env = Env::new();
    let a = env.sample();
    let system = env.json(&["assessment", "show", &a, "--json"])["system"]["id"].as_str().unwrap().to_owned();
    env.ok(&["export", &a, "--format", "csv", "--out", "out.csv"]);
    env.write("empty.toml", "catalog = \"mhlw-3-checklist\"\n");
    let cases: Vec<Vec<&str>> = vec![
        vec!["assessment", "show", "zzzz"],
        vec!["assessment", "show", "0000ffff"],
        vec!["assessment", "show", ""],
        vec!["assessment", "new", "--system", "zzzz", "--catalog", "mhlw-5"],
        vec!["assessment", "new", "--system", &system, "--catalog", "no-such-catalog"],
        vec!["assessment", "migrate", &a, "--to", "no-such-catalog"],
        vec!["assessment", "import", &a, "missing.toml"],
        vec!["answer", "set", &a, "org-1", "maybe"],
        vec!["answer", "set", &a, "org-1", "該当なし"],
        vec!["answer", "set", &a, "org-1", "実施済", "--due", "2026-13-45"],
        vec!["answer", "set", &a, "9.9.9", "実施済"],
        vec!["answer", "show", &a, "9.9.9"],
        vec!["answer", "accept", &a, "org-1"],
        vec!["export", &a, "--format", "csv", "--out", "out.csv"],
        vec!["export", &a, "--catalog", "no-such-catalog"],
        vec!["export", &a, "--format", "xlsx", "--out", "-"],
        vec!["gaps", &a, "--catalog", "no-such-catalog"],
        vec!["evidence", "add", &a, "org-1", "--file", "missing.pdf"],
        vec![
            "evidence",
            "add",
            &a,
            "org-1",
            "--file",
            "out.csv",
            "--expires",
            "2000-01-01",
            "--effective",
            "2020-01-01",
        ],
        vec!["system", "add", "S", "--org", "zzzz", "--model", "saas"],
        vec!["org", "add", " ", "--kind", "vendor"],
        vec!["org", "add", "病院", "--kind", "medical-institution", "--position", "direct-contract"],
        vec!["check", "missing.toml"],
        vec!["check", "out.csv"],
        vec!["check", "empty.toml", "--catalog", "no-such-catalog"],
        vec!["show", "mhlw-5", "9.9.9"],
        vec!["show", "no-such-catalog", "x"],
        vec!["crosswalk", "no-such-catalog", "mhlw-5"],
        vec!["oscal", "export", "--catalog", "no-such-catalog"],
        vec!["oscal", "export", "--mapping", "no-such-mapping"],
        vec!["oscal", "import", "missing.json", "--into", "cats"],
        vec!["catalog", "import-xlsx", "missing.xlsx"],
        vec!["catalog", "check", "missing-folder"],
    ];
    let mut english = Vec::new();
    for args in &cases {
        let o = env.run(args);
        assert!(!o.status.success(), "{args:?} succeeded: {}", stdout(&o));
        let err = stderr(&o);
        for line in err.lines().filter(|l| l.starts_with("sansho:")) {
            if !has_japanese(line) {
                english.push(format!("{args:?}: {line}"));
            }
        }
        assert!(err.lines().any(|l| l.starts_with("sansho:")), "{args:?}: {err}");
    }
    assert!(english.is_empty(), "messages without Japanese in Japanese mode:\n{}", english.join("\n"));
    // And English when asked.
    let o = env.run(&["--lang", "en", "assessment", "show", "0000ffff"]);
    assert!(stderr(&o).contains("no assessment id starts with"), "{}", stderr(&o));
}

#[test]
fn a_due_date_in_the_past_is_accepted_with_a_warning() {
    let env = Env::new();
    let a = env.sample();
    let o = env.run(&["answer", "set", &a, "org-1", "実施済", "--due", "2020-01-01"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("期限") && stderr(&o).contains("2020-01-01") && stderr(&o).contains("過ぎ"),
        "{}",
        stderr(&o)
    );
    let o = env.run(&["--lang", "en", "answer", "set", &a, "org-2", "実施済", "--due", "2020-01-01"]);
    assert!(o.status.success());
    assert!(stderr(&o).contains("2020-01-01 is in the past"), "{}", stderr(&o));
    // A date to come says nothing.
    let o = env.run(&["answer", "set", &a, "org-3", "実施済", "--due", "2999-12-31"]);
    assert!(o.status.success() && stderr(&o).is_empty(), "{}", stderr(&o));
    // A checklist with past due dates is imported, with one warning naming the rows.
    env.ok(&["export", &a, "--format", "csv", "--out", "due.csv"]);
    let system = env.json(&["assessment", "show", &a, "--json"])["system"]["id"].as_str().unwrap().to_owned();
    let fresh = env.json(&["assessment", "new", "--system", &system, "--catalog", "mhlw-3-checklist", "--json"]);
    let o = env.run(&["assessment", "import", fresh["id"].as_str().unwrap(), "due.csv"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let warning = stderr(&o);
    assert!(warning.contains("2 行の期限はすでに過ぎています") && warning.contains("2020-01-01"), "{warning}");
}

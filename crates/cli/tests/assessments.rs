//! Assessments through the real `sansho` binary, on a database in a temporary folder: the
//! bundled sample (seed 003), answers and their history, derived coverage, migration, baseline,
//! evidence, exports, checklist imports, and a process killed in the middle of an import.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

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
    fn cmd(&self, args: &[&str]) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_sansho"));
        c.args(args)
            .current_dir(self.dir.path())
            .env_remove("SANSHO_CATALOGS")
            .env_remove("SANSHO_CONFIG")
            .env_remove("SANSHO_LANG")
            .env_remove("SANSHO_IMPORT_PAUSE_MS")
            .env("SANSHO_DB", self.db())
            .env("SANSHO_ACTOR", "tester")
            .env("HOME", self.dir.path())
            .env("XDG_CONFIG_HOME", self.dir.path().join(".config"))
            .env("XDG_DATA_HOME", self.dir.path().join(".local/share"));
        c
    }
    fn run(&self, args: &[&str]) -> Output {
        self.cmd(args).output().expect("sansho runs")
    }
    /// Runs and expects success; returns standard output.
    fn ok(&self, args: &[&str]) -> String {
        let o = self.run(args);
        assert!(o.status.success(), "sansho {args:?} failed: {}{}", stderr(&o), stdout(&o));
        stdout(&o)
    }
    fn json(&self, args: &[&str]) -> serde_json::Value {
        let out = self.ok(args);
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("not JSON ({e}): {out}"))
    }
    /// Runs and expects failure with exit status 1; returns standard error.
    fn fails(&self, args: &[&str]) -> String {
        let o = self.run(args);
        assert_eq!(o.status.code(), Some(1), "sansho {args:?}: {}{}", stdout(&o), stderr(&o));
        stderr(&o)
    }
    /// Loads the sample and returns the assessment's id.
    fn sample(&self) -> String {
        let v = self.json(&["sample", "load", "--json"]);
        assert_eq!(v["answers"], 75);
        v["assessment"]["id"].as_str().unwrap().to_owned()
    }
    fn dump(&self) -> Vec<String> {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        rt.block_on(sansho_store::dump_rows(&self.db())).unwrap()
    }
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}
fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn counts(v: &serde_json::Value) -> Vec<u64> {
    v["counts"].as_array().unwrap().iter().map(|n| n.as_u64().unwrap()).collect()
}

#[test]
fn the_sample_is_a_vendor_assessment_with_derived_coverage_on_the_other_guidelines() {
    let env = Env::new();
    let id = env.sample();
    let show = env.json(&["assessment", "show", &id[..8], "--json"]);
    assert_eq!(show["organization"]["kind"], "vendor");
    assert_eq!(show["system"]["service_model"], "on-premises");
    assert_eq!(show["assessment"]["catalog_id"], "mhlw-3-checklist");
    assert_eq!(show["answers"], 75);
    // [implemented, partial, not-implemented, not-applicable, unanswered] over the 80 check items:
    // 69 ■, 6 □ and the 5 headings answered only through their sub-items.
    assert_eq!(counts(&show["gaps"]["total"]), [69, 0, 6, 0, 5]);
    assert_eq!(show["gaps"]["minimum"]["met"], false);
    let coverage: Vec<&str> =
        show["derived_coverage"].as_array().unwrap().iter().map(|c| c["catalog"].as_str().unwrap()).collect();
    for c in ["mhlw-5", "meti-2012", "mic-cloud-2018"] {
        assert!(coverage.contains(&c), "{coverage:?}");
    }
    // On mhlw-5, through the editorial map: the equivalences carry 実施済, the rest is for review.
    let gaps = env.json(&["gaps", &id[..8], "--catalog", "mhlw-5", "--json"]);
    assert_eq!(gaps["options"]["include_derived"], true);
    assert_eq!(gaps["minimum"]["mandatory"], 173);
    let satisfied = gaps["minimum"]["satisfied"].as_u64().unwrap();
    assert_eq!(satisfied, gaps["minimum"]["by_derived"].as_u64().unwrap());
    assert!(satisfied > 30 && satisfied < 51, "{satisfied}");
    assert!(gaps["gaps"].as_array().unwrap().iter().all(|g| g["basis"] != "direct"));
    // Where a derived result comes from: the answer, the relation and every hop with its provenance.
    let shown = env.json(&["answer", "show", &id[..8], "6.5 C 12 (1)", "--catalog", "mhlw-5", "--json"]);
    assert_eq!(shown["outcome"]["basis"], "derived");
    assert_eq!(shown["outcome"]["result"], "not-implemented");
    let source = &shown["outcome"]["suggestion"]["sources"][0];
    assert_eq!(source["answer"], "mhlw-3-checklist:tech-8-1");
    assert_eq!(source["relation"], "equivalent-to");
    assert_eq!(source["via"][0]["mapping_set"], "mhlw-3-checklist--mhlw-5");
    assert!(!source["via"][0]["provenance"].as_array().unwrap().is_empty());
    let listed = env.json(&["answer", "list", &id[..8], "--catalog", "mhlw-5", "--json"]);
    assert!(listed.as_array().unwrap().iter().all(|o| o["basis"] != "direct"));
    // The human-readable report is Japanese and names the verdict.
    let text = env.ok(&["gaps", &id[..8]]);
    assert!(text.contains("最低限のガイドライン（遵守事項）: 未達 — 80 件中 69 件を充足"), "{text}");
    assert!(text.contains("技術的安全対策 8 (1)"), "{text}");
}

#[test]
fn answers_keep_their_history_and_bad_input_writes_nothing() {
    let env = Env::new();
    let id = env.sample();
    let a = &id[..8];
    let before = env.dump();
    let err = env.fails(&["answer", "set", a, "存在しない項目 99", "実施済"]);
    assert!(err.contains("存在しない項目 99") && err.contains("mhlw-3-checklist"), "{err}");
    let err = env.fails(&["answer", "set", a, "org-1", "たぶん"]);
    assert!(err.contains("たぶん") && err.contains("実施済"), "{err}");
    let err = env.fails(&["answer", "set", a, "org-1", "該当なし"]);
    assert!(err.contains("justification"), "{err}");
    let err = env.fails(&["answer", "set", a, "org-1", "実施済", "--due", "2027-02-30"]);
    assert!(err.contains("2027-02-30"), "{err}");
    let err = env.fails(&["answer", "set", "ffffffff", "org-1", "実施済"]);
    assert!(err.contains("ffffffff"), "{err}");
    assert_eq!(env.dump(), before, "a refused answer writes nothing");

    env.ok(&["answer", "set", a, "技術的安全対策 8 (1)", "該当なし", "--justification", "無線LANを使用していない"]);
    env.ok(&["answer", "set", a, "技術的安全対策 8 (1)", "未実施", "--owner", "情報システム課"]);
    let shown = env.json(&["answer", "show", a, "tech-8-1", "--json"]);
    assert_eq!(shown["answer"]["result"], "not-implemented");
    // A field not given keeps its value; the justification stays as a note.
    assert_eq!(shown["answer"]["justification"], "無線LANを使用していない");
    assert_eq!(shown["answer"]["owner"], "情報システム課");
    let history: Vec<(String, String, String)> = shown["history"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|h| h["field"] == "result")
        .map(|h| {
            let s = |k: &str| h[k].as_str().unwrap_or("").to_owned();
            (s("old"), s("new"), s("changed_by"))
        })
        .collect();
    assert_eq!(
        history,
        [
            ("".into(), "not-implemented".into(), "tester".into()),
            ("not-implemented".into(), "not-applicable".into(), "tester".into()),
            ("not-applicable".into(), "not-implemented".into(), "tester".into()),
        ]
    );
}

#[test]
fn a_derived_suggestion_is_accepted_with_its_origin_and_never_overwrites_an_answer() {
    let env = Env::new();
    let id = env.sample();
    let a = &id[..8];
    // 技術的安全対策 7 is a heading answered only through its items: its result is rolled up.
    let shown = env.json(&["answer", "show", a, "技術的安全対策 7", "--json"]);
    assert_eq!(shown["outcome"]["basis"], "derived");
    assert!(shown["answer"].is_null());
    env.ok(&["answer", "accept", a, "技術的安全対策 7"]);
    let shown = env.json(&["answer", "show", a, "技術的安全対策 7", "--json"]);
    assert_eq!(shown["outcome"]["basis"], "direct");
    assert_eq!(shown["answer"]["origin"]["kind"], "derived");
    assert!(shown["answer"]["origin"]["rollup"].is_object(), "{}", shown["answer"]);
    let err = env.fails(&["answer", "accept", a, "org-1"]);
    assert!(err.contains("上書きすることはありません"), "{err}");
    // --all takes the remaining suggestions; a second run finds nothing more to take.
    let all = env.json(&["answer", "accept", a, "--all", "--json"]);
    assert_eq!(all["created"], 4);
    let again = env.json(&["answer", "accept", a, "--all", "--json"]);
    assert_eq!(again["created"], 0);
}

#[test]
fn migrating_to_the_5th_edition_creates_an_assessment_with_flags_and_evidence() {
    let env = Env::new();
    let id = env.sample();
    let a = &id[..8];
    std::fs::write(env.dir.path().join("規程.txt"), "入退館管理規程 第1版").unwrap();
    env.ok(&["evidence", "add", a, "org-2", "--file", "規程.txt", "--effective", "2026-04-01"]);
    let m = env.json(&["assessment", "migrate", a, "--to", "mhlw-5", "--json"]);
    assert_eq!(m["summary"]["requirements"], 200);
    let exact = m["summary"]["exact"].as_u64().unwrap();
    let carried = m["summary"]["carried"].as_u64().unwrap();
    assert!(exact > 40 && carried > exact, "{}", m["summary"]);
    let new_id = m["to"]["assessment"].as_str().unwrap();
    let show = env.json(&["assessment", "show", &new_id[..8], "--json"]);
    assert_eq!(show["assessment"]["catalog_id"], "mhlw-5");
    assert_eq!(show["answers"].as_u64().unwrap(), carried);
    // org-2 (入退管理) is equivalent to a mhlw-5 requirement: its answer and evidence travel with it.
    let item = m["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| {
            i["sources"].as_array().unwrap().iter().any(|s| s == "mhlw-3-checklist:org-2")
                && i["flags"] == serde_json::json!([])
        })
        .expect("org-2 carried exactly");
    let target = item["requirement"].as_str().unwrap().split(':').nth(1).unwrap();
    let shown = env.json(&["answer", "show", &new_id[..8], target, "--json"]);
    assert_eq!(shown["answer"]["result"], "implemented");
    assert_eq!(shown["answer"]["origin"]["kind"], "migration");
    assert_eq!(shown["answer"]["origin"]["from_assessment"], id.as_str());
    assert_eq!(shown["evidence"][0]["file_name"], "規程.txt");
    // The original is untouched, and a baseline across catalogs is refused.
    assert_eq!(env.json(&["assessment", "show", a, "--json"])["answers"], 75);
    let system = show["system"]["id"].as_str().unwrap();
    let err = env.fails(&["assessment", "new", "--system", system, "--catalog", "mhlw-5", "--baseline", a]);
    assert!(err.contains("migrate"), "{err}");
}

#[test]
fn a_new_assessment_from_its_baseline_shows_what_changed() {
    let env = Env::new();
    let id = env.sample();
    let show = env.json(&["assessment", "show", &id[..8], "--json"]);
    let system = show["system"]["id"].as_str().unwrap();
    let next = env.json(&[
        "assessment",
        "new",
        "--system",
        system,
        "--catalog",
        "mhlw-3-checklist",
        "--baseline",
        &id,
        "--json",
    ]);
    let b = next["id"].as_str().unwrap();
    assert_eq!(env.json(&["assessment", "diff", b, "--json"]), serde_json::json!([]));
    env.ok(&["answer", "set", b, "tech-8-1", "実施済", "--how", "WPA2/AES で暗号化"]);
    let diff = env.json(&["assessment", "diff", b, "--json"]);
    assert_eq!(diff.as_array().unwrap().len(), 1, "{diff}");
    assert_eq!(diff[0]["change"], "changed");
    assert_eq!(diff[0]["requirement_id"], "tech-8-1");
    assert_eq!(diff[0]["fields"][0], serde_json::json!(["result", "not-implemented", "implemented"]));
    let text = env.ok(&["assessment", "diff", b]);
    assert!(text.contains("未実施 → 実施済") && text.contains("技術的安全対策 8 (1)"), "{text}");
    let err = env.fails(&["assessment", "diff", &id]);
    assert!(err.contains("ベースラインがありません"), "{err}");
}

#[test]
fn evidence_is_verified_and_a_tampered_file_is_never_served() {
    let env = Env::new();
    let id = env.sample();
    let a = &id[..8];
    std::fs::write(env.dir.path().join("log.csv"), "date,user\n2026-04-01,alice\n").unwrap();
    let e = env.json(&["evidence", "add", a, "org-3", "--file", "log.csv", "--expires", "2027-03-31", "--json"]);
    let sha = e["sha256"].as_str().unwrap().to_owned();
    env.ok(&["evidence", "attach", &e["id"].as_str().unwrap()[..8], a, "org-4"]);
    let listed = env.json(&["evidence", "list", a, "--json"]);
    assert_eq!(listed.as_array().unwrap().len(), 2, "one file proves two answers");
    let old = env.json(&[
        "evidence",
        "add",
        a,
        "org-5",
        "--url",
        "https://example.jp/audit-2024",
        "--effective",
        "2024-04-01",
        "--expires",
        "2025-03-31",
        "--json",
    ]);
    assert_eq!(old["kind"], "link");
    let show = env.json(&["assessment", "show", a, "--json"]);
    assert_eq!((show["evidence"].as_u64(), show["expired_evidence"].clone()), (Some(3), serde_json::json!(["org-5"])));
    assert!(env.ok(&["evidence", "list", a]).contains("期限切れ"));
    assert_eq!(env.json(&["evidence", "verify", "--json"])["problems"], serde_json::json!([]));
    let out = env.dir.path().join("copy.csv");
    env.ok(&["evidence", "get", e["id"].as_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "date,user\n2026-04-01,alice\n");

    let blob = env.dir.path().join("data/evidence").join(&sha[..2]).join(&sha[2..]);
    std::fs::write(&blob, "date,user\n2026-04-01,mallory\n").unwrap();
    let o = env.run(&["evidence", "verify"]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    assert!(stdout(&o).contains("ハッシュと一致しません"), "{}", stdout(&o));
    let out2 = env.dir.path().join("copy2.csv");
    let err = env.fails(&["evidence", "get", e["id"].as_str().unwrap(), "--out", out2.to_str().unwrap()]);
    assert!(err.contains("ハッシュと一致しません"), "{err}");
    assert!(!out2.exists());
}

#[test]
fn without_db_the_database_is_in_the_users_data_folder() {
    let env = Env::new();
    let o = env.cmd(&["db", "path"]).env_remove("SANSHO_DB").output().unwrap();
    let path = stdout(&o).trim().to_owned();
    assert_eq!(Path::new(&path), env.dir.path().join(".local/share/sansho/sansho.db"));
    let o = env.cmd(&["sample", "load"]).env_remove("SANSHO_DB").output().unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(Path::new(&path).is_file());
    // --db wins over everything.
    let other = env.dir.path().join("other.db");
    assert_eq!(env.ok(&["--db", other.to_str().unwrap(), "db", "path"]).trim(), other.to_str().unwrap());
}

#[test]
fn an_import_killed_midway_leaves_the_database_as_it_was() {
    let env = Env::new();
    let id = env.sample();
    // An answers file that changes every one of the 80 items.
    let mut file = String::from("catalog = \"mhlw-3-checklist\"\n");
    let list = env.json(&["answer", "list", &id[..8], "--json"]);
    for o in list.as_array().unwrap() {
        let req = o["requirement"].as_str().unwrap().split(':').nth(1).unwrap();
        file.push_str(&format!("\n[[answer]]\nrequirement = \"{req}\"\nresult = \"一部実施\"\nhow = \"見直し中\"\n"));
    }
    std::fs::write(env.dir.path().join("all.toml"), &file).unwrap();
    let before = env.dump();

    let mut child = env
        .cmd(&["assessment", "import", &id[..8], "all.toml"])
        .env("SANSHO_IMPORT_PAUSE_MS", "200")
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let mut err = std::io::BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    loop {
        line.clear();
        let n = std::io::BufRead::read_line(&mut err, &mut line).unwrap();
        assert!(n > 0, "the import ended before writing: {:?}", child.wait());
        if line.contains("answer 3 written") {
            break;
        }
    }
    child.kill().unwrap();
    let status = child.wait().unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        assert_eq!(status.signal(), Some(9), "{status}");
    }
    assert_eq!(env.dump(), before, "nothing of the killed import is left");

    // The same import left to finish changes everything: the comparison above is not vacuous.
    let v = env.json(&["assessment", "import", &id[..8], "all.toml", "--json"]);
    assert_eq!(v["answers"], 80);
    assert_eq!((v["created"].as_u64(), v["updated"].as_u64()), (Some(5), Some(75)));
    assert_ne!(env.dump(), before);
}

/// `(requirement, result, 実施内容)` of every answered requirement, for comparing assessments.
fn answered(env: &Env, assessment: &str) -> Vec<(String, String, String)> {
    let list = env.json(&["answer", "list", assessment, "--json"]);
    list.as_array()
        .unwrap()
        .iter()
        .filter(|o| o["basis"] == "direct")
        .map(|o| {
            let how = o["direct"]["how"].as_str().unwrap_or("").to_owned();
            (o["requirement"].as_str().unwrap().to_owned(), o["result"].as_str().unwrap().to_owned(), how)
        })
        .collect()
}

#[test]
fn the_exported_checklist_imports_back_and_every_format_is_written() {
    let env = Env::new();
    let id = env.sample();
    let a = &id[..8];
    env.ok(&["answer", "set", a, "tech-8-1", "該当なし", "--justification", "無線LANを使用していない"]);
    env.ok(&["answer", "set", a, "org-1", "実施済", "--owner", "情報システム課", "--due", "2027-03-31"]);
    for (format, file) in [("xlsx", "out.xlsx"), ("csv", "out.csv"), ("md", "out.md"), ("json", "out.json")] {
        let printed = env.ok(&["export", a, "--format", format, "--out", file]);
        assert!(printed.contains(file), "{printed}");
    }
    // The workbook is the Japanese checklist layout.
    let mut wb: calamine::Xlsx<_> = calamine::open_workbook(env.dir.path().join("out.xlsx")).unwrap();
    let sheets = calamine::Reader::sheet_names(&wb);
    let range = calamine::Reader::worksheet_range(&mut wb, &sheets[0]).unwrap();
    let header = range.rows().find(|r| r.iter().any(|c| *c == "チェック項目")).expect("a header row");
    let header: Vec<String> = header.iter().map(|c| c.to_string()).take(11).collect();
    assert_eq!(
        header,
        [
            "No.",
            "区分",
            "チェック項目",
            "レベル",
            "実施済",
            "実施状況",
            "実施内容",
            "根拠",
            "該当なし理由・備考",
            "担当者",
            "期限"
        ]
    );
    let md = std::fs::read_to_string(env.dir.path().join("out.md")).unwrap();
    assert!(md.contains("組織的安全管理対策") && md.contains("運用責任者を1名、担当者を2名設置"), "{md}");
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(env.dir.path().join("out.json")).unwrap()).unwrap();
    assert_eq!(json["catalog"]["id"], "mhlw-3-checklist", "{}", json["catalog"]);
    // A CI gate can read the workbook too: the sample has unmet mandatory items, so it fails (3).
    let gate = env.run(&["check", "out.xlsx", "--catalog", "mhlw-3-checklist"]);
    assert_eq!(gate.status.code(), Some(3), "{}{}", stdout(&gate), stderr(&gate));
    assert!(stdout(&gate).contains("未達"), "{}", stdout(&gate));
    let err = env.fails(&["check", "out.csv"]);
    assert!(err.contains("--catalog"), "{err}");
    // An existing file is not replaced without --force.
    let err = env.fails(&["export", a, "--format", "csv", "--out", "out.csv"]);
    assert!(err.contains("--force"), "{err}");

    // Both the workbook and the CSV import back into new assessments with the same answers.
    let system = env.json(&["assessment", "show", a, "--json"])["system"]["id"].as_str().unwrap().to_owned();
    let original = answered(&env, a);
    assert_eq!(original.len(), 75);
    for file in ["out.xlsx", "out.csv"] {
        let fresh = env.json(&["assessment", "new", "--system", &system, "--catalog", "mhlw-3-checklist", "--json"]);
        let b = fresh["id"].as_str().unwrap();
        let v = env.json(&["assessment", "import", b, file, "--json"]);
        assert_eq!(v["created"], 75, "{file}: {v}");
        assert_eq!(answered(&env, b), original, "{file}");
        let org1 = env.json(&["answer", "show", b, "org-1", "--json"]);
        assert_eq!(
            (org1["answer"]["owner"].as_str(), org1["answer"]["due_date"].as_str()),
            (Some("情報システム課"), Some("2027-03-31")),
            "{file}"
        );
        assert_eq!(org1["answer"]["origin"]["kind"], "import");
        let na = env.json(&["answer", "show", b, "tech-8-1", "--json"]);
        assert_eq!(na["answer"]["justification"], "無線LANを使用していない", "{file}");
    }
}

#[test]
fn a_broken_or_wrong_checklist_is_refused_with_its_place_and_nothing_is_written() {
    let env = Env::new();
    let id = env.sample();
    let a = &id[..8];
    let before = env.dump();
    std::fs::write(env.dir.path().join("broken.xlsx"), b"PK\x03\x04 not really a workbook").unwrap();
    let err = env.fails(&["assessment", "import", a, "broken.xlsx"]);
    assert!(err.contains("broken.xlsx"), "{err}");
    std::fs::write(
        env.dir.path().join("filled.csv"),
        "区分,No.,チェック項目,実施済,実施内容\n組織的安全管理対策,1,,○,運用責任者を設置\n組織的安全管理対策,2,,たぶん,\n",
    )
    .unwrap();
    let err = env.fails(&["assessment", "import", a, "filled.csv"]);
    assert!(err.contains("filled.csv") && err.contains("たぶん") && err.contains('3'), "{err}");
    std::fs::write(
        env.dir.path().join("unknown.csv"),
        "区分,No.,実施済,実施内容\n組織的安全管理対策,1,○,設置\n組織的安全管理対策,99,○,\n",
    )
    .unwrap();
    let err = env.fails(&["assessment", "import", a, "unknown.csv"]);
    assert!(err.contains("unknown.csv") && err.contains("99"), "{err}");
    assert_eq!(env.dump(), before);
    // The same rows with known words and items go in, ○ as 実施済 and × as 未実施.
    std::fs::write(
        env.dir.path().join("ok.csv"),
        "区分,No.,実施済,実施内容\n組織的安全管理対策,1,○,設置\n組織的安全管理対策,2,×,\n",
    )
    .unwrap();
    let v = env.json(&["assessment", "import", a, "ok.csv", "--json"]);
    assert_eq!((v["answers"].as_u64(), v["updated"].as_u64()), (Some(2), Some(2)), "{v}");
    let org2 = env.json(&["answer", "show", a, "org-2", "--json"]);
    assert_eq!(org2["answer"]["result"], "not-implemented");
}

#[test]
fn formula_text_is_neutralised_in_the_csv_and_imports_back_unchanged() {
    let env = Env::new();
    let id = env.sample();
    let a = &id[..8];
    let payloads = [
        ("org-1", "=HYPERLINK(\"http://evil.example/\",\"x\")"),
        ("org-2", "+1+1"),
        ("org-3", "-2+3"),
        ("org-4", "@SUM(1,1)"),
        ("phys-1", "'=already quoted"),
        ("phys-2", "'plain apostrophe"),
    ];
    for (req, how) in payloads {
        env.ok(&["answer", "set", a, req, "実施済", &format!("--how={how}")]);
    }
    env.ok(&["answer", "set", a, "phys-3", "実施済", "--how=ok", "--owner=@情報システム課"]);
    env.ok(&["export", a, "--format", "csv", "--out", "out.csv"]);
    let csv = std::fs::read_to_string(env.dir.path().join("out.csv")).unwrap();
    assert!(csv.contains("\"'=HYPERLINK(\"\"http://evil.example/\"\",\"\"x\"\")\""), "{csv}");
    assert!(csv.contains(",'+1+1,"), "{csv}");
    assert!(csv.contains(",'+1+1,") && csv.contains(",\"'@SUM(1,1)\",") && csv.contains(",''=already quoted,"));
    assert!(csv.contains(",'plain apostrophe,") && csv.contains(",'@情報システム課,"));

    let system = env.json(&["assessment", "show", a, "--json"])["system"]["id"].as_str().unwrap().to_owned();
    let original = answered(&env, a);
    let fresh = env.json(&["assessment", "new", "--system", &system, "--catalog", "mhlw-3-checklist", "--json"]);
    let b = fresh["id"].as_str().unwrap();
    env.ok(&["assessment", "import", b, "out.csv"]);
    assert_eq!(answered(&env, b), original);
    let owner = env.json(&["answer", "show", b, "phys-3", "--json"])["answer"]["owner"].clone();
    assert_eq!(owner, "@情報システム課");
}

/// The 出力日 line of a Markdown export.
fn export_date(env: &Env, a: &str, tz: Option<&str>) -> Result<String, String> {
    let mut cmd = env.cmd(&["export", a, "--format", "md", "--out", "-"]);
    cmd.env_remove("SANSHO_TZ");
    if let Some(tz) = tz {
        cmd.env("SANSHO_TZ", tz);
    }
    let o = cmd.output().unwrap();
    if !o.status.success() {
        return Err(stderr(&o));
    }
    let md = stdout(&o);
    let line = md.lines().find(|l| l.starts_with("| 出力日 |")).unwrap_or_else(|| panic!("{md}"));
    Ok(line.trim_start_matches("| 出力日 |").trim_end_matches('|').trim().to_owned())
}

#[test]
fn the_export_date_is_the_day_in_the_configured_time_zone_japan_by_default() {
    let env = Env::new();
    let id = env.sample();
    let a = &id[..8];
    let day = |offset_hours: i32| {
        let tz = chrono::FixedOffset::east_opt(offset_hours * 3600).unwrap();
        chrono::Utc::now().with_timezone(&tz).format("%Y-%m-%d").to_string()
    };
    // Japan by default, whatever the machine's zone (TZ=UTC here).
    let (before, got, after) = (day(9), export_date(&env, a, None).unwrap(), day(9));
    assert!(got == before || got == after, "{got} is not today in Japan ({before})");
    // UTC+14 and UTC-11 are 25 hours apart: never the same day.
    let kiritimati = export_date(&env, a, Some("Pacific/Kiritimati")).unwrap();
    let pago_pago = export_date(&env, a, Some("Pacific/Pago_Pago")).unwrap();
    assert!(kiritimati > pago_pago, "{kiritimati} / {pago_pago}");
    assert!(kiritimati == day(14) || pago_pago == day(-11));
    // The config file's time_zone, when SANSHO_TZ is not set.
    std::fs::write(env.dir.path().join("sansho.toml"), "time_zone = \"Pacific/Pago_Pago\"\n").unwrap();
    let from_config = export_date(&env, a, None).unwrap();
    assert!(from_config == day(-11) || from_config == pago_pago, "{from_config}");
    std::fs::remove_file(env.dir.path().join("sansho.toml")).unwrap();
    // A zone that does not exist is an error that names it.
    let err = export_date(&env, a, Some("Asia/Atlantis")).unwrap_err();
    assert!(err.contains("Asia/Atlantis") && err.contains("SANSHO_TZ"), "{err}");
}

#[test]
fn a_dry_run_counts_content_changes_not_a_different_origin() {
    let env = Env::new();
    let id = env.sample();
    let a = &id[..8];
    env.ok(&["export", a, "--format", "csv", "--out", "same.csv"]);
    let before = env.dump();
    // The sample's answers say they came from the sample; the file says the same things.
    let v = env.json(&["assessment", "import", a, "same.csv", "--dry-run", "--json"]);
    assert_eq!(
        (v["new"].as_u64(), v["changed"].as_u64(), v["unchanged"].as_u64()),
        (Some(0), Some(0), Some(75)),
        "{v}"
    );
    // The import agrees with its dry run and writes nothing: an answer keeps where it came from.
    let v = env.json(&["assessment", "import", a, "same.csv", "--json"]);
    assert_eq!(
        (v["created"].as_u64(), v["updated"].as_u64(), v["unchanged"].as_u64()),
        (Some(0), Some(0), Some(75)),
        "{v}"
    );
    assert_eq!(env.dump(), before);
    // One real change is one change.
    env.ok(&["answer", "set", a, "org-1", "未実施"]);
    let v = env.json(&["assessment", "import", a, "same.csv", "--dry-run", "--json"]);
    assert_eq!((v["changed"].as_u64(), v["unchanged"].as_u64()), (Some(1), Some(74)), "{v}");
}

#[test]
fn without_user_or_actor_the_history_names_the_os_account() {
    let env = Env::new();
    let account = Command::new("id").arg("-un").output().unwrap();
    let account = String::from_utf8(account.stdout).unwrap().trim().to_owned();
    assert!(!account.is_empty());
    let o = env
        .cmd(&["org", "add", "病院", "--kind", "medical-institution", "--json"])
        .env_remove("SANSHO_ACTOR")
        .env_remove("USER")
        .env_remove("USERNAME")
        .env_remove("LOGNAME")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let org: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(org["created_by"], account.as_str(), "{org}");
}

#[test]
fn a_sample_load_that_dies_midway_leaves_nothing_and_a_second_load_makes_one_sample() {
    let env = Env::new();
    env.ok(&["org", "list", "--json"]);
    let before = env.dump();
    let mut child = env
        .cmd(&["sample", "load"])
        .env("SANSHO_IMPORT_PAUSE_MS", "200")
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let mut err = std::io::BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    loop {
        line.clear();
        let n = std::io::BufRead::read_line(&mut err, &mut line).unwrap();
        assert!(n > 0, "the sample load ended before writing: {:?}", child.wait());
        if line.contains("answer 3 written") {
            break;
        }
    }
    child.kill().unwrap();
    child.wait().unwrap();
    // As a full disk would: the process ends in the middle. No organization or system is left.
    assert_eq!(env.dump(), before, "nothing of the killed sample load is left");
    assert_eq!(env.json(&["org", "list", "--json"]).as_array().unwrap().len(), 0);
    // Loading it again makes one sample, not a second organization beside a leftover one.
    env.sample();
    let orgs = env.json(&["org", "list", "--json"]);
    assert_eq!(orgs.as_array().unwrap().len(), 1, "{orgs}");
    // Its audit records chain as every write's do.
    env.ok(&["audit", "verify"]);
}

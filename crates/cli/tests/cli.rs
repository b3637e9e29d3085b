//! Runs the real `sansho` binary in a temporary folder, as a user would.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap()
}

/// Runs sansho with `args` in `dir`, with no configuration from the environment.
fn sansho_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sansho"))
        .args(args)
        .current_dir(dir)
        .env_remove("SANSHO_CATALOGS")
        .env_remove("SANSHO_CONFIG")
        .env_remove("SANSHO_LANG")
        .env("HOME", dir)
        .env("XDG_CONFIG_HOME", dir.join(".config"))
        .output()
        .expect("sansho runs")
}

fn sansho(args: &[&str]) -> Output {
    let tmp = tempfile::tempdir().unwrap();
    sansho_in(tmp.path(), args)
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}
fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

fn json(o: &Output) -> serde_json::Value {
    assert!(o.status.success(), "failed: {}", stderr(o));
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {}", stdout(o)))
}

fn user_dir() -> String {
    fixtures().join("user").display().to_string()
}

#[test]
fn user_catalogs_load_beside_the_bundled_ones() {
    let out = json(&sansho(&["--catalogs", &user_dir(), "catalog", "list", "--json"]));
    let ids: Vec<&str> = out["catalogs"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap()).collect();
    assert!(ids.contains(&"hospital-policy") && ids.contains(&"vendor-sheet"), "{ids:?}");
    let policy = out["catalogs"].as_array().unwrap().iter().find(|c| c["id"] == "hospital-policy").unwrap();
    assert_eq!(policy["requirements"], 2);
    assert_eq!(policy["nodes"], 3);
}

#[test]
fn config_file_names_catalog_folders_relative_to_itself() {
    let tmp = tempfile::tempdir().unwrap();
    let mine = tmp.path().join("mine");
    std::fs::create_dir(&mine).unwrap();
    for f in ["hospital-policy.toml", "vendor-sheet.toml", "mappings.toml"] {
        std::fs::copy(fixtures().join("user").join(f), mine.join(f)).unwrap();
    }
    std::fs::write(tmp.path().join("sansho.toml"), "catalogs = [\"mine\"]\n").unwrap();
    let out = json(&sansho_in(tmp.path(), &["show", "vendor-sheet", "Q1", "--json"]));
    assert_eq!(out["requirement"]["id"], "vendor-sheet:q1");
    assert_eq!(out["related"][0]["id"], "hospital-policy:p1-1");

    std::fs::write(tmp.path().join("sansho.toml"), "catalog = [\"mine\"]\n").unwrap();
    let o = sansho_in(tmp.path(), &["catalog", "list"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("sansho.toml:1"), "{}", stderr(&o));
}

#[test]
fn show_matches_labels_across_width_and_spacing_and_gives_the_chain() {
    // The label is printed "Ｑ１" (full width); "q1", "Q1" and " Q 1 " all find it.
    for q in ["Q1", "q1", " Q 1 ", "Ｑ１"] {
        let out = json(&sansho(&["--catalogs", &user_dir(), "show", "vendor-sheet", q, "--json"]));
        assert_eq!(out["requirement"]["label"], "Ｑ１", "query {q:?}");
        let rel = &out["related"][0];
        assert_eq!(rel["relation"], "equivalent-to");
        assert_eq!(rel["via"][0]["mapping_set"], "vendor-sheet--hospital-policy");
        assert_eq!(rel["via"][0]["provenance"][0], "sheet.xlsx#確認票:4");
        assert_eq!(rel["provenance"][0], "policy.docx:3");
    }
    // Walking the edge backwards from the policy finds the questionnaire item.
    let out = json(&sansho(&["--catalogs", &user_dir(), "show", "hospital-policy", "第1条1", "--json"]));
    assert_eq!(out["related"][0]["id"], "vendor-sheet:q1");
    assert_eq!(out["related"][0]["via"][0]["forward"], false);
}

#[test]
fn show_unknown_requirement_or_catalog_fails_clearly() {
    let o = sansho(&["--lang", "en", "--catalogs", &user_dir(), "show", "vendor-sheet", "Q9"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("no requirement \"Q9\" in catalog vendor-sheet"), "{}", stderr(&o));
    let o = sansho(&["--catalogs", &user_dir(), "show", "vendor-sheet", "Q9"]);
    assert!(stderr(&o).contains("カタログ vendor-sheet に要求事項 \"Q9\" はありません"), "{}", stderr(&o));
    let o = sansho(&["show", "no-such-catalog", "1"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("不明なカタログ \"no-such-catalog\""), "{}", stderr(&o));
}

#[test]
fn search_finds_japanese_inside_running_text() {
    let out =
        json(&sansho(&["--catalogs", &user_dir(), "search", "二要素認証", "--catalog", "hospital-policy", "--json"]));
    let hits = out["hits"].as_array().unwrap();
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0]["id"], "hospital-policy:p1-1");
    let snippet: Vec<char> = hits[0]["snippet"].as_str().unwrap().chars().collect();
    let (s, e) = (hits[0]["match_start"].as_u64().unwrap() as usize, hits[0]["match_end"].as_u64().unwrap() as usize);
    assert_eq!(snippet[s..e].iter().collect::<String>(), "二要素認証");
    // Full-width digits in the text match a half-width query.
    let out = json(&sansho(&["--catalogs", &user_dir(), "search", "3世代", "--catalog", "hospital-policy", "--json"]));
    assert_eq!(out["hits"][0]["id"], "hospital-policy:p1-2");
    let out = json(&sansho(&["--catalogs", &user_dir(), "search", "存在しない語句", "--json"]));
    assert_eq!(out["hits"].as_array().unwrap().len(), 0);
}

#[test]
fn crosswalk_lists_mapped_no_counterpart_and_unmapped() {
    let out = json(&sansho(&["--catalogs", &user_dir(), "crosswalk", "vendor-sheet", "hospital-policy", "--json"]));
    assert_eq!(out["summary"]["mapped"], 1);
    assert_eq!(out["summary"]["no_counterpart"], 1);
    assert_eq!(out["no_counterpart"][0]["source"], "vendor-sheet:q2");
    let out = json(&sansho(&["--catalogs", &user_dir(), "crosswalk", "hospital-policy", "vendor-sheet", "--json"]));
    assert_eq!(out["summary"]["mapped"], 1);
    assert_eq!(out["unmapped"][0]["source"], "hospital-policy:p1-2");

    let csv = sansho(&["--catalogs", &user_dir(), "crosswalk", "vendor-sheet", "hospital-policy", "--csv"]);
    let text = stdout(&csv);
    assert!(text.starts_with("source_id,source_label,"), "{text}");
    assert!(text.contains("vendor-sheet:q2,Q2,ログを改ざんできない領域に保存していますか。,no-counterpart,"), "{text}");
    let md = stdout(&sansho(&["--catalogs", &user_dir(), "crosswalk", "vendor-sheet", "hospital-policy", "--md"]));
    assert!(md.contains("| Q2 | ログを改ざんできない領域に保存していますか。 | 明文規定なし |"), "{md}");
}

#[test]
fn check_reports_file_line_and_field_and_fails() {
    let tmp = tempfile::tempdir().unwrap();
    let good = std::fs::read_to_string(fixtures().join("user/vendor-sheet.toml")).unwrap();
    // Duplicate id on the second requirement, and a mapping to a requirement that does not exist.
    let broken = good.replace("id = \"q2\"", "id = \"q1\"");
    std::fs::write(tmp.path().join("vendor-sheet.toml"), &broken).unwrap();
    let mapping = std::fs::read_to_string(fixtures().join("user/mappings.toml")).unwrap().replace("\"p1-1\"", "\"p9\"");
    std::fs::write(tmp.path().join("mappings.toml"), &mapping).unwrap();
    std::fs::copy(fixtures().join("user/hospital-policy.toml"), tmp.path().join("hospital-policy.toml")).unwrap();
    // In Japanese (the default), file:line:column [field] kept.
    let o = sansho_in(tmp.path(), &["catalog", "check", "."]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    let ja = stderr(&o);
    assert!(!ja.contains("error [id]: ") && ja.contains("エラー [id]: 要求事項 ID q1 が"), "{ja}");
    assert!(ja.contains("エラー [target]: 対応先のカタログ hospital-policy に要求事項 p9 はありません"), "{ja}");
    let o = sansho_in(tmp.path(), &["--lang", "en", "catalog", "check", "."]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    let err = stderr(&o);
    let dup_line = broken.lines().position(|l| l == "id = \"q1\"").unwrap() + 1;
    let dup_line2 = broken.lines().enumerate().filter(|(_, l)| *l == "id = \"q1\"").nth(1).unwrap().0 + 1;
    assert!(dup_line2 > dup_line);
    assert!(
        err.contains(&format!("./vendor-sheet.toml:{dup_line2}:6: error [id]: requirement id q1 is used twice")),
        "{err}"
    );
    let p9 = mapping.lines().position(|l| l.contains("p9")).unwrap() + 1;
    assert!(
        err.contains(&format!(
            "./mappings.toml:{p9}:10: error [target]: no requirement p9 in target catalog hospital-policy"
        )),
        "{err}"
    );

    // JSON output for machines, same findings.
    let o = sansho_in(tmp.path(), &["catalog", "check", ".", "--json"]);
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    // The duplicate, the dangling target, and the mapping from q2 (renamed away).
    assert_eq!(v["errors"], 3);

    // Loading for any other command refuses the broken folder.
    let o = sansho_in(tmp.path(), &["--catalogs", ".", "catalog", "list"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("件のエラーがあります"), "{}", stderr(&o));
}

#[test]
fn check_reports_unknown_relation_and_syntax_errors() {
    let tmp = tempfile::tempdir().unwrap();
    let mapping =
        std::fs::read_to_string(fixtures().join("user/mappings.toml")).unwrap().replace("equivalent-to", "same-as");
    std::fs::write(tmp.path().join("m.toml"), &mapping).unwrap();
    std::fs::write(tmp.path().join("bad.toml"), "[catalog]\nid = \"x\"\ntitle = \"未完\n").unwrap();
    let o = sansho_in(tmp.path(), &["--lang", "en", "catalog", "check", "."]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    let line = mapping.lines().position(|l| l.contains("same-as")).unwrap() + 1;
    assert!(err.contains(&format!("./m.toml:{line}:12: error [relation]: unknown relation \"same-as\"")), "{err}");
    assert!(err.contains("./bad.toml:3:"), "{err}");
}

#[test]
fn check_passes_on_the_bundled_catalogs_and_the_fixtures() {
    let o = sansho(&["catalog", "check", &user_dir()]);
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).contains("エラー 0 件"), "{}", stdout(&o));
}

#[test]
fn the_committed_catalogs_are_what_the_seeds_give() {
    let root = repo();
    let o = sansho_in(&root, &["catalog", "build", "--check"]);
    assert!(o.status.success(), "regenerating the bundled catalogs differs:\n{}{}", stdout(&o), stderr(&o));
}

/// A small MHLW-style workbook: title row, header on row 3, a merged 区分 column.
fn checklist_workbook() -> Vec<u8> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("チェックリスト").unwrap();
    ws.write(0, 0, "医療情報システム 安全管理 確認チェックリスト").unwrap();
    for (c, h) in ["No.", "区分", "チェック項目", "実施済"].iter().enumerate() {
        ws.write(2, c as u16, *h).unwrap();
    }
    ws.merge_range(3, 1, 4, 1, "組織的安全管理対策", &Format::new()).unwrap();
    ws.write(3, 0, "1").unwrap();
    ws.write(3, 2, "情報システム運用責任者を設置している。").unwrap();
    ws.write(4, 0, "2").unwrap();
    ws.write(4, 2, "バックアップを取得している。").unwrap();
    ws.write(5, 0, "1").unwrap();
    ws.write(5, 1, "技術的安全対策").unwrap();
    ws.write(5, 2, "二要素認証を採用している。").unwrap();
    wb.save_to_buffer().unwrap()
}

#[test]
fn import_xlsx_writes_a_catalog_that_checks_and_shows() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("our-checklist.xlsx"), checklist_workbook()).unwrap();
    let o = sansho_in(tmp.path(), &["catalog", "import-xlsx", "our-checklist.xlsx", "--out", "mine/ours.toml"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("our-checklist:"), "{}", stdout(&o));
    let o = sansho_in(tmp.path(), &["catalog", "check", "mine"]);
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
    let out = json(&sansho_in(
        tmp.path(),
        &["--catalogs", "mine", "search", "二要素認証", "--catalog", "our-checklist", "--json"],
    ));
    let hit = &out["hits"][0];
    let shown = json(&sansho_in(
        tmp.path(),
        &[
            "--catalogs",
            "mine",
            "show",
            "our-checklist",
            hit["id"].as_str().unwrap().split(':').nth(1).unwrap(),
            "--json",
        ],
    ));
    assert_eq!(shown["requirement"]["text"], "二要素認証を採用している。");
    assert_eq!(shown["requirement"]["provenance"][0], "our-checklist.xlsx#チェックリスト:6");
    // Refuses to overwrite without --force.
    let o = sansho_in(tmp.path(), &["catalog", "import-xlsx", "our-checklist.xlsx", "--out", "mine/ours.toml"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("--force"));
}

#[test]
fn import_xlsx_broken_workbook_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("broken.xlsx"), b"PK\x03\x04 not really a zip").unwrap();
    let o = sansho_in(tmp.path(), &["catalog", "import-xlsx", "broken.xlsx", "--id", "broken", "--out", "out/b.toml"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("broken.xlsx"), "{}", stderr(&o));
    assert!(!tmp.path().join("out").exists());
}

/// The "done when": the MIC item 3.2.3 (ア)2 shows the MHLW 6.5 requirements and the
/// METI 7.6.14 / 7.6.15 measures it maps to, each with file:line provenance.
#[test]
fn show_mic_323_a2_reaches_mhlw_65_and_meti_7614_7615() {
    let out = json(&sansho(&["show", "mic-cloud-2018", "3.2.3(ア)2", "--json"]));
    assert_eq!(out["requirement"]["id"], "mic-cloud-2018:3.2.3-a-2");
    assert_eq!(out["requirement"]["label"], "3.2.3 (ア) 2");
    let related = out["related"].as_array().unwrap();
    let labels = |cat: &str| -> Vec<String> {
        related.iter().filter(|r| r["catalog"] == cat).map(|r| r["label"].as_str().unwrap().to_owned()).collect()
    };
    let mhlw = labels("mhlw-5");
    assert!(mhlw.contains(&"6.5 C 2".to_owned()) && mhlw.iter().all(|l| l.starts_with("6.5 ")), "{mhlw:?}");
    let meti = labels("meti-2012");
    assert!(meti.iter().any(|l| l.starts_with("7.6.14 ")) && meti.iter().any(|l| l.starts_with("7.6.15 ")), "{meti:?}");
    for r in related {
        assert!(!r["via"].as_array().unwrap().is_empty());
        for p in r["provenance"].as_array().unwrap().iter().chain(r["via"][0]["provenance"].as_array().unwrap()) {
            assert!(p.as_str().unwrap().starts_with("000_5783f1c91487ba10.txt:"), "{p}");
        }
    }
    // People get the same in a table-like listing, in Japanese.
    let o = sansho(&["show", "mic-cloud-2018", "3.2.3 (ア) 2"]);
    assert!(stdout(&o).contains("関連する要求事項"), "{}", stdout(&o));
}

#[test]
fn bundled_catalogs_are_listed_with_counts() {
    let out = json(&sansho(&["catalog", "list", "--json"]));
    let ids: Vec<&str> = out["catalogs"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap()).collect();
    for want in ["mic-cloud-2018", "mhlw-5", "meti-2012", "mhlw-3-checklist", "mhlw-6", "meti-mic-2", "cyber-infra"] {
        assert!(ids.contains(&want), "{want} missing from {ids:?}");
    }
    let sets: Vec<&str> = out["mapping_sets"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap()).collect();
    for want in ["mic-cloud-2018--mhlw-5", "mic-cloud-2018--meti-2012", "mhlw-5--meti-2012", "mhlw-3-checklist--mhlw-5"]
    {
        assert!(sets.contains(&want), "{want} missing from {sets:?}");
    }
    let derived = out["mapping_sets"].as_array().unwrap().iter().find(|s| s["id"] == "mhlw-5--meti-2012").unwrap();
    assert_eq!(derived["derived"], true);
}

#[test]
fn search_bundled_finds_terms_inside_running_text() {
    for (q, cat) in [("バックアップ", "mhlw-5"), ("二要素認証", "meti-mic-2"), ("パスワード", "meti-2012")]
    {
        let out = json(&sansho(&["search", q, "--catalog", cat, "--json"]));
        let hits = out["hits"].as_array().unwrap();
        assert!(!hits.is_empty(), "{q} in {cat}");
        for h in hits {
            let snippet: Vec<char> = h["snippet"].as_str().unwrap().chars().collect();
            let (s, e) = (h["match_start"].as_u64().unwrap() as usize, h["match_end"].as_u64().unwrap() as usize);
            assert_eq!(snippet[s..e].iter().collect::<String>(), q);
        }
    }
}

#[test]
fn crosswalk_mic_to_mhlw_accounts_for_every_item() {
    let out = json(&sansho(&["crosswalk", "mic-cloud-2018", "mhlw-5", "--json"]));
    // The one 明文規定なし of seed 000.
    assert_eq!(out["summary"]["no_counterpart"], 1);
    assert_eq!(out["no_counterpart"][0]["label"], "3.2.2 (ア) 3");
    assert_eq!(out["summary"]["unmapped"], 0);
}

#[test]
fn output_piped_into_a_closed_reader_ends_quietly() {
    use std::io::Read;
    let mut child = Command::new(env!("CARGO_BIN_EXE_sansho"))
        .args(["crosswalk", "mhlw-5", "meti-2012", "--csv"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 16];
    child.stdout.as_mut().unwrap().read_exact(&mut first).unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(!String::from_utf8_lossy(&out.stderr).contains("panicked"));
}

/// A broken seed (or an override that no longer matches) names the file and line, and the build
/// writes nothing.
#[test]
fn build_from_a_broken_seed_names_the_place_and_writes_nothing() {
    let root = repo();
    let tmp = tempfile::tempdir().unwrap();
    let seeds = tmp.path().join("seeds");
    std::fs::create_dir(&seeds).unwrap();
    for e in std::fs::read_dir(root.join("data/seeds")).unwrap() {
        let p = e.unwrap().path();
        std::fs::copy(&p, seeds.join(p.file_name().unwrap())).unwrap();
    }
    let seed = seeds.join("003_348eaa4a0c950f58.txt");
    let mut bytes = std::fs::read(&seed).unwrap();
    // Line 3 ("No. 実施済 …") becomes invalid UTF-8 after "No.".
    let line3 = bytes.iter().enumerate().filter(|(_, b)| **b == b'\n').nth(1).unwrap().0 + 1;
    bytes.insert(line3 + 3, 0xff);
    std::fs::write(&seed, &bytes).unwrap();
    let overrides = root.join("data/overrides").display().to_string();
    let o = sansho_in(tmp.path(), &["catalog", "build", "--seeds", "seeds", "--overrides", &overrides, "--out", "out"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("003_348eaa4a0c950f58.txt:3:4: the file is not valid UTF-8"), "{}", stderr(&o));
    assert!(!tmp.path().join("out").exists());

    // An override entry that no longer matches its seed line fails the build, naming the entry.
    std::fs::copy(root.join("data/seeds/003_348eaa4a0c950f58.txt"), &seed).unwrap();
    let ov = tmp.path().join("overrides");
    std::fs::create_dir(&ov).unwrap();
    for e in std::fs::read_dir(root.join("data/overrides")).unwrap() {
        let p = e.unwrap().path();
        std::fs::copy(&p, ov.join(p.file_name().unwrap())).unwrap();
    }
    let mut text = std::fs::read_to_string(ov.join("001.toml")).unwrap();
    text.push_str("\n[[override]]\nline = 9999\naction = \"replace\"\nreason = \"stale\"\nfrom = \"x\"\nto = \"y\"\n");
    std::fs::write(ov.join("001.toml"), &text).unwrap();
    let line = text.lines().count() - 5;
    let o =
        sansho_in(tmp.path(), &["catalog", "build", "--seeds", "seeds", "--overrides", "overrides", "--out", "out"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains(&format!("overrides/001.toml:{line}:")), "{}", stderr(&o));
    assert!(!tmp.path().join("out").exists());
}

/// An answers file for every requirement of mhlw-3-checklist, `org-1` answered with `org1`.
fn checklist_answers(org1: &str) -> String {
    let set = sansho_catalog::load(&sansho_catalog::bundled_sources()).set.unwrap();
    let mut text = String::from("catalog = \"mhlw-3-checklist\"\n");
    for ix in set.catalog_nodes("mhlw-3-checklist") {
        if !sansho_core::assess::is_requirement(&set, ix) {
            continue;
        }
        let id = set.requirement(ix).id.as_str();
        let result = if id == "org-1" { org1 } else { "■" };
        text.push_str(&format!("\n[[answer]]\nrequirement = \"{id}\"\nresult = \"{result}\"\n"));
    }
    text
}

/// Compliance as code: the gate fails (exit 3) on an unmet mandatory requirement and passes
/// once it is answered; a wrong file is exit 1 with its line and column.
#[test]
fn check_gates_on_the_minimum_package() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("answers.toml"), checklist_answers("未実施")).unwrap();
    let o = sansho_in(tmp.path(), &["check", "answers.toml", "--require", "minimum"]);
    assert_eq!(o.status.code(), Some(3), "{}{}", stdout(&o), stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("組織的安全管理対策 1  [未実施]  mhlw-3-checklist:org-1"), "{out}");
    assert!(out.contains("最低限のガイドライン（遵守事項）未達 — 80 件中 79 件を充足"), "{out}");
    // Report-only mode never fails on gaps.
    assert_eq!(sansho_in(tmp.path(), &["check", "answers.toml", "--require", "none"]).status.code(), Some(0));

    std::fs::write(tmp.path().join("answers.toml"), checklist_answers("実施済")).unwrap();
    let o = sansho_in(tmp.path(), &["check", "answers.toml"]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).contains("充足 — 80 件中 80 件を充足"), "{}", stdout(&o));

    // Not applicable needs a justification, and with one it satisfies the requirement.
    let na = checklist_answers("該当なし");
    std::fs::write(tmp.path().join("answers.toml"), &na).unwrap();
    let o = sansho_in(tmp.path(), &["check", "answers.toml"]);
    assert_eq!(o.status.code(), Some(1));
    let line = na.lines().position(|l| l == "result = \"該当なし\"").unwrap() + 1;
    assert!(stderr(&o).contains(&format!("answers.toml:{line}:10: \"org-1\" は該当なし")), "{}", stderr(&o));
    let justified = na.replace("result = \"該当なし\"", "result = \"該当なし\"\njustification = \"運用委託なし\"");
    std::fs::write(tmp.path().join("answers.toml"), justified).unwrap();
    assert_eq!(sansho_in(tmp.path(), &["check", "answers.toml"]).status.code(), Some(0));

    // An unknown requirement names its line and column; JSON for machines.
    let bad = checklist_answers("■").replacen("requirement = \"org-2\"", "requirement = \"org-99\"", 1);
    std::fs::write(tmp.path().join("answers.toml"), &bad).unwrap();
    let o = sansho_in(tmp.path(), &["check", "answers.toml"]);
    assert_eq!(o.status.code(), Some(1));
    let line = bad.lines().position(|l| l.contains("org-99")).unwrap() + 1;
    assert!(
        stderr(&o)
            .contains(&format!("answers.toml:{line}:15: カタログ mhlw-3-checklist に要求事項 \"org-99\" はありません")),
        "{}",
        stderr(&o)
    );
    std::fs::write(tmp.path().join("answers.toml"), checklist_answers("■")).unwrap();
    let v = json(&sansho_in(tmp.path(), &["check", "answers.toml", "--json"]));
    assert_eq!(v["minimum"]["met"], true);
    assert_eq!(v["minimum"]["mandatory"], 80);
}

/// The bundled sample: the vendor's completed 第3版 checklist of seed 003 as an answers file.
/// Its six □ and the headings answered only through their sub-items keep the gate shut.
#[test]
fn the_seed_003_sample_fails_the_gate_on_its_unimplemented_items() {
    let sample = repo().join("samples/vendor-003.answers.toml").display().to_string();
    let o = sansho(&["check", &sample]);
    assert_eq!(o.status.code(), Some(3), "{}{}", stdout(&o), stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("80 件中 69 件を充足"), "{out}");
    for id in ["tech-8-1", "tech-8-5", "maintenance-8"] {
        assert!(out.contains(&format!("[未実施]  mhlw-3-checklist:{id}")), "{id}: {out}");
    }
    let text = std::fs::read_to_string(&sample).unwrap();
    assert_eq!(text.matches("[[answer]]").count(), 75);
    assert_eq!(text.matches("result = \"未実施\"").count(), 6);
}

/// Issue 11 §4.5: the five cyber-infra requirements 001 marks 一部記載あり without naming the
/// 2省GL section are partly covered with the place unstated, not "unmapped".
#[test]
fn crosswalk_says_partly_covered_where_the_seed_names_no_section() {
    let o = sansho(&["crosswalk", "cyber-infra", "meti-mic-2", "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["summary"]["unmapped"], 0);
    assert_eq!(v["summary"]["partial_unstated"], 5);
    let labels: Vec<&str> =
        v["partial_unstated"].as_array().unwrap().iter().map(|e| e["label"].as_str().unwrap()).collect();
    assert_eq!(labels, ["S(2)-4", "S(4)-1", "S(4)-2", "S(4)-3", "S(6)-2"]);
    let o = sansho(&["crosswalk", "cyber-infra", "meti-mic-2"]);
    assert!(stdout(&o).contains("一部記載あり（該当箇所の記載なし） 5 件"), "{}", stdout(&o));
}

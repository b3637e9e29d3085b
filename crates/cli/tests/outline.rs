//! Outline catalogs (issue 11 §2.7): the bundled `mhlw-6` and `meti-mic-2` hold structure and a
//! few quoted texts only. They say so, are not offered for a new assessment or a migration, and
//! `sansho catalog fill` turns one into a user catalog with the user's official text.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use sansho_catalog::{SourceText, bundled_sources, load};

struct Env {
    dir: tempfile::TempDir,
}

impl Env {
    fn new() -> Env {
        Env { dir: tempfile::tempdir().unwrap() }
    }
    fn path(&self, p: &str) -> PathBuf {
        self.dir.path().join(p)
    }
    fn run_lang(&self, lang: &str, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_sansho"))
            .args(args)
            .current_dir(self.dir.path())
            .env_remove("SANSHO_CATALOGS")
            .env_remove("SANSHO_CONFIG")
            .env("SANSHO_LANG", lang)
            .env("SANSHO_DB", self.path("data/sansho.db"))
            .env("SANSHO_ACTOR", "tester")
            .env("HOME", self.dir.path())
            .env("XDG_CONFIG_HOME", self.path(".config"))
            .env("XDG_DATA_HOME", self.path(".local/share"))
            .output()
            .expect("sansho runs")
    }
    fn run(&self, args: &[&str]) -> Output {
        self.run_lang("ja", args)
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
    /// A system to assess, with its id.
    fn system(&self) -> String {
        let o = self.json(&["org", "add", "病院A", "--kind", "medical-institution", "--json"]);
        let org = o["id"].as_str().unwrap().to_owned();
        let s = self.json(&["system", "add", "電子カルテ", "--org", &org[..8], "--model", "on-premises", "--json"]);
        s["id"].as_str().unwrap().to_owned()
    }
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}
fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn outline(id: &str) -> sansho_core::Catalog {
    let set = load(&bundled_sources()).set.unwrap();
    set.catalog(id).unwrap().clone()
}

fn csv_field(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

/// How a user's file names a node: its printed label where that is unique, else its id.
fn name_of(c: &sansho_core::Catalog, r: &sansho_core::Requirement) -> String {
    let same = c.requirements.iter().filter(|x| x.label == r.label).count();
    if same == 1 { r.label.clone() } else { r.id.to_string() }
}

/// A CSV with the outline's labels and a text for each requirement leaf without one (made up
/// here: the test plays the user who has the official text).
fn csv_for(c: &sansho_core::Catalog, skip: usize) -> (String, Vec<String>) {
    let mut out = String::from("ラベル,本文\n");
    let mut labels = Vec::new();
    for r in c.leaves_without_text().into_iter().skip(skip) {
        out.push_str(&format!("{},{}\n", csv_field(&name_of(c, r)), csv_field(&format!("公式の本文：{}", r.label))));
        labels.push(r.label.clone());
    }
    (out, labels)
}

#[test]
fn outlines_say_so_in_the_listing_and_on_their_requirements() {
    let env = Env::new();
    let v = env.json(&["catalog", "list", "--json"]);
    let cats = v["catalogs"].as_array().unwrap();
    let get = |id: &str| cats.iter().find(|c| c["id"] == id).unwrap().clone();
    for id in ["mhlw-6", "meti-mic-2"] {
        let c = get(id);
        assert_eq!(c["outline"], true, "{id}");
        assert!(c["outline_note"].as_str().unwrap().contains("catalog fill"), "{id}");
    }
    for id in ["mhlw-5", "meti-2012", "mhlw-3-checklist", "mhlw-5.2"] {
        assert_eq!(get(id)["outline"], false, "{id}");
    }
    let table = env.ok(&["catalog", "list"]);
    assert!(table.contains("アウトライン"), "{table}");
    let show = env.ok(&["show", "mhlw-6", "management-5.2.1"]);
    assert!(show.contains("アウトライン"), "{show}");
    let json = env.json(&["show", "mhlw-6", "management-5.2.1", "--json"]);
    assert!(json["outline"]["note"].as_str().unwrap().contains("catalog fill"), "{json}");
    let json = env.json(&["show", "mhlw-5", "6.5 C 2", "--json"]);
    assert!(json.get("outline").is_none(), "{json}");
    let cw = env.ok(&["crosswalk", "cyber-infra", "meti-mic-2"]);
    assert!(cw.contains("アウトライン"), "{cw}");
}

#[test]
fn an_outline_is_not_offered_for_a_new_assessment_or_a_migration() {
    let env = Env::new();
    let system = env.system();
    for lang in ["ja", "en"] {
        let o = env.run_lang(lang, &["assessment", "new", "--system", &system[..8], "--catalog", "mhlw-6"]);
        assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
        let err = stderr(&o);
        assert!(err.contains("catalog fill"), "{lang}: {err}");
        assert!(err.contains(if lang == "ja" { "アウトライン" } else { "outline" }), "{lang}: {err}");
    }
    // Nothing was made.
    let list = env.json(&["assessment", "list", "--json"]);
    assert_eq!(list.as_array().unwrap().len(), 0, "{list}");
    // A complete catalog is; migrating it to an outline is refused.
    let a = env.json(&["assessment", "new", "--system", &system[..8], "--catalog", "mhlw-5.2", "--json"]);
    let id = a["id"].as_str().unwrap().to_owned();
    let o = env.run(&["assessment", "migrate", &id[..8], "--to", "mhlw-6"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("catalog fill"), "{}", stderr(&o));
    assert_eq!(env.json(&["assessment", "list", "--json"]).as_array().unwrap().len(), 1);
}

#[test]
fn fill_from_csv_makes_a_complete_user_catalog_that_can_be_assessed() {
    let env = Env::new();
    let c = outline("mhlw-6");
    let (csv, labels) = csv_for(&c, 0);
    assert!(labels.len() > 10, "{labels:?}");
    std::fs::write(env.path("text.csv"), csv).unwrap();
    let out = env.ok(&["catalog", "fill", "mhlw-6", "text.csv", "--out", "cats"]);
    assert!(out.contains("mhlw-6"), "{out}");
    let file = env.path("cats/mhlw-6.toml");
    let text = std::fs::read_to_string(&file).unwrap();
    let mut files: Vec<SourceText> =
        bundled_sources().into_iter().filter(|f| f.name != "bundled:mhlw-6.toml").collect();
    files.push(SourceText::new("cats/mhlw-6.toml", text));
    let filled = load(&files).set.unwrap();
    let f = filled.catalog("mhlw-6").unwrap();
    assert!(!f.is_outline());
    assert!(f.leaves_without_text().is_empty());
    // Ids, labels, parents and the seed's own texts are kept; each supplied text has the user's
    // file and row in its provenance, after the seed's.
    assert_eq!(f.requirements.len(), c.requirements.len());
    for (a, b) in c.requirements.iter().zip(&f.requirements) {
        assert_eq!((&a.id, &a.label, &a.parent), (&b.id, &b.label, &b.parent));
        match &a.text {
            Some(t) => assert_eq!(b.text.as_ref(), Some(t)),
            None if labels.contains(&a.label) => {
                assert_eq!(b.text.as_deref(), Some(format!("公式の本文：{}", a.label).as_str()));
                assert_eq!(&b.provenance[..a.provenance.len()], &a.provenance[..]);
                let row = c.leaves_without_text().iter().position(|l| l.id == a.id).unwrap() + 2;
                assert_eq!(b.provenance.last().unwrap().to_string(), format!("text.csv:{row}"));
            }
            None => {}
        }
    }
    // The mapping sets still resolve against it, and it can be assessed.
    assert!(filled.mapping_sets().iter().any(|m| m.target.as_str() == "mhlw-6"));
    let system = env.system();
    let a = env.json(&[
        "--catalogs",
        "cats",
        "assessment",
        "new",
        "--system",
        &system[..8],
        "--catalog",
        "mhlw-6",
        "--json",
    ]);
    assert_eq!(a["catalog_id"], "mhlw-6");
}

#[test]
fn fill_says_what_is_still_missing_and_keeps_the_outline_flag() {
    let env = Env::new();
    let c = outline("meti-mic-2");
    let (csv, labels) = csv_for(&c, 2);
    std::fs::write(env.path("part.csv"), csv).unwrap();
    let o = env.run(&["catalog", "fill", "meti-mic-2", "part.csv", "--out", "cats"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let missing: Vec<String> = c.leaves_without_text().iter().take(2).map(|r| r.label.clone()).collect();
    let all = format!("{}{}", stdout(&o), stderr(&o));
    for m in &missing {
        assert!(all.contains(m.as_str()), "{m}: {all}");
    }
    assert!(all.contains("アウトライン"), "{all}");
    let text = std::fs::read_to_string(env.path("cats/meti-mic-2.toml")).unwrap();
    assert!(text.contains("outline = true"));
    assert!(labels.len() + 2 == c.leaves_without_text().len());
}

#[test]
fn fill_reads_toml_and_xlsx_too() {
    let env = Env::new();
    let c = outline("meti-mic-2");
    let leaves = c.leaves_without_text();
    // TOML: [[text]] label = … text = …
    let mut toml = String::new();
    for r in &leaves {
        toml.push_str(&format!("[[text]]\nlabel = {:?}\ntext = {:?}\n\n", r.label, format!("本文 {}", r.label)));
    }
    std::fs::write(env.path("t.toml"), toml).unwrap();
    env.ok(&["catalog", "fill", "meti-mic-2", "t.toml", "--out", "a"]);
    let t = std::fs::read_to_string(env.path("a/meti-mic-2.toml")).unwrap();
    assert!(!t.contains("outline = true"));
    assert!(t.contains("t.toml:"), "provenance names the TOML file and its line");
    // xlsx: a title row, then the header ラベル | 本文.
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.write_string(0, 0, "2省GL 本文").unwrap();
    ws.write_string(1, 0, "ラベル").unwrap();
    ws.write_string(1, 1, "本文").unwrap();
    for (i, r) in leaves.iter().enumerate() {
        ws.write_string(i as u32 + 2, 0, &r.label).unwrap();
        ws.write_string(i as u32 + 2, 1, format!("本文 {}", r.label)).unwrap();
    }
    wb.save(env.path("t.xlsx")).unwrap();
    env.ok(&["catalog", "fill", "meti-mic-2", "t.xlsx", "--out", "b"]);
    let x = std::fs::read_to_string(env.path("b/meti-mic-2.toml")).unwrap();
    assert!(!x.contains("outline = true"));
    assert!(x.contains(&format!("t.xlsx:{}", leaves.len() + 2)), "the last text's row");
}

#[test]
fn fill_errors_name_file_row_and_column_and_write_nothing() {
    let env = Env::new();
    let cases: [(&str, &str, &str); 4] = [
        ("unknown.csv", "ラベル,本文\n5.1.5 ①,x\n9.9.9,y\n", "unknown.csv:3:1"),
        ("empty.csv", "ラベル,本文\n5.1.5 ①,\n", "empty.csv:2:2"),
        ("twice.csv", "ラベル,本文\n5.1.5 ⑦,a\n5.1.5 ⑦,b\n", "twice.csv:3:1"),
        ("noheader.csv", "a,b\nc,d\n", "noheader.csv:1"),
    ];
    for (name, body, at) in cases {
        std::fs::write(env.path(name), body).unwrap();
        let o = env.run(&["catalog", "fill", "meti-mic-2", name, "--out", "cats"]);
        assert_eq!(o.status.code(), Some(1), "{name}: {}", stdout(&o));
        assert!(stderr(&o).contains(at), "{name}: {}", stderr(&o));
        assert!(!env.path("cats").exists(), "{name}: something was written");
    }
    // A catalog that is not an outline is refused.
    std::fs::write(env.path("x.csv"), "ラベル,本文\n6.3 C 1,x\n").unwrap();
    let o = env.run(&["catalog", "fill", "mhlw-5", "x.csv", "--out", "cats"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("アウトライン"), "{}", stderr(&o));
    assert!(!Path::new(&env.path("cats")).exists());
}

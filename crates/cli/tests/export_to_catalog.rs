//! sansho's own checklist export read back as a catalog (`catalog import-xlsx`): its section rows
//! (one cell merged across the table, the node's id in the hidden last column) become sections,
//! not "cannot read the number 組織的安全管理対策".

use std::process::{Command, Output};

fn sansho(dir: &std::path::Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sansho"))
        .args(args)
        .current_dir(dir)
        .env_remove("SANSHO_CATALOGS")
        .env_remove("SANSHO_CONFIG")
        .env_remove("SANSHO_LANG")
        .env("SANSHO_DB", dir.join("sansho.db"))
        .env("SANSHO_ACTOR", "tester")
        .env("HOME", dir)
        .env("XDG_CONFIG_HOME", dir.join(".config"))
        .env("XDG_DATA_HOME", dir.join(".local/share"))
        .output()
        .expect("sansho runs")
}

fn ok(dir: &std::path::Path, args: &[&str]) -> String {
    let o = sansho(dir, args);
    assert!(
        o.status.success(),
        "sansho {args:?}: {}{}",
        String::from_utf8_lossy(&o.stderr),
        String::from_utf8_lossy(&o.stdout)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn the_checklist_export_imports_as_a_catalog_with_its_sections() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let loaded: serde_json::Value = serde_json::from_str(&ok(dir, &["sample", "load", "--json"])).unwrap();
    let id = loaded["assessment"]["id"].as_str().unwrap();
    ok(dir, &["export", &id[..8], "--format", "xlsx", "--out", "export.xlsx"]);
    ok(dir, &["catalog", "import-xlsx", "export.xlsx", "--id", "exported", "--out", "mine/exported.toml"]);
    ok(dir, &["catalog", "check", "mine"]);
    let text = std::fs::read_to_string(dir.join("mine/exported.toml")).unwrap();
    let catalog = match sansho_catalog::parse("exported.toml", &text) {
        Ok(sansho_catalog::Parsed::Catalog(c, _)) => c,
        other => panic!("not a catalog: {:?}", other.err()),
    };
    let bundled = sansho_catalog::load(&sansho_catalog::bundled_sources()).set.expect("bundled");
    let original = bundled.catalog("mhlw-3-checklist").expect("mhlw-3-checklist");
    // Every section of the original is a section here, in order, and every check item is an item
    // with the original's text.
    let sections = |c: &sansho_core::Catalog| -> Vec<String> {
        c.requirements.iter().filter(|r| r.kind == sansho_core::NodeKind::Section).map(|r| r.label.clone()).collect()
    };
    let original_sections: Vec<String> =
        original.requirements.iter().filter(|r| r.parent.is_none()).map(|r| r.label.clone()).collect();
    let got = sections(&catalog);
    assert!(got.iter().any(|s| s.starts_with("組織的安全管理対策")), "{got:?}");
    for s in &original_sections {
        assert!(got.iter().any(|g| g.starts_with(s.as_str())), "section {s} missing from {got:?}");
    }
    // The checklist sheet is the first chapter (the 集計 sheet's list of gaps, labels and all,
    // comes after it).
    assert_eq!(catalog.requirements[0].label, "mhlw-3-checklist");
    let texts = |c: &sansho_core::Catalog, only_s1: bool| -> Vec<String> {
        let mut t: Vec<String> = c
            .requirements
            .iter()
            .filter(|r| !only_s1 || r.id.as_str().starts_with("s1-"))
            .filter_map(|r| r.text.clone())
            .collect();
        t.sort();
        t
    };
    assert_eq!(texts(&catalog, true), texts(original, false));
}

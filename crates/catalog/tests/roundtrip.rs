//! Writing then reading gives the same values; bad files give positioned diagnostics.

use sansho_catalog::{Parsed, SourceText, catalog_to_toml, load, mapping_set_to_toml, parse};
use sansho_core::*;

fn sample() -> (Catalog, MappingSet) {
    let mut sec = Requirement::new(LocalId::parse("6.3").unwrap(), NodeKind::Section, "6.3");
    sec.title = Some("組織的安全管理対策（体制、運用管理規程）".into());
    sec.provenance = vec![Provenance::line("seed.txt", 5)];
    let mut item = Requirement::new(LocalId::parse("6.3-c-1").unwrap(), NodeKind::Item, "6.3 C 1");
    item.parent = Some(sec.id.clone());
    item.level = Some(Level::Mandatory);
    item.category = Some(Category::Organizational);
    item.text = Some("情報システム運用責任者の設置及び担当者の限定を行うこと。\n二行目".into());
    item.topics = vec!["体制".into()];
    item.page = Some("27".into());
    item.provenance = vec![Provenance::lines("seed.txt", 5, 7), Provenance::line("seed.txt", 14)];
    let c = Catalog {
        id: CatalogId::parse("test-cat").unwrap(),
        title: Localized::new("テスト", "Test"),
        issuers: vec!["厚生労働省".into()],
        edition: "第5版".into(),
        date: Some("2017-05".into()),
        kind: CatalogKind::Guideline,
        sources: vec![SourceDoc { file: "seed.txt".into(), sha256: "a".repeat(64), description: None }],
        description: None,
        requirements: vec![sec, item],
        outline: None,
        ext: None,
    };
    let mut m = Mapping::new(
        Some(LocalId::parse("6.3-c-1").unwrap()),
        Some(LocalId::parse("6.3").unwrap()),
        Relation::Subset,
        Basis::Editorial,
    );
    m.provenance = vec![Provenance::line("seed.txt", 9)];
    m.attributes.insert("追記方法".into(), "A".into());
    let set = MappingSet {
        id: "self".into(),
        title: Localized::ja("自己対応"),
        source: c.id.clone(),
        target: c.id.clone(),
        derived: false,
        sources: vec![],
        description: None,
        mappings: vec![
            m,
            Mapping::new(Some(LocalId::parse("6.3").unwrap()), None, Relation::NoCounterpart, Basis::Source),
        ],
    };
    (c, set)
}

#[test]
fn catalog_and_mapping_round_trip() {
    let (c, m) = sample();
    let ct = catalog_to_toml(&c, &["generated"]);
    let mt = mapping_set_to_toml(&m, &[]);
    match parse("c.toml", &ct).unwrap() {
        Parsed::Catalog(back, _) => assert_eq!(back, c),
        other => panic!("{other:?}"),
    }
    match parse("m.toml", &mt).unwrap() {
        Parsed::MappingSet(back, _) => assert_eq!(back, m),
        other => panic!("{other:?}"),
    }
    let loaded = load(&[SourceText::new("c.toml", ct), SourceText::new("m.toml", mt)]);
    assert!(!loaded.has_errors(), "{:?}", loaded.diagnostics);
    assert_eq!(loaded.set.unwrap().catalogs().len(), 1);
}

#[test]
fn unknown_relation_is_reported_at_its_line() {
    let (c, m) = sample();
    let mt = mapping_set_to_toml(&m, &[]).replace("\"subset-of\"", "\"sort-of\"");
    let line = mt.lines().position(|l| l.contains("sort-of")).unwrap() + 1;
    let err = parse("m.toml", &mt).unwrap_err();
    assert_eq!(err.len(), 1);
    assert_eq!(err[0].line, line);
    assert_eq!(err[0].field.as_deref(), Some("relation"));
    assert!(err[0].to_string().starts_with(&format!("m.toml:{line}:")), "{}", err[0]);
    let _ = c;
}

#[test]
fn dangling_ends_duplicates_empty_text_and_cycles_name_file_and_line() {
    let (c, m) = sample();
    let ct = catalog_to_toml(&c, &[])
        // A duplicate id, and a parent cycle (6.3's parent is its own child).
        .replace("id = \"6.3-c-1\"", "id = \"6.3\"");
    let ct = ct.replacen("kind = \"section\"", "parent = \"6.3\"\nkind = \"section\"", 1);
    let mt = mapping_set_to_toml(&m, &[]).replace("target = \"6.3\"", "target = \"9.9\"");
    let loaded = load(&[SourceText::new("c.toml", &ct), SourceText::new("m.toml", &mt)]);
    assert!(loaded.has_errors());
    let msgs: Vec<String> = loaded.diagnostics.iter().map(|d| d.to_string()).collect();
    assert!(msgs.iter().any(|m| m.contains("used twice")), "{msgs:#?}");
    assert!(msgs.iter().any(|m| m.contains("loops back")), "{msgs:#?}");
    let dangling =
        loaded.diagnostics.iter().find(|d| d.message.contains("no requirement 9.9")).expect("dangling target");
    assert_eq!(dangling.file, "m.toml");
    assert_eq!(dangling.line, mt.lines().position(|l| l.contains("9.9")).unwrap() + 1);

    let empty =
        catalog_to_toml(&c, &[]).replace("title = \"組織的安全管理対策（体制、運用管理規程）\"", "title = \" \"");
    let loaded = load(&[SourceText::new("e.toml", empty)]);
    assert!(
        loaded.diagnostics.iter().any(|d| d.message.contains("neither text nor title nor a note")),
        "{:?}",
        loaded.diagnostics
    );
}

#[test]
fn toml_syntax_error_has_position() {
    let err = parse("bad.toml", "[catalog]\nid = \"x\"\nkind = guideline\n").unwrap_err();
    assert_eq!(err[0].file, "bad.toml");
    assert_eq!(err[0].line, 3);
}

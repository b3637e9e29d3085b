//! The whole bundle built from the seed copies in `data/seeds/`: what holds across importers.

use std::path::Path;

use sansho_seeds::{Inputs, Output, build_bundled};

fn build() -> Output {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut inputs = Inputs::default();
    for (dir, is_seed) in [("data/seeds", true), ("data/overrides", false)] {
        let mut files: Vec<_> = std::fs::read_dir(root.join(dir)).unwrap().map(|e| e.unwrap().path()).collect();
        files.sort();
        for f in files {
            let name = f.file_name().unwrap().to_string_lossy().into_owned();
            if is_seed {
                inputs.seeds.push((name, std::fs::read(&f).unwrap()));
            } else {
                inputs.overrides.push((name, std::fs::read_to_string(&f).unwrap()));
            }
        }
    }
    build_bundled(&inputs).unwrap_or_else(|e| panic!("{e}"))
}

/// The prose the importers write for the catalogs' users (notes, descriptions) is Japanese: no
/// two English words in a row. Identifiers (`mic-cloud-2018--mhlw-5`, `data/overrides/002.toml`)
/// and quoted guideline text with a single Latin word (`ActiveX`) are fine.
#[test]
fn notes_and_descriptions_are_in_japanese() {
    let out = build();
    let english = lazy_regex::regex!(r"[a-z]{2,} [a-z]{2,}");
    let mut prose: Vec<&str> = Vec::new();
    for c in &out.catalogs {
        prose.extend(c.description.as_deref());
        prose.extend(c.sources.iter().filter_map(|s| s.description.as_deref()));
        prose.extend(c.requirements.iter().filter_map(|r| r.note.as_deref()));
    }
    for m in &out.mapping_sets {
        prose.extend(m.description.as_deref());
        prose.extend(m.sources.iter().filter_map(|s| s.description.as_deref()));
        prose.extend(m.mappings.iter().filter_map(|e| e.note.as_deref()));
    }
    assert!(prose.len() > 400, "{}", prose.len());
    for p in prose {
        assert!(!english.is_match(p), "English in a user-visible string: {p}");
    }
}

/// Every node and every mapping of every bundled catalog says where it comes from, and every
/// catalog lists its source documents with their hashes.
#[test]
fn everything_has_provenance() {
    let out = build();
    assert_eq!(out.catalogs.len(), 8);
    for c in &out.catalogs {
        assert!(!c.sources.is_empty(), "{}", c.id);
        assert!(c.sources.iter().all(|s| s.sha256.len() == 64), "{}", c.id);
        for r in &c.requirements {
            assert!(!r.provenance.is_empty(), "{}:{}", c.id, r.id);
        }
    }
    for m in &out.mapping_sets {
        for e in &m.mappings {
            assert!(!e.provenance.is_empty(), "{} {:?}", m.id, e.source);
        }
    }
}

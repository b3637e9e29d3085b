//! Assessments on the real bundled catalogs: answering the MHLW 第3版 checklist shows derived
//! coverage on mhlw-5, meti-2012 and mic-cloud-2018, with chains.

use sansho_catalog::{bundled_sources, load};
use sansho_core::CatalogSet;
use sansho_core::assess::*;

fn bundled() -> CatalogSet {
    load(&bundled_sources()).set.expect("bundled catalogs load")
}

fn all_checklist(set: &CatalogSet, result: ResultCode) -> Vec<Answer> {
    set.catalog_nodes("mhlw-3-checklist")
        .into_iter()
        .filter(|&ix| is_requirement(set, ix))
        .map(|ix| Answer::new(set.reference(ix), result).unwrap())
        .collect()
}

fn counts(d: &Derived<'_>, catalog: &str) -> [usize; 5] {
    gaps(d, catalog, GapOptions { include_derived: true }).unwrap().total.counts
}

/// Counts checked by hand against the mapping tables: mhlw-3-checklist → mhlw-5 has 51
/// `equivalent-to` edges onto 51 distinct requirements (implemented, firm), and 24 more
/// requirements reached only through subset/superset/intersects edges or the printed tree
/// (一部実施, review). meti-2012 and mic-cloud-2018 are reached only through the 対応表 of
/// seed 000 (`intersects-with`), so everything there is 一部実施 for review.
#[test]
fn answering_the_3rd_edition_checklist_shows_coverage_on_the_other_guidelines() {
    let set = bundled();
    let answers = all_checklist(&set, ResultCode::Implemented);
    assert_eq!(answers.len(), 80);
    let d = derive(&set, &answers).unwrap();
    // [implemented, partial, not-implemented, not-applicable, unanswered]
    assert_eq!(counts(&d, "mhlw-3-checklist"), [80, 0, 0, 0, 0]);
    assert_eq!(counts(&d, "mhlw-5"), [51, 24, 0, 0, 125]);
    assert_eq!(counts(&d, "meti-2012"), [0, 136, 0, 0, 61]);
    assert_eq!(counts(&d, "mic-cloud-2018"), [0, 58, 0, 0, 55]);
    // Nothing reaches the 2省GL or the cyber-infrastructure GL from the 第3版 checklist.
    assert_eq!(counts(&d, "meti-mic-2"), [0, 0, 0, 0, 28]);
    // Only direct answers: nothing on mhlw-5, every mandatory requirement blocks the minimum package.
    let direct = gaps(&d, "mhlw-5", GapOptions::default()).unwrap();
    assert_eq!(direct.total.counts, [0, 0, 0, 0, 200]);
    assert_eq!(direct.minimum.blockers.len(), 173);
    let with = gaps(&d, "mhlw-5", GapOptions { include_derived: true }).unwrap();
    assert_eq!((with.minimum.mandatory, with.minimum.satisfied, with.minimum.by_derived), (173, 51, 51));
    assert_eq!(with.levels[0].key, "mandatory");
    // Gaps: mandatory first.
    let first_other = with.gaps.iter().position(|g| g.level != Some(sansho_core::Level::Mandatory)).unwrap();
    assert!(with.gaps[first_other..].iter().all(|g| g.level != Some(sansho_core::Level::Mandatory)));
    // Every derived partial on meti-2012 is flagged for review, none is firm.
    let meti = gaps(&d, "meti-2012", GapOptions { include_derived: true }).unwrap();
    assert!(meti.gaps.iter().filter(|g| g.result == ResultCode::Partial).all(|g| g.needs_review));
}

#[test]
fn a_firm_equivalence_is_not_lowered_by_the_heading_above_it_and_keeps_every_chain() {
    let set = bundled();
    let answers = all_checklist(&set, ResultCode::Implemented);
    let d = derive(&set, &answers).unwrap();
    // 技術的安全対策 7 ≡ 6.5 C 11 (a heading), and 7 (2) ≡ 6.5 C 11 (2): the heading reaches
    // (2) through the printed tree (at most partial), the item by equivalence (firm).
    let ix = set.resolve("mhlw-5", "6.5 C 11 (2)").unwrap();
    let o = d.outcome(ix);
    assert_eq!((o.result, o.basis, o.needs_review), (ResultCode::Implemented, ResultBasis::Derived, false));
    let s = o.suggestion.unwrap();
    let sources: Vec<_> = s.sources.iter().map(|s| (s.answer.to_string(), s.relation)).collect();
    assert_eq!(
        sources,
        [
            ("mhlw-3-checklist:tech-7".to_owned(), sansho_core::Relation::Superset),
            ("mhlw-3-checklist:tech-7-2".to_owned(), sansho_core::Relation::Equivalent)
        ]
    );
    let chain: Vec<_> = s.sources[0].via.iter().map(|v| (v.to.to_string(), v.kind, v.mapping_set)).collect();
    assert_eq!(
        chain,
        [
            ("mhlw-5:6.5-c-11".to_owned(), sansho_core::StepKind::Mapping, Some("mhlw-3-checklist--mhlw-5")),
            ("mhlw-5:6.5-c-11-p2".to_owned(), sansho_core::StepKind::Child, None)
        ]
    );
    assert!(!s.sources[1].via[0].provenance.is_empty());
    // Accepting it records both sources and their chains.
    let a = d.accept(ix).unwrap();
    assert_eq!(a.result, ResultCode::Implemented);
    assert_eq!(a.origin.as_ref().unwrap().sources.len(), 2);
    // meti-2012 is reached through mhlw-5 and seed 000's tables: chains of two or more mappings.
    let meti = set.catalog_nodes("meti-2012");
    let reached = meti.iter().filter_map(|&ix| d.suggestion(ix)).find(|s| !s.sources.is_empty()).unwrap();
    let named = d.name(reached);
    assert!(named.sources.iter().all(|s| s.via.len() >= 2 && s.via.iter().any(|v| v.mapping_set.is_some())));
    assert!(named.needs_review);
}

#[test]
fn one_unimplemented_mandatory_item_blocks_the_minimum_package() {
    let set = bundled();
    let mut answers = all_checklist(&set, ResultCode::Implemented);
    let d = derive(&set, &answers).unwrap();
    assert!(gaps(&d, "mhlw-3-checklist", GapOptions::default()).unwrap().minimum.met);
    answers[3].result = ResultCode::NotImplemented;
    let who = answers[3].requirement.to_string();
    let d = derive(&set, &answers).unwrap();
    let g = gaps(&d, "mhlw-3-checklist", GapOptions::default()).unwrap();
    assert!(!g.minimum.met);
    let blockers: Vec<_> = g.minimum.blockers.iter().map(|b| b.requirement.to_string()).collect();
    assert_eq!(blockers, [who]);
    assert_eq!(g.total.percent(ResultCode::Implemented), 98.8);
}

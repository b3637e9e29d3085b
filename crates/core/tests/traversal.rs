//! Traversal, crosswalk, search and validation on a small hand-built set of catalogs.

use sansho_core::crosswalk::crosswalk;
use sansho_core::search::SearchIndex;
use sansho_core::*;

mod common;
use common::{catalog, lid};

fn node(id: &str, label: &str, text: Option<&str>) -> Requirement {
    let mut r = Requirement::new(lid(id), NodeKind::Item, label);
    r.text = text.map(str::to_owned);
    r.provenance = vec![Provenance::line("t.txt", 1)];
    r
}

fn edge(s: &str, t: Option<&str>, r: Relation) -> Mapping {
    let mut m = Mapping::new(Some(lid(s)), t.map(lid), r, Basis::Source);
    m.provenance = vec![Provenance::line("map.txt", 7)];
    m
}

fn set_of(id: &str, source: &str, target: &str, derived: bool, mappings: Vec<Mapping>) -> MappingSet {
    MappingSet {
        id: id.into(),
        title: Localized::ja(id),
        source: CatalogId::parse(source).unwrap(),
        target: CatalogId::parse(target).unwrap(),
        derived,
        sources: vec![],
        description: None,
        mappings,
    }
}

/// mic → mhlw (intersects), mic → meti (intersects), mhlw → newer (migrated), plus a derived
/// mhlw → meti set that must not be walked.
fn fixture() -> CatalogSet {
    let mic = catalog("mic", vec![node("a1", "3.2.1 (ア) 1", None), node("a2", "3.2.1 (ア) 2", None)]);
    let mhlw = catalog(
        "mhlw",
        vec![
            node("c1", "6.3 C 1", Some("情報システム運用責任者の設置を行うこと。")),
            node("c2", "6.5 C 2", Some("パスワードを本人しか知り得ない状態に保つこと。")),
        ],
    );
    let meti = catalog("meti", vec![node("m1", "7.3 実施すべき (1)", Some("方針を策定すること。バックアップも。"))]);
    let newer = catalog("newer", vec![node("n1", "7⑥", Some("運用責任者を置くこと。"))]);
    CatalogSet::new(
        vec![mic, mhlw, meti, newer],
        vec![
            set_of(
                "mic--mhlw",
                "mic",
                "mhlw",
                false,
                vec![edge("a1", Some("c1"), Relation::Intersects), edge("a2", None, Relation::NoCounterpart)],
            ),
            set_of("mic--meti", "mic", "meti", false, vec![edge("a1", Some("m1"), Relation::Intersects)]),
            set_of("mhlw--newer", "mhlw", "newer", false, vec![edge("c1", Some("n1"), Relation::MigratedTo)]),
            set_of("mhlw--meti", "mhlw", "meti", true, vec![edge("c2", Some("m1"), Relation::Related)]),
        ],
    )
}

#[test]
fn related_walks_both_directions_and_composes_relations() {
    let set = fixture();
    let c1 = set.resolve("mhlw", "6.3C1").unwrap();
    let rel = set.related(c1);
    let find = |id: &str| rel.iter().find(|r| r.id.to_string() == id).unwrap_or_else(|| panic!("{id} in {rel:#?}"));
    // Reverse edge to mic: intersects reads the same backwards.
    assert_eq!(find("mic:a1").relation, Relation::Intersects);
    assert!(!find("mic:a1").via[0].forward);
    // Two overlaps do not make an overlap: related-to, through mic:a1.
    let m1 = find("meti:m1");
    assert_eq!(m1.relation, Relation::Related);
    assert_eq!(m1.via.len(), 2);
    assert_eq!(m1.via[0].to.to_string(), "mic:a1");
    assert_eq!(m1.via[1].provenance, vec![Provenance::line("map.txt", 7)]);
    // A migration carries the relation.
    assert_eq!(find("newer:n1").relation, Relation::MigratedTo);
    // Never back into the start catalog, and derived sets are not walked (c2 reaches nothing).
    assert!(rel.iter().all(|r| r.catalog.as_str() != "mhlw"));
    assert!(set.related(set.resolve("mhlw", "6.5 C 2").unwrap()).is_empty());
    // From newer, through mhlw and mic, to meti.
    let from_new = set.related(set.resolve("newer", "7⑥").unwrap());
    let m1 = from_new.iter().find(|r| r.id.to_string() == "meti:m1").unwrap();
    assert_eq!(m1.via.len(), 3);
    assert_eq!(m1.relation, Relation::Related);
}

#[test]
fn compose_table() {
    use Relation::*;
    assert_eq!(Equivalent.compose(Subset), Subset);
    assert_eq!(Subset.compose(Subset), Subset);
    assert_eq!(Subset.compose(Superset), Related);
    assert_eq!(Superset.compose(Superset), Superset);
    assert_eq!(MigratedTo.compose(Intersects), Intersects);
    assert_eq!(Intersects.compose(Intersects), Related);
    assert_eq!(Subset.inverse(), Superset);
}

#[test]
fn resolve_reports_unknown_and_ambiguous() {
    let set = fixture();
    assert!(matches!(set.resolve("nope", "1"), Err(set::ResolveError::UnknownCatalog(_))));
    assert!(matches!(set.resolve("mhlw", "9.9"), Err(set::ResolveError::NotFound { .. })));
    let dup = CatalogSet::new(vec![catalog("d", vec![node("x", "1", Some("a")), node("y", " 1 ", Some("b"))])], vec![]);
    match dup.resolve("d", "1") {
        Err(set::ResolveError::Ambiguous { candidates, .. }) => assert_eq!(candidates, ["x", "y"]),
        other => panic!("{other:?}"),
    }
    // An id wins over a label.
    assert_eq!(dup.requirement(dup.resolve("d", "y").unwrap()).id.as_str(), "y");
}

#[test]
fn crosswalk_separates_no_counterpart_and_unmapped() {
    let set = fixture();
    let cw = crosswalk(&set, "mic", "mhlw").unwrap();
    assert_eq!(cw.rows.len(), 1);
    assert_eq!(cw.no_counterpart.len(), 1);
    assert_eq!(set.requirement(cw.no_counterpart[0].source).id.as_str(), "a2");
    assert!(cw.unmapped.is_empty());
    let back = crosswalk(&set, "mhlw", "mic").unwrap();
    assert_eq!(back.rows.len(), 1);
    assert_eq!(back.unmapped.len(), 1, "6.5 C 2 reaches nothing");
    assert!(crosswalk(&set, "mhlw", "nope").is_err());
}

#[test]
fn search_finds_substrings_ranks_and_filters() {
    let set = fixture();
    let index = SearchIndex::build(&set);
    let hits = index.search("運用責任者", None, 10);
    let ids: Vec<String> = hits.iter().map(|h| set.reference(h.node).to_string()).collect();
    assert_eq!(ids.len(), 2, "{ids:?}");
    assert!(ids.contains(&"mhlw:c1".to_owned()) && ids.contains(&"newer:n1".to_owned()));
    assert_eq!(index.search("運用責任者", Some("newer"), 10).len(), 1);
    // All terms must occur.
    assert!(index.search("パスワード 方針", None, 10).is_empty());
    assert_eq!(index.search("バックアップ", None, 10).len(), 1);
    // Labels are searchable and weigh more than text.
    let h = index.search("6.5", None, 10);
    assert_eq!(set.reference(h[0].node).to_string(), "mhlw:c2");
    // Full-width query matches half-width text after folding; a one-character query works too.
    assert_eq!(index.search("６．５", None, 10).len(), 1);
    assert!(!index.search("策", None, 10).is_empty());
    // The snippet marks the match.
    let hit = &index.search("本人しか知り得ない", None, 10)[0];
    let chars: Vec<char> = hit.snippet.chars().collect();
    assert_eq!(chars[hit.match_start..hit.match_end].iter().collect::<String>(), "本人しか知り得ない");
}

#[test]
fn validation_finds_every_kind_of_problem() {
    use sansho_core::validate::{Location, validate};
    let mut a = node("a", "1", Some("x"));
    a.parent = Some(lid("b"));
    let mut b = node("b", "2", None);
    b.parent = Some(lid("a"));
    let c = node("a", "", Some(" "));
    let cat = catalog("k", vec![a, b, c]);
    let sets = vec![set_of(
        "s",
        "k",
        "gone",
        false,
        vec![edge("zz", Some("q"), Relation::Equivalent), edge("a", Some("q"), Relation::NoCounterpart)],
    )];
    let problems = validate(&[cat], &sets);
    let msgs: Vec<&str> = problems.iter().map(|p| p.message.en()).collect();
    for want in [
        "requirement id a is used twice",
        "has an empty label",
        "has an empty text",
        "neither text nor title",
        "loops back",
        "target catalog gone is not loaded",
        "no requirement zz in source catalog k",
        "no-relationship (明文規定なし) mapping has no target",
    ] {
        assert!(msgs.iter().any(|m| m.contains(want)), "missing {want:?} in {msgs:#?}");
    }
    assert!(problems.iter().any(|p| matches!(p.location, Location::Mapping { set: 0, index: 1, field: "target" })));
}

/// A mapping to a heading concerns the items printed under it, and the other way round; the
/// nodes climbed through are waypoints, and a chain never climbs and then descends.
#[test]
fn related_follows_the_tree_within_a_catalog() {
    let mut heading = node("h", "6.5 C 11", Some("パスワードを利用者識別に使用する場合以下の基準を遵守すること。"));
    heading.kind = NodeKind::Item;
    let mut p1 = node("h-1", "6.5 C 11 (1)", Some("暗号化すること。"));
    p1.parent = Some(lid("h"));
    let mut p2 = node("h-2", "6.5 C 11 (2)", Some("本人確認を行うこと。"));
    p2.parent = Some(lid("h"));
    let mhlw = catalog("mhlw", vec![heading, p1, p2]);
    let mic = catalog("mic", vec![node("a3", "3.2.3 (ア) 3", None)]);
    let check = catalog("check", vec![node("t1", "技術的 7 (1)", Some("暗号化している。"))]);
    let set = CatalogSet::new(
        vec![mhlw, mic, check],
        vec![
            set_of("mic--mhlw", "mic", "mhlw", false, vec![edge("a3", Some("h"), Relation::Intersects)]),
            set_of("check--mhlw", "check", "mhlw", false, vec![edge("t1", Some("h-1"), Relation::Equivalent)]),
        ],
    );
    // From the checklist item: its target, then up to the heading (a waypoint), then to mic.
    let rel = set.related(set.resolve("check", "技術的7(1)").unwrap());
    let ids: Vec<String> = rel.iter().map(|r| r.id.to_string()).collect();
    assert_eq!(ids, ["mhlw:h-1", "mic:a3"], "the heading is a waypoint, the sibling h-2 is not reached");
    let a3 = &rel[1];
    let kinds: Vec<StepKind> = a3.via.iter().map(|s| s.kind).collect();
    assert_eq!(kinds, [StepKind::Mapping, StepKind::Parent, StepKind::Mapping]);
    assert_eq!(a3.via[1].mapping_set, None);
    // equivalent ∘ subset(part of) ∘ intersects = related
    assert_eq!(a3.relation, Relation::Related);
    // From mic: the heading, and the items printed under it (superset composed with overlap).
    let rel = set.related(set.resolve("mic", "3.2.3 (ア) 3").unwrap());
    let find = |id: &str| rel.iter().find(|r| r.id.to_string() == id).unwrap_or_else(|| panic!("{id} in {rel:#?}"));
    assert_eq!(find("mhlw:h").relation, Relation::Intersects);
    assert_eq!(find("mhlw:h-2").via.last().unwrap().kind, StepKind::Child);
    assert_eq!(find("check:t1").via.len(), 3);
}

//! Assessments on a small hand-built set: derivation rules, accept, gap analysis.

use sansho_core::assess::*;
use sansho_core::*;

mod common;
use common::{catalog, lid};

fn rr(s: &str) -> ReqRef {
    ReqRef::parse(s).unwrap()
}

fn node(
    id: &str,
    parent: Option<&str>,
    kind: NodeKind,
    level: Option<Level>,
    category: Option<Category>,
) -> Requirement {
    let mut r = Requirement::new(lid(id), kind, id.to_uppercase());
    r.parent = parent.map(lid);
    r.text = (kind != NodeKind::Section).then(|| format!("{id} の要求事項。"));
    r.level = level;
    r.category = category;
    r.provenance = vec![Provenance::line("t.txt", 1)];
    r
}

fn item(id: &str, parent: Option<&str>, level: Level) -> Requirement {
    node(id, parent, NodeKind::Item, Some(level), None)
}

fn edge(s: &str, t: &str, r: Relation, line: u32) -> Mapping {
    let mut m = Mapping::new(Some(lid(s)), Some(lid(t)), r, Basis::Source);
    m.provenance = vec![Provenance::line("map.txt", line)];
    m
}

fn set_of(source: &str, target: &str, mappings: Vec<Mapping>) -> MappingSet {
    let id = format!("{source}--{target}");
    MappingSet {
        title: Localized::ja(&id),
        id,
        source: CatalogId::parse(source).unwrap(),
        target: CatalogId::parse(target).unwrap(),
        derived: false,
        sources: vec![],
        description: None,
        mappings,
    }
}

/// chk (a checklist) → gl (a guideline with one section `h` of four items) → gl2 (its next edition).
///
/// - q1 ≡ g1, g1 migrated-to n1 (equivalence carries, across the version);
/// - q2 ⊂ g2 and q3 ≡ g2 (two sources into one target);
/// - q4 ≡ g3 (for 該当なし);
/// - q5 ∩ g4 (overlap).
fn fixture() -> CatalogSet {
    let org = || Some(Category::Organizational);
    let chk = catalog(
        "chk",
        vec![
            node("q1", None, NodeKind::Item, Some(Level::Mandatory), org()),
            node("q2", None, NodeKind::Item, Some(Level::Mandatory), org()),
            node("q3", None, NodeKind::Item, Some(Level::Mandatory), Some(Category::Technical)),
            node("q4", None, NodeKind::Item, Some(Level::Recommended), Some(Category::Physical)),
            node("q5", None, NodeKind::Item, Some(Level::Mandatory), Some(Category::Other("情報の破棄".into()))),
        ],
    );
    let gl = catalog(
        "gl",
        vec![
            node("h", None, NodeKind::Section, None, org()),
            item("g1", Some("h"), Level::Mandatory),
            item("g2", Some("h"), Level::Mandatory),
            item("g3", Some("h"), Level::Recommended),
            item("g4", Some("h"), Level::Mandatory),
        ],
    );
    let gl2 = catalog("gl2", vec![item("n1", None, Level::Mandatory)]);
    CatalogSet::new(
        vec![chk, gl, gl2],
        vec![
            set_of(
                "chk",
                "gl",
                vec![
                    edge("q1", "g1", Relation::Equivalent, 1),
                    edge("q2", "g2", Relation::Subset, 2),
                    edge("q3", "g2", Relation::Equivalent, 3),
                    edge("q4", "g3", Relation::Equivalent, 4),
                    edge("q5", "g4", Relation::Intersects, 5),
                ],
            ),
            set_of("gl", "gl2", vec![edge("g1", "n1", Relation::MigratedTo, 9)]),
        ],
    )
}

fn answer(r: &str, result: ResultCode) -> Answer {
    Answer::new(rr(r), result).unwrap()
}

fn ix(set: &CatalogSet, r: &str) -> set::NodeIx {
    let r = rr(r);
    set.node(r.catalog.as_str(), r.local.as_str()).unwrap()
}

#[test]
fn equivalence_carries_across_catalogs_and_versions() {
    let set = fixture();
    let answers = vec![answer("chk:q1", ResultCode::Implemented)];
    let d = derive(&set, &answers).unwrap();
    let s = d.suggestion(ix(&set, "gl:g1")).unwrap();
    assert_eq!((s.result, s.needs_review), (ResultCode::Implemented, false));
    assert_eq!(d.effective(ix(&set, "gl:g1")), (ResultCode::Implemented, ResultBasis::Derived, false));
    // Through the migration to the next edition: still equivalent, chain of two mappings.
    let n1 = d.outcome(ix(&set, "gl2:n1"));
    assert_eq!((n1.result, n1.needs_review), (ResultCode::Implemented, false));
    let named = n1.suggestion.unwrap();
    assert_eq!(named.sources.len(), 1);
    let src = &named.sources[0];
    assert_eq!(src.answer.to_string(), "chk:q1");
    assert_eq!(src.relation, Relation::MigratedTo);
    let hops: Vec<_> = src.via.iter().map(|s| (s.to.to_string(), s.mapping_set.unwrap())).collect();
    assert_eq!(hops, [("gl:g1".to_owned(), "chk--gl"), ("gl2:n1".to_owned(), "gl--gl2")]);
    assert_eq!(src.via[1].provenance, [Provenance::line("map.txt", 9)]);
    // JSON for the outer layers.
    let json = serde_json::to_value(d.outcome(ix(&set, "gl2:n1"))).unwrap();
    assert_eq!(json["result"], "implemented");
    assert_eq!(json["suggestion"]["sources"][0]["via"][1]["mapping_set"], "gl--gl2");
}

#[test]
fn overlap_gives_partial_for_review_and_never_more() {
    let set = fixture();
    for (given, expected) in [
        (ResultCode::Implemented, ResultCode::Partial),
        (ResultCode::Partial, ResultCode::Partial),
        (ResultCode::NotImplemented, ResultCode::NotImplemented),
    ] {
        let answers = vec![answer("chk:q5", given)];
        let d = derive(&set, &answers).unwrap();
        let s = d.suggestion(ix(&set, "gl:g4")).unwrap();
        assert_eq!((s.result, s.needs_review), (expected, true), "{given}");
    }
    // 未回答 stays 未回答: it reaches nothing.
    let answers = vec![answer("chk:q5", ResultCode::Unanswered)];
    let d = derive(&set, &answers).unwrap();
    assert!(d.suggestion(ix(&set, "gl:g4")).is_none());
    assert_eq!(d.effective(ix(&set, "gl:g4")).0, ResultCode::Unanswered);
}

#[test]
fn several_sources_the_most_restrictive_wins_with_all_listed() {
    let set = fixture();
    let answers = vec![answer("chk:q2", ResultCode::Implemented), answer("chk:q3", ResultCode::NotImplemented)];
    let d = derive(&set, &answers).unwrap();
    let g2 = d.outcome(ix(&set, "gl:g2"));
    assert_eq!(g2.result, ResultCode::NotImplemented);
    assert!(g2.needs_review);
    let s = g2.suggestion.unwrap();
    let listed: Vec<_> = s.sources.iter().map(|s| (s.answer.to_string(), s.relation, s.carries)).collect();
    assert_eq!(
        listed,
        [
            ("chk:q2".to_owned(), Relation::Subset, Some(ResultCode::Partial)),
            ("chk:q3".to_owned(), Relation::Equivalent, Some(ResultCode::NotImplemented)),
        ]
    );
    assert!(s.sources.iter().all(|s| s.via.len() == 1 && !s.via[0].provenance.is_empty()));
    // Both implemented: the equivalent source is firm; the subset's cap is not a finding.
    let answers = vec![answer("chk:q2", ResultCode::Implemented), answer("chk:q3", ResultCode::Implemented)];
    let d = derive(&set, &answers).unwrap();
    assert_eq!(d.effective(ix(&set, "gl:g2")), (ResultCode::Implemented, ResultBasis::Derived, false));
    assert_eq!(d.suggestion(ix(&set, "gl:g2")).unwrap().sources.len(), 2);
    // Only the subset: at most 一部実施, for review.
    let answers = vec![answer("chk:q2", ResultCode::Implemented)];
    let d = derive(&set, &answers).unwrap();
    assert_eq!(d.effective(ix(&set, "gl:g2")), (ResultCode::Partial, ResultBasis::Derived, true));
}

#[test]
fn not_applicable_does_not_propagate() {
    let set = fixture();
    let answers = vec![Answer::not_applicable(rr("chk:q4"), "物理媒体を扱わない").unwrap()];
    let d = derive(&set, &answers).unwrap();
    let g3 = ix(&set, "gl:g3");
    let s = d.suggestion(g3).unwrap();
    assert_eq!((s.result, s.needs_review), (ResultCode::Unanswered, true));
    assert_eq!(s.sources[0].carries, None);
    assert_eq!(d.effective(g3), (ResultCode::Unanswered, ResultBasis::None, true));
    assert!(matches!(d.accept(g3), Err(AnswerError::NothingToAccept { .. })));
    // The heading above it is not 該当なし either.
    assert_ne!(d.effective(ix(&set, "gl:h")).0, ResultCode::NotApplicable);
    // Next to an implemented source, N/A still asks for review.
    let answers = vec![
        Answer::not_applicable(rr("chk:q4"), "物理媒体を扱わない").unwrap(),
        answer("chk:q1", ResultCode::Implemented),
    ];
    let d = derive(&set, &answers).unwrap();
    assert_eq!(d.effective(g3).0, ResultCode::Unanswered);
}

#[test]
fn a_direct_answer_is_never_overwritten() {
    let set = fixture();
    let answers = vec![answer("chk:q1", ResultCode::Implemented), answer("gl:g1", ResultCode::NotImplemented)];
    let d = derive(&set, &answers).unwrap();
    let g1 = d.outcome(ix(&set, "gl:g1"));
    assert_eq!((g1.result, g1.basis), (ResultCode::NotImplemented, ResultBasis::Direct));
    assert_eq!(g1.direct.unwrap().result, ResultCode::NotImplemented);
    // The suggestion is shown, not applied; the direct answer on g1 also reaches chk:q1 the
    // other way, and leaves chk:q1's own answer alone.
    assert_eq!(g1.suggestion.unwrap().result, ResultCode::Implemented);
    assert_eq!(d.effective(ix(&set, "chk:q1")), (ResultCode::Implemented, ResultBasis::Direct, false));
    // A direct 未回答 does not hide a suggestion.
    let answers = vec![answer("chk:q1", ResultCode::Implemented), answer("gl:g1", ResultCode::Unanswered)];
    let d = derive(&set, &answers).unwrap();
    assert_eq!(d.effective(ix(&set, "gl:g1")), (ResultCode::Implemented, ResultBasis::Derived, false));
}

#[test]
fn accept_records_where_the_answer_came_from() {
    let set = fixture();
    let answers = vec![answer("chk:q1", ResultCode::Implemented)];
    let d = derive(&set, &answers).unwrap();
    let a = d.accept(ix(&set, "gl2:n1")).unwrap();
    assert_eq!(a.requirement, rr("gl2:n1"));
    assert_eq!(a.result, ResultCode::Implemented);
    let o = a.origin.as_ref().unwrap();
    assert_eq!((o.suggested, o.needs_review), (ResultCode::Implemented, false));
    assert_eq!(o.sources[0].answer, rr("chk:q1"));
    assert_eq!(o.sources[0].answered, ResultCode::Implemented);
    let chain: Vec<_> = o.sources[0].chain.iter().map(|s| (s.from.to_string(), s.to.to_string())).collect();
    assert_eq!(chain, [("chk:q1".into(), "gl:g1".into()), ("gl:g1".into(), "gl2:n1".into())]);
    assert_eq!(o.sources[0].chain[0].mapping_set.as_deref(), Some("chk--gl"));
    // Accepted, it is a direct answer like any other, and wins from then on.
    let mut answers = answers.clone();
    answers.push(a);
    let d = derive(&set, &answers).unwrap();
    assert_eq!(d.effective(ix(&set, "gl2:n1")).1, ResultBasis::Direct);
    assert!(matches!(d.accept(ix(&set, "gl:g4")), Err(AnswerError::NothingToAccept { .. })));
}

#[test]
fn a_heading_rolls_up_from_its_children() {
    let set = fixture();
    let h = ix(&set, "gl:h");
    let all = |r| ["gl:g1", "gl:g2", "gl:g3", "gl:g4"].map(|g| answer(g, r)).to_vec();
    let implemented = all(ResultCode::Implemented);
    let d = derive(&set, &implemented).unwrap();
    assert_eq!(d.effective(h), (ResultCode::Implemented, ResultBasis::Derived, false));
    let not_implemented = all(ResultCode::NotImplemented);
    let d = derive(&set, &not_implemented).unwrap();
    assert_eq!(d.effective(h).0, ResultCode::NotImplemented);
    // One implemented, the rest unanswered: partial.
    let d = derive(&set, &implemented[..1]).unwrap();
    assert_eq!(d.effective(h).0, ResultCode::Partial);
    assert_eq!(d.suggestion(h).unwrap().rollup.as_ref().unwrap().children, [1, 0, 0, 0, 3]);
    // A justified 該当なし child does not count against the heading.
    let mut answers = all(ResultCode::Implemented);
    answers[2] = Answer::not_applicable(rr("gl:g3"), "対象外").unwrap();
    let d = derive(&set, &answers).unwrap();
    assert_eq!(d.effective(h).0, ResultCode::Implemented);
}

#[test]
fn bad_answers_are_errors() {
    let set = fixture();
    let answers = vec![answer("chk:q9", ResultCode::Implemented)];
    assert!(matches!(derive(&set, &answers), Err(AssessError::UnknownRequirement { index: 0, .. })));
    let answers = vec![answer("chk:q1", ResultCode::Implemented), answer("chk:q1", ResultCode::Partial)];
    assert!(matches!(derive(&set, &answers), Err(AssessError::DuplicateAnswer { first: 0, second: 1, .. })));
    let mut bad = answer("chk:q1", ResultCode::Implemented);
    bad.result = ResultCode::NotApplicable;
    assert!(matches!(derive(&set, &[bad]), Err(AssessError::Invalid { index: 0, .. })));
}

#[test]
fn gap_analysis_counts_orders_and_gives_the_verdict() {
    let set = fixture();
    let answers = vec![
        answer("chk:q1", ResultCode::Implemented),
        answer("chk:q2", ResultCode::Partial),
        answer("chk:q3", ResultCode::NotImplemented),
        Answer::not_applicable(rr("chk:q4"), "物理媒体を扱わない").unwrap(),
    ];
    let d = derive(&set, &answers).unwrap();
    let g = gaps(&d, "chk", GapOptions::default()).unwrap();
    assert_eq!(g.total.total, 5);
    assert_eq!(g.total.counts, [1, 1, 1, 1, 1]);
    assert_eq!(g.total.percent(ResultCode::Implemented), 20.0);
    // Mandatory first.
    let levels: Vec<_> = g.levels.iter().map(|l| (l.key.as_str(), l.tally.total)).collect();
    assert_eq!(levels, [("mandatory", 4), ("recommended", 1)]);
    assert_eq!(g.levels[0].label, "遵守事項");
    assert_eq!(g.levels[0].tally.percent(ResultCode::Implemented), 25.0);
    // The four categories in their order, then the source's own.
    let cats: Vec<_> = g.categories.iter().map(|c| (c.key.as_str(), c.tally.total)).collect();
    assert_eq!(cats, [("organizational", 2), ("physical", 1), ("technical", 1), ("情報の破棄", 1)]);
    assert_eq!(g.categories[0].label, "組織的");
    // Each item of chk is its own section.
    assert_eq!(g.sections.len(), 5);
    // Gaps: mandatory first, document order.
    let gaps_: Vec<_> = g.gaps.iter().map(|x| (x.requirement.to_string(), x.result)).collect();
    assert_eq!(
        gaps_,
        [
            ("chk:q2".into(), ResultCode::Partial),
            ("chk:q3".into(), ResultCode::NotImplemented),
            ("chk:q5".into(), ResultCode::Unanswered)
        ]
    );
    assert!(!g.minimum.met);
    assert_eq!((g.minimum.mandatory, g.minimum.satisfied), (4, 1));
    let blockers: Vec<_> = g.minimum.blockers.iter().map(|b| b.requirement.to_string()).collect();
    assert_eq!(blockers, ["chk:q2", "chk:q3", "chk:q5"]);

    // On gl, only with derived results: g1 (≡ q1) is met by a suggestion; the heading is
    // structure and not counted.
    let direct = gaps(&d, "gl", GapOptions::default()).unwrap();
    assert_eq!(direct.total.count(ResultCode::Unanswered), 4);
    let with = gaps(&d, "gl", GapOptions { include_derived: true }).unwrap();
    assert_eq!(with.total.total, 4);
    assert_eq!((with.minimum.satisfied, with.minimum.by_derived), (1, 1));
    assert_eq!(with.sections.len(), 1);
    assert!(with.gaps.iter().any(|x| x.basis == ResultBasis::Derived && x.needs_review));

    // Everything mandatory implemented or justified 該当なし: the minimum package is met.
    let answers = vec![
        answer("chk:q1", ResultCode::Implemented),
        answer("chk:q2", ResultCode::Implemented),
        Answer::not_applicable(rr("chk:q3"), "該当する機器なし").unwrap(),
        answer("chk:q5", ResultCode::Implemented),
    ];
    let d = derive(&set, &answers).unwrap();
    let g = gaps(&d, "chk", GapOptions::default()).unwrap();
    assert!(g.minimum.met, "{:?}", g.minimum.blockers);
    assert_eq!(g.gaps.len(), 1, "the recommended q4 is still a gap");
    assert!(gaps(&d, "nope", GapOptions::default()).is_err());
}

//! Seed 003: the vendor's completed 第3版 最低限のガイドライン遵守チェックリスト → `mhlw-3-checklist`,
//! `mhlw-3-checklist--mhlw-5` and the vendor's answers.
//!
//! The expected figures were counted by hand in the seed: 10 category headings; 80 check items
//! (83 text paragraphs: three items were printed in pieces); 75 answer leaves (No. + ■/□ +
//! 実施内容), 69 ■ and 6 □ (技術的 8 (1)–(5), 改造と保守 8).

use std::collections::BTreeMap;

use sansho_core::validate::{Severity, validate};
use sansho_core::{
    Basis, Catalog, CatalogId, CatalogKind, Category, Level, LocalId, Localized, NodeKind, Provenance, Relation,
    Requirement,
};
use sansho_seeds::seed000;
use sansho_seeds::seed003::{self, Answer};
use sansho_seeds::{ImportReport, Output, Overrides, Seed};

const SEED: &[u8] = include_bytes!("../../../data/seeds/003_348eaa4a0c950f58.txt");
const SEED000: &str = include_str!("../../../data/seeds/000_5783f1c91487ba10.txt");
const SEED004: &[u8] = include_bytes!("../../../data/seeds/004_a1475434a89fb475.txt");
const OVERRIDES000: &str = include_str!("../../../data/overrides/000.toml");
const OVERRIDES: &str = include_str!("../../../data/overrides/003.toml");
const TABLE: &str = include_str!("../../../data/mappings/mhlw-3-checklist--mhlw-5.toml");
const SEED_NAME: &str = "003_348eaa4a0c950f58.txt";

fn seed() -> Seed {
    Seed::new(SEED_NAME, SEED).unwrap()
}

fn overrides() -> Overrides {
    Overrides::parse("data/overrides/003.toml", OVERRIDES).unwrap()
}

/// `(line in the table, target label)` of every match.
fn table_targets() -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut in_map = false;
    for (i, l) in TABLE.lines().enumerate() {
        if l.starts_with("[[") {
            in_map = l == "[[map]]";
        }
        if in_map && let Some(t) = l.strip_prefix("target = ") {
            out.push((i + 1, t.trim_matches('"').to_owned()));
        }
    }
    out
}

/// A stand-in for `mhlw-5` with one node per given label.
fn fake_mhlw5(labels: &[String]) -> Catalog {
    let mut reqs: Vec<Requirement> = Vec::new();
    for (i, l) in labels.iter().enumerate() {
        if reqs.iter().any(|r| r.label == *l) {
            continue;
        }
        let mut r = Requirement::new(LocalId::parse(&format!("n{i}")).unwrap(), NodeKind::Item, l.clone());
        r.text = Some(format!("text of {l}"));
        r.provenance = vec![Provenance::line("fake", 1)];
        reqs.push(r);
    }
    Catalog {
        id: CatalogId::parse("mhlw-5").unwrap(),
        title: Localized::ja("fake"),
        issuers: vec![],
        edition: "fake".into(),
        date: None,
        kind: CatalogKind::Guideline,
        sources: vec![],
        description: None,
        requirements: reqs,
        outline: None,
        ext: None,
    }
}

fn all_targets() -> Vec<String> {
    table_targets().into_iter().map(|(_, l)| l).collect()
}

fn run() -> (Output, Overrides) {
    let ov = overrides();
    let out = seed003::import(&seed(), &ov, &fake_mhlw5(&all_targets())).unwrap();
    (out, ov)
}

fn checklist(out: &Output) -> &Catalog {
    out.catalog("mhlw-3-checklist").unwrap()
}

fn report(out: &Output) -> &ImportReport {
    &out.reports[0]
}

fn answers() -> (Vec<Answer>, ImportReport) {
    let (out, _) = run();
    let ov = overrides();
    let r = seed003::answers(&seed(), &ov, checklist(&out)).unwrap();
    ov.finish().unwrap();
    r
}

fn text<'a>(c: &'a Catalog, id: &str) -> &'a str {
    c.get(id).unwrap_or_else(|| panic!("no {id}")).text.as_deref().unwrap()
}

#[test]
fn every_override_is_used() {
    let (_, ov) = run();
    ov.finish().unwrap();
}

#[test]
fn every_line_is_accounted_for() {
    let (out, _) = run();
    let r = report(&out);
    let lines = seed().lines().count();
    assert_eq!(lines, 773);
    assert_eq!(r.counts["lines"], lines);
    let blank = r.counts["lines skipped: blank lines"];
    assert_eq!(r.rows_read + r.rejections.len() + blank, lines);
    assert_eq!(blank, seed().lines().filter(|(_, l)| l.trim().is_empty()).count());
    assert_eq!(r.counts["lines read: category headings"], 10);
    assert_eq!(r.counts["lines read: checklist title, description and date"], 5);
    assert_eq!(r.counts["lines read: check-item text"], 243);
    assert_eq!(r.counts["lines read: answers"], 266);
    // The rejected lines are exactly the column headers.
    assert_eq!(r.rejections.len(), 20);
    for rej in &r.rejections {
        let l = seed().line(rej.line).unwrap().trim().to_owned();
        assert!(l == "チェック項目" || l == "No. 実施済 実施内容", "line {}: {l}", rej.line);
        assert!(rej.reason.contains("column header"));
    }
    assert_eq!(r.rejections.iter().filter(|x| seed().line(x.line).unwrap().trim() == "チェック項目").count(), 10);
    // Every override applied is recorded as a repair.
    assert_eq!(r.repairs.len(), overrides().len());
}

#[test]
fn catalog_metadata() {
    let (out, _) = run();
    let c = checklist(&out);
    assert_eq!(
        c.title.ja,
        "医療情報システムの安全管理に関するガイドライン 第３版 最低限のガイドライン遵守チェックリスト"
    );
    assert_eq!(c.issuers, ["厚生労働省"]);
    assert_eq!(c.edition, "第3版");
    assert_eq!(c.date.as_deref(), Some("2009-06-29"));
    assert_eq!(c.kind, CatalogKind::Checklist);
    assert_eq!(c.sources.len(), 1);
    assert_eq!(c.sources[0].file, SEED_NAME);
    assert_eq!(c.sources[0].sha256, seed().sha256);
    let d = c.description.as_deref().unwrap();
    assert!(d.starts_with("本遵守チェックリストは、平成20年3 月「医療情報システムの安全管理に関するガイドライン 第３版 」の1 章～6 章における「最低限のガイドライン」の遵守状況のチェックリストである。"), "{d}");
}

#[test]
fn sections_in_checklist_order() {
    let (out, _) = run();
    let c = checklist(&out);
    let sections: Vec<(&str, &str, Option<&Category>, u32)> = c
        .requirements
        .iter()
        .filter(|r| r.kind == NodeKind::Section)
        .map(|r| (r.id.as_str(), r.label.as_str(), r.category.as_ref(), r.provenance[0].line))
        .collect();
    let other = |s: &str| Category::Other(s.to_owned());
    let expected = [
        ("org", "組織的安全管理対策", Category::Organizational, 2),
        ("phys", "物理的安全対策", Category::Physical, 25),
        ("tech", "技術的安全対策", Category::Technical, 87),
        ("human-staff", "人的安全対策（従業者に対する人的安全管理措置）", Category::Human, 248),
        ("human-contractor", "人的安全対策（事務取扱委託業者の監督及び守秘義務契約）", Category::Human, 258),
        ("disposal", "情報の破棄", other("情報の破棄"), 467),
        ("maintenance", "情報システムの改造と保守", other("情報システムの改造と保守"), 465),
        ("takeout", "情報および情報機器の持ち出しについて", other("情報および情報機器の持ち出しについて"), 600),
        ("emergency", "災害等の非常時の対応", other("災害等の非常時の対応"), 578),
        (
            "exchange",
            "外部と個人情報を含む医療情報を交換する場合の安全管理",
            other("外部と個人情報を含む医療情報を交換する場合の安全管理"),
            606,
        ),
    ];
    assert_eq!(sections.len(), expected.len());
    for (got, want) in sections.iter().zip(&expected) {
        assert_eq!((got.0, got.1, got.2, got.3), (want.0, want.1, Some(&want.2), want.3));
    }
    for r in c.requirements.iter().filter(|r| r.kind == NodeKind::Section) {
        assert_eq!(r.title.as_deref(), Some(r.label.as_str()));
        assert!(r.text.is_none() && r.level.is_none());
    }
}

#[test]
fn check_items_per_category() {
    let (out, _) = run();
    let c = checklist(&out);
    let mut per: BTreeMap<&str, usize> = BTreeMap::new();
    for r in c.requirements.iter().filter(|r| r.kind != NodeKind::Section) {
        let mut top = r;
        while let Some(p) = &top.parent {
            top = c.get(p.as_str()).unwrap();
        }
        *per.entry(top.id.as_str()).or_default() += 1;
    }
    let want = BTreeMap::from([
        ("org", 5),
        ("phys", 7),
        ("tech", 19),
        ("human-staff", 3),
        ("human-contractor", 6),
        ("disposal", 5),
        ("maintenance", 9),
        ("takeout", 10),
        ("emergency", 6),
        ("exchange", 10),
    ]);
    assert_eq!(per, want);
    assert_eq!(c.requirements.len(), 90);
    assert_eq!(c.requirement_count(), 80);
    assert_eq!(report(&out).counts["mhlw-3-checklist check items"], 80);
    assert_eq!(report(&out).counts["mhlw-3-checklist check items in 技術的安全対策"], 19);
    for r in c.requirements.iter().filter(|r| r.kind != NodeKind::Section) {
        assert_eq!(r.level, Some(Level::Mandatory), "{}", r.id);
        assert!(r.text.as_deref().is_some_and(|t| !t.trim().is_empty()), "{}", r.id);
        assert!(!r.provenance.is_empty() && r.provenance.iter().all(|p| p.file == SEED_NAME), "{}", r.id);
        let parent = c.get(r.parent.as_ref().unwrap().as_str()).unwrap();
        assert_eq!(r.category, parent.category, "{}", r.id);
        let want_kind = if parent.kind == NodeKind::Section { NodeKind::Item } else { NodeKind::SubItem };
        assert_eq!(r.kind, want_kind, "{}", r.id);
        assert!(r.label.starts_with(&format!("{} ", parent.label.split(' ').next().unwrap())), "{}", r.label);
    }
    let problems: Vec<_> = validate(std::slice::from_ref(c), &[]).into_iter().collect();
    assert!(problems.iter().all(|p| p.severity != Severity::Error), "{problems:?}");
    assert!(problems.is_empty(), "{problems:?}");
}

#[test]
fn labels_and_ids() {
    let (out, _) = run();
    let c = checklist(&out);
    let label = |id: &str| c.get(id).unwrap().label.clone();
    assert_eq!(label("org-1"), "組織的安全管理対策 1");
    assert_eq!(label("tech-7-1"), "技術的安全対策 7 (1)");
    assert_eq!(label("tech-7-user"), "技術的安全対策 7 利用者");
    assert_eq!(label("tech-7-user-2"), "技術的安全対策 7 利用者 (2)");
    assert_eq!(label("human-contractor-1-2"), "人的安全対策（事務取扱委託業者の監督及び守秘義務契約） 1 ②");
    assert_eq!(label("disposal-4-1"), "情報の破棄 4 (a)");
    assert_eq!(c.get("tech-7-user-1").unwrap().parent.as_ref().unwrap().as_str(), "tech-7-user");
    assert_eq!(c.get("tech-7-user").unwrap().parent.as_ref().unwrap().as_str(), "tech-7");
    assert_eq!(c.get("human-contractor-2").unwrap().parent.as_ref().unwrap().as_str(), "human-contractor");
    // Document order: a section's items by number, sub-items after their item.
    let tech: Vec<&str> = c.requirements.iter().map(|r| r.id.as_str()).filter(|i| i.starts_with("tech-")).collect();
    assert_eq!(
        tech,
        [
            "tech-1",
            "tech-2",
            "tech-3",
            "tech-4",
            "tech-5",
            "tech-6",
            "tech-7",
            "tech-7-1",
            "tech-7-2",
            "tech-7-3",
            "tech-7-user",
            "tech-7-user-1",
            "tech-7-user-2",
            "tech-8",
            "tech-8-1",
            "tech-8-2",
            "tech-8-3",
            "tech-8-4",
            "tech-8-5"
        ]
    );
    let ex: Vec<&str> = c.requirements.iter().map(|r| r.id.as_str()).filter(|i| i.starts_with("exchange-")).collect();
    assert_eq!(ex.last(), Some(&"exchange-10"));
}

#[test]
fn texts_are_verbatim_with_wraps_joined() {
    let (out, _) = run();
    let c = checklist(&out);
    // Lines 89–92: wrapped mid-word (業/務, 対/策).
    assert_eq!(
        text(c, "phys-2"),
        "個人情報を入力、参照できる端末が設置されている区画は、業務時間帯以外は施錠等、権限者以外立ち入ることが出来ない対策を講じている。もしくは、同等レベルの他の取りうる手段がある。"
    );
    // Lines 107–109: the (a)/(b) list keeps its line breaks; the ideographic indent is debris.
    assert_eq!(
        text(c, "org-5"),
        "運用管理規程等において次の内容を定めている。\n(a)個人情報の記録媒体の管理（保管・授受等）の方法\n(b)リスクに対する予防、発生時の対応の方法"
    );
    // Lines 278–282, the seed's own typo 行わっている kept.
    assert_eq!(
        text(c, "tech-7-1"),
        "システム内のパスワードファイルでパスワードは必ず暗号化(不可逆変換)され、適切な手法で管理及び運用が行わっている。(利用者識別にＩＣカード等他の手段を併用した場合はシステムに応じたパスワードの運用方法を運用管理規程にて定めること)"
    );
    // Two items in one paragraph (lines 251–254) are split where the second starts.
    assert!(text(c, "human-staff-1").ends_with("安全管理を行っている。"));
    assert_eq!(text(c, "human-staff-2"), "定期的に従業者に対し教育訓練を行っている。");
    // Lines 263–264: ASCII inside Japanese, no space added.
    assert_eq!(
        text(c, "tech-8-2"),
        "不正アクセスの対策を施ししている。少なくともSSIDやMACアドレスによるアクセス制限。"
    );
    assert_eq!(text(c, "disposal-4-1"), "不要になった個人情報を含む媒体の廃棄を定める規程の作成");
    assert_eq!(text(c, "tech-7"), "パスワードを利用者識別に使用する場合");
    // Every line of every check item is in the text (no character lost or added).
    let seed = seed();
    for r in c.requirements.iter().filter(|r| r.text.is_some()) {
        let mut expected = String::new();
        for p in &r.provenance {
            for n in p.line..=p.end_line {
                expected.extend(seed.line(n).unwrap().chars().filter(|c| !c.is_whitespace()));
            }
        }
        let got: String = r.text.as_deref().unwrap().chars().filter(|c| !c.is_whitespace()).collect();
        assert_eq!(got, expected, "{}", r.id);
    }
}

#[test]
fn items_printed_in_pieces_are_reassembled() {
    let (out, _) = run();
    let c = checklist(&out);
    let ranges =
        |id: &str| -> Vec<(u32, u32)> { c.get(id).unwrap().provenance.iter().map(|p| (p.line, p.end_line)).collect() };
    assert_eq!(ranges("exchange-6"), [(732, 736), (750, 760)]);
    assert_eq!(ranges("exchange-7"), [(738, 739), (764, 771), (709, 711)]);
    let t7 = text(c, "exchange-7");
    assert!(
        t7.starts_with(
            "また、医療機関内においても次の事項において契約や運用管理規程等で定めておくこと。\n・通信機器、"
        )
    );
    assert_eq!(t7.matches("\n・").count(), 5);
    assert!(t7.ends_with("・個人情報の取扱いに関して患者から照会等があった場合の送信元、送信先双方の医療機関等への連絡に関する事項、またその場合の個人情報の取扱いに関する秘密事項。"));
    assert_eq!(text(c, "exchange-6").matches("\n・").count(), 5);
}

#[test]
fn mapping_set() {
    let (out, _) = run();
    let set = out.mapping_set("mhlw-3-checklist--mhlw-5").unwrap();
    assert_eq!(set.source.as_str(), "mhlw-3-checklist");
    assert_eq!(set.target.as_str(), "mhlw-5");
    assert!(!set.derived);
    let mut per: BTreeMap<Relation, usize> = BTreeMap::new();
    for m in &set.mappings {
        *per.entry(m.relation).or_default() += 1;
        assert_eq!(m.basis, Basis::Editorial);
        assert!(m.note.as_deref().is_some_and(|n| n.starts_with(seed003::MATCH_NOTE)));
        let src = checklist(&out).get(m.source.as_ref().unwrap().as_str()).unwrap();
        assert_eq!(m.provenance[0], src.provenance[0]);
        assert_eq!(m.provenance[1].file, seed003::TABLE_FILE);
        assert!(m.target.is_some());
    }
    assert_eq!(
        per,
        BTreeMap::from([
            (Relation::Equivalent, 51),
            (Relation::Subset, 20),
            (Relation::Superset, 4),
            (Relation::Intersects, 3),
            (Relation::Related, 1),
        ])
    );
    assert_eq!(set.mappings.len(), 79);
    // The catalog's note is the entry's `note_ja`; its English `note` stays in the table for review.
    let org1 = set.mappings.iter().find(|m| m.source.as_ref().unwrap().as_str() == "org-1").unwrap();
    assert_eq!(
        org1.note.as_deref(),
        Some(
            "双方の本文を読み比べて対応付け：同一の要求事項（運用責任者の設置及び担当者の限定）。\
             mhlw-5は小規模医療機関等に対する例外を加えているのみ。"
        )
    );
    let r = report(&out);
    assert_eq!(r.counts["mhlw-3-checklist--mhlw-5 edges"], 79);
    assert_eq!(r.counts["mhlw-3-checklist--mhlw-5 equivalent-to"], 51);
    // The one item whose counterpart mhlw-5 lacks gets no entry, and is reported.
    assert!(!set.mappings.iter().any(|m| m.source.as_ref().unwrap().as_str() == "exchange-4"));
    assert!(!set.mappings.iter().any(|m| m.relation == Relation::NoCounterpart));
    assert_eq!(r.counts["mhlw-3-checklist--mhlw-5 unmapped check items"], 2);
    let unmapped: Vec<&str> = r
        .notes
        .iter()
        .filter_map(|n| n.strip_prefix("not mapped to mhlw-5: "))
        .map(|n| n.split(' ').next().unwrap())
        .collect();
    assert_eq!(unmapped, ["human-contractor-1", "exchange-4"]);
    // Every other check item has at least one edge.
    let c = checklist(&out);
    for req in c
        .requirements
        .iter()
        .filter(|r| r.text.is_some() && !["exchange-4", "human-contractor-1"].contains(&r.id.as_str()))
    {
        assert!(set.mappings.iter().any(|m| m.source.as_ref() == Some(&req.id)), "{}", req.id);
    }
    let problems = validate(&[c.clone(), fake_mhlw5(&all_targets())], std::slice::from_ref(set));
    assert!(problems.is_empty(), "{problems:?}");
}

#[test]
fn an_unresolved_label_names_the_table_line() {
    let (line, label) = table_targets().into_iter().find(|(_, l)| l == "6.4 C 5").unwrap();
    let labels: Vec<String> = all_targets().into_iter().filter(|l| *l != label).collect();
    let e = seed003::import(&seed(), &overrides(), &fake_mhlw5(&labels)).unwrap_err();
    assert_eq!(e.file, seed003::TABLE_FILE);
    assert_eq!(e.line, line - 2, "the error names the [[map]] entry: {e}");
    assert!(e.message.contains("\"6.4 C 5\" does not resolve in mhlw-5"), "{e}");
}

#[test]
fn labels_resolve_across_spacing_and_width() {
    // mhlw-5 may print labels with other spacing or full-width forms.
    let labels: Vec<String> = all_targets().iter().map(|l| l.replace(' ', "").replace('C', "Ｃ")).collect();
    let out = seed003::import(&seed(), &overrides(), &fake_mhlw5(&labels)).unwrap();
    assert_eq!(out.mapping_sets[0].mappings.len(), 79);
}

/// The real `mhlw-5`, built from seed 000 the way `build_bundled` does.
fn real_mhlw5() -> Catalog {
    let s000 = Seed::new("000_5783f1c91487ba10.txt", SEED000.as_bytes()).unwrap();
    let s004 = Seed::new("004_a1475434a89fb475.txt", SEED004).unwrap();
    let ov000 = Overrides::parse("data/overrides/000.toml", OVERRIDES000).unwrap();
    let out = seed000::import(&s000, &s004, &ov000).unwrap();
    ov000.finish().unwrap();
    out.catalog("mhlw-5").unwrap().clone()
}

/// Composition as in `build_bundled`: seed 000, then seed 003 against its `mhlw-5`. Every
/// match of the table resolves, to the requirement whose text it was read against.
#[test]
fn composes_with_seed000s_mhlw5() {
    let mhlw5 = real_mhlw5();
    let ov = overrides();
    let out = seed003::import(&seed(), &ov, &mhlw5).unwrap();
    ov.finish().unwrap();
    let c = checklist(&out);
    let set = out.mapping_set("mhlw-3-checklist--mhlw-5").unwrap();
    assert_eq!(set.mappings.len(), 79);
    let problems = validate(&[c.clone(), mhlw5.clone()], std::slice::from_ref(set));
    assert!(problems.iter().all(|p| p.severity != Severity::Error), "{problems:?}");
    let target = |src: &str| -> Vec<String> {
        set.mappings
            .iter()
            .filter(|m| m.source.as_ref().unwrap().as_str() == src)
            .map(|m| m.target.as_ref().unwrap().as_str().to_owned())
            .collect()
    };
    assert_eq!(target("org-5"), ["6.3-c-5-pf", "6.3-c-5-pd"]);
    assert_eq!(target("tech-7-user-1"), ["6.5-c-11-u-p1"]);
    assert_eq!(target("human-staff-2"), ["6.6-c-xa-1c2"]);
    assert_eq!(target("human-contractor-1-4"), ["6.6-c-np-c4"]);
    assert_eq!(target("exchange-8"), ["6.11-c-7"]);
    assert!(target("human-contractor-1").is_empty() && target("exchange-4").is_empty());
    // Every target is a C (mandatory) requirement with a text, and every mapped pair shares
    // its 第3版 section number (6.3 … 6.11) with the check item's category.
    let section_of = |cat: &str| match cat {
        "org" => "6.3",
        "phys" => "6.4",
        "tech" => "6.5",
        "human-staff" | "human-contractor" => "6.6",
        "disposal" => "6.7",
        "maintenance" => "6.8",
        "takeout" => "6.9",
        "emergency" => "6.10",
        _ => "6.11",
    };
    for m in &set.mappings {
        let t = mhlw5.get(m.target.as_ref().unwrap().as_str()).unwrap();
        assert_eq!(t.level, Some(Level::Mandatory), "{}", t.label);
        assert!(t.text.is_some(), "{}", t.label);
        let mut top = c.get(m.source.as_ref().unwrap().as_str()).unwrap();
        while let Some(p) = &top.parent {
            top = c.get(p.as_str()).unwrap();
        }
        assert!(t.label.starts_with(&format!("{} C ", section_of(top.id.as_str()))), "{} → {}", top.id, t.label);
    }
}

#[test]
fn answers_are_paired() {
    let (answers, report) = answers();
    assert_eq!(report.counts["answers: leaves"], 75);
    assert_eq!(report.counts["answers: paired"], 75);
    assert_eq!(report.counts["answers: unpaired"], 0);
    assert_eq!(answers.len(), 75);
    let unpaired: Vec<_> = report.rejections.iter().filter(|r| r.reason.starts_with("answer ")).collect();
    assert!(unpaired.is_empty(), "{unpaired:?}");
    assert_eq!(answers.iter().filter(|a| a.implemented).count(), 69);
    let not: Vec<&str> = answers.iter().filter(|a| !a.implemented).map(|a| a.requirement.as_str()).collect();
    assert_eq!(not, ["tech-8-1", "tech-8-2", "tech-8-3", "tech-8-4", "tech-8-5", "maintenance-8"]);
    // One answer per leaf check item; parents (7, 7 利用者, 8, 委託 1, 破棄 4) have none.
    let mut ids: Vec<&str> = answers.iter().map(|a| a.requirement.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 75);
    for p in ["tech-7", "tech-7-user", "tech-8", "human-contractor-1", "disposal-4", "exchange-4"] {
        assert_eq!(ids.contains(&p), p == "exchange-4", "{p}");
    }
    for a in &answers {
        assert!(a.provenance.iter().all(|p| p.file == SEED_NAME));
        assert_eq!(a.provenance[0].line, a.line);
    }
}

#[test]
fn answer_details() {
    let (answers, report) = answers();
    let get = |id: &str| answers.iter().find(|a| a.requirement.as_str() == id).unwrap();
    let org1 = get("org-1");
    assert_eq!((org1.implemented, org1.how.as_deref(), org1.line), (true, Some("運用責任者を1名、担当者を2名設置"), 5));
    assert_eq!(org1.label, "組織的安全管理対策 1");
    assert_eq!(get("tech-1").how.as_deref(), Some("①パスワード\n②アクセスログ管理"));
    // The numbering restarted under 「また、利用者は…」 (override at line 183).
    assert_eq!((get("tech-7-user-1").line, get("tech-7-user-1").how.as_deref()), (183, Some("実施している。")));
    assert_eq!((get("tech-7-user-2").line, get("tech-7-user-2").how.as_deref()), (188, Some("周知している。")));
    // □ with the how printed once on the parent row 8.
    let wlan = get("tech-8-3");
    assert_eq!((wlan.implemented, wlan.how.as_deref()), (false, Some("無線ＬＡＮは使用していない。")));
    assert!(wlan.provenance.iter().any(|p| p.line == 193));
    assert!(report.notes.iter().any(|n| n.starts_with("5 answers have no 実施内容 of their own")));
    let c2 = get("human-contractor-1-2");
    assert_eq!((c2.line, c2.how.as_deref()), (235, Some("メール及び口頭（電話）で報告を実施している。")));
    assert_eq!(get("disposal-4-1").how.as_deref(), Some("機器の管理規程を定めている。"));
    assert_eq!(get("human-contractor-2").line, 328);
    assert_eq!(
        get("human-contractor-2").how.as_deref(),
        Some(
            "外部の保守要員が個人情報にアクセスすることは原則としてない。障害時等で個人情報DBにアクセスする場合は罰則のある守秘契約等の秘密保持をしている要員で作業をしている。"
        )
    );
    assert_eq!((get("maintenance-8").implemented, get("maintenance-8").line), (false, 405));
    assert_eq!(
        get("takeout-8").how.as_deref(),
        Some(
            "外部との個人情報の交換は\n①暗号化\n②ウィルスチェック\n③電子証明書による認証の安全対策を含む「セコムデータ一時保管サービス」を利用して行っている。"
        )
    );
    // 外部との交換 6 and 7: marks and one how placed by overrides.
    let e6 = get("exchange-6");
    assert!(e6.implemented);
    assert_eq!(e6.how.as_deref(), Some("外部ネットワークには接続していない。"));
    let lines: Vec<u32> = e6.provenance.iter().map(|p| p.line).collect();
    assert_eq!(lines, [672, 762, 747]);
    let e7 = get("exchange-7");
    assert!(e7.implemented);
    assert_eq!(
        e7.how.as_deref(),
        Some(
            "機器や回線についての契約を締結し、責任を明確化している。\n患者は業務の対象外。専任の管理者を設置している。\n業務委託契約書において健診・保健指導実施機関の責任を定義。\n患者は業務の対象外。"
        )
    );
    assert_eq!(e7.provenance.iter().map(|p| p.line).collect::<Vec<_>>(), [674, 713, 676, 679, 682, 686]);
    let e10 = get("exchange-10");
    assert_eq!(e10.line, 699);
    assert!(e10.how.as_deref().unwrap().ends_with("インフラ環境として、ファイアウォール、アクセス監視を実施する。"));
}

#[test]
fn leaves_without_a_check_item_are_reported() {
    let (out, _) = run();
    let mut c = checklist(&out).clone();
    c.requirements.retain(|r| r.id.as_str() != "takeout-9" && r.id.as_str() != "tech-7-user-2");
    let ov = overrides();
    let (answers, report) = seed003::answers(&seed(), &ov, &c).unwrap();
    assert_eq!(answers.len(), 73);
    assert_eq!(report.counts["answers: unpaired"], 2);
    let unpaired: Vec<(u32, &str)> = report
        .rejections
        .iter()
        .filter(|r| r.reason.starts_with("answer "))
        .map(|r| (r.line, r.reason.as_str()))
        .collect();
    assert_eq!(
        unpaired,
        [
            (
                188,
                "answer 技術的安全対策 7 利用者 (2): no check item 技術的安全対策 7 利用者 (2) in mhlw-3-checklist; not paired"
            ),
            (
                519,
                "answer 情報および情報機器の持ち出しについて 9: no check item 情報および情報機器の持ち出しについて 9 in mhlw-3-checklist; not paired"
            ),
        ]
    );
}

#[test]
fn a_missing_check_item_override_is_an_error_naming_the_line() {
    let text = OVERRIDES.replace("line = 149\naction = \"check-item\"", "line = 149\naction = \"check-itemx\"");
    let ov = Overrides::parse("data/overrides/003.toml", &text).unwrap();
    let e = seed003::import(&seed(), &ov, &fake_mhlw5(&all_targets())).unwrap_err();
    assert_eq!((e.file.as_str(), e.line), (SEED_NAME, 149), "{e}");
    assert!(e.message.contains("belongs to no check item"), "{e}");
}

#[test]
fn a_stale_override_fails_finish() {
    let text = format!(
        "{OVERRIDES}\n[[override]]\nline = 1\naction = \"check-item\"\nid = \"x-1\"\nlabel = \"1\"\nreason = \"stale\"\n"
    );
    let ov = Overrides::parse("data/overrides/003.toml", &text).unwrap();
    // Line 1 is blank: the importer refuses it outright.
    assert!(seed003::import(&seed(), &ov, &fake_mhlw5(&all_targets())).is_err());
    let text = format!(
        "{OVERRIDES}\n[[override]]\nline = 9999\naction = \"mark\"\nsection = \"org\"\nlabel = \"1\"\nreason = \"stale\"\n"
    );
    let ov = Overrides::parse("data/overrides/003.toml", &text).unwrap();
    seed003::import(&seed(), &ov, &fake_mhlw5(&all_targets())).unwrap();
    assert!(ov.finish().is_err());
}

#[test]
fn import_is_deterministic() {
    let (a, _) = run();
    let (b, _) = run();
    assert_eq!(a.catalogs, b.catalogs);
    assert_eq!(a.mapping_sets, b.mapping_sets);
    assert_eq!(a.reports, b.reports);
}

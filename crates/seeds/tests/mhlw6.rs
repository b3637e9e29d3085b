//! `mhlw6::import` on the real seeds 001 and 002 and the reviewed overrides. Every expected
//! value below was checked by reading the seed lines it names (`cat -n data/seeds/002_…`).

use sansho_core::{
    Basis, Catalog, CatalogId, CatalogKind, Level, LocalId, Localized, NodeKind, Provenance, Relation, Requirement,
};
use sansho_seeds::{ImportError, Output, Overrides, Seed, mhlw6};

const S1: &str = "001_485acbf5d70072c0.txt";
const S2: &str = "002_440e422744ed7759.txt";
const OVERRIDES: &str = include_str!("../../../data/overrides/002.toml");

fn seeds() -> (Seed, Seed) {
    let s2 = Seed::new(S2, include_bytes!("../../../data/seeds/002_440e422744ed7759.txt")).unwrap();
    let s1 = Seed::new(S1, include_bytes!("../../../data/seeds/001_485acbf5d70072c0.txt")).unwrap();
    (s2, s1)
}

fn mhlw5(reqs: Vec<Requirement>) -> Catalog {
    Catalog {
        id: CatalogId::parse("mhlw-5").unwrap(),
        title: Localized::ja("医療情報システムの安全管理に関するガイドライン 第5版"),
        issuers: vec!["厚生労働省".into()],
        edition: "第5版".into(),
        date: None,
        kind: CatalogKind::Guideline,
        sources: vec![],
        description: None,
        requirements: reqs,
        outline: None,
        ext: None,
    }
}

fn import_with(overrides: &str, old: &Catalog) -> Result<Output, ImportError> {
    let (s2, s1) = seeds();
    let ov = Overrides::parse("data/overrides/002.toml", overrides)?;
    let out = mhlw6::import(&s2, &s1, &ov, old)?;
    ov.finish()?;
    Ok(out)
}

fn run() -> Output {
    import_with(OVERRIDES, &mhlw5(vec![])).unwrap()
}

fn node<'a>(c: &'a Catalog, id: &str) -> &'a Requirement {
    c.get(id).unwrap_or_else(|| panic!("{} has no node {id}", c.id))
}

fn prov(file: &str, a: u32, b: u32) -> Provenance {
    Provenance::lines(file, a, b)
}

#[test]
fn the_result_validates() {
    let out = run();
    let problems = sansho_core::validate::validate(&out.catalogs, &out.mapping_sets);
    assert!(problems.is_empty(), "{problems:#?}");
    let ids: Vec<&str> = out.catalogs.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, ["mhlw-5.2", "mhlw-6"]);
    let sets: Vec<&str> = out.mapping_sets.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(sets, ["mhlw-5.2--mhlw-6"], "no 5 → 5.2 set without same-text pairs");
    // Parents first, every node with provenance.
    for c in &out.catalogs {
        for (i, r) in c.requirements.iter().enumerate() {
            assert!(!r.provenance.is_empty(), "{} {}", c.id, r.id);
            if let Some(p) = &r.parent {
                assert!(c.requirements[..i].iter().any(|x| &x.id == p), "{} {} before its parent", c.id, r.id);
            }
        }
    }
}

#[test]
fn mhlw6_volumes_as_printed_and_no_date() {
    let out = run();
    let c = out.catalog("mhlw-6").unwrap();
    assert_eq!(c.edition, "第6.0版");
    assert_eq!(c.date, None, "no seed states the publication date");
    assert_eq!(c.issuers, ["厚生労働省"]);
    let files: Vec<&str> = c.sources.iter().map(|s| s.file.as_str()).collect();
    assert_eq!(files, [S2, S1]);
    let volumes: Vec<(&str, &str, &str)> = c
        .requirements
        .iter()
        .filter(|r| r.kind == NodeKind::Volume)
        .map(|r| (r.id.as_str(), r.label.as_str(), r.title.as_deref().unwrap()))
        .collect();
    assert_eq!(
        volumes,
        [
            ("overview", "概説編", "概説 (Overview)"),
            ("governance", "経営管理編", "経営管理編 (Governance)"),
            ("management", "企画管理編", "企画管理編 (Management)"),
            ("control", "システム運用編", "システム運用編 (Control)"),
            ("qa", "Q&A", "Q&A"),
            ("unplaced", "巻不明", "巻不明（出典002で列が失われた参照）"),
        ]
    );
    // 002's column headings: 概説 at 27, (Overview) at 35; Q&A at 49. 001 names 概説編 at 908.
    assert_eq!(node(c, "overview").provenance, [prov(S2, 27, 27), prov(S2, 35, 35), prov(S1, 908, 908)]);
    assert_eq!(node(c, "qa").provenance, [prov(S2, 49, 49)]);
    assert!(node(c, "management").provenance.contains(&prov(S1, 2104, 2104)), "企画管理編 named alone at 001:2104");
}

#[test]
fn sections_cited_by_001_with_printed_titles_and_lines() {
    let out = run();
    let c = out.catalog("mhlw-6").unwrap();
    let expect = [
        ("control-8.2", "システム運用編 8.2", "情報機器等の脆弱性への対策", 344),
        ("control-10", "システム運用編 10", "事業者による保守対応等に対する安全管理措置", 335),
        ("control-11.1", "システム運用編 11.1", "通常時における運用対策", 336),
        ("control-11.2", "システム運用編 11.2", "非常時における対応", 336),
        ("control-13.1.2", "システム運用編 13.1.2", "選択すべきネットワークのセキュリティ", 334),
        ("control-14.1.1", "システム運用編 14.1.1", "利用者の識別・認証", 327),
        ("control-17.1", "システム運用編 17.1", "証跡のレビュー", 343),
        ("control-17.2", "システム運用編 17.2", "監査の実施の支援", 343),
        ("control-18.1", "システム運用編 18.1", "サイバーセキュリティ対応", 326),
        ("management-5.2.1", "企画管理編 5.2.1", "契約管理", 358),
        ("management-7.2", "企画管理編 7.2", "委託先事業者管理", 325),
        ("management-7.4", "企画管理編 7.4", "委託先事業者選定", 325),
    ];
    for (id, label, title, line) in expect {
        let r = node(c, id);
        assert_eq!(r.label, label);
        assert_eq!(r.title.as_deref(), Some(title), "{id}");
        assert_eq!(r.provenance, [prov(S1, line, line)], "{id}");
        assert_eq!(r.text, None, "{id}: 001 does not quote the section's wording");
        let note = r.note.as_deref().unwrap();
        assert!(
            note.starts_with(&format!("出典001（{line}行目）には参照と見出しのみが記載されている")),
            "{id}: {note}"
        );
    }
    assert_eq!(node(c, "control-10").kind, NodeKind::Chapter);
    assert_eq!(node(c, "control-8.2").parent.as_ref().unwrap().as_str(), "control");
    assert_eq!(node(c, "management-7.2").parent.as_ref().unwrap().as_str(), "management");

    // 遵守事項⑥: cited with 13.1.2, chapter not stated.
    let j = node(c, "control-compliance-6");
    assert_eq!(j.label, "システム運用編 遵守事項⑥");
    assert_eq!(j.parent.as_ref().unwrap().as_str(), "control");
    assert_eq!(j.level, Some(Level::Mandatory));
    assert_eq!(j.provenance, [prov(S1, 334, 334)]);
    assert!(j.note.as_deref().unwrap().contains("どの章の遵守事項かは示されていない"));

    // In document order inside the volume: by number, then 遵守事項.
    let order: Vec<&str> = c
        .requirements
        .iter()
        .filter(|r| r.parent.as_ref().is_some_and(|p| p.as_str() == "control"))
        .map(|r| r.id.as_str())
        .collect();
    assert_eq!(
        order,
        [
            "control-8.2",
            "control-10",
            "control-11.1",
            "control-11.2",
            "control-13.1.2",
            "control-14.1.1",
            "control-17.1",
            "control-17.2",
            "control-18.1",
            "control-compliance-6"
        ]
    );
    // Nothing is cited in 経営管理編 or Q&A by a placed reference.
    assert!(!c.requirements.iter().any(|r| r.parent.as_ref().is_some_and(|p| p.as_str() == "governance")));
    assert!(!c.requirements.iter().any(|r| r.parent.as_ref().is_some_and(|p| p.as_str() == "qa")));
}

#[test]
fn text_only_where_001_quotes_the_guideline() {
    let out = run();
    let c = out.catalog("mhlw-6").unwrap();
    let with_text: Vec<&str> = c.requirements.iter().filter(|r| r.text.is_some()).map(|r| r.id.as_str()).collect();
    assert_eq!(with_text, ["overview-p9", "management-p27"]);

    let p9 = node(c, "overview-p9");
    assert_eq!(p9.label, "概説編 9頁");
    assert_eq!(p9.page.as_deref(), Some("9"));
    assert_eq!(p9.provenance, [prov(S1, 908, 912)]);
    let t = p9.text.as_deref().unwrap();
    assert!(t.starts_with("なお、医療情報システムの安全管理上のリスク評価、リスク管理を実施するに当たっては、"));
    assert!(t.ends_with("また、合意した内容を契約書やSLA（Service Level Agreement：サービス品質保証、サービスレベル合意書）等の形で双方の合意文書として明らかにした上で、具体的な責任分界を踏まえた運用を行うことが求められる。"));
    assert!(!t.contains("**"), "the report's bold markers are removed");

    let p27 = node(c, "management-p27");
    assert_eq!(p27.label, "企画管理編 27頁");
    assert_eq!(p27.provenance, [prov(S1, 2040, 2045)]);
    assert_eq!(
        p27.text.as_deref(),
        Some(
            "外部の事業者との契約に基づいて医療情報を外部保存する場合、以下の対応を行うこと。重要度の高い委託の場合は、経営層に丁寧に報告し、承認を得ること。\n\
             - 保存した医療情報の取扱いに関して監督できるようにするため、外部保存の委託先事業者及びその管理者、電子保存作業従事者等に対する守秘義務に関連する事項やその事項に違反した場合のペナルティを契約書等で定めること。\n\
             (略)\n\
             - 保存された情報を格納する情報機器等が、国内法の適用を受けることを確認すること。"
        )
    );
    assert!(p27.note.as_deref().unwrap().contains("(略)"));
}

#[test]
fn references_of_002_stay_unplaced_one_node_per_printed_cell() {
    let out = run();
    let c = out.catalog("mhlw-6").unwrap();
    let root = node(c, "unplaced");
    assert!(root.note.as_deref().unwrap().contains("巻は推測しない"));
    let cells: Vec<(&str, &str)> = c
        .requirements
        .iter()
        .filter(|r| r.parent.as_ref().is_some_and(|p| p.as_str() == "unplaced"))
        .map(|r| (r.id.as_str(), r.label.as_str()))
        .collect();
    assert_eq!(
        cells,
        [
            ("unplaced-l45-5", "5"),
            ("unplaced-l51-7-6", "7⑥"),
            ("unplaced-l109-4", "4"),
            ("unplaced-l117-5", "5"),
            ("unplaced-l121-7-8", "7⑧"),
            ("unplaced-l129", "1.1、1.2"),
            ("unplaced-l133-7-9", "7⑨"),
            ("unplaced-l137-16-1", "16①"),
            ("unplaced-l141", "16①②③"),
            ("unplaced-l145-16-4", "16④"),
            ("unplaced-l188-4.1", "4.1"),
            ("unplaced-l209-4.1", "4.1"),
            ("unplaced-l213-16-5", "16⑤"),
            ("unplaced-l217-4.1", "4.1"),
            ("unplaced-l221-16-6", "16⑥"),
            ("unplaced-l241-16-1", "16①"),
        ]
    );
    let parts: Vec<&str> = c
        .requirements
        .iter()
        .filter(|r| r.parent.as_ref().is_some_and(|p| p.as_str() == "unplaced-l141"))
        .map(|r| r.label.as_str())
        .collect();
    assert_eq!(parts, ["16①", "16②", "16③"]);
    let r = node(c, "unplaced-l51-7-6");
    assert_eq!(r.provenance, [prov(S2, 51, 51)]);
    assert_eq!(r.text, None);
    assert_eq!(
        r.note.as_deref(),
        Some("出典002（51行目）で「7⑥」と記載された第6.0版の参照。該当する巻の列は抽出時に失われたため不明。")
    );
    let r = node(c, "unplaced-l141-16-2");
    assert!(r.note.as_deref().unwrap().contains("巻は不明（抽出時に列が失われた）"));
    // 42 = 5 volumes + 12 sections + 遵守事項⑥ + 2 pages + 巻不明 + 16 cells + 5 items of the two multi-item cells.
    assert_eq!(c.requirements.len(), 42);
}

#[test]
fn mhlw52_items_verbatim_with_levels() {
    let out = run();
    let c = out.catalog("mhlw-5.2").unwrap();
    assert_eq!(c.edition, "第5.2版");
    assert_eq!(c.requirements.len(), 38);
    assert_eq!(c.requirement_count(), 31);

    let labels: Vec<&str> = c.requirements.iter().map(|r| r.label.as_str()).collect();
    assert_eq!(&labels[..4], ["項番不明", "(9)", "(9) a", "(9) b"]);
    assert!(labels.contains(&"9.1 C 2 (1)") && labels.contains(&"8.4 C 1 (1)") && labels.contains(&"D 3"));

    // The page begins inside the table.
    let u = node(c, "unnumbered");
    assert!(u.note.as_deref().unwrap().contains("第5.2版の節（項番）は出典に含まれない"));
    let n9 = node(c, "unnumbered-9");
    assert_eq!(
        n9.text.as_deref(),
        Some(
            "外部保存を受託する事業者を選定する際は、(1)から(8)のほか、少なくとも次に掲げる事項について確認すること。"
        )
    );
    assert_eq!(n9.provenance, [prov(S2, 25, 25), prov(S2, 53, 53)], "continued at 53 after the column headings");
    assert_eq!(n9.level, None, "区分 not on this page");
    // Item c lost its end in extraction: kept as printed, with a note.
    let c9 = node(c, "unnumbered-9-c");
    assert_eq!(
        c9.text.as_deref(),
        Some("不正ソフトウェア等のサイバー攻撃による被害を防止するために必要なバックアップの取得及び管理の状")
    );
    assert!(c9.note.as_deref().unwrap().contains("補完していない"));
    let g = node(c, "unnumbered-9-g").text.as_deref().unwrap();
    assert!(g.contains("運用管理能力の有無\n・政府情報システムのためのセキュリティ評価制度(ISMAP)\n・JASAクラウドセキュリティ推進協議会CSゴールドマーク"));
    assert!(g.ends_with("確認すること\n・システム監査技術者\n・Certified Information Systems Auditor ISACA認定"));
    assert_eq!(node(c, "unnumbered-9-i").text.as_deref(), Some("受託事業者に対する国外法の適用可能性"));

    let d1 = node(c, "unnumbered-d-1");
    assert_eq!(d1.label, "D 1");
    assert_eq!(d1.level, Some(Level::Recommended));
    assert_eq!(
        d1.text.as_deref(),
        Some(
            "ISMS認証を取得している事業者の選定に際しては、選定対象となる事業者に管理しているリスクに応じて、適合性を示す資料の提供を求めること。"
        )
    );

    let s84 = node(c, "8.4");
    assert_eq!(s84.title.as_deref(), Some("個人情報の保護"));
    let b = node(c, "8.4-b");
    assert_eq!((b.label.as_str(), b.title.as_deref(), b.text.as_deref()), ("8.4 B", Some("考え方"), None));
    assert!(b.note.as_deref().unwrap().contains("(略)"));
    let c1 = node(c, "8.4-c-1");
    assert_eq!(c1.level, Some(Level::Mandatory));
    assert_eq!(c1.title.as_deref(), Some("診療録等の外部保存を受託する事業者内における個人情報保護"));
    let c11 = node(c, "8.4-c-1-1");
    assert_eq!(c11.title.as_deref(), Some("委託先を適切に監督すること"));
    assert_eq!(
        c11.text.as_deref(),
        Some(
            "診療録等の外部保存を受託する事業者内の個人情報保護については、本ガイドライン6章を参照し、適切な管理を行わせる必要がある。"
        )
    );
    assert_eq!(c11.provenance, [prov(S2, 125, 125), prov(S2, 147, 148)]);
    assert_eq!(node(c, "8.4-c-2-1").title.as_deref(), Some("診療開始前の説明"));

    assert_eq!(node(c, "9.1").title.as_deref(), Some("共通の要件"));
    let x = node(c, "9.1-c-2-1");
    assert_eq!(x.label, "9.1 C 2 (1)");
    assert_eq!(x.text.as_deref(), Some("スキャナによる読み取りについて運用管理規程に定めること。"));
    assert_eq!(x.provenance, [prov(S2, 190, 190)]);
    assert_eq!(x.level, Some(Level::Mandatory));
    assert!(
        node(c, "9.1-c-1")
            .text
            .as_deref()
            .unwrap()
            .ends_with("スキャナ等が電子化可能な範囲外に情報が存在しないか確認すること。")
    );

    // Section headings split by the extraction, joined by reviewed overrides.
    let s92 = node(c, "9.2");
    assert_eq!(s92.title.as_deref(), Some("診療等の都度スキャナ等で電子化して保存する場合"));
    assert_eq!(s92.provenance, [prov(S2, 197, 197), prov(S2, 201, 201)]);
    assert_eq!(
        node(c, "9.2-c-1").text.as_deref(),
        Some("9.1章の対策に加えて、情報が作成されてから又は情報を入手してから一定期間以内にスキャンを行うこと。")
    );
    assert_eq!(node(c, "9.3").title.as_deref(), Some("過去に蓄積された紙媒体等をスキャナ等で電子化保存する場合"));
    assert_eq!(
        node(c, "9.3-c-1").text.as_deref(),
        Some(
            "対象となる患者等に、スキャナ等で電子化して保存することを事前に院内掲示等で周知すること。異議の申立てがあった場合、その患者等の情報は電子化を行わないこと。"
        )
    );
    assert!(node(c, "9.3").note.as_deref().unwrap().contains("8 / 9 ページ"));
}

fn targets<'a>(out: &'a Output, source: &str) -> Vec<(&'a str, Relation)> {
    out.mapping_set("mhlw-5.2--mhlw-6")
        .unwrap()
        .mappings
        .iter()
        .filter(|m| m.source.as_ref().is_some_and(|s| s.as_str() == source))
        .map(|m| (m.target.as_ref().unwrap().as_str(), m.relation))
        .collect()
}

#[test]
fn migration_entries_supported_by_002() {
    let out = run();
    let set = out.mapping_set("mhlw-5.2--mhlw-6").unwrap();
    assert_eq!((set.source.as_str(), set.target.as_str(), set.derived), ("mhlw-5.2", "mhlw-6", false));
    use Relation::*;

    // 9.2 C 1: four references, two of them 「4.1」 in different columns.
    assert_eq!(
        targets(&out, "9.2-c-1"),
        [
            ("unplaced-l209-4.1", SplitInto),
            ("unplaced-l213-16-5", SplitInto),
            ("unplaced-l217-4.1", SplitInto),
            ("unplaced-l221-16-6", SplitInto)
        ]
    );
    // 「16①②③」 gives three split-into entries (8.4 C 2, an ambiguous pairing decided by override).
    let c2 = targets(&out, "8.4-c-2");
    assert_eq!(
        c2,
        [
            ("unplaced-l137-16-1", SplitInto),
            ("unplaced-l141-16-1", SplitInto),
            ("unplaced-l141-16-2", SplitInto),
            ("unplaced-l141-16-3", SplitInto),
            ("unplaced-l145-16-4", SplitInto)
        ]
    );
    let m141: Vec<_> = set.mappings.iter().filter(|m| m.provenance.contains(&prov(S2, 141, 141))).collect();
    assert_eq!(m141.len(), 3);
    for m in &m141 {
        assert_eq!(m.attributes["記載された参照"], "16①②③");
        assert_eq!(m.attributes["巻"], "不明");
        let note = m.note.as_deref().unwrap();
        assert!(
            note.starts_with("出典002（141行目）は、第5.2版 8.4 C 2 の第6.0版での位置として「16①②③」を記載している。")
        );
        // The pairing's ambiguity, then the reviewed decision's `note` from data/overrides/002.toml.
        assert!(note.ends_with("この対応付けは曖昧である。137行目を参照。8.4 C 2 全体に対応付けた。"), "{note}");
    }
    assert_eq!(targets(&out, "unnumbered-9"), [("unplaced-l45-5", SplitInto), ("unplaced-l51-7-6", SplitInto)]);
    assert_eq!(targets(&out, "8.4-b"), [("unplaced-l109-4", MigratedTo)]);
    assert_eq!(targets(&out, "8.4-c-1"), [("unplaced-l117-5", SplitInto), ("unplaced-l121-7-8", SplitInto)]);
    assert_eq!(
        targets(&out, "8.4-c-1-1"),
        [("unplaced-l129-1.1", SplitInto), ("unplaced-l129-1.2", SplitInto), ("unplaced-l133-7-9", SplitInto)]
    );
    assert_eq!(targets(&out, "9.1"), [("unplaced-l188-4.1", MigratedTo)]);
    assert_eq!(targets(&out, "9.3-c-1"), [("unplaced-l241-16-1", MigratedTo)]);

    // Provenance: the 5.2 item's lines and the reference line.
    let m = set.mappings.iter().find(|m| m.target.as_ref().unwrap().as_str() == "unplaced-l241-16-1").unwrap();
    assert_eq!(m.provenance, [prov(S2, 229, 229), prov(S2, 233, 233), prov(S2, 241, 241)]);
    assert_eq!(m.basis, Basis::Source);

    // Counts: 19 entries; no merged-into (no 6.0 item known to be shared), no new (no 新設 in 002).
    assert_eq!(set.mappings.len(), 19);
    assert_eq!(set.mappings.iter().filter(|m| m.relation == MigratedTo).count(), 3);
    assert_eq!(set.mappings.iter().filter(|m| m.relation == SplitInto).count(), 16);
    assert!(!set.mappings.iter().any(|m| matches!(m.relation, MergedInto | New)));
    let (s2, _) = seeds();
    assert!(!s2.text.contains("新設"));
    // Every target is a 巻不明 node.
    let c6 = out.catalog("mhlw-6").unwrap();
    for m in &set.mappings {
        let mut cur = node(c6, m.target.as_ref().unwrap().as_str());
        while let Some(p) = &cur.parent {
            cur = node(c6, p.as_str());
        }
        assert_eq!(cur.id.as_str(), "unplaced");
    }
}

#[test]
fn reports_account_for_the_seed_lines() {
    let out = run();
    let r2 = &out.reports[0];
    assert_eq!(r2.seed, S2);
    // Every non-blank line of 002 (133 of 240).
    assert_eq!(r2.rows_read, 133);
    let rejected: Vec<u32> = r2.rejections.iter().map(|r| r.line).collect();
    assert_eq!(rejected, [1, 3, 5, 12, 14, 15, 237]);
    assert!(r2.rejections.last().unwrap().reason.contains("8 / 9 ページ"));
    // 9 repairs of text/structure + 16 pairings + 1 note.
    assert_eq!(r2.repairs.len(), 26);
    assert_eq!(r2.repairs.iter().filter(|r| r.action == "pair").count(), 16);
    assert_eq!(r2.counts["mhlw-5.2 nodes"], 38);
    assert_eq!(r2.counts["mhlw-6 nodes"], 42);
    assert_eq!(r2.counts["mhlw-5.2--mhlw-6 split-into"], 16);
    assert_eq!(r2.counts["mhlw-5.2--mhlw-6 migrated-to"], 3);
    assert_eq!(r2.counts["mhlw-6 unplaced reference cells"], 16);
    assert_eq!(r2.counts["mhlw-6 unplaced reference items"], 19);
    assert!(r2.notes.iter().any(|n| n.contains("D 1, D 2, D 3")), "{:?}", r2.notes);

    let r1 = &out.reports[1];
    assert!(r1.seed.starts_with(S1));
    let quoted: Vec<u32> = r1.repairs.iter().map(|r| r.line).collect();
    assert_eq!(quoted, [908, 2040]);
    assert_eq!(r1.counts["mhlw-6 nodes with text quoted in 001"], 2);
    assert!(r1.notes.iter().any(|n| n.starts_with("001:356 ")));
}

#[test]
fn a_reference_without_a_reviewed_pairing_is_an_error() {
    let cut = OVERRIDES.replace("line = 241\naction = \"pair\"", "line = 241\naction = \"unpaired\"");
    assert_ne!(cut, OVERRIDES);
    let (s2, s1) = seeds();
    let ov = Overrides::parse("data/overrides/002.toml", &cut).unwrap();
    let err = mhlw6::import(&s2, &s1, &ov, &mhlw5(vec![])).unwrap_err();
    assert_eq!((err.file.as_str(), err.line), (S2, 241));
    assert!(err.message.contains("16①"), "{err}");
}

#[test]
fn a_pairing_without_a_note_for_the_catalog_is_an_error() {
    let start = OVERRIDES.find("line = 241\naction = \"pair\"").unwrap();
    let note = start + OVERRIDES[start..].find("\nnote = ").unwrap();
    let end = note + 1 + OVERRIDES[note + 1..].find('\n').unwrap();
    let cut = format!("{}{}", &OVERRIDES[..note], &OVERRIDES[end..]);
    let err = import_with(&cut, &mhlw5(vec![])).unwrap_err();
    assert_eq!(err.file, "data/overrides/002.toml");
    assert!(err.message.contains("seed line 241") && err.message.contains("`note`"), "{err}");
}

#[test]
fn a_pairing_with_an_unknown_item_is_an_error() {
    let bad = OVERRIDES.replace("item = \"9.3-c-1\"", "item = \"9.4-c-1\"");
    let err = import_with(&bad, &mhlw5(vec![])).unwrap_err();
    assert_eq!(err.file, "data/overrides/002.toml");
    assert!(err.message.contains("9.4-c-1"), "{err}");
}

#[test]
fn same_text_in_5_and_52_gives_an_editorial_set() {
    // A synthetic mhlw-5 (not seed data): one node whose text equals 9.1 C 3 of 002 but for its number and white
    // space, and one that differs by a word.
    let mut same = Requirement::new(LocalId::parse("x-1").unwrap(), NodeKind::Item, "x 1");
    same.text = Some("(ウ) 情報作成管理者は、運用管理規程に基づき、 スキャナによる読み取り作業が、\n適正な手続で確実に実施される措置を講じること。".into());
    same.provenance = vec![Provenance::line("000_x.txt", 1)];
    let mut other = Requirement::new(LocalId::parse("x-2").unwrap(), NodeKind::Item, "x 2");
    other.text = Some("スキャナによる読み取りについて運用管理規程で定めること。".into());
    other.provenance = vec![Provenance::line("000_x.txt", 2)];
    let out = import_with(OVERRIDES, &mhlw5(vec![same, other])).unwrap();
    let set = out.mapping_set("mhlw-5--mhlw-5.2").unwrap();
    assert_eq!(set.mappings.len(), 1);
    let m = &set.mappings[0];
    assert_eq!((m.source.as_ref().unwrap().as_str(), m.target.as_ref().unwrap().as_str()), ("x-1", "9.1-c-3"));
    assert_eq!((m.relation, m.basis), (Relation::MigratedTo, Basis::Editorial));
    assert_eq!(m.note.as_deref(), Some("第5版と第5.2版で同文"));
}

#[test]
fn same_text_against_the_real_mhlw5_of_seed_000() {
    let s0 =
        Seed::new("000_5783f1c91487ba10.txt", include_bytes!("../../../data/seeds/000_5783f1c91487ba10.txt")).unwrap();
    let s4 =
        Seed::new("004_a1475434a89fb475.txt", include_bytes!("../../../data/seeds/004_a1475434a89fb475.txt")).unwrap();
    let ov0 = Overrides::parse("data/overrides/000.toml", include_str!("../../../data/overrides/000.toml")).unwrap();
    let out0 = sansho_seeds::seed000::import(&s0, &s4, &ov0).unwrap();
    let m5 = out0.catalog("mhlw-5").unwrap();
    let out = import_with(OVERRIDES, m5).unwrap();
    let set = out.mapping_set("mhlw-5--mhlw-5.2").unwrap();
    // 000:380 lists (c) 実績等に基づく個人データ安全管理に関する信用度 and (d) 財務諸表等に基づく経営の健全性;
    // 002:58-59 print them as d and e of (9). Items a and b differ (002 adds 「状況」), so they are not mapped.
    let pairs: Vec<(&str, &str)> = set
        .mappings
        .iter()
        .map(|m| {
            let src = m5.get(m.source.as_ref().unwrap().as_str()).unwrap();
            (src.label.as_str(), m.target.as_ref().unwrap().as_str())
        })
        .collect();
    assert_eq!(pairs, [("8.1.2 C (キ) (c)", "unnumbered-9-d"), ("8.1.2 C (キ) (d)", "unnumbered-9-e")]);
    for m in &set.mappings {
        assert_eq!((m.relation, m.basis), (Relation::MigratedTo, Basis::Editorial));
        assert!(m.provenance.contains(&prov(S2, 58, 58)) || m.provenance.contains(&prov(S2, 59, 59)));
    }
    let mut all = out0.catalogs.clone();
    all.extend(out.catalogs.iter().cloned());
    let problems: Vec<_> = sansho_core::validate::validate(&all, std::slice::from_ref(set))
        .into_iter()
        .filter(|p| p.severity == sansho_core::validate::Severity::Error)
        .collect();
    assert!(problems.is_empty(), "{problems:#?}");
}

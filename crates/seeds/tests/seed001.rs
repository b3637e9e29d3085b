//! Seed 001 importer on the real seed: facts checked by hand against
//! data/seeds/001_485acbf5d70072c0.txt (line numbers as an editor shows them).

use sansho_core::validate::{Severity, validate};
use sansho_core::{Basis, Catalog, Mapping, MappingSet, NodeKind, Relation, Requirement};
use sansho_seeds::{ImportReport, Output, Overrides, Seed, seed001};

const SEED: &[u8] = include_bytes!("../../../data/seeds/001_485acbf5d70072c0.txt");
const OVERRIDES: &str = include_str!("../../../data/overrides/001.toml");
const NAME: &str = "001_485acbf5d70072c0.txt";

fn run() -> Output {
    let seed = Seed::new(NAME, SEED).unwrap();
    let ov = Overrides::parse("data/overrides/001.toml", OVERRIDES).unwrap();
    let out = seed001::import(&seed, &ov).unwrap();
    ov.finish().unwrap();
    out
}

fn meti(out: &Output) -> &Catalog {
    out.catalog("meti-mic-2").unwrap()
}
fn cyber(out: &Output) -> &Catalog {
    out.catalog("cyber-infra").unwrap()
}
fn set(out: &Output) -> &MappingSet {
    out.mapping_set("cyber-infra--meti-mic-2").unwrap()
}
fn report(out: &Output) -> &ImportReport {
    &out.reports[0]
}
fn node<'a>(c: &'a Catalog, id: &str) -> &'a Requirement {
    c.get(id).unwrap_or_else(|| panic!("{} has no node {id}", c.id))
}
fn lines_of(r: &Requirement) -> Vec<(u32, u32)> {
    r.provenance.iter().map(|p| (p.line, p.end_line)).collect()
}
fn covers(r: &Requirement, line: u32) -> bool {
    r.provenance.iter().any(|p| p.line <= line && line <= p.end_line)
}
fn edges<'a>(s: &'a MappingSet, source: &str) -> Vec<&'a Mapping> {
    s.mappings.iter().filter(|m| m.source.as_ref().is_some_and(|x| x.as_str() == source)).collect()
}

#[test]
fn output_is_valid_and_everything_has_provenance() {
    let out = run();
    assert_eq!(out.catalogs.len(), 2);
    assert_eq!(out.mapping_sets.len(), 1);
    let problems = validate(&out.catalogs, &out.mapping_sets);
    assert!(problems.iter().all(|p| p.severity != Severity::Error), "{problems:?}");
    assert!(problems.is_empty(), "{problems:?}");
    let total = SEED.iter().filter(|&&b| b == b'\n').count() as u32;
    for c in &out.catalogs {
        assert_eq!(c.sources.len(), 1);
        assert_eq!(c.sources[0].file, NAME);
        assert_eq!(c.sources[0].sha256.len(), 64);
        let mut seen = std::collections::HashSet::new();
        for r in &c.requirements {
            assert!(!r.provenance.is_empty(), "{} {} has no provenance", c.id, r.id);
            for p in &r.provenance {
                assert_eq!(p.file, NAME);
                assert!(p.line >= 1 && p.end_line <= total, "{} {}: {p}", c.id, r.id);
            }
            if let Some(parent) = &r.parent {
                assert!(seen.contains(parent.as_str()), "{} {}: parent {parent} not before it", c.id, r.id);
            }
            seen.insert(r.id.as_str());
            assert!(r.level.is_none(), "the seed states no levels: {} {}", c.id, r.id);
        }
    }
    for m in &set(&out).mappings {
        assert_eq!(m.basis, Basis::Source);
        assert!(!m.provenance.is_empty());
        assert!(m.provenance.iter().all(|p| p.file == NAME));
    }
}

#[test]
fn meti_catalog_metadata() {
    let out = run();
    let c = meti(&out);
    assert_eq!(c.title.ja, "医療情報を取り扱う情報システム・サービスの提供事業者における安全管理ガイドライン");
    assert_eq!(c.issuers, ["経済産業省", "総務省"]);
    assert_eq!(c.edition, "第2.0版");
    // 01gl_20250328.pdf (lines 567, 660, 682, 1394) and 「令和6年度に…改定を行った」 (line 39).
    assert_eq!(c.date.as_deref(), Some("2025-03"));
}

#[test]
fn meti_chapters_and_sections_follow_the_tables_of_contents() {
    let out = run();
    let c = meti(&out);
    let ids: Vec<&str> = c.requirements.iter().map(|r| r.id.as_str()).collect();
    let expected = [
        "2", "2.1", "3", "3.1", "3.1.1", "3.1.2", "3.1.3", "3.2", "3.2.1", "3.2.2", "3.2.3", "4", "4.1", "4.2", "4.3",
        "4.4", "5", "5.1", "5.1.1", "5.1.2", "5.1.3", "5.1.4", "5.1.5", "5.1.5-c1", "5.1.5-c2", "5.1.5-c3", "5.1.5-c4",
        "5.1.5-c5", "5.1.5-c6", "5.1.5-c7", "5.1.5-c8", "5.1.6", "5.1.7", "5.2", "5.2.1", "5.2.2", "6", "6.1", "6.2",
        "6.3",
    ];
    assert_eq!(ids, expected);
    assert_eq!(c.requirements.iter().filter(|r| r.kind == NodeKind::Chapter).count(), 5);
    assert_eq!(c.requirements.iter().filter(|r| r.kind == NodeKind::Section).count(), 27);
    assert_eq!(c.requirements.iter().filter(|r| r.kind == NodeKind::Item).count(), 8);

    // (id, title, printed page) as the tables of contents give them.
    let toc = [
        ("2", "本ガイドラインの対象", None),
        ("2.1", "本ガイドラインが対象とする医療情報と事業者", Some("6")),
        ("3", "医療情報の安全管理に関する義務・責任", None),
        ("3.1", "法律関係", None),
        ("3.1.1", "安全管理義務", Some("12")),
        ("3.1.3", "情報セキュリティ事故等発生時における義務と責任", Some("15")),
        ("3.2.1", "契約前の合意形成及び契約中の合意の維持", Some("17")),
        ("4", "対象事業者と医療機関等の合意形成", Some("20")),
        ("4.4", "対象事業者の適格性を評価する第三者認証等の取得に係る要件", Some("23")),
        ("5", "安全管理のためのリスクマネジメントプロセス", Some("25")),
        ("5.1", "リスクマネジメントの実践", Some("27")),
        ("5.1.1", "リスク特定", Some("27")),
        ("5.1.2", "リスク分析", Some("29")),
        ("5.1.3", "リスク評価", Some("30")),
        ("5.1.4", "リスク対応の選択肢の選定", Some("30")),
        ("5.1.5", "リスク対応策の設計・評価", Some("32")),
        ("5.1.6", "リスクコミュニケーション", Some("36")),
        ("5.1.7", "継続的なリスクマネジメントの実践", Some("40")),
        ("5.2", "リスクアセスメント及びリスク対応の実施例", Some("41")),
        ("5.2.1", "リスクアセスメント", Some("41")),
        ("5.2.2", "リスク対応", Some("53")),
        ("6", "制度上の要求事項", Some("56")),
        ("6.2", "電子保存の要求事項", Some("56")),
        ("6.3", "法令で定められた記名・押印を電子署名に代える場合の要求事項", Some("57")),
    ];
    for (id, title, page) in toc {
        let r = node(c, id);
        assert_eq!(r.label, id, "labels are the printed numbers without the trailing dot");
        assert_eq!(r.title.as_deref(), Some(title), "{id}");
        assert_eq!(r.page.as_deref(), page, "{id}");
    }
    // Provenance points at the table-of-contents lines: 5.1.1 is row 431 of the survey's table
    // and line 664 / 1403 of the guideline's own 目次.
    let r = node(c, "5.1.1");
    for line in [431, 664, 1403] {
        assert!(covers(r, line), "{:?}", lines_of(r));
    }
    assert_eq!(node(c, "5.1.1").parent.as_ref().unwrap().as_str(), "5.1");
    assert_eq!(node(c, "5").parent, None);
    // Chapters 2 and 3 have no page in any table of contents; the note says why it is empty.
    assert!(
        node(c, "2")
            .note
            .as_deref()
            .unwrap()
            .starts_with("出典001のいずれの目次にも、この見出しの頁は記載されていない。")
    );
}

#[test]
fn chapter_5_page_conflict_is_reported_and_the_guidelines_own_toc_wins() {
    let out = run();
    assert_eq!(node(meti(&out), "5").page.as_deref(), Some("25"));
    assert!(
        report(&out).notes.iter().any(|n| n.contains("meti-mic-2 5:") && n.contains("p.27") && n.contains("p.25")),
        "{:#?}",
        report(&out).notes
    );
    // The survey's slide at line 255 misnames chapter 3; the report says so.
    assert!(
        report(&out)
            .notes
            .iter()
            .any(|n| n.contains("医療情報システムのライフサイクルにおける義務と責任") && n.contains("255"))
    );
}

#[test]
fn section_text_is_only_the_guidelines_quoted_wording() {
    let out = run();
    let c = meti(&out);
    // 5.1.1: the quote (line 1484) says 「ASP・SaaS と PaaS、IaaS をそれぞれ」; the survey's
    // proposed rewrite (line 1524) adds 「その他のクラウドコンピューティングサービス」.
    let t = node(c, "5.1.1").text.as_deref().unwrap();
    assert!(t.contains("ASP・SaaS と PaaS、IaaS をそれぞれ別の事業者が提供する"));
    assert!(!t.contains("その他のクラウドコンピューティングサービス"));
    // 5.1.2: the guideline cites ISO/IEC 27005:2018; 2022 is only the survey's proposal.
    let t = node(c, "5.1.2").text.as_deref().unwrap();
    assert!(t.contains("ISO/IEC 27005:2018 の規格等も参考に"));
    assert!(!t.contains("27005:2022"));
    // 3.1.2 is quoted twice (lines 826 and 896); each paragraph appears once, the survey's bold
    // markers are gone, and the proposal's 「（※）」 is not there.
    let t = node(c, "3.1.2").text.as_deref().unwrap();
    assert_eq!(t.matches("このような専門性の格差に鑑みて").count(), 1);
    assert!(!t.contains("**") && !t.contains("（※）"));
    // 4.4 is quoted twice with 「(」 once and 「（」 once: kept once.
    assert_eq!(node(c, "4.4").text.as_deref().unwrap().matches("これに代えることも可能である").count(), 1);
    // Nodes the seed gives only as headings have no text and say so.
    for id in ["2", "3", "4", "5", "5.2", "6", "6.2", "6.3"] {
        let r = node(c, id);
        assert!(r.text.is_none(), "{id}");
        assert!(r.note.as_deref().unwrap().contains("出典001には見出しのみが記載され"), "{id}");
    }
    // Sections with quoted text say it is not the whole section.
    assert!(node(c, "5.1.7").note.as_deref().unwrap().contains("節の全文ではない"));
    assert!(
        node(c, "5.1.7")
            .text
            .as_deref()
            .unwrap()
            .starts_with("5.1.1～5.1.6 に示したプロセスは、一度だけ実施すれば良いというものではない。")
    );
    assert_eq!(c.requirement_count(), 29);
}

#[test]
fn quote_without_inline_heading_goes_where_the_override_says() {
    let out = run();
    let c = meti(&out);
    let r = node(c, "5.2.1");
    assert!(r.text.as_deref().unwrap().starts_with(
        "(3) リスク特定・リスク分析・リスク評価における成果物の作成\nリスクアセスメント結果一覧の作成にあたっては"
    ));
    assert!(covers(r, 684) && covers(r, 685));
    let r = node(c, "5.2.2");
    assert!(
        r.text
            .as_deref()
            .unwrap()
            .starts_with("リスク対応一覧の作成にあたっては、まず、対応するリスクに対し 5.1.4 のプロセス")
    );
    assert!(covers(r, 690) && covers(r, 691));
    assert!(report(&out).repairs.iter().any(|x| x.line == 684 && x.action == "quote-section"));
}

#[test]
fn flattened_footnote_numbers_are_repaired() {
    let out = run();
    let c = meti(&out);
    assert!(node(c, "5.2.2").text.as_deref().unwrap().contains("対象事業者が実施する対策について記載する。そして、"));
    assert!(node(c, "2.1").text.as_deref().unwrap().contains("保守等に関する契約等が含まれる"));
    assert!(node(c, "4.3").text.as_deref().unwrap().contains("第三者機関が評価を行う"));
    let t = node(c, "4.1").text.as_deref().unwrap();
    assert!(t.contains("表 4-1 に示す。対象事業者は"));
    assert_eq!(t.matches("合意形成のために提供すべき情報").count(), 1, "quoted at 842 and 1244, kept once");
    let r = report(&out);
    assert_eq!(r.repairs.iter().filter(|x| x.action == "replace").count(), 7);
    assert!(r.rejections.is_empty(), "{:?}", r.rejections);
}

#[test]
fn considerations_1_to_6_are_quoted_7_and_8_are_only_proposals() {
    let out = run();
    let c = meti(&out);
    let titles = [
        "利用者認証における考慮事項",
        "ログの保存期間における考慮事項",
        "ネットワーク経路における考慮事項",
        "無線 LAN の端末接続制限における考慮事項",
        "小型半導体メモリやクラウド上のストレージサービスの利用における考慮事項",
        "事業継続計画の策定における考慮事項",
        "データバックアップと復元における考慮事項",
        "従業員教育と意識向上における考慮事項",
    ];
    let labels = ["①", "②", "③", "④", "⑤", "⑥", "⑦", "⑧"];
    for (i, (title, mark)) in titles.iter().zip(labels).enumerate() {
        let r = node(c, &format!("5.1.5-c{}", i + 1));
        assert_eq!(r.label, format!("5.1.5 {mark}"));
        assert_eq!(r.kind, NodeKind::Item);
        assert_eq!(r.parent.as_ref().unwrap().as_str(), "5.1.5");
        assert_eq!(r.title.as_deref(), Some(*title));
        if i < 6 {
            assert!(r.text.is_some(), "{mark} is quoted");
            assert!(!r.note.as_deref().unwrap().contains("提案"));
        } else {
            assert!(r.text.is_none(), "{mark} must not get invented text");
            assert!(r.note.as_deref().unwrap().starts_with("提案（第2.0版には存在しない）"), "{mark}");
        }
    }
    // ① as quoted at lines 1726-1728.
    let one = node(c, "5.1.5-c1");
    assert!(one.text.as_deref().unwrap().starts_with("医療情報の機密性の高さや攻撃手法の高度化に鑑み、多要素認証"));
    assert!(one.text.as_deref().unwrap().contains("二要素認証（又はこれに相当する対応）を採用することとしている。"));
    assert_eq!(lines_of(one), [(1726, 1728)]);
    // ⑥ from the quote (line 1748, 「観点をに入れて」), not from the survey's rewrite (line 1813,
    // 「観点を入れて」).
    assert!(node(c, "5.1.5-c6").text.as_deref().unwrap().contains("医療の継続性の観点をに入れて計画を策定すること"));
    // ⑦ and ⑧: the survey's proposal at line 1800/1801 and the proposed headings at 1815/1819.
    assert_eq!(lines_of(node(c, "5.1.5-c7")), [(1800, 1800), (1815, 1815)]);
    assert_eq!(lines_of(node(c, "5.1.5-c8")), [(1801, 1801), (1819, 1819)]);
    // 5.1.5's own text holds (ア)/(イ) and (2)–(4), not the items and nothing proposed.
    let t = node(c, "5.1.5").text.as_deref().unwrap();
    assert!(t.starts_with("(1)リスク対応策の設計"));
    assert!(t.contains("(イ)医療情報システム等特有の考慮事項") && t.contains("(4)リスク対応の文書化"));
    assert!(!t.contains("利用者認証における考慮事項") && !t.contains("データバックアップ"));
    assert_eq!(report(&out).counts["meti-mic-2 特有の考慮事項 proposed only"], 2);
}

#[test]
fn cyber_infra_has_21_requirements_in_6_groups() {
    let out = run();
    let c = cyber(&out);
    assert_eq!(c.title.ja, "サイバーインフラ事業者に求められる役割等に関するガイドライン");
    assert_eq!(c.edition, "案", "line 2170: 「…ガイドライン（案）」");
    assert_eq!(c.issuers, ["経済産業省", "内閣官房"], "line 2297");
    assert_eq!(c.date, None);
    let groups: Vec<&Requirement> = c.requirements.iter().filter(|r| r.kind == NodeKind::Chapter).collect();
    let reqs: Vec<&Requirement> = c.requirements.iter().filter(|r| r.kind == NodeKind::Item).collect();
    assert_eq!(groups.len(), 6);
    assert_eq!(reqs.len(), 21);
    assert_eq!(c.requirements.len(), 27);
    let per_group: Vec<usize> =
        groups.iter().map(|g| reqs.iter().filter(|r| r.parent.as_ref() == Some(&g.id)).count()).collect();
    assert_eq!(per_group, [4, 4, 3, 6, 2, 2]);
    let g1 = node(c, "g1");
    assert_eq!(g1.label, "1");
    assert_eq!(g1.title.as_deref(), Some("セキュアな設計・開発・供給・運用"));
    assert_eq!(g1.text.as_deref(), Some("脆弱性を抑え、セキュリティを備えたソフトウェアを開発・供給・運用する"));
    assert_eq!(node(c, "g3").title.as_deref(), Some("残続する脆弱性の速やかな対処"), "as printed");

    let s23 = node(c, "S2-3");
    assert_eq!(s23.label, "S(2)-3");
    assert_eq!(s23.parent.as_ref().unwrap().as_str(), "g2");
    assert_eq!(s23.title.as_deref(), Some("関係者間のセキュリティ要件の確立"));
    assert_eq!(
        s23.text.as_deref(),
        Some("関係者間で合意すべきセキュリティ要件を確立し、契約又は共有するポリシーに盛り込む。")
    );
    assert_eq!(lines_of(s23), [(2243, 2243), (2273, 2273)]);
    assert!(
        node(c, "S1-1")
            .text
            .as_deref()
            .unwrap()
            .starts_with("「セキュアバイデザイン」及び「セキュアバイデフォルト」の原則に則り")
    );
    assert!(node(c, "S3-1").text.as_deref().unwrap().starts_with("ソフトウェアの脆弱性の開示と是正に関する方針を定め"));
    // The other 18 have only their heading.
    let with_text: Vec<&str> = reqs.iter().filter(|r| r.text.is_some()).map(|r| r.label.as_str()).collect();
    assert_eq!(with_text, ["S(1)-1", "S(2)-3", "S(3)-1"]);
    let s46 = node(c, "S4-6");
    assert_eq!(s46.title.as_deref(), Some("技術：セキュアな開発環境の整備"));
    assert!(s46.note.as_deref().unwrap().contains("見出しのみ"));
    // S(1)-4「サービスのモニタリング」 is cited at line 343 with the same title.
    assert!(covers(node(c, "S1-4"), 343));
    assert_eq!(node(c, "S6-2").title.as_deref(), Some("顧客経営層のリーダーシップによるソフトウェアの調達、運用"));
}

#[test]
fn cyber_infra_mapping_carries_the_tables_cells() {
    let out = run();
    let s = set(&out);
    assert_eq!(s.source.as_str(), "cyber-infra");
    assert_eq!(s.target.as_str(), "meti-mic-2");
    assert!(!s.derived);
    assert_eq!(s.mappings.len(), 22);
    assert_eq!(s.mappings.iter().filter(|m| m.relation == Relation::Intersects).count(), 8);
    assert_eq!(s.mappings.iter().filter(|m| m.relation == Relation::NoCounterpart).count(), 14);

    // S(2)-3 (line 2243: 一部記載あり / C 全体方針・方法論 両方に記載 / 医療情報システム等全体):
    // its 対応案 (line 2273) names 2.1 and 5.1.5.
    let e = edges(s, "S2-3");
    let targets: Vec<&str> = e.iter().map(|m| m.target.as_ref().unwrap().as_str()).collect();
    assert_eq!(targets, ["2.1", "5.1.5"]);
    for m in &e {
        assert_eq!(m.relation, Relation::Intersects);
        assert_eq!(m.attributes["2省GLの記載有無"], "一部記載あり");
        assert_eq!(m.attributes["追記方法"], "C 全体方針・方法論 両方に記載");
        assert_eq!(m.attributes["適用範囲"], "医療情報システム等全体");
        assert!(m.attributes["差分"].starts_with("2省GLではサイバーインフラGLが求めているセキュリティ要件について"));
        assert_eq!(m.provenance.iter().map(|p| p.line).collect::<Vec<_>>(), [2243, 2273]);
    }
    assert_eq!(e[0].attributes["2省GL該当箇所"], "2.1 本ガイドラインが対象とする医療情報と事業者");

    // S(1)-1 → 3.2 (「3.2. 医療情報システム等のライフサイクルにおける義務と責任」の項目に…追記する).
    let e = edges(s, "S1-1");
    assert_eq!(e.len(), 1);
    assert_eq!(e[0].target.as_ref().unwrap().as_str(), "3.2");

    // S(1)-2 (line 2238): 記載なし / A 全体方針に概要を記載 / ソフトウェア限定.
    let e = edges(s, "S1-2");
    assert_eq!(e.len(), 1);
    assert_eq!(e[0].relation, Relation::NoCounterpart);
    assert_eq!(e[0].target, None);
    assert_eq!(e[0].attributes["2省GLの記載有無"], "記載なし");
    assert_eq!(e[0].attributes["追記方法"], "A 全体方針に概要を記載");
    assert_eq!(e[0].attributes["適用範囲"], "ソフトウェア限定");
    assert_eq!(e[0].provenance[0].line, 2238);

    // S(3)-1: 記載なし; the 対応案 proposes a new 考慮事項 in 5.1.5 (「5.1. …」の「5.1.5. …」: the
    // subsection counts, not its parent).
    let e = edges(s, "S3-1");
    assert_eq!(e.len(), 1);
    assert_eq!(e[0].relation, Relation::NoCounterpart);
    assert_eq!(e[0].attributes["追記先"], "5.1.5 リスク対応策の設計・評価");
    assert_eq!(e[0].attributes["追記方法"], "B 方法論として記載");

    // 一部記載あり without a named section (issue 11 §4.5): an `intersects-with` entry without a
    // target — partly covered, the section unstated — carrying the table's cells, so the
    // crosswalk says what the seed says instead of "unmapped".
    for id in ["S2-4", "S4-1", "S4-2", "S4-3", "S6-2"] {
        let e = edges(s, id);
        assert_eq!(e.len(), 1, "{id}");
        assert_eq!(e[0].relation, Relation::Intersects, "{id}");
        assert_eq!(e[0].target, None, "{id}");
        assert_eq!(e[0].attributes["2省GLの記載有無"], "一部記載あり", "{id}");
        assert_eq!(e[0].attributes["2省GL該当箇所"], "記載なし（出典001は該当箇所を示していない）", "{id}");
        let note = e[0].note.as_deref().unwrap();
        assert!(note.contains("一部記載あり") && note.contains("該当箇所を示していない"), "{id}: {note}");
        assert!(!e[0].provenance.is_empty());
    }
    assert_eq!(edges(s, "S4-1")[0].attributes["追記方法"], "A 全体方針に概要を記載");
    // Every one of the 21 is an entry's source.
    let without = cyber(&out)
        .requirements
        .iter()
        .filter(|r| r.kind == NodeKind::Item && edges(s, r.id.as_str()).is_empty())
        .count();
    assert_eq!(without, 0);
    // The crosswalk lists them as partly covered, section unstated, and nothing as unmapped.
    let all = sansho_core::CatalogSet::new(out.catalogs.clone(), out.mapping_sets.clone());
    let cw = sansho_core::crosswalk::crosswalk(&all, "cyber-infra", "meti-mic-2").unwrap();
    assert_eq!(cw.unmapped.len(), 0);
    assert_eq!(cw.partial_unstated.len(), 5);
    assert_eq!(cw.no_counterpart.len(), 14);
}

#[test]
fn report_counts_and_parts_used() {
    let out = run();
    let r = report(&out);
    assert_eq!(r.seed, NAME);
    let count = |k: &str| r.counts.get(k).copied().unwrap_or_else(|| panic!("no count {k}: {:?}", r.counts));
    assert_eq!(count("meti-mic-2 nodes"), 40);
    assert_eq!(count("meti-mic-2 chapters"), 5);
    assert_eq!(count("meti-mic-2 sections"), 27);
    assert_eq!(count("meti-mic-2 特有の考慮事項 quoted"), 6);
    assert_eq!(count("cyber-infra nodes"), 27);
    assert_eq!(count("cyber-infra requirements"), 21);
    assert_eq!(count("cyber-infra groups"), 6);
    assert_eq!(count("cyber-infra--meti-mic-2 intersects-with"), 8);
    assert_eq!(count("cyber-infra--meti-mic-2 no-relationship"), 14);
    assert_eq!(count("cyber-infra--meti-mic-2 requirements partly covered, section not named"), 5);
    // 22 rows of the 目次一覧, 37 lines of the guideline's 目次, 21 + 3 cyber-infra rows, and the
    // quoted paragraphs.
    assert!(r.rows_read > 22 + 37 + 24, "{}", r.rows_read);
    assert_eq!(r.repairs.len(), 8);
    let text = r.to_string();
    assert!(text.contains("lines 407-418, 429-438"), "{text}");
    assert!(text.contains("lines 662-677, 1396-1416"), "{text}");
    assert!(text.contains("lines 2235–2257"), "{text}");
    assert!(text.contains("survey commentary, not guideline text"));
    // Line 344 cites 「サイバーインフラGL案 S(2)-4.1」, a sub-item no table lists.
    assert!(r.notes.iter().any(|n| n.contains("line 344 cites S(2)-4.1")), "{text}");
}

#[test]
fn an_override_that_no_longer_matches_is_an_error() {
    let seed = Seed::new(NAME, SEED).unwrap();
    let bad = format!(
        "{OVERRIDES}\n[[override]]\nline = 10\naction = \"replace\"\nfind = \"not on that line\"\nreplace = \"\"\nreason = \"test\"\n"
    );
    let ov = Overrides::parse("001.toml", &bad).unwrap();
    let err = seed001::import(&seed, &ov).unwrap_err();
    assert!(err.message.contains("occurs 0 times"), "{err}");

    let unused = format!(
        "{OVERRIDES}\n[[override]]\nline = 10\naction = \"quote-section\"\nsection = \"5.2.1\"\nreason = \"test\"\n"
    );
    let ov = Overrides::parse("001.toml", &unused).unwrap();
    seed001::import(&seed, &ov).unwrap();
    assert!(ov.finish().is_err(), "an entry the importer never used must fail");
}

#[test]
fn without_the_quote_section_override_the_lines_are_rejected_not_guessed() {
    let seed = Seed::new(NAME, SEED).unwrap();
    let text: String = OVERRIDES.replace("action = \"quote-section\"", "action = \"quote-section-disabled\"");
    let ov = Overrides::parse("001.toml", &text).unwrap();
    let out = seed001::import(&seed, &ov).unwrap();
    let r = &out.reports[0];
    assert_eq!(r.rejections.iter().map(|x| x.line).collect::<Vec<_>>(), [684, 685]);
    assert!(out.catalog("meti-mic-2").unwrap().get("5.2.1").unwrap().text.is_none());
}

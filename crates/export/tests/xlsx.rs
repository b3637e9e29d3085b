//! The checklist workbook of the vendor's completed 第3版 checklist, read back with calamine as
//! the checklist importer will read it: header row, ■/□ and the 実施状況 word, the 集計 sheet's
//! counts against `gaps()`, and the print setup in the sheet's XML.

mod common;

use std::io::{Cursor, Read};

use calamine::{Data, Range, Reader, Xlsx};
use sansho_core::CatalogSet;
use sansho_core::assess::{GapOptions, ResultCode, derive, gaps, is_requirement};
use sansho_export::{ExportError, Lang, headers, xlsx};

const CATALOG: &str = "mhlw-3-checklist";

fn cell(range: &Range<Data>, row: u32, col: u32) -> String {
    range.get_value((row, col)).map(|d| d.to_string()).unwrap_or_default()
}

/// The row (0-based) whose first cells are the header words.
fn header_row(range: &Range<Data>, lang: Lang) -> Option<u32> {
    let words = headers(lang);
    (0..range.end().map_or(0, |e| e.0 + 1))
        .find(|&r| words.iter().enumerate().all(|(c, w)| cell(range, r, c as u32) == *w))
}

/// The row (0-based) of a requirement, by the hidden ID column.
fn row_of(range: &Range<Data>, id: &str) -> u32 {
    (0..range.end().unwrap().0 + 1).find(|&r| cell(range, r, 11) == id).unwrap_or_else(|| panic!("no row for {id}"))
}

fn open(bytes: &[u8]) -> Xlsx<Cursor<&[u8]>> {
    Xlsx::new(Cursor::new(bytes)).expect("the workbook opens")
}

fn part(bytes: &[u8], name: &str) -> String {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).expect("a zip file");
    let mut s = String::new();
    zip.by_name(name).unwrap_or_else(|_| panic!("no {name}")).read_to_string(&mut s).unwrap();
    s
}

fn requirement_text(set: &CatalogSet, id: &str) -> String {
    set.requirement(set.node(CATALOG, id).unwrap()).display_text().to_owned()
}

#[test]
fn the_checklist_sheet_reads_back_with_its_header_boxes_and_answers() {
    let set = common::bundled();
    let answers = common::sample_answers(&set);
    let derived = derive(&set, &answers).unwrap();
    let bytes = xlsx(&common::input(&derived, CATALOG, Lang::Ja, false)).unwrap();
    let mut wb = open(&bytes);
    assert_eq!(wb.sheet_names(), vec![CATALOG.to_owned(), "集計".to_owned()]);
    let range = wb.worksheet_range(CATALOG).unwrap();

    // The title block names the catalog and the assessment.
    assert!(cell(&range, 0, 0).starts_with("医療情報システムの安全管理に関するガイドライン 第３版"));
    assert!(cell(&range, 1, 0).contains("第3版"));
    assert_eq!((cell(&range, 2, 0), cell(&range, 2, 2)), ("組織".to_owned(), "サンプル事業者".to_owned()));
    assert_eq!((cell(&range, 3, 3), cell(&range, 3, 6)), ("状況".to_owned(), "作成中".to_owned()));

    let header = header_row(&range, Lang::Ja).expect("the header row");
    assert_eq!(header, 5);
    assert_eq!(cell(&range, header, 11), "ID");

    // org-1: implemented, with its 実施内容 from the sample and the store's evidence and owner.
    let r = row_of(&range, "org-1");
    assert_eq!(cell(&range, r, 0), "1");
    assert_eq!(cell(&range, r, 1), "組織的安全管理対策");
    assert_eq!(cell(&range, r, 2), requirement_text(&set, "org-1"));
    assert_eq!(cell(&range, r, 3), "遵守事項");
    assert_eq!(cell(&range, r, 4), "■");
    assert_eq!(cell(&range, r, 5), "実施済");
    assert_eq!(cell(&range, r, 6), "運用責任者を1名、担当者を2名設置");
    let evidence = cell(&range, r, 7);
    assert!(evidence.contains("システム管理規程 第3版"), "{evidence}");
    assert!(evidence.contains("system-kanri-kitei.pdf SHA-256:9f86d081884c）"), "{evidence}");
    assert!(evidence.contains("2024-04-01〜2026-03-31"), "{evidence}");
    assert_eq!(cell(&range, r, 9), "情報システム部 山田");

    // 技術的安全対策 8 (1): □ 未実施 in the sample (無線ＬＡＮは使用していない).
    let r = row_of(&range, "tech-8-1");
    assert_eq!(cell(&range, r, 0), "8 (1)");
    assert_eq!(cell(&range, r, 4), "□");
    assert_eq!(cell(&range, r, 5), "未実施");
    assert_eq!(cell(&range, r, 6), "無線ＬＡＮは使用していない。");
    assert_eq!(cell(&range, r, 10), "2025-09-30");
    // A lead-in item the vendor did not answer (its sub-items are): 未回答, not derived.
    let r = row_of(&range, "tech-8");
    assert_eq!((cell(&range, r, 4), cell(&range, r, 5)), ("□".to_owned(), "未回答".to_owned()));

    // One row per node in document order: items with their text verbatim, groups merged A:K.
    let nodes = set.catalog_nodes(CATALOG);
    assert_eq!(range.end().unwrap().0, header + nodes.len() as u32);
    let merged = wb.merge_cells_by_sheet_name(CATALOG).unwrap();
    for (i, &ix) in nodes.iter().enumerate() {
        let r = header + 1 + i as u32;
        let req = set.requirement(ix);
        assert_eq!(cell(&range, r, 11), req.id.as_str());
        if is_requirement(&set, ix) {
            assert_eq!(cell(&range, r, 2), req.display_text());
            assert!(["■", "□", "－"].contains(&cell(&range, r, 4).as_str()));
        } else {
            assert!(cell(&range, r, 0).starts_with(&req.label));
            assert!(
                merged.iter().any(|d| d.start == (r, 0) && d.end == (r, 10)),
                "group row {} is merged A:K",
                req.label
            );
        }
    }
    // Every result word in the sheet is one the importer can read.
    for r in header + 1..=range.end().unwrap().0 {
        let status = cell(&range, r, 5);
        assert!(status.is_empty() || ResultCode::parse(&status).is_some(), "{status}");
    }
}

#[test]
fn the_summary_sheet_counts_what_gaps_counts() {
    let set = common::bundled();
    let answers = common::sample_answers(&set);
    let derived = derive(&set, &answers).unwrap();
    let report = gaps(&derived, CATALOG, GapOptions { include_derived: false }).unwrap();
    let bytes = xlsx(&common::input(&derived, CATALOG, Lang::Ja, false)).unwrap();
    let mut wb = open(&bytes);
    let range = wb.worksheet_range("集計").unwrap();
    let rows = range.end().unwrap().0 + 1;
    let find = |text: &str| (0..rows).find(|&r| cell(&range, r, 0) == text).unwrap_or_else(|| panic!("no {text}"));

    // Per result: count and share.
    let by_result = find("実施状況別");
    assert_eq!(cell(&range, by_result + 1, 1), "件数");
    for (i, code) in ResultCode::ALL.iter().enumerate() {
        let r = by_result + 2 + i as u32;
        assert_eq!(cell(&range, r, 0), code.ja());
        assert_eq!(cell(&range, r, 1), report.total.count(*code).to_string(), "{}", code.ja());
        let share: f64 = cell(&range, r, 2).parse().unwrap();
        assert!((share * 100.0 - report.total.percent(*code)).abs() < 1e-9);
    }
    assert_eq!(cell(&range, by_result + 7, 1), report.total.total.to_string());
    // The sample: 69 implemented, 6 not implemented, 5 lead-in items unanswered.
    assert_eq!(report.total.counts, [69, 0, 6, 0, 5]);

    // The minimum package verdict.
    let minimum = find("最低限のガイドライン（遵守事項）の判定");
    assert_eq!(cell(&range, minimum + 1, 0), "未達");
    let v = &report.minimum;
    assert_eq!(
        cell(&range, minimum + 1, 1),
        format!(
            "遵守事項 {} 件中 {} 件を充足（うち推定による {} 件）、未充足 {} 件",
            v.mandatory,
            v.satisfied,
            v.by_derived,
            v.blockers.len()
        )
    );

    // Per level (mandatory first) and per category (組織的, 物理的, 技術的, 人的, then others).
    let by_level = find("レベル別");
    for (i, g) in report.levels.iter().enumerate() {
        let r = by_level + 2 + i as u32;
        assert_eq!(cell(&range, r, 1), g.tally.total.to_string());
        for (k, n) in g.tally.counts.iter().enumerate() {
            assert_eq!(cell(&range, r, 2 + k as u32), n.to_string());
        }
    }
    assert_eq!(cell(&range, by_level + 2, 0), "遵守事項");
    let by_category = find("区分別（安全管理対策）");
    let names: Vec<String> =
        (0..report.categories.len() as u32).map(|i| cell(&range, by_category + 2 + i, 0)).collect();
    assert_eq!(names[..4], ["組織的", "物理的", "技術的", "人的"]);
    for (i, g) in report.categories.iter().enumerate() {
        assert_eq!(cell(&range, by_category + 2 + i as u32, 1), g.tally.total.to_string());
    }

    // The gap list in the report's order.
    let list = find("未対応一覧（遵守事項を先に、記載順）");
    assert_eq!(cell(&range, list + 1, 0), "No.");
    let labels: Vec<String> = (0..report.gaps.len() as u32).map(|i| cell(&range, list + 2 + i, 0)).collect();
    let expected: Vec<&str> = report.gaps.iter().map(|g| g.label).collect();
    assert_eq!(labels, expected);
    assert_eq!(cell(&range, list + 2, 8), requirement_text(&set, report.gaps[0].requirement.local.as_str()));
}

#[test]
fn the_workbook_is_set_up_for_screen_and_print() {
    let set = common::bundled();
    let answers = common::sample_answers(&set);
    let derived = derive(&set, &answers).unwrap();
    let bytes = xlsx(&common::input(&derived, CATALOG, Lang::Ja, false)).unwrap();
    let last = 6 + set.catalog_nodes(CATALOG).len();
    let sheet = part(&bytes, "xl/worksheets/sheet1.xml");
    // Frozen below the header row (row 6), autofilter on the table, no screen grid.
    assert!(sheet.contains(r#"<pane ySplit="6" topLeftCell="A7" activePane="bottomLeft" state="frozen"/>"#));
    assert!(sheet.contains(&format!(r#"<autoFilter ref="A6:K{last}"/>"#)));
    assert!(sheet.contains(r#"showGridLines="0""#));
    // A4 landscape, one page wide, page numbers in the footer, the ID column hidden.
    let setup = &sheet[sheet.find("<pageSetup ").expect("a page setup")..];
    let setup = &setup[..setup.find("/>").unwrap()];
    for attribute in [r#"paperSize="9""#, r#"orientation="landscape""#, r#"fitToHeight="0""#] {
        assert!(setup.contains(attribute), "{setup}");
    }
    assert!(sheet.contains(r#"<pageSetUpPr fitToPage="1"/>"#));
    assert!(sheet.contains("&amp;P / &amp;N ページ"));
    assert!(sheet.contains(r#"<col min="12" max="12" width="16.7109375" hidden="1" customWidth="1"/>"#));
    // The header row is repeated on every page; the print area is the title block and table.
    let book = part(&bytes, "xl/workbook.xml");
    assert!(
        book.contains(&format!("'{CATALOG}'!$A$1:$K${last}")) || book.contains(&format!("{CATALOG}!$A$1:$K${last}"))
    );
    assert!(book.contains("!$6:$6</definedName>"));
    // Every font is the Japanese one.
    let styles = part(&bytes, "xl/styles.xml");
    let fonts = styles.matches("<font>").count();
    assert!(fonts > 1);
    assert_eq!(styles.matches(r#"<name val="ＭＳ Ｐゴシック"/>"#).count(), fonts);
    assert_eq!(styles.matches(r#"<charset val="128"/>"#).count(), fonts);
}

#[test]
fn the_english_workbook_has_english_words_and_the_same_boxes() {
    let set = common::bundled();
    let answers = common::sample_answers(&set);
    let derived = derive(&set, &answers).unwrap();
    let bytes = xlsx(&common::input(&derived, CATALOG, Lang::En, false)).unwrap();
    let mut wb = open(&bytes);
    assert_eq!(wb.sheet_names(), vec![CATALOG.to_owned(), "Summary".to_owned()]);
    let range = wb.worksheet_range(CATALOG).unwrap();
    assert_eq!(header_row(&range, Lang::En), Some(5));
    assert!(cell(&range, 0, 0).starts_with("Guidelines for the Security Management"));
    let r = row_of(&range, "org-1");
    assert_eq!(
        (cell(&range, r, 3), cell(&range, r, 4), cell(&range, r, 5)),
        ("Mandatory".into(), "■".into(), "implemented".into())
    );
    // Guideline text stays the catalog's own.
    assert_eq!(cell(&range, r, 2), requirement_text(&set, "org-1"));
}

#[test]
fn an_unknown_catalog_is_an_error() {
    let set = common::bundled();
    let derived = derive(&set, &[]).unwrap();
    let input = common::input(&derived, "no-such-catalog", Lang::Ja, false);
    assert!(matches!(xlsx(&input), Err(ExportError::UnknownCatalog(c)) if c == "no-such-catalog"));
    assert!(sansho_export::rows(&input).is_empty());
}

//! Checklist workbooks into catalogs: workbooks built here with rust_xlsxwriter, read back
//! through `sansho_import::xlsx`, and checked node by node and error by error.

use rust_xlsxwriter::{Format, Workbook, Worksheet};
use sansho_core::validate::{Severity, validate};
use sansho_core::{Catalog, CatalogId, Category, Level};
use sansho_import::ImportError;
use sansho_import::report::ImportReport;
use sansho_import::xlsx::{XlsxOptions, import_workbook, import_workbooks, sheet_ref};

// ---------------------------------------------------------------------------------------
// Helpers.

/// `"B12"` → (11, 1).
fn at(cell: &str) -> (u32, u16) {
    let letters: String = cell.chars().take_while(|c| c.is_ascii_alphabetic()).collect();
    let row: u32 = cell[letters.len()..].parse().expect("row");
    let col = letters.bytes().fold(0u16, |acc, b| acc * 26 + u16::from(b - b'A' + 1)) - 1;
    (row - 1, col)
}

fn put(ws: &mut Worksheet, cell: &str, text: &str) {
    let (r, c) = at(cell);
    ws.write_string(r, c, text).expect("write");
}

fn num(ws: &mut Worksheet, cell: &str, n: f64) {
    let (r, c) = at(cell);
    ws.write_number(r, c, n).expect("write");
}

/// Merges `"A5:A9"` and writes `text` into it.
fn merge(ws: &mut Worksheet, range: &str, text: &str) {
    let (a, b) = range.split_once(':').expect("range");
    let ((r1, c1), (r2, c2)) = (at(a), at(b));
    ws.merge_range(r1, c1, r2, c2, text, &Format::new()).expect("merge");
}

fn opts(id: &str) -> XlsxOptions {
    XlsxOptions::new(CatalogId::parse(id).expect("catalog id"))
}

fn import(name: &str, wb: &mut Workbook) -> (Catalog, ImportReport) {
    let bytes = wb.save_to_buffer().expect("save");
    let out = import_workbook(name, &bytes, &opts("user-checklist")).unwrap_or_else(|e| panic!("import failed: {e}"));
    check_valid(&out.0);
    out
}

fn import_err(name: &str, bytes: &[u8], opts: &XlsxOptions) -> ImportError {
    match import_workbook(name, bytes, opts) {
        Ok((c, _)) => panic!("expected an error, got a catalog of {} nodes", c.requirements.len()),
        Err(e) => e,
    }
}

fn wb_err(wb: &mut Workbook) -> ImportError {
    import_err("book.xlsx", &wb.save_to_buffer().expect("save"), &opts("x"))
}

/// No validation errors, and the catalog survives the catalog file format unchanged.
fn check_valid(c: &Catalog) {
    let errors: Vec<_> =
        validate(std::slice::from_ref(c), &[]).into_iter().filter(|p| p.severity == Severity::Error).collect();
    assert!(errors.is_empty(), "validation errors: {errors:?}");
    assert!(c.requirements.iter().all(|r| !r.provenance.is_empty()), "a node without provenance");
    let toml = sansho_catalog::catalog_to_toml(c, &["imported by the xlsx tests"]);
    match sansho_catalog::parse("user.toml", &toml) {
        Ok(sansho_catalog::Parsed::Catalog(back, _)) => assert_eq!(&back, c, "round trip through TOML"),
        Ok(_) => panic!("not a catalog"),
        Err(d) => panic!("the written catalog does not parse: {d:?}\n{toml}"),
    }
}

/// One line per node: id, parent, kind, label, category, level, provenance.
fn outline(c: &Catalog) -> Vec<String> {
    c.requirements
        .iter()
        .map(|r| {
            let mut s = format!(
                "{} ^{} {} {:?}",
                r.id,
                r.parent.as_ref().map_or("-", |p| p.as_str()),
                r.kind.as_str(),
                r.label
            );
            if let Some(cat) = &r.category {
                s.push_str(&format!(" [{}]", cat.as_str()));
            }
            if let Some(l) = r.level {
                s.push_str(&format!(" <{}>", l.as_str()));
            }
            let p: Vec<String> = r.provenance.iter().map(ToString::to_string).collect();
            s.push_str(&format!(" @{}", p.join(",")));
            s
        })
        .collect()
}

fn text<'a>(c: &'a Catalog, id: &str) -> Option<&'a str> {
    c.get(id).unwrap_or_else(|| panic!("no node {id}")).text.as_deref()
}

fn assert_outline(c: &Catalog, expected: &[&str]) {
    let got = outline(c);
    assert_eq!(got, expected, "\ngot:\n{}\n", got.join("\n"));
}

fn assert_err(e: &ImportError, file: &str, line: usize, column: usize, contains: &str) {
    assert_eq!((e.file.as_str(), e.line, e.column), (file, line, column), "error was: {e}");
    assert!(e.message.contains(contains), "error {e:?} does not say {contains:?}");
}

// ---------------------------------------------------------------------------------------
// A realistic MHLW-style checklist.

/// Title rows, the header on row 4, a 区分 column merged over several rows, numbering with
/// sub-items, wrapped multi-line cells, a 実施済 column with ■/□, a footnote.
fn mhlw_style() -> Workbook {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("最低限のガイドライン").unwrap();
    merge(ws, "A1:E1", "医療情報システムの安全管理に関するガイドライン　最低限のガイドライン遵守チェックリスト");
    put(ws, "A2", "施設名：");
    put(ws, "C2", "（記入日：　　年　月　日）");
    put(ws, "A4", "区分");
    put(ws, "B4", "No.");
    put(ws, "C4", "チェック項目");
    put(ws, "D4", "実施済");
    put(ws, "E4", "実施内容");

    merge(ws, "A5:A9", "組織的安全管理対策\n（体制、運用管理規程）");
    put(ws, "B5", "1.");
    put(ws, "C5", "情報システム運用責任者を設置している。");
    put(ws, "D5", "■");
    put(ws, "E5", "運用責任者を1名、担当者を2名\n設置");
    put(ws, "B6", "2.");
    put(ws, "C6", "運用管理規程を定めている。\r\n（以下の内容を含む）  ");
    put(ws, "D6", "■");
    put(ws, "B7", "(1)");
    put(ws, "C7", "理念（基本方針と管理目的の表明）");
    put(ws, "D7", "□");
    put(ws, "B8", "(2)");
    put(ws, "C8", "医療機関等の体制");
    put(ws, "D8", "□");
    put(ws, "C9", "（責任者の明示を含む）");

    merge(ws, "A10:A11", "物理的安全対策");
    num(ws, "B10", 1.0);
    put(ws, "C10", "個人情報が保存されている機器の設置場所及び記録媒体の保存場所を施錠する。");
    put(ws, "D10", "■");
    put(ws, "B11", "2.");
    put(ws, "C11", "個人情報を入力、参照できる端末の覗き見防止の対策を実施する。");
    put(ws, "D11", "□");

    put(ws, "A13", "技術的安全対策");
    put(ws, "B13", "1.");
    put(ws, "C13", "情報システムへのアクセスにおける利用者の識別と認証を行う。");
    put(ws, "B14", "2.");
    put(ws, "C14", "パスワードを利用者識別に使用する場合、以下を満たす。");
    put(ws, "B15", "①");
    put(ws, "C15", "パスワードは推測できないものとする。");
    put(ws, "D15", "■");
    put(ws, "B16", "②");
    put(ws, "C16", "二要素認証を採用する。");

    put(ws, "B18", "※ ■は実施済、□は未実施を表す。");
    put(ws, "A19", "※本チェックリストは第3版に基づく。");
    wb
}

#[test]
fn mhlw_style_checklist() {
    let (c, report) = import("checklist.xlsx", &mut mhlw_style());
    let f = "checklist.xlsx#最低限のガイドライン";
    assert_outline(
        &c,
        &[
            &format!("s1 ^- chapter \"最低限のガイドライン\" @{f}:4-16"),
            &format!("s1-g1 ^s1 section \"組織的安全管理対策\" [organizational] @{f}:5-9"),
            &format!("s1-g1-1 ^s1-g1 item \"組織的安全管理対策 1\" [organizational] @{f}:5"),
            &format!("s1-g1-2 ^s1-g1 item \"組織的安全管理対策 2\" [organizational] @{f}:6"),
            &format!("s1-g1-2-p1 ^s1-g1-2 sub-item \"組織的安全管理対策 2 (1)\" [organizational] @{f}:7"),
            &format!("s1-g1-2-p2 ^s1-g1-2 sub-item \"組織的安全管理対策 2 (2)\" [organizational] @{f}:8-9"),
            &format!("s1-g2 ^s1 section \"物理的安全対策\" [physical] @{f}:10-11"),
            &format!("s1-g2-1 ^s1-g2 item \"物理的安全対策 1\" [physical] @{f}:10"),
            &format!("s1-g2-2 ^s1-g2 item \"物理的安全対策 2\" [physical] @{f}:11"),
            &format!("s1-g3 ^s1 section \"技術的安全対策\" [technical] @{f}:13-16"),
            &format!("s1-g3-1 ^s1-g3 item \"技術的安全対策 1\" [technical] @{f}:13"),
            &format!("s1-g3-2 ^s1-g3 item \"技術的安全対策 2\" [technical] @{f}:14"),
            &format!("s1-g3-2-m1 ^s1-g3-2 sub-item \"技術的安全対策 2 ①\" [technical] @{f}:15"),
            &format!("s1-g3-2-m2 ^s1-g3-2 sub-item \"技術的安全対策 2 ②\" [technical] @{f}:16"),
        ],
    );
    // The section keeps the whole category cell; line breaks become \n, trailing spaces go.
    assert_eq!(c.get("s1-g1").unwrap().title.as_deref(), Some("組織的安全管理対策\n（体制、運用管理規程）"));
    assert_eq!(text(&c, "s1-g1-1"), Some("情報システム運用責任者を設置している。"));
    assert_eq!(text(&c, "s1-g1-2"), Some("運用管理規程を定めている。\n（以下の内容を含む）"));
    // A row without a number continues the item above.
    assert_eq!(text(&c, "s1-g1-2-p2"), Some("医療機関等の体制\n（責任者の明示を含む）"));
    assert_eq!(text(&c, "s1-g3-2-m1"), Some("パスワードは推測できないものとする。"));
    // The 実施済 / 実施内容 answers are not part of the catalog.
    assert!(c.requirements.iter().all(|r| {
        let t = r.text.as_deref().unwrap_or("");
        !t.contains('■') && !t.contains('□') && !t.contains("運用責任者を1名")
    }));
    assert!(c.requirements.iter().all(|r| r.level.is_none()), "no level column, no level");
    assert_eq!(c.title.ja, "医療情報システムの安全管理に関するガイドライン 最低限のガイドライン遵守チェックリスト");
    assert_eq!(c.kind.as_str(), "checklist");
    assert_eq!(c.sources.len(), 1);
    assert_eq!(c.sources[0].file, "checklist.xlsx");
    assert_eq!(c.sources[0].sha256.len(), 64);
    assert_eq!(c.requirement_count(), 10);

    // The footnotes are accounted for in the report.
    let rejected: Vec<(u32, &str)> = report.rejections.iter().map(|r| (r.line, r.reason.as_str())).collect();
    assert_eq!(rejected.len(), 2, "{rejected:?}");
    assert_eq!(rejected[0].0, 18);
    assert!(rejected[0].1.contains("alone in the number column"), "{rejected:?}");
    assert_eq!(rejected[1].0, 19);
    assert!(rejected[1].1.contains("has no check items under it"), "{rejected:?}");
    assert_eq!(report.counts["continuation rows"], 1);
    assert_eq!(report.counts["user-checklist items"], 10);
    assert!(report.notes.iter().any(|n| n.contains("header on row 4") && n.contains("D 実施済 = result (ignored)")));
}

// ---------------------------------------------------------------------------------------
// Odd layouts.

/// A notes sheet, a checklist with full-width headers, a text header merged over three
/// columns, level and reference columns, a merged 回答 header with sub-headers, path
/// numbering and a blank row; a second checklist with its columns in another order and
/// katakana numbering; an empty sheet.
fn odd_layouts() -> Workbook {
    let mut wb = Workbook::new();
    let notes = wb.add_worksheet();
    notes.set_name("はじめに").unwrap();
    put(notes, "A1", "本チェックリストの使い方");
    put(notes, "A3", "各項目について「はい」「いいえ」で回答してください。");
    put(notes, "A4", "項目");
    put(notes, "B4", "内容");
    put(notes, "A5", "回答者");
    put(notes, "B5", "医療情報システム安全管理責任者");

    let ws = wb.add_worksheet();
    ws.set_name("経営管理編").unwrap();
    put(ws, "A2", "ＮＯ．");
    merge(ws, "B2:D2", "遵守事項");
    put(ws, "E2", "必須／推奨");
    put(ws, "F2", "ガイドライン該当箇所");
    merge(ws, "G2:H2", "回答");
    put(ws, "G3", "はい/いいえ");
    put(ws, "H3", "備考");
    put(ws, "A4", "１");
    merge(ws, "B4:D4", "経営層は医療情報システムの安全管理に責任を負う。");
    put(ws, "E4", "必須");
    put(ws, "F4", "経営管理編 1.1");
    put(ws, "G4", "はい");
    put(ws, "A5", "1-1");
    put(ws, "B5", "安全管理責任者を任命する。");
    put(ws, "E5", "必須");
    put(ws, "G5", "はい");
    put(ws, "A6", "1－2");
    put(ws, "B6", "任命を文書で残す。");
    put(ws, "E6", "推奨");
    put(ws, "H6", "検討中");
    put(ws, "A8", "2");
    put(ws, "B8", "リスク評価を行う。");
    merge(ws, "E8:E9", "推奨");
    merge(ws, "F8:F9", "経営管理編 2");
    put(ws, "A9", "2-1");
    put(ws, "B9", "年1回以上見直す。");

    let ws = wb.add_worksheet();
    ws.set_name("運用#2").unwrap();
    put(ws, "A1", "チェック内容");
    put(ws, "B1", "分類");
    put(ws, "C1", "No");
    put(ws, "D1", "実施済");
    put(ws, "A2", "アクセスログを取得する。");
    merge(ws, "B2:B4", "技術的安全対策");
    put(ws, "C2", "ア");
    put(ws, "A3", "アクセスログを定期的に確認する。");
    put(ws, "C3", "イ");
    put(ws, "A4", "確認の結果を記録する。");
    put(ws, "C4", "(ア)");
    put(ws, "A5", "バックアップを取得する。");
    put(ws, "B5", "運用管理");
    put(ws, "C5", "ア");
    put(ws, "A6", "バックアップからの復旧を訓練する。");
    put(ws, "C6", "イ");

    wb.add_worksheet().set_name("メモ").unwrap();
    wb
}

#[test]
fn odd_layouts_and_several_sheets() {
    let (c, report) = import("book.xlsx", &mut odd_layouts());
    let a = "book.xlsx#経営管理編";
    let b = "book.xlsx#運用%232";
    assert_outline(
        &c,
        &[
            &format!("s2 ^- chapter \"経営管理編\" @{a}:2-9"),
            &format!("s2-1 ^s2 item \"１\" <mandatory> @{a}:4"),
            &format!("s2-1-1 ^s2-1 sub-item \"1-1\" <mandatory> @{a}:5"),
            &format!("s2-1-2 ^s2-1 sub-item \"1－2\" <recommended> @{a}:6"),
            &format!("s2-2 ^s2 item \"2\" <recommended> @{a}:8"),
            &format!("s2-2-1 ^s2-2 sub-item \"2-1\" <recommended> @{a}:9"),
            &format!("s3 ^- chapter \"運用#2\" @{b}:1-6"),
            &format!("s3-g1 ^s3 section \"技術的安全対策\" [technical] @{b}:2-4"),
            &format!("s3-g1-k1 ^s3-g1 item \"技術的安全対策 ア\" [technical] @{b}:2"),
            &format!("s3-g1-k2 ^s3-g1 item \"技術的安全対策 イ\" [technical] @{b}:3"),
            &format!("s3-g1-k2-pk1 ^s3-g1-k2 sub-item \"技術的安全対策 イ (ア)\" [technical] @{b}:4"),
            &format!("s3-g2 ^s3 section \"運用管理\" [運用管理] @{b}:5-6"),
            &format!("s3-g2-k1 ^s3-g2 item \"運用管理 ア\" [運用管理] @{b}:5"),
            &format!("s3-g2-k2 ^s3-g2 item \"運用管理 イ\" [運用管理] @{b}:6"),
        ],
    );
    assert_eq!(text(&c, "s2-1"), Some("経営層は医療情報システムの安全管理に責任を負う。"));
    assert_eq!(text(&c, "s2-1-2"), Some("任命を文書で残す。"));
    assert_eq!(text(&c, "s3-g1-k2-pk1"), Some("確認の結果を記録する。"));
    // References go to the note; a reference merged down applies to every row under it.
    assert_eq!(c.get("s2-1").unwrap().note.as_deref(), Some("ガイドライン該当箇所: 経営管理編 1.1"));
    assert_eq!(c.get("s2-1-1").unwrap().note, None);
    assert_eq!(c.get("s2-2-1").unwrap().note.as_deref(), Some("ガイドライン該当箇所: 経営管理編 2"));
    assert_eq!(c.get("s3-g2-k1").unwrap().category, Some(Category::Other("運用管理".into())));
    // No answer leaked into the catalog.
    assert!(c.requirements.iter().all(|r| r.text.as_deref() != Some("はい") && r.note.as_deref() != Some("検討中")));
    // The file name is the title when the sheet has no title row.
    assert_eq!(c.title.ja, "book");
    assert_eq!(
        c.description.as_deref(),
        Some("Imported from the checklist workbook book.xlsx (sheets: 経営管理編, 運用#2).")
    );

    assert_eq!(report.counts["sheets imported"], 2);
    assert_eq!(report.counts["sheets skipped"], 2);
    assert!(report.notes.iter().any(|n| n.contains("sheet はじめに (no checklist header")), "{:?}", report.notes);
    assert!(report.notes.iter().any(|n| n.contains("sheet メモ (the sheet is empty)")), "{:?}", report.notes);
    assert!(
        report.notes.iter().any(|n| n.starts_with("book.xlsx#経営管理編: header on row 2")
            && n.contains("B-D 遵守事項 = check item")
            && n.contains("G 回答 / はい/いいえ = result (ignored)")),
        "{:?}",
        report.notes
    );
}

#[test]
fn chosen_sheets_only() {
    let bytes = odd_layouts().save_to_buffer().unwrap();
    let mut o = opts("ops");
    o.sheets = Some(vec!["運用#2".into()]);
    o.title = Some("運用チェック".into());
    o.edition = Some("2025年版".into());
    let (c, _) = import_workbook("book.xlsx", &bytes, &o).unwrap();
    check_valid(&c);
    assert_eq!(c.requirements[0].id.as_str(), "s3");
    assert_eq!(c.requirements.len(), 8);
    assert_eq!((c.title.ja.as_str(), c.edition.as_str()), ("運用チェック", "2025年版"));

    // A chosen sheet must be a checklist, and must exist.
    o.sheets = Some(vec!["はじめに".into()]);
    let e = import_err("book.xlsx", &bytes, &o);
    assert_err(&e, "book.xlsx#はじめに", 0, 0, "no checklist header in rows 1-50");
    o.sheets = Some(vec!["メモ".into()]);
    assert_err(&import_err("book.xlsx", &bytes, &o), "book.xlsx#メモ", 0, 0, "the sheet is empty");
    o.sheets = Some(vec!["付録".into()]);
    let e = import_err("book.xlsx", &bytes, &o);
    assert_err(
        &e,
        "book.xlsx",
        0,
        0,
        "no sheet named 付録 in the workbook (its sheets: はじめに, 経営管理編, 運用#2, メモ)",
    );
    o.sheets = Some(vec!["運用#2".into(), "付録".into()]);
    assert_err(&import_err("book.xlsx", &bytes, &o), "book.xlsx", 0, 0, "no sheet named \"付録\" in the workbook");
}

/// No number column: every text row is an item, numbered by position; a 区分 column of C/D
/// is a level column; a category carried down over blank cells.
#[test]
fn without_numbers_levels_from_kubun() {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    put(ws, "A1", "大項目");
    put(ws, "B1", "確認項目");
    put(ws, "C1", "区分");
    put(ws, "D1", "Yes/No");
    put(ws, "A2", "人的安全対策");
    put(ws, "B2", "職員と守秘契約を結ぶ。");
    put(ws, "C2", "C");
    put(ws, "B3", "定期的に教育を行う。");
    put(ws, "C3", "D");
    put(ws, "A4", "情報の破棄");
    put(ws, "B4", "破棄の手順を定める。");
    put(ws, "C4", "Ｃ");
    let (c, _) = import("q.xlsx", &mut wb);
    let f = "q.xlsx#Sheet1";
    assert_outline(
        &c,
        &[
            &format!("s1 ^- chapter \"Sheet1\" @{f}:1-4"),
            &format!("s1-g1 ^s1 section \"人的安全対策\" [human] @{f}:2-3"),
            &format!("s1-g1-n1 ^s1-g1 item \"人的安全対策 1\" [human] <mandatory> @{f}:2"),
            &format!("s1-g1-n2 ^s1-g1 item \"人的安全対策 2\" [human] <recommended> @{f}:3"),
            &format!("s1-g2 ^s1 section \"情報の破棄\" [情報の破棄] @{f}:4"),
            &format!("s1-g2-n1 ^s1-g2 item \"情報の破棄 1\" [情報の破棄] <mandatory> @{f}:4"),
        ],
    );
    assert_eq!(c.get("s1-g1-n2").unwrap().level, Some(Level::Recommended));
}

/// The layout of seed 003 as a workbook: heading rows merged across the table, the header
/// repeated under each heading, a number cell merged over two rows of text, 中項目 as topics.
#[test]
fn heading_rows_repeated_headers_merged_numbers() {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("チェックリスト").unwrap();
    put(ws, "A1", "項番");
    put(ws, "B1", "中項目");
    put(ws, "C1", "要求事項");
    put(ws, "D1", "実施済");
    merge(ws, "A2:D2", "１．組織的安全管理対策");
    merge(ws, "A3:A4", "1");
    put(ws, "B3", "体制");
    put(ws, "C3", "運用責任者を置く。");
    put(ws, "C4", "担当者も置く。");
    put(ws, "A5", "2");
    put(ws, "C5", "規程を定める。");
    merge(ws, "A6:D6", "２．物理的安全対策");
    put(ws, "A7", "No.");
    put(ws, "B7", "中項目");
    put(ws, "C7", "要求事項");
    put(ws, "D7", "実施済");
    put(ws, "A8", "1");
    put(ws, "B8", "入退室");
    put(ws, "C8", "入退室を管理する。");
    let (c, report) = import("003.xlsx", &mut wb);
    let f = "003.xlsx#チェックリスト";
    assert_outline(
        &c,
        &[
            &format!("s1 ^- chapter \"チェックリスト\" @{f}:1-8"),
            &format!("s1-g1 ^s1 section \"１．組織的安全管理対策\" [organizational] @{f}:2-5"),
            &format!("s1-g1-1 ^s1-g1 item \"１．組織的安全管理対策 1\" [organizational] @{f}:3-4"),
            &format!("s1-g1-2 ^s1-g1 item \"１．組織的安全管理対策 2\" [organizational] @{f}:5"),
            &format!("s1-g2 ^s1 section \"２．物理的安全対策\" [physical] @{f}:6-8"),
            &format!("s1-g2-1 ^s1-g2 item \"２．物理的安全対策 1\" [physical] @{f}:8"),
        ],
    );
    assert_eq!(text(&c, "s1-g1-1"), Some("運用責任者を置く。\n担当者も置く。"));
    assert_eq!(c.get("s1-g1-1").unwrap().topics, vec!["体制".to_owned()]);
    assert_eq!(c.get("s1-g1-2").unwrap().topics, vec!["体制".to_owned()], "中項目 carried down");
    assert_eq!(c.get("s1-g2-1").unwrap().topics, vec!["入退室".to_owned()]);
    assert_eq!(report.counts["repeated header rows"], 1);
    assert_eq!(report.counts["heading rows"], 2);
}

/// A header over two rows: cells merged down, and a チェック欄 merged across with its
/// sub-headers below; a wrapped header cell (`チェック\n項目`).
#[test]
fn two_row_header() {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("調達").unwrap();
    put(ws, "A1", "調達チェックリスト（事業者回答用）");
    merge(ws, "A3:A4", "項 番");
    merge(ws, "B3:B4", "チェック\n項目");
    merge(ws, "C3:D3", "チェック欄");
    put(ws, "C4", "Yes/No");
    put(ws, "D4", "実施内容");
    merge(ws, "E3:E4", "根拠");
    put(ws, "A5", "1");
    put(ws, "B5", "サービス仕様適合開示書を提出する。");
    put(ws, "C5", "Yes");
    put(ws, "D5", "提出済み");
    put(ws, "E5", "2省GL 5.1");
    put(ws, "A6", "2");
    put(ws, "B6", "責任分界点を文書で合意する。");
    let (c, report) = import("proc.xlsx", &mut wb);
    let f = "proc.xlsx#調達";
    assert_outline(
        &c,
        &[
            &format!("s1 ^- chapter \"調達\" @{f}:3-6"),
            &format!("s1-1 ^s1 item \"1\" @{f}:5"),
            &format!("s1-2 ^s1 item \"2\" @{f}:6"),
        ],
    );
    assert_eq!(c.get("s1-1").unwrap().note.as_deref(), Some("根拠: 2省GL 5.1"));
    assert_eq!(c.title.ja, "調達チェックリスト（事業者回答用）");
    assert!(
        report
            .notes
            .iter()
            .any(|n| n.contains("C チェック欄 / Yes/No = result (ignored), D チェック欄 / 実施内容 = result")),
        "{:?}",
        report.notes
    );
}

/// Nesting across number styles, and paths without a parent.
#[test]
fn numbering_styles_nest() {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    put(ws, "A1", "番号");
    put(ws, "B1", "内容");
    put(ws, "C1", "回答");
    let rows = [
        ("1", "a"),
        ("(1)", "b"),
        ("①", "c"),
        ("②", "d"),
        ("(2)", "e"),
        ("1.1", "f"),
        ("1.1.1", "g"),
        ("2", "h"),
        ("3.1", "i"),
        ("ア", "j"),
        ("A-1", "k"),
        ("A-1-1", "l"),
    ];
    for (i, (n, t)) in rows.iter().enumerate() {
        put(ws, &format!("A{}", i + 2), n);
        put(ws, &format!("B{}", i + 2), t);
    }
    let (c, _) = import("n.xlsx", &mut wb);
    let got: Vec<String> = c
        .requirements
        .iter()
        .skip(1)
        .map(|r| format!("{} ^{} {} {}", r.id, r.parent.as_ref().unwrap(), r.label, r.text.as_deref().unwrap()))
        .collect();
    assert_eq!(
        got,
        [
            "s1-1 ^s1 1 a",
            "s1-1-p1 ^s1-1 1 (1) b",
            "s1-1-p1-m1 ^s1-1-p1 1 (1) ① c",
            "s1-1-p1-m2 ^s1-1-p1 1 (1) ② d",
            "s1-1-p2 ^s1-1 1 (2) e",
            "s1-1-1 ^s1-1 1.1 f",
            "s1-1-1-1 ^s1-1-1 1.1.1 g",
            "s1-2 ^s1 2 h",
            "s1-3.1 ^s1 3.1 i",
            "s1-3.1-k1 ^s1-3.1 3.1 ア j",
            "s1-A1 ^s1 A-1 k",
            "s1-A1-1 ^s1-A1 A-1-1 l",
        ]
    );
}

#[test]
fn several_workbooks_into_one_catalog() {
    let a = mhlw_style().save_to_buffer().unwrap();
    let b = odd_layouts().save_to_buffer().unwrap();
    let (c, report) = import_workbooks(&[("a.xlsx", &a), ("b.xlsx", &b)], &opts("both")).unwrap();
    check_valid(&c);
    let tops: Vec<&str> = c.requirements.iter().filter(|r| r.parent.is_none()).map(|r| r.id.as_str()).collect();
    assert_eq!(tops, ["f1-s1", "f2-s2", "f2-s3"]);
    assert_eq!(c.get("f2-s3-g1-k2-pk1").unwrap().provenance[0].to_string(), "b.xlsx#運用%232:4");
    assert_eq!(c.sources.iter().map(|s| s.file.as_str()).collect::<Vec<_>>(), ["a.xlsx", "b.xlsx"]);
    assert_eq!(report.seed, "a.xlsx, b.xlsx");
}

#[test]
fn sheet_names_cannot_break_positions() {
    assert_eq!(sheet_ref("book.xlsx", "Sheet1"), "book.xlsx#Sheet1");
    assert_eq!(sheet_ref("book.xlsx", "A:B"), "book.xlsx#A%3AB");
    assert_eq!(sheet_ref("book.xlsx", "50%#1"), "book.xlsx#50%25%231");
    let p = sansho_core::Provenance::parse(&format!("{}:12-14", sheet_ref("b.xlsx", "x:y"))).unwrap();
    assert_eq!((p.file.as_str(), p.line, p.end_line), ("b.xlsx#x%3Ay", 12, 14));
}

// ---------------------------------------------------------------------------------------
// Bad input: an error naming file, sheet, row and column, and nothing else.

#[test]
fn not_a_workbook() {
    let o = opts("x");
    let random: Vec<u8> = (0u32..512).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
    assert_err(&import_err("random.bin", &random, &o), "random.bin", 0, 0, "not a zip archive");
    let csv = "No.,チェック項目,実施済\n1,責任者を置く,■\n".as_bytes();
    assert_err(&import_err("list.csv", csv, &o), "list.csv", 0, 0, "CSV");
    assert_err(&import_err("empty.xlsx", b"", &o), "empty.xlsx", 0, 0, "the file is empty");
    let mut xls = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    xls.extend([0u8; 504]);
    assert_err(&import_err("old.xls", &xls, &o), "old.xls", 0, 0, "legacy .xls");
    // An OpenDocument spreadsheet: a zip whose first entry is the stored mimetype.
    let mut ods = b"PK\x03\x04\x14\x00\x00\x00\x00\x00\x00\x00\x00\x00".to_vec();
    ods.extend([0u8; 12]);
    ods.extend([8, 0, 0, 0]);
    ods.extend(b"mimetypeapplication/vnd.oasis.opendocument.spreadsheet");
    assert_err(&import_err("list.ods", &ods, &o), "list.ods", 0, 0, ".ods");
    // A damaged xlsx.
    let good = mhlw_style().save_to_buffer().unwrap();
    let cut = &good[..good.len() / 2];
    assert_err(&import_err("cut.xlsx", cut, &o), "cut.xlsx", 0, 0, "cannot read the .xlsx workbook");
}

#[test]
fn no_checklist_sheet() {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    put(ws, "A1", "議事録");
    put(ws, "A2", "出席者：山田、佐藤");
    wb.add_worksheet().set_name("空").unwrap();
    let e = wb_err(&mut wb);
    assert_err(&e, "book.xlsx", 0, 0, "no checklist sheet found: Sheet1 (no checklist header in rows 1-50: looked for");
    assert!(e.message.contains("空 (the sheet is empty)"), "{e}");
    assert!(e.message.contains("チェック項目"), "says what it looked for: {e}");
}

#[test]
fn duplicate_numbers() {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    put(ws, "B3", "No.");
    put(ws, "C3", "チェック項目");
    put(ws, "B4", "1");
    put(ws, "C4", "a");
    put(ws, "B5", "2");
    put(ws, "C5", "b");
    put(ws, "B6", "(1)");
    put(ws, "C6", "c");
    put(ws, "B7", "(1)");
    put(ws, "C7", "d");
    let e = wb_err(&mut wb);
    assert_err(&e, "book.xlsx#Sheet1", 7, 2, "duplicate number \"(1)\" under 2: already used on row 6");

    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    put(ws, "A1", "No.");
    put(ws, "B1", "チェック項目");
    put(ws, "A2", "1");
    put(ws, "B2", "a");
    put(ws, "A3", "2");
    put(ws, "B3", "b");
    num(ws, "A4", 1.0);
    put(ws, "B4", "c");
    let e = wb_err(&mut wb);
    assert_err(&e, "book.xlsx#Sheet1", 4, 1, "duplicate number \"1\" under sheet Sheet1: already used on row 2");
}

#[test]
fn unreadable_number() {
    let mut wb = mhlw_style();
    let ws = wb.worksheet_from_name("最低限のガイドライン").unwrap();
    put(ws, "B11", "2-a");
    let e = wb_err(&mut wb);
    assert_err(&e, "book.xlsx#最低限のガイドライン", 11, 2, "cannot read the number \"2-a\" in column B (No.)");

    // Excel turned a typed `1-2` into a date.
    let mut wb = mhlw_style();
    let ws = wb.worksheet_from_name("最低限のガイドライン").unwrap();
    let date = rust_xlsxwriter::ExcelDateTime::from_ymd(2025, 1, 2).unwrap();
    ws.write_datetime_with_format(13, 1, &date, &Format::new().set_num_format("m月d日")).unwrap();
    let e = wb_err(&mut wb);
    assert_err(&e, "book.xlsx#最低限のガイドライン", 14, 2, "the cell holds a date");
}

#[test]
fn unknown_level_and_missing_text() {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    put(ws, "A1", "No");
    put(ws, "B1", "項目");
    put(ws, "C1", "必須/推奨");
    put(ws, "A2", "1");
    put(ws, "B2", "a");
    put(ws, "C2", "必須");
    put(ws, "A3", "2");
    put(ws, "B3", "b");
    put(ws, "C3", "たぶん");
    let e = wb_err(&mut wb);
    assert_err(&e, "book.xlsx#Sheet1", 3, 3, "unknown level \"たぶん\" in column C (必須/推奨)");

    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    put(ws, "A1", "No");
    put(ws, "B1", "項目");
    put(ws, "A2", "1");
    put(ws, "B2", "a");
    put(ws, "A3", "2");
    put(ws, "A4", "3");
    put(ws, "B4", "c");
    let e = wb_err(&mut wb);
    assert_err(&e, "book.xlsx#Sheet1", 3, 2, "item 2 has no check-item text (column B, 項目)");
}

#[test]
fn excel_error_in_a_cell() {
    let mut wb = mhlw_style();
    let ws = wb.worksheet_from_name("最低限のガイドライン").unwrap();
    ws.write_formula(9, 2, rust_xlsxwriter::Formula::new("=VLOOKUP(B10,Z:Z,2,FALSE)").set_result("#N/A")).unwrap();
    let e = wb_err(&mut wb);
    assert_err(
        &e,
        "book.xlsx#最低限のガイドライン",
        10,
        3,
        "the cell holds the Excel error #N/A (column C, チェック項目)",
    );
}

#[test]
fn header_without_items() {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("記入例").unwrap();
    put(ws, "A1", "No.");
    put(ws, "B1", "チェック項目");
    put(ws, "C1", "回答");
    let e = wb_err(&mut wb);
    assert_err(&e, "book.xlsx#記入例", 0, 0, "the header is on row 1 but there are no check items below it");
}

// ---------------------------------------------------------------------------------------
// Workbooks shaped like the MHLW cyber-security checklists (医療機関確認用 / 事業者確認用):
// title rows, a two-row header with 確認結果 over はい／いいえ and 目標日 for two rounds, category
// cells merged down, numbers such as `1-(1)` and `2-(3)-①`, two sheets. The texts are
// placeholders written for this test, not the official wording.

/// One checklist sheet in the official shape; `items` are `(number, text)` per category.
fn official_sheet(ws: &mut Worksheet, name: &str, subtitle: &str, categories: &[(&str, &[(&str, &str)])]) {
    ws.set_name(name).expect("name");
    merge(ws, "A1:H1", "医療機関におけるサイバーセキュリティ対策チェックリスト（テスト用の模擬ブック）");
    merge(ws, "A2:H2", subtitle);
    put(ws, "A3", "医療機関名：");
    put(ws, "E3", "記入日：");
    merge(ws, "A5:A6", "区分");
    merge(ws, "B5:B6", "番号");
    merge(ws, "C5:C6", "チェック項目");
    merge(ws, "D5:E5", "確認結果（1回目）");
    merge(ws, "F5:G5", "確認結果（2回目）");
    merge(ws, "H5:H6", "備考");
    for (cell, text) in [("D6", "はい／いいえ"), ("E6", "目標日"), ("F6", "はい／いいえ"), ("G6", "目標日")]
    {
        put(ws, cell, text);
    }
    let mut row = 7;
    for (category, items) in categories {
        let last = row + items.len() as u32 - 1;
        if items.len() > 1 {
            merge(ws, &format!("A{row}:A{last}"), category);
        } else {
            put(ws, &format!("A{row}"), category);
        }
        for (i, (number, text)) in items.iter().enumerate() {
            let r = row + i as u32;
            put(ws, &format!("B{r}"), number);
            put(ws, &format!("C{r}"), text);
            put(ws, &format!("D{r}"), if i % 2 == 0 { "はい" } else { "いいえ" });
            if i % 2 == 1 {
                put(ws, &format!("E{r}"), "2026/3/31");
            }
        }
        row = last + 1;
    }
    put(ws, &format!("A{}", row + 1), "※ テスト用の注記：この行は項目ではない。");
}

fn official_workbook() -> Workbook {
    let mut wb = Workbook::new();
    official_sheet(
        wb.add_worksheet(),
        "医療機関確認用",
        "医療機関確認用",
        &[
            ("1 体制構築", &[("1-(1)", "（テスト用の文）責任者を設置している。")]),
            (
                "2 医療情報システムの管理・運用",
                &[
                    ("2-(1)", "（テスト用の文）台帳を管理している。"),
                    ("2-(2)", "（テスト用の文）権限を管理している。"),
                    ("2-(3)", "（テスト用の文）次の対策を実施している。"),
                    ("2-(3)-①", "（テスト用の文）一つ目の対策。"),
                    ("2-(3)-②", "（テスト用の文）二つ目の対策。"),
                ],
            ),
            (
                "3 インシデント発生に備えた対応",
                &[("3-(1)", "（テスト用の文）連絡体制を整えている。"), ("3-(2)", "（テスト用の文）訓練している。")],
            ),
        ],
    );
    official_sheet(
        wb.add_worksheet(),
        "事業者確認用",
        "事業者確認用",
        &[
            ("1 体制構築", &[("1-(1)", "（テスト用の文）事業者の責任者を置いている。")]),
            (
                "2 医療情報システムの管理・運用",
                &[("2-(1)", "（テスト用の文）保守の記録を残している。"), ("2-(1)-①", "（テスト用の文）記録の一つ目。")],
            ),
        ],
    );
    wb
}

#[test]
fn official_checklists_with_numbers_like_1_paren_1() {
    let (c, report) = import("cyber-checklist.xlsx", &mut official_workbook());
    assert_eq!(c.title.ja, "医療機関におけるサイバーセキュリティ対策チェックリスト（テスト用の模擬ブック）");
    assert_outline(
        &c,
        &[
            "s1 ^- chapter \"医療機関確認用\" @cyber-checklist.xlsx#医療機関確認用:5-14",
            "s1-g1 ^s1 section \"1 体制構築\" [1 体制構築] @cyber-checklist.xlsx#医療機関確認用:7",
            "s1-g1-1.1 ^s1-g1 item \"1 体制構築 1-(1)\" [1 体制構築] @cyber-checklist.xlsx#医療機関確認用:7",
            "s1-g2 ^s1 section \"2 医療情報システムの管理・運用\" [2 医療情報システムの管理・運用] @cyber-checklist.xlsx#医療機関確認用:8-12",
            "s1-g2-2.1 ^s1-g2 item \"2 医療情報システムの管理・運用 2-(1)\" [2 医療情報システムの管理・運用] @cyber-checklist.xlsx#医療機関確認用:8",
            "s1-g2-2.2 ^s1-g2 item \"2 医療情報システムの管理・運用 2-(2)\" [2 医療情報システムの管理・運用] @cyber-checklist.xlsx#医療機関確認用:9",
            "s1-g2-2.3 ^s1-g2 item \"2 医療情報システムの管理・運用 2-(3)\" [2 医療情報システムの管理・運用] @cyber-checklist.xlsx#医療機関確認用:10",
            "s1-g2-2.3-1 ^s1-g2-2.3 sub-item \"2 医療情報システムの管理・運用 2-(3)-①\" [2 医療情報システムの管理・運用] @cyber-checklist.xlsx#医療機関確認用:11",
            "s1-g2-2.3-2 ^s1-g2-2.3 sub-item \"2 医療情報システムの管理・運用 2-(3)-②\" [2 医療情報システムの管理・運用] @cyber-checklist.xlsx#医療機関確認用:12",
            "s1-g3 ^s1 section \"3 インシデント発生に備えた対応\" [3 インシデント発生に備えた対応] @cyber-checklist.xlsx#医療機関確認用:13-14",
            "s1-g3-3.1 ^s1-g3 item \"3 インシデント発生に備えた対応 3-(1)\" [3 インシデント発生に備えた対応] @cyber-checklist.xlsx#医療機関確認用:13",
            "s1-g3-3.2 ^s1-g3 item \"3 インシデント発生に備えた対応 3-(2)\" [3 インシデント発生に備えた対応] @cyber-checklist.xlsx#医療機関確認用:14",
            "s2 ^- chapter \"事業者確認用\" @cyber-checklist.xlsx#事業者確認用:5-9",
            "s2-g1 ^s2 section \"1 体制構築\" [1 体制構築] @cyber-checklist.xlsx#事業者確認用:7",
            "s2-g1-1.1 ^s2-g1 item \"1 体制構築 1-(1)\" [1 体制構築] @cyber-checklist.xlsx#事業者確認用:7",
            "s2-g2 ^s2 section \"2 医療情報システムの管理・運用\" [2 医療情報システムの管理・運用] @cyber-checklist.xlsx#事業者確認用:8-9",
            "s2-g2-2.1 ^s2-g2 item \"2 医療情報システムの管理・運用 2-(1)\" [2 医療情報システムの管理・運用] @cyber-checklist.xlsx#事業者確認用:8",
            "s2-g2-2.1-1 ^s2-g2-2.1 sub-item \"2 医療情報システムの管理・運用 2-(1)-①\" [2 医療情報システムの管理・運用] @cyber-checklist.xlsx#事業者確認用:9",
        ],
    );
    assert_eq!(text(&c, "s1-g2-2.3-1"), Some("（テスト用の文）一つ目の対策。"));
    assert_eq!(text(&c, "s2-g1-1.1"), Some("（テスト用の文）事業者の責任者を置いている。"));
    // The answer columns are recognised and left alone; the footnote is reported, not imported.
    let notes = report.notes.join("\n");
    assert!(notes.contains("D-E 確認結果（1回目） = result (ignored)") || notes.contains("D 確認結果"), "{notes}");
    assert!(!notes.contains("not recognised"), "{notes}");
    let rejected = format!("{report}");
    assert!(rejected.contains("テスト用の注記"), "{rejected}");
}

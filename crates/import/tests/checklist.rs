//! Filled checklists read back through `sansho_import::checklist`: workbooks built here with
//! rust_xlsxwriter and CSV files written here, in the layout of seed 003 (the vendor's own
//! checklist, with the 75 real answers of `samples/vendor-003.answers.toml`) and in the layout of
//! sansho's checklist export; then every error, with the cell it names.

use std::collections::HashMap;
use std::sync::LazyLock;

use rust_xlsxwriter::{ExcelDateTime, Format, Formula, Workbook, Worksheet};
use sansho_core::CatalogSet;
use sansho_core::assess::{ResultCode, is_requirement};
use sansho_core::set::NodeIx;
use sansho_import::ImportError;
use sansho_import::answers::{parse_answers, result_word};
use sansho_import::checklist::{ChecklistImport, read_checklist};

const CATALOG: &str = "mhlw-3-checklist";

// ---------------------------------------------------------------------------------------
// Helpers.

/// The bundled catalogs and mapping sets (the repository's `catalogs/`, embedded).
static SET: LazyLock<CatalogSet> = LazyLock::new(|| {
    let loaded = sansho_catalog::load(&sansho_catalog::bundled_sources());
    loaded.set.unwrap_or_else(|| panic!("bundled catalogs do not load: {:?}", loaded.diagnostics))
});

/// One answer of `samples/vendor-003.answers.toml`: local id, result, 実施内容.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Sample {
    id: String,
    result: ResultCode,
    how: Option<String>,
}

static SAMPLE: LazyLock<Vec<Sample>> = LazyLock::new(|| {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../samples/vendor-003.answers.toml");
    let text = std::fs::read_to_string(path).expect("samples/vendor-003.answers.toml");
    let file = parse_answers("vendor-003.answers.toml", &text).expect("the sample parses");
    assert_eq!(file.catalog.as_ref().map(|c| c.0.as_str()), Some(CATALOG));
    file.answers.into_iter().map(|a| Sample { id: a.requirement, result: a.result, how: a.how }).collect()
});

fn node(id: &str) -> NodeIx {
    SET.node(CATALOG, id).unwrap_or_else(|| panic!("no {CATALOG}:{id}"))
}

fn id_of(ix: NodeIx) -> String {
    SET.requirement(ix).id.to_string()
}

fn label(id: &str) -> String {
    SET.requirement(node(id)).label.clone()
}

/// The top-level node (the category section) a node is printed under.
fn section_of(ix: NodeIx) -> NodeIx {
    let mut top = ix;
    while let Some(p) = SET.parent_of(top) {
        top = p;
    }
    top
}

/// `(local id, result, 実施内容)` of one answer.
type Triple = (String, ResultCode, Option<String>);

/// `(id, result, how)` of every answer, in row order.
fn answered(imp: &ChecklistImport) -> Vec<Triple> {
    imp.answers.iter().map(|a| (id_of(a.requirement), a.result, a.how.clone())).collect()
}

fn sample_triples() -> Vec<Triple> {
    SAMPLE.iter().map(|s| (s.id.clone(), s.result, s.how.clone())).collect()
}

/// A grid of cells (`""` is blank), row 1 first.
type Grid = Vec<Vec<String>>;

fn row(cells: &[&str]) -> Vec<String> {
    cells.iter().map(|c| (*c).to_owned()).collect()
}

fn write_grid(ws: &mut Worksheet, grid: &Grid) {
    for (r, cells) in grid.iter().enumerate() {
        for (c, text) in cells.iter().enumerate() {
            if !text.is_empty() {
                ws.write_string(r as u32, c as u16, text).expect("write");
            }
        }
    }
}

fn xlsx(sheet: &str, grid: &Grid) -> Vec<u8> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name(sheet).expect("sheet name");
    write_grid(ws, grid);
    wb.save_to_buffer().expect("save")
}

fn csv_text(grid: &Grid) -> String {
    let mut w = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).flexible(true).from_writer(Vec::new());
    for r in grid {
        w.write_record(r).expect("csv");
    }
    String::from_utf8(w.into_inner().expect("csv")).expect("utf-8")
}

fn cp932(text: &str) -> Vec<u8> {
    let (bytes, _, unmappable) = encoding_rs::SHIFT_JIS.encode(text);
    assert!(!unmappable, "the test text must be representable in CP932");
    bytes.into_owned()
}

fn read(name: &str, bytes: &[u8]) -> ChecklistImport {
    read_checklist(name, bytes, &SET, CATALOG, None).unwrap_or_else(|e| panic!("import failed:\n{e}"))
}

fn read_err(name: &str, bytes: &[u8], sheet: Option<&str>) -> ImportError {
    match read_checklist(name, bytes, &SET, CATALOG, sheet) {
        Ok(imp) => panic!("expected an error, got {} answers", imp.answers.len()),
        Err(e) => e,
    }
}

// ---------------------------------------------------------------------------------------
// Seed 003's own layout: a heading row per category, `No. | 実施済 | 実施内容`, then `1. | ■ | …`.

/// The 75 sample answers in the layout of the vendor's checklist (seed 003): each category's
/// heading in column A, the header repeated under it, numbers as printed there (`1.`, `(1)`
/// under a `7.` row, `8 (1)`, `1 ①`, `4.(a)`), in full width for some, ■/□ and 実施内容.
fn seed_layout() -> Grid {
    let mut grid = Grid::new();
    let mut section: Option<NodeIx> = None;
    let mut parents_written: Vec<String> = Vec::new();
    for s in SAMPLE.iter() {
        let ix = node(&s.id);
        let sec = section_of(ix);
        if section != Some(sec) {
            section = Some(sec);
            grid.push(row(&[&SET.requirement(sec).label]));
            grid.push(row(&["No.", "実施済", "実施内容"]));
        }
        let sec_label = SET.requirement(sec).label.clone();
        let rest = label(&s.id).strip_prefix(&sec_label).expect("label starts with the section's").trim().to_owned();
        let no = if let Some(sub) = s.id.strip_prefix("tech-7-").filter(|x| !x.starts_with("user")) {
            // The seed prints `7.` on a row of its own, then `(1)` `(2)` `(3)`.
            if !parents_written.contains(&"7".to_owned()) {
                parents_written.push("7".to_owned());
                grid.push(row(&["7."]));
            }
            format!("({sub})")
        } else if s.id.starts_with("tech-8-") {
            if !parents_written.contains(&"8".to_owned()) {
                parents_written.push("8".to_owned());
                grid.push(row(&["8.", "", "無線ＬＡＮは使用していない。"]));
            }
            // `８ （１）`: full width.
            rest.replace('8', "８").replace('(', "（").replace(')', "）")
        } else if s.id.starts_with("disposal-4-") {
            rest.replacen(' ', ".", 1) // `4.(a)`
        } else if rest.chars().all(|c| c.is_ascii_digit()) {
            if s.id.starts_with("takeout-") {
                // Full-width `１０．`.
                let wide: String =
                    rest.chars().map(|c| char::from_u32(c as u32 - '0' as u32 + 0xFF10).unwrap()).collect();
                format!("{wide}．")
            } else {
                format!("{rest}.")
            }
        } else {
            rest // `7 利用者 (1)`, `1 ①`
        };
        let mark = match s.result {
            ResultCode::Implemented => "■",
            ResultCode::NotImplemented => "□",
            other => panic!("the sample has only ■ and □, not {other}"),
        };
        grid.push(row(&[&no, mark, s.how.as_deref().unwrap_or("")]));
    }
    grid
}

fn assert_seed_layout(imp: &ChecklistImport) {
    assert_eq!(imp.catalog, CATALOG);
    assert_eq!(imp.answers.len(), 75);
    assert_eq!(answered(imp), sample_triples());
    assert_eq!(imp.header_row, 2, "the first heading sits above the header");
    let reasons: Vec<&str> = imp.skipped.iter().map(|s| s.reason.as_str()).collect();
    // 10 categories: 9 headings and 9 repeated headers after the first, and the 7. and 8. rows.
    assert_eq!(reasons.iter().filter(|r| r.starts_with("heading row")).count(), 9, "{reasons:#?}");
    assert_eq!(reasons.iter().filter(|r| **r == "repeated header row").count(), 9, "{reasons:#?}");
    assert!(reasons.contains(&"heading row 物理的安全対策"), "{reasons:#?}");
    let groups: Vec<String> = imp
        .skipped
        .iter()
        .filter(|s| s.reason.starts_with("group row"))
        .map(|s| id_of(s.requirement.expect("a group row names its node")))
        .collect();
    assert_eq!(groups, ["tech-7", "tech-8"]);
    assert_eq!(imp.skipped.len(), 20);
}

#[test]
fn the_vendors_75_answers_in_the_seeds_layout_as_xlsx() {
    let grid = seed_layout();
    let imp = read("vendor-003.xlsx", &xlsx("チェックリスト", &grid));
    assert_eq!(imp.sheet.as_deref(), Some("チェックリスト"));
    assert_seed_layout(&imp);
    // The answers say where they are: org-1 is row 3 (heading, header, then the item).
    assert_eq!(imp.answers[0].at.to_string(), "B3");
    assert_eq!((imp.answers[0].at.row, imp.answers[0].at.column.as_str()), (3, "B"));
}

#[test]
fn the_vendors_75_answers_in_the_seeds_layout_as_csv_utf8_with_and_without_bom() {
    let text = csv_text(&seed_layout());
    let plain = read("vendor-003.csv", text.as_bytes());
    assert_eq!(plain.sheet, None);
    assert_seed_layout(&plain);
    assert_eq!(plain.answers[0].at.to_string(), "row 3, column 2");
    let bom = [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat();
    assert_seed_layout(&read("vendor-003.csv", &bom));
}

#[test]
fn the_vendors_75_answers_in_the_seeds_layout_as_csv_cp932() {
    let bytes = cp932(&csv_text(&seed_layout()));
    assert!(std::str::from_utf8(&bytes).is_err(), "CP932 text is not UTF-8");
    assert_seed_layout(&read("vendor-003.csv", &bytes));
    // Tab-separated as well.
    let tsv = csv_text(&seed_layout()).replace(',', "\t");
    assert_seed_layout(&read("vendor-003.tsv", &cp932(&tsv)));
}

// ---------------------------------------------------------------------------------------
// The layout of sansho's checklist export.

const HEADERS_JA: [&str; 12] = [
    "No.",
    "区分",
    "チェック項目",
    "レベル",
    "実施済",
    "実施状況",
    "実施内容",
    "根拠",
    "該当なし理由・備考",
    "担当者",
    "期限",
    "ID",
];
const HEADERS_EN: [&str; 12] = [
    "No.",
    "Category",
    "Check item",
    "Level",
    "Done",
    "Status",
    "How implemented",
    "Evidence",
    "Justification / notes",
    "Owner",
    "Due",
    "ID",
];

#[derive(Clone, Copy, PartialEq, Eq)]
enum Lang {
    Ja,
    En,
}

/// The rows of an export of the sample (one per catalog node, `ID` last), with a few answers
/// changed to show every kind of cell: 該当なし with a reason, 一部実施 with owner and due date,
/// a result only in the box, a derived suggestion, 未回答 rows. Each row says whether it is a
/// group row; the expected answers come with them.
fn export_rows(lang: Lang) -> (Vec<(bool, Vec<String>)>, Vec<Triple>) {
    let word = |r: ResultCode| if lang == Lang::Ja { r.ja() } else { r.as_str() };
    let sample: HashMap<&str, &Sample> = SAMPLE.iter().map(|s| (s.id.as_str(), s)).collect();
    let mut grid = Vec::new();
    let mut expected = Vec::new();
    for ix in SET.catalog_nodes(CATALOG) {
        let r = SET.requirement(ix);
        let id = r.id.as_str();
        let sec = SET.requirement(section_of(ix));
        if !is_requirement(&SET, ix) {
            // As the export writes a group: its label in one cell merged across the table.
            grid.push((true, row(&[&r.label, "", "", "", "", "", "", "", "", "", "", id])));
            continue;
        }
        let no = r.label.strip_prefix(&sec.label).map_or(r.label.as_str(), str::trim);
        let text = r.text.as_deref().or(r.title.as_deref()).unwrap_or("");
        let level = if lang == Lang::Ja { "必須" } else { "Mandatory" };
        let (mut done, mut status, mut how, mut notes) = match sample.get(id) {
            Some(s) => (
                if s.result == ResultCode::Implemented { "■" } else { "□" }.to_owned(),
                word(s.result).to_owned(),
                s.how.clone().unwrap_or_default(),
                String::new(),
            ),
            None => ("□".to_owned(), word(ResultCode::Unanswered).to_owned(), String::new(), String::new()),
        };
        match id {
            "org-2" => {
                done = "－".into();
                status = word(ResultCode::NotApplicable).into();
                notes = "来訪者の立ち入る区画に個人情報はない".into();
            }
            "org-3" => {
                done = "□".into();
                status = word(ResultCode::Partial).into();
            }
            // Only the box.
            "phys-1" => status.clear(),
            // A suggestion derived from other answers, not an answer.
            "tech-7" => {
                done = "□".into();
                status = if lang == Lang::Ja { "（推定）一部実施" } else { "(derived) partial" }.into();
                how.clear();
            }
            _ => {}
        }
        let result = if status.is_empty() { result_word(&done) } else { result_word(&status) };
        if let Some(result) = result.filter(|r| *r != ResultCode::Unanswered) {
            let how = (!how.is_empty()).then(|| how.clone());
            expected.push((id.to_owned(), result, how));
        }
        grid.push((false, row(&[no, &sec.label, text, level, &done, &status, &how, "", &notes, "", "", id])));
    }
    (grid, expected)
}

fn export_xlsx(lang: Lang) -> (Vec<u8>, Vec<Triple>) {
    let (rows, expected) = export_rows(lang);
    let headers = if lang == Lang::Ja { HEADERS_JA } else { HEADERS_EN };
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("mhlw-3-checklist").expect("name");
    let plain = Format::new();
    // The title block of rows 1-5: title, edition, the assessment's meta as label/value pairs.
    let title = "医療情報システムの安全管理に関するガイドライン 第３版 最低限のガイドライン遵守チェックリスト";
    ws.merge_range(0, 0, 0, 10, title, &plain).expect("title");
    ws.merge_range(1, 0, 1, 10, "第3版 ・ 厚生労働省 ・ 2009-06-29 ・ mhlw-3-checklist", &plain).expect("edition");
    let meta = [("組織", "サンプル事業者"), ("システム", "電子カルテ"), ("ベースライン", "なし")];
    let meta2 = [("評価ID", "a-1"), ("状況", "作成中"), ("出力日", "2025-06-01")];
    for (i, ((l1, v1), (l2, v2))) in meta.iter().zip(meta2).enumerate() {
        let r = 2 + i as u32;
        ws.merge_range(r, 0, r, 1, l1, &plain).expect("label");
        ws.write_string(r, 2, *v1).expect("value");
        ws.merge_range(r, 3, r, 5, l2, &plain).expect("label");
        ws.write_string(r, 6, v2).expect("value");
    }
    for (c, h) in headers.iter().enumerate() {
        ws.write_string(5, c as u16, *h).expect("header");
    }
    let mut org3 = 0;
    for (i, (group, cells)) in rows.iter().enumerate() {
        let r = 6 + i as u32;
        if *group {
            ws.merge_range(r, 0, r, 10, &cells[0], &plain).expect("group");
            ws.write_string(r, 11, &cells[11]).expect("id");
            continue;
        }
        for (c, text) in cells.iter().enumerate() {
            if !text.is_empty() {
                ws.write_string(r, c as u16, text).expect("write");
            }
        }
        if cells[11] == "org-3" {
            org3 = r;
        }
    }
    ws.set_column_hidden(11).expect("hide ID");
    // org-3's owner and due date (a date cell).
    ws.write_string(org3, 9, "情報システム部 山田").expect("owner");
    let date = ExcelDateTime::from_ymd(2026, 3, 31).expect("date");
    ws.write_datetime_with_format(org3, 10, &date, &Format::new().set_num_format("yyyy-mm-dd")).expect("due");
    // A summary sheet after it, as the export writes.
    let summary = wb.add_worksheet();
    summary.set_name("集計").expect("name");
    summary.write_string(0, 0, "区分").expect("write");
    summary.write_string(0, 1, "結果").expect("write");
    (wb.save_to_buffer().expect("save"), expected)
}

#[test]
fn an_export_workbook_reads_back_in_japanese_and_english() {
    for lang in [Lang::Ja, Lang::En] {
        let (bytes, expected) = export_xlsx(lang);
        let imp = read("export.xlsx", &bytes);
        assert_eq!(imp.sheet.as_deref(), Some("mhlw-3-checklist"));
        assert_eq!(imp.header_row, 6);
        assert_eq!(answered(&imp), expected);
        // 75 sample answers; phys-1 from its box; tech-7's suggestion skipped.
        assert_eq!(imp.answers.len(), 75);
        let by_id: HashMap<String, _> = imp.answers.iter().map(|a| (id_of(a.requirement), a)).collect();
        let na = by_id["org-2"];
        assert_eq!(na.result, ResultCode::NotApplicable);
        assert_eq!(na.justification.as_deref(), Some("来訪者の立ち入る区画に個人情報はない"));
        assert_eq!(na.at.to_string(), "F9", "row 7 is the group, 8 org-1, 9 org-2");
        let partial = by_id["org-3"];
        assert_eq!(partial.result, ResultCode::Partial);
        assert_eq!(partial.owner.as_deref(), Some("情報システム部 山田"));
        assert_eq!(partial.due.as_deref(), Some("2026-03-31"));
        assert_eq!(by_id["phys-1"].result, ResultCode::Implemented);
        assert_eq!(by_id["phys-1"].at.column, "E", "read from the box");
        let derived = imp.skipped.iter().find(|s| s.reason.starts_with("derived")).expect("the derived row is skipped");
        assert_eq!(derived.requirement.map(id_of).as_deref(), Some("tech-7"));
        assert_eq!(derived.at.column, "F");
        let unanswered: Vec<String> =
            imp.skipped.iter().filter(|s| s.reason == "未回答").filter_map(|s| s.requirement.map(id_of)).collect();
        assert_eq!(unanswered, ["tech-7-user", "tech-8", "human-contractor-1", "disposal-4"]);
        let groups = imp.skipped.iter().filter(|s| s.reason.starts_with("group row")).count();
        assert_eq!(groups, 10, "one group row per category");
    }
}

#[test]
fn an_export_csv_with_a_leading_id_column_reads_back() {
    let (rows, expected) = export_rows(Lang::Ja);
    let mut grid: Grid =
        vec![std::iter::once("ID").chain(HEADERS_JA[..11].iter().copied()).map(str::to_owned).collect()];
    // One line per requirement: no group rows.
    for (_, mut r) in rows.into_iter().filter(|(group, _)| !group) {
        let id = r.pop().expect("id");
        r.insert(0, id);
        grid.push(r);
    }
    let text = format!("\u{FEFF}{}", csv_text(&grid));
    let imp = read("export.csv", text.as_bytes());
    assert_eq!(answered(&imp), expected);
    assert_eq!(imp.header_row, 1);
    // The same file from Japanese Excel (CP932).
    let imp = read("export.csv", &cp932(&csv_text(&grid)));
    assert_eq!(answered(&imp), expected);
}

#[test]
fn ids_may_carry_the_catalog_or_be_labels() {
    let grid = vec![
        row(&["要求事項ID", "回答", "備考"]),
        row(&["org-1", "〇", ""]),
        row(&["mhlw-3-checklist:org-2", "✓", ""]),
        row(&["組織的安全管理対策 3", "×", ""]),
        row(&["org-4", "対象外", "委託していない"]),
    ];
    let imp = read("ids.csv", csv_text(&grid).as_bytes());
    let got: Vec<(String, ResultCode)> = imp.answers.iter().map(|a| (id_of(a.requirement), a.result)).collect();
    assert_eq!(
        got,
        [
            ("org-1".into(), ResultCode::Implemented),
            ("org-2".into(), ResultCode::Implemented),
            ("org-3".into(), ResultCode::NotImplemented),
            ("org-4".into(), ResultCode::NotApplicable),
        ]
    );
    assert_eq!(imp.answers[3].justification.as_deref(), Some("委託していない"));
}

#[test]
fn check_item_texts_pair_when_there_is_no_number() {
    let text = |id: &str| SET.requirement(node(id)).text.clone().expect("text");
    // Half-width brackets and spaces between the characters: still the same text.
    let org1: String = text("org-1").replace('（', "(").replace('）', ")").chars().flat_map(|c| [c, ' ']).collect();
    let grid = vec![
        row(&["チェック項目", "結果"]),
        row(&[&org1, "yes"]),
        row(&[&format!("{}\n", text("phys-3")), "No"]),
        row(&[&text("phys-4"), ""]),
        row(&["その他"]),
    ];
    let imp = read("items.csv", csv_text(&grid).as_bytes());
    let got: Vec<(String, ResultCode)> = imp.answers.iter().map(|a| (id_of(a.requirement), a.result)).collect();
    assert_eq!(got, [("org-1".into(), ResultCode::Implemented), ("phys-3".into(), ResultCode::NotImplemented)]);
    // An unanswered item is not a heading; a text that is no requirement's is.
    let skipped: Vec<(&str, Option<String>)> =
        imp.skipped.iter().map(|s| (s.reason.as_str(), s.requirement.map(id_of))).collect();
    assert_eq!(skipped, [("未回答", Some("phys-4".into())), ("heading row その他", None)]);
}

#[test]
fn the_first_sheet_with_a_header_is_read_unless_one_is_named() {
    let mut wb = Workbook::new();
    let cover = wb.add_worksheet();
    cover.set_name("表紙").expect("name");
    cover.write_string(0, 0, "自己点検結果").expect("write");
    let a = wb.add_worksheet();
    a.set_name("2024").expect("name");
    write_grid(a, &vec![row(&["id", "Result"]), row(&["org-1", "implemented"])]);
    let b = wb.add_worksheet();
    b.set_name("2025").expect("name");
    write_grid(b, &vec![row(&["id", "Result"]), row(&["org-1", "Not implemented"])]);
    let bytes = wb.save_to_buffer().expect("save");
    let imp = read("book.xlsx", &bytes);
    assert_eq!(imp.sheet.as_deref(), Some("2024"));
    assert_eq!(imp.answers[0].result, ResultCode::Implemented);
    let imp = read_checklist("book.xlsx", &bytes, &SET, CATALOG, Some("2025")).expect("sheet 2025");
    assert_eq!(imp.answers[0].result, ResultCode::NotImplemented);
}

#[test]
fn result_words_as_checklists_write_them() {
    for (w, r) in [
        ("✓", ResultCode::Implemented),
        ("✔", ResultCode::Implemented),
        ("〇", ResultCode::Implemented),
        ("◯", ResultCode::Implemented),
        ("○", ResultCode::Implemented),
        ("●", ResultCode::Implemented),
        ("■", ResultCode::Implemented),
        ("Implemented", ResultCode::Implemented),
        ("×", ResultCode::NotImplemented),
        ("✕", ResultCode::NotImplemented),
        ("✗", ResultCode::NotImplemented),
        ("□", ResultCode::NotImplemented),
        ("Not implemented", ResultCode::NotImplemented),
        ("一部実施", ResultCode::Partial),
        ("－", ResultCode::NotApplicable),
        ("-", ResultCode::NotApplicable),
        ("N/A", ResultCode::NotApplicable),
        ("対象外", ResultCode::NotApplicable),
        ("not applicable", ResultCode::NotApplicable),
    ] {
        assert_eq!(result_word(w), Some(r), "{w}");
    }
    for w in ["（推定）実施済", "(derived) implemented", "maybe", ""] {
        assert_eq!(result_word(w), None, "{w:?}");
    }
}

// ---------------------------------------------------------------------------------------
// Errors. The small layout: a title, a blank row, the header in row 3, data from row 4:
// A No. | B 区分 | C チェック項目 | D 実施済 | E 実施状況 | F 実施内容 | G 該当なし理由・備考.

fn small(rows: &[[&str; 7]]) -> Vec<u8> {
    let mut grid = vec![
        row(&["自己点検チェックリスト"]),
        Vec::new(),
        row(&["No.", "区分", "チェック項目", "実施済", "実施状況", "実施内容", "該当なし理由・備考"]),
    ];
    grid.extend(rows.iter().map(|r| row(r)));
    xlsx("回答", &grid)
}

const ORG: &str = "組織的安全管理対策";

#[test]
fn a_row_that_pairs_with_nothing_names_the_cell_and_what_was_tried() {
    let e = read_err("book.xlsx", &small(&[["99.", ORG, "存在しない項目", "■", "実施済", "", ""]]), None);
    assert_eq!((e.file.as_str(), e.line, e.column), ("book.xlsx#回答", 4, 1));
    let m = e.to_string();
    assert!(m.starts_with("book.xlsx#回答:4:1: cell A4 (No.): no requirement of catalog mhlw-3-checklist"), "{m}");
    assert!(m.contains(r#"label "組織的安全管理対策 99""#), "{m}");
    assert!(m.contains(r#"label "99""#), "{m}");
    assert!(m.contains(r#"the check-item text "存在しない項目""#), "{m}");
}

#[test]
fn an_unknown_result_word_names_the_cell_and_the_accepted_words() {
    let e = read_err("book.xlsx", &small(&[["1.", ORG, "", "", "たぶん", "", ""]]), None);
    assert_eq!((e.line, e.column), (4, 5));
    assert!(
        e.message.starts_with(r#"cell E4 (実施状況): unknown result "たぶん"; write one of 実施済, 一部実施"#),
        "{e}"
    );
    assert!(e.message.contains("■/□"), "{e}");
    let e = read_err("book.xlsx", &small(&[["1.", ORG, "", "?", "", "", ""]]), None);
    assert!(e.message.starts_with(r#"cell D4 (実施済): unknown result "?""#), "{e}");
}

#[test]
fn a_derived_suggestion_is_skipped_not_accepted() {
    let imp = read(
        "book.xlsx",
        &small(&[["1.", ORG, "", "■", "（推定）実施済", "", ""], ["2.", ORG, "", "", "実施済", "", ""]]),
    );
    assert_eq!(answered(&imp), [("org-2".to_owned(), ResultCode::Implemented, None)]);
    let s = &imp.skipped[0];
    assert_eq!((s.at.to_string().as_str(), s.requirement.map(id_of).as_deref()), ("E4", Some("org-1")));
    assert!(s.reason.starts_with("derived suggestion"), "{}", s.reason);
}

#[test]
fn not_applicable_needs_a_justification() {
    let e = read_err("book.xlsx", &small(&[["1.", ORG, "", "－", "該当なし", "", ""]]), None);
    assert_eq!((e.line, e.column), (4, 5));
    assert!(e.message.contains("cell E4 (実施状況)"), "{e}");
    assert!(e.message.contains("組織的安全管理対策 1 (org-1) is 該当なし"), "{e}");
    assert!(e.message.contains("column G (該当なし理由・備考)"), "{e}");
    let ok = read("book.xlsx", &small(&[["1.", ORG, "", "－", "該当なし", "", "対象設備なし"]]));
    assert_eq!(ok.answers[0].justification.as_deref(), Some("対象設備なし"));
}

#[test]
fn a_requirement_answered_twice_names_both_rows() {
    let e = read_err(
        "book.xlsx",
        &small(&[
            ["1.", ORG, "", "■", "実施済", "", ""],
            ["2.", ORG, "", "■", "実施済", "", ""],
            ["１", ORG, "", "□", "未実施", "", ""],
        ]),
        None,
    );
    assert_eq!((e.line, e.column), (6, 1));
    assert!(
        e.message.contains("cell A6 (No.): 組織的安全管理対策 1 (org-1) is answered twice, in rows 4 and 6"),
        "{e}"
    );
}

#[test]
fn a_box_that_contradicts_the_word_names_both_cells() {
    let e = read_err("book.xlsx", &small(&[["1.", ORG, "", "■", "未実施", "", ""]]), None);
    assert_eq!((e.line, e.column), (4, 4));
    assert!(
        e.message.contains(r#"cell D4 (実施済) says "■" (実施済) but cell E4 (実施状況) says "未実施" (未実施)"#),
        "{e}"
    );
    // The word wins where they agree: □ with 一部実施 is 一部実施.
    let imp = read("book.xlsx", &small(&[["1.", ORG, "", "□", "一部実施", "", ""]]));
    assert_eq!(imp.answers[0].result, ResultCode::Partial);
    assert_eq!(imp.answers[0].at.to_string(), "E4");
}

#[test]
fn blank_results_are_skipped_as_unanswered() {
    let imp = read(
        "book.xlsx",
        &small(&[
            ["1.", ORG, "", "", "", "", ""],
            ["2.", ORG, "", "", "未回答", "", ""],
            ["3.", ORG, "", "■", "", "", ""],
        ]),
    );
    assert_eq!(answered(&imp), [("org-3".to_owned(), ResultCode::Implemented, None)]);
    let skipped: Vec<(String, &str, Option<String>)> =
        imp.skipped.iter().map(|s| (s.at.to_string(), s.reason.as_str(), s.requirement.map(id_of))).collect();
    assert_eq!(skipped, [("A4".into(), "未回答", Some("org-1".into())), ("E5".into(), "未回答", Some("org-2".into()))]);
}

#[test]
fn every_row_error_is_reported_at_once() {
    let e = read_err(
        "book.xlsx",
        &small(&[
            ["99.", ORG, "", "■", "実施済", "", ""],
            ["1.", ORG, "", "", "maybe", "", ""],
            ["2.", ORG, "", "", "該当なし", "", ""],
            ["3.", ORG, "", "■", "実施済", "", ""],
            ["3.", ORG, "", "■", "実施済", "", ""],
            ["4.", ORG, "", "■", "未実施", "", ""],
        ]),
        None,
    );
    let m = e.to_string();
    let lines: Vec<&str> = m.lines().collect();
    assert_eq!(lines.len(), 6, "{m}");
    assert!(lines[0].starts_with("book.xlsx#回答:4:1: cell A4 (No.): no requirement"), "{m}");
    assert!(lines[1].starts_with("book.xlsx#回答:5:5: cell E5 (実施状況): unknown result"), "{m}");
    assert!(lines[2].starts_with("book.xlsx#回答:6:5: cell E6 (実施状況):"), "{m}");
    assert!(lines[3].starts_with("book.xlsx#回答:8:1: cell A8 (No.):"), "{m}");
    assert!(lines[4].starts_with("book.xlsx#回答:9:4: cell D9 (実施済) says"), "{m}");
    assert_eq!(lines[5], "(5 errors; nothing was imported)");
}

#[test]
fn errors_are_capped() {
    let rows: Vec<[&str; 7]> = (0..60).map(|_| ["1.", ORG, "", "", "maybe", "", ""]).collect();
    let e = read_err("book.xlsx", &small(&rows), None);
    let m = e.to_string();
    assert_eq!(m.lines().filter(|l| l.contains("unknown result")).count(), 50, "{m}");
    assert!(m.contains("… and 10 more errors"), "{m}");
    assert!(m.ends_with("(60 errors; nothing was imported)"), "{m}");
}

#[test]
fn an_excel_error_value_is_an_error_at_its_cell() {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    write_grid(ws, &vec![row(&["No.", "区分", "実施状況"])]);
    ws.write_string(1, 0, "1.").expect("write");
    ws.write_string(1, 1, ORG).expect("write");
    ws.write_formula(1, 2, Formula::new("=NA()").set_result("#N/A")).expect("formula");
    let e = read_err("book.xlsx", &wb.save_to_buffer().expect("save"), None);
    assert_eq!((e.file.as_str(), e.line, e.column), ("book.xlsx#Sheet1", 2, 3));
    assert!(e.message.contains("cell C2 (実施状況): the Excel error value #N/A"), "{e}");
}

#[test]
fn csv_errors_name_the_row_as_excel_shows_it_and_the_column_number() {
    // Row 2 spans two lines (a line break in a quoted cell); line 4 is blank (row 3).
    let text = "id,実施状況,実施内容\r\norg-1,実施済,\"二行に\r\nわたる\"\r\n\r\norg-2,maybe,\r\n";
    let e = read_err("answers.csv", text.as_bytes(), None);
    assert_eq!((e.file.as_str(), e.line, e.column), ("answers.csv", 4, 2));
    assert!(e.message.starts_with(r#"row 4, column 2 (実施状況): unknown result "maybe""#), "{e}");
    let ok = read("answers.csv", text.replace("maybe", "未実施").as_bytes());
    assert_eq!(ok.answers[0].how.as_deref(), Some("二行に\nわたる"));
    assert_eq!(ok.answers[1].at.to_string(), "row 4, column 2");
    // Unknown ids are errors, and so are ids of another catalog.
    let e = read_err("answers.csv", "id,結果\norg-99,済\nmhlw-5:6.3-c-1,済\n".as_bytes(), None);
    let m = e.to_string();
    assert!(m.starts_with(r#"answers.csv:2:1: row 2, column 1 (id): no requirement of catalog mhlw-3-checklist matches this row: its id "org-99""#), "{m}");
    assert!(m.contains(r#"answers.csv:3:1: row 3, column 1 (id): no requirement of catalog mhlw-3-checklist matches this row: its id "mhlw-5:6.3-c-1" is a requirement of catalog mhlw-5"#), "{m}");
}

#[test]
fn text_that_is_neither_utf8_nor_cp932_is_refused_with_its_line() {
    let e = read_err("answers.csv", b"id,result\norg-1,yes\norg-2,\xFF\xFF\n", None);
    assert_eq!((e.file.as_str(), e.line), ("answers.csv", 3));
    assert!(e.message.contains("neither UTF-8 nor Shift_JIS (CP932)"), "{e}");
}

#[test]
fn broken_files_and_missing_headers_name_the_file_and_sheet() {
    let e = read_err("book.xlsx", b"PK\x03\x04 this is no zip", None);
    assert_eq!((e.file.as_str(), e.line, e.column), ("book.xlsx", 0, 0));
    assert!(e.message.starts_with("cannot read the .xlsx workbook"), "{e}");
    let e = read_err("book.xlsx", "No.,実施済\n1.,■\n".as_bytes(), None);
    assert!(e.message.contains("not a zip archive") && e.message.contains("a CSV file?"), "{e}");
    let e = read_err("book.xlsx", b"", None);
    assert_eq!(e.message, "the file is empty");
    let e = read_err("book.pdf", b"%PDF-1.7", None);
    assert!(e.message.starts_with("unknown file type"), "{e}");

    let no_header =
        xlsx("回答", &vec![row(&["自己点検チェックリスト"]), row(&["No.", "チェック項目"]), row(&["1.", "…"])]);
    let e = read_err("book.xlsx", &no_header, None);
    assert_eq!((e.file.as_str(), e.line, e.column), ("book.xlsx", 0, 0));
    assert!(e.message.starts_with("no sheet has a checklist header (回答)"), "{e}");
    let e = read_err("book.xlsx", &no_header, Some("回答"));
    assert_eq!(e.file, "book.xlsx#回答");
    assert!(e.message.starts_with("no checklist header in rows 1-30"), "{e}");
    let e = read_err("book.xlsx", &no_header, Some("Sheet9"));
    assert_eq!(e.message, r#"no sheet named "Sheet9" in the workbook (its sheets: 回答)"#);
    let e = read_err("answers.csv", "a,b\n1,2\n".as_bytes(), None);
    assert_eq!((e.file.as_str(), e.line, e.column), ("answers.csv", 0, 0));
    assert!(e.message.starts_with("no checklist header"), "{e}");
    let e = read_err("answers.csv", "id,結果\n".as_bytes(), Some("回答"));
    assert!(e.message.contains("has no sheets"), "{e}");
    let e = read_checklist("answers.csv", b"id,result\n", &SET, "no-such-catalog", None).unwrap_err();
    assert_eq!(e.message, r#"unknown catalog "no-such-catalog""#);
}

#[test]
fn csv_with_cr_only_line_endings_names_the_right_rows() {
    // Classic Mac OS line endings (a lone CR), as some exporters still write: rows 30 and 31
    // answer the same requirement, and row 33 (after a blank row 32) has an unknown word.
    let ids: Vec<&str> = SAMPLE.iter().map(|s| s.id.as_str()).take(30).collect();
    let mut lines = vec!["id,実施状況".to_owned()];
    lines.extend(ids[..28].iter().map(|id| format!("{id},実施済")));
    lines.push(format!("{},実施済", ids[28])); // row 30
    lines.push(format!("{},未実施", ids[28])); // row 31
    lines.push(String::new()); // row 32
    lines.push(format!("{},maybe", ids[29])); // row 33
    let text = lines.join("\r") + "\r";
    let e = read_err("answers.csv", text.as_bytes(), None);
    let m = e.to_string();
    assert!(m.contains("is answered twice, in rows 30 and 31"), "{m}");
    assert!(m.contains("answers.csv:33:2: row 33, column 2 (実施状況): unknown result \"maybe\""), "{m}");
    // Invalid bytes are placed on their line too.
    let mut bytes = b"id,result\rorg-1,yes\rorg-2,".to_vec();
    bytes.extend_from_slice(b"\xFF\xFF\r");
    let e = read_err("answers.csv", &bytes, None);
    assert_eq!((e.file.as_str(), e.line), ("answers.csv", 3), "{e}");
}

#[test]
fn every_bad_due_date_is_reported_at_once_with_the_other_row_errors() {
    let grid = vec![
        row(&["No.", "区分", "実施状況", "期限"]),
        row(&["1.", ORG, "未実施", "来月"]),
        row(&["2.", ORG, "未実施", "2025-13-01"]),
        row(&["3.", ORG, "maybe", ""]),
        row(&["4.", ORG, "未実施", "2025-02-29"]),
    ];
    let e = read_err("book.xlsx", &xlsx("回答", &grid), None);
    let m = e.to_string();
    let lines: Vec<&str> = m.lines().collect();
    assert_eq!(lines.len(), 5, "{m}");
    assert!(lines[0].starts_with(r#"book.xlsx#回答:2:4: cell D2 (期限): "来月" is not a date"#), "{m}");
    assert!(lines[1].starts_with(r#"book.xlsx#回答:3:4: cell D3 (期限): "2025-13-01" is not a date"#), "{m}");
    assert!(lines[2].starts_with("book.xlsx#回答:4:3: cell C4 (実施状況): unknown result"), "{m}");
    assert!(lines[3].starts_with(r#"book.xlsx#回答:5:4: cell D5 (期限): "2025-02-29" is not a date"#), "{m}");
    assert_eq!(lines[4], "(4 errors; nothing was imported)");

    // Dates as users write them, and date cells, come out as YYYY-MM-DD.
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    write_grid(
        ws,
        &vec![
            row(&["No.", "区分", "実施状況", "目標日"]),
            row(&["1.", ORG, "未実施", "2025/4/1"]),
            row(&["2.", ORG, "未実施", "2026年3月31日"]),
            row(&["3.", ORG, "未実施", " 2024-02-29 "]),
            row(&["4.", ORG, "未実施", ""]),
        ],
    );
    let date = ExcelDateTime::from_ymd(2027, 1, 15).expect("date");
    ws.write_datetime_with_format(4, 3, &date, &Format::new().set_num_format("yyyy/m/d")).expect("date");
    let imp = read("book.xlsx", &wb.save_to_buffer().expect("save"));
    let due: Vec<Option<&str>> = imp.answers.iter().map(|a| a.due.as_deref()).collect();
    assert_eq!(due, [Some("2025-04-01"), Some("2026-03-31"), Some("2024-02-29"), Some("2027-01-15")]);
}

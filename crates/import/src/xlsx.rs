//! Checklist workbooks (xlsx) into catalogs.
//!
//! The official MHLW checklists are published as xlsx, and hospitals and vendors bring their
//! own variants. [`import_workbook`] reads one workbook (the bytes; this crate does no IO)
//! and returns a [`Catalog`] plus an [`ImportReport`], or an [`ImportError`] naming the file,
//! sheet, row and column. Nothing is returned half-built: either every checklist sheet was
//! read, or the import fails.
//!
//! # What a checklist sheet looks like to the importer
//!
//! - **Header row.** The first 50 rows of every sheet are searched for the row whose cells
//!   best match the users' column names (title rows, notes and blank rows above it are fine).
//!   Matching folds full-/half-width forms (NFKC), case, white space and the punctuation
//!   `. : * ※ ( ) [ ] 【 】 「 」`, so `ＮＯ．`, `No .` and `No` are the same. A header must have
//!   a check-item column and at least one other recognised column:
//!   - number: `No` `番号` `項番` `項目番号` `通番` `連番` `#` …
//!   - category: `区分` `分類` `カテゴリ` `大項目` `大分類` …; topic: `中項目` `小項目` …
//!   - check item: `チェック項目` `確認項目` `項目` `要求事項` `内容` `遵守事項` `確認内容` `設問` …
//!   - level: `必須/推奨` `最低限/推奨` `C/D` `レベル` `重要度` …
//!   - reference: `参照` `根拠` `ガイドライン該当箇所` `記載箇所` …
//!   - result (recognised and ignored): `実施済` `回答` `Yes/No` `実施内容` `備考` `チェック` …
//!
//!   A cell matches a name exactly (what is in brackets aside: `チェック項目（必須）`), or
//!   contains one; Japanese compounds end with their head noun, so the contained name that
//!   ends last wins, then the longest (`ガイドラインの要求事項` is a check item, `チェック項目番号`
//!   a number). The best-scoring row is the header (exact names count more than contained
//!   ones, unrecognised cells count against). A header cell merged over several columns
//!   covers all of them; when such a cell has sub-headers on the row below (`チェック欄` over
//!   `実施済` | `実施内容`), the sub-headers decide those columns, and data starts below the
//!   header's lowest row (header cells merged down count). Columns nobody recognises are
//!   ignored and listed in the report. A row repeating the header inside the table (after a
//!   page break) is skipped.
//! - **Sheets.** By default every worksheet with a header is imported (in workbook order,
//!   hidden ones included) and the others (empty, no header, chart sheets) are skipped and
//!   listed in the report's notes; no checklist sheet at all is an error. Sheets chosen with
//!   [`XlsxOptions::sheets`] must exist and be checklists.
//! - **Several columns of one kind.** The first category column groups the items (see below);
//!   topic columns (`中項目` `小項目` `中分類` …) and further category columns become the items'
//!   topics (carried down like categories, reset by a new category). With several check-item
//!   columns (`項目` | `内容`), the right-most is the text and the others the title. Extra
//!   number and level columns are kept like references. A `区分` column whose values are all
//!   levels (`C`/`D`, `必須`/`推奨`) is a level column. Reference values go to the node's note
//!   as `<header>: <value>` (the model has no reference field yet).
//! - **Categories.** A category cell merged down over many rows applies to all of them, and a
//!   category is carried down over blank cells. Each run of rows with one category becomes a
//!   section node (title = the cell text, label = its first line) holding the items; so do
//!   heading rows (a single cell merged across the columns of several kinds, e.g.
//!   `【組織的安全管理対策】` spanning the table; a value in a reference, result or unrecognised
//!   column beside it, such as the id sansho's export writes in a hidden last column, does not
//!   matter). `組織的…` `物理的…` `技術的…` `人的…` become the
//!   four categories, anything else is kept as printed. A category with no item under it
//!   (a footnote that sits in the category column) is not imported; the report lists it.
//! - **Numbering.** Accepted numbers: `1` `1.` `1-1` `1.1` `1.1.2` `A-1` `Q1`, and paths whose
//!   later parts are bracketed or circled as the MHLW cyber-security checklists print them,
//!   `1-(1)` `2-(3)-①` `8.(1)` (read as `1-1`, `2-3-1`, `8-1`) (numeric family),
//!   `(1)` `1)` `①` `ア` `(ア)` `㋐` `a` `(a)` `Ⅰ` (styled), full- or half-width. A number
//!   printed after its parent's, as sansho's export prints labels (`7 (1)`, `1 ①`, `7 利用者`,
//!   `7 利用者 (1)`: a path number, then a styled number or a short word), nests under the open
//!   item printed as its parent; a number printed after its category (`技術的安全対策 7` under
//!   `技術的`) is read without it. Nesting: a
//!   numeric number nests under the nearest open numeric item whose path is a prefix of its own
//!   (`1-1` under `1`); numeric numbers are the outline's backbone, so a numeric number closes
//!   any styled sub-items. A styled number is a sibling of the nearest open item of the same
//!   style, else a child of the last item (`3` → `(1)` → `①` → `(2)`). Numbers restart freely
//!   per category section. The same number twice under one parent (for paths: in one section)
//!   is an error.
//! - **Rows without a number.** In a sheet with a number column, a row with text but no number
//!   *continues the item above*: its text is appended to that item's text after a line break
//!   (such rows are what a long item wrapped over several rows looks like; unnumbered bullets
//!   are part of the item they follow). The same holds for the rows under a number cell merged
//!   down. A text row before the first item of its section is rejected (listed in the report).
//!   A row whose only cell is a non-number in the number column (`※ 注記…`) is a note, also
//!   rejected into the report. In a sheet without a number column every text row is an item,
//!   numbered by position.
//! - **Cell text** is the user's text verbatim: line breaks are normalised to `\n`, trailing
//!   white space is removed from every line and the cell is trimmed. Nothing else changes.
//!
//! # Ids, labels, kinds, provenance
//!
//! - Ids are structural, never from text: the sheet's position in the workbook (`s2`), the
//!   category section's position in the sheet (`s2-g1`), then the numbers down the tree
//!   (`s2-g1-3-p1` for `(1)` under `3`; `s1-1-2` for `1-2` under `1`; a path that has no
//!   parent keeps its dots: `s1-2.1`). Styled numbers are written `p1` `(1)`, `h1` `1)`,
//!   `m1` `①`, `mk1` `㋐`, `k1` `ア`, `pk1` `(ア)`, `a1` `a`, `pa1` `(a)`, `r1` `Ⅰ`; items of a
//!   sheet without numbers are `n1`, `n2`…. With several workbooks, sheet ids get the
//!   workbook's position: `f2-s1`.
//! - Labels are the printed numbers (without a list-marker `.` or `、` at the end: `3.` is
//!   labelled `3`), prefixed by the section's label (`組織的安全管理対策 3`);
//!   a number that does not repeat its parent's (`(1)`) is prefixed by the parent's label
//!   (`組織的安全管理対策 3 (1)`). Sheets are labelled by their name.
//! - Kinds: sheet = chapter, category section = section, first-level item = item, deeper =
//!   sub-item.
//! - Provenance is `<file>#<sheet>` and the 1-based rows: an item's own rows (with its
//!   continuation rows), a section's and a sheet's whole extent. In the sheet name `%`, `:`,
//!   `#` and control characters are percent-encoded (`%25`, `%3A`, `%23`), so
//!   `book.xlsx#A%3AB:12` always splits into file, sheet and row at the last `#` and the last
//!   `:` (see [`sheet_ref`]).
//!
//! # Errors
//!
//! Errors are `file#sheet:row:column: message` (1-based): an unreadable number (with a hint
//! when Excel turned `1-1` into a date), a duplicate number, an unknown level, an item
//! without text, an Excel error value (`#N/A`) in a column the import reads. Problems with
//! the whole workbook (empty file, not a zip, a CSV, an xls/ods/xlsb, a damaged zip, no
//! checklist sheet, a chosen sheet missing) and with a whole sheet (empty, no header, no
//! items) use row and column 0, meaning "not one cell".

use std::collections::HashMap;
use std::sync::LazyLock;

use calamine::{Data, Dimensions, Range};
use lazy_regex::{Lazy, Regex, lazy_regex};
use sansho_core::{
    Catalog, CatalogId, CatalogKind, Category, IntoMsg, Level, LocalId, Localized, Msg, NodeKind, Provenance,
    Requirement, SourceDoc, ja_en,
};
use sha2::{Digest, Sha256};
use unicode_normalization::UnicodeNormalization;

use crate::ImportError;
use crate::report::ImportReport;
use crate::text::hex;
use crate::workbook::{BookReader, Format};

/// How many rows from the top of a sheet are searched for the header row.
pub const HEADER_SCAN_ROWS: u32 = 50;

/// What the caller knows about the catalog; the workbook supplies the rest.
#[derive(Debug, Clone)]
pub struct XlsxOptions {
    /// The id the new catalog gets.
    pub catalog_id: CatalogId,
    /// Default: the first title row above the header of the first checklist sheet, else the
    /// file name without its extension.
    pub title: Option<String>,
    /// The title in English, if known.
    pub title_en: Option<String>,
    /// Default: empty.
    pub edition: Option<String>,
    /// Who issued the guideline (default: none).
    pub issuers: Vec<String>,
    /// Default: [`CatalogKind::Checklist`].
    pub kind: CatalogKind,
    /// The guideline's publication date, if known (`YYYY`, `YYYY-MM` or `YYYY-MM-DD`).
    pub date: Option<String>,
    /// Default: `Imported from the checklist workbook <file> (sheets: <names>).`
    pub description: Option<String>,
    /// Only these sheets, in workbook order; each must exist and be a checklist. Default:
    /// every sheet that has a checklist header; the others are skipped and reported.
    pub sheets: Option<Vec<String>>,
}

impl XlsxOptions {
    /// Options with every default, for a catalog of this id.
    pub fn new(catalog_id: CatalogId) -> Self {
        Self {
            catalog_id,
            title: None,
            title_en: None,
            edition: None,
            issuers: Vec::new(),
            kind: CatalogKind::Checklist,
            date: None,
            description: None,
            sheets: None,
        }
    }
}

/// Imports one workbook. `file_name` is how the file is named in provenance and errors
/// (pass the base name the user knows, e.g. `book.xlsx`).
pub fn import_workbook(
    file_name: &str,
    bytes: &[u8],
    opts: &XlsxOptions,
) -> Result<(Catalog, ImportReport), ImportError> {
    import_workbooks(&[(file_name, bytes)], opts)
}

/// Imports several workbooks into one catalog: each checklist sheet of each file becomes a
/// top-level node, in the order given (ids `f1-s1`, `f2-s1`…; with one file just `s1`).
/// With [`XlsxOptions::sheets`], each named sheet must be found in at least one workbook.
pub fn import_workbooks(files: &[(&str, &[u8])], opts: &XlsxOptions) -> Result<(Catalog, ImportReport), ImportError> {
    import_workbooks_with(&BookReader::InProcess, files, opts)
}

/// [`import_workbooks`], reading each workbook with `reader` (for files from outside, a
/// [`BookReader::Sandbox`]: a child process with memory and time limits).
pub fn import_workbooks_with(
    reader: &BookReader,
    files: &[(&str, &[u8])],
    opts: &XlsxOptions,
) -> Result<(Catalog, ImportReport), ImportError> {
    let report_name = files.iter().map(|(n, _)| *n).collect::<Vec<_>>().join(", ");
    let mut report = ImportReport::new(report_name);
    let mut b = Builder::default();
    let mut sources = Vec::new();
    let mut title_row: Option<String> = None;
    let mut found_named = vec![false; opts.sheets.as_ref().map_or(0, Vec::len)];
    if files.is_empty() {
        return Err(ImportError::at("", 0, 0, Msg::new("ブックが指定されていません", "no workbook given")));
    }
    for (fi, (name, bytes)) in files.iter().enumerate() {
        let prefix = if files.len() > 1 { format!("f{}-", fi + 1) } else { String::new() };
        let t = import_file(reader, name, bytes, opts, &prefix, &mut b, &mut report, &mut found_named)?;
        if title_row.is_none() {
            title_row = t;
        }
        sources.push(SourceDoc {
            file: (*name).to_owned(),
            sha256: hex(&Sha256::digest(bytes)),
            description: Some("checklist workbook (xlsx)".to_owned()),
        });
    }
    if let Some(names) = &opts.sheets {
        for (n, found) in names.iter().zip(&found_named) {
            if !found {
                let file = files.iter().map(|(f, _)| *f).collect::<Vec<_>>().join(", ");
                return Err(ImportError::at(
                    &file,
                    0,
                    0,
                    ja_en!("ブックに {n:?} という名前のシートはありません", "no sheet named {n:?} in the workbook"),
                ));
            }
        }
    }
    let title = opts.title.clone().or(title_row).unwrap_or_else(|| file_stem(files[0].0).to_owned());
    let catalog = Catalog {
        id: opts.catalog_id.clone(),
        title: Localized { ja: title, en: opts.title_en.clone() },
        issuers: opts.issuers.clone(),
        edition: opts.edition.clone().unwrap_or_default(),
        date: opts.date.clone(),
        kind: opts.kind,
        sources,
        description: opts.description.clone().or_else(|| {
            let sheets: Vec<&str> = b.nodes.iter().filter(|n| n.parent.is_none()).map(|n| n.label.as_str()).collect();
            Some(format!("Imported from the checklist workbook {} (sheets: {}).", report.seed, sheets.join(", ")))
        }),
        requirements: b.nodes,
        outline: None,
        ext: None,
    };
    let problems: Vec<_> = sansho_core::validate::validate(std::slice::from_ref(&catalog), &[])
        .into_iter()
        .filter(|p| p.severity == sansho_core::validate::Severity::Error)
        .collect();
    if let Some(p) = problems.first() {
        // A bug in this importer, not in the workbook; still, write nothing.
        return Err(ImportError::at(&report.seed, 0, 0, {
            let m = &p.message;
            ja_en!(
                "内部エラー: 取り込んだカタログが検証を通りません（{m}）",
                "internal error: the imported catalog does not validate: {m}"
            )
        }));
    }
    let id = catalog.id.as_str();
    report.count(format!("{id} nodes"), catalog.requirements.len());
    report.count(
        format!("{id} items"),
        catalog.requirements.iter().filter(|r| matches!(r.kind, NodeKind::Item | NodeKind::SubItem)).count(),
    );
    Ok((catalog, report))
}

/// `<file>#<sheet>` with the sheet name encoded so that provenance (`…:12`) and error
/// positions (`…:12:3`) stay unambiguous: `%`, `:`, `#` and control characters become
/// `%XX` (UTF-8 bytes, upper-case hex). `sheet_ref("book.xlsx", "A:B")` is `book.xlsx#A%3AB`.
pub fn sheet_ref(file: &str, sheet: &str) -> String {
    let mut out = String::with_capacity(file.len() + sheet.len() + 1);
    out.push_str(file);
    out.push('#');
    for ch in sheet.chars() {
        if matches!(ch, '%' | ':' | '#') || ch.is_control() {
            let mut buf = [0u8; 4];
            for byte in ch.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{byte:02X}"));
            }
        } else {
            out.push(ch);
        }
    }
    out
}

/// The spreadsheet name of a 0-based column: `A`, `B`, … `Z`, `AA`.
pub fn column_name(col: u32) -> String {
    let mut n = col + 1;
    let mut s = Vec::new();
    while n > 0 {
        let r = (n - 1) % 26;
        s.push(b'A' + r as u8);
        n = (n - 1) / 26;
    }
    s.reverse();
    String::from_utf8(s).unwrap_or_default()
}

fn file_stem(name: &str) -> &str {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    base.rsplit_once('.').map_or(base, |(s, _)| s)
}

// ---------------------------------------------------------------------------------------
// The file: format sniffing, sheets.

fn sniff(file: &str, bytes: &[u8]) -> Result<(), ImportError> {
    let fail = |ja: &str, en: &str| Err(ImportError::at(file, 0, 0, Msg::new(ja, en)));
    if bytes.is_empty() {
        return fail(
            "ファイルが空です。xlsx のブックを指定してください",
            "the file is empty; expected an xlsx workbook",
        );
    }
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        return Err(crate::workbook::xls_refused(file));
    }
    if !bytes.starts_with(b"PK\x03\x04") && !bytes.starts_with(b"PK\x05\x06") {
        let head = &bytes[..bytes.len().min(4096)];
        let text = std::str::from_utf8(head).is_ok() || head.iter().all(|b| *b >= 0x09);
        return if text && head.iter().any(|b| matches!(b, b',' | b'\t')) {
            fail(
                "テキストファイル（CSV か TSV？）で、xlsx のブックではありません。Excel で開いて .xlsx として保存してください",
                "this is a text file (CSV or TSV?), not an xlsx workbook; open it in Excel and save it as .xlsx",
            )
        } else if text {
            fail("テキストファイルで、xlsx のブックではありません", "this is a text file, not an xlsx workbook")
        } else {
            fail(
                "xlsx のブックではありません: xlsx ファイルは zip 形式ですが、このファイルは zip ではありません",
                "not an xlsx workbook: not a zip archive, as every xlsx file is",
            )
        };
    }
    let head = &bytes[..bytes.len().min(256)];
    if contains(head, b"mimetypeapplication/vnd.oasis.opendocument") {
        return fail(
            "OpenDocument のファイル（.ods）で、xlsx のブックではありません。.xlsx として保存して取り込んでください",
            "this is an OpenDocument file (.ods), not an xlsx workbook; save it as .xlsx and import that",
        );
    }
    if contains(bytes, b"xl/workbook.bin") {
        return fail(
            "バイナリ形式の Excel ブック（.xlsb）で、xlsx のブックではありません。.xlsx として保存して取り込んでください",
            "this is a binary Excel workbook (.xlsb), not an xlsx workbook; save it as .xlsx and import that",
        );
    }
    Ok(())
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// Imports the checklist sheets of one file into `b`; returns a title row, if one was seen.
#[allow(clippy::too_many_arguments)]
fn import_file(
    reader: &BookReader,
    file: &str,
    bytes: &[u8],
    opts: &XlsxOptions,
    id_prefix: &str,
    b: &mut Builder,
    report: &mut ImportReport,
    found_named: &mut [bool],
) -> Result<Option<String>, ImportError> {
    sniff(file, bytes)?;
    let book = reader.read(file, bytes, Format::Xlsx)?;
    let sheets = &book.sheets;
    let mut skipped = Vec::new();
    let mut imported = 0;
    let mut title = None;
    for (si, sheet) in sheets.iter().enumerate() {
        let named = match &opts.sheets {
            Some(names) => match names.iter().position(|n| n == &sheet.name) {
                Some(i) => {
                    found_named[i] = true;
                    true
                }
                None => continue,
            },
            None => false,
        };
        let sref = sheet_ref(file, &sheet.name);
        let (hidden_ja, hidden_en) = if sheet.hidden { ("、非表示", ", hidden") } else { ("", "") };
        let skip = |why: Msg, skipped: &mut Vec<(String, String)>| -> Result<(), ImportError> {
            if named {
                Err(ImportError::at(&sref, 0, 0, why))
            } else {
                let name = &sheet.name;
                skipped.push((format!("{name}（{}{hidden_ja}）", why.ja()), format!("{name} ({why}{hidden_en})")));
                Ok(())
            }
        };
        if !sheet.worksheet {
            let kind = &sheet.kind;
            skip(ja_en!("ワークシートではなく {kind} です", "not a worksheet but a {kind}"), &mut skipped)?;
            continue;
        }
        let range = sheet.range();
        if range.is_empty() || range.used_cells().all(|(_, _, d)| blank(d)) {
            skip(Msg::new("シートが空です", "the sheet is empty"), &mut skipped)?;
            continue;
        }
        let merges = sheet.merges();
        let grid = Grid { range: &range, merges: &merges };
        let Some(header) = find_header(&grid) else {
            skip(
                ja_en!(
                    "1〜{HEADER_SCAN_ROWS} 行目にチェックリストの見出し行がありません: {LOOKED_FOR_JA}",
                    "no checklist header in rows 1-{HEADER_SCAN_ROWS}: {LOOKED_FOR}"
                ),
                &mut skipped,
            )?;
            continue;
        };
        let ctx = SheetCtx { sref, sheet: sheet.name.clone(), id: format!("{id_prefix}s{}", si + 1) };
        if title.is_none() {
            title = grid.title_above(header.row);
        }
        import_sheet(&ctx, &grid, &header, b, report)?;
        imported += 1;
    }
    if imported == 0
        && let Some(names) = &opts.sheets
        && skipped.is_empty()
    {
        let have: Vec<&str> = sheets.iter().map(|s| s.name.as_str()).collect();
        return Err(ImportError::at(file, 0, 0, {
            let (nj, ne, hj, he) = (names.join("、"), names.join(", "), have.join("、"), have.join(", "));
            ja_en!(
                "ブックに {nj} という名前のシートはありません（シート: {hj}）",
                "no sheet named {ne} in the workbook (its sheets: {he})"
            )
        }));
    }
    if imported == 0 {
        let (ja, en) = if skipped.is_empty() {
            ("ブックにシートがありません".to_owned(), "the workbook has no sheets".to_owned())
        } else {
            (
                skipped.iter().map(|s| s.0.as_str()).collect::<Vec<_>>().join("。"),
                skipped.iter().map(|s| s.1.as_str()).collect::<Vec<_>>().join("; "),
            )
        };
        return Err(ImportError::at(
            file,
            0,
            0,
            ja_en!("チェックリストのシートが見つかりません: {ja}", "no checklist sheet found: {en}"),
        ));
    }
    report.count("sheets imported", imported);
    if !skipped.is_empty() {
        report.count("sheets skipped", skipped.len());
        for (_, s) in skipped {
            report.notes.push(format!("{file}: sheet {s} skipped"));
        }
    }
    Ok(title)
}

const LOOKED_FOR: &str = "looked for a row with a check-item column (チェック項目 / 確認項目 / 項目 / 要求事項 / 内容 / \
     遵守事項 …) and a number (No. / 番号 / 項番 …), category (区分 / 分類 / カテゴリ / 大項目 …), level (必須/推奨 …), \
     reference (参照 / 根拠 …) or result (実施済 / 回答 …) column";
const LOOKED_FOR_JA: &str = "チェック項目の列（チェック項目 / 確認項目 / 項目 / 要求事項 / 内容 / 遵守事項 …）と、番号\
     （No. / 番号 / 項番 …）、区分（区分 / 分類 / カテゴリ / 大項目 …）、水準（必須/推奨 …）、参照（参照 / 根拠 …）\
     または結果（実施済 / 回答 …）の列のある行を探しました";

// ---------------------------------------------------------------------------------------
// Cells.

struct Grid<'a> {
    range: &'a Range<Data>,
    merges: &'a [Dimensions],
}

fn blank(d: &Data) -> bool {
    match d {
        Data::Empty => true,
        Data::String(s) => s.trim().is_empty(),
        _ => false,
    }
}

/// A cell's text, verbatim except for line breaks (`\n`), trailing white space on each line
/// and the cell's leading and trailing white space.
pub fn cell_text(s: &str) -> String {
    let s = s.replace("\r\n", "\n").replace('\r', "\n");
    let lines: Vec<&str> = s.split('\n').map(str::trim_end).collect();
    lines.join("\n").trim().to_owned()
}

/// Collapses all white space (line breaks included) to single spaces: for one-line forms.
fn one_line(s: &str) -> String {
    crate::text::squeeze(s)
}

impl Grid<'_> {
    /// Rows of the used range (only called on non-empty sheets; an empty one gives row 0).
    fn rows(&self) -> std::ops::RangeInclusive<u32> {
        let (s, e) = (self.range.start().unwrap_or_default(), self.range.end().unwrap_or_default());
        s.0..=e.0
    }
    fn cols(&self) -> std::ops::RangeInclusive<u32> {
        let (s, e) = (self.range.start().unwrap_or_default(), self.range.end().unwrap_or_default());
        s.1..=e.1
    }
    fn data(&self, r: u32, c: u32) -> &Data {
        self.range.get_value((r, c)).unwrap_or(&Data::Empty)
    }
    fn merge(&self, r: u32, c: u32) -> Option<&Dimensions> {
        self.merges.iter().find(|d| d.contains(r, c))
    }
    /// The cell's own text (not through merges).
    fn text(&self, r: u32, c: u32) -> Option<String> {
        let d = self.data(r, c);
        if blank(d) {
            return None;
        }
        let t = match d {
            Data::String(s) => cell_text(s),
            Data::Float(f) => float_text(*f),
            other => other.to_string(),
        };
        (!t.is_empty()).then_some(t)
    }
    /// The cell's text, or, for a blank cell inside a merged region, the region's text.
    fn text_merged(&self, r: u32, c: u32) -> Option<String> {
        self.text(r, c).or_else(|| {
            let m = self.merge(r, c)?;
            if m.start == (r, c) { None } else { self.text(m.start.0, m.start.1) }
        })
    }
    fn title_above(&self, header_row: u32) -> Option<String> {
        self.rows().take_while(|r| *r < header_row).flat_map(|r| self.cols().map(move |c| (r, c))).find_map(|(r, c)| {
            match self.data(r, c) {
                Data::String(_) => self.text(r, c).map(|t| one_line(&t)),
                _ => None,
            }
        })
    }
}

fn float_text(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 { format!("{}", f as i64) } else { format!("{f}") }
}

// ---------------------------------------------------------------------------------------
// Header detection.

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Role {
    Number,
    Category,
    Topic,
    Text,
    Level,
    Reference,
    Result,
}

impl Role {
    fn ja(self) -> &'static str {
        match self {
            Role::Number => "number",
            Role::Category => "category",
            Role::Topic => "topic",
            Role::Text => "check item",
            Role::Level => "level",
            Role::Reference => "reference",
            Role::Result => "result (ignored)",
        }
    }
}

/// Terms per role, in the order ties between contained terms are broken.
const TERMS: &[(Role, &[&str])] = &[
    (
        Role::Result,
        &[
            "実施済",
            "実施済み",
            "実施",
            "未実施",
            "実施状況",
            "実施内容",
            "実施有無",
            "対応状況",
            "対応内容",
            "対応済",
            "状況",
            "回答",
            "回答欄",
            "yes/no",
            "はい/いいえ",
            "可否",
            "○×",
            "〇×",
            "○/×",
            "結果",
            "確認結果",
            "評価",
            "自己評価",
            "判定",
            "備考",
            "コメント",
            "記入欄",
            "チェック",
            "チェック欄",
            "確認",
            "確認欄",
            "証跡",
            "エビデンス",
            "根拠資料",
            "担当",
            "担当者",
            "期限",
            "目標日",
            "完了日",
            "初回確認",
            "対応予定",
            "実施日",
            "確認日",
            "answer",
            "status",
            "yes",
            "comment",
            "remarks",
            "evidence",
            "✓",
            "☑",
        ],
    ),
    (
        Role::Reference,
        &[
            "参照",
            "根拠",
            "ガイドライン該当箇所",
            "該当箇所",
            "記載箇所",
            "参照箇所",
            "参照先",
            "出典",
            "根拠規定",
            "関連箇所",
            "関連条項",
            "ガイドライン",
            "ガイドライン参照",
            "reference",
            "ref",
        ],
    ),
    (
        Role::Level,
        &[
            "必須/推奨",
            "最低限/推奨",
            "遵守/推奨",
            "c/d",
            "必須",
            "推奨",
            "レベル",
            "重要度",
            "優先度",
            "要求レベル",
            "対応レベル",
            "level",
        ],
    ),
    (
        Role::Number,
        &[
            "no",
            "番号",
            "項番",
            "項目番号",
            "通番",
            "連番",
            "#",
            "項目no",
            "チェックno",
            "整理番号",
            "管理番号",
            "number",
            "id",
            "項目id",
        ],
    ),
    (
        Role::Category,
        &[
            "区分",
            "分類",
            "カテゴリ",
            "カテゴリー",
            "大項目",
            "大分類",
            "対策区分",
            "項目区分",
            "安全管理対策",
            "対策分類",
            "領域",
            "分野",
            "category",
        ],
    ),
    (Role::Topic, &["中項目", "小項目", "中分類", "小分類", "サブカテゴリ", "観点", "topic", "subcategory"]),
    (
        Role::Text,
        &[
            "チェック項目",
            "確認項目",
            "項目",
            "要求事項",
            "内容",
            "遵守事項",
            "確認内容",
            "チェック内容",
            "確認事項",
            "質問",
            "質問項目",
            "質問事項",
            "設問",
            "要件",
            "要求内容",
            "対策内容",
            "管理策",
            "対策",
            "対策項目",
            "評価項目",
            "点検項目",
            "項目内容",
            "項目名",
            "チェックリスト項目",
            "requirement",
            "item",
            "checkitem",
            "question",
            "control",
        ],
    ),
];

/// The key header cells and terms are compared by.
fn header_key(s: &str) -> String {
    s.nfkc()
        .flat_map(char::to_lowercase)
        .filter(|c| {
            !c.is_whitespace()
                && !matches!(
                    c,
                    '.' | ':'
                        | '*'
                        | '※'
                        | '('
                        | ')'
                        | '['
                        | ']'
                        | '【'
                        | '】'
                        | '「'
                        | '」'
                        | '『'
                        | '』'
                        | '〔'
                        | '〕'
                )
        })
        .collect()
}

struct Term {
    role: Role,
    key: String,
    /// Whether a cell that merely contains the term matches it (too short or too common
    /// Latin terms like `no` and `id` only match exactly).
    partial: bool,
}

static TERM_KEYS: LazyLock<Vec<Term>> = LazyLock::new(|| {
    TERMS
        .iter()
        .flat_map(|(role, terms)| {
            terms.iter().map(|t| {
                let key = header_key(t);
                let partial = if key.is_ascii() { key.len() >= 4 } else { key.chars().count() >= 2 };
                Term { role: *role, key, partial }
            })
        })
        .collect()
});

#[derive(Debug, Clone, Copy)]
struct Match {
    role: Role,
    exact: bool,
}

fn classify(cell: &str) -> Option<Match> {
    let full = header_key(cell);
    if full.is_empty() {
        return None;
    }
    // What is in brackets qualifies the name: `チェック項目（最低限のガイドライン）`.
    let core = header_key(&without_brackets(cell));
    let key = if core.is_empty() { full.clone() } else { core };
    for k in [&full, &key] {
        if let Some(t) = TERM_KEYS.iter().find(|t| &t.key == k) {
            return Some(Match { role: t.role, exact: true });
        }
    }
    if key.chars().count() > 24 {
        return None;
    }
    // Japanese compounds end with their head noun, so the term that ends last wins, then the
    // longest: `ガイドラインの要求事項` is a check item, `チェック項目番号` a number.
    let mut best: Option<(&Term, usize, usize)> = None;
    for t in TERM_KEYS.iter().filter(|t| t.partial) {
        let Some(pos) = key.rfind(&t.key) else { continue };
        let (end, len) = (pos + t.key.len(), t.key.len());
        if best.is_none_or(|(_, e, l)| end > e || (end == e && len > l)) {
            best = Some((t, end, len));
        }
    }
    best.map(|(t, _, _)| Match { role: t.role, exact: false })
}

/// The text without bracketed parts (after NFKC, so full-width brackets count).
fn without_brackets(s: &str) -> String {
    let mut out = String::new();
    let mut depth = 0usize;
    for c in s.nfkc() {
        match c {
            '(' | '[' | '【' | '「' | '『' | '〔' | '<' => depth += 1,
            ')' | ']' | '】' | '」' | '』' | '〕' | '>' => depth = depth.saturating_sub(1),
            c if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

#[derive(Debug, Clone)]
struct Column {
    role: Role,
    first: u32,
    last: u32,
    header: String,
}

#[derive(Debug, Clone)]
struct Header {
    /// 0-based row of the header (the upper one when there are sub-headers).
    row: u32,
    /// 0-based first data row.
    data_start: u32,
    columns: Vec<Column>,
    /// Header cells nobody recognised: (column, text).
    unknown: Vec<(u32, String)>,
}

impl Header {
    fn of(&self, role: Role) -> impl Iterator<Item = &Column> {
        self.columns.iter().filter(move |c| c.role == role)
    }
    fn first(&self, role: Role) -> Option<&Column> {
        self.of(role).next()
    }
    /// The role of the column `c`, if any.
    /// Whether column `c` holds nothing a heading row could be told apart by: no recognised
    /// kind, a reference or result column, or a number column after the first.
    fn is_secondary(&self, c: u32) -> bool {
        let first_number = self.first(Role::Number).map(|col| col.first);
        match self.columns.iter().find(|col| col.first <= c && c <= col.last) {
            None => true,
            Some(col) => match col.role {
                Role::Reference | Role::Result => true,
                Role::Number => Some(col.first) != first_number,
                _ => false,
            },
        }
    }
    fn role_at(&self, c: u32) -> Option<Role> {
        self.columns.iter().find(|col| col.first <= c && c <= col.last).map(|col| col.role)
    }
}

/// The header of one row: its columns, and a score (None if it is no checklist header).
fn header_at(grid: &Grid, r: u32) -> Option<(i32, Header)> {
    let mut columns = Vec::new();
    let mut unknown = Vec::new();
    let mut score = 0;
    for c in grid.cols() {
        let Data::String(s) = grid.data(r, c) else { continue };
        let text = one_line(s);
        if text.is_empty() {
            continue;
        }
        let last = grid.merge(r, c).filter(|m| m.start == (r, c)).map_or(c, |m| m.end.1);
        match classify(&text) {
            Some(m) => {
                score += if m.exact { 3 } else { 1 };
                columns.push(Column { role: m.role, first: c, last, header: text });
            }
            None => {
                score -= 1;
                unknown.push((c, text));
            }
        }
    }
    promote_text(&mut columns);
    let has = |role| columns.iter().any(|c: &Column| c.role == role);
    if !has(Role::Text) || !columns.iter().any(|c| c.role != Role::Text) {
        return None;
    }
    Some((score, Header { row: r, data_start: r + 1, columns, unknown }))
}

/// Without a check-item column but with several category and topic columns (大項目 | 中項目 |
/// 小項目), the right-most of them holds the items.
fn promote_text(columns: &mut [Column]) {
    let grouping = |c: &Column| matches!(c.role, Role::Category | Role::Topic);
    if columns.iter().any(|c| c.role == Role::Text) {
        return;
    }
    if columns.iter().filter(|c| grouping(c)).count() >= 2
        && let Some(c) = columns.iter_mut().rev().find(|c| grouping(c))
    {
        c.role = Role::Text;
    }
}

fn find_header(grid: &Grid) -> Option<Header> {
    let rows = grid.rows();
    let first = *rows.start();
    let mut best: Option<(i32, Header)> = None;
    for r in rows.take_while(|r| *r < first + HEADER_SCAN_ROWS) {
        if let Some((score, h)) = header_at(grid, r)
            && best.as_ref().is_none_or(|(s, _)| score > *s)
        {
            best = Some((score, h));
        }
    }
    let (_, mut h) = best?;
    sub_headers(grid, &mut h);
    let r = h.row;
    // Header cells merged down push the data start below them.
    for col in &h.columns {
        if let Some(m) = grid.merge(r, col.first).filter(|m| m.start == (r, col.first)) {
            h.data_start = h.data_start.max(m.end.0 + 1);
        }
    }
    reclassify_levels(grid, &mut h);
    resolve_duplicates(&mut h);
    Some(h)
}

/// A header cell merged across columns whose row below names the columns (`チェック欄` over
/// `実施済` | `実施内容`): the sub-headers decide those columns.
fn sub_headers(grid: &Grid, h: &mut Header) {
    let below = h.row + 1;
    let mut replaced = Vec::new();
    let mut any = false;
    for col in &h.columns {
        if col.first == col.last {
            replaced.push(col.clone());
            continue;
        }
        let mut subs = Vec::new();
        for c in col.first..=col.last {
            if let Some(t) = grid.text(below, c).map(|t| one_line(&t))
                && let Some(m) = classify(&t)
            {
                subs.push(Column { role: m.role, first: c, last: c, header: format!("{} / {t}", col.header) });
            }
        }
        if subs.is_empty() {
            replaced.push(col.clone());
            continue;
        }
        any = true;
        // Columns of the span without a sub-header keep the parent's role.
        let mut c = col.first;
        for s in subs {
            if s.first > c {
                replaced.push(Column { role: col.role, first: c, last: s.first - 1, header: col.header.clone() });
            }
            c = s.last + 1;
            replaced.push(s);
        }
        if c <= col.last {
            replaced.push(Column { role: col.role, first: c, last: col.last, header: col.header.clone() });
        }
    }
    if any {
        promote_text(&mut replaced);
        h.columns = replaced;
        h.data_start = h.data_start.max(below + 1);
    }
}

/// A `区分` column holding only levels (`C`/`D`, `必須`/`推奨`) is a level column.
fn reclassify_levels(grid: &Grid, h: &mut Header) {
    let end = *grid.rows().end();
    for col in h.columns.iter_mut().filter(|c| c.role == Role::Category) {
        let mut values = (h.data_start..=end).filter_map(|r| grid.text(r, col.first)).peekable();
        if values.peek().is_some() && values.all(|v| parse_level(&v).is_some()) {
            col.role = Role::Level;
        }
    }
}

/// One number, one category and one level column drive the import; further category
/// columns are topics, further number and level columns are kept as references.
fn resolve_duplicates(h: &mut Header) {
    for (role, extra) in
        [(Role::Number, Role::Reference), (Role::Level, Role::Reference), (Role::Category, Role::Topic)]
    {
        let mut seen = false;
        for col in h.columns.iter_mut().filter(|c| c.role == role) {
            if seen {
                col.role = extra;
            }
            seen = true;
        }
    }
}

fn describe(h: &Header) -> String {
    let mut parts: Vec<String> = h
        .columns
        .iter()
        .map(|c| {
            let cols = if c.first == c.last {
                column_name(c.first)
            } else {
                format!("{}-{}", column_name(c.first), column_name(c.last))
            };
            format!("{cols} {} = {}", c.header, c.role.ja())
        })
        .collect();
    parts.extend(h.unknown.iter().map(|(c, t)| format!("{} {t} = not recognised, ignored", column_name(*c))));
    parts.join(", ")
}

// ---------------------------------------------------------------------------------------
// Numbers.

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Style {
    Paren,
    HalfParen,
    Circled,
    CircledKana,
    Kana,
    ParenKana,
    Alpha,
    ParenAlpha,
    Roman,
}

impl Style {
    fn id(self) -> &'static str {
        match self {
            Style::Paren => "p",
            Style::HalfParen => "h",
            Style::Circled => "m",
            Style::CircledKana => "mk",
            Style::Kana => "k",
            Style::ParenKana => "pk",
            Style::Alpha => "a",
            Style::ParenAlpha => "pa",
            Style::Roman => "r",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum NumKey {
    /// `1`, `1.`, `1-1`, `1.1.2`, `A-1`: an ASCII-letter prefix and the numbers.
    Path {
        prefix: String,
        parts: Vec<u32>,
    },
    Styled {
        style: Style,
        n: u32,
    },
    /// A word after a number, as sansho's export prints a sub-heading item (`7 利用者`).
    Word(String),
}

#[derive(Debug, Clone)]
struct Num {
    key: NumKey,
    /// As printed (one line).
    printed: String,
    /// For a number printed with its parent's (`7 (1)`, `7 利用者 (1)`, `1 ①`, as sansho's
    /// export prints them): the parent's number, [`number_key`]-folded.
    parent: Option<String>,
}

/// How printed numbers are compared: NFKC, dashes folded, no white space.
fn number_key(s: &str) -> String {
    crate_fold(s).chars().filter(|c| !c.is_whitespace()).collect()
}

/// A number printed after its parent's, separated by white space: the first word a path
/// number, the last a styled number or a short word (no digits, no sentence punctuation).
fn parse_with_parent(printed: &str) -> Option<Num> {
    let tokens: Vec<&str> = printed.split_whitespace().collect();
    let [first, .., last] = tokens[..] else { return None };
    if !matches!(parse_number_text(first)?.key, NumKey::Path { .. }) {
        return None;
    }
    let key = match parse_number_text(last) {
        Some(Num { key: key @ NumKey::Styled { .. }, parent: None, .. }) => key,
        Some(_) => return None,
        None if last.chars().count() <= 12
            && !last
                .chars()
                .any(|c| c.is_numeric() || matches!(c, '。' | '、' | '，' | '．' | ',' | '.' | '(' | ')')) =>
        {
            NumKey::Word(last.to_owned())
        }
        None => return None,
    };
    let parent = number_key(&tokens[..tokens.len() - 1].join(" "));
    Some(Num { key, printed: printed.to_owned(), parent: Some(parent) })
}

const KANA: &str = "アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワヲン";

fn kana_index(c: char) -> Option<u32> {
    // Hiragana → katakana.
    let c = if ('\u{3041}'..='\u{3096}').contains(&c) { char::from_u32(c as u32 + 0x60)? } else { c };
    KANA.chars().position(|k| k == c).map(|i| i as u32 + 1)
}

static PATH_RE: Lazy<Regex> = lazy_regex!(r"^([A-Za-z]{1,5})?[-.]?(\d{1,6}(?:[-.]\d{1,6})*)[.、]?$");

/// A path whose later parts are bracketed or circled, as the MHLW cyber-security checklists
/// number their items: `1-(1)`, `2-(3)-①` (after NFKC `①` is `1`), `8.(1)`.
static COMPOUND_RE: Lazy<Regex> =
    lazy_regex!(r"^([A-Za-z]{1,5})?[-.]?(\d{1,6}(?:[-.]?\(\d{1,6}\)|[-.]\d{1,6})+)[.、]?$");

static DIGITS_RE: Lazy<Regex> = lazy_regex!(r"\d+");

fn parse_number(d: &Data) -> Option<Num> {
    match d {
        Data::Int(n) => {
            let n = u32::try_from(*n).ok()?;
            Some(Num {
                key: NumKey::Path { prefix: String::new(), parts: vec![n] },
                printed: n.to_string(),
                parent: None,
            })
        }
        Data::Float(f) if *f >= 0.0 => parse_number_text(&float_text(*f)),
        Data::String(s) => parse_number_text(s),
        _ => None,
    }
}

fn parse_number_text(s: &str) -> Option<Num> {
    let printed = one_line(s);
    if let Some(num) = parse_with_parent(&printed) {
        return Some(num);
    }
    let styled = |style, n| Some(Num { key: NumKey::Styled { style, n }, printed: printed.clone(), parent: None });
    let mut chars = printed.chars();
    if let (Some(c), None) = (chars.next(), chars.next()) {
        let u = c as u32;
        match u {
            0x2460..=0x2473 => return styled(Style::Circled, u - 0x2460 + 1),
            0x3251..=0x325F => return styled(Style::Circled, u - 0x3251 + 21),
            0x32B1..=0x32BF => return styled(Style::Circled, u - 0x32B1 + 36),
            0x24F5..=0x24FE => return styled(Style::Circled, u - 0x24F5 + 1),
            0x32D0..=0x32FE => return styled(Style::CircledKana, u - 0x32D0 + 1),
            0x2160..=0x216B => return styled(Style::Roman, u - 0x2160 + 1),
            0x2170..=0x217B => return styled(Style::Roman, u - 0x2170 + 1),
            _ => {}
        }
    }
    let t: String = crate_fold(&printed).chars().filter(|c| !c.is_whitespace()).collect();
    if let Some(caps) = PATH_RE.captures(&t) {
        let prefix = caps.get(1).map_or("", |m| m.as_str()).to_owned();
        let parts: Option<Vec<u32>> = caps[2].split(['-', '.']).map(|p| p.parse().ok()).collect();
        return Some(Num { key: NumKey::Path { prefix, parts: parts? }, printed, parent: None });
    }
    if let Some(caps) = COMPOUND_RE.captures(&t) {
        let prefix = caps.get(1).map_or("", |m| m.as_str()).to_owned();
        let parts: Option<Vec<u32>> = DIGITS_RE.find_iter(&caps[2]).map(|m| m.as_str().parse().ok()).collect();
        return Some(Num { key: NumKey::Path { prefix, parts: parts? }, printed, parent: None });
    }
    let inner = |open: char, close: &[char]| -> Option<&str> {
        let rest = t.strip_prefix(open)?;
        close.iter().find_map(|c| rest.strip_suffix(*c))
    };
    if let Some(n) = inner('(', &[')']).and_then(|x| x.parse().ok()) {
        return styled(Style::Paren, n);
    }
    if let Some(n) = t.strip_suffix(')').and_then(|x| x.parse().ok()) {
        return styled(Style::HalfParen, n);
    }
    let single = |x: &str| -> Option<char> {
        let mut cs = x.chars();
        match (cs.next(), cs.next()) {
            (Some(c), None) => Some(c),
            _ => None,
        }
    };
    let alpha = |c: char| c.is_ascii_alphabetic().then(|| c.to_ascii_lowercase() as u32 - 'a' as u32 + 1);
    if let Some(c) = inner('(', &[')']).and_then(single) {
        if let Some(n) = kana_index(c) {
            return styled(Style::ParenKana, n);
        }
        if let Some(n) = alpha(c) {
            return styled(Style::ParenAlpha, n);
        }
    }
    let bare = t.strip_suffix(['.', ')', '、']).unwrap_or(&t);
    if let Some(c) = single(bare) {
        if let Some(n) = kana_index(c) {
            return styled(Style::Kana, n);
        }
        if let Some(n) = alpha(c) {
            return styled(Style::Alpha, n);
        }
    }
    None
}

/// NFKC plus the dash variants folded to `-` (as [`sansho_core::label::fold`], without
/// lower-casing, which the number prefixes keep).
fn crate_fold(s: &str) -> String {
    s.nfkc()
        .map(|c| match c {
            '‐' | '‑' | '‒' | '–' | '—' | '―' | '−' | 'ー' => '-',
            c => c,
        })
        .collect()
}

// ---------------------------------------------------------------------------------------
// Levels and categories.

/// A level as users write it: 必須 / 遵守 / 最低限 / C, 推奨 / D, 参考 / 任意.
fn parse_level(s: &str) -> Option<Level> {
    let k = header_key(s);
    let mandatory = [
        "c",
        "必須",
        "遵守",
        "遵守事項",
        "最低限",
        "最低限のガイドライン",
        "実施すべき",
        "mandatory",
        "must",
        "required",
    ];
    let recommended = ["d", "推奨", "推奨事項", "推奨されるガイドライン", "推奨される", "recommended", "should"];
    let informative = ["参考", "任意", "informative"];
    if mandatory.contains(&k.as_str())
        || k.starts_with("必須")
        || k.starts_with("最低限")
        || k.starts_with("実施すべき")
    {
        Some(Level::Mandatory)
    } else if recommended.contains(&k.as_str()) || k.starts_with("推奨") {
        Some(Level::Recommended)
    } else if informative.contains(&k.as_str()) {
        Some(Level::Informative)
    } else {
        None
    }
}

static LEADING_NUMBER: Lazy<Regex> = lazy_regex!(r"^(?:\d+[.、)]?|\(\d+\)|[①-⑳])\s*");

fn category_of(text: &str) -> Category {
    let line = one_line(text);
    let folded: String = line.nfkc().collect();
    let folded = folded.trim_start_matches(['【', '[', '■', '●', '◆', '・']);
    let bare = LEADING_NUMBER.replace(folded, "");
    Category::from_ja(&bare).unwrap_or(Category::Other(line))
}

// ---------------------------------------------------------------------------------------
// Building the tree.

#[derive(Debug, Default)]
struct Builder {
    nodes: Vec<Requirement>,
    meta: Vec<Meta>,
}

#[derive(Debug, Clone, Default)]
struct Meta {
    key: Option<NumKey>,
    /// The number as printed, [`number_key`]-folded.
    printed: String,
    /// 0-based row where the node starts, for messages.
    row: u32,
    /// Depth below the scope (section or sheet): 1 for items.
    depth: usize,
}

impl Builder {
    fn push(&mut self, r: Requirement, meta: Meta) -> usize {
        self.nodes.push(r);
        self.meta.push(meta);
        self.nodes.len() - 1
    }
    fn extend_to(&mut self, i: usize, row1: u32) {
        if let Some(p) = self.nodes[i].provenance.first_mut() {
            p.end_line = p.end_line.max(row1);
        }
    }
}

struct SheetCtx {
    /// `file#sheet` as written in provenance and errors.
    sref: String,
    sheet: String,
    /// The sheet node's id, e.g. `s2`.
    id: String,
}

impl SheetCtx {
    /// An error at a 0-based cell.
    fn err(&self, r: u32, c: u32, msg: impl IntoMsg) -> ImportError {
        ImportError::at(&self.sref, r as usize + 1, c as usize + 1, msg)
    }
    fn prov(&self, r: u32) -> Provenance {
        Provenance::line(self.sref.clone(), r + 1)
    }
    fn local_id(&self, id: &str, r: u32, c: u32) -> Result<LocalId, ImportError> {
        LocalId::parse(id).map_err(|e| {
            self.err(r, c, ja_en!("内部エラー: ID を作れません（{e}）", "internal error: cannot make an id: {e}"))
        })
    }
}

/// The values of one data row, read through the header.
#[derive(Debug, Default)]
struct RowValues {
    /// The number cell's own data and column.
    number: Option<(Data, u32)>,
    /// The number cell is blank and inside a number cell merged down from above.
    number_merged_from_above: bool,
    /// The category column: (own text, text through a merge from above).
    category: (Option<String>, Option<String>),
    /// Topic columns: their text, own or through a merge from above.
    topics: Vec<Option<String>>,
    /// Check-item columns, left to right.
    texts: Vec<Option<String>>,
    level: Option<(String, u32)>,
    refs: Vec<String>,
    /// Any own value in a number, category, check-item, level or reference column.
    has_content: bool,
}

fn read_row(grid: &Grid, h: &Header, ctx: &SheetCtx, r: u32) -> Result<RowValues, ImportError> {
    let mut v = RowValues::default();
    for col in &h.columns {
        if col.role == Role::Result {
            continue;
        }
        for c in col.first..=col.last {
            if let Data::Error(e) = grid.data(r, c) {
                return Err(ctx.err(r, c, {
                    let (column, header) = (column_name(c), &col.header);
                    ja_en!(
                        "セルが Excel のエラー値 {e} です（{column} 列、{header}）。直すか、値を入力してください",
                        "the cell holds the Excel error {e} (column {column}, {header}); fix it or type the value"
                    )
                }));
            }
        }
        let own: Vec<String> = (col.first..=col.last).filter_map(|c| grid.text(r, c)).collect();
        let own_joined = (!own.is_empty()).then(|| own.join("\n"));
        v.has_content |= own_joined.is_some();
        let through_merge = || (col.first..=col.last).find_map(|c| grid.text_merged(r, c));
        match col.role {
            Role::Number => {
                let cell = (col.first..=col.last).find(|&c| !blank(grid.data(r, c)));
                v.number = cell.map(|c| (grid.data(r, c).clone(), c));
                if cell.is_none() {
                    v.number_merged_from_above = grid
                        .merge(r, col.first)
                        .is_some_and(|m| m.start.0 < r && grid.text(m.start.0, m.start.1).is_some());
                }
            }
            Role::Category => {
                let merged = if own_joined.is_none() { through_merge() } else { None };
                v.category = (own_joined, merged);
            }
            Role::Topic => v.topics.push(own_joined.or_else(through_merge)),
            Role::Text => v.texts.push(own_joined),
            Role::Level => {
                if let Some(t) = own_joined.or_else(through_merge) {
                    v.level = Some((t, col.first));
                }
            }
            Role::Reference => {
                if let Some(t) = own_joined.or_else(through_merge) {
                    v.refs.push(format!("{}: {}", col.header, one_line(&t)));
                }
            }
            Role::Result => {}
        }
    }
    Ok(v)
}

/// Per-sheet state while walking the rows.
struct Walk {
    sheet: usize,
    /// The current category section, its value and its sub-category values.
    group: Option<(usize, String)>,
    groups: usize,
    sub_values: Vec<Option<String>>,
    /// Open items, outermost first.
    stack: Vec<usize>,
    last_item: Option<usize>,
    seq: u32,
    /// Path numbers seen per scope, and styled numbers per parent: key → 0-based row.
    paths: HashMap<(usize, String, Vec<u32>), u32>,
    styled: HashMap<(usize, Style, u32), u32>,
    words: HashMap<(usize, String), u32>,
    ids: HashMap<String, u32>,
    items: Vec<usize>,
}

impl Walk {
    fn scope(&self) -> usize {
        self.group.as_ref().map_or(self.sheet, |(g, _)| *g)
    }
}

/// The error of a number cell that cannot be read, saying which numberings are understood (and,
/// for a cell Excel turned into a date, how to type the number again).
fn unreadable_number(ctx: &SheetCtx, h: &Header, r: u32, c: u32, d: &Data, shown: &str) -> ImportError {
    let (shown, column) = (one_line(shown), column_name(c));
    let header = h.first(Role::Number).map_or("", |c| c.header.as_str());
    let (dj, de) = if matches!(d, Data::DateTime(_) | Data::DateTimeIso(_)) {
        (
            "。セルが日付になっています（Excel は 1-1 と入力すると 1月1日 にします）: 列の書式を文字列にして\
             番号を入力し直してください",
            "; the cell holds a date (Excel turns a typed 1-1 into 1月1日): format the column \
             as text and type the number again",
        )
    } else {
        ("", "")
    };
    ctx.err(
        r,
        c,
        ja_en!(
            "{column} 列（{header}）の番号 {shown:?} を読めません。1、1.、1-1、1.1、A-1、1-(1)、\
             2-(3)-①、(1)、1)、①、ア、(ア)、a、(a) のような番号を書いてください{dj}",
            "cannot read the number {shown:?} in column {column} ({header}); expected a number such \
             as 1, 1., 1-1, 1.1, A-1, 1-(1), 2-(3)-①, (1), 1), ①, ア, (ア), a or (a){de}"
        ),
    )
}

/// A sheet once walked: it has check items, each with its text; a category with no item under
/// it is dropped, and the report says so.
fn check_sheet(
    ctx: &SheetCtx,
    h: &Header,
    b: &mut Builder,
    items: &[usize],
    (sheet, text_col): (usize, u32),
    report: &mut ImportReport,
) -> Result<(), ImportError> {
    if items.is_empty() {
        return Err(ImportError::at(&ctx.sref, 0, 0, {
            let row = h.row + 1;
            ja_en!(
                "見出しは {row} 行目にありますが、その下にチェック項目がありません",
                "the header is on row {row} but there are no check items below it"
            )
        }));
    }
    for &i in items {
        let n = &b.nodes[i];
        if n.text.is_none() && n.title.is_none() {
            return Err(ctx.err(b.meta[i].row, text_col, {
                let (label, column) = (&n.label, column_name(text_col));
                let header = h.first(Role::Text).map_or("", |c| c.header.as_str());
                ja_en!(
                    "項目 {label} にチェック項目の文がありません（{column} 列、{header}）",
                    "item {label} has no check-item text (column {column}, {header})"
                )
            }));
        }
    }
    // A category with no item under it (a footnote in the category column, a heading
    // whose items were left out) is not a node: say so instead.
    for g in (sheet + 1..b.nodes.len()).rev() {
        let id = &b.nodes[g].id;
        if b.nodes[g].kind == NodeKind::Section && !b.nodes.iter().any(|n| n.parent.as_ref() == Some(id)) {
            let text = one_line(b.nodes[g].title.as_deref().unwrap_or_default());
            report
                .reject(b.meta[g].row + 1, format!("{}: {text:?} has no check items under it: not imported", ctx.sref));
            b.nodes.remove(g);
            b.meta.remove(g);
        }
    }
    Ok(())
}

fn import_sheet(
    ctx: &SheetCtx,
    grid: &Grid,
    h: &Header,
    b: &mut Builder,
    report: &mut ImportReport,
) -> Result<(), ImportError> {
    report.notes.push(format!("{}: header on row {}: {}", ctx.sref, h.row + 1, describe(h)));
    let sheet_id = ctx.local_id(&ctx.id, h.row, 0)?;
    let mut sheet_node = Requirement::new(sheet_id, NodeKind::Chapter, ctx.sheet.clone());
    sheet_node.title = Some(ctx.sheet.clone());
    sheet_node.provenance = vec![ctx.prov(h.row)];
    let sheet = b.push(sheet_node, Meta { row: h.row, ..Meta::default() });
    let mut w = Walk {
        sheet,
        group: None,
        groups: 0,
        sub_values: vec![None; h.of(Role::Topic).count()],
        stack: Vec::new(),
        last_item: None,
        seq: 0,
        paths: HashMap::new(),
        styled: HashMap::new(),
        words: HashMap::new(),
        ids: HashMap::new(),
        items: Vec::new(),
    };
    let number_col = h.first(Role::Number).map(|c| c.first);
    let text_col = h.first(Role::Text).map_or(0, |c| c.first);
    let end = *grid.rows().end();
    for r in h.data_start..=end {
        let nonblank: Vec<u32> = grid.cols().filter(|&c| !blank(grid.data(r, c))).collect();
        if nonblank.is_empty() {
            continue;
        }
        if is_repeated_header(grid, h, r) {
            report.count("repeated header rows", 1);
            continue;
        }
        // A heading row: one cell, merged across the columns of several kinds (what else the row
        // holds is only in reference or result columns, or unrecognised ones: sansho's own
        // export writes the section's id in a hidden last column).
        let primary: Vec<u32> = nonblank.iter().copied().filter(|&c| !h.is_secondary(c)).collect();
        if let [c] = primary[..]
            && let Some(m) = grid.merge(r, c).filter(|m| m.start == (r, c) && m.end.1 > c)
            && spans_roles(h, m.start.1, m.end.1)
            && let Some(t) = grid.text(r, c)
        {
            report.rows_read += 1;
            start_group(ctx, b, &mut w, r, &t)?;
            report.count("heading rows", 1);
            continue;
        }
        let v = read_row(grid, h, ctx, r)?;
        if !v.has_content {
            continue;
        }
        report.rows_read += 1;
        // A note below or inside the table: only a non-number in the number column.
        if let (Some((d, c)), [only]) = (&v.number, &nonblank[..])
            && *c == *only
            && parse_number(d).is_none()
        {
            let text = grid.text(r, *c).unwrap_or_default();
            report.reject(
                r + 1,
                format!(
                    "{}: {:?} alone in the number column: taken as a note, not imported",
                    ctx.sref,
                    one_line(&text)
                ),
            );
            continue;
        }
        // Categories.
        let cat = v.category.0.clone().or_else(|| v.category.1.clone());
        if let Some(cat) = cat
            && w.group.as_ref().is_none_or(|(_, cur)| one_line(cur) != one_line(&cat))
        {
            start_group(ctx, b, &mut w, r, &cat)?;
        }
        for (slot, t) in w.sub_values.iter_mut().zip(&v.topics) {
            if t.is_some() {
                slot.clone_from(t);
            }
        }
        if let Some((g, _)) = w.group {
            b.extend_to(g, r + 1);
        }
        let has_text = v.texts.iter().any(Option::is_some);
        match (number_col, &v.number) {
            (Some(_), Some((d, c))) => {
                // A number printed with its category in front (`技術的安全対策 7` under the category
                // `技術的`, as lists of labels print them) is read without it.
                let num = parse_number(d).or_else(|| {
                    let text = one_line(&grid.text(r, *c)?);
                    let (g, _) = w.group.as_ref()?;
                    let category = b.nodes[*g].label.as_str();
                    let (head, rest) = text.split_once(' ')?;
                    if !(head.starts_with(category) || category.starts_with(head)) {
                        return None;
                    }
                    parse_number_text(rest).map(|n| Num { printed: rest.to_owned(), ..n })
                });
                let Some(num) = num else {
                    return Err(unreadable_number(ctx, h, r, *c, d, &grid.text(r, *c).unwrap_or_default()));
                };
                add_item(ctx, h, b, &mut w, r, *c, Some(num), &v)?;
            }
            (Some(nc), None) => {
                if !has_text && v.level.is_none() && v.refs.is_empty() {
                    continue; // a category row
                }
                match w.last_item {
                    Some(i) if has_text || v.number_merged_from_above => {
                        continue_item(b, i, r, &v);
                        report.count("continuation rows", 1);
                    }
                    Some(_) => {}
                    None if has_text => report.reject(
                        r + 1,
                        format!(
                            "{}: text without a number (column {}) before the first item of its section: not imported; \
                             give it a number to import it",
                            ctx.sref,
                            column_name(nc)
                        ),
                    ),
                    None => {}
                }
            }
            (None, _) => {
                if has_text {
                    add_item(ctx, h, b, &mut w, r, text_col, None, &v)?;
                }
            }
        }
    }
    check_sheet(ctx, h, b, &w.items, (sheet, text_col), report)?;
    let end = b.nodes[sheet + 1..].iter().filter_map(|n| n.provenance.first()).map(|p| p.end_line).max();
    b.extend_to(sheet, end.unwrap_or(h.row + 1));
    report.count(format!("{} items", ctx.sref), w.items.len());
    Ok(())
}

fn is_repeated_header(grid: &Grid, h: &Header, r: u32) -> bool {
    let matches = |role: Role| {
        h.first(role).is_some_and(|col| {
            grid.text(r, col.first).and_then(|t| classify(&one_line(&t))).is_some_and(|m| m.role == role)
        })
    };
    matches(Role::Text) && (matches(Role::Number) || matches(Role::Category))
}

/// Whether columns `first..=last` cover columns of at least two kinds (or of one kind
/// beyond its own header span).
fn spans_roles(h: &Header, first: u32, last: u32) -> bool {
    let mut roles: Vec<Role> = (first..=last).filter_map(|c| h.role_at(c)).collect();
    roles.dedup();
    if roles.len() >= 2 {
        return true;
    }
    match h.columns.iter().find(|col| col.first <= first && first <= col.last) {
        Some(col) => last > col.last,
        None => last > first,
    }
}

fn start_group(ctx: &SheetCtx, b: &mut Builder, w: &mut Walk, r: u32, text: &str) -> Result<(), ImportError> {
    w.groups += 1;
    let id = ctx.local_id(&format!("{}-g{}", ctx.id, w.groups), r, 0)?;
    let label = text.lines().next().map(one_line).unwrap_or_default();
    let mut node = Requirement::new(id, NodeKind::Section, label);
    node.parent = Some(b.nodes[w.sheet].id.clone());
    node.title = Some(text.to_owned());
    node.category = Some(category_of(text));
    node.provenance = vec![ctx.prov(r)];
    let g = b.push(node, Meta { row: r, ..Meta::default() });
    w.group = Some((g, text.to_owned()));
    w.sub_values.iter_mut().for_each(|s| *s = None);
    w.stack.clear();
    w.last_item = None;
    w.seq = 0;
    Ok(())
}

/// Where a new number goes: its parent (None = the scope) after closing what it closes.
fn place(b: &Builder, w: &mut Walk, num: &Num) -> Option<usize> {
    if let Some(parent) = &num.parent
        && let Some(pos) = w.stack.iter().rposition(|&i| &b.meta[i].printed == parent)
    {
        w.stack.truncate(pos + 1);
        return w.stack.last().copied();
    }
    match &num.key {
        NumKey::Path { prefix, parts } => {
            while let Some(&top) = w.stack.last() {
                if let Some(NumKey::Path { prefix: p, parts: q }) = &b.meta[top].key
                    && p == prefix
                    && q.len() < parts.len()
                    && parts.starts_with(q)
                {
                    return Some(top);
                }
                w.stack.pop();
            }
            None
        }
        NumKey::Word(_) => w.stack.last().copied(),
        NumKey::Styled { style, .. } => {
            if let Some(pos) = w
                .stack
                .iter()
                .rposition(|&i| matches!(&b.meta[i].key, Some(NumKey::Styled { style: s, .. }) if s == style))
            {
                w.stack.truncate(pos);
            }
            w.stack.last().copied()
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn add_item(
    ctx: &SheetCtx,
    h: &Header,
    b: &mut Builder,
    w: &mut Walk,
    r: u32,
    c: u32,
    num: Option<Num>,
    v: &RowValues,
) -> Result<(), ImportError> {
    let scope = w.scope();
    let scope_prefix = w.group.as_ref().map(|(g, _)| b.nodes[*g].label.clone());
    let (parent, component, label) = match &num {
        None => {
            w.seq += 1;
            let label = match &scope_prefix {
                Some(p) => format!("{p} {}", w.seq),
                None => w.seq.to_string(),
            };
            (None, format!("n{}", w.seq), label)
        }
        Some(num) => {
            let parent = place(b, w, num);
            let parent_node = parent.unwrap_or(scope);
            // Duplicates.
            let first_row = match &num.key {
                NumKey::Path { prefix, parts } => w.paths.insert((scope, prefix.clone(), parts.clone()), r),
                NumKey::Styled { style, n } => w.styled.insert((parent_node, *style, *n), r),
                NumKey::Word(word) => w.words.insert((parent_node, word.clone()), r),
            };
            if let Some(first) = first_row {
                let (under_ja, under) = if parent_node == w.sheet {
                    (format!("シート {}", ctx.sheet), format!("sheet {}", ctx.sheet))
                } else {
                    (b.nodes[parent_node].label.clone(), b.nodes[parent_node].label.clone())
                };
                return Err(ctx.err(r, c, {
                    let (printed, row) = (&num.printed, first + 1);
                    ja_en!(
                        "{under_ja} の下で番号 {printed:?} が重複しています: {row} 行目ですでに使われています",
                        "duplicate number {printed:?} under {under}: already used on row {row}"
                    )
                }));
            }
            let relative = match (&num.key, parent.and_then(|p| b.meta[p].key.as_ref())) {
                (NumKey::Path { parts, .. }, Some(NumKey::Path { parts: q, .. })) => {
                    Some(parts[q.len()..].iter().map(u32::to_string).collect::<Vec<_>>().join("."))
                }
                _ => None,
            };
            let component = match (&num.key, relative) {
                (_, Some(rel)) => rel,
                (NumKey::Path { prefix, parts }, None) => {
                    format!("{prefix}{}", parts.iter().map(u32::to_string).collect::<Vec<_>>().join("."))
                }
                (NumKey::Styled { style, n }, None) => format!("{}{n}", style.id()),
                (NumKey::Word(_), None) => format!("w{}", w.words.keys().filter(|(p, _)| *p == parent_node).count()),
            };
            let self_contained = matches!(num.key, NumKey::Path { .. }) || num.parent.is_some();
            let printed = num.printed.trim_end_matches(['.', '．', '、']);
            let label = match (parent, self_contained, &scope_prefix) {
                (Some(p), false, _) => format!("{} {printed}", b.nodes[p].label),
                (_, _, Some(pre)) => format!("{pre} {printed}"),
                (_, _, None) => printed.to_owned(),
            };
            (parent, component, label)
        }
    };
    let parent_node = parent.unwrap_or(scope);
    let id_str = format!("{}-{component}", b.nodes[parent_node].id);
    if let Some(first) = w.ids.insert(id_str.clone(), r) {
        return Err(ctx.err(r, c, {
            let row = first + 1;
            ja_en!(
                "番号 {label:?} は {row} 行目の項目と重なります（どちらも {id_str} になります）",
                "the number {label:?} repeats the item of row {row} (both would be {id_str})"
            )
        }));
    }
    let depth = if parent.is_some() { b.meta[parent_node].depth + 1 } else { 1 };
    let mut node = Requirement::new(
        ctx.local_id(&id_str, r, c)?,
        if depth == 1 { NodeKind::Item } else { NodeKind::SubItem },
        label,
    );
    node.parent = Some(b.nodes[parent_node].id.clone());
    let (title, text) = split_texts(&v.texts);
    node.title = title;
    node.text = text;
    node.level = level_of(ctx, h, r, v)?;
    node.category = w.group.as_ref().map(|(g, _)| b.nodes[*g].category.clone()).unwrap_or(None);
    node.topics = w.sub_values.iter().flatten().map(|s| one_line(s)).collect();
    node.note = (!v.refs.is_empty()).then(|| v.refs.join("\n"));
    node.provenance = vec![ctx.prov(r)];
    let printed = num.as_ref().map(|n| number_key(&n.printed)).unwrap_or_default();
    let i = b.push(node, Meta { key: num.map(|n| n.key), printed, row: r, depth });
    w.stack.push(i);
    w.last_item = Some(i);
    w.items.push(i);
    Ok(())
}

fn level_of(ctx: &SheetCtx, h: &Header, r: u32, v: &RowValues) -> Result<Option<Level>, ImportError> {
    let Some((t, c)) = &v.level else { return Ok(None) };
    parse_level(t).map(Some).ok_or_else(|| {
        ctx.err(
            r,
            *c,
            {
                let (word, column) = (one_line(t), column_name(*c));
                let header = h.first(Role::Level).map_or("", |c| c.header.as_str());
                ja_en!(
                    "{column} 列（{header}）の水準 {word:?} は使えない語です。必須/遵守/最低限/C、推奨/D、参考/任意のいずれかを書いてください",
                    "unknown level {word:?} in column {column} ({header}); expected 必須/遵守/最低限/C, 推奨/D or 参考/任意"
                )
            },
        )
    })
}

/// With several check-item columns the right-most is the text, the others the title.
fn split_texts(texts: &[Option<String>]) -> (Option<String>, Option<String>) {
    match texts {
        [] => (None, None),
        [only] => (None, only.clone()),
        [head @ .., last] => {
            let title: Vec<&str> = head.iter().flatten().map(String::as_str).collect();
            ((!title.is_empty()).then(|| title.join(" / ")), last.clone())
        }
    }
}

fn continue_item(b: &mut Builder, i: usize, r: u32, v: &RowValues) {
    let (title, text) = split_texts(&v.texts);
    let join = |old: &mut Option<String>, new: Option<String>| {
        if let Some(new) = new {
            *old = Some(match old.take() {
                Some(o) => format!("{o}\n{new}"),
                None => new,
            });
        }
    };
    let node = &mut b.nodes[i];
    join(&mut node.title, title);
    join(&mut node.text, text);
    if node.level.is_none() {
        node.level = v.level.as_ref().and_then(|(t, _)| parse_level(t));
    }
    for rf in &v.refs {
        if !node.note.as_deref().is_some_and(|n| n.lines().any(|l| l == rf)) {
            join(&mut node.note, Some(rf.clone()));
        }
    }
    b.extend_to(i, r + 1);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(s: &str) -> Option<NumKey> {
        parse_number_text(s).map(|n| n.key)
    }
    fn path(parts: &[u32]) -> Option<NumKey> {
        Some(NumKey::Path { prefix: String::new(), parts: parts.to_vec() })
    }
    fn styled(style: Style, n: u32) -> Option<NumKey> {
        Some(NumKey::Styled { style, n })
    }

    #[test]
    fn numbers_of_the_cyber_security_checklists_and_of_sanshos_export() {
        assert_eq!(key("1-(1)"), path(&[1, 1]));
        assert_eq!(key("２－（３）－①"), path(&[2, 3, 1]));
        assert_eq!(key("8.(1)"), path(&[8, 1]));
        let with_parent = |s: &str| parse_number_text(s).map(|n| (n.key, n.parent));
        assert_eq!(with_parent("7 (1)"), Some((NumKey::Styled { style: Style::Paren, n: 1 }, Some("7".into()))));
        assert_eq!(with_parent("1 ①"), Some((NumKey::Styled { style: Style::Circled, n: 1 }, Some("1".into()))));
        assert_eq!(with_parent("7 利用者"), Some((NumKey::Word("利用者".into()), Some("7".into()))));
        assert_eq!(
            with_parent("7 利用者 (2)"),
            Some((NumKey::Styled { style: Style::Paren, n: 2 }, Some("7利用者".into())))
        );
        // Not numbers: a category, a sentence after a number.
        assert_eq!(key("組織的安全管理対策"), None);
        assert_eq!(key("1 責任者を置いている。"), None);
    }

    #[test]
    fn numbers() {
        assert_eq!(key("1"), path(&[1]));
        assert_eq!(key("１．"), path(&[1]));
        assert_eq!(key("12、"), path(&[12]));
        assert_eq!(key("1-1"), path(&[1, 1]));
        assert_eq!(key("1－2"), path(&[1, 2]));
        assert_eq!(key("1.1.2"), path(&[1, 1, 2]));
        assert_eq!(key("A-1"), Some(NumKey::Path { prefix: "A".into(), parts: vec![1] }));
        assert_eq!(key("(1)"), styled(Style::Paren, 1));
        assert_eq!(key("（１０）"), styled(Style::Paren, 10));
        assert_eq!(key("⑴"), styled(Style::Paren, 1));
        assert_eq!(key("1)"), styled(Style::HalfParen, 1));
        assert_eq!(key("①"), styled(Style::Circled, 1));
        assert_eq!(key("㉑"), styled(Style::Circled, 21));
        assert_eq!(key("ウ"), styled(Style::Kana, 3));
        assert_eq!(key("(ｲ)"), styled(Style::ParenKana, 2));
        assert_eq!(key("b"), styled(Style::Alpha, 2));
        assert_eq!(key("(c)"), styled(Style::ParenAlpha, 3));
        assert_eq!(key("Ⅲ"), styled(Style::Roman, 3));
        assert_eq!(key("abc"), None);
        assert_eq!(key("1-a"), None);
        assert_eq!(key("※注"), None);
    }

    #[test]
    fn header_terms() {
        let role = |s: &str| classify(s).map(|m| m.role);
        assert_eq!(role("ＮＯ．"), Some(Role::Number));
        assert_eq!(role("No ."), Some(Role::Number));
        assert_eq!(role("項　番"), Some(Role::Number));
        assert_eq!(role("チェック項目"), Some(Role::Text));
        assert_eq!(role("チェック項目（最低限のガイドライン）"), Some(Role::Text));
        assert_eq!(role("チェック項目（ガイドライン参照）"), Some(Role::Text));
        assert_eq!(role("ガイドラインの要求事項"), Some(Role::Text));
        assert_eq!(role("チェック項目番号"), Some(Role::Number));
        assert_eq!(role("安全管理対策区分"), Some(Role::Category));
        assert_eq!(role("実施状況（はい／いいえ）"), Some(Role::Result));
        assert_eq!(role("No.\n(項番)"), Some(Role::Number));
        assert_eq!(role("（回答）"), Some(Role::Result));
        assert_eq!(role("実施内容"), Some(Role::Result));
        assert_eq!(role("実施済"), Some(Role::Result));
        assert_eq!(role("Yes/No"), Some(Role::Result));
        assert_eq!(role("ガイドライン該当箇所"), Some(Role::Reference));
        assert_eq!(role("大項目"), Some(Role::Category));
        assert_eq!(role("必須／推奨"), Some(Role::Level));
        assert_eq!(role("医療情報システムの安全管理に関するガイドライン第6.0版チェックリスト"), None);
        assert_eq!(role("note"), None);
    }

    #[test]
    fn levels_categories_names() {
        assert_eq!(parse_level("Ｃ"), Some(Level::Mandatory));
        assert_eq!(parse_level("推奨"), Some(Level::Recommended));
        assert_eq!(parse_level("○"), None);
        assert_eq!(category_of("１．組織的安全管理対策"), Category::Organizational);
        assert_eq!(category_of("【技術的安全対策】"), Category::Technical);
        assert_eq!(category_of("情報の破棄"), Category::Other("情報の破棄".into()));
        assert_eq!(sheet_ref("b.xlsx", "A:B#1%"), "b.xlsx#A%3AB%231%25");
        assert_eq!(column_name(0), "A");
        assert_eq!(column_name(27), "AB");
        assert_eq!(cell_text("  a \r\nb　\r c \n"), "a\nb\n c");
    }
}

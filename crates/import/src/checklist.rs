//! Filled checklists: a vendor's or a hospital's answers read back from a workbook or a CSV file.
//!
//! [`read_checklist`] takes the bytes of one file (this crate does no IO), the catalog the
//! checklist answers, and returns one [`ChecklistAnswer`] per answered row, the rows it
//! deliberately left out ([`Skipped`]: headings, group rows, derived suggestions, blank results),
//! or one [`ImportError`] listing every problem found (up to [`MAX_ERRORS`]). Nothing is returned
//! half-read: an import either pairs every answered row with a requirement, or fails.
//!
//! # Formats
//!
//! The file name's extension decides: `.xlsx` `.xlsm` `.xlsb` `.ods` are read through
//! [`crate::workbook`] (bounded and panic-safe; with [`read_checklist_with`] and a
//! [`BookReader::Sandbox`], in a child process with memory and time limits) — the sheet named by
//! the caller, else the first sheet that has a header; a legacy `.xls` is refused, in Japanese and
//! English, with the advice to save it as .xlsx; `.csv` is
//! comma-separated, `.tsv` tab-separated, `.txt` tab-separated when its first line has a tab;
//! lines may end in CRLF, LF or a lone CR (rows are numbered the same for all three).
//! Text is UTF-8 (with or without a BOM), UTF-16 with a BOM (Excel's "Unicode text"), or, when it
//! is not valid UTF-8, Shift_JIS / CP932 (what Japanese Excel writes as "CSV"); a file that is
//! none of them is refused with the line of the first bad byte.
//!
//! # The header row
//!
//! The first row within the first [`HEADER_SCAN_ROWS`] rows with a requirement column (id,
//! number or check item) and a result column (a word or a ■/□ box) is the header; title rows
//! above it are fine. Header cells are compared NFKC-folded, case-insensitive and without white
//! space; a cell also matches by one of its lines or without what it has in brackets
//! (`実施状況（実施済/未実施）`). The words are in [`HEADER_WORDS`]. With both a box column
//! (`実施済`, `Done`) and a word column (`実施状況`, `Status`), the word wins; a box that says
//! otherwise (■ with anything but 実施済, □ with 実施済 or 該当なし, － with anything but 該当なし)
//! is an error naming both cells. The first column of each kind is used, except that every justification column
//! (`該当なし理由`, `備考` …) is read and the non-empty ones are joined. A row repeating the header
//! (a table printed in several blocks) is skipped.
//!
//! # Rows
//!
//! A row is paired with a requirement of the catalog by, in order:
//! 1. its id column (`id`, `要求事項ID`): the local id (or `catalog:local`, or a printed label);
//!    an id that names nothing is an error, not a reason to guess;
//! 2. its group and number, as the label `<区分> <No.>` (`組織的安全管理対策 1`); the group is
//!    the row's `区分` cell, carried down over blank cells, or the last heading row (a row with a
//!    single non-numeric cell and no result, such as `組織的安全管理対策` above a `No. | 実施済 |
//!    実施内容` table). A list-marker dot is dropped (`1.` is `1`, `8.(1)` is `8 (1)`), widths and
//!    spaces do not matter. A sub-number (`(1)`) after a plain number row (`7.`, as seed 003
//!    prints sub-items) also tries `<区分> 7 (1)`. The group's label alone (its first word: `6.3` of
//!    `6.3 組織的安全管理対策`) and the group without a leading number are tried too;
//! 3. its number alone as a label;
//! 4. its check-item text, equal to exactly one requirement's text (NFKC, white space ignored).
//!
//! A row whose result starts with `（推定）` / `(derived)` is a derived suggestion, not an answer,
//! and is skipped; so are rows with a blank result or `未回答` (reason `未回答`), group rows and
//! heading rows. Result words are those of [`crate::answers::result_word`].
//!
//! # Errors
//!
//! Errors are `file#sheet:row:column: message` (`file:row:column` for CSV), with the cell named in
//! the message the way the user sees it (`cell F12 (実施状況)`, `row 12, column 6 (実施状況)`):
//! a row that pairs with no requirement (saying what was tried), an unknown result word (with
//! the accepted words), 該当なし without a justification, a requirement answered twice (both
//! rows), a box contradicting the word, a due date (`期限`, `目標日`) that is not a calendar date, an
//! Excel error value in a column that is read. All row
//! errors are reported at once, one per line. Problems with the whole file (unknown extension,
//! empty or damaged file, undecodable text, no header, missing sheet, unknown catalog) use row
//! and column 0.

use std::collections::HashMap;
use std::fmt;

use calamine::{Data, Range};
use unicode_normalization::UnicodeNormalization;

use sansho_core::assess::ResultCode;
use sansho_core::label::label_key;
use sansho_core::set::NodeIx;
use sansho_core::{CatalogSet, Msg, ja_en};

use crate::ImportError;
use crate::answers::result_word;
use crate::workbook::{BookReader, Format};
use crate::xlsx::{cell_text, column_name, sheet_ref};

/// How many rows from the top are searched for the header row.
pub const HEADER_SCAN_ROWS: u32 = 30;

/// At most this many row errors are listed in one [`ImportError`].
pub const MAX_ERRORS: usize = 50;

/// A cell as the user sees it: the 1-based row, and the column letters (`C`) in a workbook or
/// the 1-based column number (`3`) in a CSV file.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Cell {
    /// 1-based row.
    pub row: u32,
    /// Column letters (`C`) in a workbook, the 1-based column number (`3`) in a CSV file.
    pub column: String,
}

impl fmt::Display for Cell {
    /// `C12` in a workbook, `row 12, column 3` in a CSV file.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.column.chars().all(|c| c.is_ascii_alphabetic()) {
            write!(f, "{}{}", self.column, self.row)
        } else {
            write!(f, "row {}, column {}", self.row, self.column)
        }
    }
}

impl Cell {
    /// The cell in Japanese: `C12` in a workbook, `12 行目 3 列目` in a CSV file.
    pub fn ja(&self) -> String {
        if self.column.chars().all(|c| c.is_ascii_alphabetic()) {
            self.to_string()
        } else {
            format!("{} 行目 {} 列目", self.row, self.column)
        }
    }
}

/// A requirement that could not be found, in Japanese (the English is its `Display`).
pub(crate) fn resolve_ja(e: &sansho_core::set::ResolveError) -> String {
    use sansho_core::set::ResolveError as R;
    match e {
        R::UnknownCatalog(c) => format!("不明なカタログ {c:?}"),
        R::NotFound { catalog, query } => {
            format!("カタログ {catalog} に要求事項 {query:?} はありません（ID、次に表記の番号で探しました）")
        }
        R::Ambiguous { catalog, query, candidates } => format!(
            "{query:?} はカタログ {catalog} の複数の要求事項に当たります（ID で指定してください）: {}",
            candidates.join(", ")
        ),
    }
}

/// One answered row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChecklistAnswer {
    /// The requirement answered, resolved in the loaded set.
    pub requirement: NodeIx,
    /// The result read from the row's 実施済 / 実施状況 cells.
    pub result: ResultCode,
    /// 実施内容
    pub how: Option<String>,
    /// 該当なし理由・備考 (every justification column's text, joined by line breaks).
    pub justification: Option<String>,
    /// 担当者
    pub owner: Option<String>,
    /// 期限, as `YYYY-MM-DD` (a date cell, or a date as users write it: `2025/4/1`, `2025年4月1日`).
    pub due: Option<String>,
    /// The cell the result was read from (the word column, else the box column).
    pub at: Cell,
}

/// A row deliberately not imported, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    /// The result cell, or the row's first non-blank cell when it has no result.
    pub at: Cell,
    /// `未回答`, `group row …`, `heading row …`, `derived suggestion …`, `repeated header row`.
    pub reason: String,
    /// The requirement the row names, where it could be paired.
    pub requirement: Option<NodeIx>,
}

impl Skipped {
    /// Why the row was left out, in `lang` (the reasons are written in English for programs and
    /// tests; people read them here).
    pub fn reason_text(&self, lang: sansho_core::Lang) -> String {
        if lang == sansho_core::Lang::En {
            return self.reason.clone();
        }
        let r = self.reason.as_str();
        if let Some(g) = r.strip_prefix("group row ") {
            format!("区分の行（{g}）")
        } else if let Some(h) = r.strip_prefix("heading row ") {
            format!("見出しの行（{h}）")
        } else if let Some(w) = r.strip_prefix("derived suggestion ") {
            format!("推定の行で、回答ではありません（{}）", w.trim_end_matches(", not an answer"))
        } else {
            match r {
                "repeated header row" => "見出し行の繰り返し".to_owned(),
                "未回答 (no requirement, no result)" => "未回答（要求事項も結果もない行）".to_owned(),
                other => other.to_owned(),
            }
        }
    }
}

/// What a filled checklist said.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChecklistImport {
    /// The catalog the answers are for.
    pub catalog: String,
    /// The sheet read (`None` for CSV).
    pub sheet: Option<String>,
    /// The answered rows, in row order.
    pub answers: Vec<ChecklistAnswer>,
    /// The rows left out, in row order.
    pub skipped: Vec<Skipped>,
    /// The header row (1-based).
    pub header_row: u32,
}

/// Reads a filled checklist. `file_name` decides the format (by its extension) and names the
/// file in errors; `catalog` is the catalog the checklist answers; `sheet` picks a worksheet
/// (default: the first with a header).
pub fn read_checklist(
    file_name: &str,
    bytes: &[u8],
    set: &CatalogSet,
    catalog: &str,
    sheet: Option<&str>,
) -> Result<ChecklistImport, ImportError> {
    read_checklist_with(&BookReader::InProcess, file_name, bytes, set, catalog, sheet)
}

/// [`read_checklist`], reading a workbook with `reader` (for files from outside, a
/// [`BookReader::Sandbox`]: a child process with memory and time limits). Text files are read
/// here.
pub fn read_checklist_with(
    reader: &BookReader,
    file_name: &str,
    bytes: &[u8],
    set: &CatalogSet,
    catalog: &str,
    sheet: Option<&str>,
) -> Result<ChecklistImport, ImportError> {
    if set.catalog(catalog).is_none() {
        return Err(ImportError::at(
            file_name,
            0,
            0,
            ja_en!("不明なカタログ {catalog:?}", "unknown catalog {catalog:?}"),
        ));
    }
    if bytes.is_empty() {
        return Err(ImportError::at(file_name, 0, 0, Msg::new("ファイルが空です", "the file is empty")));
    }
    let ext = extension(file_name);
    let (table, header, sheet_name) = match ext.as_str() {
        "csv" | "tsv" | "txt" => {
            if let Some(s) = sheet {
                return Err(ImportError::at(
                    file_name,
                    0,
                    0,
                    ja_en!(
                        "シート {s:?} が指定されましたが、.{ext} ファイルにシートはありません",
                        "sheet {s:?} asked for, but a .{ext} file has no sheets"
                    ),
                ));
            }
            let table = read_text(file_name, bytes, &ext)?;
            let header = find_header(&table).ok_or_else(|| no_header(&table.place))?;
            (table, header, None)
        }
        "xlsx" | "xlsm" | "xlsb" | "xls" | "xla" | "ods" => {
            let (table, header, name) = read_workbook(reader, file_name, bytes, &ext, sheet)?;
            (table, header, Some(name))
        }
        _ => {
            return Err(ImportError::at(
                file_name,
                0,
                0,
                Msg::new(
                    "ファイルの種類がわかりません: ブックなら .xlsx、.xlsm、.xlsb、.ods、テキストなら .csv、.tsv、.txt の名前にしてください",
                    "unknown file type: name the file .xlsx, .xlsm, .xlsb, .ods (a workbook) or .csv, .tsv, .txt (text)",
                ),
            ));
        }
    };
    let reader = RowReader { set, catalog, table: &table, header: &header, texts: text_index(set, catalog) };
    let (answers, skipped) = reader.read()?;
    Ok(ChecklistImport { catalog: catalog.to_owned(), sheet: sheet_name, answers, skipped, header_row: header.row })
}

fn extension(file_name: &str) -> String {
    let base = file_name.rsplit(['/', '\\']).next().unwrap_or(file_name);
    base.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default()
}

// ---------------------------------------------------------------------------------------
// The table: workbook sheets and text files alike.

#[derive(Debug, Clone)]
enum Value {
    Text(String),
    /// An Excel error value (`#N/A`).
    Error(String),
}

#[derive(Debug)]
struct Row {
    /// 1-based, as the user sees it.
    row: u32,
    /// By 0-based column.
    cells: Vec<Option<Value>>,
}

impl Row {
    fn get(&self, c: usize) -> Option<&Value> {
        self.cells.get(c).and_then(Option::as_ref)
    }
    fn text(&self, c: usize) -> Option<&str> {
        match self.get(c) {
            Some(Value::Text(t)) => Some(t),
            _ => None,
        }
    }
    fn filled(&self) -> impl Iterator<Item = (usize, &Value)> {
        self.cells.iter().enumerate().filter_map(|(c, v)| v.as_ref().map(|v| (c, v)))
    }
}

#[derive(Debug)]
struct Table {
    /// How errors name the place: `book.xlsx#Sheet1` or `answers.csv`.
    place: String,
    /// Workbook (columns are letters) or text (columns are numbers).
    sheet: bool,
    rows: Vec<Row>,
}

impl Table {
    fn column(&self, c: usize) -> String {
        if self.sheet { column_name(c as u32) } else { (c + 1).to_string() }
    }
    fn cell(&self, row: u32, c: usize) -> Cell {
        Cell { row, column: self.column(c) }
    }
}

fn value_of(d: &Data) -> Option<Value> {
    let text = match d {
        Data::Empty => return None,
        Data::String(s) => cell_text(s),
        Data::Float(f) => {
            if f.fract() == 0.0 && f.abs() < 1e15 {
                format!("{}", *f as i64)
            } else {
                format!("{f}")
            }
        }
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_owned(),
        Data::DateTime(dt) if dt.is_datetime() => {
            let (y, m, d, h, min, s, _) = dt.to_ymd_hms_milli();
            if (h, min, s) == (0, 0, 0) {
                format!("{y:04}-{m:02}-{d:02}")
            } else {
                format!("{y:04}-{m:02}-{d:02} {h:02}:{min:02}")
            }
        }
        Data::DateTime(dt) => dt.to_string(),
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.trim().to_owned(),
        Data::Error(e) => return Some(Value::Error(e.to_string())),
    };
    (!text.is_empty()).then_some(Value::Text(text))
}

fn sheet_table(place: String, range: &Range<Data>) -> Table {
    let (r0, c0) = range.start().unwrap_or_default();
    let rows = range
        .rows()
        .enumerate()
        .map(|(i, cells)| {
            let mut out: Vec<Option<Value>> = vec![None; c0 as usize];
            out.extend(cells.iter().map(value_of));
            Row { row: r0 + i as u32 + 1, cells: out }
        })
        .filter(|r| r.cells.iter().any(Option::is_some))
        .collect();
    Table { place, sheet: true, rows }
}

/// The chosen sheet (or the first with a header), its header and its name.
fn read_workbook(
    reader: &BookReader,
    file: &str,
    bytes: &[u8],
    ext: &str,
    sheet: Option<&str>,
) -> Result<(Table, Header, String), ImportError> {
    let zip = bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06");
    let format = Format::from_name(file).unwrap_or(Format::Xlsx);
    if format == Format::Xls && zip {
        return Err(ImportError::at(
            file,
            0,
            0,
            ja_en!(
                "旧形式の .{ext} ブックではありません（zip 形式です。.xlsx のブックなら名前を .xlsx にしてください）",
                "not a legacy .{ext} workbook (it is a zip archive: an .xlsx file? name it .xlsx)"
            ),
        ));
    }
    let book = reader.read(file, bytes, format)?;
    let sheets = &book.sheets;
    if let Some(name) = sheet {
        let Some(meta) = sheets.iter().find(|s| s.name == name) else {
            let have: Vec<&str> = sheets.iter().map(|s| s.name.as_str()).collect();
            return Err(ImportError::at(file, 0, 0, {
                let (ja, en) = (have.join("、"), have.join(", "));
                ja_en!(
                    "ブックに {name:?} という名前のシートはありません（シート: {ja}）",
                    "no sheet named {name:?} in the workbook (its sheets: {en})"
                )
            }));
        };
        let place = sheet_ref(file, &meta.name);
        if !meta.worksheet {
            return Err(ImportError::at(&place, 0, 0, {
                let kind = &meta.kind;
                ja_en!("ワークシートではなく {kind} です", "not a worksheet but a {kind}")
            }));
        }
        let table = sheet_table(place, &meta.range());
        let header = find_header(&table).ok_or_else(|| no_header(&table.place))?;
        return Ok((table, header, meta.name.clone()));
    }
    let mut looked = Vec::new();
    for meta in sheets.iter().filter(|s| s.worksheet) {
        let place = sheet_ref(file, &meta.name);
        let table = sheet_table(place, &meta.range());
        if let Some(header) = find_header(&table) {
            return Ok((table, header, meta.name.clone()));
        }
        looked.push(meta.name.clone());
    }
    let (ja, en) = if looked.is_empty() {
        ("ブックにワークシートがありません".to_owned(), "the workbook has no worksheets".to_owned())
    } else {
        (looked.join("、"), looked.join(", "))
    };
    Err(ImportError::at(
        file,
        0,
        0,
        ja_en!(
            "どのシートにもチェックリストの見出し行がありません（{ja}）: {LOOKED_FOR_JA}",
            "no sheet has a checklist header ({en}): {LOOKED_FOR}"
        ),
    ))
}

fn no_header(place: &str) -> ImportError {
    ImportError::at(
        place,
        0,
        0,
        ja_en!(
            "1〜{HEADER_SCAN_ROWS} 行目にチェックリストの見出し行がありません: {LOOKED_FOR_JA}",
            "no checklist header in rows 1-{HEADER_SCAN_ROWS}: {LOOKED_FOR}"
        ),
    )
}

const LOOKED_FOR: &str = "looked for a row with a requirement column (id / 要求事項ID / No. / 番号 / 項番 / # / \
     チェック項目 / 項目 / 要求事項 / 遵守事項 / Check item / Requirement) and a result column (実施状況 / 結果 / 回答 / \
     対応状況 / Status / Result, or a ■/□ column 実施済 / Done)";
const LOOKED_FOR_JA: &str = "要求事項の列（id / 要求事項ID / No. / 番号 / 項番 / # / チェック項目 / 項目 / 要求事項 / \
     遵守事項 / Check item / Requirement）と結果の列（実施状況 / 結果 / 回答 / 対応状況 / Status / Result、または ■/□ の列 \
     実施済 / Done）のある行を探しました";

/// Decodes a text file and splits it into rows.
fn read_text(file: &str, bytes: &[u8], ext: &str) -> Result<Table, ImportError> {
    // Every line ending (CRLF, a lone CR as classic Mac OS writes, LF) becomes LF, so rows are
    // counted the same whatever wrote the file (quoted cells' own breaks become LF too, as
    // `cell_text` would make them anyway).
    let text = decode(file, bytes)?.replace("\r\n", "\n").replace('\r', "\n");
    let delimiter = match ext {
        "tsv" => b'\t',
        "txt" if text.lines().next().is_some_and(|l| l.contains('\t')) => b'\t',
        _ => b',',
    };
    let mut reader =
        csv::ReaderBuilder::new().has_headers(false).flexible(true).delimiter(delimiter).from_reader(text.as_bytes());
    let mut rows = Vec::new();
    // The csv reader skips blank lines and lets quoted cells span lines; the row numbers are
    // Excel's: a blank line is a row, a record is one row however many lines it spans.
    let bytes = text.as_bytes();
    let (mut counted_to, mut breaks_before, mut breaks_inside) = (0usize, 0usize, 0usize);
    for record in reader.records() {
        let record = record.map_err(|e| {
            let at = e.position().map_or(0, |p| p.byte() as usize).min(bytes.len());
            let line = bytes[..at].iter().filter(|b| **b == b'\n').count() + 1;
            ImportError::at(file, line, 0, ja_en!("CSV を読めません（{e}）", "cannot read the CSV: {e}"))
        })?;
        // A record's position is right after the previous record's terminator: skip the
        // line breaks (blank lines) in front of it.
        let mut start = record.position().map_or(counted_to, |p| p.byte() as usize).min(bytes.len());
        start += bytes[start..].iter().take_while(|b| matches!(b, b'\r' | b'\n')).count();
        breaks_before += bytes[counted_to.min(start)..start].iter().filter(|b| **b == b'\n').count();
        counted_to = counted_to.max(start);
        let row = (breaks_before + 1 - breaks_inside) as u32;
        breaks_inside += record.iter().map(|f| f.matches('\n').count()).sum::<usize>();
        let cells: Vec<Option<Value>> = record
            .iter()
            .map(|f| {
                let t = cell_text(without_formula_quote(f));
                (!t.is_empty()).then_some(Value::Text(t))
            })
            .collect();
        if cells.iter().any(Option::is_some) {
            rows.push(Row { row, cells });
        }
    }
    Ok(Table { place: file.to_owned(), sheet: false, rows })
}

/// A CSV cell without the apostrophe that sansho's CSV export (`sansho_export::neutralise_formula`,
/// OWASP's advice against CSV injection) puts in front of a cell starting with `=`, `+`, `-`,
/// `@`, a tab or a carriage return — also in front of one that already starts with apostrophes
/// followed by one of those, so that taking one off gives back exactly what was exported.
fn without_formula_quote(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.trim_start_matches('\'').starts_with(['=', '+', '-', '@', '\t', '\r']) => rest,
        _ => cell,
    }
}

/// The 1-based line at the end of `before`: CRLF, a lone CR and LF each end a line.
fn line_of(before: &[u8]) -> usize {
    let lf = before.iter().filter(|b| **b == b'\n').count();
    let lone_cr = before.iter().enumerate().filter(|&(i, b)| *b == b'\r' && before.get(i + 1) != Some(&b'\n')).count();
    lf + lone_cr + 1
}

/// UTF-8 (BOM or not), UTF-16 with a BOM, else Shift_JIS (CP932).
fn decode(file: &str, bytes: &[u8]) -> Result<String, ImportError> {
    let line_at = |offset: usize| line_of(&bytes[..offset.min(bytes.len())]);
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return String::from_utf8(rest.to_vec()).map_err(|e| {
            let line = line_at(3 + e.utf8_error().valid_up_to());
            ImportError::at(
                file,
                line,
                0,
                Msg::new(
                    "UTF-8 の BOM で始まっていますが、UTF-8 として正しくありません",
                    "the file starts with a UTF-8 BOM but is not valid UTF-8",
                ),
            )
        });
    }
    for (bom, enc) in [(b"\xFF\xFE", encoding_rs::UTF_16LE), (b"\xFE\xFF", encoding_rs::UTF_16BE)] {
        if let Some(rest) = bytes.strip_prefix(bom) {
            return enc.decode_without_bom_handling_and_without_replacement(rest).map(|t| t.into_owned()).ok_or_else(
                || {
                    ImportError::at(file, 0, 0, {
                        let name = enc.name();
                        ja_en!("{name} として正しくありません", "the file is not valid {name}")
                    })
                },
            );
        }
    }
    if let Ok(t) = std::str::from_utf8(bytes) {
        return Ok(t.to_owned());
    }
    let mut decoder = encoding_rs::SHIFT_JIS.new_decoder_without_bom_handling();
    let capacity = decoder.max_utf8_buffer_length_without_replacement(bytes.len()).unwrap_or(bytes.len() * 3);
    let mut out = String::with_capacity(capacity);
    let (result, read) = decoder.decode_to_string_without_replacement(bytes, &mut out, true);
    match result {
        encoding_rs::DecoderResult::InputEmpty => Ok(out),
        encoding_rs::DecoderResult::Malformed(bad, after) => {
            let start = read.saturating_sub(bad as usize + after as usize);
            Err(ImportError::at(
                file,
                line_at(start),
                0,
                Msg::new(
                    "UTF-8 でも Shift_JIS（CP932）でもありません: この行にどちらとしても読めないバイトがあります。\
                     Excel で「CSV UTF-8」として保存して取り込んでください",
                    "the text is neither UTF-8 nor Shift_JIS (CP932): this line has bytes that are valid in \
                     neither; save the file from Excel as \"CSV UTF-8\" and import that",
                ),
            ))
        }
        encoding_rs::DecoderResult::OutputFull => Err(ImportError::at(
            file,
            0,
            0,
            Msg::new(
                "内部エラー: 変換した文字列がバッファーに収まりませんでした",
                "internal error: the decoded text did not fit its buffer",
            ),
        )),
    }
}

// ---------------------------------------------------------------------------------------
// The header.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Id,
    Number,
    Group,
    Item,
    /// A result word (実施状況).
    Result,
    /// A ■/□ box (実施済).
    Done,
    How,
    Justification,
    Owner,
    Due,
}

/// The recognised header words per column kind (compared NFKC-folded, case-insensitive and
/// without white space).
pub const HEADER_WORDS: &[(&str, &[&str])] = &[
    ("id", &["id", "要求事項ID", "Requirement ID"]),
    ("number", &["No.", "No", "番号", "項番", "#"]),
    ("group", &["区分", "分類", "カテゴリ", "カテゴリー", "Category"]),
    ("check item", &["チェック項目", "項目", "要求事項", "遵守事項", "Check item", "Requirement"]),
    ("result", &["実施状況", "結果", "回答", "対応状況", "Status", "Result"]),
    ("done (■/□)", &["実施済", "実施済み", "Done"]),
    ("how", &["実施内容", "対応内容", "How implemented"]),
    (
        "justification",
        &["該当なし理由・備考", "該当なし理由", "理由", "備考", "Justification / notes", "Justification", "Notes"],
    ),
    ("owner", &["担当者", "Owner"]),
    ("due", &["期限", "目標日", "Due"]),
];

const ROLES: [Role; 10] = [
    Role::Id,
    Role::Number,
    Role::Group,
    Role::Item,
    Role::Result,
    Role::Done,
    Role::How,
    Role::Justification,
    Role::Owner,
    Role::Due,
];

/// NFKC, lower case, no white space.
fn key(s: &str) -> String {
    s.nfkc().flat_map(char::to_lowercase).filter(|c| !c.is_whitespace()).collect()
}

fn role_of_key(k: &str) -> Option<Role> {
    HEADER_WORDS.iter().zip(ROLES).find(|((_, words), _)| words.iter().any(|w| key(w) == k)).map(|(_, r)| r)
}

/// The text without what is in brackets (after NFKC, so full-width brackets count).
fn without_brackets(s: &str) -> String {
    let mut out = String::new();
    let mut depth = 0usize;
    for c in s.nfkc() {
        match c {
            '(' | '[' | '【' | '「' | '〔' | '<' => depth += 1,
            ')' | ']' | '】' | '」' | '〕' | '>' => depth = depth.saturating_sub(1),
            c if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

/// The role a header cell names: the whole cell, without its brackets, or one of its lines.
fn classify(cell: &str) -> Option<Role> {
    let mut candidates = vec![cell.to_owned(), without_brackets(cell)];
    for line in cell.lines() {
        candidates.push(line.to_owned());
        candidates.push(without_brackets(line));
    }
    candidates.iter().map(|c| key(c)).filter(|k| !k.is_empty()).find_map(|k| role_of_key(&k))
}

#[derive(Debug, Clone)]
struct Col {
    ix: usize,
    header: String,
}

#[derive(Debug, Clone)]
struct Header {
    /// 1-based.
    row: u32,
    /// Index of the header row in the table.
    at: usize,
    id: Option<Col>,
    number: Option<Col>,
    group: Option<Col>,
    item: Option<Col>,
    result: Option<Col>,
    done: Option<Col>,
    how: Option<Col>,
    justification: Vec<Col>,
    owner: Option<Col>,
    due: Option<Col>,
}

impl Header {
    fn of(row: &Row, at: usize) -> Option<Header> {
        let mut h = Header {
            row: row.row,
            at,
            id: None,
            number: None,
            group: None,
            item: None,
            result: None,
            done: None,
            how: None,
            justification: Vec::new(),
            owner: None,
            due: None,
        };
        for (ix, v) in row.filled() {
            let Value::Text(t) = v else { continue };
            let Some(role) = classify(t) else { continue };
            let col = Col { ix, header: crate::text::squeeze(t) };
            let slot = match role {
                Role::Id => &mut h.id,
                Role::Number => &mut h.number,
                Role::Group => &mut h.group,
                Role::Item => &mut h.item,
                Role::Result => &mut h.result,
                Role::Done => &mut h.done,
                Role::How => &mut h.how,
                Role::Owner => &mut h.owner,
                Role::Due => &mut h.due,
                Role::Justification => {
                    h.justification.push(col);
                    continue;
                }
            };
            if slot.is_none() {
                *slot = Some(col);
            }
        }
        let requirement = h.id.is_some() || h.number.is_some() || h.item.is_some();
        let result = h.result.is_some() || h.done.is_some();
        (requirement && result).then_some(h)
    }

    /// Whether a data row repeats the header (a table printed in blocks).
    fn repeated_in(&self, row: &Row) -> bool {
        let same = |col: &Option<Col>| {
            col.as_ref().is_some_and(|c| row.text(c.ix).is_some_and(|t| classify(t) == classify(&c.header)))
        };
        (same(&self.result) || same(&self.done)) && (same(&self.id) || same(&self.number) || same(&self.item))
    }

    /// Columns whose text is the answer's own prose (never a heading).
    fn is_prose(&self, c: usize) -> bool {
        [&self.how, &self.owner, &self.due].iter().any(|col| col.as_ref().is_some_and(|col| col.ix == c))
            || self.justification.iter().any(|col| col.ix == c)
    }
}

fn find_header(table: &Table) -> Option<Header> {
    table.rows.iter().enumerate().take_while(|(_, r)| r.row <= HEADER_SCAN_ROWS).find_map(|(i, r)| Header::of(r, i))
}

// ---------------------------------------------------------------------------------------
// Rows.

/// Requirement texts of the catalog by their folded form.
fn text_index(set: &CatalogSet, catalog: &str) -> HashMap<String, Vec<NodeIx>> {
    let mut out: HashMap<String, Vec<NodeIx>> = HashMap::new();
    for ix in set.catalog_nodes(catalog) {
        let r = set.requirement(ix);
        if let Some(t) = r.text.as_deref().or(r.title.as_deref()) {
            let k = label_key(t);
            if !k.is_empty() {
                out.entry(k).or_default().push(ix);
            }
        }
    }
    out
}

struct RowError {
    row: u32,
    /// 0-based column.
    col: usize,
    message: Msg,
}

struct RowReader<'a> {
    set: &'a CatalogSet,
    catalog: &'a str,
    table: &'a Table,
    header: &'a Header,
    texts: HashMap<String, Vec<NodeIx>>,
}

/// What the group and number columns say so far (carried down the rows).
#[derive(Debug, Default)]
struct Carry {
    group: Option<String>,
    /// The last plain number (`7` of `7.`), for sub-numbers written alone (`(1)`).
    parent: Option<String>,
}

/// The words a result cell accepts, for messages.
const ACCEPTED: &str = "実施済, 一部実施, 未実施, 該当なし, 未回答 (or implemented, partial, not-implemented, \
     not-applicable, unanswered; ■/□, ○/×, ✓, 済/未, yes/no, －/N/A/対象外)";
const ACCEPTED_JA: &str = "実施済、一部実施、未実施、該当なし、未回答（または implemented、partial、not-implemented、\
     not-applicable、unanswered、■/□、○/×、✓、済/未、yes/no、－/N/A/対象外）";

enum Outcome {
    Answer(ResultCode, Cell),
    Skip(String, Cell),
}

impl RowReader<'_> {
    /// A row without a result, left out with the reason: a group row, a heading (which the rows
    /// under it are carried in), or an item not answered yet.
    fn unanswered(
        &self,
        row: &Row,
        first_cell: usize,
        (group, id, number, item): (Option<&str>, Option<&str>, Option<&str>, Option<&str>),
        carry: &mut Carry,
    ) -> Skipped {
        let at = self.table.cell(row.row, first_cell);
        let nothing = id.is_none() && number.is_none() && item.is_none();
        if let Some(g) = group.filter(|_| nothing) {
            return Skipped { at, reason: format!("group row {g}"), requirement: None };
        }
        if id.is_none()
            && let Some(text) = self.heading_text(row)
        {
            // A lone cell: an unanswered item where it pairs with one, else a heading.
            let requirement = self.pair(None, number, item, carry).ok();
            if let Some(ix) = requirement.filter(|ix| self.set.children_of(*ix).is_empty()) {
                return Skipped { at, reason: "未回答".to_owned(), requirement: Some(ix) };
            }
            *carry = Carry { group: Some(text.clone()), parent: None };
            return Skipped { at, reason: format!("heading row {text}"), requirement };
        }
        if nothing {
            return Skipped { at, reason: "未回答 (no requirement, no result)".into(), requirement: None };
        }
        let (reason, requirement) = match self.pair(id, number, item, carry) {
            Ok(ix) if self.set.children_of(ix).is_empty() => ("未回答".to_owned(), Some(ix)),
            Ok(ix) => (format!("group row {}", self.set.requirement(ix).label), Some(ix)),
            Err(_) => ("未回答".to_owned(), None),
        };
        self.carry_number(number, carry);
        Skipped { at, reason, requirement }
    }

    /// The error of a 該当なし row without a reason, saying where to write it.
    fn no_reason(&self, row: u32, ix: NodeIx, has_word: bool) -> RowError {
        let h = self.header;
        let c = self.result_col(has_word);
        let col = c.map_or(0, |c| c.ix);
        let (hj, he) = match h.justification.first() {
            Some(j) => {
                let (column, header) = (self.table.column(j.ix), &j.header);
                (
                    format!("理由を {column} 列（{header}）に書いてください"),
                    format!("write the reason in column {column} ({header})"),
                )
            }
            None => (
                "該当なし理由・備考の列を設けて理由を書いてください".to_owned(),
                "add a 該当なし理由・備考 column with the reason".to_owned(),
            ),
        };
        let (dj, de) = self.describe_opt(row, c);
        let name = self.name(ix);
        RowError {
            row,
            col,
            message: ja_en!(
                "{dj}: {name} は該当なしですが、理由がありません。{hj}",
                "{de}: {name} is 該当なし (not applicable) without a justification; {he}"
            ),
        }
    }

    fn read(&self) -> Result<(Vec<ChecklistAnswer>, Vec<Skipped>), ImportError> {
        let h = self.header;
        let t = self.table;
        let mut answers: Vec<ChecklistAnswer> = Vec::new();
        let mut skipped = Vec::new();
        let mut errors: Vec<RowError> = Vec::new();
        let mut seen: HashMap<NodeIx, u32> = HashMap::new();
        let mut carry = Carry::default();
        // A heading right above the header (`組織的安全管理対策` over `No. | 実施済 | 実施内容`).
        if let Some(above) = h.at.checked_sub(1).map(|i| &t.rows[i])
            && above.row + 1 == h.row
            && let Some(text) = self.heading_text(above)
        {
            carry.group = Some(text);
        }
        for row in &t.rows[h.at + 1..] {
            if h.repeated_in(row) {
                let c = h.result.as_ref().or(h.done.as_ref()).map_or(0, |c| c.ix);
                skipped.push(Skipped {
                    at: t.cell(row.row, c),
                    reason: "repeated header row".to_owned(),
                    requirement: None,
                });
                continue;
            }
            let before = errors.len();
            let mut text_of = |col: Option<&Col>| -> Option<String> {
                let col = col?;
                match row.get(col.ix)? {
                    Value::Text(s) => Some(s.clone()),
                    Value::Error(e) => {
                        errors.push(RowError {
                            row: row.row,
                            col: col.ix,
                            message: {
                                let (dj, de) = self.describe(row.row, col);
                                ja_en!(
                                    "{dj}: Excel のエラー値 {e} です。数式を直すか、値を入力してください",
                                    "{de}: the Excel error value {e}; fix the formula or type the value"
                                )
                            },
                        });
                        None
                    }
                }
            };
            let group = text_of(h.group.as_ref());
            let id = text_of(h.id.as_ref());
            let number = text_of(h.number.as_ref());
            let item = text_of(h.item.as_ref());
            let word = text_of(h.result.as_ref());
            let done = text_of(h.done.as_ref());
            let how = text_of(h.how.as_ref());
            let owner = text_of(h.owner.as_ref());
            let due = text_of(h.due.as_ref());
            let just: Vec<String> = h.justification.iter().filter_map(|c| text_of(Some(c))).collect();
            if errors.len() > before {
                continue;
            }
            // A due date the store cannot take is a row error like the others (reported with
            // them, all at once), not a surprise after the file was read.
            let due = match (due, h.due.as_ref()) {
                (Some(d), Some(col)) => match due_date(&d) {
                    Some(date) => Some(date),
                    None => {
                        errors.push(RowError {
                            row: row.row,
                            col: col.ix,
                            message: {
                                let (dj, de) = self.describe(row.row, col);
                                ja_en!(
                                    "{dj}: {d:?} は日付ではありません。2025-04-01（または 2025/4/1、2025年4月1日）の形で書くか、\
                                     空欄にしてください",
                                    "{de}: {d:?} is not a date; write it as 2025-04-01 (or 2025/4/1, 2025年4月1日) or \
                                     leave it blank"
                                )
                            },
                        });
                        None
                    }
                },
                (d, _) => d,
            };
            if let Some(g) = &group
                && carry.group.as_ref() != Some(g)
            {
                carry = Carry { group: Some(g.clone()), parent: None };
            }
            let first_cell = row.filled().next().map_or(0, |(c, _)| c);
            let has_result = word.is_some() || done.is_some();

            // Rows without a result: group rows, headings, unanswered items.
            if !has_result {
                let cells = (group.as_deref(), id.as_deref(), number.as_deref(), item.as_deref());
                skipped.push(self.unanswered(row, first_cell, cells, &mut carry));
                continue;
            }

            let outcome = self.result(row.row, word.as_deref(), done.as_deref(), &mut errors);
            let paired = self.pair(id.as_deref(), number.as_deref(), item.as_deref(), &carry);
            self.carry_number(number.as_deref(), &mut carry);
            let outcome = match outcome {
                Some(o) => o,
                None => {
                    if let Err(tried) = &paired {
                        errors.push(self.unpaired(row, tried));
                    }
                    continue;
                }
            };
            let (result, at) = match outcome {
                Outcome::Skip(reason, at) => {
                    skipped.push(Skipped { at, reason, requirement: paired.ok() });
                    continue;
                }
                Outcome::Answer(r, at) => (r, at),
            };
            let ix = match paired {
                Ok(ix) => ix,
                Err(tried) => {
                    errors.push(self.unpaired(row, &tried));
                    continue;
                }
            };
            let justification = (!just.is_empty()).then(|| just.join("\n"));
            if result == ResultCode::NotApplicable && justification.is_none() {
                errors.push(self.no_reason(row.row, ix, word.is_some()));
                continue;
            }
            if let Some(&first_row) = seen.get(&ix) {
                let c = self.pairing_col(row);
                let (dj, de) = self.describe_opt(row.row, c);
                let (name, this_row) = (self.name(ix), row.row);
                errors.push(RowError {
                    row: row.row,
                    col: c.map_or(0, |c| c.ix),
                    message: ja_en!(
                        "{dj}: {name} への回答が {first_row} 行目と {this_row} 行目の 2 つあります。1 つにしてください",
                        "{de}: {name} is answered twice, in rows {first_row} and {this_row}; keep one"
                    ),
                });
                continue;
            }
            seen.insert(ix, row.row);
            answers.push(ChecklistAnswer { requirement: ix, result, how, justification, owner, due, at });
        }
        if errors.is_empty() { Ok((answers, skipped)) } else { Err(self.error(errors)) }
    }

    /// `組織的安全管理対策 1 (org-1)`.
    fn name(&self, ix: NodeIx) -> String {
        let r = self.set.requirement(ix);
        format!("{} ({})", r.label, r.id)
    }

    /// The cell as the user sees it, `(Japanese, English)`: `セル F12（実施状況）`, `cell F12 (実施状況)`.
    fn describe(&self, row: u32, col: &Col) -> (String, String) {
        let cell = self.table.cell(row, col.ix);
        let header = &col.header;
        if self.table.sheet {
            (format!("セル {cell}（{header}）"), format!("cell {cell} ({header})"))
        } else {
            (format!("{}（{header}）", cell.ja()), format!("{cell} ({header})"))
        }
    }

    fn describe_opt(&self, row: u32, col: Option<&Col>) -> (String, String) {
        match col {
            Some(c) => self.describe(row, c),
            None => (format!("{row} 行目"), format!("row {row}")),
        }
    }

    /// The column a row's requirement is read from: the first of id, number and check item
    /// that the row fills (else the first the table has).
    fn pairing_col(&self, row: &Row) -> Option<&Col> {
        let h = self.header;
        let cols = [h.id.as_ref(), h.number.as_ref(), h.item.as_ref()];
        cols.iter().flatten().find(|c| row.get(c.ix).is_some()).or_else(|| cols.iter().flatten().next()).copied()
    }

    fn result_col(&self, word: bool) -> Option<&Col> {
        if word { self.header.result.as_ref() } else { self.header.done.as_ref() }
    }

    fn unpaired(&self, row: &Row, tried: &Msg) -> RowError {
        let col = self.pairing_col(row);
        let (dj, de) = self.describe_opt(row.row, col);
        let (catalog, tj, te) = (self.catalog, tried.ja(), tried.en());
        RowError {
            row: row.row,
            col: col.map_or(0, |c| c.ix),
            message: ja_en!(
                "{dj}: この行に当たるカタログ {catalog} の要求事項がありません: {tj}",
                "{de}: no requirement of catalog {catalog} matches this row: {te}"
            ),
        }
    }

    /// A row's single non-numeric cell outside the answer's prose columns, if that is all it has.
    fn heading_text(&self, row: &Row) -> Option<String> {
        let mut filled = row.filled();
        let (c, v) = filled.next()?;
        if filled.next().is_some() || self.header.is_prose(c) {
            return None;
        }
        let Value::Text(t) = v else { return None };
        let h = self.header;
        if [&h.result, &h.done, &h.id].iter().any(|col| col.as_ref().is_some_and(|col| col.ix == c)) {
            return None;
        }
        let t = crate::text::squeeze(t);
        (!numberish(&t)).then_some(t)
    }

    fn carry_number(&self, number: Option<&str>, carry: &mut Carry) {
        if let Some(n) = number.map(norm_number)
            && n.chars().all(|c| c.is_ascii_digit())
            && !n.is_empty()
        {
            carry.parent = Some(n);
        }
    }

    /// The result of a row with a result cell: an answer, a skip, or `None` after an error.
    fn result(&self, row: u32, word: Option<&str>, done: Option<&str>, errors: &mut Vec<RowError>) -> Option<Outcome> {
        let h = self.header;
        let t = self.table;
        let unknown = |col: &Col, w: &str| {
            let (dj, de) = self.describe(row, col);
            RowError {
                row,
                col: col.ix,
                message: ja_en!(
                    "{dj}: 実施状況 {w:?} は使えない語です。{ACCEPTED_JA}のいずれかを書いてください",
                    "{de}: unknown result {w:?}; write one of {ACCEPTED}"
                ),
            }
        };
        let word_r = match (word, h.result.as_ref()) {
            (Some(w), Some(col)) => {
                let folded: String = w.nfkc().collect();
                let lower = folded.trim().to_lowercase();
                if lower.starts_with("(推定)") || lower.starts_with("(derived)") {
                    return Some(Outcome::Skip(
                        format!("derived suggestion {w:?}, not an answer"),
                        t.cell(row, col.ix),
                    ));
                }
                match result_word(w).or_else(|| result_word(&folded)) {
                    Some(r) => Some((r, col)),
                    None => {
                        errors.push(unknown(col, w));
                        return None;
                    }
                }
            }
            _ => None,
        };
        let done_r = match (done, h.done.as_ref()) {
            (Some(d), Some(col)) => {
                let folded: String = d.nfkc().collect();
                match result_word(d).or_else(|| result_word(&folded)) {
                    Some(r) => Some((r, col)),
                    None => {
                        errors.push(unknown(col, d));
                        return None;
                    }
                }
            }
            _ => None,
        };
        let (result, col) = match (word_r, done_r) {
            (Some((w, wc)), Some((d, dc))) => {
                let agree = match d {
                    ResultCode::Implemented => w == ResultCode::Implemented,
                    ResultCode::NotApplicable => w == ResultCode::NotApplicable,
                    ResultCode::Partial => w == ResultCode::Partial,
                    ResultCode::NotImplemented => !matches!(w, ResultCode::Implemented | ResultCode::NotApplicable),
                    ResultCode::Unanswered => true,
                };
                if !agree {
                    let ((dj, de), (wj, we)) = (self.describe(row, dc), self.describe(row, wc));
                    let (dw, ww, dr, wr) = (done.unwrap_or_default(), word.unwrap_or_default(), d.ja(), w.ja());
                    errors.push(RowError {
                        row,
                        col: dc.ix,
                        message: ja_en!(
                            "{dj} は {dw:?}（{dr}）、{wj} は {ww:?}（{wr}）で、食い違っています。そろえてください",
                            "{de} says {dw:?} ({dr}) but {we} says {ww:?} ({wr}); make them agree"
                        ),
                    });
                    return None;
                }
                (w, wc)
            }
            (Some(x), None) | (None, Some(x)) => x,
            (None, None) => return None,
        };
        let at = t.cell(row, col.ix);
        if result == ResultCode::Unanswered {
            return Some(Outcome::Skip("未回答".to_owned(), at));
        }
        Some(Outcome::Answer(result, at))
    }

    /// Pairs a row with a requirement, or says what was tried.
    fn pair(&self, id: Option<&str>, number: Option<&str>, item: Option<&str>, carry: &Carry) -> Result<NodeIx, Msg> {
        let set = self.set;
        let catalog = self.catalog;
        if let Some(id) = id {
            let id = id.trim();
            let local = match id.split_once(':') {
                Some((c, l)) if c.trim() == catalog => l.trim(),
                Some((c, _)) if set.catalog(c.trim()).is_some() => {
                    let c = c.trim();
                    return Err(ja_en!(
                        "ID {id:?} はカタログ {c} の要求事項で、{catalog} のものではありません",
                        "its id {id:?} is a requirement of catalog {c}, not of {catalog}"
                    ));
                }
                _ => id,
            };
            return set.resolve(catalog, local).map_err(|e| {
                let ja = resolve_ja(&e);
                ja_en!("ID {id:?}: {ja}", "its id {id:?}: {e}")
            });
        }
        let mut tried: Vec<(String, String)> = Vec::new();
        let mut labels: Vec<String> = Vec::new();
        if let Some(n) = number {
            let n = norm_number(n);
            let plain = n.chars().all(|c| c.is_ascii_digit());
            let parent = carry.parent.as_deref().filter(|_| !plain);
            if let Some(g) = &carry.group {
                for g in group_candidates(g) {
                    labels.push(format!("{g} {n}"));
                    if let Some(p) = parent {
                        labels.push(format!("{g} {p} {n}"));
                    }
                }
            }
            labels.push(n.clone());
            if let Some(p) = parent {
                labels.push(format!("{p} {n}"));
            }
        }
        labels.dedup();
        for label in &labels {
            match set.nodes_by_label(catalog, label).as_slice() {
                [one] => return Ok(*one),
                [] => tried.push((format!("表記 {label:?}"), format!("label {label:?}"))),
                many => {
                    let ids: Vec<String> = many.iter().map(|ix| set.requirement(*ix).id.to_string()).collect();
                    tried.push((
                        format!("表記 {label:?}（{} に当たり、一つに決まりません）", ids.join("、")),
                        format!("label {label:?} (matches {}: ambiguous)", ids.join(", ")),
                    ));
                }
            }
        }
        if let Some(text) = item {
            let short: String = crate::text::squeeze(text).chars().take(40).collect();
            let more = if text.chars().count() > 40 { "…" } else { "" };
            match self.texts.get(&label_key(text)).map(Vec::as_slice) {
                Some([one]) => return Ok(*one),
                Some(many) if many.len() > 1 => {
                    let ids: Vec<String> = many.iter().map(|ix| set.requirement(*ix).id.to_string()).collect();
                    tried.push((
                        format!("チェック項目の文 {short:?}{more}（{} の文で、一つに決まりません）", ids.join("、")),
                        format!("the check-item text {short:?}{more} (the text of {}: ambiguous)", ids.join(", ")),
                    ));
                }
                _ => tried.push((
                    format!("チェック項目の文 {short:?}{more}"),
                    format!("the check-item text {short:?}{more}"),
                )),
            }
        }
        if tried.is_empty() {
            return Err(Msg::new(
                "ID も番号もチェック項目の文もありません",
                "it has no id, no number and no check-item text",
            ));
        }
        let ja: Vec<&str> = tried.iter().map(|t| t.0.as_str()).collect();
        let en: Vec<&str> = tried.iter().map(|t| t.1.as_str()).collect();
        let (ja, en) = (ja.join("、"), en.join(", "));
        Err(ja_en!("{ja} で探しました", "tried {en}"))
    }

    fn error(&self, mut errors: Vec<RowError>) -> ImportError {
        errors.sort_by_key(|e| (e.row, e.col));
        let place = &self.table.place;
        let first = &errors[0];
        let mut message = first.message.clone();
        for e in errors.iter().skip(1).take(MAX_ERRORS - 1) {
            let (row, col) = (e.row, e.col + 1);
            message.push_line(&e.message.clone().map(|_, m| format!("{place}:{row}:{col}: {m}")));
        }
        if errors.len() > MAX_ERRORS {
            let more = errors.len() - MAX_ERRORS;
            message.push_line(&ja_en!("…ほか {more} 件のエラー", "… and {more} more errors"));
        }
        if errors.len() > 1 {
            let n = errors.len();
            message
                .push_line(&ja_en!("（エラー {n} 件。何も取り込んでいません）", "({n} errors; nothing was imported)"));
        }
        ImportError::at(place, first.row as usize, first.col + 1, message)
    }
}

/// A due date as users write it (`2025-04-01`, `2025/4/1`, `2025.4.1`, `2025年4月1日`, full- or
/// half-width; a date cell arrives as `2025-04-01`) as `YYYY-MM-DD`, if it is a real calendar
/// date.
fn due_date(s: &str) -> Option<String> {
    let folded: String = s.nfkc().filter(|c| !c.is_whitespace()).collect();
    let folded = folded.strip_suffix('日').unwrap_or(&folded);
    let parts: Vec<&str> = folded.split(['-', '/', '.', '年', '月']).collect();
    let [y, m, d] = parts[..] else { return None };
    let num = |p: &str, max_len: usize| -> Option<u32> {
        (!p.is_empty() && p.len() <= max_len && p.bytes().all(|b| b.is_ascii_digit())).then(|| p.parse().ok())?
    };
    let (y, m, d) = (num(y, 4)?, num(m, 2)?, num(d, 2)?);
    if y < 1000 {
        return None;
    }
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    (1..=days).contains(&d).then(|| format!("{y:04}-{m:02}-{d:02}"))
}

/// A printed number as a label part: NFKC, a list-marker dot or `、` dropped (`1.` → `1`,
/// `8.(1)` → `8(1)`, but `1.2` stays), white space squeezed.
fn norm_number(s: &str) -> String {
    let folded: Vec<char> = crate::text::squeeze(&s.nfkc().collect::<String>()).chars().collect();
    let mut out = String::new();
    for (i, &c) in folded.iter().enumerate() {
        let next_digit = folded.get(i + 1).is_some_and(char::is_ascii_digit);
        if (c == '.' || c == '、') && !next_digit {
            continue;
        }
        out.push(c);
    }
    out.trim().to_owned()
}

/// Whether a lone cell reads as a number (`1.`, `(1)`, `①`, `ア`, `C 5`, `7 利用者`) rather than a
/// heading.
fn numberish(s: &str) -> bool {
    let t: String = s.nfkc().filter(|c| !c.is_whitespace()).collect();
    let bare = t.trim_matches(|c| matches!(c, '(' | ')' | '.' | '、' | '[' | ']'));
    if t.starts_with(|c: char| c.is_ascii_digit()) || (t.chars().any(|c| c.is_ascii_digit()) && t.chars().count() <= 6)
    {
        return true;
    }
    let mut chars = bare.chars();
    matches!((chars.next(), chars.next()), (Some(_), None))
}

/// The forms of a group to try in front of a number: as written, without brackets around it,
/// without a leading number, and its first word (the group's label of `6.3 組織的安全管理対策`).
fn group_candidates(g: &str) -> Vec<String> {
    let g = crate::text::squeeze(g);
    let mut out = vec![g.clone()];
    let unbracketed = g.trim_matches(|c| matches!(c, '【' | '】' | '[' | ']' | '■' | '●' | '◆')).trim().to_owned();
    out.push(unbracketed.clone());
    let without_number = unbracketed
        .trim_start_matches(|c: char| c.is_ascii_digit() || c.is_whitespace() || matches!(c, '.' | '、' | '．'))
        .trim()
        .to_owned();
    if !without_number.is_empty() {
        out.push(without_number);
    }
    if let Some((first, _)) = unbracketed.split_once(' ') {
        out.push(first.to_owned());
    }
    let mut seen = Vec::new();
    out.retain(|x| {
        !x.is_empty() && !seen.contains(x) && {
            seen.push(x.clone());
            true
        }
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_csv_exports_formula_apostrophe_comes_off() {
        assert_eq!(without_formula_quote("'=1+1"), "=1+1");
        assert_eq!(without_formula_quote("''=x"), "'=x");
        assert_eq!(without_formula_quote("'-"), "-");
        assert_eq!(without_formula_quote("'plain"), "'plain");
        assert_eq!(without_formula_quote("=1"), "=1");
    }

    #[test]
    fn numbers_lose_their_list_marker_dot() {
        assert_eq!(norm_number("1."), "1");
        assert_eq!(norm_number("１．"), "1");
        assert_eq!(norm_number("8.(1)"), "8(1)");
        assert_eq!(norm_number("8 (1)"), "8 (1)");
        assert_eq!(norm_number("1.2"), "1.2");
        assert_eq!(norm_number("６．３ Ｃ ５"), "6.3 C 5");
    }

    #[test]
    fn headings_are_not_numbers() {
        assert!(numberish("1."));
        assert!(numberish("(1)"));
        assert!(numberish("①"));
        assert!(numberish("ア"));
        assert!(numberish("7 利用者"));
        assert!(numberish("C 5"));
        assert!(numberish("Q12"));
        assert!(!numberish("組織的安全管理対策"));
        assert!(!numberish("【物理的安全対策】"));
    }

    #[test]
    fn header_words_match_folded() {
        assert_eq!(classify("No."), Some(Role::Number));
        assert_eq!(classify("Ｎｏ．"), Some(Role::Number));
        assert_eq!(classify("NO"), Some(Role::Number));
        assert_eq!(classify("ID"), Some(Role::Id));
        assert_eq!(classify("要求事項ＩＤ"), Some(Role::Id));
        assert_eq!(classify("Justification / notes"), Some(Role::Justification));
        assert_eq!(classify("該当なし理由・備考"), Some(Role::Justification));
        assert_eq!(classify("実施状況（実施済/未実施）"), Some(Role::Result));
        assert_eq!(classify("実施済"), Some(Role::Done));
        assert_eq!(classify("Check item"), Some(Role::Item));
        assert_eq!(classify("レベル"), None);
        assert_eq!(classify("根拠"), None);
    }

    #[test]
    fn groups_are_tried_in_several_forms() {
        assert_eq!(group_candidates("組織的安全管理対策"), vec!["組織的安全管理対策"]);
        assert_eq!(group_candidates("【物理的安全対策】"), vec!["【物理的安全対策】", "物理的安全対策"]);
        assert_eq!(
            group_candidates("6.3 組織的安全管理対策"),
            vec!["6.3 組織的安全管理対策", "組織的安全管理対策", "6.3"]
        );
    }

    #[test]
    fn skipped_rows_say_why_in_japanese_too() {
        let at = Cell { row: 3, column: "A".into() };
        let reason = |r: &str| Skipped { at: at.clone(), reason: r.to_owned(), requirement: None };
        let ja = sansho_core::Lang::Ja;
        assert_eq!(reason("group row 組織的安全管理対策").reason_text(ja), "区分の行（組織的安全管理対策）");
        assert_eq!(reason("heading row 6.3 技術的").reason_text(ja), "見出しの行（6.3 技術的）");
        assert_eq!(reason("repeated header row").reason_text(ja), "見出し行の繰り返し");
        assert_eq!(
            reason("derived suggestion \"（推定）実施済\", not an answer").reason_text(ja),
            "推定の行で、回答ではありません（\"（推定）実施済\"）"
        );
        assert_eq!(reason("未回答").reason_text(ja), "未回答");
        assert_eq!(reason("repeated header row").reason_text(sansho_core::Lang::En), "repeated header row");
    }
}

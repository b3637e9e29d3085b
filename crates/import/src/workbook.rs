//! Reading a workbook safely, whatever the library underneath does with a hostile file.
//!
//! Both workbook importers ([`crate::xlsx`], [`crate::checklist`]) read a workbook through this
//! module into a [`Book`]: every sheet's non-empty cells (sparse) and merged regions. calamine
//! does the parsing; this module makes sure it cannot be made to abort, panic or run away:
//!
//! 1. **Before calamine sees the file** ([`precheck`]): the file is at most [`MAX_FILE_BYTES`];
//!    a zip has at most [`MAX_ENTRIES`] entries, each at most [`MAX_ENTRY_BYTES`] unpacked (and
//!    no more than [`MAX_RATIO`] times its packed size once over 1 MiB), all together at most
//!    [`MAX_TOTAL_BYTES`] — counted while every entry is actually unpacked, not taken from the
//!    headers. In an xlsx/xlsm every XML part is streamed with quick-xml: each cell reference
//!    (`<c r=…>`), row number (`<row r=…>`), `<dimension ref=…>` and merged range must be a real
//!    cell (columns `A`–`XFD`, rows 1–1048576), and the shared strings' `count` and
//!    `uniqueCount` at most [`MAX_STRINGS`]. In an ods, `content.xml` is streamed and the used
//!    area of each table, with `table:number-rows-repeated` and `table:number-columns-repeated`
//!    applied, must stay within [`MAX_CELLS`].
//! 2. **While reading**: cells are streamed one by one (never calamine's dense `Range`, which
//!    allocates rows × columns), and a sheet whose non-empty cells span more than [`MAX_CELLS`]
//!    (a far cell such as `ZZ100000` beside `A1`) is refused at the first cell past the limit,
//!    naming it; a sheet has at most [`MAX_MERGES`] merged regions. Every call into calamine runs
//!    under `catch_unwind`, so a panic in the library is an error naming the file.
//! 3. **Legacy .xls** (OLE2 compound files, Excel 97-2003) is not read at all: its reader panics
//!    and hangs on damaged files in ways no pre-check can rule out. The user is told, in
//!    Japanese and English, to save the file as .xlsx. An `.xlsb` is binary inside its zip and
//!    gets only the zip checks; the cell-count bound of step 2 still holds.
//!
//! What no pre-check can promise (an allocation the library makes that was not foreseen, a
//! loop), [`crate::sandbox`] contains: it reads the workbook in a child process with a memory
//! and a time limit. Untrusted uploads go through it; [`read_book`] is the in-process reader
//! it runs.

use std::fmt;
use std::io::{Cursor, Read};
use std::panic::{AssertUnwindSafe, catch_unwind};

use calamine::{
    CellErrorType, Data, DataRef, Dimensions, ExcelDateTime, ExcelDateTimeType, Ods, Range, Reader, SheetType,
    SheetVisible, Xlsb, Xlsx,
};
use quick_xml::events::{BytesStart, Event};
use serde::{Deserialize, Serialize};

use sansho_core::{Msg, ja_en};

use crate::ImportError;
pub use crate::sandbox::BookReader;
use crate::xlsx::column_name;

/// The largest workbook file read.
pub const MAX_FILE_BYTES: usize = 32 << 20;
/// The most entries a workbook's zip may have.
pub const MAX_ENTRIES: usize = 10_000;
/// The largest unpacked size of one zip entry.
pub const MAX_ENTRY_BYTES: u64 = 64 << 20;
/// The largest unpacked size of all entries together.
pub const MAX_TOTAL_BYTES: u64 = 256 << 20;
/// The highest packed-to-unpacked ratio of an entry over 1 MiB unpacked (XML packs 5-20×;
/// a zip bomb thousands of times).
pub const MAX_RATIO: u64 = 200;
/// The most cells a sheet's used area (the rectangle around its non-empty cells) may have.
pub const MAX_CELLS: u64 = 1_000_000;
/// The most shared strings a workbook may declare.
pub const MAX_STRINGS: u64 = 1_000_000;
/// The most merged regions one sheet may have.
pub const MAX_MERGES: usize = 5_000;
/// The most merged regions times used cells of a sheet (what looking merges up costs).
pub const MAX_MERGE_WORK: u64 = 200_000_000;
/// The most sheets a workbook may have.
pub const MAX_SHEETS: usize = 1_000;
/// Excel's last row and column (1-based): `XFD1048576`.
pub const LAST_ROW: u32 = 1_048_576;
/// Excel's last column (1-based): `XFD`.
pub const LAST_COLUMN: u32 = 16_384;

/// The workbook formats read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// `.xlsx`, `.xlsm` (Office Open XML).
    Xlsx,
    /// `.xlsb` (Excel binary, in a zip).
    Xlsb,
    /// `.ods` (OpenDocument).
    Ods,
    /// `.xls`, `.xla` (legacy OLE2): refused.
    Xls,
}

impl Format {
    /// The format a file name's extension names, if any.
    pub fn from_name(file_name: &str) -> Option<Format> {
        let base = file_name.rsplit(['/', '\\']).next().unwrap_or(file_name);
        let ext = base.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase())?;
        Some(match ext.as_str() {
            "xlsx" | "xlsm" => Format::Xlsx,
            "xlsb" => Format::Xlsb,
            "ods" => Format::Ods,
            "xls" | "xla" => Format::Xls,
            _ => return None,
        })
    }
    /// The format's usual extension, lower case (`xlsx`, `xlsb`, `ods`, `xls`).
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Xlsx => "xlsx",
            Format::Xlsb => "xlsb",
            Format::Ods => "ods",
            Format::Xls => "xls",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A cell value, as calamine gives it (and as it travels as JSON from the sandbox).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Value {
    /// Text.
    String(String),
    /// A number.
    Float(f64),
    /// A whole number.
    Int(i64),
    /// TRUE or FALSE.
    Bool(bool),
    /// An Excel serial date (or duration), and whether the workbook counts from 1904.
    DateTime {
        /// Days since the workbook's epoch (the fraction is the time of day).
        serial: f64,
        /// The value is a duration, not a point in time.
        duration: bool,
        /// The workbook counts from 1904 (older Mac Excel) rather than 1900.
        is_1904: bool,
    },
    /// A date and time as ISO 8601 text (OpenDocument).
    DateTimeIso(String),
    /// A duration as ISO 8601 text (OpenDocument).
    DurationIso(String),
    /// `#N/A`, `#DIV/0!`, …
    Error(String),
}

impl Value {
    fn of(d: Data) -> Option<Value> {
        Some(match d {
            Data::Empty => return None,
            Data::String(s) => Value::String(s),
            Data::Float(f) => Value::Float(f),
            Data::Int(i) => Value::Int(i),
            Data::Bool(b) => Value::Bool(b),
            Data::DateTime(dt) => {
                let kind = if dt.is_duration() { ExcelDateTimeType::TimeDelta } else { ExcelDateTimeType::DateTime };
                // calamine keeps the epoch private: a 1900-based reading that differs is a 1904 one.
                let is_1904 = ExcelDateTime::new(dt.as_f64(), kind, false).to_ymd_hms_milli() != dt.to_ymd_hms_milli();
                Value::DateTime { serial: dt.as_f64(), duration: dt.is_duration(), is_1904 }
            }
            Data::DateTimeIso(s) => Value::DateTimeIso(s),
            Data::DurationIso(s) => Value::DurationIso(s),
            Data::Error(e) => Value::Error(e.to_string()),
        })
    }

    fn to_data(&self) -> Data {
        match self {
            Value::String(s) => Data::String(s.clone()),
            Value::Float(f) => Data::Float(*f),
            Value::Int(i) => Data::Int(*i),
            Value::Bool(b) => Data::Bool(*b),
            Value::DateTime { serial, duration, is_1904 } => Data::DateTime(ExcelDateTime::new(
                *serial,
                if *duration { ExcelDateTimeType::TimeDelta } else { ExcelDateTimeType::DateTime },
                *is_1904,
            )),
            Value::DateTimeIso(s) => Data::DateTimeIso(s.clone()),
            Value::DurationIso(s) => Data::DurationIso(s.clone()),
            Value::Error(e) => Data::Error(match e.as_str() {
                "#DIV/0!" => CellErrorType::Div0,
                "#N/A" => CellErrorType::NA,
                "#NAME?" => CellErrorType::Name,
                "#NULL!" => CellErrorType::Null,
                "#NUM!" => CellErrorType::Num,
                "#REF!" => CellErrorType::Ref,
                "#VALUE!" => CellErrorType::Value,
                _ => CellErrorType::GettingData,
            }),
        }
    }
}

/// One sheet: its non-empty cells (0-based row, column) and merged regions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Sheet {
    /// The sheet's name, as on its tab.
    pub name: String,
    /// A worksheet (the others — chart, dialog, macro sheets — have no cells here).
    pub worksheet: bool,
    /// `Worksheet`, `ChartSheet`, … as calamine names it, for messages.
    pub kind: String,
    /// The sheet is hidden (or very hidden) in the workbook.
    pub hidden: bool,
    /// The non-empty cells: 0-based row, 0-based column, value.
    pub cells: Vec<(u32, u32, Value)>,
    /// `[first row, first column, last row, last column]`, 0-based, inclusive.
    pub merges: Vec<[u32; 4]>,
}

impl Sheet {
    /// The cells as calamine's dense range (bounded: a [`Book`] never holds a sheet whose used
    /// area exceeds [`MAX_CELLS`]).
    pub fn range(&self) -> Range<Data> {
        let cells = self.cells.iter().map(|(r, c, v)| calamine::Cell::new((*r, *c), v.to_data())).collect();
        Range::from_sparse(cells)
    }
    /// The merged regions as calamine's dimensions.
    pub fn merges(&self) -> Vec<Dimensions> {
        self.merges.iter().map(|[r0, c0, r1, c1]| Dimensions::new((*r0, *c0), (*r1, *c1))).collect()
    }
}

/// A workbook as read: its sheets in workbook order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Book {
    /// The format it was read as.
    pub format: Format,
    /// The sheets, in workbook order.
    pub sheets: Vec<Sheet>,
}

impl Book {
    /// Checks the bounds every [`Book`] keeps (for one that arrived from elsewhere, such as
    /// the sandbox's output): sheet count, cell positions, used areas, merges.
    pub fn check(&self, file: &str) -> Result<(), ImportError> {
        if self.sheets.len() > MAX_SHEETS {
            return Err(too_many_sheets(file, self.sheets.len()));
        }
        for s in &self.sheets {
            let mut area = Area::default();
            for (r, c, _) in &s.cells {
                area.add(file, &s.name, *r, *c)?;
            }
            if s.merges.len() > MAX_MERGES {
                return Err(too_many_merges(file, &s.name, s.merges.len()));
            }
            // The importers look a cell's merge up among the sheet's merges: bound the work.
            let cells = area.cells();
            if (s.merges.len() as u64).saturating_mul(cells) > MAX_MERGE_WORK {
                return Err(ImportError::at(
                    &crate::xlsx::sheet_ref(file, &s.name),
                    0,
                    0,
                    format!(
                        "the sheet has {} merged regions over {cells} cells, too many for its size (merged regions \
                         × cells at most {MAX_MERGE_WORK}) / 結合セルが多すぎます",
                        s.merges.len()
                    ),
                ));
            }
            for [r0, c0, r1, c1] in &s.merges {
                if r0 > r1 || c0 > c1 || *r1 >= LAST_ROW || *c1 >= LAST_COLUMN {
                    return Err(ImportError::at(
                        &crate::xlsx::sheet_ref(file, &s.name),
                        0,
                        0,
                        Msg::new(
                            "結合セルの範囲がセルの範囲になっていません",
                            "a merged range is not a range of cells",
                        ),
                    ));
                }
            }
        }
        Ok(())
    }

    /// The sheet of this name, if any.
    pub fn sheet(&self, name: &str) -> Option<&Sheet> {
        self.sheets.iter().find(|s| s.name == name)
    }
}

fn too_many_sheets(file: &str, n: usize) -> ImportError {
    ImportError::at(
        file,
        0,
        0,
        ja_en!(
            "ブックにシートが {n} 枚あり、上限の {MAX_SHEETS} 枚を超えています",
            "the workbook has {n} sheets, more than the {MAX_SHEETS} a workbook may have"
        ),
    )
}

fn too_many_merges(file: &str, sheet: &str, n: usize) -> ImportError {
    ImportError::at(
        &crate::xlsx::sheet_ref(file, sheet),
        0,
        0,
        ja_en!(
            "シートに結合セルが {n} 個あり、上限の {MAX_MERGES} 個を超えています",
            "the sheet has {n} merged regions, more than the {MAX_MERGES} a sheet may have"
        ),
    )
}

/// The rectangle around a sheet's non-empty cells, grown cell by cell and refused once it
/// would hold more than [`MAX_CELLS`] cells.
#[derive(Debug, Default, Clone, Copy)]
struct Area {
    /// `(first row, first column, last row, last column)`, 0-based.
    span: Option<(u32, u32, u32, u32)>,
}

impl Area {
    fn cells(&self) -> u64 {
        self.span.map_or(0, |(r0, c0, r1, c1)| u64::from(r1 - r0 + 1) * u64::from(c1 - c0 + 1))
    }
    fn add(&mut self, file: &str, sheet: &str, r: u32, c: u32) -> Result<(), ImportError> {
        let place = || crate::xlsx::sheet_ref(file, sheet);
        if r >= LAST_ROW || c >= LAST_COLUMN {
            return Err(ImportError::at(&place(), 0, 0, {
                let (row, column) = (r + 1, c + 1);
                ja_en!(
                    "{row} 行目 {column} 列目のセルはワークシートの範囲外です（最後のセルは XFD1048576）",
                    "a cell at row {row}, column {column} is outside any worksheet (the last cell is XFD1048576)"
                )
            }));
        }
        let (r0, c0, r1, c1) = match self.span {
            None => (r, c, r, c),
            Some((r0, c0, r1, c1)) => (r0.min(r), c0.min(c), r1.max(r), c1.max(c)),
        };
        let cells = u64::from(r1 - r0 + 1) * u64::from(c1 - c0 + 1);
        if cells > MAX_CELLS {
            let cell = format!("{}{}", column_name(c), r + 1);
            let used = format!("{}{}:{}{}", column_name(c0), r0 + 1, column_name(c1), r1 + 1);
            return Err(ImportError::at(
                &place(),
                r as usize + 1,
                c as usize + 1,
                format!(
                    "cell {cell} is far from the rest of the sheet: with it the used range {used} would have {cells} \
                     cells, more than the {MAX_CELLS} a sheet may have; delete it (and whatever else lies outside \
                     the table) and import again / セル {cell} が表から離れた位置にあり、使用範囲 {used} が {cells} \
                     セルになります（上限 {MAX_CELLS}）。表の外のセルを削除してから取り込んでください"
                ),
            ));
        }
        self.span = Some((r0, c0, r1, c1));
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------
// The format of the bytes.

const OLE_MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

fn is_zip(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06")
}

/// The refusal of a legacy .xls workbook (or any OLE2 compound file), in both languages.
pub fn xls_refused(file: &str) -> ImportError {
    ImportError::at(
        file,
        0,
        0,
        "旧形式の Excel ブック（.xls、Excel 97-2003）またはパスワード付きのブックは読み込めません。Excel で開き、\
         パスワードなしの「Excel ブック (*.xlsx)」として保存し直してから取り込んでください / legacy .xls workbooks \
         (Excel 97-2003) and password-protected workbooks are not read, because their reader cannot be made safe \
         against damaged files: open the file in Excel, save it as .xlsx (Excel Workbook) without a password, and \
         import that",
    )
}

/// Refuses what is not a workbook of `format` by its first bytes, before any parser runs.
fn sniff(file: &str, bytes: &[u8], format: Format) -> Result<(), ImportError> {
    let fail = |msg: Msg| Err(ImportError::at(file, 0, 0, msg));
    if bytes.is_empty() {
        return fail(Msg::new("ファイルが空です", "the file is empty"));
    }
    if format == Format::Xls || bytes.starts_with(&OLE_MAGIC) {
        return Err(xls_refused(file));
    }
    if bytes.len() > MAX_FILE_BYTES {
        return fail(
            format!(
                "the file is {} bytes, more than the {MAX_FILE_BYTES} bytes a workbook may have / ファイルが大きすぎます（上限 {} MiB）",
                bytes.len(),
                MAX_FILE_BYTES >> 20
            )
            .into(),
        );
    }
    if !is_zip(bytes) {
        let text = std::str::from_utf8(&bytes[..bytes.len().min(4096)]).is_ok();
        let (hj, he) = if text {
            (
                "（テキストのようです。CSV ファイルなら名前を .csv にしてください）",
                " (it looks like text: a CSV file? name it .csv)",
            )
        } else {
            ("", "")
        };
        return fail(ja_en!(
            ".{format} のブックではありません: .{format} ファイルは zip 形式ですが、このファイルは zip ではありません{hj}",
            "not an .{format} workbook: not a zip archive, as every .{format} file is{he}"
        ));
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// The pre-check.

/// Checks a workbook's bytes before any parser allocates for them (see the module doc).
pub fn precheck(file: &str, bytes: &[u8], format: Format) -> Result<(), ImportError> {
    sniff(file, bytes, format)?;
    guarded(file, || precheck_zip(file, bytes, format))
}

fn precheck_zip(file: &str, bytes: &[u8], format: Format) -> Result<(), ImportError> {
    let damaged = |e: &dyn fmt::Display| ImportError::at(file, 0, 0, cannot_read(format, e));
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| damaged(&e))?;
    if zip.len() > MAX_ENTRIES {
        return Err(ImportError::at(file, 0, 0, {
            let n = zip.len();
            ja_en!(
                "ブックの zip に {n} 個の項目があり、上限の {MAX_ENTRIES} 個を超えています",
                "the workbook's zip has {n} entries, more than the {MAX_ENTRIES} a workbook may have"
            )
        }));
    }
    let mut total = 0u64;
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).map_err(|e| damaged(&e))?;
        if entry.is_dir() {
            continue;
        }
        let name = entry.name().map_err(|e| damaged(&e))?.into_owned();
        let at = format!("{file} ({name})");
        let (packed, declared) = (entry.compressed_size(), entry.size());
        let too_big = |size: u64| {
            ImportError::at(
                &at,
                0,
                0,
                format!(
                    "the part unpacks to more than {size} bytes (at most {MAX_ENTRY_BYTES} per part and \
                     {MAX_TOTAL_BYTES} in all): not read / 展開後のサイズが大きすぎるため読み込みません"
                ),
            )
        };
        if declared > MAX_ENTRY_BYTES {
            return Err(too_big(declared));
        }
        let ratio = |unpacked: u64| unpacked > (1 << 20) && unpacked / packed.max(1) > MAX_RATIO;
        if ratio(declared) {
            return Err(bomb(&at, packed, declared));
        }
        // Unpack for real (the sizes in the headers may lie), counting as we go.
        let mut limited = Counting { inner: (&mut entry).take(MAX_ENTRY_BYTES + 1), count: 0 };
        let lower = name.to_ascii_lowercase();
        let result = match format {
            Format::Xlsx if lower.ends_with(".xml") => check_xlsx_xml(&at, &mut limited),
            Format::Ods if lower == "content.xml" => check_ods_content(file, &at, &mut limited),
            _ => std::io::copy(&mut limited, &mut std::io::sink()).map(|_| ()).map_err(|e| damaged(&e)),
        };
        // Drain what the XML check left unread, so the count is the whole entry's.
        let _ = std::io::copy(&mut limited, &mut std::io::sink());
        let unpacked = limited.count;
        if unpacked > MAX_ENTRY_BYTES {
            return Err(too_big(MAX_ENTRY_BYTES));
        }
        if ratio(unpacked) {
            return Err(bomb(&at, packed, unpacked));
        }
        total += unpacked;
        if total > MAX_TOTAL_BYTES {
            return Err(too_big(MAX_TOTAL_BYTES));
        }
        result?;
    }
    Ok(())
}

fn bomb(at: &str, packed: u64, unpacked: u64) -> ImportError {
    ImportError::at(
        at,
        0,
        0,
        format!(
            "the part unpacks from {packed} to {unpacked} bytes, more than {MAX_RATIO} times its size: a zip bomb, \
             not read / 圧縮率が異常に高いため読み込みません"
        ),
    )
}

/// A reader that counts the bytes read through it.
struct Counting<R> {
    inner: R,
    count: u64,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count += n as u64;
        Ok(n)
    }
}

fn attr(e: &BytesStart, name: &str) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.as_ref() == name || a.key.local_name().as_ref() == name)
        .map(|a| a.value.into_owned())
}

/// A cell reference as Excel writes it (`B12`, `$B$12`), 0-based, if it is a real cell.
pub fn parse_cell_ref(s: &str) -> Option<(u32, u32)> {
    let s = s.replace('$', "");
    let letters = s.bytes().take_while(u8::is_ascii_alphabetic).count();
    let (col, row) = s.split_at(letters);
    if !(1..=3).contains(&letters) || row.is_empty() || row.len() > 7 || !row.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let c = col.bytes().fold(0u32, |n, b| n * 26 + u32::from(b.to_ascii_uppercase() - b'A') + 1);
    let r: u32 = row.parse().ok()?;
    ((1..=LAST_COLUMN).contains(&c) && (1..=LAST_ROW).contains(&r)).then(|| (r - 1, c - 1))
}

fn bad_ref(at: &str, what: &str, value: &str) -> ImportError {
    let shown: String = value.chars().take(40).collect();
    let more = if value.chars().count() > 40 { "…" } else { "" };
    ImportError::at(
        at,
        0,
        0,
        format!(
            "{what} {shown:?}{more} is not a cell (columns run A-XFD, rows 1-1048576): the workbook is damaged, \
             not read / セル参照が不正なため読み込みません"
        ),
    )
}

/// The XML checks of an xlsx part: cell references, row numbers, dimensions, merged ranges,
/// shared-string counts.
fn check_xlsx_xml(at: &str, input: &mut impl Read) -> Result<(), ImportError> {
    let mut reader = quick_xml::Reader::from_reader(std::io::BufReader::new(input));
    let mut buf = Vec::new();
    let xml_err = |e: &dyn fmt::Display| {
        ImportError::at(at, 0, 0, ja_en!("XML が壊れています（{e}）", "the XML is damaged: {e}"))
    };
    loop {
        buf.clear();
        let event = reader.read_event_into(&mut buf).map_err(|e| xml_err(&e))?;
        let e = match &event {
            Event::Start(e) | Event::Empty(e) => e,
            Event::Eof => return Ok(()),
            _ => continue,
        };
        match e.local_name().as_ref() {
            "c" => {
                if let Some(r) = attr(e, "r")
                    && parse_cell_ref(&r).is_none()
                {
                    return Err(bad_ref(at, "the cell reference", &r));
                }
            }
            "row" => {
                if let Some(r) = attr(e, "r")
                    && !(r.len() <= 7 && r.parse::<u32>().is_ok_and(|n| (1..=LAST_ROW).contains(&n)))
                {
                    return Err(bad_ref(at, "the row number", &r));
                }
            }
            "dimension" | "mergeCell" => {
                if let Some(r) = attr(e, "ref") {
                    let mut parts = r.split(':');
                    let ok = match (parts.next(), parts.next(), parts.next()) {
                        (Some(a), None, None) => parse_cell_ref(a).is_some(),
                        (Some(a), Some(b), None) => parse_cell_ref(a).is_some() && parse_cell_ref(b).is_some(),
                        _ => false,
                    };
                    if !ok {
                        return Err(bad_ref(at, "the range", &r));
                    }
                }
            }
            "sst" => {
                for name in ["count", "uniqueCount"] {
                    if let Some(v) = attr(e, name) {
                        let n = v.trim().parse::<u64>().unwrap_or(u64::MAX);
                        if n > MAX_STRINGS {
                            return Err(ImportError::at(
                                at,
                                0,
                                0,
                                format!(
                                    "the shared strings declare {name}=\"{}\", more than the {MAX_STRINGS} a workbook \
                                     may have: not read / 共有文字列の数が多すぎるため読み込みません",
                                    v.chars().take(30).collect::<String>()
                                ),
                            ));
                        }
                    }
                }
            }
            _ => {}
        }
    }
}

/// The used area of each table of an ods `content.xml`, repeats applied.
fn check_ods_content(file: &str, at: &str, input: &mut impl Read) -> Result<(), ImportError> {
    let mut reader = quick_xml::Reader::from_reader(std::io::BufReader::new(input));
    let mut buf = Vec::new();
    let xml_err = |e: &dyn fmt::Display| {
        ImportError::at(at, 0, 0, ja_en!("XML が壊れています（{e}）", "the XML is damaged: {e}"))
    };
    let repeats = |e: &BytesStart, name: &str| -> Result<u64, ImportError> {
        match attr(e, name) {
            None => Ok(1),
            Some(v) => v.trim().parse::<u64>().ok().filter(|n| *n >= 1).ok_or_else(|| {
                ImportError::at(at, 0, 0, ja_en!("{name} {v:?} は個数ではありません", "{name} {v:?} is not a count"))
            }),
        }
    };
    #[derive(Default)]
    struct Table {
        name: String,
        row: u64,
        /// Used rows and columns so far: (first row, first col, last row, last col).
        span: Option<(u64, u64, u64, u64)>,
        /// Cells calamine keeps while reading (each row up to its last non-empty cell).
        raw: u64,
    }
    let mut table: Option<Table> = None;
    /// The current row: its repeat, the next column, the used columns.
    type OpenRow = (u64, u64, Option<(u64, u64)>);
    let mut row: Option<OpenRow> = None;
    let mut depth_in_cell = 0u32;
    let too_big = |t: &Table, what: String| {
        ImportError::at(
            &crate::xlsx::sheet_ref(file, &t.name),
            0,
            0,
            format!(
                "{what}, more than the {MAX_CELLS} cells a sheet may have (repeated rows or columns count once per \
                 repeat): not read / 繰り返し行・列を含む使用範囲が大きすぎるため読み込みません"
            ),
        )
    };
    loop {
        buf.clear();
        let event = reader.read_event_into(&mut buf).map_err(|e| xml_err(&e))?;
        match &event {
            Event::Eof => return Ok(()),
            Event::Start(e) | Event::Empty(e) => {
                let empty = matches!(event, Event::Empty(_));
                match e.name().as_ref() {
                    "table:table" if !empty => {
                        table = Some(Table { name: attr(e, "table:name").unwrap_or_default(), ..Table::default() });
                    }
                    "table:table-row" => {
                        let n = repeats(e, "table:number-rows-repeated")?;
                        row = Some((n, 0, None));
                        if empty {
                            if let Some(t) = table.as_mut() {
                                t.row = t.row.saturating_add(n);
                            }
                            row = None;
                        }
                    }
                    "table:table-cell" | "table:covered-table-cell" => {
                        let n = repeats(e, "table:number-columns-repeated")?;
                        if let Some((_, col, used)) = row.as_mut() {
                            let has_value =
                                !empty || attr(e, "office:value-type").is_some() || attr(e, "table:formula").is_some();
                            if has_value {
                                let last = col.saturating_add(n - 1);
                                *used = Some(used.map_or((*col, last), |(a, _)| (a, last)));
                            }
                            *col = col.saturating_add(n);
                        }
                        if !empty {
                            depth_in_cell += 1;
                        }
                    }
                    _ if depth_in_cell > 0 && !empty => depth_in_cell += 1,
                    _ => {}
                }
            }
            Event::End(e) => match e.name().as_ref() {
                "table:table-cell" | "table:covered-table-cell" => depth_in_cell = depth_in_cell.saturating_sub(1),
                "table:table-row" => {
                    if let (Some(t), Some((n, _, used))) = (table.as_mut(), row.take()) {
                        if let Some((c0, c1)) = used {
                            let (r0, r1) = (t.row, t.row.saturating_add(n - 1));
                            let span = match t.span {
                                None => (r0, c0, r1, c1),
                                Some((a, b, _, d)) => (a, b.min(c0), r1, d.max(c1)),
                            };
                            let (rows, cols) = (span.2 - span.0 + 1, span.3 - span.1 + 1);
                            if rows.saturating_mul(cols) > MAX_CELLS {
                                return Err(too_big(
                                    t,
                                    format!(
                                        "the used area is {rows} rows by {cols} columns ({} cells)",
                                        rows.saturating_mul(cols)
                                    ),
                                ));
                            }
                            t.raw = t.raw.saturating_add(c1 + 1);
                            if t.raw > 2 * MAX_CELLS {
                                return Err(too_big(t, format!("the rows hold {} cells", t.raw)));
                            }
                            t.span = Some(span);
                        }
                        t.row = t.row.saturating_add(n);
                    }
                }
                "table:table" => table = None,
                _ if depth_in_cell > 0 => depth_in_cell -= 1,
                _ => {}
            },
            _ => {}
        }
    }
}

// ---------------------------------------------------------------------------------------
// Reading.

/// Runs a call into the workbook library, turning a panic into an error naming the file.
fn guarded<T>(file: &str, f: impl FnOnce() -> Result<T, ImportError>) -> Result<T, ImportError> {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or_else(|panic| {
        let why = panic
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown".to_owned());
        Err(ImportError::at(
            file,
            0,
            0,
            format!(
                "the workbook reader failed on this file (it is damaged, or made to break readers): {why} / \
                 ブックが壊れているため読み込めません"
            ),
        ))
    })
}

/// Reads a workbook in this process: [`precheck`], then calamine under `catch_unwind`, cell by
/// cell within the bounds. `file_name` names the file in errors; `format` is usually
/// [`Format::from_name`] of it.
pub fn read_book(file_name: &str, bytes: &[u8], format: Format) -> Result<Book, ImportError> {
    precheck(file_name, bytes, format)?;
    let book = guarded(file_name, || match format {
        Format::Xlsx => read_xlsx(file_name, bytes),
        Format::Xlsb => read_xlsb(file_name, bytes),
        Format::Ods => read_ods(file_name, bytes),
        Format::Xls => Err(xls_refused(file_name)),
    })?;
    book.check(file_name)?;
    Ok(book)
}

fn damaged(file: &str, format: Format) -> impl Fn(&dyn fmt::Display) -> ImportError + '_ {
    move |e| ImportError::at(file, 0, 0, cannot_read(format, e))
}

fn sheet_error(file: &str, sheet: &str) -> impl Fn(&dyn fmt::Display) -> ImportError {
    let place = crate::xlsx::sheet_ref(file, sheet);
    move |e| ImportError::at(&place, 0, 0, ja_en!("シートを読めません（{e}）", "cannot read the sheet: {e}"))
}

/// A workbook the library could not read, with its own (English) words.
fn cannot_read(format: Format, e: &dyn fmt::Display) -> Msg {
    ja_en!("この .{format} ブックを読めません（{e}）", "cannot read the .{format} workbook: {e}")
}

fn meta_sheet(meta: &calamine::Sheet) -> Sheet {
    Sheet {
        name: meta.name.clone(),
        worksheet: meta.typ == SheetType::WorkSheet,
        kind: format!("{:?}", meta.typ),
        hidden: meta.visible != SheetVisible::Visible,
        cells: Vec::new(),
        merges: Vec::new(),
    }
}

fn push_cell(file: &str, sheet: &mut Sheet, area: &mut Area, pos: (u32, u32), d: Data) -> Result<(), ImportError> {
    if let Some(v) = Value::of(d) {
        area.add(file, &sheet.name, pos.0, pos.1)?;
        sheet.cells.push((pos.0, pos.1, v));
    }
    Ok(())
}

fn read_xlsx(file: &str, bytes: &[u8]) -> Result<Book, ImportError> {
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(|e| damaged(file, Format::Xlsx)(&e))?;
    let metas = wb.sheets_metadata().to_vec();
    if metas.len() > MAX_SHEETS {
        return Err(too_many_sheets(file, metas.len()));
    }
    let mut sheets = Vec::new();
    for meta in &metas {
        let mut sheet = meta_sheet(meta);
        if sheet.worksheet {
            let err = sheet_error(file, &meta.name);
            let mut area = Area::default();
            {
                let mut cells = wb.worksheet_cells_reader(&meta.name).map_err(|e| err(&e))?;
                while let Some(cell) = cells.next_cell().map_err(|e| err(&e))? {
                    let pos = cell.get_position();
                    let value: DataRef = cell.get_value().clone();
                    push_cell(file, &mut sheet, &mut area, pos, Data::from(value))?;
                }
            }
            let merges = wb.merge_cells_by_sheet_name(&meta.name).map_err(|e| err(&e))?;
            if merges.len() > MAX_MERGES {
                return Err(too_many_merges(file, &meta.name, merges.len()));
            }
            sheet.merges = merges.iter().map(|d| [d.start.0, d.start.1, d.end.0, d.end.1]).collect();
        }
        sheets.push(sheet);
    }
    Ok(Book { format: Format::Xlsx, sheets })
}

fn read_xlsb(file: &str, bytes: &[u8]) -> Result<Book, ImportError> {
    let mut wb: Xlsb<_> = Xlsb::new(Cursor::new(bytes)).map_err(|e| damaged(file, Format::Xlsb)(&e))?;
    let metas = wb.sheets_metadata().to_vec();
    if metas.len() > MAX_SHEETS {
        return Err(too_many_sheets(file, metas.len()));
    }
    let mut sheets = Vec::new();
    for meta in &metas {
        let mut sheet = meta_sheet(meta);
        if sheet.worksheet {
            let err = sheet_error(file, &meta.name);
            let mut area = Area::default();
            let mut cells = wb.worksheet_cells_reader(&meta.name).map_err(|e| err(&e))?;
            while let Some(cell) = cells.next_cell().map_err(|e| err(&e))? {
                let pos = cell.get_position();
                let value: DataRef = cell.get_value().clone();
                push_cell(file, &mut sheet, &mut area, pos, Data::from(value))?;
            }
        }
        sheets.push(sheet);
    }
    Ok(Book { format: Format::Xlsb, sheets })
}

fn read_ods(file: &str, bytes: &[u8]) -> Result<Book, ImportError> {
    let mut wb: Ods<_> = Ods::new(Cursor::new(bytes)).map_err(|e| damaged(file, Format::Ods)(&e))?;
    let metas = wb.sheets_metadata().to_vec();
    if metas.len() > MAX_SHEETS {
        return Err(too_many_sheets(file, metas.len()));
    }
    let mut sheets = Vec::new();
    for meta in &metas {
        let mut sheet = meta_sheet(meta);
        if sheet.worksheet {
            let err = sheet_error(file, &meta.name);
            let range = wb.worksheet_range(&meta.name).map_err(|e| err(&e))?;
            let mut area = Area::default();
            for (r, c, d) in range.used_cells() {
                let (r0, c0) = range.start().unwrap_or_default();
                push_cell(file, &mut sheet, &mut area, (r0 + r as u32, c0 + c as u32), d.clone())?;
            }
        }
        sheets.push(sheet);
    }
    Ok(Book { format: Format::Ods, sheets })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cell_references() {
        assert_eq!(parse_cell_ref("A1"), Some((0, 0)));
        assert_eq!(parse_cell_ref("$B$12"), Some((11, 1)));
        assert_eq!(parse_cell_ref("XFD1048576"), Some((1_048_575, 16_383)));
        assert_eq!(parse_cell_ref("XFE1"), None);
        assert_eq!(parse_cell_ref("A1048577"), None);
        assert_eq!(parse_cell_ref("A0"), None);
        assert_eq!(parse_cell_ref("AAAAAAAAAAAAAAAAAAAAAAAAA1"), None);
        assert_eq!(parse_cell_ref("A12345678901234567890"), None);
        assert_eq!(parse_cell_ref("1A"), None);
    }
}

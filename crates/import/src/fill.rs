//! The user's official text for an outline catalog (`sansho catalog fill <outline-id> FILE`).
//!
//! FILE is a CSV (UTF-8, a header row with a label column — `ラベル`/`label`/`項番`/`No.` — and a
//! text column — `本文`/`text`/`記載内容`), a workbook (xlsx/xlsm/xlsb/ods: the same header row on
//! the first sheet, title rows above it allowed) or TOML (`[[text]] label = … text = …`). Each row
//! names a node of the outline by its printed label (or its id) and gives its text. [`fill`] makes
//! the outline with those texts: the same ids, parents and labels (so every mapping set still
//! resolves), each supplied text with the user's file and row appended to the node's provenance.
//! It stops being an outline once every requirement leaf has text.
//!
//! Every row problem (unknown label, empty text, a label twice, no header) is collected, with
//! its row and column, in both languages, so the caller reports them all at once and writes
//! nothing. Bytes in, values out: the caller reads and writes the files.

use std::collections::HashMap;

use calamine::Data;
use sansho_core::label::label_key;
use sansho_core::{Catalog, Lang, Msg, Provenance, ja_en};

use crate::workbook::{BookReader, Format};

/// The kinds of file `catalog fill` reads, by extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `.csv`, `.txt`.
    Csv,
    /// `.toml`.
    Toml,
    /// `.xlsx`, `.xlsm`, `.xlsb`, `.ods`.
    Workbook,
}

impl Kind {
    /// The kind of a file by its (lower-case) extension, if it is one `catalog fill` reads.
    pub fn from_ext(ext: &str) -> Option<Kind> {
        match ext {
            "csv" | "txt" => Some(Kind::Csv),
            "toml" => Some(Kind::Toml),
            "xlsx" | "xlsm" | "xlsb" | "ods" => Some(Kind::Workbook),
            _ => None,
        }
    }
}

/// One supplied text: the row (1-based line or row) it was read from, the label as written, the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Supplied {
    /// 1-based line or row of the user's file.
    pub row: usize,
    /// The label (or id) as written.
    pub label: String,
    /// The official text supplied for that node.
    pub text: String,
}

/// A problem in the user's file: row and column (1-based; 0 = the whole file or row), in both
/// languages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    /// 1-based row; 0 for the whole file.
    pub row: usize,
    /// 1-based column; 0 for the whole row.
    pub column: usize,
    /// What is wrong, in Japanese and English.
    pub message: Msg,
}

impl RowError {
    fn new(row: usize, column: usize, message: Msg) -> Self {
        Self { row, column, message }
    }

    /// `file:row:column: message` in `lang` (`file:row: …` without a column, `file: …` without a row).
    pub fn text(&self, file: &str, lang: Lang) -> String {
        let m = self.message.get(lang);
        match (self.row, self.column) {
            (0, _) => format!("{file}: {m}"),
            (r, 0) => format!("{file}:{r}: {m}"),
            (r, c) => format!("{file}:{r}:{c}: {m}"),
        }
    }
}

const LABEL_HEADERS: &[&str] = &["ラベル", "label", "項番", "no.", "no", "番号"];
const TEXT_HEADERS: &[&str] = &["本文", "text", "記載内容", "要求事項"];

fn header_col(cells: &[String], names: &[&str]) -> Option<usize> {
    cells.iter().position(|c| names.iter().any(|n| c.trim().eq_ignore_ascii_case(n)))
}

/// Reads the supplied texts of a file of `kind`; `file` names it (a workbook's reader names it
/// in its errors). Problems are pushed to `errors`.
pub fn read(reader: &BookReader, kind: Kind, file: &str, bytes: &[u8], errors: &mut Vec<RowError>) -> Vec<Supplied> {
    match kind {
        Kind::Csv => read_csv(bytes, errors),
        Kind::Toml => read_toml(&String::from_utf8_lossy(bytes), errors),
        Kind::Workbook => read_workbook(reader, file, bytes, errors),
    }
}

/// Rows of a table (CSV or a sheet) → supplied texts, from the first row with both headers.
pub fn from_table(rows: Vec<Vec<String>>, errors: &mut Vec<RowError>) -> Vec<Supplied> {
    let Some((h, lc, tc)) = rows
        .iter()
        .enumerate()
        .find_map(|(i, r)| Some((i, header_col(r, LABEL_HEADERS)?, header_col(r, TEXT_HEADERS)?)))
    else {
        errors.push(RowError::new(
            1,
            0,
            Msg::new(
                "ラベルの列（ラベル/label/項番）と本文の列（本文/text/記載内容）のある見出し行がありません",
                "no header row with a label column (ラベル/label/項番) and a text column (本文/text/記載内容)",
            ),
        ));
        return Vec::new();
    };
    let mut out = Vec::new();
    for (i, r) in rows.iter().enumerate().skip(h + 1) {
        let cell = |c: usize| r.get(c).map(|s| s.trim().to_owned()).unwrap_or_default();
        let (label, text) = (cell(lc), cell(tc));
        if label.is_empty() && text.is_empty() {
            continue;
        }
        if label.is_empty() {
            errors.push(RowError::new(i + 1, lc + 1, Msg::new("ラベルが空です", "the label is empty")));
            continue;
        }
        if text.is_empty() {
            errors.push(RowError::new(i + 1, tc + 1, empty_text(&label)));
            continue;
        }
        out.push(Supplied { row: i + 1, label, text });
    }
    out
}

fn empty_text(label: &str) -> Msg {
    ja_en!("{label:?} の本文が空です", "the text of {label:?} is empty")
}

/// A CSV file (UTF-8, a byte order mark allowed).
pub fn read_csv(bytes: &[u8], errors: &mut Vec<RowError>) -> Vec<Supplied> {
    let text = String::from_utf8_lossy(bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes)).into_owned();
    let mut rdr = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for rec in rdr.records() {
        match rec {
            Ok(r) => {
                let line = r.position().map_or(rows.len() + 1, |p| p.line() as usize);
                // Keep the table's row numbers equal to the file's lines (a quoted cell may span lines).
                while rows.len() + 1 < line {
                    rows.push(Vec::new());
                }
                rows.push(r.iter().map(str::to_owned).collect());
            }
            Err(e) => {
                let row = e.position().map_or(0, |p| p.line() as usize);
                errors.push(RowError::new(row, 0, ja_en!("CSV を読めません（{e}）", "{e}")));
                return Vec::new();
            }
        }
    }
    from_table(rows, errors)
}

/// The first worksheet of an untrusted workbook, read through `reader` (the pre-checks, then —
/// with [`BookReader::Sandbox`] — a child process with a memory and time limit): a hostile file
/// ends in an error, never in the process aborting or hanging.
pub fn read_workbook(reader: &BookReader, file: &str, bytes: &[u8], errors: &mut Vec<RowError>) -> Vec<Supplied> {
    let Some(format) = Format::from_name(file) else {
        errors.push(RowError::new(0, 0, ja_en!("{file}: ブックではありません", "{file}: not a workbook")));
        return Vec::new();
    };
    let book = match reader.read(file, bytes, format) {
        Ok(book) => book,
        Err(e) => {
            // The reader's own place (sheet, cell) stays in front of its words.
            let message = Msg::new(e.text(Lang::Ja), e.text(Lang::En));
            errors.push(RowError::new(0, 0, message));
            return Vec::new();
        }
    };
    let Some(sheet) = book.sheets.iter().find(|s| s.worksheet) else {
        errors.push(RowError::new(
            0,
            0,
            Msg::new("ブックに読めるシートがありません", "the workbook has no readable sheet"),
        ));
        return Vec::new();
    };
    let range = sheet.range();
    let (r0, c0) = range.start().unwrap_or((0, 0));
    let mut rows: Vec<Vec<String>> = vec![Vec::new(); r0 as usize];
    for r in range.rows() {
        let mut cells = vec![String::new(); c0 as usize];
        cells.extend(r.iter().map(|d| match d {
            Data::Empty => String::new(),
            other => other.to_string(),
        }));
        rows.push(cells);
    }
    from_table(rows, errors)
}

/// A TOML file of `[[text]] label = … text = …` tables.
pub fn read_toml(text: &str, errors: &mut Vec<RowError>) -> Vec<Supplied> {
    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct File {
        #[serde(default)]
        text: Vec<toml::Spanned<Entry>>,
    }
    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Entry {
        label: String,
        text: String,
    }
    let line_of = |off: usize| text[..off.min(text.len())].matches('\n').count() + 1;
    match toml::from_str::<File>(text) {
        Ok(f) => f
            .text
            .into_iter()
            .filter_map(|e| {
                let row = line_of(e.span().start);
                let e = e.into_inner();
                if e.text.trim().is_empty() {
                    errors.push(RowError::new(row, 1, empty_text(&e.label)));
                    return None;
                }
                Some(Supplied { row, label: e.label.trim().to_owned(), text: e.text.trim().to_owned() })
            })
            .collect(),
        Err(e) => {
            errors.push(RowError::new(e.span().map_or(0, |s| line_of(s.start)), 1, crate::answers::toml_msg(&e)));
            Vec::new()
        }
    }
}

/// The outline with the supplied texts; `file` (the user's file name) goes into each filled
/// node's provenance and note. Rows that name no node, or a node twice, are pushed to `errors`.
pub fn fill(outline: &Catalog, file: &str, supplied: Vec<Supplied>, errors: &mut Vec<RowError>) -> Catalog {
    let mut c = outline.clone();
    // An id names one node; a printed label may be shared (mhlw-6 prints `5` twice): then the id
    // must be written.
    let mut by_label: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, r) in c.requirements.iter().enumerate() {
        by_label.entry(label_key(&r.label)).or_default().push(i);
    }
    let by_id: HashMap<String, usize> =
        c.requirements.iter().enumerate().map(|(i, r)| (r.id.as_str().to_owned(), i)).collect();
    let mut seen: HashMap<usize, usize> = HashMap::new();
    for s in supplied {
        let i = match (by_id.get(&s.label), by_label.get(&label_key(&s.label)).map(Vec::as_slice)) {
            (Some(&i), _) | (None, Some(&[i])) => i,
            (None, Some(many)) => {
                let ids: Vec<&str> = many.iter().map(|&i| c.requirements[i].id.as_str()).collect();
                let (label, n, id) = (&s.label, many.len(), &c.id);
                let (ja, en) = (ids.join("、"), ids.join(", "));
                errors.push(RowError::new(
                    s.row,
                    1,
                    ja_en!(
                        "ラベル {label:?} は {id} の {n} 個の項目に当たります: 代わりに ID を書いてください（{ja}）",
                        "the label {label:?} names {n} nodes of {id}: write the id instead ({en})"
                    ),
                ));
                continue;
            }
            (None, _) => {
                let (label, id) = (&s.label, &c.id);
                errors.push(RowError::new(
                    s.row,
                    1,
                    ja_en!(
                        "{label:?} は {id} のラベルでも ID でもありません",
                        "{label:?} is not a label or id of {id}"
                    ),
                ));
                continue;
            }
        };
        if let Some(first) = seen.insert(i, s.row) {
            let label = &s.label;
            errors.push(RowError::new(
                s.row,
                1,
                ja_en!(
                    "{label:?} の本文はすでにあります（{first} 行目）",
                    "{label:?} has a text already (row {first})"
                ),
            ));
            continue;
        }
        let r = &mut c.requirements[i];
        let note = match &r.text {
            Some(_) => format!("本文は利用者が提供した公式の本文による（{file}:{}）。出典の引用は置き換えた。", s.row),
            None => format!("本文は利用者が提供した公式の本文による（{file}:{}）。", s.row),
        };
        r.text = Some(s.text);
        r.provenance.push(Provenance::line(file.to_owned(), s.row as u32));
        match &mut r.note {
            Some(n) => {
                n.push(' ');
                n.push_str(&note);
            }
            None => r.note = Some(note),
        }
    }
    let missing = c.leaves_without_text().len();
    c.outline = match (&outline.outline, missing) {
        (_, 0) => None,
        (o, _) => o.clone(),
    };
    let d = c.description.get_or_insert_with(String::new);
    d.push_str(&format!(" 本文は利用者のファイル {file} によって補った（sansho catalog fill）。"));
    c
}

/// Reads `bytes` as a file of `kind` and fills `outline` with its texts: the filled catalog, or
/// every problem (sorted by row and column) when there was any.
pub fn fill_outline(
    reader: &BookReader,
    outline: &Catalog,
    kind: Kind,
    file: &str,
    bytes: &[u8],
) -> Result<Catalog, Vec<RowError>> {
    let mut errors = Vec::new();
    let supplied = read(reader, kind, file, bytes, &mut errors);
    let filled = fill(outline, file, supplied, &mut errors);
    if errors.is_empty() {
        Ok(filled)
    } else {
        errors.sort_by_key(|e| (e.row, e.column));
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_table_without_its_headers_and_an_empty_text_are_reported_in_both_languages() {
        let mut errors = Vec::new();
        assert!(read_csv(b"a,b\nc,d\n", &mut errors).is_empty());
        assert_eq!(
            errors[0].text("x.csv", Lang::En),
            "x.csv:1: no header row with a label column (ラベル/label/項番) and a text column (本文/text/記載内容)"
        );
        assert!(errors[0].text("x.csv", Lang::Ja).starts_with("x.csv:1: ラベルの列"));
        let mut errors = Vec::new();
        let got = read_csv("\u{feff}ラベル,本文\n1,\n2,本文です\n".as_bytes(), &mut errors);
        assert_eq!(got, vec![Supplied { row: 3, label: "2".into(), text: "本文です".into() }]);
        assert_eq!(errors[0].text("x.csv", Lang::Ja), "x.csv:2:2: \"1\" の本文が空です");
        let mut errors = Vec::new();
        assert!(read_toml("[[text]]\nlabel = 1\n", &mut errors).is_empty());
        assert!(errors[0].message.ja().starts_with("TOML として読めません（"), "{:?}", errors[0]);
    }
}

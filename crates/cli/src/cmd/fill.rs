//! `sansho catalog fill <outline-id> FILE --out DIR`: supply the official text of an outline
//! catalog from the user's own copy (the refusal of an outline for an assessment is
//! `sansho_app::AppError::Outline`).
//!
//! FILE is a CSV (UTF-8, a header row with a label column — `ラベル`/`label`/`項番`/`No.` — and a
//! text column — `本文`/`text`/`記載内容`), a workbook (xlsx/xlsm/ods: the same header row on the
//! first sheet, title rows above it allowed) or TOML (`[[text]] label = … text = …`). Each row
//! names a node of the outline by its printed label (or its id) and gives its text. The result is
//! the outline with those texts, written as a user catalog `<DIR>/<id>.toml` with the same ids,
//! parents and labels (so every mapping set still resolves), each supplied text with the user's
//! file and row appended to the node's provenance. It stops being an outline once every
//! requirement leaf has text; otherwise the command lists what is still missing.
//!
//! Every row problem (unknown label, empty text, a label twice, no header) is reported at once
//! with file, row and column, and then nothing is written; the file is written to a temporary
//! name and renamed into place.

use std::collections::HashMap;
use std::path::Path;

use anyhow::{Context, Result, bail};
use calamine::Data;
use sansho_core::label::label_key;
use sansho_core::{Catalog, CatalogSet, Provenance};

use crate::args::Lang;
use crate::ui::{outln, t};

/// One line saying a catalog is an outline, for `show` and `crosswalk`.
pub fn outline_line(c: &Catalog, lang: Lang) -> String {
    match lang {
        Lang::Ja => format!(
            "アウトライン：{} は出典に構成と一部の本文しかないカタログ（本文のない末端の項目 {} 件）。",
            c.id,
            c.leaves_without_text().len()
        ),
        Lang::En => format!(
            "outline (アウトライン): {} holds the structure and a few texts only ({} requirement leaves without text).",
            c.id,
            c.leaves_without_text().len()
        ),
    }
}

/// One supplied text: the row (1-based line or row) it was read from, the label as written, the text.
struct Supplied {
    row: usize,
    label: String,
    text: String,
}

/// A problem in the user's file: row and column (1-based; 0 = the whole file).
struct RowError {
    row: usize,
    column: usize,
    message: String,
}

const LABEL_HEADERS: &[&str] = &["ラベル", "label", "項番", "no.", "no", "番号"];
const TEXT_HEADERS: &[&str] = &["本文", "text", "記載内容", "要求事項"];

fn header_col(cells: &[String], names: &[&str]) -> Option<usize> {
    cells.iter().position(|c| names.iter().any(|n| c.trim().eq_ignore_ascii_case(n)))
}

/// Rows of a table (CSV or a sheet) → supplied texts, from the first row with both headers.
fn from_table(rows: Vec<Vec<String>>, errors: &mut Vec<RowError>) -> Vec<Supplied> {
    let Some((h, lc, tc)) = rows
        .iter()
        .enumerate()
        .find_map(|(i, r)| Some((i, header_col(r, LABEL_HEADERS)?, header_col(r, TEXT_HEADERS)?)))
    else {
        errors.push(RowError {
            row: 1,
            column: 0,
            message: "no header row with a label column (ラベル/label/項番) and a text column (本文/text/記載内容)"
                .into(),
        });
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
            errors.push(RowError { row: i + 1, column: lc + 1, message: "the label is empty".into() });
            continue;
        }
        if text.is_empty() {
            errors.push(RowError { row: i + 1, column: tc + 1, message: format!("the text of {label:?} is empty") });
            continue;
        }
        out.push(Supplied { row: i + 1, label, text });
    }
    out
}

fn read_csv(bytes: &[u8], errors: &mut Vec<RowError>) -> Vec<Supplied> {
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
                errors.push(RowError { row, column: 0, message: e.to_string() });
                return Vec::new();
            }
        }
    }
    from_table(rows, errors)
}

/// The first worksheet of an untrusted workbook, read as every workbook is (`sansho_import`'s
/// pre-checks, then a child process with a memory and time limit): a hostile file ends in an
/// error, never in this process aborting or hanging.
fn read_workbook(name: &str, bytes: &[u8], errors: &mut Vec<RowError>) -> Vec<Supplied> {
    let Some(format) = sansho_import::workbook::Format::from_name(name) else {
        errors.push(RowError { row: 0, column: 0, message: format!("{name}: not a workbook") });
        return Vec::new();
    };
    let book = match crate::cmd::sandbox::reader().and_then(|r| r.read(name, bytes, format).map_err(Into::into)) {
        Ok(book) => book,
        Err(e) => {
            errors.push(RowError { row: 0, column: 0, message: e.to_string() });
            return Vec::new();
        }
    };
    let Some(sheet) = book.sheets.iter().find(|s| s.worksheet) else {
        errors.push(RowError { row: 0, column: 0, message: "the workbook has no readable sheet".into() });
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

fn read_toml(text: &str, errors: &mut Vec<RowError>) -> Vec<Supplied> {
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
                    errors.push(RowError { row, column: 1, message: format!("the text of {:?} is empty", e.label) });
                    return None;
                }
                Some(Supplied { row, label: e.label.trim().to_owned(), text: e.text.trim().to_owned() })
            })
            .collect(),
        Err(e) => {
            errors.push(RowError {
                row: e.span().map_or(0, |s| line_of(s.start)),
                column: 1,
                message: e.message().into(),
            });
            Vec::new()
        }
    }
}

/// The outline with the supplied texts, and the labels still without text.
fn fill(outline: &Catalog, file: &str, supplied: Vec<Supplied>, errors: &mut Vec<RowError>) -> Catalog {
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
                errors.push(RowError {
                    row: s.row,
                    column: 1,
                    message: format!(
                        "the label {:?} names {} nodes of {}: write the id instead ({})",
                        s.label,
                        many.len(),
                        c.id,
                        ids.join(", ")
                    ),
                });
                continue;
            }
            (None, _) => {
                errors.push(RowError {
                    row: s.row,
                    column: 1,
                    message: format!("{:?} is not a label or id of {}", s.label, c.id),
                });
                continue;
            }
        };
        if let Some(first) = seen.insert(i, s.row) {
            errors.push(RowError {
                row: s.row,
                column: 1,
                message: format!("{:?} has a text already (row {first})", s.label),
            });
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

pub fn run(set: &CatalogSet, id: &str, file: &Path, out: &Path, force: bool, lang: Lang) -> Result<()> {
    let Some(outline) = set.catalog(id) else {
        bail!(
            "{}",
            match lang {
                Lang::Ja => format!("カタログ {id:?} はありません（sansho catalog list を参照）"),
                Lang::En => format!("unknown catalog {id:?} (see `sansho catalog list`)"),
            }
        );
    };
    if !outline.is_outline() {
        bail!(
            "{}",
            match lang {
                Lang::Ja => format!("{id} はアウトラインではありません：本文はすでにカタログにあります"),
                Lang::En => format!("{id} is not an outline: its texts are in the catalog already"),
            }
        );
    }
    let name = file.file_name().map_or_else(|| file.display().to_string(), |n| n.to_string_lossy().into_owned());
    let bytes = std::fs::read(file).with_context(|| format!("{}: cannot read", file.display()))?;
    let ext = file.extension().map(|e| e.to_string_lossy().to_lowercase()).unwrap_or_default();
    let mut errors = Vec::new();
    let supplied = match ext.as_str() {
        "csv" | "txt" => read_csv(&bytes, &mut errors),
        "toml" => read_toml(&String::from_utf8_lossy(&bytes), &mut errors),
        "xlsx" | "xlsm" | "xlsb" | "ods" => read_workbook(&name, &bytes, &mut errors),
        other => bail!(
            "{}: {}",
            file.display(),
            match lang {
                Lang::Ja => format!("形式 {other:?} は読めません（csv・xlsx・ods・toml）"),
                Lang::En => format!("cannot read the format {other:?} (csv, xlsx, ods, toml)"),
            }
        ),
    };
    let filled = fill(outline, &name, supplied, &mut errors);
    if !errors.is_empty() {
        errors.sort_by_key(|e| (e.row, e.column));
        let lines: Vec<String> = errors
            .iter()
            .map(|e| match (e.row, e.column) {
                (0, _) => format!("{}: {}", file.display(), e.message),
                (r, 0) => format!("{}:{r}: {}", file.display(), e.message),
                (r, c) => format!("{}:{r}:{c}: {}", file.display(), e.message),
            })
            .collect();
        bail!("{}\n{}", lines.join("\n"), t(lang, "何も書き込んでいません。", "Nothing was written."));
    }
    // The filled catalog must load with the others, as the bundled one did.
    let mut files = sansho_catalog::bundled_sources();
    files.retain(|f| f.name != format!("bundled:{id}.toml"));
    let text = sansho_catalog::catalog_to_toml(
        &filled,
        &[&format!(
            "Made by `sansho catalog fill {id}` from {name}: the bundled outline with the user's official text."
        )],
    );
    files.push(sansho_catalog::SourceText::new(format!("{id}.toml"), text.clone()));
    let loaded = sansho_catalog::load(&files);
    if loaded.has_errors() {
        let d: Vec<String> = loaded.diagnostics.iter().filter(|d| d.is_error()).map(|d| d.to_string()).collect();
        bail!("the filled catalog does not load:\n{}", d.join("\n"));
    }
    let target = out.join(format!("{id}.toml"));
    if target.exists() && !force {
        bail!(
            "{}",
            match lang {
                Lang::Ja => format!("{} はすでにあります（置き換えるには --force）", target.display()),
                Lang::En => format!("{} exists (use --force to replace it)", target.display()),
            }
        );
    }
    std::fs::create_dir_all(out).with_context(|| format!("{}: cannot create", out.display()))?;
    let tmp = out.join(format!(".{id}.toml.tmp"));
    std::fs::write(&tmp, &text).with_context(|| format!("{}: cannot write", tmp.display()))?;
    std::fs::rename(&tmp, &target).with_context(|| format!("{}: cannot write", target.display()))?;
    let missing = filled.leaves_without_text();
    match lang {
        Lang::Ja => outln!("{} を書き込みました（{id} の本文を {name} から補った）。", target.display()),
        Lang::En => outln!("Wrote {} ({id} with its texts from {name}).", target.display()),
    }
    if missing.is_empty() {
        outln!(
            "{}",
            t(
                lang,
                "すべての末端の項目に本文があり、アウトラインではなくなりました。--catalogs でこのフォルダを指定すると評価に使えます。",
                "Every requirement leaf has text: it is no longer an outline. Load the folder with --catalogs to assess it."
            )
        );
    } else {
        let labels: Vec<&str> = missing.iter().map(|r| r.label.as_str()).collect();
        outln!(
            "{} {}",
            match lang {
                Lang::Ja => format!("本文のない末端の項目が {} 件あり、まだアウトラインです：", missing.len()),
                Lang::En => format!(
                    "{} requirement leaves still have no text, so it is still an outline (アウトライン):",
                    missing.len()
                ),
            },
            labels.join("、")
        );
    }
    Ok(())
}

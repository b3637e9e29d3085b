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
//! name and renamed into place. Reading the file and filling the outline is
//! `sansho_import::fill` (a reader of outside input, fuzzed); this command does the IO.

use std::path::Path;

use anyhow::{Context, Result, bail};
use sansho_core::{Catalog, CatalogSet};

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
    let Some(kind) = sansho_import::fill::Kind::from_ext(&ext) else {
        bail!(
            "{}: {}",
            file.display(),
            match lang {
                Lang::Ja => format!("形式 {ext:?} は読めません（csv・xlsx・ods・toml）"),
                Lang::En => format!("cannot read the format {ext:?} (csv, xlsx, ods, toml)"),
            }
        );
    };
    // A workbook is read as every untrusted workbook is: in a child process with limits.
    let reader = match kind {
        sansho_import::fill::Kind::Workbook => crate::cmd::sandbox::reader()?,
        _ => sansho_import::workbook::BookReader::InProcess,
    };
    let filled = sansho_import::fill::fill_outline(&reader, outline, kind, &name, &bytes).map_err(|errors| {
        let shown = file.display().to_string();
        let lines: Vec<String> = errors.iter().map(|e| e.text(&shown, lang)).collect();
        anyhow::anyhow!("{}\n{}", lines.join("\n"), t(lang, "何も書き込んでいません。", "Nothing was written."))
    })?;
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

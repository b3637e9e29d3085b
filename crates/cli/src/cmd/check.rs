//! `sansho catalog check [PATH…]`

use crate::ui::outln;
use std::path::PathBuf;

use anyhow::Result;
use sansho_catalog::{SourceText, bundled_sources, load};
use serde::Serialize;

use crate::args::Lang;
use crate::load::read_sources;
use crate::ui::{print_json, t};

#[derive(Serialize)]
struct JsonDiag<'a> {
    file: &'a str,
    line: usize,
    column: usize,
    severity: &'a str,
    field: Option<&'a str>,
    message: &'a str,
}

/// Checks the given paths (or every configured folder) together with the bundled catalogs.
/// Returns whether there were errors.
pub fn run(paths: &[PathBuf], configured: &[PathBuf], json: bool, lang: Lang) -> Result<bool> {
    let targets = if paths.is_empty() { configured } else { paths };
    let user: Vec<SourceText> = read_sources(targets)?;
    let user_files = user.len();
    let mut sources = bundled_sources();
    let bundled_files = sources.len();
    sources.extend(user);
    let loaded = load(&sources);
    let errors = loaded.diagnostics.iter().filter(|d| d.is_error()).count();
    let warnings = loaded.diagnostics.len() - errors;
    if json {
        let list: Vec<JsonDiag> = loaded
            .diagnostics
            .iter()
            .map(|d| JsonDiag {
                file: &d.file,
                line: d.line,
                column: d.column,
                severity: if d.is_error() { "error" } else { "warning" },
                field: d.field.as_deref(),
                message: d.message.en(),
            })
            .collect();
        print_json(&serde_json::json!({
            "files": bundled_files + user_files,
            "errors": errors,
            "warnings": warnings,
            "diagnostics": list,
        }))?;
    } else {
        for d in &loaded.diagnostics {
            // In the chosen language, file:line:column [field] kept (`--json` keeps the English).
            eprintln!("{}", d.text(lang));
        }
        let summary = match lang {
            Lang::Ja => format!(
                "{} ファイル（同梱 {bundled_files}、利用者 {user_files}）: エラー {errors} 件、警告 {warnings} 件",
                bundled_files + user_files
            ),
            Lang::En => format!(
                "{} files ({bundled_files} bundled, {user_files} yours): {errors} error(s), {warnings} warning(s)",
                bundled_files + user_files
            ),
        };
        outln!("{summary}");
        if errors == 0 {
            outln!("{}", t(lang, "問題ありません。", "OK."));
        }
    }
    Ok(errors > 0)
}

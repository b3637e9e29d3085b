//! Reading catalog files from disk and loading them with the bundled ones.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use sansho_catalog::{Diagnostic, SourceText, load};
use sansho_core::CatalogSet;

/// Every `*.toml` file under `path` (or `path` itself if it is a file), sorted.
pub fn toml_files(path: &Path) -> Result<Vec<PathBuf>> {
    let meta = std::fs::metadata(path)
        .with_context(|| crate::errors::cannot(crate::ui::lang(), crate::errors::Io::Read, path))?;
    if meta.is_file() {
        return Ok(vec![path.to_path_buf()]);
    }
    let mut out = Vec::new();
    let mut stack = vec![path.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir)
            .with_context(|| crate::errors::cannot(crate::ui::lang(), crate::errors::Io::List, &dir))?
        {
            let p = e?.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "toml") {
                out.push(p);
            }
        }
    }
    out.sort();
    Ok(out)
}

/// Reads the files of the given folders as named texts.
pub fn read_sources(paths: &[PathBuf]) -> Result<Vec<SourceText>> {
    let mut out = Vec::new();
    for p in paths {
        for f in toml_files(p)? {
            let bytes = std::fs::read(&f)
                .with_context(|| crate::errors::cannot(crate::ui::lang(), crate::errors::Io::Read, &f))?;
            let text = String::from_utf8(bytes).map_err(|e| {
                let upto = &e.as_bytes()[..e.utf8_error().valid_up_to()];
                let line = upto.iter().filter(|&&b| b == b'\n').count() + 1;
                {
                    let f = f.display();
                    anyhow::anyhow!(crate::ui::msg!(
                        "{f}:{line}: UTF-8 のファイルではありません",
                        "{f}:{line}: the file is not valid UTF-8"
                    ))
                }
            })?;
            out.push(SourceText::new(f.display().to_string(), text));
        }
    }
    Ok(out)
}

/// Bundled catalogs plus the user's folders, validated together. Fails with every error
/// diagnostic; warnings are returned for the caller to show or not.
pub fn catalogs(dirs: &[PathBuf]) -> Result<(CatalogSet, Vec<Diagnostic>)> {
    // A user's filled outline (`catalog fill`) takes the bundled outline's place.
    let sources = sansho_catalog::bundled_with(read_sources(dirs)?);
    let loaded = load(&sources);
    if loaded.has_errors() {
        let errors: Vec<String> =
            loaded.diagnostics.iter().filter(|d| d.is_error()).map(|d| d.text(crate::ui::lang())).collect();
        let (n, list) = (errors.len(), errors.join("\n"));
        bail!(crate::ui::msg!(
            "カタログに {n} 件のエラーがあります:\n{list}",
            "the catalogs have {n} error(s):\n{list}"
        ));
    }
    let set = loaded.set.expect("no errors, so a set");
    Ok((set, loaded.diagnostics))
}

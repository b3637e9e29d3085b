//! `sansho catalog import-xlsx FILE…`: checklist workbooks into one catalog file.
//!
//! The catalog is built and validated in memory; the file is written once at the end
//! (through a temporary file renamed into place), so a broken workbook writes nothing. Each
//! workbook is read in a sandboxed child process (`sansho __read-workbook`).

use crate::ui::outln;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use sansho_catalog::catalog_to_toml;
use sansho_core::{CatalogId, CatalogKind};
use sansho_import::xlsx::{XlsxOptions, import_workbooks_with};

use crate::args::ImportXlsxArgs;

/// A catalog id from a file name: lower-case ASCII letters and digits, other runs become `-`.
fn id_from_file(path: &Path) -> Option<CatalogId> {
    let stem = path.file_stem()?.to_string_lossy().to_ascii_lowercase();
    let mut id = String::new();
    for c in stem.chars() {
        if c.is_ascii_alphanumeric() {
            id.push(c);
        } else if !id.is_empty() && !id.ends_with('-') {
            id.push('-');
        }
    }
    let id = id.trim_matches('-').trim_start_matches(|c: char| c.is_ascii_digit() || c == '-');
    CatalogId::parse(id).ok()
}

pub fn run(a: &ImportXlsxArgs) -> Result<()> {
    let id = match &a.id {
        Some(id) => CatalogId::parse(id)
            .map_err(|e| anyhow::anyhow!(crate::ui::msg!("--id: 使えない ID です（{e}）", "--id: {e}")))?,
        None => id_from_file(&a.files[0]).with_context(|| {
            let f = a.files[0].display();
            crate::ui::msg!(
                "{f} からカタログ ID を作れません: --id で指定してください",
                "cannot make a catalog id from {f:?}; give one with --id"
            )
        })?,
    };
    let out: PathBuf = a.out.clone().unwrap_or_else(|| PathBuf::from(format!("{id}.toml")));
    if out.exists() && !a.force {
        return Err(crate::errors::exists(crate::ui::lang(), &out));
    }
    let mut opts = XlsxOptions::new(id);
    opts.title = a.title.clone();
    opts.edition = a.edition.clone();
    opts.issuers = a.issuers.clone();
    opts.kind = CatalogKind::parse(&a.kind).expect("clap checked the kind");
    if !a.sheets.is_empty() {
        opts.sheets = Some(a.sheets.clone());
    }
    let mut files = Vec::new();
    for f in &a.files {
        let bytes =
            std::fs::read(f).with_context(|| crate::errors::cannot(crate::ui::lang(), crate::errors::Io::Read, f))?;
        let name = f.file_name().map_or_else(|| f.display().to_string(), |n| n.to_string_lossy().into_owned());
        files.push((name, bytes));
    }
    let refs: Vec<(&str, &[u8])> = files.iter().map(|(n, b)| (n.as_str(), b.as_slice())).collect();
    // Each workbook is read in a child process with memory and time limits (see
    // `sansho_import::sandbox`): a hostile file stops that child, not this command.
    let reader = crate::cmd::sandbox::reader()?;
    let (catalog, report) = import_workbooks_with(&reader, &refs, &opts)?;
    let text = catalog_to_toml(
        &catalog,
        &["Imported by `sansho catalog import-xlsx`; review, then keep it next to your other catalogs."],
    );
    let dir = out.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)
        .with_context(|| crate::errors::cannot(crate::ui::lang(), crate::errors::Io::Create, dir))?;
    // A temporary file in the same folder, renamed into place; on any failure (a full disk) it
    // is removed when dropped, so nothing is left behind.
    let mut tmp = tempfile::NamedTempFile::new_in(dir)
        .with_context(|| crate::errors::cannot(crate::ui::lang(), crate::errors::Io::Write, dir))?;
    tmp.write_all(text.as_bytes())
        .and_then(|()| tmp.as_file().sync_all())
        .with_context(|| crate::errors::cannot(crate::ui::lang(), crate::errors::Io::Write, &out))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        tmp.as_file().set_permissions(std::fs::Permissions::from_mode(0o644))?;
    }
    tmp.persist(&out).map_err(|e| {
        anyhow::Error::new(e.error).context(crate::errors::cannot(crate::ui::lang(), crate::errors::Io::Write, &out))
    })?;
    eprintln!("{report}");
    let (id, nodes, with_text, file) =
        (&catalog.id, catalog.requirements.len(), catalog.requirement_count(), out.display());
    outln!(
        "{}",
        crate::ui::msg!(
            "{id}: {nodes} 項目（本文あり {with_text}）→ {file}",
            "{id}: {nodes} nodes ({with_text} with text) → {file}"
        )
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_from_file_names() {
        assert_eq!(id_from_file(Path::new("dir/MHLW_Checklist 2024.xlsx")).unwrap().as_str(), "mhlw-checklist-2024");
        assert_eq!(id_from_file(Path::new("2024-check.xlsx")).unwrap().as_str(), "check");
        assert!(id_from_file(Path::new("チェックリスト.xlsx")).is_none());
    }
}

//! `sansho export`: an assessment as the checklist workbook auditors know (xlsx), Markdown, CSV
//! or JSON. The file is written whole or not at all (a temporary file renamed into place).

use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use sansho_app::export::Format;
use sansho_core::CatalogSet;

use crate::args::{ExportArgs, ExportFormat, Lang};
use crate::cmd::assessment::load;
use crate::db::{Db, today};
use crate::ui::{outln, tr};

pub fn run(db: &Db, set: &CatalogSet, a: &ExportArgs, lang: Lang) -> Result<()> {
    let l = load(db, set, &a.assessment)?;
    let catalog = a.catalog.clone().unwrap_or_else(|| l.assessment.catalog_id.clone());
    let format = match a.format {
        ExportFormat::Xlsx => Format::Xlsx,
        ExportFormat::Md => Format::Md,
        ExportFormat::Csv => Format::Csv,
        ExportFormat::Json => Format::Json,
    };
    let request = sansho_app::export::Request { format, catalog: Some(&catalog), with_derived: a.with_derived, lang };
    let bytes = db.run(sansho_app::export::export(&db.cx(set), &l, request))?;
    let (date, ext) = (today(), format.extension());
    let out = a.out.clone().unwrap_or_else(|| PathBuf::from(format!("{catalog}-{date}.{ext}")));
    if out.as_os_str() == "-" {
        if a.format == ExportFormat::Xlsx {
            bail!(tr!(
                lang,
                "xlsx のブックは標準出力には書き出しません: --out FILE を指定してください",
                "an xlsx workbook is not written to standard output: give --out FILE"
            ));
        }
        let mut stdout = std::io::stdout().lock();
        return match stdout.write_all(&bytes).and_then(|()| stdout.flush()) {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
            other => Ok(other?),
        };
    }
    if out.exists() && !a.force {
        return Err(crate::errors::exists(lang, &out));
    }
    let dir = out.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(std::path::Path::new("."));
    let mut tmp = tempfile::NamedTempFile::new_in(dir)
        .with_context(|| crate::errors::cannot(lang, crate::errors::Io::Write, dir))?;
    tmp.write_all(&bytes).with_context(|| crate::errors::cannot(lang, crate::errors::Io::Write, &out))?;
    tmp.persist(&out).map_err(|e| {
        anyhow::Error::new(e.error).context(crate::errors::cannot(lang, crate::errors::Io::Write, &out))
    })?;
    outln!("{}", out.display());
    Ok(())
}

//! `sansho export`: an assessment as the checklist workbook auditors know (xlsx), Markdown, CSV
//! or JSON. The file is written whole or not at all (a temporary file renamed into place).

use std::collections::HashMap;
use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use sansho_core::CatalogSet;
use sansho_core::assess::derive;
use sansho_export::{EvidenceRef, ExportInput, Extra, Meta};

use crate::args::{ExportArgs, ExportFormat, Lang};
use crate::cmd::assessment::load;
use crate::db::{Db, status_word, today};
use crate::ui::{outln, tr};

pub fn run(db: &Db, set: &CatalogSet, a: &ExportArgs, lang: Lang) -> Result<()> {
    let l = load(db, set, &a.assessment)?;
    let catalog = a.catalog.clone().unwrap_or_else(|| l.assessment.catalog_id.clone());
    if set.catalog(&catalog).is_none() {
        return Err(crate::errors::unknown_catalog(lang, &catalog));
    }
    let system = db.run(db.store.system(l.assessment.system_id))?;
    let org = db.run(db.store.organization(system.organization_id))?;
    let mut extra: HashMap<String, Extra> = HashMap::new();
    if catalog == l.assessment.catalog_id {
        for s in &l.stored {
            let e = extra.entry(s.requirement_id.clone()).or_default();
            e.owner = s.owner.clone();
            e.due = s.due_date.as_ref().map(|d| d.to_string());
        }
        for (req, ev) in db.run(db.store.evidence_of_assessment(l.assessment.id))? {
            extra.entry(req).or_default().evidence.push(EvidenceRef {
                title: ev.title,
                file_name: ev.file_name,
                sha256: ev.sha256,
                url: ev.url,
                effective: ev.effective_date.to_string(),
                expiry: ev.expiry_date.map(|d| d.to_string()),
            });
        }
    }
    let derived = derive(set, &l.answers).map_err(|e| crate::errors::in_assessment(lang, l.assessment.id, e))?;
    let date = today();
    let input = ExportInput {
        derived: &derived,
        catalog: &catalog,
        meta: Meta {
            organization: org.name,
            system: system.name,
            assessment_id: l.assessment.id.to_string(),
            status: status_word(lang, l.assessment.status).to_owned(),
            exported_on: date.clone(),
            baseline: l.assessment.baseline_id.map(|b| b.to_string()),
        },
        extra,
        lang,
        include_derived: a.with_derived || catalog != l.assessment.catalog_id,
    };
    let (bytes, ext) = match a.format {
        ExportFormat::Xlsx => (sansho_export::xlsx(&input)?, "xlsx"),
        ExportFormat::Md => (sansho_export::markdown(&input).into_bytes(), "md"),
        ExportFormat::Csv => (sansho_export::csv(&input).into_bytes(), "csv"),
        ExportFormat::Json => (serde_json::to_vec_pretty(&sansho_export::json(&input))?, "json"),
    };
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

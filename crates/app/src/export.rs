//! An assessment exported: the checklist workbook (xlsx), CSV, Markdown or JSON, on its own
//! catalog (direct answers, with owner, due date and evidence) or on another (derived).

use std::collections::HashMap;

use sansho_core::Lang;
use sansho_export::{EvidenceRef, ExportInput, Extra, Meta};
use sansho_store::AssessmentStatus;

use crate::assessment::Loaded;
use crate::{AppError, Ctx, Result};

/// An export format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// The checklist workbook.
    Xlsx,
    /// CSV (UTF-8 with BOM, CRLF).
    Csv,
    /// Markdown.
    Md,
    /// JSON.
    Json,
}

impl Format {
    /// The format of a file extension (`xlsx`, `csv`, `md`, `json`).
    pub fn parse(s: &str) -> Option<Format> {
        match s {
            "xlsx" => Some(Format::Xlsx),
            "csv" => Some(Format::Csv),
            "md" => Some(Format::Md),
            "json" => Some(Format::Json),
            _ => None,
        }
    }
    /// Its media type.
    pub fn content_type(self) -> &'static str {
        match self {
            Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Format::Csv => "text/csv; charset=utf-8",
            Format::Md => "text/markdown; charset=utf-8",
            Format::Json => "application/json",
        }
    }
    /// Its file extension.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Xlsx => "xlsx",
            Format::Csv => "csv",
            Format::Md => "md",
            Format::Json => "json",
        }
    }
}

/// What to export.
pub struct Request<'a> {
    /// The format.
    pub format: Format,
    /// The catalog to show it on (default: its own; another shows derived results).
    pub catalog: Option<&'a str>,
    /// On its own catalog, also show derived results (marked （推定）).
    pub with_derived: bool,
    /// The language of the fixed words.
    pub lang: Lang,
}

/// The status of an assessment in words.
pub fn status_word(lang: Lang, s: AssessmentStatus) -> &'static str {
    match s {
        AssessmentStatus::Draft => lang.t("作成中", "draft"),
        AssessmentStatus::InReview => lang.t("レビュー中", "in review"),
        AssessmentStatus::Final => lang.t("確定", "final"),
    }
}

/// The export's bytes.
pub async fn export(cx: &Ctx<'_>, a: &Loaded, r: Request<'_>) -> Result<Vec<u8>> {
    let catalog = r.catalog.unwrap_or(&a.assessment.catalog_id);
    if cx.set.catalog(catalog).is_none() {
        return Err(AppError::UnknownCatalog { field: "catalog", catalog: catalog.to_owned() });
    }
    let own = catalog == a.assessment.catalog_id;
    let system = cx.store.system(a.assessment.system_id).await?;
    let org = cx.store.organization(system.organization_id).await?;
    let mut extra: HashMap<String, Extra> = HashMap::new();
    if own {
        for st in &a.stored {
            let e = extra.entry(st.requirement_id.clone()).or_default();
            e.owner = st.owner.clone();
            e.due = st.due_date.as_ref().map(|d| d.to_string());
        }
        for (req, ev) in cx.store.evidence_of_assessment(a.assessment.id).await? {
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
    let derived = a.derive(cx.set)?;
    let input = ExportInput {
        derived: &derived,
        catalog,
        meta: Meta {
            organization: org.name,
            system: system.name,
            assessment_id: a.assessment.id.to_string(),
            status: status_word(r.lang, a.assessment.status).to_owned(),
            exported_on: cx.today.to_string(),
            baseline: a.assessment.baseline_id.map(|b| b.to_string()),
        },
        extra,
        lang: r.lang,
        include_derived: r.with_derived || !own,
    };
    let internal = |e: &dyn std::fmt::Display| AppError::Internal(format!("export: {e}"));
    Ok(match r.format {
        Format::Xlsx => sansho_export::xlsx(&input).map_err(|e| internal(&e))?,
        Format::Csv => sansho_export::csv(&input).into_bytes(),
        Format::Md => sansho_export::markdown(&input).into_bytes(),
        Format::Json => serde_json::to_vec_pretty(&sansho_export::json(&input)).map_err(|e| internal(&e))?,
    })
}

//! Importing a filled checklist through the API: the same reading, comparison and writing as the
//! pages and `sansho assessment import` (`sansho_app::import`), with `dry_run=true` to see what
//! it would do without writing anything.

use axum::extract::{DefaultBodyLimit, FromRequest, Multipart, Request, State};
use axum::http::StatusCode;
use axum::routing::post;
use axum::{Json, Router};
use sansho_app::import::Change;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::extract::{ApiPath as Path, ApiQuery as Query, ApiUser};
use crate::error::ErrorBody;
use crate::i18n::PageLang;
use crate::ops;
use crate::{AppState, WebError};

/// The largest checklist accepted (the workbook reader's own bound).
const MAX_FILE: usize = sansho_import::workbook::MAX_FILE_BYTES;

pub fn routes() -> Router<AppState> {
    Router::new().route("/assessments/{id}/import", post(import).layer(DefaultBodyLimit::max(MAX_FILE + 64 * 1024)))
}

/// A filled checklist (multipart/form-data).
#[derive(Debug, ToSchema)]
#[allow(dead_code)]
pub struct ChecklistUpload {
    /// The file: xlsx, xlsm, ods, CSV or TSV (CSV in UTF-8, UTF-16 or Shift_JIS), at most 32 MiB.
    #[schema(value_type = String, format = Binary, content_media_type = "application/octet-stream")]
    pub file: Vec<u8>,
    /// The worksheet to read; by default the one with a checklist header.
    pub sheet: Option<String>,
}

/// Whether to write.
#[derive(Debug, Deserialize, IntoParams)]
pub struct ImportQuery {
    /// `true`: compare only, write nothing.
    #[serde(default)]
    pub dry_run: bool,
}

/// One answer the import creates or changes.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportChange {
    /// The requirement's local id.
    pub requirement: String,
    /// Its printed label.
    pub label: String,
    /// `new` or `changed`.
    pub change: String,
    /// The stored result before (none for a new answer).
    pub before: Option<String>,
    /// The result after.
    pub after: String,
    /// The cell it was read from (`Sheet!E12`, or `row:column` in a text file).
    pub at: Option<String>,
}

/// A row left out, and why.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportSkipped {
    /// The cell.
    pub at: String,
    /// Why (in English: `未回答`, `group row …`, `heading row …`, `derived suggestion …`).
    pub reason: String,
}

/// What an import did (or, with `dry_run`, would do).
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportView {
    /// Whether anything was written.
    pub written: bool,
    /// Answers in the file.
    pub answers: usize,
    /// New answers.
    pub new: usize,
    /// Changed answers.
    pub changed: usize,
    /// Answers the file repeats (not written).
    pub unchanged: usize,
    /// The answers created or changed, in the file's order.
    pub changes: Vec<ImportChange>,
    /// Rows left out.
    pub skipped: Vec<ImportSkipped>,
    /// Rows whose due date is already past (`row:column date`); imported as given.
    pub past_due: Vec<String>,
}

/// Imports a filled checklist into the assessment: every answer it gives, compared with the stored
/// ones (fields the file has no column for keep their values; an answer it repeats is not
/// touched), written in one transaction (assessor or admin). Every row error is reported at once,
/// with its cell, and then nothing is written.
#[utoipa::path(post, path = "/api/assessments/{id}/import", tag = "answers",
    security(("session_cookie" = [], "csrf_header" = [])),
    params(("id" = String, Path, description = "Assessment id (UUID)"), ImportQuery),
    request_body(content((ChecklistUpload = "multipart/form-data"))),
    responses(
        (status = 200, description = "What was (or, with dry_run, would be) written", body = ImportView),
        (status = 400, description = "The body is not a multipart form", body = ErrorBody),
        (status = 401, description = "No session", body = ErrorBody),
        (status = 403, description = "A viewer, or a missing or wrong x-csrf-token header", body = ErrorBody),
        (status = 404, description = "No such assessment of mine", body = ErrorBody),
        (status = 409, description = "The assessment is final (確定)", body = ErrorBody),
        (status = 413, description = "The file is larger than 32 MiB", body = ErrorBody),
        (status = 422, description = "No file, or a file that cannot be read (every problem with its cell)", body = ErrorBody)))]
async fn import(
    State(s): State<AppState>,
    PageLang(lang): PageLang,
    user: ApiUser,
    Path(id): Path<String>,
    Query(q): Query<ImportQuery>,
    request: Request,
) -> Result<(StatusCode, Json<ImportView>), WebError> {
    // Whose assessment it is decides first: a body never answers before the access check.
    let a = ops::load_assessment(&s, &user.user, &id).await?;
    ops::require_editor(lang, &user.user)?;
    sansho_app::assessment::ensure_open(&a).map_err(|e| ops::app_refusal(lang, e))?;
    let mut form = Multipart::from_request(request, &s).await.map_err(|e| WebError::BadRequest(e.body_text()))?;
    let (mut file, mut sheet) = (None, None);
    while let Some(field) = form.next_field().await.map_err(|e| WebError::BadRequest(e.body_text()))? {
        match field.name().unwrap_or_default() {
            "file" => {
                let name = field.file_name().unwrap_or("checklist.csv").to_owned();
                let bytes = field.bytes().await.map_err(|e| match e.status() {
                    StatusCode::PAYLOAD_TOO_LARGE => WebError::TooLarge(e.body_text()),
                    _ => WebError::BadRequest(e.body_text()),
                })?;
                file = Some((name, bytes.to_vec()));
            }
            "sheet" => {
                let text = field.text().await.map_err(|e| WebError::BadRequest(e.body_text()))?;
                sheet = ops::blank(&text);
            }
            other => return Err(WebError::Invalid(format!("unknown form field {other:?}"))),
        }
    }
    let Some((name, bytes)) = file.filter(|(_, b)| !b.is_empty()) else {
        return Err(WebError::Invalid(lang.t("file: ファイルがありません", "file: no file").into()));
    };
    let name = ops::upload_name(&name);
    let (a, read) = ops::read_checklist(&s, a, (name, bytes), sheet).await?;
    let plan = sansho_app::import::plan(&a, read.map_err(|e| ops::app_refusal(lang, e))?);
    let counts = plan.counts();
    let set = &s.set;
    let catalog = &a.assessment.catalog_id;
    let mut view = ImportView {
        written: false,
        answers: counts.answers,
        new: counts.new,
        changed: counts.changed,
        unchanged: counts.unchanged,
        changes: plan
            .items
            .iter()
            .filter(|i| i.change != Change::Unchanged)
            .map(|i| ImportChange {
                requirement: i.input.requirement_id.clone(),
                label: set
                    .node(catalog, &i.input.requirement_id)
                    .map_or_else(|| i.input.requirement_id.clone(), |ix| set.requirement(ix).label.clone()),
                change: if i.change == Change::New { "new" } else { "changed" }.to_owned(),
                before: i.before.as_ref().map(|b| b.result.as_str().to_owned()),
                after: i.input.result.as_str().to_owned(),
                at: i.input.origin.as_ref().and_then(|o| o.get("at")).and_then(|a| a.as_str()).map(str::to_owned),
            })
            .collect(),
        skipped: plan
            .skipped
            .iter()
            .map(|k| ImportSkipped { at: k.at.to_string(), reason: k.reason.clone() })
            .collect(),
        past_due: plan.past_due.iter().map(|p| format!("{} {}", p.at, p.due)).collect(),
    };
    if !q.dry_run {
        sansho_app::import::apply(&ops::cx(&s), &user.actor(), &a, plan, &mut |_| {})
            .await
            .map_err(|e| ops::app_refusal(lang, e))?;
        view.written = true;
    }
    Ok((StatusCode::OK, Json(view)))
}

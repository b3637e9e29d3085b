//! Importing a filled checklist into an assessment from the browser: upload it (xlsx, xlsm, ods,
//! CSV, TSV — sansho's own export or a vendor's sheet), see what it would change (new, changed,
//! unchanged answers, rows left out and why, due dates already past) before anything is written,
//! then confirm. The reading, the comparison and the writing are `sansho_app::import`'s, the
//! same as `sansho assessment import`; a workbook is read in the sandboxed child process.
//!
//! The preview carries what it showed to the confirmation (the answers to write, each with the
//! version of the stored answer it was compared with), so the server keeps nothing between the
//! two requests. The confirmation checks everything again as any answer is checked; what a person
//! could change in it is no more than they may write as answers anyway. If someone changed one of
//! those answers in between, nothing is written and the comparison is shown again.

use askama::Template;
use axum::extract::{DefaultBodyLimit, FromRequest, Multipart, Path, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use sansho_app::import::{Change, Confirmed, Plan, Reviewed};
use sansho_store::AssessmentStatus;
use serde::Deserialize;

use crate::i18n::PageLang;
use crate::ops;
use crate::pages::auth::Client;
use crate::pages::guidelines::{ErrorPage, form_expired, render_status};
use crate::session::Authed;
use crate::{AppState, Lang, WebError};

/// The largest checklist accepted (as the workbook reader's own bound).
const MAX_FILE: usize = sansho_import::workbook::MAX_FILE_BYTES;

/// The largest confirmation (the reviewed answers as JSON: texts of up to 10,000 characters).
const MAX_CONFIRMATION: usize = 16 * 1024 * 1024;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/assessments/{id}/import", get(form).post(preview).layer(DefaultBodyLimit::max(MAX_FILE + 64 * 1024)))
        .route("/assessments/{id}/import/confirm", post(confirm).layer(DefaultBodyLimit::max(MAX_CONFIRMATION)))
}

/// One row of the preview.
struct RowView {
    label: String,
    change: &'static str,
    before: String,
    after: String,
    how: String,
    at: String,
    changed_meanwhile: bool,
}

struct SkippedView {
    at: String,
    reason: String,
}

#[derive(Template)]
#[template(path = "import.html")]
struct ImportPage {
    lang: Lang,
    path: String,
    id: String,
    label: String,
    csrf: String,
    /// Why the page is shown again (a file that cannot be read, a refusal).
    error: Option<String>,
    /// The preview, once a file was read.
    preview: Option<Preview>,
    is_final: bool,
}

struct Preview {
    file: String,
    new: usize,
    changed: usize,
    unchanged: usize,
    skipped: Vec<SkippedView>,
    past_due: Vec<String>,
    rows: Vec<RowView>,
    /// The reviewed answers, as JSON, for the confirmation.
    reviewed: String,
}

async fn page(
    s: &AppState,
    lang: Lang,
    user: &Authed,
    a: &ops::Loaded,
    preview: Option<Preview>,
    error: Option<(StatusCode, String)>,
) -> Result<Response, WebError> {
    let p = ImportPage {
        lang,
        path: format!("/assessments/{}/import", a.assessment.id),
        id: a.assessment.id.to_string(),
        label: ops::assessment_label(s, lang, &a.assessment),
        csrf: user.csrf(s),
        error: error.as_ref().map(|(_, m)| m.clone()),
        preview,
        is_final: a.assessment.status == AssessmentStatus::Final,
    };
    Ok(render_status(error.map_or(StatusCode::OK, |(st, _)| st), &p))
}

/// The upload form (anyone who may see the assessment sees it; only an assessor or admin may send).
async fn form(
    State(s): State<AppState>,
    PageLang(lang): PageLang,
    user: Authed,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let a = ops::load_assessment(&s, &user.user, &id).await?;
    page(&s, lang, &user, &a, None, None).await
}

fn read_only(lang: Lang) -> Response {
    let status = StatusCode::FORBIDDEN;
    let message = lang.t("回答を変更する権限がありません（閲覧のみ）。", "You may only read (viewer).");
    render_status(status, &ErrorPage { lang, path: "/".into(), status: status.as_u16(), message: message.into() })
}

/// What the preview shows of a plan.
fn preview_of(s: &AppState, lang: Lang, a: &ops::Loaded, file: &str, plan: &Plan, meanwhile: &[String]) -> Preview {
    let set = &s.set;
    let catalog = &a.assessment.catalog_id;
    let label = |id: &str| set.node(catalog, id).map_or_else(|| id.to_owned(), |ix| set.requirement(ix).label.clone());
    let word = |r: sansho_store::AnswerResult| crate::view::result_word(lang, r.into()).to_owned();
    let counts = plan.counts();
    let rows = plan
        .items
        .iter()
        .filter(|i| i.change != Change::Unchanged)
        .map(|i| RowView {
            label: label(&i.input.requirement_id),
            change: match i.change {
                Change::New => lang.t("新規", "new"),
                _ => lang.t("変更", "changed"),
            },
            before: i.before.as_ref().map_or_else(|| "—".to_owned(), |b| word(b.result)),
            after: word(i.input.result),
            how: short(&i.input.how, 80),
            at: i.input.origin.as_ref().and_then(|o| o.get("at")).and_then(|a| a.as_str()).unwrap_or("").to_owned(),
            changed_meanwhile: meanwhile.contains(&i.input.requirement_id),
        })
        .collect();
    Preview {
        file: file.to_owned(),
        new: counts.new,
        changed: counts.changed,
        unchanged: counts.unchanged,
        skipped: plan
            .skipped
            .iter()
            .map(|k| SkippedView { at: k.at.to_string(), reason: k.reason_text(lang) })
            .collect(),
        past_due: plan.past_due.iter().map(|p| format!("{} {}", p.at, p.due)).collect(),
        rows,
        reviewed: serde_json::to_string(&plan.reviewed()).unwrap_or_default(),
    }
}

/// Reads the uploaded checklist and shows what importing it would do; writes nothing.
async fn preview(
    State(s): State<AppState>,
    PageLang(lang): PageLang,
    user: Authed,
    Path(id): Path<String>,
    request: Request,
) -> Result<Response, WebError> {
    // Whose assessment it is decides first: a body never answers before the access check.
    let a = ops::load_assessment(&s, &user.user, &id).await?;
    let mut form = Multipart::from_request(request, &s).await.map_err(|e| WebError::BadRequest(e.body_text()))?;
    let (mut csrf, mut sheet, mut file) = (String::new(), String::new(), None);
    while let Some(field) = form.next_field().await.map_err(|e| WebError::BadRequest(e.body_text()))? {
        match field.name().unwrap_or_default() {
            "file" => {
                let name = field.file_name().unwrap_or_default().to_owned();
                let bytes = field.bytes().await.map_err(|e| match e.status() {
                    StatusCode::PAYLOAD_TOO_LARGE => WebError::TooLarge(e.body_text()),
                    _ => WebError::BadRequest(e.body_text()),
                })?;
                file = Some((name, bytes.to_vec()));
            }
            "csrf_token" => csrf = field.text().await.map_err(|e| WebError::BadRequest(e.body_text()))?,
            "sheet" => sheet = field.text().await.map_err(|e| WebError::BadRequest(e.body_text()))?,
            _ => {}
        }
    }
    if !user.csrf_ok(&s, &csrf) {
        return Ok(form_expired(lang, "/"));
    }
    if !ops::can_edit(&user.user) {
        return Ok(read_only(lang));
    }
    if a.assessment.status == AssessmentStatus::Final {
        return page(&s, lang, &user, &a, None, Some((StatusCode::CONFLICT, ops::final_message(lang).into()))).await;
    }
    let Some((name, bytes)) = file.filter(|(n, b)| !n.trim().is_empty() && !b.is_empty()) else {
        let msg = lang.t("取り込むファイルを選んでください。", "Choose the file to import.");
        return page(&s, lang, &user, &a, None, Some((StatusCode::UNPROCESSABLE_ENTITY, msg.into()))).await;
    };
    let name = ops::upload_name(&name);
    let sheet = ops::blank(&sheet);
    let (a, read) = ops::read_checklist(&s, a, (name.clone(), bytes), sheet).await?;
    let read = match read {
        Ok(r) => r,
        Err(e @ sansho_app::AppError::Import(_)) => {
            let msg = ops::app_refusal(lang, e).public_message();
            return page(&s, lang, &user, &a, None, Some((StatusCode::UNPROCESSABLE_ENTITY, msg))).await;
        }
        Err(e) => return Err(ops::app_refusal(lang, e)),
    };
    let plan = sansho_app::import::plan(&a, read);
    let preview = preview_of(&s, lang, &a, &name, &plan, &[]);
    page(&s, lang, &user, &a, Some(preview), None).await
}

/// At most `n` characters of a text, with … when cut.
fn short(text: &str, n: usize) -> String {
    let mut out: String = text.chars().take(n).collect();
    if text.chars().nth(n).is_some() {
        out.push('…');
    }
    out
}

#[derive(Deserialize)]
struct ConfirmForm {
    csrf_token: String,
    #[serde(default)]
    file: String,
    #[serde(default)]
    reviewed: String,
}

/// Writes what the person reviewed (one transaction), or shows the comparison again when
/// someone changed those answers meanwhile.
async fn confirm(
    State(s): State<AppState>,
    PageLang(lang): PageLang,
    client: Client,
    user: Authed,
    Path(id): Path<String>,
    Form(f): Form<ConfirmForm>,
) -> Result<Response, WebError> {
    if !user.csrf_ok(&s, &f.csrf_token) {
        return Ok(form_expired(lang, "/"));
    }
    let a = ops::load_assessment(&s, &user.user, &id).await?;
    if !ops::can_edit(&user.user) {
        return Ok(read_only(lang));
    }
    let rows: Vec<Reviewed> = serde_json::from_str(&f.reviewed)
        .map_err(|e| WebError::BadRequest(format!("reviewed: not the preview's answers ({e})")))?;
    let file = ops::upload_name(&f.file);
    let actor = user.actor(&client.addr.to_string());
    match sansho_app::import::confirm(&ops::cx(&s), &actor, &a, &file, rows).await {
        Ok(Confirmed::Written(summary)) => {
            let n = summary.created + summary.updated;
            Ok(Redirect::to(&format!("/assessments/{}/answers?saved={n}", a.assessment.id)).into_response())
        }
        Ok(Confirmed::Changed { plan, changed }) => {
            let preview = preview_of(&s, lang, &a, &file, &plan, &changed);
            let msg = lang.t(
                "確認した後に、ほかの人がこれらの回答を変更しました。何も書き込んでいません。今の回答との違いを確かめて、もう一度取り込んでください。",
                "Someone changed these answers after you reviewed them. Nothing was written. Check the differences with the answers as they are now, and import again.",
            );
            page(&s, lang, &user, &a, Some(preview), Some((StatusCode::CONFLICT, msg.into()))).await
        }
        Err(e) => {
            let e = ops::app_refusal(lang, e);
            match e {
                WebError::Invalid(_) | WebError::Conflict(_) | WebError::NotFound(_) => {
                    let status = e.status();
                    page(&s, lang, &user, &a, None, Some((status, e.public_message()))).await
                }
                e => Err(e),
            }
        }
    }
}

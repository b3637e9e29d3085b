//! Answering an assessment: every requirement with its direct or derived result, one
//! requirement in full (answer, suggestion with its sources and chains, evidence, history),
//! saving an answer, accepting a suggestion, adding evidence (a file or a link) and reading it
//! back verified.

use axum::extract::{DefaultBodyLimit, FromRequest, Multipart, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use sansho_core::assess::{ResultCode, derive, is_requirement};
use sansho_store::{AnswerResult, Evidence};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::assessments::BasisWord;
use super::extract::{ApiJson, ApiPath as Path, ApiUser};
use crate::error::ErrorBody;
use crate::i18n::PageLang;
use crate::ops;
use crate::view::{self, HopView, RequirementView};
use crate::{AppState, Lang, WebError};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/assessments/{id}/answers", get(answers))
        .route("/assessments/{id}/requirements/{req}", get(requirement))
        .route("/assessments/{id}/requirements/{req}/answer", put(save))
        .route("/assessments/{id}/requirements/{req}/accept", post(accept))
        .route(
            "/assessments/{id}/requirements/{req}/evidence",
            post(add_evidence).layer(DefaultBodyLimit::max(ops::MAX_UPLOAD + 64 * 1024)),
        )
        .route("/evidence/{id}", get(evidence))
        .route("/evidence/{id}/content", get(content))
}

/// A result: 実施済 implemented, 一部実施 partial, 未実施 not-implemented, 該当なし not-applicable
/// (needs a justification), 未回答 unanswered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ResultWord {
    Implemented,
    Partial,
    NotImplemented,
    NotApplicable,
    Unanswered,
}

impl From<ResultCode> for ResultWord {
    fn from(r: ResultCode) -> Self {
        match r {
            ResultCode::Implemented => ResultWord::Implemented,
            ResultCode::Partial => ResultWord::Partial,
            ResultCode::NotImplemented => ResultWord::NotImplemented,
            ResultCode::NotApplicable => ResultWord::NotApplicable,
            ResultCode::Unanswered => ResultWord::Unanswered,
        }
    }
}

impl From<AnswerResult> for ResultWord {
    fn from(r: AnswerResult) -> Self {
        ResultCode::from(r).into()
    }
}

impl From<ResultWord> for AnswerResult {
    fn from(r: ResultWord) -> Self {
        match r {
            ResultWord::Implemented => AnswerResult::Implemented,
            ResultWord::Partial => AnswerResult::Partial,
            ResultWord::NotImplemented => AnswerResult::NotImplemented,
            ResultWord::NotApplicable => AnswerResult::NotApplicable,
            ResultWord::Unanswered => AnswerResult::Unanswered,
        }
    }
}

/// A stored answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct AnswerView {
    pub id: String,
    pub requirement_id: String,
    pub result: ResultWord,
    /// 実施内容.
    pub how: String,
    /// 該当なし理由・備考.
    pub justification: Option<String>,
    pub owner: Option<String>,
    /// `YYYY-MM-DD`.
    pub due_date: Option<String>,
    /// Where an accepted suggestion, a baseline copy or a migration came from (`kind` says which).
    #[schema(value_type = Option<Object>)]
    pub origin: Option<serde_json::Value>,
    pub updated_at: i64,
    pub updated_by: String,
}

impl From<&sansho_store::Answer> for AnswerView {
    fn from(a: &sansho_store::Answer) -> Self {
        AnswerView {
            id: a.id.to_string(),
            requirement_id: a.requirement_id.clone(),
            result: a.result.into(),
            how: a.how.clone(),
            justification: a.justification.clone(),
            owner: a.owner.clone(),
            due_date: a.due_date.as_ref().map(|d| d.to_string()),
            origin: a.origin.clone(),
            updated_at: a.updated_at.0,
            updated_by: a.updated_by.clone(),
        }
    }
}

/// One node of the assessment's catalog in the checklist.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChecklistRow {
    pub local_id: String,
    pub label: String,
    /// Depth in the printed tree (0 for top-level nodes).
    pub depth: usize,
    /// Whether it is answered itself (a grouping heading is not; it gets a roll-up).
    pub answerable: bool,
    /// The effective result: the direct answer unless 未回答, else the suggestion, else 未回答.
    pub result: ResultWord,
    pub basis: BasisWord,
    pub needs_review: bool,
    /// The stored answer's result, if any.
    pub direct: Option<ResultWord>,
    /// The derived suggestion's result, if any (shown next to a direct answer, never over it).
    pub suggested: Option<ResultWord>,
    pub answer: Option<AnswerView>,
    /// Evidence attached to the answer.
    pub evidence: usize,
}

/// Every requirement of the assessment, in document order.
#[utoipa::path(get, path = "/api/assessments/{id}/answers", tag = "answers",
    security(("session_cookie" = [])),
    params(("id" = String, Path, description = "Assessment id (UUID)")),
    responses(
        (status = 200, description = "Every node of the catalog with its result", body = [ChecklistRow]),
        (status = 401, description = "No session", body = ErrorBody),
        (status = 404, description = "No such assessment of mine", body = ErrorBody)))]
async fn answers(
    State(s): State<AppState>,
    user: ApiUser,
    Path(id): Path<String>,
) -> Result<Json<Vec<ChecklistRow>>, WebError> {
    let a = ops::load_assessment(&s, &user.user, &id).await?;
    let set = &s.set;
    let derived = derive(set, &a.answers).map_err(|e| WebError::Internal(e.to_string()))?;
    let evidence = s.store.evidence_of_assessment(a.assessment.id).await?;
    let mut rows = Vec::new();
    for ix in set.catalog_nodes(&a.assessment.catalog_id) {
        let r = set.requirement(ix);
        let (result, basis, review) = derived.effective(ix);
        let mut depth = 0;
        let mut p = set.parent_of(ix);
        while let Some(q) = p {
            depth += 1;
            p = set.parent_of(q);
        }
        let st = a.stored_for(r.id.as_str());
        rows.push(ChecklistRow {
            local_id: r.id.as_str().to_owned(),
            label: r.label.clone(),
            depth,
            answerable: is_requirement(set, ix),
            result: result.into(),
            basis: basis.into(),
            needs_review: review,
            direct: st.map(|x| x.result.into()),
            suggested: derived.suggestion(ix).map(|sg| sg.result.into()),
            answer: st.map(AnswerView::from),
            evidence: evidence.iter().filter(|(req, _)| req == r.id.as_str()).count(),
        });
    }
    Ok(Json(rows))
}

/// An answer that reaches the requirement, with its chain.
#[derive(Debug, Serialize, ToSchema)]
pub struct SourceView {
    /// `catalog:local`.
    pub requirement: String,
    pub catalog: String,
    pub local_id: String,
    pub label: String,
    /// What that requirement was answered.
    pub answered: ResultWord,
    /// The relation composed along the chain.
    pub relation: String,
    /// What it carries here (none for 該当なし).
    pub carries: Option<ResultWord>,
    pub needs_review: bool,
    pub via: Vec<HopView>,
}

/// The children's results a heading's suggestion rolls up.
#[derive(Debug, Serialize, ToSchema)]
pub struct RollupView {
    pub result: Option<ResultWord>,
    pub needs_review: bool,
    pub implemented: usize,
    pub partial: usize,
    pub not_implemented: usize,
    pub not_applicable: usize,
    pub unanswered: usize,
    /// Whether the suggestion used the roll-up.
    pub used: bool,
}

/// What the mappings suggest for the requirement.
#[derive(Debug, Serialize, ToSchema)]
pub struct SuggestionView {
    pub result: ResultWord,
    pub needs_review: bool,
    pub sources: Vec<SourceView>,
    pub rollup: Option<RollupView>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EvidenceView {
    pub id: String,
    /// `file` or `link`.
    pub kind: String,
    pub title: String,
    /// Hex SHA-256 of the file (files only).
    pub sha256: Option<String>,
    pub file_name: Option<String>,
    pub size_bytes: Option<i64>,
    pub url: Option<String>,
    /// `YYYY-MM-DD`.
    pub effective_date: String,
    pub expiry_date: Option<String>,
    /// Past its expiry date today.
    pub expired: bool,
    /// Where to download the verified file (files only).
    pub content_url: Option<String>,
    pub created_at: i64,
    pub created_by: String,
}

impl From<&Evidence> for EvidenceView {
    fn from(e: &Evidence) -> Self {
        let today = ops::today();
        EvidenceView {
            id: e.id.to_string(),
            kind: e.kind.as_str().to_owned(),
            title: e.title.clone(),
            sha256: e.sha256.clone(),
            file_name: e.file_name.clone(),
            size_bytes: e.size_bytes,
            url: e.url.clone(),
            effective_date: e.effective_date.to_string(),
            expiry_date: e.expiry_date.as_ref().map(|d| d.to_string()),
            expired: e.expiry_date.as_ref().is_some_and(|d| d.as_str() < today.as_str()),
            content_url: e.sha256.as_ref().map(|_| format!("/api/evidence/{}/content", e.id)),
            created_at: e.created_at.0,
            created_by: e.created_by.clone(),
        }
    }
}

/// One change of an answer's field.
#[derive(Debug, Serialize, ToSchema)]
pub struct HistoryView {
    pub changed_at: i64,
    pub changed_by: String,
    pub field: String,
    pub old: Option<String>,
    pub new: Option<String>,
}

/// One requirement of the assessment in full.
#[derive(Debug, Serialize, ToSchema)]
pub struct RequirementAnswer {
    pub assessment_id: String,
    pub requirement: RequirementView,
    pub answerable: bool,
    pub result: ResultWord,
    pub basis: BasisWord,
    pub needs_review: bool,
    pub answer: Option<AnswerView>,
    pub suggestion: Option<SuggestionView>,
    /// Whether `POST …/accept` would store the suggestion (there is one and no answer yet).
    pub can_accept: bool,
    pub evidence: Vec<EvidenceView>,
    /// Oldest first.
    pub history: Vec<HistoryView>,
}

async fn requirement_answer(s: &AppState, a: &ops::Loaded, req: &str) -> Result<RequirementAnswer, WebError> {
    let set = &s.set;
    let ix = ops::node(set, &a.assessment.catalog_id, req)?;
    let r = set.requirement(ix);
    let derived = derive(set, &a.answers).map_err(|e| WebError::Internal(e.to_string()))?;
    let outcome = derived.outcome(ix);
    let st = a.stored_for(r.id.as_str());
    let (evidence, history) = match st {
        Some(x) => (s.store.evidence_for(x.id).await?, s.store.history(x.id).await?),
        None => (Vec::new(), Vec::new()),
    };
    let suggestion = outcome.suggestion.as_ref().map(|sg| SuggestionView {
        result: sg.result.into(),
        needs_review: sg.needs_review,
        sources: sg
            .sources
            .iter()
            .map(|src| {
                let label = set
                    .node(src.answer.catalog.as_str(), src.answer.local.as_str())
                    .map(|ix| set.requirement(ix).label.clone())
                    .unwrap_or_default();
                SourceView {
                    requirement: src.answer.to_string(),
                    catalog: src.answer.catalog.as_str().to_owned(),
                    local_id: src.answer.local.as_str().to_owned(),
                    label,
                    answered: src.answered.into(),
                    relation: src.relation.as_str().to_owned(),
                    carries: src.carries.map(Into::into),
                    needs_review: src.needs_review,
                    via: src.via.iter().map(view::hop).collect(),
                }
            })
            .collect(),
        rollup: sg.rollup.map(|ru| RollupView {
            result: ru.result.map(Into::into),
            needs_review: ru.needs_review,
            implemented: ru.children[0],
            partial: ru.children[1],
            not_implemented: ru.children[2],
            not_applicable: ru.children[3],
            unanswered: ru.children[4],
            used: sg.rollup_used,
        }),
    });
    let direct = derived.direct(ix).filter(|x| x.result != ResultCode::Unanswered);
    let can_accept =
        direct.is_none() && outcome.suggestion.as_ref().is_some_and(|sg| sg.result != ResultCode::Unanswered);
    Ok(RequirementAnswer {
        assessment_id: a.assessment.id.to_string(),
        requirement: view::requirement(set, ix),
        answerable: is_requirement(set, ix),
        result: outcome.result.into(),
        basis: outcome.basis.into(),
        needs_review: outcome.needs_review,
        answer: st.map(AnswerView::from),
        suggestion,
        can_accept,
        evidence: evidence.iter().map(EvidenceView::from).collect(),
        history: history
            .iter()
            .map(|h| HistoryView {
                changed_at: h.changed_at.0,
                changed_by: h.changed_by.clone(),
                field: h.field.clone(),
                old: h.old.clone(),
                new: h.new.clone(),
            })
            .collect(),
    })
}

/// One requirement: its answer, the derived suggestion with its sources and chains, evidence
/// and history.
#[utoipa::path(get, path = "/api/assessments/{id}/requirements/{req}", tag = "answers",
    security(("session_cookie" = [])),
    params(
        ("id" = String, Path, description = "Assessment id (UUID)"),
        ("req" = String, Path, description = "Requirement: local id or printed label, e.g. org-1")),
    responses(
        (status = 200, description = "The requirement in full", body = RequirementAnswer),
        (status = 401, description = "No session", body = ErrorBody),
        (status = 404, description = "No such assessment of mine, or no such requirement in its catalog", body = ErrorBody)))]
async fn requirement(
    State(s): State<AppState>,
    user: ApiUser,
    Path((id, req)): Path<(String, String)>,
) -> Result<Json<RequirementAnswer>, WebError> {
    let a = ops::load_assessment(&s, &user.user, &id).await?;
    Ok(Json(requirement_answer(&s, &a, &req).await?))
}

/// An answer: every field is replaced (leave one out to clear it).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AnswerBody {
    pub result: ResultWord,
    /// 実施内容.
    #[serde(default)]
    pub how: Option<String>,
    /// 該当なし理由・備考 (required for not-applicable).
    #[serde(default)]
    pub justification: Option<String>,
    /// 担当者.
    #[serde(default)]
    pub owner: Option<String>,
    /// 期限, `YYYY-MM-DD`.
    #[serde(default)]
    #[schema(format = Date)]
    pub due_date: Option<String>,
}

/// Saves the answer to a requirement (assessor or admin).
#[utoipa::path(put, path = "/api/assessments/{id}/requirements/{req}/answer", tag = "answers",
    security(("session_cookie" = [], "csrf_header" = [])),
    params(
        ("id" = String, Path, description = "Assessment id (UUID)"),
        ("req" = String, Path, description = "Requirement: local id or printed label")),
    request_body = AnswerBody,
    responses(
        (status = 200, description = "The stored answer", body = AnswerView),
        (status = 400, description = "The body is not JSON", body = ErrorBody),
        (status = 401, description = "No session", body = ErrorBody),
        (status = 403, description = "A viewer, or a missing or wrong x-csrf-token header", body = ErrorBody),
        (status = 404, description = "No such assessment of mine, or no such requirement", body = ErrorBody),
        (status = 409, description = "The assessment is final (確定): read-only until reopened", body = ErrorBody),
        (status = 413, description = "The body is too large", body = ErrorBody),
        (status = 422, description = "A heading, an unknown result, a bad due date, or 該当なし without a reason", body = ErrorBody)))]
async fn save(
    State(s): State<AppState>,
    PageLang(lang): PageLang,
    user: ApiUser,
    Path((id, req)): Path<(String, String)>,
    ApiJson(body): ApiJson<AnswerBody>,
) -> Result<Json<AnswerView>, WebError> {
    let a = ops::load_assessment(&s, &user.user, &id).await?;
    let ix = ops::node(&s.set, &a.assessment.catalog_id, &req)?;
    ops::require_editor(lang, &user.user)?;
    let fields = ops::AnswerFields {
        result: body.result.into(),
        how: Some(body.how.unwrap_or_default()),
        justification: body.justification,
        owner: body.owner,
        due: strict_date(lang, "due_date", body.due_date)?,
    };
    let saved = ops::save_answer(&s, lang, &user.actor(), &a, ix, fields).await?;
    Ok(Json(AnswerView::from(&saved)))
}

/// A date field of a JSON body or API form: exactly `YYYY-MM-DD` when given (the pages' forms are
/// more forgiving: blank means none there). Left out or null means none.
fn strict_date(lang: Lang, field: &str, value: Option<String>) -> Result<Option<sansho_store::Date>, WebError> {
    match value {
        None => Ok(None),
        Some(d) => d.parse::<sansho_store::Date>().map(Some).map_err(|_| {
            WebError::Invalid(format!(
                "{field}: {d:?} {}",
                lang.t("は日付ではありません（YYYY-MM-DD）", "is not a date (YYYY-MM-DD)")
            ))
        }),
    }
}

/// Stores the derived suggestion as the requirement's answer, with its origin (assessor or
/// admin). Never over an answer.
#[utoipa::path(post, path = "/api/assessments/{id}/requirements/{req}/accept", tag = "answers",
    security(("session_cookie" = [], "csrf_header" = [])),
    params(
        ("id" = String, Path, description = "Assessment id (UUID)"),
        ("req" = String, Path, description = "Requirement: local id or printed label")),
    responses(
        (status = 200, description = "The stored answer, with the suggestion's origin", body = AnswerView),
        (status = 401, description = "No session", body = ErrorBody),
        (status = 403, description = "A viewer, or a missing or wrong x-csrf-token header", body = ErrorBody),
        (status = 404, description = "No such assessment of mine, or no such requirement", body = ErrorBody),
        (status = 409, description = "The requirement is answered already, or the assessment is final (確定)", body = ErrorBody),
        (status = 422, description = "There is no suggestion to accept", body = ErrorBody)))]
async fn accept(
    State(s): State<AppState>,
    PageLang(lang): PageLang,
    user: ApiUser,
    Path((id, req)): Path<(String, String)>,
) -> Result<Json<AnswerView>, WebError> {
    let a = ops::load_assessment(&s, &user.user, &id).await?;
    let ix = ops::node(&s.set, &a.assessment.catalog_id, &req)?;
    ops::require_editor(lang, &user.user)?;
    let saved = ops::accept_suggestion(&s, lang, &user.actor(), &a, ix).await?;
    Ok(Json(AnswerView::from(&saved)))
}

/// Evidence as a link.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EvidenceLink {
    /// An http(s) URL.
    #[schema(min_length = 1)]
    pub url: String,
    /// The URL when left out.
    #[serde(default)]
    pub title: Option<String>,
    /// `YYYY-MM-DD`; today when left out.
    #[serde(default)]
    #[schema(format = Date)]
    pub effective_date: Option<String>,
    /// `YYYY-MM-DD`.
    #[serde(default)]
    #[schema(format = Date)]
    pub expiry_date: Option<String>,
}

/// Evidence as a file (multipart/form-data).
#[derive(Debug, ToSchema)]
#[allow(dead_code)]
pub struct EvidenceUpload {
    /// The file (at most 20 MB), kept content-addressed by its SHA-256.
    #[schema(value_type = String, format = Binary, content_media_type = "application/octet-stream")]
    pub file: Vec<u8>,
    /// The file name when left out.
    pub title: Option<String>,
    /// `YYYY-MM-DD`; today when left out.
    #[schema(format = Date)]
    pub effective_date: Option<String>,
    /// `YYYY-MM-DD`.
    #[schema(format = Date)]
    pub expiry_date: Option<String>,
}

/// Evidence as the request gives it, its dates still text.
#[derive(Default)]
struct EvidenceText {
    file: Option<(String, Vec<u8>)>,
    url: Option<String>,
    title: Option<String>,
    effective: Option<String>,
    expiry: Option<String>,
}

/// The multipart form, read.
async fn read_upload(mut form: Multipart) -> Result<EvidenceText, WebError> {
    let mut f = EvidenceText::default();
    while let Some(field) = form.next_field().await.map_err(|e| WebError::BadRequest(e.body_text()))? {
        let name = field.name().unwrap_or_default().to_owned();
        if name == "file" {
            let file_name = field.file_name().map(str::to_owned).unwrap_or_else(|| "evidence".into());
            let bytes = field.bytes().await.map_err(|e| match e.status() {
                StatusCode::PAYLOAD_TOO_LARGE => WebError::TooLarge(e.body_text()),
                _ => WebError::BadRequest(e.body_text()),
            })?;
            f.file = Some((file_name, bytes.to_vec()));
        } else {
            let text = field.text().await.map_err(|e| WebError::BadRequest(e.body_text()))?;
            match name.as_str() {
                "title" => f.title = Some(text),
                "url" => f.url = Some(text),
                "effective_date" => f.effective = Some(text),
                "expiry_date" => f.expiry = Some(text),
                other => return Err(WebError::Invalid(format!("unknown form field {other:?}"))),
            }
        }
    }
    Ok(f)
}

/// Adds evidence to the requirement's answer (which must exist): a file as multipart/form-data,
/// or a link as JSON (assessor or admin).
#[utoipa::path(post, path = "/api/assessments/{id}/requirements/{req}/evidence", tag = "answers",
    security(("session_cookie" = [], "csrf_header" = [])),
    params(
        ("id" = String, Path, description = "Assessment id (UUID)"),
        ("req" = String, Path, description = "Requirement: local id or printed label")),
    request_body(content(
        (EvidenceUpload = "multipart/form-data"),
        (EvidenceLink = "application/json"))),
    responses(
        (status = 201, description = "The evidence, attached to the answer", body = EvidenceView),
        (status = 400, description = "The body is neither JSON nor a multipart form", body = ErrorBody),
        (status = 401, description = "No session", body = ErrorBody),
        (status = 403, description = "A viewer, or a missing or wrong x-csrf-token header", body = ErrorBody),
        (status = 404, description = "No such assessment of mine, or no such requirement", body = ErrorBody),
        (status = 409, description = "The requirement has no answer yet (save one first), or the assessment is final (確定)", body = ErrorBody),
        (status = 413, description = "The file is larger than 20 MB", body = ErrorBody),
        (status = 422, description = "No file or http(s) URL, a bad date, or an expiry before the effective date", body = ErrorBody)))]
async fn add_evidence(
    State(s): State<AppState>,
    PageLang(lang): PageLang,
    user: ApiUser,
    Path((id, req)): Path<(String, String)>,
    request: Request,
) -> Result<(StatusCode, Json<EvidenceView>), WebError> {
    let a = ops::load_assessment(&s, &user.user, &id).await?;
    let ix = ops::node(&s.set, &a.assessment.catalog_id, &req)?;
    ops::require_editor(lang, &user.user)?;
    let content_type =
        request.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("").to_ascii_lowercase();
    let fields = if content_type.starts_with("multipart/form-data") {
        let form = Multipart::from_request(request, &s).await.map_err(|e| WebError::BadRequest(e.body_text()))?;
        read_upload(form).await?
    } else {
        let ApiJson(link) = ApiJson::<EvidenceLink>::from_request(request, &s).await?;
        EvidenceText {
            file: None,
            url: Some(link.url),
            title: link.title,
            effective: link.effective_date,
            expiry: link.expiry_date,
        }
    };
    let fields = ops::EvidenceFields {
        effective: strict_date(lang, "effective_date", fields.effective)?,
        expiry: strict_date(lang, "expiry_date", fields.expiry)?,
        file: fields.file,
        url: fields.url,
        title: fields.title,
    };
    let e = ops::add_evidence(&s, lang, &user.actor(), &a, ix, fields).await?;
    Ok((StatusCode::CREATED, Json(EvidenceView::from(&e))))
}

/// Evidence's metadata.
#[utoipa::path(get, path = "/api/evidence/{id}", tag = "answers",
    security(("session_cookie" = [])),
    params(("id" = String, Path, description = "Evidence id (UUID)")),
    responses(
        (status = 200, description = "The evidence", body = EvidenceView),
        (status = 401, description = "No session", body = ErrorBody),
        (status = 404, description = "No such evidence of my organizations", body = ErrorBody)))]
async fn evidence(
    State(s): State<AppState>,
    user: ApiUser,
    Path(id): Path<String>,
) -> Result<Json<EvidenceView>, WebError> {
    Ok(Json(EvidenceView::from(&ops::load_evidence(&s, &user.user, &id).await?)))
}

/// An evidence file's bytes, verified against its SHA-256 first.
#[utoipa::path(get, path = "/api/evidence/{id}/content", tag = "answers",
    security(("session_cookie" = [])),
    params(("id" = String, Path, description = "Evidence id (UUID)")),
    responses(
        (status = 200, description = "The file, as a download", content_type = "application/octet-stream", body = Vec<u8>),
        (status = 401, description = "No session", body = ErrorBody),
        (status = 404, description = "No such evidence of my organizations, or a link (no file)", body = ErrorBody),
        (status = 409, description = "The file no longer matches its hash (or is gone); it is not served", body = ErrorBody)))]
async fn content(State(s): State<AppState>, user: ApiUser, Path(id): Path<String>) -> Result<Response, WebError> {
    let e = ops::load_evidence(&s, &user.user, &id).await?;
    let bytes = ops::evidence_bytes(&s, &e).await?;
    let mut r = bytes.into_response();
    r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/octet-stream"));
    r.headers_mut().insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_str(&ops::attachment(e.file_name.as_deref().unwrap_or("evidence")))
            .map_err(|e| WebError::Internal(e.to_string()))?,
    );
    Ok(r)
}

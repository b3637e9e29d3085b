//! Answering an assessment: the checklist of every requirement with its result (direct or
//! derived), and one requirement's page to answer it (result, 実施内容, reason, owner, due date),
//! accept the derived suggestion with its provenance, attach evidence (a file, kept
//! content-addressed, or a link, with effective and expiry dates) and see the history.
//!
//! Reading needs membership of the assessment's organization; writing also needs the assessor or
//! admin role. Every form carries the session's CSRF token.

use askama::Template;
use axum::extract::{DefaultBodyLimit, Multipart, Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use sansho_core::assess::{ResultBasis, ResultCode, derive, is_requirement};
use sansho_store::AnswerResult;
use serde::Deserialize;

use crate::ops::{self, today};
use crate::pages::auth::Client;
use crate::pages::guidelines::{ErrorPage, form_expired, render_status};
use crate::session::Authed;
use crate::view::{self, HopView};
use crate::{AppState, Lang, WebError};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/assessments/{id}/answers", get(checklist))
        .route("/assessments/{id}/r/{req}", get(requirement).post(save))
        .route("/assessments/{id}/r/{req}/accept", post(accept))
        .route("/assessments/{id}/r/{req}/quick", post(quick_save))
        .route(
            "/assessments/{id}/r/{req}/evidence",
            post(upload).layer(DefaultBodyLimit::max(ops::MAX_UPLOAD + 64 * 1024)),
        )
        .route("/evidence/{id}", get(download))
}

/// Where an answer came from, from its `origin` JSON, in words.
fn origin_word(lang: Lang, origin: &serde_json::Value) -> String {
    let kind = origin.get("kind").and_then(|k| k.as_str()).unwrap_or_default();
    let word = match kind {
        "derived" => lang.t("推定を採用", "accepted suggestion"),
        "baseline" => lang.t("ベースラインから複写", "copied from the baseline"),
        "import" => lang.t("取込み", "imported"),
        "sample" => lang.t("サンプル", "sample"),
        "migration" => lang.t("版の移行", "migrated"),
        other => other,
    };
    if origin.get("needs_review").and_then(|r| r.as_bool()) == Some(true) {
        format!("{word}{}", lang.t("（要確認）", " (to review)"))
    } else {
        word.to_owned()
    }
}

/// The name of an answer's field in its history.
fn history_field_word(lang: Lang, field: &str) -> &str {
    match field {
        "result" => lang.t("実施状況", "result"),
        "how" => lang.t("実施内容", "how it is done"),
        "justification" => lang.t("該当なし理由・備考", "reason / notes"),
        "owner" => lang.t("担当者", "owner"),
        "due_date" => lang.t("期限", "due"),
        "origin" => lang.t("由来", "origin"),
        "evidence" => lang.t("根拠", "evidence"),
        other => other,
    }
}

fn result_word(lang: Lang, r: ResultCode) -> &'static str {
    lang.t(r.ja(), r.as_str())
}

/// The assessment, checked for access, with its stored and domain answers.
async fn load(
    s: &AppState,
    user: &Authed,
    id: &str,
) -> Result<(sansho_store::Assessment, Vec<sansho_store::Answer>, Vec<sansho_core::assess::Answer>), WebError> {
    let l = ops::load_assessment(s, &user.user, id).await?;
    Ok((l.assessment, l.stored, l.answers))
}

fn can_edit(user: &Authed) -> bool {
    ops::can_edit(&user.user)
}

fn forbidden(lang: Lang, message: &str) -> Response {
    let status = StatusCode::FORBIDDEN;
    render_status(status, &ErrorPage { lang, path: "/".into(), status: status.as_u16(), message: message.into() })
}

/// A write by a viewer.
fn read_only(lang: Lang) -> Response {
    forbidden(lang, lang.t("回答を変更する権限がありません（閲覧のみ）。", "You may only read (viewer)."))
}

// ----- the checklist -----

struct Row {
    local_id: String,
    label: String,
    depth: usize,
    heading: bool,
    text: String,
    result: String,
    result_key: String,
    derived: bool,
    review: bool,
    how: String,
    evidence: usize,
    /// The stored (direct) result word, for the inline form: `unanswered` when there is none.
    direct_key: String,
}

#[derive(Template)]
#[template(path = "answers.html")]
struct ChecklistPage {
    lang: Lang,
    path: String,
    id: String,
    title: String,
    rows: Vec<Row>,
    only_gaps: bool,
    /// Assessors and admins answer in the table itself (result and 実施内容 per row).
    can_edit: bool,
    csrf: String,
    results: Vec<(String, String)>,
}

#[derive(Deserialize)]
struct ChecklistQuery {
    gaps: Option<String>,
}

async fn checklist(
    State(s): State<AppState>,
    lang: Lang,
    user: Authed,
    Path(id): Path<String>,
    Query(q): Query<ChecklistQuery>,
) -> Result<Response, WebError> {
    let (a, stored, answers) = load(&s, &user, &id).await?;
    let set = &s.set;
    let derived = derive(set, &answers).map_err(|e| WebError::Internal(e.to_string()))?;
    let evidence = s.store.evidence_of_assessment(a.id).await?;
    let only_gaps = q.gaps.is_some();
    let mut rows = Vec::new();
    for ix in set.catalog_nodes(&a.catalog_id) {
        let r = set.requirement(ix);
        let answerable = is_requirement(set, ix);
        let (result, basis, review) = derived.effective(ix);
        if only_gaps
            && (!answerable
                || !matches!(result, ResultCode::Partial | ResultCode::NotImplemented | ResultCode::Unanswered))
        {
            continue;
        }
        let mut depth = 0;
        let mut p = set.parent_of(ix);
        while let Some(q) = p {
            depth += 1;
            p = set.parent_of(q);
        }
        let st = stored.iter().find(|x| x.requirement_id == r.id.as_str());
        rows.push(Row {
            local_id: r.id.as_str().to_owned(),
            label: r.label.clone(),
            depth,
            heading: !answerable,
            // A heading whose title is its label says it once.
            text: r
                .text
                .as_deref()
                .map(|t| view::shown_text(set, &a.catalog_id, t, lang))
                .or_else(|| r.title.clone().filter(|t| t != &r.label))
                .unwrap_or_default(),
            result: result_word(lang, result).to_owned(),
            result_key: result.as_str().to_owned(),
            derived: basis == ResultBasis::Derived,
            review,
            how: st.map(|x| x.how.clone()).unwrap_or_default(),
            evidence: evidence.iter().filter(|(req, _)| req == r.id.as_str()).count(),
            direct_key: st.map_or("unanswered", |x| x.result.as_str()).to_owned(),
        });
    }
    let cat = set
        .catalog(&a.catalog_id)
        .map_or(a.catalog_id.clone(), |c| format!("{} {}", crate::view::title(lang, &c.title), c.edition));
    let page = ChecklistPage {
        lang,
        path: format!("/assessments/{id}/answers"),
        id: a.id.to_string(),
        title: cat,
        rows,
        only_gaps,
        can_edit: can_edit(&user),
        csrf: user.csrf(&s),
        results: ResultCode::ALL.iter().map(|r| (r.as_str().to_owned(), result_word(lang, *r).to_owned())).collect(),
    };
    Ok(render_status(StatusCode::OK, &page))
}

// ----- one requirement -----

struct SourceRow {
    catalog: String,
    local_id: String,
    label: String,
    relation: String,
    answered: String,
    via: Vec<HopView>,
}

struct EvidenceRow {
    id: String,
    title: String,
    file: String,
    is_file: bool,
    /// SHA-256 (hex) of the file; empty for a link.
    sha256: String,
    url: String,
    valid: String,
    expired: bool,
}

struct HistoryRow {
    when: String,
    who: String,
    field: String,
    old: String,
    new: String,
}

#[derive(Template)]
#[template(path = "answer.html")]
struct AnswerPage {
    lang: Lang,
    path: String,
    id: String,
    catalog: String,
    catalog_title: String,
    req: view::RequirementView,
    /// The text's OSCAL parameter inserts are written out (the page says so).
    params_written: bool,
    answerable: bool,
    can_edit: bool,
    csrf: String,
    result: String,
    basis_derived: bool,
    how: String,
    justification: String,
    owner: String,
    due: String,
    origin: String,
    suggestion: Option<(String, bool)>,
    can_accept: bool,
    sources: Vec<SourceRow>,
    rollup: String,
    evidence: Vec<EvidenceRow>,
    history: Vec<HistoryRow>,
    results: Vec<(String, String)>,
    error: Option<String>,
    today: String,
}

async fn requirement_page(
    s: &AppState,
    lang: Lang,
    user: &Authed,
    id: &str,
    req: &str,
    error: Option<String>,
) -> Result<Response, WebError> {
    let (a, stored, answers) = load(s, user, id).await?;
    let set = &s.set;
    let ix = ops::node(set, &a.catalog_id, req)?;
    let r = set.requirement(ix);
    let derived = derive(set, &answers).map_err(|e| WebError::Internal(e.to_string()))?;
    let outcome = derived.outcome(ix);
    let st = stored.iter().find(|x| x.requirement_id == r.id.as_str());
    let (evidence, history) = match st {
        Some(x) => (s.store.evidence_for(x.id).await?, s.store.history(x.id).await?),
        None => (Vec::new(), Vec::new()),
    };
    let today = today();
    let titles: std::collections::HashMap<String, String> =
        evidence.iter().map(|e| (e.id.to_string(), e.title.clone())).collect();
    let sources = outcome
        .suggestion
        .as_ref()
        .map(|sg| {
            sg.sources
                .iter()
                .map(|src| {
                    let from =
                        set.node(src.answer.catalog.as_str(), src.answer.local.as_str()).expect("answered nodes exist");
                    SourceRow {
                        catalog: src.answer.catalog.as_str().to_owned(),
                        local_id: src.answer.local.as_str().to_owned(),
                        label: set.requirement(from).label.clone(),
                        relation: lang.relation(src.relation.as_str()),
                        answered: result_word(lang, src.answered).to_owned(),
                        via: src
                            .via
                            .iter()
                            .map(|h| HopView {
                                from: h.from.to_string(),
                                to: h.to.to_string(),
                                relation: h.relation.as_str().to_owned(),
                                kind: format!("{:?}", h.kind).to_lowercase(),
                                mapping_set: h.mapping_set.map(str::to_owned),
                                forward: h.forward,
                                provenance: sansho_core::Provenance::list(h.provenance),
                            })
                            .collect(),
                    }
                })
                .collect()
        })
        .unwrap_or_default();
    let rollup = outcome
        .suggestion
        .as_ref()
        .and_then(|sg| sg.rollup.filter(|_| sg.rollup_used))
        .map(|ru| {
            ResultCode::ALL
                .iter()
                .zip(ru.children)
                .filter(|(_, n)| *n > 0)
                .map(|(c, n)| format!("{} {n}", result_word(lang, *c)))
                .collect::<Vec<_>>()
                .join("、")
        })
        .unwrap_or_default();
    let direct = derived.direct(ix).filter(|x| x.result != ResultCode::Unanswered);
    let suggestion = outcome.suggestion.as_ref().map(|sg| (result_word(lang, sg.result).to_owned(), sg.needs_review));
    let can_accept = can_edit(user)
        && direct.is_none()
        && outcome.suggestion.as_ref().is_some_and(|sg| sg.result != ResultCode::Unanswered);
    let cat = set
        .catalog(&a.catalog_id)
        .map_or(a.catalog_id.clone(), |c| format!("{} {}", crate::view::title(lang, &c.title), c.edition));
    let page = AnswerPage {
        lang,
        path: format!("/assessments/{id}/r/{}", r.id),
        id: a.id.to_string(),
        catalog: a.catalog_id.clone(),
        catalog_title: cat,
        params_written: set.requirement(ix).text.as_deref().is_some_and(view::has_params),
        req: {
            let mut req = view::requirement(set, ix);
            req.text = req.text.map(|t| view::shown_text(set, &a.catalog_id, &t, lang));
            req
        },
        answerable: is_requirement(set, ix),
        can_edit: can_edit(user),
        csrf: user.csrf(s),
        result: st.map_or("unanswered".into(), |x| x.result.as_str().to_owned()),
        basis_derived: outcome.basis == ResultBasis::Derived,
        how: st.map(|x| x.how.clone()).unwrap_or_default(),
        justification: st.and_then(|x| x.justification.clone()).unwrap_or_default(),
        owner: st.and_then(|x| x.owner.clone()).unwrap_or_default(),
        due: st.and_then(|x| x.due_date.as_ref().map(|d| d.to_string())).unwrap_or_default(),
        origin: st.and_then(|x| x.origin.as_ref()).map(|o| origin_word(lang, o)).unwrap_or_default(),
        suggestion,
        can_accept,
        sources,
        rollup,
        evidence: evidence
            .iter()
            .map(|e| EvidenceRow {
                id: e.id.to_string(),
                title: e.title.clone(),
                file: e.file_name.clone().unwrap_or_default(),
                is_file: e.sha256.is_some(),
                sha256: e.sha256.clone().unwrap_or_default(),
                url: e.url.clone().unwrap_or_default(),
                valid: format!(
                    "{}〜{}",
                    e.effective_date,
                    e.expiry_date.as_ref().map(|d| d.to_string()).unwrap_or_default()
                ),
                expired: e.expiry_date.as_ref().is_some_and(|d| d.as_str() < today.as_str()),
            })
            .collect(),
        history: history
            .iter()
            .map(|h| {
                let word = |v: &Option<String>| match v.as_deref() {
                    None => "—".to_owned(),
                    Some(x) if h.field == "result" => {
                        x.parse::<AnswerResult>().map_or(x.to_owned(), |r| result_word(lang, r.into()).to_owned())
                    }
                    Some(x) if h.field == "origin" => {
                        serde_json::from_str(x).map_or_else(|_| x.chars().take(80).collect(), |o| origin_word(lang, &o))
                    }
                    // An evidence link by its title (the id only if it is no longer attached).
                    Some(x) if h.field == "evidence" => titles.get(x).map_or_else(|| x.to_owned(), |t| t.clone()),
                    Some(x) => x.chars().take(80).collect(),
                };
                HistoryRow {
                    when: crate::time::when(h.changed_at),
                    who: h.changed_by.clone(),
                    field: history_field_word(lang, &h.field).to_owned(),
                    old: word(&h.old),
                    new: word(&h.new),
                }
            })
            .collect(),
        results: ResultCode::ALL.iter().map(|r| (r.as_str().to_owned(), result_word(lang, *r).to_owned())).collect(),
        error: error.clone(),
        today,
    };
    let status = if error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    Ok(render_status(status, &page))
}

async fn requirement(
    State(s): State<AppState>,
    lang: Lang,
    user: Authed,
    Path((id, req)): Path<(String, String)>,
) -> Result<Response, WebError> {
    requirement_page(&s, lang, &user, &id, &req, None).await
}

/// Every field defaults to empty, so a form that lacks one is judged by the handler after the
/// access check (another organization's id stays "not found", never "bad form").
#[derive(Deserialize)]
struct AnswerForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    result: String,
    #[serde(default)]
    how: String,
    #[serde(default)]
    justification: String,
    #[serde(default)]
    owner: String,
    #[serde(default)]
    due: String,
}

/// A refusal the person can correct (a field's value, an answer that exists already): shown on
/// the requirement's page with its message. Anything else stays an error.
async fn refused(
    s: &AppState,
    lang: Lang,
    user: &Authed,
    id: &str,
    req: &str,
    e: WebError,
) -> Result<Response, WebError> {
    match e {
        WebError::Invalid(msg) | WebError::Conflict(msg) | WebError::TooLarge(msg) => {
            requirement_page(s, lang, user, id, req, Some(msg)).await
        }
        e => Err(e),
    }
}

/// The assessment a form writes to, once the form's CSRF token, the access and the editor role
/// are checked; or the page that refuses it.
async fn editable(
    s: &AppState,
    lang: Lang,
    user: &Authed,
    id: &str,
    csrf: &str,
) -> Result<Result<ops::Loaded, Response>, WebError> {
    if !user.csrf_ok(s, csrf) {
        return Ok(Err(form_expired(lang, "/")));
    }
    let a = ops::load_assessment(s, &user.user, id).await?;
    if !can_edit(user) {
        return Ok(Err(read_only(lang)));
    }
    Ok(Ok(a))
}

/// What an answer form gives besides the result and 実施内容.
enum Rest {
    /// The answer page: every other field.
    Given { justification: String, owner: String, due: String },
    /// A checklist row: the stored answer's other fields are kept.
    Kept,
}

/// Saves an answer from a form and goes to `back(assessment, local id)`; a refusal the person
/// can correct opens the requirement's page with the message.
#[allow(clippy::too_many_arguments)]
async fn write_answer(
    s: &AppState,
    lang: Lang,
    client: &Client,
    user: &Authed,
    (id, req): (&str, &str),
    csrf: &str,
    (result, how): (&str, String),
    rest: Rest,
    back: impl FnOnce(sansho_store::Id, &str) -> String,
) -> Result<Response, WebError> {
    let a = match editable(s, lang, user, id, csrf).await? {
        Ok(a) => a,
        Err(refusal) => return Ok(refusal),
    };
    let ix = ops::node(&s.set, &a.assessment.catalog_id, req)?;
    let local = s.set.requirement(ix).id.as_str();
    let result = ops::parse_result(result).map_err(|e| WebError::BadRequest(e.public_message()))?;
    let fields = match rest {
        Rest::Given { justification, owner, due } => {
            ops::AnswerFields { result, how, justification: Some(justification), owner: Some(owner), due: Some(due) }
        }
        Rest::Kept => {
            let kept = a.stored.iter().find(|x| x.requirement_id == local);
            ops::AnswerFields {
                result,
                how,
                justification: kept.and_then(|x| x.justification.clone()),
                owner: kept.and_then(|x| x.owner.clone()),
                due: kept.and_then(|x| x.due_date.as_ref().map(|d| d.to_string())),
            }
        }
    };
    match ops::save_answer(s, lang, &user.actor(&client.addr.to_string()), &a, ix, fields).await {
        Ok(_) => Ok(Redirect::to(&back(a.assessment.id, local)).into_response()),
        Err(e) => refused(s, lang, user, id, req, e).await,
    }
}

async fn save(
    State(s): State<AppState>,
    lang: Lang,
    client: Client,
    user: Authed,
    Path((id, req)): Path<(String, String)>,
    Form(f): Form<AnswerForm>,
) -> Result<Response, WebError> {
    let rest = Rest::Given { justification: f.justification, owner: f.owner, due: f.due };
    write_answer(&s, lang, &client, &user, (&id, &req), &f.csrf_token, (&f.result, f.how), rest, |a, local| {
        format!("/assessments/{a}/r/{local}")
    })
    .await
}

/// The checklist's inline form: one row's result and 実施内容.
#[derive(Deserialize)]
struct QuickForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    result: String,
    #[serde(default)]
    how: String,
    /// Sent from the gaps-only view, to return to it.
    #[serde(default)]
    gaps: String,
}

/// Saves a row of the checklist: its result and 実施内容, keeping the answer's other fields (reason,
/// owner, due date). Back to the row on success; a refusal (該当なし without a reason) opens the
/// requirement's page with the message, where the reason can be written.
async fn quick_save(
    State(s): State<AppState>,
    lang: Lang,
    client: Client,
    user: Authed,
    Path((id, req)): Path<(String, String)>,
    Form(f): Form<QuickForm>,
) -> Result<Response, WebError> {
    let gaps = if f.gaps.is_empty() { "" } else { "?gaps=1" };
    write_answer(&s, lang, &client, &user, (&id, &req), &f.csrf_token, (&f.result, f.how), Rest::Kept, |a, local| {
        format!("/assessments/{a}/answers{gaps}#r-{local}")
    })
    .await
}

#[derive(Deserialize)]
struct CsrfForm {
    csrf_token: String,
}

async fn accept(
    State(s): State<AppState>,
    lang: Lang,
    client: Client,
    user: Authed,
    Path((id, req)): Path<(String, String)>,
    Form(f): Form<CsrfForm>,
) -> Result<Response, WebError> {
    let a = match editable(&s, lang, &user, &id, &f.csrf_token).await? {
        Ok(a) => a,
        Err(refusal) => return Ok(refusal),
    };
    let ix = ops::node(&s.set, &a.assessment.catalog_id, &req)?;
    let actor = user.actor(&client.addr.to_string());
    match ops::accept_suggestion(&s, lang, &actor, &a, ix).await {
        Ok(_) => {
            Ok(Redirect::to(&format!("/assessments/{}/r/{}", a.assessment.id, s.set.requirement(ix).id))
                .into_response())
        }
        Err(e) => refused(&s, lang, &user, &id, &req, e).await,
    }
}

async fn upload(
    State(s): State<AppState>,
    lang: Lang,
    client: Client,
    user: Authed,
    Path((id, req)): Path<(String, String)>,
    mut form: Multipart,
) -> Result<Response, WebError> {
    let mut csrf = String::new();
    let mut fields = ops::EvidenceFields::default();
    while let Some(field) = form.next_field().await.map_err(|e| WebError::BadRequest(e.to_string()))? {
        let name = field.name().unwrap_or_default().to_owned();
        match name.as_str() {
            "file" => {
                let file_name = field.file_name().unwrap_or_default().to_owned();
                let bytes = field.bytes().await.map_err(|e| WebError::BadRequest(e.to_string()))?;
                if !file_name.is_empty() && !bytes.is_empty() {
                    fields.file = Some((file_name, bytes.to_vec()));
                }
            }
            other => {
                let text = field.text().await.map_err(|e| WebError::BadRequest(e.to_string()))?;
                match other {
                    "csrf_token" => csrf = text,
                    "title" => fields.title = Some(text),
                    "url" => fields.url = Some(text),
                    "effective" => fields.effective = Some(text),
                    "expiry" => fields.expiry = Some(text),
                    _ => {}
                }
            }
        }
    }
    if !user.csrf_ok(&s, &csrf) {
        return Ok(form_expired(lang, "/"));
    }
    let a = ops::load_assessment(&s, &user.user, &id).await?;
    if !can_edit(&user) {
        return Ok(read_only(lang));
    }
    let ix = ops::node(&s.set, &a.assessment.catalog_id, &req)?;
    let actor = user.actor(&client.addr.to_string());
    match ops::add_evidence(&s, lang, &actor, &a, ix, fields).await {
        Ok(_) => {
            Ok(Redirect::to(&format!("/assessments/{}/r/{}", a.assessment.id, s.set.requirement(ix).id))
                .into_response())
        }
        Err(e) => refused(&s, lang, &user, &id, &req, e).await,
    }
}

/// An evidence file, after checking its hash: a file that no longer matches is refused.
async fn download(State(s): State<AppState>, user: Authed, Path(id): Path<String>) -> Result<Response, WebError> {
    let e = ops::load_evidence(&s, &user.user, &id).await?;
    if let Some(url) = &e.url {
        return Ok(Redirect::to(url).into_response());
    }
    let content = ops::evidence_bytes(&s, &e).await?;
    let name = e.file_name.unwrap_or_else(|| "evidence".into());
    let mut r = content.into_response();
    r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/octet-stream"));
    r.headers_mut().insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_str(&ops::attachment(&name)).map_err(|e| WebError::Internal(e.to_string()))?,
    );
    Ok(r)
}

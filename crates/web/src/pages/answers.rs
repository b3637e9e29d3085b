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
use sansho_auth as auth;
use sansho_core::CatalogSet;
use sansho_core::assess::{ResultBasis, ResultCode, derive, is_requirement};
use sansho_core::set::NodeIx;
use sansho_store::{AnswerInput, AnswerResult, EvidenceSource, Id, Kind, NewEvidence, Role};
use serde::Deserialize;

use crate::pages::assessments::domain_answers;
use crate::pages::auth::Client;
use crate::pages::guidelines::{ErrorPage, render_status};
use crate::session::{Authed, check_access, now};
use crate::view::{self, HopView};
use crate::{AppState, Lang, WebError};

/// The largest evidence file accepted.
const MAX_UPLOAD: usize = 20 * 1024 * 1024;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/assessments/{id}/answers", get(checklist))
        .route("/assessments/{id}/r/{req}", get(requirement).post(save))
        .route("/assessments/{id}/r/{req}/accept", post(accept))
        .route("/assessments/{id}/r/{req}/evidence", post(upload).layer(DefaultBodyLimit::max(MAX_UPLOAD + 64 * 1024)))
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
    let aid: Id = id.parse().map_err(|_| WebError::NotFound("no such assessment".into()))?;
    check_access(s, &user.user, Kind::Assessment, aid).await?;
    let a = s.store.assessment(aid).await?;
    let stored = s.store.answers(aid).await?;
    let answers = domain_answers(&s.set, &a.catalog_id, &stored)?;
    Ok((a, stored, answers))
}

fn node(set: &CatalogSet, catalog: &str, req: &str) -> Result<NodeIx, WebError> {
    set.resolve(catalog, req).map_err(|e| WebError::NotFound(e.to_string()))
}

fn can_edit(user: &Authed) -> bool {
    matches!(user.user.role, Role::Admin | Role::Assessor)
}

fn forbidden(lang: Lang, message: &str) -> Response {
    let status = StatusCode::FORBIDDEN;
    render_status(status, &ErrorPage { lang, path: "/".into(), status: status.as_u16(), message: message.into() })
}

/// A form whose CSRF token does not belong to the session.
fn form_expired(lang: Lang) -> Response {
    forbidden(lang, lang.t("フォームの有効期限が切れました。", "The form expired."))
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
            text: r.text.clone().or_else(|| r.title.clone().filter(|t| t != &r.label)).unwrap_or_default(),
            result: result_word(lang, result).to_owned(),
            result_key: result.as_str().to_owned(),
            derived: basis == ResultBasis::Derived,
            review,
            how: st.map(|x| x.how.clone()).unwrap_or_default(),
            evidence: evidence.iter().filter(|(req, _)| req == r.id.as_str()).count(),
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

/// Today's date (UTC).
fn today() -> String {
    date_of(now())
}

/// A stored moment, to the minute (UTC).
fn when(t: sansho_store::Timestamp) -> String {
    let rem = t.0.div_euclid(1000).rem_euclid(86_400);
    format!("{} {:02}:{:02} UTC", date_of(t), rem / 3600, rem % 3600 / 60)
}

/// The civil date of a moment (UTC), from days since 1970-01-01 (Howard Hinnant's algorithm).
fn date_of(t: sansho_store::Timestamp) -> String {
    let days = t.0.div_euclid(86_400_000);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
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
    let ix = node(set, &a.catalog_id, req)?;
    let r = set.requirement(ix);
    let derived = derive(set, &answers).map_err(|e| WebError::Internal(e.to_string()))?;
    let outcome = derived.outcome(ix);
    let st = stored.iter().find(|x| x.requirement_id == r.id.as_str());
    let (evidence, history) = match st {
        Some(x) => (s.store.evidence_for(x.id).await?, s.store.history(x.id).await?),
        None => (Vec::new(), Vec::new()),
    };
    let today = today();
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
        req: view::requirement(set, ix),
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
                    Some(x) => x.chars().take(80).collect(),
                };
                HistoryRow {
                    when: when(h.changed_at),
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

#[derive(Deserialize)]
struct AnswerForm {
    csrf_token: String,
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

fn blank(s: &str) -> Option<String> {
    Some(s.trim().to_owned()).filter(|x| !x.is_empty())
}

async fn save(
    State(s): State<AppState>,
    lang: Lang,
    client: Client,
    user: Authed,
    Path((id, req)): Path<(String, String)>,
    Form(f): Form<AnswerForm>,
) -> Result<Response, WebError> {
    if !auth::verify_csrf(&s.auth.csrf_key(), &user.token_hash, &f.csrf_token) {
        return Ok(form_expired(lang));
    }
    let (a, _, _) = load(&s, &user, &id).await?;
    if !can_edit(&user) {
        return Ok(read_only(lang));
    }
    let ix = node(&s.set, &a.catalog_id, &req)?;
    if !is_requirement(&s.set, ix) {
        return Err(WebError::BadRequest("this heading is not answered itself".into()));
    }
    let Ok(result) = f.result.parse::<AnswerResult>() else {
        return Err(WebError::BadRequest(format!("unknown result {:?}", f.result)));
    };
    let mut input = AnswerInput::new(s.set.requirement(ix).id.as_str(), result);
    input.how = f.how.trim().to_owned();
    input.justification = blank(&f.justification);
    input.owner = blank(&f.owner);
    input.due_date = match blank(&f.due) {
        None => None,
        Some(d) => match d.parse() {
            Ok(d) => Some(d),
            Err(_) => {
                let msg = format!(
                    "{}: {d}",
                    lang.t("期限の日付が正しくありません（YYYY-MM-DD）", "The due date is not a date (YYYY-MM-DD)")
                );
                return requirement_page(&s, lang, &user, &id, &req, Some(msg)).await;
            }
        },
    };
    if result == AnswerResult::NotApplicable && input.justification.is_none() {
        let msg = lang.t("該当なしには理由の記入が必要です。", "該当なし (not applicable) needs a reason.").to_owned();
        return requirement_page(&s, lang, &user, &id, &req, Some(msg)).await;
    }
    s.store.set_answer(a.id, &input, &user.actor(&client.addr.to_string()), now()).await?;
    Ok(Redirect::to(&format!("/assessments/{}/r/{}", a.id, s.set.requirement(ix).id)).into_response())
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
    if !auth::verify_csrf(&s.auth.csrf_key(), &user.token_hash, &f.csrf_token) {
        return Ok(form_expired(lang));
    }
    let (a, _, answers) = load(&s, &user, &id).await?;
    if !can_edit(&user) {
        return Ok(read_only(lang));
    }
    let set = &s.set;
    let ix = node(set, &a.catalog_id, &req)?;
    let derived = derive(set, &answers).map_err(|e| WebError::Internal(e.to_string()))?;
    if derived.direct(ix).is_some_and(|x| x.result != ResultCode::Unanswered) {
        let msg =
            lang.t("回答済みの項目は推定で上書きしません。", "A suggestion never overwrites an answer.").to_owned();
        return requirement_page(&s, lang, &user, &id, &req, Some(msg)).await;
    }
    let accepted = derived.accept(ix).map_err(|e| WebError::BadRequest(e.to_string()))?;
    let mut input = AnswerInput::new(set.requirement(ix).id.as_str(), accepted.result.into());
    if let Some(origin) = &accepted.origin {
        let mut value = serde_json::to_value(origin).map_err(|e| WebError::Internal(e.to_string()))?;
        if let Some(map) = value.as_object_mut() {
            map.insert("kind".into(), "derived".into());
        }
        input.origin = Some(value);
    }
    s.store.set_answer(a.id, &input, &user.actor(&client.addr.to_string()), now()).await?;
    Ok(Redirect::to(&format!("/assessments/{}/r/{}", a.id, set.requirement(ix).id)).into_response())
}

async fn upload(
    State(s): State<AppState>,
    lang: Lang,
    client: Client,
    user: Authed,
    Path((id, req)): Path<(String, String)>,
    mut form: Multipart,
) -> Result<Response, WebError> {
    let (mut csrf, mut title, mut url, mut effective, mut expiry) =
        (String::new(), String::new(), String::new(), String::new(), String::new());
    let mut file: Option<(String, Vec<u8>)> = None;
    while let Some(field) = form.next_field().await.map_err(|e| WebError::BadRequest(e.to_string()))? {
        let name = field.name().unwrap_or_default().to_owned();
        match name.as_str() {
            "file" => {
                let file_name = field.file_name().unwrap_or_default().to_owned();
                let bytes = field.bytes().await.map_err(|e| WebError::BadRequest(e.to_string()))?;
                if bytes.len() > MAX_UPLOAD {
                    return Err(WebError::BadRequest("the file is larger than 20 MB".into()));
                }
                if !file_name.is_empty() && !bytes.is_empty() {
                    file = Some((file_name, bytes.to_vec()));
                }
            }
            other => {
                let text = field.text().await.map_err(|e| WebError::BadRequest(e.to_string()))?;
                match other {
                    "csrf_token" => csrf = text,
                    "title" => title = text,
                    "url" => url = text,
                    "effective" => effective = text,
                    "expiry" => expiry = text,
                    _ => {}
                }
            }
        }
    }
    if !auth::verify_csrf(&s.auth.csrf_key(), &user.token_hash, &csrf) {
        return Ok(form_expired(lang));
    }
    let (a, stored, _) = load(&s, &user, &id).await?;
    if !can_edit(&user) {
        return Ok(read_only(lang));
    }
    let ix = node(&s.set, &a.catalog_id, &req)?;
    let local = s.set.requirement(ix).id.as_str().to_owned();
    let Some(answer) = stored.iter().find(|x| x.requirement_id == local) else {
        let msg = lang.t("先に回答を保存してください。", "Save an answer first.").to_owned();
        return requirement_page(&s, lang, &user, &id, &req, Some(msg)).await;
    };
    let source = match (file, blank(&url)) {
        (Some((file_name, content)), _) => EvidenceSource::File { file_name, content },
        (None, Some(u)) if u.starts_with("https://") || u.starts_with("http://") => EvidenceSource::Link { url: u },
        _ => {
            let msg = lang
                .t("ファイルまたは http(s) の URL を指定してください。", "Give a file or an http(s) URL.")
                .to_owned();
            return requirement_page(&s, lang, &user, &id, &req, Some(msg)).await;
        }
    };
    let effective = match blank(&effective).unwrap_or_else(today).parse() {
        Ok(d) => d,
        Err(_) => {
            return requirement_page(
                &s,
                lang,
                &user,
                &id,
                &req,
                Some(lang.t("有効日が正しくありません。", "Bad effective date.").into()),
            )
            .await;
        }
    };
    let expiry = match blank(&expiry).map(|d| d.parse()).transpose() {
        Ok(d) => d,
        Err(_) => {
            return requirement_page(
                &s,
                lang,
                &user,
                &id,
                &req,
                Some(lang.t("有効期限が正しくありません。", "Bad expiry date.").into()),
            )
            .await;
        }
    };
    let default_title = match &source {
        EvidenceSource::File { file_name, .. } => file_name.clone(),
        EvidenceSource::Link { url } => url.clone(),
    };
    let organization_id = Some(s.store.organization_of_assessment(a.id).await?);
    let new = NewEvidence {
        title: blank(&title).unwrap_or(default_title),
        source,
        effective_date: effective,
        expiry_date: expiry,
        organization_id,
    };
    let actor = user.actor(&client.addr.to_string());
    let now = now();
    let e = match s.store.add_evidence(&new, &actor, now).await {
        Ok(e) => e,
        Err(sansho_store::StoreError::ExpiryBeforeEffective { .. }) => {
            let msg = lang.t("有効期限が有効日より前です。", "The expiry is before the effective date.").to_owned();
            return requirement_page(&s, lang, &user, &id, &req, Some(msg)).await;
        }
        Err(e) => return Err(e.into()),
    };
    s.store.attach_evidence(answer.id, e.id, &actor, now).await?;
    Ok(Redirect::to(&format!("/assessments/{}/r/{local}", a.id)).into_response())
}

/// An evidence file, after checking its hash: a file that no longer matches is refused.
async fn download(State(s): State<AppState>, user: Authed, Path(id): Path<String>) -> Result<Response, WebError> {
    let eid: Id = id.parse().map_err(|_| WebError::NotFound("no such evidence".into()))?;
    check_access(&s, &user.user, Kind::Evidence, eid).await?;
    let e = s.store.evidence(eid).await?;
    if let Some(url) = &e.url {
        return Ok(Redirect::to(url).into_response());
    }
    let content = match s.store.read_evidence(eid).await {
        Ok(c) => c,
        Err(
            err @ (sansho_store::StoreError::EvidenceCorrupt { .. } | sansho_store::StoreError::EvidenceMissing { .. }),
        ) => {
            tracing::error!(%err, "evidence refused");
            return Err(WebError::Conflict("the evidence file does not match its hash; it is not served".into()));
        }
        Err(err) => return Err(err.into()),
    };
    let name = e.file_name.unwrap_or_else(|| "evidence".into());
    let ascii: String =
        name.chars().map(|c| if c.is_ascii_alphanumeric() || ".-_".contains(c) { c } else { '_' }).collect();
    let encoded: String = name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b".-_".contains(&b) { (b as char).to_string() } else { format!("%{b:02X}") }
        })
        .collect();
    let mut r = content.into_response();
    r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/octet-stream"));
    let disposition = format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}");
    r.headers_mut().insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_str(&disposition).map_err(|e| WebError::Internal(e.to_string()))?,
    );
    Ok(r)
}

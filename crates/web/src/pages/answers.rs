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
use sansho_core::assess::{GapOptions, ResultBasis, ResultCode, derive, gaps, is_requirement};
use sansho_store::{AnswerResult, AssessmentStatus};
use serde::Deserialize;

use crate::i18n::{LangExt, PageLang};
use crate::ops::{self, today};
use crate::pages::auth::Client;
use crate::pages::guidelines::{ErrorPage, form_expired, render_status};
use crate::session::Authed;
use crate::view::{self, HopView};
use crate::{AppState, Lang, WebError};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/assessments/{id}/answers", get(checklist).post(save_checklist))
        .route("/assessments/{id}/r/{req}", get(requirement).post(save))
        .route("/assessments/{id}/r/{req}/accept", post(accept))
        .route(
            "/assessments/{id}/r/{req}/evidence",
            post(upload).layer(DefaultBodyLimit::max(ops::MAX_UPLOAD + 64 * 1024)),
        )
        .route("/evidence/{id}", get(download))
}

/// Where an answer came from, from its `origin` JSON, in words.
fn origin_word(lang: Lang, origin: &serde_json::Value) -> String {
    use sansho_store::Origin;
    let word = match Origin::of(origin) {
        Some(Origin::Derived) => lang.t("推定を採用", "accepted suggestion"),
        Some(Origin::Baseline) => lang.t("ベースラインから複写", "copied from the baseline"),
        Some(Origin::Import) => lang.t("取込み", "imported"),
        Some(Origin::Sample) => lang.t("サンプル", "sample"),
        Some(Origin::Migration) => lang.t("版の移行", "migrated"),
        None => origin.get("kind").and_then(|k| k.as_str()).unwrap_or_default(),
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
    view::result_word(lang, r)
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
    evidence: usize,
    /// The row's form values: what is stored, or what the person sent when the page comes back
    /// with a refusal.
    direct_key: String,
    how: String,
    /// 該当なし理由・備考.
    why: String,
    /// A fingerprint of the stored result, 実施内容 and reason the row was shown with: a row whose
    /// values still match it was not edited, and one whose stored answer no longer matches it was
    /// changed by someone else meanwhile.
    version: String,
    /// The refusal of this row (a reason missing, a conflicting change).
    error: Option<String>,
    /// Migration review: the flags (新設・分割 …) and the previous answers it came from.
    flags: String,
    previous: Vec<Previous>,
}

/// A source answer of a migrated requirement, as it stood in the assessment it came from.
struct Previous {
    label: String,
    result: String,
    how: String,
}

#[derive(Template)]
#[template(path = "answers.html")]
struct ChecklistPage {
    lang: Lang,
    path: String,
    id: String,
    title: String,
    rows: Vec<Row>,
    /// `""`, `"gaps"` or `"review"`: which rows are shown.
    view: String,
    gap_count: usize,
    review_count: usize,
    /// Assessors and admins answer in the table itself; never on a final assessment.
    can_edit: bool,
    is_final: bool,
    csrf: String,
    results: Vec<(String, String)>,
    /// Rows saved by the last submission (`?saved=n`).
    saved: Option<usize>,
    /// Rows refused in this submission: nothing was saved.
    errors: usize,
}

#[derive(Deserialize)]
struct ChecklistQuery {
    gaps: Option<String>,
    review: Option<String>,
    saved: Option<usize>,
}

impl ChecklistQuery {
    fn view(&self) -> &'static str {
        if self.review.is_some() {
            "review"
        } else if self.gaps.is_some() {
            "gaps"
        } else {
            ""
        }
    }
}

/// The query string of a view (`?gaps=1`), for links and redirects.
fn view_query(view: &str) -> &'static str {
    match view {
        "gaps" => "?gaps=1",
        "review" => "?review=1",
        _ => "",
    }
}

/// Line ends as stored and compared (a browser sends a textarea's with CR LF).
fn lf(s: &str) -> String {
    s.replace("\r\n", "\n").trim().to_owned()
}

/// The fingerprint of a row's result, 実施内容 and reason (see [`Row::version`]).
fn fingerprint(result: &str, how: &str, why: &str) -> String {
    let text = format!("{}:{result},{}:{},{}:{}", result.len(), lf(how).len(), lf(how), lf(why).len(), lf(why));
    sansho_store::sha256_hex(text.as_bytes())[..16].to_owned()
}

fn stored_fingerprint(st: Option<&sansho_store::Answer>) -> String {
    match st {
        Some(x) => fingerprint(x.result.as_str(), &x.how, x.justification.as_deref().unwrap_or_default()),
        None => fingerprint("unanswered", "", ""),
    }
}

/// What a person sent for one row.
struct Sent {
    result: String,
    how: String,
    why: String,
    version: String,
    error: Option<String>,
}

/// A migrated answer's flags and the answers it came from, from its stored origin.
async fn migration_review(
    s: &AppState,
    lang: Lang,
    user: &Authed,
    st: &sansho_store::Answer,
) -> Result<Option<(String, Vec<Previous>)>, WebError> {
    let Some(origin) =
        st.origin.as_ref().filter(|o| sansho_store::Origin::of(o) == Some(sansho_store::Origin::Migration))
    else {
        return Ok(None);
    };
    let flags: Vec<String> = origin
        .get("flags")
        .and_then(|f| f.as_array())
        .into_iter()
        .flatten()
        .filter_map(|f| f.as_str())
        .filter(|f| *f != "unmapped")
        .map(|f| flag_word(lang, f).to_owned())
        .collect();
    if flags.is_empty() {
        return Ok(None);
    }
    let from: Option<sansho_store::Id> =
        origin.get("from_assessment").and_then(|f| f.as_str()).and_then(|f| f.parse().ok());
    // The source assessment is of the same system; read it only if this user may.
    let from = match from {
        Some(f) if crate::session::check_access(s, &user.user, sansho_store::Kind::Assessment, f).await.is_ok() => {
            Some(f)
        }
        _ => None,
    };
    let mut previous = Vec::new();
    for src in origin.get("sources").and_then(|x| x.as_array()).into_iter().flatten() {
        let Some((catalog, local)) = src.get("answer").and_then(|a| a.as_str()).and_then(|a| a.split_once(':')) else {
            continue;
        };
        let label =
            s.set.node(catalog, local).map_or_else(|| local.to_owned(), |ix| s.set.requirement(ix).label.clone());
        let answered = src.get("answered").and_then(|r| r.as_str()).and_then(ResultCode::parse);
        let how = match from {
            Some(f) => s.store.answer_for(f, local).await?.map(|a| a.how).unwrap_or_default(),
            None => String::new(),
        };
        previous.push(Previous {
            label,
            result: answered.map(|r| result_word(lang, r).to_owned()).unwrap_or_default(),
            how,
        });
    }
    Ok(Some((flags.join(lang.t("・", ", ")), previous)))
}

/// A migration flag in words (the CLI's `assessment migrate` words).
fn flag_word(lang: Lang, flag: &str) -> &str {
    match flag {
        "new" => lang.t("新設", "new"),
        "split" => lang.t("分割", "split"),
        "merged" => lang.t("統合", "merged"),
        "overlap" => lang.t("部分対応", "partial overlap"),
        "conflict" => lang.t("回答不一致", "answers disagree"),
        "not-applicable" => lang.t("該当なし要確認", "not applicable: to check"),
        other => other,
    }
}

/// The checklist page: every row of the catalog (or only the gaps, or only what a migration
/// flagged), with the values `sent` for rows a refused submission carried.
async fn checklist_page(
    s: &AppState,
    lang: Lang,
    user: &Authed,
    a: &ops::Loaded,
    view: &str,
    saved: Option<usize>,
    sent: &std::collections::HashMap<String, Sent>,
) -> Result<Response, WebError> {
    let set = &s.set;
    let catalog = a.assessment.catalog_id.as_str();
    let derived = derive(set, &a.answers).map_err(|e| WebError::Internal(e.to_string()))?;
    let evidence = s.store.evidence_of_assessment(a.assessment.id).await?;
    // One definition of a gap, the dashboard's: `gaps` on the direct answers.
    let own = gaps(&derived, catalog, GapOptions::default()).map_err(|e| WebError::Internal(e.to_string()))?;
    let gap_ids: std::collections::HashSet<&str> = own.gaps.iter().map(|g| g.requirement.local.as_str()).collect();
    let mut review = std::collections::HashMap::new();
    for st in &a.stored {
        if let Some(r) = migration_review(s, lang, user, st).await? {
            review.insert(st.requirement_id.clone(), r);
        }
    }
    let mut rows = Vec::new();
    for ix in set.catalog_nodes(catalog) {
        let r = set.requirement(ix);
        let local = r.id.as_str();
        let answerable = is_requirement(set, ix);
        let shown = match view {
            "gaps" => answerable && gap_ids.contains(local),
            "review" => answerable && review.contains_key(local),
            _ => true,
        };
        if !shown {
            continue;
        }
        let (result, basis, needs_review) = derived.effective(ix);
        let mut depth = 0;
        let mut p = set.parent_of(ix);
        while let Some(q) = p {
            depth += 1;
            p = set.parent_of(q);
        }
        let st = a.stored_for(local);
        let (flags, previous) = review.remove(local).unwrap_or_default();
        let mut row = Row {
            local_id: local.to_owned(),
            label: r.label.clone(),
            depth,
            heading: !answerable,
            // A heading whose title is its label says it once.
            text: r
                .text
                .as_deref()
                .map(|t| view::shown_text(set, catalog, t, lang))
                .or_else(|| r.title.clone().filter(|t| t != &r.label))
                .unwrap_or_default(),
            result: result_word(lang, result).to_owned(),
            result_key: result.as_str().to_owned(),
            derived: basis == ResultBasis::Derived,
            review: needs_review,
            evidence: evidence.iter().filter(|(req, _)| req == local).count(),
            direct_key: st.map_or("unanswered", |x| x.result.as_str()).to_owned(),
            how: st.map(|x| x.how.clone()).unwrap_or_default(),
            why: st.and_then(|x| x.justification.clone()).unwrap_or_default(),
            version: stored_fingerprint(st),
            error: None,
            flags,
            previous,
        };
        if let Some(x) = sent.get(local) {
            row.direct_key = x.result.clone();
            row.how = x.how.clone();
            row.why = x.why.clone();
            row.version = x.version.clone();
            row.error = x.error.clone();
        }
        rows.push(row);
    }
    let cat = set.catalog(catalog).map_or(catalog.to_owned(), |c| crate::view::catalog_name(lang, c));
    let is_final = a.assessment.status == AssessmentStatus::Final;
    let errors = sent.values().filter(|x| x.error.is_some()).count();
    let page = ChecklistPage {
        lang,
        path: format!("/assessments/{}/answers{}", a.assessment.id, view_query(view)),
        id: a.assessment.id.to_string(),
        title: cat,
        rows,
        view: view.to_owned(),
        gap_count: own.gaps.len(),
        review_count: a.stored.iter().filter(|st| review_flagged(st)).count(),
        can_edit: can_edit(user) && !is_final,
        is_final,
        csrf: user.csrf(s),
        results: ResultCode::ALL.iter().map(|r| (r.as_str().to_owned(), result_word(lang, *r).to_owned())).collect(),
        saved,
        errors,
    };
    let status = if errors > 0 { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    Ok(render_status(status, &page))
}

/// Whether a stored answer carries a migration flag a person must look at.
pub(crate) fn review_flagged(st: &sansho_store::Answer) -> bool {
    st.origin.as_ref().is_some_and(|o| {
        sansho_store::Origin::of(o) == Some(sansho_store::Origin::Migration)
            && o.get("flags").and_then(|f| f.as_array()).is_some_and(|f| f.iter().any(|x| x != "unmapped"))
    })
}

async fn checklist(
    State(s): State<AppState>,
    PageLang(lang): PageLang,
    user: Authed,
    Path(id): Path<String>,
    Query(q): Query<ChecklistQuery>,
) -> Result<Response, WebError> {
    let a = ops::load_assessment(&s, &user.user, &id).await?;
    checklist_page(&s, lang, &user, &a, q.view(), q.saved, &Default::default()).await
}

/// Saves every changed row of the checklist at once: one form, one transaction. A row whose
/// values still match what it was shown with is left alone; a row someone else changed
/// meanwhile, a 該当なし without a reason, a heading — each is refused on its row, the page comes
/// back with every value the person entered, and nothing is saved until all rows are right.
async fn save_checklist(
    State(s): State<AppState>,
    PageLang(lang): PageLang,
    client: Client,
    user: Authed,
    Path(id): Path<String>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let mut form: std::collections::HashMap<String, String> = std::collections::HashMap::new();
    for (k, v) in fields {
        form.insert(k, v);
    }
    let get = |k: &str| form.get(k).cloned().unwrap_or_default();
    let a = match editable(&s, lang, &user, &id, &get("csrf_token")).await? {
        Ok(a) => a,
        Err(refusal) => return Ok(refusal),
    };
    let view = match get("view").as_str() {
        "gaps" => "gaps",
        "review" => "review",
        _ => "",
    };
    if a.assessment.status == AssessmentStatus::Final {
        return Err(WebError::Conflict(ops::final_message(lang).into()));
    }
    let mut sent = std::collections::HashMap::new();
    let mut inputs = Vec::new();
    for (key, version) in &form {
        let Some(local) = key.strip_prefix("v.") else { continue };
        let Some(ix) = s.set.node(&a.assessment.catalog_id, local) else { continue };
        let mut row = Sent {
            result: get(&format!("result.{local}")),
            how: get(&format!("how.{local}")),
            why: get(&format!("why.{local}")),
            version: version.clone(),
            error: None,
        };
        if fingerprint(&row.result, &row.how, &row.why) == *version {
            sent.insert(local.to_owned(), row);
            continue;
        }
        let stored = a.stored_for(local);
        let current = stored_fingerprint(stored);
        if current != *version {
            row.error = Some(
                lang.t(
                    "この行は、表示した後に他の人が変更しました。内容を確かめて、もう一度保存すると上書きします。",
                    "Someone else changed this row after it was shown. Check it; saving again overwrites it.",
                )
                .to_owned(),
            );
            row.version = current;
            sent.insert(local.to_owned(), row);
            continue;
        }
        let checked = ops::parse_result(&row.result).and_then(|result| {
            ops::answer_input(
                &s,
                lang,
                &a,
                ix,
                ops::AnswerFields {
                    result,
                    how: Some(lf(&row.how)),
                    justification: Some(lf(&row.why)),
                    // The answer's other fields are kept.
                    owner: stored.and_then(|x| x.owner.clone()),
                    due: stored.and_then(|x| x.due_date.clone()),
                },
            )
        });
        match checked {
            Ok(input) => inputs.push((ix, input)),
            Err(e) => row.error = Some(e.public_message()),
        }
        sent.insert(local.to_owned(), row);
    }
    if sent.values().any(|x| x.error.is_some()) {
        return checklist_page(&s, lang, &user, &a, view, None, &sent).await;
    }
    inputs.sort_by_key(|(ix, _)| *ix);
    let n = inputs.len();
    let actor = user.actor(&client.addr.to_string());
    ops::save_answers(&s, lang, &actor, &a, inputs.into_iter().map(|(_, i)| i).collect()).await?;
    let at = form.get("at").filter(|x| s.set.node(&a.assessment.catalog_id, x).is_some());
    let query = match view_query(view) {
        "" => format!("?saved={n}"),
        q => format!("{q}&saved={n}"),
    };
    let anchor = at.map(|x| format!("#r-{x}")).unwrap_or_default();
    Ok(Redirect::to(&format!("/assessments/{}/answers{query}{anchor}", a.assessment.id)).into_response())
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
    /// A final (確定) assessment: read-only.
    is_final: bool,
    today: String,
}

/// The evidence of an answer as its page lists it (expired against `today`).
fn evidence_rows(evidence: &[sansho_store::Evidence], today: &str) -> Vec<EvidenceRow> {
    evidence
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
            expired: e.expiry_date.as_ref().is_some_and(|d| d.as_str() < today),
        })
        .collect()
}

async fn requirement_page(
    s: &AppState,
    lang: Lang,
    user: &Authed,
    id: &str,
    req: &str,
    error: Option<(StatusCode, String)>,
) -> Result<Response, WebError> {
    let (a, stored, answers) = load(s, user, id).await?;
    let is_final = a.status == AssessmentStatus::Final;
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
        && !is_final
        && direct.is_none()
        && outcome.suggestion.as_ref().is_some_and(|sg| sg.result != ResultCode::Unanswered);
    let cat = set.catalog(&a.catalog_id).map_or(a.catalog_id.clone(), |c| crate::view::catalog_name(lang, c));
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
        can_edit: can_edit(user) && !is_final,
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
        evidence: evidence_rows(&evidence, &today),
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
        error: error.as_ref().map(|(_, m)| m.clone()),
        is_final,
        today,
    };
    let status = error.map_or(StatusCode::OK, |(status, _)| status);
    Ok(render_status(status, &page))
}

async fn requirement(
    State(s): State<AppState>,
    PageLang(lang): PageLang,
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
        e @ (WebError::Invalid(_) | WebError::Conflict(_) | WebError::TooLarge(_)) => {
            requirement_page(s, lang, user, id, req, Some((e.status(), e.public_message()))).await
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

/// Saves an answer from the requirement's page and goes back to it; a refusal the person can
/// correct opens the page again with the message.
async fn save(
    State(s): State<AppState>,
    PageLang(lang): PageLang,
    client: Client,
    user: Authed,
    Path((id, req)): Path<(String, String)>,
    Form(f): Form<AnswerForm>,
) -> Result<Response, WebError> {
    let a = match editable(&s, lang, &user, &id, &f.csrf_token).await? {
        Ok(a) => a,
        Err(refusal) => return Ok(refusal),
    };
    let ix = ops::node(&s.set, &a.assessment.catalog_id, &req)?;
    let local = s.set.requirement(ix).id.as_str();
    let result = ops::parse_result(&f.result).map_err(|e| WebError::BadRequest(e.public_message()))?;
    let due = match ops::date(lang, "due", Some(&f.due)) {
        Ok(due) => due,
        Err(e) => return refused(&s, lang, &user, &id, &req, e).await,
    };
    let fields =
        ops::AnswerFields { result, how: Some(f.how), justification: Some(f.justification), owner: Some(f.owner), due };
    match ops::save_answer(&s, lang, &user.actor(&client.addr.to_string()), &a, ix, fields).await {
        Ok(_) => Ok(Redirect::to(&format!("/assessments/{}/r/{local}", a.assessment.id)).into_response()),
        Err(e) => refused(&s, lang, &user, &id, &req, e).await,
    }
}

#[derive(Deserialize)]
struct CsrfForm {
    csrf_token: String,
}

async fn accept(
    State(s): State<AppState>,
    PageLang(lang): PageLang,
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
    PageLang(lang): PageLang,
    client: Client,
    user: Authed,
    Path((id, req)): Path<(String, String)>,
    mut form: Multipart,
) -> Result<Response, WebError> {
    let mut csrf = String::new();
    let mut fields = ops::EvidenceFields::default();
    let (mut effective, mut expiry) = (String::new(), String::new());
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
                    "effective" => effective = text,
                    "expiry" => expiry = text,
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
    let dates =
        ops::date(lang, "effective", Some(&effective)).and_then(|e| Ok((e, ops::date(lang, "expiry", Some(&expiry))?)));
    match dates {
        Ok((e, x)) => (fields.effective, fields.expiry) = (e, x),
        Err(e) => return refused(&s, lang, &user, &id, &req, e).await,
    }
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

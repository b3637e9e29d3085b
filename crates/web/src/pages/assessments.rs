//! An assessment's dashboard: the minimum-package verdict, coverage per guideline (its own
//! catalog answered, the others derived through the mappings), per control category and level,
//! the ordered gaps, what changed since the baseline, and the exports.
//!
//! Every route needs a signed-in user who belongs to the assessment's organization; any other id
//! is "not found", exactly like an id that does not exist.

use askama::Template;
use axum::Router;
use axum::extract::{OriginalUri, Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use sansho_core::CatalogSet;
use sansho_core::assess::{ResultBasis, ResultCode, derive};
use sansho_store::{AssessmentStatus, Id, Kind};

use crate::charts::{Bar, stacked_bars};
use crate::i18n::PageLang;
use crate::pages::guidelines::{ErrorPage, render_status};
use crate::session::Authed;
use crate::{AppState, Cached, Lang, WebError};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/assessments", get(list))
        .route("/assessments/{id}", get(dashboard))
        .route("/assessments/{id}/export/{format}", get(export))
}

pub fn status_word(lang: Lang, s: AssessmentStatus) -> &'static str {
    crate::ops::status_word(lang, s)
}

struct GapRow {
    local_id: String,
    label: String,
    level: String,
    result: String,
    derived: bool,
    review: bool,
    text: String,
}

/// A requirement whose answer differs from the baseline's.
struct ChangeRow {
    local_id: String,
    label: String,
    before: String,
    after: String,
    /// The other fields that changed (実施内容, 担当者 …), in the page language.
    fields: String,
}

/// The words of a stored result (`implemented` → 実施済); an absent answer is 未回答.
fn result_word(lang: Lang, stored: Option<&str>) -> String {
    let r = stored.and_then(ResultCode::parse).unwrap_or(ResultCode::Unanswered);
    crate::view::result_word(lang, r).to_owned()
}

fn field_word(lang: Lang, field: &str) -> &str {
    match field {
        "how" => lang.t("実施内容", "what is done"),
        "justification" => lang.t("該当なし理由", "justification"),
        "owner" => lang.t("担当者", "owner"),
        "due_date" => lang.t("期限", "due date"),
        other => other,
    }
}

/// The baseline changes as rows, in the catalog's order.
fn change_rows(
    set: &CatalogSet,
    catalog: &str,
    lang: Lang,
    changes: &[sansho_store::BaselineChange],
    current: &[sansho_store::Answer],
) -> Vec<ChangeRow> {
    use sansho_store::BaselineChange as C;
    let now: std::collections::HashMap<&str, &str> =
        current.iter().map(|a| (a.requirement_id.as_str(), a.result.as_str())).collect();
    let mut rows: Vec<(Option<sansho_core::set::NodeIx>, ChangeRow)> = changes
        .iter()
        .map(|c| {
            let local = c.requirement_id();
            let (before, after, fields) = match c {
                C::Added { result, .. } => (None, Some(result.as_str()), String::new()),
                C::Missing { baseline_result, .. } => (Some(baseline_result.as_str()), None, String::new()),
                C::Changed { fields, .. } => {
                    let result = fields.iter().find(|(f, _, _)| *f == "result");
                    let (before, after) = match result {
                        Some((_, old, new)) => (old.as_deref(), new.as_deref()),
                        None => (now.get(local).copied(), now.get(local).copied()),
                    };
                    let others: Vec<&str> =
                        fields.iter().filter(|(f, _, _)| *f != "result").map(|(f, _, _)| field_word(lang, f)).collect();
                    (before, after, others.join(lang.t("・", ", ")))
                }
            };
            let ix = set.node(catalog, local);
            let label = ix.map_or_else(|| local.to_owned(), |ix| set.requirement(ix).label.clone());
            let row = ChangeRow {
                local_id: local.to_owned(),
                label,
                before: result_word(lang, before),
                after: result_word(lang, after),
                fields,
            };
            (ix, row)
        })
        .collect();
    rows.sort_by_key(|(ix, _)| *ix);
    rows.into_iter().map(|(_, r)| r).collect()
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct Dashboard {
    lang: Lang,
    path: String,
    id: String,
    org_id: String,
    organization: String,
    system_id: String,
    system: String,
    catalog_title: String,
    /// The assessment's name (empty without one) and fiscal year and created date.
    name: String,
    year: String,
    created: String,
    /// Set when the assessed catalog is an outline (its requirements have no text).
    outline: Option<String>,
    status: String,
    is_final: bool,
    /// The baseline's id and label.
    baseline: Option<(String, String)>,
    /// What differs from the baseline, requirement by requirement; `None` without a baseline.
    changes: Option<Vec<ChangeRow>>,
    answered: usize,
    total: usize,
    met: bool,
    mandatory: usize,
    satisfied: usize,
    coverage_svg: String,
    category_svg: String,
    level_svg: String,
    gaps: Vec<GapRow>,
    gap_total: usize,
    /// Answers a migration flagged for review (新設・分割・統合・部分対応 …).
    review_total: usize,
}

fn not_found(lang: Lang, path: String, id: &str) -> Response {
    let message = format!("{}: {id}", lang.t("評価がありません", "No such assessment"));
    render_status(StatusCode::NOT_FOUND, &ErrorPage { lang, path, status: 404, message })
}

struct AssessmentRow {
    id: String,
    org_id: String,
    organization: String,
    system_id: String,
    system: String,
    /// Its name; empty without one.
    name: String,
    catalog: String,
    year: String,
    created: String,
    /// The baseline's id and label.
    baseline: Option<(String, String)>,
    status: String,
    answers: usize,
}

#[derive(Template)]
#[template(path = "assessments.html")]
struct ListPage {
    lang: Lang,
    path: String,
    user: String,
    csrf: String,
    rows: Vec<AssessmentRow>,
}

/// The assessments of the signed-in user's organizations.
async fn list(State(s): State<AppState>, PageLang(lang): PageLang, user: Authed) -> Result<Response, WebError> {
    let mut rows = Vec::new();
    for org in s.store.organizations_of(user.user.id).await? {
        for system in s.store.systems(org.id).await? {
            let all = s.store.assessments(system.id).await?;
            for a in &all {
                let catalog =
                    s.set.catalog(&a.catalog_id).map_or(a.catalog_id.clone(), |c| crate::view::catalog_name(lang, c));
                let baseline = a.baseline_id.map(|b| {
                    let label = all
                        .iter()
                        .find(|x| x.id == b)
                        .map_or_else(|| b.to_string(), |x| crate::ops::assessment_label(&s, lang, x));
                    (b.to_string(), label)
                });
                rows.push(AssessmentRow {
                    id: a.id.to_string(),
                    org_id: org.id.to_string(),
                    organization: org.name.clone(),
                    system_id: system.id.to_string(),
                    system: system.name.clone(),
                    name: a.name.clone().unwrap_or_default(),
                    catalog,
                    year: crate::ops::fiscal_year(lang, a.created_at),
                    created: crate::time::date(a.created_at),
                    baseline,
                    status: status_word(lang, a.status).to_owned(),
                    answers: s.store.answers(a.id).await?.len(),
                });
            }
        }
    }
    let page =
        ListPage { lang, path: "/assessments".into(), user: user.user.display_name.clone(), csrf: user.csrf(&s), rows };
    Ok(render_status(StatusCode::OK, &page))
}

async fn dashboard(
    State(s): State<AppState>,
    PageLang(lang): PageLang,
    user: Authed,
    OriginalUri(uri): OriginalUri,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let Ok(aid) = id.parse::<Id>() else {
        return Ok(not_found(lang, uri.to_string(), &id));
    };
    // The session, this access decision and the page are all taken at the version read for
    // this request: on a cached page this is one shared read of the version and no other query.
    if user.check_access(&s, Kind::Assessment, aid).await.is_err() {
        return Ok(not_found(lang, uri.to_string(), &id));
    }
    let version = user.version;
    let key = (aid.to_string(), lang);
    let _making = match s.pages.lookup(&key, version).await {
        Cached::Page(page) => return Ok(axum::response::Html(page).into_response()),
        Cached::Make(guard) => guard,
    };
    let a = match s.store.assessment(aid).await {
        Ok(a) => a,
        Err(sansho_store::StoreError::UnknownAssessment(_)) => return Ok(not_found(lang, uri.to_string(), &id)),
        Err(e) => return Err(e.into()),
    };
    let system = s.store.system(a.system_id).await?;
    let org = s.store.organization(system.organization_id).await?;
    let stored = s.store.answers(aid).await?;
    let set = &s.set;
    let cat =
        set.catalog(&a.catalog_id).ok_or_else(|| WebError::Internal(format!("catalog {} not loaded", a.catalog_id)))?;
    let answers = sansho_app::assessment::domain_answers(set, &a, &stored)?;
    let derived = derive(set, &answers).map_err(|e| WebError::Internal(e.to_string()))?;
    let sansho_app::assessment::Coverage { own, others } =
        sansho_app::assessment::coverage(set, &derived, &a.catalog_id)?;
    let mut coverage = vec![Bar {
        label: crate::view::catalog_name(lang, cat),
        tally: own.total.clone(),
        href: Some(format!("/guidelines/{}", a.catalog_id)),
    }];
    coverage.extend(others.iter().map(|(c, r)| Bar {
        label: format!("{}{}", lang.t("（推定）", "(derived) "), crate::view::catalog_name(lang, c)),
        tally: r.total.clone(),
        href: Some(format!("/guidelines/{}", c.id)),
    }));
    let group_bars = |groups: &[sansho_core::assess::Group], word: fn(Lang, &sansho_core::assess::Group) -> String| {
        groups.iter().map(|g| Bar { label: word(lang, g), tally: g.tally.clone(), href: None }).collect::<Vec<_>>()
    };
    let changes =
        s.store.baseline_changes(aid).await?.map(|changes| change_rows(set, &a.catalog_id, lang, &changes, &stored));
    let gap_rows: Vec<GapRow> = own
        .gaps
        .iter()
        .take(100)
        .map(|g| {
            let ix = set.node(g.requirement.catalog.as_str(), g.requirement.local.as_str()).expect("gap nodes exist");
            let r = set.requirement(ix);
            GapRow {
                local_id: g.requirement.local.as_str().to_owned(),
                label: g.label.to_owned(),
                level: g.level.map(|l| lang.t(l.ja(), l.as_str()).to_owned()).unwrap_or_default(),
                result: crate::view::result_word(lang, g.result).to_owned(),
                derived: g.basis == ResultBasis::Derived,
                review: g.needs_review,
                text: r
                    .text
                    .as_deref()
                    .map(|t| crate::view::shown_text(set, &a.catalog_id, t, lang))
                    .or_else(|| r.title.clone())
                    .unwrap_or_default(),
            }
        })
        .collect();
    let page = Dashboard {
        lang,
        path: uri.to_string(),
        id: aid.to_string(),
        org_id: org.id.to_string(),
        organization: org.name,
        system_id: system.id.to_string(),
        system: system.name,
        catalog_title: crate::view::catalog_name(lang, cat),
        name: a.name.clone().unwrap_or_default(),
        year: crate::ops::fiscal_year(lang, a.created_at),
        created: crate::time::date(a.created_at),
        outline: cat.is_outline().then(|| crate::view::outline_warning(lang, cat)),
        status: status_word(lang, a.status).to_owned(),
        is_final: a.status == AssessmentStatus::Final,
        baseline: match a.baseline_id {
            Some(b) => Some((b.to_string(), crate::ops::assessment_label(&s, lang, &s.store.assessment(b).await?))),
            None => None,
        },
        changes,
        answered: own.total.total - own.total.count(ResultCode::Unanswered),
        total: own.total.total,
        met: own.minimum.met,
        mandatory: own.minimum.mandatory,
        satisfied: own.minimum.satisfied,
        coverage_svg: stacked_bars(lang, lang.t("ガイドライン別の状況", "By guideline"), &coverage),
        category_svg: stacked_bars(
            lang,
            lang.t("区分別", "By category"),
            &group_bars(&own.categories, crate::view::category_group),
        ),
        level_svg: stacked_bars(lang, lang.t("水準別", "By level"), &group_bars(&own.levels, crate::view::level_group)),
        gap_total: own.gaps.len(),
        review_total: stored.iter().filter(|st| crate::pages::answers::review_flagged(st)).count(),
        gaps: gap_rows,
    };
    let html = axum::body::Bytes::from(page.render()?);
    s.pages.put(key, version, html.clone());
    Ok(axum::response::Html(html).into_response())
}

/// The exports of `sansho export`, as downloads.
async fn export(
    State(s): State<AppState>,
    PageLang(lang): PageLang,
    user: Authed,
    Path((id, format)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let a = crate::ops::load_assessment(&s, &user.user, &id).await?;
    let file = crate::ops::export(&s, lang, &a, crate::ops::export_format(&format)?).await?;
    let mut r = file.bytes.into_response();
    r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(file.content_type));
    let name = format!("attachment; filename=\"{}\"", file.file_name);
    r.headers_mut().insert(header::CONTENT_DISPOSITION, HeaderValue::from_str(&name).expect("ASCII name"));
    Ok(r)
}

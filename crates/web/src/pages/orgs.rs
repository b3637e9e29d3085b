//! Organizations and their systems: the organizations a user belongs to, each one's systems with
//! their assessments, and the forms that add a system, start an assessment (optionally from last
//! year's as baseline), move an assessment's status, and migrate it to another guideline.
//!
//! Reading needs membership of the organization; writing also needs the assessor or admin role.
//! Unknown and foreign ids are both "not found". Every form carries the session's CSRF token.

use askama::Template;
use axum::extract::{OriginalUri, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use sansho_store::{AssessmentStatus, Id, Kind, NewSystem, OrgKind, Role, ServiceModel};
use serde::Deserialize;

use crate::i18n::PageLang;
use crate::ops;
use crate::pages::assessments::status_word;
use crate::pages::auth::Client;
use crate::pages::guidelines::{ErrorPage, form_expired, render_status};
use crate::session::{Authed, check_access};
use crate::{AppState, Lang, WebError};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/organizations", get(list))
        .route("/organizations/{id}", get(organization))
        .route("/organizations/{id}/systems", post(add_system))
        .route("/systems/{id}", get(system))
        .route("/systems/{id}/assessments", post(add_assessment))
        .route("/assessments/{id}/status", post(set_status))
        .route("/assessments/{id}/reopen", get(reopen_page).post(reopen))
        .route("/assessments/{id}/migrate", get(migrate_confirm).post(migrate_to))
}

pub fn kind_word(lang: Lang, k: OrgKind) -> &'static str {
    match k {
        OrgKind::MedicalInstitution => lang.t("医療機関等", "medical institution"),
        OrgKind::Vendor => lang.t("対象事業者", "vendor"),
    }
}

pub fn service_word(lang: Lang, m: ServiceModel) -> &'static str {
    match m {
        ServiceModel::OnPremises => lang.t("オンプレミス", "on-premises"),
        ServiceModel::Iaas => "IaaS",
        ServiceModel::Paas => "PaaS",
        ServiceModel::Saas => "SaaS",
    }
}

fn can_edit(user: &Authed) -> bool {
    matches!(user.user.role, Role::Admin | Role::Assessor)
}

fn refuse(lang: Lang, status: StatusCode, path: &str, message: &str) -> Response {
    render_status(status, &ErrorPage { lang, path: path.into(), status: status.as_u16(), message: message.into() })
}

/// The checks every form here makes: the CSRF token of the session, then the editor role.
fn check_form(s: &AppState, lang: Lang, user: &Authed, csrf: &str, path: &str) -> Option<Response> {
    if !user.csrf_ok(s, csrf) {
        return Some(form_expired(lang, path));
    }
    if !can_edit(user) {
        let msg = lang.t("変更する権限がありません（閲覧のみ）。", "You may only read (viewer).");
        return Some(refuse(lang, StatusCode::FORBIDDEN, path, msg));
    }
    None
}

/// An id from the path that the user may see, or "not found".
async fn visible(s: &AppState, user: &Authed, kind: Kind, id: &str) -> Result<Id, WebError> {
    let id: Id = id.parse().map_err(|_| WebError::NotFound(format!("no such {kind:?}").to_lowercase()))?;
    check_access(s, &user.user, kind, id).await?;
    Ok(id)
}

/// A catalog offered in the forms: id and its title.
struct CatalogChoice {
    id: String,
    title: String,
}

/// The catalogs offered for a new assessment or a migration (outlines are not).
fn catalog_choices(s: &AppState, lang: Lang) -> Vec<CatalogChoice> {
    crate::view::offered_catalogs(&s.set)
        .map(|c| CatalogChoice { id: c.id.as_str().to_owned(), title: crate::view::catalog_name(lang, c) })
        .collect()
}

fn catalog_title(s: &AppState, lang: Lang, id: &str) -> String {
    s.set.catalog(id).map_or_else(|| id.to_owned(), |c| crate::view::catalog_name(lang, c))
}

// ----- the organizations -----

struct OrgRow {
    id: String,
    name: String,
    kind: String,
    systems: usize,
    assessments: usize,
}

#[derive(Template)]
#[template(path = "organizations.html")]
struct ListPage {
    lang: Lang,
    path: String,
    rows: Vec<OrgRow>,
}

async fn list(State(s): State<AppState>, PageLang(lang): PageLang, user: Authed) -> Result<Response, WebError> {
    let mut rows = Vec::new();
    for org in s.store.organizations_of(user.user.id).await? {
        let systems = s.store.systems(org.id).await?;
        let mut assessments = 0;
        for sys in &systems {
            assessments += s.store.assessments(sys.id).await?.len();
        }
        rows.push(OrgRow {
            id: org.id.to_string(),
            name: org.name,
            kind: kind_word(lang, org.kind).to_owned(),
            systems: systems.len(),
            assessments,
        });
    }
    Ok(render_status(StatusCode::OK, &ListPage { lang, path: "/organizations".into(), rows }))
}

struct SystemRow {
    id: String,
    name: String,
    service: String,
    description: String,
    assessments: usize,
}

#[derive(Template)]
#[template(path = "organization.html")]
struct OrgPage {
    lang: Lang,
    path: String,
    id: String,
    name: String,
    kind: String,
    systems: Vec<SystemRow>,
    can_edit: bool,
    csrf: String,
    services: Vec<(&'static str, &'static str)>,
    error: Option<String>,
    form: SystemForm,
}

#[derive(Deserialize, Default)]
struct SystemForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    service_model: String,
    #[serde(default)]
    description: String,
}

async fn org_page(
    s: &AppState,
    lang: Lang,
    user: &Authed,
    id: Id,
    path: String,
    error: Option<String>,
    form: SystemForm,
) -> Result<Response, WebError> {
    let org = s.store.organization(id).await?;
    let mut systems = Vec::new();
    for sys in s.store.systems(id).await? {
        systems.push(SystemRow {
            id: sys.id.to_string(),
            assessments: s.store.assessments(sys.id).await?.len(),
            name: sys.name,
            service: service_word(lang, sys.service_model).to_owned(),
            description: sys.description,
        });
    }
    let status = if error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let page = OrgPage {
        lang,
        path,
        id: id.to_string(),
        name: org.name,
        kind: kind_word(lang, org.kind).to_owned(),
        systems,
        can_edit: can_edit(user),
        csrf: user.csrf(s),
        services: ServiceModel::ALL.iter().map(|m| (m.as_str(), service_word(lang, *m))).collect(),
        error,
        form,
    };
    Ok(render_status(status, &page))
}

async fn organization(
    State(s): State<AppState>,
    PageLang(lang): PageLang,
    user: Authed,
    OriginalUri(uri): OriginalUri,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let id = visible(&s, &user, Kind::Organization, &id).await?;
    org_page(&s, lang, &user, id, uri.to_string(), None, SystemForm::default()).await
}

async fn add_system(
    State(s): State<AppState>,
    PageLang(lang): PageLang,
    client: Client,
    user: Authed,
    Path(id): Path<String>,
    Form(f): Form<SystemForm>,
) -> Result<Response, WebError> {
    let org = visible(&s, &user, Kind::Organization, &id).await?;
    let path = format!("/organizations/{org}");
    if let Some(refused) = check_form(&s, lang, &user, &f.csrf_token, &path) {
        return Ok(refused);
    }
    let name = f.name.trim();
    let Ok(service_model) = f.service_model.parse::<ServiceModel>() else {
        let msg = format!("{}: {:?}", lang.t("提供形態が正しくありません", "Unknown service model"), f.service_model);
        return org_page(&s, lang, &user, org, path, Some(msg), f).await;
    };
    let new =
        NewSystem { organization_id: org, name: name.to_owned(), service_model, description: f.description.clone() };
    let created = match sansho_app::orgs::create_system(&ops::cx(&s), &user.actor(&client.addr.to_string()), new).await
    {
        Ok(created) => created,
        Err(e) if e.class() == sansho_app::Class::Invalid => {
            let msg = ops::app_refusal(lang, e).public_message();
            return org_page(&s, lang, &user, org, path, Some(msg), f).await;
        }
        Err(e) => return Err(ops::app_refusal(lang, e)),
    };
    Ok(Redirect::to(&format!("/systems/{}", created.id)).into_response())
}

// ----- a system and its assessments -----

struct AssessmentRow {
    id: String,
    created_at: sansho_store::Timestamp,
    catalog_id: String,
    catalog: String,
    /// Its name, else its catalog and fiscal year, with the created date.
    label: String,
    name: String,
    year: String,
    status: String,
    status_key: String,
    is_final: bool,
    answers: usize,
    /// The baseline's id and label.
    baseline: Option<(String, String)>,
    created: String,
}

#[derive(Template)]
#[template(path = "system.html")]
struct SystemPage {
    lang: Lang,
    path: String,
    id: String,
    org_id: String,
    org_name: String,
    name: String,
    service: String,
    description: String,
    assessments: Vec<AssessmentRow>,
    catalogs: Vec<CatalogChoice>,
    /// Preselected for a new assessment: the guideline of the system's latest assessment (a new
    /// year's round), else the newest MHLW guideline.
    default_catalog: String,
    statuses: Vec<(&'static str, &'static str)>,
    can_edit: bool,
    csrf: String,
    error: Option<String>,
}

async fn system_page(
    s: &AppState,
    lang: Lang,
    user: &Authed,
    id: Id,
    path: String,
    error: Option<String>,
) -> Result<Response, WebError> {
    let sys = s.store.system(id).await?;
    let org = s.store.organization(sys.organization_id).await?;
    let mut assessments = Vec::new();
    let all = s.store.assessments(id).await?;
    for a in &all {
        let baseline = a.baseline_id.map(|b| {
            let label =
                all.iter().find(|x| x.id == b).map_or_else(|| b.to_string(), |x| ops::assessment_label(s, lang, x));
            (b.to_string(), label)
        });
        assessments.push(AssessmentRow {
            id: a.id.to_string(),
            catalog: catalog_title(s, lang, &a.catalog_id),
            catalog_id: a.catalog_id.clone(),
            label: ops::assessment_label(s, lang, a),
            name: a.name.clone().unwrap_or_default(),
            year: ops::fiscal_year(lang, a.created_at),
            status: status_word(lang, a.status).to_owned(),
            status_key: a.status.as_str().to_owned(),
            is_final: a.status == AssessmentStatus::Final,
            answers: s.store.answers(a.id).await?.len(),
            baseline,
            created: crate::time::date(a.created_at),
            created_at: a.created_at,
        });
    }
    let default_catalog = assessments
        .iter()
        .max_by_key(|a| a.created_at)
        .map(|a| a.catalog_id.clone())
        .unwrap_or_else(|| "mhlw-6".to_owned());
    let status = if error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let page = SystemPage {
        lang,
        path,
        id: id.to_string(),
        org_id: org.id.to_string(),
        org_name: org.name,
        name: sys.name,
        service: service_word(lang, sys.service_model).to_owned(),
        description: sys.description,
        assessments,
        catalogs: catalog_choices(s, lang),
        default_catalog,
        statuses: AssessmentStatus::ALL.iter().map(|st| (st.as_str(), status_word(lang, *st))).collect(),
        can_edit: can_edit(user),
        csrf: user.csrf(s),
        error,
    };
    Ok(render_status(status, &page))
}

async fn system(
    State(s): State<AppState>,
    PageLang(lang): PageLang,
    user: Authed,
    OriginalUri(uri): OriginalUri,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let id = visible(&s, &user, Kind::System, &id).await?;
    system_page(&s, lang, &user, id, uri.to_string(), None).await
}

#[derive(Deserialize)]
struct AssessmentForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    catalog: String,
    #[serde(default)]
    baseline: String,
    /// What people call it (optional): 「2026年度 定期評価」.
    #[serde(default)]
    name: String,
}

async fn add_assessment(
    State(s): State<AppState>,
    PageLang(lang): PageLang,
    client: Client,
    user: Authed,
    Path(id): Path<String>,
    Form(f): Form<AssessmentForm>,
) -> Result<Response, WebError> {
    let system = visible(&s, &user, Kind::System, &id).await?;
    let path = format!("/systems/{system}");
    if let Some(refused) = check_form(&s, lang, &user, &f.csrf_token, &path) {
        return Ok(refused);
    }
    let baseline = match f.baseline.trim() {
        "" => None,
        b => match b.parse::<Id>() {
            Ok(b) => Some(b),
            Err(_) => {
                let msg = format!("{}: {b:?}", lang.t("ベースラインの評価がありません", "No such baseline assessment"));
                return system_page(&s, lang, &user, system, path, Some(msg)).await;
            }
        },
    };
    let actor = user.actor(&client.addr.to_string());
    match ops::start_assessment(&s, lang, (&user.user, &actor), system, (&f.catalog, Some(&f.name)), baseline).await {
        Ok(a) => Ok(Redirect::to(&format!("/assessments/{}", a.id)).into_response()),
        Err(WebError::Invalid(msg)) => system_page(&s, lang, &user, system, path, Some(msg)).await,
        Err(e) => Err(e),
    }
}

#[derive(Deserialize)]
struct StatusForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    status: String,
}

async fn set_status(
    State(s): State<AppState>,
    PageLang(lang): PageLang,
    client: Client,
    user: Authed,
    Path(id): Path<String>,
    Form(f): Form<StatusForm>,
) -> Result<Response, WebError> {
    let aid = visible(&s, &user, Kind::Assessment, &id).await?;
    let a = s.store.assessment(aid).await?;
    let path = format!("/systems/{}", a.system_id);
    if let Some(refused) = check_form(&s, lang, &user, &f.csrf_token, &path) {
        return Ok(refused);
    }
    let Ok(status) = f.status.parse::<AssessmentStatus>() else {
        let msg = format!("{}: {:?}", lang.t("状況が正しくありません", "Unknown status"), f.status);
        return system_page(&s, lang, &user, a.system_id, path, Some(msg)).await;
    };
    match ops::set_status(&s, lang, &user.actor(&client.addr.to_string()), &a, status).await {
        Ok(_) => Ok(Redirect::to(&path).into_response()),
        Err(e @ WebError::Conflict(_)) => {
            let page = system_page(&s, lang, &user, a.system_id, path, Some(e.public_message())).await?;
            Ok((StatusCode::CONFLICT, page).into_response())
        }
        Err(e) => Err(e),
    }
}

// ----- reopening a final assessment -----

#[derive(Template)]
#[template(path = "reopen.html")]
struct ReopenPage {
    lang: Lang,
    path: String,
    id: String,
    label: String,
    system_id: String,
    is_final: bool,
    /// The viewer is an admin or the assessment's owner.
    allowed: bool,
    owner: String,
    csrf: String,
    reason: String,
    error: Option<String>,
}

async fn reopen_form(
    s: &AppState,
    lang: Lang,
    user: &Authed,
    a: &sansho_store::Assessment,
    reason: String,
    error: Option<(StatusCode, String)>,
) -> Result<Response, WebError> {
    let owner = match a.owner_id {
        Some(o) => s.store.user(o).await.map(|u| u.display_name).unwrap_or_default(),
        None => String::new(),
    };
    let page = ReopenPage {
        lang,
        path: format!("/assessments/{}/reopen", a.id),
        id: a.id.to_string(),
        label: ops::assessment_label(s, lang, a),
        system_id: a.system_id.to_string(),
        is_final: a.status == AssessmentStatus::Final,
        allowed: ops::can_reopen(&user.user, a),
        owner,
        csrf: user.csrf(s),
        reason,
        error: error.as_ref().map(|(_, m)| m.clone()),
    };
    Ok(render_status(error.map_or(StatusCode::OK, |(st, _)| st), &page))
}

/// The page that reopens a final assessment: who may, and the reason to give.
async fn reopen_page(
    State(s): State<AppState>,
    PageLang(lang): PageLang,
    user: Authed,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let aid = visible(&s, &user, Kind::Assessment, &id).await?;
    let a = s.store.assessment(aid).await?;
    reopen_form(&s, lang, &user, &a, String::new(), None).await
}

#[derive(Deserialize)]
struct ReopenForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    reason: String,
}

/// Reopens a final assessment as a draft (an admin or its owner, with a reason; audited).
async fn reopen(
    State(s): State<AppState>,
    PageLang(lang): PageLang,
    client: Client,
    user: Authed,
    Path(id): Path<String>,
    Form(f): Form<ReopenForm>,
) -> Result<Response, WebError> {
    let aid = visible(&s, &user, Kind::Assessment, &id).await?;
    let a = s.store.assessment(aid).await?;
    if !user.csrf_ok(&s, &f.csrf_token) {
        return Ok(form_expired(lang, &format!("/assessments/{aid}/reopen")));
    }
    match ops::reopen(&s, lang, &user.user, &user.actor(&client.addr.to_string()), &a, &f.reason).await {
        Ok(_) => Ok(Redirect::to(&format!("/assessments/{aid}")).into_response()),
        Err(e @ (WebError::Invalid(_) | WebError::Forbidden(_) | WebError::Conflict(_))) => {
            reopen_form(&s, lang, &user, &a, f.reason, Some((e.status(), e.public_message()))).await
        }
        Err(e) => Err(e),
    }
}

#[derive(Deserialize)]
struct MigrateForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    name: String,
    /// Sent by the confirmation page: without it nothing is created.
    #[serde(default)]
    confirmed: String,
}

#[derive(Deserialize)]
struct MigrateQuery {
    #[serde(default)]
    to: String,
}

struct FlagLine {
    word: String,
    count: usize,
}

#[derive(Template)]
#[template(path = "migrate.html")]
struct MigratePage {
    lang: Lang,
    path: String,
    id: String,
    label: String,
    system_id: String,
    from_title: String,
    to: String,
    to_title: String,
    requirements: usize,
    carried: usize,
    exact: usize,
    flagged: usize,
    unused_sources: usize,
    flags: Vec<FlagLine>,
    name: String,
    csrf: String,
    can_edit: bool,
}

/// A migration flag in words, as the CLI prints it.
fn flag_word(lang: Lang, f: sansho_core::assess::Flag) -> &'static str {
    match lang {
        Lang::Ja => f.ja(),
        Lang::En => f.as_str(),
    }
}

/// The confirmation step of a migration: what it would create and carry, computed without
/// writing; the person confirms with a POST.
async fn migrate_confirm(
    State(s): State<AppState>,
    PageLang(lang): PageLang,
    user: Authed,
    Path(id): Path<String>,
    Query(q): Query<MigrateQuery>,
) -> Result<Response, WebError> {
    let loaded = ops::load_assessment(&s, &user.user, &id).await?;
    let a = &loaded.assessment;
    let path = format!("/systems/{}", a.system_id);
    let to = q.to.trim();
    if to.is_empty() {
        let msg = lang.t("移行先のガイドラインを選んでください。", "Choose the guideline to migrate to.");
        return system_page(&s, lang, &user, a.system_id, path, Some(msg.into())).await;
    }
    let summary = match ops::migration_plan(&s, lang, &loaded, to).await {
        Ok(plan) => plan.summary,
        Err(WebError::Invalid(msg)) => return system_page(&s, lang, &user, a.system_id, path, Some(msg)).await,
        Err(e) => return Err(e),
    };
    let page = MigratePage {
        lang,
        path: format!("/assessments/{}/migrate?to={to}", a.id),
        id: a.id.to_string(),
        label: ops::assessment_label(&s, lang, a),
        system_id: a.system_id.to_string(),
        from_title: catalog_title(&s, lang, &a.catalog_id),
        to: to.to_owned(),
        to_title: catalog_title(&s, lang, to),
        requirements: summary.requirements,
        carried: summary.carried,
        exact: summary.exact,
        flagged: summary.flagged,
        unused_sources: summary.unused_sources,
        flags: summary
            .by_flag
            .iter()
            .filter(|(_, n)| *n > 0)
            .map(|(f, n)| FlagLine { word: flag_word(lang, *f).to_owned(), count: *n })
            .collect(),
        name: String::new(),
        csrf: user.csrf(&s),
        can_edit: can_edit(&user),
    };
    Ok(render_status(StatusCode::OK, &page))
}

/// A new assessment of another guideline (or version) carrying this one's answers through the
/// mappings, each flagged where a person must look; the CLI's `assessment migrate`. Only from the
/// confirmation page: a post without `confirmed` goes there.
async fn migrate_to(
    State(s): State<AppState>,
    PageLang(lang): PageLang,
    client: Client,
    user: Authed,
    Path(id): Path<String>,
    Form(f): Form<MigrateForm>,
) -> Result<Response, WebError> {
    let aid = visible(&s, &user, Kind::Assessment, &id).await?;
    let a = s.store.assessment(aid).await?;
    let path = format!("/systems/{}", a.system_id);
    if let Some(refused) = check_form(&s, lang, &user, &f.csrf_token, &path) {
        return Ok(refused);
    }
    if f.confirmed != "1" {
        let to: String = f.to.trim().chars().filter(|c| c.is_ascii_alphanumeric() || "-_.".contains(*c)).collect();
        return Ok(Redirect::to(&format!("/assessments/{aid}/migrate?to={to}")).into_response());
    }
    let loaded = ops::load_assessment(&s, &user.user, &id).await?;
    let actor = user.actor(&client.addr.to_string());
    let created =
        match ops::migrate_assessment(&s, lang, (&user.user, &actor), &loaded, (f.to.trim(), Some(&f.name))).await {
            Ok((created, _)) => created,
            Err(WebError::Invalid(msg)) => return system_page(&s, lang, &user, a.system_id, path, Some(msg)).await,
            Err(e) => return Err(e),
        };
    // Straight to what needs a look, when the migration flagged anything.
    let flagged = s.store.answers(created.id).await?.iter().any(|x| {
        x.origin.as_ref().and_then(|o| o.get("flags")).and_then(|f| f.as_array()).is_some_and(|f| !f.is_empty())
    });
    let to = if flagged {
        format!("/assessments/{}/answers?review=1", created.id)
    } else {
        format!("/assessments/{}", created.id)
    };
    Ok(Redirect::to(&to).into_response())
}

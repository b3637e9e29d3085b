//! Organizations, systems and assessments: listing what one may see, starting assessments (from
//! a baseline or by migration to another catalog), their status, the dashboard's figures and the
//! exports.

use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use sansho_core::assess::{GapOptions, ResultBasis, ResultCode, Tally, derive, gaps};
use sansho_store::{
    Assessment, AssessmentStatus, BaselineChange, Id, Kind, NewSystem, Organization, ServiceModel, System,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::extract::{ApiJson, ApiPath as Path, ApiUser};
use crate::error::ErrorBody;
use crate::i18n::PageLang;
use crate::ops;
use crate::session::check_access;
use crate::{AppState, WebError};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/organizations", get(organizations))
        .route("/organizations/{id}", get(organization))
        .route("/organizations/{id}/systems", get(systems).post(create_system))
        .route("/systems/{id}", get(system))
        .route("/systems/{id}/assessments", get(system_assessments).post(create_assessment))
        .route("/assessments", get(assessments))
        .route("/assessments/{id}", get(assessment))
        .route("/assessments/{id}/status", put(set_status))
        .route("/assessments/{id}/reopen", post(reopen))
        .route("/assessments/{id}/migrate", post(migrate))
        .route("/assessments/{id}/dashboard", get(dashboard))
        .route("/assessments/{id}/export/{format}", get(export))
}

// ----- views -----

/// 医療機関等 (medical institution) or 対象事業者 (vendor).
#[derive(Debug, Serialize, ToSchema)]
pub struct OrganizationView {
    pub id: String,
    pub name: String,
    /// `medical-institution` or `vendor`.
    pub kind: String,
    /// A vendor's position: `direct-contract`, `supply-chain` or `type-3` (第三類型).
    pub vendor_position: Option<String>,
    /// Unix milliseconds.
    pub created_at: i64,
}

impl From<&Organization> for OrganizationView {
    fn from(o: &Organization) -> Self {
        OrganizationView {
            id: o.id.to_string(),
            name: o.name.clone(),
            kind: o.kind.as_str().to_owned(),
            vendor_position: o.vendor_position.map(|p| p.as_str().to_owned()),
            created_at: o.created_at.0,
        }
    }
}

/// How a system is provided.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ServiceModelWord {
    OnPremises,
    Iaas,
    Paas,
    Saas,
}

impl From<ServiceModel> for ServiceModelWord {
    fn from(m: ServiceModel) -> Self {
        match m {
            ServiceModel::OnPremises => ServiceModelWord::OnPremises,
            ServiceModel::Iaas => ServiceModelWord::Iaas,
            ServiceModel::Paas => ServiceModelWord::Paas,
            ServiceModel::Saas => ServiceModelWord::Saas,
        }
    }
}

impl From<ServiceModelWord> for ServiceModel {
    fn from(m: ServiceModelWord) -> Self {
        match m {
            ServiceModelWord::OnPremises => ServiceModel::OnPremises,
            ServiceModelWord::Iaas => ServiceModel::Iaas,
            ServiceModelWord::Paas => ServiceModel::Paas,
            ServiceModelWord::Saas => ServiceModel::Saas,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SystemView {
    pub id: String,
    pub organization_id: String,
    pub name: String,
    pub service_model: ServiceModelWord,
    pub description: String,
    pub created_at: i64,
    pub created_by: String,
}

impl From<&System> for SystemView {
    fn from(x: &System) -> Self {
        SystemView {
            id: x.id.to_string(),
            organization_id: x.organization_id.to_string(),
            name: x.name.clone(),
            service_model: x.service_model.into(),
            description: x.description.clone(),
            created_at: x.created_at.0,
            created_by: x.created_by.clone(),
        }
    }
}

/// Where an assessment stands.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum StatusWord {
    Draft,
    InReview,
    Final,
}

impl From<AssessmentStatus> for StatusWord {
    fn from(s: AssessmentStatus) -> Self {
        match s {
            AssessmentStatus::Draft => StatusWord::Draft,
            AssessmentStatus::InReview => StatusWord::InReview,
            AssessmentStatus::Final => StatusWord::Final,
        }
    }
}

impl From<StatusWord> for AssessmentStatus {
    fn from(s: StatusWord) -> Self {
        match s {
            StatusWord::Draft => AssessmentStatus::Draft,
            StatusWord::InReview => AssessmentStatus::InReview,
            StatusWord::Final => AssessmentStatus::Final,
        }
    }
}

/// An assessment of one system against one catalog.
#[derive(Debug, Serialize, ToSchema)]
pub struct AssessmentView {
    pub id: String,
    pub organization_id: String,
    pub organization: String,
    pub system_id: String,
    pub system: String,
    pub catalog_id: String,
    /// The catalog's title and edition, as printed.
    pub catalog_title: String,
    pub status: StatusWord,
    /// What people call it ("2026年度 定期評価"), if it was given a name.
    pub name: Option<String>,
    /// The user who created it (with admins, the one who may reopen it when final), if known.
    pub owner_id: Option<String>,
    /// The assessment whose answers were copied in (last year's), if any.
    pub baseline_id: Option<String>,
    /// Stored answers (unanswered placeholders included).
    pub answers: usize,
    pub created_at: i64,
    pub created_by: String,
    pub updated_at: i64,
    pub updated_by: String,
}

pub async fn assessment_view(s: &AppState, a: &Assessment) -> Result<AssessmentView, WebError> {
    let system = s.store.system(a.system_id).await?;
    let org = s.store.organization(system.organization_id).await?;
    let answers = s.store.answers(a.id).await?.len();
    Ok(AssessmentView {
        id: a.id.to_string(),
        organization_id: org.id.to_string(),
        organization: org.name,
        system_id: system.id.to_string(),
        system: system.name,
        catalog_id: a.catalog_id.clone(),
        catalog_title: s
            .set
            .catalog(&a.catalog_id)
            .map_or(a.catalog_id.clone(), |c| format!("{} {}", c.title.ja, c.edition)),
        status: a.status.into(),
        name: a.name.clone(),
        owner_id: a.owner_id.map(|o| o.to_string()),
        baseline_id: a.baseline_id.map(|b| b.to_string()),
        answers,
        created_at: a.created_at.0,
        created_by: a.created_by.clone(),
        updated_at: a.updated_at.0,
        updated_by: a.updated_by.clone(),
    })
}

/// Requirements by result, with the share of each (percent, one decimal).
#[derive(Debug, Serialize, ToSchema)]
pub struct TallyView {
    /// Requirements counted (grouping headings are structure and not counted).
    pub total: usize,
    pub implemented: usize,
    pub partial: usize,
    pub not_implemented: usize,
    pub not_applicable: usize,
    pub unanswered: usize,
    pub implemented_percent: f64,
    pub partial_percent: f64,
    pub not_implemented_percent: f64,
    pub not_applicable_percent: f64,
    pub unanswered_percent: f64,
}

impl From<&Tally> for TallyView {
    fn from(t: &Tally) -> Self {
        TallyView {
            total: t.total,
            implemented: t.count(ResultCode::Implemented),
            partial: t.count(ResultCode::Partial),
            not_implemented: t.count(ResultCode::NotImplemented),
            not_applicable: t.count(ResultCode::NotApplicable),
            unanswered: t.count(ResultCode::Unanswered),
            implemented_percent: t.percent(ResultCode::Implemented),
            partial_percent: t.percent(ResultCode::Partial),
            not_implemented_percent: t.percent(ResultCode::NotImplemented),
            not_applicable_percent: t.percent(ResultCode::NotApplicable),
            unanswered_percent: t.percent(ResultCode::Unanswered),
        }
    }
}

/// An assessment with its figures (direct answers only).
#[derive(Debug, Serialize, ToSchema)]
pub struct AssessmentDetail {
    pub assessment: AssessmentView,
    /// The catalog's requirements by their direct answer.
    pub counts: TallyView,
    /// Requirements with a direct answer other than 未回答.
    pub answered: usize,
    /// Evidence links of the assessment's answers.
    pub evidence: usize,
}

// ----- organizations and systems -----

/// The organizations I belong to.
#[utoipa::path(get, path = "/api/organizations", tag = "assessments",
    security(("session_cookie" = [])),
    responses(
        (status = 200, description = "My organizations", body = [OrganizationView]),
        (status = 401, description = "No session", body = ErrorBody)))]
async fn organizations(State(s): State<AppState>, user: ApiUser) -> Result<Json<Vec<OrganizationView>>, WebError> {
    let orgs = s.store.organizations_of(user.user.id).await?;
    Ok(Json(orgs.iter().map(OrganizationView::from).collect()))
}

async fn load_organization(s: &AppState, user: &ApiUser, id: &str) -> Result<Organization, WebError> {
    let oid = ops::parse_id(id, "organization")?;
    check_access(s, &user.user, Kind::Organization, oid).await?;
    Ok(s.store.organization(oid).await?)
}

async fn load_system(s: &AppState, user: &ApiUser, id: &str) -> Result<System, WebError> {
    let sid = ops::parse_id(id, "system")?;
    check_access(s, &user.user, Kind::System, sid).await?;
    Ok(s.store.system(sid).await?)
}

/// One of my organizations.
#[utoipa::path(get, path = "/api/organizations/{id}", tag = "assessments",
    security(("session_cookie" = [])),
    params(("id" = String, Path, description = "Organization id (UUID)")),
    responses(
        (status = 200, description = "The organization", body = OrganizationView),
        (status = 401, description = "No session", body = ErrorBody),
        (status = 404, description = "No such organization of mine", body = ErrorBody)))]
async fn organization(
    State(s): State<AppState>,
    user: ApiUser,
    Path(id): Path<String>,
) -> Result<Json<OrganizationView>, WebError> {
    Ok(Json(OrganizationView::from(&load_organization(&s, &user, &id).await?)))
}

/// The systems of one of my organizations.
#[utoipa::path(get, path = "/api/organizations/{id}/systems", tag = "assessments",
    security(("session_cookie" = [])),
    params(("id" = String, Path, description = "Organization id (UUID)")),
    responses(
        (status = 200, description = "Its systems, by name", body = [SystemView]),
        (status = 401, description = "No session", body = ErrorBody),
        (status = 404, description = "No such organization of mine", body = ErrorBody)))]
async fn systems(
    State(s): State<AppState>,
    user: ApiUser,
    Path(id): Path<String>,
) -> Result<Json<Vec<SystemView>>, WebError> {
    let org = load_organization(&s, &user, &id).await?;
    Ok(Json(s.store.systems(org.id).await?.iter().map(SystemView::from).collect()))
}

/// A new system of an organization.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewSystemBody {
    /// Not blank.
    #[schema(min_length = 1)]
    pub name: String,
    pub service_model: ServiceModelWord,
    #[serde(default)]
    pub description: Option<String>,
}

/// Adds a system to one of my organizations (assessor or admin).
#[utoipa::path(post, path = "/api/organizations/{id}/systems", tag = "assessments",
    security(("session_cookie" = [], "csrf_header" = [])),
    params(("id" = String, Path, description = "Organization id (UUID)")),
    request_body = NewSystemBody,
    responses(
        (status = 201, description = "The new system", body = SystemView),
        (status = 400, description = "The body is not JSON", body = ErrorBody),
        (status = 401, description = "No session", body = ErrorBody),
        (status = 403, description = "A viewer, or a missing or wrong x-csrf-token header", body = ErrorBody),
        (status = 404, description = "No such organization of mine", body = ErrorBody),
        (status = 413, description = "The body is too large", body = ErrorBody),
        (status = 422, description = "A field is missing or wrong (the message names it)", body = ErrorBody)))]
async fn create_system(
    State(s): State<AppState>,
    PageLang(lang): PageLang,
    user: ApiUser,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<NewSystemBody>,
) -> Result<(StatusCode, Json<SystemView>), WebError> {
    let org = load_organization(&s, &user, &id).await?;
    ops::require_editor(lang, &user.user)?;
    let new = NewSystem {
        organization_id: org.id,
        name: body.name,
        service_model: body.service_model.into(),
        description: body.description.unwrap_or_default(),
    };
    let system = sansho_app::orgs::create_system(&ops::cx(&s), &user.actor(), new).await?;
    Ok((StatusCode::CREATED, Json(SystemView::from(&system))))
}

/// One system of my organizations.
#[utoipa::path(get, path = "/api/systems/{id}", tag = "assessments",
    security(("session_cookie" = [])),
    params(("id" = String, Path, description = "System id (UUID)")),
    responses(
        (status = 200, description = "The system", body = SystemView),
        (status = 401, description = "No session", body = ErrorBody),
        (status = 404, description = "No such system of mine", body = ErrorBody)))]
async fn system(
    State(s): State<AppState>,
    user: ApiUser,
    Path(id): Path<String>,
) -> Result<Json<SystemView>, WebError> {
    Ok(Json(SystemView::from(&load_system(&s, &user, &id).await?)))
}

/// The assessments of one system, oldest first.
#[utoipa::path(get, path = "/api/systems/{id}/assessments", tag = "assessments",
    security(("session_cookie" = [])),
    params(("id" = String, Path, description = "System id (UUID)")),
    responses(
        (status = 200, description = "Its assessments", body = [AssessmentView]),
        (status = 401, description = "No session", body = ErrorBody),
        (status = 404, description = "No such system of mine", body = ErrorBody)))]
async fn system_assessments(
    State(s): State<AppState>,
    user: ApiUser,
    Path(id): Path<String>,
) -> Result<Json<Vec<AssessmentView>>, WebError> {
    let system = load_system(&s, &user, &id).await?;
    let mut out = Vec::new();
    for a in s.store.assessments(system.id).await? {
        out.push(assessment_view(&s, &a).await?);
    }
    Ok(Json(out))
}

/// A new assessment of a system.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewAssessmentBody {
    /// A loaded catalog, e.g. `mhlw-6` or `mhlw-3-checklist` (see `GET /api/catalogs`).
    #[schema(min_length = 1, example = "mhlw-6")]
    pub catalog_id: String,
    /// An earlier assessment of the same system and catalog whose answers and evidence links are
    /// copied in (each copy's origin names it).
    #[serde(default)]
    pub baseline_id: Option<String>,
    /// What people call it (optional), e.g. `2026年度 定期評価`.
    #[serde(default)]
    pub name: Option<String>,
}

/// Starts an assessment of one of my systems (assessor or admin).
#[utoipa::path(post, path = "/api/systems/{id}/assessments", tag = "assessments",
    security(("session_cookie" = [], "csrf_header" = [])),
    params(("id" = String, Path, description = "System id (UUID)")),
    request_body = NewAssessmentBody,
    responses(
        (status = 201, description = "The new assessment (a draft)", body = AssessmentView),
        (status = 400, description = "The body is not JSON", body = ErrorBody),
        (status = 401, description = "No session", body = ErrorBody),
        (status = 403, description = "A viewer, or a missing or wrong x-csrf-token header", body = ErrorBody),
        (status = 404, description = "No such system of mine", body = ErrorBody),
        (status = 413, description = "The body is too large", body = ErrorBody),
        (status = 422, description = "Unknown catalog, or a baseline that is not of this system and catalog", body = ErrorBody)))]
async fn create_assessment(
    State(s): State<AppState>,
    PageLang(lang): PageLang,
    user: ApiUser,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<NewAssessmentBody>,
) -> Result<(StatusCode, Json<AssessmentView>), WebError> {
    let system = load_system(&s, &user, &id).await?;
    ops::require_editor(lang, &user.user)?;
    let baseline = match body.baseline_id.as_deref().and_then(ops::blank) {
        None => None,
        Some(b) => Some(
            b.parse::<Id>().map_err(|_| WebError::Invalid(format!("baseline_id: {b:?} is not an assessment id")))?,
        ),
    };
    let a = ops::start_assessment(
        &s,
        lang,
        (&user.user, &user.actor()),
        system.id,
        (body.catalog_id.trim(), body.name.as_deref()),
        baseline,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(assessment_view(&s, &a).await?)))
}

// ----- assessments -----

/// Every assessment I may see (of my organizations' systems).
#[utoipa::path(get, path = "/api/assessments", tag = "assessments",
    security(("session_cookie" = [])),
    responses(
        (status = 200, description = "The assessments, by organization and system", body = [AssessmentView]),
        (status = 401, description = "No session", body = ErrorBody)))]
async fn assessments(State(s): State<AppState>, user: ApiUser) -> Result<Json<Vec<AssessmentView>>, WebError> {
    let mut out = Vec::new();
    for org in s.store.organizations_of(user.user.id).await? {
        for system in s.store.systems(org.id).await? {
            for a in s.store.assessments(system.id).await? {
                out.push(assessment_view(&s, &a).await?);
            }
        }
    }
    Ok(Json(out))
}

/// One assessment with its counts.
#[utoipa::path(get, path = "/api/assessments/{id}", tag = "assessments",
    security(("session_cookie" = [])),
    params(("id" = String, Path, description = "Assessment id (UUID)")),
    responses(
        (status = 200, description = "The assessment and its counts", body = AssessmentDetail),
        (status = 401, description = "No session", body = ErrorBody),
        (status = 404, description = "No such assessment of mine", body = ErrorBody)))]
async fn assessment(
    State(s): State<AppState>,
    user: ApiUser,
    Path(id): Path<String>,
) -> Result<Json<AssessmentDetail>, WebError> {
    let a = ops::load_assessment(&s, &user.user, &id).await?;
    let derived = derive(&s.set, &a.answers).map_err(|e| WebError::Internal(e.to_string()))?;
    let own = gaps(&derived, &a.assessment.catalog_id, GapOptions::default())
        .map_err(|e| WebError::Internal(e.to_string()))?;
    let evidence = s.store.evidence_of_assessment(a.assessment.id).await?.len();
    Ok(Json(AssessmentDetail {
        assessment: assessment_view(&s, &a.assessment).await?,
        answered: own.total.total - own.total.count(ResultCode::Unanswered),
        counts: TallyView::from(&own.total),
        evidence,
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StatusBody {
    pub status: StatusWord,
}

/// Sets an assessment's status (assessor or admin).
#[utoipa::path(put, path = "/api/assessments/{id}/status", tag = "assessments",
    security(("session_cookie" = [], "csrf_header" = [])),
    params(("id" = String, Path, description = "Assessment id (UUID)")),
    request_body = StatusBody,
    responses(
        (status = 200, description = "The assessment with its new status", body = AssessmentView),
        (status = 400, description = "The body is not JSON", body = ErrorBody),
        (status = 401, description = "No session", body = ErrorBody),
        (status = 403, description = "A viewer, or a missing or wrong x-csrf-token header", body = ErrorBody),
        (status = 404, description = "No such assessment of mine", body = ErrorBody),
        (status = 413, description = "The body is too large", body = ErrorBody),
        (status = 409, description = "The assessment is final (確定): reopen it instead", body = ErrorBody),
        (status = 413, description = "The body is too large", body = ErrorBody),
        (status = 422, description = "Not a status (draft, in-review, final)", body = ErrorBody)))]
async fn set_status(
    State(s): State<AppState>,
    PageLang(lang): PageLang,
    user: ApiUser,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<StatusBody>,
) -> Result<Json<AssessmentView>, WebError> {
    let a = ops::load_assessment(&s, &user.user, &id).await?;
    ops::require_editor(lang, &user.user)?;
    let after = ops::set_status(&s, lang, &user.actor(), &a.assessment, body.status.into()).await?;
    Ok(Json(assessment_view(&s, &after).await?))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReopenBody {
    /// Why the final assessment is reopened (kept in the audit log).
    #[schema(min_length = 1, example = "監査指摘の反映")]
    pub reason: String,
}

/// Reopens a final (確定) assessment as a draft: its owner (the user who created it) or an
/// admin, with a reason, which the audit log keeps (`assessment.reopen`).
#[utoipa::path(post, path = "/api/assessments/{id}/reopen", tag = "assessments",
    security(("session_cookie" = [], "csrf_header" = [])),
    params(("id" = String, Path, description = "Assessment id (UUID)")),
    request_body = ReopenBody,
    responses(
        (status = 200, description = "The assessment, a draft again", body = AssessmentView),
        (status = 400, description = "The body is not JSON", body = ErrorBody),
        (status = 401, description = "No session", body = ErrorBody),
        (status = 403, description = "Neither an admin nor the owner, or a missing or wrong x-csrf-token header", body = ErrorBody),
        (status = 404, description = "No such assessment of mine", body = ErrorBody),
        (status = 409, description = "The assessment is not final", body = ErrorBody),
        (status = 413, description = "The body is too large", body = ErrorBody),
        (status = 422, description = "No reason given", body = ErrorBody)))]
async fn reopen(
    State(s): State<AppState>,
    PageLang(lang): PageLang,
    user: ApiUser,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ReopenBody>,
) -> Result<Json<AssessmentView>, WebError> {
    let a = ops::load_assessment(&s, &user.user, &id).await?;
    let after = ops::reopen(&s, lang, &user.user, &user.actor(), &a.assessment, &body.reason).await?;
    Ok(Json(assessment_view(&s, &after).await?))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MigrateBody {
    /// The catalog to migrate to, e.g. `mhlw-6` from `mhlw-5`.
    #[schema(min_length = 1, example = "mhlw-5")]
    pub to: String,
    /// The new assessment's name (optional).
    #[serde(default)]
    pub name: Option<String>,
}

/// How many flagged requirements of one kind.
#[derive(Debug, Serialize, ToSchema)]
pub struct FlagCount {
    /// `new`, `unmapped`, `split`, `merged`, `overlap`, `conflict` or `not-applicable`.
    pub flag: String,
    pub count: usize,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MigrationView {
    /// The new assessment, of the target catalog.
    pub assessment: AssessmentView,
    /// Requirements of the target catalog.
    pub requirements: usize,
    /// Carried with an answer.
    pub carried: usize,
    /// Carried with no flag at all.
    pub exact: usize,
    /// Carrying at least one flag: for review.
    pub flagged: usize,
    pub by_flag: Vec<FlagCount>,
    /// Source answers that reach nothing in the target catalog.
    pub unused_sources: usize,
}

/// Migrates an assessment to another catalog (e.g. a new edition): a new assessment of the same
/// system whose answers are carried over the migration tables, flagged for review where they do
/// not carry exactly (assessor or admin).
#[utoipa::path(post, path = "/api/assessments/{id}/migrate", tag = "assessments",
    security(("session_cookie" = [], "csrf_header" = [])),
    params(("id" = String, Path, description = "Assessment id (UUID)")),
    request_body = MigrateBody,
    responses(
        (status = 201, description = "The new assessment and what was carried", body = MigrationView),
        (status = 400, description = "The body is not JSON", body = ErrorBody),
        (status = 401, description = "No session", body = ErrorBody),
        (status = 403, description = "A viewer, or a missing or wrong x-csrf-token header", body = ErrorBody),
        (status = 404, description = "No such assessment of mine", body = ErrorBody),
        (status = 413, description = "The body is too large", body = ErrorBody),
        (status = 422, description = "Unknown target catalog, or the assessment's own", body = ErrorBody)))]
async fn migrate(
    State(s): State<AppState>,
    PageLang(lang): PageLang,
    user: ApiUser,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<MigrateBody>,
) -> Result<(StatusCode, Json<MigrationView>), WebError> {
    let a = ops::load_assessment(&s, &user.user, &id).await?;
    ops::require_editor(lang, &user.user)?;
    let (created, summary) =
        ops::migrate_assessment(&s, lang, (&user.user, &user.actor()), &a, (body.to.trim(), body.name.as_deref()))
            .await?;
    Ok((
        StatusCode::CREATED,
        Json(MigrationView {
            assessment: assessment_view(&s, &created).await?,
            requirements: summary.requirements,
            carried: summary.carried,
            exact: summary.exact,
            flagged: summary.flagged,
            by_flag: summary
                .by_flag
                .iter()
                .map(|(f, n)| FlagCount { flag: f.as_str().to_owned(), count: *n })
                .collect(),
            unused_sources: summary.unused_sources,
        }),
    ))
}

// ----- the dashboard -----

/// Coverage of one catalog: the assessment's own (direct answers) or another reached through the
/// mappings (derived).
#[derive(Debug, Serialize, ToSchema)]
pub struct CoverageView {
    pub catalog_id: String,
    pub title: String,
    pub edition: String,
    /// Figures derived through the mappings (推定), not answered directly.
    pub derived: bool,
    pub tally: TallyView,
}

/// One group of requirements (a section, a level or a control category).
#[derive(Debug, Serialize, ToSchema)]
pub struct GroupView {
    pub key: String,
    pub label: String,
    pub tally: TallyView,
}

/// Where a result comes from: a direct answer, a derived suggestion, or nothing.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum BasisWord {
    Direct,
    Derived,
    None,
}

impl From<ResultBasis> for BasisWord {
    fn from(b: ResultBasis) -> Self {
        match b {
            ResultBasis::Direct => BasisWord::Direct,
            ResultBasis::Derived => BasisWord::Derived,
            ResultBasis::None => BasisWord::None,
        }
    }
}

/// A requirement that is partial, not implemented or unanswered.
#[derive(Debug, Serialize, ToSchema)]
pub struct GapView {
    pub local_id: String,
    pub label: String,
    /// `mandatory`, `recommended` or `informative`.
    pub level: Option<String>,
    pub category: Option<String>,
    /// `partial`, `not-implemented` or `unanswered`.
    pub result: String,
    pub basis: BasisWord,
    pub needs_review: bool,
    /// The requirement's text (or its title when it has none).
    pub text: Option<String>,
}

/// A mandatory requirement that keeps the minimum package from being met.
#[derive(Debug, Serialize, ToSchema)]
pub struct BlockerView {
    pub local_id: String,
    pub label: String,
    pub result: String,
    pub basis: BasisWord,
}

/// The minimum-package verdict: every mandatory requirement implemented (or justified 該当なし).
#[derive(Debug, Serialize, ToSchema)]
pub struct MinimumView {
    pub met: bool,
    pub mandatory: usize,
    pub satisfied: usize,
    /// Satisfied only through a derived suggestion.
    pub by_derived: usize,
    pub blockers: Vec<BlockerView>,
}

/// One field that differs from the baseline.
#[derive(Debug, Serialize, ToSchema)]
pub struct FieldChange {
    pub field: String,
    pub baseline: Option<String>,
    pub current: Option<String>,
}

/// How a requirement's answer differs from the baseline's.
#[derive(Debug, Serialize, ToSchema)]
pub struct BaselineChangeView {
    pub requirement_id: String,
    /// `added` (answered now, not in the baseline), `missing` (the other way) or `changed`.
    pub change: String,
    pub fields: Vec<FieldChange>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BaselineView {
    pub baseline_id: String,
    pub changes: Vec<BaselineChangeView>,
}

/// What the dashboard shows: coverage per guideline (the assessment's own catalog answered, the
/// others derived), per section, control category and level, the minimum-package verdict, the
/// gaps in order and the changes since the baseline.
#[derive(Debug, Serialize, ToSchema)]
pub struct DashboardView {
    pub assessment_id: String,
    pub catalog_id: String,
    /// Requirements of the catalog with a direct answer other than 未回答, and all of them.
    pub answered: usize,
    pub total: usize,
    pub minimum: MinimumView,
    /// The assessment's own catalog first, then every other catalog the answers reach.
    pub coverage: Vec<CoverageView>,
    pub sections: Vec<GroupView>,
    pub categories: Vec<GroupView>,
    pub levels: Vec<GroupView>,
    /// Mandatory first, then by level and document order.
    pub gaps: Vec<GapView>,
    pub baseline: Option<BaselineView>,
}

fn groups(g: &[sansho_core::assess::Group]) -> Vec<GroupView> {
    g.iter()
        .map(|g| GroupView { key: g.key.clone(), label: g.label.clone(), tally: TallyView::from(&g.tally) })
        .collect()
}

/// The dashboard's figures.
#[utoipa::path(get, path = "/api/assessments/{id}/dashboard", tag = "assessments",
    security(("session_cookie" = [])),
    params(("id" = String, Path, description = "Assessment id (UUID)")),
    responses(
        (status = 200, description = "Coverage, verdict, gaps and baseline changes", body = DashboardView),
        (status = 401, description = "No session", body = ErrorBody),
        (status = 404, description = "No such assessment of mine", body = ErrorBody)))]
async fn dashboard(
    State(s): State<AppState>,
    user: ApiUser,
    Path(id): Path<String>,
) -> Result<Json<DashboardView>, WebError> {
    let a = ops::load_assessment(&s, &user.user, &id).await?;
    let set = &s.set;
    let catalog = a.assessment.catalog_id.as_str();
    let cat = set.catalog(catalog).ok_or_else(|| WebError::Internal(format!("catalog {catalog} not loaded")))?;
    let derived = a.derive(set)?;
    let sansho_app::assessment::Coverage { own, others } = sansho_app::assessment::coverage(set, &derived, catalog)?;
    let mut coverage = vec![CoverageView {
        catalog_id: catalog.to_owned(),
        title: cat.title.ja.clone(),
        edition: cat.edition.clone(),
        derived: false,
        tally: TallyView::from(&own.total),
    }];
    coverage.extend(others.iter().map(|(c, r)| CoverageView {
        catalog_id: c.id.as_str().to_owned(),
        title: c.title.ja.clone(),
        edition: c.edition.clone(),
        derived: true,
        tally: TallyView::from(&r.total),
    }));
    let gap_views = own
        .gaps
        .iter()
        .map(|g| {
            let r =
                set.node(g.requirement.catalog.as_str(), g.requirement.local.as_str()).map(|ix| set.requirement(ix));
            GapView {
                local_id: g.requirement.local.as_str().to_owned(),
                label: g.label.to_owned(),
                level: g.level.map(|l| l.as_str().to_owned()),
                category: g.category.map(|c| c.as_str().to_owned()),
                result: g.result.as_str().to_owned(),
                basis: g.basis.into(),
                needs_review: g.needs_review,
                text: r.and_then(|r| r.text.clone().or_else(|| r.title.clone())),
            }
        })
        .collect();
    let baseline = match (a.assessment.baseline_id, s.store.baseline_changes(a.assessment.id).await?) {
        (Some(b), Some(changes)) => Some(BaselineView {
            baseline_id: b.to_string(),
            changes: changes
                .iter()
                .map(|c| match c {
                    BaselineChange::Added { requirement_id, result } => BaselineChangeView {
                        requirement_id: requirement_id.clone(),
                        change: "added".into(),
                        fields: vec![FieldChange {
                            field: "result".into(),
                            baseline: None,
                            current: Some(result.as_str().to_owned()),
                        }],
                    },
                    BaselineChange::Missing { requirement_id, baseline_result } => BaselineChangeView {
                        requirement_id: requirement_id.clone(),
                        change: "missing".into(),
                        fields: vec![FieldChange {
                            field: "result".into(),
                            baseline: Some(baseline_result.as_str().to_owned()),
                            current: None,
                        }],
                    },
                    BaselineChange::Changed { requirement_id, fields } => BaselineChangeView {
                        requirement_id: requirement_id.clone(),
                        change: "changed".into(),
                        fields: fields
                            .iter()
                            .map(|(f, b, c)| FieldChange {
                                field: (*f).to_owned(),
                                baseline: b.clone(),
                                current: c.clone(),
                            })
                            .collect(),
                    },
                })
                .collect(),
        }),
        _ => None,
    };
    Ok(Json(DashboardView {
        assessment_id: a.assessment.id.to_string(),
        catalog_id: catalog.to_owned(),
        answered: own.total.total - own.total.count(ResultCode::Unanswered),
        total: own.total.total,
        minimum: MinimumView {
            met: own.minimum.met,
            mandatory: own.minimum.mandatory,
            satisfied: own.minimum.satisfied,
            by_derived: own.minimum.by_derived,
            blockers: own
                .minimum
                .blockers
                .iter()
                .map(|b| BlockerView {
                    local_id: b.requirement.local.as_str().to_owned(),
                    label: b.label.to_owned(),
                    result: b.result.as_str().to_owned(),
                    basis: b.basis.into(),
                })
                .collect(),
        },
        coverage,
        sections: groups(&own.sections),
        categories: groups(&own.categories),
        levels: groups(&own.levels),
        gaps: gap_views,
        baseline,
    }))
}

// ----- exports -----

/// An export format: the checklist workbook, CSV (UTF-8 with BOM), Markdown or JSON.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ExportFormatWord {
    Xlsx,
    Csv,
    Md,
    Json,
}

/// The assessment as the checklist workbook (xlsx), CSV (UTF-8 with BOM), Markdown or JSON, as
/// `sansho export` writes it.
#[utoipa::path(get, path = "/api/assessments/{id}/export/{format}", tag = "assessments",
    security(("session_cookie" = [])),
    params(
        ("id" = String, Path, description = "Assessment id (UUID)"),
        ("format" = ExportFormatWord, Path, description = "xlsx, csv, md or json")),
    responses(
        (status = 200, description = "The export, as a download (Content-Disposition: attachment)",
            content(
                ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
                ("text/csv"),
                ("text/markdown"),
                ("application/json"))),
        (status = 401, description = "No session", body = ErrorBody),
        (status = 404, description = "No such assessment of mine, or no such format", body = ErrorBody)))]
async fn export(
    State(s): State<AppState>,
    PageLang(lang): PageLang,
    user: ApiUser,
    Path((id, format)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let a = ops::load_assessment(&s, &user.user, &id).await?;
    let file = ops::export(&s, lang, &a, ops::export_format(&format)?).await?;
    let mut r = file.bytes.into_response();
    r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(file.content_type));
    r.headers_mut().insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_str(&ops::attachment(&file.file_name)).map_err(|e| WebError::Internal(e.to_string()))?,
    );
    Ok(r)
}

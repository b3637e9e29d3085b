//! The JSON API under `/api`, described by the OpenAPI document at `/api/openapi.json`, which
//! utoipa generates from these handlers and types (never written by hand).

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use sansho_auth as auth;
use serde::{Deserialize, Serialize};
use utoipa::openapi::security::{ApiKey, ApiKeyValue, SecurityScheme};
use utoipa::{IntoParams, Modify, OpenApi, ToSchema};

pub mod account;
pub mod admin;
pub mod answers;
pub mod assessments;
pub mod extract;
pub mod import;
pub mod session;

use crate::error::ErrorBody;
use crate::view::{self, CatalogSummary, HopView, RelatedView, RequirementView, TreeNode};
use crate::{AppState, WebError};
use extract::{ApiPath as Path, ApiQuery as Query};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "sansho API",
        description = "3省2ガイドラインのカタログ・対応表・評価 / Catalogs, crosswalks and assessments of Japan's medical information security guidelines"
    ),
    paths(
        catalogs,
        catalog,
        requirement,
        search,
        session::who,
        session::login,
        session::logout,
        assessments::organizations,
        assessments::organization,
        assessments::systems,
        assessments::create_system,
        assessments::system,
        assessments::system_assessments,
        assessments::create_assessment,
        assessments::assessments,
        assessments::assessment,
        assessments::set_status,
        assessments::reopen,
        assessments::migrate,
        assessments::dashboard,
        assessments::export,
        answers::answers,
        answers::requirement,
        answers::save,
        answers::accept,
        answers::add_evidence,
        answers::evidence,
        answers::content,
        import::import
    ),
    components(schemas(
        CatalogSummary,
        CatalogDetail,
        TreeNode,
        RequirementView,
        RequirementDetail,
        RelatedView,
        HopView,
        SearchHit,
        SearchResult,
        assessments::ExportFormatWord,
        ErrorBody
    )),
    modifiers(&Security),
    tags(
        (name = "guidelines", description = "The catalogs, their requirements and the mappings between them (no session needed)"),
        (name = "session", description = "Signing in and out; the CSRF token for writes"),
        (name = "assessments", description = "Organizations, systems, assessments, the dashboard and exports"),
        (name = "answers", description = "Answers, derived suggestions, evidence and history")
    )
)]
pub struct ApiDoc;

/// The session cookie and the CSRF header, as OpenAPI security schemes. Reads name
/// `session_cookie`; writes name both.
struct Security;

impl Modify for Security {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "session_cookie",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                auth::session_cookie_name(false),
                "The session cookie set by POST /api/session (or the login page). Over HTTPS it is named \
                 __Host-sansho_session; sansho_session only on plain HTTP on loopback.",
            ))),
        );
        components.add_security_scheme(
            "csrf_header",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
                extract::CSRF_HEADER,
                "The session's CSRF token (csrf_token of GET /api/session), required on every POST, PUT and DELETE.",
            ))),
        );
    }
}

/// The whole OpenAPI document: the guideline, assessment and admin parts.
pub fn openapi() -> utoipa::openapi::OpenApi {
    let mut doc = ApiDoc::openapi();
    doc.merge(admin::AdminApi::openapi());
    doc.merge(account::AccountApi::openapi());
    doc
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/openapi.json", get(|| async { Json(openapi()) }))
        .merge(admin::routes())
        .merge(account::routes())
        .merge(session::routes())
        .merge(assessments::routes())
        .merge(answers::routes())
        .merge(import::routes())
        .route("/catalogs", get(catalogs))
        .route("/catalogs/{catalog}", get(catalog))
        .route("/catalogs/{catalog}/requirements/{requirement}", get(requirement))
        .route("/search", get(search))
        .fallback(|| async { WebError::NotFound("no such API endpoint".into()) })
}

/// Every loaded catalog.
#[utoipa::path(get, path = "/api/catalogs", tag = "guidelines",
    responses((status = 200, description = "The loaded catalogs", body = [CatalogSummary])))]
async fn catalogs(State(s): State<AppState>) -> Json<Vec<CatalogSummary>> {
    Json(view::catalog_summaries(&s.set))
}

/// A catalog with its tree of nodes in document order.
#[derive(Debug, Serialize, ToSchema)]
pub struct CatalogDetail {
    pub catalog: CatalogSummary,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub nodes: Vec<TreeNode>,
}

#[utoipa::path(get, path = "/api/catalogs/{catalog}", tag = "guidelines",
    params(("catalog" = String, Path, description = "Catalog id, e.g. mhlw-5")),
    responses(
        (status = 200, description = "The catalog and its nodes", body = CatalogDetail),
        (status = 404, description = "No such catalog", body = ErrorBody)))]
async fn catalog(State(s): State<AppState>, Path(id): Path<String>) -> Result<Json<CatalogDetail>, WebError> {
    let c = s.set.catalog(&id).ok_or_else(|| WebError::NotFound(format!("no catalog {id:?}")))?;
    let summary = view::catalog_summaries(&s.set).into_iter().find(|x| x.id == id).expect("listed");
    Ok(Json(CatalogDetail { catalog: summary, description: c.description.clone(), nodes: view::tree(&s.set, &id) }))
}

/// A requirement and every related requirement in other catalogs, with the chains.
#[derive(Debug, Serialize, ToSchema)]
pub struct RequirementDetail {
    pub requirement: RequirementView,
    pub related: Vec<RelatedView>,
}

#[utoipa::path(get, path = "/api/catalogs/{catalog}/requirements/{requirement}", tag = "guidelines",
    params(
        ("catalog" = String, Path, description = "Catalog id, e.g. mic-cloud-2018"),
        ("requirement" = String, Path, description = "Requirement id or printed label, e.g. 3.2.3 (ア)2")),
    responses(
        (status = 200, description = "The requirement and its related requirements", body = RequirementDetail),
        (status = 404, description = "No such catalog or requirement", body = ErrorBody)))]
async fn requirement(
    State(s): State<AppState>,
    Path((catalog, req)): Path<(String, String)>,
) -> Result<Json<RequirementDetail>, WebError> {
    let ix = s.set.resolve(&catalog, &req).map_err(|e| WebError::NotFound(e.to_string()))?;
    Ok(Json(RequirementDetail { requirement: view::requirement(&s.set, ix), related: view::related(&s.set, ix) }))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct SearchParams {
    /// Words to find; all must occur. Japanese is found inside running text.
    q: String,
    /// Only this catalog.
    catalog: Option<String>,
    /// At most this many hits (1–200, default 20).
    limit: Option<u32>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SearchHit {
    pub catalog: String,
    pub local_id: String,
    pub label: String,
    pub score: f64,
    pub snippet: String,
    /// Character offsets of the match in the snippet.
    pub match_start: usize,
    pub match_end: usize,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SearchResult {
    pub query: String,
    pub hits: Vec<SearchHit>,
}

#[utoipa::path(get, path = "/api/search", tag = "guidelines", params(SearchParams),
    responses(
        (status = 200, description = "Hits, best first", body = SearchResult),
        (status = 400, description = "Bad parameters", body = ErrorBody),
        (status = 404, description = "No such catalog", body = ErrorBody)))]
async fn search(State(s): State<AppState>, Query(p): Query<SearchParams>) -> Result<Json<SearchResult>, WebError> {
    if let Some(c) = &p.catalog
        && s.set.catalog(c).is_none()
    {
        return Err(WebError::NotFound(format!("no catalog {c:?}")));
    }
    let limit = p.limit.unwrap_or(20);
    if !(1..=200).contains(&limit) {
        return Err(WebError::BadRequest("limit must be between 1 and 200".into()));
    }
    let hits = s
        .index
        .search(&p.q, p.catalog.as_deref(), limit as usize)
        .into_iter()
        .map(|h| SearchHit {
            catalog: s.set.catalog_of(h.node).id.as_str().to_owned(),
            local_id: s.set.requirement(h.node).id.as_str().to_owned(),
            label: s.set.requirement(h.node).label.clone(),
            score: (h.score * 1000.0).round() / 1000.0,
            snippet: h.snippet,
            match_start: h.match_start,
            match_end: h.match_end,
        })
        .collect();
    Ok(Json(SearchResult { query: p.q, hits }))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The document is merged from parts; a schema name two parts both define must mean the same
    /// schema, or the merged document would describe one of them wrongly.
    #[test]
    fn the_merged_parts_agree_on_every_schema_they_share() {
        let parts = [ApiDoc::openapi(), admin::AdminApi::openapi(), account::AccountApi::openapi()];
        let mut seen: std::collections::HashMap<String, serde_json::Value> = std::collections::HashMap::new();
        let mut shared = 0;
        for part in parts {
            for (name, schema) in part.components.expect("components").schemas {
                let schema = serde_json::to_value(schema).expect("JSON");
                if let Some(before) = seen.insert(name.clone(), schema.clone()) {
                    assert_eq!(before, schema, "two different schemas are both named {name}");
                    shared += 1;
                }
            }
        }
        assert!(shared > 0, "ErrorBody at least is shared");
    }
}

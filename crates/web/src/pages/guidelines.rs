//! Guidelines: the catalogs, a catalog's tree, a requirement with every related requirement in
//! the other guidelines and versions, and search.

use askama::Template;
use axum::Router;
use axum::extract::{OriginalUri, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use serde::Deserialize;

use crate::i18n::{LangExt, PageLang};
use crate::view::{self, CatalogSummary, RelatedView, RequirementView, TreeNode};
use crate::{AppState, Cached, Lang};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/guidelines", get(list))
        .route("/guidelines/{catalog}", get(catalog))
        .route("/guidelines/{catalog}/{requirement}", get(requirement))
        .route("/search", get(search))
}

/// Renders a page with a status.
pub fn render_status(status: StatusCode, page: &impl Template) -> Response {
    match page.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => crate::WebError::from(e).into_response(),
    }
}

fn render(page: &impl Template) -> Response {
    render_status(StatusCode::OK, page)
}

#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage {
    pub lang: Lang,
    pub path: String,
    pub status: u16,
    pub message: String,
}

/// A form whose CSRF token does not belong to the session (an old tab, a forged post).
pub fn form_expired(lang: Lang, path: &str) -> Response {
    let message =
        lang.t("フォームの有効期限が切れました。もう一度お試しください。", "The form expired. Please try again.");
    let mut r = render_status(
        StatusCode::FORBIDDEN,
        &ErrorPage { lang, path: path.into(), status: 403, message: message.into() },
    );
    r.extensions_mut().insert(crate::events::Refusal::Csrf);
    r
}

fn not_found(lang: Lang, path: String, message: String) -> Response {
    render_status(StatusCode::NOT_FOUND, &ErrorPage { lang, path, status: 404, message })
}

#[derive(Template)]
#[template(path = "guidelines.html")]
struct ListPage {
    lang: Lang,
    path: String,
    catalogs: Vec<CatalogSummary>,
    mapping_sets: Vec<(String, String, String, usize)>,
}

async fn list(State(s): State<AppState>, PageLang(lang): PageLang, OriginalUri(uri): OriginalUri) -> Response {
    let mapping_sets = s
        .set
        .mapping_sets()
        .iter()
        .map(|m| {
            (
                m.id.clone(),
                view::title(lang, &m.title).to_owned(),
                if m.derived { "derived" } else { "" }.to_owned(),
                m.mappings.len(),
            )
        })
        .collect();
    render(&ListPage { lang, path: uri.to_string(), catalogs: view::catalog_summaries(&s.set), mapping_sets })
}

#[derive(Template)]
#[template(path = "catalog.html")]
struct CatalogPage {
    lang: Lang,
    path: String,
    catalog: CatalogSummary,
    /// What the page says when the catalog is an outline.
    outline: Option<String>,
    description: Option<String>,
    nodes: Vec<TreeNode>,
}

async fn catalog(
    State(s): State<AppState>,
    PageLang(lang): PageLang,
    OriginalUri(uri): OriginalUri,
    Path(id): Path<String>,
) -> Response {
    let Some(c) = s.set.catalog(&id) else {
        return not_found(
            lang,
            uri.to_string(),
            format!("{}: {id}", lang.t("カタログがありません", "No such catalog")),
        );
    };
    let summary = view::catalog_summaries(&s.set).into_iter().find(|x| x.id == id).expect("listed");
    render(&CatalogPage {
        lang,
        path: uri.to_string(),
        catalog: summary,
        outline: c.is_outline().then(|| view::outline_warning(lang, c)),
        description: c.description.clone(),
        nodes: view::tree(&s.set, &id)
            .into_iter()
            .map(|mut n| {
                n.text = n.text.map(|t| view::shown_text(&s.set, &id, &t, lang));
                n
            })
            .collect(),
    })
}

#[derive(Template)]
#[template(path = "requirement.html")]
struct RequirementPage {
    lang: Lang,
    path: String,
    catalog: CatalogSummary,
    req: RequirementView,
    /// The text's OSCAL parameter inserts are written out (the page says so).
    params_written: bool,
    parent: Option<(String, String)>,
    children: Vec<(String, String)>,
    /// Related requirements grouped by catalog: (catalog id, title, rows).
    groups: Vec<(String, String, Vec<RelatedView>)>,
    related_count: usize,
}

async fn requirement(
    State(s): State<AppState>,
    PageLang(lang): PageLang,
    OriginalUri(uri): OriginalUri,
    Path((catalog, req)): Path<(String, String)>,
) -> Response {
    // The catalogs do not change while the server runs: a requirement page is made once per
    // address and language.
    let key = (uri.path().to_owned(), lang);
    let _making = match s.pages.lookup(&key, STATIC_VERSION).await {
        Cached::Page(page) => return Html(page).into_response(),
        Cached::Make(guard) => guard,
    };
    let ix = match s.set.resolve(&catalog, &req) {
        Ok(ix) => ix,
        Err(e) => return not_found(lang, uri.to_string(), e.to_string()),
    };
    let set = &s.set;
    let mut view = view::requirement(set, ix);
    let params_written = view.text.as_deref().is_some_and(view::has_params);
    view.text = view.text.map(|t| view::shown_text(set, &view.catalog, &t, lang));
    let label_of = |local: &str| {
        let node = set.node(&catalog, local).expect("tree nodes exist");
        (local.to_owned(), set.requirement(node).label.clone())
    };
    let parent = view.parent.as_deref().map(label_of);
    let children = view.children.iter().map(|c| label_of(c)).collect();
    let related = view::related(set, ix);
    let related_count = related.len();
    let mut groups: Vec<(String, String, Vec<RelatedView>)> = Vec::new();
    for mut r in related {
        r.text = r.text.map(|t| view::shown_text(set, &r.catalog, &t, lang));
        match groups.last_mut() {
            Some((c, _, rows)) if *c == r.catalog => rows.push(r),
            _ => {
                let title = set.catalog(&r.catalog).map(|c| view::catalog_name(lang, c)).unwrap_or_default();
                groups.push((r.catalog.clone(), title, vec![r]));
            }
        }
    }
    let summary = view::catalog_summaries(set).into_iter().find(|x| x.id == catalog).expect("resolved");
    let page = RequirementPage {
        lang,
        path: uri.to_string(),
        catalog: summary,
        req: view,
        params_written,
        parent,
        children,
        groups,
        related_count,
    };
    match page.render() {
        Ok(html) => {
            let html = axum::body::Bytes::from(html);
            s.pages.put(key, STATIC_VERSION, html.clone());
            Html(html).into_response()
        }
        Err(e) => crate::WebError::from(e).into_response(),
    }
}

/// The version of pages that depend only on the catalogs (fixed while the server runs).
const STATIC_VERSION: i64 = -1;

#[derive(Deserialize)]
struct SearchQuery {
    q: Option<String>,
    catalog: Option<String>,
}

/// A hit as the page shows it: the snippet cut in three around the match.
struct HitRow {
    catalog: String,
    local_id: String,
    label: String,
    before: String,
    matched: String,
    after: String,
}

#[derive(Template)]
#[template(path = "search.html")]
struct SearchPage {
    lang: Lang,
    path: String,
    q: String,
    catalog: String,
    catalogs: Vec<CatalogSummary>,
    hits: Vec<HitRow>,
    searched: bool,
}

async fn search(
    State(s): State<AppState>,
    PageLang(lang): PageLang,
    OriginalUri(uri): OriginalUri,
    Query(query): Query<SearchQuery>,
) -> Response {
    let q = query.q.unwrap_or_default();
    let catalog = query.catalog.filter(|c| s.set.catalog(c).is_some()).unwrap_or_default();
    let hits = if q.trim().is_empty() {
        Vec::new()
    } else {
        s.index
            .search(&q, (!catalog.is_empty()).then_some(catalog.as_str()), 100)
            .into_iter()
            .map(|h| {
                let chars: Vec<char> = h.snippet.chars().collect();
                let (a, b) = (h.match_start.min(chars.len()), h.match_end.min(chars.len()));
                HitRow {
                    catalog: s.set.catalog_of(h.node).id.as_str().to_owned(),
                    local_id: s.set.requirement(h.node).id.as_str().to_owned(),
                    label: s.set.requirement(h.node).label.clone(),
                    before: chars[..a].iter().collect(),
                    matched: chars[a..b].iter().collect(),
                    after: chars[b..].iter().collect(),
                }
            })
            .collect()
    };
    render(&SearchPage {
        lang,
        path: uri.to_string(),
        searched: !q.trim().is_empty(),
        q,
        catalog,
        catalogs: view::catalog_summaries(&s.set),
        hits,
    })
}

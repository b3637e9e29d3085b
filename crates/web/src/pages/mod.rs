//! Server-rendered pages. Every page is an askama template (HTML auto-escaped) extending
//! `base.html`; the language comes from the `lang` cookie.

pub(crate) mod account;
pub(crate) mod admin;
pub(crate) mod answers;
pub(crate) mod assessments;
pub(crate) mod auth;
pub(crate) mod guidelines;
mod import;
mod orgs;

use axum::Router;
use axum::extract::Query;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use serde::Deserialize;

use crate::i18n::PageLang;
use crate::{AppState, Lang};

const CSS: &str = include_str!("../../static/app.css");
const ICON: &str = include_str!("../../static/icon.svg");
const CHECKLIST_JS: &str = include_str!("../../static/checklist.js");

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(|| async { Redirect::to("/assessments") }))
        .route("/healthz", get(|| async { "ok" }))
        .route("/static/app.css", get(css))
        .route("/static/icon.svg", get(icon))
        .route("/static/checklist.js", get(checklist_js))
        .route("/favicon.ico", get(icon))
        .route("/lang/{code}", get(set_lang))
        .merge(guidelines::routes())
        .merge(assessments::routes())
        .merge(auth::routes())
        .merge(answers::routes())
        .merge(import::routes())
        .merge(admin::routes())
        .merge(orgs::routes())
        .merge(account::routes())
        .fallback(not_found)
}

async fn css() -> Response {
    let mut r = CSS.into_response();
    r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/css; charset=utf-8"));
    r.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=3600"));
    r
}

/// The checklist's warning about unsaved edits (an external file: the CSP allows no inline script).
async fn checklist_js() -> Response {
    let mut r = CHECKLIST_JS.into_response();
    r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/javascript; charset=utf-8"));
    r.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=3600"));
    r
}

async fn icon() -> Response {
    let mut r = ICON.into_response();
    r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("image/svg+xml"));
    r.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=86400"));
    r
}

#[derive(Deserialize)]
struct Next {
    next: Option<String>,
}

/// A local path to return to: only `/…` paths of this site, so the switch cannot be used as an
/// open redirect (`security::local_path`).
pub fn local_path(next: Option<&str>) -> &str {
    crate::security::local_path(next)
}

async fn set_lang(axum::extract::Path(code): axum::extract::Path<String>, Query(q): Query<Next>) -> Response {
    let Some(lang) = Lang::parse(&code) else {
        return (StatusCode::NOT_FOUND, "unknown language").into_response();
    };
    let cookie = format!("lang={}; Path=/; Max-Age=31536000; SameSite=Lax", lang.code());
    let mut r = Redirect::to(local_path(q.next.as_deref())).into_response();
    r.headers_mut().insert(header::SET_COOKIE, HeaderValue::from_str(&cookie).expect("ASCII"));
    r
}

async fn not_found(PageLang(lang): PageLang, uri: axum::http::Uri) -> Response {
    let page = guidelines::ErrorPage {
        lang,
        path: uri.path().to_owned(),
        status: 404,
        message: lang.t("ページが見つかりません。", "Page not found.").to_owned(),
    };
    guidelines::render_status(StatusCode::NOT_FOUND, &page)
}

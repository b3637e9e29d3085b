//! sansho's web application: server-rendered pages (Japanese first, English on request) and the
//! JSON API under `/api`, described by an OpenAPI document generated from the code.
//!
//! The router is built from an [`AppState`] (the loaded catalogs, their search index and the
//! store); [`serve`] binds it. Handlers do no blocking work outside the store's async calls.

mod admin_ops;
mod api;
mod charts;
mod chrome;
mod error;
mod i18n;
mod ops;
mod pages;
mod security;
pub mod session;
mod time;
mod view;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use sansho_core::CatalogSet;
use sansho_core::search::SearchIndex;
use sansho_store::Store;

pub use error::WebError;
pub use i18n::Lang;

/// Everything a request handler needs, cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub set: Arc<CatalogSet>,
    pub index: Arc<SearchIndex>,
    pub store: Store,
    pub auth: Arc<session::AuthConfig>,
    /// Rendered dashboards, by assessment and language, with the store's version they show.
    pub pages: Arc<PageCache>,
}

/// Pages that are expensive to compute (the dashboard derives every catalog) and the same for
/// everyone allowed to see them, kept with the audit sequence number they were made at: any
/// write anywhere raises it, so a stale page is never served. Bounded; cleared when full.
#[derive(Default)]
pub struct PageCache {
    entries: std::sync::Mutex<std::collections::HashMap<PageKey, (i64, Arc<str>)>>,
}

/// A cached page: the id it shows and the language.
pub type PageKey = (String, Lang);

impl PageCache {
    const MAX: usize = 512;

    pub fn get(&self, key: &PageKey, version: i64) -> Option<Arc<str>> {
        let entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        entries.get(key).filter(|(v, _)| *v == version).map(|(_, page)| page.clone())
    }

    pub fn put(&self, key: PageKey, version: i64, page: Arc<str>) {
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        if entries.len() >= Self::MAX {
            entries.clear();
        }
        entries.insert(key, (version, page));
    }
}

impl AppState {
    pub fn new(set: CatalogSet, store: Store, auth: session::AuthConfig) -> Self {
        let index = SearchIndex::build(&set);
        AppState { set: Arc::new(set), index: Arc::new(index), store, auth: Arc::new(auth), pages: Arc::default() }
    }
}

/// The whole application: pages, static files, the API and its OpenAPI document, behind the
/// security headers.
pub fn router(state: AppState) -> Router {
    let header = axum::middleware::from_fn_with_state(state.clone(), chrome::layer);
    Router::new()
        .merge(pages::routes().layer(header))
        .nest("/api", api::routes())
        .layer(axum::middleware::from_fn(security::headers))
        .with_state(state)
}

/// Serves the application on `addr` until the process ends.
pub async fn serve(state: AppState, addr: SocketAddr) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    serve_on(listener, state, std::future::pending()).await
}

/// Serves the application on a bound listener until `shutdown` completes (requests in flight
/// finish first). Handlers see the client's address (audit trail, rate limits).
pub async fn serve_on(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router(state).into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(shutdown)
        .await
}

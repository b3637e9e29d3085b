//! sansho's web application: server-rendered pages (Japanese first, English on request) and the
//! JSON API under `/api`, described by an OpenAPI document generated from the code.
//!
//! The router is built from an [`AppState`] (the loaded catalogs, their search index and the
//! store); [`serve`] binds it. Handlers do no blocking work outside the store's async calls.

mod api;
mod charts;
mod error;
mod i18n;
mod pages;
mod security;
pub mod session;
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
}

impl AppState {
    pub fn new(set: CatalogSet, store: Store, auth: session::AuthConfig) -> Self {
        let index = SearchIndex::build(&set);
        AppState { set: Arc::new(set), index: Arc::new(index), store, auth: Arc::new(auth) }
    }
}

/// The whole application: pages, static files, the API and its OpenAPI document, behind the
/// security headers.
pub fn router(state: AppState) -> Router {
    Router::new()
        .merge(pages::routes())
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

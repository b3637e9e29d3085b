//! Admin pages: users, memberships, the emergency account and the audit log.

use axum::Router;

use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
}

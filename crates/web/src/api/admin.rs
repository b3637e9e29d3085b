//! The admin API under `/api/admin`: users, memberships, the emergency account and the audit log.

use axum::Router;
use utoipa::OpenApi;

use crate::AppState;

#[derive(OpenApi)]
#[openapi()]
pub struct AdminApi;

pub fn routes() -> Router<AppState> {
    Router::new()
}

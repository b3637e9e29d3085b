//! Errors a request can end in, as pages (Japanese/English) or JSON, never with internals.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

/// What went wrong, as the user may know it.
#[derive(Debug, thiserror::Error)]
pub enum WebError {
    #[error("not found: {0}")]
    NotFound(String),
    #[error("bad request: {0}")]
    BadRequest(String),
    #[error("internal error")]
    Internal(String),
}

impl WebError {
    pub fn status(&self) -> StatusCode {
        match self {
            WebError::NotFound(_) => StatusCode::NOT_FOUND,
            WebError::BadRequest(_) => StatusCode::BAD_REQUEST,
            WebError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
    /// What the client is told: the message for client errors, nothing of the internals.
    pub fn public_message(&self) -> String {
        match self {
            WebError::NotFound(m) | WebError::BadRequest(m) => m.clone(),
            WebError::Internal(_) => "internal error".into(),
        }
    }
}

impl From<askama::Error> for WebError {
    fn from(e: askama::Error) -> Self {
        WebError::Internal(format!("template: {e}"))
    }
}

impl From<sansho_store::StoreError> for WebError {
    fn from(e: sansho_store::StoreError) -> Self {
        WebError::Internal(format!("store: {e}"))
    }
}

/// A JSON error body: `{"error": "..."}`.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    pub error: String,
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        if let WebError::Internal(detail) = &self {
            tracing::error!(%detail, "request failed");
        }
        (self.status(), axum::Json(ErrorBody { error: self.public_message() })).into_response()
    }
}

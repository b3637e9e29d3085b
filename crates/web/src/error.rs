//! Errors a request can end in, as pages (Japanese/English) or JSON, never with internals.

use axum::extract::rejection::{FormRejection, JsonRejection, PathRejection, QueryRejection};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

/// What went wrong, as the user may know it.
#[derive(Debug, thiserror::Error)]
pub enum WebError {
    /// No such thing (or not visible to this user); names what.
    #[error("not found: {0}")]
    NotFound(String),
    /// The request is malformed (path, query, body) or a parameter is out of range.
    #[error("bad request: {0}")]
    BadRequest(String),
    /// Well-formed but not acceptable (a field's value, a body's shape).
    #[error("invalid: {0}")]
    Invalid(String),
    /// No usable session.
    #[error("login required")]
    Unauthorized,
    /// Signed in, but the role or the CSRF token does not allow it.
    #[error("forbidden: {0}")]
    Forbidden(String),
    /// Signed in, but the password an admin chose must be changed first (403,
    /// `password_change_required`): only `PUT /api/account/password` and the session answer.
    #[error("password change required")]
    PasswordChangeRequired,
    /// The request's CSRF token or its origin is not this site's (403); recorded in the audit log.
    #[error("forbidden: {0}")]
    Csrf(String),
    /// The request conflicts with the current state (e.g. accepting over an answer).
    #[error("conflict: {0}")]
    Conflict(String),
    /// The body or upload is over the limit.
    #[error("too large: {0}")]
    TooLarge(String),
    /// Throttled: too many attempts in a short time (logins, codes).
    #[error("too many requests")]
    TooManyRequests,
    /// A failure of the server; the detail is logged, never shown.
    #[error("internal error")]
    Internal(String),
}

impl WebError {
    /// The HTTP status the error is answered with.
    pub fn status(&self) -> StatusCode {
        match self {
            WebError::NotFound(_) => StatusCode::NOT_FOUND,
            WebError::BadRequest(_) => StatusCode::BAD_REQUEST,
            WebError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            WebError::Unauthorized => StatusCode::UNAUTHORIZED,
            WebError::Forbidden(_) | WebError::Csrf(_) | WebError::PasswordChangeRequired => StatusCode::FORBIDDEN,
            WebError::Conflict(_) => StatusCode::CONFLICT,
            WebError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            WebError::TooManyRequests => StatusCode::TOO_MANY_REQUESTS,
            WebError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
    /// A stable machine-readable code for API clients.
    pub fn code(&self) -> &'static str {
        match self {
            WebError::NotFound(_) => "not_found",
            WebError::BadRequest(_) => "bad_request",
            WebError::Invalid(_) => "invalid",
            WebError::Unauthorized => "unauthorized",
            WebError::Forbidden(_) | WebError::Csrf(_) => "forbidden",
            WebError::PasswordChangeRequired => "password_change_required",
            WebError::Conflict(_) => "conflict",
            WebError::TooLarge(_) => "too_large",
            WebError::TooManyRequests => "too_many_requests",
            WebError::Internal(_) => "internal",
        }
    }
    /// What the client is told: the message for client errors, nothing of the internals.
    pub fn public_message(&self) -> String {
        match self {
            WebError::NotFound(m)
            | WebError::Csrf(m)
            | WebError::BadRequest(m)
            | WebError::Invalid(m)
            | WebError::Forbidden(m)
            | WebError::Conflict(m)
            | WebError::TooLarge(m) => m.clone(),
            WebError::Unauthorized => "login required".into(),
            WebError::PasswordChangeRequired => {
                "the initial password must be changed first: PUT /api/account/password".into()
            }
            WebError::TooManyRequests => "too many requests; try again later".into(),
            WebError::Internal(_) => "internal error".into(),
        }
    }
}

impl From<askama::Error> for WebError {
    fn from(e: askama::Error) -> Self {
        WebError::Internal(format!("template: {e}"))
    }
}

/// The store refuses bad input itself (one place below the pages, the API and the command line):
/// such a refusal is the client's error (422) naming the field, in the page's language (English
/// for the API); anything else the store fails at is internal.
impl From<sansho_store::StoreError> for WebError {
    fn from(e: sansho_store::StoreError) -> Self {
        use sansho_store::StoreError as E;
        let lang = crate::i18n::current();
        match e {
            E::TooLong { field, max, len } => WebError::Invalid(match lang {
                crate::Lang::Ja => {
                    format!("{}は{max}文字以内で入力してください（{len}文字あります）。", field_ja(field))
                }
                crate::Lang::En => format!("{field}: at most {max} characters ({len} given)."),
            }),
            E::Empty { field } => {
                let max = sansho_store::limits::ALL.iter().find(|l| l.field == field).map(|l| l.max);
                WebError::Invalid(match (lang, max) {
                    (crate::Lang::Ja, Some(max)) => format!("{}は1〜{max}文字で入力してください。", field_ja(field)),
                    (crate::Lang::Ja, None) => format!("{}を入力してください。", field_ja(field)),
                    (crate::Lang::En, Some(max)) => format!("{field}: 1 to {max} characters."),
                    (crate::Lang::En, None) => format!("{field}: must not be empty."),
                })
            }
            e @ (E::JustificationRequired { .. }
            | E::ExpiryBeforeEffective { .. }
            | E::PositionWithoutVendor
            | E::InvalidDate(_)
            | E::UnknownWord { .. }) => WebError::Invalid(e.to_string()),
            // A write to a final (確定) assessment (`ops::refusal` says it in the page's language).
            E::AssessmentFinal(_) => WebError::Conflict(
                "確定済みの評価は変更できません。/ This assessment is final (確定) and read-only.".into(),
            ),
            E::UsernameTaken(name) => WebError::Conflict(match lang {
                crate::Lang::Ja => format!("ユーザー名 {name:?} はすでに使われています。"),
                crate::Lang::En => format!("username: {name:?} is taken"),
            }),
            e @ E::NotFinal(_) => WebError::Conflict(e.to_string()),
            e @ E::ReopenNotAllowed { .. } => WebError::Forbidden(e.to_string()),
            // An id that names nothing: 404, like a foreign one (never the id's internals).
            e if sansho_app::store_class(&e) == sansho_app::Class::NotFound => {
                WebError::NotFound(format!("no such {}", unknown_kind(&e)))
            }
            e => WebError::Internal(format!("store: {e}")),
        }
    }
}

/// A use case's refusal, in the page's language (English for the API): its class decides the
/// status, and a refusal about one form field names the field first (`catalog_id: …`). This is
/// the one place an application error becomes a response.
impl From<sansho_app::AppError> for WebError {
    fn from(e: sansho_app::AppError) -> Self {
        from_app(crate::i18n::current(), e)
    }
}

/// A use case's refusal in `lang` (see `From<AppError>`).
pub fn from_app(lang: crate::Lang, e: sansho_app::AppError) -> WebError {
    use sansho_app::{AppError as E, Class};
    {
        match e {
            E::Store(s) => crate::ops::refusal(lang, s),
            E::Internal(detail) => WebError::Internal(detail),
            e => {
                let message = match e.field() {
                    Some(field) => format!("{field}: {}", e.message(lang)),
                    None => e.message(lang),
                };
                match e.class() {
                    Class::NotFound => WebError::NotFound(message),
                    Class::Invalid => WebError::Invalid(message),
                    Class::Conflict => WebError::Conflict(message),
                    Class::Forbidden => WebError::Forbidden(message),
                    Class::TooLarge => WebError::TooLarge(message),
                    Class::Internal => WebError::Internal(e.to_string()),
                }
            }
        }
    }
}

/// What kind of thing an unknown id was meant to name.
fn unknown_kind(e: &sansho_store::StoreError) -> &'static str {
    use sansho_store::StoreError as E;
    match e {
        E::UnknownOrganization(_) => "organization",
        E::UnknownSystem(_) => "system",
        E::UnknownAssessment(_) => "assessment",
        E::UnknownAnswer(_) => "answer",
        E::UnknownEvidence(_) => "evidence",
        E::UnknownUser(_) => "user",
        E::UnknownEmergencyUse(_) => "emergency use",
        E::UnknownSession(_) => "session",
        _ => "id",
    }
}

/// A store field's name as the Japanese pages call it.
fn field_ja(field: &str) -> &str {
    match field {
        "organization name" => "組織名",
        "system name" => "システム名",
        "system description" => "システムの説明",
        "assessment name" => "評価の名前",
        "reopen reason" => "再開の理由",
        "catalog id" => "ガイドラインの ID",
        "requirement id" => "要求事項の ID",
        "how (実施内容)" => "実施内容",
        "justification" => "該当なし理由・備考",
        "owner" => "担当者",
        "evidence title" => "エビデンスの題名",
        "evidence file name" => "ファイル名",
        "evidence url" => "URL",
        "username" => "ユーザー名",
        "display name" => "表示名",
        other => other,
    }
}

/// A body that is not JSON of the expected shape: 400 for unreadable JSON, 415 folded into 400
/// (wrong content type), 422 for JSON of the wrong shape, 413 when too large.
impl From<JsonRejection> for WebError {
    fn from(e: JsonRejection) -> Self {
        match e {
            JsonRejection::JsonDataError(e) => WebError::Invalid(e.body_text()),
            JsonRejection::BytesRejection(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                WebError::TooLarge(e.body_text())
            }
            e => WebError::BadRequest(e.body_text()),
        }
    }
}

impl From<PathRejection> for WebError {
    fn from(e: PathRejection) -> Self {
        // A path that does not parse names nothing that exists.
        WebError::NotFound(e.body_text())
    }
}

impl From<QueryRejection> for WebError {
    fn from(e: QueryRejection) -> Self {
        WebError::BadRequest(e.body_text())
    }
}

impl From<FormRejection> for WebError {
    fn from(e: FormRejection) -> Self {
        WebError::BadRequest(e.body_text())
    }
}

/// A JSON error body: `{"error": "...", "code": "not_found"}`.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// What went wrong, for a person.
    pub error: String,
    /// A stable code for programs: not_found, bad_request, invalid, unauthorized, forbidden,
    /// conflict, too_large, too_many_requests, internal.
    pub code: String,
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        if let WebError::Internal(detail) = &self {
            tracing::error!(%detail, "request failed");
        }
        let refusal = matches!(self, WebError::Csrf(_)).then_some(crate::events::Refusal::Csrf);
        let body = ErrorBody { error: self.public_message(), code: self.code().to_owned() };
        // Pages show the error as a page in their language (`chrome::layer`).
        let shown = crate::chrome::Shown { status: self.status(), message: body.error.clone() };
        let mut r = (self.status(), axum::Json(body)).into_response();
        r.extensions_mut().insert(shown);
        if let Some(refusal) = refusal {
            r.extensions_mut().insert(refusal);
        }
        r
    }
}

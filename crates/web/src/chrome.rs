//! The per-viewer parts of every page's header: who is signed in (a link to the account page),
//! the administration link for admins, and — for admins — the warning while an emergency account
//! (非常時用アカウント) use is unacknowledged.
//!
//! Pages are rendered with two markers (`<!--sansho:user-->`, `<!--sansho:alert-->`) in
//! `base.html` and this layer fills them for the request's viewer after the handler ran. So a
//! page cached for everyone (the dashboard, a requirement page) never carries one viewer's name,
//! admin link or warning to another. The layer reads the session once and hands it to the
//! handler's extractors (`session::Resolved`).

use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sansho_store::Role;

use crate::session::{Resolved, pending};
use crate::{AppState, Lang};

pub const USER_MARK: &str = "<!--sansho:user-->";
pub const ALERT_MARK: &str = "<!--sansho:alert-->";

/// An error a handler ended in ([`crate::WebError`]), carried on its (JSON) response: a page
/// request gets it as a page in its language instead.
#[derive(Clone, Debug)]
pub struct Shown {
    pub status: axum::http::StatusCode,
    pub message: String,
}

/// The largest page body the layer rewrites (pages are far smaller; anything else passes as is).
const MAX_PAGE: usize = 8 << 20;

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// What the header shows this viewer.
#[derive(Default)]
struct Viewer {
    /// The display name of a signed-in user (second factor passed).
    name: Option<String>,
    admin: bool,
    /// Unacknowledged emergency uses (admins only).
    unacknowledged: i64,
}

impl Viewer {
    fn user_html(&self, lang: Lang) -> String {
        let mut out = String::new();
        if self.admin {
            out.push_str(&format!(r#"<a href="/admin">{}</a>"#, lang.t("管理", "Admin")));
        }
        match &self.name {
            Some(name) => out.push_str(&format!(
                r#"<a href="/account" class="who" title="{}">{}</a>"#,
                lang.t("アカウント", "Account"),
                escape(name)
            )),
            None => out.push_str(&format!(r#"<a href="/login">{}</a>"#, lang.t("ログイン", "Log in"))),
        }
        out
    }

    fn alert_html(&self, lang: Lang) -> String {
        if self.unacknowledged <= 0 {
            return String::new();
        }
        format!(
            r#"<p class="alert-bar" role="alert"><a href="/admin">{}{}{}</a></p>"#,
            lang.t(
                "⚠ 非常時用アカウントが使用されました（未確認",
                "⚠ The emergency account was used (unacknowledged: "
            ),
            self.unacknowledged,
            lang.t("件）。確認してください。", "). Please review.")
        )
    }
}

/// The page with its two markers filled, in one pass (each marker once, the user's first), as
/// pieces: slices of the page itself (reference-counted, not copied) around the viewer's parts.
/// The markers are ASCII, so cutting the bytes at them keeps UTF-8 whole; the page is not
/// searched as text (checking a 16 KiB Japanese page's UTF-8 on every request cost more than
/// all the rest of this layer).
fn fill(page: Bytes, user: Bytes, alert: Bytes) -> Pieces {
    let mut pieces = Pieces::default();
    let mut from = 0;
    for (mark, with) in [(USER_MARK, user), (ALERT_MARK, alert)] {
        if let Some(at) = memchr::memmem::find(&page[from..], mark.as_bytes()) {
            pieces.push(page.slice(from..from + at));
            pieces.push(with);
            from += at + mark.len();
        }
    }
    pieces.push(page.slice(from..));
    pieces
}

/// A response body sent as a few pieces, with its exact length (so it goes out with a
/// `Content-Length`, in one vectored write).
#[derive(Default)]
struct Pieces {
    parts: std::collections::VecDeque<Bytes>,
    left: u64,
}

impl Pieces {
    fn push(&mut self, b: Bytes) {
        if !b.is_empty() {
            self.left += b.len() as u64;
            self.parts.push_back(b);
        }
    }
}

impl http_body::Body for Pieces {
    type Data = Bytes;
    type Error = std::convert::Infallible;

    fn poll_frame(
        mut self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<http_body::Frame<Bytes>, Self::Error>>> {
        let next = self.parts.pop_front().map(|b| {
            self.left -= b.len() as u64;
            Ok(http_body::Frame::data(b))
        });
        std::task::Poll::Ready(next)
    }

    fn is_end_stream(&self) -> bool {
        self.parts.is_empty()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        http_body::SizeHint::with_exact(self.left)
    }
}

fn is_page(path: &str) -> bool {
    !(path.starts_with("/static/") || path.starts_with("/api/") || path == "/healthz" || path == "/favicon.ico")
}

/// Reads the session once for a page request, runs the handler with it, and fills the header's
/// markers of an HTML answer for this viewer.
pub async fn layer(State(s): State<AppState>, req: Request, next: Next) -> Response {
    if !is_page(req.uri().path()) {
        return next.run(req).await;
    }
    let (mut parts, body) = req.into_parts();
    let lang = crate::i18n::from_cookie(&parts);
    let mut viewer = Viewer::default();
    if let Ok(p) = pending(&parts, &s).await {
        if let Some(p) = p.as_ref().filter(|p| p.complete()) {
            viewer.name = Some(p.user.display_name.clone());
            if p.user.role == Role::Admin {
                viewer.admin = true;
                viewer.unacknowledged = match s.alerts.get(p.version) {
                    Some(n) => n,
                    None => {
                        let n = s.store.unacknowledged_emergency_uses().await.unwrap_or(0);
                        s.alerts.put(p.version, n);
                        n
                    }
                };
            }
        }
        // The handler's extractors use this reading of the session instead of making another.
        parts.extensions.insert(Resolved(p));
    }
    let path = parts.uri.path().to_owned();
    let mut response = crate::i18n::scope(lang, next.run(Request::from_parts(parts, body))).await;
    if let Some(shown) = response.extensions_mut().remove::<Shown>() {
        // An error of a page request: a page in the viewer's language, not the API's JSON (its
        // markers are filled below); the response's other marks (a refusal to record) are kept.
        let page =
            crate::pages::guidelines::ErrorPage { lang, path, status: shown.status.as_u16(), message: shown.message };
        let marks = std::mem::take(response.extensions_mut());
        let headers = std::mem::take(response.headers_mut());
        response = crate::pages::guidelines::render_status(shown.status, &page);
        response.extensions_mut().extend(marks);
        for (name, value) in &headers {
            if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
                response.headers_mut().append(name.clone(), value.clone());
            }
        }
    }
    let html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if !html {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_PAGE).await else {
        return (axum::http::StatusCode::INTERNAL_SERVER_ERROR, "page too large").into_response();
    };
    let filled = fill(bytes, viewer.user_html(lang).into(), viewer.alert_html(lang).into());
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Response::from_parts(parts, axum::body::Body::new(filled))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_display_name_is_escaped_in_the_header() {
        let v = Viewer { name: Some("<script>x</script> & 田中".into()), admin: false, unacknowledged: 0 };
        let html = v.user_html(Lang::Ja);
        assert!(html.contains("&lt;script&gt;x&lt;/script&gt; &amp; 田中"), "{html}");
        assert!(!html.contains("<script>"));
        assert_eq!(v.alert_html(Lang::Ja), "");
    }

    /// The pieces joined, as a client receives them.
    fn joined(p: Pieces) -> String {
        assert_eq!(p.left, p.parts.iter().map(|b| b.len() as u64).sum::<u64>(), "the length sent");
        String::from_utf8(p.parts.iter().flat_map(|b| b.iter().copied()).collect()).unwrap()
    }

    #[test]
    fn the_markers_are_filled_once_each_in_order() {
        let fill = |page: String, u: &'static str, a: &'static str| joined(fill(page.into(), u.into(), a.into()));
        let page = format!("<nav>{USER_MARK}</nav>{ALERT_MARK}<main>{USER_MARK}</main>");
        assert_eq!(fill(page, "U", "A"), format!("<nav>U</nav>A<main>{USER_MARK}</main>"));
        assert_eq!(fill("<p>no markers</p>".into(), "U", "A"), "<p>no markers</p>");
        // Multi-byte text on either side of a marker is kept whole; an empty part is no piece.
        let page = format!("<b>管理者</b>{USER_MARK}<i>非常時</i>{ALERT_MARK}");
        assert_eq!(fill(page.clone(), "田中", ""), "<b>管理者</b>田中<i>非常時</i>");
        assert_eq!(
            fill(page.clone(), "田中", "").len(),
            page.len() - USER_MARK.len() - ALERT_MARK.len() + "田中".len()
        );
        // The alert marker before the user's is not filled (the user's comes first in base.html).
        assert_eq!(fill(format!("{ALERT_MARK}{USER_MARK}"), "U", "A"), format!("{ALERT_MARK}U"));
    }

    #[test]
    fn admins_get_the_link_and_the_warning() {
        let v = Viewer { name: Some("管理者".into()), admin: true, unacknowledged: 2 };
        assert!(v.user_html(Lang::Ja).starts_with(r#"<a href="/admin">管理</a>"#));
        assert!(v.alert_html(Lang::Ja).contains("未確認2件"));
        assert!(v.alert_html(Lang::En).contains("unacknowledged: 2"));
        assert!(Viewer::default().user_html(Lang::En).contains(r#"href="/login""#));
    }
}

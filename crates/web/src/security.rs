//! Headers every response carries (`sansho_auth::security_headers`): a strict
//! Content-Security-Policy (no inline script or style, no framing), no MIME sniffing, no
//! referrer; and `Cache-Control: no-store` on everything but static files.

use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;

pub async fn headers(State(s): State<crate::AppState>, request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let h = response.headers_mut();
    // HSTS when the server is reached over https (`--public-url https://…`: it, or the reverse
    // proxy in front of it, serves TLS); never on plain HTTP.
    for (name, value) in sansho_auth::security_headers(s.https()) {
        h.insert(HeaderName::from_static(name), HeaderValue::from_static(value));
    }
    if !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}

/// A path on this site to send the browser back to (`/lang/en?next=…`, `/login?next=…`), or `/`
/// when `next` could lead anywhere else. Accepted: a path that begins with one `/` and holds no
/// backslash, no white space, no control or invisible formatting character — in the text as
/// given *and* after each round of percent-decoding (a browser strips tab and newline from a
/// `Location`, so `/\t/host` would become `//host`; `%2F`, `%5C`, `%09` must not smuggle the same
/// in). So no scheme (`https:`, `javascript:`), no network path (`//host`, `/\host`).
pub fn local_path(next: Option<&str>) -> &str {
    match next {
        Some(p) if is_local_path(p) => p,
        _ => "/",
    }
}

fn is_local_path(p: &str) -> bool {
    let mut text = std::borrow::Cow::Borrowed(p);
    // Each round decodes one level of percent-encoding; four are more than anything legitimate.
    for _ in 0..4 {
        if !plain_local(&text) {
            return false;
        }
        let decoded = percent_encoding::percent_decode_str(&text).decode_utf8_lossy().into_owned();
        if decoded == *text {
            return true;
        }
        text = std::borrow::Cow::Owned(decoded);
    }
    false
}

/// Begins with exactly one `/`, and nothing a browser strips or reads as a separator (a space
/// inside a path is harmless: it is encoded, not stripped).
fn plain_local(p: &str) -> bool {
    let mut chars = p.chars();
    chars.next() == Some('/')
        && !matches!(chars.next(), Some('/' | '\\'))
        && !p.chars().any(|c| {
            c == '\\'
                || (c.is_whitespace() && c != ' ')
                || c.is_control()
                || matches!(c, '\u{200b}'..='\u{200f}' | '\u{2028}'..='\u{202e}' | '\u{2060}'..='\u{2064}' | '\u{feff}' | '\u{fffd}')
        })
}

#[cfg(test)]
mod tests {
    use super::local_path;

    #[test]
    fn only_paths_of_this_site_are_kept() {
        for ok in ["/", "/guidelines/mhlw-5", "/assessments/1/answers?gaps=1", "/search?q=バックアップ", "/a%20b"]
        {
            assert_eq!(local_path(Some(ok)), ok);
        }
        for bad in [
            "//evil.example",
            "/\\evil.example",
            "/\t/evil.example",
            "/%09/evil.example",
            "/%2F/evil.example",
            "/%252F/evil.example",
            "/%5Cevil.example",
            "https://evil.example",
            "javascript:alert(1)",
            "evil.example",
            " /x",
            "/x\r\nSet-Cookie: a=b",
            "/\u{2028}/evil",
            "/%E2%80%A8/evil",
            "/%C0%AF/evil",
            "/%25%32%46/evil",
        ] {
            assert_eq!(local_path(Some(bad)), "/", "{bad:?}");
        }
        assert_eq!(local_path(None), "/");
    }
}

//! CSRF protection: a synchronizer token bound to the session.
//!
//! `csrf_token(key, session_token_hash)` is HMAC-SHA-256 under a server key of the session's
//! [`token_hash`](crate::token_hash), base64url: stateless (nothing more to store), valid exactly
//! as long as the session, and different for every session — a new session at login gives a new
//! token, so a token seen before login is worthless after it.
//!
//! How the web layer uses it:
//!
//! 1. Every HTML form that changes state carries the token in a hidden field named
//!    [`CSRF_FORM_FIELD`]; JavaScript `fetch` calls send it in the [`CSRF_HEADER`] header (the page
//!    exposes it in a `<meta name="csrf-token">` element).
//! 2. Every request with an unsafe method (POST, PUT, PATCH, DELETE) is refused with 403 unless
//!    [`verify_csrf`] accepts the field or header for the request's session. Forms used before
//!    login (login, setup, second factor) are bound to a short-lived pre-login session so they are
//!    protected too (against login CSRF).
//! 3. Second layer: the session cookie is `SameSite=Strict` (see [`session_cookie`](crate::session_cookie)),
//!    so browsers do not send it on cross-site requests at all, and [`is_cross_site_request`]
//!    refuses unsafe requests whose `Sec-Fetch-Site` or `Origin` header names another site.
//!
//! The key is a server secret, e.g. `derive_key(master, "csrf")`.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

/// The hidden form field that carries the token.
pub const CSRF_FORM_FIELD: &str = "csrf_token";
/// The request header that carries the token for `fetch` calls.
pub const CSRF_HEADER: &str = "x-csrf-token";

const DOMAIN: &[u8] = b"sansho-csrf-v1\0";

fn mac(key: &[u8], session_token_hash: &str) -> Hmac<Sha256> {
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(key).expect("HMAC accepts keys of any length");
    mac.update(DOMAIN);
    mac.update(session_token_hash.as_bytes());
    mac
}

/// The CSRF token of the session whose token hash is `session_token_hash`: 43 base64url
/// characters.
pub fn csrf_token(key: &[u8], session_token_hash: &str) -> String {
    URL_SAFE_NO_PAD.encode(mac(key, session_token_hash).finalize().into_bytes())
}

/// Whether `presented` is the CSRF token of this session, compared in constant time. False for
/// another session's token, another key's, or anything that is not a token.
pub fn verify_csrf(key: &[u8], session_token_hash: &str, presented: &str) -> bool {
    let Ok(tag) = URL_SAFE_NO_PAD.decode(presented.trim()) else { return false };
    mac(key, session_token_hash).verify_slice(&tag).is_ok()
}

/// Whether the browser says an unsafe request comes from another site: `Sec-Fetch-Site` is
/// `cross-site` or `same-site` (a sibling subdomain is not us), or, when that header is absent,
/// `Origin` is present and is not `own_origin` (e.g. `https://sansho.example.jp`, or
/// `http://127.0.0.1:8080` in development; `null` counts as foreign). Requests with neither header
/// (old browsers, scripts) are not judged here: the CSRF token still applies to them.
pub fn is_cross_site_request(sec_fetch_site: Option<&str>, origin: Option<&str>, own_origin: &str) -> bool {
    if let Some(site) = sec_fetch_site {
        return !matches!(site.trim().to_ascii_lowercase().as_str(), "same-origin" | "none");
    }
    match origin {
        Some(origin) => !origin.trim().trim_end_matches('/').eq_ignore_ascii_case(own_origin.trim_end_matches('/')),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::token::token_hash;

    const KEY: &[u8] = b"csrf key for the tests, 32 bytes";

    #[test]
    fn token_verifies_for_its_own_session_only() {
        let session = token_hash("session-a");
        let token = csrf_token(KEY, &session);
        assert_eq!(token.len(), 43);
        assert_eq!(token, csrf_token(KEY, &session), "deterministic for a session");
        assert!(verify_csrf(KEY, &session, &token));
        assert!(verify_csrf(KEY, &session, &format!(" {token}\n")));
        // Another session's token, or this session under another key: refused.
        let other = token_hash("session-b");
        assert!(!verify_csrf(KEY, &other, &token));
        assert!(!verify_csrf(KEY, &session, &csrf_token(KEY, &other)));
        assert!(!verify_csrf(b"another key", &session, &token));
    }

    #[test]
    fn damaged_or_missing_tokens_are_refused() {
        let session = token_hash("session-a");
        let token = csrf_token(KEY, &session);
        assert!(!verify_csrf(KEY, &session, ""));
        assert!(!verify_csrf(KEY, &session, &token[..42]));
        assert!(!verify_csrf(KEY, &session, &format!("{token}A")));
        let mut flipped = token.into_bytes();
        flipped[0] = if flipped[0] == b'A' { b'B' } else { b'A' };
        assert!(!verify_csrf(KEY, &session, &String::from_utf8(flipped).unwrap()));
        assert!(!verify_csrf(KEY, &session, "not base64 ☃"));
    }

    #[test]
    fn cross_site_requests_are_recognised() {
        let own = "https://sansho.example.jp";
        assert!(!is_cross_site_request(Some("same-origin"), Some(own), own));
        assert!(!is_cross_site_request(Some("none"), None, own));
        assert!(is_cross_site_request(Some("cross-site"), Some("https://evil.example"), own));
        assert!(is_cross_site_request(Some("same-site"), Some("https://other.example.jp"), own));
        // Without Sec-Fetch-Site, Origin decides.
        assert!(!is_cross_site_request(None, Some("https://sansho.example.jp"), own));
        assert!(!is_cross_site_request(None, Some("HTTPS://SANSHO.EXAMPLE.JP"), own));
        assert!(is_cross_site_request(None, Some("https://evil.example"), own));
        assert!(is_cross_site_request(None, Some("null"), own));
        assert!(is_cross_site_request(None, Some("http://sansho.example.jp"), own));
        // Neither header: left to the token.
        assert!(!is_cross_site_request(None, None, own));
    }
}

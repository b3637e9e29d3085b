//! Response headers every page and API response carries, and the session cookie.

use std::net::IpAddr;

/// The Content-Security-Policy: everything from our own origin only, no inline script or style
/// (so templates use external files and no `style=` attributes), images also as `data:` URIs, no
/// plugins, no `<base>`, forms post only to us, and no framing by anyone (clickjacking).
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
     img-src 'self' data:; font-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; \
     form-action 'self'; object-src 'none'";

/// The headers to set on every response, as (lower-case name, value) pairs ready for
/// `HeaderName::from_static` / `HeaderValue::from_static`:
///
/// - `content-security-policy`: [`CONTENT_SECURITY_POLICY`];
/// - `x-content-type-options: nosniff` — a response is only ever what its Content-Type says;
/// - `x-frame-options: DENY` — framing refused for browsers older than `frame-ancestors`;
/// - `referrer-policy: no-referrer` — URLs (which carry ids) never leak to other sites;
/// - `permissions-policy` — camera, microphone, geolocation, payment and USB off;
/// - `cross-origin-opener-policy: same-origin` and `cross-origin-resource-policy: same-origin` —
///   no window handle shared with, and no resource loaded by, another origin;
/// - `strict-transport-security: max-age=31536000` when `https` (the server, or the reverse proxy
///   in front of it, serves TLS); never on plain HTTP, where browsers ignore it anyway.
///
/// Not included because it depends on the response: `cache-control: no-store` belongs on every
/// authenticated page and download (and on the TOTP enrolment page, whose QR code holds the
/// secret); static assets set their own caching.
pub fn security_headers(https: bool) -> Vec<(&'static str, &'static str)> {
    let mut headers = vec![
        ("content-security-policy", CONTENT_SECURITY_POLICY),
        ("x-content-type-options", "nosniff"),
        ("x-frame-options", "DENY"),
        ("referrer-policy", "no-referrer"),
        ("permissions-policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=()"),
        ("cross-origin-opener-policy", "same-origin"),
        ("cross-origin-resource-policy", "same-origin"),
    ];
    if https {
        headers.push(("strict-transport-security", "max-age=31536000"));
    }
    headers
}

/// The session cookie's name when it is `Secure`. The `__Host-` prefix makes browsers accept it
/// only with `Secure`, `Path=/` and no `Domain`, so no sibling subdomain or plain-HTTP page can set
/// or overwrite it.
pub const SESSION_COOKIE: &str = "__Host-sansho_session";
/// The session cookie's name on plain-HTTP loopback development, where `Secure` (and therefore the
/// `__Host-` prefix) is impossible.
pub const SESSION_COOKIE_INSECURE: &str = "sansho_session";

/// Whether cookies are `Secure`: always, unless the server listens on a loopback address without
/// TLS (`http://127.0.0.1:…`, development and single-user use on one machine). `https` is true
/// when the server terminates TLS itself *or* its configured public URL is `https://` (a reverse
/// proxy terminates TLS and forwards to loopback). A plain-HTTP listener on any other address
/// still gets `Secure` cookies, which browsers will not store — logging in over an unencrypted
/// network fails rather than exposing the session.
pub fn cookie_secure(listen: IpAddr, https: bool) -> bool {
    https || !listen.is_loopback()
}

/// The name of the session cookie for the given [`cookie_secure`] setting.
pub fn session_cookie_name(secure: bool) -> &'static str {
    if secure { SESSION_COOKIE } else { SESSION_COOKIE_INSECURE }
}

/// The `Set-Cookie` value that stores a session token for `max_age_secs` seconds:
/// `__Host-sansho_session=<token>; Max-Age=<n>; Path=/; HttpOnly; SameSite=Strict; Secure`
/// (`sansho_session` and no `Secure` when `secure` is false). HttpOnly keeps it from scripts;
/// SameSite=Strict keeps browsers from sending it with any request another site starts (the
/// cost: following a link into sansho from mail or chat opens the login page first).
///
/// `token` should be a session token ([`crate::new_session_token`]); characters outside base64url
/// are dropped, so no value can inject cookie attributes.
pub fn session_cookie(token: &str, max_age_secs: u64, secure: bool) -> String {
    let token: String = token.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_').collect();
    cookie(session_cookie_name(secure), &token, max_age_secs, secure)
}

/// The `Set-Cookie` value that deletes the session cookie (logout, revoked or expired session).
pub fn clear_session_cookie(secure: bool) -> String {
    cookie(session_cookie_name(secure), "", 0, secure)
}

fn cookie(name: &str, value: &str, max_age_secs: u64, secure: bool) -> String {
    let mut out = format!("{name}={value}; Max-Age={max_age_secs}; Path=/; HttpOnly; SameSite=Strict");
    if secure {
        out.push_str("; Secure");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_cover_the_issue() {
        let headers = security_headers(false);
        let get = |name: &str| headers.iter().find(|(n, _)| *n == name).map(|(_, v)| *v);
        let csp = get("content-security-policy").unwrap();
        for directive in [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data:",
            "frame-ancestors 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "object-src 'none'",
        ] {
            assert!(csp.split("; ").any(|d| d == directive), "{directive} in {csp}");
        }
        assert!(!csp.contains("unsafe"), "{csp}");
        assert_eq!(get("x-content-type-options"), Some("nosniff"));
        assert_eq!(get("referrer-policy"), Some("no-referrer"));
        assert_eq!(get("x-frame-options"), Some("DENY"));
        assert_eq!(get("cross-origin-opener-policy"), Some("same-origin"));
        assert!(get("permissions-policy").unwrap().contains("camera=()"));
        assert_eq!(get("strict-transport-security"), None);
        assert_eq!(
            security_headers(true).iter().find(|(n, _)| *n == "strict-transport-security"),
            Some(&("strict-transport-security", "max-age=31536000"))
        );
        // Valid as static header names and values: lower-case names, visible ASCII values.
        for (name, value) in security_headers(true) {
            assert!(name.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'), "{name}");
            assert!(value.bytes().all(|b| (0x20..0x7f).contains(&b)), "{value}");
        }
    }

    #[test]
    fn session_cookie_attributes() {
        let token = "abcDEF012-_abcDEF012-_abcDEF012-_abcDEF012";
        assert_eq!(
            session_cookie(token, 28_800, true),
            format!("__Host-sansho_session={token}; Max-Age=28800; Path=/; HttpOnly; SameSite=Strict; Secure")
        );
        assert_eq!(
            session_cookie(token, 28_800, false),
            format!("sansho_session={token}; Max-Age=28800; Path=/; HttpOnly; SameSite=Strict")
        );
        assert_eq!(
            clear_session_cookie(true),
            "__Host-sansho_session=; Max-Age=0; Path=/; HttpOnly; SameSite=Strict; Secure"
        );
        assert_eq!(
            session_cookie("a; Domain=evil.example", 1, true).split("; ").next(),
            Some("__Host-sansho_session=aDomainevilexample")
        );
    }

    #[test]
    fn cookies_are_secure_unless_plain_http_on_loopback() {
        let loopback: IpAddr = "127.0.0.1".parse().unwrap();
        let loopback6: IpAddr = "::1".parse().unwrap();
        let any: IpAddr = "0.0.0.0".parse().unwrap();
        let lan: IpAddr = "192.168.1.10".parse().unwrap();
        assert!(!cookie_secure(loopback, false));
        assert!(!cookie_secure(loopback6, false));
        assert!(cookie_secure(loopback, true));
        assert!(cookie_secure(any, false));
        assert!(cookie_secure(lan, false));
        assert_eq!(session_cookie_name(cookie_secure(loopback, false)), "sansho_session");
        assert_eq!(session_cookie_name(cookie_secure(lan, true)), "__Host-sansho_session");
    }
}

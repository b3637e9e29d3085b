//! Headers every response carries (`sansho_auth::security_headers`): a strict
//! Content-Security-Policy (no inline script or style, no framing), no MIME sniffing, no
//! referrer; and `Cache-Control: no-store` on everything but static files.

use axum::extract::Request;
use axum::http::{HeaderName, HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;

pub async fn headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let h = response.headers_mut();
    // HSTS is for a server that is reached over https; this one does not terminate TLS itself.
    for (name, value) in sansho_auth::security_headers(false) {
        h.insert(HeaderName::from_static(name), HeaderValue::from_static(value));
    }
    if !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}

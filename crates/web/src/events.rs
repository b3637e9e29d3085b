//! Security events the audit log records besides the store's own writes — exports, evidence
//! downloads, authorization refusals (403, and the 404 of an access check), CSRF refusals
//! (a wrong token, or an unsafe request from another site), attempts on a locked account and
//! rate-limit refusals — and the third CSRF layer: the `Sec-Fetch-Site` / `Origin` check of every
//! unsafe request, pages and API alike.
//!
//! Events are **rate-limited** per (who, address): at most [`PER_MINUTE`] records a minute; what
//! is suppressed beyond that is counted and recorded as one `security.suppressed` record when
//! the next minute's first event of that key is written. So an unauthenticated flood cannot
//! flood the log, and the log still says that something was left out and how much. What an
//! event records of untrusted input is cut by the store (`Store::record_event`).
//!
//! Handlers need not call this module: [`layer`] sees every response and records what its
//! status and marks say (403, 429, [`Refusal`] set by `WebError::Csrf` and the form-expired
//! page), and what the access check noted ([`note_denied`]) however the handler answered. The
//! login path calls [`locked_attempt`] once, where it refuses a locked account.

use std::collections::HashMap;
use std::sync::Mutex;

use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sansho_store::{Actor, AuditEvent, Timestamp};
use serde_json::json;

use crate::session::{now, pending};
use crate::{AppState, Lang, WebError};

/// Event records per (who, address) and minute; more are counted, not written.
pub const PER_MINUTE: u32 = 30;
const WINDOW_MS: i64 = 60_000;
/// Keys kept at most; beyond, the expired ones are dropped, and then everyone shares one key.
const MAX_KEYS: usize = 10_000;

/// What a response was refused for, marked on it so that [`layer`] records it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// A CSRF token was missing or wrong.
    Csrf,
}

tokio::task_local! {
    /// Set while a request is handled: an access check refused an id of it (`note_denied`).
    static DENIED: std::cell::Cell<bool>;
}

/// Notes that an access check of the request being handled refused an id (another
/// organization's; answered exactly as an unknown one): [`layer`] records it, however the
/// handler answered (a 404 page, a JSON error).
pub fn note_denied() {
    let _ = DENIED.try_with(|d| d.set(true));
}

/// The rate limit of the events: one window per (who, address).
#[derive(Default)]
pub struct EventLog {
    windows: Mutex<HashMap<(String, String), Window>>,
}

#[derive(Clone, Copy)]
struct Window {
    start: i64,
    written: u32,
    suppressed: u64,
}

/// What [`EventLog::admit`] decided.
#[derive(Debug, PartialEq, Eq)]
enum Admit {
    /// Write the event; first record that this many were suppressed in the previous window.
    Write { suppressed_before: u64 },
    /// Count it, write nothing.
    Suppress,
}

impl EventLog {
    fn admit(&self, who: &str, source: &str, now: i64) -> Admit {
        let mut windows = self.windows.lock().unwrap_or_else(|p| p.into_inner());
        let mut key = (who.to_owned(), source.to_owned());
        if windows.len() >= MAX_KEYS && !windows.contains_key(&key) {
            windows.retain(|_, w| now - w.start < WINDOW_MS);
            if windows.len() >= MAX_KEYS {
                key = ("*".into(), "*".into());
            }
        }
        let w = windows.entry(key).or_insert(Window { start: now, written: 0, suppressed: 0 });
        if now - w.start >= WINDOW_MS {
            let suppressed_before = w.suppressed;
            *w = Window { start: now, written: 1, suppressed: 0 };
            return Admit::Write { suppressed_before };
        }
        if w.written < PER_MINUTE {
            w.written += 1;
            Admit::Write { suppressed_before: 0 }
        } else {
            w.suppressed += 1;
            Admit::Suppress
        }
    }

    /// Records an event unless its (who, address) has had its share this minute. A failure to
    /// write is logged; the request it concerns has been answered already.
    pub async fn record(&self, s: &AppState, actor: &Actor, event: AuditEvent) {
        let at = now();
        match self.admit(&actor.name, &actor.source, at.0) {
            Admit::Suppress => {
                tracing::warn!(actor = %actor.name, source = %actor.source, action = %event.action, "audit event suppressed (rate limit)");
            }
            Admit::Write { suppressed_before } => {
                if suppressed_before > 0 {
                    let mut note = AuditEvent::new("security.suppressed", "event", None);
                    note.after = Some(json!({ "suppressed": suppressed_before, "per_minute": PER_MINUTE }));
                    write(s, actor, &note, at).await;
                }
                write(s, actor, &event, at).await;
            }
        }
    }
}

async fn write(s: &AppState, actor: &Actor, event: &AuditEvent, at: Timestamp) {
    if let Err(e) = s.store.record_event(event, actor, at).await {
        tracing::error!(error = %e, action = %event.action, "cannot record an audit event");
    }
}

/// A login attempt on a locked account (by the username typed), recorded rate-limited.
pub async fn locked_attempt(s: &AppState, source: &str, username: &str) {
    let mut event = AuditEvent::new("user.login_locked", "user", None);
    event.after = Some(json!({ "username": username }));
    s.events.record(s, &Actor::new(username, source), event).await;
}

fn is_safe(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// Whether an unsafe request comes from another site, by what the browser says
/// (`sansho_auth::is_cross_site_request`): `Sec-Fetch-Site` other than `same-origin` / `none`,
/// or else an `Origin` that is neither the configured public address's nor the one the request
/// was sent to (`Host`, over http or https). A request with neither header (a script, an old
/// browser) is left to the CSRF token.
pub fn cross_site(s: &AppState, headers: &HeaderMap) -> bool {
    let get = |name: header::HeaderName| headers.get(name).map(|v| v.to_str().unwrap_or("\u{fffd}"));
    let site = get(header::HeaderName::from_static("sec-fetch-site"));
    let origin = get(header::ORIGIN);
    if site.is_none() && origin.is_none() {
        return false;
    }
    let mut own: Vec<String> = s.public.iter().map(|p| p.origin.clone()).collect();
    if let Some(host) = headers.get(header::HOST).and_then(|h| h.to_str().ok()) {
        let host = host.trim().to_ascii_lowercase();
        own.extend(["http", "https"].map(|scheme| format!("{scheme}://{host}")));
    }
    if own.is_empty() {
        // Nothing to compare an Origin with: only Sec-Fetch-Site can vouch for the request.
        return sansho_auth::is_cross_site_request(site, origin, "\u{0}");
    }
    own.iter().all(|o| sansho_auth::is_cross_site_request(site, origin, o))
}

/// Who made the request, for an event: the signed-in user's name (or `anonymous`) and address.
async fn who(s: &AppState, parts: &axum::http::request::Parts) -> Actor {
    let source = crate::session::source(parts);
    let name = match pending(parts, s).await {
        Ok(Some(p)) => p.user.username.clone(),
        _ => "anonymous".to_owned(),
    };
    Actor::new(name, source)
}

/// The event a response stands for, if any: (action, entity kind, entity id, detail).
fn event_of(method: &Method, path: &str, response: &Response, denied: bool) -> Option<AuditEvent> {
    let status = response.status();
    let at = |action: &str, kind: &str, id: Option<&str>| {
        let mut e = AuditEvent::new(action, kind, id.map(str::to_owned));
        e.after = Some(json!({ "method": method.as_str(), "path": path, "status": status.as_u16() }));
        Some(e)
    };
    if response.extensions().get::<Refusal>() == Some(&Refusal::Csrf) {
        return at("csrf.refused", "request", None);
    }
    if denied {
        return at("access.denied", "request", None);
    }
    match status {
        StatusCode::FORBIDDEN => return at("access.denied", "request", None),
        StatusCode::TOO_MANY_REQUESTS => return at("security.rate_limited", "request", None),
        s if !s.is_success() => return None,
        _ => {}
    }
    if *method != Method::GET {
        return None;
    }
    let segments: Vec<&str> = path.trim_start_matches("/api").split('/').skip(1).collect();
    match segments.as_slice() {
        ["assessments", id, "export", _] => at("export.download", "assessment", Some(id)),
        ["evidence", id] if !path.starts_with("/api/") => at("evidence.download", "evidence", Some(id)),
        ["evidence", id, "content"] => at("evidence.download", "evidence", Some(id)),
        _ => None,
    }
}

/// The events layer, around every route: refuses unsafe requests from another site (403, the
/// third CSRF layer), then records what the response says happened.
pub async fn layer(State(s): State<AppState>, req: Request, next: Next) -> Response {
    let (parts, body) = req.into_parts();
    let method = parts.method.clone();
    let path = parts.uri.path().to_owned();
    if !is_safe(&method) && cross_site(&s, &parts.headers) {
        let actor = who(&s, &parts).await;
        let mut event = AuditEvent::new("csrf.refused", "request", None);
        event.after = Some(json!({
            "method": method.as_str(),
            "path": path,
            "reason": "cross-site",
            "origin": parts.headers.get(header::ORIGIN).map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned()),
            "sec_fetch_site": parts.headers.get("sec-fetch-site").map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned()),
        }));
        s.events.record(&s, &actor, event).await;
        return cross_site_refusal(&parts, &path);
    }
    let head = parts.clone();
    let handled = async {
        let response = next.run(Request::from_parts(parts, body)).await;
        (response, DENIED.with(std::cell::Cell::get))
    };
    let (response, denied) = DENIED.scope(std::cell::Cell::new(false), handled).await;
    if let Some(event) = event_of(&method, &path, &response, denied) {
        let actor = who(&s, &head).await;
        s.events.record(&s, &actor, event).await;
    }
    response
}

/// 403 for a cross-site request: JSON for the API, a page for the rest.
fn cross_site_refusal(parts: &axum::http::request::Parts, path: &str) -> Response {
    let lang = crate::session::cookie(&parts.headers, "lang").and_then(Lang::parse).unwrap_or_default();
    let message = lang.t(
        "別のサイトから送られた操作のため、受け付けませんでした。",
        "Refused: the request was sent from another site.",
    );
    if path.starts_with("/api/") {
        return WebError::Forbidden(message.to_owned()).into_response();
    }
    let page =
        crate::pages::guidelines::ErrorPage { lang, path: path.to_owned(), status: 403, message: message.into() };
    crate::pages::guidelines::render_status(StatusCode::FORBIDDEN, &page)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_writes_its_share_a_minute_and_then_counts() {
        let log = EventLog::default();
        for _ in 0..PER_MINUTE {
            assert_eq!(log.admit("anonymous", "192.0.2.1", 1_000), Admit::Write { suppressed_before: 0 });
        }
        for _ in 0..5 {
            assert_eq!(log.admit("anonymous", "192.0.2.1", 30_000), Admit::Suppress);
        }
        // Another address, or a user, has a share of its own.
        assert_eq!(log.admit("anonymous", "192.0.2.2", 30_000), Admit::Write { suppressed_before: 0 });
        assert_eq!(log.admit("tanaka", "192.0.2.1", 30_000), Admit::Write { suppressed_before: 0 });
        // The next minute: written again, with the count of what was left out.
        assert_eq!(log.admit("anonymous", "192.0.2.1", 61_000), Admit::Write { suppressed_before: 5 });
        assert_eq!(log.admit("anonymous", "192.0.2.1", 61_001), Admit::Write { suppressed_before: 0 });
    }

    #[test]
    fn the_keys_are_bounded() {
        let log = EventLog::default();
        for i in 0..MAX_KEYS + 50 {
            let _ = log.admit("anonymous", &format!("10.0.{}.{}", i / 256, i % 256), 1_000);
        }
        assert!(log.windows.lock().unwrap().len() <= MAX_KEYS + 1);
    }
}

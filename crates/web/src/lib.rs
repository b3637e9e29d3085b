//! sansho's web application: server-rendered pages (Japanese first, English on request) and the
//! JSON API under `/api`, described by an OpenAPI document generated from the code.
//!
//! The router is built from an [`AppState`] (the loaded catalogs, their search index and the
//! store); [`serve`] binds it. Handlers do no blocking work outside the store's async calls.

#![warn(missing_docs)]

mod admin_ops;
mod api;
mod charts;
mod chrome;
mod error;
pub mod events;
mod i18n;
mod ops;
pub use ops::set_time_zone;
mod pages;
mod security;
pub mod session;
mod time;
mod view;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use sansho_core::CatalogSet;
use sansho_core::search::SearchIndex;
use sansho_store::Store;

pub use error::WebError;
pub use i18n::Lang;

/// Everything a request handler needs; a clone is one reference count (every extractor of every
/// request clones it).
#[derive(Clone)]
pub struct AppState(Arc<App>);

impl std::ops::Deref for AppState {
    type Target = App;
    fn deref(&self) -> &App {
        &self.0
    }
}

/// What [`AppState`] shares.
pub struct App {
    /// The loaded catalogs and mapping sets.
    pub set: Arc<CatalogSet>,
    /// The full-text search index over `set`.
    pub index: Arc<SearchIndex>,
    /// The database: organizations, assessments, answers, evidence, users, audit log.
    pub store: Store,
    /// How people sign in and how sessions are kept.
    pub auth: Arc<session::AuthConfig>,
    /// Rendered dashboards, by assessment and language, with the store's version they show.
    pub pages: Arc<PageCache>,
    /// The store's version (the audit sequence number), read once for many concurrent requests.
    pub version: Arc<VersionGate>,
    /// Resolved sessions and access decisions, valid at one version of the store.
    pub sessions: Arc<session::SessionCache>,
    /// How many emergency-account uses are unacknowledged (the admins' header warning), as read
    /// at one version of the store: a use and its acknowledgement are audited writes.
    pub alerts: Arc<AtVersion<i64>>,
    /// The address people reach this server at (`--public-url`), if configured: its origin is the
    /// one unsafe requests must come from, and `https://` turns HSTS on.
    pub public: Option<PublicUrl>,
    /// Security events not written by the store (exports, downloads, refusals), rate-limited.
    pub events: Arc<events::EventLog>,
    /// How an uploaded workbook is read: in a sandboxed child process, this very program run as
    /// `sansho __read-workbook` (`None` when the program cannot be found: imports then refuse).
    pub books: Option<sansho_import::workbook::BookReader>,
    /// Uploaded files being read, at most two at a time: each workbook is read by a child process
    /// that may take up to 1 GiB and 30 s, so many uploads at once wait their turn instead of
    /// starting as many children.
    pub reading: Arc<tokio::sync::Semaphore>,
}

/// The configured public address of the server.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PublicUrl {
    /// `scheme://host[:port]`, lower case, as browsers send it in `Origin`.
    pub origin: String,
    /// The address is `https://`, which turns HSTS on.
    pub https: bool,
}

impl PublicUrl {
    /// The origin of an `http://` or `https://` URL (its path, query and fragment dropped);
    /// `None` for anything else.
    pub fn parse(url: &str) -> Option<PublicUrl> {
        let url = url.trim();
        let lower = url.to_ascii_lowercase();
        let (https, rest) = if let Some(r) = lower.strip_prefix("https://") {
            (true, r)
        } else {
            (false, lower.strip_prefix("http://")?)
        };
        let host = rest.split(['/', '?', '#']).next().unwrap_or("");
        if host.is_empty() || host.contains('@') || host.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return None;
        }
        let scheme = if https { "https" } else { "http" };
        Some(PublicUrl { origin: format!("{scheme}://{host}"), https })
    }
}

/// A value read from the store at one version (audit sequence number); stale once any write
/// raised the version.
#[derive(Default)]
pub struct AtVersion<T> {
    value: std::sync::Mutex<Option<(i64, T)>>,
}

impl<T: Clone> AtVersion<T> {
    /// The value, if it was read at exactly this version.
    pub fn get(&self, version: i64) -> Option<T> {
        let v = self.value.lock().unwrap_or_else(|p| p.into_inner());
        v.as_ref().filter(|(at, _)| *at == version).map(|(_, t)| t.clone())
    }
    /// Keeps `value` as read at `version`, unless a newer reading is kept already.
    pub fn put(&self, version: i64, value: T) {
        let mut v = self.value.lock().unwrap_or_else(|p| p.into_inner());
        if v.as_ref().is_none_or(|(at, _)| *at <= version) {
            *v = Some((version, value));
        }
    }
}

/// Pages that are expensive to compute (the dashboard derives every catalog) and the same for
/// everyone allowed to see them, kept with the audit sequence number they were made at: any
/// write anywhere raises it, so a stale page is never served. Bounded; cleared when full.
///
/// A page is made once however many requests want it at the same time: the first to miss makes
/// it while the others wait for it ([`PageCache::lookup`]). Otherwise every write would be
/// followed, under load, by as many renders of the dashboard as there are requests in flight.
#[derive(Default)]
pub struct PageCache {
    entries: std::sync::Mutex<std::collections::HashMap<PageKey, (i64, Bytes)>>,
    /// One lock per page being made (or made before; pruned of unused ones when many).
    making: std::sync::Mutex<std::collections::HashMap<PageKey, Arc<tokio::sync::Mutex<()>>>>,
    /// How many pages were made and kept.
    made: std::sync::atomic::AtomicU64,
}

/// A cached page: the id it shows and the language.
pub type PageKey = (String, Lang);

/// What [`PageCache::lookup`] found.
pub enum Cached {
    /// The page, made at the version asked for.
    Page(Bytes),
    /// Not cached: make it, [`PageCache::put`] it, and drop this guard (the requests waiting for
    /// the same page then take it from the cache).
    Make(tokio::sync::OwnedMutexGuard<()>),
}

impl PageCache {
    const MAX: usize = 512;

    /// The page made at exactly this version (a cheap reference-counted copy).
    pub fn get(&self, key: &PageKey, version: i64) -> Option<Bytes> {
        let entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        entries.get(key).filter(|(v, _)| *v == version).map(|(_, page)| page.clone())
    }

    /// The page made at this version; if there is none, waits while another request makes it and
    /// looks again, and otherwise hands over the making of it.
    pub async fn lookup(&self, key: &PageKey, version: i64) -> Cached {
        if let Some(page) = self.get(key, version) {
            return Cached::Page(page);
        }
        let lock = {
            let mut making = self.making.lock().unwrap_or_else(|p| p.into_inner());
            if making.len() >= Self::MAX {
                making.retain(|_, lock| Arc::strong_count(lock) > 1);
            }
            making.entry(key.clone()).or_default().clone()
        };
        let guard = lock.lock_owned().await;
        match self.get(key, version) {
            Some(page) => Cached::Page(page),
            None => Cached::Make(guard),
        }
    }

    /// Keeps `page` as made at `version` (clearing the cache first when it is full).
    pub fn put(&self, key: PageKey, version: i64, page: Bytes) {
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        if entries.len() >= Self::MAX {
            entries.clear();
        }
        entries.insert(key, (version, page));
        self.made.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    }

    /// How many pages were made and kept since the server started.
    pub fn made(&self) -> u64 {
        self.made.load(std::sync::atomic::Ordering::Relaxed)
    }
}

/// The store's version for a request: the audit sequence number (every audited write raises it,
/// in this process or any other on the same database file), read by a query that *began after
/// the request arrived*, so a cache validated by it never serves what was true before a write
/// that had committed by then.
///
/// One query per request is most of a cached page's cost, so concurrent requests share reads:
/// reads run one after another, in rounds, in a task of their own; a request arriving while a
/// round is under way waits for the next round (the running one may have begun before it
/// arrived), which starts as soon as the running one ends. Under load one query serves every
/// request that arrived during the previous round; alone, a request waits for one query.
pub struct VersionGate {
    state: std::sync::Mutex<GateState>,
    /// The last finished round and what it read.
    done: tokio::sync::watch::Sender<(u64, Result<i64, String>)>,
}

#[derive(Default)]
struct GateState {
    /// The number of the last round started (rounds are numbered from 1).
    started: u64,
    /// A round is under way.
    running: bool,
    /// A request is waiting for a round after the running one.
    wanted: bool,
}

impl Default for VersionGate {
    fn default() -> Self {
        VersionGate { state: std::sync::Mutex::default(), done: tokio::sync::watch::Sender::new((0, Ok(0))) }
    }
}

impl VersionGate {
    /// The store's version, read after this call began.
    pub async fn current(self: &Arc<Self>, store: &Store) -> Result<i64, WebError> {
        let mut done = self.done.subscribe();
        let need = {
            let mut st = self.lock();
            if st.running {
                st.wanted = true;
                st.started + 1
            } else {
                st.running = true;
                st.started += 1;
                // The rounds run in a task of their own, so a request that is dropped mid-read
                // (the client went away) cannot leave the gate waiting forever.
                tokio::spawn(self.clone().rounds(store.clone()));
                st.started
            }
        };
        let seen = done.wait_for(|(round, _)| *round >= need).await.map_err(|e| WebError::Internal(e.to_string()))?;
        seen.1.clone().map_err(WebError::Internal)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, GateState> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Reads the version, round after round, while requests wait for one.
    async fn rounds(self: Arc<Self>, store: Store) {
        /// Ends the rounds even if a read panics, so later requests start new ones. Disarmed when
        /// the rounds end normally: by then a request may already have begun the next rounds
        /// (`running` again), which are not this task's to fail.
        struct Stop<'a>(&'a VersionGate, bool);
        impl Drop for Stop<'_> {
            fn drop(&mut self) {
                if !self.1 {
                    return;
                }
                let mut st = self.0.lock();
                if st.running {
                    // The round under way failed, and so does the one asked for after it: its
                    // waiters get an error rather than wait for a read nobody will make.
                    st.running = false;
                    if st.wanted {
                        st.wanted = false;
                        st.started += 1;
                    }
                    let round = st.started;
                    drop(st);
                    let _previous = self.0.done.send_replace((round, Err("the version read stopped".into())));
                }
            }
        }
        let mut stop = Stop(&self, true);
        // Rounds back to back read on one connection kept from the pool (a read that takes a
        // connection and gives it back costs twice the CPU); given back every few rounds, so a
        // small pool is not held from the requests' own queries for long.
        const ROUNDS_PER_CONNECTION: u32 = 32;
        let mut reader: Option<(sansho_store::VersionReader, u32)> = None;
        loop {
            let round = self.lock().started;
            if reader.as_ref().is_some_and(|(_, n)| *n >= ROUNDS_PER_CONNECTION) {
                reader = None;
            }
            let read = async {
                let (r, n) = match &mut reader {
                    Some(kept) => kept,
                    None => reader.insert((store.version_reader().await?, 0)),
                };
                *n += 1;
                r.audit_seq().await
            }
            .await;
            if read.is_err() {
                // The connection may be what failed: the next round takes another.
                reader = None;
            }
            let read = read.map_err(|e| e.to_string());
            let _previous = self.done.send_replace((round, read));
            // Before deciding on another round, let the runtime run what is ready (requests just
            // read from their sockets): those that come to the gate meanwhile share the next
            // round. Under load this gathers a round's worth of requests for one read instead of
            // a few; on an idle server it costs nothing, as nothing else is waiting to run.
            tokio::task::yield_now().await;
            let mut st = self.lock();
            if st.wanted {
                st.wanted = false;
                st.started += 1;
            } else {
                st.running = false;
                stop.1 = false;
                return;
            }
        }
    }
}

impl AppState {
    /// The state over loaded catalogs, a store and the sign-in configuration: builds the search
    /// index, and reads uploaded workbooks in a sandboxed child process of this program when it
    /// can be found.
    pub fn new(set: CatalogSet, store: Store, auth: session::AuthConfig) -> Self {
        let index = SearchIndex::build(&set);
        AppState(Arc::new(App {
            set: Arc::new(set),
            index: Arc::new(index),
            store,
            auth: Arc::new(auth),
            pages: Arc::default(),
            version: Arc::default(),
            sessions: Arc::default(),
            alerts: Arc::default(),
            public: None,
            events: Arc::default(),
            books: sansho_import::workbook::BookReader::sandbox_self().ok(),
            reading: Arc::new(tokio::sync::Semaphore::new(2)),
        }))
    }

    /// The state with another workbook reader (tests: the `sansho` binary as the sandbox's
    /// program, or reading in process).
    pub fn with_book_reader(mut self, reader: sansho_import::workbook::BookReader) -> Self {
        match Arc::get_mut(&mut self.0) {
            Some(app) => app.books = Some(reader),
            None => panic!("with_book_reader is called on a new state, before it is shared"),
        }
        self
    }

    /// The state with the server's public address (`--public-url`): unsafe requests must come
    /// from its origin, and an `https://` address turns HSTS on. An address that is not http(s)
    /// is ignored.
    pub fn with_public_url(mut self, url: &str) -> Self {
        let public = PublicUrl::parse(url);
        match Arc::get_mut(&mut self.0) {
            Some(app) => app.public = public,
            None => panic!("with_public_url is called on a new state, before it is shared"),
        }
        self
    }

    /// Whether the server is reached over https (its public address says so).
    pub fn https(&self) -> bool {
        self.public.as_ref().is_some_and(|p| p.https)
    }
}

/// The whole application: pages, static files, the API and its OpenAPI document, behind the
/// security headers.
pub fn router(state: AppState) -> Router {
    let header = axum::middleware::from_fn_with_state(state.clone(), chrome::layer);
    let events = axum::middleware::from_fn_with_state(state.clone(), events::layer);
    let security = axum::middleware::from_fn_with_state(state.clone(), security::headers);
    Router::new()
        .merge(pages::routes().layer(header))
        .nest("/api", api::routes())
        .layer(events)
        .layer(security)
        .with_state(state)
}

/// Serves the application on `addr` until the process ends.
pub async fn serve(state: AppState, addr: SocketAddr) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    serve_on(listener, state, std::future::pending()).await
}

/// Serves the application on a bound listener until `shutdown` completes (requests in flight
/// finish first). Handlers see the client's address (audit trail, rate limits).
pub async fn serve_on(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router(state).into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(shutdown)
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_public_url_gives_its_origin() {
        let p = |u: &str| PublicUrl::parse(u).map(|p| (p.origin, p.https));
        assert_eq!(p("https://Sansho.Example.jp/"), Some(("https://sansho.example.jp".into(), true)));
        assert_eq!(p("https://sansho.example.jp:8443/app?x#y"), Some(("https://sansho.example.jp:8443".into(), true)));
        assert_eq!(p("http://127.0.0.1:8080"), Some(("http://127.0.0.1:8080".into(), false)));
        assert_eq!(p("ftp://sansho.example.jp"), None);
        assert_eq!(p("https://"), None);
        assert_eq!(p("https://user@evil.example"), None);
    }

    /// Waves of concurrent requests for the version: every one gets it, none an error, however
    /// the rounds end and begin between them (a round that ended normally once took the next
    /// round, begun in that instant, for a failed one).
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn every_request_for_the_version_gets_it_while_rounds_end_and_begin() {
        let store = Store::open_in_memory().await.unwrap();
        let gate = Arc::new(VersionGate::default());
        let mut loopers = Vec::new();
        for _ in 0..8 {
            let (gate, store) = (gate.clone(), store.clone());
            loopers.push(tokio::spawn(async move {
                for _ in 0..1500 {
                    gate.current(&store).await.map_err(|e| e.to_string())?;
                    tokio::task::yield_now().await;
                }
                Ok::<(), String>(())
            }));
        }
        for l in loopers {
            l.await.unwrap().unwrap();
        }
    }
}

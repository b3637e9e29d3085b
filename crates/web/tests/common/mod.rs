//! The test harness of the web tests: the real router on an in-memory store, driven like a
//! browser (a cookie jar, forms) or an API client (JSON with the CSRF header).
#![allow(dead_code)]

use std::collections::HashMap;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use sansho_store::{Actor, NewAssessment, NewOrganization, NewSystem, OrgKind, ServiceModel, Store, Timestamp};
use tower::ServiceExt;

pub const SETUP: &str = "abcd-efgh-jkmn-pqrs-tvwx-yz01";
pub const PASSWORD: &str = "correct horse battery staple";

pub struct Browser {
    pub app: axum::Router,
    pub jar: HashMap<String, String>,
}

pub struct Page {
    pub status: StatusCode,
    pub location: Option<String>,
    pub body: String,
    pub content_type: String,
}

impl Browser {
    pub async fn send(&mut self, method: &str, uri: &str, form: Option<&[(&str, &str)]>) -> Page {
        let body = form.map(|f| ("application/x-www-form-urlencoded", Body::from(serde_urlencoded(f))));
        self.request(method, uri, body, &[]).await
    }

    /// An API call: a JSON body (if any) and the `x-csrf-token` header (if given).
    pub async fn api(&mut self, method: &str, uri: &str, json: Option<serde_json::Value>, csrf: Option<&str>) -> Page {
        let body = json.map(|j| ("application/json", Body::from(j.to_string())));
        let headers: Vec<(&str, &str)> = csrf.map(|c| ("x-csrf-token", c)).into_iter().collect();
        self.request(method, uri, body, &headers).await
    }

    /// Any request, with the cookie jar.
    pub async fn request(
        &mut self,
        method: &str,
        uri: &str,
        body: Option<(&str, Body)>,
        headers: &[(&str, &str)],
    ) -> Page {
        let mut req = Request::builder().method(method).uri(uri);
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        if !self.jar.is_empty() {
            let c: Vec<String> = self.jar.iter().map(|(k, v)| format!("{k}={v}")).collect();
            req = req.header(header::COOKIE, c.join("; "));
        }
        let body = match body {
            Some((content_type, body)) => {
                req = req.header(header::CONTENT_TYPE, content_type);
                body
            }
            None => Body::empty(),
        };
        let res = self.app.clone().oneshot(req.body(body).unwrap()).await.unwrap();
        for v in res.headers().get_all(header::SET_COOKIE) {
            let v = v.to_str().unwrap();
            let (pair, attrs) = v.split_once(';').unwrap_or((v, ""));
            let (k, val) = pair.split_once('=').unwrap();
            if attrs.contains("Max-Age=0") || val.is_empty() {
                self.jar.remove(k);
            } else {
                self.jar.insert(k.to_owned(), val.to_owned());
            }
        }
        let status = res.status();
        let location = res.headers().get(header::LOCATION).map(|l| l.to_str().unwrap().to_owned());
        let content_type =
            res.headers().get(header::CONTENT_TYPE).map_or(String::new(), |c| c.to_str().unwrap().to_owned());
        let bytes = axum::body::to_bytes(res.into_body(), 20 << 20).await.unwrap();
        Page { status, location, body: String::from_utf8_lossy(&bytes).into_owned(), content_type }
    }
    pub async fn get(&mut self, uri: &str) -> Page {
        self.send("GET", uri, None).await
    }
    pub async fn post(&mut self, uri: &str, form: &[(&str, &str)]) -> Page {
        self.send("POST", uri, Some(form)).await
    }
}

impl Page {
    /// The body as JSON (panics with the body when it is not).
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
}

pub fn serde_urlencoded(fields: &[(&str, &str)]) -> String {
    fields
        .iter()
        .map(|(k, v)| {
            format!(
                "{k}={}",
                v.bytes()
                    .map(|b| if b.is_ascii_alphanumeric() { (b as char).to_string() } else { format!("%{b:02X}") })
                    .collect::<String>()
            )
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// The value of `<input … name="NAME" value="…">` or of `<code class="secret">…</code>`.
pub fn field(body: &str, name: &str) -> String {
    let key = format!(r#"name="{name}" value=""#);
    let at = body.find(&key).unwrap_or_else(|| panic!("no field {name} in {body}")) + key.len();
    body[at..body[at..].find('"').unwrap() + at].to_owned()
}

pub fn secret(body: &str) -> String {
    let at = body.find(r#"<code class="secret">"#).expect("the TOTP key") + r#"<code class="secret">"#.len();
    body[at..body[at..].find('<').unwrap() + at].to_owned()
}

pub fn code(secret_b32: &str, at_ms: i64) -> String {
    let bytes = sansho_auth::TotpSecret::from_base32(secret_b32).unwrap().as_bytes().to_vec();
    let totp = totp_rs::Builder::new()
        .with_algorithm(totp_rs::Algorithm::SHA1)
        .with_digits(6)
        .with_step_duration(30)
        .with_secret(bytes)
        .build()
        .unwrap();
    totp.generate((at_ms / 1000) as u64).to_string()
}

pub fn now_ms() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis() as i64
}

pub async fn setup() -> (Browser, Store) {
    let set = sansho_catalog::load(&sansho_catalog::bundled_sources()).set.unwrap();
    // Evidence files need a folder; it is left behind in the system's temporary folder.
    let store = Store::open_in_memory().await.unwrap().with_data_dir(tempfile::tempdir().unwrap().keep());
    let mut auth = sansho_web::session::AuthConfig::new(vec![9; 32], false, Some(SETUP.into()));
    auth.password = sansho_auth::PasswordParams::INSECURE_FOR_TESTS;
    let app = sansho_web::router(sansho_web::AppState::new(set, store.clone(), auth));
    (Browser { app, jar: HashMap::new() }, store)
}

/// An organization with a system and an assessment of mhlw-3-checklist; returns (org, assessment).
pub async fn org_with_assessment(store: &Store, name: &str) -> (sansho_store::Id, sansho_store::Id) {
    let actor = Actor::new("fixture", "test");
    let t = Timestamp(now_ms());
    let org = store
        .create_organization(
            &NewOrganization { name: name.into(), kind: OrgKind::Vendor, vendor_position: None },
            &actor,
            t,
        )
        .await
        .unwrap();
    let system = store
        .create_system(
            &NewSystem {
                organization_id: org.id,
                name: "電子カルテ".into(),
                service_model: ServiceModel::Saas,
                description: String::new(),
            },
            &actor,
            t,
        )
        .await
        .unwrap();
    let a = store
        .create_assessment(
            &NewAssessment { system_id: system.id, catalog_id: "mhlw-3-checklist".into(), baseline_id: None },
            &actor,
            t,
        )
        .await
        .unwrap();
    (org.id, a.id)
}

/// Signs in a fresh admin (setup + TOTP) who belongs to the organizations that exist at setup;
/// returns the TOTP key (to sign in again).
pub async fn admin(b: &mut Browser) -> String {
    let page = b.get("/setup").await;
    let csrf = field(&page.body, "csrf_token");
    b.post(
        "/setup",
        &[
            ("csrf_token", &csrf),
            ("token", SETUP),
            ("username", "admin"),
            ("display_name", "管理者"),
            ("password", PASSWORD),
        ],
    )
    .await;
    let enrol = b.get("/account/totp").await;
    let key = secret(&enrol.body);
    let csrf = field(&enrol.body, "csrf_token");
    let done = b.post("/account/totp", &[("csrf_token", &csrf), ("code", &code(&key, now_ms()))]).await;
    assert!(done.body.contains("回復コード"));
    key
}

/// A colleague with `role` in organization `org`, made through the store (so with no initial
/// password to change) and, unless an admin, without a second factor (the role is exempted from
/// it), signed in on a browser of their own over the same application.
pub async fn member(
    b: &Browser,
    store: &Store,
    username: &str,
    role: sansho_store::Role,
    org: sansho_store::Id,
) -> Browser {
    let password = "colleague password 1";
    let hash = sansho_auth::hash_password(
        password,
        &sansho_auth::PasswordParams::INSECURE_FOR_TESTS,
        &mut sansho_auth::random_bytes,
    )
    .unwrap();
    let fixture = Actor::new("fixture", "test");
    let user = store
        .create_user(
            &sansho_store::NewUser {
                username: username.into(),
                display_name: username.into(),
                password_hash: hash,
                role,
                is_emergency: false,
            },
            &fixture,
            Timestamp(now_ms()),
        )
        .await
        .unwrap();
    store.add_membership(user.id, org, &fixture, Timestamp(now_ms())).await.unwrap();
    // The colleague goes without a second factor: their role is exempted (an admin's setting,
    // issue 11 §2.11); an admin colleague enrols one below, as admins must.
    let mut exempt = store.totp_exempt_roles().await.unwrap();
    if role != sansho_store::Role::Admin && !exempt.contains(&role) {
        exempt.push(role);
        store.set_totp_exempt_roles(&exempt, &fixture, Timestamp(now_ms())).await.unwrap();
    }
    let mut v = Browser { app: b.app.clone(), jar: HashMap::new() };
    let csrf = field(&v.get("/login").await.body, "csrf_token");
    let login =
        v.post("/login", &[("csrf_token", &csrf), ("username", username), ("password", password), ("next", "/")]).await;
    // Admins enrol a second factor at the first login.
    if login.location.as_deref() == Some("/account/totp") {
        let enrol = v.get("/account/totp").await;
        let (key, csrf) = (secret(&enrol.body), field(&enrol.body, "csrf_token"));
        let done = v.post("/account/totp", &[("csrf_token", &csrf), ("code", &code(&key, now_ms()))]).await;
        assert!(done.body.contains("回復コード"), "{username} enrols TOTP: {}", done.body);
        return v;
    }
    assert_eq!(login.location.as_deref(), Some("/"), "{username} signs in: {}", login.body);
    v
}

/// Like [`setup`], on a database file in a fresh temporary folder (evidence beside it), so a
/// test can read every row of it (`sansho_store::dump_rows`); returns the file's path too.
pub async fn setup_file() -> (Browser, Store, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap().keep();
    let db = dir.join("sansho.db");
    let store = Store::open(&db).await.unwrap();
    let set = sansho_catalog::load(&sansho_catalog::bundled_sources()).set.unwrap();
    let mut auth = sansho_web::session::AuthConfig::new(vec![9; 32], false, Some(SETUP.into()));
    auth.password = sansho_auth::PasswordParams::INSECURE_FOR_TESTS;
    let app = sansho_web::router(sansho_web::AppState::new(set, store.clone(), auth));
    (Browser { app, jar: HashMap::new() }, store, db)
}

/// Every `.route("PATH", get(..).post(..))` in the router's source files (pages and, under
/// `/api`, the API): (method, path). Read from the sources so that a new route cannot be left
/// out of a test that walks them all.
pub fn source_routes() -> Vec<(String, String)> {
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut routes = Vec::new();
    for (dir, prefix) in [("pages", ""), ("api", "/api")] {
        for entry in std::fs::read_dir(src.join(dir)).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            for (at, _) in text.match_indices(".route(") {
                let rest = &text[at + 7..];
                let Some(open) = rest.find('"') else { continue };
                let rest = &rest[open + 1..];
                let end = rest.find('"').unwrap();
                let pattern = &rest[..end];
                // The handlers of this route: up to the closing parenthesis of `.route(`.
                let mut depth = 1;
                let mut stop = rest.len();
                for (i, c) in rest.char_indices().skip(end) {
                    match c {
                        '(' => depth += 1,
                        ')' => {
                            depth -= 1;
                            if depth == 0 {
                                stop = i;
                                break;
                            }
                        }
                        _ => {}
                    }
                }
                let handlers = &rest[end..stop];
                for method in ["get", "post", "put", "patch", "delete"] {
                    let called = handlers
                        .match_indices(&format!("{method}("))
                        .any(|(i, _)| i == 0 || !handlers.as_bytes()[i - 1].is_ascii_alphanumeric());
                    if called {
                        routes.push((method.to_uppercase(), format!("{prefix}{pattern}")));
                    }
                }
            }
        }
    }
    assert!(routes.len() > 40, "the routes were found: {routes:?}");
    routes
}

/// Audit actions that record a read or a refusal (`sansho_web::events`: an export, an evidence
/// download, an access, CSRF or rate-limit refusal, and the count of such records left out):
/// they change no row.
pub const READ_EVENTS: &[&str] = &[
    "export.download",
    "evidence.download",
    "access.denied",
    "csrf.refused",
    "security.rate_limited",
    "security.suppressed",
];

pub fn is_read_event(action: &str) -> bool {
    READ_EVENTS.contains(&action)
}

/// An admin's setting (issue 11 §2.11): assessors and viewers go without a second factor, so a
/// test signs them in with the password alone.
pub async fn exempt_non_admins(store: &Store) {
    use sansho_store::Role;
    let fixture = Actor::new("fixture", "test");
    store.set_totp_exempt_roles(&[Role::Assessor, Role::Viewer], &fixture, Timestamp(now_ms())).await.unwrap();
}

/// The bundled sample (seed 003's 75 answers on `mhlw-3-checklist`), loaded as `sansho sample
/// load` does, in a new organization: (organization, assessment).
pub async fn sample_assessment(store: &Store) -> (sansho_store::Id, sansho_store::Id) {
    let set = sansho_catalog::load(&sansho_catalog::bundled_sources()).set.unwrap();
    let text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../samples/vendor-003.answers.toml")).unwrap();
    let file = sansho_import::answers::parse_answers("vendor-003.answers.toml", &text).unwrap();
    let mut inputs = Vec::new();
    for e in &file.answers {
        let ix = set.resolve("mhlw-3-checklist", &e.requirement).unwrap();
        let mut answer = sansho_core::assess::Answer::new(set.reference(ix), e.result).unwrap();
        answer.how = e.how.clone();
        inputs.push(sansho_store::AnswerInput::from_domain(&set, ix, &answer, sansho_store::Origin::Import).unwrap());
    }
    let (org, a) = org_with_assessment(store, "サンプル事業者").await;
    store.import_answers(a, inputs, &Actor::new("fixture", "test"), Timestamp(now_ms())).await.unwrap();
    (org, a)
}

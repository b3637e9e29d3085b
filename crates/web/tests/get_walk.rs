//! No GET changes anything: every GET route of the router — pages and API — is requested as an
//! admin, an assessor, a viewer, a user half-way through login (password passed, second factor
//! not) and an anonymous visitor, against a populated database; afterwards every row of every
//! table is as it was (a session's sliding expiry aside) and the audit log holds nothing new but
//! records of reads and refusals (an export, an evidence download, an access refused), which
//! change no row.
//!
//! "Every" is checked, not assumed: the routes are read from the router's source files and the
//! API's from its OpenAPI document too, and a route this walk cannot fill fails the test.

mod common;

use std::collections::BTreeSet;

use common::*;
use sansho_store::{
    Actor, AnswerInput, AnswerResult, Date, EvidenceSource, Id, NewAssessment, NewEvidence, NewUser, Role, Store,
    Timestamp,
};
use sqlx::{ConnectOptions, Row};

/// Every row of every table, by table, with column names; a session's last-seen time and expiry
/// (its sliding expiry, the one unaudited write) left out. Read on a connection of its own.
async fn snapshot(db: &std::path::Path) -> BTreeSet<String> {
    let mut conn = sqlx::sqlite::SqliteConnectOptions::new().filename(db).read_only(true).connect().await.unwrap();
    let tables: Vec<(String,)> = sqlx::query_as("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        .fetch_all(&mut conn)
        .await
        .unwrap();
    let mut rows = BTreeSet::new();
    for (table,) in tables {
        let columns: Vec<(String,)> = sqlx::query_as("SELECT name FROM pragma_table_info(?) ORDER BY cid")
            .bind(&table)
            .fetch_all(&mut conn)
            .await
            .unwrap();
        let kept: Vec<&str> = columns
            .iter()
            .map(|(c,)| c.as_str())
            .filter(|c| !(table == "sessions" && matches!(*c, "last_seen_at" | "expires_at")))
            .collect();
        let select = kept.iter().map(|c| format!("'{c}=' || quote(\"{c}\")")).collect::<Vec<_>>().join(" || ' ' || ");
        let sql = format!("SELECT '{table}: ' || {select} FROM \"{table}\"");
        for r in sqlx::query(sqlx::AssertSqlSafe(sql)).fetch_all(&mut conn).await.unwrap() {
            rows.insert(r.get::<String, _>(0));
        }
    }
    rows
}

/// The populated database's ids the walk fills the routes with.
struct World {
    org: Id,
    system: Id,
    assessments: Vec<Id>,
    evidence: Vec<Id>,
    users: Vec<Id>,
}

async fn populate(store: &Store) -> World {
    let (org, first) = org_with_assessment(store, "A総合病院").await;
    let actor = Actor::new("fixture", "test");
    let t = Timestamp(now_ms());
    let system = store.assessment(first).await.unwrap().system_id;
    let mut input = AnswerInput::new("org-1", AnswerResult::Implemented);
    input.how = "規程を定め、年1回見直している".into();
    input.owner = Some("情報システム課".into());
    store.set_answer(first, &input, &actor, t).await.unwrap();
    let mut na = AnswerInput::new("org-2", AnswerResult::NotApplicable);
    na.justification = Some("クラウドを使わない".into());
    store.set_answer(first, &na, &actor, t).await.unwrap();
    let file = store
        .add_evidence(
            &NewEvidence {
                title: "情報セキュリティ規程".into(),
                source: EvidenceSource::File { file_name: "kitei.pdf".into(), content: b"%PDF-1.4 kitei".to_vec() },
                effective_date: "2026-04-01".parse::<Date>().unwrap(),
                expiry_date: None,
                organization_id: Some(org),
            },
            &actor,
            t,
        )
        .await
        .unwrap();
    let link = store
        .add_evidence(
            &NewEvidence {
                title: "公開方針".into(),
                source: EvidenceSource::Link { url: "https://example.org/policy".into() },
                effective_date: "2026-04-01".parse::<Date>().unwrap(),
                expiry_date: None,
                organization_id: Some(org),
            },
            &actor,
            t,
        )
        .await
        .unwrap();
    let answer = store.answer_for(first, "org-1").await.unwrap().unwrap();
    store.attach_evidence(answer.id, file.id, &actor, t).await.unwrap();
    store.attach_evidence(answer.id, link.id, &actor, t).await.unwrap();
    // A second assessment built on the first (a baseline), so the dashboard shows changes.
    let second = store
        .create_assessment(
            &NewAssessment { system_id: system, catalog_id: "mhlw-3-checklist".into(), baseline_id: Some(first) },
            &actor,
            t,
        )
        .await
        .unwrap();
    // Another organization.
    org_with_assessment(store, "B社").await;
    World { org, system, assessments: vec![first, second.id], evidence: vec![file.id, link.id], users: Vec::new() }
}

/// An emergency account (非常時用アカウント) used once: admins see the warning. Made after the
/// first admin (setup is open only while there is no user).
async fn emergency(store: &Store) {
    let actor = Actor::new("fixture", "test");
    let t = Timestamp(now_ms());
    let hash = sansho_auth::hash_password(
        "emergency password 1",
        &sansho_auth::PasswordParams::INSECURE_FOR_TESTS,
        &mut sansho_auth::random_bytes,
    )
    .unwrap();
    let emergency = store
        .create_user(
            &NewUser {
                username: "hijouji".into(),
                display_name: "非常時".into(),
                password_hash: hash,
                role: Role::Admin,
                is_emergency: true,
            },
            &actor,
            t,
        )
        .await
        .unwrap();
    store.set_user_disabled(emergency.id, false, &actor, t).await.unwrap();
    store.record_login_success(emergency.id, &actor, t).await.unwrap();
    store.set_user_disabled(emergency.id, true, &actor, t).await.unwrap();
}

/// The addresses a route pattern stands for in this world (every id of its kind, every format),
/// with a few queries the handlers read; an error when the walk does not know a parameter.
fn addresses(w: &World, pattern: &str) -> Result<Vec<String>, String> {
    let mut out = vec![String::new()];
    let mut before = "";
    for seg in pattern.split('/').skip(1) {
        let values: Vec<String> = match seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            None => {
                before = seg;
                vec![seg.to_owned()]
            }
            Some(name) => match (before, name) {
                ("organizations", "id") => vec![w.org.to_string()],
                ("systems", "id") => vec![w.system.to_string()],
                ("assessments", "id") => w.assessments.iter().map(Id::to_string).collect(),
                ("evidence", "id") => w.evidence.iter().map(Id::to_string).collect(),
                ("users", "id") => w.users.iter().map(Id::to_string).collect(),
                (_, "format") => ["xlsx", "csv", "md", "json"].map(String::from).to_vec(),
                ("lang", "code") => vec!["en".into(), "ja".into()],
                // Requirements of the assessments' catalog (answered, 該当なし, unanswered).
                (_, "req") => ["org-1", "org-2", "org-3"].map(String::from).to_vec(),
                (_, "catalog") => ["mhlw-3-checklist", "mhlw-5", "mhlw-6"].map(String::from).to_vec(),
                // Under a catalog: a requirement of the catalogs above.
                (_, "requirement") => vec!["org-1".into()],
                _ => return Err(format!("{pattern}: the walk does not know how to fill {{{name}}} after {before:?}")),
            },
        };
        out = out.iter().flat_map(|o| values.iter().map(move |v| format!("{o}/{v}"))).collect();
    }
    // Queries the handlers read.
    let queries: &[&str] = match pattern {
        "/search" | "/api/search" => &["?q=バックアップ", "?q=アクセス&catalog=mhlw-5", "?q="],
        "/admin/audit" | "/api/admin/audit" => &["?action=user.&limit=5", "?before=5", "?entity=answer&user=fixture"],
        "/assessments/{id}/answers" => &["?gaps=1"],
        "/login" => &["?next=/assessments"],
        "/lang/{code}" => &["?next=/guidelines"],
        "/admin" | "/admin/users/{id}" => &["?done=created"],
        "/api/admin/emergency-uses" => &["?unacknowledged=true"],
        _ => &[],
    };
    let with_queries: Vec<String> = out.iter().flat_map(|o| queries.iter().map(move |q| format!("{o}{q}"))).collect();
    out.extend(with_queries);
    Ok(out)
}

#[tokio::test]
async fn no_get_route_changes_anything_for_anyone() {
    let (mut admin_b, store, db) = setup_file().await;
    let w = populate(&store).await;
    admin(&mut admin_b).await;
    emergency(&store).await;
    let mut assessor = member(&admin_b, &store, "tantou", Role::Assessor, w.org).await;
    let viewer = member(&admin_b, &store, "etsuran", Role::Viewer, w.org).await;
    // Half-way through login: a user with a second factor who has passed only the password.
    let mut halfway = member(&admin_b, &store, "futatsume", Role::Assessor, w.org).await;
    let id = store.user_by_username("futatsume").await.unwrap().unwrap().id;
    let fixture = Actor::new("fixture", "test");
    store.set_totp_secret(id, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", &fixture, Timestamp(now_ms())).await.unwrap();
    store.enable_totp(id, &fixture, Timestamp(now_ms())).await.unwrap();
    halfway.jar.clear();
    let csrf = field(&halfway.get("/login").await.body, "csrf_token");
    let step = halfway
        .post("/login", &[("csrf_token", &csrf), ("username", "futatsume"), ("password", "colleague password 1")])
        .await;
    assert!(
        step.location.as_deref().is_some_and(|l| l.starts_with("/login/totp")),
        "the walk's half-way login expects the password step to lead to /login/totp: {:?}",
        step.location
    );
    let mut users = store.users().await.unwrap().into_iter().map(|u| u.id).collect::<Vec<_>>();
    users.sort();
    let w = World { users, ..w };
    let _ = assessor.get("/assessments").await;

    // ----- the GET routes, from the sources and the OpenAPI document -----
    let mut patterns: BTreeSet<String> =
        source_routes().into_iter().filter(|(m, _)| m == "GET").map(|(_, p)| p).collect();
    let doc = admin_b.get("/api/openapi.json").await.json();
    let mut undocumented = Vec::new();
    for (path, ops) in doc["paths"].as_object().expect("paths") {
        if ops.get("get").is_some() && patterns.insert(path.clone()) {
            undocumented.push(path.clone());
        }
    }
    assert!(undocumented.is_empty(), "GET routes in the OpenAPI document but not in the sources: {undocumented:?}");
    // Addresses no route serves (the fallbacks).
    patterns.insert("/no-such-page".into());
    patterns.insert("/api/no-such-endpoint".into());
    assert!(patterns.len() > 40, "{patterns:?}");

    let anonymous = Browser { app: admin_b.app.clone(), jar: Default::default() };
    let mut browsers = [
        ("admin", admin_b),
        ("assessor", assessor),
        ("viewer", viewer),
        ("half-way", halfway),
        ("anonymous", anonymous),
    ];

    let before_rows = snapshot(&db).await;
    let before_seq = store.audit_seq().await.unwrap();
    let mut last = before_rows.clone();
    let mut failures = Vec::new();
    let mut requests = 0;
    for pattern in &patterns {
        let uris = match addresses(&w, pattern) {
            Ok(u) => u,
            Err(e) => {
                failures.push(e);
                continue;
            }
        };
        for (who, b) in browsers.iter_mut() {
            for uri in &uris {
                let got = b.get(uri).await;
                requests += 1;
                if got.status.is_server_error() {
                    failures.push(format!("GET {uri} as {who}: {}", got.status));
                }
                // Compared after each request, to name the request that changed something (each
                // change once: the next request is compared with this state).
                let now = snapshot(&db).await;
                let changed = changes(&last, &now);
                if !changed.is_empty() {
                    failures.push(format!("GET {uri} as {who} changed:\n  {}", changed.join("\n  ")));
                }
                last = now;
            }
        }
    }
    let after_rows = snapshot(&db).await;
    let changed = changes(&before_rows, &after_rows);
    let events = store.audit_seq().await.unwrap() - before_seq;
    eprintln!("{requests} GET requests on {} routes; {events} read or refusal records", patterns.len());
    assert!(failures.is_empty() && changed.is_empty(), "{} problems:\n{}", failures.len(), failures.join("\n"));
    assert!(store.verify_audit().await.unwrap().is_intact());
}

/// What changed between two snapshots, except audit records of reads and refusals (which are
/// not updates of anything: they have no row before or after) and the head that follows them.
fn changes(before: &BTreeSet<String>, after: &BTreeSet<String>) -> Vec<String> {
    let is_read_event = |row: &str| {
        row.starts_with("audit_log: ")
            && READ_EVENTS.iter().any(|a| row.contains(&format!(" action='{a}' ")))
            && row.contains(" before_json=NULL ")
    };
    let gone = before.difference(after).filter(|r| !r.starts_with("audit_head: ")).map(|r| format!("- {r}"));
    let new = after
        .difference(before)
        .filter(|r| !r.starts_with("audit_head: ") && !is_read_event(r))
        .map(|r| format!("+ {r}"));
    let mut out: Vec<String> = gone.chain(new).map(|r| r.chars().take(400).collect()).collect();
    // The head may move only past records of reads: it is the last record's seq.
    let head = |rows: &BTreeSet<String>| rows.iter().find(|r| r.starts_with("audit_head: ")).cloned();
    let any_other_record = after.difference(before).any(|r| r.starts_with("audit_log: ") && !is_read_event(r));
    if head(before) != head(after) && any_other_record {
        out.push(format!("audit head {:?} → {:?}", head(before), head(after)));
    }
    out
}

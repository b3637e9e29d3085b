//! The caches behind a signed-in request (resolved sessions, access decisions, the dashboard
//! page) never outlive a change: a revocation, a disabled user, a role or membership change made
//! by *another connection to the same database file* (as the `sansho` command line in another
//! process makes them) takes effect on the very next request, and sessions still expire when
//! idle. Also the dashboard's list of changes since the baseline, and English catalog titles.

mod common;

use std::collections::HashMap;
use std::path::Path;

use axum::http::StatusCode;
use common::{Browser, admin, org_with_assessment};
use sansho_store::{Actor, AnswerInput, AnswerResult, NewAssessment, Role, Store, Timestamp};

fn now() -> Timestamp {
    Timestamp(common::now_ms())
}

/// The real router on a database file, with these session times.
async fn app_on_file(path: &Path, idle_ms: i64, touch_every_ms: i64) -> (Browser, Store) {
    app_with(path, |auth| {
        auth.idle_ms = idle_ms;
        auth.touch_every_ms = touch_every_ms;
    })
    .await
}

/// The real router on a database file, its session settings changed by `configure`.
async fn app_with(path: &Path, configure: impl FnOnce(&mut sansho_web::session::AuthConfig)) -> (Browser, Store) {
    let set = sansho_catalog::load(&sansho_catalog::bundled_sources()).set.unwrap();
    let store = Store::open(path).await.unwrap();
    let mut auth = sansho_web::session::AuthConfig::new(vec![9; 32], false, Some(common::SETUP.into()));
    auth.password = sansho_auth::PasswordParams::INSECURE_FOR_TESTS;
    configure(&mut auth);
    let app = sansho_web::router(sansho_web::AppState::new(set, store.clone(), auth));
    (Browser { app, jar: HashMap::new() }, store)
}

/// A signed-in admin on a database file, member of an organization with an assessment, whose
/// dashboard has been served (and cached) twice; returns the browser, the assessment and the
/// database as another process sees it.
async fn signed_in_on_file(dir: &Path) -> (Browser, sansho_store::Id, sansho_store::Id, Store) {
    let db = dir.join("sansho.db");
    let (mut b, store) = app_on_file(&db, 30 * 60 * 1000, 60_000).await;
    let (org, a) = org_with_assessment(&store, "A病院").await;
    admin(&mut b).await;
    for _ in 0..2 {
        let page = b.get(&format!("/assessments/{a}")).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    }
    // The other process: its own connections to the same file.
    let other = Store::open(&db).await.unwrap();
    (b, a, org, other)
}

async fn the_admin(store: &Store) -> sansho_store::User {
    store.user_by_username("admin").await.unwrap().expect("the admin exists")
}

#[tokio::test]
async fn a_session_revoked_elsewhere_is_refused_on_the_next_request() {
    let dir = tempfile::tempdir().unwrap();
    let (mut b, a, _, other) = signed_in_on_file(dir.path()).await;
    let admin = the_admin(&other).await;
    let sessions = other.sessions_of(admin.id, now()).await.unwrap();
    assert_eq!(sessions.len(), 1);
    assert!(other.revoke_session(sessions[0].id, &Actor::cli("root"), now()).await.unwrap());
    let page = b.get(&format!("/assessments/{a}")).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(page.location.as_deref(), Some(format!("/login?next=/assessments/{a}").as_str()));
    assert_eq!(b.get("/assessments").await.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn a_user_disabled_elsewhere_is_refused_on_the_next_request() {
    let dir = tempfile::tempdir().unwrap();
    let (mut b, a, _, other) = signed_in_on_file(dir.path()).await;
    let admin = the_admin(&other).await;
    other.set_user_disabled(admin.id, true, &Actor::cli("root"), now()).await.unwrap();
    let page = b.get(&format!("/assessments/{a}")).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    assert!(page.location.unwrap().starts_with("/login"));
}

#[tokio::test]
async fn a_membership_removed_elsewhere_hides_the_assessment_on_the_next_request() {
    let dir = tempfile::tempdir().unwrap();
    let (mut b, a, org, other) = signed_in_on_file(dir.path()).await;
    let admin = the_admin(&other).await;
    assert!(other.remove_membership(admin.id, org, &Actor::cli("root"), now()).await.unwrap());
    let page = b.get(&format!("/assessments/{a}")).await;
    assert_eq!(page.status, StatusCode::NOT_FOUND, "the cached page and access decision are not used");
    assert!(!page.body.contains("最低限のガイドライン"));
    assert_eq!(b.get(&format!("/assessments/{a}/export/csv")).await.status, StatusCode::NOT_FOUND);
    // Given back, it is there again at once.
    assert!(other.add_membership(admin.id, org, &Actor::cli("root"), now()).await.unwrap());
    assert_eq!(b.get(&format!("/assessments/{a}")).await.status, StatusCode::OK);
}

#[tokio::test]
async fn a_role_changed_elsewhere_applies_on_the_next_request() {
    let dir = tempfile::tempdir().unwrap();
    let (mut b, a, _, other) = signed_in_on_file(dir.path()).await;
    let page = b.get(&format!("/assessments/{a}/r/org-1")).await;
    assert!(page.body.contains(r#"name="result""#), "an admin gets the answer form");
    let admin = the_admin(&other).await;
    other.set_role(admin.id, Role::Viewer, &Actor::cli("root"), now()).await.unwrap();
    let page = b.get(&format!("/assessments/{a}/r/org-1")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains(r#"name="result""#), "a viewer reads only");
}

#[tokio::test]
async fn an_answer_written_elsewhere_shows_on_the_next_dashboard() {
    let dir = tempfile::tempdir().unwrap();
    let (mut b, a, _, other) = signed_in_on_file(dir.path()).await;
    assert!(b.get(&format!("/assessments/{a}")).await.body.contains("回答 0 / 80"));
    other
        .set_answer(a, &AnswerInput::new("org-1", AnswerResult::Implemented), &Actor::cli("root"), now())
        .await
        .unwrap();
    assert!(b.get(&format!("/assessments/{a}")).await.body.contains("回答 1 / 80"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_request_sees_the_writes_committed_before_it_arrived_though_reads_are_shared() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("sansho.db");
    let store = Store::open(&db).await.unwrap();
    let other = Store::open(&db).await.unwrap();
    let gate = std::sync::Arc::new(sansho_web::VersionGate::default());
    let ask = |n: usize| -> Vec<tokio::task::JoinHandle<i64>> {
        (0..n)
            .map(|_| {
                let (gate, store) = (gate.clone(), store.clone());
                tokio::spawn(async move { gate.current(&store).await.unwrap() })
            })
            .collect()
    };
    // Requests arrive all the time, so a read is nearly always under way.
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let busy: Vec<_> = (0..4)
        .map(|_| {
            let (gate, store, stop) = (gate.clone(), store.clone(), stop.clone());
            tokio::spawn(async move {
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    gate.current(&store).await.unwrap();
                }
            })
        })
        .collect();
    for i in 0..50 {
        let earlier = ask(10);
        let org = sansho_store::NewOrganization {
            name: format!("病院{i}"),
            kind: sansho_store::OrgKind::Vendor,
            vendor_position: None,
        };
        other.create_organization(&org, &Actor::cli("root"), now()).await.unwrap();
        // These arrive just after the write committed, while a read begun before it may be
        // under way: they must not get what that read returns.
        let later = ask(10);
        let written = other.audit_seq().await.unwrap();
        for h in later {
            let seen = h.await.unwrap();
            assert!(seen >= written, "round {i}: a request after the write saw version {seen} < {written}");
        }
        for h in earlier {
            assert!(h.await.unwrap() <= written);
        }
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    for b in busy {
        b.await.unwrap();
    }
}

#[tokio::test]
async fn a_cached_session_still_expires_when_idle() {
    let dir = tempfile::tempdir().unwrap();
    // Idle for 3 s ends a session; its expiry is moved at most once a minute.
    let (mut b, store) = app_on_file(&dir.path().join("sansho.db"), 3_000, 60_000).await;
    let (_, a) = org_with_assessment(&store, "A病院").await;
    admin(&mut b).await;
    assert_eq!(b.get(&format!("/assessments/{a}")).await.status, StatusCode::OK);
    assert_eq!(b.get(&format!("/assessments/{a}")).await.status, StatusCode::OK);
    tokio::time::sleep(std::time::Duration::from_millis(3_300)).await;
    let page = b.get(&format!("/assessments/{a}")).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "expired, although cached");
}

#[tokio::test]
async fn a_session_in_use_slides_and_expires_once_idle() {
    let dir = tempfile::tempdir().unwrap();
    // Idle for 3 s ends a session; its expiry is moved forward at most every second.
    let (mut b, store) = app_on_file(&dir.path().join("sansho.db"), 3_000, 1_000).await;
    let (_, a) = org_with_assessment(&store, "A病院").await;
    admin(&mut b).await;
    let started = std::time::Instant::now();
    // Used every 1.2 s for 4.8 s: well past the first expiry, still signed in.
    for _ in 0..4 {
        assert_eq!(b.get(&format!("/assessments/{a}")).await.status, StatusCode::OK);
        tokio::time::sleep(std::time::Duration::from_millis(1_200)).await;
    }
    assert!(started.elapsed().as_millis() > 4_000);
    assert_eq!(b.get(&format!("/assessments/{a}")).await.status, StatusCode::OK);
    let admin = the_admin(&store).await;
    let session = &store.sessions_of(admin.id, now()).await.unwrap()[0];
    assert!(session.expires_at.0 > now().0 + 1_000, "the store has the moved expiry");
    tokio::time::sleep(std::time::Duration::from_millis(3_300)).await;
    assert_eq!(b.get(&format!("/assessments/{a}")).await.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn a_session_in_constant_use_still_ends_at_its_absolute_lifetime() {
    let dir = tempfile::tempdir().unwrap();
    // Idle for 3 s ends a session, expiry moved at most every 0.3 s, and 4 s after it began it
    // ends however busy it is.
    let (mut b, store) = app_with(&dir.path().join("sansho.db"), |auth| {
        auth.idle_ms = 3_000;
        auth.touch_every_ms = 300;
        auth.max_age_ms = 4_000;
    })
    .await;
    let (_, a) = org_with_assessment(&store, "A病院").await;
    admin(&mut b).await;
    let created = store.sessions_of(the_admin(&store).await.id, now()).await.unwrap()[0].created_at.0;
    let (mut last_ok, mut refused_at) = (0, None);
    // Times below are milliseconds since the session began.
    while common::now_ms() - created < 6_500 {
        let status = b.get(&format!("/assessments/{a}")).await.status;
        let at = common::now_ms() - created;
        if status == StatusCode::OK {
            assert!(refused_at.is_none(), "a refused session never comes back");
            last_ok = at;
        } else {
            assert_eq!(status, StatusCode::SEE_OTHER);
            refused_at.get_or_insert(at);
        }
        tokio::time::sleep(std::time::Duration::from_millis(400)).await;
    }
    let refused_at = refused_at.expect("the session ended although in use every 0.4 s");
    assert!(last_ok > 3_000, "it slid past its first expiry (3 s): last used at {last_ok} ms");
    assert!((4_000..5_500).contains(&refused_at), "it ended at its lifetime (4 s): at {refused_at} ms");
}

#[tokio::test]
async fn the_dashboard_lists_what_changed_since_the_baseline() {
    let (mut b, store) = common::setup().await;
    let (_, a) = org_with_assessment(&store, "A病院").await;
    let actor = Actor::new("fixture", "test");
    for (req, result) in [("org-1", AnswerResult::Implemented), ("org-2", AnswerResult::Partial)] {
        store.set_answer(a, &AnswerInput::new(req, result), &actor, now()).await.unwrap();
    }
    let system = store.assessment(a).await.unwrap().system_id;
    let b_id = store
        .create_assessment(
            &NewAssessment { system_id: system, catalog_id: "mhlw-3-checklist".into(), baseline_id: Some(a) },
            &actor,
            now(),
        )
        .await
        .unwrap()
        .id;
    admin(&mut b).await;
    // Just copied: nothing differs.
    let page = b.get(&format!("/assessments/{b_id}")).await;
    assert!(page.body.contains("ベースラインから変わった回答はありません。"), "{}", page.body);
    // This year: org-1 is no longer done, org-2 is now done, org-3 is new, org-2's 実施内容 is new.
    store.set_answer(b_id, &AnswerInput::new("org-1", AnswerResult::NotImplemented), &actor, now()).await.unwrap();
    let mut org2 = AnswerInput::new("org-2", AnswerResult::Implemented);
    org2.how = "規程を改定".into();
    store.set_answer(b_id, &org2, &actor, now()).await.unwrap();
    store.set_answer(b_id, &AnswerInput::new("org-3", AnswerResult::Partial), &actor, now()).await.unwrap();
    let page = b.get(&format!("/assessments/{b_id}")).await;
    let section = &page.body[page.body.find(r#"id="baseline-changes""#).expect("the changes section")..];
    let section = &section[..section.find("</section>").unwrap()];
    let rows: Vec<String> = section
        .split("<tr>")
        .skip(2)
        .map(|row| {
            let row = row.replace("</td>", " ");
            let text: String = row.split('<').map(|piece| piece.split_once('>').map_or(piece, |(_, t)| t)).collect();
            text.split_whitespace().collect::<Vec<_>>().join(" ")
        })
        .collect();
    assert_eq!(
        rows,
        [
            "組織的安全管理対策 1 実施済 → 未実施",
            "組織的安全管理対策 2 一部実施 → 実施済 実施内容",
            "組織的安全管理対策 3 未回答 → 一部実施",
        ],
        "{section}"
    );
    assert!(section.contains(r#"<span class="count">3</span>"#));
    for r in ["org-1", "org-2", "org-3"] {
        assert!(section.contains(&format!(r#"href="/assessments/{b_id}/r/{r}""#)), "{r}");
    }
    // In English the results are English words.
    b.jar.insert("lang".into(), "en".into());
    let en = b.get(&format!("/assessments/{b_id}")).await;
    assert!(en.body.contains("Changes since the baseline"));
    assert!(en.body.contains("implemented</td><td>→</td><td class=\"nowrap\">not implemented"), "{}", en.body);
    b.jar.remove("lang");
    // The baseline itself has none.
    let base = b.get(&format!("/assessments/{a}")).await;
    assert!(base.body.contains("ベースラインなし"));
}

#[tokio::test]
async fn english_pages_show_the_catalogs_english_titles_and_relations_in_words() {
    let (mut b, store) = common::setup().await;
    let (_, a) = org_with_assessment(&store, "A病院").await;
    admin(&mut b).await;
    let ja = b.get("/guidelines/mhlw-5/6.5-c-2").await;
    assert_eq!(ja.status, StatusCode::OK, "{}", ja.body);
    assert!(ja.body.contains("医療情報システムの安全管理に関するガイドライン 第5版</a>"), "{}", ja.body);
    b.jar.insert("lang".into(), "en".into());
    let en = b.get("/guidelines/mhlw-5/6.5-c-2").await;
    let crumbs = &en.body[en.body.find(r#"<p class="crumbs">"#).unwrap()..];
    let crumbs = &crumbs[..crumbs.find("</p>").unwrap()];
    assert!(
        crumbs.contains("Guidelines for the security management of medical information systems, ed. 5"),
        "{crumbs}"
    );
    let panel = &en.body[en.body.find(r#"<aside class="related">"#).unwrap()..];
    // Every catalog heading of the related panel is its English title with the edition in
    // English, as the breadcrumb writes it (", ed. 5"), never the Japanese edition (第5版).
    let set = sansho_catalog::load(&sansho_catalog::bundled_sources()).set.unwrap();
    let headings: Vec<&str> =
        panel.split("<h3>").skip(1).map(|h| &h[h.find("\">").unwrap() + 2..h.find("</a>").unwrap()]).collect();
    assert!(headings.len() >= 2, "{headings:?}");
    for h in &headings {
        assert!(set.catalogs().iter().any(|c| h.starts_with(c.title.en.as_deref().unwrap())), "{h}");
        assert!(!h.contains('第') && !h.contains('版'), "{h}");
    }
    // Relations are words, not ids, in both languages; the guideline text stays Japanese.
    assert!(!panel.contains(">intersects-with<") && !panel.contains(">equivalent-to<"));
    assert!(panel.contains(">overlaps<") || panel.contains(">equivalent<"), "{panel}");
    assert!(ja.body.contains(">対応<") || ja.body.contains(">同等<"));
    let ix = set.resolve("mhlw-5", "6.5 C 2").unwrap();
    let text = set.requirement(ix).text.clone().unwrap();
    let start: String = text.chars().take(12).collect();
    assert!(en.body.contains(&start), "{start}");
    // The dashboard's title and its guideline chart are English too.
    let dash = b.get(&format!("/assessments/{a}")).await;
    assert!(
        dash.body.contains("<h1>Guidelines for the Security Management of Medical Information Systems, 3rd edition"),
        "{}",
        dash.body
    );
    assert!(!dash.body.contains("<h1>医療情報システム"));
}

/// Many requests at once on one session and one page, as a script or a load test sends them:
/// the dashboard is made once, not once per request in flight, and the session's sliding expiry
/// is written once when it falls due, not once per request (each such write waits for the
/// database's write lock and its sync to disk).
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn requests_in_flight_together_make_a_page_once_and_slide_the_session_once() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("sansho.db");
    let set = sansho_catalog::load(&sansho_catalog::bundled_sources()).set.unwrap();
    let store = Store::open(&db).await.unwrap();
    let mut auth = sansho_web::session::AuthConfig::new(vec![9; 32], false, Some(common::SETUP.into()));
    auth.password = sansho_auth::PasswordParams::INSECURE_FOR_TESTS;
    auth.touch_every_ms = 500;
    let state = sansho_web::AppState::new(set, store.clone(), auth);
    let mut b = Browser { app: sansho_web::router(state.clone()), jar: HashMap::new() };
    let (_, a) = org_with_assessment(&store, "A病院").await;
    admin(&mut b).await;
    // The database counts the writes of a session's last-seen time itself, whoever makes them.
    let raw = sqlx::SqlitePool::connect_with(sqlx::sqlite::SqliteConnectOptions::new().filename(&db)).await.unwrap();
    for sql in [
        "CREATE TABLE touch_log (id INTEGER PRIMARY KEY)",
        "CREATE TRIGGER touch_count AFTER UPDATE OF last_seen_at ON sessions
         BEGIN INSERT INTO touch_log (id) VALUES (NULL); END",
    ] {
        sqlx::query(sqlx::AssertSqlSafe(sql)).execute(&raw).await.unwrap();
    }
    let touches = || async { sqlx::query_scalar::<_, i64>("SELECT count(*) FROM touch_log").fetch_one(&raw).await };

    for round in 0..2 {
        // The session falls due for its sliding expiry; after the first round a write has also
        // made the cached dashboard stale.
        tokio::time::sleep(std::time::Duration::from_millis(600)).await;
        let (made, touched) = (state.pages.made(), touches().await.unwrap());
        let mut flight = tokio::task::JoinSet::new();
        for _ in 0..24 {
            let mut b = Browser { app: b.app.clone(), jar: b.jar.clone() };
            flight.spawn(async move { b.get(&format!("/assessments/{a}")).await });
        }
        let pages = flight.join_all().await;
        assert!(pages.iter().all(|p| p.status == StatusCode::OK), "round {round}: every request is served");
        assert!(pages.windows(2).all(|w| w[0].body == w[1].body), "round {round}: one page for all");
        assert_eq!(state.pages.made() - made, 1, "round {round}: the dashboard was made once");
        assert_eq!(touches().await.unwrap() - touched, 1, "round {round}: the session was written once");
        let actor = Actor::new("fixture", "test");
        store.set_answer(a, &AnswerInput::new("org-1", AnswerResult::Implemented), &actor, now()).await.unwrap();
    }
}

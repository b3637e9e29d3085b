//! Users, sessions, recovery codes, emergency accounts, memberships and ownership on real SQLite
//! files: every write is audited and none of the audit records holds a secret.

use sansho_store::{
    Actor, AnswerInput, AnswerResult, AuditFilter, AuditRecord, Date, EvidenceSource, Id, Kind, LockoutPolicy,
    NewAssessment, NewEvidence, NewOrganization, NewSession, NewSystem, NewUser, OrgKind, Role, SequentialIds,
    ServiceModel, Store, StoreError, Timestamp, User, fold_username, sha256_hex,
};

const T0: Timestamp = Timestamp(1_767_225_600_000); // 2026-01-01T00:00:00Z
const MINUTE: i64 = 60_000;
const HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$0123456789abcdef0123456789abcdef0123456789a";
const SECRET: &str = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";

fn at(minutes: i64) -> Timestamp {
    Timestamp(T0.0 + minutes * MINUTE)
}

fn admin() -> Actor {
    Actor::new("admin", "127.0.0.1")
}

async fn open(dir: &tempfile::TempDir) -> Store {
    Store::open(dir.path().join("sansho.db")).await.unwrap().with_ids(SequentialIds::default())
}

fn new_user(name: &str, role: Role) -> NewUser {
    NewUser {
        username: name.into(),
        display_name: format!("{name} さん"),
        password_hash: HASH.into(),
        role,
        is_emergency: false,
    }
}

async fn records(store: &Store) -> Vec<AuditRecord> {
    let mut r = store.audit_log(&AuditFilter { limit: 100_000, ..AuditFilter::default() }).await.unwrap();
    r.reverse();
    r
}

async fn actions_after(store: &Store, skip: usize) -> Vec<String> {
    records(store).await.into_iter().skip(skip).map(|r| r.action).collect()
}

#[tokio::test]
async fn usernames_are_unique_case_folded_and_secrets_stay_out_of_json_and_the_log() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir).await;
    let alice = store.create_user(&new_user(" Alice ", Role::Admin), &Actor::new("setup", "127.0.0.1"), T0).await;
    let alice = alice.unwrap();
    assert_eq!(
        (alice.username.as_str(), alice.role, alice.disabled, alice.is_emergency),
        ("Alice", Role::Admin, false, false)
    );
    assert_eq!((alice.failed_logins, alice.locked_until, alice.totp_enabled), (0, None, false));

    for taken in ["alice", "ALICE", "ａｌｉｃｅ", "ＡＬＩＣＥ ", "\u{3000}alice"] {
        let err = store.create_user(&new_user(taken, Role::Viewer), &admin(), T0).await.unwrap_err();
        assert!(matches!(err, StoreError::UsernameTaken(_)), "{taken}: {err}");
    }
    assert_eq!(fold_username("ＡＬＩＣＥ"), "alice");
    assert_eq!(store.user_by_username("aLiCe").await.unwrap().map(|u| u.id), Some(alice.id));
    assert_eq!(store.user_by_username("bob").await.unwrap(), None);
    assert!(matches!(
        store.create_user(&new_user("  ", Role::Viewer), &admin(), T0).await,
        Err(StoreError::Empty { field: "username" })
    ));

    // Only an argon2id hash is taken, by the API and by the database.
    let plain = NewUser { password_hash: "hunter2".into(), ..new_user("bob", Role::Viewer) };
    assert!(matches!(store.create_user(&plain, &admin(), T0).await, Err(StoreError::NotAnArgon2idHash)));
    let pool =
        sqlx::SqlitePool::connect(&format!("sqlite://{}", dir.path().join("sansho.db").display())).await.unwrap();
    let err = sqlx::query("UPDATE users SET password_hash = 'hunter2'").execute(&pool).await.unwrap_err();
    assert!(err.to_string().contains("CHECK constraint failed"), "{err}");

    let bob = store.create_user(&new_user("bob", Role::Assessor), &admin(), T0).await.unwrap();
    // Two spellings of one name cannot both get in, whoever writes.
    let err = sqlx::query("UPDATE users SET username_folded = 'alice' WHERE username = 'bob'")
        .execute(&pool)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("UNIQUE constraint failed"), "{err}");
    pool.close().await;
    store.set_password_hash(bob.id, &HASH.replace("0123", "9999"), &admin(), at(1)).await.unwrap();
    store.set_role(bob.id, Role::Viewer, &admin(), at(1)).await.unwrap();
    store.set_display_name(bob.id, "ボブ", &admin(), at(1)).await.unwrap();
    store.set_totp_secret(bob.id, SECRET, &admin(), at(1)).await.unwrap();
    let bob = store.user(bob.id).await.unwrap();
    assert_eq!((bob.role, bob.display_name.as_str(), bob.updated_by.as_str()), (Role::Viewer, "ボブ", "admin"));
    assert!(bob.password_hash.contains("9999"));
    assert_eq!(store.users().await.unwrap().iter().map(|u| u.username.as_str()).collect::<Vec<_>>(), ["Alice", "bob"]);

    // JSON shows whether a second factor is set, never the secret or the password hash.
    let json = serde_json::to_value(&bob).unwrap();
    assert_eq!(json["totp_secret_set"], true);
    assert!(json.get("password_hash").is_none() && json.get("totp_secret").is_none(), "{json}");
    assert_eq!(
        actions_after(&store, 0).await,
        [
            "user.create",
            "user.create",
            "user.password_set",
            "user.role_set",
            "user.display_name_set",
            "user.totp_enroll"
        ]
    );
    for r in records(&store).await {
        let text = format!("{:?}{:?}", r.before_json, r.after_json);
        assert!(!text.contains("argon2id") && !text.contains(SECRET), "{text}");
    }
    assert!(store.verify_audit().await.unwrap().is_intact());
}

#[tokio::test]
async fn lockout_fields_round_trip_and_a_login_resets_them() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir).await;
    let user = store.create_user(&new_user("carol", Role::Assessor), &admin(), T0).await.unwrap();
    let policy = LockoutPolicy { max_failures: 3, lock_ms: 15 * MINUTE, max_lock_ms: 24 * 60 * MINUTE };
    let attacker = Actor::new("carol", "203.0.113.5");

    let u = store.record_login_failure(user.id, policy, &attacker, at(1)).await.unwrap();
    assert_eq!((u.failed_logins, u.locked_until), (1, None));
    let u = store.record_login_failure(user.id, policy, &attacker, at(2)).await.unwrap();
    assert_eq!((u.failed_logins, u.locked_until), (2, None));
    let u = store.record_login_failure(user.id, policy, &attacker, at(3)).await.unwrap();
    assert_eq!((u.failed_logins, u.locked_until), (0, Some(at(18))));
    assert!(u.is_locked(at(17)) && !u.is_locked(at(18)));
    // Login bookkeeping is not an edit of the account.
    assert_eq!((u.updated_at, u.updated_by.as_str()), (T0, "admin"));
    store.close().await;

    let store = open(&dir).await;
    assert_eq!(store.user(user.id).await.unwrap(), u, "round trip through the file");
    let u = store.record_login_failure(user.id, policy, &attacker, at(20)).await.unwrap();
    assert_eq!((u.failed_logins, u.locked_until), (1, Some(at(18))));
    let u = store.record_login_success(user.id, &Actor::new("carol", "192.0.2.1"), at(21)).await.unwrap();
    assert_eq!((u.failed_logins, u.locked_until), (0, None));
    store.record_login_failure(user.id, policy, &attacker, at(22)).await.unwrap();
    let u = store.unlock_user(user.id, &admin(), at(23)).await.unwrap();
    assert_eq!((u.failed_logins, u.locked_until, u.updated_by.as_str()), (0, None, "admin"));

    assert_eq!(
        actions_after(&store, 1).await,
        [
            "user.login_failed",
            "user.login_failed",
            "user.login_failed",
            "user.locked",
            "user.login_failed",
            "user.login",
            "user.login_failed",
            "user.unlock",
        ]
    );
    let all = records(&store).await;
    let locked = &all[4];
    assert_eq!((locked.source.as_str(), locked.entity_id.clone()), ("203.0.113.5", Some(user.id.to_string())));
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(locked.after_json.as_ref().unwrap()).unwrap()["locked_until"],
        at(18).0
    );
    let failed: serde_json::Value = serde_json::from_str(all[3].after_json.as_ref().unwrap()).unwrap();
    assert_eq!(failed["locked_until"], at(18).0);
}

#[tokio::test]
async fn each_further_lockout_lasts_twice_as_long_until_a_login_up_to_the_cap() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir).await;
    let user = store.create_user(&new_user("erin", Role::Viewer), &admin(), T0).await.unwrap();
    // 2 failures lock: 10 minutes, then 20, 40, 80, capped at 100.
    let policy = LockoutPolicy { max_failures: 2, lock_ms: 10 * MINUTE, max_lock_ms: 100 * MINUTE };
    let attacker = Actor::new("erin", "203.0.113.9");
    // Fails twice at `t` (minutes) and returns the lock's end and the lockouts counted.
    let lock_at = |t: i64| {
        let (store, attacker) = (store.clone(), attacker.clone());
        async move {
            let first = store.record_login_failure(user.id, policy, &attacker, at(t)).await.unwrap();
            assert!(!first.is_locked(at(t)), "not locked after one failure");
            let u = store.record_login_failure(user.id, policy, &attacker, at(t)).await.unwrap();
            (u.locked_until.map(|u| (u.0 - at(t).0) / MINUTE), u.lock_count)
        }
    };
    assert_eq!(lock_at(0).await, (Some(10), 1));
    assert_eq!(lock_at(10).await, (Some(20), 2));
    assert_eq!(lock_at(30).await, (Some(40), 3));
    assert_eq!(lock_at(70).await, (Some(80), 4));
    assert_eq!(lock_at(150).await, (Some(100), 5), "capped");
    assert_eq!(lock_at(250).await, (Some(100), 6), "stays at the cap");
    let filter = AuditFilter { action: Some("user.locked".into()), limit: 1, ..AuditFilter::default() };
    let rec = store.audit_log(&filter).await.unwrap();
    let last: serde_json::Value = serde_json::from_str(rec[0].after_json.as_deref().unwrap()).unwrap();
    assert_eq!((last["lock_ms"].as_i64(), last["lock_count"].as_i64()), (Some(100 * MINUTE), Some(6)));

    // The count survives a reopen; a successful login starts again from the first lock's length.
    store.close().await;
    let store = open(&dir).await;
    assert_eq!(store.user(user.id).await.unwrap().lock_count, 6);
    let u = store.record_login_success(user.id, &attacker, at(400)).await.unwrap();
    assert_eq!((u.lock_count, u.locked_until), (0, None));
    store.record_login_failure(user.id, policy, &attacker, at(401)).await.unwrap();
    let u = store.record_login_failure(user.id, policy, &attacker, at(401)).await.unwrap();
    assert_eq!((u.locked_until, u.lock_count), (Some(at(411)), 1));
    // So does an admin's unlock.
    store.record_login_failure(user.id, policy, &attacker, at(420)).await.unwrap();
    let u = store.record_login_failure(user.id, policy, &attacker, at(420)).await.unwrap();
    assert_eq!((u.locked_until, u.lock_count), (Some(at(440)), 2));
    let u = store.unlock_user(user.id, &admin(), at(421)).await.unwrap();
    assert_eq!((u.locked_until, u.lock_count), (None, 0));
    store.record_login_failure(user.id, policy, &attacker, at(422)).await.unwrap();
    let u = store.record_login_failure(user.id, policy, &attacker, at(422)).await.unwrap();
    assert_eq!(u.locked_until, Some(at(432)));
    assert!(store.verify_audit().await.unwrap().is_intact());
}

#[tokio::test]
async fn lock_durations_double_and_saturate() {
    let p = LockoutPolicy { max_failures: 5, lock_ms: 15 * MINUTE, max_lock_ms: 24 * 60 * MINUTE };
    let minutes: Vec<i64> = (0..9).map(|n| p.lock_duration(n) / MINUTE).collect();
    assert_eq!(minutes, [15, 30, 60, 120, 240, 480, 960, 1440, 1440]);
    assert_eq!(p.lock_duration(1_000_000), 24 * 60 * MINUTE, "no overflow");
    let odd = LockoutPolicy { max_failures: 5, lock_ms: 15 * MINUTE, max_lock_ms: 0 };
    assert_eq!(odd.lock_duration(3), 15 * MINUTE, "a cap below the first lock is the first lock");
}

#[tokio::test]
async fn totp_steps_are_accepted_once() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir).await;
    let user = store.create_user(&new_user("dave", Role::Admin), &admin(), T0).await.unwrap();
    let me = Actor::new("dave", "192.0.2.1");
    assert!(matches!(store.accept_totp_step(user.id, 1, &me, T0).await, Err(StoreError::NoTotpSecret(_))));
    assert!(matches!(store.enable_totp(user.id, &me, T0).await, Err(StoreError::NoTotpSecret(_))));
    assert!(matches!(store.set_totp_secret(user.id, "not base32!", &me, T0).await, Err(StoreError::NotBase32 { .. })));

    store.set_totp_secret(user.id, SECRET, &me, T0).await.unwrap();
    assert!(store.accept_totp_step(user.id, 100, &me, T0).await.unwrap(), "confirming enrolment");
    let u = store.enable_totp(user.id, &me, T0).await.unwrap();
    assert!(u.totp_enabled && u.totp_secret.as_deref() == Some(SECRET));
    assert!(!store.accept_totp_step(user.id, 100, &me, T0).await.unwrap(), "the same code again");
    assert!(!store.accept_totp_step(user.id, 99, &me, T0).await.unwrap(), "an older code");
    assert!(store.accept_totp_step(user.id, 101, &me, T0).await.unwrap());
    assert_eq!(store.user(user.id).await.unwrap().totp_last_step, Some(101));

    // A new enrolment forgets the old steps; clearing removes the secret.
    let u = store.set_totp_secret(user.id, SECRET, &me, T0).await.unwrap();
    assert_eq!((u.totp_enabled, u.totp_last_step), (false, None));
    let u = store.clear_totp(user.id, &admin(), T0).await.unwrap();
    assert_eq!((u.totp_secret, u.totp_enabled), (None, false));

    assert_eq!(
        actions_after(&store, 1).await,
        [
            "user.totp_enroll",
            "user.totp_used",
            "user.totp_enable",
            "user.totp_replayed",
            "user.totp_replayed",
            "user.totp_used",
            "user.totp_enroll",
            "user.totp_disable",
        ]
    );
    let replay = &records(&store).await[4];
    let attempt: serde_json::Value = serde_json::from_str(replay.after_json.as_ref().unwrap()).unwrap();
    assert_eq!(attempt, serde_json::json!({ "step": 100, "last_step": 100 }));
}

#[tokio::test]
async fn sessions_expire_slide_and_are_revoked() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir).await;
    let user = store.create_user(&new_user("erin", Role::Assessor), &admin(), T0).await.unwrap();
    let me = Actor::new("erin", "192.0.2.44");
    let token = |t: &str| sha256_hex(t.as_bytes());

    let bad = NewSession { token_hash: "secret-token".into(), user_id: user.id, expires_at: at(30), mfa_passed: false };
    assert!(matches!(store.create_session(&bad, &me, T0).await, Err(StoreError::NotASha256Hex { .. })));
    let new = NewSession { token_hash: token("t1"), user_id: user.id, expires_at: at(30), mfa_passed: false };
    let s1 = store.create_session(&new, &me, T0).await.unwrap();
    assert_eq!((s1.source.as_str(), s1.created_at, s1.last_seen_at, s1.mfa_passed), ("192.0.2.44", T0, T0, false));
    assert_eq!(store.session_by_token_hash(&token("t1"), at(29)).await.unwrap(), Some(s1.clone()));
    assert_eq!(store.session_by_token_hash(&token("t1"), at(30)).await.unwrap(), None, "expired");
    assert_eq!(store.session_by_token_hash(&token("other"), at(1)).await.unwrap(), None);

    // Sliding expiry, only while valid.
    assert!(store.touch_session(s1.id, at(20), at(50)).await.unwrap());
    let s = store.session_by_token_hash(&token("t1"), at(40)).await.unwrap().unwrap();
    assert_eq!((s.last_seen_at, s.expires_at), (at(20), at(50)));
    assert!(!store.touch_session(s1.id, at(60), at(90)).await.unwrap(), "expired sessions do not come back");
    let s = store.pass_session_mfa(s1.id, &me, at(45)).await.unwrap();
    assert!(s.mfa_passed);

    // Revoking one, then all.
    assert!(store.revoke_session(s1.id, &me, at(46)).await.unwrap());
    assert!(!store.revoke_session(s1.id, &me, at(46)).await.unwrap());
    assert_eq!(store.session_by_token_hash(&token("t1"), at(47)).await.unwrap(), None, "revoked");
    assert!(!store.touch_session(s1.id, at(47), at(90)).await.unwrap());
    for t in ["t2", "t3"] {
        let new = NewSession { token_hash: token(t), user_id: user.id, expires_at: at(100), mfa_passed: true };
        store.create_session(&new, &me, at(50)).await.unwrap();
    }
    assert_eq!(store.sessions_of(user.id, at(51)).await.unwrap().len(), 2);
    assert_eq!(store.revoke_sessions_of(user.id, &admin(), at(52)).await.unwrap(), 2);
    assert!(store.sessions_of(user.id, at(53)).await.unwrap().is_empty());
    assert_eq!(store.session_by_token_hash(&token("t2"), at(53)).await.unwrap(), None);

    // Disabling a user revokes their sessions and refuses new ones and logins.
    let new = NewSession { token_hash: token("t4"), user_id: user.id, expires_at: at(100), mfa_passed: true };
    store.create_session(&new, &me, at(60)).await.unwrap();
    store.set_user_disabled(user.id, true, &admin(), at(61)).await.unwrap();
    assert_eq!(store.session_by_token_hash(&token("t4"), at(62)).await.unwrap(), None);
    let new = NewSession { token_hash: token("t5"), user_id: user.id, expires_at: at(100), mfa_passed: true };
    assert!(matches!(store.create_session(&new, &me, at(62)).await, Err(StoreError::UserDisabled(_))));
    assert!(matches!(store.record_login_success(user.id, &me, at(62)).await, Err(StoreError::UserDisabled(_))));

    assert_eq!(
        actions_after(&store, 1).await,
        [
            "session.create",
            "session.mfa_passed",
            "session.revoke",
            "session.create",
            "session.create",
            "session.revoke",
            "session.revoke",
            "session.create",
            "user.disable",
            "session.revoke",
        ]
    );
    for r in records(&store).await {
        let text = format!("{:?}{:?}", r.before_json, r.after_json);
        assert!(!text.contains(&token("t1")) && !text.contains("token_hash"), "{text}");
    }
    assert!(store.verify_audit().await.unwrap().is_intact());
}

#[tokio::test]
async fn a_recovery_code_works_once() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir).await;
    let user = store.create_user(&new_user("frank", Role::Viewer), &admin(), T0).await.unwrap();
    let me = Actor::new("frank", "192.0.2.1");
    let hashes: Vec<String> =
        ["AAAA-1111", "BBBB-2222", "CCCC-3333"].iter().map(|c| sha256_hex(c.as_bytes())).collect();
    assert!(matches!(
        store.set_recovery_codes(user.id, &["AAAA-1111".into()], &me, T0).await,
        Err(StoreError::NotASha256Hex { .. })
    ));
    store.set_recovery_codes(user.id, &hashes, &me, T0).await.unwrap();
    assert_eq!(store.recovery_codes_left(user.id).await.unwrap(), 3);

    store.use_recovery_code(user.id, &hashes[1], &me, at(1)).await.unwrap();
    let count = records(&store).await.len();
    let err = store.use_recovery_code(user.id, &hashes[1], &me, at(2)).await.unwrap_err();
    assert!(matches!(err, StoreError::RecoveryCodeRejected), "{err}");
    let unknown = sha256_hex(b"ZZZZ-9999");
    assert!(matches!(
        store.use_recovery_code(user.id, &unknown, &me, at(2)).await,
        Err(StoreError::RecoveryCodeRejected)
    ));
    assert_eq!(records(&store).await.len(), count, "a refused code writes nothing");
    assert_eq!(store.recovery_codes_left(user.id).await.unwrap(), 2);

    // Another user cannot use frank's code.
    let other = store.create_user(&new_user("grace", Role::Viewer), &admin(), T0).await.unwrap();
    assert!(matches!(
        store.use_recovery_code(other.id, &hashes[0], &me, at(3)).await,
        Err(StoreError::RecoveryCodeRejected)
    ));

    // New codes replace the old ones.
    store.set_recovery_codes(user.id, &hashes[..1], &me, at(4)).await.unwrap();
    assert_eq!(store.recovery_codes_left(user.id).await.unwrap(), 1);
    store.use_recovery_code(user.id, &hashes[0], &me, at(5)).await.unwrap();
    assert_eq!(store.recovery_codes_left(user.id).await.unwrap(), 0);

    let all = records(&store).await;
    let actions: Vec<_> = all.iter().map(|r| r.action.as_str()).collect();
    assert_eq!(
        actions,
        [
            "user.create",
            "user.recovery_codes_set",
            "user.recovery_code_used",
            "user.create",
            "user.recovery_codes_set",
            "user.recovery_code_used",
        ]
    );
    assert_eq!(all[1].after_json.as_deref(), Some(r#"{"unused_codes":3}"#));
    assert_eq!(all[4].before_json.as_deref(), Some(r#"{"unused_codes":2}"#));
    assert!(all.iter().all(|r| !format!("{:?}", r.after_json).contains(&hashes[0])));
}

#[tokio::test]
async fn emergency_accounts_start_disabled_and_every_use_waits_for_an_admin() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir).await;
    let new = NewUser { is_emergency: true, ..new_user("emergency", Role::Admin) };
    let user = store.create_user(&new, &admin(), T0).await.unwrap();
    assert!(user.disabled && user.is_emergency);
    let from = Actor::new("emergency", "10.0.0.9");
    assert!(matches!(store.record_login_success(user.id, &from, at(1)).await, Err(StoreError::UserDisabled(_))));
    assert!(store.emergency_uses(false).await.unwrap().is_empty());

    store.set_user_disabled(user.id, false, &admin(), at(2)).await.unwrap();
    store.record_login_success(user.id, &from, at(3)).await.unwrap();
    store.record_login_success(user.id, &from, at(4)).await.unwrap();
    let open_uses = store.emergency_uses(true).await.unwrap();
    assert_eq!(
        open_uses.iter().map(|u| (u.username.as_str(), u.used_at, u.source.as_str())).collect::<Vec<_>>(),
        [("emergency", at(3), "10.0.0.9"), ("emergency", at(4), "10.0.0.9")]
    );
    let acked = store.acknowledge_emergency_use(open_uses[0].id, None, &admin(), at(5)).await.unwrap();
    assert_eq!((acked.acknowledged_by.as_deref(), acked.acknowledged_at), (Some("admin"), Some(at(5))));
    let again = store.acknowledge_emergency_use(open_uses[0].id, None, &Actor::cli("other"), at(6)).await.unwrap();
    assert_eq!(again, acked, "acknowledging twice changes nothing");
    assert_eq!(store.emergency_uses(true).await.unwrap().iter().map(|u| u.id).collect::<Vec<_>>(), [open_uses[1].id]);
    assert_eq!(store.emergency_uses(false).await.unwrap().len(), 2);
    let nobody = Id::from_u128(999);
    assert!(matches!(
        store.acknowledge_emergency_use(nobody, None, &admin(), at(6)).await,
        Err(StoreError::UnknownEmergencyUse(_))
    ));

    // A normal account's login records no emergency use.
    let normal = store.create_user(&new_user("henry", Role::Viewer), &admin(), T0).await.unwrap();
    store.record_login_success(normal.id, &Actor::new("henry", "192.0.2.1"), at(7)).await.unwrap();
    assert_eq!(store.emergency_uses(false).await.unwrap().len(), 2);

    assert_eq!(
        actions_after(&store, 0).await,
        [
            "user.create",
            "user.enable",
            "user.login",
            "emergency.use",
            "user.login",
            "emergency.use",
            "emergency.acknowledge",
            "user.create",
            "user.login",
        ]
    );
}

/// Two organizations, each with a system, an assessment and an answer; evidence of each kind.
struct World {
    a: Id,
    b: Id,
    system_a: Id,
    assessment_a: Id,
    answer_a: Id,
    answer_b: Id,
}

async fn world(store: &Store) -> World {
    let who = Actor::cli("setup");
    let mut orgs = Vec::new();
    for name in ["A 病院", "B 事業者"] {
        let org = store
            .create_organization(
                &NewOrganization { name: name.into(), kind: OrgKind::MedicalInstitution, vendor_position: None },
                &who,
                T0,
            )
            .await
            .unwrap();
        let system = store
            .create_system(
                &NewSystem {
                    organization_id: org.id,
                    name: "電子カルテ".into(),
                    service_model: ServiceModel::OnPremises,
                    description: String::new(),
                },
                &who,
                T0,
            )
            .await
            .unwrap();
        let assessment = store
            .create_assessment(
                &NewAssessment { system_id: system.id, catalog_id: "mhlw-5".into(), baseline_id: None },
                &who,
                T0,
            )
            .await
            .unwrap();
        let answer =
            store.set_answer(assessment.id, &AnswerInput::new("1", AnswerResult::Implemented), &who, T0).await.unwrap();
        orgs.push((org.id, system.id, assessment.id, answer.id));
    }
    World {
        a: orgs[0].0,
        b: orgs[1].0,
        system_a: orgs[0].1,
        assessment_a: orgs[0].2,
        answer_a: orgs[0].3,
        answer_b: orgs[1].3,
    }
}

fn link(title: &str, organization_id: Option<Id>) -> NewEvidence {
    let effective_date: Date = "2026-01-01".parse().unwrap();
    NewEvidence {
        title: title.into(),
        source: EvidenceSource::Link { url: format!("https://example.com/{title}") },
        effective_date,
        expiry_date: None,
        organization_id,
    }
}

#[tokio::test]
async fn memberships_decide_which_organizations_a_user_sees() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir).await;
    let w = world(&store).await;
    let admin_user: User = store.create_user(&new_user("root", Role::Admin), &admin(), T0).await.unwrap();
    let viewer = store.create_user(&new_user("viewer", Role::Viewer), &admin(), T0).await.unwrap();
    let skip = records(&store).await.len();

    assert!(store.add_membership(viewer.id, w.a, &admin(), at(1)).await.unwrap());
    assert!(!store.add_membership(viewer.id, w.a, &admin(), at(1)).await.unwrap(), "already a member");
    assert!(store.add_membership(admin_user.id, w.b, &admin(), at(1)).await.unwrap());
    assert!(store.is_member(viewer.id, w.a).await.unwrap());
    assert!(!store.is_member(viewer.id, w.b).await.unwrap());
    // An admin sees only the organizations they belong to, too.
    assert!(!store.is_member(admin_user.id, w.a).await.unwrap());
    let names = |orgs: Vec<sansho_store::Organization>| orgs.into_iter().map(|o| o.name).collect::<Vec<_>>();
    assert_eq!(names(store.organizations_of(viewer.id).await.unwrap()), ["A 病院"]);
    assert_eq!(names(store.organizations_of(admin_user.id).await.unwrap()), ["B 事業者"]);
    assert_eq!(store.members_of(w.a).await.unwrap().into_iter().map(|u| u.id).collect::<Vec<_>>(), [viewer.id]);

    for kind_id in [
        (Kind::Organization, w.a),
        (Kind::System, w.system_a),
        (Kind::Assessment, w.assessment_a),
        (Kind::Answer, w.answer_a),
    ] {
        assert!(store.can_access(viewer.id, kind_id.0, kind_id.1).await.unwrap(), "{kind_id:?}");
        assert!(!store.can_access(admin_user.id, kind_id.0, kind_id.1).await.unwrap(), "{kind_id:?}");
    }
    assert!(store.can_access(admin_user.id, Kind::Answer, w.answer_b).await.unwrap());

    assert!(store.remove_membership(viewer.id, w.a, &admin(), at(2)).await.unwrap());
    assert!(!store.remove_membership(viewer.id, w.a, &admin(), at(2)).await.unwrap());
    assert!(!store.can_access(viewer.id, Kind::Answer, w.answer_a).await.unwrap());
    assert!(store.organizations_of(viewer.id).await.unwrap().is_empty());
    let nobody = Id::from_u128(999);
    assert!(matches!(store.add_membership(nobody, w.a, &admin(), at(3)).await, Err(StoreError::UnknownUser(_))));
    assert!(matches!(
        store.add_membership(viewer.id, nobody, &admin(), at(3)).await,
        Err(StoreError::UnknownOrganization(_))
    ));

    let all = records(&store).await;
    let added = &all[skip];
    assert_eq!(
        (added.action.as_str(), added.entity_kind.as_str(), added.entity_id.clone()),
        ("membership.add", "user", Some(viewer.id.to_string()))
    );
    let after: serde_json::Value = serde_json::from_str(added.after_json.as_ref().unwrap()).unwrap();
    assert_eq!(after["organization_id"], w.a.to_string());
    let removed = all.last().unwrap();
    assert_eq!((removed.action.as_str(), removed.after_json.as_deref()), ("membership.remove", None));
    let before: serde_json::Value = serde_json::from_str(removed.before_json.as_ref().unwrap()).unwrap();
    assert_eq!(
        (before["organization_id"].as_str(), before["created_at"].as_i64()),
        (Some(w.a.to_string().as_str()), Some(at(1).0))
    );
    assert_eq!(all.len(), skip + 3);
}

#[tokio::test]
async fn every_id_kind_names_its_owning_organizations() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir).await;
    let w = world(&store).await;
    let who = Actor::cli("setup");

    assert_eq!(store.owners(Kind::Organization, w.a).await.unwrap(), [w.a]);
    assert_eq!(store.organization_of_system(w.system_a).await.unwrap(), w.a);
    assert_eq!(store.owners(Kind::System, w.system_a).await.unwrap(), [w.a]);
    assert_eq!(store.organization_of_assessment(w.assessment_a).await.unwrap(), w.a);
    assert_eq!(store.owners(Kind::Assessment, w.assessment_a).await.unwrap(), [w.a]);
    assert_eq!(store.organization_of_answer(w.answer_b).await.unwrap(), w.b);
    assert_eq!(store.owners(Kind::Answer, w.answer_a).await.unwrap(), [w.a]);

    // Evidence attached to nothing belongs to its uploader (or to nobody when none was recorded).
    let uploaded = store.add_evidence(&link("policy", Some(w.a)), &who, T0).await.unwrap();
    assert_eq!(uploaded.organization_id, Some(w.a));
    assert_eq!(store.organizations_of_evidence(uploaded.id).await.unwrap(), [w.a]);
    let orphan = store.add_evidence(&link("orphan", None), &who, T0).await.unwrap();
    assert!(store.owners(Kind::Evidence, orphan.id).await.unwrap().is_empty());
    // Attached, it belongs to the organizations of its answers.
    store.attach_evidence(w.answer_b, uploaded.id, &who, T0).await.unwrap();
    assert_eq!(store.owners(Kind::Evidence, uploaded.id).await.unwrap(), [w.b]);
    store.attach_evidence(w.answer_a, uploaded.id, &who, T0).await.unwrap();
    let mut both = vec![w.a, w.b];
    both.sort();
    assert_eq!(store.owners(Kind::Evidence, uploaded.id).await.unwrap(), both);
    store.attach_evidence(w.answer_a, orphan.id, &who, T0).await.unwrap();
    assert_eq!(store.owners(Kind::Evidence, orphan.id).await.unwrap(), [w.a]);

    // Unknown ids are each kind's typed error (a web layer answers 404).
    let nobody = Id::from_u128(999);
    assert!(matches!(store.owners(Kind::Organization, nobody).await, Err(StoreError::UnknownOrganization(_))));
    assert!(matches!(store.owners(Kind::System, nobody).await, Err(StoreError::UnknownSystem(_))));
    assert!(matches!(store.owners(Kind::Assessment, nobody).await, Err(StoreError::UnknownAssessment(_))));
    assert!(matches!(store.owners(Kind::Answer, nobody).await, Err(StoreError::UnknownAnswer(_))));
    assert!(matches!(store.owners(Kind::Evidence, nobody).await, Err(StoreError::UnknownEvidence(_))));
    let user = store.create_user(&new_user("ivan", Role::Viewer), &admin(), T0).await.unwrap();
    assert!(matches!(store.can_access(user.id, Kind::Answer, nobody).await, Err(StoreError::UnknownAnswer(_))));
}

async fn session_for(store: &Store, user: Id, tag: char, now: Timestamp) -> Id {
    let new = NewSession {
        token_hash: tag.to_string().repeat(64),
        user_id: user,
        expires_at: Timestamp(now.0 + 30 * MINUTE),
        mfa_passed: true,
    };
    store.create_session(&new, &admin(), now).await.unwrap().id
}

/// issue 11 §1.4: an admin's password or second-factor reset ends every session of the user in
/// its own transaction, and a reset password must be changed at the next login.
#[tokio::test]
async fn resets_by_an_admin_end_every_session_in_the_same_transaction() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir).await;
    let bob = store.create_user(&new_user("bob", Role::Assessor), &admin(), T0).await.unwrap();
    session_for(&store, bob.id, 'a', T0).await;
    session_for(&store, bob.id, 'b', T0).await;
    let skip = records(&store).await.len();
    let reset = store.reset_password_hash(bob.id, &HASH.replace("0123", "4567"), &admin(), at(1)).await.unwrap();
    assert!(reset.must_change_password);
    assert!(store.sessions_of(bob.id, at(1)).await.unwrap().is_empty());
    assert_eq!(actions_after(&store, skip).await, ["user.password_reset", "session.revoke", "session.revoke"]);
    // The user's own change clears the forced change.
    let own = store.set_password_hash(bob.id, HASH, &Actor::new("bob", "127.0.0.1"), at(2)).await.unwrap();
    assert!(!own.must_change_password);

    store.enrol_totp(bob.id, SECRET, 5, &[sha256_hex(b"code")], &admin(), at(2)).await.unwrap();
    session_for(&store, bob.id, 'c', at(3)).await;
    let skip = records(&store).await.len();
    let cleared = store.reset_totp(bob.id, &admin(), at(4)).await.unwrap();
    assert!(!cleared.totp_enabled && cleared.totp_secret.is_none());
    assert_eq!(store.recovery_codes_left(bob.id).await.unwrap(), 0);
    assert!(store.sessions_of(bob.id, at(4)).await.unwrap().is_empty());
    assert_eq!(actions_after(&store, skip).await, ["user.totp_disable", "user.recovery_codes_set", "session.revoke"]);
    assert!(store.verify_audit().await.unwrap().is_intact());
}

/// issue 11 §1.9: the first user is made only while there is none, checked and inserted in one
/// transaction: of concurrent first starts one makes a user.
#[tokio::test]
async fn only_one_first_user_is_made_however_many_try_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir).await;
    let (one, two, three, who) =
        (new_user("one", Role::Admin), new_user("two", Role::Admin), new_user("three", Role::Admin), admin());
    let (a, b, c) = tokio::join!(
        store.create_first_user(&one, &who, T0),
        store.create_first_user(&two, &who, T0),
        store.create_first_user(&three, &who, T0),
    );
    let made = [a.unwrap(), b.unwrap(), c.unwrap()].into_iter().flatten().count();
    assert_eq!(made, 1);
    assert_eq!(store.users().await.unwrap().len(), 1);
}

/// issue 11 §1.3: an emergency account acknowledges no use (nor anyone a use of their own
/// account), and it lapses — disabled again, audited, sessions revoked — a set time after it was
/// enabled, or once it was used and has no session left.
#[tokio::test]
async fn an_emergency_account_acknowledges_nothing_and_lapses_after_its_time_or_its_session() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir).await;
    let boss = store.create_user(&new_user("boss", Role::Admin), &admin(), T0).await.unwrap();
    let new = NewUser { is_emergency: true, ..new_user("kinkyu", Role::Admin) };
    let e = store.create_user(&new, &admin(), T0).await.unwrap();
    let from = Actor::new("kinkyu", "10.0.0.9");
    let expiry = Actor::new("sansho", "emergency-expiry");
    const HOUR: i64 = 60;

    // Enabled at 1, signed in at 2 with a session: not lapsed before its time.
    store.set_user_disabled(e.id, false, &admin(), at(1)).await.unwrap();
    assert_eq!(store.user(e.id).await.unwrap().enabled_at, Some(at(1)));
    session_for(&store, e.id, 'e', at(2)).await;
    store.record_login_success(e.id, &from, at(2)).await.unwrap();
    let used = store.emergency_uses(true).await.unwrap()[0].id;
    assert!(matches!(
        store.acknowledge_emergency_use(used, Some(e.id), &from, at(3)).await,
        Err(StoreError::EmergencySelfAcknowledge)
    ));
    assert_eq!(store.emergency_uses(true).await.unwrap().len(), 1);
    assert!(store.disable_lapsed_emergency_accounts(4 * HOUR * MINUTE, &expiry, at(3)).await.unwrap().is_empty());
    // Four hours after it was enabled: disabled, with its session.
    let skip = records(&store).await.len();
    let lapsed = store.disable_lapsed_emergency_accounts(4 * HOUR * MINUTE, &expiry, at(1 + 4 * HOUR)).await.unwrap();
    assert_eq!(lapsed.iter().map(|u| u.id).collect::<Vec<_>>(), [e.id]);
    assert!(store.user(e.id).await.unwrap().disabled);
    // (Its session had expired by then: nothing left to revoke.)
    assert_eq!(actions_after(&store, skip).await, ["user.disable", "emergency.lapse"]);
    let lapse = records(&store).await.into_iter().find(|r| r.action == "emergency.lapse").unwrap();
    assert!(lapse.after_json.unwrap().contains(r#""reason":"time""#));

    // Enabled again and used; its session is revoked: it lapses at once, not four hours later.
    store.set_user_disabled(e.id, false, &admin(), at(500)).await.unwrap();
    let s = session_for(&store, e.id, 'f', at(501)).await;
    store.record_login_success(e.id, &from, at(501)).await.unwrap();
    assert!(store.disable_lapsed_emergency_accounts(4 * HOUR * MINUTE, &expiry, at(502)).await.unwrap().is_empty());
    store.revoke_session(s, &from, at(503)).await.unwrap();
    let lapsed = store.disable_lapsed_emergency_accounts(4 * HOUR * MINUTE, &expiry, at(503)).await.unwrap();
    assert_eq!(lapsed.len(), 1);
    // Another admin acknowledges; a normal account is never touched.
    store.acknowledge_emergency_use(used, Some(boss.id), &admin(), at(504)).await.unwrap();
    assert!(!store.user(boss.id).await.unwrap().disabled);
    assert!(store.verify_audit().await.unwrap().is_intact());
}

/// The roles exempted from the second factor: stored, audited, never admins.
#[tokio::test]
async fn roles_exempted_from_the_second_factor_are_a_setting_admins_never_are() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir).await;
    assert!(store.totp_exempt_roles().await.unwrap().is_empty());
    let set = store.set_totp_exempt_roles(&[Role::Viewer, Role::Viewer], &admin(), T0).await.unwrap();
    assert_eq!(set, [Role::Viewer]);
    assert_eq!(store.totp_exempt_roles().await.unwrap(), [Role::Viewer]);
    assert!(store.set_totp_exempt_roles(&[Role::Admin], &admin(), T0).await.is_err());
    let skip = records(&store).await.len();
    store.set_totp_exempt_roles(&[Role::Viewer], &admin(), at(1)).await.unwrap();
    assert_eq!(actions_after(&store, skip).await.len(), 0, "an unchanged setting records nothing");
    store.set_totp_exempt_roles(&[], &admin(), at(2)).await.unwrap();
    assert!(store.totp_exempt_roles().await.unwrap().is_empty());
    assert_eq!(actions_after(&store, 0).await, ["settings.totp_exempt_roles", "settings.totp_exempt_roles"]);
}

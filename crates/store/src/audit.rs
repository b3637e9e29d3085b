//! The audit trail: an append-only, hash-chained log of every mutating action, written in the
//! transaction of the action, and its verification.
//!
//! Each record is numbered `seq` = 1, 2, 3, … without gaps and carries `hash`, the lowercase hex
//! SHA-256 of this exact byte string:
//!
//! ```text
//! "sansho-audit-v1\n" field(seq) field(at) field(actor) field(source) field(action)
//!                     field(entity_kind) field(entity_id) field(before_json) field(after_json)
//!                     field(prev_hash)
//! field(NULL)  = "-"
//! field(value) = <UTF-8 byte length of value, decimal> ":" <value, UTF-8> ","     (a netstring)
//! ```
//!
//! Integers (`seq`, `at`) are written as their decimal text; `before_json`/`after_json` are the
//! stored JSON text byte for byte (so no JSON canonicalisation is involved: whatever text is
//! stored is what is hashed). Every field starts with `-` or a digit and a netstring says its own
//! length, so no two different records encode to the same bytes. `prev_hash` is the previous
//! record's `hash` (64 zeros for the first record), so editing, removing or reordering a record
//! breaks the chain after it. The one-row `audit_head` holds the last seq and hash, updated in the
//! same transaction, so a deleted tail is caught too.

use std::fmt::{self, Write as _};

use serde::{Serialize, Serializer};
use sha2::{Digest, Sha256};
use sqlx::Row as _;

use crate::backend::{Conn, Row};

use crate::{Actor, Result, Store, StoreError, Timestamp, limits};

/// The `prev_hash` of the first record.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Records read per query while verifying.
const PAGE: i64 = 1000;

const AUDIT_COLUMNS: &str =
    "seq, at, actor, source, action, entity_kind, entity_id, before_json, after_json, prev_hash, hash";

/// One record of the audit log, as stored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AuditRecord {
    /// Its number: 1, 2, 3, … without gaps.
    pub seq: i64,
    /// When the action was done.
    pub at: Timestamp,
    /// Who did it (a username, or the name given at the command line).
    pub actor: String,
    /// The client's address, or `cli`.
    pub source: String,
    /// What was done, e.g. `answer.set`, `assessment.create`, `user.login_failed`.
    pub action: String,
    /// What it was done to: `organization`, `system`, `assessment`, `answer`, `evidence`, `user`,
    /// `session`, `emergency-use`.
    pub entity_kind: String,
    /// The entity's id, where it has one.
    pub entity_id: Option<String>,
    /// The entity before the action, as the JSON text that was hashed (`None`: it did not exist).
    #[serde(rename = "before", serialize_with = "embedded_json")]
    pub before_json: Option<String>,
    /// The entity after the action (`None`: it no longer exists or the action changed no row).
    #[serde(rename = "after", serialize_with = "embedded_json")]
    pub after_json: Option<String>,
    /// The previous record's `hash` ([`GENESIS_HASH`] for the first).
    pub prev_hash: String,
    /// The SHA-256 of this record's fields and `prev_hash` (see the module's documentation).
    pub hash: String,
}

/// Stored JSON text serializes as the JSON it holds (or as a string if it is not JSON).
fn embedded_json<S: Serializer>(text: &Option<String>, s: S) -> std::result::Result<S::Ok, S::Error> {
    match text {
        None => s.serialize_none(),
        Some(t) => match serde_json::from_str::<serde_json::Value>(t) {
            Ok(v) => v.serialize(s),
            Err(_) => s.serialize_str(t),
        },
    }
}

fn netstring(out: &mut Vec<u8>, value: Option<&str>) {
    match value {
        None => out.push(b'-'),
        Some(v) => {
            out.extend_from_slice(v.len().to_string().as_bytes());
            out.push(b':');
            out.extend_from_slice(v.as_bytes());
            out.push(b',');
        }
    }
}

impl AuditRecord {
    /// The hash this record's content (every column but `hash`) should have.
    pub fn compute_hash(&self) -> String {
        let mut bytes = b"sansho-audit-v1\n".to_vec();
        netstring(&mut bytes, Some(&self.seq.to_string()));
        netstring(&mut bytes, Some(&self.at.0.to_string()));
        netstring(&mut bytes, Some(&self.actor));
        netstring(&mut bytes, Some(&self.source));
        netstring(&mut bytes, Some(&self.action));
        netstring(&mut bytes, Some(&self.entity_kind));
        netstring(&mut bytes, self.entity_id.as_deref());
        netstring(&mut bytes, self.before_json.as_deref());
        netstring(&mut bytes, self.after_json.as_deref());
        netstring(&mut bytes, Some(&self.prev_hash));
        Sha256::digest(&bytes).iter().fold(String::with_capacity(64), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
    }
}

fn record_from_row(r: &Row) -> Result<AuditRecord> {
    Ok(AuditRecord {
        seq: r.try_get("seq")?,
        at: Timestamp(r.try_get("at")?),
        actor: r.try_get("actor")?,
        source: r.try_get("source")?,
        action: r.try_get("action")?,
        entity_kind: r.try_get("entity_kind")?,
        entity_id: r.try_get("entity_id")?,
        before_json: r.try_get("before_json")?,
        after_json: r.try_get("after_json")?,
        prev_hash: r.try_get("prev_hash")?,
        hash: r.try_get("hash")?,
    })
}

/// What an action did, for its audit record: built by the store's own writes, or given by a
/// caller for an event that changes no row ([`Store::record_event`]).
#[derive(Clone, Debug, PartialEq)]
pub struct AuditEvent {
    /// The record's `action` (`user.logout`, …).
    pub action: String,
    /// The record's `entity_kind`.
    pub entity_kind: String,
    /// The record's `entity_id`.
    pub entity_id: Option<String>,
    /// Stored as the record's `before_json`.
    pub before: Option<serde_json::Value>,
    /// Stored as the record's `after_json`.
    pub after: Option<serde_json::Value>,
}

impl AuditEvent {
    /// An event with neither a before nor an after.
    pub fn new(action: impl Into<String>, entity_kind: impl Into<String>, entity_id: Option<String>) -> AuditEvent {
        AuditEvent { action: action.into(), entity_kind: entity_kind.into(), entity_id, before: None, after: None }
    }
}

/// The store's own audit entries: the entity's rows serialized to JSON text.
pub(crate) struct Change {
    action: String,
    entity_kind: String,
    entity_id: Option<String>,
    before: Option<String>,
    after: Option<String>,
}

pub(crate) fn change(action: &str, entity_kind: &str, entity_id: impl ToString) -> Change {
    Change {
        action: action.to_owned(),
        entity_kind: entity_kind.to_owned(),
        entity_id: Some(entity_id.to_string()),
        before: None,
        after: None,
    }
}

impl Change {
    pub(crate) fn before<T: Serialize + ?Sized>(mut self, value: &T) -> Result<Change> {
        self.before = Some(serde_json::to_string(value)?);
        Ok(self)
    }
    pub(crate) fn after<T: Serialize + ?Sized>(mut self, value: &T) -> Result<Change> {
        self.after = Some(serde_json::to_string(value)?);
        Ok(self)
    }
}

/// Appends one record inside the caller's transaction and moves the head to it. Returns its seq.
pub(crate) async fn append(conn: &mut Conn, actor: &Actor, now: Timestamp, change: Change) -> Result<i64> {
    let head: Option<(i64, String)> =
        sqlx::query_as("SELECT last_seq, last_hash FROM audit_head WHERE id = 1").fetch_optional(&mut *conn).await?;
    let (last_seq, last_hash) = head.ok_or(StoreError::AuditHeadMissing)?;
    let mut record = AuditRecord {
        seq: last_seq + 1,
        at: now,
        actor: actor.name.clone(),
        source: actor.source.clone(),
        action: change.action,
        entity_kind: change.entity_kind,
        entity_id: change.entity_id,
        before_json: change.before,
        after_json: change.after,
        prev_hash: last_hash,
        hash: String::new(),
    };
    record.hash = record.compute_hash();
    sqlx::query(
        "INSERT INTO audit_log (seq, at, actor, source, action, entity_kind, entity_id, before_json, after_json,
                                prev_hash, hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(record.seq)
    .bind(record.at.0)
    .bind(&record.actor)
    .bind(&record.source)
    .bind(&record.action)
    .bind(&record.entity_kind)
    .bind(&record.entity_id)
    .bind(&record.before_json)
    .bind(&record.after_json)
    .bind(&record.prev_hash)
    .bind(&record.hash)
    .execute(&mut *conn)
    .await?;
    sqlx::query("UPDATE audit_head SET last_seq = $1, last_hash = $2 WHERE id = 1")
        .bind(record.seq)
        .bind(&record.hash)
        .execute(&mut *conn)
        .await?;
    Ok(record.seq)
}

/// What `audit_head` says: the last record's seq and hash.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AuditHead {
    /// The last record's seq.
    pub seq: i64,
    /// The last record's hash.
    pub hash: String,
}

/// The first thing wrong with the audit log, in seq order (the head is checked last).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum AuditProblem {
    /// The record's content does not hash to its stored hash: it was edited (a changed seq is an
    /// edit too, so two swapped records show here).
    Edited {
        /// The edited record.
        seq: i64,
        /// The hash stored in it.
        stored_hash: String,
        /// The hash of its content.
        computed_hash: String,
    },
    /// The record's `prev_hash` is not the previous record's hash: the previous record was
    /// replaced (with a recomputed hash) or this link was edited.
    BrokenLink {
        /// The record whose link is broken.
        seq: i64,
        /// Its `prev_hash`.
        prev_hash: String,
        /// The previous record's hash.
        previous_hash: String,
    },
    /// Record `seq` was expected next but `found` came instead: records were deleted (or renumbered).
    Gap {
        /// The seq expected.
        seq: i64,
        /// The seq found.
        found: i64,
    },
    /// The head names a later record than the last one there is: the tail from `seq` on was deleted.
    TailMissing {
        /// The first missing record.
        seq: i64,
        /// The last record the head names.
        head_seq: i64,
    },
    /// The last record is not the one the head names: records were added or the last one rewritten
    /// without going through the store.
    HeadMismatch {
        /// The first record the head does not account for.
        seq: i64,
        /// The seq the head holds.
        head_seq: i64,
        /// The hash the head holds.
        head_hash: String,
        /// The last record's hash.
        last_hash: String,
    },
    /// The head row is gone.
    HeadMissing,
    /// A record cannot be read (a column holds the wrong type).
    Unreadable {
        /// The unreadable record.
        seq: i64,
        /// What could not be read.
        detail: String,
    },
}

impl AuditProblem {
    /// The record the problem is found at (none for a missing head).
    pub fn seq(&self) -> Option<i64> {
        match self {
            AuditProblem::Edited { seq, .. }
            | AuditProblem::BrokenLink { seq, .. }
            | AuditProblem::Gap { seq, .. }
            | AuditProblem::TailMissing { seq, .. }
            | AuditProblem::HeadMismatch { seq, .. }
            | AuditProblem::Unreadable { seq, .. } => Some(*seq),
            AuditProblem::HeadMissing => None,
        }
    }
}

impl fmt::Display for AuditProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AuditProblem::Edited { seq, stored_hash, computed_hash } => write!(
                f,
                "record {seq} was edited: its content hashes to {computed_hash}, not to its stored hash {stored_hash}"
            ),
            AuditProblem::BrokenLink { seq, prev_hash, previous_hash } => write!(
                f,
                "record {seq} does not follow record {}: its prev_hash is {prev_hash}, but record {} hashes to {previous_hash} (record {} was replaced)",
                seq - 1,
                seq - 1,
                seq - 1
            ),
            AuditProblem::Gap { seq, found } if found > seq => {
                if *found == seq + 1 {
                    write!(f, "record {seq} is missing (deleted): the next record is {found}")
                } else {
                    write!(f, "records {seq} to {} are missing (deleted): the next record is {found}", found - 1)
                }
            }
            AuditProblem::Gap { seq, found } => write!(f, "record {seq} expected, found a record numbered {found}"),
            AuditProblem::TailMissing { seq, head_seq } if seq == head_seq => {
                write!(f, "record {seq} is missing (deleted at the end): the head names record {head_seq}")
            }
            AuditProblem::TailMissing { seq, head_seq } => write!(
                f,
                "records {seq} to {head_seq} are missing (deleted at the end): the head names record {head_seq}"
            ),
            AuditProblem::HeadMismatch { seq, head_seq, head_hash, last_hash } => write!(
                f,
                "record {seq} does not match the head (head: record {head_seq}, hash {head_hash}; last record's hash {last_hash}): records were added or rewritten outside sansho"
            ),
            AuditProblem::HeadMissing => write!(f, "the audit head (last seq and hash) is missing"),
            AuditProblem::Unreadable { seq, detail } => write!(f, "record {seq} cannot be read: {detail}"),
        }
    }
}

/// What [`Store::verify_audit`] found.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AuditReport {
    /// Records in the log.
    pub records: u64,
    /// The head as stored (what an auditor records to anchor the log).
    pub head: Option<AuditHead>,
    /// The first problem found; `None` when the log is intact.
    pub problem: Option<AuditProblem>,
}

impl AuditReport {
    /// No problem was found.
    pub fn is_intact(&self) -> bool {
        self.problem.is_none()
    }
}

/// Which records [`Store::audit_log`] returns: newest first, every given condition must hold.
#[derive(Clone, Debug, Default)]
pub struct AuditFilter {
    /// Records of this actor.
    pub actor: Option<String>,
    /// An action (`answer.set`), or every action starting with a prefix ending in `.` (`user.`).
    pub action: Option<String>,
    /// Records about this kind of entity.
    pub entity_kind: Option<String>,
    /// Records about the entity with this id.
    pub entity_id: Option<String>,
    /// At or after this moment.
    pub since: Option<Timestamp>,
    /// Before this moment.
    pub until: Option<Timestamp>,
    /// Paging: only records older than this seq (pass the last seq of the previous page).
    pub before_seq: Option<i64>,
    /// At most this many records (0 means 100).
    pub limit: u32,
}

impl Store {
    /// Records an event that changes no row (for instance a failed login for an unknown name, or a
    /// download), in its own transaction. Returns its seq.
    pub async fn record_event(&self, event: &AuditEvent, actor: &Actor, now: Timestamp) -> Result<i64> {
        if event.action.trim().is_empty() {
            return Err(StoreError::Empty { field: "audit action" });
        }
        // An event may carry untrusted input (a username typed at a failed login): every text of
        // it is cut to `limits::AUDIT_TEXT` characters, so no request can make a large record.
        let cut = |s: &str| limits::truncate(s, limits::AUDIT_TEXT).into_owned();
        let json = |v: &Option<serde_json::Value>| {
            v.as_ref().map(|v| serde_json::to_string(&limits::truncate_json(v, limits::AUDIT_TEXT))).transpose()
        };
        let change = Change {
            action: cut(&event.action),
            entity_kind: cut(&event.entity_kind),
            entity_id: event.entity_id.as_deref().map(cut),
            before: json(&event.before)?,
            after: json(&event.after)?,
        };
        let actor = Actor::new(cut(&actor.name), cut(&actor.source));
        let mut tx = self.write().await?;
        let seq = append(&mut tx, &actor, now, change).await?;
        tx.commit().await?;
        Ok(seq)
    }

    /// Audit records, newest first, filtered and paged.
    /// The sequence number of the latest audit record: every write the store makes (every change
    /// to any row but a session's last-seen time) raises it, so it versions everything a page
    /// shows. One indexed read.
    pub async fn audit_seq(&self) -> Result<i64> {
        let mut conn = self.pool.acquire().await?;
        read_audit_seq(&mut conn).await
    }

    /// A connection of the pool kept for reading [`Store::audit_seq`] again and again (the web
    /// server's version reads, back to back under load): each read is then one query, without
    /// taking a connection from the pool and giving it back. Drop it to give the connection back.
    pub async fn version_reader(&self) -> Result<VersionReader> {
        Ok(VersionReader { conn: self.pool.acquire().await? })
    }

    /// Audit records, newest first, filtered and paged ([`AuditFilter`]; at most `limit`, 100 when
    /// it is 0).
    pub async fn audit_log(&self, filter: &AuditFilter) -> Result<Vec<AuditRecord>> {
        let limit = if filter.limit == 0 { 100 } else { i64::from(filter.limit) };
        let sql = format!(
            "SELECT {AUDIT_COLUMNS} FROM audit_log
             WHERE ($1 IS NULL OR actor = $1)
               AND ($2 IS NULL OR action = $2
                    OR (substr($2, length($2), 1) = '.' AND substr(action, 1, length($2)) = $2))
               AND ($3 IS NULL OR entity_kind = $3)
               AND ($4 IS NULL OR entity_id = $4)
               AND ($5 IS NULL OR at >= $5)
               AND ($6 IS NULL OR at < $6)
               AND ($7 IS NULL OR seq < $7)
             ORDER BY seq DESC LIMIT $8"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(&filter.actor)
            .bind(&filter.action)
            .bind(&filter.entity_kind)
            .bind(&filter.entity_id)
            .bind(filter.since.map(|t| t.0))
            .bind(filter.until.map(|t| t.0))
            .bind(filter.before_seq)
            .bind(limit)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(record_from_row).collect()
    }

    /// Checks the whole log: every record's hash, every link, the numbering, and the head. Reads
    /// one snapshot; writes nothing. The report names the first problem with its seq.
    pub async fn verify_audit(&self) -> Result<AuditReport> {
        // A read transaction: one consistent snapshot even while others write.
        let mut tx = self.pool.begin().await?;
        let head: Option<(i64, String)> =
            sqlx::query_as("SELECT last_seq, last_hash FROM audit_head WHERE id = 1").fetch_optional(&mut *tx).await?;
        let head = head.map(|(seq, hash)| AuditHead { seq, hash });
        let (records,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM audit_log").fetch_one(&mut *tx).await?;
        let problem = check_chain(&mut tx, head.as_ref()).await?;
        tx.rollback().await?;
        Ok(AuditReport { records: records as u64, head, problem })
    }
}

/// Walks the records in seq order, then compares the last one with the head.
async fn check_chain(conn: &mut Conn, head: Option<&AuditHead>) -> Result<Option<AuditProblem>> {
    let mut expected = 1i64;
    let mut previous = GENESIS_HASH.to_owned();
    let mut after = i64::MIN;
    loop {
        let sql = format!("SELECT {AUDIT_COLUMNS} FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(after).bind(PAGE).fetch_all(&mut *conn).await?;
        if rows.is_empty() {
            break;
        }
        for row in &rows {
            let record = match record_from_row(row) {
                Ok(r) => r,
                Err(e) => return Ok(Some(AuditProblem::Unreadable { seq: expected, detail: e.to_string() })),
            };
            if record.seq != expected {
                return Ok(Some(AuditProblem::Gap { seq: expected, found: record.seq }));
            }
            let computed = record.compute_hash();
            if computed != record.hash {
                return Ok(Some(AuditProblem::Edited {
                    seq: record.seq,
                    stored_hash: record.hash,
                    computed_hash: computed,
                }));
            }
            if record.prev_hash != previous {
                return Ok(Some(AuditProblem::BrokenLink {
                    seq: record.seq,
                    prev_hash: record.prev_hash,
                    previous_hash: previous,
                }));
            }
            after = record.seq;
            expected += 1;
            previous = record.hash;
        }
    }
    let last_seq = expected - 1;
    let Some(head) = head else {
        return Ok(Some(AuditProblem::HeadMissing));
    };
    let mismatch = |seq| AuditProblem::HeadMismatch {
        seq,
        head_seq: head.seq,
        head_hash: head.hash.clone(),
        last_hash: previous.clone(),
    };
    Ok(if head.seq > last_seq {
        Some(AuditProblem::TailMissing { seq: last_seq + 1, head_seq: head.seq })
    } else if head.seq < last_seq {
        Some(mismatch(head.seq + 1))
    } else if head.hash != previous {
        Some(mismatch(last_seq))
    } else {
        None
    })
}

/// See [`Store::version_reader`].
pub struct VersionReader {
    conn: crate::backend::PooledConn,
}

impl VersionReader {
    /// [`Store::audit_seq`], read now.
    pub async fn audit_seq(&mut self) -> Result<i64> {
        read_audit_seq(&mut self.conn).await
    }
}

async fn read_audit_seq(conn: &mut Conn) -> Result<i64> {
    let row: Option<(i64,)> =
        sqlx::query_as("SELECT last_seq FROM audit_head WHERE id = 1").fetch_optional(conn).await?;
    Ok(row.map_or(0, |(s,)| s))
}

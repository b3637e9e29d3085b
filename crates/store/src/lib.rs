//! sansho's storage: organizations, systems, assessments, answers with their full history, and
//! evidence.
//!
//! The database engine is named in one module, `backend` (opening the pool, the write lock,
//! listing tables for the dump); everything else is engine-neutral: the schema in `migrations/`
//! is portable SQL, and queries are runtime `sqlx::query` calls with binds, never the
//! compile-time macros, so building needs no database; their placeholders are `$1, $2, …`, which
//! PostgreSQL accepts as well as today's engine. `tests/invariants.rs` keeps the engine's name out of
//! every other file.
//!
//! Rules every method keeps:
//! - every write runs in one transaction, and an answer's history rows are written in the
//!   transaction of the change they record;
//! - every write appends its audit record(s) to the hash-chained audit log in that same
//!   transaction (see [`audit`](crate::AuditRecord)); reads write nothing;
//! - the caller passes the time (`now`) and the acting user and their address ([`Actor`]); new
//!   ids come from the [`IdSource`] the opener gave ([`Store::open_with_ids`]). The store reads no
//!   clock, and no random source but that one: [`RandomIds`], which the programs pass and the
//!   test shorthands [`Store::open`] and [`Store::open_in_memory`] install;
//! - unknown ids are typed errors naming the id; bad input is refused before anything is written;
//! - evidence files are content-addressed (`<data>/evidence/ab/cdef…`, the SHA-256 of the
//!   content) and re-hashed on every read: a file that no longer matches is an error, never bytes.

#![warn(missing_docs)]

mod access;
mod answers;
mod audit;
mod backend;
mod carry;
pub use audit::{
    AuditEvent, AuditFilter, AuditHead, AuditProblem, AuditRecord, AuditReport, GENESIS_HASH, VersionReader,
};
pub use carry::migration_inputs;
mod diff;
mod dump;
pub use dump::dump_rows;
mod error;
mod evidence;
pub mod limits;
pub use evidence::sha256_hex;
mod orgs;
mod rows;
mod sessions;
pub use sessions::{NewSession, Session};
mod types;
mod users;
pub use users::{EmergencyUse, LockoutPolicy, NewUser, User, fold_username};

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Arc;

use backend::{Conn, Pool, Tx};

pub use error::{Result, StoreError};
pub use rows::{
    Answer, AnswerInput, Assessment, AssessmentMeta, BaselineChange, Evidence, EvidenceSource, HistoryEntry,
    ImportSummary, NewAssessment, NewEvidence, NewOrganization, NewSystem, Organization, System,
};
pub use types::{
    Actor, AnswerResult, AssessmentStatus, Date, EvidenceKind, Id, IdSource, OrgKind, Origin, RandomIds, Role,
    SequentialIds, ServiceModel, Timestamp, VendorPosition,
};

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// An open database plus the directory its evidence files live in.
#[derive(Clone)]
pub struct Store {
    pool: Pool,
    ids: Arc<dyn IdSource>,
    data_dir: Option<PathBuf>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("data_dir", &self.data_dir).finish_non_exhaustive()
    }
}

impl Store {
    /// Opens (creating if needed) the database file at `path` and brings its schema up to date;
    /// every id this store makes comes from `ids` (the CLI and the server pass [`RandomIds`]).
    /// Evidence files are kept beside it, under `<path's folder>/evidence/`.
    pub async fn open_with_ids(path: impl AsRef<Path>, ids: impl IdSource + 'static) -> Result<Store> {
        let path = path.as_ref();
        let pool = backend::open_file(path).await?;
        let data_dir = path.parent().map(|p| if p.as_os_str().is_empty() { Path::new(".") } else { p }.to_path_buf());
        Store::migrated(pool, Arc::new(ids), data_dir).await
    }

    /// [`Store::open_with_ids`] with [`RandomIds`]: a shorthand for tests and examples (the
    /// programs pass their id source themselves).
    pub async fn open(path: impl AsRef<Path>) -> Result<Store> {
        Store::open_with_ids(path, RandomIds).await
    }

    /// A private database in memory (tests, dry runs) with [`RandomIds`] until
    /// [`Store::with_ids`] gives it other ids. It has no evidence directory until
    /// [`Store::with_data_dir`] gives it one.
    pub async fn open_in_memory() -> Result<Store> {
        Store::migrated(backend::open_in_memory().await?, Arc::new(RandomIds), None).await
    }

    async fn migrated(pool: Pool, ids: Arc<dyn IdSource>, data_dir: Option<PathBuf>) -> Result<Store> {
        MIGRATOR.run(&pool).await?;
        Ok(Store { pool, ids, data_dir })
    }

    /// Use `ids` for every id this store makes from now on.
    pub fn with_ids(mut self, ids: impl IdSource + 'static) -> Store {
        self.ids = Arc::new(ids);
        self
    }

    /// Keep evidence files under `dir/evidence/`.
    pub fn with_data_dir(mut self, dir: impl Into<PathBuf>) -> Store {
        self.data_dir = Some(dir.into());
        self
    }

    /// The versions of the schema migrations applied to this database, oldest first.
    pub async fn schema_versions(&self) -> Result<Vec<i64>> {
        let rows: Vec<(i64,)> = sqlx::query_as("SELECT version FROM _sqlx_migrations WHERE success ORDER BY version")
            .fetch_all(&self.pool)
            .await?;
        Ok(rows.into_iter().map(|(v,)| v).collect())
    }

    /// Closes every connection (checkpointing the WAL).
    pub async fn close(self) {
        self.pool.close().await;
    }

    /// A write transaction, holding the engine's write lock from its start (see
    /// [`backend::begin_write`]).
    async fn write(&self) -> Result<Tx> {
        backend::begin_write(&self.pool).await
    }
}

/// Parses a stored word or id, reporting the table and column when the row is unreadable.
fn parse<T: FromStr>(table: &'static str, column: &'static str, value: String) -> Result<T> {
    value.parse().map_err(|_| StoreError::BadRow { table, column, value })
}

fn parse_opt<T: FromStr>(table: &'static str, column: &'static str, value: Option<String>) -> Result<Option<T>> {
    value.map(|v| parse(table, column, v)).transpose()
}

/// Does a row with this id exist in `table`? (`table` is one of ours, never user input.)
async fn exists(conn: &mut Conn, table: Table, id: Id) -> Result<bool> {
    let sql = match table {
        Table::Organizations => "SELECT 1 FROM organizations WHERE id = $1",
        Table::Systems => "SELECT 1 FROM systems WHERE id = $1",
        Table::Assessments => "SELECT 1 FROM assessments WHERE id = $1",
        Table::Answers => "SELECT 1 FROM answers WHERE id = $1",
        Table::Evidence => "SELECT 1 FROM evidence WHERE id = $1",
    };
    Ok(sqlx::query(sql).bind(id.to_string()).fetch_optional(conn).await?.is_some())
}

/// What kind of row an id names, for [`Store::resolve_id`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// An organization (hospital or vendor).
    Organization,
    /// A system of an organization.
    System,
    /// An assessment of a system.
    Assessment,
    /// An answer of an assessment.
    Answer,
    /// An evidence item.
    Evidence,
}

impl Kind {
    fn table(self) -> &'static str {
        match self {
            Kind::Organization => "organizations",
            Kind::System => "systems",
            Kind::Assessment => "assessments",
            Kind::Answer => "answers",
            Kind::Evidence => "evidence",
        }
    }
    fn word(self) -> &'static str {
        match self {
            Kind::Organization => "organization",
            Kind::System => "system",
            Kind::Assessment => "assessment",
            Kind::Answer => "answer",
            Kind::Evidence => "evidence",
        }
    }
}

impl Store {
    /// The id a person typed: the whole UUID, or (like git) any unique start of it, at least
    /// four hex digits. Unknown and ambiguous starts are errors naming the candidates.
    pub async fn resolve_id(&self, kind: Kind, typed: &str) -> Result<Id> {
        let prefix = typed.trim().to_ascii_lowercase();
        if let Ok(id) = prefix.parse::<Id>() {
            return Ok(id);
        }
        if prefix.len() < 4 || !prefix.chars().all(|c| c.is_ascii_hexdigit() || c == '-') {
            return Err(StoreError::InvalidId(typed.to_owned()));
        }
        let sql = format!("SELECT id FROM {} WHERE substr(id, 1, $1) = $2 ORDER BY id LIMIT 6", kind.table());
        let rows: Vec<(String,)> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(prefix.len() as i64)
            .bind(&prefix)
            .fetch_all(&self.pool)
            .await?;
        match rows.as_slice() {
            [] => Err(StoreError::NoSuchId { what: kind.word(), prefix }),
            [(one,)] => parse(kind.table(), "id", one.clone()),
            many => Err(StoreError::AmbiguousId {
                what: kind.word(),
                prefix,
                candidates: many.iter().map(|(id,)| id.clone()).collect(),
            }),
        }
    }
}

#[derive(Clone, Copy)]
enum Table {
    Organizations,
    Systems,
    Assessments,
    Answers,
    Evidence,
}

/// Empty or blank optional text is stored as NULL.
fn non_blank(s: &Option<String>) -> Option<String> {
    s.as_ref().filter(|s| !s.trim().is_empty()).cloned()
}

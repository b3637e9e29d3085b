use std::path::PathBuf;

use crate::Id;

/// Everything the store can refuse or fail at. Unknown ids name the id; bad input names the field.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
    #[error("schema migration: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },

    #[error("no organization with id {0}")]
    UnknownOrganization(Id),
    #[error("no system with id {0}")]
    UnknownSystem(Id),
    #[error("no assessment with id {0}")]
    UnknownAssessment(Id),
    #[error("no answer with id {0}")]
    UnknownAnswer(Id),
    #[error("no evidence with id {0}")]
    UnknownEvidence(Id),
    #[error("no user with id {0}")]
    UnknownUser(Id),
    #[error("no session with id {0}")]
    UnknownSession(Id),
    #[error("no emergency-account use with id {0}")]
    UnknownEmergencyUse(Id),

    #[error("the username `{0}` is taken (usernames are compared ignoring case and full-/half-width forms)")]
    UsernameTaken(String),
    #[error("a password hash must be an argon2id PHC string ($argon2id$…); the store never takes a password")]
    NotAnArgon2idHash,
    #[error("{field} must be a SHA-256 in lowercase hex (64 characters)")]
    NotASha256Hex { field: &'static str },
    #[error("{field} must be base32 (A-Z, 2-7)")]
    NotBase32 { field: &'static str },
    #[error("user {0} is disabled")]
    UserDisabled(Id),
    #[error("user {0} is locked after repeated failed logins")]
    UserLocked(Id),
    #[error("an emergency account's use must be acknowledged by another admin, not by an emergency account")]
    EmergencySelfAcknowledge,
    #[error("user {0} has no TOTP secret")]
    NoTotpSecret(Id),
    #[error("the recovery code is unknown or already used")]
    RecoveryCodeRejected,
    #[error("the audit head is missing: the audit log was tampered with (run `sansho audit verify`)")]
    AuditHeadMissing,
    #[error("audit record: {0}")]
    AuditJson(#[from] serde_json::Error),

    #[error("`{0}` is not an id (a UUID)")]
    InvalidId(String),
    #[error("`{0}` is not a date (YYYY-MM-DD)")]
    InvalidDate(String),
    #[error("`{word}` is not a known {what}")]
    UnknownWord { what: &'static str, word: String },
    #[error("{field} must not be empty")]
    Empty { field: &'static str },
    /// A text longer than its field allows (`limits`): `len` characters where `max` are allowed.
    #[error("{field} is too long: {len} characters, at most {max} allowed")]
    TooLong { field: &'static str, max: usize, len: usize },
    #[error("only a vendor has a vendor position")]
    PositionWithoutVendor,
    #[error("requirement {requirement}: not-applicable needs a justification")]
    JustificationRequired { requirement: String },
    #[error("requirement {requirement} is answered twice in one import")]
    DuplicateRequirement { requirement: String },
    #[error("evidence expires ({expiry}) before it takes effect ({effective})")]
    ExpiryBeforeEffective { effective: String, expiry: String },
    #[error("answer {index} of the import (requirement {requirement}): {source}")]
    ImportRow {
        index: usize,
        requirement: String,
        #[source]
        source: Box<StoreError>,
    },

    #[error("evidence {id}: this store has no data directory to keep files in (in-memory store)")]
    NoEvidenceDir { id: Id },
    #[error("evidence {id} is a link, not a file")]
    NotAFile { id: Id },
    #[error("evidence {id}: file {path} is missing")]
    EvidenceMissing { id: Id, path: PathBuf },
    #[error("evidence {id}: file {path} does not match its hash (expected sha256 {expected}, found {actual})")]
    EvidenceCorrupt { id: Id, path: PathBuf, expected: String, actual: String },

    #[error(
        "assessment {baseline} is of catalog {baseline_catalog}, not {catalog}: a baseline must assess the same catalog (use `assessment migrate` to move across catalogs)"
    )]
    BaselineCatalog { baseline: Id, baseline_catalog: String, catalog: String },
    #[error("assessment {baseline} is of another system, not {system}: a baseline must assess the same system")]
    BaselineSystem { baseline: Id, system: Id },
    #[error("no {what} id starts with `{prefix}`")]
    NoSuchId { what: &'static str, prefix: String },
    #[error("`{prefix}` is the start of several {what} ids: {}", candidates.join(", "))]
    AmbiguousId { what: &'static str, prefix: String, candidates: Vec<String> },

    #[error(
        "assessment {0} is final (確定) and read-only: reopen it first (an admin or its owner, with a reason: `sansho assessment reopen`)"
    )]
    AssessmentFinal(Id),
    #[error("assessment {0} is not final (確定): there is nothing to reopen")]
    NotFinal(Id),
    #[error("assessment {assessment} may be reopened only by an admin or its owner (the user who created it)")]
    ReopenNotAllowed { assessment: Id, user: Id },

    #[error("stored row is unreadable: {table}.{column} = `{value}`")]
    BadRow { table: &'static str, column: &'static str, value: String },
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

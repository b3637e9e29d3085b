use std::path::PathBuf;

use crate::Id;

/// Everything the store can refuse or fail at. Unknown ids name the id; bad input names the field.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The database refused or failed.
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
    /// Bringing the schema up to date failed.
    #[error("schema migration: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// Reading or writing a file failed.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// What went wrong.
        source: std::io::Error,
    },

    /// No organization has this id.
    #[error("no organization with id {0}")]
    UnknownOrganization(Id),
    /// No system has this id.
    #[error("no system with id {0}")]
    UnknownSystem(Id),
    /// No assessment has this id.
    #[error("no assessment with id {0}")]
    UnknownAssessment(Id),
    /// No answer has this id.
    #[error("no answer with id {0}")]
    UnknownAnswer(Id),
    /// No evidence has this id.
    #[error("no evidence with id {0}")]
    UnknownEvidence(Id),
    /// No user has this id.
    #[error("no user with id {0}")]
    UnknownUser(Id),
    /// No session has this id.
    #[error("no session with id {0}")]
    UnknownSession(Id),
    /// No emergency-account use has this id.
    #[error("no emergency-account use with id {0}")]
    UnknownEmergencyUse(Id),

    /// Another user has this username (compared folded).
    #[error("the username `{0}` is taken (usernames are compared ignoring case and full-/half-width forms)")]
    UsernameTaken(String),
    /// A password hash that is not an argon2id PHC string.
    #[error("a password hash must be an argon2id PHC string ($argon2id$…); the store never takes a password")]
    NotAnArgon2idHash,
    /// A hash that is not a lowercase hex SHA-256.
    #[error("{field} must be a SHA-256 in lowercase hex (64 characters)")]
    NotASha256Hex {
        /// The field.
        field: &'static str,
    },
    /// A TOTP secret that is not base32.
    #[error("{field} must be base32 (A-Z, 2-7)")]
    NotBase32 {
        /// The field.
        field: &'static str,
    },
    /// The account is disabled.
    #[error("user {0} is disabled")]
    UserDisabled(Id),
    /// The account is locked after failed logins.
    #[error("user {0} is locked after repeated failed logins")]
    UserLocked(Id),
    /// An emergency account, or the account used, tried to acknowledge an emergency use.
    #[error("an emergency account's use must be acknowledged by another admin, not by an emergency account")]
    EmergencySelfAcknowledge,
    /// The user has no TOTP secret to enable or check.
    #[error("user {0} has no TOTP secret")]
    NoTotpSecret(Id),
    /// The recovery code is unknown or used.
    #[error("the recovery code is unknown or already used")]
    RecoveryCodeRejected,
    /// The audit head row is gone.
    #[error("the audit head is missing: the audit log was tampered with (run `sansho audit verify`)")]
    AuditHeadMissing,
    /// An audit record's entity could not be written as JSON.
    #[error("audit record: {0}")]
    AuditJson(#[from] serde_json::Error),

    /// Text that is not a UUID.
    #[error("`{0}` is not an id (a UUID)")]
    InvalidId(String),
    /// Text that is not a `YYYY-MM-DD` date.
    #[error("`{0}` is not a date (YYYY-MM-DD)")]
    InvalidDate(String),
    /// A word that is none of a stored enum's words.
    #[error("`{word}` is not a known {what}")]
    UnknownWord {
        /// The kind of word expected.
        what: &'static str,
        /// The word given.
        word: String,
    },
    /// A required text is blank.
    #[error("{field} must not be empty")]
    Empty {
        /// The field.
        field: &'static str,
    },
    /// A text longer than its field allows (`limits`): `len` characters where `max` are allowed.
    #[error("{field} is too long: {len} characters, at most {max} allowed")]
    TooLong {
        /// The field.
        field: &'static str,
        /// The most characters allowed.
        max: usize,
        /// The characters given.
        len: usize,
    },
    /// A vendor position given to an organization that is not a vendor.
    #[error("only a vendor has a vendor position")]
    PositionWithoutVendor,
    /// 該当なし without a justification.
    #[error("requirement {requirement}: not-applicable needs a justification")]
    JustificationRequired {
        /// The requirement answered.
        requirement: String,
    },
    /// One import answers a requirement twice.
    #[error("requirement {requirement} is answered twice in one import")]
    DuplicateRequirement {
        /// The requirement answered twice.
        requirement: String,
    },
    /// Evidence that expires before it takes effect.
    #[error("evidence expires ({expiry}) before it takes effect ({effective})")]
    ExpiryBeforeEffective {
        /// The effective date.
        effective: String,
        /// The expiry date.
        expiry: String,
    },
    /// One answer of an import was refused.
    #[error("answer {index} of the import (requirement {requirement}): {source}")]
    ImportRow {
        /// The answer's position in the import, from 1.
        index: usize,
        /// Its requirement.
        requirement: String,
        /// Why it was refused.
        #[source]
        source: Box<StoreError>,
    },

    /// An evidence file, in a store without a data directory.
    #[error("evidence {id}: this store has no data directory to keep files in (in-memory store)")]
    NoEvidenceDir {
        /// The evidence.
        id: Id,
    },
    /// Evidence that is a link, read as a file.
    #[error("evidence {id} is a link, not a file")]
    NotAFile {
        /// The evidence.
        id: Id,
    },
    /// An evidence file is gone.
    #[error("evidence {id}: file {path} is missing")]
    EvidenceMissing {
        /// The evidence.
        id: Id,
        /// Where its file should be.
        path: PathBuf,
    },
    /// An evidence file no longer matches its hash.
    #[error("evidence {id}: file {path} does not match its hash (expected sha256 {expected}, found {actual})")]
    EvidenceCorrupt {
        /// The evidence.
        id: Id,
        /// Its file.
        path: PathBuf,
        /// The stored SHA-256.
        expected: String,
        /// The SHA-256 of the file now.
        actual: String,
    },

    /// A baseline of another catalog.
    #[error(
        "assessment {baseline} is of catalog {baseline_catalog}, not {catalog}: a baseline must assess the same catalog (use `assessment migrate` to move across catalogs)"
    )]
    BaselineCatalog {
        /// The baseline.
        baseline: Id,
        /// Its catalog.
        baseline_catalog: String,
        /// The new assessment's catalog.
        catalog: String,
    },
    /// A baseline of another system.
    #[error("assessment {baseline} is of another system, not {system}: a baseline must assess the same system")]
    BaselineSystem {
        /// The baseline.
        baseline: Id,
        /// The new assessment's system.
        system: Id,
    },
    /// No id of this kind starts with the typed text.
    #[error("no {what} id starts with `{prefix}`")]
    NoSuchId {
        /// The kind of row.
        what: &'static str,
        /// The typed start.
        prefix: String,
    },
    /// Several ids of this kind start with the typed text.
    #[error("`{prefix}` is the start of several {what} ids: {}", candidates.join(", "))]
    AmbiguousId {
        /// The kind of row.
        what: &'static str,
        /// The typed start.
        prefix: String,
        /// Some of the ids it starts.
        candidates: Vec<String>,
    },

    /// A change to a final (確定) assessment.
    #[error(
        "assessment {0} is final (確定) and read-only: reopen it first (an admin or its owner, with a reason: `sansho assessment reopen`)"
    )]
    AssessmentFinal(Id),
    /// Reopening an assessment that is not final.
    #[error("assessment {0} is not final (確定): there is nothing to reopen")]
    NotFinal(Id),
    /// Reopening by someone who is neither an admin nor the owner.
    #[error("assessment {assessment} may be reopened only by an admin or its owner (the user who created it)")]
    ReopenNotAllowed {
        /// The assessment.
        assessment: Id,
        /// Who tried.
        user: Id,
    },

    /// A stored value the store cannot read.
    #[error("stored row is unreadable: {table}.{column} = `{value}`")]
    BadRow {
        /// The table.
        table: &'static str,
        /// The column.
        column: &'static str,
        /// The stored value.
        value: String,
    },
}

/// The store's result: [`StoreError`] unless said otherwise.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;

//! Values the store speaks: ids, times, dates and the stored enumerations.
//!
//! These are storage vocabulary (kebab-case strings in the database), not the domain model of
//! `sansho-core`; the mapping between them lives with the code that needs both.

use std::fmt;
use std::str::FromStr;
use std::sync::atomic::{AtomicU64, Ordering};

use sansho_core::assess::ResultCode;
use serde::{Serialize, Serializer};

use crate::StoreError;

/// A row id: a UUID, stored as lowercase hyphenated TEXT (portable to PostgreSQL, no
/// engine-specific auto-increment, and ids can be made before the row exists).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Id(uuid::Uuid);

impl Id {
    /// An id from a number: deterministic ids for tests.
    pub fn from_u128(n: u128) -> Self {
        Id(uuid::Uuid::from_u128(n))
    }
}

impl fmt::Display for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.hyphenated().fmt(f)
    }
}

impl Serialize for Id {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl FromStr for Id {
    type Err = StoreError;
    fn from_str(s: &str) -> Result<Self, StoreError> {
        uuid::Uuid::parse_str(s).map(Id).map_err(|_| StoreError::InvalidId(s.to_owned()))
    }
}

/// Where new ids come from. Randomness is passed in: the store never makes an id by itself.
pub trait IdSource: Send + Sync {
    /// A new id, never handed out before by this source.
    fn next_id(&self) -> Id;
}

/// Random (version 4) UUIDs, for real use.
#[derive(Debug, Default)]
pub struct RandomIds;

impl IdSource for RandomIds {
    fn next_id(&self) -> Id {
        Id(uuid::Uuid::new_v4())
    }
}

/// 1, 2, 3, … as UUIDs, for tests that want to name the ids they will get.
#[derive(Debug, Default)]
pub struct SequentialIds(AtomicU64);

impl SequentialIds {
    /// The first id handed out is `start + 1`.
    pub fn starting_after(start: u64) -> Self {
        SequentialIds(AtomicU64::new(start))
    }
}

impl IdSource for SequentialIds {
    fn next_id(&self) -> Id {
        Id::from_u128(u128::from(self.0.fetch_add(1, Ordering::Relaxed) + 1))
    }
}

/// A moment: milliseconds since the Unix epoch, UTC. Callers pass it in (`now`); the store never
/// reads the clock.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Timestamp(pub i64);

/// A calendar date, `YYYY-MM-DD` (due dates, evidence effective and expiry dates). Stored as that
/// text, which sorts chronologically on every engine.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(String);

impl Date {
    /// `YYYY-MM-DD`.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl FromStr for Date {
    type Err = StoreError;
    fn from_str(s: &str) -> Result<Self, StoreError> {
        let bad = || StoreError::InvalidDate(s.to_owned());
        let b = s.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return Err(bad());
        }
        let num = |r: std::ops::Range<usize>| -> Result<u32, StoreError> {
            let part = &s[r];
            if part.bytes().all(|c| c.is_ascii_digit()) { part.parse().map_err(|_| bad()) } else { Err(bad()) }
        };
        let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
        let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
        let days = match m {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return Err(bad()),
        };
        if d == 0 || d > days {
            return Err(bad());
        }
        Ok(Date(s.to_owned()))
    }
}

/// A closed set of kebab-case words stored as TEXT.
macro_rules! stored_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $word:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum $name { $($(#[$vmeta])* $variant),+ }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The word stored in the database.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $word),+ }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = StoreError;
            fn from_str(s: &str) -> Result<Self, StoreError> {
                match s {
                    $($word => Ok($name::$variant),)+
                    _ => Err(StoreError::UnknownWord { what: stringify!($name), word: s.to_owned() }),
                }
            }
        }
    };
}

stored_enum!(
    /// 医療機関等 or 対象事業者.
    OrgKind {
        /// 医療機関等: a hospital, clinic or pharmacy.
        MedicalInstitution = "medical-institution",
        /// 対象事業者: a vendor of systems or services handling medical information.
        Vendor = "vendor",
    }
);

stored_enum!(
    /// How a vendor stands towards the medical institution.
    VendorPosition {
        /// Contracts directly with the institution.
        DirectContract = "direct-contract",
        /// A supplier to another vendor.
        SupplyChain = "supply-chain",
        /// 第三類型: receives medical information on a patient's instruction.
        Type3 = "type-3",
    }
);

stored_enum!(
    /// オンプレ / IaaS / PaaS / SaaS.
    ServiceModel {
        /// オンプレ: run on the institution's own premises.
        OnPremises = "on-premises",
        /// IaaS.
        Iaas = "iaas",
        /// PaaS.
        Paas = "paas",
        /// SaaS.
        Saas = "saas",
    }
);

stored_enum!(
    /// Where an answer came from: `origin.kind` in its stored origin (an answer a person typed
    /// has no origin).
    Origin {
        /// A derived suggestion a person accepted (推定を採用).
        Derived = "derived",
        /// Copied from the baseline assessment.
        Baseline = "baseline",
        /// Imported from a file (a filled checklist, an answers file).
        Import = "import",
        /// Carried over by a migration to another catalog or edition.
        Migration = "migration",
        /// The bundled sample.
        Sample = "sample",
    }
);

impl Origin {
    /// The kind of a stored origin (`{"kind": …}`), if it names one.
    pub fn of(origin: &serde_json::Value) -> Option<Origin> {
        origin.get("kind")?.as_str()?.parse().ok()
    }
}

stored_enum!(
    /// Where an assessment is in its life.
    AssessmentStatus {
        /// Being answered.
        Draft = "draft",
        /// Answered, being reviewed.
        InReview = "in-review",
        /// 確定: read-only until reopened.
        Final = "final",
    }
);

stored_enum!(
    /// The stored result of an answer.
    AnswerResult {
        /// 実施済
        Implemented = "implemented",
        /// 一部実施
        Partial = "partial",
        /// 未実施
        NotImplemented = "not-implemented",
        /// 該当なし (a justification is mandatory)
        NotApplicable = "not-applicable",
        /// 未回答
        Unanswered = "unanswered",
    }
);

/// The store's words are the domain's result codes, one for one.
impl From<AnswerResult> for ResultCode {
    fn from(r: AnswerResult) -> Self {
        match r {
            AnswerResult::Implemented => ResultCode::Implemented,
            AnswerResult::Partial => ResultCode::Partial,
            AnswerResult::NotImplemented => ResultCode::NotImplemented,
            AnswerResult::NotApplicable => ResultCode::NotApplicable,
            AnswerResult::Unanswered => ResultCode::Unanswered,
        }
    }
}

impl From<ResultCode> for AnswerResult {
    fn from(r: ResultCode) -> Self {
        match r {
            ResultCode::Implemented => AnswerResult::Implemented,
            ResultCode::Partial => AnswerResult::Partial,
            ResultCode::NotImplemented => AnswerResult::NotImplemented,
            ResultCode::NotApplicable => AnswerResult::NotApplicable,
            ResultCode::Unanswered => AnswerResult::Unanswered,
        }
    }
}

stored_enum!(
    /// What an evidence item is.
    EvidenceKind {
        /// A file kept by the store, content-addressed.
        File = "file",
        /// A link (URL) to evidence kept elsewhere.
        Link = "link",
    }
);

stored_enum!(
    /// What a user may do: admins also manage users; assessors edit; viewers read.
    Role {
        /// Manages users and settings, and does what an assessor does.
        Admin = "admin",
        /// Edits organizations, systems, assessments and answers.
        Assessor = "assessor",
        /// Reads.
        Viewer = "viewer",
    }
);

/// Who acts and from where, for the audit trail and the `*_by` columns: `name` is the user (the
/// CLI's `--actor` or login name, a web user's username), `source` the client's address or `cli`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Actor {
    /// Who acts.
    pub name: String,
    /// From where: the client's address, or `cli`.
    pub source: String,
}

impl Actor {
    /// `name` acting from `source`.
    pub fn new(name: impl Into<String>, source: impl Into<String>) -> Actor {
        Actor { name: name.into(), source: source.into() }
    }

    /// Someone at the command line (source `cli`).
    pub fn cli(name: impl Into<String>) -> Actor {
        Actor::new(name, "cli")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        for ok in ["2024-02-29", "2025-12-31", "2000-02-29"] {
            assert_eq!(ok.parse::<Date>().unwrap().as_str(), ok);
        }
        for bad in ["2025-02-29", "1900-02-29", "2025-13-01", "2025-1-01", "2025/01/01", "2025-01-00", "２０２５-01-01"]
        {
            assert!(bad.parse::<Date>().is_err(), "{bad}");
        }
    }

    #[test]
    fn words_round_trip() {
        for r in AnswerResult::ALL {
            assert_eq!(r.as_str().parse::<AnswerResult>().unwrap(), *r);
        }
        assert!("done".parse::<AnswerResult>().is_err());
    }

    #[test]
    fn store_words_are_the_domain_result_codes() {
        for r in AnswerResult::ALL {
            let code = ResultCode::from(*r);
            assert_eq!(code.as_str(), r.as_str());
            assert_eq!(AnswerResult::from(code), *r);
        }
        assert_eq!(AnswerResult::ALL.len(), ResultCode::ALL.len());
    }

    #[test]
    fn sequential_ids() {
        let ids = SequentialIds::default();
        assert_eq!(ids.next_id(), Id::from_u128(1));
        assert_eq!(ids.next_id().to_string(), "00000000-0000-0000-0000-000000000002");
    }
}

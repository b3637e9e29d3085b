//! Assessments: answers to requirements, results derived through mappings ("answer once, see
//! everywhere") and gap analysis.
//!
//! Pure domain: nothing here reads a clock, a user or a database. Callers (the store, the CLI)
//! hand in the answers and record who gave them and when. The derivation rules are written down
//! in ARCHITECTURE.md, "Assessments: derivation rules".

mod derive;
mod gaps;
mod migrate;

use std::fmt;

use serde::Serialize;

use crate::id::ReqRef;
use crate::mapping::Relation;
use crate::model::Provenance;
use crate::set::StepKind;

pub use derive::{Derived, NamedSource, NamedSuggestion, Outcome, ResultBasis, Rollup, Source, Suggestion, derive};
pub use gaps::{Blocker, Gap, GapOptions, GapReport, Group, Tally, Verdict, gaps, is_requirement};
pub use migrate::{Flag, Migrated, Migration, MigrationSummary, migrate};

/// The result of one requirement (実施状況).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ResultCode {
    /// 実施済
    Implemented,
    /// 一部実施
    Partial,
    /// 未実施
    NotImplemented,
    /// 該当なし (a justification is mandatory)
    NotApplicable,
    /// 未回答
    Unanswered,
}

impl ResultCode {
    /// Every result, in the order count tables list them.
    pub const ALL: [ResultCode; 5] =
        [Self::Implemented, Self::Partial, Self::NotImplemented, Self::NotApplicable, Self::Unanswered];

    /// The stable English id (`implemented`, `not-implemented`, …), as files and the API write it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Implemented => "implemented",
            Self::Partial => "partial",
            Self::NotImplemented => "not-implemented",
            Self::NotApplicable => "not-applicable",
            Self::Unanswered => "unanswered",
        }
    }

    /// The users' own word for it.
    pub fn ja(self) -> &'static str {
        match self {
            Self::Implemented => "実施済",
            Self::Partial => "一部実施",
            Self::NotImplemented => "未実施",
            Self::NotApplicable => "該当なし",
            Self::Unanswered => "未回答",
        }
    }

    /// Parses the kebab-case id or the Japanese word (surrounding white space ignored).
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim();
        Self::ALL.into_iter().find(|r| r.as_str() == s || r.ja() == s)
    }

    /// How much of a requirement is met, for "most restrictive" comparisons:
    /// not implemented < partial < implemented. `None` for not applicable and unanswered,
    /// which say nothing about how much is met.
    pub fn rank(self) -> Option<u8> {
        match self {
            Self::NotImplemented => Some(0),
            Self::Partial => Some(1),
            Self::Implemented => Some(2),
            Self::NotApplicable | Self::Unanswered => None,
        }
    }

    /// Position in [`Self::ALL`] (for count tables).
    pub(crate) fn index(self) -> usize {
        self as usize
    }
}

impl fmt::Display for ResultCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why an answer is not acceptable, or cannot be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AnswerError {
    /// 該当なし without a justification.
    #[error("{requirement}: 該当なし (not-applicable) needs a justification")]
    MissingJustification {
        /// The requirement answered.
        requirement: ReqRef,
    },
    /// Accepting a suggestion that suggests no result.
    #[error("{requirement}: the suggestion has no result to accept ({reason})")]
    NothingToAccept {
        /// The requirement whose suggestion was to be accepted.
        requirement: ReqRef,
        /// Why there is nothing to accept.
        reason: &'static str,
    },
}

/// One hop of the chain an accepted suggestion came through, owned (it outlives the set).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChainStep {
    /// The requirement the hop starts from.
    pub from: ReqRef,
    /// The requirement the hop reaches.
    pub to: ReqRef,
    /// The relation as read from `from` to `to`.
    pub relation: Relation,
    /// A mapping edge, or a step to a parent or child in the same catalog.
    pub kind: StepKind,
    /// The mapping set of the edge (`None` for a step within the tree).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mapping_set: Option<String>,
    /// False when the edge was walked against the direction it is recorded in.
    pub forward: bool,
    /// Where the mapping set says so.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub provenance: Vec<Provenance>,
}

/// One source of an accepted suggestion: the answer it came from and the chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OriginSource {
    /// The answered requirement.
    pub answer: ReqRef,
    /// What that answer said.
    pub answered: ResultCode,
    /// The relation of the answered requirement to the accepted one, composed along the chain.
    pub relation: Relation,
    /// What this source alone suggested (`None`: a 該当なし source, review only).
    pub carries: Option<ResultCode>,
    /// The hops from the answered requirement to the accepted one, first hop first.
    pub chain: Vec<ChainStep>,
}

/// Where an accepted answer came from: the suggestion as it stood when it was accepted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Origin {
    /// The suggested result (what was accepted).
    pub suggested: ResultCode,
    /// Whether the suggestion was flagged "review".
    pub needs_review: bool,
    /// Every mapping source, with its chain.
    pub sources: Vec<OriginSource>,
    /// The roll-up of the requirement's children, when it contributed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rollup: Option<Rollup>,
}

/// A direct answer to one requirement.
///
/// Build it with [`Answer::new`] or [`Answer::not_applicable`], which enforce that 該当なし
/// carries a justification; [`derive`] checks every answer again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Answer {
    /// The requirement answered.
    pub requirement: ReqRef,
    /// The result (実施状況).
    pub result: ResultCode,
    /// 実施内容: how the requirement is met.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub how: Option<String>,
    /// Why the requirement does not apply (mandatory for 該当なし), or any other reason.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub justification: Option<String>,
    /// Set when the answer was accepted from a derived suggestion.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub origin: Option<Origin>,
}

impl Answer {
    /// An answer with any result but 該当なし (use [`Self::not_applicable`] for that).
    pub fn new(requirement: ReqRef, result: ResultCode) -> Result<Self, AnswerError> {
        let a = Self { requirement, result, how: None, justification: None, origin: None };
        a.check()?;
        Ok(a)
    }

    /// 該当なし, with the reason it does not apply (must not be blank).
    pub fn not_applicable(requirement: ReqRef, justification: impl Into<String>) -> Result<Self, AnswerError> {
        let a = Self {
            requirement,
            result: ResultCode::NotApplicable,
            how: None,
            justification: Some(justification.into()),
            origin: None,
        };
        a.check()?;
        Ok(a)
    }

    /// Sets 実施内容.
    pub fn with_how(mut self, how: impl Into<String>) -> Self {
        self.how = Some(how.into());
        self
    }

    /// Whether the answer keeps the rules (該当なし needs a non-blank justification).
    pub fn check(&self) -> Result<(), AnswerError> {
        if self.result == ResultCode::NotApplicable && !self.is_justified() {
            return Err(AnswerError::MissingJustification { requirement: self.requirement.clone() });
        }
        Ok(())
    }

    /// Whether a non-blank justification is given.
    pub fn is_justified(&self) -> bool {
        self.justification.as_deref().is_some_and(|j| !j.trim().is_empty())
    }
}

/// Why a set of answers cannot be assessed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AssessError {
    /// An answer names a requirement the set does not have.
    #[error("answer {index}: no requirement {requirement} in the loaded catalogs")]
    UnknownRequirement {
        /// Position of the answer in the input.
        index: usize,
        /// The requirement it names.
        requirement: ReqRef,
    },
    /// Two answers for one requirement.
    #[error("answers {first} and {second} both answer {requirement}")]
    DuplicateAnswer {
        /// Position of the first answer.
        first: usize,
        /// Position of the second.
        second: usize,
        /// The requirement both answer.
        requirement: ReqRef,
    },
    /// An answer that is not acceptable by itself.
    #[error("answer {index}: {error}")]
    Invalid {
        /// Position of the answer in the input.
        index: usize,
        /// What is wrong with it.
        error: AnswerError,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn result_codes_parse_both_ways() {
        for r in ResultCode::ALL {
            assert_eq!(ResultCode::parse(r.as_str()), Some(r));
            assert_eq!(ResultCode::parse(r.ja()), Some(r));
        }
        assert_eq!(ResultCode::parse(" 実施済 "), Some(ResultCode::Implemented));
        assert_eq!(ResultCode::parse("done"), None);
        assert_eq!(serde_json::to_string(&ResultCode::NotApplicable).unwrap(), "\"not-applicable\"");
    }

    #[test]
    fn not_applicable_needs_a_justification() {
        let r = ReqRef::parse("c:x").unwrap();
        assert!(matches!(
            Answer::new(r.clone(), ResultCode::NotApplicable),
            Err(AnswerError::MissingJustification { .. })
        ));
        assert!(Answer::not_applicable(r.clone(), "  ").is_err());
        assert!(Answer::not_applicable(r.clone(), "紙運用のみ").is_ok());
        assert!(Answer::new(r, ResultCode::Implemented).is_ok());
    }
}

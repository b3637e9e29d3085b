//! Mappings between requirements of two catalogs.
//!
//! The relation vocabulary follows OSCAL's mapping model (`equivalent-to`, `subset-of`,
//! `superset-of`, `intersects-with`, `no-relationship`) where it fits, and adds what the
//! Japanese crosswalks and version-migration tables need.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::id::{CatalogId, LocalId, ReqRef};
use crate::model::{Localized, Provenance, SourceDoc};

/// How a source requirement relates to a target requirement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum Relation {
    /// Same requirement in substance (OSCAL `equivalent-to`).
    #[serde(rename = "equivalent-to")]
    Equivalent,
    /// The source asks for a part of what the target asks (OSCAL `subset-of`).
    #[serde(rename = "subset-of")]
    Subset,
    /// The source asks for more than the target (OSCAL `superset-of`).
    #[serde(rename = "superset-of")]
    Superset,
    /// They overlap; neither contains the other (OSCAL `intersects-with`). What an official
    /// correspondence table (対応表) asserts when it puts two items side by side. An entry
    /// without a target says the source is partly covered somewhere in the target catalog that
    /// the source does not name (一部記載あり without a section).
    #[serde(rename = "intersects-with")]
    Intersects,
    /// Related in subject, with no claim about coverage (e.g. derived through a third catalog).
    #[serde(rename = "related-to")]
    Related,
    /// The source has no counterpart in the target catalog (明文規定なし; OSCAL `no-relationship`).
    /// Such an entry has no target.
    #[serde(rename = "no-relationship")]
    NoCounterpart,
    /// The source refers to the whole target section, not an item of it (e.g. 「6.9全般」).
    #[serde(rename = "refers-to-section")]
    RefersToSection,
    /// Version migration: the source item moved to the target item in the new edition.
    #[serde(rename = "migrated-to")]
    MigratedTo,
    /// Version migration: the source item was split; the target is one of its parts.
    #[serde(rename = "split-into")]
    SplitInto,
    /// Version migration: the source item was merged with others into the target.
    #[serde(rename = "merged-into")]
    MergedInto,
    /// Version migration: the target is new in the new edition (新設). Such an entry has no source.
    #[serde(rename = "new")]
    New,
}

impl Relation {
    /// Every relation, in declaration order.
    pub const ALL: [Relation; 11] = [
        Self::Equivalent,
        Self::Subset,
        Self::Superset,
        Self::Intersects,
        Self::Related,
        Self::NoCounterpart,
        Self::RefersToSection,
        Self::MigratedTo,
        Self::SplitInto,
        Self::MergedInto,
        Self::New,
    ];

    /// The stable id (`equivalent-to`, `subset-of`, …), as mapping files and JSON write it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Equivalent => "equivalent-to",
            Self::Subset => "subset-of",
            Self::Superset => "superset-of",
            Self::Intersects => "intersects-with",
            Self::Related => "related-to",
            Self::NoCounterpart => "no-relationship",
            Self::RefersToSection => "refers-to-section",
            Self::MigratedTo => "migrated-to",
            Self::SplitInto => "split-into",
            Self::MergedInto => "merged-into",
            Self::New => "new",
        }
    }

    /// Reads a stable id; `None` for anything else.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// The users' word for it.
    pub fn ja(self) -> &'static str {
        match self {
            Self::Equivalent => "同等",
            Self::Subset => "部分(元⊂先)",
            Self::Superset => "包含(元⊃先)",
            Self::Intersects => "対応",
            Self::Related => "関連",
            Self::NoCounterpart => "明文規定なし",
            Self::RefersToSection => "節全般",
            Self::MigratedTo => "移行",
            Self::SplitInto => "分割",
            Self::MergedInto => "統合",
            Self::New => "新設",
        }
    }

    /// Whether an entry with this relation has a source and a target.
    pub fn has_source(self) -> bool {
        self != Self::New
    }
    /// Whether an entry with this relation has a target (all but 明文規定なし).
    pub fn has_target(self) -> bool {
        self != Self::NoCounterpart
    }
    /// Whether an entry with this relation may leave its target unstated (an overlap whose place
    /// the source does not name).
    pub fn target_optional(self) -> bool {
        self == Self::Intersects
    }

    /// The relation read from target to source.
    pub fn inverse(self) -> Self {
        // Reading a migration backwards says where an item came from; for traversal it stays
        // the same relation, with the direction recorded in the step.
        match self {
            Self::Subset => Self::Superset,
            Self::Superset => Self::Subset,
            other => other,
        }
    }

    /// The relation of A to C, knowing A→B is `self` and B→C is `next`.
    ///
    /// Equivalence carries the other relation; two subsets make a subset, two supersets a
    /// superset; a version migration step carries the other relation; anything else is only
    /// `related-to`: overlap is not transitive.
    pub fn compose(self, next: Relation) -> Relation {
        use Relation::*;
        let migration = |r: Relation| matches!(r, MigratedTo);
        match (self, next) {
            (Equivalent, r) | (r, Equivalent) => r,
            (a, b) if migration(a) => b,
            (a, b) if migration(b) => a,
            (Subset, Subset) => Subset,
            (Superset, Superset) => Superset,
            _ => Related,
        }
    }
}

/// Who says two requirements are related.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Basis {
    /// A published crosswalk or migration table (a seed) says so.
    Source,
    /// The sansho team matched them by reading both texts; the note says how.
    Editorial,
    /// Computed by composing other mappings; `via` lists the intermediate requirements.
    Derived,
}

impl Basis {
    /// The stable id (`source`, `editorial`, `derived`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Source => "source",
            Self::Editorial => "editorial",
            Self::Derived => "derived",
        }
    }
    /// Reads a stable id; `None` for anything else.
    pub fn parse(s: &str) -> Option<Self> {
        [Self::Source, Self::Editorial, Self::Derived].into_iter().find(|b| b.as_str() == s)
    }
}

/// One edge of a mapping set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Mapping {
    /// Requirement in the set's source catalog (`None` only for [`Relation::New`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<LocalId>,
    /// Requirement in the set's target catalog (`None` only for [`Relation::NoCounterpart`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target: Option<LocalId>,
    /// How the source relates to the target.
    pub relation: Relation,
    /// Who says so.
    pub basis: Basis,
    /// Where it is said (seed lines, files).
    pub provenance: Vec<Provenance>,
    /// A reviewer's note on the edge (for editorial edges, how they were matched).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Extra facts the source table gives about the edge (e.g. 2省GLの記載有無, 追記方法, 適用範囲).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub attributes: BTreeMap<String, String>,
    /// For derived edges: the requirements the edge was composed through.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub via: Vec<ReqRef>,
}

impl Mapping {
    /// An edge with no provenance, note, attributes or `via` yet.
    pub fn new(source: Option<LocalId>, target: Option<LocalId>, relation: Relation, basis: Basis) -> Self {
        Self {
            source,
            target,
            relation,
            basis,
            provenance: Vec::new(),
            note: None,
            attributes: BTreeMap::new(),
            via: Vec::new(),
        }
    }
}

/// All mappings from one catalog to another.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MappingSet {
    /// e.g. `mic-cloud-2018--mhlw-5`.
    pub id: String,
    /// The set's title, in Japanese (and English where known).
    pub title: Localized,
    /// The catalog the edges start from.
    pub source: CatalogId,
    /// The catalog the edges point to.
    pub target: CatalogId,
    /// True when every edge was computed from other mapping sets.
    pub derived: bool,
    /// The documents the set was built from.
    pub sources: Vec<SourceDoc>,
    /// What the set is and how it was made.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The edges, in the order the source gives them.
    pub mappings: Vec<Mapping>,
}

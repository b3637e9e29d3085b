//! Version migration: an assessment on one catalog carried to another (`sansho assessment
//! migrate <id> --to <catalog>`), with every requirement that needs a person flagged.
//!
//! The carrying follows the derivation (the same traversal and chains) with one difference:
//! a migration table's own relations carry the result whole. An item that moved
//! (`migrated-to`) or is one of the parts an item was split into (`split-into`), or the item
//! several were merged into (`merged-into`), keeps the old answer, since the table says it is the
//! same requirement rearranged; split and merged items are still flagged for review. Every other
//! relation (subset, superset, intersects, related) carries at most 一部実施, flagged, as in
//! the derivation. 該当なし is carried only by an exact move and is always flagged.
//! Nothing here writes: the caller stores the answers of the new assessment.

use serde::Serialize;

use super::derive::{Derived, Source};
use super::{Answer, Origin, ResultCode, gaps::is_requirement};
use crate::mapping::Relation;
use crate::set::{NodeIx, StepKind};

/// Why a migrated requirement needs a person's review.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Flag {
    /// 新設: the migration table says the requirement is new in the target edition.
    New,
    /// No answered requirement reaches it: new, or not covered by any mapping (未対応).
    Unmapped,
    /// 分割: it is one of the parts an answered requirement was split into.
    Split,
    /// 統合: several answered requirements were merged into it.
    Merged,
    /// Reached only through an overlap (subset, superset, intersects, related): at most 一部実施.
    Overlap,
    /// The sources' answers disagree; the most restrictive was carried.
    Conflict,
    /// A source said 該当なし; carried only by an exact move, and always for review.
    NotApplicable,
}

impl Flag {
    /// The stable English id (`new`, `unmapped`, …), as the API and JSON write it.
    pub fn as_str(self) -> &'static str {
        match self {
            Flag::New => "new",
            Flag::Unmapped => "unmapped",
            Flag::Split => "split",
            Flag::Merged => "merged",
            Flag::Overlap => "overlap",
            Flag::Conflict => "conflict",
            Flag::NotApplicable => "not-applicable",
        }
    }

    /// The users' word for it.
    pub fn ja(self) -> &'static str {
        match self {
            Flag::New => "新設",
            Flag::Unmapped => "対応なし",
            Flag::Split => "分割",
            Flag::Merged => "統合",
            Flag::Overlap => "部分対応",
            Flag::Conflict => "回答不一致",
            Flag::NotApplicable => "該当なし要確認",
        }
    }
}

/// One requirement of the target catalog after the migration.
#[derive(Debug, Clone)]
pub struct Migrated {
    /// The target requirement.
    pub node: NodeIx,
    /// The carried answer, with its origin (`None`: left unanswered).
    pub answer: Option<Answer>,
    /// Why a person should look (empty: carried exactly).
    pub flags: Vec<Flag>,
    /// Indexes of the source answers that reach it (in the slice given to `derive`).
    pub sources: Vec<usize>,
}

/// The target catalog's requirements, in document order, each carried or flagged.
#[derive(Debug, Clone)]
pub struct Migration {
    /// The source catalog (its id), whose answers are carried.
    pub from: String,
    /// The target catalog (its id).
    pub to: String,
    /// Every requirement of the target catalog, in document order.
    pub items: Vec<Migrated>,
}

/// Counts for a summary line.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct MigrationSummary {
    /// Requirements of the target catalog.
    pub requirements: usize,
    /// Carried with an answer.
    pub carried: usize,
    /// Carried with no flag at all.
    pub exact: usize,
    /// Carrying at least one flag (with or without an answer).
    pub flagged: usize,
    /// Per flag, in [`Flag`] order: new, unmapped, split, merged, overlap, conflict, not-applicable.
    pub by_flag: Vec<(Flag, usize)>,
    /// Source answers that reached no requirement of the target catalog.
    pub unused_sources: usize,
}

impl Migration {
    /// The counts of this migration; `source_answers` is how many answers were given, so those
    /// that reached nothing can be counted.
    pub fn summary(&self, source_answers: usize) -> MigrationSummary {
        let mut s = MigrationSummary { requirements: self.items.len(), ..Default::default() };
        let mut used = vec![false; source_answers];
        let flags =
            [Flag::New, Flag::Unmapped, Flag::Split, Flag::Merged, Flag::Overlap, Flag::Conflict, Flag::NotApplicable];
        let mut counts = [0usize; 7];
        for item in &self.items {
            s.carried += usize::from(item.answer.is_some());
            s.exact += usize::from(item.answer.is_some() && item.flags.is_empty());
            s.flagged += usize::from(!item.flags.is_empty());
            for f in &item.flags {
                counts[flags.iter().position(|x| x == f).unwrap_or(0)] += 1;
            }
            for &i in &item.sources {
                if let Some(u) = used.get_mut(i) {
                    *u = true;
                }
            }
        }
        s.by_flag = flags.into_iter().zip(counts).collect();
        s.unused_sources = used.iter().filter(|u| !**u).count();
        s
    }
}

/// How a source reaches the target: whole (a migration table's relation, or equivalence) or
/// as an overlap; and whether the chain splits or merges.
struct Reach {
    whole: bool,
    split: bool,
    merged: bool,
}

fn reach(src: &Source) -> Reach {
    let mut split = false;
    let mut merged = false;
    let mut whole = true;
    for hop in &src.reached.via {
        match (hop.relation, hop.forward) {
            (Relation::SplitInto, true) | (Relation::MergedInto, false) => split = true,
            (Relation::MergedInto, true) | (Relation::SplitInto, false) => merged = true,
            (Relation::Equivalent | Relation::MigratedTo, _) => {}
            _ => whole = false,
        }
        // A step inside a printed tree is never a whole carry (a heading is not its items).
        if hop.kind != StepKind::Mapping {
            whole = false;
        }
    }
    Reach { whole, split, merged }
}

fn restrictive(a: ResultCode, b: ResultCode) -> ResultCode {
    match (a.rank(), b.rank()) {
        (Some(x), Some(y)) if y < x => b,
        _ => a,
    }
}

/// Carries the answers of catalog `from` (those given to `derive`) to the requirements of
/// catalog `to`. Only sources answering a requirement of `from` count.
pub fn migrate(derived: &Derived, from: &str, to: &str) -> Migration {
    let set = derived.set();
    let answers = derived.answers();
    let mut items = Vec::new();
    for ix in set.catalog_nodes(to) {
        if !is_requirement(set, ix) {
            continue;
        }
        let mut flags = Vec::new();
        if !set.new_entries(ix).is_empty() {
            flags.push(Flag::New);
        }
        let sources: Vec<&Source> = derived
            .suggestion(ix)
            .map(|s| s.sources.iter().filter(|src| set.catalog_of(src.from).id.as_str() == from).collect())
            .unwrap_or_default();
        if sources.is_empty() {
            if flags.is_empty() {
                flags.push(Flag::Unmapped);
            }
            items.push(Migrated { node: ix, answer: None, flags, sources: Vec::new() });
            continue;
        }
        let reaches: Vec<Reach> = sources.iter().map(|s| reach(s)).collect();
        if reaches.iter().any(|r| r.split) {
            flags.push(Flag::Split);
        }
        let distinct_from = {
            let mut f: Vec<NodeIx> = sources.iter().map(|s| s.from).collect();
            f.sort();
            f.dedup();
            f.len()
        };
        if reaches.iter().any(|r| r.merged) || (distinct_from > 1 && reaches.iter().all(|r| r.whole)) {
            flags.push(Flag::Merged);
        }
        let whole: Vec<(&Source, &Reach)> = sources.iter().copied().zip(&reaches).filter(|(_, r)| r.whole).collect();
        let considered: Vec<&Source> =
            if whole.is_empty() { sources.clone() } else { whole.iter().map(|(s, _)| *s).collect() };
        if whole.is_empty() {
            flags.push(Flag::Overlap);
        }
        let answered: Vec<ResultCode> =
            considered.iter().map(|s| s.answered).filter(|r| *r != ResultCode::NotApplicable).collect();
        let na: Vec<&Source> = considered.iter().copied().filter(|s| s.answered == ResultCode::NotApplicable).collect();
        if !na.is_empty() {
            flags.push(Flag::NotApplicable);
        }
        if answered.windows(2).any(|w| w[0] != w[1]) {
            flags.push(Flag::Conflict);
        }
        let result = match answered.iter().copied().reduce(restrictive) {
            Some(r) if whole.is_empty() => Some(restrictive(r, ResultCode::Partial)),
            Some(r) => Some(r),
            // Only 該当なし reaches it: carried by an exact move alone, flagged.
            None if !whole.is_empty() && considered.len() == 1 && flags == [Flag::NotApplicable] => {
                Some(ResultCode::NotApplicable)
            }
            None => None,
        };
        let answer = result.map(|result| {
            let carried: Vec<&Source> = considered.iter().copied().filter(|s| s.answered == result).collect();
            let texts = |f: fn(&Answer) -> Option<&String>| -> Option<String> {
                let parts: Vec<String> = carried
                    .iter()
                    .filter_map(|s| {
                        let a = &answers[s.answer];
                        f(a).filter(|t| !t.trim().is_empty()).map(|t| (set.requirement(s.from).label.as_str(), t))
                    })
                    .map(|(label, t)| if carried.len() > 1 { format!("【{label}】{t}") } else { t.clone() })
                    .collect();
                (!parts.is_empty()).then(|| parts.join("\n"))
            };
            Answer {
                requirement: set.reference(ix),
                result,
                how: texts(|a| a.how.as_ref()),
                justification: texts(|a| a.justification.as_ref()),
                origin: Some(Origin {
                    suggested: result,
                    needs_review: !flags.is_empty(),
                    sources: sources.iter().map(|s| derived.origin_source(s)).collect(),
                    rollup: None,
                }),
            }
        });
        let mut src: Vec<usize> = sources.iter().map(|s| s.answer).collect();
        src.sort_unstable();
        src.dedup();
        items.push(Migrated { node: ix, answer, flags, sources: src });
    }
    Migration { from: from.to_owned(), to: to.to_owned(), items }
}

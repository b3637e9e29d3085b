//! Derived results: each requirement's result suggested from the answers given anywhere,
//! through the mappings (see ARCHITECTURE.md, "Assessments: derivation rules").

use std::collections::HashMap;

use serde::Serialize;

use super::{Answer, AnswerError, AssessError, ChainStep, Origin, OriginSource, ResultCode};
use crate::mapping::Relation;
use crate::set::{CatalogSet, NodeIx, NodeRef, Reached, Step};

/// One answer that reaches a requirement through mappings.
#[derive(Debug, Clone)]
pub struct Source {
    /// Index of the answer in the slice given to [`derive`].
    pub answer: usize,
    /// The answered requirement.
    pub from: NodeIx,
    /// What that answer said.
    pub answered: ResultCode,
    /// The requirement reached (this suggestion's), the composed relation and the chain.
    pub reached: Reached,
    /// What this source alone suggests; `None` for a 該当なし answer (review only).
    pub carries: Option<ResultCode>,
    /// What this source suggests needs a person to look: a 該当なし answer, or a relation other
    /// than equivalence (which carries at most 一部実施).
    pub needs_review: bool,
}

/// A requirement's result computed from its children (within its own catalog).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Rollup {
    /// `None` when no child has an answered result (all unanswered or 該当なし).
    pub result: Option<ResultCode>,
    /// True when a child's result is itself a suggestion flagged for review, or every
    /// answered child is 該当なし.
    pub needs_review: bool,
    /// How many children have each result, in [`ResultCode::ALL`] order.
    pub children: [usize; 5],
}

/// What the mappings and the tree suggest for one requirement. Never applied by itself: a
/// direct answer wins, and [`Derived::accept`] turns a suggestion into a direct answer.
#[derive(Debug, Clone)]
pub struct Suggestion {
    /// The requirement the suggestion is for.
    pub node: NodeIx,
    /// The most restrictive result of the sources (unanswered when none carries one).
    pub result: ResultCode,
    /// True when a person should review it before accepting (e.g. the sources disagree, or one
    /// is 該当なし).
    pub needs_review: bool,
    /// Every answer that reaches the requirement, document order of the answers.
    pub sources: Vec<Source>,
    /// The children's roll-up, when the requirement has children.
    pub rollup: Option<Rollup>,
    /// Whether the roll-up took part in the result.
    pub rollup_used: bool,
}

/// Where a requirement's effective result comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ResultBasis {
    /// A direct answer on the requirement.
    Direct,
    /// A suggestion (derived through mappings or rolled up from children).
    Derived,
    /// Nothing: unanswered.
    None,
}

/// A source with its chain named, for display and JSON.
#[derive(Debug, Clone, Serialize)]
pub struct NamedSource<'a> {
    /// The answered requirement.
    pub answer: NodeRef<'a>,
    /// What that answer said.
    pub answered: ResultCode,
    /// The relation of the answered requirement to this one, composed along the chain.
    pub relation: Relation,
    /// What this source alone suggests; `None` for a 該当なし answer (review only).
    pub carries: Option<ResultCode>,
    /// What this source suggests needs a person to look.
    pub needs_review: bool,
    /// The chain, first hop first.
    pub via: Vec<Step<'a>>,
}

/// A suggestion with its sources named.
#[derive(Debug, Clone, Serialize)]
pub struct NamedSuggestion<'a> {
    /// The most restrictive result of the sources (unanswered when none carries one).
    pub result: ResultCode,
    /// True when a person should review it before accepting.
    pub needs_review: bool,
    /// Every answer that reaches the requirement.
    pub sources: Vec<NamedSource<'a>>,
    /// The children's roll-up, when the requirement has children.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rollup: Option<&'a Rollup>,
    /// Whether the roll-up took part in the result.
    pub rollup_used: bool,
}

/// One requirement of a catalog: its direct answer, its suggestion and the result that counts.
#[derive(Debug, Clone, Serialize)]
pub struct Outcome<'a> {
    /// The requirement.
    pub requirement: NodeRef<'a>,
    /// Its printed label.
    pub label: &'a str,
    /// The direct answer if there is one (and it is not 未回答), else the suggestion's result.
    pub result: ResultCode,
    /// Whether `result` is a direct answer, a suggestion, or nothing.
    pub basis: ResultBasis,
    /// True when the result is a suggestion flagged for review.
    pub needs_review: bool,
    /// The direct answer, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub direct: Option<&'a Answer>,
    /// The suggestion, if the mappings or the children suggest anything.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suggestion: Option<NamedSuggestion<'a>>,
}

/// Direct answers and the suggestions derived from them, for every node of a set.
#[derive(Debug, Clone)]
pub struct Derived<'a> {
    set: &'a CatalogSet,
    answers: &'a [Answer],
    /// Per node: the index of its direct answer.
    direct: Vec<Option<u32>>,
    /// Per node: its suggestion.
    suggestions: Vec<Option<Suggestion>>,
}

/// What one source alone suggests, by the relation it reaches the requirement through.
fn carry(answered: ResultCode, relation: Relation) -> (Option<ResultCode>, bool) {
    match (answered, relation) {
        // 該当なし never propagates: it asks a person to look.
        (ResultCode::NotApplicable, _) => (None, true),
        // Equivalent (also across a version migration that stays equivalent) carries the result.
        (r, Relation::Equivalent | Relation::MigratedTo) => (Some(r), false),
        // Any overlap carries at most 一部実施, for review.
        (r, _) => (Some(most_restrictive(r, ResultCode::Partial)), true),
    }
}

fn most_restrictive(a: ResultCode, b: ResultCode) -> ResultCode {
    match (a.rank(), b.rank()) {
        (Some(x), Some(y)) if y < x => b,
        (Some(_), _) => a,
        (None, Some(_)) => b,
        (None, None) => a,
    }
}

/// Computes, for every node of every catalog, the suggestion the answers make through the
/// mappings and the printed tree. Every answer is checked; an answer to an unknown
/// requirement, an invalid one or a second answer to the same requirement is an error.
pub fn derive<'a>(set: &'a CatalogSet, answers: &'a [Answer]) -> Result<Derived<'a>, AssessError> {
    let n = set.node_count();
    let mut direct: Vec<Option<u32>> = vec![None; n];
    let mut sources: Vec<Vec<Source>> = vec![Vec::new(); n];
    let mut at: Vec<NodeIx> = Vec::with_capacity(answers.len());
    for (i, a) in answers.iter().enumerate() {
        a.check().map_err(|error| AssessError::Invalid { index: i, error })?;
        let ix = set
            .node(a.requirement.catalog.as_str(), a.requirement.local.as_str())
            .ok_or_else(|| AssessError::UnknownRequirement { index: i, requirement: a.requirement.clone() })?;
        let slot = &mut direct[CatalogSet::index_of(ix)];
        if let Some(first) = *slot {
            return Err(AssessError::DuplicateAnswer {
                first: first as usize,
                second: i,
                requirement: a.requirement.clone(),
            });
        }
        *slot = Some(i as u32);
        at.push(ix);
    }
    for (i, a) in answers.iter().enumerate() {
        // 未回答 says nothing, so it reaches nothing.
        if a.result == ResultCode::Unanswered {
            continue;
        }
        for reached in set.reach_all(at[i]) {
            let (carries, needs_review) = carry(a.result, reached.relation);
            let slot = CatalogSet::index_of(reached.node);
            sources[slot].push(Source { answer: i, from: at[i], answered: a.result, reached, carries, needs_review });
        }
    }
    let mut derived = Derived { set, answers, direct, suggestions: vec![None; n] };
    // Children come after their parent in document order, so walking backwards settles every
    // child before its parent.
    let order: Vec<NodeIx> = set.all_nodes().collect();
    for &ix in order.iter().rev() {
        let slot = CatalogSet::index_of(ix);
        let own = std::mem::take(&mut sources[slot]);
        let rollup = derived.rollup(ix);
        if own.is_empty() && rollup.as_ref().is_none_or(|r| r.result.is_none() && !r.needs_review) {
            continue;
        }
        derived.suggestions[slot] = Some(combine(ix, own, rollup));
    }
    Ok(derived)
}

/// Combines the sources (and the roll-up) of one requirement.
///
/// Firm evidence decides when there is any: the most restrictive of the sources that carry a
/// result by equivalence (and of a roll-up of firm results). Otherwise the most restrictive of
/// the capped overlap results, for review. An overlap's cap ("at most 一部実施") is a limit of
/// what it can tell, not a finding, so it does not lower a firm result; but sources whose
/// answers disagree, or any 該当なし source, always ask for review.
fn combine(node: NodeIx, sources: Vec<Source>, rollup: Option<Rollup>) -> Suggestion {
    let firm_rollup = rollup.as_ref().and_then(|r| r.result.filter(|_| !r.needs_review));
    let firm = sources.iter().filter(|s| !s.needs_review).filter_map(|s| s.carries).chain(firm_rollup);
    let firm = firm.reduce(most_restrictive);
    let carried = sources.iter().any(|s| s.carries.is_some());
    // A roll-up made of firm results always counts; one made of suggestions flagged for
    // review counts only when no mapping carries a result to the requirement itself.
    let rollup_used = rollup.as_ref().is_some_and(|r| r.result.is_some() && (!r.needs_review || !carried));
    let used_rollup = rollup.as_ref().filter(|_| rollup_used).and_then(|r| r.result);
    let (result, mut needs_review) = match firm {
        Some(r) => (Some(r), false),
        None => {
            let all = sources.iter().filter_map(|s| s.carries).chain(used_rollup);
            let review = sources.iter().any(|s| s.needs_review) || rollup.as_ref().is_some_and(|r| r.needs_review);
            (all.reduce(most_restrictive), review)
        }
    };
    let mut answered = sources.iter().map(|s| s.answered).chain(used_rollup);
    let first = answered.next();
    needs_review |= answered.any(|r| Some(r) != first);
    needs_review |= sources.iter().any(|s| s.answered == ResultCode::NotApplicable);
    needs_review |= rollup.as_ref().is_some_and(|r| r.result.is_none() && r.needs_review);
    Suggestion { node, result: result.unwrap_or(ResultCode::Unanswered), needs_review, sources, rollup, rollup_used }
}

impl<'a> Derived<'a> {
    /// The catalogs and mapping sets the results were derived over.
    pub fn set(&self) -> &'a CatalogSet {
        self.set
    }
    /// The direct answers, as given to [`derive()`].
    pub fn answers(&self) -> &'a [Answer] {
        self.answers
    }

    /// The direct answer on a node, if any.
    pub fn direct(&self, ix: NodeIx) -> Option<&'a Answer> {
        self.direct[CatalogSet::index_of(ix)].map(|i| &self.answers[i as usize])
    }

    /// The suggestion for a node, if the answers reach it (also when it has a direct answer:
    /// the suggestion is shown, never applied).
    pub fn suggestion(&self, ix: NodeIx) -> Option<&Suggestion> {
        self.suggestions[CatalogSet::index_of(ix)].as_ref()
    }

    /// The result that counts for a node: a direct answer (unless it is 未回答), else the
    /// suggestion, else 未回答; with where it comes from and whether it needs review.
    pub fn effective(&self, ix: NodeIx) -> (ResultCode, ResultBasis, bool) {
        if let Some(a) = self.direct(ix).filter(|a| a.result != ResultCode::Unanswered) {
            return (a.result, ResultBasis::Direct, false);
        }
        match self.suggestion(ix) {
            Some(s) if s.result != ResultCode::Unanswered => (s.result, ResultBasis::Derived, s.needs_review),
            Some(s) => (ResultCode::Unanswered, ResultBasis::None, s.needs_review),
            None => (ResultCode::Unanswered, ResultBasis::None, false),
        }
    }

    /// The roll-up of a node's children (their effective results), `None` for a leaf.
    fn rollup(&self, ix: NodeIx) -> Option<Rollup> {
        let children = self.set.children_of(ix);
        if children.is_empty() {
            return None;
        }
        let mut counts = [0usize; 5];
        let mut needs_review = false;
        for &c in children {
            let (r, _, review) = self.effective(c);
            counts[r.index()] += 1;
            needs_review |= review && r != ResultCode::Unanswered;
        }
        let [implemented, partial, not_implemented, not_applicable, unanswered] = counts;
        let result = if implemented + partial > 0 {
            if partial == 0 && not_implemented == 0 && unanswered == 0 {
                Some(ResultCode::Implemented)
            } else {
                Some(ResultCode::Partial)
            }
        } else if not_implemented > 0 {
            Some(ResultCode::NotImplemented)
        } else {
            None
        };
        // Children that are all 該当なし do not make the heading 該当なし: a person looks.
        if result.is_none() && not_applicable > 0 && unanswered == 0 {
            needs_review = true;
        }
        Some(Rollup { result, needs_review, children: counts })
    }

    /// Names a suggestion's sources and chains.
    pub fn name(&self, s: &'a Suggestion) -> NamedSuggestion<'a> {
        NamedSuggestion {
            result: s.result,
            needs_review: s.needs_review,
            sources: s
                .sources
                .iter()
                .map(|src| NamedSource {
                    answer: self.set.node_ref(src.from),
                    answered: src.answered,
                    relation: src.reached.relation,
                    carries: src.carries,
                    needs_review: src.needs_review,
                    via: self.set.describe(&src.reached).via,
                })
                .collect(),
            rollup: s.rollup.as_ref(),
            rollup_used: s.rollup_used,
        }
    }

    /// One node's outcome, named.
    pub fn outcome(&'a self, ix: NodeIx) -> Outcome<'a> {
        let (result, basis, needs_review) = self.effective(ix);
        Outcome {
            requirement: self.set.node_ref(ix),
            label: &self.set.requirement(ix).label,
            result,
            basis,
            needs_review,
            direct: self.direct(ix),
            suggestion: self.suggestion(ix).map(|s| self.name(s)),
        }
    }

    /// Every node of a catalog in document order (empty for an unknown catalog).
    pub fn catalog(&'a self, catalog: &str) -> Vec<Outcome<'a>> {
        self.set.catalog_nodes(catalog).into_iter().map(|ix| self.outcome(ix)).collect()
    }

    /// Turns a node's suggestion into a direct answer that records where it came from (the
    /// suggestion's result, every source with its chain, the roll-up). The caller stores it;
    /// nothing here changes. A suggestion without a result (only 該当なし sources) cannot be
    /// accepted: answer it directly.
    pub fn accept(&self, ix: NodeIx) -> Result<Answer, AnswerError> {
        let requirement = self.set.reference(ix);
        let Some(s) = self.suggestion(ix) else {
            return Err(AnswerError::NothingToAccept { requirement, reason: "no answer reaches it" });
        };
        if s.result == ResultCode::Unanswered {
            return Err(AnswerError::NothingToAccept { requirement, reason: "only 該当なし answers reach it" });
        }
        let origin = Origin {
            suggested: s.result,
            needs_review: s.needs_review,
            sources: s.sources.iter().map(|src| self.origin_source(src)).collect(),
            rollup: s.rollup.clone().filter(|_| s.rollup_used),
        };
        Ok(Answer { requirement, result: s.result, how: None, justification: None, origin: Some(origin) })
    }

    /// One source as an accepted answer records it: owned, with its chain named.
    pub(crate) fn origin_source(&self, src: &Source) -> OriginSource {
        OriginSource {
            answer: self.set.reference(src.from),
            answered: src.answered,
            relation: src.reached.relation,
            carries: src.carries,
            chain: self
                .set
                .describe(&src.reached)
                .via
                .into_iter()
                .map(|st| ChainStep {
                    from: st.from.to_owned_ref(),
                    to: st.to.to_owned_ref(),
                    relation: st.relation,
                    kind: st.kind,
                    mapping_set: st.mapping_set.map(str::to_owned),
                    forward: st.forward,
                    provenance: st.provenance.to_vec(),
                })
                .collect(),
        }
    }

    /// Counts of suggestions per catalog with a result (for summaries).
    pub fn suggested_counts(&self) -> HashMap<&'a str, usize> {
        let mut out = HashMap::new();
        for ix in self.set.all_nodes() {
            if self.suggestion(ix).is_some_and(|s| s.result != ResultCode::Unanswered) {
                *out.entry(self.set.catalog_of(ix).id.as_str()).or_insert(0) += 1;
            }
        }
        out
    }
}

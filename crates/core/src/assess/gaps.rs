//! Gap analysis of one catalog: counts per section, level and control category, the ordered
//! gaps, and the "minimum package" verdict (every mandatory requirement met).

use serde::Serialize;

use super::ResultCode;
use super::derive::{Derived, ResultBasis};
use crate::model::{Category, Level, NodeKind};
use crate::set::{CatalogSet, NodeIx, NodeRef, ResolveError};

/// What a gap analysis counts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct GapOptions {
    /// Count suggestions (derived through mappings or rolled up) where there is no direct
    /// answer. Off: only direct answers count. Derived results are flagged in the gaps.
    pub include_derived: bool,
}

/// Counts per result, with percentages of the total (one decimal).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Tally {
    /// How many requirements were counted.
    pub total: usize,
    /// `[implemented, partial, not-implemented, not-applicable, unanswered]`, as [`ResultCode::ALL`].
    pub counts: [usize; 5],
    /// Percentages of `total`, same order.
    pub percent: [f64; 5],
}

impl Tally {
    fn add(&mut self, r: ResultCode) {
        self.total += 1;
        self.counts[r.index()] += 1;
    }
    fn finish(&mut self) {
        for i in 0..5 {
            self.percent[i] = percent(self.counts[i], self.total);
        }
    }
    /// How many have result `r`.
    pub fn count(&self, r: ResultCode) -> usize {
        self.counts[r.index()]
    }
    /// The share of `total` with result `r`, in percent (one decimal).
    pub fn percent(&self, r: ResultCode) -> f64 {
        self.percent[r.index()]
    }
}

fn percent(n: usize, total: usize) -> f64 {
    if total == 0 { 0.0 } else { (n as f64 * 1000.0 / total as f64).round() / 10.0 }
}

/// One row of a breakdown: a section, a level or a category.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Group {
    /// Machine key: a section's id, a level's or category's `as_str()`, `none` for nodes without one.
    pub key: String,
    /// What users read: a section's label and title, the Japanese word of a level or category.
    pub label: String,
    /// Counts of the group's requirements by result.
    pub tally: Tally,
}

/// A requirement that is not met (一部実施, 未実施 or 未回答).
#[derive(Debug, Clone, Serialize)]
pub struct Gap<'a> {
    /// The requirement.
    pub requirement: NodeRef<'a>,
    /// Its printed label.
    pub label: &'a str,
    /// Its level (遵守事項 = mandatory), when the catalog gives one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub level: Option<Level>,
    /// Its category (組織的, 物理的, …), when the catalog gives one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub category: Option<&'a Category>,
    /// The result that counts.
    pub result: ResultCode,
    /// Whether the result is a direct answer or only derived.
    pub basis: ResultBasis,
    /// The derived result is flagged for review.
    pub needs_review: bool,
}

/// A mandatory requirement that keeps the minimum package from being met.
#[derive(Debug, Clone, Serialize)]
pub struct Blocker<'a> {
    /// The requirement.
    pub requirement: NodeRef<'a>,
    /// Its printed label.
    pub label: &'a str,
    /// The result that counts.
    pub result: ResultCode,
    /// Whether the result is a direct answer or only derived.
    pub basis: ResultBasis,
}

/// The "minimum package" (最低限のガイドライン) verdict: every mandatory requirement implemented,
/// or not applicable with a justification.
#[derive(Debug, Clone, Serialize)]
pub struct Verdict<'a> {
    /// Whether the minimum package is met.
    pub met: bool,
    /// Mandatory requirements counted.
    pub mandatory: usize,
    /// How many of them are met.
    pub satisfied: usize,
    /// How many of the met ones are met only by a suggestion (not yet accepted).
    pub by_derived: usize,
    /// What blocks it, in document order.
    pub blockers: Vec<Blocker<'a>>,
}

/// The gap analysis of one catalog.
#[derive(Debug, Clone, Serialize)]
pub struct GapReport<'a> {
    /// The catalog analysed (its id).
    pub catalog: &'a str,
    /// The options it was computed with.
    pub options: GapOptions,
    /// Counts over every requirement of the catalog.
    pub total: Tally,
    /// Per top-level node, in document order.
    pub sections: Vec<Group>,
    /// Mandatory first, then recommended, informative, and nodes without a level.
    pub levels: Vec<Group>,
    /// 組織的, 物理的, 技術的, 人的, then the source's other categories in document order, then none.
    pub categories: Vec<Group>,
    /// Mandatory first, then document order.
    pub gaps: Vec<Gap<'a>>,
    /// The minimum-package verdict.
    pub minimum: Verdict<'a>,
}

/// Whether a node is a requirement to be answered: a leaf item or sub-item, any item with
/// text of its own, or a volume/chapter/section that has text and no children (as the
/// crosswalk counts them). A number or heading that only groups other nodes is structure.
pub fn is_requirement(set: &CatalogSet, ix: NodeIx) -> bool {
    let r = set.requirement(ix);
    let leaf = set.children_of(ix).is_empty();
    match r.kind {
        NodeKind::Item | NodeKind::SubItem => leaf || r.text.is_some(),
        _ => leaf && r.text.is_some(),
    }
}

fn level_rank(l: Option<Level>) -> usize {
    match l {
        Some(Level::Mandatory) => 0,
        Some(Level::Recommended) => 1,
        Some(Level::Informative) => 2,
        None => 3,
    }
}

fn bump(groups: &mut Vec<Group>, key: &str, label: impl FnOnce() -> String, r: ResultCode) {
    match groups.iter_mut().find(|g| g.key == key) {
        Some(g) => g.tally.add(r),
        None => {
            let mut g = Group { key: key.to_owned(), label: label(), tally: Tally::default() };
            g.tally.add(r);
            groups.push(g);
        }
    }
}

/// The gap analysis of `catalog`, on direct answers and (with
/// [`GapOptions::include_derived`]) suggestions.
pub fn gaps<'a>(
    derived: &'a Derived<'a>,
    catalog: &'a str,
    options: GapOptions,
) -> Result<GapReport<'a>, ResolveError> {
    let set = derived.set();
    if set.catalog(catalog).is_none() {
        return Err(ResolveError::UnknownCatalog(catalog.to_owned()));
    }
    let mut total = Tally::default();
    let mut sections: Vec<Group> = Vec::new();
    let mut levels: Vec<Group> = Vec::new();
    let mut categories: Vec<Group> = Vec::new();
    let mut gaps: Vec<(usize, Gap<'a>)> = Vec::new();
    let mut minimum = Verdict { met: true, mandatory: 0, satisfied: 0, by_derived: 0, blockers: Vec::new() };
    for ix in set.catalog_nodes(catalog) {
        if !is_requirement(set, ix) {
            continue;
        }
        let req = set.requirement(ix);
        let (result, basis, needs_review) = if options.include_derived {
            derived.effective(ix)
        } else {
            match derived.direct(ix) {
                Some(a) if a.result != ResultCode::Unanswered => (a.result, ResultBasis::Direct, false),
                _ => (ResultCode::Unanswered, ResultBasis::None, false),
            }
        };
        total.add(result);
        // Section: the top-level node the requirement is printed under (or itself).
        let mut root = ix;
        let mut category = req.category.as_ref();
        while let Some(p) = set.parent_of(root) {
            root = p;
            category = category.or(set.requirement(p).category.as_ref());
        }
        let top = set.requirement(root);
        bump(
            &mut sections,
            top.id.as_str(),
            || match &top.title {
                Some(t) if t != &top.label => format!("{} {t}", top.label),
                _ => top.label.clone(),
            },
            result,
        );
        let level_key = req.level.map_or("none", Level::as_str);
        bump(&mut levels, level_key, || req.level.map_or("区分なし", Level::ja).to_owned(), result);
        let cat_key = category.map_or("none", Category::as_str);
        bump(&mut categories, cat_key, || category.map_or("区分なし".to_owned(), |c| c.ja().to_owned()), result);

        let met = match result {
            ResultCode::Implemented => true,
            // Only a direct answer can be 該当なし, and it always has a justification.
            ResultCode::NotApplicable => derived.direct(ix).is_some_and(|a| a.is_justified()),
            _ => false,
        };
        if matches!(result, ResultCode::Partial | ResultCode::NotImplemented | ResultCode::Unanswered) {
            let gap = Gap {
                requirement: set.node_ref(ix),
                label: &req.label,
                level: req.level,
                category,
                result,
                basis,
                needs_review,
            };
            gaps.push((level_rank(req.level), gap));
        }
        if req.level == Some(Level::Mandatory) {
            minimum.mandatory += 1;
            if met {
                minimum.satisfied += 1;
                minimum.by_derived += usize::from(basis == ResultBasis::Derived);
            } else {
                minimum.met = false;
                minimum.blockers.push(Blocker { requirement: set.node_ref(ix), label: &req.label, result, basis });
            }
        }
    }
    // Stable: document order within a level.
    gaps.sort_by_key(|(rank, _)| *rank);
    levels.sort_by_key(|g| level_rank(Level::parse(&g.key)));
    let fixed = |k: &str| match k {
        "organizational" => 0,
        "physical" => 1,
        "technical" => 2,
        "human" => 3,
        "none" => 5,
        _ => 4,
    };
    categories.sort_by_key(|g| fixed(&g.key));
    for g in sections.iter_mut().chain(levels.iter_mut()).chain(categories.iter_mut()) {
        g.tally.finish();
    }
    total.finish();
    Ok(GapReport {
        catalog: set.catalog(catalog).map_or(catalog, |c| c.id.as_str()),
        options,
        total,
        sections,
        levels,
        categories,
        gaps: gaps.into_iter().map(|(_, g)| g).collect(),
        minimum,
    })
}

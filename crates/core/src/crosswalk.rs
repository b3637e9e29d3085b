//! The coverage table from one catalog to another: for each source requirement its
//! targets (directly or through other catalogs), the source requirements a mapping set says
//! are partly covered without naming where, and those with no counterpart — explicitly
//! (明文規定なし) or because no mapping reaches the target.

use crate::assess::is_requirement;
use crate::mapping::Relation;
use crate::model::Provenance;
use crate::set::{CatalogSet, NodeIx, Related, ResolveError};

/// One source requirement and what it reaches in the target catalog.
#[derive(Debug, Clone)]
pub struct Row<'a> {
    /// The source requirement.
    pub source: NodeIx,
    /// The target requirements it reaches, each with the chain of mappings.
    pub targets: Vec<Related<'a>>,
}

/// A source requirement a mapping set says has no counterpart in the target catalog.
#[derive(Debug, Clone)]
pub struct NoCounterpart {
    /// The source requirement.
    pub source: NodeIx,
    /// The mapping set that says so (its id).
    pub mapping_set: String,
    /// Where the mapping set says so.
    pub provenance: Vec<Provenance>,
    /// The mapping set's note on the entry, if any.
    pub note: Option<String>,
}

/// The coverage table (対応表) from one catalog to another.
#[derive(Debug, Clone)]
pub struct Crosswalk<'a> {
    /// Source requirements that reach something in the target catalog, with what they reach, in
    /// document order.
    pub rows: Vec<Row<'a>>,
    /// Partly covered, the place unstated: an `intersects-with` entry without a target (and
    /// reaching nothing). Same fields as a 明文規定なし entry.
    pub partial_unstated: Vec<NoCounterpart>,
    /// 明文規定なし: explicitly without counterpart (and reaching nothing).
    pub no_counterpart: Vec<NoCounterpart>,
    /// Requirements with text that reach nothing in the target catalog and have no explicit entry.
    pub unmapped: Vec<NodeIx>,
}

impl Crosswalk<'_> {
    /// Source requirements considered (rows + partly covered, place unstated + 明文規定なし +
    /// unmapped).
    pub fn considered(&self) -> usize {
        self.rows.len() + self.partial_unstated.len() + self.no_counterpart.len() + self.unmapped.len()
    }
}

/// Builds the crosswalk from catalog `from` to catalog `to`.
pub fn crosswalk<'a>(set: &'a CatalogSet, from: &str, to: &str) -> Result<Crosswalk<'a>, ResolveError> {
    for c in [from, to] {
        if set.catalog(c).is_none() {
            return Err(ResolveError::UnknownCatalog(c.to_owned()));
        }
    }
    let mut out =
        Crosswalk { rows: Vec::new(), partial_unstated: Vec::new(), no_counterpart: Vec::new(), unmapped: Vec::new() };
    for ix in set.catalog_nodes(from) {
        let explicit = set.no_counterpart_entries(ix, to);
        let unstated = set.unstated_entries(ix, to);
        // A grouping number is listed only when a mapping names it directly.
        if !is_requirement(set, ix) && !set.has_mappings(ix) && explicit.is_empty() && unstated.is_empty() {
            continue;
        }
        let targets = set.related_in(ix, to);
        if !targets.is_empty() {
            out.rows.push(Row { source: ix, targets });
        } else if !unstated.is_empty() {
            for (ms, i) in unstated {
                let m = &ms.mappings[i];
                out.partial_unstated.push(NoCounterpart {
                    source: ix,
                    mapping_set: ms.id.clone(),
                    provenance: m.provenance.clone(),
                    note: m.note.clone(),
                });
            }
        } else if !explicit.is_empty() {
            for (ms, i) in explicit {
                let m = &ms.mappings[i];
                debug_assert_eq!(m.relation, Relation::NoCounterpart);
                out.no_counterpart.push(NoCounterpart {
                    source: ix,
                    mapping_set: ms.id.clone(),
                    provenance: m.provenance.clone(),
                    note: m.note.clone(),
                });
            }
        } else {
            out.unmapped.push(ix);
        }
    }
    Ok(out)
}

//! Semantic checks over catalogs and mapping sets.
//!
//! Problems point at a catalog, requirement, mapping set or mapping by index and field
//! name; the storage layer that read the files turns those into file:line:column.

use std::collections::{HashMap, HashSet};

use crate::mapping::MappingSet;
use crate::model::Catalog;

/// Where a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Location {
    Catalog { catalog: usize, field: &'static str },
    Requirement { catalog: usize, index: usize, field: &'static str },
    MappingSet { set: usize, field: &'static str },
    Mapping { set: usize, index: usize, field: &'static str },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub severity: Severity,
    pub location: Location,
    pub message: String,
}

impl Problem {
    fn error(location: Location, message: impl Into<String>) -> Self {
        Self { severity: Severity::Error, location, message: message.into() }
    }
    fn warning(location: Location, message: impl Into<String>) -> Self {
        Self { severity: Severity::Warning, location, message: message.into() }
    }
}

/// Checks ids are unique, parents exist, come first and form no cycle, every node has a
/// label and a text or title, and every mapping's ends exist and fit its relation.
pub fn validate(catalogs: &[Catalog], sets: &[MappingSet]) -> Vec<Problem> {
    let mut out = Vec::new();
    let mut catalog_ids: HashMap<&str, usize> = HashMap::new();
    let mut ids_of: HashMap<&str, HashSet<&str>> = HashMap::new();
    for (ci, c) in catalogs.iter().enumerate() {
        if let Some(first) = catalog_ids.insert(c.id.as_str(), ci) {
            out.push(Problem::error(
                Location::Catalog { catalog: ci, field: "id" },
                format!("catalog id {} is already used by another catalog (#{})", c.id, first + 1),
            ));
        }
        check_catalog(ci, c, &mut out);
        ids_of.entry(c.id.as_str()).or_default().extend(c.requirements.iter().map(|r| r.id.as_str()));
    }
    let mut set_ids: HashSet<&str> = HashSet::new();
    for (si, set) in sets.iter().enumerate() {
        if !set_ids.insert(set.id.as_str()) {
            out.push(Problem::error(
                Location::MappingSet { set: si, field: "id" },
                format!("mapping set id {} is used twice", set.id),
            ));
        }
        let src = ids_of.get(set.source.as_str());
        let tgt = ids_of.get(set.target.as_str());
        if src.is_none() {
            out.push(Problem::error(
                Location::MappingSet { set: si, field: "source" },
                format!("source catalog {} is not loaded", set.source),
            ));
        }
        if tgt.is_none() {
            out.push(Problem::error(
                Location::MappingSet { set: si, field: "target" },
                format!("target catalog {} is not loaded", set.target),
            ));
        }
        for (mi, m) in set.mappings.iter().enumerate() {
            let at = |field| Location::Mapping { set: si, index: mi, field };
            match (&m.source, m.relation.has_source()) {
                (None, true) => {
                    out.push(Problem::error(at("source"), format!("a {} mapping needs a source", m.relation.as_str())))
                }
                (Some(_), false) => out.push(Problem::error(
                    at("source"),
                    "a `new` mapping has no source: the target is new in the edition",
                )),
                (Some(s), true) => {
                    if src.is_some_and(|ids| !ids.contains(s.as_str())) {
                        out.push(Problem::error(
                            at("source"),
                            format!("no requirement {s} in source catalog {}", set.source),
                        ));
                    }
                }
                (None, false) => {}
            }
            match (&m.target, m.relation.has_target()) {
                (None, true) if m.relation.target_optional() => {}
                (None, true) => {
                    out.push(Problem::error(at("target"), format!("a {} mapping needs a target", m.relation.as_str())))
                }
                (Some(_), false) => {
                    out.push(Problem::error(at("target"), "a no-relationship (明文規定なし) mapping has no target"))
                }
                (Some(t), true) => {
                    if tgt.is_some_and(|ids| !ids.contains(t.as_str())) {
                        out.push(Problem::error(
                            at("target"),
                            format!("no requirement {t} in target catalog {}", set.target),
                        ));
                    }
                }
                (None, false) => {}
            }
        }
    }
    out
}

fn check_catalog(ci: usize, c: &Catalog, out: &mut Vec<Problem>) {
    let mut position: HashMap<&str, usize> = HashMap::new();
    for (ri, r) in c.requirements.iter().enumerate() {
        let at = |field| Location::Requirement { catalog: ci, index: ri, field };
        if let Some(first) = position.insert(r.id.as_str(), ri) {
            out.push(Problem::error(
                at("id"),
                format!("requirement id {} is used twice in {} (first as node #{})", r.id, c.id, first + 1),
            ));
            position.insert(r.id.as_str(), first);
        }
        if r.label.trim().is_empty() {
            out.push(Problem::error(at("label"), format!("requirement {} has an empty label", r.id)));
        }
        let empty = |s: &Option<String>| s.as_deref().is_none_or(|t| t.trim().is_empty());
        if r.text.as_deref().is_some_and(|t| t.trim().is_empty()) {
            out.push(Problem::error(at("text"), format!("requirement {} has an empty text", r.id)));
        } else if r.text.is_none() && empty(&r.title) && empty(&r.note) {
            out.push(Problem::error(
                at("text"),
                format!("requirement {} has neither text nor title nor a note saying why", r.id),
            ));
        }
        if r.provenance.is_empty() {
            out.push(Problem::warning(
                at("provenance"),
                format!("requirement {} does not say where it comes from", r.id),
            ));
        }
    }
    // Parents: exist, come first, no cycles.
    let parent_of: HashMap<&str, &str> =
        c.requirements.iter().filter_map(|r| r.parent.as_ref().map(|p| (r.id.as_str(), p.as_str()))).collect();
    for (ri, r) in c.requirements.iter().enumerate() {
        let Some(p) = &r.parent else { continue };
        let at = Location::Requirement { catalog: ci, index: ri, field: "parent" };
        match position.get(p.as_str()) {
            None => out.push(Problem::error(at, format!("parent {p} of {} does not exist in {}", r.id, c.id))),
            Some(&pi) => {
                let mut seen = HashSet::from([r.id.as_str()]);
                let mut cur = p.as_str();
                let mut cycle = false;
                while let Some(&next) = parent_of.get(cur) {
                    if !seen.insert(cur) {
                        cycle = true;
                        break;
                    }
                    cur = next;
                }
                if cycle || cur == r.id.as_str() {
                    out.push(Problem::error(at, format!("parent chain of {} loops back on itself", r.id)));
                } else if pi > ri {
                    out.push(Problem::error(
                        at,
                        format!("parent {p} comes after its child {}; list parents first", r.id),
                    ));
                }
            }
        }
    }
}

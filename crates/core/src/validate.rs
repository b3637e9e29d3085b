//! Semantic checks over catalogs and mapping sets.
//!
//! Problems point at a catalog, requirement, mapping set or mapping by index and field
//! name; the storage layer that read the files turns those into file:line:column.

use std::collections::{HashMap, HashSet};

use crate::ja_en;
use crate::lang::Msg;
use crate::mapping::MappingSet;
use crate::model::Catalog;

/// Where a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Location {
    /// A field of a catalog.
    Catalog {
        /// The catalog's position in the input.
        catalog: usize,
        /// The field's name.
        field: &'static str,
    },
    /// A field of a requirement node.
    Requirement {
        /// The catalog's position in the input.
        catalog: usize,
        /// The node's position in the catalog's `requirements`.
        index: usize,
        /// The field's name.
        field: &'static str,
    },
    /// A field of a mapping set.
    MappingSet {
        /// The mapping set's position in the input.
        set: usize,
        /// The field's name.
        field: &'static str,
    },
    /// A field of one mapping.
    Mapping {
        /// The mapping set's position in the input.
        set: usize,
        /// The mapping's position in the set's `mappings`.
        index: usize,
        /// The field's name.
        field: &'static str,
    },
}

/// How serious a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Severity {
    /// The catalogs cannot be used as they are: loading refuses them.
    Error,
    /// Worth a look; the catalogs still load.
    Warning,
}

/// One problem found by [`validate`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Error or warning.
    pub severity: Severity,
    /// Where it is.
    pub location: Location,
    /// What is wrong, in Japanese and English.
    pub message: Msg,
}

impl Problem {
    fn error(location: Location, message: Msg) -> Self {
        Self { severity: Severity::Error, location, message }
    }
    fn warning(location: Location, message: Msg) -> Self {
        Self { severity: Severity::Warning, location, message }
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
            out.push(Problem::error(Location::Catalog { catalog: ci, field: "id" }, {
                let (id, n) = (&c.id, first + 1);
                ja_en!(
                    "カタログ ID {id} はすでに別のカタログ（{n} 番目）が使っています",
                    "catalog id {id} is already used by another catalog (#{n})"
                )
            }));
        }
        check_catalog(ci, c, &mut out);
        ids_of.entry(c.id.as_str()).or_default().extend(c.requirements.iter().map(|r| r.id.as_str()));
    }
    let mut set_ids: HashSet<&str> = HashSet::new();
    for (si, set) in sets.iter().enumerate() {
        if !set_ids.insert(set.id.as_str()) {
            out.push(Problem::error(Location::MappingSet { set: si, field: "id" }, {
                let id = &set.id;
                ja_en!("対応表 ID {id} が 2 回使われています", "mapping set id {id} is used twice")
            }));
        }
        let src = ids_of.get(set.source.as_str());
        let tgt = ids_of.get(set.target.as_str());
        if src.is_none() {
            out.push(Problem::error(Location::MappingSet { set: si, field: "source" }, {
                let c = &set.source;
                ja_en!("対応元のカタログ {c} が読み込まれていません", "source catalog {c} is not loaded")
            }));
        }
        if tgt.is_none() {
            out.push(Problem::error(Location::MappingSet { set: si, field: "target" }, {
                let c = &set.target;
                ja_en!("対応先のカタログ {c} が読み込まれていません", "target catalog {c} is not loaded")
            }));
        }
        for (mi, m) in set.mappings.iter().enumerate() {
            let at = |field| Location::Mapping { set: si, index: mi, field };
            match (&m.source, m.relation.has_source()) {
                (None, true) => {
                    let r = m.relation.as_str();
                    out.push(Problem::error(
                        at("source"),
                        ja_en!("{r} の対応には対応元が必要です", "a {r} mapping needs a source"),
                    ))
                }
                (Some(_), false) => out.push(Problem::error(
                    at("source"),
                    ja_en!(
                        "`new`（新設）の対応に対応元はありません: 対応先がその版で新しく設けられたものです",
                        "a `new` mapping has no source: the target is new in the edition"
                    ),
                )),
                (Some(s), true) => {
                    if src.is_some_and(|ids| !ids.contains(s.as_str())) {
                        out.push(Problem::error(at("source"), {
                            let c = &set.source;
                            ja_en!(
                                "対応元のカタログ {c} に要求事項 {s} はありません",
                                "no requirement {s} in source catalog {c}"
                            )
                        }));
                    }
                }
                (None, false) => {}
            }
            match (&m.target, m.relation.has_target()) {
                (None, true) if m.relation.target_optional() => {}
                (None, true) => {
                    let r = m.relation.as_str();
                    out.push(Problem::error(
                        at("target"),
                        ja_en!("{r} の対応には対応先が必要です", "a {r} mapping needs a target"),
                    ))
                }
                (Some(_), false) => out.push(Problem::error(
                    at("target"),
                    ja_en!(
                        "no-relationship（明文規定なし）の対応に対応先はありません",
                        "a no-relationship (明文規定なし) mapping has no target"
                    ),
                )),
                (Some(t), true) => {
                    if tgt.is_some_and(|ids| !ids.contains(t.as_str())) {
                        out.push(Problem::error(at("target"), {
                            let c = &set.target;
                            ja_en!(
                                "対応先のカタログ {c} に要求事項 {t} はありません",
                                "no requirement {t} in target catalog {c}"
                            )
                        }));
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
            out.push(Problem::error(at("id"), {
                let (id, cat, n) = (&r.id, &c.id, first + 1);
                ja_en!(
                    "要求事項 ID {id} が {cat} で 2 回使われています（最初は {n} 番目の項目）",
                    "requirement id {id} is used twice in {cat} (first as node #{n})"
                )
            }));
            position.insert(r.id.as_str(), first);
        }
        if r.label.trim().is_empty() {
            let id = &r.id;
            out.push(Problem::error(
                at("label"),
                ja_en!("要求事項 {id} の表記（label）が空です", "requirement {id} has an empty label"),
            ));
        }
        let empty = |s: &Option<String>| s.as_deref().is_none_or(|t| t.trim().is_empty());
        if r.text.as_deref().is_some_and(|t| t.trim().is_empty()) {
            let id = &r.id;
            out.push(Problem::error(
                at("text"),
                ja_en!("要求事項 {id} の本文（text）が空です", "requirement {id} has an empty text"),
            ));
        } else if r.text.is_none() && empty(&r.title) && empty(&r.note) {
            out.push(Problem::error(at("text"), {
                let id = &r.id;
                ja_en!(
                    "要求事項 {id} には本文（text）も表題（title）も、それがない理由の注記（note）もありません",
                    "requirement {id} has neither text nor title nor a note saying why"
                )
            }));
        }
        if r.provenance.is_empty() {
            out.push(Problem::warning(at("provenance"), {
                let id = &r.id;
                ja_en!(
                    "要求事項 {id} に出典（provenance）がありません",
                    "requirement {id} does not say where it comes from"
                )
            }));
        }
    }
    // Parents: exist, come first, no cycles.
    let parent_of: HashMap<&str, &str> =
        c.requirements.iter().filter_map(|r| r.parent.as_ref().map(|p| (r.id.as_str(), p.as_str()))).collect();
    for (ri, r) in c.requirements.iter().enumerate() {
        let Some(p) = &r.parent else { continue };
        let at = Location::Requirement { catalog: ci, index: ri, field: "parent" };
        match position.get(p.as_str()) {
            None => {
                let (id, cat) = (&r.id, &c.id);
                out.push(Problem::error(
                    at,
                    ja_en!("{id} の親 {p} は {cat} にありません", "parent {p} of {id} does not exist in {cat}"),
                ))
            }
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
                    let id = &r.id;
                    out.push(Problem::error(
                        at,
                        ja_en!(
                            "{id} の親をたどると自分に戻ります（循環）",
                            "parent chain of {id} loops back on itself"
                        ),
                    ));
                } else if pi > ri {
                    out.push(Problem::error(at, {
                        let id = &r.id;
                        ja_en!(
                            "親 {p} が子 {id} より後にあります。親を先に書いてください",
                            "parent {p} comes after its child {id}; list parents first"
                        )
                    }));
                }
            }
        }
    }
}

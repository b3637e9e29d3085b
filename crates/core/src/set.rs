//! A loaded set of catalogs and mapping sets, indexed for lookup and traversal.

use std::collections::{HashMap, VecDeque};

use serde::Serialize;

use crate::id::{CatalogId, LocalId, ReqRef};
use crate::label::label_key;
use crate::mapping::{MappingSet, Relation};
use crate::model::{Catalog, Provenance, Requirement};

/// Index of a node across the whole set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NodeIx(u32);

#[derive(Debug, Clone, Copy)]
struct Edge {
    to: NodeIx,
    /// The relation read in the direction of travel.
    relation: Relation,
    set: u32,
    mapping: u32,
    forward: bool,
}

/// How a hop of a chain was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum StepKind {
    /// An edge of a mapping set.
    Mapping,
    /// From a node to the node it is printed under (the item is part of its parent: `subset-of`).
    Parent,
    /// From a node to a node printed under it (`superset-of`).
    Child,
}

/// A requirement of a loaded set, borrowed: prints and serializes as `catalog:local`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NodeRef<'a> {
    /// The catalog's id.
    pub catalog: &'a CatalogId,
    /// The requirement's id within its catalog.
    pub local: &'a LocalId,
}

impl NodeRef<'_> {
    /// The same reference, owned (it outlives the set).
    pub fn to_owned_ref(&self) -> ReqRef {
        ReqRef::new(self.catalog.clone(), self.local.clone())
    }
}

impl std::fmt::Display for NodeRef<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.catalog, self.local)
    }
}

impl Serialize for NodeRef<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// One hop of a chain, by index: what the traversal computes before anything is named.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hop {
    /// The node the hop starts from.
    pub from: NodeIx,
    /// The node the hop reaches.
    pub to: NodeIx,
    /// The relation as read from `from` to `to`.
    pub relation: Relation,
    /// A mapping edge, or a step to a parent or child in the same catalog.
    pub kind: StepKind,
    /// False when a mapping edge was walked against the direction it is recorded in.
    pub forward: bool,
    /// `(mapping set, mapping)` indexes for a mapping hop.
    edge: Option<(u32, u32)>,
}

/// A requirement reached from another, by index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reached {
    /// The requirement reached.
    pub node: NodeIx,
    /// The relation of the start requirement to this one, composed along the chain.
    pub relation: Relation,
    /// The chain, first hop first.
    pub via: Vec<Hop>,
}

/// One hop of a chain: which mapping set said what about which two requirements, or a step
/// within one catalog's tree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Step<'a> {
    /// The requirement the hop starts from.
    pub from: NodeRef<'a>,
    /// The requirement the hop reaches.
    pub to: NodeRef<'a>,
    /// The relation as read from `from` to `to`.
    pub relation: Relation,
    /// A mapping edge, or a step to a parent or child in the same catalog.
    pub kind: StepKind,
    /// The mapping set the edge belongs to (`None` for a step within the tree).
    pub mapping_set: Option<&'a str>,
    /// False when the edge was walked against the direction it is recorded in.
    pub forward: bool,
    /// Where the mapping set says so.
    pub provenance: &'a [Provenance],
}

/// A requirement reached from another through mappings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Related<'a> {
    /// The requirement reached.
    pub id: NodeRef<'a>,
    /// Its catalog.
    pub catalog: &'a CatalogId,
    /// Its printed label.
    pub label: &'a str,
    /// The relation of the start requirement to this one, composed along the chain.
    pub relation: Relation,
    /// The chain of mappings, first hop first.
    pub via: Vec<Step<'a>>,
}

/// A mapping set's 明文規定なし entry for a requirement: the set says the requirement has no
/// counterpart in its target catalog. The traversal reaches nothing through such an entry (it has
/// no target), so it is listed beside the related requirements, not among them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NoCounterpartEntry<'a> {
    /// The catalog that has no counterpart.
    pub catalog: &'a CatalogId,
    /// Always [`Relation::NoCounterpart`] (`no-relationship`).
    pub relation: Relation,
    /// The mapping set that says so.
    pub mapping_set: &'a str,
    /// Where the mapping set says so.
    pub provenance: &'a [Provenance],
    /// The mapping set's note on the entry, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<&'a str>,
}

/// Catalogs and mapping sets, with the indexes every read needs.
///
/// Building never fails: dangling references are left out of the indexes, and
/// [`crate::validate::validate`] reports them.
#[derive(Debug, Clone)]
pub struct CatalogSet {
    catalogs: Vec<Catalog>,
    mapping_sets: Vec<MappingSet>,
    nodes: Vec<(u32, u32)>,
    by_ref: HashMap<(u32, String), NodeIx>,
    by_label: HashMap<(u32, String), Vec<NodeIx>>,
    catalog_ix: HashMap<String, u32>,
    adjacency: Vec<Vec<Edge>>,
    parent: Vec<Option<NodeIx>>,
    children: Vec<Vec<NodeIx>>,
}

impl CatalogSet {
    /// Indexes the catalogs and mapping sets (never fails; see [`crate::validate::validate`]).
    pub fn new(catalogs: Vec<Catalog>, mapping_sets: Vec<MappingSet>) -> Self {
        let mut catalog_ix = HashMap::new();
        let mut nodes = Vec::new();
        let mut by_ref = HashMap::new();
        let mut by_label: HashMap<(u32, String), Vec<NodeIx>> = HashMap::new();
        for (ci, c) in catalogs.iter().enumerate() {
            let ci = ci as u32;
            catalog_ix.entry(c.id.as_str().to_owned()).or_insert(ci);
            for (ri, r) in c.requirements.iter().enumerate() {
                let ix = NodeIx(nodes.len() as u32);
                nodes.push((ci, ri as u32));
                by_ref.entry((ci, r.id.as_str().to_owned())).or_insert(ix);
                by_label.entry((ci, label_key(&r.label))).or_default().push(ix);
            }
        }
        let mut parent = vec![None; nodes.len()];
        let mut children = vec![Vec::new(); nodes.len()];
        for (ix, &(ci, ri)) in nodes.iter().enumerate() {
            let r = &catalogs[ci as usize].requirements[ri as usize];
            if let Some(p) = r.parent.as_ref().and_then(|p| by_ref.get(&(ci, p.as_str().to_owned())))
                && *p != NodeIx(ix as u32)
            {
                parent[ix] = Some(*p);
                children[p.0 as usize].push(NodeIx(ix as u32));
            }
        }
        let mut adjacency = vec![Vec::new(); nodes.len()];
        for (si, set) in mapping_sets.iter().enumerate() {
            // Derived sets are compositions of the others: walking them too would only
            // duplicate chains the traversal already finds.
            if set.derived {
                continue;
            }
            let (Some(&sc), Some(&tc)) = (catalog_ix.get(set.source.as_str()), catalog_ix.get(set.target.as_str()))
            else {
                continue;
            };
            for (mi, m) in set.mappings.iter().enumerate() {
                let (Some(s), Some(t)) = (&m.source, &m.target) else { continue };
                let (Some(&a), Some(&b)) =
                    (by_ref.get(&(sc, s.as_str().to_owned())), by_ref.get(&(tc, t.as_str().to_owned())))
                else {
                    continue;
                };
                let (set, mapping) = (si as u32, mi as u32);
                adjacency[a.0 as usize].push(Edge { to: b, relation: m.relation, set, mapping, forward: true });
                adjacency[b.0 as usize].push(Edge {
                    to: a,
                    relation: m.relation.inverse(),
                    set,
                    mapping,
                    forward: false,
                });
            }
        }
        Self { catalogs, mapping_sets, nodes, by_ref, by_label, catalog_ix, adjacency, parent, children }
    }

    /// The catalogs, in load order.
    pub fn catalogs(&self) -> &[Catalog] {
        &self.catalogs
    }
    /// The mapping sets, in load order.
    pub fn mapping_sets(&self) -> &[MappingSet] {
        &self.mapping_sets
    }
    /// The catalog of this id, if loaded.
    pub fn catalog(&self, id: &str) -> Option<&Catalog> {
        self.catalogs.iter().find(|c| c.id.as_str() == id)
    }
    /// The mapping set of this id, if loaded.
    pub fn mapping_set(&self, id: &str) -> Option<&MappingSet> {
        self.mapping_sets.iter().find(|s| s.id == id)
    }
    /// Number of requirement nodes over all catalogs.
    pub fn node_count(&self) -> usize {
        self.nodes.len()
    }

    fn catalog_index(&self, id: &str) -> Option<u32> {
        self.catalog_ix.get(id).copied()
    }

    /// The node for a catalog id and a local id.
    pub fn node(&self, catalog: &str, local: &str) -> Option<NodeIx> {
        let ci = self.catalog_index(catalog)?;
        self.by_ref.get(&(ci, local.to_owned())).copied()
    }

    /// The nodes of a catalog whose printed label matches `label`, ignoring spaces and width.
    pub fn nodes_by_label(&self, catalog: &str, label: &str) -> Vec<NodeIx> {
        let Some(ci) = self.catalog_index(catalog) else { return Vec::new() };
        self.by_label.get(&(ci, label_key(label))).cloned().unwrap_or_default()
    }

    /// Finds a requirement by id or by printed label. An id wins over a label.
    pub fn resolve(&self, catalog: &str, label_or_id: &str) -> Result<NodeIx, ResolveError> {
        if self.catalog_index(catalog).is_none() {
            return Err(ResolveError::UnknownCatalog(catalog.to_owned()));
        }
        if let Some(ix) = self.node(catalog, label_or_id.trim()) {
            return Ok(ix);
        }
        match self.nodes_by_label(catalog, label_or_id).as_slice() {
            [] => Err(ResolveError::NotFound { catalog: catalog.to_owned(), query: label_or_id.to_owned() }),
            [one] => Ok(*one),
            many => Err(ResolveError::Ambiguous {
                catalog: catalog.to_owned(),
                query: label_or_id.to_owned(),
                candidates: many.iter().map(|&ix| self.reference(ix).local.to_string()).collect(),
            }),
        }
    }

    /// The requirement node `ix` stands for.
    pub fn requirement(&self, ix: NodeIx) -> &Requirement {
        let (c, r) = self.nodes[ix.0 as usize];
        &self.catalogs[c as usize].requirements[r as usize]
    }
    /// The catalog node `ix` belongs to.
    pub fn catalog_of(&self, ix: NodeIx) -> &Catalog {
        &self.catalogs[self.nodes[ix.0 as usize].0 as usize]
    }
    /// Node `ix` as an owned `catalog:local` reference.
    pub fn reference(&self, ix: NodeIx) -> ReqRef {
        ReqRef::new(self.catalog_of(ix).id.clone(), self.requirement(ix).id.clone())
    }
    /// All nodes of all catalogs, catalog by catalog in document order.
    pub fn all_nodes(&self) -> impl Iterator<Item = NodeIx> + '_ {
        (0..self.nodes.len() as u32).map(NodeIx)
    }
    /// The nodes of one catalog in document order.
    pub fn catalog_nodes(&self, catalog: &str) -> Vec<NodeIx> {
        let Some(ci) = self.catalog_index(catalog) else { return Vec::new() };
        self.all_nodes().filter(|ix| self.nodes[ix.0 as usize].0 == ci).collect()
    }

    /// Every requirement in every other catalog reachable from `start` through mappings,
    /// transitively, with the relation composed along the chain and the chain itself.
    ///
    /// Breadth-first, so each requirement is reported with a shortest chain. A chain never
    /// enters through a mapping a catalog it has already passed through (a round trip through
    /// another guideline says nothing new about the start). Within a catalog, a chain may climb
    /// to the nodes an item is printed under (a mapping to `6.5 C 11` concerns its `(1)`, and the
    /// other way round) or descend to the nodes printed under it, but never climb and then
    /// descend or the reverse, which would only reach siblings. Nodes reached by climbing are
    /// waypoints and are not reported themselves. Derived mapping sets are not walked.
    pub fn related(&self, start: NodeIx) -> Vec<Related<'_>> {
        self.reach(start, None).iter().map(|r| self.describe(r)).collect()
    }

    /// Like [`Self::related`], keeping only requirements of catalog `only`.
    pub fn related_in(&self, start: NodeIx, only: &str) -> Vec<Related<'_>> {
        match self.catalog_index(only) {
            Some(ci) => self.reach(start, Some(ci)).iter().map(|r| self.describe(r)).collect(),
            None => Vec::new(),
        }
    }

    /// The traversal behind [`Self::related`], by index (nothing is named or copied).
    pub fn reach_all(&self, start: NodeIx) -> Vec<Reached> {
        self.reach(start, None)
    }

    /// Names the requirements of a [`Reached`].
    pub fn describe(&self, r: &Reached) -> Related<'_> {
        Related {
            id: self.node_ref(r.node),
            catalog: &self.catalog_of(r.node).id,
            label: &self.requirement(r.node).label,
            relation: r.relation,
            via: r
                .via
                .iter()
                .map(|h| {
                    let (mapping_set, provenance) = match h.edge {
                        Some((set, m)) => {
                            let set = &self.mapping_sets[set as usize];
                            (Some(set.id.as_str()), set.mappings[m as usize].provenance.as_slice())
                        }
                        None => (None, &[][..]),
                    };
                    Step {
                        from: self.node_ref(h.from),
                        to: self.node_ref(h.to),
                        relation: h.relation,
                        kind: h.kind,
                        mapping_set,
                        forward: h.forward,
                        provenance,
                    }
                })
                .collect(),
        }
    }

    /// A node's borrowed `catalog:local` reference.
    pub fn node_ref(&self, ix: NodeIx) -> NodeRef<'_> {
        NodeRef { catalog: &self.catalog_of(ix).id, local: &self.requirement(ix).id }
    }

    fn reach(&self, start: NodeIx, only: Option<u32>) -> Vec<Reached> {
        struct Visit {
            node: NodeIx,
            relation: Relation,
            prev: Option<(usize, Hop)>,
            /// Catalogs entered on the way here (bit i = catalog i), when there are at most 64.
            catalogs: u64,
        }
        let cat = |ix: NodeIx| self.nodes[ix.0 as usize].0;
        let small = self.catalogs.len() <= 64;
        let bit = |c: u32| if small { 1u64 << c } else { 0 };
        let mut seen = vec![false; self.nodes.len()];
        seen[start.0 as usize] = true;
        let mut visits =
            vec![Visit { node: start, relation: Relation::Equivalent, prev: None, catalogs: bit(cat(start)) }];
        let on_path = |visits: &[Visit], mut vi: usize, c: u32| {
            if small {
                return visits[vi].catalogs & bit(c) != 0;
            }
            loop {
                if cat(visits[vi].node) == c {
                    return true;
                }
                match visits[vi].prev {
                    Some((p, _)) => vi = p,
                    None => return false,
                }
            }
        };
        let mut queue = VecDeque::from([0usize]);
        let mut next: Vec<Hop> = Vec::new();
        while let Some(vi) = queue.pop_front() {
            let node = visits[vi].node;
            let last = visits[vi].prev.map(|(_, h)| h.kind);
            next.clear();
            for e in &self.adjacency[node.0 as usize] {
                if !seen[e.to.0 as usize] && !on_path(&visits, vi, cat(e.to)) {
                    next.push(Hop {
                        from: node,
                        to: e.to,
                        relation: e.relation,
                        kind: StepKind::Mapping,
                        forward: e.forward,
                        edge: Some((e.set, e.mapping)),
                    });
                }
            }
            if last != Some(StepKind::Child)
                && let Some(p) = self.parent[node.0 as usize]
            {
                let relation = Relation::Subset;
                next.push(Hop { from: node, to: p, relation, kind: StepKind::Parent, forward: true, edge: None });
            }
            if last != Some(StepKind::Parent) {
                for &c in &self.children[node.0 as usize] {
                    let relation = Relation::Superset;
                    next.push(Hop { from: node, to: c, relation, kind: StepKind::Child, forward: true, edge: None });
                }
            }
            for &hop in &next {
                if std::mem::replace(&mut seen[hop.to.0 as usize], true) {
                    continue;
                }
                let relation = if vi == 0 { hop.relation } else { visits[vi].relation.compose(hop.relation) };
                let catalogs = visits[vi].catalogs | bit(cat(hop.to));
                visits.push(Visit { node: hop.to, relation, prev: Some((vi, hop)), catalogs });
                queue.push_back(visits.len() - 1);
            }
        }
        let mut out = Vec::new();
        for v in visits.iter().skip(1) {
            // The nodes a reached item is printed under are waypoints, not results: every item
            // of a section would otherwise report the section and the chapter above it.
            let waypoint = v.prev.is_some_and(|(_, h)| h.kind == StepKind::Parent);
            if waypoint || cat(v.node) == cat(start) || only.is_some_and(|o| cat(v.node) != o) {
                continue;
            }
            let mut via = Vec::new();
            let mut cur = v;
            while let Some((p, h)) = cur.prev {
                via.push(h);
                cur = &visits[p];
            }
            via.reverse();
            out.push(Reached { node: v.node, relation: v.relation, via });
        }
        out
    }

    /// The node a node is printed under, if any.
    pub fn parent_of(&self, ix: NodeIx) -> Option<NodeIx> {
        self.parent[ix.0 as usize]
    }
    /// The nodes printed directly under a node, in document order.
    pub fn children_of(&self, ix: NodeIx) -> &[NodeIx] {
        &self.children[ix.0 as usize]
    }
    /// The node's position in [`Self::all_nodes`] (for callers that keep per-node tables).
    pub fn index_of(ix: NodeIx) -> usize {
        ix.0 as usize
    }

    /// Whether any (non-derived) mapping edge starts or ends at the node.
    pub fn has_mappings(&self, ix: NodeIx) -> bool {
        !self.adjacency[ix.0 as usize].is_empty()
    }

    /// The 新設 entries (relation `new`) that name a node as new in its catalog.
    pub fn new_entries(&self, ix: NodeIx) -> Vec<(&MappingSet, usize)> {
        let r = self.reference(ix);
        let mut out = Vec::new();
        for set in self.mapping_sets.iter().filter(|s| s.target == r.catalog) {
            for (i, m) in set.mappings.iter().enumerate() {
                if m.relation == Relation::New && m.target.as_ref() == Some(&r.local) {
                    out.push((set, i));
                }
            }
        }
        out
    }

    /// Every explicit 明文規定なし entry recorded for a node, towards any catalog, in the order the
    /// mapping sets are loaded (derived mapping sets, which are not walked, are left out).
    pub fn no_counterparts(&self, ix: NodeIx) -> Vec<NoCounterpartEntry<'_>> {
        let r = self.reference(ix);
        let mut out = Vec::new();
        for set in self.mapping_sets.iter().filter(|s| s.source == r.catalog && !s.derived) {
            for m in &set.mappings {
                if m.relation == Relation::NoCounterpart && m.source.as_ref() == Some(&r.local) {
                    out.push(NoCounterpartEntry {
                        catalog: &set.target,
                        relation: m.relation,
                        mapping_set: &set.id,
                        provenance: &m.provenance,
                        note: m.note.as_deref(),
                    });
                }
            }
        }
        out
    }

    /// The entries that say a node is partly covered in `target_catalog` without naming where
    /// (`intersects-with` without a target).
    pub fn unstated_entries(&self, ix: NodeIx, target_catalog: &str) -> Vec<(&MappingSet, usize)> {
        let r = self.reference(ix);
        let mut out = Vec::new();
        for set in &self.mapping_sets {
            if set.source != r.catalog || set.target.as_str() != target_catalog {
                continue;
            }
            for (i, m) in set.mappings.iter().enumerate() {
                if m.target.is_none() && m.relation.target_optional() && m.source.as_ref() == Some(&r.local) {
                    out.push((set, i));
                }
            }
        }
        out
    }

    /// The explicit 明文規定なし entries recorded for a node towards `target_catalog`.
    pub fn no_counterpart_entries(&self, ix: NodeIx, target_catalog: &str) -> Vec<(&MappingSet, usize)> {
        let r = self.reference(ix);
        let mut out = Vec::new();
        for set in &self.mapping_sets {
            if set.source != r.catalog || set.target.as_str() != target_catalog {
                continue;
            }
            for (i, m) in set.mappings.iter().enumerate() {
                if m.relation == Relation::NoCounterpart && m.source.as_ref() == Some(&r.local) {
                    out.push((set, i));
                }
            }
        }
        out
    }
}

/// Why a requirement could not be found.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ResolveError {
    /// No catalog of this id is loaded.
    #[error("unknown catalog {0:?}")]
    UnknownCatalog(String),
    /// Neither an id nor a printed label of the catalog matches.
    #[error("no requirement {query:?} in catalog {catalog} (matched by id, then by printed label)")]
    NotFound {
        /// The catalog searched.
        catalog: String,
        /// The id or label asked for.
        query: String,
    },
    /// The label matches several requirements: name one by id.
    #[error("{query:?} matches several requirements in {catalog}: {}", candidates.join(", "))]
    Ambiguous {
        /// The catalog searched.
        catalog: String,
        /// The label asked for.
        query: String,
        /// The local ids of the requirements it matches.
        candidates: Vec<String>,
    },
}

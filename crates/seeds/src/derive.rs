//! Mapping sets derived by composing others.
//!
//! `mhlw-5--meti-2012`: seed 000 puts MHLW GL requirements and METI GL measures side by side
//! for each MIC cloud GL sub-item. Every (MHLW target, METI target) pair of one MIC node gives
//! an edge MHLW → METI, `related-to` (two overlaps compose to no more than a relation in
//! subject), basis `derived`, `via` the MIC requirements it came through. Pairs met through
//! several MIC nodes are one edge with all of them in `via` and the union of the provenance of
//! the edges composed. Edges are ordered by the MHLW node, then the METI node, in document order.

use std::collections::{BTreeMap, BTreeSet};

use sansho_core::{Basis, CatalogId, Localized, Mapping, MappingSet, Provenance, Relation, ReqRef};

use crate::seed000::{METI, MHLW, MIC, SET_METI, SET_MHLW};
use crate::{ImportError, Output};

/// The id of the derived mapping set MHLW GL 第5版 → METI GL 2012.
pub const SET_DERIVED: &str = "mhlw-5--meti-2012";

type Targets<'a> = BTreeMap<&'a str, Vec<(&'a str, &'a [Provenance])>>;

/// The targets of each source node of a set, with the provenance of the edge.
fn targets(set: &MappingSet) -> Targets<'_> {
    let mut t: Targets = BTreeMap::new();
    for m in &set.mappings {
        if let (Some(s), Some(x)) = (&m.source, &m.target) {
            t.entry(s.as_str()).or_default().push((x.as_str(), &m.provenance));
        }
    }
    t
}

/// Composes `mhlw-5--meti-2012` from seed 000's two sets in `out` (see the module doc); an
/// error when seed 000 was not imported first.
pub fn mhlw5_meti2012(out: &Output) -> Result<MappingSet, ImportError> {
    let missing = |what: &str| ImportError::at("derive", 0, 0, format!("{what} is missing: import seed 000 first"));
    let to_mhlw = out.mapping_set(SET_MHLW).ok_or_else(|| missing(SET_MHLW))?;
    let to_meti = out.mapping_set(SET_METI).ok_or_else(|| missing(SET_METI))?;
    let mhlw = out.catalog(MHLW).ok_or_else(|| missing(MHLW))?;
    let meti = out.catalog(METI).ok_or_else(|| missing(METI))?;
    let mic = out.catalog(MIC).ok_or_else(|| missing(MIC))?;
    let order = |c: &sansho_core::Catalog| -> BTreeMap<String, usize> {
        c.requirements.iter().enumerate().map(|(i, r)| (r.id.as_str().to_owned(), i)).collect()
    };
    let (mhlw_ix, meti_ix, mic_ix) = (order(mhlw), order(meti), order(mic));

    // Targets of each MIC node, with the provenance of the edge.
    let (a, b) = (targets(to_mhlw), targets(to_meti));

    struct Acc {
        via: BTreeSet<(usize, String)>,
        provenance: BTreeSet<Provenance>,
    }
    let mut edges: BTreeMap<(usize, usize), (String, String, Acc)> = BTreeMap::new();
    for (src, hs) in &a {
        let Some(ms) = b.get(src) else { continue };
        let src_ix = *mic_ix.get(*src).ok_or_else(|| missing(&format!("{MIC} node {src}")))?;
        for (h, hp) in hs {
            for (m, mp) in ms {
                let key =
                    (mhlw_ix.get(*h).copied().unwrap_or(usize::MAX), meti_ix.get(*m).copied().unwrap_or(usize::MAX));
                let e = edges.entry(key).or_insert_with(|| {
                    ((*h).to_owned(), (*m).to_owned(), Acc { via: BTreeSet::new(), provenance: BTreeSet::new() })
                });
                e.2.via.insert((src_ix, (*src).to_owned()));
                e.2.provenance.extend(hp.iter().cloned());
                e.2.provenance.extend(mp.iter().cloned());
            }
        }
    }
    let cid = |s: &str| CatalogId::parse(s).expect("catalog id");
    let lid = |s: &str| sansho_core::LocalId::parse(s).map_err(|e| ImportError::at("derive", 0, 0, e.to_string()));
    let mut mappings = Vec::with_capacity(edges.len());
    for (_, (h, m, acc)) in edges {
        let mut e = Mapping::new(Some(lid(&h)?), Some(lid(&m)?), Relation::Related, Basis::Derived);
        e.via =
            acc.via.into_iter().map(|(_, v)| lid(&v).map(|l| ReqRef::new(cid(MIC), l))).collect::<Result<_, _>>()?;
        e.provenance = acc.provenance.into_iter().collect();
        mappings.push(e);
    }
    let mut sources = to_mhlw.sources.clone();
    for s in &to_meti.sources {
        if !sources.contains(s) {
            sources.push(s.clone());
        }
    }
    Ok(MappingSet {
        id: SET_DERIVED.to_owned(),
        title: Localized::new(
            "厚労省GL 第5版 ↔ 経産省GL (総務省クラウドGL経由)",
            "MHLW GL 5th ed. ↔ METI GL (through the MIC cloud GL)",
        ),
        source: cid(MHLW),
        target: cid(METI),
        derived: true,
        sources,
        description: Some(
            "mic-cloud-2018--mhlw-5 と mic-cloud-2018--meti-2012 から導出。出典000が総務省クラウドGLの同じサブ項番に\
             並べて記載している厚労省GLの要求事項と経産省GLの管理策を、互いに関連（related-to）とする。\
             経由（via）には、その総務省クラウドGLのサブ項番を示す。"
                .into(),
        ),
        mappings,
    })
}

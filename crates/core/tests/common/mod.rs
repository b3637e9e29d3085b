//! Builders shared by the core's integration tests.

use sansho_core::*;

pub fn lid(s: &str) -> LocalId {
    LocalId::parse(s).unwrap()
}

/// A guideline catalog with the given nodes and nothing else.
pub fn catalog(id: &str, reqs: Vec<Requirement>) -> Catalog {
    Catalog {
        id: CatalogId::parse(id).unwrap(),
        title: Localized::ja(id),
        issuers: vec![],
        edition: "1".into(),
        date: None,
        kind: CatalogKind::Guideline,
        sources: vec![],
        description: None,
        requirements: reqs,
        outline: None,
        ext: None,
    }
}

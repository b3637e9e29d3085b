//! The domain core of sansho.
//!
//! This crate knows what a guideline catalog, a requirement and a mapping between
//! requirements are, and how to walk, search and check a set of them. It does no IO:
//! it never touches the file system, the network or a database, and it knows nothing
//! about the TOML files the catalogs are stored in (that is `sansho-catalog`). Values
//! derive `serde::Serialize` only so the outer layers can print them as JSON.

#![warn(missing_docs)]

pub mod assess;
pub mod crosswalk;
pub mod ext;
pub mod id;
pub mod label;
pub mod lang;
pub mod mapping;
pub mod model;
pub mod search;
pub mod set;
pub mod validate;

pub use id::{CatalogId, IdError, LocalId, ReqRef};
pub use lang::{IntoMsg, Lang, Msg};
pub use mapping::{Basis, Mapping, MappingSet, Relation};
pub use model::{
    Catalog, CatalogKind, Category, Level, Localized, NodeKind, Outline, Provenance, Requirement, SourceDoc,
};
pub use set::{CatalogSet, NoCounterpartEntry, Related, Step, StepKind};

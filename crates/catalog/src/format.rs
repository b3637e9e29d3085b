//! The catalog file format: TOML, one file per catalog or mapping set.
//!
//! These structs are the files' shape, not the domain's: every field that a diagnostic may
//! point at is `Spanned`, enumerations are kept as strings so an unknown value is reported
//! with its position instead of failing the whole parse, and unknown keys are rejected.

use std::collections::BTreeMap;

use sansho_core::ext::{CatalogExt, NodeExt};
use serde::{Deserialize, Serialize};
use toml::Spanned;

/// A file holds either a catalog (`[catalog]` + `[[requirement]]`) or a mapping set
/// (`[mapping_set]` + `[[mapping]]`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FileIn {
    pub catalog: Option<Spanned<CatalogHead>>,
    #[serde(default)]
    pub requirement: Vec<Spanned<RequirementRow>>,
    pub mapping_set: Option<Spanned<MappingSetHead>>,
    #[serde(default)]
    pub mapping: Vec<Spanned<MappingRow>>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Document {
    pub file: Spanned<String>,
    pub sha256: Spanned<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CatalogHead {
    pub id: Spanned<String>,
    pub kind: Spanned<String>,
    pub title: Spanned<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title_en: Option<String>,
    #[serde(default)]
    pub issuers: Vec<String>,
    pub edition: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<Spanned<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub document: Vec<Document>,
    /// `true` for an outline catalog (structure without all its texts; see `sansho_core::Outline`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outline: Option<Spanned<bool>>,
    /// Why it is an outline and what it lacks (only with `outline = true`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outline_note: Option<Spanned<String>>,
    /// What an imported OSCAL catalog carries besides its tree (see `sansho_core::ext`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ext: Option<CatalogExt>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RequirementRow {
    pub id: Spanned<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<Spanned<String>>,
    pub kind: Spanned<String>,
    pub label: Spanned<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<Spanned<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level: Option<Spanned<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<Spanned<String>>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub topics: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<Spanned<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<String>,
    #[serde(default = "no_provenance")]
    pub provenance: Spanned<Vec<Spanned<String>>>,
    /// What an imported OSCAL group or control carries besides the fields above.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ext: Option<NodeExt>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct MappingSetHead {
    pub id: Spanned<String>,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title_en: Option<String>,
    pub source: Spanned<String>,
    pub target: Spanned<String>,
    #[serde(default)]
    pub derived: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub document: Vec<Document>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct MappingRow {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<Spanned<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<Spanned<String>>,
    pub relation: Spanned<String>,
    pub basis: Spanned<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub via: Vec<Spanned<String>>,
    #[serde(default = "no_provenance")]
    pub provenance: Spanned<Vec<Spanned<String>>>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub attributes: BTreeMap<String, String>,
}

/// The shape written out: the same tables, in a fixed order.
#[derive(Debug, Serialize)]
pub(crate) struct CatalogOut<'a> {
    pub catalog: &'a CatalogHead,
    pub requirement: &'a [RequirementRow],
}

#[derive(Debug, Serialize)]
pub(crate) struct MappingSetOut<'a> {
    pub mapping_set: &'a MappingSetHead,
    pub mapping: &'a [MappingRow],
}

fn no_provenance() -> Spanned<Vec<Spanned<String>>> {
    Spanned::new(0..0, Vec::new())
}

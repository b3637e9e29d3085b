//! sansho's catalog files.
//!
//! Catalogs and mapping sets are stored as TOML files, one per catalog or mapping set, so
//! they diff well in git and carry provenance on every node. This crate reads them (keeping
//! source positions so every problem is reported as `file:line:column`), validates a whole
//! set of them, writes them back deterministically, and embeds the bundled catalogs of
//! `catalogs/` in the binary.
//!
//! It reads no files itself: callers hand it `(name, text)` pairs. The CLI does the IO.

#![warn(missing_docs)]

mod diag;
mod format;
mod read;
mod write;

pub use diag::{Diagnostic, Severity};
pub use read::{FileSpans, Parsed, parse};
pub use write::{catalog_to_toml, mapping_set_to_toml};

use sansho_core::validate::{Location, validate};
use sansho_core::{Catalog, CatalogSet, MappingSet};

use crate::diag::LineIndex;

/// The bundled catalog files, `(file name, contents)`, embedded at build time from the
/// repository's `catalogs/` folder.
pub fn bundled() -> &'static [(&'static str, &'static str)] {
    include!(concat!(env!("OUT_DIR"), "/bundled.rs"))
}

/// A named file's text, as handed to [`load`].
#[derive(Debug, Clone)]
pub struct SourceText {
    /// The name diagnostics give the file (its path, or a name such as `bundled:…`).
    pub name: String,
    /// The file's content.
    pub text: String,
}

impl SourceText {
    /// A file named `name` holding `text`.
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Self {
        Self { name: name.into(), text: text.into() }
    }
}

/// The bundled files as [`SourceText`]s (prefixed `bundled:` so messages say where they are).
pub fn bundled_sources() -> Vec<SourceText> {
    bundled().iter().map(|(n, t)| SourceText::new(format!("bundled:{n}"), *t)).collect()
}

/// The bundled files plus the user's: a user's catalog with the id of a bundled *outline* (a
/// catalog filled with `sansho catalog fill`) takes the outline's place; any other clash of ids
/// stays an error for [`load`] to report.
pub fn bundled_with(user: Vec<SourceText>) -> Vec<SourceText> {
    let user_ids: std::collections::HashSet<String> = user
        .iter()
        .filter_map(|f| match parse(&f.name, &f.text) {
            Ok(Parsed::Catalog(c, _)) => Some(c.id.to_string()),
            _ => None,
        })
        .collect();
    let mut out: Vec<SourceText> = bundled_sources()
        .into_iter()
        .filter(|f| {
            let replaced = f.name.strip_prefix("bundled:").and_then(|n| n.strip_suffix(".toml")).is_some_and(|id| {
                user_ids.contains(id)
                    && matches!(parse(&f.name, &f.text), Ok(Parsed::Catalog(c, _)) if c.is_outline() && c.id.as_str() == id)
            });
            !replaced
        })
        .collect();
    out.extend(user);
    out
}

/// The result of loading a set of files: the catalogs (when nothing was wrong enough to
/// stop) and every diagnostic, errors and warnings, in file order.
#[derive(Debug)]
pub struct Loaded {
    /// The catalogs and mapping sets, unless an error stopped the load.
    pub set: Option<CatalogSet>,
    /// Every error and warning, in file order.
    pub diagnostics: Vec<Diagnostic>,
}

impl Loaded {
    /// Is any diagnostic an error (not only warnings)?
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// Parses and validates files together: mapping ends must exist in the catalogs of the
/// same load. The set is returned only when no error was found.
pub fn load(files: &[SourceText]) -> Loaded {
    let mut diagnostics = Vec::new();
    let mut catalogs: Vec<Catalog> = Vec::new();
    let mut sets: Vec<MappingSet> = Vec::new();
    let mut catalog_at: Vec<(usize, FileSpans)> = Vec::new();
    let mut set_at: Vec<(usize, FileSpans)> = Vec::new();
    for (fi, f) in files.iter().enumerate() {
        match parse(&f.name, &f.text) {
            Ok(Parsed::Catalog(c, s)) => {
                catalogs.push(c);
                catalog_at.push((fi, s));
            }
            Ok(Parsed::MappingSet(m, s)) => {
                sets.push(m);
                set_at.push((fi, s));
            }
            Err(d) => diagnostics.extend(d),
        }
    }
    for p in validate(&catalogs, &sets) {
        let (fi, span, field) = match p.location {
            Location::Catalog { catalog, field } => (catalog_at[catalog].0, catalog_at[catalog].1.head(field), field),
            Location::Requirement { catalog, index, field } => {
                (catalog_at[catalog].0, catalog_at[catalog].1.row(index, field), field)
            }
            Location::MappingSet { set, field } => (set_at[set].0, set_at[set].1.head(field), field),
            Location::Mapping { set, index, field } => (set_at[set].0, set_at[set].1.row(index, field), field),
        };
        let f = &files[fi];
        diagnostics.push(LineIndex::new(&f.text).diag(&f.name, span, Some(field), p.severity, p.message));
    }
    diagnostics.sort_by(|a, b| (a.file.as_str(), a.line, a.column).cmp(&(b.file.as_str(), b.line, b.column)));
    let ok = !diagnostics.iter().any(Diagnostic::is_error);
    Loaded { set: ok.then(|| CatalogSet::new(catalogs, sets)), diagnostics }
}

//! Validated identifiers. Parse at the edge, trust inside.
//!
//! Ids are never derived from requirement *text*: a catalog id is chosen by people, a
//! requirement's local id is chosen by the importer from the item's structural position
//! (its printed numbering), so ids stay put when a text is corrected. Ids are valid OSCAL
//! tokens (`[A-Za-z_][A-Za-z0-9_.-]*` after the catalog prefix) so they can be exported as is.

use std::fmt;

use serde::Serialize;

/// Why a string is not a valid id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdError {
    /// The id is empty.
    #[error("id is empty")]
    Empty,
    /// A character the id may not have there.
    #[error("id {id:?} has the character {ch:?} at position {pos}; allowed: {allowed}")]
    BadChar {
        /// The id as given.
        id: String,
        /// The character refused.
        ch: char,
        /// Its position (0-based, in characters).
        pos: usize,
        /// The characters allowed, in words.
        allowed: &'static str,
    },
    /// A requirement reference without the `:` between catalog and requirement (the string as given).
    #[error("requirement reference {0:?} is not of the form <catalog-id>:<requirement-id>")]
    NotARef(String),
}

fn check(s: &str, first: fn(char) -> bool, rest: fn(char) -> bool, allowed: &'static str) -> Result<(), IdError> {
    if s.is_empty() {
        return Err(IdError::Empty);
    }
    for (pos, ch) in s.chars().enumerate() {
        let ok = if pos == 0 { first(ch) } else { rest(ch) };
        if !ok {
            return Err(IdError::BadChar { id: s.to_owned(), ch, pos, allowed });
        }
    }
    Ok(())
}

/// A catalog's id, e.g. `mhlw-5`, `mic-cloud-2018`: lower-case ASCII letters, digits, `.` and `-`,
/// starting with a letter.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct CatalogId(String);

impl CatalogId {
    /// Checks and takes a catalog id.
    pub fn parse(s: &str) -> Result<Self, IdError> {
        check(
            s,
            |c| c.is_ascii_lowercase(),
            |c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.',
            "a-z first, then a-z 0-9 . -",
        )?;
        Ok(Self(s.to_owned()))
    }
    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for CatalogId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A requirement's id inside its catalog, e.g. `6.3-c-5-d`: ASCII letters, digits, `.`, `-`, `_`,
/// starting with a letter, digit or `_`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct LocalId(String);

impl LocalId {
    /// Checks and takes a requirement's local id.
    pub fn parse(s: &str) -> Result<Self, IdError> {
        check(
            s,
            |c| c.is_ascii_alphanumeric() || c == '_',
            |c| c.is_ascii_alphanumeric() || c == '-' || c == '.' || c == '_',
            "A-Z a-z 0-9 _ first, then also . -",
        )?;
        Ok(Self(s.to_owned()))
    }
    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for LocalId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A requirement anywhere: `<catalog>:<local>`, e.g. `mhlw-5:6.3-c-1`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ReqRef {
    /// The catalog.
    pub catalog: CatalogId,
    /// The requirement's id within it.
    pub local: LocalId,
}

impl ReqRef {
    /// The reference to `local` in `catalog`.
    pub fn new(catalog: CatalogId, local: LocalId) -> Self {
        Self { catalog, local }
    }
    /// Parses `<catalog>:<local>`, checking both ids.
    pub fn parse(s: &str) -> Result<Self, IdError> {
        let (c, l) = s.split_once(':').ok_or_else(|| IdError::NotARef(s.to_owned()))?;
        Ok(Self { catalog: CatalogId::parse(c)?, local: LocalId::parse(l)? })
    }
}

impl fmt::Display for ReqRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.catalog, self.local)
    }
}

impl Serialize for ReqRef {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalog_ids() {
        assert!(CatalogId::parse("mhlw-5").is_ok());
        assert!(CatalogId::parse("mic-cloud-2018").is_ok());
        assert_eq!(CatalogId::parse(""), Err(IdError::Empty));
        assert!(matches!(CatalogId::parse("MHLW"), Err(IdError::BadChar { pos: 0, .. })));
        assert!(matches!(CatalogId::parse("a b"), Err(IdError::BadChar { pos: 1, ch: ' ', .. })));
    }

    #[test]
    fn local_ids_and_refs() {
        assert!(LocalId::parse("6.3-c-5-d").is_ok());
        assert!(LocalId::parse("-x").is_err());
        assert!(LocalId::parse("3.2.1(ウ)").is_err());
        let r = ReqRef::parse("mhlw-5:6.3-c-1").unwrap();
        assert_eq!(r.catalog.as_str(), "mhlw-5");
        assert_eq!(r.to_string(), "mhlw-5:6.3-c-1");
        assert!(matches!(ReqRef::parse("6.3"), Err(IdError::NotARef(_))));
    }
}

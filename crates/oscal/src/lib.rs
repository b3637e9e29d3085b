//! OSCAL for sansho: export catalogs, mapping sets and assessments as OSCAL 1.2 JSON, and import
//! OSCAL catalogs and profiles as sansho catalogs.
//!
//! No IO: bytes or values in, values or bytes out. Every problem in an imported document is an
//! [`Error`] with the JSON-pointer location of the offending value (e.g.
//! `/catalog/groups/3/controls/7/id`). Exports are deterministic: UUIDs are version 5 from stable
//! ids, so the same data exports to the same bytes.
//!
//! What sansho does not interpret of an OSCAL catalog (parameters, parts, props, links, metadata,
//! back matter) is kept in the catalog's and nodes' `ext` (`sansho_core::ext`), so an imported
//! catalog exports again without loss.

#![warn(missing_docs)]

mod error;
pub mod export;
pub mod import;
pub mod types;

pub use error::Error;
pub use export::{
    AssessmentInput, EvidenceInput, FindingInput, assessment_results, catalog as export_catalog, mapping_collection,
    to_json, value_to_json,
};
pub use import::{Imported, catalog_id_from_name, import_catalog, import_document, resolve_profile};

/// The OSCAL version sansho writes.
pub const OSCAL_VERSION: &str = "1.2.1";

/// The namespace of the props and parts sansho adds (its own fields: level, category, provenance …).
pub const NS: &str = "https://sansho.dev/ns/oscal";

/// The namespace of version 5 UUIDs of sansho's exports.
const UUID_NS: uuid::Uuid = uuid::Uuid::from_u128(0x5a4e_5340_8f1e_4c3a_9b6e_2d1f_0c7a_e301);

/// A version 5 UUID from a stable name.
pub fn uuid_for(name: &str) -> String {
    uuid::Uuid::new_v5(&UUID_NS, name.as_bytes()).to_string()
}

/// A sansho local id as an OSCAL token: the id itself when it starts with a letter or `_`, else
/// `_` + the id (`6.3-c-1` → `_6.3-c-1`).
pub fn token(local: &str) -> String {
    if local.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
        local.to_owned()
    } else {
        format!("_{local}")
    }
}

/// Whether `s` is an OSCAL token (`[_A-Za-z][_A-Za-z0-9.-]*`, with the non-ASCII letters OSCAL
/// allows).
pub fn is_token(s: &str) -> bool {
    let mut chars = s.chars();
    let Some(first) = chars.next() else { return false };
    (first == '_' || first.is_alphabetic()) && chars.all(|c| c == '_' || c == '-' || c == '.' || c.is_alphanumeric())
}

/// Whether `s` is a UUID of version 4 or 5 in OSCAL's canonical form.
pub fn is_uuid(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 36
        && b.iter()
            .enumerate()
            .all(|(i, &c)| if matches!(i, 8 | 13 | 18 | 23) { c == b'-' } else { c.is_ascii_hexdigit() })
        && matches!(b[14], b'4' | b'5')
        && matches!(b[19], b'8' | b'9' | b'a' | b'b' | b'A' | b'B')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_and_uuids() {
        assert_eq!(token("6.3-c-1"), "_6.3-c-1");
        assert_eq!(token("ac-1"), "ac-1");
        assert!(is_token("ac-2.1") && is_token("_6.3") && !is_token("6.3") && !is_token("a b") && !is_token(""));
        let u = uuid_for("sansho:catalog:mhlw-5");
        assert_eq!(u, uuid_for("sansho:catalog:mhlw-5"));
        assert!(is_uuid(&u), "{u}");
        assert!(is_uuid("74c8ba1e-5cd4-4ad1-bbfd-d888e2f6c724"));
        assert!(!is_uuid("74c8ba1e-5cd4-1ad1-bbfd-d888e2f6c724"), "version 1 is not OSCAL's");
        assert!(!is_uuid("74c8ba1e5cd44ad1bbfdd888e2f6c724"));
    }
}

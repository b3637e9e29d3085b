//! The length limit of every text the store keeps, checked here — below the pages, the API and
//! the command line, so every way in refuses the same text with the same error
//! ([`StoreError::TooLong`] naming the field). Lengths are in characters (Unicode scalar values),
//! as people count them, not bytes.
//!
//! The limits are generous for what each field is for and keep every value well inside what the
//! exports can hold (an xlsx cell holds at most 32,767 characters).
//!
//! What the audit log records of *untrusted* input (a username typed at a failed login, a value
//! in an event) is cut to [`AUDIT_TEXT`] characters by [`crate::Store::record_event`], so an
//! unauthenticated request cannot make a large record.

use crate::{Result, StoreError};

/// A text field's name (as error messages name it) and its longest allowed value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limit {
    /// The field's name in error messages.
    pub field: &'static str,
    /// The most characters allowed.
    pub max: usize,
}

/// An organization's name.
pub const ORGANIZATION_NAME: Limit = Limit { field: "organization name", max: 200 };
/// A system's name.
pub const SYSTEM_NAME: Limit = Limit { field: "system name", max: 200 };
/// A system's description.
pub const SYSTEM_DESCRIPTION: Limit = Limit { field: "system description", max: 4_000 };
/// An assessment's name ("2026年度 定期評価").
pub const ASSESSMENT_NAME: Limit = Limit { field: "assessment name", max: 200 };
/// Why a final (確定) assessment is reopened.
pub const REOPEN_REASON: Limit = Limit { field: "reopen reason", max: 4_000 };
/// A catalog id an assessment names.
pub const CATALOG_ID: Limit = Limit { field: "catalog id", max: 200 };
/// A requirement id an answer names.
pub const REQUIREMENT_ID: Limit = Limit { field: "requirement id", max: 200 };
/// 実施内容.
pub const ANSWER_HOW: Limit = Limit { field: "how (実施内容)", max: 10_000 };
/// 該当なし理由・備考.
pub const ANSWER_JUSTIFICATION: Limit = Limit { field: "justification", max: 4_000 };
/// 担当者.
pub const ANSWER_OWNER: Limit = Limit { field: "owner", max: 200 };
/// An evidence item's title.
pub const EVIDENCE_TITLE: Limit = Limit { field: "evidence title", max: 500 };
/// An evidence file's name as uploaded.
pub const EVIDENCE_FILE_NAME: Limit = Limit { field: "evidence file name", max: 255 };
/// An evidence link's URL.
pub const EVIDENCE_URL: Limit = Limit { field: "evidence url", max: 2_048 };
/// A username.
pub const USERNAME: Limit = Limit { field: "username", max: 64 };
/// The name shown for a user.
pub const DISPLAY_NAME: Limit = Limit { field: "display name", max: 100 };

/// Every limit, for documentation and tests.
pub const ALL: &[Limit] = &[
    ORGANIZATION_NAME,
    SYSTEM_NAME,
    SYSTEM_DESCRIPTION,
    ASSESSMENT_NAME,
    REOPEN_REASON,
    CATALOG_ID,
    REQUIREMENT_ID,
    ANSWER_HOW,
    ANSWER_JUSTIFICATION,
    ANSWER_OWNER,
    EVIDENCE_TITLE,
    EVIDENCE_FILE_NAME,
    EVIDENCE_URL,
    USERNAME,
    DISPLAY_NAME,
];

/// The longest text of untrusted input an audit event keeps (per string: the actor, the entity
/// id, each string in its JSON); longer text is cut and says how much was cut.
pub const AUDIT_TEXT: usize = 256;

impl Limit {
    /// `value` if it has at most `max` characters; otherwise the error naming the field.
    pub fn check(self, value: &str) -> Result<()> {
        // Counting stops one past the limit: a huge value costs no more than a short one.
        let len = value.chars().take(self.max + 1).count();
        if len > self.max {
            return Err(StoreError::TooLong { field: self.field, max: self.max, len: value.chars().count() });
        }
        Ok(())
    }

    /// [`Limit::check`] of an optional value.
    pub fn check_opt(self, value: Option<&str>) -> Result<()> {
        value.map_or(Ok(()), |v| self.check(v))
    }
}

/// `text` cut to `max` characters, with a note of how many were cut: `…[+1234 characters]`.
pub fn truncate(text: &str, max: usize) -> std::borrow::Cow<'_, str> {
    match text.char_indices().nth(max) {
        None => std::borrow::Cow::Borrowed(text),
        Some((at, _)) => {
            let cut = text[at..].chars().count();
            std::borrow::Cow::Owned(format!("{}…[+{cut} characters]", &text[..at]))
        }
    }
}

/// Every string in a JSON value (keys too) cut to `max` characters.
pub(crate) fn truncate_json(value: &serde_json::Value, max: usize) -> serde_json::Value {
    use serde_json::Value;
    match value {
        Value::String(s) => Value::String(truncate(s, max).into_owned()),
        Value::Array(a) => Value::Array(a.iter().map(|v| truncate_json(v, max)).collect()),
        Value::Object(o) => {
            Value::Object(o.iter().map(|(k, v)| (truncate(k, max).into_owned(), truncate_json(v, max))).collect())
        }
        v => v.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_limit_counts_characters_and_names_the_field() {
        assert!(SYSTEM_NAME.check(&"あ".repeat(200)).is_ok());
        let err = SYSTEM_NAME.check(&"あ".repeat(201)).unwrap_err();
        assert!(matches!(err, StoreError::TooLong { field: "system name", max: 200, len: 201 }), "{err:?}");
        assert!(err.to_string().contains("system name"), "{err}");
        assert!(ANSWER_OWNER.check_opt(None).is_ok());
    }

    #[test]
    fn truncation_keeps_whole_characters_and_says_what_was_cut() {
        assert_eq!(truncate("短い", 5), "短い");
        assert_eq!(truncate("あいうえおかき", 5), "あいうえお…[+2 characters]");
        let v = serde_json::json!({ "username": "x".repeat(1000), "n": 3, "list": ["y".repeat(10)] });
        let t = truncate_json(&v, 8);
        assert_eq!(t["username"], "xxxxxxxx…[+992 characters]");
        assert_eq!(t["n"], 3);
        assert_eq!(t["list"][0], "yyyyyyyy…[+2 characters]");
        // Keys are untrusted too.
        assert_eq!(
            truncate_json(&serde_json::json!({ "k".repeat(9): 1 }), 8),
            serde_json::json!({ "kkkkkkkk…[+1 characters]": 1 })
        );
    }
}

//! Errors of an imported document, each with the JSON-pointer location of the offending value.

use std::fmt;

/// A problem in an OSCAL document at `pointer` (RFC 6901; `""` is the whole document).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    pub pointer: String,
    pub message: String,
}

impl Error {
    pub fn at(pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Self { pointer: pointer.into(), message: message.into() }
    }

    /// A serde error with the path serde_path_to_error tracked, as a JSON pointer.
    pub(crate) fn from_path(e: serde_path_to_error::Error<serde_json::Error>) -> Self {
        let mut pointer = String::new();
        for seg in e.path().iter() {
            use serde_path_to_error::Segment;
            match seg {
                Segment::Seq { index } => pointer.push_str(&format!("/{index}")),
                Segment::Map { key } | Segment::Enum { variant: key } => {
                    pointer.push('/');
                    pointer.push_str(&escape(key));
                }
                Segment::Unknown => pointer.push_str("/?"),
            }
        }
        let inner = e.into_inner();
        let mut message = inner.to_string();
        // serde_json appends " at line L column C"; keep it: it helps in a minified file too.
        if message.starts_with("unknown field") {
            message = format!("{message} (the OSCAL model does not allow this field here)");
        }
        Self { pointer, message }
    }
}

/// Escapes a key for a JSON pointer (`~` → `~0`, `/` → `~1`).
pub(crate) fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let at = if self.pointer.is_empty() { "/" } else { &self.pointer };
        write!(f, "{at}: {}", self.message)
    }
}

impl std::error::Error for Error {}

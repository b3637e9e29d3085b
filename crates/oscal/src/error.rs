//! Errors of an imported document, each with the JSON-pointer location of the offending value.

use std::fmt;

use sansho_core::{IntoMsg, Lang, Msg, ja_en};

/// A problem in an OSCAL document at `pointer` (RFC 6901; `""` is the whole document), in both
/// languages (`Display` prints the English; [`Error::text`] either).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    /// Where: a JSON pointer into the document.
    pub pointer: String,
    /// What is wrong, in Japanese and English.
    pub message: Msg,
}

impl Error {
    /// A problem at `pointer` (a plain string is an English-only message).
    pub fn at(pointer: impl Into<String>, message: impl IntoMsg) -> Self {
        Self { pointer: pointer.into(), message: message.into_msg() }
    }

    /// The problem in `lang`: `/pointer: message`.
    pub fn text(&self, lang: Lang) -> String {
        let at = if self.pointer.is_empty() { "/" } else { &self.pointer };
        format!("{at}: {}", self.message.get(lang))
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
        let detail = inner.to_string();
        // serde_json appends " at line L column C"; keep it: it helps in a minified file too.
        let message = if detail.starts_with("unknown field") {
            ja_en!(
                "OSCAL のモデルではここに置けない項目です（{detail}）",
                "{detail} (the OSCAL model does not allow this field here)"
            )
        } else if detail.starts_with("missing field") {
            ja_en!("必要な項目がありません（{detail}）", "{detail}")
        } else if inner.is_syntax() || inner.is_eof() {
            ja_en!("JSON として読めません（{detail}）", "{detail}")
        } else {
            ja_en!("OSCAL の文書として読めません（{detail}）", "{detail}")
        };
        Self { pointer, message }
    }
}

/// Escapes a key for a JSON pointer (`~` → `~0`, `/` → `~1`).
pub(crate) fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text(Lang::En))
    }
}

impl std::error::Error for Error {}

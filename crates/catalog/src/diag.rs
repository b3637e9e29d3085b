//! Diagnostics that name a file, a line and a column.

use std::fmt;
use std::ops::Range;

pub use sansho_core::validate::Severity;
use sansho_core::{IntoMsg, Lang, Msg};

/// One problem found in a file.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Diagnostic {
    /// The file's name, as given in its [`SourceText`](crate::SourceText).
    pub file: String,
    /// 1-based; 0 when the problem is about the whole file.
    pub line: usize,
    /// 1-based, in characters.
    pub column: usize,
    /// An error (the file cannot be used) or a warning.
    pub severity: Severity,
    /// The field the problem is in, where there is one (`text`, `relation`, …).
    pub field: Option<String>,
    /// In both languages where the reader says it (`Display` prints the English).
    pub message: Msg,
}

impl Diagnostic {
    /// Is this an error (not a warning)?
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// The diagnostic in `lang`, placed as `Display` places it
    /// (`file:line:column: error [field]: message`; `エラー`/`警告` in Japanese).
    pub fn text(&self, lang: Lang) -> String {
        let sev = match (self.severity, lang) {
            (Severity::Error, Lang::En) => "error",
            (Severity::Warning, Lang::En) => "warning",
            (Severity::Error, Lang::Ja) => "エラー",
            (Severity::Warning, Lang::Ja) => "警告",
        };
        let mut out = format!("{}:{}:{}: {sev}", self.file, self.line, self.column);
        if let Some(field) = &self.field {
            out.push_str(&format!(" [{field}]"));
        }
        out.push_str(": ");
        out.push_str(self.message.get(lang));
        out
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text(Lang::En))
    }
}

/// Turns byte offsets of one text into 1-based line and column.
pub(crate) struct LineIndex<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    pub fn new(text: &'a str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Self { text, starts }
    }
    pub fn position(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line = self.starts.partition_point(|&s| s <= offset);
        let start = self.starts[line - 1];
        let col = self.text.get(start..offset).map_or(1, |s| s.chars().count() + 1);
        (line, col)
    }
    pub fn diag(
        &self,
        file: &str,
        span: Range<usize>,
        field: Option<&str>,
        severity: Severity,
        message: impl IntoMsg,
    ) -> Diagnostic {
        let (line, column) = self.position(span.start);
        Diagnostic {
            file: file.to_owned(),
            line,
            column,
            severity,
            field: field.map(str::to_owned),
            message: message.into_msg(),
        }
    }
}

//! Diagnostics that name a file, a line and a column.

use std::fmt;
use std::ops::Range;

pub use sansho_core::validate::Severity;

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
    /// What is wrong, for a person.
    pub message: String,
}

impl Diagnostic {
    /// Is this an error (not a warning)?
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sev = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{}:{}:{}: {sev}", self.file, self.line, self.column)?;
        if let Some(field) = &self.field {
            write!(f, " [{field}]")?;
        }
        write!(f, ": {}", self.message)
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
        message: impl Into<String>,
    ) -> Diagnostic {
        let (line, column) = self.position(span.start);
        Diagnostic {
            file: file.to_owned(),
            line,
            column,
            severity,
            field: field.map(str::to_owned),
            message: message.into(),
        }
    }
}

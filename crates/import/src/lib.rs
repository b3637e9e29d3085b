//! sansho's readers of users' files. Bytes in, domain values and an account of what was done out.
//!
//! - [`xlsx`] turns a user's checklist workbook into a catalog; [`checklist`] reads a filled
//!   checklist (xlsx, CSV, …) back as answers; [`answers`] reads and writes answers files.
//! - [`workbook`] and [`sandbox`] read an untrusted workbook within bounds (in a child process
//!   when asked).
//! - [`text`], [`report`] and [`ImportError`] are shared with the build-time seed importers
//!   (`sansho-seeds`, run by `sansho catalog build`), which depend on this crate.
//!
//! This crate reads no files: the caller passes the bytes. Errors name the file, line (or
//! row) and column.

pub mod answers;
pub mod checklist;
pub mod report;
pub mod sandbox;
pub mod text;
pub mod workbook;
pub mod xlsx;

use std::fmt;

pub use report::ImportReport;

/// A problem that stops an import: the file, 1-based line (or row) and column, and what.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ImportError {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl ImportError {
    pub fn at(file: &str, line: usize, column: usize, message: impl Into<String>) -> Self {
        Self { file: file.to_owned(), line, column, message: message.into() }
    }
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // A problem with the whole file (line 0) names the file alone.
        match (self.line, self.column) {
            (0, _) => write!(f, "{}: {}", self.file, self.message),
            (line, 0) => write!(f, "{}:{line}: {}", self.file, self.message),
            (line, column) => write!(f, "{}:{line}:{column}: {}", self.file, self.message),
        }
    }
}

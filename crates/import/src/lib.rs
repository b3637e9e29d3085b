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

#![warn(missing_docs)]

pub mod answers;
pub mod checklist;
pub mod fill;
pub mod report;
pub mod sandbox;
pub mod text;
pub mod workbook;
pub mod xlsx;

use std::fmt;

use sansho_core::{IntoMsg, Lang, Msg};

pub use report::ImportReport;

/// A problem that stops an import: the file, 1-based line (or row) and column, and what, in
/// both languages for the readers of users' files ([`Msg`]; `Display` prints the English, see
/// [`ImportError::text`] for either).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ImportError {
    /// The file, as the reader was given its name.
    pub file: String,
    /// 1-based line or row; 0 for the whole file.
    pub line: usize,
    /// 1-based column; 0 for the whole line.
    pub column: usize,
    /// What is wrong, in Japanese and English.
    pub message: Msg,
}

impl ImportError {
    /// A problem at `file:line:column` (line 0: the whole file; column 0: the whole line). A plain
    /// string is an English-only message (the build-time seed importers); users' files get a
    /// [`Msg`] in both languages.
    pub fn at(file: &str, line: usize, column: usize, message: impl IntoMsg) -> Self {
        Self { file: file.to_owned(), line, column, message: message.into_msg() }
    }

    /// The problem in `lang`, placed as `Display` places it (`file:line:column: message`).
    pub fn text(&self, lang: Lang) -> String {
        let message = self.message.get(lang);
        // A problem with the whole file (line 0) names the file alone.
        match (self.line, self.column) {
            (0, _) => format!("{}: {message}", self.file),
            (line, 0) => format!("{}:{line}: {message}", self.file),
            (line, column) => format!("{}:{line}:{column}: {message}", self.file),
        }
    }
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text(Lang::En))
    }
}

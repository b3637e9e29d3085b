//! A seed document: one text file extracted from a PDF or workbook, read as lines.

use sha2::{Digest, Sha256};

use sansho_core::{Provenance, SourceDoc};
use sansho_import::text::hex;

/// A seed file's name and text. Lines are numbered from 1, as editors show them.
#[derive(Debug, Clone)]
pub struct Seed {
    /// The file name, as provenance and messages cite it.
    pub name: String,
    /// The whole text.
    pub text: String,
    /// Lower-case hex SHA-256 of the file's bytes.
    pub sha256: String,
}

impl Seed {
    /// Takes the file's bytes; they must be UTF-8.
    pub fn new(name: impl Into<String>, bytes: &[u8]) -> Result<Self, crate::ImportError> {
        let name = name.into();
        let text = match std::str::from_utf8(bytes) {
            Ok(t) => t.to_owned(),
            Err(e) => {
                let upto = &bytes[..e.valid_up_to()];
                let line = upto.iter().filter(|&&b| b == b'\n').count() + 1;
                let col =
                    upto.rsplit(|&b| b == b'\n').next().map_or(0, |l| String::from_utf8_lossy(l).chars().count()) + 1;
                return Err(crate::ImportError::at(&name, line, col, "the file is not valid UTF-8"));
            }
        };
        let sha256 = hex(&Sha256::digest(bytes));
        Ok(Self { name, text, sha256 })
    }

    /// `(line number, line)` pairs, 1-based, without the line ending.
    pub fn lines(&self) -> impl Iterator<Item = (u32, &str)> {
        self.text.lines().enumerate().map(|(i, l)| (i as u32 + 1, l))
    }

    /// Line `n` (1-based), if the file has it.
    pub fn line(&self, n: u32) -> Option<&str> {
        self.text.lines().nth(n.checked_sub(1)? as usize)
    }

    /// Provenance pointing at one line of this seed.
    pub fn provenance(&self, line: u32) -> Provenance {
        Provenance::line(self.name.clone(), line)
    }

    /// Provenance pointing at lines `line` to `end` of this seed.
    pub fn provenance_range(&self, line: u32, end: u32) -> Provenance {
        Provenance::lines(self.name.clone(), line, end)
    }

    /// This seed as a catalog's source document (name, hash, what it is).
    pub fn source_doc(&self, description: &str) -> SourceDoc {
        SourceDoc { file: self.name.clone(), sha256: self.sha256.clone(), description: Some(description.to_owned()) }
    }
}

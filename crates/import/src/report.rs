//! What an importer did: rows read, repaired, rejected and why, items produced.

use std::collections::BTreeMap;
use std::fmt;

/// A seed row (or cell) the importer did not turn into catalog data, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    /// The seed's line (or row) number.
    pub line: u32,
    /// Why it was not used.
    pub reason: String,
}

/// A seed row the importer changed because an override said so.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Repair {
    /// The seed's line (or row) number.
    pub line: u32,
    /// What was changed.
    pub action: String,
    /// Why: the override's stated reason.
    pub reason: String,
}

/// The account of one importer run over one seed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportReport {
    /// The seed's name.
    pub seed: String,
    /// Data rows (or records) read, after skipping blank lines and repeated page headers.
    pub rows_read: usize,
    /// Rows changed by an override.
    pub repairs: Vec<Repair>,
    /// Rows not used, with why.
    pub rejections: Vec<Rejection>,
    /// Nodes per catalog and edges per mapping set / relation produced, e.g.
    /// `"mhlw-5 nodes" => 312`, `"mic-cloud-2018--mhlw-5 intersects-with" => 140`.
    pub counts: BTreeMap<String, usize>,
    /// Anything else a reviewer should know (skipped page headers, ambiguities kept as notes).
    pub notes: Vec<String>,
}

impl ImportReport {
    /// An empty report for the named seed.
    pub fn new(seed: impl Into<String>) -> Self {
        Self { seed: seed.into(), ..Self::default() }
    }
    /// Records a repair of the seed's `line`.
    pub fn repaired(&mut self, line: u32, action: &str, reason: &str) {
        self.repairs.push(Repair { line, action: action.to_owned(), reason: reason.to_owned() });
    }
    /// Records a rejected row.
    pub fn reject(&mut self, line: u32, reason: impl Into<String>) {
        self.rejections.push(Rejection { line, reason: reason.into() });
    }
    /// Adds `n` to the count under `key` (see `counts`).
    pub fn count(&mut self, key: impl Into<String>, n: usize) {
        *self.counts.entry(key.into()).or_default() += n;
    }
    /// Distinct seed lines repaired.
    pub fn rows_repaired(&self) -> usize {
        let mut lines: Vec<u32> = self.repairs.iter().map(|r| r.line).collect();
        lines.sort_unstable();
        lines.dedup();
        lines.len()
    }
}

impl fmt::Display for ImportReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "## {}", self.seed)?;
        writeln!(f)?;
        writeln!(f, "- rows read: {}", self.rows_read)?;
        writeln!(f, "- rows repaired: {} ({} repairs)", self.rows_repaired(), self.repairs.len())?;
        writeln!(f, "- rows rejected: {}", self.rejections.len())?;
        for (k, v) in &self.counts {
            writeln!(f, "- {k}: {v}")?;
        }
        if !self.repairs.is_empty() {
            writeln!(f, "\n### Repairs\n")?;
            for r in &self.repairs {
                writeln!(f, "- line {}: {} — {}", r.line, r.action, r.reason)?;
            }
        }
        if !self.rejections.is_empty() {
            writeln!(f, "\n### Rejected\n")?;
            for r in &self.rejections {
                writeln!(f, "- line {}: {}", r.line, r.reason)?;
            }
        }
        if !self.notes.is_empty() {
            writeln!(f, "\n### Notes\n")?;
            for n in &self.notes {
                writeln!(f, "- {n}")?;
            }
        }
        Ok(())
    }
}

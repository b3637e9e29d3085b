//! Reviewed repairs of badly extracted seed text.
//!
//! Every correction the importers make to a seed is an entry in a TOML file under
//! `data/overrides/` that names the seed line, says what is done and why. Code never
//! special-cases a line silently. Every entry must be used by its importer: an entry that
//! no longer matches anything (the seed or the importer changed) is an error, so the file
//! cannot rot.
//!
//! ```toml
//! [[override]]
//! line = 85
//! action = "shift-right"   # what to do: each importer documents the actions it knows
//! reason = "the PDF extraction lost the empty 項番 cell, so every cell moved one column left"
//! # action-specific arguments, e.g.
//! by = 1
//! ```

use std::cell::Cell;

use serde::Deserialize;

use crate::ImportError;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default, rename = "override")]
    entries: Vec<toml::Spanned<Entry>>,
}

#[derive(Debug, Deserialize)]
struct Entry {
    line: u32,
    action: String,
    reason: String,
    #[serde(flatten)]
    args: toml::Table,
}

/// One reviewed repair.
#[derive(Debug)]
pub struct Override {
    /// The seed line the repair applies to.
    pub line: u32,
    /// What to do (`shift-right`, …): each importer documents the actions it knows.
    pub action: String,
    /// Why, as the reviewer wrote it (kept in the import report).
    pub reason: String,
    /// Action-specific arguments.
    pub args: toml::Table,
    /// Line of the entry in the overrides file (for messages).
    pub defined_at: usize,
    used: Cell<bool>,
}

impl Override {
    /// A string argument, or an error naming the entry.
    pub fn str_arg(&self, file: &str, key: &str) -> Result<&str, ImportError> {
        self.args.get(key).and_then(|v| v.as_str()).ok_or_else(|| {
            ImportError::at(
                file,
                self.defined_at,
                1,
                format!("override for seed line {} ({}) needs a string `{key}`", self.line, self.action),
            )
        })
    }
    /// An integer argument, or an error naming the entry.
    pub fn int_arg(&self, file: &str, key: &str) -> Result<i64, ImportError> {
        self.args.get(key).and_then(|v| v.as_integer()).ok_or_else(|| {
            ImportError::at(
                file,
                self.defined_at,
                1,
                format!("override for seed line {} ({}) needs an integer `{key}`", self.line, self.action),
            )
        })
    }
    /// A list-of-strings argument, or an error naming the entry.
    pub fn list_arg(&self, file: &str, key: &str) -> Result<Vec<String>, ImportError> {
        let err = || {
            ImportError::at(
                file,
                self.defined_at,
                1,
                format!("override for seed line {} ({}) needs a list of strings `{key}`", self.line, self.action),
            )
        };
        let arr = self.args.get(key).and_then(|v| v.as_array()).ok_or_else(err)?;
        arr.iter().map(|v| v.as_str().map(str::to_owned).ok_or_else(err)).collect()
    }
}

/// The overrides of one seed.
#[derive(Debug, Default)]
pub struct Overrides {
    /// The overrides file's name (for messages).
    pub file: String,
    entries: Vec<Override>,
}

impl Overrides {
    /// No overrides at all.
    pub fn none(file: impl Into<String>) -> Self {
        Self { file: file.into(), entries: Vec::new() }
    }

    /// Reads an overrides file (TOML); `file` names it in messages.
    pub fn parse(file: impl Into<String>, text: &str) -> Result<Self, ImportError> {
        let file = file.into();
        let line_of = |off: usize| text[..off.min(text.len())].matches('\n').count() + 1;
        let parsed: File = toml::from_str(text).map_err(|e| {
            let line = e.span().map_or(0, |s| line_of(s.start));
            ImportError::at(&file, line, 1, e.message().to_owned())
        })?;
        let mut entries = Vec::new();
        for e in parsed.entries {
            let defined_at = line_of(e.span().start);
            let e = e.into_inner();
            if e.reason.trim().is_empty() {
                return Err(ImportError::at(&file, defined_at, 1, "every override needs a non-empty `reason`"));
            }
            entries.push(Override {
                line: e.line,
                action: e.action,
                reason: e.reason,
                args: e.args,
                defined_at,
                used: Cell::new(false),
            });
        }
        Ok(Self { file, entries })
    }

    /// The entries for a seed line with a given action, marking them used.
    pub fn take<'a>(&'a self, line: u32, action: &str) -> Vec<&'a Override> {
        let found: Vec<&Override> = self.entries.iter().filter(|e| e.line == line && e.action == action).collect();
        for e in &found {
            e.used.set(true);
        }
        found
    }

    /// The single entry for a line and action, if any (marking it used).
    pub fn take_one<'a>(&'a self, line: u32, action: &str) -> Option<&'a Override> {
        self.take(line, action).into_iter().next()
    }

    /// All entries with an action, in file order, marking them used.
    pub fn take_all<'a>(&'a self, action: &str) -> Vec<&'a Override> {
        let found: Vec<&Override> = self.entries.iter().filter(|e| e.action == action).collect();
        for e in &found {
            e.used.set(true);
        }
        found
    }

    /// The reviewed judgements a line rests on that are marked ambiguous: entries whose
    /// `reason` starts with `AMBIGUOUS` (the entries are used by their own action, not here).
    pub fn ambiguous(&self, line: u32) -> Vec<&Override> {
        self.entries.iter().filter(|e| e.line == line && e.reason.starts_with("AMBIGUOUS")).collect()
    }

    /// Fails if an entry was never used: it no longer matches the seed or the importer.
    pub fn finish(&self) -> Result<(), ImportError> {
        match self.entries.iter().find(|e| !e.used.get()) {
            Some(e) => Err(ImportError::at(
                &self.file,
                e.defined_at,
                1,
                format!(
                    "override for seed line {} (action {:?}) was not used: it no longer matches the seed, or the importer has no such action",
                    e.line, e.action
                ),
            )),
            None => Ok(()),
        }
    }

    /// How many overrides there are.
    pub fn len(&self) -> usize {
        self.entries.len()
    }
    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

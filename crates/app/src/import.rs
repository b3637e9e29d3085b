//! Importing answers from a file: a filled checklist (xlsx/ods/CSV — sansho's own export or a
//! vendor's sheet) or an answers file, read into the assessment's answers, merged with the stored
//! ones, compared (new / changed / unchanged) so a person can look before anything is written
//! (`--dry-run`, the web's preview), then written in one transaction.

use std::collections::HashMap;

use sansho_core::set::NodeIx;
use sansho_import::checklist::{ChecklistImport, Skipped, read_checklist_with};
use sansho_import::workbook::BookReader;
use sansho_store::{Answer, AnswerInput, Date, ImportSummary, Origin};
use serde::Serialize;

use crate::assessment::Loaded;
use crate::{Actor, AppError, Ctx, Result};

/// Answers read from a file, before they are compared with the stored ones.
#[derive(Debug, Default)]
pub struct FileAnswers {
    /// One per answered row, in row order, each with its origin (the file and the cell).
    pub inputs: Vec<AnswerInput>,
    /// Rows left out (未回答, group and heading rows, derived suggestions …) with the reason.
    pub skipped: Vec<Skipped>,
    /// Rows whose 期限 is already past (kept as given: a late item is a fact to record).
    pub past_due: Vec<PastDue>,
    /// The sheet read (`None` for a text file).
    pub sheet: Option<String>,
}

/// A row whose due date is before today.
#[derive(Debug, Clone, Serialize)]
pub struct PastDue {
    /// Where: `row:column`.
    pub at: String,
    /// The date.
    pub due: Date,
}

/// Where an imported answer came from, kept in its origin.
pub fn origin(file: &str, at: Option<String>) -> serde_json::Value {
    let mut v = serde_json::json!({ "kind": Origin::Import.as_str(), "file": file });
    if let Some(at) = at {
        v["at"] = at.into();
    }
    v
}

/// Reads a filled checklist (`file_name` decides the format and names the file in errors) as
/// answers to the assessment's catalog. A workbook is read by `reader` (the sandboxed child
/// process for any file a person gives). Every row error is reported at once, with its cell.
pub fn read_checklist(
    cx: &Ctx<'_>,
    a: &Loaded,
    reader: &BookReader,
    (file_name, bytes): (&str, &[u8]),
    sheet: Option<&str>,
) -> Result<FileAnswers> {
    let set = cx.set;
    let read: ChecklistImport = read_checklist_with(reader, file_name, bytes, set, &a.assessment.catalog_id, sheet)?;
    let mut out = FileAnswers { sheet: read.sheet.clone(), ..FileAnswers::default() };
    for c in &read.answers {
        let mut input = AnswerInput::new(set.requirement(c.requirement).id.as_str(), c.result.into());
        input.how = c.how.clone().unwrap_or_default();
        input.justification = c.justification.clone();
        input.owner = c.owner.clone();
        // The reader gives dates as YYYY-MM-DD; anything else is its error, named with its cell.
        input.due_date = match c.due.as_deref() {
            None => None,
            Some(d) => Some(d.parse::<Date>().map_err(|_| {
                AppError::Import(sansho_import::ImportError::at(
                    file_name,
                    c.at.row as usize,
                    0,
                    format!("column {}: {d:?} is not a date (YYYY-MM-DD)", c.at.column),
                ))
            })?),
        };
        let at = match &read.sheet {
            Some(s) => format!("{s}!{}{}", c.at.column, c.at.row),
            None => format!("{}:{}", c.at.row, c.at.column),
        };
        if let Some(d) = input.due_date.as_ref().filter(|d| d.as_str() < cx.today.as_str()) {
            out.past_due.push(PastDue { at: format!("{}:{}", c.at.row, c.at.column), due: d.clone() });
        }
        input.origin = Some(origin(file_name, Some(at)));
        out.inputs.push(input);
    }
    out.skipped = read.skipped;
    Ok(out)
}

/// Domain answers (an answers file, already resolved against the catalog) as file answers.
pub fn from_domain(cx: &Ctx<'_>, file_name: &str, answers: &[sansho_core::assess::Answer]) -> Result<FileAnswers> {
    let mut out = FileAnswers::default();
    for x in answers {
        let ix: NodeIx = cx
            .set
            .node(x.requirement.catalog.as_str(), x.requirement.local.as_str())
            .ok_or_else(|| AppError::Internal(format!("{file_name}: {} is not loaded", x.requirement)))?;
        let mut input = AnswerInput::from_domain(cx.set, ix, x, Origin::Import)?;
        input.origin = Some(origin(file_name, None));
        out.inputs.push(input);
    }
    Ok(out)
}

/// What an import does to one requirement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Change {
    /// No stored answer: one is created.
    New,
    /// The stored answer is changed.
    Changed,
    /// The file repeats the stored answer: nothing is written (it keeps its origin).
    Unchanged,
}

/// One answer of the file, compared with the stored one.
#[derive(Debug, Clone)]
pub struct Planned {
    /// What will be stored (fields the file does not give keep the stored values).
    pub input: AnswerInput,
    /// What that does.
    pub change: Change,
    /// The stored answer it replaces.
    pub before: Option<Answer>,
}

/// What importing a file would do, computed without writing anything.
#[derive(Debug)]
pub struct Plan {
    /// Every answer of the file, in the file's order.
    pub items: Vec<Planned>,
    /// Rows of the file left out, with the reason.
    pub skipped: Vec<Skipped>,
    /// Rows whose 期限 is already past.
    pub past_due: Vec<PastDue>,
}

/// Counts of a plan.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Answers in the file.
    pub answers: usize,
    /// New answers.
    pub new: usize,
    /// Changed answers.
    pub changed: usize,
    /// Answers the file repeats.
    pub unchanged: usize,
    /// Rows left out.
    pub skipped_rows: usize,
}

impl Plan {
    /// How many answers are new, changed and unchanged, and how many rows were left out.
    pub fn counts(&self) -> Counts {
        let n = |c: Change| self.items.iter().filter(|i| i.change == c).count();
        Counts {
            answers: self.items.len(),
            new: n(Change::New),
            changed: n(Change::Changed),
            unchanged: n(Change::Unchanged),
            skipped_rows: self.skipped.len(),
        }
    }
}

/// Compares the file's answers with the assessment's stored ones. What the file does not say (no
/// owner, due date or justification) keeps its current value: an import never clears a field it
/// has no column for. An answer whose content the file repeats is unchanged, whatever its origin
/// says: it keeps the origin of where its content came from.
pub fn plan(a: &Loaded, f: FileAnswers) -> Plan {
    let existing: HashMap<&str, &Answer> = a.stored.iter().map(|x| (x.requirement_id.as_str(), x)).collect();
    let items = f
        .inputs
        .into_iter()
        .map(|mut i| {
            let before = existing.get(i.requirement_id.as_str()).copied();
            let change = match before {
                None => Change::New,
                Some(b) => {
                    i.owner = i.owner.take().or_else(|| b.owner.clone());
                    i.due_date = i.due_date.take().or_else(|| b.due_date.clone());
                    i.justification = i.justification.take().or_else(|| b.justification.clone());
                    let same = b.result == i.result
                        && b.how.trim() == i.how.trim()
                        && b.justification == i.justification
                        && b.owner == i.owner
                        && b.due_date == i.due_date;
                    if same { Change::Unchanged } else { Change::Changed }
                }
            };
            Planned { input: i, change, before: before.cloned() }
        })
        .collect();
    Plan { items, skipped: f.skipped, past_due: f.past_due }
}

/// Writes a plan: every new and changed answer in one transaction (all or nothing; each audited
/// as `answer.import`). `written` is told how many are written so far (a progress bar).
pub async fn apply(
    cx: &Ctx<'_>,
    actor: &Actor,
    a: &Loaded,
    plan: Plan,
    written: &mut (dyn FnMut(usize) + Send),
) -> Result<ImportSummary> {
    crate::assessment::ensure_open(a)?;
    let repeated = plan.items.iter().filter(|i| i.change == Change::Unchanged).count();
    let inputs: Vec<AnswerInput> =
        plan.items.into_iter().filter(|i| i.change != Change::Unchanged).map(|i| i.input).collect();
    let mut summary = cx.store.import_answers_with_progress(a.assessment.id, inputs, actor, cx.now, written).await?;
    summary.unchanged += repeated;
    Ok(summary)
}

/// One answer of a plan as a person reviewed it (the web's preview carries these to its
/// confirmation): what will be written and which stored answer it was compared with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Reviewed {
    /// The requirement's local id.
    pub requirement: String,
    /// The stored result word (`implemented`, …).
    pub result: String,
    /// 実施内容.
    pub how: String,
    /// 該当なし理由・備考.
    pub justification: Option<String>,
    /// 担当者.
    pub owner: Option<String>,
    /// 期限, `YYYY-MM-DD`.
    pub due: Option<String>,
    /// Where it was read (`sheet!E12`, `12:E`).
    pub at: Option<String>,
    /// The stored answer it was compared with ([`version`]).
    pub before: String,
}

/// Which version of a stored answer a plan was made against: its id and the time of its last
/// change (`-` for none). Any write to the answer changes it.
pub fn version(before: Option<&Answer>) -> String {
    before.map_or_else(|| "-".to_owned(), |b| format!("{}@{}", b.id, b.updated_at.0))
}

impl Plan {
    /// The answers to write (new and changed), as a person reviews them.
    pub fn reviewed(&self) -> Vec<Reviewed> {
        self.items
            .iter()
            .filter(|i| i.change != Change::Unchanged)
            .map(|i| Reviewed {
                requirement: i.input.requirement_id.clone(),
                result: i.input.result.as_str().to_owned(),
                how: i.input.how.clone(),
                justification: i.input.justification.clone(),
                owner: i.input.owner.clone(),
                due: i.input.due_date.as_ref().map(|d| d.to_string()),
                at: i.input.origin.as_ref().and_then(|o| o.get("at")).and_then(|a| a.as_str()).map(str::to_owned),
                before: version(i.before.as_ref()),
            })
            .collect()
    }
}

/// What confirming a reviewed import did.
#[derive(Debug)]
pub enum Confirmed {
    /// Written, as reviewed.
    Written(ImportSummary),
    /// Nothing written: someone changed these answers after the review (their requirement ids).
    /// The plan is the same file's answers against the answers as they are now, to review again.
    Changed {
        /// The plan now.
        plan: Plan,
        /// The requirements whose stored answer changed since the review.
        changed: Vec<String>,
    },
}

/// The most answers one confirmation may carry (a checklist has a few hundred).
pub const MAX_REVIEWED: usize = 5_000;

/// Writes what a person reviewed, from the file `file`: each answer is checked again as any
/// answer is (a requirement of the assessment's catalog, not a heading, a known result, a date,
/// a reason for 該当なし, the store's length limits), and if any stored answer changed since the
/// review nothing is written and the new comparison comes back instead. One transaction.
pub async fn confirm(cx: &Ctx<'_>, actor: &Actor, a: &Loaded, file: &str, rows: Vec<Reviewed>) -> Result<Confirmed> {
    crate::assessment::ensure_open(a)?;
    if rows.len() > MAX_REVIEWED {
        return Err(AppError::TooManyRows { max: MAX_REVIEWED });
    }
    let catalog = &a.assessment.catalog_id;
    let mut inputs = Vec::with_capacity(rows.len());
    let mut versions = Vec::with_capacity(rows.len());
    for r in rows {
        let ix = cx.set.resolve(catalog, &r.requirement)?;
        let local = cx.set.requirement(ix).id.as_str();
        if local != r.requirement || !sansho_core::assess::is_requirement(cx.set, ix) {
            return Err(AppError::Heading { catalog: catalog.clone(), label: cx.set.requirement(ix).label.clone() });
        }
        let result = r.result.parse::<sansho_store::AnswerResult>()?;
        let mut input = AnswerInput::new(local, result);
        input.how = r.how;
        input.justification = r.justification.filter(|j| !j.trim().is_empty());
        input.owner = r.owner.filter(|o| !o.trim().is_empty());
        input.due_date = crate::parse_date("due", r.due.as_deref())?;
        if result == sansho_store::AnswerResult::NotApplicable && input.justification.is_none() {
            return Err(AppError::JustificationRequired { label: cx.set.requirement(ix).label.clone() });
        }
        let at: Option<String> = r.at.map(|s| s.chars().take(64).collect());
        input.origin = Some(origin(&file.chars().take(255).collect::<String>(), at));
        versions.push((local.to_owned(), r.before));
        inputs.push(input);
    }
    let changed: Vec<String> = versions
        .iter()
        .filter(|(req, before)| version(a.stored_for(req)) != *before)
        .map(|(req, _)| req.clone())
        .collect();
    let plan = plan(a, FileAnswers { inputs, ..FileAnswers::default() });
    if !changed.is_empty() {
        return Ok(Confirmed::Changed { plan, changed });
    }
    Ok(Confirmed::Written(apply(cx, actor, a, plan, &mut |_| {}).await?))
}

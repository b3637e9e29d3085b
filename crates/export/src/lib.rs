//! Exports of one assessment against one catalog: the Japanese checklist workbook (xlsx),
//! Markdown, CSV and JSON.
//!
//! Domain values in, bytes or strings out: nothing here touches a file or a database. The caller
//! derives the results ([`sansho_core::assess::derive`]), says which catalog to export, and hands
//! in what the store knows beyond the answers (owner, due date, evidence) keyed by the
//! requirement's local id.
//!
//! Every format is built from the same [`rows`]: every node of the catalog in document order,
//! structure (headings that only group) as [`RowKind::Group`] rows and requirements as
//! [`RowKind::Item`] rows. The workbook's header words ([`headers`]), the 実施済 boxes
//! ([`DONE`], [`NOT_DONE`], [`NOT_APPLICABLE`]) and the derived-result prefix
//! ([`DERIVED_PREFIX_JA`]) are a contract with the checklist importer, which reads the workbook
//! back: change them only together.

#![warn(missing_docs)]

mod json;
mod markdown;
mod rows;
mod summary;
mod table;
mod workbook;

use std::collections::HashMap;

use serde::Serialize;

use sansho_core::assess::Derived;

pub use rows::{Row, RowKind, SourceRef, rows};
pub use table::{FORMULA_START, neutralise_formula};

/// The language of the fixed words (headers, result words, labels): the one [`sansho_core::Lang`].
/// Guideline text is always the catalog's own.
pub use sansho_core::Lang;

/// What the export says about the assessment itself (the title block).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Meta {
    /// The organization that owns the system (its name).
    pub organization: String,
    /// The system assessed (its name).
    pub system: String,
    /// The assessment's id in the store.
    pub assessment_id: String,
    /// The assessment's status, already in the chosen language (e.g. 作成中).
    pub status: String,
    /// The day of the export, `YYYY-MM-DD`.
    pub exported_on: String,
    /// The assessment this one was started from, if any (its name or id).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub baseline: Option<String>,
}

/// One piece of evidence linked to an answer.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct EvidenceRef {
    /// What the evidence is, as the user named it.
    pub title: String,
    /// The uploaded file's name, when the evidence is a file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file_name: Option<String>,
    /// Lower-case hex SHA-256 of the file (the workbook shows its first 12 characters).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
    /// Where the evidence lives, when it is a link rather than a file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Effective from, `YYYY-MM-DD`.
    pub effective: String,
    /// Expires on, `YYYY-MM-DD`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expiry: Option<String>,
}

/// What the store keeps for an answer beyond the answer itself.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Extra {
    /// 担当者
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// 期限, `YYYY-MM-DD`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub due: Option<String>,
    /// The evidence linked to the answer (根拠).
    pub evidence: Vec<EvidenceRef>,
}

/// One assessment against one catalog, ready to export.
#[derive(Debug, Clone)]
pub struct ExportInput<'a> {
    /// Direct answers and derived suggestions over the loaded set.
    pub derived: &'a Derived<'a>,
    /// The catalog assessed (its id).
    pub catalog: &'a str,
    /// The title block.
    pub meta: Meta,
    /// Owner, due date and evidence per requirement, keyed by the requirement's local id.
    pub extra: HashMap<String, Extra>,
    /// The language of the fixed words (headers, result words, labels).
    pub lang: Lang,
    /// Show results derived through mappings or rolled up from sub-items where there is no
    /// direct answer (marked （推定）, with their sources). Off: such rows show 未回答.
    pub include_derived: bool,
}

/// Why an export failed.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// The catalog to export is not in the loaded set (its id).
    #[error("unknown catalog {0:?}")]
    UnknownCatalog(String),
    /// The workbook writer failed.
    #[error("cannot write the workbook: {0}")]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
}

/// 実施済 box of an implemented requirement.
pub const DONE: &str = "■";
/// 実施済 box of a requirement partly implemented, not implemented or unanswered.
pub const NOT_DONE: &str = "□";
/// 実施済 box of a requirement that does not apply (該当なし).
pub const NOT_APPLICABLE: &str = "－";
/// Prefix of the 実施状況 of a result that is only derived (no direct answer), in Japanese.
pub const DERIVED_PREFIX_JA: &str = "（推定）";
/// Prefix of the status of a result that is only derived, in English.
pub const DERIVED_PREFIX_EN: &str = "(derived) ";

/// The table's column headers, in order: No. | 区分 | チェック項目 | レベル | 実施済 | 実施状況 |
/// 実施内容 | 根拠 | 該当なし理由・備考 | 担当者 | 期限. The workbook adds a hidden `ID` column
/// after them (the requirement's local id, for re-import).
pub fn headers(lang: Lang) -> [&'static str; 11] {
    match lang {
        Lang::Ja => [
            "No.",
            "区分",
            "チェック項目",
            "レベル",
            "実施済",
            "実施状況",
            "実施内容",
            "根拠",
            "該当なし理由・備考",
            "担当者",
            "期限",
        ],
        Lang::En => [
            "No.",
            "Category",
            "Check item",
            "Level",
            "Done",
            "Status",
            "How implemented",
            "Evidence",
            "Justification / notes",
            "Owner",
            "Due",
        ],
    }
}

/// The header of the requirement's local id (hidden last column of the workbook, first column
/// of the CSV).
pub const ID_HEADER: &str = "ID";

/// The checklist workbook: the catalog's sheet (title block, the table) and a summary sheet
/// (集計) with the gap analysis.
pub fn xlsx(input: &ExportInput) -> Result<Vec<u8>, ExportError> {
    workbook::xlsx(input)
}

/// The assessment as Markdown: title, meta, summary, then one table per group.
pub fn markdown(input: &ExportInput) -> String {
    markdown::markdown(input)
}

/// One line per requirement (`ID` first, then the table's columns), UTF-8 with a BOM so
/// Japanese Excel opens it as UTF-8, CRLF line ends, RFC 4180 quoting.
pub fn csv(input: &ExportInput) -> String {
    table::csv(input)
}

/// The assessment as JSON with stable English keys: `catalog`, `meta`, `lang`,
/// `include_derived`, `summary` (the gap analysis) and `rows`.
pub fn json(input: &ExportInput) -> serde_json::Value {
    json::json(input)
}

//! Stored-row types (what a table holds) and the inputs that create or change them. They are not
//! the domain types of `sansho-core`.

use serde::Serialize;

use crate::{AnswerResult, AssessmentStatus, Date, EvidenceKind, Id, OrgKind, ServiceModel, Timestamp, VendorPosition};

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Organization {
    pub id: Id,
    pub name: String,
    pub kind: OrgKind,
    pub vendor_position: Option<VendorPosition>,
    pub created_at: Timestamp,
    pub created_by: String,
}

#[derive(Clone, Debug)]
pub struct NewOrganization {
    pub name: String,
    pub kind: OrgKind,
    pub vendor_position: Option<VendorPosition>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct System {
    pub id: Id,
    pub organization_id: Id,
    pub name: String,
    pub service_model: ServiceModel,
    pub description: String,
    pub created_at: Timestamp,
    pub created_by: String,
}

#[derive(Clone, Debug)]
pub struct NewSystem {
    pub organization_id: Id,
    pub name: String,
    pub service_model: ServiceModel,
    pub description: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Assessment {
    pub id: Id,
    pub system_id: Id,
    pub catalog_id: String,
    pub status: AssessmentStatus,
    pub baseline_id: Option<Id>,
    pub created_at: Timestamp,
    pub created_by: String,
    pub updated_at: Timestamp,
    pub updated_by: String,
    /// What people call it ("2026年度 定期評価"); `None` when none was given.
    pub name: Option<String>,
    /// The user who created it (web or API); with admins, the one who may reopen it when final.
    pub owner_id: Option<Id>,
}

/// What an assessment is called and who owns it, given when it is created.
#[derive(Clone, Debug, Default)]
pub struct AssessmentMeta {
    /// Blank is no name.
    pub name: Option<String>,
    /// The creating user (the command line has none).
    pub owner_id: Option<Id>,
}

#[derive(Clone, Debug)]
pub struct NewAssessment {
    pub system_id: Id,
    pub catalog_id: String,
    /// Last year's assessment: its answers (and their evidence) are copied into the new one,
    /// each with an origin naming the baseline answer.
    pub baseline_id: Option<Id>,
}

/// One answer to one requirement of the assessment's catalog.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Answer {
    pub id: Id,
    pub assessment_id: Id,
    /// The requirement's id local to the catalog.
    pub requirement_id: String,
    pub result: AnswerResult,
    /// 実施内容.
    pub how: String,
    pub justification: Option<String>,
    pub owner: Option<String>,
    pub due_date: Option<Date>,
    /// JSON naming where an accepted suggestion came from.
    pub origin: Option<serde_json::Value>,
    pub created_at: Timestamp,
    pub created_by: String,
    pub updated_at: Timestamp,
    pub updated_by: String,
}

impl Answer {
    /// The answer as the domain sees it, on `catalog` of `set`; `None` when the catalog has no
    /// such requirement (any more).
    pub fn to_domain(&self, set: &sansho_core::CatalogSet, catalog: &str) -> Option<sansho_core::assess::Answer> {
        let ix = set.node(catalog, &self.requirement_id)?;
        Some(sansho_core::assess::Answer {
            requirement: set.reference(ix),
            result: self.result.into(),
            how: Some(self.how.clone()).filter(|h| !h.trim().is_empty()),
            justification: self.justification.clone(),
            origin: None,
        })
    }
}

/// What an answer says. Writing it to a requirement that already has an answer replaces every
/// field, and the fields that change are recorded in the history.
#[derive(Clone, Debug, PartialEq)]
pub struct AnswerInput {
    pub requirement_id: String,
    pub result: AnswerResult,
    pub how: String,
    pub justification: Option<String>,
    pub owner: Option<String>,
    pub due_date: Option<Date>,
    pub origin: Option<serde_json::Value>,
    /// Evidence to link to the answer (links already there are kept; none is removed).
    pub evidence: Vec<Id>,
}

impl AnswerInput {
    /// An answer with only a result; the other fields empty.
    pub fn new(requirement_id: impl Into<String>, result: AnswerResult) -> Self {
        AnswerInput {
            requirement_id: requirement_id.into(),
            result,
            how: String::new(),
            justification: None,
            owner: None,
            due_date: None,
            origin: None,
            evidence: Vec::new(),
        }
    }
}

/// One changed field of an answer: who, when, old → new. `old` is `None` when the answer was
/// created (or the field was empty), `new` is `None` when it was cleared.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct HistoryEntry {
    pub answer_id: Id,
    pub seq: i64,
    pub changed_at: Timestamp,
    pub changed_by: String,
    pub field: String,
    pub old: Option<String>,
    pub new: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Evidence {
    pub id: Id,
    pub kind: EvidenceKind,
    pub title: String,
    /// Hex SHA-256 of the file's content (files only).
    pub sha256: Option<String>,
    pub file_name: Option<String>,
    pub size_bytes: Option<i64>,
    pub url: Option<String>,
    pub effective_date: Date,
    pub expiry_date: Option<Date>,
    /// The organization that uploaded it (it owns the evidence while it is attached to nothing).
    pub organization_id: Option<Id>,
    pub created_at: Timestamp,
    pub created_by: String,
}

/// A file or a link to keep as evidence.
#[derive(Clone, Debug)]
pub enum EvidenceSource {
    File { file_name: String, content: Vec<u8> },
    Link { url: String },
}

#[derive(Clone, Debug)]
pub struct NewEvidence {
    pub title: String,
    pub source: EvidenceSource,
    pub effective_date: Date,
    pub expiry_date: Option<Date>,
    /// The uploading organization: the owner of the evidence while it is attached to nothing.
    pub organization_id: Option<Id>,
}

/// How an answer differs from the same requirement's answer in the baseline assessment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "change", rename_all = "kebab-case")]
pub enum BaselineChange {
    /// Answered now, not in the baseline.
    Added { requirement_id: String, result: AnswerResult },
    /// Answered in the baseline, not now (cannot happen through the store, which deletes no
    /// answer, but a baseline can gain answers after the copy).
    Missing { requirement_id: String, baseline_result: AnswerResult },
    /// Both answered; the fields that differ, as `(field, baseline value, current value)`.
    Changed { requirement_id: String, fields: Vec<(&'static str, Option<String>, Option<String>)> },
}

impl BaselineChange {
    pub fn requirement_id(&self) -> &str {
        match self {
            BaselineChange::Added { requirement_id, .. }
            | BaselineChange::Missing { requirement_id, .. }
            | BaselineChange::Changed { requirement_id, .. } => requirement_id,
        }
    }
}

/// What a batch import did.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ImportSummary {
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
}

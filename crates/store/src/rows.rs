//! Stored-row types (what a table holds) and the inputs that create or change them. They are not
//! the domain types of `sansho-core`.

use serde::Serialize;

use crate::{AnswerResult, AssessmentStatus, Date, EvidenceKind, Id, OrgKind, ServiceModel, Timestamp, VendorPosition};

/// A hospital (医療機関等) or a vendor (対象事業者).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Organization {
    /// Its id.
    pub id: Id,
    /// Its name.
    pub name: String,
    /// Hospital or vendor.
    pub kind: OrgKind,
    /// A vendor's position towards the hospital (`None` for a hospital).
    pub vendor_position: Option<VendorPosition>,
    /// When it was made.
    pub created_at: Timestamp,
    /// Who made it.
    pub created_by: String,
}

/// An organization to create.
#[derive(Clone, Debug)]
pub struct NewOrganization {
    /// Its name.
    pub name: String,
    /// Hospital or vendor.
    pub kind: OrgKind,
    /// A vendor's position (only a vendor has one).
    pub vendor_position: Option<VendorPosition>,
}

/// A system of an organization: what assessments assess.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct System {
    /// Its id.
    pub id: Id,
    /// The organization it belongs to.
    pub organization_id: Id,
    /// Its name.
    pub name: String,
    /// On premises or which cloud service model.
    pub service_model: ServiceModel,
    /// What it is, in the organization's words.
    pub description: String,
    /// When it was made.
    pub created_at: Timestamp,
    /// Who made it.
    pub created_by: String,
}

/// A system to create.
#[derive(Clone, Debug)]
pub struct NewSystem {
    /// The organization it belongs to.
    pub organization_id: Id,
    /// Its name.
    pub name: String,
    /// On premises or which cloud service model.
    pub service_model: ServiceModel,
    /// What it is.
    pub description: String,
}

/// One assessment of one system against one catalog.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Assessment {
    /// Its id.
    pub id: Id,
    /// The system assessed.
    pub system_id: Id,
    /// The catalog whose requirements are answered.
    pub catalog_id: String,
    /// Draft, in review or final (確定).
    pub status: AssessmentStatus,
    /// The earlier assessment its answers were copied from, if any.
    pub baseline_id: Option<Id>,
    /// When it was made.
    pub created_at: Timestamp,
    /// Who made it.
    pub created_by: String,
    /// Its creation, or the last change of its status.
    pub updated_at: Timestamp,
    /// Who made the last change.
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

/// An assessment to create.
#[derive(Clone, Debug)]
pub struct NewAssessment {
    /// The system to assess.
    pub system_id: Id,
    /// The catalog to answer.
    pub catalog_id: String,
    /// Last year's assessment: its answers (and their evidence) are copied into the new one,
    /// each with an origin naming the baseline answer.
    pub baseline_id: Option<Id>,
}

/// One answer to one requirement of the assessment's catalog.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Answer {
    /// Its id.
    pub id: Id,
    /// The assessment it belongs to.
    pub assessment_id: Id,
    /// The requirement's id local to the catalog.
    pub requirement_id: String,
    /// 実施済, 一部実施, 未実施, 該当なし or 未回答.
    pub result: AnswerResult,
    /// 実施内容.
    pub how: String,
    /// 該当なし理由・備考 (required for 該当なし).
    pub justification: Option<String>,
    /// 担当者.
    pub owner: Option<String>,
    /// When what is not done yet is due.
    pub due_date: Option<Date>,
    /// JSON naming where an accepted suggestion came from.
    pub origin: Option<serde_json::Value>,
    /// When it was made.
    pub created_at: Timestamp,
    /// Who made it.
    pub created_by: String,
    /// The last change.
    pub updated_at: Timestamp,
    /// Who made the last change.
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
    /// The requirement answered (its id local to the assessment's catalog).
    pub requirement_id: String,
    /// The result.
    pub result: AnswerResult,
    /// 実施内容.
    pub how: String,
    /// 該当なし理由・備考 (required for 該当なし).
    pub justification: Option<String>,
    /// 担当者.
    pub owner: Option<String>,
    /// When what is not done yet is due.
    pub due_date: Option<Date>,
    /// JSON naming where an accepted suggestion came from.
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
    /// The answer changed.
    pub answer_id: Id,
    /// Numbers the answer's changes from 1.
    pub seq: i64,
    /// When.
    pub changed_at: Timestamp,
    /// Who changed it.
    pub changed_by: String,
    /// The field changed (`result`, `how`, …).
    pub field: String,
    /// Its value before.
    pub old: Option<String>,
    /// Its value after.
    pub new: Option<String>,
}

/// A piece of evidence: a file kept by the store or a link.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Evidence {
    /// Its id.
    pub id: Id,
    /// File or link.
    pub kind: EvidenceKind,
    /// What it is, for people.
    pub title: String,
    /// Hex SHA-256 of the file's content (files only).
    pub sha256: Option<String>,
    /// The file's name as uploaded (files only).
    pub file_name: Option<String>,
    /// The file's size (files only).
    pub size_bytes: Option<i64>,
    /// Where the evidence is (links only).
    pub url: Option<String>,
    /// From when it holds.
    pub effective_date: Date,
    /// Until when it holds, if it expires.
    pub expiry_date: Option<Date>,
    /// The organization that uploaded it (it owns the evidence while it is attached to nothing).
    pub organization_id: Option<Id>,
    /// When it was made.
    pub created_at: Timestamp,
    /// Who made it.
    pub created_by: String,
}

/// A file or a link to keep as evidence.
#[derive(Clone, Debug)]
pub enum EvidenceSource {
    /// A file, kept by the store.
    File {
        /// Its name as uploaded.
        file_name: String,
        /// Its bytes.
        content: Vec<u8>,
    },
    /// A link to evidence kept elsewhere.
    Link {
        /// The URL.
        url: String,
    },
}

/// Evidence to keep.
#[derive(Clone, Debug)]
pub struct NewEvidence {
    /// What it is, for people.
    pub title: String,
    /// The file or the link.
    pub source: EvidenceSource,
    /// From when it holds.
    pub effective_date: Date,
    /// Until when it holds, if it expires.
    pub expiry_date: Option<Date>,
    /// The uploading organization: the owner of the evidence while it is attached to nothing.
    pub organization_id: Option<Id>,
}

/// How an answer differs from the same requirement's answer in the baseline assessment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "change", rename_all = "kebab-case")]
pub enum BaselineChange {
    /// Answered now, not in the baseline.
    Added {
        /// The requirement.
        requirement_id: String,
        /// Its result now.
        result: AnswerResult,
    },
    /// Answered in the baseline, not now (cannot happen through the store, which deletes no
    /// answer, but a baseline can gain answers after the copy).
    Missing {
        /// The requirement.
        requirement_id: String,
        /// Its result in the baseline.
        baseline_result: AnswerResult,
    },
    /// Both answered; the fields that differ, as `(field, baseline value, current value)`.
    Changed {
        /// The requirement.
        requirement_id: String,
        /// `(field, baseline value, current value)` for each field that differs.
        fields: Vec<(&'static str, Option<String>, Option<String>)>,
    },
}

impl BaselineChange {
    /// The requirement the change is about.
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
    /// Answers made.
    pub created: usize,
    /// Answers changed.
    pub updated: usize,
    /// Answers the import left as they were.
    pub unchanged: usize,
}

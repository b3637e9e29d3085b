//! An assessment: open it (checked against the loaded catalogs), start one (optionally from a
//! baseline), move it between 作成中, レビュー中 and 確定 (and reopen a 確定 one), see its coverage
//! on every guideline, compare it with its baseline, migrate it to another guideline.

use sansho_core::CatalogSet;
use sansho_core::assess::{Derived, GapOptions, GapReport, MigrationSummary, ResultCode, derive, gaps, migrate};
use sansho_core::model::Catalog;
use sansho_store::{
    AnswerInput, Assessment, AssessmentMeta, AssessmentStatus, BaselineChange, Evidence, Id, NewAssessment, Role,
    StoreError, User,
};

use crate::{Actor, AppError, Ctx, Result, blank};

/// An assessment with its stored answers and the same answers as the domain's.
pub struct Loaded {
    /// The assessment.
    pub assessment: Assessment,
    /// Its stored answers.
    pub stored: Vec<sansho_store::Answer>,
    /// The same answers as the domain's, in the same order.
    pub answers: Vec<sansho_core::assess::Answer>,
}

impl Loaded {
    /// The stored answer to one requirement (by its local id).
    pub fn stored_for(&self, local: &str) -> Option<&sansho_store::Answer> {
        self.stored.iter().find(|x| x.requirement_id == local)
    }

    /// What the answers give on every catalog (direct, then derived through the mappings).
    pub fn derive<'a>(&'a self, set: &'a CatalogSet) -> Result<Derived<'a>> {
        derive(set, &self.answers).map_err(|e| AppError::Internal(format!("assessment {}: {e}", self.assessment.id)))
    }
}

/// Refuses a write to a 確定 (final) assessment before anything else is checked (the store
/// refuses it too, inside the write's transaction).
pub fn ensure_open(a: &Loaded) -> Result<()> {
    if a.assessment.status == AssessmentStatus::Final {
        return Err(StoreError::AssessmentFinal(a.assessment.id).into());
    }
    Ok(())
}

/// Opens the assessment `id`: its catalog must be loaded and every stored answer must answer a
/// requirement of it (else the catalogs changed under it, and nothing computed would be true).
pub async fn load(cx: &Ctx<'_>, id: Id) -> Result<Loaded> {
    let assessment = cx.store.assessment(id).await?;
    let stored = cx.store.answers(id).await?;
    let answers = domain_answers(cx.set, &assessment, &stored)?;
    Ok(Loaded { assessment, stored, answers })
}

/// The stored answers as the domain's, checked against the loaded catalogs.
pub fn domain_answers(
    set: &CatalogSet,
    a: &Assessment,
    stored: &[sansho_store::Answer],
) -> Result<Vec<sansho_core::assess::Answer>> {
    let catalog = &a.catalog_id;
    if set.catalog(catalog).is_none() {
        return Err(AppError::CatalogNotLoaded { assessment: a.id, catalog: catalog.clone() });
    }
    stored
        .iter()
        .map(|x| {
            x.to_domain(set, catalog).ok_or_else(|| AppError::AnswerOffCatalog {
                answer: x.id,
                requirement: x.requirement_id.clone(),
                catalog: catalog.clone(),
            })
        })
        .collect()
}

/// The catalog `id`, if it is loaded and may be assessed (an outline may not); `field` names
/// the form field or argument that gave it.
pub fn offered<'s>(set: &'s CatalogSet, field: &'static str, id: &str) -> Result<&'s Catalog> {
    let c = set.catalog(id).ok_or_else(|| AppError::UnknownCatalog { field, catalog: id.to_owned() })?;
    if !c.offered_for_assessment() {
        return Err(AppError::Outline { field, catalog: id.to_owned() });
    }
    Ok(c)
}

/// A new assessment as a person asks for it.
pub struct Start<'a> {
    /// The system assessed.
    pub system: Id,
    /// The catalog it is assessed against.
    pub catalog: &'a str,
    /// Its name (blank: none; lists then name it by catalog and fiscal year).
    pub name: Option<&'a str>,
    /// An assessment of the same system and catalog whose answers and evidence links are copied in.
    pub baseline: Option<Id>,
    /// Who owns it (may reopen it once 確定): the web's user; none from the command line.
    pub owner: Option<Id>,
}

/// Starts an assessment of a system on a catalog offered for assessment, optionally from a
/// baseline: an assessment of the same system and the same catalog (crossing catalogs is a
/// migration).
pub async fn start(cx: &Ctx<'_>, actor: &Actor, s: Start<'_>) -> Result<Assessment> {
    offered(cx.set, "catalog_id", s.catalog)?;
    cx.store.system(s.system).await?;
    if let Some(b) = s.baseline {
        let base = match cx.store.assessment(b).await {
            Ok(x) => x,
            Err(StoreError::UnknownAssessment(_)) => return Err(AppError::BaselineElsewhere { baseline: b }),
            Err(e) => return Err(e.into()),
        };
        if base.system_id != s.system {
            return Err(AppError::BaselineElsewhere { baseline: b });
        }
        if base.catalog_id != s.catalog {
            return Err(AppError::BaselineCatalog { baseline_catalog: base.catalog_id, catalog: s.catalog.to_owned() });
        }
    }
    let new = NewAssessment { system_id: s.system, catalog_id: s.catalog.to_owned(), baseline_id: s.baseline };
    let meta = AssessmentMeta { name: s.name.and_then(blank), owner_id: s.owner };
    Ok(cx.store.create_assessment_as(&new, &meta, actor, cx.now).await?)
}

/// Moves an assessment between 作成中, レビュー中 and 確定. Setting the status it has changes
/// nothing; leaving 確定 is a reopening ([`reopen`]), which the store refuses here.
pub async fn set_status(cx: &Ctx<'_>, actor: &Actor, a: &Assessment, status: AssessmentStatus) -> Result<Assessment> {
    if status == a.status {
        return Ok(a.clone());
    }
    Ok(cx.store.set_assessment_status(a.id, status, actor, cx.now).await?)
}

/// Whether `user` may reopen the 確定 assessment `a`: an admin, or its owner.
pub fn can_reopen(user: &User, a: &Assessment) -> bool {
    user.role == Role::Admin || a.owner_id == Some(user.id)
}

/// Reopens a 確定 assessment as a draft, with a reason (audited with it): by an admin or its
/// owner (`by`), or by the command line's operator (`None`, who holds the database file).
pub async fn reopen(
    cx: &Ctx<'_>,
    actor: &Actor,
    a: &Assessment,
    reason: &str,
    by: Option<&User>,
) -> Result<Assessment> {
    if a.status != AssessmentStatus::Final {
        return Err(StoreError::NotFinal(a.id).into());
    }
    if let Some(user) = by.filter(|u| !can_reopen(u, a)) {
        return Err(StoreError::ReopenNotAllowed { assessment: a.id, user: user.id }.into());
    }
    Ok(cx.store.reopen_assessment(a.id, reason, by.map(|u| u.id), actor, cx.now).await?)
}

/// An assessment's results on every guideline: its own catalog from its direct answers, and
/// each other catalog its answers reach through the mappings (derived, to be reviewed).
pub struct Coverage<'a> {
    /// The assessment's own catalog, direct answers only (the gaps, the minimum-package verdict).
    pub own: GapReport<'a>,
    /// Every other catalog that at least one answer reaches, with derived results, in the
    /// order the catalogs are loaded.
    pub others: Vec<(&'a Catalog, GapReport<'a>)>,
}

/// The coverage of the assessment of `catalog` whose answers are `derived`.
pub fn coverage<'a>(set: &'a CatalogSet, derived: &'a Derived<'a>, catalog: &'a str) -> Result<Coverage<'a>> {
    let own = gaps(derived, catalog, GapOptions::default())?;
    let mut others = Vec::new();
    for c in set.catalogs().iter().filter(|c| c.id.as_str() != catalog) {
        let r = gaps(derived, c.id.as_str(), GapOptions { include_derived: true })?;
        if r.total.count(ResultCode::Unanswered) < r.total.total {
            others.push((c, r));
        }
    }
    Ok(Coverage { own, others })
}

/// What changed since the assessment's baseline, field by field.
pub async fn baseline_changes(cx: &Ctx<'_>, a: &Assessment) -> Result<Vec<BaselineChange>> {
    cx.store.baseline_changes(a.id).await?.ok_or(AppError::NoBaseline { assessment: a.id })
}

/// What migrating an assessment to `to` would carry, computed without writing anything (the
/// confirmation page and `--json` show it): the summary, the domain's migration items and the
/// store inputs.
pub struct MigrationPlan {
    /// Counts: carried, exact, flagged, …
    pub summary: MigrationSummary,
    /// Per requirement of `to`: the carried answer, its flags and sources.
    pub items: Vec<sansho_core::assess::Migrated>,
    /// What the new assessment's answers will be.
    pub inputs: Vec<AnswerInput>,
}

/// Plans the migration of `a` to the catalog `to` (loaded, offered for assessment, another
/// than its own); evidence travels with the answers it proves.
pub async fn migration_plan(cx: &Ctx<'_>, a: &Loaded, to: &str) -> Result<MigrationPlan> {
    let from = a.assessment.catalog_id.as_str();
    offered(cx.set, "to", to)?;
    if to == from {
        return Err(AppError::SameCatalog { assessment: a.assessment.id, catalog: to.to_owned() });
    }
    let evidence: Vec<(String, Evidence)> = cx.store.evidence_of_assessment(a.assessment.id).await?;
    let derived = a.derive(cx.set)?;
    let m = migrate(&derived, from, to);
    let summary = m.summary(a.answers.len());
    let inputs = sansho_store::migration_inputs(cx.set, &m, a.assessment.id, &a.answers, &evidence)?;
    Ok(MigrationPlan { summary, items: m.items, inputs })
}

/// Migrates an assessment to another catalog: a new assessment of the same system whose answers
/// are carried over the migration tables, each with its origin and flags. One transaction;
/// `written` is told how many answers are written so far (a progress bar).
pub async fn migrate_to(
    cx: &Ctx<'_>,
    actor: &Actor,
    a: &Loaded,
    (to, name, owner): (&str, Option<&str>, Option<Id>),
    written: &mut (dyn FnMut(usize) + Send),
) -> Result<(Assessment, MigrationPlan)> {
    let mut plan = migration_plan(cx, a, to).await?;
    let new = NewAssessment { system_id: a.assessment.system_id, catalog_id: to.to_owned(), baseline_id: None };
    let meta = AssessmentMeta { name: name.and_then(blank), owner_id: owner };
    let inputs = std::mem::take(&mut plan.inputs);
    let (created, _) = cx.store.create_assessment_with_answers_as(&new, &meta, inputs, actor, cx.now, written).await?;
    Ok((created, plan))
}

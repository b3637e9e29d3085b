//! Domain answers carried into the store: an accepted suggestion, an import, a migration to
//! another catalog. One place decides how a carried answer records where it came from, so the
//! CLI and the web application store the same thing.

use std::collections::HashMap;

use sansho_core::CatalogSet;
use sansho_core::assess::{Answer, Flag, Migration};
use sansho_core::set::NodeIx;

use crate::audit::{append, change};
use crate::{
    Actor, AnswerInput, AnswerResult, Assessment, Evidence, Id, ImportSummary, NewAssessment, NewOrganization,
    NewSystem, OrgKind, Organization, Result, Store, StoreError, System, Timestamp,
};

impl AnswerInput {
    /// A domain answer (an accepted suggestion, an imported or migrated answer) as the store's
    /// input for requirement `ix`; `kind` names where it came from in the stored origin.
    pub fn from_domain(set: &CatalogSet, ix: NodeIx, a: &Answer, kind: crate::Origin) -> Result<AnswerInput> {
        let mut input = AnswerInput::new(set.requirement(ix).id.as_str(), a.result.into());
        input.how = a.how.clone().unwrap_or_default();
        input.justification = a.justification.clone();
        if let Some(origin) = &a.origin {
            let mut value = serde_json::to_value(origin)?;
            if let Some(map) = value.as_object_mut() {
                map.insert("kind".into(), kind.as_str().into());
            }
            input.origin = Some(value);
        }
        Ok(input)
    }
}

/// The answers of a new assessment made by migrating assessment `from` (whose domain answers
/// are `answers`, in the order given to `derive`, and whose evidence is `evidence`, by
/// requirement id): each carried answer records the source assessment and its flags, and takes
/// the evidence of every answer it comes from; a requirement that is new, split or merged gets an
/// unanswered placeholder carrying its flags so nobody misses it.
pub fn migration_inputs(
    set: &CatalogSet,
    m: &Migration,
    from: Id,
    answers: &[Answer],
    evidence: &[(String, Evidence)],
) -> Result<Vec<AnswerInput>> {
    let mut evidence_of: HashMap<&str, Vec<Id>> = HashMap::new();
    for (req, e) in evidence {
        evidence_of.entry(req.as_str()).or_default().push(e.id);
    }
    let mut inputs = Vec::new();
    for item in &m.items {
        let flags: Vec<&str> = item.flags.iter().map(|f| f.as_str()).collect();
        let needs_placeholder = item.flags.iter().any(|f| matches!(f, Flag::New | Flag::Split | Flag::Merged));
        let mut input = match &item.answer {
            Some(a) => AnswerInput::from_domain(set, item.node, a, crate::Origin::Migration)?,
            None if needs_placeholder => {
                AnswerInput::new(set.requirement(item.node).id.as_str(), AnswerResult::Unanswered)
            }
            None => continue,
        };
        let origin =
            input.origin.get_or_insert_with(|| serde_json::json!({ "kind": crate::Origin::Migration.as_str() }));
        origin["from_assessment"] = from.to_string().into();
        origin["flags"] = serde_json::json!(flags);
        for &src in &item.sources {
            let req = answers[src].requirement.local.as_str();
            for id in evidence_of.get(req).into_iter().flatten() {
                if !input.evidence.contains(id) {
                    input.evidence.push(*id);
                }
            }
        }
        inputs.push(input);
    }
    Ok(inputs)
}

impl Store {
    /// Creates an organization, a system of it (`system.organization_id` is ignored) and an
    /// assessment of that system with its answers, in one transaction with their audit records:
    /// either all of it exists or nothing does (`sansho sample load` on a full disk leaves no
    /// organization behind to be duplicated by the next try). The inserts are the ones of
    /// `create_organization`, `create_system` and `create_assessment_with_answers`.
    #[allow(clippy::too_many_arguments)]
    pub async fn create_organization_with_assessment(
        &self,
        org: &NewOrganization,
        system: &NewSystem,
        catalog_id: &str,
        inputs: Vec<AnswerInput>,
        actor: &Actor,
        now: Timestamp,
        written: &mut (dyn FnMut(usize) + Send),
    ) -> Result<(Organization, System, Assessment, ImportSummary)> {
        for (field, value) in [("organization name", &org.name), ("system name", &system.name)] {
            if value.trim().is_empty() {
                return Err(StoreError::Empty { field });
            }
        }
        if org.kind != OrgKind::Vendor && org.vendor_position.is_some() {
            return Err(StoreError::PositionWithoutVendor);
        }
        crate::answers::check_batch(&inputs)?;
        let mut tx = self.write().await?;
        let org_id = self.ids.next_id();
        sqlx::query(
            "INSERT INTO organizations (id, name, kind, vendor_position, created_at, created_by)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(org_id.to_string())
        .bind(&org.name)
        .bind(org.kind.as_str())
        .bind(org.vendor_position.map(|p| p.as_str()))
        .bind(now.0)
        .bind(&actor.name)
        .execute(&mut *tx)
        .await?;
        let organization = crate::orgs::fetch_organization(&mut tx, org_id).await?;
        append(&mut tx, actor, now, change("organization.create", "organization", org_id).after(&organization)?)
            .await?;
        let system_id = self.ids.next_id();
        sqlx::query(
            "INSERT INTO systems (id, organization_id, name, service_model, description, created_at, created_by)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(system_id.to_string())
        .bind(org_id.to_string())
        .bind(&system.name)
        .bind(system.service_model.as_str())
        .bind(&system.description)
        .bind(now.0)
        .bind(&actor.name)
        .execute(&mut *tx)
        .await?;
        let stored_system = crate::orgs::fetch_system(&mut tx, system_id).await?;
        append(&mut tx, actor, now, change("system.create", "system", system_id).after(&stored_system)?).await?;
        let new = NewAssessment { system_id, catalog_id: catalog_id.to_owned(), baseline_id: None };
        let id = crate::orgs::insert_assessment(
            &mut tx,
            self.ids.as_ref(),
            &new,
            &crate::AssessmentMeta::default(),
            actor,
            now,
        )
        .await?;
        let summary = crate::answers::write_batch(
            &mut tx,
            self.ids.as_ref(),
            id,
            &inputs,
            actor,
            now,
            crate::answers::ACTION_IMPORT,
            written,
        )
        .await?;
        let assessment = crate::orgs::fetch_assessment(&mut tx, id).await?;
        tx.commit().await?;
        Ok((organization, stored_system, assessment, summary))
    }
}

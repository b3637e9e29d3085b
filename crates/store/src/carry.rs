//! Domain answers carried into the store: an accepted suggestion, an import, a migration to
//! another catalog. One place decides how a carried answer records where it came from, so the
//! CLI and the web application store the same thing.

use std::collections::HashMap;

use sansho_core::CatalogSet;
use sansho_core::assess::{Answer, Flag, Migration};
use sansho_core::set::NodeIx;

use crate::{AnswerInput, AnswerResult, Evidence, Id, Result};

impl AnswerInput {
    /// A domain answer (an accepted suggestion, an imported or migrated answer) as the store's
    /// input for requirement `ix`; `kind` names where it came from (`derived`, `migration`,
    /// `import`) in the stored origin.
    pub fn from_domain(set: &CatalogSet, ix: NodeIx, a: &Answer, kind: &str) -> Result<AnswerInput> {
        let mut input = AnswerInput::new(set.requirement(ix).id.as_str(), a.result.into());
        input.how = a.how.clone().unwrap_or_default();
        input.justification = a.justification.clone();
        if let Some(origin) = &a.origin {
            let mut value = serde_json::to_value(origin)?;
            if let Some(map) = value.as_object_mut() {
                map.insert("kind".into(), kind.into());
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
            Some(a) => AnswerInput::from_domain(set, item.node, a, "migration")?,
            None if needs_placeholder => {
                AnswerInput::new(set.requirement(item.node).id.as_str(), AnswerResult::Unanswered)
            }
            None => continue,
        };
        let origin = input.origin.get_or_insert_with(|| serde_json::json!({ "kind": "migration" }));
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

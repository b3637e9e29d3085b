//! What changed in an assessment since its baseline (last year's assessment it started from).

use std::collections::BTreeMap;

use crate::{Answer, BaselineChange, Id, Result, Store};

/// The fields compared, with how each reads as text.
fn fields(a: &Answer) -> [(&'static str, Option<String>); 5] {
    [
        ("result", Some(a.result.as_str().to_owned())),
        ("how", Some(a.how.clone()).filter(|h| !h.trim().is_empty())),
        ("justification", a.justification.clone()),
        ("owner", a.owner.clone()),
        ("due_date", a.due_date.as_ref().map(|d| d.as_str().to_owned())),
    ]
}

/// The changes between two sets of answers, by requirement id.
pub fn compare(baseline: &[Answer], current: &[Answer]) -> Vec<BaselineChange> {
    let base: BTreeMap<&str, &Answer> = baseline.iter().map(|a| (a.requirement_id.as_str(), a)).collect();
    let now: BTreeMap<&str, &Answer> = current.iter().map(|a| (a.requirement_id.as_str(), a)).collect();
    let mut ids: Vec<&str> = base.keys().chain(now.keys()).copied().collect();
    ids.sort_unstable();
    ids.dedup();
    let mut out = Vec::new();
    for id in ids {
        match (base.get(id), now.get(id)) {
            (None, Some(a)) => out.push(BaselineChange::Added { requirement_id: id.to_owned(), result: a.result }),
            (Some(b), None) => {
                out.push(BaselineChange::Missing { requirement_id: id.to_owned(), baseline_result: b.result })
            }
            (Some(b), Some(a)) => {
                let changed: Vec<_> = fields(b)
                    .into_iter()
                    .zip(fields(a))
                    .filter(|((_, old), (_, new))| old != new)
                    .map(|((field, old), (_, new))| (field, old, new))
                    .collect();
                if !changed.is_empty() {
                    out.push(BaselineChange::Changed { requirement_id: id.to_owned(), fields: changed });
                }
            }
            (None, None) => {}
        }
    }
    out
}

impl Store {
    /// What changed since the assessment's baseline; `None` when it has no baseline.
    pub async fn baseline_changes(&self, assessment: Id) -> Result<Option<Vec<BaselineChange>>> {
        let a = self.assessment(assessment).await?;
        let Some(baseline) = a.baseline_id else {
            return Ok(None);
        };
        let before = self.answers(baseline).await?;
        let now = self.answers(assessment).await?;
        Ok(Some(compare(&before, &now)))
    }
}

//! Answering requirements: one answer (the answer form, `sansho answer set`), several at once (the
//! checklist's changed rows), and accepting derived suggestions as answers.

use sansho_core::assess::{ResultCode, is_requirement};
use sansho_core::set::NodeIx;
use sansho_store::{AnswerInput, AnswerResult, Date};

use crate::assessment::{Loaded, ensure_open};
use crate::{Actor, AppError, Ctx, Result, blank};

/// What a person writes into an answer; dates already parsed (at the adapter's edge).
#[derive(Debug, Clone)]
pub struct AnswerFields {
    /// 実施状況.
    pub result: AnswerResult,
    /// 実施内容 (`None`: not given).
    pub how: Option<String>,
    /// 該当なし理由・備考 (required for 該当なし).
    pub justification: Option<String>,
    /// 担当者.
    pub owner: Option<String>,
    /// 期限.
    pub due: Option<Date>,
}

/// What a field that is not given means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unset {
    /// It is cleared: a form shows every field, so an empty one was emptied.
    Clear,
    /// It keeps the stored value: the command line changes only what it is given.
    Keep,
}

/// The answer to requirement `ix` as the store takes it, after checking what a person wrote: a
/// heading is not answered itself, 該当なし has a reason. With [`Unset::Keep`], fields not given
/// keep the stored answer's values.
pub fn answer_input(cx: &Ctx<'_>, a: &Loaded, ix: NodeIx, f: AnswerFields, unset: Unset) -> Result<AnswerInput> {
    let set = cx.set;
    let r = set.requirement(ix);
    if !is_requirement(set, ix) {
        return Err(AppError::Heading { catalog: a.assessment.catalog_id.clone(), label: r.label.clone() });
    }
    let current = match unset {
        Unset::Keep => a.stored_for(r.id.as_str()),
        Unset::Clear => None,
    };
    let mut input = AnswerInput::new(r.id.as_str(), f.result);
    input.how = match f.how {
        Some(h) => h.trim().to_owned(),
        None => current.map(|c| c.how.clone()).unwrap_or_default(),
    };
    input.justification =
        f.justification.as_deref().and_then(blank).or_else(|| current.and_then(|c| c.justification.clone()));
    input.owner = f.owner.as_deref().and_then(blank).or_else(|| current.and_then(|c| c.owner.clone()));
    input.due_date = f.due.or_else(|| current.and_then(|c| c.due_date.clone()));
    if f.result == AnswerResult::NotApplicable && input.justification.is_none() {
        return Err(AppError::JustificationRequired { label: r.label.clone() });
    }
    Ok(input)
}

/// Saves the answer to one requirement (see [`answer_input`] for what is checked).
pub async fn save(
    cx: &Ctx<'_>,
    actor: &Actor,
    a: &Loaded,
    ix: NodeIx,
    f: AnswerFields,
    unset: Unset,
) -> Result<sansho_store::Answer> {
    ensure_open(a)?;
    let input = answer_input(cx, a, ix, f, unset)?;
    Ok(cx.store.set_answer(a.assessment.id, &input, actor, cx.now).await?)
}

/// Saves several answers at once (the checklist's changed rows, each already checked with
/// [`answer_input`]): one transaction, all or none.
pub async fn save_many(cx: &Ctx<'_>, actor: &Actor, a: &Loaded, inputs: Vec<AnswerInput>) -> Result<()> {
    ensure_open(a)?;
    if inputs.is_empty() {
        return Ok(());
    }
    Ok(cx.store.set_answers(a.assessment.id, inputs, actor, cx.now).await?)
}

/// Which suggestions to accept.
pub enum Accept<'a> {
    /// These requirements (each must have a suggestion and no answer).
    These(&'a [NodeIx]),
    /// Every unanswered requirement of the assessment's catalog with a suggestion; with `firm`,
    /// only those that need no review.
    All {
        /// Leave out the suggestions marked 要確認.
        firm: bool,
    },
}

/// Turns derived suggestions into answers, each recording that it was a suggestion and where it
/// came from. A suggestion never overwrites an answer. One transaction; returns the
/// requirements accepted.
pub async fn accept(cx: &Ctx<'_>, actor: &Actor, a: &Loaded, which: Accept<'_>) -> Result<Vec<NodeIx>> {
    ensure_open(a)?;
    let set = cx.set;
    let derived = a.derive(set)?;
    let targets: Vec<NodeIx> = match which {
        Accept::These([]) => return Err(AppError::NothingToAccept),
        Accept::These(list) => list.to_vec(),
        Accept::All { firm } => set
            .catalog_nodes(&a.assessment.catalog_id)
            .into_iter()
            .filter(|&ix| is_requirement(set, ix))
            .filter(|&ix| derived.direct(ix).is_none_or(|x| x.result == ResultCode::Unanswered))
            .filter(|&ix| {
                derived.suggestion(ix).is_some_and(|s| s.result != ResultCode::Unanswered && (!firm || !s.needs_review))
            })
            .collect(),
    };
    let mut inputs = Vec::with_capacity(targets.len());
    for &ix in &targets {
        let label = || set.requirement(ix).label.clone();
        if derived.direct(ix).is_some_and(|x| x.result != ResultCode::Unanswered) {
            return Err(AppError::SuggestionOverAnswer { label: label() });
        }
        let accepted =
            derived.accept(ix).map_err(|e| AppError::NoSuggestion { label: label(), reason: reason(&e).to_owned() })?;
        inputs.push(AnswerInput::from_domain(set, ix, &accepted, sansho_store::Origin::Derived)?);
    }
    save_many(cx, actor, a, inputs).await?;
    Ok(targets)
}

/// Why a suggestion cannot be accepted, as the core says it.
fn reason(e: &sansho_core::assess::AnswerError) -> &str {
    match e {
        sansho_core::assess::AnswerError::NothingToAccept { reason, .. } => reason,
        sansho_core::assess::AnswerError::MissingJustification { .. } => "該当なし needs a justification",
    }
}

//! `sansho check <answers-file> --catalog <id> --require minimum`: compliance as code.
//!
//! Reads a vendor's answers file (format: `sansho_import::answers`), resolves every answer to a
//! requirement (by id or printed label), runs the gap analysis and prints what is not met.
//! Exit status: 0 when the requirement is met (or none is asked), 3 when a mandatory
//! requirement is not met, 1 when the file or the catalogs are wrong.

use std::path::Path;

use anyhow::{Context, Result, bail};
use sansho_core::CatalogSet;
use sansho_core::assess::{Answer, GapOptions, ResultCode, derive, gaps};
use sansho_import::answers::parse_answers;

use crate::args::{CheckArgs, Lang, Require};
use crate::ui::{outln, print_json, t};

/// What the gate decided.
pub enum Gate {
    Met,
    NotMet,
}

/// Reads an answers file and resolves every answer to a requirement of its catalog (`catalog`
/// when given, else the file's own). Errors name the file, line and column.
pub fn read_answers_file(set: &CatalogSet, path: &Path, catalog: Option<&str>) -> Result<(String, Vec<Answer>)> {
    let name = path.display().to_string();
    let text = std::fs::read_to_string(path).with_context(|| format!("{name}: cannot read"))?;
    let file = parse_answers(&name, &text).map_err(|e| anyhow::anyhow!("{e}"))?;
    let catalog = match (catalog, &file.catalog) {
        (Some(c), _) => c.to_owned(),
        (None, Some((c, _))) => c.clone(),
        (None, None) => bail!("{name}: say which catalog the answers are for: `catalog = \"…\"` or --catalog"),
    };
    if set.catalog(&catalog).is_none() {
        match &file.catalog {
            Some((c, at)) if *c == catalog => bail!("{name}:{}:{}: unknown catalog {catalog:?}", at.line, at.column),
            _ => bail!("unknown catalog {catalog:?} (see `sansho catalog list`)"),
        }
    }
    let mut answers = Vec::with_capacity(file.answers.len());
    for e in &file.answers {
        let ix = set
            .resolve(&catalog, &e.requirement)
            .map_err(|err| anyhow::anyhow!("{}:{}:{}: {err}", name, e.requirement_at.line, e.requirement_at.column))?;
        let reference = set.reference(ix);
        let mut answer = match e.result {
            ResultCode::NotApplicable => Answer::not_applicable(reference, e.justification.clone().unwrap_or_default()),
            r => Answer::new(reference, r),
        }
        .map_err(|err| anyhow::anyhow!("{}:{}:{}: {err}", name, e.at.line, e.at.column))?;
        answer.how = e.how.clone();
        if e.result != ResultCode::NotApplicable {
            answer.justification = e.justification.clone();
        }
        answers.push(answer);
    }
    Ok((catalog, answers))
}

/// Reads a filled checklist (xlsx, CSV, …; see `sansho_import::checklist`) as answers to `catalog`.
fn read_checklist_file(set: &CatalogSet, path: &Path, catalog: Option<&str>) -> Result<(String, Vec<Answer>)> {
    let name = path.display().to_string();
    let Some(catalog) = catalog else {
        bail!("{name}: say which catalog the checklist is for: --catalog <id>");
    };
    let bytes = std::fs::read(path).with_context(|| format!("{name}: cannot read"))?;
    let read = sansho_import::checklist::read_checklist_with(
        &crate::cmd::sandbox::reader()?,
        &name,
        &bytes,
        set,
        catalog,
        None,
    )
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    let answers = read
        .answers
        .iter()
        .map(|c| {
            let reference = set.reference(c.requirement);
            let mut answer = match c.result {
                ResultCode::NotApplicable => {
                    Answer::not_applicable(reference, c.justification.clone().unwrap_or_default())
                }
                r => Answer::new(reference, r),
            }
            .map_err(|err| anyhow::anyhow!("{name}: {}: {err}", c.at))?;
            answer.how = c.how.clone();
            answer.justification = c.justification.clone();
            Ok(answer)
        })
        .collect::<Result<_>>()?;
    Ok((catalog.to_owned(), answers))
}

pub fn run(set: &CatalogSet, a: &CheckArgs, lang: Lang) -> Result<Gate> {
    let name = a.file.display().to_string();
    let is_toml = a.file.extension().is_some_and(|e| e.eq_ignore_ascii_case("toml"));
    let (catalog, answers) = if is_toml {
        read_answers_file(set, &a.file, a.catalog.as_deref())?
    } else {
        read_checklist_file(set, &a.file, a.catalog.as_deref())?
    };
    let derived = derive(set, &answers).map_err(|err| anyhow::anyhow!("{name}: {err}"))?;
    let report = gaps(&derived, &catalog, GapOptions { include_derived: a.with_derived })?;
    let gate = if a.require == Require::Minimum && !report.minimum.met { Gate::NotMet } else { Gate::Met };
    if a.json {
        print_json(&report)?;
        return Ok(gate);
    }
    let v = &report.minimum;
    for b in &v.blockers {
        let result = if lang == Lang::Ja { b.result.ja() } else { b.result.as_str() };
        outln!("{}  [{}]  {}", b.label, result, b.requirement);
    }
    let met = if v.met { t(lang, "充足", "met") } else { t(lang, "未達", "NOT met") };
    match lang {
        Lang::Ja => outln!(
            "{catalog}: 最低限のガイドライン（遵守事項）{met} — {} 件中 {} 件を充足（うち推定による {} 件）、未充足 {} 件",
            v.mandatory,
            v.satisfied,
            v.by_derived,
            v.blockers.len()
        ),
        Lang::En => outln!(
            "{catalog}: minimum package {met} — {} of {} mandatory requirements met ({} only by derived suggestions), {} not met",
            v.satisfied,
            v.mandatory,
            v.by_derived,
            v.blockers.len()
        ),
    }
    Ok(gate)
}

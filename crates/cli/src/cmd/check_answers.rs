//! `sansho check <answers-file> --catalog <id> --require minimum`: compliance as code.
//!
//! Reads a vendor's answers file (format: `sansho_import::answers`), resolves every answer to a
//! requirement (by id or printed label), runs the gap analysis and prints what is not met.
//! Exit status: 0 when the requirement is met (or none is asked), 3 when a mandatory
//! requirement (`--require minimum`) or any requirement (`--require all`) is not met, 1 when the
//! file or the catalogs are wrong — or when the gate has nothing to check (`minimum` on a catalog
//! that marks no 遵守事項 never passes silently).

use std::path::Path;

use anyhow::{Context, Result, bail};
use sansho_core::CatalogSet;
use sansho_core::assess::{Answer, GapOptions, ResultCode, derive, gaps};

use crate::args::{CheckArgs, Lang, Require};
use crate::ui::{outln, print_json, t, tr};

/// What the gate decided.
pub enum Gate {
    Met,
    NotMet,
}

/// Reads an answers file and resolves every answer to a requirement of its catalog (`catalog`
/// when given — a file that names another catalog is refused —, else the file's own). Errors name
/// the file, line and column; an answer given twice names both lines.
pub fn read_answers_file(
    set: &CatalogSet,
    path: &Path,
    catalog: Option<&str>,
    lang: Lang,
) -> Result<(String, Vec<Answer>)> {
    let name = path.display().to_string();
    let bytes = std::fs::read(path).with_context(|| tr!(lang, "{name}: 読めません", "{name}: cannot read"))?;
    Ok(sansho_app::answers_file::resolve(set, &name, &bytes, catalog)?)
}

/// Reads a filled checklist (xlsx, CSV, …; see `sansho_import::checklist`) as answers to `catalog`.
fn read_checklist_file(set: &CatalogSet, path: &Path, catalog: Option<&str>) -> Result<(String, Vec<Answer>)> {
    let name = path.display().to_string();
    let Some(catalog) = catalog else {
        bail!(crate::ui::msg!(
            "{name}: どのカタログのチェックリストかを --catalog <ID> で指定してください",
            "{name}: say which catalog the checklist is for: --catalog <id>"
        ));
    };
    let bytes =
        std::fs::read(path).with_context(|| crate::errors::cannot(crate::ui::lang(), crate::errors::Io::Read, path))?;
    let read = sansho_import::checklist::read_checklist_with(
        &crate::cmd::sandbox::reader()?,
        &name,
        &bytes,
        set,
        catalog,
        None,
    )?;
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
            .map_err(|err| {
                let lang = crate::ui::lang();
                let at = if lang == Lang::Ja { c.at.ja() } else { c.at.to_string() };
                anyhow::anyhow!("{name}: {at}: {}", crate::errors::answer(&err, lang))
            })?;
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
        read_answers_file(set, &a.file, a.catalog.as_deref(), lang)?
    } else {
        read_checklist_file(set, &a.file, a.catalog.as_deref())?
    };
    let derived = derive(set, &answers).map_err(|err| anyhow::Error::new(err).context(name.clone()))?;
    let report = gaps(&derived, &catalog, GapOptions { include_derived: a.with_derived })?;
    // A gate with nothing to check is not passed: an imported checklist marks no 遵守事項.
    if a.require == Require::Minimum && report.minimum.mandatory == 0 {
        bail!(tr!(
            lang,
            "{catalog}: このカタログは遵守事項を 1 件も定めていないため、最低限のガイドライン（--require minimum）は判定できません。全項目の充足を求めるなら --require all、判定しないなら --require none を指定してください",
            "{catalog}: the catalog marks no requirement as mandatory (遵守事項), so the minimum package (--require minimum) has nothing to check: use --require all to require every requirement, or --require none to only report"
        ));
    }
    if a.require == Require::All && report.total.total == 0 {
        bail!(tr!(
            lang,
            "{catalog}: このカタログには回答する項目がないため、--require all は判定できません",
            "{catalog}: the catalog has no requirement to answer, so --require all has nothing to check"
        ));
    }
    let gate = match a.require {
        Require::Minimum if !report.minimum.met => Gate::NotMet,
        Require::All if !report.gaps.is_empty() => Gate::NotMet,
        _ => Gate::Met,
    };
    if a.json {
        print_json(&report)?;
        return Ok(gate);
    }
    if a.require == Require::All {
        for g in &report.gaps {
            let result = if lang == Lang::Ja { g.result.ja() } else { g.result.as_str() };
            outln!("{}  [{}]  {}", g.label, result, g.requirement);
        }
        let total = report.total.total;
        let met = total - report.gaps.len();
        let na = report.total.count(ResultCode::NotApplicable);
        let open = report.gaps.len();
        let word = if open == 0 { t(lang, "充足", "met") } else { t(lang, "未達", "NOT met") };
        outln!(
            "{}",
            tr!(
                lang,
                "{catalog}: 全項目 {word} — {total} 件中 {met} 件を充足（うち該当なし {na} 件）、未充足 {open} 件",
                "{catalog}: every requirement {word} — {met} of {total} met ({na} of them not applicable), {open} not met"
            )
        );
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

//! `sansho assessment`: start one (optionally from last year's), import answers, migrate it to
//! another catalog or edition, and see what changed since its baseline.

use std::collections::HashMap;
use std::path::Path;

use anyhow::{Context, Result, anyhow, bail};
use indicatif::{ProgressBar, ProgressStyle};
use sansho_core::CatalogSet;
use sansho_core::assess::{Answer, Flag, GapOptions, ResultCode, derive, gaps, migrate};
use sansho_store::{
    AnswerInput, AnswerResult, Assessment, AssessmentStatus, BaselineChange, Kind, NewAssessment, migration_inputs,
};
use serde::Serialize;

use crate::args::{AssessmentCmd, Lang, StatusArg};
use crate::cmd::check_answers::read_answers_file;
use crate::db::{Db, domain_answers, now, result_word, short, status_word, when};
use crate::ui::{outln, print_json, t, table, tr};

/// An assessment with its stored answers, read and checked against the catalogs.
pub struct Loaded {
    pub assessment: Assessment,
    pub stored: Vec<sansho_store::Answer>,
    pub answers: Vec<Answer>,
}

pub fn load(db: &Db, set: &CatalogSet, typed: &str) -> Result<Loaded> {
    let id = db.id(Kind::Assessment, typed)?;
    let assessment = db.run(db.store.assessment(id))?;
    let stored = db.run(db.store.answers(id))?;
    let answers = domain_answers(set, &assessment.catalog_id, &stored).with_context(|| {
        let id = assessment.id;
        crate::ui::msg!("評価 {id}", "assessment {id}")
    })?;
    Ok(Loaded { assessment, stored, answers })
}

/// A progress bar on standard error for `n` steps (drawn only on a terminal).
pub fn progress(n: usize, what: &str) -> ProgressBar {
    let bar = ProgressBar::new(n as u64);
    bar.set_style(
        ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len}").expect("a valid template").progress_chars("=> "),
    );
    bar.set_message(what.to_owned());
    bar
}

pub fn run(db: &Db, set: &CatalogSet, cmd: &AssessmentCmd, lang: Lang) -> Result<()> {
    match cmd {
        AssessmentCmd::New { system, catalog, baseline, name, json } => {
            if set.catalog(catalog).is_none() {
                return Err(crate::errors::unknown_catalog(lang, catalog));
            }
            super::fill::ensure_offered(set, catalog, lang)?;
            let system_id = db.id(Kind::System, system)?;
            let baseline_id = baseline.as_deref().map(|b| db.id(Kind::Assessment, b)).transpose()?;
            let new = NewAssessment { system_id, catalog_id: catalog.clone(), baseline_id };
            let meta = sansho_store::AssessmentMeta { name: name.clone(), owner_id: None };
            let a = db.run(db.store.create_assessment_as(&new, &meta, &db.actor, now()))?;
            if *json {
                return print_json(&a);
            }
            let copied = db.run(db.store.answers(a.id))?.len();
            outln!("{}", a.id);
            match baseline_id {
                Some(b) => outln!(
                    "{}",
                    match lang {
                        Lang::Ja => format!(
                            "{catalog} の評価を作成しました（ベースライン {b} から回答 {copied} 件を引き継ぎ）。"
                        ),
                        Lang::En =>
                            format!("Created an assessment of {catalog} ({copied} answers carried from baseline {b})."),
                    }
                ),
                None => outln!("{}", t(lang, "評価を作成しました（作成中）。", "Created a draft assessment.")),
            }
        }
        AssessmentCmd::List { system, json } => {
            let list = match system {
                Some(s) => db.run(db.store.assessments(db.id(Kind::System, s)?))?,
                None => db.run(db.store.all_assessments())?,
            };
            if *json {
                return print_json(&list);
            }
            let mut tbl = table(vec![
                "ID",
                t(lang, "カタログ", "Catalog"),
                t(lang, "システム", "System"),
                t(lang, "状況", "Status"),
                t(lang, "回答", "Answers"),
                t(lang, "更新", "Updated"),
            ]);
            for a in &list {
                let system = db.run(db.store.system(a.system_id))?;
                let n = db.run(db.store.answers(a.id))?.len();
                tbl.add_row(vec![
                    short(&a.id),
                    a.catalog_id.clone(),
                    system.name,
                    status_word(lang, a.status).to_owned(),
                    n.to_string(),
                    when(a.updated_at),
                ]);
            }
            outln!("{tbl}");
        }
        AssessmentCmd::Show { id, json } => show(db, set, id, *json, lang)?,
        AssessmentCmd::Status { id, status } => {
            let id = db.id(Kind::Assessment, id)?;
            let status = match status {
                StatusArg::Draft => AssessmentStatus::Draft,
                StatusArg::InReview => AssessmentStatus::InReview,
                StatusArg::Final => AssessmentStatus::Final,
            };
            let a = db.run(db.store.set_assessment_status(id, status, &db.actor, now()))?;
            outln!("{}  {}", a.id, status_word(lang, a.status));
        }
        AssessmentCmd::Reopen { id, reason } => {
            // The command line acts as the file's operator (no user to check).
            let id = db.id(Kind::Assessment, id)?;
            let a = db.run(db.store.reopen_assessment(id, reason, None, &db.actor, now()))?;
            outln!("{}  {}", a.id, status_word(lang, a.status));
        }
        AssessmentCmd::Import { id, file, sheet, dry_run, json } => {
            import(db, set, id, file, sheet.as_deref(), *dry_run, *json, lang)?
        }
        AssessmentCmd::Migrate { id, to, json } => migrate_cmd(db, set, id, to, *json, lang)?,
        AssessmentCmd::Diff { id, json } => diff(db, set, id, *json, lang)?,
    }
    Ok(())
}

#[derive(Serialize)]
struct Coverage<'a> {
    catalog: &'a str,
    requirements: usize,
    /// Counts by result, all derived through the mappings, in `ResultCode::ALL` order.
    counts: [usize; 5],
}

fn show(db: &Db, set: &CatalogSet, typed: &str, json: bool, lang: Lang) -> Result<()> {
    let l = load(db, set, typed)?;
    let a = &l.assessment;
    let system = db.run(db.store.system(a.system_id))?;
    let org = db.run(db.store.organization(system.organization_id))?;
    let derived = derive(set, &l.answers).map_err(|e| crate::errors::in_assessment(lang, a.id, e))?;
    let own = gaps(&derived, &a.catalog_id, GapOptions::default())?;
    let mut coverage = Vec::new();
    for c in set.catalogs() {
        let report = gaps(&derived, c.id.as_str(), GapOptions { include_derived: true })?;
        if c.id.as_str() == a.catalog_id || report.total.count(ResultCode::Unanswered) == report.total.total {
            continue;
        }
        coverage.push(Coverage {
            catalog: c.id.as_str(),
            requirements: report.total.total,
            counts: report.total.counts,
        });
    }
    let changes = db.run(db.store.baseline_changes(a.id))?;
    let today = crate::db::today();
    let evidence = db.run(db.store.evidence_of_assessment(a.id))?;
    let expired: Vec<&str> = evidence
        .iter()
        .filter(|(_, e)| e.expiry_date.as_ref().is_some_and(|d| d.as_str() < today.as_str()))
        .map(|(req, _)| req.as_str())
        .collect();
    if json {
        #[derive(Serialize)]
        struct View<'a> {
            assessment: &'a Assessment,
            organization: &'a sansho_store::Organization,
            system: &'a sansho_store::System,
            answers: usize,
            gaps: &'a sansho_core::assess::GapReport<'a>,
            derived_coverage: Vec<Coverage<'a>>,
            baseline_changes: Option<usize>,
            evidence: usize,
            /// Requirements whose evidence has expired (one entry per expired link).
            expired_evidence: &'a [&'a str],
        }
        return print_json(&View {
            assessment: a,
            organization: &org,
            system: &system,
            answers: l.stored.len(),
            gaps: &own,
            derived_coverage: coverage,
            baseline_changes: changes.as_ref().map(Vec::len),
            evidence: evidence.len(),
            expired_evidence: &expired,
        });
    }
    let cat = set.catalog(&a.catalog_id).expect("checked when loading");
    outln!("{}  {} {}", a.id, cat.title.ja, cat.edition);
    outln!("  {}: {}（{}）", t(lang, "組織", "Organization"), org.name, crate::cmd::org::kind_word(lang, org.kind));
    outln!(
        "  {}: {}（{}）",
        t(lang, "システム", "System"),
        system.name,
        crate::cmd::org::model_word(system.service_model)
    );
    outln!("  {}: {}", t(lang, "状況", "Status"), status_word(lang, a.status));
    outln!(
        "  {}: {} {} / {} {}",
        t(lang, "作成", "Created"),
        when(a.created_at),
        a.created_by,
        when(a.updated_at),
        a.updated_by
    );
    if let Some(b) = a.baseline_id {
        let n = changes.as_ref().map_or(0, Vec::len);
        outln!(
            "  {}: {b}（{} {n} 件 — sansho assessment diff）",
            t(lang, "ベースライン", "Baseline"),
            t(lang, "変更", "changes")
        );
    }
    let tot = &own.total;
    outln!("  {}: {} / {}", t(lang, "回答", "Answered"), tot.total - tot.count(ResultCode::Unanswered), tot.total);
    let words: Vec<String> = ResultCode::ALL
        .iter()
        .map(|r| format!("{} {} ({:.1}%)", result_word(lang, *r), tot.count(*r), tot.percent(*r)))
        .collect();
    outln!("  {}", words.join("  "));
    let v = &own.minimum;
    let met = if v.met { t(lang, "充足", "met") } else { t(lang, "未達", "NOT met") };
    outln!(
        "  {}: {met}（{} {} / {}）",
        t(lang, "最低限のガイドライン（遵守事項）", "Minimum package"),
        t(lang, "充足", "met"),
        v.satisfied,
        v.mandatory
    );
    if !evidence.is_empty() {
        match lang {
            Lang::Ja => outln!(
                "  根拠（エビデンス）: {} 件（期限切れ {} 件 — sansho evidence list）",
                evidence.len(),
                expired.len()
            ),
            Lang::En => outln!("  Evidence: {} ({} expired — sansho evidence list)", evidence.len(), expired.len()),
        }
    }
    if !coverage.is_empty() {
        outln!();
        outln!(
            "{}",
            t(
                lang,
                "他のガイドラインでの推定カバレッジ（対応表経由、要確認を含む）:",
                "Derived coverage on other guidelines (through the mappings; includes results to review):"
            )
        );
        for c in &coverage {
            let words: Vec<String> = ResultCode::ALL[..3]
                .iter()
                .zip(c.counts)
                .map(|(r, n)| format!("{} {n}", result_word(lang, *r)))
                .collect();
            outln!("  {:<18} {} / {} — {}", c.catalog, c.requirements - c.counts[4], c.requirements, words.join("  "));
        }
        outln!(
            "  {}",
            t(
                lang,
                "詳細: sansho gaps <評価ID> --catalog <カタログ>",
                "Details: sansho gaps <assessment> --catalog <catalog>"
            )
        );
    }
    Ok(())
}

/// Fault injection for the crash test: with `SANSHO_IMPORT_PAUSE_MS` set, an import says on
/// standard error when each answer is written inside its (still open) transaction and waits that
/// long, so a test can kill the process mid-import. Unset in normal use.
pub fn import_pause() -> Option<std::time::Duration> {
    let ms = std::env::var("SANSHO_IMPORT_PAUSE_MS").ok()?.parse().ok()?;
    Some(std::time::Duration::from_millis(ms))
}

/// Where an imported answer came from, kept in its origin.
fn import_origin(file: &Path, at: Option<String>) -> serde_json::Value {
    let mut v = serde_json::json!({ "kind": "import", "file": file.display().to_string() });
    if let Some(at) = at {
        v["at"] = at.into();
    }
    v
}

#[allow(clippy::too_many_arguments)]
fn import(
    db: &Db,
    set: &CatalogSet,
    typed: &str,
    file: &Path,
    sheet: Option<&str>,
    dry_run: bool,
    json: bool,
    lang: Lang,
) -> Result<()> {
    let l = load(db, set, typed)?;
    let catalog = l.assessment.catalog_id.clone();
    let ext = file.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    let mut inputs: Vec<AnswerInput> = Vec::new();
    let mut skipped = 0usize;
    if ext == "toml" {
        let (_, answers) = read_answers_file(set, file, Some(&catalog), lang)?;
        for a in &answers {
            let ix = set.node(a.requirement.catalog.as_str(), a.requirement.local.as_str()).expect("resolved");
            let mut input = AnswerInput::from_domain(set, ix, a, "import")?;
            input.origin = Some(import_origin(file, None));
            inputs.push(input);
        }
    } else {
        let bytes = std::fs::read(file).with_context(|| crate::errors::cannot(lang, crate::errors::Io::Read, file))?;
        let name = file.display().to_string();
        let read = sansho_import::checklist::read_checklist_with(
            &crate::cmd::sandbox::reader()?,
            &name,
            &bytes,
            set,
            &catalog,
            sheet,
        )?;
        skipped = read.skipped.len();
        let mut past_due: Vec<String> = Vec::new();
        for c in &read.answers {
            let mut input = AnswerInput::new(set.requirement(c.requirement).id.as_str(), c.result.into());
            input.how = c.how.clone().unwrap_or_default();
            input.justification = c.justification.clone();
            input.owner = c.owner.clone();
            input.due_date = c
                .due
                .as_deref()
                .map(str::parse)
                .transpose()
                .map_err(|e| anyhow!("{name}:{}:{}: {}", c.at.row, c.at.column, crate::errors::store(&e, lang)))?;
            if let Some(d) = c.due.as_deref().filter(|d| *d < crate::db::today().as_str()) {
                past_due.push(format!("{}:{} {d}", c.at.row, c.at.column));
            }
            let at = match &read.sheet {
                Some(s) => format!("{s}!{}{}", c.at.column, c.at.row),
                None => format!("{}:{}", c.at.row, c.at.column),
            };
            input.origin = Some(import_origin(file, Some(at)));
            inputs.push(input);
        }
        if !past_due.is_empty() {
            let (n, list) = (past_due.len(), past_due.join(", "));
            eprintln!(
                "sansho: {}",
                tr!(
                    lang,
                    "注意: {name} の {n} 行の期限はすでに過ぎています（行:列 期限: {list}）。このまま取り込みます",
                    "warning: {n} rows of {name} have a due date in the past (row:column date: {list}); imported as given"
                )
            );
        }
    }
    let existing: HashMap<&str, &sansho_store::Answer> =
        l.stored.iter().map(|a| (a.requirement_id.as_str(), a)).collect();
    // What the file does not say (no owner, due date or justification) keeps its current value:
    // an import never clears a field it has no column for.
    for i in &mut inputs {
        if let Some(a) = existing.get(i.requirement_id.as_str()) {
            i.owner = i.owner.take().or_else(|| a.owner.clone());
            i.due_date = i.due_date.take().or_else(|| a.due_date.clone());
            i.justification = i.justification.take().or_else(|| a.justification.clone());
        }
    }
    // An answer whose content the file repeats is unchanged, whatever its origin says: it keeps
    // the origin of where its content came from, and the import does not touch it.
    let same = |i: &AnswerInput| {
        existing.get(i.requirement_id.as_str()).is_some_and(|a| {
            a.result == i.result
                && a.how.trim() == i.how.trim()
                && a.justification == i.justification
                && a.owner == i.owner
                && a.due_date == i.due_date
        })
    };
    let (new, changed) = inputs.iter().fold((0, 0), |(n, c), i| match existing.get(i.requirement_id.as_str()) {
        None => (n + 1, c),
        Some(_) if !same(i) => (n, c + 1),
        Some(_) => (n, c),
    });
    if dry_run {
        if json {
            return print_json(&serde_json::json!({
                "assessment": l.assessment.id, "answers": inputs.len(), "new": new, "changed": changed,
                "unchanged": inputs.len() - new - changed, "skipped_rows": skipped, "written": false,
            }));
        }
        outln!(
            "{}",
            match lang {
                Lang::Ja => format!(
                    "{} 件の回答を確認しました（新規 {new}、変更 {changed}、変更なし {}、読み飛ばした行 {skipped}）。書き込みはしていません。",
                    inputs.len(),
                    inputs.len() - new - changed
                ),
                Lang::En => format!(
                    "Checked {} answers ({new} new, {changed} changed, {} unchanged, {skipped} rows skipped). Nothing written.",
                    inputs.len(),
                    inputs.len() - new - changed
                ),
            }
        );
        return Ok(());
    }
    let total = inputs.len();
    inputs.retain(|i| !same(i));
    let repeated = total - inputs.len();
    let bar = progress(inputs.len(), t(lang, "取り込み", "Importing"));
    let pause = import_pause();
    let summary = db.run(db.store.import_answers_with_progress(l.assessment.id, inputs, &db.actor, now(), &mut |n| {
        bar.set_position(n as u64);
        if let Some(p) = pause {
            eprintln!("sansho: answer {n} written, transaction open");
            std::thread::sleep(p);
        }
    }));
    bar.finish_and_clear();
    let mut summary = summary.map_err(|e| {
        let (f, e) = (file.display(), crate::errors::store(&e, lang));
        anyhow!(tr!(lang, "{f}: {e}（何も書き込んでいません）", "{f}: {e} (nothing was written)"))
    })?;
    summary.unchanged += repeated;
    if json {
        return print_json(&serde_json::json!({
            "assessment": l.assessment.id, "answers": total, "created": summary.created,
            "updated": summary.updated, "unchanged": summary.unchanged, "skipped_rows": skipped, "written": true,
        }));
    }
    outln!(
        "{}",
        match lang {
            Lang::Ja => format!(
                "{total} 件の回答を取り込みました（新規 {}、更新 {}、変更なし {}、読み飛ばした行 {skipped}）。",
                summary.created, summary.updated, summary.unchanged
            ),
            Lang::En => format!(
                "Imported {total} answers ({} new, {} updated, {} unchanged, {skipped} rows skipped).",
                summary.created, summary.updated, summary.unchanged
            ),
        }
    );
    Ok(())
}

fn flag_word(lang: Lang, f: Flag) -> &'static str {
    match lang {
        Lang::Ja => f.ja(),
        Lang::En => f.as_str(),
    }
}

fn migrate_cmd(db: &Db, set: &CatalogSet, typed: &str, to: &str, json: bool, lang: Lang) -> Result<()> {
    let l = load(db, set, typed)?;
    let from = l.assessment.catalog_id.clone();
    if set.catalog(to).is_none() {
        return Err(crate::errors::unknown_catalog(lang, to));
    }
    super::fill::ensure_offered(set, to, lang)?;
    if to == from {
        let id = l.assessment.id;
        bail!(tr!(
            lang,
            "評価 {id} はすでに {to} の評価です: 引き継ぐには --baseline で新しい評価を作成してください",
            "assessment {id} is already of {to}: start a new one with --baseline to carry it over"
        ));
    }
    let derived = derive(set, &l.answers).map_err(|e| crate::errors::in_assessment(lang, l.assessment.id, e))?;
    let m = migrate(&derived, &from, to);
    let summary = m.summary(l.answers.len());
    // Evidence travels with the answers it proves.
    let evidence = db.run(db.store.evidence_of_assessment(l.assessment.id))?;
    let inputs = migration_inputs(set, &m, l.assessment.id, &l.answers, &evidence)?;
    let system = l.assessment.system_id;
    let new = NewAssessment { system_id: system, catalog_id: to.to_owned(), baseline_id: None };
    let bar = progress(inputs.len(), t(lang, "移行", "Migrating"));
    let created = db.run(
        db.store.create_assessment_with_answers(&new, inputs, &db.actor, now(), &mut |n| bar.set_position(n as u64)),
    );
    bar.finish_and_clear();
    let (created, _) = created?;
    if json {
        let items: Vec<serde_json::Value> = m
            .items
            .iter()
            .filter(|i| !i.flags.is_empty() || i.answer.is_some())
            .map(|i| {
                let r = set.requirement(i.node);
                serde_json::json!({
                    "requirement": set.reference(i.node).to_string(),
                    "label": r.label,
                    "result": i.answer.as_ref().map(|a| a.result),
                    "flags": i.flags,
                    "sources": i.sources.iter().map(|&s| l.answers[s].requirement.to_string()).collect::<Vec<_>>(),
                })
            })
            .collect();
        return print_json(&serde_json::json!({
            "from": { "assessment": l.assessment.id, "catalog": from },
            "to": { "assessment": created.id, "catalog": to },
            "summary": summary,
            "items": items,
        }));
    }
    outln!("{}", created.id);
    let s = &summary;
    match lang {
        Lang::Ja => outln!(
            "{from} → {to}: 要求事項 {} 件のうち {} 件に回答を引き継ぎ（そのまま {} 件）、要確認 {} 件。移行元の回答で対応先のないもの {} 件。",
            s.requirements,
            s.carried,
            s.exact,
            s.flagged,
            s.unused_sources
        ),
        Lang::En => outln!(
            "{from} → {to}: answers carried to {} of {} requirements ({} exactly), {} flagged for review; {} source answers reach nothing in {to}.",
            s.carried,
            s.requirements,
            s.exact,
            s.flagged,
            s.unused_sources
        ),
    }
    let counts: Vec<String> =
        s.by_flag.iter().filter(|(_, n)| *n > 0).map(|(f, n)| format!("{} {n}", flag_word(lang, *f))).collect();
    if !counts.is_empty() {
        outln!("  {}", counts.join("  "));
    }
    let shown: Vec<_> = m.items.iter().filter(|i| i.flags.iter().any(|f| *f != Flag::Unmapped)).collect();
    if !shown.is_empty() {
        let mut tbl = table(vec![
            t(lang, "項番", "Label"),
            t(lang, "要確認", "Flags"),
            t(lang, "引継ぎ", "Carried"),
            t(lang, "移行元", "From"),
        ]);
        for i in &shown {
            let flags: Vec<&str> = i.flags.iter().map(|f| flag_word(lang, *f)).collect();
            let sources: Vec<String> = i
                .sources
                .iter()
                .map(|&s| {
                    let ix = set.node(&from, l.answers[s].requirement.local.as_str()).expect("resolved");
                    set.requirement(ix).label.clone()
                })
                .collect();
            tbl.add_row(vec![
                set.requirement(i.node).label.clone(),
                flags.join("・"),
                i.answer.as_ref().map_or("—", |a| result_word(lang, a.result)).to_owned(),
                crate::ui::ellipsize(&sources.join("、"), 60),
            ]);
        }
        outln!("{tbl}");
    }
    Ok(())
}

fn diff(db: &Db, set: &CatalogSet, typed: &str, json: bool, lang: Lang) -> Result<()> {
    let l = load(db, set, typed)?;
    let Some(changes) = db.run(db.store.baseline_changes(l.assessment.id))? else {
        let id = l.assessment.id;
        bail!(tr!(
            lang,
            "評価 {id} にはベースラインがありません（sansho assessment new --baseline で作成します）",
            "assessment {id} has no baseline (create one with `assessment new --baseline`)"
        ));
    };
    if json {
        return print_json(&changes);
    }
    if changes.is_empty() {
        outln!("{}", t(lang, "ベースラインから変更はありません。", "Nothing changed since the baseline."));
        return Ok(());
    }
    let catalog = &l.assessment.catalog_id;
    let label = |id: &str| set.node(catalog, id).map_or(id.to_owned(), |ix| set.requirement(ix).label.clone());
    let word = |v: &Option<String>| -> String {
        match v {
            None => "—".into(),
            Some(s) => match s.parse::<AnswerResult>() {
                Ok(r) => result_word(lang, r.into()).to_owned(),
                Err(_) => crate::ui::ellipsize(s, 40),
            },
        }
    };
    for c in &changes {
        match c {
            BaselineChange::Added { requirement_id, result } => {
                outln!("+ {}  {}", label(requirement_id), result_word(lang, (*result).into()))
            }
            BaselineChange::Missing { requirement_id, baseline_result } => outln!(
                "- {}  {}（{}）",
                label(requirement_id),
                result_word(lang, (*baseline_result).into()),
                t(lang, "ベースラインのみ", "baseline only")
            ),
            BaselineChange::Changed { requirement_id, fields } => {
                outln!("~ {}", label(requirement_id));
                for (field, old, new) in fields {
                    outln!("    {field}: {} → {}", word(old), word(new));
                }
            }
        }
    }
    outln!(
        "{}",
        match lang {
            Lang::Ja => format!("ベースラインからの変更 {} 件", changes.len()),
            Lang::En => format!("{} changes since the baseline", changes.len()),
        }
    );
    Ok(())
}

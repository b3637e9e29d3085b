//! `sansho answer`: answer a requirement, see one with its history, evidence and derived
//! suggestion, list them all, accept suggestions.

use anyhow::{Result, anyhow};
use sansho_app::answers::{Accept, Unset};
use sansho_core::CatalogSet;
use sansho_core::assess::{ResultBasis, ResultCode, derive, is_requirement};
use sansho_import::answers::result_word as parse_result;
use serde::Serialize;

use crate::args::{AnswerCmd, Lang};
use crate::cmd::assessment::load;
use crate::cmd::show::{chain_text, relation_word};
use crate::db::{Db, requirement, result_word, when};
use crate::ui::{ellipsize, outln, print_json, t, table, tr};

/// Says on standard error that a due date (期限) given is already past: it is kept (a late item
/// is a fact to record), but it is rarely what was meant.
pub fn warn_past_due(lang: Lang, due: &str) {
    let today = crate::db::today();
    if due.trim() < today.as_str() {
        let due = due.trim();
        eprintln!(
            "sansho: {}",
            tr!(
                lang,
                "注意: 期限 {due} はすでに過ぎています（今日は {today}）。このまま記録しました",
                "warning: the due date {due} is in the past (today is {today}); recorded as given"
            )
        );
    }
}

pub fn run(db: &Db, set: &CatalogSet, cmd: &AnswerCmd, lang: Lang) -> Result<()> {
    match cmd {
        AnswerCmd::Set { assessment, requirement: req, result, how, justification, owner, due, json } => {
            let l = load(db, set, assessment)?;
            let ix = requirement(set, &l.assessment.catalog_id, req)?;
            let result = parse_result(result).ok_or_else(|| {
                anyhow!(tr!(
                    lang,
                    "不明な実施状況 {result:?}: 実施済 / 一部実施 / 未実施 / 該当なし / 未回答（または implemented / partial / not-implemented / not-applicable / unanswered、■/□、○/×、済/未、yes/no）で指定してください",
                    "unknown result {result:?}: use 実施済 / 一部実施 / 未実施 / 該当なし / 未回答 (or implemented / partial / not-implemented / not-applicable / unanswered, ■/□, ○/×, 済/未, yes/no)"
                ))
            })?;
            let fields = sansho_app::answers::AnswerFields {
                result: result.into(),
                how: how.clone(),
                justification: justification.clone(),
                owner: owner.clone(),
                due: sansho_app::parse_date("due", due.as_deref())?,
            };
            // Fields not given keep their current value.
            let saved = db.run(sansho_app::answers::save(&db.cx(set), &db.actor, &l, ix, fields, Unset::Keep))?;
            if let Some(d) = due {
                warn_past_due(lang, d);
            }
            if *json {
                return print_json(&saved);
            }
            outln!("{}  {}  {}", set.requirement(ix).label, result_word(lang, saved.result.into()), saved.id);
        }
        AnswerCmd::Show { assessment, requirement: req, catalog, json } => {
            show(db, set, assessment, req, catalog.as_deref(), *json, lang)?
        }
        AnswerCmd::List { assessment, catalog, gaps, json } => {
            list(db, set, assessment, catalog.as_deref(), *gaps, *json, lang)?
        }
        AnswerCmd::Accept { assessment, requirements, all, firm, json } => {
            accept(db, set, assessment, requirements, *all, *firm, *json, lang)?
        }
    }
    Ok(())
}

fn show(
    db: &Db,
    set: &CatalogSet,
    assessment: &str,
    req: &str,
    other: Option<&str>,
    json: bool,
    lang: Lang,
) -> Result<()> {
    let l = load(db, set, assessment)?;
    let own = other.is_none_or(|c| c == l.assessment.catalog_id);
    let catalog = other.unwrap_or(&l.assessment.catalog_id);
    let ix = requirement(set, catalog, req)?;
    let r = set.requirement(ix);
    let stored = l.stored.iter().find(|a| own && a.requirement_id == r.id.as_str());
    let (evidence, history) = match stored {
        Some(a) => (db.run(db.store.evidence_for(a.id))?, db.run(db.store.history(a.id))?),
        None => (Vec::new(), Vec::new()),
    };
    let derived = derive(set, &l.answers).map_err(|e| crate::errors::in_assessment(lang, l.assessment.id, e))?;
    let outcome = derived.outcome(ix);
    if json {
        #[derive(Serialize)]
        struct View<'a> {
            outcome: &'a sansho_core::assess::Outcome<'a>,
            answer: Option<&'a sansho_store::Answer>,
            evidence: &'a [sansho_store::Evidence],
            history: &'a [sansho_store::HistoryEntry],
        }
        return print_json(&View { outcome: &outcome, answer: stored, evidence: &evidence, history: &history });
    }
    outln!("{}  {}", r.label, set.reference(ix));
    if let Some(text) = r.text.as_deref().or(r.title.as_deref()) {
        outln!("  {text}");
    }
    if let Some(level) = r.level {
        outln!("  {}: {}", t(lang, "水準", "Level"), if lang == Lang::Ja { level.ja() } else { level.as_str() });
    }
    let basis = match outcome.basis {
        ResultBasis::Direct => t(lang, "回答", "answered"),
        ResultBasis::Derived => t(lang, "推定", "derived"),
        ResultBasis::None => t(lang, "未回答", "unanswered"),
    };
    outln!("  {}: {}（{basis}）", t(lang, "実施状況", "Result"), result_word(lang, outcome.result));
    if let Some(a) = stored {
        if !a.how.is_empty() {
            outln!("  {}: {}", t(lang, "実施内容", "How"), a.how);
        }
        if let Some(j) = &a.justification {
            outln!("  {}: {j}", t(lang, "理由・備考", "Justification"));
        }
        if let Some(o) = &a.owner {
            outln!("  {}: {o}", t(lang, "担当者", "Owner"));
        }
        if let Some(d) = &a.due_date {
            outln!("  {}: {d}", t(lang, "期限", "Due"));
        }
        if let Some(origin) = &a.origin {
            let kind = origin.get("kind").and_then(|k| k.as_str()).unwrap_or("?");
            let review = origin.get("needs_review").and_then(|v| v.as_bool()) == Some(true)
                || origin.get("flags").and_then(|f| f.as_array()).is_some_and(|f| !f.is_empty());
            let review = if review { t(lang, "（要確認）", " (to review)") } else { "" };
            outln!("  {}: {kind}{review}", t(lang, "由来", "Origin"));
        }
    }
    if !evidence.is_empty() {
        outln!("  {}:", t(lang, "根拠（エビデンス）", "Evidence"));
        for e in &evidence {
            let what = match (&e.file_name, &e.url) {
                (Some(f), _) => format!(
                    "{f} sha256:{}",
                    &e.sha256.as_deref().unwrap_or("")[..12.min(e.sha256.as_deref().map_or(0, str::len))]
                ),
                (_, Some(u)) => u.clone(),
                _ => String::new(),
            };
            let expiry = e.expiry_date.as_ref().map(|d| format!(" 〜{d}")).unwrap_or_default();
            outln!("    {}  {}  {what}  {}{expiry}", e.id, e.title, e.effective_date);
        }
    }
    if let Some(s) = &outcome.suggestion {
        outln!(
            "  {}: {}{}",
            t(lang, "推定", "Suggestion"),
            result_word(lang, s.result),
            if s.needs_review { t(lang, "（要確認）", " (to review)") } else { "" }
        );
        for src in &s.sources {
            let from = set.node(src.answer.catalog.as_str(), src.answer.local.as_str()).expect("answered nodes exist");
            outln!(
                "    ← {} {} [{}] {}",
                src.answer.catalog,
                set.requirement(from).label,
                relation_word(lang, src.relation),
                result_word(lang, src.answered)
            );
            outln!("      {}: {}", t(lang, "経路", "via"), chain_text(lang, &src.via));
        }
        if let Some(r) = s.rollup.filter(|_| s.rollup_used) {
            let parts: Vec<String> = ResultCode::ALL
                .iter()
                .zip(r.children)
                .filter(|(_, n)| *n > 0)
                .map(|(c, n)| format!("{} {n}", result_word(lang, *c)))
                .collect();
            outln!("    {}: {}", t(lang, "下位項目から集計", "rolled up from its items"), parts.join("  "));
        }
    }
    if !history.is_empty() {
        outln!("  {}:", t(lang, "変更履歴", "History"));
        for h in &history {
            let v = |x: &Option<String>| match x.as_deref() {
                None => "—".to_owned(),
                Some(s) if h.field == "result" => s
                    .parse::<sansho_store::AnswerResult>()
                    .map_or(s.to_owned(), |r| result_word(lang, r.into()).to_owned()),
                Some(s) => ellipsize(s, 50),
            };
            outln!("    {} {}  {}: {} → {}", when(h.changed_at), h.changed_by, h.field, v(&h.old), v(&h.new));
        }
    }
    Ok(())
}

fn list(
    db: &Db,
    set: &CatalogSet,
    assessment: &str,
    other: Option<&str>,
    only_gaps: bool,
    json: bool,
    lang: Lang,
) -> Result<()> {
    let l = load(db, set, assessment)?;
    let own = other.is_none_or(|c| c == l.assessment.catalog_id);
    let catalog = other.unwrap_or(&l.assessment.catalog_id).to_owned();
    if set.catalog(&catalog).is_none() {
        return Err(crate::errors::unknown_catalog(lang, &catalog));
    }
    let derived = derive(set, &l.answers).map_err(|e| crate::errors::in_assessment(lang, l.assessment.id, e))?;
    let outcomes: Vec<_> = derived
        .catalog(&catalog)
        .into_iter()
        .filter(|o| {
            let ix = set.node(o.requirement.catalog.as_str(), o.requirement.local.as_str()).expect("own node");
            is_requirement(set, ix)
        })
        .filter(|o| {
            !only_gaps || matches!(o.result, ResultCode::Partial | ResultCode::NotImplemented | ResultCode::Unanswered)
        })
        .collect();
    if json {
        return print_json(&outcomes);
    }
    let mut tbl = table(vec![
        t(lang, "項番", "Label"),
        t(lang, "実施状況", "Result"),
        t(lang, "実施内容", "How"),
        t(lang, "確認", "Review"),
    ]);
    for o in &outcomes {
        let stored = l.stored.iter().find(|a| own && a.requirement_id == o.requirement.local.as_str());
        let result = match o.basis {
            ResultBasis::Derived => format!("{}{}", t(lang, "（推定）", "(derived) "), result_word(lang, o.result)),
            _ => result_word(lang, o.result).to_owned(),
        };
        let review = o.needs_review
            || stored.and_then(|a| a.origin.as_ref()).is_some_and(|origin| {
                origin.get("needs_review").and_then(|v| v.as_bool()) == Some(true)
                    || origin.get("flags").and_then(|f| f.as_array()).is_some_and(|f| !f.is_empty())
            });
        tbl.add_row(vec![
            o.label.to_owned(),
            result,
            ellipsize(stored.map_or("", |a| a.how.as_str()), 40),
            if review { t(lang, "要確認", "review") } else { "" }.to_owned(),
        ]);
    }
    outln!("{tbl}");
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn accept(
    db: &Db,
    set: &CatalogSet,
    assessment: &str,
    requirements: &[String],
    all: bool,
    firm: bool,
    json: bool,
    lang: Lang,
) -> Result<()> {
    let l = load(db, set, assessment)?;
    let catalog = l.assessment.catalog_id.clone();
    let targets: Vec<_> = requirements.iter().map(|r| requirement(set, &catalog, r)).collect::<Result<_>>()?;
    let which = if all { Accept::All { firm } } else { Accept::These(&targets) };
    let accepted = db.run(sansho_app::answers::accept(&db.cx(set), &db.actor, &l, which))?;
    let n = accepted.len();
    // An unanswered placeholder (a migration's) is updated; otherwise the answer is new.
    let updated = accepted.iter().filter(|&&ix| l.stored_for(set.requirement(ix).id.as_str()).is_some()).count();
    let summary = sansho_store::ImportSummary { created: n - updated, updated, unchanged: 0 };
    if json {
        return print_json(&summary);
    }
    outln!(
        "{}",
        match lang {
            Lang::Ja => format!("推定結果 {n} 件を回答として採用しました（由来を記録）。"),
            Lang::En => format!("Accepted {n} suggestions as answers (their origin is recorded)."),
        }
    );
    Ok(())
}

//! `sansho gaps`: the gap analysis of an assessment on its own catalog, or derived on another.

use anyhow::Result;
use sansho_core::CatalogSet;
use sansho_core::assess::{GapOptions, GapReport, Group, ResultBasis, ResultCode, derive, gaps};

use crate::args::{GapsArgs, Lang};
use crate::cmd::assessment::load;
use crate::db::{Db, result_word};
use crate::ui::{ellipsize, outln, print_json, t, table};

fn groups(title: &str, groups: &[Group], lang: Lang) {
    let mut header = vec![title];
    let words: Vec<&str> = ResultCode::ALL.iter().map(|r| result_word(lang, *r)).collect();
    header.extend(words.iter().copied());
    header.push(t(lang, "実施率", "Done"));
    let mut tbl = table(header);
    for g in groups {
        let mut row = vec![ellipsize(&g.label, 40)];
        row.extend(g.tally.counts.iter().map(|n| n.to_string()));
        row.push(format!("{:.1}%", g.tally.percent(ResultCode::Implemented)));
        tbl.add_row(row);
    }
    outln!("{tbl}");
}

pub fn print(set: &CatalogSet, report: &GapReport<'_>, limit: usize, lang: Lang) {
    let cat = set.catalog(report.catalog).expect("reported catalogs are loaded");
    outln!("{} — {} {}", report.catalog, cat.title.ja, cat.edition);
    if report.options.include_derived {
        outln!(
            "{}",
            t(
                lang,
                "（推定: 対応表経由の結果を含む。要確認のものに ※）",
                "(derived results through the mappings included; ※ = to review)"
            )
        );
    }
    groups(t(lang, "水準", "Level"), &report.levels, lang);
    groups(t(lang, "区分", "Category"), &report.categories, lang);
    groups(t(lang, "章・節", "Section"), &report.sections, lang);
    let v = &report.minimum;
    let met = if v.met { t(lang, "充足", "met") } else { t(lang, "未達", "NOT met") };
    match lang {
        Lang::Ja => outln!(
            "最低限のガイドライン（遵守事項）: {met} — {} 件中 {} 件を充足（うち推定 {} 件）、未充足 {} 件",
            v.mandatory,
            v.satisfied,
            v.by_derived,
            v.blockers.len()
        ),
        Lang::En => outln!(
            "Minimum package: {met} — {} of {} mandatory requirements met ({} derived), {} not met",
            v.satisfied,
            v.mandatory,
            v.by_derived,
            v.blockers.len()
        ),
    }
    if report.gaps.is_empty() {
        return;
    }
    let shown = if limit == 0 { report.gaps.len() } else { limit.min(report.gaps.len()) };
    outln!("{} ({} / {}):", t(lang, "ギャップ（遵守事項から）", "Gaps (mandatory first)"), shown, report.gaps.len());
    let mut tbl = table(vec![
        t(lang, "項番", "Label"),
        t(lang, "水準", "Level"),
        t(lang, "実施状況", "Result"),
        t(lang, "本文", "Text"),
    ]);
    for g in &report.gaps[..shown] {
        let ix = set.node(g.requirement.catalog.as_str(), g.requirement.local.as_str()).expect("gap nodes exist");
        let r = set.requirement(ix);
        let mark = if g.needs_review { "※" } else { "" };
        let derived = if g.basis == ResultBasis::Derived { t(lang, "（推定）", "(derived) ") } else { "" };
        tbl.add_row(vec![
            g.label.to_owned(),
            g.level.map_or("—", |l| if lang == Lang::Ja { l.ja() } else { l.as_str() }).to_owned(),
            format!("{derived}{}{mark}", result_word(lang, g.result)),
            ellipsize(r.text.as_deref().or(r.title.as_deref()).unwrap_or(""), 50),
        ]);
    }
    outln!("{tbl}");
}

pub fn run(db: &Db, set: &CatalogSet, a: &GapsArgs, lang: Lang) -> Result<()> {
    let l = load(db, set, &a.assessment)?;
    let catalog = a.catalog.clone().unwrap_or_else(|| l.assessment.catalog_id.clone());
    if set.catalog(&catalog).is_none() {
        return Err(crate::errors::unknown_catalog(lang, &catalog));
    }
    let derived = derive(set, &l.answers).map_err(|e| crate::errors::in_assessment(lang, l.assessment.id, e))?;
    let include_derived = a.with_derived || catalog != l.assessment.catalog_id;
    let report = gaps(&derived, &catalog, GapOptions { include_derived })?;
    if a.json {
        return print_json(&report);
    }
    print(set, &report, a.limit, lang);
    Ok(())
}

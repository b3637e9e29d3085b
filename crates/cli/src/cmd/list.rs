//! `sansho catalog list`

use crate::ui::outln;
use anyhow::Result;
use sansho_core::CatalogSet;
use serde::Serialize;

use crate::args::Lang;
use crate::ui::{print_json, t, table};

#[derive(Serialize)]
struct CatalogRow<'a> {
    id: &'a str,
    title: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    title_en: Option<&'a str>,
    edition: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    date: Option<&'a str>,
    kind: &'a str,
    issuers: &'a [String],
    nodes: usize,
    requirements: usize,
    /// An outline: structure and at most some texts (not offered for assessments).
    outline: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    outline_note: Option<&'a str>,
}

#[derive(Serialize)]
struct SetRow<'a> {
    id: &'a str,
    source: &'a str,
    target: &'a str,
    derived: bool,
    mappings: usize,
}

#[derive(Serialize)]
struct Listing<'a> {
    catalogs: Vec<CatalogRow<'a>>,
    mapping_sets: Vec<SetRow<'a>>,
}

pub fn run(set: &CatalogSet, json: bool, lang: Lang) -> Result<()> {
    let listing = Listing {
        catalogs: set
            .catalogs()
            .iter()
            .map(|c| CatalogRow {
                id: c.id.as_str(),
                title: &c.title.ja,
                title_en: c.title.en.as_deref(),
                edition: &c.edition,
                date: c.date.as_deref(),
                kind: c.kind.as_str(),
                issuers: &c.issuers,
                nodes: c.requirements.len(),
                requirements: c.requirement_count(),
                outline: c.is_outline(),
                outline_note: c.outline.as_ref().and_then(|o| o.note.as_deref()),
            })
            .collect(),
        mapping_sets: set
            .mapping_sets()
            .iter()
            .map(|m| SetRow {
                id: &m.id,
                source: m.source.as_str(),
                target: m.target.as_str(),
                derived: m.derived,
                mappings: m.mappings.len(),
            })
            .collect(),
    };
    if json {
        return print_json(&listing);
    }
    let mut tab = table(vec![
        "ID",
        t(lang, "タイトル", "Title"),
        t(lang, "版", "Edition"),
        t(lang, "発行", "Date"),
        t(lang, "要求事項数", "Requirements"),
        t(lang, "節点数", "Nodes"),
        t(lang, "本文", "Texts"),
    ]);
    for (c, row) in set.catalogs().iter().zip(&listing.catalogs) {
        let title = match lang {
            Lang::En => c.title.en.as_deref().unwrap_or(&c.title.ja),
            Lang::Ja => &c.title.ja,
        };
        tab.add_row(vec![
            row.id.to_owned(),
            title.to_owned(),
            row.edition.to_owned(),
            row.date.unwrap_or("—").to_owned(),
            row.requirements.to_string(),
            row.nodes.to_string(),
            if row.outline { t(lang, "アウトライン（評価不可）", "outline (not assessable)") } else { "" }.to_owned(),
        ]);
    }
    outln!("{tab}");
    if listing.catalogs.iter().any(|c| c.outline) {
        outln!(
            "{}",
            t(
                lang,
                "アウトライン：出典には構成と一部の本文しかないカタログ。評価に使うには `sansho catalog fill <ID> <ファイル> --out <フォルダ>` で公式の本文を補う。",
                "outline (アウトライン): the sources give the structure and a few texts only. To assess one, supply the official text with `sansho catalog fill <id> <file> --out <dir>`."
            )
        );
    }
    let mut tab = table(vec![
        t(lang, "対応表", "Mapping set"),
        t(lang, "元", "From"),
        t(lang, "先", "To"),
        t(lang, "件数", "Mappings"),
        t(lang, "種別", "Kind"),
    ]);
    for m in &listing.mapping_sets {
        tab.add_row(vec![
            m.id.to_owned(),
            m.source.to_owned(),
            m.target.to_owned(),
            m.mappings.to_string(),
            if m.derived { t(lang, "導出", "derived") } else { t(lang, "出典", "sourced") }.to_owned(),
        ]);
    }
    outln!("{tab}");
    Ok(())
}

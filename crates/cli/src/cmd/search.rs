//! `sansho search <query>`

use crate::ui::outln;
use anyhow::Result;
use sansho_core::CatalogSet;
use sansho_core::search::SearchIndex;
use serde::Serialize;

use crate::args::Lang;
use crate::ui::{print_json, t, table};

#[derive(Serialize)]
struct HitView<'a> {
    id: String,
    catalog: &'a str,
    label: &'a str,
    score: f64,
    field: sansho_core::search::Field,
    snippet: &'a str,
    match_start: usize,
    match_end: usize,
}

pub fn run(set: &CatalogSet, query: &str, catalog: Option<&str>, limit: usize, json: bool, lang: Lang) -> Result<()> {
    if let Some(c) = catalog
        && set.catalog(c).is_none()
    {
        return Err(crate::errors::unknown_catalog(crate::ui::lang(), c));
    }
    let index = SearchIndex::build(set);
    let hits = index.search(query, catalog, limit);
    let views: Vec<HitView> = hits
        .iter()
        .map(|h| HitView {
            id: set.reference(h.node).to_string(),
            catalog: set.catalog_of(h.node).id.as_str(),
            label: &set.requirement(h.node).label,
            score: (h.score * 1000.0).round() / 1000.0,
            field: h.field,
            snippet: &h.snippet,
            match_start: h.match_start,
            match_end: h.match_end,
        })
        .collect();
    if json {
        return print_json(&serde_json::json!({ "query": query, "hits": views }));
    }
    if views.is_empty() {
        outln!("{}", t(lang, "該当なし", "No hits."));
        return Ok(());
    }
    let mut tab =
        table(vec![t(lang, "カタログ", "Catalog"), t(lang, "項番", "Label"), t(lang, "抜粋", "Snippet"), "ID"]);
    for v in &views {
        let marked: String = v
            .snippet
            .chars()
            .enumerate()
            .flat_map(|(i, c)| {
                let open = (i == v.match_start).then_some('【');
                let close = (i + 1 == v.match_end).then_some('】');
                open.into_iter().chain(std::iter::once(c)).chain(close)
            })
            .collect();
        tab.add_row(vec![v.catalog.to_owned(), v.label.to_owned(), marked, v.id.clone()]);
    }
    outln!("{tab}");
    Ok(())
}

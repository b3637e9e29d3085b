//! `sansho show <catalog> <label-or-id>`

use anyhow::Result;
use sansho_core::set::NodeIx;
use sansho_core::{CatalogSet, Provenance, Related, Relation, Requirement};
use serde::Serialize;

use crate::args::Lang;
use crate::ui::{print_json, t};

/// A requirement as JSON: its global id (`catalog:local`) and catalog first, then its fields.
#[derive(Serialize)]
pub struct ReqView<'a> {
    pub id: String,
    pub catalog: &'a str,
    pub local_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent: Option<&'a str>,
    pub kind: sansho_core::NodeKind,
    pub label: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub level: Option<sansho_core::Level>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub category: Option<&'a sansho_core::Category>,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    pub topics: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<&'a str>,
    pub provenance: &'a [Provenance],
}

#[derive(Serialize)]
struct RelatedView<'a> {
    #[serde(flatten)]
    related: &'a Related,
    #[serde(skip_serializing_if = "Option::is_none")]
    title: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    text: Option<&'a str>,
    provenance: &'a [Provenance],
}

#[derive(Serialize)]
struct ShowView<'a> {
    requirement: ReqView<'a>,
    related: Vec<RelatedView<'a>>,
}

pub fn view(set: &CatalogSet, ix: NodeIx) -> ReqView<'_> {
    let r: &Requirement = set.requirement(ix);
    ReqView {
        id: set.reference(ix).to_string(),
        catalog: set.catalog_of(ix).id.as_str(),
        local_id: r.id.as_str(),
        parent: r.parent.as_ref().map(|p| p.as_str()),
        kind: r.kind,
        label: &r.label,
        title: r.title.as_deref(),
        level: r.level,
        category: r.category.as_ref(),
        topics: &r.topics,
        text: r.text.as_deref(),
        page: r.page.as_deref(),
        note: r.note.as_deref(),
        provenance: &r.provenance,
    }
}

fn relation_word(lang: Lang, r: Relation) -> String {
    match lang {
        Lang::Ja => format!("{}（{}）", r.ja(), r.as_str()),
        Lang::En => r.as_str().to_owned(),
    }
}

fn provenance_list(p: &[Provenance]) -> String {
    if p.is_empty() { "—".to_owned() } else { p.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ") }
}

pub fn run(set: &CatalogSet, catalog: &str, query: &str, json: bool, lang: Lang) -> Result<()> {
    let ix = set.resolve(catalog, query)?;
    let related = set.related(ix);
    if json {
        let rel = related
            .iter()
            .map(|r| {
                let node = set.node(r.catalog.as_str(), r.id.local.as_str()).expect("related nodes exist");
                let req = set.requirement(node);
                RelatedView {
                    related: r,
                    title: req.title.as_deref(),
                    text: req.text.as_deref(),
                    provenance: &req.provenance,
                }
            })
            .collect();
        return print_json(&ShowView { requirement: view(set, ix), related: rel });
    }
    let r = set.requirement(ix);
    let c = set.catalog_of(ix);
    println!("{}  {}", r.label, set.reference(ix));
    println!("  {}: {} {}", t(lang, "カタログ", "Catalog"), c.title.ja, c.edition);
    if let Some(title) = &r.title {
        println!("  {}: {title}", t(lang, "見出し", "Heading"));
    }
    if let Some(level) = r.level {
        println!("  {}: {}", t(lang, "水準", "Level"), if lang == Lang::Ja { level.ja() } else { level.as_str() });
    }
    if let Some(cat) = &r.category {
        println!("  {}: {}", t(lang, "区分", "Category"), if lang == Lang::Ja { cat.ja() } else { cat.as_str() });
    }
    if !r.topics.is_empty() {
        println!("  {}: {}", t(lang, "主題", "Topics"), r.topics.join("、"));
    }
    match &r.text {
        Some(text) => println!("  {}: {text}", t(lang, "本文", "Text")),
        None => {
            println!("  {}: {}", t(lang, "本文", "Text"), t(lang, "（出典に本文なし）", "(no text in the sources)"))
        }
    }
    if let Some(note) = &r.note {
        println!("  {}: {note}", t(lang, "注記", "Note"));
    }
    println!("  {}: {}", t(lang, "出典", "Source"), provenance_list(&r.provenance));
    println!();
    if related.is_empty() {
        println!(
            "{}",
            t(lang, "他のガイドラインに対応する要求事項はありません。", "No related requirement in other catalogs.")
        );
        return Ok(());
    }
    println!("{} ({}):", t(lang, "関連する要求事項", "Related requirements"), related.len());
    let mut last_catalog = "";
    for rel in &related {
        if rel.catalog.as_str() != last_catalog {
            last_catalog = rel.catalog.as_str();
            let cat = set.catalog(last_catalog).expect("loaded");
            println!("\n■ {} — {} {}", last_catalog, cat.title.ja, cat.edition);
        }
        let node = set.node(rel.catalog.as_str(), rel.id.local.as_str()).expect("related nodes exist");
        let req = set.requirement(node);
        println!("  {}  [{}]  {}", rel.label, relation_word(lang, rel.relation), rel.id);
        let body = req.text.as_deref().or(req.title.as_deref()).unwrap_or("");
        if !body.is_empty() {
            println!("      {body}");
        }
        println!("      {}: {}", t(lang, "出典", "source"), provenance_list(&req.provenance));
        let chain: Vec<String> = rel
            .via
            .iter()
            .map(|s| {
                let arrow = if s.forward { "→" } else { "←" };
                format!(
                    "{} {arrow}[{} {}: {}] {}",
                    s.from,
                    s.mapping_set,
                    s.relation.as_str(),
                    provenance_list(&s.provenance),
                    s.to
                )
            })
            .collect();
        println!("      {}: {}", t(lang, "経路", "via"), chain.join(" ; "));
    }
    Ok(())
}

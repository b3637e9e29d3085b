//! `sansho show <catalog> <label-or-id>`

use crate::ui::outln;
use anyhow::Result;
use sansho_core::set::NodeIx;
use sansho_core::set::Step;
use sansho_core::{CatalogSet, Provenance, Related, Relation, Requirement, StepKind};
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
    related: &'a Related<'a>,
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
    /// 明文規定なし: the catalogs a mapping set says have no counterpart, with its provenance.
    no_counterpart: Vec<sansho_core::NoCounterpartEntry<'a>>,
    /// Set when the requirement's catalog is an outline (structure and a few texts only): the
    /// JSON says so as the text output does.
    #[serde(skip_serializing_if = "Option::is_none")]
    outline: Option<&'a sansho_core::Outline>,
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

pub(crate) fn relation_word(lang: Lang, r: Relation) -> String {
    match lang {
        Lang::Ja => format!("{}（{}）", r.ja(), r.as_str()),
        Lang::En => r.as_str().to_owned(),
    }
}

/// Where a node comes from, `—` for nowhere.
pub(crate) fn provenance_list(p: &[Provenance]) -> String {
    if p.is_empty() { "—".to_owned() } else { Provenance::list(p) }
}

pub fn run(set: &CatalogSet, catalog: &str, query: &str, json: bool, lang: Lang) -> Result<()> {
    let ix = set.resolve(catalog, query)?;
    let related = set.related(ix);
    let none = set.no_counterparts(ix);
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
        let outline = set.catalog_of(ix).outline.as_ref();
        return print_json(&ShowView { requirement: view(set, ix), related: rel, no_counterpart: none, outline });
    }
    let r = set.requirement(ix);
    let c = set.catalog_of(ix);
    outln!("{}  {}", r.label, set.reference(ix));
    outln!("  {}: {} {}", t(lang, "カタログ", "Catalog"), c.title.ja, c.edition);
    if c.is_outline() {
        outln!("  {}", crate::cmd::fill::outline_line(c, lang));
    }
    if let Some(title) = &r.title {
        outln!("  {}: {title}", t(lang, "見出し", "Heading"));
    }
    if let Some(level) = r.level {
        outln!("  {}: {}", t(lang, "水準", "Level"), if lang == Lang::Ja { level.ja() } else { level.as_str() });
    }
    if let Some(cat) = &r.category {
        outln!("  {}: {}", t(lang, "区分", "Category"), if lang == Lang::Ja { cat.ja() } else { cat.as_str() });
    }
    if !r.topics.is_empty() {
        outln!("  {}: {}", t(lang, "主題", "Topics"), r.topics.join("、"));
    }
    match &r.text {
        Some(text) => outln!("  {}: {text}", t(lang, "本文", "Text")),
        None => {
            outln!("  {}: {}", t(lang, "本文", "Text"), t(lang, "（出典に本文なし）", "(no text in the sources)"))
        }
    }
    if let Some(note) = &r.note {
        outln!("  {}: {note}", t(lang, "注記", "Note"));
    }
    outln!("  {}: {}", t(lang, "出典", "Source"), provenance_list(&r.provenance));
    outln!();
    if related.is_empty() && none.is_empty() {
        outln!(
            "{}",
            t(lang, "他のガイドラインに対応する要求事項はありません。", "No related requirement in other catalogs.")
        );
        return Ok(());
    }
    outln!("{} ({}):", t(lang, "関連する要求事項", "Related requirements"), related.len() + none.len());
    // In document order: catalog by catalog as loaded, node by node as printed; a catalog's
    // 明文規定なし entries first in it.
    let mut related = related;
    related.sort_by_key(|r| set.node(r.catalog.as_str(), r.id.local.as_str()));
    let position = |c: &str| set.catalogs().iter().position(|x| x.id.as_str() == c);
    let mut none = none;
    none.sort_by_key(|e| position(e.catalog.as_str()));
    let mut pending = none.iter().peekable();
    let mut last_catalog = "";
    let heading = |id: &str| {
        let cat = set.catalog(id).expect("loaded");
        outln!("\n■ {} — {} {}", id, cat.title.ja, cat.edition);
    };
    let no_counterpart = |e: &sansho_core::NoCounterpartEntry<'_>| {
        outln!("  {}  [{}]", t(lang, "（対応する要求事項なし）", "(no counterpart)"), relation_word(lang, e.relation));
        if let Some(note) = e.note {
            outln!("      {note}");
        }
        outln!("      {}: {} {}", t(lang, "出典", "source"), e.mapping_set, provenance_list(e.provenance));
    };
    for rel in &related {
        if rel.catalog.as_str() != last_catalog {
            // The 明文規定なし entries of catalogs that come before this one.
            while let Some(e) = pending.next_if(|e| position(e.catalog.as_str()) <= position(rel.catalog.as_str())) {
                if e.catalog.as_str() != last_catalog {
                    last_catalog = e.catalog.as_str();
                    heading(last_catalog);
                }
                no_counterpart(e);
            }
        }
        if rel.catalog.as_str() != last_catalog {
            last_catalog = rel.catalog.as_str();
            heading(last_catalog);
        }
        let node = set.node(rel.catalog.as_str(), rel.id.local.as_str()).expect("related nodes exist");
        let req = set.requirement(node);
        outln!("  {}  [{}]  {}", rel.label, relation_word(lang, rel.relation), rel.id);
        let body = req.text.as_deref().or(req.title.as_deref()).unwrap_or("");
        if !body.is_empty() {
            outln!("      {body}");
        }
        outln!("      {}: {}", t(lang, "出典", "source"), provenance_list(&req.provenance));
        outln!("      {}: {}", t(lang, "経路", "via"), chain_text(lang, &rel.via));
    }
    for e in pending {
        if e.catalog.as_str() != last_catalog {
            last_catalog = e.catalog.as_str();
            heading(last_catalog);
        }
        no_counterpart(e);
    }
    Ok(())
}

/// A chain of steps as one line: `a →[set file:line] b ↓[printed under it] c`.
pub(crate) fn chain_text(lang: Lang, via: &[Step<'_>]) -> String {
    let mut chain = via.first().map(|s| s.from.to_string()).unwrap_or_default();
    for s in via {
        let hop = match (s.kind, &s.mapping_set) {
            (StepKind::Mapping, Some(set)) => {
                let arrow = if s.forward { "→" } else { "←" };
                format!("{arrow}[{set} {}]", provenance_list(s.provenance))
            }
            (StepKind::Child, _) => format!("↓[{}]", t(lang, "下位項目", "printed under it")),
            _ => format!("↑[{}]", t(lang, "上位項目", "printed above it")),
        };
        chain.push_str(&format!(" {hop} {}", s.to));
    }
    chain
}

//! What pages and the API show of the catalogs, built once per request from the loaded set.

use sansho_core::set::{NodeIx, Step};
use sansho_core::{CatalogSet, Provenance, Relation, StepKind};
use serde::Serialize;
use utoipa::ToSchema;

use crate::Lang;

/// A catalog in a list.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CatalogSummary {
    pub id: String,
    pub title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title_en: Option<String>,
    pub edition: String,
    pub kind: String,
    pub issuers: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// Nodes (headings included).
    pub nodes: usize,
    /// Nodes with requirement text.
    pub requirements: usize,
    /// An outline: the structure and a few texts only; not offered for a new assessment until
    /// its text is supplied (`sansho catalog fill`).
    pub outline: bool,
    /// Why it is an outline and what it lacks.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outline_note: Option<String>,
}

impl CatalogSummary {
    /// The title in the page language (the English title where the catalog has one).
    pub fn title_in(&self, lang: Lang) -> &str {
        match (lang, &self.title_en) {
            (Lang::En, Some(en)) => en,
            _ => &self.title,
        }
    }
}

pub fn catalog_summaries(set: &CatalogSet) -> Vec<CatalogSummary> {
    set.catalogs()
        .iter()
        .map(|c| CatalogSummary {
            id: c.id.as_str().to_owned(),
            title: c.title.ja.clone(),
            title_en: c.title.en.clone(),
            edition: c.edition.clone(),
            kind: c.kind.as_str().to_owned(),
            issuers: c.issuers.clone(),
            date: c.date.clone(),
            nodes: c.requirements.len(),
            requirements: c.requirement_count(),
            outline: c.is_outline(),
            outline_note: c.outline.as_ref().and_then(|o| o.note.clone()),
        })
        .collect()
}

/// The catalogs offered for a new assessment or a migration: every loaded catalog but the
/// outlines (issue 11 §2.7). Pages and the API offer and accept exactly these.
pub fn offered_catalogs(set: &CatalogSet) -> impl Iterator<Item = &sansho_core::Catalog> {
    set.catalogs().iter().filter(|c| c.offered_for_assessment())
}

/// What a page says of an outline catalog (guideline pages, the dashboard of an assessment on one).
pub fn outline_warning(lang: Lang, c: &sansho_core::Catalog) -> String {
    let missing = c.leaves_without_text().len();
    match lang {
        Lang::Ja => format!(
            "アウトライン：このカタログは出典にある構成と一部の本文のみで、本文のない項目が {missing} 件あります。評価には、公式の本文を `sansho catalog fill {}` で補ったカタログを使ってください。",
            c.id
        ),
        Lang::En => format!(
            "Outline: this catalog holds the structure and a few texts from the sources only; {missing} requirements have no text. To assess it, use a catalog filled with its official text (`sansho catalog fill {}`).",
            c.id
        ),
    }
}

/// The refusal for an outline chosen for an assessment, in the page's language.
pub fn outline_refusal(lang: Lang, id: &str) -> String {
    match lang {
        Lang::Ja => format!(
            "{id} はアウトライン（骨組みと一部の本文のみ）のため評価に使えません。公式の本文を `sansho catalog fill {id}` で補ったカタログを読み込んでください"
        ),
        Lang::En => format!(
            "{id} is an outline (structure and a few texts only) and cannot be assessed; load a catalog filled with its official text (`sansho catalog fill {id}`)"
        ),
    }
}

/// One node of a catalog tree, with its depth for indentation.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TreeNode {
    pub id: String,
    pub label: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// The requirement text, if the node has one (verbatim from the source).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    pub kind: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub level: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    pub depth: usize,
    /// Whether any mapping edge starts or ends here.
    pub mapped: bool,
}

pub fn tree(set: &CatalogSet, catalog: &str) -> Vec<TreeNode> {
    set.catalog_nodes(catalog)
        .into_iter()
        .map(|ix| {
            let r = set.requirement(ix);
            let mut depth = 0;
            let mut p = set.parent_of(ix);
            while let Some(q) = p {
                depth += 1;
                p = set.parent_of(q);
            }
            TreeNode {
                id: r.id.as_str().to_owned(),
                label: r.label.clone(),
                title: r.title.clone().filter(|t| t != &r.label),
                text: r.text.clone(),
                kind: r.kind.as_str().to_owned(),
                level: r.level.map(|l| l.as_str().to_owned()),
                parent: r.parent.as_ref().map(|p| p.as_str().to_owned()),
                depth,
                mapped: set.has_mappings(ix),
            }
        })
        .collect()
}

/// One requirement in full.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RequirementView {
    /// `catalog:local`.
    pub id: String,
    pub catalog: String,
    pub local_id: String,
    pub label: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    pub kind: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub level: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page: Option<String>,
    /// `file:line[-line]` of every place the node comes from.
    pub provenance: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    pub children: Vec<String>,
}

pub fn requirement(set: &CatalogSet, ix: NodeIx) -> RequirementView {
    let r = set.requirement(ix);
    let c = set.catalog_of(ix);
    RequirementView {
        id: set.reference(ix).to_string(),
        catalog: c.id.as_str().to_owned(),
        local_id: r.id.as_str().to_owned(),
        label: r.label.clone(),
        title: r.title.clone(),
        text: r.text.clone(),
        kind: r.kind.as_str().to_owned(),
        level: r.level.map(|l| l.as_str().to_owned()),
        category: r.category.as_ref().map(|c| c.as_str().to_owned()),
        note: r.note.clone(),
        page: r.page.clone(),
        provenance: r.provenance.iter().map(|p| Provenance::list(std::slice::from_ref(p))).collect(),
        parent: r.parent.as_ref().map(|p| p.as_str().to_owned()),
        children: set.children_of(ix).iter().map(|&c| set.requirement(c).id.as_str().to_owned()).collect(),
    }
}

/// One hop of a chain.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct HopView {
    pub from: String,
    pub to: String,
    pub relation: String,
    /// `mapping`, `parent` or `child`.
    pub kind: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mapping_set: Option<String>,
    pub forward: bool,
    pub provenance: String,
}

/// A requirement of another catalog related to the one shown.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RelatedView {
    pub id: String,
    pub catalog: String,
    pub local_id: String,
    pub label: String,
    /// The relation of the shown requirement to this one, composed along the chain.
    pub relation: String,
    /// The users' word for the relation (同等, 対応, 移行 …).
    pub relation_ja: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    pub provenance: String,
    pub via: Vec<HopView>,
}

pub fn hop(s: &Step<'_>) -> HopView {
    HopView {
        from: s.from.to_string(),
        to: s.to.to_string(),
        relation: s.relation.as_str().to_owned(),
        kind: match s.kind {
            StepKind::Mapping => "mapping",
            StepKind::Parent => "parent",
            StepKind::Child => "child",
        }
        .to_owned(),
        mapping_set: s.mapping_set.map(str::to_owned),
        forward: s.forward,
        provenance: Provenance::list(s.provenance),
    }
}

/// Every related requirement, catalog by catalog as loaded, node by node as printed.
pub fn related(set: &CatalogSet, ix: NodeIx) -> Vec<RelatedView> {
    let mut related = set.related(ix);
    related.sort_by_key(|r| set.node(r.catalog.as_str(), r.id.local.as_str()));
    related
        .iter()
        .map(|r| {
            let node = set.node(r.catalog.as_str(), r.id.local.as_str()).expect("related nodes exist");
            let req = set.requirement(node);
            RelatedView {
                id: r.id.to_string(),
                catalog: r.catalog.as_str().to_owned(),
                local_id: r.id.local.as_str().to_owned(),
                label: r.label.to_owned(),
                relation: r.relation.as_str().to_owned(),
                relation_ja: r.relation.ja().to_owned(),
                text: req.text.clone().or_else(|| req.title.clone()),
                provenance: Provenance::list(&req.provenance),
                via: r.via.iter().map(hop).collect(),
            }
        })
        .collect()
}

/// The words of a level, category or relation in the page language.
pub fn level_word(lang: Lang, level: Option<&str>) -> String {
    match level.and_then(sansho_core::Level::parse) {
        Some(l) => lang.t(l.ja(), l.as_str()).to_owned(),
        None => String::new(),
    }
}

/// A relation as words (never its id): 同等 / equivalent, 部分(元⊂先) / subset (source ⊂ target) …
pub fn relation_word(lang: Lang, relation: &str) -> String {
    match Relation::parse(relation) {
        Some(r) => lang.t(r.ja(), relation_en(r)).to_owned(),
        None => relation.to_owned(),
    }
}

fn relation_en(r: Relation) -> &'static str {
    match r {
        Relation::Equivalent => "equivalent",
        Relation::Subset => "subset (source ⊂ target)",
        Relation::Superset => "superset (source ⊃ target)",
        Relation::Intersects => "overlaps",
        Relation::Related => "related",
        Relation::NoCounterpart => "no explicit provision",
        Relation::RefersToSection => "whole section",
        Relation::MigratedTo => "migrated",
        Relation::SplitInto => "split",
        Relation::MergedInto => "merged",
        Relation::New => "new",
    }
}

/// A catalog's title in the page language: its English title where the catalog has one, the
/// Japanese one otherwise.
pub fn title(lang: Lang, title: &sansho_core::Localized) -> &str {
    match (lang, &title.en) {
        (Lang::En, Some(en)) => en,
        _ => &title.ja,
    }
}

/// A requirement's text as a page shows it. An imported OSCAL catalog's text holds parameter
/// inserts (`{{ insert: param, ac-1_prm_1 }}`); they are written the way NIST's own publications
/// print them: the value a profile set, else `[割当て: <label>]` or `[選択: a; b]` (the choices
/// rendered the same way). An insert naming no parameter stays as written. The stored text, the
/// exports and the API keep the markers verbatim; sansho's own catalogs have none, and their
/// text is returned unchanged.
pub fn shown_text(set: &CatalogSet, catalog: &str, text: &str, lang: Lang) -> String {
    use sansho_core::ext::{Param, Piece, pieces};
    fn render(cat: &sansho_core::Catalog, text: &str, lang: Lang, depth: u8, out: &mut String) {
        for piece in pieces(text) {
            match piece {
                Piece::Text(t) => out.push_str(t),
                Piece::Param(id) => match cat.param(id).filter(|_| depth < 4) {
                    Some(p) => param(cat, p, lang, depth, out),
                    None => out.push_str(&format!("{{{{ insert: param, {id} }}}}")),
                },
            }
        }
    }
    fn param(cat: &sansho_core::Catalog, p: &Param, lang: Lang, depth: u8, out: &mut String) {
        if !p.values.is_empty() {
            for (i, v) in p.values.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                render(cat, v, lang, depth + 1, out);
            }
        } else if let Some(select) = &p.select {
            out.push_str(if select.how_many.as_deref() == Some("one-or-more") {
                lang.t("[選択（1つ以上）: ", "[Selection (one or more): ")
            } else {
                lang.t("[選択: ", "[Selection: ")
            });
            for (i, choice) in select.choice.iter().enumerate() {
                if i > 0 {
                    out.push_str("; ");
                }
                render(cat, choice, lang, depth + 1, out);
            }
            out.push(']');
        } else {
            out.push_str(lang.t("[割当て: ", "[Assignment: "));
            match &p.label {
                Some(label) => render(cat, label, lang, depth + 1, out),
                None => out.push_str(&p.id),
            }
            out.push(']');
        }
    }
    let Some(cat) = set.catalog(catalog).filter(|_| text.contains("{{")) else {
        return text.to_owned();
    };
    let mut out = String::with_capacity(text.len());
    render(cat, text, lang, 0, &mut out);
    out
}

/// Whether a text holds OSCAL parameter inserts (a page then says it wrote them out).
pub fn has_params(text: &str) -> bool {
    sansho_core::ext::pieces(text).iter().any(|p| matches!(p, sansho_core::ext::Piece::Param(_)))
}

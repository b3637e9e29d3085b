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
    /// The title with its edition unless the title prints it (see [`catalog_name`]).
    pub fn name_in(&self, lang: Lang) -> String {
        titled(lang, &self.title, self.title_en.as_deref(), &self.edition)
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
    /// The provenance as pages show it: the source document by its description, the line(s),
    /// the file name for the tooltip (the API gives `provenance`).
    #[serde(skip)]
    pub sources: Vec<SourceView>,
}

/// Where a node comes from, for a person: the document, the lines, the file (on hover).
#[derive(Debug, Clone)]
pub struct SourceView {
    /// The source document as the catalog describes it (up to its first parenthesis), or the
    /// file name when the catalog does not list it.
    pub document: String,
    /// `260` or `260–262`.
    pub lines: String,
    /// `003_348eaa4a0c950f58.txt:260`.
    pub file: String,
}

/// The pages' view of a node's provenance (see [`SourceView`]).
pub fn source_views(catalog: &sansho_core::Catalog, provenance: &[Provenance]) -> Vec<SourceView> {
    provenance
        .iter()
        .map(|p| {
            let doc = catalog.sources.iter().find(|d| d.file == p.file);
            let document = doc
                .and_then(|d| d.description.as_deref())
                .map(|d| d.split(['（', '(']).next().unwrap_or(d).trim().to_owned())
                .filter(|d| !d.is_empty())
                .unwrap_or_else(|| p.file.clone());
            let lines = if p.end_line > p.line { format!("{}–{}", p.line, p.end_line) } else { p.line.to_string() };
            SourceView { document, lines, file: Provenance::list(std::slice::from_ref(p)) }
        })
        .collect()
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
        sources: source_views(c, &r.provenance),
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

/// A requirement of another catalog related to the one shown, or a mapping set's 明文規定なし
/// entry for it (relation `no-relationship`: the catalog has no counterpart; `id`, `local_id` and
/// `label` are then empty, `text` is the entry's note and `via` its one mapping hop).
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

/// Every related requirement, catalog by catalog as loaded, node by node as printed; a mapping
/// set's 明文規定なし entry (no counterpart in its target catalog) first in its catalog, as an
/// entry with relation `no-relationship`, no `local_id`, and the mapping set's provenance.
pub fn related(set: &CatalogSet, ix: NodeIx) -> Vec<RelatedView> {
    let mut related = set.related(ix);
    related.sort_by_key(|r| set.node(r.catalog.as_str(), r.id.local.as_str()));
    let position = |c: &str| set.catalogs().iter().position(|x| x.id.as_str() == c);
    let from = set.reference(ix).to_string();
    let mut none: Vec<(Option<usize>, RelatedView)> = set
        .no_counterparts(ix)
        .into_iter()
        .map(|e| {
            let provenance = Provenance::list(e.provenance);
            let view = RelatedView {
                id: String::new(),
                catalog: e.catalog.as_str().to_owned(),
                local_id: String::new(),
                label: String::new(),
                relation: e.relation.as_str().to_owned(),
                relation_ja: e.relation.ja().to_owned(),
                text: e.note.map(str::to_owned),
                provenance: provenance.clone(),
                via: vec![HopView {
                    from: from.clone(),
                    to: e.catalog.as_str().to_owned(),
                    relation: e.relation.as_str().to_owned(),
                    kind: "mapping".to_owned(),
                    mapping_set: Some(e.mapping_set.to_owned()),
                    forward: true,
                    provenance,
                }],
            };
            (position(e.catalog.as_str()), view)
        })
        .collect();
    none.sort_by_key(|(p, _)| *p);
    let mut none = none.into_iter().peekable();
    let mut out = Vec::with_capacity(related.len() + none.len());
    for r in &related {
        let here = position(r.catalog.as_str());
        while let Some((_, v)) = none.next_if(|(p, _)| *p <= here) {
            out.push(v);
        }
        out.push(related_view(set, r));
    }
    out.extend(none.map(|(_, v)| v));
    out
}

fn related_view(set: &CatalogSet, r: &sansho_core::Related<'_>) -> RelatedView {
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

/// A catalog's title with its edition, as pages name it: the edition is added only when the
/// title does not already print it (「…第３版…」 of edition 第3版, 「…（案）」 of edition 案), and
/// in English it is written in English (第5.2版 → ed. 5.2, 案 → draft).
pub fn catalog_name(lang: Lang, c: &sansho_core::Catalog) -> String {
    titled(lang, &c.title.ja, c.title.en.as_deref(), &c.edition)
}

fn titled(lang: Lang, ja: &str, en: Option<&str>, edition: &str) -> String {
    let title = match (lang, en) {
        (Lang::En, Some(en)) => en,
        _ => ja,
    };
    // Full-width digits, points and brackets read as their ASCII forms.
    let fold = |s: &str| -> String {
        s.chars()
            .map(|ch| match ch {
                '０'..='９' => char::from_u32(ch as u32 - '０' as u32 + '0' as u32).unwrap_or(ch),
                '．' => '.',
                '（' => '(',
                '）' => ')',
                other => other,
            })
            .collect()
    };
    let folded = fold(title);
    let lower = folded.to_lowercase();
    let edition = edition.trim();
    let printed = edition.is_empty()
        || folded.contains(&fold(edition))
        || (edition == "案" && (folded.contains("(案)") || lower.contains("draft")))
        || (lang == Lang::En && title != ja && (lower.contains("edition") || lower.contains("draft")));
    if printed {
        return title.to_owned();
    }
    match lang {
        Lang::Ja => format!("{title} {edition}"),
        Lang::En => format!("{title}, {}", edition_en(edition)),
    }
}

/// An edition in English: 第5.2版 → ed. 5.2, 案 → draft (anything else as printed).
pub fn edition_en(edition: &str) -> String {
    let e = edition.trim();
    if e == "案" {
        return "draft".into();
    }
    match e.strip_prefix('第').and_then(|x| x.strip_suffix('版')) {
        Some(n) => format!("ed. {n}"),
        None => e.to_owned(),
    }
}

/// A result in the page's language: 実施済 / implemented, 未実施 / not implemented … (never the
/// stored kebab-case word).
pub fn result_word(lang: Lang, r: sansho_core::assess::ResultCode) -> &'static str {
    use sansho_core::assess::ResultCode as R;
    let en = match r {
        R::Implemented => "implemented",
        R::Partial => "partial",
        R::NotImplemented => "not implemented",
        R::NotApplicable => "not applicable",
        R::Unanswered => "unanswered",
    };
    lang.t(r.ja(), en)
}

/// A level group of the gap analysis (水準別) in the page's language.
pub fn level_group(lang: Lang, g: &sansho_core::assess::Group) -> String {
    match g.key.as_str() {
        "mandatory" => lang.t("遵守事項", "Mandatory"),
        "recommended" => lang.t("推奨事項", "Recommended"),
        "informative" => lang.t("参考", "Informative"),
        "none" => lang.t("水準の指定なし", "No level given"),
        _ => return g.label.clone(),
    }
    .to_owned()
}

/// A control-category group of the gap analysis (区分別) in the page's language; a category the
/// source names itself (情報の破棄) stays as printed.
pub fn category_group(lang: Lang, g: &sansho_core::assess::Group) -> String {
    match (lang, g.key.as_str()) {
        (Lang::Ja, _) => g.label.clone(),
        (_, "organizational") => "Organizational".into(),
        (_, "physical") => "Physical".into(),
        (_, "technical") => "Technical".into(),
        (_, "human") => "Human".into(),
        (_, "none") => "No category".into(),
        _ => g.label.clone(),
    }
}

#[cfg(test)]
mod catalog_name_tests {
    use super::{edition_en, titled};
    use crate::Lang;

    #[test]
    fn an_edition_the_title_prints_is_not_repeated() {
        let t = "医療情報システムの安全管理に関するガイドライン 第３版 最低限のガイドライン遵守チェックリスト";
        assert_eq!(titled(Lang::Ja, t, None, "第3版"), t);
        let t = "クラウドサービス事業者が医療情報を取り扱う際の安全管理に関するガイドライン（案）";
        assert_eq!(titled(Lang::Ja, t, None, "案"), t);
        assert_eq!(
            titled(Lang::Ja, "医療情報システムの安全管理に関するガイドライン", None, "第6.0版"),
            "医療情報システムの安全管理に関するガイドライン 第6.0版"
        );
        assert_eq!(
            titled(Lang::En, "ガイドライン", Some("Guidelines, 3rd edition"), "第3版"),
            "Guidelines, 3rd edition"
        );
        assert_eq!(titled(Lang::En, "ガイドライン", Some("Guidelines"), "第6.0版"), "Guidelines, ed. 6.0");
    }

    #[test]
    fn editions_in_english() {
        assert_eq!(edition_en("第5.2版"), "ed. 5.2");
        assert_eq!(edition_en("案"), "draft");
        assert_eq!(edition_en("2.0"), "2.0");
    }
}

//! Writing catalogs and mapping sets as TOML, deterministically, so regenerated files diff
//! cleanly against the committed ones.

use sansho_core::{Catalog, MappingSet, Provenance};
use toml::Spanned;

use crate::format::{CatalogHead, CatalogOut, Document, MappingRow, MappingSetHead, MappingSetOut, RequirementRow};

fn sp<T>(v: T) -> Spanned<T> {
    Spanned::new(0..0, v)
}

fn provenance(list: &[Provenance]) -> Spanned<Vec<Spanned<String>>> {
    sp(list.iter().map(|p| sp(p.to_string())).collect())
}

fn documents(docs: &[sansho_core::SourceDoc]) -> Vec<Document> {
    docs.iter()
        .map(|d| Document {
            file: sp(d.file.clone()),
            sha256: sp(d.sha256.clone()),
            description: d.description.clone(),
        })
        .collect()
}

/// Renders a catalog file. `header` lines are written first as `#` comments.
pub fn catalog_to_toml(c: &Catalog, header: &[&str]) -> String {
    let head = CatalogHead {
        id: sp(c.id.to_string()),
        kind: sp(c.kind.as_str().to_owned()),
        title: sp(c.title.ja.clone()),
        title_en: c.title.en.clone(),
        issuers: c.issuers.clone(),
        edition: c.edition.clone(),
        date: c.date.clone().map(sp),
        description: c.description.clone(),
        document: documents(&c.sources),
        outline: c.outline.as_ref().map(|_| sp(true)),
        outline_note: c.outline.as_ref().and_then(|o| o.note.clone()).map(sp),
        ext: c.ext.as_deref().cloned(),
    };
    let rows: Vec<RequirementRow> = c
        .requirements
        .iter()
        .map(|r| RequirementRow {
            id: sp(r.id.to_string()),
            parent: r.parent.as_ref().map(|p| sp(p.to_string())),
            kind: sp(r.kind.as_str().to_owned()),
            label: sp(r.label.clone()),
            title: r.title.clone().map(sp),
            level: r.level.map(|l| sp(l.as_str().to_owned())),
            category: r.category.as_ref().map(|c| sp(c.as_str().to_owned())),
            topics: r.topics.clone(),
            text: r.text.clone().map(sp),
            note: r.note.clone(),
            page: r.page.clone(),
            provenance: provenance(&r.provenance),
            ext: r.ext.as_deref().cloned(),
        })
        .collect();
    with_header(header, toml::to_string(&CatalogOut { catalog: &head, requirement: &rows }))
}

/// Renders a mapping-set file.
pub fn mapping_set_to_toml(m: &MappingSet, header: &[&str]) -> String {
    let head = MappingSetHead {
        id: sp(m.id.clone()),
        title: m.title.ja.clone(),
        title_en: m.title.en.clone(),
        source: sp(m.source.to_string()),
        target: sp(m.target.to_string()),
        derived: m.derived,
        description: m.description.clone(),
        document: documents(&m.sources),
    };
    let rows: Vec<MappingRow> = m
        .mappings
        .iter()
        .map(|e| MappingRow {
            source: e.source.as_ref().map(|s| sp(s.to_string())),
            target: e.target.as_ref().map(|s| sp(s.to_string())),
            relation: sp(e.relation.as_str().to_owned()),
            basis: sp(e.basis.as_str().to_owned()),
            note: e.note.clone(),
            via: e.via.iter().map(|v| sp(v.to_string())).collect(),
            provenance: provenance(&e.provenance),
            attributes: e.attributes.clone(),
        })
        .collect();
    with_header(header, toml::to_string(&MappingSetOut { mapping_set: &head, mapping: &rows }))
}

fn with_header(header: &[&str], body: Result<String, toml::ser::Error>) -> String {
    // Serializing plain strings, lists and tables cannot fail.
    let body = body.expect("catalog values serialize to TOML");
    let mut out = String::new();
    for h in header {
        out.push_str("# ");
        out.push_str(h);
        out.push('\n');
    }
    if !header.is_empty() {
        out.push('\n');
    }
    out.push_str(&body);
    out
}

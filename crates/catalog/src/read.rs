//! Reading catalog files into domain values, keeping where each value was written.

use std::collections::HashMap;
use std::ops::Range;

use sansho_core::validate::Severity;
use sansho_core::{
    Basis, Catalog, CatalogId, CatalogKind, Category, Level, LocalId, Localized, Mapping, MappingSet, NodeKind,
    Provenance, Relation, ReqRef, Requirement, SourceDoc,
};
use toml::Spanned;

use sansho_core::{IntoMsg, Msg, ja_en};

use crate::diag::{Diagnostic, LineIndex};

/// An id that is not one, with the id's own (English) words.
fn id_msg(e: &sansho_core::IdError) -> Msg {
    ja_en!("ID として使えません（{e}）", "{e}")
}
use crate::format::{CatalogHead, Document, FileIn, MappingRow, MappingSetHead, RequirementRow};

/// Field spans of one table, by field name; `""` is the whole table.
pub(crate) type Spans = HashMap<&'static str, Range<usize>>;

/// What one file held, with the spans diagnostics need.
#[derive(Debug)]
pub enum Parsed {
    /// A catalog file.
    Catalog(Catalog, FileSpans),
    /// A mapping-set file.
    MappingSet(MappingSet, FileSpans),
}

/// Spans of a parsed file: the head table and each row.
#[derive(Debug, Default)]
pub struct FileSpans {
    pub(crate) head: Spans,
    pub(crate) rows: Vec<Spans>,
}

impl FileSpans {
    /// The span of `field` in row `row` (or of the row, or the head, as fallbacks).
    pub(crate) fn row(&self, row: usize, field: &str) -> Range<usize> {
        self.rows
            .get(row)
            .and_then(|r| r.get(field).or_else(|| r.get("")))
            .or_else(|| self.head.get(""))
            .cloned()
            .unwrap_or(0..0)
    }
    pub(crate) fn head(&self, field: &str) -> Range<usize> {
        self.head.get(field).or_else(|| self.head.get("")).cloned().unwrap_or(0..0)
    }
}

struct Ctx<'a> {
    file: &'a str,
    lines: LineIndex<'a>,
    diags: Vec<Diagnostic>,
}

impl Ctx<'_> {
    fn err(&mut self, span: Range<usize>, field: &str, msg: impl IntoMsg) {
        let d = self.lines.diag(self.file, span, Some(field), Severity::Error, msg);
        self.diags.push(d);
    }
    fn catalog_id(&mut self, s: &Spanned<String>, field: &str) -> Option<CatalogId> {
        CatalogId::parse(s.get_ref()).map_err(|e| self.err(s.span(), field, id_msg(&e))).ok()
    }
    fn local_id(&mut self, s: &Spanned<String>, field: &str) -> Option<LocalId> {
        LocalId::parse(s.get_ref()).map_err(|e| self.err(s.span(), field, id_msg(&e))).ok()
    }
    fn provenance(&mut self, list: &Spanned<Vec<Spanned<String>>>) -> Vec<Provenance> {
        let mut out = Vec::new();
        for p in list.get_ref() {
            match Provenance::parse(p.get_ref()) {
                Some(v) => out.push(v),
                None => self.err(p.span(), "provenance", {
                    let v = p.get_ref();
                    ja_en!(
                        "{v:?} は FILE:LINE か FILE:LINE-LINE の形ではありません",
                        "{v:?} is not of the form FILE:LINE or FILE:LINE-LINE"
                    )
                }),
            }
        }
        out
    }
    fn documents(&mut self, docs: &[Document]) -> Vec<SourceDoc> {
        let mut out = Vec::new();
        for d in docs {
            let sha = d.sha256.get_ref();
            if sha.len() != 64 || !sha.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()) {
                self.err(
                    d.sha256.span(),
                    "sha256",
                    Msg::new(
                        "sha256 は小文字 16 進の 64 文字でなければなりません",
                        "sha256 must be 64 lower-case hex digits",
                    ),
                );
            }
            out.push(SourceDoc {
                file: d.file.get_ref().clone(),
                sha256: sha.clone(),
                description: d.description.clone(),
            });
        }
        out
    }
    fn choice<T>(
        &mut self,
        s: &Spanned<String>,
        field: &str,
        parse: fn(&str) -> Option<T>,
        allowed: &str,
    ) -> Option<T> {
        let v = parse(s.get_ref());
        if v.is_none() {
            let v = s.get_ref();
            self.err(
                s.span(),
                field,
                ja_en!(
                    "{field} に {v:?} は使えません。次のいずれかを書いてください: {allowed}",
                    "unknown {field} {v:?}; expected one of: {allowed}"
                ),
            );
        }
        v
    }
}

fn opt_str(s: &Option<Spanned<String>>) -> Option<String> {
    s.as_ref().map(|s| s.get_ref().clone())
}

/// Parses one catalog or mapping-set file. `file` names it in diagnostics.
pub fn parse(file: &str, text: &str) -> Result<Parsed, Vec<Diagnostic>> {
    let mut cx = Ctx { file, lines: LineIndex::new(text), diags: Vec::new() };
    let raw: FileIn = match toml::from_str(text) {
        Ok(r) => r,
        Err(e) => {
            let span = e.span().unwrap_or(0..0);
            let detail = e.message().trim_end();
            cx.err(span, "toml", ja_en!("カタログファイルとして読めません（{detail}）", "{detail}"));
            return Err(cx.diags);
        }
    };
    let out = match (raw.catalog, raw.mapping_set) {
        (Some(head), None) => {
            if let Some(m) = raw.mapping.first() {
                cx.err(
                    m.span(),
                    "mapping",
                    Msg::new(
                        "カタログのファイルに [[mapping]] の行は置けません。対応表（mapping set）のファイルに置いてください",
                        "a catalog file cannot hold [[mapping]] rows; put them in a mapping-set file",
                    ),
                );
            }
            catalog(&mut cx, head, raw.requirement).map(|(c, s)| Parsed::Catalog(c, s))
        }
        (None, Some(head)) => {
            if let Some(r) = raw.requirement.first() {
                cx.err(
                    r.span(),
                    "requirement",
                    Msg::new(
                        "対応表（mapping set）のファイルに [[requirement]] の行は置けません",
                        "a mapping-set file cannot hold [[requirement]] rows",
                    ),
                );
            }
            mapping_set(&mut cx, head, raw.mapping).map(|(m, s)| Parsed::MappingSet(m, s))
        }
        (Some(c), Some(_)) => {
            cx.err(
                c.span(),
                "catalog",
                Msg::new(
                    "1 つのファイルには [catalog] か [mapping_set] のどちらか一方だけを書きます",
                    "a file holds either [catalog] or [mapping_set], not both",
                ),
            );
            None
        }
        (None, None) => {
            cx.err(
                0..0,
                "catalog",
                Msg::new(
                    "[catalog] の表も [mapping_set] の表もありません: sansho のカタログファイルではありません",
                    "neither a [catalog] nor a [mapping_set] table: not a sansho catalog file",
                ),
            );
            None
        }
    };
    match out {
        Some(p) if cx.diags.is_empty() => Ok(p),
        _ => Err(cx.diags),
    }
}

fn catalog(
    cx: &mut Ctx,
    head: Spanned<CatalogHead>,
    rows: Vec<Spanned<RequirementRow>>,
) -> Option<(Catalog, FileSpans)> {
    let mut spans = FileSpans::default();
    spans.head.insert("", head.span());
    let h = head.into_inner();
    spans.head.insert("id", h.id.span());
    spans.head.insert("title", h.title.span());
    let id = cx.catalog_id(&h.id, "id");
    let kind = cx.choice(&h.kind, "kind", CatalogKind::parse, "guideline, checklist, questionnaire");
    if let Some(d) = &h.date {
        let ok = matches!(d.get_ref().len(), 4 | 7 | 10)
            && d.get_ref().split('-').all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
        if !ok {
            {
                let v = d.get_ref();
                cx.err(
                    d.span(),
                    "date",
                    ja_en!(
                        "日付 {v:?} は YYYY、YYYY-MM、YYYY-MM-DD のいずれの形でもありません",
                        "date {v:?} is not YYYY, YYYY-MM or YYYY-MM-DD"
                    ),
                );
            }
        }
    }
    let sources = cx.documents(&h.document);
    let outline = match (&h.outline, &h.outline_note) {
        (Some(o), note) if *o.get_ref() => {
            Some(sansho_core::Outline { note: note.as_ref().map(|n| n.get_ref().clone()) })
        }
        (_, Some(n)) => {
            cx.err(
                n.span(),
                "outline_note",
                Msg::new("`outline_note` には `outline = true` が必要です", "`outline_note` needs `outline = true`"),
            );
            None
        }
        _ => None,
    };
    let mut requirements = Vec::with_capacity(rows.len());
    for row in rows {
        let mut s: Spans = HashMap::new();
        s.insert("", row.span());
        let r = row.into_inner();
        s.insert("id", r.id.span());
        s.insert("label", r.label.span());
        if !r.provenance.get_ref().is_empty() {
            s.insert("provenance", r.provenance.span());
        }
        for (k, v) in [
            ("parent", &r.parent),
            ("title", &r.title),
            ("text", &r.text),
            ("level", &r.level),
            ("category", &r.category),
        ] {
            if let Some(v) = v {
                s.insert(k, v.span());
            }
        }
        spans.rows.push(s);
        let rid = cx.local_id(&r.id, "id");
        let parent = r.parent.as_ref().and_then(|p| cx.local_id(p, "parent"));
        let kind = cx.choice(&r.kind, "kind", NodeKind::parse, "volume, chapter, section, item, sub-item");
        let level =
            r.level.as_ref().and_then(|l| cx.choice(l, "level", Level::parse, "mandatory, recommended, informative"));
        let category = r.category.as_ref().and_then(|c| {
            cx.choice(c, "category", Category::parse, "organizational, physical, technical, human, or a heading")
        });
        let provenance = cx.provenance(&r.provenance);
        if let (Some(rid), Some(kind)) = (rid, kind) {
            requirements.push(Requirement {
                id: rid,
                parent,
                kind,
                label: r.label.get_ref().clone(),
                title: opt_str(&r.title),
                text: opt_str(&r.text),
                level,
                category,
                topics: r.topics,
                page: r.page,
                provenance,
                note: r.note,
                ext: r.ext.map(Box::new),
            });
        }
    }
    let catalog = Catalog {
        id: id?,
        title: Localized { ja: h.title.into_inner(), en: h.title_en },
        issuers: h.issuers,
        edition: h.edition,
        date: h.date.map(Spanned::into_inner),
        kind: kind?,
        sources,
        description: h.description,
        requirements,
        outline,
        ext: h.ext.map(Box::new),
    };
    Some((catalog, spans))
}

fn mapping_set(
    cx: &mut Ctx,
    head: Spanned<MappingSetHead>,
    rows: Vec<Spanned<MappingRow>>,
) -> Option<(MappingSet, FileSpans)> {
    let mut spans = FileSpans::default();
    spans.head.insert("", head.span());
    let h = head.into_inner();
    spans.head.insert("id", h.id.span());
    spans.head.insert("source", h.source.span());
    spans.head.insert("target", h.target.span());
    let source = cx.catalog_id(&h.source, "source");
    let target = cx.catalog_id(&h.target, "target");
    if h.id.get_ref().trim().is_empty() {
        cx.err(h.id.span(), "id", Msg::new("対応表の ID が空です", "mapping set id is empty"));
    }
    let sources = cx.documents(&h.document);
    let mut mappings = Vec::with_capacity(rows.len());
    for row in rows {
        let mut s: Spans = HashMap::new();
        s.insert("", row.span());
        let m = row.into_inner();
        s.insert("relation", m.relation.span());
        if !m.provenance.get_ref().is_empty() {
            s.insert("provenance", m.provenance.span());
        }
        if let Some(v) = &m.source {
            s.insert("source", v.span());
        }
        if let Some(v) = &m.target {
            s.insert("target", v.span());
        }
        spans.rows.push(s);
        let relation =
            cx.choice(&m.relation, "relation", Relation::parse, &Relation::ALL.map(Relation::as_str).join(", "));
        let basis = cx.choice(&m.basis, "basis", Basis::parse, "source, editorial, derived");
        let src = m.source.as_ref().and_then(|v| cx.local_id(v, "source"));
        let tgt = m.target.as_ref().and_then(|v| cx.local_id(v, "target"));
        let mut via = Vec::new();
        for v in &m.via {
            match ReqRef::parse(v.get_ref()) {
                Ok(r) => via.push(r),
                Err(e) => cx.err(v.span(), "via", ja_en!("要求事項の参照として読めません（{e}）", "{e}")),
            }
        }
        let provenance = cx.provenance(&m.provenance);
        if let (Some(relation), Some(basis)) = (relation, basis) {
            mappings.push(Mapping {
                source: src,
                target: tgt,
                relation,
                basis,
                provenance,
                note: m.note,
                attributes: m.attributes,
                via,
            });
        }
    }
    let set = MappingSet {
        id: h.id.into_inner(),
        title: Localized { ja: h.title, en: h.title_en },
        source: source?,
        target: target?,
        derived: h.derived,
        sources,
        description: h.description,
        mappings,
    };
    Some((set, spans))
}

//! The rows every format shares: every node of the catalog in document order.

use serde::Serialize;

use sansho_core::assess::{ResultBasis, ResultCode, Rollup, is_requirement};
use sansho_core::set::NodeIx;
use sansho_core::{CatalogSet, Level, Relation, Requirement};

use crate::{DERIVED_PREFIX_EN, DERIVED_PREFIX_JA, DONE, EvidenceRef, ExportInput, Lang, NOT_APPLICABLE, NOT_DONE};

/// At most this many derived-from sources are named in a row's 根拠 (all are in `sources`).
const MAX_SOURCES_SHOWN: usize = 6;

/// A group (structure: a heading that only groups) or an item (a requirement to answer).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RowKind {
    /// A heading that only groups requirements; nothing to answer.
    Group,
    /// A requirement to answer.
    Item,
}

/// An answer that a derived result comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SourceRef {
    /// The catalog of the answered requirement (its id).
    pub catalog: String,
    /// The answered requirement's local id.
    pub requirement: String,
    /// Its printed label.
    pub label: String,
    /// The relation of the answered requirement to this row's, composed along the chain.
    pub relation: Relation,
    /// What that answer said.
    pub answered: ResultCode,
}

/// One row of the export. Display fields are in the input's language and ready to print; the
/// machine fields (`kind`, `id`, `result`, `basis`, …) are for JSON and for tests.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Row {
    /// Group or item.
    pub kind: RowKind,
    /// The node's local id.
    pub id: String,
    /// Nesting depth in the catalog (0: top level).
    pub depth: usize,
    /// The printed label in full.
    pub label: String,
    /// No.: for an item, its number after its group's label when the label starts with it
    /// (`組織的安全管理対策 1` under `組織的安全管理対策` → `1`), else the whole label; for a
    /// group, its label.
    pub no: String,
    /// 区分: for an item, the label of the nearest group it is printed under (`6.3`,
    /// `組織的安全管理対策`; empty when there is none); for a group, its own label and title.
    pub section: String,
    /// チェック項目: the requirement text, else its title (verbatim from the catalog). For a
    /// group, its title (empty when it has none beyond its label).
    pub text: String,
    /// The requirement's level, when the catalog gives one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub level: Option<Level>,
    /// レベル, in words.
    pub level_word: String,
    /// The result shown: the direct answer, else (with `include_derived`) the suggestion, else
    /// 未回答. Groups: 未回答.
    pub result: ResultCode,
    /// Where `result` comes from: a direct answer, a derivation, or nothing.
    pub basis: ResultBasis,
    /// The derived result is flagged for review.
    pub needs_review: bool,
    /// 実施済: ■, □ or － (empty for groups).
    pub done: String,
    /// 実施状況: the result's word, prefixed （推定） when it is only derived (empty for groups).
    pub status: String,
    /// 実施内容
    pub how: String,
    /// 根拠: the evidence, one per line, then where a derived result comes from.
    pub evidence: String,
    /// 該当なし理由・備考
    pub notes: String,
    /// 担当者
    pub owner: String,
    /// 期限
    pub due: String,
    /// The evidence as given.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub evidence_refs: Vec<EvidenceRef>,
    /// The answers a derived result comes from (shown only with `include_derived`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<SourceRef>,
    /// The sub-items' roll-up, when a derived result used it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rollup: Option<Rollup>,
}

impl Row {
    /// Whether this row is a heading that only groups (no answer).
    pub fn is_group(&self) -> bool {
        self.kind == RowKind::Group
    }
}

/// A group's label and title as one heading (`6.3 組織的安全管理対策…`, or the label alone when
/// the title repeats it).
pub(crate) fn heading(r: &Requirement) -> String {
    match r.title.as_deref() {
        Some(t) if t != r.label && !t.is_empty() => format!("{} {t}", r.label),
        _ => r.label.clone(),
    }
}

/// `label` without its group's label in front, when it starts with it.
fn short_number(label: &str, group_label: &str) -> String {
    match label.strip_prefix(group_label) {
        Some(rest) if rest.starts_with(char::is_whitespace) && !rest.trim().is_empty() => rest.trim().to_owned(),
        _ => label.to_owned(),
    }
}

pub(crate) fn level_word(level: Option<Level>, lang: Lang) -> &'static str {
    match (level, lang) {
        (Some(l), Lang::Ja) => l.ja(),
        (Some(Level::Mandatory), Lang::En) => "Mandatory",
        (Some(Level::Recommended), Lang::En) => "Recommended",
        (Some(Level::Informative), Lang::En) => "Informative",
        (None, _) => "",
    }
}

pub(crate) fn result_word(r: ResultCode, lang: Lang) -> &'static str {
    match lang {
        Lang::Ja => r.ja(),
        Lang::En => r.as_str(),
    }
}

fn relation_word(r: Relation, lang: Lang) -> &'static str {
    match lang {
        Lang::Ja => r.ja(),
        Lang::En => r.as_str(),
    }
}

/// The 実施済 box of a result.
pub(crate) fn done_box(r: ResultCode) -> &'static str {
    match r {
        ResultCode::Implemented => DONE,
        ResultCode::NotApplicable => NOT_APPLICABLE,
        _ => NOT_DONE,
    }
}

/// One piece of evidence in one line: title, file and hash (or address), dates.
pub(crate) fn evidence_line(e: &EvidenceRef, lang: Lang) -> String {
    let mut what: Vec<String> = Vec::new();
    if let Some(f) = e.file_name.as_deref().filter(|f| !f.is_empty()) {
        what.push(f.to_owned());
    }
    if let Some(h) = e.sha256.as_deref().filter(|h| !h.is_empty()) {
        let short: String = h.chars().take(12).collect();
        what.push(format!("SHA-256:{short}"));
    }
    if let Some(u) = e.url.as_deref().filter(|u| !u.is_empty()) {
        what.push(u.to_owned());
    }
    let mut s = e.title.clone();
    if !what.is_empty() {
        match lang {
            Lang::Ja => s.push_str(&format!("（{}）", what.join(" "))),
            Lang::En => s.push_str(&format!(" ({})", what.join(" "))),
        }
    }
    let expiry = e.expiry.as_deref().unwrap_or("");
    match lang {
        Lang::Ja if !e.effective.is_empty() || !expiry.is_empty() => {
            s.push_str(&format!(" {}〜{expiry}", e.effective));
        }
        Lang::En if !e.effective.is_empty() && !expiry.is_empty() => {
            s.push_str(&format!(" {} to {expiry}", e.effective));
        }
        Lang::En if !e.effective.is_empty() => s.push_str(&format!(" from {}", e.effective)),
        Lang::En if !expiry.is_empty() => s.push_str(&format!(" until {expiry}")),
        _ => {}
    }
    s
}

fn rollup_line(r: &Rollup, lang: Lang) -> String {
    let parts: Vec<String> = ResultCode::ALL
        .iter()
        .zip(r.children)
        .filter(|(_, n)| *n > 0)
        .map(|(code, n)| format!("{} {n}", result_word(*code, lang)))
        .collect();
    match lang {
        Lang::Ja => format!("推定元: 下位項目の集計（{}）", parts.join("、")),
        Lang::En => format!("derived from: its sub-items ({})", parts.join(", ")),
    }
}

fn source_line(s: &SourceRef, lang: Lang) -> String {
    match lang {
        Lang::Ja => format!("推定元: {} {} ({})", s.catalog, s.label, relation_word(s.relation, lang)),
        Lang::En => format!("derived from: {} {} ({})", s.catalog, s.label, relation_word(s.relation, lang)),
    }
}

/// The label of `catalog:local`, or the local id when the set does not have it.
fn label_of(set: &CatalogSet, catalog: &str, local: &str) -> String {
    set.node(catalog, local).map_or_else(|| local.to_owned(), |ix| set.requirement(ix).label.clone())
}

/// The rows of the export: every node of the catalog in document order (empty for a catalog
/// the set does not have).
pub fn rows(input: &ExportInput) -> Vec<Row> {
    let derived = input.derived;
    let set = derived.set();
    let lang = input.lang;
    let nodes = set.catalog_nodes(input.catalog);
    let mut requirement = vec![false; nodes.len()];
    let mut pos = std::collections::HashMap::with_capacity(nodes.len());
    for (i, &ix) in nodes.iter().enumerate() {
        requirement[i] = is_requirement(set, ix);
        pos.insert(ix, i);
    }
    let is_req = |ix: NodeIx| pos.get(&ix).is_some_and(|&i| requirement[i]);
    let mut out = Vec::with_capacity(nodes.len());
    for &ix in &nodes {
        let req = set.requirement(ix);
        let mut depth = 0;
        let mut group: Option<NodeIx> = None;
        let mut up = set.parent_of(ix);
        while let Some(p) = up {
            depth += 1;
            if group.is_none() && !is_req(p) {
                group = Some(p);
            }
            up = set.parent_of(p);
        }
        if !is_req(ix) {
            out.push(Row {
                kind: RowKind::Group,
                id: req.id.as_str().to_owned(),
                depth,
                label: req.label.clone(),
                no: req.label.clone(),
                section: heading(req),
                text: req.title.clone().filter(|t| t != &req.label).unwrap_or_default(),
                level: req.level,
                level_word: level_word(req.level, lang).to_owned(),
                result: ResultCode::Unanswered,
                basis: ResultBasis::None,
                needs_review: false,
                done: String::new(),
                status: String::new(),
                how: String::new(),
                evidence: String::new(),
                notes: String::new(),
                owner: String::new(),
                due: String::new(),
                evidence_refs: Vec::new(),
                sources: Vec::new(),
                rollup: None,
            });
            continue;
        }
        let group_req = group.map(|g| set.requirement(g));
        let no = group_req.map_or_else(|| req.label.clone(), |g| short_number(&req.label, &g.label));
        let section = group_req.map(|g| g.label.clone()).unwrap_or_default();
        let direct = derived.direct(ix).filter(|a| a.result != ResultCode::Unanswered);
        let (result, basis, needs_review) = match direct {
            Some(a) => (a.result, ResultBasis::Direct, false),
            None if input.include_derived => derived.effective(ix),
            None => (ResultCode::Unanswered, ResultBasis::None, false),
        };
        let mut status = result_word(result, lang).to_owned();
        if basis == ResultBasis::Derived {
            status.insert_str(0, lang.t(DERIVED_PREFIX_JA, DERIVED_PREFIX_EN));
        }
        let extra = input.extra.get(req.id.as_str());
        let evidence_refs = extra.map(|e| e.evidence.clone()).unwrap_or_default();
        let mut lines: Vec<String> = evidence_refs.iter().map(|e| evidence_line(e, lang)).collect();

        // Where a result that is not a direct answer comes from.
        let mut sources = Vec::new();
        let mut rollup = None;
        if direct.is_none()
            && input.include_derived
            && let Some(s) = derived.suggestion(ix)
        {
            sources = s
                .sources
                .iter()
                .map(|src| SourceRef {
                    catalog: set.catalog_of(src.from).id.as_str().to_owned(),
                    requirement: set.requirement(src.from).id.as_str().to_owned(),
                    label: set.requirement(src.from).label.clone(),
                    relation: src.reached.relation,
                    answered: src.answered,
                })
                .collect();
            for src in sources.iter().take(MAX_SOURCES_SHOWN) {
                lines.push(source_line(src, lang));
            }
            if sources.len() > MAX_SOURCES_SHOWN {
                let more = sources.len() - MAX_SOURCES_SHOWN;
                lines.push(match lang {
                    Lang::Ja => format!("ほか {more} 件"),
                    Lang::En => format!("and {more} more"),
                });
            }
            if s.rollup_used
                && let Some(r) = &s.rollup
            {
                lines.push(rollup_line(r, lang));
                rollup = Some(r.clone());
            }
            if s.needs_review {
                lines.push(lang.t("要確認", "needs review").to_owned());
            }
        }
        // A direct answer accepted from a suggestion says where it came from.
        if let Some(origin) = direct.and_then(|a| a.origin.as_ref()) {
            for src in origin.sources.iter().take(MAX_SOURCES_SHOWN) {
                let label = label_of(set, src.answer.catalog.as_str(), src.answer.local.as_str());
                let rel = relation_word(src.relation, lang);
                lines.push(match lang {
                    Lang::Ja => format!("推定から採用: {} {label} ({rel})", src.answer.catalog),
                    Lang::En => format!("accepted from: {} {label} ({rel})", src.answer.catalog),
                });
            }
            if origin.sources.is_empty() && origin.rollup.is_some() {
                lines.push(lang.t("推定から採用: 下位項目の集計", "accepted from: its sub-items").to_owned());
            }
        }
        out.push(Row {
            kind: RowKind::Item,
            id: req.id.as_str().to_owned(),
            depth,
            label: req.label.clone(),
            no,
            section,
            text: req.display_text().to_owned(),
            level: req.level,
            level_word: level_word(req.level, lang).to_owned(),
            result,
            basis,
            needs_review,
            done: done_box(result).to_owned(),
            status,
            how: direct.and_then(|a| a.how.clone()).unwrap_or_default(),
            evidence: lines.join("\n"),
            notes: direct.and_then(|a| a.justification.clone()).unwrap_or_default(),
            owner: extra.and_then(|e| e.owner.clone()).unwrap_or_default(),
            due: extra.and_then(|e| e.due.clone()).unwrap_or_default(),
            evidence_refs,
            sources,
            rollup,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_numbers_drop_the_group_label_only_at_a_word_boundary() {
        assert_eq!(short_number("組織的安全管理対策 1", "組織的安全管理対策"), "1");
        assert_eq!(short_number("技術的安全対策 7 (1)", "技術的安全対策"), "7 (1)");
        assert_eq!(short_number("6.3 C 5 (a)", "6.3"), "C 5 (a)");
        assert_eq!(short_number("6.31 C 1", "6.3"), "6.31 C 1");
        assert_eq!(short_number("6.3", "6.3"), "6.3");
        assert_eq!(short_number("情報の破棄 1", "組織的安全管理対策"), "情報の破棄 1");
    }

    #[test]
    fn evidence_lines_show_file_short_hash_address_and_dates() {
        let e = EvidenceRef {
            title: "システム管理規程".into(),
            file_name: Some("kitei.pdf".into()),
            sha256: Some("0123456789abcdef0123".into()),
            url: None,
            effective: "2024-04-01".into(),
            expiry: Some("2026-03-31".into()),
        };
        assert_eq!(
            evidence_line(&e, Lang::Ja),
            "システム管理規程（kitei.pdf SHA-256:0123456789ab） 2024-04-01〜2026-03-31"
        );
        assert_eq!(
            evidence_line(&e, Lang::En),
            "システム管理規程 (kitei.pdf SHA-256:0123456789ab) 2024-04-01 to 2026-03-31"
        );
        let u = EvidenceRef {
            title: "公開ポリシー".into(),
            url: Some("https://example.org/p".into()),
            effective: "2024-04-01".into(),
            ..EvidenceRef::default()
        };
        assert_eq!(evidence_line(&u, Lang::Ja), "公開ポリシー（https://example.org/p） 2024-04-01〜");
        assert_eq!(evidence_line(&u, Lang::En), "公開ポリシー (https://example.org/p) from 2024-04-01");
    }
}

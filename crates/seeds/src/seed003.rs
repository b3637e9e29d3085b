//! Seed 003: a vendor's completed MHLW GL 第3版 「最低限のガイドライン遵守チェックリスト」.
//! Produces the catalog `mhlw-3-checklist`, the mapping set `mhlw-3-checklist--mhlw-5`, and
//! (through [`answers`]) the vendor's answers for the assessments issue.
//!
//! # The seed
//!
//! The checklist is a table per category: チェック項目 (the check item's text) on the left,
//! No. / 実施済 (■ = done, □ = not) / 実施内容 (how) on the right. The extraction emitted the two
//! halves as separate blocks, in scrambled order: an answer block (`No. 実施済 実施内容`
//! followed by numbered marks and texts) may sit far away from its check items, check items of
//! several categories share one block under the wrong heading, and the numbering of the
//! check items was lost altogether — only the answer column prints `1.`, `(1)`, `①`, `(a)`.
//!
//! # What the code does generically
//!
//! - Lines are cleaned with [`crate::text::clean`]. A blank line ends a paragraph.
//! - `No. 実施済 実施内容` starts an answer run; `チェック項目` is the header of the check-item
//!   column. Both are rejected as column headers (with the reason in the report).
//! - Inside an answer run: `N.` starts a top-level answer, `(n)`, `(a)` and a circled number
//!   (`①`, alone or followed by white space) start a sub-answer of the last `N.`; a lone `■`/`□`
//!   (or one after the number) is the mark; any other line is 実施内容 (how). Lines of one
//!   paragraph are joined, paragraphs of one answer are kept apart by a line break. An answer
//!   with sub-answers is not a leaf; a leaf without a how of its own takes its parent's how
//!   (the vendor wrote it once on the parent row, e.g. 「無線ＬＡＮは使用していない。」).
//! - An answer run that directly follows a category heading belongs to that category.
//! - Wrapped lines of a text are joined without a separator (Japanese has no spaces; a space
//!   is inserted only between two ASCII letters or digits). A line that starts a list entry
//!   (`・`, `(a)`, `(1)`, `①`) keeps its line break.
//! - Answer leaves are paired with check items by their printed label within the category.
//!
//! # What the overrides decide (`data/overrides/003.toml`)
//!
//! Each entry names a seed line, an action and a reason; every entry must be used.
//!
//! | action | on line | arguments | meaning |
//! | --- | --- | --- | --- |
//! | `section` | a category heading | `id`, `order` | the heading starts category `id` (section node), `order` places it in the checklist |
//! | `title` | first title line | `end` | lines `line..=end` are the checklist's printed title (joined with a space) |
//! | `description` | first line | `end` | lines `line..=end` are the checklist's own description of itself |
//! | `date` | the 更新情報 line | — | the line gives the checklist's date (平成 era, converted) |
//! | `check-item` | first line of a check item's text | `id`, `label` | the paragraph from here is the text of check item `id`, printed label `<category title> <label>` |
//! | `continue` | first line of a paragraph | `id`, `part` | the paragraph is part number `part` (2, 3 …) of check item `id`'s text, which the extraction split |
//! | `answers` | a `No.` header or a stray answer number | `section` | the answer run from here belongs to category `section` |
//! | `answer-path` | an answer number line | `label` | the printed number restarts under an unnumbered lead-in; the answer's label is `label` |
//! | `mark` | a lone `■`/`□` outside any answer run | `section`, `label` | the mark belongs to that answer |
//! | `how` | first line of a stray 実施内容 paragraph | `section`, `label` | the paragraph is that answer's how |
//!
//! # Ids and labels
//!
//! A category is a section node with id = its `section` id (`org`, `phys`, `tech`,
//! `human-staff`, `human-contractor`, `disposal`, `maintenance`, `takeout`, `emergency`,
//! `exchange`) and label = its heading as printed. A check item's label is
//! `<category heading> <numbers as printed in the No. column>`, numbers separated by a space:
//! `組織的安全管理対策 1`, `技術的安全対策 7 (1)`,
//! `人的安全対策（事務取扱委託業者の監督及び守秘義務契約）1 ①`, `情報の破棄 4 (a)`. Where the
//! printed numbering restarts under an unnumbered lead-in (技術的 7: 「また、利用者は以下の事項に
//! 留意している。」 (1) (2)), the lead-in gets the word 利用者 from its text as its number:
//! `技術的安全対策 7 利用者`, `技術的安全対策 7 利用者 (1)`. Ids are structural: the section id and
//! the numbers (`(1)`, `①`, `(a)` all become `1`), e.g. `org-1`, `tech-7-1`, `tech-7-user-1`,
//! `human-contractor-1-2`, `disposal-4-1`. A node's parent is the longest id it extends.
//!
//! # The mapping to `mhlw-5`
//!
//! The check items restate the 第3版 C requirements. The matches were made by reading both
//! texts and live in `data/mappings/mhlw-3-checklist--mhlw-5.toml` (embedded at build time):
//! `[[map]]` entries (check item id → mhlw-5 printed label, relation, `note` — the reviewer's
//! record, in English — and `note_ja`, the catalog's note) and `[[unmapped]]` entries (check
//! items whose counterpart is not in our partial `mhlw-5`, with the reason).
//! Every check item must appear in one of the two; labels are resolved against the `mhlw5`
//! catalog with [`label_key`], and an unresolved label is an error naming the table's line.

use std::collections::HashMap;

use lazy_regex::{Lazy, Regex, lazy_regex};
use serde::Deserialize;

use sansho_core::label::{fold, label_key};
use sansho_core::{
    Basis, Catalog, CatalogId, CatalogKind, Category, Level, LocalId, Localized, Mapping, MappingSet, NodeKind,
    Provenance, Relation, Requirement,
};

use crate::{ImportError, ImportReport, Output, Override, Overrides, Seed};

mod parse;
use parse::parse;

/// The catalog's id.
pub const CATALOG_ID: &str = "mhlw-3-checklist";
/// The mapping set's id.
pub const MAPPING_SET_ID: &str = "mhlw-3-checklist--mhlw-5";
/// Where the editorial match table lives (for messages and provenance).
pub const TABLE_FILE: &str = "data/mappings/mhlw-3-checklist--mhlw-5.toml";
/// How every note of the mapping set begins (the rest is the entry's `note_ja`).
pub const MATCH_NOTE: &str = "双方の本文を読み比べて対応付け：";
const TABLE: &str = include_str!("../../../data/mappings/mhlw-3-checklist--mhlw-5.toml");

const HEADER_ANSWERS: &str = "No. 実施済 実施内容";
const HEADER_CHECKS: &str = "チェック項目";

/// One answer of the vendor's completed checklist, paired with its check item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    /// The check item in `mhlw-3-checklist`.
    pub requirement: LocalId,
    /// The check item's printed label.
    pub label: String,
    /// 実施済: ■ = true, □ = false.
    pub implemented: bool,
    /// 実施内容, verbatim (paragraphs separated by a line break).
    pub how: Option<String>,
    /// The seed line of the answer's printed number.
    pub line: u32,
    /// Every seed line range the answer was read from (number, mark, how).
    pub provenance: Vec<Provenance>,
}

/// Builds `mhlw-3-checklist` and `mhlw-3-checklist--mhlw-5`.
pub fn import(seed: &Seed, ov: &Overrides, mhlw5: &Catalog) -> Result<Output, ImportError> {
    let mut parsed = parse(seed, ov)?;
    let catalog = build_catalog(seed, &parsed)?;
    let set = build_mapping(seed, &catalog, mhlw5, &mut parsed.report)?;
    let (_, report) = pair(seed, &catalog, parsed)?;
    Ok(Output { catalogs: vec![catalog], mapping_sets: vec![set], reports: vec![report], ..Output::default() })
}

/// The vendor's answers, paired with the check items of `checklist` (the catalog [`import`]
/// built). Leaves that cannot be paired are listed in the report's rejections and notes.
pub fn answers(seed: &Seed, ov: &Overrides, checklist: &Catalog) -> Result<(Vec<Answer>, ImportReport), ImportError> {
    let parsed = parse(seed, ov)?;
    pair(seed, checklist, parsed)
}

// ---------------------------------------------------------------------------------------
// Parsing

#[derive(Debug)]
struct Section {
    id: String,
    order: i64,
    title: String,
    line: u32,
}

#[derive(Debug, Default)]
struct Para {
    first: u32,
    last: u32,
    lines: Vec<String>,
}

impl Para {
    fn new(line: u32, text: String) -> Self {
        Self { first: line, last: line, lines: vec![text] }
    }
    fn push(&mut self, line: u32, text: String) {
        self.last = line;
        self.lines.push(text);
    }
    fn text(&self) -> String {
        join_wrapped(&self.lines)
    }
}

#[derive(Debug)]
struct Item {
    id: String,
    label: String,
    /// `(part, paragraph)`.
    parts: Vec<(i64, Para)>,
    defined_at: usize,
}

#[derive(Debug)]
struct AnswerNode {
    section: String,
    label: String,
    line: u32,
    mark: Option<(bool, u32)>,
    how: Vec<Para>,
    parent: Option<usize>,
    children: usize,
}

#[derive(Debug)]
struct Parsed {
    title: Option<(String, u32, u32)>,
    description: Option<(String, u32, u32)>,
    date: Option<(String, u32)>,
    sections: Vec<Section>,
    items: Vec<Item>,
    answers: Vec<AnswerNode>,
    report: ImportReport,
    /// The overrides file's name, for messages.
    overrides_file: String,
}

/// What a seed line was used for; every line gets exactly one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Use {
    Read(&'static str),
    Layout(&'static str),
    Rejected,
}

enum Target {
    None,
    Item(usize, usize),
    Answer(usize),
    Stray(usize),
    Cont(usize),
}

enum Ctx {
    Checks,
    Answers { section: String, top: Option<usize>, cur: Option<usize> },
}

static TOP: Lazy<Regex> = lazy_regex!(r"^(\d+)\.(?:\s+(.*))?$");
static SUB: Lazy<Regex> = lazy_regex!(r"^(\(\d+\)|\([a-z]\)|[①-⑳])(?:\s*([■□]))?(?:\s+(.*))?$");
static MARK_REST: Lazy<Regex> = lazy_regex!(r"^([■□])?\s*(.*)$");
static HEISEI: Lazy<Regex> = lazy_regex!(r"平成(\d+)年(\d+)月(\d+)日");
static EDITION: Lazy<Regex> = lazy_regex!(r"第\d+版");

fn err(seed: &Seed, line: u32, msg: impl Into<String>) -> ImportError {
    ImportError::at(&seed.name, line as usize, 1, msg)
}

fn ov_err(ov: &Overrides, o: &Override, msg: impl Into<String>) -> ImportError {
    ImportError::at(&ov.file, o.defined_at, 1, msg)
}

/// A printed answer number: `N.` (top) or a sub-number, the mark and the rest of the line.
struct Marker {
    top: bool,
    number: String,
    mark: Option<bool>,
    rest: String,
}

fn marker(t: &str) -> Option<Marker> {
    if let Some(c) = TOP.captures(t) {
        let rest = c.get(2).map_or("", |m| m.as_str());
        let r = MARK_REST.captures(rest)?;
        return Some(Marker {
            top: true,
            number: c[1].to_owned(),
            mark: r.get(1).map(|m| m.as_str() == "■"),
            rest: r[2].trim().to_owned(),
        });
    }
    let c = SUB.captures(t)?;
    Some(Marker {
        top: false,
        number: c[1].to_owned(),
        mark: c.get(2).map(|m| m.as_str() == "■"),
        rest: c.get(3).map_or("", |m| m.as_str()).trim().to_owned(),
    })
}

fn lone_mark(t: &str) -> Option<bool> {
    match t {
        "■" => Some(true),
        "□" => Some(false),
        _ => None,
    }
}

fn is_list_start(t: &str) -> bool {
    let mut cs = t.chars();
    match cs.next() {
        Some('・' | '①'..='⑳') => true,
        Some('(' | '（') => {
            let inner: String = cs.take_while(|&c| c != ')' && c != '）').collect();
            !inner.is_empty() && inner.chars().count() <= 2 && inner.chars().all(|c| c.is_ascii_alphanumeric())
        }
        _ => false,
    }
}

/// Joins the wrapped lines of one printed cell: no separator (Japanese wraps mid-word), a
/// space only between two ASCII alphanumerics, a line break before a list entry.
fn join_wrapped(lines: &[String]) -> String {
    let mut out = String::new();
    for l in lines {
        let l = l.trim();
        if l.is_empty() {
            continue;
        }
        if let (Some(a), Some(b)) = (out.chars().last(), l.chars().next()) {
            if is_list_start(l) {
                out.push('\n');
            } else if a.is_ascii_alphanumeric() && b.is_ascii_alphanumeric() {
                out.push(' ');
            }
        }
        out.push_str(l);
    }
    out
}

// ---------------------------------------------------------------------------------------
// The catalog

fn section_of<'a>(sections: &'a [Section], id: &str) -> Option<&'a Section> {
    sections
        .iter()
        .filter(|s| id.strip_prefix(s.id.as_str()).is_some_and(|r| r.starts_with('-')))
        .max_by_key(|s| s.id.len())
}

fn category(title: &str) -> Category {
    Category::from_ja(title).unwrap_or_else(|| Category::Other(title.to_owned()))
}

/// Sort key of an id's segments after the section id: numbers first, in numeric order.
fn order_key(rest: &str) -> Vec<(u8, u64, String)> {
    rest.split('-')
        .filter(|s| !s.is_empty())
        .map(|s| match s.parse::<u64>() {
            Ok(n) => (0, n, String::new()),
            Err(_) => (1, 0, s.to_owned()),
        })
        .collect()
}

fn build_catalog(seed: &Seed, p: &Parsed) -> Result<Catalog, ImportError> {
    let (title, t1, _) =
        p.title.clone().ok_or_else(|| err(seed, 0, "no `title` override: the checklist has no title"))?;
    let edition = EDITION
        .find(&fold(&title))
        .map(|m| m.as_str().to_owned())
        .ok_or_else(|| err(seed, t1, "the title names no edition 第N版"))?;
    let mut sections: Vec<&Section> = p.sections.iter().collect();
    sections.sort_by_key(|s| s.order);

    let mut reqs = Vec::new();
    for s in &sections {
        let sid = LocalId::parse(&s.id).map_err(|e| err(seed, s.line, e.to_string()))?;
        let mut node = Requirement::new(sid, NodeKind::Section, s.title.clone());
        node.title = Some(s.title.clone());
        node.category = Some(category(&s.title));
        node.provenance = vec![seed.provenance(s.line)];
        reqs.push(node);

        let mut items: Vec<&Item> =
            p.items.iter().filter(|i| section_of(&p.sections, &i.id).is_some_and(|x| x.id == s.id)).collect();
        items.sort_by_key(|i| order_key(&i.id[s.id.len()..]));
        for it in items {
            let line = it.parts[0].1.first;
            // Parent: the longest id this one extends, else the section.
            let mut parent = s.id.clone();
            let mut cut = it.id.as_str();
            while let Some((head, _)) = cut.rsplit_once('-') {
                if head.len() <= s.id.len() {
                    break;
                }
                if p.items.iter().any(|x| x.id == head) {
                    parent = head.to_owned();
                    break;
                }
                cut = head;
            }
            let kind = if parent == s.id { NodeKind::Item } else { NodeKind::SubItem };
            let id = LocalId::parse(&it.id).map_err(|e| err(seed, line, e.to_string()))?;
            let mut node = Requirement::new(id, kind, format!("{} {}", s.title, it.label.trim()));
            node.parent = Some(LocalId::parse(&parent).map_err(|e| err(seed, line, e.to_string()))?);
            let mut parts: Vec<&(i64, Para)> = it.parts.iter().collect();
            parts.sort_by_key(|(k, _)| *k);
            node.text = Some(parts.iter().map(|(_, para)| para.text()).collect::<Vec<_>>().join("\n"));
            node.provenance = parts.iter().map(|(_, para)| seed.provenance_range(para.first, para.last)).collect();
            node.level = Some(Level::Mandatory);
            node.category = Some(category(&s.title));
            reqs.push(node);
        }
    }
    for it in &p.items {
        if section_of(&p.sections, &it.id).is_none() {
            return Err(ImportError::at(
                &p.overrides_file,
                it.defined_at,
                1,
                format!("check item {} starts with no section id", it.id),
            ));
        }
    }
    let mut seen = HashMap::new();
    for r in &reqs {
        if let Some(prev) = seen.insert(label_key(&r.label), r.id.clone()) {
            return Err(err(
                seed,
                r.provenance[0].line,
                format!("label {} of {} is also the label of {prev}", r.label, r.id),
            ));
        }
    }

    let mut description = String::new();
    if let Some((d, _, _)) = &p.description {
        description.push_str(d);
        description.push_str("\n\n");
    }
    description.push_str(
        "ある事業者が記入済みのチェックリスト（出典003）に記載されたとおりのチェック項目。抽出時に項目の番号が\
         失われたため、回答欄から復元した（data/overrides/003.toml 参照）。事業者の回答はカタログに含めない。",
    );

    Ok(Catalog {
        id: CatalogId::parse(CATALOG_ID).expect("valid catalog id"),
        title: Localized::new(
            title,
            "Guidelines for the Security Management of Medical Information Systems, 3rd edition: minimum-guideline compliance checklist",
        ),
        issuers: vec!["厚生労働省".to_owned()],
        edition,
        date: p.date.as_ref().map(|(d, _)| d.clone()),
        kind: CatalogKind::Checklist,
        sources: vec![seed.source_doc(
            "ある事業者が記入済みの厚労省GL 第3版 最低限のガイドライン遵守チェックリスト（チェック項目、実施済 ■/□、実施内容）",
        )],
        description: Some(description),
        requirements: reqs,
        outline: None,
        ext: None,
    })
}

// ---------------------------------------------------------------------------------------
// The mapping set

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Table {
    #[serde(default)]
    map: Vec<toml::Spanned<MapEntry>>,
    #[serde(default)]
    unmapped: Vec<toml::Spanned<Unmapped>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct MapEntry {
    item: String,
    target: String,
    relation: String,
    /// How the match was made, for the reviewers (English).
    note: String,
    /// The same for the catalog's users (Japanese): the mapping's note.
    note_ja: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Unmapped {
    item: String,
    reason: String,
}

fn table_line(off: usize) -> usize {
    TABLE[..off.min(TABLE.len())].matches('\n').count() + 1
}

fn table_err(line: usize, msg: impl Into<String>) -> ImportError {
    ImportError::at(TABLE_FILE, line, 1, msg)
}

fn build_mapping(
    seed: &Seed,
    catalog: &Catalog,
    mhlw5: &Catalog,
    report: &mut ImportReport,
) -> Result<MappingSet, ImportError> {
    let table: Table = toml::from_str(TABLE).map_err(|e| {
        let line = e.span().map_or(0, |s| table_line(s.start));
        table_err(line, e.message().to_owned())
    })?;
    let mut targets: HashMap<String, Vec<&Requirement>> = HashMap::new();
    for r in &mhlw5.requirements {
        targets.entry(label_key(&r.label)).or_default().push(r);
    }
    let mut covered: HashMap<&str, usize> = HashMap::new();
    let mut mappings = Vec::new();
    for e in &table.map {
        let line = table_line(e.span().start);
        let e = e.get_ref();
        let src =
            catalog.get(&e.item).ok_or_else(|| table_err(line, format!("no check item {} in {CATALOG_ID}", e.item)))?;
        let relation = Relation::parse(&e.relation)
            .filter(|r| {
                matches!(
                    r,
                    Relation::Equivalent
                        | Relation::Subset
                        | Relation::Superset
                        | Relation::Intersects
                        | Relation::Related
                )
            })
            .ok_or_else(|| {
                table_err(
                    line,
                    format!(
                        "relation {:?}: use equivalent-to, subset-of, superset-of, intersects-with or related-to",
                        e.relation
                    ),
                )
            })?;
        let tgt = match targets.get(&label_key(&e.target)).map(Vec::as_slice) {
            Some([one]) => *one,
            Some(many) => {
                return Err(table_err(
                    line,
                    format!("label {:?} is ambiguous in {}: {} nodes have it", e.target, mhlw5.id, many.len()),
                ));
            }
            None => return Err(table_err(line, format!("label {:?} does not resolve in {}", e.target, mhlw5.id))),
        };
        if e.note.trim().is_empty() || e.note_ja.trim().is_empty() {
            return Err(table_err(line, "every match needs a note and a note_ja saying how it was matched"));
        }
        *covered.entry(src.id.as_str()).or_default() += 1;
        let mut m = Mapping::new(Some(src.id.clone()), Some(tgt.id.clone()), relation, Basis::Editorial);
        m.provenance = vec![src.provenance[0].clone(), Provenance::line(TABLE_FILE, line as u32)];
        m.note = Some(format!("{MATCH_NOTE}{}", e.note_ja.trim()));
        report.count(format!("{MAPPING_SET_ID} {}", relation.as_str()), 1);
        mappings.push(m);
    }
    let mut unmapped = Vec::new();
    for u in &table.unmapped {
        let line = table_line(u.span().start);
        let u = u.get_ref();
        let src =
            catalog.get(&u.item).ok_or_else(|| table_err(line, format!("no check item {} in {CATALOG_ID}", u.item)))?;
        if covered.contains_key(src.id.as_str()) {
            return Err(table_err(line, format!("{} is both mapped and listed as unmapped", u.item)));
        }
        if u.reason.trim().is_empty() {
            return Err(table_err(line, "an unmapped check item needs a reason"));
        }
        *covered.entry(src.id.as_str()).or_default() += 1;
        unmapped.push(format!("{} ({}): {}", src.id, src.label, u.reason.trim()));
    }
    for r in catalog.requirements.iter().filter(|r| r.text.is_some()) {
        if !covered.contains_key(r.id.as_str()) {
            return Err(table_err(
                0,
                format!("check item {} ({}) is neither mapped nor listed as unmapped", r.id, r.label),
            ));
        }
    }
    report.count(format!("{MAPPING_SET_ID} edges"), mappings.len());
    report.count(format!("{MAPPING_SET_ID} unmapped check items"), unmapped.len());
    for u in unmapped {
        report.notes.push(format!("not mapped to mhlw-5: {u}"));
    }
    Ok(MappingSet {
        id: MAPPING_SET_ID.to_owned(),
        title: Localized::new(
            "第3版 最低限のガイドライン遵守チェックリスト → 厚労省GL（第5版系）",
            "MHLW GL 3rd-edition minimum checklist → MHLW GL (5th-edition numbering)",
        ),
        source: catalog.id.clone(),
        target: mhlw5.id.clone(),
        derived: false,
        sources: vec![seed.source_doc("ある事業者が記入済みの厚労省GL 第3版 最低限のガイドライン遵守チェックリスト")],
        description: Some(format!(
            "編集上の対応付け：各チェック項目は第3版のC（最低限のガイドライン）の要求事項を言い換えたものであり、\
             双方の本文を読み比べて、言い換えの元にあたる mhlw-5 の要求事項に対応付けた（{TABLE_FILE}）。\
             対応する要求事項が、出典000の引用する mhlw-5 の本文にないチェック項目にはエントリがない。\
             mhlw-5 は部分的な収録であるため、エントリがないことは厚労省GLについて何も示さない。"
        )),
        mappings,
    })
}

// ---------------------------------------------------------------------------------------
// Answers

fn pair(seed: &Seed, checklist: &Catalog, p: Parsed) -> Result<(Vec<Answer>, ImportReport), ImportError> {
    let mut report = p.report;
    let mut by_label: HashMap<String, Vec<&Requirement>> = HashMap::new();
    for r in &checklist.requirements {
        by_label.entry(label_key(&r.label)).or_default().push(r);
    }
    let title_of: HashMap<&str, &str> = p.sections.iter().map(|s| (s.id.as_str(), s.title.as_str())).collect();
    let mut out = Vec::new();
    let mut leaves = 0;
    let mut inherited = 0;
    for a in p.answers.iter().filter(|a| a.children == 0) {
        leaves += 1;
        let title = title_of.get(a.section.as_str()).copied().unwrap_or_default();
        let label = format!("{title} {}", a.label);
        let Some((implemented, mark_line)) = a.mark else {
            report.reject(a.line, format!("answer {label}: no 実施済 mark (■/□) was printed for it; not paired"));
            continue;
        };
        let req = match by_label.get(&label_key(&label)).map(Vec::as_slice) {
            Some([one]) if one.text.is_some() => *one,
            Some([_, _, ..]) => {
                report.reject(a.line, format!("answer {label}: several check items have this label; not paired"));
                continue;
            }
            _ => {
                report.reject(a.line, format!("answer {label}: no check item {label} in {}; not paired", checklist.id));
                continue;
            }
        };
        let mut how_paras: &[Para] = &a.how;
        if how_paras.is_empty()
            && let Some(pi) = a.parent
        {
            how_paras = &p.answers[pi].how;
            if !how_paras.is_empty() {
                inherited += 1;
            }
        }
        let how = if how_paras.is_empty() {
            None
        } else {
            Some(how_paras.iter().map(Para::text).collect::<Vec<_>>().join("\n"))
        };
        let mut provenance = vec![seed.provenance(a.line)];
        if mark_line != a.line {
            provenance.push(seed.provenance(mark_line));
        }
        provenance.extend(how_paras.iter().map(|h| seed.provenance_range(h.first, h.last)));
        provenance.dedup();
        out.push(Answer {
            requirement: req.id.clone(),
            label: req.label.clone(),
            implemented,
            how,
            line: a.line,
            provenance,
        });
    }
    report.count("answers: leaves", leaves);
    report.count("answers: paired", out.len());
    report.count("answers: unpaired", leaves - out.len());
    report.count("answers: implemented ■", out.iter().filter(|a| a.implemented).count());
    report.count("answers: not implemented □", out.iter().filter(|a| !a.implemented).count());
    if inherited > 0 {
        report.notes.push(format!(
            "{inherited} answers have no 実施内容 of their own and take the one printed on their parent row"
        ));
    }
    let nodes = checklist.requirements.len();
    report.count(format!("{} nodes", checklist.id), nodes);
    report.count(format!("{} check items", checklist.id), checklist.requirement_count());
    for s in checklist.requirements.iter().filter(|r| r.kind == NodeKind::Section) {
        let n = count_under(checklist, s.id.as_str());
        report.count(format!("{} check items in {}", checklist.id, s.label), n);
    }
    Ok((out, report))
}

fn count_under(c: &Catalog, id: &str) -> usize {
    let mut n = 0;
    for r in &c.requirements {
        let mut cur = r.parent.as_ref();
        while let Some(p) = cur {
            if p.as_str() == id {
                n += 1;
                break;
            }
            cur = c.get(p.as_str()).and_then(|x| x.parent.as_ref());
        }
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers() {
        let m = marker("6. ■ 実施している。").unwrap();
        assert!(m.top && m.mark == Some(true) && m.rest == "実施している。");
        let m = marker("8. 無線ＬＡＮは使用していない。").unwrap();
        assert!(m.top && m.mark.is_none() && m.rest == "無線ＬＡＮは使用していない。");
        let m = marker("② ■ メール及び口頭（電話）で報告").unwrap();
        assert!(!m.top && m.number == "②" && m.mark == Some(true));
        assert!(marker("①スクリーンセーバーの設定").is_none());
        assert!(marker("(a)個人情報の記録媒体").is_none());
        assert_eq!(marker("(3)").unwrap().number, "(3)");
        assert_eq!(marker("(a)").unwrap().number, "(a)");
    }

    #[test]
    fn joins_wrapped_lines() {
        let l = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(join_wrapped(&l(&["システム管理規程を定めてい", "る。"])), "システム管理規程を定めている。");
        assert_eq!(join_wrapped(&l(&["次の内容を定めている。", "(a)方法"])), "次の内容を定めている。\n(a)方法");
        assert_eq!(join_wrapped(&l(&["外部との交換は", "①暗号化"])), "外部との交換は\n①暗号化");
        assert_eq!(join_wrapped(&l(&["SSIDや", "MACアドレス"])), "SSIDやMACアドレス");
        assert_eq!(join_wrapped(&l(&["IP", "address"])), "IP address");
    }
}

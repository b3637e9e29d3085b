//! `mhlw-6` (MHLW GL 第6.0版) from the sections seed 001 cites and the targets of seed 002's
//! 5.2 → 6.0 migration table; `mhlw-5.2` (the 第5.2版 items 002 shows) and the migration set.
//!
//! # The seeds
//!
//! **002** is page 8 of 9 of MHLW's 「第5.2版→第6.0版項目移行対応表(案)」 as a web page's
//! automatic extraction. The table has the columns 第5.2版 項番 / 区分 / 内容 and one column
//! per 第6.0版 volume (概説 (Overview) / 経営管理編 (Governance) / 企画管理編 (Management) /
//! システム運用編 (Control) / Q&A). The extraction kept the 5.2 text in reading order but emitted
//! every 6.0 reference cell (`5`, `7⑥`, `1.1、1.2`, `16①②③` …) as a line of its own, floating
//! between the 5.2 lines, and lost which volume column it stood in. So:
//!
//! - the volume of a 002 reference is **never** decided: each reference cell becomes a node
//!   under the top-level node `unplaced` (「巻不明（出典002で列が失われた参照）」), one node per
//!   printed occurrence, because the same printed number (`4.1`, `16①`) occurs in different
//!   columns (9.2 C 1 has `4.1` twice) and so may name different items;
//! - which 5.2 row a reference belongs to is a reviewed decision per reference line (override
//!   `pair`); a reference line without one is an error.
//!
//! **001** (the 2026-02 survey report) cites 第6.0版 sections by volume, number and a heading in
//! 「」, （） or () (`厚労省GLシステム運用編 8.2「情報機器等の脆弱性への対策」`), a 遵守事項 by its
//! circled number, and two pages (`概説編 9 頁`, `企画管理編 27頁`) whose wording it quotes.
//!
//! # What is built
//!
//! - `mhlw-6`: the five volume nodes (labels 概説編, 経営管理編, 企画管理編, システム運用編, Q&A;
//!   titles as 002's column headings print them, e.g. `概説 (Overview)`); under them every
//!   section, 遵守事項 and page 001 cites, with the heading as printed (title) and a note that the
//!   seed gives only the reference; `text` only for the two pages 001 quotes; then `unplaced`
//!   with 002's references. Nodes are ordered volume by volume (sections by number, then
//!   遵守事項, then pages), then `unplaced` in seed order. No date: no seed states one.
//! - `mhlw-5.2`: the 第5.2版 sections and items 002 shows, text verbatim; 区分 C → mandatory,
//!   D → recommended, B (考え方) → informative. The items before the first 項番 on the page
//!   (the 外部保存受託事業者選定 (9) a–i and D 1–3) sit under the node `unnumbered` because the
//!   page starts inside the table: their section number (and (9)'s item number and 区分) is not
//!   in the seed.
//! - `mhlw-5.2--mhlw-6`: one entry per (5.2 node, 6.0 reference item). A 5.2 node with one target
//!   → `migrated-to`, with several → `split-into` (`16①②③` is three targets). `merged-into`
//!   would need one 6.0 item shared by several 5.2 rows; with the volumes lost, no two
//!   occurrences are known to be the same item, so there is none. 002 says 新設 nowhere, so
//!   there is no `new`. Basis `source`; provenance = the 5.2 item's lines and the reference line;
//!   attributes `記載された参照` (the reference as printed) and `巻` (= `不明`, the volume is unknown).
//! - `mhlw-5--mhlw-5.2` (editorial): only where a 5.2 text equals an `mhlw-5` text, white space
//!   and a leading item number (`(エ) `, `1. `) aside. Not produced when there is no such pair.
//!
//! # Ids and labels
//!
//! Ids come from the printed numbering, never from text:
//! - `mhlw-6`: volumes `overview`, `governance`, `management`, `control`, `qa`; a section
//!   `<volume>-<number>` (`control-8.2`, `management-5.2.1`, `control-10`); a 遵守事項
//!   `<volume>-compliance-<n>` (`control-compliance-6` for 遵守事項⑥); a page `<volume>-p<page>`
//!   (`overview-p9`). Labels as printed with the volume: `システム運用編 8.2`,
//!   `システム運用編 遵守事項⑥`, `概説編 9頁`. 002's references: `unplaced-l<line>-<item>`
//!   where a circled number becomes `-n` (`unplaced-l51-7-6` for `7⑥` on line 51); a cell
//!   naming several items (`16①②③`, `1.1、1.2`) is a node `unplaced-l<line>` with one child
//!   per item (`unplaced-l141-16-2`). Labels are the printed reference (`7⑥`, `16②`).
//! - `mhlw-5.2` (as `mhlw-5`): section `9.1`, B part `8.4-b`, item `9.1-c-2`, sub-item
//!   `9.1-c-2-1`, lettered sub-item `unnumbered-9-a`; D items of the unnumbered part
//!   `unnumbered-d-1`. Labels `9.1`, `8.4 B`, `9.1 C 2`, `9.1 C 2 (1)`, `(9)`, `(9) a`, `D 1`.
//!
//! # Generic rules (code)
//!
//! - 002: non-blank lines before the table header 「第5.2版記載内容」 are the web page's
//!   boilerplate (rejected) or the document's title and source (used in the descriptions);
//!   the column headings are read for the volume names; `N / M ページ` footers are rejected;
//!   the 区分 cells (`C.最低限のガイ`+`ドライン`, `D.推奨される`+`ガイドライン`, `B.考え方`)
//!   switch the part; a section line may carry the 区分 cell at its end
//!   (`9.2. 診療等の都度スキャナ等 C.最低限のガイ`); a line that is only a reference
//!   (`^\d+(\.\d+)*[①-⑳]*(、…)*$`) is a reference cell; `N. ` starts an item, `(N) ` a
//!   sub-item, `a `–`z ` a lettered sub-item; anything else continues the open node. Lines of a
//!   paragraph are joined without a separator (Japanese wraps inside words); a line break is
//!   kept before and after a `・` bullet and after a line shorter than the wrap width (display
//!   width < 80), which ends a paragraph. `(略)` in a B part is recorded as a note.
//! - 001: after a volume name (概説編/経営管理編/企画管理編/システム運用編), up to the next 。 or
//!   the next named guideline (`GL`), every number followed by a heading in 「」, （） or () is a
//!   section of that volume, `遵守事項①` a 遵守事項, and a number followed by 頁 right after the
//!   volume a page. Markdown bold markers (`**`), which the report adds for emphasis, are
//!   removed from quoted text.
//!
//! # Report
//!
//! One [`ImportReport`] per seed: for 002, rows read = every non-blank line; rejected = the web
//! page's boilerplate and the page footer; repairs = every override applied (headings, pairings,
//! notes). For 001, rows read = the lines naming a 第6.0版 volume or the edition, plus the quoted
//! lines; repairs = the two quotations.
//!
//! # Override actions (`data/overrides/002.toml`)
//!
//! - `heading-continuation` (`text`): the line (or its start, `text`) continues the title of the
//!   current 5.2 section; the rest of the line, if any, must be a 区分 fragment.
//! - `heading`: the 5.2 item starting on this line is a heading line; the line becomes its title
//!   and the following lines its text.
//! - `note` (`note`): attach the note to the 5.2 node the line belongs to (lost text).
//! - `pair` (`item`, `note`): the reference cell on this line belongs to 5.2 node `item`; `note`
//!   is the catalog's (Japanese) account of the decision, `reason` the reviewer's record. A reason
//!   starting with `AMBIGUOUS` marks the pairing as ambiguous in the mapping's note.
//! - `quote` (`seed = "001"`, `first`, `last`): the cited 6.0 page on this 001 line is quoted
//!   verbatim on lines `first..=last`.

use std::collections::{BTreeMap, BTreeSet};

use lazy_regex::{Lazy, Regex, lazy_regex};
use sansho_core::{
    Basis, Catalog, CatalogId, CatalogKind, Level, LocalId, Localized, Mapping, MappingSet, NodeKind, Provenance,
    Relation, Requirement,
};

use crate::{ImportError, ImportReport, Output, Overrides, Seed, text};

/// The 第6.0版 volumes: id, label, the column heading in 002, 002's English heading.
const VOLUMES: [(&str, &str, &str, Option<&str>); 5] = [
    ("overview", "概説編", "概説", Some("(Overview)")),
    ("governance", "経営管理編", "経営管理編", Some("(Governance)")),
    ("management", "企画管理編", "企画管理編", Some("(Management)")),
    ("control", "システム運用編", "システム運用編", Some("(Control)")),
    ("qa", "Q&A", "Q&A", None),
];

/// Seed 002 as the catalogs describe it.
const MIGRATION_TABLE: &str = "厚労省 第5.2版→第6.0版項目移行対応表(案)、全9頁中の8頁目";

/// 002's column headings that are not volume names.
const OTHER_HEADINGS: [&str; 5] = ["第5.2版記載内容", "項番", "区分", "第6.0版", "内容"];

/// Display width below which a line ends its paragraph (full width ≈ 100).
const WRAP_WIDTH: usize = 80;

static REF_LINE: Lazy<Regex> =
    lazy_regex!(r"^[0-9]+(?:\.[0-9]+)*[\u{2460}-\u{2473}]*(?:、[0-9]+(?:\.[0-9]+)*[\u{2460}-\u{2473}]*)*$");
static REF_ITEM: Lazy<Regex> = lazy_regex!(r"^([0-9]+(?:\.[0-9]+)*)([\u{2460}-\u{2473}]*)$");
static FOOTER: Lazy<Regex> = lazy_regex!(r"^[0-9]+ / [0-9]+ ページ$");
static SECTION: Lazy<Regex> = lazy_regex!(r"^([0-9]+\.[0-9]+)\. (.+?)(?: (C\.最低限のガイ|D\.推奨される))?$");
static ITEM: Lazy<Regex> = lazy_regex!(r"^([0-9]+)\. (.+)$");
static SUB: Lazy<Regex> = lazy_regex!(r"^\(([0-9]+)\) (.+)$");
static LETTER: Lazy<Regex> = lazy_regex!(r"^([a-z]) (.+)$");
/// An item number printed at the start of a text (`(エ) `, `(1)`, `1. `, `①`): the numbering is
/// not part of the wording compared between editions.
static LEADING_NUMBER: Lazy<Regex> =
    lazy_regex!(r"^\s*(?:\([0-9A-Za-z\p{Katakana}]{1,3}\)|（[^）]{1,3}）|[0-9]+\.|[\u{2460}-\u{2473}])\s*");
static VOLUME_001: Lazy<Regex> = lazy_regex!(r"概説編|経営管理編|企画管理編|システム運用編");
static EDITION_001: Lazy<Regex> = lazy_regex!(r"6\.0 ?版");
static SECTION_001: Lazy<Regex> =
    lazy_regex!(r"(?:^|[^0-9A-Za-z.()\-])([0-9]+(?:\.[0-9]+)*)\s*(?:「([^」]+)」|（([^）]+)）|\(([^)]+)\))");
static PAGE_001: Lazy<Regex> = lazy_regex!(r"^\s*([0-9]+)\s*頁");
static COMPLIANCE_001: Lazy<Regex> = lazy_regex!(r"遵守事項([\u{2460}-\u{2473}])");

/// Builds `mhlw-6`, `mhlw-5.2` and the migration set from seeds 002 and 001, with seed 002's
/// overrides; with `mhlw5` (the 第5版 catalog), also the set `mhlw-5 → mhlw-5.2` of texts that
/// are the same word for word.
pub fn import(seed002: &Seed, seed001: &Seed, ov: &Overrides, mhlw5: &Catalog) -> Result<Output, ImportError> {
    let mut rep2 = ImportReport::new(seed002.name.clone());
    let mut rep1 = ImportReport::new(format!("{} (MHLW GL 第6.0版 citations, for mhlw-6)", seed001.name));

    let table = parse_002(seed002, ov, &mut rep2)?;
    let cites = parse_001(seed001, ov, &mut rep1)?;

    let mhlw52 = build_mhlw52(seed002, &table);
    let (mhlw6, unplaced) = build_mhlw6(seed002, seed001, &table, &cites)?;
    let migration = build_migration(seed002, &table, &mhlw52, &unplaced, ov, &mut rep2)?;
    let same = same_text(seed002, mhlw5, &mhlw52);

    // Counts and what a reviewer should know.
    for c in [&mhlw52, &mhlw6] {
        rep2.count(format!("{} nodes", c.id), c.requirements.len());
        rep2.count(format!("{} nodes with text", c.id), c.requirement_count());
    }
    let from001 = mhlw6.requirements.iter().filter(|r| r.provenance.iter().any(|p| p.file == seed001.name)).count();
    rep1.count("mhlw-6 nodes citing 001", from001);
    rep1.count("mhlw-6 nodes with text quoted in 001", cites.cites.iter().filter(|c| c.quote.is_some()).count());
    rep2.count("mhlw-6 unplaced reference cells", table.refs.len());
    rep2.count(
        "mhlw-6 unplaced reference items",
        table.refs.iter().map(|r| split_reference(&r.printed).len()).sum::<usize>(),
    );
    for set in std::iter::once(&migration).chain(same.iter()) {
        let mut by: BTreeMap<&str, usize> = BTreeMap::new();
        for m in &set.mappings {
            *by.entry(m.relation.as_str()).or_default() += 1;
        }
        for (rel, n) in by {
            rep2.count(format!("{} {rel}", set.id), n);
        }
    }
    let mapped: BTreeSet<&str> =
        migration.mappings.iter().filter_map(|m| m.source.as_ref()).map(|s| s.as_str()).collect();
    let unmapped: Vec<&str> = mhlw52
        .requirements
        .iter()
        .filter(|r| r.text.is_some() && !covered(&mhlw52, r, &mapped))
        .map(|r| r.label.as_str())
        .collect();
    if !unmapped.is_empty() {
        rep2.notes.push(format!(
            "第5.2版 items with no 第6.0版 reference printed near them, neither for the item nor for an enclosing node (no mapping entry): {}",
            unmapped.join(", ")
        ));
    }
    if same.is_none() {
        rep2.notes.push(format!(
            "no 第5.2版 text of 002 is word-for-word (white space aside) the text of a node of {} ({} nodes compared): no mhlw-5--mhlw-5.2 set",
            mhlw5.id,
            mhlw5.requirements.len()
        ));
    }
    rep2.notes.push(
        "the volume (概説/経営管理編/企画管理編/システム運用編/Q&A column) of every 第6.0版 reference in 002 was lost in extraction; the references are under mhlw-6 `unplaced`, one node per printed cell"
            .to_owned(),
    );

    let mut out = Output::default();
    out.catalogs.push(mhlw52);
    out.catalogs.push(mhlw6);
    out.mapping_sets.push(migration);
    out.mapping_sets.extend(same);
    out.reports.push(rep2);
    out.reports.push(rep1);
    Ok(out)
}

/// Whether `r` or one of its ancestors is the source of a mapping.
fn covered(c: &Catalog, r: &Requirement, mapped: &BTreeSet<&str>) -> bool {
    let mut cur = Some(r);
    while let Some(n) = cur {
        if mapped.contains(n.id.as_str()) {
            return true;
        }
        cur = n.parent.as_ref().and_then(|p| c.get(p.as_str()));
    }
    false
}

fn lid(s: &str, file: &str, line: u32) -> Result<LocalId, ImportError> {
    LocalId::parse(s).map_err(|e| ImportError::at(file, line as usize, 1, e.to_string()))
}

fn width(s: &str) -> usize {
    s.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum()
}

/// `①` → 1 … `⑳` → 20.
fn circled(c: char) -> Option<u32> {
    let n = c as u32;
    (0x2460..=0x2473).contains(&n).then(|| n - 0x2460 + 1)
}

/// The items a printed reference cell names: `16①②③` → `16①`, `16②`, `16③`;
/// `1.1、1.2` → `1.1`, `1.2`. Each with its id part (`16-1`, `1.1`).
fn split_reference(printed: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for part in printed.split('、') {
        let Some(c) = REF_ITEM.captures(part) else { continue };
        let base = &c[1];
        let marks: Vec<char> = c[2].chars().collect();
        if marks.is_empty() {
            out.push((base.to_owned(), base.to_owned()));
        }
        for m in marks {
            out.push((format!("{base}{m}"), format!("{base}-{}", circled(m).unwrap_or(0))));
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Seed 002
// ---------------------------------------------------------------------------------------------

/// A 第5.2版 node while the table is read.
#[derive(Debug)]
struct Node52 {
    id: String,
    parent: Option<usize>,
    kind: NodeKind,
    label: String,
    /// Title lines (section headings, heading lines of items).
    title: Vec<(u32, String)>,
    /// Text lines (cleaned).
    text: Vec<(u32, String)>,
    level: Option<Level>,
    notes: Vec<String>,
    /// Lines the node was read from.
    lines: Vec<u32>,
}

/// A 第6.0版 reference cell of 002.
#[derive(Debug)]
struct RefCell {
    line: u32,
    printed: String,
}

#[derive(Debug, Default)]
struct Table {
    nodes: Vec<Node52>,
    refs: Vec<RefCell>,
    /// Line numbers of each volume's column heading (name, English), by volume index.
    volume_lines: [Vec<u32>; 5],
    /// The document's title and source lines (before the table).
    meta: Vec<(u32, String)>,
    /// The line of the page footer, if any.
    footer: Option<(u32, String)>,
}

impl Node52 {
    fn new(id: String, parent: Option<usize>, kind: NodeKind, label: String, line: u32) -> Self {
        Self {
            id,
            parent,
            kind,
            label,
            title: Vec::new(),
            text: Vec::new(),
            level: None,
            notes: Vec::new(),
            lines: vec![line],
        }
    }
}

impl Table {
    /// Appends a node and returns its index.
    fn push(&mut self, node: Node52) -> usize {
        self.nodes.push(node);
        self.nodes.len() - 1
    }

    fn find(&self, id: &str) -> Option<usize> {
        self.nodes.iter().position(|n| n.id == id)
    }
}

fn part_level(part: Option<char>) -> Option<Level> {
    match part {
        Some('C') => Some(Level::Mandatory),
        Some('D') => Some(Level::Recommended),
        Some('B') => Some(Level::Informative),
        _ => None,
    }
}

/// Parses seed 002, phase by phase: each line (the page's preamble, layout, a heading
/// continuation, a section or 区分 line, an item, sub-item or lettered sub-item, a continuation
/// line), then the `note` overrides and the note on the last section.
fn parse_002(seed: &Seed, ov: &Overrides, rep: &mut ImportReport) -> Result<Table, ImportError> {
    let mut r = Reader002 {
        file: seed.name.as_str(),
        ov,
        rep,
        t: Table::default(),
        in_table: false,
        section: None,
        item: None,
        sub: None,
        open: None,
        part: None,
    };
    for (n, raw) in seed.lines() {
        let line = text::clean(raw);
        if !line.is_empty() {
            r.line(n, line)?;
        }
    }
    let Reader002 { mut t, .. } = r;
    // Notes on lines.
    for o in ov.take_all("note") {
        let note = o.str_arg(&ov.file, "note")?;
        let node = t.nodes.iter_mut().find(|x| x.lines.contains(&o.line)).ok_or_else(|| {
            ImportError::at(&ov.file, o.defined_at, 1, format!("no 第5.2版 node was read from seed line {}", o.line))
        })?;
        node.notes.push(note.to_owned());
        rep.repaired(o.line, &o.action, &o.reason);
    }
    if let Some(last) = t.nodes.iter().rposition(|x| x.kind == NodeKind::Section && x.id != "unnumbered") {
        let footer = t.footer.as_ref().map_or(String::new(), |(l, f)| format!("（「{f}」、出典002の{l}行目）"));
        t.nodes[last].notes.push(format!(
            "出典002は本節で改頁となり終わっている{footer}。次頁に本節の項目があったとしても、出典には含まれない。"
        ));
    }
    Ok(t)
}

/// The seed-002 reader's state: the table so far and the open nodes.
struct Reader002<'a> {
    file: &'a str,
    ov: &'a Overrides,
    rep: &'a mut ImportReport,
    t: Table,
    in_table: bool,
    // Open nodes: section, item, sub-item; the node continuation lines go to; the 区分.
    section: Option<usize>,
    item: Option<usize>,
    sub: Option<usize>,
    open: Option<usize>,
    part: Option<char>,
}

impl Reader002<'_> {
    fn err(&self, n: u32, msg: impl Into<String>) -> ImportError {
        ImportError::at(self.file, n as usize, 1, msg)
    }

    /// One non-blank line.
    fn line(&mut self, n: u32, line: String) -> Result<(), ImportError> {
        if !self.in_table {
            self.preamble(n, line);
            return Ok(());
        }
        self.rep.rows_read += 1;
        if self.layout(n, &line) || self.heading_continuation(n, &line)? || self.section_or_part(n, &line)? {
            return Ok(());
        }
        self.node_line(n, line)
    }

    /// Before the table: the source's metadata, or web page boilerplate (rejected).
    fn preamble(&mut self, n: u32, line: String) {
        self.rep.rows_read += 1;
        if line == OTHER_HEADINGS[0] {
            self.in_table = true;
        } else if line.starts_with("【参考資料") || line.starts_with("公開元URL") || line.starts_with("出典情報")
        {
            self.t.meta.push((n, line));
        } else {
            self.rep.reject(n, format!("web page boilerplate before the table, not part of the document: {line}"));
        }
    }

    /// Column headings, volume headings, the page footer and the 第6.0版 reference cells.
    fn layout(&mut self, n: u32, line: &str) -> bool {
        if OTHER_HEADINGS.contains(&line) {
            return true;
        }
        if let Some(v) = VOLUMES.iter().position(|(_, _, h, en)| line == *h || Some(line) == *en) {
            self.t.volume_lines[v].push(n);
            return true;
        }
        if FOOTER.is_match(line) {
            self.rep.reject(n, format!("page footer 「{line}」"));
            self.t.footer = Some((n, line.to_owned()));
            return true;
        }
        if REF_LINE.is_match(line) {
            self.t.refs.push(RefCell { line: n, printed: line.to_owned() });
            return true;
        }
        false
    }

    /// A `heading-continuation` override: the line continues the section's title (and may end
    /// with a 区分 fragment).
    fn heading_continuation(&mut self, n: u32, line: &str) -> Result<bool, ImportError> {
        let ov = self.ov;
        let Some(o) = ov.take_one(n, "heading-continuation") else { return Ok(false) };
        let part_text = o.str_arg(&ov.file, "text")?;
        let rest = line.strip_prefix(part_text).map(str::trim).ok_or_else(|| {
            ImportError::at(&ov.file, o.defined_at, 1, format!("seed line {n} does not start with {part_text:?}"))
        })?;
        if !rest.is_empty() && !matches!(rest, "ドライン" | "ガイドライン") {
            return Err(ImportError::at(
                &ov.file,
                o.defined_at,
                1,
                format!("after {part_text:?} seed line {n} has {rest:?}, which is not a 区分 fragment"),
            ));
        }
        let s = self.section.ok_or_else(|| self.err(n, "heading continuation outside a section"))?;
        self.t.nodes[s].title.push((n, part_text.to_owned()));
        self.t.nodes[s].lines.push(n);
        self.rep.repaired(n, &o.action, &o.reason);
        Ok(true)
    }

    /// A section heading (`6.1. …`, maybe with its 区分), a 区分 line (B.考え方 opens a node;
    /// C/D set the level), a wrapped 区分 fragment, or a B's `(略)`.
    fn section_or_part(&mut self, n: u32, line: &str) -> Result<bool, ImportError> {
        if let Some(c) = SECTION.captures(line) {
            let mut node = Node52::new(c[1].to_owned(), None, NodeKind::Section, c[1].to_owned(), n);
            node.title.push((n, c[2].to_owned()));
            self.section = Some(self.t.push(node));
            (self.item, self.sub, self.open) = (None, None, None);
            self.part = c.get(3).map(|k| if k.as_str().starts_with('C') { 'C' } else { 'D' });
            return Ok(true);
        }
        match line {
            "B.考え方" => {
                let s = self.section.ok_or_else(|| self.err(n, "B.考え方 outside a section"))?;
                let sec = &self.t.nodes[s];
                let mut node =
                    Node52::new(format!("{}-b", sec.id), Some(s), NodeKind::Item, format!("{} B", sec.label), n);
                node.title.push((n, "考え方".to_owned()));
                node.level = Some(Level::Informative);
                let idx = self.t.push(node);
                self.part = Some('B');
                (self.item, self.sub, self.open) = (None, None, Some(idx));
                Ok(true)
            }
            "C.最低限のガイ" | "D.推奨される" => {
                self.part = Some(line.chars().next().unwrap_or('C'));
                (self.item, self.sub, self.open) = (None, None, None);
                Ok(true)
            }
            "ドライン" | "ガイドライン" => Ok(true),
            "(略)" if self.part == Some('B') => {
                let o = self.open.ok_or_else(|| self.err(n, "(略) without a B node"))?;
                self.t.nodes[o].notes.push(format!(
                    "出典002は本節の考え方について「(略)」（省略）とのみ記載している（出典002の{n}行目）。本文は出典に含まれない。"
                ));
                self.t.nodes[o].lines.push(n);
                Ok(true)
            }
            _ => Ok(false),
        }
    }

    /// An item, sub-item or lettered sub-item starts a node (a `heading` override makes its
    /// text the title); any other line continues the open node.
    fn node_line(&mut self, n: u32, line: String) -> Result<(), ImportError> {
        let heading = self.ov.take_one(n, "heading");
        let new_node = if let Some(c) = ITEM.captures(&line) {
            Some(self.item_node(n, &c[1], &c[2])?)
        } else if let Some(c) = SUB.captures(&line) {
            Some(self.sub_node(n, &line, &c[1], &c[2])?)
        } else if let (Some(c), Some(sp)) = (LETTER.captures(&line), self.sub) {
            let p = &self.t.nodes[sp];
            let (id, label) = (format!("{}-{}", p.id, &c[1]), format!("{} {}", p.label, &c[1]));
            let mut node = Node52::new(id, Some(sp), NodeKind::SubItem, label, n);
            node.text.push((n, c[2].to_owned()));
            node.level = p.level;
            Some(self.t.push(node))
        } else {
            None
        };
        match new_node {
            Some(idx) => {
                self.open = Some(idx);
                if let Some(h) = heading {
                    let node = &mut self.t.nodes[idx];
                    node.title = std::mem::take(&mut node.text);
                    self.rep.repaired(n, &h.action, &h.reason);
                }
            }
            None => {
                if let Some(h) = heading {
                    return Err(ImportError::at(
                        &self.ov.file,
                        h.defined_at,
                        1,
                        format!("override `heading` for seed line {n}, but no item starts on that line"),
                    ));
                }
                let o = self.open.ok_or_else(|| self.err(n, format!("text outside any item: {line}")))?;
                self.t.nodes[o].text.push((n, line));
                self.t.nodes[o].lines.push(n);
            }
        }
        Ok(())
    }

    /// A numbered item `N. text` under the section (or the unnumbered one) and the 区分.
    fn item_node(&mut self, n: u32, no: &str, text: &str) -> Result<usize, ImportError> {
        let s = match self.section {
            Some(s) => s,
            None => unnumbered(&mut self.t, &mut self.section, n),
        };
        let p = self.part.ok_or_else(|| self.err(n, "numbered item before any 区分"))?;
        let sec = &self.t.nodes[s];
        let label = if sec.label.is_empty() { format!("{p} {no}") } else { format!("{} {p} {no}", sec.label) };
        let id = format!("{}-{}-{}", sec.id, p.to_ascii_lowercase(), no);
        let mut node = Node52::new(id, Some(s), NodeKind::Item, label, n);
        node.text.push((n, text.to_owned()));
        node.level = part_level(self.part);
        let idx = self.t.push(node);
        self.item = Some(idx);
        self.sub = None;
        Ok(idx)
    }

    /// A sub-item `(N) text` under the open item; without one only where the page starts inside
    /// the table (then its item is unknown and its note says so).
    fn sub_node(&mut self, n: u32, line: &str, no: &str, text: &str) -> Result<usize, ImportError> {
        let (parent, orphan) = match (self.item, self.section) {
            (Some(i), _) => (i, false),
            (None, None) => (unnumbered(&mut self.t, &mut self.section, n), true),
            (None, Some(s)) if self.t.nodes[s].id == "unnumbered" => (s, true),
            (None, Some(_)) => return Err(self.err(n, format!("sub-item outside a numbered item: {line}"))),
        };
        let p = &self.t.nodes[parent];
        let label = if p.label.is_empty() { format!("({no})") } else { format!("{} ({no})", p.label) };
        let mut node = Node52::new(format!("{}-{no}", p.id), Some(parent), NodeKind::SubItem, label, n);
        node.text.push((n, text.to_owned()));
        if orphan {
            node.notes.push(format!(
                "出典002の頁は表の途中から始まるため、({no}) が属する項目の番号と区分は出典に含まれない。"
            ));
        } else {
            node.level = part_level(self.part);
        }
        let idx = self.t.push(node);
        self.sub = Some(idx);
        Ok(idx)
    }
}

/// Opens the node for items printed before the first section number of the page.
fn unnumbered(t: &mut Table, section: &mut Option<usize>, line: u32) -> usize {
    let mut node = Node52::new("unnumbered".to_owned(), None, NodeKind::Section, String::new(), line);
    node.notes.push(
        "出典002は全9頁中の8頁目で、表の途中から始まる。そのため、以下の項目（外部保存を受託する事業者の選定に関する (9) a～i と、D の項目1～3）の第5.2版の節（項番）は出典に含まれない。"
            .to_owned(),
    );
    let idx = t.push(node);
    *section = Some(idx);
    idx
}

/// Joins a node's cleaned lines: no separator inside a wrapped paragraph, a line break around
/// `・` bullets and after a short line.
fn join(lines: &[(u32, String)]) -> String {
    let mut out = String::new();
    let mut prev: Option<&str> = None;
    for (_, l) in lines {
        if let Some(p) = prev
            && (l.starts_with('・') || p.starts_with('・') || width(p) < WRAP_WIDTH)
        {
            out.push('\n');
        }
        out.push_str(l);
        prev = Some(l);
    }
    out
}

/// Line numbers → ranges of lines separated only by blank lines.
fn ranges(seed: &Seed, lines: &[u32]) -> Vec<Provenance> {
    let mut ls = lines.to_vec();
    ls.sort_unstable();
    ls.dedup();
    let mut out: Vec<(u32, u32)> = Vec::new();
    for l in ls {
        match out.last_mut() {
            Some((_, end)) if (*end + 1..l).all(|k| seed.line(k).is_none_or(|s| s.trim().is_empty())) => *end = l,
            _ => out.push((l, l)),
        }
    }
    out.into_iter().map(|(a, b)| seed.provenance_range(a, b)).collect()
}

fn build_mhlw52(seed: &Seed, t: &Table) -> Catalog {
    let mut reqs = Vec::new();
    for node in &t.nodes {
        let id = LocalId::parse(&node.id).expect("5.2 ids are built from numbers and ASCII letters");
        let label = if node.label.is_empty() { "項番不明".to_owned() } else { node.label.clone() };
        let mut r = Requirement::new(id, node.kind, label);
        r.parent = node.parent.map(|p| LocalId::parse(&t.nodes[p].id).expect("valid parent id"));
        let title: String = node.title.iter().map(|(_, s)| s.as_str()).collect();
        r.title = (!title.is_empty()).then_some(title);
        r.text = (!node.text.is_empty()).then(|| join(&node.text));
        r.level = node.level;
        r.provenance = ranges(seed, &node.lines);
        if !node.notes.is_empty() {
            r.note = Some(node.notes.concat());
        }
        reqs.push(r);
    }
    let meta: Vec<&str> = t.meta.iter().map(|(_, s)| s.as_str()).collect();
    Catalog {
        id: CatalogId::parse("mhlw-5.2").expect("valid catalog id"),
        title: Localized::new(
            "医療情報システムの安全管理に関するガイドライン",
            "Guidelines for the security management of medical information systems",
        ),
        issuers: vec!["厚生労働省".to_owned()],
        edition: "第5.2版".to_owned(),
        date: None,
        kind: CatalogKind::Guideline,
        sources: vec![seed.source_doc(&format!("{MIGRATION_TABLE}（ニュースサイトがPDFから抽出したもの）"))],
        description: Some(format!(
            "出典002に記載された第5.2版の項目のみを、移行対応表の「第5.2版記載内容」列に記載されたとおりの本文で収録する（{}）。頁が表の途中から始まるため、冒頭の項目の節番号は不明（ノード「項番不明」）。",
            meta.join(" / ")
        )),
        requirements: reqs,
        outline: None,
        ext: None,
    }
}

// ---------------------------------------------------------------------------------------------
// Seed 001
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum CiteKind {
    /// A numbered section with the heading as printed (if any).
    Section(Vec<u32>, String),
    /// 遵守事項 with its circled number.
    Compliance(u32, char),
    /// A printed page.
    Page(u32),
}

#[derive(Debug)]
struct Cite {
    volume: usize,
    kind: CiteKind,
    title: Option<String>,
    line: u32,
    /// How the line names the volume, e.g. 「厚労省GLシステム運用編」.
    volume_printed: String,
    /// The citation as printed after it, e.g. 「17.2「監査の実施の支援」」.
    printed: String,
    /// Quoted 6.0 wording: (first line, last line, text).
    quote: Option<(u32, u32, String)>,
}

/// Volume mentions in 001 (for the volumes' provenance) and citations.
#[derive(Debug, Default)]
struct Cites {
    volume_mentions: [Vec<u32>; 5],
    cites: Vec<Cite>,
}

fn parse_001(seed: &Seed, ov: &Overrides, rep: &mut ImportReport) -> Result<Cites, ImportError> {
    let mut out = Cites::default();
    let mut whole = Vec::new();
    for (n, raw) in seed.lines() {
        let vols: Vec<lazy_regex::regex::Match> = VOLUME_001.find_iter(raw).collect();
        if vols.is_empty() {
            if EDITION_001.is_match(raw) {
                rep.rows_read += 1;
                whole.push(n);
            }
            continue;
        }
        rep.rows_read += 1;
        for (k, m) in vols.iter().enumerate() {
            let v = VOLUMES.iter().position(|(_, label, _, _)| *label == m.as_str()).expect("volume regex");
            out.volume_mentions[v].push(n);
            // How the volume is named: from the last 「厚労省GL」 before it on the line, if close.
            let before = &raw[..m.start()];
            let from = before.rfind("厚労省GL").filter(|&i| m.start() - i <= "厚労省GL".len() + 3).unwrap_or(m.start());
            let volume_printed = text::clean(&raw[from..m.end()]);
            // Context: up to the next volume, 。 or named guideline.
            let end = vols.get(k + 1).map_or(raw.len(), |x| x.start());
            let mut ctx = &raw[m.end()..end];
            for stop in ["。", "GL"] {
                if let Some(i) = ctx.find(stop) {
                    ctx = &ctx[..i];
                }
            }
            let mut push = |kind: CiteKind, title: Option<String>, printed: &str| {
                out.cites.push(Cite {
                    volume: v,
                    kind,
                    title,
                    line: n,
                    volume_printed: volume_printed.clone(),
                    printed: text::clean(printed),
                    quote: None,
                })
            };
            if let Some(p) = PAGE_001.captures(ctx) {
                push(CiteKind::Page(p[1].parse().unwrap_or(0)), None, &p[0]);
            }
            for c in SECTION_001.captures_iter(ctx) {
                let nums: Vec<u32> = c[1].split('.').map(|x| x.parse().unwrap_or(0)).collect();
                let title = c.get(2).or(c.get(3)).or(c.get(4)).map(|t| text::clean(t.as_str()));
                let whole_match = c.get(0).expect("match");
                let printed = &ctx[c.get(1).expect("number").start()..whole_match.end()];
                push(CiteKind::Section(nums, c[1].to_owned()), title, printed);
            }
            for c in COMPLIANCE_001.captures_iter(ctx) {
                let ch = c[1].chars().next().unwrap_or('\u{2460}');
                push(CiteKind::Compliance(circled(ch).unwrap_or(0), ch), None, &c[0]);
            }
        }
    }
    // Quotations.
    for o in ov.take_all("quote") {
        let seed_arg = o.str_arg(&ov.file, "seed")?;
        if seed_arg != "001" {
            return Err(ImportError::at(
                &ov.file,
                o.defined_at,
                1,
                "`quote` applies to seed 001 only (seed = \"001\")",
            ));
        }
        let first = o.int_arg(&ov.file, "first")? as u32;
        let last = o.int_arg(&ov.file, "last")? as u32;
        let cite = out.cites.iter_mut().find(|c| c.line == o.line && matches!(c.kind, CiteKind::Page(_))).ok_or_else(
            || ImportError::at(&ov.file, o.defined_at, 1, format!("seed 001 line {} cites no 第6.0版 page", o.line)),
        )?;
        let mut lines = Vec::new();
        for l in first..=last {
            let s = seed
                .line(l)
                .ok_or_else(|| ImportError::at(&ov.file, o.defined_at, 1, format!("seed 001 has no line {l}")))?;
            let s = text::clean(&s.replace("**", ""));
            if !s.is_empty() {
                lines.push(s);
                rep.rows_read += 1;
            }
        }
        if lines.is_empty() {
            return Err(ImportError::at(&ov.file, o.defined_at, 1, format!("seed 001 lines {first}-{last} are empty")));
        }
        cite.quote = Some((first, last, lines.join("\n")));
        rep.repaired(o.line, &o.action, &o.reason);
    }
    for n in whole {
        rep.notes.push(format!("001:{n} names 厚労省GL 6.0版 as a whole (no volume or section): no node"));
    }
    rep.notes.push(
        "001:325–358 cite 厚労省GL volumes and sections without naming the edition; they are taken as 第6.0版, the edition whose four volumes they name and which the report names at 356, 373, 908, 2040 and 2104"
            .to_owned(),
    );
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// mhlw-6
// ---------------------------------------------------------------------------------------------

/// For each 002 reference cell (by line): the ids of the items it names, with their labels.
type Unplaced = BTreeMap<u32, Vec<(LocalId, String)>>;

/// The five volumes (titles and provenance from 002's column headings and 001's mentions), each
/// with the sections, 遵守事項 and pages 001 cites in it (sections first; each once, the first
/// citation giving the title).
fn volume_nodes(s2: &Seed, s1: &Seed, t: &Table, cites: &Cites) -> Result<Vec<Requirement>, ImportError> {
    let mut reqs = Vec::new();
    for (v, (vid, label, heading, en)) in VOLUMES.iter().enumerate() {
        let mut r = Requirement::new(lid(vid, &s2.name, 0)?, NodeKind::Volume, *label);
        r.title = Some(match en {
            Some(en) => format!("{heading} {en}"),
            None => (*heading).to_owned(),
        });
        let mut prov = ranges(s2, &t.volume_lines[v]);
        let mut l1: Vec<u32> = cites.volume_mentions[v].clone();
        l1.dedup();
        prov.extend(l1.iter().map(|&l| s1.provenance(l)));
        r.provenance = prov;
        let cited = if l1.is_empty() {
            String::new()
        } else {
            format!(
                "出典001は{}行目で本巻に言及している。",
                l1.iter().map(|l| l.to_string()).collect::<Vec<_>>().join("、")
            )
        };
        r.note = Some(format!(
            "出典002の移行対応表には本巻の列見出し「{heading}{}」のみが記載されている。{cited}出典には本巻の本文はなく、下位には出典が引用する部分のみを収録する。",
            en.map_or(String::new(), |e| format!(" {e}"))
        ));
        reqs.push(r);

        // Sections, then 遵守事項, then pages; each once (the first citation gives the title).
        let mut here: Vec<&Cite> = cites.cites.iter().filter(|c| c.volume == v).collect();
        here.sort_by(|a, b| a.kind.cmp(&b.kind).then(a.line.cmp(&b.line)));
        let mut seen = BTreeSet::new();
        for c in here {
            if !seen.insert(c.kind.clone()) {
                continue;
            }
            reqs.push(cite_node(s1, cites, v, vid, label, c)?);
        }
    }
    Ok(reqs)
}

/// The node of one citation `c` in volume `v` (`vid`, `label`): a section, a 遵守事項 or a
/// page (with the quoted wording where a `quote` override gives it).
fn cite_node(s1: &Seed, cites: &Cites, v: usize, vid: &str, label: &str, c: &Cite) -> Result<Requirement, ImportError> {
    let (id, kind, node_label) = match &c.kind {
        CiteKind::Section(nums, printed) => (
            format!("{vid}-{printed}"),
            if nums.len() == 1 { NodeKind::Chapter } else { NodeKind::Section },
            format!("{label} {printed}"),
        ),
        CiteKind::Compliance(k, ch) => {
            (format!("{vid}-compliance-{k}"), NodeKind::Item, format!("{label} 遵守事項{ch}"))
        }
        CiteKind::Page(p) => (format!("{vid}-p{p}"), NodeKind::Section, format!("{label} {p}頁")),
    };
    let mut r = Requirement::new(lid(&id, &s1.name, c.line)?, kind, node_label);
    r.parent = Some(lid(vid, &s1.name, c.line)?);
    r.title = c.title.clone();
    let all: Vec<u32> = cites.cites.iter().filter(|x| x.volume == v && x.kind == c.kind).map(|x| x.line).collect();
    match (&c.kind, &c.quote) {
        (CiteKind::Page(p), Some((_, last, q))) => {
            r.page = Some(p.to_string());
            r.text = Some(q.clone());
            r.provenance = vec![s1.provenance_range(c.line, *last)];
            let elided = if q.contains("(略)") {
                "報告書は引用の一部を「(略)」として省略している。"
            } else {
                ""
            };
            r.note = Some(format!(
                "出典001は第6.0版 {label} {p}頁の本箇所を引用している（出典001の{}行目）が、節番号は示していない。報告書が強調のために付した太字記号（**）は除去した。{elided}",
                c.line
            ));
        }
        (CiteKind::Page(p), None) => {
            r.page = Some(p.to_string());
            r.provenance = all.iter().map(|&l| s1.provenance(l)).collect();
            r.note = Some(format!("出典001は頁のみを引用している（出典001の{}行目）。本文なし。", c.line));
        }
        (CiteKind::Compliance(..), _) => {
            r.level = Some(Level::Mandatory);
            r.provenance = all.iter().map(|&l| s1.provenance(l)).collect();
            let with = cites
                .cites
                .iter()
                .filter(|x| x.line == c.line && x.volume == v && matches!(x.kind, CiteKind::Section(..)))
                .map(|x| x.printed.as_str())
                .collect::<Vec<_>>()
                .join("、");
            r.note = Some(format!(
                "出典001（{}行目）には参照のみが記載されている（「{}」に続けて「{}」と記載され、「{with}」と併記）。どの章の遵守事項かは示されていないため、章の下には置いていない。本文なし。",
                c.line, c.volume_printed, c.printed
            ));
        }
        (CiteKind::Section(..), _) => {
            r.provenance = all.iter().map(|&l| s1.provenance(l)).collect();
            r.note = Some(format!(
                "出典001（{}行目）には参照と見出しのみが記載されている（「{}」に続けて「{}」と記載）。本節の本文は引用されていない。",
                c.line, c.volume_printed, c.printed
            ));
        }
    }
    Ok(r)
}

/// 002's references whose volume column was lost: one node per reference cell under 巻不明
/// (a cell naming several items gets one child per item), and the ids each cell names.
fn unplaced_nodes(s2: &Seed, t: &Table) -> Result<(Vec<Requirement>, Unplaced), ImportError> {
    let mut reqs = Vec::new();
    let mut unplaced = Unplaced::new();
    let first = t.refs.first().map_or(1, |r| r.line);
    let last = t.refs.last().map_or(1, |r| r.line);
    let mut root = Requirement::new(lid("unplaced", &s2.name, first)?, NodeKind::Volume, "巻不明");
    root.title = Some("巻不明（出典002で列が失われた参照）".to_owned());
    root.note = Some(
        "移行対応表（出典002）に記載された第6.0版の参照のうち、巻の列（概説／経営管理編／企画管理編／システム運用編／Q&A）がPDFの抽出時に失われたもの。記載された参照セルごとに1ノードとする。同じ番号が異なる巻の項目を指すことがあるため、同じ番号の出現をまとめない。巻は推測しない。"
            .to_owned(),
    );
    root.provenance = vec![s2.provenance_range(first, last)];
    reqs.push(root);
    for rc in &t.refs {
        let items = split_reference(&rc.printed);
        let base_note = format!(
            "出典002（{}行目）で「{}」と記載された第6.0版の参照。該当する巻の列は抽出時に失われたため不明。",
            rc.line, rc.printed
        );
        let mut ids = Vec::new();
        if items.len() == 1 {
            let (label, part) = &items[0];
            let id = lid(&format!("unplaced-l{}-{part}", rc.line), &s2.name, rc.line)?;
            let mut r = Requirement::new(id.clone(), NodeKind::Item, label.clone());
            r.parent = Some(lid("unplaced", &s2.name, rc.line)?);
            r.provenance = vec![s2.provenance(rc.line)];
            r.note = Some(base_note);
            reqs.push(r);
            ids.push((id, label.clone()));
        } else {
            let cell = lid(&format!("unplaced-l{}", rc.line), &s2.name, rc.line)?;
            let mut r = Requirement::new(cell.clone(), NodeKind::Section, rc.printed.clone());
            r.parent = Some(lid("unplaced", &s2.name, rc.line)?);
            r.provenance = vec![s2.provenance(rc.line)];
            r.note =
                Some(format!("{base_note}このセルは{}項目を挙げており、それぞれを本ノードの下位に置く。", items.len()));
            reqs.push(r);
            for (label, part) in &items {
                let id = lid(&format!("unplaced-l{}-{part}", rc.line), &s2.name, rc.line)?;
                let mut c = Requirement::new(id.clone(), NodeKind::Item, label.clone());
                c.parent = Some(cell.clone());
                c.provenance = vec![s2.provenance(rc.line)];
                c.note = Some(format!(
                    "参照セル「{}」（出典002の{}行目）の項目{label}。巻は不明（抽出時に列が失われた）。",
                    rc.printed, rc.line
                ));
                reqs.push(c);
                ids.push((id, label.clone()));
            }
        }
        unplaced.insert(rc.line, ids);
    }
    Ok((reqs, unplaced))
}

/// The `mhlw-6` outline: the volumes with what 001 cites in them, and 002's references whose
/// volume is unknown; with the ids each 002 reference cell names.
fn build_mhlw6(s2: &Seed, s1: &Seed, t: &Table, cites: &Cites) -> Result<(Catalog, Unplaced), ImportError> {
    let mut reqs = volume_nodes(s2, s1, t, cites)?;
    let (unplaced_reqs, unplaced) = unplaced_nodes(s2, t)?;
    reqs.extend(unplaced_reqs);

    let cat = Catalog {
        id: CatalogId::parse("mhlw-6").expect("valid catalog id"),
        title: Localized::new(
            "医療情報システムの安全管理に関するガイドライン",
            "Guidelines for the security management of medical information systems",
        ),
        issuers: vec!["厚生労働省".to_owned()],
        edition: "第6.0版".to_owned(),
        date: None,
        kind: CatalogKind::Guideline,
        sources: vec![
            s2.source_doc(&format!("{MIGRATION_TABLE}：第6.0版の巻（列見出し）と参照")),
            s1.source_doc("2026年2月の政府調査報告書：第6.0版の節を引用し、2頁分の記載を引用している"),
        ],
        description: Some(
            "出典から分かる範囲の第6.0版の骨組み：5つの巻、出典001が引用する節・遵守事項・頁とその記載どおりの見出し（本文は出典001がガイドラインを引用している箇所のみ）、および「巻不明」の下に、出典002の移行対応表に記載された第6.0版の参照（巻は抽出時に失われた）。発行日は出典に記載されていない。"
                .to_owned(),
        ),
        requirements: reqs,
        outline: None,
        ext: None,
    };
    Ok((cat, unplaced))
}

// ---------------------------------------------------------------------------------------------
// Mapping sets
// ---------------------------------------------------------------------------------------------

/// One target of a 5.2 node: reference line, printed cell, the pairing (ambiguous?, note), 6.0 item
/// id and label.
type Target<'a> = (u32, &'a str, (bool, &'a str), &'a LocalId, &'a str);

fn build_migration(
    s2: &Seed,
    t: &Table,
    mhlw52: &Catalog,
    unplaced: &Unplaced,
    ov: &Overrides,
    rep: &mut ImportReport,
) -> Result<MappingSet, ImportError> {
    // Decide the row of every reference cell.
    let mut pairs: Vec<(usize, u32, String, bool, String)> = Vec::new(); // (5.2 node, line, printed, ambiguous, note)
    for rc in &t.refs {
        let o = ov.take_one(rc.line, "pair").ok_or_else(|| {
            ImportError::at(
                &s2.name,
                rc.line as usize,
                1,
                format!(
                    "第6.0版 reference 「{}」 has no reviewed pairing with a 第5.2版 row: add a `pair` override to {}",
                    rc.printed, ov.file
                ),
            )
        })?;
        let item = o.str_arg(&ov.file, "item")?;
        let idx = t.find(item).ok_or_else(|| {
            ImportError::at(&ov.file, o.defined_at, 1, format!("no 第5.2版 node {item:?} (seed line {})", rc.line))
        })?;
        let note = o.str_arg(&ov.file, "note")?;
        rep.repaired(rc.line, &o.action, &o.reason);
        pairs.push((idx, rc.line, rc.printed.clone(), o.reason.starts_with("AMBIGUOUS"), note.to_owned()));
    }
    // Targets per source, in seed order.
    let mut by_source: BTreeMap<usize, Vec<Target>> = BTreeMap::new();
    for (idx, line, printed, ambiguous, note) in &pairs {
        for (id, label) in &unplaced[line] {
            by_source.entry(*idx).or_default().push((
                *line,
                printed.as_str(),
                (*ambiguous, note.as_str()),
                id,
                label.as_str(),
            ));
        }
    }
    let mut mappings = Vec::new();
    for (idx, targets) in by_source {
        let src = &mhlw52.requirements[idx];
        let relation = if targets.len() > 1 { Relation::SplitInto } else { Relation::MigratedTo };
        for (line, printed, (ambiguous, note), id, label) in &targets {
            let mut m = Mapping::new(Some(src.id.clone()), Some((*id).clone()), relation, Basis::Source);
            m.provenance = src.provenance.clone();
            m.provenance.push(s2.provenance(*line));
            let ambiguous = if *ambiguous { "この対応付けは曖昧である。" } else { "" };
            m.note = Some(format!(
                "出典002（{line}行目）は、第5.2版 {} の第6.0版での位置として「{printed}」を記載している。対応先は {label}、巻は不明（抽出時に列が失われた）。この参照がどの行に属するかは、data/overrides/002.toml のレビュー済みの判断による：{ambiguous}{note}",
                src.label
            ));
            m.attributes.insert("記載された参照".to_owned(), (*printed).to_owned());
            m.attributes.insert("巻".to_owned(), "不明".to_owned());
            mappings.push(m);
        }
    }
    Ok(MappingSet {
        id: "mhlw-5.2--mhlw-6".to_owned(),
        title: Localized::new(
            "厚労省GL 第5.2版→第6.0版 項目移行（出典002の範囲）",
            "MHLW GL 5.2 → 6.0 item migration (the part in seed 002)",
        ),
        source: CatalogId::parse("mhlw-5.2").expect("valid catalog id"),
        target: CatalogId::parse("mhlw-6").expect("valid catalog id"),
        derived: false,
        sources: vec![s2.source_doc(MIGRATION_TABLE)],
        description: Some(
            "出典002が裏付ける移行のエントリ。いずれの参照も第6.0版の巻が抽出時に失われたため、対応先はすべて mhlw-6 の「巻不明」の下にある。行から浮いた各参照がどの第5.2版の行に属するかは、レビュー済みの判断による（data/overrides/002.toml、action `pair`）。統合（merged-into）のエントリはなく（複数の行が共有する第6.0版の項目は知られていない）、新設（new）のエントリもない（出典002には「新設」の記載がない）。"
                .to_owned(),
        ),
        mappings,
    })
}

/// `mhlw-5 → mhlw-5.2` where a text is the same word for word, white space aside.
fn same_text(s2: &Seed, mhlw5: &Catalog, mhlw52: &Catalog) -> Option<MappingSet> {
    let key = |s: &str| LEADING_NUMBER.replace(s, "").chars().filter(|c| !c.is_whitespace()).collect::<String>();
    let mut by_text: BTreeMap<String, Vec<&Requirement>> = BTreeMap::new();
    for r in &mhlw52.requirements {
        if let Some(t) = &r.text {
            by_text.entry(key(t)).or_default().push(r);
        }
    }
    let mut mappings = Vec::new();
    for old in &mhlw5.requirements {
        let Some(t) = &old.text else { continue };
        for new in by_text.get(&key(t)).into_iter().flatten() {
            let mut m =
                Mapping::new(Some(old.id.clone()), Some(new.id.clone()), Relation::MigratedTo, Basis::Editorial);
            m.provenance = old.provenance.iter().chain(&new.provenance).cloned().collect();
            m.note = Some("第5版と第5.2版で同文".to_owned());
            mappings.push(m);
        }
    }
    if mappings.is_empty() {
        return None;
    }
    Some(MappingSet {
        id: format!("{}--mhlw-5.2", mhlw5.id),
        title: Localized::new("厚労省GL 第5版→第5.2版（同文の項目）", "MHLW GL 5 → 5.2 (items with the same text)"),
        source: mhlw5.id.clone(),
        target: CatalogId::parse("mhlw-5.2").expect("valid catalog id"),
        derived: false,
        sources: mhlw5.sources.iter().cloned().chain([s2.source_doc(MIGRATION_TABLE)]).collect(),
        description: Some(
            "編集上の対応付け：第5版（mhlw-5）と第5.2版（mhlw-5.2）で本文が一字一句同じ（空白を除く）項目のみ。"
                .to_owned(),
        ),
        mappings,
    })
}

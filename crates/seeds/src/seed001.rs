//! Seed 001: the 2026-02 survey report (令和7年度ヘルスケア産業基盤高度化推進事業 調査報告書).
//! Produces `meti-mic-2` (2省GL 第2.0版), `cyber-infra` (サイバーインフラGL's 21 requirements)
//! and the mapping set `cyber-infra--meti-mic-2`.
//!
//! The seed is mostly survey commentary. Only these parts are read as guideline data:
//!
//! - **Tables of contents of the 2省GL.** The survey's own 「2 省 GL の整理 ー 目次一覧」 table
//!   (header `項目1…GL該当頁`, one row per line, cells `項目1 / 項目2 / 項目3 / レベル1 / レベル2 /
//!   GL該当頁`; the page belongs to the deepest numbered cell of the row) and the excerpts of the
//!   guideline's own 目次 the survey reproduces (a line with 「第 2.0版 目次」 followed by
//!   `number title[.....]<TAB>page` lines). Together they give the node set of chapters 2–6.
//!   Pages: the guideline's own 目次 wins over the survey's table; the survey's section headings
//!   (`3.1.1. 安全管理義務 (12頁)`) are only checked against them, never used as the page (for
//!   chapter 5 they cite 27頁 where the guideline's 目次 prints 25), and every disagreement is
//!   a note in the report.
//! - **Quoted guideline text.** Blocks opened by `<2省GL該当箇所の記載 N頁>` quote the current
//!   guideline verbatim; they belong to the deepest section heading of the survey page they are
//!   on (headings reset at each 「2 省GLの整理」 page header). Blocks opened by `<2省ガイドライン>`
//!   quote the guideline with its own inline section headings (`5.2.2. リスク対応`). A block ends
//!   at the next marker line (`<…>`), 「根拠…」, a page header or a line holding only a number.
//!   Every non-blank line is a paragraph; the survey's `**bold**` markers are removed, a paragraph
//!   quoted twice for the same node (compared ignoring white space and full-/half-width forms)
//!   is kept once, the survey's omission mark 「(略)」 stays where it is. The survey's proposals
//!   (`<対応Lv1…>`, `<対応Lv2…>`: rewritten text) are never used as text.
//! - **特有の考慮事項.** In the quoted text of 5.1.5 a line `① … における考慮事項` opens item ①
//!   and the paragraphs after it are its text. A numbered 考慮事項 that appears only in the
//!   survey's `<対応Lv2…>` proposal (⑦, ⑧) becomes a node with the proposed heading as title, no
//!   text, and a note saying it is a proposal.
//! - **サイバーインフラGL.** The summary table 「サイバーセキュリティに関する整理 検討結果 (1/5)」
//!   (group cell `N title description`, item `N.M.`, title `… →`, 2省GLの記載有無, 追記方法, 適用範囲)
//!   and the detail tables (2/5–4/5) whose rows start `S(N)-M title` with the 概要 (the
//!   requirement's own wording), 差分, 対応方針案, 適用範囲 and 対応案. The summary table prints
//!   `1.1.`; the detail tables and the survey's references print `S(1)-1`: the label is
//!   `S(N)-M`, and every `S(N)-M` the seed prints with a title is checked against the table.
//!   A group node's title and text are the two parts of the group cell (「セキュアな設計・開発・
//!   供給・運用」 / 「脆弱性を抑え、…運用する」), split at the first space.
//!
//! ## Ids and labels
//!
//! - `meti-mic-2`: a chapter or section's id is its number as printed without the trailing dot
//!   (`2`, `3.1.1`, `5.1.5`), and so is its label. 特有の考慮事項 ①–⑧ are `5.1.5-c1` … `5.1.5-c8`,
//!   labelled `5.1.5 ①` … `5.1.5 ⑧`.
//! - `cyber-infra`: group N is `gN` (label `N`), requirement S(N)-M is `SN-M` (label `S(N)-M`).
//!
//! ## Mappings
//!
//! Per requirement of the summary table: 記載なし → `no-relationship` (no target), with the
//! place the survey's 対応案 proposes to add it as `追記先` where it names one; 一部記載あり →
//! `intersects-with` each 2省GL section the survey's 対応案 names (「3.2. …」, 「（5.1.5.）」; a
//! section named together with one of its subsections counts once, as the subsection). A row
//! marked 一部記載あり whose section the seed does not name gets an `intersects-with` entry
//! without a target — partly covered, the section unstated (the seed does not say where) — and
//! the report lists it. Attributes carry the table's cells under its own
//! headings (`2省GLの記載有無`, `追記方法`, `適用範囲`, and `差分` from the detail table).
//!
//! ## Override actions (`data/overrides/001.toml`)
//!
//! - `replace` (`find`, `replace`): replaces the one occurrence of `find` in the seed line before
//!   anything is parsed; for extraction debris such as footnote numbers flattened into a quoted
//!   sentence (「保守11等」).
//! - `quote-section` (`section`): guideline text quoted in a `<2省ガイドライン>` block before any
//!   inline heading belongs to the given section (from this line until an inline heading).

use std::collections::{BTreeMap, HashSet};

use lazy_regex::{Lazy, Regex, lazy_regex};
use sansho_core::LocalId;
use unicode_normalization::UnicodeNormalization;

use crate::text::clean;
use crate::{ImportError, ImportReport, Output, Overrides, Seed};

mod cyber;
mod meti;
mod quotes;
mod toc;

const METI: &str = "meti-mic-2";
const CYBER: &str = "cyber-infra";
const SET: &str = "cyber-infra--meti-mic-2";
/// The section under which the seed quotes 医療情報システム等特有の考慮事項.
const CONSIDERATIONS: &str = "5.1.5";
const CIRCLED: [char; 20] =
    ['①', '②', '③', '④', '⑤', '⑥', '⑦', '⑧', '⑨', '⑩', '⑪', '⑫', '⑬', '⑭', '⑮', '⑯', '⑰', '⑱', '⑲', '⑳'];

/// Imports seed 001 under the overrides `ov`, phase by phase: the `replace` repairs, the tables
/// of contents (`toc.rs`), the quoted guideline text (`quotes.rs`), the `meti-mic-2` catalog
/// (`meti.rs`), then サイバーインフラGL and its mapping set (`cyber.rs`).
pub fn import(seed: &Seed, ov: &Overrides) -> Result<Output, ImportError> {
    let mut report = ImportReport::new(&seed.name);
    let lines = repaired_lines(seed, ov, &mut report)?;
    let cx = Cx { seed, lines };

    let toc = cx.read_toc(&mut report)?;
    let quotes = cx.read_quotes(&toc, ov, &mut report)?;
    let meti = cx.build_meti(&toc, &quotes, &mut report)?;
    let (cyber, set) = cx.read_cyber(&meti, &mut report)?;

    report.count(format!("{METI} nodes"), meti.requirements.len());
    report.count(format!("{METI} nodes with text"), meti.requirement_count());
    report.count(format!("{CYBER} nodes"), cyber.requirements.len());
    report.count(format!("{CYBER} nodes with text"), cyber.requirement_count());
    for m in &set.mappings {
        report.count(format!("{SET} {}", m.relation.as_str()), 1);
    }
    report.notes.push(
        "Everything else in 001 — the PHR guideline survey (ch. 2 of the report), the survey's issues \
         (論点), proposed rewrites (対応Lv1/対応Lv2), the 実効性確保策, 有識者ヒアリング, the 第三類型 study and \
         the 4. まとめ — is survey commentary, not guideline text, and is not imported."
            .to_owned(),
    );

    Ok(Output { catalogs: vec![meti, cyber], mapping_sets: vec![set], reports: vec![report], ..Output::default() })
}

/// The seed's lines (index 0 = line 1) after the `replace` overrides.
fn repaired_lines(seed: &Seed, ov: &Overrides, report: &mut ImportReport) -> Result<Vec<String>, ImportError> {
    let mut lines: Vec<String> = seed.text.lines().map(str::to_owned).collect();
    for o in ov.take_all("replace") {
        let find = o.str_arg(&ov.file, "find")?;
        let replace = o.str_arg(&ov.file, "replace")?;
        let bad = |msg: String| ImportError::at(&ov.file, o.defined_at, 1, msg);
        let line = lines
            .get_mut((o.line as usize).wrapping_sub(1))
            .ok_or_else(|| bad(format!("seed line {} does not exist", o.line)))?;
        match line.matches(find).count() {
            1 => *line = line.replacen(find, replace, 1),
            n => return Err(bad(format!("`find` {find:?} occurs {n} times in seed line {}, expected once", o.line))),
        }
        report.repaired(o.line, "replace", &o.reason);
    }
    Ok(lines)
}

/// `3.1.1. 安全管理義務` / `5.1.1 リスク特定` / `2. 本ガイドラインの対象`
static NUMBERED: Lazy<Regex> = lazy_regex!(r"^(\d+(?:\.\d+)*)\.?\s+(\S.*?)$");
/// A survey section heading `3.1.1. 安全管理義務 (12頁)`, several per line possible.
static HEADING: Lazy<Regex> =
    lazy_regex!(r"(\d+(?:\.\d+)*)\.?\s*([^\s()（）\d][^()（）]*?)\s*[(（]\s*(\d+)\s*頁\s*[)）]");
/// `<2省GL該当箇所の記載 13~14頁>`
static QUOTE_PAGES: Lazy<Regex> = lazy_regex!(r"(\d+\s*(?:[~～\-]\s*\d+)?)\s*頁");
/// `① 利用者認証における考慮事項`
static CONSIDERATION: Lazy<Regex> = lazy_regex!(r"^([①-⑳])\s*(\S.*考慮事項)$");
/// `…特有の考慮事項⑦として…`
static PROPOSAL_MENTION: Lazy<Regex> = lazy_regex!(r"考慮事項([①-⑳])として");
/// summary table group cell `1 セキュアな設計・開発・供給・運用 脆弱性を抑え、…`
static GROUP_CELL: Lazy<Regex> = lazy_regex!(r"^(\d+)\s+(\S+)\s+(\S.*)$");
/// summary table item cell `1.1.`
static ITEM_CELL: Lazy<Regex> = lazy_regex!(r"^(\d+)\.(\d+)\.?$");
/// `S(1)-1 設計時のリスク評価と対策の追跡` (detail table first cell)
static S_LABEL_CELL: Lazy<Regex> = lazy_regex!(r"^S[(（](\d+)[)）]-(\d+)\s+(\S.*)$");
/// `S(1)-4「サービスのモニタリング」` anywhere in the text
static S_LABEL_QUOTED: Lazy<Regex> = lazy_regex!(r"S[(（](\d+)[)）]-(\d+)\s*「([^」]+)」");
/// 2省GL section references in a 対応案 cell: 「3.2. …」 or （5.1.5.）
static SECTION_REF: Lazy<Regex> = lazy_regex!(r"「(\d+(?:\.\d+)+)\.\s|（(\d+(?:\.\d+)+)\.?）");
/// `S(2)-4.1`: a sub-item the survey cites.
static SUB_ITEM: Lazy<Regex> = lazy_regex!(r"S[(（](\d+)[)）]-(\d+)\.(\d+)");

/// The seed's repaired lines, shared by the phases (each an `impl Cx` in its own module).
struct Cx<'a> {
    seed: &'a Seed,
    lines: Vec<String>,
}

/// Which part of the seed says what a section's title and page are, best first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum TocSource {
    /// The guideline's own 目次, reproduced in the seed.
    GuidelineToc,
    /// The survey's 目次一覧 table.
    SurveyTable,
    /// A survey section heading `… (N頁)`: checked, never used for the page.
    Heading,
}

impl TocSource {
    fn describe(self) -> &'static str {
        match self {
            Self::GuidelineToc => "the guideline's own table of contents",
            Self::SurveyTable => "the survey's 目次一覧 table",
            Self::Heading => "a survey section heading",
        }
    }
}

#[derive(Debug, Clone)]
struct Claim {
    title: String,
    page: Option<String>,
    line: u32,
    source: TocSource,
}

/// Everything the seed says about each 2省GL section, by section number.
#[derive(Debug, Default)]
struct Toc {
    claims: BTreeMap<SectionNo, Vec<Claim>>,
}

impl Toc {
    fn add(&mut self, no: SectionNo, claim: Claim) {
        self.claims.entry(no).or_default().push(claim);
    }
    fn contains(&self, no: &str) -> bool {
        SectionNo::parse(no)
            .is_some_and(|n| self.claims.get(&n).is_some_and(|c| c.iter().any(|c| c.source != TocSource::Heading)))
    }
    fn title(&self, no: &SectionNo) -> Option<&str> {
        self.claims.get(no)?.iter().min_by_key(|c| (c.source, c.line)).map(|c| c.title.as_str())
    }
}

/// A section number compared numerically (`5.1.10` after `5.1.9`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
struct SectionNo(Vec<u32>);

impl SectionNo {
    fn parse(s: &str) -> Option<Self> {
        let s = s.strip_suffix('.').unwrap_or(s);
        s.split('.').map(|p| p.parse().ok()).collect::<Option<Vec<u32>>>().filter(|v| !v.is_empty()).map(Self)
    }
    fn parent(&self) -> Option<Self> {
        (self.0.len() > 1).then(|| Self(self.0[..self.0.len() - 1].to_vec()))
    }
    fn is_ancestor_of(&self, other: &Self) -> bool {
        other.0.len() > self.0.len() && other.0.starts_with(&self.0)
    }
}

impl std::fmt::Display for SectionNo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let parts: Vec<String> = self.0.iter().map(u32::to_string).collect();
        f.write_str(&parts.join("."))
    }
}

/// Quoted text gathered for one node: paragraphs, where they came from, which pages.
#[derive(Debug, Default)]
struct Quoted {
    paras: Vec<String>,
    seen: HashSet<String>,
    ranges: Vec<(u32, u32)>,
    pages: Vec<String>,
}

impl Quoted {
    /// Adds a paragraph; false if it was already quoted for this node. Two quotes of one
    /// paragraph count as the same when they differ only in white space or in full-/half-width
    /// forms (the survey's slides extract 「（」 once as 「(」); the first one is kept.
    fn add(&mut self, para: String) -> bool {
        let key: String = squash(&para.nfkc().collect::<String>());
        if para != "(略)" && !self.seen.insert(key) {
            return false;
        }
        self.paras.push(para);
        true
    }
}

#[derive(Debug, Default)]
struct Consideration {
    title: String,
    heading_line: u32,
    quoted: Quoted,
}

#[derive(Debug)]
struct Proposal {
    title: String,
    heading_line: u32,
    mentions: Vec<u32>,
}

#[derive(Debug, Default)]
struct Quotes {
    sections: BTreeMap<SectionNo, Quoted>,
    considerations: BTreeMap<usize, Consideration>,
    proposals: BTreeMap<usize, Proposal>,
}

/// What the quote scanner is inside.
#[derive(Debug, PartialEq)]
enum Mode {
    Outside,
    /// `<2省GL該当箇所の記載 …>`: quoted text of the page's section.
    Quote,
    /// `<2省ガイドライン>`: quoted text with inline headings (or a 目次, skipped).
    GuidelineDoc {
        header_seen: bool,
        toc: bool,
    },
    /// `<対応Lv1…>`: the survey's direction (commentary).
    Lv1,
    /// `<対応Lv2…>`: the survey's proposed rewrite (never guideline text).
    Lv2,
    /// Any other marker block (根拠, FAQ, 注釈…): skipped.
    Other,
}

fn circled_index(c: char) -> Option<usize> {
    CIRCLED.iter().position(|&x| x == c).map(|i| i + 1)
}

fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Survey markup that is not text: `**bold**` markers.
fn paragraph(line: &str) -> String {
    clean(&line.replace("**", ""))
}

fn local(id: &str) -> LocalId {
    LocalId::parse(id).expect("ids are built from digits, letters, '.' and '-'")
}

impl Cx<'_> {
    fn line(&self, n: u32) -> &str {
        self.lines.get(n as usize - 1).map_or("", String::as_str)
    }

    fn numbered(&self) -> impl Iterator<Item = (u32, &str)> {
        self.lines.iter().enumerate().map(|(i, l)| (i as u32 + 1, l.as_str()))
    }

    fn err(&self, line: u32, msg: impl Into<String>) -> ImportError {
        ImportError::at(&self.seed.name, line as usize, 1, msg)
    }

    /// `2. 本ガイドラインの対象` → (`2`, `本ガイドラインの対象`).
    fn split_numbered(&self, cell: &str) -> Option<(SectionNo, String)> {
        let c = NUMBERED.captures(cell.trim())?;
        let no = SectionNo::parse(&c[1])?;
        let title = c[2].trim_end_matches(['.', '…', ' ']).trim().to_owned();
        Some((no, title))
    }

    /// Section headings `3.1.1. 安全管理義務 (12頁)` if the whole line is made of them.
    fn headings(&self, line: &str) -> Vec<(SectionNo, String, String)> {
        let mut out = Vec::new();
        let mut rest = String::new();
        let mut last = 0;
        for c in HEADING.captures_iter(line) {
            let m = c.get(0).expect("match");
            rest.push_str(&line[last..m.start()]);
            last = m.end();
            if let Some(no) = SectionNo::parse(&c[1]) {
                out.push((no, c[2].trim().to_owned(), c[3].to_owned()));
            }
        }
        rest.push_str(&line[last..]);
        if rest.trim().is_empty() { out } else { Vec::new() }
    }
}

/// `2省GL p.13~14、p.35` style list of the quoted pages (for notes).
fn pages_phrase(pages: &[String]) -> String {
    if pages.is_empty() { "頁の記載なし".to_owned() } else { format!("2省GL p.{}", pages.join("、p.")) }
}

/// [`ranges`] for a Japanese note: `1～3、7、9～10`.
fn ranges_ja(lines: &[u32]) -> String {
    ranges(lines).replace(", ", "、").replace('-', "～")
}

/// Compresses sorted line numbers into `1-3, 7, 9-10`.
fn ranges(lines: &[u32]) -> String {
    let mut v = lines.to_vec();
    v.sort_unstable();
    v.dedup();
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while i < v.len() {
        let start = v[i];
        let mut end = start;
        while i + 1 < v.len() && v[i + 1] == end + 1 {
            i += 1;
            end = v[i];
        }
        out.push(if start == end { start.to_string() } else { format!("{start}-{end}") });
        i += 1;
    }
    out.join(", ")
}

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
use sansho_core::{
    Basis, Catalog, CatalogId, CatalogKind, LocalId, Localized, Mapping, MappingSet, NodeKind, Relation, Requirement,
};
use unicode_normalization::UnicodeNormalization;

use crate::text::clean;
use crate::{ImportError, ImportReport, Output, Overrides, Seed};

const METI: &str = "meti-mic-2";
const CYBER: &str = "cyber-infra";
const SET: &str = "cyber-infra--meti-mic-2";
/// The section under which the seed quotes 医療情報システム等特有の考慮事項.
const CONSIDERATIONS: &str = "5.1.5";
const CIRCLED: [char; 20] =
    ['①', '②', '③', '④', '⑤', '⑥', '⑦', '⑧', '⑨', '⑩', '⑪', '⑫', '⑬', '⑭', '⑮', '⑯', '⑰', '⑱', '⑲', '⑳'];

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

    fn read_toc(&self, report: &mut ImportReport) -> Result<Toc, ImportError> {
        let mut toc = Toc::default();
        let mut add = |no: SectionNo, claim: Claim| toc.claims.entry(no).or_default().push(claim);

        // The survey's 目次一覧 table.
        let mut table_rows = 0;
        let mut table_lines = Vec::new();
        let mut in_table = false;
        for (n, l) in self.numbered() {
            let cells: Vec<&str> = l.split('\t').collect();
            if cells.len() == 6 && cells[0].starts_with("項目1") && cells[5].trim() == "GL該当頁" {
                in_table = true;
                continue;
            }
            if !in_table {
                continue;
            }
            if l.trim().is_empty() {
                in_table = false;
                continue;
            }
            if cells.len() != 6 {
                return Err(self.err(n, format!("目次一覧 row has {} cells, expected 6", cells.len())));
            }
            let page = cells[5].trim().trim_end_matches('頁').trim();
            if page.is_empty() || !page.chars().all(|c| c.is_ascii_digit()) {
                return Err(self.err(n, format!("目次一覧 row has no page in GL該当頁: {:?}", cells[5])));
            }
            let items: Vec<(SectionNo, String)> = cells[..3]
                .iter()
                .filter(|c| !c.trim().is_empty() && c.trim() != "－")
                .filter_map(|c| self.split_numbered(c))
                .collect();
            if items.is_empty() {
                return Err(self.err(n, "目次一覧 row names no section"));
            }
            let deepest = items.len() - 1;
            for (i, (no, title)) in items.into_iter().enumerate() {
                let page = (i == deepest).then(|| page.to_owned());
                add(no, Claim { title, page, line: n, source: TocSource::SurveyTable });
            }
            table_rows += 1;
            table_lines.push(n);
        }
        report.rows_read += table_rows;
        if table_rows == 0 {
            return Err(self.err(0, "the survey's 目次一覧 table (header 項目1 … GL該当頁) was not found"));
        }
        report.notes.push(format!(
            "{METI}: {table_rows} rows of the survey's 目次一覧 table (lines {}) give sections of chapters 2–6 and \
             their GL該当頁; its レベル1/レベル2 columns are the survey's own work plan, not guideline levels, and \
             are not imported.",
            ranges(&table_lines)
        ));

        // Excerpts of the guideline's own table of contents.
        let mut toc_lines = Vec::new();
        let mut n = 1;
        while (n as usize) <= self.lines.len() {
            let l = self.line(n);
            n += 1;
            if !(l.contains("目次") && l.contains("2.0") && l.contains("ガイドライン")) {
                continue;
            }
            while (n as usize) <= self.lines.len() {
                let l = self.line(n);
                if l.trim().is_empty() || l.contains(".pdf") {
                    n += 1;
                    continue;
                }
                let cells: Vec<&str> = l.split('\t').map(str::trim).collect();
                let page = cells.last().copied().unwrap_or("");
                let entry = (cells.len() >= 2 && !page.is_empty() && page.chars().all(|c| c.is_ascii_digit()))
                    .then(|| self.split_numbered(&cells[..cells.len() - 1].join(" ")))
                    .flatten();
                let Some((no, title)) = entry else { break };
                add(no, Claim { title, page: Some(page.to_owned()), line: n, source: TocSource::GuidelineToc });
                toc_lines.push(n);
                n += 1;
            }
        }
        report.rows_read += toc_lines.len();
        report.notes.push(format!(
            "{METI}: {} lines of the guideline's own 目次 reproduced in 001 (lines {}) give titles and printed pages.",
            toc_lines.len(),
            ranges(&toc_lines)
        ));

        // Survey section headings: checked against the above, never a source of pages.
        for (n, l) in self.numbered() {
            for (no, title, page) in self.headings(l) {
                add(no, Claim { title, page: Some(page), line: n, source: TocSource::Heading });
            }
        }

        // Report disagreements once per (section, source, value).
        let mut said = HashSet::new();
        for (no, claims) in &toc.claims {
            let Some(best) =
                claims.iter().filter(|c| c.source != TocSource::Heading).min_by_key(|c| (c.source, c.line))
            else {
                let c = &claims[0];
                report.notes.push(format!(
                    "{METI}: a survey heading names section {no} 「{}」 (line {}) that no table of contents lists; not imported.",
                    c.title, c.line
                ));
                continue;
            };
            for c in claims {
                if squash(&c.title) != squash(&best.title) && said.insert((no.clone(), c.source, c.title.clone())) {
                    report.notes.push(format!(
                        "{METI} {no}: title 「{}」 in {} (line {}) differs from 「{}」 in {} (line {}); using the latter.",
                        c.title,
                        c.source.describe(),
                        c.line,
                        best.title,
                        best.source.describe(),
                        best.line
                    ));
                }
            }
            let page_best = claims
                .iter()
                .filter(|c| c.source != TocSource::Heading && c.page.is_some())
                .min_by_key(|c| (c.source, c.line));
            if let Some(pb) = page_best {
                for c in claims {
                    if c.page.is_some()
                        && c.page != pb.page
                        && said.insert((no.clone(), c.source, format!("p{:?}", c.page)))
                    {
                        report.notes.push(format!(
                            "{METI} {no}: {} (line {}) cites p.{} where {} (line {}) prints p.{}; using p.{}.",
                            c.source.describe(),
                            c.line,
                            c.page.as_deref().unwrap_or(""),
                            pb.source.describe(),
                            pb.line,
                            pb.page.as_deref().unwrap_or(""),
                            pb.page.as_deref().unwrap_or("")
                        ));
                    }
                }
            }
        }
        Ok(toc)
    }

    fn read_quotes(&self, toc: &Toc, ov: &Overrides, report: &mut ImportReport) -> Result<Quotes, ImportError> {
        let mut q = Quotes::default();
        let considerations = SectionNo::parse(CONSIDERATIONS).expect("constant");
        let mut ctx: Option<SectionNo> = None;
        let mut mode = Mode::Outside;
        // Where the current block's text goes: a section, or a 考慮事項 of 5.1.5.
        let mut target: Option<SectionNo> = None;
        let mut item: Option<usize> = None;
        let mut block_pages = String::new();
        // Lines of the current block per destination, to make provenance ranges.
        let mut block_lines: BTreeMap<(SectionNo, Option<usize>), (u32, u32)> = BTreeMap::new();
        let mut blocks = Vec::new();
        let mut paragraphs = 0;
        let mut duplicates = 0;

        let close =
            |block_lines: &mut BTreeMap<(SectionNo, Option<usize>), (u32, u32)>, q: &mut Quotes, pages: &str| {
                for ((sec, item), range) in std::mem::take(block_lines) {
                    let quoted = match item {
                        Some(i) => &mut q.considerations.get_mut(&i).expect("item opened").quoted,
                        None => q.sections.entry(sec).or_default(),
                    };
                    quoted.ranges.push(range);
                    if !pages.is_empty() && !quoted.pages.iter().any(|p| p == pages) {
                        quoted.pages.push(pages.to_owned());
                    }
                }
            };

        for (n, raw) in self.numbered() {
            let t = raw.trim();
            let sq = squash(t);
            let page_header = sq.starts_with("2省GLの整理");
            let ends = t.starts_with('<')
                || t.starts_with("根拠")
                || t.starts_with("※")
                || page_header
                || (!t.is_empty() && t.chars().all(|c| c.is_ascii_digit()));
            if ends && mode != Mode::Outside {
                close(&mut block_lines, &mut q, &block_pages);
                mode = Mode::Outside;
                target = None;
                item = None;
            }
            if page_header {
                ctx = None;
                continue;
            }
            if mode == Mode::Outside {
                let hs = self.headings(t);
                if let Some((no, _, _)) = hs.last() {
                    ctx = Some(no.clone());
                    continue;
                }
            }
            if t.starts_with("<2省GL該当箇所の記載") {
                mode = Mode::Quote;
                block_pages = QUOTE_PAGES.captures(t).map(|c| squash(&c[1])).unwrap_or_default();
                match &ctx {
                    Some(no) if toc.contains(&no.to_string()) => target = Some(no.clone()),
                    _ => report.reject(n, "quoted 2省GL text on a survey page with no known section heading"),
                }
                blocks.push(n);
                continue;
            }
            if t == "<2省ガイドライン>" {
                mode = Mode::GuidelineDoc { header_seen: false, toc: false };
                block_pages.clear();
                continue;
            }
            if t.starts_with("<対応Lv1") {
                mode = Mode::Lv1;
                continue;
            }
            if t.starts_with("<対応Lv2") {
                mode = Mode::Lv2;
                continue;
            }
            if t.starts_with('<') {
                mode = Mode::Other;
                continue;
            }
            if t.is_empty() {
                continue;
            }
            let at_considerations = ctx.as_ref() == Some(&considerations);
            match &mut mode {
                Mode::Outside | Mode::Other => continue,
                Mode::Lv1 => {
                    if at_considerations {
                        for c in PROPOSAL_MENTION.captures_iter(t) {
                            let i = circled_index(c[1].chars().next().expect("one char")).expect("circled");
                            q.proposals
                                .entry(i)
                                .or_insert_with(|| Proposal {
                                    title: String::new(),
                                    heading_line: 0,
                                    mentions: Vec::new(),
                                })
                                .mentions
                                .push(n);
                        }
                    }
                    continue;
                }
                Mode::Lv2 => {
                    if at_considerations && let Some(c) = CONSIDERATION.captures(t) {
                        let i = circled_index(c[1].chars().next().expect("one char")).expect("circled");
                        let p = q.proposals.entry(i).or_insert_with(|| Proposal {
                            title: String::new(),
                            heading_line: 0,
                            mentions: Vec::new(),
                        });
                        p.title = clean(&c[2]);
                        p.heading_line = n;
                    }
                    continue;
                }
                Mode::GuidelineDoc { header_seen, toc: is_toc } => {
                    if !*header_seen {
                        // The line naming the document: 「…ガイドライン第 2.0版 51-55頁」 or 「… 目次」.
                        *header_seen = true;
                        *is_toc = t.contains("目次");
                        block_pages = QUOTE_PAGES.captures(t).map(|c| squash(&c[1])).unwrap_or_default();
                        if !*is_toc {
                            blocks.push(n);
                        }
                        continue;
                    }
                    if *is_toc || t.contains(".pdf") {
                        continue;
                    }
                    if let Some((no, title)) = self.split_numbered(t)
                        && toc.title(&no).is_some_and(|tt| squash(tt) == squash(&title))
                    {
                        close(&mut block_lines, &mut q, &block_pages);
                        target = Some(no);
                        continue;
                    }
                    if target.is_none() {
                        match ov.take_one(n, "quote-section") {
                            Some(o) => {
                                let s = o.str_arg(&ov.file, "section")?;
                                let no = SectionNo::parse(s).filter(|no| toc.contains(&no.to_string())).ok_or_else(
                                    || {
                                        ImportError::at(
                                            &ov.file,
                                            o.defined_at,
                                            1,
                                            format!("unknown 2省GL section {s:?}"),
                                        )
                                    },
                                )?;
                                report.repaired(n, "quote-section", &o.reason);
                                target = Some(no);
                            }
                            None => {
                                report.reject(
                                    n,
                                    "2省GL text quoted before any section heading and no quote-section override",
                                );
                                continue;
                            }
                        }
                    }
                }
                Mode::Quote => {
                    if target.as_ref() == Some(&considerations)
                        && let Some(c) = CONSIDERATION.captures(t)
                    {
                        let i = circled_index(c[1].chars().next().expect("one char")).expect("circled");
                        if q.considerations.contains_key(&i) {
                            return Err(self.err(n, format!("特有の考慮事項 {} is quoted twice", &c[1])));
                        }
                        q.considerations.insert(
                            i,
                            Consideration { title: clean(&c[2]), heading_line: n, quoted: Quoted::default() },
                        );
                        item = Some(i);
                        let key = (considerations.clone(), Some(i));
                        block_lines.insert(key, (n, n));
                        continue;
                    }
                }
            }
            // A paragraph of quoted guideline text.
            let Some(sec) = target.clone() else { continue };
            let para = paragraph(t);
            if para.is_empty() {
                continue;
            }
            paragraphs += 1;
            let quoted = match item {
                Some(i) => &mut q.considerations.get_mut(&i).expect("item opened").quoted,
                None => q.sections.entry(sec.clone()).or_default(),
            };
            if quoted.add(para) {
                let r = block_lines.entry((sec, item)).or_insert((n, n));
                r.1 = n;
            } else {
                duplicates += 1;
            }
        }
        report.rows_read += paragraphs;
        report.notes.push(format!(
            "{METI}: {paragraphs} paragraphs of guideline text quoted verbatim in {} blocks (opening at lines {}); \
             {duplicates} paragraphs the survey quotes again for the same node were kept once.",
            blocks.len(),
            ranges(&blocks)
        ));
        // Proposals: only those the guideline does not already have.
        q.proposals.retain(|i, _| !q.considerations.contains_key(i));
        for (i, p) in &q.proposals {
            if p.heading_line == 0 {
                return Err(self.err(
                    p.mentions.first().copied().unwrap_or(0),
                    format!("the survey proposes 特有の考慮事項 {} but gives no heading for it", CIRCLED[i - 1]),
                ));
            }
        }
        Ok(q)
    }

    fn build_meti(&self, toc: &Toc, quotes: &Quotes, report: &mut ImportReport) -> Result<Catalog, ImportError> {
        let seed = self.seed;
        let mut reqs = Vec::new();
        let mut chapters = 0;
        let mut sections = 0;
        for (no, claims) in &toc.claims {
            let listed: Vec<&Claim> = claims.iter().filter(|c| c.source != TocSource::Heading).collect();
            if listed.is_empty() || !(2..=6).contains(&no.0[0]) {
                continue;
            }
            let best = listed.iter().min_by_key(|c| (c.source, c.line)).expect("non-empty");
            let page = listed
                .iter()
                .filter(|c| c.page.is_some())
                .min_by_key(|c| (c.source, c.line))
                .and_then(|c| c.page.clone());
            let kind = if no.0.len() == 1 { NodeKind::Chapter } else { NodeKind::Section };
            let label = no.to_string();
            let mut r = Requirement::new(local(&label), kind, label.clone());
            if let Some(parent) = no.parent() {
                if !toc.claims.contains_key(&parent) {
                    return Err(
                        self.err(best.line, format!("section {no} has no parent {parent} in the tables of contents"))
                    );
                }
                r.parent = Some(local(&parent.to_string()));
            }
            r.title = Some(best.title.clone());
            r.page = page.clone();
            let mut lines: Vec<u32> = listed.iter().map(|c| c.line).collect();
            lines.sort_unstable();
            lines.dedup();
            r.provenance = lines.iter().map(|&l| seed.provenance(l)).collect();
            let mut notes = Vec::new();
            if page.is_none() {
                let mut cited: Vec<String> = Vec::new();
                for c in claims.iter().filter(|c| c.source == TocSource::Heading) {
                    let p = c.page.as_deref().unwrap_or("");
                    if !cited.iter().any(|x| x.starts_with(&format!("{p}頁（"))) {
                        cited.push(format!("{p}頁（{}行目）", c.line));
                    }
                }
                let mut note = "出典001のいずれの目次にも、この見出しの頁は記載されていない。".to_owned();
                if !cited.is_empty() {
                    note.push_str(&format!(
                        "調査報告書の節見出しは{}を挙げているが、これは印刷された頁として採用していない（第5章では、\
                         そうした見出しが27頁を挙げる一方、ガイドライン自体の目次は25頁としている）。",
                        cited.join("、")
                    ));
                }
                notes.push(note);
            }
            match quotes.sections.get(no) {
                Some(qt) if !qt.paras.is_empty() => {
                    r.text = Some(qt.paras.join("\n"));
                    r.provenance.extend(qt.ranges.iter().map(|&(a, b)| seed.provenance_range(a, b)));
                    notes.push(format!(
                        "本文：出典001が本節から原文のまま引用している箇所（{}）を引用順に収録したもので、節の全文ではない。",
                        pages_phrase(&qt.pages)
                    ));
                }
                _ => notes.push("出典001には見出しのみが記載され、本文は含まれない。".to_owned()),
            }
            r.note = Some(notes.concat());
            if kind == NodeKind::Chapter {
                chapters += 1;
            } else {
                sections += 1;
            }
            reqs.push(r);

            if label == CONSIDERATIONS {
                let items = self.considerations(quotes, report)?;
                reqs.extend(items);
            }
        }
        for (no, qt) in &quotes.sections {
            if !reqs.iter().any(|r| r.id.as_str() == no.to_string()) {
                let line = qt.ranges.first().map_or(0, |r| r.0);
                report.reject(
                    line,
                    format!(
                        "quoted text of 2省GL {no}, a section outside chapters 2–6 or not in any table of contents"
                    ),
                );
            }
        }
        report.count(format!("{METI} chapters"), chapters);
        report.count(format!("{METI} sections"), sections);

        Ok(Catalog {
            id: CatalogId::parse(METI).expect("constant"),
            title: Localized::new(
                "医療情報を取り扱う情報システム・サービスの提供事業者における安全管理ガイドライン",
                "Guideline on safety management for providers of information systems and services handling medical information",
            ),
            issuers: vec!["経済産業省".to_owned(), "総務省".to_owned()],
            edition: "第2.0版".to_owned(),
            date: Some("2025-03".to_owned()),
            kind: CatalogKind::Guideline,
            sources: vec![seed.source_doc(
                "PHR指針及び2省GLの改定に関する2026年2月の調査報告書（令和7年度ヘルスケア産業基盤高度化推進事業 \
                 調査報告書）：2省GLの目次と、報告書が引用する箇所",
            )],
            description: Some(
                "出典001から分かる範囲の2省GL 第2.0版：第2～6章とその節、および出典001の目次に記載された頁、\
                 リスクマネジメントの手順5.1.1～5.1.7と5.2、5.1.5の医療情報システム等特有の考慮事項①～⑧\
                 （⑦と⑧は調査報告書による提案のみ）。本文は出典001がガイドラインを原文のまま引用している箇所に限り、\
                 調査報告書による改定案の文言は用いない。発行者：出典001の39行目（経済産業省と総務省）。\
                 日付：出典001が引用するガイドラインのファイルは01gl_20250328.pdf（567行目、660行目）であり、\
                 39行目に令和6年度に改定されたとある。第1章と別紙は出典に含まれない。"
                    .to_owned(),
            ),
            requirements: reqs,
            outline: None,
            ext: None,
        })
    }

    /// 特有の考慮事項 ①… under 5.1.5: quoted ones with text, proposals with a note only.
    fn considerations(&self, quotes: &Quotes, report: &mut ImportReport) -> Result<Vec<Requirement>, ImportError> {
        let seed = self.seed;
        let max = quotes.considerations.keys().chain(quotes.proposals.keys()).copied().max().unwrap_or(0);
        let mut out = Vec::new();
        let (mut quoted_n, mut proposed_n) = (0, 0);
        for i in 1..=max {
            let mut r = Requirement::new(
                local(&format!("{CONSIDERATIONS}-c{i}")),
                NodeKind::Item,
                format!("{CONSIDERATIONS} {}", CIRCLED[i - 1]),
            );
            r.parent = Some(local(CONSIDERATIONS));
            if let Some(c) = quotes.considerations.get(&i) {
                r.title = Some(c.title.clone());
                if c.quoted.paras.is_empty() {
                    return Err(self.err(c.heading_line, "a quoted 特有の考慮事項 has a heading but no text"));
                }
                r.text = Some(c.quoted.paras.join("\n"));
                r.provenance = c.quoted.ranges.iter().map(|&(a, b)| seed.provenance_range(a, b)).collect();
                r.note = Some(format!(
                    "5.1.5 (1)「(イ)医療情報システム等特有の考慮事項」の項目。本文は出典001に原文のまま引用されたもの（{}）。",
                    pages_phrase(&c.quoted.pages)
                ));
                quoted_n += 1;
            } else if let Some(p) = quotes.proposals.get(&i) {
                r.title = Some(p.title.clone());
                let mut lines = p.mentions.clone();
                lines.push(p.heading_line);
                lines.sort_unstable();
                lines.dedup();
                r.provenance = lines.iter().map(|&l| seed.provenance(l)).collect();
                r.note = Some(format!(
                    "提案（第2.0版には存在しない）：調査報告書は特有の考慮事項に{}を追加することを提案している\
                     （出典001の{}行目）。見出しは調査報告書が提案する見出し（{}行目）。ガイドラインには本項の本文がなく、\
                     調査報告書の提案文言はガイドラインの本文ではないため、本文は収録しない。",
                    CIRCLED[i - 1],
                    ranges_ja(&p.mentions),
                    p.heading_line
                ));
                proposed_n += 1;
            } else {
                return Err(self.err(0, format!("特有の考慮事項 {} is neither quoted nor proposed", CIRCLED[i - 1])));
            }
            out.push(r);
        }
        report.count(format!("{METI} 特有の考慮事項 quoted"), quoted_n);
        report.count(format!("{METI} 特有の考慮事項 proposed only"), proposed_n);
        Ok(out)
    }

    fn read_cyber(&self, meti: &Catalog, report: &mut ImportReport) -> Result<(Catalog, MappingSet), ImportError> {
        let seed = self.seed;
        struct Row {
            group: u32,
            item: u32,
            title: String,
            covered: String,
            how: String,
            scope: String,
            line: u32,
        }
        struct Group {
            no: u32,
            title: String,
            text: String,
            line: u32,
        }
        // The summary table.
        let mut groups: Vec<Group> = Vec::new();
        let mut rows: Vec<Row> = Vec::new();
        let header = self
            .numbered()
            .find(|(_, l)| l.starts_with("サイバーインフラGL 要求事項") && l.contains("2省GLの取り込み方針"))
            .map(|(n, _)| n)
            .ok_or_else(|| self.err(0, "the サイバーインフラGL summary table (サイバーインフラGL 要求事項 / 2省GLの取り込み方針) was not found"))?;
        let sub = self.line(header + 1);
        if !(sub.contains("2省GLの記載有無") && sub.contains("追記方法") && sub.contains("適用範囲")) {
            return Err(self.err(header + 1, "expected the heads 2省GLの記載有無 / 追記方法 / 適用範囲"));
        }
        let mut n = header + 2;
        while (n as usize) <= self.lines.len() && !self.line(n).trim().is_empty() {
            let l = self.line(n);
            let cells: Vec<&str> = l.split('\t').map(str::trim).collect();
            if cells.len() != 6 {
                return Err(self.err(n, format!("summary row has {} cells, expected 6", cells.len())));
            }
            if !cells[0].is_empty() {
                let c = GROUP_CELL
                    .captures(cells[0])
                    .ok_or_else(|| self.err(n, "group cell is not `N title description`"))?;
                let no: u32 = c[1].parse().map_err(|_| self.err(n, "bad group number"))?;
                if no as usize != groups.len() + 1 {
                    return Err(self.err(n, format!("group {no} out of order")));
                }
                groups.push(Group { no, title: c[2].to_owned(), text: clean(&c[3]), line: n });
            }
            let g = groups.last().ok_or_else(|| self.err(n, "requirement row before any group"))?;
            let c = ITEM_CELL.captures(cells[1]).ok_or_else(|| self.err(n, "item cell is not `N.M.`"))?;
            let (gi, ii): (u32, u32) = (c[1].parse().unwrap_or(0), c[2].parse().unwrap_or(0));
            let expected = rows.iter().filter(|r| r.group == g.no).count() as u32 + 1;
            if gi != g.no || ii != expected {
                return Err(self.err(
                    n,
                    format!("item {gi}.{ii} does not follow in group {} (expected {}.{expected})", g.no, g.no),
                ));
            }
            let title = cells[2].trim_end_matches('→').trim().to_owned();
            for (v, head) in [(cells[3], "2省GLの記載有無"), (cells[4], "追記方法"), (cells[5], "適用範囲")]
            {
                if v.is_empty() {
                    return Err(self.err(n, format!("empty {head}")));
                }
            }
            if !matches!(cells[3], "記載なし" | "一部記載あり" | "記載あり") {
                return Err(self.err(n, format!("unknown 2省GLの記載有無 {:?}", cells[3])));
            }
            rows.push(Row {
                group: g.no,
                item: ii,
                title: clean(&title),
                covered: cells[3].to_owned(),
                how: clean(cells[4]),
                scope: clean(cells[5]),
                line: n,
            });
            n += 1;
        }
        report.rows_read += rows.len();
        report.notes.push(format!(
            "{CYBER}: the summary table 「サイバーセキュリティに関する整理 検討結果 (1/5)」 (lines {header}–{}) gives {} groups \
             and {} requirements with 2省GLの記載有無 / 追記方法 / 適用範囲; it prints them as `1.1.`, labelled here \
             `S(1)-1` as the detail tables and the survey's references print them.",
            n - 1,
            groups.len(),
            rows.len()
        ));

        // Detail tables: 概要 (the requirement's wording), 差分, 適用範囲, 対応案.
        struct Detail {
            summary: String,
            gap: String,
            scope: String,
            sections: Vec<SectionNo>,
            line: u32,
        }
        let mut details: BTreeMap<(u32, u32), Detail> = BTreeMap::new();
        for (n, l) in self.numbered() {
            let cells: Vec<&str> = l.split('\t').map(str::trim).collect();
            let Some(c) = S_LABEL_CELL.captures(cells[0]) else { continue };
            if cells.len() != 6 {
                return Err(self.err(n, format!("detail row has {} cells, expected 6", cells.len())));
            }
            let key: (u32, u32) = (c[1].parse().unwrap_or(0), c[2].parse().unwrap_or(0));
            let row = rows
                .iter()
                .find(|r| (r.group, r.item) == key)
                .ok_or_else(|| self.err(n, format!("S({})-{} is not in the summary table", key.0, key.1)))?;
            if squash(&c[3]) != squash(&row.title) {
                return Err(self.err(
                    n,
                    format!(
                        "S({})-{} is titled 「{}」 here but 「{}」 in the summary table",
                        key.0, key.1, &c[3], row.title
                    ),
                ));
            }
            if squash(cells[4]) != squash(&row.scope) {
                return Err(
                    self.err(n, format!("適用範囲 {:?} differs from the summary table's {:?}", cells[4], row.scope))
                );
            }
            let mut sections: Vec<SectionNo> = Vec::new();
            for c in SECTION_REF.captures_iter(cells[5]) {
                let s = c.get(1).or_else(|| c.get(2)).expect("one group").as_str();
                if let Some(no) = SectionNo::parse(s).filter(|no| meti.get(&no.to_string()).is_some())
                    && !sections.contains(&no)
                {
                    sections.push(no);
                }
            }
            let all = sections.clone();
            sections.retain(|s| !all.iter().any(|o| s.is_ancestor_of(o)));
            details.insert(
                key,
                Detail { summary: clean(cells[1]), gap: clean(cells[2]), scope: clean(cells[4]), sections, line: n },
            );
        }
        report.rows_read += details.len();
        report.notes.push(format!(
            "{CYBER}: detail tables (2/5–4/5) give the wording (概要) and the survey's 差分 / 対応案 of {} requirements \
             (lines {}); the others have only their heading in 001.",
            details.len(),
            ranges(&details.values().map(|d| d.line).collect::<Vec<_>>())
        ));

        // Other places that print an S-label with its title: check, and keep as provenance.
        let mut mentions: BTreeMap<(u32, u32), Vec<u32>> = BTreeMap::new();
        for (n, l) in self.numbered() {
            for c in S_LABEL_QUOTED.captures_iter(l) {
                let key: (u32, u32) = (c[1].parse().unwrap_or(0), c[2].parse().unwrap_or(0));
                match rows.iter().find(|r| (r.group, r.item) == key) {
                    Some(r) if squash(&r.title) == squash(&c[3]) => mentions.entry(key).or_default().push(n),
                    _ => report.notes.push(format!(
                        "{CYBER}: line {n} cites S({})-{}「{}」, which does not match the summary table; ignored.",
                        key.0, key.1, &c[3]
                    )),
                }
            }
        }

        // Sub-items the survey cites (S(2)-4.1) but no table lists: reported, not imported.
        for (n, l) in self.numbered() {
            for c in SUB_ITEM.captures_iter(l) {
                report.notes.push(format!(
                    "{CYBER}: line {n} cites S({})-{}.{}, a sub-item of S({})-{} that 001 does not list (only the \
                     survey's paraphrase of it); not imported.",
                    &c[1], &c[2], &c[3], &c[1], &c[2]
                ));
            }
        }

        // Catalog.
        let mut reqs = Vec::new();
        for g in &groups {
            let mut r = Requirement::new(local(&format!("g{}", g.no)), NodeKind::Chapter, g.no.to_string());
            r.title = Some(g.title.clone());
            r.text = Some(g.text.clone());
            r.provenance = vec![seed.provenance(g.line)];
            r.note = Some(
                "要求事項のグループ。見出しと本文は、出典001の一覧表のグループのセル（「サイバーインフラGL 要求事項」列）による。"
                    .to_owned(),
            );
            reqs.push(r);
            for row in rows.iter().filter(|r| r.group == g.no) {
                let label = format!("S({})-{}", row.group, row.item);
                let mut r = Requirement::new(local(&format!("S{}-{}", row.group, row.item)), NodeKind::Item, label);
                r.parent = Some(local(&format!("g{}", g.no)));
                r.title = Some(row.title.clone());
                r.provenance = vec![seed.provenance(row.line)];
                let mut note =
                    format!("出典001の一覧表（{}行目）では「{}.{}.」と記載。", row.line, row.group, row.item);
                match details.get(&(row.group, row.item)) {
                    Some(d) => {
                        r.text = Some(d.summary.clone());
                        r.provenance.push(seed.provenance(d.line));
                        note.push_str(&format!("本文は出典001の詳細表の概要列（{}行目）による。", d.line));
                    }
                    None => note.push_str("出典001には本要求事項の見出しのみが記載され、本文は含まれない。"),
                }
                if let Some(ms) = mentions.get(&(row.group, row.item)) {
                    r.provenance.extend(ms.iter().map(|&l| seed.provenance(l)));
                }
                r.note = Some(note);
                reqs.push(r);
            }
        }
        report.count(format!("{CYBER} groups"), groups.len());
        report.count(format!("{CYBER} requirements"), rows.len());

        // Mapping set.
        let mut mappings = Vec::new();
        let mut unlocated = Vec::new();
        for row in &rows {
            let source = local(&format!("S{}-{}", row.group, row.item));
            let label = format!("S({})-{}", row.group, row.item);
            let detail = details.get(&(row.group, row.item));
            let mut attributes = BTreeMap::new();
            attributes.insert("2省GLの記載有無".to_owned(), row.covered.clone());
            attributes.insert("追記方法".to_owned(), row.how.clone());
            attributes.insert("適用範囲".to_owned(), row.scope.clone());
            let mut provenance = vec![seed.provenance(row.line)];
            if let Some(d) = detail {
                attributes.insert("差分".to_owned(), d.gap.clone());
                provenance.push(seed.provenance(d.line));
                if d.scope != row.scope {
                    return Err(self.err(d.line, "適用範囲 differs between summary and detail table"));
                }
            }
            let named: Vec<&SectionNo> = detail.map(|d| d.sections.iter().collect()).unwrap_or_default();
            let section_ref = |no: &SectionNo| {
                let title = meti.get(&no.to_string()).and_then(|r| r.title.clone()).unwrap_or_default();
                format!("{no} {title}")
            };
            match row.covered.as_str() {
                "記載なし" => {
                    let mut m = Mapping::new(Some(source), None, Relation::NoCounterpart, Basis::Source);
                    let mut note = "出典001の表：2省GLには本要求事項に関する記載がない（記載なし）。".to_owned();
                    if !named.is_empty() {
                        let places: Vec<String> = named.iter().map(|s| section_ref(s)).collect();
                        attributes.insert("追記先".to_owned(), places.join(" / "));
                        note.push_str(&format!(
                            "調査報告書の対応案（{}行目）は、「{}」への追記を提案している。",
                            detail.map_or(0, |d| d.line),
                            places.join("」、「")
                        ));
                    }
                    m.note = Some(note);
                    m.attributes = attributes;
                    m.provenance = provenance;
                    mappings.push(m);
                }
                _ => {
                    if named.is_empty() {
                        // Partly covered, the place unstated: an overlap without a target.
                        unlocated.push((label.clone(), row.line));
                        let mut m = Mapping::new(Some(source), None, Relation::Intersects, Basis::Source);
                        attributes.insert(
                            "2省GL該当箇所".to_owned(),
                            "記載なし（出典001は該当箇所を示していない）".to_owned(),
                        );
                        m.note = Some(format!(
                            "出典001の表：2省GLには本要求事項の一部が記載されている（{}）が、表も調査報告書も該当箇所を\
                             示していないため、対応先は記載されていない。",
                            row.covered
                        ));
                        m.attributes = attributes;
                        m.provenance = provenance;
                        mappings.push(m);
                        continue;
                    }
                    for no in named {
                        let mut m = Mapping::new(
                            Some(source.clone()),
                            Some(local(&no.to_string())),
                            Relation::Intersects,
                            Basis::Source,
                        );
                        let mut attrs = attributes.clone();
                        attrs.insert("2省GL該当箇所".to_owned(), section_ref(no));
                        m.attributes = attrs;
                        m.note = Some(format!(
                            "出典001の表：2省GLには本要求事項の一部が記載されている（{}）。調査報告書の対応案（{}行目）は、\
                             追記または注記する箇所として「{}」を挙げている。",
                            row.covered,
                            detail.map_or(0, |d| d.line),
                            section_ref(no)
                        ));
                        m.provenance = provenance.clone();
                        mappings.push(m);
                    }
                }
            }
        }
        report.count(format!("{SET} requirements partly covered, section not named"), unlocated.len());
        if !unlocated.is_empty() {
            report.notes.push(format!(
                "{SET}: {} requirements are marked 一部記載あり but 001 does not name the 2省GL section that covers them, \
                 so their entry is intersects-with without a target (partly covered, section unstated): {}.",
                unlocated.len(),
                unlocated.iter().map(|(l, n)| format!("{l} (line {n})")).collect::<Vec<_>>().join(", ")
            ));
        }

        let catalog = Catalog {
            id: CatalogId::parse(CYBER).expect("constant"),
            title: Localized::new(
                "サイバーインフラ事業者に求められる役割等に関するガイドライン",
                "Guideline on the roles expected of cyber-infrastructure providers",
            ),
            issuers: vec!["経済産業省".to_owned(), "内閣官房".to_owned()],
            edition: "案".to_owned(),
            date: None,
            kind: CatalogKind::Guideline,
            sources: vec![seed.source_doc(
                "2026年2月の調査報告書（令和7年度ヘルスケア産業基盤高度化推進事業 調査報告書）：サイバーインフラGLの\
                 21の要求事項と、その2省GLでの扱いを整理した表",
            )],
            description: Some(
                "出典001が列挙するサイバーインフラGLの要求事項（グループ1～6）。出典001は本ガイドラインを案としている\
                 （2170行目の「…ガイドライン（案）」、「サイバーインフラGL案」）。発行者は出典001の2297行目の記載による\
                 （「経済産業省および内閣官房が定める」）。文言（概要）が出典に記載されているのは3件の要求事項のみで、\
                 その他は見出しのみ。"
                    .to_owned(),
            ),
            requirements: reqs,
            outline: None,
            ext: None,
        };
        let set = MappingSet {
            id: SET.to_owned(),
            title: Localized::new(
                "サイバーインフラGL 要求事項 → 2省GL 第2.0版 (2省GLの取り込み方針)",
                "Cyber-infrastructure GL requirements → METI/MIC GL 2.0",
            ),
            source: CatalogId::parse(CYBER).expect("constant"),
            target: CatalogId::parse(METI).expect("constant"),
            derived: false,
            sources: catalog.sources.clone(),
            description: Some(
                "出典001の表「サイバーセキュリティに関する整理 検討結果」による。記載なし → 明文規定なし（no-relationship）、\
                 一部記載あり → 調査報告書の対応案が挙げる2省GLの節への対応（intersects-with）。該当箇所が示されていない\
                 一部記載ありは、対応先のない対応（一部記載あり・該当箇所の記載なし）とする。属性は、表のセルを\
                 表自体の列見出しのもとに収めたもの。"
                    .to_owned(),
            ),
            mappings,
        };
        Ok((catalog, set))
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

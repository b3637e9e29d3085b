//! Seed 000: the MIC cloud GL draft → MHLW GL → METI GL crosswalk table (with seed 004 for
//! the MIC GL's chapter structure). Produces `mic-cloud-2018`, `mhlw-5`, `meti-2012` and the
//! mapping sets `mic-cloud-2018--mhlw-5` and `mic-cloud-2018--meti-2012`.
//!
//! # The table
//!
//! Seed 000 is a PDF table extracted as tab-separated lines with eleven columns:
//! 項番 サブ項番 (the MIC item) | 項目 節 記載箇所 小項目 記載内容 (the MHLW side) | 節 節タイトル
//! 記載箇所 記載内容 (the METI side). Every page repeats a two-line header. A row with empty
//! 項番/サブ項番 continues the MIC item above (merged cells are printed once).
//!
//! # Generic rules (in code, for every line)
//!
//! - Blank lines and the repeated page header (`総務省クラウドサービス医療情報…` / `項番 サブ項番 …`)
//!   are skipped and counted in the report's notes.
//! - Cells beyond the eleventh must be empty (the PDF extraction sometimes adds an empty one).
//! - A 節 cell holding a section and a location (`6.3 C`) while 記載箇所 is empty is split.
//! - A METI 節タイトル holding the section number (`7.3 組織的安全管理策…`) while the METI 節 is
//!   empty is split.
//! - A サブ項番 ending in a full stop (`(コ)1.`) loses it.
//! - Text cells go through [`crate::text::clean`] (HTML tags, white space).
//! - A METI 節タイトル ending in a circled digit (`…要求事項②`) names a part of the section:
//!   the measures' numbering restarts per part, so the part is in ids and labels.
//! - A METI 記載箇所 is `[<topic>について](実施すべき|推奨される)安全管理策[安全管理措置]`; the topic
//!   (パスワード管理, 作業者のログオン, 特権ID, 作業者ID) restarts the numbering, so it is in ids
//!   and labels. A section's title is the variant most rows give (ties: the first seen); the
//!   others are listed in the report's notes.
//!
//! # MHLW items
//!
//! A 記載内容 cell is split at its printed numbers (`1.`, `(1)`, `(a)`, `a.`, `b-1.`, `①`, `1-①`,
//! `(ア)`): the cell must start with one; further ones count only after white space, outside
//! 「」, and when they continue a list of the cell (a higher number of the same form) or start a
//! new nested list (`1`, `a`, `①` …; or a first `n.` under the cell's heading). A list that
//! restarts inside a cell needs a `lead-in` override. The 小項目 cell gives a heading above
//! the cell (`a. …`, `(ア) …`, or an unnumbered one such as `基本的事項` or `【…】`).
//!
//! Rows cite the MHLW GL out of order, so the place of a row's first number is taken from the
//! row above when that row is in the same section and location: a number of a form already
//! open there is its sibling; a first number (`1`, `(a)` …) under a heading-like node (no final
//! 。, or 次の/以下の/下記の) is its child; anything else starts at the section's top. A
//! circled number (①) at the top is put under a placeholder node `(上位番号なし)`: it always
//! belongs to a numbered item the seed does not give. A row without a number continues the
//! node of the row above (same section and location) — a heading followed by its body — or,
//! when there is none, is an unnumbered node `(番号なし)`.
//!
//! A row's edge goes to the outermost node of its cell, descending while that node has exactly
//! one child in the cell (a heading and the one item under it: the item is what is cited).
//! `明文規定なし` is a `no-relationship` entry; `6.9全般` is `refers-to-section` to the section.
//!
//! When one node gets different texts from different rows (beyond white space), a text that
//! contains all the others wins; otherwise a `prefer` override must name the line to take. The
//! same holds for METI measures, whose edges then note the excerpt each row cites.
//!
//! # Ids and labels
//!
//! - mic-cloud-2018: chapters `ch1`…`ch4`, `annex`; sections by number (`3.2.1`,
//!   `3.3.1-3.3.4`); sub-items `3.2.1-a`, `3.2.1-i-1`, `3.2.3-u-a-1` (ア イ ウ エ オ カ キ ク ケ コ →
//!   a i u e o ka ki ku ke ko). Labels as printed: `3.2.1 (イ) 1`, `3.2.3 (ウ) (a) 1`.
//! - mhlw-5: chapters `ch6`…, sections `6.3`; items `<section>-<c|d>-<tokens>` with tokens
//!   `1.`→`1`, `(1)`→`p1`, `(a)`→`pa`, `a.`→`a`, `b-1.`→`b1`, `①`→`c1`, `1-①`→`1c1`,
//!   `(ア)`→`xa`, unnumbered heading → `h<n>` (n in order of first appearance in the seed),
//!   `(番号なし)`→`u`, `(上位番号なし)`→`np`. Labels: section, C/D, the printed numbers:
//!   `6.3 C 5 (d)`, `6.5 D 4 (1)`, `7.1 C 基本的事項 (1) a 1`.
//! - meti-2012: chapter `7`, sections `7.6.14`; measures
//!   `<section>[-p<part>][-<topic>]-<must|rec>-<n|u>` with topics password, logon,
//!   privileged-id, operator-id. Labels `7.6.14 パスワード管理 実施すべき (6)`,
//!   `7.5.2② 実施すべき (2)`, `7.5.2③ 実施すべき (番号なし)`.
//!
//! # Overrides (`data/overrides/000.toml`)
//!
//! Columns are named `item sub topic mhlw_section mhlw_location mhlw_heading mhlw_text
//! meti_section meti_title meti_location meti_text`.
//!
//! | action | arguments | effect |
//! | --- | --- | --- |
//! | `shift` | `by`, `at` (column, default item) | `by > 0`: insert empty cells at `at`; `by < 0`: remove cells there, which must be empty |
//! | `remap` | `cells` (11 templates such as `"$4 $5"`, `""`) | rebuild the row from its raw fields (1-based, joined by a space); every non-empty field must be used |
//! | `move` | `from`, `to` | move a cell to an empty one |
//! | `set` | `column`, `value` | set a structural cell (not a text cell) |
//! | `copy` | `column`, `from_line` | copy a cell from another data line |
//! | `join-cell` | `column`, `onto` | the cell was split across a page break: `onto`'s cell + this cell (no separator) becomes the cell of both lines |
//! | `headings-only` | — | the MHLW cell only repeats headings: the row maps to the node of its first number; its text is not used |
//! | `lead-in` | `text` | a list restarts in the MHLW cell after the sentence starting with `text`: that sentence becomes an unnumbered node holding the second list |
//! | `meti-text-lost` | — | the METI 記載内容 cell holds no measure (a leaked page number): the row's edge goes to a node `<区分>-l<line>` (`… (本文欠落: 行N)`) without text, whose note and the edge's say the text is lost |
//! | `meti-number` | `number` | a METI excerpt printed without its `(n)` belongs to measure `(number)` |
//! | `prefer` | `id` (node id, mhlw-5 or meti-2012) | the node's text is taken from this line (also when the others only add to it, e.g. a typo); the node's note names the line and the variants |
//! | `merge` | `id` | rows quote different entries of one list under the same lead-in: the node's text is the lead-in and every row's entries not seen before, in the order of the rows (cut at `●`, or at white space when the rows print no bullets); `line` is the first row; the node's note says so |
//! | `distinct-meti` | — | the same for the row's METI measures |
//! | `distinct` | — | the row's first MHLW number repeats another row's with a different text and no heading tells them apart: the node's label and id get the line (`(番号重複: 行N)`, `-lN`) |
//!
//! An entry whose `reason` starts with `AMBIGUOUS` is a judgement the seed does not settle; it
//! needs a `note` (Japanese, for the users) and every edge of its line says so in its note (as
//! the 002 pairings do).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use lazy_regex::{Lazy, Regex, lazy_regex};
use sansho_core::{
    Basis, Catalog, CatalogId, CatalogKind, Category, LocalId, Localized, Mapping, MappingSet, NodeKind, Provenance,
    Relation, Requirement, SourceDoc,
};

use crate::report::ImportReport;
use crate::{ImportError, Output, Overrides, Seed};

mod walk;

/// The id of the MIC cloud GL catalog.
pub const MIC: &str = "mic-cloud-2018";
/// The id of the MHLW GL 第5版 catalog.
pub const MHLW: &str = "mhlw-5";
/// The id of the METI GL catalog.
pub const METI: &str = "meti-2012";
/// The id of the mapping set MIC cloud GL → MHLW GL 第5版.
pub const SET_MHLW: &str = "mic-cloud-2018--mhlw-5";
/// The id of the mapping set MIC cloud GL → METI GL.
pub const SET_METI: &str = "mic-cloud-2018--meti-2012";

const NCOL: usize = 11;
const COLS: [&str; NCOL] = [
    "item",
    "sub",
    "topic",
    "mhlw_section",
    "mhlw_location",
    "mhlw_heading",
    "mhlw_text",
    "meti_section",
    "meti_title",
    "meti_location",
    "meti_text",
];
const ITEM: usize = 0;
const SUB: usize = 1;
const SEC: usize = 3;
const LOC: usize = 4;
const HEAD: usize = 5;
const TEXT: usize = 6;
const MSEC: usize = 7;
const MTITLE: usize = 8;
const MLOC: usize = 9;
const MTEXT: usize = 10;

static RE_SECLOC: Lazy<Regex> = lazy_regex!(r"^(\d+(?:\.\d+)*)\s*([CD])$");
static RE_SEC_TITLE: Lazy<Regex> = lazy_regex!(r"^(\d+(?:\.\d+)+)\s*(\S.*)$");
static RE_SECNUM: Lazy<Regex> = lazy_regex!(r"^\d+(?:\.\d+)*$");
static RE_MIC_ITEM: Lazy<Regex> = lazy_regex!(r"^3(?:\.\d+)+$");
static RE_SUBITEM: Lazy<Regex> = lazy_regex!(r"^\(([ア-ン])\)(?:\(([a-z])\))?(\d+)?$");
static RE_WHOLE_SECTION: Lazy<Regex> = lazy_regex!(r"^(\d+(?:\.\d+)+)\s*全般$");
static RE_METI_LOC: Lazy<Regex> =
    lazy_regex!(r"^(?:(.+?)について)?(実施すべき|推奨される)安全管理策(?:\s*安全管理措置)?$");
static RE_CHAPTER: Lazy<Regex> = lazy_regex!(r"^第(\d+)章\s*(\S.*)$");
static RE_NUM_TITLE: Lazy<Regex> = lazy_regex!(r"^(\d+(?:\.\d+)+)\s*(\S.*)?$");

const KANA: &str = "アイウエオカキクケコサシスセソタチツテト";
const ROMAJI: [&str; 20] = [
    "a", "i", "u", "e", "o", "ka", "ki", "ku", "ke", "ko", "sa", "shi", "su", "se", "so", "ta", "chi", "tsu", "te",
    "to",
];

fn kana_ord(c: char) -> Option<u32> {
    KANA.chars().position(|k| k == c).map(|i| i as u32 + 1)
}
fn romaji(ord: u32) -> &'static str {
    ROMAJI[(ord - 1) as usize]
}

const SUBITEM_NOTE: &str = "出典000には本項のサブ項番のみが記載され、総務省ガイドライン自体の本文は出典に含まれない。";

// ---------------------------------------------------------------------------------------------
// Rows

#[derive(Debug, Clone)]
struct Row {
    line: u32,
    cells: Vec<String>,
}

fn col_index(ov_file: &str, o: &crate::Override, key: &str) -> Result<usize, ImportError> {
    let name = o.str_arg(ov_file, key)?;
    COLS.iter().position(|c| *c == name).ok_or_else(|| {
        ImportError::at(ov_file, o.defined_at, 1, format!("unknown column {name:?}; known: {}", COLS.join(", ")))
    })
}

fn ov_err(ov: &Overrides, o: &crate::Override, msg: impl Into<String>) -> ImportError {
    ImportError::at(
        &ov.file,
        o.defined_at,
        1,
        format!("override for seed line {} ({}): {}", o.line, o.action, msg.into()),
    )
}

fn is_header(cells: &[String]) -> bool {
    let first = cells.first().map(|c| c.trim()).unwrap_or("");
    first.starts_with("総務省クラウドサービス医療情報") || first == "項番"
}

/// Applies the per-line layout overrides (shift, remap, move, set) to a raw row.
fn layout_overrides(
    line: u32,
    cells: &mut Vec<String>,
    ov: &Overrides,
    report: &mut ImportReport,
) -> Result<(), ImportError> {
    for o in ov.take(line, "shift") {
        let by = o.int_arg(&ov.file, "by")?;
        let at = if o.args.contains_key("at") { col_index(&ov.file, o, "at")? } else { 0 };
        if by > 0 {
            for _ in 0..by {
                cells.insert(at.min(cells.len()), String::new());
            }
        } else {
            let n = (-by) as usize;
            if at + n > cells.len() || cells[at..at + n].iter().any(|c| !c.trim().is_empty()) {
                return Err(ov_err(ov, o, "the cells to remove are not empty"));
            }
            cells.drain(at..at + n);
        }
        report.repaired(line, &o.action, &o.reason);
    }
    for o in ov.take(line, "remap") {
        let templates = o.list_arg(&ov.file, "cells")?;
        if templates.len() != NCOL {
            return Err(ov_err(ov, o, format!("`cells` needs {NCOL} entries")));
        }
        let mut used = BTreeSet::new();
        let mut out = Vec::with_capacity(NCOL);
        for t in &templates {
            let mut parts = Vec::new();
            for tok in t.split_whitespace() {
                let n: usize = tok
                    .strip_prefix('$')
                    .and_then(|n| n.parse().ok())
                    .filter(|&n| n >= 1 && n <= cells.len())
                    .ok_or_else(|| ov_err(ov, o, format!("bad field reference {tok:?}")))?;
                used.insert(n);
                let v = cells[n - 1].trim();
                if !v.is_empty() {
                    parts.push(v.to_owned());
                }
            }
            out.push(parts.join(" "));
        }
        for (i, c) in cells.iter().enumerate() {
            if !c.trim().is_empty() && !used.contains(&(i + 1)) {
                return Err(ov_err(ov, o, format!("field ${} is not empty but not used", i + 1)));
            }
        }
        *cells = out;
        report.repaired(line, &o.action, &o.reason);
    }
    cells.resize(cells.len().max(NCOL), String::new());
    for o in ov.take(line, "move") {
        let (from, to) = (col_index(&ov.file, o, "from")?, col_index(&ov.file, o, "to")?);
        if !cells[to].trim().is_empty() || cells[from].trim().is_empty() {
            return Err(ov_err(ov, o, "`move` needs a non-empty source and an empty target"));
        }
        cells[to] = std::mem::take(&mut cells[from]);
        report.repaired(line, &o.action, &o.reason);
    }
    for o in ov.take(line, "set") {
        let col = col_index(&ov.file, o, "column")?;
        if col == TEXT || col == MTEXT {
            return Err(ov_err(ov, o, "text cells cannot be set: the text must come from the seed"));
        }
        cells[col] = o.str_arg(&ov.file, "value")?.to_owned();
        report.repaired(line, &o.action, &o.reason);
    }
    Ok(())
}

/// The documented generic repairs every row gets.
fn generic_rules(cells: &mut [String]) {
    for c in cells.iter_mut() {
        *c = c.trim().to_owned();
    }
    if let Some(s) = cells[SUB].strip_suffix('.') {
        cells[SUB] = s.to_owned();
    }
    if cells[LOC].is_empty()
        && let Some(m) = RE_SECLOC.captures(&cells[SEC])
    {
        let (s, l) = (m[1].to_owned(), m[2].to_owned());
        cells[SEC] = s;
        cells[LOC] = l;
    }
    if cells[MSEC].is_empty()
        && let Some(m) = RE_SEC_TITLE.captures(&cells[MTITLE])
    {
        let (s, t) = (m[1].to_owned(), m[2].to_owned());
        cells[MSEC] = s;
        cells[MTITLE] = t;
    }
}

// ---------------------------------------------------------------------------------------------
// Printed numbers

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Style {
    Heading,
    ParenKana,
    ParenNum,
    Num,
    Latin,
    LatinNum,
    ParenLatin,
    Circled,
    NumCircled,
    Placeholder,
    Unnumbered,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Tok {
    style: Style,
    ord: u32,
    sub: u32,
    label: String,
    id: String,
}

impl Tok {
    fn is_first(&self) -> bool {
        self.ord == 1 && self.sub <= 1
    }
    fn key(&self) -> (u32, u32, u32) {
        (self.style as u32, self.ord, self.sub)
    }
    fn unnumbered() -> Self {
        Tok { style: Style::Unnumbered, ord: 0, sub: 0, label: "(番号なし)".into(), id: "u".into() }
    }
    fn placeholder() -> Self {
        Tok { style: Style::Placeholder, ord: 0, sub: 0, label: "(上位番号なし)".into(), id: "np".into() }
    }
}

static MARKERS: [(Style, Lazy<Regex>); 8] = [
    (Style::NumCircled, lazy_regex!(r"^(\d+)-([①-⑳])")),
    (Style::LatinNum, lazy_regex!(r"^([a-z])-(\d+)\.")),
    (Style::Num, lazy_regex!(r"^(\d+)\.")),
    (Style::ParenNum, lazy_regex!(r"^[(（](\d+)[)）]")),
    (Style::ParenLatin, lazy_regex!(r"^[(（]([a-z])[)）]")),
    (Style::ParenKana, lazy_regex!(r"^[(（]([ア-ン])[)）]")),
    (Style::Latin, lazy_regex!(r"^([a-z])\.")),
    (Style::Circled, lazy_regex!(r"^([①-⑳])")),
];

fn circled(c: char) -> u32 {
    c as u32 - '①' as u32 + 1
}

/// The printed number at the start of `s`, and the byte length it takes (with the white space
/// after it).
fn marker_at(s: &str) -> Option<(Tok, usize)> {
    for (style, r) in MARKERS.iter() {
        let Some(m) = r.captures(s) else { continue };
        let end = m.get(0).expect("match").end();
        let next = s[end..].chars().next();
        let g1 = &m[1];
        let c1 = g1.chars().next().expect("group");
        let tok = match style {
            Style::Num => {
                if next.is_some_and(|c| c.is_ascii_digit() || c == '．') {
                    continue;
                }
                let n: u32 = g1.parse().ok()?;
                Tok { style: *style, ord: n, sub: 0, label: n.to_string(), id: n.to_string() }
            }
            Style::ParenNum => {
                let n: u32 = g1.parse().ok()?;
                Tok { style: *style, ord: n, sub: 0, label: format!("({n})"), id: format!("p{n}") }
            }
            Style::ParenLatin => Tok {
                style: *style,
                ord: c1 as u32 - 'a' as u32 + 1,
                sub: 0,
                label: format!("({g1})"),
                id: format!("p{g1}"),
            },
            Style::Latin => {
                if next.is_some_and(|c| c.is_ascii_alphanumeric()) {
                    continue;
                }
                Tok { style: *style, ord: c1 as u32 - 'a' as u32 + 1, sub: 0, label: g1.into(), id: g1.into() }
            }
            Style::LatinNum => {
                let n: u32 = m[2].parse().ok()?;
                Tok {
                    style: *style,
                    ord: c1 as u32 - 'a' as u32 + 1,
                    sub: n,
                    label: format!("{g1}-{n}"),
                    id: format!("{g1}{n}"),
                }
            }
            Style::ParenKana => {
                let o = kana_ord(c1)?;
                Tok { style: *style, ord: o, sub: 0, label: format!("({g1})"), id: format!("x{}", romaji(o)) }
            }
            Style::Circled => {
                let n = circled(c1);
                Tok { style: *style, ord: n, sub: 0, label: g1.into(), id: format!("c{n}") }
            }
            Style::NumCircled => {
                let n: u32 = g1.parse().ok()?;
                let c = m[2].chars().next().expect("group");
                let k = circled(c);
                Tok { style: *style, ord: n, sub: k, label: format!("{n}-{c}"), id: format!("{n}c{k}") }
            }
            Style::Heading | Style::Placeholder | Style::Unnumbered => unreachable!(),
        };
        let ws: usize = s[end..].chars().take_while(|c| c.is_whitespace()).map(char::len_utf8).sum();
        return Some((tok, end + ws));
    }
    None
}

/// Positions in `s` where a printed number may start: the start, or after white space,
/// outside 「」『』.
fn marker_candidates(s: &str, only: Option<Style>) -> Vec<(usize, Tok, usize)> {
    let mut out = Vec::new();
    let mut depth = 0i32;
    let mut prev_ws = true;
    for (i, c) in s.char_indices() {
        if prev_ws
            && depth == 0
            && let Some((tok, len)) = marker_at(&s[i..])
            && only.is_none_or(|st| st == tok.style)
        {
            out.push((i, tok, i + len));
        }
        match c {
            '「' | '『' => depth += 1,
            '」' | '』' => depth = (depth - 1).max(0),
            _ => {}
        }
        prev_ws = c.is_whitespace();
    }
    out
}

/// One numbered piece of an MHLW cell.
#[derive(Debug, Clone)]
struct CellNode {
    tok: Tok,
    parent: Option<usize>,
    text: String,
}

/// Splits an MHLW 記載内容 cell into its numbered pieces. `None` when the cell does not start
/// with a number.
fn split_mhlw(s: &str, lead_in: Option<&str>) -> Result<Option<Vec<CellNode>>, String> {
    let cands = marker_candidates(s, None);
    let Some((0, first, first_end)) = cands.first().cloned() else { return Ok(None) };
    // (marker start, text start, tok, parent)
    let mut acc: Vec<(usize, usize, Tok, Option<usize>)> = vec![(0, first_end, first.clone(), None)];
    // Open lists: (style, last (ord, sub), parent of the list's items).
    let mut open: Vec<(Style, (u32, u32), Option<usize>)> = vec![(first.style, (first.ord, first.sub), None)];
    let mut lead_used = false;
    for (start, tok, end) in cands.into_iter().skip(1) {
        let current = acc.len() - 1;
        if let Some(k) = open.iter().rposition(|o| o.0 == tok.style) {
            if (tok.ord, tok.sub) > open[k].1 {
                open.truncate(k + 1);
                open[k].1 = (tok.ord, tok.sub);
                acc.push((start, end, tok, open[k].2));
                continue;
            }
            let Some(anchor) = lead_in else {
                return Err(format!(
                    "the list restarts at {:?} (byte {start}); a `lead-in` override must say where",
                    tok.label
                ));
            };
            let prev_text_start = acc[current].1;
            let Some(a) = s[prev_text_start..start].find(anchor).map(|a| a + prev_text_start) else {
                return Err(format!("lead-in {anchor:?} not found before the restart at {:?}", tok.label));
            };
            let parent = open[k].2;
            open.truncate(k);
            acc.push((a, a, Tok::unnumbered(), parent));
            let group = acc.len() - 1;
            open.push((Style::Unnumbered, (0, 0), parent));
            open.push((tok.style, (tok.ord, tok.sub), Some(group)));
            acc.push((start, end, tok, Some(group)));
            lead_used = true;
        } else if tok.is_first() || (tok.style == Style::Num && acc.len() == 1) {
            open.push((tok.style, (tok.ord, tok.sub), Some(current)));
            acc.push((start, end, tok, Some(current)));
        }
    }
    if lead_in.is_some() && !lead_used {
        return Err("a `lead-in` override is given but no list restarts in the cell".into());
    }
    let mut out = Vec::with_capacity(acc.len());
    for (i, (_, text_start, tok, parent)) in acc.iter().enumerate() {
        let end = acc.get(i + 1).map_or(s.len(), |n| n.0);
        out.push(CellNode { tok: tok.clone(), parent: *parent, text: s[*text_start..end].trim().to_owned() });
    }
    Ok(Some(out))
}

/// Splits a METI 記載内容 cell into its `(n)` measures; `None` as the number of a measure
/// printed without one.
fn split_meti(s: &str) -> Vec<(Option<u32>, String)> {
    let cands = marker_candidates(s, Some(Style::ParenNum));
    let mut acc: Vec<(usize, usize, u32)> = Vec::new();
    for (start, tok, end) in cands {
        if acc.is_empty() && start != 0 {
            break;
        }
        if acc.last().is_none_or(|l| tok.ord > l.2) {
            acc.push((start, end, tok.ord));
        }
    }
    if acc.is_empty() {
        return vec![(None, s.trim().to_owned())];
    }
    acc.iter()
        .enumerate()
        .map(|(i, (_, ts, n))| {
            let end = acc.get(i + 1).map_or(s.len(), |x| x.0);
            (Some(*n), s[*ts..end].trim().to_owned())
        })
        .collect()
}

fn norm(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Whether `short` quotes only pieces of `long`: each of its ●-separated pieces occurs in it
/// (white space aside). Rows often quote one bullet of a measure under its lead-in sentence.
fn is_excerpt(short: &str, long: &str) -> bool {
    let long = norm(long);
    norm(short).split('●').filter(|p| !p.is_empty()).all(|p| long.contains(p))
}

/// How a `merge` override cuts a list into its entries: at its bullets `●` when the rows print
/// them, else at white space (the entries of a list printed one per line).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pieces {
    Bullets,
    Lines,
}

impl Pieces {
    /// The lead-in (text before the first entry) and the entries of a row's text. Bullets keep
    /// their `●`.
    fn split(self, s: &str) -> (String, Vec<String>) {
        match self {
            Pieces::Bullets => {
                let mut it = s.split('●');
                let lead = it.next().unwrap_or("").trim().to_owned();
                (lead, it.map(|p| format!("●{}", p.trim_end())).filter(|p| p != "●").collect())
            }
            Pieces::Lines => {
                let mut it = s.split_whitespace();
                let lead = it.next().unwrap_or("").to_owned();
                (lead, it.map(str::to_owned).collect())
            }
        }
    }
}

/// Whether every entry a row quotes is in the node's merged text.
fn is_merged_excerpt(short: &str, long: &str, pieces: Pieces) -> bool {
    let long = norm(long);
    let (lead, rest) = pieces.split(short);
    std::iter::once(lead).chain(rest).all(|p| long.contains(&norm(&p)))
}

/// The merged text of a measure whose rows each quote some entries of one list: the lead-in
/// of the first row, then every row's entries not seen before, in the order of the rows. A row
/// that prints entries without the lead-in (an entry printed without its number) adds them all.
fn merge_texts(texts: &[&Cand], pieces: Pieces) -> String {
    let (lead, _) = pieces.split(&texts[0].text);
    let mut entries: Vec<String> = Vec::new();
    for c in texts {
        let (l, rest) = pieces.split(&c.text);
        let row: Vec<String> = if norm(&l) == norm(&lead) { rest } else { std::iter::once(l).chain(rest).collect() };
        for e in row {
            if !e.is_empty() && !entries.iter().any(|x| norm(x) == norm(&e)) {
                entries.push(e);
            }
        }
    }
    std::iter::once(lead).chain(entries).collect::<Vec<_>>().join(" ")
}

/// Where a taken reading and a variant differ: a little of the text they share before the
/// difference, then what each has there; `None` when they differ over more than a phrase.
fn variant_phrase(taken: &str, variant: &str) -> Option<(String, String)> {
    let (a, b): (Vec<char>, Vec<char>) = (taken.chars().collect(), variant.chars().collect());
    let p = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let max_s = a.len().min(b.len()) - p;
    let s = a.iter().rev().zip(b.iter().rev()).take(max_s).take_while(|(x, y)| x == y).count();
    let (ma, mb) = (&a[p..a.len() - s], &b[p..b.len() - s]);
    if ma.len() > 20 || mb.len() > 20 {
        return None;
    }
    let ctx: String = a[p.saturating_sub(6)..p].iter().collect();
    let tail: String = a[a.len() - s..].iter().take(2).collect();
    Some((
        format!("{ctx}{}{tail}", ma.iter().collect::<String>()),
        format!("{ctx}{}{tail}", mb.iter().collect::<String>()),
    ))
}

fn heading_like(text: &str) -> bool {
    !text.ends_with('。') || ["次の", "以下の", "下記の"].iter().any(|w| text.contains(w))
}

// ---------------------------------------------------------------------------------------------
// Node stores

type SortKey = Vec<(u32, u32, u32)>;

#[derive(Debug, Clone)]
struct Cand {
    lines: Vec<u32>,
    text: String,
}

#[derive(Debug)]
struct Node {
    req: Requirement,
    key: SortKey,
    lines: BTreeSet<u32>,
    texts: Vec<Cand>,
}

#[derive(Debug, Default)]
struct Store {
    nodes: Vec<Node>,
    by_id: HashMap<String, usize>,
}

fn lid(file: &str, line: u32, s: &str) -> Result<LocalId, ImportError> {
    LocalId::parse(s).map_err(|e| ImportError::at(file, line as usize, 1, e.to_string()))
}

impl Store {
    #[allow(clippy::too_many_arguments)]
    fn ensure(
        &mut self,
        file: &str,
        line: u32,
        id: &str,
        parent: Option<&str>,
        kind: NodeKind,
        label: &str,
        key: SortKey,
    ) -> Result<usize, ImportError> {
        if let Some(&i) = self.by_id.get(id) {
            if self.nodes[i].req.label != label {
                return Err(ImportError::at(
                    file,
                    line as usize,
                    1,
                    format!("id {id} is used for {:?} and {label:?}", self.nodes[i].req.label),
                ));
            }
            return Ok(i);
        }
        let mut req = Requirement::new(lid(file, line, id)?, kind, label);
        req.parent = parent.map(|p| lid(file, line, p)).transpose()?;
        self.nodes.push(Node { req, key, lines: BTreeSet::new(), texts: Vec::new() });
        self.by_id.insert(id.to_owned(), self.nodes.len() - 1);
        Ok(self.nodes.len() - 1)
    }
    fn get(&self, id: &str) -> Option<&Node> {
        self.by_id.get(id).map(|&i| &self.nodes[i])
    }
    fn get_mut(&mut self, id: &str) -> Option<&mut Node> {
        self.by_id.get(id).map(|&i| &mut self.nodes[i])
    }
    fn touch(&mut self, id: &str, line: u32) {
        if let Some(n) = self.get_mut(id) {
            n.lines.insert(line);
        }
    }
    fn add_text(&mut self, id: &str, line: u32, text: &str) {
        if text.is_empty() {
            return;
        }
        if let Some(n) = self.get_mut(id) {
            n.lines.insert(line);
            n.texts.push(Cand { lines: vec![line], text: text.to_owned() });
        }
    }
    fn set_title(&mut self, id: &str, title: &str, notes: &mut Vec<String>) {
        if let Some(n) = self.get_mut(id) {
            match &n.req.title {
                None => n.req.title = Some(title.to_owned()),
                Some(t) if norm(t) != norm(title) => {
                    notes.push(format!("{}: heading {:?} kept; the variant {:?} was also seen", n.req.label, t, title))
                }
                _ => {}
            }
        }
    }
}

/// The reviewed text decisions of `prefer` and `merge` overrides: node id → (line, reason).
#[derive(Debug, Default)]
struct TextOverrides {
    prefer: HashMap<String, (u32, String)>,
    merge: HashMap<String, (u32, String)>,
    used: BTreeSet<String>,
    /// Nodes whose text was merged, with how their entries are cut (for the edges' excerpt notes).
    merged: HashMap<String, Pieces>,
}

/// Decides each node's text from its candidates.
fn resolve_texts(
    store: &mut Store,
    tov: &mut TextOverrides,
    seed: &Seed,
    report: &mut ImportReport,
) -> Result<(), ImportError> {
    let mut conflicts: Vec<(u32, String)> = Vec::new();
    for n in &mut store.nodes {
        if n.texts.is_empty() {
            continue;
        }
        let mut distinct: Vec<&Cand> = Vec::new();
        for c in &n.texts {
            if !distinct.iter().any(|d| norm(&d.text) == norm(&c.text)) {
                distinct.push(c);
            }
        }
        let id = n.req.id.as_str().to_owned();
        let longest = distinct.iter().max_by_key(|c| norm(&c.text).len()).expect("non-empty");
        let chosen = if let Some((line, reason)) = tov.merge.get(&id).filter(|_| distinct.len() > 1) {
            if !n.texts.iter().any(|c| c.lines.contains(line)) {
                return Err(ImportError::at(
                    &seed.name,
                    *line as usize,
                    1,
                    format!("`merge` for {id}: this line gives no text for the node"),
                ));
            }
            tov.used.insert(id.clone());
            let pieces = if n.texts.iter().any(|c| c.text.contains('●')) { Pieces::Bullets } else { Pieces::Lines };
            tov.merged.insert(id.clone(), pieces);
            report.repaired(*line, "merge", reason);
            let lines: Vec<String> = n
                .texts
                .iter()
                .flat_map(|c| c.lines.iter().copied())
                .collect::<BTreeSet<u32>>()
                .iter()
                .map(u32::to_string)
                .collect();
            let note = format!(
                "本文は、出典000の{}行目がそれぞれ引用する箇条を、行の順に合わせたもの（data/overrides/000.toml の merge）。\
                 原文での箇条の順序と、いずれの行も引用していない箇条の有無は、出典からは分からない。",
                lines.join("・")
            );
            push_note(&mut n.req.note, &note);
            Cand { lines: n.texts.iter().flat_map(|c| c.lines.clone()).collect(), text: merge_texts(&distinct, pieces) }
        } else if let Some((line, reason)) = tov.prefer.get(&id).filter(|_| distinct.len() > 1) {
            let Some(c) = distinct.iter().find(|c| c.lines.contains(line)) else {
                return Err(ImportError::at(
                    &seed.name,
                    *line as usize,
                    1,
                    format!("`prefer` for {id}: this line gives no text for the node"),
                ));
            };
            tov.used.insert(id.clone());
            report.repaired(*line, "prefer", reason);
            let variants: Vec<&Cand> = n.texts.iter().filter(|x| norm(&x.text) != norm(&c.text)).collect();
            let others: Vec<String> = variants.iter().map(|x| format!("{:?}", x.lines)).collect();
            report.notes.push(format!(
                "{} ({}): texts differ between lines; line {} taken, variants on lines {}",
                n.req.label,
                n.req.id,
                line,
                others.join(", ")
            ));
            let mut note = format!("本文は出典000の{line}行目による（data/overrides/000.toml の prefer）。");
            for v in &variants {
                let ls = v.lines.iter().map(u32::to_string).collect::<Vec<_>>().join("・");
                match variant_phrase(&c.text, &v.text) {
                    Some((taken, var)) => {
                        note.push_str(&format!("{ls}行目は「{var}」と記載している（採用した読み：「{taken}」）。"))
                    }
                    None => note.push_str(&format!("{ls}行目は異なる読み・抜粋を記載している。")),
                }
            }
            push_note(&mut n.req.note, &note);
            (*c).clone()
        } else if distinct.iter().all(|c| is_excerpt(&c.text, &longest.text)) {
            (*longest).clone()
        } else {
            let lines: Vec<String> = distinct.iter().map(|c| format!("{:?}: {}", c.lines, c.text)).collect();
            conflicts.push((
                distinct[1].lines[0],
                format!(
                    "{} ({}) gets different texts; add a `prefer` or `merge` override naming the line to take:\n  {}",
                    n.req.label,
                    n.req.id,
                    lines.join("\n  ")
                ),
            ));
            continue;
        };
        n.req.text = Some(chosen.text);
    }
    match conflicts.first() {
        None => Ok(()),
        Some((line, _)) => Err(ImportError::at(
            &seed.name,
            *line as usize,
            1,
            conflicts.iter().map(|c| c.1.as_str()).collect::<Vec<_>>().join("\n"),
        )),
    }
}

fn push_note(note: &mut Option<String>, more: &str) {
    match note {
        Some(n) => n.push_str(more),
        None => *note = Some(more.to_owned()),
    }
}

fn finish_catalog(store: Store, seed_name_lines: impl Fn(u32) -> Provenance) -> Vec<Requirement> {
    let mut nodes = store.nodes;
    nodes.sort_by(|a, b| a.key.cmp(&b.key));
    nodes
        .into_iter()
        .map(|mut n| {
            n.req.provenance = n.lines.iter().map(|&l| seed_name_lines(l)).collect();
            n.req
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Seed 004: structure

#[derive(Debug, Default)]
struct Structure {
    /// MIC chapters: number → (title, line).
    mic_chapters: BTreeMap<u32, (String, u32)>,
    /// MIC sections: label (`3.2.1`, `3.3.1～3.3.4`) → (title, note, line).
    mic_sections: Vec<(String, Option<String>, Option<String>, u32)>,
    /// MIC annex: (title, line).
    mic_annex: Option<(String, u32)>,
    /// MHLW chapters and sections: number → (title, line).
    mhlw_chapters: BTreeMap<u32, (String, u32)>,
    mhlw_sections: BTreeMap<String, (String, u32)>,
}

fn parse_structure(s: &Seed) -> Structure {
    let lines: Vec<(u32, String)> = s.lines().map(|(n, l)| (n, l.trim().to_owned())).collect();
    let mut st = Structure::default();
    // The correspondence slide ("厚生労働省ガイドラインと総務省ガイドラインの対応関係") separates the
    // MIC chapter list from the MHLW headings; the MIC 3.x sections follow the MHLW list.
    let split = lines.iter().position(|(_, l)| l.contains("対応関係")).unwrap_or(lines.len());
    let mut i = 0;
    while i < lines.len() {
        let (n, l) = (&lines[i].0, lines[i].1.as_str());
        if let Some(m) = RE_CHAPTER.captures(l) {
            let ch: u32 = m[1].parse().unwrap_or(0);
            if i < split {
                st.mic_chapters.entry(ch).or_insert((m[2].to_owned(), *n));
            } else {
                st.mhlw_chapters.entry(ch).or_insert((m[2].to_owned(), *n));
            }
        } else if l.starts_with("（別添）") {
            st.mic_annex = Some((l.trim_start_matches("（別添）").to_owned(), *n));
        } else if let Some(m) = RE_NUM_TITLE.captures(l) {
            let num = m[1].to_owned();
            if num.starts_with("3.") {
                // A number alone: the title follows on the next lines (a range `～3.3.4`, or a
                // title broken over lines, up to a blank line).
                let mut label = num.clone();
                let mut title = m.get(2).map(|t| t.as_str().to_owned());
                let mut note = None;
                if title.is_none() {
                    let mut j = i + 1;
                    if lines.get(j).is_some_and(|(_, x)| x.starts_with('～')) {
                        label = format!("{num}{}", lines[j].1);
                        j += 1;
                        while lines.get(j).is_some_and(|(_, x)| x.is_empty()) {
                            j += 1;
                        }
                        let mut bullets = Vec::new();
                        while let Some((_, x)) = lines.get(j).filter(|(_, x)| !x.is_empty()) {
                            if let Some(b) = x.strip_prefix('→') {
                                note = Some(format!("出典004の記載：→{b}"));
                            } else {
                                bullets.push(x.trim_start_matches('・').to_owned());
                            }
                            j += 1;
                        }
                        title = Some(bullets.join(" / "));
                    } else {
                        let mut parts = Vec::new();
                        while let Some((_, x)) = lines.get(j).filter(|(_, x)| !x.is_empty()) {
                            parts.push(x.clone());
                            j += 1;
                        }
                        title = Some(parts.concat());
                    }
                    i = j;
                } else {
                    i += 1;
                }
                st.mic_sections.push((label, title, note, *n));
                continue;
            } else if i > split
                && ["6", "7", "8"].iter().any(|c| num.split('.').next() == Some(*c))
                && let Some(t) = m.get(2)
            {
                st.mhlw_sections.entry(num).or_insert((t.as_str().to_owned(), *n));
            }
        }
        i += 1;
    }
    st
}

fn num_key(num: &str) -> SortKey {
    num.split('.').map(|p| (0, p.parse().unwrap_or(0), 0)).collect()
}

// ---------------------------------------------------------------------------------------------
// Mappings

#[derive(Debug)]
struct EdgeAcc {
    source: String,
    target: Option<String>,
    relation: Relation,
    lines: BTreeSet<u32>,
    cited: Vec<(u32, String)>,
    /// What the edge must say beyond the excerpt check (a lost text, an ambiguous row).
    notes: Vec<String>,
}

#[derive(Debug, Default)]
struct Edges {
    list: Vec<EdgeAcc>,
    index: HashMap<(String, Option<String>, Relation), usize>,
}

impl Edges {
    /// Adds a row's edge and returns its index.
    fn add(&mut self, source: &str, target: Option<&str>, relation: Relation, line: u32, cited: Option<&str>) -> usize {
        let k = (source.to_owned(), target.map(str::to_owned), relation);
        let i = *self.index.entry(k).or_insert_with(|| {
            self.list.push(EdgeAcc {
                source: source.to_owned(),
                target: target.map(str::to_owned),
                relation,
                lines: BTreeSet::new(),
                cited: Vec::new(),
                notes: Vec::new(),
            });
            self.list.len() - 1
        });
        self.list[i].lines.insert(line);
        if let Some(c) = cited {
            self.list[i].cited.push((line, c.to_owned()));
        }
        i
    }

    /// Adds a note to every edge a row gave.
    fn note_line(&mut self, line: u32, note: &str) {
        for e in self.list.iter_mut().filter(|e| e.lines.contains(&line)) {
            if !e.notes.iter().any(|n| n == note) {
                e.notes.push(note.to_owned());
            }
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn build_set(
    id: &str,
    title: Localized,
    target: &str,
    edges: Edges,
    targets: Option<(&Store, &HashMap<String, Pieces>)>,
    seed: &Seed,
    sources: Vec<sansho_core::SourceDoc>,
    description: &str,
) -> Result<MappingSet, ImportError> {
    let mut mappings = Vec::new();
    for e in edges.list {
        let line = *e.lines.iter().next().expect("a line");
        let mut m = Mapping::new(
            Some(lid(&seed.name, line, &e.source)?),
            e.target.as_deref().map(|t| lid(&seed.name, line, t)).transpose()?,
            e.relation,
            Basis::Source,
        );
        m.provenance = e.lines.iter().map(|&l| seed.provenance(l)).collect();
        let mut note = String::new();
        if let Some((t, merged)) = e.target.as_deref().and_then(|t| Some((targets?.0.get(t)?, targets?.1.get(t))))
            && let Some(node_text) = t.req.text.as_deref()
        {
            let mut notes = Vec::new();
            for (l, c) in &e.cited {
                let quoted = match merged {
                    Some(p) => is_merged_excerpt(c, node_text, *p),
                    None => is_excerpt(c, &norm(node_text)),
                };
                if !quoted {
                    notes.push(format!("{l}行目の引用：{c}"));
                }
            }
            if !notes.is_empty() {
                note = format!("出典000は対応先の本文とは異なる抜粋を引用している。{}", notes.join(" / "));
            }
        }
        if e.relation == Relation::NoCounterpart {
            note = "明文規定なし（出典000）".into();
        }
        for n in &e.notes {
            note.push_str(n);
        }
        if !note.is_empty() {
            m.note = Some(note);
        }
        mappings.push(m);
    }
    Ok(MappingSet {
        id: id.to_owned(),
        title,
        source: CatalogId::parse(MIC).expect("id"),
        target: CatalogId::parse(target).expect("id"),
        derived: false,
        sources,
        description: Some(description.to_owned()),
        mappings,
    })
}

/// The MHLW place a row left: its section and location, the path of its last node, its line.
struct MhlwCtx {
    sec: String,
    loc: String,
    stack: Vec<Tok>,
    line: u32,
}

// ---------------------------------------------------------------------------------------------
// The import, phase by phase: read rows → repair rows → catalog skeletons → walk the rows
// (nodes and edges) → METI sections → texts → catalogs and mapping sets.

/// Imports seed 000 (with seed 004's structure) under the overrides `ov`: the three catalogs,
/// the two mapping sets and the report.
pub fn import(seed: &Seed, structure: &Seed, ov: &Overrides) -> Result<Output, ImportError> {
    let file = seed.name.as_str();
    let mut report = ImportReport::new(&seed.name);
    let st = parse_structure(structure);

    let mut rows = read_rows(seed, ov, &mut report)?;
    repair_rows(&mut rows, ov, &mut report)?;
    let mut tov = text_overrides(ov)?;

    let s004 = structure.name.as_str();
    let mic = mic_skeleton(&st, s004)?;
    let mut walk = walk::Walk::new(file, ov, report, mic, walk::MhlwSections::new(&st, file, s004));
    for row in &rows {
        walk.row(row)?;
    }
    let walk::Walk {
        mut report,
        mic: MicSkeleton { store: mut mic, lines: mic_lines, .. },
        mut mhlw,
        sections,
        mut meti,
        mut to_mhlw,
        mut to_meti,
        meti_titles,
        meti_sections,
        notes,
        ..
    } = walk;
    let mhlw_struct_lines = sections.lines;
    report.notes.extend(notes);
    note_ambiguous_rows(&rows, ov, &mut to_mhlw, &mut to_meti)?;
    meti_section_nodes(&mut meti, file, &meti_sections, &meti_titles, &mut report)?;

    // MIC parents get the lines of their children.
    propagate_lines(&mut mic, &mic_lines);
    propagate_lines(&mut mhlw, &mhlw_struct_lines);
    propagate_lines(&mut meti, &BTreeMap::new());
    texts(&mut mhlw, &mut meti, &mut tov, seed, ov, &mut report)?;

    let reqs = Requirements {
        mic: requirements_with_structure(mic, seed, structure, &mic_lines, false),
        mhlw: requirements_with_structure(mhlw, seed, structure, &mhlw_struct_lines, true),
        meti: requirements_with_structure(meti, seed, structure, &BTreeMap::new(), true),
    };
    output(seed, structure, reqs, to_mhlw, to_meti, &tov, report)
}

/// Phase 1, read cells: every data line of the seed as a row of eleven cells, after the layout
/// overrides (shift, remap, move, set). Blank lines and repeated page headers are skipped and
/// counted in the report; a cell beyond the eleventh column is an error.
fn read_rows(seed: &Seed, ov: &Overrides, report: &mut ImportReport) -> Result<Vec<Row>, ImportError> {
    let file = seed.name.as_str();
    let (mut blank, mut header) = (Vec::new(), Vec::new());
    let mut rows: Vec<Row> = Vec::new();
    for (n, line) in seed.lines() {
        let mut cells: Vec<String> = line.split('\t').map(str::to_owned).collect();
        if cells.iter().all(|c| c.trim().is_empty()) {
            blank.push(n);
            continue;
        }
        if is_header(&cells) {
            header.push(n);
            continue;
        }
        layout_overrides(n, &mut cells, ov, report)?;
        if let Some(extra) = cells[NCOL..].iter().position(|c| !c.trim().is_empty()) {
            return Err(ImportError::at(
                file,
                n as usize,
                NCOL + extra + 1,
                "a cell beyond the eleventh column is not empty: the row is shifted; add a shift/remap override",
            ));
        }
        cells.truncate(NCOL);
        rows.push(Row { line: n, cells });
    }
    report.rows_read = rows.len();
    report.notes.push(format!(
        "{} blank lines and {} repeated page-header lines skipped (header lines: {})",
        blank.len(),
        header.len(),
        header.iter().map(u32::to_string).collect::<Vec<_>>().join(", ")
    ));
    Ok(rows)
}

/// Phase 2, repair: the overrides that work across rows (`copy` a structural cell from another
/// line, `join-cell` a cell split by a page break), then the generic rules on every row.
fn repair_rows(rows: &mut [Row], ov: &Overrides, report: &mut ImportReport) -> Result<(), ImportError> {
    let row_at: HashMap<u32, usize> = rows.iter().enumerate().map(|(i, r)| (r.line, i)).collect();
    let find_row = |o: &crate::Override, line: u32| {
        row_at.get(&line).copied().ok_or_else(|| ov_err(ov, o, format!("line {line} is not a data row")))
    };
    for r in 0..rows.len() {
        let line = rows[r].line;
        for o in ov.take(line, "copy") {
            let col = col_index(&ov.file, o, "column")?;
            let from = find_row(o, o.int_arg(&ov.file, "from_line")? as u32)?;
            if col == TEXT || col == MTEXT || !rows[r].cells[col].trim().is_empty() {
                return Err(ov_err(ov, o, "`copy` fills an empty structural cell"));
            }
            rows[r].cells[col] = rows[from].cells[col].clone();
            report.repaired(line, &o.action, &o.reason);
        }
        for o in ov.take(line, "join-cell") {
            let col = col_index(&ov.file, o, "column")?;
            let onto = find_row(o, o.int_arg(&ov.file, "onto")? as u32)?;
            let joined = format!("{}{}", rows[onto].cells[col].trim(), rows[r].cells[col].trim());
            rows[onto].cells[col] = joined.clone();
            rows[r].cells[col] = joined;
            report.repaired(line, &o.action, &o.reason);
        }
    }
    for r in rows {
        generic_rules(&mut r.cells);
    }
    Ok(())
}

/// The `prefer` and `merge` overrides, used when the nodes' texts are decided.
fn text_overrides(ov: &Overrides) -> Result<TextOverrides, ImportError> {
    let mut tov = TextOverrides::default();
    for o in ov.take_all("prefer") {
        tov.prefer.insert(o.str_arg(&ov.file, "id")?.to_owned(), (o.line, o.reason.clone()));
    }
    for o in ov.take_all("merge") {
        tov.merge.insert(o.str_arg(&ov.file, "id")?.to_owned(), (o.line, o.reason.clone()));
    }
    Ok(tov)
}

/// The MIC catalog before the rows: its chapters, sections and annex from seed 004.
struct MicSkeleton {
    store: Store,
    /// Node id → the seed-004 lines that name it (their provenance comes first).
    lines: BTreeMap<String, Vec<u32>>,
    /// Section id → the category its title names (given to the sub-items below it).
    categories: HashMap<String, Category>,
}

/// Phase 3, catalog skeletons: the MIC chapters, sections and annex seed 004 gives. (The MHLW
/// chapters and sections are made when a row cites them: [`walk::MhlwSections`].)
fn mic_skeleton(st: &Structure, s004: &str) -> Result<MicSkeleton, ImportError> {
    let mut mic = Store::default();
    let mut mic_lines: BTreeMap<String, Vec<u32>> = BTreeMap::new();
    for (ch, (title, line)) in &st.mic_chapters {
        let id = format!("ch{ch}");
        let i = mic.ensure(s004, *line, &id, None, NodeKind::Chapter, &format!("第{ch}章"), vec![(0, *ch, 0)])?;
        mic.nodes[i].req.title = Some(title.clone());
        mic_lines.entry(id).or_default().push(*line);
    }
    let mut mic_categories: HashMap<String, Category> = HashMap::new();
    for (label, title, note, line) in &st.mic_sections {
        let (first, id) = match label.split_once('～') {
            Some((a, b)) => (a.to_owned(), format!("{a}-{b}")),
            None => (label.clone(), label.clone()),
        };
        let parts: Vec<&str> = first.split('.').collect();
        let parent = if parts.len() == 2 { format!("ch{}", parts[0]) } else { parts[..parts.len() - 1].join(".") };
        let i = mic.ensure(s004, *line, &id, Some(&parent), NodeKind::Section, label, num_key(&first))?;
        mic.nodes[i].req.title = title.clone();
        mic.nodes[i].req.note = note.clone();
        if let Some(c) = title.as_deref().and_then(Category::from_ja) {
            mic.nodes[i].req.category = Some(c.clone());
            mic_categories.insert(id.clone(), c);
        }
        mic_lines.entry(id).or_default().push(*line);
    }
    if let Some((title, line)) = &st.mic_annex {
        let i = mic.ensure(s004, *line, "annex", None, NodeKind::Chapter, "別添", vec![(0, 99, 0)])?;
        mic.nodes[i].req.title = Some(title.clone());
        mic_lines.entry("annex".into()).or_default().push(*line);
    }
    Ok(MicSkeleton { store: mic, lines: mic_lines, categories: mic_categories })
}

/// A row that rests on a judgement marked AMBIGUOUS says so on each of its edges.
fn note_ambiguous_rows(
    rows: &[Row],
    ov: &Overrides,
    to_mhlw: &mut Edges,
    to_meti: &mut Edges,
) -> Result<(), ImportError> {
    for row in rows {
        for o in ov.ambiguous(row.line) {
            let why = o.str_arg(&ov.file, "note")?;
            let note = format!(
                "出典000（{}行目）のこの行の位置付けは、{} のレビュー済みの判断（{}）による。この対応付けは曖昧である：{why}",
                row.line, ov.file, o.action
            );
            to_mhlw.note_line(row.line, &note);
            to_meti.note_line(row.line, &note);
        }
    }
    Ok(())
}

/// Phase 5, METI structure: chapter 7, each cited section (titled by the variant most rows give)
/// and the untitled sections between them.
fn meti_section_nodes(
    meti: &mut Store,
    file: &str,
    meti_sections: &BTreeSet<String>,
    meti_titles: &BTreeMap<String, Vec<(String, u32)>>,
    report: &mut ImportReport,
) -> Result<(), ImportError> {
    for sec in meti_sections {
        let parts: Vec<&str> = sec.split('.').collect();
        let first_line = meti_titles[sec][0].1;
        let ch = meti.ensure(file, first_line, "7", None, NodeKind::Chapter, "7", vec![(0, 7, 0)])?;
        meti.nodes[ch].req.note = Some("出典000は本章の節を引用しているが、本章の見出しは出典に含まれない。".into());
        let mut parent = "7".to_owned();
        for k in 2..parts.len() {
            let anc = parts[..k].join(".");
            if !meti_sections.contains(&anc) {
                let i = meti.ensure(file, first_line, &anc, Some(&parent), NodeKind::Section, &anc, num_key(&anc))?;
                meti.nodes[i].req.note =
                    Some("出典000はこの番号の下位の節を引用しているが、この番号の見出しは出典に含まれない。".into());
            }
            parent = anc;
        }
        let i = meti.ensure(file, first_line, sec, Some(&parent), NodeKind::Section, sec, num_key(sec))?;
        // The title most rows give.
        let mut votes: Vec<(String, usize, String)> = Vec::new();
        for (t, _) in &meti_titles[sec] {
            match votes.iter_mut().find(|v| v.0 == norm(t)) {
                Some(v) => v.1 += 1,
                None => votes.push((norm(t), 1, t.clone())),
            }
        }
        let best = votes.iter().enumerate().max_by_key(|(i, v)| (v.1, usize::MAX - i)).map(|(_, v)| v.2.clone());
        if votes.len() > 1 {
            report.notes.push(format!(
                "meti-2012 {sec}: title {:?} taken; variants {}",
                best.as_deref().unwrap_or(""),
                votes.iter().map(|v| format!("{:?}×{}", v.2, v.1)).collect::<Vec<_>>().join(", ")
            ));
        }
        meti.nodes[i].req.title = best;
        for (_, l) in &meti_titles[sec] {
            meti.nodes[i].lines.insert(*l);
        }
    }
    Ok(())
}

/// Phase 6, texts: each MHLW and METI node's text decided from its candidates (a `prefer` or
/// `merge` that no node needed is an error); an MHLW number the seed cites without text or
/// title says so in its note.
fn texts(
    mhlw: &mut Store,
    meti: &mut Store,
    tov: &mut TextOverrides,
    seed: &Seed,
    ov: &Overrides,
    report: &mut ImportReport,
) -> Result<(), ImportError> {
    resolve_texts(mhlw, tov, seed, report)?;
    resolve_texts(meti, tov, seed, report)?;
    for (action, map) in [("prefer", &tov.prefer), ("merge", &tov.merge)] {
        for (id, (line, _)) in map {
            if !tov.used.contains(id) {
                return Err(ImportError::at(
                    &ov.file,
                    0,
                    1,
                    format!("`{action}` for {id} (seed line {line}) is not needed: the node has no differing texts"),
                ));
            }
        }
    }
    for n in &mut mhlw.nodes {
        if n.req.text.is_none() && n.req.title.is_none() && n.req.kind != NodeKind::Chapter {
            n.req.note = Some(
                "出典000はこの番号の下位の項目を引用しているが、この番号自体の本文は記載しておらず、本文は出典に含まれない。"
                    .into(),
            );
        }
    }
    Ok(())
}

/// The finished requirements of the three catalogs.
struct Requirements {
    mic: Vec<Requirement>,
    mhlw: Vec<Requirement>,
    meti: Vec<Requirement>,
}

/// A store's finished requirements, with seed 000's lines as provenance and, first, the seed-004
/// lines of `structure_lines`: for MIC (`sorted` false) each line in turn is put first; for MHLW
/// (`sorted` true) the lines are put first in ascending order, once each.
fn requirements_with_structure(
    store: Store,
    seed: &Seed,
    structure: &Seed,
    structure_lines: &BTreeMap<String, Vec<u32>>,
    sorted: bool,
) -> Vec<Requirement> {
    let mut reqs = {
        let name = seed.name.clone();
        finish_catalog(store, move |l| Provenance::line(name.clone(), l))
    };
    for r in &mut reqs {
        if let Some(ls) = structure_lines.get(r.id.as_str()) {
            if sorted {
                let mut ls = ls.clone();
                ls.sort_unstable();
                ls.dedup();
                for &l in ls.iter().rev() {
                    r.provenance.insert(0, structure.provenance(l));
                }
            } else {
                for &l in ls {
                    r.provenance.insert(0, structure.provenance(l));
                }
            }
        }
    }
    reqs
}

/// Phase 7, output: the three catalogs, the two mapping sets (the METI edges note the excerpt
/// each row cites, so they are built against the final METI requirements) and the counts.
fn output(
    seed: &Seed,
    structure: &Seed,
    reqs: Requirements,
    to_mhlw: Edges,
    to_meti: Edges,
    tov: &TextOverrides,
    mut report: ImportReport,
) -> Result<Output, ImportError> {
    let src000 = seed.source_doc("対応表：総務省クラウドGL（案）の項目 → 厚労省GL 第5版 → 経産省GL（出典000）");
    let src004 = structure.source_doc("総務省クラウドGLの構成と、厚労省GLとの対応（出典004）");

    let mut meti_final = Store::default();
    for r in &reqs.meti {
        meti_final.by_id.insert(r.id.as_str().to_owned(), meti_final.nodes.len());
        meti_final.nodes.push(Node { req: r.clone(), key: Vec::new(), lines: BTreeSet::new(), texts: Vec::new() });
    }
    let [mic_cat, mhlw_cat, meti_cat] = catalogs(reqs, &src000, &src004);

    let set_mhlw = build_set(
        SET_MHLW,
        Localized::new("総務省クラウドGL(案) → 厚労省GL 第5版", "MIC cloud GL (draft) → MHLW GL 5th edition"),
        MHLW,
        to_mhlw,
        None,
        seed,
        vec![src000.clone()],
        "出典000の対応表にある総務省クラウドGL→厚労省GLの対応をすべて収録する。対応表が示すのは内容の重なり\
         （対応、intersects-with）であり、同等（equivalent-to）ではない。「明文規定なし」の行は、対応先のないエントリ\
         （明文規定なし、no-relationship）とする。",
    )?;
    let set_meti = build_set(
        SET_METI,
        Localized::new("総務省クラウドGL(案) → 経産省GL", "MIC cloud GL (draft) → METI GL"),
        METI,
        to_meti,
        Some((&meti_final, &tov.merged)),
        seed,
        vec![src000],
        "出典000の対応表にある総務省クラウドGL→経産省GLの対応（対応、intersects-with）をすべて収録する。\
         行が管理策の一部のみを抜粋して引用している場合は、その抜粋を対応の注記に示す。",
    )?;

    for cat in [&mic_cat, &mhlw_cat, &meti_cat] {
        report.count(format!("{} nodes", cat.id), cat.requirements.len());
        report.count(format!("{} nodes with text", cat.id), cat.requirement_count());
    }
    for set in [&set_mhlw, &set_meti] {
        for m in &set.mappings {
            report.count(format!("{} {}", set.id, m.relation.as_str()), 1);
        }
    }

    Ok(Output {
        catalogs: vec![mic_cat, mhlw_cat, meti_cat],
        mapping_sets: vec![set_mhlw, set_meti],
        reports: vec![report],
        ..Output::default()
    })
}

/// The catalogs `mic-cloud-2018`, `mhlw-5` and `meti-2012` around their requirements.
fn catalogs(reqs: Requirements, src000: &SourceDoc, src004: &SourceDoc) -> [Catalog; 3] {
    let mic_cat = Catalog {
        id: CatalogId::parse(MIC).expect("id"),
        title: Localized::new(
            "クラウドサービス事業者が医療情報を取り扱う際の安全管理に関するガイドライン（案）",
            "Guidelines for cloud service providers handling medical information (draft)",
        ),
        issuers: vec!["総務省".into()],
        edition: "案".into(),
        date: None,
        kind: CatalogKind::Guideline,
        sources: vec![src000.clone(), src004.clone()],
        description: Some(
            "章構成は出典004による。項番3.2.1～3.4と、出典000の対応表が引用するすべてのサブ項番を収録する。\
             本ガイドライン自体の要求事項の本文は出典に含まれないため、サブ項番は番号のみを持つ。"
                .into(),
        ),
        requirements: reqs.mic,
        outline: None,
        ext: None,
    };
    let mhlw_cat = Catalog {
        id: CatalogId::parse(MHLW).expect("id"),
        title: Localized::new(
            "医療情報システムの安全管理に関するガイドライン",
            "Guidelines for the security management of medical information systems",
        ),
        issuers: vec!["厚生労働省".into()],
        edition: "第5版".into(),
        date: None,
        kind: CatalogKind::Guideline,
        sources: vec![src000.clone(), src004.clone()],
        description: Some(
            "出典000の対応表が引用する第6～8章の節（見出しは出典004による）と、対応表が引用するすべての要求事項の本文。\
             記載された番号ごとに1ノードとする（C＝最低限のガイドライン（遵守事項）、D＝推奨されるガイドライン（推奨事項））。\
             収録は対応表が引用する範囲に限られ、ガイドラインのその他の部分は出典に含まれない。"
                .into(),
        ),
        requirements: reqs.mhlw,
        outline: None,
        ext: None,
    };
    let meti_cat = Catalog {
        id: CatalogId::parse(METI).expect("id"),
        title: Localized::new(
            "医療情報を受託管理する情報処理事業者向けガイドライン",
            "Guidelines for information processing businesses entrusted with medical information",
        ),
        issuers: vec!["経済産業省".into()],
        edition: "第2版".into(),
        date: None,
        kind: CatalogKind::Guideline,
        sources: vec![src000.clone()],
        description: Some(
            "出典000の対応表が引用する7.xの節。(n) の管理策ごとに1ノードとし、区分（実施すべき／推奨される安全管理策）と\
             トピック（パスワード管理等）を付す。収録は対応表が引用する管理策に限られる。"
                .into(),
        ),
        requirements: reqs.meti,
        outline: None,
        ext: None,
    };
    [mic_cat, mhlw_cat, meti_cat]
}

fn mhlw_category(sec: &str) -> Option<Category> {
    match sec {
        "6.3" => Some(Category::Organizational),
        "6.4" => Some(Category::Physical),
        "6.5" => Some(Category::Technical),
        "6.6" => Some(Category::Human),
        _ => None,
    }
}

/// A node no seed line names directly (a parent only ever cited through its children, such as
/// `3.2.1 (イ)` above `(イ) 1`) gets the lines of its descendants. `keep` are nodes that have
/// their own provenance elsewhere (seed 004).
fn propagate_lines(store: &mut Store, keep: &BTreeMap<String, Vec<u32>>) {
    let mut order: Vec<usize> = (0..store.nodes.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(store.nodes[i].key.len()));
    let own: BTreeSet<usize> = (0..store.nodes.len())
        .filter(|&i| !store.nodes[i].lines.is_empty() || keep.contains_key(store.nodes[i].req.id.as_str()))
        .collect();
    for i in order {
        let Some(p) = store.nodes[i].req.parent.clone() else { continue };
        let lines = store.nodes[i].lines.clone();
        let Some(&pi) = store.by_id.get(p.as_str()) else { continue };
        if !own.contains(&pi) {
            store.nodes[pi].lines.extend(lines);
        }
    }
}

/// The MIC node of an item and sub-item, creating the sub-item's ancestors.
fn ensure_mic(
    mic: &mut Store,
    categories: &HashMap<String, Category>,
    file: &str,
    line: u32,
    item: &str,
    sub: Option<&str>,
) -> Result<String, ImportError> {
    if mic.get(item).is_none() {
        // Cited by seed 000 but not named by seed 004 (3.3.6, 3.3.7).
        let parts: Vec<&str> = item.split('.').collect();
        let parent = if parts.len() == 2 { format!("ch{}", parts[0]) } else { parts[..parts.len() - 1].join(".") };
        if mic.get(&parent).is_none() {
            return Err(ImportError::at(
                file,
                line as usize,
                1,
                format!("item {item}: its parent {parent} is unknown"),
            ));
        }
        let i = mic.ensure(file, line, item, Some(&parent), NodeKind::Section, item, num_key(item))?;
        mic.nodes[i].req.note =
            Some("出典000はこの番号を引用しているが、見出しと本文は出典に含まれない（出典004には記載がない）。".into());
    }
    let category = categories.get(item).cloned();
    let Some(sub) = sub else { return Ok(item.to_owned()) };
    let m = RE_SUBITEM.captures(sub).ok_or_else(|| {
        ImportError::at(file, line as usize, SUB + 1, format!("サブ項番 {sub:?} is not a sub-item number"))
    })?;
    let kana = m[1].chars().next().expect("kana");
    let ko = kana_ord(kana).ok_or_else(|| ImportError::at(file, line as usize, SUB + 1, "unknown katakana"))?;
    let mut steps: Vec<(String, String, (u32, u32, u32))> =
        vec![(romaji(ko).to_owned(), format!("({kana})"), (1, ko, 0))];
    if let Some(l) = m.get(2) {
        let c = l.as_str().chars().next().expect("latin");
        steps.push((l.as_str().to_owned(), format!("({})", l.as_str()), (2, c as u32 - 'a' as u32 + 1, 0)));
    }
    if let Some(d) = m.get(3) {
        let n: u32 = d.as_str().parse().unwrap_or(0);
        steps.push((n.to_string(), n.to_string(), (3, n, 0)));
    }
    let mut id = item.to_owned();
    let mut label = item.to_owned();
    let mut key = num_key(item);
    let mut parent = item.to_owned();
    for (k, (sid, slabel, skey)) in steps.iter().enumerate() {
        id = format!("{id}-{sid}");
        label = format!("{label} {slabel}");
        key.push(*skey);
        let kind = if k == 0 { NodeKind::Item } else { NodeKind::SubItem };
        let i = mic.ensure(file, line, &id, Some(&parent), kind, &label, key.clone())?;
        let n = &mut mic.nodes[i];
        n.req.note = Some(SUBITEM_NOTE.into());
        n.req.category = category.clone();
        parent = id.clone();
    }
    Ok(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers() {
        assert_eq!(marker_at("1. 情報").map(|t| t.0.label), Some("1".into()));
        assert_eq!(marker_at("(d) リスク").map(|t| t.0.id), Some("pd".into()));
        assert_eq!(marker_at("b-1. 装置").map(|t| t.0.label), Some("b-1".into()));
        assert_eq!(marker_at("1-① 法令").map(|t| t.0.id), Some("1c1".into()));
        assert_eq!(marker_at("(ア) 医療").map(|t| t.0.id), Some("xa".into()));
        assert!(marker_at("6.9全般").is_none());
        assert!(marker_at("明文規定なし").is_none());
    }

    #[test]
    fn cells_split_at_their_numbers_only() {
        let c = split_mhlw("4. 以下の基準を遵守すること。 (1)一定不応時間。 (2)受け付けない。", None).unwrap().unwrap();
        assert_eq!(c.len(), 3);
        assert_eq!(c[1].parent, Some(0));
        assert_eq!(c[2].text, "受け付けない。");
        // A cross-reference inside quotes or not continuing a list stays text.
        let c = split_mhlw("3. 「6.6 人的安全対策 (2) 事務」に準じ", None).unwrap().unwrap();
        assert_eq!(c.len(), 1);
        let c = split_mhlw("3. 委託した場合は、 (2) 事務取扱委託業者", None).unwrap().unwrap();
        assert_eq!(c.len(), 1);
        assert!(split_mhlw("(1) a (2) b (1) c", None).is_err());
        let c = split_mhlw("11. 管理者は (1) a (2) b また、利用者は (1) c", Some("また、")).unwrap().unwrap();
        assert_eq!(
            c.iter().map(|n| n.tok.label.as_str()).collect::<Vec<_>>(),
            ["11", "(1)", "(2)", "(番号なし)", "(1)"]
        );
        assert_eq!(c[3].text, "また、利用者は");
        assert_eq!(c[4].parent, Some(3));
    }

    #[test]
    fn meti_measures() {
        let m = split_meti("(6)発行時 (8)自動ログオン。(9)に示す");
        assert_eq!(m, vec![(Some(6), "発行時".into()), (Some(8), "自動ログオン。(9)に示す".into())]);
        assert_eq!(split_meti("所管官庁への連絡体制、等"), vec![(None, "所管官庁への連絡体制、等".into())]);
    }
}

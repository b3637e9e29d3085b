//! Seed 001, phase 2: the guideline text the survey quotes verbatim, by section, and the
//! 特有の考慮事項 of 5.1.5 (quoted, or only proposed by the survey).

use std::collections::BTreeMap;

use super::{
    CIRCLED, CONSIDERATION, CONSIDERATIONS, Consideration, Cx, METI, Mode, PROPOSAL_MENTION, Proposal, QUOTE_PAGES,
    Quoted, Quotes, SectionNo, Toc, circled_index, paragraph, ranges, squash,
};
use crate::text::clean;
use crate::{ImportError, ImportReport, Overrides};

impl Cx<'_> {
    /// Scans the seed line by line for quote blocks; every paragraph goes to the section (or
    /// 考慮事項) the block belongs to. A proposal the guideline already has is dropped; one
    /// without a heading is an error.
    pub(super) fn read_quotes(
        &self,
        toc: &Toc,
        ov: &Overrides,
        report: &mut ImportReport,
    ) -> Result<Quotes, ImportError> {
        let mut scan = QuoteScan {
            cx: self,
            toc,
            ov,
            q: Quotes::default(),
            considerations: SectionNo::parse(CONSIDERATIONS).expect("constant"),
            ctx: None,
            mode: Mode::Outside,
            target: None,
            item: None,
            block_pages: String::new(),
            block_lines: BTreeMap::new(),
            blocks: Vec::new(),
            paragraphs: 0,
            duplicates: 0,
        };
        for (n, raw) in self.numbered() {
            scan.line(n, raw.trim(), report)?;
        }
        let QuoteScan { mut q, blocks, paragraphs, duplicates, .. } = scan;
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
}

/// The quote scanner's state.
struct QuoteScan<'c, 'a> {
    cx: &'c Cx<'a>,
    toc: &'c Toc,
    ov: &'c Overrides,
    q: Quotes,
    /// 5.1.5, the section of the 特有の考慮事項.
    considerations: SectionNo,
    /// The deepest survey section heading of the current page.
    ctx: Option<SectionNo>,
    mode: Mode,
    /// Where the current block's text goes: a section, or a 考慮事項 of 5.1.5.
    target: Option<SectionNo>,
    item: Option<usize>,
    block_pages: String,
    /// Lines of the current block per destination, to make provenance ranges.
    block_lines: BTreeMap<(SectionNo, Option<usize>), (u32, u32)>,
    /// The lines opening a quote block.
    blocks: Vec<u32>,
    paragraphs: usize,
    duplicates: usize,
}

impl QuoteScan<'_, '_> {
    /// Ends the current block: each destination gets the block's line range and pages.
    fn close(&mut self) {
        for ((sec, item), range) in std::mem::take(&mut self.block_lines) {
            let quoted = match item {
                Some(i) => &mut self.q.considerations.get_mut(&i).expect("item opened").quoted,
                None => self.q.sections.entry(sec).or_default(),
            };
            quoted.ranges.push(range);
            if !self.block_pages.is_empty() && !quoted.pages.contains(&self.block_pages) {
                quoted.pages.push(self.block_pages.clone());
            }
        }
    }

    /// One line: it may end the block, reset the page, set the page's section, open a block,
    /// or be read inside the block it is in.
    fn line(&mut self, n: u32, t: &str, report: &mut ImportReport) -> Result<(), ImportError> {
        let sq = squash(t);
        let page_header = sq.starts_with("2省GLの整理");
        let ends = t.starts_with('<')
            || t.starts_with("根拠")
            || t.starts_with("※")
            || page_header
            || (!t.is_empty() && t.chars().all(|c| c.is_ascii_digit()));
        if ends && self.mode != Mode::Outside {
            self.close();
            self.mode = Mode::Outside;
            self.target = None;
            self.item = None;
        }
        if page_header {
            self.ctx = None;
            return Ok(());
        }
        if self.mode == Mode::Outside
            && let Some((no, _, _)) = self.cx.headings(t).last()
        {
            self.ctx = Some(no.clone());
            return Ok(());
        }
        if self.open_block(n, t, report) || t.is_empty() {
            return Ok(());
        }
        if self.in_block(n, t, report)? {
            return Ok(());
        }
        self.paragraph(n, t);
        Ok(())
    }

    /// A marker line `<…>` opens a block of its kind; true if the line was one.
    fn open_block(&mut self, n: u32, t: &str, report: &mut ImportReport) -> bool {
        if t.starts_with("<2省GL該当箇所の記載") {
            self.mode = Mode::Quote;
            self.block_pages = QUOTE_PAGES.captures(t).map(|c| squash(&c[1])).unwrap_or_default();
            match &self.ctx {
                Some(no) if self.toc.contains(&no.to_string()) => self.target = Some(no.clone()),
                _ => report.reject(n, "quoted 2省GL text on a survey page with no known section heading"),
            }
            self.blocks.push(n);
        } else if t == "<2省ガイドライン>" {
            self.mode = Mode::GuidelineDoc { header_seen: false, toc: false };
            self.block_pages.clear();
        } else if t.starts_with("<対応Lv1") {
            self.mode = Mode::Lv1;
        } else if t.starts_with("<対応Lv2") {
            self.mode = Mode::Lv2;
        } else if t.starts_with('<') {
            self.mode = Mode::Other;
        } else {
            return false;
        }
        true
    }

    /// A non-blank line inside a block, by the block's kind; true when the line is done with
    /// (not a paragraph of quoted text).
    fn in_block(&mut self, n: u32, t: &str, report: &mut ImportReport) -> Result<bool, ImportError> {
        let at_considerations = self.ctx.as_ref() == Some(&self.considerations);
        match &mut self.mode {
            Mode::Outside | Mode::Other => Ok(true),
            Mode::Lv1 => {
                if at_considerations {
                    for c in PROPOSAL_MENTION.captures_iter(t) {
                        let i = circled_index(c[1].chars().next().expect("one char")).expect("circled");
                        self.q
                            .proposals
                            .entry(i)
                            .or_insert_with(|| Proposal { title: String::new(), heading_line: 0, mentions: Vec::new() })
                            .mentions
                            .push(n);
                    }
                }
                Ok(true)
            }
            Mode::Lv2 => {
                if at_considerations && let Some(c) = CONSIDERATION.captures(t) {
                    let i = circled_index(c[1].chars().next().expect("one char")).expect("circled");
                    let p = self.q.proposals.entry(i).or_insert_with(|| Proposal {
                        title: String::new(),
                        heading_line: 0,
                        mentions: Vec::new(),
                    });
                    p.title = clean(&c[2]);
                    p.heading_line = n;
                }
                Ok(true)
            }
            Mode::GuidelineDoc { header_seen, toc: is_toc } => {
                if !*header_seen {
                    // The line naming the document: 「…ガイドライン第 2.0版 51-55頁」 or 「… 目次」.
                    *header_seen = true;
                    *is_toc = t.contains("目次");
                    let is_toc = *is_toc;
                    self.block_pages = QUOTE_PAGES.captures(t).map(|c| squash(&c[1])).unwrap_or_default();
                    if !is_toc {
                        self.blocks.push(n);
                    }
                    return Ok(true);
                }
                if *is_toc || t.contains(".pdf") {
                    return Ok(true);
                }
                self.guideline_doc_line(n, t, report)
            }
            Mode::Quote => {
                if self.target.as_ref() == Some(&self.considerations)
                    && let Some(c) = CONSIDERATION.captures(t)
                {
                    let i = circled_index(c[1].chars().next().expect("one char")).expect("circled");
                    if self.q.considerations.contains_key(&i) {
                        return Err(self.cx.err(n, format!("特有の考慮事項 {} is quoted twice", &c[1])));
                    }
                    self.q
                        .considerations
                        .insert(i, Consideration { title: clean(&c[2]), heading_line: n, quoted: Quoted::default() });
                    self.item = Some(i);
                    let key = (self.considerations.clone(), Some(i));
                    self.block_lines.insert(key, (n, n));
                    return Ok(true);
                }
                Ok(false)
            }
        }
    }

    /// A line of a `<2省ガイドライン>` block after its header: an inline section heading the
    /// tables of contents confirm switches the target; text before any heading needs a
    /// `quote-section` override (else it is rejected).
    fn guideline_doc_line(&mut self, n: u32, t: &str, report: &mut ImportReport) -> Result<bool, ImportError> {
        if let Some((no, title)) = self.cx.split_numbered(t)
            && self.toc.title(&no).is_some_and(|tt| squash(tt) == squash(&title))
        {
            self.close();
            self.target = Some(no);
            return Ok(true);
        }
        if self.target.is_some() {
            return Ok(false);
        }
        let ov = self.ov;
        match ov.take_one(n, "quote-section") {
            Some(o) => {
                let s = o.str_arg(&ov.file, "section")?;
                let no = SectionNo::parse(s).filter(|no| self.toc.contains(&no.to_string())).ok_or_else(|| {
                    ImportError::at(&ov.file, o.defined_at, 1, format!("unknown 2省GL section {s:?}"))
                })?;
                report.repaired(n, "quote-section", &o.reason);
                self.target = Some(no);
                Ok(false)
            }
            None => {
                report.reject(n, "2省GL text quoted before any section heading and no quote-section override");
                Ok(true)
            }
        }
    }

    /// A paragraph of quoted guideline text for the current target, kept once per node.
    fn paragraph(&mut self, n: u32, t: &str) {
        let Some(sec) = self.target.clone() else { return };
        let para = paragraph(t);
        if para.is_empty() {
            return;
        }
        self.paragraphs += 1;
        let quoted = match self.item {
            Some(i) => &mut self.q.considerations.get_mut(&i).expect("item opened").quoted,
            None => self.q.sections.entry(sec.clone()).or_default(),
        };
        if quoted.add(para) {
            let r = self.block_lines.entry((sec, self.item)).or_insert((n, n));
            r.1 = n;
        } else {
            self.duplicates += 1;
        }
    }
}

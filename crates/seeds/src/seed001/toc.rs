//! Seed 001, phase 1: what the seed says about each 2省GL section's title and page — the
//! survey's 目次一覧 table, the excerpts of the guideline's own 目次, the survey's section
//! headings — and the report of where they disagree.

use std::collections::HashSet;

use super::{Claim, Cx, METI, SectionNo, Toc, TocSource, ranges, squash};
use crate::{ImportError, ImportReport};

impl Cx<'_> {
    /// Reads every table of contents of the seed into one [`Toc`], reporting disagreements.
    pub(super) fn read_toc(&self, report: &mut ImportReport) -> Result<Toc, ImportError> {
        let mut toc = Toc::default();
        self.survey_table(&mut toc, report)?;
        self.guideline_toc(&mut toc, report);
        // Survey section headings: checked against the above, never a source of pages.
        for (n, l) in self.numbered() {
            for (no, title, page) in self.headings(l) {
                toc.add(no, Claim { title, page: Some(page), line: n, source: TocSource::Heading });
            }
        }
        report_disagreements(&toc, report);
        Ok(toc)
    }

    /// The survey's 目次一覧 table: one row per line, the page belonging to the deepest numbered
    /// cell of the row.
    fn survey_table(&self, toc: &mut Toc, report: &mut ImportReport) -> Result<(), ImportError> {
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
                toc.add(no, Claim { title, page, line: n, source: TocSource::SurveyTable });
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
        Ok(())
    }

    /// Excerpts of the guideline's own table of contents: after a line naming the 第2.0版 目次,
    /// `number title<TAB>page` lines.
    fn guideline_toc(&self, toc: &mut Toc, report: &mut ImportReport) {
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
                toc.add(no, Claim { title, page: Some(page.to_owned()), line: n, source: TocSource::GuidelineToc });
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
    }
}

/// Reports each disagreement on a title or page once per (section, source, value), and each
/// section only a survey heading names.
fn report_disagreements(toc: &Toc, report: &mut ImportReport) {
    let mut said = HashSet::new();
    for (no, claims) in &toc.claims {
        let Some(best) = claims.iter().filter(|c| c.source != TocSource::Heading).min_by_key(|c| (c.source, c.line))
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
}

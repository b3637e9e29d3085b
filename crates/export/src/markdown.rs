//! Markdown: title, meta, the summary, then one table per group (区分).

use std::fmt::Write;

use sansho_core::assess::ResultCode;

use crate::rows::{Row, level_word, result_word, rows};
use crate::summary::{self, category_word};
use crate::{ExportInput, headers};

/// A table cell: `|` escaped, line breaks as `<br>`, surrounding white space dropped. User text
/// stays text in any Markdown viewer: `<`, `>` and `&` become entities (no raw HTML, no
/// `<javascript:…>` autolink), and `[`, `]` and `\\` are backslash-escaped (no link or image,
/// so no `javascript:` link); the only HTML in the output is the `<br>` written here.
pub(crate) fn cell(s: &str) -> String {
    let s = s.trim();
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '|' => out.push_str("\\|"),
            '\\' => out.push_str("\\\\"),
            '[' => out.push_str("\\["),
            ']' => out.push_str("\\]"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\r' if chars.peek() == Some(&'\n') => {}
            '\r' | '\n' => out.push_str("<br>"),
            c => out.push(c),
        }
    }
    out
}

fn table_row(out: &mut String, cells: &[&str]) {
    out.push('|');
    for c in cells {
        out.push(' ');
        out.push_str(&cell(c));
        out.push_str(" |");
    }
    out.push('\n');
}

fn separator(out: &mut String, n: usize, right_from: usize) {
    out.push('|');
    for i in 0..n {
        out.push_str(if i >= right_from { " ---: |" } else { " --- |" });
    }
    out.push('\n');
}

fn pct(p: f64) -> String {
    format!("{p:.1}%")
}

pub(crate) fn markdown(input: &ExportInput) -> String {
    let lang = input.lang;
    let set = input.derived.set();
    let mut out = String::new();
    let Some(catalog) = set.catalog(input.catalog) else {
        let _ = writeln!(out, "# {}", input.catalog);
        return out;
    };
    let _ = writeln!(out, "# {}\n", cell(summary::catalog_title(catalog, lang)));
    let _ = writeln!(out, "{}\n", cell(&summary::edition_line(catalog)));
    let meta = summary::meta_pairs(input);
    table_row(&mut out, &[meta[0].0, &meta[0].1]);
    separator(&mut out, 2, 2);
    for (label, value) in &meta[1..] {
        table_row(&mut out, &[label, value]);
    }
    out.push('\n');

    let rows = rows(input);
    if let Some(report) = summary::report(input) {
        let h = summary::headings(lang);
        let _ = writeln!(out, "## {}\n\n{}\n", summary::sheet_title(lang), summary::scope_line(input));
        let _ = writeln!(out, "### {}\n", h.by_result);
        table_row(&mut out, &summary::result_table_headers(lang));
        separator(&mut out, 3, 1);
        for (code, word) in summary::results(lang) {
            table_row(&mut out, &[word, &report.total.count(code).to_string(), &pct(report.total.percent(code))]);
        }
        let all = if report.total.total > 0 { pct(100.0) } else { pct(0.0) };
        table_row(&mut out, &[summary::total_word(lang), &report.total.total.to_string(), &all]);
        let (word, sentence) = summary::verdict(&report.minimum, lang);
        let _ = writeln!(out, "\n### {}\n\n**{word}** — {sentence}\n", h.minimum);
        let [level_h, category_h, section_h] = summary::breakdown_first(lang);
        let breakdowns = [
            (h.by_level, level_h, report.levels.iter().map(|g| (summary::level_group(g, lang), g)).collect::<Vec<_>>()),
            (
                h.by_category,
                category_h,
                report.categories.iter().map(|g| (summary::category_group(g, lang), g)).collect(),
            ),
            (h.by_section, section_h, report.sections.iter().map(|g| (g.label.clone(), g)).collect()),
        ];
        for (title, first, groups) in breakdowns {
            let _ = writeln!(out, "### {title}\n");
            table_row(&mut out, &summary::breakdown_headers(lang, first));
            separator(&mut out, 8, 1);
            for (name, g) in groups {
                let mut cells = vec![name, g.tally.total.to_string()];
                cells.extend(g.tally.counts.iter().map(|n| n.to_string()));
                cells.push(pct(g.tally.percent(ResultCode::Implemented)));
                table_row(&mut out, &cells.iter().map(String::as_str).collect::<Vec<_>>());
            }
            out.push('\n');
        }
        let _ = writeln!(out, "### {}\n", h.gaps);
        if report.gaps.is_empty() {
            let _ = writeln!(out, "{}\n", h.no_gaps);
        } else {
            table_row(&mut out, &summary::gap_headers(lang));
            separator(&mut out, 9, 9);
            let by_id: std::collections::HashMap<&str, &Row> =
                rows.iter().filter(|r| !r.is_group()).map(|r| (r.id.as_str(), r)).collect();
            for g in &report.gaps {
                let row = by_id.get(g.requirement.local.as_str());
                table_row(
                    &mut out,
                    &[
                        g.label,
                        level_word(g.level, lang),
                        &category_word(g.category, lang),
                        result_word(g.result, lang),
                        summary::basis_word(g.basis, lang),
                        summary::review_mark(g.needs_review, lang),
                        row.map_or("", |r| r.owner.as_str()),
                        row.map_or("", |r| r.due.as_str()),
                        row.map_or("", |r| r.text.as_str()),
                    ],
                );
            }
            out.push('\n');
        }
    }

    // The checklist: a heading per group, a table of the items printed under it.
    let cols = headers(lang);
    let columns: Vec<&str> = cols.iter().enumerate().filter(|(i, _)| *i != 1).map(|(_, h)| *h).collect();
    let mut open = false;
    for row in &rows {
        if row.is_group() {
            let level = "#".repeat((row.depth + 2).min(6));
            let title = if row.text.is_empty() { row.label.clone() } else { format!("{} {}", row.label, row.text) };
            let _ = writeln!(out, "{}{level} {}\n", if open { "\n" } else { "" }, cell(&title));
            open = false;
            continue;
        }
        if !open {
            table_row(&mut out, &columns);
            separator(&mut out, columns.len(), columns.len());
            open = true;
        }
        table_row(
            &mut out,
            &[
                &row.no,
                &row.text,
                &row.level_word,
                &row.done,
                &row.status,
                &row.how,
                &row.evidence,
                &row.notes,
                &row.owner,
                &row.due,
            ],
        );
    }
    if open {
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::cell;

    #[test]
    fn cells_escape_pipes_and_line_breaks() {
        assert_eq!(cell("a|b"), "a\\|b");
        assert_eq!(cell("①パスワード\n②アクセスログ管理"), "①パスワード<br>②アクセスログ管理");
        assert_eq!(cell("x\r\ny\rz"), "x<br>y<br>z");
        assert_eq!(cell("  t  "), "t");
        assert_eq!(cell("<b>&[x](y)\\"), "&lt;b&gt;&amp;\\[x\\](y)\\\\");
    }
}

//! Charts as inline SVG (no script, no inline style: the CSP allows neither), drawn on the
//! server from tallies.

use std::fmt::Write;

use sansho_core::assess::{ResultCode, Tally};

use crate::Lang;

/// Colours of the results, in `ResultCode::ALL` order: 実施済, 一部実施, 未実施, 該当なし, 未回答.
const COLOURS: [&str; 5] = ["#2d7a46", "#e0a526", "#c4452b", "#8a96a3", "#dde2e7"];

fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// One labelled row of a stacked bar chart.
pub struct Bar {
    pub label: String,
    pub tally: Tally,
    /// Where the row's label links to (a local path), if anywhere.
    pub href: Option<String>,
}

/// Horizontal stacked bars, one per row, proportional to each result's share, with the
/// percentage implemented at the end and a legend. Width in user units; it scales to its box.
pub fn stacked_bars(lang: Lang, title: &str, rows: &[Bar]) -> String {
    const LABEL_W: f64 = 380.0;
    const BAR_W: f64 = 440.0;
    const ROW_H: f64 = 26.0;
    let width = LABEL_W + BAR_W + 80.0;
    let height = 34.0 + ROW_H * rows.len() as f64 + 30.0;
    let mut s = String::new();
    let _ = write!(
        s,
        r##"<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-label="{}" xmlns="http://www.w3.org/2000/svg" font-size="13">"##,
        esc(title)
    );
    let _ = write!(s, r##"<title>{}</title>"##, esc(title));
    for (i, row) in rows.iter().enumerate() {
        let y = 8.0 + ROW_H * i as f64;
        let label = esc(&truncate(&row.label, 28));
        match &row.href {
            Some(h) => {
                let _ = write!(
                    s,
                    r##"<a href="{}"><text x="0" y="{}" fill="#1f5f99">{label}</text></a>"##,
                    esc(h),
                    y + 15.0
                );
            }
            None => {
                let _ = write!(s, r##"<text x="0" y="{}" fill="#1d2329">{label}</text>"##, y + 15.0);
            }
        }
        let mut x = LABEL_W;
        let total = row.tally.total.max(1) as f64;
        for (k, r) in ResultCode::ALL.iter().enumerate() {
            let n = row.tally.count(*r);
            if n == 0 {
                continue;
            }
            let w = BAR_W * n as f64 / total;
            let word = if lang == Lang::Ja { r.ja() } else { r.as_str() };
            let _ = write!(
                s,
                r##"<rect x="{x:.1}" y="{y}" width="{w:.1}" height="18" fill="{}"><title>{} {word} {n}</title></rect>"##,
                COLOURS[k],
                esc(&row.label)
            );
            x += w;
        }
        let _ = write!(
            s,
            r##"<text x="{}" y="{}" fill="#1d2329">{:.1}%</text>"##,
            LABEL_W + BAR_W + 8.0,
            y + 14.0,
            row.tally.percent(ResultCode::Implemented)
        );
    }
    // Legend.
    let ly = 8.0 + ROW_H * rows.len() as f64 + 10.0;
    let mut lx = LABEL_W;
    for (k, r) in ResultCode::ALL.iter().enumerate() {
        let word = if lang == Lang::Ja { r.ja() } else { r.as_str() };
        let _ = write!(
            s,
            r##"<rect x="{lx}" y="{ly}" width="12" height="12" fill="{}"/><text x="{}" y="{}" fill="#5f6b76">{word}</text>"##,
            COLOURS[k],
            lx + 16.0,
            ly + 11.0
        );
        lx += 16.0 + 14.0 * word.chars().count() as f64 * if lang == Lang::Ja { 1.0 } else { 0.55 } + 18.0;
    }
    s.push_str("</svg>");
    s
}

fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_owned()
    } else {
        let mut out: String = s.chars().take(max - 1).collect();
        out.push('…');
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_are_proportional_escaped_and_labelled() {
        let t = Tally { total: 4, counts: [3, 0, 1, 0, 0], percent: [75.0, 0.0, 25.0, 0.0, 0.0] };
        let svg = stacked_bars(Lang::Ja, "区分<別>", &[Bar { label: "技術的&人的".into(), tally: t, href: None }]);
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains(r##"width="330.0""##), "3/4 of 440: {svg}");
        assert!(svg.contains(r##"width="110.0""##));
        assert!(svg.contains("技術的&amp;人的") && svg.contains("区分&lt;別&gt;"));
        assert!(svg.contains("75.0%"));
        assert!(!svg.contains("style="), "no inline style under the CSP");
    }
}

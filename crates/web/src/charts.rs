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

/// The width a label takes at 13 user units: a wide (CJK, full-width) character about a full
/// em, anything else a little over half.
fn text_width(s: &str) -> f64 {
    s.chars().map(|c| if (c as u32) < 0x1100 { 7.4 } else { 13.0 }).sum()
}

/// `s` cut to fit `width` (with an ellipsis), measured as [`text_width`].
fn fit(s: &str, width: f64) -> String {
    if text_width(s) <= width {
        return s.to_owned();
    }
    let mut out = String::new();
    let mut w = text_width("…");
    for c in s.chars() {
        w += text_width(c.encode_utf8(&mut [0; 4]));
        if w > width {
            break;
        }
        out.push(c);
    }
    out.push('…');
    out
}

/// Horizontal stacked bars, one per row, proportional to each result's share, with the
/// percentage implemented at the end and a legend under them. A label too long for its column
/// is cut with an ellipsis and given whole as the row's tooltip. Width in user units; it scales
/// to its box.
pub fn stacked_bars(lang: Lang, title: &str, rows: &[Bar]) -> String {
    const LABEL_W: f64 = 380.0;
    const BAR_W: f64 = 440.0;
    const ROW_H: f64 = 26.0;
    const LEGEND_H: f64 = 20.0;
    let width = LABEL_W + BAR_W + 80.0;
    // The legend runs from the left edge and wraps onto further lines when it does not fit.
    let words: Vec<&str> = ResultCode::ALL.iter().map(|r| crate::view::result_word(lang, *r)).collect();
    let mut legend = Vec::new();
    let (mut lx, mut line) = (0.0, 0usize);
    for w in &words {
        let need = 16.0 + text_width(w) + 18.0;
        if lx > 0.0 && lx + need > width {
            lx = 0.0;
            line += 1;
        }
        legend.push((lx, line));
        lx += need;
    }
    let height = 8.0 + ROW_H * rows.len() as f64 + 10.0 + LEGEND_H * (line + 1) as f64 + 4.0;
    let mut s = String::new();
    let _ = write!(
        s,
        r##"<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-label="{}" xmlns="http://www.w3.org/2000/svg" font-size="13">"##,
        esc(title)
    );
    let _ = write!(s, r##"<title>{}</title>"##, esc(title));
    for (i, row) in rows.iter().enumerate() {
        let y = 8.0 + ROW_H * i as f64;
        let label = esc(&fit(&row.label, LABEL_W - 12.0));
        let full = esc(&row.label);
        match &row.href {
            Some(h) => {
                let _ = write!(
                    s,
                    r##"<a href="{}"><text x="0" y="{}" fill="#1f5f99"><title>{full}</title>{label}</text></a>"##,
                    esc(h),
                    y + 15.0
                );
            }
            None => {
                let _ =
                    write!(s, r##"<text x="0" y="{}" fill="#1d2329"><title>{full}</title>{label}</text>"##, y + 15.0);
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
            let word = crate::view::result_word(lang, *r);
            let _ = write!(
                s,
                r##"<rect x="{x:.1}" y="{y}" width="{w:.1}" height="18" fill="{}"><title>{full} {word} {n}</title></rect>"##,
                COLOURS[k],
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
    let top = 8.0 + ROW_H * rows.len() as f64 + 10.0;
    for (k, (word, (lx, line))) in words.iter().zip(legend).enumerate() {
        let ly = top + LEGEND_H * line as f64;
        let _ = write!(
            s,
            r##"<rect x="{lx}" y="{ly}" width="12" height="12" fill="{}"/><text x="{}" y="{}" fill="#5f6b76">{word}</text>"##,
            COLOURS[k],
            lx + 16.0,
            ly + 11.0
        );
    }
    s.push_str("</svg>");
    s
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

    #[test]
    fn english_labels_are_words_long_labels_keep_their_whole_name_and_the_legend_fits() {
        let t = Tally { total: 2, counts: [1, 0, 1, 0, 0], percent: [50.0, 0.0, 50.0, 0.0, 0.0] };
        let long = "Guidelines for the Security Management of Medical Information Systems, 3rd edition";
        let svg = stacked_bars(Lang::En, "By guideline", &[Bar { label: long.into(), tally: t, href: None }]);
        assert!(!svg.contains("not-implemented") && svg.contains(">not implemented<"), "{svg}");
        assert!(
            svg.contains("Guidelines for the Security Management of Medical"),
            "cut by width, not at 28 characters"
        );
        assert!(svg.contains(&format!("<title>{long}</title>")), "the whole name as the tooltip");
        // Every legend entry starts inside the drawing (900 wide).
        for part in svg.split(r##"<rect x=""##).skip(1) {
            let x: f64 = part[..part.find('"').unwrap()].parse().unwrap();
            assert!(x < 900.0 - 60.0, "{x}");
        }
    }
}

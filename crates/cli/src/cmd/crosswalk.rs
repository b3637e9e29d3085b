//! `sansho crosswalk <from> <to> [--json|--csv|--md]`

use crate::ui::outln;
use anyhow::Result;
use sansho_core::crosswalk::{Crosswalk, crosswalk};
use sansho_core::{CatalogSet, Related};
use serde::Serialize;

use crate::args::Lang;
use crate::ui::{ellipsize, print_json, t, table};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Table,
    Json,
    Csv,
    Markdown,
}

/// One line of the flat table: a source requirement and one target (or none).
struct Line {
    source_id: String,
    source_label: String,
    source_text: String,
    status: &'static str,
    relation: String,
    target_id: String,
    target_label: String,
    target_text: String,
    via: String,
    provenance: String,
}

fn via_text(r: &Related) -> String {
    if r.via.len() <= 1 {
        return String::new();
    }
    r.via[..r.via.len() - 1].iter().map(|s| s.to.to_string()).collect::<Vec<_>>().join(" → ")
}

fn lines(set: &CatalogSet, cw: &Crosswalk) -> Vec<Line> {
    let mut out = Vec::new();
    let text = |ix| set.requirement(ix).display_text().to_owned();
    for row in &cw.rows {
        let s = set.requirement(row.source);
        for r in &row.targets {
            let node = set.node(r.catalog.as_str(), r.id.local.as_str()).expect("related node exists");
            out.push(Line {
                source_id: set.reference(row.source).to_string(),
                source_label: s.label.clone(),
                source_text: text(row.source),
                status: "mapped",
                relation: r.relation.as_str().to_owned(),
                target_id: r.id.to_string(),
                target_label: r.label.to_owned(),
                target_text: text(node),
                via: via_text(r),
                provenance: r
                    .via
                    .iter()
                    .flat_map(|s| s.provenance.iter().map(ToString::to_string))
                    .collect::<Vec<_>>()
                    .join(" "),
            });
        }
    }
    for n in &cw.partial_unstated {
        out.push(Line {
            source_id: set.reference(n.source).to_string(),
            source_label: set.requirement(n.source).label.clone(),
            source_text: text(n.source),
            status: "partial-unstated",
            relation: "intersects-with".into(),
            target_id: String::new(),
            target_label: String::new(),
            target_text: String::new(),
            via: String::new(),
            provenance: n.provenance.iter().map(ToString::to_string).collect::<Vec<_>>().join(" "),
        });
    }
    for n in &cw.no_counterpart {
        out.push(Line {
            source_id: set.reference(n.source).to_string(),
            source_label: set.requirement(n.source).label.clone(),
            source_text: text(n.source),
            status: "no-counterpart",
            relation: "no-relationship".into(),
            target_id: String::new(),
            target_label: String::new(),
            target_text: String::new(),
            via: String::new(),
            provenance: n.provenance.iter().map(ToString::to_string).collect::<Vec<_>>().join(" "),
        });
    }
    for &ix in &cw.unmapped {
        out.push(Line {
            source_id: set.reference(ix).to_string(),
            source_label: set.requirement(ix).label.clone(),
            source_text: text(ix),
            status: "unmapped",
            relation: String::new(),
            target_id: String::new(),
            target_label: String::new(),
            target_text: String::new(),
            via: String::new(),
            provenance: String::new(),
        });
    }
    out
}

#[derive(Serialize)]
struct JsonRow<'a> {
    source: String,
    label: &'a str,
    targets: &'a [Related<'a>],
}

#[derive(Serialize)]
struct JsonGap {
    source: String,
    label: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    mapping_set: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    provenance: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    note: Option<String>,
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) { format!("\"{}\"", s.replace('"', "\"\"")) } else { s.to_owned() }
}

fn md_cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', "<br>")
}

pub fn run(set: &CatalogSet, from: &str, to: &str, format: Format, lang: Lang) -> Result<()> {
    let cw = crosswalk(set, from, to)?;
    match format {
        Format::Json => {
            let rows: Vec<JsonRow> = cw
                .rows
                .iter()
                .map(|r| JsonRow {
                    source: set.reference(r.source).to_string(),
                    label: &set.requirement(r.source).label,
                    targets: &r.targets,
                })
                .collect();
            let entry = |n: &sansho_core::crosswalk::NoCounterpart| JsonGap {
                source: set.reference(n.source).to_string(),
                label: set.requirement(n.source).label.clone(),
                mapping_set: Some(n.mapping_set.clone()),
                provenance: n.provenance.iter().map(ToString::to_string).collect(),
                note: n.note.clone(),
            };
            let no_counterpart: Vec<JsonGap> = cw.no_counterpart.iter().map(entry).collect();
            let partial_unstated: Vec<JsonGap> = cw.partial_unstated.iter().map(entry).collect();
            let unmapped: Vec<JsonGap> = cw
                .unmapped
                .iter()
                .map(|&ix| JsonGap {
                    source: set.reference(ix).to_string(),
                    label: set.requirement(ix).label.clone(),
                    mapping_set: None,
                    provenance: Vec::new(),
                    note: None,
                })
                .collect();
            let outline = |id: &str| set.catalog(id).is_some_and(|c| c.is_outline());
            print_json(&serde_json::json!({
                "from": from,
                "to": to,
                "from_outline": outline(from),
                "to_outline": outline(to),
                "summary": {
                    "considered": cw.considered(),
                    "mapped": cw.rows.len(),
                    "partial_unstated": cw.partial_unstated.len(),
                    "no_counterpart": cw.no_counterpart.len(),
                    "unmapped": cw.unmapped.len(),
                },
                "rows": rows,
                "partial_unstated": partial_unstated,
                "no_counterpart": no_counterpart,
                "unmapped": unmapped,
            }))
        }
        Format::Csv => {
            outln!(
                "source_id,source_label,source_text,status,relation,target_id,target_label,target_text,via,provenance"
            );
            for l in lines(set, &cw) {
                let fields = [
                    &l.source_id,
                    &l.source_label,
                    &l.source_text,
                    l.status,
                    &l.relation,
                    &l.target_id,
                    &l.target_label,
                    &l.target_text,
                    &l.via,
                    &l.provenance,
                ];
                outln!("{}", fields.map(csv_field).join(","));
            }
            Ok(())
        }
        Format::Markdown => {
            let (fc, tc) = (set.catalog(from).expect("checked"), set.catalog(to).expect("checked"));
            outln!("# {} {} → {} {}\n", fc.title.ja, fc.edition, tc.title.ja, tc.edition);
            outln!("{}\n", summary(&cw, lang));
            outln!(
                "| {} | {} | {} | {} | {} | {} |",
                t(lang, "元 項番", "From"),
                t(lang, "元 本文", "From text"),
                t(lang, "関係", "Relation"),
                t(lang, "先 項番", "To"),
                t(lang, "先 本文", "To text"),
                t(lang, "経由・出典", "Via / source")
            );
            outln!("|---|---|---|---|---|---|");
            for l in lines(set, &cw) {
                let rel = status_word(lang, &l);
                let via =
                    [l.via.as_str(), l.provenance.as_str()].into_iter().filter(|s| !s.is_empty()).collect::<Vec<_>>();
                outln!(
                    "| {} | {} | {} | {} | {} | {} |",
                    md_cell(&l.source_label),
                    md_cell(&l.source_text),
                    md_cell(&rel),
                    md_cell(&l.target_label),
                    md_cell(&l.target_text),
                    md_cell(&via.join(" ")),
                );
            }
            Ok(())
        }
        Format::Table => {
            for c in [from, to].map(|id| set.catalog(id).expect("checked")) {
                if c.is_outline() {
                    outln!("{}", crate::cmd::fill::outline_line(c, lang));
                }
            }
            outln!("{}", summary(&cw, lang));
            let mut tab = table(vec![
                t(lang, "元 項番", "From"),
                t(lang, "関係", "Relation"),
                t(lang, "先 項番", "To"),
                t(lang, "先 本文", "To text"),
                t(lang, "経由", "Via"),
            ]);
            for l in lines(set, &cw) {
                let rel = status_word(lang, &l);
                tab.add_row(vec![l.source_label, rel, l.target_label, ellipsize(&l.target_text, 60), l.via]);
            }
            outln!("{tab}");
            Ok(())
        }
    }
}

/// The relation as people read it: the Japanese word with the code, or the code.
fn relation_word(lang: Lang, code: &str) -> String {
    match (lang, sansho_core::Relation::parse(code)) {
        (Lang::Ja, Some(r)) => format!("{}（{code}）", r.ja()),
        _ => code.to_owned(),
    }
}

/// What a line says about its source: the relation, 明文規定なし, or 未対応.
fn status_word(lang: Lang, l: &Line) -> String {
    match l.status {
        "mapped" => relation_word(lang, &l.relation),
        "no-counterpart" => t(lang, "明文規定なし", "no counterpart").to_owned(),
        "partial-unstated" => {
            t(lang, "一部記載あり（該当箇所の記載なし）", "partly covered, place unstated").to_owned()
        }
        _ => t(lang, "未対応", "unmapped").to_owned(),
    }
}

fn summary(cw: &Crosswalk, lang: Lang) -> String {
    match lang {
        Lang::Ja => format!(
            "対象 {} 件: 対応あり {} 件、一部記載あり（該当箇所の記載なし） {} 件、明文規定なし {} 件、未対応 {} 件",
            cw.considered(),
            cw.rows.len(),
            cw.partial_unstated.len(),
            cw.no_counterpart.len(),
            cw.unmapped.len()
        ),
        Lang::En => format!(
            "{} requirements: {} mapped, {} partly covered with the place unstated, {} without counterpart (明文規定なし), {} unmapped",
            cw.considered(),
            cw.rows.len(),
            cw.partial_unstated.len(),
            cw.no_counterpart.len(),
            cw.unmapped.len()
        ),
    }
}

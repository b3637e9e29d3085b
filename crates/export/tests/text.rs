//! The text exports of the vendor's completed 第3版 checklist: CSV read back with the csv crate,
//! Markdown, JSON.

mod common;

use sansho_core::assess::{GapOptions, derive, gaps, is_requirement};
use sansho_export::{EvidenceRef, Lang, headers, rows};

const CATALOG: &str = "mhlw-3-checklist";

#[test]
fn csv_has_a_bom_crlf_and_reads_back_as_the_rows() {
    let set = common::bundled();
    let answers = common::sample_answers(&set);
    let derived = derive(&set, &answers).unwrap();
    let input = common::input(&derived, CATALOG, Lang::Ja, false);
    let text = sansho_export::csv(&input);
    let body = text.strip_prefix('\u{feff}').expect("a byte order mark");
    assert!(body.starts_with(
        "ID,No.,区分,チェック項目,レベル,実施済,実施状況,実施内容,根拠,該当なし理由・備考,担当者,期限\r\n"
    ));
    assert!(body.ends_with("\r\n"));

    let mut reader = csv::ReaderBuilder::new().from_reader(body.as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(str::to_owned).collect();
    assert_eq!(header[0], "ID");
    assert_eq!(header[1..], headers(Lang::Ja));
    let records: Vec<Vec<String>> = reader.records().map(|r| r.unwrap().iter().map(str::to_owned).collect()).collect();
    let expected: Vec<Vec<String>> = rows(&input)
        .into_iter()
        .filter(|r| !r.is_group())
        .map(|r| {
            vec![
                r.id,
                r.no,
                r.section,
                r.text,
                r.level_word,
                r.done,
                r.status,
                r.how,
                r.evidence,
                r.notes,
                r.owner,
                r.due,
            ]
        })
        .collect();
    assert_eq!(records, expected);
    // One line per requirement node, none for the 区分 headings.
    let requirements = set.catalog_nodes(CATALOG).into_iter().filter(|&ix| is_requirement(&set, ix)).count();
    assert_eq!(records.len(), requirements);
    // A multi-line 実施内容 survives quoting.
    let phys7 = records.iter().find(|r| r[0] == "phys-7").unwrap();
    assert_eq!(phys7[7], "①スクリーンセーバーの設定\n②ID、パスワードによるアクセス制御");
    assert!(body.contains("\"①スクリーンセーバーの設定\n②ID、パスワードによるアクセス制御\""));
    let tech81 = records.iter().find(|r| r[0] == "tech-8-1").unwrap();
    assert_eq!((tech81[1].as_str(), tech81[5].as_str(), tech81[6].as_str()), ("8 (1)", "□", "未実施"));
}

#[test]
fn markdown_has_the_summary_a_table_per_group_and_escapes_cells() {
    let set = common::bundled();
    let answers = common::sample_answers(&set);
    let derived = derive(&set, &answers).unwrap();
    let mut input = common::input(&derived, CATALOG, Lang::Ja, false);
    input.extra.entry("org-2".to_owned()).or_default().evidence.push(EvidenceRef {
        title: "入退館管理規程 | 別表".into(),
        effective: "2024-04-01".into(),
        ..EvidenceRef::default()
    });
    let md = sansho_export::markdown(&input);
    assert!(md.starts_with("# 医療情報システムの安全管理に関するガイドライン 第３版"));
    assert!(md.contains("| 組織 | サンプル事業者 |"));
    assert!(md.contains("## 集計"));
    assert!(md.contains("| 実施済 | 69 | 86.3% |"), "{md}");
    assert!(md.contains("**未達** — 遵守事項 80 件中 69 件を充足（うち推定による 0 件）、未充足 11 件"));
    // A heading per top-level group, each followed by its table.
    for ix in set.catalog_nodes(CATALOG) {
        if set.parent_of(ix).is_none() {
            let heading = format!("\n## {}\n\n| No. | チェック項目 |", set.requirement(ix).label);
            assert!(md.contains(&heading), "{heading}");
        }
    }
    // Pipes are escaped, line breaks become <br>.
    assert!(md.contains("入退館管理規程 \\| 別表 2024-04-01〜"));
    assert!(md.contains("①スクリーンセーバーの設定<br>②ID、パスワードによるアクセス制御"));
    assert!(md.contains("| 8 (1) | 利用者以外に無線LANの利用を特定されないようにしている。 | 遵守事項 | □ | 未実施 |"));
    // Every table line has the same number of unescaped pipes as its header.
    for line in md.lines().filter(|l| l.starts_with("| No. | チェック項目")) {
        assert_eq!(line.matches(" | ").count(), 9);
    }
}

#[test]
fn json_has_stable_english_keys_and_the_gap_report() {
    let set = common::bundled();
    let answers = common::sample_answers(&set);
    let derived = derive(&set, &answers).unwrap();
    let input = common::input(&derived, CATALOG, Lang::Ja, false);
    let v = sansho_export::json(&input);
    let mut keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(keys, ["catalog", "include_derived", "lang", "meta", "rows", "summary"]);
    assert_eq!(v["catalog"]["id"], CATALOG);
    assert_eq!(v["catalog"]["edition"], "第3版");
    assert_eq!(v["meta"]["assessment_id"], "A-0001");
    assert_eq!(v["lang"], "ja");
    let report = gaps(&derived, CATALOG, GapOptions::default()).unwrap();
    assert_eq!(v["summary"], serde_json::to_value(&report).unwrap());
    assert_eq!(v["summary"]["total"]["counts"], serde_json::json!([69, 0, 6, 0, 5]));
    let rows = v["rows"].as_array().unwrap();
    assert_eq!(rows.len(), set.catalog_nodes(CATALOG).len());
    let org1 = rows.iter().find(|r| r["id"] == "org-1").unwrap();
    assert_eq!(org1["kind"], "item");
    assert_eq!(org1["result"], "implemented");
    assert_eq!(org1["basis"], "direct");
    assert_eq!(org1["level"], "mandatory");
    assert_eq!(org1["how"], "運用責任者を1名、担当者を2名設置");
    assert_eq!(org1["evidence_refs"][0]["file_name"], "system-kanri-kitei.pdf");
    assert_eq!(rows[0]["kind"], "group");
}

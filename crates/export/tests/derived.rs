//! Results derived through the mappings: the vendor answered the 第3版 checklist, and mhlw-5
//! (第5版) shows what those answers suggest, marked （推定） with their sources, only when asked.

mod common;

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use sansho_core::assess::{GapOptions, ResultBasis, ResultCode, derive, gaps};
use sansho_core::{CatalogSet, Relation};
use sansho_export::{DERIVED_PREFIX_JA, Lang, Row, RowKind, rows, xlsx};

const CATALOG: &str = "mhlw-5";

fn row<'r>(rows: &'r [Row], id: &str) -> &'r Row {
    rows.iter().find(|r| r.id == id).unwrap_or_else(|| panic!("no row {id}"))
}

fn label(set: &CatalogSet, catalog: &str, id: &str) -> String {
    set.requirement(set.node(catalog, id).unwrap()).label.clone()
}

#[test]
fn a_derived_only_row_shows_its_sources_when_asked_and_unanswered_otherwise() {
    let set = common::bundled();
    let answers = common::sample_answers(&set);
    let derived = derive(&set, &answers).unwrap();
    // 6.3 C 1 has no direct answer; the checklist's 組織的安全管理対策 1 restates it (同等) and
    // the vendor implemented that.
    assert!(derived.direct(set.node(CATALOG, "6.3-c-1").unwrap()).is_none());
    let source = format!("推定元: mhlw-3-checklist {} (同等)", label(&set, "mhlw-3-checklist", "org-1"));

    let with = rows(&common::input(&derived, CATALOG, Lang::Ja, true));
    let r = row(&with, "6.3-c-1");
    assert_eq!((r.kind, r.basis, r.result), (RowKind::Item, ResultBasis::Derived, ResultCode::Implemented));
    assert_eq!(r.status, "（推定）実施済");
    assert!(r.status.starts_with(DERIVED_PREFIX_JA));
    assert_eq!(r.done, "■");
    assert!(r.evidence.lines().any(|l| l == source), "{}", r.evidence);
    assert_eq!(r.sources.len(), 1);
    assert_eq!((r.sources[0].requirement.as_str(), r.sources[0].relation), ("org-1", Relation::Equivalent));
    assert!(r.how.is_empty(), "a derived result has no 実施内容 of its own");
    // An overlap carries at most 一部実施 and asks for review.
    let partial = with.iter().find(|r| r.basis == ResultBasis::Derived && r.result == ResultCode::Partial).unwrap();
    assert_eq!((partial.status.as_str(), partial.done.as_str()), ("（推定）一部実施", "□"));
    assert!(partial.needs_review && partial.evidence.lines().any(|l| l == "要確認"), "{}", partial.evidence);

    let without = rows(&common::input(&derived, CATALOG, Lang::Ja, false));
    let r = row(&without, "6.3-c-1");
    assert_eq!((r.basis, r.result), (ResultBasis::None, ResultCode::Unanswered));
    assert_eq!((r.status.as_str(), r.done.as_str(), r.evidence.as_str()), ("未回答", "□", ""));
    assert!(r.sources.is_empty());
    assert!(without.iter().all(|r| r.basis != ResultBasis::Derived && !r.status.starts_with(DERIVED_PREFIX_JA)));

    // English.
    let en = rows(&common::input(&derived, CATALOG, Lang::En, true));
    let r = row(&en, "6.3-c-1");
    assert_eq!(r.status, "(derived) implemented");
    assert!(r.evidence.contains("derived from: mhlw-3-checklist"), "{}", r.evidence);
}

#[test]
fn the_workbook_marks_derived_rows_as_the_importer_reads_them() {
    let set = common::bundled();
    let answers = common::sample_answers(&set);
    let derived = derive(&set, &answers).unwrap();
    let expected = rows(&common::input(&derived, CATALOG, Lang::Ja, true));
    let bytes = xlsx(&common::input(&derived, CATALOG, Lang::Ja, true)).unwrap();
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).unwrap();
    let range = wb.worksheet_range(CATALOG).unwrap();
    let cell = |r: u32, c: u32| range.get_value((r, c)).map(Data::to_string).unwrap_or_default();
    let r = (0..range.end().unwrap().0 + 1).find(|&r| cell(r, 11) == "6.3-c-1").unwrap();
    assert_eq!((cell(r, 0), cell(r, 1)), ("C 1".to_owned(), "6.3".to_owned()));
    assert_eq!((cell(r, 4), cell(r, 5)), ("■".to_owned(), "（推定）実施済".to_owned()));
    assert!(cell(r, 7).starts_with("推定元: mhlw-3-checklist 組織的安全管理対策 1 (同等)"));
    // Every row's box and status as rows() made them.
    for row in expected.iter().filter(|r| !r.is_group()) {
        let r = (0..range.end().unwrap().0 + 1).find(|&r| cell(r, 11) == row.id).unwrap();
        assert_eq!((cell(r, 4), cell(r, 5)), (row.done.clone(), row.status.clone()), "{}", row.id);
    }

    // The summary counts derived results too, as gaps() does with include_derived.
    let report = gaps(&derived, CATALOG, GapOptions { include_derived: true }).unwrap();
    let summary = wb.worksheet_range("集計").unwrap();
    let at = |r: u32, c: u32| summary.get_value((r, c)).map(Data::to_string).unwrap_or_default();
    let start = (0..summary.end().unwrap().0).find(|&r| at(r, 0) == "実施状況別").unwrap();
    let counts: Vec<String> = (0..5).map(|i| at(start + 2 + i, 1)).collect();
    assert_eq!(counts, report.total.counts.map(|n| n.to_string()));
    assert!(report.total.count(ResultCode::Implemented) > 0);
    let verdict =
        (0..summary.end().unwrap().0).find(|&r| at(r, 0) == "最低限のガイドライン（遵守事項）の判定").unwrap();
    assert!(at(verdict + 1, 1).contains(&format!("うち推定による {} 件", report.minimum.by_derived)));
    assert!(report.minimum.by_derived > 0);
}

#[test]
fn an_accepted_suggestion_is_a_direct_answer_that_names_where_it_came_from() {
    let set = common::bundled();
    let mut answers = common::sample_answers(&set);
    let ix = set.node(CATALOG, "6.3-c-1").unwrap();
    let accepted = derive(&set, &answers).unwrap().accept(ix).unwrap();
    answers.push(accepted);
    let derived = derive(&set, &answers).unwrap();
    for include_derived in [false, true] {
        let rows = rows(&common::input(&derived, CATALOG, Lang::Ja, include_derived));
        let r = row(&rows, "6.3-c-1");
        assert_eq!((r.basis, r.status.as_str(), r.done.as_str()), (ResultBasis::Direct, "実施済", "■"));
        assert_eq!(r.evidence, "推定から採用: mhlw-3-checklist 組織的安全管理対策 1 (同等)");
    }
}

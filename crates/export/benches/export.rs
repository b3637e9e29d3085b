//! Performance target of the exports: the checklist workbook of a 1,000-answer assessment in
//! < 100 ms. An assessment is one catalog, and no bundled catalog has 1,000 requirements, so the
//! benchmark builds a synthetic one: 10 sections of 100 items, each answered (results cycling
//! through implemented / partial / not implemented / not applicable), with 実施内容, an owner, a
//! due date and a piece of evidence. Its texts are placeholders, not guideline text.
//!
//! Run: `cargo bench -p sansho-export --bench export`.

use std::collections::HashMap;
use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use sansho_core::assess::{Answer, ResultCode, derive};
use sansho_core::{
    Catalog, CatalogId, CatalogKind, CatalogSet, Category, Level, LocalId, Localized, NodeKind, Provenance, Requirement,
};
use sansho_export::{EvidenceRef, ExportInput, Extra, Lang, Meta};

const SECTIONS: usize = 10;
const ITEMS: usize = 100;

fn lid(s: &str) -> LocalId {
    LocalId::parse(s).unwrap()
}

fn catalog() -> Catalog {
    let categories = [Category::Organizational, Category::Physical, Category::Technical, Category::Human];
    let mut requirements = Vec::new();
    for s in 1..=SECTIONS {
        let mut section = Requirement::new(lid(&format!("s{s}")), NodeKind::Section, format!("第{s}節"));
        section.title = Some(format!("合成セクション {s}"));
        section.category = Some(categories[s % 4].clone());
        section.provenance = vec![Provenance::line("bench", s as u32)];
        requirements.push(section);
        for i in 1..=ITEMS {
            let mut item = Requirement::new(lid(&format!("s{s}-{i}")), NodeKind::Item, format!("第{s}節 {i}"));
            item.parent = Some(lid(&format!("s{s}")));
            item.level = Some(if i % 4 == 0 { Level::Recommended } else { Level::Mandatory });
            item.text = Some(format!(
                "ベンチマーク用の合成要求事項 {s}-{i}。{}",
                "対策を定め、記録し、定期的に見直す。".repeat(3)
            ));
            item.provenance = vec![Provenance::line("bench", (s * 1000 + i) as u32)];
            requirements.push(item);
        }
    }
    Catalog {
        id: CatalogId::parse("bench").unwrap(),
        title: Localized::ja("ベンチマーク用合成チェックリスト"),
        issuers: vec!["sansho".into()],
        edition: "1".into(),
        date: None,
        kind: CatalogKind::Checklist,
        sources: vec![],
        description: None,
        requirements,
        outline: None,
        ext: None,
    }
}

fn answers(set: &CatalogSet) -> Vec<Answer> {
    let results = [ResultCode::Implemented, ResultCode::Partial, ResultCode::NotImplemented, ResultCode::NotApplicable];
    set.catalog_nodes("bench")
        .into_iter()
        .filter(|&ix| set.requirement(ix).kind == NodeKind::Item)
        .enumerate()
        .map(|(i, ix)| match results[i % 4] {
            ResultCode::NotApplicable => {
                Answer::not_applicable(set.reference(ix), "当該システムでは該当する処理を行わない。").unwrap()
            }
            r => Answer::new(set.reference(ix), r).unwrap().with_how(format!(
                "運用管理規程 第{}条に定め、年1回の内部監査で確認している。\n記録は文書管理システムで保管。",
                i % 50 + 1
            )),
        })
        .collect()
}

fn extra(set: &CatalogSet) -> HashMap<String, Extra> {
    set.catalog_nodes("bench")
        .into_iter()
        .filter(|&ix| set.requirement(ix).kind == NodeKind::Item)
        .enumerate()
        .map(|(i, ix)| {
            let e = Extra {
                owner: Some(format!("担当者{}", i % 7)),
                due: Some("2026-03-31".into()),
                evidence: vec![EvidenceRef {
                    title: format!("運用管理規程 第{}版", i % 5 + 1),
                    file_name: Some(format!("kitei-{i}.pdf")),
                    sha256: Some(format!("{i:064x}")),
                    url: None,
                    effective: "2025-04-01".into(),
                    expiry: Some("2027-03-31".into()),
                }],
            };
            (set.requirement(ix).id.as_str().to_owned(), e)
        })
        .collect()
}

fn benches(c: &mut Criterion) {
    let set = CatalogSet::new(vec![catalog()], vec![]);
    let answers = answers(&set);
    assert_eq!(answers.len(), SECTIONS * ITEMS);
    let derived = derive(&set, &answers).unwrap();
    let input = ExportInput {
        derived: &derived,
        catalog: "bench",
        meta: Meta {
            organization: "ベンチマーク事業者".into(),
            system: "合成システム".into(),
            assessment_id: "bench".into(),
            status: "作成中".into(),
            exported_on: "2025-06-01".into(),
            baseline: None,
        },
        extra: extra(&set),
        lang: Lang::Ja,
        include_derived: true,
    };
    let bytes = sansho_export::xlsx(&input).unwrap();
    eprintln!("{} answers, workbook {} KiB", answers.len(), bytes.len() / 1024);
    c.bench_function("xlsx: 1,000 answers with 実施内容 and evidence", |b| {
        b.iter(|| sansho_export::xlsx(black_box(&input)).unwrap().len())
    });
    c.bench_function("rows: 1,000 answers", |b| b.iter(|| sansho_export::rows(black_box(&input)).len()));
    c.bench_function("csv: 1,000 answers", |b| b.iter(|| sansho_export::csv(black_box(&input)).len()));
    c.bench_function("markdown: 1,000 answers", |b| b.iter(|| sansho_export::markdown(black_box(&input)).len()));
    c.bench_function("json: 1,000 answers", |b| b.iter(|| sansho_export::json(black_box(&input))));
}

criterion_group!(export_benches, benches);
criterion_main!(export_benches);

//! Performance targets of the assessments issue, on the bundled catalogs, for a 1,000-answer
//! assessment. The bundled catalogs have fewer than 1,000 nodes (876), and a requirement is
//! answered once, so the benchmark answers every node of every catalog (mhlw-5, meti-2012,
//! mhlw-3-checklist, … in turn, up to 1,000; headings included, which is more work than
//! answering requirements only), results cycling through implemented / partial / not implemented:
//! - derived results on every bundled catalog: < 5 ms;
//! - gap analysis of every bundled catalog (with derived results): < 5 ms.
//!
//! Run: `cargo bench -p sansho-catalog --bench assess`.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use sansho_catalog::{bundled_sources, load};
use sansho_core::assess::{Answer, GapOptions, ResultCode, derive, gaps};

fn benches(c: &mut Criterion) {
    let set = load(&bundled_sources()).set.expect("bundled catalogs load");
    let order = ["mhlw-5", "meti-2012", "mhlw-3-checklist", "mic-cloud-2018", "meti-mic-2", "mhlw-6", "mhlw-5.2"];
    let results = [ResultCode::Implemented, ResultCode::Partial, ResultCode::NotImplemented];
    let mut seen = std::collections::HashSet::new();
    let answers: Vec<Answer> = order
        .iter()
        .flat_map(|c| set.catalog_nodes(c))
        .chain(set.all_nodes())
        .filter(|&ix| seen.insert(ix))
        .take(1000)
        .enumerate()
        .map(|(i, ix)| Answer::new(set.reference(ix), results[i % 3]).unwrap())
        .collect();
    assert_eq!(answers.len(), set.node_count().min(1000));
    eprintln!("{} answers", answers.len());
    let catalogs: Vec<&str> = set.catalogs().iter().map(|c| c.id.as_str()).collect();
    c.bench_function("derive: every node answered → every bundled catalog", |b| {
        b.iter(|| derive(black_box(&set), black_box(&answers)).unwrap())
    });
    let derived = derive(&set, &answers).unwrap();
    let with = GapOptions { include_derived: true };
    c.bench_function("gap analysis: every bundled catalog, with derived results", |b| {
        b.iter(|| catalogs.iter().map(|id| gaps(black_box(&derived), id, with).unwrap().gaps.len()).sum::<usize>())
    });
    c.bench_function("gap analysis: mhlw-5, with derived results", |b| {
        b.iter(|| gaps(black_box(&derived), "mhlw-5", with).unwrap().gaps.len())
    });
}

criterion_group!(assess_benches, benches);
criterion_main!(assess_benches);

//! Performance targets of the catalogs issue, on the bundled catalogs:
//! - load (parse + validate + index) every bundled catalog and mapping set: < 50 ms;
//! - transitive `show` (related) for every requirement of every catalog: < 5 ms in total;
//! - one search: < 2 ms.
//!
//! Run: `cargo bench -p sansho-catalog --bench catalogs`.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use sansho_catalog::{bundled_sources, load};
use sansho_core::search::SearchIndex;

fn benches(c: &mut Criterion) {
    let sources = bundled_sources();
    c.bench_function("load all bundled catalogs", |b| {
        b.iter(|| {
            let loaded = load(black_box(&sources));
            assert!(!loaded.has_errors());
            loaded
        })
    });
    let set = load(&sources).set.expect("bundled catalogs load");
    let nodes: Vec<_> = set.all_nodes().collect();
    // The traversal `show` runs, for every node of every catalog…
    c.bench_function(&format!("reach (traversal) for all {} nodes", nodes.len()), |b| {
        b.iter(|| nodes.iter().map(|&ix| set.reach_all(black_box(ix)).len()).sum::<usize>())
    });
    // …and with every reached requirement and hop named, as `show --json` prints them.
    c.bench_function(&format!("related (named) for all {} nodes", nodes.len()), |b| {
        b.iter(|| nodes.iter().map(|&ix| set.related(black_box(ix)).len()).sum::<usize>())
    });
    let index = SearchIndex::build(&set);
    c.bench_function("build search index", |b| b.iter(|| SearchIndex::build(black_box(&set))));
    for q in ["バックアップ", "二要素認証", "パスワード", "アクセス 記録"] {
        c.bench_function(&format!("search {q}"), |b| b.iter(|| index.search(black_box(q), None, 20)));
    }
}

criterion_group!(catalog_benches, benches);
criterion_main!(catalog_benches);

//! The checklist reader (workbooks and text) against the bundled catalogs: any bytes under any
//! of its file names give answers or an error, never a panic, an abort or a hang.
#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use sansho_core::CatalogSet;
use sansho_import::checklist::read_checklist;

static SET: LazyLock<CatalogSet> =
    LazyLock::new(|| sansho_catalog::load(&sansho_catalog::bundled_sources()).set.expect("the bundled catalogs load"));

fuzz_target!(|data: &[u8]| {
    let Some((&first, bytes)) = data.split_first() else { return };
    let name = ["f.xlsx", "f.ods", "f.xlsb", "f.csv", "f.tsv", "f.txt", "f.xls"][usize::from(first) % 7];
    let _ = read_checklist(name, bytes, &SET, "mhlw-3-checklist", None);
});

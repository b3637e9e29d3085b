//! `catalog fill`'s reader (CSV, TOML, workbooks) and the filling of a bundled outline: any bytes
//! under any of its kinds give a filled catalog or row errors, never a panic, an abort or a hang;
//! a filled catalog keeps the outline's ids, and every error names a row and speaks both languages.
#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use sansho_core::{Catalog, Lang};
use sansho_import::fill::{Kind, fill_outline};
use sansho_import::workbook::BookReader;

static OUTLINE: LazyLock<Catalog> = LazyLock::new(|| {
    let set = sansho_catalog::load(&sansho_catalog::bundled_sources()).set.expect("the bundled catalogs load");
    set.catalog("meti-mic-2").expect("the bundled outline meti-mic-2").clone()
});

fuzz_target!(|data: &[u8]| {
    let Some((&first, bytes)) = data.split_first() else { return };
    let (kind, name) = [(Kind::Csv, "f.csv"), (Kind::Toml, "f.toml"), (Kind::Workbook, "f.xlsx"), (Kind::Workbook, "f.ods")]
        [usize::from(first) % 4];
    match fill_outline(&BookReader::InProcess, &OUTLINE, kind, name, bytes) {
        Ok(filled) => {
            let ids = |c: &Catalog| c.requirements.iter().map(|r| r.id.clone()).collect::<Vec<_>>();
            assert_eq!(ids(&filled), ids(&OUTLINE), "filling keeps the outline's ids");
        }
        Err(errors) => {
            assert!(!errors.is_empty());
            for e in &errors {
                assert!(!e.message.get(Lang::Ja).is_empty() && !e.message.get(Lang::En).is_empty());
            }
        }
    }
});

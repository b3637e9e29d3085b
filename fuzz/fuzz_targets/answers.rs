//! The readers of outside input that sansho-app adds: an answers file resolved against the bundled
//! catalogs (`sansho check`, an assessment's import) and the web import's confirmation (the
//! reviewed answers a browser sends back as JSON). Any bytes give answers or an error that names
//! the file and speaks both languages, never a panic, an abort or a hang.
#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use sansho_app::import::Reviewed;
use sansho_core::{CatalogSet, Lang};

static SET: LazyLock<CatalogSet> =
    LazyLock::new(|| sansho_catalog::load(&sansho_catalog::bundled_sources()).set.expect("the bundled catalogs load"));

fuzz_target!(|data: &[u8]| {
    let Some((&first, bytes)) = data.split_first() else { return };
    if first % 2 == 0 {
        let catalog = (first % 4 == 0).then_some("mhlw-3-checklist");
        match sansho_app::answers_file::resolve(&SET, "f.toml", bytes, catalog) {
            Ok((catalog, answers)) => {
                assert!(SET.catalog(&catalog).is_some(), "a resolved file names a loaded catalog");
                for a in &answers {
                    assert!(SET.node(a.requirement.catalog.as_str(), a.requirement.local.as_str()).is_some());
                }
            }
            Err(e) => {
                assert!(!e.message(Lang::Ja).is_empty() && !e.message(Lang::En).is_empty());
            }
        }
    } else {
        // The confirmation's JSON: whatever parses is checked again by `import::confirm`.
        let _ = serde_json::from_slice::<Vec<Reviewed>>(bytes);
    }
});

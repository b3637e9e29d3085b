//! Seed 003: a vendor's completed MHLW GL 第3版 最低限のガイドライン遵守チェックリスト.
//! Produces `mhlw-3-checklist` and the mapping set `mhlw-3-checklist--mhlw-5`.

use sansho_core::Catalog;

use crate::{ImportError, Output, Overrides, Seed};

pub fn import(seed: &Seed, _ov: &Overrides, _mhlw5: &Catalog) -> Result<Output, ImportError> {
    Err(ImportError::at(&seed.name, 0, 0, "importer not written yet"))
}

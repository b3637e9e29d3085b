//! `mhlw-6` (MHLW GL 第6.0版) from the sections seed 001 cites and the targets of seed 002's
//! 5.2 → 6.0 migration table; `mhlw-5.2` (the 第5.2版 items 002 shows) and the migration set.

use sansho_core::Catalog;

use crate::{ImportError, Output, Overrides, Seed};

pub fn import(seed002: &Seed, _seed001: &Seed, _ov: &Overrides, _mhlw5: &Catalog) -> Result<Output, ImportError> {
    Err(ImportError::at(&seed002.name, 0, 0, "importer not written yet"))
}

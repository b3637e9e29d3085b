//! Seed 001: the 2026-02 survey report. Produces `meti-mic-2` (2省GL 第2.0版), `cyber-infra`
//! (サイバーインフラGL's 21 requirements) and the mapping set `cyber-infra--meti-mic-2`.

use crate::{ImportError, Output, Overrides, Seed};

pub fn import(seed: &Seed, _ov: &Overrides) -> Result<Output, ImportError> {
    Err(ImportError::at(&seed.name, 0, 0, "importer not written yet"))
}

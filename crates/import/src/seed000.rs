//! Seed 000: the MIC cloud GL draft → MHLW GL → METI GL crosswalk table (with seed 004 for
//! the MIC GL's chapter structure). Produces `mic-cloud-2018`, `mhlw-5`, `meti-2012` and the
//! mapping sets `mic-cloud-2018--mhlw-5` and `mic-cloud-2018--meti-2012`.

use crate::{ImportError, Output, Overrides, Seed};

pub fn import(seed: &Seed, _structure: &Seed, _ov: &Overrides) -> Result<Output, ImportError> {
    Err(ImportError::at(&seed.name, 0, 0, "importer not written yet"))
}

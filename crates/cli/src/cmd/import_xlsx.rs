//! `sansho catalog import-xlsx FILE…`

use anyhow::{Result, bail};

use crate::args::ImportXlsxArgs;

pub fn run(_a: &ImportXlsxArgs) -> Result<()> {
    bail!("import-xlsx is being wired")
}

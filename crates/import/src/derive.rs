//! Mapping sets derived by composing others.

use sansho_core::MappingSet;

use crate::{ImportError, Output};

pub fn mhlw5_meti2012(_out: &Output) -> Result<MappingSet, ImportError> {
    Err(ImportError::at("derive", 0, 0, "not written yet"))
}

//! sansho's use cases, each written once: what a person does with an assessment — open it, start
//! one, move it between 作成中, レビュー中 and 確定, answer a requirement, accept suggestions,
//! import a filled checklist, migrate it to another guideline, add and read evidence, see its
//! coverage, export it.
//!
//! The CLI, the pages and the JSON API are adapters over this crate: they parse what a person
//! typed (ids, dates, words) at their edge, check who may do it (the web's sessions and
//! memberships; the command line's operator holds the database file), call one use case, and
//! render its result or its [`AppError`] — whose [`Class`] the web turns into a status code and
//! whose message is in the person's language.
//!
//! Every use case takes a [`Ctx`]: the loaded catalogs, the store, who acts, and the clock's
//! reading, so the crate itself reads no clock, no environment and no file (a checklist arrives
//! as bytes).

#![warn(missing_docs)]

pub mod answers;
pub mod answers_file;
pub mod assessment;
mod error;
pub mod evidence;
pub mod export;
pub mod import;
pub mod orgs;

use sansho_core::CatalogSet;
pub use sansho_store::Actor;
use sansho_store::{Date, Store, Timestamp};

pub use error::{AppError, Class, Result, store_class};

/// What every use case is given; a use case that writes is also given the [`Actor`] who acts
/// (recorded in every history and audit record it writes).
#[derive(Clone)]
pub struct Ctx<'a> {
    /// The loaded catalogs (bundled and the user's).
    pub set: &'a CatalogSet,
    /// The assessments database.
    pub store: &'a Store,
    /// Now, for the store's timestamps.
    pub now: Timestamp,
    /// Today's date where the people are (the configured time zone): the default effective date
    /// of evidence, and what makes a due date past.
    pub today: Date,
}

/// A date a person typed (`YYYY-MM-DD`), for the field `field`; blank is none.
pub fn parse_date(field: &'static str, typed: Option<&str>) -> Result<Option<Date>> {
    match typed.map(str::trim).filter(|t| !t.is_empty()) {
        None => Ok(None),
        Some(t) => t.parse::<Date>().map(Some).map_err(|_| AppError::BadDate { field, value: t.to_owned() }),
    }
}

/// A trimmed text; `None` when blank.
pub fn blank(s: &str) -> Option<String> {
    Some(s.trim().to_owned()).filter(|x| !x.is_empty())
}

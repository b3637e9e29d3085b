//! Every row of a database file as text, to compare two databases (crash tests, audits of a
//! restore): two files with the same dump hold the same data.

use std::path::Path;

use crate::Result;

/// Every row of every table as `table|quote(col1)|quote(col2)…`, sorted, after the engine's
/// integrity check passes (a failed check is an error). Opens its own connection, read-only.
pub async fn dump_rows(db: &Path) -> Result<Vec<String>> {
    crate::backend::dump_rows(db).await
}

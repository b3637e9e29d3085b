//! Every row of a database file as text, to compare two databases (crash tests, audits of a
//! restore): two files with the same dump hold the same data.

use std::path::Path;

use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions, Connection};

use crate::{Result, StoreError};

/// Every row of every table as `table|quote(col1)|quote(col2)…`, sorted, after SQLite's
/// integrity check passes (a failed check is an error). Opens its own connection, read-only.
pub async fn dump_rows(db: &Path) -> Result<Vec<String>> {
    let mut conn = SqliteConnectOptions::new().filename(db).read_only(true).connect().await?;
    let tables: Vec<(String,)> = sqlx::query_as("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        .fetch_all(&mut conn)
        .await?;
    let mut lines = Vec::new();
    for (table,) in tables {
        let columns: Vec<(String,)> = sqlx::query_as("SELECT name FROM pragma_table_info(?) ORDER BY cid")
            .bind(&table)
            .fetch_all(&mut conn)
            .await?;
        let row = columns.iter().map(|(c,)| format!("quote(\"{c}\")")).collect::<Vec<_>>().join(" || '|' || ");
        let sql = format!("SELECT '{table}|' || {row} FROM \"{table}\" ORDER BY 1");
        let rows: Vec<(String,)> = sqlx::query_as(sqlx::AssertSqlSafe(sql)).fetch_all(&mut conn).await?;
        lines.extend(rows.into_iter().map(|(r,)| r));
    }
    let (check,): (String,) = sqlx::query_as("PRAGMA integrity_check").fetch_one(&mut conn).await?;
    conn.close().await?;
    if check != "ok" {
        return Err(StoreError::BadRow { table: "sqlite_master", column: "integrity_check", value: check });
    }
    Ok(lines)
}

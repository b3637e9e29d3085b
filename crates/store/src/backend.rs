//! The database engine: SQLite. Everything engine-specific in the store is in this module (checked
//! by `tests/invariants.rs`): the names of the engine's types, opening the pool with its settings
//! (WAL, foreign keys, a busy timeout, a private file), the write lock (`BEGIN IMMEDIATE`), and
//! listing tables, columns and rows for [`dump_rows`](crate::dump_rows). The rest of the store
//! writes portable SQL (`$1, $2, …` placeholders) against these aliases, so a second engine
//! (PostgreSQL) is a second module with the same names.

use std::path::{Path, PathBuf};
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{ConnectOptions, Connection};

use crate::{Result, StoreError};

/// The engine, for sqlx's generic types.
pub(crate) type Db = sqlx::Sqlite;
/// A pool of connections to one database.
pub(crate) type Pool = sqlx::Pool<Db>;
/// One connection (inside a transaction or taken from the pool).
pub(crate) type Conn = sqlx::SqliteConnection;
/// A row a query returned.
pub(crate) type Row = sqlx::sqlite::SqliteRow;
/// A transaction on a connection of the pool.
pub(crate) type Tx = sqlx::Transaction<'static, Db>;
/// A connection taken from the pool and given back when dropped.
pub(crate) type PooledConn = sqlx::pool::PoolConnection<Db>;

/// How long a writer waits for another writer's lock before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Opens (creating if needed) the database file at `path`: write-ahead log, full sync, foreign
/// keys on, the busy timeout, the file private to its owner.
pub(crate) async fn open_file(path: &Path) -> Result<Pool> {
    private_files(path)?;
    let options = SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Full)
        .foreign_keys(true)
        .busy_timeout(BUSY_TIMEOUT);
    Ok(SqlitePoolOptions::new().max_connections(4).connect_with(options).await?)
}

/// A private database in memory, on one connection that is never recycled: the database lives as
/// long as it does.
pub(crate) async fn open_in_memory() -> Result<Pool> {
    let options = SqliteConnectOptions::new().in_memory(true).foreign_keys(true).busy_timeout(BUSY_TIMEOUT);
    Ok(SqlitePoolOptions::new()
        .max_connections(1)
        .min_connections(1)
        .idle_timeout(None)
        .max_lifetime(None)
        .connect_with(options)
        .await?)
}

/// A write transaction. `BEGIN IMMEDIATE` takes SQLite's write lock up front, so a transaction
/// that reads before it writes waits on the busy timeout instead of failing half-way.
pub(crate) async fn begin_write(pool: &Pool) -> Result<Tx> {
    Ok(pool.begin_with("BEGIN IMMEDIATE").await?)
}

/// The database file holds TOTP secrets and the audit trail: it is made (or, made before,
/// tightened to) 0600 — readable and writable by its owner only — before SQLite opens it, whatever
/// the umask. SQLite makes its `-wal` and `-shm` files with the database file's permissions; ones
/// left from before are tightened too. Not on Windows (the folder's ACL decides there).
fn private_files(path: &Path) -> Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        let io = |source| StoreError::Io { path: path.to_path_buf(), source };
        if !path.exists() {
            match std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(path) {
                Ok(_) => {}
                // Made by another process meanwhile: tightened below like any existing file.
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
                Err(e) => return Err(io(e)),
            }
        }
        let beside = |suffix: &str| {
            let mut name = path.as_os_str().to_owned();
            name.push(suffix);
            PathBuf::from(name)
        };
        for file in [path.to_path_buf(), beside("-wal"), beside("-shm")] {
            if let Ok(meta) = std::fs::metadata(&file)
                && meta.permissions().mode() & 0o077 != 0
            {
                std::fs::set_permissions(&file, std::fs::Permissions::from_mode(meta.permissions().mode() & 0o700))
                    .map_err(|source| StoreError::Io { path: file.clone(), source })?;
            }
        }
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

/// Every row of every table of the database file at `db` as `table|quote(col1)|quote(col2)…`,
/// sorted, after SQLite's integrity check passes (a failed check is an error). Opens its own
/// connection, read-only.
pub(crate) async fn dump_rows(db: &Path) -> Result<Vec<String>> {
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

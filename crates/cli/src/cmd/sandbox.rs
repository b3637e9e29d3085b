//! `sansho __read-workbook` (hidden): the child side of `sansho_import::sandbox`.
//!
//! sansho re-executes itself with this subcommand to read an untrusted workbook: the bytes come
//! on standard input, the parsed sheets go out as JSON on standard output, and before reading
//! anything the process limits its own memory (`RLIMIT_AS`) and CPU time, so a workbook that
//! makes the reader abort, loop or allocate without end takes down only this child. The parent
//! (`catalog import-xlsx`, `check`, `assessment import`, and the web server for uploads) kills it
//! after its time limit. Not for people: the arguments are the parent's.

use clap::Args;

#[derive(Debug, Args)]
pub struct ReadWorkbookArgs {
    /// The file's name, for messages.
    #[arg(long)]
    pub name: String,
    /// xlsx, xlsb or ods.
    #[arg(long)]
    pub format: String,
    /// The address-space limit, in bytes.
    #[arg(long, default_value_t = 1 << 30)]
    pub memory: u64,
    /// The CPU-time limit, in seconds.
    #[arg(long, default_value_t = 30)]
    pub seconds: u64,
}

/// Runs the child and returns its exit code.
pub fn run(a: &ReadWorkbookArgs) -> u8 {
    // A test hook, as SANSHO_IMPORT_PAUSE_MS is: `alloc` makes this child, once limited, try to
    // take twice its memory limit, so tests can see the limit hold and the parent say so.
    if std::env::var("SANSHO_SANDBOX_SELFTEST").is_ok_and(|v| v == "alloc") {
        if let Err(e) = sansho_import::sandbox::limit_self(a.memory, a.seconds) {
            eprintln!("sansho: cannot limit the workbook reader: {e}");
            return 1;
        }
        let want = usize::try_from(a.memory.saturating_mul(2)).unwrap_or(usize::MAX);
        let block = vec![1u8; want];
        return u8::from(block.iter().all(|b| *b == 1));
    }
    let code = sansho_import::sandbox::child_main(
        &a.name,
        &a.format,
        a.memory,
        a.seconds,
        &mut std::io::stdin().lock(),
        &mut std::io::stdout().lock(),
    );
    u8::try_from(code).unwrap_or(1)
}

/// The workbook reader the CLI uses for every workbook it is given: this program in a child
/// process, with the default limits.
pub fn reader() -> anyhow::Result<sansho_import::workbook::BookReader> {
    Ok(sansho_import::workbook::BookReader::sandbox_self()?)
}

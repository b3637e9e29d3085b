//! Reading an untrusted workbook where a failure cannot take the process down.
//!
//! [`read_book_isolated`] runs a child process — the `sansho` binary itself, re-executed with the
//! hidden subcommand [`CHILD_COMMAND`] — hands it the workbook's bytes on standard input and
//! reads back a [`Book`] as JSON on standard output. The child calls [`child_main`], which first
//! limits its own address space (`RLIMIT_AS`, default 1 GiB) and CPU time, then reads the
//! workbook with [`crate::workbook::read_book`] (pre-checks, `catch_unwind`, bounds). The parent
//! kills the child once the time limit (default 30 s) has passed, reads at most
//! [`Limits::output_bytes`] of its output, and checks the bounds of the [`Book`] it gets back
//! again. Whatever the library does with a hostile file — abort on a failed allocation, loop,
//! crash — the parent gets an [`ImportError`] naming the file, in Japanese and English.
//!
//! This module is the one place in this crate that starts a process; it reads and writes no
//! files (the bytes travel through pipes). The CLI reads every workbook this way and the web
//! server is meant to read uploads this way, passing `std::env::current_exe()` as the program.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use sansho_core::{Msg, ja_en};

use crate::ImportError;
use crate::workbook::{Book, Format, MAX_FILE_BYTES, read_book};

/// The hidden subcommand of the `sansho` binary that runs [`child_main`].
pub const CHILD_COMMAND: &str = "__read-workbook";

/// The limits a child reads a workbook under.
#[derive(Debug, Clone)]
pub struct Limits {
    /// The child's address-space limit (`RLIMIT_AS`), in bytes. Unix only.
    pub memory_bytes: u64,
    /// Wall-clock time before the child is killed (its CPU-time limit is this, rounded up).
    pub time: Duration,
    /// The most output read from the child.
    pub output_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Self { memory_bytes: 1 << 30, time: Duration::from_secs(30), output_bytes: 512 << 20 }
    }
}

/// How to read a workbook: in this process, or in a child process (see the module doc).
#[derive(Debug, Clone)]
pub enum BookReader {
    /// [`read_book`] here: pre-checked and panic-safe, but an unforeseen allocation or loop in
    /// the library would hit this process. For trusted files and tests.
    InProcess,
    /// [`read_book_isolated`] with this program and these limits: for files from outside.
    Sandbox {
        /// The program run as the child: `sansho`, which reads with `__read-workbook`.
        program: PathBuf,
        /// What the child may use: memory, time, output.
        limits: Limits,
    },
}

impl BookReader {
    /// A sandbox running this very program (the `sansho` binary) with the default limits. In a
    /// test binary `current_exe` is the test, which has no `__read-workbook`: tests pass the
    /// `sansho` binary (`env!("CARGO_BIN_EXE_sansho")`) as the program, or read in process.
    pub fn sandbox_self() -> Result<BookReader, ImportError> {
        let program = std::env::current_exe().map_err(|e| {
            ImportError::at(
                "",
                0,
                0,
                ja_en!(
                    "ブックを読むための sansho のプログラムが見つかりません（{e}）",
                    "cannot find the sansho program to read workbooks: {e}"
                ),
            )
        })?;
        Ok(BookReader::Sandbox { program, limits: Limits::default() })
    }

    /// Reads a workbook's sheets as cells, in this process or in the sandbox as chosen.
    pub fn read(&self, file_name: &str, bytes: &[u8], format: Format) -> Result<Book, ImportError> {
        match self {
            BookReader::InProcess => read_book(file_name, bytes, format),
            BookReader::Sandbox { program, limits } => read_book_isolated(program, limits, file_name, bytes, format),
        }
    }
}

/// What the child writes: the book, or the error it found.
#[derive(Debug, Serialize, Deserialize)]
enum ChildOutput {
    Book(Book),
    /// `message` in English, `message_ja` its Japanese (absent when it has none of its own).
    Error {
        file: String,
        line: usize,
        column: usize,
        message: String,
        #[serde(default)]
        message_ja: Option<String>,
    },
}

impl ChildOutput {
    fn error(e: ImportError) -> Self {
        let message_ja = e.message.has_ja().then(|| e.message.ja().to_owned());
        ChildOutput::Error {
            file: e.file,
            line: e.line,
            column: e.column,
            message: e.message.en().to_owned(),
            message_ja,
        }
    }
}

/// Reads a workbook in a child process: `program CHILD_COMMAND --name <file_name> --format
/// <format> --memory <bytes> --seconds <n>`, the bytes on its standard input.
pub fn read_book_isolated(
    program: &Path,
    limits: &Limits,
    file_name: &str,
    bytes: &[u8],
    format: Format,
) -> Result<Book, ImportError> {
    let fail = |msg: Msg| ImportError::at(file_name, 0, 0, msg);
    if bytes.len() > MAX_FILE_BYTES {
        // Refused here as the child would, without starting it.
        return read_book(file_name, bytes, format);
    }
    let seconds = limits.time.as_secs().max(1) + u64::from(limits.time.subsec_nanos() > 0);
    let mut child = Command::new(program)
        .arg(CHILD_COMMAND)
        .arg("--name")
        .arg(file_name)
        .arg("--format")
        .arg(format.as_str())
        .arg("--memory")
        .arg(limits.memory_bytes.to_string())
        .arg("--seconds")
        .arg(seconds.to_string())
        .env("RUST_BACKTRACE", "0")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| {
            let p = program.display();
            fail(ja_en!(
                "ブックを読むプロセスを開始できません（{p}: {e}）",
                "cannot start the workbook reader ({p}): {e}"
            ))
        })?;
    let mut stdin = child.stdin.take().expect("piped");
    let mut stdout = child.stdout.take().expect("piped");
    let mut stderr = child.stderr.take().expect("piped");
    let input = bytes.to_vec();
    let writer = std::thread::spawn(move || {
        // A child that dies early closes the pipe; its exit status tells why.
        let _ = stdin.write_all(&input);
    });
    let out_limit = limits.output_bytes;
    let reader = std::thread::spawn(move || {
        let mut out = Vec::new();
        let _ = (&mut stdout).take(out_limit + 1).read_to_end(&mut out);
        // Keep draining so the child never blocks on a full pipe.
        let _ = std::io::copy(&mut stdout, &mut std::io::sink());
        out
    });
    let err_reader = std::thread::spawn(move || {
        let mut err = Vec::new();
        let _ = (&mut stderr).take(64 << 10).read_to_end(&mut err);
        let _ = std::io::copy(&mut stderr, &mut std::io::sink());
        err
    });
    let deadline = Instant::now() + limits.time;
    let mut timed_out = false;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Some(status),
            Ok(None) if Instant::now() >= deadline => {
                timed_out = true;
                let _ = child.kill();
                break child.wait().ok();
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(5)),
            Err(_) => {
                let _ = child.kill();
                break child.wait().ok();
            }
        }
    };
    let _ = writer.join();
    let out = reader.join().unwrap_or_default();
    let err = err_reader.join().unwrap_or_default();
    let last_words = String::from_utf8_lossy(&err).lines().rev().find(|l| !l.trim().is_empty()).map(str::to_owned);
    let detail = last_words.map(|l| format!(" ({})", l.chars().take(200).collect::<String>())).unwrap_or_default();
    if timed_out {
        return Err(fail(
            format!(
                "reading the workbook took longer than {} s and was stopped: the file is damaged or made to stall \
             readers / ブックの読み込みが {} 秒を超えたため中止しました（ファイルが壊れている可能性があります）",
                limits.time.as_secs(),
                limits.time.as_secs()
            )
            .into(),
        ));
    }
    let success = status.is_some_and(|s| s.success());
    if !success {
        let mib = limits.memory_bytes >> 20;
        return Err(fail(
            format!(
                "the workbook reader stopped abnormally{detail}: the file is damaged, or needs more than the {mib} MiB \
             a workbook may take to read; save it again from Excel as .xlsx, or import it as CSV / ブックの読み込み\
             が異常終了しました（壊れているか、読み込みに {mib} MiB を超えるメモリが必要なファイルです）。Excel で \
             .xlsx として保存し直すか、CSV で取り込んでください"
            )
            .into(),
        ));
    }
    if out.len() as u64 > limits.output_bytes {
        return Err(fail(
            format!(
                "the workbook holds more than {} MiB of cell data, more than a workbook may / セルのデータが多すぎます",
                limits.output_bytes >> 20
            )
            .into(),
        ));
    }
    match serde_json::from_slice::<ChildOutput>(&out) {
        Ok(ChildOutput::Book(book)) => {
            book.check(file_name)?;
            if book.format != format {
                return Err(fail(Msg::new(
                    "内部エラー: ブックを読むプロセスが別の形式について答えました",
                    "internal error: the workbook reader answered for another format",
                )));
            }
            Ok(book)
        }
        Ok(ChildOutput::Error { file, line, column, message, message_ja }) => {
            let message = match message_ja {
                Some(ja) => Msg::new(ja, message),
                None => Msg::en_only(message),
            };
            Err(ImportError { file, line, column, message })
        }
        Err(e) => Err(fail(ja_en!(
            "内部エラー: ブックを読むプロセスの答えが読めません（{e}{detail}）",
            "internal error: the workbook reader's answer is not readable: {e}{detail}"
        ))),
    }
}

/// The child's side: limits itself, reads the workbook from `input` (at most
/// [`MAX_FILE_BYTES`]), writes a [`ChildOutput`] as JSON to `output`. Returns the exit code: 0
/// when it wrote an answer (a book or an error), 1 when it could not.
pub fn child_main(
    file_name: &str,
    format: &str,
    memory_bytes: u64,
    seconds: u64,
    input: &mut impl Read,
    output: &mut impl Write,
) -> i32 {
    if let Err(e) = limit_self(memory_bytes, seconds) {
        eprintln!("sansho: cannot limit the workbook reader: {e}");
        return 1;
    }
    let answer = match Format::from_name(&format!("x.{format}")) {
        None => ChildOutput::error(ImportError::at(
            file_name,
            0,
            0,
            ja_en!("不明なブックの形式 {format:?}", "unknown workbook format {format:?}"),
        )),
        Some(format) => {
            let mut bytes = Vec::new();
            match input.take(MAX_FILE_BYTES as u64 + 1).read_to_end(&mut bytes) {
                Err(e) => {
                    eprintln!("sansho: cannot read the workbook from standard input: {e}");
                    return 1;
                }
                Ok(_) => match read_book(file_name, &bytes, format) {
                    Ok(book) => ChildOutput::Book(book),
                    Err(e) => ChildOutput::error(e),
                },
            }
        }
    };
    match serde_json::to_writer(&mut *output, &answer).map_err(std::io::Error::other).and_then(|()| output.flush()) {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("sansho: cannot write the workbook: {e}");
            1
        }
    }
}

/// Limits this process's address space to `memory_bytes` and its CPU time to `seconds` (Unix;
/// elsewhere nothing is limited and the parent's clock alone holds).
#[cfg(unix)]
pub fn limit_self(memory_bytes: u64, seconds: u64) -> std::io::Result<()> {
    rlimit::setrlimit(rlimit::Resource::AS, memory_bytes, memory_bytes)?;
    // CPU seconds as a backstop to the parent's clock: SIGXCPU at the soft limit, SIGKILL at the hard.
    rlimit::setrlimit(rlimit::Resource::CPU, seconds, seconds + 1)?;
    Ok(())
}

#[cfg(not(unix))]
pub fn limit_self(_memory_bytes: u64, _seconds: u64) -> std::io::Result<()> {
    // No rlimit here: the parent's clock still holds, and the pre-checks bound what is allocated.
    Ok(())
}

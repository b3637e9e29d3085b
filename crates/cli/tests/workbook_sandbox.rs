//! Every workbook the CLI is given is read in a sandboxed child process (`sansho
//! __read-workbook`, see `sansho_import::sandbox`): a hostile workbook ends in a clear error,
//! within bounded time and memory, and writes nothing; a child that runs out of memory, hangs,
//! crashes or answers garbage is contained and reported.

#![cfg(unix)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use rust_xlsxwriter::Workbook;
use sansho_import::sandbox::{Limits, read_book_isolated};
use sansho_import::workbook::Format;

fn sansho_in(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_sansho"));
    c.current_dir(dir)
        .args(args)
        .env_remove("SANSHO_CATALOGS")
        .env_remove("SANSHO_CONFIG")
        .env_remove("SANSHO_LANG")
        .env_remove("SANSHO_SANDBOX_SELFTEST");
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().expect("run sansho")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A checklist header and one item, and a cell at `(row, col)` far away (0-based).
fn far_workbook(row: u32, col: u16) -> Vec<u8> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    for (c, h) in ["No.", "チェック項目", "実施状況"].iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    ws.write_string(1, 0, "1").unwrap();
    ws.write_string(1, 1, "責任者を置く").unwrap();
    ws.write_string(1, 2, "実施済").unwrap();
    ws.write_string(row, col, "x").unwrap();
    wb.save_to_buffer().unwrap()
}

#[test]
fn a_far_cell_is_refused_by_every_command_that_reads_a_workbook() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("far.xlsx"), far_workbook(1_048_575, 16_383)).unwrap();
    let start = Instant::now();
    let o = sansho_in(tmp.path(), &["catalog", "import-xlsx", "far.xlsx", "--id", "far", "--out", "out/far.toml"], &[]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("far.xlsx#Sheet1:1048576:16384: cell XFD1048576 is far from the rest"),
        "{}",
        stderr(&o)
    );
    assert!(!tmp.path().join("out").exists());
    let o = sansho_in(tmp.path(), &["check", "far.xlsx", "--catalog", "mhlw-3-checklist"], &[]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("far.xlsx#Sheet1:1048576:16384: cell XFD1048576"), "{}", stderr(&o));
    assert!(start.elapsed() < Duration::from_secs(30), "{:?}", start.elapsed());
}

#[test]
fn a_legacy_xls_is_refused_in_both_languages() {
    let tmp = tempfile::tempdir().unwrap();
    let mut xls = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    xls.extend([0u8; 5600]);
    std::fs::write(tmp.path().join("old.xls"), &xls).unwrap();
    let o = sansho_in(tmp.path(), &["check", "old.xls", "--catalog", "mhlw-3-checklist"], &[]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let e = stderr(&o);
    assert!(e.contains("old.xls: 旧形式の Excel ブック（.xls"), "{e}");
    assert!(e.contains("save it as .xlsx"), "{e}");
}

#[test]
fn a_child_that_exceeds_its_memory_limit_is_reported_not_fatal() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("ok.xlsx"), far_workbook(3, 0)).unwrap();
    // The child, once limited to 1 GiB, tries to take 2 GiB: the allocation fails, the child
    // aborts, and the command reports it.
    let o = sansho_in(
        tmp.path(),
        &["check", "ok.xlsx", "--catalog", "mhlw-3-checklist"],
        &[("SANSHO_SANDBOX_SELFTEST", "alloc")],
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let e = stderr(&o);
    assert!(e.contains("ok.xlsx: the workbook reader stopped abnormally"), "{e}");
    assert!(e.contains("1024 MiB"), "{e}");
    assert!(e.contains("異常終了"), "{e}");
}

/// A stand-in for the child: a shell script doing `body`.
fn script(dir: &Path, name: &str, body: &str) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let path = dir.join(name);
    std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path
}

#[test]
fn a_child_that_hangs_crashes_or_babbles_is_contained() {
    let tmp = tempfile::tempdir().unwrap();
    let hang = script(tmp.path(), "hang", "cat > /dev/null; exec sleep 60");
    let crash = script(
        tmp.path(),
        "crash",
        "cat > /dev/null; echo 'memory allocation of 549755813888 bytes failed' >&2; kill -ABRT $$",
    );
    let babble = script(tmp.path(), "babble", "cat > /dev/null; echo '{\"Book\": 42}'");
    let flood = script(tmp.path(), "flood", "cat > /dev/null; exec yes");
    let bytes = far_workbook(3, 0);
    let limits = Limits { time: Duration::from_secs(2), output_bytes: 1 << 20, ..Limits::default() };

    let start = Instant::now();
    let e = read_book_isolated(&hang, &limits, "slow.xlsx", &bytes, Format::Xlsx).unwrap_err();
    assert!(start.elapsed() < Duration::from_secs(10), "{:?}", start.elapsed());
    assert_eq!(e.file, "slow.xlsx");
    assert!(e.message.contains("took longer than 2 s and was stopped"), "{e}");
    assert!(e.message.contains("2 秒を超えたため中止"), "{e}");

    let e = read_book_isolated(&crash, &limits, "crash.xlsx", &bytes, Format::Xlsx).unwrap_err();
    assert!(e.message.contains("stopped abnormally (memory allocation of 549755813888 bytes failed)"), "{e}");

    let e = read_book_isolated(&babble, &limits, "babble.xlsx", &bytes, Format::Xlsx).unwrap_err();
    assert!(e.message.contains("the workbook reader's answer is not readable"), "{e}");

    let start = Instant::now();
    let e = read_book_isolated(&flood, &limits, "flood.xlsx", &bytes, Format::Xlsx).unwrap_err();
    assert!(start.elapsed() < Duration::from_secs(10), "{:?}", start.elapsed());
    assert!(e.message.contains("took longer") || e.message.contains("more than 1 MiB of cell data"), "{e}");

    // The real child reads the real workbook.
    let book = read_book_isolated(
        Path::new(env!("CARGO_BIN_EXE_sansho")),
        &Limits::default(),
        "ok.xlsx",
        &bytes,
        Format::Xlsx,
    )
    .unwrap();
    assert_eq!(book.sheets.len(), 1);
    assert_eq!(book.sheets[0].cells.len(), 7);
}

//! The domain core does no IO (ARCHITECTURE.md): no file of `src/` names a module or crate that
//! reaches files, the network, processes, the environment, the clock or threads. Reads the source
//! text, so a new `use std::fs` (or `std::{fs, …}`, or a full path in an expression) fails here.

use std::path::{Path, PathBuf};

/// Paths whose use is IO. `std::io` covers `Read`/`Write` on files and standard streams.
const FORBIDDEN_STD: &[&str] = &["fs", "net", "process", "io", "env", "thread", "time"];
/// Crates that do IO (or read the clock or a random source).
const FORBIDDEN_CRATES: &[&str] = &["tokio", "sqlx", "reqwest", "getrandom", "rand", "chrono", "uuid"];
/// Macros that write to the standard streams.
const FORBIDDEN_MACROS: &[&str] = &["println!", "eprintln!", "print!", "eprint!", "dbg!"];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Every IO path, crate or macro named in `code`, as `what` strings.
fn io_uses(code: &str) -> Vec<String> {
    let mut found = Vec::new();
    let ident = |c: char| c.is_alphanumeric() || c == '_';
    // `std::fs…`, and each name in `std::{fs, io::Read, …}`.
    for (at, _) in code.match_indices("std::") {
        if at > 0 && code[..at].ends_with(ident) {
            continue;
        }
        let rest = &code[at + 5..];
        let names: Vec<&str> = if let Some(group) = rest.strip_prefix('{') {
            let end = group.find('}').unwrap_or(group.len());
            group[..end].split(',').map(str::trim).collect()
        } else {
            vec![rest]
        };
        for name in names {
            let head: String = name.chars().take_while(|&c| ident(c)).collect();
            if FORBIDDEN_STD.contains(&head.as_str()) {
                found.push(format!("std::{head}"));
            }
        }
    }
    for krate in FORBIDDEN_CRATES {
        for (at, _) in code.match_indices(&format!("{krate}::")) {
            if at == 0 || !code[..at].ends_with(ident) && !code[..at].ends_with("::") {
                found.push(format!("{krate}::"));
            }
        }
    }
    for mac in FORBIDDEN_MACROS {
        for (at, _) in code.match_indices(mac) {
            if at == 0 || !code[..at].ends_with(ident) {
                found.push((*mac).to_owned());
            }
        }
    }
    found
}

/// Drops `//` comments (doc comments may well speak of files and clocks).
fn without_comments(source: &str) -> String {
    source
        .lines()
        .map(|line| match line.find("//") {
            Some(at) if !line[..at].contains('"') => &line[..at],
            _ => line,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn the_core_does_no_io() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    assert!(files.len() > 5, "the core's sources are found ({})", files.len());
    let mut offences = Vec::new();
    for file in files {
        let code = without_comments(&std::fs::read_to_string(&file).unwrap());
        for what in io_uses(&code) {
            offences.push(format!("{}: {what}", file.strip_prefix(&src).unwrap().display()));
        }
    }
    assert!(offences.is_empty(), "crates/core/src does IO:\n{}", offences.join("\n"));
}

#[test]
fn the_scan_sees_every_form_of_io() {
    for code in [
        "use std::fs;",
        "use std::{collections::BTreeMap, fs::File};",
        "let f = std::fs::read(p);",
        "use std::io::Write;",
        "std::process::Command::new(x)",
        "use std::{\n    net::TcpStream,\n};",
        "tokio::spawn(x)",
        "let c = sqlx::query(q);",
        "println!(\"x\")",
        "let t = std::time::SystemTime::now();",
    ] {
        assert!(!io_uses(code).is_empty(), "not caught: {code}");
    }
    for code in ["use std::collections::BTreeMap;", "use std::fmt::Write;", "my_tokio::x()", "format!(\"{x}\")"] {
        assert!(io_uses(code).is_empty(), "wrongly caught: {code}: {:?}", io_uses(code));
    }
}

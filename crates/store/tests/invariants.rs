//! The store's invariants that can be read off its source (ARCHITECTURE.md, "store"):
//! - the database engine is named only in `src/backend.rs`: no other file says `sqlite` (in code
//!   or comments), runs a `PRAGMA` or takes the write lock with `BEGIN IMMEDIATE`, so a second
//!   engine is a second backend module;
//! - the store reads no clock.

use std::path::{Path, PathBuf};

fn sources() -> Vec<(String, String)> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&src)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "rs"))
        .collect();
    files.sort();
    assert!(files.len() > 10, "the store's sources are found ({})", files.len());
    assert!(files.iter().all(|p| p.is_file()), "src/ has no sub-modules in folders; scan them too if it gets some");
    files
        .into_iter()
        .map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), std::fs::read_to_string(&p).unwrap()))
        .collect()
}

/// `(file, line number, line)` for every line of the store's sources, outside `except`, that
/// contains one of `words` (compared in lower case).
fn lines_naming(words: &[&str], except: &[&str]) -> Vec<String> {
    let mut found = Vec::new();
    for (file, text) in sources() {
        if except.contains(&file.as_str()) {
            continue;
        }
        for (n, line) in text.lines().enumerate() {
            let lower = line.to_lowercase();
            if words.iter().any(|w| lower.contains(&w.to_lowercase())) {
                found.push(format!("src/{file}:{}: {}", n + 1, line.trim()));
            }
        }
    }
    found
}

#[test]
fn only_the_backend_module_names_the_database_engine() {
    let found = lines_naming(&["sqlite", "pragma", "begin immediate"], &["backend.rs"]);
    assert!(found.is_empty(), "engine-specific code outside src/backend.rs:\n{}", found.join("\n"));
    // And the backend really is where the engine is.
    let backend = sources().into_iter().find(|(f, _)| f == "backend.rs").expect("src/backend.rs").1;
    assert!(backend.contains("sqlx::Sqlite") && backend.contains("BEGIN IMMEDIATE"));
}

#[test]
fn the_store_reads_no_clock() {
    let found = lines_naming(&["SystemTime", "Instant::now", "Utc::now", "Local::now", "chrono::"], &[]);
    assert!(found.is_empty(), "the store reads a clock:\n{}", found.join("\n"));
}

//! The store's invariants that can be read off its source (ARCHITECTURE.md, "store"):
//! - the database engine is named only in `src/backend.rs`: no other file says `sqlite` (in code
//!   or comments), runs a `PRAGMA` or takes the write lock with `BEGIN IMMEDIATE`, so a second
//!   engine is a second backend module;
//! - the store reads no clock, and no random source but `RandomIds` (`src/types.rs`), an id
//!   source the caller chooses: the programs pass it to `Store::open_with_ids`; inside the store
//!   only the test shorthands `Store::open` and `Store::open_in_memory` install it.

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

/// Lines of `text` outside comments, numbered from 1.
fn code_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.lines().enumerate().map(|(n, l)| (n + 1, l)).filter(|(_, l)| !l.trim_start().starts_with("//"))
}

#[test]
fn the_only_random_source_is_the_id_source_the_caller_chooses() {
    let found = lines_naming(&["new_v4", "getrandom", "rand::", "thread_rng", "OsRng", "uuid::Builder"], &[]);
    assert_eq!(found.len(), 1, "one random source, RandomIds:\n{}", found.join("\n"));
    assert!(found[0].starts_with("src/types.rs:"), "{}", found[0]);
    // Which functions install it: only the two test shorthands.
    let mut installers = Vec::new();
    for (file, text) in sources() {
        if file == "types.rs" {
            continue;
        }
        let (mut function, mut in_use) = (String::new(), false);
        for (n, line) in code_lines(&text) {
            let trimmed = line.trim_start();
            if trimmed.starts_with("use ") || trimmed.starts_with("pub use ") {
                in_use = true;
            }
            if in_use {
                in_use = !line.trim_end().ends_with(';');
                continue;
            }
            if let Some(at) = line.find("fn ") {
                function = line[at + 3..].chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
            }
            if line.contains("RandomIds") {
                installers.push(format!("src/{file}:{n}: fn {function}"));
            }
        }
    }
    let names: Vec<_> = installers.iter().map(|l| l.rsplit(": ").next().unwrap()).collect();
    assert_eq!(names, ["fn open", "fn open_in_memory"], "who installs RandomIds:\n{}", installers.join("\n"));
}

//! Only `sansho catalog build` uses the seed importers: no library crate of the workspace (the
//! web server, the store, the importers of users' files …) depends on `sansho-seeds`, so nothing
//! the server needs at run time pulls them in. The CLI binary (package `sansho`) is the one
//! dependent, for `crates/cli/src/cmd/build.rs`.

use std::path::Path;

#[test]
fn only_the_cli_depends_on_the_seed_importers() {
    let crates = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut checked = 0;
    let mut dependents = Vec::new();
    for entry in std::fs::read_dir(&crates).unwrap() {
        let manifest = entry.unwrap().path().join("Cargo.toml");
        let Ok(text) = std::fs::read_to_string(&manifest) else { continue };
        let doc: toml::Table = text.parse().unwrap_or_else(|e| panic!("{}: {e}", manifest.display()));
        let name = doc["package"]["name"].as_str().unwrap().to_owned();
        checked += 1;
        let mut tables: Vec<&toml::Table> = doc.get("dependencies").and_then(|d| d.as_table()).into_iter().collect();
        if let Some(targets) = doc.get("target").and_then(|t| t.as_table()) {
            for t in targets.values() {
                tables.extend(t.get("dependencies").and_then(|d| d.as_table()));
            }
        }
        if tables.iter().any(|t| t.contains_key("sansho-seeds")) {
            dependents.push(name);
        }
    }
    dependents.sort();
    assert!(checked >= 9, "only {checked} crates found under {}", crates.display());
    assert_eq!(dependents, ["sansho"], "crates that depend on sansho-seeds");
}

//! Writes the exports of the bundled sample (the vendor's completed 第3版 checklist,
//! `samples/vendor-003.answers.toml`) to a directory, for looking at them as a user does
//! (`scripts/render.sh` turns the workbooks into PDF and PNG pages).
//!
//! Run: `cargo run -p sansho-export --example sample -- /tmp/sansho-export`

#[path = "../tests/common/mod.rs"]
mod common;

use sansho_core::assess::derive;
use sansho_export::Lang;

fn main() {
    let dir = std::path::PathBuf::from(std::env::args().nth(1).unwrap_or_else(|| "/tmp/sansho-export".into()));
    std::fs::create_dir_all(&dir).expect("create the output directory");
    let set = common::bundled();
    let answers = common::sample_answers(&set);
    let derived = derive(&set, &answers).expect("the sample derives");
    for (catalog, lang, with) in
        [("mhlw-3-checklist", Lang::Ja, false), ("mhlw-3-checklist", Lang::En, false), ("mhlw-5", Lang::Ja, true)]
    {
        let input = common::input(&derived, catalog, lang, with);
        let stem = format!("{catalog}-{}", if lang == Lang::Ja { "ja" } else { "en" });
        let write = |ext: &str, bytes: &[u8]| {
            let path = dir.join(format!("{stem}.{ext}"));
            std::fs::write(&path, bytes).expect("write the export");
            println!("{}", path.display());
        };
        write("xlsx", &sansho_export::xlsx(&input).expect("the workbook"));
        write("md", sansho_export::markdown(&input).as_bytes());
        write("csv", sansho_export::csv(&input).as_bytes());
        write("json", serde_json::to_string_pretty(&sansho_export::json(&input)).unwrap().as_bytes());
    }
}

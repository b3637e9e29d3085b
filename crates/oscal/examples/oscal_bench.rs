//! The benchmark's Rust side (`bench/oscal.py` runs it): reads an OSCAL file and times, in this
//! process, either sansho's import (parse, validate, convert to a sansho catalog) or a bare
//! `serde_json` parse of the same bytes into a `Value` (the practical limit), `N` times.
//! Prints one line per run: `ms <milliseconds>`, then `counts …` for the sansho import.
//!
//! cargo run --release -p sansho-oscal --example oscal_bench -- sansho|bare FILE [N]

use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (Some(mode), Some(file)) = (args.get(1), args.get(2)) else {
        eprintln!("usage: oscal_bench sansho|bare FILE [N]");
        std::process::exit(2);
    };
    let n: usize = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(1);
    let id = sansho_core::CatalogId::parse("bench").expect("a valid id");
    for _ in 0..n {
        let start = Instant::now();
        let bytes = std::fs::read(file).expect("the file reads");
        match mode.as_str() {
            "sansho" => {
                let imported = sansho_oscal::import_catalog(&bytes, id.clone(), file).unwrap_or_else(|e| {
                    eprintln!("{file}: {e}");
                    std::process::exit(1);
                });
                let ms = start.elapsed().as_secs_f64() * 1e3;
                println!("ms {ms:.3}");
                let c = imported.counts;
                println!(
                    "counts controls={} enhancements={} parts={} params={}",
                    c.controls, c.enhancements, c.parts, c.params
                );
                std::hint::black_box(imported);
            }
            "typed" => {
                let v: sansho_oscal::types::Document = serde_json::from_slice(&bytes).expect("JSON");
                let ms = start.elapsed().as_secs_f64() * 1e3;
                println!("ms {ms:.3}");
                std::hint::black_box(v);
            }
            "sha" => {
                use sha2::Digest;
                let v = sha2::Sha256::digest(&bytes);
                let ms = start.elapsed().as_secs_f64() * 1e3;
                println!("ms {ms:.3}");
                std::hint::black_box(v);
            }
            "bare" => {
                let v: serde_json::Value = serde_json::from_slice(&bytes).expect("JSON");
                let ms = start.elapsed().as_secs_f64() * 1e3;
                println!("ms {ms:.3}");
                std::hint::black_box(v);
            }
            other => {
                eprintln!("unknown mode {other}");
                std::process::exit(2);
            }
        }
    }
}

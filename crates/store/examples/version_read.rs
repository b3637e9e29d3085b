//! What one read of the store's version costs, taken from the pool each time or on a kept
//! connection (`Store::version_reader`): the web server reads it back to back under load, which
//! is why its version gate keeps a connection. CPU time is the whole process's (the pool's and
//! SQLite's worker threads included), from /proc/self/stat; Linux only.
//!
//!     cargo run --release -p sansho-store --example version_read [READS]

use std::time::Instant;

/// User + system CPU seconds of this process so far.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").expect("Linux /proc");
    let fields: Vec<&str> = stat.rsplit(')').next().unwrap_or_default().split_whitespace().collect();
    let ticks = |i: usize| fields.get(i).and_then(|f| f.parse::<f64>().ok()).unwrap_or(0.0);
    (ticks(11) + ticks(12)) / 100.0
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let reads: u32 = std::env::args().nth(1).map_or(Ok(20_000), |a| a.parse())?;
    let dir = tempfile::tempdir()?;
    let store = sansho_store::Store::open(dir.path().join("sansho.db")).await?;
    let report = |what: &str, wall: f64, cpu: f64| {
        let per = |s: f64| s / f64::from(reads) * 1e6;
        println!("{what:<16} {:6.1} µs wall, {:6.1} µs CPU per read", per(wall), per(cpu));
    };
    for _ in 0..2 {
        let (t, c) = (Instant::now(), cpu_seconds());
        for _ in 0..reads {
            store.audit_seq().await?;
        }
        report("from the pool", t.elapsed().as_secs_f64(), cpu_seconds() - c);
        let (t, c) = (Instant::now(), cpu_seconds());
        let mut reader = store.version_reader().await?;
        for _ in 0..reads {
            reader.audit_seq().await?;
        }
        report("kept connection", t.elapsed().as_secs_f64(), cpu_seconds() - c);
    }
    Ok(())
}

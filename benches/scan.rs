//! Scanning throughput over the benign corpus (`cargo bench`): packages/s, MB/s and peak
//! memory. A benchmark, not a test: it asserts nothing and prints what it measured.
//! `MALPI_BENCH_DIR` points it elsewhere; `MALPI_BENCH_JOBS` sets the thread count.

use std::path::PathBuf;
use std::time::Instant;

use rayon::prelude::*;

// The same allocator as the malpi binary, so that the figures are the binary's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let dir = std::env::var_os("MALPI_BENCH_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/benign")
        });
    let Ok(mut inputs) = malpi_scan::discover(std::slice::from_ref(&dir)) else {
        eprintln!("bench: {} not found; nothing measured", dir.display());
        return;
    };
    let jobs = std::env::var("MALPI_BENCH_JOBS")
        .ok()
        .and_then(|j| j.parse().ok())
        .unwrap_or(0);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs)
        .stack_size(256 << 20)
        .build()
        .unwrap();
    // Largest first, as `malpi scan` schedules: a big package last would run on one core.
    inputs.sort_by_cached_key(|p| std::cmp::Reverse(std::fs::metadata(p).map_or(0, |m| m.len())));
    let bytes: u64 = inputs
        .iter()
        .filter_map(|p| std::fs::metadata(p).ok())
        .map(|m| m.len())
        .sum();
    let opts = malpi_scan::ScanOptions::default();
    for round in 1..=3 {
        let start = Instant::now();
        let findings: usize = pool.install(|| {
            inputs
                .par_iter()
                .with_max_len(1)
                .map(|p| malpi_scan::scan_path(p, &opts).findings.len())
                .sum()
        });
        let secs = start.elapsed().as_secs_f64();
        println!(
            "round {round}: {} packages in {secs:.2} s: {:.1} packages/s, {:.1} MB/s, {findings} findings, {} threads",
            inputs.len(),
            inputs.len() as f64 / secs,
            bytes as f64 / 1e6 / secs,
            pool.current_num_threads()
        );
    }
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    if let Some(hwm) = status.lines().find(|l| l.starts_with("VmHWM:")) {
        println!("peak memory: {}", hwm.trim_start_matches("VmHWM:").trim());
    }
}

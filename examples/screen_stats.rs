//! How much of a folder of .py files the parse screen and pruning leave out, and the time
//! analysis takes with and without them: `cargo run --release --example screen_stats -- DIR`.
use std::time::Instant;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let dir = std::env::args().nth(1).expect("usage: screen_stats DIR");
    let files: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
        .expect("readable folder")
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "py"))
        .map(|p| (p.display().to_string(), std::fs::read(&p).unwrap()))
        .collect();
    let mb = files.iter().map(|(_, b)| b.len()).sum::<usize>() as f64 / 1e6;
    let role = malpi_python::FileRole::Module;
    let t = Instant::now();
    for (p, b) in &files {
        std::hint::black_box(malpi_python::analyze(p, b, role));
    }
    let whole = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let (mut screened, mut pruned) = (0, 0);
    for (p, b) in &files {
        let f = malpi_python::analyze_screened(p, b, role, malpi_rules::screen::hits);
        screened += usize::from(f.status == malpi_python::ParseStatus::Screened);
        pruned += usize::from(f.pruned);
    }
    let cut = t.elapsed().as_secs_f64();
    println!(
        "{} files, {mb:.1} MB: whole {whole:.2} s ({:.1} MB/s); screened+pruned {cut:.2} s ({:.1} MB/s); {screened} screened, {pruned} pruned",
        files.len(),
        mb / whole,
        mb / cut
    );
}

//! Parser and analyser throughput over a folder of .py files:
//! `cargo run --release -p malpi-python --example throughput -- DIR`.
use std::time::Instant;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let dir = std::env::args().nth(1).expect("usage: throughput DIR");
    let files: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
        .expect("readable folder")
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "py"))
        .map(|p| (p.display().to_string(), std::fs::read(&p).unwrap()))
        .collect();
    let bytes: usize = files.iter().map(|(_, b)| b.len()).sum();
    let mb = bytes as f64 / 1e6;

    let t = Instant::now();
    let mut n = 0usize;
    let parse_files = if std::env::var_os("SKIP_PARSE").is_some() {
        &files[..0]
    } else {
        &files[..]
    };
    for (_, b) in parse_files {
        let text = String::from_utf8_lossy(b);
        let parsed = ruff_python_parser::parse_unchecked_source(
            &text,
            ruff_python_ast::PySourceType::Python,
        );
        n += parsed.errors().len();
    }
    let s = t.elapsed().as_secs_f64();
    println!(
        "parse only: {} files, {mb:.1} MB, {s:.2} s, {:.1} MB/s ({n} errors)",
        files.len(),
        mb / s
    );

    let t = Instant::now();
    let (mut calls, mut strings, mut refs, mut args) = (0usize, 0usize, 0usize, 0usize);
    for (p, b) in &files {
        let f = malpi_python::analyze(p, b, malpi_python::FileRole::Module);
        calls += f.calls.len();
        strings += f.strings.len();
        refs += f.refs.len();
        args += f
            .calls
            .iter()
            .map(|c| c.args.len() + c.keywords.len())
            .sum::<usize>();
    }
    let facts = format!("{calls} calls with {args} arguments, {strings} strings, {refs} refs");
    let s = t.elapsed().as_secs_f64();
    println!("analyze:    {s:.2} s, {:.1} MB/s ({facts} facts)", mb / s);
}

//! malpi: find, explain and track malicious code in PyPI packages.
//!
//! The binary is a thin shell: each subcommand parses its flags and calls the library crates.

mod cli;

use std::process::ExitCode;

use clap::Parser;

// The analysis allocates many small, short-lived facts; mimalloc measured 1.4x faster than
// the system allocator on the benign corpus (parsing alone 43 -> 73 MB/s).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let args = cli::Cli::parse();
    match cli::run(args) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("malpi: error: {e:#}");
            ExitCode::from(cli::EXIT_USAGE)
        }
    }
}

//! `malpi facts FILE.py`: what the analysis sees in one Python file (resolved calls, strings
//! with folded ones marked, imports, code run from strings). For rule writers.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::Args;

#[derive(Args)]
pub struct FactsArgs {
    /// A Python file.
    file: PathBuf,
    /// Analyse it as setup.py (install time) rather than as a module.
    #[arg(long)]
    setup: bool,
}

pub fn run(args: FactsArgs) -> anyhow::Result<ExitCode> {
    let bytes = std::fs::read(&args.file)
        .with_context(|| format!("cannot read {}", args.file.display()))?;
    let role = if args.setup {
        malpi_python::FileRole::SetupPy
    } else {
        malpi_python::FileRole::Module
    };
    let facts = malpi_python::analyze(&args.file.display().to_string(), &bytes, role);
    println!("status: {:?}", facts.status);
    for i in &facts.imports {
        println!(
            "import  {:>5} {:<8} {}",
            i.span.line,
            trigger(i.trigger),
            i.module
        );
    }
    for c in &facts.calls {
        println!(
            "call    {:>5} {:<8} {}",
            c.span.line,
            trigger(c.trigger),
            c.name
        );
    }
    for s in &facts.strings {
        let mark = if s.folded { "folded " } else { "string " };
        println!(
            "{mark} {:>5} {:<8} {:?}",
            s.span.line,
            trigger(s.trigger),
            malpi_python::cut(&s.value, 160)
        );
    }
    for e in &facts.embedded {
        println!(
            "code    {:>5} {:<8} {} bytes {} from a string (layer {}): {}",
            e.span.line,
            trigger(e.trigger),
            e.size,
            if e.written { "written out" } else { "run" },
            e.depth,
            e.first_line
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn trigger(t: malpi_python::Trigger) -> &'static str {
    match t {
        malpi_python::Trigger::Install => "install",
        malpi_python::Trigger::Import => "import",
        malpi_python::Trigger::Runtime => "runtime",
    }
}

//! `malpi facts FILE.py`: what the analysis sees in one Python file (resolved calls, strings
//! with folded ones marked, imports, code run from strings). For rule writers.

use std::process::ExitCode;

use clap::Args;

#[derive(Args)]
pub struct FactsArgs {
    #[command(flatten)]
    file: super::PythonFileArgs,
}

pub fn run(args: FactsArgs) -> anyhow::Result<ExitCode> {
    let facts = args.file.analyze()?;
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
    for p in &facts.platform_checks {
        println!("platform {:>5} {}", p.span.line, p.platform.as_str());
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

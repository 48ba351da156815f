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
    for f in &facts.flows {
        println!(
            "flow    {:>5} {:<8} {} {} ← {} to {}",
            f.span.line,
            trigger(f.trigger),
            f.sink.as_str(),
            f.call,
            sources(&f.data.atoms),
            destination(&f.destination),
        );
    }
    for r in &facts.returns {
        println!("return  {:>5} {}", r.span.line, sources(&r.taint.atoms));
    }
    for p in &facts.passes {
        let args: Vec<String> = p
            .args
            .iter()
            .map(|(at, t)| format!("{at:?}: {}", sources(&t.atoms)))
            .collect();
        println!(
            "pass    {:>5} {} ({})",
            p.span.line,
            p.callee,
            args.join("; ")
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn sources(atoms: &[malpi_python::Atom]) -> String {
    let parts: Vec<String> = atoms
        .iter()
        .map(|a| format!("{:?}@{}", a.source, a.line))
        .collect();
    parts.join(", ")
}

fn destination(d: &malpi_python::Destination) -> String {
    match (&d.text, d.literal) {
        (Some(t), true) => format!("`{}` (written)", malpi_python::cut(t, 80)),
        (t, _) if !d.chosen_by.is_empty() => format!(
            "{} chosen by {}",
            t.as_deref().unwrap_or("?"),
            sources(&d.chosen_by)
        ),
        (Some(t), false) => format!("`{}`", malpi_python::cut(t, 80)),
        (None, _) => "?".into(),
    }
}

fn trigger(t: malpi_python::Trigger) -> &'static str {
    match t {
        malpi_python::Trigger::Install => "install",
        malpi_python::Trigger::Import => "import",
        malpi_python::Trigger::Runtime => "runtime",
    }
}

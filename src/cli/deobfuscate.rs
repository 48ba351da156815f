//! `malpi deobfuscate FILE.py`: the layers of code a file hides in strings, decoded without
//! running anything: where each is run, the decoders it went through, and the code itself.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::Args;

#[derive(Args)]
pub struct DeobfuscateArgs {
    /// A Python file.
    file: PathBuf,
    /// Analyse it as setup.py (install time) rather than as a module.
    #[arg(long)]
    setup: bool,
    /// Lines of each layer's code to print (0: all).
    #[arg(long, default_value_t = 20)]
    lines: usize,
}

pub fn run(args: DeobfuscateArgs) -> anyhow::Result<ExitCode> {
    let bytes = std::fs::read(&args.file)
        .with_context(|| format!("cannot read {}", args.file.display()))?;
    let role = if args.setup {
        malpi_python::FileRole::SetupPy
    } else {
        malpi_python::FileRole::Module
    };
    let path = args.file.display().to_string();
    let facts = malpi_python::analyze(&path, &bytes, role);
    if facts.embedded.is_empty() {
        println!("{path}: no code hidden in strings");
    }
    for (i, layer) in facts.embedded.iter().enumerate() {
        let via = facts
            .provenance(i as u32 + 1)
            .unwrap_or_else(|| format!("{path}:{}", layer.span.line));
        let what = if layer.written {
            "written out as a script"
        } else {
            "run"
        };
        println!("── layer {} ({} bytes, {what}): {via}", i + 1, layer.size);
        let shown = if args.lines == 0 {
            usize::MAX
        } else {
            args.lines
        };
        for line in layer.code.lines().take(shown) {
            println!("   │ {}", strip_controls(&malpi_python::cut(line, 200)));
        }
        let total = layer.code.lines().count();
        if total > shown {
            println!("   │ … {} more lines", total - shown);
        }
    }
    if let Some(why) = &facts.decoding_stopped {
        println!("decoding stopped: {why}");
    }
    Ok(ExitCode::SUCCESS)
}

/// Decoded payloads are hostile text: no terminal escapes reach the screen.
fn strip_controls(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_control() && c != '\t' {
                '�'
            } else {
                c
            }
        })
        .collect()
}

//! `malpi deobfuscate FILE.py`: the layers of code a file hides in strings, decoded without
//! running anything: where each is run, the decoders it went through, and the code itself.

use std::process::ExitCode;

use clap::Args;

#[derive(Args)]
pub struct DeobfuscateArgs {
    #[command(flatten)]
    file: super::PythonFileArgs,
    /// Lines of each layer's code to print (0: all).
    #[arg(long, default_value_t = 20)]
    lines: usize,
}

pub fn run(args: DeobfuscateArgs) -> anyhow::Result<ExitCode> {
    let facts = args.file.analyze()?;
    let path = facts.path.clone();
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
            println!(
                "   │ {}",
                malpi_report::clean(&malpi_python::cut(line, 200))
            );
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

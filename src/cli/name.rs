//! `malpi name NAME…`: does a project name imitate a popular one? For checking a name before
//! `pip install`, or for a registry screening new project names. Exit 1 when one does.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::Args;

#[derive(Args)]
pub struct NameArgs {
    /// Project names to check.
    #[arg(required = true)]
    names: Vec<String>,
    /// Check against this popular-projects list (`rank<TAB>name` lines) instead of the one
    /// shipped with malpi.
    #[arg(long, value_name = "FILE")]
    popular: Option<PathBuf>,
}

pub fn run(args: NameArgs) -> anyhow::Result<ExitCode> {
    let owned;
    let popular = match &args.popular {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read {}", path.display()))?;
            owned = malpi_names::Popular::parse(&text);
            anyhow::ensure!(
                !owned.is_empty(),
                "{}: no `rank<TAB>name` lines",
                path.display()
            );
            &owned
        }
        None => malpi_names::Popular::builtin(),
    };
    let mut found = false;
    for name in &args.names {
        match (popular.rank(name), popular.check(name)) {
            (Some(rank), _) => println!("{name}: a popular project itself (download rank {rank})"),
            (None, Some(squat)) => {
                found = true;
                println!(
                    "{name}: imitates `{}` (download rank {}): {}",
                    squat.imitates, squat.rank, squat.kind
                );
            }
            (None, None) => println!("{name}: imitates no popular project"),
        }
    }
    Ok(if found {
        ExitCode::from(super::EXIT_FOUND)
    } else {
        ExitCode::SUCCESS
    })
}

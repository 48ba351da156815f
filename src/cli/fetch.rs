//! `malpi fetch`: download packages, verified, into the cache (and optionally a folder),
//! printing each file fetched and an error line per package that failed.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::Args;
use malpi_index::Requirement;

use super::remote::{self, IndexArgs};

#[derive(Args)]
pub struct FetchArgs {
    /// Requirements, pip style: `requests==2.32.3`, `'flask>=3'`, `name`.
    specs: Vec<String>,
    /// Also copy the files into this folder, under their index file names.
    #[arg(long = "output-dir", short = 'o', value_name = "DIR")]
    output_dir: Option<PathBuf>,
    /// Never show a progress bar.
    #[arg(long)]
    no_progress: bool,
    #[command(flatten)]
    index: IndexArgs,
}

pub fn run(args: FetchArgs) -> anyhow::Result<ExitCode> {
    let mut requirements = args
        .specs
        .iter()
        .map(|s| s.parse::<Requirement>().with_context(|| format!("`{s}`")))
        .collect::<anyhow::Result<Vec<_>>>()?;
    requirements.extend(args.index.file_requirements()?);
    if requirements.is_empty() {
        anyhow::bail!("nothing to fetch: name packages (`requests==2.32.3`) or give `-r FILE`");
    }
    let fetcher = args.index.fetcher()?;
    let outcomes = remote::fetch(&fetcher, &requirements, !args.no_progress);
    let mut failed = remote::report_errors(&outcomes);
    for outcome in &outcomes {
        let version = outcome.version.as_deref().unwrap_or("?");
        for fetched in &outcome.files {
            let path = match &args.output_dir {
                Some(dir) => {
                    match malpi_index::copy_out(&fetched.path, dir, &fetched.file.filename) {
                        Ok(p) => p,
                        Err(e) => {
                            eprintln!("error[output]: {}: {e}", outcome.requirement);
                            failed = true;
                            continue;
                        }
                    }
                }
                None => fetched.path.clone(),
            };
            let mut notes = Vec::new();
            if fetched.from_cache {
                notes.push("cached");
            }
            if !fetched.verified {
                notes.push("unverified: the index gave no sha256");
            }
            let notes = if notes.is_empty() {
                String::new()
            } else {
                format!("  ({})", notes.join(", "))
            };
            println!(
                "{} {version}  {}  sha256:{}  {}{notes}",
                outcome.requirement.name,
                fetched.file.filename,
                fetched.sha256,
                path.display()
            );
        }
    }
    Ok(if failed {
        ExitCode::from(super::EXIT_USAGE)
    } else {
        ExitCode::SUCCESS
    })
}

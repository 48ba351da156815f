//! `malpi mirrors check`: ask each mirror whether it still serves each reported project,
//! version and file; store every answer; print a table per mirror. The probing is
//! malpi-mirrors'; this is flags, the store, a progress bar and the table.
//!
//! Exit status: 0 the check ran (failed probes are answers, stored as errors), 2 usage or
//! store error.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;
use clap::{Args, Subcommand, ValueEnum};
use malpi_index::ClientConfig;
use malpi_mirrors::{CheckOptions, Mirror};
use malpi_store::{Observation, ObservationStatus, ReportedPackage, Store};

use super::db::StoreArg;

#[derive(Args)]
pub struct MirrorsArgs {
    #[command(subcommand)]
    command: MirrorsCommand,
    #[command(flatten)]
    store: StoreArg,
}

#[derive(Subcommand)]
enum MirrorsCommand {
    /// Probe each mirror for every reported project (or those named): the project page, each
    /// reported version and each known file (by sha256); store each answer; print a table.
    Check(CheckArgs),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum Preset {
    /// PyPI and 13 public mirrors (China, Korea, Japan), as `malpi_mirrors::study_preset`.
    Study,
}

#[derive(Args)]
struct CheckArgs {
    /// A mirror to probe: NAME=URL of its Simple API root (repeatable). Name PyPI `pypi`:
    /// its answers date uploads and removals.
    #[arg(long = "mirror", value_name = "NAME=URL")]
    mirrors: Vec<String>,
    /// Add a built-in list of mirrors.
    #[arg(long, value_enum)]
    preset: Option<Preset>,
    /// Only this reported project (repeatable); default: every reported project.
    #[arg(long = "project", value_name = "NAME")]
    projects: Vec<String>,
    /// Requests per second over all mirrors (`10`, `10/s`; `0`: no limit).
    #[arg(long, default_value = "10/s", value_parser = parse_rate, value_name = "N/s")]
    rate: f64,
    /// Requests in flight at once to one host.
    #[arg(long, default_value_t = 2, value_name = "N")]
    per_host: usize,
    /// Seconds to wait for a connection, and for each read.
    #[arg(long, default_value_t = 20, value_name = "S")]
    timeout: u64,
    /// Attempts after the first for timeouts, 5xx and 429 (with doubling backoff).
    #[arg(long, default_value_t = 2, value_name = "N")]
    retries: u32,
    /// PEM bundle of CA certificates to trust [default: $PIP_CERT, else $SSL_CERT_FILE].
    #[arg(long, value_name = "FILE")]
    cert: Option<PathBuf>,
    /// No progress bar.
    #[arg(long)]
    no_progress: bool,
}

/// `10`, `10/s`, `2.5/s`; 0 is no limit.
fn parse_rate(text: &str) -> Result<f64, String> {
    let t = text.trim();
    let number = t.strip_suffix("/s").unwrap_or(t).trim();
    number
        .parse::<f64>()
        .ok()
        .filter(|r| r.is_finite() && *r >= 0.0)
        .ok_or_else(|| format!("`{text}` is not a rate such as 10/s"))
}

pub fn run(args: MirrorsArgs) -> anyhow::Result<ExitCode> {
    match args.command {
        MirrorsCommand::Check(check) => run_check(&args.store, check),
    }
}

fn run_check(store_arg: &StoreArg, args: CheckArgs) -> anyhow::Result<ExitCode> {
    let mut mirrors: Vec<Mirror> = args
        .mirrors
        .iter()
        .map(|m| Mirror::parse(m))
        .collect::<Result<_, _>>()?;
    if args.preset == Some(Preset::Study) {
        mirrors.extend(malpi_mirrors::study_preset());
    }
    let mut names = std::collections::BTreeSet::new();
    if let Some(twice) = mirrors.iter().find(|m| !names.insert(m.name.clone())) {
        anyhow::bail!("the mirror name `{}` is given twice", twice.name);
    }
    if mirrors.is_empty() {
        anyhow::bail!("no mirror to check: give --mirror NAME=URL or --preset study");
    }
    let mut store = store_arg.open()?;
    let packages = chosen_packages(&mut store, &args.projects)?;
    let options = CheckOptions {
        per_host: args.per_host.max(1),
        rate: (args.rate > 0.0).then_some(args.rate),
        client: ClientConfig {
            connect_timeout: Duration::from_secs(args.timeout.max(1)),
            read_timeout: Duration::from_secs(args.timeout.max(1)),
            retries: args.retries,
            ca_certificates_pem: super::remote::ca_bundle(args.cert.as_deref())?,
            ..ClientConfig::default()
        },
        ..CheckOptions::default()
    };
    let pairs = packages.len() * mirrors.len();
    eprintln!(
        "malpi: checking {} reported projects on {} mirrors ({pairs} project pages)",
        packages.len(),
        mirrors.len()
    );
    let bar =
        super::scan::progress_bar(pairs, !args.no_progress && std::io::stderr().is_terminal());
    let started = std::time::Instant::now();
    let mut pending: Vec<Observation> = Vec::new();
    let mut counts = [0usize; 3];
    let mut dated = 0usize;
    let mut failure: Option<anyhow::Error> = None;
    malpi_mirrors::check(&mirrors, &packages, &options, |_, _, observed| {
        if let Some(pb) = &bar {
            pb.inc(1);
        }
        if failure.is_some() {
            return;
        }
        for o in &observed.observations {
            counts[o.status as usize] += 1;
        }
        pending.extend(observed.observations);
        let mut write = || -> anyhow::Result<()> {
            for (sha256, time) in &observed.upload_times {
                dated += usize::from(store.set_upload_time(sha256, time)?);
            }
            // Written in batches as the check goes: an interrupted check keeps what it saw.
            if pending.len() >= 500 {
                store.record_observations(&pending)?;
                pending.clear();
            }
            Ok(())
        };
        failure = write().err();
    });
    if let Some(pb) = &bar {
        pb.finish_and_clear();
    }
    if let Some(e) = failure {
        return Err(e.context("cannot store the observations"));
    }
    store
        .record_observations(&pending)
        .context("cannot store the observations")?;
    eprintln!(
        "malpi: {} observations stored ({} present, {} absent, {} failed probes), {dated} upload times, in {:.1}s",
        counts.iter().sum::<usize>(),
        counts[ObservationStatus::Present as usize],
        counts[ObservationStatus::Absent as usize],
        counts[ObservationStatus::Error as usize],
        started.elapsed().as_secs_f64()
    );
    print!("{}", table(&mut store, &mirrors, &packages)?);
    Ok(ExitCode::SUCCESS)
}

/// Reported projects (withdrawn ones left out), only those named when names are given.
fn chosen_packages(store: &mut Store, names: &[String]) -> anyhow::Result<Vec<ReportedPackage>> {
    let mut packages: Vec<ReportedPackage> = store
        .reported_packages()?
        .into_iter()
        .filter(|p| !p.withdrawn)
        .collect();
    if names.is_empty() {
        return Ok(packages);
    }
    let wanted: std::collections::BTreeSet<String> =
        names.iter().map(|n| malpi_names::normalize(n)).collect();
    packages.retain(|p| wanted.contains(&p.name));
    let missing: Vec<&String> = wanted
        .iter()
        .filter(|w| !packages.iter().any(|p| &p.name == *w))
        .collect();
    if !missing.is_empty() {
        anyhow::bail!(
            "not reported in {}: {} (import reports first: malpi db import ...)",
            store.location(),
            missing
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    Ok(packages)
}

/// Per checked mirror, from everything the store knows about the checked projects: the
/// same figures `malpi report --db` shows.
fn table(
    store: &mut Store,
    mirrors: &[Mirror],
    packages: &[ReportedPackage],
) -> anyhow::Result<String> {
    let mut data = malpi_study::input::study_from_store(store)?;
    let projects: std::collections::HashSet<&str> =
        packages.iter().map(|p| p.name.as_str()).collect();
    data.mirror_observations.retain(|o| {
        projects.contains(o.package.as_str()) && mirrors.iter().any(|m| m.name == o.mirror)
    });
    // Highest share first, as in the report.
    Ok(malpi_mirrors::render_table(
        &malpi_study::mirror_persistence(&data),
    ))
}

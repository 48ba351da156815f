//! `malpi scan`: scan inputs in parallel and write reports in input order as they complete.
//! Inputs named as requirements are fetched first (see `remote`).

use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::mpsc;

use anyhow::Context;
use clap::{Args, ValueEnum};
use malpi_report::{Summary, TextOptions};
use malpi_rules::VerdictKind;
use malpi_scan::{Report, ScanOptions};

use super::output::Output;
use super::remote::{self, IndexArgs};
use super::{EXIT_FOUND, Format, LimitArgs};

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Malicious,
    Suspicious,
    Never,
}

#[derive(Args)]
pub struct ScanArgs {
    /// Package files, .py files, unpacked package folders, folders holding them, or
    /// requirements to fetch and scan (`requests==2.32.3`, `'flask>=3'`: any argument that is
    /// not an existing path and reads as a requirement).
    paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Write to this file instead of standard output (written whole, or not at all).
    #[arg(long, short = 'o', value_name = "FILE")]
    output: Option<PathBuf>,
    /// Exit with 1 when a package has this verdict or worse.
    #[arg(long, value_enum, default_value_t = FailOn::Malicious)]
    fail_on: FailOn,
    /// Text format: show info-level findings (capabilities) too.
    #[arg(long)]
    all: bool,
    /// Never show a progress bar.
    #[arg(long)]
    no_progress: bool,
    /// Print packages, time, packages/second and peak memory on stderr at the end.
    #[arg(long)]
    stats: bool,
    /// Also store each result: in this SQLite file or postgres:// URL, or (with no value)
    /// in $MALPI_DB or the default store.
    #[arg(long, value_name = "PATH|URL", num_args = 0..=1, default_missing_value = "")]
    db: Option<String>,
    #[command(flatten)]
    limits: LimitArgs,
    #[command(flatten)]
    index: IndexArgs,
}

/// One thing to scan, and the name its report gives it (a fetched file is read from the
/// cache but reported under its URL).
pub struct Input {
    pub path: PathBuf,
    pub name: Option<String>,
}

impl From<PathBuf> for Input {
    fn from(path: PathBuf) -> Input {
        Input { path, name: None }
    }
}

/// Scan `inputs` on `pool`, handing each report to `sink` in input order.
pub fn scan_ordered(
    inputs: &[Input],
    opts: &ScanOptions,
    pool: &rayon::ThreadPool,
    progress: Option<&indicatif::ProgressBar>,
    mut sink: impl FnMut(Report) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let (tx, rx) = mpsc::channel::<(usize, Report)>();
    let mut result = Ok(());
    std::thread::scope(|s| {
        s.spawn(|| {
            pool.install(|| {
                use rayon::prelude::*;
                // Largest first: a big package left for last would run on one core alone.
                let mut order: Vec<(u64, usize)> = inputs
                    .iter()
                    .enumerate()
                    .map(|(i, p)| (std::fs::metadata(&p.path).map_or(0, |m| m.len()), i))
                    .collect();
                order.sort_unstable_by(|a, b| b.cmp(a));
                order
                    .par_iter()
                    .with_max_len(1)
                    .for_each_with(tx, |tx, &(_, i)| {
                        let input = &inputs[i];
                        let report =
                            malpi_scan::scan_path_as(&input.path, input.name.as_deref(), opts);
                        let _ = tx.send((i, report));
                    });
            });
        });
        let mut pending: BTreeMap<usize, Report> = BTreeMap::new();
        let mut next = 0;
        for (i, report) in rx {
            if let Some(pb) = progress {
                pb.inc(1);
            }
            pending.insert(i, report);
            while let Some(r) = pending.remove(&next) {
                next += 1;
                if result.is_ok() {
                    result = sink(r);
                }
            }
        }
    });
    result
}

pub fn progress_bar(len: usize, enabled: bool) -> Option<indicatif::ProgressBar> {
    if !enabled || len < 20 || !std::io::stderr().is_terminal() {
        return None;
    }
    let pb = indicatif::ProgressBar::new(len as u64);
    pb.set_style(
        indicatif::ProgressStyle::with_template(
            "{bar:40} {pos}/{len} packages  {per_sec}  eta {eta}",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    Some(pb)
}

pub fn run(args: ScanArgs) -> anyhow::Result<ExitCode> {
    let (mut paths, mut requirements) = (Vec::new(), Vec::new());
    for arg in args.paths {
        match remote::as_requirement(&arg) {
            Some(requirement) => requirements.push(requirement),
            None => paths.push(arg),
        }
    }
    requirements.extend(args.index.file_requirements()?);
    let mut inputs: Vec<Input> = Vec::new();
    if !paths.is_empty() || (requirements.is_empty() && !args.index.has_requirement_files()) {
        inputs.extend(local_inputs(super::paths_or_cwd(paths))?);
    }
    // Packages that could not be fetched are reported like unreadable inputs: verdict `error`.
    let mut failures = Vec::new();
    if !requirements.is_empty() {
        let outcomes = remote::fetch(&args.index.fetcher()?, &requirements, !args.no_progress);
        failures = remote::failure_reports(&outcomes);
        inputs.extend(outcomes.iter().flat_map(|o| &o.files).map(|f| Input {
            path: f.path.clone(),
            name: Some(remote::report_name(f)),
        }));
    }
    if inputs.is_empty() && failures.is_empty() {
        anyhow::bail!("nothing to scan: the requirements files name no package");
    }
    let many = inputs.len() + failures.len() > 1;
    let mut store = match &args.db {
        Some(spec) => {
            let env = std::env::var("MALPI_DB").ok();
            let spec = if spec.is_empty() {
                env.as_deref()
            } else {
                Some(spec.as_str())
            };
            Some(super::db::open_store(spec)?)
        }
        None => None,
    };
    let mut store_error: Option<malpi_store::StoreError> = None;
    let opts = args.limits.options();
    let pool = super::pool(args.limits.jobs)?;
    let mut out =
        Output::open(args.output.as_deref()).with_context(|| "cannot open the output file")?;
    let text_opts = TextOptions {
        color: out.is_terminal(),
        all: args.all,
    };
    let pb = progress_bar(inputs.len(), !args.no_progress);
    let started = std::time::Instant::now();
    let mut summary = Summary::default();
    let mut kept: Vec<Report> = Vec::new();
    let mut worst = VerdictKind::Clean;
    let mut io_error = false;
    let mut emit = |r: Report| {
        summary.add(&r);
        if let Some(store) = store.as_mut()
            && store_error.is_none()
            && let Err(e) = store.record_scan(&r)
        {
            store_error = Some(e);
        }
        if r.verdict == VerdictKind::Error {
            io_error = true;
        } else {
            worst = worst.max(r.verdict);
        }
        match args.format {
            Format::Jsonl => malpi_report::write_jsonl_line(&mut out, &r),
            Format::Text => {
                malpi_report::write_text(&mut out, &r, text_opts)?;
                if many { writeln!(out) } else { Ok(()) }
            }
            Format::Json | Format::Sarif => {
                kept.push(r);
                Ok(())
            }
        }
    };
    scan_ordered(&inputs, &opts, &pool, pb.as_ref(), &mut emit)
        .and_then(|()| failures.into_iter().try_for_each(&mut emit))
        .context("cannot write the report")?;
    if let Some(pb) = pb {
        pb.finish_and_clear();
    }
    match args.format {
        Format::Json => malpi_report::write_json(&mut out, &kept)?,
        Format::Sarif => malpi_report::write_sarif(&mut out, &kept)?,
        Format::Text if many => writeln!(
            out,
            "{} packages: {} malicious, {} suspicious, {} clean, {} errors",
            summary.packages, summary.malicious, summary.suspicious, summary.clean, summary.error
        )?,
        _ => {}
    }
    out.finish().context("cannot write the report")?;
    if args.stats {
        let secs = started.elapsed().as_secs_f64();
        eprintln!(
            "stats: {} packages in {secs:.2} s ({:.1} packages/s), peak memory {} MB",
            summary.packages,
            summary.packages as f64 / secs.max(1e-9),
            super::peak_rss_bytes().map_or("?".into(), |b| (b >> 20).to_string())
        );
    }
    if let Some(e) = store_error {
        return Err(anyhow::Error::new(e).context("scan results could not all be stored"));
    }
    let failed = match args.fail_on {
        FailOn::Malicious => worst >= VerdictKind::Malicious,
        FailOn::Suspicious => worst >= VerdictKind::Suspicious,
        FailOn::Never => false,
    };
    Ok(if failed {
        ExitCode::from(EXIT_FOUND)
    } else if io_error {
        ExitCode::from(super::EXIT_USAGE)
    } else {
        ExitCode::SUCCESS
    })
}

/// The package files found under the paths the user named.
fn local_inputs(paths: Vec<PathBuf>) -> anyhow::Result<Vec<Input>> {
    let found = malpi_scan::discover(&paths)?;
    if found.is_empty() {
        anyhow::bail!(
            "no package files found under {}",
            paths
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    Ok(found.into_iter().map(Input::from).collect())
}

//! `malpi db`: import reports and samples into the store, show its stats, export it.
//!
//! Exit status of `db import`: 0 every record imported, 1 some records could not be read
//! (listed on stderr; the rest was imported), 2 the import failed and the store is as it was.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clap::{Args, Subcommand, ValueEnum};
use malpi_store::import::ImportOptions;
use malpi_store::{ExportFormat, ImportSummary, Stats, Store};

use super::output::Output;
use super::{EXIT_FOUND, LimitArgs};

#[derive(Args)]
pub struct DbArgs {
    #[command(subcommand)]
    command: DbCommand,
    #[command(flatten)]
    store: StoreArg,
}

/// Which store: a SQLite file or a PostgreSQL URL.
#[derive(Args, Clone)]
pub struct StoreArg {
    /// SQLite file or postgres:// URL (default: $XDG_DATA_HOME/malpi/malpi.db).
    #[arg(long = "db", env = "MALPI_DB", global = true, value_name = "PATH|URL")]
    db: Option<String>,
}

impl StoreArg {
    pub fn open(&self) -> anyhow::Result<Store> {
        open_store(self.db.as_deref())
    }
}

/// Open `spec`, or the default store when it is absent or empty.
pub fn open_store(spec: Option<&str>) -> anyhow::Result<Store> {
    let spec = match spec.filter(|s| !s.is_empty()) {
        Some(s) => s.to_string(),
        None => Store::default_path()
            .context("no --db given and no home folder for the default store")?
            .display()
            .to_string(),
    };
    Ok(Store::open(&spec)?)
}

#[derive(Subcommand)]
enum DbCommand {
    /// Import reports or samples (one transaction per import).
    Import(ImportArgs),
    /// Counts per source, overlap between sources, projects, versions, files, scans.
    Stats {
        #[arg(long, short = 'f', value_enum, default_value_t = StatsFormat::Text)]
        format: StatsFormat,
    },
    /// Export reported packages: csv, jsonl, OSV records as JSON lines (osv) or as a
    /// malicious-packages folder tree (osv-tree, needs -o DIR).
    Export {
        #[arg(long, short = 'f', value_enum)]
        format: ExportKind,
        /// Output file (folder for osv-tree); standard output when absent.
        #[arg(long, short = 'o', value_name = "FILE")]
        output: Option<PathBuf>,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum StatsFormat {
    Text,
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
enum ExportKind {
    Csv,
    Jsonl,
    Osv,
    OsvTree,
}

#[derive(Clone, Copy, ValueEnum)]
enum ImportKind {
    /// OSV JSON files (a folder tree such as malicious-packages' osv/) or an osv.dev zip.
    Osv,
    /// A collection laid out NAME/VERSION/FILE.
    Samples,
    /// DataDog's malicious-software-packages-dataset (encrypted zips, read in memory).
    Datadog,
    /// A text list (name, name==version, optional date and source) or a CSV with a header.
    List,
}

#[derive(Args)]
struct ImportArgs {
    #[arg(value_enum)]
    kind: ImportKind,
    path: PathBuf,
    /// Source name to credit (default: the folder or file name; `osv`, `datadog`).
    #[arg(long, value_name = "NAME")]
    source: Option<String>,
    /// Scan sample files as they are imported (samples, datadog).
    #[arg(long)]
    scan: bool,
    /// Never show a progress bar.
    #[arg(long)]
    no_progress: bool,
    #[command(flatten)]
    limits: LimitArgs,
}

pub fn run(args: DbArgs) -> anyhow::Result<ExitCode> {
    let mut store = args.store.open()?;
    match args.command {
        DbCommand::Import(a) => import(&mut store, a),
        DbCommand::Stats { format } => {
            let stats = store.stats()?;
            let mut out = std::io::stdout().lock();
            match format {
                StatsFormat::Json => writeln!(out, "{}", serde_json::to_string_pretty(&stats)?)?,
                StatsFormat::Text => write_stats(&mut out, &store, &stats)?,
            }
            Ok(ExitCode::SUCCESS)
        }
        DbCommand::Export { format, output } => {
            let count = match (format, output) {
                (ExportKind::OsvTree, Some(dir)) => store.export_osv_tree(&dir)?,
                (ExportKind::OsvTree, None) => anyhow::bail!("osv-tree needs -o DIR"),
                (kind, output) => {
                    let format = match kind {
                        ExportKind::Csv => ExportFormat::Csv,
                        ExportKind::Jsonl => ExportFormat::Jsonl,
                        _ => ExportFormat::Osv,
                    };
                    let mut out =
                        Output::open(output.as_deref()).context("cannot open the output file")?;
                    let n = store.export(format, &mut out)?;
                    out.finish().context("cannot write the export")?;
                    n
                }
            };
            eprintln!("malpi: exported {count} records");
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn import(store: &mut Store, a: ImportArgs) -> anyhow::Result<ExitCode> {
    let pool = super::pool(a.limits.jobs)?;
    let bar = (!a.no_progress && std::io::stderr().is_terminal()).then(|| {
        let pb = indicatif::ProgressBar::new(0);
        pb.set_style(
            indicatif::ProgressStyle::with_template(
                "{bar:40} {pos}/{len} records  {per_sec}  eta {eta}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        pb
    });
    let progress = |done: u64, total: u64| {
        if let Some(pb) = &bar {
            pb.set_length(total);
            pb.set_position(done);
        }
    };
    let opts = ImportOptions {
        source: a.source,
        scan: a.scan.then(|| a.limits.options()),
        pool: Some(&pool),
        progress: Some(&progress),
    };
    let started = std::time::Instant::now();
    let result = match a.kind {
        ImportKind::Osv => store.import_osv(&a.path, &opts),
        ImportKind::Samples => store.import_samples(&a.path, &opts),
        ImportKind::Datadog => store.import_datadog(&a.path, &opts),
        ImportKind::List => store.import_list(&a.path, &opts),
    };
    if let Some(pb) = &bar {
        pb.finish_and_clear();
    }
    let summary = result.with_context(|| {
        format!(
            "import of {} failed; the store is unchanged",
            a.path.display()
        )
    })?;
    report_import(&summary, &a.path, store, started.elapsed());
    Ok(if summary.errors.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_FOUND)
    })
}

fn report_import(s: &ImportSummary, path: &Path, store: &Store, took: std::time::Duration) {
    for e in &s.errors {
        eprintln!("malpi: skipped {e}");
    }
    let secs = took.as_secs_f64().max(1e-9);
    eprintln!(
        "malpi: imported {} into {}: {} records ({} added, {} updated, {} unchanged, {} other ecosystems), {} scanned, {} errors, {:.1} s ({:.0} records/s)",
        path.display(),
        store.location(),
        s.records,
        s.added,
        s.updated,
        s.unchanged,
        s.skipped,
        s.scanned,
        s.errors.len(),
        secs,
        s.records as f64 / secs
    );
}

fn write_stats(out: &mut dyn Write, store: &Store, s: &Stats) -> std::io::Result<()> {
    writeln!(
        out,
        "store {} ({:?}, schema {})",
        store.location(),
        store.backend(),
        s.schema_version
    )?;
    writeln!(
        out,
        "projects {}  versions {}  reports {} ({} withdrawn)  files {} ({} scanned, {} unscanned)  mirror observations {}",
        s.projects,
        s.versions,
        s.reports,
        s.withdrawn_reports,
        s.files,
        s.scanned_files,
        s.unscanned_files,
        s.mirror_observations
    )?;
    if !s.verdicts.is_empty() {
        let v: Vec<String> = s.verdicts.iter().map(|(k, n)| format!("{k} {n}")).collect();
        writeln!(
            out,
            "verdicts (malpi {}): {}",
            malpi_store::MALPI_VERSION,
            v.join("  ")
        )?;
    }
    writeln!(out)?;
    writeln!(
        out,
        "{:<32} {:>8} {:>9} {:>9} {:>7} {:>10}",
        "source", "reports", "projects", "versions", "files", "only here"
    )?;
    for src in &s.sources {
        writeln!(
            out,
            "{:<32} {:>8} {:>9} {:>9} {:>7} {:>10}",
            src.source, src.reports, src.projects, src.versions, src.files, src.only_here
        )?;
    }
    writeln!(
        out,
        "{:<32} {:>8} {:>9} {:>9}",
        "merged (withdrawn left out)", "", s.merged_projects, s.merged_versions
    )?;
    let by: Vec<String> = s
        .projects_by_source_count
        .iter()
        .map(|(n, p)| format!("{n}: {p}"))
        .collect();
    writeln!(
        out,
        "projects by number of sources reporting them: {}",
        by.join(", ")
    )?;
    if !s.overlap.is_empty() {
        writeln!(out, "\noverlap (projects reported by both)")?;
        for o in &s.overlap {
            writeln!(out, "  {:<30} {:<30} {:>7}", o.a, o.b, o.projects)?;
        }
    }
    Ok(())
}

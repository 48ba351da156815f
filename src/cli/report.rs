//! `malpi report`: the study's results (dataset, code, behaviours, triggers, techniques,
//! platforms, mirrors, lifecycle) as one self-contained HTML file or Markdown, from a file of
//! scan reports joined with OSV reports, or from the store (`--db`: reports, scans, mirror
//! observations and the lifecycle dates they give). Building the data is apart from
//! rendering it.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clap::{ArgGroup, Args, ValueEnum};
use malpi_study::{Stats, StudyData};

use super::output::Output;

#[derive(Args)]
#[command(group(ArgGroup::new("input").required(true).args(["from_jsonl", "from_study", "db"])))]
pub struct ReportArgs {
    /// Scan reports, one JSON object per line (`malpi scan --format jsonl`).
    #[arg(long, value_name = "SCANS.jsonl")]
    from_jsonl: Option<PathBuf>,
    /// The study data itself, as JSON (`{packages: [...], mirror_observations: [...]}`, the
    /// fields of `malpi_study::StudyData`): for data gathered by other tools.
    #[arg(long, value_name = "STUDY.json")]
    from_study: Option<PathBuf>,
    /// The store (SQLite file or postgres:// URL; `--db` alone: $MALPI_DB, else the
    /// default store): reports, scans, mirror observations and lifecycle.
    #[arg(long, value_name = "PATH|URL", num_args = 0..=1, default_missing_value = "")]
    db: Option<String>,
    /// OSV reports of malicious packages (`NAME/MAL-*.json`, or a malicious-packages
    /// checkout): who reported each project and when (discovery).
    #[arg(long, value_name = "DIR", conflicts_with_all = ["from_study", "db"])]
    osv: Option<PathBuf>,
    /// Output file, written whole or not at all (default: standard output).
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// `html` (one self-contained page with charts) or `md`; default from the output's
    /// extension (`.md`: Markdown), else HTML.
    #[arg(long)]
    format: Option<ReportFormat>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    Html,
    Md,
}

pub fn run(args: ReportArgs) -> anyhow::Result<ExitCode> {
    let data = match (&args.from_jsonl, &args.from_study) {
        _ if args.db.is_some() => {
            let spec = args
                .db
                .clone()
                .filter(|s| !s.is_empty())
                .or_else(|| std::env::var("MALPI_DB").ok());
            let mut store = super::db::open_store(spec.as_deref())?;
            let data = malpi_study::input::study_from_store(&mut store)
                .with_context(|| format!("cannot read the store {}", store.location()))?;
            eprintln!(
                "malpi: {} package versions, {} mirror observations from {}",
                data.packages.len(),
                data.mirror_observations.len(),
                store.location()
            );
            data
        }
        (Some(scans), _) => study_data(scans, args.osv.as_deref())?,
        (None, Some(study)) => {
            let file = std::fs::File::open(study)
                .with_context(|| format!("cannot read {}", study.display()))?;
            serde_json::from_reader(std::io::BufReader::new(file))
                .with_context(|| format!("{} is not study data", study.display()))?
        }
        (None, None) => anyhow::bail!("give --from-jsonl, --from-study or --db"),
    };
    let stats = Stats::compute(&data);
    let format = args.format.unwrap_or_else(|| {
        let md = args
            .output
            .as_deref()
            .and_then(Path::extension)
            .is_some_and(|e| e.eq_ignore_ascii_case("md"));
        if md {
            ReportFormat::Md
        } else {
            ReportFormat::Html
        }
    });
    let text = match format {
        ReportFormat::Html => malpi_study::render_html(&stats),
        ReportFormat::Md => malpi_study::render_markdown(&stats),
    };
    let mut out = Output::open(args.output.as_deref()).with_context(|| {
        format!(
            "cannot create {}",
            args.output.as_deref().unwrap_or(Path::new("-")).display()
        )
    })?;
    out.write_all(text.as_bytes())?;
    out.finish().context("cannot write the report")?;
    Ok(ExitCode::SUCCESS)
}

/// The study data from a scan file and, optionally, OSV reports; what was skipped is said
/// on standard error.
fn study_data(scans: &Path, osv: Option<&Path>) -> anyhow::Result<StudyData> {
    let file =
        std::fs::File::open(scans).with_context(|| format!("cannot read {}", scans.display()))?;
    let import = malpi_study::input::read_scan_jsonl(std::io::BufReader::new(file))
        .with_context(|| format!("cannot read {}", scans.display()))?;
    eprintln!(
        "malpi: {} scan reports, {} package versions",
        import.reports,
        import.data.packages.len()
    );
    if let Some((line, why)) = &import.first_skip {
        eprintln!(
            "malpi: warning: {} lines skipped (first: line {line}: {why})",
            import.skipped_lines
        );
    }
    if import.reports == 0 {
        anyhow::bail!("{} holds no scan report", scans.display());
    }
    let mut data = import.data;
    if let Some(dir) = osv {
        let join = malpi_study::input::join_osv(&mut data, dir)?;
        eprintln!(
            "malpi: {} OSV reports of {} projects; {} scanned package versions reported, {} projects reported but not scanned",
            join.reports, join.projects, join.matched_records, join.added_records
        );
        if let Some(why) = &join.first_skip {
            eprintln!(
                "malpi: warning: {} OSV files skipped (first: {why})",
                join.skipped_files
            );
        }
    }
    Ok(data)
}

//! Command-line interface: flags, and the exit-code contract (0 nothing at or above
//! `--fail-on`, 1 something was, 2 usage or I/O error).

mod baseline;
mod db;
mod deobfuscate;
mod eval;
mod facts;
mod fetch;
mod labels;
mod mirrors;
mod name;
mod output;
mod remote;
mod report;
mod rules;
mod scan;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};
use malpi_scan::Limits;

pub const EXIT_FOUND: u8 = 1;
pub const EXIT_USAGE: u8 = 2;

#[derive(Parser)]
#[command(
    name = "malpi",
    version,
    about = "Find, explain and track malicious code in PyPI packages (static analysis: nothing scanned is run)"
)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Scan package files (sdist, wheel, egg), unpacked folders, .py files, folders of them,
    /// or packages named as pip names them (`requests==2.32.3`, `-r requirements.txt`).
    Scan(scan::ScanArgs),
    /// Download packages, verified against the index's sha256, into the cache (and `-o DIR`).
    Fetch(fetch::FetchArgs),
    /// Measure detection and false positives over a malicious and a benign corpus.
    Eval(eval::EvalArgs),
    /// List the detection rules.
    Rules(rules::RulesArgs),
    /// Show what the analysis sees in one Python file (for rule writers).
    Facts(facts::FactsArgs),
    /// Print the layers of code a Python file hides in strings, decoded statically.
    Deobfuscate(deobfuscate::DeobfuscateArgs),
    /// Check whether project names imitate popular ones (typosquatting); exit 1 if one does.
    Name(name::NameArgs),
    /// The study's results as one self-contained HTML page (or Markdown): sources, code,
    /// behaviours, triggers, techniques, platforms, mirrors, lifecycle.
    Report(report::ReportArgs),
    /// The collection store: import reports and samples, stats, export.
    Db(db::DbArgs),
    /// Which mirrors still serve reported packages: probe them, store what they answer.
    Mirrors(mirrors::MirrorsArgs),
}

/// Archive reading limits, shared by every command that scans.
#[derive(Args, Clone, Debug)]
pub struct LimitArgs {
    /// Total uncompressed bytes read from one input.
    #[arg(long, default_value_t = Limits::default().max_total_bytes, value_name = "BYTES")]
    max_total_bytes: u64,
    /// Members read from one archive.
    #[arg(long, default_value_t = Limits::default().max_members, value_name = "N")]
    max_members: usize,
    /// Bytes read from one member.
    #[arg(long, default_value_t = Limits::default().max_member_bytes, value_name = "BYTES")]
    max_member_bytes: u64,
    /// Uncompressed/compressed ratio tolerated once an input is past 16 MiB uncompressed.
    #[arg(long, default_value_t = Limits::default().max_ratio, value_name = "RATIO")]
    max_ratio: u64,
    /// Archives nested in archives.
    #[arg(long, default_value_t = Limits::default().max_depth, value_name = "N")]
    max_depth: u32,
    /// Parallel scanning threads (default: all cores).
    #[arg(long, short = 'j', value_name = "N")]
    jobs: Option<usize>,
    /// Seconds to spend on one package's Python files; past it the rest are listed as not
    /// analysed and the scan goes on.
    #[arg(long, default_value_t = malpi_scan::DEFAULT_TIMEOUT_SECS, value_name = "SECONDS")]
    timeout: u64,
    /// Memory for the whole run (`512M`, `1G`): the code one package keeps and the largest
    /// file read are cut to fit it, shared among the parallel jobs.
    #[arg(long, default_value = "768M", value_parser = parse_bytes, value_name = "BYTES")]
    max_memory: u64,
}

/// `1048576`, `512K`, `512M`, `1G` (powers of 1024; `B`/`iB` suffixes accepted).
fn parse_bytes(text: &str) -> Result<u64, String> {
    let t = text
        .trim()
        .trim_end_matches(['B', 'b'])
        .trim_end_matches('i');
    let (digits, shift) = match t.chars().last().map(|c| c.to_ascii_uppercase()) {
        Some('K') => (&t[..t.len() - 1], 10),
        Some('M') => (&t[..t.len() - 1], 20),
        Some('G') => (&t[..t.len() - 1], 30),
        _ => (t, 0),
    };
    let n: u64 = digits
        .trim()
        .parse()
        .map_err(|_| format!("`{text}` is not a size such as 512M or 1G"))?;
    n.checked_mul(1 << shift)
        .filter(|b| *b >= 64 << 20)
        .ok_or_else(|| format!("`{text}`: give at least 64M"))
}

impl LimitArgs {
    fn options(&self) -> malpi_scan::ScanOptions {
        malpi_scan::ScanOptions {
            limits: self.limits(),
            timeout: std::time::Duration::from_secs(self.timeout),
            max_input_bytes: malpi_scan::MAX_INPUT_BYTES.min(self.per_job_memory() / 4),
        }
    }

    /// The memory budget's share of one parallel job, once the process itself (code, rule
    /// tables, the popular-names list: about 25 MB measured) is set aside.
    fn per_job_memory(&self) -> u64 {
        let jobs = self
            .jobs
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
            .max(1) as u64;
        self.max_memory.saturating_sub(32 << 20) / jobs
    }

    /// The archive limits, cut to the memory budget: of a job's share, a quarter for the
    /// input file, a quarter for the code its package keeps, the rest for analysing one file,
    /// which takes about 4.5 times its size at peak (its text, a lossy copy, tokens or syntax
    /// tree: measured on a 64 MB one-line file).
    fn limits(&self) -> Limits {
        let per_job = self.per_job_memory();
        Limits {
            max_total_bytes: self.max_total_bytes,
            max_members: self.max_members,
            max_member_bytes: self.max_member_bytes.min(per_job / 10),
            max_ratio: self.max_ratio,
            max_depth: self.max_depth,
            max_kept_bytes: Limits::default().max_kept_bytes.min(per_job / 4),
            ..Limits::default()
        }
    }
}

/// One Python file to look into (`facts`, `deobfuscate`).
#[derive(Args)]
pub struct PythonFileArgs {
    /// A Python file.
    file: PathBuf,
    /// Analyse it as setup.py (install time) rather than as a module.
    #[arg(long)]
    setup: bool,
}

impl PythonFileArgs {
    /// The file analysed (never run), named as given.
    fn analyze(&self) -> anyhow::Result<malpi_python::FileFacts> {
        use anyhow::Context;
        let bytes = std::fs::read(&self.file)
            .with_context(|| format!("cannot read {}", self.file.display()))?;
        let role = if self.setup {
            malpi_python::FileRole::SetupPy
        } else {
            malpi_python::FileRole::Module
        };
        Ok(malpi_python::analyze(
            &self.file.display().to_string(),
            &bytes,
            role,
        ))
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
    Jsonl,
    Sarif,
}

pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Scan(a) => scan::run(a),
        Command::Fetch(a) => fetch::run(a),
        Command::Eval(a) => eval::run(a),
        Command::Rules(a) => rules::run(a),
        Command::Facts(a) => facts::run(a),
        Command::Deobfuscate(a) => deobfuscate::run(a),
        Command::Name(a) => name::run(a),
        Command::Report(a) => report::run(a),
        Command::Db(a) => db::run(a),
        Command::Mirrors(a) => mirrors::run(a),
    }
}

/// A rayon pool whose threads have room for deep (hostile) syntax trees.
pub fn pool(jobs: Option<usize>) -> anyhow::Result<rayon::ThreadPool> {
    let mut b = rayon::ThreadPoolBuilder::new().stack_size(256 << 20);
    if let Some(j) = jobs {
        b = b.num_threads(j.max(1));
    }
    Ok(b.build()?)
}

/// Peak resident memory of this process, from the kernel (Linux), in bytes.
pub fn peak_rss_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

pub fn paths_or_cwd(paths: Vec<PathBuf>) -> Vec<PathBuf> {
    if paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        paths
    }
}

//! `malpi eval`: scan a malicious and a benign corpus and print what a detector is judged
//! by: detection rate, false positives, errors, speed and peak memory, and what each rule
//! catches on each side.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::Args;
use malpi_rules::{Severity, VerdictKind};
use malpi_scan::{Report, ScanOptions};

use super::LimitArgs;
use super::output::Output;
use super::scan::{Input, progress_bar, scan_ordered};

#[derive(Args)]
pub struct EvalArgs {
    /// Folder of malicious packages (every one should be detected).
    #[arg(long, value_name = "DIR")]
    malicious: Option<PathBuf>,
    /// Folder of benign packages (none should be flagged).
    #[arg(long, value_name = "DIR")]
    benign: Option<PathBuf>,
    /// Also write every report as JSON lines to this file.
    #[arg(long, value_name = "FILE")]
    jsonl: Option<PathBuf>,
    /// List the malicious packages that were missed.
    #[arg(long)]
    show_misses: bool,
    /// Compare with an earlier run's `--jsonl` output: verdicts and triggers that moved.
    #[arg(long, value_name = "FILE")]
    baseline: Option<PathBuf>,
    /// Labels of the malicious samples (`path<TAB>harmful|harmless<TAB>class<TAB>why`, paths
    /// relative to --malicious): recall on the harmful ones, harmless ones flagged.
    #[arg(long, value_name = "FILE")]
    labels: Option<PathBuf>,
    #[command(flatten)]
    limits: LimitArgs,
}

#[derive(Default)]
struct Side {
    counts: BTreeMap<&'static str, usize>,
    total: usize,
    bytes: u64,
    seconds: f64,
    /// Packages each rule fired on (severity low or more).
    rules: BTreeMap<malpi_rules::RuleId, usize>,
    flagged: Vec<(String, Vec<String>)>,
    missed: Vec<String>,
    /// Each package, for a comparison with a baseline.
    seen: Vec<super::baseline::Seen>,
    /// Each file and whether it was judged malicious, for labels.
    judged: Vec<(String, bool)>,
}

fn scan_side(
    dir: &PathBuf,
    malicious: bool,
    opts: &ScanOptions,
    pool: &rayon::ThreadPool,
    jsonl: &mut Option<Output>,
) -> anyhow::Result<Side> {
    let inputs: Vec<Input> = malpi_scan::discover(std::slice::from_ref(dir))?
        .into_iter()
        .map(Input::from)
        .collect();
    let mut side = Side {
        total: inputs.len(),
        ..Side::default()
    };
    side.bytes = inputs
        .iter()
        .filter_map(|p| std::fs::metadata(&p.path).ok())
        .map(|m| m.len())
        .sum();
    let pb = progress_bar(inputs.len(), true);
    let start = Instant::now();
    scan_ordered(&inputs, opts, pool, pb.as_ref(), |r: Report| {
        *side.counts.entry(r.verdict.as_str()).or_default() += 1;
        let mut fired: Vec<malpi_rules::RuleId> = r
            .findings
            .iter()
            .filter(|f| f.severity >= Severity::Low)
            .map(|f| f.rule)
            .collect();
        fired.sort();
        fired.dedup();
        for id in fired {
            *side.rules.entry(id).or_default() += 1;
        }
        if !malicious && r.verdict == VerdictKind::Malicious {
            side.flagged
                .push((r.package.file.clone(), r.reasons.clone()));
        }
        if malicious && matches!(r.verdict, VerdictKind::Clean | VerdictKind::Suspicious) {
            side.missed.push(format!(
                "{} [{}] {}",
                r.package.file,
                r.verdict.as_str(),
                r.reasons.join("; ")
            ));
        }
        if let Some(out) = jsonl.as_mut() {
            malpi_report::write_jsonl_line(out, &r)?;
        }
        side.seen.push(super::baseline::Seen::of(&r));
        side.judged
            .push((r.package.file.clone(), r.verdict == VerdictKind::Malicious));
        Ok(())
    })?;
    side.seconds = start.elapsed().as_secs_f64();
    if let Some(pb) = pb {
        pb.finish_and_clear();
    }
    Ok(side)
}

pub(super) fn pct(n: usize, total: usize) -> f64 {
    if total == 0 {
        0.0
    } else {
        100.0 * n as f64 / total as f64
    }
}

fn print_side(name: &str, s: &Side) {
    let c = |k: &str| s.counts.get(k).copied().unwrap_or(0);
    println!(
        "{name:<10} {:>5} packages  malicious {:>5} ({:5.1}%)  suspicious {:>4} ({:4.1}%)  clean {:>4} ({:4.1}%)  error {:>3}",
        s.total,
        c("malicious"),
        pct(c("malicious"), s.total),
        c("suspicious"),
        pct(c("suspicious"), s.total),
        c("clean"),
        pct(c("clean"), s.total),
        c("error")
    );
    println!(
        "{:<10} {:.1} s, {:.1} packages/s, {:.1} MB/s of package files",
        "",
        s.seconds,
        s.total as f64 / s.seconds.max(1e-9),
        s.bytes as f64 / 1e6 / s.seconds.max(1e-9)
    );
}

pub fn run(args: EvalArgs) -> anyhow::Result<ExitCode> {
    if args.malicious.is_none() && args.benign.is_none() {
        anyhow::bail!("give --malicious DIR, --benign DIR, or both");
    }
    // Read first: a bad baseline is a usage error before any scanning.
    let baseline = args
        .baseline
        .as_deref()
        .map(super::baseline::load)
        .transpose()?;
    let labels = args
        .labels
        .as_deref()
        .map(super::labels::load)
        .transpose()?;
    if labels.is_some() && args.malicious.is_none() {
        anyhow::bail!("--labels judge the --malicious folder's samples: give --malicious DIR");
    }
    let opts = args.limits.options();
    let pool = super::pool(args.limits.jobs)?;
    let mut jsonl = args
        .jsonl
        .as_deref()
        .map(|p| Output::open(Some(p)))
        .transpose()?;
    let mal = args
        .malicious
        .as_ref()
        .map(|d| scan_side(d, true, &opts, &pool, &mut jsonl))
        .transpose()?;
    let ben = args
        .benign
        .as_ref()
        .map(|d| scan_side(d, false, &opts, &pool, &mut jsonl))
        .transpose()?;
    if let Some(out) = jsonl {
        out.finish()?;
    }
    println!("malpi eval ({} threads)", pool.current_num_threads());
    if let Some(m) = &mal {
        print_side("malicious", m);
    }
    if let Some(b) = &ben {
        print_side("benign", b);
    }
    if let (Some(labels), Some(m), Some(root)) = (&labels, &mal, &args.malicious) {
        super::labels::print(root, &m.judged, labels);
    }
    if let Some(kb) = super::peak_rss_bytes() {
        println!("peak memory {:.1} MB", kb as f64 / 1e6);
    }
    let empty = Side::default();
    let (m, b) = (
        mal.as_ref().unwrap_or(&empty),
        ben.as_ref().unwrap_or(&empty),
    );
    println!("\nrule     malicious-pkgs  benign-pkgs   (findings of severity low or more)");
    for rule in malpi_rules::RULES {
        let (mc, bc) = (
            m.rules.get(&rule.id).copied().unwrap_or(0),
            b.rules.get(&rule.id).copied().unwrap_or(0),
        );
        if mc + bc > 0 {
            println!(
                "{:<8} {:>6} ({:5.1}%)  {:>4} ({:5.1}%)  {}",
                rule.id,
                mc,
                pct(mc, m.total),
                bc,
                pct(bc, b.total),
                rule.name
            );
        }
    }
    if !b.flagged.is_empty() {
        println!("\nbenign packages judged malicious:");
        for (file, reasons) in &b.flagged {
            println!("  {file}\n    {}", reasons.join("\n    "));
        }
    }
    if let Some(before) = &baseline {
        if let Some(m) = &mal {
            super::baseline::print("malicious", &m.seen, before);
        }
        if let Some(b) = &ben {
            super::baseline::print("benign", &b.seen, before);
        }
    }
    if args.show_misses && !m.missed.is_empty() {
        println!("\nmalicious packages not judged malicious:");
        for line in &m.missed {
            println!("  {line}");
        }
    }
    std::io::stdout().flush()?;
    Ok(ExitCode::SUCCESS)
}

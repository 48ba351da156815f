//! The study's statistics over [`StudyData`]: the dataset and its sources, code attributes,
//! behaviours, triggers, techniques and platforms. Mirrors and lifecycle are in
//! `lifecycle.rs`.
//!
//! Counting rules: behaviour, trigger, technique, platform and code figures count each
//! scanned package version once (records whose scan ended in `error` are left out). A
//! package is counted under each category, technique and platform it shows (shares can sum
//! past 100%), but under one trigger only, its earliest (install before import before
//! runtime), so trigger shares sum to 100% as the study's do; the shares of packages with
//! each trigger at all are given too. Dataset figures count projects (distinct names).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::Serialize;

use crate::distribution::{self, Distribution};
use crate::lifecycle::{Lifecycle, MirrorPersistence};
use crate::model::{ScanSummary, StudyData};
use crate::reference;

/// The study's five behaviour categories, in the study's order.
pub const CATEGORIES: &[&str] = &[
    "command-execution",
    "information-stealing",
    "file-operation",
    "code-execution",
    "remote-control",
];
pub const TRIGGERS: &[&str] = &["install", "import", "runtime"];
pub const PLATFORMS: &[&str] = &["windows", "linux", "macos"];
/// Most sources in the overlap table, and most techniques listed: attacker-chosen names must
/// not grow the report without bound.
const MAX_SOURCES: usize = 12;
const MAX_TECHNIQUES: usize = 30;

/// `count` of `total` have it; `reference` is the study's share, when it gives one.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Share {
    pub label: String,
    pub count: usize,
    pub total: usize,
    pub reference: Option<f64>,
}

impl Share {
    fn new(label: &str, count: usize, total: usize) -> Share {
        Share {
            label: label.to_string(),
            count,
            total,
            reference: None,
        }
    }
    /// `count / total`, 0 when there is nothing to count.
    pub fn fraction(&self) -> f64 {
        if self.total == 0 {
            0.0
        } else {
            self.count as f64 / self.total as f64
        }
    }
}

/// Projects reported by both of two sources.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Overlap {
    pub a: String,
    pub b: String,
    pub count: usize,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Dataset {
    /// Package versions (records).
    pub packages: usize,
    /// Distinct project names.
    pub projects: usize,
    /// Package versions with a scan, and of those the ones not ended in `error`.
    pub scanned: usize,
    pub analysed: usize,
    /// Verdicts of the scanned package versions.
    pub verdicts: Vec<Share>,
    /// Projects each source reported, of the projects any source reported.
    pub by_source: Vec<Share>,
    /// Projects by how many sources reported them (`1 source`, `2 sources`, `3+ sources`).
    pub by_source_count: Vec<Share>,
    pub overlaps: Vec<Overlap>,
    /// Projects no source reported (scanned only).
    pub unreported: usize,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct CodeAttributes {
    pub files: Distribution,
    pub lines: Distribution,
    /// Evidence lines / lines of code, over packages with code and evidence.
    pub density: Distribution,
}

/// Everything the report shows.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Stats {
    pub dataset: Dataset,
    pub code: CodeAttributes,
    pub categories: Vec<Share>,
    /// Packages showing two or more behaviour categories.
    pub multi_behaviour: Share,
    /// Each package once, by its earliest trigger.
    pub earliest_triggers: Vec<Share>,
    /// Packages with each trigger at all.
    pub any_triggers: Vec<Share>,
    pub techniques: Vec<Share>,
    pub platforms: Vec<Share>,
    pub mirrors: Vec<MirrorPersistence>,
    pub lifecycle: Lifecycle,
}

impl Stats {
    pub fn compute(data: &StudyData) -> Stats {
        let scans: Vec<&ScanSummary> = data
            .packages
            .iter()
            .filter_map(|p| p.scan.as_ref())
            .filter(|s| s.verdict != "error")
            .collect();
        let total = scans.len();
        let count = |pred: &dyn Fn(&ScanSummary) -> bool| scans.iter().filter(|s| pred(s)).count();
        let has = |list: &[String], label: &str| list.iter().any(|x| x == label);

        let categories = CATEGORIES
            .iter()
            .map(|c| Share {
                reference: reference::lookup(reference::CATEGORY_SHARES, c),
                ..Share::new(c, count(&|s| has(&s.categories, c)), total)
            })
            .collect();
        let behaviours =
            |s: &ScanSummary| CATEGORIES.iter().filter(|c| has(&s.categories, c)).count();
        let multi_behaviour = Share::new("2+ categories", count(&|s| behaviours(s) >= 2), total);

        let with_trigger: Vec<&&ScanSummary> = scans
            .iter()
            .filter(|s| TRIGGERS.iter().any(|t| has(&s.triggers, t)))
            .collect();
        let earliest = |s: &ScanSummary| TRIGGERS.iter().find(|t| has(&s.triggers, t)).copied();
        let earliest_triggers = TRIGGERS
            .iter()
            .map(|t| Share {
                reference: reference::lookup(reference::TRIGGER_SHARES, t),
                ..Share::new(
                    t,
                    with_trigger
                        .iter()
                        .filter(|s| earliest(s) == Some(t))
                        .count(),
                    with_trigger.len(),
                )
            })
            .collect();
        let any_triggers = TRIGGERS
            .iter()
            .map(|t| {
                let n = with_trigger.iter().filter(|s| has(&s.triggers, t)).count();
                Share::new(t, n, with_trigger.len())
            })
            .collect();

        let mut techniques = ranked(scans.iter().map(|s| s.techniques.as_slice()), total);
        techniques.truncate(MAX_TECHNIQUES);
        techniques.insert(
            0,
            Share::new("any technique", count(&|s| !s.techniques.is_empty()), total),
        );

        let mut platforms: Vec<Share> = PLATFORMS
            .iter()
            .map(|p| Share::new(p, count(&|s| has(&s.platforms, p)), total))
            .collect();
        let targeted = |s: &ScanSummary| PLATFORMS.iter().filter(|p| has(&s.platforms, p)).count();
        platforms.insert(
            0,
            Share::new("any platform check", count(&|s| targeted(s) > 0), total),
        );
        platforms.push(Share::new(
            "2+ platforms",
            count(&|s| targeted(s) >= 2),
            total,
        ));

        Stats {
            dataset: dataset(data, &scans),
            code: code_attributes(&scans),
            categories,
            multi_behaviour,
            earliest_triggers,
            any_triggers,
            techniques,
            platforms,
            mirrors: crate::lifecycle::mirror_persistence(data),
            lifecycle: crate::lifecycle::lifecycle(data),
        }
    }
}

/// Shares of each label over `total`, most frequent first (ties by name).
fn ranked<'a>(lists: impl Iterator<Item = &'a [String]>, total: usize) -> Vec<Share> {
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for list in lists {
        let distinct: BTreeSet<&str> = list.iter().map(String::as_str).collect();
        for label in distinct {
            *counts.entry(label).or_default() += 1;
        }
    }
    let mut shares: Vec<Share> = counts
        .into_iter()
        .map(|(label, n)| Share::new(label, n, total))
        .collect();
    shares.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.label.cmp(&b.label)));
    shares
}

fn dataset(data: &StudyData, scans: &[&ScanSummary]) -> Dataset {
    let mut sources_of: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for p in &data.packages {
        sources_of
            .entry(p.name.as_str())
            .or_default()
            .extend(p.sources.iter().map(String::as_str));
    }
    let reported: Vec<&BTreeSet<&str>> = sources_of.values().filter(|s| !s.is_empty()).collect();
    let lists: Vec<Vec<String>> = reported
        .iter()
        .map(|s| s.iter().map(|x| x.to_string()).collect())
        .collect();
    let by_source = ranked(lists.iter().map(Vec::as_slice), reported.len());
    let top: Vec<&str> = by_source
        .iter()
        .take(MAX_SOURCES)
        .map(|s| s.label.as_str())
        .collect();
    let mut overlaps = Vec::new();
    for (i, a) in top.iter().enumerate() {
        for b in &top[i + 1..] {
            let count = reported
                .iter()
                .filter(|s| s.contains(a) && s.contains(b))
                .count();
            overlaps.push(Overlap {
                a: a.to_string(),
                b: b.to_string(),
                count,
            });
        }
    }
    let with_n = |pred: &dyn Fn(usize) -> bool| reported.iter().filter(|s| pred(s.len())).count();
    let by_source_count = vec![
        Share::new("1 source", with_n(&|n| n == 1), reported.len()),
        Share::new("2 sources", with_n(&|n| n == 2), reported.len()),
        Share::new("3+ sources", with_n(&|n| n >= 3), reported.len()),
    ];
    let scanned: Vec<&ScanSummary> = data
        .packages
        .iter()
        .filter_map(|p| p.scan.as_ref())
        .collect();
    let verdicts = ["malicious", "suspicious", "clean", "error"]
        .iter()
        .map(|v| {
            let n = scanned.iter().filter(|s| s.verdict == *v).count();
            Share::new(v, n, scanned.len())
        })
        .collect();
    Dataset {
        packages: data.packages.len(),
        projects: sources_of.len(),
        scanned: scanned.len(),
        analysed: scans.len(),
        verdicts,
        by_source,
        by_source_count,
        overlaps,
        unreported: sources_of.len() - reported.len(),
    }
}

fn code_attributes(scans: &[&ScanSummary]) -> CodeAttributes {
    let density = scans
        .iter()
        .filter(|s| s.python_lines > 0 && s.evidence_lines > 0)
        .map(|s| (s.evidence_lines as f64 / s.python_lines as f64).min(1.0))
        .collect();
    CodeAttributes {
        files: Distribution::of(
            scans.iter().map(|s| s.python_files as f64).collect(),
            distribution::FILE_BINS,
        ),
        lines: Distribution::of(
            scans.iter().map(|s| s.python_lines as f64).collect(),
            distribution::LINE_BINS,
        ),
        density: Distribution::of(density, distribution::DENSITY_BINS),
    }
}

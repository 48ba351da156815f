//! The study's input: what is known about each reported package and what the mirrors served.
//! A store, or a scan file joined with OSV reports, fills it; the statistics only read it.

use serde::{Deserialize, Serialize};

use crate::time::Timestamp;

/// Everything the study is computed from.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct StudyData {
    /// One record per package version (or per project, `version` empty, when only the
    /// project is known, as for a report naming no version).
    pub packages: Vec<PackageRecord>,
    pub mirror_observations: Vec<MirrorObservation>,
}

/// A reported (or scanned) package version.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct PackageRecord {
    /// PEP 503 normalised project name.
    pub name: String,
    /// Empty when unknown.
    pub version: String,
    /// Who reported it (`ossf`, `reversing-labs`, `socket`...), sorted, without repeats.
    pub sources: Vec<String>,
    /// Discovery: the first report's published date.
    pub reported_at: Option<Timestamp>,
    /// Release: upload time on the index, or first observation.
    pub released_at: Option<Timestamp>,
    /// Removal from PyPI: first observation absent after present, or the first check when
    /// PyPI no longer served it then.
    pub removed_at: Option<Timestamp>,
    /// PyPI no longer served it at the first check: `removed_at` is only the check's date,
    /// a bound, not when it went (such removals are left out of the residual period).
    #[serde(default)]
    pub gone_at_first_check: bool,
    /// What malpi's scan found; `None` when no file of it was scanned.
    pub scan: Option<ScanSummary>,
}

/// The part of a scan report the study uses (names as in malpi's JSON output).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ScanSummary {
    /// `malicious`, `suspicious`, `clean` or `error`.
    pub verdict: String,
    /// Behaviour categories (`command-execution`...).
    pub categories: Vec<String>,
    /// `install`, `import`, `runtime`.
    pub triggers: Vec<String>,
    /// Anti-detection techniques.
    pub techniques: Vec<String>,
    pub python_files: u64,
    pub python_lines: u64,
    pub evidence_lines: u64,
    /// `windows`, `linux`, `macos`.
    pub platforms: Vec<String>,
}

/// One probe of one mirror for one package (and version, when the probe was for a version).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MirrorObservation {
    pub mirror: String,
    /// PEP 503 normalised project name.
    pub package: String,
    /// `None`: the project page was probed.
    pub version: Option<String>,
    pub presence: Presence,
    pub observed_at: Timestamp,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Presence {
    Present,
    Absent,
    /// The probe failed (timeout, HTTP 5xx): says nothing about the package.
    Error,
}

impl ScanSummary {
    /// Merge the scan of another file of the same version (an sdist and a wheel): the union
    /// of what either shows, the strongest verdict, the larger code.
    pub fn merge(&mut self, other: ScanSummary) {
        fn union(into: &mut Vec<String>, from: Vec<String>) {
            into.extend(from);
            into.sort();
            into.dedup();
        }
        if verdict_rank(&other.verdict) > verdict_rank(&self.verdict) {
            self.verdict = other.verdict;
        }
        union(&mut self.categories, other.categories);
        union(&mut self.triggers, other.triggers);
        union(&mut self.techniques, other.techniques);
        union(&mut self.platforms, other.platforms);
        if other.python_lines > self.python_lines {
            self.python_files = other.python_files;
            self.python_lines = other.python_lines;
            self.evidence_lines = other.evidence_lines;
        }
    }
}

/// Order of verdicts by strength; an error is weaker than any real verdict.
pub fn verdict_rank(verdict: &str) -> u8 {
    match verdict {
        "malicious" => 3,
        "suspicious" => 2,
        "clean" => 1,
        _ => 0,
    }
}

//! What goes into the store (records from importers, scans, observations) and what comes
//! out (stats, reported packages).

use serde::Serialize;

/// One unit an importer hands to the store.
#[derive(Clone, Debug)]
pub enum Record {
    Report(ReportRecord),
    File(FileRecord),
    /// Read but not for the store (another ecosystem): counted, not written.
    Skipped,
}

/// A report that projects (and maybe versions) are malicious.
#[derive(Clone, Debug, Default)]
pub struct ReportRecord {
    /// Unique across the store: an OSV id, or `SOURCE/NAME` for lists and manifests.
    pub key: String,
    /// Project name as written (normalised by the store).
    pub project: String,
    /// Who reported it: (source name, the source's own id or "").
    pub sources: Vec<(String, String)>,
    pub summary: Option<String>,
    pub details: Option<String>,
    pub aliases: Vec<String>,
    pub references: Vec<Reference>,
    pub published: Option<String>,
    pub modified: Option<String>,
    pub withdrawn: Option<String>,
    /// Every version is affected (an OSV range introduced at 0, a list line without version).
    pub all_versions: bool,
    pub versions: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Reference {
    #[serde(rename = "type", default)]
    pub kind: String,
    pub url: String,
}

/// A package file found in a collection.
#[derive(Clone, Debug)]
pub struct FileRecord {
    pub project: String,
    pub version: Option<String>,
    pub filename: String,
    /// Where the source had it (a path inside the collection).
    pub location: String,
    pub source: String,
    pub sha256: String,
    pub size: u64,
    /// When the source added it, if it says.
    pub added: Option<String>,
    pub scan: Option<ScanRecord>,
}

/// malpi's verdict on one file.
#[derive(Clone, Debug, Serialize)]
pub struct ScanRecord {
    pub sha256: String,
    pub malpi_version: String,
    pub verdict: String,
    pub score: f64,
    pub categories: Vec<String>,
    pub triggers: Vec<String>,
    pub techniques: Vec<String>,
    pub findings: serde_json::Value,
    pub errors: Vec<String>,
    pub files_analysed: u64,
    /// Python files, lines of code, and lines holding evidence (the report's `code`).
    pub python_files: u64,
    pub python_lines: u64,
    pub evidence_lines: u64,
    /// Operating systems the code singles out (`windows`, `linux`, `macos`).
    pub platforms: Vec<String>,
}

impl ScanRecord {
    pub fn from_report(r: &malpi_scan::Report) -> ScanRecord {
        fn words<T: Serialize>(items: &[T]) -> Vec<String> {
            items
                .iter()
                .filter_map(|i| serde_json::to_value(i).ok())
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect()
        }
        ScanRecord {
            sha256: r.package.sha256.clone(),
            malpi_version: crate::MALPI_VERSION.to_string(),
            verdict: serde_json::to_value(r.verdict)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default(),
            score: r.score,
            categories: words(&r.categories),
            triggers: words(&r.triggers),
            techniques: r.techniques.clone(),
            findings: serde_json::to_value(&r.findings).unwrap_or_default(),
            errors: r.errors.clone(),
            files_analysed: r.files_analysed as u64,
            python_files: r.code.python_files,
            python_lines: r.code.python_lines,
            evidence_lines: r.code.evidence_lines,
            platforms: words(&r.platforms),
        }
    }
}

/// A record that could not be imported, and why; the rest of the import goes on.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct RecordError {
    /// File, with `:line` for line-based inputs, or the record's id.
    pub location: String,
    pub reason: String,
}

impl std::fmt::Display for RecordError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.location, self.reason)
    }
}

/// What one import did, record by record.
#[derive(Clone, Debug, Default, Serialize)]
pub struct ImportSummary {
    /// Records read (written, unchanged or skipped), errors not included.
    pub records: u64,
    pub added: u64,
    pub updated: u64,
    pub unchanged: u64,
    /// Read but not kept (another ecosystem).
    pub skipped: u64,
    /// Files scanned during this import.
    pub scanned: u64,
    pub errors: Vec<RecordError>,
}

/// What writing one record did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Added,
    Updated,
    Unchanged,
}

/// A mirror's answer for one project, version or file (issue 6 writes these).
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Observation {
    pub mirror: String,
    /// Project name (normalised by the store).
    pub project: String,
    pub version: Option<String>,
    pub filename: Option<String>,
    pub file_sha256: Option<String>,
    pub status: ObservationStatus,
    pub http_status: Option<u16>,
    /// sha256 digests the mirror listed for the project or file.
    pub hashes_served: Vec<String>,
    pub detail: Option<String>,
    /// ISO-8601 UTC; [`crate::time::now`] when observed live.
    pub observed_at: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ObservationStatus {
    Present,
    Absent,
    Error,
}

impl ObservationStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ObservationStatus::Present => "present",
            ObservationStatus::Absent => "absent",
            ObservationStatus::Error => "error",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "present" => Some(ObservationStatus::Present),
            "absent" => Some(ObservationStatus::Absent),
            "error" => Some(ObservationStatus::Error),
            _ => None,
        }
    }
}

/// Counts over the whole store (`malpi db stats`): the study's Table I and more.
#[derive(Clone, Debug, Default, Serialize, PartialEq)]
pub struct Stats {
    pub schema_version: i64,
    pub projects: i64,
    pub versions: i64,
    pub reports: i64,
    pub withdrawn_reports: i64,
    pub files: i64,
    /// Files with a scan by this malpi version, and without.
    pub scanned_files: i64,
    pub unscanned_files: i64,
    /// Verdicts of this malpi version's scans.
    pub verdicts: Vec<(String, i64)>,
    pub sources: Vec<SourceStats>,
    /// Projects reported by both sources (withdrawn reports left out).
    pub overlap: Vec<Overlap>,
    /// After merging every source: distinct projects and versions reported.
    pub merged_projects: i64,
    pub merged_versions: i64,
    /// How many projects exactly n sources report: (n, projects).
    pub projects_by_source_count: Vec<(i64, i64)>,
    pub mirror_observations: i64,
}

#[derive(Clone, Debug, Default, Serialize, PartialEq)]
pub struct SourceStats {
    pub source: String,
    pub reports: i64,
    pub projects: i64,
    pub versions: i64,
    pub files: i64,
    /// Projects no other source reports.
    pub only_here: i64,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Overlap {
    pub a: String,
    pub b: String,
    pub projects: i64,
}

/// A reported project with everything known about it (exports, mirrors, lifecycle).
#[derive(Clone, Debug, Serialize)]
pub struct ReportedPackage {
    /// Normalised name.
    pub name: String,
    pub display_name: String,
    pub sources: Vec<String>,
    /// Some report says every version.
    pub all_versions: bool,
    /// Earliest `published` of its reports: the discovery date.
    pub first_published: Option<String>,
    /// Every report of it is withdrawn.
    pub withdrawn: bool,
    pub reports: Vec<ReportInfo>,
    pub versions: Vec<ReportedVersion>,
}

#[derive(Clone, Debug, Serialize)]
pub struct ReportInfo {
    pub key: String,
    pub sources: Vec<(String, String)>,
    pub summary: Option<String>,
    pub aliases: Vec<String>,
    pub references: Vec<Reference>,
    pub published: Option<String>,
    pub modified: Option<String>,
    pub withdrawn: Option<String>,
    pub all_versions: bool,
    pub versions: Vec<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct ReportedVersion {
    pub version: String,
    /// Sources naming this version (reports or files).
    pub sources: Vec<String>,
    pub files: Vec<StoredFile>,
}

#[derive(Clone, Debug, Serialize)]
pub struct StoredFile {
    pub sha256: String,
    pub filename: String,
    pub size: u64,
    pub upload_time: Option<String>,
    /// The latest scan's verdict and score, if scanned.
    pub verdict: Option<String>,
    pub score: Option<f64>,
}

/// One stored scan with the file's project and version (for the study report).
#[derive(Clone, Debug, Serialize)]
pub struct StoredScan {
    pub sha256: String,
    pub project: Option<String>,
    pub version: Option<String>,
    pub filename: String,
    pub scan: ScanRecord,
    pub scanned_at: String,
}

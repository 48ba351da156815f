//! The report of one package: the output contract other tools depend on.

use malpi_python::{Platform, Trigger};
use malpi_rules::iocs::Ioc;
use malpi_rules::{Category, Finding, VerdictKind};
use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PackageKind {
    Sdist,
    Wheel,
    Egg,
    Dir,
    File,
}

#[derive(Clone, Debug, Serialize)]
pub struct PackageInfo {
    pub name: String,
    pub version: String,
    /// Absolute path of the input, or the URL a fetched input came from.
    pub file: String,
    pub sha256: String,
    pub kind: PackageKind,
    /// Carried to the report's `metadata` (not repeated here).
    #[serde(skip)]
    pub metadata: Option<crate::metadata::Metadata>,
}

impl PackageInfo {
    pub fn new(file: String, kind: PackageKind) -> Self {
        PackageInfo {
            name: String::new(),
            version: String::new(),
            file,
            sha256: String::new(),
            kind,
            metadata: None,
        }
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct Report {
    pub package: PackageInfo,
    pub verdict: VerdictKind,
    pub score: f64,
    pub categories: Vec<Category>,
    pub triggers: Vec<Trigger>,
    pub techniques: Vec<String>,
    /// The combination or signature that decided the verdict, in words.
    pub reasons: Vec<String>,
    /// The named combinations of evidence that held, decisive ones first.
    pub combinations: Vec<malpi_rules::Combination>,
    pub findings: Vec<Finding>,
    pub iocs: Vec<Ioc>,
    pub errors: Vec<String>,
    /// What the package's own metadata (PKG-INFO / METADATA) declares.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata: Option<crate::metadata::Metadata>,
    pub files_analysed: usize,
    /// Python files read but not parsed: the screen found nothing any rule looks at.
    pub files_screened: usize,
    /// Python files, lines of code, and lines holding evidence (malicious-code density).
    pub code: crate::CodeSize,
    /// Operating systems the code singles out by comparing the platform with their name
    /// (`sys.platform == "win32"`), outside tests and docs.
    pub platforms: Vec<Platform>,
}

impl Report {
    /// The report of an input that could not be read.
    pub fn error(package: PackageInfo, reason: String) -> Self {
        Report {
            package,
            verdict: VerdictKind::Error,
            score: 0.0,
            categories: Vec::new(),
            triggers: Vec::new(),
            techniques: Vec::new(),
            reasons: Vec::new(),
            combinations: Vec::new(),
            findings: Vec::new(),
            iocs: Vec::new(),
            errors: vec![reason],
            metadata: None,
            files_analysed: 0,
            files_screened: 0,
            code: crate::CodeSize::default(),
            platforms: Vec::new(),
        }
    }
}

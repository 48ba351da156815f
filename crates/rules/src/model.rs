//! What rules read (package facts) and what they write (findings).

use malpi_python::{FileFacts, Span, Trigger};
use serde::Serialize;

pub use crate::id::{Behaviour, RuleId};

/// The study's five behaviour categories, plus the two kinds of evidence that are not
/// behaviour: anti-detection techniques and package-level (archive, metadata) oddities.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    CommandExecution,
    InformationStealing,
    FileOperation,
    CodeExecution,
    RemoteControl,
    AntiDetection,
    Package,
}

impl Category {
    pub fn as_str(self) -> &'static str {
        match self {
            Category::CommandExecution => "command-execution",
            Category::InformationStealing => "information-stealing",
            Category::FileOperation => "file-operation",
            Category::CodeExecution => "code-execution",
            Category::RemoteControl => "remote-control",
            Category::AntiDetection => "anti-detection",
            Category::Package => "package",
        }
    }
    /// Whether this is one of the study's five behaviour categories.
    pub fn is_behaviour(self) -> bool {
        !matches!(self, Category::AntiDetection | Category::Package)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
    /// How much one finding of this severity moves the score.
    pub fn weight(self) -> f64 {
        match self {
            Severity::Info => 0.02,
            Severity::Low => 0.12,
            Severity::Medium => 0.35,
            Severity::High => 0.7,
            Severity::Critical => 0.97,
        }
    }
}

/// One piece of evidence, explained.
#[derive(Clone, Debug, Serialize)]
pub struct Finding {
    pub rule: RuleId,
    pub category: Category,
    pub behaviour: Behaviour,
    pub severity: Severity,
    pub confidence: f64,
    pub path: String,
    pub line: u32,
    pub column: u32,
    pub snippet: String,
    pub message: String,
    pub trigger: Option<Trigger>,
    /// Found in a test, doc or example file: reported, but it shows no intent in combination.
    #[serde(skip)]
    pub auxiliary: bool,
    /// For evidence inside a decoded payload: the chain that produced it
    /// (`setup.py:12 → base64.b64decode → zlib.decompress → <payload>`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decoded_from: Option<String>,
    /// For code that runs because something starts it: the chain from the entry point
    /// (`setup.py runs at install` → `setup command → PostInstall.run` → `calls _beacon`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub reached_by: Vec<malpi_python::Step>,
    /// For a flow: each step from where the data is read to the sink that sends or runs it.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub flow: Vec<malpi_python::Step>,
    /// The code scope of the file the finding sits in, for the program model to fill
    /// `reached_by` (`None` for findings about the package or a non-Python member).
    #[serde(skip)]
    pub scope: Option<malpi_python::ScopeId>,
    /// The file path the code targets, as written (`~/.aws/credentials`, a startup folder):
    /// an indicator a defender can watch.
    #[serde(skip)]
    pub target_path: Option<String>,
}

/// A member of the package that is not Python source (or is, but is also listed here).
#[derive(Clone, Debug)]
pub struct Member {
    pub path: String,
    pub size: u64,
    /// The first bytes, for magic numbers.
    pub head: Vec<u8>,
}

/// Something the archive reader reported: a tripped limit, an unsafe path, a link.
#[derive(Clone, Debug)]
pub struct ArchiveIssue {
    pub kind: ArchiveIssueKind,
    pub detail: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArchiveIssueKind {
    Limit,
    UnsafePath,
    Link,
    Corrupt,
}

/// Everything known about one package, the input of every rule.
#[derive(Debug, Default)]
pub struct PackageFacts {
    pub name: String,
    pub version: String,
    /// Projects the package's metadata says it depends on.
    pub dependencies: Vec<String>,
    /// The summary its metadata declares (`None`: no metadata found).
    pub summary: Option<String>,
    /// Home page and project URLs its metadata declares.
    pub urls: Vec<String>,
    pub files: Vec<FileFacts>,
    pub members: Vec<Member>,
    pub archive_issues: Vec<ArchiveIssue>,
    /// Sinks the package reaches with data, sources followed across its functions and
    /// modules (filled by the program model).
    pub flows: Vec<malpi_python::PackageFlow>,
    /// The fragment-list hits of every string, computed by the first rule that asks.
    pub text: crate::text::TextIndex,
    /// How the package's name imitates a popular project's, checked by the first rule that
    /// asks ([`PackageFacts::squat`]).
    pub squat_check: std::sync::OnceLock<Option<malpi_names::Squat>>,
}

impl PackageFacts {
    /// How the package's name imitates a popular project's, if it does.
    pub fn squat(&self) -> Option<&malpi_names::Squat> {
        self.squat_check
            .get_or_init(|| malpi_names::Popular::builtin().check(&self.name))
            .as_ref()
    }
}

/// A rule: its metadata next to its check.
pub struct Rule {
    pub id: RuleId,
    pub name: &'static str,
    pub category: Category,
    /// Severity of the rule's typical finding; a check may raise or lower it per finding.
    pub severity: Severity,
    pub description: &'static str,
    pub check: fn(&Rule, &PackageFacts, &mut Vec<Finding>),
}

impl Rule {
    /// A finding of this rule at a place in a Python file.
    pub fn at(
        &self,
        file: &FileFacts,
        span: Span,
        trigger: Trigger,
        behaviour: Behaviour,
        message: String,
    ) -> Finding {
        debug_assert_eq!(
            behaviour.category(),
            self.category,
            "{} reports {behaviour}",
            self.id
        );
        Finding {
            rule: self.id,
            category: self.category,
            behaviour,
            severity: self.severity,
            confidence: 0.9,
            path: file.path.clone(),
            line: span.line,
            column: span.column,
            snippet: file.snippet(span),
            message,
            trigger: Some(trigger),
            auxiliary: file.role == malpi_python::FileRole::Auxiliary,
            decoded_from: file.provenance(span.layer),
            reached_by: Vec::new(),
            flow: Vec::new(),
            scope: Some(span.scope),
            target_path: None,
        }
    }

    /// A finding about the package as a whole, or a non-Python member.
    pub fn about(&self, path: &str, behaviour: Behaviour, message: String) -> Finding {
        debug_assert_eq!(
            behaviour.category(),
            self.category,
            "{} reports {behaviour}",
            self.id
        );
        Finding {
            rule: self.id,
            category: self.category,
            behaviour,
            severity: self.severity,
            confidence: 0.9,
            path: path.to_string(),
            line: 0,
            column: 0,
            snippet: String::new(),
            message,
            trigger: None,
            auxiliary: false,
            decoded_from: None,
            reached_by: Vec::new(),
            flow: Vec::new(),
            scope: None,
            target_path: None,
        }
    }
}

impl Finding {
    pub fn severity(mut self, s: Severity) -> Self {
        self.severity = s;
        self
    }
    pub fn confidence(mut self, c: f64) -> Self {
        self.confidence = c;
        self
    }
    pub fn targeting(mut self, path: &str) -> Self {
        self.target_path = Some(path.to_string());
        self
    }
}

/// Severity that grows with how early code runs: the same call is more telling in setup.py
/// than deep in a function.
pub fn by_trigger(t: Trigger, install: Severity, import: Severity, runtime: Severity) -> Severity {
    match t {
        Trigger::Install => install,
        Trigger::Import => import,
        Trigger::Runtime => runtime,
    }
}

//! malpi-scan: the scanning pipeline, archive → files → facts → rules → verdict.
//!
//! No network, no database: a package file (or folder) in, a [`Report`] out. Errors are
//! values: an input that cannot be read still gets a report, with verdict `error`.

mod code_size;
mod inputs;
mod metadata;
mod program;
mod report;

pub use code_size::CodeSize;
pub use inputs::{DiscoverError, discover};
pub use malpi_archive::Limits;
pub use metadata::{Metadata, from_members as read_metadata};
pub use report::{PackageInfo, PackageKind, Report};

use std::path::Path;

use malpi_archive::{Archive, Format, Problem};
use malpi_python::FileRole;
use malpi_rules::{ArchiveIssue, ArchiveIssueKind, Member, PackageFacts, VerdictKind};
use sha2::{Digest, Sha256};

/// Settings of one scan.
#[derive(Clone, Debug)]
pub struct ScanOptions {
    pub limits: Limits,
    /// Time to spend on the Python files of one package; past it, the files not yet analysed
    /// are listed in `errors` and the package is judged on the rest (a batch goes on).
    pub timeout: std::time::Duration,
    /// Largest input file read into memory; bigger inputs get an error report.
    pub max_input_bytes: u64,
}

impl Default for ScanOptions {
    fn default() -> Self {
        ScanOptions {
            limits: Limits::default(),
            timeout: std::time::Duration::from_secs(DEFAULT_TIMEOUT_SECS),
            max_input_bytes: MAX_INPUT_BYTES,
        }
    }
}

/// Default time budget per package.
pub const DEFAULT_TIMEOUT_SECS: u64 = 10;

/// Default of [`ScanOptions::max_input_bytes`].
pub const MAX_INPUT_BYTES: u64 = 1 << 30;

/// Scan one input: an archive, a Python file, or an unpacked package folder.
pub fn scan_path(path: &Path, opts: &ScanOptions) -> Report {
    scan_path_as(path, None, opts)
}

/// Scan one input, giving it `name` in the report instead of its absolute path (a file
/// fetched into the cache is reported under its URL; the name's last part is the file name
/// that tells sdists from wheels and `setup.py` from modules).
pub fn scan_path_as(path: &Path, name: Option<&str>, opts: &ScanOptions) -> Report {
    let file = match name {
        Some(n) => n.to_string(),
        None => std::path::absolute(path)
            .unwrap_or_else(|_| path.to_path_buf())
            .display()
            .to_string(),
    };
    // A bug must cost one input its report, not the whole run: the input gets an error line.
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        scan_path_unguarded(path, file.clone(), opts)
    }))
    .unwrap_or_else(|panic| {
        let what = panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        let kind = if path.is_dir() {
            PackageKind::Dir
        } else {
            PackageKind::File
        };
        Report::error(
            PackageInfo::new(file, kind),
            format!("internal error while scanning (please report it): {what}"),
        )
    })
}

fn scan_path_unguarded(path: &Path, file: String, opts: &ScanOptions) -> Report {
    if path.is_dir() {
        let mut info = PackageInfo::new(file, PackageKind::Dir);
        return match malpi_archive::read_dir_tree(path, &opts.limits, &keep) {
            Ok(archive) => {
                info.name = path
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                analyse(info, archive, opts)
            }
            Err(e) => Report::error(info, format!("cannot read folder: {e}")),
        };
    }
    let info = PackageInfo::new(file, PackageKind::File);
    match std::fs::metadata(path) {
        Ok(m) if m.len() > opts.max_input_bytes => {
            return scan_oversized(info, path, m.len(), opts);
        }
        Err(e) => return Report::error(info, format!("cannot read {}: {e}", path.display())),
        Ok(_) => {}
    }
    match std::fs::read(path) {
        Ok(bytes) => scan_bytes(info, &bytes, opts),
        Err(e) => Report::error(info, format!("cannot read {}: {e}", path.display())),
    }
}

/// An input over the input limit: an archive is refused (it must be read whole); a source
/// file is read up to the member limit, as it would be inside an archive.
fn scan_oversized(info: PackageInfo, path: &Path, size: u64, opts: &ScanOptions) -> Report {
    use std::io::Read;
    let too_big = |info| {
        let most = opts.max_input_bytes;
        Report::error(
            info,
            format!("input is {size} bytes, over the {most}-byte input limit (raise --max-memory)"),
        )
    };
    let mut head = Vec::new();
    let read = std::fs::File::open(path).and_then(|f| {
        f.take(opts.limits.max_member_bytes.min(size))
            .read_to_end(&mut head)
    });
    if let Err(e) = read {
        return Report::error(info, format!("cannot read {}: {e}", path.display()));
    }
    if !matches!(malpi_archive::detect_format(&head), Format::Unknown) {
        return too_big(info);
    }
    let mut report = scan_bytes(info, &head, opts);
    if report.verdict == VerdictKind::Error {
        return too_big(report.package);
    }
    report.errors.push(format!(
        "limit: input is {size} bytes; the first {} read",
        head.len()
    ));
    // The hash names the whole file, not the part read.
    if let Ok(sha) = sha256_of_file(path) {
        report.package.sha256 = sha;
    }
    report
}

fn sha256_of_file(path: &Path) -> std::io::Result<String> {
    let mut hasher = Sha256::new();
    std::io::copy(&mut std::fs::File::open(path)?, &mut hasher)?;
    Ok(hex(&hasher.finalize()))
}

/// Scan an input already in memory. `info.file` names it; the kind is found from the bytes.
pub fn scan_bytes(mut info: PackageInfo, bytes: &[u8], opts: &ScanOptions) -> Report {
    info.sha256 = hex(&Sha256::digest(bytes));
    let file_name = Path::new(&info.file)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    if bytes.is_empty() {
        return Report::error(info, "empty file".into());
    }
    let format = malpi_archive::detect_format(bytes);
    match format {
        Format::Unknown | Format::Gzip => {
            if looks_like_python(&file_name, bytes) {
                info.kind = PackageKind::File;
                let (name, version) = metadata::from_file_name(&file_name);
                info.name = name;
                info.version = version;
                let role = role_of(&file_name, true, Layout::Other);
                // A bare file is held to the member limit like a file in an archive.
                let cap = usize::try_from(opts.limits.max_member_bytes).unwrap_or(usize::MAX);
                let mut errors = Vec::new();
                if bytes.len() > cap {
                    errors.push(format!(
                        "limit: {file_name} is larger than {cap} bytes; read in part"
                    ));
                }
                let facts = PackageFacts {
                    name: info.name.clone(),
                    version: info.version.clone(),
                    files: vec![malpi_python::analyze(
                        &file_name,
                        &bytes[..bytes.len().min(cap)],
                        role,
                    )],
                    ..PackageFacts::default()
                };
                let entries = malpi_program::Entries::default();
                let code = CodeSize {
                    python_files: 1,
                    python_lines: code_size::code_lines(&bytes[..bytes.len().min(cap)]),
                    evidence_lines: 0,
                };
                return finish(info, facts, &entries, &opts.limits, code, errors);
            }
            Report::error(
                info,
                format!("not a package: unrecognised format ({format:?}) and not Python source"),
            )
        }
        _ => match malpi_archive::read_archive(bytes, &opts.limits, &keep) {
            Ok(archive) => {
                info.kind = metadata::kind_of(&file_name, &archive);
                let (name, version) = metadata::from_file_name(&file_name);
                info.name = name;
                info.version = version;
                analyse(info, archive, opts)
            }
            Err(e) => Report::error(info, format!("cannot read archive: {e}")),
        },
    }
}

/// Which members' whole content the analysis needs.
fn keep(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    lower.ends_with(".py")
        || lower.ends_with(".pyw")
        || lower.ends_with(".pth")
        || lower.ends_with("pkg-info")
        || lower.ends_with("metadata")
        || lower.ends_with("setup.cfg")
        || lower.ends_with("pyproject.toml")
        || lower.ends_with(".dist-info/entry_points.txt")
        || lower.ends_with(".egg-info/entry_points.txt")
}

fn looks_like_python(name: &str, bytes: &[u8]) -> bool {
    if name.ends_with(".py") || name.ends_with(".pyw") {
        return true;
    }
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(2048)]);
    head.starts_with("#!") && head.contains("python")
        || head
            .lines()
            .any(|l| l.starts_with("import ") || l.starts_with("from ") && l.contains(" import "))
}

/// The role of a member: setup.py at the root of the package (or of its single top folder)
/// runs at install; `.pth` files run at start-up.
fn role_of(path: &str, single_file: bool, layout: Layout) -> FileRole {
    let name = path.rsplit('/').next().unwrap_or(path);
    let depth = path.split('/').count();
    if name.ends_with(".pth") {
        FileRole::Pth
    } else if name == "setup.py" && (single_file || depth <= 2) {
        FileRole::SetupPy
    } else if is_auxiliary(path) || (layout == Layout::SdistWithSrc && depth == 2) {
        FileRole::Auxiliary
    } else {
        FileRole::Module
    }
}

/// How an archive lays out its code, as far as which files get installed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Layout {
    /// An sdist whose code sits in `src/`: files beside `setup.py` (a buildout
    /// `bootstrap.py`, `ez_setup.py`, a release script) are never installed, so never
    /// imported; they run when someone runs them, or when `setup.py` reaches them.
    SdistWithSrc,
    Other,
}

impl Layout {
    fn of(kind: PackageKind, members: &[malpi_archive::Member]) -> Layout {
        let src_code = |m: &malpi_archive::Member| {
            let mut parts = m.path.split('/');
            let (_top, src, rest) = (parts.next(), parts.next(), parts.next());
            src == Some("src")
                && rest.is_some_and(|r| !r.is_empty())
                && (m.path.ends_with(".py") || m.path.ends_with(".pyw"))
        };
        let has_setup = |m: &malpi_archive::Member| {
            m.path.split('/').count() == 2
                && (m.path.ends_with("/setup.py") || m.path.ends_with("/pyproject.toml"))
        };
        if kind == PackageKind::Sdist
            && members.iter().any(has_setup)
            && members.iter().any(src_code)
        {
            Layout::SdistWithSrc
        } else {
            Layout::Other
        }
    }
}

/// Test suites, docs and examples: shipped in sdists, never run by installing or importing.
fn is_auxiliary(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    if name.starts_with("test_") || name.ends_with("_test.py") || name == "conftest.py" {
        return true;
    }
    // A folder counts by its whole name, whatever the case (`Tests`, `docs`), or when its last
    // word is `tests` (`manual tests`, `unit_tests`): a package named `duck_test_pkg` or
    // `api-test` is code that runs.
    path.split('/').rev().skip(1).any(|dir| {
        AUXILIARY_WORDS.iter().any(|a| dir.eq_ignore_ascii_case(a))
            || dir
                .rsplit([' ', '_', '-'])
                .next()
                .is_some_and(|last| last.len() < dir.len() && last.eq_ignore_ascii_case("tests"))
    })
}

/// Folder names of code that never runs on install or import: tests, docs, examples,
/// benchmarks, demos.
const AUXILIARY_WORDS: &[&str] = &[
    "tests",
    "test",
    "testing",
    "unittests",
    "testsuite",
    "docs",
    "doc",
    "examples",
    "example",
    "benchmarks",
    "benchmark",
    "bench",
    "demo",
    "demos",
    // Continuous-integration scripts: run by the project's CI, never installed.
    "ci",
    ".github",
];

fn analyse(mut info: PackageInfo, archive: Archive, opts: &ScanOptions) -> Report {
    let deadline = std::time::Instant::now() + opts.timeout;
    let mut errors = Vec::new();
    let mut issues = Vec::new();
    for p in &archive.problems {
        let (kind, detail) = match p {
            Problem::LimitTripped { detail, .. } => {
                errors.push(format!("limit: {detail}"));
                (ArchiveIssueKind::Limit, detail.clone())
            }
            Problem::UnsafePath { path, reason } => (
                ArchiveIssueKind::UnsafePath,
                format!("member `{path}`: {reason}"),
            ),
            Problem::Link { path, target } => (
                ArchiveIssueKind::Link,
                format!("member `{path}` is a link to `{target}`"),
            ),
            Problem::Corrupt { detail } => {
                errors.push(format!("corrupt archive: {detail}"));
                (ArchiveIssueKind::Corrupt, detail.clone())
            }
        };
        issues.push(ArchiveIssue { kind, detail });
    }
    let metadata = metadata::from_members(&archive.members);
    if let Some(m) = &metadata {
        info.name = m.name.clone();
        info.version = m.version.clone();
    }
    let mut facts = PackageFacts {
        name: info.name.clone(),
        version: info.version.clone(),
        dependencies: metadata
            .as_ref()
            .map(metadata::Metadata::dependency_names)
            .unwrap_or_default(),
        summary: metadata.as_ref().map(|m| m.summary.clone()),
        urls: metadata
            .as_ref()
            .map(|m| {
                std::iter::once(m.home_page.clone())
                    .chain(m.project_urls.iter().cloned())
                    .filter(|u| !u.is_empty())
                    .collect()
            })
            .unwrap_or_default(),
        archive_issues: issues,
        ..PackageFacts::default()
    };
    info.metadata = metadata;
    let is_python = |m: &malpi_archive::Member| {
        let lower = m.path.to_ascii_lowercase();
        lower.ends_with(".py") || lower.ends_with(".pyw") || lower.ends_with(".pth")
    };
    // Past the deadline a file is not analysed (None): a crafted package cannot hold the
    // batch, and the report says which files were left.
    let layout = Layout::of(info.kind, &archive.members);
    let analyse_member = |m: &malpi_archive::Member| {
        (std::time::Instant::now() < deadline).then(|| {
            malpi_python::analyze_screened(
                &m.path,
                &m.data,
                role_of(&m.path, false, layout),
                malpi_rules::screen::hits,
            )
        })
    };
    let python: Vec<&malpi_archive::Member> =
        archive.members.iter().filter(|m| is_python(m)).collect();
    // Files of one package in parallel, but only on a pool's threads: they have the large
    // stacks the parser needs for hostile nesting (a caller's own thread may not).
    let analysed: Vec<Option<malpi_python::FileFacts>> = if rayon::current_thread_index().is_some()
    {
        use rayon::prelude::*;
        python
            .par_iter()
            .with_max_len(1)
            .map(|m| analyse_member(m))
            .collect()
    } else {
        python.iter().map(|m| analyse_member(m)).collect()
    };
    let left = analysed.iter().filter(|f| f.is_none()).count();
    if left > 0 {
        errors.push(format!(
            "timeout: {left} of {} Python files not analysed within {} s",
            python.len(),
            opts.timeout.as_secs()
        ));
    }
    facts.files = analysed.into_iter().flatten().collect();
    let entries = malpi_program::Entries {
        build_backend: metadata::in_tree_backend(&archive.members),
        console_scripts: metadata::console_scripts(&archive.members, &facts.files),
    };

    let code = CodeSize {
        python_files: python.len() as u64,
        python_lines: python.iter().map(|m| code_size::code_lines(&m.data)).sum(),
        evidence_lines: 0,
    };
    for m in &archive.members {
        if is_python(m) && !m.complete {
            errors.push(format!(
                "{}: read only in part ({} bytes seen)",
                m.path, m.size
            ));
        }
        facts.members.push(Member {
            path: m.path.clone(),
            size: m.size,
            head: m.data[..m.data.len().min(16)].to_vec(),
        });
    }
    finish(info, facts, &entries, &opts.limits, code, errors)
}

fn finish(
    mut info: PackageInfo,
    mut facts: PackageFacts,
    entries: &malpi_program::Entries,
    limits: &Limits,
    mut code: CodeSize,
    mut errors: Vec<String>,
) -> Report {
    let metadata = info.metadata.take();
    let mut program = program::model(&mut facts, entries, limits, &mut errors);
    let mut findings = malpi_rules::run(&facts);
    if program::may_run_through_unparsed_code(&findings, &facts.files) {
        // Read what the screen and the pruner skipped, and judge the package again on the
        // whole program.
        for f in &mut facts.files {
            f.read_skeleton();
        }
        program = program::model(&mut facts, entries, limits, &mut errors);
        // The rules run again only when the whole program moved some finding's trigger.
        if program::triggers_moved(&findings, &facts.files, &program) {
            findings = malpi_rules::run(&facts);
        }
    }
    program::add_chains(&mut findings, &facts.files, &program);
    // Strongest first, then by place: the report reads from what matters.
    findings.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then_with(|| a.path.cmp(&b.path))
            .then(a.line.cmp(&b.line))
    });
    let verdict = malpi_rules::verdict::decide(&findings);
    let iocs = if verdict.verdict == VerdictKind::Clean {
        Vec::new()
    } else {
        malpi_rules::iocs::extract(&facts, &findings)
    };
    for f in &facts.files {
        if let malpi_python::ParseStatus::Tokens { reason } = &f.status {
            errors.push(format!("{}: analysed token by token ({reason})", f.path));
        }
    }
    errors.truncate(100);
    code.evidence_lines = code_size::evidence_lines(&findings);
    let mut platforms: Vec<malpi_python::Platform> = facts
        .files
        .iter()
        .filter(|f| f.role != FileRole::Auxiliary)
        .flat_map(|f| f.platform_checks.iter().map(|c| c.platform))
        .collect();
    platforms.sort();
    platforms.dedup();
    Report {
        package: info,
        verdict: verdict.verdict,
        score: verdict.score,
        categories: verdict.categories,
        triggers: verdict.triggers,
        techniques: verdict.techniques,
        reasons: verdict.reasons,
        combinations: verdict.combinations,
        findings,
        iocs,
        errors,
        metadata,
        files_analysed: facts.files.len(),
        files_screened: facts
            .files
            .iter()
            .filter(|f| f.status == malpi_python::ParseStatus::Screened)
            .count(),
        code,
        platforms,
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::is_auxiliary;

    #[test]
    fn auxiliary_folders_by_name_not_by_a_word_inside_a_package_name() {
        assert!(is_auxiliary("pillow-13.0/Tests/test_x.py"));
        assert!(is_auxiliary("numpy-2/meson/manual tests/4 x/build.py"));
        assert!(is_auxiliary("p-1/unit_tests/helpers.py"));
        assert!(is_auxiliary("p-1/docs/conf.py"));
        assert!(!is_auxiliary("duck_test_pkg-1/duck_test_pkg/__init__.py"));
        assert!(!is_auxiliary("ttat-api-test-0.2/ttat-api-test/__init__.py"));
        assert!(!is_auxiliary("lucifer-example-0-0.2/lucifer/load.py"));
    }
}

//! A safety net for changes to the analysis: every rule fixture folder
//! (`crates/rules/fixtures/<ID>/{positive,negative,…}`) is scanned the way a real scan reads
//! a folder (`scan_path`: the folder walk, the screen, pruning, every rule, the verdict), and
//! the verdict, score and findings are compared with a reviewed snapshot in `snapshots/`.
//!
//! A change in what the analysis finds shows up as a snapshot diff. To accept it:
//! `INSTA_UPDATE=always cargo test -p malpi-scan --test fixture_snapshots`, then review
//! `git diff crates/scan/tests/snapshots`. Under `CI=true` nothing is written and any
//! difference fails.

use std::path::{Path, PathBuf};

use malpi_rules::Finding;
use malpi_scan::{Report, ScanOptions, scan_path};

/// A folder directly under a rule's fixture folder.
struct Fixture {
    /// `EXE001_positive`: the snapshot's name.
    name: String,
    /// `EXE001/positive`: where it is under `crates/rules/fixtures`.
    rel: String,
    dir: PathBuf,
}

/// Every fixture folder, sorted.
fn fixture_folders() -> Vec<Fixture> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../rules/fixtures");
    let mut out = Vec::new();
    for rule in sorted_subdirs(&root) {
        let id = name_of(&rule);
        for case in sorted_subdirs(&rule) {
            let case_name = name_of(&case);
            out.push(Fixture {
                name: format!("{id}_{case_name}"),
                rel: format!("{id}/{case_name}"),
                dir: case,
            });
        }
    }
    assert!(
        !out.is_empty(),
        "no fixture folders under {}",
        root.display()
    );
    out
}

fn sorted_subdirs(dir: &Path) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs
}

fn name_of(path: &Path) -> String {
    path.file_name().unwrap().to_string_lossy().into_owned()
}

/// The finding's path relative to the scanned folder, with forward slashes.
fn relative_path(path: &str, dir: &Path) -> String {
    let path = path.replace('\\', "/");
    let dir = dir.to_string_lossy().replace('\\', "/");
    path.strip_prefix(&format!("{dir}/"))
        .unwrap_or(&path)
        .to_string()
}

/// One line per finding, on a single physical line whatever the message holds, then one
/// indented line per step of the chain that reaches it.
fn render_finding(f: &Finding, dir: &Path) -> String {
    let mut text = format!(
        "{}  {}:{}  {}  {}  [{}]  {}",
        f.rule,
        relative_path(&f.path, dir),
        f.line,
        f.severity.as_str(),
        f.behaviour,
        f.trigger.map_or("-", |t| t.as_str()),
        f.message.replace('\n', "\\n"),
    );
    for step in &f.reached_by {
        text.push_str(&format!(
            "\n    via {}:{}  {}",
            relative_path(&step.path, dir),
            step.line,
            step.what
        ));
    }
    for step in &f.flow {
        text.push_str(&format!(
            "\n    flow {}:{}  {}",
            relative_path(&step.path, dir),
            step.line,
            step.what
        ));
    }
    text
}

/// The verdict and score, then the findings sorted by rule, path, line and the rest.
fn render(report: &Report, dir: &Path) -> String {
    let mut findings: Vec<&Finding> = report.findings.iter().collect();
    findings.sort_by_cached_key(|f| {
        let path = relative_path(&f.path, dir);
        let (behaviour, message) = (f.behaviour.clone(), f.message.clone());
        (
            f.rule, path, f.line, f.column, f.severity, behaviour, f.trigger, message,
        )
    });
    let mut lines = vec![format!(
        "verdict: {}  score: {:.2}",
        report.verdict.as_str(),
        report.score
    )];
    lines.extend(findings.iter().map(|f| render_finding(f, dir)));
    let text = lines.join("\n");
    // The snapshot must not depend on where the worktree is.
    let abs = std::path::absolute(dir).unwrap().display().to_string();
    text.replace(&abs, "<fixture>")
}

#[test]
fn every_fixture_folder_matches_its_snapshot() {
    let folders = fixture_folders();
    let mut failed = Vec::new();
    for Fixture { name, rel, dir } in &folders {
        let report = scan_path(dir, &ScanOptions::default());
        let text = render(&report, dir);
        // Compare every folder before failing, so one run shows (or writes) every change.
        let mut settings = insta::Settings::clone_current();
        settings.set_description(format!("scan_path of crates/rules/fixtures/{rel}"));
        settings.set_omit_expression(true);
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            settings.bind(|| insta::assert_snapshot!(name.as_str(), text))
        }));
        if outcome.is_err() {
            failed.push(name.clone());
        }
    }
    assert!(
        failed.is_empty(),
        "snapshots differ: {}\nreview, then accept with INSTA_UPDATE=always cargo test -p malpi-scan --test fixture_snapshots",
        failed.join(", ")
    );

    // A snapshot whose fixture folder is gone would never be checked again.
    let snapshots = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots");
    let orphans: Vec<String> = std::fs::read_dir(&snapshots)
        .unwrap()
        .map(|e| name_of(&e.unwrap().path()))
        .filter_map(|file| {
            let case = file
                .strip_prefix("fixture_snapshots__")?
                .strip_suffix(".snap")?;
            (!folders.iter().any(|f| f.name == case)).then(|| file.clone())
        })
        .collect();
    assert!(
        orphans.is_empty(),
        "snapshots without a fixture folder (delete them): {}",
        orphans.join(", ")
    );
}

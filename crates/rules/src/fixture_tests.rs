//! Every rule has a positive and a negative fixture in `fixtures/<ID>/`: each folder is a
//! tiny package (`setup.py` runs at install, `.pth` at start-up, other files are modules).
//! The positive must produce a finding of that rule, the negative none. More cases sit beside
//! them: a folder named `pos-…` holds more positives (every file gives a finding), one named
//! `near-…` more near misses (no finding); other folders are checked by their snapshots only.

use std::path::Path;

use malpi_python::{FileRole, analyze};

use crate::{Finding, PackageFacts, RULES, Rule, RuleId};

/// Package-level rules are exercised with real archives in malpi-scan's tests (and the name
/// checks in malpi-names' own tests; TEC012 needs a package name: malpi-scan's tests).
const ARCHIVE_RULES: &[RuleId] = &[
    RuleId::Pkg001,
    RuleId::Pkg002,
    RuleId::Pkg003,
    RuleId::Pkg004,
    RuleId::Pkg005,
    RuleId::Pkg006,
    RuleId::Tec012,
];

fn load(dir: &Path) -> PackageFacts {
    let mut pkg = PackageFacts::default();
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let role = if name == "setup.py" {
            FileRole::SetupPy
        } else if name.ends_with(".pth") {
            FileRole::Pth
        } else {
            FileRole::Module
        };
        let bytes = std::fs::read(&path).unwrap();
        pkg.files.push(analyze(&name, &bytes, role));
    }
    // Flows and triggers come from the whole program, as in a scan.
    let program = malpi_program::Program::build(
        &pkg.files,
        &malpi_program::Entries::default(),
        malpi_program::MAX_EDGES,
    );
    program.apply(&mut pkg.files);
    pkg.flows = program.flows();
    pkg
}

fn run_one(rule: &Rule, dir: &Path) -> Vec<Finding> {
    let mut out = Vec::new();
    (rule.check)(rule, &load(dir), &mut out);
    out
}

#[test]
fn every_rule_has_fixtures_that_hold() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut failures = Vec::new();
    for rule in RULES.iter().filter(|r| !ARCHIVE_RULES.contains(&r.id)) {
        let dir = root.join(rule.id.as_str());
        let (pos, neg) = (dir.join("positive"), dir.join("negative"));
        if !pos.is_dir() || !neg.is_dir() {
            failures.push(format!(
                "{}: missing fixtures/{}/positive or negative",
                rule.id, rule.id
            ));
            continue;
        }
        // Every file of a positive fixture shows the rule (a folder can hold several cases).
        let found = run_one(rule, &pos);
        for entry in std::fs::read_dir(&pos).unwrap() {
            let name = entry.unwrap().file_name().to_string_lossy().to_string();
            if !found.iter().any(|f| f.path == name) {
                failures.push(format!(
                    "{}: positive fixture {name} gave no finding",
                    rule.id
                ));
            }
        }
        let neg_findings = run_one(rule, &neg);
        if !neg_findings.is_empty() {
            failures.push(format!(
                "{}: negative fixture gave {:?}",
                rule.id,
                neg_findings.iter().map(|f| &f.message).collect::<Vec<_>>()
            ));
        }
        check_cases(rule, &dir, &mut failures);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The `pos-…` and `near-…` case folders of one rule.
fn check_cases(rule: &Rule, dir: &Path, failures: &mut Vec<String>) {
    let mut cases: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    for case in cases {
        let name = case.file_name().unwrap().to_string_lossy().to_string();
        if name.starts_with("pos-") {
            let found = run_one(rule, &case);
            for entry in std::fs::read_dir(&case).unwrap() {
                let file = entry.unwrap().file_name().to_string_lossy().to_string();
                if !found.iter().any(|f| f.path == file) {
                    failures.push(format!("{}: {name}/{file} gave no finding", rule.id));
                }
            }
        } else if name.starts_with("near-") {
            let found = run_one(rule, &case);
            if !found.is_empty() {
                failures.push(format!(
                    "{}: near miss {name} gave {:?}",
                    rule.id,
                    found
                        .iter()
                        .map(|f| format!("{}: {}", f.path, f.message))
                        .collect::<Vec<_>>()
                ));
            }
        }
    }
}

/// A newcomer finds a rule from its id in one hop: every id has its rule, and the registry
/// lists each once.
#[test]
fn every_id_has_one_registered_rule() {
    for id in RuleId::ALL {
        assert_eq!(
            RULES.iter().filter(|r| r.id == *id).count(),
            1,
            "{id} must be registered once in RULES"
        );
    }
}

#[test]
fn ids_are_unique_and_files_are_named_after_them() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    for (i, rule) in RULES.iter().enumerate() {
        assert!(
            RULES[..i].iter().all(|r| r.id != rule.id),
            "duplicate id {}",
            rule.id
        );
        let prefix = rule.id.as_str().to_ascii_lowercase();
        let found = std::fs::read_dir(&src)
            .unwrap()
            .flatten()
            .filter(|d| d.path().is_dir())
            .any(|d| {
                std::fs::read_dir(d.path()).unwrap().flatten().any(|f| {
                    f.file_name()
                        .to_string_lossy()
                        .starts_with(&format!("{prefix}_"))
                })
            });
        assert!(found, "no file src/<family>/{prefix}_*.rs for {}", rule.id);
    }
}

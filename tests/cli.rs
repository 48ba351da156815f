//! The command line's contract: formats, exit codes, output files.

use std::path::{Path, PathBuf};
use std::process::Command;

fn malpi() -> Command {
    Command::new(env!("CARGO_BIN_EXE_malpi"))
}

fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("crates/rules/fixtures")
        .join(rel)
}

#[test]
fn jsonl_gives_one_object_per_input_and_exit_1_on_malicious() {
    let out = malpi()
        .args(["scan", "--format", "jsonl"])
        .arg(fixture("EXE001/positive/setup.py"))
        .arg(fixture("EXE001/negative/setup.py"))
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["verdict"], "malicious");
    assert_eq!(lines[1]["verdict"], "clean");
    for key in [
        "package",
        "verdict",
        "score",
        "categories",
        "triggers",
        "techniques",
        "findings",
        "iocs",
        "errors",
    ] {
        assert!(lines[0].get(key).is_some(), "missing {key}");
    }
    for key in ["name", "version", "file", "sha256", "kind"] {
        assert!(
            lines[0]["package"].get(key).is_some(),
            "missing package.{key}"
        );
    }
    let f = &lines[0]["findings"][0];
    for key in [
        "rule",
        "category",
        "behaviour",
        "severity",
        "confidence",
        "path",
        "line",
        "column",
        "snippet",
        "message",
        "trigger",
    ] {
        assert!(f.get(key).is_some(), "missing finding.{key}");
    }
    assert!(Path::new(lines[0]["package"]["file"].as_str().unwrap()).is_absolute());
}

#[test]
fn clean_input_exits_0_and_fail_on_suspicious_is_honoured() {
    let out = malpi()
        .args(["scan"])
        .arg(fixture("EXE001/negative/setup.py"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("CLEAN"));
}

#[test]
fn missing_input_is_a_usage_error() {
    let out = malpi()
        .args(["scan", "/nonexistent/pkg.tar.gz"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no such file"));
    let out = malpi()
        .args(["scan", "--format", "nope", "x"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn sarif_is_written_whole_to_the_output_file() {
    let dir = tempfile::tempdir().unwrap();
    let dest = dir.path().join("out.sarif");
    let out = malpi()
        .args(["scan", "--format", "sarif", "-o"])
        .arg(&dest)
        .arg(fixture("RC001/positive/mod.py"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&dest).unwrap()).unwrap();
    assert_eq!(doc["version"], "2.1.0");
    let results = doc["runs"][0]["results"].as_array().unwrap();
    assert!(results.iter().any(|r| r["ruleId"] == "RC001"));
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert_eq!(leftovers.len(), 1, "temporary files left: {leftovers:?}");
}

#[test]
fn rules_lists_every_rule() {
    let out = malpi().args(["rules", "--json"]).output().unwrap();
    assert!(out.status.success());
    let list: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(list.len(), malpi_rules::RULES.len());
}

#[test]
fn the_memory_budget_holds_on_a_huge_file_and_bad_sizes_are_usage_errors() {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("setup.py");
    let mut line = b"x = '".to_vec();
    line.resize(60 << 20, b'A');
    line.extend_from_slice(b"'\nimport os\nos.system('id')\n");
    std::fs::write(&big, line).unwrap();
    let out = malpi()
        .args([
            "scan",
            "--stats",
            "--format",
            "jsonl",
            "--max-memory",
            "160M",
            "-j",
            "1",
        ])
        .arg(&big)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let peak: u64 = stderr
        .split("peak memory ")
        .nth(1)
        .and_then(|s| s.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no stats line: {stderr}"));
    assert!(peak < 160, "peak {peak} MB over a 160 MB budget");
    let whole = format!(
        "{:x}",
        <sha2::Sha256 as sha2::Digest>::digest(std::fs::read(&big).unwrap())
    );
    let report: serde_json::Value =
        serde_json::from_slice(out.stdout.split(|b| *b == b'\n').next().unwrap()).unwrap();
    assert!(
        report["errors"].to_string().contains("limit: input is"),
        "{report}"
    );
    assert_eq!(report["package"]["sha256"], whole.as_str());

    let out = malpi()
        .args(["scan", "--max-memory", "lots"])
        .arg(&big)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a size"));
}

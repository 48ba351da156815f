//! The command line's contract: formats, exit codes, output files.

mod common;

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
    common::assert_exit(&out, 1);
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

/// A flow finding carries its path as a SARIF code flow: one thread flow whose locations are
/// the steps, from the read to the sink.
#[test]
fn sarif_of_a_flow_carries_its_code_flow() {
    let out = malpi()
        .args(["scan", "--format", "sarif"])
        .arg(fixture("STL010/positive/ssh_key_helper.py"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let results = doc["runs"][0]["results"].as_array().unwrap();
    let flow = results
        .iter()
        .find(|r| r["ruleId"] == "STL010")
        .expect("an STL010 result");
    let steps = flow["codeFlows"][0]["threadFlows"][0]["locations"]
        .as_array()
        .unwrap();
    let texts: Vec<&str> = steps
        .iter()
        .map(|l| l["location"]["message"]["text"].as_str().unwrap())
        .collect();
    assert!(
        texts[0].starts_with("reads file `~/.ssh/id_rsa`"),
        "{texts:?}"
    );
    assert!(
        texts
            .last()
            .unwrap()
            .starts_with("sends with socket.socket.sendall"),
        "{texts:?}"
    );
    for l in steps {
        assert!(
            l["location"]["physicalLocation"]["region"]["startLine"]
                .as_u64()
                .unwrap()
                > 0
        );
    }
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

/// `malpi report --from-jsonl SCANS [--osv DIR] -o DEST`.
fn report(scans: &Path, osv: Option<&Path>, dest: &Path) -> std::process::Output {
    let mut cmd = malpi();
    cmd.args(["report", "--from-jsonl"]).arg(scans);
    if let Some(osv) = osv {
        cmd.arg("--osv").arg(osv);
    }
    cmd.arg("-o").arg(dest).output().unwrap()
}

#[test]
fn report_renders_scans_joined_with_osv_as_html_and_markdown() {
    let dir = tempfile::tempdir().unwrap();
    let scans = dir.path().join("scans.jsonl");
    let scanned = malpi()
        .args(["scan", "--format", "jsonl", "-o"])
        .arg(&scans)
        .args([
            fixture("EXE001/positive/setup.py"),
            fixture("RC001/positive/mod.py"),
        ])
        .status()
        .unwrap();
    assert_eq!(scanned.code(), Some(1));
    // The scan output carries the code size and platforms the report reads.
    let first: serde_json::Value = serde_json::from_str(
        std::fs::read_to_string(&scans)
            .unwrap()
            .lines()
            .next()
            .unwrap(),
    )
    .unwrap();
    assert_eq!(first["code"]["python_files"], 1);
    assert!(first["code"]["python_lines"].as_u64().unwrap() > 0);
    assert!(first["code"]["evidence_lines"].as_u64().unwrap() > 0);
    assert!(first["platforms"].is_array());

    let osv = dir.path().join("osv");
    std::fs::create_dir_all(osv.join("Evil_Pkg")).unwrap();
    std::fs::write(
        osv.join("Evil_Pkg/MAL-2024-1.json"),
        r#"{"id":"MAL-2024-1","published":"2024-01-02T03:04:05Z","affected":[{"package":{"ecosystem":"PyPI","name":"Evil_Pkg"},"versions":["1.0"]}],"database_specific":{"malicious-packages-origins":[{"source":"<script>x</script>"}]}}"#,
    )
    .unwrap();
    std::fs::write(osv.join("Evil_Pkg/MAL-2024-2.json"), "not json").unwrap();

    let html = dir.path().join("report.html");
    let out = report(&scans, Some(&osv), &html);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("1 OSV files skipped"), "{stderr}");
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(page.contains("<h2 id=\"behaviours\">") && page.contains("</html>"));
    assert!(page.contains("&lt;script&gt;x&lt;/script&gt;") && !page.contains("<script"));

    let md = dir.path().join("report.md");
    assert_eq!(report(&scans, Some(&osv), &md).status.code(), Some(0));
    let md = std::fs::read_to_string(&md).unwrap();
    assert!(md.starts_with("# "), "the extension chooses Markdown");
    assert!(
        md.contains("3 projects, 3 package versions, 2 scanned"),
        "{md}"
    );
    assert!(md.contains("| remote-control | 1 | 50.0% | 0.8% |"), "{md}");
}

#[test]
fn report_on_a_missing_or_empty_scan_file_is_a_usage_error_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let dest = dir.path().join("report.html");
    let empty = dir.path().join("empty.jsonl");
    std::fs::write(&empty, "\n").unwrap();
    for input in [dir.path().join("missing.jsonl"), empty] {
        assert_eq!(report(&input, None, &dest).status.code(), Some(2));
        assert!(!dest.exists());
    }
}

#[test]
fn report_reads_study_data_as_json() {
    let dir = tempfile::tempdir().unwrap();
    let study = dir.path().join("study.json");
    std::fs::write(
        &study,
        r#"{"packages":[{"name":"evil","version":"1","sources":["socket"],"reported_at":"2024-01-01T00:00:00Z","released_at":"2023-12-30T00:00:00Z","removed_at":null,"scan":null}],
            "mirror_observations":[{"mirror":"tuna","package":"evil","version":null,"presence":"present","observed_at":"2024-01-31T00:00:00Z"}]}"#,
    )
    .unwrap();
    let dest = dir.path().join("study.md");
    let out = malpi()
        .args(["report", "--from-study"])
        .arg(&study)
        .arg("-o")
        .arg(&dest)
        .output()
        .unwrap();
    common::assert_exit(&out, 0);
    let md = std::fs::read_to_string(&dest).unwrap();
    assert!(
        md.contains("| tuna | 1 | 1 | 100.0% | 0 | evil (2024-01-01) | 2024-01-31 |"),
        "{md}"
    );
    assert!(
        md.contains("| residual (discovery → last seen) | 1 | 30.0 |"),
        "{md}"
    );
    // --osv joins scans only; the two inputs exclude each other.
    let out = malpi()
        .args(["report", "--from-study"])
        .arg(&study)
        .args(["--osv", "x"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

/// `eval --baseline` compares with an earlier run: the same corpus gives no change; a
/// baseline whose verdicts differ shows the move; a baseline that cannot be read is a usage
/// error before any scanning.
#[test]
fn eval_against_a_baseline_reports_verdict_and_trigger_moves() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("crates/scan/tests/reach/thread");
    let first = dir.path().join("first.jsonl");
    let out = malpi()
        .arg("eval")
        .arg("--malicious")
        .arg(&corpus)
        .arg("--jsonl")
        .arg(&first)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let run = |baseline: &Path| {
        let out = malpi()
            .arg("eval")
            .arg("--malicious")
            .arg(&corpus)
            .arg("--baseline")
            .arg(baseline)
            .output()
            .unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
        )
    };
    let (code, text) = run(&first);
    assert_eq!(code, Some(0));
    assert!(text.contains("no verdict changed"), "{text}");
    assert!(text.contains("findings whose trigger changed: 0"), "{text}");
    // Pretend every package was clean before, with every trigger at runtime.
    let edited = std::fs::read_to_string(&first)
        .unwrap()
        .replace("\"verdict\":\"malicious\"", "\"verdict\":\"clean\"")
        .replace("\"trigger\":\"import\"", "\"trigger\":\"runtime\"");
    let older = dir.path().join("older.jsonl");
    std::fs::write(&older, edited).unwrap();
    let (_, text) = run(&older);
    assert!(text.contains("verdict      clean -> malicious"), "{text}");
    assert!(text.contains("trigger    runtime -> import"), "{text}");
    let (code, _) = run(&dir.path().join("missing.jsonl"));
    assert_eq!(code, Some(2));
}

/// `eval --labels` reports recall on the samples labelled harmful and the harmless ones
/// flagged; a label that is neither is a usage error before any scanning.
#[test]
fn eval_with_labels_reports_recall_on_harmful_samples() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("crates/rules/fixtures/STL012");
    let labels = dir.path().join("labels.tsv");
    std::fs::write(
        &labels,
        "# path\tlabel\tclass\twhy\npositive/dns_labels.py\tharmful\tdns-exfil\tuser in a DNS name\nnegative/resolve_own.py\tharmless\tcopy\tresolves its own name\n",
    )
    .unwrap();
    let run = |labels: &Path| {
        let out = malpi()
            .arg("eval")
            .arg("--malicious")
            .arg(&corpus)
            .arg("--labels")
            .arg(labels)
            .output()
            .unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
        )
    };
    let (code, text) = run(&labels);
    assert_eq!(code, Some(0), "{text}");
    assert!(
        // The other fixture files of STL012 are unlabelled, however many there are.
        text.contains(
            "harmful 1 of 1 judged malicious (100.0%); harmless flagged 0 of 1; unlabelled"
        ),
        "{text}"
    );
    let bad = dir.path().join("bad.tsv");
    std::fs::write(&bad, "positive\tmaybe\tx\ty\n").unwrap();
    let (code, _) = run(&bad);
    assert_eq!(code, Some(2));
}

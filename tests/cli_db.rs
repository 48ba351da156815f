//! `malpi db` and `malpi scan --db` from the command line: exit codes, stats, exports.

mod common;

use std::path::Path;
use std::process::Command;

fn malpi(db: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_malpi"));
    c.env("MALPI_DB", db).env_remove("XDG_DATA_HOME");
    c
}

fn stats(db: &Path) -> serde_json::Value {
    let out = malpi(db)
        .args(["db", "stats", "--format", "json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn import_a_list_with_a_bad_line_then_stats_and_export() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("store.db");
    let list = dir.path().join("vendor.txt");
    std::fs::write(&list, "evil-pkg==1.0 2024-05-01\nbad/name\nother\n").unwrap();
    let out = malpi(&db)
        .args(["db", "import", "list"])
        .arg(&list)
        .output()
        .unwrap();
    // Some records could not be read: listed, the rest imported, exit 1.
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("vendor.txt:2") && err.contains("not a PEP 508 project name"),
        "{err}"
    );
    let s = stats(&db);
    assert_eq!(s["merged_projects"], 2);
    assert_eq!(s["sources"][0]["source"], "vendor");
    // The same import again changes nothing.
    malpi(&db)
        .args(["db", "import", "list"])
        .arg(&list)
        .output()
        .unwrap();
    assert_eq!(stats(&db), s);
    let out = malpi(&db)
        .args(["db", "export", "--format", "csv"])
        .output()
        .unwrap();
    let csv = String::from_utf8(out.stdout).unwrap();
    assert!(csv.starts_with("name,version,sources"));
    assert!(
        csv.contains("evil-pkg,1.0,vendor,vendor/evil-pkg,2024-05-01"),
        "{csv}"
    );
}

#[test]
fn a_missing_source_is_an_error_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("store.db");
    let out = malpi(&db)
        .args(["db", "import", "samples"])
        .arg(dir.path().join("absent"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("the store is unchanged"));
    assert_eq!(stats(&db)["files"], 0);
}

#[test]
fn scan_with_db_stores_each_result() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("scans.db");
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("crates/rules/fixtures/EXE001/positive/setup.py");
    let out = Command::new(env!("CARGO_BIN_EXE_malpi"))
        .args(["scan", "--format", "jsonl", "--db"])
        .arg(&db)
        .arg(&fixture)
        .output()
        .unwrap();
    common::assert_exit(&out, 1);
    let s = stats(&db);
    assert_eq!(s["scanned_files"], 1);
    assert_eq!(s["verdicts"][0], serde_json::json!(["malicious", 1]));
}

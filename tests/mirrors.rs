//! `malpi mirrors check` and `malpi report --db` from the command line, against three
//! indexes on loopback (malpi-index's test server): the table on standard output, and the
//! same figures in the report's mirror section.

#[path = "../crates/index/tests/support/mod.rs"]
mod support;

use std::path::Path;
use std::process::{Command, Output};

use support::{Route, Server};

fn malpi(db: &Path, args: &[&str]) -> Output {
    let out = Command::new(env!("CARGO_BIN_EXE_malpi"))
        .env("MALPI_DB", db)
        .env_remove("XDG_DATA_HOME")
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "malpi {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn project(server: &Server, name: &str, files: &[&str]) {
    let files: Vec<serde_json::Value> = files
        .iter()
        .map(
            |f| serde_json::json!({"filename": f, "url": format!("../../files/{f}"), "hashes": {}}),
        )
        .collect();
    server.route(
        &format!("/simple/{name}/"),
        Route::Negotiated {
            html: String::new(),
            json: serde_json::json!({"meta": {"api-version": "1.0"}, "name": name, "files": files})
                .to_string(),
        },
    );
}

/// The line of `text` that starts with `start` (after a table's `| `).
fn line<'a>(text: &'a str, start: &str) -> &'a str {
    text.lines()
        .find(|l| l.trim_start_matches("| ").starts_with(start))
        .unwrap_or_else(|| panic!("no line for {start} in\n{text}"))
}

#[test]
fn check_three_mirrors_then_report_from_the_store() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("store.db");
    let list = dir.path().join("vendor.txt");
    std::fs::write(
        &list,
        "alpha==1.0 2024-01-01\nbeta==2.0 2024-02-01\nold-one 2023-06-01\n",
    )
    .unwrap();
    malpi(&db, &["db", "import", "list", list.to_str().unwrap()]);

    let pypi = Server::start();
    project(&pypi, "alpha", &["alpha-1.0.tar.gz"]);
    project(&pypi, "beta", &["beta-2.0-py3-none-any.whl"]);
    let tuna = Server::start();
    project(&tuna, "alpha", &["alpha-1.0.tar.gz"]);
    project(&tuna, "old-one", &["old_one-0.1.tar.gz"]);
    project(&tuna, "beta", &["beta-1.9.tar.gz"]); // not the reported version
    let broken = Server::start();
    for name in ["alpha", "beta", "old-one"] {
        broken.route(&format!("/simple/{name}/"), Route::Status(500));
    }
    let out = malpi(
        &db,
        &[
            "mirrors",
            "check",
            "--mirror",
            &format!("pypi={}", pypi.url("/simple/")),
            "--mirror",
            &format!("tuna={}", tuna.url("/simple/")),
            "--mirror",
            &format!("broken={}", broken.url("/simple/")),
            "--rate",
            "0",
            "--retries",
            "0",
            "--timeout",
            "5",
        ],
    );
    let table = String::from_utf8_lossy(&out.stdout);
    let err = String::from_utf8_lossy(&out.stderr);
    // 3 projects × 3 mirrors: project pages, plus the 2 reported versions.
    assert!(err.contains("15 observations stored"), "{err}");
    let cells = |l: &str| -> Vec<String> { l.split_whitespace().map(str::to_string).collect() };
    assert_eq!(
        cells(line(&table, "tuna")),
        ["tuna", "3", "2", "66.7%", "0", "old-one", "(2023-06-01)"]
    );
    assert_eq!(
        cells(line(&table, "pypi")),
        ["pypi", "3", "2", "66.7%", "0", "alpha", "(2024-01-01)"]
    );
    assert_eq!(
        cells(line(&table, "broken")),
        ["broken", "3", "0", "0.0%", "3", "-"]
    );

    let report = dir.path().join("report.md");
    malpi(
        &db,
        &[
            "report",
            "--db",
            "-o",
            report.to_str().unwrap(),
            "--format",
            "md",
        ],
    );
    let md = std::fs::read_to_string(&report).unwrap();
    assert!(md.contains("## Persistence on mirrors"), "{md}");
    assert!(
        line(&md, "tuna").starts_with("| tuna | 3 | 2 | 66.7% | 0 | old-one (2023-06-01) |"),
        "{md}"
    );
    assert!(
        line(&md, "broken").starts_with("| broken | 3 | 0 | 0.0% | 3 |"),
        "{md}"
    );
    let html = dir.path().join("report.html");
    malpi(
        &db,
        &[
            "report",
            "--db",
            db.to_str().unwrap(),
            "-o",
            html.to_str().unwrap(),
        ],
    );
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(page.contains("old-one") && page.contains("66.7%"));
}

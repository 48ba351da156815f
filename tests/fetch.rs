//! `malpi scan NAME==VERSION` and `malpi fetch` against a real package index served on
//! loopback by the test (the server and fixtures are malpi-index's test support).

mod common;
#[path = "../crates/index/tests/support/mod.rs"]
mod support;

use std::process::Command;

use support::{Published, Server, publish, sdist, sha256_hex, wheel};

fn malpi() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_malpi"));
    cmd.env_remove("PIP_INDEX_URL");
    cmd
}

/// For the loopback index (plain HTTP): no CA settings of the machine can get in the way.
fn malpi_loopback() -> Command {
    let mut cmd = malpi();
    cmd.env_remove("PIP_CERT").env_remove("SSL_CERT_FILE");
    cmd
}

const EVIL_SETUP: &str =
    "import base64\nexec(base64.b64decode(\"aW1wb3J0IG9zOyBvcy5zeXN0ZW0oJ2lkJyk=\"))\n";

fn index() -> Server {
    let server = Server::start();
    publish(
        &server,
        "evil-pkg",
        &[
            Published::new("evil_pkg-0.1.tar.gz", sdist("evil_pkg", "0.1", "pass\n")),
            Published::new("evil_pkg-1.0.tar.gz", sdist("evil_pkg", "1.0", EVIL_SETUP)),
        ],
    );
    publish(
        &server,
        "fine",
        &[
            Published::new(
                "fine-2.0.tar.gz",
                sdist(
                    "fine",
                    "2.0",
                    "from setuptools import setup\nsetup(name='fine')\n",
                ),
            ),
            Published::new(
                "fine-2.0-py3-none-any.whl",
                wheel("fine", "2.0", "VALUE = 2\n"),
            ),
        ],
    );
    let mut wrong = Published::new("tampered-1.0.tar.gz", sdist("tampered", "1.0", "pass\n"));
    wrong.wrong_hash = true;
    publish(&server, "tampered", &[wrong]);
    server
}

#[test]
fn scan_fetches_a_pinned_release_and_finds_the_malicious_setup_py() {
    let server = index();
    let cache = tempfile::tempdir().unwrap();
    let out = malpi_loopback()
        .args(["scan", "--format", "jsonl", "Evil_Pkg==1.0", "--index-url"])
        .arg(server.url("/simple/"))
        .arg("--cache-dir")
        .arg(cache.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["verdict"], "malicious", "{report:#}");
    assert_eq!(
        report["package"]["file"],
        server.url("/files/evil_pkg-1.0.tar.gz"),
        "the report names the fetched file"
    );
    assert_eq!(report["package"]["kind"], "sdist");

    // The same from a requirements file, with the clean project next to it; PIP_INDEX_URL.
    let reqs = cache.path().join("requirements.txt");
    std::fs::write(&reqs, "fine  # clean\nevil-pkg<1.0\n").unwrap();
    let out = malpi_loopback()
        .args(["scan", "--format", "jsonl", "-r"])
        .arg(&reqs)
        .arg("--cache-dir")
        .arg(cache.path())
        .env("PIP_INDEX_URL", server.url("/html/simple/"))
        .output()
        .unwrap();
    common::assert_exit(&out, 0);
    let verdicts: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["verdict"].to_string())
        .collect();
    assert_eq!(
        verdicts.len(),
        3,
        "two files of fine 2.0, one of evil-pkg 0.1"
    );
    assert!(verdicts.iter().all(|v| v == "\"clean\""), "{verdicts:?}");
}

#[test]
fn fetch_copies_verified_files_and_reports_each_failure() {
    let server = index();
    let cache = tempfile::tempdir().unwrap();
    let dest = tempfile::tempdir().unwrap();
    let out = malpi_loopback()
        .args([
            "fetch",
            "fine",
            "tampered",
            "not-there",
            "--only",
            "sdist",
            "-o",
        ])
        .arg(dest.path())
        .arg("--index-url")
        .arg(server.url("/simple/"))
        .arg("--cache-dir")
        .arg(cache.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stdout}{stderr}");
    let fine = std::fs::read(dest.path().join("fine-2.0.tar.gz")).unwrap();
    assert!(
        stdout.contains(&format!("sha256:{}", sha256_hex(&fine))),
        "{stdout}"
    );
    assert!(
        !dest.path().join("fine-2.0-py3-none-any.whl").exists(),
        "--only sdist"
    );
    assert!(!dest.path().join("tampered-1.0.tar.gz").exists());
    assert!(
        stderr.contains("error[hash-mismatch]: tampered"),
        "{stderr}"
    );
    assert!(stderr.contains("error[not-found]: not-there"), "{stderr}");
    assert_eq!(stdout.lines().count(), 1, "{stdout}");
}

#[test]
fn a_small_real_package_from_pypi() {
    if std::env::var("MALPI_ONLINE").as_deref() != Ok("1") {
        println!("skipped: set MALPI_ONLINE=1 to fetch from pypi.org");
        return;
    }
    let cache = tempfile::tempdir().unwrap();
    let out = malpi()
        .args(["scan", "--format", "jsonl", "six==1.16.0", "--cache-dir"])
        .arg(cache.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let reports: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(reports.len(), 2, "six 1.16.0 has an sdist and a wheel");
    for r in &reports {
        assert_eq!(r["verdict"], "clean", "{r:#}");
        let file = r["package"]["file"].as_str().unwrap();
        assert!(
            file.starts_with("https://files.pythonhosted.org/"),
            "{file}"
        );
    }
}

#[test]
fn an_empty_requirements_file_scans_nothing_rather_than_the_current_folder() {
    let dir = tempfile::tempdir().unwrap();
    let reqs = dir.path().join("requirements.txt");
    std::fs::write(
        &reqs,
        "# nothing pinned yet\n--index-url http://127.0.0.1:1/simple/\n",
    )
    .unwrap();
    let out = malpi_loopback()
        .args(["scan", "-r"])
        .arg(&reqs)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("nothing to scan"), "{stderr}");
    assert!(stderr.contains("`--index-url` is not followed"), "{stderr}");
}

//! Fixtures for the importer tests, written by code into a temporary folder, and the
//! stores they run against (SQLite always, PostgreSQL when `MALPI_TEST_POSTGRES` is set).

use std::io::Write;
use std::path::{Path, PathBuf};

use malpi_store::Store;

/// A decoded payload executed at install: malpi calls this malicious.
pub const EVIL_SETUP: &str =
    "import base64\nexec(base64.b64decode(\"aW1wb3J0IG9zOyBvcy5zeXN0ZW0oJ2lkJyk=\"))\n";
pub const PLAIN_SETUP: &str = "from setuptools import setup\nsetup(name='plain', version='1.0')\n";

pub fn write(path: &Path, bytes: &[u8]) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, bytes).unwrap();
}

/// One OSV record as malicious-packages writes them.
pub fn osv(id: &str, name: &str, versions: &[&str], origins: &[&str], modified: &str) -> String {
    let origins: Vec<_> = origins
        .iter()
        .map(|s| serde_json::json!({"source": s, "id": format!("{s}-{id}"), "versions": versions}))
        .collect();
    let mut affected = serde_json::json!({"package": {"ecosystem": "PyPI", "name": name}});
    if versions.is_empty() {
        affected["ranges"] =
            serde_json::json!([{"type": "ECOSYSTEM", "events": [{"introduced": "0"}]}]);
    } else {
        affected["versions"] = serde_json::json!(versions);
    }
    serde_json::json!({
        "schema_version": "1.5.0", "id": id, "modified": modified,
        "published": "2024-01-02T00:00:00Z",
        "summary": format!("Malicious code in {name} (PyPI)"),
        "aliases": [format!("GHSA-{id}")],
        "references": [{"type": "WEB", "url": "https://example.invalid/r"}],
        "affected": [affected],
        "database_specific": {"malicious-packages-origins": if origins.is_empty() { serde_json::Value::Null } else { origins.into() }}
    })
    .to_string()
}

/// An OSV tree: three PyPI reports (two sources on one, none on another), an npm record,
/// a withdrawn report, and with `broken` one file that is not JSON.
pub fn osv_tree(root: &Path, broken: bool) -> PathBuf {
    let base = root.join("osv");
    let pypi = base.join("malicious/pypi");
    write(
        &pypi.join("evil-pkg/MAL-2024-1.json"),
        osv(
            "MAL-2024-1",
            "Evil_Pkg",
            &["1.0", "1.1"],
            &["ghsa-malware", "socket"],
            "2024-02-01T00:00:00Z",
        )
        .as_bytes(),
    );
    write(
        &pypi.join("reqeusts/MAL-2024-2.json"),
        osv(
            "MAL-2024-2",
            "reqeusts",
            &["0.1"],
            &["socket"],
            "2024-02-01T00:00:00Z",
        )
        .as_bytes(),
    );
    write(
        &pypi.join("stealer/MAL-2024-3.json"),
        osv("MAL-2024-3", "stealer", &[], &[], "2024-02-01T00:00:00Z").as_bytes(),
    );
    let npm = osv(
        "MAL-2024-4",
        "leftpad",
        &["1.0"],
        &["socket"],
        "2024-02-01T00:00:00Z",
    )
    .replace("\"PyPI\"", "\"npm\"");
    write(
        &base.join("malicious/npm/leftpad/MAL-2024-4.json"),
        npm.as_bytes(),
    );
    let withdrawn = osv(
        "MAL-2023-9",
        "lodestone",
        &["0.0.58"],
        &["ossf-package-analysis"],
        "2023-12-12T00:00:00Z",
    )
    .replacen('{', "{\"withdrawn\": \"2023-12-12T00:00:00Z\", ", 1);
    write(
        &base.join("withdrawn/pypi/lodestone/MAL-2023-9.json"),
        withdrawn.as_bytes(),
    );
    if broken {
        write(
            &pypi.join("broken/MAL-2024-5.json"),
            b"{\"id\": \"MAL-2024-5\", \"affected\": [",
        );
    }
    base
}

/// A collection `NAME/VERSION/FILE` with an index.tsv: evil-pkg 1.0 (also in OSV), a plain
/// package, and the same bytes under two names.
pub fn samples_tree(root: &Path) -> PathBuf {
    let base = root.join("malregistry");
    write(&base.join("evil-pkg/1.0/setup.py"), EVIL_SETUP.as_bytes());
    write(&base.join("plain/1.0/setup.py"), PLAIN_SETUP.as_bytes());
    write(
        &base.join("plain-copy/2.0/setup.py"),
        PLAIN_SETUP.as_bytes(),
    );
    write(&base.join("README.md"), b"not a sample");
    let sha = sha256(EVIL_SETUP.as_bytes());
    write(
        &base.join("index.tsv"),
        format!("evil-pkg\t1.0\tevil-pkg/1.0/setup.py\t{sha}\t2023-08-16\n").as_bytes(),
    );
    base
}

pub fn sha256(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A wheel-like zip holding one setup.py (a package archive inside a DataDog sample).
pub fn inner_wheel(setup: &str) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default();
    w.start_file("pkg-1.0/setup.py", opts).unwrap();
    w.write_all(setup.as_bytes()).unwrap();
    w.finish().unwrap().into_inner()
}

/// A zip whose members are encrypted with ZipCrypto, as DataDog's `zip -P infected` makes.
pub fn encrypted_zip(password: &[u8], members: &[(&str, &[u8])]) -> Vec<u8> {
    use zip::unstable::write::FileOptionsExt;
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, data) in members {
        let opts = zip::write::SimpleFileOptions::default()
            .with_deprecated_encryption(password)
            .unwrap();
        w.start_file(*name, opts).unwrap();
        w.write_all(data).unwrap();
    }
    w.finish().unwrap().into_inner()
}

/// DataDog's layout: a manifest and three samples — an archive inside, an unpacked package
/// inside, and one encrypted with another password.
pub fn datadog_tree(root: &Path) -> PathBuf {
    let base = root.join("malicious-software-packages-dataset");
    let pypi = base.join("samples/pypi");
    write(
        &pypi.join("manifest.json"),
        br#"{"evil-pkg": ["1.0"], "dd-stealer": null, "dd-unpacked": ["0.2"], "dd-locked": ["3.0"], "bad": 7}"#,
    );
    let wheel = inner_wheel(EVIL_SETUP);
    write(
        &pypi.join("malicious_intent/evil-pkg/1.0/2024-03-01-evil-pkg-v1.0.zip"),
        &encrypted_zip(b"infected", &[("evil_pkg-1.0-py3-none-any.whl", &wheel)]),
    );
    write(
        &pypi.join("malicious_intent/dd-unpacked/0.2/2024-03-02-dd-unpacked-v0.2.zip"),
        &encrypted_zip(
            b"infected",
            &[
                ("dd-unpacked-0.2/setup.py", EVIL_SETUP.as_bytes()),
                (
                    "dd-unpacked-0.2/PKG-INFO",
                    b"Metadata-Version: 2.1\nName: dd-unpacked\nVersion: 0.2\n",
                ),
            ],
        ),
    );
    write(
        &pypi.join("compromised_lib/dd-locked/3.0/2024-03-03-dd-locked-v3.0.zip"),
        &encrypted_zip(
            b"another",
            &[("dd-locked-3.0/setup.py", EVIL_SETUP.as_bytes())],
        ),
    );
    base
}

/// The stores a test runs on: SQLite in a temp folder, and PostgreSQL in a fresh schema
/// named after the test when `MALPI_TEST_POSTGRES` is set.
pub fn stores(test: &str, dir: &Path) -> Vec<Store> {
    let mut out = vec![Store::open(dir.join(format!("{test}.db")).to_str().unwrap()).unwrap()];
    match std::env::var("MALPI_TEST_POSTGRES") {
        Ok(url) if !url.is_empty() => out.push(postgres_store(&url, test)),
        _ => eprintln!("{test}: PostgreSQL tests skipped (MALPI_TEST_POSTGRES is not set)"),
    }
    out
}

pub fn postgres_store(url: &str, test: &str) -> Store {
    let schema = format!("malpi_test_{test}");
    let mut client = postgres::Client::connect(url, postgres::NoTls).unwrap();
    client
        .batch_execute(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE"))
        .unwrap();
    Store::open_postgres(url, Some(&schema)).unwrap()
}

//! Mirror checks against real HTTP indexes on loopback (malpi-index's test server): four
//! mirrors serving different subsets of a small reported dataset — "pypi" removes a file
//! between two checks, "tuna" keeps it, "small" lists files without hashes and stalls on
//! one project, "broken" answers 500 — then the stored observations, the table, and the
//! lifecycle dates the store gives the study. On SQLite, and on PostgreSQL when
//! `MALPI_TEST_POSTGRES` is set.

#[path = "../../index/tests/support/mod.rs"]
mod support;

use std::path::Path;
use std::time::Duration;

use malpi_index::ClientConfig;
use malpi_mirrors::{CheckOptions, Mirror, check, render_table};
use malpi_store::{ObservationStatus, Store, import::ImportOptions};
use malpi_study::{Timestamp, input::study_from_store, mirror_persistence};
use support::{Listed, Route, Server, html_page, sha256_hex};

const CHECK_1: &str = "2024-05-01T00:00:00Z";
const CHECK_2: &str = "2024-06-01T00:00:00Z";

/// The reported dataset: three versions with their files (a sample collection) and one
/// project reported for every version (a list line).
struct Dataset {
    alpha: Vec<u8>,
    beta: Vec<u8>,
    gamma: Vec<u8>,
}

fn dataset(dir: &Path, store: &mut Store) -> Dataset {
    let d = Dataset {
        alpha: b"alpha sdist bytes".to_vec(),
        beta: b"beta sdist bytes".to_vec(),
        gamma: b"gamma sdist bytes".to_vec(),
    };
    let samples = dir.join("samples");
    for (name, version, bytes) in [
        ("alpha", "1.0", &d.alpha),
        ("beta", "2.0", &d.beta),
        ("gamma", "0.1", &d.gamma),
    ] {
        let folder = samples.join(name).join(version);
        std::fs::create_dir_all(&folder).unwrap();
        std::fs::write(folder.join(format!("{name}-{version}.tar.gz")), bytes).unwrap();
    }
    let list = dir.join("vendor.txt");
    std::fs::write(
        &list,
        "alpha==1.0 2024-01-01\nbeta==2.0 2024-02-01\ngamma==0.1 2024-03-01\ndelta 2024-04-01\n",
    )
    .unwrap();
    let opts = ImportOptions::default();
    assert!(store.import_list(&list, &opts).unwrap().errors.is_empty());
    assert!(
        store
            .import_samples(&samples, &opts)
            .unwrap()
            .errors
            .is_empty()
    );
    d
}

/// A PEP 691 page listing `files` (name, bytes, upload time).
fn json_page(name: &str, files: &[(&str, &[u8], Option<&str>)]) -> String {
    let files: Vec<serde_json::Value> = files
        .iter()
        .map(|(filename, bytes, uploaded)| {
            serde_json::json!({
                "filename": filename, "url": format!("../../files/{filename}"),
                "hashes": {"sha256": sha256_hex(bytes)}, "upload-time": uploaded,
            })
        })
        .collect();
    serde_json::json!({"meta": {"api-version": "1.1"}, "name": name, "files": files}).to_string()
}

fn page(server: &Server, project: &str, json: String) {
    server.route(
        &format!("/simple/{project}/"),
        Route::Negotiated {
            html: String::new(),
            json,
        },
    );
}

struct Mirrors {
    pypi: Server,
    tuna: Server,
    small: Server,
    broken: Server,
}

fn mirrors(d: &Dataset) -> Mirrors {
    let pypi = Server::start();
    page(
        &pypi,
        "alpha",
        json_page(
            "alpha",
            &[("alpha-1.0.tar.gz", &d.alpha, Some("2023-12-20T10:00:00Z"))],
        ),
    );
    page(
        &pypi,
        "beta",
        json_page("beta", &[("beta-2.0.tar.gz", &d.beta, None)]),
    );
    // delta: reported for every version; PyPI lists a later one.
    page(
        &pypi,
        "delta",
        json_page("delta", &[("delta-3.0.tar.gz", b"delta", None)]),
    );
    let tuna = Server::start();
    for (name, file, bytes) in [
        ("alpha", "alpha-1.0.tar.gz", &d.alpha),
        ("beta", "beta-2.0.tar.gz", &d.beta),
        ("gamma", "gamma-0.1.tar.gz", &d.gamma),
    ] {
        page(&tuna, name, json_page(name, &[(file, bytes, None)]));
    }
    // HTML only, no hashes: files are known by name.
    let small = Server::start();
    let listed = Listed {
        filename: "beta-2.0.tar.gz".into(),
        href: "../../files/beta-2.0.tar.gz".into(),
        sha256: None,
        yanked: false,
    };
    small.route(
        "/simple/beta/",
        Route::Body {
            content_type: "text/html".into(),
            body: html_page("beta", &[listed]).into_bytes(),
        },
    );
    small.route("/simple/gamma/", Route::Stall(Duration::from_secs(3)));
    let broken = Server::start();
    for name in ["alpha", "beta", "gamma", "delta"] {
        broken.route(&format!("/simple/{name}/"), Route::Status(500));
    }
    Mirrors {
        pypi,
        tuna,
        small,
        broken,
    }
}

fn options(at: &str) -> CheckOptions {
    CheckOptions {
        per_host: 2,
        rate: Some(200.0),
        client: ClientConfig {
            connect_timeout: Duration::from_secs(2),
            read_timeout: Duration::from_millis(400),
            retries: 1,
            backoff: Duration::from_millis(10),
            ..ClientConfig::default()
        },
        observed_at: Some(at.into()),
        ..CheckOptions::default()
    }
}

/// One check, written to the store as the CLI does.
fn run_check(store: &mut Store, list: &[Mirror], at: &str) -> usize {
    let packages = store.reported_packages().unwrap();
    let mut count = 0;
    check(list, &packages, &options(at), |_, _, observed| {
        count += observed.observations.len();
        store.record_observations(&observed.observations).unwrap();
        for (sha, time) in &observed.upload_times {
            store.set_upload_time(sha, time).unwrap();
        }
    });
    count
}

fn whole_story(store: &mut Store) {
    let dir = tempfile::tempdir().unwrap();
    let d = dataset(dir.path(), store);
    let m = mirrors(&d);
    let list = vec![
        Mirror::new("pypi", &m.pypi.url("/simple/")),
        Mirror::new("tuna", &m.tuna.url("/simple/")),
        Mirror::new("small", &m.small.url("/simple/")),
        Mirror::new("broken", &m.broken.url("/simple/")),
    ];
    // Per mirror: the project page of 4 projects, 3 versions, 3 files.
    assert_eq!(run_check(store, &list, CHECK_1), 4 * 10);
    // PyPI removes alpha; the others do not follow.
    m.pypi.route("/simple/alpha/", Route::Status(404));
    assert_eq!(run_check(store, &list, CHECK_2), 4 * 10);

    let all = store.observations(None).unwrap();
    assert_eq!(all.len(), 80);
    let find = |mirror: &str, at: &str, filename: Option<&str>, version: Option<&str>| {
        all.iter()
            .find(|o| {
                o.mirror == mirror
                    && o.observed_at == at
                    && o.filename.as_deref() == filename
                    && o.version.as_deref() == version
                    && (filename.is_some() || version.is_some() || o.project == "alpha")
            })
            .unwrap_or_else(|| panic!("no observation {mirror} {at} {filename:?} {version:?}"))
    };
    let alpha_file = find("pypi", CHECK_1, Some("alpha-1.0.tar.gz"), Some("1.0"));
    assert_eq!(alpha_file.status, ObservationStatus::Present);
    assert_eq!(alpha_file.hashes_served, [sha256_hex(&d.alpha)]);
    assert_eq!(alpha_file.http_status, Some(200));
    let gone = find("pypi", CHECK_2, Some("alpha-1.0.tar.gz"), Some("1.0"));
    assert_eq!(
        (gone.status, gone.http_status),
        (ObservationStatus::Absent, Some(404))
    );
    let kept = find("tuna", CHECK_2, Some("alpha-1.0.tar.gz"), Some("1.0"));
    assert_eq!(kept.status, ObservationStatus::Present);
    let by_name = find("small", CHECK_2, Some("beta-2.0.tar.gz"), Some("2.0"));
    assert_eq!(
        (by_name.status, by_name.hashes_served.len()),
        (ObservationStatus::Present, 0)
    );
    let stalled = find("small", CHECK_2, Some("gamma-0.1.tar.gz"), Some("0.1"));
    assert_eq!(stalled.status, ObservationStatus::Error);
    assert!(
        stalled
            .detail
            .as_deref()
            .unwrap_or("")
            .contains("timed out")
    );
    let failed = find("broken", CHECK_1, None, None);
    assert_eq!(
        (failed.status, failed.http_status),
        (ObservationStatus::Error, Some(500))
    );

    // Release time from PyPI's upload-time, written into the store.
    let packages = store.reported_packages().unwrap();
    let alpha = packages.iter().find(|p| p.name == "alpha").unwrap();
    assert_eq!(
        alpha.versions[0].files[0].upload_time.as_deref(),
        Some("2023-12-20T10:00:00Z")
    );

    let data = study_from_store(store).unwrap();
    let record = |name: &str| data.packages.iter().find(|p| p.name == name).unwrap();
    let t = |s: &str| Timestamp::parse(s);
    assert_eq!(record("alpha").released_at, t("2023-12-20T10:00:00Z"));
    assert_eq!(record("alpha").removed_at, t(CHECK_2));
    assert_eq!(record("alpha").reported_at, t("2024-01-01"));
    assert_eq!(record("beta").released_at, t(CHECK_1));
    assert_eq!(record("beta").removed_at, None);
    // Absent from PyPI at the first check while reported: removed by then.
    assert_eq!(record("gamma").removed_at, t(CHECK_1));
    assert!(record("gamma").gone_at_first_check && !record("alpha").gone_at_first_check);
    assert_eq!(record("delta").version, "");
    assert_eq!(record("delta").released_at, t(CHECK_1));

    let rows = mirror_persistence(&data);
    let row = |name: &str| rows.iter().find(|r| r.mirror == name).unwrap();
    let figures = |name: &str| {
        let r = row(name);
        (r.probed, r.served, r.errors)
    };
    assert_eq!(figures("tuna"), (4, 3, 0));
    assert_eq!(figures("pypi"), (4, 2, 0));
    assert_eq!(figures("small"), (4, 1, 1));
    assert_eq!(figures("broken"), (4, 0, 4));
    assert_eq!(
        row("tuna").oldest_served,
        Some(("alpha".to_string(), t("2024-01-01").unwrap()))
    );
    assert_eq!(
        row("pypi").oldest_served,
        Some(("beta".to_string(), t("2024-02-01").unwrap()))
    );
    let table = render_table(&rows);
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(lines.len(), 5, "{table}");
    assert!(lines[1].starts_with("tuna") && lines[1].contains("75.0%"));
    assert!(lines[1].ends_with("alpha (2024-01-01)"), "{table}");
    assert!(lines[4].starts_with("broken") && lines[4].contains("0.0%"));

    // Residual period of alpha: reported 2024-01-01, still on tuna at the second check.
    let stats = malpi_study::Stats::compute(&data);
    assert_eq!(stats.lifecycle.residual.summary.map(|s| s.count), Some(4));
    assert_eq!(stats.lifecycle.incubation.summary.map(|s| s.count), Some(1));
    // gamma was gone from PyPI at the first check, but tuna served it: its residual is known.
    assert_eq!(stats.lifecycle.gone_before_first_check, 0);
}

#[test]
fn mirrors_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path().join("m.db").to_str().unwrap()).unwrap();
    whole_story(&mut store);
}

#[test]
fn mirrors_on_postgres() {
    let Ok(url) = std::env::var("MALPI_TEST_POSTGRES") else {
        eprintln!("mirrors_on_postgres: skipped (MALPI_TEST_POSTGRES is not set)");
        return;
    };
    let schema = "malpi_test_mirrors";
    let mut client = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    client
        .batch_execute(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE"))
        .unwrap();
    let mut store = Store::open_postgres(&url, Some(schema)).unwrap();
    whole_story(&mut store);
}

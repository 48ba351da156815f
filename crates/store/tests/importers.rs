//! Every importer on fixtures written for it, on SQLite and on PostgreSQL.

mod build;

use malpi_store::import::ImportOptions;
use malpi_store::{ExportFormat, Observation, ObservationStatus, Store};

fn plain() -> ImportOptions<'static> {
    ImportOptions::default()
}

fn scanning() -> ImportOptions<'static> {
    ImportOptions {
        scan: Some(malpi_scan::ScanOptions::default()),
        ..ImportOptions::default()
    }
}

fn source<'a>(stats: &'a malpi_store::Stats, name: &str) -> &'a malpi_store::SourceStats {
    stats
        .sources
        .iter()
        .find(|s| s.source == name)
        .unwrap_or_else(|| panic!("no source {name} in {:?}", stats.sources))
}

/// Every fixture, written once (encrypted zips differ each time they are made).
struct Fixtures {
    osv: std::path::PathBuf,
    samples: std::path::PathBuf,
    datadog: std::path::PathBuf,
    list: std::path::PathBuf,
}

fn fixtures(dir: &std::path::Path) -> Fixtures {
    let list = dir.join("list.txt");
    build::write(
        &list,
        b"# reported by hand\nevil-pkg==1.1 2024-05-01\nnew-one\n",
    );
    Fixtures {
        osv: build::osv_tree(dir, false),
        samples: build::samples_tree(dir),
        datadog: build::datadog_tree(dir),
        list,
    }
}

/// Everything imported: OSV, samples (scanned), DataDog (scanned), a list.
fn import_everything(store: &mut Store, f: &Fixtures) {
    store.import_osv(&f.osv, &plain()).unwrap();
    store.import_samples(&f.samples, &scanning()).unwrap();
    store.import_datadog(&f.datadog, &scanning()).unwrap();
    store.import_list(&f.list, &plain()).unwrap();
}

#[test]
fn osv_keeps_pypi_every_source_and_marks_withdrawn() {
    let dir = tempfile::tempdir().unwrap();
    let tree = build::osv_tree(dir.path(), false);
    for mut store in build::stores("osv", dir.path()) {
        let summary = store.import_osv(&tree, &plain()).unwrap();
        assert_eq!((summary.added, summary.skipped), (4, 1), "{summary:?}");
        assert!(summary.errors.is_empty());
        let stats = store.stats().unwrap();
        assert_eq!(stats.reports, 4);
        assert_eq!(stats.withdrawn_reports, 1);
        // Withdrawn lodestone is not counted as reported; the three live ones are.
        assert_eq!(stats.merged_projects, 3);
        assert_eq!(source(&stats, "socket").projects, 2);
        assert_eq!(source(&stats, "ghsa-malware").projects, 1);
        assert_eq!(source(&stats, "ghsa-malware").only_here, 0);
        // A record naming no origin is credited to the import's source.
        assert_eq!(source(&stats, "osv").projects, 1);
        assert!(
            stats
                .overlap
                .iter()
                .any(|o| o.a == "ghsa-malware" && o.b == "socket" && o.projects == 1)
        );
        let packages = store.reported_packages().unwrap();
        let evil = packages.iter().find(|p| p.name == "evil-pkg").unwrap();
        assert_eq!(evil.display_name, "Evil_Pkg");
        assert_eq!(
            evil.first_published.as_deref(),
            Some("2024-01-02T00:00:00Z")
        );
        assert_eq!(
            evil.versions
                .iter()
                .map(|v| v.version.as_str())
                .collect::<Vec<_>>(),
            ["1.0", "1.1"]
        );
        assert!(
            packages
                .iter()
                .find(|p| p.name == "stealer")
                .unwrap()
                .all_versions
        );
        assert!(
            packages
                .iter()
                .find(|p| p.name == "lodestone")
                .unwrap()
                .withdrawn
        );
    }
}

#[test]
fn osv_zip_as_osv_dev_exports_it() {
    let dir = tempfile::tempdir().unwrap();
    let zip_path = dir.path().join("all.zip");
    let mut w = zip::ZipWriter::new(std::fs::File::create(&zip_path).unwrap());
    let opts = zip::write::SimpleFileOptions::default();
    for (id, name) in [("MAL-2024-1", "evil-pkg"), ("MAL-2024-2", "other")] {
        w.start_file(format!("{id}.json"), opts).unwrap();
        std::io::Write::write_all(
            &mut w,
            build::osv(id, name, &["1.0"], &["socket"], "2024-02-01T00:00:00Z").as_bytes(),
        )
        .unwrap();
    }
    w.finish().unwrap();
    for mut store in build::stores("osv_zip", dir.path()) {
        let summary = store.import_osv(&zip_path, &plain()).unwrap();
        assert_eq!(summary.added, 2);
        assert_eq!(store.stats().unwrap().merged_versions, 2);
    }
}

#[test]
fn a_broken_record_is_listed_and_the_rest_imports() {
    let dir = tempfile::tempdir().unwrap();
    let tree = build::osv_tree(dir.path(), true);
    for mut store in build::stores("broken", dir.path()) {
        let summary = store.import_osv(&tree, &plain()).unwrap();
        assert_eq!(summary.errors.len(), 1, "{summary:?}");
        assert!(
            summary.errors[0]
                .location
                .ends_with("broken/MAL-2024-5.json")
        );
        assert!(summary.errors[0].reason.contains("not JSON"));
        assert_eq!(summary.added, 4);
    }
}

#[test]
fn importing_twice_changes_nothing_and_a_newer_report_updates() {
    let dir = tempfile::tempdir().unwrap();
    let f = fixtures(dir.path());
    for mut store in build::stores("twice", dir.path()) {
        import_everything(&mut store, &f);
        let first = store.stats().unwrap();
        let again = store.import_osv(&f.osv, &plain()).unwrap();
        assert_eq!((again.added, again.updated, again.unchanged), (0, 0, 4));
        let samples = store.import_samples(&f.samples, &scanning()).unwrap();
        assert_eq!(
            (samples.added, samples.updated, samples.scanned),
            (0, 0, 0),
            "already scanned files are not scanned again"
        );
        let dd = store.import_datadog(&f.datadog, &scanning()).unwrap();
        assert_eq!((dd.added, dd.updated, dd.scanned), (0, 0, 0), "{dd:?}");
        store.import_list(&f.list, &plain()).unwrap();
        assert_eq!(store.stats().unwrap(), first);

        // A newer `modified` replaces the report: version 1.1 is gone, 2.0 is in.
        let path = dir
            .path()
            .join("osv/malicious/pypi/evil-pkg/MAL-2024-1.json");
        build::write(
            &path,
            build::osv(
                "MAL-2024-1",
                "evil-pkg",
                &["1.0", "2.0"],
                &["ghsa-malware"],
                "2024-06-01T00:00:00Z",
            )
            .as_bytes(),
        );
        let updated = store.import_osv(&dir.path().join("osv"), &plain()).unwrap();
        assert_eq!(updated.updated, 1);
        let evil = store
            .reported_packages()
            .unwrap()
            .into_iter()
            .find(|p| p.name == "evil-pkg")
            .unwrap();
        let report = evil.reports.iter().find(|r| r.key == "MAL-2024-1").unwrap();
        assert_eq!(report.versions, ["1.0", "2.0"]);
        assert_eq!(
            report.sources,
            [(
                "ghsa-malware".to_string(),
                "ghsa-malware-MAL-2024-1".to_string()
            )]
        );
        // An older copy does not undo it.
        build::write(
            &path,
            build::osv(
                "MAL-2024-1",
                "evil-pkg",
                &["1.0"],
                &["ghsa-malware"],
                "2024-02-01T00:00:00Z",
            )
            .as_bytes(),
        );
        store.import_osv(&dir.path().join("osv"), &plain()).unwrap();
        let evil = store
            .reported_packages()
            .unwrap()
            .into_iter()
            .find(|p| p.name == "evil-pkg")
            .unwrap();
        assert_eq!(
            evil.reports
                .iter()
                .find(|r| r.key == "MAL-2024-1")
                .unwrap()
                .versions,
            ["1.0", "2.0"]
        );
        // Put the fixture back for the next back end.
        build::osv_tree(dir.path(), false);
    }
}

#[test]
fn samples_are_hashed_deduplicated_dated_and_scanned() {
    let dir = tempfile::tempdir().unwrap();
    let tree = build::samples_tree(dir.path());
    for mut store in build::stores("samples", dir.path()) {
        let summary = store.import_samples(&tree, &scanning()).unwrap();
        // Three sample files, two distinct contents; README and index are not samples.
        assert_eq!(summary.records, 3, "{summary:?}");
        assert_eq!(summary.scanned, 2);
        let stats = store.stats().unwrap();
        assert_eq!(stats.files, 2);
        assert_eq!((stats.scanned_files, stats.unscanned_files), (2, 0));
        assert!(
            stats.verdicts.contains(&("malicious".to_string(), 1)),
            "{:?}",
            stats.verdicts
        );
        let s = source(&stats, "malregistry");
        assert_eq!((s.projects, s.versions, s.files), (3, 3, 2));
        let scans = store.scans().unwrap();
        let evil = scans
            .iter()
            .find(|s| s.scan.verdict == "malicious")
            .unwrap();
        assert_eq!(evil.sha256, build::sha256(build::EVIL_SETUP.as_bytes()));
        assert_eq!(evil.project.as_deref(), Some("evil-pkg"));
        assert!(evil.scan.categories.contains(&"code-execution".to_string()));
        assert!(evil.scan.triggers.contains(&"install".to_string()));
        assert!(evil.scan.findings.as_array().is_some_and(|f| !f.is_empty()));
        let csv = export(&mut store, ExportFormat::Csv);
        assert!(
            csv.contains("2023-08-16") || csv.contains("malicious"),
            "{csv}"
        );
    }
}

#[test]
fn datadog_samples_are_decrypted_in_memory() {
    let dir = tempfile::tempdir().unwrap();
    let tree = build::datadog_tree(dir.path());
    for mut store in build::stores("datadog", dir.path()) {
        let summary = store.import_datadog(&tree, &scanning()).unwrap();
        // Manifest: four good entries, one bad; samples: two read, one wrong password.
        assert_eq!(summary.errors.len(), 2, "{:?}", summary.errors);
        assert!(
            summary
                .errors
                .iter()
                .any(|e| e.location.contains("dd-locked"))
        );
        assert!(summary.errors.iter().any(|e| e.location.ends_with(": bad")));
        assert_eq!(summary.scanned, 2);
        let scans = store.scans().unwrap();
        assert_eq!(scans.len(), 2);
        assert!(
            scans.iter().all(|s| s.scan.verdict == "malicious"),
            "{scans:?}"
        );
        // The archive inside names the file (its hash is the package's own).
        let wheel = build::inner_wheel(build::EVIL_SETUP);
        assert!(
            scans
                .iter()
                .any(|s| s.sha256 == build::sha256(&wheel) && s.filename.ends_with(".whl"))
        );
        let stats = store.stats().unwrap();
        assert_eq!(source(&stats, "datadog").projects, 4);
        // Nothing decrypted was written next to the samples.
        let written: Vec<_> = walk(&tree)
            .into_iter()
            .filter(|p| !p.ends_with(".zip") && !p.ends_with("manifest.json"))
            .collect();
        assert!(written.is_empty(), "{written:?}");
    }
}

fn walk(root: &std::path::Path) -> Vec<String> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(root).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p.display().to_string());
        }
    }
    out
}

#[test]
fn lists_in_text_and_csv() {
    let dir = tempfile::tempdir().unwrap();
    let text = dir.path().join("seen.txt");
    build::write(
        &text,
        b"evil-pkg==1.0\nevil-pkg==1.1 2024-05-01 vendor-x\nbad/name==1.0\nsolo\n",
    );
    let csv = dir.path().join("table.csv");
    build::write(
        &csv,
        b"name,version,date,source\nevil-pkg,1.0,2024-04-01,paper-a\n\"bad name\",1,,\nother,,,\n",
    );
    for mut store in build::stores("lists", dir.path()) {
        let t = store.import_list(&text, &plain()).unwrap();
        assert_eq!(t.errors.len(), 1);
        assert_eq!(t.errors[0].location, format!("{}:3", text.display()));
        let c = store.import_list(&csv, &plain()).unwrap();
        assert_eq!(c.errors.len(), 1, "{:?}", c.errors);
        assert!(c.errors[0].location.ends_with(":3"), "{:?}", c.errors);
        let stats = store.stats().unwrap();
        assert_eq!(source(&stats, "seen").projects, 2);
        assert_eq!(source(&stats, "vendor-x").versions, 1);
        assert_eq!(source(&stats, "paper-a").projects, 1);
        // `other` came with no source column value: the list's own name.
        assert_eq!(source(&stats, "table").projects, 1);
        let evil = store
            .reported_packages()
            .unwrap()
            .into_iter()
            .find(|p| p.name == "evil-pkg")
            .unwrap();
        assert_eq!(evil.first_published.as_deref(), Some("2024-04-01"));
    }
}

#[test]
fn a_failed_import_leaves_the_store_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let plain_sha = build::sha256(build::PLAIN_SETUP.as_bytes());
    for mut store in build::stores("rollback", dir.path()) {
        store
            .import_osv(&build::osv_tree(dir.path(), false), &plain())
            .unwrap();
        let before = store.stats().unwrap();
        // The store itself refuses one file midway (after others were written).
        let refuse = match store.backend() {
            malpi_store::Backend::Sqlite => format!(
                "CREATE TRIGGER refuse BEFORE INSERT ON files WHEN NEW.sha256 = '{plain_sha}'
                 BEGIN SELECT RAISE(ABORT, 'refused by test'); END;"
            ),
            malpi_store::Backend::Postgres => format!(
                "CREATE FUNCTION refuse() RETURNS trigger AS $$ BEGIN
                 IF NEW.sha256 = '{plain_sha}' THEN RAISE EXCEPTION 'refused by test'; END IF;
                 RETURN NEW; END $$ LANGUAGE plpgsql;
                 CREATE TRIGGER refuse BEFORE INSERT ON files FOR EACH ROW EXECUTE FUNCTION refuse();"
            ),
        };
        store.execute_batch(&refuse).unwrap();
        let err = store
            .import_samples(&build::samples_tree(dir.path()), &plain())
            .unwrap_err();
        assert!(err.to_string().contains("refused by test"), "{err}");
        assert_eq!(store.stats().unwrap(), before);
    }
}

#[test]
fn export_shares_back_and_osv_export_imports_again() {
    let dir = tempfile::tempdir().unwrap();
    let f = fixtures(dir.path());
    for (i, mut store) in build::stores("export", dir.path()).into_iter().enumerate() {
        import_everything(&mut store, &f);
        let stats = store.stats().unwrap();
        let jsonl = export(&mut store, ExportFormat::Jsonl);
        assert_eq!(
            jsonl.lines().count() as i64,
            stats.merged_projects + 1,
            "live projects and withdrawn lodestone"
        );
        let osv = export(&mut store, ExportFormat::Osv);
        for line in osv.lines() {
            let v: serde_json::Value = serde_json::from_str(line).unwrap();
            assert!(v["id"].is_string() && v["affected"][0]["package"]["ecosystem"] == "PyPI");
        }
        let tree = dir.path().join(format!("shared-{i}"));
        let written = store.export_osv_tree(&tree).unwrap();
        assert_eq!(written as i64, stats.merged_projects);
        let mut again =
            Store::open(dir.path().join(format!("again-{i}.db")).to_str().unwrap()).unwrap();
        let summary = again.import_osv(&tree, &plain()).unwrap();
        assert!(summary.errors.is_empty(), "{:?}", summary.errors);
        let round = again.stats().unwrap();
        assert_eq!(round.merged_projects, stats.merged_projects);
        let names = |s: &malpi_store::Stats| {
            s.sources
                .iter()
                .filter(|s| s.projects > 0)
                .map(|s| (s.source.clone(), s.projects))
                .collect::<Vec<_>>()
        };
        assert_eq!(names(&round), names(&stats));
    }
}

fn export(store: &mut Store, format: ExportFormat) -> String {
    let mut out = Vec::new();
    store.export(format, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

#[test]
fn observations_and_single_scans_are_stored() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("evil_pkg-1.0.tar.gz");
    build::write(&file, &build::inner_wheel(build::EVIL_SETUP));
    for mut store in build::stores("observe", dir.path()) {
        let o = Observation {
            mirror: "tuna".into(),
            project: "Evil_Pkg".into(),
            version: Some("1.0".into()),
            filename: None,
            file_sha256: None,
            status: ObservationStatus::Present,
            http_status: Some(200),
            hashes_served: vec!["ab".repeat(32)],
            detail: None,
            observed_at: "2026-11-28T08:00:00Z".into(),
        };
        store.record_observations(&[o.clone()]).unwrap();
        let back = store.observations(Some("tuna")).unwrap();
        assert_eq!(
            back,
            [Observation {
                project: "evil-pkg".into(),
                ..o
            }]
        );
        assert!(store.observations(Some("other")).unwrap().is_empty());
        let report = malpi_scan::scan_path(&file, &malpi_scan::ScanOptions::default());
        store.record_scan(&report).unwrap();
        store.record_scan(&report).unwrap();
        let stats = store.stats().unwrap();
        assert_eq!(
            (stats.files, stats.scanned_files, stats.mirror_observations),
            (1, 1, 1)
        );
        // A scan credits no source: nothing is "reported" by scanning.
        assert_eq!(stats.merged_projects, 0);
        assert!(
            store
                .set_upload_time(&report.package.sha256, "2024-01-01T00:00:00Z")
                .unwrap()
        );
    }
}

#[test]
fn both_back_ends_give_the_same_stats() {
    let Ok(url) = std::env::var("MALPI_TEST_POSTGRES") else {
        eprintln!(
            "both_back_ends_give_the_same_stats: PostgreSQL tests skipped (MALPI_TEST_POSTGRES is not set)"
        );
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let mut sqlite = Store::open(dir.path().join("same.db").to_str().unwrap()).unwrap();
    let mut pg = build::postgres_store(&url, "same");
    let f = fixtures(dir.path());
    import_everything(&mut sqlite, &f);
    import_everything(&mut pg, &f);
    let (a, b) = (sqlite.stats().unwrap(), pg.stats().unwrap());
    assert!(a.merged_projects > 0 && a.files > 0);
    assert_eq!(a, b);
    assert_eq!(
        export(&mut sqlite, ExportFormat::Csv),
        export(&mut pg, ExportFormat::Csv)
    );
}

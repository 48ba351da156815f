//! Crafted inputs against the store: names that would become paths outside the export
//! folder, records too big or too wide to import in reasonable time.

#[allow(dead_code)]
mod build;

use std::path::Path;

use malpi_store::import::ImportOptions;
use malpi_store::{Record, ReportRecord, Store, StoreError};

fn plain() -> ImportOptions<'static> {
    ImportOptions::default()
}

/// An OSV record naming each of `names` as an affected PyPI package.
fn osv_many(id: &str, names: &[&str]) -> String {
    let affected: Vec<_> = names
        .iter()
        .map(|n| serde_json::json!({"package": {"ecosystem": "PyPI", "name": n}, "versions": ["1.0"]}))
        .collect();
    serde_json::json!({
        "schema_version": "1.5.0", "id": id, "modified": "2024-02-01T00:00:00Z",
        "published": "2024-01-02T00:00:00Z", "affected": affected,
    })
    .to_string()
}

/// Every file below `root` (links not followed), as paths from `root`.
fn files_under(root: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in entries.flatten() {
            let kind = e.file_type().unwrap();
            if kind.is_dir() {
                stack.push(e.path());
            } else {
                let rel = e.path().strip_prefix(root).unwrap().display().to_string();
                out.push(rel);
            }
        }
    }
    out.sort();
    out
}

const ESCAPES: &[&str] = &[
    "/tmp/malpi-hostile-abs",
    "../../malpi-hostile-up",
    "a/../../../b",
    "..",
    "x/y",
    "back\\slash",
    "nul\u{0}byte",
    "line\nbreak",
    "-lead",
    "pirate balls",
    "requ\u{435}sts",
];

#[test]
fn osv_names_that_are_paths_are_listed_and_the_rest_imports() {
    let dir = tempfile::tempdir().unwrap();
    let tree = dir.path().join("osv");
    let mut names = ESCAPES.to_vec();
    names.push("good-one");
    let file = tree.join("MAL-2024-66.json");
    build::write(&file, osv_many("MAL-2024-66", &names).as_bytes());
    build::write(
        &tree.join("MAL-2024-67.json"),
        osv_many("MAL-2024-67", &["/etc/cron.d/x"]).as_bytes(),
    );
    for mut store in build::stores("hostile_osv_names", dir.path()) {
        let summary = store.import_osv(&tree, &plain()).unwrap();
        assert_eq!(summary.added, 1, "{summary:?}");
        assert_eq!(summary.errors.len(), ESCAPES.len() + 1, "{summary:?}");
        for e in &summary.errors {
            assert!(e.location.ends_with(".json"), "{e}");
            assert!(e.reason.contains("project name"), "{e}");
        }
        assert!(
            summary
                .errors
                .iter()
                .any(|e| e.location == file.display().to_string()
                    && e.reason.contains("/tmp/malpi-hostile-abs"))
        );
        let stats = store.stats().unwrap();
        assert_eq!(stats.projects, 1);

        // The export folder is created, even several levels deep, and holds everything.
        let out = dir.path().join("export/deep/er");
        assert_eq!(store.export_osv_tree(&out).unwrap(), 1);
        assert_eq!(
            files_under(&dir.path().join("export")),
            ["deep/er/pypi/good-one/MAL-2024-66.json"]
        );
        assert!(!Path::new("/tmp/malpi-hostile-abs").exists());
        assert!(!dir.path().join("malpi-hostile-up").exists());
    }
}

#[test]
fn every_importer_refuses_names_that_are_not_pep508() {
    let dir = tempfile::tempdir().unwrap();
    let list = dir.path().join("list.txt");
    build::write(&list, b"good-one==1.0\n../../up==1.0\n/abs\n");
    let samples = dir.path().join("collection");
    build::write(&samples.join("good-one/1.0/setup.py"), b"print(1)\n");
    build::write(&samples.join("pirate balls/1.0/setup.py"), b"print(2)\n");
    build::write(&samples.join("-x-/1.0/setup.py"), b"print(3)\n");
    for mut store in build::stores("hostile_importer_names", dir.path()) {
        let s = store.import_list(&list, &plain()).unwrap();
        assert_eq!((s.added, s.errors.len()), (1, 2), "{s:?}");
        assert!(
            s.errors[0].location.ends_with("list.txt:2"),
            "{:?}",
            s.errors
        );
        let s = store.import_samples(&samples, &plain()).unwrap();
        assert_eq!((s.added, s.errors.len()), (1, 2), "{s:?}");
        assert!(
            s.errors
                .iter()
                .any(|e| e.location == "pirate balls/1.0/setup.py"),
            "{:?}",
            s.errors
        );
        // The store's own net: a record from any importer with a bad name is refused.
        let bad = Record::Report(ReportRecord {
            key: "hand/up".into(),
            project: "../up".into(),
            ..ReportRecord::default()
        });
        let s = store.import([Ok(bad)], &mut |_| {}).unwrap();
        assert_eq!((s.added, s.errors.len()), (0, 1), "{s:?}");
        assert_eq!(s.errors[0].location, "hand/up");
    }
}

#[test]
fn export_refuses_stored_bad_names_and_planted_links() {
    let dir = tempfile::tempdir().unwrap();
    let tree = dir.path().join("osv");
    build::write(
        &tree.join("a.json"),
        osv_many("MAL-2024-70", &["good-one"]).as_bytes(),
    );
    let mut store = Store::open(dir.path().join("s.db").to_str().unwrap()).unwrap();
    store.import_osv(&tree, &plain()).unwrap();

    // A link inside the output folder that leads out of it: refused, nothing written there.
    let out = dir.path().join("out");
    let outside = dir.path().join("outside");
    std::fs::create_dir_all(out.join("pypi")).unwrap();
    std::fs::create_dir_all(&outside).unwrap();
    std::os::unix::fs::symlink(&outside, out.join("pypi/good-one")).unwrap();
    let err = store.export_osv_tree(&out).unwrap_err();
    assert!(matches!(err, StoreError::OutsideOutput { .. }), "{err}");
    assert!(files_under(&outside).is_empty());

    // A planted link at the temporary file's place is replaced, not written through.
    std::fs::remove_file(out.join("pypi/good-one")).unwrap();
    std::fs::create_dir_all(out.join("pypi/good-one")).unwrap();
    let victim = outside.join("victim");
    std::fs::write(&victim, b"keep").unwrap();
    std::os::unix::fs::symlink(&victim, out.join("pypi/good-one/.MAL-2024-70.json.tmp")).unwrap();
    assert_eq!(store.export_osv_tree(&out).unwrap(), 1);
    assert_eq!(std::fs::read(&victim).unwrap(), b"keep");

    // A name stored before names were checked (an older store): the export stops before
    // writing anything.
    store
        .execute_batch("UPDATE projects SET name = '../../escaped' WHERE name = 'good-one'")
        .unwrap();
    let fresh = dir.path().join("fresh");
    let err = store.export_osv_tree(&fresh).unwrap_err();
    assert!(err.to_string().contains("escaped"), "{err}");
    assert!(!dir.path().join("escaped").exists());
    assert!(files_under(&fresh).is_empty());
}

/// One OSV record naming `n` distinct PyPI packages.
fn wide_record(n: usize) -> String {
    let names: Vec<String> = (0..n).map(|i| format!("wide-pkg-{i}")).collect();
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    osv_many("MAL-2024-80", &refs)
}

/// Import `record` as the only file of an OSV tree into a fresh SQLite store.
fn import_one(record: &str) -> (malpi_store::ImportSummary, std::time::Duration, Store) {
    let dir = tempfile::tempdir().unwrap();
    let tree = dir.path().join("osv");
    build::write(&tree.join("wide.json"), record.as_bytes());
    let mut store = Store::open(dir.path().join("s.db").to_str().unwrap()).unwrap();
    let t = std::time::Instant::now();
    let summary = store.import_osv(&tree, &plain()).unwrap();
    (summary, t.elapsed(), store)
}

#[test]
fn a_record_naming_many_packages_imports_in_linear_time() {
    // 20,000 packages once took minutes (each name looked up in the whole list again).
    let (s, took, mut store) = import_one(&wide_record(20_000));
    assert_eq!(
        (s.added, s.errors.len()),
        (20_000, 0),
        "{:?}",
        s.errors.first()
    );
    assert_eq!(store.stats().unwrap().projects, 20_000);
    eprintln!("20,000 affected packages imported in {took:?}");
    assert!(took < std::time::Duration::from_secs(4), "{took:?}");

    // One name 20,000 times: one report holding every version, just as fast.
    let affected: Vec<_> = (0..20_000)
        .map(|i| serde_json::json!({"package": {"ecosystem": "PyPI", "name": if i % 2 == 0 { "Same.Name" } else { "same_name" }}, "versions": [format!("1.{i}")]}))
        .collect();
    let record = serde_json::json!({"id": "MAL-2024-81", "affected": affected}).to_string();
    let (s, took, _) = import_one(&record);
    assert_eq!((s.added, s.errors.len()), (1, 0), "{s:?}");
    assert!(took < std::time::Duration::from_secs(4), "{took:?}");
}

#[test]
fn records_too_wide_or_too_big_are_refused_with_a_reason() {
    let t = std::time::Instant::now();
    let (s, _, _) = import_one(&wide_record(60_000));
    assert_eq!(s.added, 0);
    assert!(
        s.errors[0]
            .reason
            .contains("more than the 50000 one record may name"),
        "{:?}",
        s.errors
    );
    // Few packages but long details: the copies made per package are bounded.
    let mut doc: serde_json::Value = serde_json::from_str(&wide_record(2_000)).unwrap();
    doc["details"] = "x".repeat(60_000).into();
    let (s, _, _) = import_one(&doc.to_string());
    assert_eq!(s.added, 0);
    assert!(
        s.errors[0]
            .reason
            .contains("bytes one record may expand to"),
        "{:?}",
        s.errors
    );
    // Past the byte limit: refused before parsing.
    let (s, _, _) = import_one(&format!(
        "{{\"id\": \"x\", \"pad\": \"{}\"}}",
        "y".repeat(9 << 20)
    ));
    assert!(s.errors[0].reason.contains("byte limit"), "{:?}", s.errors);
    assert!(
        t.elapsed() < std::time::Duration::from_secs(6),
        "{:?}",
        t.elapsed()
    );
}

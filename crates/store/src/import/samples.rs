//! Sample collections laid out `NAME/VERSION/FILE` (the study's dataset), and the loading,
//! hashing and scanning of any sample file (shared with the DataDog importer).

use std::collections::{HashMap, HashSet};
use std::path::Path;

use super::{FileJob, Loaded, Loader, MAX_SAMPLE_BYTES, read_capped, sha256_hex, walk};
use crate::{FileRecord, Record, RecordError, ScanRecord, StoreError};

/// The files of a collection as jobs. Files directly in the root (an index, a README) are
/// not samples; `NAME/FILE` has no version; deeper files take their first two folders.
pub(crate) fn jobs(root: &Path, source: &str) -> Result<Vec<FileJob>, StoreError> {
    if !root.is_dir() {
        return Err(StoreError::input(
            root,
            "not a folder (expected NAME/VERSION/FILE)",
        ));
    }
    let dates = std::sync::Arc::new(index_dates(root));
    let mut jobs = Vec::new();
    for (path, rel) in walk(root)? {
        if rel.len() < 2 || rel.iter().any(|c| c.starts_with('.')) {
            continue;
        }
        let version = (rel.len() >= 3).then(|| rel[1].clone());
        jobs.push(FileJob {
            project: rel[0].clone(),
            version,
            location: rel.join("/"),
            source: source.to_string(),
            added: None,
            dates_by_hash: dates.clone(),
            load: Loader::File(path),
        });
    }
    Ok(jobs)
}

/// The date column of an `index.tsv` (name, version, path, sha256, date), by sha256.
fn index_dates(root: &Path) -> HashMap<String, String> {
    let Ok(text) = read_capped(&root.join("index.tsv"), 64 << 20) else {
        return HashMap::new();
    };
    String::from_utf8_lossy(&text)
        .lines()
        .filter_map(|line| {
            let cols: Vec<&str> = line.split('\t').collect();
            let sha = cols.get(3)?.trim().to_ascii_lowercase();
            let date = crate::time::parse_date(cols.get(4)?)?;
            (sha.len() == 64).then_some((sha, date))
        })
        .collect()
}

/// Read a job's bytes, hash them, scan them unless already scanned.
pub(crate) fn load_record(
    job: FileJob,
    scan: Option<&malpi_scan::ScanOptions>,
    scanned: &std::sync::Mutex<HashSet<String>>,
) -> Result<Record, RecordError> {
    let fail = |reason: String| RecordError {
        location: job.location.clone(),
        reason,
    };
    // The folder name is the project's: only PEP 508 names (see `Store::import`).
    malpi_names::check_name(&job.project).map_err(|e| fail(e.to_string()))?;
    let loaded = match &job.load {
        Loader::File(path) => Loaded {
            filename: path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            bytes: read_capped(path, MAX_SAMPLE_BYTES).map_err(fail)?,
            identity: None,
        },
        Loader::EncryptedZip(path) => super::datadog::load(path).map_err(fail)?,
    };
    // An empty file is still a sample of the collection (its scan says `error: empty file`).
    let (sha256, size) = loaded
        .identity
        .clone()
        .unwrap_or_else(|| (sha256_hex(&loaded.bytes), loaded.bytes.len() as u64));
    // Each content is scanned once: the same bytes under two names share the scan.
    let first = || {
        scanned
            .lock()
            .map(|mut set| set.insert(sha256.clone()))
            .unwrap_or(false)
    };
    let scan = match scan {
        Some(opts) if first() => {
            // The scanner reads name and version from the file's name, as on an index.
            let info = malpi_scan::PackageInfo::new(
                loaded.filename.clone(),
                malpi_scan::PackageKind::File,
            );
            let mut scan =
                ScanRecord::from_report(&malpi_scan::scan_bytes(info, &loaded.bytes, opts));
            scan.sha256 = sha256.clone();
            Some(scan)
        }
        _ => None,
    };
    let added = job
        .added
        .or_else(|| job.dates_by_hash.get(&sha256).cloned());
    Ok(Record::File(FileRecord {
        project: job.project,
        version: job.version,
        filename: loaded.filename,
        location: job.location,
        source: job.source,
        size,
        sha256,
        added,
        scan,
    }))
}

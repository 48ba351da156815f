//! One mirror's answer for one reported project, as observations: the project page, each
//! reported version (some file of it listed), each known file (listed with its sha256, or
//! under its name when the index gives no hash). Only the page is read; no file is
//! downloaded.

use std::collections::BTreeSet;

use malpi_index::{DistFile, Index, IndexError, ProjectPage, Version};
use malpi_store::{Observation, ObservationStatus, ReportedPackage};

/// Most sha256 digests kept from one project page (a hostile page may list millions).
const MAX_HASHES: usize = 1000;

/// What one probe found.
#[derive(Clone, Debug, Default)]
pub struct Observed {
    pub observations: Vec<Observation>,
    /// (sha256, upload time) of known files the index dated (PEP 700 `upload-time`, or the
    /// PyPI JSON API): release times for the lifecycle.
    pub upload_times: Vec<(String, String)>,
}

/// Ask `index` (stored as `mirror`) about `package`. With `date_uploads`, files the page
/// does not date are looked up in the index's JSON API when it has one (PyPI).
pub fn observe(
    index: &Index,
    mirror: &str,
    package: &ReportedPackage,
    observed_at: &str,
    date_uploads: bool,
) -> Observed {
    let base = Observation {
        mirror: mirror.to_string(),
        project: package.name.clone(),
        version: None,
        filename: None,
        file_sha256: None,
        status: ObservationStatus::Error,
        http_status: None,
        hashes_served: Vec::new(),
        detail: None,
        observed_at: observed_at.to_string(),
    };
    let page = match index.project(&package.display_name) {
        Ok(page) => page,
        Err(e) => {
            let status = match &e {
                IndexError::NotFound { .. } => ObservationStatus::Absent,
                _ => ObservationStatus::Error,
            };
            let answer = Observation {
                status,
                http_status: e.status(),
                detail: Some(e.to_string()),
                ..base
            };
            return Observed {
                observations: every_probe(package, &answer),
                upload_times: Vec::new(),
            };
        }
    };
    let mut observed = Observed::default();
    let page_hashes: Vec<String> = page
        .files
        .iter()
        .filter_map(|f| f.sha256.clone())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .take(MAX_HASHES)
        .collect();
    observed.observations.push(Observation {
        status: presence(!page.files.is_empty()),
        http_status: Some(200),
        hashes_served: page_hashes,
        detail: page
            .files
            .is_empty()
            .then(|| "the project page lists no file".into()),
        ..base.clone()
    });
    for v in &package.versions {
        let listed: Vec<&DistFile> = page
            .files
            .iter()
            .filter(|f| {
                same_version(f.version(&package.name).as_deref(), &v.version)
                    || v.files.iter().any(|k| matches(f, &k.sha256, &k.filename))
            })
            .collect();
        observed.observations.push(Observation {
            version: Some(v.version.clone()),
            status: presence(!listed.is_empty()),
            http_status: Some(200),
            hashes_served: hashes(&listed),
            ..base.clone()
        });
        for known in &v.files {
            let served: Vec<&DistFile> = page
                .files
                .iter()
                .filter(|f| matches(f, &known.sha256, &known.filename))
                .collect();
            let renamed_bytes = served.is_empty()
                && page
                    .files
                    .iter()
                    .any(|f| f.filename == known.filename && f.sha256.is_some());
            observed.observations.push(Observation {
                version: Some(v.version.clone()),
                filename: Some(known.filename.clone()),
                file_sha256: Some(known.sha256.clone()),
                status: presence(!served.is_empty()),
                http_status: Some(200),
                hashes_served: hashes(&served),
                detail: renamed_bytes.then(|| "listed under this name with another sha256".into()),
                ..base.clone()
            });
            let dated = served
                .iter()
                .find_map(|f| f.upload_time.clone().filter(|_| f.sha256.is_some()));
            if let Some(time) = dated {
                observed.upload_times.push((known.sha256.clone(), time));
            }
        }
    }
    if date_uploads {
        observed
            .upload_times
            .extend(json_api_upload_times(index, package, &page, &observed));
    }
    observed
}

/// The same answer for the project page, every reported version and every known file.
fn every_probe(package: &ReportedPackage, answer: &Observation) -> Vec<Observation> {
    let mut all = vec![answer.clone()];
    for v in &package.versions {
        all.push(Observation {
            version: Some(v.version.clone()),
            ..answer.clone()
        });
        for f in &v.files {
            all.push(Observation {
                version: Some(v.version.clone()),
                filename: Some(f.filename.clone()),
                file_sha256: Some(f.sha256.clone()),
                ..answer.clone()
            });
        }
    }
    all
}

/// Upload times from the JSON API for known files the page listed without a date.
fn json_api_upload_times(
    index: &Index,
    package: &ReportedPackage,
    page: &ProjectPage,
    observed: &Observed,
) -> Vec<(String, String)> {
    let dated: BTreeSet<&str> = observed
        .upload_times
        .iter()
        .map(|(h, _)| h.as_str())
        .collect();
    let mut found = Vec::new();
    for v in &package.versions {
        let undated = v.files.iter().any(|f| {
            !dated.contains(f.sha256.as_str())
                && f.upload_time.is_none()
                && page
                    .files
                    .iter()
                    .any(|p| matches(p, &f.sha256, &f.filename))
        });
        if !undated {
            continue;
        }
        // A JSON API that fails says nothing about presence: the page already did.
        let Ok(Some(info)) = index.release_info(&package.display_name, Some(&v.version)) else {
            continue;
        };
        for known in &v.files {
            let time = info.files.iter().find_map(|u| {
                let same = u.sha256.as_deref() == Some(known.sha256.as_str());
                same.then(|| u.upload_time.clone()).flatten()
            });
            if let Some(time) = time {
                found.push((known.sha256.clone(), time));
            }
        }
    }
    found
}

fn presence(present: bool) -> ObservationStatus {
    if present {
        ObservationStatus::Present
    } else {
        ObservationStatus::Absent
    }
}

/// A listed file is a known one when its sha256 is the same, or, when the index gives no
/// sha256, when its name is.
fn matches(listed: &DistFile, sha256: &str, filename: &str) -> bool {
    match &listed.sha256 {
        Some(h) => h.eq_ignore_ascii_case(sha256),
        None => listed.filename == filename,
    }
}

/// Versions compare as PEP 440 versions (`1.0` is `1.0.0`), else as text.
fn same_version(listed: Option<&str>, reported: &str) -> bool {
    let Some(listed) = listed else {
        return false;
    };
    match (listed.parse::<Version>(), reported.parse::<Version>()) {
        (Ok(a), Ok(b)) => a == b,
        _ => listed.eq_ignore_ascii_case(reported),
    }
}

fn hashes(files: &[&DistFile]) -> Vec<String> {
    let set: BTreeSet<String> = files.iter().filter_map(|f| f.sha256.clone()).collect();
    set.into_iter().take(MAX_HASHES).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_compare_by_pep_440() {
        assert!(same_version(Some("1.0.0"), "1.0"));
        assert!(!same_version(Some("1.0.1"), "1.0"));
        assert!(same_version(Some("weird-x"), "WEIRD-X"));
        assert!(!same_version(None, "1.0"));
    }
}

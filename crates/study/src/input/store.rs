//! The study data from a malpi store: one record per reported version (per project when no
//! version is known), with its sources, scans and lifecycle dates, and the mirror
//! observations. This is the one place where store rows become [`StudyData`].
//!
//! Lifecycle dates:
//! - **release**: the earliest upload time of the version's files (from the index's JSON
//!   API, written by `malpi mirrors check`), else the first time any mirror served it;
//! - **discovery**: the earliest `published` date of its reports;
//! - **removal from PyPI**: on the mirror named [`PYPI_MIRROR`], the first `absent` answer
//!   after a `present` one, or an `absent` first answer (it was gone when first checked);
//!   failed probes say nothing;
//! - **last seen**: the study's lifecycle reads it from the observations themselves.

use std::collections::{BTreeMap, HashMap, HashSet};

use malpi_store::{
    Observation, ObservationStatus, ReportedPackage, ScanRecord, Store, StoreError, StoredScan,
};

use crate::model::{MirrorObservation, PackageRecord, Presence, ScanSummary, StudyData};
use crate::time::Timestamp;

/// The mirror whose answers date a removal from PyPI.
pub const PYPI_MIRROR: &str = "pypi";

/// Read the store and build the study data.
pub fn study_from_store(store: &mut Store) -> Result<StudyData, StoreError> {
    let packages = store.reported_packages()?;
    let scans = store.scans()?;
    let observations = store.observations(None)?;
    Ok(from_store(&packages, &scans, &observations))
}

/// Observations of one project, split by what was probed.
#[derive(Default)]
struct Seen<'a> {
    /// (mirror, version or None for the project page) → observations, oldest first.
    probes: BTreeMap<(&'a str, Option<&'a str>), Vec<&'a Observation>>,
    /// Mirrors that answered for some version of the project.
    mirrors_with_versions: HashSet<&'a str>,
}

/// Build the study data from what the store returned. Withdrawn projects are left out.
pub fn from_store(
    packages: &[ReportedPackage],
    scans: &[StoredScan],
    observations: &[Observation],
) -> StudyData {
    let scans = latest_scans(scans);
    let mut seen: HashMap<&str, Seen> = HashMap::new();
    // File probes say the same as their version's probe, in finer grain: the study counts
    // project pages and versions.
    for o in observations.iter().filter(|o| o.filename.is_none()) {
        let entry = seen.entry(o.project.as_str()).or_default();
        if o.version.is_some() {
            entry.mirrors_with_versions.insert(o.mirror.as_str());
        }
        entry
            .probes
            .entry((o.mirror.as_str(), o.version.as_deref()))
            .or_default()
            .push(o);
    }
    let mut data = StudyData::default();
    let mut kept: HashSet<&str> = HashSet::new();
    for p in packages.iter().filter(|p| !p.withdrawn) {
        kept.insert(p.name.as_str());
        let reported_at = p.first_published.as_deref().and_then(Timestamp::parse);
        let project_seen = seen.get(p.name.as_str());
        let record = |version: &str, sources: &[String]| PackageRecord {
            name: p.name.clone(),
            version: version.to_string(),
            sources: if sources.is_empty() {
                p.sources.clone()
            } else {
                sources.to_vec()
            },
            reported_at,
            released_at: None,
            removed_at: None,
            gone_at_first_check: false,
            scan: None,
        };
        if p.versions.is_empty() {
            let mut r = record("", &[]);
            r.released_at = project_seen.and_then(|s| first_present(s, None));
            (r.removed_at, r.gone_at_first_check) =
                split(project_seen.and_then(|s| removal(s, None)));
            data.packages.push(r);
            continue;
        }
        for v in &p.versions {
            let mut r = record(&v.version, &v.sources);
            let version = Some(v.version.as_str());
            r.released_at = v
                .files
                .iter()
                .filter_map(|f| f.upload_time.as_deref().and_then(Timestamp::parse))
                .min()
                .or_else(|| project_seen.and_then(|s| first_present(s, version)));
            (r.removed_at, r.gone_at_first_check) =
                split(project_seen.and_then(|s| removal(s, version).or_else(|| removal(s, None))));
            for f in &v.files {
                if let Some(scan) = scans.get(f.sha256.as_str()) {
                    let summary = summary(scan);
                    match &mut r.scan {
                        Some(existing) => existing.merge(summary),
                        None => r.scan = Some(summary),
                    }
                }
            }
            data.packages.push(r);
        }
    }
    for (project, s) in &seen {
        if !kept.contains(project) {
            continue;
        }
        for ((mirror, version), list) in &s.probes {
            // A project page only stands for the project on a mirror where no version was
            // probed: "served" means a reported version is still listed.
            if version.is_none() && s.mirrors_with_versions.contains(mirror) {
                continue;
            }
            data.mirror_observations.extend(list.iter().filter_map(|o| {
                Some(MirrorObservation {
                    mirror: o.mirror.clone(),
                    package: o.project.clone(),
                    version: o.version.clone(),
                    presence: match o.status {
                        ObservationStatus::Present => Presence::Present,
                        ObservationStatus::Absent => Presence::Absent,
                        ObservationStatus::Error => Presence::Error,
                    },
                    observed_at: Timestamp::parse(&o.observed_at)?,
                })
            }));
        }
    }
    data.mirror_observations.sort_by(|a, b| {
        (a.observed_at, &a.mirror, &a.package, &a.version).cmp(&(
            b.observed_at,
            &b.mirror,
            &b.package,
            &b.version,
        ))
    });
    data
}

/// Each file's scan by this malpi version, else its most recent one.
fn latest_scans(scans: &[StoredScan]) -> HashMap<&str, &ScanRecord> {
    let mut best: HashMap<&str, &StoredScan> = HashMap::new();
    for s in scans {
        let rank = |s: &StoredScan| {
            (
                s.scan.malpi_version == malpi_store::MALPI_VERSION,
                s.scanned_at.clone(),
            )
        };
        let better = best
            .get(s.sha256.as_str())
            .is_none_or(|b| rank(s) > rank(b));
        if better {
            best.insert(s.sha256.as_str(), s);
        }
    }
    best.into_iter().map(|(k, s)| (k, &s.scan)).collect()
}

fn summary(scan: &ScanRecord) -> ScanSummary {
    let sorted = |v: &[String]| {
        let mut v = v.to_vec();
        v.sort();
        v.dedup();
        v
    };
    ScanSummary {
        verdict: scan.verdict.clone(),
        categories: sorted(&scan.categories),
        triggers: sorted(&scan.triggers),
        techniques: sorted(&scan.techniques),
        python_files: scan.python_files,
        python_lines: scan.python_lines,
        evidence_lines: scan.evidence_lines,
        platforms: sorted(&scan.platforms),
    }
}

/// The first time any mirror listed this version (or the project page, for `None`).
fn first_present(seen: &Seen, version: Option<&str>) -> Option<Timestamp> {
    seen.probes
        .iter()
        .filter(|((_, v), _)| *v == version)
        .flat_map(|(_, list)| list.iter())
        .filter(|o| o.status == ObservationStatus::Present)
        .filter_map(|o| Timestamp::parse(&o.observed_at))
        .min()
}

/// A removal's date, and whether it is only the first check's (gone by then).
type Removal = (Timestamp, bool);

/// `removed_at` and `gone_at_first_check` of a record.
fn split(removal: Option<Removal>) -> (Option<Timestamp>, bool) {
    removal.map_or((None, false), |(at, first)| (Some(at), first))
}

/// When PyPI stopped serving it: the first `absent` after a `present`, or an `absent`
/// first answer (flagged: gone by the first check). Failed probes are skipped.
fn removal(seen: &Seen, version: Option<&str>) -> Option<Removal> {
    let list = seen.probes.get(&(PYPI_MIRROR, version))?;
    let mut answers: Vec<(Timestamp, ObservationStatus)> = list
        .iter()
        .filter(|o| o.status != ObservationStatus::Error)
        .filter_map(|o| Some((Timestamp::parse(&o.observed_at)?, o.status)))
        .collect();
    answers.sort_by_key(|a| a.0);
    let mut was_present = false;
    for (i, (at, status)) in answers.iter().enumerate() {
        match status {
            ObservationStatus::Absent if i == 0 || was_present => return Some((*at, i == 0)),
            ObservationStatus::Present => was_present = true,
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use malpi_store::{ReportedVersion, StoredFile};

    fn obs(
        mirror: &str,
        version: Option<&str>,
        status: ObservationStatus,
        at: &str,
    ) -> Observation {
        Observation {
            mirror: mirror.into(),
            project: "evil".into(),
            version: version.map(str::to_string),
            filename: None,
            file_sha256: None,
            status,
            http_status: None,
            hashes_served: Vec::new(),
            detail: None,
            observed_at: at.into(),
        }
    }

    fn package() -> ReportedPackage {
        ReportedPackage {
            name: "evil".into(),
            display_name: "Evil".into(),
            sources: vec!["ossf".into()],
            all_versions: false,
            first_published: Some("2024-01-10T00:00:00Z".into()),
            withdrawn: false,
            reports: Vec::new(),
            versions: vec![ReportedVersion {
                version: "1.0".into(),
                sources: Vec::new(),
                files: vec![StoredFile {
                    sha256: "a".repeat(64),
                    filename: "evil-1.0.tar.gz".into(),
                    size: 1,
                    upload_time: None,
                    verdict: None,
                    score: None,
                }],
            }],
        }
    }

    #[test]
    fn removal_is_the_first_absent_after_present_and_release_the_first_present() {
        use ObservationStatus::*;
        let observations = [
            obs("pypi", Some("1.0"), Present, "2024-01-05T00:00:00Z"),
            obs("pypi", Some("1.0"), Error, "2024-01-11T00:00:00Z"),
            obs("pypi", Some("1.0"), Absent, "2024-01-12T00:00:00Z"),
            obs("pypi", Some("1.0"), Absent, "2024-01-13T00:00:00Z"),
            obs("pypi", None, Present, "2024-01-12T00:00:00Z"),
            obs("tuna", Some("1.0"), Present, "2024-03-01T00:00:00Z"),
        ];
        let data = from_store(&[package()], &[], &observations);
        let r = &data.packages[0];
        assert_eq!(r.sources, ["ossf"]);
        assert_eq!(r.released_at, Timestamp::parse("2024-01-05"));
        assert_eq!(r.removed_at, Timestamp::parse("2024-01-12"));
        assert!(!r.gone_at_first_check);
        assert_eq!(r.reported_at, Timestamp::parse("2024-01-10"));
        // The pypi project page is dropped: versions were probed there.
        assert_eq!(data.mirror_observations.len(), 5);
        assert!(data.mirror_observations.iter().all(|o| o.version.is_some()));
    }

    #[test]
    fn absent_at_the_first_check_is_a_removal_and_upload_time_wins() {
        let mut p = package();
        p.versions[0].files[0].upload_time = Some("2023-12-31T10:00:00Z".into());
        let observations = [obs(
            "pypi",
            Some("1.0"),
            ObservationStatus::Absent,
            "2024-02-01T00:00:00Z",
        )];
        let data = from_store(&[p], &[], &observations);
        assert_eq!(data.packages[0].removed_at, Timestamp::parse("2024-02-01"));
        assert!(data.packages[0].gone_at_first_check);
        // Never seen served: the residual period is unknown, not "until the check".
        let lifecycle = crate::lifecycle::lifecycle(&data);
        assert_eq!(lifecycle.gone_before_first_check, 1);
        assert_eq!(lifecycle.residual.summary, None);
        assert_eq!(
            data.packages[0].released_at,
            Timestamp::parse("2023-12-31T10:00:00Z")
        );
    }
}

//! OSV reports of malicious PyPI packages (the OpenSSF malicious-packages layout:
//! `NAME/MAL-*.json`), joined to the study data: who reported each project, and when it was
//! first reported (discovery). Projects reported but not scanned get a record of their own
//! (without a version), so the dataset figures cover every report.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::InputError;
use crate::model::{PackageRecord, StudyData};
use crate::time::Timestamp;

/// Largest report read; real ones are a few kilobytes.
const MAX_REPORT_BYTES: u64 = 4 << 20;
/// Source name for a report that names none.
const UNNAMED_SOURCE: &str = "osv";

/// What the join read.
#[derive(Debug, Default, PartialEq)]
pub struct OsvJoin {
    pub reports: usize,
    /// Withdrawn reports, or reports of another ecosystem.
    pub ignored: usize,
    /// Files that could not be read or parsed (too large, not JSON, not an OSV report).
    pub skipped_files: usize,
    pub first_skip: Option<String>,
    /// Projects reported.
    pub projects: usize,
    /// Of the records already in the data, those some report names.
    pub matched_records: usize,
    /// Records added for projects reported but not scanned.
    pub added_records: usize,
}

#[derive(Deserialize)]
struct OsvReport {
    published: Option<String>,
    withdrawn: Option<String>,
    // Real reports hold `null` where a list is expected: null reads as empty.
    #[serde(default, deserialize_with = "null_as_empty")]
    affected: Vec<Affected>,
    database_specific: Option<DatabaseSpecific>,
}

#[derive(Deserialize)]
struct Affected {
    package: Option<AffectedPackage>,
    #[serde(default, deserialize_with = "null_as_empty")]
    versions: Vec<String>,
}

#[derive(Deserialize)]
struct AffectedPackage {
    #[serde(default)]
    ecosystem: String,
    #[serde(default)]
    name: String,
}

#[derive(Deserialize)]
struct DatabaseSpecific {
    #[serde(
        rename = "malicious-packages-origins",
        default,
        deserialize_with = "null_as_empty"
    )]
    origins: Vec<Origin>,
}

#[derive(Deserialize)]
struct Origin {
    source: Option<String>,
}

fn null_as_empty<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Ok(Option::<Vec<T>>::deserialize(d)?.unwrap_or_default())
}

/// One report, as the join uses it.
struct Report {
    published: Option<Timestamp>,
    sources: BTreeSet<String>,
    versions: BTreeSet<String>,
}

/// Join the OSV reports under `dir` (a `pypi` folder of `NAME/MAL-*.json`, or the root of a
/// malicious-packages checkout) into `data`.
pub fn join_osv(data: &mut StudyData, dir: &Path) -> Result<OsvJoin, InputError> {
    let nested = dir.join("malicious").join("pypi");
    let root = if nested.is_dir() {
        nested
    } else {
        dir.to_path_buf()
    };
    let mut join = OsvJoin::default();
    let mut by_project: BTreeMap<String, Vec<Report>> = BTreeMap::new();
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| InputError::Io { path, source }
    };
    let mut saw_folder = false;
    for project in std::fs::read_dir(&root).map_err(io(&root))? {
        let project = project.map_err(io(&root))?.path();
        if !project.is_dir() {
            continue;
        }
        saw_folder = true;
        let Ok(files) = std::fs::read_dir(&project) else {
            skip(&mut join, &project, "cannot list folder".into());
            continue;
        };
        for file in files.flatten().map(|f| f.path()) {
            if file.extension().is_none_or(|e| e != "json") {
                continue;
            }
            match read_report(&file) {
                Ok(parsed) => add(&mut join, &mut by_project, parsed),
                Err(why) => skip(&mut join, &file, why),
            }
        }
    }
    if !saw_folder {
        return Err(InputError::NotOsv { path: root });
    }
    join.projects = by_project.len();
    apply(data, &by_project, &mut join);
    Ok(join)
}

fn skip(join: &mut OsvJoin, path: &Path, why: String) {
    join.skipped_files += 1;
    join.first_skip
        .get_or_insert_with(|| format!("{}: {why}", path.display()));
}

fn read_report(path: &PathBuf) -> Result<OsvReport, String> {
    use std::io::Read;
    let file = std::fs::File::open(path).map_err(|e| e.to_string())?;
    let mut bytes = Vec::new();
    file.take(MAX_REPORT_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| e.to_string())?;
    if bytes.len() as u64 > MAX_REPORT_BYTES {
        return Err(format!("larger than {MAX_REPORT_BYTES} bytes"));
    }
    serde_json::from_slice(&bytes).map_err(|e| e.to_string())
}

fn add(join: &mut OsvJoin, by_project: &mut BTreeMap<String, Vec<Report>>, osv: OsvReport) {
    if osv.withdrawn.is_some() {
        join.ignored += 1;
        return;
    }
    let mut sources: BTreeSet<String> = osv
        .database_specific
        .into_iter()
        .flat_map(|d| d.origins)
        .filter_map(|o| o.source)
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect();
    if sources.is_empty() {
        sources.insert(UNNAMED_SOURCE.to_string());
    }
    let published = osv.published.as_deref().and_then(Timestamp::parse);
    let mut counted = false;
    for affected in osv.affected {
        let Some(package) = affected.package else {
            continue;
        };
        if !package.ecosystem.eq_ignore_ascii_case("pypi") || package.name.trim().is_empty() {
            continue;
        }
        counted = true;
        by_project
            .entry(malpi_names::normalize(&package.name))
            .or_default()
            .push(Report {
                published,
                sources: sources.clone(),
                versions: affected.versions.into_iter().collect(),
            });
    }
    if counted {
        join.reports += 1;
    } else {
        join.ignored += 1;
    }
}

/// Give each record its project's sources, and the date of the first report naming its
/// version (of any report of the project when none names it); add the projects not there.
fn apply(data: &mut StudyData, by_project: &BTreeMap<String, Vec<Report>>, join: &mut OsvJoin) {
    let mut present: BTreeSet<String> = BTreeSet::new();
    for record in &mut data.packages {
        let Some(reports) = by_project.get(&record.name) else {
            continue;
        };
        present.insert(record.name.clone());
        join.matched_records += 1;
        let mut sources: BTreeSet<String> = record.sources.drain(..).collect();
        sources.extend(reports.iter().flat_map(|r| r.sources.iter().cloned()));
        record.sources = sources.into_iter().collect();
        let naming: Vec<&Report> = reports
            .iter()
            .filter(|r| r.versions.contains(&record.version))
            .collect();
        let first = if naming.is_empty() {
            reports.iter().filter_map(|r| r.published).min()
        } else {
            naming.iter().filter_map(|r| r.published).min()
        };
        record.reported_at = match (record.reported_at, first) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
    }
    for (name, reports) in by_project {
        if present.contains(name) {
            continue;
        }
        join.added_records += 1;
        data.packages.push(PackageRecord {
            name: name.clone(),
            sources: reports
                .iter()
                .flat_map(|r| r.sources.iter().cloned())
                .collect::<BTreeSet<_>>()
                .into_iter()
                .collect(),
            reported_at: reports.iter().filter_map(|r| r.published).min(),
            ..PackageRecord::default()
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(root: &Path, rel: &str, text: &str) {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    #[test]
    fn reports_give_sources_and_the_first_date_naming_the_version() {
        let dir = tempfile::tempdir().unwrap();
        let pypi = dir.path().join("malicious/pypi");
        let report = |name: &str, published: &str, versions: &str, source: &str| {
            format!(
                r#"{{"published":"{published}","affected":[{{"package":{{"ecosystem":"PyPI","name":"{name}"}},"versions":{versions}}}],"database_specific":{{"malicious-packages-origins":[{{"source":{source}}}]}}}}"#
            )
        };
        write(
            &pypi,
            "evil-pkg/MAL-1.json",
            &report(
                "Evil.Pkg",
                "2024-03-01T00:00:00Z",
                r#"["1.0"]"#,
                r#""checkmarx""#,
            ),
        );
        write(
            &pypi,
            "evil-pkg/MAL-2.json",
            &report("Evil.Pkg", "2024-01-01T00:00:00Z", "null", "null"),
        );
        write(
            &pypi,
            "evil-pkg/MAL-3.json",
            r#"{"withdrawn":"2024-05-01T00:00:00Z","affected":[]}"#,
        );
        write(
            &pypi,
            "other/MAL-4.json",
            &report("Other", "2024-02-01T00:00:00Z", "[]", r#""socket""#),
        );
        write(&pypi, "other/MAL-5.json", "{");
        let mut data = StudyData {
            packages: vec![
                PackageRecord {
                    name: "evil-pkg".into(),
                    version: "1.0".into(),
                    ..Default::default()
                },
                PackageRecord {
                    name: "evil-pkg".into(),
                    version: "2.0".into(),
                    ..Default::default()
                },
            ],
            ..StudyData::default()
        };
        let join = join_osv(&mut data, dir.path()).unwrap();
        assert_eq!(
            (
                join.reports,
                join.ignored,
                join.skipped_files,
                join.projects,
                join.matched_records,
                join.added_records
            ),
            (3, 1, 1, 2, 2, 1)
        );
        let p = &data.packages;
        // A report without a source counts under `osv`; 1.0 is named by the March report only.
        assert_eq!(p[0].sources, ["checkmarx", "osv"]);
        assert_eq!(p[0].reported_at, Timestamp::parse("2024-03-01"));
        assert_eq!(p[1].reported_at, Timestamp::parse("2024-01-01"));
        assert_eq!((p[2].name.as_str(), p[2].version.as_str()), ("other", ""));
        assert_eq!(p[2].sources, ["socket"]);
        assert!(matches!(
            join_osv(&mut data, &pypi.join("evil-pkg")),
            Err(InputError::NotOsv { .. })
        ));
    }
}

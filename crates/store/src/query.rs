//! Reading the store: stats (per source, overlap, merged), reported packages with their
//! versions, files, dates and sources, scans and mirror observations.

use std::collections::{BTreeMap, BTreeSet};

use crate::{
    Observation, ObservationStatus, Overlap, Reference, ReportInfo, ReportedPackage,
    ReportedVersion, ScanRecord, SourceStats, Stats, Store, StoreError, StoredFile, StoredScan,
};

/// Which source says which project (and version) is malicious: non-withdrawn reports and
/// files found in collections. The version column is NULL for a whole-project claim.
const CLAIMS: &str = "
    SELECT s.name, r.project_id, rv.version_id
      FROM report_sources rs
      JOIN sources s ON s.id = rs.source_id
      JOIN reports r ON r.id = rs.report_id
      LEFT JOIN report_versions rv ON rv.report_id = r.id
     WHERE r.withdrawn IS NULL
    UNION
    SELECT s.name, fs.project_id, fs.version_id
      FROM file_sources fs
      JOIN sources s ON s.id = fs.source_id";

impl Store {
    pub fn stats(&mut self) -> Result<Stats, StoreError> {
        let db = &mut self.db;
        let mut stats = Stats {
            schema_version: db.count("SELECT MAX(version) FROM schema_version", &[])?,
            projects: db.count("SELECT COUNT(*) FROM projects", &[])?,
            versions: db.count("SELECT COUNT(*) FROM versions", &[])?,
            reports: db.count("SELECT COUNT(*) FROM reports", &[])?,
            withdrawn_reports: db.count(
                "SELECT COUNT(*) FROM reports WHERE withdrawn IS NOT NULL",
                &[],
            )?,
            files: db.count("SELECT COUNT(*) FROM files", &[])?,
            scanned_files: db.count(
                "SELECT COUNT(*) FROM files f WHERE EXISTS (SELECT 1 FROM scans s
                 WHERE s.file_sha256 = f.sha256 AND s.malpi_version = ?1)",
                &[crate::MALPI_VERSION.into()],
            )?,
            mirror_observations: db.count("SELECT COUNT(*) FROM mirror_observations", &[])?,
            ..Stats::default()
        };
        stats.unscanned_files = stats.files - stats.scanned_files;
        stats.verdicts = db.counts_by(
            "SELECT verdict, COUNT(*) FROM scans WHERE malpi_version = ?1
             GROUP BY verdict ORDER BY verdict",
            &[crate::MALPI_VERSION.into()],
        )?;

        let reports_per_source: BTreeMap<String, i64> = db
            .counts_by(
                "SELECT s.name, COUNT(DISTINCT rs.report_id) FROM report_sources rs
                 JOIN sources s ON s.id = rs.source_id GROUP BY s.name",
                &[],
            )?
            .into_iter()
            .collect();
        let files_per_source: BTreeMap<String, i64> = db
            .counts_by(
                "SELECT s.name, COUNT(DISTINCT fs.file_id) FROM file_sources fs
                 JOIN sources s ON s.id = fs.source_id GROUP BY s.name",
                &[],
            )?
            .into_iter()
            .collect();

        // Overlap is computed here rather than in SQL: a few thousand pairs, and one plan
        // for both back ends.
        let mut projects: BTreeMap<String, BTreeSet<i64>> = BTreeMap::new();
        let mut versions: BTreeMap<String, BTreeSet<i64>> = BTreeMap::new();
        for row in db.query(CLAIMS, &[])? {
            let source = row[0].text();
            projects
                .entry(source.clone())
                .or_default()
                .insert(row[1].as_i64());
            let version_set = versions.entry(source).or_default();
            if row[2] != crate::db::Value::Null {
                version_set.insert(row[2].as_i64());
            }
        }
        let mut sources_of: BTreeMap<i64, usize> = BTreeMap::new();
        for set in projects.values() {
            for p in set {
                *sources_of.entry(*p).or_default() += 1;
            }
        }
        let names: BTreeSet<&String> = projects
            .keys()
            .chain(reports_per_source.keys())
            .chain(files_per_source.keys())
            .collect();
        for name in names {
            let empty = BTreeSet::new();
            let set = projects.get(name).unwrap_or(&empty);
            stats.sources.push(SourceStats {
                source: name.clone(),
                reports: reports_per_source.get(name).copied().unwrap_or(0),
                projects: set.len() as i64,
                versions: versions.get(name).map_or(0, |v| v.len() as i64),
                files: files_per_source.get(name).copied().unwrap_or(0),
                only_here: set.iter().filter(|p| sources_of.get(p) == Some(&1)).count() as i64,
            });
        }
        let keys: Vec<&String> = projects.keys().collect();
        for (i, a) in keys.iter().enumerate() {
            for b in &keys[i + 1..] {
                let shared = projects[*a].intersection(&projects[*b]).count() as i64;
                if shared > 0 {
                    stats.overlap.push(Overlap {
                        a: (*a).clone(),
                        b: (*b).clone(),
                        projects: shared,
                    });
                }
            }
        }
        stats.merged_projects = sources_of.len() as i64;
        stats.merged_versions = versions.values().flatten().collect::<BTreeSet<_>>().len() as i64;
        let mut by_count: BTreeMap<i64, i64> = BTreeMap::new();
        for n in sources_of.values() {
            *by_count.entry(*n as i64).or_default() += 1;
        }
        stats.projects_by_source_count = by_count.into_iter().collect();
        Ok(stats)
    }

    /// Every reported project (withdrawn ones included, marked), with its reports, versions,
    /// files and their latest scans, ordered by name.
    pub fn reported_packages(&mut self) -> Result<Vec<ReportedPackage>, StoreError> {
        let db = &mut self.db;
        let mut packages: BTreeMap<i64, ReportedPackage> = BTreeMap::new();
        for r in db.query(
            "SELECT id, name, display_name FROM projects p WHERE
             EXISTS (SELECT 1 FROM reports r WHERE r.project_id = p.id) OR
             EXISTS (SELECT 1 FROM file_sources fs WHERE fs.project_id = p.id)",
            &[],
        )? {
            packages.insert(
                r[0].as_i64(),
                ReportedPackage {
                    name: r[1].text(),
                    display_name: r[2].text(),
                    sources: Vec::new(),
                    all_versions: false,
                    first_published: None,
                    withdrawn: false,
                    reports: Vec::new(),
                    versions: Vec::new(),
                },
            );
        }
        let mut report_sources: BTreeMap<i64, Vec<(String, String)>> = BTreeMap::new();
        for r in db.query(
            "SELECT rs.report_id, s.name, rs.source_ref FROM report_sources rs
             JOIN sources s ON s.id = rs.source_id ORDER BY s.name, rs.source_ref",
            &[],
        )? {
            report_sources
                .entry(r[0].as_i64())
                .or_default()
                .push((r[1].text(), r[2].text()));
        }
        let mut report_versions: BTreeMap<i64, Vec<String>> = BTreeMap::new();
        for r in db.query(
            "SELECT rv.report_id, v.version FROM report_versions rv
             JOIN versions v ON v.id = rv.version_id ORDER BY v.version",
            &[],
        )? {
            report_versions
                .entry(r[0].as_i64())
                .or_default()
                .push(r[1].text());
        }
        // (project, version) → sources and files.
        let mut version_sources: BTreeMap<(i64, String), BTreeSet<String>> = BTreeMap::new();
        for r in db.query(
            "SELECT id, project_id, summary, aliases, refs, published, modified, withdrawn,
             all_versions, report_key FROM reports ORDER BY report_key",
            &[],
        )? {
            let id = r[0].as_i64();
            let Some(p) = packages.get_mut(&r[1].as_i64()) else {
                continue;
            };
            let info = ReportInfo {
                key: r[9].text(),
                sources: report_sources.remove(&id).unwrap_or_default(),
                summary: r[2].as_text(),
                aliases: serde_json::from_str(&r[3].text()).unwrap_or_default(),
                references: serde_json::from_str::<Vec<Reference>>(&r[4].text())
                    .unwrap_or_default(),
                published: r[5].as_text(),
                modified: r[6].as_text(),
                withdrawn: r[7].as_text(),
                all_versions: r[8].as_i64() != 0,
                versions: report_versions.remove(&id).unwrap_or_default(),
            };
            if info.withdrawn.is_none() {
                for v in &info.versions {
                    let set = version_sources
                        .entry((r[1].as_i64(), v.clone()))
                        .or_default();
                    set.extend(info.sources.iter().map(|s| s.0.clone()));
                }
            }
            p.reports.push(info);
        }
        // Files where each source found them: one per (project, version, hash).
        let mut files: BTreeMap<(i64, String), BTreeMap<String, StoredFile>> = BTreeMap::new();
        for r in db.query(
            "SELECT fs.project_id, v.version, f.sha256, f.filename, f.size, f.upload_time,
             (SELECT s.verdict FROM scans s WHERE s.file_sha256 = f.sha256
              ORDER BY s.scanned_at DESC LIMIT 1),
             (SELECT s.score FROM scans s WHERE s.file_sha256 = f.sha256
              ORDER BY s.scanned_at DESC LIMIT 1),
             src.name
             FROM file_sources fs JOIN files f ON f.id = fs.file_id
             JOIN sources src ON src.id = fs.source_id
             LEFT JOIN versions v ON v.id = fs.version_id ORDER BY f.sha256",
            &[],
        )? {
            let key = (r[0].as_i64(), r[1].text());
            version_sources
                .entry(key.clone())
                .or_default()
                .insert(r[8].text());
            files
                .entry(key)
                .or_default()
                .entry(r[2].text())
                .or_insert_with(|| StoredFile {
                    sha256: r[2].text(),
                    filename: r[3].text(),
                    size: r[4].as_i64().max(0) as u64,
                    upload_time: r[5].as_text(),
                    verdict: r[6].as_text(),
                    score: (r[7] != crate::db::Value::Null).then(|| r[7].as_f64()),
                });
        }
        for ((project_id, version), sources) in version_sources {
            let Some(p) = packages.get_mut(&project_id) else {
                continue;
            };
            p.versions.push(ReportedVersion {
                files: files
                    .remove(&(project_id, version.clone()))
                    .map(|f| f.into_values().collect())
                    .unwrap_or_default(),
                version,
                sources: sources.into_iter().collect(),
            });
        }
        let mut out: Vec<ReportedPackage> = packages.into_values().collect();
        for p in &mut out {
            let live: Vec<&ReportInfo> =
                p.reports.iter().filter(|r| r.withdrawn.is_none()).collect();
            p.withdrawn = !p.reports.is_empty() && live.is_empty() && p.versions.is_empty();
            p.all_versions = live.iter().any(|r| r.all_versions);
            p.first_published = live.iter().filter_map(|r| r.published.clone()).min();
            let mut sources: BTreeSet<String> = live
                .iter()
                .flat_map(|r| r.sources.iter().map(|s| s.0.clone()))
                .collect();
            sources.extend(p.versions.iter().flat_map(|v| v.sources.iter().cloned()));
            p.sources = sources.into_iter().collect();
        }
        out.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(out)
    }

    /// Every scan with its file's project and version.
    pub fn scans(&mut self) -> Result<Vec<StoredScan>, StoreError> {
        let rows = self.db.query(
            "SELECT s.file_sha256, p.name, v.version, f.filename, s.malpi_version, s.verdict,
             s.score, s.categories, s.triggers, s.techniques, s.findings, s.errors,
             s.files_analysed, s.scanned_at, s.python_files, s.python_lines, s.evidence_lines,
             s.platforms
             FROM scans s LEFT JOIN files f ON f.sha256 = s.file_sha256
             LEFT JOIN projects p ON p.id = f.project_id
             LEFT JOIN versions v ON v.id = f.version_id ORDER BY s.file_sha256, s.malpi_version",
            &[],
        )?;
        let list = |v: &crate::db::Value| serde_json::from_str(&v.text()).unwrap_or_default();
        Ok(rows
            .into_iter()
            .map(|r| StoredScan {
                sha256: r[0].text(),
                project: r[1].as_text(),
                version: r[2].as_text(),
                filename: r[3].text(),
                scan: ScanRecord {
                    sha256: r[0].text(),
                    malpi_version: r[4].text(),
                    verdict: r[5].text(),
                    score: r[6].as_f64(),
                    categories: list(&r[7]),
                    triggers: list(&r[8]),
                    techniques: list(&r[9]),
                    findings: serde_json::from_str(&r[10].text()).unwrap_or_default(),
                    errors: list(&r[11]),
                    files_analysed: r[12].as_i64().max(0) as u64,
                    python_files: r[14].as_i64().max(0) as u64,
                    python_lines: r[15].as_i64().max(0) as u64,
                    evidence_lines: r[16].as_i64().max(0) as u64,
                    platforms: list(&r[17]),
                },
                scanned_at: r[13].text(),
            })
            .collect())
    }

    /// Mirror observations, oldest first; only one mirror's when `mirror` is given.
    pub fn observations(&mut self, mirror: Option<&str>) -> Result<Vec<Observation>, StoreError> {
        let rows = self.db.query(
            "SELECT mirror, project, version, filename, file_sha256, status, http_status,
             hashes_served, detail, observed_at FROM mirror_observations
             WHERE CAST(?1 AS TEXT) IS NULL OR mirror = ?1 ORDER BY observed_at, id",
            &[mirror.map(str::to_string).into()],
        )?;
        Ok(rows
            .into_iter()
            .map(|r| Observation {
                mirror: r[0].text(),
                project: r[1].text(),
                version: r[2].as_text(),
                filename: r[3].as_text(),
                file_sha256: r[4].as_text(),
                status: ObservationStatus::parse(&r[5].text()).unwrap_or(ObservationStatus::Error),
                http_status: (r[6] != crate::db::Value::Null)
                    .then(|| u16::try_from(r[6].as_i64()).unwrap_or(0)),
                hashes_served: serde_json::from_str(&r[7].text()).unwrap_or_default(),
                detail: r[8].as_text(),
                observed_at: r[9].text(),
            })
            .collect())
    }
}

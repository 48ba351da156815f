//! Writing records: upserts keyed by normalised name, version, report key and file hash, so
//! the same record twice changes nothing.

use crate::db::Value;
use crate::{
    FileRecord, ImportSummary, Observation, Outcome, Record, RecordError, ReportRecord, ScanRecord,
    Store, StoreError,
};

impl Store {
    /// Write what an importer read, in one transaction. Errors among `records` are listed in
    /// the summary; an error of the store rolls every record of this import back.
    pub fn import(
        &mut self,
        records: impl IntoIterator<Item = Result<Record, RecordError>>,
        progress: &mut dyn FnMut(u64),
    ) -> Result<ImportSummary, StoreError> {
        self.transaction(|store| {
            let mut summary = ImportSummary::default();
            for (done, record) in records.into_iter().enumerate() {
                progress(done as u64 + 1);
                let record = match record {
                    Ok(r) => r,
                    Err(e) => {
                        summary.errors.push(e);
                        continue;
                    }
                };
                // Every importer checks names; this is the net for any that does not.
                if let Err(e) = record_name_ok(&record) {
                    summary.errors.push(e);
                    continue;
                }
                summary.records += 1;
                let outcome = match record {
                    Record::Skipped => {
                        summary.skipped += 1;
                        continue;
                    }
                    Record::Report(r) => store.write_report(&r)?,
                    Record::File(f) => {
                        summary.scanned += u64::from(f.scan.is_some());
                        store.write_file(&f)?
                    }
                };
                match outcome {
                    Outcome::Added => summary.added += 1,
                    Outcome::Updated => summary.updated += 1,
                    Outcome::Unchanged => summary.unchanged += 1,
                }
            }
            Ok(summary)
        })
    }

    fn project_id(&mut self, name: &str) -> Result<i64, StoreError> {
        let normal = malpi_names::normalize(name);
        self.db
            .query_row(
                "INSERT INTO projects (name, display_name) VALUES (?1, ?2)
                 ON CONFLICT (name) DO UPDATE SET name = excluded.name RETURNING id",
                &[normal.into(), name.trim().into()],
            )?
            .map(|r| r[0].as_i64())
            .ok_or_else(|| no_row("projects"))
    }

    fn version_id(&mut self, project_id: i64, version: &str) -> Result<i64, StoreError> {
        self.db
            .query_row(
                "INSERT INTO versions (project_id, version) VALUES (?1, ?2)
                 ON CONFLICT (project_id, version) DO UPDATE SET version = excluded.version
                 RETURNING id",
                &[project_id.into(), version.trim().into()],
            )?
            .map(|r| r[0].as_i64())
            .ok_or_else(|| no_row("versions"))
    }

    fn source_id(&mut self, name: &str) -> Result<i64, StoreError> {
        self.db
            .query_row(
                "INSERT INTO sources (name) VALUES (?1)
                 ON CONFLICT (name) DO UPDATE SET name = excluded.name RETURNING id",
                &[name.trim().into()],
            )?
            .map(|r| r[0].as_i64())
            .ok_or_else(|| no_row("sources"))
    }

    /// A report: new, replaced when its `modified` is newer, else merged (versions and
    /// sources it did not have yet are added; nothing is removed).
    fn write_report(&mut self, r: &ReportRecord) -> Result<Outcome, StoreError> {
        let project_id = self.project_id(&r.project)?;
        let existing = self.db.query_row(
            "SELECT id, modified FROM reports WHERE report_key = ?1",
            &[r.key.as_str().into()],
        )?;
        let fields = [
            project_id.into(),
            r.summary.clone().into(),
            r.details.clone().into(),
            json(&r.aliases).into(),
            json(&r.references).into(),
            r.published.clone().into(),
            r.modified.clone().into(),
            r.withdrawn.clone().into(),
            i64::from(r.all_versions).into(),
        ];
        let (report_id, mut outcome) = match existing {
            None => {
                let mut params = vec![r.key.as_str().into(), crate::time::now().into()];
                params.extend(fields);
                let id = self
                    .db
                    .query_row(
                        "INSERT INTO reports (report_key, imported_at, project_id, summary,
                         details, aliases, refs, published, modified, withdrawn, all_versions)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11) RETURNING id",
                        &params,
                    )?
                    .map(|row| row[0].as_i64())
                    .ok_or_else(|| no_row("reports"))?;
                (id, Outcome::Added)
            }
            Some(row) => {
                let id = row[0].as_i64();
                let old_modified = row[1].text();
                let newer = r.modified.as_deref().is_some_and(|m| *m > *old_modified);
                if newer {
                    let mut params = vec![id.into()];
                    params.extend(fields);
                    self.db.execute(
                        "UPDATE reports SET project_id = ?2, summary = ?3, details = ?4,
                         aliases = ?5, refs = ?6, published = ?7, modified = ?8,
                         withdrawn = ?9, all_versions = ?10 WHERE id = ?1",
                        &params,
                    )?;
                    self.db.execute(
                        "DELETE FROM report_sources WHERE report_id = ?1",
                        &[id.into()],
                    )?;
                    self.db.execute(
                        "DELETE FROM report_versions WHERE report_id = ?1",
                        &[id.into()],
                    )?;
                    (id, Outcome::Updated)
                } else {
                    (id, Outcome::Unchanged)
                }
            }
        };
        let mut linked = 0;
        for (source, source_ref) in &r.sources {
            let source_id = self.source_id(source)?;
            linked += self.db.execute(
                "INSERT INTO report_sources (report_id, source_id, source_ref) VALUES (?1, ?2, ?3)
                 ON CONFLICT DO NOTHING",
                &[
                    report_id.into(),
                    source_id.into(),
                    source_ref.as_str().into(),
                ],
            )?;
        }
        for version in &r.versions {
            let version_id = self.version_id(project_id, version)?;
            linked += self.db.execute(
                "INSERT INTO report_versions (report_id, version_id) VALUES (?1, ?2)
                 ON CONFLICT DO NOTHING",
                &[report_id.into(), version_id.into()],
            )?;
        }
        if r.all_versions && outcome == Outcome::Unchanged {
            linked += self.db.execute(
                "UPDATE reports SET all_versions = 1 WHERE id = ?1 AND all_versions = 0",
                &[report_id.into()],
            )?;
        }
        if outcome == Outcome::Unchanged && linked > 0 {
            outcome = Outcome::Updated;
        }
        Ok(outcome)
    }

    /// A file found in a collection: the file (by hash), where this source had it, and its
    /// scan if one was made.
    fn write_file(&mut self, f: &FileRecord) -> Result<Outcome, StoreError> {
        let project_id = self.project_id(&f.project)?;
        let version_id = match f.version.as_deref().filter(|v| !v.trim().is_empty()) {
            Some(v) => Some(self.version_id(project_id, v)?),
            None => None,
        };
        let (file_id, mut outcome) =
            self.file_id(&f.sha256, f.size, &f.filename, Some(project_id), version_id)?;
        let source_id = self.source_id(&f.source)?;
        let linked = self.db.execute(
            "INSERT INTO file_sources (file_id, source_id, location, added, project_id, version_id)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT DO NOTHING",
            &[
                file_id.into(),
                source_id.into(),
                f.location.as_str().into(),
                f.added.clone().into(),
                project_id.into(),
                version_id.into(),
            ],
        )?;
        if let Some(scan) = &f.scan {
            self.write_scan(scan)?;
        }
        if outcome == Outcome::Unchanged && (linked > 0 || f.scan.is_some()) {
            outcome = Outcome::Updated;
        }
        Ok(outcome)
    }

    /// The file's id, inserting it when its hash is new (the first place found names it; a
    /// later sighting fills a project or version the first one lacked).
    fn file_id(
        &mut self,
        sha256: &str,
        size: u64,
        filename: &str,
        project_id: Option<i64>,
        version_id: Option<i64>,
    ) -> Result<(i64, Outcome), StoreError> {
        if let Some(row) = self.db.query_row(
            "SELECT id, project_id, version_id FROM files WHERE sha256 = ?1",
            &[sha256.into()],
        )? {
            let id = row[0].as_i64();
            let fills = (row[1] == Value::Null && project_id.is_some())
                || (row[2] == Value::Null && version_id.is_some());
            if fills {
                self.db.execute(
                    "UPDATE files SET project_id = COALESCE(project_id, ?2),
                     version_id = COALESCE(version_id, ?3) WHERE id = ?1",
                    &[id.into(), project_id.into(), version_id.into()],
                )?;
                return Ok((id, Outcome::Updated));
            }
            return Ok((id, Outcome::Unchanged));
        }
        let id = self
            .db
            .query_row(
                "INSERT INTO files (sha256, size, filename, project_id, version_id, first_seen)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6) RETURNING id",
                &[
                    sha256.into(),
                    (size as i64).into(),
                    filename.into(),
                    project_id.into(),
                    version_id.into(),
                    crate::time::now().into(),
                ],
            )?
            .map(|r| r[0].as_i64())
            .ok_or_else(|| no_row("files"))?;
        Ok((id, Outcome::Added))
    }

    fn write_scan(&mut self, s: &ScanRecord) -> Result<(), StoreError> {
        self.db.execute(
            "INSERT INTO scans (file_sha256, malpi_version, verdict, score, categories, triggers,
             techniques, findings, errors, files_analysed, scanned_at, python_files,
             python_lines, evidence_lines, platforms)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)
             ON CONFLICT (file_sha256, malpi_version) DO UPDATE SET verdict = excluded.verdict,
             score = excluded.score, categories = excluded.categories,
             triggers = excluded.triggers, techniques = excluded.techniques,
             findings = excluded.findings, errors = excluded.errors,
             files_analysed = excluded.files_analysed, scanned_at = excluded.scanned_at,
             python_files = excluded.python_files, python_lines = excluded.python_lines,
             evidence_lines = excluded.evidence_lines, platforms = excluded.platforms",
            &[
                s.sha256.as_str().into(),
                s.malpi_version.as_str().into(),
                s.verdict.as_str().into(),
                s.score.into(),
                json(&s.categories).into(),
                json(&s.triggers).into(),
                json(&s.techniques).into(),
                s.findings.to_string().into(),
                json(&s.errors).into(),
                (s.files_analysed as i64).into(),
                crate::time::now().into(),
                (s.python_files as i64).into(),
                (s.python_lines as i64).into(),
                (s.evidence_lines as i64).into(),
                json(&s.platforms).into(),
            ],
        )?;
        Ok(())
    }

    /// Store one scan of a file (`malpi scan --db`): the file by hash, named by the scan's
    /// package name and version when it found them; no source is credited.
    pub fn record_scan(&mut self, report: &malpi_scan::Report) -> Result<(), StoreError> {
        if report.package.sha256.is_empty() {
            return Ok(()); // a folder or an unreadable input: no bytes to key it by
        }
        let size = std::fs::metadata(&report.package.file).map_or(0, |m| m.len());
        let filename = std::path::Path::new(&report.package.file)
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let scan = ScanRecord::from_report(report);
        let name = report.package.name.trim().to_string();
        let version = report.package.version.trim().to_string();
        self.transaction(|store| {
            // A name the package claims is kept only when it is a PEP 508 name.
            let project_id = if malpi_names::check_name(&name).is_err() {
                None
            } else {
                Some(store.project_id(&name)?)
            };
            let version_id = match project_id {
                Some(p) if !version.is_empty() => Some(store.version_id(p, &version)?),
                _ => None,
            };
            store.file_id(&scan.sha256, size, &filename, project_id, version_id)?;
            store.write_scan(&scan)
        })
    }

    /// Store one mirror observation.
    pub fn record_observation(&mut self, o: &Observation) -> Result<(), StoreError> {
        self.db.execute(
            "INSERT INTO mirror_observations (mirror, project, version, filename, file_sha256,
             status, http_status, hashes_served, detail, observed_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            &[
                o.mirror.as_str().into(),
                malpi_names::normalize(&o.project).into(),
                o.version.clone().into(),
                o.filename.clone().into(),
                o.file_sha256.clone().into(),
                o.status.as_str().into(),
                o.http_status.map(i64::from).into(),
                json(&o.hashes_served).into(),
                o.detail.clone().into(),
                o.observed_at.as_str().into(),
            ],
        )?;
        Ok(())
    }

    /// Store many observations in one transaction (all or none).
    pub fn record_observations(&mut self, all: &[Observation]) -> Result<(), StoreError> {
        self.transaction(|store| all.iter().try_for_each(|o| store.record_observation(o)))
    }

    /// Set a file's upload time (from an index's JSON API) where it is not known yet.
    pub fn set_upload_time(&mut self, sha256: &str, upload_time: &str) -> Result<bool, StoreError> {
        Ok(self.db.execute(
            "UPDATE files SET upload_time = ?2 WHERE sha256 = ?1 AND upload_time IS NULL",
            &[sha256.into(), upload_time.into()],
        )? > 0)
    }

    /// sha256 of the files this malpi version already scanned (an import skips them).
    pub fn scanned_hashes(&mut self) -> Result<std::collections::HashSet<String>, StoreError> {
        Ok(self
            .db
            .query(
                "SELECT file_sha256 FROM scans WHERE malpi_version = ?1",
                &[crate::MALPI_VERSION.into()],
            )?
            .into_iter()
            .map(|r| r[0].text())
            .collect())
    }
}

pub(crate) fn json<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "[]".into())
}

fn no_row(table: &str) -> StoreError {
    StoreError::Sql {
        statement: format!("INSERT INTO {table} … RETURNING id"),
        reason: "no row returned".into(),
    }
}

/// A record names its project with a PEP 508 name (stored names become export paths).
fn record_name_ok(record: &Record) -> Result<(), RecordError> {
    let (project, location) = match record {
        Record::Skipped => return Ok(()),
        Record::Report(r) => (&r.project, &r.key),
        Record::File(f) => (&f.project, &f.location),
    };
    malpi_names::check_name(project).map_err(|e| RecordError {
        location: location.clone(),
        reason: e.to_string(),
    })
}

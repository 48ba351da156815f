//! Exports: CSV (one row per reported version and file), JSON lines (one reported package
//! per line), and OSV records (one file per project, importable again) to share back.

use std::io::Write;
use std::path::Path;

use serde_json::json;

use crate::{ReportedPackage, Store, StoreError};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportFormat {
    Csv,
    Jsonl,
    /// OSV JSON, one record per project.
    Osv,
}

impl Store {
    /// Write every reported package in `format`; OSV as JSON lines of records (see
    /// [`Store::export_osv_tree`] for the folder layout).
    pub fn export(&mut self, format: ExportFormat, out: &mut dyn Write) -> Result<u64, StoreError> {
        let packages = self.reported_packages()?;
        let io = |e: std::io::Error| StoreError::io(Path::new("output"), e);
        match format {
            ExportFormat::Csv => {
                let mut w = csv::Writer::from_writer(out);
                let csv_err = |e: csv::Error| StoreError::input(Path::new("output"), e.to_string());
                w.write_record([
                    "name",
                    "version",
                    "sources",
                    "reports",
                    "first_published",
                    "withdrawn",
                    "sha256",
                    "filename",
                    "verdict",
                    "score",
                ])
                .map_err(csv_err)?;
                let mut rows = 0;
                for p in &packages {
                    let reports = p
                        .reports
                        .iter()
                        .map(|r| r.key.as_str())
                        .collect::<Vec<_>>()
                        .join(";");
                    let base = |version: &str, sources: &[String]| {
                        vec![
                            p.name.clone(),
                            version.to_string(),
                            sources.join(";"),
                            reports.clone(),
                            p.first_published.clone().unwrap_or_default(),
                            p.withdrawn.to_string(),
                        ]
                    };
                    if p.all_versions || p.versions.is_empty() {
                        let mut row = base("", &p.sources);
                        row.extend(["", "", "", ""].map(String::from));
                        w.write_record(&row).map_err(csv_err)?;
                        rows += 1;
                    }
                    for v in &p.versions {
                        if v.files.is_empty() {
                            let mut row = base(&v.version, &v.sources);
                            row.extend(["", "", "", ""].map(String::from));
                            w.write_record(&row).map_err(csv_err)?;
                            rows += 1;
                        }
                        for f in &v.files {
                            let mut row = base(&v.version, &v.sources);
                            row.extend([
                                f.sha256.clone(),
                                f.filename.clone(),
                                f.verdict.clone().unwrap_or_default(),
                                f.score.map(|s| format!("{s:.3}")).unwrap_or_default(),
                            ]);
                            w.write_record(&row).map_err(csv_err)?;
                            rows += 1;
                        }
                    }
                }
                w.flush().map_err(io)?;
                Ok(rows)
            }
            ExportFormat::Jsonl | ExportFormat::Osv => {
                for p in &packages {
                    let value = if format == ExportFormat::Osv {
                        osv_record(p)
                    } else {
                        serde_json::to_value(p).unwrap_or_default()
                    };
                    serde_json::to_writer(&mut *out, &value)
                        .map_err(|e| StoreError::input(Path::new("output"), e.to_string()))?;
                    out.write_all(b"\n").map_err(io)?;
                }
                Ok(packages.len() as u64)
            }
        }
    }

    /// OSV records in the malicious-packages layout: `DIR/pypi/NAME/ID.json`, each file
    /// written whole or not at all. Withdrawn-only projects are left out. `DIR` is created;
    /// every path is built from the normalised name (a stored name that is not a PEP 508
    /// name refuses the export before anything is written) and checked to stay inside `DIR`
    /// once its folders exist (a link planted inside `DIR` does not lead out of it).
    pub fn export_osv_tree(&mut self, dir: &Path) -> Result<u64, StoreError> {
        let mut planned = Vec::new();
        for p in self.reported_packages()? {
            if p.withdrawn {
                continue;
            }
            let folder = malpi_names::normalized_checked(&p.name)
                .map_err(|e| StoreError::input(dir, format!("stored project: {e}")))?;
            let record = osv_record(&p);
            let id = record["id"]
                .as_str()
                .filter(|id| safe_file_stem(id))
                .map(str::to_string)
                .unwrap_or_else(|| format!("MALPI-{folder}"));
            planned.push((folder, id, record));
        }
        std::fs::create_dir_all(dir).map_err(|e| StoreError::io(dir, e))?;
        let root = dir.canonicalize().map_err(|e| StoreError::io(dir, e))?;
        let mut written = 0;
        for (name, id, record) in planned {
            let folder = root.join("pypi").join(&name);
            std::fs::create_dir_all(&folder).map_err(|e| StoreError::io(&folder, e))?;
            let real = folder
                .canonicalize()
                .map_err(|e| StoreError::io(&folder, e))?;
            if !real.starts_with(&root) {
                return Err(StoreError::OutsideOutput {
                    path: real.display().to_string(),
                    dir: root.display().to_string(),
                });
            }
            let path = real.join(format!("{id}.json"));
            let tmp = real.join(format!(".{id}.json.tmp"));
            let text = serde_json::to_string_pretty(&record).unwrap_or_default() + "\n";
            write_new(&tmp, text.as_bytes())?;
            // `rename` replaces a link at `path` itself, never what it points to.
            std::fs::rename(&tmp, &path).map_err(|e| StoreError::io(&path, e))?;
            written += 1;
        }
        Ok(written)
    }
}

/// An id usable as a file name as it is: `[A-Za-z0-9._-]`, not starting with `.`.
fn safe_file_stem(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 200
        && !id.starts_with('.')
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}

/// Write a fresh file: whatever is at `path` (a left-over, a planted link) is removed first
/// and the file is created exclusively, so the bytes never go through a link.
fn write_new(path: &Path, bytes: &[u8]) -> Result<(), StoreError> {
    match std::fs::remove_file(path) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(StoreError::io(path, e)),
    }
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|e| StoreError::io(path, e))?;
    file.write_all(bytes).map_err(|e| StoreError::io(path, e))
}

/// One OSV record for a project, merging every live report and file of it. Its id is the
/// report's own when there is exactly one OSV-style id, else `MALPI-<name>`.
fn osv_record(p: &ReportedPackage) -> serde_json::Value {
    let live: Vec<_> = p.reports.iter().filter(|r| r.withdrawn.is_none()).collect();
    let osv_ids: Vec<&str> = live
        .iter()
        .map(|r| r.key.as_str())
        .filter(|k| k.contains('-') && !k.contains('/') && !k.contains('#'))
        .collect();
    let id = match osv_ids[..] {
        [one] => one.to_string(),
        _ => format!("MALPI-{}", p.name),
    };
    let mut aliases: Vec<String> = live
        .iter()
        .flat_map(|r| r.aliases.iter().cloned())
        .chain(osv_ids.iter().map(|s| s.to_string()))
        .filter(|a| *a != id)
        .collect();
    aliases.sort();
    aliases.dedup();
    let modified = live
        .iter()
        .filter_map(|r| r.modified.clone())
        .max()
        .unwrap_or_else(crate::time::now);
    let published = p
        .first_published
        .clone()
        .unwrap_or_else(|| modified.clone());
    let mut references: Vec<_> = live.iter().flat_map(|r| r.references.iter()).collect();
    references.dedup();
    let versions: Vec<&str> = p.versions.iter().map(|v| v.version.as_str()).collect();
    let mut affected = json!({
        "package": {"ecosystem": "PyPI", "name": p.name, "purl": format!("pkg:pypi/{}", p.name)},
    });
    if p.all_versions {
        affected["ranges"] = json!([{"type": "ECOSYSTEM", "events": [{"introduced": "0"}]}]);
    }
    if !versions.is_empty() {
        affected["versions"] = json!(versions);
    }
    // Origins as malicious-packages writes them, so an import of this export credits the
    // same sources.
    let mut origins: Vec<serde_json::Value> = Vec::new();
    for r in &live {
        for (source, reference) in &r.sources {
            origins.push(json!({"source": source, "id": reference, "versions": r.versions}));
        }
    }
    for v in &p.versions {
        for source in &v.sources {
            let known = origins.iter().any(|o| o["source"] == json!(source));
            if !known {
                origins.push(json!({"source": source, "id": "", "versions": [v.version]}));
            }
        }
    }
    let files: Vec<_> = p
        .versions
        .iter()
        .flat_map(|v| {
            v.files.iter().map(move |f| {
                json!({"version": v.version, "filename": f.filename, "sha256": f.sha256,
                       "malpi_verdict": f.verdict, "malpi_score": f.score})
            })
        })
        .collect();
    json!({
        "schema_version": "1.5.0",
        "id": id,
        "modified": modified,
        "published": published,
        "aliases": aliases,
        "summary": format!("Malicious code in {} (PyPI)", p.name),
        "details": live.iter().find_map(|r| r.summary.clone()).unwrap_or_default(),
        "affected": [affected],
        "references": references,
        "database_specific": {
            "malicious-packages-origins": origins,
            "malpi": {"sources": p.sources, "files": files},
        },
    })
}

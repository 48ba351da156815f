//! Lists of reported packages: plain text (`name`, `name==version`, then an optional date
//! and source, separated by spaces, tabs or commas; `#` starts a comment) or CSV with a
//! header row naming a `name` column (and optionally `version`, `date`, `source`).
//! Lines of one project from one source make one report.

use std::collections::BTreeMap;
use std::path::Path;

use super::read_capped;
use crate::{Record, RecordError, ReportRecord, StoreError};

const MAX_LIST_BYTES: u64 = 256 << 20;

/// One line of a list.
struct Entry {
    name: String,
    version: Option<String>,
    date: Option<String>,
    source: Option<String>,
}

pub(crate) fn read(
    path: &Path,
    default_source: &str,
) -> Result<Vec<Result<Record, RecordError>>, StoreError> {
    let bytes = read_capped(path, MAX_LIST_BYTES).map_err(|r| StoreError::input(path, r))?;
    let text = String::from_utf8_lossy(&bytes);
    let at = |line: usize| format!("{}:{line}", path.display());
    let mut errors = Vec::new();
    let mut entries = Vec::new();
    let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let header: Vec<String> = first
        .split(',')
        .map(|h| h.trim().trim_matches('"').to_ascii_lowercase())
        .collect();
    if header.len() > 1 && header.iter().any(|h| h == "name") {
        let column = |n: &str| header.iter().position(|h| h == n);
        let (name, version, date, source) = (
            column("name"),
            column("version"),
            column("date"),
            column("source"),
        );
        let mut reader = csv::ReaderBuilder::new()
            .flexible(true)
            .from_reader(text.as_bytes());
        for row in reader.records() {
            let row = match row {
                Ok(r) => r,
                Err(e) => {
                    let line = e.position().map_or(0, |p| p.line());
                    errors.push(RecordError {
                        location: at(line as usize),
                        reason: format!("bad CSV: {e}"),
                    });
                    continue;
                }
            };
            let line = row.position().map_or(0, |p| p.line()) as usize;
            let get = |c: Option<usize>| {
                c.and_then(|c| row.get(c))
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_string)
            };
            match entry(
                get(name).unwrap_or_default(),
                get(version),
                get(date),
                get(source),
            ) {
                Ok(e) => entries.push(e),
                Err(reason) => errors.push(RecordError {
                    location: at(line),
                    reason,
                }),
            }
        }
    } else {
        for (i, line) in text.lines().enumerate() {
            let line_text = line.split('#').next().unwrap_or("").trim();
            if line_text.is_empty() {
                continue;
            }
            let mut fields = line_text
                .split(|c: char| c == ',' || c == '\t' || c == ' ')
                .map(str::trim)
                .filter(|f| !f.is_empty());
            let spec = fields.next().unwrap_or_default();
            let (name, version) = match spec.split_once("==") {
                Some((n, v)) => (n.to_string(), Some(v.to_string())),
                None => (spec.to_string(), None),
            };
            let rest: Vec<&str> = fields.collect();
            let date = rest.iter().find_map(|f| crate::time::parse_date(f));
            let source = rest
                .iter()
                .find(|f| crate::time::parse_date(f).is_none())
                .map(|s| s.to_string());
            match entry(name, version, date, source) {
                Ok(e) => entries.push(e),
                Err(reason) => errors.push(RecordError {
                    location: at(i + 1),
                    reason,
                }),
            }
        }
    }
    let mut reports: BTreeMap<(String, String), ReportRecord> = BTreeMap::new();
    for e in entries {
        let source = e.source.unwrap_or_else(|| default_source.to_string());
        let normal = malpi_names::normalize(&e.name);
        let report = reports
            .entry((source.clone(), normal.clone()))
            .or_insert_with(|| ReportRecord {
                key: format!("{source}/{normal}"),
                project: e.name.clone(),
                sources: vec![(source.clone(), String::new())],
                ..ReportRecord::default()
            });
        match e.version {
            Some(v) => report.versions.push(v),
            None => report.all_versions = true,
        }
        if let Some(d) = e.date {
            report.published = Some(match report.published.take() {
                Some(p) if p <= d => p,
                _ => d,
            });
        }
    }
    let mut out: Vec<Result<Record, RecordError>> = errors.into_iter().map(Err).collect();
    out.extend(reports.into_values().map(|mut r| {
        r.versions.sort();
        r.versions.dedup();
        Ok(Record::Report(r))
    }));
    Ok(out)
}

/// Check one line's fields: a project name as PyPI allows them, a plausible version.
fn entry(
    name: String,
    version: Option<String>,
    date: Option<String>,
    source: Option<String>,
) -> Result<Entry, String> {
    malpi_names::check_name(&name).map_err(|e| e.to_string())?;
    if let Some(v) = &version {
        let ok = !v.is_empty()
            && v.len() <= 100
            && v.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '+' | '!'));
        if !ok {
            return Err(format!("`{v}` is not a version"));
        }
    }
    if let Some(s) = &source
        && (s.len() > 128 || s.chars().any(char::is_control))
    {
        return Err("source name too long or not printable".into());
    }
    Ok(Entry {
        name,
        version,
        date,
        source,
    })
}

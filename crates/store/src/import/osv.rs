//! OSV records (https://ossf.github.io/osv-schema/): a folder tree of JSON files, or a zip of
//! them. Each PyPI package a record names becomes a report; the record's origins
//! (`database_specific.malicious-packages-origins[].source`) become its sources.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;

use serde_json::Value;

use super::{read_capped, walk};
use crate::{Record, RecordError, Reference, ReportRecord, StoreError};

/// One OSV file is a few KB; anything far bigger is not a report.
const MAX_RECORD_BYTES: u64 = 8 << 20;
/// Bytes read from one OSV zip (osv.dev's PyPI export is about 100 MB uncompressed).
const MAX_ZIP_BYTES: u64 = 2 << 30;
const MAX_TEXT: usize = 64 << 10;
/// Packages one record may name (real records name one, a few at most).
pub(crate) const MAX_AFFECTED: usize = 50_000;
/// Bytes of text (summary, details, aliases, references, origins) one record may expand
/// to once copied into a report per package it names.
const MAX_EXPANDED_BYTES: usize = 64 << 20;

pub(crate) fn read(
    path: &Path,
    default_source: &str,
) -> Result<Vec<Result<Record, RecordError>>, StoreError> {
    let mut out = Vec::new();
    if path.is_dir() {
        for (file, rel) in walk(path)? {
            if !rel.last().is_some_and(|n| n.ends_with(".json")) {
                continue;
            }
            let location = file.display().to_string();
            match read_capped(&file, MAX_RECORD_BYTES) {
                Ok(bytes) => out.extend(parse(&bytes, &location, default_source)),
                Err(reason) => out.push(Err(RecordError { location, reason })),
            }
        }
    } else {
        read_zip(path, default_source, &mut out)?;
    }
    Ok(out)
}

fn read_zip(
    path: &Path,
    default_source: &str,
    out: &mut Vec<Result<Record, RecordError>>,
) -> Result<(), StoreError> {
    let file = std::fs::File::open(path).map_err(|e| StoreError::io(path, e))?;
    let mut zip = zip::ZipArchive::new(std::io::BufReader::new(file))
        .map_err(|e| StoreError::input(path, format!("neither a folder nor a zip: {e}")))?;
    let mut total = 0u64;
    for i in 0..zip.len() {
        let mut entry = match zip.by_index(i) {
            Ok(e) => e,
            Err(e) => {
                out.push(Err(RecordError {
                    location: format!("{}#{i}", path.display()),
                    reason: e.to_string(),
                }));
                continue;
            }
        };
        let name = entry.name().map(|n| n.to_string()).unwrap_or_default();
        if !entry.is_file() || !name.ends_with(".json") {
            continue;
        }
        let location = format!("{}:{name}", path.display());
        let mut bytes = Vec::new();
        let read = (&mut entry)
            .take(MAX_RECORD_BYTES + 1)
            .read_to_end(&mut bytes);
        total += bytes.len() as u64;
        if total > MAX_ZIP_BYTES {
            return Err(StoreError::input(
                path,
                format!("more than {MAX_ZIP_BYTES} bytes of records"),
            ));
        }
        match read {
            Err(e) => out.push(Err(RecordError {
                location,
                reason: e.to_string(),
            })),
            Ok(_) if bytes.len() as u64 > MAX_RECORD_BYTES => out.push(Err(RecordError {
                location,
                reason: format!("larger than {MAX_RECORD_BYTES} bytes"),
            })),
            Ok(_) => out.extend(parse(&bytes, &location, default_source)),
        }
    }
    Ok(())
}

/// One OSV document: a report per PyPI package it names, `Skipped` when it names none.
pub(crate) fn parse(
    bytes: &[u8],
    location: &str,
    default_source: &str,
) -> Vec<Result<Record, RecordError>> {
    let fail = |reason: String| {
        vec![Err(RecordError {
            location: location.to_string(),
            reason,
        })]
    };
    let doc: Value = match serde_json::from_slice(bytes) {
        Ok(v) => v,
        Err(e) => return fail(format!("not JSON: {e}")),
    };
    let Some(id) = doc
        .get("id")
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|id| !id.is_empty())
    else {
        return fail("no `id`".into());
    };
    if id.len() > 256 {
        return fail("`id` longer than 256 characters".into());
    }
    let Some(affected) = doc.get("affected").and_then(Value::as_array) else {
        return fail(format!("{id}: no `affected` list"));
    };
    if affected.len() > MAX_AFFECTED {
        return fail(format!(
            "{id}: `affected` lists {} packages, more than the {MAX_AFFECTED} one record may name",
            affected.len()
        ));
    }
    let pypi: Vec<&Value> = affected
        .iter()
        .filter(|a| {
            a.pointer("/package/ecosystem")
                .and_then(Value::as_str)
                .is_some_and(|e| e.eq_ignore_ascii_case("pypi"))
        })
        .collect();
    // Names become folder names on export: only PEP 508 names are kept, each bad one is
    // listed with the file and why, and the record's other packages still import. One pass
    // groups the entries by normalised name (the first spelling is the one shown), so a
    // record naming many packages costs time in proportion to its size.
    let mut bad_names: Vec<Result<Record, RecordError>> = Vec::new();
    let mut groups: BTreeMap<String, (String, Vec<&Value>)> = BTreeMap::new();
    for a in &pypi {
        let Some(name) = a.pointer("/package/name").and_then(Value::as_str) else {
            continue;
        };
        match malpi_names::check_name(name) {
            Ok(()) => groups
                .entry(malpi_names::normalize(name))
                .or_insert_with(|| (name.trim().to_string(), Vec::new()))
                .1
                .push(a),
            Err(e) => bad_names.push(Err(RecordError {
                location: location.to_string(),
                reason: format!("{id}: {e}"),
            })),
        }
    }
    if groups.is_empty() {
        if bad_names.is_empty() {
            return vec![Ok(Record::Skipped)];
        }
        return bad_names;
    }
    let text = |key: &str| {
        doc.get(key)
            .and_then(Value::as_str)
            .map(|s| s.chars().take(MAX_TEXT).collect::<String>())
    };
    let date = |key: &str| {
        doc.get(key)
            .and_then(Value::as_str)
            .and_then(crate::time::parse_date)
    };
    let strings = |v: Option<&Value>| -> Vec<String> {
        v.and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(|s| s.chars().take(256).collect())
                    .collect()
            })
            .unwrap_or_default()
    };
    let references: Vec<Reference> = doc
        .get("references")
        .and_then(Value::as_array)
        .map(|refs| {
            refs.iter()
                .filter_map(|r| serde_json::from_value(r.clone()).ok())
                .take(1000)
                .collect()
        })
        .unwrap_or_default();
    let mut sources: Vec<(String, String)> = doc
        .pointer("/database_specific/malicious-packages-origins")
        .and_then(Value::as_array)
        .map(|origins| {
            origins
                .iter()
                .filter_map(|o| {
                    let source = o.get("source").and_then(Value::as_str)?.trim();
                    let reference = o.get("id").and_then(Value::as_str).unwrap_or("").trim();
                    (!source.is_empty() && source.len() <= 128)
                        .then(|| (source.to_string(), reference.chars().take(256).collect()))
                })
                .collect()
        })
        .unwrap_or_default();
    if sources.is_empty() {
        sources.push((default_source.to_string(), String::new()));
    }
    sources.sort();
    sources.dedup();
    let several = groups.len() > 1;
    // Each package becomes a report with its own copy of the record's texts: bound what
    // the copies add up to.
    let shared = text("summary").map_or(0, |t| t.len())
        + text("details").map_or(0, |t| t.len())
        + strings(doc.get("aliases"))
            .iter()
            .map(String::len)
            .sum::<usize>()
        + references
            .iter()
            .map(|r| r.url.len() + r.kind.len())
            .sum::<usize>()
        + sources
            .iter()
            .map(|(s, r)| s.len() + r.len())
            .sum::<usize>();
    let expanded = shared.saturating_mul(groups.len());
    if expanded > MAX_EXPANDED_BYTES {
        return fail(format!(
            "{id}: names {} packages that share {shared} bytes of text each ({expanded} bytes \
             in all), more than the {MAX_EXPANDED_BYTES} bytes one record may expand to",
            groups.len()
        ));
    }
    groups
        .into_iter()
        .map(|(normal, (name, mine))| {
            let mut versions = Vec::new();
            let mut all_versions = false;
            for a in mine {
                versions.extend(strings(a.get("versions")));
                all_versions |= from_zero(a.get("ranges"));
            }
            versions.retain(|v| !v.trim().is_empty());
            versions.sort();
            versions.dedup();
            Ok(Record::Report(ReportRecord {
                key: if several {
                    format!("{id}#{normal}")
                } else {
                    id.to_string()
                },
                project: name,
                sources: sources.clone(),
                summary: text("summary"),
                details: text("details"),
                aliases: strings(doc.get("aliases")),
                references: references.clone(),
                published: date("published"),
                modified: date("modified"),
                withdrawn: date("withdrawn"),
                all_versions,
                versions,
            }))
        })
        .chain(bad_names)
        .collect()
}

/// A range introduced at 0 and never fixed: every version.
fn from_zero(ranges: Option<&Value>) -> bool {
    ranges.and_then(Value::as_array).is_some_and(|ranges| {
        ranges.iter().any(|r| {
            let events = r.get("events").and_then(Value::as_array);
            events.is_some_and(|ev| {
                ev.iter()
                    .any(|e| e.get("introduced").and_then(Value::as_str) == Some("0"))
                    && !ev.iter().any(|e| e.get("fixed").is_some())
            })
        })
    })
}

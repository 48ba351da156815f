//! DataDog's malicious-software-packages-dataset: `samples/pypi/manifest.json` maps each
//! project to its versions (`null`: every version); samples are zips encrypted with the
//! password `infected` under `samples/pypi/<category>/NAME/VERSION/<date>-NAME-vVERSION.zip`.
//!
//! A sample is decrypted in memory only. When it holds one package archive, that archive is
//! the file (its hash matches other collections); when it holds an unpacked package, the
//! members are packed again into an in-memory zip for the scanner and the sample zip's own
//! hash names the file.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::{FileJob, Loaded, Loader, MAX_SAMPLE_BYTES, read_capped, walk};
use crate::{Record, RecordError, ReportRecord, StoreError};

const PASSWORD: &[u8] = b"infected";
const MAX_MANIFEST_BYTES: u64 = 64 << 20;
/// Bytes decrypted from one sample, and members kept from it.
const MAX_INNER_BYTES: u64 = 256 << 20;
const MAX_INNER_MEMBERS: usize = 20_000;

/// The manifest's projects as reports, the sample zips as jobs.
pub(crate) fn read(
    path: &Path,
    source: &str,
) -> Result<(Vec<Result<Record, RecordError>>, Vec<FileJob>), StoreError> {
    let manifest = find_manifest(path).ok_or_else(|| {
        StoreError::input(
            path,
            "no manifest.json here, in pypi/ or in samples/pypi/ (DataDog's layout)",
        )
    })?;
    let bytes =
        read_capped(&manifest, MAX_MANIFEST_BYTES).map_err(|r| StoreError::input(&manifest, r))?;
    let doc: Value = serde_json::from_slice(&bytes)
        .map_err(|e| StoreError::input(&manifest, format!("not JSON: {e}")))?;
    let Some(map) = doc.as_object() else {
        return Err(StoreError::input(
            &manifest,
            "expected an object of project names to versions",
        ));
    };
    let mut reports = Vec::new();
    for (name, versions) in map {
        let location = format!("{}: {name}", manifest.display());
        let normal = malpi_names::normalize(name);
        if let Err(e) = malpi_names::check_name(name) {
            reports.push(Err(RecordError {
                location,
                reason: e.to_string(),
            }));
            continue;
        }
        let (all_versions, versions) = match versions {
            Value::Null => (true, Vec::new()),
            Value::Array(list) if list.iter().all(Value::is_string) => (
                list.is_empty(),
                list.iter()
                    .filter_map(Value::as_str)
                    .map(|v| v.trim().to_string())
                    .filter(|v| !v.is_empty() && v.len() <= 100)
                    .collect(),
            ),
            _ => {
                reports.push(Err(RecordError {
                    location,
                    reason: "versions must be a list of strings or null".into(),
                }));
                continue;
            }
        };
        reports.push(Ok(Record::Report(ReportRecord {
            key: format!("{source}/{normal}"),
            project: name.clone(),
            sources: vec![(source.to_string(), String::new())],
            all_versions,
            versions,
            ..ReportRecord::default()
        })));
    }
    let root = manifest.parent().unwrap_or(Path::new("."));
    let mut jobs = Vec::new();
    for (file, rel) in walk(root)? {
        let Some(zip_name) = rel.last().filter(|n| n.ends_with(".zip")) else {
            continue;
        };
        if rel.len() < 3 {
            continue;
        }
        // …/NAME/VERSION/<date>-NAME-vVERSION.zip
        let project = rel[rel.len() - 3].clone();
        let version = rel[rel.len() - 2].clone();
        let added = zip_name.get(..10).and_then(crate::time::parse_date);
        jobs.push(FileJob {
            project,
            version: Some(version),
            location: rel.join("/"),
            source: source.to_string(),
            added,
            dates_by_hash: Default::default(),
            load: Loader::EncryptedZip(file),
        });
    }
    Ok((reports, jobs))
}

fn find_manifest(path: &Path) -> Option<PathBuf> {
    if path.is_file() {
        return Some(path.to_path_buf());
    }
    [
        "manifest.json",
        "pypi/manifest.json",
        "samples/pypi/manifest.json",
    ]
    .iter()
    .map(|p| path.join(p))
    .find(|p| p.is_file())
}

/// Decrypt a sample in memory: the package bytes to hash and scan.
pub(crate) fn load(path: &Path) -> Result<Loaded, String> {
    let outer = read_capped(path, MAX_SAMPLE_BYTES)?;
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(&outer[..]))
        .map_err(|e| format!("not a zip: {e}"))?;
    if zip.len() > MAX_INNER_MEMBERS {
        return Err(format!("more than {MAX_INNER_MEMBERS} members"));
    }
    let mut members: Vec<(String, Vec<u8>)> = Vec::new();
    let mut total = 0u64;
    for i in 0..zip.len() {
        let encrypted = zip
            .by_index_raw(i)
            .map(|m| m.encrypted())
            .map_err(|e| format!("member {i}: {e}"))?;
        let entry = if encrypted {
            zip.by_index_decrypt(i, PASSWORD)
        } else {
            zip.by_index(i)
        };
        let mut entry = entry.map_err(|e| format!("member {i}: cannot decrypt or read: {e}"))?;
        if !entry.is_file() {
            continue;
        }
        let name = entry
            .enclosed_name()
            .map(|p| p.to_string_lossy().replace('\\', "/"))
            .ok_or_else(|| format!("member {i}: unsafe name"))?;
        let mut data = Vec::new();
        (&mut entry)
            .take(MAX_INNER_BYTES - total + 1)
            .read_to_end(&mut data)
            .map_err(|e| format!("{name}: {e} (wrong password?)"))?;
        total += data.len() as u64;
        if total > MAX_INNER_BYTES {
            return Err(format!("more than {MAX_INNER_BYTES} bytes once decrypted"));
        }
        members.push((name, data));
    }
    if let [(name, data)] = &members[..]
        && malpi_archive::detect_format(data) != malpi_archive::Format::Unknown
    {
        return Ok(Loaded {
            filename: name.rsplit('/').next().unwrap_or(name).to_string(),
            bytes: data.clone(),
            identity: None,
        });
    }
    if members.is_empty() {
        return Err("no files inside".into());
    }
    Ok(Loaded {
        filename: path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        bytes: repack(&members).map_err(|e| format!("cannot repack in memory: {e}"))?,
        identity: Some((super::sha256_hex(&outer), outer.len() as u64)),
    })
}

/// An unpacked package as a plain zip in memory, for the scanner.
fn repack(members: &[(String, Vec<u8>)]) -> Result<Vec<u8>, zip::result::ZipError> {
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Stored)
        .large_file(true);
    for (name, data) in members {
        writer.start_file(name.as_str(), options)?;
        writer.write_all(data)?;
    }
    Ok(writer.finish()?.into_inner())
}

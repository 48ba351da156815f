//! Scan reports, one JSON object per line (`malpi scan --format jsonl`), into one
//! [`PackageRecord`] per (project, version): the scans of several files of a version (an
//! sdist and a wheel) are merged.

use std::collections::BTreeMap;
use std::io::BufRead;

use serde::Deserialize;

use crate::model::{PackageRecord, ScanSummary, StudyData};

/// Longest line read; a longer one is skipped (a report is a few kilobytes to megabytes).
pub const MAX_LINE_BYTES: usize = 64 << 20;

/// The study data, and how many lines could not be used.
#[derive(Debug, Default)]
pub struct ScanImport {
    pub data: StudyData,
    pub reports: usize,
    pub skipped_lines: usize,
    /// The first skipped line's number and reason, for the message.
    pub first_skip: Option<(usize, String)>,
}

#[derive(Deserialize)]
struct ScanLine {
    package: PackageLine,
    verdict: String,
    #[serde(default)]
    categories: Vec<String>,
    #[serde(default)]
    triggers: Vec<String>,
    #[serde(default)]
    techniques: Vec<String>,
    #[serde(default)]
    code: CodeLine,
    #[serde(default)]
    platforms: Vec<String>,
}

#[derive(Deserialize)]
struct PackageLine {
    #[serde(default)]
    name: String,
    #[serde(default)]
    version: String,
    #[serde(default)]
    file: String,
}

#[derive(Default, Deserialize)]
struct CodeLine {
    #[serde(default)]
    python_files: u64,
    #[serde(default)]
    python_lines: u64,
    #[serde(default)]
    evidence_lines: u64,
}

/// Read scan reports. Blank lines are ignored; lines that are not a scan report, or are
/// longer than [`MAX_LINE_BYTES`], are counted in `skipped_lines`.
pub fn read_scan_jsonl(mut reader: impl BufRead) -> std::io::Result<ScanImport> {
    let mut import = ScanImport::default();
    let mut records: BTreeMap<(String, String), PackageRecord> = BTreeMap::new();
    let mut line = Vec::new();
    let mut number = 0;
    loop {
        line.clear();
        let Some(complete) = read_line(&mut reader, &mut line, MAX_LINE_BYTES)? else {
            break;
        };
        number += 1;
        let mut skip = |why: String| {
            import.skipped_lines += 1;
            import.first_skip.get_or_insert((number, why));
        };
        if !complete {
            skip(format!("longer than {MAX_LINE_BYTES} bytes"));
            continue;
        }
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let scan: ScanLine = match serde_json::from_slice(&line) {
            Ok(scan) => scan,
            Err(e) => {
                skip(e.to_string());
                continue;
            }
        };
        import.reports += 1;
        // An unreadable input has no name: the file's name stands in for it.
        let name = if scan.package.name.trim().is_empty() {
            scan.package
                .file
                .rsplit(['/', '\\'])
                .next()
                .unwrap_or("")
                .to_string()
        } else {
            malpi_names::normalize(&scan.package.name)
        };
        let summary = ScanSummary {
            verdict: scan.verdict,
            categories: scan.categories,
            triggers: scan.triggers,
            techniques: scan.techniques,
            python_files: scan.code.python_files,
            python_lines: scan.code.python_lines,
            evidence_lines: scan.code.evidence_lines,
            platforms: scan.platforms,
        };
        let version = scan.package.version.trim().to_string();
        let record = records
            .entry((name.clone(), version.clone()))
            .or_insert_with(|| PackageRecord {
                name,
                version,
                ..PackageRecord::default()
            });
        match &mut record.scan {
            Some(existing) => existing.merge(summary),
            None => record.scan = Some(summary),
        }
    }
    import.data.packages = records.into_values().collect();
    Ok(import)
}

/// Read one line (without its newline) into `buf`, keeping at most `max` bytes.
/// `None` at end of input; `Some(false)` when the line was longer than `max` (the rest of it
/// is read and dropped).
fn read_line(
    reader: &mut impl BufRead,
    buf: &mut Vec<u8>,
    max: usize,
) -> std::io::Result<Option<bool>> {
    let mut seen_any = false;
    let mut complete = true;
    loop {
        let chunk = reader.fill_buf()?;
        if chunk.is_empty() {
            return Ok(seen_any.then_some(complete));
        }
        seen_any = true;
        let (part, found) = match memchr::memchr(b'\n', chunk) {
            Some(i) => (&chunk[..i], Some(i)),
            None => (chunk, None),
        };
        if complete && buf.len() + part.len() <= max {
            buf.extend_from_slice(part);
        } else {
            complete = false;
            buf.clear();
        }
        let used = found.map_or(chunk.len(), |i| i + 1);
        reader.consume(used);
        if found.is_some() {
            return Ok(Some(complete));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_of_one_version_merge_and_bad_lines_are_counted() {
        let input = concat!(
            r#"{"package":{"name":"Evil_Pkg","version":"1.0","file":"/c/a.tar.gz"},"verdict":"suspicious","categories":["file-operation"],"triggers":["import"],"techniques":[],"code":{"python_files":2,"python_lines":10,"evidence_lines":1},"platforms":["linux"]}"#,
            "\n\n",
            r#"{"package":{"name":"evil-pkg","version":"1.0","file":"/c/a.whl"},"verdict":"malicious","categories":["command-execution"],"triggers":["install"],"techniques":["obfuscated-text"],"code":{"python_files":3,"python_lines":40,"evidence_lines":4},"platforms":["windows"]}"#,
            "\nnot json\n",
            r#"{"package":{"name":"","version":"","file":"/c/empty.tar.gz"},"verdict":"error"}"#,
        );
        let import = read_scan_jsonl(input.as_bytes()).unwrap();
        assert_eq!((import.reports, import.skipped_lines), (3, 1));
        assert_eq!(import.first_skip.as_ref().map(|s| s.0), Some(4));
        let p = &import.data.packages;
        assert_eq!(p.len(), 2);
        assert_eq!(p[0].name, "empty.tar.gz");
        let evil = p[1].scan.as_ref().unwrap();
        assert_eq!(
            (p[1].name.as_str(), p[1].version.as_str()),
            ("evil-pkg", "1.0")
        );
        assert_eq!(evil.verdict, "malicious");
        assert_eq!(evil.categories, ["command-execution", "file-operation"]);
        assert_eq!(evil.triggers, ["import", "install"]);
        assert_eq!(
            (evil.python_files, evil.python_lines, evil.evidence_lines),
            (3, 40, 4)
        );
        assert_eq!(evil.platforms, ["linux", "windows"]);
    }

    #[test]
    fn an_overlong_line_is_skipped_whole() {
        let mut r = std::io::BufReader::with_capacity(4, &b"0123456789\nab\n"[..]);
        let mut buf = Vec::new();
        assert_eq!(read_line(&mut r, &mut buf, 5).unwrap(), Some(false));
        buf.clear();
        assert_eq!(read_line(&mut r, &mut buf, 5).unwrap(), Some(true));
        assert_eq!(buf, b"ab");
        buf.clear();
        assert_eq!(read_line(&mut r, &mut buf, 5).unwrap(), None);
    }
}

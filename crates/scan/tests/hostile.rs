//! Crafted inputs, built here: each is reported (a finding or an error entry) and none
//! panics, hangs or makes malpi write anything.

use std::io::Write;

mod support;

use malpi_rules::RuleId;
use malpi_scan::{PackageInfo, PackageKind, Report, ScanOptions, scan_bytes};

fn tar_with(entries: &[(tar::Header, &[u8])]) -> Vec<u8> {
    let mut b = tar::Builder::new(Vec::new());
    for (h, data) in entries {
        b.append(h, *data).unwrap();
    }
    gz(&b.into_inner().unwrap())
}

fn gz(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

fn header(name: &[u8], kind: tar::EntryType, size: u64) -> tar::Header {
    let mut h = tar::Header::new_gnu();
    h.as_old_mut().name[..name.len()].copy_from_slice(name);
    h.set_entry_type(kind);
    h.set_size(size);
    h.set_mode(0o644);
    h.set_cksum();
    h
}

fn scan(name: &str, bytes: &[u8]) -> Report {
    support::keep_case(name, bytes);
    scan_bytes(
        PackageInfo::new(format!("/hostile/{name}"), PackageKind::File),
        bytes,
        &ScanOptions::default(),
    )
}

fn reported(r: &Report) -> bool {
    !r.errors.is_empty() || !r.findings.is_empty()
}

#[test]
fn links_and_devices_are_reported_not_followed() {
    let mut link = header(b"pkg-1/evil", tar::EntryType::Symlink, 0);
    link.set_link_name("/etc/passwd").unwrap();
    link.set_cksum();
    let mut hard = header(b"pkg-1/hard", tar::EntryType::Link, 0);
    hard.set_link_name("../../outside").unwrap();
    hard.set_cksum();
    let device = header(b"pkg-1/dev", tar::EntryType::Char, 0);
    let r = scan(
        "links.tar.gz",
        &tar_with(&[
            (link, &[]),
            (hard, &[]),
            (device, &[]),
            (
                header(b"pkg-1/setup.py", tar::EntryType::Regular, 6),
                b"x = 1\n",
            ),
        ]),
    );
    assert!(
        r.findings.iter().any(|f| f.rule == RuleId::Pkg002),
        "{:?}",
        r.findings
    );
    assert_ne!(r.verdict, malpi_rules::VerdictKind::Error);
}

#[test]
fn duplicate_and_non_utf8_names_are_read() {
    let r = scan(
        "names.tar.gz",
        &tar_with(&[
            (
                header(b"pkg-1/a.py", tar::EntryType::Regular, 6),
                b"x = 1\n",
            ),
            (
                header(b"pkg-1/a.py", tar::EntryType::Regular, 10),
                b"import os\n",
            ),
            (
                header(b"pkg-1/\xff\xfe.py", tar::EntryType::Regular, 6),
                b"y = 2\n",
            ),
        ]),
    );
    assert!(r.files_analysed >= 2, "{r:?}");
}

#[test]
fn a_hundred_thousand_members_trip_the_member_limit() {
    let mut b = tar::Builder::new(Vec::new());
    for i in 0..100_000u32 {
        let h = header(
            format!("pkg-1/f{i}.txt").as_bytes(),
            tar::EntryType::Regular,
            0,
        );
        b.append(&h, &[][..]).unwrap();
    }
    let r = scan("many.tar.gz", &gz(&b.into_inner().unwrap()));
    assert!(
        r.errors.iter().any(|e| e.contains("limit")),
        "{:?}",
        r.errors
    );
    assert!(r.findings.iter().any(|f| f.rule == RuleId::Pkg001));
}

#[test]
fn parser_recursion_bombs_and_broken_text_are_analysed_token_by_token() {
    let parens = format!(
        "x = {}1{}\nimport os\nos.system('id')\n",
        "(".repeat(100_000),
        ")".repeat(100_000)
    );
    let r = scan("parens.py", parens.as_bytes());
    assert!(
        r.errors.iter().any(|e| e.contains("token by token")),
        "{:?}",
        r.errors
    );
    assert!(r.findings.iter().any(|f| f.rule == RuleId::Cmd001));

    let broken = b"import os\x00\nos.system('\xff\xfe id')\ndef (:\n";
    let r = scan("broken.py", broken);
    assert!(
        r.findings.iter().any(|f| f.rule == RuleId::Cmd001),
        "{:?}",
        r.findings
    );
}

#[test]
fn a_huge_single_line_is_bounded() {
    let line = format!("x = '{}'\n", "A".repeat(20 << 20));
    let start = std::time::Instant::now();
    let r = scan("line.py", line.as_bytes());
    assert!(start.elapsed().as_secs() < 60);
    assert_ne!(r.verdict, malpi_rules::VerdictKind::Error);
}

#[test]
fn truncated_and_lying_archives_are_errors_or_partial_reads() {
    let whole = tar_with(&[(
        header(b"pkg-1/setup.py", tar::EntryType::Regular, 40),
        &b"import os\nos.system('curl x | sh')  # pad\n"[..40],
    )]);
    for cut in [10, whole.len() / 2, whole.len() - 3] {
        let r = scan("cut.tar.gz", &whole[..cut]);
        assert!(
            reported(&r) || r.verdict == malpi_rules::VerdictKind::Error,
            "cut at {cut}"
        );
    }
    // A member that claims 1 MB and holds 40 bytes.
    let mut tar = tar::Builder::new(Vec::new());
    tar.append(
        &header(b"pkg-1/setup.py", tar::EntryType::Regular, 40),
        &b"import os\nos.system('curl x | sh')  # pad\n"[..40],
    )
    .unwrap();
    let mut raw = tar.into_inner().unwrap();
    let lie = format!("{:011o}\0", 1u64 << 20);
    raw[124..136].copy_from_slice(lie.as_bytes());
    let r = scan("lie.tar.gz", &gz(&raw));
    assert!(reported(&r), "{r:?}");
}

#[test]
fn a_package_past_its_time_budget_is_reported_and_the_scan_goes_on() {
    let files: Vec<(String, Vec<u8>)> = (0..50)
        .map(|i| {
            (
                format!("pkg-1/m{i}.py"),
                b"import os\nos.system('id')\n".to_vec(),
            )
        })
        .collect();
    let members: Vec<(tar::Header, &[u8])> = files
        .iter()
        .map(|(p, d)| {
            (
                header(p.as_bytes(), tar::EntryType::Regular, d.len() as u64),
                d.as_slice(),
            )
        })
        .collect();
    let opts = ScanOptions {
        timeout: std::time::Duration::ZERO,
        ..ScanOptions::default()
    };
    let r = scan_bytes(
        PackageInfo::new("/hostile/slow.tar.gz".into(), PackageKind::File),
        &tar_with(&members),
        &opts,
    );
    assert!(
        r.errors.iter().any(|e| e.starts_with("timeout")),
        "{:?}",
        r.errors
    );
    assert_ne!(r.verdict, malpi_rules::VerdictKind::Error);
}

#[test]
fn code_kept_per_package_stops_at_its_limit() {
    let big = vec![b'#'; 4 << 20];
    let names: Vec<String> = (0..6).map(|i| format!("pkg-1/m{i}.py")).collect();
    let members: Vec<(tar::Header, &[u8])> = names
        .iter()
        .map(|p| {
            (
                header(p.as_bytes(), tar::EntryType::Regular, big.len() as u64),
                big.as_slice(),
            )
        })
        .collect();
    let opts = ScanOptions {
        limits: malpi_scan::Limits {
            max_kept_bytes: 10 << 20,
            ..malpi_scan::Limits::default()
        },
        ..ScanOptions::default()
    };
    let r = scan_bytes(
        PackageInfo::new("/hostile/kept.tar.gz".into(), PackageKind::File),
        &tar_with(&members),
        &opts,
    );
    assert!(
        r.errors.iter().any(|e| e.contains("bytes of code to keep")),
        "{:?}",
        r.errors
    );
    assert!(r.findings.iter().any(|f| f.rule == RuleId::Pkg001));
}

#[test]
fn setup_py_as_a_link_to_a_payload_member_is_analysed_under_its_name() {
    // pip's extraction writes the payload as setup.py: the scan must read it so.
    let payload: &[u8] =
        b"import base64\nexec(base64.b64decode('aW1wb3J0IG9zOyBvcy5zeXN0ZW0oImlkIik='))\n";
    for kind in [tar::EntryType::Link, tar::EntryType::Symlink] {
        let mut link = header(b"evil-1.0/setup.py", kind, 0);
        link.set_link_name(if kind == tar::EntryType::Link {
            "evil-1.0/docs/notes.txt"
        } else {
            "docs/notes.txt"
        })
        .unwrap();
        link.set_cksum();
        let r = scan(
            "linked-setup.tar.gz",
            &tar_with(&[
                (
                    header(
                        b"evil-1.0/docs/notes.txt",
                        tar::EntryType::Regular,
                        payload.len() as u64,
                    ),
                    payload,
                ),
                (link, &[]),
            ]),
        );
        assert_eq!(
            r.verdict,
            malpi_rules::VerdictKind::Malicious,
            "{kind:?}: {r:?}"
        );
        assert!(r.findings.iter().any(|f| f.rule == RuleId::Pkg002));
        assert!(
            r.findings
                .iter()
                .any(|f| f.rule == RuleId::Exe001 && f.path.ends_with("setup.py")),
            "{:?}",
            r.findings
        );
    }
}

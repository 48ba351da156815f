//! Every way of hiding a payload in `tests/layers/` (made by `make_layers.py`): the same
//! `os.system("curl … | sh")` is found in each, only through decoding, with the chain named;
//! `layer_plain.py` is the control, where it is found on the surface.

use std::path::Path;

use malpi_rules::{RuleId, VerdictKind};
use malpi_scan::{ScanOptions, scan_path};

const KINDS: &[&str] = &[
    "base64",
    "base32",
    "base85",
    "a85",
    "hex",
    "zlib",
    "gzip",
    "bz2",
    "lzma",
    "rot13",
    "reversed",
    "chr_list",
    "bytes_list",
    "xor",
    "fernet",
    "aes",
    "marshal",
];

fn layer(kind: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/layers")
        .join(format!("layer_{kind}.py"))
}

#[test]
fn the_plain_payload_is_found_on_the_surface() {
    let report = scan_path(&layer("plain"), &ScanOptions::default());
    assert_eq!(report.verdict, VerdictKind::Malicious);
    let system = report
        .findings
        .iter()
        .find(|f| f.rule == RuleId::Cmd001)
        .expect("the command");
    assert!(system.decoded_from.is_none());
}

#[test]
fn every_hidden_payload_is_found_through_its_layers() {
    let mut failures = Vec::new();
    for kind in KINDS {
        let path = layer(kind);
        let source = std::fs::read_to_string(&path).unwrap();
        // The behaviour is not on the surface: no call to os.system is written there.
        assert!(!source.contains("os.system"), "{kind}: payload visible");
        let report = scan_path(&path, &ScanOptions::default());
        let command = report
            .findings
            .iter()
            .find(|f| f.rule == RuleId::Cmd001 && f.decoded_from.is_some());
        let layered = report.findings.iter().any(|f| f.rule == RuleId::Tec010);
        match command {
            Some(f) if layered && report.verdict == VerdictKind::Malicious => {
                let via = f.decoded_from.as_deref().unwrap();
                assert!(via.ends_with("<payload>"), "{kind}: {via}");
            }
            _ => failures.push(format!(
                "{kind}: verdict {:?}, findings {:?}",
                report.verdict,
                report
                    .findings
                    .iter()
                    .map(|f| (f.rule, f.decoded_from.clone()))
                    .collect::<Vec<_>>()
            )),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

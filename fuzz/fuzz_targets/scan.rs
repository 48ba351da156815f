//! The whole pipeline (archive, metadata, analysis, rules, verdict) on any bytes.
#![no_main]
use libfuzzer_sys::fuzz_target;
use malpi_scan::{PackageInfo, PackageKind, ScanOptions};

fuzz_target!(|data: &[u8]| {
    let info = PackageInfo::new("fuzz-1.0.tar.gz".to_string(), PackageKind::Sdist);
    let report = malpi_scan::scan_bytes(info, data, &ScanOptions::default());
    let _ = serde_json::to_string(&report);
});

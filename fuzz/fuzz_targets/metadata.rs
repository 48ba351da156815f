//! Package metadata (PKG-INFO / METADATA, setup.cfg, pyproject.toml) on any bytes.
#![no_main]
use libfuzzer_sys::fuzz_target;

const NAMES: [&str; 4] = [
    "pkg-1.0/PKG-INFO",
    "pkg-1.0.dist-info/METADATA",
    "pkg-1.0/setup.cfg",
    "pkg-1.0/pyproject.toml",
];

fuzz_target!(|data: &[u8]| {
    let Some((&which, rest)) = data.split_first() else {
        return;
    };
    let member = malpi_archive::Member {
        path: NAMES[usize::from(which) % NAMES.len()].to_string(),
        data: rest.to_vec(),
        size: rest.len() as u64,
        complete: true,
    };
    let _ = malpi_scan::read_metadata(&[member]);
});

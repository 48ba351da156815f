//! Archive reading (tar, zip, gzip/bz2/xz layers, nested archives) on any bytes.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let limits = malpi_archive::Limits {
        max_total_bytes: 8 << 20,
        max_member_bytes: 2 << 20,
        ..malpi_archive::Limits::default()
    };
    if let Ok(archive) = malpi_archive::read_archive(data, &limits, &|p| p.ends_with(".py")) {
        let read: u64 = archive.members.iter().map(|m| m.data.len() as u64).sum();
        assert!(read <= limits.max_total_bytes, "read past the byte limit");
        for m in &archive.members {
            assert!(
                !m.path.starts_with('/') && !m.path.split('/').any(|c| c == ".."),
                "unsafe member path {:?}",
                m.path
            );
        }
    }
});

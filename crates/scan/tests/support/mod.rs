//! Shared by the hostile-input test files.
/// With `MALPI_WRITE_HOSTILE=DIR`, each crafted input is also written to DIR, so a batch scan
/// (`malpi scan DIR ../shared/corpus`) can be run over all of them with the release binary.
pub fn keep_case(name: &str, bytes: &[u8]) {
    if let Some(dir) = std::env::var_os("MALPI_WRITE_HOSTILE") {
        let dir = std::path::Path::new(&dir);
        std::fs::create_dir_all(dir).unwrap();
        std::fs::write(dir.join(name), bytes).unwrap();
    }
}

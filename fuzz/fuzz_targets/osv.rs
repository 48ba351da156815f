//! The OSV importer on any bytes: a record parsed as `malpi db import osv` reads it, then
//! written into a real SQLite store (a fresh file per fuzzing process).
#![no_main]
use std::sync::{Mutex, OnceLock};

use libfuzzer_sys::fuzz_target;
use malpi_store::Store;

fn store() -> &'static Mutex<Store> {
    static STORE: OnceLock<Mutex<Store>> = OnceLock::new();
    STORE.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("malpi-fuzz-osv-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        Mutex::new(Store::open_sqlite(&dir.join("fuzz.db")).expect("a fresh store opens"))
    })
}

fuzz_target!(|data: &[u8]| {
    let records = malpi_store::fuzzing::parse_osv(data);
    let mut store = store().lock().unwrap_or_else(|e| e.into_inner());
    // Whatever the records hold, writing them is a summary or a typed error, never a panic.
    let _ = store.import(records, &mut |_| {});
});

//! Python parsing and analysis, including the deobfuscation of code hidden in strings, on any
//! bytes, as a module and as setup.py.
#![no_main]
use libfuzzer_sys::fuzz_target;
use malpi_python::FileRole;

fuzz_target!(|data: &[u8]| {
    let role = if data.first().is_some_and(|b| b & 1 == 1) {
        FileRole::SetupPy
    } else {
        FileRole::Module
    };
    let _ = malpi_python::analyze("pkg/mod.py", data, role);
});

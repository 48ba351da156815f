//! The deobfuscator's decoders (base16/32/64/85, compressors, ciphers, marshal) on any bytes.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| malpi_python::fuzzing::decode(data));

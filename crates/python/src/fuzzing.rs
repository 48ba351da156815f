//! Entry points for the fuzz targets in `fuzz/` (not an API: the decoders and the marshal
//! reader stay private to this crate, reached here so each can be fuzzed on its own bytes).

use crate::{decoders, marshal, unmarshal};

/// Run one decoder chosen by the first byte on the rest of `data`; each must return a value
/// (never panic, never pass its output cap) whatever the bytes.
pub fn decode(data: &[u8]) {
    let Some((&which, rest)) = data.split_first() else {
        return;
    };
    // A key for the ciphers is cut from the front of the input: keys are hostile too.
    let (key, body) = rest.split_at(rest.len().min(usize::from(which >> 4)));
    match which % 12 {
        0 => check(decoders::base64_decode(rest)),
        1 => check(decoders::base32_decode(rest)),
        2 => check(decoders::base85_decode(rest)),
        3 => check(decoders::a85_decode(rest)),
        4 => check(decoders::zlib_decompress(rest).ok()),
        5 => check(decoders::gzip_decompress(rest).ok()),
        6 => check(decoders::bz2_decompress(rest).ok()),
        7 => check(decoders::lzma_decompress(rest).ok()),
        8 => check(Some(decoders::xor(body, key))),
        9 => check(decoders::fernet_decrypt(key, body)),
        10 => check(decoders::aes_decrypt(key, None, body)),
        _ => {
            if let Some(summary) = marshal::read(rest) {
                let _ = unmarshal::as_source(&summary);
            }
            let text = String::from_utf8_lossy(rest);
            let _ = decoders::likely_base64_text(&text);
            let _ = decoders::rot13(&text);
        }
    }
}

fn check(output: Option<Vec<u8>>) {
    if let Some(out) = output {
        assert!(out.len() <= decoders::MAX_DECODED, "decoder passed its cap");
    }
}

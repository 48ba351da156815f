//! Decoders the folder applies to constants, written here so that nothing scanned is run and
//! no decoding library sees hostile input unbounded.

/// Largest decoded output kept (a bigger payload is left to the deobfuscator).
pub const MAX_DECODED: usize = 4 << 20;

/// Base64 (standard or URL-safe alphabet, whitespace ignored, padding optional).
pub fn base64_decode(text: &[u8]) -> Option<Vec<u8>> {
    if text.len() / 4 * 3 > MAX_DECODED {
        return None;
    }
    let mut out = Vec::with_capacity(text.len() / 4 * 3);
    let (mut acc, mut bits) = (0u32, 0u32);
    let mut padding = false;
    for &b in text {
        let v = match b {
            b'A'..=b'Z' => b - b'A',
            b'a'..=b'z' => b - b'a' + 26,
            b'0'..=b'9' => b - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            b'=' => {
                padding = true;
                continue;
            }
            b' ' | b'\n' | b'\r' | b'\t' => continue,
            _ => return None,
        };
        if padding {
            return None;
        }
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

/// Text that is strictly base64 (no whitespace, length a multiple of 4) and decodes to
/// printable text: what a home-made `b64d("...")` helper is almost surely given.
pub fn likely_base64_text(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    if bytes.len() < 8 || bytes.len() % 4 != 0 || bytes.iter().any(|b| b.is_ascii_whitespace()) {
        return None;
    }
    let decoded = String::from_utf8(base64_decode(bytes)?).ok()?;
    let printable = decoded
        .chars()
        .all(|c| !c.is_control() || c == '\n' || c == '\r' || c == '\t');
    printable.then_some(decoded)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_both_alphabets() {
        assert_eq!(base64_decode(b"aGVsbG8=").unwrap(), b"hello");
        assert_eq!(base64_decode(b"aGVs\nbG8").unwrap(), b"hello");
        assert_eq!(base64_decode(b"-_8=").unwrap(), vec![0xfb, 0xff]);
        assert!(base64_decode(b"a$b").is_none());
    }

    #[test]
    fn only_clean_text_is_likely() {
        assert_eq!(
            likely_base64_text("Y3VybCBodHRw").as_deref(),
            Some("curl http")
        );
        assert!(likely_base64_text("hello world!").is_none());
        assert!(likely_base64_text("AAECAwQF").is_none());
    }
}

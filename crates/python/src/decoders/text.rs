//! Text-to-bytes encodings (`base64`, `base32`, `base85`, Ascii85) and `rot13`, following
//! Python's `base64` module: a constant decodes here exactly when it decodes at run time.

use super::MAX_DECODED;

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
    if bytes.len() < 8
        || !bytes.len().is_multiple_of(4)
        || bytes.iter().any(|b| b.is_ascii_whitespace())
    {
        return None;
    }
    let decoded = String::from_utf8(base64_decode(bytes)?).ok()?;
    let printable = decoded
        .chars()
        .all(|c| !c.is_control() || c == '\n' || c == '\r' || c == '\t');
    printable.then_some(decoded)
}

/// Base32 as `base64.b32decode` (RFC 4648): upper-case alphabet, length a multiple of 8,
/// only the padding lengths an encoder can produce, nothing ignored. Being as strict as
/// Python keeps text that merely looks like base32 from being decoded.
pub fn base32_decode(text: &[u8]) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(8) || text.len() / 8 * 5 > MAX_DECODED {
        return None;
    }
    let data_len = text.iter().rposition(|&b| b != b'=').map_or(0, |i| i + 1);
    if !matches!(text.len() - data_len, 0 | 1 | 3 | 4 | 6) {
        return None;
    }
    let mut out = Vec::with_capacity(data_len * 5 / 8);
    let (mut acc, mut bits) = (0u32, 0u32);
    for &b in &text[..data_len] {
        let v = match b {
            b'A'..=b'Z' => b - b'A',
            b'2'..=b'7' => b - b'2' + 26,
            _ => return None,
        };
        acc = (acc << 5) | u32::from(v);
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

/// The `base64.b85encode` alphabet (RFC 1924 / git), in digit order.
const B85_ALPHABET: &[u8; 85] =
    b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz!#$%&()*+-;<=>?@^_`{|}~";

/// Digit value of each byte in [`B85_ALPHABET`], `0xff` for bytes outside it.
const B85_DIGITS: [u8; 256] = {
    let mut table = [0xff; 256];
    let mut i = 0;
    while i < B85_ALPHABET.len() {
        table[B85_ALPHABET[i] as usize] = i as u8;
        i += 1;
    }
    table
};

/// Base85 as `base64.b85decode`: groups of five digits, a short last group padded with the
/// highest digit and its extra bytes dropped, a group above 2³²−1 refused, nothing ignored.
pub fn base85_decode(text: &[u8]) -> Option<Vec<u8>> {
    if text.len() / 5 * 4 > MAX_DECODED {
        return None;
    }
    let mut out = Vec::with_capacity(text.len().div_ceil(5) * 4);
    for chunk in text.chunks(5) {
        let mut digits = [84u8; 5];
        for (digit, &b) in digits.iter_mut().zip(chunk) {
            *digit = B85_DIGITS[usize::from(b)];
            if *digit == 0xff {
                return None;
            }
        }
        push_base85_group(&mut out, &digits)?;
        out.truncate(out.len() - (5 - chunk.len()));
    }
    Some(out)
}

/// Ascii85 as `base64.a85decode`, plus Adobe's optional `<~` `~>` framing (which Python
/// takes with `adobe=True`; `~` is no Ascii85 digit, so the framing is never ambiguous):
/// `z` stands for four zero bytes, whitespace is ignored, a short last group is padded with
/// `u` and its extra bytes dropped. The output is checked as it grows because `z` makes a
/// small text expand fourfold.
pub fn a85_decode(text: &[u8]) -> Option<Vec<u8>> {
    let body = strip_a85_framing(text);
    let mut out = Vec::with_capacity(body.len().min(MAX_DECODED) / 5 * 4);
    let mut group = [0u8; 5];
    let mut len = 0;
    for &b in body {
        match b {
            b'!'..=b'u' => {
                group[len] = b - b'!';
                len += 1;
                if len == 5 {
                    push_base85_group(&mut out, &group)?;
                    len = 0;
                }
            }
            b'z' if len == 0 => out.extend_from_slice(&[0; 4]),
            b' ' | b'\t' | b'\n' | b'\r' | 0x0b => {}
            _ => return None,
        }
        if out.len() > MAX_DECODED {
            return None;
        }
    }
    if len > 0 {
        group[len..].fill(84);
        push_base85_group(&mut out, &group)?;
        out.truncate(out.len() - (5 - len));
    }
    Some(out)
}

/// The text inside Adobe's `<~` … `~>` framing, each delimiter optional, surrounding
/// whitespace ignored.
fn strip_a85_framing(text: &[u8]) -> &[u8] {
    let text = text.trim_ascii();
    let text = text.strip_prefix(b"<~").unwrap_or(text);
    text.strip_suffix(b"~>").unwrap_or(text)
}

/// Appends the four big-endian bytes of five base-85 digits; `None` when they overflow 32
/// bits, as Python refuses them.
fn push_base85_group(out: &mut Vec<u8>, digits: &[u8; 5]) -> Option<()> {
    let value = digits.iter().fold(0u64, |acc, &d| acc * 85 + u64::from(d));
    let value = u32::try_from(value).ok()?;
    out.extend_from_slice(&value.to_be_bytes());
    Some(())
}

/// `codecs.encode(text, "rot13")`: ASCII letters rotated by 13, everything else kept.
pub fn rot13(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            'a'..='z' => char::from((c as u8 - b'a' + 13) % 26 + b'a'),
            'A'..='Z' => char::from((c as u8 - b'A' + 13) % 26 + b'A'),
            _ => c,
        })
        .collect()
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

    #[test]
    fn base32_as_python() {
        assert_eq!(
            base32_decode(b"NBSWY3DPEB3W64TMMQQQ====").unwrap(),
            b"hello world!"
        );
        assert_eq!(base32_decode(b"ME======").unwrap(), b"a");
        assert_eq!(base32_decode(b"MF======").unwrap(), b"a");
        assert_eq!(base32_decode(b"MFRA====").unwrap(), b"ab");
        assert_eq!(base32_decode(b"MFRGG===").unwrap(), b"abc");
        assert_eq!(base32_decode(b"MFRGGZA=").unwrap(), b"abcd");
        assert_eq!(base32_decode(b"").unwrap(), b"");
    }

    #[test]
    fn base32_malformed() {
        for bad in [
            &b"MFRGG"[..],    // no padding
            b"mfrgg===",      // lower case
            b"MFR=GG==",      // padding inside
            b"M=======",      // seven pad characters
            b"========",      // only padding
            b"MFRGG===\n",    // whitespace
            b"MFRGG1==",      // digit outside the alphabet
            b"MFRGGZA=MFRGG", // not a multiple of 8
        ] {
            assert!(base32_decode(bad).is_none(), "{bad:?}");
        }
    }

    #[test]
    fn base32_bound() {
        let huge = vec![b'A'; (MAX_DECODED / 5 + 1) * 8];
        assert!(base32_decode(&huge).is_none());
    }

    #[test]
    fn base85_as_python() {
        assert_eq!(base85_decode(b"Xk~0{Zy<MXa%^NF").unwrap(), b"hello world!");
        assert_eq!(base85_decode(b"00000").unwrap(), [0; 4]);
        assert_eq!(base85_decode(b"VPX").unwrap(), b"ab");
        assert_eq!(base85_decode(b"|NsC0").unwrap(), [0xff; 4]);
        assert_eq!(base85_decode(b"0").unwrap(), b"");
        assert_eq!(base85_decode(b"01").unwrap(), [0]);
        assert_eq!(base85_decode(b"").unwrap(), b"");
    }

    #[test]
    fn base85_malformed() {
        assert!(base85_decode(b"~~~~~").is_none(), "overflow");
        assert!(base85_decode(b"|NsC1").is_none(), "overflow by one");
        assert!(base85_decode(b"Xk~0{ Zy<MX").is_none(), "space");
        assert!(base85_decode(b"Xk~0\"").is_none(), "quote is no digit");
        assert!(
            base85_decode("Xk~0\u{e9}".as_bytes()).is_none(),
            "non-ASCII"
        );
        let huge = vec![b'0'; (MAX_DECODED / 4 + 1) * 5];
        assert!(base85_decode(&huge).is_none());
    }

    #[test]
    fn a85_as_python() {
        assert_eq!(a85_decode(b"BOu!rD]j7BEbo80").unwrap(), b"hello world!");
        assert_eq!(a85_decode(b"<~z@:E^~>").unwrap(), b"\0\0\0\0abc");
        assert_eq!(a85_decode(b"z@:E^").unwrap(), b"\0\0\0\0abc");
        assert_eq!(
            a85_decode(b"  <~BOu!r\nD]j7B\tEbo80~>\n").unwrap(),
            b"hello world!"
        );
        assert_eq!(a85_decode(b"@/").unwrap(), b"a");
        assert_eq!(a85_decode(b"s8W-!").unwrap(), [0xff; 4]);
        assert_eq!(a85_decode(b"!").unwrap(), b"");
        assert_eq!(a85_decode(b"!!").unwrap(), [0]);
        assert_eq!(a85_decode(b"<~~>").unwrap(), b"");
    }

    #[test]
    fn a85_malformed() {
        assert!(a85_decode(b"s8W-\"").is_none(), "overflow");
        assert!(a85_decode(b"uuuuu").is_none(), "overflow");
        assert!(a85_decode(b"az").is_none(), "z inside a group");
        assert!(a85_decode(b"BOu!r~D]j7B").is_none(), "tilde inside");
        assert!(a85_decode(b"BOu!rv").is_none(), "v is no digit");
        assert!(a85_decode(b"<~uuu~>").is_none(), "short group overflows");
    }

    #[test]
    fn a85_z_bomb_stops_at_the_cap() {
        let at_cap = vec![b'z'; MAX_DECODED / 4];
        assert_eq!(a85_decode(&at_cap).unwrap().len(), MAX_DECODED);
        let past_cap = vec![b'z'; MAX_DECODED / 4 + 1];
        assert!(a85_decode(&past_cap).is_none());
    }

    #[test]
    fn rot13_letters_only() {
        assert_eq!(rot13("vzcbeg bf"), "import os");
        assert_eq!(rot13("Hello, World! 123 é"), "Uryyb, Jbeyq! 123 é");
        assert_eq!(rot13(&rot13("round Trip")), "round Trip");
        assert_eq!(rot13(""), "");
    }
}

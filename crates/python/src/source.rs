//! Bytes to text the way Python would read them: BOM, PEP 263 coding cookie, else UTF-8.
//! Invalid sequences become U+FFFD rather than stopping the analysis.

/// Decode a Python source file. Returns the text and whether decoding was lossy.
pub fn decode(bytes: &[u8]) -> (String, bool) {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    match coding_cookie(bytes).as_deref() {
        Some(
            "latin-1" | "latin1" | "iso-8859-1" | "iso8859-1" | "l1" | "cp1252" | "windows-1252",
        ) => {
            // Latin-1 maps every byte to the code point of the same value.
            (bytes.iter().map(|&b| b as char).collect(), false)
        }
        _ => match std::str::from_utf8(bytes) {
            Ok(s) => (s.to_string(), false),
            Err(_) => (String::from_utf8_lossy(bytes).into_owned(), true),
        },
    }
}

/// The PEP 263 encoding named in the first two lines, lower-cased with `_` as `-`.
fn coding_cookie(bytes: &[u8]) -> Option<String> {
    for line in bytes.split(|&b| b == b'\n').take(2) {
        let line = String::from_utf8_lossy(line);
        let trimmed = line.trim_start();
        if !trimmed.starts_with('#') {
            continue;
        }
        if let Some(pos) = trimmed.find("coding") {
            let rest = &trimmed[pos + 6..];
            let rest = rest.strip_prefix([':', '=']).unwrap_or("");
            let name: String = rest
                .trim_start()
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
                .collect();
            if !name.is_empty() {
                return Some(name.to_ascii_lowercase().replace('_', "-"));
            }
        }
    }
    None
}

/// Deepest nesting of brackets, ignoring those in strings and comments (roughly: enough to
/// refuse files built to exhaust a recursive parser; CPython refuses more than 200).
pub fn bracket_depth(text: &str) -> usize {
    // Bytes that change the state outside strings; everything else is skipped in a tight loop.
    const SPECIAL: [bool; 256] = {
        let mut t = [false; 256];
        let mut i = 0;
        while i < 9 {
            t[b"()[]{}\"'#"[i] as usize] = true;
            i += 1;
        }
        t
    };
    let (mut depth, mut max) = (0usize, 0usize);
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if !SPECIAL[bytes[i] as usize] {
            i += 1;
            continue;
        }
        match bytes[i] {
            b'(' | b'[' | b'{' => {
                depth += 1;
                max = max.max(depth);
            }
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            b'#' => i += memchr::memchr(b'\n', &bytes[i..]).unwrap_or(bytes.len() - i),
            q => {
                // A string (a triple quote reads as three strings, which balances out): skip
                // to the closing quote, stepping over escapes.
                i += 1;
                loop {
                    match bytes
                        .get(i..)
                        .and_then(|rest| memchr::memchr2(q, b'\\', rest))
                    {
                        Some(off) if bytes[i + off] == q => {
                            i += off;
                            break;
                        }
                        Some(off) => i += off + 2,
                        // Unterminated: the rest of the file is the string.
                        None => return max,
                    }
                }
            }
        }
        i += 1;
    }
    max
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latin1_cookie_is_honoured() {
        let (text, lossy) = decode(b"# -*- coding: latin-1 -*-\nx = '\xe9'\n");
        assert!(text.contains('é'));
        assert!(!lossy);
    }

    #[test]
    fn broken_utf8_is_lossy_not_fatal() {
        let (text, lossy) = decode(b"x = '\xff\xfe'\nimport os\n");
        assert!(lossy);
        assert!(text.contains("import os"));
    }

    #[test]
    fn depth_ignores_brackets_in_strings() {
        assert_eq!(bracket_depth("f((1), '(((((')"), 2);
        assert_eq!(bracket_depth(&"(".repeat(500)), 500);
    }
}

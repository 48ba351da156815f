//! Which archive format bytes are, from magic numbers (names lie: corpora hold wheels named
//! `.tar.gz` and xz data named `.tar.gz`).

use std::io::Read;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Tar,
    TarGz,
    TarBz2,
    TarXz,
    Zip,
    /// gzip that does not hold a tar.
    Gzip,
    Unknown,
}

pub fn detect_format(bytes: &[u8]) -> Format {
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        return Format::Zip;
    }
    let peek = |r: &mut dyn Read| -> Vec<u8> {
        let mut head = Vec::with_capacity(512);
        let _ = r.take(512).read_to_end(&mut head);
        head
    };
    if bytes.starts_with(&[0x1f, 0x8b]) {
        let head = peek(&mut flate2::read::MultiGzDecoder::new(bytes));
        return if is_tar(&head) {
            Format::TarGz
        } else {
            Format::Gzip
        };
    }
    if bytes.starts_with(b"BZh") {
        let head = peek(&mut bzip2::read::MultiBzDecoder::new(bytes));
        return if is_tar(&head) {
            Format::TarBz2
        } else {
            Format::Unknown
        };
    }
    if bytes.starts_with(&[0xfd, b'7', b'z', b'X', b'Z', 0]) {
        let head = peek(&mut lzma_rust2::XzReader::new(bytes, true));
        return if is_tar(&head) {
            Format::TarXz
        } else {
            Format::Unknown
        };
    }
    if is_tar(bytes) {
        Format::Tar
    } else {
        Format::Unknown
    }
}

/// A tar header: "ustar" magic, or a valid v7 header checksum.
pub fn is_tar(h: &[u8]) -> bool {
    if h.len() < 512 {
        return false;
    }
    if &h[257..262] == b"ustar" {
        return true;
    }
    let field = std::str::from_utf8(&h[148..156]).unwrap_or("");
    let Ok(stored) = u32::from_str_radix(field.trim_matches(|c: char| c == '\0' || c == ' '), 8)
    else {
        return false;
    };
    let sum: u32 = h[..512]
        .iter()
        .enumerate()
        .map(|(i, &b)| {
            if (148..156).contains(&i) {
                32
            } else {
                b as u32
            }
        })
        .sum();
    stored == sum && h[0] != 0
}

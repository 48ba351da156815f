//! Decompressors matching Python's `zlib`, `gzip`, `bz2` and `lzma` modules. Each reads
//! through a cap one byte past [`MAX_DECODED`], so a bomb costs at most that much memory and
//! the time to produce it, and is told apart from a payload that fits.

use std::io::Read;

use super::{DecodeError, MAX_DECODED};

/// The first bytes of a gzip member.
const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];
/// The first bytes of an .xz stream.
const XZ_MAGIC: [u8; 6] = [0xfd, b'7', b'z', b'X', b'Z', 0];

/// `zlib.decompress`: a zlib stream (the default `wbits`); without a zlib header, a gzip
/// member or raw deflate, since malware passes `wbits=-15`, `31` or `47` as well. Data after
/// the end of the stream is ignored, as Python does.
pub fn zlib_decompress(data: &[u8]) -> Result<Vec<u8>, DecodeError> {
    if has_zlib_header(data) {
        match read_capped(flate2::read::ZlibDecoder::new(data)) {
            // Two bytes can pass the header check by chance: try the other framings.
            Err(DecodeError::Invalid) => {}
            done => return done,
        }
    }
    if data.starts_with(&GZIP_MAGIC) {
        return gzip_decompress(data);
    }
    read_capped(flate2::read::DeflateDecoder::new(data))
}

/// `gzip.decompress`: one or more concatenated gzip members.
pub fn gzip_decompress(data: &[u8]) -> Result<Vec<u8>, DecodeError> {
    if data.is_empty() {
        // Python gives b"" for no members at all; the decoder calls it a bad header.
        return Ok(Vec::new());
    }
    read_capped(flate2::read::MultiGzDecoder::new(data))
}

/// `bz2.decompress`: one or more concatenated bzip2 streams.
pub fn bz2_decompress(data: &[u8]) -> Result<Vec<u8>, DecodeError> {
    if data.is_empty() {
        // Python gives b"" for no stream at all.
        return Ok(Vec::new());
    }
    read_capped(bzip2::read::MultiBzDecoder::new(data))
}

/// `lzma.decompress` with its default `FORMAT_AUTO`: an .xz file (streams may be
/// concatenated) or a legacy .lzma ("alone") file. The reader grows its dictionary with the
/// output rather than allocating the size a hostile header declares, so the cap bounds
/// memory here too.
pub fn lzma_decompress(data: &[u8]) -> Result<Vec<u8>, DecodeError> {
    if data.starts_with(&XZ_MAGIC) {
        return read_capped(lzma_rust2::XzReader::new(data, true));
    }
    let reader = lzma_rust2::LzmaReader::new_mem_limit(data, u32::MAX, None)
        .map_err(|_| DecodeError::Invalid)?;
    read_capped(reader)
}

/// A zlib header: deflate method and a check that makes the two bytes a multiple of 31.
fn has_zlib_header(data: &[u8]) -> bool {
    match data {
        [cmf, flg, ..] => {
            cmf & 0x0f == 8 && cmf >> 4 <= 7 && (u16::from(*cmf) << 8 | u16::from(*flg)) % 31 == 0
        }
        _ => false,
    }
}

/// Everything `reader` yields, read through a cap of [`MAX_DECODED`] + 1 bytes: reaching it
/// is [`DecodeError::TooLarge`], any read error (corrupt or truncated stream) is
/// [`DecodeError::Invalid`].
fn read_capped(reader: impl Read) -> Result<Vec<u8>, DecodeError> {
    let mut out = Vec::new();
    reader
        .take(MAX_DECODED as u64 + 1)
        .read_to_end(&mut out)
        .map_err(|_| DecodeError::Invalid)?;
    if out.len() > MAX_DECODED {
        return Err(DecodeError::TooLarge);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    /// Decodes a hex fixture produced by CPython 3.11.
    fn hex(text: &str) -> Vec<u8> {
        crate::hex_decode(text).expect("valid hex fixture")
    }

    type Decompress = fn(&[u8]) -> Result<Vec<u8>, DecodeError>;

    const PAYLOAD: &[u8] = b"exec(payload)";
    /// `zlib.compress(b"exec(payload)")`
    const ZLIB: &str = "789c4bad484dd62848acccc94f4cd10400235404e1";
    /// The same with `wbits=-15`.
    const RAW: &str = "4bad484dd62848acccc94f4cd10400";
    /// `gzip.compress(b"exec(payload)", mtime=0)`
    const GZIP: &str = "1f8b08000000000002034bad484dd62848acccc94f4cd104007e1d99840d000000";
    /// `bz2.compress(b"exec(payload)")`
    const BZ2: &str = "425a6839314159265359089b8582000003918000602e04c0602000220064d08069a68ab040e292ddf177245385090089b85820";
    /// `lzma.compress(b"exec(payload)")`
    const XZ: &str = "fd377a585a000004e6d6b4460200210116000000742fe5a301000c65786563287061796c6f61642900000000ea1c472dc1a00d7e0001250d7119c4b61fb6f37d010000000004595a";
    /// `lzma.compress(b"exec(payload)", format=lzma.FORMAT_ALONE)`
    const ALONE: &str =
        "5d00008000ffffffffffffffff00329e08cdac975b8098552ca031e7f179b4ffffb9700000";

    fn zeros(n: usize) -> Vec<u8> {
        vec![0; n]
    }

    fn zlib_of(data: &[u8]) -> Vec<u8> {
        let mut enc = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
        enc.write_all(data).unwrap();
        enc.finish().unwrap()
    }

    fn gzip_of(data: &[u8]) -> Vec<u8> {
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        enc.write_all(data).unwrap();
        enc.finish().unwrap()
    }

    fn bz2_of(data: &[u8]) -> Vec<u8> {
        let mut enc = bzip2::write::BzEncoder::new(Vec::new(), bzip2::Compression::best());
        enc.write_all(data).unwrap();
        enc.finish().unwrap()
    }

    fn xz_of(data: &[u8]) -> Vec<u8> {
        let options = lzma_rust2::XzOptions::with_preset(1);
        let mut enc = lzma_rust2::XzWriter::new(Vec::new(), options).unwrap();
        enc.write_all(data).unwrap();
        enc.finish().unwrap()
    }

    fn alone_of(data: &[u8]) -> Vec<u8> {
        let options = lzma_rust2::LzmaOptions::with_preset(1);
        let mut enc = lzma_rust2::LzmaWriter::new_use_header(Vec::new(), &options, None).unwrap();
        enc.write_all(data).unwrap();
        enc.finish().unwrap()
    }

    #[test]
    fn python_fixtures() {
        assert_eq!(zlib_decompress(&hex(ZLIB)).unwrap(), PAYLOAD);
        assert_eq!(zlib_decompress(&hex(RAW)).unwrap(), PAYLOAD);
        assert_eq!(zlib_decompress(&hex(GZIP)).unwrap(), PAYLOAD);
        assert_eq!(gzip_decompress(&hex(GZIP)).unwrap(), PAYLOAD);
        assert_eq!(bz2_decompress(&hex(BZ2)).unwrap(), PAYLOAD);
        assert_eq!(lzma_decompress(&hex(XZ)).unwrap(), PAYLOAD);
        assert_eq!(lzma_decompress(&hex(ALONE)).unwrap(), PAYLOAD);
    }

    #[test]
    fn trailing_data_and_concatenation() {
        let mut zlib = hex(ZLIB);
        zlib.extend_from_slice(b"junk");
        assert_eq!(zlib_decompress(&zlib).unwrap(), PAYLOAD);
        let gzip = [hex(GZIP), hex(GZIP)].concat();
        assert_eq!(gzip_decompress(&gzip).unwrap(), [PAYLOAD, PAYLOAD].concat());
        let bz2 = [hex(BZ2), hex(BZ2)].concat();
        assert_eq!(bz2_decompress(&bz2).unwrap(), [PAYLOAD, PAYLOAD].concat());
        let xz = [hex(XZ), hex(XZ)].concat();
        assert_eq!(lzma_decompress(&xz).unwrap(), [PAYLOAD, PAYLOAD].concat());
    }

    #[test]
    fn truncated_streams_are_invalid() {
        for (fixture, decompress) in [
            (ZLIB, zlib_decompress as Decompress),
            (RAW, zlib_decompress),
            (GZIP, gzip_decompress),
            (BZ2, bz2_decompress),
            (XZ, lzma_decompress),
            (ALONE, lzma_decompress),
        ] {
            let data = hex(fixture);
            for cut in [1, 2, 5, data.len() / 2, data.len() - 1] {
                assert_eq!(
                    decompress(&data[..cut]),
                    Err(DecodeError::Invalid),
                    "{fixture} cut at {cut}"
                );
            }
        }
    }

    #[test]
    fn corrupt_streams_are_invalid() {
        let decompressors: [Decompress; 4] = [
            zlib_decompress,
            gzip_decompress,
            bz2_decompress,
            lzma_decompress,
        ];
        for decompress in decompressors {
            assert_eq!(
                decompress(b"not compressed at all"),
                Err(DecodeError::Invalid)
            );
            assert_eq!(decompress(&[0xff; 64]), Err(DecodeError::Invalid));
        }
        assert_eq!(zlib_decompress(b""), Err(DecodeError::Invalid));
        assert_eq!(gzip_decompress(b""), Ok(Vec::new()));
        assert_eq!(bz2_decompress(b""), Ok(Vec::new()));
        assert_eq!(lzma_decompress(b""), Err(DecodeError::Invalid));
        // A flipped byte inside each payload breaks its checksum or its coding.
        for (fixture, decompress) in [
            (ZLIB, zlib_decompress as Decompress),
            (GZIP, gzip_decompress),
            (BZ2, bz2_decompress),
            (XZ, lzma_decompress),
        ] {
            let mut data = hex(fixture);
            let at = data.len() - 6;
            data[at] ^= 0x55;
            assert_eq!(decompress(&data), Err(DecodeError::Invalid), "{fixture}");
        }
    }

    #[test]
    fn hostile_lzma_header_allocates_nothing_declared() {
        // Largest properties byte and a 4 GiB dictionary, then garbage.
        let mut data = vec![224, 0xff, 0xff, 0xff, 0xff];
        data.extend_from_slice(&u64::MAX.to_le_bytes());
        data.extend_from_slice(&[0x55; 64]);
        assert_eq!(lzma_decompress(&data), Err(DecodeError::Invalid));
        // A properties byte no encoder writes.
        let mut bad_props = hex(ALONE);
        bad_props[0] = 225;
        assert_eq!(lzma_decompress(&bad_props), Err(DecodeError::Invalid));
    }

    #[test]
    fn payload_at_the_cap_is_kept() {
        let at_cap = zeros(MAX_DECODED);
        assert_eq!(
            zlib_decompress(&zlib_of(&at_cap)).unwrap().len(),
            MAX_DECODED
        );
        assert_eq!(lzma_decompress(&xz_of(&at_cap)).unwrap().len(), MAX_DECODED);
    }

    #[test]
    fn bombs_stop_at_the_cap() {
        let past_cap = zeros(MAX_DECODED + 1);
        let zlib = zlib_of(&past_cap);
        assert_eq!(zlib_decompress(&zlib), Err(DecodeError::TooLarge));
        // The same bomb as raw deflate (zlib header and trailer cut off).
        let raw = &zlib[2..zlib.len() - 4];
        assert_eq!(zlib_decompress(raw), Err(DecodeError::TooLarge));
        let gzip = gzip_of(&past_cap);
        assert_eq!(gzip_decompress(&gzip), Err(DecodeError::TooLarge));
        assert_eq!(zlib_decompress(&gzip), Err(DecodeError::TooLarge));
        assert_eq!(
            bz2_decompress(&bz2_of(&past_cap)),
            Err(DecodeError::TooLarge)
        );
        assert_eq!(
            lzma_decompress(&xz_of(&past_cap)),
            Err(DecodeError::TooLarge)
        );
        assert_eq!(
            lzma_decompress(&alone_of(&past_cap)),
            Err(DecodeError::TooLarge)
        );
    }

    #[test]
    fn many_small_members_add_up_to_the_cap() {
        // 1 KiB members, concatenated past the cap: the total is what is bounded.
        let member = gzip_of(&zeros(1024));
        let gzip = member.repeat(MAX_DECODED / 1024 + 1);
        assert_eq!(gzip_decompress(&gzip), Err(DecodeError::TooLarge));
    }

    #[test]
    fn zlib_header_check() {
        assert!(has_zlib_header(&[0x78, 0x9c]));
        assert!(has_zlib_header(&[0x78, 0x01]));
        assert!(!has_zlib_header(&[0x78, 0x9d]));
        assert!(!has_zlib_header(&GZIP_MAGIC));
        assert!(!has_zlib_header(&[0x78]));
    }
}

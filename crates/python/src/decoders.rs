//! Decoders the folder and the deobfuscator apply to constants, written here so that nothing
//! scanned is run and no decoding library sees hostile input unbounded.
//!
//! Every input is crafted by a malware author: each function is bounded in time and memory
//! (output past [`MAX_DECODED`] is refused, decompressors read through a cap) and reports
//! malformed input as a value, never as a panic.

mod compress;
mod crypto;
mod text;

pub use compress::{bz2_decompress, gzip_decompress, lzma_decompress, zlib_decompress};
pub use crypto::{aes_decrypt, fernet_decrypt, xor};
pub use text::{
    a85_decode, base32_decode, base64_decode, base85_decode, likely_base64_text, rot13,
};

/// Largest decoded output kept (a bigger payload is left to the deobfuscator).
pub const MAX_DECODED: usize = 4 << 20;

/// Why a decompressor gave no payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DecodeError {
    /// Not a stream of the format, truncated or corrupt: nothing to report.
    Invalid,
    /// The output would pass [`MAX_DECODED`]: a bomb, or a payload too big to follow, which
    /// the caller reports rather than drops.
    TooLarge,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small deterministic generator (xorshift), so failures replay.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }

        fn below(&mut self, n: usize) -> usize {
            (self.next() % n.max(1) as u64) as usize
        }
    }

    /// Valid inputs of each format, mutated below.
    fn seeds() -> Vec<Vec<u8>> {
        let hex = |text: &str| -> Vec<u8> {
            (0..text.len())
                .step_by(2)
                .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
                .collect()
        };
        vec![
            hex("789c4bad484dd62848acccc94f4cd10400235404e1"),
            hex("1f8b08000000000002034bad484dd62848acccc94f4cd104007e1d99840d000000"),
            hex(
                "425a6839314159265359089b8582000003918000602e04c0602000220064d08069a68ab040e292ddf177245385090089b85820",
            ),
            hex(
                "fd377a585a000004e6d6b4460200210116000000742fe5a301000c65786563287061796c6f61642900000000ea1c472dc1a00d7e0001250d7119c4b61fb6f37d010000000004595a",
            ),
            hex("5d00008000ffffffffffffffff00329e08cdac975b8098552ca031e7f179b4ffffb9700000"),
            b"NBSWY3DPEB3W64TMMQQQ====".to_vec(),
            b"<~z@:E^BOu!rD]j7BEbo80~>".to_vec(),
            b"Xk~0{Zy<MXa%^NF".to_vec(),
            b"gAAAAABrCnihb_4Yz7FftcCRXiFQSKxugipfXnJjphPmMWvqlyzTLG0tgFk9fdNtdNwV35nEMFBkfFy9HFG65FN6NHaPWw3pIkFjCOY3vzOaz5cdECKphOY=".to_vec(),
        ]
    }

    /// Flips, inserts, deletes and truncates bytes of valid inputs and feeds every decoder:
    /// hostile input must give a value, never a panic or a hang.
    #[test]
    fn mutated_input_never_panics() {
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        let key = b"gBwzvDRTaHVKsQxSIjrIpLdqE-ge1hc0joVW7mJJRzM=";
        for seed in seeds() {
            for _ in 0..400 {
                let mut data = seed.clone();
                for _ in 0..=rng.below(4) {
                    let at = rng.below(data.len());
                    match rng.below(4) {
                        0 if !data.is_empty() => data[at] ^= 1 << rng.below(8),
                        1 => data.insert(at, rng.next() as u8),
                        2 if !data.is_empty() => drop(data.remove(at)),
                        _ => data.truncate(at),
                    }
                }
                let _ = zlib_decompress(&data);
                let _ = gzip_decompress(&data);
                let _ = bz2_decompress(&data);
                let _ = lzma_decompress(&data);
                let _ = base32_decode(&data);
                let _ = base64_decode(&data);
                let _ = base85_decode(&data);
                let _ = a85_decode(&data);
                let _ = fernet_decrypt(key, &data);
                let _ = fernet_decrypt(&data, &data);
                let _ = aes_decrypt(&data[..data.len().min(16)], Some(&[0; 16]), &data);
                let _ = xor(&data, &data[..data.len().min(3)]);
                let _ = rot13(&String::from_utf8_lossy(&data));
            }
        }
    }
}

//! The ciphers droppers hide payloads with: repeating-key XOR, Fernet (`cryptography`) and
//! AES (`pycryptodome`). Output is never larger than the input, so the input bounds them.

use aes::cipher::{
    BlockCipher, BlockDecrypt, BlockDecryptMut, BlockSizeUser, InnerIvInit, KeyInit, consts::U16,
    generic_array::GenericArray,
};
use hmac::{Hmac, Mac};
use sha2::Sha256;

use super::base64_decode;

/// AES block size in bytes.
const BLOCK: usize = 16;

/// `bytes(b ^ key[i % len(key)] for i, b in enumerate(data))`; an empty key leaves `data`
/// as it is rather than dividing by zero.
pub fn xor(data: &[u8], key: &[u8]) -> Vec<u8> {
    if key.is_empty() {
        return data.to_vec();
    }
    data.iter()
        .zip(key.iter().cycle())
        .map(|(d, k)| d ^ k)
        .collect()
}

/// `Fernet(key).decrypt(token)` from `cryptography`, without a time-to-live check: `key` is
/// the url-safe base64 of 32 bytes (signing key, then encryption key), `token` the url-safe
/// base64 of version `0x80`, timestamp (8), IV (16), AES-128-CBC ciphertext and
/// HMAC-SHA256 (32). `None` wherever Python raises `InvalidToken`, a failed HMAC included:
/// a payload is only reported when the key in the file really opens it.
pub fn fernet_decrypt(key: &[u8], token: &[u8]) -> Option<Vec<u8>> {
    let key = base64_decode(key)?;
    let (signing_key, encryption_key) = <&[u8; 32]>::try_from(key.as_slice()).ok()?.split_at(16);
    let token = base64_decode(token)?;
    let (signed, tag) = token.split_at_checked(token.len().checked_sub(32)?)?;
    if signed.len() < 1 + 8 + BLOCK || signed[0] != 0x80 {
        return None;
    }
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(signing_key).ok()?;
    mac.update(signed);
    mac.verify_slice(tag).ok()?;
    let (iv, ciphertext) = signed[1 + 8..].split_at(BLOCK);
    let padded = decrypt_blocks(encryption_key, Some(iv), ciphertext)?;
    pkcs7_unpadded(&padded).map(<[u8]>::to_vec)
}

/// `AES.new(key, AES.MODE_CBC, iv).decrypt(data)` (or `MODE_ECB` without an IV) from
/// `pycryptodome`, AES-128/192/256 chosen by the key length. PKCS7 padding is stripped when
/// valid and kept otherwise, since the script may unpad itself or not at all. `None` for a
/// key, IV or data length AES refuses.
pub fn aes_decrypt(key: &[u8], iv: Option<&[u8]>, data: &[u8]) -> Option<Vec<u8>> {
    let mut plain = decrypt_blocks(key, iv, data)?;
    if let Some(unpadded) = pkcs7_unpadded(&plain) {
        plain.truncate(unpadded.len());
    }
    Some(plain)
}

/// Decrypts whole blocks with the AES variant `key` selects: CBC with `iv`, else ECB.
fn decrypt_blocks(key: &[u8], iv: Option<&[u8]>, data: &[u8]) -> Option<Vec<u8>> {
    if !data.len().is_multiple_of(BLOCK) {
        return None;
    }
    let mut out = data.to_vec();
    match key.len() {
        16 => decrypt_in_place::<aes::Aes128>(key, iv, &mut out)?,
        24 => decrypt_in_place::<aes::Aes192>(key, iv, &mut out)?,
        32 => decrypt_in_place::<aes::Aes256>(key, iv, &mut out)?,
        _ => return None,
    }
    Some(out)
}

/// Decrypts `data` (a whole number of blocks) in place with cipher `C`.
fn decrypt_in_place<C>(key: &[u8], iv: Option<&[u8]>, data: &mut [u8]) -> Option<()>
where
    C: BlockCipher + BlockDecrypt + KeyInit + BlockSizeUser<BlockSize = U16>,
{
    let cipher = C::new_from_slice(key).ok()?;
    let blocks = data
        .chunks_exact_mut(BLOCK)
        .map(GenericArray::from_mut_slice);
    match iv {
        Some(iv) => {
            let mut cbc = cbc::Decryptor::<C>::inner_iv_slice_init(cipher, iv).ok()?;
            blocks.for_each(|block| cbc.decrypt_block_mut(block));
        }
        None => blocks.for_each(|block| cipher.decrypt_block(block)),
    }
    Some(())
}

/// `data` without its PKCS7 padding, `None` when the padding is not valid (including empty
/// data, which has none).
fn pkcs7_unpadded(data: &[u8]) -> Option<&[u8]> {
    let &last = data.last()?;
    let pad = usize::from(last);
    if pad == 0 || pad > BLOCK || pad > data.len() {
        return None;
    }
    let (body, padding) = data.split_at(data.len() - pad);
    padding.iter().all(|&b| b == last).then_some(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Decodes a hex fixture produced by CPython 3.11.
    fn hex(text: &str) -> Vec<u8> {
        crate::hex_decode(text).expect("valid hex fixture")
    }

    /// Made with `cryptography` 48 (Python 3.11): `Fernet.generate_key()`, then
    /// `Fernet(KEY).encrypt(PLAIN)`.
    const KEY: &[u8] = b"gBwzvDRTaHVKsQxSIjrIpLdqE-ge1hc0joVW7mJJRzM=";
    const TOKEN: &[u8] = b"gAAAAABrCnihb_4Yz7FftcCRXiFQSKxugipfXnJjphPmMWvqlyzTLG0tgFk9fdNtdNwV35nEMFBkfFy9HFG65FN6NHaPWw3pIkFjCOY3vzOaz5cdECKphOY=";
    const PLAIN: &[u8] = b"import os; os.system('id')";

    #[test]
    fn xor_repeats_the_key() {
        assert_eq!(xor(b"abc", b"\x01"), b"`cb");
        assert_eq!(xor(&xor(b"payload", b"key"), b"key"), b"payload");
        assert_eq!(xor(b"abcd", b"\x01\x02"), [0x60, 0x60, 0x62, 0x66]);
        assert_eq!(xor(b"data", b""), b"data");
        assert_eq!(xor(b"", b"key"), b"");
    }

    #[test]
    fn fernet_real_token() {
        assert_eq!(fernet_decrypt(KEY, TOKEN).unwrap(), PLAIN);
        // Keys and tokens also arrive as text without their padding.
        let key = KEY.strip_suffix(b"=").unwrap();
        let token = TOKEN.strip_suffix(b"=").unwrap();
        assert_eq!(fernet_decrypt(key, token).unwrap(), PLAIN);
    }

    #[test]
    fn fernet_refuses_what_python_refuses() {
        // Any flipped token byte fails the HMAC (or the version check).
        let raw = base64_decode(TOKEN).unwrap();
        let other_key = b"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
        assert!(fernet_decrypt(other_key, TOKEN).is_none(), "wrong key");
        for at in [0, 5, 20, 40, raw.len() - 1] {
            let mut bad = raw.clone();
            bad[at] ^= 1;
            let token = encode_urlsafe(&bad);
            assert!(fernet_decrypt(KEY, token.as_bytes()).is_none(), "byte {at}");
        }
        assert!(
            fernet_decrypt(b"short", TOKEN).is_none(),
            "key not 32 bytes"
        );
        assert!(fernet_decrypt(&KEY[..40], TOKEN).is_none(), "key cut");
        assert!(fernet_decrypt(KEY, b"gAAAAA$$").is_none(), "not base64");
        assert!(fernet_decrypt(KEY, b"").is_none(), "empty");
        assert!(fernet_decrypt(KEY, &TOKEN[..40]).is_none(), "cut");
        let short = encode_urlsafe(&[0x80; 40]);
        assert!(fernet_decrypt(KEY, short.as_bytes()).is_none(), "too short");
    }

    #[test]
    fn fernet_signed_but_malformed() {
        // Made with Python: valid HMAC over a body `cryptography` still refuses.
        for token in [
            // A block whose last byte is 0: bad padding.
            &b"gAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAPNX1MP4z6-q37veWOu2IjMrm5o6RsU4P3Ifzyxrr4y0MdzSqg-JLKq5UYtbYbJBqg=="[..],
            // 15 bytes of ciphertext: not whole blocks.
            b"gAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEBAQEBAQEBAQEBAQEBAWPMMwnSg1TTNRju1rx1hq1ZpnDGbsFSzPj3uMjLvsl1",
            // No ciphertext.
            b"gAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAB5-ZntE6NTqJQRm_QRxZpi0zOtO6SuWRji2ywjFy4G1",
        ] {
            assert!(fernet_decrypt(KEY, token).is_none());
        }
    }

    #[test]
    fn aes_fips197_vectors() {
        // FIPS-197 appendix C: one block, no padding to strip, so it is kept.
        let plain = hex("00112233445566778899aabbccddeeff");
        let key128 = hex("000102030405060708090a0b0c0d0e0f");
        let ct128 = hex("69c4e0d86a7b0430d8cdb78070b4c55a");
        assert_eq!(aes_decrypt(&key128, None, &ct128).unwrap(), plain);
        let key192 = hex("000102030405060708090a0b0c0d0e0f1011121314151617");
        let ct192 = hex("dda97ca4864cdfe06eaf70a0ec0d7191");
        assert_eq!(aes_decrypt(&key192, None, &ct192).unwrap(), plain);
        let key256 = hex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
        let ct256 = hex("8ea2b7ca516745bfeafc49904b496089");
        assert_eq!(aes_decrypt(&key256, None, &ct256).unwrap(), plain);
    }

    #[test]
    fn aes_python_vectors() {
        // Made with `cryptography`: PKCS7-padded b"print('pwned')", key bytes(range(n)),
        // IV bytes(range(16, 32)).
        let iv: Vec<u8> = (16..32).collect();
        let key = |n: u8| (0..n).collect::<Vec<u8>>();
        let cbc128 = hex("616ff706d86d5ad61c031cfc8d5e0fbe");
        assert_eq!(
            aes_decrypt(&key(16), Some(&iv), &cbc128).unwrap(),
            b"print('pwned')"
        );
        let cbc192 = hex("7adc15ba7a929aa986e6d1876d5ad8ff");
        assert_eq!(
            aes_decrypt(&key(24), Some(&iv), &cbc192).unwrap(),
            b"print('pwned')"
        );
        let ecb256 = hex("20761a40e318ed5cb806dfadb458e349");
        assert_eq!(
            aes_decrypt(&key(32), None, &ecb256).unwrap(),
            b"print('pwned')"
        );
        // The wrong IV garbles the first block only; padding is still stripped.
        let wrong = aes_decrypt(&key(16), Some(&[0; 16]), &cbc128).unwrap();
        assert_ne!(wrong, b"print('pwned')");
    }

    #[test]
    fn aes_malformed() {
        let key = [7u8; 16];
        assert!(
            aes_decrypt(&[0; 15], None, &[0; 16]).is_none(),
            "key length"
        );
        assert!(
            aes_decrypt(&[0; 33], None, &[0; 16]).is_none(),
            "key length"
        );
        assert!(aes_decrypt(&key, None, &[0; 17]).is_none(), "partial block");
        assert!(
            aes_decrypt(&key, Some(&[0; 8]), &[0; 16]).is_none(),
            "IV length"
        );
        assert_eq!(aes_decrypt(&key, None, &[]).unwrap(), b"");
        assert_eq!(aes_decrypt(&key, Some(&[0; 16]), &[]).unwrap(), b"");
    }

    #[test]
    fn pkcs7_rules() {
        assert_eq!(pkcs7_unpadded(b"abc\x01").unwrap(), b"abc");
        assert_eq!(pkcs7_unpadded(&[16; 16]).unwrap(), b"");
        assert!(pkcs7_unpadded(b"abc\x00").is_none());
        assert!(pkcs7_unpadded(b"ab\x01\x02").is_none());
        assert!(pkcs7_unpadded(&[17; 32]).is_none());
        assert!(pkcs7_unpadded(b"\x05").is_none());
        assert!(pkcs7_unpadded(b"").is_none());
    }

    /// URL-safe base64 with padding, for building altered tokens.
    fn encode_urlsafe(data: &[u8]) -> String {
        const ALPHABET: &[u8; 64] =
            b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        let mut out = String::new();
        for chunk in data.chunks(3) {
            let n = chunk
                .iter()
                .enumerate()
                .fold(0u32, |acc, (i, &b)| acc | u32::from(b) << (16 - 8 * i));
            for i in 0..4 {
                if i <= chunk.len() {
                    out.push(char::from(ALPHABET[(n >> (18 - 6 * i) & 63) as usize]));
                } else {
                    out.push('=');
                }
            }
        }
        out
    }

    #[test]
    fn test_encoder_round_trips() {
        for data in [&b""[..], b"a", b"ab", b"abc", b"\xfb\xff\xfe\x80"] {
            assert_eq!(
                base64_decode(encode_urlsafe(data).as_bytes()).unwrap(),
                data
            );
        }
    }
}

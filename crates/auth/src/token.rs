//! Session tokens, the one-time setup token, server key derivation and constant-time comparison.
//!
//! A session token is 32 random bytes (256 bits) in base64url without padding: the cookie value.
//! The database stores only [`token_hash`] of it (SHA-256, hex), so a leaked database or backup
//! holds no usable session; a plain hash suffices because the token is random, not guessable.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::Fill;
use crate::text::{crockford_canonical, crockford_grouped};

/// Length of a session token: 32 bytes in base64url without padding.
pub const SESSION_TOKEN_LEN: usize = 43;

/// Characters in a setup token, hyphens not counted: 24 Crockford base32 characters, 120 bits.
pub const SETUP_TOKEN_CHARS: usize = 24;

/// A new session token: 32 bytes from `fill`, base64url without padding (43 characters, safe in a
/// cookie and a URL).
pub fn new_session_token(fill: &mut Fill) -> String {
    let mut bytes = [0u8; 32];
    fill(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Whether a cookie value has a session token's shape (43 base64url characters). Check it before
/// hashing and looking up what a client sent.
pub fn is_well_formed_session_token(token: &str) -> bool {
    token.len() == SESSION_TOKEN_LEN && token.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// What the database stores for a session token (and looks sessions up by): SHA-256 of the token's
/// text, 64 lower-case hex characters.
pub fn token_hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

/// A new one-time setup token, printed on the console at first start to create the first admin:
/// 24 Crockford base32 characters (120 bits) in groups of four, `xxxx-xxxx-xxxx-xxxx-xxxx-xxxx`,
/// unambiguous to read and type.
pub fn new_setup_token(fill: &mut Fill) -> String {
    crockford_grouped(SETUP_TOKEN_CHARS, fill)
}

/// Whether the typed `input` is the setup token `expected`, compared in constant time after
/// normalising both (case, spaces, hyphens, full-width characters, `o`/`i`/`l` as `0`/`1`/`1`).
pub fn verify_setup_token(input: &str, expected: &str) -> bool {
    match (crockford_canonical(input, SETUP_TOKEN_CHARS), crockford_canonical(expected, SETUP_TOKEN_CHARS)) {
        (Some(input), Some(expected)) => ct_eq(input.as_bytes(), expected.as_bytes()),
        _ => false,
    }
}

/// Constant-time equality of two byte strings (the length is not secret).
pub fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    a.ct_eq(b).into()
}

/// A 32-byte key for one `purpose` (e.g. `"csrf"`, `"recovery-code"`) derived from the server's
/// master secret: HMAC-SHA-256(master, "sansho/" + purpose). One secret to keep, and a key leaked
/// from one use says nothing about the others.
pub fn derive_key(master: &[u8], purpose: &str) -> [u8; 32] {
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(master).expect("HMAC accepts keys of any length");
    mac.update(b"sansho/");
    mac.update(purpose.as_bytes());
    mac.finalize().into_bytes().into()
}

/// Lower-case hex.
pub(crate) fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 15)]));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_rng::counter;

    #[test]
    fn session_tokens_are_32_bytes_base64url() {
        let token = new_session_token(&mut counter(0));
        assert_eq!(token.len(), SESSION_TOKEN_LEN);
        assert_eq!(URL_SAFE_NO_PAD.decode(&token).unwrap(), (0u8..32).collect::<Vec<_>>());
        assert!(is_well_formed_session_token(&token));
        assert_ne!(token, new_session_token(&mut counter(1)));
        // 0xfb.. bytes use both URL-safe symbols.
        let mut high = |buf: &mut [u8]| buf.fill(0xfb);
        let token = new_session_token(&mut high);
        assert!(token.contains('-') && token.contains('_'), "{token}");
        assert!(is_well_formed_session_token(&token));
    }

    #[test]
    fn malformed_session_tokens_are_recognised() {
        let token = new_session_token(&mut counter(0));
        assert!(!is_well_formed_session_token(""));
        assert!(!is_well_formed_session_token(&token[1..]));
        assert!(!is_well_formed_session_token(&format!("{token}A")));
        assert!(!is_well_formed_session_token(&format!("+{}", &token[1..])));
        assert!(!is_well_formed_session_token(&format!("{};", &token[1..])));
    }

    #[test]
    fn token_hash_is_sha256_hex() {
        // FIPS 180-2 test vector "abc".
        assert_eq!(token_hash("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        let token = new_session_token(&mut counter(9));
        assert_eq!(token_hash(&token).len(), 64);
        assert_ne!(token_hash(&token), token_hash(&new_session_token(&mut counter(10))));
    }

    #[test]
    fn setup_token_is_printable_and_forgiving() {
        let token = new_setup_token(&mut counter(0));
        assert_eq!(token, "0123-4567-89ab-cdef-ghjk-mnpq");
        assert!(verify_setup_token(&token, &token));
        assert!(verify_setup_token("0123 4567 89AB CDEF GHJK MNPQ", &token));
        assert!(verify_setup_token("O123456789abcdefghjkmnpq\n", &token));
        assert!(verify_setup_token("０１２３－４５６７－８９ａｂ－ｃｄｅｆ－ｇｈｊｋ－ｍｎｐｑ", &token));
        assert!(!verify_setup_token("0123-4567-89ab-cdef-ghjk-mnpr", &token));
        assert!(!verify_setup_token("0123-4567-89ab-cdef-ghjk", &token));
        assert!(!verify_setup_token("", &token));
        assert!(!verify_setup_token("", ""));
        let other = new_setup_token(&mut counter(77));
        assert!(!verify_setup_token(&other, &token));
    }

    #[test]
    fn constant_time_equality() {
        assert!(ct_eq(b"same", b"same"));
        assert!(!ct_eq(b"same", b"samE"));
        assert!(!ct_eq(b"same", b"same "));
        assert!(ct_eq(b"", b""));
    }

    #[test]
    fn derived_keys_differ_by_purpose_and_master() {
        let csrf = derive_key(b"master secret", "csrf");
        assert_eq!(csrf, derive_key(b"master secret", "csrf"));
        assert_ne!(csrf, derive_key(b"master secret", "recovery-code"));
        assert_ne!(csrf, derive_key(b"another master", "csrf"));
    }

    #[test]
    fn hex_encodes_lower_case() {
        assert_eq!(hex(&[0x00, 0x0f, 0xa5, 0xff]), "000fa5ff");
    }
}

//! Recovery codes: one-time codes a user prints or writes down when they enable TOTP, to log in
//! if the authenticator is lost.
//!
//! A code is 12 characters from Crockford's base32 alphabet (`0-9 a-z` without `i l o u`), shown
//! as `xxxx-xxxx-xxxx`: 60 random bits. Input is forgiving: case, spaces and hyphens do not
//! matter, full-width characters and the dashes a Japanese input method produces are folded, and
//! `o`/`i`/`l`, which the alphabet leaves out, are read as `0`/`1`/`1`.
//!
//! **Storage.** Codes are stored as HMAC-SHA-256 under a server key (a pepper), hex. Not argon2:
//! a code carries 60 bits from a CSPRNG, not a human choice, so there is no dictionary to slow
//! down; an attacker holding the database without the key cannot test a guess at all, and with it
//! still faces 2^60 HMACs per user. A deterministic hash also lets a login compute one HMAC and
//! compare it with the user's ten stored values, where argon2 would cost ten slow hashes (≈ 10 ×
//! 19 MiB and a quarter second or more) on every attempt. Each code is used once: the web layer
//! deletes (or marks used) the matched row in the same transaction that logs the user in.

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;

use crate::Fill;
use crate::text::{crockford_canonical, crockford_grouped};
use crate::token::hex;

/// How many codes a user gets.
pub const RECOVERY_CODE_COUNT: usize = 10;
/// Characters in a code, hyphens not counted.
pub const RECOVERY_CODE_LEN: usize = 12;

/// `n` new codes formatted `xxxx-xxxx-xxxx`, from `fill`. Show them once; store only
/// [`recovery_code_hash`] of each.
pub fn generate_recovery_codes(n: usize, fill: &mut Fill) -> Vec<String> {
    (0..n).map(|_| crockford_grouped(RECOVERY_CODE_LEN, fill)).collect()
}

/// The canonical form of a typed code — 12 lower-case alphabet characters, no hyphens — or `None`
/// when it cannot be a code (wrong length or a character outside the alphabet).
pub fn normalize_recovery_code(input: &str) -> Option<String> {
    crockford_canonical(input, RECOVERY_CODE_LEN)
}

/// What to store for a code: HMAC-SHA-256 under `key` of its canonical form, 64 hex characters.
/// `None` when `code` is not a well-formed code. `key` should be a server secret of 32 random
/// bytes kept outside the database, e.g. `derive_key(master, "recovery-code")`.
pub fn recovery_code_hash(key: &[u8], code: &str) -> Option<String> {
    let canonical = normalize_recovery_code(code)?;
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(key).expect("HMAC accepts keys of any length");
    mac.update(canonical.as_bytes());
    Some(hex(&mac.finalize().into_bytes()))
}

/// Which of a user's stored (unused) code hashes the typed `input` matches, if any. Every stored
/// hash is compared, in constant time, whatever the outcome.
pub fn find_recovery_code<S: AsRef<str>>(key: &[u8], input: &str, stored: &[S]) -> Option<usize> {
    let candidate = recovery_code_hash(key, input)?;
    let mut found = None;
    for (i, hash) in stored.iter().enumerate() {
        let equal: bool = candidate.as_bytes().ct_eq(hash.as_ref().as_bytes()).into();
        if equal && found.is_none() {
            found = Some(i);
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_rng::{counter, xorshift};

    const KEY: &[u8] = b"0123456789abcdef0123456789abcdef";

    #[test]
    fn ten_codes_in_groups_of_four() {
        let codes = generate_recovery_codes(RECOVERY_CODE_COUNT, &mut counter(0));
        assert_eq!(codes.len(), 10);
        // The counter filler yields bytes 0, 1, 2, …: the first code spells the alphabet's start.
        assert_eq!(codes[0], "0123-4567-89ab");
        assert_eq!(codes[1], "cdef-ghjk-mnpq");
        for code in &codes {
            assert_eq!(code.len(), 14, "{code}");
            assert_eq!(code.matches('-').count(), 2);
            assert_eq!(normalize_recovery_code(code).unwrap(), code.replace('-', ""));
        }
        let codes = generate_recovery_codes(RECOVERY_CODE_COUNT, &mut xorshift(42));
        let mut unique = codes.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), codes.len());
    }

    #[test]
    fn input_is_normalised() {
        let canonical = Some("0123456789ab".to_string());
        assert_eq!(normalize_recovery_code("0123-4567-89ab"), canonical);
        assert_eq!(normalize_recovery_code("0123 4567 89AB"), canonical);
        assert_eq!(normalize_recovery_code("  012345678 9ab\n"), canonical);
        // Full-width letters, digits and hyphen, an ideographic space, a katakana prolonged sound mark.
        assert_eq!(normalize_recovery_code("０１２３－４５６７\u{3000}８９ＡＢ"), canonical);
        assert_eq!(normalize_recovery_code("０１２３ー４５６７ー８９ａｂ"), canonical);
        // Letters the alphabet leaves out are read as the digits they resemble.
        assert_eq!(normalize_recovery_code("O123-4567-89ab"), canonical);
        assert_eq!(normalize_recovery_code("oI23-4567-89ab"), canonical);
        assert_eq!(normalize_recovery_code("0l23-4567-89ab"), canonical);
    }

    #[test]
    fn malformed_input_is_not_a_code() {
        assert_eq!(normalize_recovery_code(""), None);
        assert_eq!(normalize_recovery_code("0123-4567-89a"), None);
        assert_eq!(normalize_recovery_code("0123-4567-89abc"), None);
        assert_eq!(normalize_recovery_code("0123-4567-89au"), None);
        assert_eq!(normalize_recovery_code("0123-4567-89a!"), None);
        assert_eq!(normalize_recovery_code("０１２３－４５６７－８９あい"), None);
    }

    #[test]
    fn stored_hashes_match_typed_variants_only_under_the_same_key() {
        let codes = generate_recovery_codes(RECOVERY_CODE_COUNT, &mut counter(100));
        let stored: Vec<String> = codes.iter().map(|c| recovery_code_hash(KEY, c).unwrap()).collect();
        assert!(stored.iter().all(|h| h.len() == 64 && h.bytes().all(|b| b.is_ascii_hexdigit())));
        let third = &codes[2];
        let typed = third.to_uppercase().replace('-', " ");
        assert_eq!(find_recovery_code(KEY, &typed, &stored), Some(2));
        let full_width: String = third.chars().map(|c| char::from_u32(c as u32 + 0xFEE0).unwrap()).collect();
        assert_eq!(find_recovery_code(KEY, &full_width, &stored), Some(2));
        assert_eq!(find_recovery_code(b"another key", third, &stored), None);
        assert_eq!(find_recovery_code(KEY, "zzzz-zzzz-zzzz", &stored), None);
        assert_eq!(find_recovery_code(KEY, "not a code", &stored), None);
        // Once used (removed from the list), a code no longer matches.
        let remaining: Vec<&String> = stored.iter().enumerate().filter(|(i, _)| *i != 2).map(|(_, h)| h).collect();
        assert_eq!(find_recovery_code(KEY, third, &remaining), None);
    }
}

//! Password hashing (argon2id, PHC strings) and the password policy.
//!
//! The default cost is OWASP's recommended minimum for argon2id, m = 19 MiB, t = 2, p = 1 (OWASP
//! Password Storage Cheat Sheet). It was chosen over the stronger-memory variants (m = 46 MiB,
//! t = 1) because every concurrent hash holds m of memory and the server's budget is small
//! (the target is < 60 MB RSS): the web layer should bound concurrent hashing (a semaphore
//! of 1–2 permits), so a burst of logins queues instead of allocating 19 MiB each.

use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::{Algorithm, Argon2, Params, Version};
use serde::{Deserialize, Serialize};

use crate::Fill;

/// argon2 cost parameters. [`PasswordParams::DEFAULT`] is what production uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasswordParams {
    /// Memory in KiB.
    pub m_kib: u32,
    /// Passes over memory.
    pub t: u32,
    /// Lanes (parallelism).
    pub p: u32,
}

impl PasswordParams {
    /// argon2id m = 19456 KiB (19 MiB), t = 2, p = 1: OWASP's recommended minimum. About 20–40 ms
    /// of one core per hash or verification in a release build on current hardware, and 19 MiB of
    /// memory while it runs.
    pub const DEFAULT: PasswordParams = PasswordParams { m_kib: 19_456, t: 2, p: 1 };

    /// The cheapest parameters argon2 accepts, for tests only (a debug-build hash at the default
    /// cost takes seconds). Never store a hash made with these.
    pub const INSECURE_FOR_TESTS: PasswordParams = PasswordParams { m_kib: 8, t: 1, p: 1 };

    fn argon2(&self) -> Result<Argon2<'static>, PasswordError> {
        let params = Params::new(self.m_kib, self.t, self.p, Some(OUTPUT_LEN)).map_err(|_| PasswordError::Params)?;
        Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
    }
}

impl Default for PasswordParams {
    fn default() -> Self {
        Self::DEFAULT
    }
}

const SALT_LEN: usize = 16;
const OUTPUT_LEN: usize = 32;

/// Why a hash could not be made or a stored hash could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PasswordError {
    /// The argon2 parameters were refused.
    #[error("invalid argon2 parameters")]
    Params,
    /// The stored hash is not a PHC string argon2 can read.
    #[error("the stored password hash is not a valid PHC string: {0}")]
    MalformedHash(String),
    /// Hashing failed.
    #[error("argon2 failed: {0}")]
    Hash(String),
}

/// Hashes `password` with argon2id and a fresh 16-byte salt from `fill`, and returns the PHC string
/// (`$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>`), which carries its parameters so that
/// [`verify_password`] needs nothing else and [`needs_rehash`] can tell when they change.
pub fn hash_password(password: &str, params: &PasswordParams, fill: &mut Fill) -> Result<String, PasswordError> {
    let mut salt = [0u8; SALT_LEN];
    fill(&mut salt);
    let hash = params
        .argon2()?
        .hash_password_with_salt(password.as_bytes(), &salt)
        .map_err(|e| PasswordError::Hash(e.to_string()))?;
    Ok(hash.to_string())
}

/// Checks `password` against a stored PHC string, using the parameters the string carries. The
/// final comparison is constant-time. `Ok(false)` for a wrong password; `Err` only when the stored
/// string is not a valid argon2 PHC string (a bug or a damaged row, worth logging).
pub fn verify_password(password: &str, phc: &str) -> Result<bool, PasswordError> {
    let parsed = PasswordHash::new(phc).map_err(|e| PasswordError::MalformedHash(e.to_string()))?;
    match Argon2::default().verify_password(password.as_bytes(), &parsed) {
        Ok(()) => Ok(true),
        Err(argon2::password_hash::Error::PasswordInvalid) => Ok(false),
        Err(e) => Err(PasswordError::MalformedHash(e.to_string())),
    }
}

/// Spends the time of one verification at `params` and returns `false`. Call it when the user
/// name is unknown, so that the response time does not tell an attacker which user names exist.
pub fn verify_password_dummy(password: &str, params: &PasswordParams) -> bool {
    if let Ok(argon2) = params.argon2() {
        let mut out = [0u8; OUTPUT_LEN];
        let _ = argon2.hash_password_into(password.as_bytes(), b"sansho-no-such-user", &mut out);
    }
    false
}

/// True when the stored hash should be replaced at the next successful login: it is not argon2id
/// version 0x13, its parameters differ from `params` (stronger or weaker — the configured ones
/// win), or it cannot be read at all.
pub fn needs_rehash(phc: &str, params: &PasswordParams) -> bool {
    let Ok(parsed) = PasswordHash::new(phc) else { return true };
    if parsed.algorithm.as_str() != "argon2id" || parsed.version != Some(0x13) {
        return true;
    }
    let Ok(stored) = Params::try_from(&parsed) else { return true };
    let output_len = parsed.hash.as_ref().map(|h| h.len());
    stored.m_cost() != params.m_kib
        || stored.t_cost() != params.t
        || stored.p_cost() != params.p
        || output_len != Some(OUTPUT_LEN)
}

/// Minimum password length in characters (Unicode scalar values).
pub const MIN_PASSWORD_CHARS: usize = 12;
/// Maximum password length in characters: long enough for any passphrase, short enough that a
/// password is not a way to make the server hash megabytes.
pub const MAX_PASSWORD_CHARS: usize = 128;

/// Why a new password is refused. [`PolicyViolation::ja`] and [`PolicyViolation::en`] give the
/// message for the user; `Display` is the English one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PolicyViolation {
    /// Fewer characters than [`MIN_PASSWORD_CHARS`].
    #[error("{}", self.en())]
    TooShort {
        /// The minimum, in characters.
        min: usize,
        /// The password's length, in characters.
        actual: usize,
    },
    /// More characters than [`MAX_PASSWORD_CHARS`].
    #[error("{}", self.en())]
    TooLong {
        /// The maximum, in characters.
        max: usize,
        /// The password's length, in characters.
        actual: usize,
    },
    /// One character repeated.
    #[error("{}", self.en())]
    SingleCharacter,
    /// The user name itself (ignoring case and surrounding white space).
    #[error("{}", self.en())]
    SameAsUsername,
    /// On the bundled list of common passwords (NIST SP 800-63B §5.1.1.2).
    #[error("{}", self.en())]
    Common,
}

impl PolicyViolation {
    /// The message in Japanese.
    pub fn ja(&self) -> String {
        match self {
            PolicyViolation::TooShort { min, actual } => {
                format!("パスワードは{min}文字以上にしてください（入力は{actual}文字です）。")
            }
            PolicyViolation::TooLong { max, actual } => {
                format!("パスワードは{max}文字以内にしてください（入力は{actual}文字です）。")
            }
            PolicyViolation::SingleCharacter => "同じ文字だけを繰り返したパスワードは使えません。".to_string(),
            PolicyViolation::SameAsUsername => "ユーザー名と同じパスワードは使えません。".to_string(),
            PolicyViolation::Common => "このパスワードはよく使われるパスワードの一覧に載っているため使えません（推測されやすいパスワードです）。".to_string(),
        }
    }

    /// The message in English.
    pub fn en(&self) -> String {
        match self {
            PolicyViolation::TooShort { min, actual } => {
                format!("The password must be at least {min} characters long (it has {actual}).")
            }
            PolicyViolation::TooLong { max, actual } => {
                format!("The password must be at most {max} characters long (it has {actual}).")
            }
            PolicyViolation::SingleCharacter => "The password must not be one character repeated.".to_string(),
            PolicyViolation::SameAsUsername => "The password must not be the same as the user name.".to_string(),
            PolicyViolation::Common => {
                "This password is on a list of common passwords, which are easily guessed: choose another.".to_string()
            }
        }
    }
}

/// The list of 20,000 common passwords Django ships (see `data/README.md`: source, licence,
/// SHA-256), gzipped as published.
const COMMON_PASSWORDS_GZ: &[u8] = include_bytes!("../data/common-passwords.txt.gz");

/// Whether `password` (lower-cased, surrounding white space ignored, as the list is) is on the
/// bundled list of common passwords. The list is read once; only its entries long enough to pass
/// the length rule are kept (a few hundred).
pub fn is_common_password(password: &str) -> bool {
    use std::io::Read;
    static LIST: std::sync::OnceLock<std::collections::HashSet<String>> = std::sync::OnceLock::new();
    let list = LIST.get_or_init(|| {
        let mut text = String::new();
        flate2::read::GzDecoder::new(COMMON_PASSWORDS_GZ)
            .read_to_string(&mut text)
            .expect("the bundled common-password list is valid gzip and UTF-8 (a test reads it)");
        text.lines().map(str::trim).filter(|l| l.chars().count() >= MIN_PASSWORD_CHARS).map(str::to_owned).collect()
    });
    list.contains(&password.trim().to_lowercase())
}

/// Checks a new password: 12 to 128 characters, not one character repeated, not the user name
/// (compared case-insensitively, surrounding whitespace ignored), not on the bundled list of
/// common passwords ([`is_common_password`]). Returns the first rule broken, in that order. Composition rules (digits, symbols) are deliberately absent, following NIST SP
/// 800-63B: length is what makes a password strong.
pub fn check_password_policy(password: &str, username: &str) -> Result<(), PolicyViolation> {
    let chars = password.chars().count();
    if chars < MIN_PASSWORD_CHARS {
        return Err(PolicyViolation::TooShort { min: MIN_PASSWORD_CHARS, actual: chars });
    }
    if chars > MAX_PASSWORD_CHARS {
        return Err(PolicyViolation::TooLong { max: MAX_PASSWORD_CHARS, actual: chars });
    }
    let mut it = password.chars();
    if let Some(first) = it.next()
        && it.all(|c| c == first)
    {
        return Err(PolicyViolation::SingleCharacter);
    }
    let username = username.trim();
    if !username.is_empty() && password.trim().to_lowercase() == username.to_lowercase() {
        return Err(PolicyViolation::SameAsUsername);
    }
    if is_common_password(password) {
        return Err(PolicyViolation::Common);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_rng::counter;

    const FAST: PasswordParams = PasswordParams::INSECURE_FOR_TESTS;

    #[test]
    fn passwords_on_the_common_list_are_refused() {
        for common in ["password1234", "PASSWORD1234", " qwerty123456 ", "1qaz2wsx3edc"] {
            assert_eq!(check_password_policy(common, "tanaka"), Err(PolicyViolation::Common), "{common}");
        }
        assert_eq!(check_password_policy("correct horse battery", "tanaka"), Ok(()));
        assert!(PolicyViolation::Common.ja().contains("よく使われる"));
        // The whole bundled list decodes: 19,640 lines as published, a few hundred long enough.
        use std::io::Read;
        let mut text = String::new();
        flate2::read::GzDecoder::new(COMMON_PASSWORDS_GZ).read_to_string(&mut text).unwrap();
        assert_eq!(text.lines().count(), 19_640);
    }

    #[test]
    fn hash_verify_round_trip_and_wrong_password() {
        let phc = hash_password("correct horse battery", &FAST, &mut counter(1)).unwrap();
        assert!(phc.starts_with("$argon2id$v=19$m=8,t=1,p=1$"), "{phc}");
        assert_eq!(verify_password("correct horse battery", &phc), Ok(true));
        assert_eq!(verify_password("correct horse batterY", &phc), Ok(false));
        assert_eq!(verify_password("", &phc), Ok(false));
        // Salts come from the filler: another filler, another hash of the same password.
        let other = hash_password("correct horse battery", &FAST, &mut counter(2)).unwrap();
        assert_ne!(phc, other);
        assert_eq!(verify_password("correct horse battery", &other), Ok(true));
    }

    #[test]
    fn default_parameters_are_owasp_and_verify() {
        // One hash at the real cost, to prove the default parameters are accepted end to end.
        let phc = hash_password("パスワードは長く", &PasswordParams::DEFAULT, &mut counter(7)).unwrap();
        assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{phc}");
        assert_eq!(verify_password("パスワードは長く", &phc), Ok(true));
        assert!(!needs_rehash(&phc, &PasswordParams::DEFAULT));
        assert!(needs_rehash(&phc, &PasswordParams { m_kib: 47_104, t: 1, p: 1 }));
    }

    #[test]
    fn malformed_hash_is_an_error_not_a_match() {
        assert!(matches!(verify_password("x", "not a hash"), Err(PasswordError::MalformedHash(_))));
        assert!(needs_rehash("not a hash", &FAST));
    }

    #[test]
    fn rehash_when_parameters_or_algorithm_change() {
        let phc = hash_password("a long enough password", &FAST, &mut counter(3)).unwrap();
        assert!(!needs_rehash(&phc, &FAST));
        assert!(needs_rehash(&phc, &PasswordParams { m_kib: 16, ..FAST }));
        assert!(needs_rehash(&phc, &PasswordParams { t: 2, ..FAST }));
        assert!(needs_rehash(&phc, &PasswordParams { p: 2, m_kib: 16, ..FAST }));
        // An argon2i hash still verifies but is upgraded.
        let argon2i = phc.replacen("$argon2id$", "$argon2i$", 1);
        assert!(needs_rehash(&argon2i, &FAST));
    }

    #[test]
    fn dummy_verification_never_matches() {
        assert!(!verify_password_dummy("anything", &FAST));
    }

    #[test]
    fn policy_accepts_a_reasonable_password() {
        assert_eq!(check_password_policy("correct horse battery", "alice"), Ok(()));
        assert_eq!(check_password_policy("ながいながいパスワード１２", "alice"), Ok(()));
        assert_eq!(check_password_policy(&"ab".repeat(64), "alice"), Ok(()));
    }

    #[test]
    fn policy_counts_characters_not_bytes() {
        // 11 Japanese characters are 33 bytes but still too short.
        let short = "あいうえおかきくけこさ";
        assert_eq!(check_password_policy(short, "alice"), Err(PolicyViolation::TooShort { min: 12, actual: 11 }));
    }

    #[test]
    fn policy_violations_in_both_languages() {
        let too_short = check_password_policy("short", "alice").unwrap_err();
        assert_eq!(too_short, PolicyViolation::TooShort { min: 12, actual: 5 });
        assert_eq!(too_short.ja(), "パスワードは12文字以上にしてください（入力は5文字です）。");
        assert_eq!(too_short.en(), "The password must be at least 12 characters long (it has 5).");
        assert_eq!(too_short.to_string(), too_short.en());

        let too_long = check_password_policy(&"ab".repeat(65), "alice").unwrap_err();
        assert_eq!(too_long, PolicyViolation::TooLong { max: 128, actual: 130 });
        assert_eq!(too_long.ja(), "パスワードは128文字以内にしてください（入力は130文字です）。");
        assert_eq!(too_long.en(), "The password must be at most 128 characters long (it has 130).");

        let same = check_password_policy("aaaaaaaaaaaaaaaa", "alice").unwrap_err();
        assert_eq!(same, PolicyViolation::SingleCharacter);
        assert_eq!(same.ja(), "同じ文字だけを繰り返したパスワードは使えません。");
        assert_eq!(same.en(), "The password must not be one character repeated.");

        let user = check_password_policy("Administrator", "administrator").unwrap_err();
        assert_eq!(user, PolicyViolation::SameAsUsername);
        assert_eq!(user.ja(), "ユーザー名と同じパスワードは使えません。");
        assert_eq!(user.en(), "The password must not be the same as the user name.");
    }

    #[test]
    fn policy_boundaries() {
        assert!(check_password_policy("abcdefghijk", "u").is_err());
        assert_eq!(check_password_policy("abcdefghijkl", "u"), Ok(()));
        assert_eq!(check_password_policy(&"abcd".repeat(32), "u"), Ok(()));
        assert!(check_password_policy(&format!("{}x", "abcd".repeat(32)), "u").is_err());
        assert_eq!(check_password_policy("ああああああああああああ", "u"), Err(PolicyViolation::SingleCharacter));
        assert_eq!(
            check_password_policy(" tanaka.taro@example.jp ", "Tanaka.Taro@example.jp"),
            Err(PolicyViolation::SameAsUsername)
        );
        // An empty user name never matches.
        assert_eq!(check_password_policy("abcdefghijkl", ""), Ok(()));
    }
}

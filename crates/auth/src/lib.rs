//! sansho's security primitives for the web application: argon2id passwords and the password
//! policy, the TOTP second factor (RFC 6238), recovery codes, session and setup tokens, CSRF
//! tokens, login lockout and per-address rate limiting, and the response headers and session
//! cookie.
//!
//! **Pure.** The crate does no IO and never reads the clock:
//!
//! - **Time** is passed in as `now: i64`, **milliseconds since the Unix epoch, UTC** — the same unit
//!   as `sansho_store::Timestamp`, so a stored `locked_until` can be handed over unchanged. TOTP
//!   converts to seconds internally.
//! - **Randomness** is passed in as a filler, `&mut dyn FnMut(&mut [u8])` (the [`Fill`] type), that
//!   must fill the whole slice with cryptographically secure random bytes. Production code passes
//!   [`random_bytes`] (`&mut random_bytes`), the one function in this crate that touches the
//!   operating system (its CSPRNG through `getrandom`); tests pass deterministic bytes.
//!
//! Secret comparisons (password hashes, TOTP codes, tokens, CSRF tokens) are constant-time.
//!
//! A login as the web layer would write it (storage left out):
//!
//! ```
//! use sansho_auth::*;
//!
//! let now: i64 = 1_700_000_000_000; // ms since the Unix epoch, from the caller's clock
//! let params = PasswordParams::INSECURE_FOR_TESTS; // PasswordParams::DEFAULT in production
//! let master = [7u8; 32]; // the server's secret, random and kept outside the database
//!
//! // Enrolment.
//! check_password_policy("correct horse battery", "tanaka").unwrap();
//! let phc = hash_password("correct horse battery", &params, &mut random_bytes).unwrap();
//! let secret = TotpSecret::generate(&mut random_bytes);
//! let uri = provisioning_uri(&secret, "tanaka");
//! let _svg = qr_svg(&uri, "二要素認証の QR コード").unwrap();
//! let codes = generate_recovery_codes(RECOVERY_CODE_COUNT, &mut random_bytes);
//! let stored: Vec<String> =
//!     codes.iter().map(|c| recovery_code_hash(&derive_key(&master, "recovery-code"), c).unwrap()).collect();
//!
//! // Login: per-address rate limit, then the account's lock, then the password.
//! let limiter = RateLimiter::new(RateLimit::LOGIN);
//! limiter.check("192.0.2.1".parse().unwrap(), now).unwrap();
//! let policy = LockoutPolicy::DEFAULT;
//! let failures = LoginFailures::default(); // read from the account
//! assert_eq!(policy.admit(&failures, now), Admission::Allow);
//! assert!(verify_password("correct horse battery", &phc).unwrap());
//! assert!(!needs_rehash(&phc, &params));
//!
//! // Second factor: a TOTP code (store the returned step), or else a recovery code.
//! assert_eq!(verify_totp(&secret, "000000x", now, None), Err(TotpRejection::Malformed));
//! assert_eq!(find_recovery_code(&derive_key(&master, "recovery-code"), &codes[3].to_uppercase(), &stored), Some(3));
//! let failures = policy.after_success();
//! # let _ = failures;
//!
//! // Session: the cookie gets the token, the database its hash; forms get the CSRF token.
//! let token = new_session_token(&mut random_bytes);
//! let hash = token_hash(&token);
//! let set_cookie = session_cookie(&token, 8 * 3600, true);
//! assert!(set_cookie.starts_with("__Host-sansho_session="));
//! let csrf_key = derive_key(&master, "csrf");
//! let csrf = csrf_token(&csrf_key, &hash);
//! assert!(verify_csrf(&csrf_key, &hash, &csrf));
//! ```

#![warn(missing_docs)]

mod csrf;
mod headers;
mod password;
mod recovery;
mod text;
mod throttle;
mod token;
mod totp;
mod username;

pub use csrf::{CSRF_FORM_FIELD, CSRF_HEADER, csrf_token, is_cross_site_request, verify_csrf};
pub use headers::{
    CONTENT_SECURITY_POLICY, SESSION_COOKIE, SESSION_COOKIE_INSECURE, clear_session_cookie, cookie_secure,
    security_headers, session_cookie, session_cookie_name,
};
pub use password::{
    MAX_PASSWORD_CHARS, MIN_PASSWORD_CHARS, PasswordError, PasswordParams, PolicyViolation, check_password_policy,
    hash_password, is_common_password, needs_rehash, verify_password, verify_password_dummy,
};
pub use recovery::{
    RECOVERY_CODE_COUNT, RECOVERY_CODE_LEN, find_recovery_code, generate_recovery_codes, normalize_recovery_code,
    recovery_code_hash,
};
pub use throttle::{Admission, LockoutPolicy, LoginFailures, RateLimit, RateLimiter, RetryAfter};
pub use token::{
    SESSION_TOKEN_LEN, SETUP_TOKEN_CHARS, ct_eq, derive_key, is_well_formed_session_token, new_session_token,
    new_setup_token, token_hash, verify_setup_token,
};
pub use totp::{
    TOTP_DIGITS, TOTP_ISSUER, TOTP_SKEW_STEPS, TOTP_STEP_SECONDS, TotpError, TotpRejection, TotpSecret,
    provisioning_uri, qr_svg, verify_totp,
};
pub use username::{MAX_USERNAME_CHARS, UsernameViolation, check_new_username, check_username, username_skeleton};

/// A source of cryptographically secure random bytes: fills the whole slice. Production code passes
/// `&mut random_bytes`; tests pass a deterministic filler.
pub type Fill<'a> = dyn FnMut(&mut [u8]) + 'a;

/// Fills `buf` from the operating system's CSPRNG (`getrandom`). This is the only function in the
/// crate that touches the operating system; pass it wherever a [`Fill`] is asked for.
///
/// # Panics
/// If the operating system's random number generator fails, which on the supported platforms
/// (Linux `getrandom(2)`, macOS, Windows) only happens when it is unavailable altogether. Carrying
/// on without randomness would issue guessable secrets, so this does not return an error.
pub fn random_bytes(buf: &mut [u8]) {
    if let Err(err) = getrandom::fill(buf) {
        panic!("the operating system's random number generator failed: {err}");
    }
}

#[cfg(test)]
pub(crate) mod test_rng {
    /// A deterministic filler: a counter starting at `seed`, so every call yields new bytes.
    pub fn counter(seed: u8) -> impl FnMut(&mut [u8]) {
        let mut next = seed;
        move |buf: &mut [u8]| {
            for b in buf {
                *b = next;
                next = next.wrapping_add(1);
            }
        }
    }

    /// A deterministic filler with well-spread bytes (xorshift64*), for tests that need distinct
    /// values.
    pub fn xorshift(seed: u64) -> impl FnMut(&mut [u8]) {
        let mut state = seed | 1;
        move |buf: &mut [u8]| {
            for b in buf {
                state ^= state >> 12;
                state ^= state << 25;
                state ^= state >> 27;
                *b = (state.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 56) as u8;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn random_bytes_fills_the_buffer() {
        let mut a = [0u8; 32];
        let mut b = [0u8; 32];
        super::random_bytes(&mut a);
        super::random_bytes(&mut b);
        assert_ne!(a, [0u8; 32]);
        assert_ne!(a, b);
    }
}

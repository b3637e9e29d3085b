//! The TOTP second factor (RFC 6238): HMAC-SHA-1, 6 digits, 30-second steps, ±1 step of clock
//! skew — what every authenticator app supports — with replay refusal.
//!
//! The HOTP arithmetic is totp-rs's; this module adds the secret's handling, the provisioning URI
//! and QR code, input folding (full-width digits, spaces) and the replay rule. The `otpauth://` URI
//! is built here rather than by totp-rs's `otpauth` feature, which would add the `url` crate for
//! one string.

use std::fmt;

use qrcode::render::svg;
use qrcode::{EcLevel, QrCode};
use subtle::ConstantTimeEq;

use crate::Fill;
use crate::text::fold_char;

/// The issuer shown in authenticator apps.
pub const TOTP_ISSUER: &str = "sansho";
/// Digits in a code.
pub const TOTP_DIGITS: usize = 6;
/// Seconds per time step.
pub const TOTP_STEP_SECONDS: u64 = 30;
/// Steps accepted either side of the current one (RFC 6238 §5.2 recommends at most one).
pub const TOTP_SKEW_STEPS: u64 = 1;

/// Secret length: 160 bits, the length RFC 4226 §4 recommends and HMAC-SHA-1's output size.
const SECRET_LEN: usize = 20;

/// A TOTP shared secret. Its `Debug` output is redacted; store it as [`TotpSecret::to_base32`]
/// (it is a credential: whoever reads it can generate codes).
#[derive(Clone, PartialEq, Eq)]
pub struct TotpSecret(Vec<u8>);

impl TotpSecret {
    /// A new 160-bit secret from `fill`.
    pub fn generate(fill: &mut Fill) -> TotpSecret {
        let mut bytes = vec![0u8; SECRET_LEN];
        fill(&mut bytes);
        TotpSecret(bytes)
    }

    /// The enrolment secret offered to one enrolment: HMAC-SHA-256 under `key` (a key derived from
    /// the server's secret for this purpose) of the length-prefixed `binding` parts (the session,
    /// the user, the factor in place), cut to 160 bits. Offering a key this way needs no write: the
    /// page that shows it and the form that confirms it compute the same key, and no one without
    /// the server's secret can compute it. A different binding (another session, or a factor
    /// enrolled since) gives an unrelated key.
    pub fn derive(key: &[u8], binding: &[&[u8]]) -> TotpSecret {
        use hmac::{Hmac, KeyInit, Mac};
        let mut mac = <Hmac<sha2::Sha256> as KeyInit>::new_from_slice(key).expect("HMAC accepts keys of any length");
        mac.update(b"sansho/totp-enrolment\n");
        for part in binding {
            mac.update(&(part.len() as u64).to_be_bytes());
            mac.update(part);
        }
        TotpSecret(mac.finalize().into_bytes()[..SECRET_LEN].to_vec())
    }

    /// Reads a base32 secret (RFC 4648 alphabet; case, spaces, hyphens and `=` padding ignored).
    /// Secrets shorter than 128 bits are refused (RFC 4226 §4).
    pub fn from_base32(text: &str) -> Result<TotpSecret, TotpError> {
        let cleaned: String = text
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-' && *c != '=')
            .map(|c| c.to_ascii_uppercase())
            .collect();
        let bytes = totp_rs::Secret::try_from_base32(&cleaned).map_err(|_| TotpError::Base32)?;
        if bytes.len() < 16 {
            return Err(TotpError::SecretTooShort);
        }
        Ok(TotpSecret(bytes.to_vec()))
    }

    /// The secret in base32 (RFC 4648, upper case, no padding): 32 characters for 160 bits. This is
    /// what the provisioning URI carries and what a user types when they cannot scan the QR code.
    pub fn to_base32(&self) -> String {
        totp_rs::Secret::from(self.0.as_slice()).to_base32()
    }

    /// The raw secret.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    fn totp(&self, digits: usize) -> Result<totp_rs::Totp, TotpError> {
        totp_rs::Builder::new()
            .with_algorithm(totp_rs::Algorithm::SHA1)
            .with_digits(digits as u8)
            .with_step_duration(TOTP_STEP_SECONDS)
            .with_skew(0)
            .with_secret(self.0.clone())
            .build()
            .map_err(|_| TotpError::SecretTooShort)
    }
}

/// The code of time step `step` (`unix_seconds / 30`).
fn code_at_step(totp: &totp_rs::Totp, step: u64) -> String {
    debug_assert_eq!(totp.step(), TOTP_STEP_SECONDS);
    totp.generate(step * TOTP_STEP_SECONDS).to_string()
}

impl fmt::Debug for TotpSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TotpSecret(<redacted>)")
    }
}

/// A secret that cannot be used or rendered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TotpError {
    /// The secret is not base32.
    #[error("the TOTP secret is not valid base32")]
    Base32,
    /// The secret has fewer than 128 bits.
    #[error("the TOTP secret is shorter than 128 bits")]
    SecretTooShort,
    /// The provisioning URI is too long for a QR code.
    #[error("the provisioning URI does not fit in a QR code")]
    QrTooLong,
}

/// Why a code was not accepted. Show the user one message for all three; log `Replayed`, which
/// means someone presented a code already used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TotpRejection {
    /// Not six digits (after folding full-width digits and dropping spaces).
    #[error("the code is not six digits")]
    Malformed,
    /// Six digits, but not the code of the current step or a neighbouring one.
    #[error("the code is wrong or expired")]
    Invalid,
    /// The code of a step at or before the last accepted one.
    #[error("the code has already been used")]
    Replayed,
}

/// The `otpauth://totp/` URI an authenticator app reads from the QR code: label
/// `sansho:<account>`, the secret, issuer `sansho`, SHA1, 6 digits, 30 s. The account name is
/// percent-encoded (RFC 3986 unreserved characters stay as they are).
pub fn provisioning_uri(secret: &TotpSecret, account: &str) -> String {
    format!(
        "otpauth://totp/{issuer}:{account}?secret={secret}&issuer={issuer}\
         &algorithm=SHA1&digits={TOTP_DIGITS}&period={TOTP_STEP_SECONDS}",
        issuer = percent_encode(TOTP_ISSUER),
        account = percent_encode(account),
        secret = secret.to_base32(),
    )
}

/// `text` with every byte outside RFC 3986's unreserved set (`A-Z a-z 0-9 - . _ ~`) as `%XX`.
fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `data` (the provisioning URI) as a QR code in an inline `<svg>` element: black on white,
/// quiet zone included, at least 200 px wide, error correction level M, `role="img"` with the
/// given `label` for screen readers. No XML declaration, no `style` attribute and no script, so it
/// can be embedded in a page under the strict Content-Security-Policy. It encodes the secret:
/// serve the page that shows it with `Cache-Control: no-store`.
pub fn qr_svg(data: &str, label: &str) -> Result<String, TotpError> {
    let code = QrCode::with_error_correction_level(data.as_bytes(), EcLevel::M).map_err(|_| TotpError::QrTooLong)?;
    let svg = code
        .render::<svg::Color>()
        .min_dimensions(200, 200)
        .quiet_zone(true)
        .dark_color(svg::Color("#000000"))
        .light_color(svg::Color("#ffffff"))
        .build();
    let start = svg.find("<svg").unwrap_or(0);
    let label = escape_attribute(label);
    Ok(svg[start..].replacen("<svg ", &format!("<svg role=\"img\" aria-label=\"{label}\" "), 1))
}

fn escape_attribute(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            _ => out.push(c),
        }
    }
    out
}

/// Verifies a code typed by the user at `now` (milliseconds since the Unix epoch).
///
/// Accepts the code of the current 30-second step or of the step before or after it. Returns the
/// matched time step (`unix_seconds / 30`), which the caller must store as the user's last accepted
/// step, and pass back as `last_step` next time: a code whose step is at or before `last_step` is
/// refused as [`TotpRejection::Replayed`], so each code works once (RFC 6238 §5.2) and a code
/// cannot be used after a later one.
///
/// The input may contain spaces and full-width digits (`１２３ ４５６`). All candidate steps are
/// computed and compared in constant time.
pub fn verify_totp(secret: &TotpSecret, code: &str, now: i64, last_step: Option<u64>) -> Result<u64, TotpRejection> {
    let code: String = code.chars().map(fold_char).filter(|c| !c.is_whitespace()).collect();
    if code.len() != TOTP_DIGITS || !code.bytes().all(|b| b.is_ascii_digit()) {
        return Err(TotpRejection::Malformed);
    }
    let Ok(now_ms) = u64::try_from(now) else { return Err(TotpRejection::Invalid) };
    let totp = secret.totp(TOTP_DIGITS).map_err(|_| TotpRejection::Invalid)?;
    let current = now_ms / 1000 / TOTP_STEP_SECONDS;
    let mut fresh: Option<u64> = None;
    let mut replayed = false;
    for step in current.saturating_sub(TOTP_SKEW_STEPS)..=current + TOTP_SKEW_STEPS {
        let expected = code_at_step(&totp, step);
        let matches: bool = expected.as_bytes().ct_eq(code.as_bytes()).into();
        if matches {
            if last_step.is_some_and(|last| step <= last) {
                replayed = true;
            } else if fresh.is_none() {
                fresh = Some(step);
            }
        }
    }
    match (fresh, replayed) {
        (Some(step), _) => Ok(step),
        (None, true) => Err(TotpRejection::Replayed),
        (None, false) => Err(TotpRejection::Invalid),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_rng::counter;

    #[test]
    fn a_derived_enrolment_secret_depends_on_key_and_every_binding_part() {
        let a = TotpSecret::derive(&[1; 32], &[b"session", b"user", b""]);
        assert_eq!(a, TotpSecret::derive(&[1; 32], &[b"session", b"user", b""]), "deterministic");
        assert_eq!(a.as_bytes().len(), SECRET_LEN);
        assert_ne!(a, TotpSecret::derive(&[2; 32], &[b"session", b"user", b""]));
        assert_ne!(a, TotpSecret::derive(&[1; 32], &[b"session", b"user", b"OLDSECRET"]));
        // Parts are length-prefixed: moving a byte from one to the next is another binding.
        assert_ne!(a, TotpSecret::derive(&[1; 32], &[b"sessio", b"nuser", b""]));
    }

    /// RFC 6238 Appendix B's SHA-1 seed.
    fn rfc_secret() -> TotpSecret {
        TotpSecret(b"12345678901234567890".to_vec())
    }

    /// RFC 6238 Appendix B, SHA-1 column: (Unix seconds, 8-digit TOTP).
    const RFC_6238_SHA1: [(u64, &str); 6] = [
        (59, "94287082"),
        (1_111_111_109, "07081804"),
        (1_111_111_111, "14050471"),
        (1_234_567_890, "89005924"),
        (2_000_000_000, "69279037"),
        (20_000_000_000, "65353130"),
    ];

    fn ms(seconds: u64) -> i64 {
        i64::try_from(seconds * 1000).unwrap()
    }

    #[test]
    fn rfc_6238_appendix_b_sha1_at_eight_digits() {
        let secret = rfc_secret();
        let totp = secret.totp(8).unwrap();
        for (time, expected) in RFC_6238_SHA1 {
            assert_eq!(code_at_step(&totp, time / 30), expected, "T = {time}");
        }
    }

    #[test]
    fn rfc_6238_vectors_verify_at_six_digits() {
        // A 6-digit code is the 8-digit one's value modulo 10^6: its last six digits.
        let secret = rfc_secret();
        for (time, expected) in RFC_6238_SHA1 {
            let six = &expected[2..];
            assert_eq!(verify_totp(&secret, six, ms(time), None), Ok(time / 30), "T = {time}");
        }
    }

    #[test]
    fn neighbouring_steps_are_accepted_and_farther_ones_are_not() {
        let secret = rfc_secret();
        // "287082" is the code of step 1 (T = 30..59).
        assert_eq!(verify_totp(&secret, "287082", ms(59), None), Ok(1));
        assert_eq!(verify_totp(&secret, "287082", ms(30), None), Ok(1));
        assert_eq!(verify_totp(&secret, "287082", ms(0), None), Ok(1)); // one step early
        assert_eq!(verify_totp(&secret, "287082", ms(89), None), Ok(1)); // one step late
        assert_eq!(verify_totp(&secret, "287082", ms(90), None), Err(TotpRejection::Invalid)); // two steps late
        let late = 1_111_111_109;
        assert_eq!(verify_totp(&secret, "081804", ms(late + 30), None), Ok(late / 30));
        assert_eq!(verify_totp(&secret, "081804", ms(late + 60), None), Err(TotpRejection::Invalid));
        assert_eq!(verify_totp(&secret, "081804", ms(late - 60), None), Err(TotpRejection::Invalid));
    }

    #[test]
    fn wrong_and_malformed_codes_are_refused() {
        let secret = rfc_secret();
        assert_eq!(verify_totp(&secret, "287083", ms(59), None), Err(TotpRejection::Invalid));
        assert_eq!(verify_totp(&secret, "28708", ms(59), None), Err(TotpRejection::Malformed));
        assert_eq!(verify_totp(&secret, "2870822", ms(59), None), Err(TotpRejection::Malformed));
        assert_eq!(verify_totp(&secret, "+87082", ms(59), None), Err(TotpRejection::Malformed));
        assert_eq!(verify_totp(&secret, "", ms(59), None), Err(TotpRejection::Malformed));
        assert_eq!(verify_totp(&secret, "94287082", ms(59), None), Err(TotpRejection::Malformed));
        assert_eq!(verify_totp(&secret, "287082", -1, None), Err(TotpRejection::Invalid));
    }

    #[test]
    fn full_width_digits_and_spaces_are_accepted() {
        let secret = rfc_secret();
        assert_eq!(verify_totp(&secret, "２８７ ０８２", ms(59), None), Ok(1));
        assert_eq!(verify_totp(&secret, " 287\u{3000}082 ", ms(59), None), Ok(1));
    }

    #[test]
    fn a_code_is_accepted_once() {
        let secret = rfc_secret();
        let step = verify_totp(&secret, "287082", ms(59), None).unwrap();
        assert_eq!(verify_totp(&secret, "287082", ms(59), Some(step)), Err(TotpRejection::Replayed));
        assert_eq!(verify_totp(&secret, "287082", ms(70), Some(step)), Err(TotpRejection::Replayed));
        // An older code (step 0) after step 1 was accepted: refused as a replay too.
        let step0 = code_at_step(&secret.totp(6).unwrap(), 0);
        assert_eq!(verify_totp(&secret, &step0, ms(31), Some(step)), Err(TotpRejection::Replayed));
        // The next step's code is still accepted.
        let step2 = code_at_step(&secret.totp(6).unwrap(), 2);
        assert_eq!(verify_totp(&secret, &step2, ms(61), Some(step)), Ok(2));
        // A wrong code is wrong, not replayed.
        assert_eq!(verify_totp(&secret, "000000", ms(59), Some(step)), Err(TotpRejection::Invalid));
    }

    #[test]
    fn secrets_are_160_bits_and_round_trip_through_base32() {
        let secret = TotpSecret::generate(&mut counter(0));
        assert_eq!(secret.as_bytes().len(), 20);
        let b32 = secret.to_base32();
        assert_eq!(b32.len(), 32);
        assert!(b32.bytes().all(|b| b.is_ascii_uppercase() || (b'2'..=b'7').contains(&b)), "{b32}");
        assert_eq!(TotpSecret::from_base32(&b32), Ok(secret.clone()));
        let typed = b32
            .to_ascii_lowercase()
            .as_bytes()
            .chunks(4)
            .map(|c| std::str::from_utf8(c).unwrap())
            .collect::<Vec<_>>()
            .join(" ");
        assert_eq!(TotpSecret::from_base32(&typed), Ok(secret.clone()));
        assert_eq!(format!("{secret:?}"), "TotpSecret(<redacted>)");
        assert_eq!(rfc_secret().to_base32(), "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
        assert_eq!(TotpSecret::from_base32("GEZDGNBV"), Err(TotpError::SecretTooShort));
        assert_eq!(TotpSecret::from_base32("GEZDGNB1"), Err(TotpError::Base32));
    }

    #[test]
    fn provisioning_uri_names_issuer_and_account() {
        let uri = provisioning_uri(&rfc_secret(), "tanaka@example.jp");
        assert_eq!(
            uri,
            "otpauth://totp/sansho:tanaka%40example.jp?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ\
             &issuer=sansho&algorithm=SHA1&digits=6&period=30"
        );
        let uri = provisioning_uri(&rfc_secret(), "田中 太郎:1");
        assert!(uri.starts_with("otpauth://totp/sansho:%E7%94%B0%E4%B8%AD%20%E5%A4%AA%E9%83%8E%3A1?"), "{uri}");
    }

    #[test]
    fn qr_code_is_an_inline_svg() {
        let uri = provisioning_uri(&rfc_secret(), "tanaka@example.jp");
        let svg = qr_svg(&uri, "二要素認証の QR コード \"sansho\"").unwrap();
        assert!(
            svg.starts_with("<svg role=\"img\" aria-label=\"二要素認証の QR コード &quot;sansho&quot;\" xmlns="),
            "{svg}"
        );
        assert!(svg.ends_with("</svg>"));
        assert!(!svg.contains("<?xml"));
        assert!(!svg.contains("style="));
        assert!(!svg.contains("<script"));
        assert!(qr_svg(&"x".repeat(5000), "qr").is_err());
    }
}

//! What a username may be (issue 11 §1.15): after NFKC, no control or bidi-control character, no
//! invisible formatting character, and not a mix of scripts that could pass for another name
//! (UTS #39 "highly restrictive": one script, or Latin with Japanese, Chinese or Korean), and not
//! confusable with an existing user's name (the UTS #39 skeletons are the same). The script and
//! confusable data are the `unicode-security` crate's (Unicode's own tables), not written here.

use unicode_normalization::UnicodeNormalization;
use unicode_security::{RestrictionLevel, RestrictionLevelDetection};

/// The longest username, in characters.
pub const MAX_USERNAME_CHARS: usize = 64;

/// Why a username is refused. [`UsernameViolation::ja`] and [`UsernameViolation::en`] give the
/// message; `Display` is the English one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UsernameViolation {
    /// Nothing but white space.
    #[error("{}", self.en())]
    Empty,
    /// Longer than the maximum.
    #[error("{}", self.en())]
    TooLong {
        /// The maximum, in characters.
        max: usize,
    },
    /// A control character, a bidi control or an invisible formatting character (U+NNNN).
    #[error("{}", self.en())]
    Invisible {
        /// The character's code point.
        code_point: u32,
    },
    /// Letters of more than one script (Latin and Cyrillic, say).
    #[error("{}", self.en())]
    MixedScripts,
    /// Looks like the existing user's name.
    #[error("{}", self.en())]
    Confusable {
        /// The existing username it looks like.
        existing: String,
    },
}

impl UsernameViolation {
    /// The message in Japanese.
    pub fn ja(&self) -> String {
        match self {
            UsernameViolation::Empty => "ユーザー名を入力してください。".into(),
            UsernameViolation::TooLong { max } => format!("ユーザー名は{max}文字以内にしてください。"),
            UsernameViolation::Invisible { code_point } => format!(
                "ユーザー名に制御文字・双方向（bidi）制御文字・見えない文字（U+{code_point:04X}）は使えません。"
            ),
            UsernameViolation::MixedScripts => {
                "ユーザー名に複数の文字体系（例：ラテン文字とキリル文字）を混ぜることはできません。".into()
            }
            UsernameViolation::Confusable { existing } => {
                format!("ユーザー名が既存の利用者「{existing}」と紛らわしいため使えません。")
            }
        }
    }

    /// The message in English.
    pub fn en(&self) -> String {
        match self {
            UsernameViolation::Empty => "Enter a user name.".into(),
            UsernameViolation::TooLong { max } => format!("The user name must be at most {max} characters."),
            UsernameViolation::Invisible { code_point } => format!(
                "The user name must not contain control, bidi control or invisible characters (U+{code_point:04X})."
            ),
            UsernameViolation::MixedScripts => {
                "The user name must not mix scripts (such as Latin and Cyrillic).".into()
            }
            UsernameViolation::Confusable { existing } => {
                format!("The user name looks like the existing user {existing:?}.")
            }
        }
    }
}

/// Bidi controls (ALM, LRM, RLM, embeddings, overrides, isolates) and invisible formatting
/// characters (zero-width space and joiners, word joiner, invisible operators, BOM, Mongolian
/// vowel separator, soft hyphen).
fn invisible(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{061C}' | '\u{180E}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{206F}' | '\u{FEFF}')
        || c.is_control()
}

/// Checks a new username as typed (surrounding white space is ignored, as the store does).
pub fn check_username(username: &str) -> Result<(), UsernameViolation> {
    if let Some(c) = username.chars().find(|c| invisible(*c)) {
        return Err(UsernameViolation::Invisible { code_point: c as u32 });
    }
    let folded: String = username.nfkc().collect::<String>().trim().to_owned();
    if folded.is_empty() {
        return Err(UsernameViolation::Empty);
    }
    if folded.chars().count() > MAX_USERNAME_CHARS {
        return Err(UsernameViolation::TooLong { max: MAX_USERNAME_CHARS });
    }
    if let Some(c) = folded.chars().find(|c| invisible(*c)) {
        return Err(UsernameViolation::Invisible { code_point: c as u32 });
    }
    // The script check looks at letters and marks: ASCII punctuation (`.`, `-`, `_`, `@`) and
    // white space belong to every script.
    let letters: String = folded.chars().filter(|c| !c.is_ascii_punctuation() && !c.is_whitespace()).collect();
    if !letters.as_str().check_restriction_level(RestrictionLevel::HighlyRestrictive) {
        return Err(UsernameViolation::MixedScripts);
    }
    Ok(())
}

/// The UTS #39 skeleton of a username (after NFKC and lower-casing): two names with the same
/// skeleton look alike (`poe` in Latin and `рое` in Cyrillic; `rn` and `m`).
pub fn username_skeleton(username: &str) -> String {
    let folded = username.nfkc().collect::<String>().trim().to_lowercase();
    unicode_security::skeleton(&folded).collect::<String>().to_lowercase()
}

/// [`check_username`], then: the new name must not look like any of `existing` (their names as
/// stored). A name equal to an existing one once folded is not reported here (the store says it
/// is taken).
pub fn check_new_username<'a>(
    username: &str,
    existing: impl IntoIterator<Item = &'a str>,
) -> Result<(), UsernameViolation> {
    check_username(username)?;
    let skeleton = username_skeleton(username);
    let folded = username.nfkc().collect::<String>().trim().to_lowercase();
    for other in existing {
        let other_folded = other.nfkc().collect::<String>().trim().to_lowercase();
        if other_folded != folded && username_skeleton(other) == skeleton {
            return Err(UsernameViolation::Confusable { existing: other.to_owned() });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn japanese_and_latin_names_pass_and_mixtures_and_controls_do_not() {
        for ok in ["tanaka", "山田たろう", "ヤマダ", "yamada太郎", "ｓｕｚｕｋｉ", "k.tanaka@example.jp", "김철수"]
        {
            assert_eq!(check_username(ok), Ok(()), "{ok}");
        }
        assert_eq!(check_username("ad\u{202E}min"), Err(UsernameViolation::Invisible { code_point: 0x202E }));
        assert_eq!(check_username("a\u{200B}b"), Err(UsernameViolation::Invisible { code_point: 0x200B }));
        assert_eq!(check_username("\u{0430}dmin"), Err(UsernameViolation::MixedScripts));
        assert_eq!(check_username("pay\u{03C1}al"), Err(UsernameViolation::MixedScripts));
        assert_eq!(check_username("  "), Err(UsernameViolation::Empty));
        assert!(matches!(check_username(&"a".repeat(65)), Err(UsernameViolation::TooLong { .. })));
        assert!(UsernameViolation::MixedScripts.ja().contains("文字体系"));
    }

    #[test]
    fn lookalikes_of_existing_names_are_refused() {
        assert_eq!(
            check_new_username("\u{0440}\u{043E}\u{0435}", ["poe"]),
            Err(UsernameViolation::Confusable { existing: "poe".into() })
        );
        assert!(check_new_username("rnary", ["mary"]).is_err());
        assert_eq!(
            check_new_username("tanaka", ["suzuki", "TANAKA"]),
            Ok(()),
            "the same name is the store's to refuse"
        );
    }
}

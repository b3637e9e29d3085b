//! The language people read sansho in, and messages that carry both of its languages.
//!
//! sansho speaks Japanese first (the users' own words: 遵守事項, 実施済, 該当なし …) and English
//! as an option. Guideline text is always the catalog's own; only sansho's own words change.

use std::fmt;

use serde::Serialize;

/// The language of sansho's own words: Japanese unless English is asked for.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Lang {
    /// 日本語 (`ja`), the default.
    #[default]
    Ja,
    /// English (`en`).
    En,
}

impl Lang {
    /// Every language, Japanese first.
    pub const ALL: [Lang; 2] = [Lang::Ja, Lang::En];

    /// Its code: `ja` or `en` (the `--lang` value, the `lang` cookie, HTML's `lang`).
    pub fn code(self) -> &'static str {
        match self {
            Lang::Ja => "ja",
            Lang::En => "en",
        }
    }

    /// The language of a code (`ja`, `en`); `None` for any other.
    pub fn parse(code: &str) -> Option<Lang> {
        match code {
            "ja" => Some(Lang::Ja),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// Picks the wording for this language.
    pub fn t<'a>(self, ja: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Ja => ja,
            Lang::En => en,
        }
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl std::str::FromStr for Lang {
    type Err = UnknownLang;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Lang::parse(s).ok_or_else(|| UnknownLang(s.to_owned()))
    }
}

/// A language code that is neither `ja` nor `en`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown language {0:?}: use ja or en")]
pub struct UnknownLang(pub String);

/// A message in both languages, for errors about what a user gave sansho (a checklist, an
/// answers file, an OSCAL document, a catalog file).
///
/// A message made from a plain string ([`From<String>`], [`From<&str>`]) is English only: its
/// Japanese falls back to the English. That is for messages only developers see (the build-time
/// seed importers); every message a user can meet is made with [`Msg::new`].
/// `Display` prints the English.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Msg {
    en: String,
    ja: Option<String>,
}

impl Msg {
    /// A message in both languages.
    pub fn new(ja: impl Into<String>, en: impl Into<String>) -> Self {
        Self { en: en.into(), ja: Some(ja.into()) }
    }

    /// A message in English only (its Japanese is the English).
    pub fn en_only(en: impl Into<String>) -> Self {
        Self { en: en.into(), ja: None }
    }

    /// The message in `lang`.
    pub fn get(&self, lang: Lang) -> &str {
        match (lang, &self.ja) {
            (Lang::Ja, Some(ja)) => ja,
            _ => &self.en,
        }
    }

    /// The English.
    pub fn en(&self) -> &str {
        &self.en
    }

    /// The Japanese (the English when the message has no Japanese).
    pub fn ja(&self) -> &str {
        self.get(Lang::Ja)
    }

    /// Whether the message has its own Japanese.
    pub fn has_ja(&self) -> bool {
        self.ja.is_some()
    }

    /// Whether either language's text contains `needle`.
    pub fn contains(&self, needle: &str) -> bool {
        self.en.contains(needle) || self.ja.as_deref().is_some_and(|j| j.contains(needle))
    }

    /// Whether either language's text starts with `prefix`.
    pub fn starts_with(&self, prefix: &str) -> bool {
        self.en.starts_with(prefix) || self.ja.as_deref().is_some_and(|j| j.starts_with(prefix))
    }

    /// Puts `ja` before the Japanese and `en` before the English (e.g. the place of a problem).
    pub fn prefixed(self, ja: &str, en: &str) -> Self {
        Self { ja: Some(format!("{ja}{}", self.ja())), en: format!("{en}{}", self.en) }
    }

    /// Appends `other` to this message, line by line, in each language.
    pub fn push_line(&mut self, other: &Msg) {
        let ja = format!("{}\n{}", self.ja(), other.ja());
        self.en.push('\n');
        self.en.push_str(&other.en);
        self.ja = if self.ja.is_some() || other.ja.is_some() { Some(ja) } else { None };
    }

    /// Applies `f` to the text of each language (e.g. to wrap both in the same place).
    pub fn map(self, f: impl Fn(Lang, &str) -> String) -> Self {
        let ja = self.ja.as_deref().map(|j| f(Lang::Ja, j));
        Self { en: f(Lang::En, &self.en), ja }
    }
}

impl fmt::Display for Msg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.en)
    }
}

impl From<String> for Msg {
    fn from(en: String) -> Self {
        Msg::en_only(en)
    }
}

impl From<&str> for Msg {
    fn from(en: &str) -> Self {
        Msg::en_only(en)
    }
}

impl From<&String> for Msg {
    fn from(en: &String) -> Self {
        Msg::en_only(en.as_str())
    }
}

/// A message equals a string when its English does (as `Display` prints it).
impl PartialEq<str> for Msg {
    fn eq(&self, other: &str) -> bool {
        self.en == other
    }
}

impl PartialEq<&str> for Msg {
    fn eq(&self, other: &&str) -> bool {
        self.en == *other
    }
}

impl PartialEq<String> for Msg {
    fn eq(&self, other: &String) -> bool {
        &self.en == other
    }
}

/// What [`Msg`] can be made from: a `Msg`, or any string (English only). Functions that take a
/// message take `impl IntoMsg`, so callers holding a generic `impl Into<String>` still compile.
pub trait IntoMsg {
    /// The message.
    fn into_msg(self) -> Msg;
}

impl IntoMsg for Msg {
    fn into_msg(self) -> Msg {
        self
    }
}

impl<T: Into<String>> IntoMsg for T {
    fn into_msg(self) -> Msg {
        Msg::en_only(self)
    }
}

impl Serialize for Msg {
    /// As its English, as `Display` prints it.
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.en)
    }
}

/// `ja_en!("日本語 {x}", "English {x}")`: a [`Msg`] in both languages, each a `format!`.
#[macro_export]
macro_rules! ja_en {
    ($ja:literal, $en:literal $(,)?) => {
        $crate::lang::Msg::new(format!($ja), format!($en))
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_japanese_is_the_default() {
        for l in Lang::ALL {
            assert_eq!(Lang::parse(l.code()), Some(l));
            assert_eq!(l.code().parse::<Lang>(), Ok(l));
        }
        assert_eq!(Lang::default(), Lang::Ja);
        assert_eq!(Lang::parse("fr"), None);
        assert_eq!(serde_json::to_string(&Lang::En).unwrap(), "\"en\"");
    }

    #[test]
    fn a_message_speaks_the_asked_language_and_english_only_falls_back() {
        let m = Msg::new("実施状況が不明です", "unknown result");
        assert_eq!(m.get(Lang::Ja), "実施状況が不明です");
        assert_eq!(m.get(Lang::En), "unknown result");
        assert_eq!(m.to_string(), "unknown result");
        let e: Msg = "seed file not found".into();
        assert_eq!(e.get(Lang::Ja), "seed file not found");
        assert!(!e.has_ja());
        let mut both = m.clone().prefixed("セル E4: ", "cell E4: ");
        assert_eq!(both.ja(), "セル E4: 実施状況が不明です");
        both.push_line(&e);
        assert_eq!(both.en(), "cell E4: unknown result\nseed file not found");
        assert_eq!(both.ja(), "セル E4: 実施状況が不明です\nseed file not found");
        assert!(both.contains("実施状況") && both.contains("seed file") && both.starts_with("cell"));
    }
}

//! The language people read: Japanese first, English as an option. Guideline text is always the
//! catalog's own.

/// The language of the words sansho writes for people (pages, messages, reports).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Lang {
    /// 日本語 (the default).
    #[default]
    Ja,
    /// English.
    En,
}

impl Lang {
    /// The language's code: `ja`, `en`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Ja => "ja",
            Lang::En => "en",
        }
    }
    /// Picks the wording for this language.
    pub fn t<'a>(self, ja: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Ja => ja,
            Lang::En => en,
        }
    }
    /// The language of a code (`ja`, `en`).
    pub fn parse(s: &str) -> Option<Lang> {
        match s {
            "ja" => Some(Lang::Ja),
            "en" => Some(Lang::En),
            _ => None,
        }
    }
}

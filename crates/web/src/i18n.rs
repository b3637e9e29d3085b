//! The page language: Japanese unless the `lang` cookie says English.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;

/// The language a page is rendered in. Guideline text is always the catalog's own (Japanese).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Lang {
    #[default]
    Ja,
    En,
}

impl Lang {
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
    /// The word of a level (`mandatory` → 遵守事項).
    pub fn level(self, level: &str) -> String {
        crate::view::level_word(self, Some(level))
    }
    /// The word of a relation (`equivalent-to` → 同等).
    pub fn relation(self, relation: &str) -> String {
        crate::view::relation_word(self, relation)
    }
    /// The word of a control category (`technical` → 技術的安全対策 as the catalogs call it).
    pub fn category(self, category: &str) -> String {
        use sansho_core::Category as C;
        match (self, sansho_core::Category::parse(category)) {
            (Lang::Ja, Some(c)) => c.ja().to_owned(),
            (Lang::En, Some(C::Organizational)) => "Organizational".into(),
            (Lang::En, Some(C::Physical)) => "Physical".into(),
            (Lang::En, Some(C::Technical)) => "Technical".into(),
            (Lang::En, Some(C::Human)) => "Human".into(),
            // A category the source names itself (情報の破棄) stays as printed.
            _ => category.to_owned(),
        }
    }
    pub fn parse(s: &str) -> Option<Lang> {
        match s {
            "ja" => Some(Lang::Ja),
            "en" => Some(Lang::En),
            _ => None,
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Lang {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let cookie = parts.headers.get_all(axum::http::header::COOKIE).iter().filter_map(|v| v.to_str().ok());
        for header in cookie {
            for pair in header.split(';') {
                if let Some(v) = pair.trim().strip_prefix("lang=") {
                    return Ok(Lang::parse(v).unwrap_or_default());
                }
            }
        }
        Ok(Lang::Ja)
    }
}

tokio::task_local! {
    /// The language of the page being made, set by the page layer (`chrome::layer`) around the
    /// handler, so errors made far from it (a store refusal turned into a `WebError`) speak it.
    static PAGE_LANG: Lang;
}

/// The language of the page being made; English outside a page (the API).
pub fn current() -> Lang {
    PAGE_LANG.try_with(|l| *l).unwrap_or(Lang::En)
}

/// Runs `f` (a page handler) with `lang` as the page's language for [`current`].
pub async fn scope<F: std::future::Future>(lang: Lang, f: F) -> F::Output {
    PAGE_LANG.scope(lang, f).await
}

impl From<Lang> for sansho_core::Lang {
    fn from(l: Lang) -> Self {
        match l {
            Lang::Ja => sansho_core::Lang::Ja,
            Lang::En => sansho_core::Lang::En,
        }
    }
}

//! The page language: Japanese unless the `lang` cookie says English.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;

/// The language a page is rendered in: the one [`sansho_core::Lang`]. Guideline text is always
/// the catalog's own (Japanese).
pub use sansho_core::Lang;

/// The web's words for the catalogs' values, in a language (used by the templates as
/// `lang.level(…)`).
pub trait LangExt {
    /// The word of a level (`mandatory` → 遵守事項).
    fn level(self, level: &str) -> String;
    /// The word of a relation (`equivalent-to` → 同等).
    fn relation(self, relation: &str) -> String;
    /// The word of a control category (`technical` → 技術的安全対策 as the catalogs call it).
    fn category(self, category: &str) -> String;
}

impl LangExt for Lang {
    fn level(self, level: &str) -> String {
        crate::view::level_word(self, Some(level))
    }
    fn relation(self, relation: &str) -> String {
        crate::view::relation_word(self, relation)
    }
    fn category(self, category: &str) -> String {
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
}

/// The language a request asks for: its `lang` cookie, else Japanese.
pub fn from_cookie(parts: &Parts) -> Lang {
    let cookie = parts.headers.get_all(axum::http::header::COOKIE).iter().filter_map(|v| v.to_str().ok());
    for header in cookie {
        for pair in header.split(';') {
            if let Some(v) = pair.trim().strip_prefix("lang=") {
                return Lang::parse(v).unwrap_or_default();
            }
        }
    }
    Lang::Ja
}

/// The page language as a handler's argument (`PageLang(lang): PageLang`): the `lang` cookie,
/// else Japanese.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PageLang(pub Lang);

impl<S: Send + Sync> FromRequestParts<S> for PageLang {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(PageLang(from_cookie(parts)))
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

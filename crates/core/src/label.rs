//! Matching labels and search text the way people type them.
//!
//! A label is matched "as printed, ignoring spaces and full-/half-width forms": `3.2.1(ウ)4`
//! finds `3.2.1 (ウ) 4`, `３．２．１（ウ）４` too. NFKC folds full-width ASCII and half-width
//! katakana to their usual forms; then white space is dropped and ASCII is lower-cased.

use unicode_normalization::UnicodeNormalization;

/// The key a label is compared by.
pub fn label_key(label: &str) -> String {
    fold(label).chars().filter(|c| !c.is_whitespace()).collect()
}

/// NFKC, ASCII lower case, and the long-vowel/dash variants PDF extraction produces folded
/// to one form. Keeps white space (search needs word boundaries for Latin text).
pub fn fold(s: &str) -> String {
    s.nfkc()
        .map(|c| match c {
            // Dashes and minus signs that extraction and IMEs mix up.
            '‐' | '‑' | '‒' | '–' | '—' | '―' | '−' => '-',
            '〜' => '~',
            c => c.to_ascii_lowercase(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_match_across_spacing_and_width() {
        assert_eq!(label_key("3.2.1(ウ)4"), label_key("3.2.1 (ウ) 4"));
        assert_eq!(label_key("３．２．１（ウ）４"), label_key("3.2.1 (ウ) 4"));
        assert_eq!(label_key("3.2.1 (ｳ) 4"), label_key("3.2.1 (ウ) 4"));
        assert_eq!(label_key("6.3 C 5 (d)"), "6.3c5(d)");
        assert_ne!(label_key("3.2.1 (ウ) 4"), label_key("3.2.1 (ウ) 5"));
    }
}

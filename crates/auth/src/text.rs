//! Folding what people type (often through a Japanese input method) into plain ASCII, for codes
//! whose alphabet is ASCII: recovery codes, setup tokens, TOTP codes. NFKC is not available, so the
//! full-width forms are mapped here.

/// Maps one typed character to its ASCII form where there is an obvious one: full-width ASCII
/// (U+FF01..U+FF5E → U+0021..U+007E), the ideographic space (U+3000) to a space, and the dashes an
/// input method produces for "-" (hyphens U+2010..U+2015, minus U+2212, katakana prolonged sound
/// marks U+30FC and U+FF70) to "-". Anything else is returned unchanged.
pub(crate) fn fold_char(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' => ' ',
        '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{30FC}' | '\u{FF70}' => '-',
        _ => c,
    }
}

/// Folds `input` with [`fold_char`], drops whitespace and hyphens (the grouping people add or
/// omit), and lowercases ASCII letters.
pub(crate) fn fold_code(input: &str) -> String {
    input.chars().map(fold_char).filter(|c| !c.is_whitespace() && *c != '-').map(|c| c.to_ascii_lowercase()).collect()
}

/// Crockford's base32 alphabet in lower case (`0-9 a-z` without `i l o u`): 32 symbols, so a
/// random byte's low five bits pick one without bias. Recovery codes and setup tokens use it.
pub(crate) const CROCKFORD: &[u8; 32] = b"0123456789abcdefghjkmnpqrstvwxyz";

/// `len` characters from [`CROCKFORD`] for `len` random bytes from `fill`, in hyphen-separated
/// groups of four.
pub(crate) fn crockford_grouped(len: usize, fill: &mut crate::Fill) -> String {
    let mut bytes = vec![0u8; len];
    fill(&mut bytes);
    let chars: Vec<char> = bytes.iter().map(|b| char::from(CROCKFORD[usize::from(b & 31)])).collect();
    chars.chunks(4).map(|group| group.iter().collect::<String>()).collect::<Vec<_>>().join("-")
}

/// The canonical form of a typed Crockford code of `len` characters: folded with [`fold_code`],
/// `o` read as `0` and `i`/`l` as `1` (Crockford's rule for the letters it leaves out). `None` when
/// the length is wrong or a character is outside the alphabet.
pub(crate) fn crockford_canonical(input: &str, len: usize) -> Option<String> {
    let folded: String = fold_code(input)
        .chars()
        .map(|c| match c {
            'o' => '0',
            'i' | 'l' => '1',
            c => c,
        })
        .collect();
    (folded.len() == len && folded.bytes().all(|b| CROCKFORD.contains(&b))).then_some(folded)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_width_ascii_is_folded() {
        assert_eq!(fold_char('Ａ'), 'A');
        assert_eq!(fold_char('ｚ'), 'z');
        assert_eq!(fold_char('０'), '0');
        assert_eq!(fold_char('９'), '9');
        assert_eq!(fold_char('！'), '!');
        assert_eq!(fold_char('～'), '~');
        assert_eq!(fold_char('－'), '-');
        assert_eq!(fold_char('あ'), 'あ');
    }

    #[test]
    fn codes_lose_spacing_dashes_and_case() {
        assert_eq!(fold_code(" ＡＢｃｄ－１２ー34\u{3000}x‐y\t"), "abcd1234xy");
    }
}

//! Cleaning extraction debris out of seed text, without touching the words.
//!
//! What counts as debris is decided here once for all importers: runs of white space
//! (including ideographic spaces used as padding) become one space and ends are trimmed;
//! HTML tags left by the extraction (`<p>`, `<ul …>`, `</li>`) are removed. Anything else
//! — a lost character, a wrong number — is a repair and goes through the overrides.

/// Removes HTML tags and normalises white space. Keeps every other character as it is.
pub fn clean(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('<') {
        out.push_str(&rest[..i]);
        let after = &rest[i..];
        match html_tag_len(after) {
            Some(n) => {
                out.push(' ');
                rest = &after[n..];
            }
            None => {
                out.push('<');
                rest = &after[1..];
            }
        }
    }
    out.push_str(rest);
    squeeze(&out)
}

/// Collapses white-space runs to one ASCII space and trims.
pub fn squeeze(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for w in s.split(|c: char| c.is_whitespace()).filter(|w| !w.is_empty()) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    out
}

/// The byte length of an HTML tag at the start of `s` (`<p>`, `</li>`, `<ul style="…">`),
/// if it is one. Only tag names made of ASCII letters count, so `<保存する場所>` stays.
fn html_tag_len(s: &str) -> Option<usize> {
    let body = s.strip_prefix('<')?;
    let body = body.strip_prefix('/').unwrap_or(body);
    let name_len = body.bytes().take_while(|b| b.is_ascii_alphabetic()).count();
    if name_len == 0 {
        return None;
    }
    let close = s.find('>')?;
    let inner = &s[1..close];
    if inner.contains('<') || inner.chars().any(|c| !c.is_ascii() && !c.is_whitespace()) && !inner.contains('=') {
        return None;
    }
    Some(close + 1)
}

/// Bytes (a digest) as lowercase hexadecimal.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cleans_tags_and_spaces_only() {
        assert_eq!(clean("<p>11. パスワードを  利用者識別</p>"), "11. パスワードを 利用者識別");
        assert_eq!(clean("(1)監査 <ul style=\"list-style-type: none\"> ● 作業者"), "(1)監査 ● 作業者");
        assert_eq!(clean("a　\u{3000}b"), "a b");
        assert_eq!(clean("x < y"), "x < y");
        assert_eq!(clean("【保存する場所について共通する内容】"), "【保存する場所について共通する内容】");
    }
}

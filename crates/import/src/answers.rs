//! Answer files: a vendor's answers as text in its own repository ("compliance as code").
//!
//! ```toml
//! # The catalog the answers are for (the command line may name it instead).
//! catalog = "mhlw-3-checklist"
//!
//! [[answer]]
//! requirement = "組織的安全管理対策 1"   # an id (org-1) or the printed label
//! result = "implemented"                  # or 実施済 / 一部実施 / 未実施 / 該当なし / 未回答, ■ / □, ○ / ×, 済 / 未, yes / no
//! how = "運用責任者を1名、担当者を2名設置"   # 実施内容 (optional)
//! justification = "…"                      # mandatory when the result is not-applicable (該当なし)
//! ```
//!
//! Parsing checks the shape and the words; which requirement a `requirement` names is the
//! caller's business (it needs the catalogs). Every error names the file, line and column.

use serde::Deserialize;
use toml::Spanned;

use sansho_core::assess::ResultCode;

use sansho_core::{Msg, ja_en};

use crate::ImportError;

/// A TOML file that cannot be read as the shape asked for: a Japanese lead with the parser's
/// own (English) detail in parentheses, and that detail alone in English.
pub(crate) fn toml_msg(e: &toml::de::Error) -> Msg {
    let detail = e.message().trim_end();
    ja_en!("TOML として読めません（{detail}）", "{detail}")
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileIn {
    catalog: Option<Spanned<String>>,
    #[serde(default)]
    answer: Vec<Spanned<AnswerIn>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AnswerIn {
    requirement: Spanned<String>,
    result: Spanned<String>,
    how: Option<String>,
    justification: Option<String>,
}

/// One answer to write out (see [`to_toml`]).
#[derive(Debug, Clone, serde::Serialize)]
pub struct AnswerOut {
    /// The requirement: its local id or printed label.
    pub requirement: String,
    /// The result word, e.g. 実施済.
    pub result: String,
    /// 実施内容: how it is implemented.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub how: Option<String>,
    /// Why it does not apply (該当なし).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub justification: Option<String>,
}

#[derive(serde::Serialize)]
struct FileOut<'a> {
    catalog: &'a str,
    answer: &'a [AnswerOut],
}

/// Renders an answers file, `header` lines first as comments.
pub fn to_toml(catalog: &str, answers: &[AnswerOut], header: &[&str]) -> String {
    let mut out: String = header.iter().map(|h| format!("# {h}\n")).collect();
    if !header.is_empty() {
        out.push('\n');
    }
    out.push_str(&toml::to_string(&FileOut { catalog, answer: answers }).expect("answers serialize to TOML"));
    out
}

/// A position in the answers file (1-based).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pos {
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
}

/// One answer as written, with where its fields are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnswerEntry {
    /// The id or printed label, as written.
    pub requirement: String,
    /// Where the `requirement` value is.
    pub requirement_at: Pos,
    /// The result, read from any of the words users write.
    pub result: ResultCode,
    /// 実施内容: how it is implemented.
    pub how: Option<String>,
    /// Why it does not apply (mandatory for 該当なし).
    pub justification: Option<String>,
    /// Where the `[[answer]]` entry is.
    pub at: Pos,
}

/// A parsed answers file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnswersFile {
    /// The catalog the file names, and where; `None` when the command line must name it.
    pub catalog: Option<(String, Pos)>,
    /// The answers, in file order.
    pub answers: Vec<AnswerEntry>,
}

/// Reads a result word as users write it in checklists.
pub fn result_word(s: &str) -> Option<ResultCode> {
    if let Some(r) = ResultCode::parse(s) {
        return Some(r);
    }
    let lower = s.trim().to_lowercase();
    // English words as a table prints them: `Implemented`, `Not implemented`, `not_applicable`.
    if let Some(r) = ResultCode::parse(&lower.replace([' ', '_'], "-")) {
        return Some(r);
    }
    match lower.as_str() {
        "■" | "○" | "◯" | "〇" | "●" | "✓" | "✔" | "☑" | "済" | "済み" | "実施済み" | "yes" | "y" | "はい" | "true" => {
            Some(ResultCode::Implemented)
        }
        "□" | "☐" | "×" | "✕" | "✗" | "✘" | "未" | "no" | "n" | "いいえ" | "false" => {
            Some(ResultCode::NotImplemented)
        }
        "△" | "一部" | "一部実施済" => Some(ResultCode::Partial),
        "-" | "－" | "―" | "n/a" | "na" | "対象外" | "非該当" | "該当無し" => {
            Some(ResultCode::NotApplicable)
        }
        _ => None,
    }
}

fn position(text: &str, offset: usize) -> Pos {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    Pos { line, column }
}

/// The text of an answers file (UTF-8, a byte order mark allowed); invalid UTF-8 is an error
/// at the line and column of the first bad byte, with its byte offset.
pub fn decode<'b>(file: &str, bytes: &'b [u8]) -> Result<&'b str, ImportError> {
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    std::str::from_utf8(body).map_err(|e| {
        let good = e.valid_up_to();
        let valid = std::str::from_utf8(&body[..good]).expect("valid up to here");
        let p = position(valid, good);
        let offset = good + (bytes.len() - body.len());
        ImportError::at(
            file,
            p.line,
            p.column,
            {
                let byte = body[good];
                ja_en!(
                    "UTF-8 ではありません: バイト位置 {offset} のバイト 0x{byte:02X} は UTF-8 の文字の始まりではありません（ファイルを UTF-8 で保存してください）",
                    "not UTF-8: byte 0x{byte:02X} at byte offset {offset} does not start a UTF-8 character (save the file as UTF-8)"
                )
            },
        )
    })
}

/// Parses an answers file from its bytes (see [`decode`] and [`parse_answers`]).
pub fn parse_answers_bytes(file: &str, bytes: &[u8]) -> Result<AnswersFile, ImportError> {
    parse_answers(file, decode(file, bytes)?)
}

/// Parses an answers file; `file` names it in errors.
pub fn parse_answers(file: &str, text: &str) -> Result<AnswersFile, ImportError> {
    let err = |offset: usize, msg: Msg| {
        let p = position(text, offset);
        ImportError::at(file, p.line, p.column, msg)
    };
    let raw: FileIn = toml::from_str(text).map_err(|e| err(e.span().map_or(0, |s| s.start), toml_msg(&e)))?;
    let catalog = raw.catalog.map(|c| (c.get_ref().clone(), position(text, c.span().start)));
    let mut answers = Vec::with_capacity(raw.answer.len());
    for a in raw.answer {
        let at = position(text, a.span().start);
        let a = a.into_inner();
        let result = result_word(a.result.get_ref()).ok_or_else(|| {
            err(
                a.result.span().start,
                {
                    let word = a.result.get_ref();
                    ja_en!(
                        "実施状況 {word:?} は使えない語です。実施済・一部実施・未実施・該当なし・未回答（または ■/□、○/×、済/未、yes/no）のいずれかを書いてください",
                        "unknown result {word:?}; write one of implemented, partial, not-implemented, not-applicable, unanswered \
                         (or 実施済, 一部実施, 未実施, 該当なし, 未回答, ■/□, ○/×, 済/未, yes/no)"
                    )
                },
            )
        })?;
        if a.requirement.get_ref().trim().is_empty() {
            return Err(err(a.requirement.span().start, Msg::new("要求事項が空です", "the requirement is empty")));
        }
        if result == ResultCode::NotApplicable && a.justification.as_deref().is_none_or(|j| j.trim().is_empty()) {
            return Err(err(a.result.span().start, {
                let req = a.requirement.get_ref();
                ja_en!(
                    "{req:?} は該当なし: 理由（`justification`）が必要です",
                    "{req:?} is 該当なし (not applicable): a `justification` is mandatory"
                )
            }));
        }
        answers.push(AnswerEntry {
            requirement: a.requirement.get_ref().clone(),
            requirement_at: position(text, a.requirement.span().start),
            result,
            how: a.how,
            justification: a.justification,
            at,
        });
    }
    Ok(AnswersFile { catalog, answers })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_utf8_is_refused_at_its_line_column_and_byte() {
        let e = parse_answers_bytes("a.toml", b"catalog = \"x\"\nhow = \"\xe5\xae\x9f\xff\"\n").unwrap_err();
        assert_eq!((e.line, e.column), (2, 9));
        assert!(e.message.contains("0xFF") && e.message.contains("byte offset 24"), "{e}");
        let e = parse_answers_bytes("a.toml", b"\xEF\xBB\xBF\x80").unwrap_err();
        assert_eq!((e.line, e.column), (1, 1));
        assert!(e.message.contains("byte offset 3"), "{e}");
        assert!(parse_answers_bytes("a.toml", b"\xEF\xBB\xBFcatalog = \"x\"\n").is_ok());
    }

    #[test]
    fn parses_words_and_positions() {
        let text = "catalog = \"mhlw-3-checklist\"\n\n[[answer]]\nrequirement = \"org-1\"\nresult = \"■\"\nhow = \"設置\"\n\n[[answer]]\nrequirement = \"物理的安全対策 2\"\nresult = \"該当なし\"\njustification = \"紙媒体なし\"\n";
        let f = parse_answers("a.toml", text).unwrap();
        assert_eq!(f.catalog.as_ref().unwrap().0, "mhlw-3-checklist");
        assert_eq!(f.answers.len(), 2);
        assert_eq!(f.answers[0].result, ResultCode::Implemented);
        assert_eq!(f.answers[1].result, ResultCode::NotApplicable);
        assert_eq!(f.answers[1].requirement_at, Pos { line: 9, column: 15 });
    }

    #[test]
    fn errors_name_line_and_column() {
        let e = parse_answers("a.toml", "[[answer]]\nrequirement = \"x\"\nresult = \"maybe\"\n").unwrap_err();
        assert_eq!((e.file.as_str(), e.line, e.column), ("a.toml", 3, 10));
        assert!(e.message.contains("unknown result \"maybe\""), "{e}");
        let e = parse_answers("a.toml", "[[answer]]\nrequirement = \"x\"\nresult = \"not-applicable\"\n").unwrap_err();
        assert_eq!(e.line, 3);
        assert!(e.message.contains("justification"), "{e}");
        let e = parse_answers("a.toml", "[[answer]]\nrequirement = \"x\"\nresult = \"yes\"\ncolour = 1\n").unwrap_err();
        assert_eq!(e.line, 4);
        for (w, r) in [
            ("○", ResultCode::Implemented),
            ("×", ResultCode::NotImplemented),
            ("済", ResultCode::Implemented),
            ("No", ResultCode::NotImplemented),
            ("未回答", ResultCode::Unanswered),
        ] {
            assert_eq!(result_word(w), Some(r), "{w}");
        }
    }
}

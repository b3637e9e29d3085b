//! Usage errors (a mistyped command line) in the user's language. clap speaks English; in
//! Japanese mode (the default) its common errors are said in Japanese, keeping every argument,
//! value and suggestion it names, then the usage line and a pointer to `--help`. `--help`,
//! `--version` and English mode are clap's own, and a usage error still ends with code 2.

use std::ffi::OsString;
use std::process::ExitCode;

use clap::error::{ContextKind, ContextValue, ErrorKind};

use crate::args::Lang;

/// The language asked for before the command line is known to be valid: `--lang en`,
/// `--lang=en`, else `SANSHO_LANG`, else Japanese.
pub fn lang_of(args: impl IntoIterator<Item = OsString>, env: Option<OsString>) -> Lang {
    let mut args = args.into_iter().skip(1);
    while let Some(a) = args.next() {
        let Some(a) = a.to_str() else { continue };
        if a == "--" {
            break;
        }
        if a == "--lang" {
            return args.next().and_then(|v| v.to_str().and_then(Lang::parse)).unwrap_or_default();
        }
        if let Some(v) = a.strip_prefix("--lang=") {
            return Lang::parse(v).unwrap_or_default();
        }
    }
    env.and_then(|v| v.to_str().and_then(Lang::parse)).unwrap_or_default()
}

/// Ends the program for a command line clap refused: help and version as clap prints them, a
/// usage error in `lang` (clap's own words in English).
pub fn exit(e: clap::Error, lang: Lang) -> ExitCode {
    let plain = matches!(
        e.kind(),
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    );
    if plain || lang == Lang::En {
        e.exit();
    }
    eprint!("{}", japanese(&e));
    ExitCode::from(e.exit_code().clamp(0, 255) as u8)
}

fn context(e: &clap::Error, kind: ContextKind) -> Vec<String> {
    match e.get(kind) {
        Some(ContextValue::String(s)) => vec![s.clone()],
        Some(ContextValue::Strings(v)) => v.clone(),
        Some(ContextValue::StyledStr(s)) => vec![s.to_string()],
        Some(ContextValue::StyledStrs(v)) => v.iter().map(ToString::to_string).collect(),
        Some(ContextValue::Number(n)) => vec![n.to_string()],
        _ => Vec::new(),
    }
}

fn quoted(v: &[String]) -> String {
    v.iter().map(|s| format!("'{s}'")).collect::<Vec<_>>().join("、")
}

/// A usage error in Japanese: what is wrong, a hint where clap has one, the usage line, and
/// where to read more.
pub fn japanese(e: &clap::Error) -> String {
    let one = |kind| context(e, kind).into_iter().next().unwrap_or_default();
    let arg = one(ContextKind::InvalidArg);
    let value = one(ContextKind::InvalidValue);
    let mut hints: Vec<String> = Vec::new();
    let suggested = [ContextKind::SuggestedArg, ContextKind::SuggestedSubcommand, ContextKind::SuggestedValue]
        .into_iter()
        .flat_map(|k| context(e, k))
        .collect::<Vec<_>>();
    if !suggested.is_empty() {
        hints.push(format!("{} のことですか？", quoted(&suggested)));
    }
    let headline = match e.kind() {
        ErrorKind::UnknownArgument => {
            if let Some(extra) = context(e, ContextKind::Suggested).into_iter().find(|s| s.contains("-- ")) {
                // clap's `to pass '-x' as a value, use '-- -x'`: the command to type is kept.
                let typed = extra.rsplit_once("use ").map_or(extra.as_str(), |(_, t)| t).trim();
                hints.push(format!("'{arg}' を値として渡すには {typed} と書いてください"));
            }
            format!("予期しない引数 '{arg}' があります")
        }
        ErrorKind::InvalidSubcommand => format!("不明なサブコマンド '{}' です", one(ContextKind::InvalidSubcommand)),
        ErrorKind::InvalidValue if value.is_empty() => {
            let valid = context(e, ContextKind::ValidValue);
            if !valid.is_empty() {
                hints.push(format!("使える値: {}", valid.join(", ")));
            }
            format!("{arg} に値がありません")
        }
        ErrorKind::InvalidValue => {
            let valid = context(e, ContextKind::ValidValue);
            if !valid.is_empty() {
                hints.push(format!("使える値: {}", valid.join(", ")));
            }
            format!("'{value}' は {arg} の値として使えません")
        }
        ErrorKind::ValueValidation => {
            let detail = std::error::Error::source(e).map(ToString::to_string).unwrap_or_default();
            if detail.is_empty() {
                format!("'{value}' は {arg} の値として使えません")
            } else {
                format!("'{value}' は {arg} の値として使えません（{detail}）")
            }
        }
        ErrorKind::MissingRequiredArgument => {
            format!("必要な引数が指定されていません: {}", context(e, ContextKind::InvalidArg).join(" "))
        }
        ErrorKind::MissingSubcommand => {
            let valid = context(e, ContextKind::ValidSubcommand);
            if !valid.is_empty() {
                hints.push(format!("サブコマンド: {}", valid.join(", ")));
            }
            format!("'{}' にはサブコマンドが必要です", one(ContextKind::InvalidSubcommand))
        }
        ErrorKind::ArgumentConflict => {
            let prior = context(e, ContextKind::PriorArg);
            if prior.is_empty() {
                format!("引数 '{arg}' は 2 回以上指定できません")
            } else {
                format!("引数 '{arg}' は {} と一緒には使えません", quoted(&prior))
            }
        }
        ErrorKind::TooManyValues => format!("{arg} に余分な値 '{value}' があります"),
        ErrorKind::TooFewValues | ErrorKind::WrongNumberOfValues => {
            let want = one(ContextKind::ExpectedNumValues);
            let want = if want.is_empty() { one(ContextKind::MinValues) } else { want };
            format!("{arg} の値の数が違います（必要な数 {want}、指定された数 {}）", one(ContextKind::ActualNumValues))
        }
        ErrorKind::NoEquals => format!("{arg} の値は '=' を付けて指定してください"),
        ErrorKind::InvalidUtf8 => "コマンドラインに UTF-8 ではない文字があります".to_owned(),
        // Anything rarer: clap's words after a Japanese lead.
        _ => {
            let english = e.render().to_string();
            let first = english.lines().next().unwrap_or_default().trim_start_matches("error: ").to_owned();
            format!("コマンドラインを読めません（{first}）")
        }
    };
    let mut out = format!("エラー: {headline}\n");
    for h in hints {
        out.push_str(&format!("  ヒント: {h}\n"));
    }
    // The usage line where clap has one (it has none for a value it refused, as in English).
    if let Some(usage) = context(e, ContextKind::Usage).into_iter().next() {
        let usage = usage.trim();
        let usage = usage.strip_prefix("Usage:").map_or(usage.to_owned(), |u| format!("使い方:{u}"));
        out.push_str(&format!("\n{usage}\n"));
    }
    out.push_str("\n詳しくは '--help' を参照してください。\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn os(v: &[&str]) -> Vec<OsString> {
        v.iter().map(OsString::from).collect()
    }

    #[test]
    fn the_language_is_read_before_the_command_line_is_valid() {
        assert_eq!(lang_of(os(&["sansho", "--lang", "en", "nonsense"]), None), Lang::En);
        assert_eq!(lang_of(os(&["sansho", "nonsense", "--lang=en"]), None), Lang::En);
        assert_eq!(lang_of(os(&["sansho", "nonsense"]), Some("en".into())), Lang::En);
        assert_eq!(lang_of(os(&["sansho", "--lang", "ja"]), Some("en".into())), Lang::Ja);
        assert_eq!(lang_of(os(&["sansho", "--", "--lang", "en"]), None), Lang::Ja);
        assert_eq!(lang_of(os(&["sansho", "--lang", "fr"]), Some("en".into())), Lang::Ja);
        assert_eq!(lang_of(os(&["sansho"]), None), Lang::Ja);
    }
}

//! Small helpers for output meant for people: language choice and tables.

use comfy_table::{ContentArrangement, Table, presets::UTF8_FULL_CONDENSED};

use crate::args::Lang;

/// The output language of this run (`--lang` / `SANSHO_LANG`), set once at start, for the few
/// places that are not handed it (reading files, writing them).
static LANG: std::sync::OnceLock<Lang> = std::sync::OnceLock::new();

pub fn set_lang(lang: Lang) {
    let _ = LANG.set(lang);
}

pub fn lang() -> Lang {
    LANG.get().copied().unwrap_or(Lang::Ja)
}

/// Picks the Japanese or English wording.
pub fn t<'a>(lang: Lang, ja: &'a str, en: &'a str) -> &'a str {
    match lang {
        Lang::Ja => ja,
        Lang::En => en,
    }
}

/// A message in the chosen language, each wording a `format!` string:
/// `tr!(lang, "{file}: 読めません", "{file}: cannot read")`.
macro_rules! tr {
    ($lang:expr, $ja:literal, $en:literal $(,)?) => {
        match $lang {
            $crate::args::Lang::Ja => format!($ja),
            $crate::args::Lang::En => format!($en),
        }
    };
}
pub(crate) use tr;

/// [`tr!`] in this run's language ([`lang`]).
macro_rules! msg {
    ($ja:literal, $en:literal $(,)?) => {
        $crate::ui::tr!($crate::ui::lang(), $ja, $en)
    };
}
pub(crate) use msg;

/// A table that wraps to the terminal width (or 120 columns when not on a terminal).
pub fn table(header: Vec<&str>) -> Table {
    let mut table = Table::new();
    table.load_style(UTF8_FULL_CONDENSED).set_content_arrangement(ContentArrangement::Dynamic).set_header(header);
    if table.width().is_none() {
        table.set_width(120);
    }
    table
}

/// Shortens a text to `max` characters, marking the cut.
pub fn ellipsize(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_owned()
    } else {
        let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
        out.push('…');
        out
    }
}

pub fn print_json(value: &impl serde::Serialize) -> anyhow::Result<()> {
    outln!("{}", serde_json::to_string_pretty(value)?);
    Ok(())
}

/// Writes one line to standard output. When the reader has gone away (`sansho … | head`),
/// the program ends quietly with success instead of panicking.
pub fn write_line(args: std::fmt::Arguments<'_>) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    if let Err(e) = out.write_fmt(args).and_then(|()| out.write_all(b"\n")) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("sansho: {}", msg!("標準出力に書き込めません: {e}", "cannot write to standard output: {e}"));
        std::process::exit(1);
    }
}

/// `println!` that survives a closed pipe; see [`write_line`].
macro_rules! outln {
    () => { $crate::ui::write_line(format_args!("")) };
    ($($arg:tt)*) => { $crate::ui::write_line(format_args!($($arg)*)) };
}
pub(crate) use outln;

//! Where the user's catalogs and database are: command-line options, environment variables, or a
//! config file.
//!
//! ```toml
//! # sansho.toml (in the working folder) or <config dir>/sansho/config.toml
//! catalogs = ["our-catalogs", "/srv/sansho/catalogs"]   # relative to the config file
//! db = "assessments/sansho.db"                           # relative to the config file
//! listen = "127.0.0.1:8080"                              # sansho serve
//! public_url = "https://sansho.example.jp"               # behind a TLS proxy: Secure cookies
//! time_zone = "Asia/Tokyo"                               # dates written for people (出力日)
//! ```

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde::Deserialize;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfigFile {
    #[serde(default)]
    catalogs: Vec<PathBuf>,
    db: Option<PathBuf>,
    /// `sansho serve`: the address to listen on.
    listen: Option<std::net::SocketAddr>,
    /// `sansho serve`: the address users reach it at (https:// behind a TLS proxy).
    public_url: Option<String>,
    /// The IANA time zone of dates written for people (an export's 出力日); `SANSHO_TZ` wins.
    time_zone: Option<String>,
}

/// Everything the configuration says, read once at start: the command line and environment,
/// and the config file (explicit, else ./sansho.toml, else the user's) for what they leave open.
/// Commands and `sansho serve` take their values from here; nothing reads the file again.
#[derive(Debug)]
pub struct Settings {
    /// The catalog folders to load besides the bundled catalogs: `--catalogs` /
    /// `SANSHO_CATALOGS`, then the config file's `catalogs`.
    pub catalog_dirs: Vec<PathBuf>,
    /// `--db` / `SANSHO_DB`, else the config file's `db` (see [`Settings::db_path`]).
    db: Option<PathBuf>,
    /// `sansho serve`: the config file's address to listen on (`--listen` wins).
    pub listen: Option<std::net::SocketAddr>,
    /// `sansho serve`: the config file's address users reach it at (`--public-url` wins).
    pub public_url: Option<String>,
    /// The time zone of dates written for people (see [`time_zone`]).
    pub time_zone: chrono_tz::Tz,
}

impl Settings {
    /// Reads the config file (if there is one) and merges it with the command line's values.
    pub fn read(cli_catalogs: &[PathBuf], cli_db: Option<&Path>, explicit_config: Option<&Path>) -> Result<Settings> {
        let file = read(explicit_config)?.unwrap_or_default();
        let mut catalog_dirs = cli_catalogs.to_vec();
        catalog_dirs.extend(file.catalogs);
        Ok(Settings {
            catalog_dirs,
            db: cli_db.map(Path::to_path_buf).or(file.db),
            listen: file.listen,
            public_url: file.public_url,
            time_zone: time_zone(file.time_zone)?,
        })
    }

    /// The database file: `--db` / `SANSHO_DB`, else the config file's `db`, else `sansho.db` in
    /// the user's data folder (e.g. ~/.local/share/sansho on Linux).
    pub fn db_path(&self) -> Result<PathBuf> {
        if let Some(db) = &self.db {
            return Ok(db.clone());
        }
        let dirs = directories::ProjectDirs::from("", "", "sansho").with_context(|| {
            crate::ui::msg!(
                "ユーザーのデータフォルダーがわかりません: --db FILE か SANSHO_DB で指定してください",
                "cannot tell where the user's data folder is: pass --db FILE or set SANSHO_DB"
            )
        })?;
        Ok(dirs.data_dir().join("sansho.db"))
    }
}

/// The time zone dates are written in (an export's 出力日, today's date, times in lists):
/// `SANSHO_TZ`, else the config file's `time_zone`, else Asia/Tokyo — the guidelines' users are
/// in Japan, and a server's own zone is often UTC.
fn time_zone(configured: Option<String>) -> Result<chrono_tz::Tz> {
    let (name, source) = match std::env::var("SANSHO_TZ") {
        Ok(name) if !name.trim().is_empty() => (name, "SANSHO_TZ".to_owned()),
        _ => match configured {
            Some(name) => (name, crate::ui::msg!("設定ファイルの time_zone", "time_zone in the config file")),
            None => return Ok(chrono_tz::Asia::Tokyo),
        },
    };
    name.trim().parse::<chrono_tz::Tz>().map_err(|_| {
        anyhow::anyhow!(crate::ui::msg!(
            "{source}: 不明なタイムゾーン {name:?}（Asia/Tokyo や UTC などの IANA 名で指定してください）",
            "{source}: unknown time zone {name:?} (an IANA name such as Asia/Tokyo or UTC)"
        ))
    })
}

/// The config file (explicit, else ./sansho.toml, else the user's), read, with paths made
/// relative to its folder.
fn read(explicit_config: Option<&Path>) -> Result<Option<ConfigFile>> {
    let path = match explicit_config {
        Some(p) => p.to_path_buf(),
        None => match default_config() {
            Some(p) => p,
            None => return Ok(None),
        },
    };
    let text = std::fs::read_to_string(&path).with_context(|| {
        let p = path.display();
        crate::ui::msg!("設定ファイル {p} を読めません", "reading config file {p}")
    })?;
    let mut cfg: ConfigFile = toml::from_str(&text).map_err(|e| {
        let line = e.span().map_or(0, |s| text[..s.start].matches('\n').count() + 1);
        let (p, m) = (path.display(), e.message());
        anyhow::anyhow!(crate::ui::msg!("{p}:{line}: 設定ファイルの誤り: {m}", "{p}:{line}: {m}"))
    })?;
    let base = path.parent().unwrap_or(Path::new("."));
    let anchor = |d: PathBuf| if d.is_absolute() { d } else { base.join(d) };
    cfg.catalogs = cfg.catalogs.into_iter().map(anchor).collect();
    cfg.db = cfg.db.map(anchor);
    Ok(Some(cfg))
}

fn default_config() -> Option<PathBuf> {
    let local = PathBuf::from("sansho.toml");
    if local.is_file() {
        return Some(local);
    }
    let user = directories::ProjectDirs::from("", "", "sansho")?.config_dir().join("config.toml");
    user.is_file().then_some(user)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The file is read once, into the settings: with it gone afterwards, every value is still
    /// there, anchored at the file's folder.
    #[test]
    fn the_settings_hold_the_whole_file_once_read() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("sansho.toml");
        std::fs::write(
            &file,
            "catalogs = [\"ours\"]\ndb = \"data/sansho.db\"\nlisten = \"127.0.0.1:9000\"\n\
             public_url = \"https://sansho.example.jp\"\ntime_zone = \"UTC\"\n",
        )
        .unwrap();
        let settings = Settings::read(&[PathBuf::from("cli")], None, Some(&file)).unwrap();
        std::fs::remove_file(&file).unwrap();
        assert_eq!(settings.catalog_dirs, [PathBuf::from("cli"), dir.path().join("ours")]);
        assert_eq!(settings.db_path().unwrap(), dir.path().join("data/sansho.db"));
        assert_eq!(settings.listen, Some("127.0.0.1:9000".parse().unwrap()));
        assert_eq!(settings.public_url.as_deref(), Some("https://sansho.example.jp"));
        if std::env::var("SANSHO_TZ").is_err() {
            assert_eq!(settings.time_zone, chrono_tz::UTC);
        }
        // `--db` wins over the file's.
        std::fs::write(&file, "db = \"data/sansho.db\"\n").unwrap();
        let settings = Settings::read(&[], Some(Path::new("mine.db")), Some(&file)).unwrap();
        assert_eq!(settings.db_path().unwrap(), PathBuf::from("mine.db"));
    }

    /// A mistake in the file names the file and the line.
    #[test]
    fn a_bad_field_names_the_file_and_the_line() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("sansho.toml");
        std::fs::write(&file, "db = \"x.db\"\nlisten = 8080\n").unwrap();
        let err = Settings::read(&[], None, Some(&file)).unwrap_err().to_string();
        assert!(err.starts_with(&format!("{}:2: ", file.display())), "{err}");
    }
}

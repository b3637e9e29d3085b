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

/// The time zone dates are written in (an export's 出力日, today's date, times in lists):
/// `SANSHO_TZ`, else the config file's `time_zone`, else Asia/Tokyo — the guidelines' users are
/// in Japan, and a server's own zone is often UTC.
pub fn time_zone(explicit_config: Option<&Path>) -> Result<chrono_tz::Tz> {
    let (name, source) = match std::env::var("SANSHO_TZ") {
        Ok(name) if !name.trim().is_empty() => (name, "SANSHO_TZ".to_owned()),
        _ => match read(explicit_config)?.and_then(|c| c.time_zone) {
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

/// The server settings of the config file (command-line options and environment variables win).
#[derive(Debug, Default)]
pub struct ServerConfig {
    pub listen: Option<std::net::SocketAddr>,
    pub public_url: Option<String>,
}

pub fn server(explicit_config: Option<&Path>) -> Result<ServerConfig> {
    Ok(read(explicit_config)?.map(|c| ServerConfig { listen: c.listen, public_url: c.public_url }).unwrap_or_default())
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

/// The catalog folders to load besides the bundled catalogs.
pub fn catalog_dirs(cli_dirs: &[PathBuf], explicit_config: Option<&Path>) -> Result<Vec<PathBuf>> {
    let mut dirs = cli_dirs.to_vec();
    if let Some(cfg) = read(explicit_config)? {
        dirs.extend(cfg.catalogs);
    }
    Ok(dirs)
}

/// The database file: `--db` / `SANSHO_DB`, else the config file's `db`, else `sansho.db` in the
/// user's data folder (e.g. ~/.local/share/sansho on Linux).
pub fn db_path(cli_db: Option<&Path>, explicit_config: Option<&Path>) -> Result<PathBuf> {
    if let Some(p) = cli_db {
        return Ok(p.to_path_buf());
    }
    if let Some(db) = read(explicit_config)?.and_then(|c| c.db) {
        return Ok(db);
    }
    let dirs = directories::ProjectDirs::from("", "", "sansho").with_context(|| {
        crate::ui::msg!(
            "ユーザーのデータフォルダーがわかりません: --db FILE か SANSHO_DB で指定してください",
            "cannot tell where the user's data folder is: pass --db FILE or set SANSHO_DB"
        )
    })?;
    Ok(dirs.data_dir().join("sansho.db"))
}

fn default_config() -> Option<PathBuf> {
    let local = PathBuf::from("sansho.toml");
    if local.is_file() {
        return Some(local);
    }
    let user = directories::ProjectDirs::from("", "", "sansho")?.config_dir().join("config.toml");
    user.is_file().then_some(user)
}

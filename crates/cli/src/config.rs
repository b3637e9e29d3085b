//! Where the user's catalogs are: `--catalogs`, `SANSHO_CATALOGS`, or a config file.
//!
//! ```toml
//! # sansho.toml (in the working folder) or <config dir>/sansho/config.toml
//! catalogs = ["our-catalogs", "/srv/sansho/catalogs"]   # relative to the config file
//! ```

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde::Deserialize;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfigFile {
    #[serde(default)]
    catalogs: Vec<PathBuf>,
}

/// The catalog folders to load besides the bundled catalogs.
pub fn catalog_dirs(cli_dirs: &[PathBuf], explicit_config: Option<&Path>) -> Result<Vec<PathBuf>> {
    let mut dirs = cli_dirs.to_vec();
    let config = match explicit_config {
        Some(p) => Some(p.to_path_buf()),
        None => default_config(),
    };
    if let Some(path) = config {
        let text = std::fs::read_to_string(&path).with_context(|| format!("reading config file {}", path.display()))?;
        let cfg: ConfigFile = toml::from_str(&text).map_err(|e| {
            let line = e.span().map_or(0, |s| text[..s.start].matches('\n').count() + 1);
            anyhow::anyhow!("{}:{line}: {}", path.display(), e.message())
        })?;
        let base = path.parent().unwrap_or(Path::new("."));
        dirs.extend(cfg.catalogs.into_iter().map(|d| if d.is_absolute() { d } else { base.join(d) }));
    }
    Ok(dirs)
}

fn default_config() -> Option<PathBuf> {
    let local = PathBuf::from("sansho.toml");
    if local.is_file() {
        return Some(local);
    }
    let user = directories::ProjectDirs::from("", "", "sansho")?.config_dir().join("config.toml");
    user.is_file().then_some(user)
}

//! `sansho serve`: the web application on the embedded database.
//!
//! Listens on 127.0.0.1:8080 unless told otherwise. The server's master secret (from which the
//! CSRF and recovery-code keys are derived) is kept in `secret.key` beside the database, created
//! on first start with owner-only permissions. While no user exists, a one-time setup token is
//! printed on the console: whoever holds it creates the first admin (there is no default
//! password).

use std::io::Write;
use std::net::SocketAddr;
use std::path::Path;

use anyhow::{Context, Result};
use sansho_core::CatalogSet;

use crate::args::{Lang, ServeArgs};
use crate::config::Settings;
use crate::db::Db;
use crate::ui::t;

/// `--demo`: loads the bundled sample unless its organization is already there.
pub fn demo(db: &Db, set: &CatalogSet, lang: Lang) -> Result<()> {
    let orgs = db.run(db.store.organizations())?;
    if orgs.iter().any(|o| o.name == crate::cmd::sample::ORG_NAME) {
        return Ok(());
    }
    crate::cmd::sample::load(db, set, false, lang)
}

/// The master secret in `<db folder>/secret.key`: 32 random bytes, made on first start.
fn master_secret(db: &Path) -> Result<Vec<u8>> {
    let dir = db.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let path = dir.join("secret.key");
    match std::fs::read(&path) {
        Ok(bytes) if bytes.len() >= 32 => return Ok(bytes),
        Ok(_) => {
            let p = path.display();
            anyhow::bail!(crate::ui::msg!(
                "{p}: サーバーの秘密鍵としては短すぎます（削除すると新しく作ります。セッションは終わります）",
                "{p}: too short to be the server's secret (delete it to make a new one; sessions end)"
            ))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => {
            return Err(e).with_context(|| crate::errors::cannot(crate::ui::lang(), crate::errors::Io::Read, &path));
        }
    }
    std::fs::create_dir_all(dir)
        .with_context(|| crate::errors::cannot(crate::ui::lang(), crate::errors::Io::Create, dir))?;
    let mut secret = vec![0u8; 32];
    sansho_auth::random_bytes(&mut secret);
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options
        .open(&path)
        .with_context(|| crate::errors::cannot(crate::ui::lang(), crate::errors::Io::Create, &path))?;
    file.write_all(&secret)
        .and_then(|()| file.sync_all())
        .with_context(|| crate::errors::cannot(crate::ui::lang(), crate::errors::Io::Write, &path))?;
    Ok(secret)
}

/// Serves the web application on the database at `db`; `--listen` and `--public-url` win over
/// the configured `settings`.
pub fn run(set: CatalogSet, db: &Path, a: &ServeArgs, settings: &Settings, lang: Lang) -> Result<()> {
    let listen: SocketAddr = a.listen.or(settings.listen).unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 8080)));
    let public_url = a.public_url.clone().or_else(|| settings.public_url.clone());
    let https = public_url.as_deref().is_some_and(|u| u.starts_with("https://"));
    let secure = sansho_auth::cookie_secure(listen.ip(), https);
    let master = master_secret(db)?;
    // What goes wrong in a request (its detail never reaches the client) goes to standard error,
    // at `warn` unless RUST_LOG says otherwise.
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    let _ = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).with_ansi(false).try_init();
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    rt.block_on(async {
        let store = sansho_store::Store::open_with_ids(db, sansho_store::RandomIds)
            .await
            .map_err(|e| {
                let (p, e) = (db.display(), crate::errors::store(&e, lang));
                anyhow::anyhow!(crate::ui::tr!(lang, "{p}: データベースを開けません: {e}", "{p}: cannot open the database: {e}"))
            })?;
        let setup = if store.users().await?.is_empty() {
            Some(sansho_auth::new_setup_token(&mut sansho_auth::random_bytes))
        } else {
            None
        };
        let listener = tokio::net::TcpListener::bind(listen).await.with_context(|| crate::ui::tr!(lang, "{listen} で待ち受けできません", "cannot listen on {listen}"))?;
        let local = listener.local_addr()?;
        let url = public_url.clone().unwrap_or_else(|| format!("http://{local}"));
        eprintln!("sansho: {} {url}/", t(lang, "起動しました:", "listening at"));
        if let Some(token) = &setup {
            eprintln!(
                "sansho: {} {url}/setup  {} {token}",
                t(lang, "初期設定:", "first start:"),
                t(lang, "セットアップトークン:", "setup token:")
            );
        }
        if !secure && !local.ip().is_loopback() {
            eprintln!("sansho: {}", t(lang, "警告: TLS なしで公開アドレスに接続されています。Cookie は Secure のため、ログインには https が必要です。", "warning: plain HTTP on a non-loopback address; cookies are Secure, so logging in needs https"));
        }
        let auth = sansho_web::session::AuthConfig::new(master, secure, setup);
        let mut state = sansho_web::AppState::new(set, store, auth);
        if let Some(url) = &public_url {
            state = state.with_public_url(url);
        }
        let shutdown = async {
            let _ = tokio::signal::ctrl_c().await;
        };
        sansho_web::serve_on(listener, state, shutdown).await?;
        Ok(())
    })
}

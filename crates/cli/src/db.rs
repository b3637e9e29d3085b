//! The assessments database as the commands use it: opening it (creating the folder), the acting
//! user, the clock, ids typed by a person, and the translation between stored answers and the
//! domain's answers.

use std::future::Future;
use std::path::Path;

use anyhow::{Context, Result, anyhow};
use sansho_core::CatalogSet;
use sansho_core::assess::ResultCode;
use sansho_core::set::NodeIx;
use sansho_store::{Actor, AssessmentStatus, Id, Kind, RandomIds, Store, Timestamp};

use crate::args::Lang;

/// Who runs the command when neither `--actor` nor `SANSHO_ACTOR` says: `$USER` (`%USERNAME%`),
/// else the operating system's name of the account the process runs as (a service or a container
/// often has no `$USER`), else `sansho` — said on standard error, since it names no one.
fn login_name(lang: Lang) -> String {
    let env = ["USER", "USERNAME"].iter().find_map(|v| std::env::var(v).ok().filter(|n| !n.trim().is_empty()));
    if let Some(name) = env.or_else(|| whoami::username().ok().filter(|n| !n.trim().is_empty())) {
        return name.trim().to_owned();
    }
    eprintln!(
        "sansho: {}",
        crate::ui::t(
            lang,
            "実行したユーザーがわからないため、変更者は「sansho」と記録します（--actor で指定できます）。",
            "who runs this is unknown: changes are recorded as made by \"sansho\" (name someone with --actor)."
        )
    );
    "sansho".to_owned()
}

/// An open store with the runtime its calls run on.
pub struct Db {
    pub store: Store,
    /// Who acts (`--actor`, else the login name), from the command line (source `cli`): recorded
    /// in the `*_by` columns, answer history and the audit log.
    pub actor: Actor,
    rt: tokio::runtime::Runtime,
}

impl Db {
    /// Opens (creating if needed) the database at `path`; its schema is brought up to date.
    pub fn open(path: &Path, actor: Option<&str>, lang: Lang) -> Result<Db> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).with_context(|| {
                let d = dir.display();
                crate::ui::msg!("{d}: フォルダーを作成できません", "{d}: cannot create the folder")
            })?;
        }
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
        let store = rt.block_on(Store::open_with_ids(path, RandomIds)).map_err(|e| {
            let (p, e) = (path.display(), crate::errors::store(&e, lang));
            anyhow!(crate::ui::msg!("{p}: データベースを開けません: {e}", "{p}: cannot open the database: {e}"))
        })?;
        let actor = match actor {
            Some(a) if !a.trim().is_empty() => a.trim().to_owned(),
            _ => login_name(lang),
        };
        Ok(Db { store, actor: Actor::cli(actor), rt })
    }

    /// Runs one store call to completion.
    pub fn run<F: Future>(&self, f: F) -> F::Output {
        self.rt.block_on(f)
    }

    /// The id a person typed (whole, or a unique start of it).
    pub fn id(&self, kind: Kind, typed: &str) -> Result<Id> {
        Ok(self.run(self.store.resolve_id(kind, typed))?)
    }

    /// The use cases' context: the catalogs, this database, now and today.
    pub fn cx<'a>(&'a self, set: &'a CatalogSet) -> sansho_app::Ctx<'a> {
        sansho_app::Ctx {
            set,
            store: &self.store,
            now: now(),
            today: today().parse().expect("chrono writes YYYY-MM-DD"),
        }
    }

    /// Closes the database (checkpointing its journal).
    pub fn close(self) {
        let Db { store, rt, .. } = self;
        rt.block_on(store.close());
    }
}

/// Now, for the store (the store never reads the clock).
pub fn now() -> Timestamp {
    Timestamp(chrono::Utc::now().timestamp_millis())
}

/// The time zone of the dates and times written for people, set once at start
/// (`config::Settings::time_zone`: `SANSHO_TZ`, the config file, else Asia/Tokyo).
static TIME_ZONE: std::sync::OnceLock<chrono_tz::Tz> = std::sync::OnceLock::new();

pub fn set_time_zone(tz: chrono_tz::Tz) {
    let _ = TIME_ZONE.set(tz);
}

fn zone() -> chrono_tz::Tz {
    TIME_ZONE.get().copied().unwrap_or(chrono_tz::Asia::Tokyo)
}

/// Today's date in the configured time zone, `YYYY-MM-DD`.
pub fn today() -> String {
    chrono::Utc::now().with_timezone(&zone()).format("%Y-%m-%d").to_string()
}

/// A stored moment in the configured time zone, to the minute.
pub fn when(t: Timestamp) -> String {
    chrono::DateTime::from_timestamp_millis(t.0)
        .map(|d| d.with_timezone(&zone()).format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_else(|| t.0.to_string())
}

pub fn status_word(lang: Lang, s: AssessmentStatus) -> &'static str {
    match (lang, s) {
        (Lang::Ja, AssessmentStatus::Draft) => "作成中",
        (Lang::Ja, AssessmentStatus::InReview) => "レビュー中",
        (Lang::Ja, AssessmentStatus::Final) => "確定",
        (Lang::En, s) => s.as_str(),
    }
}

pub fn result_word(lang: Lang, r: ResultCode) -> &'static str {
    match lang {
        Lang::Ja => r.ja(),
        Lang::En => r.as_str(),
    }
}

/// Resolves a requirement a person typed (id or printed label) in the assessment's catalog.
pub fn requirement(set: &CatalogSet, catalog: &str, typed: &str) -> Result<NodeIx> {
    Ok(set.resolve(catalog, typed)?)
}

/// The first eight hex digits of an id: enough to name it on the command line (see
/// `Store::resolve_id`), short enough for a table.
pub fn short(id: &Id) -> String {
    id.to_string()[..8].to_owned()
}

//! The `sansho` command: definitions in `args`, one module per command in `cmd`, the
//! loading of catalog files in `load`. Exit codes: 0 success, 1 a problem with the input
//! or the data (the message names the file, line and column), 2 a usage error, 3 a
//! `check` gate not met.

mod args;
mod cmd;
mod config;
mod db;
mod errors;
mod load;
mod oscal;
mod ui;
mod usage;
mod users;

use std::process::ExitCode;

use clap::Parser;

use args::{CatalogCmd, Cli, Command, DbCmd, SampleCmd};

fn main() -> ExitCode {
    // A usage error is said in the language asked for, read from the raw command line.
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return usage::exit(e, usage::lang_of(std::env::args_os(), std::env::var_os("SANSHO_LANG"))),
    };
    let lang = cli.global.lang;
    ui::set_lang(lang);
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("sansho: {}", errors::text(&e, lang));
            ExitCode::from(1)
        }
    }
}

/// Runs a command and says how the program should end: 0 success, 1 problems found in the
/// data (e.g. `catalog check`), 3 a `check` gate not met.
fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let lang = cli.global.lang;
    let settings =
        config::Settings::read(&cli.global.catalogs, cli.global.db.as_deref(), cli.global.config.as_deref())?;
    db::set_time_zone(settings.time_zone);
    sansho_web::set_time_zone(settings.time_zone);
    let dirs = || anyhow::Ok(settings.catalog_dirs.clone());
    let open_db = || -> anyhow::Result<db::Db> {
        let path = settings.db_path()?;
        db::Db::open(&path, cli.global.actor.as_deref(), lang)
    };
    // Commands on the assessments database: the catalogs and the database, closed at the end.
    let with_db = |f: &dyn Fn(&db::Db, &sansho_core::CatalogSet) -> anyhow::Result<i32>| -> anyhow::Result<ExitCode> {
        let (set, _) = load::catalogs(&dirs()?)?;
        let db = open_db()?;
        let code = f(&db, &set);
        db.close();
        Ok(ExitCode::from(code? as u8))
    };
    match cli.command {
        Command::ReadWorkbook(a) => return Ok(ExitCode::from(cmd::sandbox::run(&a))),
        Command::Catalog(CatalogCmd::Build { seeds, overrides, out, samples, check }) => {
            cmd::build::run(&seeds, &overrides, &out, &samples, check)?;
        }
        Command::Catalog(CatalogCmd::Check { paths, json }) => {
            let errors = cmd::check::run(&paths, &dirs()?, json, lang)?;
            return Ok(if errors { ExitCode::from(1) } else { ExitCode::SUCCESS });
        }
        Command::Catalog(CatalogCmd::ImportXlsx(a)) => {
            cmd::import_xlsx::run(&a)?;
        }
        Command::Catalog(CatalogCmd::Fill { outline, file, out, force }) => {
            let (set, _) = load::catalogs(&dirs()?)?;
            cmd::fill::run(&set, &outline, &file, &out, force, lang)?;
        }
        Command::Catalog(CatalogCmd::List { json }) => {
            let (set, _) = load::catalogs(&dirs()?)?;
            cmd::list::run(&set, json, lang)?;
        }
        Command::Show(a) => {
            let (set, _) = load::catalogs(&dirs()?)?;
            cmd::show::run(&set, &a.catalog, &a.requirement, a.json, lang)?;
        }
        Command::Search(a) => {
            let (set, _) = load::catalogs(&dirs()?)?;
            cmd::search::run(&set, &a.query.join(" "), a.catalog.as_deref(), a.limit, a.json, lang)?;
        }
        Command::Crosswalk(a) => {
            let (set, _) = load::catalogs(&dirs()?)?;
            let format = if a.json {
                cmd::crosswalk::Format::Json
            } else if a.csv {
                cmd::crosswalk::Format::Csv
            } else if a.md {
                cmd::crosswalk::Format::Markdown
            } else {
                cmd::crosswalk::Format::Table
            };
            cmd::crosswalk::run(&set, &a.from, &a.to, format, lang)?;
        }
        Command::Org(c) => return with_db(&|db, set| cmd::org::org(db, set, &c, lang).map(|()| 0)),
        Command::System(c) => return with_db(&|db, set| cmd::org::system(db, set, &c, lang).map(|()| 0)),
        Command::Assessment(c) => return with_db(&|db, set| cmd::assessment::run(db, set, &c, lang).map(|()| 0)),
        Command::Answer(c) => return with_db(&|db, set| cmd::answer::run(db, set, &c, lang).map(|()| 0)),
        Command::Evidence(c) => return with_db(&|db, set| cmd::evidence::run(db, set, &c, lang)),
        Command::Gaps(a) => return with_db(&|db, set| cmd::gaps::run(db, set, &a, lang).map(|()| 0)),
        Command::Export(a) => return with_db(&|db, set| cmd::export::run(db, set, &a, lang).map(|()| 0)),
        Command::Oscal(c) => oscal::run(&c, &dirs()?, &|| Ok(load::catalogs(&dirs()?)?.0), &open_db, lang)?,
        Command::Serve(a) => {
            let (set, _) = load::catalogs(&dirs()?)?;
            let path = settings.db_path()?;
            if a.demo {
                let db = open_db()?;
                let loaded = cmd::serve::demo(&db, &set, lang);
                db.close();
                loaded?;
            }
            cmd::serve::run(set, &path, &a, &settings, lang)?;
        }
        Command::Sample(SampleCmd::Load { json }) => {
            return with_db(&|db, set| cmd::sample::load(db, set, json, lang).map(|()| 0));
        }
        Command::Audit(c) => {
            // An auditor names an existing file: a mistyped path must not verify an empty log.
            let path = settings.db_path()?;
            if !path.exists() {
                let p = path.display();
                anyhow::bail!(ui::tr!(lang, "{p}: データベースがありません", "{p}: no database there"));
            }
            let db = open_db()?;
            let code = cmd::audit::run(&db, &c, lang);
            db.close();
            return Ok(ExitCode::from(code? as u8));
        }
        Command::User(c) => {
            let db = open_db()?;
            let done = users::run(&db, &c, lang);
            db.close();
            done?;
        }
        Command::Emergency(c) => {
            let db = open_db()?;
            let code = users::emergency(&db, &c, lang);
            db.close();
            return Ok(ExitCode::from(code? as u8));
        }
        Command::Db(DbCmd::Path) => {
            let path = settings.db_path()?;
            ui::outln!("{}", path.display());
        }
        Command::Check(a) => {
            let (set, _) = load::catalogs(&dirs()?)?;
            if let cmd::check_answers::Gate::NotMet = cmd::check_answers::run(&set, &a, lang)? {
                return Ok(ExitCode::from(3));
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

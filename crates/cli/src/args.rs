//! The command line, defined once: these definitions drive parsing and `--help`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "sansho",
    version,
    about = "3省2ガイドラインの対応表・要求事項カタログを扱うワークベンチ / Workbench for Japan's medical information security guidelines",
    long_about = None,
)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Args)]
pub struct Global {
    /// Also load the catalog files (*.toml) in this folder, next to the bundled ones. Repeatable.
    #[arg(long = "catalogs", value_name = "DIR", global = true, env = "SANSHO_CATALOGS", value_delimiter = ':')]
    pub catalogs: Vec<PathBuf>,
    /// Configuration file (default: ./sansho.toml, else the user's config dir sansho/config.toml).
    #[arg(long, value_name = "FILE", global = true, env = "SANSHO_CONFIG")]
    pub config: Option<PathBuf>,
    /// Output language for people (JSON keys are always English).
    #[arg(long, value_enum, global = true, env = "SANSHO_LANG", default_value = "ja")]
    pub lang: Lang,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Lang {
    Ja,
    En,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Catalogs: list, check, build the bundled ones, import a workbook.
    #[command(subcommand)]
    Catalog(CatalogCmd),
    /// Show a requirement and every related requirement in every other catalog.
    Show(ShowArgs),
    /// Search requirement texts (Japanese works inside running text).
    Search(SearchArgs),
    /// The coverage table from one catalog to another.
    Crosswalk(CrosswalkArgs),
    /// Check an answers file against a catalog; exit 3 when a mandatory requirement is not met.
    Check(CheckArgs),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Require {
    /// Every mandatory requirement (遵守事項) implemented, or not applicable with a justification.
    Minimum,
    /// Report only; never fail on gaps.
    None,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The answers file (TOML; see `sansho_import::answers` in the docs).
    pub file: PathBuf,
    /// The catalog the answers are for (default: the file's `catalog`).
    #[arg(long)]
    pub catalog: Option<String>,
    /// What must hold for success.
    #[arg(long, value_enum, default_value = "minimum")]
    pub require: Require,
    /// Count results derived through mappings where there is no direct answer.
    #[arg(long)]
    pub with_derived: bool,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum CatalogCmd {
    /// List the loaded catalogs and mapping sets.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Validate catalog files: ids, parents, cycles, empty texts, mapping ends, relations.
    Check {
        /// Folders or files to check (with the bundled catalogs loaded beside them). Default: everything loaded.
        paths: Vec<PathBuf>,
        #[arg(long)]
        json: bool,
    },
    /// Rebuild the bundled catalogs from the seed documents and their reviewed overrides.
    Build {
        #[arg(long, value_name = "DIR", default_value = "data/seeds")]
        seeds: PathBuf,
        #[arg(long, value_name = "DIR", default_value = "data/overrides")]
        overrides: PathBuf,
        #[arg(long, value_name = "DIR", default_value = "catalogs")]
        out: PathBuf,
        /// Where the sample answers files built from the seeds go.
        #[arg(long, value_name = "DIR", default_value = "samples")]
        samples: PathBuf,
        /// Write nothing; fail if the files in --out differ from what the seeds give.
        #[arg(long)]
        check: bool,
    },
    /// Turn checklist workbooks (xlsx) into a catalog file.
    ImportXlsx(ImportXlsxArgs),
}

#[derive(Debug, Args)]
pub struct ImportXlsxArgs {
    /// Workbook(s) to read.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Catalog id for the new catalog (default: from the first file name).
    #[arg(long)]
    pub id: Option<String>,
    #[arg(long)]
    pub title: Option<String>,
    #[arg(long)]
    pub edition: Option<String>,
    /// Issuer (repeatable).
    #[arg(long = "issuer")]
    pub issuers: Vec<String>,
    #[arg(long, default_value = "checklist", value_parser = ["guideline", "checklist", "questionnaire"])]
    pub kind: String,
    /// Only these sheets (repeatable). Default: every sheet with a checklist header.
    #[arg(long = "sheet")]
    pub sheets: Vec<String>,
    /// Where to write the catalog file (default: <id>.toml in the current folder).
    #[arg(long, short)]
    pub out: Option<PathBuf>,
    /// Replace the output file if it exists.
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// Catalog id, e.g. mic-cloud-2018.
    pub catalog: String,
    /// Requirement id or printed label, e.g. "3.2.3 (ア)2" (spaces and full/half width ignored).
    pub requirement: String,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct SearchArgs {
    /// Words to find; all must occur. Japanese is found inside running text.
    #[arg(required = true)]
    pub query: Vec<String>,
    /// Only this catalog.
    #[arg(long)]
    pub catalog: Option<String>,
    #[arg(long, default_value_t = 20)]
    pub limit: usize,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct CrosswalkArgs {
    /// Source catalog id.
    pub from: String,
    /// Target catalog id.
    pub to: String,
    #[arg(long, group = "format")]
    pub json: bool,
    #[arg(long, group = "format")]
    pub csv: bool,
    #[arg(long, group = "format")]
    pub md: bool,
}

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
    /// The assessments database (SQLite file; default: the user's data folder, see `sansho db path`).
    #[arg(long, value_name = "FILE", global = true, env = "SANSHO_DB")]
    pub db: Option<PathBuf>,
    /// Who is acting, as recorded in every answer's history (default: the login name).
    #[arg(long, value_name = "NAME", global = true, env = "SANSHO_ACTOR")]
    pub actor: Option<String>,
    /// Output language for people (JSON keys are always English).
    #[arg(long, value_parser = lang_parser(), global = true, env = "SANSHO_LANG", default_value = "ja")]
    pub lang: Lang,
}

/// The one language type of sansho; clap reads it through [`lang_parser`] (a foreign trait
/// cannot be derived on it here).
pub use sansho_core::Lang;

/// `ja` or `en`, listed as the possible values in `--help` and in usage errors.
fn lang_parser() -> impl clap::builder::TypedValueParser<Value = Lang> {
    use clap::builder::TypedValueParser;
    clap::builder::PossibleValuesParser::new(Lang::ALL.map(Lang::code))
        .map(|code| Lang::parse(&code).expect("one of the possible values"))
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
    /// Organizations: medical institutions (医療機関等) and vendors (対象事業者).
    #[command(subcommand)]
    Org(OrgCmd),
    /// Systems and services of an organization.
    #[command(subcommand)]
    System(SystemCmd),
    /// Assessments of a system against a catalog: create, import, migrate, compare with the baseline.
    #[command(subcommand)]
    Assessment(AssessmentCmd),
    /// Answers to requirements: set, show (with history and derived suggestions), accept a suggestion.
    #[command(subcommand)]
    Answer(AnswerCmd),
    /// Evidence files and links, content-addressed and verified on every read.
    #[command(subcommand)]
    Evidence(EvidenceCmd),
    /// Gap analysis of an assessment, on its catalog or (derived) on any other.
    Gaps(GapsArgs),
    /// OSCAL: export catalogs, mapping sets and assessments; import OSCAL catalogs and profiles.
    #[command(subcommand)]
    Oscal(crate::oscal::OscalCmd),
    /// Export an assessment: the checklist workbook (xlsx), Markdown, CSV or JSON.
    Export(ExportArgs),
    /// The web application (Japanese first): guidelines, assessments, dashboard, JSON API.
    Serve(ServeArgs),
    /// The bundled sample: a vendor's completed 第3版 checklist (seed 003) as an assessment.
    #[command(subcommand)]
    Sample(SampleCmd),
    /// The assessments database.
    #[command(subcommand)]
    Db(DbCmd),
    /// The audit trail: verify its hash chain (edited, reordered or deleted records), read it.
    #[command(subcommand)]
    Audit(AuditCmd),
    /// User accounts: list, create, disable/enable, unlock, reset the second factor, end sessions.
    #[command(subcommand)]
    User(crate::users::UserCmd),
    /// Uses of the emergency account (非常時用アカウント): list, acknowledge.
    #[command(subcommand)]
    Emergency(crate::users::EmergencyCmd),
    /// (internal) Reads a workbook in a sandboxed child process; sansho runs it itself.
    #[command(name = "__read-workbook", hide = true)]
    ReadWorkbook(crate::cmd::sandbox::ReadWorkbookArgs),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OrgKindArg {
    /// 医療機関等
    MedicalInstitution,
    /// 対象事業者
    Vendor,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PositionArg {
    /// Contracts directly with the medical institution.
    DirectContract,
    /// Supplies another vendor.
    SupplyChain,
    /// 第三類型: receives data on a patient's instruction.
    Type3,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ServiceModelArg {
    OnPremises,
    Iaas,
    Paas,
    Saas,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StatusArg {
    /// 作成中
    Draft,
    /// レビュー中
    InReview,
    /// 確定
    Final,
}

#[derive(Debug, Subcommand)]
pub enum OrgCmd {
    /// Register an organization.
    Add {
        name: String,
        #[arg(long, value_enum)]
        kind: OrgKindArg,
        /// A vendor's position towards the medical institution.
        #[arg(long, value_enum)]
        position: Option<PositionArg>,
        #[arg(long)]
        json: bool,
    },
    List {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum SystemCmd {
    /// Register a system or service of an organization.
    Add {
        name: String,
        /// The organization's id (or a unique start of it).
        #[arg(long)]
        org: String,
        #[arg(long, value_enum)]
        model: ServiceModelArg,
        #[arg(long, default_value = "")]
        description: String,
        #[arg(long)]
        json: bool,
    },
    List {
        /// Only this organization's systems.
        #[arg(long)]
        org: Option<String>,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum AssessmentCmd {
    /// Start an assessment of a system against a catalog (optionally from last year's).
    New {
        #[arg(long)]
        system: String,
        #[arg(long)]
        catalog: String,
        /// Start from this assessment's answers and evidence (same catalog).
        #[arg(long)]
        baseline: Option<String>,
        /// What people call it, e.g. "2026年度 定期評価" (shown in the lists).
        #[arg(long)]
        name: Option<String>,
        #[arg(long)]
        json: bool,
    },
    List {
        #[arg(long)]
        system: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// The assessment, its counts, the minimum-package verdict and what changed since the baseline.
    Show {
        id: String,
        #[arg(long)]
        json: bool,
    },
    /// Set the status: draft (作成中), in-review (レビュー中), final (確定).
    Status {
        id: String,
        #[arg(value_enum)]
        status: StatusArg,
    },
    /// Reopen a final (確定) assessment as a draft, with the reason (kept in the audit log).
    Reopen {
        id: String,
        #[arg(long)]
        reason: String,
    },
    /// Import answers: a filled checklist (xlsx, CSV) or an answers file (TOML). All or nothing.
    Import {
        id: String,
        file: PathBuf,
        /// The sheet to read (xlsx; default: the first with a checklist header).
        #[arg(long)]
        sheet: Option<String>,
        /// Check the file and say what would change; write nothing.
        #[arg(long)]
        dry_run: bool,
        #[arg(long)]
        json: bool,
    },
    /// Carry an assessment to another catalog or edition, flagging 新設, split and merged requirements.
    Migrate {
        id: String,
        /// The target catalog, e.g. mhlw-6.
        #[arg(long)]
        to: String,
        #[arg(long)]
        json: bool,
    },
    /// What changed since the baseline assessment.
    Diff {
        id: String,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum AnswerCmd {
    /// Answer a requirement (by id or printed label).
    Set {
        assessment: String,
        requirement: String,
        /// 実施済 / 一部実施 / 未実施 / 該当なし / 未回答, or implemented / partial / not-implemented / not-applicable / unanswered, ■/□, ○/×.
        result: String,
        /// 実施内容: how it is met.
        #[arg(long)]
        how: Option<String>,
        /// Why it does not apply (mandatory for 該当なし), or a note.
        #[arg(long)]
        justification: Option<String>,
        #[arg(long)]
        owner: Option<String>,
        /// Due date, YYYY-MM-DD.
        #[arg(long)]
        due: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// One requirement: its text, answer, evidence, history and the derived suggestion with its chains.
    Show {
        assessment: String,
        requirement: String,
        /// A requirement of another catalog: what the assessment's answers suggest for it, and through which mappings.
        #[arg(long)]
        catalog: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Every requirement of the assessment's catalog with its result (direct or derived).
    List {
        assessment: String,
        /// List another catalog's requirements with the results derived from this assessment.
        #[arg(long)]
        catalog: Option<String>,
        /// Only requirements that are not met.
        #[arg(long)]
        gaps: bool,
        #[arg(long)]
        json: bool,
    },
    /// Accept a derived suggestion as the answer (it records where it came from).
    Accept {
        assessment: String,
        /// Requirements to accept (id or label); with --all, every requirement that has a suggestion and no answer.
        requirements: Vec<String>,
        #[arg(long, conflicts_with = "requirements")]
        all: bool,
        /// With --all: only suggestions not flagged for review.
        #[arg(long, requires = "all")]
        firm: bool,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum EvidenceCmd {
    /// Keep a file or a link as evidence for an answered requirement.
    Add {
        assessment: String,
        requirement: String,
        #[arg(long, group = "source", required = true)]
        file: Option<PathBuf>,
        #[arg(long, group = "source", required = true)]
        url: Option<String>,
        /// Default: the file name, or the URL.
        #[arg(long)]
        title: Option<String>,
        /// When it takes effect, YYYY-MM-DD (default: today).
        #[arg(long)]
        effective: Option<String>,
        /// When it expires, YYYY-MM-DD.
        #[arg(long)]
        expires: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Link existing evidence to another answer (prove once, use everywhere).
    Attach { evidence: String, assessment: String, requirement: String },
    /// The evidence of an assessment, with expiry.
    List {
        assessment: String,
        #[arg(long)]
        json: bool,
    },
    /// Write an evidence file's content out, after checking its hash.
    Get {
        evidence: String,
        #[arg(long, short)]
        out: PathBuf,
    },
    /// Re-hash every evidence file; exit 1 if any is missing or altered.
    Verify {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Args)]
pub struct GapsArgs {
    pub assessment: String,
    /// Analyse another catalog, through the mappings (default: the assessment's own).
    #[arg(long)]
    pub catalog: Option<String>,
    /// Count derived suggestions where there is no direct answer (always on for another catalog).
    #[arg(long)]
    pub with_derived: bool,
    /// How many gaps to list (0: all).
    #[arg(long, default_value_t = 30)]
    pub limit: usize,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    Xlsx,
    Md,
    Csv,
    Json,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    pub assessment: String,
    #[arg(long, value_enum, default_value = "xlsx")]
    pub format: ExportFormat,
    /// Output file (default: <catalog>-<date>.<ext> in the current folder; `-` for standard output, not for xlsx).
    #[arg(long, short)]
    pub out: Option<PathBuf>,
    /// Export against another catalog, with results derived through the mappings.
    #[arg(long)]
    pub catalog: Option<String>,
    /// Show derived suggestions (marked （推定）) where there is no direct answer.
    #[arg(long)]
    pub with_derived: bool,
    /// Replace the output file if it exists.
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on (default 127.0.0.1:8080; `listen` in sansho.toml).
    #[arg(long, env = "SANSHO_LISTEN")]
    pub listen: Option<std::net::SocketAddr>,
    /// The address users reach the server at when a reverse proxy terminates TLS, e.g.
    /// https://sansho.example.jp (cookies are then Secure). `public_url` in sansho.toml.
    #[arg(long, env = "SANSHO_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// Load the bundled sample vendor (seed 003) first, so there is real data to look at.
    #[arg(long)]
    pub demo: bool,
}

#[derive(Debug, Subcommand)]
pub enum SampleCmd {
    /// Load the sample vendor, its system and its assessment against mhlw-3-checklist (75 answers).
    Load {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum DbCmd {
    /// Print where the database is.
    Path,
}

#[derive(Debug, Subcommand)]
pub enum AuditCmd {
    /// Check every record's hash, every link and the head; exit 1 naming the first record that was
    /// edited, reordered or deleted. Prints the head to write down as an anchor.
    Verify {
        #[arg(long)]
        json: bool,
    },
    /// The latest audit records, newest first.
    Log {
        /// How many records.
        #[arg(long, value_name = "N", default_value_t = 20)]
        limit: u32,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Require {
    /// Every mandatory requirement (遵守事項) implemented, or not applicable with a justification.
    Minimum,
    /// Every requirement implemented, or not applicable with a justification.
    All,
    /// Report only; never fail on gaps.
    None,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The answers file (TOML; see `sansho_import::answers` in the docs), or a filled checklist (xlsx, CSV; needs --catalog).
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
    /// Supply the official text of an outline catalog (アウトライン) from your own copy: writes a
    /// user catalog with the same ids, labels and mappings.
    Fill {
        /// The outline catalog, e.g. mhlw-6.
        outline: String,
        /// CSV, xlsx/ods or TOML with a label column (ラベル) and a text column (本文).
        file: PathBuf,
        /// Folder to write `<id>.toml` into (load it with --catalogs).
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// Replace the output file if it exists.
        #[arg(long)]
        force: bool,
    },
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

//! sansho's importers. Bytes in, domain values and an account of what was done out.
//!
//! - [`build_bundled`] turns the seed documents (`data/seeds/`) and their reviewed repairs
//!   (`data/overrides/`) into the bundled catalogs and mapping sets.
//! - [`xlsx`] turns a user's checklist workbook into a catalog.
//!
//! This crate reads no files: the caller passes the bytes. Errors name the file, line (or
//! row) and column.

pub mod answers;
pub mod checklist;
pub mod derive;
pub mod fill;
pub mod mhlw6;
pub mod overrides;
pub mod report;
pub mod sandbox;
pub mod seed;
pub mod seed000;
pub mod seed001;
pub mod seed003;
pub mod text;
pub mod workbook;
pub mod xlsx;

use std::fmt;

use sansho_core::{Catalog, IntoMsg, Lang, MappingSet, Msg};

pub use overrides::{Override, Overrides};
pub use report::ImportReport;
pub use seed::Seed;

/// Marks a catalog built from seeds that carry its structure but not its requirement texts as
/// an outline (`what` says what the seeds give), with the count of leaves without text.
pub(crate) fn mark_outline(cat: &mut Catalog, what: &str) {
    let missing = cat.leaves_without_text().len();
    let leaves =
        cat.requirements.iter().filter(|r| !cat.requirements.iter().any(|c| c.parent.as_ref() == Some(&r.id))).count();
    cat.outline = Some(sansho_core::Outline {
        note: Some(format!(
            "アウトライン（骨組み）：{what}末端の項目{leaves}件のうち{missing}件には本文がない。\
             評価に使うには、手元の公式の本文を `sansho catalog fill` で補った利用者カタログを作る。"
        )),
    });
}

/// A problem that stops an import: the file, 1-based line (or row) and column, and what, in
/// both languages for the readers of users' files ([`Msg`]; `Display` prints the English, see
/// [`ImportError::text`] for either).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ImportError {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub message: Msg,
}

impl ImportError {
    /// A problem at `file:line:column` (line 0: the whole file; column 0: the whole line). A plain
    /// string is an English-only message (the build-time seed importers); users' files get a
    /// [`Msg`] in both languages.
    pub fn at(file: &str, line: usize, column: usize, message: impl IntoMsg) -> Self {
        Self { file: file.to_owned(), line, column, message: message.into_msg() }
    }

    /// The problem in `lang`, placed as `Display` places it (`file:line:column: message`).
    pub fn text(&self, lang: Lang) -> String {
        let message = self.message.get(lang);
        // A problem with the whole file (line 0) names the file alone.
        match (self.line, self.column) {
            (0, _) => format!("{}: {message}", self.file),
            (line, 0) => format!("{}:{line}: {message}", self.file),
            (line, column) => format!("{}:{line}:{column}: {message}", self.file),
        }
    }
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text(Lang::En))
    }
}

/// What one importer produced.
#[derive(Debug, Clone, Default)]
pub struct Output {
    pub catalogs: Vec<Catalog>,
    pub mapping_sets: Vec<MappingSet>,
    pub reports: Vec<ImportReport>,
    /// Sample files built from the seeds, `(file name, text)`: answers files users can try
    /// `sansho check` on.
    pub samples: Vec<(String, String)>,
}

impl Output {
    pub fn extend(&mut self, other: Output) {
        self.catalogs.extend(other.catalogs);
        self.mapping_sets.extend(other.mapping_sets);
        self.reports.extend(other.reports);
        self.samples.extend(other.samples);
    }
    pub fn catalog(&self, id: &str) -> Option<&Catalog> {
        self.catalogs.iter().find(|c| c.id.as_str() == id)
    }
    pub fn mapping_set(&self, id: &str) -> Option<&MappingSet> {
        self.mapping_sets.iter().find(|m| m.id == id)
    }
}

/// The seed files and override files handed to [`build_bundled`], by file name.
#[derive(Debug, Default)]
pub struct Inputs {
    /// `(file name, bytes)` of `data/seeds/*`.
    pub seeds: Vec<(String, Vec<u8>)>,
    /// `(file name, text)` of `data/overrides/*.toml`, named after the seed number (`000.toml`).
    pub overrides: Vec<(String, String)>,
    /// The folder the override files came from, as messages should name it (`data/overrides`
    /// when empty).
    pub overrides_dir: String,
}

impl Inputs {
    /// The seed whose name starts with `prefix` (e.g. `"000_"`).
    pub fn seed(&self, prefix: &str) -> Result<Seed, ImportError> {
        let (name, bytes) = self
            .seeds
            .iter()
            .find(|(n, _)| n.starts_with(prefix))
            .ok_or_else(|| ImportError::at(&format!("data/seeds/{prefix}*"), 0, 0, "seed file not found"))?;
        Seed::new(name.clone(), bytes)
    }

    /// The overrides in `<name>` (e.g. `"000.toml"`), or none if there is no such file.
    pub fn overrides(&self, name: &str) -> Result<Overrides, ImportError> {
        let dir =
            if self.overrides_dir.is_empty() { "data/overrides" } else { self.overrides_dir.trim_end_matches('/') };
        match self.overrides.iter().find(|(n, _)| n == name) {
            Some((n, text)) => Overrides::parse(format!("{dir}/{n}"), text),
            None => Ok(Overrides::none(format!("{dir}/{name}"))),
        }
    }
}

/// The vendor's completed 第3版 checklist of seed 003 as an answers file: ■ → 実施済,
/// □ → 未実施, 実施内容 verbatim.
fn vendor_sample(seed: &Seed, answers: &[seed003::Answer]) -> String {
    let rows: Vec<answers::AnswerOut> = answers
        .iter()
        .map(|a| answers::AnswerOut {
            requirement: a.requirement.to_string(),
            result: if a.implemented { "実施済" } else { "未実施" }.to_owned(),
            how: a.how.clone(),
            justification: None,
        })
        .collect();
    let source = format!("The answers of a vendor's completed checklist, {} (■ → 実施済, □ → 未実施).", seed.name);
    answers::to_toml(
        "mhlw-3-checklist",
        &rows,
        &[
            "Generated by `sansho catalog build` from seed 003: do not edit by hand.",
            &source,
            "Try: sansho check samples/vendor-003.answers.toml",
        ],
    )
}

/// Builds every bundled catalog and mapping set from the seeds. Nothing is returned unless
/// everything succeeded, so a caller never writes half a bundle.
pub fn build_bundled(inputs: &Inputs) -> Result<Output, ImportError> {
    let mut out = Output::default();

    let s000 = inputs.seed("000_")?;
    let s004 = inputs.seed("004_")?;
    let ov000 = inputs.overrides("000.toml")?;
    out.extend(seed000::import(&s000, &s004, &ov000)?);
    ov000.finish()?;
    out.mapping_sets.push(derive::mhlw5_meti2012(&out)?);

    let s003 = inputs.seed("003_")?;
    let ov003 = inputs.overrides("003.toml")?;
    let mhlw5 = out
        .catalog("mhlw-5")
        .cloned()
        .ok_or_else(|| ImportError::at(&s000.name, 0, 0, "seed 000 produced no mhlw-5 catalog"))?;
    out.extend(seed003::import(&s003, &ov003, &mhlw5)?);
    let checklist = out
        .catalog("mhlw-3-checklist")
        .cloned()
        .ok_or_else(|| ImportError::at(&s003.name, 0, 0, "seed 003 produced no mhlw-3-checklist catalog"))?;
    let (vendor, _) = seed003::answers(&s003, &ov003, &checklist)?;
    out.samples.push(("vendor-003.answers.toml".to_owned(), vendor_sample(&s003, &vendor)));
    ov003.finish()?;

    let s001 = inputs.seed("001_")?;
    let ov001 = inputs.overrides("001.toml")?;
    out.extend(seed001::import(&s001, &ov001)?);
    ov001.finish()?;

    let s002 = inputs.seed("002_")?;
    let ov002 = inputs.overrides("002.toml")?;
    out.extend(mhlw6::import(&s002, &s001, &ov002, &mhlw5)?);
    ov002.finish()?;

    // The catalogs whose seeds give the structure but not the requirement texts (issue 11 §2.7).
    for (id, what) in OUTLINES {
        let c = out.catalogs.iter_mut().find(|c| c.id.as_str() == *id).ok_or_else(|| {
            ImportError::at("crates/import/src/lib.rs", 0, 0, format!("the outline catalog {id} was not built"))
        })?;
        mark_outline(c, what);
    }
    Ok(out)
}

/// The bundled catalogs that are outlines, and what their seeds give.
const OUTLINES: &[(&str, &str)] = &[
    (
        "mhlw-6",
        "出典に含まれるのは第6.0版の巻・節・遵守事項の番号と見出し、出典002の移行対応表の参照、出典001が引用する一部の本文のみで、",
    ),
    (
        "meti-mic-2",
        "出典に含まれるのは2省GL 第2.0版の章・節の番号と見出し、出典001が原文のまま引用する一部の本文のみで、",
    ),
    ("mic-cloud-2018", "出典に含まれるのは総務省クラウドGL（案）の章・節の構成とサブ項番の番号のみで、"),
    ("cyber-infra", "出典に含まれるのはサイバーインフラGLの要求事項の番号と見出し、3件の概要のみで、"),
];

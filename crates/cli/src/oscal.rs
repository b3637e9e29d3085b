//! `sansho oscal`: OSCAL export (a catalog, a mapping set or an assessment, as OSCAL 1.2 JSON) and
//! import (an OSCAL catalog, or a profile resolved against its catalog, as a sansho catalog file).
//! The conversions are `sansho-oscal`'s; this module reads and writes the files. Files are written
//! whole or not at all (a temporary file renamed into place), and an import writes nothing unless
//! the new catalog loads with the others.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow, bail};
use clap::{ArgGroup, Args, Subcommand};
use sansho_catalog::{SourceText, bundled_sources, catalog_to_toml, load};
use sansho_core::{CatalogId, CatalogSet};
use sansho_oscal::{AssessmentInput, EvidenceInput, FindingInput};
use sansho_store::Timestamp;

use crate::args::Lang;
use crate::db::Db;
use crate::ui::{outln, print_json, t, tr};

#[derive(Debug, Subcommand)]
pub enum OscalCmd {
    /// Export a catalog (OSCAL catalog), a mapping set (mapping-collection) or an assessment
    /// (assessment-results) as OSCAL 1.2 JSON.
    Export(ExportArgs),
    /// Import an OSCAL catalog, or a profile with the catalog it imports, as a sansho catalog file.
    Import(ImportArgs),
}

#[derive(Debug, Args)]
#[command(group(ArgGroup::new("what").required(true).args(["catalog", "mapping", "assessment"])))]
pub struct ExportArgs {
    /// A catalog id (see `sansho catalog list`).
    #[arg(long)]
    pub catalog: Option<String>,
    /// A mapping set id, e.g. mic-cloud-2018--mhlw-5.
    #[arg(long)]
    pub mapping: Option<String>,
    /// An assessment id (a unique start of it is enough).
    #[arg(long)]
    pub assessment: Option<String>,
    /// Output file (default: standard output).
    #[arg(long, short)]
    pub out: Option<PathBuf>,
    /// Replace the output file if it exists.
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The OSCAL catalog or profile (JSON).
    pub file: PathBuf,
    /// For a profile: the catalog it imports.
    #[arg(long, value_name = "FILE")]
    pub profile_catalog: Option<PathBuf>,
    /// The catalogs folder to write the sansho catalog into (load it with --catalogs DIR).
    #[arg(long, value_name = "DIR")]
    pub into: PathBuf,
    /// The new catalog's id (default: from the file name, e.g. nist-sp-800-53-rev5-moderate-…).
    #[arg(long)]
    pub id: Option<String>,
    /// Replace the catalog file if it exists.
    #[arg(long)]
    pub force: bool,
    /// Print what was imported as JSON.
    #[arg(long)]
    pub json: bool,
}

/// Runs `sansho oscal …`. `set` loads the catalogs, `db` opens the database (assessments only).
pub fn run(
    cmd: &OscalCmd,
    dirs: &[PathBuf],
    set: &dyn Fn() -> Result<CatalogSet>,
    db: &dyn Fn() -> Result<Db>,
    lang: Lang,
) -> Result<()> {
    match cmd {
        OscalCmd::Export(a) => {
            let bytes = if let Some(id) = &a.catalog {
                let set = set()?;
                let c = set.catalog(id).ok_or_else(|| crate::errors::unknown_catalog(lang, id))?;
                sansho_oscal::to_json(&sansho_oscal::export_catalog(c))
            } else if let Some(id) = &a.mapping {
                let set = set()?;
                let m = set.mapping_set(id).ok_or_else(|| {
                    anyhow!(tr!(lang, "不明な対応表（マッピングセット） {id:?}", "unknown mapping set {id:?}"))
                })?;
                let (s, tg) = (set.catalog(m.source.as_str()), set.catalog(m.target.as_str()));
                let (Some(s), Some(tg)) = (s, tg) else {
                    bail!(tr!(
                        lang,
                        "対応表 {id}: カタログが読み込まれていません",
                        "mapping set {id}: a catalog is not loaded"
                    ))
                };
                sansho_oscal::value_to_json(&sansho_oscal::mapping_collection(m, s, tg))
            } else if let Some(id) = &a.assessment {
                let set = set()?;
                let db = db()?;
                let out = assessment(&db, &set, id);
                db.close();
                out?
            } else {
                bail!(tr!(
                    lang,
                    "--catalog、--mapping、--assessment のどれかを指定してください",
                    "give --catalog, --mapping or --assessment"
                ));
            };
            write_out(a.out.as_deref(), &bytes, a.force)
        }
        OscalCmd::Import(a) => import(a, dirs, lang),
    }
}

fn rfc3339(t: Timestamp) -> String {
    chrono::DateTime::from_timestamp_millis(t.0)
        .map(|d| d.to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
        .unwrap_or_else(|| "1970-01-01T00:00:00Z".to_owned())
}

/// The assessment as `sansho export --format json` reads it: the assessment, its system and
/// organization, its stored answers and the evidence attached to them.
fn assessment(db: &Db, set: &CatalogSet, typed: &str) -> Result<Vec<u8>> {
    let l = crate::cmd::assessment::load(db, set, typed)?;
    let catalog = set.catalog(&l.assessment.catalog_id).ok_or_else(|| {
        let c = &l.assessment.catalog_id;
        anyhow!(crate::ui::msg!(
            "評価のカタログ {c} が読み込まれていません",
            "catalog {c} of the assessment is not loaded"
        ))
    })?;
    let system = db.run(db.store.system(l.assessment.system_id))?;
    let org = db.run(db.store.organization(system.organization_id))?;
    let evidence = db.run(db.store.evidence_of_assessment(l.assessment.id))?;
    let findings = l
        .stored
        .iter()
        .map(|s| FindingInput {
            requirement: s.requirement_id.clone(),
            result: s.result.as_str().to_owned(),
            how: s.how.clone(),
            justification: s.justification.clone(),
            owner: s.owner.clone(),
            due: s.due_date.as_ref().map(|d| d.to_string()),
            updated_at: rfc3339(s.updated_at),
            evidence: evidence
                .iter()
                .filter(|(req, _)| *req == s.requirement_id)
                .map(|(_, e)| EvidenceInput {
                    id: e.id.to_string(),
                    title: e.title.clone(),
                    file_name: e.file_name.clone(),
                    sha256: e.sha256.clone(),
                    url: e.url.clone(),
                    effective: e.effective_date.to_string(),
                    expiry: e.expiry_date.as_ref().map(|d| d.to_string()),
                })
                .collect(),
        })
        .collect();
    let last =
        l.stored.iter().map(|s| s.updated_at).chain([l.assessment.updated_at]).max().unwrap_or(l.assessment.updated_at);
    let input = AssessmentInput {
        id: l.assessment.id.to_string(),
        catalog,
        organization: org.name,
        system: system.name,
        status: l.assessment.status.as_str().to_owned(),
        started: rfc3339(l.assessment.created_at),
        last_modified: rfc3339(last),
        findings,
    };
    Ok(sansho_oscal::value_to_json(&sansho_oscal::assessment_results(&input)))
}

/// Writes to `out` (standard output for none or `-`), whole or not at all.
fn write_out(out: Option<&Path>, bytes: &[u8], force: bool) -> Result<()> {
    let Some(out) = out.filter(|o| o.as_os_str() != "-") else {
        let mut stdout = std::io::stdout().lock();
        return match stdout.write_all(bytes).and_then(|()| stdout.flush()) {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
            other => Ok(other?),
        };
    };
    if out.exists() && !force {
        return Err(crate::errors::exists(crate::ui::lang(), out));
    }
    let dir = out.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let mut tmp = tempfile::NamedTempFile::new_in(dir)
        .with_context(|| crate::errors::cannot(crate::ui::lang(), crate::errors::Io::Write, dir))?;
    tmp.write_all(bytes).with_context(|| crate::errors::cannot(crate::ui::lang(), crate::errors::Io::Write, out))?;
    // A catalog or an export is a document to share, not a secret (the temporary file is 0600).
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        tmp.as_file().set_permissions(std::fs::Permissions::from_mode(0o644))?;
    }
    tmp.persist(out).map_err(|e| {
        anyhow::Error::new(e.error).context(crate::errors::cannot(crate::ui::lang(), crate::errors::Io::Write, out))
    })?;
    Ok(())
}

fn read(path: &Path) -> Result<Vec<u8>> {
    std::fs::read(path).with_context(|| crate::errors::cannot(crate::ui::lang(), crate::errors::Io::Read, path))
}

/// A problem the loader found in the catalog made from an OSCAL document, named in that document:
/// `<file>#<JSON pointer of the control or group>` (the catalog itself for its header), not in the
/// TOML text that was never written.
fn in_source(
    source: &str,
    toml: &str,
    imported: &sansho_oscal::Imported,
    d: &sansho_catalog::Diagnostic,
    profile_catalog: Option<&Path>,
    lang: Lang,
) -> String {
    // The generated file lists the requirements in order, each under a `[[requirement]]` header.
    let node = toml.lines().take(d.line).filter(|l| l.trim_end() == "[[requirement]]").count();
    let (pointer, what) = match node.checked_sub(1) {
        Some(i) => (
            imported.pointers.get(i).cloned().unwrap_or_else(|| "/catalog".to_owned()),
            imported.catalog.requirements.get(i).map(|r| format!(" ({})", r.id)).unwrap_or_default(),
        ),
        None => ("/catalog".to_owned(), String::new()),
    };
    let field = d.field.as_deref().map(|f| format!(" [{f}]")).unwrap_or_default();
    let message = d.message.get(lang);
    let mut out = format!("{source}#{pointer}{what}{field}: {message}");
    if node == 0 && d.field.as_deref() == Some("id") {
        out.push_str(&tr!(
            lang,
            "（カタログ ID は --id かファイル名から決まります。別の ID を --id で指定してください）",
            " (the catalog id comes from --id or the file name: choose another with --id)"
        ));
    }
    if let Some(c) = profile_catalog {
        let c = c.display();
        out.push_str(&tr!(
            lang,
            "（{c} で解決したプロファイル内の位置）",
            " (a place in the profile resolved with {c})"
        ));
    }
    out
}

fn import(a: &ImportArgs, dirs: &[PathBuf], lang: Lang) -> Result<()> {
    let bytes = read(&a.file)?;
    let name = a.file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let id = match &a.id {
        Some(id) => {
            CatalogId::parse(id).map_err(|e| anyhow!(tr!(lang, "--id: 使えない ID です（{e}）", "--id: {e}")))?
        }
        None => sansho_oscal::catalog_id_from_name(&name).ok_or_else(|| {
            anyhow!(tr!(
                lang,
                "{name}: ファイル名からカタログ ID を作れません: --id で指定してください",
                "{name}: no catalog id can be made from the file name: give --id"
            ))
        })?,
    };
    let profile_catalog = a.profile_catalog.as_deref().map(read).transpose()?;
    let imported = sansho_oscal::import_document(&bytes, profile_catalog.as_deref(), id.clone(), &name)
        .map_err(|e| anyhow::Error::new(e).context(a.file.display().to_string()))?;
    let header = [
        format!("Imported by `sansho oscal import` from the OSCAL document {name}."),
        "Parameters, parts, props and links are kept under `ext` so the catalog exports back as it was.".to_owned(),
    ];
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    let toml = catalog_to_toml(&imported.catalog, &header);
    let target = a.into.join(format!("{id}.toml"));
    if target.exists() && !a.force {
        return Err(crate::errors::exists(lang, &target));
    }
    // The new file must load with the bundled catalogs, the user's and the other files of the
    // folder it goes into (ids unique, tree sound); a folder that does not load as it is gets
    // nothing new.
    let mut folders = dirs.to_vec();
    if a.into.is_dir() {
        folders.push(a.into.clone());
    }
    let mut user = crate::load::read_sources(&folders)?;
    let same_file = |x: &str, y: &Path| {
        let x = Path::new(x);
        x == y || x.canonicalize().ok().is_some_and(|c| y.canonicalize().ok().is_some_and(|d| c == d))
    };
    let mut seen: Vec<PathBuf> = Vec::new();
    user.retain(|s| {
        let key = Path::new(&s.name).canonicalize().unwrap_or_else(|_| PathBuf::from(&s.name));
        let first = !seen.contains(&key);
        seen.push(key);
        first && !same_file(&s.name, &target)
    });
    let mut sources = bundled_sources();
    sources.extend(user);
    let new_name = target.display().to_string();
    sources.push(SourceText::new(new_name.clone(), toml.clone()));
    let loaded = load(&sources);
    if loaded.has_errors() {
        let errors: Vec<&sansho_catalog::Diagnostic> = loaded.diagnostics.iter().filter(|d| d.is_error()).collect();
        let (new, other): (Vec<_>, Vec<_>) = errors.into_iter().partition(|d| d.file == new_name);
        if !other.is_empty() {
            let list: Vec<String> = other.iter().map(|d| d.to_string()).collect();
            let list = list.join("\n");
            bail!(tr!(
                lang,
                "取り込み先のカタログが今のままでは読み込めないため、何も書き込んでいません（直すか、別のフォルダーに移してください）:\n{list}",
                "the catalogs it would join do not load as they are, so nothing was written (fix them or move them away):\n{list}"
            ));
        }
        let source = a.file.display().to_string();
        let list: Vec<String> =
            new.iter().map(|d| in_source(&source, &toml, &imported, d, a.profile_catalog.as_deref(), lang)).collect();
        let list = list.join("\n");
        bail!(tr!(
            lang,
            "取り込んだカタログが他のカタログと一緒に読み込めないため、何も書き込んでいません:\n{list}",
            "the imported catalog does not load with the others, nothing written:\n{list}"
        ));
    }
    std::fs::create_dir_all(&a.into)
        .with_context(|| crate::errors::cannot(lang, crate::errors::Io::Create, &a.into))?;
    write_out(Some(&target), toml.as_bytes(), a.force)?;
    let n = imported.counts;
    if a.json {
        print_json(&serde_json::json!({
            "catalog": id.as_str(),
            "file": target.display().to_string(),
            "groups": n.groups, "controls": n.controls, "enhancements": n.enhancements,
            "parts": n.parts, "params": n.params,
        }))?;
    } else {
        outln!(
            "{}: {} ({} {}, {} {}, {} {}, {} {}, {} {})",
            target.display(),
            id,
            n.groups,
            t(lang, "グループ", "groups"),
            n.controls,
            t(lang, "管理策", "controls"),
            n.enhancements,
            t(lang, "拡張", "enhancements"),
            n.parts,
            t(lang, "パート", "parts"),
            n.params,
            t(lang, "パラメータ", "parameters"),
        );
        if !dirs.iter().any(|d| d == &a.into) {
            outln!(
                "{} --catalogs {}",
                t(lang, "このカタログを使うには:", "To use the catalog, load its folder:"),
                a.into.display()
            );
        }
    }
    Ok(())
}

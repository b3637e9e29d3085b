//! The web's adapter over the use cases of `sansho-app`: it checks access (the session's
//! memberships; foreign and unknown ids are both 404) and the role, builds the use case's
//! context from the request, and calls the one implementation the command line calls too. Pages
//! show a refusal on the form (an `Invalid` or `Conflict` error's message), the API returns it as
//! a typed JSON error; both through `From<AppError> for WebError`, in the user's language.
//! What is the web's own (labels, fiscal years, download names) stays here.

use sansho_app::Ctx;
use sansho_app::answers::{Accept, Unset};
use sansho_app::assessment::{MigrationPlan, Start};
use sansho_app::export::Format;
use sansho_core::CatalogSet;
use sansho_core::assess::MigrationSummary;
use sansho_core::set::NodeIx;
use sansho_store::{
    Actor, AnswerInput, AnswerResult, Assessment, AssessmentStatus, Date, Evidence, Id, Kind, Role, StoreError, User,
};

use crate::session::{check_access, now};
use crate::{AppState, Lang, WebError};

pub use sansho_app::answers::AnswerFields;
pub use sansho_app::assessment::Loaded;
pub use sansho_app::evidence::EvidenceFields;

/// The largest evidence file accepted.
pub const MAX_UPLOAD: usize = sansho_app::evidence::MAX_FILE;

/// The use cases' context for a request: the loaded catalogs, the store, now and today.
pub fn cx(s: &AppState) -> Ctx<'_> {
    Ctx { set: &s.set, store: &s.store, now: now(), today: today_date() }
}

/// Parses an id from a path; anything that is not one names nothing.
pub fn parse_id(id: &str, what: &str) -> Result<Id, WebError> {
    id.parse().map_err(|_| WebError::NotFound(format!("no such {what}")))
}

/// The assessment `id`, checked for access (foreign and unknown ids are both 404), with its
/// answers, checked against the loaded catalogs.
pub async fn load_assessment(s: &AppState, user: &User, id: &str) -> Result<Loaded, WebError> {
    let aid = parse_id(id, "assessment")?;
    check_access(s, user, Kind::Assessment, aid).await?;
    Ok(sansho_app::assessment::load(&cx(s), aid).await?)
}

/// A requirement of the assessment's catalog, by local id or printed label.
pub fn node(set: &CatalogSet, catalog: &str, req: &str) -> Result<NodeIx, WebError> {
    set.resolve(catalog, req).map_err(|e| WebError::NotFound(e.to_string()))
}

/// Whether the user may change assessments (assessor or admin).
pub fn can_edit(user: &User) -> bool {
    matches!(user.role, Role::Admin | Role::Assessor)
}

/// Refuses a viewer's write.
pub fn require_editor(lang: Lang, user: &User) -> Result<(), WebError> {
    if can_edit(user) {
        Ok(())
    } else {
        Err(WebError::Forbidden(lang.t("変更する権限がありません（閲覧のみ）。", "You may only read (viewer).").into()))
    }
}

/// The message of a refused write to a final (確定) assessment.
pub fn final_message(lang: Lang) -> &'static str {
    lang.t(
        "確定済みの評価は変更できません（読み取り専用）。変更するには、評価の作成者または管理者が理由を記入して再開してください。",
        "This assessment is final (確定) and read-only. To change it, its owner or an admin must reopen it with a reason.",
    )
}

/// A store refusal the person can act on, in their language (a final assessment, a reopening
/// not allowed or without a reason); anything else stays an internal error.
pub fn refusal(lang: Lang, e: StoreError) -> WebError {
    match e {
        StoreError::AssessmentFinal(_) => WebError::Conflict(final_message(lang).into()),
        StoreError::NotFinal(_) => WebError::Conflict(
            lang.t(
                "この評価は確定していないため、再開するものはありません。",
                "This assessment is not final; there is nothing to reopen.",
            )
            .into(),
        ),
        StoreError::ReopenNotAllowed { .. } => WebError::Forbidden(
            lang.t(
                "確定した評価を再開できるのは、評価の作成者または管理者だけです。",
                "Only the assessment's owner (who created it) or an admin may reopen it.",
            )
            .into(),
        ),
        StoreError::Empty { field: "reason" } => {
            WebError::Invalid(lang.t("再開する理由を記入してください。", "Give the reason for reopening.").into())
        }
        e => e.into(),
    }
}

/// Moves an assessment between draft, in review and final; leaving final is a reopening.
pub async fn set_status(
    s: &AppState,
    lang: Lang,
    actor: &Actor,
    a: &Assessment,
    status: AssessmentStatus,
) -> Result<Assessment, WebError> {
    sansho_app::assessment::set_status(&cx(s), actor, a, status).await.map_err(|e| app_refusal(lang, e))
}

/// Whether `user` may reopen the final assessment `a`: an admin, or its owner.
pub fn can_reopen(user: &User, a: &Assessment) -> bool {
    sansho_app::assessment::can_reopen(user, a)
}

/// Reopens a final assessment as a draft: by an admin or its owner, with a reason; audited.
pub async fn reopen(
    s: &AppState,
    lang: Lang,
    user: &User,
    actor: &Actor,
    a: &Assessment,
    reason: &str,
) -> Result<Assessment, WebError> {
    sansho_app::assessment::reopen(&cx(s), actor, a, reason, Some(user)).await.map_err(|e| app_refusal(lang, e))
}

/// A use case's refusal in `lang` (a store refusal through [`refusal`]).
pub fn app_refusal(lang: Lang, e: sansho_app::AppError) -> WebError {
    crate::error::from_app(lang, e)
}

/// The Japanese fiscal year (年度, April to March) of a moment, in Japan: `2026年度` / `FY2026`.
pub fn fiscal_year(lang: Lang, t: sansho_store::Timestamp) -> String {
    let date = crate::time::date(t);
    let year: i32 = date.get(..4).and_then(|y| y.parse().ok()).unwrap_or_default();
    let month: u32 = date.get(5..7).and_then(|m| m.parse().ok()).unwrap_or(4);
    let fy = if month >= 4 { year } else { year - 1 };
    match lang {
        Lang::Ja => format!("{fy}年度"),
        Lang::En => format!("FY{fy}"),
    }
}

/// How lists name an assessment: its name, else its catalog and fiscal year; with the date it
/// was created, so two assessments of one catalog never read the same.
pub fn assessment_label(s: &AppState, lang: Lang, a: &Assessment) -> String {
    let created = match lang {
        Lang::Ja => format!("（{}）", crate::time::date(a.created_at)),
        Lang::En => format!(" ({})", crate::time::date(a.created_at)),
    };
    match a.name.as_deref() {
        Some(name) => format!("{name}{created}"),
        None => {
            let catalog = s
                .set
                .catalog(&a.catalog_id)
                .map_or_else(|| a.catalog_id.clone(), |c| crate::view::catalog_name(lang, c));
            format!("{catalog} {}{created}", fiscal_year(lang, a.created_at))
        }
    }
}

/// A trimmed text; `None` when blank (the use cases' own rule).
pub use sansho_app::blank;

/// The time zone of dates written for people (an export's 出力日, today's date): set once by
/// `sansho serve` from its configuration, Asia/Tokyo when not set.
static TIME_ZONE: std::sync::OnceLock<chrono_tz::Tz> = std::sync::OnceLock::new();

/// Sets the time zone of [`today`] (the first call wins; the server sets it before it starts).
pub fn set_time_zone(tz: chrono_tz::Tz) {
    let _ = TIME_ZONE.set(tz);
}

/// Today's date in the configured time zone (Asia/Tokyo by default), `YYYY-MM-DD`.
pub fn today() -> String {
    let tz = TIME_ZONE.get().copied().unwrap_or(chrono_tz::Asia::Tokyo);
    chrono::DateTime::from_timestamp_millis(now().0)
        .map_or_else(|| now().0.to_string(), |d| d.with_timezone(&tz).format("%Y-%m-%d").to_string())
}

/// Today as a date (see [`today`]).
pub fn today_date() -> Date {
    today().parse().expect("chrono writes YYYY-MM-DD")
}

/// A result word as stored (`implemented`, `partial`, `not-implemented`, `not-applicable`,
/// `unanswered`).
pub fn parse_result(word: &str) -> Result<AnswerResult, WebError> {
    word.parse::<AnswerResult>().map_err(|_| {
        WebError::Invalid(format!(
            "unknown result {word:?} (implemented, partial, not-implemented, not-applicable, unanswered)"
        ))
    })
}

/// A date a person typed into the form field `field` (`YYYY-MM-DD`; blank is none), parsed here
/// at the edge.
pub fn date(lang: Lang, field: &'static str, typed: Option<&str>) -> Result<Option<Date>, WebError> {
    sansho_app::parse_date(field, typed).map_err(|e| app_refusal(lang, e))
}

/// Saves the answer to one requirement, replacing every field (a form shows them all).
pub async fn save_answer(
    s: &AppState,
    lang: Lang,
    actor: &Actor,
    a: &Loaded,
    ix: NodeIx,
    f: AnswerFields,
) -> Result<sansho_store::Answer, WebError> {
    sansho_app::answers::save(&cx(s), actor, a, ix, f, Unset::Clear).await.map_err(|e| app_refusal(lang, e))
}

/// Saves several answers at once (the checklist's changed rows): one transaction, all or none.
/// The inputs are checked ([`answer_input`]) by the caller, which shows each row's refusal.
pub async fn save_answers(
    s: &AppState,
    lang: Lang,
    actor: &Actor,
    a: &Loaded,
    inputs: Vec<AnswerInput>,
) -> Result<(), WebError> {
    sansho_app::answers::save_many(&cx(s), actor, a, inputs).await.map_err(|e| app_refusal(lang, e))
}

/// An answer as the store takes it, after checking what a person wrote (a heading is not
/// answered itself, 該当なし has a reason).
pub fn answer_input(
    s: &AppState,
    lang: Lang,
    a: &Loaded,
    ix: NodeIx,
    f: AnswerFields,
) -> Result<AnswerInput, WebError> {
    sansho_app::answers::answer_input(&cx(s), a, ix, f, Unset::Clear).map_err(|e| app_refusal(lang, e))
}

/// Turns the derived suggestion for a requirement into its answer, with the suggestion's origin.
/// Never over an answer (409); a requirement without a usable suggestion is refused (422).
pub async fn accept_suggestion(
    s: &AppState,
    lang: Lang,
    actor: &Actor,
    a: &Loaded,
    ix: NodeIx,
) -> Result<sansho_store::Answer, WebError> {
    let cx = cx(s);
    sansho_app::answers::accept(&cx, actor, a, Accept::These(&[ix])).await.map_err(|e| app_refusal(lang, e))?;
    let local = s.set.requirement(ix).id.as_str();
    s.store
        .answer_for(a.assessment.id, local)
        .await?
        .ok_or_else(|| WebError::Internal(format!("accepted {local}, then found no answer")))
}

/// Keeps evidence (a file content-addressed, or an http(s) link) and attaches it to the
/// requirement's answer, which must exist (409 otherwise: save an answer first).
pub async fn add_evidence(
    s: &AppState,
    lang: Lang,
    actor: &Actor,
    a: &Loaded,
    ix: NodeIx,
    f: EvidenceFields,
) -> Result<Evidence, WebError> {
    sansho_app::evidence::add(&cx(s), actor, a, ix, f).await.map_err(|e| app_refusal(lang, e))
}

/// Evidence the user may see (it belongs to one of their organizations).
pub async fn load_evidence(s: &AppState, user: &User, id: &str) -> Result<Evidence, WebError> {
    let eid = parse_id(id, "evidence")?;
    check_access(s, user, Kind::Evidence, eid).await?;
    Ok(s.store.evidence(eid).await?)
}

/// An evidence file's bytes, after checking its hash: a file that no longer matches (or is gone)
/// is refused with 409, never served.
pub async fn evidence_bytes(s: &AppState, e: &Evidence) -> Result<Vec<u8>, WebError> {
    sansho_app::evidence::bytes(&cx(s), e).await.map_err(|err| {
        if let sansho_app::AppError::EvidenceCorrupt(cause) = &err {
            tracing::error!(err = %cause, "evidence refused");
        }
        WebError::from(err)
    })
}

/// A `Content-Disposition` for a download named `name` (ASCII fallback and the UTF-8 name).
pub fn attachment(name: &str) -> String {
    let ascii: String =
        name.chars().map(|c| if c.is_ascii_alphanumeric() || ".-_".contains(c) { c } else { '_' }).collect();
    let encoded: String = name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b".-_".contains(&b) { (b as char).to_string() } else { format!("%{b:02X}") }
        })
        .collect();
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

/// The status of an assessment in words.
pub fn status_word(lang: Lang, s: AssessmentStatus) -> &'static str {
    sansho_app::export::status_word(lang, s)
}

/// An export format of an assessment, from the path (`xlsx`, `csv`, `md`, `json`).
pub fn export_format(s: &str) -> Result<Format, WebError> {
    Format::parse(s).ok_or_else(|| WebError::NotFound(format!("no export format {s:?} (xlsx, csv, md, json)")))
}

/// An export: its bytes, content type and file name.
pub struct ExportFile {
    pub bytes: Vec<u8>,
    pub content_type: &'static str,
    pub file_name: String,
}

/// The exports of `sansho export` (direct answers, with owner, due date and evidence).
pub async fn export(s: &AppState, lang: Lang, a: &Loaded, format: Format) -> Result<ExportFile, WebError> {
    let request = sansho_app::export::Request { format, catalog: None, with_derived: false, lang };
    let bytes = sansho_app::export::export(&cx(s), a, request).await.map_err(|e| app_refusal(lang, e))?;
    let id = a.assessment.id.to_string();
    let file_name = format!("{}-{}.{}", a.assessment.catalog_id, &id[..8], format.extension());
    Ok(ExportFile { bytes, content_type: format.content_type(), file_name })
}

/// A file name as shown and kept in each answer's origin: its last path part, without control
/// characters, at most 255 characters.
pub fn upload_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let clean: String = base.chars().filter(|c| !c.is_control()).take(255).collect();
    if clean.trim().is_empty() { "checklist".to_owned() } else { clean }
}

/// Reads a filled checklist for assessment `a` with the server's workbook reader (the sandboxed
/// child process), off the async workers; gives the assessment back with the answers read.
pub async fn read_checklist(
    s: &AppState,
    a: Loaded,
    (name, bytes): (String, Vec<u8>),
    sheet: Option<String>,
) -> Result<(Loaded, Result<sansho_app::import::FileAnswers, sansho_app::AppError>), WebError> {
    let Some(reader) = s.books.clone() else {
        return Err(WebError::Internal("no workbook reader is configured".into()));
    };
    let state = s.clone();
    let _turn = s.reading.acquire().await.map_err(|e| WebError::Internal(format!("reading a checklist: {e}")))?;
    tokio::task::spawn_blocking(move || {
        let read = sansho_app::import::read_checklist(&cx(&state), &a, &reader, (&name, &bytes), sheet.as_deref());
        (a, read)
    })
    .await
    .map_err(|e| WebError::Internal(format!("reading a checklist: {e}")))
}

/// Starts a new assessment of `system` (checked for access by the caller), owned by the user.
pub async fn start_assessment(
    s: &AppState,
    lang: Lang,
    (user, actor): (&User, &Actor),
    system: Id,
    (catalog, name): (&str, Option<&str>),
    baseline: Option<Id>,
) -> Result<Assessment, WebError> {
    let start = Start { system, catalog, name, baseline, owner: Some(user.id) };
    sansho_app::assessment::start(&cx(s), actor, start).await.map_err(|e| app_refusal(lang, e))
}

/// What migrating an assessment to `to` would carry, computed without writing anything (the
/// confirmation page shows it).
pub async fn migration_plan(s: &AppState, lang: Lang, a: &Loaded, to: &str) -> Result<MigrationPlan, WebError> {
    sansho_app::assessment::migration_plan(&cx(s), a, to).await.map_err(|e| app_refusal(lang, e))
}

/// Migrates an assessment to another catalog (as `sansho assessment migrate`), owned by the user.
pub async fn migrate_assessment(
    s: &AppState,
    lang: Lang,
    (user, actor): (&User, &Actor),
    a: &Loaded,
    (to, name): (&str, Option<&str>),
) -> Result<(Assessment, MigrationSummary), WebError> {
    let (created, plan) = sansho_app::assessment::migrate_to(&cx(s), actor, a, (to, name, Some(user.id)), &mut |_| {})
        .await
        .map_err(|e| app_refusal(lang, e))?;
    Ok((created, plan.summary))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn today_is_a_date() {
        assert_eq!(today_date().as_str(), today());
    }
}

//! The domain operations that the pages and the JSON API share: loading an assessment with the
//! access check, saving an answer, accepting a derived suggestion, adding evidence, reading
//! evidence back verified, building an export and migrating an assessment to another catalog.
//!
//! One implementation for both: the pages show a refusal on the form (an `Invalid` or `Conflict`
//! error's message), the API returns it as a typed JSON error. Messages are in the user's language.

use sansho_core::CatalogSet;
use sansho_core::assess::{MigrationSummary, ResultCode, derive, is_requirement, migrate};
use sansho_core::set::NodeIx;
use sansho_store::{
    Actor, AnswerInput, AnswerResult, Assessment, AssessmentMeta, AssessmentStatus, Date, Evidence, EvidenceSource, Id,
    Kind, NewAssessment, NewEvidence, Role, StoreError, User,
};

use crate::session::{check_access, now};
use crate::{AppState, Lang, WebError};

/// The largest evidence file accepted.
pub const MAX_UPLOAD: usize = 20 * 1024 * 1024;

/// An assessment the user may see, with its stored answers and the same answers as the domain's.
pub struct Loaded {
    pub assessment: Assessment,
    pub stored: Vec<sansho_store::Answer>,
    pub answers: Vec<sansho_core::assess::Answer>,
}

impl Loaded {
    /// The stored answer to one requirement (by its local id).
    pub fn stored_for(&self, local: &str) -> Option<&sansho_store::Answer> {
        self.stored.iter().find(|x| x.requirement_id == local)
    }
}

/// Parses an id from a path; anything that is not one names nothing.
pub fn parse_id(id: &str, what: &str) -> Result<Id, WebError> {
    id.parse().map_err(|_| WebError::NotFound(format!("no such {what}")))
}

/// The assessment `id`, checked for access (foreign and unknown ids are both 404), with its answers.
pub async fn load_assessment(s: &AppState, user: &User, id: &str) -> Result<Loaded, WebError> {
    let aid = parse_id(id, "assessment")?;
    check_access(s, user, Kind::Assessment, aid).await?;
    let assessment = match s.store.assessment(aid).await {
        Ok(a) => a,
        Err(StoreError::UnknownAssessment(_)) => return Err(WebError::NotFound("no such assessment".into())),
        Err(e) => return Err(e.into()),
    };
    let stored = s.store.answers(aid).await?;
    let answers = domain_answers(&s.set, &assessment.catalog_id, &stored)?;
    Ok(Loaded { assessment, stored, answers })
}

/// The stored answers as domain answers; an answer to a requirement the catalog no longer has
/// is an error naming it.
pub fn domain_answers(
    set: &CatalogSet,
    catalog: &str,
    stored: &[sansho_store::Answer],
) -> Result<Vec<sansho_core::assess::Answer>, WebError> {
    stored
        .iter()
        .map(|a| {
            a.to_domain(set, catalog).ok_or_else(|| {
                WebError::Internal(format!("answer {}: no requirement {:?} in {catalog}", a.id, a.requirement_id))
            })
        })
        .collect()
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

/// Refuses a write to a final (確定) assessment before anything else is checked or kept (the
/// store refuses it too, inside the write's transaction).
pub fn ensure_open(lang: Lang, a: &Loaded) -> Result<(), WebError> {
    if a.assessment.status == AssessmentStatus::Final {
        Err(WebError::Conflict(final_message(lang).into()))
    } else {
        Ok(())
    }
}

/// Whether `user` may reopen the final assessment `a`: an admin, or its owner.
pub fn can_reopen(user: &User, a: &Assessment) -> bool {
    user.role == Role::Admin || a.owner_id == Some(user.id)
}

/// Moves an assessment between draft, in review and final; leaving final is a reopening.
pub async fn set_status(
    s: &AppState,
    lang: Lang,
    actor: &Actor,
    a: &Assessment,
    status: AssessmentStatus,
) -> Result<Assessment, WebError> {
    if status == a.status {
        return Ok(a.clone());
    }
    s.store.set_assessment_status(a.id, status, actor, now()).await.map_err(|e| refusal(lang, e))
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
    if a.status != AssessmentStatus::Final {
        return Err(refusal(lang, StoreError::NotFinal(a.id)));
    }
    if !can_reopen(user, a) {
        return Err(refusal(lang, StoreError::ReopenNotAllowed { assessment: a.id, user: user.id }));
    }
    s.store.reopen_assessment(a.id, reason, Some(user.id), actor, now()).await.map_err(|e| refusal(lang, e))
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

/// A trimmed text; `None` when blank.
pub fn blank(s: &str) -> Option<String> {
    Some(s.trim().to_owned()).filter(|x| !x.is_empty())
}

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

/// A result word as stored (`implemented`, `partial`, `not-implemented`, `not-applicable`,
/// `unanswered`).
pub fn parse_result(word: &str) -> Result<AnswerResult, WebError> {
    word.parse::<AnswerResult>().map_err(|_| {
        WebError::Invalid(format!(
            "unknown result {word:?} (implemented, partial, not-implemented, not-applicable, unanswered)"
        ))
    })
}

/// What a person writes into an answer.
pub struct AnswerFields {
    pub result: AnswerResult,
    /// 実施内容.
    pub how: String,
    /// 該当なし理由・備考 (required for not-applicable).
    pub justification: Option<String>,
    pub owner: Option<String>,
    /// `YYYY-MM-DD`.
    pub due: Option<String>,
}

/// Saves the answer to one requirement (replacing every field), after checking it: a heading is
/// not answered itself, a due date is a date, 該当なし has a reason.
pub async fn save_answer(
    s: &AppState,
    lang: Lang,
    actor: &Actor,
    a: &Loaded,
    ix: NodeIx,
    f: AnswerFields,
) -> Result<sansho_store::Answer, WebError> {
    ensure_open(lang, a)?;
    let input = answer_input(s, lang, ix, f)?;
    s.store.set_answer(a.assessment.id, &input, actor, now()).await.map_err(|e| refusal(lang, e))
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
    ensure_open(lang, a)?;
    if inputs.is_empty() {
        return Ok(());
    }
    s.store.set_answers(a.assessment.id, inputs, actor, now()).await.map_err(|e| refusal(lang, e))
}

/// An answer as the store takes it, after checking what a person wrote: a heading is not
/// answered itself, a due date is a date, 該当なし has a reason.
pub fn answer_input(s: &AppState, lang: Lang, ix: NodeIx, f: AnswerFields) -> Result<AnswerInput, WebError> {
    if !is_requirement(&s.set, ix) {
        return Err(WebError::Invalid(
            lang.t(
                "見出しには回答できません（その下の項目に回答してください）。",
                "A heading is not answered itself; answer the items under it.",
            )
            .into(),
        ));
    }
    let mut input = AnswerInput::new(s.set.requirement(ix).id.as_str(), f.result);
    input.how = f.how.trim().to_owned();
    input.justification = f.justification.as_deref().and_then(blank);
    input.owner = f.owner.as_deref().and_then(blank);
    input.due_date = match f.due.as_deref().and_then(blank) {
        None => None,
        Some(d) => Some(d.parse::<Date>().map_err(|_| {
            WebError::Invalid(format!(
                "{}: {d}",
                lang.t("期限の日付が正しくありません（YYYY-MM-DD）", "The due date is not a date (YYYY-MM-DD)")
            ))
        })?),
    };
    if f.result == AnswerResult::NotApplicable && input.justification.is_none() {
        return Err(WebError::Invalid(
            lang.t("該当なしには理由の記入が必要です。", "該当なし (not applicable) needs a reason.").into(),
        ));
    }
    Ok(input)
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
    ensure_open(lang, a)?;
    let set = &s.set;
    let derived = derive(set, &a.answers).map_err(|e| WebError::Internal(e.to_string()))?;
    if derived.direct(ix).is_some_and(|x| x.result != ResultCode::Unanswered) {
        return Err(WebError::Conflict(
            lang.t("回答済みの項目は推定で上書きしません。", "A suggestion never overwrites an answer.").into(),
        ));
    }
    let accepted = derived.accept(ix).map_err(|e| {
        WebError::Invalid(format!("{}: {e}", lang.t("採用できる推定がありません", "No suggestion to accept")))
    })?;
    // Stored as the command line stores it: the result and where it came from.
    let input = AnswerInput::from_domain(set, ix, &accepted, "derived")?;
    s.store.set_answer(a.assessment.id, &input, actor, now()).await.map_err(|e| refusal(lang, e))
}

/// Evidence as a person gives it: a file or an http(s) link, a title, the dates.
#[derive(Default)]
pub struct EvidenceFields {
    /// File name and content.
    pub file: Option<(String, Vec<u8>)>,
    pub url: Option<String>,
    pub title: Option<String>,
    /// `YYYY-MM-DD`; today when blank.
    pub effective: Option<String>,
    /// `YYYY-MM-DD`.
    pub expiry: Option<String>,
}

/// Keeps evidence (a file content-addressed, or a link) and attaches it to the requirement's
/// answer, which must exist (409 otherwise: save an answer first).
pub async fn add_evidence(
    s: &AppState,
    lang: Lang,
    actor: &Actor,
    a: &Loaded,
    ix: NodeIx,
    f: EvidenceFields,
) -> Result<Evidence, WebError> {
    ensure_open(lang, a)?;
    let local = s.set.requirement(ix).id.as_str();
    let Some(answer) = a.stored_for(local) else {
        return Err(WebError::Conflict(lang.t("先に回答を保存してください。", "Save an answer first.").into()));
    };
    let source = match (f.file, f.url.as_deref().and_then(blank)) {
        (Some((file_name, content)), _) if !file_name.trim().is_empty() && !content.is_empty() => {
            if content.len() > MAX_UPLOAD {
                return Err(WebError::TooLarge(
                    lang.t("ファイルが 20 MB を超えています。", "The file is larger than 20 MB.").into(),
                ));
            }
            EvidenceSource::File { file_name: file_name.trim().to_owned(), content }
        }
        (_, Some(u)) if is_http_url(&u) => EvidenceSource::Link { url: u },
        _ => {
            return Err(WebError::Invalid(
                lang.t(
                    "ファイル（空でないもの）または http(s) の URL を指定してください。",
                    "Give a (non-empty) file or an http(s) URL.",
                )
                .into(),
            ));
        }
    };
    let effective = f.effective.as_deref().and_then(blank).unwrap_or_else(today);
    let effective: Date = effective.parse().map_err(|_| {
        WebError::Invalid(format!(
            "{}: {effective}",
            lang.t("有効日が正しくありません（YYYY-MM-DD）", "Bad effective date (YYYY-MM-DD)")
        ))
    })?;
    let expiry = match f.expiry.as_deref().and_then(blank) {
        None => None,
        Some(d) => Some(d.parse::<Date>().map_err(|_| {
            WebError::Invalid(format!(
                "{}: {d}",
                lang.t("有効期限が正しくありません（YYYY-MM-DD）", "Bad expiry date (YYYY-MM-DD)")
            ))
        })?),
    };
    let default_title = match &source {
        EvidenceSource::File { file_name, .. } => file_name.clone(),
        EvidenceSource::Link { url } => url.clone(),
    };
    let new = NewEvidence {
        title: f.title.as_deref().and_then(blank).unwrap_or(default_title),
        source,
        effective_date: effective,
        expiry_date: expiry,
        organization_id: Some(s.store.organization_of_assessment(a.assessment.id).await?),
    };
    let now = now();
    let e = match s.store.add_evidence(&new, actor, now).await {
        Ok(e) => e,
        Err(StoreError::ExpiryBeforeEffective { .. }) => {
            return Err(WebError::Invalid(
                lang.t("有効期限が有効日より前です。", "The expiry is before the effective date.").into(),
            ));
        }
        Err(e) => return Err(e.into()),
    };
    s.store.attach_evidence(answer.id, e.id, actor, now).await.map_err(|e| refusal(lang, e))?;
    Ok(e)
}

/// An absolute http(s) URL with a host and no white space or control characters.
fn is_http_url(u: &str) -> bool {
    let rest = u.strip_prefix("https://").or_else(|| u.strip_prefix("http://"));
    rest.is_some_and(|r| {
        !r.is_empty() && !r.starts_with('/') && !u.chars().any(|c| c.is_whitespace() || c.is_control())
    })
}

/// Evidence the user may see (it belongs to one of their organizations).
pub async fn load_evidence(s: &AppState, user: &User, id: &str) -> Result<Evidence, WebError> {
    let eid = parse_id(id, "evidence")?;
    check_access(s, user, Kind::Evidence, eid).await?;
    match s.store.evidence(eid).await {
        Ok(e) => Ok(e),
        Err(StoreError::UnknownEvidence(_)) => Err(WebError::NotFound("no such evidence".into())),
        Err(e) => Err(e.into()),
    }
}

/// An evidence file's bytes, after checking its hash: a file that no longer matches (or is gone)
/// is refused with 409, never served.
pub async fn evidence_bytes(s: &AppState, e: &Evidence) -> Result<Vec<u8>, WebError> {
    if e.sha256.is_none() {
        return Err(WebError::NotFound("this evidence is a link; it has no file".into()));
    }
    match s.store.read_evidence(e.id).await {
        Ok(c) => Ok(c),
        Err(err @ (StoreError::EvidenceCorrupt { .. } | StoreError::EvidenceMissing { .. })) => {
            tracing::error!(%err, "evidence refused");
            Err(WebError::Conflict("the evidence file does not match its hash; it is not served".into()))
        }
        Err(err) => Err(err.into()),
    }
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

pub fn status_word(lang: Lang, s: AssessmentStatus) -> &'static str {
    match s {
        AssessmentStatus::Draft => lang.t("作成中", "draft"),
        AssessmentStatus::InReview => lang.t("レビュー中", "in review"),
        AssessmentStatus::Final => lang.t("確定", "final"),
    }
}

/// An export format of an assessment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportFormat {
    Xlsx,
    Csv,
    Md,
    Json,
}

impl ExportFormat {
    pub fn parse(s: &str) -> Result<ExportFormat, WebError> {
        match s {
            "xlsx" => Ok(ExportFormat::Xlsx),
            "csv" => Ok(ExportFormat::Csv),
            "md" => Ok(ExportFormat::Md),
            "json" => Ok(ExportFormat::Json),
            other => Err(WebError::NotFound(format!("no export format {other:?} (xlsx, csv, md, json)"))),
        }
    }
    pub fn content_type(self) -> &'static str {
        match self {
            ExportFormat::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ExportFormat::Csv => "text/csv; charset=utf-8",
            ExportFormat::Md => "text/markdown; charset=utf-8",
            ExportFormat::Json => "application/json",
        }
    }
    pub fn extension(self) -> &'static str {
        match self {
            ExportFormat::Xlsx => "xlsx",
            ExportFormat::Csv => "csv",
            ExportFormat::Md => "md",
            ExportFormat::Json => "json",
        }
    }
}

/// An export: its bytes, content type and file name.
pub struct ExportFile {
    pub bytes: Vec<u8>,
    pub content_type: &'static str,
    pub file_name: String,
}

/// The exports of `sansho export` (direct answers, with owner, due date and evidence).
pub async fn export(s: &AppState, lang: Lang, a: &Loaded, format: ExportFormat) -> Result<ExportFile, WebError> {
    let aid = a.assessment.id;
    let system = s.store.system(a.assessment.system_id).await?;
    let org = s.store.organization(system.organization_id).await?;
    let set = &s.set;
    let derived = derive(set, &a.answers).map_err(|e| WebError::Internal(e.to_string()))?;
    let mut extra: std::collections::HashMap<String, sansho_export::Extra> = std::collections::HashMap::new();
    for st in &a.stored {
        let e = extra.entry(st.requirement_id.clone()).or_default();
        e.owner = st.owner.clone();
        e.due = st.due_date.as_ref().map(|d| d.to_string());
    }
    for (req, ev) in s.store.evidence_of_assessment(aid).await? {
        extra.entry(req).or_default().evidence.push(sansho_export::EvidenceRef {
            title: ev.title,
            file_name: ev.file_name,
            sha256: ev.sha256,
            url: ev.url,
            effective: ev.effective_date.to_string(),
            expiry: ev.expiry_date.map(|d| d.to_string()),
        });
    }
    let input = sansho_export::ExportInput {
        derived: &derived,
        catalog: &a.assessment.catalog_id,
        meta: sansho_export::Meta {
            organization: org.name,
            system: system.name,
            assessment_id: aid.to_string(),
            status: status_word(lang, a.assessment.status).to_owned(),
            exported_on: today(),
            baseline: a.assessment.baseline_id.map(|b| b.to_string()),
        },
        extra,
        lang,
        include_derived: false,
    };
    let bytes = match format {
        ExportFormat::Xlsx => sansho_export::xlsx(&input).map_err(|e| WebError::Internal(e.to_string()))?,
        ExportFormat::Csv => sansho_export::csv(&input).into_bytes(),
        ExportFormat::Md => sansho_export::markdown(&input).into_bytes(),
        ExportFormat::Json => {
            serde_json::to_vec_pretty(&sansho_export::json(&input)).map_err(|e| WebError::Internal(e.to_string()))?
        }
    };
    let file_name = format!("{}-{}.{}", a.assessment.catalog_id, &aid.to_string()[..8], format.extension());
    Ok(ExportFile { bytes, content_type: format.content_type(), file_name })
}

/// Starts a new assessment of `system` (checked for access by the caller) on a loaded catalog,
/// optionally from a baseline: an assessment of the same system and catalog whose answers and
/// evidence links are copied in.
pub async fn start_assessment(
    s: &AppState,
    lang: Lang,
    (user, actor): (&User, &Actor),
    system: Id,
    (catalog, name): (&str, Option<&str>),
    baseline: Option<Id>,
) -> Result<Assessment, WebError> {
    if s.set.catalog(catalog).is_none() {
        let msg = lang.t("ガイドラインがありません", "no catalog is loaded with this id");
        return Err(WebError::Invalid(format!("catalog_id: {msg}: {catalog:?}")));
    }
    if !crate::view::offered_catalogs(&s.set).any(|c| c.id.as_str() == catalog) {
        return Err(WebError::Invalid(format!("catalog_id: {}", crate::view::outline_refusal(lang, catalog))));
    }
    if let Some(b) = baseline {
        let not_here = || {
            let msg = lang.t("ベースラインはこのシステムの評価を選んでください", "no assessment of this system");
            WebError::Invalid(format!("baseline_id: {msg}: {b}"))
        };
        let base = match s.store.assessment(b).await {
            Ok(x) => x,
            Err(StoreError::UnknownAssessment(_)) => return Err(not_here()),
            Err(e) => return Err(e.into()),
        };
        if base.system_id != system {
            return Err(not_here());
        }
        if base.catalog_id != catalog {
            let msg = lang.t(
                "ベースラインは同じガイドラインの評価を選んでください（別のガイドラインへは「移行」を使います）",
                "the baseline assesses another catalog (crossing catalogs is a migration)",
            );
            return Err(WebError::Invalid(format!("baseline_id: {msg}: {}", base.catalog_id)));
        }
    }
    let new = NewAssessment { system_id: system, catalog_id: catalog.to_owned(), baseline_id: baseline };
    let meta = AssessmentMeta { name: name.and_then(blank), owner_id: Some(user.id) };
    Ok(s.store.create_assessment_as(&new, &meta, actor, now()).await?)
}

/// What migrating an assessment to `to` would carry, computed without writing anything (the
/// confirmation page shows it): the summary and the store inputs.
pub fn migration_plan(
    s: &AppState,
    lang: Lang,
    a: &Loaded,
    to: &str,
    evidence: &[(String, Evidence)],
) -> Result<(MigrationSummary, Vec<AnswerInput>), WebError> {
    let set = &s.set;
    let from = a.assessment.catalog_id.clone();
    if set.catalog(to).is_none() || to == from {
        let msg = lang.t(
            "移行先には読み込まれている別のガイドラインを選んでください",
            "choose another loaded catalog (to start the same catalog again, use a baseline)",
        );
        return Err(WebError::Invalid(format!("to: {msg}: {to:?}")));
    }
    if !crate::view::offered_catalogs(set).any(|c| c.id.as_str() == to) {
        return Err(WebError::Invalid(format!("to: {}", crate::view::outline_refusal(lang, to))));
    }
    let derived = derive(set, &a.answers).map_err(|e| WebError::Internal(e.to_string()))?;
    let m = migrate(&derived, &from, to);
    let summary = m.summary(a.answers.len());
    let inputs = sansho_store::migration_inputs(set, &m, a.assessment.id, &a.answers, evidence)?;
    Ok((summary, inputs))
}

/// Migrates an assessment to another catalog (as `sansho assessment migrate`): a new assessment
/// of the same system whose answers are carried over the migration tables, each with its origin
/// and flags, evidence travelling with the answers it proves. One transaction.
pub async fn migrate_assessment(
    s: &AppState,
    lang: Lang,
    (user, actor): (&User, &Actor),
    a: &Loaded,
    (to, name): (&str, Option<&str>),
) -> Result<(Assessment, MigrationSummary), WebError> {
    let evidence = s.store.evidence_of_assessment(a.assessment.id).await?;
    let (summary, inputs) = migration_plan(s, lang, a, to, &evidence)?;
    let new = NewAssessment { system_id: a.assessment.system_id, catalog_id: to.to_owned(), baseline_id: None };
    let meta = AssessmentMeta { name: name.and_then(blank), owner_id: Some(user.id) };
    let (created, _) =
        s.store.create_assessment_with_answers_as(&new, &meta, inputs, actor, now(), &mut |_| {}).await?;
    Ok((created, summary))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_urls() {
        assert!(is_http_url("https://example.jp/doc.pdf"));
        assert!(!is_http_url("https://"));
        assert!(!is_http_url("javascript:alert(1)"));
        assert!(!is_http_url("https://a b"));
    }
}

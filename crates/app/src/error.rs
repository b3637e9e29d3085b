//! What a use case can refuse, typed; each adapter says it its own way (a status code and a page
//! or a JSON body in the web, a line on standard error in the CLI) from one [`Class`] and one
//! message in the person's language.

use sansho_core::Lang;
use sansho_core::set::ResolveError;
use sansho_import::ImportError;
use sansho_store::{Id, StoreError};

/// How a refusal is answered: what the web turns into a status code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    /// An id that names nothing (404).
    NotFound,
    /// Well-formed input that is not acceptable (422).
    Invalid,
    /// The request conflicts with what is stored (409): a final assessment, a suggestion over an
    /// answer, evidence that no longer matches its hash.
    Conflict,
    /// Not allowed for this person (403).
    Forbidden,
    /// Too large (413).
    TooLarge,
    /// Anything else: the server's fault (500, "internal error").
    Internal,
}

/// A refusal of a use case.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The catalog a person named is not loaded.
    #[error("unknown catalog {catalog:?} (see `sansho catalog list`)")]
    UnknownCatalog {
        /// The form field or argument that named it (`catalog_id`, `to`).
        field: &'static str,
        /// What was given.
        catalog: String,
    },
    /// The catalog is an outline (structure without the official text): not offered for an
    /// assessment until filled.
    #[error(
        "{catalog} is an outline catalog (structure and a few texts only) and cannot be assessed. Supply the official text with `sansho catalog fill {catalog} <file> --out <dir>` and load that folder with --catalogs."
    )]
    Outline {
        /// The form field or argument that named it.
        field: &'static str,
        /// The outline's id.
        catalog: String,
    },
    /// An assessment whose catalog is not loaded (the catalogs changed under it).
    #[error("the assessment {assessment} is of catalog {catalog:?}, which is not loaded")]
    CatalogNotLoaded {
        /// The assessment.
        assessment: Id,
        /// Its catalog.
        catalog: String,
    },
    /// A stored answer to a requirement its catalog no longer has.
    #[error("answer {answer}: requirement {requirement:?} is not in catalog {catalog} (was the catalog changed?)")]
    AnswerOffCatalog {
        /// The answer.
        answer: Id,
        /// Its requirement's local id.
        requirement: String,
        /// The catalog.
        catalog: String,
    },
    /// A requirement a person named that the catalog does not have (or names ambiguously).
    #[error("{0}")]
    Requirement(#[from] ResolveError),
    /// A heading groups requirements and is not answered itself.
    #[error("{catalog} {label} groups other requirements and is not answered itself")]
    Heading {
        /// The catalog.
        catalog: String,
        /// The heading's printed label.
        label: String,
    },
    /// 該当なし without a reason.
    #[error("{label}: 該当なし (not applicable) needs a reason")]
    JustificationRequired {
        /// The requirement's printed label.
        label: String,
    },
    /// A date that is not `YYYY-MM-DD`.
    #[error("{field}: {value:?} is not a date (YYYY-MM-DD)")]
    BadDate {
        /// Which date (`due`, `effective`, `expiry`).
        field: &'static str,
        /// What was given.
        value: String,
    },
    /// A baseline that is not an assessment of the same system.
    #[error("baseline {baseline} is not an assessment of this system")]
    BaselineElsewhere {
        /// The baseline given.
        baseline: Id,
    },
    /// A baseline of another catalog (crossing catalogs is a migration).
    #[error("the baseline assesses {baseline_catalog}, not {catalog} (crossing catalogs is a migration)")]
    BaselineCatalog {
        /// The baseline's catalog.
        baseline_catalog: String,
        /// The new assessment's catalog.
        catalog: String,
    },
    /// A migration to the catalog the assessment already assesses.
    #[error("assessment {assessment} is already of {catalog}: start a new one with a baseline to carry it over")]
    SameCatalog {
        /// The assessment.
        assessment: Id,
        /// Its catalog.
        catalog: String,
    },
    /// An assessment without a baseline asked what changed since it.
    #[error("assessment {assessment} has no baseline (create one with `assessment new --baseline`)")]
    NoBaseline {
        /// The assessment.
        assessment: Id,
    },
    /// Accepting a suggestion over an answer.
    #[error("{label} is already answered: a suggestion never overwrites an answer")]
    SuggestionOverAnswer {
        /// The requirement's printed label.
        label: String,
    },
    /// Nothing to accept (no suggestion with a result).
    #[error("{label}: no suggestion to accept ({reason})")]
    NoSuggestion {
        /// The requirement's printed label.
        label: String,
        /// Why.
        reason: String,
    },
    /// Neither requirements nor "all" were named to accept.
    #[error("name the requirements to accept, or accept all")]
    NothingToAccept,
    /// Evidence for a requirement that has no answer yet.
    #[error("{label} is not answered yet in this assessment: save an answer first")]
    NoAnswerYet {
        /// The requirement's printed label.
        label: String,
    },
    /// Evidence that is neither a (non-empty) file nor an http(s) link.
    #[error("give a (non-empty) file or an http(s) URL")]
    EvidenceSource,
    /// An evidence file over the limit.
    #[error("the file is larger than {max} bytes")]
    FileTooLarge {
        /// The limit in bytes.
        max: usize,
    },
    /// Evidence that is a link asked for its file.
    #[error("evidence {id} is a link; it has no file")]
    EvidenceIsLink {
        /// The evidence.
        id: Id,
    },
    /// An evidence file that no longer matches its hash (or is gone): never served.
    #[error("the evidence file does not match its hash; it is not served")]
    EvidenceCorrupt(#[source] StoreError),
    /// More answers in one confirmation than any checklist has.
    #[error("more than {max} answers at once")]
    TooManyRows {
        /// The limit.
        max: usize,
    },
    /// A file a person gave that could not be read (a checklist, an answers file).
    #[error("{0}")]
    Import(#[from] ImportError),
    /// The store refused or failed.
    #[error("{0}")]
    Store(#[from] StoreError),
    /// A fault of sansho's own (a domain computation that cannot fail on loaded catalogs).
    #[error("internal error: {0}")]
    Internal(String),
}

impl AppError {
    /// How the refusal is answered.
    pub fn class(&self) -> Class {
        use AppError as E;
        match self {
            E::Requirement(_) | E::EvidenceIsLink { .. } => Class::NotFound,
            E::UnknownCatalog { .. }
            | E::Outline { .. }
            | E::Heading { .. }
            | E::JustificationRequired { .. }
            | E::BadDate { .. }
            | E::BaselineElsewhere { .. }
            | E::BaselineCatalog { .. }
            | E::SameCatalog { .. }
            | E::NoBaseline { .. }
            | E::NoSuggestion { .. }
            | E::NothingToAccept
            | E::EvidenceSource
            | E::TooManyRows { .. }
            | E::Import(_) => Class::Invalid,
            E::SuggestionOverAnswer { .. }
            | E::NoAnswerYet { .. }
            | E::EvidenceCorrupt(_)
            | E::CatalogNotLoaded { .. } => Class::Conflict,
            E::FileTooLarge { .. } => Class::TooLarge,
            E::AnswerOffCatalog { .. } | E::Internal(_) => Class::Internal,
            E::Store(e) => store_class(e),
        }
    }

    /// The form field the refusal is about, where there is one (pages show it on that field).
    pub fn field(&self) -> Option<&'static str> {
        match self {
            AppError::UnknownCatalog { field, .. } | AppError::Outline { field, .. } => Some(field),
            AppError::BaselineElsewhere { .. } | AppError::BaselineCatalog { .. } => Some("baseline_id"),
            AppError::SameCatalog { .. } => Some("to"),
            _ => None,
        }
    }

    /// What a person is told, in their language. A store error's words are the adapter's (the
    /// CLI and the web name the store's fields in their own terms); its English is given here.
    pub fn message(&self, lang: Lang) -> String {
        use AppError as E;
        if lang == Lang::En {
            return match self {
                E::Import(e) => e.text(lang),
                E::Internal(_) => "internal error".to_owned(),
                other => other.to_string(),
            };
        }
        match self {
            E::UnknownCatalog { catalog, .. } => {
                format!("不明なカタログ {catalog:?}（sansho catalog list で一覧）")
            }
            E::Outline { catalog, .. } => format!(
                "{catalog} はアウトライン（骨組みと一部の本文のみ）のカタログのため、評価には使えません。手元の公式の本文を `sansho catalog fill {catalog} <ファイル> --out <フォルダ>` で補い、そのフォルダを --catalogs に指定してください。"
            ),
            E::CatalogNotLoaded { assessment, catalog } => {
                format!("評価 {assessment} のカタログ {catalog:?} が読み込まれていません（sansho catalog list で一覧）")
            }
            E::AnswerOffCatalog { answer, requirement, catalog } => format!(
                "回答 {answer}: 要求事項 {requirement:?} がカタログ {catalog} にありません（カタログが変わりましたか）"
            ),
            E::Requirement(r) => match r {
                ResolveError::UnknownCatalog(c) => format!("不明なカタログ {c:?}（sansho catalog list で一覧）"),
                ResolveError::NotFound { catalog, query } => {
                    format!("カタログ {catalog} に要求事項 {query:?} はありません（ID、次に表記の番号で探しました）")
                }
                ResolveError::Ambiguous { catalog, query, candidates } => format!(
                    "{query:?} はカタログ {catalog} の複数の要求事項に当たります（ID で指定してください）: {}",
                    candidates.join(", ")
                ),
            },
            E::Heading { catalog, label } => format!(
                "{catalog} {label} は他の要求事項をまとめる見出しで、それ自体には回答しません（結果は下位項目から集計されます）"
            ),
            E::JustificationRequired { label } => format!("{label}: 該当なしには理由の記入が必要です"),
            E::BadDate { field, value } => format!("{}の日付が正しくありません（YYYY-MM-DD）: {value}", date_ja(field)),
            E::BaselineElsewhere { baseline } => {
                format!("ベースラインはこのシステムの評価を選んでください: {baseline}")
            }
            E::BaselineCatalog { baseline_catalog, .. } => format!(
                "ベースラインは同じガイドラインの評価を選んでください（別のガイドラインへは「移行」を使います）: {baseline_catalog}"
            ),
            E::SameCatalog { assessment, catalog } => format!(
                "評価 {assessment} はすでに {catalog} の評価です: 引き継ぐにはベースラインを指定して新しい評価を作成してください"
            ),
            E::NoBaseline { assessment } => {
                format!(
                    "評価 {assessment} にはベースラインがありません（sansho assessment new --baseline で作成します）"
                )
            }
            E::SuggestionOverAnswer { label } => {
                format!("{label} は回答済みです: 推定が回答を上書きすることはありません")
            }
            E::NoSuggestion { label, reason } => {
                let why = match reason.as_str() {
                    "no answer reaches it" => "対応表でこの項目に届く回答がありません",
                    "only 該当なし answers reach it" => "届く回答は該当なしだけです",
                    other => other,
                };
                format!("{label}: 採用できる推定がありません（{why}）")
            }
            E::NothingToAccept => "採用する要求事項を指定するか、すべてを採用してください".to_owned(),
            E::NoAnswerYet { label } => {
                format!("{label} はこの評価でまだ回答されていません: 先に回答を保存してください。")
            }
            E::EvidenceSource => "ファイル（空でないもの）または http(s) の URL を指定してください。".to_owned(),
            E::FileTooLarge { max } => format!("ファイルが {} MB を超えています。", max / (1024 * 1024)),
            E::EvidenceIsLink { id } => format!("根拠 {id} はリンクで、ファイルではありません"),
            E::EvidenceCorrupt(_) => {
                "根拠のファイルがハッシュと一致しないため、提供しません（改ざんまたは破損の可能性があります）"
                    .to_owned()
            }
            E::TooManyRows { max } => format!("一度に取り込めるのは {max} 件までです"),
            E::Import(e) => e.text(lang),
            E::Store(e) => e.to_string(),
            E::Internal(_) => "内部エラー".to_owned(),
        }
    }
}

/// How a store error is answered: an unknown id is not found, bad input invalid, a write to a
/// final assessment a conflict, a reopening by someone else forbidden; the rest internal.
pub fn store_class(e: &StoreError) -> Class {
    use StoreError as E;
    match e {
        E::UnknownOrganization(_)
        | E::UnknownSystem(_)
        | E::UnknownAssessment(_)
        | E::UnknownAnswer(_)
        | E::UnknownEvidence(_)
        | E::UnknownUser(_)
        | E::UnknownEmergencyUse(_)
        | E::UnknownSession(_)
        | E::NoSuchId { .. }
        | E::InvalidId(_) => Class::NotFound,
        E::TooLong { .. }
        | E::Empty { .. }
        | E::JustificationRequired { .. }
        | E::ExpiryBeforeEffective { .. }
        | E::PositionWithoutVendor
        | E::InvalidDate(_)
        | E::UnknownWord { .. }
        | E::AmbiguousId { .. }
        | E::DuplicateRequirement { .. }
        | E::BaselineCatalog { .. }
        | E::BaselineSystem { .. }
        | E::ImportRow { .. } => Class::Invalid,
        E::AssessmentFinal(_) | E::NotFinal(_) | E::UsernameTaken(_) => Class::Conflict,
        E::ReopenNotAllowed { .. } => Class::Forbidden,
        _ => Class::Internal,
    }
}

/// A date field's name in Japanese.
fn date_ja(field: &str) -> &str {
    match field {
        "due" | "due_date" => "期限",
        "effective" | "effective_date" => "有効日",
        "expiry" | "expiry_date" => "有効期限",
        other => other,
    }
}

/// The result of a use case.
pub type Result<T, E = AppError> = std::result::Result<T, E>;

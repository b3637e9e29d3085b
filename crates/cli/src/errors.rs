//! Errors as the user reads them, in the chosen language. The libraries' typed errors (the
//! store's, the catalog set's, the operating system's) are English; in Japanese mode the CLI says
//! them in Japanese, keeping every name, id, path and value they carry. The readers of users'
//! files (checklists, answers files, OSCAL documents) carry both languages themselves
//! (`sansho_core::Msg`): the CLI picks one.

use sansho_core::set::ResolveError;
use sansho_store::StoreError;

use crate::args::Lang;

/// The whole error chain as one line (`context: cause: root`), in `lang`.
pub fn text(e: &anyhow::Error, lang: Lang) -> String {
    if lang == Lang::En {
        return format!("{e:#}");
    }
    let mut parts: Vec<String> = Vec::new();
    for cause in e.chain() {
        if let Some(a) = cause.downcast_ref::<sansho_app::AppError>() {
            parts.push(app(a, lang));
            break;
        } else if let Some(s) = cause.downcast_ref::<StoreError>() {
            // Its words include its own source: the rest of the chain would repeat it.
            parts.push(store(s, lang));
            break;
        } else if let Some(r) = cause.downcast_ref::<ResolveError>() {
            parts.push(resolve(r, lang));
            break;
        } else if let Some(a) = cause.downcast_ref::<sansho_core::assess::AssessError>() {
            parts.push(assess(a, lang));
            break;
        } else if let Some(a) = cause.downcast_ref::<sansho_core::assess::AnswerError>() {
            parts.push(answer(a, lang));
            break;
        } else if let Some(i) = cause.downcast_ref::<sansho_import::ImportError>() {
            // A reader of the user's file: its place kept, its words in `lang`.
            parts.push(i.text(lang));
            break;
        } else if let Some(o) = cause.downcast_ref::<sansho_oscal::Error>() {
            parts.push(o.text(lang));
            break;
        } else if let Some(io) = cause.downcast_ref::<std::io::Error>() {
            parts.push(io_error(io, lang));
            break;
        } else {
            parts.push(cause.to_string());
        }
    }
    parts.join(": ")
}

/// A use case's refusal in `lang` (a store refusal in the store's words).
pub fn app(e: &sansho_app::AppError, lang: Lang) -> String {
    use sansho_app::AppError as E;
    let words = match e {
        E::Store(s) => return store(s, lang),
        E::Internal(detail) => return format!("internal error: {detail}"),
        other => other.message(lang),
    };
    // What to type next, where the command line has its own way.
    let hint = match e {
        E::JustificationRequired { .. } => crate::ui::t(lang, "--justification で指定します", "give --justification"),
        E::BaselineCatalog { .. } | E::SameCatalog { .. } => crate::ui::t(
            lang,
            "カタログをまたぐには sansho assessment migrate",
            "crossing catalogs: sansho assessment migrate",
        ),
        E::SuggestionOverAnswer { .. } => {
            crate::ui::t(lang, "変えるには sansho answer set", "change it with `answer set`")
        }
        E::NoAnswerYet { .. } => {
            crate::ui::t(lang, "sansho answer set で回答します", "answer it with `sansho answer set`")
        }
        _ => return words,
    };
    match lang {
        Lang::Ja => format!("{words}（{hint}）"),
        Lang::En => format!("{words} ({hint})"),
    }
}

/// The word for a kind of stored thing.
fn kind_ja(what: &str) -> &str {
    match what {
        "organization" => "組織",
        "system" => "システム",
        "assessment" => "評価",
        "answer" => "回答",
        "evidence" => "根拠（エビデンス）",
        "AnswerResult" => "実施状況",
        "AssessmentStatus" => "評価の状況",
        "OrgKind" => "組織の種別",
        "VendorPosition" => "事業者の立場",
        "ServiceModel" => "サービス形態",
        "Role" => "役割",
        other => other,
    }
}

fn field_ja(field: &str) -> &str {
    match field {
        "organization name" => "組織名",
        "system name" => "システム名",
        "catalog id" => "カタログ ID",
        "title" => "表題",
        "username" => "ユーザー名",
        "display name" => "表示名",
        other => other,
    }
}

/// A store error in `lang`.
pub fn store(e: &StoreError, lang: Lang) -> String {
    if lang == Lang::En {
        return e.to_string();
    }
    use StoreError as E;
    match e {
        E::Db(err) => format!("データベースのエラー: {err}"),
        E::Migrate(err) => format!("データベースの更新（マイグレーション）に失敗しました: {err}"),
        E::Io { path, source } => format!("{}: {}", path.display(), io_error(source, lang)),
        E::UnknownOrganization(id) => format!("ID {id} の組織はありません"),
        E::UnknownSystem(id) => format!("ID {id} のシステムはありません"),
        E::UnknownAssessment(id) => format!("ID {id} の評価はありません"),
        E::UnknownAnswer(id) => format!("ID {id} の回答はありません"),
        E::UnknownEvidence(id) => format!("ID {id} の根拠（エビデンス）はありません"),
        E::UnknownUser(id) => format!("ID {id} のユーザーはいません"),
        E::UnknownSession(id) => format!("ID {id} のセッションはありません"),
        E::UnknownEmergencyUse(id) => format!("ID {id} の非常時用アカウントの使用記録はありません"),
        E::UsernameTaken(name) => {
            format!("ユーザー名 `{name}` は使われています（大文字・小文字、全角・半角の違いは同じとみなします）")
        }
        E::NotAnArgon2idHash => "パスワードのハッシュは argon2id の PHC 文字列でなければなりません".to_owned(),
        E::NotASha256Hex { field } => format!("{field} は小文字 16 進の SHA-256（64 文字）でなければなりません"),
        E::NotBase32 { field } => format!("{field} は base32（A-Z, 2-7）でなければなりません"),
        E::UserDisabled(id) => format!("ユーザー {id} は無効にされています"),
        E::NoTotpSecret(id) => format!("ユーザー {id} には二要素認証（TOTP）の鍵がありません"),
        E::RecoveryCodeRejected => "回復コードが違うか、使用済みです".to_owned(),
        E::AuditHeadMissing => {
            "監査ログの先頭記録がありません: 監査ログが改ざんされています（sansho audit verify で確認してください）"
                .to_owned()
        }
        E::AuditJson(err) => format!("監査記録: {err}"),
        E::InvalidId(typed) => {
            format!("`{typed}` は ID ではありません（UUID か、その先頭の 4 文字以上の 16 進数を指定してください）")
        }
        E::InvalidDate(typed) => format!("`{typed}` は日付ではありません（YYYY-MM-DD で指定してください）"),
        E::UnknownWord { what, word } => format!("`{word}` は{}として使えない語です", kind_ja(what)),
        E::Empty { field } => format!("{}を空にはできません", field_ja(field)),
        E::PositionWithoutVendor => "事業者の立場（--position）を持てるのは対象事業者だけです".to_owned(),
        E::JustificationRequired { requirement } => {
            format!("要求事項 {requirement}: 該当なしには理由（--justification）が必要です")
        }
        E::DuplicateRequirement { requirement } => {
            format!("要求事項 {requirement} への回答が 1 回の取り込みに 2 つあります")
        }
        E::ExpiryBeforeEffective { effective, expiry } => {
            format!("根拠の有効期限（{expiry}）が効力の発生日（{effective}）より前です")
        }
        E::ImportRow { index, requirement, source } => {
            format!("取り込みの {} 件目（要求事項 {requirement}）: {}", index + 1, store(source, lang))
        }
        E::NoEvidenceDir { id } => format!("根拠 {id}: ファイルを置くデータフォルダーがありません（メモリ上のストア）"),
        E::NotAFile { id } => format!("根拠 {id} はリンクで、ファイルではありません"),
        E::EvidenceMissing { id, path } => format!("根拠 {id}: ファイル {} がありません", path.display()),
        E::EvidenceCorrupt { id, path, expected, actual } => format!(
            "根拠 {id}: ファイル {} がハッシュと一致しません（期待した SHA-256 {expected}、実際 {actual}）",
            path.display()
        ),
        E::BaselineCatalog { baseline, baseline_catalog, catalog } => format!(
            "評価 {baseline} はカタログ {baseline_catalog} の評価で、{catalog} ではありません: ベースラインは同じカタログの評価でなければなりません（カタログをまたぐには sansho assessment migrate）"
        ),
        E::BaselineSystem { baseline, system } => format!(
            "評価 {baseline} は別のシステムの評価で、{system} ではありません: ベースラインは同じシステムの評価でなければなりません"
        ),
        E::NoSuchId { what, prefix } => format!("`{prefix}` で始まる{}の ID はありません", kind_ja(what)),
        E::AmbiguousId { what, prefix, candidates } => format!(
            "`{prefix}` で始まる{}の ID が複数あります（もう少し長く指定してください）: {}",
            kind_ja(what),
            candidates.join(", ")
        ),
        E::BadRow { table, column, value } => format!("保存された行が読めません: {table}.{column} = `{value}`"),
        // A variant added later: its English words rather than nothing.
        other => other.to_string(),
    }
}

/// A requirement that could not be found, in `lang`.
pub fn resolve(e: &ResolveError, lang: Lang) -> String {
    match (e, lang) {
        (_, Lang::En) => e.to_string(),
        (ResolveError::UnknownCatalog(c), Lang::Ja) => format!("不明なカタログ {c:?}（sansho catalog list で一覧）"),
        (ResolveError::NotFound { catalog, query }, Lang::Ja) => {
            format!("カタログ {catalog} に要求事項 {query:?} はありません（ID、次に表記の番号で探しました）")
        }
        (ResolveError::Ambiguous { catalog, query, candidates }, Lang::Ja) => format!(
            "{query:?} はカタログ {catalog} の複数の要求事項に当たります（ID で指定してください）: {}",
            candidates.join(", ")
        ),
    }
}

/// An operating-system error, in `lang` (the system's own words for the rarer ones).
pub fn io_error(e: &std::io::Error, lang: Lang) -> String {
    use std::io::ErrorKind as K;
    if lang == Lang::En {
        return e.to_string();
    }
    let words = match e.kind() {
        K::NotFound => "ファイルまたはフォルダーがありません",
        K::PermissionDenied => "権限がありません",
        K::AlreadyExists => "すでにあります",
        K::IsADirectory => "フォルダーです（ファイルを指定してください）",
        K::NotADirectory => "フォルダーではありません",
        K::StorageFull => "ディスクがいっぱいです",
        K::ReadOnlyFilesystem => "読み取り専用のファイルシステムです",
        K::InvalidData => "データが正しくありません",
        _ => return format!("入出力のエラー: {e}"),
    };
    format!("{words}（{e}）")
}

/// `{path}: cannot read` and its kin, for `with_context`.
pub fn cannot(lang: Lang, what: Io, path: &std::path::Path) -> String {
    let p = path.display();
    match (what, lang) {
        (Io::Read, Lang::Ja) => format!("{p}: 読めません"),
        (Io::Read, Lang::En) => format!("{p}: cannot read"),
        (Io::Write, Lang::Ja) => format!("{p}: 書き込めません"),
        (Io::Write, Lang::En) => format!("{p}: cannot write"),
        (Io::Create, Lang::Ja) => format!("{p}: 作成できません"),
        (Io::Create, Lang::En) => format!("{p}: cannot create"),
        (Io::List, Lang::Ja) => format!("{p}: 一覧を読めません"),
        (Io::List, Lang::En) => format!("{p}: cannot list"),
    }
}

#[derive(Clone, Copy)]
pub enum Io {
    Read,
    Write,
    Create,
    List,
}

/// An output file that exists, without `--force`.
pub fn exists(lang: Lang, path: &std::path::Path) -> anyhow::Error {
    let p = path.display();
    anyhow::anyhow!(crate::ui::tr!(
        lang,
        "{p} はすでにあります: 置き換えるには --force を指定してください",
        "{p} exists: pass --force to replace it"
    ))
}

/// A catalog id that names no loaded catalog.
pub fn unknown_catalog(lang: Lang, id: &str) -> anyhow::Error {
    anyhow::anyhow!(crate::ui::tr!(
        lang,
        "不明なカタログ {id:?}（sansho catalog list で一覧）",
        "unknown catalog {id:?} (see `sansho catalog list`)"
    ))
}

/// Answers that cannot be assessed together, in `lang`.
pub fn assess(e: &sansho_core::assess::AssessError, lang: Lang) -> String {
    use sansho_core::assess::AssessError as A;
    match (e, lang) {
        (_, Lang::En) => e.to_string(),
        (A::UnknownRequirement { index, requirement }, Lang::Ja) => {
            format!("回答 {index}: 読み込んだカタログに要求事項 {requirement} はありません")
        }
        (A::DuplicateAnswer { first, second, requirement }, Lang::Ja) => {
            format!("回答 {first} と {second} がどちらも {requirement} への回答です")
        }
        (A::Invalid { index, error }, Lang::Ja) => format!("回答 {index}: {}", answer(error, lang)),
    }
}

/// An answer that cannot be made or accepted, in `lang`.
pub fn answer(e: &sansho_core::assess::AnswerError, lang: Lang) -> String {
    use sansho_core::assess::AnswerError as A;
    match (e, lang) {
        (_, Lang::En) => e.to_string(),
        (A::MissingJustification { requirement }, Lang::Ja) => {
            format!("{requirement}: 該当なしには理由（--justification）が必要です")
        }
        (A::NothingToAccept { requirement, reason }, Lang::Ja) => {
            format!("{requirement}: この推定には採用できる結果がありません（{reason}）")
        }
    }
}

/// Answers of an assessment that cannot be assessed together.
pub fn in_assessment(lang: Lang, id: impl std::fmt::Display, e: sansho_core::assess::AssessError) -> anyhow::Error {
    anyhow::Error::new(e).context(crate::ui::tr!(lang, "評価 {id}", "assessment {id}"))
}

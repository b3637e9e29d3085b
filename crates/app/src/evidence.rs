//! Evidence (根拠・エビデンス): a file kept content-addressed, or an http(s) link, attached to an
//! answer with its effective and expiry dates, and read back only when it still matches its hash.

use sansho_core::set::NodeIx;
use sansho_store::{Date, Evidence, EvidenceSource, Id, NewEvidence, StoreError};

use crate::assessment::{Loaded, ensure_open};
use crate::{Actor, AppError, Ctx, Result, blank};

/// The largest evidence file accepted (20 MiB).
pub const MAX_FILE: usize = 20 * 1024 * 1024;

/// Evidence as a person gives it; dates already parsed (at the adapter's edge).
#[derive(Debug, Default)]
pub struct EvidenceFields {
    /// A file: its name and content.
    pub file: Option<(String, Vec<u8>)>,
    /// A link (used when no file is given).
    pub url: Option<String>,
    /// The title (default: the file name or the URL).
    pub title: Option<String>,
    /// From when it proves the answer (default: today).
    pub effective: Option<Date>,
    /// Until when (none: no expiry).
    pub expiry: Option<Date>,
}

/// Keeps evidence and attaches it to the answer of requirement `ix`, which must exist (save an
/// answer first). A file must not be empty or over [`MAX_FILE`]; a link must be an absolute
/// http(s) URL. The evidence records the organization it was given for.
pub async fn add(cx: &Ctx<'_>, actor: &Actor, a: &Loaded, ix: NodeIx, f: EvidenceFields) -> Result<Evidence> {
    ensure_open(a)?;
    let local = cx.set.requirement(ix).id.as_str();
    let Some(answer) = a.stored_for(local) else {
        return Err(AppError::NoAnswerYet { label: cx.set.requirement(ix).label.clone() });
    };
    let source = match (f.file, f.url.as_deref().and_then(blank)) {
        (Some((file_name, content)), _) if !file_name.trim().is_empty() && !content.is_empty() => {
            if content.len() > MAX_FILE {
                return Err(AppError::FileTooLarge { max: MAX_FILE });
            }
            EvidenceSource::File { file_name: file_name.trim().to_owned(), content }
        }
        (_, Some(u)) if is_http_url(&u) => EvidenceSource::Link { url: u },
        _ => return Err(AppError::EvidenceSource),
    };
    let default_title = match &source {
        EvidenceSource::File { file_name, .. } => file_name.clone(),
        EvidenceSource::Link { url } => url.clone(),
    };
    let new = NewEvidence {
        title: f.title.as_deref().and_then(blank).unwrap_or(default_title),
        source,
        effective_date: f.effective.unwrap_or_else(|| cx.today.clone()),
        expiry_date: f.expiry,
        organization_id: Some(cx.store.organization_of_assessment(a.assessment.id).await?),
    };
    let e = cx.store.add_evidence(&new, actor, cx.now).await?;
    cx.store.attach_evidence(answer.id, e.id, actor, cx.now).await?;
    Ok(e)
}

/// Attaches evidence already kept to the answer of requirement `ix` (which must exist).
pub async fn attach(cx: &Ctx<'_>, actor: &Actor, a: &Loaded, ix: NodeIx, evidence: Id) -> Result<()> {
    ensure_open(a)?;
    let r = cx.set.requirement(ix);
    let Some(answer) = a.stored_for(r.id.as_str()) else {
        return Err(AppError::NoAnswerYet { label: r.label.clone() });
    };
    Ok(cx.store.attach_evidence(answer.id, evidence, actor, cx.now).await?)
}

/// An absolute http(s) URL with a host and no white space or control characters.
pub fn is_http_url(u: &str) -> bool {
    let rest = u.strip_prefix("https://").or_else(|| u.strip_prefix("http://"));
    rest.is_some_and(|r| {
        !r.is_empty() && !r.starts_with('/') && !u.chars().any(|c| c.is_whitespace() || c.is_control())
    })
}

/// An evidence file's bytes, after checking its hash: a file that no longer matches (or is gone)
/// is refused, never served.
pub async fn bytes(cx: &Ctx<'_>, e: &Evidence) -> Result<Vec<u8>> {
    if e.sha256.is_none() {
        return Err(AppError::EvidenceIsLink { id: e.id });
    }
    match cx.store.read_evidence(e.id).await {
        Ok(c) => Ok(c),
        Err(err @ (StoreError::EvidenceCorrupt { .. } | StoreError::EvidenceMissing { .. })) => {
            Err(AppError::EvidenceCorrupt(err))
        }
        Err(err) => Err(err.into()),
    }
}

/// Every evidence file checked against its hash: the number of files and each problem found
/// (a file changed or gone), as the store names it.
pub async fn verify_all(cx: &Ctx<'_>) -> Result<(usize, Vec<(Id, StoreError)>)> {
    let mut problems = Vec::new();
    let mut files = 0;
    for e in cx.store.all_evidence().await?.iter().filter(|e| e.sha256.is_some()) {
        files += 1;
        match cx.store.read_evidence(e.id).await {
            Ok(_) => {}
            Err(err @ (StoreError::EvidenceCorrupt { .. } | StoreError::EvidenceMissing { .. })) => {
                problems.push((e.id, err))
            }
            Err(err) => return Err(err.into()),
        }
    }
    Ok((files, problems))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_absolute_http_links() {
        assert!(is_http_url("https://example.jp/doc.pdf"));
        assert!(is_http_url("http://intra.example/規程.pdf"));
        assert!(!is_http_url("https://"));
        assert!(!is_http_url("https:///path"));
        assert!(!is_http_url("javascript:alert(1)"));
        assert!(!is_http_url("file:///etc/passwd"));
        assert!(!is_http_url("https://a b"));
    }
}

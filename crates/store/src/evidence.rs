//! Evidence: files kept content-addressed under `<data>/evidence/ab/cdef…` (the SHA-256 of the
//! content), or links; attached to answers. Files are re-hashed on every read.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};
use sqlx::Row as _;

use crate::backend::{Conn, Row};

use crate::audit::{append, change};
use crate::{
    Actor, Evidence, EvidenceKind, EvidenceSource, Id, NewEvidence, Result, Store, StoreError, Table, Timestamp,
    exists, parse, parse_opt,
};

const EVIDENCE_COLUMNS: &str = "e.id, e.kind, e.title, e.sha256, e.file_name, e.size_bytes, e.url, e.effective_date, \
                                e.expiry_date, e.organization_id, e.created_at, e.created_by";

fn evidence_from_row(r: &Row) -> Result<Evidence> {
    const T: &str = "evidence";
    Ok(Evidence {
        id: parse(T, "id", r.try_get("id")?)?,
        kind: parse(T, "kind", r.try_get("kind")?)?,
        title: r.try_get("title")?,
        sha256: r.try_get("sha256")?,
        file_name: r.try_get("file_name")?,
        size_bytes: r.try_get("size_bytes")?,
        url: r.try_get("url")?,
        effective_date: parse(T, "effective_date", r.try_get("effective_date")?)?,
        expiry_date: parse_opt(T, "expiry_date", r.try_get("expiry_date")?)?,
        organization_id: parse_opt(T, "organization_id", r.try_get("organization_id")?)?,
        created_at: Timestamp(r.try_get("created_at")?),
        created_by: r.try_get("created_by")?,
    })
}

pub(crate) async fn fetch_evidence(conn: &mut Conn, id: Id) -> Result<Evidence> {
    let sql = format!("SELECT {EVIDENCE_COLUMNS} FROM evidence e WHERE e.id = $1");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id.to_string()).fetch_optional(conn).await?;
    evidence_from_row(&row.ok_or(StoreError::UnknownEvidence(id))?)
}

/// Lowercase hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().fold(String::with_capacity(64), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// Where a file with this hash lives: `<data>/evidence/ab/cdef…`.
fn blob_path(data_dir: &Path, sha256: &str) -> PathBuf {
    data_dir.join("evidence").join(&sha256[..2]).join(&sha256[2..])
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> StoreError + '_ {
    move |source| StoreError::Io { path: path.to_path_buf(), source }
}

/// Writes `content` at `path` unless an intact copy is already there: to a temporary file in the
/// same folder, synced, then renamed, so a crash never leaves a partial blob under the hash's name.
fn write_blob(path: &Path, content: &[u8], sha256: &str, id: Id) -> Result<()> {
    if let Ok(existing) = std::fs::read(path)
        && sha256_hex(&existing) == sha256
    {
        return Ok(());
    }
    let dir = path.parent().expect("a blob path has a folder");
    // Evidence is a hospital's or a vendor's own: folders 0700 and files 0600, whatever the umask.
    let mut folders = std::fs::DirBuilder::new();
    folders.recursive(true);
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
        folders.mode(0o700);
        options.mode(0o600);
    }
    folders.create(dir).map_err(io(dir))?;
    let tmp = dir.join(format!(".{id}.tmp"));
    let mut file = options.open(&tmp).map_err(io(&tmp))?;
    file.write_all(content).map_err(io(&tmp))?;
    file.sync_all().map_err(io(&tmp))?;
    drop(file);
    std::fs::rename(&tmp, path).map_err(io(path))?;
    Ok(())
}

/// Links evidence to an answer (no-op if already linked) and records it in the answer's history
/// and the audit log (`evidence.attach` on the answer). Says whether a new link was made.
pub(crate) async fn attach(conn: &mut Conn, answer: Id, evidence: Id, actor: &Actor, now: Timestamp) -> Result<bool> {
    if !exists(conn, Table::Answers, answer).await? {
        return Err(StoreError::UnknownAnswer(answer));
    }
    // A final (確定) assessment's answers gain no evidence.
    crate::orgs::ensure_open_for_answer(conn, answer).await?;
    if !exists(conn, Table::Evidence, evidence).await? {
        return Err(StoreError::UnknownEvidence(evidence));
    }
    let linked = sqlx::query("SELECT 1 FROM answer_evidence WHERE answer_id = $1 AND evidence_id = $2")
        .bind(answer.to_string())
        .bind(evidence.to_string())
        .fetch_optional(&mut *conn)
        .await?;
    if linked.is_some() {
        return Ok(false);
    }
    sqlx::query(
        "INSERT INTO answer_evidence (answer_id, evidence_id, attached_at, attached_by) VALUES ($1, $2, $3, $4)",
    )
    .bind(answer.to_string())
    .bind(evidence.to_string())
    .bind(now.0)
    .bind(&actor.name)
    .execute(&mut *conn)
    .await?;
    crate::answers::record_change(conn, answer, "evidence", None, Some(evidence.to_string()), &actor.name, now).await?;
    let link = serde_json::json!({
        "answer_id": answer.to_string(),
        "evidence_id": evidence.to_string(),
        "attached_at": now.0,
        "attached_by": actor.name,
    });
    append(conn, actor, now, change("evidence.attach", "answer", answer).after(&link)?).await?;
    Ok(true)
}

impl Store {
    /// Keeps a file or a link as evidence. A file's content is written (content-addressed) before
    /// the row is committed; if the transaction fails, the blob stays as an unreferenced file,
    /// which is harmless and reused by the next upload of the same content.
    pub async fn add_evidence(&self, new: &NewEvidence, actor: &Actor, now: Timestamp) -> Result<Evidence> {
        if new.title.trim().is_empty() {
            return Err(StoreError::Empty { field: "evidence title" });
        }
        crate::limits::EVIDENCE_TITLE.check(&new.title)?;
        match &new.source {
            EvidenceSource::File { file_name, .. } => crate::limits::EVIDENCE_FILE_NAME.check(file_name)?,
            EvidenceSource::Link { url } => crate::limits::EVIDENCE_URL.check(url)?,
        }
        if let Some(expiry) = &new.expiry_date
            && expiry < &new.effective_date
        {
            return Err(StoreError::ExpiryBeforeEffective {
                effective: new.effective_date.to_string(),
                expiry: expiry.to_string(),
            });
        }
        let id = self.ids.next_id();
        let (kind, sha256, file_name, size, url) = match &new.source {
            EvidenceSource::File { file_name, content } => {
                let dir = self.data_dir.as_deref().ok_or(StoreError::NoEvidenceDir { id })?;
                let sha256 = sha256_hex(content);
                write_blob(&blob_path(dir, &sha256), content, &sha256, id)?;
                (EvidenceKind::File, Some(sha256), Some(file_name.clone()), Some(content.len() as i64), None)
            }
            EvidenceSource::Link { url } => {
                if url.trim().is_empty() {
                    return Err(StoreError::Empty { field: "evidence url" });
                }
                (EvidenceKind::Link, None, None, None, Some(url.clone()))
            }
        };
        let mut tx = self.write().await?;
        if let Some(org) = new.organization_id
            && !exists(&mut tx, Table::Organizations, org).await?
        {
            return Err(StoreError::UnknownOrganization(org));
        }
        sqlx::query(
            "INSERT INTO evidence (id, kind, title, sha256, file_name, size_bytes, url, effective_date, expiry_date,
                                   organization_id, created_at, created_by)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        )
        .bind(id.to_string())
        .bind(kind.as_str())
        .bind(&new.title)
        .bind(sha256)
        .bind(file_name)
        .bind(size)
        .bind(url)
        .bind(new.effective_date.as_str())
        .bind(new.expiry_date.as_ref().map(|d| d.as_str()))
        .bind(new.organization_id.map(|o| o.to_string()))
        .bind(now.0)
        .bind(&actor.name)
        .execute(&mut *tx)
        .await?;
        let evidence = fetch_evidence(&mut tx, id).await?;
        append(&mut tx, actor, now, change("evidence.add", "evidence", id).after(&evidence)?).await?;
        tx.commit().await?;
        Ok(evidence)
    }

    /// The evidence with this id (its record; the file is read by other methods).
    pub async fn evidence(&self, id: Id) -> Result<Evidence> {
        fetch_evidence(&mut *self.pool.acquire().await?, id).await
    }

    /// Links evidence to an answer, recording it in the answer's history and the audit log
    /// (nothing when it is already linked).
    pub async fn attach_evidence(&self, answer: Id, evidence: Id, actor: &Actor, now: Timestamp) -> Result<()> {
        let mut tx = self.write().await?;
        attach(&mut tx, answer, evidence, actor, now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The evidence attached to an answer, in the order it was attached.
    pub async fn evidence_for(&self, answer: Id) -> Result<Vec<Evidence>> {
        self.answer(answer).await?;
        let sql = format!(
            "SELECT {EVIDENCE_COLUMNS} FROM evidence e JOIN answer_evidence ae ON ae.evidence_id = e.id
             WHERE ae.answer_id = $1 ORDER BY ae.attached_at, e.id"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(answer.to_string()).fetch_all(&self.pool).await?;
        rows.iter().map(evidence_from_row).collect()
    }

    /// Every piece of evidence linked to an answer of the assessment, with the answer's
    /// requirement id, by requirement and then attachment order.
    pub async fn evidence_of_assessment(&self, assessment: Id) -> Result<Vec<(String, Evidence)>> {
        self.assessment(assessment).await?;
        let sql = format!(
            "SELECT a.requirement_id, {EVIDENCE_COLUMNS} FROM evidence e
             JOIN answer_evidence ae ON ae.evidence_id = e.id JOIN answers a ON a.id = ae.answer_id
             WHERE a.assessment_id = $1 ORDER BY a.requirement_id, ae.attached_at, e.id"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(assessment.to_string()).fetch_all(&self.pool).await?;
        rows.iter().map(|r| Ok((r.try_get("requirement_id")?, evidence_from_row(r)?))).collect()
    }

    /// All evidence, oldest first.
    pub async fn all_evidence(&self) -> Result<Vec<Evidence>> {
        let sql = format!("SELECT {EVIDENCE_COLUMNS} FROM evidence e ORDER BY e.created_at, e.id");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).fetch_all(&self.pool).await?;
        rows.iter().map(evidence_from_row).collect()
    }

    /// Where a file's content is kept (for tests and diagnostics; read it with
    /// [`Store::read_evidence`], which verifies it).
    pub async fn evidence_path(&self, id: Id) -> Result<PathBuf> {
        let evidence = self.evidence(id).await?;
        let sha256 = evidence.sha256.ok_or(StoreError::NotAFile { id })?;
        let dir = self.data_dir.as_deref().ok_or(StoreError::NoEvidenceDir { id })?;
        Ok(blob_path(dir, &sha256))
    }

    /// The content of a file, after checking it still hashes to what was stored. A missing or
    /// altered file is an error; its bytes are never returned.
    pub async fn read_evidence(&self, id: Id) -> Result<Vec<u8>> {
        let evidence = self.evidence(id).await?;
        let expected = evidence.sha256.ok_or(StoreError::NotAFile { id })?;
        let path = self.evidence_path(id).await?;
        let content = match std::fs::read(&path) {
            Ok(content) => content,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(StoreError::EvidenceMissing { id, path });
            }
            Err(source) => return Err(StoreError::Io { path, source }),
        };
        let actual = sha256_hex(&content);
        if actual != expected {
            return Err(StoreError::EvidenceCorrupt { id, path, expected, actual });
        }
        Ok(content)
    }
}

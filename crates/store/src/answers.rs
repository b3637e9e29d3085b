//! Answers, their history, and the all-or-nothing batch import.

use std::collections::HashSet;

use sqlx::Row as _;

use crate::backend::{Conn, Row};

use crate::audit::{append, change};
use crate::{
    Actor, Answer, AnswerInput, AnswerResult, Assessment, AssessmentMeta, HistoryEntry, Id, IdSource, ImportSummary,
    NewAssessment, Result, Store, StoreError, Timestamp, non_blank, parse, parse_opt,
};

/// Audit actions of answer writes: one record per created or changed answer, named after the path
/// that wrote it.
const ACTION_SET: &str = "answer.set";
pub(crate) const ACTION_IMPORT: &str = "answer.import";
const ACTION_BASELINE_COPY: &str = "answer.baseline_copy";

const ANSWER_COLUMNS: &str = "id, assessment_id, requirement_id, result, how, justification, owner, due_date, \
                              origin, created_at, created_by, updated_at, updated_by";

/// The fields of an answer that history tracks, in the order they are recorded.
const FIELDS: [&str; 6] = ["result", "how", "justification", "owner", "due_date", "origin"];

fn answer_from_row(r: &Row) -> Result<Answer> {
    const T: &str = "answers";
    let origin: Option<String> = r.try_get("origin")?;
    let origin = match origin {
        None => None,
        Some(text) => Some(serde_json::from_str(&text).map_err(|_| StoreError::BadRow {
            table: T,
            column: "origin",
            value: text,
        })?),
    };
    Ok(Answer {
        id: parse(T, "id", r.try_get("id")?)?,
        assessment_id: parse(T, "assessment_id", r.try_get("assessment_id")?)?,
        requirement_id: r.try_get("requirement_id")?,
        result: parse(T, "result", r.try_get("result")?)?,
        how: r.try_get("how")?,
        justification: r.try_get("justification")?,
        owner: r.try_get("owner")?,
        due_date: parse_opt(T, "due_date", r.try_get("due_date")?)?,
        origin,
        created_at: Timestamp(r.try_get("created_at")?),
        created_by: r.try_get("created_by")?,
        updated_at: Timestamp(r.try_get("updated_at")?),
        updated_by: r.try_get("updated_by")?,
    })
}

/// One answer, read inside the caller's transaction (or on any connection).
pub(crate) async fn fetch_answer(conn: &mut Conn, id: Id) -> Result<Answer> {
    let sql = format!("SELECT {ANSWER_COLUMNS} FROM answers WHERE id = $1");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id.to_string()).fetch_optional(conn).await?;
    answer_from_row(&row.ok_or(StoreError::UnknownAnswer(id))?)
}

/// The tracked fields as stored text, `None` for empty; in the order of [`FIELDS`].
type Values = [Option<String>; 6];

fn values_of(input: &AnswerInput) -> Values {
    [
        Some(input.result.as_str().to_owned()),
        non_blank(&Some(input.how.clone())),
        non_blank(&input.justification),
        non_blank(&input.owner),
        input.due_date.as_ref().map(|d| d.as_str().to_owned()),
        input.origin.as_ref().map(|o| o.to_string()),
    ]
}

fn validate(input: &AnswerInput) -> Result<()> {
    if input.requirement_id.trim().is_empty() {
        return Err(StoreError::Empty { field: "requirement id" });
    }
    crate::limits::REQUIREMENT_ID.check(&input.requirement_id)?;
    crate::limits::ANSWER_HOW.check(&input.how)?;
    crate::limits::ANSWER_JUSTIFICATION.check_opt(input.justification.as_deref())?;
    crate::limits::ANSWER_OWNER.check_opt(input.owner.as_deref())?;
    if input.result == AnswerResult::NotApplicable && non_blank(&input.justification).is_none() {
        return Err(StoreError::JustificationRequired { requirement: input.requirement_id.clone() });
    }
    Ok(())
}

enum Outcome {
    Created(Id),
    Updated(Id),
    Unchanged(Id),
}

impl Outcome {
    fn id(&self) -> Id {
        match self {
            Outcome::Created(id) | Outcome::Updated(id) | Outcome::Unchanged(id) => *id,
        }
    }
}

/// Appends one history row per changed field, numbering them after the answer's last row.
async fn record(
    conn: &mut Conn,
    answer: Id,
    changes: &[(&str, Option<String>, Option<String>)],
    actor: &str,
    now: Timestamp,
) -> Result<()> {
    let (last,): (i64,) = sqlx::query_as("SELECT COALESCE(MAX(seq), 0) FROM answer_history WHERE answer_id = $1")
        .bind(answer.to_string())
        .fetch_one(&mut *conn)
        .await?;
    for (n, (field, old, new)) in changes.iter().enumerate() {
        sqlx::query(
            "INSERT INTO answer_history (answer_id, seq, changed_at, changed_by, field, old_value, new_value)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(answer.to_string())
        .bind(last + 1 + n as i64)
        .bind(now.0)
        .bind(actor)
        .bind(*field)
        .bind(old.as_deref())
        .bind(new.as_deref())
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Records one change that is not a field of the answer row (an evidence link).
pub(crate) async fn record_change(
    conn: &mut Conn,
    answer: Id,
    field: &str,
    old: Option<String>,
    new: Option<String>,
    actor: &str,
    now: Timestamp,
) -> Result<()> {
    record(conn, answer, &[(field, old, new)], actor, now).await
}

/// Creates or replaces the answer to `input.requirement_id` in `assessment`, with its history and
/// its audit record (`action`; none when nothing changed), and links the input's evidence. The
/// caller owns the transaction and has checked that the assessment exists.
async fn write_answer(
    conn: &mut Conn,
    ids: &dyn IdSource,
    assessment: Id,
    input: &AnswerInput,
    actor: &Actor,
    now: Timestamp,
    action: &str,
) -> Result<Outcome> {
    let outcome = write_fields(conn, ids, assessment, input, actor, now, action).await?;
    let mut linked = false;
    for &evidence in &input.evidence {
        linked |= crate::evidence::attach(conn, outcome.id(), evidence, actor, now).await?;
    }
    Ok(match outcome {
        Outcome::Unchanged(id) if linked => Outcome::Updated(id),
        other => other,
    })
}

async fn write_fields(
    conn: &mut Conn,
    ids: &dyn IdSource,
    assessment: Id,
    input: &AnswerInput,
    actor: &Actor,
    now: Timestamp,
    action: &str,
) -> Result<Outcome> {
    validate(input)?;
    let new = values_of(input);
    let sql = format!("SELECT {ANSWER_COLUMNS} FROM answers WHERE assessment_id = $1 AND requirement_id = $2");
    let existing = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(assessment.to_string())
        .bind(&input.requirement_id)
        .fetch_optional(&mut *conn)
        .await?;

    let Some(row) = existing else {
        let id = ids.next_id();
        let [result, how, justification, owner, due_date, origin] = new.clone();
        sqlx::query(
            "INSERT INTO answers (id, assessment_id, requirement_id, result, how, justification, owner, due_date,
                                  origin, created_at, created_by, updated_at, updated_by)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
        )
        .bind(id.to_string())
        .bind(assessment.to_string())
        .bind(&input.requirement_id)
        .bind(result)
        .bind(how.unwrap_or_default())
        .bind(justification)
        .bind(owner)
        .bind(due_date)
        .bind(origin)
        .bind(now.0)
        .bind(&actor.name)
        .bind(now.0)
        .bind(&actor.name)
        .execute(&mut *conn)
        .await?;
        let changes: Vec<_> =
            FIELDS.iter().zip(new).filter_map(|(field, value)| value.map(|v| (*field, None, Some(v)))).collect();
        record(conn, id, &changes, &actor.name, now).await?;
        let after = fetch_answer(conn, id).await?;
        append(conn, actor, now, change(action, "answer", id).after(&after)?).await?;
        return Ok(Outcome::Created(id));
    };
    let before = answer_from_row(&row)?;

    let id: Id = parse("answers", "id", row.try_get("id")?)?;
    let how: String = row.try_get("how")?;
    let old: Values = [
        row.try_get("result")?,
        Some(how).filter(|h| !h.trim().is_empty()),
        row.try_get("justification")?,
        row.try_get("owner")?,
        row.try_get("due_date")?,
        row.try_get("origin")?,
    ];
    let changes: Vec<_> = FIELDS
        .iter()
        .zip(old.into_iter().zip(new.clone()))
        .filter(|(_, (old, new))| old != new)
        .map(|(field, (old, new))| (*field, old, new))
        .collect();
    if changes.is_empty() {
        return Ok(Outcome::Unchanged(id));
    }
    let [result, how, justification, owner, due_date, origin] = new;
    sqlx::query(
        "UPDATE answers SET result = $1, how = $2, justification = $3, owner = $4, due_date = $5, origin = $6,
                            updated_at = $7, updated_by = $8
         WHERE id = $9",
    )
    .bind(result)
    .bind(how.unwrap_or_default())
    .bind(justification)
    .bind(owner)
    .bind(due_date)
    .bind(origin)
    .bind(now.0)
    .bind(&actor.name)
    .bind(id.to_string())
    .execute(&mut *conn)
    .await?;
    record(conn, id, &changes, &actor.name, now).await?;
    let after = fetch_answer(conn, id).await?;
    append(conn, actor, now, change(action, "answer", id).before(&before)?.after(&after)?).await?;
    Ok(Outcome::Updated(id))
}

/// Copies answer `from` (with its evidence links) into assessment `into`; the copy's origin is
/// `{"kind": <origin_kind>, "assessment": …, "answer": …}` naming the answer it was copied from.
pub(crate) async fn copy_answer(
    conn: &mut Conn,
    ids: &dyn IdSource,
    from: Id,
    into: Id,
    origin_kind: crate::Origin,
    actor: &Actor,
    now: Timestamp,
) -> Result<Id> {
    let source = fetch_answer(conn, from).await?;
    let input = AnswerInput {
        requirement_id: source.requirement_id,
        result: source.result,
        how: source.how,
        justification: source.justification,
        owner: source.owner,
        due_date: source.due_date,
        origin: Some(serde_json::json!({
            "kind": origin_kind.as_str(),
            "assessment": source.assessment_id.to_string(),
            "answer": from.to_string(),
        })),
        evidence: Vec::new(),
    };
    let id = write_answer(conn, ids, into, &input, actor, now, ACTION_BASELINE_COPY).await?.id();
    let evidence: Vec<(String,)> = sqlx::query_as("SELECT evidence_id FROM answer_evidence WHERE answer_id = $1")
        .bind(from.to_string())
        .fetch_all(&mut *conn)
        .await?;
    for (evidence,) in evidence {
        crate::evidence::attach(conn, id, parse("answer_evidence", "evidence_id", evidence)?, actor, now).await?;
    }
    Ok(id)
}

impl Store {
    /// Answers one requirement of an assessment (creating the answer or replacing its fields),
    /// recording each changed field in the history in the same transaction.
    pub async fn set_answer(
        &self,
        assessment: Id,
        input: &AnswerInput,
        actor: &Actor,
        now: Timestamp,
    ) -> Result<Answer> {
        validate(input)?;
        let mut tx = self.write().await?;
        crate::orgs::ensure_open(&mut tx, assessment).await?;
        let id = write_answer(&mut tx, self.ids.as_ref(), assessment, input, actor, now, ACTION_SET).await?.id();
        let answer = fetch_answer(&mut tx, id).await?;
        tx.commit().await?;
        Ok(answer)
    }

    /// The answer with this id.
    pub async fn answer(&self, id: Id) -> Result<Answer> {
        fetch_answer(&mut *self.pool.acquire().await?, id).await
    }

    /// The answers of an assessment, by requirement id.
    pub async fn answers(&self, assessment: Id) -> Result<Vec<Answer>> {
        self.assessment(assessment).await?;
        let sql = format!("SELECT {ANSWER_COLUMNS} FROM answers WHERE assessment_id = $1 ORDER BY requirement_id");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(assessment.to_string()).fetch_all(&self.pool).await?;
        rows.iter().map(answer_from_row).collect()
    }

    /// Every recorded change of an answer, oldest first.
    pub async fn history(&self, answer: Id) -> Result<Vec<HistoryEntry>> {
        self.answer(answer).await?;
        let rows = sqlx::query(
            "SELECT seq, changed_at, changed_by, field, old_value, new_value
             FROM answer_history WHERE answer_id = $1 ORDER BY seq",
        )
        .bind(answer.to_string())
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(HistoryEntry {
                    answer_id: answer,
                    seq: r.try_get("seq")?,
                    changed_at: Timestamp(r.try_get("changed_at")?),
                    changed_by: r.try_get("changed_by")?,
                    field: r.try_get("field")?,
                    old: r.try_get("old_value")?,
                    new: r.try_get("new_value")?,
                })
            })
            .collect()
    }

    /// Answers several requirements at once (a checklist saved with several rows changed): one
    /// transaction, each answer audited as `answer.set` with its history; all of them, or — on
    /// any error — none.
    pub async fn set_answers(
        &self,
        assessment: Id,
        inputs: Vec<AnswerInput>,
        actor: &Actor,
        now: Timestamp,
    ) -> Result<()> {
        check_batch(&inputs)?;
        let mut tx = self.write().await?;
        crate::orgs::ensure_open(&mut tx, assessment).await?;
        write_batch(&mut tx, self.ids.as_ref(), assessment, &inputs, actor, now, ACTION_SET, &mut |_| {}).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Writes a batch of answers in one transaction: all of them, or — on any error — none.
    pub async fn import_answers(
        &self,
        assessment: Id,
        inputs: Vec<AnswerInput>,
        actor: &Actor,
        now: Timestamp,
    ) -> Result<ImportSummary> {
        self.import_answers_with_progress(assessment, inputs, actor, now, &mut |_| {}).await
    }

    /// The answer to one requirement of an assessment, if there is one.
    pub async fn answer_for(&self, assessment: Id, requirement_id: &str) -> Result<Option<Answer>> {
        self.assessment(assessment).await?;
        let sql = format!("SELECT {ANSWER_COLUMNS} FROM answers WHERE assessment_id = $1 AND requirement_id = $2");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(assessment.to_string())
            .bind(requirement_id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(answer_from_row).transpose()
    }

    /// Creates an assessment and writes its answers in one transaction (a migration, a
    /// sample): either the assessment exists with every answer, or nothing was written.
    pub async fn create_assessment_with_answers(
        &self,
        new: &NewAssessment,
        inputs: Vec<AnswerInput>,
        actor: &Actor,
        now: Timestamp,
        written: &mut (dyn FnMut(usize) + Send),
    ) -> Result<(Assessment, ImportSummary)> {
        self.create_assessment_with_answers_as(new, &AssessmentMeta::default(), inputs, actor, now, written).await
    }

    /// [`Store::create_assessment_with_answers`] with a name and an owner.
    pub async fn create_assessment_with_answers_as(
        &self,
        new: &NewAssessment,
        meta: &AssessmentMeta,
        inputs: Vec<AnswerInput>,
        actor: &Actor,
        now: Timestamp,
        written: &mut (dyn FnMut(usize) + Send),
    ) -> Result<(Assessment, ImportSummary)> {
        check_batch(&inputs)?;
        let mut tx = self.write().await?;
        let id = crate::orgs::insert_assessment(&mut tx, self.ids.as_ref(), new, meta, actor, now).await?;
        let summary = write_batch(&mut tx, self.ids.as_ref(), id, &inputs, actor, now, ACTION_IMPORT, written).await?;
        let assessment = crate::orgs::fetch_assessment(&mut tx, id).await?;
        tx.commit().await?;
        Ok((assessment, summary))
    }

    /// [`Store::import_answers`], calling `written(n)` after the n-th answer is written (inside the
    /// transaction, before it commits) so a caller can show progress.
    pub async fn import_answers_with_progress(
        &self,
        assessment: Id,
        inputs: Vec<AnswerInput>,
        actor: &Actor,
        now: Timestamp,
        written: &mut (dyn FnMut(usize) + Send),
    ) -> Result<ImportSummary> {
        check_batch(&inputs)?;
        let mut tx = self.write().await?;
        crate::orgs::ensure_open(&mut tx, assessment).await?;
        let summary =
            write_batch(&mut tx, self.ids.as_ref(), assessment, &inputs, actor, now, ACTION_IMPORT, written).await?;
        tx.commit().await?;
        Ok(summary)
    }
}

/// Refuses a bad batch before anything touches the database.
pub(crate) fn check_batch(inputs: &[AnswerInput]) -> Result<()> {
    let mut seen = HashSet::new();
    for (index, input) in inputs.iter().enumerate() {
        let row_error = |source| StoreError::ImportRow {
            index,
            requirement: input.requirement_id.clone(),
            source: Box::new(source),
        };
        validate(input).map_err(row_error)?;
        if !seen.insert(input.requirement_id.as_str()) {
            return Err(row_error(StoreError::DuplicateRequirement { requirement: input.requirement_id.clone() }));
        }
    }
    Ok(())
}

/// Writes a checked batch inside the caller's transaction, each answer audited as `action`.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn write_batch(
    conn: &mut Conn,
    ids: &dyn IdSource,
    assessment: Id,
    inputs: &[AnswerInput],
    actor: &Actor,
    now: Timestamp,
    action: &str,
    written: &mut (dyn FnMut(usize) + Send),
) -> Result<ImportSummary> {
    let mut summary = ImportSummary::default();
    for (index, input) in inputs.iter().enumerate() {
        let outcome = write_answer(conn, ids, assessment, input, actor, now, action).await.map_err(|source| {
            StoreError::ImportRow { index, requirement: input.requirement_id.clone(), source: Box::new(source) }
        })?;
        match outcome {
            Outcome::Created(_) => summary.created += 1,
            Outcome::Updated(_) => summary.updated += 1,
            Outcome::Unchanged(_) => summary.unchanged += 1,
        }
        written(index + 1);
    }
    Ok(summary)
}

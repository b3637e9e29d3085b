//! Organizations, their systems, and assessments of a system against a catalog.

use sqlx::Row as _;

use crate::backend::{Conn, Row};

use crate::answers::copy_answer;
use crate::audit::{append, change};
use crate::{
    Actor, Assessment, AssessmentMeta, AssessmentStatus, Id, IdSource, NewAssessment, NewOrganization, NewSystem,
    OrgKind, Organization, Result, Store, StoreError, System, Table, Timestamp, exists, parse, parse_opt,
};

const ORG_COLUMNS: &str = "id, name, kind, vendor_position, created_at, created_by";
const SYSTEM_COLUMNS: &str = "id, organization_id, name, service_model, description, created_at, created_by";
const ASSESSMENT_COLUMNS: &str =
    "id, system_id, catalog_id, status, baseline_id, created_at, created_by, updated_at, updated_by, name, owner_id";

fn org_from_row(r: &Row) -> Result<Organization> {
    const T: &str = "organizations";
    Ok(Organization {
        id: parse(T, "id", r.try_get("id")?)?,
        name: r.try_get("name")?,
        kind: parse(T, "kind", r.try_get("kind")?)?,
        vendor_position: parse_opt(T, "vendor_position", r.try_get("vendor_position")?)?,
        created_at: Timestamp(r.try_get("created_at")?),
        created_by: r.try_get("created_by")?,
    })
}

fn system_from_row(r: &Row) -> Result<System> {
    const T: &str = "systems";
    Ok(System {
        id: parse(T, "id", r.try_get("id")?)?,
        organization_id: parse(T, "organization_id", r.try_get("organization_id")?)?,
        name: r.try_get("name")?,
        service_model: parse(T, "service_model", r.try_get("service_model")?)?,
        description: r.try_get("description")?,
        created_at: Timestamp(r.try_get("created_at")?),
        created_by: r.try_get("created_by")?,
    })
}

fn assessment_from_row(r: &Row) -> Result<Assessment> {
    const T: &str = "assessments";
    Ok(Assessment {
        id: parse(T, "id", r.try_get("id")?)?,
        system_id: parse(T, "system_id", r.try_get("system_id")?)?,
        catalog_id: r.try_get("catalog_id")?,
        status: parse(T, "status", r.try_get("status")?)?,
        baseline_id: parse_opt(T, "baseline_id", r.try_get("baseline_id")?)?,
        created_at: Timestamp(r.try_get("created_at")?),
        created_by: r.try_get("created_by")?,
        updated_at: Timestamp(r.try_get("updated_at")?),
        updated_by: r.try_get("updated_by")?,
        name: r.try_get("name")?,
        owner_id: parse_opt(T, "owner_id", r.try_get("owner_id")?)?,
    })
}

/// Refuses a write to a final (確定) assessment, inside the writer's transaction; an unknown id is
/// `UnknownAssessment`. Every path that changes an assessment's answers or evidence links calls it.
pub(crate) async fn ensure_open(conn: &mut Conn, id: Id) -> Result<()> {
    if !exists(conn, Table::Assessments, id).await? {
        return Err(StoreError::UnknownAssessment(id));
    }
    let final_ = sqlx::query("SELECT 1 FROM assessments WHERE id = $1 AND status = $2")
        .bind(id.to_string())
        .bind(AssessmentStatus::Final.as_str())
        .fetch_optional(&mut *conn)
        .await?;
    if final_.is_some() { Err(StoreError::AssessmentFinal(id)) } else { Ok(()) }
}

/// [`ensure_open`] for the assessment an answer belongs to.
pub(crate) async fn ensure_open_for_answer(conn: &mut Conn, answer: Id) -> Result<()> {
    let row: Option<(String,)> = sqlx::query_as("SELECT assessment_id FROM answers WHERE id = $1")
        .bind(answer.to_string())
        .fetch_optional(&mut *conn)
        .await?;
    let (assessment,) = row.ok_or(StoreError::UnknownAnswer(answer))?;
    ensure_open(conn, parse("answers", "assessment_id", assessment)?).await
}

/// The record of a reopening: the assessment after it, and why.
#[derive(serde::Serialize)]
struct Reopened<'a> {
    #[serde(flatten)]
    assessment: &'a Assessment,
    reopen_reason: &'a str,
}

/// One organization, read inside the caller's transaction (or on any connection).
pub(crate) async fn fetch_organization(conn: &mut Conn, id: Id) -> Result<Organization> {
    let sql = format!("SELECT {ORG_COLUMNS} FROM organizations WHERE id = $1");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id.to_string()).fetch_optional(conn).await?;
    org_from_row(&row.ok_or(StoreError::UnknownOrganization(id))?)
}

pub(crate) async fn fetch_system(conn: &mut Conn, id: Id) -> Result<System> {
    let sql = format!("SELECT {SYSTEM_COLUMNS} FROM systems WHERE id = $1");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id.to_string()).fetch_optional(conn).await?;
    system_from_row(&row.ok_or(StoreError::UnknownSystem(id))?)
}

pub(crate) async fn fetch_assessment(conn: &mut Conn, id: Id) -> Result<Assessment> {
    let sql = format!("SELECT {ASSESSMENT_COLUMNS} FROM assessments WHERE id = $1");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id.to_string()).fetch_optional(conn).await?;
    assessment_from_row(&row.ok_or(StoreError::UnknownAssessment(id))?)
}

fn non_empty(field: &'static str, value: &str) -> Result<()> {
    if value.trim().is_empty() { Err(StoreError::Empty { field }) } else { Ok(()) }
}

impl Store {
    /// Creates an organization (`organization.create`); only a vendor has a vendor position.
    pub async fn create_organization(
        &self,
        new: &NewOrganization,
        actor: &Actor,
        now: Timestamp,
    ) -> Result<Organization> {
        non_empty("organization name", &new.name)?;
        crate::limits::ORGANIZATION_NAME.check(&new.name)?;
        if new.kind != OrgKind::Vendor && new.vendor_position.is_some() {
            return Err(StoreError::PositionWithoutVendor);
        }
        let id = self.ids.next_id();
        let mut tx = self.write().await?;
        sqlx::query(
            "INSERT INTO organizations (id, name, kind, vendor_position, created_at, created_by)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(id.to_string())
        .bind(&new.name)
        .bind(new.kind.as_str())
        .bind(new.vendor_position.map(|p| p.as_str()))
        .bind(now.0)
        .bind(&actor.name)
        .execute(&mut *tx)
        .await?;
        let org = fetch_organization(&mut tx, id).await?;
        append(&mut tx, actor, now, change("organization.create", "organization", id).after(&org)?).await?;
        tx.commit().await?;
        Ok(org)
    }

    /// The organization with this id.
    pub async fn organization(&self, id: Id) -> Result<Organization> {
        fetch_organization(&mut *self.pool.acquire().await?, id).await
    }

    /// All organizations, by name.
    pub async fn organizations(&self) -> Result<Vec<Organization>> {
        let sql = format!("SELECT {ORG_COLUMNS} FROM organizations ORDER BY name, id");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).fetch_all(&self.pool).await?;
        rows.iter().map(org_from_row).collect()
    }

    /// Creates a system of an organization (`system.create`).
    pub async fn create_system(&self, new: &NewSystem, actor: &Actor, now: Timestamp) -> Result<System> {
        non_empty("system name", &new.name)?;
        crate::limits::SYSTEM_NAME.check(&new.name)?;
        crate::limits::SYSTEM_DESCRIPTION.check(&new.description)?;
        let id = self.ids.next_id();
        let mut tx = self.write().await?;
        if !exists(&mut tx, Table::Organizations, new.organization_id).await? {
            return Err(StoreError::UnknownOrganization(new.organization_id));
        }
        sqlx::query(
            "INSERT INTO systems (id, organization_id, name, service_model, description, created_at, created_by)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(id.to_string())
        .bind(new.organization_id.to_string())
        .bind(&new.name)
        .bind(new.service_model.as_str())
        .bind(&new.description)
        .bind(now.0)
        .bind(&actor.name)
        .execute(&mut *tx)
        .await?;
        let system = fetch_system(&mut tx, id).await?;
        append(&mut tx, actor, now, change("system.create", "system", id).after(&system)?).await?;
        tx.commit().await?;
        Ok(system)
    }

    /// The system with this id.
    pub async fn system(&self, id: Id) -> Result<System> {
        fetch_system(&mut *self.pool.acquire().await?, id).await
    }

    /// The systems of one organization, by name.
    pub async fn systems(&self, organization: Id) -> Result<Vec<System>> {
        self.organization(organization).await?;
        let sql = format!("SELECT {SYSTEM_COLUMNS} FROM systems WHERE organization_id = $1 ORDER BY name, id");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(organization.to_string()).fetch_all(&self.pool).await?;
        rows.iter().map(system_from_row).collect()
    }

    /// Creates a draft assessment. With a baseline (an assessment of the same catalog), the
    /// baseline's answers and their evidence links are copied in the same transaction, each
    /// copy's origin naming the answer it came from.
    pub async fn create_assessment(&self, new: &NewAssessment, actor: &Actor, now: Timestamp) -> Result<Assessment> {
        self.create_assessment_as(new, &AssessmentMeta::default(), actor, now).await
    }

    /// [`Store::create_assessment`] with a name and an owner (the creating user).
    pub async fn create_assessment_as(
        &self,
        new: &NewAssessment,
        meta: &AssessmentMeta,
        actor: &Actor,
        now: Timestamp,
    ) -> Result<Assessment> {
        let mut tx = self.write().await?;
        let id = insert_assessment(&mut tx, self.ids.as_ref(), new, meta, actor, now).await?;
        let assessment = fetch_assessment(&mut tx, id).await?;
        tx.commit().await?;
        Ok(assessment)
    }

    /// Every assessment, oldest first.
    pub async fn all_assessments(&self) -> Result<Vec<Assessment>> {
        let sql = format!("SELECT {ASSESSMENT_COLUMNS} FROM assessments ORDER BY created_at, id");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).fetch_all(&self.pool).await?;
        rows.iter().map(assessment_from_row).collect()
    }

    /// Every system, oldest first.
    pub async fn all_systems(&self) -> Result<Vec<System>> {
        let sql = format!("SELECT {SYSTEM_COLUMNS} FROM systems ORDER BY created_at, id");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).fetch_all(&self.pool).await?;
        rows.iter().map(system_from_row).collect()
    }

    /// The assessment with this id.
    pub async fn assessment(&self, id: Id) -> Result<Assessment> {
        fetch_assessment(&mut *self.pool.acquire().await?, id).await
    }

    /// The assessments of one system, oldest first.
    pub async fn assessments(&self, system: Id) -> Result<Vec<Assessment>> {
        self.system(system).await?;
        let sql = format!("SELECT {ASSESSMENT_COLUMNS} FROM assessments WHERE system_id = $1 ORDER BY created_at, id");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(system.to_string()).fetch_all(&self.pool).await?;
        rows.iter().map(assessment_from_row).collect()
    }

    /// Moves an assessment between draft, in review and final. A final (確定) assessment is
    /// read-only: leaving final is [`Store::reopen_assessment`], never a status change.
    pub async fn set_assessment_status(
        &self,
        id: Id,
        status: AssessmentStatus,
        actor: &Actor,
        now: Timestamp,
    ) -> Result<Assessment> {
        let mut tx = self.write().await?;
        let before = fetch_assessment(&mut tx, id).await?;
        if before.status == AssessmentStatus::Final {
            return Err(StoreError::AssessmentFinal(id));
        }
        sqlx::query("UPDATE assessments SET status = $1, updated_at = $2, updated_by = $3 WHERE id = $4")
            .bind(status.as_str())
            .bind(now.0)
            .bind(&actor.name)
            .bind(id.to_string())
            .execute(&mut *tx)
            .await?;
        let after = fetch_assessment(&mut tx, id).await?;
        append(&mut tx, actor, now, change("assessment.status", "assessment", id).before(&before)?.after(&after)?)
            .await?;
        tx.commit().await?;
        Ok(after)
    }
}

impl Store {
    /// Reopens a final (確定) assessment as a draft, with a reason, audited
    /// (`assessment.reopen`, the reason in the record). `by` is the user asking: only an admin or
    /// the assessment's owner may. `None` is the command line, whose operator holds the file.
    pub async fn reopen_assessment(
        &self,
        id: Id,
        reason: &str,
        by: Option<Id>,
        actor: &Actor,
        now: Timestamp,
    ) -> Result<Assessment> {
        non_empty("reason", reason)?;
        crate::limits::REOPEN_REASON.check(reason)?;
        let mut tx = self.write().await?;
        let before = fetch_assessment(&mut tx, id).await?;
        if before.status != AssessmentStatus::Final {
            return Err(StoreError::NotFinal(id));
        }
        if let Some(user) = by {
            let user = crate::users::fetch_user(&mut tx, user).await?;
            if user.role != crate::Role::Admin && before.owner_id != Some(user.id) {
                return Err(StoreError::ReopenNotAllowed { assessment: id, user: user.id });
            }
        }
        sqlx::query("UPDATE assessments SET status = $1, updated_at = $2, updated_by = $3 WHERE id = $4")
            .bind(AssessmentStatus::Draft.as_str())
            .bind(now.0)
            .bind(&actor.name)
            .bind(id.to_string())
            .execute(&mut *tx)
            .await?;
        let after = fetch_assessment(&mut tx, id).await?;
        let record = Reopened { assessment: &after, reopen_reason: reason.trim() };
        append(&mut tx, actor, now, change("assessment.reopen", "assessment", id).before(&before)?.after(&record)?)
            .await?;
        tx.commit().await?;
        Ok(after)
    }
}

/// Inserts an assessment row (and copies its baseline's answers) inside the caller's transaction,
/// with its audit records (`assessment.create`, then one `answer.baseline_copy` per copied answer
/// and one `evidence.attach` per copied evidence link).
pub(crate) async fn insert_assessment(
    conn: &mut Conn,
    ids: &dyn IdSource,
    new: &NewAssessment,
    meta: &AssessmentMeta,
    actor: &Actor,
    now: Timestamp,
) -> Result<Id> {
    crate::limits::CATALOG_ID.check(&new.catalog_id)?;
    non_empty("catalog id", &new.catalog_id)?;
    crate::limits::ASSESSMENT_NAME.check_opt(meta.name.as_deref())?;
    let name = meta.name.as_deref().map(str::trim).filter(|n| !n.is_empty());
    if !exists(conn, Table::Systems, new.system_id).await? {
        return Err(StoreError::UnknownSystem(new.system_id));
    }
    if let Some(baseline) = new.baseline_id {
        let row: Option<(String, String)> =
            sqlx::query_as("SELECT catalog_id, system_id FROM assessments WHERE id = $1")
                .bind(baseline.to_string())
                .fetch_optional(&mut *conn)
                .await?;
        let Some((catalog, system)) = row else {
            return Err(StoreError::UnknownAssessment(baseline));
        };
        // Last year's assessment of the same system: never another system's (or organization's).
        if system != new.system_id.to_string() {
            return Err(StoreError::BaselineSystem { baseline, system: new.system_id });
        }
        if catalog != new.catalog_id {
            return Err(StoreError::BaselineCatalog {
                baseline,
                baseline_catalog: catalog,
                catalog: new.catalog_id.clone(),
            });
        }
    }
    let id = ids.next_id();
    sqlx::query(
        "INSERT INTO assessments
             (id, system_id, catalog_id, status, baseline_id, created_at, created_by, updated_at, updated_by,
              name, owner_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(id.to_string())
    .bind(new.system_id.to_string())
    .bind(&new.catalog_id)
    .bind(AssessmentStatus::Draft.as_str())
    .bind(new.baseline_id.map(|b| b.to_string()))
    .bind(now.0)
    .bind(&actor.name)
    .bind(now.0)
    .bind(&actor.name)
    .bind(name)
    .bind(meta.owner_id.map(|o| o.to_string()))
    .execute(&mut *conn)
    .await?;
    let assessment = fetch_assessment(conn, id).await?;
    append(conn, actor, now, change("assessment.create", "assessment", id).after(&assessment)?).await?;
    if let Some(baseline) = new.baseline_id {
        let rows: Vec<(String,)> =
            sqlx::query_as("SELECT id FROM answers WHERE assessment_id = $1 ORDER BY requirement_id")
                .bind(baseline.to_string())
                .fetch_all(&mut *conn)
                .await?;
        for (answer,) in rows {
            let answer: Id = crate::parse("answers", "id", answer)?;
            copy_answer(conn, ids, answer, id, crate::Origin::Baseline, actor, now).await?;
        }
    }
    Ok(id)
}

//! Who may see what: users belong to organizations (admins too: an admin manages users but sees
//! only the organizations they belong to), and every stored id answers which organizations own it.
//!
//! Ownership: an organization owns itself; a system belongs to its organization; an assessment to
//! its system's; an answer to its assessment's; evidence to the organizations of the answers it is
//! attached to, or — while it is attached to nothing — to the organization that uploaded it.

use crate::backend::Conn;

use crate::audit::{append, change};
use crate::orgs::fetch_organization;
use crate::users::fetch_user;
use crate::{Actor, Id, Kind, Organization, Result, Store, StoreError, Timestamp, User, parse};

/// The membership row as recorded in the audit log.
fn membership_json(user: Id, organization: Id, now: Timestamp, actor: &Actor) -> serde_json::Value {
    serde_json::json!({
        "user_id": user.to_string(),
        "organization_id": organization.to_string(),
        "created_at": now.0,
        "created_by": actor.name,
    })
}

async fn is_member_in(conn: &mut Conn, user: Id, organization: Id) -> Result<bool> {
    let row = sqlx::query("SELECT 1 FROM memberships WHERE user_id = $1 AND organization_id = $2")
        .bind(user.to_string())
        .bind(organization.to_string())
        .fetch_optional(conn)
        .await?;
    Ok(row.is_some())
}

/// One id column of a single-row query, or the typed error for an unknown id.
async fn one_id(conn: &mut Conn, sql: &'static str, id: Id, unknown: StoreError) -> Result<Id> {
    let row: Option<(String,)> = sqlx::query_as(sql).bind(id.to_string()).fetch_optional(conn).await?;
    let (owner,) = row.ok_or(unknown)?;
    parse("systems", "organization_id", owner)
}

impl Store {
    /// Makes a user a member of an organization (`membership.add`). False (and no record) when
    /// they already are.
    pub async fn add_membership(&self, user: Id, organization: Id, actor: &Actor, now: Timestamp) -> Result<bool> {
        let mut tx = self.write().await?;
        fetch_user(&mut tx, user).await?;
        fetch_organization(&mut tx, organization).await?;
        if is_member_in(&mut tx, user, organization).await? {
            return Ok(false);
        }
        sqlx::query(
            "INSERT INTO memberships (user_id, organization_id, created_at, created_by) VALUES ($1, $2, $3, $4)",
        )
        .bind(user.to_string())
        .bind(organization.to_string())
        .bind(now.0)
        .bind(&actor.name)
        .execute(&mut *tx)
        .await?;
        let entry = change("membership.add", "user", user).after(&membership_json(user, organization, now, actor))?;
        append(&mut tx, actor, now, entry).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Ends a membership (`membership.remove`). False (and no record) when there was none.
    pub async fn remove_membership(&self, user: Id, organization: Id, actor: &Actor, now: Timestamp) -> Result<bool> {
        let mut tx = self.write().await?;
        fetch_user(&mut tx, user).await?;
        fetch_organization(&mut tx, organization).await?;
        let row: Option<(i64, String)> = sqlx::query_as(
            "SELECT created_at, created_by FROM memberships WHERE user_id = $1 AND organization_id = $2",
        )
        .bind(user.to_string())
        .bind(organization.to_string())
        .fetch_optional(&mut *tx)
        .await?;
        let Some((created_at, created_by)) = row else {
            return Ok(false);
        };
        sqlx::query("DELETE FROM memberships WHERE user_id = $1 AND organization_id = $2")
            .bind(user.to_string())
            .bind(organization.to_string())
            .execute(&mut *tx)
            .await?;
        let before = membership_json(user, organization, Timestamp(created_at), &Actor::new(created_by, ""));
        append(&mut tx, actor, now, change("membership.remove", "user", user).before(&before)?).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// The organizations a user belongs to, by name.
    pub async fn organizations_of(&self, user: Id) -> Result<Vec<Organization>> {
        self.user(user).await?;
        let ids: Vec<(String,)> = sqlx::query_as(
            "SELECT o.id FROM organizations o JOIN memberships m ON m.organization_id = o.id
             WHERE m.user_id = $1 ORDER BY o.name, o.id",
        )
        .bind(user.to_string())
        .fetch_all(&self.pool)
        .await?;
        let mut out = Vec::with_capacity(ids.len());
        for (id,) in ids {
            out.push(self.organization(parse("organizations", "id", id)?).await?);
        }
        Ok(out)
    }

    /// The members of an organization, by folded username.
    pub async fn members_of(&self, organization: Id) -> Result<Vec<User>> {
        self.organization(organization).await?;
        let ids: Vec<(String,)> = sqlx::query_as(
            "SELECT u.id FROM users u JOIN memberships m ON m.user_id = u.id
             WHERE m.organization_id = $1 ORDER BY u.username_folded",
        )
        .bind(organization.to_string())
        .fetch_all(&self.pool)
        .await?;
        let mut out = Vec::with_capacity(ids.len());
        for (id,) in ids {
            out.push(self.user(parse("users", "id", id)?).await?);
        }
        Ok(out)
    }

    /// Is `user` a member of `organization`?
    pub async fn is_member(&self, user: Id, organization: Id) -> Result<bool> {
        is_member_in(&mut *self.pool.acquire().await?, user, organization).await
    }

    /// The organization a system belongs to.
    pub async fn organization_of_system(&self, system: Id) -> Result<Id> {
        let sql = "SELECT organization_id FROM systems WHERE id = $1";
        one_id(&mut *self.pool.acquire().await?, sql, system, StoreError::UnknownSystem(system)).await
    }

    /// The organization an assessment belongs to (its system's).
    pub async fn organization_of_assessment(&self, assessment: Id) -> Result<Id> {
        let sql = "SELECT s.organization_id FROM assessments a JOIN systems s ON s.id = a.system_id WHERE a.id = $1";
        one_id(&mut *self.pool.acquire().await?, sql, assessment, StoreError::UnknownAssessment(assessment)).await
    }

    /// The organization an answer belongs to (its assessment's).
    pub async fn organization_of_answer(&self, answer: Id) -> Result<Id> {
        let sql = "SELECT s.organization_id FROM answers x JOIN assessments a ON a.id = x.assessment_id
                   JOIN systems s ON s.id = a.system_id WHERE x.id = $1";
        one_id(&mut *self.pool.acquire().await?, sql, answer, StoreError::UnknownAnswer(answer)).await
    }

    /// The organizations a piece of evidence belongs to: those of the answers it is attached to,
    /// or, attached to nothing, the one that uploaded it (none if that was not recorded).
    pub async fn organizations_of_evidence(&self, evidence: Id) -> Result<Vec<Id>> {
        let uploader = self.evidence(evidence).await?.organization_id;
        let rows: Vec<(String,)> = sqlx::query_as(
            "SELECT DISTINCT s.organization_id FROM answer_evidence ae JOIN answers x ON x.id = ae.answer_id
             JOIN assessments a ON a.id = x.assessment_id JOIN systems s ON s.id = a.system_id
             WHERE ae.evidence_id = $1 ORDER BY s.organization_id",
        )
        .bind(evidence.to_string())
        .fetch_all(&self.pool)
        .await?;
        if rows.is_empty() {
            return Ok(uploader.into_iter().collect());
        }
        rows.into_iter().map(|(id,)| parse("systems", "organization_id", id)).collect()
    }

    /// The organizations that own the row `id` of this kind (an unknown id is the kind's typed
    /// error, so a web layer can answer 404).
    pub async fn owners(&self, kind: Kind, id: Id) -> Result<Vec<Id>> {
        Ok(match kind {
            Kind::Organization => vec![self.organization(id).await?.id],
            Kind::System => vec![self.organization_of_system(id).await?],
            Kind::Assessment => vec![self.organization_of_assessment(id).await?],
            Kind::Answer => vec![self.organization_of_answer(id).await?],
            Kind::Evidence => self.organizations_of_evidence(id).await?,
        })
    }

    /// May this user see the row `id` of this kind: do they belong to an organization that owns it?
    pub async fn can_access(&self, user: Id, kind: Kind, id: Id) -> Result<bool> {
        for owner in self.owners(kind, id).await? {
            if self.is_member(user, owner).await? {
                return Ok(true);
            }
        }
        Ok(false)
    }
}

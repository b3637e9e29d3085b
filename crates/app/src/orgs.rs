//! Organizations (医療機関等, 対象事業者) and their systems: created with their names trimmed and
//! checked by the store (not blank, within the length limits), so every adapter refuses the same
//! names with the same error.

use sansho_store::{NewOrganization, NewSystem, Organization, System};

use crate::{Actor, Ctx, Result};

/// Creates an organization (a vendor may have a position; a medical institution may not).
pub async fn create_organization(cx: &Ctx<'_>, actor: &Actor, mut new: NewOrganization) -> Result<Organization> {
    new.name = new.name.trim().to_owned();
    Ok(cx.store.create_organization(&new, actor, cx.now).await?)
}

/// Creates a system of an organization.
pub async fn create_system(cx: &Ctx<'_>, actor: &Actor, mut new: NewSystem) -> Result<System> {
    new.name = new.name.trim().to_owned();
    new.description = new.description.trim().to_owned();
    Ok(cx.store.create_system(&new, actor, cx.now).await?)
}

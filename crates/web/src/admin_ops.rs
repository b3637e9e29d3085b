//! Administration, once for the pages and the API: every operation is one function here, taking
//! the acting admin (whose name and address go into the audit trail through the store) and
//! returning the views both show. Errors are typed ([`WebError`]) and name the field at fault.
//!
//! The callers check that the user is an admin (pages answer 403, the API too); these functions
//! keep the rules that hold whoever calls them: passwords pass the policy, an account is never
//! left without an enabled admin, an emergency account is created disabled.

use std::collections::HashMap;

use sansho_auth as auth;
use sansho_store::{
    Actor, AuditFilter, AuditRecord, AuditReport, EmergencyUse, Id, NewOrganization, NewUser, OrgKind, Organization,
    Role, StoreError, Timestamp, User, VendorPosition,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::session::now;
use crate::{AppState, Lang, WebError};

/// A role as the API and the forms spell it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum RoleWord {
    /// Manages users and organizations; edits assessments.
    Admin,
    /// Edits assessments.
    Assessor,
    /// Reads only.
    Viewer,
}

impl From<RoleWord> for Role {
    fn from(r: RoleWord) -> Role {
        match r {
            RoleWord::Admin => Role::Admin,
            RoleWord::Assessor => Role::Assessor,
            RoleWord::Viewer => Role::Viewer,
        }
    }
}

impl From<Role> for RoleWord {
    fn from(r: Role) -> RoleWord {
        match r {
            Role::Admin => RoleWord::Admin,
            Role::Assessor => RoleWord::Assessor,
            Role::Viewer => RoleWord::Viewer,
        }
    }
}

/// 医療機関等 (`medical-institution`) or 対象事業者 (`vendor`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum OrgKindWord {
    MedicalInstitution,
    Vendor,
}

impl From<OrgKindWord> for OrgKind {
    fn from(k: OrgKindWord) -> OrgKind {
        match k {
            OrgKindWord::MedicalInstitution => OrgKind::MedicalInstitution,
            OrgKindWord::Vendor => OrgKind::Vendor,
        }
    }
}

/// Parses a form or query word: an unknown one is an error naming the field.
pub fn parse_word<T: std::str::FromStr>(field: &str, value: &str) -> Result<T, WebError> {
    value.trim().parse().map_err(|_| WebError::Invalid(format!("{field}: unknown value {:?}", value.trim())))
}

/// An id in a path or a form: one that does not parse names nothing (404).
pub fn parse_id(what: &str, value: &str) -> Result<Id, WebError> {
    value.trim().parse().map_err(|_| WebError::NotFound(format!("no {what} {value:?}")))
}

/// The word for a role in the page's language.
pub fn role_word(lang: Lang, role: Role) -> &'static str {
    match role {
        Role::Admin => lang.t("管理者", "admin"),
        Role::Assessor => lang.t("評価者（編集）", "assessor (edit)"),
        Role::Viewer => lang.t("閲覧者", "viewer (read)"),
    }
}

pub fn kind_word(lang: Lang, kind: OrgKind) -> &'static str {
    match kind {
        OrgKind::MedicalInstitution => lang.t("医療機関等", "medical institution"),
        OrgKind::Vendor => lang.t("対象事業者", "vendor"),
    }
}

/// A moment in Japan Standard Time, to the second: `2026-12-07 08:55:45 JST`.
pub fn jst(t: Timestamp) -> String {
    let ms = t.0 + 9 * 3_600_000;
    let days = ms.div_euclid(86_400_000);
    let secs = ms.div_euclid(1000).rem_euclid(86_400);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02} JST", secs / 3600, secs % 3600 / 60, secs % 60)
}

/// An organization as a user's membership shows it.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct OrgRef {
    pub id: String,
    pub name: String,
}

/// A user as admins see it: never the password hash or the TOTP secret.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct UserView {
    pub id: String,
    pub username: String,
    pub display_name: String,
    pub role: RoleWord,
    /// The organizations whose data the user sees and changes.
    pub organizations: Vec<OrgRef>,
    /// The second factor is enrolled.
    pub totp_enabled: bool,
    /// Failed logins since the last success or lock.
    pub failed_logins: i64,
    /// Locked out until this moment (ms since the Unix epoch), if that is in the future.
    pub locked_until: Option<i64>,
    /// Lockouts since the last successful login: the next one lasts twice as long.
    pub lock_count: i64,
    pub disabled: bool,
    /// 非常時用アカウント: every login is recorded for admins to acknowledge.
    pub emergency: bool,
    /// The last successful login (ms since the Unix epoch), if known.
    pub last_login: Option<i64>,
    pub created_at: i64,
    pub created_by: String,
}

fn user_view(u: &User, orgs: Vec<OrgRef>, last_login: Option<Timestamp>, now: Timestamp) -> UserView {
    UserView {
        id: u.id.to_string(),
        username: u.username.clone(),
        display_name: u.display_name.clone(),
        role: u.role.into(),
        organizations: orgs,
        totp_enabled: u.totp_enabled,
        failed_logins: u.failed_logins,
        locked_until: u.locked_until.filter(|_| u.is_locked(now)).map(|t| t.0),
        lock_count: u.lock_count,
        disabled: u.disabled,
        emergency: u.is_emergency,
        last_login: last_login.map(|t| t.0),
        created_at: u.created_at.0,
        created_by: u.created_by.clone(),
    }
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct OrgView {
    pub id: String,
    pub name: String,
    pub kind: OrgKindWord,
    /// A vendor's position: direct-contract, supply-chain or type-3 (第三類型).
    pub vendor_position: Option<String>,
    pub members: usize,
    pub created_at: i64,
    pub created_by: String,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct EmergencyUseView {
    pub id: String,
    pub user_id: String,
    pub username: String,
    pub used_at: i64,
    /// The client's address.
    pub source: String,
    pub acknowledged_by: Option<String>,
    pub acknowledged_at: Option<i64>,
}

impl From<EmergencyUse> for EmergencyUseView {
    fn from(e: EmergencyUse) -> Self {
        EmergencyUseView {
            id: e.id.to_string(),
            user_id: e.user_id.to_string(),
            username: e.username,
            used_at: e.used_at.0,
            source: e.source,
            acknowledged_by: e.acknowledged_by,
            acknowledged_at: e.acknowledged_at.map(|t| t.0),
        }
    }
}

/// One audit record: who, when, what, before → after, from where, and its place in the chain.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct AuditView {
    pub seq: i64,
    /// ms since the Unix epoch.
    pub at: i64,
    pub actor: String,
    /// The client's address, or `cli`.
    pub source: String,
    pub action: String,
    pub entity_kind: String,
    pub entity_id: Option<String>,
    /// The entity before the action (null: it did not exist).
    #[schema(value_type = Option<Object>)]
    pub before: Option<serde_json::Value>,
    /// The entity after the action (null: it no longer exists, or the action changed no row).
    #[schema(value_type = Option<Object>)]
    pub after: Option<serde_json::Value>,
    pub hash: String,
}

fn json_of(text: Option<&str>) -> Option<serde_json::Value> {
    text.map(|t| serde_json::from_str(t).unwrap_or_else(|_| serde_json::Value::String(t.to_owned())))
}

impl From<AuditRecord> for AuditView {
    fn from(r: AuditRecord) -> Self {
        AuditView {
            seq: r.seq,
            at: r.at.0,
            before: json_of(r.before_json.as_deref()),
            after: json_of(r.after_json.as_deref()),
            actor: r.actor,
            source: r.source,
            action: r.action,
            entity_kind: r.entity_kind,
            entity_id: r.entity_id,
            hash: r.hash,
        }
    }
}

/// The chain check: intact, or the first problem.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct AuditCheck {
    pub intact: bool,
    /// Records in the log.
    pub records: u64,
    /// The head (last seq and hash) an auditor writes down to compare later.
    pub head_seq: Option<i64>,
    pub head_hash: Option<String>,
    /// The first record found broken.
    pub problem_seq: Option<i64>,
    /// What is wrong with it.
    pub problem: Option<String>,
}

impl From<AuditReport> for AuditCheck {
    fn from(r: AuditReport) -> Self {
        AuditCheck {
            intact: r.is_intact(),
            records: r.records,
            head_seq: r.head.as_ref().map(|h| h.seq),
            head_hash: r.head.as_ref().map(|h| h.hash.clone()),
            problem_seq: r.problem.as_ref().and_then(|p| p.seq()),
            problem: r.problem.as_ref().map(|p| p.to_string()),
        }
    }
}

// ----- users -----

/// Every user, by username, with their organizations and last login.
pub async fn list_users(s: &AppState) -> Result<Vec<UserView>, WebError> {
    let users = s.store.users().await?;
    let last = s.store.last_logins().await?;
    let now = now();
    let mut out = Vec::with_capacity(users.len());
    for u in &users {
        out.push(view_of(s, u, &last, now).await?);
    }
    Ok(out)
}

async fn view_of(s: &AppState, u: &User, last: &HashMap<Id, Timestamp>, now: Timestamp) -> Result<UserView, WebError> {
    let orgs = s.store.organizations_of(u.id).await?;
    let orgs = orgs.into_iter().map(|o| OrgRef { id: o.id.to_string(), name: o.name }).collect();
    Ok(user_view(u, orgs, last.get(&u.id).copied(), now))
}

pub async fn get_user(s: &AppState, id: Id) -> Result<UserView, WebError> {
    let u = s.store.user(id).await?;
    view_of(s, &u, &s.store.last_logins().await?, now()).await
}

/// A new account.
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateUser {
    pub username: String,
    /// Shown instead of the username; the username when empty.
    #[serde(default)]
    pub display_name: String,
    /// The initial password: 12–128 characters, not one character repeated, not the username.
    pub password: String,
    pub role: RoleWord,
    /// Ids of the organizations the user belongs to.
    #[serde(default)]
    pub organizations: Vec<String>,
    /// 非常時用アカウント: created disabled; every login is flagged to admins.
    #[serde(default)]
    pub emergency: bool,
}

/// Checks a password against the policy; the message is in the page's language.
fn check_password(lang: Lang, password: &str, username: &str) -> Result<(), WebError> {
    auth::check_password_policy(password, username).map_err(|v| {
        WebError::Invalid(format!(
            "{}: {}",
            lang.t("パスワード", "password"),
            if lang == Lang::Ja { v.ja() } else { v.en() }
        ))
    })
}

async fn hash(s: &AppState, password: &str) -> Result<String, WebError> {
    let (password, params) = (password.to_owned(), s.auth.password);
    s.auth
        .argon2(move || auth::hash_password(&password, &params, &mut auth::random_bytes))
        .await?
        .map_err(|e| WebError::Internal(e.to_string()))
}

/// Creates a user (`user.create`) with their memberships (`membership.add` each). Every field is
/// checked before anything is written.
pub async fn create_user(s: &AppState, lang: Lang, actor: &Actor, new: &CreateUser) -> Result<UserView, WebError> {
    let username = new.username.trim();
    if username.is_empty() {
        return Err(WebError::Invalid(lang.t("ユーザー名: 入力してください", "username: must not be empty").into()));
    }
    let users = s.store.users().await?;
    auth::check_new_username(username, users.iter().map(|u| u.username.as_str())).map_err(|v| {
        WebError::Invalid(format!(
            "{}: {}",
            lang.t("ユーザー名", "username"),
            if lang == Lang::Ja { v.ja() } else { v.en() }
        ))
    })?;
    check_password(lang, &new.password, username)?;
    let mut orgs = Vec::new();
    for o in &new.organizations {
        let id = o.trim().parse::<Id>().map_err(|_| WebError::Invalid(format!("organizations: {o:?} is not an id")))?;
        s.store.organization(id).await.map_err(|_| WebError::Invalid(format!("organizations: no organization {o}")))?;
        if !orgs.contains(&id) {
            orgs.push(id);
        }
    }
    if s.store.user_by_username(username).await?.is_some() {
        return Err(WebError::Conflict(format!("username: {username:?} is taken")));
    }
    let display = if new.display_name.trim().is_empty() { username } else { new.display_name.trim() };
    let user = NewUser {
        username: username.to_owned(),
        display_name: display.to_owned(),
        password_hash: hash(s, &new.password).await?,
        role: new.role.into(),
        is_emergency: new.emergency,
    };
    let now = now();
    // The admin chose this password: the user chooses their own at the first login. Not so an
    // emergency account's: its password is the admins' sealed one, used in an emergency.
    let created = s.store.create_user_with(&user, !new.emergency, actor, now).await?;
    for org in orgs {
        s.store.add_membership(created.id, org, actor, now).await?;
    }
    get_user(s, created.id).await
}

/// Changes to a user; absent fields stay as they are.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateUser {
    pub role: Option<RoleWord>,
    pub display_name: Option<String>,
    /// true disables the account (ending its sessions); false enables it.
    pub disabled: Option<bool>,
}

/// Would this change leave no enabled admin who is not an emergency account?
async fn leaves_no_admin(s: &AppState, target: &User, role: Role, disabled: bool) -> Result<bool, WebError> {
    if role == Role::Admin && !disabled {
        return Ok(false);
    }
    let others = s
        .store
        .users()
        .await?
        .into_iter()
        .filter(|u| u.id != target.id && u.role == Role::Admin && !u.disabled && !u.is_emergency)
        .count();
    Ok(others == 0)
}

/// Applies role (`user.role_set`), display name (`user.display_name_set`) and disabled
/// (`user.disable` / `user.enable`) changes, refusing one that would leave no enabled admin.
pub async fn update_user(
    s: &AppState,
    lang: Lang,
    actor: &Actor,
    id: Id,
    change: &UpdateUser,
) -> Result<UserView, WebError> {
    let user = s.store.user(id).await?;
    let role = change.role.map_or(user.role, Role::from);
    let disabled = change.disabled.unwrap_or(user.disabled);
    if user.role == Role::Admin && !user.disabled && leaves_no_admin(s, &user, role, disabled).await? {
        return Err(WebError::Conflict(
            lang.t(
                "有効な管理者が一人もいなくなるため、この変更はできません。",
                "This would leave no enabled admin; make another admin first.",
            )
            .into(),
        ));
    }
    if let Some(name) = &change.display_name
        && name.trim().is_empty()
    {
        return Err(WebError::Invalid(lang.t("表示名: 入力してください", "display_name: must not be empty").into()));
    }
    let now = now();
    if role != user.role {
        s.store.set_role(id, role, actor, now).await?;
    }
    if let Some(name) = &change.display_name
        && name.trim() != user.display_name
    {
        s.store.set_display_name(id, name, actor, now).await?;
    }
    if disabled != user.disabled {
        s.store.set_user_disabled(id, disabled, actor, now).await?;
    }
    get_user(s, id).await
}

/// Lifts a lockout (`user.unlock`).
pub async fn unlock(s: &AppState, actor: &Actor, id: Id) -> Result<UserView, WebError> {
    s.store.unlock_user(id, actor, now()).await?;
    get_user(s, id).await
}

/// Clears the second factor and the recovery codes and ends every session of the user
/// (`user.totp_disable`, `user.recovery_codes_set`, `session.revoke` each; one transaction): the
/// user enrols again at the next login.
pub async fn reset_totp(s: &AppState, actor: &Actor, id: Id) -> Result<UserView, WebError> {
    s.store.reset_totp(id, actor, now()).await?;
    get_user(s, id).await
}

/// Ends every live session of the user (`session.revoke` each); how many.
pub async fn revoke_sessions(s: &AppState, actor: &Actor, id: Id) -> Result<usize, WebError> {
    Ok(s.store.revoke_sessions_of(id, actor, now()).await?)
}

/// Sets a new password (`user.password_reset`), checked by the policy: every session of the user
/// ends in the same transaction, and the user chooses their own password at the next login.
pub async fn set_password(
    s: &AppState,
    lang: Lang,
    actor: &Actor,
    id: Id,
    password: &str,
) -> Result<UserView, WebError> {
    let user = s.store.user(id).await?;
    check_password(lang, password, &user.username)?;
    let hash = hash(s, password).await?;
    s.store.reset_password_hash(id, &hash, actor, now()).await?;
    get_user(s, id).await
}

/// Adds (`membership.add`) or removes (`membership.remove`) a membership; false when there was
/// nothing to do.
pub async fn set_membership(s: &AppState, actor: &Actor, user: Id, org: Id, member: bool) -> Result<bool, WebError> {
    let now = now();
    if member {
        Ok(s.store.add_membership(user, org, actor, now).await?)
    } else {
        Ok(s.store.remove_membership(user, org, actor, now).await?)
    }
}

// ----- organizations -----

pub async fn list_organizations(s: &AppState) -> Result<Vec<OrgView>, WebError> {
    let mut out = Vec::new();
    for o in s.store.organizations().await? {
        let members = s.store.members_of(o.id).await?.len();
        out.push(org_view(o, members));
    }
    Ok(out)
}

fn org_view(o: Organization, members: usize) -> OrgView {
    OrgView {
        id: o.id.to_string(),
        name: o.name,
        kind: match o.kind {
            OrgKind::MedicalInstitution => OrgKindWord::MedicalInstitution,
            OrgKind::Vendor => OrgKindWord::Vendor,
        },
        vendor_position: o.vendor_position.map(|p| p.as_str().to_owned()),
        members,
        created_at: o.created_at.0,
        created_by: o.created_by,
    }
}

/// A new organization.
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateOrganization {
    pub name: String,
    pub kind: OrgKindWord,
    /// A vendor's position: direct-contract, supply-chain or type-3 (第三類型). Vendors only.
    #[serde(default)]
    pub vendor_position: Option<String>,
}

/// Creates an organization (`organization.create`); the admin who creates it becomes a member
/// (`membership.add`).
pub async fn create_organization(
    s: &AppState,
    lang: Lang,
    admin: &User,
    actor: &Actor,
    new: &CreateOrganization,
) -> Result<OrgView, WebError> {
    let name = new.name.trim();
    if name.is_empty() {
        return Err(WebError::Invalid(lang.t("名称: 入力してください", "name: must not be empty").into()));
    }
    let position = match new.vendor_position.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
        None => None,
        Some(p) => Some(parse_word::<VendorPosition>("vendor_position", p)?),
    };
    if position.is_some() && new.kind != OrgKindWord::Vendor {
        return Err(WebError::Invalid("vendor_position: only a vendor (対象事業者) has one".into()));
    }
    let now = now();
    let org = NewOrganization { name: name.to_owned(), kind: new.kind.into(), vendor_position: position };
    let org = sansho_app::orgs::create_organization(&crate::ops::cx(s), actor, org).await?;
    s.store.add_membership(admin.id, org.id, actor, now).await?;
    Ok(org_view(org, 1))
}

// ----- emergency uses -----

pub async fn emergency_uses(s: &AppState, unacknowledged_only: bool) -> Result<Vec<EmergencyUseView>, WebError> {
    let mut uses = s.store.emergency_uses(unacknowledged_only).await?;
    uses.reverse();
    Ok(uses.into_iter().map(Into::into).collect())
}

/// Acknowledges one use (`emergency.acknowledge`); acknowledging again changes nothing. Only
/// another admin may: an emergency account acknowledges nothing, nobody a use of their own account
/// (403).
pub async fn acknowledge(
    s: &AppState,
    lang: Lang,
    by: &User,
    actor: &Actor,
    id: Id,
) -> Result<EmergencyUseView, WebError> {
    match s.store.acknowledge_emergency_use(id, Some(by.id), actor, now()).await {
        Ok(done) => Ok(done.into()),
        Err(StoreError::EmergencySelfAcknowledge) => Err(WebError::Forbidden(
            lang.t(
                "非常時用アカウントの利用は、別の管理者が確認してください（非常時用アカウント自身は確認できません）。",
                "Another admin must acknowledge an emergency account's use; the emergency account cannot.",
            )
            .into(),
        )),
        Err(e) => Err(e.into()),
    }
}

// ----- audit -----

/// Which audit records to show.
#[derive(Clone, Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// An action (`user.disable`), or every action starting with a prefix ending in `.` (`user.`).
    pub action: Option<String>,
    /// The entity's kind: organization, system, assessment, answer, evidence, user, session,
    /// emergency-use.
    pub entity: Option<String>,
    /// The entity's id.
    pub entity_id: Option<String>,
    /// Who acted (a username, `setup`, a CLI actor).
    pub user: Option<String>,
    /// Only records older than this seq (the `next_before` of the previous page).
    pub before: Option<i64>,
    /// Records per page, 1–500 (default 50).
    pub limit: Option<u32>,
}

/// One page of the audit log, newest first.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct AuditPage {
    pub records: Vec<AuditView>,
    /// Pass as `before` for the next (older) page; absent on the last page.
    pub next_before: Option<i64>,
}

fn blank(s: &Option<String>) -> Option<String> {
    s.as_deref().map(str::trim).filter(|x| !x.is_empty()).map(str::to_owned)
}

pub async fn audit(s: &AppState, q: &AuditQuery) -> Result<AuditPage, WebError> {
    let limit = q.limit.unwrap_or(50);
    if !(1..=500).contains(&limit) {
        return Err(WebError::BadRequest("limit: must be between 1 and 500".into()));
    }
    let filter = AuditFilter {
        actor: blank(&q.user),
        action: blank(&q.action),
        entity_kind: blank(&q.entity),
        entity_id: blank(&q.entity_id),
        before_seq: q.before,
        // One more than shown tells whether there is a next page.
        limit: limit + 1,
        ..AuditFilter::default()
    };
    let mut records = s.store.audit_log(&filter).await?;
    let more = records.len() > limit as usize;
    records.truncate(limit as usize);
    let next_before = if more { records.last().map(|r| r.seq) } else { None };
    Ok(AuditPage { records: records.into_iter().map(Into::into).collect(), next_before })
}

pub async fn verify(s: &AppState) -> Result<AuditCheck, WebError> {
    Ok(s.store.verify_audit().await?.into())
}

/// The roles an admin exempted from the second factor (issue 11 §2.11): everyone else, admins
/// always, enrols TOTP at login.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SecondFactorExemptions {
    /// `assessor` and/or `viewer` (never `admin`).
    pub exempt_roles: Vec<RoleWord>,
}

pub async fn second_factor_exemptions(s: &AppState) -> Result<SecondFactorExemptions, WebError> {
    let roles = s.store.totp_exempt_roles().await?;
    Ok(SecondFactorExemptions { exempt_roles: roles.into_iter().map(RoleWord::from).collect() })
}

/// Sets the exempted roles (audited: `settings.totp_exempt_roles`); admins are refused.
pub async fn set_second_factor_exemptions(
    s: &AppState,
    lang: Lang,
    actor: &Actor,
    roles: &[RoleWord],
) -> Result<SecondFactorExemptions, WebError> {
    if roles.contains(&RoleWord::Admin) {
        return Err(WebError::Invalid(
            lang.t("管理者は二要素認証を免除できません。", "Admins cannot be exempted from the second factor.").into(),
        ));
    }
    let roles: Vec<Role> = roles.iter().map(|r| Role::from(*r)).collect();
    let set = s.store.set_totp_exempt_roles(&roles, actor, now()).await?;
    Ok(SecondFactorExemptions { exempt_roles: set.into_iter().map(RoleWord::from).collect() })
}

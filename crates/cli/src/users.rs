//! `sansho user …` and `sansho emergency …`: managing accounts from the command line, so an admin
//! locked out of the browser (locked, disabled, lost second factor) can recover with access to the
//! database file. Every change is a store write with the CLI actor (source `cli`), so it is in the
//! audit log like the web's.
//!
//! A new account's password comes from a prompt (not echoed) or, with `--password-stdin`, from
//! the first line of standard input — never from an argument, which other users could read in the
//! process list and which stays in shell history.

use std::io::{BufRead, IsTerminal, Write};

use anyhow::{Context, Result, anyhow, bail};
use clap::{Args, Subcommand, ValueEnum};
use sansho_auth as auth;
use sansho_store::{Id, Kind, NewUser, Role, User};

use crate::args::Lang;
use crate::db::{Db, now, short, when};
use crate::ui::{outln, print_json, t, table};

#[derive(Debug, Subcommand)]
pub enum UserCmd {
    /// Every account: role, organizations, second factor, lock, disabled.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Create an account. The password is asked for (or read from standard input).
    Create(CreateArgs),
    /// Disable an account and end its sessions (the last enabled admin cannot be disabled).
    Disable { username: String },
    /// Enable an account (an emergency account becomes usable).
    Enable { username: String },
    /// Lift a lockout after failed logins.
    Unlock { username: String },
    /// Clear the second factor (TOTP) and recovery codes and end every session: the user enrols
    /// again at the next login.
    ResetTotp { username: String },
    /// End every session of the account.
    RevokeSessions { username: String },
}

#[derive(Debug, Args)]
pub struct CreateArgs {
    pub username: String,
    #[arg(long, value_enum)]
    pub role: RoleArg,
    /// The name shown (default: the username).
    #[arg(long, value_name = "NAME")]
    pub display_name: Option<String>,
    /// An organization the user belongs to (id or unique start of it). Repeatable.
    #[arg(long = "org", value_name = "ID")]
    pub orgs: Vec<String>,
    /// 非常時用アカウント: created disabled; every login is flagged to admins.
    #[arg(long)]
    pub emergency: bool,
    /// Read the password from the first line of standard input instead of a prompt.
    #[arg(long)]
    pub password_stdin: bool,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RoleArg {
    Admin,
    Assessor,
    Viewer,
}

impl From<RoleArg> for Role {
    fn from(r: RoleArg) -> Role {
        match r {
            RoleArg::Admin => Role::Admin,
            RoleArg::Assessor => Role::Assessor,
            RoleArg::Viewer => Role::Viewer,
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum EmergencyCmd {
    /// Uses (logins) of emergency accounts, newest first.
    List {
        /// Only those no admin has acknowledged yet.
        #[arg(long)]
        unacknowledged: bool,
        #[arg(long)]
        json: bool,
    },
    /// Acknowledge a use (id or unique start of it).
    Acknowledge { id: String },
}

fn user(db: &Db, username: &str) -> Result<User> {
    db.run(db.store.user_by_username(username))?
        .ok_or_else(|| anyhow!(crate::ui::msg!("ユーザー {username:?} はいません", "no user named {username:?}")))
}

fn role_word(lang: Lang, r: Role) -> &'static str {
    match (lang, r) {
        (Lang::Ja, Role::Admin) => "管理者",
        (Lang::Ja, Role::Assessor) => "評価者",
        (Lang::Ja, Role::Viewer) => "閲覧者",
        (Lang::En, r) => r.as_str(),
    }
}

/// Reads the new password: a prompt without echo on a terminal (asked twice), else one line.
fn read_password(from_stdin: bool, lang: Lang) -> Result<String> {
    let stdin = std::io::stdin();
    if from_stdin || !stdin.is_terminal() {
        if !from_stdin {
            bail!(crate::ui::msg!(
                "標準入力が端末ではありません: パスワードを標準入力から読むには --password-stdin を指定してください",
                "standard input is not a terminal: pass --password-stdin to read the password from it"
            ));
        }
        let mut line = String::new();
        stdin.lock().read_line(&mut line).with_context(|| {
            crate::ui::msg!("標準入力からパスワードを読めません", "reading the password from standard input")
        })?;
        return Ok(line.trim_end_matches(['\r', '\n']).to_owned());
    }
    let ask = |prompt: &str| -> Result<String> {
        eprint!("{prompt}");
        std::io::stderr().flush()?;
        // No echo while typing (stty acts on the terminal that is our standard input).
        let quiet = std::process::Command::new("stty").arg("-echo").status().is_ok_and(|s| s.success());
        let mut line = String::new();
        let read = stdin.lock().read_line(&mut line);
        if quiet {
            let _ = std::process::Command::new("stty").arg("echo").status();
            eprintln!();
        }
        read.with_context(|| crate::ui::msg!("パスワードを読めません", "reading the password"))?;
        Ok(line.trim_end_matches(['\r', '\n']).to_owned())
    };
    let first = ask(t(lang, "パスワード: ", "Password: "))?;
    let again = ask(t(lang, "パスワード（確認）: ", "Password (again): "))?;
    if first != again {
        bail!("{}", t(lang, "パスワードが一致しません", "the passwords do not match"));
    }
    Ok(first)
}

/// Would disabling `target` leave no enabled admin (emergency accounts not counted)?
fn last_admin(db: &Db, target: &User) -> Result<bool> {
    if target.role != Role::Admin || target.disabled {
        return Ok(false);
    }
    let users = db.run(db.store.users())?;
    Ok(!users.iter().any(|u| u.id != target.id && u.role == Role::Admin && !u.disabled && !u.is_emergency))
}

pub fn run(db: &Db, cmd: &UserCmd, lang: Lang) -> Result<()> {
    let at = now();
    match cmd {
        UserCmd::List { json } => list(db, *json, lang),
        UserCmd::Create(a) => create(db, a, lang),
        UserCmd::Disable { username } => {
            let u = user(db, username)?;
            if last_admin(db, &u)? {
                bail!(
                    "{}",
                    t(
                        lang,
                        "有効な管理者が一人もいなくなるため無効にできません",
                        "this would leave no enabled admin; make another admin first"
                    )
                );
            }
            db.run(db.store.set_user_disabled(u.id, true, &db.actor, at))?;
            outln!("{}: {}", u.username, t(lang, "無効にし、セッションを終了しました", "disabled, sessions ended"));
            Ok(())
        }
        UserCmd::Enable { username } => {
            let u = user(db, username)?;
            db.run(db.store.set_user_disabled(u.id, false, &db.actor, at))?;
            outln!("{}: {}", u.username, t(lang, "有効にしました", "enabled"));
            Ok(())
        }
        UserCmd::Unlock { username } => {
            let u = user(db, username)?;
            db.run(db.store.unlock_user(u.id, &db.actor, at))?;
            outln!("{}: {}", u.username, t(lang, "ロックを解除しました", "unlocked"));
            Ok(())
        }
        UserCmd::ResetTotp { username } => {
            let u = user(db, username)?;
            db.run(db.store.reset_totp(u.id, &db.actor, at))?;
            outln!(
                "{}: {}",
                u.username,
                t(
                    lang,
                    "二要素認証と回復コードを初期化し、すべてのセッションを終了しました（次回ログイン時に再登録）",
                    "second factor and recovery codes cleared, every session ended (enrol again at the next login)"
                )
            );
            Ok(())
        }
        UserCmd::RevokeSessions { username } => {
            let u = user(db, username)?;
            let n = db.run(db.store.revoke_sessions_of(u.id, &db.actor, at))?;
            outln!("{}: {} {}", u.username, n, t(lang, "件のセッションを終了しました", "sessions ended"));
            Ok(())
        }
    }
}

fn list(db: &Db, json: bool, lang: Lang) -> Result<()> {
    let users = db.run(db.store.users())?;
    let at = now();
    let mut rows = Vec::new();
    for u in &users {
        let orgs: Vec<String> = db.run(db.store.organizations_of(u.id))?.into_iter().map(|o| o.name).collect();
        rows.push((u, orgs));
    }
    if json {
        let out: Vec<serde_json::Value> = rows
            .iter()
            .map(|(u, orgs)| {
                serde_json::json!({
                    "id": u.id.to_string(),
                    "username": u.username,
                    "display_name": u.display_name,
                    "role": u.role,
                    "organizations": orgs,
                    "totp_enabled": u.totp_enabled,
                    "locked_until": u.locked_until.filter(|_| u.is_locked(at)).map(|t| t.0),
                    "disabled": u.disabled,
                    "emergency": u.is_emergency,
                })
            })
            .collect();
        return print_json(&out);
    }
    let mut tbl = table(vec![
        t(lang, "ユーザー名", "username"),
        t(lang, "表示名", "name"),
        t(lang, "役割", "role"),
        t(lang, "所属組織", "organizations"),
        "TOTP",
        t(lang, "状態", "state"),
    ]);
    for (u, orgs) in &rows {
        let mut state = Vec::new();
        if u.disabled {
            state.push(t(lang, "無効", "disabled").to_owned());
        }
        if let Some(until) = u.locked_until.filter(|_| u.is_locked(at)) {
            state.push(format!("{} {}", t(lang, "ロック中〜", "locked until"), when(until)));
        }
        if u.is_emergency {
            state.push(t(lang, "非常時用", "emergency").to_owned());
        }
        tbl.add_row(vec![
            u.username.clone(),
            u.display_name.clone(),
            role_word(lang, u.role).to_owned(),
            orgs.join(", "),
            if u.totp_enabled { t(lang, "有効", "on") } else { t(lang, "未登録", "off") }.to_owned(),
            state.join(", "),
        ]);
    }
    outln!("{tbl}");
    Ok(())
}

fn create(db: &Db, a: &CreateArgs, lang: Lang) -> Result<()> {
    let username = a.username.trim();
    if username.is_empty() {
        bail!(crate::ui::msg!("ユーザー名を空にはできません", "username must not be empty"));
    }
    if db.run(db.store.user_by_username(username))?.is_some() {
        bail!(crate::ui::msg!("ユーザー名 {username:?} は使われています", "the username {username:?} is taken"));
    }
    let users = db.run(db.store.users())?;
    auth::check_new_username(username, users.iter().map(|u| u.username.as_str())).map_err(|v| {
        anyhow!("{}: {}", t(lang, "ユーザー名", "username"), if lang == Lang::Ja { v.ja() } else { v.en() })
    })?;
    let orgs: Vec<Id> = a.orgs.iter().map(|o| db.id(Kind::Organization, o)).collect::<Result<_>>()?;
    let password = read_password(a.password_stdin, lang)?;
    auth::check_password_policy(&password, username).map_err(|v| {
        anyhow!("{}: {}", t(lang, "パスワード", "password"), if lang == Lang::Ja { v.ja() } else { v.en() })
    })?;
    let hash = auth::hash_password(&password, &auth::PasswordParams::DEFAULT, &mut auth::random_bytes)
        .map_err(|e| anyhow!(crate::ui::msg!("パスワードをハッシュできません: {e}", "hashing the password: {e}")))?;
    let new = NewUser {
        username: username.to_owned(),
        display_name: a.display_name.as_deref().map(str::trim).filter(|d| !d.is_empty()).unwrap_or(username).to_owned(),
        password_hash: hash,
        role: a.role.into(),
        is_emergency: a.emergency,
    };
    let at = now();
    // The admin chose this password: the user chooses their own at the first login (not an
    // emergency account: its password is the admins' sealed one).
    let u = db.run(db.store.create_user_with(&new, !a.emergency, &db.actor, at))?;
    for org in orgs {
        db.run(db.store.add_membership(u.id, org, &db.actor, at))?;
    }
    if a.json {
        return print_json(&serde_json::json!({
            "id": u.id.to_string(), "username": u.username, "role": u.role, "disabled": u.disabled,
            "emergency": u.is_emergency,
        }));
    }
    outln!("{} {} ({})", t(lang, "作成しました:", "created:"), u.username, role_word(lang, u.role));
    if u.is_emergency {
        outln!(
            "{}",
            t(
                lang,
                "非常時用アカウントは無効の状態で作成されました。使うときは `sansho user enable` で有効にしてください。",
                "The emergency account was created disabled: `sansho user enable` makes it usable."
            )
        );
    }
    Ok(())
}

pub fn emergency(db: &Db, cmd: &EmergencyCmd, lang: Lang) -> Result<i32> {
    match cmd {
        EmergencyCmd::List { unacknowledged, json } => {
            let mut uses = db.run(db.store.emergency_uses(*unacknowledged))?;
            uses.reverse();
            if *json {
                print_json(&uses)?;
                return Ok(0);
            }
            let mut tbl = table(vec![
                "id",
                t(lang, "アカウント", "account"),
                t(lang, "日時", "when"),
                t(lang, "接続元", "source"),
                t(lang, "確認", "acknowledged"),
            ]);
            for u in &uses {
                let ack = match (&u.acknowledged_by, u.acknowledged_at) {
                    (Some(by), Some(at)) => format!("{by} {}", when(at)),
                    _ => t(lang, "未確認", "NOT YET").to_owned(),
                };
                tbl.add_row(vec![short(&u.id), u.username.clone(), when(u.used_at), u.source.clone(), ack]);
            }
            outln!("{tbl}");
            Ok(0)
        }
        EmergencyCmd::Acknowledge { id } => {
            let typed = id.trim().to_ascii_lowercase();
            let uses = db.run(db.store.emergency_uses(false))?;
            let matching: Vec<_> =
                uses.iter().filter(|u| typed.len() >= 4 && u.id.to_string().starts_with(&typed)).collect();
            let one = match matching.as_slice() {
                [one] => one,
                [] => bail!(crate::ui::msg!(
                    "{typed:?} で始まる非常時用アカウントの使用記録の ID はありません（sansho emergency list で一覧）",
                    "no emergency use id starts with {typed:?} (see `sansho emergency list`)"
                )),
                many => {
                    let ids = many.iter().map(|u| u.id.to_string()).collect::<Vec<_>>().join(", ");
                    bail!(crate::ui::msg!(
                        "{typed:?} で始まる非常時用アカウントの使用記録の ID が複数あります: {ids}",
                        "{typed:?} is the start of several emergency use ids: {ids}"
                    ))
                }
            };
            let done = db.run(db.store.acknowledge_emergency_use(one.id, None, &db.actor, now()))?;
            outln!(
                "{} {} ({} {})",
                t(lang, "確認しました:", "acknowledged:"),
                short(&done.id),
                done.username,
                when(done.used_at)
            );
            Ok(0)
        }
    }
}

//! `sansho evidence`: files (content-addressed, re-hashed on every read) and links that prove an
//! answer, with their effective and expiry dates.

use anyhow::{Context, Result, bail};
use sansho_app::evidence::EvidenceFields;
use sansho_core::CatalogSet;
use sansho_store::Kind;

use crate::args::{EvidenceCmd, Lang};
use crate::cmd::assessment::load;
use crate::db::{Db, requirement, today};
use crate::ui::{outln, print_json, t, table, tr};

pub fn run(db: &Db, set: &CatalogSet, cmd: &EvidenceCmd, lang: Lang) -> Result<i32> {
    match cmd {
        EvidenceCmd::Add { assessment, requirement: req, file, url, title, effective, expires, json } => {
            let l = load(db, set, assessment)?;
            let ix = requirement(set, &l.assessment.catalog_id, req)?;
            let file = match file {
                Some(path) => {
                    let content = std::fs::read(path)
                        .with_context(|| crate::errors::cannot(lang, crate::errors::Io::Read, path))?;
                    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
                    Some((name, content))
                }
                None if url.is_none() => {
                    bail!(tr!(lang, "--file か --url を指定してください", "give --file or --url"))
                }
                None => None,
            };
            let fields = EvidenceFields {
                file,
                url: url.clone(),
                title: title.clone(),
                effective: sansho_app::parse_date("effective", effective.as_deref())?,
                expiry: sansho_app::parse_date("expiry", expires.as_deref())?,
            };
            let e = db.run(sansho_app::evidence::add(&db.cx(set), &db.actor, &l, ix, fields))?;
            if *json {
                print_json(&e)?;
            } else {
                outln!("{}  {}", e.id, e.title);
            }
        }
        EvidenceCmd::Attach { evidence, assessment, requirement: req } => {
            let e = db.id(Kind::Evidence, evidence)?;
            let l = load(db, set, assessment)?;
            let ix = requirement(set, &l.assessment.catalog_id, req)?;
            db.run(sansho_app::evidence::attach(&db.cx(set), &db.actor, &l, ix, e))?;
            outln!("{}", t(lang, "エビデンスを紐付けました。", "Evidence attached."));
        }
        EvidenceCmd::List { assessment, json } => {
            let l = load(db, set, assessment)?;
            let list = db.run(db.store.evidence_of_assessment(l.assessment.id))?;
            if *json {
                let v: Vec<_> =
                    list.iter().map(|(r, e)| serde_json::json!({ "requirement": r, "evidence": e })).collect();
                print_json(&v)?;
                return Ok(0);
            }
            let today = today();
            let mut tbl = table(vec![
                t(lang, "項番", "Label"),
                t(lang, "表題", "Title"),
                t(lang, "ファイル / URL", "File / URL"),
                t(lang, "有効期間", "Valid"),
                "ID",
            ]);
            for (req, e) in &list {
                let label =
                    set.node(&l.assessment.catalog_id, req).map_or(req.clone(), |ix| set.requirement(ix).label.clone());
                let expired = e.expiry_date.as_ref().is_some_and(|d| d.as_str() < today.as_str());
                let valid = format!(
                    "{}〜{}{}",
                    e.effective_date,
                    e.expiry_date.as_ref().map(|d| d.to_string()).unwrap_or_default(),
                    if expired { t(lang, "（期限切れ）", " (expired)") } else { "" }
                );
                tbl.add_row(vec![
                    label,
                    e.title.clone(),
                    e.file_name.clone().or_else(|| e.url.clone()).unwrap_or_default(),
                    valid,
                    e.id.to_string(),
                ]);
            }
            outln!("{tbl}");
        }
        EvidenceCmd::Get { evidence, out } => {
            let id = db.id(Kind::Evidence, evidence)?;
            let content = db.run(db.store.read_evidence(id))?;
            std::fs::write(out, &content)
                .with_context(|| crate::errors::cannot(lang, crate::errors::Io::Write, out))?;
            outln!("{} ({} bytes, sha256 verified)", out.display(), content.len());
        }
        EvidenceCmd::Verify { json } => {
            let (files, found) = db.run(sansho_app::evidence::verify_all(&db.cx(set)))?;
            // JSON keeps the English words (a machine reads them); people read theirs.
            let problems: Vec<_> =
                found.iter().map(|(id, err)| (*id, err.to_string(), crate::errors::store(err, lang))).collect();
            if *json {
                let v: Vec<_> =
                    problems.iter().map(|(id, m, _)| serde_json::json!({ "evidence": id, "problem": m })).collect();
                print_json(&serde_json::json!({ "files": files, "problems": v }))?;
            } else {
                for (_, _, m) in &problems {
                    outln!("{m}");
                }
                match lang {
                    Lang::Ja => outln!("エビデンスファイル {files} 件を検証、問題 {} 件。", problems.len()),
                    Lang::En => outln!("Verified {files} evidence files: {} problems.", problems.len()),
                }
            }
            return Ok(if problems.is_empty() { 0 } else { 1 });
        }
    }
    Ok(0)
}

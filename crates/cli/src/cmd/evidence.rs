//! `sansho evidence`: files (content-addressed, re-hashed on every read) and links that prove an
//! answer, with their effective and expiry dates.

use anyhow::{Context, Result, anyhow, bail};
use sansho_core::CatalogSet;
use sansho_store::{EvidenceSource, Kind, NewEvidence, StoreError};

use crate::args::{EvidenceCmd, Lang};
use crate::cmd::assessment::load;
use crate::db::{Db, now, requirement, today};
use crate::ui::{outln, print_json, t, table, tr};

/// The stored answer to a requirement, which evidence is attached to.
fn answer_id(db: &Db, set: &CatalogSet, assessment: &str, req: &str) -> Result<sansho_store::Id> {
    let l = load(db, set, assessment)?;
    let ix = requirement(set, &l.assessment.catalog_id, req)?;
    let local = set.requirement(ix).id.as_str();
    l.stored.iter().find(|a| a.requirement_id == local).map(|a| a.id).ok_or_else(|| {
        let label = &set.requirement(ix).label;
        anyhow!(crate::ui::msg!(
            "{label} はこの評価でまだ回答されていません: 先に回答してください（sansho answer set）",
            "{label} is not answered yet in this assessment: answer it first (`sansho answer set`)"
        ))
    })
}

pub fn run(db: &Db, set: &CatalogSet, cmd: &EvidenceCmd, lang: Lang) -> Result<i32> {
    match cmd {
        EvidenceCmd::Add { assessment, requirement: req, file, url, title, effective, expires, json } => {
            let answer = answer_id(db, set, assessment, req)?;
            let (source, default_title) = match (file, url) {
                (Some(path), _) => {
                    let content = std::fs::read(path)
                        .with_context(|| crate::errors::cannot(lang, crate::errors::Io::Read, path))?;
                    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
                    (EvidenceSource::File { file_name: name.clone(), content }, name)
                }
                (None, Some(u)) => (EvidenceSource::Link { url: u.clone() }, u.clone()),
                (None, None) => bail!(tr!(lang, "--file か --url を指定してください", "give --file or --url")),
            };
            let new = NewEvidence {
                title: title.clone().unwrap_or(default_title),
                source,
                effective_date: effective.clone().unwrap_or_else(today).parse()?,
                expiry_date: expires.as_deref().map(str::parse).transpose()?,
                // Uploaded for this answer's organization.
                organization_id: Some(db.run(db.store.organization_of_answer(answer))?),
            };
            let e = db.run(db.store.add_evidence(&new, &db.actor, now()))?;
            db.run(db.store.attach_evidence(answer, e.id, &db.actor, now()))?;
            if *json {
                print_json(&e)?;
            } else {
                outln!("{}  {}", e.id, e.title);
            }
        }
        EvidenceCmd::Attach { evidence, assessment, requirement: req } => {
            let e = db.id(Kind::Evidence, evidence)?;
            let answer = answer_id(db, set, assessment, req)?;
            db.run(db.store.attach_evidence(answer, e, &db.actor, now()))?;
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
            let all = db.run(db.store.all_evidence())?;
            let mut problems = Vec::new();
            let mut files = 0;
            for e in all.iter().filter(|e| e.sha256.is_some()) {
                files += 1;
                match db.run(db.store.read_evidence(e.id)) {
                    Ok(_) => {}
                    Err(err @ (StoreError::EvidenceCorrupt { .. } | StoreError::EvidenceMissing { .. })) => {
                        // JSON keeps the English words (a machine reads them); people read theirs.
                        problems.push((e.id, err.to_string(), crate::errors::store(&err, lang)))
                    }
                    Err(err) => return Err(err.into()),
                }
            }
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

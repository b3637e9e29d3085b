//! `sansho audit`: verify the hash-chained audit log (exit 1 naming the first edited, reordered or
//! deleted record) and read its latest records.

use anyhow::Result;
use sansho_store::{AuditFilter, AuditProblem};

use crate::args::{AuditCmd, Lang};
use crate::db::{Db, when};
use crate::ui::{ellipsize, outln, print_json, t, table};

/// The problem in Japanese (the English wording is the store's).
fn ja(p: &AuditProblem) -> String {
    match p {
        AuditProblem::Edited { seq, .. } => {
            format!("記録 {seq} が改ざんされています（内容が保存されたハッシュと一致しません）")
        }
        AuditProblem::BrokenLink { seq, .. } => format!(
            "記録 {seq} の連結ハッシュが記録 {} と一致しません（記録 {} が差し替えられています）",
            seq - 1,
            seq - 1
        ),
        AuditProblem::Gap { seq, found } if found > seq && *found == seq + 1 => {
            format!("記録 {seq} が削除されています（次の記録は {found}）")
        }
        AuditProblem::Gap { seq, found } if found > seq => {
            format!("記録 {seq}〜{} が削除されています（次の記録は {found}）", found - 1)
        }
        AuditProblem::Gap { seq, found } => format!("記録 {seq} の位置に番号 {found} の記録があります"),
        AuditProblem::TailMissing { seq, head_seq } if seq == head_seq => {
            format!("末尾の記録 {seq} が削除されています（head は記録 {head_seq} を指しています）")
        }
        AuditProblem::TailMissing { seq, head_seq } => {
            format!("末尾の記録 {seq}〜{head_seq} が削除されています（head は記録 {head_seq} を指しています）")
        }
        AuditProblem::HeadMismatch { seq, head_seq, .. } => format!(
            "記録 {seq} が head（記録 {head_seq}）と一致しません（sansho を経由せずに追加・書き換えされています）"
        ),
        AuditProblem::HeadMissing => "head（最後の記録の番号とハッシュ）が削除されています".into(),
        AuditProblem::Unreadable { seq, detail } => format!("記録 {seq} を読めません: {detail}"),
    }
}

pub fn run(db: &Db, cmd: &AuditCmd, lang: Lang) -> Result<i32> {
    match cmd {
        AuditCmd::Verify { json } => {
            let report = db.run(db.store.verify_audit())?;
            if *json {
                print_json(&serde_json::json!({
                    "intact": report.is_intact(),
                    "records": report.records,
                    "head": report.head,
                    "problem": report.problem.as_ref().map(|p| {
                        let mut v = serde_json::to_value(p).unwrap_or_default();
                        if let Some(map) = v.as_object_mut() {
                            map.insert("message".into(), p.to_string().into());
                        }
                        v
                    }),
                }))?;
            } else {
                match (&report.problem, lang) {
                    (None, Lang::Ja) => {
                        outln!(
                            "監査ログは改ざんされていません: 記録 {} 件のハッシュチェーンと head が一致しました。",
                            report.records
                        )
                    }
                    (None, Lang::En) => {
                        outln!("Audit log intact: {} records; the hash chain and the head agree.", report.records)
                    }
                    (Some(p), Lang::Ja) => {
                        outln!("監査ログの改ざんを検出しました（記録 {} 件）: {}", report.records, ja(p));
                        outln!("  詳細: {p}");
                    }
                    (Some(p), Lang::En) => outln!("Audit log tampered with ({} records): {p}", report.records),
                }
                if let Some(head) = &report.head {
                    outln!("head: seq {} sha256 {}", head.seq, head.hash);
                    if report.is_intact() {
                        outln!(
                            "{}",
                            t(
                                lang,
                                "この head を控えておけば、後でログ全体が書き換えられても照合で検出できます。",
                                "Write this head down: it anchors the log against a later rewrite of the whole chain."
                            )
                        );
                    }
                }
            }
            Ok(if report.is_intact() { 0 } else { 1 })
        }
        AuditCmd::Log { limit, json } => {
            let records = db.run(db.store.audit_log(&AuditFilter { limit: *limit, ..AuditFilter::default() }))?;
            if *json {
                print_json(&records)?;
                return Ok(0);
            }
            let mut tbl = table(vec![
                "Seq",
                t(lang, "日時", "When"),
                t(lang, "実行者", "Actor"),
                t(lang, "接続元", "Source"),
                t(lang, "操作", "Action"),
                t(lang, "対象", "Entity"),
            ]);
            for r in &records {
                let entity = match &r.entity_id {
                    Some(id) => format!("{} {}", r.entity_kind, ellipsize(id, 9)),
                    None => r.entity_kind.clone(),
                };
                tbl.add_row(vec![
                    r.seq.to_string(),
                    when(r.at),
                    r.actor.clone(),
                    r.source.clone(),
                    r.action.clone(),
                    entity,
                ]);
            }
            outln!("{tbl}");
            Ok(0)
        }
    }
}

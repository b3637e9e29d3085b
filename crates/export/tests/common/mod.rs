//! The real data the export tests use: the bundled catalogs and the vendor's completed 第3版
//! checklist (`samples/vendor-003.answers.toml`), resolved as `sansho check` resolves it.

#![allow(dead_code)]

use std::collections::HashMap;

use sansho_catalog::{bundled_sources, load};
use sansho_core::CatalogSet;
use sansho_core::assess::{Answer, Derived, ResultCode};
use sansho_export::{EvidenceRef, ExportInput, Extra, Lang, Meta};
use sansho_import::answers::parse_answers;

pub const SAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../samples/vendor-003.answers.toml");

pub fn bundled() -> CatalogSet {
    load(&bundled_sources()).set.expect("bundled catalogs load")
}

/// The sample's answers, each resolved to its requirement (by id or printed label).
pub fn sample_answers(set: &CatalogSet) -> Vec<Answer> {
    let text = std::fs::read_to_string(SAMPLE).expect("the sample answers file");
    let file = parse_answers(SAMPLE, &text).expect("the sample parses");
    let catalog = file.catalog.expect("the sample names its catalog").0;
    file.answers
        .iter()
        .map(|e| {
            let ix = set.resolve(&catalog, &e.requirement).expect("every sample answer resolves");
            let reference = set.reference(ix);
            let mut a = match e.result {
                ResultCode::NotApplicable => {
                    Answer::not_applicable(reference, e.justification.clone().unwrap_or_default()).unwrap()
                }
                r => Answer::new(reference, r).unwrap(),
            };
            a.how = e.how.clone();
            if e.result != ResultCode::NotApplicable {
                a.justification = e.justification.clone();
            }
            a
        })
        .collect()
}

pub fn meta() -> Meta {
    Meta {
        organization: "サンプル事業者".into(),
        system: "医療情報クラウドサービス".into(),
        assessment_id: "A-0001".into(),
        status: "作成中".into(),
        exported_on: "2025-06-01".into(),
        baseline: None,
    }
}

/// What the store would add: an owner, a due date and evidence on a few requirements.
pub fn extra() -> HashMap<String, Extra> {
    let mut m = HashMap::new();
    m.insert(
        "org-1".to_owned(),
        Extra {
            owner: Some("情報システム部 山田".into()),
            due: None,
            evidence: vec![EvidenceRef {
                title: "システム管理規程 第3版".into(),
                file_name: Some("system-kanri-kitei.pdf".into()),
                sha256: Some("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08".into()),
                url: None,
                effective: "2024-04-01".into(),
                expiry: Some("2026-03-31".into()),
            }],
        },
    );
    m.insert(
        "tech-8-1".to_owned(),
        Extra { owner: Some("基盤チーム".into()), due: Some("2025-09-30".into()), evidence: vec![] },
    );
    m
}

pub fn input<'a>(derived: &'a Derived<'a>, catalog: &'a str, lang: Lang, include_derived: bool) -> ExportInput<'a> {
    ExportInput { derived, catalog, meta: meta(), extra: extra(), lang, include_derived }
}

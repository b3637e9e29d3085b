//! `sansho sample load`: the bundled sample, a vendor's completed 第3版 checklist (seed 003), as
//! an organization, a system and an assessment, so a new user sees real data at once.

use anyhow::Result;
use sansho_core::CatalogSet;
use sansho_import::answers::parse_answers;
use sansho_store::{AnswerInput, NewOrganization, NewSystem, OrgKind, ServiceModel, VendorPosition};

use crate::args::Lang;
use crate::cmd::assessment::progress;
use crate::db::{Db, now, short};
use crate::ui::{outln, print_json, t};

/// The sample answers file, as `sansho catalog build` writes it.
const SAMPLE: &str = include_str!("../../../../samples/vendor-003.answers.toml");
const SAMPLE_NAME: &str = "samples/vendor-003.answers.toml";

pub const ORG_NAME: &str = "サンプル事業者（出典003）";
pub const SYSTEM_NAME: &str = "出典003の医療情報システム";
/// Grounded in the sample's own answers (技術的安全対策 3 and 4): its servers and clients are not
/// connected to outside networks.
const SYSTEM_DESCRIPTION: &str = "出典003（ある事業者が記入済みの厚労省GL 第3版 最低限のガイドライン遵守チェックリスト）の回答から作成したサンプル。\
回答によれば、個人情報が保管されているサーバー・クライアントは外部ネットワークと接続されていない（オンプレミス）。";

pub fn load(db: &Db, set: &CatalogSet, json: bool, lang: Lang) -> Result<()> {
    let file = parse_answers(SAMPLE_NAME, SAMPLE)?;
    let catalog = file.catalog.as_ref().map(|(c, _)| c.clone()).unwrap_or_else(|| "mhlw-3-checklist".into());
    let mut inputs = Vec::new();
    for e in &file.answers {
        let ix = set.resolve(&catalog, &e.requirement)?;
        let mut a = sansho_core::assess::Answer::new(set.reference(ix), e.result)?;
        a.how = e.how.clone();
        let mut input = AnswerInput::from_domain(set, ix, &a, sansho_store::Origin::Import)?;
        input.origin = Some(
            serde_json::json!({ "kind": sansho_store::Origin::Sample.as_str(), "file": SAMPLE_NAME, "line": e.at.line }),
        );
        inputs.push(input);
    }
    let now = now();
    let org = NewOrganization {
        name: ORG_NAME.into(),
        kind: OrgKind::Vendor,
        // The seed does not say; a vendor filling in the MHLW checklist for its customers.
        vendor_position: Some(VendorPosition::DirectContract),
    };
    let system = NewSystem {
        organization_id: sansho_store::Id::from_u128(0), // the new organization's: set by the store
        name: SYSTEM_NAME.into(),
        service_model: ServiceModel::OnPremises,
        description: SYSTEM_DESCRIPTION.into(),
    };
    let bar = progress(inputs.len(), t(lang, "サンプル読込", "Loading the sample"));
    let pause = crate::cmd::assessment::import_pause();
    // One transaction: a failure (a full disk) leaves no organization or system behind.
    let created = db.run(db.store.create_organization_with_assessment(
        &org,
        &system,
        &catalog,
        inputs,
        &db.actor,
        now,
        &mut |n| {
            bar.set_position(n as u64);
            if let Some(p) = pause {
                eprintln!("sansho: answer {n} written, transaction open");
                std::thread::sleep(p);
            }
        },
    ));
    bar.finish_and_clear();
    let (org, system, assessment, summary) = created?;
    if json {
        return print_json(&serde_json::json!({
            "organization": org, "system": system, "assessment": assessment, "answers": summary.created,
        }));
    }
    outln!("{}", assessment.id);
    match lang {
        Lang::Ja => {
            outln!(
                "サンプルを読み込みました: {}／{}／{catalog} の評価（回答 {} 件）。",
                org.name,
                system.name,
                summary.created
            );
            outln!(
                "次に: sansho assessment show {}   sansho gaps {}   sansho gaps {} --catalog mhlw-5",
                short(&assessment.id),
                short(&assessment.id),
                short(&assessment.id)
            );
        }
        Lang::En => {
            outln!(
                "Loaded the sample: {} / {} / an assessment of {catalog} ({} answers).",
                org.name,
                system.name,
                summary.created
            );
            outln!(
                "Next: sansho assessment show {}   sansho gaps {}   sansho gaps {} --catalog mhlw-5",
                short(&assessment.id),
                short(&assessment.id),
                short(&assessment.id)
            );
        }
    }
    Ok(())
}

//! `sansho org` and `sansho system`: who is assessed, and what.

use anyhow::Result;
use sansho_core::CatalogSet;
use sansho_store::{Kind, NewOrganization, NewSystem, OrgKind, Organization, ServiceModel, System, VendorPosition};

use crate::args::{Lang, OrgCmd, OrgKindArg, PositionArg, ServiceModelArg, SystemCmd};
use crate::db::{Db, short, when};
use crate::ui::{outln, print_json, t, table};

pub fn kind_word(lang: Lang, k: OrgKind) -> &'static str {
    match k {
        OrgKind::MedicalInstitution => t(lang, "医療機関等", "medical institution"),
        OrgKind::Vendor => t(lang, "対象事業者", "vendor"),
    }
}

fn position_word(lang: Lang, p: VendorPosition) -> &'static str {
    match p {
        VendorPosition::DirectContract => t(lang, "医療機関等と直接契約", "direct contract"),
        VendorPosition::SupplyChain => t(lang, "サプライチェーン上の事業者", "supply-chain supplier"),
        VendorPosition::Type3 => t(lang, "第三類型（患者の指示による受領）", "type 3 (on a patient's instruction)"),
    }
}

pub fn model_word(m: ServiceModel) -> &'static str {
    match m {
        ServiceModel::OnPremises => "オンプレミス",
        ServiceModel::Iaas => "IaaS",
        ServiceModel::Paas => "PaaS",
        ServiceModel::Saas => "SaaS",
    }
}

fn print_org(o: &Organization, lang: Lang) {
    let position = o.vendor_position.map(|p| format!(" — {}", position_word(lang, p))).unwrap_or_default();
    outln!("{}  {} [{}{position}]", o.id, o.name, kind_word(lang, o.kind));
}

fn print_system(s: &System, lang: Lang) {
    outln!("{}  {} [{}]", s.id, s.name, model_word(s.service_model));
    if !s.description.is_empty() {
        outln!("  {}: {}", t(lang, "説明", "Description"), s.description);
    }
}

pub fn org(db: &Db, set: &CatalogSet, cmd: &OrgCmd, lang: Lang) -> Result<()> {
    match cmd {
        OrgCmd::Add { name, kind, position, json } => {
            let new = NewOrganization {
                name: name.clone(),
                kind: match kind {
                    OrgKindArg::MedicalInstitution => OrgKind::MedicalInstitution,
                    OrgKindArg::Vendor => OrgKind::Vendor,
                },
                vendor_position: position.map(|p| match p {
                    PositionArg::DirectContract => VendorPosition::DirectContract,
                    PositionArg::SupplyChain => VendorPosition::SupplyChain,
                    PositionArg::Type3 => VendorPosition::Type3,
                }),
            };
            let o = db.run(sansho_app::orgs::create_organization(&db.cx(set), &db.actor, new))?;
            if *json {
                return print_json(&o);
            }
            print_org(&o, lang);
        }
        OrgCmd::List { json } => {
            let orgs = db.run(db.store.organizations())?;
            if *json {
                return print_json(&orgs);
            }
            if orgs.is_empty() {
                outln!(
                    "{}",
                    t(
                        lang,
                        "組織はまだありません（sansho org add / sansho sample load）。",
                        "No organizations yet (sansho org add / sansho sample load)."
                    )
                );
            }
            let mut tbl =
                table(vec!["ID", t(lang, "名称", "Name"), t(lang, "種別", "Kind"), t(lang, "立場", "Position")]);
            for o in &orgs {
                tbl.add_row(vec![
                    short(&o.id),
                    o.name.clone(),
                    kind_word(lang, o.kind).to_owned(),
                    o.vendor_position.map(|p| position_word(lang, p)).unwrap_or("—").to_owned(),
                ]);
            }
            if !orgs.is_empty() {
                outln!("{tbl}");
            }
        }
    }
    Ok(())
}

pub fn system(db: &Db, set: &CatalogSet, cmd: &SystemCmd, lang: Lang) -> Result<()> {
    match cmd {
        SystemCmd::Add { name, org, model, description, json } => {
            let organization_id = db.id(Kind::Organization, org)?;
            let new = NewSystem {
                organization_id,
                name: name.clone(),
                service_model: match model {
                    ServiceModelArg::OnPremises => ServiceModel::OnPremises,
                    ServiceModelArg::Iaas => ServiceModel::Iaas,
                    ServiceModelArg::Paas => ServiceModel::Paas,
                    ServiceModelArg::Saas => ServiceModel::Saas,
                },
                description: description.clone(),
            };
            let s = db.run(sansho_app::orgs::create_system(&db.cx(set), &db.actor, new))?;
            if *json {
                return print_json(&s);
            }
            print_system(&s, lang);
        }
        SystemCmd::List { org, json } => {
            let systems = match org {
                Some(o) => {
                    let id = db.id(Kind::Organization, o)?;
                    db.run(db.store.systems(id))?
                }
                None => db.run(db.store.all_systems())?,
            };
            if *json {
                return print_json(&systems);
            }
            let mut tbl = table(vec![
                "ID",
                t(lang, "名称", "Name"),
                t(lang, "提供形態", "Service model"),
                t(lang, "組織", "Organization"),
                t(lang, "登録", "Created"),
            ]);
            for s in &systems {
                let o = db.run(db.store.organization(s.organization_id))?;
                tbl.add_row(vec![
                    short(&s.id),
                    s.name.clone(),
                    model_word(s.service_model).to_owned(),
                    o.name,
                    when(s.created_at),
                ]);
            }
            outln!("{tbl}");
        }
    }
    Ok(())
}

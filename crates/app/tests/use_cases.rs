//! The use cases on the bundled catalogs and a real (in-memory) store: what each checks, what it
//! writes, and what it refuses — the rules the CLI and the web both get from here.

use sansho_app::answers::{Accept, AnswerFields, Unset};
use sansho_app::assessment::{Loaded, Start};
use sansho_app::evidence::EvidenceFields;
use sansho_app::import::{Change, FileAnswers};
use sansho_app::{AppError, Class, Ctx};
use sansho_core::CatalogSet;
use sansho_store::{
    Actor, AnswerInput, AnswerResult, AssessmentStatus, Id, NewOrganization, NewSystem, OrgKind, SequentialIds,
    ServiceModel, Store, Timestamp,
};

struct Env {
    set: CatalogSet,
    store: Store,
    actor: Actor,
    system: Id,
}

impl Env {
    async fn new() -> Env {
        let set = sansho_catalog::load(&sansho_catalog::bundled_sources()).set.unwrap();
        let store = Store::open_in_memory().await.unwrap().with_ids(SequentialIds::default());
        let actor = Actor::cli("tester");
        let now = Timestamp(1_760_000_000_000);
        let org = store
            .create_organization(
                &NewOrganization { name: "病院".into(), kind: OrgKind::MedicalInstitution, vendor_position: None },
                &actor,
                now,
            )
            .await
            .unwrap();
        let system = store
            .create_system(
                &NewSystem {
                    organization_id: org.id,
                    name: "電子カルテ".into(),
                    service_model: ServiceModel::OnPremises,
                    description: String::new(),
                },
                &actor,
                now,
            )
            .await
            .unwrap();
        Env { set, store, actor, system: system.id }
    }

    fn cx(&self) -> Ctx<'_> {
        Ctx {
            set: &self.set,
            store: &self.store,
            now: Timestamp(1_760_000_001_000),
            today: "2026-06-01".parse().unwrap(),
        }
    }

    async fn start(&self, catalog: &str, baseline: Option<Id>) -> Result<Loaded, AppError> {
        let cx = self.cx();
        let start = Start { system: self.system, catalog, name: None, baseline, owner: None };
        let a = sansho_app::assessment::start(&cx, &self.actor, start).await?;
        sansho_app::assessment::load(&cx, a.id).await
    }

    async fn reload(&self, a: &Loaded) -> Loaded {
        sansho_app::assessment::load(&self.cx(), a.assessment.id).await.unwrap()
    }

    fn ix(&self, a: &Loaded, typed: &str) -> sansho_core::set::NodeIx {
        self.set.resolve(&a.assessment.catalog_id, typed).unwrap()
    }

    async fn audit_len(&self) -> i64 {
        self.store.audit_seq().await.unwrap()
    }
}

fn fields(result: AnswerResult) -> AnswerFields {
    AnswerFields { result, how: None, justification: None, owner: None, due: None }
}

#[tokio::test]
async fn starting_refuses_unknown_and_outline_catalogs_and_a_baseline_from_elsewhere() {
    let env = Env::new().await;
    let before = env.audit_len().await;
    let e = env.start("no-such-catalog", None).await.err().unwrap();
    assert!(matches!(e, AppError::UnknownCatalog { field: "catalog_id", .. }), "{e:?}");
    assert_eq!(e.class(), Class::Invalid);
    let e = env.start("mhlw-6", None).await.err().unwrap();
    assert!(matches!(e, AppError::Outline { .. }), "{e:?}");
    assert!(e.message(sansho_core::Lang::Ja).contains("アウトライン"), "{}", e.message(sansho_core::Lang::Ja));
    assert_eq!(env.audit_len().await, before, "a refused start writes nothing");

    let first = env.start("mhlw-3-checklist", None).await.unwrap();
    let e = env.start("mhlw-5", Some(first.assessment.id)).await.err().unwrap();
    assert!(matches!(e, AppError::BaselineCatalog { .. }), "{e:?}");
    assert_eq!(e.field(), Some("baseline_id"));
    let e = env.start("mhlw-3-checklist", Some(Id::from_u128(999))).await.err().unwrap();
    assert!(matches!(e, AppError::BaselineElsewhere { .. }), "{e:?}");
    let second = env.start("mhlw-3-checklist", Some(first.assessment.id)).await.unwrap();
    assert_eq!(second.assessment.baseline_id, Some(first.assessment.id));
}

#[tokio::test]
async fn an_assessment_of_a_catalog_no_longer_loaded_is_refused_on_opening() {
    let env = Env::new().await;
    let a = env.start("mhlw-3-checklist", None).await.unwrap();
    let only_mhlw5: Vec<_> =
        sansho_catalog::bundled_sources().into_iter().filter(|f| !f.name.contains("mhlw-3-checklist")).collect();
    let smaller = sansho_catalog::load(&only_mhlw5).set.unwrap();
    assert!(smaller.catalog("mhlw-3-checklist").is_none());
    let cx = Ctx { set: &smaller, ..env.cx() };
    let e = sansho_app::assessment::load(&cx, a.assessment.id).await.err().unwrap();
    assert!(matches!(e, AppError::CatalogNotLoaded { .. }), "{e:?}");
    assert_eq!(e.class(), Class::Conflict);
}

#[tokio::test]
async fn saving_an_answer_checks_headings_and_reasons_and_keeps_or_clears_what_is_not_given() {
    let env = Env::new().await;
    let a = env.start("mhlw-5", None).await.unwrap();
    let cx = env.cx();
    // A heading (a node with items under it) is not answered itself.
    let heading = env
        .set
        .catalog_nodes("mhlw-5")
        .into_iter()
        .find(|&ix| !sansho_core::assess::is_requirement(&env.set, ix))
        .unwrap();
    let e = sansho_app::answers::save(&cx, &env.actor, &a, heading, fields(AnswerResult::Implemented), Unset::Clear)
        .await
        .err()
        .unwrap();
    assert!(matches!(e, AppError::Heading { .. }), "{e:?}");
    let leaf = env
        .set
        .catalog_nodes("mhlw-5")
        .into_iter()
        .find(|&ix| sansho_core::assess::is_requirement(&env.set, ix))
        .unwrap();
    let e = sansho_app::answers::save(&cx, &env.actor, &a, leaf, fields(AnswerResult::NotApplicable), Unset::Clear)
        .await
        .err()
        .unwrap();
    assert!(matches!(e, AppError::JustificationRequired { .. }), "{e:?}");
    assert!(e.message(sansho_core::Lang::Ja).contains("該当なしには理由"));

    let full = AnswerFields {
        result: AnswerResult::Partial,
        how: Some("  規程あり  ".into()),
        justification: None,
        owner: Some("情報システム課".into()),
        due: Some("2026-09-30".parse().unwrap()),
    };
    let saved = sansho_app::answers::save(&cx, &env.actor, &a, leaf, full, Unset::Clear).await.unwrap();
    assert_eq!(saved.how, "規程あり");
    // The command line changes only what it is given …
    let a = env.reload(&a).await;
    let kept = sansho_app::answers::save(&cx, &env.actor, &a, leaf, fields(AnswerResult::Implemented), Unset::Keep)
        .await
        .unwrap();
    assert_eq!(kept.result, AnswerResult::Implemented);
    assert_eq!((kept.how.as_str(), kept.owner.as_deref()), ("規程あり", Some("情報システム課")));
    assert_eq!(kept.due_date.as_ref().map(|d| d.as_str()), Some("2026-09-30"));
    // … a form shows every field, so an empty one was emptied.
    let a = env.reload(&a).await;
    let cleared = sansho_app::answers::save(&cx, &env.actor, &a, leaf, fields(AnswerResult::Implemented), Unset::Clear)
        .await
        .unwrap();
    assert_eq!((cleared.how.as_str(), cleared.owner.as_deref(), cleared.due_date), ("", None, None));
}

#[tokio::test]
async fn a_final_assessment_refuses_writes_and_only_its_owner_or_an_admin_reopens_it() {
    let env = Env::new().await;
    let a = env.start("mhlw-3-checklist", None).await.unwrap();
    let cx = env.cx();
    let fin =
        sansho_app::assessment::set_status(&cx, &env.actor, &a.assessment, AssessmentStatus::Final).await.unwrap();
    let a = env.reload(&a).await;
    let ix = env.ix(&a, "org-1");
    let e = sansho_app::answers::save(&cx, &env.actor, &a, ix, fields(AnswerResult::Implemented), Unset::Clear)
        .await
        .err()
        .unwrap();
    assert_eq!(e.class(), Class::Conflict, "{e:?}");
    let e = sansho_app::assessment::reopen(&cx, &env.actor, &fin, "  ", None).await.err().unwrap();
    assert_eq!(e.class(), Class::Invalid, "a blank reason: {e:?}");
    let reopened = sansho_app::assessment::reopen(&cx, &env.actor, &fin, "記載漏れの修正", None).await.unwrap();
    assert_eq!(reopened.status, AssessmentStatus::Draft);
    let e = sansho_app::assessment::reopen(&cx, &env.actor, &reopened, "again", None).await.err().unwrap();
    assert_eq!(e.class(), Class::Conflict, "not final: {e:?}");
}

#[tokio::test]
async fn a_suggestion_is_accepted_with_its_origin_and_never_over_an_answer() {
    let env = Env::new().await;
    let a = env.start("mhlw-3-checklist", None).await.unwrap();
    let cx = env.cx();
    let e = sansho_app::answers::accept(&cx, &env.actor, &a, Accept::These(&[])).await.err().unwrap();
    assert!(matches!(e, AppError::NothingToAccept));
    let org1 = env.ix(&a, "org-1");
    sansho_app::answers::save(&cx, &env.actor, &a, org1, fields(AnswerResult::Implemented), Unset::Clear)
        .await
        .unwrap();
    let a = env.reload(&a).await;
    let e = sansho_app::answers::accept(&cx, &env.actor, &a, Accept::These(&[org1])).await.err().unwrap();
    assert!(matches!(e, AppError::SuggestionOverAnswer { .. }), "{e:?}");
    assert_eq!(e.class(), Class::Conflict);
    // With nothing answered elsewhere there may be no suggestion at all: `All` then takes none.
    let taken = sansho_app::answers::accept(&cx, &env.actor, &a, Accept::All { firm: false }).await.unwrap();
    for ix in &taken {
        let stored =
            env.store.answer_for(a.assessment.id, env.set.requirement(*ix).id.as_str()).await.unwrap().unwrap();
        assert_eq!(stored.origin.as_ref().and_then(sansho_store::Origin::of), Some(sansho_store::Origin::Derived));
    }
    let again =
        sansho_app::answers::accept(&cx, &env.actor, &env.reload(&a).await, Accept::All { firm: false }).await.unwrap();
    assert!(again.is_empty(), "a second run finds nothing more: {again:?}");
}

#[tokio::test]
async fn an_import_is_planned_without_writing_then_applied_in_one_go() {
    let env = Env::new().await;
    let a = env.start("mhlw-3-checklist", None).await.unwrap();
    let cx = env.cx();
    let org1 = env.ix(&a, "org-1");
    let mut owner = fields(AnswerResult::Implemented);
    owner.owner = Some("事務部".into());
    owner.how = Some("規程を整備".into());
    sansho_app::answers::save(&cx, &env.actor, &a, org1, owner, Unset::Clear).await.unwrap();
    let a = env.reload(&a).await;
    let row = |id: &str, r: AnswerResult, how: &str| {
        let mut i = AnswerInput::new(id, r);
        i.how = how.into();
        i.origin = Some(sansho_app::import::origin("回答.xlsx", Some("回答!E5".into())));
        i
    };
    let file = || FileAnswers {
        inputs: vec![
            row("org-1", AnswerResult::Implemented, "規程を整備"),
            row("org-2", AnswerResult::Partial, "一部"),
        ],
        ..FileAnswers::default()
    };
    let before = env.audit_len().await;
    let plan = sansho_app::import::plan(&a, file());
    let c = plan.counts();
    assert_eq!((c.answers, c.new, c.changed, c.unchanged), (2, 1, 0, 1));
    // The file has no owner column: the stored owner is kept, so org-1 is unchanged.
    assert_eq!(plan.items[0].change, Change::Unchanged);
    assert_eq!(plan.items[0].input.owner.as_deref(), Some("事務部"));
    assert_eq!(env.audit_len().await, before, "a plan writes nothing");
    let summary = sansho_app::import::apply(&cx, &env.actor, &a, plan, &mut |_| {}).await.unwrap();
    assert_eq!((summary.created, summary.updated, summary.unchanged), (1, 0, 1));
    assert_eq!(env.audit_len().await, before + 1, "one record per created answer");
    let a = env.reload(&a).await;
    let mut changed = file();
    changed.inputs[1].result = AnswerResult::Implemented;
    let c = sansho_app::import::plan(&a, changed).counts();
    assert_eq!((c.new, c.changed, c.unchanged), (0, 1, 1));
}

#[tokio::test]
async fn evidence_needs_an_answer_and_a_file_or_an_http_link() {
    let env = Env::new().await;
    let a = env.start("mhlw-3-checklist", None).await.unwrap();
    let cx = env.cx();
    let org1 = env.ix(&a, "org-1");
    let link = |url: &str| EvidenceFields { url: Some(url.into()), ..EvidenceFields::default() };
    let e =
        sansho_app::evidence::add(&cx, &env.actor, &a, org1, link("https://example.jp/規程.pdf")).await.err().unwrap();
    assert!(matches!(e, AppError::NoAnswerYet { .. }), "{e:?}");
    sansho_app::answers::save(&cx, &env.actor, &a, org1, fields(AnswerResult::Implemented), Unset::Clear)
        .await
        .unwrap();
    let a = env.reload(&a).await;
    for bad in ["javascript:alert(1)", "file:///etc/passwd", "https://", "https://a b"] {
        let e = sansho_app::evidence::add(&cx, &env.actor, &a, org1, link(bad)).await.err().unwrap();
        assert!(matches!(e, AppError::EvidenceSource), "{bad}: {e:?}");
    }
    let empty = EvidenceFields { file: Some(("空.pdf".into(), Vec::new())), ..EvidenceFields::default() };
    assert!(matches!(sansho_app::evidence::add(&cx, &env.actor, &a, org1, empty).await, Err(AppError::EvidenceSource)));
    let e = sansho_app::evidence::add(&cx, &env.actor, &a, org1, link("https://example.jp/規程.pdf")).await.unwrap();
    assert_eq!(e.effective_date.as_str(), "2026-06-01", "today by default");
    assert!(matches!(sansho_app::evidence::bytes(&cx, &e).await, Err(AppError::EvidenceIsLink { .. })));
    assert_eq!(
        sansho_app::parse_date("expiry", Some("2026-13-45")).err().unwrap().class(),
        Class::Invalid,
        "a date is parsed once, at the edge"
    );
}

#[test]
fn an_answers_file_is_resolved_with_every_problem_at_its_line_in_both_languages() {
    let set = sansho_catalog::load(&sansho_catalog::bundled_sources()).set.unwrap();
    let good = "catalog = \"mhlw-3-checklist\"\n\n[[answer]]\nrequirement = \"org-1\"\nresult = \"実施済\"\nhow = \"規程あり\"\n";
    let (catalog, answers) = sansho_app::answers_file::resolve(&set, "a.toml", good.as_bytes(), None).unwrap();
    assert_eq!((catalog.as_str(), answers.len()), ("mhlw-3-checklist", 1));
    assert_eq!(answers[0].how.as_deref(), Some("規程あり"));

    let text = |e: AppError, lang| e.message(lang);
    let other = sansho_app::answers_file::resolve(&set, "a.toml", good.as_bytes(), Some("mhlw-5")).err().unwrap();
    assert_eq!(other.class(), Class::Invalid);
    let ja = text(other, sansho_core::Lang::Ja);
    assert!(ja.starts_with("a.toml:1:") && ja.contains("カタログが違います"), "{ja}");

    let twice = format!("{good}\n[[answer]]\nrequirement = \"org-1\"\nresult = \"未実施\"\n");
    let e = sansho_app::answers_file::resolve(&set, "a.toml", twice.as_bytes(), None).err().unwrap();
    let en = text(e, sansho_core::Lang::En);
    assert!(en.contains("a.toml:9:") && en.contains("answered twice, on lines 4 and 9"), "{en}");

    let unknown = good.replace("org-1", "存在しない項目 99");
    let e = sansho_app::answers_file::resolve(&set, "a.toml", unknown.as_bytes(), None).err().unwrap();
    let ja = text(e, sansho_core::Lang::Ja);
    assert!(ja.starts_with("a.toml:4:") && ja.contains("存在しない項目 99") && ja.contains("ありません"), "{ja}");
}

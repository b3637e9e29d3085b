//! NIST SP 800-53 rev5 and the OSCAL example catalog: complete import (counts checked against the
//! files, walked here independently), lossless round trips, profile resolution.

use std::collections::BTreeSet;

use sansho_core::{Catalog, CatalogId};
use sansho_oscal::{export_catalog, import_catalog, import_document, to_json};
use serde_json::Value;

const MODERATE: &str = "NIST_SP-800-53_rev5_MODERATE-baseline-resolved-profile_catalog.json";
const HIGH: &str = "NIST_SP-800-53_rev5_HIGH-baseline-resolved-profile_catalog-min.json";
const PROFILE: &str = "NIST_SP-800-53_rev5_MODERATE-baseline_profile.json";
const BASIC: &str = "basic-catalog.json";

fn data(name: &str) -> Vec<u8> {
    std::fs::read(format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

fn id(s: &str) -> CatalogId {
    CatalogId::parse(s).unwrap()
}

/// Counts walked over the raw JSON: groups, top controls, enhancements, parts, params.
#[derive(Debug, Default, PartialEq)]
struct Raw {
    groups: usize,
    controls: usize,
    enhancements: usize,
    parts: usize,
    params: usize,
}

fn arr<'a>(v: &'a Value, k: &str) -> &'a [Value] {
    v.get(k).and_then(Value::as_array).map(Vec::as_slice).unwrap_or(&[])
}

fn walk_parts(v: &Value, n: &mut Raw) {
    for p in arr(v, "parts") {
        n.parts += 1;
        walk_parts(p, n);
    }
}

fn walk_control(c: &Value, nested: bool, n: &mut Raw) {
    if nested {
        n.enhancements += 1
    } else {
        n.controls += 1
    }
    n.params += arr(c, "params").len();
    walk_parts(c, n);
    for k in arr(c, "controls") {
        walk_control(k, true, n);
    }
}

fn walk_group(g: &Value, n: &mut Raw) {
    n.groups += 1;
    n.params += arr(g, "params").len();
    walk_parts(g, n);
    for k in arr(g, "groups") {
        walk_group(k, n);
    }
    for c in arr(g, "controls") {
        walk_control(c, false, n);
    }
}

fn raw_counts(bytes: &[u8]) -> Raw {
    let v: Value = serde_json::from_slice(bytes).unwrap();
    let c = &v["catalog"];
    let mut n = Raw { params: arr(c, "params").len(), ..Raw::default() };
    for g in arr(c, "groups") {
        walk_group(g, &mut n);
    }
    for k in arr(c, "controls") {
        walk_control(k, false, &mut n);
    }
    n
}

/// What the sansho catalog holds: nodes by kind of OSCAL object, parts and params kept.
fn held(c: &Catalog) -> Raw {
    fn parts(p: &[sansho_core::ext::Part]) -> usize {
        p.iter().map(|x| 1 + parts(&x.parts)).sum()
    }
    let mut n =
        Raw { params: c.ext.as_ref().and_then(|e| e.root.as_ref()).map_or(0, |r| r.params.len()), ..Raw::default() };
    for r in &c.requirements {
        let e = r.ext.as_ref().expect("every imported node keeps its OSCAL object");
        if e.group {
            n.groups += 1;
        } else if r.kind == sansho_core::NodeKind::SubItem {
            n.enhancements += 1;
        } else {
            n.controls += 1;
        }
        n.parts += parts(&e.parts);
        n.params += e.params.len();
    }
    n
}

/// The catalog less what says where it was read from: its source file and the nodes' lines in it.
fn without_sources(mut c: Catalog) -> Catalog {
    c.sources.clear();
    for r in &mut c.requirements {
        r.provenance.clear();
    }
    c
}

fn check_complete_and_lossless(file: &str, expect: Option<Raw>) {
    let bytes = data(file);
    let raw = raw_counts(&bytes);
    if let Some(e) = expect {
        assert_eq!(raw, e, "{file}: the walk of the file");
    }
    let imported = import_catalog(&bytes, id("nist"), file).unwrap();
    let c = &imported.catalog;
    assert_eq!(held(c), raw, "{file}: what the sansho catalog holds");
    let counts = imported.counts;
    assert_eq!(
        (counts.groups, counts.controls, counts.enhancements, counts.parts, counts.params),
        (raw.groups, raw.controls, raw.enhancements, raw.parts, raw.params),
        "{file}: the import's own counts"
    );
    assert_eq!(c.requirements.len(), raw.groups + raw.controls + raw.enhancements);

    // Export, and compare with the file: the tree, the back matter and the metadata are the same.
    let exported = serde_json::to_value(export_catalog(c)).unwrap();
    let original: Value = serde_json::from_slice(&bytes).unwrap();
    for k in ["uuid", "groups", "controls", "params", "back-matter", "metadata"] {
        assert_eq!(exported["catalog"].get(k), original["catalog"].get(k), "{file}: /catalog/{k} after export");
    }
    // Import → export → import: the same catalog, the same bytes.
    let bytes2 = to_json(&export_catalog(c));
    let again = import_catalog(&bytes2, id("nist"), "again.json").unwrap();
    let (a, b) = (without_sources(again.catalog.clone()), without_sources(c.clone()));
    for (x, y) in a.requirements.iter().zip(&b.requirements) {
        assert!(x == y, "{file}: node {} differs after a round trip", y.id);
    }
    let (ea, eb) = (a.ext.as_ref().unwrap(), b.ext.as_ref().unwrap());
    assert_eq!(ea.uuid, eb.uuid);
    assert!(
        ea.metadata == eb.metadata,
        "{file}: metadata {:?} vs {:?}",
        &ea.metadata.as_ref().unwrap()[..300],
        &eb.metadata.as_ref().unwrap()[..300]
    );
    assert!(ea.back_matter == eb.back_matter, "{file}: back matter differs");
    assert!(a.requirements.len() == b.requirements.len() && a.ext == b.ext, "{file}: catalog ext differs");
    assert!(a == b, "{file}: the catalog head differs after a round trip");
    assert_eq!(to_json(&export_catalog(&again.catalog)), bytes2, "{file}: second export differs");

    // Through sansho's catalog file (what `sansho oscal import` writes) and back.
    let toml = sansho_catalog::catalog_to_toml(c, &[]);
    match sansho_catalog::parse("nist.toml", &toml) {
        Ok(sansho_catalog::Parsed::Catalog(read, _)) => assert_eq!(&read, c, "{file}: through TOML"),
        other => panic!("{file}: {other:?}"),
    }
}

#[test]
fn nist_moderate_imports_completely_and_round_trips() {
    // The figures of the MODERATE baseline, as a second check of the walk itself.
    check_complete_and_lossless(
        MODERATE,
        Some(Raw { groups: 18, controls: 177, enhancements: 110, parts: 4701, params: 643 }),
    );
}

#[test]
fn nist_high_imports_completely_and_round_trips() {
    check_complete_and_lossless(HIGH, None);
}

#[test]
fn example_catalog_round_trips() {
    check_complete_and_lossless(BASIC, None);
}

#[test]
fn nist_text_and_params_are_kept_exactly() {
    let c = import_catalog(&data(MODERATE), id("nist"), MODERATE).unwrap().catalog;
    let ac1 = c.get("ac-1").unwrap();
    assert_eq!(ac1.label, "AC-1");
    assert_eq!(ac1.title.as_deref(), Some("Policy and Procedures"));
    assert_eq!(ac1.parent.as_ref().unwrap().as_str(), "ac");
    let text = ac1.text.as_deref().unwrap();
    assert!(
        text.starts_with("a. Develop, document, and disseminate to {{ insert: param, ac-1_prm_1 }}:\n1. "),
        "{text}"
    );
    let ext = ac1.ext.as_ref().unwrap();
    let p = ext.params.iter().find(|p| p.id == "ac-01_odp.03").unwrap();
    let sel = p.select.as_ref().unwrap();
    assert_eq!(sel.how_many.as_deref(), Some("one-or-more"));
    assert_eq!(sel.choice, ["organization-level", "mission/business process-level", "system-level"]);
    let enh = c.get("ac-2.1").unwrap();
    assert_eq!(enh.parent.as_ref().unwrap().as_str(), "ac-2");
    assert_eq!(enh.kind, sansho_core::NodeKind::SubItem);
    // Where each node starts in the file.
    let bytes = data(MODERATE);
    let text = std::str::from_utf8(&bytes).unwrap();
    let line = text[..text.find("\"id\": \"ac-1\"").unwrap()].matches('\n').count() as u32 + 1;
    assert_eq!(ac1.provenance, [sansho_core::Provenance::line(MODERATE, line)]);
}

fn control_ids(v: &Value) -> BTreeSet<String> {
    fn walk(v: &Value, out: &mut BTreeSet<String>) {
        for g in arr(v, "groups") {
            walk(g, out);
        }
        for c in arr(v, "controls") {
            out.insert(c["id"].as_str().unwrap().to_owned());
            walk(c, out);
        }
    }
    let mut out = BTreeSet::new();
    walk(&v["catalog"], &mut out);
    out
}

#[test]
fn moderate_profile_resolved_against_high_selects_the_moderate_controls() {
    let imported = import_document(&data(PROFILE), Some(&data(HIGH)), id("moderate"), PROFILE).unwrap();
    let got: BTreeSet<String> = imported
        .catalog
        .requirements
        .iter()
        .filter(|r| !r.ext.as_ref().unwrap().group)
        .map(|r| r.id.to_string())
        .collect();
    let moderate: Value = serde_json::from_slice(&data(MODERATE)).unwrap();
    let high: Value = serde_json::from_slice(&data(HIGH)).unwrap();
    let want = control_ids(&moderate);
    assert!(control_ids(&high).len() > want.len());
    assert_eq!(got, want);
    assert_eq!(imported.catalog.title.ja, "NIST Special Publication 800-53 Revision 5.1.1 MODERATE IMPACT BASELINE");
}

#[test]
fn profile_include_all_exclude_with_children_and_matching() {
    let profile = serde_json::json!({"profile": {
        "uuid": "0c1e2d3f-4a5b-4c6d-8e7f-8091a2b3c4d5",
        "metadata": {"title": "Tailored", "last-modified": "2026-01-01T00:00:00Z", "version": "1", "oscal-version": "1.1.2"},
        "imports": [{
            "href": "#catalog",
            "include-all": {},
            "exclude-controls": [
                {"with-child-controls": "yes", "with-ids": ["ac-2"]},
                {"matching": [{"pattern": "au-*"}]}
            ]
        }]
    }});
    let bytes = serde_json::to_vec(&profile).unwrap();
    let c = import_document(&bytes, Some(&data(HIGH)), id("tailored"), "p.json").unwrap().catalog;
    let has = |x: &str| c.get(x).is_some();
    assert!(has("ac-1") && has("ac-3") && has("at-1"));
    assert!(!has("ac-2") && !has("ac-2.1") && !has("au-1") && !has("au-2"));
    assert!(!has("au"), "a group left empty is dropped");
    assert_eq!(c.title.ja, "Tailored");
    // Every control of HIGH but those: the count is the file's less the excluded.
    let high: Value = serde_json::from_slice(&data(HIGH)).unwrap();
    let all = control_ids(&high);
    let left = all.iter().filter(|i| !(i.as_str() == "ac-2" || i.starts_with("ac-2.") || i.starts_with("au-"))).count();
    assert_eq!(c.requirements.iter().filter(|r| !r.ext.as_ref().unwrap().group).count(), left);
    // A pattern that matches nothing is an error with its pointer.
    let mut p = profile.clone();
    p["profile"]["imports"][0]["exclude-controls"][1]["matching"][0]["pattern"] = "zz-*".into();
    let e = import_document(&serde_json::to_vec(&p).unwrap(), Some(&data(HIGH)), id("x"), "p.json").unwrap_err();
    assert_eq!(e.pointer, "/profile/imports/0/exclude-controls/1/matching/0/pattern");
}

#[test]
fn profile_set_parameters_are_applied_and_alters_refused() {
    let mut profile = serde_json::json!({"profile": {
        "uuid": "0c1e2d3f-4a5b-4c6d-8e7f-8091a2b3c4d6",
        "metadata": {"title": "With values", "last-modified": "2026-01-01T00:00:00Z", "version": "1", "oscal-version": "1.1.2"},
        "imports": [{"href": "#catalog", "include-controls": [{"with-ids": ["ac-1", "ac-2"]}]}],
        "modify": {"set-parameters": [
            {"param-id": "ac-01_odp.01", "values": ["情報セキュリティ委員会"]},
            {"param-id": "ac-01_odp.03", "select": {"how-many": "one", "choice": ["organization-level"]}}
        ]}
    }});
    let c = import_document(&serde_json::to_vec(&profile).unwrap(), Some(&data(MODERATE)), id("v"), "p.json")
        .unwrap()
        .catalog;
    let params = &c.get("ac-1").unwrap().ext.as_ref().unwrap().params;
    let p = |id: &str| params.iter().find(|p| p.id == id).unwrap();
    assert_eq!(p("ac-01_odp.01").values, ["情報セキュリティ委員会"]);
    assert_eq!(p("ac-01_odp.01").label.as_deref(), Some("personnel or roles"), "what is not set is kept");
    assert_eq!(p("ac-01_odp.03").select.as_ref().unwrap().choice, ["organization-level"]);
    // The values survive the export.
    let v = serde_json::to_value(export_catalog(&c)).unwrap();
    assert!(v.to_string().contains("情報セキュリティ委員会"));

    profile["profile"]["modify"]["set-parameters"][1]["param-id"] = "au-01_odp.01".into();
    let e =
        import_document(&serde_json::to_vec(&profile).unwrap(), Some(&data(MODERATE)), id("v"), "p.json").unwrap_err();
    assert_eq!(e.pointer, "/profile/modify/set-parameters/1/param-id", "au-1 is not selected: {e}");
    profile["profile"]["modify"]["alters"] = serde_json::json!([{"control-id": "ac-1"}]);
    let e =
        import_document(&serde_json::to_vec(&profile).unwrap(), Some(&data(MODERATE)), id("v"), "p.json").unwrap_err();
    assert_eq!(e.pointer, "/profile/modify/alters");
}

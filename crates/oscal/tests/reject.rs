//! Invalid documents are refused with the JSON pointer of the offending value.

use sansho_core::CatalogId;
use sansho_oscal::{Error, import_catalog, import_document};
use serde_json::{Value, json};

fn data(name: &str) -> Vec<u8> {
    std::fs::read(format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

fn basic() -> Value {
    serde_json::from_slice(&data("basic-catalog.json")).unwrap()
}

fn import(v: &Value) -> Result<(), Error> {
    import_catalog(&serde_json::to_vec(v).unwrap(), CatalogId::parse("x").unwrap(), "x.json").map(|_| ())
}

fn refused(v: &Value) -> Error {
    import(v).expect_err("the document must be refused")
}

#[test]
fn the_example_itself_imports() {
    import(&basic()).unwrap();
}

#[test]
fn wrong_model() {
    let bytes = data("ifa_assessment-results-example.json");
    let e = import_catalog(&bytes, CatalogId::parse("x").unwrap(), "ar.json").unwrap_err();
    assert_eq!(e.pointer, "/assessment-results");
    assert!(e.message.contains("wrong model"), "{e}");
    let e = refused(&json!({}));
    assert_eq!(e.pointer, "");
}

#[test]
fn unknown_field_where_the_model_forbids_it() {
    let mut v = basic();
    v["catalog"]["groups"][0]["groups"][0]["controls"][0]["colour"] = json!("blue");
    let e = refused(&v);
    assert_eq!(e.pointer, "/catalog/groups/0/groups/0/controls/0/colour", "{e}");
    assert!(e.message.contains("unknown field `colour`"), "{e}");
    let mut v = basic();
    v["catalog"]["groups"][0]["groups"][0]["controls"][0]["parts"][1]["proze"] = json!("x");
    assert_eq!(refused(&v).pointer, "/catalog/groups/0/groups/0/controls/0/parts/1/proze");
}

#[test]
fn missing_and_mistyped_fields() {
    let mut v = basic();
    v["catalog"]["groups"][0]["groups"][0]["controls"][0].as_object_mut().unwrap().remove("title");
    let e = refused(&v);
    assert_eq!(e.pointer, "/catalog/groups/0/groups/0/controls/0", "{e}");
    assert!(e.message.contains("missing field `title`"), "{e}");
    let mut v = basic();
    v["catalog"]["groups"][0]["groups"][0]["controls"][0]["params"][0]["select"]["choice"] = json!("one");
    assert_eq!(refused(&v).pointer, "/catalog/groups/0/groups/0/controls/0/params/0/select/choice");
}

#[test]
fn bad_uuid() {
    let mut v = basic();
    v["catalog"]["uuid"] = json!("74c8ba1e-5cd4-1ad1-bbfd-d888e2f6c724");
    let e = refused(&v);
    assert_eq!(e.pointer, "/catalog/uuid");
    assert!(e.message.contains("not a UUID"), "{e}");
}

#[test]
fn bad_and_duplicate_ids() {
    let mut v = basic();
    v["catalog"]["groups"][0]["groups"][0]["controls"][0]["id"] = json!("1.1.1");
    let e = refused(&v);
    assert_eq!(e.pointer, "/catalog/groups/0/groups/0/controls/0/id");
    assert!(e.message.contains("not an OSCAL token"), "{e}");
    let mut v = basic();
    v["catalog"]["groups"][0]["groups"][0]["controls"][0]["id"] = json!("s1");
    let e = refused(&v);
    assert_eq!(e.pointer, "/catalog/groups/0/groups/0/controls/0/id");
    assert!(e.message.contains("used twice (first at /catalog/groups/0/id)"), "{e}");
}

#[test]
fn broken_references() {
    // A parameter insert naming no parameter.
    let mut v = basic();
    let prose = v["catalog"]["groups"][0]["groups"][0]["controls"][0]["parts"][1]["prose"].as_str().unwrap().to_owned();
    v["catalog"]["groups"][0]["groups"][0]["controls"][0]["parts"][1]["prose"] =
        json!(prose.replace("s1.1.1-prm1", "no-such-param"));
    let e = refused(&v);
    assert_eq!(e.pointer, "/catalog/groups/0/groups/0/controls/0/parts/1/prose");
    assert!(e.message.contains("broken reference"), "{e}");
    // A link to a back-matter resource that is not there.
    let mut moderate: Value =
        serde_json::from_slice(&data("NIST_SP-800-53_rev5_MODERATE-baseline-resolved-profile_catalog.json")).unwrap();
    moderate["catalog"]["back-matter"]["resources"]
        .as_array_mut()
        .unwrap()
        .retain(|r| r["uuid"] != "27847491-5ce1-4f6a-a1e4-9e483782f0ef");
    let e = refused(&moderate);
    assert_eq!(e.pointer, "/catalog/groups/0/controls/0/links/0/href");
    assert!(e.message.contains("no back-matter resource 27847491"), "{e}");
    // A profile selecting a control its catalog does not have.
    let mut profile: Value =
        serde_json::from_slice(&data("NIST_SP-800-53_rev5_MODERATE-baseline_profile.json")).unwrap();
    profile["profile"]["imports"][0]["include-controls"][0]["with-ids"][5] = json!("zz-99");
    let e = import_document(
        &serde_json::to_vec(&profile).unwrap(),
        Some(&data("NIST_SP-800-53_rev5_HIGH-baseline-resolved-profile_catalog-min.json")),
        CatalogId::parse("x").unwrap(),
        "p.json",
    )
    .unwrap_err();
    assert_eq!(e.pointer, "/profile/imports/0/include-controls/0/with-ids/5");
    assert!(e.message.contains("broken reference"), "{e}");
    // A profile without its catalog.
    let e = import_catalog(
        &data("NIST_SP-800-53_rev5_MODERATE-baseline_profile.json"),
        CatalogId::parse("x").unwrap(),
        "p.json",
    )
    .unwrap_err();
    assert_eq!(e.pointer, "/profile/imports/0/href");
}

#[test]
fn not_json() {
    let e = import_catalog(b"{\"catalog\": [", CatalogId::parse("x").unwrap(), "x.json").unwrap_err();
    assert!(e.message.contains("EOF") || e.message.contains("end"), "{e}");
}

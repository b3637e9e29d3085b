//! `sansho oscal` through the real binary: NIST SP 800-53 imported into a catalogs folder, mapped
//! from mhlw-6 and assessed; exports of catalogs, mapping sets and assessments; refused imports
//! write nothing.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

const MODERATE: &str = "NIST_SP-800-53_rev5_MODERATE-baseline-resolved-profile_catalog.json";

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../oscal/tests/data").join(name)
}

struct Env {
    dir: tempfile::TempDir,
}

impl Env {
    fn new() -> Env {
        Env { dir: tempfile::tempdir().unwrap() }
    }
    fn path(&self, p: &str) -> PathBuf {
        self.dir.path().join(p)
    }
    fn run(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_sansho"))
            .args(args)
            .current_dir(self.dir.path())
            .env_remove("SANSHO_CATALOGS")
            .env_remove("SANSHO_CONFIG")
            .env_remove("SANSHO_LANG")
            .env("SANSHO_DB", self.path("data/sansho.db"))
            .env("SANSHO_ACTOR", "tester")
            .env("HOME", self.dir.path())
            .env("XDG_CONFIG_HOME", self.path(".config"))
            .env("XDG_DATA_HOME", self.path(".local/share"))
            .output()
            .expect("sansho runs")
    }
    fn ok(&self, args: &[&str]) -> String {
        let o = self.run(args);
        assert!(o.status.success(), "sansho {args:?} failed: {}", String::from_utf8_lossy(&o.stderr));
        String::from_utf8(o.stdout).unwrap()
    }
    fn json(&self, args: &[&str]) -> Value {
        let out = self.ok(args);
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("not JSON ({e}): {out}"))
    }
    fn fails(&self, args: &[&str]) -> String {
        let o = self.run(args);
        assert_eq!(o.status.code(), Some(1), "sansho {args:?}: {}", String::from_utf8_lossy(&o.stdout));
        String::from_utf8(o.stderr).unwrap()
    }
    fn read_json(&self, p: &str) -> Value {
        serde_json::from_slice(&std::fs::read(self.path(p)).unwrap()).unwrap()
    }
}

const MAPPING: &str = r#"[mapping_set]
id = "mhlw-6--nist"
title = "厚労省GL 第6.0版 → NIST SP 800-53"
source = "mhlw-6"
target = "nist"

[[mapping]]
source = "management-7.2"
target = "sa-9"
relation = "intersects-with"
basis = "editorial"
note = "委託先事業者管理 ↔ External System Services"
"#;

#[test]
fn nist_imports_maps_from_mhlw6_assesses_and_exports() {
    let env = Env::new();
    let file = data(MODERATE);
    let v = env.json(&["oscal", "import", file.to_str().unwrap(), "--into", "cats", "--id", "nist", "--json"]);
    assert_eq!(
        (v["groups"].as_u64(), v["controls"].as_u64(), v["enhancements"].as_u64()),
        (Some(18), Some(177), Some(110))
    );
    assert_eq!((v["parts"].as_u64(), v["params"].as_u64()), (Some(4701), Some(643)));
    assert!(env.path("cats/nist.toml").is_file());

    // Exported again, the catalog is the NIST file.
    env.ok(&["--catalogs", "cats", "oscal", "export", "--catalog", "nist", "-o", "nist.json"]);
    let original: Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    assert!(env.read_json("nist.json") == original, "the export of the imported catalog is the NIST file");

    // A user's mapping from mhlw-6 to NIST works in the crosswalk and exports.
    std::fs::write(env.path("cats/mhlw-6--nist.toml"), MAPPING).unwrap();
    let cw = env.json(&["--catalogs", "cats", "crosswalk", "mhlw-6", "nist", "--json"]);
    let row = cw["rows"].as_array().unwrap().iter().find(|r| r["source"] == "mhlw-6:management-7.2").unwrap();
    assert_eq!(row["targets"][0]["id"], "nist:sa-9");
    assert_eq!(row["targets"][0]["label"], "SA-9");
    env.ok(&["--catalogs", "cats", "oscal", "export", "--mapping", "mhlw-6--nist", "-o", "map.json"]);
    let m = env.read_json("map.json");
    let maps = &m["mapping-collection"]["mappings"][0]["maps"];
    assert_eq!(maps.as_array().unwrap().len(), 1);
    assert_eq!(maps[0]["sources"][0]["id-ref"], "management-7.2");
    assert_eq!(maps[0]["targets"][0]["id-ref"], "sa-9");
    assert_eq!(maps[0]["relationship"], "intersects-with");

    // An assessment against NIST, with an answer and evidence, as assessment-results.
    let org = env.json(&["org", "add", "--kind", "medical-institution", "テスト病院", "--json"]);
    let sys = env.json(&[
        "system",
        "add",
        "--org",
        org["id"].as_str().unwrap(),
        "--model",
        "on-premises",
        "電子カルテ",
        "--json",
    ]);
    let a = env.json(&[
        "--catalogs",
        "cats",
        "assessment",
        "new",
        "--system",
        sys["id"].as_str().unwrap(),
        "--catalog",
        "nist",
        "--json",
    ]);
    let aid = a["id"].as_str().unwrap();
    let how = "アカウント管理規程に基づき四半期ごとに棚卸し";
    env.ok(&["--catalogs", "cats", "answer", "set", &aid[..8], "ac-2", "実施済", "--how", how]);
    std::fs::write(env.path("規程.txt"), "アカウント管理規程 第1版").unwrap();
    env.ok(&[
        "--catalogs",
        "cats",
        "evidence",
        "add",
        &aid[..8],
        "ac-2",
        "--file",
        "規程.txt",
        "--effective",
        "2026-04-01",
    ]);
    env.ok(&["--catalogs", "cats", "oscal", "export", "--assessment", &aid[..8], "-o", "ar.json"]);
    let ar = env.read_json("ar.json");
    let r = &ar["assessment-results"]["results"][0];
    let findings = r["findings"].as_array().unwrap();
    let with_text = 177 + 110; // every NIST control and enhancement in the baseline has a statement
    assert_eq!(findings.len(), with_text);
    let f = findings.iter().find(|f| f["target"]["target-id"] == "ac-2").unwrap();
    assert_eq!(f["target"]["status"]["state"], "satisfied");
    let obs = &r["observations"][0];
    assert_eq!(f["related-observations"][0]["observation-uuid"], obs["uuid"]);
    assert_eq!(obs["description"], how);
    let href = obs["relevant-evidence"][0]["href"].as_str().unwrap().trim_start_matches('#').to_owned();
    let res = ar["assessment-results"]["back-matter"]["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["uuid"] == href.as_str())
        .unwrap();
    let sha = sansho_store::sha256_hex("アカウント管理規程 第1版".as_bytes());
    assert_eq!(res["rlinks"][0]["hashes"][0]["value"], sha.as_str());
    assert_eq!(res["rlinks"][0]["hashes"][0]["algorithm"], "SHA-256");
    let unanswered = findings.iter().find(|f| f["target"]["target-id"] == "ac-1").unwrap();
    assert_eq!(unanswered["target"]["status"]["state"], "not-satisfied");
    assert!(unanswered.get("related-observations").is_none());
}

#[test]
fn the_sample_assessment_and_every_bundled_catalog_export() {
    let env = Env::new();
    let v = env.json(&["sample", "load", "--json"]);
    let id = v["assessment"]["id"].as_str().unwrap();
    env.ok(&["oscal", "export", "--assessment", &id[..8], "-o", "sample.json"]);
    let ar = env.read_json("sample.json");
    let r = &ar["assessment-results"]["results"][0];
    assert_eq!(r["observations"].as_array().unwrap().len(), 75, "one observation per answer");
    // The same bytes twice: deterministic UUIDs.
    env.ok(&["oscal", "export", "--assessment", &id[..8], "-o", "sample2.json"]);
    assert_eq!(std::fs::read(env.path("sample.json")).unwrap(), std::fs::read(env.path("sample2.json")).unwrap());
    let list = env.json(&["catalog", "list", "--json"]);
    for c in list["catalogs"].as_array().unwrap() {
        let id = c["id"].as_str().unwrap();
        let out = env.ok(&["oscal", "export", "--catalog", id]);
        let v: Value = serde_json::from_str(&out).unwrap();
        assert!(v["catalog"]["uuid"].is_string(), "{id}");
    }
    // Written files are not replaced without --force.
    let err = env.fails(&["oscal", "export", "--catalog", "mhlw-5", "-o", "sample.json"]);
    assert!(err.contains("--force"), "{err}");
}

#[test]
fn a_refused_import_writes_nothing() {
    let env = Env::new();
    // The wrong model, with its pointer.
    let ar = data("ifa_assessment-results-example.json");
    let err = env.fails(&["oscal", "import", ar.to_str().unwrap(), "--into", "cats", "--id", "x"]);
    assert!(err.contains("/assessment-results: モデルが違います"), "{err}");
    // An unknown field, with its pointer.
    let mut v: Value = serde_json::from_slice(&std::fs::read(data("basic-catalog.json")).unwrap()).unwrap();
    v["catalog"]["groups"][0]["colour"] = "blue".into();
    std::fs::write(env.path("bad.json"), serde_json::to_vec(&v).unwrap()).unwrap();
    let err = env.fails(&["oscal", "import", "bad.json", "--into", "cats", "--id", "x"]);
    assert!(
        err.contains("/catalog/groups/0/colour: OSCAL のモデルではここに置けない項目です（unknown field `colour`"),
        "{err}"
    );
    // An id taken by a bundled catalog: the new file would not load with the others.
    let basic = data("basic-catalog.json");
    let err = env.fails(&["oscal", "import", basic.to_str().unwrap(), "--into", "cats", "--id", "mhlw-5"]);
    assert!(err.contains("何も書き込んでいません"), "{err}");
    assert!(!env.path("cats").exists(), "nothing was written");
    // A good import, then the same again without --force.
    env.ok(&["oscal", "import", basic.to_str().unwrap(), "--into", "cats", "--id", "iso-sample"]);
    let before = std::fs::read(env.path("cats/iso-sample.toml")).unwrap();
    let err = env.fails(&["oscal", "import", basic.to_str().unwrap(), "--into", "cats", "--id", "iso-sample"]);
    assert!(err.contains("--force"), "{err}");
    assert_eq!(std::fs::read(env.path("cats/iso-sample.toml")).unwrap(), before);
    assert_eq!(std::fs::read_dir(env.path("cats")).unwrap().count(), 1, "no temporary file left behind");
    let show = env.ok(&["--catalogs", "cats", "--lang", "en", "show", "iso-sample", "s1.1.1"]);
    assert!(show.contains("All information security responsibilities should be defined and allocated."), "{show}");
}

#[test]
fn an_import_that_would_not_load_names_the_json_pointer_in_the_source_not_an_unwritten_file() {
    let env = Env::new();
    let mut v: Value = serde_json::from_slice(&std::fs::read(data("basic-catalog.json")).unwrap()).unwrap();
    // Two controls that say (in sansho's own namespace) they are the same requirement.
    for i in [0, 1] {
        let c = &mut v["catalog"]["groups"][0]["groups"][0]["controls"][i];
        c["props"].as_array_mut().unwrap().push(serde_json::json!({
            "name": "local-id", "ns": "https://sansho.dev/ns/oscal", "value": "dup"
        }));
    }
    std::fs::write(env.path("dup.json"), serde_json::to_vec(&v).unwrap()).unwrap();
    let err = env.fails(&["oscal", "import", "dup.json", "--into", "cats", "--id", "basic"]);
    assert!(err.contains("dup.json#/catalog/groups/0/groups/0/controls/1"), "{err}");
    assert!(err.contains("(dup)") && err.contains("何も書き込んでいません"), "{err}");
    let en = env.run(&["--lang", "en", "oscal", "import", "dup.json", "--into", "cats", "--id", "basic"]);
    assert!(String::from_utf8_lossy(&en.stderr).contains("nothing written"));
    assert!(!err.contains("basic.toml"), "names a file that was never written: {err}");
    assert!(!env.path("cats").exists());
    // An id another catalog has: the document is fine, the id is not.
    let err = env.fails(&["oscal", "import", "dup.json", "--into", "cats", "--id", "mhlw-5"]);
    assert!(err.contains("dup.json#/catalog") && err.contains("--id") && err.contains("mhlw-5"), "{err}");
    assert!(!err.contains("mhlw-5.toml"), "{err}");
}

#[test]
fn an_import_into_a_folder_whose_other_catalogs_do_not_load_is_refused_naming_the_broken_file() {
    let env = Env::new();
    std::fs::create_dir_all(env.path("cats")).unwrap();
    std::fs::write(env.path("cats/ours.toml"), "[catalog]\nid = \"ours\"\ntitle = \n").unwrap();
    let src = data("basic-catalog.json");
    let err = env.fails(&["oscal", "import", src.to_str().unwrap(), "--into", "cats", "--id", "basic"]);
    assert!(err.contains("ours.toml:3"), "{err}");
    assert!(!env.path("cats/basic.toml").exists());
    // Once the folder loads, the import is written.
    std::fs::remove_file(env.path("cats/ours.toml")).unwrap();
    env.ok(&["oscal", "import", src.to_str().unwrap(), "--into", "cats", "--id", "basic"]);
    assert!(env.path("cats/basic.toml").exists());
}

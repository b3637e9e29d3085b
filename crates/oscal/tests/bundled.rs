//! The bundled catalogs and mapping sets export as OSCAL, and a catalog's export imports back
//! to the same requirement tree.

use std::collections::BTreeSet;

use sansho_core::{CatalogSet, Relation};
use sansho_oscal::{export_catalog, import_catalog, is_token, is_uuid, mapping_collection, to_json};
use serde_json::Value;

fn bundled() -> CatalogSet {
    let loaded = sansho_catalog::load(&sansho_catalog::bundled_sources());
    loaded.set.expect("the bundled catalogs load")
}

fn walk_ids(v: &Value, out: &mut Vec<String>) {
    for k in ["groups", "controls"] {
        for x in v.get(k).and_then(Value::as_array).into_iter().flatten() {
            out.push(x["id"].as_str().unwrap().to_owned());
            walk_ids(x, out);
        }
    }
}

#[test]
fn every_bundled_catalog_exports_and_imports_back() {
    let set = bundled();
    assert!(set.catalogs().len() >= 8);
    for c in set.catalogs() {
        let bytes = to_json(&export_catalog(c));
        assert_eq!(bytes, to_json(&export_catalog(c)), "{}: the export is reproducible", c.id);
        let v: Value = serde_json::from_slice(&bytes).unwrap();
        assert!(is_uuid(v["catalog"]["uuid"].as_str().unwrap()));
        let mut ids = vec![];
        walk_ids(&v["catalog"], &mut ids);
        assert_eq!(ids.len(), c.requirements.len(), "{}: one group or control per node", c.id);
        assert!(ids.iter().all(|i| is_token(i)), "{}: ids are tokens", c.id);
        assert_eq!(ids.iter().collect::<BTreeSet<_>>().len(), ids.len(), "{}: ids are unique", c.id);
        assert_eq!(v["catalog"]["metadata"]["title"], c.title.ja.as_str());

        let back = import_catalog(&bytes, c.id.clone(), "x.json").unwrap_or_else(|e| panic!("{}: {e}", c.id)).catalog;
        assert_eq!(back.requirements.len(), c.requirements.len());
        for (a, b) in back.requirements.iter().zip(&c.requirements) {
            assert_eq!(
                (&a.id, &a.parent, a.kind, &a.label, &a.title, &a.text),
                (&b.id, &b.parent, b.kind, &b.label, &b.title, &b.text),
                "{}: node {}",
                c.id,
                b.id
            );
            assert_eq!(
                (a.level, &a.category, &a.topics, &a.page, &a.provenance, &a.note),
                (b.level, &b.category, &b.topics, &b.page, &b.provenance, &b.note),
                "{}: node {}",
                c.id,
                b.id
            );
            assert!(a.ext.is_none(), "{}: node {} needs no OSCAL extension", c.id, b.id);
        }
        assert_eq!((&back.title, &back.edition, &back.date, back.kind), (&c.title, &c.edition, &c.date, c.kind));
        // An outline (structure and a few texts only) says so in its export and stays one when
        // imported back, so it is not offered for an assessment elsewhere either (issue 11 §2.7).
        let outline_prop = v["catalog"]["metadata"]["props"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == "outline")
            .map(|p| p["value"].as_str().unwrap().to_owned());
        assert_eq!(outline_prop.as_deref(), c.is_outline().then_some("true"), "{}", c.id);
        assert_eq!(back.outline, c.outline, "{}: the outline flag and its note come back", c.id);
    }
    assert!(set.catalogs().iter().any(|c| c.is_outline()), "the bundled catalogs include outlines");
}

#[test]
fn label_level_category_and_provenance_are_props() {
    let set = bundled();
    let c = set.catalog("mhlw-5").unwrap();
    let r = c.requirements.iter().find(|r| r.level.is_some() && r.category.is_some() && r.text.is_some()).unwrap();
    let v = serde_json::to_value(export_catalog(c)).unwrap();
    let mut found = None;
    fn find<'a>(v: &'a Value, id: &str, out: &mut Option<&'a Value>) {
        for k in ["groups", "controls"] {
            for x in v.get(k).and_then(Value::as_array).into_iter().flatten() {
                if x["id"] == id {
                    *out = Some(x);
                }
                find(x, id, out);
            }
        }
    }
    find(&v["catalog"], &sansho_oscal::token(r.id.as_str()), &mut found);
    let x = found.unwrap();
    let props = x["props"].as_array().unwrap();
    let prop = |name: &str| props.iter().find(|p| p["name"] == name).map(|p| p["value"].as_str().unwrap().to_owned());
    assert_eq!(prop("label").as_deref(), Some(r.label.as_str()));
    assert_eq!(prop("level").as_deref(), Some(r.level.unwrap().as_str()));
    assert_eq!(prop("category").as_deref(), Some(r.category.as_ref().unwrap().as_str()));
    assert_eq!(prop("provenance"), Some(r.provenance[0].to_string()));
    let statement = x["parts"].as_array().unwrap().iter().find(|p| p["name"] == "statement").unwrap();
    assert_eq!(statement["prose"].as_str(), r.text.as_deref(), "the text is exported verbatim");
}

#[test]
fn every_mapping_set_exports_as_a_mapping_collection() {
    let set = bundled();
    assert!(!set.mapping_sets().is_empty());
    for m in set.mapping_sets() {
        let src = set.catalog(m.source.as_str()).unwrap();
        let tgt = set.catalog(m.target.as_str()).unwrap();
        let v = mapping_collection(m, src, tgt);
        let mc = &v["mapping-collection"];
        let maps = mc["mappings"][0]["maps"].as_array().map(Vec::len).unwrap_or(0);
        let full = m.mappings.iter().filter(|e| e.source.is_some() && e.target.is_some()).count();
        assert_eq!(maps, full, "{}: one map per edge with both ends", m.id);
        // Every requirement with text that no map covers is in the gap summary.
        let mapped: BTreeSet<&str> = m
            .mappings
            .iter()
            .filter(|e| e.target.is_some())
            .filter_map(|e| e.source.as_ref())
            .map(|s| s.as_str())
            .collect();
        let unmapped: BTreeSet<String> = src
            .requirements
            .iter()
            .filter(|r| r.text.is_some() && !mapped.contains(r.id.as_str()))
            .map(|r| sansho_oscal::token(r.id.as_str()))
            .collect();
        let gap: BTreeSet<String> = mc["mappings"][0]["source-gap-summary"]["unmapped-controls"][0]["with-ids"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|x| x.as_str().unwrap().to_owned())
            .collect();
        assert_eq!(gap, unmapped, "{}: source gap summary", m.id);
        for (e, x) in m
            .mappings
            .iter()
            .filter(|e| e.source.is_some() && e.target.is_some())
            .zip(mc["mappings"][0]["maps"].as_array().into_iter().flatten())
        {
            let oscal = matches!(
                e.relation,
                Relation::Equivalent | Relation::Subset | Relation::Superset | Relation::Intersects
            );
            assert_eq!(x["relationship"], e.relation.as_str());
            assert_eq!(x.get("ns").is_some(), !oscal, "{}: sansho's own relations are namespaced", m.id);
        }
    }
}

#[test]
fn target_requirements_no_map_reaches_are_the_target_gap_summary() {
    let set = bundled();
    for m in set.mapping_sets() {
        let tgt = set.catalog(m.target.as_str()).unwrap();
        let v = mapping_collection(m, set.catalog(m.source.as_str()).unwrap(), tgt);
        let gap: BTreeSet<String> = v["mapping-collection"]["mappings"][0]["target-gap-summary"]["unmapped-controls"]
            [0]["with-ids"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|x| x.as_str().unwrap().to_owned())
            .collect();
        let reached: BTreeSet<&str> = m
            .mappings
            .iter()
            .filter(|e| e.source.is_some())
            .filter_map(|e| e.target.as_ref())
            .map(|t| t.as_str())
            .collect();
        let want: BTreeSet<String> = tgt
            .requirements
            .iter()
            .filter(|r| r.text.is_some() && !reached.contains(r.id.as_str()))
            .map(|r| sansho_oscal::token(r.id.as_str()))
            .collect();
        assert_eq!(gap, want, "{}: target gap summary", m.id);
    }
}

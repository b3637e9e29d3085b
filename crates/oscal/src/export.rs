//! sansho catalogs, mapping sets and assessments as OSCAL 1.2 JSON.
//!
//! Deterministic: UUIDs are version 5 from stable names (`sansho:catalog:<id>`,
//! `sansho:map:<set>:<n>` …), nothing reads a clock, and the same data writes the same bytes.
//! Ids are the requirements' local ids as OSCAL tokens (`6.3-c-1` → `_6.3-c-1`, see
//! [`crate::token`]); the original id is then kept in a `local-id` prop.
//!
//! A catalog's tree: headings (volume, chapter or section nodes without text) whose parent is a
//! group (or none) are groups when all their siblings are; any other node is a control (a child
//! of a control is a nested control), so document order is kept. The printed label is the `label` prop; sansho's own fields (kind, level,
//! category, topics, page, provenance, `no-title`) are props in sansho's namespace ([`crate::NS`]),
//! the text is the `statement` part (verbatim) and the note a `note` part in that namespace. A
//! node imported from OSCAL writes its kept group or control back as it was read.

use std::collections::{BTreeSet, HashMap};

use sansho_core::ext::{Link, Part, Prop};
use sansho_core::{Basis, Catalog, MappingSet, NodeKind, Relation, Requirement};
use serde::Serialize;
use serde_json::value::RawValue;
use serde_json::{Value, json};

use crate::types::{self, Control, Group};
use crate::{NS, OSCAL_VERSION, token, uuid_for};

/// Removes keys whose value is an empty array (OSCAL arrays have at least one member).
fn prune(v: &mut Value) {
    match v {
        Value::Object(m) => {
            m.retain(|_, x| !matches!(x, Value::Array(a) if a.is_empty()));
            m.values_mut().for_each(prune);
        }
        Value::Array(a) => a.iter_mut().for_each(prune),
        _ => {}
    }
}

/// A JSON value written with OSCAL's identifying keys first (`uuid`, `id`, `title`, `metadata`,
/// …), `back-matter` last and the others in alphabetical order, as people read OSCAL.
struct Ordered<'a>(&'a Value);

fn rank(key: &str) -> u8 {
    const FIRST: [&str; 12] = [
        "uuid",
        "id",
        "type",
        "name",
        "ns",
        "title",
        "description",
        "metadata",
        "last-modified",
        "version",
        "oscal-version",
        "provenance",
    ];
    match key {
        "back-matter" => u8::MAX,
        k => FIRST.iter().position(|f| *f == k).map_or(100, |i| i as u8),
    }
}

impl Serialize for Ordered<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{SerializeMap, SerializeSeq};
        match self.0 {
            Value::Object(m) => {
                let mut keys: Vec<&String> = m.keys().collect();
                keys.sort_by_key(|k| (rank(k), k.as_str()));
                let mut map = s.serialize_map(Some(keys.len()))?;
                for k in keys {
                    map.serialize_entry(k, &Ordered(&m[k]))?;
                }
                map.end()
            }
            Value::Array(a) => {
                let mut seq = s.serialize_seq(Some(a.len()))?;
                for x in a {
                    seq.serialize_element(&Ordered(x))?;
                }
                seq.end()
            }
            other => other.serialize(s),
        }
    }
}

/// A document built as a JSON value (a mapping collection, assessment results) as pretty JSON
/// bytes with a final newline, its keys in reading order.
pub fn value_to_json(v: &Value) -> Vec<u8> {
    to_json(&Ordered(v))
}

/// Pretty JSON bytes with a final newline.
pub fn to_json<T: Serialize>(v: &T) -> Vec<u8> {
    let mut out = serde_json::to_vec_pretty(v).expect("OSCAL values serialize");
    out.push(b'\n');
    out
}

fn own(name: &str, value: &str) -> Option<Prop> {
    let v = value.trim();
    if v.is_empty() || v.contains('\n') {
        return None;
    }
    Some(Prop { ns: Some(NS.to_owned()), ..Prop::new(name, v) })
}

/// The UUID of a catalog's export.
pub fn catalog_uuid(c: &Catalog) -> String {
    c.ext.as_ref().and_then(|e| e.uuid.clone()).unwrap_or_else(|| uuid_for(&format!("sansho:catalog:{}", c.id)))
}

/// `YYYY`, `YYYY-MM` or `YYYY-MM-DD` as an OSCAL date-time (midnight in Japan); a fixed date when
/// the catalog has none, so exports stay reproducible.
fn datetime(date: Option<&str>) -> String {
    let d = match date.map(str::len) {
        Some(4) => format!("{}-01-01", date.unwrap_or_default()),
        Some(7) => format!("{}-01", date.unwrap_or_default()),
        Some(10) => date.unwrap_or_default().to_owned(),
        _ => "2000-01-01".to_owned(),
    };
    format!("{d}T00:00:00+09:00")
}

fn metadata(c: &Catalog) -> Value {
    let mut props = vec![];
    props.extend(own("catalog-id", c.id.as_str()));
    props.extend(own("kind", c.kind.as_str()));
    if let Some(en) = &c.title.en {
        props.extend(own("title-en", en));
    }
    if let Some(d) = &c.date {
        props.extend(own("date", d));
    }
    // An outline holds structure and a few texts only: the export says so (and why).
    if let Some(o) = &c.outline {
        props.extend(own("outline", "true"));
        if let Some(note) = &o.note {
            props.extend(own("outline-note", note));
        }
    }
    let mut m = json!({
        "title": c.title.ja,
        "last-modified": datetime(c.date.as_deref()),
        "version": c.edition,
        "oscal-version": OSCAL_VERSION,
        "props": props,
    });
    if !c.issuers.is_empty() {
        let parties: Vec<Value> = c
            .issuers
            .iter()
            .map(|i| json!({"uuid": uuid_for(&format!("sansho:party:{i}")), "type": "organization", "name": i}))
            .collect();
        let uuids: Vec<Value> = parties.iter().map(|p| p["uuid"].clone()).collect();
        m["roles"] = json!([{"id": "creator", "title": "Document Creator"}]);
        m["parties"] = Value::Array(parties);
        m["responsible-parties"] = json!([{"role-id": "creator", "party-uuids": uuids}]);
    }
    if let Some(d) = &c.description {
        m["remarks"] = json!(d);
    }
    m
}

/// The back matter of a sansho catalog: its source documents, with their SHA-256.
fn sources_back_matter(c: &Catalog) -> Option<Value> {
    let resources: Vec<Value> = c
        .sources
        .iter()
        .map(|s| {
            let mut r = json!({
                "uuid": uuid_for(&format!("sansho:source:{}", s.sha256)),
                "title": s.file,
                "rlinks": [{"href": s.file, "hashes": [{"algorithm": "SHA-256", "value": s.sha256}]}],
            });
            if let Some(d) = &s.description {
                r["description"] = json!(d);
            }
            r
        })
        .collect();
    (!resources.is_empty()).then(|| json!({"resources": resources}))
}

fn raw(v: &Value) -> Box<RawValue> {
    RawValue::from_string(v.to_string()).expect("a JSON value is valid JSON")
}

struct Tree<'a> {
    c: &'a Catalog,
    kids: HashMap<&'a str, Vec<usize>>,
    roots: Vec<usize>,
}

fn heading(k: NodeKind) -> bool {
    matches!(k, NodeKind::Volume | NodeKind::Chapter | NodeKind::Section)
}

impl Tree<'_> {
    /// Which of a group's (or the catalog's) children are groups. OSCAL lists a group's groups
    /// before its controls, so sansho's headings become groups only when all of their siblings do
    /// (else document order would change); an imported node stays what it was.
    fn as_groups(&self, kids: &[usize]) -> Vec<bool> {
        let heading_only = |r: &Requirement| r.text.is_none() && heading(r.kind);
        let all = kids.iter().map(|&k| &self.c.requirements[k]).filter(|r| r.ext.is_none()).all(heading_only);
        kids.iter()
            .map(|&k| {
                let r = &self.c.requirements[k];
                match &r.ext {
                    Some(e) => e.group,
                    None => all && heading_only(r),
                }
            })
            .collect()
    }

    fn own_props(&self, r: &Requirement, tok: &str, props: &mut Vec<Prop>) {
        if r.ext.is_none() {
            props.push(Prop::new("label", r.label.trim()));
            props.extend(own("kind", r.kind.as_str()));
        }
        if tok != r.id.as_str() {
            props.extend(own("local-id", r.id.as_str()));
        }
        if r.title.is_none() {
            props.extend(own("no-title", "true"));
        }
        if let Some(l) = r.level {
            props.extend(own("level", l.as_str()));
        }
        if let Some(c) = &r.category {
            props.extend(own("category", c.as_str()));
        }
        for t in &r.topics {
            props.extend(own("topic", t));
        }
        if let Some(p) = &r.page {
            props.extend(own("page", p));
        }
        // An imported node's provenance is where it was in the file it was imported from: the
        // export is another file, so it is not written.
        if r.ext.is_none() {
            for p in &r.provenance {
                props.extend(own("provenance", &p.to_string()));
            }
        }
    }

    fn own_parts(&self, r: &Requirement, tok: &str, parts: &mut Vec<Part>) {
        let part = |id: Option<String>, name: &str, ns: Option<&str>, prose: &str| Part {
            id,
            name: name.to_owned(),
            ns: ns.map(str::to_owned),
            class: None,
            title: None,
            props: vec![],
            prose: Some(prose.to_owned()),
            parts: vec![],
            links: vec![],
        };
        if r.ext.is_none()
            && let Some(t) = &r.text
        {
            parts.push(part(Some(format!("{tok}_smt")), "statement", None, t));
        }
        if let Some(n) = &r.note {
            parts.push(part(None, "note", Some(NS), n));
        }
    }

    #[allow(clippy::type_complexity)]
    fn parts_of(
        &self,
        r: &Requirement,
        tok: &str,
    ) -> (Option<String>, Vec<sansho_core::ext::Param>, Vec<Prop>, Vec<Link>, Vec<Part>) {
        let (class, params, mut props, links, mut parts) = match &r.ext {
            Some(e) => (e.class.clone(), e.params.clone(), e.props.clone(), e.links.clone(), e.parts.clone()),
            None => (None, vec![], vec![], vec![], vec![]),
        };
        self.own_props(r, tok, &mut props);
        self.own_parts(r, tok, &mut parts);
        (class, params, props, links, parts)
    }

    fn control(&self, i: usize) -> Control {
        let r = &self.c.requirements[i];
        let tok = token(r.id.as_str());
        let (class, params, props, links, parts) = self.parts_of(r, &tok);
        let controls = self.kids.get(r.id.as_str()).into_iter().flatten().map(|&k| self.control(k)).collect();
        Control {
            id: tok,
            class,
            title: r.title.clone().unwrap_or_else(|| r.label.clone()),
            params,
            props,
            links,
            parts,
            controls,
        }
    }

    fn group(&self, i: usize) -> Group {
        let r = &self.c.requirements[i];
        let tok = token(r.id.as_str());
        let (class, params, props, links, parts) = self.parts_of(r, &tok);
        let (mut groups, mut controls) = (vec![], vec![]);
        let kids = self.kids.get(r.id.as_str()).map(Vec::as_slice).unwrap_or_default();
        for (&k, g) in kids.iter().zip(self.as_groups(kids)) {
            if g {
                groups.push(self.group(k));
            } else {
                controls.push(self.control(k));
            }
        }
        Group {
            id: Some(tok),
            class,
            title: r.title.clone().unwrap_or_else(|| r.label.clone()),
            params,
            props,
            links,
            parts,
            groups,
            controls,
        }
    }
}

/// An OSCAL catalog document (`{"catalog": …}`), serialized as it is (the kept metadata and
/// back matter are written as the text they were read from).
#[derive(Debug, Serialize)]
pub struct CatalogDocument {
    /// The `catalog` object.
    pub catalog: types::Catalog,
}

/// A catalog as an OSCAL catalog document.
pub fn catalog(c: &Catalog) -> CatalogDocument {
    let mut kids: HashMap<&str, Vec<usize>> = HashMap::new();
    let mut roots = vec![];
    for (i, r) in c.requirements.iter().enumerate() {
        match &r.parent {
            Some(p) => kids.entry(p.as_str()).or_default().push(i),
            None => roots.push(i),
        }
    }
    let tree = Tree { c, kids, roots };
    let (mut groups, mut controls) = (vec![], vec![]);
    for (&i, g) in tree.roots.iter().zip(tree.as_groups(&tree.roots)) {
        if g {
            groups.push(tree.group(i));
        } else {
            controls.push(tree.control(i));
        }
    }
    let ext = c.ext.as_deref();
    let metadata = match ext.and_then(|e| e.metadata.as_deref()) {
        Some(m) => RawValue::from_string(m.to_owned()).unwrap_or_else(|_| raw(&metadata(c))),
        None => raw(&metadata(c)),
    };
    let back_matter = match ext {
        Some(e) => e.back_matter.as_deref().and_then(|b| RawValue::from_string(b.to_owned()).ok()),
        None => sources_back_matter(c).as_ref().map(raw),
    };
    let doc = types::Catalog {
        uuid: catalog_uuid(c),
        metadata,
        params: ext.and_then(|e| e.root.as_ref()).map(|r| r.params.clone()).unwrap_or_default(),
        controls,
        groups,
        back_matter,
    };
    CatalogDocument { catalog: doc }
}

/// OSCAL's relationship words; sansho's others are written in its namespace.
fn relationship(r: Relation) -> (&'static str, bool) {
    match r {
        Relation::Equivalent => ("equivalent-to", true),
        Relation::Subset => ("subset-of", true),
        Relation::Superset => ("superset-of", true),
        Relation::Intersects => ("intersects-with", true),
        Relation::NoCounterpart => ("no-relationship", true),
        other => (other.as_str(), false),
    }
}

fn metadata_simple(title: &str, version: &str, props: Vec<Prop>) -> Value {
    json!({
        "title": title,
        "last-modified": datetime(None),
        "version": version,
        "oscal-version": OSCAL_VERSION,
        "props": props,
    })
}

/// Requirements that carry text (what can be assessed or mapped), as tokens, in document order.
fn assessable(c: &Catalog) -> Vec<(&Requirement, String)> {
    c.requirements.iter().filter(|r| r.text.is_some()).map(|r| (r, token(r.id.as_str()))).collect()
}

/// A mapping set as an OSCAL mapping-collection. `source` and `target` are its catalogs; their
/// exports are referenced as back-matter resources (`<catalog id>.json`). Edges without a source
/// (`new`) or a target (`no-relationship`) cannot be maps: requirements with text that no map
/// covers are listed in the source and target gap summaries.
pub fn mapping_collection(set: &MappingSet, source: &Catalog, target: &Catalog) -> Value {
    let src_uuid = catalog_uuid(source);
    let tgt_uuid = catalog_uuid(target);
    let mut maps = vec![];
    let (mut mapped_src, mut mapped_tgt) = (BTreeSet::new(), BTreeSet::new());
    for (n, m) in set.mappings.iter().enumerate() {
        let (Some(s), Some(t)) = (&m.source, &m.target) else { continue };
        mapped_src.insert(s.as_str());
        mapped_tgt.insert(t.as_str());
        let (rel, oscal) = relationship(m.relation);
        let mut props: Vec<Prop> = vec![];
        props.extend(own("basis", m.basis.as_str()));
        for p in &m.provenance {
            props.extend(own("provenance", &p.to_string()));
        }
        for v in &m.via {
            props.extend(own("via", &v.to_string()));
        }
        let mut remarks: Vec<String> = m.note.iter().cloned().collect();
        for (k, v) in &m.attributes {
            match (crate::is_token(k), own(k, v)) {
                (true, Some(p)) => props.push(p),
                _ => remarks.push(format!("{k}: {v}")),
            }
        }
        let mut map = json!({
            "uuid": uuid_for(&format!("sansho:map:{}:{n}", set.id)),
            "matching-rationale": if m.basis == Basis::Derived { "syntactic" } else { "semantic" },
            "relationship": rel,
            "sources": [{"type": "control", "id-ref": token(s.as_str())}],
            "targets": [{"type": "control", "id-ref": token(t.as_str())}],
            "props": props,
        });
        if !oscal {
            map["ns"] = json!(NS);
        }
        if !remarks.is_empty() {
            map["remarks"] = json!(remarks.join("\n\n"));
        }
        maps.push(map);
    }
    let gap = |c: &Catalog, mapped: &BTreeSet<&str>, side: &str| -> Option<Value> {
        let ids: Vec<String> =
            assessable(c).into_iter().filter(|(r, _)| !mapped.contains(r.id.as_str())).map(|(_, t)| t).collect();
        (!ids.is_empty()).then(|| {
            json!({
                "uuid": uuid_for(&format!("sansho:gap:{}:{side}", set.id)),
                "unmapped-controls": [{"with-ids": ids}],
            })
        })
    };
    let basis = if set.derived { "automation" } else { "human" };
    let description = set.description.clone().unwrap_or_else(|| set.title.ja.clone());
    let mut mapping = json!({
        "uuid": uuid_for(&format!("sansho:mapping:{}", set.id)),
        "source-resource": {"type": "catalog", "href": format!("#{src_uuid}")},
        "target-resource": {"type": "catalog", "href": format!("#{tgt_uuid}")},
        "maps": maps,
    });
    if let Some(g) = gap(source, &mapped_src, "source") {
        mapping["source-gap-summary"] = g;
    }
    if let Some(g) = gap(target, &mapped_tgt, "target") {
        mapping["target-gap-summary"] = g;
    }
    let mut props = vec![];
    props.extend(own("mapping-set-id", &set.id));
    if let Some(en) = &set.title.en {
        props.extend(own("title-en", en));
    }
    let resource = |c: &Catalog, uuid: &str| json!({"uuid": uuid, "title": c.title.ja, "rlinks": [{"href": format!("{}.json", c.id), "media-type": "application/oscal.catalog+json"}]});
    let mut resources = vec![resource(source, &src_uuid), resource(target, &tgt_uuid)];
    for s in &set.sources {
        resources.push(json!({
            "uuid": uuid_for(&format!("sansho:source:{}", s.sha256)),
            "title": s.file,
            "description": s.description.clone().unwrap_or_else(|| s.file.clone()),
            "rlinks": [{"href": s.file, "hashes": [{"algorithm": "SHA-256", "value": s.sha256}]}],
        }));
    }
    let mut doc = json!({"mapping-collection": {
        "uuid": uuid_for(&format!("sansho:mapping-collection:{}", set.id)),
        "metadata": metadata_simple(&set.title.ja, "1", props),
        "provenance": {
            "method": basis,
            "matching-rationale": "semantic",
            "status": "complete",
            "mapping-description": description,
        },
        "mappings": [mapping],
        "back-matter": {"resources": resources},
    }});
    prune(&mut doc);
    doc
}

/// An assessment, as [`assessment_results`] needs it.
#[derive(Debug, Clone)]
pub struct AssessmentInput<'a> {
    /// The assessment's id in the store (OSCAL uuids are derived from it).
    pub id: String,
    /// The catalog assessed.
    pub catalog: &'a Catalog,
    /// The organization that owns the system (its name).
    pub organization: String,
    /// The system assessed (its name).
    pub system: String,
    /// The assessment's status word (e.g. `in-progress`).
    pub status: String,
    /// RFC 3339 time it was created.
    pub started: String,
    /// RFC 3339 time of the last change.
    pub last_modified: String,
    /// Answers by requirement (local id).
    pub findings: Vec<FindingInput>,
}

/// One stored answer.
#[derive(Debug, Clone)]
pub struct FindingInput {
    /// The requirement answered (its local id).
    pub requirement: String,
    /// The stored result word: implemented, partial, not-implemented, not-applicable, unanswered.
    pub result: String,
    /// 実施内容.
    pub how: String,
    /// 該当なし理由・備考: why it does not apply, or notes.
    pub justification: Option<String>,
    /// 担当者
    pub owner: Option<String>,
    /// 期限, `YYYY-MM-DD`.
    pub due: Option<String>,
    /// RFC 3339 time of the answer's last change.
    pub updated_at: String,
    /// The evidence linked to the answer.
    pub evidence: Vec<EvidenceInput>,
}

/// One piece of evidence linked to an answer.
#[derive(Debug, Clone)]
pub struct EvidenceInput {
    /// The evidence's id in the store (its OSCAL resource uuid is derived from it).
    pub id: String,
    /// What the evidence is, as the user named it.
    pub title: String,
    /// The uploaded file's name, when it is a file.
    pub file_name: Option<String>,
    /// Lower-case hex SHA-256 of the file.
    pub sha256: Option<String>,
    /// Where it lives, when it is a link.
    pub url: Option<String>,
    /// Effective from, `YYYY-MM-DD`.
    pub effective: String,
    /// Expires on, `YYYY-MM-DD`.
    pub expiry: Option<String>,
}

/// An assessment as OSCAL assessment-results: one result, a finding per requirement with text
/// (unanswered ones included) whose target status is `satisfied` for implemented and
/// not-applicable and `not-satisfied` otherwise (the exact word in a `result` prop), an
/// observation per answer carrying the 実施内容, and evidence as back-matter resources with
/// their SHA-256 (files) or URL (links), which observations reference.
pub fn assessment_results(a: &AssessmentInput) -> Value {
    let by_req: HashMap<&str, &FindingInput> = a.findings.iter().map(|f| (f.requirement.as_str(), f)).collect();
    let mut findings = vec![];
    let mut observations = vec![];
    let mut resources: Vec<Value> = vec![];
    let mut seen_evidence = BTreeSet::new();
    for (r, tok) in assessable(a.catalog) {
        let f = by_req.get(r.id.as_str());
        let result = f.map(|f| f.result.as_str()).unwrap_or("unanswered");
        let (state, reason, implementation) = match result {
            "implemented" => ("satisfied", "pass", Some("implemented")),
            "not-applicable" => ("satisfied", "other", Some("not-applicable")),
            "partial" => ("not-satisfied", "fail", Some("partial")),
            "not-implemented" => ("not-satisfied", "fail", None),
            _ => ("not-satisfied", "other", None),
        };
        let mut props: Vec<Prop> = own("result", result).into_iter().collect();
        props.extend(own("requirement-id", r.id.as_str()));
        let mut target = json!({
            "type": "objective-id",
            "target-id": tok,
            "status": {"state": state, "reason": reason},
        });
        if let Some(i) = implementation {
            target["implementation-status"] = json!({"state": i});
        }
        let mut finding = json!({
            "uuid": uuid_for(&format!("sansho:finding:{}:{}", a.id, r.id)),
            "title": format!("{} {}", r.label, r.title.as_deref().unwrap_or("")).trim().to_owned(),
            "description": r.text.clone().unwrap_or_default(),
            "props": props,
            "target": target,
        });
        if let Some(f) = f {
            let ouuid = uuid_for(&format!("sansho:observation:{}:{}", a.id, r.id));
            let mut oprops: Vec<Prop> = vec![];
            if let Some(o) = &f.owner {
                oprops.extend(own("owner", o));
            }
            if let Some(d) = &f.due {
                oprops.extend(own("due-date", d));
            }
            let mut obs = json!({
                "uuid": ouuid,
                "title": format!("実施内容 {}", r.label),
                "description": if f.how.trim().is_empty() { "（実施内容の記載なし）".to_owned() } else { f.how.clone() },
                "props": oprops,
                "methods": ["EXAMINE"],
                "collected": f.updated_at,
            });
            if let Some(j) = &f.justification {
                obs["remarks"] = json!(j);
            }
            let mut evidence = vec![];
            for e in &f.evidence {
                let ruuid = uuid_for(&format!("sansho:evidence:{}", e.id));
                let mut ev = json!({"href": format!("#{ruuid}"), "description": e.title});
                let mut eprops: Vec<Prop> = vec![];
                eprops.extend(own("effective-date", &e.effective));
                if let Some(x) = &e.expiry {
                    eprops.extend(own("expiry-date", x));
                }
                ev["props"] = json!(eprops);
                evidence.push(ev);
                if seen_evidence.insert(ruuid.clone()) {
                    let mut rlinks = vec![];
                    if let (Some(sha), name) = (&e.sha256, &e.file_name) {
                        rlinks.push(json!({
                            "href": format!("evidence/{}/{}", &sha[..2.min(sha.len())], &sha[2.min(sha.len())..]),
                            "hashes": [{"algorithm": "SHA-256", "value": sha}],
                        }));
                        let _ = name;
                    }
                    if let Some(u) = &e.url {
                        rlinks.push(json!({"href": u}));
                    }
                    let mut res = json!({"uuid": ruuid, "title": e.title, "rlinks": rlinks});
                    if let Some(n) = &e.file_name {
                        res["description"] = json!(n);
                    }
                    resources.push(res);
                }
            }
            if !evidence.is_empty() {
                obs["relevant-evidence"] = json!(evidence);
            }
            observations.push(obs);
            finding["related-observations"] = json!([{"observation-uuid": ouuid}]);
        }
        findings.push(finding);
    }
    let cat_uuid = catalog_uuid(a.catalog);
    resources.insert(
        0,
        json!({"uuid": cat_uuid, "title": a.catalog.title.ja, "rlinks": [{"href": format!("{}.json", a.catalog.id), "media-type": "application/oscal.catalog+json"}]}),
    );
    let mut props = vec![];
    props.extend(own("assessment-id", &a.id));
    props.extend(own("catalog-id", a.catalog.id.as_str()));
    props.extend(own("organization", &a.organization));
    props.extend(own("system", &a.system));
    props.extend(own("status", &a.status));
    let mut metadata = metadata_simple(&format!("{} — {}", a.system, a.catalog.title.ja), "1", props);
    metadata["last-modified"] = json!(a.last_modified);
    let mut result = json!({
        "uuid": uuid_for(&format!("sansho:result:{}", a.id)),
        "title": format!("{} / {}", a.organization, a.system),
        "description": format!("{}（{}）に対する自己点検の結果", a.catalog.title.ja, a.catalog.edition),
        "start": a.started,
        "reviewed-controls": {"control-selections": [{"include-all": {}}]},
        "findings": findings,
    });
    if !observations.is_empty() {
        result["observations"] = json!(observations);
    }
    let mut doc = json!({"assessment-results": {
        "uuid": uuid_for(&format!("sansho:assessment-results:{}", a.id)),
        "metadata": metadata,
        "import-ap": {"href": format!("#{cat_uuid}"), "remarks": "sansho has no assessment plan: the catalog assessed against is referenced instead."},
        "results": [result],
        "back-matter": {"resources": resources},
    }});
    prune(&mut doc);
    doc
}

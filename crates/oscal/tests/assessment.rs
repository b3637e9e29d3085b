//! An assessment as OSCAL assessment-results: a finding per requirement with text, its status
//! from the stored result word, observations with the 実施内容 and evidence with hashes.

use sansho_oscal::{AssessmentInput, EvidenceInput, FindingInput, assessment_results};
use serde_json::Value;

fn answer(req: &str, result: &str, how: &str) -> FindingInput {
    FindingInput {
        requirement: req.to_owned(),
        result: result.to_owned(),
        how: how.to_owned(),
        justification: None,
        owner: None,
        due: None,
        updated_at: "2026-04-01T09:00:00.000Z".to_owned(),
        evidence: vec![],
    }
}

#[test]
fn findings_observations_and_evidence() {
    let loaded = sansho_catalog::load(&sansho_catalog::bundled_sources());
    let set = loaded.set.unwrap();
    let c = set.catalog("mhlw-3-checklist").unwrap();
    let reqs: Vec<&str> = c.requirements.iter().filter(|r| r.text.is_some()).map(|r| r.id.as_str()).collect();
    let words = ["implemented", "partial", "not-implemented", "not-applicable", "unanswered"];
    let mut findings: Vec<FindingInput> =
        words.iter().zip(&reqs).map(|(w, r)| answer(r, w, &format!("{w} の実施内容"))).collect();
    findings[3].justification = Some("無線LANを使用していない".to_owned());
    findings[0].evidence.push(EvidenceInput {
        id: "e1".to_owned(),
        title: "規程".to_owned(),
        file_name: Some("規程.pdf".to_owned()),
        sha256: Some("ab".repeat(32)),
        url: None,
        effective: "2026-04-01".to_owned(),
        expiry: Some("2027-03-31".to_owned()),
    });
    findings[1].evidence.push(EvidenceInput {
        id: "e2".to_owned(),
        title: "手順書".to_owned(),
        file_name: None,
        sha256: None,
        url: Some("https://example.jp/tejun".to_owned()),
        effective: "2026-04-01".to_owned(),
        expiry: None,
    });
    let input = AssessmentInput {
        id: "a1".to_owned(),
        catalog: c,
        organization: "病院".to_owned(),
        system: "電子カルテ".to_owned(),
        status: "draft".to_owned(),
        started: "2026-04-01T00:00:00.000Z".to_owned(),
        last_modified: "2026-04-02T00:00:00.000Z".to_owned(),
        findings,
    };
    let v = assessment_results(&input);
    assert_eq!(v, assessment_results(&input), "deterministic");
    let r = &v["assessment-results"]["results"][0];
    let fs = r["findings"].as_array().unwrap();
    assert_eq!(fs.len(), reqs.len(), "a finding per requirement with text");
    let expect = [
        ("satisfied", "pass", Some("implemented")),
        ("not-satisfied", "fail", Some("partial")),
        ("not-satisfied", "fail", None),
        ("satisfied", "other", Some("not-applicable")),
        ("not-satisfied", "other", None),
    ];
    for (i, (state, reason, implementation)) in expect.iter().enumerate() {
        let t = &fs[i]["target"];
        assert_eq!(t["target-id"], sansho_oscal::token(reqs[i]));
        assert_eq!(
            (t["status"]["state"].as_str(), t["status"]["reason"].as_str()),
            (Some(*state), Some(*reason)),
            "{}",
            words[i]
        );
        assert_eq!(t["implementation-status"]["state"].as_str(), *implementation, "{}", words[i]);
        let result = fs[i]["props"].as_array().unwrap().iter().find(|p| p["name"] == "result").unwrap();
        assert_eq!(result["value"], words[i]);
    }
    // An unanswered requirement (no stored answer) has a finding and no observation.
    assert_eq!(fs[5]["target"]["status"]["state"], "not-satisfied");
    assert!(fs[5].get("related-observations").is_none());
    let obs = r["observations"].as_array().unwrap();
    assert_eq!(obs.len(), 5);
    assert_eq!(obs[0]["description"], "implemented の実施内容");
    assert_eq!(obs[3]["remarks"], "無線LANを使用していない");
    let resources = v["assessment-results"]["back-matter"]["resources"].as_array().unwrap();
    let by_href = |o: &Value| {
        let h = o["relevant-evidence"][0]["href"].as_str().unwrap().trim_start_matches('#').to_owned();
        resources.iter().find(|x| x["uuid"] == h.as_str()).unwrap().clone()
    };
    let file = by_href(&obs[0]);
    assert_eq!(file["rlinks"][0]["hashes"][0]["value"], "ab".repeat(32));
    let link = by_href(&obs[1]);
    assert_eq!(link["rlinks"][0]["href"], "https://example.jp/tejun");
    // No empty arrays anywhere (OSCAL arrays have a member).
    fn no_empty(v: &Value) {
        match v {
            Value::Array(a) => {
                assert!(!a.is_empty());
                a.iter().for_each(no_empty)
            }
            Value::Object(m) => m.values().for_each(no_empty),
            _ => {}
        }
    }
    no_empty(&v);
}

//! Seed 001, phase 3: the `meti-mic-2` catalog from the tables of contents and the quotes.

use sansho_core::{Catalog, CatalogId, CatalogKind, Localized, NodeKind, Requirement};

use super::{CIRCLED, CONSIDERATIONS, Claim, Cx, METI, Quotes, Toc, TocSource, local, pages_phrase, ranges_ja};
use crate::{ImportError, ImportReport};

impl Cx<'_> {
    /// The `meti-mic-2` catalog: chapters 2–6 and their sections from the tables of contents,
    /// with the quoted text; quoted text of any other section is rejected.
    pub(super) fn build_meti(
        &self,
        toc: &Toc,
        quotes: &Quotes,
        report: &mut ImportReport,
    ) -> Result<Catalog, ImportError> {
        let seed = self.seed;
        let mut reqs = Vec::new();
        let mut chapters = 0;
        let mut sections = 0;
        for (no, claims) in &toc.claims {
            let listed: Vec<&Claim> = claims.iter().filter(|c| c.source != TocSource::Heading).collect();
            if listed.is_empty() || !(2..=6).contains(&no.0[0]) {
                continue;
            }
            let best = listed.iter().min_by_key(|c| (c.source, c.line)).expect("non-empty");
            let page = listed
                .iter()
                .filter(|c| c.page.is_some())
                .min_by_key(|c| (c.source, c.line))
                .and_then(|c| c.page.clone());
            let kind = if no.0.len() == 1 { NodeKind::Chapter } else { NodeKind::Section };
            let label = no.to_string();
            let mut r = Requirement::new(local(&label), kind, label.clone());
            if let Some(parent) = no.parent() {
                if !toc.claims.contains_key(&parent) {
                    return Err(
                        self.err(best.line, format!("section {no} has no parent {parent} in the tables of contents"))
                    );
                }
                r.parent = Some(local(&parent.to_string()));
            }
            r.title = Some(best.title.clone());
            r.page = page.clone();
            let mut lines: Vec<u32> = listed.iter().map(|c| c.line).collect();
            lines.sort_unstable();
            lines.dedup();
            r.provenance = lines.iter().map(|&l| seed.provenance(l)).collect();
            let mut notes = Vec::new();
            if page.is_none() {
                let mut cited: Vec<String> = Vec::new();
                for c in claims.iter().filter(|c| c.source == TocSource::Heading) {
                    let p = c.page.as_deref().unwrap_or("");
                    if !cited.iter().any(|x| x.starts_with(&format!("{p}頁（"))) {
                        cited.push(format!("{p}頁（{}行目）", c.line));
                    }
                }
                let mut note = "出典001のいずれの目次にも、この見出しの頁は記載されていない。".to_owned();
                if !cited.is_empty() {
                    note.push_str(&format!(
                        "調査報告書の節見出しは{}を挙げているが、これは印刷された頁として採用していない（第5章では、\
                         そうした見出しが27頁を挙げる一方、ガイドライン自体の目次は25頁としている）。",
                        cited.join("、")
                    ));
                }
                notes.push(note);
            }
            match quotes.sections.get(no) {
                Some(qt) if !qt.paras.is_empty() => {
                    r.text = Some(qt.paras.join("\n"));
                    r.provenance.extend(qt.ranges.iter().map(|&(a, b)| seed.provenance_range(a, b)));
                    notes.push(format!(
                        "本文：出典001が本節から原文のまま引用している箇所（{}）を引用順に収録したもので、節の全文ではない。",
                        pages_phrase(&qt.pages)
                    ));
                }
                _ => notes.push("出典001には見出しのみが記載され、本文は含まれない。".to_owned()),
            }
            r.note = Some(notes.concat());
            if kind == NodeKind::Chapter {
                chapters += 1;
            } else {
                sections += 1;
            }
            reqs.push(r);

            if label == CONSIDERATIONS {
                let items = self.considerations(quotes, report)?;
                reqs.extend(items);
            }
        }
        for (no, qt) in &quotes.sections {
            if !reqs.iter().any(|r| r.id.as_str() == no.to_string()) {
                let line = qt.ranges.first().map_or(0, |r| r.0);
                report.reject(
                    line,
                    format!(
                        "quoted text of 2省GL {no}, a section outside chapters 2–6 or not in any table of contents"
                    ),
                );
            }
        }
        report.count(format!("{METI} chapters"), chapters);
        report.count(format!("{METI} sections"), sections);

        Ok(Catalog {
            id: CatalogId::parse(METI).expect("constant"),
            title: Localized::new(
                "医療情報を取り扱う情報システム・サービスの提供事業者における安全管理ガイドライン",
                "Guideline on safety management for providers of information systems and services handling medical information",
            ),
            issuers: vec!["経済産業省".to_owned(), "総務省".to_owned()],
            edition: "第2.0版".to_owned(),
            date: Some("2025-03".to_owned()),
            kind: CatalogKind::Guideline,
            sources: vec![seed.source_doc(
                "PHR指針及び2省GLの改定に関する2026年2月の調査報告書（令和7年度ヘルスケア産業基盤高度化推進事業 \
                 調査報告書）：2省GLの目次と、報告書が引用する箇所",
            )],
            description: Some(
                "出典001から分かる範囲の2省GL 第2.0版：第2～6章とその節、および出典001の目次に記載された頁、\
                 リスクマネジメントの手順5.1.1～5.1.7と5.2、5.1.5の医療情報システム等特有の考慮事項①～⑧\
                 （⑦と⑧は調査報告書による提案のみ）。本文は出典001がガイドラインを原文のまま引用している箇所に限り、\
                 調査報告書による改定案の文言は用いない。発行者：出典001の39行目（経済産業省と総務省）。\
                 日付：出典001が引用するガイドラインのファイルは01gl_20250328.pdf（567行目、660行目）であり、\
                 39行目に令和6年度に改定されたとある。第1章と別紙は出典に含まれない。"
                    .to_owned(),
            ),
            requirements: reqs,
            outline: None,
            ext: None,
        })
    }

    /// 特有の考慮事項 ①… under 5.1.5: quoted ones with text, proposals with a note only.
    fn considerations(&self, quotes: &Quotes, report: &mut ImportReport) -> Result<Vec<Requirement>, ImportError> {
        let seed = self.seed;
        let max = quotes.considerations.keys().chain(quotes.proposals.keys()).copied().max().unwrap_or(0);
        let mut out = Vec::new();
        let (mut quoted_n, mut proposed_n) = (0, 0);
        for i in 1..=max {
            let mut r = Requirement::new(
                local(&format!("{CONSIDERATIONS}-c{i}")),
                NodeKind::Item,
                format!("{CONSIDERATIONS} {}", CIRCLED[i - 1]),
            );
            r.parent = Some(local(CONSIDERATIONS));
            if let Some(c) = quotes.considerations.get(&i) {
                r.title = Some(c.title.clone());
                if c.quoted.paras.is_empty() {
                    return Err(self.err(c.heading_line, "a quoted 特有の考慮事項 has a heading but no text"));
                }
                r.text = Some(c.quoted.paras.join("\n"));
                r.provenance = c.quoted.ranges.iter().map(|&(a, b)| seed.provenance_range(a, b)).collect();
                r.note = Some(format!(
                    "5.1.5 (1)「(イ)医療情報システム等特有の考慮事項」の項目。本文は出典001に原文のまま引用されたもの（{}）。",
                    pages_phrase(&c.quoted.pages)
                ));
                quoted_n += 1;
            } else if let Some(p) = quotes.proposals.get(&i) {
                r.title = Some(p.title.clone());
                let mut lines = p.mentions.clone();
                lines.push(p.heading_line);
                lines.sort_unstable();
                lines.dedup();
                r.provenance = lines.iter().map(|&l| seed.provenance(l)).collect();
                r.note = Some(format!(
                    "提案（第2.0版には存在しない）：調査報告書は特有の考慮事項に{}を追加することを提案している\
                     （出典001の{}行目）。見出しは調査報告書が提案する見出し（{}行目）。ガイドラインには本項の本文がなく、\
                     調査報告書の提案文言はガイドラインの本文ではないため、本文は収録しない。",
                    CIRCLED[i - 1],
                    ranges_ja(&p.mentions),
                    p.heading_line
                ));
                proposed_n += 1;
            } else {
                return Err(self.err(0, format!("特有の考慮事項 {} is neither quoted nor proposed", CIRCLED[i - 1])));
            }
            out.push(r);
        }
        report.count(format!("{METI} 特有の考慮事項 quoted"), quoted_n);
        report.count(format!("{METI} 特有の考慮事項 proposed only"), proposed_n);
        Ok(out)
    }
}

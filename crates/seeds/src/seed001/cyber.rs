//! Seed 001, phase 4: サイバーインフラGL — the summary table (groups and requirements), the
//! detail tables (wording, 差分, 対応案), the other places that cite a requirement, then the
//! `cyber-infra` catalog and its mapping set to `meti-mic-2`.

use std::collections::BTreeMap;

use sansho_core::{
    Basis, Catalog, CatalogId, CatalogKind, Localized, Mapping, MappingSet, NodeKind, Relation, Requirement,
};

use super::{
    CYBER, Cx, GROUP_CELL, ITEM_CELL, METI, S_LABEL_CELL, S_LABEL_QUOTED, SECTION_REF, SET, SUB_ITEM, SectionNo, local,
    ranges, squash,
};
use crate::text::clean;
use crate::{ImportError, ImportReport, Seed};

/// A requirement row of the summary table.
struct Row {
    group: u32,
    item: u32,
    title: String,
    covered: String,
    how: String,
    scope: String,
    line: u32,
}

/// A group cell of the summary table: `N title description`.
struct Group {
    no: u32,
    title: String,
    text: String,
    line: u32,
}

/// A row of the detail tables.
struct Detail {
    summary: String,
    gap: String,
    scope: String,
    /// The 2省GL sections its 対応案 names (the deepest of each line of descent).
    sections: Vec<SectionNo>,
    line: u32,
}

/// What the tables give, by requirement `(group, item)`.
struct Tables {
    groups: Vec<Group>,
    rows: Vec<Row>,
    details: BTreeMap<(u32, u32), Detail>,
    /// Other lines that print a requirement's label with its title.
    mentions: BTreeMap<(u32, u32), Vec<u32>>,
}

impl Cx<'_> {
    /// The `cyber-infra` catalog and its mapping set to `meti` (the built `meti-mic-2`).
    pub(super) fn read_cyber(
        &self,
        meti: &Catalog,
        report: &mut ImportReport,
    ) -> Result<(Catalog, MappingSet), ImportError> {
        let (groups, rows) = self.summary_table(report)?;
        let details = self.detail_tables(&rows, meti, report)?;
        let mentions = self.mentions(&rows, report);
        self.sub_items(report);
        let t = Tables { groups, rows, details, mentions };
        let reqs = cyber_requirements(self.seed, &t, report);
        let mappings = self.mappings(&t, meti, report)?;
        Ok(cyber_catalog(self.seed, reqs, mappings))
    }

    /// The summary table 「… 検討結果 (1/5)」: groups and their requirements, in order, each with
    /// 2省GLの記載有無, 追記方法 and 適用範囲.
    fn summary_table(&self, report: &mut ImportReport) -> Result<(Vec<Group>, Vec<Row>), ImportError> {
        let mut groups: Vec<Group> = Vec::new();
        let mut rows: Vec<Row> = Vec::new();
        let header = self
            .numbered()
            .find(|(_, l)| l.starts_with("サイバーインフラGL 要求事項") && l.contains("2省GLの取り込み方針"))
            .map(|(n, _)| n)
            .ok_or_else(|| self.err(0, "the サイバーインフラGL summary table (サイバーインフラGL 要求事項 / 2省GLの取り込み方針) was not found"))?;
        let sub = self.line(header + 1);
        if !(sub.contains("2省GLの記載有無") && sub.contains("追記方法") && sub.contains("適用範囲")) {
            return Err(self.err(header + 1, "expected the heads 2省GLの記載有無 / 追記方法 / 適用範囲"));
        }
        let mut n = header + 2;
        while (n as usize) <= self.lines.len() && !self.line(n).trim().is_empty() {
            let l = self.line(n);
            let cells: Vec<&str> = l.split('\t').map(str::trim).collect();
            if cells.len() != 6 {
                return Err(self.err(n, format!("summary row has {} cells, expected 6", cells.len())));
            }
            if !cells[0].is_empty() {
                let c = GROUP_CELL
                    .captures(cells[0])
                    .ok_or_else(|| self.err(n, "group cell is not `N title description`"))?;
                let no: u32 = c[1].parse().map_err(|_| self.err(n, "bad group number"))?;
                if no as usize != groups.len() + 1 {
                    return Err(self.err(n, format!("group {no} out of order")));
                }
                groups.push(Group { no, title: c[2].to_owned(), text: clean(&c[3]), line: n });
            }
            let g = groups.last().ok_or_else(|| self.err(n, "requirement row before any group"))?;
            rows.push(self.summary_row(n, &cells, g.no, &rows)?);
            n += 1;
        }
        report.rows_read += rows.len();
        report.notes.push(format!(
            "{CYBER}: the summary table 「サイバーセキュリティに関する整理 検討結果 (1/5)」 (lines {header}–{}) gives {} groups \
             and {} requirements with 2省GLの記載有無 / 追記方法 / 適用範囲; it prints them as `1.1.`, labelled here \
             `S(1)-1` as the detail tables and the survey's references print them.",
            n - 1,
            groups.len(),
            rows.len()
        ));
        Ok((groups, rows))
    }

    /// One requirement row of the summary table (line `n`) in group `group`, after `rows`.
    fn summary_row(&self, n: u32, cells: &[&str], group: u32, rows: &[Row]) -> Result<Row, ImportError> {
        let c = ITEM_CELL.captures(cells[1]).ok_or_else(|| self.err(n, "item cell is not `N.M.`"))?;
        let (gi, ii): (u32, u32) = (c[1].parse().unwrap_or(0), c[2].parse().unwrap_or(0));
        let expected = rows.iter().filter(|r| r.group == group).count() as u32 + 1;
        if gi != group || ii != expected {
            return Err(
                self.err(n, format!("item {gi}.{ii} does not follow in group {group} (expected {group}.{expected})"))
            );
        }
        let title = cells[2].trim_end_matches('→').trim().to_owned();
        for (v, head) in [(cells[3], "2省GLの記載有無"), (cells[4], "追記方法"), (cells[5], "適用範囲")] {
            if v.is_empty() {
                return Err(self.err(n, format!("empty {head}")));
            }
        }
        if !matches!(cells[3], "記載なし" | "一部記載あり" | "記載あり") {
            return Err(self.err(n, format!("unknown 2省GLの記載有無 {:?}", cells[3])));
        }
        Ok(Row {
            group,
            item: ii,
            title: clean(&title),
            covered: cells[3].to_owned(),
            how: clean(cells[4]),
            scope: clean(cells[5]),
            line: n,
        })
    }

    /// The detail tables (2/5–4/5): rows `S(N)-M title` with 概要 (the requirement's wording),
    /// 差分, 適用範囲 and 対応案, each checked against the summary table.
    fn detail_tables(
        &self,
        rows: &[Row],
        meti: &Catalog,
        report: &mut ImportReport,
    ) -> Result<BTreeMap<(u32, u32), Detail>, ImportError> {
        let mut details: BTreeMap<(u32, u32), Detail> = BTreeMap::new();
        for (n, l) in self.numbered() {
            let cells: Vec<&str> = l.split('\t').map(str::trim).collect();
            let Some(c) = S_LABEL_CELL.captures(cells[0]) else { continue };
            if cells.len() != 6 {
                return Err(self.err(n, format!("detail row has {} cells, expected 6", cells.len())));
            }
            let key: (u32, u32) = (c[1].parse().unwrap_or(0), c[2].parse().unwrap_or(0));
            let row = rows
                .iter()
                .find(|r| (r.group, r.item) == key)
                .ok_or_else(|| self.err(n, format!("S({})-{} is not in the summary table", key.0, key.1)))?;
            if squash(&c[3]) != squash(&row.title) {
                return Err(self.err(
                    n,
                    format!(
                        "S({})-{} is titled 「{}」 here but 「{}」 in the summary table",
                        key.0, key.1, &c[3], row.title
                    ),
                ));
            }
            if squash(cells[4]) != squash(&row.scope) {
                return Err(
                    self.err(n, format!("適用範囲 {:?} differs from the summary table's {:?}", cells[4], row.scope))
                );
            }
            let mut sections: Vec<SectionNo> = Vec::new();
            for c in SECTION_REF.captures_iter(cells[5]) {
                let s = c.get(1).or_else(|| c.get(2)).expect("one group").as_str();
                if let Some(no) = SectionNo::parse(s).filter(|no| meti.get(&no.to_string()).is_some())
                    && !sections.contains(&no)
                {
                    sections.push(no);
                }
            }
            let all = sections.clone();
            sections.retain(|s| !all.iter().any(|o| s.is_ancestor_of(o)));
            details.insert(
                key,
                Detail { summary: clean(cells[1]), gap: clean(cells[2]), scope: clean(cells[4]), sections, line: n },
            );
        }
        report.rows_read += details.len();
        report.notes.push(format!(
            "{CYBER}: detail tables (2/5–4/5) give the wording (概要) and the survey's 差分 / 対応案 of {} requirements \
             (lines {}); the others have only their heading in 001.",
            details.len(),
            ranges(&details.values().map(|d| d.line).collect::<Vec<_>>())
        ));
        Ok(details)
    }

    /// Other places that print an S-label with its title: checked, and kept as provenance.
    fn mentions(&self, rows: &[Row], report: &mut ImportReport) -> BTreeMap<(u32, u32), Vec<u32>> {
        let mut mentions: BTreeMap<(u32, u32), Vec<u32>> = BTreeMap::new();
        for (n, l) in self.numbered() {
            for c in S_LABEL_QUOTED.captures_iter(l) {
                let key: (u32, u32) = (c[1].parse().unwrap_or(0), c[2].parse().unwrap_or(0));
                match rows.iter().find(|r| (r.group, r.item) == key) {
                    Some(r) if squash(&r.title) == squash(&c[3]) => mentions.entry(key).or_default().push(n),
                    _ => report.notes.push(format!(
                        "{CYBER}: line {n} cites S({})-{}「{}」, which does not match the summary table; ignored.",
                        key.0, key.1, &c[3]
                    )),
                }
            }
        }
        mentions
    }

    /// Sub-items the survey cites (S(2)-4.1) but no table lists: reported, not imported.
    fn sub_items(&self, report: &mut ImportReport) {
        for (n, l) in self.numbered() {
            for c in SUB_ITEM.captures_iter(l) {
                report.notes.push(format!(
                    "{CYBER}: line {n} cites S({})-{}.{}, a sub-item of S({})-{} that 001 does not list (only the \
                     survey's paraphrase of it); not imported.",
                    &c[1], &c[2], &c[3], &c[1], &c[2]
                ));
            }
        }
    }

    /// The mapping set's entries, a row at a time: 記載なし → no-relationship (with the
    /// place the 対応案 proposes as 追記先); otherwise intersects-with each section the 対応案
    /// names, or one entry without a target when it names none (listed in the report).
    fn mappings(&self, t: &Tables, meti: &Catalog, report: &mut ImportReport) -> Result<Vec<Mapping>, ImportError> {
        let mut mappings = Vec::new();
        let mut unlocated = Vec::new();
        for row in &t.rows {
            let detail = t.details.get(&(row.group, row.item));
            if let Some(d) = detail
                && d.scope != row.scope
            {
                return Err(self.err(d.line, "適用範囲 differs between summary and detail table"));
            }
            let named: Vec<&SectionNo> = detail.map(|d| d.sections.iter().collect()).unwrap_or_default();
            if row.covered != "記載なし" && named.is_empty() {
                unlocated.push((format!("S({})-{}", row.group, row.item), row.line));
            }
            mappings.extend(row_mappings(self.seed, row, detail, &named, meti));
        }
        report.count(format!("{SET} requirements partly covered, section not named"), unlocated.len());
        if !unlocated.is_empty() {
            report.notes.push(format!(
                "{SET}: {} requirements are marked 一部記載あり but 001 does not name the 2省GL section that covers them, \
                 so their entry is intersects-with without a target (partly covered, section unstated): {}.",
                unlocated.len(),
                unlocated.iter().map(|(l, n)| format!("{l} (line {n})")).collect::<Vec<_>>().join(", ")
            ));
        }
        Ok(mappings)
    }
}

/// The groups (chapters) and requirements (items) of `cyber-infra`: wording from the detail
/// tables where they give it, provenance from every line that names the requirement.
fn cyber_requirements(seed: &Seed, t: &Tables, report: &mut ImportReport) -> Vec<Requirement> {
    let mut reqs = Vec::new();
    for g in &t.groups {
        let mut r = Requirement::new(local(&format!("g{}", g.no)), NodeKind::Chapter, g.no.to_string());
        r.title = Some(g.title.clone());
        r.text = Some(g.text.clone());
        r.provenance = vec![seed.provenance(g.line)];
        r.note = Some(
            "要求事項のグループ。見出しと本文は、出典001の一覧表のグループのセル（「サイバーインフラGL 要求事項」列）による。"
                .to_owned(),
        );
        reqs.push(r);
        for row in t.rows.iter().filter(|r| r.group == g.no) {
            let label = format!("S({})-{}", row.group, row.item);
            let mut r = Requirement::new(local(&format!("S{}-{}", row.group, row.item)), NodeKind::Item, label);
            r.parent = Some(local(&format!("g{}", g.no)));
            r.title = Some(row.title.clone());
            r.provenance = vec![seed.provenance(row.line)];
            let mut note = format!("出典001の一覧表（{}行目）では「{}.{}.」と記載。", row.line, row.group, row.item);
            match t.details.get(&(row.group, row.item)) {
                Some(d) => {
                    r.text = Some(d.summary.clone());
                    r.provenance.push(seed.provenance(d.line));
                    note.push_str(&format!("本文は出典001の詳細表の概要列（{}行目）による。", d.line));
                }
                None => note.push_str("出典001には本要求事項の見出しのみが記載され、本文は含まれない。"),
            }
            if let Some(ms) = t.mentions.get(&(row.group, row.item)) {
                r.provenance.extend(ms.iter().map(|&l| seed.provenance(l)));
            }
            r.note = Some(note);
            reqs.push(r);
        }
    }
    report.count(format!("{CYBER} groups"), t.groups.len());
    report.count(format!("{CYBER} requirements"), t.rows.len());
    reqs
}

/// The mapping entries of one summary row, given its detail row and the sections its 対応案
/// names (`named`).
fn row_mappings(seed: &Seed, row: &Row, detail: Option<&Detail>, named: &[&SectionNo], meti: &Catalog) -> Vec<Mapping> {
    let source = local(&format!("S{}-{}", row.group, row.item));
    let mut attributes = BTreeMap::new();
    attributes.insert("2省GLの記載有無".to_owned(), row.covered.clone());
    attributes.insert("追記方法".to_owned(), row.how.clone());
    attributes.insert("適用範囲".to_owned(), row.scope.clone());
    let mut provenance = vec![seed.provenance(row.line)];
    if let Some(d) = detail {
        attributes.insert("差分".to_owned(), d.gap.clone());
        provenance.push(seed.provenance(d.line));
    }
    let section_ref = |no: &SectionNo| {
        let title = meti.get(&no.to_string()).and_then(|r| r.title.clone()).unwrap_or_default();
        format!("{no} {title}")
    };
    if row.covered == "記載なし" {
        let mut m = Mapping::new(Some(source), None, Relation::NoCounterpart, Basis::Source);
        let mut note = "出典001の表：2省GLには本要求事項に関する記載がない（記載なし）。".to_owned();
        if !named.is_empty() {
            let places: Vec<String> = named.iter().map(|s| section_ref(s)).collect();
            attributes.insert("追記先".to_owned(), places.join(" / "));
            note.push_str(&format!(
                "調査報告書の対応案（{}行目）は、「{}」への追記を提案している。",
                detail.map_or(0, |d| d.line),
                places.join("」、「")
            ));
        }
        m.note = Some(note);
        m.attributes = attributes;
        m.provenance = provenance;
        return vec![m];
    }
    if named.is_empty() {
        // Partly covered, the place unstated: an overlap without a target.
        let mut m = Mapping::new(Some(source), None, Relation::Intersects, Basis::Source);
        attributes.insert("2省GL該当箇所".to_owned(), "記載なし（出典001は該当箇所を示していない）".to_owned());
        m.note = Some(format!(
            "出典001の表：2省GLには本要求事項の一部が記載されている（{}）が、表も調査報告書も該当箇所を\
             示していないため、対応先は記載されていない。",
            row.covered
        ));
        m.attributes = attributes;
        m.provenance = provenance;
        return vec![m];
    }
    let mut out = Vec::new();
    for no in named {
        let mut m =
            Mapping::new(Some(source.clone()), Some(local(&no.to_string())), Relation::Intersects, Basis::Source);
        let mut attrs = attributes.clone();
        attrs.insert("2省GL該当箇所".to_owned(), section_ref(no));
        m.attributes = attrs;
        m.note = Some(format!(
            "出典001の表：2省GLには本要求事項の一部が記載されている（{}）。調査報告書の対応案（{}行目）は、\
             追記または注記する箇所として「{}」を挙げている。",
            row.covered,
            detail.map_or(0, |d| d.line),
            section_ref(no)
        ));
        m.provenance = provenance.clone();
        out.push(m);
    }
    out
}

/// The `cyber-infra` catalog and the mapping set `cyber-infra--meti-mic-2` around their contents.
fn cyber_catalog(seed: &Seed, reqs: Vec<Requirement>, mappings: Vec<Mapping>) -> (Catalog, MappingSet) {
    let catalog = Catalog {
        id: CatalogId::parse(CYBER).expect("constant"),
        title: Localized::new(
            "サイバーインフラ事業者に求められる役割等に関するガイドライン",
            "Guideline on the roles expected of cyber-infrastructure providers",
        ),
        issuers: vec!["経済産業省".to_owned(), "内閣官房".to_owned()],
        edition: "案".to_owned(),
        date: None,
        kind: CatalogKind::Guideline,
        sources: vec![seed.source_doc(
            "2026年2月の調査報告書（令和7年度ヘルスケア産業基盤高度化推進事業 調査報告書）：サイバーインフラGLの\
             21の要求事項と、その2省GLでの扱いを整理した表",
        )],
        description: Some(
            "出典001が列挙するサイバーインフラGLの要求事項（グループ1～6）。出典001は本ガイドラインを案としている\
             （2170行目の「…ガイドライン（案）」、「サイバーインフラGL案」）。発行者は出典001の2297行目の記載による\
             （「経済産業省および内閣官房が定める」）。文言（概要）が出典に記載されているのは3件の要求事項のみで、\
             その他は見出しのみ。"
                .to_owned(),
        ),
        requirements: reqs,
        outline: None,
        ext: None,
    };
    let set = MappingSet {
        id: SET.to_owned(),
        title: Localized::new(
            "サイバーインフラGL 要求事項 → 2省GL 第2.0版 (2省GLの取り込み方針)",
            "Cyber-infrastructure GL requirements → METI/MIC GL 2.0",
        ),
        source: CatalogId::parse(CYBER).expect("constant"),
        target: CatalogId::parse(METI).expect("constant"),
        derived: false,
        sources: catalog.sources.clone(),
        description: Some(
            "出典001の表「サイバーセキュリティに関する整理 検討結果」による。記載なし → 明文規定なし（no-relationship）、\
             一部記載あり → 調査報告書の対応案が挙げる2省GLの節への対応（intersects-with）。該当箇所が示されていない\
             一部記載ありは、対応先のない対応（一部記載あり・該当箇所の記載なし）とする。属性は、表のセルを\
             表自体の列見出しのもとに収めたもの。"
                .to_owned(),
        ),
        mappings,
    };
    (catalog, set)
}

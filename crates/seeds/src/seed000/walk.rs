//! Seed 000, phase 4: the walk over the repaired rows. Each row gives its MIC node, then its
//! MHLW side (nodes placed by the row above, the row's edge) and its METI side (one node per
//! measure, an edge to each). What the walk builds is taken apart by [`super::import`].

use std::collections::{BTreeMap, BTreeSet, HashMap};

use sansho_core::{Level, NodeKind, Relation};

use super::{
    CellNode, Edges, HEAD, ITEM, LOC, MLOC, MSEC, MTEXT, MTITLE, MhlwCtx, MicSkeleton, RE_METI_LOC, RE_MIC_ITEM,
    RE_SECNUM, RE_WHOLE_SECTION, Row, SEC, Store, Structure, Style, TEXT, Tok, circled, ensure_mic, heading_like,
    marker_at, mhlw_category, norm, num_key, ov_err, split_meti, split_mhlw,
};
use crate::report::ImportReport;
use crate::text::clean;
use crate::{ImportError, Overrides};

/// MHLW chapters and sections, made when a row first cites them (titles from seed 004), with
/// the seed-004 lines that name each (their provenance comes first).
pub(super) struct MhlwSections<'a> {
    st: &'a Structure,
    file: &'a str,
    s004: &'a str,
    pub(super) lines: BTreeMap<String, Vec<u32>>,
}

impl<'a> MhlwSections<'a> {
    pub(super) fn new(st: &'a Structure, file: &'a str, s004: &'a str) -> Self {
        Self { st, file, s004, lines: BTreeMap::new() }
    }

    /// The section `sec` a row at `line` cites, with its chapter and the nearest ancestor
    /// section seed 004 names (8.1 for 8.1.2); an error if seed 004 does not name it.
    fn ensure(&mut self, mhlw: &mut Store, sec: &str, line: u32) -> Result<String, ImportError> {
        let (st, file, s004) = (self.st, self.file, self.s004);
        let parts: Vec<&str> = sec.split('.').collect();
        let ch: u32 = parts[0].parse().unwrap_or(0);
        let ch_id = format!("ch{ch}");
        let (ch_title, ch_line) = st.mhlw_chapters.get(&ch).cloned().ok_or_else(|| {
            ImportError::at(file, line as usize, SEC + 1, format!("chapter {ch} of section {sec} is not in seed 004"))
        })?;
        let i = mhlw.ensure(s004, ch_line, &ch_id, None, NodeKind::Chapter, &format!("第{ch}章"), vec![(0, ch, 0)])?;
        mhlw.nodes[i].req.title = Some(ch_title);
        self.lines.entry(ch_id.clone()).or_default().push(ch_line);
        // The nearest ancestor section seed 004 names (8.1 for 8.1.2), else the chapter.
        let mut parent = ch_id;
        for k in 2..parts.len() {
            let anc = parts[..k].join(".");
            if let Some((t, l)) = st.mhlw_sections.get(&anc) {
                let i = mhlw.ensure(s004, *l, &anc, Some(&parent), NodeKind::Section, &anc, num_key(&anc))?;
                mhlw.nodes[i].req.title = Some(t.clone());
                self.lines.entry(anc.clone()).or_default().push(*l);
                parent = anc;
            }
        }
        let (title, l) = st.mhlw_sections.get(sec).cloned().ok_or_else(|| {
            ImportError::at(file, line as usize, SEC + 1, format!("section {sec} is not in seed 004"))
        })?;
        let i = mhlw.ensure(s004, l, sec, Some(&parent), NodeKind::Section, sec, num_key(sec))?;
        mhlw.nodes[i].req.title = Some(title);
        mhlw.nodes[i].req.category = mhlw_category(sec);
        self.lines.entry(sec.to_owned()).or_default().push(l);
        mhlw.touch(sec, line);
        Ok(sec.to_owned())
    }
}

/// The walk's state: the catalogs being built, the edges found and what the rows above left
/// (the current MIC item and sub-item, the MHLW place of the previous row, headings and METI
/// titles and topics seen so far).
pub(super) struct Walk<'a> {
    file: &'a str,
    ov: &'a Overrides,
    pub(super) report: ImportReport,
    pub(super) mic: MicSkeleton,
    pub(super) mhlw: Store,
    pub(super) sections: MhlwSections<'a>,
    pub(super) meti: Store,
    pub(super) to_mhlw: Edges,
    pub(super) to_meti: Edges,
    cur_item: Option<String>,
    cur_sub: Option<String>,
    prev: Option<MhlwCtx>,
    headings: HashMap<(String, String), Vec<String>>,
    pub(super) meti_titles: BTreeMap<String, Vec<(String, u32)>>,
    meti_topics: HashMap<String, Vec<String>>,
    pub(super) meti_sections: BTreeSet<String>,
    /// Heading variants seen for one node, for the report.
    pub(super) notes: Vec<String>,
}

/// Where a numbered MHLW row sits: the section, 記載箇所 (C/D) and its level, the line. The ids
/// and labels of the nodes the row gives start from here.
struct Place<'a> {
    file: &'a str,
    line: u32,
    sec: String,
    loc: String,
    level: Level,
    base_id: String,
    base_label: String,
}

impl Place<'_> {
    /// The id of the node at `p` (a path of printed numbers below the section and location).
    fn path_id(&self, p: &[Tok]) -> String {
        let mut s = self.base_id.clone();
        for t in p {
            s.push('-');
            s.push_str(&t.id);
        }
        s
    }

    /// The node at `p` and its ancestors below the section, made if new; returns its id.
    fn ensure_path(&self, mhlw: &mut Store, p: &[Tok]) -> Result<String, ImportError> {
        let mut parent = self.sec.clone();
        let mut label = self.base_label.clone();
        let mut key = num_key(&self.sec);
        key.push((1, if self.loc == "C" { 0 } else { 1 }, 0));
        for (k, t) in p.iter().enumerate() {
            label.push(' ');
            label.push_str(&t.label);
            key.push(t.key());
            let id = self.path_id(&p[..=k]);
            let kind = if k == 0 { NodeKind::Item } else { NodeKind::SubItem };
            let i = mhlw.ensure(self.file, self.line, &id, Some(&parent), kind, &label, key.clone())?;
            let n = &mut mhlw.nodes[i];
            n.req.level = Some(self.level);
            n.req.category = mhlw_category(&self.sec);
            parent = id;
        }
        Ok(parent)
    }
}

/// What a row's METI cells say about all its measures.
struct MetiRow<'r> {
    line: u32,
    src: &'r str,
    msec: String,
    /// The part of the section (`…要求事項②` → 2).
    part: Option<u32>,
    topic: Option<String>,
    topic_slug: Option<&'static str>,
    topic_ord: u32,
    must: bool,
    distinct: bool,
    lost: bool,
    /// The 記載箇所 cell, cleaned.
    mloc: String,
}

impl<'a> Walk<'a> {
    pub(super) fn new(
        file: &'a str,
        ov: &'a Overrides,
        report: ImportReport,
        mic: MicSkeleton,
        sections: MhlwSections<'a>,
    ) -> Self {
        Self {
            file,
            ov,
            report,
            mic,
            mhlw: Store::default(),
            sections,
            meti: Store::default(),
            to_mhlw: Edges::default(),
            to_meti: Edges::default(),
            cur_item: None,
            cur_sub: None,
            prev: None,
            headings: HashMap::new(),
            meti_titles: BTreeMap::new(),
            meti_topics: HashMap::new(),
            meti_sections: BTreeSet::new(),
            notes: Vec::new(),
        }
    }

    /// One row: its MIC node, its MHLW side, its METI side. A row that gives neither side is
    /// rejected in the report.
    pub(super) fn row(&mut self, row: &Row) -> Result<(), ImportError> {
        let src = self.mic_source(row)?;
        let mut produced = self.mhlw_side(row, &src)?;
        produced |= self.meti_side(row, &src)?;
        self.mic.store.touch(&src, row.line);
        if !produced {
            self.report.reject(row.line, "the row has neither an MHLW nor a METI reference");
        }
        Ok(())
    }

    /// The MIC node the row maps from: its 項番 and サブ項番, carried down from the rows above
    /// when empty.
    fn mic_source(&mut self, row: &Row) -> Result<String, ImportError> {
        let (file, line, c) = (self.file, row.line, &row.cells);
        if !c[ITEM].is_empty() {
            if !RE_MIC_ITEM.is_match(&c[ITEM]) {
                return Err(ImportError::at(
                    file,
                    line as usize,
                    ITEM + 1,
                    format!("項番 {:?} is not an item number", c[ITEM]),
                ));
            }
            if self.cur_item.as_deref() != Some(&c[ITEM]) {
                self.cur_sub = None;
            }
            self.cur_item = Some(c[ITEM].clone());
        }
        if !c[super::SUB].is_empty() {
            self.cur_sub = Some(c[super::SUB].clone());
        } else if !c[ITEM].is_empty() {
            self.cur_sub = None;
        }
        let Some(item) = self.cur_item.clone() else {
            return Err(ImportError::at(file, line as usize, 1, "a row before any 項番"));
        };
        let src = ensure_mic(&mut self.mic.store, &self.mic.categories, file, line, &item, self.cur_sub.as_deref())?;
        if !c[ITEM].is_empty() {
            self.mic.store.touch(&item, line);
        }
        Ok(src)
    }
}

/// The MHLW side of a row.
impl Walk<'_> {
    /// The MHLW side of a row: `明文規定なし`, a whole section (`6.9全般`), or a numbered text;
    /// true when it gave an edge.
    fn mhlw_side(&mut self, row: &Row, src: &str) -> Result<bool, ImportError> {
        let (line, c) = (row.line, &row.cells);
        let text = clean(&c[TEXT]);
        let sec = c[SEC].clone();
        if text == "明文規定なし" {
            self.to_mhlw.add(src, None, Relation::NoCounterpart, line, None);
            self.prev = None;
            Ok(true)
        } else if let Some(m) = RE_WHOLE_SECTION.captures(&text) {
            let target = self.sections.ensure(&mut self.mhlw, &m[1], line)?;
            self.to_mhlw.add(src, Some(&target), Relation::RefersToSection, line, None);
            self.prev = None;
            Ok(true)
        } else if sec.is_empty() != text.is_empty() {
            self.report.reject(
                line,
                if sec.is_empty() {
                    "MHLW 記載内容 without a 節: the section of the text is unknown".to_owned()
                } else {
                    "MHLW 節 without 記載内容".to_owned()
                },
            );
            Ok(false)
        } else if !sec.is_empty() {
            self.mhlw_text(row, src, text, sec)?;
            Ok(true)
        } else {
            Ok(false)
        }
    }

    /// A row's MHLW text under section `sec`: the row's place, its heading and the numbers of
    /// its cell become nodes; the row's edge goes to the outermost one.
    fn mhlw_text(&mut self, row: &Row, src: &str, text: String, sec: String) -> Result<(), ImportError> {
        let (file, ov, line, c) = (self.file, self.ov, row.line, &row.cells);
        if !RE_SECNUM.is_match(&sec) {
            return Err(ImportError::at(file, line as usize, SEC + 1, format!("節 {sec:?} is not a section number")));
        }
        let loc = c[LOC].clone();
        let level = match loc.as_str() {
            "C" => Level::Mandatory,
            "D" => Level::Recommended,
            _ => {
                return Err(ImportError::at(
                    file,
                    line as usize,
                    LOC + 1,
                    format!("記載箇所 {loc:?} is not C or D; add a `set` override if the seed shows which"),
                ));
            }
        };
        self.sections.ensure(&mut self.mhlw, &sec, line)?;
        let place = Place {
            file,
            line,
            base_id: format!("{sec}-{}", loc.to_lowercase()),
            base_label: format!("{sec} {loc}"),
            sec,
            loc,
            level,
        };
        let same_line = self.prev.as_ref().filter(|p| p.sec == place.sec && p.loc == place.loc).map(|p| p.line);
        let ctx: Vec<Tok> = if same_line.is_some() {
            self.prev.as_ref().map(|p| p.stack.clone()).unwrap_or_default()
        } else {
            Vec::new()
        };

        let head_tok = self.heading(&place, &clean(&c[HEAD]));
        let cell = self.mhlw_cell(line, &text)?;
        let distinct = ov.take_one(line, "distinct");

        let first: Option<Tok> = head_tok.as_ref().map(|h| h.0.clone()).or(cell.as_ref().map(|c| c[0].tok.clone()));
        let Some(mut first) = first else {
            return self.mhlw_unnumbered(&place, src, &text, same_line, ctx);
        };
        if let Some(o) = distinct {
            first.label = format!("{} (番号重複: 行{line})", first.label);
            first.id = format!("{}-l{line}", first.id);
            self.report.repaired(line, &o.action, &o.reason);
        }
        let mut path = self.first_number_base(&place, &first, &ctx);
        path.push(first.clone());
        let mut head_path = None;
        if let Some((_, title)) = &head_tok {
            let id = place.ensure_path(&mut self.mhlw, &path)?;
            self.mhlw.touch(&id, line);
            self.mhlw.set_title(&id, title, &mut self.notes);
            head_path = Some(path.clone());
        }
        let mut last_path = path.clone();
        let mut target = head_path.as_ref().map(|p| place.path_id(p));
        if let Some(cell) = &cell {
            let paths = self.cell_nodes(&place, cell, &first, &path, head_path.as_deref())?;
            last_path = paths.last().cloned().expect("a node");
            // The edge: the outermost node, down while it has exactly one child.
            let mut t = 0;
            loop {
                let kids: Vec<usize> = (0..cell.len()).filter(|&j| cell[j].parent == Some(t)).collect();
                if kids.len() == 1 {
                    t = kids[0];
                } else {
                    break;
                }
            }
            target = Some(place.path_id(&paths[t]));
        }
        let target = target.expect("a heading or a cell");
        self.to_mhlw.add(src, Some(&target), Relation::Intersects, line, None);
        self.prev = Some(MhlwCtx { sec: place.sec, loc: place.loc, stack: last_path, line });
        Ok(())
    }

    /// The 小項目 heading of a row as a token and its title: a printed number (`a. …`), or an
    /// unnumbered heading numbered in order of first appearance per section and location.
    fn heading(&mut self, place: &Place, head: &str) -> Option<(Tok, String)> {
        if head.is_empty() {
            None
        } else if let Some((t, len)) = marker_at(head) {
            Some((t, head[len..].trim().to_owned()))
        } else {
            let list = self.headings.entry((place.sec.clone(), place.loc.clone())).or_default();
            let n = match list.iter().position(|h| norm(h) == norm(head)) {
                Some(p) => p + 1,
                None => {
                    list.push(head.to_owned());
                    list.len()
                }
            };
            let tok = Tok { style: Style::Heading, ord: n as u32, sub: 0, label: head.to_owned(), id: format!("h{n}") };
            Some((tok, head.to_owned()))
        }
    }

    /// The 記載内容 cell split at its printed numbers (or, under `headings-only`, its first
    /// number alone; under `lead-in`, with the restarted list below the lead-in sentence).
    fn mhlw_cell(&mut self, line: u32, text: &str) -> Result<Option<Vec<CellNode>>, ImportError> {
        let ov = self.ov;
        let headings_only = ov.take_one(line, "headings-only");
        let lead_in = ov.take_one(line, "lead-in");
        if let Some(o) = headings_only {
            self.report.repaired(line, &o.action, &o.reason);
            let (t, _) = marker_at(text).ok_or_else(|| ov_err(ov, o, "the cell does not start with a number"))?;
            Ok(Some(vec![CellNode { tok: t, parent: None, text: String::new() }]))
        } else {
            let anchor = lead_in.map(|o| o.str_arg(&ov.file, "text")).transpose()?;
            let r = split_mhlw(text, anchor).map_err(|e| ImportError::at(self.file, line as usize, TEXT + 1, e))?;
            if let Some(o) = lead_in {
                self.report.repaired(line, &o.action, &o.reason);
            }
            Ok(r)
        }
    }

    /// A row without a number: the body of the node of the row above (same section and
    /// location), or an unnumbered node `(番号なし)`.
    fn mhlw_unnumbered(
        &mut self,
        place: &Place,
        src: &str,
        text: &str,
        same_line: Option<u32>,
        ctx: Vec<Tok>,
    ) -> Result<(), ImportError> {
        let line = place.line;
        if let (Some(prev_line), false) = (same_line, ctx.is_empty()) {
            let id = place.path_id(&ctx);
            let node = self.mhlw.get_mut(&id).expect("context node exists");
            node.lines.insert(line);
            match node.texts.iter_mut().rev().find(|t| t.lines.contains(&prev_line)) {
                Some(t) => {
                    t.text = format!("{} {}", t.text, text);
                    t.lines.push(line);
                }
                None => node.texts.push(super::Cand { lines: vec![line], text: text.to_owned() }),
            }
            self.to_mhlw.add(src, Some(&id), Relation::Intersects, line, None);
            self.prev = Some(MhlwCtx { sec: place.sec.clone(), loc: place.loc.clone(), stack: ctx, line });
        } else {
            let path = vec![Tok::unnumbered()];
            let id = place.ensure_path(&mut self.mhlw, &path)?;
            self.mhlw.add_text(&id, line, text);
            self.to_mhlw.add(src, Some(&id), Relation::Intersects, line, None);
            self.prev = Some(MhlwCtx { sec: place.sec.clone(), loc: place.loc.clone(), stack: path, line });
        }
        Ok(())
    }

    /// Where the row's first number goes, given the path of the row above (`ctx`): a sibling of
    /// an open number of its form, a child of a heading-like node when it is a first number, or
    /// the section's top (a circled number there under a placeholder).
    fn first_number_base(&self, place: &Place, first: &Tok, ctx: &[Tok]) -> Vec<Tok> {
        let mut base: Vec<Tok> = if let Some(k) = ctx.iter().rposition(|t| t.style == first.style) {
            ctx[..k].to_vec()
        } else if first.style != Style::Heading
            && first.is_first()
            && ctx.last().is_some_and(|_| {
                let n = self.mhlw.get(&place.path_id(ctx)).expect("context node exists");
                n.texts.first().is_none_or(|t| heading_like(&t.text))
            })
        {
            ctx.to_vec()
        } else {
            Vec::new()
        };
        if base.is_empty() && first.style == Style::Circled {
            base.push(Tok::placeholder());
        }
        base
    }

    /// The nodes of a split cell, each under its parent in the cell (the first under the
    /// heading, or at `path`); returns the path of each.
    fn cell_nodes(
        &mut self,
        place: &Place,
        cell: &[CellNode],
        first: &Tok,
        path: &[Tok],
        head_path: Option<&[Tok]>,
    ) -> Result<Vec<Vec<Tok>>, ImportError> {
        let mut paths: Vec<Vec<Tok>> = Vec::with_capacity(cell.len());
        for (k, cn) in cell.iter().enumerate() {
            let mut p = match cn.parent {
                Some(par) => paths[par].clone(),
                None => head_path.map(<[Tok]>::to_vec).unwrap_or_else(|| path[..path.len() - 1].to_vec()),
            };
            if k == 0 && head_path.is_none() {
                p.push(first.clone());
            } else {
                p.push(cn.tok.clone());
            }
            let id = place.ensure_path(&mut self.mhlw, &p)?;
            self.mhlw.touch(&id, place.line);
            self.mhlw.add_text(&id, place.line, &cn.text);
            paths.push(p);
        }
        Ok(paths)
    }
}

/// The METI side of a row.
impl Walk<'_> {
    /// The METI side of a row: its section, title (part), 記載箇所 (topic, 実施すべき or
    /// 推奨される) and the measures of its text; true when it gave an edge.
    fn meti_side(&mut self, row: &Row, src: &str) -> Result<bool, ImportError> {
        let (file, ov, line, c) = (self.file, self.ov, row.line, &row.cells);
        let mtext = clean(&c[MTEXT]);
        let msec = c[MSEC].clone();
        if msec.is_empty() != mtext.is_empty() {
            self.report.reject(
                line,
                if msec.is_empty() { "METI 記載内容 without a 節" } else { "METI 節 without 記載内容" }.to_owned(),
            );
            return Ok(false);
        } else if msec.is_empty() {
            return Ok(false);
        }
        if !RE_SECNUM.is_match(&msec) {
            return Err(ImportError::at(
                file,
                line as usize,
                MSEC + 1,
                format!("METI 節 {msec:?} is not a section number"),
            ));
        }
        let mut title = clean(&c[MTITLE]);
        let mut part = None;
        if let Some(ch) = title.chars().last().filter(|c| ('①'..='⑳').contains(c)) {
            part = Some(circled(ch));
            title.pop();
        }
        self.meti_titles.entry(msec.clone()).or_default().push((title, line));
        let mloc = clean(&c[MLOC]);
        let m = RE_METI_LOC.captures(&mloc).ok_or_else(|| {
            ImportError::at(
                file,
                line as usize,
                MLOC + 1,
                format!("METI 記載箇所 {mloc:?} is not 実施すべき/推奨される安全管理策; add a `set` override"),
            )
        })?;
        let topic = m.get(1).map(|t| t.as_str().to_owned());
        let must = &m[2] == "実施すべき";
        let topic_slug = match topic.as_deref() {
            None => None,
            Some("パスワード管理") => Some("password"),
            Some("作業者のログオン") => Some("logon"),
            Some("特権ID") => Some("privileged-id"),
            Some("作業者ID") => Some("operator-id"),
            Some(t) => {
                return Err(ImportError::at(file, line as usize, MLOC + 1, format!("unknown METI topic {t:?}")));
            }
        };
        let topics = self.meti_topics.entry(msec.clone()).or_default();
        let topic_ord = match &topic {
            None => 0,
            Some(t) => match topics.iter().position(|x| x == t) {
                Some(p) => p as u32 + 1,
                None => {
                    topics.push(t.clone());
                    topics.len() as u32
                }
            },
        };
        self.meti_sections.insert(msec.clone());
        let distinct_meti = ov.take_one(line, "distinct-meti");
        if let Some(o) = distinct_meti {
            self.report.repaired(line, &o.action, &o.reason);
        }
        let lost = ov.take_one(line, "meti-text-lost");
        if let Some(o) = lost {
            self.report.repaired(line, &o.action, &o.reason);
        }
        let measures = match ov.take_one(line, "meti-number") {
            _ if lost.is_some() => vec![(None, mtext.clone())],
            Some(o) => {
                self.report.repaired(line, &o.action, &o.reason);
                vec![(Some(o.int_arg(&ov.file, "number")? as u32), mtext.clone())]
            }
            None => split_meti(&mtext),
        };
        let r = MetiRow {
            line,
            src,
            msec,
            part,
            topic,
            topic_slug,
            topic_ord,
            must,
            distinct: distinct_meti.is_some(),
            lost: lost.is_some(),
            mloc: clean(&c[MLOC]),
        };
        for (n, text) in measures {
            self.meti_measure(&r, n, &text)?;
        }
        Ok(true)
    }

    /// One METI measure `(n)` of a row (no number: `(番号なし)`, or a lost text): its node and
    /// the row's edge to it.
    fn meti_measure(&mut self, r: &MetiRow, n: Option<u32>, text: &str) -> Result<(), ImportError> {
        let (line, must) = (r.line, r.must);
        let mut id = r.msec.clone();
        let mut label = r.msec.clone();
        if let Some(p) = r.part {
            id.push_str(&format!("-p{p}"));
            label.push(char::from_u32('①' as u32 + p - 1).expect("circled"));
        }
        if let (Some(slug), Some(t)) = (r.topic_slug, &r.topic) {
            id.push_str(&format!("-{slug}"));
            label.push_str(&format!(" {t}"));
        }
        id.push_str(if must { "-must" } else { "-rec" });
        label.push_str(if must { " 実施すべき" } else { " 推奨される" });
        match n {
            Some(n) => {
                id.push_str(&format!("-{n}"));
                label.push_str(&format!(" ({n})"));
                if r.distinct {
                    id.push_str(&format!("-l{line}"));
                    label.push_str(&format!(" (番号重複: 行{line})"));
                }
            }
            None if r.lost => {
                id.push_str(&format!("-l{line}"));
                label.push_str(&format!(" (本文欠落: 行{line})"));
            }
            None => {
                id.push_str("-u");
                label.push_str(" (番号なし)");
            }
        }
        let mut key = num_key(&r.msec);
        key.push((1, r.part.unwrap_or(0), r.topic_ord));
        key.push((2, u32::from(!must), n.unwrap_or(999)));
        let i = self.meti.ensure(self.file, line, &id, Some(&r.msec), NodeKind::Item, &label, key)?;
        let node = &mut self.meti.nodes[i];
        node.req.level = Some(if must { Level::Mandatory } else { Level::Recommended });
        node.req.topics = r.topic.iter().cloned().collect();
        if r.lost {
            node.lines.insert(line);
            // The row names the section and 区分 it cites; its text cell holds no
            // measure, so the node has no text and says why.
            let cited = format!("{} {}", r.msec, r.mloc);
            node.req.note = Some(format!(
                "出典000の{line}行目は {cited} の管理策を引用しているが、記載内容の欄には「{text}」しかない\
                 （抽出時に混入したページ番号）。引用された管理策の番号と本文は失われており、出典に含まれない。"
            ));
            let e = self.to_meti.add(r.src, Some(&id), Relation::Intersects, line, None);
            self.to_meti.list[e].notes.push(format!(
                "出典000（{line}行目）の記載内容はページ番号「{text}」のみで、引用された管理策の本文は失われている。"
            ));
        } else {
            self.meti.add_text(&id, line, text);
            self.to_meti.add(r.src, Some(&id), Relation::Intersects, line, Some(text));
        }
        Ok(())
    }
}

//! Seed 003, parsing: every line of the seed given exactly one use, phase by phase — read the
//! lines (a role an override gives, a blank, an answer number, a lone mark, running text), then
//! attach the check-item parts printed apart, place the marks and hows overrides name, check
//! the answers' categories, and account for every line.

use std::collections::{BTreeMap, HashMap};

use sansho_core::LocalId;
use sansho_core::label::label_key;

use super::{
    AnswerNode, Ctx, HEADER_ANSWERS, HEADER_CHECKS, HEISEI, Item, Marker, Para, Parsed, Section, Target, Use, err,
    join_wrapped, lone_mark, marker, ov_err,
};
use crate::text::clean;
use crate::{ImportError, ImportReport, Override, Overrides, Seed};

/// Parses seed 003 into its sections, check items and answers, with the report of what every
/// line was used for.
pub(super) fn parse(seed: &Seed, ov: &Overrides) -> Result<Parsed, ImportError> {
    let lines: Vec<(u32, String)> = seed.lines().map(|(n, l)| (n, clean(l))).collect();
    let mut r = Reader::new(seed, ov, &lines);
    for (n, t) in &lines {
        r.line(*n, t)?;
    }
    r.attach_parts()?;
    r.place_marks_and_hows()?;
    r.check_sections()?;
    r.account()
}

/// The reader's state as it goes down the lines.
struct Reader<'a> {
    seed: &'a Seed,
    ov: &'a Overrides,
    /// The overrides file's name.
    f: &'a str,
    lines: &'a [(u32, String)],
    /// What each line (by number) was used for.
    uses: Vec<Option<Use>>,
    report: ImportReport,
    p: Parsed,
    item_index: HashMap<String, usize>,
    ctx: Ctx,
    /// Where running text goes.
    target: Target,
    /// The section heading seen on the previous non-blank line, if any.
    heading_before: Option<String>,
    /// Marks and hows placed by overrides, applied once every answer is known.
    placed_marks: Vec<(&'a Override, String, String, bool, u32)>,
    placed_hows: Vec<(&'a Override, String, String, usize)>,
    stray_hows: Vec<Para>,
    /// Parts of check-item texts the extraction printed apart: (override, id, part, text).
    conts: Vec<(&'a Override, String, i64, Para)>,
    /// Lines covered by a multi-line title/description override.
    skip_until: u32,
    /// Whether the next how text starts a new paragraph of its answer.
    para_break: bool,
}

impl<'a> Reader<'a> {
    fn new(seed: &'a Seed, ov: &'a Overrides, lines: &'a [(u32, String)]) -> Self {
        Self {
            seed,
            ov,
            f: ov.file.as_str(),
            lines,
            uses: vec![None; lines.len() + 1],
            report: ImportReport::new(seed.name.clone()),
            p: Parsed {
                title: None,
                description: None,
                date: None,
                sections: Vec::new(),
                items: Vec::new(),
                answers: Vec::new(),
                report: ImportReport::new(seed.name.clone()),
                overrides_file: ov.file.clone(),
            },
            item_index: HashMap::new(),
            ctx: Ctx::Checks,
            target: Target::None,
            heading_before: None,
            placed_marks: Vec::new(),
            placed_hows: Vec::new(),
            stray_hows: Vec::new(),
            conts: Vec::new(),
            skip_until: 0,
            para_break: true,
        }
    }

    fn repaired(&mut self, o: &Override) {
        self.report.repaired(o.line, &o.action, &o.reason);
    }

    fn set_use(&mut self, n: u32, u: Use) {
        self.uses[n as usize] = Some(u);
    }

    /// Phase 1, one line: a role an override gives it, a blank, an answer number, a lone
    /// mark, or running text for the current target.
    fn line(&mut self, n: u32, t: &str) -> Result<(), ImportError> {
        if n <= self.skip_until {
            return Ok(());
        }
        let prev_heading = self.heading_before.take();
        if self.placed_role(n, t, &prev_heading)? {
            return Ok(());
        }
        if t.is_empty() {
            self.set_use(n, Use::Layout("blank lines"));
            self.target = match self.ctx {
                // The answer's next how text starts a new paragraph.
                Ctx::Answers { cur: Some(c), .. } => Target::Answer(c),
                _ => Target::None,
            };
            self.para_break = true;
            self.heading_before = prev_heading;
        } else if let Some(m) = marker(t) {
            self.answer_number(n, t, m)?;
        } else if let Some(b) = lone_mark(t) {
            self.lone_mark(n, b)?;
        } else {
            self.running_text(n, t)?;
        }
        Ok(())
    }
}

/// Lines whose role an override or a column header decides.
impl Reader<'_> {
    /// Lines whose role an override or a column header decides (section headings, the title,
    /// description and date, column headers, check items and their parts, stray hows); true
    /// when the line was one of them.
    fn placed_role(&mut self, n: u32, t: &str, prev_heading: &Option<String>) -> Result<bool, ImportError> {
        if self.section_line(n, t)? || self.title_or_description(n)? || self.date_line(n, t)? {
            return Ok(true);
        }
        if self.column_header(n, t, prev_heading)? {
            return Ok(true);
        }
        self.check_item_part(n, t)
    }

    /// A `section` override: the line is a category heading.
    fn section_line(&mut self, n: u32, t: &str) -> Result<bool, ImportError> {
        let (ov, f) = (self.ov, self.f);
        let Some(o) = ov.take_one(n, "section") else { return Ok(false) };
        self.repaired(o);
        if t.is_empty() {
            return Err(ov_err(ov, o, format!("`section` on seed line {n}, which is blank")));
        }
        let id = o.str_arg(f, "id")?.to_owned();
        LocalId::parse(&id).map_err(|e| ov_err(ov, o, e.to_string()))?;
        if self.p.sections.iter().any(|s| s.id == id) {
            return Err(ov_err(ov, o, format!("section id {id} is used twice")));
        }
        self.p.sections.push(Section { id: id.clone(), order: o.int_arg(f, "order")?, title: t.to_owned(), line: n });
        self.set_use(n, Use::Read("category headings"));
        self.ctx = Ctx::Checks;
        self.target = Target::None;
        self.heading_before = Some(id);
        Ok(true)
    }

    /// `title` and `description` overrides: the lines from here to `end` are the checklist's
    /// title or description. True when this line is covered by one.
    fn title_or_description(&mut self, n: u32) -> Result<bool, ImportError> {
        let (ov, f) = (self.ov, self.f);
        for action in ["title", "description"] {
            if let Some(o) = ov.take_one(n, action) {
                self.repaired(o);
                let end = u32::try_from(o.int_arg(f, "end")?).unwrap_or(0);
                if end < n || end as usize >= self.uses.len() {
                    return Err(ov_err(ov, o, format!("`end` must be a seed line from {n} on")));
                }
                let parts: Vec<String> =
                    (n..=end).map(|k| self.lines[k as usize - 1].1.clone()).filter(|s| !s.is_empty()).collect();
                let text = if action == "title" { parts.join(" ") } else { join_wrapped(&parts) };
                for k in n..=end {
                    self.set_use(k, Use::Read("checklist title, description and date"));
                }
                if action == "title" {
                    self.p.title = Some((text, n, end));
                } else {
                    self.p.description = Some((text, n, end));
                }
                self.skip_until = end;
                self.ctx = Ctx::Checks;
                self.target = Target::None;
            }
        }
        Ok(n <= self.skip_until)
    }

    /// A `date` override: the line holds the checklist's date 平成N年M月D日.
    fn date_line(&mut self, n: u32, t: &str) -> Result<bool, ImportError> {
        let Some(o) = self.ov.take_one(n, "date") else { return Ok(false) };
        self.repaired(o);
        let c = HEISEI.captures(t).ok_or_else(|| err(self.seed, n, "no date 平成N年M月D日 on the `date` line"))?;
        let num = |i: usize| c[i].parse::<u32>().unwrap_or(0);
        self.p.date = Some((format!("{:04}-{:02}-{:02}", 1988 + num(1), num(2), num(3)), n));
        self.set_use(n, Use::Read("checklist title, description and date"));
        self.ctx = Ctx::Checks;
        self.target = Target::None;
        Ok(true)
    }

    /// The column headers: the check-item column's (rejected), and the answer columns' (rejected;
    /// it opens an answer block for the category above it or the one an `answers` override names).
    fn column_header(&mut self, n: u32, t: &str, prev_heading: &Option<String>) -> Result<bool, ImportError> {
        if t == HEADER_CHECKS {
            self.report.reject(n, "column header 「チェック項目」 of the check-item column");
            self.set_use(n, Use::Rejected);
            self.ctx = Ctx::Checks;
            self.target = Target::None;
            return Ok(true);
        }
        if t != HEADER_ANSWERS {
            return Ok(false);
        }
        self.report.reject(n, "column header 「No. 実施済 実施内容」 of the answer columns");
        self.set_use(n, Use::Rejected);
        let section = match self.ov.take_one(n, "answers") {
            Some(o) => {
                self.repaired(o);
                o.str_arg(self.f, "section")?.to_owned()
            }
            None => prev_heading.clone().ok_or_else(|| {
                err(self.seed, n, "answer block with no category heading before it: add an `answers` override")
            })?,
        };
        self.ctx = Ctx::Answers { section, top: None, cur: None };
        self.target = Target::None;
        Ok(true)
    }

    /// `check-item` (starts a check item), `continue` (a part of one printed apart) and `how`
    /// (an answer's text printed away from it) overrides.
    fn check_item_part(&mut self, n: u32, t: &str) -> Result<bool, ImportError> {
        let (ov, f) = (self.ov, self.f);
        if let Some(o) = ov.take_one(n, "check-item") {
            self.repaired(o);
            if t.is_empty() {
                return Err(ov_err(ov, o, format!("`check-item` on seed line {n}, which is blank")));
            }
            let id = o.str_arg(f, "id")?.to_owned();
            LocalId::parse(&id).map_err(|e| ov_err(ov, o, e.to_string()))?;
            if self.item_index.contains_key(&id) {
                return Err(ov_err(ov, o, format!("check item {id} is started twice")));
            }
            self.item_index.insert(id.clone(), self.p.items.len());
            self.p.items.push(Item {
                id,
                label: o.str_arg(f, "label")?.to_owned(),
                parts: vec![(1, Para::new(n, t.to_owned()))],
                defined_at: o.defined_at,
            });
            self.set_use(n, Use::Read("check-item text"));
            self.target = Target::Item(self.p.items.len() - 1, 0);
            self.ctx = Ctx::Checks;
            return Ok(true);
        }
        if let Some(o) = ov.take_one(n, "continue") {
            self.repaired(o);
            let id = o.str_arg(f, "id")?.to_owned();
            let part = o.int_arg(f, "part")?;
            self.conts.push((o, id, part, Para::new(n, t.to_owned())));
            self.set_use(n, Use::Read("check-item text"));
            self.target = Target::Cont(self.conts.len() - 1);
            self.ctx = Ctx::Checks;
            return Ok(true);
        }
        if let Some(o) = ov.take_one(n, "how") {
            self.repaired(o);
            let (section, label) = (o.str_arg(f, "section")?.to_owned(), o.str_arg(f, "label")?.to_owned());
            self.placed_hows.push((o, section, label, self.stray_hows.len()));
            self.stray_hows.push(Para::new(n, t.to_owned()));
            self.set_use(n, Use::Read("answers"));
            self.target = Target::Stray(self.stray_hows.len() - 1);
            self.ctx = Ctx::Checks;
            return Ok(true);
        }
        Ok(false)
    }
}

/// Answers and running text.
impl Reader<'_> {
    /// An answer number starts (or continues) an answer run; outside an answer block it needs an
    /// `answers` override naming the category.
    fn answer_number(&mut self, n: u32, t: &str, m: Marker) -> Result<(), ImportError> {
        let (ov, f, seed) = (self.ov, self.f, self.seed);
        if let Ctx::Checks = self.ctx {
            let o = ov.take_one(n, "answers").ok_or_else(|| {
                err(seed, n, format!("answer number {:?} outside an answer block: add an `answers` override", t))
            })?;
            self.repaired(o);
            self.ctx = Ctx::Answers { section: o.str_arg(f, "section")?.to_owned(), top: None, cur: None };
        }
        let Ctx::Answers { section, top, cur } = &mut self.ctx else { unreachable!() };
        let answers = &mut self.p.answers;
        let (label, parent) = if m.top {
            (m.number.clone(), None)
        } else {
            let t = top.ok_or_else(|| err(seed, n, format!("sub-number {} before any `N.`", m.number)))?;
            (format!("{} {}", answers[t].label, m.number), Some(t))
        };
        let label = match ov.take_one(n, "answer-path") {
            Some(o) => {
                self.report.repaired(o.line, &o.action, &o.reason);
                o.str_arg(f, "label")?.to_owned()
            }
            None => label,
        };
        let idx = answers.len();
        if let Some(pi) = parent {
            answers[pi].children += 1;
        }
        let mut how = Vec::new();
        if !m.rest.is_empty() {
            how.push(Para::new(n, m.rest.to_owned()));
        }
        answers.push(AnswerNode {
            section: section.clone(),
            label,
            line: n,
            mark: m.mark.map(|b| (b, n)),
            how,
            parent,
            children: 0,
        });
        if m.top {
            *top = Some(idx);
        }
        *cur = Some(idx);
        self.target = Target::Answer(idx);
        self.para_break = m.rest.is_empty();
        self.set_use(n, Use::Read("answers"));
        Ok(())
    }

    /// A lone ■ or □: the mark of the current answer, or, outside any answer, of the answer a
    /// `mark` override names.
    fn lone_mark(&mut self, n: u32, b: bool) -> Result<(), ImportError> {
        match &self.ctx {
            Ctx::Answers { cur: Some(c), .. } => {
                let c = *c;
                if self.p.answers[c].mark.is_some() {
                    return Err(err(self.seed, n, format!("a second mark for answer {}", self.p.answers[c].label)));
                }
                self.p.answers[c].mark = Some((b, n));
            }
            _ => {
                let o = self.ov.take_one(n, "mark").ok_or_else(|| {
                    err(self.seed, n, "a mark outside any answer: add a `mark` override naming its answer")
                })?;
                self.repaired(o);
                let f = self.f;
                self.placed_marks.push((
                    o,
                    o.str_arg(f, "section")?.to_owned(),
                    o.str_arg(f, "label")?.to_owned(),
                    b,
                    n,
                ));
            }
        }
        self.set_use(n, Use::Read("answers"));
        Ok(())
    }

    /// Running text: it continues the current check item, part, stray how or answer.
    fn running_text(&mut self, n: u32, t: &str) -> Result<(), ImportError> {
        match self.target {
            Target::Item(i, k) => {
                self.p.items[i].parts[k].1.push(n, t.to_owned());
                self.set_use(n, Use::Read("check-item text"));
            }
            Target::Cont(k) => {
                self.conts[k].3.push(n, t.to_owned());
                self.set_use(n, Use::Read("check-item text"));
            }
            Target::Stray(k) => {
                self.stray_hows[k].push(n, t.to_owned());
                self.set_use(n, Use::Read("answers"));
            }
            Target::Answer(a) => {
                let how = &mut self.p.answers[a].how;
                match how.last_mut() {
                    Some(h) if !self.para_break => h.push(n, t.to_owned()),
                    _ => how.push(Para::new(n, t.to_owned())),
                }
                self.para_break = false;
                self.set_use(n, Use::Read("answers"));
            }
            Target::None => {
                return Err(err(
                    self.seed,
                    n,
                    format!(
                        "text {t:?} belongs to no check item or answer: add a `check-item`, `continue` or `how` override"
                    ),
                ));
            }
        }
        Ok(())
    }
}

/// The phases after the lines are read.
impl Reader<'_> {
    /// Phase 2: the check-item parts printed apart (`continue`) join their items.
    fn attach_parts(&mut self) -> Result<(), ImportError> {
        let ov = self.ov;
        for (o, id, part, para) in std::mem::take(&mut self.conts) {
            let &i = self.item_index.get(&id).ok_or_else(|| {
                ov_err(ov, o, format!("`continue` names check item {id}, which no `check-item` starts"))
            })?;
            if part < 2 || self.p.items[i].parts.iter().any(|(k, _)| *k == part) {
                return Err(ov_err(ov, o, format!("part {part} of {id}: parts are 2, 3 … and each is given once")));
            }
            self.p.items[i].parts.push((part, para));
        }
        Ok(())
    }

    /// Phase 3: the marks and hows that overrides placed go to the answers they name.
    fn place_marks_and_hows(&mut self) -> Result<(), ImportError> {
        let ov = self.ov;
        let find = |answers: &[AnswerNode], section: &str, label: &str| {
            answers.iter().position(|a| a.section == section && label_key(&a.label) == label_key(label))
        };
        for (o, section, label, b, n) in std::mem::take(&mut self.placed_marks) {
            let i = find(&self.p.answers, &section, &label).ok_or_else(|| {
                ov_err(ov, o, format!("`mark` names answer {section} {label}, which the seed does not print"))
            })?;
            if self.p.answers[i].mark.is_some() {
                return Err(ov_err(ov, o, format!("answer {section} {label} already has a mark")));
            }
            self.p.answers[i].mark = Some((b, n));
        }
        for (o, section, label, k) in std::mem::take(&mut self.placed_hows) {
            let i = find(&self.p.answers, &section, &label).ok_or_else(|| {
                ov_err(ov, o, format!("`how` names answer {section} {label}, which the seed does not print"))
            })?;
            let para = std::mem::take(&mut self.stray_hows[k]);
            self.p.answers[i].how.push(para);
        }
        Ok(())
    }

    /// Phase 4: every answer names a category a `section` defines.
    fn check_sections(&self) -> Result<(), ImportError> {
        for a in &self.p.answers {
            if !self.p.sections.iter().any(|s| s.id == a.section) {
                return Err(err(
                    self.seed,
                    a.line,
                    format!("answer {} names category {}, which no `section` defines", a.label, a.section),
                ));
            }
        }
        Ok(())
    }

    /// Phase 5: every line was used once; the report counts the uses.
    fn account(mut self) -> Result<Parsed, ImportError> {
        for (n, _) in self.lines {
            if self.uses[*n as usize].is_none() {
                return Err(err(self.seed, *n, "internal: line not accounted for"));
            }
        }
        let mut tally: BTreeMap<String, usize> = BTreeMap::new();
        for u in self.uses.iter().flatten() {
            let key = match u {
                Use::Read(what) => {
                    self.report.rows_read += 1;
                    format!("lines read: {what}")
                }
                Use::Layout(why) => format!("lines skipped: {why}"),
                Use::Rejected => "lines rejected".to_owned(),
            };
            *tally.entry(key).or_default() += 1;
        }
        self.report.count("lines", self.lines.len());
        for (k, v) in tally {
            self.report.count(k, v);
        }
        self.p.report = self.report;
        Ok(self.p)
    }
}

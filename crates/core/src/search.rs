//! Full-text search over requirement labels, titles and texts, built for Japanese.
//!
//! Japanese writes words without spaces, so a word index would need a dictionary-based
//! tokenizer (lindera/MeCab dictionaries add tens of MB and still split compound terms
//! such as 二要素認証 or 運用管理規程 in ways that miss substring queries). Guideline users
//! search for terms *inside* running text and expect every occurrence, so sansho indexes
//! character bigrams of the folded text (see [`crate::label::fold`]): a query's bigrams
//! select candidates, and a substring check on the folded text confirms each hit, so
//! there are no false positives and no misses. Ranking is tf·idf with field weights
//! (label > title > text).

use std::collections::HashMap;

use serde::Serialize;

use crate::set::{CatalogSet, NodeIx};

/// Folds one character the way the index and the queries do.
fn fold_char(c: char, out: &mut String) {
    let mut buf = [0u8; 4];
    out.push_str(&crate::label::fold(c.encode_utf8(&mut buf)));
}

/// A text folded for matching, remembering which original character each folded
/// character came from (for snippets in the original spelling).
#[derive(Debug, Clone)]
struct Folded {
    text: Vec<char>,
    origin: Vec<u32>,
    original: Vec<char>,
}

impl Folded {
    fn new(s: &str) -> Self {
        let mut text = Vec::with_capacity(s.len() / 2);
        let mut origin = Vec::with_capacity(s.len() / 2);
        let mut tmp = String::new();
        for (i, c) in s.chars().enumerate() {
            tmp.clear();
            fold_char(c, &mut tmp);
            for f in tmp.chars() {
                text.push(f);
                origin.push(i as u32);
            }
        }
        Self { text, origin, original: s.chars().collect() }
    }

    fn count(&self, needle: &[char]) -> (usize, Option<usize>) {
        if needle.is_empty() || needle.len() > self.text.len() {
            return (0, None);
        }
        let mut n = 0;
        let mut first = None;
        for (i, w) in self.text.windows(needle.len()).enumerate() {
            if w == needle {
                n += 1;
                first.get_or_insert(i);
            }
        }
        (n, first)
    }
}

/// A field of a requirement the index searches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Field {
    /// The printed label (weighs most).
    Label,
    /// The heading.
    Title,
    /// The requirement text.
    Text,
}

impl Field {
    fn weight(self) -> f64 {
        match self {
            Field::Label => 2.0,
            Field::Title => 1.5,
            Field::Text => 1.0,
        }
    }

    /// Which field a snippet is best cut from: the text says most, the label least.
    fn snippet_preference(self) -> u8 {
        match self {
            Field::Text => 2,
            Field::Title => 1,
            Field::Label => 0,
        }
    }
}

#[derive(Debug, Clone)]
struct Doc {
    node: NodeIx,
    catalog: String,
    fields: Vec<(Field, Folded)>,
}

/// The search index over a [`CatalogSet`].
#[derive(Debug, Clone)]
pub struct SearchIndex {
    docs: Vec<Doc>,
    postings: HashMap<(char, char), Vec<u32>>,
    singles: HashMap<char, Vec<u32>>,
}

/// One hit, best first.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Hit {
    /// The requirement found.
    #[serde(skip)]
    pub node: NodeIx,
    /// How well it matches (higher is better; matches in the label weigh more than in the text).
    pub score: f64,
    /// The field the snippet is cut from: where the first query term was found, preferring
    /// the text over the title over the label.
    pub field: Field,
    /// Up to ~80 characters of the original text around the first match; the match is
    /// between `match_start` and `match_end` (character offsets into the snippet).
    pub snippet: String,
    /// Start of the match in `snippet`, in characters.
    pub match_start: usize,
    /// End of the match in `snippet`, in characters (exclusive).
    pub match_end: usize,
}

fn push_unique(list: &mut Vec<u32>, d: u32) {
    if list.last() != Some(&d) {
        list.push(d);
    }
}

impl SearchIndex {
    /// Indexes the label, title and text of every node of the set.
    pub fn build(set: &CatalogSet) -> Self {
        let mut docs = Vec::with_capacity(set.node_count());
        let mut postings: HashMap<(char, char), Vec<u32>> = HashMap::new();
        let mut singles: HashMap<char, Vec<u32>> = HashMap::new();
        for node in set.all_nodes() {
            let r = set.requirement(node);
            let d = docs.len() as u32;
            let mut fields = vec![(Field::Label, Folded::new(&r.label))];
            if let Some(t) = &r.title {
                fields.push((Field::Title, Folded::new(t)));
            }
            if let Some(t) = &r.text {
                fields.push((Field::Text, Folded::new(t)));
            }
            for (_, f) in &fields {
                for w in f.text.windows(2) {
                    push_unique(postings.entry((w[0], w[1])).or_default(), d);
                }
                for &c in &f.text {
                    push_unique(singles.entry(c).or_default(), d);
                }
            }
            docs.push(Doc { node, catalog: set.catalog_of(node).id.as_str().to_owned(), fields });
        }
        Self { docs, postings, singles }
    }

    fn candidates(&self, term: &[char]) -> Vec<u32> {
        if term.len() == 1 {
            return self.singles.get(&term[0]).cloned().unwrap_or_default();
        }
        let mut lists: Vec<&Vec<u32>> = Vec::new();
        for w in term.windows(2) {
            match self.postings.get(&(w[0], w[1])) {
                Some(l) => lists.push(l),
                None => return Vec::new(),
            }
        }
        lists.sort_by_key(|l| l.len());
        let mut out = lists[0].clone();
        for l in &lists[1..] {
            out.retain(|d| l.binary_search(d).is_ok());
        }
        out
    }

    /// Searches for all white-space separated terms of `query` (every term must occur),
    /// optionally in one catalog. At most `limit` hits, best first.
    pub fn search(&self, query: &str, catalog: Option<&str>, limit: usize) -> Vec<Hit> {
        let terms: Vec<Vec<char>> =
            query.split_whitespace().map(|t| Folded::new(t).text).filter(|t: &Vec<char>| !t.is_empty()).collect();
        if terms.is_empty() {
            return Vec::new();
        }
        let mut cand: Option<Vec<u32>> = None;
        for t in &terms {
            let c = self.candidates(t);
            cand = Some(match cand {
                None => c,
                Some(prev) => prev.into_iter().filter(|d| c.binary_search(d).is_ok()).collect(),
            });
        }
        let n = self.docs.len() as f64;
        let idf: Vec<f64> = terms.iter().map(|t| (1.0 + n / (1.0 + self.candidates(t).len() as f64)).ln()).collect();
        let mut hits = Vec::new();
        'doc: for d in cand.unwrap_or_default() {
            let doc = &self.docs[d as usize];
            if catalog.is_some_and(|c| c != doc.catalog) {
                continue;
            }
            let mut score = 0.0;
            let mut first: Option<(Field, usize, usize)> = None;
            for (ti, t) in terms.iter().enumerate() {
                let mut found = false;
                for (field, f) in &doc.fields {
                    let (count, pos) = f.count(t);
                    if count > 0 {
                        found = true;
                        // Saturating term frequency: the fifth mention adds little.
                        let tf = count as f64 / (count as f64 + 1.0);
                        score += field.weight() * tf * idf[ti];
                        let better = first.is_none_or(|(f, _, _)| field.snippet_preference() > f.snippet_preference());
                        if ti == 0 && better {
                            first = pos.map(|p| (*field, p, p + t.len()));
                        }
                    }
                }
                if !found {
                    continue 'doc;
                }
            }
            let Some((field, start, end)) = first else { continue };
            let folded = &doc.fields.iter().find(|(f, _)| *f == field).expect("field exists").1;
            let (snippet, ms, me) = snippet(folded, start, end);
            hits.push(Hit { node: doc.node, score, field, snippet, match_start: ms, match_end: me });
        }
        hits.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.node.cmp(&b.node)));
        hits.truncate(limit);
        hits
    }
}

/// Cuts ~80 characters of the original text around a match. Returns the snippet and the
/// match's character offsets in it.
fn snippet(folded: &Folded, start: usize, end: usize) -> (String, usize, usize) {
    const BEFORE: usize = 30;
    const AFTER: usize = 50;
    let text = &folded.original;
    let (ms, me) = (folded.origin[start] as usize, folded.origin[end - 1] as usize + 1);
    let s = ms.saturating_sub(BEFORE);
    let e = (me + AFTER).min(text.len());
    let mut out = String::new();
    let mut offset = 0;
    if s > 0 {
        out.push('…');
        offset = 1;
    }
    out.extend(&text[s..e]);
    if e < text.len() {
        out.push('…');
    }
    (out, ms - s + offset, me - s + offset)
}

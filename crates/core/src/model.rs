//! Catalogs and the requirement tree.

use std::fmt;

use serde::Serialize;

use crate::ext::{CatalogExt, NodeExt};
use crate::id::{CatalogId, LocalId};

/// A text in Japanese (always) and English (where someone wrote one).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Localized {
    /// The Japanese text.
    pub ja: String,
    /// The English text, if someone wrote one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub en: Option<String>,
}

impl Localized {
    /// A Japanese text with no English.
    pub fn ja(ja: impl Into<String>) -> Self {
        Self { ja: ja.into(), en: None }
    }
    /// A text in both languages.
    pub fn new(ja: impl Into<String>, en: impl Into<String>) -> Self {
        Self { ja: ja.into(), en: Some(en.into()) }
    }
}

/// What kind of document a catalog is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CatalogKind {
    /// A guideline (ガイドライン): the text the requirements come from.
    Guideline,
    /// A checklist (チェックリスト) to fill in.
    Checklist,
    /// A questionnaire put to a vendor (e.g. a procurement checklist answered Yes/No).
    Questionnaire,
}

impl CatalogKind {
    /// Every kind, in declaration order.
    pub const ALL: [CatalogKind; 3] = [Self::Guideline, Self::Checklist, Self::Questionnaire];
    /// The stable id (`guideline`, `checklist`, `questionnaire`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Guideline => "guideline",
            Self::Checklist => "checklist",
            Self::Questionnaire => "questionnaire",
        }
    }
    /// Reads a stable id; `None` for anything else.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// A document a catalog was built from, identified by content.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SourceDoc {
    /// File name as stored under `data/seeds/` (or as the user gave it).
    pub file: String,
    /// Lower-case hex SHA-256 of the file's bytes.
    pub sha256: String,
    /// What the document is, in a few words.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// Where a node's text came from: a file and a 1-based, inclusive line range.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Provenance {
    /// The file name, as stored under `data/seeds/` (or as the user gave it).
    pub file: String,
    /// First line (1-based).
    pub line: u32,
    /// Last line, inclusive (equal to `line` for one line).
    pub end_line: u32,
}

impl Provenance {
    /// Several places as one short text, `file:1, 3-4, other:9`: the file name is written once
    /// for consecutive entries. Empty for none.
    pub fn list(p: &[Provenance]) -> String {
        let mut out = String::new();
        let mut last_file: Option<&str> = None;
        for x in p {
            if !out.is_empty() {
                out.push_str(", ");
            }
            let range = if x.line == x.end_line { x.line.to_string() } else { format!("{}-{}", x.line, x.end_line) };
            if last_file == Some(x.file.as_str()) {
                out.push_str(&range);
            } else {
                out.push_str(&format!("{}:{range}", x.file));
            }
            last_file = Some(&x.file);
        }
        out
    }

    /// One line of a file.
    pub fn line(file: impl Into<String>, line: u32) -> Self {
        Self { file: file.into(), line, end_line: line }
    }
    /// Lines `line` to `end_line` of a file (an `end_line` before `line` is taken as `line`).
    pub fn lines(file: impl Into<String>, line: u32, end_line: u32) -> Self {
        Self { file: file.into(), line, end_line: end_line.max(line) }
    }
    /// Parses `file:12` or `file:12-15`.
    pub fn parse(s: &str) -> Option<Self> {
        let (file, range) = s.rsplit_once(':')?;
        if file.is_empty() {
            return None;
        }
        let (a, b) = match range.split_once('-') {
            Some((a, b)) => (a.parse().ok()?, b.parse().ok()?),
            None => {
                let a = range.parse().ok()?;
                (a, a)
            }
        };
        if a == 0 || b < a {
            return None;
        }
        Some(Self::lines(file, a, b))
    }
}

impl fmt::Display for Provenance {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == self.end_line {
            write!(f, "{}:{}", self.file, self.line)
        } else {
            write!(f, "{}:{}-{}", self.file, self.line, self.end_line)
        }
    }
}

impl Serialize for Provenance {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// A node's place in the document's structure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum NodeKind {
    /// A volume (編) of a guideline published in several parts.
    Volume,
    /// A chapter.
    Chapter,
    /// A section under a chapter.
    Section,
    /// An item.
    Item,
    /// A sub-item of an item.
    SubItem,
}

impl NodeKind {
    /// Every kind, from the top of the tree down.
    pub const ALL: [NodeKind; 5] = [Self::Volume, Self::Chapter, Self::Section, Self::Item, Self::SubItem];
    /// The stable id (`volume`, `chapter`, `section`, `item`, `sub-item`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Volume => "volume",
            Self::Chapter => "chapter",
            Self::Section => "section",
            Self::Item => "item",
            Self::SubItem => "sub-item",
        }
    }
    /// Reads a stable id; `None` for anything else.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// How binding a requirement is.
///
/// MHLW: C (最低限のガイドライン) = mandatory, D (推奨されるガイドライン) = recommended.
/// METI: 実施すべき安全管理策 = mandatory, 推奨される安全管理策 = recommended.
/// Informative: explanation, headings and references that ask for nothing by themselves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Level {
    /// Must be done (遵守事項).
    Mandatory,
    /// Should be done (推奨事項).
    Recommended,
    /// Asks for nothing by itself (参考).
    Informative,
}

impl Level {
    /// Every level, most binding first.
    pub const ALL: [Level; 3] = [Self::Mandatory, Self::Recommended, Self::Informative];
    /// The stable id (`mandatory`, `recommended`, `informative`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Mandatory => "mandatory",
            Self::Recommended => "recommended",
            Self::Informative => "informative",
        }
    }
    /// Reads a stable id; `None` for anything else.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
    /// The users' own word for the level.
    pub fn ja(self) -> &'static str {
        match self {
            Self::Mandatory => "遵守事項",
            Self::Recommended => "推奨事項",
            Self::Informative => "参考",
        }
    }
}

/// The control category (安全管理対策の区分) where the source gives one.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Category {
    /// 組織的安全管理対策
    Organizational,
    /// 物理的安全対策
    Physical,
    /// 技術的安全対策
    Technical,
    /// 人的安全対策
    Human,
    /// Any other heading the source uses as a category, as printed (e.g. 情報の破棄).
    Other(String),
}

impl Category {
    /// The stored form: one of the four keywords, or the other heading's text.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Organizational => "organizational",
            Self::Physical => "physical",
            Self::Technical => "technical",
            Self::Human => "human",
            Self::Other(s) => s,
        }
    }
    /// Parses the stored form: one of the four keywords, or any other non-empty text.
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "" => return None,
            "organizational" => Self::Organizational,
            "physical" => Self::Physical,
            "technical" => Self::Technical,
            "human" => Self::Human,
            other => Self::Other(other.to_owned()),
        })
    }
    /// Recognises the four categories in a Japanese heading (組織的… / 物理的… / 技術的… / 人的…).
    pub fn from_ja(heading: &str) -> Option<Self> {
        let h = heading.trim();
        if h.starts_with("組織的") {
            Some(Self::Organizational)
        } else if h.starts_with("物理的") {
            Some(Self::Physical)
        } else if h.starts_with("技術的") {
            Some(Self::Technical)
        } else if h.starts_with("人的") {
            Some(Self::Human)
        } else {
            None
        }
    }
    /// The users' short word for it (組織的, 物理的, …), or the other heading's text.
    pub fn ja(&self) -> &str {
        match self {
            Self::Organizational => "組織的",
            Self::Physical => "物理的",
            Self::Technical => "技術的",
            Self::Human => "人的",
            Self::Other(s) => s,
        }
    }
}

impl Serialize for Category {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// One node of a catalog's requirement tree: a volume, chapter, section, item or sub-item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Requirement {
    /// Stable id inside the catalog. Never derived from the text.
    pub id: LocalId,
    /// The parent node; `None` for a top-level node.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent: Option<LocalId>,
    /// Its place in the document's structure (volume, chapter, …).
    pub kind: NodeKind,
    /// The display label as printed, e.g. `3.2.1 (ウ) 4`, `6.3 C 5 (d)`, `7.6.14 実施すべき (3)`.
    pub label: String,
    /// A heading, where the node has one (section titles, category headings).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// The requirement text, verbatim from the source (whitespace and extraction debris aside).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// How binding it is (遵守事項, 推奨事項, 参考), where the source says.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub level: Option<Level>,
    /// Its control category (組織的, 物理的, …), where the source gives one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub category: Option<Category>,
    /// Topic qualifiers the source gives, e.g. METI's パスワード管理 / 作業者のログオン.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub topics: Vec<String>,
    /// The printed page in the guideline itself, where a source gives it (e.g. `27`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page: Option<String>,
    /// Where the node comes from. Never empty for bundled catalogs.
    pub provenance: Vec<Provenance>,
    /// An editorial note (e.g. "the seed gives only the heading").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// What an imported OSCAL group or control carries besides the fields above (parameters,
    /// parts, props, links), kept for a lossless export; `None` for sansho's own catalogs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ext: Option<Box<NodeExt>>,
}

impl Requirement {
    /// A node with only the mandatory fields set.
    pub fn new(id: LocalId, kind: NodeKind, label: impl Into<String>) -> Self {
        Self {
            id,
            parent: None,
            kind,
            label: label.into(),
            title: None,
            text: None,
            level: None,
            category: None,
            topics: Vec::new(),
            page: None,
            provenance: Vec::new(),
            note: None,
            ext: None,
        }
    }

    /// The text to show in one line: the text, else the title.
    pub fn display_text(&self) -> &str {
        self.text.as_deref().or(self.title.as_deref()).unwrap_or("")
    }
}

/// What an outline catalog says about itself: it holds the document's structure (numbers,
/// headings) and at most some of its text — what the seeds carry — not the requirement texts.
/// Such a catalog is not offered for a new assessment until the text has been supplied
/// (`sansho catalog fill`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Outline {
    /// Why the catalog is an outline and what it lacks, for the user (Japanese).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A guideline, checklist or questionnaire as data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Catalog {
    /// The catalog's id, e.g. `mhlw-5`.
    pub id: CatalogId,
    /// The title, in Japanese (and English where known).
    pub title: Localized,
    /// Who issued it (ministries, associations).
    pub issuers: Vec<String>,
    /// The edition as the issuer names it (第5版, 第2.0版, 案 …).
    pub edition: String,
    /// Publication date where known: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// Guideline, checklist or questionnaire.
    pub kind: CatalogKind,
    /// The documents it was built from.
    pub sources: Vec<SourceDoc>,
    /// What the catalog covers and what it deliberately leaves out.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Nodes in document order; a parent always comes before its children.
    pub requirements: Vec<Requirement>,
    /// `Some` when the catalog is an outline: structure without (all of) its requirement texts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outline: Option<Outline>,
    /// What an imported OSCAL catalog carries besides its tree (metadata, back matter), kept for
    /// a lossless export; `None` for sansho's own catalogs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ext: Option<Box<CatalogExt>>,
}

impl Catalog {
    /// The node of this local id, if the catalog has it.
    pub fn get(&self, id: &str) -> Option<&Requirement> {
        self.requirements.iter().find(|r| r.id.as_str() == id)
    }
    /// Nodes that carry requirement text (headings without text are not counted).
    pub fn requirement_count(&self) -> usize {
        self.requirements.iter().filter(|r| r.text.is_some()).count()
    }
    /// Whether the catalog is an outline (see [`Outline`]).
    pub fn is_outline(&self) -> bool {
        self.outline.is_some()
    }
    /// Whether a new assessment may be made on the catalog: not while it is an outline.
    pub fn offered_for_assessment(&self) -> bool {
        !self.is_outline()
    }
    /// The requirement leaves without text (nodes without children and without text), in
    /// document order: what an outline lacks before it can be assessed.
    pub fn leaves_without_text(&self) -> Vec<&Requirement> {
        let parents: std::collections::HashSet<&str> =
            self.requirements.iter().filter_map(|r| r.parent.as_ref().map(|p| p.as_str())).collect();
        self.requirements.iter().filter(|r| r.text.is_none() && !parents.contains(r.id.as_str())).collect()
    }
    /// The OSCAL parameter with this id (an imported catalog's; ids are unique in the document),
    /// wherever it is defined: on the catalog, a group or a control.
    pub fn param(&self, id: &str) -> Option<&crate::ext::Param> {
        let root = self.ext.as_ref().and_then(|e| e.root.as_ref()).into_iter();
        root.chain(self.requirements.iter().filter_map(|r| r.ext.as_deref()))
            .flat_map(|e| e.params.iter())
            .find(|p| p.id == id)
    }
}

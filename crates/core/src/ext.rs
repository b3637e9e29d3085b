//! Structure carried over from an exchange format (OSCAL) that sansho does not interpret but keeps,
//! so that a catalog imported from OSCAL is exported again without losing anything.
//!
//! A node imported from an OSCAL catalog keeps its OSCAL `class`, `props`, `links`, `params`
//! (parameters, with their ids, labels, guidelines, values and selections) and `parts` (the
//! statement, guidance and assessment text, verbatim, `{{ insert: param, … }}` markers included)
//! here; its `text` is the statement rendered as one text for display, search and assessment.
//! Field names are OSCAL's (kebab-case) so the values read and write OSCAL JSON as they are.
//! Nodes of sansho's own catalogs have no extension.

use serde::{Deserialize, Serialize};

/// The extension of one requirement node: an OSCAL group or control.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct NodeExt {
    /// True for an OSCAL group (a heading), false for a control.
    #[serde(default, skip_serializing_if = "is_false")]
    pub group: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub class: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub params: Vec<Param>,
    /// Every prop as given, the `label` prop the node's label was taken from included.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub props: Vec<Prop>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub links: Vec<Link>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub parts: Vec<Part>,
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// An OSCAL property: a name/value pair, optionally in a namespace and with a class.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Prop {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uuid: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ns: Option<String>,
    pub value: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub class: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remarks: Option<String>,
}

impl Prop {
    pub fn new(name: impl Into<String>, value: impl Into<String>) -> Self {
        Self { name: name.into(), uuid: None, ns: None, value: value.into(), class: None, group: None, remarks: None }
    }
}

/// An OSCAL link: a reference (`#id` inside the document, or a URL) and its relation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Link {
    pub href: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rel: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_fragment: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}

/// A parameter of a control: a value the adopting organization fills in (an
/// organization-defined parameter), referred to from prose as `{{ insert: param, ID }}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Param {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub class: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub depends_on: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub props: Vec<Prop>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub links: Vec<Link>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usage: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub constraints: Vec<Constraint>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub guidelines: Vec<Guideline>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub select: Option<Select>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remarks: Option<String>,
}

/// A parameter's constraint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Constraint {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tests: Vec<ConstraintTest>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ConstraintTest {
    pub expression: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remarks: Option<String>,
}

/// Guidance on how to fill a parameter in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Guideline {
    pub prose: String,
}

/// A parameter whose value is chosen from a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Select {
    /// `one` or `one-or-more`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub how_many: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub choice: Vec<String>,
}

/// A part of a control: its statement and items, guidance, assessment objectives and methods.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Part {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ns: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub class: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub props: Vec<Prop>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prose: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub parts: Vec<Part>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub links: Vec<Link>,
}

impl Part {
    /// The value of the first `label` prop, e.g. `a.` or `1.`.
    pub fn label(&self) -> Option<&str> {
        self.props.iter().find(|p| p.name == "label" && p.ns.is_none()).map(|p| p.value.as_str())
    }
}

/// The catalog-level extension: what an OSCAL catalog says besides its requirement tree, kept as
/// the JSON text it was read from (sansho shows none of it; it is written back as it was).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct CatalogExt {
    /// The OSCAL document's UUID.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uuid: Option<String>,
    /// The `metadata` object, JSON.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<String>,
    /// The `back-matter` object (resources that links point at), JSON.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub back_matter: Option<String>,
    /// Catalog-level `params`, `props`, `links` and `parts`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub root: Option<NodeExt>,
}

/// A piece of a text that may hold OSCAL parameter inserts: plain text, or the parameter id of a
/// `{{ insert: param, ID }}` marker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Piece<'a> {
    Text(&'a str),
    Param(&'a str),
}

/// Cuts a text at its `{{ insert: param, ID }}` markers; any other `{{ … }}` stays text.
pub fn pieces(text: &str) -> Vec<Piece<'_>> {
    fn param_id(inner: &str) -> Option<&str> {
        let rest = inner.trim().strip_prefix("insert:")?.trim();
        let id = rest.strip_prefix("param")?.trim_start().strip_prefix(',')?.trim();
        (!id.is_empty()).then_some(id)
    }
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find("{{") {
        let after = &rest[open + 2..];
        let Some(close) = after.find("}}") else { break };
        match param_id(&after[..close]) {
            Some(id) => {
                if open > 0 {
                    out.push(Piece::Text(&rest[..open]));
                }
                out.push(Piece::Param(id));
                rest = &after[close + 2..];
            }
            None => {
                out.push(Piece::Text(&rest[..open + 2]));
                rest = after;
            }
        }
    }
    if !rest.is_empty() {
        out.push(Piece::Text(rest));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_text_is_cut_at_its_parameter_inserts_only() {
        let t = "x {{ insert: param, ac-1_prm_1 }} y {{insert: param,b}} {{ not }} {{ insert: param, }} z";
        let ps = pieces(t);
        assert_eq!(
            ps.iter().filter_map(|p| if let Piece::Param(id) = p { Some(*id) } else { None }).collect::<Vec<_>>(),
            ["ac-1_prm_1", "b"]
        );
        // Put back together, the pieces are the text: nothing is lost or added.
        let joined: String = ps
            .iter()
            .map(|p| match p {
                Piece::Text(t) => (*t).to_owned(),
                Piece::Param(id) => format!("<{id}>"),
            })
            .collect();
        assert_eq!(joined, "x <ac-1_prm_1> y <b> {{ not }} {{ insert: param, }} z");
        assert_eq!(pieces("{{ unclosed"), [Piece::Text("{{ unclosed")]);
        assert_eq!(pieces(""), []);
    }
}

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
    /// The OSCAL `class`: the kind of group or control, as the document classes it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub class: Option<String>,
    /// Parameters: values the text leaves to the adopting organization.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub params: Vec<Param>,
    /// Every prop as given, the `label` prop the node's label was taken from included.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub props: Vec<Prop>,
    /// Links to other controls or to back-matter resources.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub links: Vec<Link>,
    /// The text parts (statement, guidance, assessment), verbatim and possibly nested.
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
    /// The property's name (`label`, `sort-id`, …).
    pub name: String,
    /// The property's own UUID, if given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uuid: Option<String>,
    /// The namespace the name belongs to (OSCAL's own when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ns: Option<String>,
    /// The value.
    pub value: String,
    /// A class further qualifying the property.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub class: Option<String>,
    /// A group of related properties it belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    /// Free-text remarks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remarks: Option<String>,
}

impl Prop {
    /// A property in OSCAL's namespace, with nothing else set.
    pub fn new(name: impl Into<String>, value: impl Into<String>) -> Self {
        Self { name: name.into(), uuid: None, ns: None, value: value.into(), class: None, group: None, remarks: None }
    }
}

/// An OSCAL link: a reference (`#id` inside the document, or a URL) and its relation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Link {
    /// The target: `#id` inside the document, or a URL.
    pub href: String,
    /// How the target relates (`reference`, `related`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rel: Option<String>,
    /// The target's media type, if given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media_type: Option<String>,
    /// A fragment of the target resource, if the link points into one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_fragment: Option<String>,
    /// The link's text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}

/// A parameter of a control: a value the adopting organization fills in (an
/// organization-defined parameter), referred to from prose as `{{ insert: param, ID }}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Param {
    /// The parameter's id, as the prose's insert markers name it.
    pub id: String,
    /// The kind of parameter, as the document classes it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub class: Option<String>,
    /// Another parameter this one depends on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub depends_on: Option<String>,
    /// Properties of the parameter.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub props: Vec<Prop>,
    /// Links from the parameter.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub links: Vec<Link>,
    /// A placeholder shown where no value is set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// How the parameter is used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usage: Option<String>,
    /// Limits on the value.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub constraints: Vec<Constraint>,
    /// Guidance on choosing the value.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub guidelines: Vec<Guideline>,
    /// The value(s) set.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<String>,
    /// The choices, when the value is chosen from a list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub select: Option<Select>,
    /// Free-text remarks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remarks: Option<String>,
}

/// A parameter's constraint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Constraint {
    /// What the constraint requires, in words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Tests of the value.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tests: Vec<ConstraintTest>,
}

/// A test of a parameter's value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ConstraintTest {
    /// The test, as an expression over the value.
    pub expression: String,
    /// Free-text remarks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remarks: Option<String>,
}

/// Guidance on how to fill a parameter in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Guideline {
    /// The guidance, as prose.
    pub prose: String,
}

/// A parameter whose value is chosen from a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Select {
    /// `one` or `one-or-more`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub how_many: Option<String>,
    /// The choices.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub choice: Vec<String>,
}

/// A part of a control: its statement and items, guidance, assessment objectives and methods.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Part {
    /// The part's id, if it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// What the part is (`statement`, `item`, `guidance`, `assessment-objective`, …).
    pub name: String,
    /// The namespace the name belongs to (OSCAL's own when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ns: Option<String>,
    /// A class further qualifying the part.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub class: Option<String>,
    /// The part's title, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Properties (a `label` prop gives its printed label).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub props: Vec<Prop>,
    /// The text, verbatim, insert markers included.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prose: Option<String>,
    /// Parts inside this one (a statement's items).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub parts: Vec<Part>,
    /// Links from the part.
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
    /// Plain text.
    Text(&'a str),
    /// The id of a parameter to insert.
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

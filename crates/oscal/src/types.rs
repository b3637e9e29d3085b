//! The parts of the OSCAL model sansho reads, as serde types. Objects whose model forbids extra
//! fields are `deny_unknown_fields`; `metadata` and `back-matter` are kept as the JSON text they
//! were read from (checked for what sansho relies on: title, version, resource UUIDs).

use sansho_core::ext::{Link, Param, Part, Prop};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

/// A document sansho imports: an OSCAL catalog or profile.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Document {
    /// The `$schema` URL, if given.
    #[serde(rename = "$schema", default)]
    pub schema: Option<String>,
    /// The catalog, when the document is one.
    #[serde(default)]
    pub catalog: Option<Catalog>,
    /// The profile, when the document is one.
    #[serde(default)]
    pub profile: Option<Profile>,
}

/// An OSCAL catalog: controls, optionally in groups, with the metadata and back matter kept as read.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Catalog {
    /// The document's UUID.
    pub uuid: String,
    /// The `metadata` object, kept as the JSON text it was read from.
    pub metadata: Box<RawValue>,
    /// Parameters (values a control's text leaves to the organization).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub params: Vec<Param>,
    /// Controls directly under the catalog.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub controls: Vec<Control>,
    /// Top-level groups.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<Group>,
    /// The `back-matter` object (resources), kept as the JSON text it was read from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub back_matter: Option<Box<RawValue>>,
}

/// A group of controls (a chapter or section); becomes a structure node.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Group {
    /// The group's id, if it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The kind of group or control, as the document classes it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub class: Option<String>,
    /// The title.
    pub title: String,
    /// Parameters (values a control's text leaves to the organization).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub params: Vec<Param>,
    /// Properties: name/value pairs (labels, sort ids, …).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub props: Vec<Prop>,
    /// Links to other controls or to back-matter resources.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub links: Vec<Link>,
    /// Text parts (statement, guidance, …), possibly nested.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub parts: Vec<Part>,
    /// Groups inside this one.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<Group>,
    /// Controls in this group.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub controls: Vec<Control>,
}

/// A control (a requirement); controls inside it are its enhancements.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Control {
    /// The control's id (a token, e.g. `ac-1`).
    pub id: String,
    /// The kind of group or control, as the document classes it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub class: Option<String>,
    /// The title.
    pub title: String,
    /// Parameters (values a control's text leaves to the organization).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub params: Vec<Param>,
    /// Properties: name/value pairs (labels, sort ids, …).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub props: Vec<Prop>,
    /// Links to other controls or to back-matter resources.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub links: Vec<Link>,
    /// Text parts (statement, guidance, …), possibly nested.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub parts: Vec<Part>,
    /// Its enhancements: controls inside this control.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub controls: Vec<Control>,
}

/// What sansho reads of `metadata` (the rest is kept as it was).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct MetadataHead {
    /// The document's title.
    pub title: String,
    /// When the document was last changed (RFC 3339).
    pub last_modified: String,
    /// The document's own version.
    pub version: String,
    /// The OSCAL version it follows.
    pub oscal_version: String,
    /// When it was published (RFC 3339), if given.
    #[serde(default)]
    pub published: Option<String>,
    /// The organizations and people it names.
    #[serde(default)]
    pub parties: Vec<PartyHead>,
    /// Properties of the document.
    #[serde(default)]
    pub props: Vec<Prop>,
    /// Free-text remarks.
    #[serde(default)]
    pub remarks: Option<String>,
}

/// What sansho reads of a metadata party (an organization or person).
#[derive(Debug, Deserialize)]
pub struct PartyHead {
    /// The party's UUID.
    pub uuid: String,
    /// Its name, if given.
    #[serde(default)]
    pub name: Option<String>,
}

/// What sansho reads of `back-matter`: the resources' UUIDs (links point at them).
#[derive(Debug, Deserialize)]
pub struct BackMatterHead {
    /// The resources.
    #[serde(default)]
    pub resources: Vec<ResourceHead>,
}

/// What sansho reads of a back-matter resource: its UUID.
#[derive(Debug, Deserialize)]
pub struct ResourceHead {
    /// The resource's UUID.
    pub uuid: String,
}

/// An OSCAL profile: controls selected from imported catalogs, with parameter changes.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Profile {
    /// The profile's UUID.
    pub uuid: String,
    /// The `metadata` object, kept as the JSON text it was read from.
    pub metadata: Box<RawValue>,
    /// The catalogs (or profiles) it selects from.
    pub imports: Vec<Import>,
    /// How selected controls are merged (kept as JSON).
    #[serde(default)]
    pub merge: Option<serde_json::Value>,
    /// Changes to the selected controls.
    #[serde(default)]
    pub modify: Option<Modify>,
    /// The `back-matter` object (resources), kept as the JSON text it was read from.
    #[serde(default)]
    pub back_matter: Option<Box<RawValue>>,
}

/// A profile's changes to the selected controls. sansho applies `set-parameters`; `alters` is
/// refused.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Modify {
    /// New values for parameters.
    #[serde(default)]
    pub set_parameters: Vec<SetParameter>,
    /// Additions to or removals from controls (refused).
    #[serde(default)]
    pub alters: Vec<serde_json::Value>,
}

/// New values for a parameter: what is given replaces the catalog's; props and links are added.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct SetParameter {
    /// The parameter changed (its id).
    pub param_id: String,
    /// A new class.
    #[serde(default)]
    pub class: Option<String>,
    /// A new parameter it depends on.
    #[serde(default)]
    pub depends_on: Option<String>,
    /// Properties to add.
    #[serde(default)]
    pub props: Vec<Prop>,
    /// Links to add.
    #[serde(default)]
    pub links: Vec<Link>,
    /// A new label (a placeholder shown for the value).
    #[serde(default)]
    pub label: Option<String>,
    /// A new description of how the parameter is used.
    #[serde(default)]
    pub usage: Option<String>,
    /// New constraints on the value.
    #[serde(default)]
    pub constraints: Vec<sansho_core::ext::Constraint>,
    /// New guidance on choosing the value.
    #[serde(default)]
    pub guidelines: Vec<sansho_core::ext::Guideline>,
    /// The values to set.
    #[serde(default)]
    pub values: Vec<String>,
    /// A new choice of allowed values.
    #[serde(default)]
    pub select: Option<sansho_core::ext::Select>,
}

/// One catalog (or profile) a profile imports, and which of its controls it selects.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Import {
    /// The imported document: a URI or a `#uuid` of a back-matter resource.
    pub href: String,
    /// Present: every control is selected.
    #[serde(default)]
    pub include_all: Option<serde_json::Value>,
    /// The controls selected.
    #[serde(default)]
    pub include_controls: Vec<SelectControl>,
    /// Controls left out of the selection.
    #[serde(default)]
    pub exclude_controls: Vec<SelectControl>,
}

/// A selection of controls by id or by id pattern.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct SelectControl {
    /// `yes`: the selected controls' child controls too.
    #[serde(default)]
    pub with_child_controls: Option<String>,
    /// Controls selected by id.
    #[serde(default)]
    pub with_ids: Vec<String>,
    /// Controls selected by id pattern.
    #[serde(default)]
    pub matching: Vec<Matching>,
}

/// A pattern selecting controls by id.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Matching {
    /// A glob pattern over control ids (`ac-*`).
    pub pattern: String,
}

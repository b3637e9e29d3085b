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
    #[serde(rename = "$schema", default)]
    pub schema: Option<String>,
    #[serde(default)]
    pub catalog: Option<Catalog>,
    #[serde(default)]
    pub profile: Option<Profile>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Catalog {
    pub uuid: String,
    pub metadata: Box<RawValue>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub params: Vec<Param>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub controls: Vec<Control>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<Group>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub back_matter: Option<Box<RawValue>>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Group {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub class: Option<String>,
    pub title: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub params: Vec<Param>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub props: Vec<Prop>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub links: Vec<Link>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub parts: Vec<Part>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<Group>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub controls: Vec<Control>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Control {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub class: Option<String>,
    pub title: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub params: Vec<Param>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub props: Vec<Prop>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub links: Vec<Link>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub parts: Vec<Part>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub controls: Vec<Control>,
}

/// What sansho reads of `metadata` (the rest is kept as it was).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct MetadataHead {
    pub title: String,
    pub last_modified: String,
    pub version: String,
    pub oscal_version: String,
    #[serde(default)]
    pub published: Option<String>,
    #[serde(default)]
    pub parties: Vec<PartyHead>,
    #[serde(default)]
    pub props: Vec<Prop>,
    #[serde(default)]
    pub remarks: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct PartyHead {
    pub uuid: String,
    #[serde(default)]
    pub name: Option<String>,
}

/// What sansho reads of `back-matter`: the resources' UUIDs (links point at them).
#[derive(Debug, Deserialize)]
pub struct BackMatterHead {
    #[serde(default)]
    pub resources: Vec<ResourceHead>,
}

#[derive(Debug, Deserialize)]
pub struct ResourceHead {
    pub uuid: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Profile {
    pub uuid: String,
    pub metadata: Box<RawValue>,
    pub imports: Vec<Import>,
    #[serde(default)]
    pub merge: Option<serde_json::Value>,
    #[serde(default)]
    pub modify: Option<Modify>,
    #[serde(default)]
    pub back_matter: Option<Box<RawValue>>,
}

/// A profile's changes to the selected controls. sansho applies `set-parameters`; `alters` is
/// refused.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Modify {
    #[serde(default)]
    pub set_parameters: Vec<SetParameter>,
    #[serde(default)]
    pub alters: Vec<serde_json::Value>,
}

/// New values for a parameter: what is given replaces the catalog's; props and links are added.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct SetParameter {
    pub param_id: String,
    #[serde(default)]
    pub class: Option<String>,
    #[serde(default)]
    pub depends_on: Option<String>,
    #[serde(default)]
    pub props: Vec<Prop>,
    #[serde(default)]
    pub links: Vec<Link>,
    #[serde(default)]
    pub label: Option<String>,
    #[serde(default)]
    pub usage: Option<String>,
    #[serde(default)]
    pub constraints: Vec<sansho_core::ext::Constraint>,
    #[serde(default)]
    pub guidelines: Vec<sansho_core::ext::Guideline>,
    #[serde(default)]
    pub values: Vec<String>,
    #[serde(default)]
    pub select: Option<sansho_core::ext::Select>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Import {
    pub href: String,
    #[serde(default)]
    pub include_all: Option<serde_json::Value>,
    #[serde(default)]
    pub include_controls: Vec<SelectControl>,
    #[serde(default)]
    pub exclude_controls: Vec<SelectControl>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct SelectControl {
    #[serde(default)]
    pub with_child_controls: Option<String>,
    #[serde(default)]
    pub with_ids: Vec<String>,
    #[serde(default)]
    pub matching: Vec<Matching>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Matching {
    pub pattern: String,
}

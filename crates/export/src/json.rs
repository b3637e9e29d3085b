//! JSON with stable English keys.

use serde_json::{Value, json};

use crate::rows::rows;
use crate::summary;
use crate::{ExportInput, Lang};

pub(crate) fn json(input: &ExportInput) -> Value {
    let set = input.derived.set();
    let catalog = set.catalog(input.catalog).map(|c| {
        json!({
            "id": c.id.as_str(),
            "title": summary::catalog_title(c, Lang::Ja),
            "title_en": c.title.en,
            "edition": c.edition,
            "date": c.date,
            "issuers": c.issuers,
        })
    });
    let summary = summary::report(input).map(|r| serde_json::to_value(&r).expect("the report serializes"));
    json!({
        "catalog": catalog.unwrap_or_else(|| json!({ "id": input.catalog })),
        "meta": input.meta,
        "lang": input.lang,
        "include_derived": input.include_derived,
        "summary": summary,
        "rows": serde_json::to_value(rows(input)).expect("rows serialize"),
    })
}

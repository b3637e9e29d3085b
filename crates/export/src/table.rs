//! CSV: one line per requirement, with the local id first so the file can be read back.

use std::borrow::Cow;

use crate::rows::rows;
use crate::{ExportInput, ID_HEADER, headers};

/// The byte order mark Japanese Excel needs to open a CSV file as UTF-8.
const BOM: &str = "\u{feff}";

/// The first characters that make a spreadsheet program read a CSV cell as a formula (OWASP's
/// CSV-injection list).
pub const FORMULA_START: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// A cell a spreadsheet program shows as text: one that starts with a formula character gets an
/// apostrophe in front, as OWASP recommends. So that the checklist importer can take the
/// apostrophe off again without guessing, a cell that already starts with apostrophes followed
/// by a formula character gets one more (`'=x` → `''=x`); any other cell is left alone.
pub fn neutralise_formula(cell: &str) -> Cow<'_, str> {
    if cell.trim_start_matches('\'').starts_with(FORMULA_START) {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

pub(crate) fn csv(input: &ExportInput) -> String {
    let mut w = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(Vec::new());
    let mut header = vec![ID_HEADER];
    header.extend(headers(input.lang));
    // Writing to a Vec cannot fail.
    w.write_record(&header).expect("write to memory");
    for r in rows(input).iter().filter(|r| !r.is_group()) {
        let record = [
            &r.id,
            &r.no,
            &r.section,
            &r.text,
            &r.level_word,
            &r.done,
            &r.status,
            &r.how,
            &r.evidence,
            &r.notes,
            &r.owner,
            &r.due,
        ];
        w.write_record(record.map(|c| neutralise_formula(c).into_owned())).expect("write to memory");
    }
    let bytes = w.into_inner().expect("flush to memory");
    let mut out = String::with_capacity(bytes.len() + BOM.len());
    out.push_str(BOM);
    out.push_str(std::str::from_utf8(&bytes).expect("the records are strings"));
    out
}

#[cfg(test)]
mod tests {
    use super::neutralise_formula;

    #[test]
    fn formula_cells_get_an_apostrophe_and_others_are_left_alone() {
        for (cell, shown) in [
            ("=1+1", "'=1+1"),
            ("+81 3", "'+81 3"),
            ("-", "'-"),
            ("@x", "'@x"),
            ("\tx", "'\tx"),
            ("\rx", "'\rx"),
            ("'=x", "''=x"),
            ("'x", "'x"),
            ("a=b", "a=b"),
            ("－", "－"),
            ("", ""),
        ] {
            assert_eq!(neutralise_formula(cell), shown, "{cell:?}");
        }
    }
}

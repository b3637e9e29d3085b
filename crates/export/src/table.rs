//! CSV: one line per requirement, with the local id first so the file can be read back.

use crate::rows::rows;
use crate::{ExportInput, ID_HEADER, headers};

/// The byte order mark Japanese Excel needs to open a CSV file as UTF-8.
const BOM: &str = "\u{feff}";

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
        w.write_record(record).expect("write to memory");
    }
    let bytes = w.into_inner().expect("flush to memory");
    let mut out = String::with_capacity(bytes.len() + BOM.len());
    out.push_str(BOM);
    out.push_str(std::str::from_utf8(&bytes).expect("the records are strings"));
    out
}

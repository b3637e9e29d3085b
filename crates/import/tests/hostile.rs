//! Hostile and damaged workbooks: the reproducers of issue 11 §5 (aborts by giant allocations,
//! panics, runaway memory and time), each built here byte by byte with the zip crate, read by
//! both workbook importers (`checklist::read_checklist`, `xlsx::import_workbook`). Each must
//! end in a clear error naming the file (and the sheet and cell where known), quickly, without
//! aborting, panicking or hanging this test process.

use std::io::Write;
use std::sync::LazyLock;
use std::time::{Duration, Instant};

use sansho_core::{CatalogId, CatalogSet};
use sansho_import::ImportError;
use sansho_import::checklist::read_checklist;
use sansho_import::xlsx::{XlsxOptions, import_workbook};
use zip::write::SimpleFileOptions;

static SET: LazyLock<CatalogSet> = LazyLock::new(|| {
    let loaded = sansho_catalog::load(&sansho_catalog::bundled_sources());
    loaded.set.unwrap_or_else(|| panic!("bundled catalogs do not load: {:?}", loaded.diagnostics))
});

/// A zip of `(name, bytes)` entries, deflated (or stored where asked: an ods's mimetype).
fn zip(entries: &[(&str, &[u8], bool)]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, bytes, stored) in entries {
        let method = if *stored { zip::CompressionMethod::Stored } else { zip::CompressionMethod::Deflated };
        w.start_file(*name, SimpleFileOptions::default().compression_method(method)).expect("zip entry");
        w.write_all(bytes).expect("zip write");
    }
    w.finish().expect("zip finish").into_inner()
}

/// A minimal xlsx: one sheet `Sheet1` with this `<sheetData>` (and `<dimension>`, merges…
/// as given in `sheet_extra`), and these shared strings.
fn xlsx(sheet_data: &str, before_data: &str, after_data: &str, shared: Option<&str>) -> Vec<u8> {
    let content_types = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>"#;
    let rels = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;
    let workbook = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"#;
    let wb_rels = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#;
    let sheet = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">{before_data}<sheetData>{sheet_data}</sheetData>{after_data}</worksheet>"#
    );
    let shared = shared.unwrap_or(
        r#"<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="3" uniqueCount="3"><si><t>No.</t></si><si><t>チェック項目</t></si><si><t>実施状況</t></si></sst>"#,
    );
    zip(&[
        ("[Content_Types].xml", content_types.as_bytes(), false),
        ("_rels/.rels", rels.as_bytes(), false),
        ("xl/workbook.xml", workbook.as_bytes(), false),
        ("xl/_rels/workbook.xml.rels", wb_rels.as_bytes(), false),
        ("xl/worksheets/sheet1.xml", sheet.as_bytes(), false),
        ("xl/sharedStrings.xml", shared.as_bytes(), false),
    ])
}

/// The header row `No. | チェック項目 | 実施状況` (shared strings 0-2) and one item row.
const HEADER: &str = r#"<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c></row><row r="2"><c r="A2"><v>1</v></c><c r="B2" t="inlineStr"><is><t>責任者を置く</t></is></c><c r="C2" t="inlineStr"><is><t>実施済</t></is></c></row>"#;

/// One far string cell at `at` (row `row`).
fn far_cell(at: &str, row: &str) -> String {
    format!(r#"{HEADER}<row r="{row}"><c r="{at}" t="inlineStr"><is><t>x</t></is></c></row>"#)
}

/// Both importers' errors for one file, each within `limit`.
fn both_fail(name: &str, bytes: &[u8], limit: Duration) -> (ImportError, ImportError) {
    let start = Instant::now();
    let checklist = match read_checklist(name, bytes, &SET, "mhlw-3-checklist", None) {
        Ok(r) => panic!("{name}: the checklist reader accepted it ({} answers)", r.answers.len()),
        Err(e) => e,
    };
    let opts = XlsxOptions::new(CatalogId::parse("hostile").expect("id"));
    let catalog = match import_workbook(name, bytes, &opts) {
        Ok((c, _)) => panic!("{name}: the catalog importer accepted it ({} nodes)", c.requirements.len()),
        Err(e) => e,
    };
    let took = start.elapsed();
    assert!(took < limit, "{name}: took {took:?}");
    (checklist, catalog)
}

const QUICK: Duration = Duration::from_secs(10);

#[test]
fn a_cell_at_xfd1048576_is_refused_not_allocated() {
    // A1…C2 and XFD1048576: calamine's dense range would be 16,384 × 1,048,576 cells (550 GB).
    let book = xlsx(&far_cell("XFD1048576", "1048576"), "", "", None);
    assert!(book.len() < 4096, "the reproducer is small: {} bytes", book.len());
    for e in <[ImportError; 2]>::from(both_fail("far.xlsx", &book, QUICK)) {
        assert_eq!((e.file.as_str(), e.line, e.column), ("far.xlsx#Sheet1", 1_048_576, 16_384), "{e}");
        assert!(e.message.contains("cell XFD1048576 is far from the rest of the sheet"), "{e}");
        assert!(e.message.contains("A1:XFD1048576"), "{e}");
    }
}

#[test]
fn one_far_cell_zz100000_is_refused_not_allocated() {
    // 702 columns × 100,000 rows: 2.2 GB through calamine's dense range.
    let book = xlsx(&far_cell("ZZ100000", "100000"), "", "", None);
    for e in <[ImportError; 2]>::from(both_fail("zz.xlsx", &book, QUICK)) {
        assert_eq!((e.file.as_str(), e.line, e.column), ("zz.xlsx#Sheet1", 100_000, 702), "{e}");
        assert!(e.message.contains("cell ZZ100000"), "{e}");
    }
}

#[test]
fn a_cell_reference_of_25_letters_is_refused() {
    let letters = "A".repeat(25);
    let book = xlsx(&far_cell(&format!("{letters}1"), "1"), "", "", None);
    for e in <[ImportError; 2]>::from(both_fail("letters.xlsx", &book, QUICK)) {
        assert_eq!(e.file, "letters.xlsx (xl/worksheets/sheet1.xml)", "{e}");
        assert!(e.message.contains("the cell reference \"AAAAAAAAAAAAAAAAAAAAAAAAA1\" is not a cell"), "{e}");
    }
}

#[test]
fn a_row_number_of_20_digits_is_refused() {
    let digits = "12345678901234567890";
    let book = xlsx(&format!(r#"{HEADER}<row><c r="A{digits}"><v>1</v></c></row>"#), "", "", None);
    for e in <[ImportError; 2]>::from(both_fail("digits.xlsx", &book, QUICK)) {
        assert!(e.message.contains(&format!("\"A{digits}\" is not a cell")), "{e}");
    }
    // As the row's own number too.
    let book = xlsx(&format!(r#"{HEADER}<row r="{digits}"><c><v>1</v></c></row>"#), "", "", None);
    let (e, _) = both_fail("rows.xlsx", &book, QUICK);
    assert!(e.message.contains(&format!("the row number \"{digits}\" is not a cell")), "{e}");
}

#[test]
fn a_dimension_or_merged_range_out_of_any_sheet_is_refused() {
    let book = xlsx(HEADER, r#"<dimension ref="A1:XFE2"/>"#, "", None);
    let (e, _) = both_fail("dim.xlsx", &book, QUICK);
    assert!(e.message.contains("the range \"A1:XFE2\" is not a cell"), "{e}");
    let book = xlsx(HEADER, "", r#"<mergeCells count="1"><mergeCell ref="A1:B99999999999"/></mergeCells>"#, None);
    let (e, _) = both_fail("merge.xlsx", &book, QUICK);
    assert!(e.message.contains("the range \"A1:B99999999999\""), "{e}");
}

#[test]
fn a_shared_strings_unique_count_of_2_pow_32_is_refused() {
    let sst = r#"<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="3" uniqueCount="4294967296"><si><t>No.</t></si><si><t>チェック項目</t></si><si><t>実施状況</t></si></sst>"#;
    let book = xlsx(HEADER, "", "", Some(sst));
    for e in <[ImportError; 2]>::from(both_fail("sst.xlsx", &book, QUICK)) {
        assert_eq!(e.file, "sst.xlsx (xl/sharedStrings.xml)", "{e}");
        assert!(e.message.contains("uniqueCount=\"4294967296\""), "{e}");
    }
}

#[test]
fn a_zip_bomb_is_refused_by_its_ratio() {
    // 4 MiB of white space inside the sheet packs to a few KiB.
    let padding = " ".repeat(4 << 20);
    let book = xlsx(HEADER, &padding, "", None);
    assert!(book.len() < 64 << 10, "{}", book.len());
    let (e, _) = both_fail("bomb.xlsx", &book, QUICK);
    assert_eq!(e.file, "bomb.xlsx (xl/worksheets/sheet1.xml)", "{e}");
    assert!(e.message.contains("a zip bomb"), "{e}");
}

/// A minimal ods whose `content.xml` has this table body.
fn ods(table_body: &str) -> Vec<u8> {
    let content = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body><office:spreadsheet><table:table table:name="回答">{table_body}</table:table></office:spreadsheet></office:body></office:document-content>"#
    );
    let manifest = r#"<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"#;
    zip(&[
        ("mimetype", b"application/vnd.oasis.opendocument.spreadsheet", true),
        ("META-INF/manifest.xml", manifest.as_bytes(), false),
        ("content.xml", content.as_bytes(), false),
    ])
}

fn ods_cell(text: &str) -> String {
    format!(r#"<table:table-cell office:value-type="string"><text:p>{text}</text:p></table:table-cell>"#)
}

const ODS_HEADER: &str = r#"<table:table-row><table:table-cell office:value-type="string"><text:p>No.</text:p></table:table-cell><table:table-cell office:value-type="string"><text:p>チェック項目</text:p></table:table-cell><table:table-cell office:value-type="string"><text:p>実施状況</text:p></table:table-cell></table:table-row>"#;

#[test]
fn an_ods_with_repeated_rows_is_refused_before_it_is_expanded() {
    // Ten filled cells in a row repeated a million times: 10,000,000 cells (551 MB in calamine).
    let row = format!(
        r#"<table:table-row table:number-rows-repeated="1000000">{}</table:table-row>"#,
        ods_cell("x").repeat(10)
    );
    let book = ods(&format!("{ODS_HEADER}{row}"));
    let start = Instant::now();
    let e = read_checklist("rows.ods", &book, &SET, "mhlw-3-checklist", None).expect_err("refused");
    assert!(start.elapsed() < QUICK, "{:?}", start.elapsed());
    assert_eq!(e.file, "rows.ods#回答", "{e}");
    assert!(e.message.contains("1000001 rows by 10 columns"), "{e}");
    // Repeated columns likewise; trailing empty repeats (what LibreOffice writes) are fine.
    let wide = r#"<table:table-row table:number-rows-repeated="200"><table:table-cell table:number-columns-repeated="16000" office:value-type="string"><text:p>x</text:p></table:table-cell></table:table-row>"#;
    let e = read_checklist("cols.ods", &ods(&format!("{ODS_HEADER}{wide}")), &SET, "mhlw-3-checklist", None)
        .expect_err("refused");
    assert!(e.message.contains("201 rows by 16000 columns"), "{e}");
    let fine = format!(
        r#"{ODS_HEADER}<table:table-row>{}{}{}<table:table-cell table:number-columns-repeated="16381"/></table:table-row><table:table-row table:number-rows-repeated="1048574"><table:table-cell table:number-columns-repeated="16384"/></table:table-row>"#,
        ods_cell("1"),
        ods_cell("ここに存在しない項目"),
        ods_cell("実施済")
    );
    let e = read_checklist("fine.ods", &ods(&fine), &SET, "mhlw-3-checklist", None).expect_err("no such item");
    assert_eq!((e.file.as_str(), e.line), ("fine.ods#回答", 2), "{e}");
    assert!(e.message.contains("no requirement of catalog mhlw-3-checklist matches this row"), "{e}");
}

/// An OLE2 compound file: the 512-byte header with the given fields, then `body`.
fn ole(difat_first: u32, fat_sectors: u32, body: &[u8]) -> Vec<u8> {
    let mut h = vec![0u8; 512];
    h[..8].copy_from_slice(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]);
    h[0x18..0x1A].copy_from_slice(&0x003Eu16.to_le_bytes()); // minor version
    h[0x1A..0x1C].copy_from_slice(&3u16.to_le_bytes()); // major version 3
    h[0x1C..0x1E].copy_from_slice(&0xFFFEu16.to_le_bytes()); // little-endian
    h[0x1E..0x20].copy_from_slice(&9u16.to_le_bytes()); // 512-byte sectors
    h[0x20..0x22].copy_from_slice(&6u16.to_le_bytes()); // 64-byte mini sectors
    h[0x2C..0x30].copy_from_slice(&fat_sectors.to_le_bytes());
    h[0x38..0x3C].copy_from_slice(&4096u32.to_le_bytes()); // mini stream cutoff
    h[0x44..0x48].copy_from_slice(&difat_first.to_le_bytes());
    h[0x48..0x4C].copy_from_slice(&u32::MAX.to_le_bytes()); // DIFAT sectors
    for i in 0..109 {
        let at = 0x4C + i * 4;
        h[at..at + 4].copy_from_slice(&if i == 0 { 0u32 } else { u32::MAX }.to_le_bytes());
    }
    h.extend_from_slice(body);
    h
}

#[test]
fn legacy_xls_is_refused_in_both_languages_whatever_its_bytes() {
    // Legacy .xls is not read at all (its reader panics and hangs on damaged files): a truncated
    // compound file, a DIFAT chain into nowhere, a 5.6 KB file of records and the like all get
    // the same answer, at once, under either importer and under any name.
    let records: Vec<u8> = (0u32..5600).map(|i| (i.wrapping_mul(2_654_435_761) >> 11) as u8).collect();
    let cases = [
        ("truncated.xls", ole(0, 1, &[])[..300].to_vec()),
        ("difat.xls", ole(0xFFFF_FFF0, 1_000_000, &[0u8; 512])),
        ("records.xls", ole(u32::MAX - 1, 1, &records)),
        ("renamed.xlsx", ole(u32::MAX - 1, 1, &[0u8; 1024])),
    ];
    for (name, bytes) in &cases {
        for e in <[ImportError; 2]>::from(both_fail(name, bytes, Duration::from_secs(2))) {
            assert_eq!((e.file.as_str(), e.line, e.column), (*name, 0, 0), "{e}");
            assert!(e.message.contains("旧形式の Excel ブック（.xls"), "{e}");
            assert!(e.message.contains("Excel ブック (*.xlsx)"), "{e}");
            assert!(e.message.contains("save it as .xlsx"), "{e}");
        }
    }
}

#[test]
fn many_merged_regions_over_a_large_sheet_are_refused() {
    // 5,000 merges (each a pair of cells in column Z) over 38,000 rows × 26 columns: looking
    // merges up would cost 5,000 for each of the 988,000 cells.
    let mut data = String::from(HEADER);
    data.push_str(r#"<row r="38000"><c r="Z38000" t="inlineStr"><is><t>x</t></is></c></row>"#);
    let merges: String = (0..5000).map(|i| format!(r#"<mergeCell ref="AA{}:AB{}"/>"#, i * 2 + 3, i * 2 + 3)).collect();
    let book = xlsx(&data, "", &format!(r#"<mergeCells count="5000">{merges}</mergeCells>"#), None);
    let (e, _) = both_fail("merges.xlsx", &book, QUICK);
    assert_eq!(e.file, "merges.xlsx#Sheet1", "{e}");
    assert!(e.message.contains("5000 merged regions over 988000 cells"), "{e}");
}

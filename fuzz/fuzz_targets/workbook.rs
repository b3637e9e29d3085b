//! The workbook pre-checks and the in-process reader: any bytes, as any format, must give a
//! `Book` within its bounds or an error — never a panic, an abort or a hang (libFuzzer's
//! `-rss_limit_mb` and `-timeout` catch the last two).
#![no_main]

use libfuzzer_sys::fuzz_target;
use sansho_import::workbook::{Format, read_book};

fuzz_target!(|data: &[u8]| {
    let Some((&first, bytes)) = data.split_first() else { return };
    let format = match first % 3 {
        0 => Format::Xlsx,
        1 => Format::Ods,
        _ => Format::Xlsb,
    };
    if let Ok(book) = read_book("fuzz", bytes, format) {
        book.check("fuzz").expect("a book read is within its bounds");
        for sheet in &book.sheets {
            let _ = sheet.range();
        }
    }
});

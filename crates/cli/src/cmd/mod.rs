pub mod build;
pub mod check;
pub mod check_answers;
pub mod crosswalk;
pub mod import_xlsx;
pub mod list;
pub mod search;
pub mod show;

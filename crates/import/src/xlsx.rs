//! Checklist workbooks (xlsx) into catalogs.

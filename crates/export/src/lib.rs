//! Exports of one assessment: the checklist workbook, Markdown, CSV and JSON.

-- sansho schema v6: an assessment's name and owner.
--
-- name: what people call it ("2026年度 定期評価"); NULL when none was given (the lists then show
-- the catalog, the fiscal year and the created date).
-- owner_id: the user who created it through the web application or the API; with admins, the
-- only one who may reopen it once it is final (確定). NULL when it was made from the command line
-- (the file's operator) or before this migration.

ALTER TABLE assessments ADD COLUMN name TEXT CHECK (name IS NULL OR length(trim(name)) > 0);
ALTER TABLE assessments ADD COLUMN owner_id TEXT REFERENCES users (id);

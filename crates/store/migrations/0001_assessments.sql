-- sansho schema v1: organizations, systems, assessments, answers with their history, evidence.
--
-- Portable SQL: it runs unchanged on SQLite and PostgreSQL. Ids are lowercase hyphenated UUIDs
-- (TEXT) chosen by the application, so no engine-specific auto-increment is needed. Times are
-- BIGINT milliseconds since the Unix epoch (UTC); calendar dates are TEXT 'YYYY-MM-DD'.
-- Enumerations are kebab-case TEXT guarded by CHECK constraints.

CREATE TABLE organizations (
    id              TEXT    NOT NULL PRIMARY KEY,
    name            TEXT    NOT NULL CHECK (length(trim(name)) > 0),
    kind            TEXT    NOT NULL CHECK (kind IN ('medical-institution', 'vendor')),
    -- Only vendors have a position; 'type-3' is 第三類型 (receives data on a patient's instruction).
    vendor_position TEXT    CHECK (vendor_position IN ('direct-contract', 'supply-chain', 'type-3')),
    created_at      BIGINT  NOT NULL,
    created_by      TEXT    NOT NULL,
    CHECK (kind = 'vendor' OR vendor_position IS NULL)
);

CREATE TABLE systems (
    id              TEXT    NOT NULL PRIMARY KEY,
    organization_id TEXT    NOT NULL REFERENCES organizations (id),
    name            TEXT    NOT NULL CHECK (length(trim(name)) > 0),
    service_model   TEXT    NOT NULL CHECK (service_model IN ('on-premises', 'iaas', 'paas', 'saas')),
    description     TEXT    NOT NULL,
    created_at      BIGINT  NOT NULL,
    created_by      TEXT    NOT NULL
);
CREATE INDEX systems_organization ON systems (organization_id);

CREATE TABLE assessments (
    id              TEXT    NOT NULL PRIMARY KEY,
    system_id       TEXT    NOT NULL REFERENCES systems (id),
    catalog_id      TEXT    NOT NULL,
    status          TEXT    NOT NULL CHECK (status IN ('draft', 'in-review', 'final')),
    baseline_id     TEXT    REFERENCES assessments (id),
    created_at      BIGINT  NOT NULL,
    created_by      TEXT    NOT NULL,
    updated_at      BIGINT  NOT NULL,
    updated_by      TEXT    NOT NULL
);
CREATE INDEX assessments_system ON assessments (system_id);

CREATE TABLE answers (
    id              TEXT    NOT NULL PRIMARY KEY,
    assessment_id   TEXT    NOT NULL REFERENCES assessments (id),
    -- The requirement's id local to the assessment's catalog, e.g. '6.3-c-5-d'.
    requirement_id  TEXT    NOT NULL CHECK (length(requirement_id) > 0),
    result          TEXT    NOT NULL
        CHECK (result IN ('implemented', 'partial', 'not-implemented', 'not-applicable', 'unanswered')),
    how             TEXT    NOT NULL,               -- 実施内容
    justification   TEXT,
    owner           TEXT,
    due_date        TEXT,
    -- JSON: where an accepted suggestion (derived result, baseline, import) came from.
    origin          TEXT,
    created_at      BIGINT  NOT NULL,
    created_by      TEXT    NOT NULL,
    updated_at      BIGINT  NOT NULL,
    updated_by      TEXT    NOT NULL,
    UNIQUE (assessment_id, requirement_id),
    -- 該当なし needs a reason.
    CHECK (result <> 'not-applicable' OR length(trim(coalesce(justification, ''))) > 0)
);

-- Every change to an answer, one row per field: who, when, old -> new. Written in the transaction
-- of the change. seq numbers the rows of one answer from 1.
CREATE TABLE answer_history (
    answer_id       TEXT    NOT NULL REFERENCES answers (id),
    seq             BIGINT  NOT NULL,
    changed_at      BIGINT  NOT NULL,
    changed_by      TEXT    NOT NULL,
    field           TEXT    NOT NULL,
    old_value       TEXT,
    new_value       TEXT,
    PRIMARY KEY (answer_id, seq)
);

-- A file (content-addressed: stored under <data>/evidence/ab/cdef... by its SHA-256) or a link.
CREATE TABLE evidence (
    id              TEXT    NOT NULL PRIMARY KEY,
    kind            TEXT    NOT NULL CHECK (kind IN ('file', 'link')),
    title           TEXT    NOT NULL,
    sha256          TEXT    CHECK (sha256 IS NULL OR length(sha256) = 64),
    file_name       TEXT,
    size_bytes      BIGINT,
    url             TEXT,
    effective_date  TEXT    NOT NULL,
    expiry_date     TEXT,
    created_at      BIGINT  NOT NULL,
    created_by      TEXT    NOT NULL,
    CHECK ((kind = 'file' AND sha256 IS NOT NULL AND size_bytes IS NOT NULL AND url IS NULL)
        OR (kind = 'link' AND url IS NOT NULL AND sha256 IS NULL)),
    CHECK (expiry_date IS NULL OR expiry_date >= effective_date)
);

-- One piece of evidence can support many answers (answer once, prove once).
CREATE TABLE answer_evidence (
    answer_id       TEXT    NOT NULL REFERENCES answers (id),
    evidence_id     TEXT    NOT NULL REFERENCES evidence (id),
    attached_at     BIGINT  NOT NULL,
    attached_by     TEXT    NOT NULL,
    PRIMARY KEY (answer_id, evidence_id)
);
CREATE INDEX answer_evidence_evidence ON answer_evidence (evidence_id);

-- The observation table keyed by (study_id, entity_id, version) alone (issue #3 "Speed").
--
-- A fact version was identified twice: by `id` (PRIMARY KEY) and by (entity_id, version)
-- (UNIQUE). Nothing looks a version up by `id` (a UUIDv7, unique by construction), so the
-- first index only cost writes: observation is the table registries load by the million,
-- and each index is one more B-tree insert per row. Rebuilt in portable SQL (SQLite cannot
-- drop a primary key in place); every row is copied, none changed.
CREATE TABLE observation_keyed (
    study_id TEXT NOT NULL REFERENCES study (study_id),
    id TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    version BIGINT NOT NULL,
    retracted BIGINT NOT NULL DEFAULT 0,
    patient_id TEXT NOT NULL,
    visit_id TEXT,
    code_system TEXT NOT NULL,
    code TEXT NOT NULL,
    value_decimal TEXT,
    value_text TEXT,
    value_bool BIGINT,
    raw_unit TEXT,
    reference_low TEXT,
    reference_high TEXT,
    effective_date TEXT NOT NULL,
    specimen TEXT,
    source TEXT NOT NULL,
    import_id TEXT,
    recorded_at TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    reason TEXT,
    PRIMARY KEY (study_id, entity_id, version)
);

INSERT INTO observation_keyed (
    study_id, id, entity_id, version, retracted, patient_id, visit_id, code_system, code,
    value_decimal, value_text, value_bool, raw_unit, reference_low, reference_high,
    effective_date, specimen, source, import_id, recorded_at, recorded_by, reason
)
SELECT
    study_id, id, entity_id, version, retracted, patient_id, visit_id, code_system, code,
    value_decimal, value_text, value_bool, raw_unit, reference_low, reference_high,
    effective_date, specimen, source, import_id, recorded_at, recorded_by, reason
FROM observation;

DROP TABLE observation;
ALTER TABLE observation_keyed RENAME TO observation;
CREATE INDEX observation_patient ON observation (study_id, patient_id);

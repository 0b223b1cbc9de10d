-- sledger study store, version 1 (DESIGN §3, §5).
--
-- Portable SQL: the same file runs on SQLite and PostgreSQL. Only TEXT and BIGINT columns:
-- identifiers are UUIDv7 text, dates ISO 8601 text (they sort), decimals their exact decimal
-- text (never binary floating point), booleans 0/1.
--
-- Facts are never updated or deleted. Each fact table keeps versions: `entity_id` is the
-- stable identity, `version` counts from 1, a correction inserts version n+1 with who, when
-- and why; `retracted = 1` marks a version that withdraws the fact. The current version of an
-- entity is its highest version. Every table carries `study_id`, first in its primary key,
-- so that a study's rows can be distributed by it (Citus-ready).

CREATE TABLE study (
    study_id TEXT NOT NULL PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    protocol_id TEXT NOT NULL,
    protocol_version TEXT NOT NULL,
    protocol_toml TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL
);

CREATE TABLE site (
    study_id TEXT NOT NULL REFERENCES study (study_id),
    site_id TEXT NOT NULL,
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (study_id, site_id),
    UNIQUE (study_id, code)
);

CREATE TABLE app_user (
    user_id TEXT NOT NULL PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE patient (
    study_id TEXT NOT NULL REFERENCES study (study_id),
    id TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    version BIGINT NOT NULL,
    retracted BIGINT NOT NULL DEFAULT 0,
    site_code TEXT NOT NULL,
    code TEXT NOT NULL,
    sex TEXT NOT NULL,
    birth_year BIGINT NOT NULL,
    birth_month BIGINT NOT NULL,
    enrollment_date TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    reason TEXT,
    PRIMARY KEY (study_id, id),
    UNIQUE (study_id, entity_id, version)
);
-- A study code names one patient entity.
CREATE UNIQUE INDEX patient_code ON patient (study_id, code) WHERE version = 1;

CREATE TABLE consent (
    study_id TEXT NOT NULL REFERENCES study (study_id),
    id TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    version BIGINT NOT NULL,
    retracted BIGINT NOT NULL DEFAULT 0,
    patient_id TEXT NOT NULL,
    consent_date TEXT NOT NULL,
    consent_version TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    reason TEXT,
    PRIMARY KEY (study_id, id),
    UNIQUE (study_id, entity_id, version)
);

CREATE TABLE eligibility_answer (
    study_id TEXT NOT NULL REFERENCES study (study_id),
    id TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    version BIGINT NOT NULL,
    retracted BIGINT NOT NULL DEFAULT 0,
    patient_id TEXT NOT NULL,
    criterion TEXT NOT NULL,
    answer TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    reason TEXT,
    PRIMARY KEY (study_id, id),
    UNIQUE (study_id, entity_id, version)
);

CREATE TABLE infusion (
    study_id TEXT NOT NULL REFERENCES study (study_id),
    id TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    version BIGINT NOT NULL,
    retracted BIGINT NOT NULL DEFAULT 0,
    patient_id TEXT NOT NULL,
    infusion_date TEXT NOT NULL,
    product_source TEXT NOT NULL,
    donor TEXT NOT NULL,
    lot TEXT,
    total_cells TEXT NOT NULL,
    weight_kg TEXT,
    cells_per_kg TEXT,
    viability_pct TEXT,
    route TEXT NOT NULL,
    premedication TEXT,
    recorded_at TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    reason TEXT,
    PRIMARY KEY (study_id, id),
    UNIQUE (study_id, entity_id, version)
);

CREATE TABLE visit (
    study_id TEXT NOT NULL REFERENCES study (study_id),
    id TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    version BIGINT NOT NULL,
    retracted BIGINT NOT NULL DEFAULT 0,
    patient_id TEXT NOT NULL,
    visit_code TEXT NOT NULL,
    visit_date TEXT NOT NULL,
    study_day BIGINT,
    window_status TEXT NOT NULL,
    window_days_off BIGINT NOT NULL DEFAULT 0,
    recorded_at TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    reason TEXT,
    PRIMARY KEY (study_id, id),
    UNIQUE (study_id, entity_id, version)
);
CREATE INDEX visit_patient ON visit (study_id, patient_id);

-- A lab value, a vital sign or any coded finding, with its unit as reported.
CREATE TABLE observation (
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
    PRIMARY KEY (study_id, id),
    UNIQUE (study_id, entity_id, version)
);
CREATE INDEX observation_patient ON observation (study_id, patient_id);

-- One SLEDAI-2K descriptor answer at a visit (sle-activity §1.4).
CREATE TABLE sledai_item (
    study_id TEXT NOT NULL REFERENCES study (study_id),
    id TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    version BIGINT NOT NULL,
    retracted BIGINT NOT NULL DEFAULT 0,
    patient_id TEXT NOT NULL,
    visit_id TEXT NOT NULL,
    descriptor TEXT NOT NULL,
    state TEXT NOT NULL,
    last_present_date TEXT,
    new_or_recurrent BIGINT,
    recorded_at TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    reason TEXT,
    PRIMARY KEY (study_id, id),
    UNIQUE (study_id, entity_id, version)
);
CREATE INDEX sledai_item_patient ON sledai_item (study_id, patient_id);

-- Any other per-visit fact the measures read (PGA, rescue, BILAG grades, SFI flags …), by its
-- data-dictionary name.
CREATE TABLE visit_fact (
    study_id TEXT NOT NULL REFERENCES study (study_id),
    id TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    version BIGINT NOT NULL,
    retracted BIGINT NOT NULL DEFAULT 0,
    patient_id TEXT NOT NULL,
    visit_id TEXT NOT NULL,
    name TEXT NOT NULL,
    value TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    reason TEXT,
    PRIMARY KEY (study_id, id),
    UNIQUE (study_id, entity_id, version)
);
CREATE INDEX visit_fact_patient ON visit_fact (study_id, patient_id);

CREATE TABLE medication (
    study_id TEXT NOT NULL REFERENCES study (study_id),
    id TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    version BIGINT NOT NULL,
    retracted BIGINT NOT NULL DEFAULT 0,
    patient_id TEXT NOT NULL,
    agent TEXT NOT NULL,
    dose_ug BIGINT NOT NULL,
    route TEXT NOT NULL,
    schedule TEXT NOT NULL,
    start_date TEXT NOT NULL,
    end_date TEXT,
    indication TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    reason TEXT,
    PRIMARY KEY (study_id, id),
    UNIQUE (study_id, entity_id, version)
);
CREATE INDEX medication_patient ON medication (study_id, patient_id);

CREATE TABLE adverse_event (
    study_id TEXT NOT NULL REFERENCES study (study_id),
    id TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    version BIGINT NOT NULL,
    retracted BIGINT NOT NULL DEFAULT 0,
    patient_id TEXT NOT NULL,
    term TEXT NOT NULL,
    ctcae_grade BIGINT NOT NULL,
    serious BIGINT NOT NULL,
    relatedness TEXT NOT NULL,
    onset_date TEXT NOT NULL,
    resolution_date TEXT,
    outcome TEXT,
    recorded_at TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    reason TEXT,
    PRIMARY KEY (study_id, id),
    UNIQUE (study_id, entity_id, version)
);

CREATE TABLE protocol_deviation (
    study_id TEXT NOT NULL REFERENCES study (study_id),
    id TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    version BIGINT NOT NULL,
    retracted BIGINT NOT NULL DEFAULT 0,
    patient_id TEXT NOT NULL,
    visit_id TEXT,
    kind TEXT NOT NULL,
    description TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    reason TEXT,
    PRIMARY KEY (study_id, id),
    UNIQUE (study_id, entity_id, version)
);

-- Filled by the randomization issue.
CREATE TABLE allocation (
    study_id TEXT NOT NULL REFERENCES study (study_id),
    id TEXT NOT NULL,
    patient_id TEXT NOT NULL,
    list_kind TEXT NOT NULL,
    sequence_no BIGINT NOT NULL,
    stratum TEXT NOT NULL,
    arm TEXT NOT NULL,
    allocated_at TEXT NOT NULL,
    allocated_by TEXT NOT NULL,
    PRIMARY KEY (study_id, id),
    UNIQUE (study_id, patient_id)
);

-- Submissions already recorded, by the client's idempotency key.
CREATE TABLE submission (
    study_id TEXT NOT NULL REFERENCES study (study_id),
    idempotency_key TEXT NOT NULL,
    kind TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    PRIMARY KEY (study_id, idempotency_key)
);

-- The tamper-evident audit chain: one entry per write, in the write's transaction; each entry
-- holds the SHA-256 of the previous one (`prev_hash`) and its own (`hash`).
CREATE TABLE audit_entry (
    study_id TEXT NOT NULL,
    seq BIGINT NOT NULL,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    before_json TEXT,
    after_json TEXT,
    reason TEXT,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL,
    PRIMARY KEY (study_id, seq)
);

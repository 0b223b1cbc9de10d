-- sledger study store, version 2: randomization (issue #4; docs/randomization.md).
--
-- Portable SQL like 0001: TEXT and BIGINT only, every study table keyed by study_id first.
-- The allocation table of 0001 gains the allocation number and the stratum's index; the
-- concealed parts (seeds, list slots) live in tables that only the store reads, and only for
-- the roles allowed to see them (authorization.rs).

-- The secret seed of each list (32 bytes from the operating system, hex); `test` and `live`
-- lists have different seeds. Never printed, never in the audit trail.
CREATE TABLE randomization_seed (
    study_id TEXT NOT NULL REFERENCES study (study_id),
    list_kind TEXT NOT NULL,
    method TEXT NOT NULL,
    seed_hex TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    PRIMARY KEY (study_id, list_kind)
);

-- The pre-generated slots of a permuted-block list, per stratum, in list order. Extended
-- deterministically (same seed, same stream) when a stratum runs out.
CREATE TABLE randomization_slot (
    study_id TEXT NOT NULL REFERENCES study (study_id),
    list_kind TEXT NOT NULL,
    stratum_index BIGINT NOT NULL,
    sequence_no BIGINT NOT NULL,
    arm TEXT NOT NULL,
    block_no BIGINT NOT NULL,
    block_size BIGINT NOT NULL,
    PRIMARY KEY (study_id, list_kind, stratum_index, sequence_no)
);

ALTER TABLE allocation ADD COLUMN allocation_no BIGINT NOT NULL DEFAULT 0;
ALTER TABLE allocation ADD COLUMN stratum_index BIGINT NOT NULL DEFAULT 0;
-- The database itself refuses a slot taken twice or a number given twice.
CREATE UNIQUE INDEX allocation_slot ON allocation (study_id, list_kind, stratum_index, sequence_no);
CREATE UNIQUE INDEX allocation_number ON allocation (study_id, list_kind, allocation_no);

-- A patient's value of one stratification factor: a versioned fact like those of 0001.
CREATE TABLE stratum_value (
    study_id TEXT NOT NULL REFERENCES study (study_id),
    id TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    version BIGINT NOT NULL,
    retracted BIGINT NOT NULL DEFAULT 0,
    patient_id TEXT NOT NULL,
    factor TEXT NOT NULL,
    level TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    reason TEXT,
    PRIMARY KEY (study_id, id),
    UNIQUE (study_id, entity_id, version)
);
CREATE INDEX stratum_value_patient ON stratum_value (study_id, patient_id);

-- The lock on a patient's stratum values: written once, the values as locked (JSON). After
-- it the values cannot change; randomization reads them from here.
CREATE TABLE stratum_lock (
    study_id TEXT NOT NULL REFERENCES study (study_id),
    patient_id TEXT NOT NULL,
    values_json TEXT NOT NULL,
    locked_at TEXT NOT NULL,
    locked_by TEXT NOT NULL,
    PRIMARY KEY (study_id, patient_id)
);

-- Emergency unblinding of one patient: who, when, why.
CREATE TABLE unblinding (
    study_id TEXT NOT NULL REFERENCES study (study_id),
    id TEXT NOT NULL,
    patient_id TEXT NOT NULL,
    allocation_id TEXT NOT NULL,
    reason TEXT NOT NULL,
    requested_at TEXT NOT NULL,
    requested_by TEXT NOT NULL,
    PRIMARY KEY (study_id, id)
);

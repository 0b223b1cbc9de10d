-- Conditions imported from FHIR (issue #6 item 1): a diagnosis or problem of a patient as the
-- hospital coded it (code system, code, display), its FHIR clinical and verification status
-- and its onset and abatement dates. A versioned fact table like the others: a correction
-- inserts version n+1, nothing is updated or deleted. The patient is the study's patient
-- entity id, never a hospital identifier.
CREATE TABLE condition (
    study_id TEXT NOT NULL REFERENCES study (study_id),
    id TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    version BIGINT NOT NULL,
    retracted BIGINT NOT NULL DEFAULT 0,
    patient_id TEXT NOT NULL,
    code_system TEXT,
    code TEXT NOT NULL,
    display TEXT,
    clinical_status TEXT,
    verification_status TEXT,
    onset_date TEXT,
    abatement_date TEXT,
    recorded_at TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    reason TEXT,
    PRIMARY KEY (study_id, id),
    UNIQUE (study_id, entity_id, version)
);
CREATE INDEX condition_patient ON condition (study_id, patient_id);

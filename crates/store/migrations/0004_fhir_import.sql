-- Importers (issue #6): the subject linkage and the ledger of imported records.
--
-- subject_linkage maps a hospital identifier (a FHIR `Patient/<id>` reference or an
-- identifier `system|value`) to a patient of the study. It is kept apart from every clinical
-- table, so no hospital identifier is stored next to clinical facts; it can be exported and
-- purged on its own (`sledger linkage purge`), the one deletion the schema allows: once a
-- registry no longer needs to re-identify, the link is destroyed and the study data stay
-- pseudonymous. `origin` says whether the link was registered by a coordinator (`linked`) or
-- made when an import enrolled an unknown subject (`enrolled_by_import`).
CREATE TABLE subject_linkage (
    study_id TEXT NOT NULL REFERENCES study (study_id),
    hospital_identifier TEXT NOT NULL,
    patient_id TEXT NOT NULL,
    origin TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    PRIMARY KEY (study_id, hospital_identifier)
);

-- One row per record an import has taken in (a FHIR resource's type, id and versionId; a CSV
-- row's key), written in the same transaction as what the record produced, so that a re-run
-- skips what is committed and a crash leaves no half record. `version_id` is '' when the
-- source gives none (a primary key column cannot be NULL).
CREATE TABLE imported_record (
    study_id TEXT NOT NULL REFERENCES study (study_id),
    record_type TEXT NOT NULL,
    record_id TEXT NOT NULL,
    version_id TEXT NOT NULL,
    import_id TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    PRIMARY KEY (study_id, record_type, record_id, version_id)
);

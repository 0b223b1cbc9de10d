//! The subject linkage (issue #6): hospital identifier → patient of the study, in its own
//! table (migration 0004) so that no hospital identifier sits in a clinical table.
//!
//! A hospital identifier is a FHIR reference (`Patient/123`) or an identifier written
//! `system|value`. The audit chain records that links were made or purged (how many, for which
//! patient) but never the identifiers themselves: the chain is permanent, and the linkage must
//! be destroyable. `purge_linkage` is the one deletion in sledger, by design: when a registry
//! no longer needs to re-identify (end of follow-up, withdrawal of the hospital's agreement),
//! the link is destroyed and the study data stay pseudonymous; the facts are untouched.

use serde_json::json;

use crate::Store;
use crate::error::StoreError;
use crate::imported_record::{ImportKey, insert_keys};
use crate::study::{NewPatient, PatientRef, Study, check_new_patient, enroll_in, require_patient};
use crate::write::{Actor, Write, new_id};

/// How a link was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkOrigin {
    /// Registered for an enrolled patient (`sledger linkage add`, or a Patient resource whose
    /// other identifier was already linked).
    Linked,
    /// Made when an import enrolled an unknown subject (`--enroll-unknown`).
    EnrolledByImport,
}

impl LinkOrigin {
    fn code(self) -> &'static str {
        match self {
            LinkOrigin::Linked => "linked",
            LinkOrigin::EnrolledByImport => "enrolled_by_import",
        }
    }

    fn parse(code: &str) -> Result<LinkOrigin, StoreError> {
        match code {
            "linked" => Ok(LinkOrigin::Linked),
            "enrolled_by_import" => Ok(LinkOrigin::EnrolledByImport),
            _ => Err(StoreError::Corrupt(
                "subject_linkage.origin holds an unknown code",
            )),
        }
    }
}

/// One link, as exported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Linkage {
    pub hospital_identifier: String,
    /// The patient's entity id.
    pub patient_id: String,
    /// The patient's study code.
    pub patient_code: String,
    pub origin: LinkOrigin,
    pub recorded_at: String,
}

impl Store {
    /// Every link of the study, by hospital identifier.
    pub async fn linkages(&self, study: &Study) -> Result<Vec<Linkage>, StoreError> {
        let patients: std::collections::HashMap<String, String> = self
            .patients(study)
            .await?
            .into_iter()
            .map(|p| (p.entity_id, p.code))
            .collect();
        let mut tx = self.pool().begin_read().await?;
        let rows = tx
            .fetch_all(
                "SELECT hospital_identifier, patient_id, origin, recorded_at FROM subject_linkage \
                 WHERE study_id = $1 ORDER BY hospital_identifier",
                &[study.study_id.as_str().into()],
            )
            .await?;
        rows.iter()
            .map(|r| {
                let patient_id = r.req_text(1)?;
                Ok(Linkage {
                    hospital_identifier: r.req_text(0)?,
                    patient_code: patients
                        .get(&patient_id)
                        .cloned()
                        .ok_or(StoreError::Corrupt("a link names no current patient"))?,
                    patient_id,
                    origin: LinkOrigin::parse(&r.req_text(2)?)?,
                    recorded_at: r.req_text(3)?,
                })
            })
            .collect()
    }

    /// Links `identifiers` (those not linked yet) to the enrolled patient `patient_code`,
    /// and records `key` (the Patient resource that carried them) in the same transaction.
    pub async fn link_subject(
        &self,
        actor: &Actor,
        study: &Study,
        identifiers: &[String],
        patient_code: &str,
        key: Option<(&ImportKey, &str)>,
    ) -> Result<PatientRef, StoreError> {
        let mut w = Write::begin(self.pool(), &study.study_id, actor).await?;
        let patient = require_patient(&mut w.tx, &study.study_id, patient_code).await?;
        insert_links(&mut w, identifiers, &patient, LinkOrigin::Linked).await?;
        if let Some((key, import_id)) = key {
            insert_keys(&mut w, std::slice::from_ref(key), import_id).await?;
        }
        w.commit().await?;
        Ok(patient)
    }

    /// Enrolls an unknown subject under `patient` (a new pseudonymous code) and links its
    /// `identifiers` in one transaction, with the Patient resource's `key`.
    pub async fn enroll_linked(
        &self,
        actor: &Actor,
        study: &Study,
        identifiers: &[String],
        patient: &NewPatient,
        key: Option<(&ImportKey, &str)>,
    ) -> Result<PatientRef, StoreError> {
        check_new_patient(patient)?;
        let mut w = Write::begin(self.pool(), &study.study_id, actor).await?;
        let enrolled = enroll_in(&mut w, patient).await?;
        insert_links(&mut w, identifiers, &enrolled, LinkOrigin::EnrolledByImport).await?;
        if let Some((key, import_id)) = key {
            insert_keys(&mut w, std::slice::from_ref(key), import_id).await?;
        }
        w.commit().await?;
        Ok(enrolled)
    }

    /// Deletes every link of the study (audited with the reason and the count); returns the
    /// number of links deleted. The facts are untouched.
    pub async fn purge_linkage(
        &self,
        actor: &Actor,
        study: &Study,
        reason: &str,
    ) -> Result<u64, StoreError> {
        if reason.trim().is_empty() {
            return Err(sledger_core::InputError::new(
                "reason",
                reason,
                "a purge of the linkage states its reason",
            )
            .into());
        }
        let mut w = Write::begin(self.pool(), &study.study_id, actor).await?;
        let deleted =
            w.tx.execute(
                "DELETE FROM subject_linkage WHERE study_id = $1",
                &[study.study_id.as_str().into()],
            )
            .await?;
        w.audit(
            "purge",
            "subject_linkage",
            &study.study_id,
            None,
            Some(json!({ "deleted": deleted }).to_string()),
            Some(reason.to_owned()),
        )
        .await?;
        w.commit().await?;
        Ok(deleted)
    }
}

/// Inserts the links of `identifiers` not yet present; one audit entry with their number.
async fn insert_links(
    w: &mut Write,
    identifiers: &[String],
    patient: &PatientRef,
    origin: LinkOrigin,
) -> Result<(), StoreError> {
    let study_id = w.study_id().to_owned();
    let at = w.at().to_owned();
    let by = w.actor().0.clone();
    let mut added = 0usize;
    for identifier in identifiers {
        let existing = w
            .tx
            .fetch_optional(
                "SELECT patient_id FROM subject_linkage WHERE study_id = $1 AND hospital_identifier = $2",
                &[study_id.as_str().into(), identifier.as_str().into()],
            )
            .await?;
        match existing {
            Some(row) if row.req_text(0)? == patient.entity_id => continue,
            Some(_) => {
                return Err(StoreError::Duplicate {
                    field: "hospital_identifier",
                    value: "linked to another patient".to_owned(),
                });
            }
            None => {}
        }
        w.tx.execute(
            "INSERT INTO subject_linkage (study_id, hospital_identifier, patient_id, origin, recorded_at, recorded_by) \
             VALUES ($1, $2, $3, $4, $5, $6)",
            &[
                study_id.as_str().into(),
                identifier.as_str().into(),
                patient.entity_id.as_str().into(),
                origin.code().into(),
                at.as_str().into(),
                by.as_str().into(),
            ],
        )
        .await?;
        added += 1;
    }
    if added > 0 {
        w.audit(
            "link",
            "subject_linkage",
            &new_id(),
            None,
            Some(
                json!({"patient_id": patient.entity_id, "links": added, "origin": origin.code()})
                    .to_string(),
            ),
            None,
        )
        .await?;
    }
    Ok(())
}

//! Studies, sites, patients and infusions (issue #3 items 1–3).

use jiff::civil::Date;
use serde_json::{Map, Value, json};
use sledger_core::InputError;
use sledger_core::infusion::Infusion;
use sledger_core::protocol::{self, Protocol};
use sledger_core::sex::RecordedSex;

use crate::Store;
use crate::authorization::{self, Permission, SiteScope};
use crate::backend::Param;
use crate::error::StoreError;
use crate::fact::{self, FactVersion};
use crate::write::{Actor, Write, new_id};

/// A study and the protocol it was created from.
#[derive(Debug, Clone)]
pub struct Study {
    pub study_id: String,
    pub code: String,
    pub title: String,
    pub protocol: Protocol,
    pub protocol_toml: String,
}

/// A patient to enroll: a pseudonymous study code, never a name (DESIGN §3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPatient {
    pub code: String,
    pub site: String,
    pub sex: RecordedSex,
    pub birth_year: i16,
    pub birth_month: u8,
    pub enrollment_date: Date,
}

/// A patient's identity in the store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatientRef {
    pub entity_id: String,
    pub code: String,
    pub site: String,
    pub sex: RecordedSex,
    pub birth_year: i16,
    pub birth_month: u8,
    pub enrollment_date: Date,
}

/// A study or patient code: 1–32 letters, digits, `-` or `_` — short pseudonymous codes,
/// which keeps names and hospital numbers out by construction.
pub fn check_code(field: &'static str, code: &str) -> Result<(), InputError> {
    let ok = !code.is_empty()
        && code.len() <= 32
        && code
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if !ok {
        return Err(InputError::new(
            field,
            code,
            "1–32 letters, digits, '-' or '_' (a pseudonymous code)",
        ));
    }
    Ok(())
}

fn sex_code(sex: RecordedSex) -> String {
    serde_json::to_value(sex)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_else(|| "unknown".to_owned())
}

fn parse_date(field: &'static str, text: Option<&str>) -> Result<Date, StoreError> {
    let text = text.ok_or(StoreError::Corrupt("a date column is NULL"))?;
    text.parse()
        .map_err(|_| StoreError::Input(InputError::new(field, text, "not an ISO date")))
}

impl PatientRef {
    pub(crate) fn from_fact(f: &FactVersion) -> Result<PatientRef, StoreError> {
        let sex: RecordedSex =
            serde_json::from_value(Value::String(f.text("sex").unwrap_or("unknown").to_owned()))
                .map_err(|_| StoreError::Corrupt("patient.sex holds an unknown code"))?;
        Ok(PatientRef {
            entity_id: f.entity_id.clone(),
            code: f.text("code").unwrap_or_default().to_owned(),
            site: f.text("site_code").unwrap_or_default().to_owned(),
            sex,
            birth_year: f
                .int("birth_year")
                .and_then(|y| i16::try_from(y).ok())
                .unwrap_or_default(),
            birth_month: f
                .int("birth_month")
                .and_then(|m| u8::try_from(m).ok())
                .unwrap_or_default(),
            enrollment_date: parse_date("enrollment_date", f.text("enrollment_date"))?,
        })
    }
}

impl Store {
    /// Creates a study from a protocol file's text (validated on load; errors name the line).
    pub async fn create_study(
        &self,
        actor: &Actor,
        code: &str,
        file_name: &str,
        protocol_toml: &str,
    ) -> Result<Study, StoreError> {
        check_code("code", code)?;
        let protocol = protocol::load(file_name, protocol_toml)?;
        let study_id = new_id();
        let mut w = Write::begin(self.pool(), &study_id, actor).await?;
        let exists =
            w.tx.fetch_optional("SELECT study_id FROM study WHERE code = $1", &[code.into()])
                .await?;
        if exists.is_some() {
            return Err(StoreError::Duplicate {
                field: "code",
                value: code.to_owned(),
            });
        }
        let at = w.at().to_owned();
        w.tx.execute(
            "INSERT INTO study (study_id, code, title, protocol_id, protocol_version, protocol_toml, created_at, created_by) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            &[
                study_id.as_str().into(),
                code.into(),
                protocol.title().into(),
                protocol.id().into(),
                protocol.version().into(),
                protocol_toml.into(),
                at.as_str().into(),
                actor.0.as_str().into(),
            ],
        )
        .await?;
        let after = json!({
            "code": code, "title": protocol.title(), "protocol_id": protocol.id(),
            "protocol_version": protocol.version(), "protocol_sha256": sha256_hex(protocol_toml),
        });
        w.audit(
            "create",
            "study",
            &study_id,
            None,
            Some(after.to_string()),
            None,
        )
        .await?;
        w.commit().await?;
        Ok(Study {
            study_id,
            code: code.to_owned(),
            title: protocol.title().to_owned(),
            protocol,
            protocol_toml: protocol_toml.to_owned(),
        })
    }

    /// The study called `code`.
    pub async fn study(&self, code: &str) -> Result<Study, StoreError> {
        let mut tx = self.pool().begin_read().await?;
        study_in(&mut tx, code).await
    }

    /// The study called `code`, for an actor who may read records (the API's read).
    pub async fn study_as(&self, actor: &Actor, code: &str) -> Result<Study, StoreError> {
        let mut tx = self.pool().begin_read().await?;
        authorization::authorize(&mut tx, actor, Permission::ReadRecords).await?;
        study_in(&mut tx, code).await
    }

    /// Every study, for an actor who may read records.
    pub async fn studies_as(&self, actor: &Actor) -> Result<Vec<(String, String)>, StoreError> {
        let mut tx = self.pool().begin_read().await?;
        authorization::authorize(&mut tx, actor, Permission::ReadRecords).await?;
        drop(tx);
        self.studies().await
    }

    /// The patient with study code `code`, if `actor` may read the records of its site.
    pub async fn patient_as(
        &self,
        actor: &Actor,
        study: &Study,
        code: &str,
    ) -> Result<PatientRef, StoreError> {
        let mut tx = self.pool().begin_read().await?;
        let patient = require_patient(&mut tx, &study.study_id, code).await?;
        authorization::authorize_site(&mut tx, actor, Permission::ReadRecords, &patient.site)
            .await?;
        Ok(patient)
    }

    /// The current patients of the study at the sites `actor` may read, by code.
    pub async fn patients_as(
        &self,
        actor: &Actor,
        study: &Study,
    ) -> Result<Vec<PatientRef>, StoreError> {
        let mut tx = self.pool().begin_read().await?;
        let (_, scope) =
            authorization::authorize_scope(&mut tx, actor, Permission::ReadRecords).await?;
        let rows = fact::PATIENT.current_all(&mut tx, &study.study_id).await?;
        let mut patients = rows
            .iter()
            .map(PatientRef::from_fact)
            .filter(|p| p.as_ref().map_or(true, |p| scope.includes(&p.site)))
            .collect::<Result<Vec<_>, _>>()?;
        patients.sort_by(|a, b| a.code.cmp(&b.code));
        Ok(patients)
    }

    /// The sites whose patients `actor` may read (reports cover only those).
    pub async fn read_scope(
        &self,
        actor: &Actor,
        permission: Permission,
    ) -> Result<SiteScope, StoreError> {
        let mut tx = self.pool().begin_read().await?;
        Ok(authorization::authorize_scope(&mut tx, actor, permission)
            .await?
            .1)
    }

    /// Every study: (code, title), by code.
    pub async fn studies(&self) -> Result<Vec<(String, String)>, StoreError> {
        let mut tx = self.pool().begin_read().await?;
        let rows = tx
            .fetch_all("SELECT code, title FROM study ORDER BY code", &[])
            .await?;
        rows.iter()
            .map(|r| Ok((r.req_text(0)?, r.req_text(1)?)))
            .collect()
    }

    /// Enrolls a patient under a pseudonymous code; registers the site on first use.
    pub async fn enroll(
        &self,
        actor: &Actor,
        study: &Study,
        patient: &NewPatient,
    ) -> Result<PatientRef, StoreError> {
        check_new_patient(patient)?;
        let mut w = Write::begin(self.pool(), &study.study_id, actor).await?;
        authorization::authorize_site(&mut w.tx, actor, Permission::CaptureRecords, &patient.site)
            .await?;
        let enrolled = enroll_in(&mut w, patient).await?;
        w.commit().await?;
        Ok(enrolled)
    }

    /// The current version of the patient with study code `code`.
    pub async fn patient(&self, study: &Study, code: &str) -> Result<PatientRef, StoreError> {
        let mut tx = self.pool().begin_read().await?;
        require_patient(&mut tx, &study.study_id, code).await
    }

    /// Every current patient of the study, by entity id.
    pub async fn patients(&self, study: &Study) -> Result<Vec<PatientRef>, StoreError> {
        let mut tx = self.pool().begin_read().await?;
        let rows = fact::PATIENT.current_all(&mut tx, &study.study_id).await?;
        rows.iter().map(PatientRef::from_fact).collect()
    }

    /// Records an infusion of the cell product for a patient; returns its entity id.
    pub async fn record_infusion(
        &self,
        actor: &Actor,
        study: &Study,
        patient_code: &str,
        infusion: Infusion,
    ) -> Result<String, StoreError> {
        let infusion = infusion.validate()?;
        let mut w = Write::begin(self.pool(), &study.study_id, actor).await?;
        let patient = require_patient(&mut w.tx, &study.study_id, patient_code).await?;
        authorization::authorize_site(&mut w.tx, actor, Permission::CaptureRecords, &patient.site)
            .await?;
        let values = crate::infusion::values(&patient.entity_id, &infusion);
        let id = w.create(&fact::INFUSION, values).await?;
        w.commit().await?;
        Ok(id)
    }
}

/// The study called `code`, read in `tx`.
async fn study_in(tx: &mut crate::backend::Tx, code: &str) -> Result<Study, StoreError> {
    let row = tx
        .fetch_optional(
            "SELECT study_id, code, title, protocol_toml FROM study WHERE code = $1",
            &[code.into()],
        )
        .await?
        .ok_or_else(|| StoreError::NotFound {
            entity: "study",
            key: code.to_owned(),
        })?;
    let protocol_toml = row.req_text(3)?;
    let code = row.req_text(1)?;
    let protocol = protocol::load(&format!("study {code} protocol"), &protocol_toml)?;
    Ok(Study {
        study_id: row.req_text(0)?,
        code,
        title: row.req_text(2)?,
        protocol,
        protocol_toml,
    })
}

/// The snake_case code of a serde enum.
pub(crate) fn enum_code<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

fn sha256_hex(text: &str) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The data-dictionary checks of a patient to enroll (code, site, birth month and year).
pub(crate) fn check_new_patient(patient: &NewPatient) -> Result<(), StoreError> {
    check_code("code", &patient.code)?;
    check_code("site", &patient.site)?;
    if !(1..=12).contains(&patient.birth_month) {
        return Err(InputError::new("birth_month", patient.birth_month, "must be 1 to 12").into());
    }
    let enrollment_year = patient.enrollment_date.year();
    if patient.birth_year < 1900 || patient.birth_year > enrollment_year {
        return Err(InputError::new(
            "birth_year",
            patient.birth_year,
            format!("must be between 1900 and the enrollment year {enrollment_year}"),
        )
        .into());
    }
    Ok(())
}

/// Enrolls `patient` inside an open write (the checks of [`Store::enroll`] on the fields are
/// the caller's): the patient fact and its site, with their audit entries.
pub(crate) async fn enroll_in(
    w: &mut Write,
    patient: &NewPatient,
) -> Result<PatientRef, StoreError> {
    let study_id = w.study_id().to_owned();
    if find_patient(&mut w.tx, &study_id, &patient.code)
        .await?
        .is_some()
    {
        return Err(StoreError::Duplicate {
            field: "code",
            value: patient.code.clone(),
        });
    }
    ensure_site(w, &patient.site).await?;
    let mut values = Map::new();
    values.insert("site_code".into(), patient.site.clone().into());
    values.insert("code".into(), patient.code.clone().into());
    values.insert("sex".into(), sex_code(patient.sex).into());
    values.insert("birth_year".into(), i64::from(patient.birth_year).into());
    values.insert("birth_month".into(), i64::from(patient.birth_month).into());
    values.insert(
        "enrollment_date".into(),
        patient.enrollment_date.to_string().into(),
    );
    let entity_id = w.create(&fact::PATIENT, values).await?;
    Ok(PatientRef {
        entity_id,
        code: patient.code.clone(),
        site: patient.site.clone(),
        sex: patient.sex,
        birth_year: patient.birth_year,
        birth_month: patient.birth_month,
        enrollment_date: patient.enrollment_date,
    })
}

/// The current, not retracted, patient with this code.
pub(crate) async fn find_patient(
    tx: &mut crate::backend::Tx,
    study_id: &str,
    code: &str,
) -> Result<Option<PatientRef>, StoreError> {
    let found = fact::PATIENT
        .current_where(tx, study_id, "code", code)
        .await?;
    found.first().map(PatientRef::from_fact).transpose()
}

/// The patient with study code `code`; `NotFound` naming the code otherwise.
pub(crate) async fn require_patient(
    tx: &mut crate::backend::Tx,
    study_id: &str,
    code: &str,
) -> Result<PatientRef, StoreError> {
    find_patient(tx, study_id, code)
        .await?
        .ok_or_else(|| StoreError::NotFound {
            entity: "patient",
            key: code.to_owned(),
        })
}

async fn ensure_site(w: &mut Write, site: &str) -> Result<(), StoreError> {
    let study_id = w.study_id().to_owned();
    let exists =
        w.tx.fetch_optional(
            "SELECT site_id FROM site WHERE study_id = $1 AND code = $2",
            &[study_id.as_str().into(), site.into()],
        )
        .await?;
    if exists.is_some() {
        return Ok(());
    }
    let site_id = new_id();
    let at = w.at().to_owned();
    w.tx.execute(
        "INSERT INTO site (study_id, site_id, code, name, created_at) VALUES ($1, $2, $3, $4, $5)",
        &[
            study_id.as_str().into(),
            site_id.as_str().into(),
            site.into(),
            Param::Text(site.to_owned()),
            at.as_str().into(),
        ],
    )
    .await?;
    w.audit(
        "create",
        "site",
        &site_id,
        None,
        Some(json!({"code": site}).to_string()),
        None,
    )
    .await
}

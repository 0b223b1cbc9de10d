//! An adverse event (issue #3 item 1): term, CTCAE grade 1–5, seriousness, relatedness to the
//! cell product, onset, resolution and outcome — parsed once into types that cannot hold an
//! invalid event, and stored as an `adverse_event` row.
//!
//! Grades follow the Common Terminology Criteria for Adverse Events (NCI CTCAE v5.0, 2017):
//! 1 mild, 2 moderate, 3 severe, 4 life-threatening, 5 death related to the event.
//! Seriousness is the regulatory criterion of ICH E2A (death, life-threatening,
//! hospitalisation, disability, congenital anomaly, medically important), which is not the
//! same as severity: a grade-2 event may be serious. Relatedness uses the five-point
//! WHO-UMC-style scale common in cell-therapy trials.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sledger_core::InputError;

use crate::column::{self, Columns, code_of, text_or_null};

/// A CTCAE grade, 1–5 (NCI CTCAE v5.0).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CtcaeGrade(u8);

impl CtcaeGrade {
    /// Grades 1 (mild) to 5 (death related to the event); anything else is refused naming
    /// `ctcae_grade`.
    pub fn new(grade: i64) -> Result<CtcaeGrade, InputError> {
        match u8::try_from(grade) {
            Ok(g @ 1..=5) => Ok(CtcaeGrade(g)),
            _ => Err(InputError::new(
                "ctcae_grade",
                grade,
                "a CTCAE grade is 1 to 5 (NCI CTCAE v5.0)",
            )),
        }
    }

    pub fn get(self) -> u8 {
        self.0
    }

    /// Grade 5: death related to the adverse event.
    pub fn is_fatal(self) -> bool {
        self.0 == 5
    }
}

/// ICH E2A seriousness.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Seriousness {
    Serious,
    NonSerious,
}

/// Relatedness to the cell product.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Relatedness {
    Unrelated,
    Unlikely,
    Possible,
    Probable,
    Definite,
}

/// The outcome of an adverse event (CDISC SDTM AEOUT).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AeOutcome {
    Recovered,
    Recovering,
    NotRecovered,
    RecoveredWithSequelae,
    Fatal,
    Unknown,
}

pub const RELATEDNESS: &str = "unrelated, unlikely, possible, probable, definite";
pub const OUTCOMES: &str =
    "recovered, recovering, not_recovered, recovered_with_sequelae, fatal, unknown";

/// One adverse event. Built only by [`AdverseEvent::new`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdverseEvent {
    term: String,
    grade: CtcaeGrade,
    seriousness: Seriousness,
    relatedness: Relatedness,
    onset: Date,
    resolution: Option<Date>,
    outcome: Option<AeOutcome>,
}

impl AdverseEvent {
    /// Refused, naming the field: an empty or over-long `term` (a MedDRA term is at most 100
    /// characters; 200 allowed); a `resolution_date` before `onset_date`; a grade-5 event whose
    /// outcome is anything but `fatal` (`outcome`: CTCAE grade 5 is death).
    pub fn new(
        term: &str,
        grade: CtcaeGrade,
        seriousness: Seriousness,
        relatedness: Relatedness,
        onset: Date,
        resolution: Option<Date>,
        outcome: Option<AeOutcome>,
    ) -> Result<AdverseEvent, InputError> {
        let term = term.trim();
        if term.is_empty() || term.chars().count() > 200 {
            return Err(InputError::new(
                "term",
                term,
                "an adverse event term (MedDRA preferred term), 1–200 characters",
            ));
        }
        if let Some(end) = resolution.filter(|end| *end < onset) {
            return Err(InputError::new(
                "resolution_date",
                end,
                "must not be before onset_date",
            ));
        }
        if let Some(o) = outcome.filter(|o| grade.is_fatal() && *o != AeOutcome::Fatal) {
            return Err(InputError::new(
                "outcome",
                code_of(&o),
                "a CTCAE grade-5 event is a death: its outcome is fatal",
            ));
        }
        Ok(AdverseEvent {
            term: term.to_owned(),
            grade,
            seriousness,
            relatedness,
            onset,
            resolution,
            outcome,
        })
    }

    pub fn term(&self) -> &str {
        &self.term
    }

    pub fn grade(&self) -> CtcaeGrade {
        self.grade
    }

    pub fn seriousness(&self) -> Seriousness {
        self.seriousness
    }

    pub fn relatedness(&self) -> Relatedness {
        self.relatedness
    }

    pub fn onset(&self) -> Date {
        self.onset
    }

    pub fn resolution(&self) -> Option<Date> {
        self.resolution
    }

    pub fn outcome(&self) -> Option<AeOutcome> {
        self.outcome
    }
}

/// The row of `adverse_event` for `patient_id`.
pub(crate) fn values(patient_id: &str, ae: &AdverseEvent) -> Columns {
    let mut v = Columns::new();
    v.insert("patient_id".into(), patient_id.into());
    v.insert("term".into(), ae.term.clone().into());
    v.insert("ctcae_grade".into(), i64::from(ae.grade.0).into());
    v.insert(
        "serious".into(),
        Value::from(i64::from(ae.seriousness == Seriousness::Serious)),
    );
    v.insert("relatedness".into(), code_of(&ae.relatedness).into());
    v.insert("onset_date".into(), ae.onset.to_string().into());
    v.insert(
        "resolution_date".into(),
        text_or_null(ae.resolution.map(|d| d.to_string())),
    );
    v.insert(
        "outcome".into(),
        text_or_null(ae.outcome.map(|o| code_of(&o))),
    );
    v
}

/// Parses a stored (or corrected) row.
pub(crate) fn parse(values: &Columns) -> Result<AdverseEvent, InputError> {
    let grade = column::int(values, "ctcae_grade")?
        .ok_or_else(|| InputError::new("ctcae_grade", "null", "is required"))?;
    let seriousness = match column::flag(values, "serious")? {
        Some(true) => Seriousness::Serious,
        Some(false) => Seriousness::NonSerious,
        None => return Err(InputError::new("serious", "null", "is required")),
    };
    AdverseEvent::new(
        column::required_text(values, "term")?,
        CtcaeGrade::new(grade)?,
        seriousness,
        column::parse_code(
            "relatedness",
            column::required_text(values, "relatedness")?,
            RELATEDNESS,
        )?,
        column::required_date(values, "onset_date")?,
        column::date(values, "resolution_date")?,
        column::code(values, "outcome", OUTCOMES)?,
    )
}

impl crate::Store {
    /// Records an adverse event of the patient with study code `patient_code`, reported
    /// outside a visit (the API's capture), if `actor` may capture records at its site.
    pub async fn record_adverse_event(
        &self,
        actor: &crate::Actor,
        study: &crate::Study,
        patient_code: &str,
        ae: &AdverseEvent,
    ) -> Result<String, crate::StoreError> {
        let mut w = crate::Write::begin(self.pool(), &study.study_id, actor).await?;
        let patient =
            crate::study::require_patient(&mut w.tx, &study.study_id, patient_code).await?;
        crate::authorization::authorize_site(
            &mut w.tx,
            actor,
            crate::Permission::CaptureRecords,
            &patient.site,
        )
        .await?;
        let id = w
            .create(&crate::fact::ADVERSE_EVENT, values(&patient.entity_id, ae))
            .await?;
        w.commit().await?;
        Ok(id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn grades_are_one_to_five() {
        for (grade, ok) in [(0, false), (1, true), (5, true), (6, false), (-1, false)] {
            assert_eq!(CtcaeGrade::new(grade).is_ok(), ok, "grade {grade}");
        }
        assert_eq!(CtcaeGrade::new(6).unwrap_err().field, "ctcae_grade");
    }

    #[test]
    fn an_event_is_checked_and_round_trips() {
        let ok = AdverseEvent::new(
            "Infusion-related reaction",
            CtcaeGrade::new(2).expect("grade"),
            Seriousness::NonSerious,
            Relatedness::Possible,
            date(2017, 3, 1),
            Some(date(2017, 3, 2)),
            Some(AeOutcome::Recovered),
        )
        .expect("valid");
        assert_eq!(parse(&values("p", &ok)), Ok(ok.clone()));
        let err = AdverseEvent::new(
            "Fever",
            CtcaeGrade::new(1).expect("grade"),
            Seriousness::NonSerious,
            Relatedness::Unlikely,
            date(2017, 3, 2),
            Some(date(2017, 3, 1)),
            None,
        )
        .unwrap_err();
        assert_eq!(err.field, "resolution_date");
        let err = AdverseEvent::new(
            "Sepsis",
            CtcaeGrade::new(5).expect("grade"),
            Seriousness::Serious,
            Relatedness::Unlikely,
            date(2017, 3, 2),
            None,
            Some(AeOutcome::Recovered),
        )
        .unwrap_err();
        assert_eq!(err.field, "outcome");
    }
}

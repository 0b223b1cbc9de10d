//! A medication exposure as a `medication` row and back (sle-activity §9.6): agent, dose in
//! whole micrograms (`med_dose_ug`), route, schedule, start and end, indication.

use sledger_core::InputError;
use sledger_core::measures::glucocorticoid::{Dose, Route, Schedule};
use sledger_core::record::medication::{
    ExposurePeriod, MedIndication, MedicationAgent, MedicationExposure,
};

use crate::column::{self, Columns, code_of, text_or_null};

const ROUTES: &str = "oral, iv, im, sc, intra_articular, topical, inhaled, other";
const SCHEDULES: &str = "daily, bid, tid, alternate_day, weekly, single";
const INDICATIONS: &str = "sle_activity, protocol, toxicity_change, other";

/// The `med_agent` code of an agent.
pub fn agent_code(agent: MedicationAgent) -> &'static str {
    agent.code()
}

/// Parses a `med_agent` code, naming `field`.
pub fn parse_agent(field: &'static str, code: &str) -> Result<MedicationAgent, InputError> {
    MedicationAgent::from_code(code).ok_or_else(|| {
        InputError::new(
            field,
            code,
            "not a med_agent of sle-activity §9.6 (prednisone, methylprednisolone, \
                 hydroxychloroquine, mycophenolate, … or other)",
        )
    })
}

/// Parses a `med_route` code, naming `field`.
pub fn parse_route(field: &'static str, code: &str) -> Result<Route, InputError> {
    column::parse_code(field, code, ROUTES)
}

/// Parses a `med_schedule` code, naming `field`.
pub fn parse_schedule(field: &'static str, code: &str) -> Result<Schedule, InputError> {
    column::parse_code(field, code, SCHEDULES)
}

/// Parses a `med_indication` code, naming `field`.
pub fn parse_indication(field: &'static str, code: &str) -> Result<MedIndication, InputError> {
    column::parse_code(field, code, INDICATIONS)
}

/// The row of `medication` for `patient_id`.
pub(crate) fn values(patient_id: &str, m: &MedicationExposure) -> Columns {
    let mut v = Columns::new();
    v.insert("patient_id".into(), patient_id.into());
    v.insert("agent".into(), agent_code(m.agent).into());
    let ug = i64::try_from(m.dose.ug()).expect("a Dose is at most 10 g = 10^7 µg");
    v.insert("dose_ug".into(), ug.into());
    v.insert("route".into(), code_of(&m.route).into());
    v.insert("schedule".into(), code_of(&m.schedule).into());
    v.insert("start_date".into(), m.period.start().to_string().into());
    v.insert(
        "end_date".into(),
        text_or_null(m.period.end().map(|d| d.to_string())),
    );
    v.insert("indication".into(), code_of(&m.indication).into());
    v
}

/// Parses a stored (or corrected) row.
pub(crate) fn parse(values: &Columns) -> Result<MedicationExposure, InputError> {
    let ug = column::int(values, "dose_ug")?
        .ok_or_else(|| InputError::new("dose_ug", "null", "is required"))?;
    let ug = u64::try_from(ug).map_err(|_| InputError::new("dose_ug", ug, "must be > 0"))?;
    Ok(MedicationExposure {
        agent: parse_agent("agent", column::required_text(values, "agent")?)?,
        dose: Dose::from_ug(ug)?,
        route: parse_route("route", column::required_text(values, "route")?)?,
        schedule: parse_schedule("schedule", column::required_text(values, "schedule")?)?,
        period: ExposurePeriod::new(
            column::required_date(values, "start_date")?,
            column::date(values, "end_date")?,
        )?,
        indication: parse_indication("indication", column::required_text(values, "indication")?)?,
    })
}

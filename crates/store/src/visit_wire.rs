//! The JSON of one visit's facts (issue #3 item 3), as `sledger visit record` reads it from a
//! file and `POST /api/v1/studies/{study}/visits` from a request body: keyed by data-dictionary
//! names, converted once into sledger-core's domain types (DESIGN invariant 5). Unknown keys
//! are refused naming the key. Shared here so the CLI and the API cannot drift.
//!
//! ```json
//! {
//!   "note": "free text, not stored",
//!   "patient": "VLD-001", "visit": "m1", "date": "2017-03-31", "idempotency_key": "VLD-001/m1",
//!   "observations": [{"code_system": "http://loinc.org", "code": "2890-2", "value": 1450,
//!                     "unit": "mg/g", "specimen": "24h_collection"}],
//!   "sledai": {"sledai_proteinuria": "present"},
//!   "pga_hundredths": 150,
//!   "medications": [], "adverse_events": []
//! }
//! ```

use std::str::FromStr;

use jiff::civil::Date;
use rust_decimal::Decimal;
use serde::Deserialize;
use serde_json::{Map, Value};
use sledger_core::InputError;
use sledger_core::measures::pga::Pga;
use sledger_core::measures::sledai2k::{Descriptor, InvestigatorAnswer, ItemState};
use sledger_core::protocol::VisitCode;
use sledger_core::record::medication::{ExposurePeriod, MedicationExposure, parse_dose};
use sledger_core::record::observation::{
    Observation, ObservationReport, ObservationSource, ObservationValue,
};
use sledger_core::record::visit::VisitFacts;
use sledger_core::units::urine_protein::UrineSpecimen;
use sledger_score::FieldError;

use crate::adverse_event::{AdverseEvent, AeOutcome, CtcaeGrade, Relatedness, Seriousness};
use crate::column::parse_code;
use crate::visit::VisitSubmission;
use crate::{medication, sledai_item, visit_facts};

/// Parses one visit's JSON into the submission `Store::record_visit` writes; a refusal names
/// the field (`observations[2].unit`), the value and the rule.
pub fn parse_visit(json: &Value) -> Result<VisitSubmission, FieldError> {
    let wire: VisitJson = sledger_score::decode::decode(json)?;
    submission(wire).map_err(|e| FieldError {
        field: e.field.to_string(),
        value: Value::String(e.value.clone()),
        rule: e.rule.to_string(),
    })
}

/// Parses one adverse event's JSON (the shape of a visit's `adverse_events` items).
pub fn parse_adverse_event(json: &Value) -> Result<AdverseEvent, FieldError> {
    let wire: AdverseEventJson = sledger_score::decode::decode(json)?;
    adverse_event(wire).map_err(|e| FieldError {
        field: e.field.to_string(),
        value: Value::String(e.value.clone()),
        rule: e.rule.to_string(),
    })
}

/// One visit as written in the file. The per-visit facts (`pga_hundredths`, `bilag_renal`,
/// `rescue_or_treatment_failure`, …) are the remaining keys, checked by name.
#[derive(Debug, Deserialize)]
struct VisitJson {
    /// A free-text note (e.g. "illustrative data"); not stored.
    #[serde(default)]
    #[allow(dead_code)]
    note: Option<String>,
    patient: String,
    visit: String,
    date: String,
    idempotency_key: String,
    #[serde(default)]
    observations: Vec<ObservationJson>,
    #[serde(default)]
    sledai: Map<String, Value>,
    #[serde(default)]
    medications: Vec<MedicationJson>,
    #[serde(default)]
    adverse_events: Vec<AdverseEventJson>,
    /// Every other key: a per-visit fact by its data-dictionary name.
    #[serde(flatten)]
    facts: Map<String, Value>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ObservationJson {
    code_system: String,
    code: String,
    /// A number, a text or true/false.
    value: Value,
    unit: Option<String>,
    specimen: Option<String>,
    reference_low: Option<Decimal>,
    reference_high: Option<Decimal>,
    /// Collection date; default: the visit date.
    effective_date: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct MedicationJson {
    agent: String,
    dose: Decimal,
    dose_unit: String,
    route: String,
    schedule: String,
    start_date: String,
    end_date: Option<String>,
    indication: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AdverseEventJson {
    term: String,
    ctcae_grade: i64,
    serious: bool,
    relatedness: String,
    onset_date: String,
    resolution_date: Option<String>,
    outcome: Option<String>,
}

/// Prefixes an error's field with where it sits in the file: `observations[2].unit`.
fn at(prefix: &str, e: InputError) -> InputError {
    let field = e.field.strip_prefix("med_").unwrap_or(&e.field).to_owned();
    InputError {
        field: format!("{prefix}.{field}").into(),
        ..e
    }
}

fn date(field: &str, text: &str) -> Result<Date, InputError> {
    text.parse()
        .map_err(|_| InputError::new(field.to_owned(), text, "an ISO date, YYYY-MM-DD"))
}

fn observation(o: ObservationJson, visit_date: Date) -> Result<Observation, InputError> {
    let value = match &o.value {
        Value::Number(n) => ObservationValue::Quantity(
            Decimal::from_str(&n.to_string())
                .or_else(|_| Decimal::from_scientific(&n.to_string()))
                .map_err(|_| InputError::new("value", n, "a decimal number"))?,
        ),
        Value::String(s) if !s.is_empty() => ObservationValue::Text(s.clone()),
        Value::Bool(b) => ObservationValue::Boolean(*b),
        other => {
            return Err(InputError::new(
                "value",
                other,
                "a number, a text or true/false",
            ));
        }
    };
    let specimen = o
        .specimen
        .as_deref()
        .map(|s| {
            parse_code::<UrineSpecimen>(
                "specimen",
                s,
                "24h_collection, first_morning_void, random_spot, unknown",
            )
        })
        .transpose()?;
    let effective = match &o.effective_date {
        Some(d) => date("effective_date", d)?,
        None => visit_date,
    };
    Observation::parse(ObservationReport {
        code_system: o.code_system,
        code: o.code,
        value,
        unit: o.unit,
        reference_low: o.reference_low,
        reference_high: o.reference_high,
        effective,
        specimen,
        source: ObservationSource::Form,
    })
}

/// The `sledai` object: `sledai_<descriptor>` (present | absent | not_assessed),
/// `sledai_<descriptor>_date` (the last date present, README erratum 6) and
/// `sledai_<descriptor>_new_or_recurrent` (sle-activity §1.4).
fn sledai(map: &Map<String, Value>) -> Result<[InvestigatorAnswer; 24], InputError> {
    let mut answers = [InvestigatorAnswer::default(); 24];
    for (key, value) in map {
        let unknown = || {
            InputError::new(
                format!("sledai.{key}"),
                value,
                "unknown key: sledai_<descriptor>, sledai_<descriptor>_date or \
                 sledai_<descriptor>_new_or_recurrent (sle-activity §9.2)",
            )
        };
        let rest = key.strip_prefix("sledai_").ok_or_else(unknown)?;
        let (name, part) = if let Some(n) = rest.strip_suffix("_new_or_recurrent") {
            (n, "new_or_recurrent")
        } else if let Some(n) = rest.strip_suffix("_date") {
            (n, "date")
        } else {
            (rest, "state")
        };
        let d: Descriptor = sledai_item::descriptor("sledai", name).map_err(|_| unknown())?;
        let field = format!("sledai.{key}");
        let answer = &mut answers[d.index()];
        match (part, value) {
            (_, Value::Null) => {}
            ("state", Value::String(s)) => {
                answer.state = Some(
                    parse_code::<ItemState>("state", s, "present, absent, not_assessed").map_err(
                        |e| InputError {
                            field: field.clone().into(),
                            ..e
                        },
                    )?,
                );
            }
            ("date", Value::String(s)) => answer.last_present = Some(date(&field, s)?),
            ("new_or_recurrent", Value::Bool(b)) => answer.new_or_recurrent = Some(*b),
            _ => {
                return Err(InputError::new(
                    field,
                    value,
                    match part {
                        "state" => "present, absent or not_assessed",
                        "date" => "an ISO date, YYYY-MM-DD",
                        _ => "true or false",
                    },
                ));
            }
        }
    }
    Ok(answers)
}

/// The per-visit facts: every remaining key must be one of `visit_facts::names()`.
fn facts(map: &Map<String, Value>) -> Result<(VisitFacts, Option<Pga>), InputError> {
    let names = visit_facts::names();
    let (mut facts, mut pga) = (VisitFacts::default(), None);
    for (key, value) in map {
        if !names.contains(&key.as_str()) {
            return Err(InputError::new(
                key.clone(),
                value,
                "unknown key: not a data-dictionary field of a visit",
            ));
        }
        let text = match value {
            Value::Null => continue,
            Value::String(s) => s.clone(),
            Value::Bool(b) => b.to_string(),
            Value::Number(n) => n.to_string(),
            other => {
                return Err(InputError::new(
                    key.clone(),
                    other,
                    "a text, number or boolean",
                ));
            }
        };
        visit_facts::apply(&mut facts, &mut pga, key, &text).map_err(|e| InputError {
            field: key.clone().into(),
            ..e
        })?;
    }
    Ok((facts, pga))
}

fn medication(m: MedicationJson) -> Result<MedicationExposure, InputError> {
    Ok(MedicationExposure {
        agent: medication::parse_agent("agent", &m.agent)?,
        dose: parse_dose(m.dose, &m.dose_unit)?,
        route: medication::parse_route("route", &m.route)?,
        schedule: medication::parse_schedule("schedule", &m.schedule)?,
        period: ExposurePeriod::new(
            date("start_date", &m.start_date)?,
            m.end_date
                .as_deref()
                .map(|d| date("end_date", d))
                .transpose()?,
        )?,
        indication: medication::parse_indication("indication", &m.indication)?,
    })
}

fn adverse_event(a: AdverseEventJson) -> Result<AdverseEvent, InputError> {
    AdverseEvent::new(
        &a.term,
        CtcaeGrade::new(a.ctcae_grade)?,
        if a.serious {
            Seriousness::Serious
        } else {
            Seriousness::NonSerious
        },
        parse_code::<Relatedness>(
            "relatedness",
            &a.relatedness,
            crate::adverse_event::RELATEDNESS,
        )?,
        date("onset_date", &a.onset_date)?,
        a.resolution_date
            .as_deref()
            .map(|d| date("resolution_date", d))
            .transpose()?,
        a.outcome
            .as_deref()
            .map(|o| parse_code::<AeOutcome>("outcome", o, crate::adverse_event::OUTCOMES))
            .transpose()?,
    )
}

/// Wire → domain, once (parse, don't validate).
fn submission(v: VisitJson) -> Result<VisitSubmission, InputError> {
    let visit_date = date("date", &v.date)?;
    let observations = v
        .observations
        .into_iter()
        .enumerate()
        .map(|(i, o)| observation(o, visit_date).map_err(|e| at(&format!("observations[{i}]"), e)))
        .collect::<Result<_, _>>()?;
    let medications = v
        .medications
        .into_iter()
        .enumerate()
        .map(|(i, m)| medication(m).map_err(|e| at(&format!("medications[{i}]"), e)))
        .collect::<Result<_, _>>()?;
    let adverse_events = v
        .adverse_events
        .into_iter()
        .enumerate()
        .map(|(i, a)| adverse_event(a).map_err(|e| at(&format!("adverse_events[{i}]"), e)))
        .collect::<Result<_, _>>()?;
    let (facts, pga) = facts(&v.facts)?;
    Ok(VisitSubmission {
        patient_code: v.patient,
        visit: VisitCode::parse("visit", &v.visit)?,
        date: visit_date,
        idempotency_key: v.idempotency_key,
        observations,
        sledai: sledai(&v.sledai)?,
        pga,
        facts,
        medications,
        adverse_events,
    })
}

//! MedicationStatement, MedicationRequest and MedicationAdministration into a medication
//! exposure (sle-activity §9.6: agent, dose in µg, route, schedule, start/end, indication),
//! read by the glucocorticoid measures (§8) like one entered at a visit.
//!
//! - agent from `medicationCodeableConcept`: sledger's own `…/CodeSystem/med-agent` code (what
//!   `sledger export fhir` writes), else an RxNorm ingredient code of [`RXNORM_INGREDIENTS`],
//!   else `text` when it is exactly an agent's name (case-insensitive); a referenced
//!   Medication resource is not resolved;
//! - dose from `dosage[0].doseAndRate[0].doseQuantity` (Statement; Request:
//!   `dosageInstruction[0]`) or `dosage.dose` (Administration), in mg, g or ug (UCUM), converted exactly to whole micrograms;
//! - route from `dosage.route`: SNOMED CT 26643006 oral, 47625008 IV, 78421000 IM, 34206005 SC,
//!   or a `med_route` code as text (our export);
//! - schedule from `dosage.timing.repeat` (Administration: `single`);
//! - period: Statement `effectivePeriod` (or `effectiveDateTime` = start, no end); Request
//!   `dispenseRequest.validityPeriod` (start falling back to `authoredOn`); Administration the
//!   day(s) of `effective[x]`;
//! - indication: the first `reasonCode` text or code that is a `med_indication` code, else
//!   `other`.

use jiff::civil::Date;
use rust_decimal::Decimal;
use sledger_core::InputError;
use sledger_core::measures::glucocorticoid::{Dose, Route, Schedule};
use sledger_core::record::medication::{
    ExposurePeriod, MedIndication, MedicationAgent, MedicationExposure, parse_dose,
};

use super::calendar_date::{calendar_date, optional_date};
use super::mapped::Mapped;
use super::observation::subject_identifier;
use super::resource::{CodeableConcept, Dosage, Quantity, Resource, ResourceType};
use crate::fhir::MEDICATION_SYSTEM;
use crate::text::parse_code;

/// RxNorm's code system URI (HL7 terminology: `http://www.nlm.nih.gov/research/umls/rxnorm`).
pub const RXNORM: &str = "http://www.nlm.nih.gov/research/umls/rxnorm";
const SNOMED: &str = "http://snomed.info/sct";
const UCUM: &str = "http://unitsofmeasure.org";

/// RxNorm ingredient (TTY=IN) codes of the §9.6 agents, each checked against a published
/// list: the glucocorticoids against NLM RxClass's members of ATC H02AB (TTY=IN, queried
/// 2025-10-18, as recorded in a public RxClass query log); the others against CPIC's drug
/// table (`cpicpgx/cpic-schema` `drug.sql`, RxNorm ingredient ids). Mycophenolic acid (7145)
/// stands for `mycophenolate`. Belimumab, anifrolumab and mycophenolate mofetil (a precise
/// ingredient) are left out: no source at hand confirmed their codes; they still map by
/// sledger's own code or by name.
pub const RXNORM_INGREDIENTS: [(&str, MedicationAgent); 17] = [
    ("8640", MedicationAgent::Prednisone),
    ("8638", MedicationAgent::Prednisolone),
    ("6902", MedicationAgent::Methylprednisolone),
    ("3264", MedicationAgent::Dexamethasone),
    ("5492", MedicationAgent::Hydrocortisone),
    ("1514", MedicationAgent::Betamethasone),
    ("22396", MedicationAgent::Deflazacort),
    ("10759", MedicationAgent::Triamcinolone),
    ("2878", MedicationAgent::Cortisone),
    ("5521", MedicationAgent::Hydroxychloroquine),
    ("2393", MedicationAgent::Chloroquine),
    ("7145", MedicationAgent::Mycophenolate),
    ("1256", MedicationAgent::Azathioprine),
    ("6851", MedicationAgent::Methotrexate),
    ("3002", MedicationAgent::Cyclophosphamide),
    ("42316", MedicationAgent::Tacrolimus),
    ("3008", MedicationAgent::Cyclosporine),
];

/// A medication exposure of a subject (the subject's hospital reference, resolved by the
/// caller through the linkage).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FhirMedication {
    pub subject: String,
    pub exposure: MedicationExposure,
}

/// Maps a MedicationStatement, MedicationRequest or MedicationAdministration; refusals name
/// the FHIR element.
pub fn map_medication(
    kind: ResourceType,
    r: &Resource,
) -> Result<Mapped<FhirMedication>, InputError> {
    let status = r.status.as_deref().unwrap_or_default();
    let not_given: &[&str] = match kind {
        ResourceType::MedicationStatement => &["entered-in-error", "not-taken"],
        ResourceType::MedicationRequest => &["entered-in-error", "cancelled", "draft"],
        _ => &["entered-in-error", "not-done"],
    };
    if not_given.contains(&status) {
        return Ok(Mapped::Skipped {
            status: status.to_owned(),
        });
    }
    let subject = subject_identifier(r.subject.as_ref())?;
    let agent = agent(r)?;
    let administration = kind == ResourceType::MedicationAdministration;
    let (dosage, prefix) = if kind == ResourceType::MedicationRequest {
        (r.dosage_instruction.first(), "dosageInstruction")
    } else {
        (r.dosage.as_ref().and_then(|d| d.first()), "dosage")
    };
    let dose = dose(dosage, prefix, administration)?;
    let route = route(dosage, prefix)?;
    let schedule = if administration {
        Schedule::Single
    } else {
        schedule(dosage, prefix)?
    };
    let (start, end, end_field) = period(kind, r)?;
    let period = ExposurePeriod::new(start, end).map_err(|e| InputError {
        field: end_field.into(),
        ..e
    })?;
    Ok(Mapped::Record(FhirMedication {
        subject,
        exposure: MedicationExposure {
            agent,
            dose,
            route,
            schedule,
            period,
            indication: indication(&r.reason_code),
        },
    }))
}

fn agent(r: &Resource) -> Result<MedicationAgent, InputError> {
    let Some(concept) = r.medication_codeable_concept.as_ref() else {
        return Err(match &r.medication_reference {
            Some(m) => InputError::new(
                "medicationReference",
                m.reference.as_deref().unwrap_or("null"),
                "a referenced Medication resource is not resolved: give the agent in \
                 medicationCodeableConcept",
            ),
            None => InputError::new(
                "medicationCodeableConcept",
                "null",
                "names the agent (sle-activity §9.6 med_agent)",
            ),
        });
    };
    for coding in &concept.coding {
        let code = coding.code.as_deref().unwrap_or_default();
        match coding.system.as_deref() {
            Some(MEDICATION_SYSTEM) => {
                return MedicationAgent::from_code(code).ok_or_else(|| {
                    InputError::new(
                        "medicationCodeableConcept",
                        code,
                        "not a med_agent code of sle-activity §9.6",
                    )
                });
            }
            Some(RXNORM) => {
                if let Some((_, agent)) = RXNORM_INGREDIENTS.iter().find(|(c, _)| *c == code) {
                    return Ok(*agent);
                }
            }
            _ => {}
        }
    }
    let text = concept.text.as_deref().map(str::trim).unwrap_or_default();
    MedicationAgent::CODES
        .iter()
        .find(|(a, name)| *a != MedicationAgent::Other && name.eq_ignore_ascii_case(text))
        .map(|(a, _)| *a)
        .ok_or_else(|| {
            let shown = concept
                .coding
                .iter()
                .find_map(|c| c.code.clone())
                .unwrap_or_else(|| text.to_owned());
            InputError::new(
                "medicationCodeableConcept",
                if shown.is_empty() {
                    "null".into()
                } else {
                    shown
                },
                "not an agent of sle-activity §9.6: a …/CodeSystem/med-agent code, an RxNorm \
                 ingredient code of a §9.6 agent, or the agent's name as text",
            )
        })
}

fn dose(
    dosage: Option<&Dosage>,
    prefix: &'static str,
    administration: bool,
) -> Result<Dose, InputError> {
    let (field, quantity): (String, Option<&Quantity>) = if administration {
        (
            format!("{prefix}.dose"),
            dosage.and_then(|d| d.dose.as_ref()),
        )
    } else {
        (
            format!("{prefix}.doseAndRate.doseQuantity"),
            dosage
                .and_then(|d| d.dose_and_rate.first())
                .and_then(|d| d.dose_quantity.as_ref()),
        )
    };
    let value_field = format!("{field}.value");
    let unit_field = format!("{field}.unit");
    let q = quantity.ok_or_else(|| {
        InputError::new(
            field,
            "null",
            "the dose per administration in mg, g or ug (sle-activity §9.6 med_dose_ug)",
        )
    })?;
    let value = q
        .value
        .ok_or_else(|| InputError::new(value_field.clone(), "null", "the dose's value"))?;
    let unit = if q.system.as_deref() == Some(UCUM) {
        q.code.as_deref().or(q.unit.as_deref())
    } else {
        q.unit.as_deref().or(q.code.as_deref())
    }
    .unwrap_or_default();
    if !matches!(unit, "mg" | "g" | "ug" | "µg" | "μg") {
        return Err(InputError::new(
            unit_field,
            if unit.is_empty() { "null" } else { unit },
            "a mass unit: mg, g or ug (sle-activity §9.6 records the dose in µg)",
        ));
    }
    parse_dose(value, unit).map_err(|e| InputError {
        field: value_field.into(),
        ..e
    })
}

/// SNOMED CT route codes of the FHIR R4 route-codes value set.
fn snomed_route(code: &str) -> Option<Route> {
    Some(match code {
        "26643006" => Route::Oral,
        "47625008" => Route::Iv,
        "78421000" => Route::Im,
        "34206005" => Route::Sc,
        _ => return None,
    })
}

fn route(dosage: Option<&Dosage>, prefix: &'static str) -> Result<Route, InputError> {
    let field = format!("{prefix}.route");
    let concept = dosage.and_then(|d| d.route.as_ref()).ok_or_else(|| {
        InputError::new(
            field.clone(),
            "null",
            "the route (sle-activity §9.6 med_route): SNOMED CT 26643006 oral, 47625008 IV, \
             78421000 IM, 34206005 SC, or a med_route code as text",
        )
    })?;
    let snomed = concept
        .coding
        .iter()
        .filter(|c| c.system.as_deref() == Some(SNOMED))
        .find_map(|c| c.code.as_deref().and_then(snomed_route));
    if let Some(route) = snomed {
        return Ok(route);
    }
    let text = concept.text.as_deref().map(str::trim).unwrap_or_default();
    parse_code::<Route>(text).ok_or_else(|| {
        let shown = concept
            .coding
            .iter()
            .find_map(|c| c.code.clone())
            .unwrap_or_else(|| text.to_owned());
        InputError::new(
            field,
            if shown.is_empty() {
                "null".into()
            } else {
                shown
            },
            "SNOMED CT 26643006 oral, 47625008 IV, 78421000 IM, 34206005 SC, or a med_route \
             code as text (oral, iv, im, sc, intra_articular, topical, inhaled, other)",
        )
    })
}

/// `timing.repeat` → `med_schedule`: `count` 1 is a single administration; otherwise
/// `frequency` per `period` `periodUnit` (a missing frequency is once per period, as FHIR R4
/// Timing defines it): 1/1 d daily, 2/1 d bid, 3/1 d tid, 1/2 d alternate_day, 1/1 wk or 1/7 d
/// weekly. Anything else is refused: sledger's schedules cannot hold it.
fn schedule(dosage: Option<&Dosage>, prefix: &'static str) -> Result<Schedule, InputError> {
    let field = format!("{prefix}.timing.repeat");
    let repeat = dosage
        .and_then(|d| d.timing.as_ref())
        .and_then(|t| t.repeat.as_ref())
        .ok_or_else(|| {
            InputError::new(
                field.clone(),
                "null",
                "the schedule (sle-activity §9.6 med_schedule): frequency per period",
            )
        })?;
    if repeat.count == Some(1) && repeat.period.is_none() {
        return Ok(Schedule::Single);
    }
    let frequency = repeat.frequency.unwrap_or(1);
    let period = repeat.period.map(|p| p.normalize());
    let unit = repeat.period_unit.as_deref().unwrap_or_default();
    let one = Some(Decimal::ONE);
    Ok(match (frequency, period, unit) {
        (1, p, "d") if p == one => Schedule::Daily,
        (2, p, "d") if p == one => Schedule::Bid,
        (3, p, "d") if p == one => Schedule::Tid,
        (1, p, "d") if p == Some(Decimal::TWO) => Schedule::AlternateDay,
        (1, p, "wk") if p == one => Schedule::Weekly,
        (1, p, "d") if p == Some(Decimal::from(7)) => Schedule::Weekly,
        _ => {
            return Err(InputError::new(
                field,
                format!(
                    "{frequency} per {} {unit}",
                    period.map_or_else(|| "null".to_owned(), |p| p.to_string())
                ),
                "daily (1 per 1 d), bid (2 per 1 d), tid (3 per 1 d), alternate_day \
                 (1 per 2 d), weekly (1 per 1 wk) or a single administration (count 1)",
            ));
        }
    })
}

/// Start, end and the element the end came from.
fn period(
    kind: ResourceType,
    r: &Resource,
) -> Result<(Date, Option<Date>, &'static str), InputError> {
    match kind {
        ResourceType::MedicationRequest => {
            let validity = r
                .dispense_request
                .as_ref()
                .and_then(|d| d.validity_period.as_ref());
            let start = match validity.and_then(|v| v.start.as_deref()) {
                Some(s) => calendar_date("dispenseRequest.validityPeriod.start", s)?,
                None => match r.authored_on.as_deref() {
                    Some(a) => calendar_date("authoredOn", a)?,
                    None => {
                        return Err(InputError::new(
                            "authoredOn",
                            "null",
                            "a MedicationRequest starts on dispenseRequest.validityPeriod.start \
                             or, without it, on authoredOn",
                        ));
                    }
                },
            };
            let end = optional_date(
                "dispenseRequest.validityPeriod.end",
                validity.and_then(|v| v.end.as_deref()),
            )?;
            Ok((start, end, "dispenseRequest.validityPeriod.end"))
        }
        _ => {
            let administration = kind == ResourceType::MedicationAdministration;
            match (&r.effective_period, &r.effective_date_time) {
                (Some(p), _) => {
                    let start = calendar_date(
                        "effectivePeriod.start",
                        p.start.as_deref().unwrap_or_default(),
                    )?;
                    let end = optional_date("effectivePeriod.end", p.end.as_deref())?;
                    let end = if administration {
                        Some(end.unwrap_or(start))
                    } else {
                        end
                    };
                    Ok((start, end, "effectivePeriod.end"))
                }
                (None, Some(t)) => {
                    let day = calendar_date("effectiveDateTime", t)?;
                    Ok((day, administration.then_some(day), "effectiveDateTime"))
                }
                (None, None) => Err(InputError::new(
                    "effective[x]",
                    "null",
                    "when the medication was taken (effectivePeriod or effectiveDateTime)",
                )),
            }
        }
    }
}

/// The first `reasonCode` text or code that is a `med_indication` code (spaces and hyphens
/// read as underscores, any case), else `other`.
fn indication(reasons: &[CodeableConcept]) -> MedIndication {
    reasons
        .iter()
        .flat_map(|c| {
            c.text
                .iter()
                .chain(c.coding.iter().filter_map(|k| k.code.as_ref()))
        })
        .find_map(|t| {
            let code = t.trim().to_ascii_lowercase().replace([' ', '-'], "_");
            parse_code::<MedIndication>(&code)
        })
        .unwrap_or(MedIndication::Other)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fhir_in::parse_line;
    use jiff::civil::date;

    const STATEMENT: &str = r#"{"resourceType":"MedicationStatement","id":"m1","status":"active",
        "medicationCodeableConcept":{"coding":[{"system":"http://www.nlm.nih.gov/research/umls/rxnorm","code":"8640","display":"prednisone"}]},
        "subject":{"reference":"Patient/p1"},
        "effectivePeriod":{"start":"2017-03-01","end":"2017-05-31T00:00:00Z"},
        "reasonCode":[{"text":"SLE activity"}],
        "dosage":[{"route":{"coding":[{"system":"http://snomed.info/sct","code":"26643006"}]},
                   "timing":{"repeat":{"frequency":1,"period":1,"periodUnit":"d"}},
                   "doseAndRate":[{"doseQuantity":{"value":7.5,"unit":"mg","system":"http://unitsofmeasure.org","code":"mg"}}]}]}"#;

    fn map(kind: ResourceType, line: &str) -> Result<Mapped<FhirMedication>, InputError> {
        map_medication(kind, &parse_line(line).unwrap())
    }

    fn exposure(kind: ResourceType, line: &str) -> MedicationExposure {
        match map(kind, line).unwrap() {
            Mapped::Record(m) => m.exposure,
            other => panic!("not a record: {other:?}"),
        }
    }

    #[test]
    fn a_statement_maps_agent_dose_route_schedule_period_and_indication() {
        let m = match map(ResourceType::MedicationStatement, STATEMENT).unwrap() {
            Mapped::Record(m) => m,
            other => panic!("{other:?}"),
        };
        assert_eq!(m.subject, "Patient/p1");
        let e = m.exposure;
        assert_eq!(e.agent, MedicationAgent::Prednisone);
        assert_eq!(e.dose.ug(), 7_500);
        assert_eq!((e.route, e.schedule), (Route::Oral, Schedule::Daily));
        assert_eq!(e.period.start(), date(2017, 3, 1));
        assert_eq!(e.period.end(), Some(date(2017, 5, 31)));
        assert_eq!(e.indication, MedIndication::SleActivity);
    }

    #[test]
    fn our_own_export_round_trips() {
        let ours = r#"{"resourceType":"MedicationStatement","id":"x","status":"completed",
            "medicationCodeableConcept":{"coding":[{"system":"https://sledger.example/fhir/CodeSystem/med-agent","code":"methylprednisolone","display":"methylprednisolone"}]},
            "subject":{"reference":"Patient/IDX-01"},"effectivePeriod":{"start":"2017-03-01","end":"2017-03-03"},
            "reasonCode":[{"text":"protocol"}],
            "dosage":[{"text":"500 mg iv daily","route":{"text":"iv"},"timing":{"repeat":{"frequency":1,"period":1,"periodUnit":"d"}},
                       "doseAndRate":[{"doseQuantity":{"value":500,"unit":"mg","system":"http://unitsofmeasure.org","code":"mg"}}]}]}"#;
        let e = exposure(ResourceType::MedicationStatement, ours);
        assert_eq!(e.agent, MedicationAgent::Methylprednisolone);
        assert_eq!((e.route, e.dose.ug()), (Route::Iv, 500_000));
        assert_eq!(e.indication, MedIndication::Protocol);
    }

    #[test]
    fn schedules_units_and_the_agent_by_name() {
        let bid = STATEMENT.replace(r#""frequency":1"#, r#""frequency":2"#);
        assert_eq!(
            exposure(ResourceType::MedicationStatement, &bid).schedule,
            Schedule::Bid
        );
        let alternate = STATEMENT.replace(r#""period":1"#, r#""period":2"#);
        assert_eq!(
            exposure(ResourceType::MedicationStatement, &alternate).schedule,
            Schedule::AlternateDay
        );
        let weekly = STATEMENT.replace(r#""periodUnit":"d""#, r#""periodUnit":"wk""#);
        assert_eq!(
            exposure(ResourceType::MedicationStatement, &weekly).schedule,
            Schedule::Weekly
        );
        let grams = STATEMENT.replace(
            r#""value":7.5,"unit":"mg","system":"http://unitsofmeasure.org","code":"mg""#,
            r#""value":0.5,"unit":"g""#,
        );
        assert_eq!(
            exposure(ResourceType::MedicationStatement, &grams)
                .dose
                .ug(),
            500_000
        );
        let by_name = STATEMENT.replace(
            r#"{"coding":[{"system":"http://www.nlm.nih.gov/research/umls/rxnorm","code":"8640","display":"prednisone"}]}"#,
            r#"{"text":"Hydroxychloroquine"}"#,
        );
        assert_eq!(
            exposure(ResourceType::MedicationStatement, &by_name).agent,
            MedicationAgent::Hydroxychloroquine
        );
        let no_reason = STATEMENT.replace(r#""reasonCode":[{"text":"SLE activity"}],"#, "");
        assert_eq!(
            exposure(ResourceType::MedicationStatement, &no_reason).indication,
            MedIndication::Other
        );
    }

    #[test]
    fn a_request_runs_over_its_validity_period_or_from_authored_on() {
        let request = r#"{"resourceType":"MedicationRequest","id":"r1","status":"active","intent":"order",
            "medicationCodeableConcept":{"coding":[{"system":"http://www.nlm.nih.gov/research/umls/rxnorm","code":"5521"}]},
            "subject":{"reference":"Patient/p1"},"authoredOn":"2017-02-20",
            "dispenseRequest":{"validityPeriod":{"start":"2017-03-01","end":"2017-08-31"}},
            "dosageInstruction":[{"route":{"coding":[{"system":"http://snomed.info/sct","code":"26643006"}]},
                       "timing":{"repeat":{"frequency":2,"period":1,"periodUnit":"d"}},
                       "doseAndRate":[{"doseQuantity":{"value":200,"unit":"mg"}}]}]}"#;
        let e = exposure(ResourceType::MedicationRequest, request);
        assert_eq!(e.agent, MedicationAgent::Hydroxychloroquine);
        assert_eq!(
            (e.period.start(), e.period.end()),
            (date(2017, 3, 1), Some(date(2017, 8, 31)))
        );
        let authored = request.replace(
            r#""dispenseRequest":{"validityPeriod":{"start":"2017-03-01","end":"2017-08-31"}},"#,
            "",
        );
        let e = exposure(ResourceType::MedicationRequest, &authored);
        assert_eq!(
            (e.period.start(), e.period.end()),
            (date(2017, 2, 20), None)
        );
        let cancelled = request.replace(r#""status":"active""#, r#""status":"cancelled""#);
        assert_eq!(
            map(ResourceType::MedicationRequest, &cancelled).unwrap(),
            Mapped::Skipped {
                status: "cancelled".into()
            }
        );
    }

    #[test]
    fn an_administration_is_a_single_dose_on_its_day() {
        let admin = r#"{"resourceType":"MedicationAdministration","id":"a1","status":"completed",
            "medicationCodeableConcept":{"coding":[{"system":"http://www.nlm.nih.gov/research/umls/rxnorm","code":"3002"}]},
            "subject":{"reference":"Patient/p1"},"effectiveDateTime":"2017-03-05T09:00:00Z",
            "dosage":{"route":{"coding":[{"system":"http://snomed.info/sct","code":"47625008"}]},
                      "dose":{"value":750,"unit":"mg","system":"http://unitsofmeasure.org","code":"mg"}}}"#;
        let e = exposure(ResourceType::MedicationAdministration, admin);
        assert_eq!(e.agent, MedicationAgent::Cyclophosphamide);
        assert_eq!((e.route, e.schedule), (Route::Iv, Schedule::Single));
        assert_eq!(
            (e.period.start(), e.period.end()),
            (date(2017, 3, 5), Some(date(2017, 3, 5)))
        );
        let not_done = admin.replace(r#""status":"completed""#, r#""status":"not-done""#);
        assert!(matches!(
            map(ResourceType::MedicationAdministration, &not_done).unwrap(),
            Mapped::Skipped { .. }
        ));
    }

    #[test]
    fn refusals_name_the_element() {
        for (from, to, field) in [
            (
                r#""code":"8640""#,
                r#""code":"1094833""#,
                "medicationCodeableConcept",
            ),
            (
                r#""unit":"mg","system":"http://unitsofmeasure.org","code":"mg""#,
                r#""unit":"tablet""#,
                "dosage.doseAndRate.doseQuantity.unit",
            ),
            (
                r#""value":7.5"#,
                r#""value":0.0001"#,
                "dosage.doseAndRate.doseQuantity.value",
            ),
            (
                r#""code":"26643006""#,
                r#""code":"6064005""#,
                "dosage.route",
            ),
            (
                r#""frequency":1"#,
                r#""frequency":4"#,
                "dosage.timing.repeat",
            ),
            (
                r#""end":"2017-05-31T00:00:00Z""#,
                r#""end":"2017-02-01""#,
                "effectivePeriod.end",
            ),
            (
                r#""effectivePeriod":{"start":"2017-03-01","end":"2017-05-31T00:00:00Z"},"#,
                "",
                "effective[x]",
            ),
            (r#""subject":{"reference":"Patient/p1"},"#, "", "subject"),
        ] {
            let line = STATEMENT.replace(from, to);
            assert_ne!(line, STATEMENT, "{from}");
            assert_eq!(
                map(ResourceType::MedicationStatement, &line)
                    .unwrap_err()
                    .field,
                field,
                "{to}"
            );
        }
        let by_reference = STATEMENT.replace(
            r#""medicationCodeableConcept":{"coding":[{"system":"http://www.nlm.nih.gov/research/umls/rxnorm","code":"8640","display":"prednisone"}]}"#,
            r#""medicationReference":{"reference":"Medication/x"}"#,
        );
        assert_eq!(
            map(ResourceType::MedicationStatement, &by_reference)
                .unwrap_err()
                .field,
            "medicationReference"
        );
        let not_taken = STATEMENT.replace(r#""status":"active""#, r#""status":"not-taken""#);
        assert!(matches!(
            map(ResourceType::MedicationStatement, &not_taken).unwrap(),
            Mapped::Skipped { .. }
        ));
    }
}

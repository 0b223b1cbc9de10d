//! The derived measures of a visit as exportable rows: code, value and status, read from what
//! `sledger_core::record::visit_measures` computed (ARCHITECTURE invariant 3: nothing here
//! computes a measure). Every format (FHIR Observation, SDTM QS) uses this one list.

use rust_decimal::Decimal;
use sledger_core::Tri;
use sledger_core::measures::egfr::EgfrEquation;
use sledger_core::measures::renal_response::ResponseResult;
use sledger_core::record::derive::{CourseAtVisit, RenalResponseAtVisit, VisitMeasures};
use sledger_core::status::Status;

use crate::text::code_of;

/// sledger's code system for measures LOINC has no code for (issue #6 item 2).
pub const MEASURE_SYSTEM: &str = "https://sledger.example/fhir/CodeSystem/measure";

/// A derived measure's value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MeasureValue {
    /// A quantity in a UCUM unit.
    Quantity { value: Decimal, ucum: &'static str },
    /// A whole-number score.
    Integer(i64),
    /// An incomplete score: the bounds (sle-activity §1.5 steps 5–6).
    Range { low: i64, high: i64 },
    /// A category code in [`MEASURE_SYSTEM`] (renal response: complete, partial, none).
    Code(String),
    /// No value: the status says why (`not_evaluable` naming the missing inputs, or the
    /// rejected input).
    Absent { reason: String },
}

/// One derived measure at one visit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DerivedMeasure {
    /// The code in [`MEASURE_SYSTEM`] (always present).
    pub code: &'static str,
    pub display: &'static str,
    /// The LOINC code, where one exists for exactly this measure (renal.md §6).
    pub loinc: Option<&'static str>,
    pub value: MeasureValue,
    /// `complete`, `incomplete`, `not_evaluable`, `not_applicable` (DESIGN §4), or `error`.
    pub status: String,
}

fn absent(status: &Status) -> MeasureValue {
    let missing = status.missing();
    let reason = if missing.is_empty() {
        status.code().to_owned()
    } else {
        format!("{}: missing {}", status.code(), missing.join(", "))
    };
    MeasureValue::Absent { reason }
}

/// eGFR LOINC codes by equation (renal.md §6); other equations have none.
fn egfr_loinc(equation: Option<EgfrEquation>) -> Option<&'static str> {
    match equation? {
        EgfrEquation::CkdEpi2021Cr => Some("98979-8"),
        EgfrEquation::CkdEpi2009 | EgfrEquation::CkdEpi2009Table => Some("62238-1"),
        _ => None,
    }
}

fn response(code: &'static str, display: &'static str, r: &ResponseResult) -> DerivedMeasure {
    let value = match r.status {
        Status::Complete => MeasureValue::Code(code_of(&r.response)),
        ref s => absent(s),
    };
    DerivedMeasure {
        code,
        display,
        loinc: None,
        value,
        status: r.status.code().to_owned(),
    }
}

/// A yes/no state (LLDAS, DORIS): `met` / `not-met`, or no value when undecided.
fn state(code: &'static str, display: &'static str, met: Tri, status: &Status) -> DerivedMeasure {
    let value = match met {
        Tri::True => MeasureValue::Code("met".to_owned()),
        Tri::False => MeasureValue::Code("not-met".to_owned()),
        Tri::Unknown => absent(status),
    };
    DerivedMeasure {
        code,
        display,
        loinc: None,
        value,
        status: status.code().to_owned(),
    }
}

/// The measures of one visit, in a fixed order.
pub fn measures_of(m: &VisitMeasures) -> Vec<DerivedMeasure> {
    let mut out = Vec::with_capacity(8);
    out.push(match &m.sledai2k {
        Ok(score) => {
            let (low, high) = score.bounds();
            let (value, status) = match score.total() {
                Some(t) => (MeasureValue::Integer(i64::from(t)), "complete"),
                None => (
                    MeasureValue::Range {
                        low: i64::from(low),
                        high: i64::from(high),
                    },
                    "incomplete",
                ),
            };
            DerivedMeasure {
                code: "sledai-2k",
                display: "SLEDAI-2K total score",
                loinc: None,
                value,
                status: status.to_owned(),
            }
        }
        Err(e) => DerivedMeasure {
            code: "sledai-2k",
            display: "SLEDAI-2K total score",
            loinc: None,
            value: MeasureValue::Absent {
                reason: format!("error: {} {}", e.field, e.rule),
            },
            status: "error".to_owned(),
        },
    });
    let egfr = &m.egfr.estimate;
    out.push(DerivedMeasure {
        code: "egfr",
        display: "eGFR (mL/min/1.73 m²)",
        loinc: egfr_loinc(egfr.equation),
        value: match egfr.reported {
            Some(v) => MeasureValue::Quantity {
                value: Decimal::from(v),
                ucum: "mL/min/{1.73_m2}",
            },
            None => absent(&egfr.status),
        },
        status: egfr.status.code().to_owned(),
    });
    out.push(DerivedMeasure {
        code: "upcr",
        display: "Urine protein/creatinine ratio used by the measures (renal.md §2.3)",
        loinc: None,
        value: match m.upcr.mg_per_g {
            Some(v) => MeasureValue::Quantity {
                value: v,
                ucum: "mg/g",
            },
            None => absent(&m.upcr.status),
        },
        status: m.upcr.status.code().to_owned(),
    });
    if let RenalResponseAtVisit::Evaluated {
        kdigo_2024,
        eular_era_edta_2019,
    } = &m.renal_response
    {
        out.push(response(
            "renal-response-kdigo-2024",
            "Renal response, KDIGO 2024",
            kdigo_2024,
        ));
        out.push(response(
            "renal-response-eular-era-edta-2019",
            "Renal response, EULAR/ERA-EDTA 2019",
            eular_era_edta_2019,
        ));
    }
    match &m.glucocorticoid {
        Ok(g) => {
            out.push(DerivedMeasure {
                code: "prednisone-equivalent-dose",
                display: "Maintenance prednisone-equivalent dose (mg/day)",
                loinc: None,
                value: MeasureValue::Quantity {
                    value: g.maintenance_pe.mg(),
                    ucum: "mg/d",
                },
                status: "complete".to_owned(),
            });
            out.push(DerivedMeasure {
                code: "glucocorticoid-reduction",
                display: "Reduction of the prednisone-equivalent dose from baseline (%)",
                loinc: None,
                value: match g.reduction.pct_reduction {
                    Some(p) => MeasureValue::Quantity {
                        value: p,
                        ucum: "%",
                    },
                    None => absent(&g.reduction.status),
                },
                status: g.reduction.status.code().to_owned(),
            });
        }
        Err(e) => out.push(DerivedMeasure {
            code: "prednisone-equivalent-dose",
            display: "Maintenance prednisone-equivalent dose (mg/day)",
            loinc: None,
            value: MeasureValue::Absent {
                reason: format!("error: {} {}", e.field, e.rule),
            },
            status: "error".to_owned(),
        }),
    }
    if let CourseAtVisit::Evaluated(course) = &m.course {
        out.push(state(
            "lldas",
            "Lupus Low Disease Activity State (sle-activity §4)",
            course.lldas.met,
            &course.lldas.status,
        ));
        out.push(state(
            "doris",
            "DORIS remission (sle-activity §5)",
            course.doris.met,
            &course.doris.status,
        ));
    }
    out
}

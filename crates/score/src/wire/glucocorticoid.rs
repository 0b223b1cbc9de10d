//! `sledger score glucocorticoid`: the prednisone equivalent of one glucocorticoid dose, its
//! daily dose, whether it counts toward the daily dose, whether it is a pulse, and its
//! Buttgereit category (sle-activity §8.1–8.3, §8.5).

use rust_decimal::Decimal;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use sledger_core::measures::glucocorticoid::{
    Dose, DoseCategory, EquivalenceTable, GlucocorticoidAgent, Prescription, Route,
    RouteAccounting, Schedule,
};
use sledger_core::{InputError, MeasureConfig, Status};

use crate::measure::Typed;

/// One glucocorticoid dose.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GlucocorticoidInput {
    /// The agent (`med_agent`, glucocorticoids only).
    pub agent: Option<GlucocorticoidAgent>,
    /// Dose per administration in mg, > 0, a whole number of micrograms (at most 3 decimals).
    pub dose_mg: Option<Decimal>,
    /// Route (`med_route`).
    pub route: Option<Route>,
    /// Schedule (`med_schedule`). When absent the dose is taken as one administration on the
    /// day (the dose is then also the day's dose for the pulse and category tests), and
    /// `daily_pe_mg` is not reported.
    pub schedule: Option<Schedule>,
}

/// The dose in prednisone equivalents.
#[derive(Debug, Serialize, JsonSchema)]
pub struct GlucocorticoidOutput {
    /// Prednisone equivalent of one administration, mg, full precision (README erratum 2).
    #[serde(with = "rust_decimal::serde::float_option")]
    #[schemars(with = "Option<f64>")]
    pub prednisone_equivalent_mg: Option<Decimal>,
    /// Average daily prednisone equivalent over the schedule's cycle (bid × 2, tid × 3,
    /// alternate-day ÷ 2, weekly ÷ 7), mg; only when `schedule` is given.
    #[serde(with = "rust_decimal::serde::float_option")]
    #[schemars(with = "Option<f64>")]
    pub daily_pe_mg: Option<Decimal>,
    /// The route counts toward the daily dose (false for topical, inhaled, intra-articular,
    /// IM depot and other routes).
    pub counts_toward_daily_dose: Option<bool>,
    /// How the route is accounted: systemic, depot_flagged, local_excluded,
    /// unclassified_flagged.
    pub route_accounting: Option<RouteAccounting>,
    /// A dosing day reaches `pulse_threshold_mg_pe_per_day` (default 250 mg PE).
    pub pulse: Option<bool>,
    /// Buttgereit 2002: low ≤ 7.5, medium ≤ 30, high ≤ 100, very_high > 100 mg/day, pulse
    /// ≥ 250; null for routes that do not count toward the daily dose.
    pub dose_category: Option<DoseCategory>,
    /// complete | incomplete | not_evaluable.
    pub status: &'static str,
    /// Inputs whose absence left outputs null.
    pub missing: Vec<String>,
}

/// `sledger score glucocorticoid`.
pub static MEASURE: Typed<GlucocorticoidInput, GlucocorticoidOutput> = Typed::new(
    "glucocorticoid",
    "Prednisone equivalent of a glucocorticoid dose (BNF table), daily dose, pulse, Buttgereit category",
    "sle-activity.md §8.1–8.5",
    run,
);

/// Converts the wire input, prices the dose exactly (sle-activity §8.3) and shapes the result.
/// Without `agent` or `dose_mg` nothing can be computed (`not_evaluable`); without `route`
/// the equivalent is reported but the route-dependent outputs are null (`incomplete`).
fn run(
    input: GlucocorticoidInput,
    config: &MeasureConfig,
) -> Result<GlucocorticoidOutput, InputError> {
    let dose = input
        .dose_mg
        .map(|mg| Dose::from_mg("dose_mg", mg))
        .transpose()?;
    let table = EquivalenceTable::from_config(config)?;
    let (Some(agent), Some(dose)) = (input.agent, dose) else {
        let missing = [
            ("agent", input.agent.is_none()),
            ("dose_mg", dose.is_none()),
        ];
        let status = Status::not_evaluable(missing.into_iter().filter(|(_, m)| *m).map(|(f, _)| f));
        return Ok(GlucocorticoidOutput {
            prednisone_equivalent_mg: None,
            daily_pe_mg: None,
            counts_toward_daily_dose: input.route.map(Route::counts_toward_daily_dose),
            route_accounting: input.route.map(Route::accounting),
            pulse: None,
            dose_category: None,
            status: status.code(),
            missing: status.missing().to_vec(),
        });
    };
    let per_administration = table.prednisone_equivalent(agent, dose);
    // §8.4: administrations per dosing day, averaged over the schedule's cycle.
    let daily_pe_mg = input.schedule.map(|schedule| {
        per_administration
            .times(schedule.administrations_per_dosing_day())
            .divided_by(schedule.cycle_days())
            .mg()
    });
    let Some(route) = input.route else {
        let status = Status::incomplete(["route"]);
        return Ok(GlucocorticoidOutput {
            prednisone_equivalent_mg: Some(per_administration.mg()),
            daily_pe_mg,
            counts_toward_daily_dose: None,
            route_accounting: None,
            pulse: None,
            dose_category: None,
            status: status.code(),
            missing: status.missing().to_vec(),
        });
    };
    let prescription = Prescription {
        agent,
        route,
        dose,
        // Absent schedule: one administration on the day (see `GlucocorticoidInput::schedule`).
        schedule: input.schedule.unwrap_or(Schedule::Daily),
    };
    Ok(GlucocorticoidOutput {
        prednisone_equivalent_mg: Some(per_administration.mg()),
        daily_pe_mg,
        counts_toward_daily_dose: Some(route.counts_toward_daily_dose()),
        route_accounting: Some(route.accounting()),
        pulse: Some(prescription.is_pulse(&table, config)),
        dose_category: prescription.dose_category(&table, config),
        status: Status::Complete.code(),
        missing: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::measure::{Context, Measure};
    use rust_decimal_macros::dec;
    use serde_json::{Value, json};

    fn score_with(input: Value, config: &MeasureConfig) -> Result<Value, crate::FieldError> {
        MEASURE.score(&input, &Context { config })
    }

    fn score(input: Value) -> Result<Value, crate::FieldError> {
        score_with(input, &MeasureConfig::default())
    }

    #[test]
    fn g1_methylprednisolone_16_mg_is_20_mg_pe() {
        let out = score(json!({"agent": "methylprednisolone", "dose_mg": 16, "route": "oral"}))
            .expect("valid input");
        assert_eq!(out["prednisone_equivalent_mg"], json!(20.0), "G1");
        assert_eq!(out["counts_toward_daily_dose"], json!(true));
        assert_eq!(out["pulse"], json!(false));
        assert_eq!(out["dose_category"], json!("medium"));
        assert_eq!(
            out["daily_pe_mg"],
            Value::Null,
            "no schedule, no daily dose"
        );
        assert_eq!(out["status"], json!("complete"));
        assert_eq!(out["missing"], json!([]));
    }

    #[test]
    fn full_precision_and_config() {
        // Dexamethasone 1 mg = 20/3 mg PE: at least 4 decimals in JSON (README erratum 2).
        let out = score(json!({"agent": "dexamethasone", "dose_mg": 1, "route": "oral"}))
            .expect("valid input");
        let pe = out["prednisone_equivalent_mg"].as_f64().expect("a number");
        assert!((pe - 20.0 / 3.0).abs() < 1e-12, "{pe}");
        // G6 with the US betamethasone equivalent.
        let us = MeasureConfig {
            gc_betamethasone_equiv_mg: dec!(0.6),
            ..MeasureConfig::default()
        };
        let out = score_with(
            json!({"agent": "betamethasone", "dose_mg": 0.6, "route": "oral"}),
            &us,
        )
        .expect("valid input");
        assert_eq!(out["prednisone_equivalent_mg"], json!(5.0), "G6 config 0.6");
    }

    /// JSON numbers reach Decimal through their shortest text: 1.1 mg is exactly 1100 µg,
    /// not 1.100000000000000088… (which would be refused as a fraction of a microgram).
    #[test]
    fn json_decimals_are_exact() {
        let out = score(json!({"agent": "prednisone", "dose_mg": 1.1, "route": "oral"}))
            .expect("1.1 mg is a whole number of micrograms");
        assert_eq!(out["prednisone_equivalent_mg"], json!(1.1));
    }

    #[test]
    fn schedule_pulse_and_route_accounting() {
        let out = score(json!({"agent": "prednisone", "dose_mg": 10, "route": "oral", "schedule": "alternate_day"}))
            .expect("valid input");
        assert_eq!(out["daily_pe_mg"], json!(5.0), "G14");
        let out = score(json!({"agent": "methylprednisolone", "dose_mg": 500, "route": "iv", "schedule": "daily"}))
            .expect("valid input");
        assert_eq!(out["prednisone_equivalent_mg"], json!(625.0));
        assert_eq!(out["pulse"], json!(true));
        assert_eq!(out["dose_category"], json!("pulse"));
        let out =
            score(json!({"agent": "triamcinolone", "dose_mg": 40, "route": "intra_articular"}))
                .expect("valid input");
        assert_eq!(out["counts_toward_daily_dose"], json!(false));
        assert_eq!(out["route_accounting"], json!("depot_flagged"));
        assert_eq!(out["dose_category"], Value::Null);
    }

    #[test]
    fn missing_inputs_are_named() {
        let out = score(json!({"agent": "prednisone", "route": "oral"})).expect("valid input");
        assert_eq!(out["status"], json!("not_evaluable"));
        assert_eq!(out["missing"], json!(["dose_mg"]));
        let out = score(json!({"agent": "prednisone", "dose_mg": 5})).expect("valid input");
        assert_eq!(out["status"], json!("incomplete"));
        assert_eq!(out["missing"], json!(["route"]));
        assert_eq!(out["prednisone_equivalent_mg"], json!(5.0));
    }

    #[test]
    fn bad_inputs_name_the_field() {
        let rows = [
            (
                "zero dose",
                json!({"agent": "prednisone", "dose_mg": 0, "route": "oral"}),
                "dose_mg",
            ),
            (
                "negative dose",
                json!({"agent": "prednisone", "dose_mg": -5, "route": "oral"}),
                "dose_mg",
            ),
            (
                "sub-microgram",
                json!({"agent": "prednisone", "dose_mg": 0.0005, "route": "oral"}),
                "dose_mg",
            ),
            (
                "over 10 g",
                json!({"agent": "prednisone", "dose_mg": 20000, "route": "oral"}),
                "dose_mg",
            ),
            (
                "unknown agent",
                json!({"agent": "cortisol", "dose_mg": 5, "route": "oral"}),
                "agent",
            ),
            (
                "unknown route",
                json!({"agent": "prednisone", "dose_mg": 5, "route": "rectal"}),
                "route",
            ),
            (
                "unknown schedule",
                json!({"agent": "prednisone", "dose_mg": 5, "schedule": "qid"}),
                "schedule",
            ),
            (
                "unit in the key",
                json!({"agent": "prednisone", "dose_ug": 5000}),
                "dose_ug",
            ),
        ];
        for (row, input, field) in rows {
            assert_eq!(score(input).expect_err(row).field, field, "{row}");
        }
    }
}

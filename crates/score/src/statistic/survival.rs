//! `sledger stats kaplan-meier` (R's `survfit`) and `sledger stats log-rank` (R's `survdiff`)
//! on `{time, status, group}` columns.
//!
//! Groups are labelled by the caller (numbers or strings) and ordered as R orders a factor's
//! levels: numbers numerically, strings by code point (R sorts strings in the session's
//! locale; the C locale agrees with code-point order).

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sledger_stats::ParameterError;
use sledger_stats::survival::{Status, SurvivalSample, kaplan_meier, log_rank};

use super::TypedStatistic;
use super::r_number::RNumber;

/// Right-censored times, optionally in groups.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SurvivalInput {
    /// Time of the event or of censoring, ≥ 0 (e.g. days since infusion).
    pub time: Vec<f64>,
    /// 1 = event, 0 = censored; one per time.
    pub status: Vec<u8>,
    /// Group label per subject (all numbers or all strings); optional for Kaplan–Meier.
    pub group: Option<Vec<Value>>,
}

/// The labels in R's factor order, and each subject's index into them.
struct Groups {
    labels: Vec<Value>,
    index: Vec<u32>,
}

fn groups(labels: Option<&[Value]>) -> Result<Groups, ParameterError> {
    let Some(labels) = labels else {
        return Ok(Groups {
            labels: vec![Value::Null],
            index: Vec::new(),
        });
    };
    // Sort keys: numbers by value (as ordered bits), strings by code point.
    #[derive(PartialEq, Eq, PartialOrd, Ord, Clone)]
    enum Key {
        Number(i64),
        Text(String),
    }
    let key = |i: usize, v: &Value| -> Result<Key, ParameterError> {
        match v {
            Value::Number(n) => {
                let f = n.as_f64().unwrap_or(f64::NAN);
                // total order on finite f64 through a sign-adjusted integer.
                let bits = f.to_bits() as i64;
                let ordered = bits ^ (((bits >> 63) as u64) >> 1) as i64;
                Ok(Key::Number(ordered))
            }
            Value::String(s) => Ok(Key::Text(s.clone())),
            other => Err(ParameterError::new(
                format!("group[{i}]"),
                other,
                "a group label is a number or a string",
            )),
        }
    };
    let mut distinct: BTreeMap<Key, Value> = BTreeMap::new();
    let mut keys = Vec::with_capacity(labels.len());
    for (i, v) in labels.iter().enumerate() {
        let k = key(i, v)?;
        if !distinct.contains_key(&k) {
            distinct.insert(k.clone(), v.clone());
        }
        keys.push(k);
    }
    let mixed = distinct.keys().any(|k| matches!(k, Key::Number(_)))
        && distinct.keys().any(|k| matches!(k, Key::Text(_)));
    if mixed {
        return Err(ParameterError::new(
            "group",
            "numbers and strings",
            "group labels must be all numbers or all strings",
        ));
    }
    let position: BTreeMap<&Key, u32> = distinct.keys().zip(0..).collect();
    let index = keys.iter().map(|k| position[k]).collect();
    Ok(Groups {
        labels: distinct.into_values().collect(),
        index,
    })
}

fn sample(
    input: &SurvivalInput,
    labels: Option<&[Value]>,
) -> Result<(SurvivalSample, Vec<Value>), ParameterError> {
    let status = input
        .status
        .iter()
        .enumerate()
        .map(|(i, &s)| match s {
            0 => Ok(Status::Censored),
            1 => Ok(Status::Event),
            other => Err(ParameterError::new(
                format!("status[{i}]"),
                other,
                "must be 1 (event) or 0 (censored)",
            )),
        })
        .collect::<Result<Vec<_>, _>>()?;
    let groups = groups(labels)?;
    let sample = SurvivalSample::new(&input.time, &status, &groups.index)?;
    Ok((sample, groups.labels))
}

/// One group's Kaplan–Meier curve, row per distinct time, as `survfit`.
#[derive(Debug, Serialize, JsonSchema)]
pub struct CurveOutput {
    /// The group's label (null without groups).
    pub group: Value,
    /// Subjects.
    pub n: u64,
    /// Events.
    pub events: u64,
    /// Distinct times (events and censorings).
    pub time: Vec<f64>,
    /// At risk just before each time.
    pub n_risk: Vec<u64>,
    /// Events at each time.
    pub n_event: Vec<u64>,
    /// Censorings at each time.
    pub n_censor: Vec<u64>,
    /// Survival S(t).
    pub surv: Vec<f64>,
    /// survfit's std.err: the Greenwood standard error of −log S(t) ("Inf" once S = 0).
    pub std_err: Vec<RNumber>,
    /// Lower 95 % limit, log-transformed (null once S = 0, as R's NA).
    pub lower: Vec<Option<f64>>,
    /// Upper 95 % limit, log-transformed, capped at 1 (null once S = 0).
    pub upper: Vec<Option<f64>>,
    /// Median survival time (null if not reached).
    pub median: Option<f64>,
    /// Lower 95 % limit of the median (null if not reached).
    pub median_lower: Option<f64>,
    /// Upper 95 % limit of the median (null if not reached).
    pub median_upper: Option<f64>,
}

/// The curves, one per group in factor order.
#[derive(Debug, Serialize, JsonSchema)]
pub struct KaplanMeierOutput {
    /// One curve per group.
    pub groups: Vec<CurveOutput>,
}

fn run_kaplan_meier(input: SurvivalInput) -> Result<KaplanMeierOutput, ParameterError> {
    let (sample, labels) = sample(&input, input.group.as_deref())?;
    let groups = kaplan_meier(&sample)
        .into_iter()
        .zip(labels)
        .map(|(km, group)| CurveOutput {
            group,
            n: km.n,
            events: km.events,
            std_err: km.std_err.iter().map(|&v| RNumber(v)).collect(),
            time: km.time,
            n_risk: km.n_risk,
            n_event: km.n_event,
            n_censor: km.n_censor,
            surv: km.surv,
            lower: km.lower,
            upper: km.upper,
            median: km.median.median,
            median_lower: km.median.lower,
            median_upper: km.median.upper,
        })
        .collect();
    Ok(KaplanMeierOutput { groups })
}

/// The statistic.
pub static KAPLAN_MEIER: TypedStatistic<SurvivalInput, KaplanMeierOutput> = TypedStatistic::new(
    "kaplan-meier",
    "Kaplan-Meier curves per group: Greenwood SE, log-transformed 95% CI, median with CI",
    "survfit(Surv(time, status) ~ group); quantile(fit, 0.5)",
    run_kaplan_meier,
);

/// The log-rank test.
#[derive(Debug, Serialize, JsonSchema)]
pub struct LogRankOutput {
    /// The chi-squared statistic.
    pub chisq: f64,
    /// Degrees of freedom: groups with expected events − 1.
    pub df: u32,
    /// P(χ²_df > chisq).
    pub p_value: f64,
    /// The group labels, in the order of `observed` and `expected`.
    pub groups: Vec<Value>,
    /// Observed events per group.
    pub observed: Vec<f64>,
    /// Expected events per group under equal hazards.
    pub expected: Vec<f64>,
}

fn run_log_rank(input: SurvivalInput) -> Result<LogRankOutput, ParameterError> {
    let Some(labels) = input.group.as_deref() else {
        return Err(ParameterError::new(
            "group",
            "absent",
            "the log-rank test needs a group per subject",
        ));
    };
    let (sample, groups) = sample(&input, Some(labels))?;
    let test = log_rank(&sample)?;
    Ok(LogRankOutput {
        chisq: test.chisq,
        df: test.df,
        p_value: test.p_value,
        groups,
        observed: test.observed,
        expected: test.expected,
    })
}

/// The statistic.
pub static LOG_RANK: TypedStatistic<SurvivalInput, LogRankOutput> = TypedStatistic::new(
    "log-rank",
    "Log-rank test comparing survival between groups: chisq, p-value, observed and expected",
    "survdiff(Surv(time, status) ~ group)",
    run_log_rank,
);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::statistic::Statistic;
    use serde_json::json;

    #[test]
    fn groups_follow_factor_order_and_bad_values_are_named() {
        let out = KAPLAN_MEIER
            .compute(&json!({"time": [1, 2, 3], "status": [1, 0, 1], "group": ["b", "a", "b"]}))
            .unwrap();
        assert_eq!(out["groups"][0]["group"], "a");
        assert_eq!(out["groups"][1]["n"], 2);
        let err = KAPLAN_MEIER
            .compute(&json!({"time": [1, -2], "status": [1, 0]}))
            .unwrap_err();
        assert_eq!(
            (err.field.as_str(), err.value.clone()),
            ("time[1]", json!(-2))
        );
        let err = LOG_RANK
            .compute(&json!({"time": [1, 2], "status": [1, 2], "group": [1, 2]}))
            .unwrap_err();
        assert_eq!(err.field, "status[1]");
        let err = LOG_RANK
            .compute(&json!({"time": [1, 2], "status": [1, 1], "group": [1, "x"]}))
            .unwrap_err();
        assert_eq!(err.field, "group");
    }

    #[test]
    fn numeric_groups_sort_numerically() {
        let out = LOG_RANK
            .compute(
                &json!({"time": [1, 2, 3, 4], "status": [1, 1, 1, 1], "group": [10, 9, 10, 9]}),
            )
            .unwrap();
        assert_eq!(out["groups"], json!([9, 10]));
        assert_eq!(out["observed"], json!([2.0, 2.0]));
    }
}

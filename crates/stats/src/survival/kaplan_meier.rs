//! The Kaplan–Meier estimate of the survival curve, as R's `survfit(Surv(time, status) ~ group)`
//! with its defaults (`conf.type = "log"`, `conf.int = 0.95`).
//!
//! Kaplan EL, Meier P. Nonparametric estimation from incomplete observations. *J Am Stat
//! Assoc* 1958;53:457–481. S(t) = Π (1 − dᵢ/nᵢ) over event times ≤ t. Greenwood M. *Reports on
//! Public Health and Medical Subjects* 33, 1926: `std_err` is survfit's `std.err`, the standard
//! error of −log S (not of S), √Σ dᵢ/(nᵢ(nᵢ − dᵢ)); the 95 % limits are exp(log S ∓ 1.96·se),
//! the upper capped at 1, and NA once S = 0. One row per distinct time, censorings included.

use super::median::{MedianSurvival, median_survival};
use super::sample::SurvivalSample;
use crate::normal::standard_normal_quantile;

/// The confidence level of survfit's band.
const CONFIDENCE: f64 = 0.95;

/// One group's curve, column by column (row i is the i-th distinct time in the group).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct KaplanMeier {
    /// Subjects in the group.
    pub n: u64,
    /// Events in the group.
    pub events: u64,
    /// Distinct times (events or censorings).
    pub time: Vec<f64>,
    /// At risk just before each time.
    pub n_risk: Vec<u64>,
    /// Events at each time.
    pub n_event: Vec<u64>,
    /// Censorings at each time.
    pub n_censor: Vec<u64>,
    /// S(t).
    pub surv: Vec<f64>,
    /// Standard error of −log S(t) (∞ once S = 0).
    pub std_err: Vec<f64>,
    /// Lower 95 % limit; `None` (R's NA) once S = 0.
    pub lower: Vec<Option<f64>>,
    /// Upper 95 % limit; `None` (R's NA) once S = 0.
    pub upper: Vec<Option<f64>>,
    /// The median and its limits.
    pub median: MedianSurvival,
}

/// The curve of each group of `sample`, in group order.
pub fn kaplan_meier(sample: &SurvivalSample) -> Vec<KaplanMeier> {
    let z = standard_normal_quantile(1.0 - (1.0 - CONFIDENCE) / 2.0);
    let mut curves: Vec<KaplanMeier> = sample
        .group_sizes()
        .iter()
        .map(|&n| KaplanMeier {
            n,
            ..KaplanMeier::default()
        })
        .collect();
    // Running state per group: at risk, S, Greenwood sum.
    let mut state: Vec<(u64, f64, f64)> = sample
        .group_sizes()
        .iter()
        .map(|&n| (n, 1.0, 0.0))
        .collect();
    sample.for_each_time(|t, counts| {
        for ((curve, s), c) in curves.iter_mut().zip(state.iter_mut()).zip(counts) {
            if c.events == 0 && c.censored == 0 {
                continue;
            }
            let (at_risk, surv, greenwood) = s;
            let (n, d) = (*at_risk as f64, c.events as f64);
            if c.events > 0 {
                *surv *= (n - d) / n;
                *greenwood += d / (n * (n - d));
            }
            let se = greenwood.sqrt();
            let (lower, upper) = if *surv == 0.0 {
                (None, None)
            } else {
                let log_s = surv.ln();
                (
                    Some((log_s - z * se).exp()),
                    Some((log_s + z * se).exp().min(1.0)),
                )
            };
            curve.time.push(t);
            curve.n_risk.push(*at_risk);
            curve.n_event.push(c.events);
            curve.n_censor.push(c.censored);
            curve.surv.push(*surv);
            curve.std_err.push(se);
            curve.lower.push(lower);
            curve.upper.push(upper);
            curve.events += c.events;
            *at_risk -= c.events + c.censored;
        }
    });
    for curve in &mut curves {
        curve.median = median_survival(&curve.time, &curve.surv, &curve.lower, &curve.upper);
    }
    curves
}

#[cfg(test)]
mod tests {
    use super::super::sample::Status::{Censored, Event};
    use super::*;

    #[test]
    fn a_small_curve_matches_r() {
        // R 4.2.2, survival 3.5-3: survfit(Surv(c(1,2,2,3,4,5), c(1,1,0,1,1,1)) ~ 1).
        let sample = SurvivalSample::new(
            &[1.0, 2.0, 2.0, 3.0, 4.0, 5.0],
            &[Event, Event, Censored, Event, Event, Event],
            &[],
        )
        .unwrap();
        let km = &kaplan_meier(&sample)[0];
        assert_eq!(km.time, vec![1.0, 2.0, 3.0, 4.0, 5.0]);
        assert_eq!(km.n_risk, vec![6, 5, 3, 2, 1]);
        assert!((km.surv[2] - 4.0 / 9.0).abs() < 1e-15);
        assert!((km.std_err[2] - 0.5).abs() < 1e-15);
        assert!((km.lower[0].unwrap() - 0.582_654_8).abs() < 1e-7);
        assert_eq!(km.std_err[4], f64::INFINITY);
        assert_eq!((km.lower[4], km.upper[4]), (None, None));
        assert_eq!(km.median.median, Some(3.0));
        assert_eq!(km.median.lower, Some(2.0));
        assert_eq!(km.median.upper, None);
    }
}

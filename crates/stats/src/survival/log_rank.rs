//! The log-rank test comparing survival curves, as R's `survdiff(Surv(time, status) ~ group)`
//! (`rho = 0`).
//!
//! Mantel N. Evaluation of survival data and two new rank order statistics arising in its
//! consideration. *Cancer Chemother Rep* 1966;50:163–170; Peto R, Peto J. *J R Stat Soc A*
//! 1972;135:185–207. At each event time the expected events of group g are d·n_g/n with the
//! hypergeometric covariance d(n − d)/(n − 1)·(n_g/n)(δ_gh − n_h/n). As in `survdiff`, groups
//! with no expected events are dropped, the first remaining group is left out, and
//! χ² = (O − E)ᵀ V⁻¹ (O − E) on (groups − 1) degrees of freedom.

use super::sample::SurvivalSample;
use crate::ParameterError;
use crate::chi_squared::chi_squared_upper_tail;

/// The result of `survdiff`.
#[derive(Debug, Clone, PartialEq)]
pub struct LogRank {
    /// The chi-squared statistic.
    pub chisq: f64,
    /// Its degrees of freedom (groups with expected events − 1).
    pub df: u32,
    /// P(χ²_df > chisq).
    pub p_value: f64,
    /// Observed events per group.
    pub observed: Vec<f64>,
    /// Expected events per group under H₀.
    pub expected: Vec<f64>,
}

/// The log-rank test of the groups of `sample`.
///
/// Refuses what R cannot answer: one group (R: "There is only 1 group"), no events at all
/// (R prints χ² = 0 on −1 df, p = NA) and a singular variance (R's `solve` stops).
pub fn log_rank(sample: &SurvivalSample) -> Result<LogRank, ParameterError> {
    let groups = sample.groups();
    let present = sample.group_sizes().iter().filter(|&&n| n > 0).count();
    if present < 2 {
        return Err(ParameterError::new(
            "group",
            format!("{present} group"),
            "the log-rank test compares at least two groups",
        ));
    }
    let mut at_risk: Vec<f64> = sample.group_sizes().iter().map(|&n| n as f64).collect();
    let mut observed = vec![0.0; groups];
    let mut expected = vec![0.0; groups];
    let mut variance = vec![0.0; groups * groups];
    sample.for_each_time(|_, counts| {
        let n: f64 = at_risk.iter().sum();
        let d: f64 = counts.iter().map(|c| c.events as f64).sum();
        if d > 0.0 {
            for g in 0..groups {
                observed[g] += counts[g].events as f64;
                expected[g] += d * at_risk[g] / n;
            }
            if n > 1.0 {
                let scale = d * (n - d) / (n * n * (n - 1.0));
                for g in 0..groups {
                    let row = g * groups;
                    variance[row + g] += scale * at_risk[g] * n;
                    for h in 0..groups {
                        variance[row + h] -= scale * at_risk[g] * at_risk[h];
                    }
                }
            }
        }
        for (r, c) in at_risk.iter_mut().zip(counts) {
            *r -= (c.events + c.censored) as f64;
        }
    });
    if observed.iter().sum::<f64>() == 0.0 {
        return Err(ParameterError::new(
            "status",
            "no events",
            "the log-rank test needs at least one event (R gives p = NA)",
        ));
    }
    let kept: Vec<usize> = (0..groups).filter(|&g| expected[g] > 0.0).collect();
    if kept.len() < 2 {
        // R prints χ² = 0 on 0 df and p = 0: no comparison was possible.
        return Err(ParameterError::new(
            "group",
            format!("{} group with expected events", kept.len()),
            "the log-rank test needs two groups at risk at some event time (R gives chisq 0 on 0 df)",
        ));
    }
    let df = u32::try_from(kept.len() - 1).unwrap_or(u32::MAX);
    let chisq = {
        let rest = &kept[1..];
        let k = rest.len();
        let difference: Vec<f64> = rest.iter().map(|&g| observed[g] - expected[g]).collect();
        let mut matrix: Vec<f64> = Vec::with_capacity(k * k);
        for &g in rest {
            for &h in rest {
                matrix.push(variance[g * groups + h]);
            }
        }
        let solved = solve(matrix, difference.clone(), k).ok_or_else(|| {
            ParameterError::new(
                "group",
                format!("{groups} groups"),
                "the log-rank variance matrix is singular (R's solve stops)",
            )
        })?;
        solved.iter().zip(&difference).map(|(a, b)| a * b).sum()
    };
    Ok(LogRank {
        chisq,
        df,
        p_value: chi_squared_upper_tail(chisq, df),
        observed,
        expected,
    })
}

/// Solves A x = b for a k × k row-major A by Gaussian elimination with partial pivoting (as
/// LAPACK's dgesv behind R's `solve`); `None` if A is singular.
fn solve(mut a: Vec<f64>, mut b: Vec<f64>, k: usize) -> Option<Vec<f64>> {
    let scale = a.iter().fold(0.0_f64, |m, v| m.max(v.abs()));
    for col in 0..k {
        let pivot =
            (col..k).max_by(|&i, &j| a[i * k + col].abs().total_cmp(&a[j * k + col].abs()))?;
        if a[pivot * k + col].abs() <= scale * 1e-13 {
            return None;
        }
        if pivot != col {
            for j in 0..k {
                a.swap(pivot * k + j, col * k + j);
            }
            b.swap(pivot, col);
        }
        for row in col + 1..k {
            let factor = a[row * k + col] / a[col * k + col];
            for j in col..k {
                a[row * k + j] -= factor * a[col * k + j];
            }
            b[row] -= factor * b[col];
        }
    }
    let mut x = vec![0.0; k];
    for row in (0..k).rev() {
        let tail: f64 = (row + 1..k).map(|j| a[row * k + j] * x[j]).sum();
        x[row] = (b[row] - tail) / a[row * k + row];
    }
    Some(x)
}

#[cfg(test)]
#[allow(
    clippy::excessive_precision,
    reason = "R's digits are kept as R printed them (the data include 3.14, not π)"
)]
mod tests {
    use super::super::sample::Status::{self, Censored, Event};
    use super::*;

    #[test]
    fn two_groups_match_r() {
        // R 4.2.2, survival 3.5-3: survdiff(Surv(time, status) ~ group), digits = 17.
        let time = [1.0, 2.0, 3.0, 4.0, 5.0, 2.0, 3.0, 6.0, 7.0, 8.0];
        let status = [
            Event, Event, Censored, Event, Event, Censored, Event, Event, Censored, Event,
        ];
        let group = [0, 0, 0, 0, 0, 1, 1, 1, 1, 1];
        let test = log_rank(&SurvivalSample::new(&time, &status, &group).unwrap()).unwrap();
        assert_eq!(test.observed, vec![4.0, 3.0]);
        assert!(
            (test.chisq - 3.342_536_275_876_037_5).abs() < 1e-12 * 3.342_536_275_876_037_5,
            "{}",
            test.chisq
        );
        assert!(
            (test.p_value - 0.067_510_472_363_203_941).abs() < 1e-12,
            "{}",
            test.p_value
        );
    }

    #[test]
    fn degenerate_input_is_refused() {
        let one_group = SurvivalSample::new(&[1.0, 2.0], &[Event, Event], &[]).unwrap();
        assert_eq!(log_rank(&one_group).unwrap_err().parameter, "group");
        // Group 1 leaves before the only event: nothing to compare.
        let early = SurvivalSample::new(&[5.0, 1.0], &[Event, Censored], &[0, 1]).unwrap();
        assert_eq!(log_rank(&early).unwrap_err().parameter, "group");
        let censored: [Status; 2] = [Censored, Censored];
        let none = SurvivalSample::new(&[1.0, 2.0], &censored, &[0, 1]).unwrap();
        assert_eq!(log_rank(&none).unwrap_err().parameter, "status");
    }
}

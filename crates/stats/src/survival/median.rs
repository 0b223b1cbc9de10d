//! The median survival time and its confidence interval, as R's `print.survfit` reports them
//! (survival's `quantile.survfit`, internal `findq`).
//!
//! Brookmeyer R, Crowley J. A confidence interval for the median survival time. *Biometrics*
//! 1982;38:29–41: the interval's limits are where the pointwise confidence band crosses ½.
//! The median is the first time the curve is at or below ½, except that a curve sitting
//! exactly on ½ (within √ε) over an interval gives that interval's midpoint; `findq` also
//! takes the midpoint to the last time when the curve ends on ½.

use std::collections::HashSet;

/// √(machine ε), `quantile.survfit`'s default `tolerance`.
const TOLERANCE: f64 = 1.490_116_119_384_765_6e-8;

/// The median and its 95 % limits; `None` where R prints NA (not reached).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct MedianSurvival {
    /// The median survival time.
    pub median: Option<f64>,
    /// Lower 95 % limit (where the band's lower curve reaches ½).
    pub lower: Option<f64>,
    /// Upper 95 % limit (where the band's upper curve reaches ½).
    pub upper: Option<f64>,
}

/// `quantile.survfit(fit, 0.5)` for a curve with `time`, `surv` and band `lower`, `upper`.
pub(crate) fn median_survival(
    time: &[f64],
    surv: &[f64],
    lower: &[Option<f64>],
    upper: &[Option<f64>],
) -> MedianSurvival {
    MedianSurvival {
        median: find_quantile(time, surv.iter().map(|&s| Some(s))),
        lower: find_quantile(time, lower.iter().copied()),
        upper: find_quantile(time, upper.iter().copied()),
    }
}

/// survival's `findq(c(0, time), c(0, 1 - s), 0.5, tol)`.
fn find_quantile(time: &[f64], surv: impl Iterator<Item = Option<f64>>) -> Option<f64> {
    const P: f64 = 0.5;
    // The points (x, y = 1 − S) from time 0, keeping the first x of each distinct y (R's
    // `duplicated`, where NA equals NA). The curve and its lower band only rise in y, so
    // dropping repeats of the previous y is enough; a band that turns back (the capped upper
    // one can) takes the general pass. y = 1 − S is never −0, so bit patterns compare.
    let all: Vec<(f64, Option<f64>)> = std::iter::once((0.0, Some(1.0)))
        .chain(time.iter().copied().zip(surv))
        .map(|(x, s)| (x, s.map(|s| 1.0 - s)))
        .collect();
    let mut points: Vec<(f64, Option<f64>)> = Vec::with_capacity(all.len());
    let mut monotone = true;
    for &(x, y) in &all {
        if let Some(&(_, previous)) = points.last() {
            match (previous, y) {
                (Some(p), Some(v)) if v == p => continue,
                (None, None) => continue,
                (Some(p), Some(v)) if v < p => monotone = false,
                (None, Some(_)) => monotone = false,
                _ => {}
            }
        }
        points.push((x, y));
    }
    if !monotone {
        let mut seen: HashSet<Option<u64>> = HashSet::new();
        points = all
            .into_iter()
            .filter(|&(_, y)| seen.insert(y.map(f64::to_bits)))
            .collect();
    }
    let x_max = time.last().copied().unwrap_or(0.0);
    let y_max = points
        .iter()
        .filter_map(|p| p.1)
        .fold(f64::NEG_INFINITY, f64::max);
    if y_max < P {
        return None;
    }
    let first_at_or_above = |shift: f64| -> Option<usize> {
        // approx(y + shift, 1:n, P, method = "constant", f = 1): the point with the smallest
        // shifted y at or above P, none if P lies outside the shifted range.
        let shifted = points
            .iter()
            .enumerate()
            .filter_map(|(i, p)| p.1.map(|y| (i, y + shift)));
        let min = shifted
            .clone()
            .map(|(_, y)| y)
            .fold(f64::INFINITY, f64::min);
        if P < min {
            return None;
        }
        shifted
            .filter(|&(_, y)| y >= P)
            .min_by(|a, b| a.1.total_cmp(&b.1))
            .map(|(i, _)| i)
    };
    let i1 = first_at_or_above(TOLERANCE);
    let i2 = first_at_or_above(-TOLERANCE);
    let mut quantile = match (i1, i2) {
        (Some(a), Some(b)) => Some((points[a].0 + points[b].0) / 2.0),
        _ => None,
    };
    if let Some(Some(y_last)) = points.last().map(|p| p.1)
        && (P - y_last).abs() < TOLERANCE
    {
        quantile = i1.map(|a| (points[a].0 + x_max) / 2.0);
    }
    quantile
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_curve_resting_on_one_half_takes_the_midpoint() {
        // S = 0.75, 0.5, 0.5 (censored), 0.25 at t = 1, 2, 3, 4: R's median is (2 + 4)/2 = 3.
        let m = find_quantile(
            &[1.0, 2.0, 3.0, 4.0],
            [0.75, 0.5, 0.5, 0.25].into_iter().map(Some),
        );
        assert_eq!(m, Some(3.0));
    }

    #[test]
    fn a_band_that_turns_back_is_deduplicated_as_r_does() {
        // y = 1 − S: 0.3, 0.6, 0.3 (a repeat, not adjacent), 0.6: R keeps the first of each
        // distinct y, so the points are (0, 0), (1, 0.3), (2, 0.6) and the median is 2.
        let m = find_quantile(
            &[1.0, 2.0, 3.0, 4.0],
            [0.7, 0.4, 0.7, 0.4].into_iter().map(Some),
        );
        assert_eq!(m, Some(2.0));
    }

    #[test]
    fn a_curve_above_one_half_has_no_median() {
        assert_eq!(
            find_quantile(&[1.0, 2.0], [0.9, 0.8].into_iter().map(Some)),
            None
        );
    }
}

//! Medians and quartiles as R's `quantile(x, type = 7)` (its default) and `median`: the
//! cohort summary's "median (IQR)" (issue #5 item 3).

use serde::Serialize;

/// The R type-7 quantile of sorted `x` at probability `p` (Hyndman & Fan 1996, definition 7):
/// `x[j] + (h − j)(x[j+1] − x[j])` with `h = (n − 1)p`, `j = ⌊h⌋`. `None` when `x` is empty.
pub fn quantile_sorted(x: &[f64], p: f64) -> Option<f64> {
    let last = x.len().checked_sub(1)?;
    let h = last as f64 * p;
    let j = h.floor() as usize;
    let lower = x[j];
    Some(match x.get(j + 1) {
        Some(upper) if j < last => lower + (h - j as f64) * (upper - lower),
        _ => lower,
    })
}

/// n, median and interquartile range of the observed values (missing values are left out
/// and counted by the caller, never imputed).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct MedianIqr {
    pub n: usize,
    pub median: f64,
    pub q1: f64,
    pub q3: f64,
}

impl MedianIqr {
    /// The summary of `values`, or `None` when there are none.
    pub fn of(values: &[f64]) -> Option<MedianIqr> {
        let mut sorted = values.to_vec();
        sorted.sort_by(f64::total_cmp);
        Some(MedianIqr {
            n: sorted.len(),
            median: quantile_sorted(&sorted, 0.5)?,
            q1: quantile_sorted(&sorted, 0.25)?,
            q3: quantile_sorted(&sorted, 0.75)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_r_type_7() {
        // R: quantile(c(1, 2, 4, 7, 11), c(.25, .5, .75)) → 2, 4, 7
        let s = MedianIqr::of(&[7.0, 1.0, 11.0, 2.0, 4.0]).unwrap();
        assert_eq!((s.q1, s.median, s.q3), (2.0, 4.0, 7.0));
        // R: quantile(c(250, 300, 1500), c(.25, .5, .75)) → 275, 300, 900
        let s = MedianIqr::of(&[1500.0, 250.0, 300.0]).unwrap();
        assert_eq!((s.q1, s.median, s.q3), (275.0, 300.0, 900.0));
        // R: quantile(c(1, 2, 3, 4), c(.25, .5, .75)) → 1.75, 2.5, 3.25
        let s = MedianIqr::of(&[4.0, 3.0, 2.0, 1.0]).unwrap();
        assert_eq!((s.q1, s.median, s.q3), (1.75, 2.5, 3.25));
    }

    #[test]
    fn one_value_and_none() {
        let s = MedianIqr::of(&[5.0]).unwrap();
        assert_eq!((s.n, s.q1, s.median, s.q3), (1, 5.0, 5.0, 5.0));
        assert_eq!(MedianIqr::of(&[]), None);
    }
}

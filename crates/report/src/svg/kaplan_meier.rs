//! Kaplan–Meier curves of time to first flare by group: step functions from S = 1 at day 0,
//! censored patients as ticks on the curve (the survfit plot's convention).

use super::PALETTE;
use super::chart::{Chart, Series, render};
use crate::trial::GroupCurve;

/// S(t) of a curve just after time `t` (1 before the first event time).
fn surv_at(curve: &GroupCurve, t: f64) -> f64 {
    curve
        .time
        .iter()
        .zip(&curve.surv)
        .take_while(|(time, _)| **time <= t)
        .last()
        .map_or(1.0, |(_, s)| *s)
}

/// The curves of every group, named by `names`.
pub fn kaplan_meier_plot(curves: &[GroupCurve], names: &[String]) -> String {
    let mut chart = Chart::new(
        "Time to first SLEDAI-2K flare (Kaplan–Meier)",
        "days since infusion",
        "flare-free proportion",
    );
    chart.width = 540.0;
    chart.height = 280.0;
    chart.y_range = Some((0.0, 1.0));
    chart.series = curves
        .iter()
        .zip(names)
        .enumerate()
        .map(|(g, (curve, name))| {
            let mut points = vec![(0.0, Some(1.0))];
            points.extend(
                curve
                    .time
                    .iter()
                    .zip(&curve.surv)
                    .map(|(t, s)| (*t, Some(*s))),
            );
            let mut series = Series::step(
                format!("{name} (n={}, events={})", curve.n, curve.events),
                PALETTE[g % PALETTE.len()],
                points,
            );
            series.until = curve.time.last().copied();
            series.ticks = curve
                .censored_at
                .iter()
                .map(|t| (*t, surv_at(curve, *t)))
                .collect();
            series
        })
        .collect();
    render(&chart)
}

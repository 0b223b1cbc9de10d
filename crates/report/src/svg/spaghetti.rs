//! Cohort spaghetti plots (issue #5 item 3): one line per patient against days since the
//! infusion, for UPCR, eGFR, SLEDAI-2K and the steroid dose (a step line per patient).

use super::PALETTE;
use super::chart::{Chart, Series, render};
use super::patient_plots::dose_series;
use crate::cohort_summary::Variable;
use crate::patient_course::PatientCourse;

fn color(i: usize) -> &'static str {
    PALETTE[i % PALETTE.len()]
}

/// One spaghetti plot of `variable`; patients beyond the palette reuse its colours, and the
/// legend is kept only while it stays readable (≤ 12 patients).
pub fn spaghetti(patients: &[PatientCourse], variable: Variable) -> String {
    let mut chart = Chart::new(
        format!("{} ({}), every patient", variable.name(), variable.unit()),
        "days since infusion",
        variable.unit(),
    );
    chart.width = 540.0;
    chart.height = 260.0;
    chart.mark_day0 = true;
    chart.y_from_zero = true;
    chart.legend = patients.len() <= 12;
    chart.series = patients
        .iter()
        .enumerate()
        .map(|(i, p)| {
            if variable == Variable::Prednisone {
                return dose_series(p, &p.code, color(i));
            }
            Series::line(
                p.code.clone(),
                color(i),
                p.visits
                    .iter()
                    .filter_map(|v| v.study_day.map(|d| (f64::from(d), variable.value(v))))
                    .collect(),
            )
        })
        .collect();
    render(&chart)
}

/// The cohort's spaghetti plots.
pub fn cohort_spaghetti(patients: &[PatientCourse]) -> Vec<String> {
    [
        Variable::Upcr,
        Variable::Egfr,
        Variable::Sledai2k,
        Variable::Prednisone,
    ]
    .into_iter()
    .map(|v| spaghetti(patients, v))
    .collect()
}

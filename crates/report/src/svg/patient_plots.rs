//! A patient's course (issue #5 item 3): UPCR and eGFR against days since the infusion,
//! SLEDAI-2K, C3/C4, anti-dsDNA, and the maintenance steroid dose as a step line; the infusion
//! (day 0) marked on each panel. Values are the course's; a missing value breaks the line.

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use super::PALETTE;
use super::chart::{Chart, Series, render};
use crate::patient_course::{PatientCourse, VisitRow};

const X: &str = "days since infusion";

fn points(
    course: &PatientCourse,
    value: impl Fn(&VisitRow) -> Option<f64>,
) -> Vec<(f64, Option<f64>)> {
    course
        .visits
        .iter()
        .filter_map(|v| v.study_day.map(|d| (f64::from(d), value(v))))
        .collect()
}

fn dec(d: Option<Decimal>) -> Option<f64> {
    d.and_then(|d| d.to_f64())
}

fn panel(title: &str, y: &str, series: Vec<Series>, from_zero: bool) -> String {
    let mut chart = Chart::new(title, X, y);
    chart.series = series;
    chart.mark_day0 = true;
    chart.y_from_zero = from_zero;
    chart.legend = chart.series.len() > 1;
    render(&chart)
}

/// The steroid dose as step points, extended to the last visit.
pub(crate) fn dose_series(course: &PatientCourse, name: &str, color: &'static str) -> Series {
    let mut s = Series::step(
        name,
        color,
        course
            .prednisone_steps
            .iter()
            .map(|s| (f64::from(s.study_day), s.mg_per_day.to_f64()))
            .collect(),
    );
    s.until = course
        .visits
        .last()
        .and_then(|v| v.study_day)
        .map(f64::from);
    s
}

/// The panels of one patient, each a complete `<svg>` element.
pub fn patient_panels(course: &PatientCourse) -> Vec<String> {
    vec![
        panel(
            "UPCR (mg/g)",
            "mg/g",
            vec![Series::line(
                "UPCR",
                PALETTE[0],
                points(course, |v| dec(v.upcr_mg_g)),
            )],
            true,
        ),
        panel(
            "eGFR (mL/min/1.73 m²)",
            "mL/min/1.73 m²",
            vec![Series::line(
                "eGFR",
                PALETTE[2],
                points(course, |v| v.egfr.map(f64::from)),
            )],
            true,
        ),
        panel(
            "SLEDAI-2K",
            "points",
            vec![Series::line(
                "SLEDAI-2K",
                PALETTE[1],
                points(course, |v| v.sledai2k.total.map(f64::from)),
            )],
            true,
        ),
        panel(
            "Complement C3 and C4 (g/L)",
            "g/L",
            vec![
                Series::line("C3", PALETTE[0], points(course, |v| dec(v.c3_g_l))),
                Series::line("C4", PALETTE[3], points(course, |v| dec(v.c4_g_l))),
            ],
            true,
        ),
        panel(
            "anti-dsDNA (IU/mL)",
            "IU/mL",
            vec![Series::line(
                "anti-dsDNA",
                PALETTE[4],
                points(course, |v| dec(v.anti_dsdna_iu_ml)),
            )],
            true,
        ),
        panel(
            "Prednisone equivalent (mg/day)",
            "mg/day",
            vec![dose_series(course, "prednisone eq.", PALETTE[6])],
            true,
        ),
    ]
}

//! The columns of the per-patient visit table, shared by the HTML and Markdown writers: how
//! each value is shown (fixed decimal places for display only; `None` is missing, shown "—").

use rust_decimal::Decimal;

use crate::patient_course::VisitRow;

/// A value rounded half away from zero to `places` for display, trailing zeros dropped.
pub(crate) fn shown(d: Option<Decimal>, places: u32) -> Option<String> {
    d.map(|d| {
        d.round_dp_with_strategy(places, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
            .normalize()
            .to_string()
    })
}

/// A column: its header and how a row shows it. `class` is an optional CSS class of the cell.
pub(crate) struct Column {
    pub header: &'static str,
    pub value: fn(&VisitRow) -> Option<String>,
    pub class: fn(&VisitRow) -> Option<&'static str>,
}

fn none(_: &VisitRow) -> Option<&'static str> {
    None
}

/// The table's columns, in the paper's order.
pub(crate) fn columns() -> Vec<Column> {
    vec![
        Column {
            header: "Visit",
            value: |v| Some(v.visit.clone()),
            class: |_| Some("l"),
        },
        Column {
            header: "Day",
            value: |v| v.study_day.map(|d| d.to_string()),
            class: none,
        },
        Column {
            header: "UPCR mg/g",
            value: |v| {
                shown(v.upcr_mg_g, 0).map(|s| if v.upcr_flagged { format!("{s}*") } else { s })
            },
            class: |v| v.upcr_flagged.then_some("flag"),
        },
        Column {
            header: "24-h protein g/d",
            value: |v| shown(v.protein_24h_g_day, 2),
            class: none,
        },
        Column {
            header: "Creatinine mg/dL",
            value: |v| shown(v.creatinine_mg_dl, 2),
            class: none,
        },
        Column {
            header: "eGFR",
            value: |v| v.egfr.map(|e| e.to_string()),
            class: none,
        },
        Column {
            header: "C3 g/L",
            value: |v| shown(v.c3_g_l, 2),
            class: none,
        },
        Column {
            header: "C4 g/L",
            value: |v| shown(v.c4_g_l, 2),
            class: none,
        },
        Column {
            header: "anti-dsDNA IU/mL",
            value: |v| shown(v.anti_dsdna_iu_ml, 0),
            class: none,
        },
        Column {
            header: "SLEDAI-2K",
            value: |v| v.sledai2k.text(),
            class: none,
        },
        Column {
            header: "PGA",
            value: |v| shown(v.pga, 2),
            class: none,
        },
        Column {
            header: "Prednisone eq. mg/d",
            value: |v| shown(v.prednisone_mg_day, 2),
            class: none,
        },
        Column {
            header: "% reduction",
            value: |v| shown(v.pct_reduction, 1),
            class: none,
        },
        Column {
            header: "Other immunosuppressants",
            value: |v| (!v.immunosuppressants.is_empty()).then(|| v.immunosuppressants.join(", ")),
            class: |_| Some("l"),
        },
        Column {
            header: "KDIGO 2024 response",
            value: |v| {
                let label = v.renal_response.label();
                Some(if v.renal_response_missing.is_empty() {
                    label.to_owned()
                } else {
                    format!("{label} (missing {})", v.renal_response_missing.join(", "))
                })
            },
            class: |v| match v.renal_response {
                crate::patient_course::ResponseCell::Complete => Some("l resp-complete"),
                crate::patient_course::ResponseCell::Partial => Some("l resp-partial"),
                crate::patient_course::ResponseCell::None => Some("l resp-none"),
                _ => Some("l"),
            },
        },
        Column {
            header: "SLEDAI-2K flare",
            value: |v| Some(v.sledai_flare.label().to_owned()),
            class: |v| {
                (v.sledai_flare == crate::patient_course::FlareCell::Yes).then_some("l flare-yes")
            },
        },
    ]
}

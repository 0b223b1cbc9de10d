//! The index study of `sledger demo` (issue #7 item 4): study VLD-MSC from
//! protocols/msc-lupus-nephritis.toml with the three ILLUSTRATIVE patients of
//! examples/index-study — invented values, NOT the published patients' (renal.md §7.1: not
//! obtainable) — written with the same facts as examples/index-study/load.sh: enrollment, one
//! IV infusion of 90 × 10⁶ allogeneic bone-marrow MSC, visits baseline to m9. The visit files
//! are embedded so the demo runs from anywhere; the study's title says the patients are
//! illustrative, because the store keeps no free-text study note and the files' own `"note"`
//! is not stored.

use anyhow::Context as _;
use jiff::civil::Date;
use rust_decimal::Decimal;
use sledger_core::infusion::Infusion;
use sledger_core::protocol::{CellSource, Donor, Route};
use sledger_core::sex::RecordedSex;
use sledger_store::{Actor, NewPatient, Store, Study};

/// The index study's code.
pub const STUDY: &str = "VLD-MSC";

/// The index study's protocol, embedded.
const PROTOCOL: &str = include_str!("../../../../protocols/msc-lupus-nephritis.toml");

/// What the demo appends to the protocol's title.
const ILLUSTRATIVE: &str =
    " — DEMO with three ILLUSTRATIVE patients (invented values, not the published patients')";

/// The fifteen visit files, patient by patient, baseline to m9 (load.sh's order).
const VISITS: [&str; 15] = [
    include_str!("../../../../examples/index-study/IDX-01-baseline.json"),
    include_str!("../../../../examples/index-study/IDX-01-m1.json"),
    include_str!("../../../../examples/index-study/IDX-01-m3.json"),
    include_str!("../../../../examples/index-study/IDX-01-m6.json"),
    include_str!("../../../../examples/index-study/IDX-01-m9.json"),
    include_str!("../../../../examples/index-study/IDX-02-baseline.json"),
    include_str!("../../../../examples/index-study/IDX-02-m1.json"),
    include_str!("../../../../examples/index-study/IDX-02-m3.json"),
    include_str!("../../../../examples/index-study/IDX-02-m6.json"),
    include_str!("../../../../examples/index-study/IDX-02-m9.json"),
    include_str!("../../../../examples/index-study/IDX-03-baseline.json"),
    include_str!("../../../../examples/index-study/IDX-03-m1.json"),
    include_str!("../../../../examples/index-study/IDX-03-m3.json"),
    include_str!("../../../../examples/index-study/IDX-03-m6.json"),
    include_str!("../../../../examples/index-study/IDX-03-m9.json"),
];

/// One patient of load.sh's table: code, sex, birth (year, month), enrolled, infused,
/// weight kg, lot.
struct IndexPatient {
    code: &'static str,
    sex: RecordedSex,
    birth: (i16, u8),
    enrolled: Date,
    infused: Date,
    weight_kg: i64,
    lot: &'static str,
}

/// load.sh's PATIENTS table.
const PATIENTS: [IndexPatient; 3] = [
    IndexPatient {
        code: "IDX-01",
        sex: RecordedSex::Female,
        birth: (1985, 4),
        enrolled: Date::constant(2017, 2, 20),
        infused: Date::constant(2017, 3, 1),
        weight_kg: 58,
        lot: "BM-MSC-17-001",
    },
    IndexPatient {
        code: "IDX-02",
        sex: RecordedSex::Female,
        birth: (1979, 11),
        enrolled: Date::constant(2017, 3, 27),
        infused: Date::constant(2017, 4, 5),
        weight_kg: 66,
        lot: "BM-MSC-17-002",
    },
    IndexPatient {
        code: "IDX-03",
        sex: RecordedSex::Male,
        birth: (1990, 7),
        enrolled: Date::constant(2017, 4, 28),
        infused: Date::constant(2017, 5, 10),
        weight_kg: 74,
        lot: "BM-MSC-17-003",
    },
];

/// The protocol with [`ILLUSTRATIVE`] appended to its `title`, so every page and report that
/// shows the study's title says the patients are invented.
fn labelled_protocol() -> anyhow::Result<String> {
    let mut labelled = String::with_capacity(PROTOCOL.len() + ILLUSTRATIVE.len());
    let mut done = false;
    for line in PROTOCOL.split_inclusive('\n') {
        match line
            .strip_prefix("title = \"")
            .and_then(|l| l.trim_end().strip_suffix('"'))
        {
            Some(title) if !done => {
                labelled.push_str(&format!("title = \"{title}{ILLUSTRATIVE}\"\n"));
                done = true;
            }
            _ => labelled.push_str(line),
        }
    }
    anyhow::ensure!(
        done,
        "protocols/msc-lupus-nephritis.toml has no `title = \"…\"` line to label"
    );
    Ok(labelled)
}

/// Creates the index study and its three illustrative patients to month 9.
pub async fn load(store: &Store, actor: &Actor) -> anyhow::Result<Study> {
    let study = store
        .create_study(
            actor,
            STUDY,
            "msc-lupus-nephritis.toml",
            &labelled_protocol()?,
        )
        .await?;
    for (patient, visits) in PATIENTS.iter().zip(VISITS.chunks(5)) {
        store
            .enroll(
                actor,
                &study,
                &NewPatient {
                    code: patient.code.to_owned(),
                    site: "VLD".to_owned(),
                    sex: patient.sex,
                    birth_year: patient.birth.0,
                    birth_month: patient.birth.1,
                    enrollment_date: patient.enrolled,
                },
            )
            .await?;
        store
            .record_infusion(
                actor,
                &study,
                patient.code,
                Infusion {
                    date: patient.infused,
                    source: CellSource::BoneMarrow,
                    donor: Donor::Allogeneic,
                    route: Route::Iv,
                    lot: Some(patient.lot.to_owned()),
                    total_cells: 90_000_000,
                    weight_kg: Some(Decimal::from(patient.weight_kg)),
                    viability_pct: None,
                    premedication: None,
                },
            )
            .await?;
        for text in visits {
            let json: serde_json::Value =
                serde_json::from_str(text).context("an embedded index-study visit file")?;
            let submission = sledger_store::visit_wire::parse_visit(&json).map_err(|e| {
                anyhow::anyhow!(
                    "embedded index-study visit of {}: field {} = {}: {}",
                    patient.code,
                    e.field,
                    e.value,
                    e.rule
                )
            })?;
            store.record_visit(actor, &study, submission).await?;
        }
    }
    Ok(study)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_title_says_the_patients_are_illustrative() {
        let protocol = labelled_protocol().unwrap_or_default();
        let parsed = sledger_core::protocol::load("msc-lupus-nephritis.toml", &protocol);
        let title = parsed.map(|p| p.title().to_owned()).unwrap_or_default();
        assert!(title.ends_with(ILLUSTRATIVE), "{title}");
        assert!(title.starts_with("Allogeneic bone-marrow MSC"), "{title}");
    }

    #[test]
    fn every_visit_file_belongs_to_its_patient_and_parses() {
        for (patient, visits) in PATIENTS.iter().zip(VISITS.chunks(5)) {
            for text in visits {
                let json: serde_json::Value = serde_json::from_str(text).unwrap_or_default();
                assert_eq!(json["patient"], patient.code);
                let parsed = sledger_store::visit_wire::parse_visit(&json);
                assert!(parsed.is_ok(), "{}: {:?}", patient.code, parsed.err());
            }
        }
    }
}

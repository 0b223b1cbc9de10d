//! The two patients of `sledger demo` awaiting randomization (issue #7 item 4, UI contract):
//! P0041 and P0042, enrolled in the last days (relative to today), screened eligible, their
//! strata recorded and locked, a baseline visit recorded, and NOT randomized — so the web UI's
//! randomize button can be tried on them. Their baseline is fixed (not drawn) so that the
//! browser test can compute the renal response of a follow-up visit it enters by hand.

use jiff::ToSpan;
use jiff::civil::Date;
use rust_decimal::Decimal;
use sledger_core::measures::glucocorticoid::{Route, Schedule};
use sledger_core::measures::pga::Pga;
use sledger_core::measures::sledai2k::{Descriptor, InvestigatorAnswer, ItemState};
use sledger_core::protocol::VisitCode;
use sledger_core::record::MedicationExposure;
use sledger_core::record::medication::{
    ExposurePeriod, MedIndication, MedicationAgent, parse_dose,
};
use sledger_core::record::visit::VisitFacts;
use sledger_core::sex::RecordedSex;
use sledger_core::units::urine_protein::UrineSpecimen;
use sledger_store::{Actor, Answer, Lock, NewPatient, Store, Study, VisitSubmission};

use super::demo_trial::obs;

/// One awaiting patient: code, site, sex, birth year, days since enrollment.
const AWAITING: [(&str, &str, RecordedSex, i16, i64); 2] = [
    ("P0041", "HCUV", RecordedSex::Female, 1991, 9),
    ("P0042", "HURH", RecordedSex::Female, 1984, 4),
];

/// The fixed baseline: serum creatinine 0.90 mg/dL, 24-hour UPCR 3200 mg/g (≥ 3 g/g stratum),
/// C3 70 mg/dL (low), anti-dsDNA 240 IU/mL, prednisone 30 mg/day.
const CREATININE_MG_DL: (i64, u32) = (90, 2);
const UPCR_MG_G: i64 = 3200;

/// Enrolls, screens, stratifies (locked) and records the baseline of P0041 and P0042, relative
/// to `today`.
pub async fn add(store: &Store, actor: &Actor, study: &Study, today: Date) -> anyhow::Result<()> {
    let criteria: Vec<(String, Answer)> = study
        .protocol
        .eligibility()
        .inclusion
        .iter()
        .map(|c| (c.id.clone(), Answer::Yes))
        .collect();
    for (code, site, sex, birth_year, days_ago) in AWAITING {
        let enrolled = today.checked_sub(days_ago.days())?;
        store
            .enroll(
                actor,
                study,
                &NewPatient {
                    code: code.to_owned(),
                    site: site.to_owned(),
                    sex,
                    birth_year,
                    birth_month: 6,
                    enrollment_date: enrolled,
                },
            )
            .await?;
        store
            .record_eligibility(actor, study, code, &criteria)
            .await?;
        let strata = [
            ("site".to_owned(), site.to_owned()),
            ("baseline_upcr_ge_3_g_g".to_owned(), "yes".to_owned()),
            ("prior_cyclophosphamide".to_owned(), "no".to_owned()),
        ];
        store
            .set_strata(actor, study, code, &strata, Lock::Lock)
            .await?;
        store
            .record_visit(actor, study, baseline(code, enrolled)?)
            .await?;
    }
    Ok(())
}

/// The baseline visit of an awaiting patient on `on`.
fn baseline(code: &str, on: Date) -> anyhow::Result<VisitSubmission> {
    let observations = vec![
        obs(
            "2890-2",
            Decimal::from(UPCR_MG_G),
            "mg/g",
            on,
            None,
            Some(UrineSpecimen::Collection24h),
        )?,
        obs(
            "2160-0",
            Decimal::new(CREATININE_MG_DL.0, CREATININE_MG_DL.1),
            "mg/dL",
            on,
            None,
            None,
        )?,
        obs(
            "4485-9",
            Decimal::from(70),
            "mg/dL",
            on,
            Some(Decimal::from(90)),
            None,
        )?,
        obs("5130-0", Decimal::from(240), "[IU]/mL", on, None, None)?,
    ];
    let mut sledai = [InvestigatorAnswer::default(); 24];
    for a in &mut sledai {
        a.state = Some(ItemState::Absent);
    }
    for present in [
        Descriptor::Proteinuria,
        Descriptor::LowComplement,
        Descriptor::IncreasedDnaBinding,
    ] {
        sledai[present.index()].state = Some(ItemState::Present);
    }
    Ok(VisitSubmission {
        patient_code: code.to_owned(),
        visit: VisitCode::Baseline,
        date: on,
        idempotency_key: format!("{code}/baseline"),
        observations,
        sledai,
        pga: Some(Pga::from_hundredths(150)?),
        facts: VisitFacts {
            rescue_or_treatment_failure: Some(false),
            kidney_failure: Some(false),
            ..VisitFacts::default()
        },
        // The current dose, open-ended as the web form records it: the next visit's course
        // ends it the day before (the store's record_visit), so the two are not summed.
        medications: vec![MedicationExposure {
            agent: MedicationAgent::Prednisone,
            dose: parse_dose(Decimal::from(30), "mg")?,
            route: Route::Oral,
            schedule: Schedule::Daily,
            period: ExposurePeriod::new(on, None)?,
            indication: MedIndication::SleActivity,
        }],
        adverse_events: Vec::new(),
    })
}

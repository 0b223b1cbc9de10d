//! The synthetic randomized trial's generator (issue #5 item 5, issue #7 item 4), shared by
//! `sledger demo trial` and `sledger demo`: SYNTHETIC data for trying the trial report and the
//! web UI and for benchmarking — never clinical data. It creates the study from
//! protocols/msc-ln-rct.toml (embedded), sets up randomization, and for each patient enrolls,
//! screens (optionally a few ineligible or unscreened), locks strata, randomizes on the live
//! list, records the infusion and twelve visits (the six scheduled ones and six unscheduled, a
//! few patients dropping out) with plausible labs, SLEDAI-2K, PGA, a tapering prednisone and
//! mycophenolate, and adverse events, all through the store's ordinary audited writes. The MSC
//! arm responds better (proteinuria falls further, fewer flares, faster taper).

use jiff::ToSpan;
use jiff::civil::Date;
use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::{RngCore, SeedableRng};
use rust_decimal::Decimal;
use sledger_core::infusion::Infusion;
use sledger_core::measures::glucocorticoid::{Route, Schedule};
use sledger_core::measures::pga::Pga;
use sledger_core::measures::sledai2k::{Descriptor, InvestigatorAnswer, ItemState};
use sledger_core::protocol::{CellSource, Donor, Route as InfusionRoute, VisitCode};
use sledger_core::record::MedicationExposure;
use sledger_core::record::medication::{
    ExposurePeriod, MedIndication, MedicationAgent, parse_dose,
};
use sledger_core::record::observation::{
    Observation, ObservationReport, ObservationSource, ObservationValue,
};
use sledger_core::record::visit::VisitFacts;
use sledger_core::sex::RecordedSex;
use sledger_core::units::urine_protein::UrineSpecimen;
use sledger_store::adverse_event::{AdverseEvent, CtcaeGrade, Relatedness, Seriousness};
use sledger_store::{Actor, Answer, ListKind, Lock, NewPatient, Store, Study, VisitSubmission};

/// The randomized trial's protocol, embedded so the generator runs from anywhere.
pub const PROTOCOL: &str = include_str!("../../../../protocols/msc-ln-rct.toml");

/// What to generate.
#[derive(Debug, Clone, Copy)]
pub struct TrialPlan {
    /// Patients to enroll, coded P0001, P0002, …
    pub patients: u32,
    /// The generator's seed (the same seed gives the same facts; allocations come from the
    /// store's own secret seed).
    pub seed: u64,
    /// Whether a few patients are never screened (3 %) or fail screening (6 %), as in a real
    /// trial's CONSORT flow; without them every patient is randomized (the web demo, whose
    /// contract names P0001…P0040 as randomized).
    pub screen_failures: bool,
}

/// The generated study and how many of its patients were randomized.
#[derive(Debug)]
pub struct TrialOutcome {
    pub study: Study,
    pub randomized: u32,
}

/// Creates study `code` and its patients per `plan`, written as `actor` (who must be allowed
/// to set up randomization, enroll, screen and randomize: an admin, or anyone while no user is
/// registered).
pub async fn generate(
    store: &Store,
    actor: &Actor,
    code: &str,
    plan: &TrialPlan,
) -> anyhow::Result<TrialOutcome> {
    let study = store
        .create_study(actor, code, "msc-ln-rct.toml", PROTOCOL)
        .await?;
    store.set_up_randomization(actor, &study, None).await?;
    let mut rng = ChaCha8Rng::seed_from_u64(plan.seed);
    let start = Date::constant(2023, 1, 9);
    let criteria: Vec<String> = study
        .protocol
        .eligibility()
        .inclusion
        .iter()
        .map(|c| c.id.clone())
        .collect();
    let mut randomized = 0;
    for i in 0..plan.patients {
        let code = format!("P{:04}", i + 1);
        let enrolled = start.checked_add((i64::from(i) * 2).days())?;
        let female = unit(&mut rng) < 0.88;
        store
            .enroll(
                actor,
                &study,
                &NewPatient {
                    code: code.clone(),
                    site: if unit(&mut rng) < 0.6 { "HCUV" } else { "HURH" }.to_owned(),
                    sex: if female {
                        RecordedSex::Female
                    } else {
                        RecordedSex::Male
                    },
                    birth_year: 1970 + (rng.next_u64() % 30) as i16,
                    birth_month: 1 + (rng.next_u64() % 12) as u8,
                    enrollment_date: enrolled,
                },
            )
            .await?;
        // Screening: 3 % never screened, 6 % fail the SLEDAI-2K criterion.
        let screen = unit(&mut rng);
        if plan.screen_failures && screen < 0.03 {
            continue;
        }
        let eligible = !plan.screen_failures || screen >= 0.09;
        let answers: Vec<(String, Answer)> = criteria
            .iter()
            .map(|c| {
                (
                    c.clone(),
                    if !eligible && c == "sledai" {
                        Answer::No
                    } else {
                        Answer::Yes
                    },
                )
            })
            .collect();
        store
            .record_eligibility(actor, &study, &code, &answers)
            .await?;
        if !eligible {
            continue;
        }
        let baseline_upcr = 1200.0 + 4200.0 * unit(&mut rng);
        let strata = vec![
            ("site".to_owned(), store.patient(&study, &code).await?.site),
            (
                "baseline_upcr_ge_3_g_g".to_owned(),
                if baseline_upcr >= 3000.0 { "yes" } else { "no" }.to_owned(),
            ),
            (
                "prior_cyclophosphamide".to_owned(),
                if unit(&mut rng) < 0.4 { "yes" } else { "no" }.to_owned(),
            ),
        ];
        store
            .set_strata(actor, &study, &code, &strata, Lock::Lock)
            .await?;
        let allocation = store
            .randomize(actor, &study, &code, ListKind::Live)
            .await?;
        randomized += 1;
        let msc = allocation.arm.as_deref() == Some("msc");
        let day0 = enrolled.checked_add(10.days())?;
        let weight = 50.0 + 30.0 * unit(&mut rng);
        if unit(&mut rng) < 0.98 {
            store
                .record_infusion(
                    actor,
                    &study,
                    &code,
                    Infusion {
                        date: day0,
                        source: CellSource::BoneMarrow,
                        donor: Donor::Allogeneic,
                        route: InfusionRoute::Iv,
                        lot: Some(format!("SYN-{:04}", i + 1)),
                        total_cells: (weight * 2.0e6).round() as u64,
                        weight_kg: Some(dec(weight, 1)),
                        viability_pct: Some(Decimal::from(95)),
                        premedication: None,
                    },
                )
                .await?;
        }
        // Dropout after a random visit for 10 %.
        let last_visit = if unit(&mut rng) < 0.10 {
            3 + (rng.next_u64() % 8) as usize
        } else {
            PLAN.len() - 1
        };
        let response = if msc {
            0.15 + 0.35 * unit(&mut rng)
        } else {
            0.45 + 0.5 * unit(&mut rng)
        };
        let flare_risk = if msc { 0.03 } else { 0.08 };
        let pred0 = 20.0 + 20.0 * unit(&mut rng);
        let pred_end = if msc {
            2.5 + 5.0 * unit(&mut rng)
        } else {
            7.5 + 10.0 * unit(&mut rng)
        };
        let creat0 = 0.8 + 0.6 * unit(&mut rng);
        let c3_0 = 0.45 + 0.3 * unit(&mut rng);
        let dsdna0 = 80.0 + 300.0 * unit(&mut rng);
        let mut sledai_boost = 0.0;
        for (k, (month, m)) in PLAN.iter().enumerate().take(last_visit + 1) {
            let on = if *month == Some(0) {
                day0.checked_sub(3.days())?
            } else {
                day0.checked_add(
                    ((m * 30.4375).round() as i64 + (rng.next_u64() % 7) as i64 - 3).days(),
                )?
            };
            let progress = (m / 12.0).min(1.0);
            let factor =
                1.0 - (1.0 - response) * (1.0 - (-3.0 * progress).exp()) / (1.0 - (-3.0f64).exp());
            let noise = 0.85 + 0.3 * unit(&mut rng);
            let flare = k > 0 && unit(&mut rng) < flare_risk;
            sledai_boost = if flare { 6.0 } else { sledai_boost * 0.3 };
            let upcr = baseline_upcr * factor * noise * if flare { 1.6 } else { 1.0 };
            let mut observations = vec![
                obs(
                    "2890-2",
                    dec(upcr, 0),
                    "mg/g",
                    on,
                    None,
                    Some(UrineSpecimen::Collection24h),
                )?,
                obs(
                    "2160-0",
                    dec(creat0 * (0.95 + 0.1 * unit(&mut rng)), 2),
                    "mg/dL",
                    on,
                    None,
                    None,
                )?,
                obs(
                    "4485-9",
                    dec((c3_0 + 0.4 * progress * (1.0 - response)) * 100.0, 0),
                    "mg/dL",
                    on,
                    Some(Decimal::from(90)),
                    None,
                )?,
                obs("5130-0", dec(dsdna0 * factor, 0), "[IU]/mL", on, None, None)?,
            ];
            // C4 missing at 15 % of visits, to show missing values as missing.
            if unit(&mut rng) >= 0.15 {
                observations.push(obs(
                    "4498-2",
                    dec(8.0 + 12.0 * progress, 0),
                    "mg/dL",
                    on,
                    Some(Decimal::from(10)),
                    None,
                )?);
            }
            let mut answers = [InvestigatorAnswer::default(); 24];
            for a in &mut answers {
                a.state = Some(ItemState::Absent);
            }
            let active = upcr >= 500.0;
            answers[Descriptor::Proteinuria.index()].state = Some(if active {
                ItemState::Present
            } else {
                ItemState::Absent
            });
            answers[Descriptor::LowComplement.index()].state = Some(if progress < 0.5 {
                ItemState::Present
            } else {
                ItemState::Absent
            });
            answers[Descriptor::IncreasedDnaBinding.index()].state = Some(if factor > 0.5 {
                ItemState::Present
            } else {
                ItemState::Absent
            });
            answers[Descriptor::Hematuria.index()].state = Some(if active && progress < 0.3 {
                ItemState::Present
            } else {
                ItemState::Absent
            });
            if sledai_boost > 3.0 {
                answers[Descriptor::Arthritis.index()].state = Some(ItemState::Present);
                answers[Descriptor::Rash.index()].state = Some(ItemState::Present);
            }
            let pga = ((2.5 * factor + sledai_boost / 6.0).min(3.0) * 100.0).round() as u16;
            let prednisone = pred0 - (pred0 - pred_end) * progress + if flare { 10.0 } else { 0.0 };
            let next = PLAN
                .get(k + 1)
                .map(|(_, nm)| day0.checked_add(((nm * 30.4375).round() as i64 - 4).days()))
                .transpose()?;
            let mut medications = vec![MedicationExposure {
                agent: MedicationAgent::Prednisone,
                dose: parse_dose(dec(prednisone / 2.5, 0) * dec(2.5, 1), "mg")?,
                route: Route::Oral,
                schedule: Schedule::Daily,
                period: ExposurePeriod::new(on, next.filter(|n| *n > on))?,
                indication: if flare {
                    MedIndication::SleActivity
                } else {
                    MedIndication::Protocol
                },
            }];
            if k == 0 {
                medications.push(MedicationExposure {
                    agent: MedicationAgent::Mycophenolate,
                    dose: parse_dose(Decimal::from(1000), "mg")?,
                    route: Route::Oral,
                    schedule: Schedule::Bid,
                    period: ExposurePeriod::new(on, None)?,
                    indication: MedIndication::Protocol,
                });
            }
            let mut adverse_events = Vec::new();
            if k > 0 && unit(&mut rng) < 0.12 {
                let grade =
                    1 + (rng.next_u64() % 10).min(3) as i64 / 2 + i64::from(unit(&mut rng) < 0.05);
                let related = [
                    Relatedness::Unrelated,
                    Relatedness::Unlikely,
                    Relatedness::Possible,
                    Relatedness::Probable,
                    Relatedness::Definite,
                ][(rng.next_u64() % if msc { 5 } else { 3 }) as usize];
                let terms = [
                    "Upper respiratory tract infection",
                    "Headache",
                    "Nausea",
                    "Urinary tract infection",
                    "Infusion related reaction",
                    "Herpes zoster",
                ];
                adverse_events.push(AdverseEvent::new(
                    terms[(rng.next_u64() % terms.len() as u64) as usize],
                    CtcaeGrade::new(grade)?,
                    if grade >= 3 {
                        Seriousness::Serious
                    } else {
                        Seriousness::NonSerious
                    },
                    related,
                    on,
                    on.checked_add(7.days()).ok(),
                    None,
                )?);
            }
            store
                .record_visit(
                    actor,
                    &study,
                    VisitSubmission {
                        patient_code: code.clone(),
                        visit: month.map_or(VisitCode::Unscheduled, |mo| {
                            if mo == 0 {
                                VisitCode::Baseline
                            } else {
                                VisitCode::Month(mo)
                            }
                        }),
                        date: on,
                        idempotency_key: format!("{code}/{k}"),
                        observations,
                        sledai: answers,
                        pga: Some(Pga::from_hundredths(pga)?),
                        facts: VisitFacts {
                            rescue_or_treatment_failure: Some(false),
                            kidney_failure: Some(false),
                            ..VisitFacts::default()
                        },
                        medications,
                        adverse_events,
                    },
                )
                .await?;
        }
    }
    Ok(TrialOutcome { study, randomized })
}

/// A uniform draw in [0, 1).
fn unit(rng: &mut ChaCha8Rng) -> f64 {
    (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64
}

/// A decimal with `places` decimals from an f64 (synthetic values only).
fn dec(x: f64, places: u32) -> Decimal {
    let scale = 10f64.powi(places as i32);
    Decimal::new((x * scale).round() as i64, places)
}

pub(super) fn obs(
    code: &str,
    value: Decimal,
    unit: &str,
    on: Date,
    low: Option<Decimal>,
    specimen: Option<UrineSpecimen>,
) -> anyhow::Result<Observation> {
    Ok(Observation::parse(ObservationReport {
        code_system: "http://loinc.org".to_owned(),
        code: code.to_owned(),
        value: ObservationValue::Quantity(value),
        unit: Some(unit.to_owned()),
        reference_low: low,
        reference_high: None,
        effective: on,
        specimen,
        source: ObservationSource::Form,
    })?)
}

/// The visit plan: (code, month) — the six scheduled visits and six unscheduled ones.
const PLAN: [(Option<u8>, f64); 12] = [
    (Some(0), 0.0),
    (Some(1), 1.0),
    (None, 2.0),
    (Some(3), 3.0),
    (None, 4.0),
    (None, 5.0),
    (Some(6), 6.0),
    (None, 7.0),
    (None, 8.0),
    (Some(9), 9.0),
    (None, 10.5),
    (Some(12), 12.0),
];

//! Benchmark of the measure engine (issue #2 "Speed"): 1,000,000 synthetic visits scored for
//! SLEDAI-2K, eGFR and renal response on one core, and the CKD-EPI 2021 column kernel on the
//! same rows `bench/egfr_peers.py` gives numpy and pandas. Run with `bash bench/run`.

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use jiff::civil::date;
use rust_decimal::Decimal;
use sledger_core::MeasureConfig;
use sledger_core::measures::egfr::{self, AgeYears, EgfrEquation, EgfrInputs};
use sledger_core::measures::renal_response::{self, ResponseInput, ResponseVariant};
use sledger_core::measures::sledai2k::{
    self, Descriptor, ItemState, LabWithLimit, Sledai2kAssessment,
};
use sledger_core::sex::Sex;
use sledger_core::units::creatinine::{CreatinineUnit, SerumCreatinine};

const ROWS: usize = 1_000_000;

/// The rows of `bench/egfr_peers.py::synthetic_rows`, formula for formula.
fn egfr_columns(n: usize) -> (Vec<f64>, Vec<u8>, Vec<Sex>) {
    let scr = (0..n)
        .map(|i| 0.4 + ((i as u64 * 7919) % 4000) as f64 / 1000.0)
        .collect();
    let age = (0..n)
        .map(|i| 18 + ((i as u64 * 104_729) % 80) as u8)
        .collect();
    let sex = (0..n)
        .map(|i| if i % 2 == 0 { Sex::Female } else { Sex::Male })
        .collect();
    (scr, age, sex)
}

/// One synthetic visit: the SLEDAI-2K form with a few labs, the creatinine of the eGFR rows
/// and the UPCR course for the renal response.
struct Visit {
    sledai: Sledai2kAssessment,
    egfr: EgfrInputs,
    upcr_base: Decimal,
    upcr_cur: Decimal,
    egfr_base: u16,
}

fn synthetic_visit(i: usize, scr: f64, age: u8, sex: Sex) -> Visit {
    let mut sledai = Sledai2kAssessment::blank(date(2025, 3, 10));
    for (k, d) in Descriptor::ALL.into_iter().enumerate() {
        let present = (i + k * 31).is_multiple_of(17);
        sledai.answer_mut(d).state = Some(if present {
            ItemState::Present
        } else {
            ItemState::Absent
        });
    }
    // Lab-derived items: let the labs decide.
    for d in [
        Descriptor::LowComplement,
        Descriptor::IncreasedDnaBinding,
        Descriptor::Proteinuria,
    ] {
        sledai.answer_mut(d).state = None;
    }
    sledai.labs.c3 = LabWithLimit {
        value: Some(Decimal::new(50 + (i % 80) as i64, 2)),
        limit: Some(Decimal::new(90, 2)),
    };
    sledai.labs.c4 = LabWithLimit {
        value: Some(Decimal::new(5 + (i % 20) as i64, 2)),
        limit: Some(Decimal::new(10, 2)),
    };
    sledai.labs.ch50 = LabWithLimit {
        value: Some(Decimal::from(40 + (i % 40) as i64)),
        limit: Some(Decimal::from(41)),
    };
    sledai.labs.anti_dsdna = LabWithLimit {
        value: Some(Decimal::from((i % 200) as i64)),
        limit: Some(Decimal::from(30)),
    };
    sledai.labs.urine_protein_24h_g = Some(Decimal::new((i % 400) as i64, 2));
    let creatinine = SerumCreatinine::from_reported(
        "creatinine",
        Decimal::from_f64_retain(scr).expect("finite").round_dp(3),
        CreatinineUnit::MgPerDl,
    )
    .expect("synthetic creatinine in range");
    Visit {
        sledai,
        egfr: EgfrInputs {
            equation: Some(EgfrEquation::CkdEpi2021Cr),
            sex: Some(sex),
            age: AgeYears::from_completed_years(age),
            creatinine: Some(creatinine),
            ..EgfrInputs::default()
        },
        upcr_base: Decimal::from(1000 + (i % 4000) as i64),
        upcr_cur: Decimal::from((i * 7) % 5000),
        egfr_base: 40 + (i % 80) as u16,
    }
}

fn engine(c: &mut Criterion) {
    let (scr, age, sex) = egfr_columns(ROWS);
    let config = MeasureConfig::default();

    let mut group = c.benchmark_group("egfr_ckd_epi_2021");
    group.throughput(Throughput::Elements(ROWS as u64));
    group.sample_size(30);
    let mut out = vec![0.0; ROWS];
    group.bench_function("column_kernel_1m", |b| {
        b.iter(|| {
            egfr::ckd_epi_2021_cr_column(
                black_box(&scr),
                black_box(&age),
                black_box(&sex),
                &mut out,
            );
            black_box(out[ROWS - 1])
        })
    });
    group.finish();

    let visits: Vec<Visit> = (0..ROWS)
        .map(|i| synthetic_visit(i, scr[i], age[i], sex[i]))
        .collect();
    let mut group = c.benchmark_group("visits");
    group.throughput(Throughput::Elements(ROWS as u64));
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(20));
    group.bench_function("sledai2k_egfr_renal_response_1m", |b| {
        b.iter(|| {
            let mut complete = 0usize;
            let mut sledai_sum = 0u64;
            for v in &visits {
                let score = sledai2k::score(&v.sledai, &config).expect("valid synthetic visit");
                sledai_sum += u64::from(score.bounds().0);
                let estimate = egfr::estimate(&v.egfr);
                let response = renal_response::evaluate(
                    ResponseVariant::Kdigo2024,
                    &ResponseInput {
                        upcr_base: Some(v.upcr_base),
                        upcr_cur: Some(v.upcr_cur),
                        egfr_base: Some(v.egfr_base),
                        egfr_cur: estimate.reported,
                        rescue: Some(false),
                        ..ResponseInput::default()
                    },
                    &config,
                );
                complete += usize::from(response.status.is_complete());
            }
            black_box((complete, sledai_sum))
        })
    });
    group.finish();
}

/// Issue #3 "Speed": `sledger patient show` for five years of monthly visits (60 visits, ~30
/// observations each) must take < 20 ms; this is the derivation part, record already parsed.
fn patient_record_60_visits(c: &mut Criterion) {
    let record = sledger_core::record::derive::sixty_visit_record();
    let config = MeasureConfig::default();
    let mut group = c.benchmark_group("record");
    group.sample_size(30);
    group.bench_function("patient_record_60_visits", |b| {
        b.iter(|| {
            black_box(sledger_core::record::visit_measures(
                black_box(&record),
                &config,
            ))
        })
    });
    group.finish();
}

criterion_group!(benches, engine, patient_record_60_visits);
criterion_main!(benches);

//! Kaplan–Meier + log-rank on 1,000,000 subjects and Fisher's exact test on 100,000 tables
//! (issue #5 "Speed"), on demand through `bench/run-stats`.
//!
//! The data are made by the formulas of `bench/stats_data.py` (integer arithmetic and one
//! IEEE division, so every language makes the same numbers); R and lifelines read that
//! script's CSV of the same subjects.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use sledger_stats::survival::{Status, SurvivalSample, kaplan_meier, log_rank};
use sledger_stats::{fisher_exact_p_value, fisher_exact_test};

const SUBJECTS: u64 = 1_000_000;
const TABLES: u64 = 100_000;

/// Which times: integer days (many ties) or continuous (almost all distinct).
#[derive(Debug, Clone, Copy)]
enum Times {
    IntegerDays,
    Continuous,
}

/// Subject i: group i mod 2; status event when (7919 i mod 10) < 7; time from
/// k = (104729 i + 12345) mod 1000003.
fn subjects(times: Times) -> (Vec<f64>, Vec<Status>, Vec<u32>) {
    let mut time = Vec::with_capacity(SUBJECTS as usize);
    let mut status = Vec::with_capacity(SUBJECTS as usize);
    let mut group = Vec::with_capacity(SUBJECTS as usize);
    for i in 0..SUBJECTS {
        let g = (i % 2) as u32;
        let k = (i * 104_729 + 12_345) % 1_000_003;
        let t = match (times, g) {
            (Times::IntegerDays, 0) => (1 + k % 730) as f64,
            (Times::IntegerDays, _) => (1 + k % 1000) as f64,
            (Times::Continuous, 0) => k as f64 / 997.0,
            (Times::Continuous, _) => k as f64 / 797.0,
        };
        time.push(t);
        status.push(if (i * 7919) % 10 < 7 {
            Status::Event
        } else {
            Status::Censored
        });
        group.push(g);
    }
    (time, status, group)
}

/// Table i: [[a, b], [c, d]] with a = 37i mod 21, b = 91i mod 23, c = 53i mod 19,
/// d = 17i mod 25, the sizes of small clinical trials.
fn tables() -> Vec<[[u64; 2]; 2]> {
    (0..TABLES)
        .map(|i| {
            [
                [(i * 37) % 21, (i * 91) % 23],
                [(i * 53) % 19, (i * 17) % 25],
            ]
        })
        .collect()
}

fn survival(c: &mut Criterion) {
    let mut group = c.benchmark_group("survival_1m");
    group.sample_size(10);
    for (name, times) in [
        ("integer_days", Times::IntegerDays),
        ("continuous", Times::Continuous),
    ] {
        let (time, status, groups) = subjects(times);
        // Two fits as R's survfit + survdiff are two calls: each sorts its own data.
        group.bench_function(format!("{name}_km_and_log_rank"), |b| {
            b.iter(|| {
                let sample = SurvivalSample::new(black_box(&time), &status, &groups)
                    .expect("the benchmark data are valid");
                let curves = kaplan_meier(&sample);
                let sample = SurvivalSample::new(black_box(&time), &status, &groups)
                    .expect("the benchmark data are valid");
                let test = log_rank(&sample).expect("the benchmark data are valid");
                (curves, test)
            })
        });
        group.bench_function(format!("{name}_km"), |b| {
            b.iter(|| {
                let sample = SurvivalSample::new(black_box(&time), &status, &groups)
                    .expect("the benchmark data are valid");
                kaplan_meier(&sample)
            })
        });
    }
    group.finish();
}

fn fisher(c: &mut Criterion) {
    let tables = tables();
    let mut group = c.benchmark_group("fisher_100k");
    group.sample_size(10);
    group.bench_function("full_test", |b| {
        b.iter(|| {
            tables
                .iter()
                .map(|&t| fisher_exact_test(black_box(t)).map_or(0.0, |f| f.p_value))
                .sum::<f64>()
        })
    });
    group.bench_function("p_value_only", |b| {
        b.iter(|| {
            tables
                .iter()
                .map(|&t| fisher_exact_p_value(black_box(t)).unwrap_or(0.0))
                .sum::<f64>()
        })
    });
    group.finish();
}

criterion_group!(benches, survival, fisher);
criterion_main!(benches);

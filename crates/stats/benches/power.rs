//! Power benchmarks (issue #4 "Speed"), on demand through `bench/run-power`.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use sledger_stats::{AllocationRatio, TrialDesign, fisher_exact_power, monte_carlo_power};

fn exact(c: &mut Criterion) {
    let mut group = c.benchmark_group("fisher_exact_power");
    for n in [23_u32, 82, 200] {
        group.bench_function(format!("n{n}_per_arm"), |b| {
            b.iter(|| fisher_exact_power(black_box(0.2), black_box(0.4), n, n, 0.05))
        });
    }
    group.finish();
}

fn simulated(c: &mut Criterion) {
    let design = TrialDesign {
        n: 20,
        ratio: AllocationRatio::EQUAL,
        p_control: 0.2,
        p_active: 0.6,
        dropout: 0.1,
    };
    let mut group = c.benchmark_group("monte_carlo_power");
    group.sample_size(20);
    group.bench_function("n20_100k_trials", |b| {
        b.iter(|| monte_carlo_power(black_box(&design), 0.05, 100_000, 1))
    });
    group.finish();
}

criterion_group!(benches, exact, simulated);
criterion_main!(benches);

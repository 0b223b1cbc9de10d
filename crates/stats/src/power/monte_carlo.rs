//! Monte Carlo power of a whole two-arm design: size, allocation ratio, response rates and
//! dropout, analysed with Fisher's exact test.
//!
//! Issue #4 item 5. Each simulated trial draws every patient's outcome; the analysis is the
//! primary one of renal.md §7.3 (two-sided Fisher test of the response proportions, on the
//! intention-to-treat population). Dropouts are counted as non-responders — the usual
//! non-responder imputation of lupus nephritis trials (renal.md §3, rescue or withdrawal =
//! non-response) — so a patient responds with probability p × (1 − dropout).
//!
//! Reproducible on every platform: ChaCha8 seeded from a u64 (`rand_core`'s portable
//! `seed_from_u64`), uniforms from the top 53 bits of each 64-bit output. The p-values are
//! cached: the Fisher test is decided once per possible table before the first trial.

use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::{RngCore, SeedableRng};

use crate::error::{ParameterError, open_probability, probability};
use crate::power::fisher_power::{RejectionRegion, arm_size};

/// Active : control allocation, e.g. 2:1 randomises two to the active arm per control.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AllocationRatio {
    /// Patients to the active arm per block of the ratio.
    pub active: u32,
    /// Patients to the control arm per block of the ratio.
    pub control: u32,
}

impl AllocationRatio {
    /// 1:1.
    pub const EQUAL: AllocationRatio = AllocationRatio {
        active: 1,
        control: 1,
    };

    /// Parses "active:control", both positive integers ("1:1", "2:1", "3:2").
    ///
    /// # Errors
    /// A [`ParameterError`] naming `ratio`.
    pub fn parse(text: &str) -> Result<Self, ParameterError> {
        let bad = || ParameterError::new("ratio", text, "must be active:control, e.g. 1:1 or 2:1");
        let (active, control) = text.split_once(':').ok_or_else(bad)?;
        let active: u32 = active.trim().parse().map_err(|_| bad())?;
        let control: u32 = control.trim().parse().map_err(|_| bad())?;
        if active == 0 || control == 0 {
            return Err(ParameterError::new(
                "ratio",
                text,
                "both parts must be at least 1",
            ));
        }
        Ok(AllocationRatio { active, control })
    }
}

/// A two-arm design to simulate.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TrialDesign {
    /// Patients randomised in all (both arms).
    pub n: u32,
    /// Active : control allocation; `n` must be a multiple of its sum.
    pub ratio: AllocationRatio,
    /// Probability of response in the control arm.
    pub p_control: f64,
    /// Probability of response in the active arm.
    pub p_active: f64,
    /// Probability that a patient drops out (counted as a non-responder).
    pub dropout: f64,
}

/// The simulated power and its Monte Carlo standard error √(power (1 − power) / runs).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MonteCarloPower {
    /// Proportion of simulated trials in which the test rejected.
    pub power: f64,
    /// Monte Carlo standard error of `power`.
    pub standard_error: f64,
    /// Simulated trials.
    pub runs: u64,
    /// Patients in the control arm.
    pub n_control: u32,
    /// Patients in the active arm.
    pub n_active: u32,
}

/// The largest number of simulated trials.
pub const MAX_RUNS: u64 = 1_000_000_000;

/// Simulates `runs` trials of `design` and returns the proportion in which the two-sided
/// Fisher test rejects at `alpha`.
///
/// # Errors
/// A [`ParameterError`] naming `n` (not a multiple of the ratio's sum, or an arm out of
/// range), `p_control`, `p_active`, `dropout`, `alpha` or `runs`.
pub fn monte_carlo_power(
    design: &TrialDesign,
    alpha: f64,
    runs: u64,
    seed: u64,
) -> Result<MonteCarloPower, ParameterError> {
    let p_control = probability("p_control", design.p_control)?;
    let p_active = probability("p_active", design.p_active)?;
    let dropout = probability("dropout", design.dropout)?;
    let alpha = open_probability("alpha", alpha)?;
    if !(1..=MAX_RUNS).contains(&runs) {
        return Err(ParameterError::new(
            "runs",
            runs,
            "must be between 1 and 1000000000",
        ));
    }
    let (n_control, n_active) = arms(design.n, design.ratio)?;
    let region = RejectionRegion::new(n_control, n_active, alpha);
    let q_control = p_control * (1.0 - dropout);
    let q_active = p_active * (1.0 - dropout);

    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut rejected: u64 = 0;
    for _ in 0..runs {
        let x_control = responders(&mut rng, n_control, q_control);
        let x_active = responders(&mut rng, n_active, q_active);
        rejected += u64::from(region.rejects(x_control, x_active));
    }
    let power = rejected as f64 / runs as f64;
    Ok(MonteCarloPower {
        power,
        standard_error: (power * (1.0 - power) / runs as f64).sqrt(),
        runs,
        n_control,
        n_active,
    })
}

/// Splits `n` patients by the ratio: (control, active).
fn arms(n: u32, ratio: AllocationRatio) -> Result<(u32, u32), ParameterError> {
    let block = ratio.active + ratio.control;
    if !n.is_multiple_of(block) {
        return Err(ParameterError::new(
            "n",
            n,
            format!(
                "must be a multiple of {block} to allocate {}:{} exactly",
                ratio.active, ratio.control
            ),
        ));
    }
    let blocks = n / block;
    let n_control = arm_size("n", blocks * ratio.control)?;
    let n_active = arm_size("n", blocks * ratio.active)?;
    Ok((n_control, n_active))
}

/// Responders among `n` patients who each respond with probability `q`.
fn responders(rng: &mut ChaCha8Rng, n: u32, q: f64) -> u32 {
    (0..n).map(|_| u32::from(uniform(rng) < q)).sum()
}

/// A uniform number in [0, 1) from the top 53 bits of one 64-bit output.
fn uniform(rng: &mut ChaCha8Rng) -> f64 {
    (rng.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fisher_exact_power;

    fn design(n: u32, ratio: AllocationRatio, p1: f64, p2: f64, dropout: f64) -> TrialDesign {
        TrialDesign {
            n,
            ratio,
            p_control: p1,
            p_active: p2,
            dropout,
        }
    }

    #[test]
    fn agrees_with_the_exact_power_within_four_standard_errors() {
        // NCT03673748-sized (N = 20, 1:1) with renal.md §7.3's 0.2 vs 0.7 (exact 0.43).
        let cases = [
            (
                "20 1:1 0.2 vs 0.7",
                design(20, AllocationRatio::EQUAL, 0.2, 0.7, 0.0),
                0.2,
                0.7,
            ),
            (
                "20 1:1 10 % dropout",
                design(20, AllocationRatio::EQUAL, 0.2, 0.6, 0.1),
                0.18,
                0.54,
            ),
            (
                "30 2:1",
                design(
                    30,
                    AllocationRatio {
                        active: 2,
                        control: 1,
                    },
                    0.2,
                    0.6,
                    0.0,
                ),
                0.2,
                0.6,
            ),
        ];
        for (row, d, q_control, q_active) in cases {
            let (n_control, n_active) = arms(d.n, d.ratio).expect("divisible");
            let exact =
                fisher_exact_power(q_control, q_active, n_control, n_active, 0.05).expect("valid");
            let mc = monte_carlo_power(&d, 0.05, 40_000, 7).expect("valid");
            assert!(
                (mc.power - exact).abs() < 4.0 * mc.standard_error,
                "{row}: simulated {} ± {}, exact {exact}",
                mc.power,
                mc.standard_error
            );
        }
    }

    #[test]
    fn same_seed_same_power_other_seed_other_draws() {
        let d = design(20, AllocationRatio::EQUAL, 0.2, 0.6, 0.1);
        let a = monte_carlo_power(&d, 0.05, 5_000, 1).expect("valid");
        let b = monte_carlo_power(&d, 0.05, 5_000, 1).expect("valid");
        let c = monte_carlo_power(&d, 0.05, 5_000, 2).expect("valid");
        assert_eq!(a, b);
        assert_ne!(a.power, c.power);
    }

    /// Pins the ChaCha8 stream: a change of generator, seeding or uniform mapping shows here.
    #[test]
    fn seed_1_is_pinned() {
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let first: Vec<f64> = (0..4).map(|_| uniform(&mut rng)).collect();
        assert_eq!(first, PINNED_SEED_1);
    }
    const PINNED_SEED_1: [f64; 4] = [
        0.40248566366484806,
        0.08038370892978197,
        0.5965601809348549,
        0.2193245804838001,
    ];

    #[test]
    fn standard_error_is_binomial() {
        let d = design(20, AllocationRatio::EQUAL, 0.2, 0.7, 0.0);
        let mc = monte_carlo_power(&d, 0.05, 10_000, 3).expect("valid");
        let want = (mc.power * (1.0 - mc.power) / 10_000.0).sqrt();
        assert!((mc.standard_error - want).abs() < 1e-15);
        assert_eq!((mc.n_control, mc.n_active), (10, 10));
    }

    #[test]
    fn everyone_drops_out_means_no_power() {
        let d = design(20, AllocationRatio::EQUAL, 0.2, 0.9, 1.0);
        assert_eq!(
            monte_carlo_power(&d, 0.05, 1_000, 1).expect("valid").power,
            0.0
        );
    }

    #[test]
    fn ratio_parsing() {
        assert_eq!(
            AllocationRatio::parse("3:2"),
            Ok(AllocationRatio {
                active: 3,
                control: 2
            })
        );
        for bad in ["", "1", "1:0", "a:1", "1:1:1", "-1:1"] {
            assert_eq!(
                AllocationRatio::parse(bad).expect_err(bad).parameter,
                "ratio",
                "{bad:?}"
            );
        }
    }

    #[test]
    fn bad_designs_name_the_parameter() {
        let ok = design(20, AllocationRatio::EQUAL, 0.2, 0.6, 0.1);
        let err = |d: TrialDesign, alpha, runs| {
            monte_carlo_power(&d, alpha, runs, 1)
                .expect_err("refused")
                .parameter
        };
        let two_to_one = AllocationRatio {
            active: 2,
            control: 1,
        };
        assert_eq!(
            err(
                TrialDesign {
                    ratio: two_to_one,
                    ..ok
                },
                0.05,
                10
            ),
            "n"
        );
        assert_eq!(err(TrialDesign { n: 0, ..ok }, 0.05, 10), "n");
        assert_eq!(
            err(
                TrialDesign {
                    p_control: 2.0,
                    ..ok
                },
                0.05,
                10
            ),
            "p_control"
        );
        assert_eq!(
            err(
                TrialDesign {
                    p_active: -1.0,
                    ..ok
                },
                0.05,
                10
            ),
            "p_active"
        );
        assert_eq!(err(TrialDesign { dropout: 1.5, ..ok }, 0.05, 10), "dropout");
        assert_eq!(err(ok, 0.0, 10), "alpha");
        assert_eq!(err(ok, 0.05, 0), "runs");
    }
}

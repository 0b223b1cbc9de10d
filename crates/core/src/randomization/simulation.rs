//! Simulation of a randomization design before it is frozen (issue #4 item 4,
//! `sledger randomization simulate`): N patients × R runs → balance overall and per stratum,
//! and, for block designs, how predictable the next assignment is.
//!
//! Patients' factor levels are drawn uniformly and independently among each factor's levels
//! (a simplification: real strata are unequal, which only makes small strata more frequent).
//!
//! Imbalance of a set of patients: the range of the ratio-scaled arm counts,
//! max n_k / r_k − min n_k / r_k — for 1:1 the plain |n_A − n_B|.
//!
//! Predictability: Blackwell D, Hodges JL. Design for the control of selection bias. *Ann
//! Math Stat* 1957;28:449–460. An investigator who knows every previous assignment in the
//! stratum guesses the arm furthest behind its share (the "convergence strategy": the
//! smallest n_k / r_k); a tie among t arms counts as 1/t of a correct guess when the arm
//! given is among them. The proportion of correct guesses is 1/2 for a fair coin (1:1) and
//! rises as blocks get smaller (3/4 with blocks of 2).

use std::collections::BTreeMap;

use super::draws::{Draws, Seed};
use super::factor::{Factor, strata};
use super::minimization::{Minimization, MinimizationDesign};
use super::permuted_blocks::{BlockDesign, BlockSequence};
use crate::InputError;

/// The design to simulate.
#[derive(Debug, Clone)]
pub enum Design {
    /// Permuted blocks, one list per stratum of the factors.
    PermutedBlocks {
        /// Ratio and block sizes.
        blocks: BlockDesign,
        /// The stratification factors (none: one list).
        factors: Vec<Factor>,
    },
    /// Pocock–Simon minimization over its factors (balance is reported per stratum of the
    /// same factors).
    Minimization(MinimizationDesign),
}

/// Imbalance (range of ratio-scaled counts) over the runs.
#[derive(Debug, Clone, PartialEq)]
pub struct BalanceSummary {
    /// Mean over runs.
    pub mean: f64,
    /// Largest in any run.
    pub max: f64,
    /// Runs per imbalance value, ascending.
    pub histogram: Vec<(f64, u32)>,
}

/// What `simulate` reports.
#[derive(Debug, Clone, PartialEq)]
pub struct SimulationReport {
    /// Patients per run.
    pub patients: u32,
    /// Runs.
    pub runs: u32,
    /// Balance of the whole trial.
    pub overall: BalanceSummary,
    /// Balance within each stratum (label, summary), in stratum order.
    pub per_stratum: Vec<(String, BalanceSummary)>,
    /// Proportion of correct guesses of the next assignment (convergence strategy); block
    /// designs only.
    pub predictability: Option<f64>,
}

/// Simulates `runs` trials of `patients` each. Run r draws from the seed with r written into
/// bytes 8–15 of the key, so each run is reproducible on its own.
///
/// # Errors
/// An [`InputError`] on `patients` (0 or above 100,000), `runs` (0 or above 100,000) or the
/// design's factors.
pub fn simulate(
    design: &Design,
    patients: u32,
    runs: u32,
    seed: Seed,
) -> Result<SimulationReport, InputError> {
    if !(1..=100_000).contains(&patients) {
        return Err(InputError::new("patients", patients, "must be 1 to 100000"));
    }
    if !(1..=100_000).contains(&runs) {
        return Err(InputError::new("runs", runs, "must be 1 to 100000"));
    }
    let (factors, parts) = match design {
        Design::PermutedBlocks { blocks, factors } => (factors.as_slice(), blocks.ratio().parts()),
        Design::Minimization(m) => (m.factors(), m.ratio().parts()),
    };
    let all_strata = strata(factors)?;
    let lcm = parts
        .iter()
        .fold(1u64, |l, &p| l / gcd(l, u64::from(p)) * u64::from(p));
    let scale: Vec<u64> = parts.iter().map(|&p| lcm / u64::from(p)).collect();
    let arms = parts.len();

    let mut overall = Tally::default();
    let mut per_stratum = vec![Tally::default(); all_strata.len()];
    let mut correct_guesses = 0.0;
    for run in 0..runs {
        let run_seed = run_seed(seed, run);
        let mut profiles = Draws::new(run_seed, u64::MAX);
        let mut counts = vec![vec![0u64; arms]; all_strata.len()];
        let mut minimization = match design {
            Design::Minimization(m) => Some(Minimization::new(m.clone(), run_seed)),
            Design::PermutedBlocks { .. } => None,
        };
        let mut lists: Vec<Option<BlockSequence<'_>>> = vec![None; all_strata.len()];
        for _ in 0..patients {
            let levels: Vec<usize> = factors
                .iter()
                .map(|f| profiles.below(f.levels().len() as u64) as usize)
                .collect();
            let stratum = stratum_index(factors, &levels);
            let arm = match (&mut minimization, design) {
                (Some(m), _) => m.allocate(&levels)?.0 as usize,
                (None, Design::PermutedBlocks { blocks, .. }) => {
                    let list = lists[stratum].get_or_insert_with(|| {
                        BlockSequence::new(blocks, run_seed, stratum as u64)
                    });
                    let arm = list.next_slot().arm.0 as usize;
                    correct_guesses += guess_credit(&counts[stratum], &scale, arm);
                    arm
                }
                (None, Design::Minimization(_)) => unreachable!("minimization state exists"),
            };
            counts[stratum][arm] += 1;
        }
        let mut total = vec![0u64; arms];
        for (s, c) in counts.iter().enumerate() {
            per_stratum[s].add(range(c, &scale));
            for (t, n) in total.iter_mut().zip(c) {
                *t += n;
            }
        }
        overall.add(range(&total, &scale));
    }
    let predictability = match design {
        Design::PermutedBlocks { .. } => {
            Some(correct_guesses / (f64::from(patients) * f64::from(runs)))
        }
        Design::Minimization(_) => None,
    };
    Ok(SimulationReport {
        patients,
        runs,
        overall: overall.summary(lcm),
        per_stratum: all_strata
            .iter()
            .zip(per_stratum)
            .map(|(s, t)| (s.label(factors), t.summary(lcm)))
            .collect(),
        predictability,
    })
}

/// The key of run `run`: the seed with the run number XOR-ed into bytes 8–15.
fn run_seed(seed: Seed, run: u32) -> Seed {
    let mut key = seed.0;
    for (b, r) in key[8..16].iter_mut().zip(u64::from(run).to_le_bytes()) {
        *b ^= r;
    }
    Seed(key)
}

/// The index of a patient's stratum in [`strata`] order (last factor fastest).
fn stratum_index(factors: &[Factor], levels: &[usize]) -> usize {
    factors
        .iter()
        .zip(levels)
        .fold(0, |acc, (f, &l)| acc * f.levels().len() + l)
}

/// The credit of the convergence strategy's guess, made from the stratum's `counts` so far,
/// when the list then gives `arm`: 1/t if `arm` is among the t arms furthest behind their
/// share, else 0.
fn guess_credit(counts: &[u64], scale: &[u64], arm: usize) -> f64 {
    let scaled: Vec<u64> = counts.iter().zip(scale).map(|(n, s)| n * s).collect();
    let behind = *scaled.iter().min().expect("arms");
    let tied = scaled.iter().filter(|&&s| s == behind).count();
    if scaled[arm] == behind {
        1.0 / tied as f64
    } else {
        0.0
    }
}

/// Range of the ratio-scaled counts, in units of 1/lcm.
fn range(counts: &[u64], scale: &[u64]) -> u64 {
    let scaled = counts.iter().zip(scale).map(|(n, s)| n * s);
    let max = scaled.clone().max().expect("arms");
    let min = scaled.min().expect("arms");
    max - min
}

fn gcd(a: u64, b: u64) -> u64 {
    if b == 0 { a } else { gcd(b, a % b) }
}

/// Imbalances seen over the runs, in units of 1/lcm.
#[derive(Debug, Clone, Default)]
struct Tally(BTreeMap<u64, u32>);

impl Tally {
    fn add(&mut self, imbalance: u64) {
        *self.0.entry(imbalance).or_insert(0) += 1;
    }

    fn summary(&self, lcm: u64) -> BalanceSummary {
        let runs: u32 = self.0.values().sum();
        let value = |k: u64| k as f64 / lcm as f64;
        let total: f64 = self.0.iter().map(|(&k, &n)| value(k) * f64::from(n)).sum();
        BalanceSummary {
            mean: if runs == 0 {
                0.0
            } else {
                total / f64::from(runs)
            },
            max: self.0.keys().next_back().map_or(0.0, |&k| value(k)),
            histogram: self.0.iter().map(|(&k, &n)| (value(k), n)).collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use rust_decimal_macros::dec;

    use super::super::minimization::{Imbalance, PreferredArmProbability};
    use super::super::ratio::AllocationRatio;
    use super::*;

    fn blocks(ratio: &str, sizes: &[u32], factors: Vec<Factor>) -> Design {
        Design::PermutedBlocks {
            blocks: BlockDesign::new(AllocationRatio::parse(ratio).expect("ratio"), sizes)
                .expect("blocks"),
            factors,
        }
    }

    fn site() -> Factor {
        Factor::new("site", vec!["A".into(), "B".into(), "C".into()]).expect("valid")
    }

    #[test]
    fn blocks_of_two_are_three_quarters_predictable() {
        // Blackwell & Hodges: with blocks of 2 the second of each pair is known (1) and the
        // first is a coin (1/2): 3/4.
        let report =
            simulate(&blocks("1:1", &[2], vec![]), 100, 200, Seed::from_u64(1)).expect("valid");
        let p = report.predictability.expect("block design");
        assert!((p - 0.75).abs() < 1e-12, "{p}");
        // 100 patients in blocks of 2: perfect balance in every run.
        assert_eq!(report.overall.max, 0.0);
    }

    #[test]
    fn random_block_sizes_are_less_predictable_but_still_balanced() {
        let fixed =
            simulate(&blocks("1:1", &[4], vec![]), 101, 500, Seed::from_u64(2)).expect("valid");
        let mixed = simulate(
            &blocks("1:1", &[2, 4, 6], vec![]),
            101,
            500,
            Seed::from_u64(2),
        )
        .expect("valid");
        let p_fixed = fixed.predictability.expect("blocks");
        let p_mixed = mixed.predictability.expect("blocks");
        assert!(p_fixed > 0.5 && p_mixed > 0.5, "{p_fixed} {p_mixed}");
        // Blocks of 4, by position: 1/2, 2/3, 2/3 (1/2 after AB, 1 after AA), 1 → 17/24.
        assert!((p_fixed - 17.0 / 24.0).abs() < 0.01, "{p_fixed}");
        // Within a stratum a block design never strays beyond half the largest block.
        assert!(mixed.overall.max <= 3.0, "{:?}", mixed.overall);
    }

    #[test]
    fn per_stratum_balance_is_reported_for_each_stratum() {
        let report = simulate(
            &blocks("2:1", &[3, 6], vec![site()]),
            60,
            100,
            Seed::from_u64(3),
        )
        .expect("valid");
        assert_eq!(report.per_stratum.len(), 3);
        assert_eq!(report.per_stratum[1].0, "site=B");
        for (label, summary) in &report.per_stratum {
            // 2:1 blocks of ≤ 6: n_A/2 − n_B within [−1.5, 2] ⇒ range ≤ 2.
            assert!(summary.max <= 2.0, "{label}: {summary:?}");
            assert_eq!(summary.histogram.iter().map(|h| h.1).sum::<u32>(), 100);
        }
    }

    #[test]
    fn minimization_balances_overall_and_has_no_block_predictability() {
        let design = MinimizationDesign::new(
            AllocationRatio::equal(),
            vec![(site(), 1)],
            Imbalance::Range,
            PreferredArmProbability::new(dec!(0.8)).expect("p"),
        )
        .expect("design");
        let report =
            simulate(&Design::Minimization(design), 40, 300, Seed::from_u64(4)).expect("valid");
        assert_eq!(report.predictability, None);
        assert!(report.overall.mean < 2.0, "{:?}", report.overall);
    }

    #[test]
    fn same_seed_same_report() {
        let d = blocks("1:1", &[2, 4], vec![site()]);
        let a = simulate(&d, 30, 50, Seed::from_u64(9)).expect("valid");
        let b = simulate(&d, 30, 50, Seed::from_u64(9)).expect("valid");
        assert_eq!(a, b);
    }

    #[test]
    fn bad_sizes_name_the_field() {
        let d = blocks("1:1", &[2], vec![]);
        assert_eq!(
            simulate(&d, 0, 1, Seed::from_u64(1)).expect_err("0").field,
            "patients"
        );
        assert_eq!(
            simulate(&d, 1, 0, Seed::from_u64(1)).expect_err("0").field,
            "runs"
        );
    }
}

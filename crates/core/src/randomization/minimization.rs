//! Pocock–Simon minimization with a random element (issue #4 item 1).
//!
//! Pocock SJ, Simon R. Sequential treatment assignment with balancing for prognostic factors
//! in the controlled clinical trial. *Biometrics* 1975;31:103–115. For each arm k the
//! patient is tentatively added to k; for each factor, the counts of the arms among patients
//! with the same level of that factor give an imbalance (range or variance); the weighted sum
//! over factors is G_k. The arm(s) with the smallest G are preferred and chosen with
//! probability p, the others with 1 − p (Pocock & Simon's "biased coin" element; ICH E9 §2.3.1
//! asks for a random element so that the next assignment cannot be deduced). Ties, and the
//! choice within the preferred or the other arms, follow the allocation ratio.
//!
//! Unequal ratios: counts are compared after dividing by the arm's part of the ratio
//! (n_k / r_k), in integers as n_k × (L / r_k) with L the least common multiple of the
//! parts — exact, never rounded.

use rust_decimal::Decimal;

use super::draws::{Draws, Seed};
use super::factor::Factor;
use super::ratio::{AllocationRatio, Arm};
use crate::InputError;

/// How the imbalance of one factor level is measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Imbalance {
    /// max − min of the (ratio-scaled) counts (Pocock & Simon's range).
    Range,
    /// The variance of the (ratio-scaled) counts (Pocock & Simon's variance), compared as
    /// K Σ s² − (Σ s)², which is K² times the variance and so orders the arms alike.
    Variance,
}

/// The probability p of giving the preferred arm, 0.5 < p ≤ 1, kept as an exact fraction
/// m / 10^s (at most 9 decimals) so that the draw is an integer comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PreferredArmProbability {
    numerator: u64,
    denominator: u64,
}

impl PreferredArmProbability {
    /// p from its decimal value.
    ///
    /// # Errors
    /// An [`InputError`] on `p` unless 0.5 < p ≤ 1 with at most 9 decimals (p = 0.5 would
    /// be simple randomization; p = 1 is deterministic minimization, allowed but
    /// predictable).
    pub fn new(p: Decimal) -> Result<Self, InputError> {
        let half = Decimal::new(5, 1);
        if p <= half || p > Decimal::ONE {
            return Err(InputError::new("p", p, "must be above 0.5 and at most 1"));
        }
        let p = p.normalize();
        if p.scale() > 9 {
            return Err(InputError::new("p", p, "at most 9 decimals"));
        }
        let numerator = u64::try_from(p.mantissa()).expect("0.5 < p ≤ 1 with ≤ 9 decimals");
        Ok(PreferredArmProbability {
            numerator,
            denominator: 10u64.pow(p.scale()),
        })
    }
}

/// A minimization design: ratio, factors with their weights, imbalance measure and p.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MinimizationDesign {
    ratio: AllocationRatio,
    factors: Vec<Factor>,
    weights: Vec<u32>,
    imbalance: Imbalance,
    p: PreferredArmProbability,
}

impl MinimizationDesign {
    /// A design; each factor has a weight, a positive integer (Pocock & Simon's w_i).
    ///
    /// # Errors
    /// An [`InputError`] on `factors` (none, or a name twice) or `factors.<name>.weight`
    /// (0 or above 100).
    pub fn new(
        ratio: AllocationRatio,
        factors: Vec<(Factor, u32)>,
        imbalance: Imbalance,
        p: PreferredArmProbability,
    ) -> Result<Self, InputError> {
        if factors.is_empty() {
            return Err(InputError::new(
                "factors",
                "[]",
                "minimization needs at least one factor",
            ));
        }
        for (i, (f, w)) in factors.iter().enumerate() {
            if factors[..i].iter().any(|(g, _)| g.name() == f.name()) {
                return Err(InputError::new("factors", f.name(), "declared twice"));
            }
            if !(1..=100).contains(w) {
                return Err(InputError::new(
                    format!("factors.{}.weight", f.name()),
                    w,
                    "must be a whole number from 1 to 100",
                ));
            }
        }
        let (factors, weights) = factors.into_iter().unzip();
        Ok(MinimizationDesign {
            ratio,
            factors,
            weights,
            imbalance,
            p,
        })
    }

    /// The factors, in the order a patient's levels are given.
    pub fn factors(&self) -> &[Factor] {
        &self.factors
    }

    /// The allocation ratio.
    pub fn ratio(&self) -> &AllocationRatio {
        &self.ratio
    }
}

/// The running state of a minimized trial: the counts per factor level and arm, and the
/// random stream.
#[derive(Debug, Clone)]
pub struct Minimization {
    design: MinimizationDesign,
    /// counts[factor][level][arm].
    counts: Vec<Vec<Vec<u64>>>,
    /// L / r_k per arm, L the lcm of the ratio's parts.
    scale: Vec<u128>,
    draws: Draws,
}

impl Minimization {
    /// A trial with no patient yet, drawing from stream 0 of `seed`.
    pub fn new(design: MinimizationDesign, seed: Seed) -> Self {
        let arms = design.ratio.arms();
        let counts = design
            .factors
            .iter()
            .map(|f| vec![vec![0; arms]; f.levels().len()])
            .collect();
        let lcm = design
            .ratio
            .parts()
            .iter()
            .fold(1u128, |l, &p| l / gcd(l, u128::from(p)) * u128::from(p));
        let scale = design
            .ratio
            .parts()
            .iter()
            .map(|&p| lcm / u128::from(p))
            .collect();
        Minimization {
            design,
            counts,
            scale,
            draws: Draws::new(seed, 0),
        }
    }

    /// Assigns the next patient, whose level index for each factor is `levels` (in the
    /// design's factor order), and counts them.
    ///
    /// # Errors
    /// An [`InputError`] on `levels` when a factor's level is missing or out of range —
    /// nothing is counted and no random number is consumed.
    pub fn allocate(&mut self, levels: &[usize]) -> Result<Arm, InputError> {
        if levels.len() != self.design.factors.len() {
            return Err(InputError::new(
                "levels",
                levels.len(),
                format!(
                    "one level per factor ({} factors)",
                    self.design.factors.len()
                ),
            ));
        }
        for (f, &l) in self.design.factors.iter().zip(levels) {
            if l >= f.levels().len() {
                return Err(InputError::new(f.name().to_owned(), l, "no such level"));
            }
        }
        let scores: Vec<u128> = (0..self.design.ratio.arms())
            .map(|k| self.score_if_assigned(levels, k))
            .collect();
        let arm = self.choose(&scores);
        for ((counts, &l), _) in self.counts.iter_mut().zip(levels).zip(&self.design.factors) {
            counts[l][arm] += 1;
        }
        Ok(Arm(u8::try_from(arm).expect("at most 8 arms")))
    }

    /// G_k: the weighted sum over factors of the imbalance at the patient's level if the
    /// patient went to arm k.
    fn score_if_assigned(&self, levels: &[usize], k: usize) -> u128 {
        self.counts
            .iter()
            .zip(levels)
            .zip(&self.design.weights)
            .map(|((counts, &l), &w)| {
                let scaled: Vec<u128> = counts[l]
                    .iter()
                    .enumerate()
                    .map(|(j, &c)| (u128::from(c) + u128::from(j == k)) * self.scale[j])
                    .collect();
                u128::from(w) * imbalance(self.design.imbalance, &scaled)
            })
            .sum()
    }

    /// The preferred arms (smallest score) with probability p, the others with 1 − p;
    /// within either group, by the ratio.
    fn choose(&mut self, scores: &[u128]) -> usize {
        let best = scores.iter().copied().min().expect("at least two arms");
        let parts = self.design.ratio.parts();
        let weight = |pick: &dyn Fn(usize) -> bool| -> Vec<u64> {
            (0..parts.len())
                .map(|k| if pick(k) { u64::from(parts[k]) } else { 0 })
                .collect()
        };
        let preferred = weight(&|k| scores[k] == best);
        let others = weight(&|k| scores[k] != best);
        if others.iter().all(|&w| w == 0) {
            return self.draws.weighted(&preferred);
        }
        let p = self.design.p;
        if self.draws.below(p.denominator) < p.numerator {
            self.draws.weighted(&preferred)
        } else {
            self.draws.weighted(&others)
        }
    }
}

fn imbalance(measure: Imbalance, scaled: &[u128]) -> u128 {
    match measure {
        Imbalance::Range => {
            let max = scaled.iter().max().expect("arms");
            let min = scaled.iter().min().expect("arms");
            max - min
        }
        Imbalance::Variance => {
            let k = scaled.len() as u128;
            let sum: u128 = scaled.iter().sum();
            let squares: u128 = scaled.iter().map(|s| s * s).sum();
            // K Σ s² ≥ (Σ s)² by Cauchy–Schwarz.
            k * squares - sum * sum
        }
    }
}

fn gcd(a: u128, b: u128) -> u128 {
    if b == 0 { a } else { gcd(b, a % b) }
}

#[cfg(test)]
mod tests {
    use rust_decimal_macros::dec;

    use super::*;

    fn factor(name: &str, levels: &[&str]) -> Factor {
        Factor::new(name, levels.iter().map(|s| (*s).to_owned()).collect()).expect("valid")
    }

    fn design(ratio: &str, imbalance: Imbalance, p: Decimal) -> MinimizationDesign {
        MinimizationDesign::new(
            AllocationRatio::parse(ratio).expect("ratio"),
            vec![
                (factor("site", &["A", "B", "C", "D"]), 1),
                (factor("upcr_ge_3", &["no", "yes"]), 2),
                (factor("prior_cyclophosphamide", &["no", "yes"]), 1),
            ],
            imbalance,
            PreferredArmProbability::new(p).expect("p"),
        )
        .expect("design")
    }

    fn patient(i: usize) -> [usize; 3] {
        [i % 4, (i / 4) % 2, (i * 7 / 3) % 2]
    }

    #[test]
    fn deterministic_minimization_balances_every_level() {
        for measure in [Imbalance::Range, Imbalance::Variance] {
            let mut trial = Minimization::new(design("1:1", measure, dec!(1)), Seed::from_u64(1));
            let mut by_level = vec![vec![[0i64; 2]; 4]; 3];
            for i in 0..200 {
                let levels = patient(i);
                let arm = trial.allocate(&levels).expect("valid").0 as usize;
                for (f, &l) in levels.iter().enumerate() {
                    by_level[f][l][arm] += 1;
                }
            }
            for (f, levels) in by_level.iter().enumerate() {
                for counts in levels {
                    assert!(
                        (counts[0] - counts[1]).abs() <= 3,
                        "{measure:?} factor {f}: {counts:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn the_preferred_arm_is_taken_with_probability_p() {
        // After one patient in arm 0 at every level, arm 1 is preferred for the same profile.
        let mut taken = 0;
        for seed in 0..2_000 {
            let mut trial = Minimization::new(
                design("1:1", Imbalance::Range, dec!(0.8)),
                Seed::from_u64(seed),
            );
            let first = trial.allocate(&[0, 0, 0]).expect("valid");
            let second = trial.allocate(&[0, 0, 0]).expect("valid");
            taken += u32::from(second != first);
        }
        // 0.8 × 2000 = 1600, binomial SD ≈ 18.
        assert!((1_530..=1_670).contains(&taken), "{taken}");
    }

    #[test]
    fn unequal_ratio_is_respected() {
        let mut trial = Minimization::new(
            design("2:1", Imbalance::Range, dec!(0.9)),
            Seed::from_u64(4),
        );
        let mut counts = [0u32; 2];
        for i in 0..300 {
            counts[trial.allocate(&patient(i)).expect("valid").0 as usize] += 1;
        }
        assert!((190..=210).contains(&counts[0]), "{counts:?}");
    }

    #[test]
    fn bad_designs_and_patients_name_the_field() {
        for p in [dec!(0.5), dec!(0.4), dec!(1.01), dec!(0.5000000001)] {
            assert_eq!(
                PreferredArmProbability::new(p).expect_err("p").field,
                "p",
                "{p}"
            );
        }
        let p = PreferredArmProbability::new(dec!(0.75)).expect("p");
        let ratio = AllocationRatio::equal();
        let err = MinimizationDesign::new(ratio.clone(), vec![], Imbalance::Range, p);
        assert_eq!(err.expect_err("no factor").field, "factors");
        let err = MinimizationDesign::new(
            ratio,
            vec![(factor("site", &["A"]), 0)],
            Imbalance::Range,
            p,
        );
        assert_eq!(err.expect_err("weight 0").field, "factors.site.weight");
        let mut trial = Minimization::new(
            design("1:1", Imbalance::Range, dec!(0.75)),
            Seed::from_u64(1),
        );
        assert_eq!(trial.allocate(&[0, 0]).expect_err("short").field, "levels");
        assert_eq!(trial.allocate(&[4, 0, 0]).expect_err("level").field, "site");
    }

    #[test]
    fn imbalance_measures() {
        assert_eq!(imbalance(Imbalance::Range, &[3, 5, 4]), 2);
        // K Σ s² − (Σ s)² = 3 × 50 − 144 = 6 (= 9 × variance 2/3).
        assert_eq!(imbalance(Imbalance::Variance, &[3, 5, 4]), 6);
        assert_eq!(imbalance(Imbalance::Variance, &[4, 4]), 0);
    }
}

//! What a randomized protocol says about its allocation (issue #4): the method — permuted
//! blocks with their block sizes, or Pocock–Simon minimization with p, the imbalance measure
//! and a weight per factor — and the levels of each declared stratification factor. The
//! ratio is the arms' ratios. Built by the loader (docs/protocols.md `[randomization]`).

use crate::InputError;
use crate::randomization::{
    AllocationRatio, BlockDesign, Design, Factor, MinimizationDesign, Stratum, strata,
};

/// How allocations are made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Method {
    /// Permuted blocks with random block sizes, one list per stratum, generated at set-up.
    PermutedBlocks(BlockDesign),
    /// Pocock–Simon minimization: the arm is computed at allocation time.
    Minimization(MinimizationDesign),
}

/// A protocol's randomization plan, valid by construction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RandomizationPlan {
    pub(crate) factors: Vec<Factor>,
    pub(crate) method: Method,
}

impl RandomizationPlan {
    /// The stratification factors with their levels, in the protocol's `stratification` order.
    pub fn factors(&self) -> &[Factor] {
        &self.factors
    }

    /// Blocks or minimization.
    pub fn method(&self) -> &Method {
        &self.method
    }

    /// The allocation ratio (the arms' ratios, in arm order).
    pub fn ratio(&self) -> &AllocationRatio {
        match &self.method {
            Method::PermutedBlocks(b) => b.ratio(),
            Method::Minimization(m) => m.ratio(),
        }
    }

    /// `permuted_blocks` or `minimization`, as written in the protocol.
    pub fn method_name(&self) -> &'static str {
        match self.method {
            Method::PermutedBlocks(_) => "permuted_blocks",
            Method::Minimization(_) => "minimization",
        }
    }

    /// The design for `randomization::simulate`.
    pub fn simulation_design(&self) -> Design {
        match &self.method {
            Method::PermutedBlocks(blocks) => Design::PermutedBlocks {
                blocks: blocks.clone(),
                factors: self.factors.clone(),
            },
            Method::Minimization(m) => Design::Minimization(m.clone()),
        }
    }

    /// Every stratum, in list order (stratum i has stream i of the seed).
    pub fn strata(&self) -> Vec<Stratum> {
        strata(&self.factors).expect("the loader checked the number of strata")
    }

    /// The stratum of a patient from the recorded `(factor, level)` values: every factor
    /// must have exactly one declared level, and no other factor may appear.
    ///
    /// # Errors
    /// An [`InputError`] naming the factor that is missing, unknown or has an undeclared
    /// level.
    pub fn stratum(&self, values: &[(String, String)]) -> Result<Stratum, InputError> {
        if let Some((name, _)) = values
            .iter()
            .find(|(name, _)| !self.factors.iter().any(|f| f.name() == name))
        {
            return Err(InputError::new(
                name.clone(),
                name,
                format!(
                    "not a stratification factor of the protocol ({})",
                    self.factor_names()
                ),
            ));
        }
        let mut levels = Vec::with_capacity(self.factors.len());
        for factor in &self.factors {
            let Some((_, level)) = values.iter().find(|(name, _)| name == factor.name()) else {
                return Err(InputError::new(
                    factor.name().to_owned(),
                    "",
                    format!(
                        "missing: a stratum value is required before randomization (levels: {})",
                        factor.levels().join(", ")
                    ),
                ));
            };
            levels.push(factor.level_index(level)?);
        }
        Ok(Stratum(levels))
    }

    /// The position of `stratum` in [`RandomizationPlan::strata`] order (last factor fastest).
    pub fn stratum_index(&self, stratum: &Stratum) -> usize {
        self.factors
            .iter()
            .zip(&stratum.0)
            .fold(0, |acc, (f, &l)| acc * f.levels().len() + l)
    }

    fn factor_names(&self) -> String {
        self.factors
            .iter()
            .map(Factor::name)
            .collect::<Vec<_>>()
            .join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan() -> RandomizationPlan {
        let f = |n: &str, l: &[&str]| {
            Factor::new(n, l.iter().map(|s| (*s).to_owned()).collect()).expect("valid")
        };
        RandomizationPlan {
            factors: vec![f("site", &["A", "B"]), f("upcr", &["no", "yes"])],
            method: Method::PermutedBlocks(
                BlockDesign::new(AllocationRatio::equal(), &[2, 4]).expect("valid"),
            ),
        }
    }

    fn values(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
            .collect()
    }

    #[test]
    fn a_complete_set_of_values_gives_its_stratum_and_index() {
        let p = plan();
        let s = p
            .stratum(&values(&[("upcr", "yes"), ("site", "B")]))
            .expect("complete");
        assert_eq!(s, Stratum(vec![1, 1]));
        assert_eq!(p.stratum_index(&s), 3);
        assert_eq!(p.strata()[3], s);
    }

    #[test]
    fn missing_unknown_or_undeclared_values_name_the_factor() {
        let p = plan();
        let err = p.stratum(&values(&[("site", "A")])).expect_err("missing");
        assert_eq!(err.field, "upcr");
        let err = p
            .stratum(&values(&[("site", "A"), ("upcr", "no"), ("sex", "f")]))
            .expect_err("unknown factor");
        assert_eq!(err.field, "sex");
        let err = p
            .stratum(&values(&[("site", "C"), ("upcr", "no")]))
            .expect_err("undeclared level");
        assert_eq!(err.field, "site");
    }
}

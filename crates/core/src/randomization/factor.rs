//! Stratification factors the protocol declares (site, baseline UPCR ≥ 3 g/g, prior
//! cyclophosphamide, …) and the strata they make.

use crate::InputError;

/// A stratification (or minimization) factor and its levels, as the protocol declares them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Factor {
    name: String,
    levels: Vec<String>,
}

impl Factor {
    /// A factor with at least one level and no level twice.
    ///
    /// # Errors
    /// An [`InputError`] on `factors.<name>.levels`.
    pub fn new(name: impl Into<String>, levels: Vec<String>) -> Result<Self, InputError> {
        let name = name.into();
        let field = format!("factors.{name}.levels");
        if levels.is_empty() {
            return Err(InputError::new(
                field,
                "[]",
                "a factor needs at least one level (an empty stratum list)",
            ));
        }
        for (i, level) in levels.iter().enumerate() {
            if level.trim().is_empty() || levels[..i].contains(level) {
                return Err(InputError::new(
                    field,
                    level,
                    "levels must be non-empty and distinct",
                ));
            }
        }
        Ok(Factor { name, levels })
    }

    /// The factor's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The levels, in the protocol's order.
    pub fn levels(&self) -> &[String] {
        &self.levels
    }

    /// The index of `level`.
    ///
    /// # Errors
    /// An [`InputError`] on the factor's name when the level is not declared.
    pub fn level_index(&self, level: &str) -> Result<usize, InputError> {
        self.levels.iter().position(|l| l == level).ok_or_else(|| {
            InputError::new(
                self.name.clone(),
                level,
                format!("not a declared level ({})", self.levels.join(", ")),
            )
        })
    }
}

/// One stratum: a level index per factor, in the factors' order. Each stratum has its own
/// allocation list (issue #4: "stratified by declared factors, a list per stratum").
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Stratum(pub Vec<usize>);

impl Stratum {
    /// "site=Valladolid, upcr_ge_3=yes"; "all patients" when unstratified.
    pub fn label(&self, factors: &[Factor]) -> String {
        if factors.is_empty() {
            return "all patients".to_owned();
        }
        factors
            .iter()
            .zip(&self.0)
            .map(|(f, &l)| format!("{}={}", f.name, f.levels[l]))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// At most this many strata: beyond it most strata would hold a patient or two and blocks
/// could not balance anything.
pub const MAX_STRATA: usize = 1_000;

/// Every stratum of `factors` (their Cartesian product, the last factor varying fastest);
/// one stratum when there are no factors.
///
/// # Errors
/// An [`InputError`] on `factors` when two factors share a name or there are more than
/// [`MAX_STRATA`] strata.
pub fn strata(factors: &[Factor]) -> Result<Vec<Stratum>, InputError> {
    for (i, f) in factors.iter().enumerate() {
        if factors[..i].iter().any(|g| g.name == f.name) {
            return Err(InputError::new("factors", &f.name, "declared twice"));
        }
    }
    let count = factors
        .iter()
        .try_fold(1usize, |acc, f| acc.checked_mul(f.levels.len()))
        .filter(|&n| n <= MAX_STRATA)
        .ok_or_else(|| {
            InputError::new(
                "factors",
                factors.len(),
                "the factors make more than 1000 strata",
            )
        })?;
    let mut all = Vec::with_capacity(count);
    for mut index in 0..count {
        let mut levels = vec![0; factors.len()];
        for (slot, f) in levels.iter_mut().zip(factors).rev() {
            *slot = index % f.levels.len();
            index /= f.levels.len();
        }
        all.push(Stratum(levels));
    }
    Ok(all)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn factor(name: &str, levels: &[&str]) -> Factor {
        Factor::new(name, levels.iter().map(|s| (*s).to_owned()).collect()).expect("valid")
    }

    #[test]
    fn strata_are_the_cartesian_product() {
        let factors = [
            factor("site", &["A", "B", "C"]),
            factor("upcr_ge_3", &["no", "yes"]),
        ];
        let all = strata(&factors).expect("valid");
        assert_eq!(all.len(), 6);
        assert_eq!(all[0], Stratum(vec![0, 0]));
        assert_eq!(all[1], Stratum(vec![0, 1]));
        assert_eq!(all[5], Stratum(vec![2, 1]));
        assert_eq!(all[3].label(&factors), "site=B, upcr_ge_3=yes");
        assert_eq!(strata(&[]).expect("valid"), vec![Stratum(vec![])]);
    }

    #[test]
    fn empty_or_duplicated_levels_are_refused() {
        let err = Factor::new("site", vec![]).expect_err("empty");
        assert_eq!(err.field, "factors.site.levels");
        let err = Factor::new("site", vec!["A".into(), "A".into()]).expect_err("twice");
        assert_eq!(err.field, "factors.site.levels");
    }

    #[test]
    fn duplicate_factors_and_too_many_strata_are_refused() {
        let f = factor("site", &["A", "B"]);
        assert_eq!(strata(&[f.clone(), f]).expect_err("twice").field, "factors");
        let big = factor(
            "x",
            &["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11"],
        );
        let many = [
            big.clone(),
            factor(
                "y",
                &big.levels().iter().map(String::as_str).collect::<Vec<_>>(),
            ),
            factor("z", &["a", "b", "c", "d", "e", "f", "g"]),
        ];
        assert_eq!(strata(&many).expect_err("too many").field, "factors");
    }

    #[test]
    fn unknown_level_names_the_factor() {
        let f = factor("prior_cyclophosphamide", &["no", "yes"]);
        assert_eq!(f.level_index("yes"), Ok(1));
        let err = f.level_index("maybe").expect_err("undeclared");
        assert_eq!(err.field, "prior_cyclophosphamide");
    }
}

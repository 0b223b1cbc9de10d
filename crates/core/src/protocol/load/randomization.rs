//! The `[randomization]` table of a protocol (docs/protocols.md): checked against the arms and
//! the declared stratification factors, every error naming its line and key.

use std::collections::BTreeMap;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde::Deserialize;
use toml::Spanned;

use super::super::arm::Arm;
use super::super::randomization_plan::{Method, RandomizationPlan};
use super::super::stratification::StratificationFactor;
use super::{Checked, Loader};
use crate::protocol::Design;
use crate::randomization::{
    AllocationRatio, BlockDesign, Factor, Imbalance, MinimizationDesign, PreferredArmProbability,
    strata,
};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawRandomization {
    method: Spanned<RawMethod>,
    block_sizes: Option<Spanned<Vec<u32>>>,
    p: Option<Spanned<f64>>,
    imbalance: Option<Spanned<RawImbalance>>,
    weights: Option<Spanned<BTreeMap<String, Spanned<u32>>>>,
    levels: Option<Spanned<RawLevels>>,
}

/// Factor name → its levels, each with its span.
type RawLevels = BTreeMap<String, Spanned<Vec<Spanned<String>>>>;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
enum RawMethod {
    PermutedBlocks,
    Minimization,
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "snake_case")]
enum RawImbalance {
    Range,
    Variance,
}

const KEY: &str = "randomization";

impl Loader<'_> {
    pub(super) fn randomization(
        &self,
        raw: Option<&Spanned<RawRandomization>>,
        design: Design,
        arms: &[Arm],
        declared: &[StratificationFactor],
    ) -> Checked<Option<RandomizationPlan>> {
        let Some(raw) = raw else {
            return Ok(None);
        };
        if design != Design::Randomized {
            return Err(self.error(
                raw.span(),
                KEY,
                "only a randomized design has a [randomization] table",
            ));
        }
        let r = raw.get_ref();
        let factors = self.levels(raw, declared)?;
        if let Err(e) = strata(&factors) {
            return Err(self.error(
                r.levels.as_ref().map_or(raw.span(), Spanned::span),
                format!("{KEY}.levels"),
                e.rule.into_owned(),
            ));
        }
        let parts: Vec<u32> = arms.iter().map(|a| u32::from(a.ratio.get())).collect();
        let ratio = AllocationRatio::new(parts)
            .map_err(|e| self.error(raw.span(), format!("{KEY}.ratio"), e.rule.into_owned()))?;
        let method = match *r.method.get_ref() {
            RawMethod::PermutedBlocks => {
                self.forbid(r.p.as_ref().map(Spanned::span), "p", "minimization")?;
                self.forbid(
                    r.imbalance.as_ref().map(Spanned::span),
                    "imbalance",
                    "minimization",
                )?;
                self.forbid(
                    r.weights.as_ref().map(Spanned::span),
                    "weights",
                    "minimization",
                )?;
                let Some(sizes) = &r.block_sizes else {
                    return Err(self.error(
                        r.method.span(),
                        format!("{KEY}.block_sizes"),
                        "permuted_blocks needs block_sizes, e.g. [2, 4, 6] for 1:1",
                    ));
                };
                let blocks = BlockDesign::new(ratio, sizes.get_ref()).map_err(|e| {
                    self.error(
                        sizes.span(),
                        format!("{KEY}.block_sizes"),
                        e.rule.into_owned(),
                    )
                })?;
                Method::PermutedBlocks(blocks)
            }
            RawMethod::Minimization => {
                self.forbid(
                    r.block_sizes.as_ref().map(Spanned::span),
                    "block_sizes",
                    "permuted_blocks",
                )?;
                Method::Minimization(self.minimization(raw, ratio, &factors)?)
            }
        };
        Ok(Some(RandomizationPlan { factors, method }))
    }

    /// A key that belongs to the other method.
    fn forbid(&self, span: Option<std::ops::Range<usize>>, key: &str, method: &str) -> Checked<()> {
        match span {
            Some(span) => Err(self.error(
                span,
                format!("{KEY}.{key}"),
                format!("`{key}` belongs to method = \"{method}\""),
            )),
            None => Ok(()),
        }
    }

    /// One factor per declared stratification factor, in declaration order, with its levels.
    fn levels(
        &self,
        raw: &Spanned<RawRandomization>,
        declared: &[StratificationFactor],
    ) -> Checked<Vec<Factor>> {
        let empty = BTreeMap::new();
        let (levels, span) = match &raw.get_ref().levels {
            Some(l) => (l.get_ref(), l.span()),
            None => (&empty, raw.span()),
        };
        for (name, list) in levels {
            if !declared.iter().any(|f| f.as_str() == name) {
                return Err(self.error(
                    list.span(),
                    format!("{KEY}.levels.{name}"),
                    format!("`{name}` is not in the protocol's `stratification` list"),
                ));
            }
        }
        declared
            .iter()
            .map(|factor| {
                let key = format!("{KEY}.levels.{factor}");
                let Some(list) = levels.get(factor.as_str()) else {
                    return Err(self.error(
                        span.clone(),
                        key,
                        format!("stratification factor `{factor}` needs its levels, e.g. {factor} = [\"no\", \"yes\"]"),
                    ));
                };
                for level in list.get_ref() {
                    let ok = !level.get_ref().is_empty()
                        && level.get_ref().len() <= 32
                        && level
                            .get_ref()
                            .chars()
                            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
                    if !ok {
                        return Err(self.error(
                            level.span(),
                            key,
                            "a level is 1–32 letters, digits, '-' or '_'",
                        ));
                    }
                }
                let names = list.get_ref().iter().map(|l| l.get_ref().clone()).collect();
                Factor::new(factor.as_str(), names)
                    .map_err(|e| self.error(list.span(), key, e.rule.into_owned()))
            })
            .collect()
    }

    fn minimization(
        &self,
        raw: &Spanned<RawRandomization>,
        ratio: AllocationRatio,
        factors: &[Factor],
    ) -> Checked<MinimizationDesign> {
        let r = raw.get_ref();
        let Some(p) = &r.p else {
            return Err(self.error(
                r.method.span(),
                format!("{KEY}.p"),
                "minimization needs p, the probability of the preferred arm (e.g. 0.8)",
            ));
        };
        let p_value = Decimal::from_str(&p.get_ref().to_string())
            .map_err(|_| self.error(p.span(), format!("{KEY}.p"), "not a decimal number"))
            .and_then(|d| {
                PreferredArmProbability::new(d)
                    .map_err(|e| self.error(p.span(), format!("{KEY}.p"), e.rule.into_owned()))
            })?;
        let Some(imbalance) = &r.imbalance else {
            return Err(self.error(
                r.method.span(),
                format!("{KEY}.imbalance"),
                "minimization needs imbalance = \"range\" or \"variance\"",
            ));
        };
        let imbalance = match imbalance.get_ref() {
            RawImbalance::Range => Imbalance::Range,
            RawImbalance::Variance => Imbalance::Variance,
        };
        let empty = BTreeMap::new();
        let weights = r.weights.as_ref().map_or(&empty, Spanned::get_ref);
        for (name, w) in weights {
            if !factors.iter().any(|f| f.name() == name) {
                return Err(self.error(
                    w.span(),
                    format!("{KEY}.weights.{name}"),
                    format!("`{name}` is not in the protocol's `stratification` list"),
                ));
            }
        }
        let weighted = factors
            .iter()
            .map(|f| (f.clone(), weights.get(f.name()).map_or(1, |w| *w.get_ref())))
            .collect();
        MinimizationDesign::new(ratio, weighted, imbalance, p_value).map_err(|e| {
            let span = r.weights.as_ref().map_or(raw.span(), Spanned::span);
            let key = if e.field == "factors" {
                "stratification".to_owned()
            } else {
                format!(
                    "{KEY}.{}",
                    e.field
                        .replace("factors.", "weights.")
                        .replace(".weight", "")
                )
            };
            self.error(span, key, e.rule.into_owned())
        })
    }
}

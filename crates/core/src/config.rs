//! The measure configuration: every [C] convention and selectable [P] variant as a typed
//! parameter with the spec's default (sle-activity §0.6; renal.md §3.2 and §B).
//!
//! Loadable from TOML with the spec's parameter names; unknown keys and values outside the
//! allowed set are refused with an error naming the key. Results name the configuration they
//! used by its hash (sle-activity §10), computed by the caller from [`MeasureConfig::canonical`].

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::InputError;

/// Which SELENA flare index is applied (sle-activity §2.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SfiVariant {
    /// Petri 1999 / SELENA: SV1 alone makes a severe flare.
    Classic,
    /// BLISS trials: a severe flare triggered only by SV1 is not severe.
    BlissModified,
}

/// The reading of SFI "SELENA-SLEDAI increases to > 12" (sle-activity §2.3 step 2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SfiSevereScoreRule {
    /// Any increase ending above 12 (default).
    IncreaseAndCurrentGt12,
    /// Only a crossing from ≤ 12 to > 12.
    Crossing12,
}

/// An immunosuppressant whose new start for SLE activity is an SFI severe trigger (SV4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Immunosuppressant {
    Cyclophosphamide,
    Azathioprine,
    Methotrexate,
    Mycophenolate,
    Other,
}

/// What replaces SRI-4 when BILAG is not captured (sle-activity §3.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SriWithoutBilag {
    /// mSRI: SLEDAI-2K reduction and PGA only (Connelly 2023).
    Msri,
    /// mSRI plus no newly scored SLEDAI-2K organ system (exploratory, not validated).
    MsriPlusNoNewOrgan,
}

/// LLDAS at a patient's first visit, where item 2 has no comparator (sle-activity §4.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum LldasFirstVisit {
    /// Item 2 is UNKNOWN, so LLDAS is not evaluable unless another item fails.
    NotEvaluable,
    /// Item 2 is skipped.
    EvaluateWithoutItem2,
}

/// Look-back for DORIS "stable therapy" (sle-activity §5.3 item 4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum DorisStabilityLookback {
    /// Changes since the previous visit (default).
    PreviousVisit,
}

/// Every configurable parameter of the measure engine, with the spec's defaults.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct MeasureConfig {
    /// SLEDAI look-back window in days: 10 (Bombardier 1992) or 30 (Touma 2010). §0.3 [P].
    pub sledai_window_days: u16,
    /// Minimum inflamed joints for SLEDAI-2K arthritis: 2 (≥ 2) or 3 (> 2). §1.7 [P]/[V].
    pub sledai2k_arthritis_min_joints: u8,
    /// Score SLEDAI proteinuria from UPCR > 0.5 g/g when no 24-h urine exists. §1.3 [C].
    pub sledai_proteinuria_accept_upcr: bool,
    /// SLEDAI-based flare: increase of at least this many points (Gladman 2000: > 3). §2.4 [P].
    pub flare_sledai_delta_threshold: i32,
    /// SELENA flare index variant. §2.1 [P].
    pub sfi_variant: SfiVariant,
    /// Reading of "increases to > 12". §2.3 [C].
    pub sfi_severe_score_rule: SfiSevereScoreRule,
    /// New immunosuppressants that trigger SV4. §2.1 [V].
    pub sfi_new_immunosuppressants: Vec<Immunosuppressant>,
    /// SRI-n: the SLEDAI reduction required (4..=8). §3.1 [P].
    pub sri_sledai_delta: u8,
    /// What is reported instead of SRI when BILAG is not captured. §3.2 [P]/[C].
    pub sri_variant_without_bilag: SriWithoutBilag,
    /// LLDAS at the first visit. §4.3 [C].
    pub lldas_first_visit: LldasFirstVisit,
    /// A day with at least this prednisone-equivalent dose (mg) is a pulse (Buttgereit 2002). §8.5 [P].
    pub pulse_threshold_mg_pe_per_day: Decimal,
    /// A pulse this many days before a visit falsifies LLDAS item 4 and DORIS item 3. §8.5 [C].
    pub pulse_lookback_days_for_states: u16,
    /// Whether the study cell product counts as investigational for LLDAS item 5. §4.3 [C].
    pub study_product_counts_as_investigational_for_lldas: bool,
    /// Betamethasone mg equivalent to 5 mg prednisone: 0.75 (BNF) or 0.6 (US). §8.1 [P].
    pub gc_betamethasone_equiv_mg: Decimal,
    /// Deflazacort mg equivalent to 5 mg prednisone: 6 (BNF) or 7.5. §8.1 [P].
    pub gc_deflazacort_equiv_mg: Decimal,
    /// EULAR/ACR 2019: low C3 and low C4 score 4 only if low on the same sample. §6.4 [C]
    /// (README erratum 9: this is the parameter; `eular_low_c3_and_c4_same_sample` is the input).
    pub eular_low_c3_and_c4_require_same_sample: bool,
    /// DORIS stable-therapy look-back. §5.3 [C].
    pub doris_stability_lookback: DorisStabilityLookback,
    /// KDIGO 2024 eGFR tolerance as a fraction: 0.15 default, 0.10 allowed (renal.md §3.2, §B.4).
    pub kdigo_egfr_tolerance: Decimal,
    /// EULAR/ERA-EDTA 2019 complete-response UPCR ceiling in mg/g: 500 or 700 (renal.md §3.2).
    pub eular_cr_upcr_max_mg_g: Decimal,
    /// EULAR/ERA-EDTA 2019 "sub-nephrotic" ceiling in mg/g: 3000 default, 3500 alternative (renal.md §B.7).
    pub eular_subnephrotic_upcr_max_mg_g: Decimal,
}

impl Default for MeasureConfig {
    fn default() -> Self {
        MeasureConfig {
            sledai_window_days: 10,
            sledai2k_arthritis_min_joints: 2,
            sledai_proteinuria_accept_upcr: true,
            flare_sledai_delta_threshold: 4,
            sfi_variant: SfiVariant::Classic,
            sfi_severe_score_rule: SfiSevereScoreRule::IncreaseAndCurrentGt12,
            sfi_new_immunosuppressants: vec![
                Immunosuppressant::Cyclophosphamide,
                Immunosuppressant::Azathioprine,
                Immunosuppressant::Methotrexate,
                Immunosuppressant::Mycophenolate,
            ],
            sri_sledai_delta: 4,
            sri_variant_without_bilag: SriWithoutBilag::Msri,
            lldas_first_visit: LldasFirstVisit::NotEvaluable,
            pulse_threshold_mg_pe_per_day: Decimal::from(250),
            pulse_lookback_days_for_states: 10,
            study_product_counts_as_investigational_for_lldas: false,
            gc_betamethasone_equiv_mg: Decimal::new(75, 2),
            gc_deflazacort_equiv_mg: Decimal::from(6),
            eular_low_c3_and_c4_require_same_sample: true,
            doris_stability_lookback: DorisStabilityLookback::PreviousVisit,
            kdigo_egfr_tolerance: Decimal::new(15, 2),
            eular_cr_upcr_max_mg_g: Decimal::from(500),
            eular_subnephrotic_upcr_max_mg_g: Decimal::from(3000),
        }
    }
}

impl MeasureConfig {
    /// Parses a TOML document of parameters; missing keys keep the spec's defaults.
    pub fn from_toml(text: &str) -> Result<MeasureConfig, InputError> {
        let config: MeasureConfig = toml::from_str(text).map_err(|e| {
            let field = e
                .message()
                .split('`')
                .nth(1)
                .map(str::to_owned)
                .unwrap_or_else(|| "config".to_owned());
            InputError::new(
                field,
                text.get(e.span().unwrap_or(0..0)).unwrap_or(""),
                e.message().to_owned(),
            )
        })?;
        config.validate()?;
        Ok(config)
    }

    /// Checks each parameter against the values the spec allows.
    pub fn validate(&self) -> Result<(), InputError> {
        if !matches!(self.sledai_window_days, 10 | 30) {
            return Err(InputError::new(
                "sledai_window_days",
                self.sledai_window_days,
                "must be 10 or 30 (sle-activity §0.6)",
            ));
        }
        if !matches!(self.sledai2k_arthritis_min_joints, 2 | 3) {
            return Err(InputError::new(
                "sledai2k_arthritis_min_joints",
                self.sledai2k_arthritis_min_joints,
                "must be 2 or 3 (sle-activity §1.7)",
            ));
        }
        if self.flare_sledai_delta_threshold < 1 {
            return Err(InputError::new(
                "flare_sledai_delta_threshold",
                self.flare_sledai_delta_threshold,
                "must be a positive number of points",
            ));
        }
        if !(4..=8).contains(&self.sri_sledai_delta) {
            return Err(InputError::new(
                "sri_sledai_delta",
                self.sri_sledai_delta,
                "must be 4 to 8 (SRI-4 … SRI-8)",
            ));
        }
        if self.pulse_threshold_mg_pe_per_day <= Decimal::ZERO {
            return Err(InputError::new(
                "pulse_threshold_mg_pe_per_day",
                self.pulse_threshold_mg_pe_per_day,
                "must be greater than 0",
            ));
        }
        for (field, value) in [
            ("gc_betamethasone_equiv_mg", self.gc_betamethasone_equiv_mg),
            ("gc_deflazacort_equiv_mg", self.gc_deflazacort_equiv_mg),
        ] {
            if value <= Decimal::ZERO {
                return Err(InputError::new(field, value, "must be greater than 0"));
            }
        }
        if self.kdigo_egfr_tolerance < Decimal::ZERO || self.kdigo_egfr_tolerance >= Decimal::ONE {
            return Err(InputError::new(
                "kdigo_egfr_tolerance",
                self.kdigo_egfr_tolerance,
                "must be a fraction in [0, 1); KDIGO gives 0.10 to 0.15",
            ));
        }
        if !matches!(self.eular_cr_upcr_max_mg_g, v if v == Decimal::from(500) || v == Decimal::from(700))
        {
            return Err(InputError::new(
                "eular_cr_upcr_max_mg_g",
                self.eular_cr_upcr_max_mg_g,
                "must be 500 or 700 (renal.md §3.2)",
            ));
        }
        if self.eular_subnephrotic_upcr_max_mg_g <= Decimal::ZERO {
            return Err(InputError::new(
                "eular_subnephrotic_upcr_max_mg_g",
                self.eular_subnephrotic_upcr_max_mg_g,
                "must be greater than 0",
            ));
        }
        Ok(())
    }

    /// A canonical TOML rendering, stable for equal configurations: the basis of the
    /// configuration hash that results carry.
    pub fn canonical(&self) -> String {
        toml::to_string(self).expect("a MeasureConfig always serializes to TOML")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_toml_gives_the_spec_defaults() {
        assert_eq!(
            MeasureConfig::from_toml("").unwrap(),
            MeasureConfig::default()
        );
    }

    #[test]
    fn toml_overrides_a_parameter() {
        let c =
            MeasureConfig::from_toml("sledai_window_days = 30\nsfi_variant = \"bliss_modified\"")
                .unwrap();
        assert_eq!(c.sledai_window_days, 30);
        assert_eq!(c.sfi_variant, SfiVariant::BlissModified);
    }

    #[test]
    fn unknown_key_is_refused_by_name() {
        let err = MeasureConfig::from_toml("sledai_window = 30").unwrap_err();
        assert_eq!(err.field, "sledai_window");
    }

    #[test]
    fn disallowed_value_is_refused_by_name() {
        let err = MeasureConfig::from_toml("sledai_window_days = 14").unwrap_err();
        assert_eq!(err.field, "sledai_window_days");
    }

    #[test]
    fn canonical_rendering_round_trips() {
        let c = MeasureConfig::default();
        assert_eq!(MeasureConfig::from_toml(&c.canonical()).unwrap(), c);
    }
}

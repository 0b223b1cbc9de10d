//! `sledger score sledai-2k`: one visit's SLEDAI-2K from the 24 descriptor answers and the
//! lab fields of sle-activity §9.3 (sle-activity §1).
//!
//! The SLEDAI fields are declared once, in [`with_sledai_fields`], so that the longitudinal
//! measures' visit inputs (flare, SRI, LLDAS, DORIS) accept exactly the same keys.

use std::collections::BTreeMap;

use jiff::civil::Date;
use rust_decimal::Decimal;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use sledger_core::dictionary::{non_negative, positive, within};
use sledger_core::measures::sledai2k::{
    self, Descriptor, InvestigatorAnswer, ItemState, LabWithLimit, OrganSystem, Sledai2kAssessment,
    Sledai2kScore, SledaiLabs,
};
use sledger_core::{InputError, MeasureConfig, Status, Tri};

use crate::measure::Typed;

/// Units in which complement C3 and C4 may be reported (sle-activity §9.3: g/L, or mg/dL × 0.01).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
pub enum ComplementUnit {
    #[serde(rename = "g/L")]
    GramsPerLitre,
    #[serde(rename = "mg/dL")]
    MilligramsPerDecilitre,
}

/// The assay of an anti-dsDNA result (sle-activity §9.3; recorded, not used in scoring).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum AntiDsdnaAssay {
    Farr,
    Elisa,
    Clift,
    Cia,
    Other,
}

/// Declares a wire struct holding `visit_date`, `sledai_window_days`, the 24
/// `sledai_<descriptor>` answers with their `_date` and `_new_or_recurrent` companions, and the
/// lab fields of sle-activity §9.3, followed by the extra fields given; and implements
/// `sledai_assessment()` on it.
macro_rules! with_sledai_fields {
    (
        $(#[$meta:meta])*
        pub struct $name:ident { $($extra:tt)* }
    ) => {
        $(#[$meta])*
        pub struct $name {
            /// Date of the visit (the end of the look-back window).
            pub visit_date: Option<jiff::civil::Date>,
            /// Look-back window in days, 10 or 30 (overrides the configuration).
            pub sledai_window_days: Option<u16>,
            pub sledai_seizure: Option<sledger_core::measures::sledai2k::ItemState>,
            pub sledai_seizure_date: Option<jiff::civil::Date>,
            pub sledai_seizure_new_or_recurrent: Option<bool>,
            pub sledai_psychosis: Option<sledger_core::measures::sledai2k::ItemState>,
            pub sledai_psychosis_date: Option<jiff::civil::Date>,
            pub sledai_psychosis_new_or_recurrent: Option<bool>,
            pub sledai_organic_brain_syndrome: Option<sledger_core::measures::sledai2k::ItemState>,
            pub sledai_organic_brain_syndrome_date: Option<jiff::civil::Date>,
            pub sledai_organic_brain_syndrome_new_or_recurrent: Option<bool>,
            pub sledai_visual_disturbance: Option<sledger_core::measures::sledai2k::ItemState>,
            pub sledai_visual_disturbance_date: Option<jiff::civil::Date>,
            pub sledai_visual_disturbance_new_or_recurrent: Option<bool>,
            pub sledai_cranial_nerve_disorder: Option<sledger_core::measures::sledai2k::ItemState>,
            pub sledai_cranial_nerve_disorder_date: Option<jiff::civil::Date>,
            pub sledai_cranial_nerve_disorder_new_or_recurrent: Option<bool>,
            pub sledai_lupus_headache: Option<sledger_core::measures::sledai2k::ItemState>,
            pub sledai_lupus_headache_date: Option<jiff::civil::Date>,
            pub sledai_lupus_headache_new_or_recurrent: Option<bool>,
            pub sledai_cva: Option<sledger_core::measures::sledai2k::ItemState>,
            pub sledai_cva_date: Option<jiff::civil::Date>,
            pub sledai_cva_new_or_recurrent: Option<bool>,
            pub sledai_vasculitis: Option<sledger_core::measures::sledai2k::ItemState>,
            pub sledai_vasculitis_date: Option<jiff::civil::Date>,
            pub sledai_vasculitis_new_or_recurrent: Option<bool>,
            pub sledai_arthritis: Option<sledger_core::measures::sledai2k::ItemState>,
            pub sledai_arthritis_date: Option<jiff::civil::Date>,
            pub sledai_arthritis_new_or_recurrent: Option<bool>,
            pub sledai_myositis: Option<sledger_core::measures::sledai2k::ItemState>,
            pub sledai_myositis_date: Option<jiff::civil::Date>,
            pub sledai_myositis_new_or_recurrent: Option<bool>,
            pub sledai_urinary_casts: Option<sledger_core::measures::sledai2k::ItemState>,
            pub sledai_urinary_casts_date: Option<jiff::civil::Date>,
            pub sledai_urinary_casts_new_or_recurrent: Option<bool>,
            pub sledai_hematuria: Option<sledger_core::measures::sledai2k::ItemState>,
            pub sledai_hematuria_date: Option<jiff::civil::Date>,
            pub sledai_hematuria_new_or_recurrent: Option<bool>,
            pub sledai_proteinuria: Option<sledger_core::measures::sledai2k::ItemState>,
            pub sledai_proteinuria_date: Option<jiff::civil::Date>,
            pub sledai_proteinuria_new_or_recurrent: Option<bool>,
            pub sledai_pyuria: Option<sledger_core::measures::sledai2k::ItemState>,
            pub sledai_pyuria_date: Option<jiff::civil::Date>,
            pub sledai_pyuria_new_or_recurrent: Option<bool>,
            pub sledai_rash: Option<sledger_core::measures::sledai2k::ItemState>,
            pub sledai_rash_date: Option<jiff::civil::Date>,
            pub sledai_rash_new_or_recurrent: Option<bool>,
            pub sledai_alopecia: Option<sledger_core::measures::sledai2k::ItemState>,
            pub sledai_alopecia_date: Option<jiff::civil::Date>,
            pub sledai_alopecia_new_or_recurrent: Option<bool>,
            pub sledai_mucosal_ulcers: Option<sledger_core::measures::sledai2k::ItemState>,
            pub sledai_mucosal_ulcers_date: Option<jiff::civil::Date>,
            pub sledai_mucosal_ulcers_new_or_recurrent: Option<bool>,
            pub sledai_pleurisy: Option<sledger_core::measures::sledai2k::ItemState>,
            pub sledai_pleurisy_date: Option<jiff::civil::Date>,
            pub sledai_pleurisy_new_or_recurrent: Option<bool>,
            pub sledai_pericarditis: Option<sledger_core::measures::sledai2k::ItemState>,
            pub sledai_pericarditis_date: Option<jiff::civil::Date>,
            pub sledai_pericarditis_new_or_recurrent: Option<bool>,
            pub sledai_low_complement: Option<sledger_core::measures::sledai2k::ItemState>,
            pub sledai_low_complement_date: Option<jiff::civil::Date>,
            pub sledai_low_complement_new_or_recurrent: Option<bool>,
            pub sledai_increased_dna_binding: Option<sledger_core::measures::sledai2k::ItemState>,
            pub sledai_increased_dna_binding_date: Option<jiff::civil::Date>,
            pub sledai_increased_dna_binding_new_or_recurrent: Option<bool>,
            pub sledai_fever: Option<sledger_core::measures::sledai2k::ItemState>,
            pub sledai_fever_date: Option<jiff::civil::Date>,
            pub sledai_fever_new_or_recurrent: Option<bool>,
            pub sledai_thrombocytopenia: Option<sledger_core::measures::sledai2k::ItemState>,
            pub sledai_thrombocytopenia_date: Option<jiff::civil::Date>,
            pub sledai_thrombocytopenia_new_or_recurrent: Option<bool>,
            pub sledai_leukopenia: Option<sledger_core::measures::sledai2k::ItemState>,
            pub sledai_leukopenia_date: Option<jiff::civil::Date>,
            pub sledai_leukopenia_new_or_recurrent: Option<bool>,
            /// Joints with pain and signs of inflammation (0–68).
            pub inflamed_joint_count: Option<u16>,
            /// Red cells per high-power field (0–1000; ">100" → 101).
            pub urine_rbc_per_hpf: Option<u16>,
            pub hematuria_other_cause: Option<bool>,
            /// White cells per high-power field (0–1000).
            pub urine_wbc_per_hpf: Option<u16>,
            pub pyuria_infection: Option<bool>,
            pub urine_rbc_or_heme_granular_casts: Option<bool>,
            /// g/24 h (0–30).
            pub urine_protein_24h_g: Option<rust_decimal::Decimal>,
            /// g/g = mg/mg (0–30).
            pub urine_protein_creatinine_ratio: Option<rust_decimal::Decimal>,
            pub c3_value: Option<rust_decimal::Decimal>,
            pub c3_lln: Option<rust_decimal::Decimal>,
            /// Unit of `c3_value` and `c3_lln`: g/L (default) or mg/dL.
            pub c3_unit: Option<$crate::wire::sledai2k::ComplementUnit>,
            pub c4_value: Option<rust_decimal::Decimal>,
            pub c4_lln: Option<rust_decimal::Decimal>,
            /// Unit of `c4_value` and `c4_lln`: g/L (default) or mg/dL.
            pub c4_unit: Option<$crate::wire::sledai2k::ComplementUnit>,
            /// U/mL (0–500).
            pub ch50_value: Option<rust_decimal::Decimal>,
            pub ch50_lln: Option<rust_decimal::Decimal>,
            /// IU/mL or assay units.
            pub anti_dsdna_value: Option<rust_decimal::Decimal>,
            pub anti_dsdna_uln: Option<rust_decimal::Decimal>,
            pub anti_dsdna_assay: Option<$crate::wire::sledai2k::AntiDsdnaAssay>,
            /// Qualitative anti-dsDNA where no number is reported.
            pub anti_dsdna_positive: Option<bool>,
            /// °C (30.0–45.0).
            pub body_temperature_max_c: Option<rust_decimal::Decimal>,
            pub fever_infection: Option<bool>,
            /// × 10⁹/L (0–2000).
            pub platelets: Option<rust_decimal::Decimal>,
            pub thrombocytopenia_drug: Option<bool>,
            /// × 10⁹/L (0–200).
            pub wbc: Option<rust_decimal::Decimal>,
            pub leukopenia_drug: Option<bool>,
            $($extra)*
        }

        impl $name {
            /// The SLEDAI-2K inputs of this visit, range-checked (sle-activity §9.2–§9.3).
            pub fn sledai_assessment(&self) -> Result<sledger_core::measures::sledai2k::Sledai2kAssessment, sledger_core::InputError> {
                use sledger_core::measures::sledai2k::Descriptor::*;
                let answers = [
                    (Seizure, self.sledai_seizure, self.sledai_seizure_date, self.sledai_seizure_new_or_recurrent),
                    (Psychosis, self.sledai_psychosis, self.sledai_psychosis_date, self.sledai_psychosis_new_or_recurrent),
                    (OrganicBrainSyndrome, self.sledai_organic_brain_syndrome, self.sledai_organic_brain_syndrome_date, self.sledai_organic_brain_syndrome_new_or_recurrent),
                    (VisualDisturbance, self.sledai_visual_disturbance, self.sledai_visual_disturbance_date, self.sledai_visual_disturbance_new_or_recurrent),
                    (CranialNerveDisorder, self.sledai_cranial_nerve_disorder, self.sledai_cranial_nerve_disorder_date, self.sledai_cranial_nerve_disorder_new_or_recurrent),
                    (LupusHeadache, self.sledai_lupus_headache, self.sledai_lupus_headache_date, self.sledai_lupus_headache_new_or_recurrent),
                    (Cva, self.sledai_cva, self.sledai_cva_date, self.sledai_cva_new_or_recurrent),
                    (Vasculitis, self.sledai_vasculitis, self.sledai_vasculitis_date, self.sledai_vasculitis_new_or_recurrent),
                    (Arthritis, self.sledai_arthritis, self.sledai_arthritis_date, self.sledai_arthritis_new_or_recurrent),
                    (Myositis, self.sledai_myositis, self.sledai_myositis_date, self.sledai_myositis_new_or_recurrent),
                    (UrinaryCasts, self.sledai_urinary_casts, self.sledai_urinary_casts_date, self.sledai_urinary_casts_new_or_recurrent),
                    (Hematuria, self.sledai_hematuria, self.sledai_hematuria_date, self.sledai_hematuria_new_or_recurrent),
                    (Proteinuria, self.sledai_proteinuria, self.sledai_proteinuria_date, self.sledai_proteinuria_new_or_recurrent),
                    (Pyuria, self.sledai_pyuria, self.sledai_pyuria_date, self.sledai_pyuria_new_or_recurrent),
                    (Rash, self.sledai_rash, self.sledai_rash_date, self.sledai_rash_new_or_recurrent),
                    (Alopecia, self.sledai_alopecia, self.sledai_alopecia_date, self.sledai_alopecia_new_or_recurrent),
                    (MucosalUlcers, self.sledai_mucosal_ulcers, self.sledai_mucosal_ulcers_date, self.sledai_mucosal_ulcers_new_or_recurrent),
                    (Pleurisy, self.sledai_pleurisy, self.sledai_pleurisy_date, self.sledai_pleurisy_new_or_recurrent),
                    (Pericarditis, self.sledai_pericarditis, self.sledai_pericarditis_date, self.sledai_pericarditis_new_or_recurrent),
                    (LowComplement, self.sledai_low_complement, self.sledai_low_complement_date, self.sledai_low_complement_new_or_recurrent),
                    (IncreasedDnaBinding, self.sledai_increased_dna_binding, self.sledai_increased_dna_binding_date, self.sledai_increased_dna_binding_new_or_recurrent),
                    (Fever, self.sledai_fever, self.sledai_fever_date, self.sledai_fever_new_or_recurrent),
                    (Thrombocytopenia, self.sledai_thrombocytopenia, self.sledai_thrombocytopenia_date, self.sledai_thrombocytopenia_new_or_recurrent),
                    (Leukopenia, self.sledai_leukopenia, self.sledai_leukopenia_date, self.sledai_leukopenia_new_or_recurrent),
                ];
                let lab = $crate::wire::sledai2k::SledaiLabFields {
                    inflamed_joint_count: self.inflamed_joint_count,
                    urine_rbc_per_hpf: self.urine_rbc_per_hpf,
                    hematuria_other_cause: self.hematuria_other_cause,
                    urine_wbc_per_hpf: self.urine_wbc_per_hpf,
                    pyuria_infection: self.pyuria_infection,
                    urine_rbc_or_heme_granular_casts: self.urine_rbc_or_heme_granular_casts,
                    urine_protein_24h_g: self.urine_protein_24h_g,
                    urine_protein_creatinine_ratio: self.urine_protein_creatinine_ratio,
                    c3: (self.c3_value, self.c3_lln, self.c3_unit),
                    c4: (self.c4_value, self.c4_lln, self.c4_unit),
                    ch50: (self.ch50_value, self.ch50_lln),
                    anti_dsdna: (self.anti_dsdna_value, self.anti_dsdna_uln),
                    anti_dsdna_positive: self.anti_dsdna_positive,
                    body_temperature_max_c: self.body_temperature_max_c,
                    fever_infection: self.fever_infection,
                    platelets: self.platelets,
                    thrombocytopenia_drug: self.thrombocytopenia_drug,
                    wbc: self.wbc,
                    leukopenia_drug: self.leukopenia_drug,
                };
                $crate::wire::sledai2k::assessment(self.visit_date, &answers, &lab)
            }
        }
    };
}
#[allow(unused_imports)] // used by the longitudinal visit inputs
pub(crate) use with_sledai_fields;

/// The lab fields as read from the wire, before range checks and unit conversion.
#[derive(Debug)]
pub struct SledaiLabFields {
    pub inflamed_joint_count: Option<u16>,
    pub urine_rbc_per_hpf: Option<u16>,
    pub hematuria_other_cause: Option<bool>,
    pub urine_wbc_per_hpf: Option<u16>,
    pub pyuria_infection: Option<bool>,
    pub urine_rbc_or_heme_granular_casts: Option<bool>,
    pub urine_protein_24h_g: Option<Decimal>,
    pub urine_protein_creatinine_ratio: Option<Decimal>,
    pub c3: (Option<Decimal>, Option<Decimal>, Option<ComplementUnit>),
    pub c4: (Option<Decimal>, Option<Decimal>, Option<ComplementUnit>),
    pub ch50: (Option<Decimal>, Option<Decimal>),
    pub anti_dsdna: (Option<Decimal>, Option<Decimal>),
    pub anti_dsdna_positive: Option<bool>,
    pub body_temperature_max_c: Option<Decimal>,
    pub fever_infection: Option<bool>,
    pub platelets: Option<Decimal>,
    pub thrombocytopenia_drug: Option<bool>,
    pub wbc: Option<Decimal>,
    pub leukopenia_drug: Option<bool>,
}

type WireAnswer = (Descriptor, Option<ItemState>, Option<Date>, Option<bool>);

/// Builds a range-checked assessment from wire fields (sle-activity §9.3 ranges).
pub fn assessment(
    visit_date: Option<Date>,
    answers: &[WireAnswer; 24],
    lab: &SledaiLabFields,
) -> Result<Sledai2kAssessment, InputError> {
    let visit_date = visit_date.ok_or_else(|| {
        InputError::new(
            "visit_date",
            "null",
            "required: the end of the look-back window",
        )
    })?;
    let mut assessment = Sledai2kAssessment::blank(visit_date);
    for &(d, state, last_present, new_or_recurrent) in answers {
        *assessment.answer_mut(d) = InvestigatorAnswer {
            state,
            last_present,
            new_or_recurrent,
        };
    }
    assessment.labs = labs(lab)?;
    Ok(assessment)
}

fn count(field: &'static str, value: Option<u16>, max: u16) -> Result<Option<u16>, InputError> {
    match value {
        Some(n) if n > max => Err(InputError::new(
            field,
            n,
            format!("must be between 0 and {max} (data dictionary)"),
        )),
        other => Ok(other),
    }
}

fn ranged(
    field: &'static str,
    value: Option<Decimal>,
    min: Decimal,
    max: Decimal,
) -> Result<Option<Decimal>, InputError> {
    value.map(|v| within(field, v, min, max)).transpose()
}

/// A lab value with its limit of normal; the limit must be positive.
fn with_limit(
    fields: (&'static str, &'static str),
    value: Option<Decimal>,
    limit: Option<Decimal>,
    max: Decimal,
) -> Result<LabWithLimit, InputError> {
    Ok(LabWithLimit {
        value: ranged(fields.0, value, Decimal::ZERO, max)?,
        limit: limit.map(|l| positive(fields.1, l)).transpose()?,
    })
}

/// Complement in g/L; mg/dL is converted × 0.01 (sle-activity §9.3).
fn complement(
    fields: (&'static str, &'static str),
    (value, lln, unit): (Option<Decimal>, Option<Decimal>, Option<ComplementUnit>),
    max_g_l: Decimal,
) -> Result<LabWithLimit, InputError> {
    let factor = match unit {
        Some(ComplementUnit::MilligramsPerDecilitre) => Decimal::new(1, 2),
        Some(ComplementUnit::GramsPerLitre) | None => Decimal::ONE,
    };
    let in_g_l = |field: &'static str, v: Option<Decimal>| -> Result<Option<Decimal>, InputError> {
        v.map(|v| {
            within(field, v * factor, Decimal::ZERO, max_g_l)
                .map_err(|_| InputError::new(field, v, format!("must be between 0 and {max_g_l} g/L (data dictionary); give c3_unit/c4_unit \"mg/dL\" for mg/dL")))
        })
        .transpose()
    };
    let limit = in_g_l(fields.1, lln)?;
    if let Some(l) = limit {
        positive(fields.1, l)?;
    }
    Ok(LabWithLimit {
        value: in_g_l(fields.0, value)?,
        limit,
    })
}

fn labs(l: &SledaiLabFields) -> Result<SledaiLabs, InputError> {
    let upcr_max = Decimal::from(30);
    Ok(SledaiLabs {
        inflamed_joint_count: count("inflamed_joint_count", l.inflamed_joint_count, 68)?,
        urine_rbc_per_hpf: count("urine_rbc_per_hpf", l.urine_rbc_per_hpf, 1000)?,
        hematuria_other_cause: l.hematuria_other_cause,
        urine_wbc_per_hpf: count("urine_wbc_per_hpf", l.urine_wbc_per_hpf, 1000)?,
        pyuria_infection: l.pyuria_infection,
        urine_rbc_or_heme_granular_casts: l.urine_rbc_or_heme_granular_casts,
        urine_protein_24h_g: ranged(
            "urine_protein_24h_g",
            l.urine_protein_24h_g,
            Decimal::ZERO,
            upcr_max,
        )?,
        urine_protein_creatinine_ratio: ranged(
            "urine_protein_creatinine_ratio",
            l.urine_protein_creatinine_ratio,
            Decimal::ZERO,
            upcr_max,
        )?,
        c3: complement(("c3_value", "c3_lln"), l.c3, Decimal::from(5))?,
        c4: complement(("c4_value", "c4_lln"), l.c4, Decimal::from(2))?,
        ch50: with_limit(
            ("ch50_value", "ch50_lln"),
            l.ch50.0,
            l.ch50.1,
            Decimal::from(500),
        )?,
        anti_dsdna: LabWithLimit {
            value: l
                .anti_dsdna
                .0
                .map(|v| non_negative("anti_dsdna_value", v))
                .transpose()?,
            limit: l
                .anti_dsdna
                .1
                .map(|v| positive("anti_dsdna_uln", v))
                .transpose()?,
        },
        anti_dsdna_positive: l.anti_dsdna_positive,
        body_temperature_max_c: ranged(
            "body_temperature_max_c",
            l.body_temperature_max_c,
            Decimal::from(30),
            Decimal::from(45),
        )?,
        fever_infection: l.fever_infection,
        platelets: ranged("platelets", l.platelets, Decimal::ZERO, Decimal::from(2000))?,
        thrombocytopenia_drug: l.thrombocytopenia_drug,
        wbc: ranged("wbc", l.wbc, Decimal::ZERO, Decimal::from(200))?,
        leukopenia_drug: l.leukopenia_drug,
    })
}

/// The look-back window: the input's `sledai_window_days` or the configuration's; 10 or 30.
pub fn window_config(
    window: Option<u16>,
    config: &MeasureConfig,
) -> Result<MeasureConfig, InputError> {
    let Some(days) = window else {
        return Ok(config.clone());
    };
    if !matches!(days, 10 | 30) {
        return Err(InputError::new(
            "sledai_window_days",
            days,
            "must be 10 or 30 (sle-activity §0.3)",
        ));
    }
    Ok(MeasureConfig {
        sledai_window_days: days,
        ..config.clone()
    })
}

with_sledai_fields! {
    /// One visit's SLEDAI-2K inputs (sle-activity §9.1–§9.3). A blank descriptor with no lab
    /// that bears on it is `not_assessed`, never absent.
    #[derive(Debug, Deserialize, JsonSchema)]
    #[serde(deny_unknown_fields)]
    pub struct Sledai2kInput {}
}

/// One visit's SLEDAI-2K result (sle-activity §1.5 step 7, §10).
#[derive(Debug, Serialize, JsonSchema)]
pub struct Sledai2kOutput {
    /// SLEDAI-2K, 0–105; null unless every descriptor was assessed.
    pub total: Option<u8>,
    /// Sum of the weights of descriptors present.
    pub lower: u8,
    /// `lower` plus the weights of descriptors not assessed.
    pub upper: u8,
    /// complete | incomplete.
    pub status: &'static str,
    /// `sledai_<descriptor>` of every descriptor not assessed.
    pub missing: Vec<String>,
    /// Clinical SLEDAI (without complement and anti-dsDNA); null unless complete.
    pub clinical_sledai: Option<u8>,
    pub clinical_sledai_lower: u8,
    pub clinical_sledai_upper: u8,
    /// The SELENA-compatible score used by the SELENA flare index (§1.3).
    pub selena_compatible_lower: u8,
    pub selena_compatible_upper: u8,
    /// Descriptors scored, in form order.
    pub present: Vec<Descriptor>,
    /// Descriptors not assessed, in form order.
    pub not_assessed: Vec<Descriptor>,
    /// Per organ system (§0.5): true if a descriptor is scored, false if all are absent,
    /// unknown otherwise.
    pub organ_flags: BTreeMap<OrganSystem, Tri>,
    /// Descriptors where the investigator's explicit answer overrode the lab proposal.
    pub overrides: Vec<Descriptor>,
    /// The look-back window applied, in days.
    pub window_days: u16,
}

impl Sledai2kOutput {
    /// Shapes a score for the wire.
    pub fn from_score(score: &Sledai2kScore, window_days: u16) -> Self {
        let (lower, upper) = score.bounds();
        let (clinical_lower, clinical_upper) = score.clinical_bounds();
        let (selena_lower, selena_upper) = score.selena_bounds();
        let not_assessed: Vec<Descriptor> = score.not_assessed().collect();
        let status = if not_assessed.is_empty() {
            Status::Complete
        } else {
            Status::incomplete(not_assessed.iter().map(|d| format!("sledai_{}", d.name())))
        };
        Sledai2kOutput {
            total: score.total(),
            lower,
            upper,
            status: status.code(),
            missing: status.missing().to_vec(),
            clinical_sledai: (clinical_lower == clinical_upper).then_some(clinical_lower),
            clinical_sledai_lower: clinical_lower,
            clinical_sledai_upper: clinical_upper,
            selena_compatible_lower: selena_lower,
            selena_compatible_upper: selena_upper,
            present: score.present().collect(),
            not_assessed,
            organ_flags: OrganSystem::ALL
                .into_iter()
                .map(|o| (o, score.organ_active(o)))
                .collect(),
            overrides: Descriptor::ALL
                .into_iter()
                .filter(|d| score.overrides[d.index()])
                .collect(),
            window_days,
        }
    }
}

fn run(input: Sledai2kInput, config: &MeasureConfig) -> Result<Sledai2kOutput, InputError> {
    let config = window_config(input.sledai_window_days, config)?;
    let assessment = input.sledai_assessment()?;
    let score = sledai2k::score(&assessment, &config)?;
    Ok(Sledai2kOutput::from_score(
        &score,
        config.sledai_window_days,
    ))
}

/// `sledger score sledai-2k`.
pub static MEASURE: Typed<Sledai2kInput, Sledai2kOutput> = Typed::new(
    "sledai-2k",
    "SLEDAI-2K disease activity (0–105) with bounds for unassessed items, clinical SLEDAI and the SELENA-compatible score",
    "sle-activity.md §1",
    run,
);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::measure::{Context, Measure};
    use serde_json::{Value, json};

    fn score(input: Value) -> Result<Value, crate::FieldError> {
        MEASURE.score(
            &input,
            &Context {
                config: &MeasureConfig::default(),
            },
        )
    }

    fn all_absent() -> Value {
        let mut m = serde_json::Map::new();
        m.insert("visit_date".into(), json!("2025-03-10"));
        for d in Descriptor::ALL {
            m.insert(format!("sledai_{}", d.name()), json!("absent"));
        }
        Value::Object(m)
    }

    #[test]
    fn s3_from_json_labs() {
        let mut input = all_absent();
        for k in [
            "sledai_arthritis",
            "sledai_proteinuria",
            "sledai_low_complement",
            "sledai_increased_dna_binding",
        ] {
            input.as_object_mut().unwrap().remove(k);
        }
        let extra = json!({"inflamed_joint_count": 3, "urine_protein_24h_g": 0.80, "c3_value": 0.62, "c3_lln": 0.90,
            "c4_value": 0.08, "c4_lln": 0.10, "anti_dsdna_value": 120, "anti_dsdna_uln": 30});
        input
            .as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        let out = score(input).unwrap();
        assert_eq!(out["total"], json!(12));
        assert_eq!(out["clinical_sledai_lower"], json!(8));
        assert_eq!(out["status"], json!("complete"));
        assert_eq!(
            out["present"],
            json!([
                "arthritis",
                "proteinuria",
                "low_complement",
                "increased_dna_binding"
            ])
        );
        assert_eq!(out["organ_flags"]["renal"], json!("true"));
    }

    #[test]
    fn decimals_from_json_are_exact() {
        let mut input = all_absent();
        input.as_object_mut().unwrap().remove("sledai_proteinuria");
        input["urine_protein_24h_g"] = json!(0.50);
        assert_eq!(
            score(input.clone()).unwrap()["total"],
            json!(0),
            "0.50 is not > 0.5"
        );
        input["urine_protein_24h_g"] = json!(0.1 + 0.2 + 0.21);
        assert_eq!(score(input).unwrap()["total"], json!(4));
    }

    #[test]
    fn complement_in_mg_dl_is_converted() {
        let mut input = all_absent();
        input
            .as_object_mut()
            .unwrap()
            .remove("sledai_low_complement");
        input["c3_value"] = json!(62);
        input["c3_lln"] = json!(90);
        input["c3_unit"] = json!("mg/dL");
        assert_eq!(score(input).unwrap()["total"], json!(2));
    }

    #[test]
    fn missing_items_give_bounds_and_name_them() {
        let out =
            score(json!({"visit_date": "2025-03-10", "sledai_arthritis": "present"})).unwrap();
        assert_eq!(out["total"], Value::Null);
        assert_eq!(out["lower"], json!(4));
        assert_eq!(out["upper"], json!(105));
        assert_eq!(out["status"], json!("incomplete"));
        assert_eq!(out["missing"].as_array().unwrap().len(), 23);
    }

    #[test]
    fn bad_inputs_name_the_field() {
        let cases = [
            (json!({"visit_date": "2025-03-10", "wbc": 250}), "wbc"),
            (
                json!({"visit_date": "2025-03-10", "sledai_rash": "yes"}),
                "sledai_rash",
            ),
            (
                json!({"visit_date": "2025-03-10", "sledai_rashes": "present"}),
                "sledai_rashes",
            ),
            (
                json!({"visit_date": "2025-03-10", "inflamed_joint_count": 70}),
                "inflamed_joint_count",
            ),
            (
                json!({"visit_date": "2025-03-10", "inflamed_joint_count": -1}),
                "inflamed_joint_count",
            ),
            (
                json!({"visit_date": "2025-03-10", "sledai_window_days": 14}),
                "sledai_window_days",
            ),
            (json!({"visit_date": "10/03/2025"}), "visit_date"),
            (json!({"sledai_rash": "present"}), "visit_date"),
            (
                json!({"visit_date": "2025-03-10", "sledai_rash": "present", "sledai_rash_date": "2025-03-12"}),
                "sledai_rash_date",
            ),
            (
                json!({"visit_date": "2025-03-10", "c3_value": 90}),
                "c3_value",
            ),
            (
                json!({"visit_date": "2025-03-10", "body_temperature_max_c": 50}),
                "body_temperature_max_c",
            ),
        ];
        for (input, field) in cases {
            let err = score(input.clone()).unwrap_err();
            assert_eq!(err.field, field, "{input}: {err:?}");
        }
    }

    #[test]
    fn window_override_from_input() {
        let mut input = all_absent();
        input["sledai_seizure"] = json!("present");
        input["sledai_seizure_date"] = json!("2025-02-27");
        assert_eq!(score(input.clone()).unwrap()["total"], json!(0));
        input["sledai_window_days"] = json!(30);
        assert_eq!(score(input).unwrap()["total"], json!(8));
    }
}

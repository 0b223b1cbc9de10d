//! `sledger score nih-indices`: NIH activity (0–24) and chronicity (0–12) indices of a lupus
//! nephritis biopsy, with the ISN/RPS class consistency check (renal.md §5).
//!
//! Modified NIH (default, `index_version: "modified_nih_2018"`): each component's % extent
//! (`<component>_pct`, 0–100), graded 0 / < 25 → 1 / 25–50 → 2 / > 50 → 3. Original NIH
//! (`"original_nih"`, historical entry): each component's recorded grade (`<component>_grade`,
//! 0–3) under the original names. Optionally `isn_rps_class` (e.g. "IV-G (A) + V") with
//! `glomeruli_involved_pct`, `glomeruli_globally_sclerosed_pct` and `glomeruli_sampled`.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use sledger_core::measures::isn_rps_class::{
    self, BiopsyFindings, ClassWarning, IsnRpsClass, LnClass,
};
use sledger_core::measures::nih_indices::{
    self, ComponentScore, Extent, Grade, IndexScore, IndexVersion, NihIndices, NihInput,
};
use sledger_core::{InputError, MeasureConfig};

use crate::measure::Typed;

/// One biopsy.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NihIndicesInput {
    /// modified_nih_2018 (default) | original_nih.
    pub index_version: Option<IndexVersion>,
    /// % of glomeruli (0–100), modified NIH activity, ×1.
    pub endocapillary_hypercellularity_pct: Option<Decimal>,
    /// % of glomeruli, ×1.
    pub neutrophils_karyorrhexis_pct: Option<Decimal>,
    /// % of glomeruli, ×2.
    pub fibrinoid_necrosis_pct: Option<Decimal>,
    /// % of glomeruli (wire loops and/or hyaline thrombi), ×1.
    pub hyaline_deposits_pct: Option<Decimal>,
    /// % of glomeruli, ×2.
    pub cellular_fibrocellular_crescents_pct: Option<Decimal>,
    /// % of cortex, ×1.
    pub interstitial_inflammation_pct: Option<Decimal>,
    /// % of glomeruli (global and/or segmental), modified NIH chronicity.
    pub glomerulosclerosis_pct: Option<Decimal>,
    /// % of glomeruli.
    pub fibrous_crescents_pct: Option<Decimal>,
    /// % of cortex.
    pub tubular_atrophy_pct: Option<Decimal>,
    /// % of cortex.
    pub interstitial_fibrosis_pct: Option<Decimal>,
    /// Original NIH grades 0–3.
    pub endocapillary_proliferation_grade: Option<u8>,
    pub leukocyte_infiltration_grade: Option<u8>,
    pub subendothelial_hyaline_deposits_grade: Option<u8>,
    pub fibrinoid_necrosis_karyorrhexis_grade: Option<u8>,
    pub cellular_crescents_grade: Option<u8>,
    pub interstitial_inflammation_grade: Option<u8>,
    pub glomerular_sclerosis_grade: Option<u8>,
    pub fibrous_crescents_grade: Option<u8>,
    pub tubular_atrophy_grade: Option<u8>,
    pub interstitial_fibrosis_grade: Option<u8>,
    /// The pathologist's ISN/RPS class, e.g. "III", "IV + V", "IV-G (A/C)" (2003 notation
    /// accepted for historical records).
    pub isn_rps_class: Option<String>,
    /// % of glomeruli with active or inactive endo- and/or extracapillary GN (0–100).
    pub glomeruli_involved_pct: Option<Decimal>,
    /// % of glomeruli globally sclerosed (0–100).
    pub glomeruli_globally_sclerosed_pct: Option<Decimal>,
    /// Number of glomeruli in the sample (0–1000).
    pub glomeruli_sampled: Option<u16>,
}

/// One component's contribution.
#[derive(Debug, Serialize, JsonSchema)]
pub struct ComponentOutput {
    /// 0–3, null when not scored.
    pub grade: Option<u8>,
    pub weight: u8,
    /// grade × weight, null when not scored.
    pub points: Option<u8>,
    pub max_points: u8,
}

/// The indices and the class check.
#[derive(Debug, Serialize, JsonSchema)]
pub struct NihIndicesOutput {
    pub index_version: IndexVersion,
    /// 0–24; null unless every activity component was scored.
    pub activity_index: Option<u8>,
    pub activity_index_lower: u8,
    pub activity_index_upper: u8,
    /// 0–12; null unless every chronicity component was scored.
    pub chronicity_index: Option<u8>,
    pub chronicity_index_lower: u8,
    pub chronicity_index_upper: u8,
    /// Per component, by its name under `index_version`.
    pub components: BTreeMap<String, ComponentOutput>,
    /// The class in canonical notation, when given.
    pub isn_rps_class: Option<String>,
    /// The class the light-microscopy findings point to (III / IV / VI), when they decide it.
    pub suggested_class: Option<LnClass>,
    /// Consistency warnings (never blocking).
    pub class_warnings: Vec<ClassWarning>,
    /// complete | incomplete.
    pub status: &'static str,
    /// Components not scored.
    pub missing: Vec<String>,
}

fn extent(field: &'static str, v: Option<Decimal>) -> Result<Option<Extent>, InputError> {
    v.map(|v| Extent::parse(field, v)).transpose()
}

fn grade(field: &'static str, v: Option<u8>) -> Result<Option<Grade>, InputError> {
    v.map(|v| Grade::parse(field, v)).transpose()
}

/// Refuses a field that belongs to the other index version.
fn refuse_other_version<T: ToString>(
    fields: &[(&'static str, Option<T>)],
    version: IndexVersion,
) -> Result<(), InputError> {
    match fields.iter().find(|(_, v)| v.is_some()) {
        Some((name, Some(v))) => Err(InputError::new(
            *name,
            v.to_string(),
            match version {
                IndexVersion::ModifiedNih2018 => {
                    "original NIH grades need index_version \"original_nih\""
                }
                IndexVersion::OriginalNih => {
                    "% extents belong to the modified NIH indices; original NIH takes <component>_grade"
                }
            },
        )),
        _ => Ok(()),
    }
}

fn graded_input(i: &NihIndicesInput, version: IndexVersion) -> Result<NihInput, InputError> {
    let pct = [
        (
            "endocapillary_hypercellularity_pct",
            i.endocapillary_hypercellularity_pct,
        ),
        (
            "neutrophils_karyorrhexis_pct",
            i.neutrophils_karyorrhexis_pct,
        ),
        ("fibrinoid_necrosis_pct", i.fibrinoid_necrosis_pct),
        ("hyaline_deposits_pct", i.hyaline_deposits_pct),
        (
            "cellular_fibrocellular_crescents_pct",
            i.cellular_fibrocellular_crescents_pct,
        ),
        (
            "interstitial_inflammation_pct",
            i.interstitial_inflammation_pct,
        ),
        ("glomerulosclerosis_pct", i.glomerulosclerosis_pct),
        ("fibrous_crescents_pct", i.fibrous_crescents_pct),
        ("tubular_atrophy_pct", i.tubular_atrophy_pct),
        ("interstitial_fibrosis_pct", i.interstitial_fibrosis_pct),
    ];
    let grades = [
        (
            "endocapillary_proliferation_grade",
            i.endocapillary_proliferation_grade,
        ),
        (
            "leukocyte_infiltration_grade",
            i.leukocyte_infiltration_grade,
        ),
        (
            "fibrinoid_necrosis_karyorrhexis_grade",
            i.fibrinoid_necrosis_karyorrhexis_grade,
        ),
        (
            "subendothelial_hyaline_deposits_grade",
            i.subendothelial_hyaline_deposits_grade,
        ),
        ("cellular_crescents_grade", i.cellular_crescents_grade),
        (
            "interstitial_inflammation_grade",
            i.interstitial_inflammation_grade,
        ),
        ("glomerular_sclerosis_grade", i.glomerular_sclerosis_grade),
        ("fibrous_crescents_grade", i.fibrous_crescents_grade),
        ("tubular_atrophy_grade", i.tubular_atrophy_grade),
        ("interstitial_fibrosis_grade", i.interstitial_fibrosis_grade),
    ];
    let mut all: [Option<Grade>; 10] = [None; 10];
    match version {
        IndexVersion::ModifiedNih2018 => {
            refuse_other_version(&grades, version)?;
            for (slot, (field, v)) in all.iter_mut().zip(pct) {
                *slot = extent(field, v)?.map(Extent::grade);
            }
        }
        IndexVersion::OriginalNih => {
            refuse_other_version(&pct, version)?;
            for (slot, (field, v)) in all.iter_mut().zip(grades) {
                *slot = grade(field, v)?;
            }
        }
    }
    Ok(NihInput {
        version,
        activity: std::array::from_fn(|k| all[k]),
        chronicity: std::array::from_fn(|k| all[6 + k]),
    })
}

fn component(s: &ComponentScore) -> ComponentOutput {
    ComponentOutput {
        grade: s.grade.map(Grade::value),
        weight: s.weight,
        points: s.points,
        max_points: s.max_points,
    }
}

/// An active lesion is known present when the activity lower bound is > 0, known absent when
/// the complete activity index is 0.
fn active_lesions(activity: &IndexScore) -> Option<bool> {
    if activity.lower > 0 {
        Some(true)
    } else {
        activity.value.map(|_| false)
    }
}

fn run(input: NihIndicesInput, _config: &MeasureConfig) -> Result<NihIndicesOutput, InputError> {
    let version = input.index_version.unwrap_or_default();
    let scored: NihIndices = nih_indices::score(&graded_input(&input, version)?);
    let class = input
        .isn_rps_class
        .as_deref()
        .map(|text| IsnRpsClass::parse("isn_rps_class", text))
        .transpose()?;
    if let Some(n) = input.glomeruli_sampled.filter(|n| *n > 1000) {
        return Err(InputError::new(
            "glomeruli_sampled",
            n,
            "must be between 0 and 1000",
        ));
    }
    let findings = BiopsyFindings {
        glomeruli_involved: extent("glomeruli_involved_pct", input.glomeruli_involved_pct)?,
        glomeruli_globally_sclerosed: extent(
            "glomeruli_globally_sclerosed_pct",
            input.glomeruli_globally_sclerosed_pct,
        )?,
        active_lesions: active_lesions(&scored.activity),
        glomeruli_sampled: input.glomeruli_sampled,
    };
    let components = scored
        .activity_components
        .iter()
        .map(|(c, s)| (nih_indices::activity_name(*c, version), component(s)))
        .chain(
            scored
                .chronicity_components
                .iter()
                .map(|(c, s)| (nih_indices::chronicity_name(*c, version), component(s))),
        )
        .map(|(name, out)| (name.to_owned(), out))
        .collect();
    Ok(NihIndicesOutput {
        index_version: version,
        activity_index: scored.activity.value,
        activity_index_lower: scored.activity.lower,
        activity_index_upper: scored.activity.upper,
        chronicity_index: scored.chronicity.value,
        chronicity_index_lower: scored.chronicity.lower,
        chronicity_index_upper: scored.chronicity.upper,
        components,
        isn_rps_class: class.map(|c| c.to_string()),
        suggested_class: isn_rps_class::class_suggested_by(&findings),
        class_warnings: class
            .map(|c| isn_rps_class::validate(&c, &findings))
            .unwrap_or_default(),
        status: scored.status.code(),
        missing: scored.status.missing().to_vec(),
    })
}

/// `sledger score nih-indices`.
pub static MEASURE: Typed<NihIndicesInput, NihIndicesOutput> = Typed::new(
    "nih-indices",
    "Modified (or original) NIH activity 0–24 and chronicity 0–12 indices of a lupus nephritis biopsy, with ISN/RPS class checks",
    "renal.md §5",
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

    #[test]
    fn i1_and_i2_complete_biopsy() {
        let out = score(json!({
            "endocapillary_hypercellularity_pct": 30, "neutrophils_karyorrhexis_pct": 10,
            "fibrinoid_necrosis_pct": 10, "hyaline_deposits_pct": 0,
            "cellular_fibrocellular_crescents_pct": 20, "interstitial_inflammation_pct": 30,
            "glomerulosclerosis_pct": 15, "fibrous_crescents_pct": 0,
            "tubular_atrophy_pct": 30, "interstitial_fibrosis_pct": 55,
            "isn_rps_class": "iv + v", "glomeruli_involved_pct": 60
        }))
        .expect("valid input");
        assert_eq!(out["activity_index"], json!(9), "I1");
        assert_eq!(out["chronicity_index"], json!(6), "I2");
        assert_eq!(out["index_version"], json!("modified_nih_2018"));
        assert_eq!(out["components"]["fibrinoid_necrosis"]["points"], json!(2));
        assert_eq!(out["isn_rps_class"], json!("IV + V"));
        assert_eq!(out["suggested_class"], json!("IV"));
        assert_eq!(out["class_warnings"], json!([]));
        assert_eq!(out["status"], json!("complete"));
        assert_eq!(out["missing"], json!([]));
    }

    #[test]
    fn missing_components_give_bounds() {
        let out =
            score(json!({"endocapillary_hypercellularity_pct": 30, "tubular_atrophy_pct": 30.5}))
                .expect("valid input");
        assert_eq!(out["status"], json!("incomplete"));
        assert_eq!(out["activity_index"], json!(null));
        assert_eq!(out["activity_index_lower"], json!(2));
        assert_eq!(out["activity_index_upper"], json!(2 + 3 + 6 + 3 + 6 + 3));
        assert_eq!(out["chronicity_index_lower"], json!(2));
        assert_eq!(out["chronicity_index_upper"], json!(11));
        assert_eq!(out["missing"].as_array().map(Vec::len), Some(8));
    }

    #[test]
    fn i5_class_warning() {
        let out = score(json!({"isn_rps_class": "III", "glomeruli_involved_pct": 50}))
            .expect("valid input");
        assert_eq!(
            out["class_warnings"],
            json!(["class_iii_involvement_at_least_50"]),
            "I5"
        );
        assert_eq!(out["suggested_class"], json!("IV"));
    }

    #[test]
    fn original_nih_takes_grades() {
        let out = score(json!({"index_version": "original_nih",
            "endocapillary_proliferation_grade": 3, "leukocyte_infiltration_grade": 3,
            "subendothelial_hyaline_deposits_grade": 3, "fibrinoid_necrosis_karyorrhexis_grade": 3,
            "cellular_crescents_grade": 3, "interstitial_inflammation_grade": 3}))
        .expect("valid input");
        assert_eq!(out["activity_index"], json!(24));
        assert_eq!(out["index_version"], json!("original_nih"));
        assert_eq!(out["components"]["cellular_crescents"]["weight"], json!(2));
    }

    #[test]
    fn bad_inputs_name_the_field() {
        assert_eq!(
            score(json!({"tubular_atrophy_pct": 100.5}))
                .expect_err("input is refused")
                .field,
            "tubular_atrophy_pct"
        );
        assert_eq!(
            score(json!({"fibrous_crescents_pct": -1}))
                .expect_err("input is refused")
                .field,
            "fibrous_crescents_pct"
        );
        assert_eq!(
            score(json!({"cellular_crescents_grade": 2}))
                .expect_err("input is refused")
                .field,
            "cellular_crescents_grade"
        );
        assert_eq!(
            score(json!({"index_version": "original_nih", "glomerulosclerosis_pct": 20}))
                .expect_err("input is refused")
                .field,
            "glomerulosclerosis_pct"
        );
        assert_eq!(
            score(json!({"index_version": "original_nih", "tubular_atrophy_grade": 4}))
                .expect_err("input is refused")
                .field,
            "tubular_atrophy_grade"
        );
        assert_eq!(
            score(json!({"isn_rps_class": "VII"}))
                .expect_err("input is refused")
                .field,
            "isn_rps_class"
        );
        assert_eq!(
            score(json!({"index_version": "nih_2020"}))
                .expect_err("input is refused")
                .field,
            "index_version"
        );
        assert_eq!(
            score(json!({"crescents_pct": 10}))
                .expect_err("input is refused")
                .field,
            "crescents_pct"
        );
    }
}

//! `sledger score eular-acr-2019`: the 2019 EULAR/ACR classification criteria for SLE from the
//! lifetime findings of sle-activity §9.7 (sle-activity §6).

use std::collections::BTreeMap;

use jiff::civil::Date;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use sledger_core::measures::eular_acr_2019::{
    self, AnaMethod, AnaTitre, Criterion, Domain, DomainPoints, EularAcrInput, Finding,
};
use sledger_core::{InputError, MeasureConfig, Tri};

use crate::measure::Typed;

/// Lifetime findings: each `true` (met, attributed to SLE), `false` (not met) or null/absent
/// (not recorded — never read as "not met").
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EularAcr2019Input {
    /// Temperature > 38.3 °C (2, constitutional). Ever; null or absent = not recorded.
    pub eular_fever: Option<bool>,
    /// When `eular_fever` was first observed (echoed, not scored).
    pub eular_fever_first_observed_date: Option<Date>,
    /// WBC < 4.0 × 10⁹/L (3, hematologic). Ever; null or absent = not recorded.
    pub eular_leukopenia: Option<bool>,
    /// When `eular_leukopenia` was first observed (echoed, not scored).
    pub eular_leukopenia_first_observed_date: Option<Date>,
    /// Platelets < 100 × 10⁹/L (4, hematologic). Ever; null or absent = not recorded.
    pub eular_thrombocytopenia: Option<bool>,
    /// When `eular_thrombocytopenia` was first observed (echoed, not scored).
    pub eular_thrombocytopenia_first_observed_date: Option<Date>,
    /// Haemolysis with a positive direct antiglobulin test (4, hematologic). Ever; null or absent = not recorded.
    pub eular_autoimmune_hemolysis: Option<bool>,
    /// When `eular_autoimmune_hemolysis` was first observed (echoed, not scored).
    pub eular_autoimmune_hemolysis_first_observed_date: Option<Date>,
    /// Delirium (2, neuropsychiatric). Ever; null or absent = not recorded.
    pub eular_delirium: Option<bool>,
    /// When `eular_delirium` was first observed (echoed, not scored).
    pub eular_delirium_first_observed_date: Option<Date>,
    /// Psychosis without delirium (3, neuropsychiatric). Ever; null or absent = not recorded.
    pub eular_psychosis: Option<bool>,
    /// When `eular_psychosis` was first observed (echoed, not scored).
    pub eular_psychosis_first_observed_date: Option<Date>,
    /// Generalised or partial/focal seizure (5, neuropsychiatric). Ever; null or absent = not recorded.
    pub eular_seizure: Option<bool>,
    /// When `eular_seizure` was first observed (echoed, not scored).
    pub eular_seizure_first_observed_date: Option<Date>,
    /// Non-scarring alopecia observed by a clinician (2, mucocutaneous). Ever; null or absent = not recorded.
    pub eular_non_scarring_alopecia: Option<bool>,
    /// When `eular_non_scarring_alopecia` was first observed (echoed, not scored).
    pub eular_non_scarring_alopecia_first_observed_date: Option<Date>,
    /// Oral ulcers observed by a clinician (2, mucocutaneous). Ever; null or absent = not recorded.
    pub eular_oral_ulcers: Option<bool>,
    /// When `eular_oral_ulcers` was first observed (echoed, not scored).
    pub eular_oral_ulcers_first_observed_date: Option<Date>,
    /// Subacute cutaneous or discoid lupus (4, mucocutaneous). Ever; null or absent = not recorded.
    pub eular_scle_or_dle: Option<bool>,
    /// When `eular_scle_or_dle` was first observed (echoed, not scored).
    pub eular_scle_or_dle_first_observed_date: Option<Date>,
    /// Acute cutaneous lupus (6, mucocutaneous). Ever; null or absent = not recorded.
    pub eular_acle: Option<bool>,
    /// When `eular_acle` was first observed (echoed, not scored).
    pub eular_acle_first_observed_date: Option<Date>,
    /// Pleural or pericardial effusion on imaging (5, serosal). Ever; null or absent = not recorded.
    pub eular_pleural_or_pericardial_effusion: Option<bool>,
    /// When `eular_pleural_or_pericardial_effusion` was first observed (echoed, not scored).
    pub eular_pleural_or_pericardial_effusion_first_observed_date: Option<Date>,
    /// Acute pericarditis, ≥ 2 of 4 features (6, serosal). Ever; null or absent = not recorded.
    pub eular_acute_pericarditis: Option<bool>,
    /// When `eular_acute_pericarditis` was first observed (echoed, not scored).
    pub eular_acute_pericarditis_first_observed_date: Option<Date>,
    /// Synovitis in ≥ 2 joints, or tenderness in ≥ 2 joints with ≥ 30 min morning stiffness (6, musculoskeletal). Ever; null or absent = not recorded.
    pub eular_joint_involvement: Option<bool>,
    /// When `eular_joint_involvement` was first observed (echoed, not scored).
    pub eular_joint_involvement_first_observed_date: Option<Date>,
    /// Proteinuria > 0.5 g/24 h or equivalent UPCR (4, renal). Ever; null or absent = not recorded.
    pub eular_proteinuria: Option<bool>,
    /// When `eular_proteinuria` was first observed (echoed, not scored).
    pub eular_proteinuria_first_observed_date: Option<Date>,
    /// Biopsy: ISN/RPS class II or V lupus nephritis (8, renal). Ever; null or absent = not recorded.
    pub eular_ln_class_ii_or_v: Option<bool>,
    /// When `eular_ln_class_ii_or_v` was first observed (echoed, not scored).
    pub eular_ln_class_ii_or_v_first_observed_date: Option<Date>,
    /// Biopsy: ISN/RPS class III or IV lupus nephritis (10, renal). Ever; null or absent = not recorded.
    pub eular_ln_class_iii_or_iv: Option<bool>,
    /// When `eular_ln_class_iii_or_iv` was first observed (echoed, not scored).
    pub eular_ln_class_iii_or_iv_first_observed_date: Option<Date>,
    /// Anticardiolipin > 40 units or > 99th percentile, anti-β2GP1, or lupus anticoagulant (2, antiphospholipid). Ever; null or absent = not recorded.
    pub eular_apl_positive: Option<bool>,
    /// When `eular_apl_positive` was first observed (echoed, not scored).
    pub eular_apl_positive_first_observed_date: Option<Date>,
    /// C3 below the LLN (complement: 3, or 4 with low C4). Ever; null or absent = not recorded.
    pub eular_low_c3: Option<bool>,
    /// When `eular_low_c3` was first observed (echoed, not scored).
    pub eular_low_c3_first_observed_date: Option<Date>,
    /// C4 below the LLN (complement: 3, or 4 with low C3). Ever; null or absent = not recorded.
    pub eular_low_c4: Option<bool>,
    /// When `eular_low_c4` was first observed (echoed, not scored).
    pub eular_low_c4_first_observed_date: Option<Date>,
    /// Anti-dsDNA in an assay with ≥ 90 % specificity for SLE (6, SLE-specific antibodies). Ever; null or absent = not recorded.
    pub eular_anti_dsdna_90spec: Option<bool>,
    /// When `eular_anti_dsdna_90spec` was first observed (echoed, not scored).
    pub eular_anti_dsdna_90spec_first_observed_date: Option<Date>,
    /// Anti-Smith antibody (6, SLE-specific antibodies). Ever; null or absent = not recorded.
    pub eular_anti_sm: Option<bool>,
    /// When `eular_anti_sm` was first observed (echoed, not scored).
    pub eular_anti_sm_first_observed_date: Option<Date>,
    /// Low C3 and low C4 were found on the same sample (needed for 4 points when the
    /// configuration `eular_low_c3_and_c4_require_same_sample` is true, the default).
    pub eular_low_c3_and_c4_same_sample: Option<bool>,
    /// Highest ANA titre ever, as the denominator (1:160 → 160; 0 = negative).
    pub ana_titre_denominator_max: Option<u32>,
    /// ANA method: hep2_iif, solid_phase_equivalent, other.
    pub ana_method: Option<AnaMethod>,
}

impl EularAcr2019Input {
    /// Each finding with its recorded value and first-observed date, in §9.7 order.
    fn findings(&self) -> [(Finding, Option<bool>, Option<Date>); 22] {
        [
            (
                Finding::Fever,
                self.eular_fever,
                self.eular_fever_first_observed_date,
            ),
            (
                Finding::Leukopenia,
                self.eular_leukopenia,
                self.eular_leukopenia_first_observed_date,
            ),
            (
                Finding::Thrombocytopenia,
                self.eular_thrombocytopenia,
                self.eular_thrombocytopenia_first_observed_date,
            ),
            (
                Finding::AutoimmuneHemolysis,
                self.eular_autoimmune_hemolysis,
                self.eular_autoimmune_hemolysis_first_observed_date,
            ),
            (
                Finding::Delirium,
                self.eular_delirium,
                self.eular_delirium_first_observed_date,
            ),
            (
                Finding::Psychosis,
                self.eular_psychosis,
                self.eular_psychosis_first_observed_date,
            ),
            (
                Finding::Seizure,
                self.eular_seizure,
                self.eular_seizure_first_observed_date,
            ),
            (
                Finding::NonScarringAlopecia,
                self.eular_non_scarring_alopecia,
                self.eular_non_scarring_alopecia_first_observed_date,
            ),
            (
                Finding::OralUlcers,
                self.eular_oral_ulcers,
                self.eular_oral_ulcers_first_observed_date,
            ),
            (
                Finding::ScleOrDle,
                self.eular_scle_or_dle,
                self.eular_scle_or_dle_first_observed_date,
            ),
            (
                Finding::Acle,
                self.eular_acle,
                self.eular_acle_first_observed_date,
            ),
            (
                Finding::PleuralOrPericardialEffusion,
                self.eular_pleural_or_pericardial_effusion,
                self.eular_pleural_or_pericardial_effusion_first_observed_date,
            ),
            (
                Finding::AcutePericarditis,
                self.eular_acute_pericarditis,
                self.eular_acute_pericarditis_first_observed_date,
            ),
            (
                Finding::JointInvolvement,
                self.eular_joint_involvement,
                self.eular_joint_involvement_first_observed_date,
            ),
            (
                Finding::Proteinuria,
                self.eular_proteinuria,
                self.eular_proteinuria_first_observed_date,
            ),
            (
                Finding::LnClassIiOrV,
                self.eular_ln_class_ii_or_v,
                self.eular_ln_class_ii_or_v_first_observed_date,
            ),
            (
                Finding::LnClassIiiOrIv,
                self.eular_ln_class_iii_or_iv,
                self.eular_ln_class_iii_or_iv_first_observed_date,
            ),
            (
                Finding::AplPositive,
                self.eular_apl_positive,
                self.eular_apl_positive_first_observed_date,
            ),
            (
                Finding::LowC3,
                self.eular_low_c3,
                self.eular_low_c3_first_observed_date,
            ),
            (
                Finding::LowC4,
                self.eular_low_c4,
                self.eular_low_c4_first_observed_date,
            ),
            (
                Finding::AntiDsdna90Spec,
                self.eular_anti_dsdna_90spec,
                self.eular_anti_dsdna_90spec_first_observed_date,
            ),
            (
                Finding::AntiSm,
                self.eular_anti_sm,
                self.eular_anti_sm_first_observed_date,
            ),
        ]
    }
}

/// Points per domain (sle-activity §6.2), keyed by domain.
#[derive(Debug, Serialize, JsonSchema)]
pub struct PerDomain<T> {
    pub constitutional: T,
    pub hematologic: T,
    pub neuropsychiatric: T,
    pub mucocutaneous: T,
    pub serosal: T,
    pub musculoskeletal: T,
    pub renal: T,
    pub antiphospholipid: T,
    pub complement: T,
    pub sle_specific_antibodies: T,
}

impl<T> PerDomain<T> {
    fn from_points(points: &[DomainPoints; 10], value: impl Fn(&DomainPoints) -> T) -> Self {
        let of = |domain: Domain| {
            let p = points
                .iter()
                .find(|p| p.domain == domain)
                .expect("the classification reports every domain");
            value(p)
        };
        PerDomain {
            constitutional: of(Domain::Constitutional),
            hematologic: of(Domain::Hematologic),
            neuropsychiatric: of(Domain::Neuropsychiatric),
            mucocutaneous: of(Domain::Mucocutaneous),
            serosal: of(Domain::Serosal),
            musculoskeletal: of(Domain::Musculoskeletal),
            renal: of(Domain::Renal),
            antiphospholipid: of(Domain::Antiphospholipid),
            complement: of(Domain::Complement),
            sle_specific_antibodies: of(Domain::SleSpecificAntibodies),
        }
    }
}

/// The classification (sle-activity §6.3, §10).
#[derive(Debug, Serialize, JsonSchema)]
pub struct EularAcr2019Output {
    /// ANA ≥ 1:80 on HEp-2 cells or an equivalent test, ever (null when not decided).
    pub entry_met: Option<bool>,
    /// Total points, 0–51, computed even when the entry criterion fails; null unless exact.
    pub total: Option<u8>,
    /// Lower bound of the total (unrecorded findings not met).
    pub total_lower: u8,
    /// Upper bound of the total (unrecorded findings met).
    pub total_upper: u8,
    /// At least one clinical domain scores (null when not decided).
    pub has_clinical: Option<bool>,
    /// entry_met && has_clinical && total ≥ 10; null only when unrecorded findings could
    /// flip it.
    pub classified: Option<bool>,
    /// Points per domain: the highest weight met; null when not decided.
    pub domain_points: PerDomain<Option<u8>>,
    /// Lower bounds of the domain points.
    pub domain_points_lower: PerDomain<u8>,
    /// Upper bounds of the domain points.
    pub domain_points_upper: PerDomain<u8>,
    /// Every criterion met, counted or not.
    pub criteria_met: Vec<Criterion>,
    /// The `<finding>_first_observed_date` values given, echoed by finding name.
    pub first_observed_dates: BTreeMap<String, Date>,
    /// complete | incomplete | not_evaluable.
    pub status: &'static str,
    /// Unrecorded inputs that leave the total, the entry or the classification open.
    pub missing: Vec<String>,
}

/// `sledger score eular-acr-2019`.
pub static MEASURE: Typed<EularAcr2019Input, EularAcr2019Output> = Typed::new(
    "eular-acr-2019",
    "2019 EULAR/ACR classification criteria for SLE: entry, domain points, total, classified",
    "sle-activity.md §6",
    run,
);

/// Converts the findings to three-valued inputs (null = not recorded), classifies
/// (sle-activity §6.3) and shapes the result.
fn run(input: EularAcr2019Input, config: &MeasureConfig) -> Result<EularAcr2019Output, InputError> {
    let mut core = EularAcrInput::default();
    let mut first_observed_dates = BTreeMap::new();
    for (finding, value, date) in input.findings() {
        core.record(finding, Tri::from_option(value));
        if let Some(date) = date {
            first_observed_dates.insert(
                format!("{}_first_observed_date", finding.field_name()),
                date,
            );
        }
    }
    core.low_c3_and_c4_same_sample = Tri::from_option(input.eular_low_c3_and_c4_same_sample);
    core.ana_titre_max = input
        .ana_titre_denominator_max
        .map(AnaTitre::from_denominator)
        .transpose()?;
    core.ana_method = input.ana_method;
    let r = eular_acr_2019::classify(&core, config);
    Ok(EularAcr2019Output {
        entry_met: r.entry_met.known(),
        total: r.total(),
        total_lower: r.total_lower,
        total_upper: r.total_upper,
        has_clinical: r.has_clinical.known(),
        classified: r.classified.known(),
        domain_points: PerDomain::from_points(&r.domain_points, DomainPoints::exact),
        domain_points_lower: PerDomain::from_points(&r.domain_points, |p| p.lower),
        domain_points_upper: PerDomain::from_points(&r.domain_points, |p| p.upper),
        criteria_met: r.criteria_met,
        first_observed_dates,
        status: r.status.code(),
        missing: r.status.missing().to_vec(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::measure::{Context, Measure};
    use serde_json::{Value, json};

    fn score_with(input: Value, config: &MeasureConfig) -> Result<Value, crate::FieldError> {
        MEASURE.score(&input, &Context { config })
    }

    fn score(input: Value) -> Result<Value, crate::FieldError> {
        score_with(input, &MeasureConfig::default())
    }

    /// E2-like input with every other finding recorded as not met.
    fn all_false() -> Value {
        let mut input = serde_json::Map::new();
        for finding in Finding::ALL {
            input.insert(finding.field_name().to_owned(), json!(false));
        }
        input.insert("eular_low_c3_and_c4_same_sample".into(), json!(false));
        input.insert("ana_method".into(), json!("hep2_iif"));
        Value::Object(input)
    }

    #[test]
    fn e2_classified() {
        let mut input = all_false();
        input["ana_titre_denominator_max"] = json!(160);
        input["eular_joint_involvement"] = json!(true);
        input["eular_anti_dsdna_90spec"] = json!(true);
        input["eular_joint_involvement_first_observed_date"] = json!("2019-05-02");
        let out = score(input).expect("valid input");
        assert_eq!(out["total"], json!(12), "E2");
        assert_eq!(out["classified"], json!(true), "E2");
        assert_eq!(out["entry_met"], json!(true));
        assert_eq!(out["has_clinical"], json!(true));
        assert_eq!(out["domain_points"]["musculoskeletal"], json!(6));
        assert_eq!(out["domain_points"]["sle_specific_antibodies"], json!(6));
        assert_eq!(out["domain_points"]["renal"], json!(0));
        assert_eq!(
            out["criteria_met"],
            json!(["joint_involvement", "anti_dsdna_or_anti_sm"])
        );
        assert_eq!(
            out["first_observed_dates"],
            json!({"eular_joint_involvement_first_observed_date": "2019-05-02"})
        );
        assert_eq!(out["status"], json!("complete"));
        assert_eq!(out["missing"], json!([]));
    }

    /// Low C3 and low C4: the same-sample observation and the configuration (erratum 9).
    #[test]
    fn low_complement_same_sample_rule() {
        let mut input = all_false();
        input["ana_titre_denominator_max"] = json!(80);
        input["eular_anti_dsdna_90spec"] = json!(true);
        input["eular_low_c3"] = json!(true);
        input["eular_low_c4"] = json!(true);
        input["eular_joint_involvement"] = json!(true);
        let out = score(input.clone()).expect("valid input");
        assert_eq!(
            out["domain_points"]["complement"],
            json!(3),
            "different samples: 3"
        );
        let relaxed = MeasureConfig {
            eular_low_c3_and_c4_require_same_sample: false,
            ..MeasureConfig::default()
        };
        let out = score_with(input.clone(), &relaxed).expect("valid input");
        assert_eq!(
            out["domain_points"]["complement"],
            json!(4),
            "config off: 4"
        );
        input["eular_low_c3_and_c4_same_sample"] = Value::Null;
        let out = score(input).expect("valid input");
        assert_eq!(out["total"], Value::Null);
        assert_eq!(
            (out["total_lower"].clone(), out["total_upper"].clone()),
            (json!(15), json!(16))
        );
        assert_eq!(out["classified"], json!(true));
        assert_eq!(out["status"], json!("incomplete"));
        assert_eq!(out["missing"], json!(["eular_low_c3_and_c4_same_sample"]));
    }

    #[test]
    fn nothing_recorded_is_not_evaluable() {
        let out = score(json!({"ana_titre_denominator_max": 80})).expect("valid input");
        assert_eq!(out["classified"], Value::Null);
        assert_eq!(out["status"], json!("not_evaluable"));
        assert_eq!(out["total_lower"], json!(0));
        assert_eq!(out["total_upper"], json!(51));
        assert_eq!(out["missing"].as_array().map(Vec::len), Some(23));
    }

    #[test]
    fn e1_entry_not_met_still_scores() {
        let mut input = all_false();
        input["ana_titre_denominator_max"] = json!(40);
        input["eular_joint_involvement"] = json!(true);
        input["eular_anti_dsdna_90spec"] = json!(true);
        input["eular_ln_class_iii_or_iv"] = json!(true);
        let out = score(input).expect("valid input");
        assert_eq!(out["entry_met"], json!(false), "E1");
        assert_eq!(out["total"], json!(22), "E1 informational score");
        assert_eq!(out["classified"], json!(false), "E1");
    }

    #[test]
    fn bad_inputs_name_the_field() {
        let rows = [
            (
                "titre too high",
                json!({"ana_titre_denominator_max": 200000}),
                "ana_titre_denominator_max",
            ),
            (
                "negative titre",
                json!({"ana_titre_denominator_max": -80}),
                "ana_titre_denominator_max",
            ),
            (
                "unknown method",
                json!({"ana_method": "elisa"}),
                "ana_method",
            ),
            ("not a bool", json!({"eular_fever": "yes"}), "eular_fever"),
            (
                "unknown finding",
                json!({"eular_malar_rash": true}),
                "eular_malar_rash",
            ),
            (
                "bad date",
                json!({"eular_fever_first_observed_date": "2019-13-01"}),
                "eular_fever_first_observed_date",
            ),
        ];
        for (row, input, field) in rows {
            assert_eq!(score(input).expect_err(row).field, field, "{row}");
        }
    }
}

//! The shared input of the longitudinal measures (`flare`, `sri`, `lldas`, `doris`,
//! `course`): one patient's visits in date order, baseline first (sle-activity §0.3, §9.1,
//! §9.4, §9.5, README erratum 16).
//!
//! Each visit accepts exactly the SLEDAI-2K keys of `sledger score sledai-2k` (declared once in
//! [`with_sledai_fields`](crate::wire::sledai2k)) plus the per-visit fields below. Extra names
//! beyond the data dictionary, documented in `docs/measures/longitudinal.md`:
//! `immunosuppressant_started_or_increased_for_sle` (DORIS item 4, §5.3 step 4) and
//! `study_product_received` (LLDAS item 5 with
//! `study_product_counts_as_investigational_for_lldas`, §4.3 step 5).

use rust_decimal::Decimal;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use sledger_core::config::Immunosuppressant;
use sledger_core::dictionary::within;
use sledger_core::measures::course::{self, Visit, VisitResult, VisitType};
use sledger_core::measures::glucocorticoid::PrednisoneEquivalent;
use sledger_core::measures::pga::Pga;
use sledger_core::measures::sfi::{ChangeIndication, NewImmunosuppressant};
use sledger_core::measures::sri::BilagGrade;
use sledger_core::{InputError, MeasureConfig, Status, Tri};

use crate::wire::sledai2k::{window_config, with_sledai_fields};

/// A BILAG-2004 domain grade as entered (sle-activity §9.4: A–E or not_assessed).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
pub enum BilagInput {
    A,
    B,
    C,
    D,
    E,
    #[serde(rename = "not_assessed")]
    NotAssessed,
}

impl BilagInput {
    fn grade(self) -> Option<BilagGrade> {
        match self {
            BilagInput::A => Some(BilagGrade::A),
            BilagInput::B => Some(BilagGrade::B),
            BilagInput::C => Some(BilagGrade::C),
            BilagInput::D => Some(BilagGrade::D),
            BilagInput::E => Some(BilagGrade::E),
            BilagInput::NotAssessed => None,
        }
    }
}

/// `new_immunosuppressant_for_sle` (sle-activity §9.5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum NewImmunosuppressantInput {
    None,
    Cyclophosphamide,
    Azathioprine,
    Methotrexate,
    Mycophenolate,
    Other,
}

impl NewImmunosuppressantInput {
    fn domain(self) -> NewImmunosuppressant {
        use NewImmunosuppressantInput as N;
        let agent = match self {
            N::None => return NewImmunosuppressant::None,
            N::Cyclophosphamide => Immunosuppressant::Cyclophosphamide,
            N::Azathioprine => Immunosuppressant::Azathioprine,
            N::Methotrexate => Immunosuppressant::Methotrexate,
            N::Mycophenolate => Immunosuppressant::Mycophenolate,
            N::Other => Immunosuppressant::Other,
        };
        NewImmunosuppressant::Started(agent)
    }
}

with_sledai_fields! {
    /// One visit: the SLEDAI-2K inputs plus the longitudinal fields (sle-activity §9.1, §9.4,
    /// §9.5; README erratum 16). Absent or null = not recorded, never "no".
    #[derive(Debug, Deserialize, JsonSchema)]
    #[serde(deny_unknown_fields)]
    pub struct VisitInput {
        pub visit_id: Option<String>,
        /// baseline, m1, m3, m6, m9, m12, unscheduled; `baseline` only at `visits[0]`.
        pub visit_type: Option<VisitType>,
        /// kg, 20–250 (SFI dose per kg; carried forward up to 90 days).
        pub body_weight_kg: Option<Decimal>,
        /// PGA in hundredths, 0–300.
        pub pga_hundredths: Option<u16>,
        /// Recorded, not scored (a rater change is flagged by the `pga` measure).
        pub pga_rater_id: Option<String>,
        /// Maintenance prednisone-equivalent dose, mg/day (sle-activity §8.4), pulses excluded.
        pub prednisone_mg_per_day: Option<Decimal>,
        /// A pulse (≥ 250 mg PE/day) within `pulse_lookback_days_for_states` before the visit.
        pub pulse_in_lookback: Option<bool>,
        /// An IV pulse for SLE activity since the previous visit (SFI SV3).
        pub pulse_since_previous_for_sle: Option<bool>,
        /// Why the prednisone dose changed since the previous visit.
        pub prednisone_change_indication: Option<ChangeIndication>,
        /// On hydroxychloroquine (recorded; not used by a rule).
        pub hcq: Option<bool>,
        pub bilag_constitutional: Option<crate::wire::visits::BilagInput>,
        pub bilag_mucocutaneous: Option<crate::wire::visits::BilagInput>,
        pub bilag_neuropsychiatric: Option<crate::wire::visits::BilagInput>,
        pub bilag_musculoskeletal: Option<crate::wire::visits::BilagInput>,
        pub bilag_cardiorespiratory: Option<crate::wire::visits::BilagInput>,
        pub bilag_gastrointestinal: Option<crate::wire::visits::BilagInput>,
        pub bilag_ophthalmic: Option<crate::wire::visits::BilagInput>,
        pub bilag_renal: Option<crate::wire::visits::BilagInput>,
        pub bilag_haematological: Option<crate::wire::visits::BilagInput>,
        pub hemolytic_anemia_active: Option<bool>,
        pub gi_lupus_activity: Option<bool>,
        pub on_investigational_drug: Option<bool>,
        /// Record `true` also when the patient takes no immunosuppressant (§4.4).
        pub immunosuppressant_regimen_standard_maintenance: Option<bool>,
        /// Record `true` also when the patient takes no immunosuppressant (§4.4).
        pub immunosuppressant_well_tolerated: Option<bool>,
        /// DORIS item 4 at a visit without a previous visit (README erratum 15); `false`
        /// makes item 4 FALSE at any visit.
        pub treatment_stable: Option<bool>,
        /// Forces SRI/mSRI non-response (sle-activity §3.2).
        pub treatment_failure: Option<bool>,
        pub hospitalised_for_sle: Option<bool>,
        pub sfi_mm_new_worse_discoid: Option<bool>,
        pub sfi_mm_new_worse_photosensitive: Option<bool>,
        pub sfi_mm_new_worse_profundus: Option<bool>,
        pub sfi_mm_new_worse_cutaneous_vasculitis: Option<bool>,
        pub sfi_mm_new_worse_bullous: Option<bool>,
        pub sfi_mm_new_worse_nasopharyngeal_ulcers: Option<bool>,
        pub sfi_mm_new_worse_pleuritis: Option<bool>,
        pub sfi_mm_new_worse_pericarditis: Option<bool>,
        pub sfi_mm_new_worse_arthritis: Option<bool>,
        pub sfi_mm_new_worse_fever: Option<bool>,
        pub sfi_sv_new_worse_cns: Option<bool>,
        pub sfi_sv_new_worse_vasculitis: Option<bool>,
        pub sfi_sv_new_worse_nephritis: Option<bool>,
        pub sfi_sv_new_worse_myositis: Option<bool>,
        pub sfi_sv_new_worse_platelets_lt_60: Option<bool>,
        /// Qualified by Hb < 7 g/dL or a fall > 3 g/dL (`hemoglobin_g_dl`, sle-activity §2.1).
        pub sfi_sv_new_worse_hemolytic_anemia: Option<bool>,
        pub nsaid_added_for_sle: Option<bool>,
        pub hcq_added_for_sle: Option<bool>,
        pub new_immunosuppressant_for_sle: Option<crate::wire::visits::NewImmunosuppressantInput>,
        /// g/dL, 2–25.
        pub hemoglobin_g_dl: Option<Decimal>,
        /// Extra (DORIS item 4, §5.3): an antimalarial, immunosuppressive or biologic started
        /// or increased for SLE activity since the previous visit.
        pub immunosuppressant_started_or_increased_for_sle: Option<bool>,
        /// Extra (LLDAS item 5, §4.3): the patient has received the study cell product.
        pub study_product_received: Option<bool>,
    }
}

/// One patient's visits (sle-activity §0.3): baseline first, dates ascending.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct VisitsInput {
    /// Pseudonymous study code (echoed).
    pub patient_id: Option<String>,
    pub visits: Option<Vec<VisitInput>>,
}

/// Prefixes a field with the visit's position.
fn at(i: usize, e: InputError) -> InputError {
    InputError {
        field: format!("visits[{i}].{}", e.field).into(),
        ..e
    }
}

fn ranged(
    field: &'static str,
    value: Option<Decimal>,
    min: i64,
    max: i64,
) -> Result<Option<Decimal>, InputError> {
    value
        .map(|v| within(field, v, Decimal::from(min), Decimal::from(max)))
        .transpose()
}

impl VisitInput {
    /// The domain visit, range-checked (sle-activity §9).
    fn visit(&self) -> Result<Visit, InputError> {
        let mut v = Visit::new(self.sledai_assessment()?);
        v.visit_type = self.visit_type;
        v.body_weight_kg = ranged("body_weight_kg", self.body_weight_kg, 20, 250)?;
        v.pga = self.pga_hundredths.map(Pga::from_hundredths).transpose()?;
        v.prednisone_mg_per_day = self
            .prednisone_mg_per_day
            .map(|mg| PrednisoneEquivalent::from_mg("prednisone_mg_per_day", mg))
            .transpose()?;
        v.pulse_in_lookback = self.pulse_in_lookback;
        v.pulse_since_previous_for_sle = self.pulse_since_previous_for_sle;
        v.prednisone_change_indication = self.prednisone_change_indication;
        v.hemoglobin_g_dl = ranged("hemoglobin_g_dl", self.hemoglobin_g_dl, 2, 25)?;
        v.sfi_mm2 = [
            self.sfi_mm_new_worse_discoid,
            self.sfi_mm_new_worse_photosensitive,
            self.sfi_mm_new_worse_profundus,
            self.sfi_mm_new_worse_cutaneous_vasculitis,
            self.sfi_mm_new_worse_bullous,
            self.sfi_mm_new_worse_nasopharyngeal_ulcers,
            self.sfi_mm_new_worse_pleuritis,
            self.sfi_mm_new_worse_pericarditis,
            self.sfi_mm_new_worse_arthritis,
            self.sfi_mm_new_worse_fever,
        ];
        v.sfi_sv2 = [
            self.sfi_sv_new_worse_cns,
            self.sfi_sv_new_worse_vasculitis,
            self.sfi_sv_new_worse_nephritis,
            self.sfi_sv_new_worse_myositis,
            self.sfi_sv_new_worse_platelets_lt_60,
            self.sfi_sv_new_worse_hemolytic_anemia,
        ];
        v.nsaid_added_for_sle = self.nsaid_added_for_sle;
        v.hcq_added_for_sle = self.hcq_added_for_sle;
        v.new_immunosuppressant_for_sle = self
            .new_immunosuppressant_for_sle
            .map(NewImmunosuppressantInput::domain);
        v.hospitalised_for_sle = self.hospitalised_for_sle;
        v.bilag = [
            self.bilag_constitutional,
            self.bilag_mucocutaneous,
            self.bilag_neuropsychiatric,
            self.bilag_musculoskeletal,
            self.bilag_cardiorespiratory,
            self.bilag_gastrointestinal,
            self.bilag_ophthalmic,
            self.bilag_renal,
            self.bilag_haematological,
        ]
        .map(|g| g.and_then(BilagInput::grade));
        v.hemolytic_anemia_active = self.hemolytic_anemia_active;
        v.gi_lupus_activity = self.gi_lupus_activity;
        v.on_investigational_drug = self.on_investigational_drug;
        v.immunosuppressant_regimen_standard_maintenance =
            self.immunosuppressant_regimen_standard_maintenance;
        v.immunosuppressant_well_tolerated = self.immunosuppressant_well_tolerated;
        v.immunosuppressant_started_or_increased_for_sle =
            self.immunosuppressant_started_or_increased_for_sle;
        v.study_product_received = self.study_product_received;
        v.treatment_stable = self.treatment_stable;
        v.treatment_failure = self.treatment_failure;
        Ok(v)
    }
}

/// The identity of a visit in every per-visit result.
#[derive(Debug, Serialize, JsonSchema)]
pub struct VisitHeader {
    pub visit_id: Option<String>,
    pub visit_date: jiff::civil::Date,
    pub visit_type: Option<VisitType>,
}

/// One visit's identity followed by one longitudinal measure's fields.
#[derive(Debug, Serialize, JsonSchema)]
pub struct PerVisit<T> {
    #[serde(flatten)]
    pub visit: VisitHeader,
    #[serde(flatten)]
    pub result: T,
}

/// The result of a longitudinal measure: one entry per input visit, in order.
#[derive(Debug, Serialize, JsonSchema)]
pub struct PerVisitOutput<T> {
    pub patient_id: Option<String>,
    pub visits: Vec<PerVisit<T>>,
}

/// Runs the course driver over `input` and shapes each visit's result with `shape`.
pub fn per_visit<T>(
    input: VisitsInput,
    config: &MeasureConfig,
    shape: impl Fn(&VisitResult, &MeasureConfig) -> T,
) -> Result<PerVisitOutput<T>, InputError> {
    let c = compute(input, config)?;
    Ok(PerVisitOutput {
        patient_id: c.patient_id,
        visits: c
            .headers
            .into_iter()
            .zip(&c.results)
            .map(|(visit, r)| PerVisit {
                visit,
                result: shape(r, &c.config),
            })
            .collect(),
    })
}

/// A computed course with the visits' identities.
#[derive(Debug)]
pub struct Computed {
    pub patient_id: Option<String>,
    pub headers: Vec<VisitHeader>,
    pub results: Vec<VisitResult>,
    pub config: MeasureConfig,
}

/// Converts the input and runs the course driver (sle-activity §0.3, §10).
pub fn compute(input: VisitsInput, config: &MeasureConfig) -> Result<Computed, InputError> {
    let visits = input.visits.ok_or_else(|| {
        InputError::new(
            "visits",
            "null",
            "required: the patient's visits, baseline first",
        )
    })?;
    if visits.is_empty() {
        return Err(InputError::new(
            "visits",
            "[]",
            "at least one visit (the baseline) is required",
        ));
    }
    // One look-back window for the whole course: the visits must agree.
    let window = visits.iter().find_map(|v| v.sledai_window_days);
    if let Some((i, v)) = visits
        .iter()
        .enumerate()
        .find(|(_, v)| v.sledai_window_days.is_some_and(|w| Some(w) != window))
    {
        return Err(at(
            i,
            InputError::new(
                "sledai_window_days",
                v.sledai_window_days.unwrap_or_default(),
                "every visit of a course must use the same look-back window",
            ),
        ));
    }
    let config = window_config(window, config)?;
    let domain = visits
        .iter()
        .enumerate()
        .map(|(i, v)| v.visit().map_err(|e| at(i, e)))
        .collect::<Result<Vec<_>, _>>()?;
    let results = course::course(&domain, &config)?;
    let headers = visits
        .into_iter()
        .zip(&domain)
        .map(|(v, d)| VisitHeader {
            visit_id: v.visit_id,
            visit_date: d.sledai.visit_date,
            visit_type: v.visit_type,
        })
        .collect();
    Ok(Computed {
        patient_id: input.patient_id,
        headers,
        results,
        config,
    })
}

/// `status`, `missing` and `reason` of a result (flattened from [`Status`]).
#[derive(Debug, Serialize, JsonSchema)]
pub struct StatusOut {
    /// complete | incomplete | not_evaluable | not_applicable.
    pub status: &'static str,
    /// Inputs whose absence left the result open (`visits[i]`-relative names; inputs of the
    /// comparator visit are prefixed `previous_visit.` or `baseline_visit.`).
    pub missing: Vec<String>,
    /// Stable code for not_applicable (and for SRI's `bilag_not_captured`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

impl StatusOut {
    /// From a core status, with an optional extra reason code.
    pub fn from_status(status: &Status, reason: Option<&str>) -> StatusOut {
        let reason = match status {
            Status::NotApplicable { reason } => Some(reason.clone()),
            _ => reason.map(str::to_owned),
        };
        StatusOut {
            status: status.code(),
            missing: status.missing().to_vec(),
            reason,
        }
    }
}

/// TRUE/FALSE/UNKNOWN as true/false/null.
pub fn known(t: Tri) -> Option<bool> {
    t.known()
}

/// What the longitudinal measures' tests share: the §10.1 worked example and scoring with the
/// spec's default configuration.
#[cfg(test)]
pub(crate) mod test_support {
    use serde_json::Value;
    use sledger_core::MeasureConfig;

    use crate::FieldError;
    use crate::measure::{Context, Measure};

    /// sle-activity §10.1 as input (`examples/course-10-1.json`).
    pub fn fixture() -> Value {
        serde_json::from_str(include_str!("../../../../examples/course-10-1.json"))
            .expect("the §10.1 fixture is JSON")
    }

    /// Scores `input` with the default configuration.
    pub fn score_with_defaults(measure: &dyn Measure, input: &Value) -> Result<Value, FieldError> {
        measure.score(
            input,
            &Context {
                config: &MeasureConfig::default(),
            },
        )
    }
}

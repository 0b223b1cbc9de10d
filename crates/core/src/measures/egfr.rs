//! Estimated glomerular filtration rate (renal.md §1): CKD-EPI 2021 creatinine (default for
//! adults), CKD-EPI 2009 (historical reproduction only), CKD-EPI 2021 creatinine–cystatin C,
//! bedside Schwartz and CKiD U25 for children, the equation choice of §1.6.1, the reported
//! integer (§0.2.1) and the KDIGO GFR category (§1.6.3).
//!
//! Equations are evaluated in f64 (renal.md §0.2.1); the reported eGFR is the raw value
//! rounded half away from zero to an integer, and every threshold (category, plausibility)
//! is compared exactly on integers or decimals.

use std::cmp::Ordering;
use std::sync::LazyLock;

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use serde::{Deserialize, Serialize};

use crate::sex::Sex;
use crate::units::creatinine::SerumCreatinine;
use crate::{InputError, Status};

// ---------------------------------------------------------------------------------------
// Inputs
// ---------------------------------------------------------------------------------------

/// Age in years as given (decimal allowed), 0–130.
///
/// The equations use completed years (renal.md §0.1 [DECISION]: floor of the exact age), see
/// [`AgeYears::completed_years`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AgeYears {
    years: Decimal,
}

impl AgeYears {
    /// Oldest age accepted, in years.
    pub const MAX: Decimal = Decimal::from_parts(130, 0, 0, false, 0);

    /// Parses an age in years; `field` names it in the error. Refused outside 0–130.
    pub fn from_years(field: &'static str, years: Decimal) -> Result<AgeYears, InputError> {
        if years < Decimal::ZERO || years > AgeYears::MAX {
            return Err(InputError::new(
                field,
                years,
                "must be between 0 and 130 years",
            ));
        }
        Ok(AgeYears { years })
    }

    /// A whole number of years (tests and columnar callers).
    pub fn from_completed_years(years: u8) -> Option<AgeYears> {
        AgeYears::from_years("age_years", Decimal::from(years)).ok()
    }

    /// The age as given.
    pub fn years(&self) -> Decimal {
        self.years
    }

    /// Completed years, the age every equation uses (renal.md §0.1 [DECISION]).
    pub fn completed_years(&self) -> u8 {
        self.years
            .floor()
            .to_u8()
            .expect("an age within 0–130 years floors to a u8")
    }
}

/// Serum cystatin C in mg/L, standardized to ERM-DA471/IFCC (renal.md §0.1, §1.4).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CystatinC {
    mg_l: Decimal,
    mg_l_f64: f64,
}

impl CystatinC {
    /// Highest cystatin C accepted, mg/L [DECISION]: the data dictionary gives no range;
    /// 20 mg/L is about twice the highest values seen in kidney failure.
    pub const MAX_MG_L: Decimal = Decimal::from_parts(20, 0, 0, false, 0);

    /// Parses a cystatin C in mg/L; `field` names it in the error. renal.md §1.4: Scys ≤ 0 is
    /// an error.
    pub fn from_mg_l(field: &'static str, mg_l: Decimal) -> Result<CystatinC, InputError> {
        if mg_l <= Decimal::ZERO {
            return Err(InputError::new(
                field,
                mg_l,
                "must be greater than 0 (renal.md §1.4)",
            ));
        }
        if mg_l > CystatinC::MAX_MG_L {
            return Err(InputError::new(
                field,
                mg_l,
                "must be at most 20 mg/L (plausibility limit)",
            ));
        }
        let mg_l_f64 = mg_l
            .to_f64()
            .expect("a cystatin C within 0–20 mg/L is a finite f64");
        Ok(CystatinC { mg_l, mg_l_f64 })
    }

    /// mg/L as given.
    pub fn mg_l(&self) -> Decimal {
        self.mg_l
    }
}

/// Body height in cm, for the pediatric equations (renal.md §0.1, §1.5).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HeightCm {
    cm: Decimal,
    cm_f64: f64,
}

impl HeightCm {
    /// Shortest height accepted, cm [DECISION: no dictionary range; below any child ≥ 1 year].
    pub const MIN_CM: Decimal = Decimal::from_parts(40, 0, 0, false, 0);
    /// Tallest height accepted, cm [DECISION].
    pub const MAX_CM: Decimal = Decimal::from_parts(250, 0, 0, false, 0);

    /// Parses a height in cm; `field` names it in the error. Refused outside 40–250 cm.
    pub fn from_cm(field: &'static str, cm: Decimal) -> Result<HeightCm, InputError> {
        if cm < HeightCm::MIN_CM || cm > HeightCm::MAX_CM {
            return Err(InputError::new(field, cm, "must be between 40 and 250 cm"));
        }
        let cm_f64 = cm
            .to_f64()
            .expect("a height within 40–250 cm is a finite f64");
        Ok(HeightCm { cm, cm_f64 })
    }

    /// cm as given.
    pub fn cm(&self) -> Decimal {
        self.cm
    }
}

/// The race term of CKD-EPI 2009, accepted only to reproduce historical values
/// (renal.md §1.3: it MUST NOT drive any new computation).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Race2009 {
    /// The 1.159 coefficient (per-group constants 163 / 166) applies.
    Black,
    /// No race coefficient (per-group constants 141 / 144).
    NotBlack,
}

/// The eGFR equations of renal.md §1, by their wire names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
pub enum EgfrEquation {
    /// CKD-EPI 2021 creatinine, race-free (renal.md §1.2; Inker 2021 NEJM). Default ≥ 18 y.
    #[serde(rename = "ckd_epi_2021")]
    CkdEpi2021Cr,
    /// CKD-EPI 2009 creatinine, multiplicative form (renal.md §1.3; Levey 2009). Historical.
    #[serde(rename = "ckd_epi_2009")]
    CkdEpi2009,
    /// CKD-EPI 2009 with per-group constants 141/144/163/166 (renal.md §1.3). Historical.
    #[serde(rename = "ckd_epi_2009_table")]
    CkdEpi2009Table,
    /// CKD-EPI 2021 creatinine–cystatin C (renal.md §1.4; Inker 2021 NEJM).
    #[serde(rename = "ckd_epi_2021_cr_cys")]
    CkdEpi2021CrCys,
    /// Bedside Schwartz 0.413 × height / Scr (renal.md §1.5; Schwartz 2009). Default < 18 y.
    #[serde(rename = "schwartz_bedside")]
    SchwartzBedside,
    /// CKiD U25 creatinine (renal.md §1.5; Pierce 2021 Kidney Int). Optional.
    #[serde(rename = "ckid_u25")]
    CkidU25,
}

impl EgfrEquation {
    /// The wire name.
    pub fn code(self) -> &'static str {
        match self {
            EgfrEquation::CkdEpi2021Cr => "ckd_epi_2021",
            EgfrEquation::CkdEpi2009 => "ckd_epi_2009",
            EgfrEquation::CkdEpi2009Table => "ckd_epi_2009_table",
            EgfrEquation::CkdEpi2021CrCys => "ckd_epi_2021_cr_cys",
            EgfrEquation::SchwartzBedside => "schwartz_bedside",
            EgfrEquation::CkidU25 => "ckid_u25",
        }
    }

    /// The equation renal.md §1.6.1 selects at a creatinine result: age < 18 → bedside
    /// Schwartz; age ≥ 18 → CKD-EPI 2021 creatinine.
    pub fn default_for(age: AgeYears) -> EgfrEquation {
        if age.completed_years() < ADULT_AGE {
            EgfrEquation::SchwartzBedside
        } else {
            EgfrEquation::CkdEpi2021Cr
        }
    }

    /// Whether the equation is one of the two CKD-EPI 2009 forms (the only ones that accept
    /// a race term, renal.md §1.3).
    pub fn is_ckd_epi_2009(self) -> bool {
        matches!(
            self,
            EgfrEquation::CkdEpi2009 | EgfrEquation::CkdEpi2009Table
        )
    }

    fn uses_sex(self) -> bool {
        // renal.md §0.3: bedside Schwartz does not use sex.
        self != EgfrEquation::SchwartzBedside
    }

    fn uses_cystatin_c(self) -> bool {
        self == EgfrEquation::CkdEpi2021CrCys
    }

    fn uses_height(self) -> bool {
        matches!(self, EgfrEquation::SchwartzBedside | EgfrEquation::CkidU25)
    }

    /// Why the equation is undefined at this age, if it is (renal.md §1.2, §1.5).
    fn not_applicable_at(self, completed_years: u8) -> Option<&'static str> {
        match self {
            // §1.2 "Age < 18 → do not compute (use §1.5)"; same for §1.3 and §1.4.
            EgfrEquation::CkdEpi2021Cr
            | EgfrEquation::CkdEpi2009
            | EgfrEquation::CkdEpi2009Table
            | EgfrEquation::CkdEpi2021CrCys => {
                (completed_years < ADULT_AGE).then_some(REASON_UNDER_18)
            }
            // §1.5 [DECISION]: not derived for infants.
            EgfrEquation::SchwartzBedside => (completed_years < 1).then_some(REASON_UNDER_1),
            // Pierce 2021: derived at ages 1 to 25 years (CKiD U25 code: "between 1 to 25").
            EgfrEquation::CkidU25 => {
                if completed_years < 1 {
                    Some(REASON_UNDER_1)
                } else if completed_years > 25 {
                    Some(REASON_OVER_25)
                } else {
                    None
                }
            }
        }
    }
}

/// Adult equations start at 18 completed years (renal.md §1.2, §1.6.1).
const ADULT_AGE: u8 = 18;

/// `not_applicable` reason: an adult equation below 18 years (renal.md §1.2).
pub const REASON_UNDER_18: &str = "age_under_18_use_schwartz_bedside";
/// `not_applicable` reason: a pediatric equation below 1 year (renal.md §1.5 [DECISION]).
pub const REASON_UNDER_1: &str = "age_under_1_year_not_derived";
/// `not_applicable` reason: CKiD U25 above 25 years (Pierce 2021).
pub const REASON_OVER_25: &str = "age_over_25_use_ckd_epi_2021";

/// Everything an eGFR may be computed from; absent inputs are `None` (never defaulted).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct EgfrInputs {
    /// The requested equation; `None` selects by age (renal.md §1.6.1).
    pub equation: Option<EgfrEquation>,
    /// Biological sex; `None` when missing or recorded as anything but female/male (§0.3).
    pub sex: Option<Sex>,
    pub age: Option<AgeYears>,
    pub creatinine: Option<SerumCreatinine>,
    pub cystatin_c: Option<CystatinC>,
    pub height: Option<HeightCm>,
    /// CKD-EPI 2009 only (historical reproduction, renal.md §1.3).
    pub race: Option<Race2009>,
}

// ---------------------------------------------------------------------------------------
// Outputs
// ---------------------------------------------------------------------------------------

/// KDIGO GFR category (renal.md §1.6.3; as `kidney.epi::nephro.gfr_category`), applied to the
/// reported integer eGFR.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, schemars::JsonSchema,
)]
pub enum GfrCategory {
    /// ≥ 90
    G1,
    /// 60–89
    G2,
    /// 45–59
    G3a,
    /// 30–44
    G3b,
    /// 15–29
    G4,
    /// < 15
    G5,
}

impl GfrCategory {
    /// The category of a reported (integer) eGFR: G1 ≥ 90; G2 60–89; G3a 45–59; G3b 30–44;
    /// G4 15–29; G5 < 15 (renal.md §1.6.3).
    pub fn of_reported(egfr: u16) -> GfrCategory {
        match egfr {
            90.. => GfrCategory::G1,
            60..=89 => GfrCategory::G2,
            45..=59 => GfrCategory::G3a,
            30..=44 => GfrCategory::G3b,
            15..=29 => GfrCategory::G4,
            0..=14 => GfrCategory::G5,
        }
    }

    /// The KDIGO label.
    pub fn code(self) -> &'static str {
        match self {
            GfrCategory::G1 => "G1",
            GfrCategory::G2 => "G2",
            GfrCategory::G3a => "G3a",
            GfrCategory::G3b => "G3b",
            GfrCategory::G4 => "G4",
            GfrCategory::G5 => "G5",
        }
    }
}

/// A caution attached to a computed eGFR (renal.md §1.2 edge cases).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum EgfrFlag {
    /// Scr < 0.1 or > 20 mg/dL: computed, but likely a unit or transcription error (§1.2).
    ImplausibleCreatinine,
    /// Age > 100 completed years: the equations were not developed on centenarians (§1.2).
    AgeOver100,
    /// CKD-EPI 2009 without a recorded race: computed without the race coefficient (§1.3).
    RaceNotRecorded,
    /// Bedside Schwartz at 18 years or more: outside its derivation range; computed only for
    /// a patient who keeps the baseline equation for response purposes (§1.5, §1.6.2).
    AdultAgePediatricEquation,
}

/// The eGFR result: status, raw and reported value, category, flags and the equation used.
#[derive(Debug, Clone, PartialEq)]
pub struct EgfrEstimate {
    /// The equation used (requested, or chosen by age per §1.6.1); `None` when no equation
    /// could be chosen because the age is missing.
    pub equation: Option<EgfrEquation>,
    pub status: Status,
    /// The equation's value in mL/min/1.73 m², kept for audit (§0.2.1).
    pub raw: Option<f64>,
    /// The reported eGFR: `raw` rounded half away from zero (§0.2.1).
    pub reported: Option<u16>,
    /// KDIGO GFR category of the reported integer (§1.6.3).
    pub category: Option<GfrCategory>,
    pub flags: Vec<EgfrFlag>,
}

impl EgfrEstimate {
    fn without_value(equation: Option<EgfrEquation>, status: Status) -> EgfrEstimate {
        EgfrEstimate {
            equation,
            status,
            raw: None,
            reported: None,
            category: None,
            flags: Vec::new(),
        }
    }
}

/// The reported eGFR: the raw value rounded half away from zero to an integer (renal.md
/// §0.2.1; KDIGO reports whole numbers). `f64::round` rounds half away from zero.
pub fn reported_egfr(raw: f64) -> u16 {
    raw.round() as u16
}

/// renal.md §1.2 plausibility limits for Scr, mg/dL: < 0.1 or > 20 is flagged.
const IMPLAUSIBLE_BELOW_MG_DL: Decimal = Decimal::from_parts(1, 0, 0, false, 1);
const IMPLAUSIBLE_ABOVE_MG_DL: Decimal = Decimal::from_parts(20, 0, 0, false, 0);

/// Computes the eGFR named by `inputs.equation`, or the one §1.6.1 selects by age.
///
/// Order: no age and no equation → `not_evaluable` (age decides the equation); an equation
/// undefined at the patient's age → `not_applicable` with a reason code (decided by age
/// alone); any required input missing → `not_evaluable` naming it (renal.md §0.2.3, §0.3);
/// otherwise `complete` with the flags of §1.2.
pub fn estimate(inputs: &EgfrInputs) -> EgfrEstimate {
    let age = inputs.age.map(|a| a.completed_years());
    let Some(equation) = inputs
        .equation
        .or(inputs.age.map(EgfrEquation::default_for))
    else {
        let mut missing = vec!["age_years"];
        if inputs.creatinine.is_none() {
            missing.insert(0, "creatinine");
        }
        return EgfrEstimate::without_value(None, Status::not_evaluable(missing));
    };
    if let Some(reason) = age.and_then(|a| equation.not_applicable_at(a)) {
        return EgfrEstimate::without_value(Some(equation), Status::not_applicable(reason));
    }
    let required = [
        ("creatinine", inputs.creatinine.is_some(), true),
        (
            "cystatin_c",
            inputs.cystatin_c.is_some(),
            equation.uses_cystatin_c(),
        ),
        ("height_cm", inputs.height.is_some(), equation.uses_height()),
        ("age_years", age.is_some(), true),
        ("sex", inputs.sex.is_some(), equation.uses_sex()),
    ];
    let missing: Vec<&str> = required
        .iter()
        .filter(|(_, present, needed)| *needed && !present)
        .map(|(name, _, _)| *name)
        .collect();
    let Some(raw) = raw_egfr(equation, inputs) else {
        return EgfrEstimate::without_value(Some(equation), Status::not_evaluable(missing));
    };
    let reported = reported_egfr(raw);
    EgfrEstimate {
        equation: Some(equation),
        status: Status::Complete,
        raw: Some(raw),
        reported: Some(reported),
        category: Some(GfrCategory::of_reported(reported)),
        flags: flags(equation, inputs),
    }
}

/// The equation's raw value, or `None` when a required input is missing.
fn raw_egfr(equation: EgfrEquation, inputs: &EgfrInputs) -> Option<f64> {
    let scr = inputs.creatinine?.mg_dl_f64();
    let age = inputs.age?.completed_years();
    let race = inputs.race.unwrap_or(Race2009::NotBlack);
    Some(match equation {
        EgfrEquation::CkdEpi2021Cr => ckd_epi_2021_cr(scr, age, inputs.sex?),
        EgfrEquation::CkdEpi2009 => ckd_epi_2009(scr, f64::from(age), inputs.sex?, race),
        EgfrEquation::CkdEpi2009Table => ckd_epi_2009_table(scr, f64::from(age), inputs.sex?, race),
        EgfrEquation::CkdEpi2021CrCys => {
            let scys = inputs.cystatin_c?.mg_l_f64;
            ckd_epi_2021_cr_cys(scr, scys, f64::from(age), inputs.sex?)
        }
        EgfrEquation::SchwartzBedside => schwartz_bedside(inputs.height?.cm_f64, scr),
        EgfrEquation::CkidU25 => {
            ckid_u25_cr(inputs.height?.cm_f64, scr, f64::from(age), inputs.sex?)
        }
    })
}

/// The flags of renal.md §1.2 (and §1.3, §1.5) for a computed eGFR.
fn flags(equation: EgfrEquation, inputs: &EgfrInputs) -> Vec<EgfrFlag> {
    let mut flags = Vec::new();
    let implausible = inputs.creatinine.is_some_and(|scr| {
        scr.cmp_mg_dl(IMPLAUSIBLE_BELOW_MG_DL) == Ordering::Less
            || scr.cmp_mg_dl(IMPLAUSIBLE_ABOVE_MG_DL) == Ordering::Greater
    });
    if implausible {
        flags.push(EgfrFlag::ImplausibleCreatinine);
    }
    let age = inputs.age.map(|a| a.completed_years());
    if age.is_some_and(|a| a > 100) {
        flags.push(EgfrFlag::AgeOver100);
    }
    if equation.is_ckd_epi_2009() && inputs.race.is_none() {
        flags.push(EgfrFlag::RaceNotRecorded);
    }
    if equation == EgfrEquation::SchwartzBedside && age.is_some_and(|a| a >= ADULT_AGE) {
        flags.push(EgfrFlag::AdultAgePediatricEquation);
    }
    flags
}

// ---------------------------------------------------------------------------------------
// Equations (f64, renal.md §0.2.1)
// ---------------------------------------------------------------------------------------

const fn sex_index(sex: Sex) -> usize {
    match sex {
        Sex::Female => 0,
        Sex::Male => 1,
    }
}

/// CKD-EPI 2021 κ (mg/dL), [female, male] (renal.md §1.2).
const CKD_EPI_2021_KAPPA: [f64; 2] = [0.7, 0.9];
/// 1/κ, [female, male].
const CKD_EPI_2021_INVERSE_KAPPA: [f64; 2] = [1.0 / 0.7, 1.0 / 0.9];
/// CKD-EPI 2021 α, [female, male] (renal.md §1.2).
const CKD_EPI_2021_ALPHA: [f64; 2] = [-0.241, -0.302];
/// CKD-EPI 2021 exponent above κ (renal.md §1.2).
const CKD_EPI_2021_ABOVE_KAPPA: f64 = -1.200;

/// 142 × 0.9938^age × (1.012 if female), indexed `[sex][age]` for every `u8` age, so that
/// the kernel needs no `powf` and no bounds check (renal.md §1.2).
static CKD_EPI_2021_AGE_SEX_FACTOR: LazyLock<[[f64; 256]; 2]> = LazyLock::new(|| {
    let mut table = [[0.0; 256]; 2];
    for (sex, sex_factor) in [(Sex::Female, 142.0 * 1.012), (Sex::Male, 142.0)] {
        for (age, slot) in table[sex_index(sex)].iter_mut().enumerate() {
            *slot = sex_factor * 0.9938_f64.powf(age as f64);
        }
    }
    table
});

/// CKD-EPI 2021 creatinine equation, race-free (renal.md §1.2; Inker LA et al., N Engl J Med
/// 2021;385:1737-1749):
/// `142 × min(Scr/κ,1)^α × max(Scr/κ,1)^−1.200 × 0.9938^Age × 1.012 [female]`.
///
/// The fast kernel: one `ln` and one `exp` per row, since
/// `min(r,1)^α · max(r,1)^−1.2 = exp(ln r × (α if r < 1 else −1.2))`, and the age–sex factor
/// `142 × 0.9938^Age (× 1.012)` from a table. Agrees with the printed form
/// ([`ckd_epi_2021_cr_powf`]) to about 1e-15 relative.
///
/// `scr_mg_dl` must be a positive finite number (a [`SerumCreatinine`] always is); anything
/// else gives NaN. The caller checks that the equation applies (age ≥ 18, renal.md §1.2).
#[inline]
pub fn ckd_epi_2021_cr(scr_mg_dl: f64, age_years: u8, sex: Sex) -> f64 {
    ckd_epi_2021_cr_row(scr_mg_dl, age_years, sex, &CKD_EPI_2021_AGE_SEX_FACTOR)
}

#[inline(always)]
fn ckd_epi_2021_cr_row(scr_mg_dl: f64, age_years: u8, sex: Sex, table: &[[f64; 256]; 2]) -> f64 {
    let s = sex_index(sex);
    // × 1/κ rather than ÷ κ (faster; κ × (1/κ) is exactly 1 for both κ, so Scr = κ still
    // gives r = 1, the continuity point).
    let r = scr_mg_dl * CKD_EPI_2021_INVERSE_KAPPA[s];
    let exponent = if r < 1.0 {
        CKD_EPI_2021_ALPHA[s]
    } else {
        CKD_EPI_2021_ABOVE_KAPPA
    };
    let value = table[s][usize::from(age_years)] * exp_kernel(ln_kernel(r) * exponent);
    // Out of contract (≤ 0, subnormal, infinite, NaN): NaN rather than a plausible number.
    if (f64::MIN_POSITIVE..=f64::MAX).contains(&r) {
        value
    } else {
        f64::NAN
    }
}

// The kernel's own `ln` and `exp`: branch-free, inlined, so that the column loop vectorizes
// (the libm calls do not). Classic reductions (as musl/fdlibm): x = 2^k·m with
// m ∈ [√½, √2) and ln m = 2·atanh(s), s = (m−1)/(m+1); e^y = 2^n·e^t with |t| ≤ ln2/2.
// Truncation errors below 1e-16; valid for positive normal x and |y| ≤ 708 (the kernel's
// inputs are far inside: |y| < 10 for any creatinine the dictionary accepts).

/// ln 2 split so that `k × LN2_HI` is exact for |k| < 2^11 (fdlibm's ln2_hi, ln2_lo:
/// 6.93147180369123816490e-01, 1.90821492927058770002e-10).
const LN2_HI: f64 = f64::from_bits(0x3fe6_2e42_fee0_0000);
const LN2_LO: f64 = f64::from_bits(0x3dea_39ef_3579_3c76);

/// Natural logarithm of a positive normal `x`.
#[inline(always)]
fn ln_kernel(x: f64) -> f64 {
    // Shift the bits so that the mantissa lands in [√½, √2) (musl's log).
    const SQRT_HALF_BITS: u64 = 0x3fe6_a09e_667f_3bcd;
    let ix = x
        .to_bits()
        .wrapping_add(0x3ff0_0000_0000_0000 - SQRT_HALF_BITS);
    // Biased exponent → f64 through the 2^52 magic (keeps the loop vectorizable).
    let k = f64::from_bits((ix >> 52) | 0x4330_0000_0000_0000) - (4_503_599_627_370_496.0 + 1023.0);
    let m = f64::from_bits((ix & 0x000f_ffff_ffff_ffff) + SQRT_HALF_BITS);
    let s = (m - 1.0) / (m + 1.0);
    let z = s * s;
    // atanh(s)/s − 1 = z/3 + z²/5 + … + z⁸/17 (next term < 4e-16 · |s|), in Estrin's scheme
    // (short dependency chains).
    let z2 = z * z;
    let z4 = z2 * z2;
    let q = ((1.0 / 3.0 + z * (1.0 / 5.0)) + z2 * (1.0 / 7.0 + z * (1.0 / 9.0)))
        + z4 * ((1.0 / 11.0 + z * (1.0 / 13.0)) + z2 * (1.0 / 15.0 + z * (1.0 / 17.0)));
    let p = z * q;
    let two_s = s + s;
    k * LN2_HI + (k * LN2_LO + (two_s + two_s * p))
}

/// e^y for |y| ≤ 708.
#[inline(always)]
fn exp_kernel(y: f64) -> f64 {
    const LOG2_E: f64 = std::f64::consts::LOG2_E;
    /// 1.5 × 2^52: adding it rounds to an integer held in the low mantissa bits.
    const SHIFT: f64 = 6_755_399_441_055_744.0;
    let y = y.clamp(-708.0, 708.0);
    let shifted = y * LOG2_E + SHIFT;
    let n = shifted - SHIFT;
    let t = (y - n * LN2_HI) - n * LN2_LO;
    // Taylor series of e^t to t^12 (|t| ≤ 0.347: truncation < 2e-16), in Estrin's scheme.
    const C: [f64; 13] = [
        1.0,
        1.0,
        1.0 / 2.0,
        1.0 / 6.0,
        1.0 / 24.0,
        1.0 / 120.0,
        1.0 / 720.0,
        1.0 / 5_040.0,
        1.0 / 40_320.0,
        1.0 / 362_880.0,
        1.0 / 3_628_800.0,
        1.0 / 39_916_800.0,
        1.0 / 479_001_600.0,
    ];
    let t2 = t * t;
    let t4 = t2 * t2;
    let t8 = t4 * t4;
    let p0_3 = (C[0] + t * C[1]) + t2 * (C[2] + t * C[3]);
    let p4_7 = (C[4] + t * C[5]) + t2 * (C[6] + t * C[7]);
    let p8_12 = ((C[8] + t * C[9]) + t2 * (C[10] + t * C[11])) + t4 * C[12];
    let p = (p0_3 + t4 * p4_7) + t8 * p8_12;
    // 2^n from n held in the low bits of `shifted`.
    let two_n = f64::from_bits(shifted.to_bits().wrapping_add(1023) << 52);
    p * two_n
}

/// CKD-EPI 2021 creatinine over columns (renal.md §1.2): `out[i]` is
/// [`ckd_epi_2021_cr`]`(scr_mg_dl[i], age_years[i], sex[i])`. No allocation.
///
/// On x86-64 CPUs with AVX2 and FMA the same loop is compiled a second time for those
/// instructions and chosen at run time, as numpy chooses its SIMD loops. Rust never fuses a
/// multiply and an add on its own, so both builds give bit-identical results.
///
/// # Panics
/// When the four slices differ in length (a caller's bug, not an input error).
pub fn ckd_epi_2021_cr_column(scr_mg_dl: &[f64], age_years: &[u8], sex: &[Sex], out: &mut [f64]) {
    let n = out.len();
    assert!(
        scr_mg_dl.len() == n && age_years.len() == n && sex.len() == n,
        "ckd_epi_2021_cr_column: columns of different lengths"
    );
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma") {
        #[allow(unsafe_code)]
        // SAFETY: `column_avx2` only requires AVX2 and FMA, detected on this CPU just above.
        unsafe {
            column_avx2(scr_mg_dl, age_years, sex, out);
        }
        return;
    }
    column_portable(scr_mg_dl, age_years, sex, out);
}

/// The column loop for any x86-64 (SSE2) or other target.
#[inline(always)]
fn column_portable(scr_mg_dl: &[f64], age_years: &[u8], sex: &[Sex], out: &mut [f64]) {
    let table: &[[f64; 256]; 2] = &CKD_EPI_2021_AGE_SEX_FACTOR;
    for (((slot, &scr), &age), &sex) in out.iter_mut().zip(scr_mg_dl).zip(age_years).zip(sex) {
        *slot = ckd_epi_2021_cr_row(scr, age, sex, table);
    }
}

/// The same loop compiled for AVX2 and FMA (four rows per instruction).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
fn column_avx2(scr_mg_dl: &[f64], age_years: &[u8], sex: &[Sex], out: &mut [f64]) {
    column_portable(scr_mg_dl, age_years, sex, out);
}

/// CKD-EPI 2021 creatinine in its printed form with `powf`, for any (decimal) age: the
/// reference the fast kernel is tested against (renal.md §1.2).
pub fn ckd_epi_2021_cr_powf(scr_mg_dl: f64, age_years: f64, sex: Sex) -> f64 {
    let s = sex_index(sex);
    let r = scr_mg_dl / CKD_EPI_2021_KAPPA[s];
    let female = if sex == Sex::Female { 1.012 } else { 1.0 };
    142.0
        * r.min(1.0).powf(CKD_EPI_2021_ALPHA[s])
        * r.max(1.0).powf(CKD_EPI_2021_ABOVE_KAPPA)
        * 0.9938_f64.powf(age_years)
        * female
}

/// CKD-EPI 2009 κ and α, [female, male] (renal.md §1.3).
const CKD_EPI_2009_KAPPA: [f64; 2] = [0.7, 0.9];
const CKD_EPI_2009_ALPHA: [f64; 2] = [-0.329, -0.411];

/// The CKD-EPI 2009 terms shared by both presentations:
/// `min(Scr/κ,1)^α × max(Scr/κ,1)^−1.209 × 0.993^Age` (renal.md §1.3).
fn ckd_epi_2009_shape(scr_mg_dl: f64, age_years: f64, sex: Sex) -> f64 {
    let s = sex_index(sex);
    let r = scr_mg_dl / CKD_EPI_2009_KAPPA[s];
    r.min(1.0).powf(CKD_EPI_2009_ALPHA[s]) * r.max(1.0).powf(-1.209) * 0.993_f64.powf(age_years)
}

/// CKD-EPI 2009 creatinine, multiplicative form (renal.md §1.3 [DECISION] `CKD_EPI_2009`;
/// Levey AS et al., Ann Intern Med 2009;150:604-612):
/// `141 × min(Scr/κ,1)^α × max(Scr/κ,1)^−1.209 × 0.993^Age × 1.018 [female] × 1.159 [Black]`.
/// Historical reproduction only: MUST NOT drive a new response computation.
pub fn ckd_epi_2009(scr_mg_dl: f64, age_years: f64, sex: Sex, race: Race2009) -> f64 {
    let female = if sex == Sex::Female { 1.018 } else { 1.0 };
    let black = if race == Race2009::Black { 1.159 } else { 1.0 };
    141.0 * ckd_epi_2009_shape(scr_mg_dl, age_years, sex) * female * black
}

/// CKD-EPI 2009 creatinine with per-group constants (renal.md §1.3 `CKD_EPI_2009_TABLE`, as
/// `kidney.epi`): 141 male non-Black, 144 female non-Black, 163 male Black, 166 female Black,
/// times the shared terms. Within 0.3 % of [`ckd_epi_2009`].
pub fn ckd_epi_2009_table(scr_mg_dl: f64, age_years: f64, sex: Sex, race: Race2009) -> f64 {
    let constant = match (sex, race) {
        (Sex::Male, Race2009::NotBlack) => 141.0,
        (Sex::Female, Race2009::NotBlack) => 144.0,
        (Sex::Male, Race2009::Black) => 163.0,
        (Sex::Female, Race2009::Black) => 166.0,
    };
    constant * ckd_epi_2009_shape(scr_mg_dl, age_years, sex)
}

/// CKD-EPI 2021 creatinine–cystatin C κ and α, [female, male] (renal.md §1.4).
const CKD_EPI_2021_CR_CYS_KAPPA: [f64; 2] = [0.7, 0.9];
const CKD_EPI_2021_CR_CYS_ALPHA: [f64; 2] = [-0.219, -0.144];

/// CKD-EPI 2021 creatinine–cystatin C (renal.md §1.4; Inker 2021 NEJM):
/// `135 × min(Scr/κ,1)^α × max(Scr/κ,1)^−0.544 × min(Scys/0.8,1)^−0.323
///  × max(Scys/0.8,1)^−0.778 × 0.9961^Age × 0.963 [female]`.
pub fn ckd_epi_2021_cr_cys(scr_mg_dl: f64, scys_mg_l: f64, age_years: f64, sex: Sex) -> f64 {
    let s = sex_index(sex);
    let r = scr_mg_dl / CKD_EPI_2021_CR_CYS_KAPPA[s];
    let c = scys_mg_l / 0.8;
    let female = if sex == Sex::Female { 0.963 } else { 1.0 };
    135.0
        * r.min(1.0).powf(CKD_EPI_2021_CR_CYS_ALPHA[s])
        * r.max(1.0).powf(-0.544)
        * c.min(1.0).powf(-0.323)
        * c.max(1.0).powf(-0.778)
        * 0.9961_f64.powf(age_years)
        * female
}

/// Bedside Schwartz (renal.md §1.5; Schwartz GJ et al., J Am Soc Nephrol 2009;20:629-637):
/// `0.413 × height(cm) / Scr(mg/dL)` (0.413, not `transplantr`'s 0.41: renal.md §B.3).
pub fn schwartz_bedside(height_cm: f64, scr_mg_dl: f64) -> f64 {
    0.413 * height_cm / scr_mg_dl
}

/// CKiD U25 creatinine K (renal.md §1.5; Pierce CB et al., Kidney Int 2021;99:948-956;
/// `ckidstudy/CKiD_U25`): male 39.0 × 1.008^(age−12) below 12, 39.0 × 1.045^(age−12) from 12
/// to < 18, 50.8 from 18; female 36.1 × 1.008^(age−12), 36.1 × 1.023^(age−12), 41.4.
pub fn ckid_u25_k(age_years: f64, sex: Sex) -> f64 {
    let (base, child, adolescent, adult) = match sex {
        Sex::Male => (39.0, 1.008_f64, 1.045_f64, 50.8),
        Sex::Female => (36.1, 1.008_f64, 1.023_f64, 41.4),
    };
    if age_years < 12.0 {
        base * child.powf(age_years - 12.0)
    } else if age_years < 18.0 {
        base * adolescent.powf(age_years - 12.0)
    } else {
        adult
    }
}

/// CKiD U25 creatinine eGFR: `K × height(m) / Scr(mg/dL)` (renal.md §1.5; Pierce 2021).
pub fn ckid_u25_cr(height_cm: f64, scr_mg_dl: f64, age_years: f64, sex: Sex) -> f64 {
    ckid_u25_k(age_years, sex) * (height_cm / 100.0) / scr_mg_dl
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::units::creatinine::CreatinineUnit;
    use proptest::prelude::*;
    use rust_decimal_macros::dec;

    fn scr(value: Decimal, unit: CreatinineUnit) -> SerumCreatinine {
        SerumCreatinine::from_reported("creatinine", value, unit).expect("a valid creatinine")
    }

    fn mg_dl(value: Decimal) -> SerumCreatinine {
        scr(value, CreatinineUnit::MgPerDl)
    }

    fn age(years: Decimal) -> AgeYears {
        AgeYears::from_years("age_years", years).expect("a valid age")
    }

    fn adult(
        equation: EgfrEquation,
        sex: Sex,
        years: Decimal,
        creatinine: SerumCreatinine,
    ) -> EgfrInputs {
        EgfrInputs {
            equation: Some(equation),
            sex: Some(sex),
            age: Some(age(years)),
            creatinine: Some(creatinine),
            ..EgfrInputs::default()
        }
    }

    /// Asserts a complete estimate with the spec's raw value (2 dp) and reported integer.
    fn assert_vector(row: &str, result: &EgfrEstimate, raw_2dp: f64, reported: u16) {
        assert_eq!(result.status, Status::Complete, "{row}");
        let raw = result.raw.expect("a computed eGFR");
        assert!(
            ((raw * 100.0).round() / 100.0 - raw_2dp).abs() < 1e-9,
            "{row}: raw {raw} is not {raw_2dp} to 2 dp"
        );
        assert_eq!(result.reported, Some(reported), "{row}");
        assert_eq!(
            result.category,
            Some(GfrCategory::of_reported(reported)),
            "{row}"
        );
    }

    fn round_2dp(value: f64) -> f64 {
        (value * 100.0).round() / 100.0
    }

    /// renal.md §1.2 vectors E1–E9 (CKD-EPI 2021 creatinine).
    #[test]
    fn ckd_epi_2021_cr_vectors_e1_to_e9() {
        use CreatinineUnit::*;
        use Sex::*;
        for (row, sex, years, value, unit, raw, reported) in [
            (
                "E1 M 55 1.2 mg/dL",
                Male,
                dec!(55),
                dec!(1.2),
                MgPerDl,
                71.42,
                71,
            ),
            (
                "E2 F 30 0.6 mg/dL",
                Female,
                dec!(30),
                dec!(0.6),
                MgPerDl,
                123.76,
                124,
            ),
            (
                "E3 F 30 0.7 mg/dL = kappa",
                Female,
                dec!(30),
                dec!(0.7),
                MgPerDl,
                119.24,
                119,
            ),
            (
                "E4 F 40 1.5 mg/dL",
                Female,
                dec!(40),
                dec!(1.5),
                MgPerDl,
                44.90,
                45,
            ),
            (
                "E5 M 25 0.8 mg/dL",
                Male,
                dec!(25),
                dec!(0.8),
                MgPerDl,
                125.95,
                126,
            ),
            (
                "E6 M 60 1.4 mg/dL",
                Male,
                dec!(60),
                dec!(1.4),
                MgPerDl,
                57.54,
                58,
            ),
            (
                "E7 F 50 1.0 mg/dL",
                Female,
                dec!(50),
                dec!(1.0),
                MgPerDl,
                68.63,
                69,
            ),
            (
                "E8 M 55 106.08 umol/L",
                Male,
                dec!(55),
                dec!(106.08),
                UmolPerL,
                71.42,
                71,
            ),
            (
                "E9 F 30 53 umol/L",
                Female,
                dec!(30),
                dec!(53),
                UmolPerL,
                123.78,
                124,
            ),
        ] {
            let inputs = adult(EgfrEquation::CkdEpi2021Cr, sex, years, scr(value, unit));
            let result = estimate(&inputs);
            assert_vector(row, &result, raw, reported);
            assert_eq!(result.equation, Some(EgfrEquation::CkdEpi2021Cr), "{row}");
            assert!(result.flags.is_empty(), "{row}: {:?}", result.flags);
            // Without an equation, §1.6.1 picks CKD-EPI 2021 for an adult.
            let chosen = estimate(&EgfrInputs {
                equation: None,
                ..inputs
            });
            assert_eq!(chosen, result, "{row} (equation chosen by age)");
        }
    }

    /// renal.md §1.3 vectors H1–H4 (CKD-EPI 2009, both presentations); H2 per group is
    /// 78.22 (README erratum 11).
    #[test]
    fn ckd_epi_2009_vectors_h1_to_h4() {
        use Race2009::*;
        use Sex::*;
        for (row, sex, years, value, race, multiplicative, reported, per_group) in [
            (
                "H1 M 55 1.2 non-Black",
                Male,
                dec!(55),
                dec!(1.2),
                NotBlack,
                67.67,
                68,
                67.67,
            ),
            (
                "H2 M 55 1.2 Black",
                Male,
                dec!(55),
                dec!(1.2),
                Black,
                78.43,
                78,
                78.22,
            ),
            (
                "H3 F 30 0.6",
                Female,
                dec!(30),
                dec!(0.6),
                NotBlack,
                122.31,
                122,
                122.71,
            ),
        ] {
            let inputs = EgfrInputs {
                race: Some(race),
                ..adult(EgfrEquation::CkdEpi2009, sex, years, mg_dl(value))
            };
            let result = estimate(&inputs);
            assert_vector(row, &result, multiplicative, reported);
            assert!(result.flags.is_empty(), "{row}: {:?}", result.flags);
            let table = estimate(&EgfrInputs {
                equation: Some(EgfrEquation::CkdEpi2009Table),
                ..inputs
            });
            let raw = table.raw.expect("computed");
            assert_eq!(round_2dp(raw), per_group, "{row} per-group constants");
        }
        // H4: transplantr's 88.42 and decimal age 45.2 reproduce its unit test (62.47 → 62.5);
        // with 88.4 the value is 62.45.
        let h4 = ckd_epi_2009(120.0 / 88.42, 45.2, Male, NotBlack);
        assert_eq!(round_2dp(h4), 62.47, "H4 with 88.42 and decimal age");
        assert_eq!(
            (h4 * 10.0).round() / 10.0,
            62.5,
            "H4 transplantr test value"
        );
        let h4_884 = ckd_epi_2009(120.0 / 88.4, 45.2, Male, NotBlack);
        assert_eq!(round_2dp(h4_884), 62.45, "H4 with 88.4");
    }

    /// renal.md §1.3: without `race` the 2009 equations compute without the coefficient and
    /// say so.
    #[test]
    fn ckd_epi_2009_without_race_is_flagged() {
        let result = estimate(&adult(
            EgfrEquation::CkdEpi2009,
            Sex::Male,
            dec!(55),
            mg_dl(dec!(1.2)),
        ));
        assert_vector("H1 without race", &result, 67.67, 68);
        assert_eq!(result.flags, vec![EgfrFlag::RaceNotRecorded]);
    }

    /// renal.md §1.4 vectors C1–C4 (CKD-EPI 2021 creatinine–cystatin C).
    #[test]
    fn ckd_epi_2021_cr_cys_vectors_c1_to_c4() {
        use Sex::*;
        for (row, sex, years, value, scys, raw, reported) in [
            (
                "C1 M 60 1.4 0.8",
                Male,
                dec!(60),
                dec!(1.4),
                dec!(0.8),
                83.97,
                84,
            ),
            (
                "C2 F 30 0.6 0.7",
                Female,
                dec!(30),
                dec!(0.6),
                dec!(0.7),
                124.87,
                125,
            ),
            (
                "C3 F 40 1.5 1.6",
                Female,
                dec!(40),
                dec!(1.5),
                dec!(1.6),
                42.84,
                43,
            ),
            (
                "C4 M 50 1.0 1.0",
                Male,
                dec!(50),
                dec!(1.0),
                dec!(1.0),
                88.14,
                88,
            ),
        ] {
            let inputs = EgfrInputs {
                cystatin_c: Some(CystatinC::from_mg_l("cystatin_c", scys).expect("valid")),
                ..adult(EgfrEquation::CkdEpi2021CrCys, sex, years, mg_dl(value))
            };
            assert_vector(row, &estimate(&inputs), raw, reported);
        }
    }

    fn child(
        equation: Option<EgfrEquation>,
        years: Decimal,
        height_cm: Decimal,
        creatinine: SerumCreatinine,
    ) -> EgfrInputs {
        EgfrInputs {
            equation,
            age: Some(age(years)),
            height: Some(HeightCm::from_cm("height_cm", height_cm).expect("valid")),
            creatinine: Some(creatinine),
            ..EgfrInputs::default()
        }
    }

    /// renal.md §1.5 vectors S1–S4 (bedside Schwartz 0.413); sex is not used (§0.3). S2 in
    /// both units gives 116.
    #[test]
    fn schwartz_bedside_vectors_s1_to_s4() {
        for (row, height, creatinine, raw, reported) in [
            (
                "S1 101 cm 0.6 mg/dL",
                dec!(101),
                mg_dl(dec!(0.6)),
                69.52,
                70,
            ),
            (
                "S2 140 cm 0.5 mg/dL",
                dec!(140),
                mg_dl(dec!(0.5)),
                115.64,
                116,
            ),
            (
                "S2 140 cm 44.2 umol/L",
                dec!(140),
                scr(dec!(44.2), CreatinineUnit::UmolPerL),
                115.64,
                116,
            ),
            (
                "S3 160 cm 0.9 mg/dL",
                dec!(160),
                mg_dl(dec!(0.9)),
                73.42,
                73,
            ),
            (
                "S4 120 cm 1.5 mg/dL",
                dec!(120),
                mg_dl(dec!(1.5)),
                33.04,
                33,
            ),
        ] {
            let requested = child(
                Some(EgfrEquation::SchwartzBedside),
                dec!(10),
                height,
                creatinine,
            );
            let result = estimate(&requested);
            assert_vector(row, &result, raw, reported);
            // §1.6.1: a child without an equation gets bedside Schwartz; no sex needed.
            let chosen = estimate(&child(None, dec!(10), height, creatinine));
            assert_eq!(chosen, result, "{row} (chosen by age)");
        }
        // The SI form 36.5 × height / Scr(µmol/L) of S2 rounds to the same 116.
        assert_eq!(reported_egfr(36.5 * 140.0 / 44.2), 116, "S2 SI form");
    }

    /// renal.md §1.5 CKiD U25 vectors: M 10 y 1.40 m 0.5 → 107.47; F 15 y 1.60 m 0.9 → 68.71.
    #[test]
    fn ckid_u25_vectors() {
        for (row, sex, years, height, value, k, raw, reported) in [
            (
                "U25 M 10 y 140 cm 0.5",
                Sex::Male,
                dec!(10),
                dec!(140),
                dec!(0.5),
                38.383,
                107.47,
                107,
            ),
            (
                "U25 F 15 y 160 cm 0.9",
                Sex::Female,
                dec!(15),
                dec!(160),
                dec!(0.9),
                38.649,
                68.71,
                69,
            ),
        ] {
            let inputs = EgfrInputs {
                sex: Some(sex),
                ..child(Some(EgfrEquation::CkidU25), years, height, mg_dl(value))
            };
            assert_vector(row, &estimate(&inputs), raw, reported);
            let years_f64 = years.to_f64().expect("small");
            assert_eq!(
                (ckid_u25_k(years_f64, sex) * 1000.0).round() / 1000.0,
                k,
                "{row} K"
            );
        }
        assert_eq!(ckid_u25_k(18.0, Sex::Male), 50.8);
        assert_eq!(ckid_u25_k(25.0, Sex::Female), 41.4);
    }

    /// renal.md §1.2: at Scr = κ both power terms are 1 (E3); just below and above, the value
    /// is continuous.
    #[test]
    fn creatinine_exactly_kappa_and_either_side() {
        for (sex, kappa, sex_factor) in [
            (Sex::Female, dec!(0.7), 142.0 * 1.012),
            (Sex::Male, dec!(0.9), 142.0),
        ] {
            let at = estimate(&adult(
                EgfrEquation::CkdEpi2021Cr,
                sex,
                dec!(30),
                mg_dl(kappa),
            ))
            .raw
            .expect("computed");
            let expected = sex_factor * 0.9938_f64.powi(30);
            assert!(
                (at / expected - 1.0).abs() < 1e-14,
                "{sex:?} at kappa: {at} vs {expected}"
            );
            let below = estimate(&adult(
                EgfrEquation::CkdEpi2021Cr,
                sex,
                dec!(30),
                mg_dl(kappa - dec!(0.01)),
            ))
            .raw
            .expect("computed");
            let above = estimate(&adult(
                EgfrEquation::CkdEpi2021Cr,
                sex,
                dec!(30),
                mg_dl(kappa + dec!(0.01)),
            ))
            .raw
            .expect("computed");
            assert!(
                below > at && at > above,
                "{sex:?}: {below} > {at} > {above}"
            );
            assert!(
                (below - at) / at < 0.01 && (at - above) / at < 0.02,
                "{sex:?} continuity"
            );
        }
    }

    /// renal.md §1.2 and §1.6.1: the adult equations start at 18 completed years; below,
    /// `not_applicable` naming Schwartz, and the default becomes bedside Schwartz.
    #[test]
    fn age_17_and_18_for_adult_equations() {
        for equation in [
            EgfrEquation::CkdEpi2021Cr,
            EgfrEquation::CkdEpi2009,
            EgfrEquation::CkdEpi2009Table,
            EgfrEquation::CkdEpi2021CrCys,
        ] {
            for (row, years, applicable) in [
                ("17", dec!(17), false),
                ("17.99", dec!(17.99), false),
                ("18", dec!(18), true),
                ("18.5", dec!(18.5), true),
            ] {
                let inputs = EgfrInputs {
                    cystatin_c: Some(CystatinC::from_mg_l("cystatin_c", dec!(1)).expect("valid")),
                    race: Some(Race2009::NotBlack),
                    ..adult(equation, Sex::Female, years, mg_dl(dec!(0.8)))
                };
                let result = estimate(&inputs);
                if applicable {
                    assert_eq!(result.status, Status::Complete, "{equation:?} age {row}");
                } else {
                    assert_eq!(
                        result.status,
                        Status::not_applicable(REASON_UNDER_18),
                        "{equation:?} age {row}"
                    );
                    assert_eq!(result.raw, None);
                }
            }
        }
        // Not applicable is decided by age alone, even with other inputs missing.
        let bare = EgfrInputs {
            equation: Some(EgfrEquation::CkdEpi2021Cr),
            age: Some(age(dec!(17))),
            ..EgfrInputs::default()
        };
        assert_eq!(
            estimate(&bare).status,
            Status::not_applicable(REASON_UNDER_18)
        );
        // Default choice at the boundary.
        assert_eq!(
            EgfrEquation::default_for(age(dec!(17.99))),
            EgfrEquation::SchwartzBedside
        );
        assert_eq!(
            EgfrEquation::default_for(age(dec!(18))),
            EgfrEquation::CkdEpi2021Cr
        );
    }

    /// renal.md §1.5: bedside Schwartz from 1 year; < 1 year not derived ([DECISION]); at
    /// ≥ 18 years only on request, flagged (§1.6.2 continuity).
    #[test]
    fn schwartz_age_boundaries() {
        let at = |years: Decimal| {
            estimate(&child(
                Some(EgfrEquation::SchwartzBedside),
                years,
                dec!(101),
                mg_dl(dec!(0.6)),
            ))
        };
        assert_eq!(at(dec!(0)).status, Status::not_applicable(REASON_UNDER_1));
        assert_eq!(
            at(dec!(0.99)).status,
            Status::not_applicable(REASON_UNDER_1)
        );
        assert_eq!(at(dec!(1)).status, Status::Complete);
        assert_eq!(at(dec!(1)).reported, Some(70));
        assert!(at(dec!(17)).flags.is_empty());
        assert_eq!(at(dec!(18)).status, Status::Complete);
        assert_eq!(
            at(dec!(18)).flags,
            vec![EgfrFlag::AdultAgePediatricEquation]
        );
        // An infant without a requested equation gets Schwartz, which does not apply.
        let infant = estimate(&child(None, dec!(0.5), dec!(60), mg_dl(dec!(0.3))));
        assert_eq!(infant.equation, Some(EgfrEquation::SchwartzBedside));
        assert_eq!(infant.status, Status::not_applicable(REASON_UNDER_1));
    }

    #[test]
    fn ckid_u25_age_boundaries() {
        let at = |years: Decimal| {
            estimate(&EgfrInputs {
                sex: Some(Sex::Male),
                ..child(
                    Some(EgfrEquation::CkidU25),
                    years,
                    dec!(170),
                    mg_dl(dec!(0.9)),
                )
            })
            .status
        };
        assert_eq!(at(dec!(0.9)), Status::not_applicable(REASON_UNDER_1));
        assert_eq!(at(dec!(1)), Status::Complete);
        assert_eq!(at(dec!(25.9)), Status::Complete);
        assert_eq!(at(dec!(26)), Status::not_applicable(REASON_OVER_25));
    }

    /// renal.md §0.2.3 and §0.3: missing inputs are named, never defaulted.
    #[test]
    fn missing_inputs_are_named() {
        let full = adult(
            EgfrEquation::CkdEpi2021Cr,
            Sex::Male,
            dec!(55),
            mg_dl(dec!(1.2)),
        );
        let no_sex = estimate(&EgfrInputs { sex: None, ..full });
        assert_eq!(no_sex.status, Status::not_evaluable(["sex"]));
        assert_eq!(no_sex.raw, None);
        assert_eq!(no_sex.equation, Some(EgfrEquation::CkdEpi2021Cr));
        let no_scr = estimate(&EgfrInputs {
            creatinine: None,
            sex: None,
            ..full
        });
        assert_eq!(no_scr.status, Status::not_evaluable(["creatinine", "sex"]));
        let cys = estimate(&EgfrInputs {
            equation: Some(EgfrEquation::CkdEpi2021CrCys),
            ..full
        });
        assert_eq!(cys.status, Status::not_evaluable(["cystatin_c"]));
        let no_age = estimate(&EgfrInputs { age: None, ..full });
        assert_eq!(no_age.status, Status::not_evaluable(["age_years"]));
        // No equation and no age: the equation cannot be chosen.
        let unchosen = estimate(&EgfrInputs {
            equation: None,
            age: None,
            creatinine: None,
            ..full
        });
        assert_eq!(unchosen.equation, None);
        assert_eq!(
            unchosen.status,
            Status::not_evaluable(["creatinine", "age_years"])
        );
        // Schwartz needs height but not sex; U25 needs both.
        let schwartz = estimate(&EgfrInputs {
            equation: Some(EgfrEquation::SchwartzBedside),
            age: Some(age(dec!(10))),
            sex: None,
            ..full
        });
        assert_eq!(schwartz.status, Status::not_evaluable(["height_cm"]));
        let u25 = estimate(&EgfrInputs {
            equation: Some(EgfrEquation::CkidU25),
            age: Some(age(dec!(10))),
            sex: None,
            ..full
        });
        assert_eq!(u25.status, Status::not_evaluable(["height_cm", "sex"]));
    }

    /// renal.md §1.2: Scr < 0.1 or > 20 mg/dL and age > 100 are computed and flagged.
    #[test]
    fn plausibility_flags_at_their_boundaries() {
        let flags = |years: Decimal, creatinine: SerumCreatinine| {
            estimate(&adult(
                EgfrEquation::CkdEpi2021Cr,
                Sex::Female,
                years,
                creatinine,
            ))
            .flags
        };
        assert!(
            flags(dec!(50), mg_dl(dec!(20))).is_empty(),
            "20 mg/dL is plausible"
        );
        assert!(flags(dec!(50), mg_dl(dec!(19.99))).is_empty());
        assert_eq!(
            flags(dec!(50), mg_dl(dec!(20.01))),
            vec![EgfrFlag::ImplausibleCreatinine]
        );
        assert!(
            flags(dec!(50), scr(dec!(1768), CreatinineUnit::UmolPerL)).is_empty(),
            "1768 µmol/L is exactly 20 mg/dL"
        );
        assert_eq!(
            flags(dec!(50), scr(dec!(1768.1), CreatinineUnit::UmolPerL)),
            vec![EgfrFlag::ImplausibleCreatinine]
        );
        assert!(
            flags(dec!(100), mg_dl(dec!(1))).is_empty(),
            "100 completed years"
        );
        assert!(
            flags(dec!(100.9), mg_dl(dec!(1))).is_empty(),
            "still 100 completed years"
        );
        assert_eq!(flags(dec!(101), mg_dl(dec!(1))), vec![EgfrFlag::AgeOver100]);
        // The lower limit cannot be reached through a SerumCreatinine (≥ 10 µmol/L), so the
        // comparison is checked on the threshold itself.
        assert_eq!(
            mg_dl(dec!(0.12)).cmp_mg_dl(IMPLAUSIBLE_BELOW_MG_DL),
            Ordering::Greater
        );
    }

    /// renal.md §1.6.3 categories on the reported integer, every boundary.
    #[test]
    fn gfr_category_boundaries() {
        use GfrCategory::*;
        for (egfr, category) in [
            (200, G1),
            (90, G1),
            (89, G2),
            (60, G2),
            (59, G3a),
            (45, G3a),
            (44, G3b),
            (30, G3b),
            (29, G4),
            (15, G4),
            (14, G5),
            (0, G5),
        ] {
            assert_eq!(GfrCategory::of_reported(egfr), category, "eGFR {egfr}");
        }
        assert_eq!(G3a.code(), "G3a");
    }

    /// renal.md §0.2.1: half away from zero, then the category of the integer.
    #[test]
    fn reported_egfr_rounds_half_away_from_zero() {
        assert_eq!(reported_egfr(89.5), 90);
        assert_eq!(reported_egfr(89.499_999), 89);
        assert_eq!(reported_egfr(59.5), 60);
        assert_eq!(reported_egfr(44.5), 45);
        assert_eq!(
            GfrCategory::of_reported(reported_egfr(89.5)),
            GfrCategory::G1
        );
    }

    /// The fast kernel equals the printed powf form within 1e-12 relative over a grid of
    /// creatinine (0.05–25 mg/dL), every u8 age and both sexes; the column form equals the
    /// scalar one.
    #[test]
    fn fast_kernel_matches_powf_form() {
        let mut worst: f64 = 0.0;
        for sex in [Sex::Female, Sex::Male] {
            for age in 0..=u8::MAX {
                for step in 0..=2_000 {
                    let scr = 0.05 + f64::from(step) * 0.012_475;
                    let fast = ckd_epi_2021_cr(scr, age, sex);
                    let reference = ckd_epi_2021_cr_powf(scr, f64::from(age), sex);
                    let relative = ((fast - reference) / reference).abs();
                    worst = worst.max(relative);
                    assert!(
                        relative < 1e-12,
                        "{sex:?} age {age} Scr {scr}: {fast} vs {reference}"
                    );
                }
            }
        }
        assert!(worst < 1e-14, "worst relative difference {worst:e}");
        // Kappa itself and the extremes of the dictionary range.
        for scr in [0.7, 0.9, 10.0 / 88.4, 2000.0 / 88.4, 1e-3, 1e3] {
            for sex in [Sex::Female, Sex::Male] {
                let relative =
                    (ckd_epi_2021_cr(scr, 40, sex) / ckd_epi_2021_cr_powf(scr, 40.0, sex) - 1.0)
                        .abs();
                assert!(relative < 1e-12, "{sex:?} Scr {scr}");
            }
        }
    }

    #[test]
    fn column_equals_scalar_and_out_of_contract_is_nan() {
        let scr = [0.6, 0.7, 1.2, 1.5, 3.0, 0.0, -1.0, f64::NAN, f64::INFINITY];
        let ages = [30, 30, 55, 40, 120, 50, 50, 50, 50];
        let sexes = [
            Sex::Female,
            Sex::Female,
            Sex::Male,
            Sex::Female,
            Sex::Male,
            Sex::Male,
            Sex::Female,
            Sex::Male,
            Sex::Female,
        ];
        let mut out = [0.0; 9];
        ckd_epi_2021_cr_column(&scr, &ages, &sexes, &mut out);
        for i in 0..5 {
            assert_eq!(
                out[i],
                ckd_epi_2021_cr(scr[i], ages[i], sexes[i]),
                "row {i}"
            );
        }
        assert_eq!(reported_egfr(out[2]), 71, "E1 through the column");
        for (i, value) in out.iter().enumerate().skip(5) {
            assert!(value.is_nan(), "row {i}: {value}");
        }
    }

    /// The run-time dispatched column (AVX2 + FMA where the CPU has them) gives bit for bit
    /// what the portable row kernel gives, over a dense grid of creatinine, every age, both sexes.
    #[test]
    fn simd_column_is_bit_identical_to_the_row_kernel() {
        let mut scr = Vec::new();
        let mut ages = Vec::new();
        let mut sexes = Vec::new();
        for i in 0..4000 {
            for (age, sex) in [
                (18u8, Sex::Female),
                (47, Sex::Male),
                (100, Sex::Female),
                (255, Sex::Male),
            ] {
                scr.push(0.05 + f64::from(i) * 0.00617);
                ages.push(age.wrapping_add((i % 7) as u8));
                sexes.push(sex);
            }
        }
        let mut out = vec![0.0; scr.len()];
        ckd_epi_2021_cr_column(&scr, &ages, &sexes, &mut out);
        for i in 0..scr.len() {
            let row = ckd_epi_2021_cr(scr[i], ages[i], sexes[i]);
            assert_eq!(
                out[i].to_bits(),
                row.to_bits(),
                "row {i}: {} vs {row}",
                out[i]
            );
        }
    }

    #[test]
    #[should_panic(expected = "columns of different lengths")]
    fn column_lengths_must_agree() {
        let mut out = [0.0; 2];
        ckd_epi_2021_cr_column(&[1.0], &[40, 40], &[Sex::Male, Sex::Male], &mut out);
    }

    #[test]
    fn input_ranges() {
        assert!(AgeYears::from_years("age_years", dec!(-0.1)).is_err());
        assert!(AgeYears::from_years("age_years", dec!(0)).is_ok());
        assert!(AgeYears::from_years("age_years", dec!(130)).is_ok());
        let err = AgeYears::from_years("age_years", dec!(130.1)).unwrap_err();
        assert_eq!(err.field, "age_years");
        assert_eq!(age(dec!(45.9)).completed_years(), 45);
        assert_eq!(AgeYears::from_completed_years(131), None);
        assert!(CystatinC::from_mg_l("cystatin_c", dec!(0)).is_err());
        assert!(CystatinC::from_mg_l("cystatin_c", dec!(20)).is_ok());
        assert!(CystatinC::from_mg_l("cystatin_c", dec!(20.1)).is_err());
        assert!(HeightCm::from_cm("height_cm", dec!(39.9)).is_err());
        assert!(HeightCm::from_cm("height_cm", dec!(40)).is_ok());
        assert!(HeightCm::from_cm("height_cm", dec!(250)).is_ok());
        assert!(HeightCm::from_cm("height_cm", dec!(250.1)).is_err());
    }

    proptest! {
        /// Every equation is strictly decreasing in creatinine (renal.md §1).
        #[test]
        fn egfr_strictly_decreases_with_creatinine(
            scr in 0.05_f64..25.0,
            factor in 1.0001_f64..3.0,
            age in 18_u8..=120,
            child_age in 1.0_f64..25.0,
            female in any::<bool>(),
            black in any::<bool>(),
            scys in 0.3_f64..8.0,
            height in 50.0_f64..200.0,
        ) {
            let sex = if female { Sex::Female } else { Sex::Male };
            let race = if black { Race2009::Black } else { Race2009::NotBlack };
            let higher = scr * factor;
            let a = f64::from(age);
            prop_assert!(ckd_epi_2021_cr(scr, age, sex) > ckd_epi_2021_cr(higher, age, sex));
            prop_assert!(ckd_epi_2021_cr_powf(scr, a, sex) > ckd_epi_2021_cr_powf(higher, a, sex));
            prop_assert!(ckd_epi_2009(scr, a, sex, race) > ckd_epi_2009(higher, a, sex, race));
            prop_assert!(
                ckd_epi_2009_table(scr, a, sex, race) > ckd_epi_2009_table(higher, a, sex, race)
            );
            prop_assert!(
                ckd_epi_2021_cr_cys(scr, scys, a, sex) > ckd_epi_2021_cr_cys(higher, scys, a, sex)
            );
            prop_assert!(schwartz_bedside(height, scr) > schwartz_bedside(height, higher));
            prop_assert!(
                ckid_u25_cr(height, scr, child_age, sex) > ckid_u25_cr(height, higher, child_age, sex)
            );
        }
    }
}

//! Lupus nephritis renal response: six named rule sets (renal.md §3).
//!
//! One evaluation compares an assessment visit with its reference values (treatment start,
//! pre-flare eGFR) under one [`ResponseVariant`]. Precedence (§3.1, README erratum 7, §3.6):
//! kidney failure or rescue therapy ⇒ `None`; a missing mandatory input ⇒ `NotEvaluable`
//! naming it; then the variant's rule, evaluated in three-valued logic so that a missing
//! optional input (`upcr_base`, the KDIGO 2012 creatinine references) only makes the result
//! not evaluable when it could change the answer (§3.3, erratum 13).
//!
//! Every threshold is compared exactly (renal.md §0.2.2): UPCR in mg/g and serum creatinine
//! in mg/dL as `Decimal`, eGFR as the reported integer; ratios by cross-multiplication.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::config::MeasureConfig;
use crate::{Status, Tri};

/// A named, versioned renal response rule set (renal.md §3.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
pub enum ResponseVariant {
    /// KDIGO 2024 LN guideline (Kidney Int 2024;105(1S):S1-S69; same definitions as the KDIGO
    /// 2021 GD guideline): complete UPCR < 500 mg/g, partial ≥ 50 % reduction to < 3000 mg/g,
    /// both with eGFR ≥ (1 − tol) × baseline.
    #[serde(rename = "kdigo_2024")]
    Kdigo2024,
    /// EULAR/ERA-EDTA 2019 (Fanouriakis, Ann Rheum Dis 2020;79:713-723; definitions from
    /// Bertsias 2012): eGFR normal (≥ 90) or within 10 % of the pre-flare value.
    #[serde(rename = "eular_era_edta_2019")]
    EularEraEdta2019,
    /// ACR 2006/2012 as tabulated by Parikh 2020 (Am J Kidney Dis 2020;76:265-281)
    /// [UNVERIFIED wording, renal.md §B.14]: needs an inactive sediment.
    #[serde(rename = "acr")]
    Acr,
    /// KDIGO 2012 GN guideline, LN chapter (Kidney Int Suppl 2012;2:139-274), historical:
    /// uses serum creatinine instead of eGFR.
    #[serde(rename = "kdigo_2012")]
    Kdigo2012,
    /// BLISS-LN primary efficacy renal response (Furie, N Engl J Med 2020;383:1117-1128):
    /// CRR / PERR against the pre-flare eGFR; no reduction criterion.
    #[serde(rename = "bliss_ln")]
    BlissLn,
    /// AURORA 1 (Rovin, Lancet 2021;397:2070-2080): CRR UPCR ≤ 500 mg/g with the steroid
    /// taper condition; PRR ≥ 50 % reduction.
    #[serde(rename = "aurora")]
    Aurora,
}

impl ResponseVariant {
    /// Every variant, in the order of renal.md §3.2.
    pub const ALL: [ResponseVariant; 6] = [
        ResponseVariant::Kdigo2024,
        ResponseVariant::EularEraEdta2019,
        ResponseVariant::Acr,
        ResponseVariant::Kdigo2012,
        ResponseVariant::BlissLn,
        ResponseVariant::Aurora,
    ];

    /// The variant id as it appears in JSON.
    pub const fn code(self) -> &'static str {
        match self {
            ResponseVariant::Kdigo2024 => "kdigo_2024",
            ResponseVariant::EularEraEdta2019 => "eular_era_edta_2019",
            ResponseVariant::Acr => "acr",
            ResponseVariant::Kdigo2012 => "kdigo_2012",
            ResponseVariant::BlissLn => "bliss_ln",
            ResponseVariant::Aurora => "aurora",
        }
    }
}

/// The response at one assessment (renal.md §3.1). Ordered Complete > Partial > None.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RenalResponse {
    Complete,
    Partial,
    /// Non-response (including treatment failure: rescue therapy, dialysis, transplant).
    None,
    /// A needed input is missing and could change the answer; `missing` in the status.
    NotEvaluable,
}

impl RenalResponse {
    /// Rank for comparisons: Complete 2, Partial 1, None 0; `None` for not evaluable.
    pub const fn rank(self) -> Option<u8> {
        match self {
            RenalResponse::Complete => Some(2),
            RenalResponse::Partial => Some(1),
            RenalResponse::None => Some(0),
            RenalResponse::NotEvaluable => Option::None,
        }
    }
}

/// The inputs of one evaluation (renal.md §3.1). Units: UPCR mg/g, eGFR the reported integer
/// (mL/min/1.73 m², same equation at both time points, §1.6), serum creatinine mg/dL. Ranges
/// are checked at the edge (the wire module); `None` means not recorded.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ResponseInput {
    /// UPCR at treatment start / randomization / MSC infusion day 0.
    pub upcr_base: Option<Decimal>,
    /// UPCR at the assessment visit.
    pub upcr_cur: Option<Decimal>,
    pub egfr_base: Option<u16>,
    pub egfr_cur: Option<u16>,
    /// eGFR before the flare that led to treatment (EULAR, BLISS reference).
    pub egfr_preflare: Option<u16>,
    /// Any rescue / prohibited therapy or treatment failure up to the assessment. Mandatory.
    pub rescue: Option<bool>,
    /// AURORA steroid taper condition met (mandatory for `aurora`).
    pub steroid_ok: Option<bool>,
    /// Active urinary sediment (> 5 RBC/hpf, > 5 WBC/hpf or cellular casts); ACR only.
    pub sediment_active: Option<bool>,
    /// Serum creatinine at treatment start (KDIGO 2012 partial).
    pub scr_base: Option<Decimal>,
    /// Serum creatinine at the assessment (KDIGO 2012).
    pub scr_cur: Option<Decimal>,
    /// Serum creatinine before the flare (KDIGO 2012 complete).
    pub scr_prior_baseline: Option<Decimal>,
    /// KDIGO 2024 eGFR tolerance for this evaluation; defaults to the configuration's.
    pub egfr_tolerance: Option<Decimal>,
    /// Months since treatment start, for the EULAR time-target flags.
    pub months_since_baseline: Option<u16>,
    /// Dialysis or kidney transplant before the assessment (§3.6). Recorded positively: an
    /// absent value means none was recorded.
    pub kidney_failure: Option<bool>,
}

/// Where the eGFR reference of a relative eGFR criterion came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum EgfrReferenceSource {
    Baseline,
    PreFlare,
}

/// The eGFR value a relative criterion compared against (renal.md §0.2.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct EgfrReference {
    pub value: u16,
    pub source: EgfrReferenceSource,
}

/// The criteria a variant combines, each TRUE / FALSE / UNKNOWN; `None` when the variant does
/// not use it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ResponseComponents {
    /// Dialysis or transplant recorded (§3.6).
    pub kidney_failure: Option<Tri>,
    /// Rescue therapy / treatment failure (§3.1).
    pub rescue: Option<Tri>,
    /// AURORA steroid taper condition.
    pub steroid_ok: Option<Tri>,
    /// ACR: sediment inactive.
    pub sediment_inactive: Option<Tri>,
    /// The complete-response UPCR criterion (§3.1 `upcr_ok`).
    pub complete_upcr_ok: Option<Tri>,
    /// ≥ 50 % UPCR reduction from baseline (`2·cur ≤ base`, only when `upcr_base > 0`).
    pub reduction_ok: Option<Tri>,
    /// The partial-response UPCR ceiling (or ACR's 200–2000 band).
    pub partial_upcr_ok: Option<Tri>,
    /// The (complete-response) eGFR criterion.
    pub egfr_ok: Option<Tri>,
    /// BLISS PERR eGFR criterion (≥ 60 or ≥ 0.8 × pre-flare).
    pub partial_egfr_ok: Option<Tri>,
    /// KDIGO 2012 complete: Scr ≤ prior baseline.
    pub scr_complete_ok: Option<Tri>,
    /// KDIGO 2012 partial: Scr ≤ 1.25 × baseline.
    pub scr_partial_ok: Option<Tri>,
}

/// Informational flags (never change the response).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ResponseFlags {
    /// Baseline UPCR already meets the variant's complete-response UPCR criterion (§3.6).
    pub baseline_below_complete_threshold: bool,
    /// EULAR/BLISS: no pre-flare eGFR, the baseline eGFR was used (§3.2).
    pub preflare_missing: bool,
    /// `upcr_base` is 0, so the reduction is undefined (§3.1).
    pub reduction_undefined_zero_base: bool,
    /// EULAR: ≥ 25 % UPCR reduction (reported when `months_since_baseline` ≤ 3).
    pub eular_early_3m: Option<Tri>,
    /// EULAR: ≥ 50 % UPCR reduction (reported when `months_since_baseline` ≤ 6).
    pub eular_partial_6m: Option<Tri>,
}

/// The result of one evaluation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResponseResult {
    pub variant: ResponseVariant,
    pub response: RenalResponse,
    /// `complete` when the response is decided, else `not_evaluable` naming the missing inputs.
    pub status: Status,
    pub components: ResponseComponents,
    pub flags: ResponseFlags,
    /// KDIGO 2024 only: the eGFR tolerance applied.
    pub egfr_tolerance: Option<Decimal>,
    /// The eGFR reference of the relative eGFR criterion, when one was used.
    pub egfr_reference: Option<EgfrReference>,
}

/// 500 mg/g (0.5 g/g): complete-response ceiling of KDIGO 2024/2012, BLISS CRR and AURORA.
const UPCR_500: Decimal = Decimal::from_parts(500, 0, 0, false, 0);
/// 3000 mg/g (3 g/g): KDIGO 2024 partial ceiling and KDIGO 2012 nephrotic baseline.
const UPCR_3000: Decimal = Decimal::from_parts(3000, 0, 0, false, 0);
/// 700 mg/g: BLISS-LN PERR ceiling (≤).
const UPCR_700: Decimal = Decimal::from_parts(700, 0, 0, false, 0);
/// 200 mg/g: ACR complete ceiling.
const UPCR_200: Decimal = Decimal::from_parts(200, 0, 0, false, 0);
/// 2000 mg/g: ACR partial ceiling.
const UPCR_2000: Decimal = Decimal::from_parts(2000, 0, 0, false, 0);

/// Evaluates the renal response of `input` under `variant` (renal.md §3).
pub fn evaluate(
    variant: ResponseVariant,
    input: &ResponseInput,
    config: &MeasureConfig,
) -> ResponseResult {
    let rule = rule(variant, input, config);
    let mut result = ResponseResult {
        variant,
        response: RenalResponse::NotEvaluable,
        status: Status::Complete,
        components: rule.components,
        flags: rule.flags,
        egfr_tolerance: rule.egfr_tolerance,
        egfr_reference: rule.egfr_reference,
    };

    // §3.6 [DECISION] dialysis / transplant and §3.1 step 1 rescue ⇒ None, before anything
    // else (erratum 7: rescue = true gives none even when inputs are missing).
    if input.kidney_failure == Some(true) || input.rescue == Some(true) {
        result.response = RenalResponse::None;
        return result;
    }

    // §3.1 step 2, erratum 7: missing mandatory inputs ⇒ not evaluable, naming them.
    let missing = mandatory_missing(variant, input);
    if !missing.is_empty() {
        result.status = Status::not_evaluable(missing);
        return result;
    }

    // §3.1 step 3: the variant rule, in three-valued logic (§3.3 rows 3–8).
    match decide(rule.complete, rule.partial) {
        Some(response) => result.response = response,
        Option::None => result.status = Status::not_evaluable(unknown_sources(&rule, input)),
    }
    result
}

/// Complete if TRUE; otherwise Partial / None by the partial criterion; anything UNKNOWN on
/// the deciding path leaves the response undecided.
fn decide(complete: Tri, partial: Tri) -> Option<RenalResponse> {
    match (complete, partial) {
        (Tri::True, _) => Some(RenalResponse::Complete),
        (Tri::False, Tri::True) => Some(RenalResponse::Partial),
        (Tri::False, Tri::False) => Some(RenalResponse::None),
        _ => Option::None,
    }
}

/// The inputs without which a variant is never evaluated (§3.1, §3.3 row 2, erratum 7).
/// `rescue` for all; `steroid_ok` for AURORA; `sediment_active` for ACR (§3.2 "unknown ⇒
/// NotEvaluable", §3.5); `upcr_cur`; the eGFR pair (EULAR/BLISS: the current value and a
/// reference, pre-flare or baseline); KDIGO 2012: `scr_cur`.
fn mandatory_missing(variant: ResponseVariant, input: &ResponseInput) -> Vec<&'static str> {
    let mut missing = Vec::new();
    let mut need = |present: bool, name: &'static str| {
        if !present {
            missing.push(name);
        }
    };
    need(input.rescue.is_some(), "rescue");
    if variant == ResponseVariant::Aurora {
        need(input.steroid_ok.is_some(), "steroid_ok");
    }
    if variant == ResponseVariant::Acr {
        need(input.sediment_active.is_some(), "sediment_active");
    }
    need(input.upcr_cur.is_some(), "upcr_cur");
    match variant {
        ResponseVariant::Kdigo2024 | ResponseVariant::Acr | ResponseVariant::Aurora => {
            need(input.egfr_base.is_some(), "egfr_base");
            need(input.egfr_cur.is_some(), "egfr_cur");
        }
        ResponseVariant::EularEraEdta2019 | ResponseVariant::BlissLn => {
            need(
                input.egfr_base.is_some() || input.egfr_preflare.is_some(),
                "egfr_base",
            );
            need(input.egfr_cur.is_some(), "egfr_cur");
        }
        ResponseVariant::Kdigo2012 => need(input.scr_cur.is_some(), "scr_cur"),
    }
    missing
}

/// The optional inputs whose absence left a deciding component UNKNOWN.
fn unknown_sources(rule: &Rule, input: &ResponseInput) -> Vec<&'static str> {
    let c = &rule.components;
    let unknown = |t: Option<Tri>| t == Some(Tri::Unknown);
    let mut missing = Vec::new();
    if unknown(c.reduction_ok) || unknown(c.partial_upcr_ok) {
        // Absent or zero (reduction undefined, §3.1): either way the baseline is what is
        // lacking.
        missing.push("upcr_base");
    }
    if unknown(c.scr_complete_ok) && input.scr_prior_baseline.is_none() {
        missing.push("scr_prior_baseline");
    }
    if unknown(c.scr_partial_ok) && input.scr_base.is_none() {
        missing.push("scr_base");
    }
    missing
}

/// A variant's criteria for one input, before precedence.
struct Rule {
    complete: Tri,
    partial: Tri,
    components: ResponseComponents,
    flags: ResponseFlags,
    egfr_tolerance: Option<Decimal>,
    egfr_reference: Option<EgfrReference>,
}

/// A comparison of two recorded values: UNKNOWN when either is missing.
fn compare<A: Copy, B: Copy>(a: Option<A>, b: Option<B>, holds: impl Fn(A, B) -> bool) -> Tri {
    match (a, b) {
        (Some(a), Some(b)) => Tri::from(holds(a, b)),
        _ => Tri::Unknown,
    }
}

/// A test of one recorded value: UNKNOWN when missing.
fn test<A: Copy>(a: Option<A>, holds: impl Fn(A) -> bool) -> Tri {
    a.map_or(Tri::Unknown, |a| Tri::from(holds(a)))
}

fn dec(v: u16) -> Decimal {
    Decimal::from(v)
}

/// "≥ 50 % reduction" ⇔ `2·cur ≤ base`, evaluated only when `base > 0` (renal.md §3.1).
fn reduction_at_least_half(input: &ResponseInput) -> Tri {
    match input.upcr_base {
        Some(base) if base > Decimal::ZERO => {
            test(input.upcr_cur, |cur| Decimal::TWO * cur <= base)
        }
        _ => Tri::Unknown,
    }
}

/// "≥ 25 % reduction" ⇔ `4·cur ≤ 3·base`, only when `base > 0` (EULAR early target, §3.2).
fn reduction_at_least_quarter(input: &ResponseInput) -> Tri {
    match input.upcr_base {
        Some(base) if base > Decimal::ZERO => test(input.upcr_cur, |cur| {
            Decimal::from(4) * cur <= Decimal::from(3) * base
        }),
        _ => Tri::Unknown,
    }
}

/// EULAR/BLISS reference eGFR: pre-flare if recorded, else baseline (renal.md §3.2).
fn preflare_reference(input: &ResponseInput) -> Option<EgfrReference> {
    match (input.egfr_preflare, input.egfr_base) {
        (Some(value), _) => Some(EgfrReference {
            value,
            source: EgfrReferenceSource::PreFlare,
        }),
        (Option::None, Some(value)) => Some(EgfrReference {
            value,
            source: EgfrReferenceSource::Baseline,
        }),
        (Option::None, Option::None) => Option::None,
    }
}

fn baseline_reference(input: &ResponseInput) -> Option<EgfrReference> {
    input.egfr_base.map(|value| EgfrReference {
        value,
        source: EgfrReferenceSource::Baseline,
    })
}

/// `cur ≥ floor` OR `den·cur ≥ num·ref` (eGFR "normal or within x % of the reference").
fn egfr_floor_or_fraction(
    cur: Option<u16>,
    reference: Option<EgfrReference>,
    floor: u16,
    num: u32,
    den: u32,
) -> Tri {
    test(cur, |c| c >= floor).or(compare(cur, reference, |c, r| {
        den * u32::from(c) >= num * u32::from(r.value)
    }))
}

fn rule(variant: ResponseVariant, input: &ResponseInput, config: &MeasureConfig) -> Rule {
    let mut components = ResponseComponents {
        rescue: Some(Tri::from_option(input.rescue)),
        kidney_failure: input.kidney_failure.map(Tri::from),
        ..ResponseComponents::default()
    };
    let mut flags = ResponseFlags {
        reduction_undefined_zero_base: input.upcr_base == Some(Decimal::ZERO),
        ..ResponseFlags::default()
    };
    let cur = input.upcr_cur;
    let reduction = reduction_at_least_half(input);
    let mut egfr_tolerance = Option::None;
    let mut egfr_reference = Option::None;

    let (complete, partial, complete_upcr): (Tri, Tri, fn(Decimal, &MeasureConfig) -> bool) =
        match variant {
            ResponseVariant::Kdigo2024 => {
                // KDIGO 2024 (renal.md §3.2, §3.3): complete UPCR < 500 mg/g and
                // eGFR ≥ (1 − tol) × baseline; partial ≥ 50 % reduction to < 3000 mg/g with the
                // same eGFR condition. tol from the input, else the configuration (§B.4).
                let tol = input.egfr_tolerance.unwrap_or(config.kdigo_egfr_tolerance);
                egfr_tolerance = Some(tol);
                egfr_reference = baseline_reference(input);
                let upcr_ok = test(cur, |c| c < UPCR_500);
                let partial_upcr_ok = test(cur, |c| c < UPCR_3000);
                let egfr_ok = compare(input.egfr_cur, input.egfr_base, |c, b| {
                    dec(c) >= (Decimal::ONE - tol) * dec(b)
                });
                components.complete_upcr_ok = Some(upcr_ok);
                components.reduction_ok = Some(reduction);
                components.partial_upcr_ok = Some(partial_upcr_ok);
                components.egfr_ok = Some(egfr_ok);
                (
                    upcr_ok.and(egfr_ok),
                    Tri::all([reduction, partial_upcr_ok, egfr_ok]),
                    |c, _| c < UPCR_500,
                )
            }
            ResponseVariant::EularEraEdta2019 => {
                // EULAR/ERA-EDTA 2019 (renal.md §3.2): eGFR ≥ 90 or ≥ 0.9 × pre-flare
                // (10·cur ≥ 9·ref); complete UPCR < `eular_cr_upcr_max_mg_g` (500 or 700);
                // partial ≥ 50 % reduction to < `eular_subnephrotic_upcr_max_mg_g` (3000, §B.7).
                egfr_reference = preflare_reference(input);
                flags.preflare_missing = input.egfr_preflare.is_none();
                let upcr_ok = test(cur, |c| c < config.eular_cr_upcr_max_mg_g);
                let partial_upcr_ok = test(cur, |c| c < config.eular_subnephrotic_upcr_max_mg_g);
                let egfr_ok = egfr_floor_or_fraction(input.egfr_cur, egfr_reference, 90, 9, 10);
                components.complete_upcr_ok = Some(upcr_ok);
                components.reduction_ok = Some(reduction);
                components.partial_upcr_ok = Some(partial_upcr_ok);
                components.egfr_ok = Some(egfr_ok);
                if let Some(months) = input.months_since_baseline {
                    // EULAR time targets (§3.2): ≥ 25 % by month 3, ≥ 50 % by month 6.
                    flags.eular_early_3m = (months <= 3).then(|| reduction_at_least_quarter(input));
                    flags.eular_partial_6m = (months <= 6).then_some(reduction);
                }
                (
                    upcr_ok.and(egfr_ok),
                    Tri::all([reduction, partial_upcr_ok, egfr_ok]),
                    |c, cfg| c < cfg.eular_cr_upcr_max_mg_g,
                )
            }
            ResponseVariant::Acr => {
                // ACR 2006/2012 per Parikh 2020 [UNVERIFIED] (renal.md §3.2): eGFR ok when
                // baseline ≥ 90 ⇒ cur ≥ 90, else cur ≥ 90 or cur ≥ 1.25 × base (4·cur ≥ 5·base);
                // complete UPCR < 200; partial 200 ≤ UPCR ≤ 2000; both with inactive sediment.
                egfr_reference = baseline_reference(input);
                let sediment_inactive = Tri::from_option(input.sediment_active).not();
                let upcr_ok = test(cur, |c| c < UPCR_200);
                let partial_upcr_ok = test(cur, |c| UPCR_200 <= c && c <= UPCR_2000);
                let egfr_ok = match input.egfr_base {
                    Some(base) if base >= 90 => test(input.egfr_cur, |c| c >= 90),
                    _ => egfr_floor_or_fraction(input.egfr_cur, egfr_reference, 90, 5, 4),
                };
                components.sediment_inactive = Some(sediment_inactive);
                components.complete_upcr_ok = Some(upcr_ok);
                components.partial_upcr_ok = Some(partial_upcr_ok);
                components.egfr_ok = Some(egfr_ok);
                (
                    Tri::all([upcr_ok, sediment_inactive, egfr_ok]),
                    Tri::all([partial_upcr_ok, sediment_inactive, egfr_ok]),
                    |c, _| c < UPCR_200,
                )
            }
            ResponseVariant::Kdigo2012 => {
                // KDIGO 2012 GN guideline (renal.md §3.2): complete UPCR < 500 [§B.5, UNVERIFIED
                // "<"] and Scr ≤ prior baseline; partial ≥ 50 % reduction, < 3000 when the
                // baseline was ≥ 3000, and Scr ≤ 1.25 × baseline (4·cur ≤ 5·base).
                let upcr_ok = test(cur, |c| c < UPCR_500);
                let partial_upcr_ok = match input.upcr_base {
                    Some(base) if base >= UPCR_3000 => test(cur, |c| c < UPCR_3000),
                    Some(_) => Tri::True,
                    Option::None => Tri::Unknown,
                };
                let scr_complete_ok =
                    compare(input.scr_cur, input.scr_prior_baseline, |c, p| c <= p);
                let scr_partial_ok = compare(input.scr_cur, input.scr_base, |c, b| {
                    Decimal::from(4) * c <= Decimal::from(5) * b
                });
                components.complete_upcr_ok = Some(upcr_ok);
                components.reduction_ok = Some(reduction);
                components.partial_upcr_ok = Some(partial_upcr_ok);
                components.scr_complete_ok = Some(scr_complete_ok);
                components.scr_partial_ok = Some(scr_partial_ok);
                (
                    upcr_ok.and(scr_complete_ok),
                    Tri::all([reduction, partial_upcr_ok, scr_partial_ok]),
                    |c, _| c < UPCR_500,
                )
            }
            ResponseVariant::BlissLn => {
                // BLISS-LN (Furie 2020; renal.md §3.2): CRR UPCR < 500 and eGFR ≥ 90 or
                // ≥ 0.9 × pre-flare; PERR UPCR ≤ 700 and eGFR ≥ 60 or ≥ 0.8 × pre-flare
                // (5·cur ≥ 4·ref). No reduction criterion.
                egfr_reference = preflare_reference(input);
                flags.preflare_missing = input.egfr_preflare.is_none();
                let upcr_ok = test(cur, |c| c < UPCR_500);
                let partial_upcr_ok = test(cur, |c| c <= UPCR_700);
                let egfr_ok = egfr_floor_or_fraction(input.egfr_cur, egfr_reference, 90, 9, 10);
                let partial_egfr_ok =
                    egfr_floor_or_fraction(input.egfr_cur, egfr_reference, 60, 4, 5);
                components.complete_upcr_ok = Some(upcr_ok);
                components.partial_upcr_ok = Some(partial_upcr_ok);
                components.egfr_ok = Some(egfr_ok);
                components.partial_egfr_ok = Some(partial_egfr_ok);
                (
                    upcr_ok.and(egfr_ok),
                    partial_upcr_ok.and(partial_egfr_ok),
                    |c, _| c < UPCR_500,
                )
            }
            ResponseVariant::Aurora => {
                // AURORA 1 (Rovin 2021; renal.md §3.2): CRR UPCR ≤ 500 (note ≤) and eGFR ≥ 60
                // or ≥ 0.8 × baseline, and the steroid condition; PRR ≥ 50 % reduction.
                egfr_reference = baseline_reference(input);
                let upcr_ok = test(cur, |c| c <= UPCR_500);
                let egfr_ok = egfr_floor_or_fraction(input.egfr_cur, egfr_reference, 60, 4, 5);
                let steroid_ok = Tri::from_option(input.steroid_ok);
                components.complete_upcr_ok = Some(upcr_ok);
                components.reduction_ok = Some(reduction);
                components.egfr_ok = Some(egfr_ok);
                components.steroid_ok = Some(steroid_ok);
                (
                    Tri::all([upcr_ok, egfr_ok, steroid_ok]),
                    reduction,
                    |c, _| c <= UPCR_500,
                )
            }
        };

    // §3.6: baseline already meets the complete-response UPCR criterion.
    flags.baseline_below_complete_threshold = input
        .upcr_base
        .is_some_and(|base| complete_upcr(base, config));

    Rule {
        complete,
        partial,
        components,
        flags,
        egfr_tolerance,
        egfr_reference,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use rust_decimal_macros::dec;

    use RenalResponse::{Complete as C, NotEvaluable as NE, Partial as P};
    const N: RenalResponse = RenalResponse::None;

    /// One row of renal.md §3.5: base UPCR, cur UPCR, eGFR base → cur, pre-flare, rescue,
    /// steroid_ok, then the expected response for KDIGO tol .15, KDIGO tol .10, EULAR, BLISS,
    /// AURORA, ACR (sediment inactive).
    struct Row {
        id: &'static str,
        upcr: (u32, u32),
        egfr: (u16, u16),
        preflare: Option<u16>,
        rescue: bool,
        steroid_ok: bool,
        expected: [RenalResponse; 6],
    }

    const fn row(
        id: &'static str,
        upcr: (u32, u32),
        egfr: (u16, u16),
        expected: [RenalResponse; 6],
    ) -> Row {
        Row {
            id,
            upcr,
            egfr,
            preflare: Option::None,
            rescue: false,
            steroid_ok: true,
            expected,
        }
    }

    fn vectors() -> Vec<Row> {
        vec![
            row("R1", (3200, 400), (85, 88), [C, C, C, C, C, N]),
            row("R2", (3200, 500), (85, 88), [P, P, P, P, C, N]),
            row("R3", (3200, 1500), (85, 80), [P, P, P, N, P, N]),
            row("R4", (3200, 1700), (85, 80), [N, N, N, N, N, N]),
            row("R5", (2400, 650), (100, 84), [N, N, N, P, P, N]),
            row("R6", (2400, 650), (100, 86), [P, N, N, P, P, N]),
            row("R7", (1800, 300), (120, 70), [N, N, N, P, C, N]),
            row("R8", (1800, 300), (70, 57), [N, N, N, P, C, N]),
            row("R9", (8000, 3000), (75, 74), [N, N, N, N, P, N]),
            row("R10", (8000, 2990), (75, 74), [P, P, P, N, P, N]),
            Row {
                rescue: true,
                ..row("R11", (1200, 100), (95, 97), [N, N, N, N, N, N])
            },
            row("R12", (4000, 700), (110, 105), [P, P, P, P, P, P]),
            row("R13", (800, 450), (140, 110), [N, N, C, C, C, P]),
            Row {
                preflare: Some(110),
                ..row("R14", (3000, 400), (70, 85), [C, C, N, P, C, N])
            },
            Row {
                steroid_ok: false,
                ..row("R15", (3000, 400), (90, 92), [C, C, C, C, P, P])
            },
        ]
    }

    fn input_of(r: &Row) -> ResponseInput {
        ResponseInput {
            upcr_base: Some(Decimal::from(r.upcr.0)),
            upcr_cur: Some(Decimal::from(r.upcr.1)),
            egfr_base: Some(r.egfr.0),
            egfr_cur: Some(r.egfr.1),
            egfr_preflare: r.preflare,
            rescue: Some(r.rescue),
            steroid_ok: Some(r.steroid_ok),
            sediment_active: Some(false),
            ..ResponseInput::default()
        }
    }

    /// The six columns of §3.5: (label, variant, tolerance).
    const COLUMNS: [(&str, ResponseVariant, Option<Decimal>); 6] = [
        (
            "KDIGO tol .15",
            ResponseVariant::Kdigo2024,
            Some(dec!(0.15)),
        ),
        (
            "KDIGO tol .10",
            ResponseVariant::Kdigo2024,
            Some(dec!(0.10)),
        ),
        ("EULAR", ResponseVariant::EularEraEdta2019, Option::None),
        ("BLISS", ResponseVariant::BlissLn, Option::None),
        ("AURORA", ResponseVariant::Aurora, Option::None),
        (
            "ACR (sediment inactive)",
            ResponseVariant::Acr,
            Option::None,
        ),
    ];

    fn run(variant: ResponseVariant, input: &ResponseInput) -> ResponseResult {
        evaluate(variant, input, &MeasureConfig::default())
    }

    #[test]
    fn renal_response_vectors_r1_to_r15() {
        for r in vectors() {
            for (col, (label, variant, tol)) in COLUMNS.iter().enumerate() {
                let input = ResponseInput {
                    egfr_tolerance: *tol,
                    ..input_of(&r)
                };
                let got = run(*variant, &input);
                assert_eq!(got.response, r.expected[col], "{} {label}", r.id);
                assert_eq!(got.status, Status::Complete, "{} {label}", r.id);
            }
        }
    }

    #[test]
    fn renal_response_vectors_acr_sediment_active_is_none() {
        for r in vectors() {
            let input = ResponseInput {
                sediment_active: Some(true),
                ..input_of(&r)
            };
            let got = run(ResponseVariant::Acr, &input);
            assert_eq!(got.response, N, "{} ACR sediment active", r.id);
            assert_eq!(
                got.components.sediment_inactive,
                Some(Tri::False),
                "{}",
                r.id
            );
        }
    }

    #[test]
    fn renal_response_vectors_acr_sediment_unknown_is_not_evaluable_except_r11() {
        for r in vectors() {
            let input = ResponseInput {
                sediment_active: Option::None,
                ..input_of(&r)
            };
            let got = run(ResponseVariant::Acr, &input);
            if r.id == "R11" {
                assert_eq!(got.response, N, "R11 ACR sediment unknown: rescue first");
            } else {
                assert_eq!(got.response, NE, "{} ACR sediment unknown", r.id);
                assert_eq!(
                    got.status,
                    Status::not_evaluable(["sediment_active"]),
                    "{}",
                    r.id
                );
            }
        }
    }

    #[test]
    fn kdigo_tolerance_defaults_to_the_configuration() {
        // R6 without an input tolerance: config 0.15 ⇒ Partial; config 0.10 ⇒ None.
        let r6 = &vectors()[5];
        let got = run(ResponseVariant::Kdigo2024, &input_of(r6));
        assert_eq!((got.response, got.egfr_tolerance), (P, Some(dec!(0.15))));
        let config = MeasureConfig {
            kdigo_egfr_tolerance: dec!(0.10),
            ..MeasureConfig::default()
        };
        let got = evaluate(ResponseVariant::Kdigo2024, &input_of(r6), &config);
        assert_eq!((got.response, got.egfr_tolerance), (N, Some(dec!(0.10))));
    }

    #[test]
    fn eular_complete_ceiling_comes_from_the_configuration() {
        // 600 mg/g: partial with the 500 ceiling, complete with 700.
        let input = ResponseInput {
            upcr_cur: Some(dec!(600)),
            ..input_of(&vectors()[0])
        };
        assert_eq!(run(ResponseVariant::EularEraEdta2019, &input).response, P);
        let config = MeasureConfig {
            eular_cr_upcr_max_mg_g: dec!(700),
            ..MeasureConfig::default()
        };
        assert_eq!(
            evaluate(ResponseVariant::EularEraEdta2019, &input, &config).response,
            C
        );
        // Sub-nephrotic ceiling 3500: 3200 → 1600 is a ≥ 50 % reduction, < 3500.
        let input = ResponseInput {
            upcr_base: Some(dec!(6400)),
            upcr_cur: Some(dec!(3200)),
            ..input_of(&vectors()[0])
        };
        assert_eq!(run(ResponseVariant::EularEraEdta2019, &input).response, N);
        let config = MeasureConfig {
            eular_subnephrotic_upcr_max_mg_g: dec!(3500),
            ..MeasureConfig::default()
        };
        assert_eq!(
            evaluate(ResponseVariant::EularEraEdta2019, &input, &config).response,
            P
        );
    }

    // ---- precedence and missing inputs (§3.1, §3.3, erratum 7) ----

    #[test]
    fn rescue_is_mandatory_for_every_variant() {
        for variant in ResponseVariant::ALL {
            let input = ResponseInput {
                rescue: Option::None,
                ..input_of(&vectors()[0])
            };
            let got = run(variant, &input);
            assert_eq!(got.response, NE, "{variant:?}");
            assert!(
                got.status.missing().contains(&"rescue".to_owned()),
                "{variant:?}"
            );
        }
    }

    #[test]
    fn rescue_true_gives_none_before_missing_inputs() {
        for variant in ResponseVariant::ALL {
            let input = ResponseInput {
                rescue: Some(true),
                ..ResponseInput::default()
            };
            let got = run(variant, &input);
            assert_eq!(
                (got.response, got.status),
                (N, Status::Complete),
                "{variant:?}"
            );
        }
    }

    #[test]
    fn steroid_ok_is_mandatory_for_aurora_only() {
        let input = ResponseInput {
            steroid_ok: Option::None,
            ..input_of(&vectors()[0])
        };
        let got = run(ResponseVariant::Aurora, &input);
        assert_eq!(got.status, Status::not_evaluable(["steroid_ok"]));
        assert_eq!(run(ResponseVariant::Kdigo2024, &input).response, C);
    }

    #[test]
    fn kidney_failure_gives_none_for_every_variant() {
        for variant in ResponseVariant::ALL {
            let input = ResponseInput {
                kidney_failure: Some(true),
                rescue: Option::None,
                ..input_of(&vectors()[0])
            };
            assert_eq!(run(variant, &input).response, N, "{variant:?}");
            let input = ResponseInput {
                kidney_failure: Some(false),
                scr_cur: Some(dec!(1.0)),
                scr_prior_baseline: Some(dec!(1.0)),
                ..input_of(&vectors()[0])
            };
            assert_ne!(run(variant, &input).response, NE, "{variant:?}");
        }
    }

    #[test]
    fn kdigo_decision_table_rows_with_missing_inputs() {
        let base = input_of(&vectors()[0]);
        // Row 2: upcr_cur, egfr_base or egfr_cur missing ⇒ NotEvaluable, naming them.
        let got = run(
            ResponseVariant::Kdigo2024,
            &ResponseInput {
                upcr_cur: Option::None,
                egfr_base: Option::None,
                ..base.clone()
            },
        );
        assert_eq!(got.status, Status::not_evaluable(["upcr_cur", "egfr_base"]));
        // Row 3: upcr_base missing but complete ⇒ Complete.
        let no_base = ResponseInput {
            upcr_base: Option::None,
            ..base.clone()
        };
        assert_eq!(run(ResponseVariant::Kdigo2024, &no_base).response, C);
        // Row 8: upcr_base missing, not complete ⇒ NotEvaluable naming upcr_base.
        let got = run(
            ResponseVariant::Kdigo2024,
            &ResponseInput {
                upcr_cur: Some(dec!(1500)),
                ..no_base.clone()
            },
        );
        assert_eq!(got.status, Status::not_evaluable(["upcr_base"]));
        // Row 5: eGFR fails ⇒ None even without upcr_base (three-valued logic).
        let got = run(
            ResponseVariant::Kdigo2024,
            &ResponseInput {
                upcr_cur: Some(dec!(1500)),
                egfr_cur: Some(50),
                ..no_base.clone()
            },
        );
        assert_eq!((got.response, got.status), (N, Status::Complete));
        // Row 7: reduction known TRUE but UPCR ≥ 3000 ⇒ None.
        let got = run(
            ResponseVariant::Kdigo2024,
            &ResponseInput {
                upcr_base: Some(dec!(9000)),
                upcr_cur: Some(dec!(3000)),
                ..base.clone()
            },
        );
        assert_eq!(got.response, N);
        // Base 0: reduction undefined ⇒ NotEvaluable, flagged.
        let got = run(
            ResponseVariant::Kdigo2024,
            &ResponseInput {
                upcr_base: Some(dec!(0)),
                upcr_cur: Some(dec!(800)),
                ..base
            },
        );
        assert_eq!(got.status, Status::not_evaluable(["upcr_base"]));
        assert!(got.flags.reduction_undefined_zero_base);
    }

    #[test]
    fn bliss_and_acr_do_not_need_the_baseline_upcr() {
        let input = ResponseInput {
            upcr_base: Option::None,
            ..input_of(&vectors()[11]) // R12
        };
        assert_eq!(run(ResponseVariant::BlissLn, &input).response, P);
        assert_eq!(run(ResponseVariant::Acr, &input).response, P);
        // AURORA partial needs the reduction.
        let got = run(ResponseVariant::Aurora, &input);
        assert_eq!(got.status, Status::not_evaluable(["upcr_base"]));
    }

    #[test]
    fn eular_and_bliss_reference_is_preflare_else_baseline() {
        let r14 = &vectors()[13];
        let got = run(ResponseVariant::BlissLn, &input_of(r14));
        assert_eq!(
            got.egfr_reference,
            Some(EgfrReference {
                value: 110,
                source: EgfrReferenceSource::PreFlare
            })
        );
        assert!(!got.flags.preflare_missing);
        let got = run(ResponseVariant::BlissLn, &input_of(&vectors()[0]));
        assert_eq!(
            got.egfr_reference.map(|r| r.source),
            Some(EgfrReferenceSource::Baseline)
        );
        assert!(got.flags.preflare_missing);
        // Pre-flare alone is a sufficient reference.
        let input = ResponseInput {
            egfr_base: Option::None,
            ..input_of(r14)
        };
        assert_eq!(run(ResponseVariant::EularEraEdta2019, &input).response, N);
        assert_eq!(run(ResponseVariant::BlissLn, &input).response, P);
        let input = ResponseInput {
            egfr_preflare: Option::None,
            ..input
        };
        let got = run(ResponseVariant::BlissLn, &input);
        assert_eq!(got.status, Status::not_evaluable(["egfr_base"]));
    }

    #[test]
    fn baseline_below_complete_threshold_flag() {
        let input = ResponseInput {
            upcr_base: Some(dec!(450)),
            upcr_cur: Some(dec!(300)),
            ..input_of(&vectors()[0])
        };
        let got = run(ResponseVariant::Kdigo2024, &input);
        assert!(got.flags.baseline_below_complete_threshold);
        assert_eq!(got.response, C);
        let input = ResponseInput {
            upcr_base: Some(dec!(500)),
            ..input
        };
        assert!(
            !run(ResponseVariant::Kdigo2024, &input)
                .flags
                .baseline_below_complete_threshold
        );
        // AURORA's criterion is ≤ 500.
        assert!(
            run(ResponseVariant::Aurora, &input)
                .flags
                .baseline_below_complete_threshold
        );
    }

    #[test]
    fn eular_time_target_flags() {
        let at = |months: u16, cur: Decimal| {
            let input = ResponseInput {
                upcr_base: Some(dec!(2000)),
                upcr_cur: Some(cur),
                months_since_baseline: Some(months),
                ..input_of(&vectors()[0])
            };
            run(ResponseVariant::EularEraEdta2019, &input).flags
        };
        // ≥ 25 % reduction ⇔ 4·cur ≤ 3·base: 1500 at, 1501 just below the target.
        assert_eq!(at(3, dec!(1500)).eular_early_3m, Some(Tri::True));
        assert_eq!(at(3, dec!(1500.1)).eular_early_3m, Some(Tri::False));
        assert_eq!(at(4, dec!(1500)).eular_early_3m, Option::None);
        // ≥ 50 % by month 6.
        assert_eq!(at(6, dec!(1000)).eular_partial_6m, Some(Tri::True));
        assert_eq!(at(6, dec!(1000.1)).eular_partial_6m, Some(Tri::False));
        assert_eq!(at(9, dec!(1000)).eular_partial_6m, Option::None);
        // Not reported without months_since_baseline.
        let got = run(ResponseVariant::EularEraEdta2019, &input_of(&vectors()[0]));
        assert_eq!(got.flags.eular_early_3m, Option::None);
    }

    // ---- boundaries: value at, just below, just above each threshold ----

    fn with(cur: Decimal, egfr: (u16, u16)) -> ResponseInput {
        ResponseInput {
            upcr_base: Some(dec!(10000)),
            upcr_cur: Some(cur),
            egfr_base: Some(egfr.0),
            egfr_cur: Some(egfr.1),
            ..input_of(&vectors()[0])
        }
    }

    #[test]
    fn boundary_upcr_500() {
        let cases = [
            (dec!(499.9), [C, C, C, C, C]),
            (dec!(500), [P, P, C, P, P]),
            (dec!(500.1), [P, P, P, P, P]),
        ];
        let variants = [
            ResponseVariant::Kdigo2024,
            ResponseVariant::EularEraEdta2019,
            ResponseVariant::Aurora,
            ResponseVariant::Kdigo2012,
            ResponseVariant::BlissLn,
        ];
        for (cur, expected) in cases {
            for (variant, want) in variants.iter().zip(expected) {
                let input = ResponseInput {
                    scr_cur: Some(dec!(1.0)),
                    scr_base: Some(dec!(1.0)),
                    scr_prior_baseline: Some(dec!(1.0)),
                    ..with(cur, (80, 80))
                };
                assert_eq!(
                    run(*variant, &input).response,
                    want,
                    "{variant:?} UPCR {cur}"
                );
            }
        }
    }

    #[test]
    fn boundary_upcr_3000_partial_ceiling() {
        for (cur, want) in [(dec!(2999.9), P), (dec!(3000), N), (dec!(3000.1), N)] {
            let input = with(cur, (80, 80));
            assert_eq!(
                run(ResponseVariant::Kdigo2024, &input).response,
                want,
                "KDIGO {cur}"
            );
            assert_eq!(
                run(ResponseVariant::EularEraEdta2019, &input).response,
                want,
                "EULAR {cur}"
            );
        }
    }

    #[test]
    fn boundary_upcr_700_bliss_perr() {
        for (cur, want) in [(dec!(699.9), P), (dec!(700), P), (dec!(700.1), N)] {
            let got = run(ResponseVariant::BlissLn, &with(cur, (80, 80)));
            assert_eq!(got.response, want, "BLISS PERR {cur}");
        }
    }

    #[test]
    fn boundary_reduction_half() {
        // 2·cur ≤ base: base 2400 ⇒ 1200 at the threshold.
        for (cur, want) in [(dec!(1199.9), P), (dec!(1200), P), (dec!(1200.1), N)] {
            let input = ResponseInput {
                upcr_base: Some(dec!(2400)),
                ..with(cur, (80, 80))
            };
            assert_eq!(
                run(ResponseVariant::Kdigo2024, &input).response,
                want,
                "KDIGO {cur}"
            );
            assert_eq!(
                run(ResponseVariant::Aurora, &input).response,
                want,
                "AURORA {cur}"
            );
        }
    }

    #[test]
    fn boundary_acr_200_and_2000() {
        for (cur, want) in [
            (dec!(199.9), C),
            (dec!(200), P),
            (dec!(2000), P),
            (dec!(2000.1), N),
        ] {
            let got = run(ResponseVariant::Acr, &with(cur, (95, 95)));
            assert_eq!(got.response, want, "ACR UPCR {cur}");
        }
    }

    #[test]
    fn boundary_kdigo_egfr_tolerance() {
        // tol .15 on base 100: 85 at, 84 below; tol .10: 90 at, 89 below.
        for (tol, cur, want) in [
            (dec!(0.15), 84, N),
            (dec!(0.15), 85, C),
            (dec!(0.15), 86, C),
            (dec!(0.10), 89, N),
            (dec!(0.10), 90, C),
            (dec!(0.10), 91, C),
        ] {
            let input = ResponseInput {
                egfr_tolerance: Some(tol),
                ..with(dec!(100), (100, cur))
            };
            assert_eq!(
                run(ResponseVariant::Kdigo2024, &input).response,
                want,
                "tol {tol} eGFR {cur}"
            );
        }
        // Non-integer product: 0.85 × 95 = 80.75 ⇒ 80 fails, 81 passes.
        for (cur, want) in [(80, N), (81, C)] {
            let got = run(ResponseVariant::Kdigo2024, &with(dec!(100), (95, cur)));
            assert_eq!(got.response, want, "0.85 × 95 vs {cur}");
        }
    }

    #[test]
    fn boundary_egfr_ninety_percent_and_floor_90() {
        // EULAR / BLISS CRR: 10·cur ≥ 9·ref; ref 80 ⇒ 72 at; floor 90 with a high reference.
        for variant in [ResponseVariant::EularEraEdta2019, ResponseVariant::BlissLn] {
            for (egfr, want) in [((80, 71), false), ((80, 72), true), ((80, 73), true)] {
                let got = run(variant, &with(dec!(100), egfr));
                assert_eq!(
                    got.components.egfr_ok,
                    Some(Tri::from(want)),
                    "{variant:?} {egfr:?}"
                );
            }
            for (egfr, want) in [((150, 89), false), ((150, 90), true), ((150, 91), true)] {
                let got = run(variant, &with(dec!(100), egfr));
                assert_eq!(
                    got.components.egfr_ok,
                    Some(Tri::from(want)),
                    "{variant:?} {egfr:?}"
                );
            }
        }
    }

    #[test]
    fn boundary_egfr_eighty_percent_and_floor_60() {
        // BLISS PERR / AURORA CRR: 5·cur ≥ 4·ref; ref 70 ⇒ 56 at; floor 60.
        for (egfr, want) in [
            ((70, 55), false),
            ((70, 56), true),
            ((70, 57), true),
            ((100, 59), false),
            ((100, 60), true),
            ((100, 61), true),
        ] {
            let bliss = run(ResponseVariant::BlissLn, &with(dec!(600), egfr));
            assert_eq!(
                bliss.components.partial_egfr_ok,
                Some(Tri::from(want)),
                "BLISS {egfr:?}"
            );
            let aurora = run(ResponseVariant::Aurora, &with(dec!(100), egfr));
            assert_eq!(
                aurora.components.egfr_ok,
                Some(Tri::from(want)),
                "AURORA {egfr:?}"
            );
        }
    }

    #[test]
    fn boundary_acr_egfr() {
        // Base ≥ 90 ⇒ cur ≥ 90; base < 90 ⇒ cur ≥ 90 or 4·cur ≥ 5·base (base 80 ⇒ 100; base 64 ⇒ 80).
        for (egfr, want) in [
            ((90, 89), false),
            ((90, 90), true),
            ((64, 79), false),
            ((64, 80), true),
            ((64, 81), true),
            ((80, 89), false),
            ((80, 90), true),
        ] {
            let got = run(ResponseVariant::Acr, &with(dec!(100), egfr));
            assert_eq!(
                got.components.egfr_ok,
                Some(Tri::from(want)),
                "ACR {egfr:?}"
            );
        }
    }

    // ---- KDIGO 2012 (serum creatinine): own vectors at each boundary ----

    fn kdigo_2012(base: Decimal, cur: Decimal, scr: (Decimal, Decimal, Decimal)) -> ResponseResult {
        let input = ResponseInput {
            upcr_base: Some(base),
            upcr_cur: Some(cur),
            scr_base: Some(scr.0),
            scr_prior_baseline: Some(scr.1),
            scr_cur: Some(scr.2),
            rescue: Some(false),
            ..ResponseInput::default()
        };
        run(ResponseVariant::Kdigo2012, &input)
    }

    #[test]
    fn kdigo_2012_vectors() {
        let rows = [
            // (id, upcr base→cur, Scr base, prior, cur, expected)
            (
                "K1 complete",
                dec!(3200),
                dec!(400),
                (dec!(1.2), dec!(0.9), dec!(0.9)),
                C,
            ),
            (
                "K2 Scr above prior",
                dec!(3200),
                dec!(400),
                (dec!(1.2), dec!(0.9), dec!(0.91)),
                P,
            ),
            (
                "K3 UPCR 500 not < 500",
                dec!(3200),
                dec!(500),
                (dec!(1.2), dec!(0.9), dec!(0.9)),
                P,
            ),
            (
                "K4 UPCR 499.9",
                dec!(3200),
                dec!(499.9),
                (dec!(1.2), dec!(0.9), dec!(0.9)),
                C,
            ),
            (
                "K5 Scr 1.25× base at",
                dec!(2000),
                dec!(1000),
                (dec!(1.2), dec!(0.9), dec!(1.5)),
                P,
            ),
            (
                "K6 Scr above 1.25×",
                dec!(2000),
                dec!(1000),
                (dec!(1.2), dec!(0.9), dec!(1.51)),
                N,
            ),
            (
                "K7 nephrotic base, 3000",
                dec!(8000),
                dec!(3000),
                (dec!(1.0), dec!(1.0), dec!(1.0)),
                N,
            ),
            (
                "K8 nephrotic base, 2999.9",
                dec!(8000),
                dec!(2999.9),
                (dec!(1.0), dec!(1.0), dec!(1.0)),
                P,
            ),
            (
                "K9 base 2999, no ceiling",
                dec!(2999),
                dec!(1400),
                (dec!(1.0), dec!(1.0), dec!(1.0)),
                P,
            ),
            (
                "K10 reduction < 50 %",
                dec!(2000),
                dec!(1000.1),
                (dec!(1.0), dec!(1.0), dec!(1.0)),
                N,
            ),
        ];
        for (id, base, cur, scr, want) in rows {
            assert_eq!(kdigo_2012(base, cur, scr).response, want, "{id}");
        }
    }

    #[test]
    fn kdigo_2012_missing_references() {
        let input = ResponseInput {
            upcr_base: Some(dec!(3200)),
            upcr_cur: Some(dec!(400)),
            scr_cur: Some(dec!(1.0)),
            scr_base: Some(dec!(1.0)),
            rescue: Some(false),
            ..ResponseInput::default()
        };
        // Complete unknown without the prior baseline, partial TRUE ⇒ not evaluable.
        let got = run(ResponseVariant::Kdigo2012, &input);
        assert_eq!(got.status, Status::not_evaluable(["scr_prior_baseline"]));
        // UPCR ≥ 500 makes complete FALSE: the prior baseline is not needed.
        let got = run(
            ResponseVariant::Kdigo2012,
            &ResponseInput {
                upcr_cur: Some(dec!(1200)),
                ..input.clone()
            },
        );
        assert_eq!((got.response, got.status), (P, Status::Complete));
        let got = run(
            ResponseVariant::Kdigo2012,
            &ResponseInput {
                scr_cur: Option::None,
                ..input
            },
        );
        assert_eq!(got.status, Status::not_evaluable(["scr_cur"]));
    }

    // ---- property: raising only upcr_cur never improves the response ----

    fn arb_input() -> impl Strategy<Value = ResponseInput> {
        let upcr = || proptest::option::weighted(0.9, (0u32..=30_000u32).prop_map(Decimal::from));
        let egfr = || proptest::option::weighted(0.9, 0u16..=200u16);
        let scr = || {
            proptest::option::weighted(
                0.9,
                (10u32..=2500u32).prop_map(|v| Decimal::new(v.into(), 2)),
            )
        };
        let flag = || proptest::option::weighted(0.9, any::<bool>());
        (
            (upcr(), upcr(), egfr(), egfr(), egfr()),
            (flag(), flag(), flag(), flag()),
            (scr(), scr(), scr()),
            (
                prop_oneof![Just(dec!(0.10)), Just(dec!(0.15))],
                0u16..=24u16,
            ),
        )
            .prop_map(
                |(
                    (ub, uc, eb, ec, ep),
                    (rescue, steroid, sediment, kf),
                    (sb, sc, sp),
                    (tol, m),
                )| {
                    ResponseInput {
                        upcr_base: ub,
                        upcr_cur: uc,
                        egfr_base: eb,
                        egfr_cur: ec,
                        egfr_preflare: ep,
                        rescue,
                        steroid_ok: steroid,
                        sediment_active: sediment,
                        scr_base: sb,
                        scr_cur: sc,
                        scr_prior_baseline: sp,
                        egfr_tolerance: Some(tol),
                        months_since_baseline: Some(m),
                        kidney_failure: kf,
                    }
                },
            )
    }

    proptest! {
        #[test]
        fn raising_upcr_cur_never_improves_the_response(
            input in arb_input(),
            cur in 0u32..=30_000u32,
            rise in 0u32..=30_000u32,
        ) {
            let low = ResponseInput { upcr_cur: Some(Decimal::from(cur)), ..input.clone() };
            let high = ResponseInput { upcr_cur: Some(Decimal::from(cur + rise)), ..input };
            for variant in ResponseVariant::ALL {
                let before = run(variant, &low).response.rank();
                let after = run(variant, &high).response.rank();
                if let (Some(before), Some(after)) = (before, after) {
                    prop_assert!(after <= before, "{:?}: {} → {}", variant, before, after);
                }
            }
        }
    }
}

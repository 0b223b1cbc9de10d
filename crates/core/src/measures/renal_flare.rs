//! Renal flare after a documented renal response: four named definitions (renal.md §4).
//!
//! Each variant is a pure comparison of a *current* assessment with a *reference* assessment
//! ([`compare`]); [`evaluate_series`] walks a patient's ordered assessments, picks each
//! variant's reference and applies the reproducibility rule of renal.md §4 (intro):
//!
//! * reference — KDIGO 2012, EULAR/ERA-EDTA 2012 and AURORA 2 compare with the **post-response
//!   value**: [DECISION] the latest earlier visit whose documented response is complete or
//!   partial and which did not itself meet the flare criterion (so a flaring visit never becomes
//!   the reference of its own confirmation). Moroni compares with the **previous value** (the
//!   immediately preceding visit), once a response has been documented at an earlier visit.
//! * reproducibility — "a flare criterion MUST be met on two measurements ≥ 1 week apart unless
//!   the variant says otherwise" [DECISION]. None of the four definitions says otherwise, so all
//!   four require confirmation ([`FlareVariant::requires_confirmation`]); `criterion_met` (this
//!   visit against its reference) is reported separately from `confirmed` (this visit meets the
//!   criterion against the reference of an earlier visit that met it ≥ 7 days before).
//!
//! Thresholds are compared exactly (renal.md §0.2.2): Scr in mg/dL, UPCR in mg/g and 24-h
//! protein in g as `Decimal`, eGFR as the reported integer, ratios by cross-multiplication.

use jiff::civil::Date;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::{InputError, Status, Tri};

/// A named renal flare definition (renal.md §4.1–§4.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
pub enum FlareVariant {
    /// KDIGO GN guideline 2012, Table 29 (Kidney Int Suppl 2012;2:221-232): mild / moderate /
    /// severe relapse (renal.md §4.1).
    #[serde(rename = "kdigo_2012_relapse")]
    Kdigo2012Relapse,
    /// Moroni proteinuric / nephritic flares as used in Lupus Sci Med 2022 (PMC9386217,
    /// Table 1) (renal.md §4.2).
    #[serde(rename = "moroni")]
    Moroni,
    /// EULAR/ERA-EDTA 2012 (Bertsias, Ann Rheum Dis 2012;71:1771-1782) — [UNVERIFIED wording]
    /// (renal.md §4.3); every result carries `unverified`.
    #[serde(rename = "eular_era_edta_2012")]
    EularEraEdta2012,
    /// AURORA 2 renal flare (Lupus Sci Med 2022;9(Suppl 2):A85) (renal.md §4.4).
    #[serde(rename = "aurora2")]
    Aurora2,
}

impl FlareVariant {
    pub const ALL: [FlareVariant; 4] = [
        FlareVariant::Kdigo2012Relapse,
        FlareVariant::Moroni,
        FlareVariant::EularEraEdta2012,
        FlareVariant::Aurora2,
    ];

    /// renal.md §4 intro [DECISION]: met on two measurements ≥ 1 week apart unless the variant
    /// says otherwise; none of the four does (EULAR 2012 says "reproducible" explicitly).
    pub const fn requires_confirmation(self) -> bool {
        true
    }

    /// EULAR/ERA-EDTA 2012 wording is [UNVERIFIED] (renal.md §4.3, §C).
    pub const fn unverified(self) -> bool {
        matches!(self, FlareVariant::EularEraEdta2012)
    }

    /// Whether the reference is the post-response value (else the previous visit).
    const fn uses_post_response_reference(self) -> bool {
        !matches!(self, FlareVariant::Moroni)
    }
}

/// The documented renal response a visit's values belong to (the response the flare is
/// evaluated after).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum DocumentedResponse {
    Complete,
    Partial,
    None,
}

/// One assessment's renal values. Units: Scr mg/dL, UPCR mg/g, 24-h protein g/24 h, eGFR the
/// reported integer, urine RBC cells/hpf. `None` = not recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlareVisit {
    pub visit_date: Date,
    pub scr: Option<Decimal>,
    pub egfr: Option<u16>,
    pub upcr: Option<Decimal>,
    pub urine_protein_24h_g: Option<Decimal>,
    pub urine_rbc_per_hpf: Option<u16>,
    /// ≥ 2 acanthocytes per hpf (glomerular hematuria).
    pub acanthocytes_ge_2: Option<bool>,
    /// ≥ 1 RBC cast or WBC cast (no infection).
    pub rbc_or_wbc_casts: Option<bool>,
    /// Nephritic (active) urinary sediment.
    pub sediment_active: Option<bool>,
    /// The documented renal response at this visit.
    pub response_status: Option<DocumentedResponse>,
}

impl FlareVisit {
    /// A visit on `visit_date` with nothing recorded.
    pub fn blank(visit_date: Date) -> FlareVisit {
        FlareVisit {
            visit_date,
            scr: None,
            egfr: None,
            upcr: None,
            urine_protein_24h_g: None,
            urine_rbc_per_hpf: None,
            acanthocytes_ge_2: None,
            rbc_or_wbc_casts: None,
            sediment_active: None,
            response_status: None,
        }
    }

    fn has(&self, field: Field) -> bool {
        match field {
            Field::Scr => self.scr.is_some(),
            Field::Egfr => self.egfr.is_some(),
            Field::Upcr => self.upcr.is_some(),
            Field::UrineProtein24h => self.urine_protein_24h_g.is_some(),
            Field::UrineRbc => self.urine_rbc_per_hpf.is_some(),
            Field::Acanthocytes => self.acanthocytes_ge_2.is_some(),
            Field::Casts => self.rbc_or_wbc_casts.is_some(),
            Field::Sediment => self.sediment_active.is_some(),
        }
    }
}

/// A patient's assessments, baseline first, visit dates strictly ascending (parsed once).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VisitSeries(Vec<FlareVisit>);

impl VisitSeries {
    /// Refuses a visit dated on or before its predecessor, naming `visits[i].visit_date`.
    pub fn new(visits: Vec<FlareVisit>) -> Result<VisitSeries, InputError> {
        for (i, pair) in visits.windows(2).enumerate() {
            if pair[1].visit_date <= pair[0].visit_date {
                return Err(InputError::new(
                    format!("visits[{}].visit_date", i + 1),
                    pair[1].visit_date,
                    format!(
                        "visit dates must be strictly ascending (previous visit {})",
                        pair[0].visit_date
                    ),
                ));
            }
        }
        Ok(VisitSeries(visits))
    }

    pub fn visits(&self) -> &[FlareVisit] {
        &self.0
    }
}

/// An input of a comparison, for naming what is missing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Scr,
    Egfr,
    Upcr,
    UrineProtein24h,
    UrineRbc,
    Acanthocytes,
    Casts,
    Sediment,
}

impl Field {
    const fn name(self) -> &'static str {
        match self {
            Field::Scr => "scr",
            Field::Egfr => "egfr",
            Field::Upcr => "upcr",
            Field::UrineProtein24h => "urine_protein_24h_g",
            Field::UrineRbc => "urine_rbc_per_hpf",
            Field::Acanthocytes => "acanthocytes_ge_2",
            Field::Casts => "rbc_or_wbc_casts",
            Field::Sediment => "sediment_active",
        }
    }
}

/// Which side of a comparison a missing field belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Reference,
    Current,
}

/// KDIGO 2012 relapse severity (renal.md §4.1), ordered None < Mild < Moderate < Severe.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    None,
    Mild,
    Moderate,
    Severe,
}

/// What one comparison found, per variant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Finding {
    /// KDIGO 2012: the severity is at least `lower` and at most `upper` (equal when every
    /// deciding input was recorded).
    Kdigo2012Relapse { lower: Severity, upper: Severity },
    /// Moroni: each flare type's criterion. A flare meeting both is nephritic ("proteinuric …
    /// without creatinine change").
    Moroni { proteinuric: Tri, nephritic: Tri },
    /// EULAR/ERA-EDTA 2012 [UNVERIFIED].
    EularEraEdta2012 { proteinuric: Tri, nephritic: Tri },
    /// AURORA 2.
    Aurora2 { flare: Tri },
}

/// One comparison of a current assessment with a reference assessment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comparison {
    pub finding: Finding,
    /// Any flare of this variant.
    pub criterion_met: Tri,
    /// Inputs whose absence left a deciding criterion UNKNOWN.
    pub missing: Vec<(Role, &'static str)>,
    /// Set when the variant is undefined for this reference (stable snake_case code).
    pub not_applicable: Option<&'static str>,
}

/// A criterion with the inputs it reads.
struct Criterion {
    value: Tri,
    reads: &'static [(Role, Field)],
}

fn crit(value: Tri, reads: &'static [(Role, Field)]) -> Criterion {
    Criterion { value, reads }
}

const REF: Role = Role::Reference;
const CUR: Role = Role::Current;

fn missing_of(
    criteria: &[&Criterion],
    reference: &FlareVisit,
    current: &FlareVisit,
) -> Vec<(Role, &'static str)> {
    let mut missing = Vec::new();
    for c in criteria.iter().filter(|c| c.value == Tri::Unknown) {
        for &(role, field) in c.reads {
            let visit = if role == REF { reference } else { current };
            let entry = (role, field.name());
            if !visit.has(field) && !missing.contains(&entry) {
                missing.push(entry);
            }
        }
    }
    missing
}

fn both<A: Copy, B: Copy>(a: Option<A>, b: Option<B>, holds: impl Fn(A, B) -> bool) -> Tri {
    match (a, b) {
        (Some(a), Some(b)) => Tri::from(holds(a, b)),
        _ => Tri::Unknown,
    }
}

fn one<A: Copy>(a: Option<A>, holds: impl Fn(A) -> bool) -> Tri {
    a.map_or(Tri::Unknown, |a| Tri::from(holds(a)))
}

fn d(value: i64, scale: u32) -> Decimal {
    Decimal::new(value, scale)
}

/// KDIGO 2012 relapse (renal.md §4.1, Table 29), `reference` = post-response values.
///
/// * Mild: glomerular hematuria from < 5 to > 15 RBC/hpf with ≥ 2 acanthocytes/hpf, and/or
///   ≥ 1 RBC or WBC cast reappearing.
/// * Moderate: Scr rise 0.20–1.0 mg/dL (reference < 2.0) or 0.40–1.5 (reference ≥ 2.0, so 2.0
///   uses this row), inclusive; and/or UPCR ≥ 1000 mg/g from < 500, ≥ 2000 from 500–1000,
///   ≥ 2 × reference from > 1000, each with the new UPCR ≤ 5000 ([DECISION]: exactly 5000 is
///   moderate when the rise rule is met).
/// * Severe: Scr rise > 1.0 (reference < 2.0) or > 1.5 (≥ 2.0); and/or UPCR > 5000 mg/g.
/// * Severity is the highest level triggered.
pub fn kdigo_2012_relapse(reference: &FlareVisit, current: &FlareVisit) -> Comparison {
    let five_thousand = Decimal::from(5000);
    let high_base = |r: Decimal| r >= Decimal::TWO;
    let scr_moderate = both(reference.scr, current.scr, |r, c| {
        let delta = c - r;
        if high_base(r) {
            d(40, 2) <= delta && delta <= d(15, 1)
        } else {
            d(20, 2) <= delta && delta <= Decimal::ONE
        }
    });
    let scr_severe = both(reference.scr, current.scr, |r, c| {
        let delta = c - r;
        if high_base(r) {
            delta > d(15, 1)
        } else {
            delta > Decimal::ONE
        }
    });
    let upcr_moderate = both(reference.upcr, current.upcr, |r, c| {
        let rise = if r < Decimal::from(500) {
            c >= Decimal::from(1000)
        } else if r <= Decimal::from(1000) {
            c >= Decimal::from(2000)
        } else {
            c >= Decimal::TWO * r
        };
        rise && c <= five_thousand
    });
    let upcr_severe = one(current.upcr, |c| c > five_thousand);
    let hematuria = Tri::all([
        one(reference.urine_rbc_per_hpf, |r| r < 5),
        one(current.urine_rbc_per_hpf, |c| c > 15),
        Tri::from_option(current.acanthocytes_ge_2),
    ]);
    let casts_reappear = Tri::from_option(current.rbc_or_wbc_casts)
        .and(Tri::from_option(reference.rbc_or_wbc_casts).not());

    let scr_reads: &[(Role, Field)] = &[(REF, Field::Scr), (CUR, Field::Scr)];
    let upcr_reads: &[(Role, Field)] = &[(REF, Field::Upcr), (CUR, Field::Upcr)];
    let severe = [
        crit(scr_severe, scr_reads),
        crit(upcr_severe, &[(CUR, Field::Upcr)]),
    ];
    let moderate = [
        crit(scr_moderate, scr_reads),
        crit(upcr_moderate, upcr_reads),
    ];
    let mild = [
        crit(
            hematuria,
            &[
                (REF, Field::UrineRbc),
                (CUR, Field::UrineRbc),
                (CUR, Field::Acanthocytes),
            ],
        ),
        crit(casts_reappear, &[(REF, Field::Casts), (CUR, Field::Casts)]),
    ];
    let levels = [
        (Severity::Severe, &severe),
        (Severity::Moderate, &moderate),
        (Severity::Mild, &mild),
    ];

    let any = |cs: &[Criterion; 2]| Tri::any(cs.iter().map(|c| c.value));
    let lower = levels
        .iter()
        .find(|(_, cs)| any(cs) == Tri::True)
        .map_or(Severity::None, |(level, _)| *level);
    let upper = levels
        .iter()
        .find(|(_, cs)| any(cs) != Tri::False)
        .map_or(Severity::None, |(level, _)| *level);
    // Only criteria that could raise the severity above `lower` are worth naming.
    let undecided: Vec<&Criterion> = levels
        .iter()
        .filter(|(level, _)| *level > lower)
        .flat_map(|(_, cs)| cs.iter())
        .collect();
    let criterion_met = if lower > Severity::None {
        Tri::True
    } else if upper == Severity::None {
        Tri::False
    } else {
        Tri::Unknown
    };
    Comparison {
        finding: Finding::Kdigo2012Relapse { lower, upper },
        criterion_met,
        missing: missing_of(&undecided, reference, current),
        not_applicable: None,
    }
}

/// Moroni flares (renal.md §4.2), `previous` = the last value.
///
/// * Proteinuric: 24-h protein rises by ≥ 2 g/24 h from < 3.5, or doubles (`cur ≥ 2·prev`) from
///   ≥ 3.5 g/24 h.
/// * Nephritic: Scr rises ≥ 30 % over the last value (`10·cur ≥ 13·prev`, exact: vector M3)
///   with a nephritic sediment.
pub fn moroni(previous: &FlareVisit, current: &FlareVisit) -> Comparison {
    let proteinuric = both(
        previous.urine_protein_24h_g,
        current.urine_protein_24h_g,
        |p, c| {
            if p < d(35, 1) {
                c - p >= Decimal::TWO
            } else {
                c >= Decimal::TWO * p
            }
        },
    );
    let scr_rise = both(previous.scr, current.scr, |p, c| {
        Decimal::TEN * c >= Decimal::from(13) * p
    });
    let nephritic = scr_rise.and(Tri::from_option(current.sediment_active));
    let p = crit(
        proteinuric,
        &[(REF, Field::UrineProtein24h), (CUR, Field::UrineProtein24h)],
    );
    let n = crit(
        nephritic,
        &[(REF, Field::Scr), (CUR, Field::Scr), (CUR, Field::Sediment)],
    );
    Comparison {
        finding: Finding::Moroni {
            proteinuric,
            nephritic,
        },
        criterion_met: proteinuric.or(nephritic),
        missing: missing_of(&[&p, &n], previous, current),
        not_applicable: None,
    }
}

/// Parameters of the [UNVERIFIED] EULAR/ERA-EDTA 2012 flare definitions (renal.md §4.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Eular2012Parameters {
    /// Nephritic: Scr rise fraction (0.30).
    pub scr_rise: Decimal,
    /// Nephritic alternative: GFR fall fraction (0.10).
    pub gfr_fall: Decimal,
    /// Proteinuric: UPCR threshold in mg/mmol (100).
    pub upcr_after_cr_mg_mmol: Decimal,
    /// Proteinuric after a partial response requires a doubling (true).
    pub doubling_after_pr: bool,
}

impl Default for Eular2012Parameters {
    fn default() -> Self {
        Eular2012Parameters {
            scr_rise: d(30, 2),
            gfr_fall: d(10, 2),
            upcr_after_cr_mg_mmol: Decimal::from(100),
            doubling_after_pr: true,
        }
    }
}

/// 1 mg/mmol of creatinine = 8.840 mg/g (renal.md §2.2, creatinine 113.12 g/mol).
const MG_G_PER_MG_MMOL: Decimal = Decimal::from_parts(8840, 0, 0, false, 3);

/// EULAR/ERA-EDTA 2012 flares [UNVERIFIED] (renal.md §4.3), `reference` = post-response values
/// documented as `after`.
///
/// * Nephritic: Scr rise ≥ 30 % (`cur ≥ 1.3·ref`) or GFR fall ≥ 10 % (`cur ≤ 0.9·ref`), with
///   active sediment.
/// * Proteinuric: UPCR > 100 mg/mmol (= 884 mg/g) after a complete response; after a partial
///   response a doubling (`cur ≥ 2·ref`) to > 100 mg/mmol.
pub fn eular_era_edta_2012(
    reference: &FlareVisit,
    after: DocumentedResponse,
    current: &FlareVisit,
    parameters: &Eular2012Parameters,
) -> Comparison {
    let threshold = parameters.upcr_after_cr_mg_mmol * MG_G_PER_MG_MMOL;
    let above = one(current.upcr, |c| c > threshold);
    let (proteinuric, upcr_reads): (Tri, &'static [(Role, Field)]) = match after {
        DocumentedResponse::Partial if parameters.doubling_after_pr => (
            above.and(both(reference.upcr, current.upcr, |r, c| {
                c >= Decimal::TWO * r
            })),
            &[(REF, Field::Upcr), (CUR, Field::Upcr)],
        ),
        _ => (above, &[(CUR, Field::Upcr)]),
    };
    let scr_rise = both(reference.scr, current.scr, |r, c| {
        c >= (Decimal::ONE + parameters.scr_rise) * r
    });
    let gfr_fall = both(reference.egfr, current.egfr, |r, c| {
        Decimal::from(c) <= (Decimal::ONE - parameters.gfr_fall) * Decimal::from(r)
    });
    let nephritic = scr_rise
        .or(gfr_fall)
        .and(Tri::from_option(current.sediment_active));
    let p = crit(proteinuric, upcr_reads);
    let n = crit(
        nephritic,
        &[
            (REF, Field::Scr),
            (CUR, Field::Scr),
            (REF, Field::Egfr),
            (CUR, Field::Egfr),
            (CUR, Field::Sediment),
        ],
    );
    Comparison {
        finding: Finding::EularEraEdta2012 {
            proteinuric,
            nephritic,
        },
        criterion_met: proteinuric.or(nephritic),
        missing: missing_of(&[&p, &n], reference, current),
        not_applicable: None,
    }
}

/// AURORA 2 renal flare (renal.md §4.4): UPCR > 1000 mg/g from a post-response value < 200, or
/// more than 2000 mg/g from a post-response value of 200–1000 (inclusive: 200 belongs to this band).
/// Undefined from a post-response value > 1000 mg/g.
pub fn aurora2(reference: &FlareVisit, current: &FlareVisit) -> Comparison {
    let reads: &[(Role, Field)] = &[(REF, Field::Upcr), (CUR, Field::Upcr)];
    if reference.upcr.is_some_and(|r| r > Decimal::from(1000)) {
        return Comparison {
            finding: Finding::Aurora2 { flare: Tri::False },
            criterion_met: Tri::False,
            missing: Vec::new(),
            not_applicable: Some("post_response_upcr_above_1000"),
        };
    }
    let flare = both(reference.upcr, current.upcr, |r, c| {
        if r < Decimal::from(200) {
            c > Decimal::from(1000)
        } else {
            c > Decimal::from(2000)
        }
    });
    let f = crit(flare, reads);
    Comparison {
        finding: Finding::Aurora2 { flare },
        criterion_met: flare,
        missing: missing_of(&[&f], reference, current),
        not_applicable: None,
    }
}

/// Compares `current` with `reference` under `variant` (EULAR 2012 with its default
/// parameters; `after` is the response documented at the reference).
pub fn compare(
    variant: FlareVariant,
    reference: &FlareVisit,
    after: DocumentedResponse,
    current: &FlareVisit,
) -> Comparison {
    match variant {
        FlareVariant::Kdigo2012Relapse => kdigo_2012_relapse(reference, current),
        FlareVariant::Moroni => moroni(reference, current),
        FlareVariant::EularEraEdta2012 => {
            eular_era_edta_2012(reference, after, current, &Eular2012Parameters::default())
        }
        FlareVariant::Aurora2 => aurora2(reference, current),
    }
}

/// One visit's flare evaluation in a series.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlareVisitResult {
    /// `complete`; `incomplete` when a flare is found but a higher severity / the other flare
    /// type is undecided; `not_evaluable` when the criterion is undecided; `not_applicable`
    /// for the baseline, before any documented response, or when the variant is undefined.
    pub status: Status,
    /// Index of the reference visit used.
    pub reference_visit: Option<usize>,
    /// The comparison with the reference, when one was made.
    pub finding: Option<Finding>,
    /// This visit meets the criterion against its reference.
    pub criterion_met: Tri,
    /// This visit meets the criterion against the reference of an earlier visit that met it
    /// ≥ 7 days before (the reproducibility rule).
    pub confirmed: Tri,
    /// The earlier visit this visit confirms.
    pub confirms_visit: Option<usize>,
}

/// A series' flare evaluation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlareSeriesResult {
    pub variant: FlareVariant,
    pub confirmation_required: bool,
    pub unverified: bool,
    pub visits: Vec<FlareVisitResult>,
}

/// Minimum spacing of the two measurements of a reproducible flare (renal.md §4 intro).
const CONFIRMATION_DAYS: i32 = 7;

/// Evaluates every visit of `series` under `variant` (renal.md §4).
pub fn evaluate_series(variant: FlareVariant, series: &VisitSeries) -> FlareSeriesResult {
    let visits = series.visits();
    let mut results: Vec<FlareVisitResult> = Vec::with_capacity(visits.len());
    for (i, current) in visits.iter().enumerate() {
        let result = match reference_for(variant, visits, &results, i) {
            Err(reason) => FlareVisitResult {
                status: Status::not_applicable(reason),
                reference_visit: None,
                finding: None,
                criterion_met: Tri::Unknown,
                confirmed: Tri::Unknown,
                confirms_visit: None,
            },
            Ok((k, after)) => visit_result(variant, visits, &results, i, k, after, current),
        };
        results.push(result);
    }
    FlareSeriesResult {
        variant,
        confirmation_required: variant.requires_confirmation(),
        unverified: variant.unverified(),
        visits: results,
    }
}

fn visit_result(
    variant: FlareVariant,
    visits: &[FlareVisit],
    earlier: &[FlareVisitResult],
    i: usize,
    k: usize,
    after: DocumentedResponse,
    current: &FlareVisit,
) -> FlareVisitResult {
    let comparison = compare(variant, &visits[k], after, current);
    let name = |(role, field): (Role, &'static str)| {
        let index = if role == Role::Reference { k } else { i };
        format!("visits[{index}].{field}")
    };
    let missing: Vec<String> = comparison.missing.iter().copied().map(name).collect();
    let status = match (comparison.not_applicable, comparison.criterion_met) {
        (Some(reason), _) => Status::not_applicable(reason),
        (None, Tri::Unknown) => Status::NotEvaluable { missing },
        (None, _) if !missing.is_empty() => Status::Incomplete { missing },
        (None, _) => Status::Complete,
    };
    let (confirmed, confirms_visit) = confirmation(variant, visits, earlier, current);
    FlareVisitResult {
        status,
        reference_visit: Some(k),
        finding: Some(comparison.finding),
        criterion_met: comparison.criterion_met,
        confirmed,
        confirms_visit,
    }
}

/// The reference visit and the response documented there, or why there is none.
fn reference_for(
    variant: FlareVariant,
    visits: &[FlareVisit],
    earlier: &[FlareVisitResult],
    i: usize,
) -> Result<(usize, DocumentedResponse), &'static str> {
    if i == 0 {
        return Err("baseline_visit");
    }
    let responded = |v: &FlareVisit| {
        matches!(
            v.response_status,
            Some(DocumentedResponse::Complete | DocumentedResponse::Partial)
        )
    };
    if variant.uses_post_response_reference() {
        (0..i)
            .rev()
            .find(|&k| responded(&visits[k]) && earlier[k].criterion_met != Tri::True)
            .map(|k| (k, response_at(&visits[k])))
            .ok_or("no_documented_response")
    } else if visits[..i].iter().any(responded) {
        Ok((i - 1, response_at(&visits[i - 1])))
    } else {
        Err("no_documented_response")
    }
}

fn response_at(visit: &FlareVisit) -> DocumentedResponse {
    visit.response_status.unwrap_or(DocumentedResponse::None)
}

/// Whether `current` confirms a flare first met at an earlier visit j (against j's
/// reference) at least 7 days before.
fn confirmation(
    variant: FlareVariant,
    visits: &[FlareVisit],
    earlier: &[FlareVisitResult],
    current: &FlareVisit,
) -> (Tri, Option<usize>) {
    let mut confirmed = Tri::False;
    let mut confirms = None;
    for (j, first) in earlier.iter().enumerate() {
        let Some(k) = first.reference_visit else {
            continue;
        };
        if first.criterion_met != Tri::True
            || (current.visit_date - visits[j].visit_date).get_days() < CONFIRMATION_DAYS
        {
            continue;
        }
        let again = compare(variant, &visits[k], response_at(&visits[k]), current);
        if again.not_applicable.is_some() {
            continue;
        }
        match again.criterion_met {
            Tri::True => return (Tri::True, Some(j)),
            Tri::Unknown => {
                confirmed = Tri::Unknown;
                confirms = confirms.or(Some(j));
            }
            Tri::False => {}
        }
    }
    (
        confirmed,
        if confirmed == Tri::Unknown {
            confirms
        } else {
            None
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;
    use rust_decimal_macros::dec;

    fn visit(day: i8) -> FlareVisit {
        FlareVisit::blank(date(2024, 1, 1).saturating_add(jiff::Span::new().days(i64::from(day))))
    }

    /// A visit with a quiet sediment recorded (the "–" of the §4.1 table).
    fn quiet(scr: Decimal, upcr: u32) -> FlareVisit {
        FlareVisit {
            scr: Some(scr),
            upcr: Some(Decimal::from(upcr)),
            urine_rbc_per_hpf: Some(2),
            acanthocytes_ge_2: Some(false),
            rbc_or_wbc_casts: Some(false),
            ..visit(0)
        }
    }

    fn severity(c: &Comparison) -> (Severity, Severity) {
        match c.finding {
            Finding::Kdigo2012Relapse { lower, upper } => (lower, upper),
            other => panic!("not a KDIGO finding: {other:?}"),
        }
    }

    #[test]
    fn kdigo_2012_relapse_vectors_f1_to_f8() {
        let f4_current = FlareVisit {
            urine_rbc_per_hpf: Some(20),
            acanthocytes_ge_2: Some(true),
            ..quiet(dec!(1.1), 2900)
        };
        let f4_reference = FlareVisit {
            urine_rbc_per_hpf: Some(3),
            ..quiet(dec!(1.0), 1500)
        };
        let f8_current = FlareVisit {
            rbc_or_wbc_casts: Some(true),
            ..quiet(dec!(0.9), 2400)
        };
        let rows = [
            (
                "F1",
                quiet(dec!(0.8), 300),
                quiet(dec!(1.1), 600),
                Severity::Moderate,
            ),
            (
                "F2",
                quiet(dec!(0.9), 300),
                quiet(dec!(2.0), 400),
                Severity::Severe,
            ),
            (
                "F3",
                quiet(dec!(2.4), 800),
                quiet(dec!(2.7), 2100),
                Severity::Moderate,
            ),
            ("F4", f4_reference, f4_current, Severity::Mild),
            (
                "F5",
                quiet(dec!(1.0), 1500),
                quiet(dec!(1.1), 5600),
                Severity::Severe,
            ),
            (
                "F6",
                quiet(dec!(1.0), 400),
                quiet(dec!(1.19), 990),
                Severity::None,
            ),
            (
                "F7",
                quiet(dec!(2.0), 400),
                quiet(dec!(2.4), 600),
                Severity::Moderate,
            ),
            ("F8", quiet(dec!(0.7), 1200), f8_current, Severity::Moderate),
        ];
        for (id, reference, current, want) in rows {
            let got = kdigo_2012_relapse(&reference, &current);
            assert_eq!(severity(&got), (want, want), "{id}");
            assert_eq!(got.criterion_met, Tri::from(want > Severity::None), "{id}");
            assert!(got.missing.is_empty(), "{id}: {:?}", got.missing);
        }
    }

    #[test]
    fn kdigo_2012_without_sediment_keeps_bounds() {
        let bare = |scr: Decimal, upcr: u32| FlareVisit {
            scr: Some(scr),
            upcr: Some(Decimal::from(upcr)),
            ..visit(0)
        };
        // F1 without sediment: moderate is decided, mild is irrelevant.
        let got = kdigo_2012_relapse(&bare(dec!(0.8), 300), &bare(dec!(1.1), 600));
        assert_eq!(severity(&got), (Severity::Moderate, Severity::Moderate));
        assert!(got.missing.is_empty());
        // F6 without sediment: could be mild ⇒ undecided, naming the sediment inputs.
        let got = kdigo_2012_relapse(&bare(dec!(1.0), 400), &bare(dec!(1.19), 990));
        assert_eq!(severity(&got), (Severity::None, Severity::Mild));
        assert_eq!(got.criterion_met, Tri::Unknown);
        assert_eq!(
            got.missing,
            vec![
                (Role::Reference, "urine_rbc_per_hpf"),
                (Role::Current, "urine_rbc_per_hpf"),
                (Role::Current, "acanthocytes_ge_2"),
                (Role::Reference, "rbc_or_wbc_casts"),
                (Role::Current, "rbc_or_wbc_casts"),
            ]
        );
        // No Scr: a UPCR > 5000 is still severe.
        let got = kdigo_2012_relapse(
            &visit(0),
            &FlareVisit {
                upcr: Some(dec!(5001)),
                ..visit(1)
            },
        );
        assert_eq!(severity(&got), (Severity::Severe, Severity::Severe));
    }

    #[test]
    fn kdigo_2012_boundaries() {
        let sev = |r: (Decimal, u32), c: (Decimal, u32)| {
            severity(&kdigo_2012_relapse(&quiet(r.0, r.1), &quiet(c.0, c.1))).0
        };
        // Scr delta, reference < 2.0: 0.19 none, 0.20 moderate, 1.0 moderate, 1.01 severe.
        assert_eq!(sev((dec!(1.0), 300), (dec!(1.19), 300)), Severity::None);
        assert_eq!(sev((dec!(1.0), 300), (dec!(1.20), 300)), Severity::Moderate);
        assert_eq!(sev((dec!(1.0), 300), (dec!(2.0), 300)), Severity::Moderate);
        assert_eq!(sev((dec!(1.0), 300), (dec!(2.01), 300)), Severity::Severe);
        // Reference ≥ 2.0 (2.0 itself uses this row): 0.39 none, 0.40 moderate, 1.5 moderate, 1.51 severe.
        assert_eq!(sev((dec!(2.0), 300), (dec!(2.39), 300)), Severity::None);
        assert_eq!(
            sev((dec!(1.99), 300), (dec!(2.38), 300)),
            Severity::Moderate
        );
        assert_eq!(sev((dec!(2.0), 300), (dec!(2.40), 300)), Severity::Moderate);
        assert_eq!(sev((dec!(2.0), 300), (dec!(3.5), 300)), Severity::Moderate);
        assert_eq!(sev((dec!(2.0), 300), (dec!(3.51), 300)), Severity::Severe);
        // UPCR from < 500: 999 none, 1000 moderate; reference 499 vs 500 changes the row.
        let s = dec!(1.0);
        assert_eq!(sev((s, 499), (s, 999)), Severity::None);
        assert_eq!(sev((s, 499), (s, 1000)), Severity::Moderate);
        assert_eq!(sev((s, 500), (s, 1999)), Severity::None);
        assert_eq!(sev((s, 500), (s, 2000)), Severity::Moderate);
        assert_eq!(sev((s, 1000), (s, 2000)), Severity::Moderate);
        // From > 1000: exactly 2-fold moderate, just below none.
        assert_eq!(sev((s, 1001), (s, 2001)), Severity::None);
        assert_eq!(sev((s, 1001), (s, 2002)), Severity::Moderate);
        // 5000 moderate when the rise rule is met [DECISION]; 5001 severe.
        assert_eq!(sev((s, 2500), (s, 5000)), Severity::Moderate);
        assert_eq!(sev((s, 4000), (s, 5000)), Severity::None);
        assert_eq!(sev((s, 4000), (s, 5001)), Severity::Severe);
        // Hematuria: reference 4 vs 5; current 15 vs 16.
        let hem = |r: u16, c: u16| {
            let reference = FlareVisit {
                urine_rbc_per_hpf: Some(r),
                ..quiet(s, 300)
            };
            let current = FlareVisit {
                urine_rbc_per_hpf: Some(c),
                acanthocytes_ge_2: Some(true),
                ..quiet(s, 300)
            };
            severity(&kdigo_2012_relapse(&reference, &current)).0
        };
        assert_eq!(hem(4, 16), Severity::Mild);
        assert_eq!(hem(5, 16), Severity::None);
        assert_eq!(hem(4, 15), Severity::None);
        // Casts must reappear: present at the reference ⇒ not a new finding.
        let casts = FlareVisit {
            rbc_or_wbc_casts: Some(true),
            ..quiet(s, 300)
        };
        assert_eq!(
            severity(&kdigo_2012_relapse(&casts, &casts)).0,
            Severity::None
        );
        assert_eq!(
            severity(&kdigo_2012_relapse(&quiet(s, 300), &casts)).0,
            Severity::Mild
        );
    }

    fn moroni_visit(
        p24: Option<Decimal>,
        scr: Option<Decimal>,
        active: Option<bool>,
    ) -> FlareVisit {
        FlareVisit {
            urine_protein_24h_g: p24,
            scr,
            sediment_active: active,
            ..visit(0)
        }
    }

    fn moroni_flags(c: &Comparison) -> (Tri, Tri) {
        match c.finding {
            Finding::Moroni {
                proteinuric,
                nephritic,
            } => (proteinuric, nephritic),
            other => panic!("not a Moroni finding: {other:?}"),
        }
    }

    #[test]
    fn moroni_vectors_m1_to_m4() {
        let stable = Some(dec!(0.9));
        let quiet = Some(false);
        let p = |prev: Decimal, cur: Decimal| {
            moroni_flags(&moroni(
                &moroni_visit(Some(prev), stable, quiet),
                &moroni_visit(Some(cur), stable, quiet),
            ))
        };
        assert_eq!(p(dec!(0.4), dec!(2.5)), (Tri::True, Tri::False), "M1");
        assert_eq!(p(dec!(4.0), dec!(7.9)), (Tri::False, Tri::False), "M2 7.9");
        assert_eq!(p(dec!(4.0), dec!(8.0)), (Tri::True, Tri::False), "M2 8.0");
        let n = |prev: Decimal, cur: Decimal, active: bool| {
            moroni_flags(&moroni(
                &moroni_visit(Some(dec!(0.3)), Some(prev), Some(false)),
                &moroni_visit(Some(dec!(0.3)), Some(cur), Some(active)),
            ))
        };
        // M3: 1.17 ≥ 1.3 × 0.9 = 1.17 exactly (0.9 * 1.3 in f64 is 1.1700000000000002).
        assert_eq!(
            n(dec!(0.9), dec!(1.17), true),
            (Tri::False, Tri::True),
            "M3"
        );
        assert_eq!(
            n(dec!(0.9), dec!(1.16), true),
            (Tri::False, Tri::False),
            "M4 1.16"
        );
        assert_eq!(
            n(dec!(0.9), dec!(1.30), false),
            (Tri::False, Tri::False),
            "M4 inactive"
        );
    }

    #[test]
    fn moroni_boundaries_and_missing() {
        let stable = Some(dec!(0.9));
        let p = |prev: Decimal, cur: Decimal| {
            moroni_flags(&moroni(
                &moroni_visit(Some(prev), stable, Some(false)),
                &moroni_visit(Some(cur), stable, Some(false)),
            ))
            .0
        };
        // +2 g from < 3.5: 1.99 no, 2.00 yes; 3.5 uses the doubling row.
        assert_eq!(p(dec!(1.0), dec!(2.99)), Tri::False);
        assert_eq!(p(dec!(1.0), dec!(3.0)), Tri::True);
        assert_eq!(p(dec!(3.49), dec!(5.49)), Tri::True);
        assert_eq!(p(dec!(3.5), dec!(5.5)), Tri::False);
        assert_eq!(p(dec!(3.5), dec!(7.0)), Tri::True);
        // M1 with no Scr or sediment: proteinuric decided, nephritic unknown ⇒ named.
        let got = moroni(
            &moroni_visit(Some(dec!(0.4)), None, None),
            &moroni_visit(Some(dec!(2.5)), None, None),
        );
        assert_eq!(got.criterion_met, Tri::True);
        assert_eq!(
            got.missing,
            vec![
                (Role::Reference, "scr"),
                (Role::Current, "scr"),
                (Role::Current, "sediment_active")
            ]
        );
    }

    fn aurora(r: Decimal, c: Decimal) -> Comparison {
        aurora2(
            &FlareVisit {
                upcr: Some(r),
                ..visit(0)
            },
            &FlareVisit {
                upcr: Some(c),
                ..visit(1)
            },
        )
    }

    #[test]
    fn aurora2_vectors() {
        // renal.md §4.4 in mg/g: 0.15 → 1.05 flare; 0.5 → 1.9 none; 0.5 → 2.1 flare; 0.2 → 1.5 none.
        assert_eq!(
            aurora(dec!(150), dec!(1050)).criterion_met,
            Tri::True,
            "0.15 → 1.05"
        );
        assert_eq!(
            aurora(dec!(500), dec!(1900)).criterion_met,
            Tri::False,
            "0.5 → 1.9"
        );
        assert_eq!(
            aurora(dec!(500), dec!(2100)).criterion_met,
            Tri::True,
            "0.5 → 2.1"
        );
        assert_eq!(
            aurora(dec!(200), dec!(1500)).criterion_met,
            Tri::False,
            "0.2 → 1.5"
        );
    }

    #[test]
    fn aurora2_boundaries() {
        assert_eq!(aurora(dec!(199), dec!(1000)).criterion_met, Tri::False);
        assert_eq!(aurora(dec!(199), dec!(1000.1)).criterion_met, Tri::True);
        assert_eq!(aurora(dec!(1000), dec!(2000)).criterion_met, Tri::False);
        assert_eq!(aurora(dec!(1000), dec!(2000.1)).criterion_met, Tri::True);
        let got = aurora(dec!(1000.1), dec!(9000));
        assert_eq!(got.not_applicable, Some("post_response_upcr_above_1000"));
    }

    #[test]
    fn eular_2012_unverified_rules() {
        let p = DocumentedResponse::Partial;
        let c = DocumentedResponse::Complete;
        let params = Eular2012Parameters::default();
        let upcr = |v: Decimal| FlareVisit {
            upcr: Some(v),
            ..visit(0)
        };
        let proteinuric = |after, r: Decimal, cur: Decimal| match eular_era_edta_2012(
            &upcr(r),
            after,
            &upcr(cur),
            &params,
        )
        .finding
        {
            Finding::EularEraEdta2012 { proteinuric, .. } => proteinuric,
            other => panic!("{other:?}"),
        };
        // 100 mg/mmol = 884 mg/g exactly; after CR: > 884.
        assert_eq!(proteinuric(c, dec!(100), dec!(884)), Tri::False);
        assert_eq!(proteinuric(c, dec!(100), dec!(884.1)), Tri::True);
        // After PR: doubling and > 884.
        assert_eq!(proteinuric(p, dec!(500), dec!(999)), Tri::False);
        assert_eq!(proteinuric(p, dec!(500), dec!(1000)), Tri::True);
        assert_eq!(proteinuric(p, dec!(400), dec!(800)), Tri::False);
        // Nephritic: Scr ≥ 1.3 × ref or eGFR ≤ 0.9 × ref, with active sediment.
        let nephritic = |r: FlareVisit, cur: FlareVisit| match eular_era_edta_2012(
            &r, c, &cur, &params,
        )
        .finding
        {
            Finding::EularEraEdta2012 { nephritic, .. } => nephritic,
            other => panic!("{other:?}"),
        };
        let kidney = |scr: Decimal, egfr: u16, active: bool| FlareVisit {
            scr: Some(scr),
            egfr: Some(egfr),
            sediment_active: Some(active),
            upcr: Some(dec!(100)),
            ..visit(0)
        };
        assert_eq!(
            nephritic(kidney(dec!(0.9), 100, false), kidney(dec!(1.17), 100, true)),
            Tri::True
        );
        assert_eq!(
            nephritic(kidney(dec!(0.9), 100, false), kidney(dec!(1.16), 91, true)),
            Tri::False
        );
        assert_eq!(
            nephritic(kidney(dec!(0.9), 100, false), kidney(dec!(1.16), 90, true)),
            Tri::True
        );
        assert_eq!(
            nephritic(kidney(dec!(0.9), 100, false), kidney(dec!(1.5), 50, false)),
            Tri::False
        );
    }

    // ---- the series: references and confirmation ----

    fn series(visits: Vec<FlareVisit>) -> VisitSeries {
        VisitSeries::new(visits).expect("test series is ordered")
    }

    fn at(day: i8, upcr: u32, response: Option<DocumentedResponse>) -> FlareVisit {
        FlareVisit {
            upcr: Some(Decimal::from(upcr)),
            response_status: response,
            ..visit(day)
        }
    }

    #[test]
    fn series_refuses_unordered_dates() {
        let err =
            VisitSeries::new(vec![visit(0), visit(10), visit(10)]).expect_err("input is refused");
        assert_eq!(err.field, "visits[2].visit_date");
    }

    #[test]
    fn aurora2_series_reference_and_confirmation() {
        use DocumentedResponse::{Complete, Partial};
        let s = series(vec![
            at(0, 3000, None),            // baseline
            at(30, 900, Some(Partial)),   // response documented
            at(60, 150, Some(Complete)),  // post-response value < 200
            at(90, 1200, Some(Complete)), // flare vs visit 2 (not reclassified)
            at(95, 1300, None),           // < 7 days after visit 3: not a confirmation
            at(100, 1100, None),          // ≥ 7 days after visit 3: confirms it
        ]);
        let got = evaluate_series(FlareVariant::Aurora2, &s);
        assert!(got.confirmation_required && !got.unverified);
        let v = &got.visits;
        assert_eq!(v[0].status, Status::not_applicable("baseline_visit"));
        assert_eq!(
            v[1].status,
            Status::not_applicable("no_documented_response")
        );
        assert_eq!(
            (v[2].reference_visit, v[2].criterion_met),
            (Some(1), Tri::False)
        );
        assert_eq!(
            (v[3].reference_visit, v[3].criterion_met),
            (Some(2), Tri::True)
        );
        assert_eq!(v[3].confirmed, Tri::False);
        // Visit 3 met the criterion, so visit 4's reference stays visit 2.
        assert_eq!(
            (v[4].reference_visit, v[4].criterion_met),
            (Some(2), Tri::True)
        );
        assert_eq!(v[4].confirmed, Tri::False, "5 days apart");
        assert_eq!((v[5].confirmed, v[5].confirms_visit), (Tri::True, Some(3)));
    }

    #[test]
    fn moroni_series_confirms_against_the_first_reference() {
        use DocumentedResponse::Complete;
        let p24 = |day: i8, g: Decimal, response| FlareVisit {
            urine_protein_24h_g: Some(g),
            scr: Some(dec!(0.8)),
            sediment_active: Some(false),
            response_status: response,
            ..visit(day)
        };
        let s = series(vec![
            p24(0, dec!(4.0), None),
            p24(30, dec!(0.4), Some(Complete)),
            p24(60, dec!(2.6), None), // +2.2 vs previous: proteinuric
            p24(70, dec!(2.7), None), // vs previous (2.6) no; vs visit 1 again ⇒ confirmed
        ]);
        let got = evaluate_series(FlareVariant::Moroni, &s);
        let v = &got.visits;
        assert_eq!(
            v[1].status,
            Status::not_applicable("no_documented_response")
        );
        assert_eq!(
            (v[2].reference_visit, v[2].criterion_met),
            (Some(1), Tri::True)
        );
        assert_eq!(
            (v[3].reference_visit, v[3].criterion_met),
            (Some(2), Tri::False)
        );
        assert_eq!((v[3].confirmed, v[3].confirms_visit), (Tri::True, Some(2)));
    }

    #[test]
    fn kdigo_series_missing_fields_name_the_visit() {
        use DocumentedResponse::Complete;
        let s = series(vec![
            at(0, 3000, None),
            FlareVisit {
                scr: Some(dec!(1.0)),
                ..at(30, 300, Some(Complete))
            },
            FlareVisit {
                scr: Some(dec!(1.1)),
                ..at(60, 600, None)
            },
        ]);
        let got = evaluate_series(FlareVariant::Kdigo2012Relapse, &s);
        let Status::NotEvaluable { missing } = &got.visits[2].status else {
            panic!("{:?}", got.visits[2].status);
        };
        assert!(
            missing.contains(&"visits[1].urine_rbc_per_hpf".to_owned()),
            "{missing:?}"
        );
        assert!(
            missing.contains(&"visits[2].acanthocytes_ge_2".to_owned()),
            "{missing:?}"
        );
    }

    #[test]
    fn eular_series_is_marked_unverified() {
        let got = evaluate_series(FlareVariant::EularEraEdta2012, &series(vec![visit(0)]));
        assert!(got.unverified);
        for variant in [
            FlareVariant::Kdigo2012Relapse,
            FlareVariant::Moroni,
            FlareVariant::Aurora2,
        ] {
            assert!(!evaluate_series(variant, &series(vec![visit(0)])).unverified);
        }
    }
}

//! Glucocorticoid dose equivalence, daily maintenance dose, pulses and exposure
//! (sle-activity §8.1–8.5).
//!
//! Equivalence: British National Formulary table as reproduced by NHS formularies
//! (prednisolone 5 mg ≡ betamethasone 750 µg ≡ cortisone acetate 25 mg ≡ deflazacort 6 mg ≡
//! dexamethasone 750 µg ≡ hydrocortisone 20 mg ≡ methylprednisolone 4 mg ≡ triamcinolone
//! 4 mg); prednisone and prednisolone 1:1. Dose categories and the pulse threshold: Buttgereit
//! F, da Silva JAP, Boers M, et al. *Standardised nomenclature for glucocorticoid dosages and
//! glucocorticoid treatment regimens.* Ann Rheum Dis 2002;61:718–722.
//!
//! Numbers (sle-activity §0.2, §8.3): doses are whole micrograms and a prednisone equivalent
//! is an exact rational, so every threshold (`≤ 7.5 mg`, `≤ 5 mg`, `≥ 250 mg`) is decided
//! without rounding; decimals are produced only for display.

use std::cmp::Ordering;

use jiff::ToSpan;
use jiff::civil::Date;
use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

use crate::{InputError, MeasureConfig};

/// A glucocorticoid agent (sle-activity §8.1; the glucocorticoids of `med_agent`, §9.6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum GlucocorticoidAgent {
    Prednisone,
    Prednisolone,
    Methylprednisolone,
    Dexamethasone,
    Hydrocortisone,
    Betamethasone,
    Deflazacort,
    Triamcinolone,
    Cortisone,
}

/// The route of administration (`med_route`, sle-activity §9.6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Route {
    Oral,
    Iv,
    Im,
    Sc,
    IntraArticular,
    Topical,
    Inhaled,
    Other,
}

/// How often a dose is given (`med_schedule`, sle-activity §9.6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Schedule {
    /// Once a day.
    Daily,
    /// Twice a day.
    Bid,
    /// Three times a day.
    Tid,
    /// Once every other day, starting on the start date.
    AlternateDay,
    /// Once a week, on the weekday of the start date.
    Weekly,
    /// One administration, on the start date only.
    Single,
}

/// Whether a route's dose enters the prednisone-equivalent totals (sle-activity §8.1 [C]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RouteAccounting {
    /// Oral, IV and subcutaneous: counted in the daily dose, pulses and exposure.
    Systemic,
    /// Intra-articular and IM (depot) injections: recorded, excluded from the daily dose, and
    /// flagged for review.
    DepotFlagged,
    /// Topical and inhaled: excluded from every total.
    LocalExcluded,
    /// `other`: the route does not say whether the dose is systemic (intranasal, ophthalmic
    /// and rectal preparations fall here), so it is excluded from the totals and flagged
    /// rather than silently counted.
    UnclassifiedFlagged,
}

impl Route {
    /// The accounting class of the route (sle-activity §8.1 [C]: topical, inhaled, intranasal
    /// and ophthalmic excluded; intra-articular and IM depot recorded, excluded and flagged).
    ///
    /// `im` is taken as a depot injection: the route vocabulary cannot tell a depot from a
    /// soluble IM preparation, and the spec names IM depot as the IM use to exclude.
    pub fn accounting(self) -> RouteAccounting {
        match self {
            Route::Oral | Route::Iv | Route::Sc => RouteAccounting::Systemic,
            Route::Im | Route::IntraArticular => RouteAccounting::DepotFlagged,
            Route::Topical | Route::Inhaled => RouteAccounting::LocalExcluded,
            Route::Other => RouteAccounting::UnclassifiedFlagged,
        }
    }

    /// Whether doses by this route count toward the daily (maintenance) dose (§8.1, §8.4).
    pub fn counts_toward_daily_dose(self) -> bool {
        self.accounting() == RouteAccounting::Systemic
    }

    /// Whether doses by this route are recorded but flagged for review (§8.1).
    pub fn is_flagged(self) -> bool {
        matches!(
            self.accounting(),
            RouteAccounting::DepotFlagged | RouteAccounting::UnclassifiedFlagged
        )
    }
}

impl Schedule {
    /// Administrations on each day the drug is given (sle-activity §8.4).
    pub fn administrations_per_dosing_day(self) -> u32 {
        match self {
            Schedule::Bid => 2,
            Schedule::Tid => 3,
            Schedule::Daily | Schedule::AlternateDay | Schedule::Weekly | Schedule::Single => 1,
        }
    }

    /// Length of the cycle over which the dose is averaged, in days (sle-activity §8.4:
    /// "10 mg every other day = 5 mg/day"). A single administration is its own day.
    pub fn cycle_days(self) -> u32 {
        match self {
            Schedule::AlternateDay => 2,
            Schedule::Weekly => 7,
            Schedule::Daily | Schedule::Bid | Schedule::Tid | Schedule::Single => 1,
        }
    }
}

/// One administration's dose in whole micrograms (`med_dose_ug`, sle-activity §0.2, §9.6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Dose(u64);

impl Dose {
    /// The largest dose accepted per administration: 10 g. The largest dose in use is a 1 g
    /// methylprednisolone pulse; the cap catches unit slips and bounds the exact arithmetic.
    pub const MAX_UG: u64 = 10_000_000;

    /// A dose in micrograms (`med_dose_ug`: an integer > 0, sle-activity §9.6).
    pub fn from_ug(ug: u64) -> Result<Dose, InputError> {
        Self::checked("med_dose_ug", ug, ug)
    }

    /// A dose in milligrams, which must be a whole number of micrograms (at most three
    /// decimals); `field` names the input it came from.
    pub fn from_mg(field: &'static str, mg: Decimal) -> Result<Dose, InputError> {
        if mg <= Decimal::ZERO {
            return Err(InputError::new(field, mg, "must be greater than 0"));
        }
        let ug = mg
            .checked_mul(Decimal::ONE_THOUSAND)
            .unwrap_or(Decimal::MAX);
        if !ug.fract().is_zero() {
            return Err(InputError::new(
                field,
                mg,
                "must be a whole number of micrograms (at most 3 decimals in mg, sle-activity §0.2)",
            ));
        }
        Self::checked(field, u64::try_from(ug).unwrap_or(u64::MAX), mg)
    }

    fn checked(field: &'static str, ug: u64, shown: impl ToString) -> Result<Dose, InputError> {
        if ug == 0 || ug > Self::MAX_UG {
            return Err(InputError::new(
                field,
                shown,
                "must be greater than 0 and at most 10 g per administration",
            ));
        }
        Ok(Dose(ug))
    }

    /// The dose in micrograms.
    pub fn ug(self) -> u64 {
        self.0
    }
}

/// The micrograms of each agent equivalent to 5 mg prednisone, with the configurable
/// betamethasone and deflazacort entries resolved (sle-activity §8.1, §8.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EquivalenceTable {
    betamethasone_ug: u64,
    deflazacort_ug: u64,
}

impl Default for EquivalenceTable {
    /// The BNF table: betamethasone 750 µg, deflazacort 6 mg.
    fn default() -> Self {
        EquivalenceTable {
            betamethasone_ug: 750,
            deflazacort_ug: 6000,
        }
    }
}

impl EquivalenceTable {
    /// The table for a configuration: `gc_betamethasone_equiv_mg` (BNF 0.75, US 0.6) and
    /// `gc_deflazacort_equiv_mg` (BNF 6, alternative 7.5) must be whole micrograms > 0.
    pub fn from_config(config: &MeasureConfig) -> Result<EquivalenceTable, InputError> {
        Ok(EquivalenceTable {
            betamethasone_ug: config_ug(
                "gc_betamethasone_equiv_mg",
                config.gc_betamethasone_equiv_mg,
            )?,
            deflazacort_ug: config_ug("gc_deflazacort_equiv_mg", config.gc_deflazacort_equiv_mg)?,
        })
    }

    /// `equiv_ug`: the micrograms of `agent` equivalent to 5 mg prednisone (§8.3).
    pub fn equivalent_ug(&self, agent: GlucocorticoidAgent) -> u64 {
        use GlucocorticoidAgent::*;
        match agent {
            Prednisone | Prednisolone => 5000,
            Methylprednisolone | Triamcinolone => 4000,
            Dexamethasone => 750,
            Hydrocortisone => 20_000,
            Cortisone => 25_000,
            Betamethasone => self.betamethasone_ug,
            Deflazacort => self.deflazacort_ug,
        }
    }

    /// The prednisone equivalent of one dose: `PE = dose_ug × 5000 / equiv_ug` µg, kept as an
    /// exact rational (sle-activity §8.3).
    pub fn prednisone_equivalent(
        &self,
        agent: GlucocorticoidAgent,
        dose: Dose,
    ) -> PrednisoneEquivalent {
        // In mg: dose_ug × 5000 / (equiv_ug × 1000) = dose_ug × 5 / equiv_ug.
        PrednisoneEquivalent::ratio(
            u128::from(dose.ug()) * 5,
            u128::from(self.equivalent_ug(agent)),
        )
    }
}

fn config_ug(field: &'static str, mg: Decimal) -> Result<u64, InputError> {
    let ug = mg
        .checked_mul(Decimal::ONE_THOUSAND)
        .unwrap_or(Decimal::MAX);
    match u64::try_from(ug) {
        Ok(whole) if ug.fract().is_zero() && whole > 0 => Ok(whole),
        _ => Err(InputError::new(
            field,
            mg,
            "must be a whole number of micrograms greater than 0 (sle-activity §8.3)",
        )),
    }
}

/// A prednisone-equivalent amount in mg, held as an exact fraction (sle-activity §8.3).
///
/// Comparisons are exact (cross-multiplication by continued fractions, no overflow, no
/// rounding); [`PrednisoneEquivalent::mg`] gives a decimal for output (28 significant
/// digits), and [`PrednisoneEquivalent::display_mg`] the 2-decimal display of §8.3.
#[derive(Debug, Clone, Copy)]
pub struct PrednisoneEquivalent {
    /// Numerator, in mg.
    num: u128,
    /// Denominator, > 0; the fraction is kept in lowest terms.
    den: u128,
}

impl PrednisoneEquivalent {
    /// No glucocorticoid.
    pub const ZERO: PrednisoneEquivalent = PrednisoneEquivalent { num: 0, den: 1 };

    /// The largest amount accepted from a decimal input: 100 000 mg.
    pub const MAX_MG: u32 = 100_000;

    /// The smallest nonzero amount accepted from a decimal input: 1 µg (sle-activity §0.2).
    pub const MIN_NONZERO_MG: Decimal = Decimal::from_parts(1, 0, 0, false, 3);

    /// A prednisone equivalent given in mg (e.g. `prednisone_mg_per_day`, `baseline_pe_mg`):
    /// 0 or a decimal in `[0.001, 100 000]`, stored exactly; `field` names the input.
    pub fn from_mg(field: &'static str, mg: Decimal) -> Result<PrednisoneEquivalent, InputError> {
        if mg < Decimal::ZERO || mg > Decimal::from(Self::MAX_MG) {
            return Err(InputError::new(
                field,
                mg,
                "must be between 0 and 100000 mg prednisone equivalent",
            ));
        }
        // sle-activity §0.2: doses are whole micrograms. A smaller nonzero amount is no dose,
        // and would put a percentage of it beyond Decimal's range (§8.6).
        if mg > Decimal::ZERO && mg < Self::MIN_NONZERO_MG {
            return Err(InputError::new(
                field,
                mg,
                "must be 0 or at least 0.001 mg (1 µg) prednisone equivalent (sle-activity §0.2)",
            ));
        }
        let mg = mg.normalize();
        let num = u128::try_from(mg.mantissa()).expect("a non-negative mantissa");
        Ok(Self::ratio(num, 10_u128.pow(mg.scale())))
    }

    /// `num / den` mg in lowest terms.
    fn ratio(num: u128, den: u128) -> PrednisoneEquivalent {
        debug_assert!(
            den > 0,
            "a prednisone equivalent has a positive denominator"
        );
        let g = gcd(num, den);
        PrednisoneEquivalent {
            num: num / g,
            den: den / g,
        }
    }

    /// The amount in mg as a decimal (exact when it terminates within 28 digits; otherwise
    /// correct to the last of them). For output; never for thresholds.
    pub fn mg(self) -> Decimal {
        decimal_quotient(self.num, self.den)
    }

    /// The 2-decimal display value (half-up), sle-activity §8.3. For display only.
    pub fn display_mg(self) -> Decimal {
        self.mg()
            .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
    }

    /// Exact comparison with `threshold_mg`.
    pub fn cmp_mg(self, threshold_mg: Decimal) -> Ordering {
        if threshold_mg < Decimal::ZERO {
            return Ordering::Greater;
        }
        let t = u128::try_from(threshold_mg.mantissa()).expect("a non-negative mantissa");
        cmp_fractions(self.num, self.den, t, 10_u128.pow(threshold_mg.scale()))
    }

    /// `PE ≤ threshold_mg`, exactly (LLDAS `≤ 7.5`, DORIS `≤ 5`, Buttgereit bands).
    pub fn at_most_mg(self, threshold_mg: Decimal) -> bool {
        self.cmp_mg(threshold_mg) != Ordering::Greater
    }

    /// `PE < threshold_mg`, exactly.
    pub fn less_than_mg(self, threshold_mg: Decimal) -> bool {
        self.cmp_mg(threshold_mg) == Ordering::Less
    }

    /// `PE ≥ threshold_mg`, exactly (the pulse threshold).
    pub fn at_least_mg(self, threshold_mg: Decimal) -> bool {
        self.cmp_mg(threshold_mg) != Ordering::Less
    }

    /// `PE > threshold_mg`, exactly.
    pub fn greater_than_mg(self, threshold_mg: Decimal) -> bool {
        self.cmp_mg(threshold_mg) == Ordering::Greater
    }

    /// True for no glucocorticoid at all.
    pub fn is_zero(self) -> bool {
        self.num == 0
    }

    /// `self × factor`, exactly.
    pub fn times(self, factor: u32) -> PrednisoneEquivalent {
        Self::ratio(
            self.num
                .checked_mul(u128::from(factor))
                .expect("doses ≤ 10 g times small factors stay far below 2^128"),
            self.den,
        )
    }

    /// `self / divisor` (divisor > 0), exactly.
    pub fn divided_by(self, divisor: u32) -> PrednisoneEquivalent {
        assert!(divisor > 0, "an average is over at least one day");
        Self::ratio(
            self.num,
            self.den
                .checked_mul(u128::from(divisor))
                .expect("denominators stay far below 2^128"),
        )
    }

    /// `self + other`, exactly.
    pub fn plus(self, other: PrednisoneEquivalent) -> PrednisoneEquivalent {
        let g = gcd(self.den, other.den);
        let (a, b) = (self.den / g, other.den / g);
        let overflow = "sums of bounded doses keep numerators far below 2^128";
        Self::ratio(
            self.num
                .checked_mul(b)
                .and_then(|x| other.num.checked_mul(a).and_then(|y| x.checked_add(y)))
                .expect(overflow),
            self.den.checked_mul(b).expect(overflow),
        )
    }

    /// `self − other`, or `None` when the result would be negative.
    pub fn minus(self, other: PrednisoneEquivalent) -> Option<PrednisoneEquivalent> {
        if self < other {
            return None;
        }
        let g = gcd(self.den, other.den);
        let (a, b) = (self.den / g, other.den / g);
        let overflow = "differences of bounded doses keep numerators far below 2^128";
        Some(Self::ratio(
            self.num.checked_mul(b).expect(overflow) - other.num.checked_mul(a).expect(overflow),
            self.den.checked_mul(b).expect(overflow),
        ))
    }

    /// The exact fraction `(numerator, denominator)` in mg, lowest terms.
    pub fn as_fraction(self) -> (u128, u128) {
        (self.num, self.den)
    }
}

impl PartialEq for PrednisoneEquivalent {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for PrednisoneEquivalent {}

impl PartialOrd for PrednisoneEquivalent {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for PrednisoneEquivalent {
    fn cmp(&self, other: &Self) -> Ordering {
        cmp_fractions(self.num, self.den, other.num, other.den)
    }
}

/// `num / den` (den > 0) as a decimal: exact when it terminates within 28 digits, otherwise
/// correct to the last of them. For output only.
pub(crate) fn decimal_quotient(num: u128, den: u128) -> Decimal {
    let whole = i128::try_from(num / den)
        .ok()
        .filter(|w| *w < 1 << 96)
        .expect("amounts and percentages are bounded far below 2^96");
    let (mut rem, mut den) = (num % den, den);
    // Keep the fraction within Decimal's 96-bit mantissa; the error is below 10^-28.
    while den >= 1 << 96 {
        rem >>= 1;
        den >>= 1;
    }
    let as_decimal =
        |x: u128| Decimal::from_i128_with_scale(i128::try_from(x).expect("below 2^96 here"), 0);
    Decimal::from_i128_with_scale(whole, 0) + as_decimal(rem) / as_decimal(den)
}

/// Compares `a/b` with `c/d` (b, d > 0) exactly, by their continued fractions: no products,
/// so no overflow whatever the sizes.
fn cmp_fractions(mut a: u128, mut b: u128, mut c: u128, mut d: u128) -> Ordering {
    loop {
        let (qa, ra) = (a / b, a % b);
        let (qc, rc) = (c / d, c % d);
        if qa != qc {
            return qa.cmp(&qc);
        }
        match (ra == 0, rc == 0) {
            (true, true) => return Ordering::Equal,
            (true, false) => return Ordering::Less,
            (false, true) => return Ordering::Greater,
            (false, false) => {}
        }
        // ra/b vs rc/d has the same order as d/rc vs b/ra.
        (a, b, c, d) = (d, rc, b, ra);
    }
}

fn gcd(mut a: u128, mut b: u128) -> u128 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    if a == 0 { 1 } else { a }
}

/// Buttgereit 2002 dose category of a daily prednisone-equivalent dose (sle-activity §8.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum DoseCategory {
    /// `≤ 7.5 mg/day`.
    Low,
    /// `> 7.5` to `≤ 30 mg/day`.
    Medium,
    /// `> 30` to `≤ 100 mg/day`.
    High,
    /// `> 100 mg/day` (below the pulse threshold).
    VeryHigh,
    /// `≥ pulse_threshold_mg_pe_per_day` (default 250) on a day of administration.
    Pulse,
}

impl DoseCategory {
    /// The category of `pe_per_day` (Buttgereit 2002, sle-activity §8.2): pulse at or above
    /// `pulse_threshold_mg`, else low ≤ 7.5, medium ≤ 30, high ≤ 100, very high above.
    pub fn of_daily_dose(pe_per_day: PrednisoneEquivalent, pulse_threshold_mg: Decimal) -> Self {
        if pe_per_day.at_least_mg(pulse_threshold_mg) {
            DoseCategory::Pulse
        } else if pe_per_day.at_most_mg(Decimal::new(75, 1)) {
            DoseCategory::Low
        } else if pe_per_day.at_most_mg(Decimal::from(30)) {
            DoseCategory::Medium
        } else if pe_per_day.at_most_mg(Decimal::ONE_HUNDRED) {
            DoseCategory::High
        } else {
            DoseCategory::VeryHigh
        }
    }
}

/// What was prescribed, without dates: agent, route, dose per administration and schedule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Prescription {
    pub agent: GlucocorticoidAgent,
    pub route: Route,
    pub dose: Dose,
    pub schedule: Schedule,
}

impl Prescription {
    /// Prednisone equivalent of one administration (§8.3).
    pub fn pe_per_administration(&self, table: &EquivalenceTable) -> PrednisoneEquivalent {
        table.prednisone_equivalent(self.agent, self.dose)
    }

    /// Prednisone equivalent given on a day of administration: per administration × the
    /// administrations that day (bid 2, tid 3, otherwise 1). The quantity a pulse is judged on.
    pub fn pe_per_dosing_day(&self, table: &EquivalenceTable) -> PrednisoneEquivalent {
        self.pe_per_administration(table)
            .times(self.schedule.administrations_per_dosing_day())
    }

    /// Average daily prednisone equivalent over the schedule's cycle (sle-activity §8.4:
    /// alternate-day and weekly doses averaged, G14: 10 mg every other day = 5 mg/day).
    pub fn average_daily_pe(&self, table: &EquivalenceTable) -> PrednisoneEquivalent {
        self.pe_per_dosing_day(table)
            .divided_by(self.schedule.cycle_days())
    }

    /// A pulse (sle-activity §8.5, Buttgereit 2002): a systemic dose of at least
    /// `pulse_threshold_mg_pe_per_day` on a day of administration (500 mg methylprednisolone
    /// = 625 mg PE). Non-systemic routes are never pulses.
    pub fn is_pulse(&self, table: &EquivalenceTable, config: &MeasureConfig) -> bool {
        self.route.counts_toward_daily_dose()
            && self
                .pe_per_dosing_day(table)
                .at_least_mg(config.pulse_threshold_mg_pe_per_day)
    }

    /// Buttgereit category (sle-activity §8.2) of a systemic prescription: `pulse` when a
    /// dosing day reaches the pulse threshold, else the band of the average daily dose.
    /// `None` for routes excluded from the daily dose.
    pub fn dose_category(
        &self,
        table: &EquivalenceTable,
        config: &MeasureConfig,
    ) -> Option<DoseCategory> {
        if !self.route.counts_toward_daily_dose() {
            return None;
        }
        if self.is_pulse(table, config) {
            return Some(DoseCategory::Pulse);
        }
        Some(DoseCategory::of_daily_dose(
            self.average_daily_pe(table),
            config.pulse_threshold_mg_pe_per_day,
        ))
    }
}

/// A glucocorticoid course: a prescription given from `start` to `end` inclusive
/// (`med_start_date`, `med_end_date`; no end = ongoing), sle-activity §9.6.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Course {
    prescription: Prescription,
    start: Date,
    end: Option<Date>,
}

impl Course {
    /// A course; `med_end_date` must not precede `med_start_date` (§9.6). A `single`
    /// administration is given on `start` only, whatever `end` says.
    pub fn new(
        prescription: Prescription,
        start: Date,
        end: Option<Date>,
    ) -> Result<Course, InputError> {
        if end.is_some_and(|end| end < start) {
            return Err(InputError::new(
                "med_end_date",
                end.map_or_else(String::new, |d| d.to_string()),
                "must not be before med_start_date",
            ));
        }
        Ok(Course {
            prescription,
            start,
            end,
        })
    }

    /// The prescription.
    pub fn prescription(&self) -> &Prescription {
        &self.prescription
    }

    /// Whether the course runs on `date` (for averaged schedules, every day of the course).
    pub fn is_active_on(&self, date: Date) -> bool {
        if self.prescription.schedule == Schedule::Single {
            return date == self.start;
        }
        self.start <= date && self.end.is_none_or(|end| date <= end)
    }

    /// Whether a dose is actually given on `date`: every active day for daily/bid/tid, every
    /// second day from the start for alternate-day, every seventh for weekly.
    pub fn is_given_on(&self, date: Date) -> bool {
        if !self.is_active_on(date) {
            return false;
        }
        let elapsed = i64::from((date - self.start).get_days());
        elapsed % i64::from(self.prescription.schedule.cycle_days()) == 0
    }
}

/// A patient's glucocorticoid courses with the configuration that prices them: the source of
/// the daily maintenance dose, pulses and exposure (sle-activity §8.4, §8.5).
#[derive(Debug, Clone)]
pub struct GlucocorticoidHistory {
    courses: Vec<Course>,
    table: EquivalenceTable,
    pulse_threshold_mg: Decimal,
    pulse_lookback_days: u16,
}

/// Glucocorticoid exposure over a closed interval of days (sle-activity §8.5).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Exposure {
    /// Days in the interval, both ends included.
    pub days: u32,
    /// Σ over the days of the maintenance dose (pulses excluded), mg PE.
    pub maintenance_cumulative: PrednisoneEquivalent,
    /// Σ of the pulse doses given in the interval, mg PE.
    pub pulse_cumulative: PrednisoneEquivalent,
    /// Days in the interval that were pulse days.
    pub pulse_days: u32,
}

impl Exposure {
    /// Cumulative exposure with pulses: maintenance + pulses (§8.5).
    pub fn cumulative(&self) -> PrednisoneEquivalent {
        self.maintenance_cumulative.plus(self.pulse_cumulative)
    }

    /// Average daily dose with pulses = cumulative / days (§8.5).
    pub fn average_daily(&self) -> PrednisoneEquivalent {
        self.cumulative().divided_by(self.days)
    }

    /// Average daily maintenance dose, pulses excluded (§8.5: reported separately).
    pub fn average_daily_without_pulses(&self) -> PrednisoneEquivalent {
        self.maintenance_cumulative.divided_by(self.days)
    }

    /// Whether any pulse was given in the interval.
    pub fn had_pulse(&self) -> bool {
        self.pulse_days > 0
    }
}

impl GlucocorticoidHistory {
    /// The history of `courses` under `config` (equivalence table, pulse threshold, look-back).
    pub fn new(
        courses: Vec<Course>,
        config: &MeasureConfig,
    ) -> Result<GlucocorticoidHistory, InputError> {
        Ok(GlucocorticoidHistory {
            courses,
            table: EquivalenceTable::from_config(config)?,
            pulse_threshold_mg: config.pulse_threshold_mg_pe_per_day,
            pulse_lookback_days: config.pulse_lookback_days_for_states,
        })
    }

    /// The courses.
    pub fn courses(&self) -> &[Course] {
        &self.courses
    }

    fn is_pulse_course(&self, course: &Course) -> bool {
        course.prescription.route.counts_toward_daily_dose()
            && course
                .prescription
                .pe_per_dosing_day(&self.table)
                .at_least_mg(self.pulse_threshold_mg)
    }

    /// `maintenance_pe_mg_per_day` on `date` (sle-activity §8.4 [C]): the sum, over systemic
    /// courses active that day that are not pulses, of their average daily prednisone
    /// equivalent. Depot, local and unclassified routes are excluded (§8.1).
    pub fn maintenance_on(&self, date: Date) -> PrednisoneEquivalent {
        self.courses
            .iter()
            .filter(|c| c.prescription.route.counts_toward_daily_dose())
            .filter(|c| c.is_active_on(date) && !self.is_pulse_course(c))
            .fold(PrednisoneEquivalent::ZERO, |sum, c| {
                sum.plus(c.prescription.average_daily_pe(&self.table))
            })
    }

    /// Systemic prednisone equivalent actually given on `date` (every systemic course dosed
    /// that day, pulse or not).
    pub fn systemic_given_on(&self, date: Date) -> PrednisoneEquivalent {
        self.courses
            .iter()
            .filter(|c| c.prescription.route.counts_toward_daily_dose() && c.is_given_on(date))
            .fold(PrednisoneEquivalent::ZERO, |sum, c| {
                sum.plus(c.prescription.pe_per_dosing_day(&self.table))
            })
    }

    /// A pulse day (sle-activity §8.5 [P], Buttgereit 2002): systemic glucocorticoid given
    /// that day totals at least `pulse_threshold_mg_pe_per_day`.
    pub fn is_pulse_day(&self, date: Date) -> bool {
        self.systemic_given_on(date)
            .at_least_mg(self.pulse_threshold_mg)
    }

    /// A pulse in the look-back before a visit (sle-activity §8.5 [C], LLDAS item 4, DORIS
    /// item 3): a pulse day in `[visit − pulse_lookback_days_for_states, visit]`, both ends
    /// included as in the SLEDAI window (§0.3).
    pub fn pulse_within_lookback(&self, visit: Date) -> bool {
        let first = visit
            .checked_sub(i64::from(self.pulse_lookback_days).days())
            .unwrap_or(Date::MIN);
        days(first, visit).any(|day| self.is_pulse_day(day))
    }

    /// Courses active on `date` whose route is recorded but flagged (IM/intra-articular depot,
    /// `other`), sle-activity §8.1.
    pub fn flagged_on(&self, date: Date) -> impl Iterator<Item = &Course> {
        self.courses
            .iter()
            .filter(move |c| c.prescription.route.is_flagged() && c.is_active_on(date))
    }

    /// Exposure over `[first, last]`, both included (sle-activity §8.5 [C]): cumulative =
    /// Σ(maintenance PE × days) + Σ(pulse PE), averages over the days of the interval; the
    /// maintenance and pulse parts are reported separately (vector G13). `None` when `last`
    /// precedes `first`.
    pub fn exposure(&self, first: Date, last: Date) -> Option<Exposure> {
        if last < first {
            return None;
        }
        let mut exposure = Exposure {
            days: 0,
            maintenance_cumulative: PrednisoneEquivalent::ZERO,
            pulse_cumulative: PrednisoneEquivalent::ZERO,
            pulse_days: 0,
        };
        for day in days(first, last) {
            exposure.days += 1;
            exposure.maintenance_cumulative = exposure
                .maintenance_cumulative
                .plus(self.maintenance_on(day));
            let pulses = self
                .courses
                .iter()
                .filter(|c| self.is_pulse_course(c) && c.is_given_on(day))
                .fold(PrednisoneEquivalent::ZERO, |sum, c| {
                    sum.plus(c.prescription.pe_per_dosing_day(&self.table))
                });
            exposure.pulse_cumulative = exposure.pulse_cumulative.plus(pulses);
            if self.is_pulse_day(day) {
                exposure.pulse_days += 1;
            }
        }
        Some(exposure)
    }
}

/// The days from `first` to `last`, both included.
fn days(first: Date, last: Date) -> impl Iterator<Item = Date> {
    first.series(1.day()).take_while(move |d| *d <= last)
}

#[cfg(test)]
mod tests {
    use super::GlucocorticoidAgent::*;
    use super::*;
    use jiff::civil::date;
    use proptest::prelude::*;
    use rust_decimal_macros::dec;

    fn pe(agent: GlucocorticoidAgent, mg: Decimal, table: &EquivalenceTable) -> Decimal {
        let dose = Dose::from_mg("dose_mg", mg).expect("valid test dose");
        table.prednisone_equivalent(agent, dose).mg()
    }

    fn table_with(beta: Decimal, deflazacort: Decimal) -> EquivalenceTable {
        let config = MeasureConfig {
            gc_betamethasone_equiv_mg: beta,
            gc_deflazacort_equiv_mg: deflazacort,
            ..MeasureConfig::default()
        };
        EquivalenceTable::from_config(&config).expect("valid config")
    }

    /// Vectors G1–G7 (sle-activity §8.7): conversions, including G6 under both betamethasone
    /// equivalents, and the LLDAS/DORIS thresholds they are quoted with.
    #[test]
    fn conversion_vectors() {
        let bnf = EquivalenceTable::from_config(&MeasureConfig::default()).expect("defaults");
        assert_eq!(bnf, EquivalenceTable::default());
        let us = table_with(dec!(0.6), dec!(6));
        let rows = [
            (
                "G1 methylprednisolone 16",
                Methylprednisolone,
                dec!(16),
                &bnf,
                dec!(20),
            ),
            (
                "G2 dexamethasone 1.5",
                Dexamethasone,
                dec!(1.5),
                &bnf,
                dec!(10),
            ),
            (
                "G3 hydrocortisone 30",
                Hydrocortisone,
                dec!(30),
                &bnf,
                dec!(7.5),
            ),
            ("G4 deflazacort 9", Deflazacort, dec!(9), &bnf, dec!(7.5)),
            ("G5 deflazacort 6", Deflazacort, dec!(6), &bnf, dec!(5)),
            (
                "G6 betamethasone 0.6 (BNF 0.75)",
                Betamethasone,
                dec!(0.6),
                &bnf,
                dec!(4),
            ),
            (
                "G6 betamethasone 0.6 (config 0.6)",
                Betamethasone,
                dec!(0.6),
                &us,
                dec!(5),
            ),
            (
                "G7 prednisolone 7.5",
                Prednisolone,
                dec!(7.5),
                &bnf,
                dec!(7.5),
            ),
            ("prednisone 1:1", Prednisone, dec!(12.5), &bnf, dec!(12.5)),
            ("triamcinolone 4", Triamcinolone, dec!(4), &bnf, dec!(5)),
            ("cortisone 25", Cortisone, dec!(25), &bnf, dec!(5)),
            (
                "methylprednisolone 500 pulse",
                Methylprednisolone,
                dec!(500),
                &bnf,
                dec!(625),
            ),
        ];
        for (row, agent, mg, table, expected) in rows {
            assert_eq!(pe(agent, mg, table), expected, "{row}");
        }
        let g3 = bnf.prednisone_equivalent(Hydrocortisone, Dose::from_ug(30_000).expect("dose"));
        assert!(g3.at_most_mg(dec!(7.5)), "G3: LLDAS item 4 (≤ 7.5) TRUE");
        let g5 = bnf.prednisone_equivalent(Deflazacort, Dose::from_ug(6000).expect("dose"));
        assert!(g5.at_most_mg(dec!(5)), "G5: DORIS item 3 (≤ 5) TRUE");
        let g4 = bnf.prednisone_equivalent(Deflazacort, Dose::from_ug(9000).expect("dose"));
        assert_eq!(g4.as_fraction(), (15, 2), "G4: exactly 7.5");
    }

    /// Deflazacort at the 7.5 mg alternative equivalence: 9 mg → 6 mg PE exactly.
    #[test]
    fn deflazacort_alternative_equivalence() {
        assert_eq!(
            pe(Deflazacort, dec!(9), &table_with(dec!(0.75), dec!(7.5))),
            dec!(6)
        );
    }

    /// Thresholds at, just below and just above, without rounding: dexamethasone gives
    /// thirds (1.125 mg → 7.5 mg; 1.124 mg → 7.4933… mg; 1.126 mg → 7.5066… mg).
    #[test]
    fn thresholds_are_exact_around_7_5_and_5() {
        let t = EquivalenceTable::default();
        let dexa = |ug| t.prednisone_equivalent(Dexamethasone, Dose::from_ug(ug).expect("dose"));
        let rows = [
            ("at 7.5", 1125, true, false),
            ("below 7.5", 1124, true, true),
            ("above 7.5", 1126, false, false),
        ];
        for (row, ug, at_most, less) in rows {
            assert_eq!(dexa(ug).at_most_mg(dec!(7.5)), at_most, "{row} ≤");
            assert_eq!(dexa(ug).less_than_mg(dec!(7.5)), less, "{row} <");
        }
        assert!(dexa(750).at_most_mg(dec!(5)) && !dexa(751).at_most_mg(dec!(5)));
        // 1/3 mg is not 0.333…3: the decimal display is for output, the fraction decides.
        let third = dexa(50);
        assert_eq!(third.as_fraction(), (1, 3));
        assert!(third.greater_than_mg(dec!(0.3333333333333333333333333333)));
        assert_eq!(dexa(50).display_mg(), dec!(0.33));
        assert_eq!(dexa(1124).mg().round_dp(4), dec!(7.4933));
    }

    /// Buttgereit bands (sle-activity §8.2) at every boundary.
    #[test]
    fn dose_category_boundaries() {
        use DoseCategory::*;
        let threshold = dec!(250);
        let rows = [
            (dec!(7.5), Low),
            (dec!(7.501), Medium),
            (dec!(30), Medium),
            (dec!(30.001), High),
            (dec!(100), High),
            (dec!(100.001), VeryHigh),
            (dec!(249.999), VeryHigh),
            (dec!(250), Pulse),
        ];
        for (mg, category) in rows {
            let dose = PrednisoneEquivalent::from_mg("pe", mg).expect("in range");
            assert_eq!(
                DoseCategory::of_daily_dose(dose, threshold),
                category,
                "{mg} mg"
            );
        }
    }

    #[test]
    fn routes_are_accounted_per_the_spec() {
        assert!(Route::Oral.counts_toward_daily_dose() && Route::Iv.counts_toward_daily_dose());
        assert!(!Route::Topical.counts_toward_daily_dose() && !Route::Topical.is_flagged());
        assert!(!Route::Inhaled.counts_toward_daily_dose());
        assert!(
            !Route::IntraArticular.counts_toward_daily_dose() && Route::IntraArticular.is_flagged()
        );
        assert!(!Route::Im.counts_toward_daily_dose() && Route::Im.is_flagged());
        assert!(!Route::Other.counts_toward_daily_dose() && Route::Other.is_flagged());
    }

    #[test]
    fn doses_must_be_whole_micrograms_in_range() {
        assert_eq!(
            Dose::from_mg("dose_mg", dec!(0.0005))
                .expect_err("input must be refused")
                .field,
            "dose_mg"
        );
        assert!(Dose::from_mg("dose_mg", dec!(0)).is_err());
        assert!(Dose::from_mg("dose_mg", dec!(-5)).is_err());
        assert_eq!(
            Dose::from_mg("dose_mg", dec!(10000)).map(Dose::ug),
            Ok(10_000_000)
        );
        assert!(Dose::from_mg("dose_mg", dec!(10000.001)).is_err());
        // sle-activity §0.2: a nonzero prednisone equivalent is at least 1 µg.
        assert!(PrednisoneEquivalent::from_mg("pe", dec!(0)).is_ok());
        assert!(PrednisoneEquivalent::from_mg("pe", dec!(0.001)).is_ok());
        assert_eq!(
            PrednisoneEquivalent::from_mg("pe", dec!(0.0009))
                .expect_err("below 1 µg must be refused")
                .field,
            "pe"
        );
        assert_eq!(
            Dose::from_ug(0).expect_err("input must be refused").field,
            "med_dose_ug"
        );
        let config = MeasureConfig {
            gc_betamethasone_equiv_mg: dec!(0.6666),
            ..MeasureConfig::default()
        };
        assert_eq!(
            EquivalenceTable::from_config(&config)
                .expect_err("input must be refused")
                .field,
            "gc_betamethasone_equiv_mg"
        );
    }

    fn course(
        agent: GlucocorticoidAgent,
        route: Route,
        mg: Decimal,
        schedule: Schedule,
        start: Date,
        end: Option<Date>,
    ) -> Course {
        let prescription = Prescription {
            agent,
            route,
            dose: Dose::from_mg("dose_mg", mg).expect("valid dose"),
            schedule,
        };
        Course::new(prescription, start, end).expect("valid course")
    }

    /// Vector G13 (sle-activity §8.7): prednisone 20 mg/d × 30 d plus methylprednisolone
    /// 500 mg IV × 3 d over a 30-day interval.
    #[test]
    fn g13_interval_exposure_with_pulses() {
        let (first, last) = (date(2025, 1, 1), date(2025, 1, 30));
        let history = GlucocorticoidHistory::new(
            vec![
                course(
                    Prednisone,
                    Route::Oral,
                    dec!(20),
                    Schedule::Daily,
                    first,
                    Some(last),
                ),
                course(
                    Methylprednisolone,
                    Route::Iv,
                    dec!(500),
                    Schedule::Daily,
                    date(2025, 1, 10),
                    Some(date(2025, 1, 12)),
                ),
            ],
            &MeasureConfig::default(),
        )
        .expect("default config");
        let e = history.exposure(first, last).expect("ordered interval");
        assert_eq!(e.days, 30, "G13 days");
        assert_eq!(
            history.maintenance_on(date(2025, 1, 11)).mg(),
            dec!(20),
            "G13 maintenance on a pulse day"
        );
        assert_eq!(
            e.maintenance_cumulative.mg(),
            dec!(600),
            "G13 maintenance part"
        );
        assert_eq!(e.pulse_cumulative.mg(), dec!(1875), "G13 pulse part");
        assert_eq!(e.cumulative().mg(), dec!(2475), "G13 cumulative");
        assert_eq!(e.average_daily().mg(), dec!(82.5), "G13 average");
        assert_eq!(
            e.average_daily_without_pulses().mg(),
            dec!(20),
            "G13 average without pulses"
        );
        assert!(e.had_pulse() && e.pulse_days == 3, "G13 pulse flag");
    }

    /// Vector G14 (sle-activity §8.7): 10 mg every other day = 5 mg/day; weekly averaged
    /// over 7 days; bid and tid multiplied.
    #[test]
    fn g14_schedules_are_averaged() {
        let start = date(2025, 3, 1);
        let rows = [
            (
                "G14 10 mg alternate day",
                dec!(10),
                Schedule::AlternateDay,
                dec!(5),
            ),
            ("weekly 14 mg", dec!(14), Schedule::Weekly, dec!(2)),
            ("bid 5 mg", dec!(5), Schedule::Bid, dec!(10)),
            ("tid 2.5 mg", dec!(2.5), Schedule::Tid, dec!(7.5)),
            ("daily 7.5 mg", dec!(7.5), Schedule::Daily, dec!(7.5)),
        ];
        for (row, mg, schedule, per_day) in rows {
            let history = GlucocorticoidHistory::new(
                vec![course(Prednisone, Route::Oral, mg, schedule, start, None)],
                &MeasureConfig::default(),
            )
            .expect("defaults");
            assert_eq!(
                history.maintenance_on(date(2025, 3, 2)).mg(),
                per_day,
                "{row}"
            );
        }
        let alternate = course(
            Prednisone,
            Route::Oral,
            dec!(10),
            Schedule::AlternateDay,
            start,
            None,
        );
        assert!(alternate.is_given_on(start) && !alternate.is_given_on(date(2025, 3, 2)));
        assert!(alternate.is_given_on(date(2025, 3, 3)));
    }

    /// §8.4: courses outside their dates, local and depot routes and pulses do not enter the
    /// maintenance dose; depot and `other` routes are flagged.
    #[test]
    fn maintenance_excludes_what_the_spec_excludes() {
        let visit = date(2025, 6, 10);
        let history = GlucocorticoidHistory::new(
            vec![
                course(
                    Prednisone,
                    Route::Oral,
                    dec!(5),
                    Schedule::Daily,
                    date(2025, 1, 1),
                    None,
                ),
                course(
                    Prednisone,
                    Route::Oral,
                    dec!(40),
                    Schedule::Daily,
                    date(2025, 1, 1),
                    Some(date(2025, 6, 9)),
                ),
                course(
                    Prednisone,
                    Route::Oral,
                    dec!(40),
                    Schedule::Daily,
                    date(2025, 6, 11),
                    None,
                ),
                course(
                    Betamethasone,
                    Route::Topical,
                    dec!(1),
                    Schedule::Daily,
                    date(2025, 1, 1),
                    None,
                ),
                course(
                    Triamcinolone,
                    Route::IntraArticular,
                    dec!(40),
                    Schedule::Single,
                    visit,
                    None,
                ),
                course(
                    Methylprednisolone,
                    Route::Iv,
                    dec!(1000),
                    Schedule::Daily,
                    visit,
                    Some(visit),
                ),
            ],
            &MeasureConfig::default(),
        )
        .expect("defaults");
        assert_eq!(history.maintenance_on(visit).mg(), dec!(5));
        assert_eq!(history.flagged_on(visit).count(), 1);
        assert!(history.is_pulse_day(visit));
    }

    /// §8.5 look-back: a pulse 10 days before the visit counts, 11 days before does not
    /// (default `pulse_lookback_days_for_states` = 10); the pulse threshold is inclusive.
    #[test]
    fn pulse_lookback_and_threshold_boundaries() {
        let visit = date(2025, 3, 20);
        let pulse_on = |day: Date, mg: Decimal| {
            GlucocorticoidHistory::new(
                vec![course(
                    Prednisone,
                    Route::Iv,
                    mg,
                    Schedule::Single,
                    day,
                    None,
                )],
                &MeasureConfig::default(),
            )
            .expect("defaults")
        };
        let rows = [
            ("pulse on the visit day", visit, dec!(250), true),
            ("10 days before", date(2025, 3, 10), dec!(250), true),
            ("11 days before", date(2025, 3, 9), dec!(250), false),
            ("after the visit", date(2025, 3, 21), dec!(250), false),
            ("249.999 mg is not a pulse", visit, dec!(249.999), false),
        ];
        for (row, day, mg, expected) in rows {
            assert_eq!(
                pulse_on(day, mg).pulse_within_lookback(visit),
                expected,
                "{row}"
            );
        }
    }

    #[test]
    fn pulse_and_category_of_a_prescription() {
        let t = EquivalenceTable::default();
        let config = MeasureConfig::default();
        let p = |agent, mg, route, schedule| Prescription {
            agent,
            route,
            dose: Dose::from_mg("dose_mg", mg).expect("dose"),
            schedule,
        };
        let mp500 = p(Methylprednisolone, dec!(500), Route::Iv, Schedule::Daily);
        assert!(mp500.is_pulse(&t, &config));
        assert_eq!(mp500.dose_category(&t, &config), Some(DoseCategory::Pulse));
        let mp200 = p(Methylprednisolone, dec!(200), Route::Iv, Schedule::Daily);
        assert!(
            mp200.is_pulse(&t, &config),
            "200 mg MP = 250 mg PE: at the threshold"
        );
        let weekly = p(Methylprednisolone, dec!(1000), Route::Iv, Schedule::Weekly);
        assert!(
            weekly.is_pulse(&t, &config),
            "judged on the dosing day, not the weekly average"
        );
        let alt = p(Prednisone, dec!(60), Route::Oral, Schedule::AlternateDay);
        assert_eq!(
            alt.dose_category(&t, &config),
            Some(DoseCategory::Medium),
            "60 mg every other day = 30 mg/day"
        );
        let depot = p(Triamcinolone, dec!(400), Route::Im, Schedule::Single);
        assert!(!depot.is_pulse(&t, &config) && depot.dose_category(&t, &config).is_none());
    }

    #[test]
    fn course_end_before_start_is_refused() {
        let p = Prescription {
            agent: Prednisone,
            route: Route::Oral,
            dose: Dose::from_ug(5000).expect("dose"),
            schedule: Schedule::Daily,
        };
        let err = Course::new(p, date(2025, 2, 2), Some(date(2025, 2, 1)))
            .expect_err("input must be refused");
        assert_eq!(err.field, "med_end_date");
    }

    proptest! {
        /// The exact comparison agrees with integer cross-multiplication `dose_ug × 5000 ≤
        /// T_ug × equiv_ug` (sle-activity §8.3).
        #[test]
        fn comparison_is_cross_multiplication(ug in 1u64..=10_000_000, t_ug in 0u64..=1_000_000, agent_index in 0usize..9) {
            let agents = [Prednisone, Prednisolone, Methylprednisolone, Dexamethasone, Hydrocortisone, Betamethasone, Deflazacort, Triamcinolone, Cortisone];
            let table = EquivalenceTable::default();
            let agent = agents[agent_index];
            let pe = table.prednisone_equivalent(agent, Dose::from_ug(ug).expect("in range"));
            let threshold = Decimal::new(i64::try_from(t_ug).expect("small"), 3);
            let expected = u128::from(ug) * 5000 <= u128::from(t_ug) * u128::from(table.equivalent_ug(agent));
            prop_assert_eq!(pe.at_most_mg(threshold), expected);
        }

        /// Fraction ordering is consistent with exact decimal arithmetic on terminating values.
        #[test]
        fn ordering_matches_decimals(a in 0u32..100_000, b in 0u32..100_000, sa in 0u32..4, sb in 0u32..4) {
            let x = Decimal::new(i64::from(a), sa);
            let y = Decimal::new(i64::from(b), sb);
            let px = PrednisoneEquivalent::from_mg("x", x).expect("in range");
            let py = PrednisoneEquivalent::from_mg("y", y).expect("in range");
            prop_assert_eq!(px.cmp(&py), x.cmp(&y));
            prop_assert_eq!(px.plus(py).mg(), x + y);
            prop_assert_eq!(px.mg(), x);
        }
    }
}

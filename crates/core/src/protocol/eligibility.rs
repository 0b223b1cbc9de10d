//! Eligibility criteria: typed where they can be computed from recorded facts (age, ISN/RPS
//! class, SLEDAI-2K, biopsy recency), free text answered yes/no otherwise (issue #3 item 2;
//! NCT03673748 in renal.md §7.1).

use jiff::ToSpan;
use jiff::civil::Date;

use crate::measures::isn_rps_class::{IsnRpsClass, LnClass, Membranous};

/// The inclusion and exclusion criteria of a protocol, in file order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Eligibility {
    /// Every one must be met (a typed rule satisfied, or the question answered "yes").
    pub inclusion: Vec<Criterion>,
    /// None may be met (a typed rule satisfied, or the question answered "yes", excludes).
    pub exclusion: Vec<Criterion>,
}

/// One criterion: an id unique in the protocol, its wording for the case report form, and
/// the rule that decides it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Criterion {
    pub id: String,
    pub text: String,
    pub rule: Rule,
}

/// How a criterion is decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rule {
    /// Age in completed years at screening within the range (renal.md §0.1: age is
    /// completed years).
    Age(AgeRange),
    /// The biopsy's ISN/RPS class is one of the listed ones (renal.md §5.1).
    IsnRpsClass(ClassList),
    /// SLEDAI-2K at screening ≥ the threshold (sle-activity §1). A parameter because the
    /// NCT03673748 registry versions say ≥ 6 and ≥ 10 (renal.md §7.1, §B.11).
    Sledai2kAtLeast(SledaiThreshold),
    /// The diagnostic biopsy is recent enough (renal.md §7.1).
    BiopsyRecency(BiopsyRecency),
    /// Not computable: the investigator answers yes or no.
    Question,
}

/// An inclusive age range in completed years; `max` absent = no upper limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AgeRange {
    pub min: u8,
    pub max: Option<u8>,
}

impl AgeRange {
    /// `min ≤ age ≤ max` (integers).
    pub fn admits(&self, age_years: u8) -> bool {
        age_years >= self.min && self.max.is_none_or(|max| age_years <= max)
    }

    /// The decision for a patient known by birth year and month only (DESIGN §3:
    /// pseudonymous, no birth day) on date `on`: `Some` when every possible birth day gives
    /// the same answer, `None` in the birth month itself when the day decides.
    pub fn decide_from_birth_month(
        &self,
        birth_year: i16,
        birth_month: u8,
        on: Date,
    ) -> Option<bool> {
        let years = i32::from(on.year()) - i32::from(birth_year);
        let month = i32::from(on.month());
        let (youngest, oldest) = match i32::from(birth_month).cmp(&month) {
            std::cmp::Ordering::Less => (years, years),
            std::cmp::Ordering::Greater => (years - 1, years - 1),
            std::cmp::Ordering::Equal => (years - 1, years),
        };
        let admits = |age: i32| u8::try_from(age).is_ok_and(|a| self.admits(a));
        let (a, b) = (admits(youngest), admits(oldest));
        (a == b).then_some(a)
    }
}

/// The ISN/RPS classes that qualify, compared on the class and its "+ V" component only:
/// the 2003 subdivision (-S/-G) and activity qualifier do not change the class (Bajema 2018,
/// renal.md §5.1), so `IV-G (A) + V` matches `IV + V`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClassList(pub(crate) Vec<IsnRpsClass>);

impl ClassList {
    /// The listed classes, as declared.
    pub fn classes(&self) -> &[IsnRpsClass] {
        &self.0
    }

    /// Whether the recorded class is one of the listed ones.
    pub fn admits(&self, recorded: &IsnRpsClass) -> bool {
        let key = |c: &IsnRpsClass| -> (LnClass, Membranous) { (c.class, c.membranous) };
        self.0.iter().any(|listed| key(listed) == key(recorded))
    }
}

/// SLEDAI-2K ≥ `min` (a score of 0–105, sle-activity §1.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SledaiThreshold {
    pub min: u8,
}

impl SledaiThreshold {
    /// `score ≥ min` (integers).
    pub fn admits(&self, sledai2k: u8) -> bool {
        sledai2k >= self.min
    }
}

/// Why the patient enters: the NCT03673748 biopsy window depends on it (renal.md §7.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Indication {
    /// No or only partial response to induction therapy.
    InsufficientResponseToInduction,
    /// A moderate or severe relapse.
    ModerateOrSevereRelapse,
}

/// "Biopsy ≤ 6 months, or ≤ 1 year for moderate/severe relapse" (NCT03673748, renal.md §7.1),
/// in calendar months before the screening date, the boundary day included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BiopsyRecency {
    pub months: u8,
    /// A longer window for a moderate/severe relapse; absent = same as `months`.
    pub months_if_relapse: Option<u8>,
}

impl BiopsyRecency {
    /// Whether a biopsy taken on `biopsy` is recent enough at `screening`: on or after the
    /// screening date minus the window (calendar months; day clamped to the month's end by
    /// jiff), and not after screening.
    pub fn admits(&self, biopsy: Date, screening: Date, indication: Indication) -> bool {
        let months = match indication {
            Indication::ModerateOrSevereRelapse => self.months_if_relapse.unwrap_or(self.months),
            Indication::InsufficientResponseToInduction => self.months,
        };
        let Ok(earliest) = screening.checked_sub(i32::from(months).months()) else {
            return false;
        };
        earliest <= biopsy && biopsy <= screening
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn class(text: &str) -> IsnRpsClass {
        IsnRpsClass::parse("isn_rps_class", text).expect("valid class in test")
    }

    #[test]
    fn adult_boundary_at_18() {
        let adults = AgeRange { min: 18, max: None };
        assert!(!adults.admits(17), "17 below");
        assert!(adults.admits(18), "18 at");
        assert!(adults.admits(19), "19 above");
        let misle = AgeRange {
            min: 18,
            max: Some(65),
        };
        assert!(misle.admits(65), "65 at the upper limit");
        assert!(!misle.admits(66), "66 above the upper limit");
    }

    /// Birth year and month only: decided unless the date falls in the birth month and the
    /// day decides.
    #[test]
    fn age_from_birth_month_is_decided_outside_the_birth_month() {
        let adults = AgeRange { min: 18, max: None };
        let on = date(2024, 5, 2);
        assert_eq!(
            adults.decide_from_birth_month(2006, 4, on),
            Some(true),
            "18 and a month"
        );
        assert_eq!(
            adults.decide_from_birth_month(2006, 6, on),
            Some(false),
            "17"
        );
        assert_eq!(
            adults.decide_from_birth_month(2006, 5, on),
            None,
            "17 or 18"
        );
        assert_eq!(
            adults.decide_from_birth_month(1988, 5, on),
            Some(true),
            "35 or 36"
        );
        let upper = AgeRange {
            min: 18,
            max: Some(65),
        };
        assert_eq!(upper.decide_from_birth_month(1958, 5, on), None, "65 or 66");
        assert_eq!(
            upper.decide_from_birth_month(1958, 4, on),
            Some(false),
            "66"
        );
        assert_eq!(
            adults.decide_from_birth_month(2030, 1, on),
            Some(false),
            "not born"
        );
    }

    /// NCT03673748 registry versions: SLEDAI-2K ≥ 6 (older) and ≥ 10 (newer), renal.md §B.11.
    #[test]
    fn sledai_threshold_boundaries_for_both_registry_versions() {
        for (row, min, score, expected) in [
            ("≥ 6: 5 below", 6, 5, false),
            ("≥ 6: 6 at", 6, 6, true),
            ("≥ 6: 7 above", 6, 7, true),
            ("≥ 10: 9 below", 10, 9, false),
            ("≥ 10: 10 at", 10, 10, true),
            ("≥ 10: 11 above", 10, 11, true),
        ] {
            assert_eq!(SledaiThreshold { min }.admits(score), expected, "{row}");
        }
    }

    /// NCT03673748: ISN/RPS class III/IV ± V (renal.md §7.1).
    #[test]
    fn class_iii_iv_with_or_without_v() {
        let list = ClassList(["III", "IV", "III + V", "IV + V"].map(class).to_vec());
        for (text, expected) in [
            ("III", true),
            ("IV-G (A)", true),
            ("IV-S (A/C) + V", true),
            ("V + III", true),
            ("V", false),
            ("II", false),
            ("VI", false),
            ("II + V", false),
        ] {
            assert_eq!(list.admits(&class(text)), expected, "{text}");
        }
    }

    /// Biopsy ≤ 6 months, or ≤ 12 months for a moderate/severe relapse (renal.md §7.1).
    #[test]
    fn biopsy_recency_boundaries() {
        let rule = BiopsyRecency {
            months: 6,
            months_if_relapse: Some(12),
        };
        let screening = date(2025, 7, 15);
        let induction = Indication::InsufficientResponseToInduction;
        let relapse = Indication::ModerateOrSevereRelapse;
        assert!(
            rule.admits(date(2025, 1, 15), screening, induction),
            "exactly 6 months"
        );
        assert!(
            !rule.admits(date(2025, 1, 14), screening, induction),
            "6 months + 1 day"
        );
        assert!(
            rule.admits(date(2025, 1, 14), screening, relapse),
            "relapse: 12 months"
        );
        assert!(
            rule.admits(date(2024, 7, 15), screening, relapse),
            "exactly 12 months"
        );
        assert!(
            !rule.admits(date(2024, 7, 14), screening, relapse),
            "12 months + 1 day"
        );
        assert!(
            !rule.admits(date(2025, 7, 16), screening, induction),
            "after screening"
        );
        // Month-end clamping: 31 Aug − 6 months = 28 Feb (2025).
        assert!(rule.admits(date(2025, 2, 28), date(2025, 8, 31), induction));
        assert!(!rule.admits(date(2025, 2, 27), date(2025, 8, 31), induction));
    }
}

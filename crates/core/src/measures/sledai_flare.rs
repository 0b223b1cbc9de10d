//! SLEDAI-based flare: the change of SLEDAI-2K against the previous assessment
//! (sle-activity §2.4).
//!
//! Gladman DD, Urowitz MB, Kagal A, Hallett D. *Accurately describing changes in disease
//! activity in systemic lupus erythematosus.* J Rheumatol 2000;27:377–379: flare = an
//! increase of more than 3, improvement = a decrease of more than 3, remission = current
//! SLEDAI 0; "persistently active" = no significant change with a current score above 0.
//!
//! Scores are integers, so "> 3" is "≥ 4" (the configurable `flare_sledai_delta_threshold`).
//! When either score is incomplete the decision uses the bounds (§2.4 last paragraph).

use serde::{Deserialize, Serialize};

use crate::{Status, Tri};

/// The change category of Gladman 2000 (sle-activity §2.4 engine output).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ChangeCategory {
    /// Δ ≥ +threshold (Gladman: increase > 3).
    Flare,
    /// Δ ≤ −threshold (Gladman: decrease > 3).
    Improved,
    /// −threshold < Δ < +threshold.
    NoSignificantChange,
}

/// A SLEDAI-2K score as a closed interval of possible totals (sle-activity §1.5 steps 5–6);
/// `lower == upper` when every descriptor was assessed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ScoreBounds {
    pub lower: u8,
    pub upper: u8,
}

impl ScoreBounds {
    /// An exact score.
    pub const fn exact(total: u8) -> ScoreBounds {
        ScoreBounds {
            lower: total,
            upper: total,
        }
    }

    /// Bounds `(lower, upper)` as returned by `Sledai2kScore::bounds()`.
    pub const fn from_pair((lower, upper): (u8, u8)) -> ScoreBounds {
        ScoreBounds { lower, upper }
    }

    /// Whether the score is exact.
    pub const fn is_exact(self) -> bool {
        self.lower == self.upper
    }

    /// `current − previous ≥ n` under bounds: TRUE if `cur_lower − prev_upper ≥ n`, FALSE if
    /// `cur_upper − prev_lower < n`, else UNKNOWN (sle-activity §2.4, §3.4 step 2).
    pub fn rise_at_least(previous: ScoreBounds, current: ScoreBounds, n: i32) -> Tri {
        let min_rise = i32::from(current.lower) - i32::from(previous.upper);
        let max_rise = i32::from(current.upper) - i32::from(previous.lower);
        if min_rise >= n {
            Tri::True
        } else if max_rise < n {
            Tri::False
        } else {
            Tri::Unknown
        }
    }

    /// `score ≤ n` under bounds: TRUE if `upper ≤ n`, FALSE if `lower > n`.
    pub fn at_most(self, n: u8) -> Tri {
        if self.upper <= n {
            Tri::True
        } else if self.lower > n {
            Tri::False
        } else {
            Tri::Unknown
        }
    }

    /// `score > n` under bounds.
    pub fn above(self, n: u8) -> Tri {
        self.at_most(n).not()
    }
}

/// The SLEDAI-based flare result at one visit (sle-activity §2.4, §10 `sledai_flare`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SledaiFlare {
    /// The category, or `None` when the bounds leave it undecided.
    pub change_category: Option<ChangeCategory>,
    /// Δ ≥ +threshold.
    pub flare: Tri,
    /// Δ ≤ −threshold.
    pub improved: Tri,
    /// Current SLEDAI-2K = 0 (Gladman's "remission"), independent of the change category.
    pub sledai_zero: Tri,
    /// `complete` when category and `sledai_zero` are decided; `incomplete` when only the
    /// category is; `not_evaluable` when the category is not; `not_applicable` without a
    /// previous assessment (§2.5).
    pub status: Status,
}

/// The reason code when there is no previous assessment (sle-activity §2.5).
pub const NO_PREVIOUS_ASSESSMENT: &str = "no_previous_assessment";

/// Compares the current SLEDAI-2K with the previous assessment (sle-activity §2.4).
///
/// `threshold` is `flare_sledai_delta_threshold` (default 4, Gladman 2000 "> 3"). `missing`
/// names the inputs whose absence widened the bounds; it is reported only when the result is
/// not complete. `previous = None` gives `not_applicable` (§2.5).
pub fn sledai_flare(
    previous: Option<ScoreBounds>,
    current: ScoreBounds,
    threshold: i32,
    missing: impl FnOnce() -> Vec<String>,
) -> SledaiFlare {
    let sledai_zero = current.at_most(0);
    let Some(previous) = previous else {
        return SledaiFlare {
            change_category: None,
            flare: Tri::Unknown,
            improved: Tri::Unknown,
            sledai_zero,
            status: Status::not_applicable(NO_PREVIOUS_ASSESSMENT),
        };
    };
    // Gladman 2000: flare = rise of at least `threshold`; improvement = fall of at least it.
    let flare = ScoreBounds::rise_at_least(previous, current, threshold);
    let improved = ScoreBounds::rise_at_least(current, previous, threshold);
    let change_category = match (flare, improved) {
        (Tri::True, _) => Some(ChangeCategory::Flare),
        (_, Tri::True) => Some(ChangeCategory::Improved),
        (Tri::False, Tri::False) => Some(ChangeCategory::NoSignificantChange),
        _ => None,
    };
    let status = match (change_category, sledai_zero) {
        (Some(_), Tri::True | Tri::False) => Status::Complete,
        (Some(_), Tri::Unknown) => Status::incomplete(missing()),
        (None, _) => Status::not_evaluable(missing()),
    };
    SledaiFlare {
        change_category,
        flare,
        improved,
        sledai_zero,
        status,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exact(prev: u8, cur: u8) -> SledaiFlare {
        sledai_flare(
            Some(ScoreBounds::exact(prev)),
            ScoreBounds::exact(cur),
            4,
            Vec::new,
        )
    }

    /// D1–D5 (sle-activity §2.6).
    #[test]
    fn sledai_flare_vectors() {
        use ChangeCategory::*;
        let rows = [
            ("D1 2 → 6", 2, 6, Flare, Tri::False),
            ("D2 2 → 5", 2, 5, NoSignificantChange, Tri::False),
            ("D3 8 → 4", 8, 4, Improved, Tri::False),
            ("D4 3 → 0", 3, 0, NoSignificantChange, Tri::True),
            ("D5 8 → 0", 8, 0, Improved, Tri::True),
        ];
        for (name, prev, cur, category, zero) in rows {
            let r = exact(prev, cur);
            assert_eq!(r.change_category, Some(category), "{name}");
            assert_eq!(r.sledai_zero, zero, "{name}");
            assert_eq!(r.status, Status::Complete, "{name}");
        }
    }

    #[test]
    fn threshold_boundaries() {
        use ChangeCategory::*;
        assert_eq!(
            exact(10, 13).change_category,
            Some(NoSignificantChange),
            "+3"
        );
        assert_eq!(exact(10, 14).change_category, Some(Flare), "+4");
        assert_eq!(exact(10, 15).change_category, Some(Flare), "+5");
        assert_eq!(
            exact(10, 7).change_category,
            Some(NoSignificantChange),
            "−3"
        );
        assert_eq!(exact(10, 6).change_category, Some(Improved), "−4");
        assert_eq!(exact(10, 5).change_category, Some(Improved), "−5");
        let six = sledai_flare(
            Some(ScoreBounds::exact(2)),
            ScoreBounds::exact(6),
            6,
            Vec::new,
        );
        assert_eq!(
            six.change_category,
            Some(NoSignificantChange),
            "configured threshold 6"
        );
    }

    #[test]
    fn bounds_decide_when_they_can() {
        let missing = || vec!["sledai_increased_dna_binding".to_owned()];
        // [8, 10] after exactly 4: at least +4 → flare, and not zero.
        let r = sledai_flare(
            Some(ScoreBounds::exact(4)),
            ScoreBounds {
                lower: 8,
                upper: 10,
            },
            4,
            missing,
        );
        assert_eq!(r.change_category, Some(ChangeCategory::Flare));
        assert_eq!(r.status, Status::Complete);
        // [6, 8] after 4: +2 … +4 → undecided.
        let r = sledai_flare(
            Some(ScoreBounds::exact(4)),
            ScoreBounds { lower: 6, upper: 8 },
            4,
            missing,
        );
        assert_eq!(r.change_category, None);
        assert_eq!(r.flare, Tri::Unknown);
        assert_eq!(r.improved, Tri::False);
        assert_eq!(
            r.status,
            Status::not_evaluable(["sledai_increased_dna_binding"])
        );
        // [0, 2] after 8: improved for sure; zero undecided → incomplete.
        let r = sledai_flare(
            Some(ScoreBounds::exact(8)),
            ScoreBounds { lower: 0, upper: 2 },
            4,
            missing,
        );
        assert_eq!(r.change_category, Some(ChangeCategory::Improved));
        assert_eq!(r.sledai_zero, Tri::Unknown);
        assert_eq!(r.status.code(), "incomplete");
    }

    #[test]
    fn no_previous_assessment_is_not_applicable() {
        let r = sledai_flare(None, ScoreBounds::exact(0), 4, Vec::new);
        assert_eq!(r.status, Status::not_applicable(NO_PREVIOUS_ASSESSMENT));
        assert_eq!(r.change_category, None);
    }

    #[test]
    fn bound_helpers_at_the_threshold() {
        let b = ScoreBounds { lower: 4, upper: 6 };
        assert_eq!(b.at_most(6), Tri::True);
        assert_eq!(b.at_most(5), Tri::Unknown);
        assert_eq!(b.at_most(3), Tri::False);
        assert_eq!(b.above(3), Tri::True);
    }
}

//! The window around a scheduled visit's target day, and where an actual visit falls in it
//! (renal.md §3.4: windows are protocol parameters; suggested ±7 days at month 1, ±14 days
//! later [DECISION, not from a source]).

use jiff::civil::Date;
use serde::Serialize;

/// The days allowed around a scheduled visit: `[target − before, target + after]`, both ends
/// included. Days count from the infusion day 0 (see [`study_day`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct VisitWindow {
    target_day: i32,
    before: u16,
    after: u16,
}

/// Where an actual visit day falls relative to its window.
///
/// A visit outside its window is still accepted (issue #3: it is recorded and becomes a
/// protocol deviation), so classification never fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case", tag = "window_status")]
pub enum WindowStatus {
    /// Within `[target − before, target + after]`, ends included.
    InWindow,
    /// Before the window opens, by `days` days (1 = the day before the first allowed day).
    Early { days: u32 },
    /// After the window closes, by `days` days (1 = the day after the last allowed day).
    Late { days: u32 },
}

impl VisitWindow {
    /// The window of a visit due on `target_day`, allowing `before` days earlier and `after`
    /// days later.
    pub const fn new(target_day: i32, before: u16, after: u16) -> VisitWindow {
        VisitWindow {
            target_day,
            before,
            after,
        }
    }

    /// The target day (day 0 = infusion day).
    pub const fn target_day(&self) -> i32 {
        self.target_day
    }

    /// Days allowed before the target day.
    pub const fn before(&self) -> u16 {
        self.before
    }

    /// Days allowed after the target day.
    pub const fn after(&self) -> u16 {
        self.after
    }

    /// The first allowed day.
    pub const fn opens(&self) -> i32 {
        self.target_day - self.before as i32
    }

    /// The last allowed day.
    pub const fn closes(&self) -> i32 {
        self.target_day + self.after as i32
    }

    /// Classifies an actual visit day (day 0 = infusion day). Integer arithmetic; never fails.
    pub fn classify(&self, actual_day: i32) -> WindowStatus {
        let (opens, closes) = (i64::from(self.opens()), i64::from(self.closes()));
        let day = i64::from(actual_day);
        if day < opens {
            return WindowStatus::Early {
                days: saturating_u32(opens - day),
            };
        }
        if day > closes {
            return WindowStatus::Late {
                days: saturating_u32(day - closes),
            };
        }
        WindowStatus::InWindow
    }

    /// Whether two windows share at least one day.
    pub(crate) fn overlaps(&self, other: &VisitWindow) -> bool {
        self.opens() <= other.closes() && other.opens() <= self.closes()
    }
}

fn saturating_u32(days: i64) -> u32 {
    u32::try_from(days).unwrap_or(u32::MAX)
}

/// The study day of `date` counted from the infusion date: the infusion day is day 0, the day
/// before it day −1, the day after it day 1 (no CDISC-style skipping of day 0, so that
/// "month m" targets are plain day counts).
pub fn study_day(infusion: Date, date: Date) -> i32 {
    // Civil dates have no time zone, so every day is exactly 24 h.
    let days = date.duration_since(infusion).as_hours() / 24;
    i32::try_from(days).expect("civil dates span at most ±20,000 years, which fits i32 days")
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;
    use proptest::prelude::*;

    /// Boundaries of renal.md §3.4's suggested windows: m1 target day 30 ±7, m3 day 91 ±14.
    #[test]
    fn classifies_at_and_around_both_edges() {
        let m1 = VisitWindow::new(30, 7, 7);
        let m3 = VisitWindow::new(91, 14, 14);
        let rows = [
            (
                "m1 day 22: one day early",
                m1,
                22,
                WindowStatus::Early { days: 1 },
            ),
            ("m1 day 23: opens", m1, 23, WindowStatus::InWindow),
            ("m1 day 30: target", m1, 30, WindowStatus::InWindow),
            ("m1 day 37: closes", m1, 37, WindowStatus::InWindow),
            (
                "m1 day 38: one day late",
                m1,
                38,
                WindowStatus::Late { days: 1 },
            ),
            (
                "m3 day 76: one day early",
                m3,
                76,
                WindowStatus::Early { days: 1 },
            ),
            ("m3 day 77: opens", m3, 77, WindowStatus::InWindow),
            ("m3 day 105: closes", m3, 105, WindowStatus::InWindow),
            (
                "m3 day 106: one day late",
                m3,
                106,
                WindowStatus::Late { days: 1 },
            ),
            (
                "m3 day 120: 15 days late",
                m3,
                120,
                WindowStatus::Late { days: 15 },
            ),
            (
                "m1 day -5: 28 days early",
                m1,
                -5,
                WindowStatus::Early { days: 28 },
            ),
        ];
        for (row, window, day, expected) in rows {
            assert_eq!(window.classify(day), expected, "{row}");
        }
    }

    #[test]
    fn a_baseline_window_closes_on_the_infusion_day() {
        let baseline = VisitWindow::new(0, 14, 0);
        assert_eq!(baseline.classify(-15), WindowStatus::Early { days: 1 });
        assert_eq!(baseline.classify(-14), WindowStatus::InWindow);
        assert_eq!(baseline.classify(0), WindowStatus::InWindow);
        assert_eq!(baseline.classify(1), WindowStatus::Late { days: 1 });
    }

    #[test]
    fn a_zero_width_window_admits_only_the_target_day() {
        let w = VisitWindow::new(10, 0, 0);
        assert_eq!(w.classify(9), WindowStatus::Early { days: 1 });
        assert_eq!(w.classify(10), WindowStatus::InWindow);
        assert_eq!(w.classify(11), WindowStatus::Late { days: 1 });
    }

    #[test]
    fn overlap_is_inclusive_of_shared_edge_days() {
        let a = VisitWindow::new(30, 7, 7); // 23..=37
        assert!(a.overlaps(&VisitWindow::new(51, 14, 14))); // 37..=65 shares day 37
        assert!(!a.overlaps(&VisitWindow::new(52, 14, 14))); // 38..=66
        assert!(a.overlaps(&a));
    }

    #[test]
    fn study_day_counts_from_the_infusion_day() {
        let infusion = date(2025, 1, 31);
        assert_eq!(study_day(infusion, date(2025, 1, 31)), 0);
        assert_eq!(study_day(infusion, date(2025, 1, 30)), -1);
        assert_eq!(study_day(infusion, date(2025, 3, 2)), 30);
        assert_eq!(study_day(infusion, date(2026, 1, 31)), 365);
        assert_eq!(
            study_day(date(2024, 1, 1), date(2025, 1, 1)),
            366,
            "leap year"
        );
    }

    proptest! {
        /// Classification is total and consistent with the window's edges: exactly in window
        /// iff opens ≤ day ≤ closes, and `days` is the distance to the nearest edge.
        #[test]
        fn classification_is_total_and_measures_distance_to_the_edge(
            target in -400i32..4000, before in 0u16..400, after in 0u16..400, day in -5000i32..5000,
        ) {
            let w = VisitWindow::new(target, before, after);
            match w.classify(day) {
                WindowStatus::InWindow => prop_assert!(w.opens() <= day && day <= w.closes()),
                WindowStatus::Early { days } => {
                    prop_assert!(days >= 1);
                    prop_assert_eq!(i64::from(day) + i64::from(days), i64::from(w.opens()));
                }
                WindowStatus::Late { days } => {
                    prop_assert!(days >= 1);
                    prop_assert_eq!(i64::from(day) - i64::from(days), i64::from(w.closes()));
                }
            }
        }
    }
}

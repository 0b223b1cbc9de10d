//! The visit schedule: each scheduled visit's code, target day, window and the measurements
//! due (sle-activity §0.3; renal.md §3.4).

use super::measurement::Measurement;
use super::visit_code::VisitCode;
use super::visit_window::VisitWindow;

/// Days per month used to place month visits: 365.25 / 12 = 30.4375 = 487/16 (the mean
/// Julian month, customary in clinical protocols) [DECISION: the spec leaves target days to
/// the protocol, sle-activity §0.3].
const DAYS_PER_MONTH_NUMERATOR: u32 = 487;
const DAYS_PER_MONTH_DENOMINATOR: u32 = 16;

/// The target day of a scheduled visit, counted from the infusion on day 0.
///
/// `baseline` is day 0 (the pre-treatment assessment, sle-activity §0.3: its window must end
/// on day 0). Month m is round(m × 30.4375) days, rounding halves up, in integers:
/// (487·m + 8) div 16 — m1 → 30, m3 → 91, m6 → 183, m9 → 274, m12 → 365.
/// `unscheduled` has no target day.
pub fn target_day(code: VisitCode) -> Option<i32> {
    match code {
        VisitCode::Baseline => Some(0),
        VisitCode::Month(m) => {
            let days = (DAYS_PER_MONTH_NUMERATOR * u32::from(m) + DAYS_PER_MONTH_DENOMINATOR / 2)
                / DAYS_PER_MONTH_DENOMINATOR;
            Some(i32::try_from(days).expect("255 months is 7762 days, which fits i32"))
        }
        VisitCode::Unscheduled => None,
    }
}

/// One scheduled visit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScheduledVisit {
    code: VisitCode,
    window: VisitWindow,
    measurements: Vec<Measurement>,
}

impl ScheduledVisit {
    pub(crate) fn new(
        code: VisitCode,
        window: VisitWindow,
        measurements: Vec<Measurement>,
    ) -> ScheduledVisit {
        ScheduledVisit {
            code,
            window,
            measurements,
        }
    }

    /// The visit code (`baseline`, `m1`, …).
    pub fn code(&self) -> VisitCode {
        self.code
    }

    /// The window around the target day.
    pub fn window(&self) -> VisitWindow {
        self.window
    }

    /// The measurements due, in file order, the `sledai2k` panel expanded.
    pub fn measurements(&self) -> &[Measurement] {
        &self.measurements
    }

    /// Whether `name` (a catalogue name) is due at this visit.
    pub fn is_due(&self, name: &str) -> bool {
        self.measurements.iter().any(|m| m.name() == name)
    }
}

/// The scheduled visits in increasing target day, exactly one `baseline`, windows disjoint
/// (checked when the protocol is loaded).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Schedule(pub(crate) Vec<ScheduledVisit>);

impl Schedule {
    /// The visits in order of target day.
    pub fn visits(&self) -> &[ScheduledVisit] {
        &self.0
    }

    /// The scheduled visit with this code, if any.
    pub fn visit(&self, code: VisitCode) -> Option<&ScheduledVisit> {
        self.0.iter().find(|v| v.code == code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn month_targets_are_rounded_mean_months() {
        let rows = [
            ("baseline", VisitCode::Baseline, Some(0)),
            ("m1 30.4375", VisitCode::Month(1), Some(30)),
            ("m2 60.875 rounds up", VisitCode::Month(2), Some(61)),
            ("m3 91.3125", VisitCode::Month(3), Some(91)),
            ("m6 182.625", VisitCode::Month(6), Some(183)),
            ("m9 273.9375", VisitCode::Month(9), Some(274)),
            ("m12 365.25", VisitCode::Month(12), Some(365)),
            ("m24 730.5 half rounds up", VisitCode::Month(24), Some(731)),
            ("m255", VisitCode::Month(255), Some(7762)),
            ("unscheduled", VisitCode::Unscheduled, None),
        ];
        for (row, code, expected) in rows {
            assert_eq!(target_day(code), expected, "{row}");
        }
    }
}

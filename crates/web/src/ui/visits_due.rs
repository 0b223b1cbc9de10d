//! Which scheduled visits are due or overdue today (the dashboard's `#visits-due`): for an
//! infused patient, each visit of the protocol schedule not yet recorded whose window
//! (sle-activity §0.3; renal.md §3.4: target day ± the protocol's allowance, day 0 = the
//! infusion) is open today is *due*; one whose window has closed is *overdue*. Windows that
//! open later are not listed. Pure: the caller passes today's date.

use jiff::Span;
use jiff::civil::Date;
use sledger_core::protocol::{Schedule, VisitCode};

/// Whether the window is open today or already closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DueStatus {
    /// Today is inside the window, ends included.
    Due,
    /// The window's last day has passed.
    Overdue,
}

impl DueStatus {
    /// The status code shown in the table (and its CSS class suffix).
    pub fn code(self) -> &'static str {
        match self {
            DueStatus::Due => "due",
            DueStatus::Overdue => "overdue",
        }
    }
}

/// A scheduled visit not yet recorded, with its window in calendar dates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueVisit {
    pub visit: VisitCode,
    /// The first allowed date.
    pub opens: Date,
    /// The last allowed date.
    pub closes: Date,
    pub status: DueStatus,
}

fn day(infusion: Date, study_day: i32) -> Option<Date> {
    infusion.checked_add(Span::new().days(study_day)).ok()
}

/// The due and overdue visits of one patient infused on `infusion`, who has the visits
/// `recorded`, as of `today`, in schedule order.
pub fn visits_due(
    schedule: &Schedule,
    infusion: Date,
    recorded: &[VisitCode],
    today: Date,
) -> Vec<DueVisit> {
    schedule
        .visits()
        .iter()
        .filter(|v| !recorded.contains(&v.code()))
        .filter_map(|v| {
            let window = v.window();
            let opens = day(infusion, window.opens())?;
            let closes = day(infusion, window.closes())?;
            let status = if today > closes {
                DueStatus::Overdue
            } else if today >= opens {
                DueStatus::Due
            } else {
                return None;
            };
            Some(DueVisit {
                visit: v.code(),
                opens,
                closes,
                status,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    /// The schedule of the randomized trial's protocol (m1 day 30 ± 7, m3 day 91 ± 14, …).
    fn schedule() -> Schedule {
        let text = include_str!("../../../../protocols/msc-ln-rct.toml");
        let protocol = sledger_core::protocol::load("msc-ln-rct.toml", text).expect("the protocol");
        protocol.schedule().clone()
    }

    fn window_of(code: VisitCode) -> (i32, i32) {
        let s = schedule();
        let w = s.visit(code).expect("scheduled").window();
        (w.opens(), w.closes())
    }

    #[test]
    fn a_window_opening_today_is_due_and_one_that_closed_yesterday_is_overdue() {
        let infusion = date(2025, 1, 1);
        let (m1_opens, m1_closes) = window_of(VisitCode::Month(1));
        let recorded = [VisitCode::Baseline];
        let opens_today = day(infusion, m1_opens).expect("date");
        let due = visits_due(&schedule(), infusion, &recorded, opens_today);
        assert_eq!(due.len(), 1, "{due:?}");
        assert_eq!(due[0].visit, VisitCode::Month(1));
        assert_eq!(due[0].status, DueStatus::Due);
        assert_eq!(due[0].opens, opens_today);

        let day_before = opens_today.yesterday().expect("date");
        assert!(visits_due(&schedule(), infusion, &recorded, day_before).is_empty());

        let closes = day(infusion, m1_closes).expect("date");
        let last_day = visits_due(&schedule(), infusion, &recorded, closes);
        assert_eq!(last_day[0].status, DueStatus::Due, "the last day is in");
        let closed_yesterday = closes.tomorrow().expect("date");
        let late = visits_due(&schedule(), infusion, &recorded, closed_yesterday);
        assert_eq!(late[0].visit, VisitCode::Month(1));
        assert_eq!(late[0].status, DueStatus::Overdue);
        assert_eq!(late[0].closes, closes);
    }

    #[test]
    fn recorded_visits_are_not_listed_and_each_missing_one_is() {
        let infusion = date(2025, 1, 1);
        let (_, m3_closes) = window_of(VisitCode::Month(3));
        let after_m3 = day(infusion, m3_closes + 1).expect("date");
        let none_recorded = visits_due(&schedule(), infusion, &[], after_m3);
        let codes: Vec<VisitCode> = none_recorded.iter().map(|d| d.visit).collect();
        assert_eq!(
            codes,
            vec![
                VisitCode::Baseline,
                VisitCode::Month(1),
                VisitCode::Month(3)
            ]
        );
        assert!(none_recorded.iter().all(|d| d.status == DueStatus::Overdue));
        let some = visits_due(
            &schedule(),
            infusion,
            &[VisitCode::Baseline, VisitCode::Month(3)],
            after_m3,
        );
        assert_eq!(some.len(), 1);
        assert_eq!(some[0].visit, VisitCode::Month(1));
    }
}

//! A patient's record: identity as far as pseudonymisation allows, the infusion day, the
//! visits in date order and the medication exposures (DESIGN §3; issue #3).

use jiff::civil::Date;

use crate::InputError;
use crate::protocol::VisitCode;
use crate::record::medication::MedicationExposure;
use crate::record::observation::Observation;
use crate::record::visit::RecordedVisit;
use crate::sex::RecordedSex;

/// Birth year and month; the day is not recorded (pseudonymisation, issue #3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct BirthMonth {
    year: i16,
    month: i8,
}

impl BirthMonth {
    /// Year 1900–2100, month 1–12; refused naming `birth_year` / `birth_month`.
    pub fn new(year: i16, month: i8) -> Result<BirthMonth, InputError> {
        if !(1900..=2100).contains(&year) {
            return Err(InputError::new(
                "birth_year",
                year,
                "must be between 1900 and 2100",
            ));
        }
        if !(1..=12).contains(&month) {
            return Err(InputError::new("birth_month", month, "must be 1 to 12"));
        }
        Ok(BirthMonth { year, month })
    }

    pub fn year(&self) -> i16 {
        self.year
    }

    pub fn month(&self) -> i8 {
        self.month
    }

    /// The last day of the birth month in `year` (29 February in leap years).
    fn last_day_in(&self, year: i16) -> Date {
        Date::new(year, self.month, 1)
            .expect("year 1900–2100+, month 1–12 is a valid date")
            .last_of_month()
    }

    /// Age in completed years on `date`, taking the birthday as the LAST day of the birth
    /// month; `None` before that day in the birth year.
    ///
    /// [DECISION] With only year and month known, the true birthday lies anywhere in the
    /// month. Taking the last day never overstates the age: a patient counts as 18 only once
    /// certainly 18. That is the conservative side for renal.md §1.2/§1.6.1, where age ≥ 18
    /// selects CKD-EPI 2021 ("Age < 18 → do not compute", as `kidney.epi`): an adult equation
    /// is never applied to a 17-year-old; the cost is at most one month of bedside Schwartz
    /// (which needs a height) for a patient who has just turned 18. Taking the first day would
    /// instead apply the adult equation up to a month early. The same rule also keeps the
    /// CKD-EPI age term (0.9938^age) at the completed years that are certain.
    pub fn age_on(&self, date: Date) -> Option<u8> {
        let mut years = i32::from(date.year()) - i32::from(self.year);
        let birthday = self.last_day_in(date.year());
        if (date.month(), date.day()) < (birthday.month(), birthday.day()) {
            years -= 1;
        }
        u8::try_from(years).ok()
    }
}

/// A pseudonymous study code (no names, DESIGN §3): non-empty, no surrounding spaces.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StudyCode(String);

impl StudyCode {
    pub fn parse(code: &str) -> Result<StudyCode, InputError> {
        if code.is_empty() || code.trim() != code {
            return Err(InputError::new(
                "study_code",
                code,
                "must be non-empty without leading or trailing spaces",
            ));
        }
        Ok(StudyCode(code.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// One observation of the record with its visit: the date-ordered index the SLEDAI look-back
/// window and the height search read (sle-activity §1.5 step 2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct IndexedObservation {
    pub(crate) date: Date,
    pub(crate) visit: usize,
    pub(crate) position: usize,
}

/// A patient's record (issue #3): the facts every measure is derived from.
#[derive(Debug, Clone, PartialEq)]
pub struct PatientRecord {
    study_code: StudyCode,
    sex: RecordedSex,
    birth: BirthMonth,
    enrollment_date: Date,
    infusion_date: Option<Date>,
    visits: Vec<RecordedVisit>,
    medications: Vec<MedicationExposure>,
    observations_by_date: Vec<IndexedObservation>,
}

impl PatientRecord {
    /// A record; the visits are put in date order (same-date visits keep their given order,
    /// sle-activity §0.3: the caller passes them by timestamp, then id).
    ///
    /// Refused: an enrollment before the birth month (`enrollment_date`); an infusion before
    /// enrollment (`infusion_date`); a second baseline, or a visit dated before the baseline
    /// (`visits[i].visit_code`: the baseline is the pre-treatment assessment that every
    /// comparison refers to, §0.3); a scheduled month visit recorded twice.
    pub fn new(
        study_code: StudyCode,
        sex: RecordedSex,
        birth: BirthMonth,
        enrollment_date: Date,
        infusion_date: Option<Date>,
        mut visits: Vec<RecordedVisit>,
        medications: Vec<MedicationExposure>,
    ) -> Result<PatientRecord, InputError> {
        let born_by = Date::new(birth.year, birth.month, 1).expect("valid birth month");
        if enrollment_date < born_by {
            return Err(InputError::new(
                "enrollment_date",
                enrollment_date,
                "must not be before the birth month",
            ));
        }
        if let Some(infusion) = infusion_date.filter(|d| *d < enrollment_date) {
            return Err(InputError::new(
                "infusion_date",
                infusion,
                "must not be before enrollment_date",
            ));
        }
        visits.sort_by_key(RecordedVisit::date);
        let mut seen: Vec<VisitCode> = Vec::new();
        for (i, v) in visits.iter().enumerate() {
            let code = v.code();
            if code != VisitCode::Unscheduled && seen.contains(&code) {
                return Err(InputError::new(
                    format!("visits[{i}].visit_code"),
                    code,
                    "recorded twice: a scheduled visit happens once",
                ));
            }
            if code == VisitCode::Baseline && i > 0 {
                return Err(InputError::new(
                    format!("visits[{i}].visit_code"),
                    code,
                    "the baseline must be the patient's first visit (sle-activity §0.3)",
                ));
            }
            seen.push(code);
        }
        let mut observations_by_date: Vec<IndexedObservation> = visits
            .iter()
            .enumerate()
            .flat_map(|(visit, v)| {
                v.observations()
                    .iter()
                    .enumerate()
                    .map(move |(position, o)| IndexedObservation {
                        date: o.effective(),
                        visit,
                        position,
                    })
            })
            .collect();
        observations_by_date.sort_by_key(|o| o.date);
        Ok(PatientRecord {
            study_code,
            sex,
            birth,
            enrollment_date,
            infusion_date,
            visits,
            medications,
            observations_by_date,
        })
    }

    pub fn study_code(&self) -> &StudyCode {
        &self.study_code
    }

    pub fn sex(&self) -> RecordedSex {
        self.sex
    }

    pub fn birth(&self) -> BirthMonth {
        self.birth
    }

    pub fn enrollment_date(&self) -> Date {
        self.enrollment_date
    }

    /// Day 0 (DESIGN §3: time is anchored on the infusion).
    pub fn infusion_date(&self) -> Option<Date> {
        self.infusion_date
    }

    /// The visits in date order.
    pub fn visits(&self) -> &[RecordedVisit] {
        &self.visits
    }

    pub fn medications(&self) -> &[MedicationExposure] {
        &self.medications
    }

    /// Age in completed years on `date` (see [`BirthMonth::age_on`]).
    pub fn age_on(&self, date: Date) -> Option<u8> {
        self.birth.age_on(date)
    }

    /// Every observation of the record dated within `[first, last]`, in date order.
    pub fn observations_between(
        &self,
        first: Date,
        last: Date,
    ) -> impl Iterator<Item = &Observation> + '_ {
        let from = self
            .observations_by_date
            .partition_point(|o| o.date < first);
        let to = self
            .observations_by_date
            .partition_point(|o| o.date <= last);
        self.observations_by_date[from..to.max(from)]
            .iter()
            .map(|o| &self.visits[o.visit].observations()[o.position])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    /// Born in March 2007: 17 until the last day of March 2025, 18 from 31 March 2025.
    #[test]
    fn age_turns_on_the_last_day_of_the_birth_month() {
        let birth = BirthMonth::new(2007, 3).expect("valid");
        assert_eq!(birth.age_on(date(2025, 2, 28)), Some(17));
        assert_eq!(birth.age_on(date(2025, 3, 1)), Some(17));
        assert_eq!(birth.age_on(date(2025, 3, 30)), Some(17));
        assert_eq!(birth.age_on(date(2025, 3, 31)), Some(18));
        assert_eq!(birth.age_on(date(2025, 4, 1)), Some(18));
        assert_eq!(birth.age_on(date(2007, 3, 30)), None);
        assert_eq!(birth.age_on(date(2007, 3, 31)), Some(0));
    }

    /// February: the last day is the 29th in leap years and the 28th otherwise.
    #[test]
    fn february_birthdays_follow_the_year_of_the_date() {
        let birth = BirthMonth::new(2004, 2).expect("valid");
        assert_eq!(birth.age_on(date(2022, 2, 27)), Some(17));
        assert_eq!(birth.age_on(date(2022, 2, 28)), Some(18));
        assert_eq!(birth.age_on(date(2024, 2, 28)), Some(19));
        assert_eq!(birth.age_on(date(2024, 2, 29)), Some(20));
    }

    #[test]
    fn birth_month_and_code_are_checked() {
        assert_eq!(
            BirthMonth::new(2000, 13).expect_err("month 13").field,
            "birth_month"
        );
        assert_eq!(
            BirthMonth::new(1850, 1).expect_err("too early").field,
            "birth_year"
        );
        assert_eq!(
            StudyCode::parse(" X1").expect_err("space").field,
            "study_code"
        );
        assert!(StudyCode::parse("VLL-001").is_ok());
    }
}

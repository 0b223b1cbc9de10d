//! A medication exposure as recorded (sle-activity §9.6) and the glucocorticoid history the
//! measures price from it (sle-activity §8, `measures::glucocorticoid`).

use jiff::civil::Date;
use rust_decimal::Decimal;

use crate::InputError;
use crate::MeasureConfig;
use crate::measures::glucocorticoid::{
    Course, Dose, GlucocorticoidAgent, GlucocorticoidHistory, Prescription, Route, Schedule,
};
use crate::measures::sfi::ChangeIndication;

/// `med_agent` (sle-activity §9.6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MedicationAgent {
    Prednisone,
    Prednisolone,
    Methylprednisolone,
    Dexamethasone,
    Hydrocortisone,
    Betamethasone,
    Deflazacort,
    Triamcinolone,
    Cortisone,
    Hydroxychloroquine,
    Chloroquine,
    Mycophenolate,
    Azathioprine,
    Methotrexate,
    Cyclophosphamide,
    Tacrolimus,
    Cyclosporine,
    Belimumab,
    Anifrolumab,
    Rituximab,
    Other,
}

impl MedicationAgent {
    /// Every agent with its `med_agent` code (sle-activity §9.6), in the spec's order.
    pub const CODES: [(MedicationAgent, &'static str); 21] = [
        (MedicationAgent::Prednisone, "prednisone"),
        (MedicationAgent::Prednisolone, "prednisolone"),
        (MedicationAgent::Methylprednisolone, "methylprednisolone"),
        (MedicationAgent::Dexamethasone, "dexamethasone"),
        (MedicationAgent::Hydrocortisone, "hydrocortisone"),
        (MedicationAgent::Betamethasone, "betamethasone"),
        (MedicationAgent::Deflazacort, "deflazacort"),
        (MedicationAgent::Triamcinolone, "triamcinolone"),
        (MedicationAgent::Cortisone, "cortisone"),
        (MedicationAgent::Hydroxychloroquine, "hydroxychloroquine"),
        (MedicationAgent::Chloroquine, "chloroquine"),
        (MedicationAgent::Mycophenolate, "mycophenolate"),
        (MedicationAgent::Azathioprine, "azathioprine"),
        (MedicationAgent::Methotrexate, "methotrexate"),
        (MedicationAgent::Cyclophosphamide, "cyclophosphamide"),
        (MedicationAgent::Tacrolimus, "tacrolimus"),
        (MedicationAgent::Cyclosporine, "cyclosporine"),
        (MedicationAgent::Belimumab, "belimumab"),
        (MedicationAgent::Anifrolumab, "anifrolumab"),
        (MedicationAgent::Rituximab, "rituximab"),
        (MedicationAgent::Other, "other"),
    ];

    /// The `med_agent` code (sle-activity §9.6).
    pub fn code(self) -> &'static str {
        Self::CODES
            .iter()
            .find(|(a, _)| *a == self)
            .map_or("other", |(_, code)| *code)
    }

    /// The agent of a `med_agent` code; `None` for anything else.
    pub fn from_code(code: &str) -> Option<MedicationAgent> {
        Self::CODES
            .iter()
            .find(|(_, c)| *c == code)
            .map(|(a, _)| *a)
    }

    /// The glucocorticoid of the equivalence table (sle-activity §8.1), if the agent is one.
    pub fn glucocorticoid(self) -> Option<GlucocorticoidAgent> {
        use MedicationAgent as M;
        Some(match self {
            M::Prednisone => GlucocorticoidAgent::Prednisone,
            M::Prednisolone => GlucocorticoidAgent::Prednisolone,
            M::Methylprednisolone => GlucocorticoidAgent::Methylprednisolone,
            M::Dexamethasone => GlucocorticoidAgent::Dexamethasone,
            M::Hydrocortisone => GlucocorticoidAgent::Hydrocortisone,
            M::Betamethasone => GlucocorticoidAgent::Betamethasone,
            M::Deflazacort => GlucocorticoidAgent::Deflazacort,
            M::Triamcinolone => GlucocorticoidAgent::Triamcinolone,
            M::Cortisone => GlucocorticoidAgent::Cortisone,
            M::Hydroxychloroquine
            | M::Chloroquine
            | M::Mycophenolate
            | M::Azathioprine
            | M::Methotrexate
            | M::Cyclophosphamide
            | M::Tacrolimus
            | M::Cyclosporine
            | M::Belimumab
            | M::Anifrolumab
            | M::Rituximab
            | M::Other => return None,
        })
    }
}

/// `med_indication` (sle-activity §9.6): the same vocabulary the SFI reads for a prednisone
/// change (README erratum 16), so the one type serves both.
pub type MedIndication = ChangeIndication;

/// A dose as recorded with its unit: mg, g or µg, held as whole micrograms (sle-activity
/// §0.2, §8.3: `med_dose_ug`).
///
/// `unit` is `mg`, `g`, `ug` (UCUM), `µg` or `μg`; anything else is refused naming
/// `med_dose_unit`. The value must be a whole number of micrograms, > 0 and at most 10 g.
pub fn parse_dose(value: Decimal, unit: &str) -> Result<Dose, InputError> {
    let mg = match unit {
        "mg" => value,
        "g" => value
            .checked_mul(Decimal::ONE_THOUSAND)
            .unwrap_or(Decimal::MAX),
        "ug" | "µg" | "μg" => value / Decimal::ONE_THOUSAND,
        _ => {
            return Err(InputError::new(
                "med_dose_unit",
                unit,
                "must be mg, g or ug (µg) (sle-activity §9.6)",
            ));
        }
    };
    Dose::from_mg("med_dose", mg)
}

/// The days a medication was taken: `med_start_date` to `med_end_date` inclusive, no end =
/// ongoing. Cannot hold an end before its start (sle-activity §9.6: end ≥ start).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExposurePeriod {
    start: Date,
    end: Option<Date>,
}

impl ExposurePeriod {
    /// Refuses an end before the start, naming `med_end_date`.
    pub fn new(start: Date, end: Option<Date>) -> Result<ExposurePeriod, InputError> {
        if let Some(end) = end.filter(|end| *end < start) {
            return Err(InputError::new(
                "med_end_date",
                end,
                "must not be before med_start_date (sle-activity §9.6)",
            ));
        }
        Ok(ExposurePeriod { start, end })
    }

    pub fn start(&self) -> Date {
        self.start
    }

    pub fn end(&self) -> Option<Date> {
        self.end
    }
}

/// One medication exposure (sle-activity §9.6): agent, dose per administration, route,
/// schedule, period and indication.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MedicationExposure {
    pub agent: MedicationAgent,
    pub dose: Dose,
    pub route: Route,
    pub schedule: Schedule,
    pub period: ExposurePeriod,
    pub indication: MedIndication,
}

impl MedicationExposure {
    /// The glucocorticoid course of this exposure, `None` for any other agent.
    fn glucocorticoid_course(&self) -> Option<Course> {
        let agent = self.agent.glucocorticoid()?;
        let prescription = Prescription {
            agent,
            route: self.route,
            dose: self.dose,
            schedule: self.schedule,
        };
        Some(
            Course::new(prescription, self.period.start, self.period.end)
                .expect("an ExposurePeriod never ends before it starts"),
        )
    }
}

/// The glucocorticoid history of `exposures` (sle-activity §8.4, §8.5), priced under
/// `config`: every glucocorticoid exposure becomes a course of `measures::glucocorticoid`;
/// other agents are left out. `only` keeps the exposures of one indication (the SFI's
/// "pulse for SLE activity", §2.3 step 6).
pub fn glucocorticoid_history(
    exposures: &[MedicationExposure],
    only: Option<MedIndication>,
    config: &MeasureConfig,
) -> Result<GlucocorticoidHistory, InputError> {
    let courses = exposures
        .iter()
        .filter(|e| only.is_none_or(|i| e.indication == i))
        .filter_map(MedicationExposure::glucocorticoid_course)
        .collect();
    GlucocorticoidHistory::new(courses, config)
}

/// Ends, the day before, every open-ended course in `current` that an open-ended course of
/// `new` replaces — same agent, started earlier — and returns their indices. An open-ended
/// course recorded at a visit is "the dose from today on": without this, concurrent courses
/// are summed (sle-activity §8.4) and each visit's dose would add to the previous one. The
/// store applies it when a visit is recorded (as audited new versions); the web form's live
/// preview applies it to its in-memory record, so both see the same courses.
pub fn end_replaced_courses(
    current: &mut [MedicationExposure],
    new: &[MedicationExposure],
) -> Vec<usize> {
    let mut ended = Vec::new();
    for n in new.iter().filter(|n| n.period.end.is_none()) {
        let Ok(day_before) = n.period.start.yesterday() else {
            continue;
        };
        for (i, old) in current.iter_mut().enumerate() {
            if old.agent != n.agent
                || old.period.end.is_some()
                || old.period.start >= n.period.start
            {
                continue;
            }
            if let Ok(period) = ExposurePeriod::new(old.period.start, Some(day_before)) {
                old.period = period;
                ended.push(i);
            }
        }
    }
    ended
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;
    use rust_decimal_macros::dec;

    fn prednisone(mg: Decimal, start: Date, end: Option<Date>) -> MedicationExposure {
        MedicationExposure {
            agent: MedicationAgent::Prednisone,
            dose: parse_dose(mg, "mg").expect("valid dose"),
            route: Route::Oral,
            schedule: Schedule::Daily,
            period: ExposurePeriod::new(start, end).expect("valid period"),
            indication: MedIndication::SleActivity,
        }
    }

    #[test]
    fn an_open_course_ends_the_open_course_it_replaces_the_day_before() {
        let hcq = MedicationExposure {
            agent: MedicationAgent::Hydroxychloroquine,
            ..prednisone(dec!(200), date(2016, 6, 1), None)
        };
        let mut current = vec![
            prednisone(dec!(30), date(2017, 2, 25), None),
            hcq,
            prednisone(dec!(10), date(2017, 1, 1), Some(date(2017, 1, 31))),
            prednisone(dec!(40), date(2017, 3, 31), None),
        ];
        let new = [prednisone(dec!(20), date(2017, 3, 31), None)];
        assert_eq!(end_replaced_courses(&mut current, &new), vec![0]);
        assert_eq!(current[0].period.end(), Some(date(2017, 3, 30)));
        // Another agent, a closed course and a course from the same day are left alone.
        assert_eq!(current[1], hcq);
        assert_eq!(current[2].period.end(), Some(date(2017, 1, 31)));
        assert_eq!(current[3].period.end(), None);
        // A course with an end date replaces nothing.
        let mut again = vec![prednisone(dec!(30), date(2017, 2, 25), None)];
        let closed = [prednisone(
            dec!(20),
            date(2017, 3, 31),
            Some(date(2017, 4, 30)),
        )];
        assert!(end_replaced_courses(&mut again, &closed).is_empty());
    }

    #[test]
    fn dose_units_become_whole_micrograms() {
        assert_eq!(parse_dose(dec!(20), "mg").map(Dose::ug), Ok(20_000));
        assert_eq!(parse_dose(dec!(0.5), "g").map(Dose::ug), Ok(500_000));
        assert_eq!(parse_dose(dec!(750), "µg").map(Dose::ug), Ok(750));
        assert_eq!(parse_dose(dec!(750), "ug").map(Dose::ug), Ok(750));
        assert_eq!(parse_dose(dec!(1.5), "mg").map(Dose::ug), Ok(1500));
        let err = parse_dose(dec!(5), "tablet").expect_err("unknown unit");
        assert_eq!(err.field, "med_dose_unit");
        let err = parse_dose(dec!(0.5), "ug").expect_err("half a microgram");
        assert_eq!(err.field, "med_dose");
        assert!(parse_dose(dec!(0), "mg").is_err());
    }

    #[test]
    fn end_before_start_is_refused() {
        let err = ExposurePeriod::new(date(2025, 3, 10), Some(date(2025, 3, 9)))
            .expect_err("end before start");
        assert_eq!(err.field, "med_end_date");
        assert!(ExposurePeriod::new(date(2025, 3, 10), Some(date(2025, 3, 10))).is_ok());
        assert!(ExposurePeriod::new(date(2025, 3, 10), None).is_ok());
    }

    /// sle-activity §8.7 G8 through the record: 20 mg/d then 4 mg/d prednisone; only
    /// glucocorticoids enter the history.
    #[test]
    fn exposures_become_the_glucocorticoid_history() {
        let config = MeasureConfig::default();
        let mut hcq = prednisone(dec!(400), date(2025, 1, 1), None);
        hcq.agent = MedicationAgent::Hydroxychloroquine;
        let exposures = [
            prednisone(dec!(20), date(2025, 1, 1), Some(date(2025, 3, 31))),
            prednisone(dec!(4), date(2025, 4, 1), None),
            hcq,
        ];
        let history = glucocorticoid_history(&exposures, None, &config).expect("valid config");
        assert_eq!(history.courses().len(), 2);
        assert_eq!(history.maintenance_on(date(2025, 3, 31)).mg(), dec!(20));
        assert_eq!(history.maintenance_on(date(2025, 4, 1)).mg(), dec!(4));
        let protocol_only =
            glucocorticoid_history(&exposures, Some(MedIndication::Protocol), &config)
                .expect("valid config");
        assert!(protocol_only.courses().is_empty());
    }
}

//! A visit as recorded: its code and date, the observations made for it, the investigator's
//! SLEDAI-2K answers, the PGA and the visit-level facts the longitudinal measures read
//! (sle-activity §0.3, §1.4, §9.1–§9.5; README errata 3, 6, 16).

use jiff::civil::Date;

use crate::InputError;
use crate::measures::pga::Pga;
use crate::measures::sfi::NewImmunosuppressant;
use crate::measures::sledai2k::{Descriptor, InvestigatorAnswer};
use crate::measures::sri::BilagGrades;
use crate::protocol::VisitCode;
use crate::record::observation::Observation;

/// Attributions the investigator records against lab-proposed SLEDAI-2K descriptors
/// (sle-activity §0.4, §9.3). Recorded positively: `None` means no exclusion recorded, so an
/// abnormal value scores (README erratum 3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LabAttributions {
    pub hematuria_other_cause: Option<bool>,
    pub pyuria_infection: Option<bool>,
    pub fever_infection: Option<bool>,
    pub thrombocytopenia_drug: Option<bool>,
    pub leukopenia_drug: Option<bool>,
}

/// The visit-level answers of sle-activity §9.4–§9.5 and README erratum 16 that are not
/// observations, not SLEDAI-2K answers and not medication records (the fields of the course
/// driver's visit input other than those). `None` = not recorded, never "no".
///
/// Body weight and haemoglobin are observations (LOINC 29463-7, 718-7); the prednisone dose,
/// pulses and the reason for a prednisone change come from the medication records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct VisitFacts {
    /// Rescue or prohibited therapy, or treatment failure, recorded at this visit (since the
    /// previous one). Feeds renal response `rescue` (renal.md §3.1) and SRI `treatment_failure`
    /// (sle-activity §3.2), both cumulative up to the assessment.
    pub rescue_or_treatment_failure: Option<bool>,
    /// Dialysis or kidney transplant since the previous visit (renal.md §3.6: non-response).
    pub kidney_failure: Option<bool>,
    pub bilag: BilagGrades,
    pub hemolytic_anemia_active: Option<bool>,
    pub gi_lupus_activity: Option<bool>,
    pub on_investigational_drug: Option<bool>,
    pub immunosuppressant_regimen_standard_maintenance: Option<bool>,
    pub immunosuppressant_well_tolerated: Option<bool>,
    pub immunosuppressant_started_or_increased_for_sle: Option<bool>,
    pub study_product_received: Option<bool>,
    pub treatment_stable: Option<bool>,
    pub hospitalised_for_sle: Option<bool>,
    /// SFI MM2 flags in `measures::sfi::MM2_FLAGS` order (sle-activity §9.5).
    pub sfi_mm2: [Option<bool>; 10],
    /// SFI SV2 flags in `measures::sfi::SV2_FLAGS` order.
    pub sfi_sv2: [Option<bool>; 6],
    pub nsaid_added_for_sle: Option<bool>,
    pub hcq_added_for_sle: Option<bool>,
    pub new_immunosuppressant_for_sle: Option<NewImmunosuppressant>,
    pub attributions: LabAttributions,
}

/// One visit of a patient's record.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordedVisit {
    code: VisitCode,
    date: Date,
    observations: Vec<Observation>,
    sledai_answers: [InvestigatorAnswer; 24],
    pga: Option<Pga>,
    facts: VisitFacts,
}

impl RecordedVisit {
    /// A visit; the SLEDAI-2K answers are indexed by `Descriptor::index` (form order).
    ///
    /// Refused: a descriptor's last-present date after the visit date, naming
    /// `sledai_<descriptor>_date` (README erratum 6: it is the last date present up to the
    /// visit).
    pub fn new(
        code: VisitCode,
        date: Date,
        observations: Vec<Observation>,
        sledai_answers: [InvestigatorAnswer; 24],
        pga: Option<Pga>,
        facts: VisitFacts,
    ) -> Result<RecordedVisit, InputError> {
        for d in Descriptor::ALL {
            if let Some(last) = sledai_answers[d.index()]
                .last_present
                .filter(|last| *last > date)
            {
                return Err(InputError::new(
                    format!("sledai_{}_date", d.name()),
                    last,
                    "the last date present cannot be after the visit date",
                ));
            }
        }
        Ok(RecordedVisit {
            code,
            date,
            observations,
            sledai_answers,
            pga,
            facts,
        })
    }

    pub fn code(&self) -> VisitCode {
        self.code
    }

    pub fn date(&self) -> Date {
        self.date
    }

    /// The observations recorded for this visit.
    pub fn observations(&self) -> &[Observation] {
        &self.observations
    }

    /// The investigator's SLEDAI-2K answers, indexed by `Descriptor::index`.
    pub fn sledai_answers(&self) -> &[InvestigatorAnswer; 24] {
        &self.sledai_answers
    }

    pub fn pga(&self) -> Option<Pga> {
        self.pga
    }

    pub fn facts(&self) -> &VisitFacts {
        &self.facts
    }
}

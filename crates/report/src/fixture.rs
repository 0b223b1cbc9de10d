//! Test fixtures: small synthetic patient records built through sledger-core's own parsers
//! (not clinical data).

use jiff::ToSpan;
use jiff::civil::{Date, date};
use rust_decimal::Decimal;
use sledger_core::MeasureConfig;
use sledger_core::measures::glucocorticoid::{Route, Schedule};
use sledger_core::measures::pga::Pga;
use sledger_core::measures::sledai2k::{Descriptor, InvestigatorAnswer, ItemState};
use sledger_core::protocol::VisitCode;
use sledger_core::record::medication::{
    ExposurePeriod, MedIndication, MedicationAgent, parse_dose,
};
use sledger_core::record::observation::{
    Observation, ObservationReport, ObservationSource, ObservationValue,
};
use sledger_core::record::patient::{BirthMonth, StudyCode};
use sledger_core::record::visit::VisitFacts;
use sledger_core::record::{
    MedicationExposure, PatientRecord, RecordedVisit, VisitMeasures, visit_measures,
};
use sledger_core::sex::RecordedSex;
use sledger_core::units::urine_protein::UrineSpecimen;

use crate::patient_course::PatientInput;
use crate::provenance::Provenance;

/// One visit of a fixture: month (0 = baseline), and the values recorded (None = missing).
#[derive(Debug, Clone, Copy)]
pub(crate) struct FixtureVisit {
    pub month: u8,
    pub upcr_mg_g: Option<i64>,
    pub creatinine_cg_dl: Option<i64>,
    pub c3_cg_l: Option<i64>,
    pub sledai_proteinuria: bool,
    pub prednisone_mg: i64,
}

pub(crate) fn visit(
    month: u8,
    upcr: Option<i64>,
    creatinine: Option<i64>,
    c3: Option<i64>,
    prednisone_mg: i64,
) -> FixtureVisit {
    FixtureVisit {
        month,
        upcr_mg_g: upcr,
        creatinine_cg_dl: creatinine,
        c3_cg_l: c3,
        sledai_proteinuria: upcr.is_some_and(|u| u > 500),
        prednisone_mg,
    }
}

fn obs(
    code: &str,
    value: Decimal,
    unit: &str,
    on: Date,
    specimen: Option<UrineSpecimen>,
) -> Observation {
    Observation::parse(ObservationReport {
        code_system: "http://loinc.org".to_owned(),
        code: code.to_owned(),
        value: ObservationValue::Quantity(value),
        unit: Some(unit.to_owned()),
        reference_low: (code == "4485-9").then(|| Decimal::new(90, 2)),
        reference_high: None,
        effective: on,
        specimen,
        source: ObservationSource::Form,
    })
    .unwrap()
}

/// Day of month `m` after the infusion (protocol convention round(m × 30.4375)).
pub(crate) fn due(month: u8) -> i64 {
    (f64::from(month) * 30.4375).round() as i64
}

/// A patient infused on 2020-01-10 with the visits given (baseline 3 days before).
pub(crate) fn record(code: &str, visits: &[FixtureVisit]) -> PatientRecord {
    let day0 = date(2020, 1, 10);
    let mut recorded = Vec::new();
    let mut meds = Vec::new();
    for (i, v) in visits.iter().enumerate() {
        let on = if v.month == 0 {
            day0.checked_sub(3.days()).unwrap()
        } else {
            day0.checked_add(due(v.month).days()).unwrap()
        };
        let mut observations = Vec::new();
        if let Some(u) = v.upcr_mg_g {
            observations.push(obs(
                "2890-2",
                Decimal::from(u),
                "mg/g",
                on,
                Some(UrineSpecimen::Collection24h),
            ));
        }
        if let Some(c) = v.creatinine_cg_dl {
            observations.push(obs("2160-0", Decimal::new(c, 2), "mg/dL", on, None));
        }
        if let Some(c3) = v.c3_cg_l {
            observations.push(obs("4485-9", Decimal::new(c3, 2), "g/L", on, None));
        }
        let mut answers = [InvestigatorAnswer::default(); 24];
        for a in &mut answers {
            a.state = Some(ItemState::Absent);
        }
        if v.sledai_proteinuria {
            answers[Descriptor::Proteinuria.index()].state = Some(ItemState::Present);
        }
        let code = if v.month == 0 {
            VisitCode::Baseline
        } else {
            VisitCode::Month(v.month)
        };
        recorded.push(
            RecordedVisit::new(
                code,
                on,
                observations,
                answers,
                Some(Pga::from_hundredths(100).unwrap()),
                VisitFacts {
                    rescue_or_treatment_failure: Some(false),
                    kidney_failure: Some(false),
                    ..VisitFacts::default()
                },
            )
            .unwrap(),
        );
        let end = visits.get(i + 1).map(|n| {
            let next = if n.month == 0 {
                on
            } else {
                day0.checked_add(due(n.month).days()).unwrap()
            };
            next.yesterday().unwrap()
        });
        meds.push(MedicationExposure {
            agent: MedicationAgent::Prednisone,
            dose: parse_dose(Decimal::from(v.prednisone_mg), "mg").unwrap(),
            route: Route::Oral,
            schedule: Schedule::Daily,
            period: ExposurePeriod::new(on, end).unwrap(),
            indication: MedIndication::Protocol,
        });
    }
    meds.push(MedicationExposure {
        agent: MedicationAgent::Mycophenolate,
        dose: parse_dose(Decimal::from(1000), "mg").unwrap(),
        route: Route::Oral,
        schedule: Schedule::Bid,
        period: ExposurePeriod::new(day0.checked_sub(30.days()).unwrap(), None).unwrap(),
        indication: MedIndication::Protocol,
    });
    PatientRecord::new(
        StudyCode::parse(code).unwrap(),
        RecordedSex::Female,
        BirthMonth::new(1988, 3).unwrap(),
        day0.checked_sub(20.days()).unwrap(),
        Some(day0),
        recorded,
        meds,
    )
    .unwrap()
}

/// Records with their measures, as the CLI hands them over.
pub(crate) struct Cohort {
    pub records: Vec<PatientRecord>,
    pub measures: Vec<Vec<VisitMeasures>>,
}

impl Cohort {
    pub fn new(records: Vec<PatientRecord>) -> Cohort {
        let config = MeasureConfig::default();
        let measures = records.iter().map(|r| visit_measures(r, &config)).collect();
        Cohort { records, measures }
    }

    pub fn inputs(&self) -> Vec<PatientInput<'_>> {
        self.records
            .iter()
            .zip(&self.measures)
            .map(|(record, measures)| PatientInput { record, measures })
            .collect()
    }
}

/// Two patients: A complete to m3; B without m1, and m3 without C3 nor creatinine.
pub(crate) fn two_patients() -> Cohort {
    Cohort::new(vec![
        record(
            "PT-A",
            &[
                visit(0, Some(3000), Some(110), Some(60), 30),
                visit(1, Some(1500), Some(100), Some(70), 20),
                visit(3, Some(400), Some(95), Some(85), 10),
            ],
        ),
        record(
            "PT-B",
            &[
                visit(0, Some(2500), Some(120), Some(55), 40),
                visit(3, Some(1800), None, None, 20),
            ],
        ),
    ])
}

pub(crate) fn provenance() -> Provenance {
    Provenance {
        study_code: "TEST".to_owned(),
        study_title: "A test study <with markup>".to_owned(),
        protocol_id: "msc-ln-rct".to_owned(),
        protocol_version: "1".to_owned(),
        engine_version: sledger_core::ENGINE_VERSION.to_owned(),
        config_id: "0123456789abcdef".to_owned(),
        generated_at: "2026-01-01T00:00:00Z".to_owned(),
    }
}

/// Whether `text` is well-formed XML (every element closed, attributes quoted, entities
/// known), by quick-xml's reader.
pub(crate) fn assert_well_formed(text: &str) {
    let mut reader = quick_xml::Reader::from_str(text);
    reader.config_mut().check_end_names = true;
    let mut depth: i64 = 0;
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Start(_)) => depth += 1,
            Ok(quick_xml::events::Event::End(_)) => depth -= 1,
            Ok(quick_xml::events::Event::Text(t)) => {
                t.decode().unwrap_or_else(|e| panic!("bad text: {e}"));
            }
            Ok(quick_xml::events::Event::Eof) => break,
            Ok(_) => {}
            Err(e) => panic!(
                "not well-formed at {}: {e}\n{text}",
                reader.buffer_position()
            ),
        }
    }
    assert_eq!(depth, 0, "unclosed elements");
}

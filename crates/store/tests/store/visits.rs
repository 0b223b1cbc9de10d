//! Recording visits (issue #3 items 3–4, "Bad input and faults"): one transaction per visit,
//! window deviations, idempotency, unknown patients, corrections re-validated by the core
//! parsers, and the patient record read back fact for fact.

use jiff::civil::{Date, date};
use rust_decimal::Decimal;
use rust_decimal_macros::dec;
use serde_json::{Map, json};
use sledger_core::infusion::Infusion;
use sledger_core::measures::glucocorticoid::{Route, Schedule};
use sledger_core::measures::pga::Pga;
use sledger_core::measures::sledai2k::{Descriptor, InvestigatorAnswer, ItemState};
use sledger_core::protocol::{CellSource, Donor, Route as CellRoute, VisitCode};
use sledger_core::record::medication::{
    ExposurePeriod, MedIndication, MedicationAgent, MedicationExposure, parse_dose,
};
use sledger_core::record::observation::{
    Observation, ObservationReport, ObservationSource, ObservationValue,
};
use sledger_core::record::visit::VisitFacts;
use sledger_core::units::urine_protein::UrineSpecimen;
use sledger_store::adverse_event::{AdverseEvent, AeOutcome, CtcaeGrade, Relatedness, Seriousness};
use sledger_store::audit::{self, Verification};
use sledger_store::{Store, StoreError, Study, VisitSubmission, VisitTiming};

use crate::facts::{index_study, patient};
use crate::harness::{TestDb, actor, on_both_backends};

const INFUSION_DAY: Date = date(2017, 3, 1);

async fn enrolled_and_infused(store: &Store, code: &str) -> Study {
    let study = match store.study("VLD-MSC").await {
        Ok(s) => s,
        Err(_) => index_study(store).await,
    };
    store
        .enroll(&actor(), &study, &patient(code))
        .await
        .expect("enrolled");
    store
        .record_infusion(
            &actor(),
            &study,
            code,
            Infusion {
                date: INFUSION_DAY,
                source: CellSource::BoneMarrow,
                donor: Donor::Allogeneic,
                route: CellRoute::Iv,
                lot: None,
                total_cells: 90_000_000,
                weight_kg: Some(dec!(60)),
                viability_pct: None,
                premedication: None,
            },
        )
        .await
        .expect("infused");
    study
}

fn lab(code: &str, value: Decimal, unit: &str, on: Date) -> Observation {
    let specimen = (code == "2890-2").then_some(UrineSpecimen::Collection24h);
    Observation::parse(ObservationReport {
        code_system: "http://loinc.org".into(),
        code: code.into(),
        value: ObservationValue::Quantity(value),
        unit: Some(unit.into()),
        reference_low: None,
        reference_high: None,
        effective: on,
        specimen,
        source: ObservationSource::Form,
    })
    .expect("a valid lab")
}

fn submission(code: &str, visit: VisitCode, on: Date, key: &str) -> VisitSubmission {
    VisitSubmission {
        patient_code: code.into(),
        visit,
        date: on,
        idempotency_key: key.into(),
        observations: vec![
            lab("2160-0", dec!(0.9), "mg/dL", on),
            lab("2890-2", dec!(2400), "mg/g", on),
        ],
        sledai: [InvestigatorAnswer::default(); 24],
        pga: None,
        facts: VisitFacts::default(),
        medications: Vec::new(),
        adverse_events: Vec::new(),
    }
}

async fn count(db: &TestDb, study: &Study, table: &str) -> i64 {
    let mut tx = db.raw().await;
    tx.fetch_optional(
        &format!("SELECT COUNT(*) FROM {table} WHERE study_id = $1"),
        &[study.study_id.as_str().into()],
    )
    .await
    .expect("count")
    .expect("one row")
    .req_int(0)
    .expect("a count")
}

async fn counts(db: &TestDb, study: &Study) -> [i64; 6] {
    [
        count(db, study, "visit").await,
        count(db, study, "observation").await,
        count(db, study, "visit_fact").await,
        count(db, study, "submission").await,
        count(db, study, "protocol_deviation").await,
        count(db, study, "audit_entry").await,
    ]
}

async fn a_visit_outside_its_window_is_a_deviation(db: &TestDb) {
    let study = enrolled_and_infused(&db.store, "VLD-001").await;
    let rows = [
        // (visit, date, study day, timing)
        (
            "baseline 4 days before the infusion",
            VisitCode::Baseline,
            date(2017, 2, 25),
            -4,
            "in_window",
        ),
        (
            "m1 on its target day 30",
            VisitCode::Month(1),
            date(2017, 3, 31),
            30,
            "in_window",
        ),
        (
            "m3 on day 105: window closes",
            VisitCode::Month(3),
            date(2017, 6, 14),
            105,
            "in_window",
        ),
        (
            "m6 on day 198: one day late",
            VisitCode::Month(6),
            date(2017, 9, 15),
            198,
            "late",
        ),
    ];
    for (row, visit, on, day, status) in rows {
        let summary = db
            .store
            .record_visit(&actor(), &study, submission("VLD-001", visit, on, row))
            .await
            .expect(row);
        assert_eq!(summary.study_day, Some(day), "{row}");
        assert_eq!(summary.timing.code(), status, "{row}");
        assert_eq!(summary.deviation.is_some(), status == "late", "{row}");
    }
    assert_eq!(count(db, &study, "protocol_deviation").await, 1);
    let chart = db
        .store
        .patient_chart(&study, "VLD-001")
        .await
        .expect("chart");
    assert_eq!(chart.deviations.len(), 1);
    assert_eq!(chart.deviations[0].kind, "visit_out_of_window");
    assert!(
        chart.deviations[0]
            .description
            .contains("1 day(s) after its window (days 169 to 197)"),
        "{:?}",
        chart.deviations[0]
    );
    assert_eq!(chart.visits[3].window_status, "late");
    assert_eq!(chart.visits[3].window_days_off, 1);

    // An unscheduled visit may repeat; a scheduled one may not.
    for key in ["u1", "u2"] {
        let s = db
            .store
            .record_visit(
                &actor(),
                &study,
                submission("VLD-001", VisitCode::Unscheduled, date(2017, 5, 2), key),
            )
            .await
            .expect("unscheduled");
        assert_eq!(s.timing, VisitTiming::Unscheduled);
    }
    let before = counts(db, &study).await;
    let err = db
        .store
        .record_visit(
            &actor(),
            &study,
            submission("VLD-001", VisitCode::Month(3), date(2017, 6, 1), "m3 again"),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::Duplicate {
                field: "visit_code",
                ..
            }
        ),
        "{err:?}"
    );
    // m12 is not in the index study's schedule.
    let err = db
        .store
        .record_visit(
            &actor(),
            &study,
            submission("VLD-001", VisitCode::Month(12), date(2018, 3, 1), "m12"),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(&err, StoreError::Input(e) if e.field == "visit"),
        "{err:?}"
    );
    assert_eq!(counts(db, &study).await, before, "nothing written");
}

async fn a_visit_before_any_infusion(db: &TestDb) {
    let study = index_study(&db.store).await;
    db.store
        .enroll(&actor(), &study, &patient("VLD-002"))
        .await
        .expect("enrolled");
    let baseline = db
        .store
        .record_visit(
            &actor(),
            &study,
            submission("VLD-002", VisitCode::Baseline, date(2017, 2, 20), "b"),
        )
        .await
        .expect("baseline");
    assert_eq!(baseline.study_day, None);
    assert_eq!(baseline.timing, VisitTiming::BaselineBeforeInfusion);
    let m1 = db
        .store
        .record_visit(
            &actor(),
            &study,
            submission("VLD-002", VisitCode::Month(1), date(2017, 3, 20), "m1"),
        )
        .await
        .expect("m1");
    assert_eq!(m1.study_day, None);
    assert_eq!(m1.timing.code(), "no_infusion");
    // Nothing may be dated before the baseline.
    let err = db
        .store
        .record_visit(
            &actor(),
            &study,
            submission("VLD-002", VisitCode::Unscheduled, date(2017, 2, 1), "early"),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(&err, StoreError::Input(e) if e.field == "date"),
        "{err:?}"
    );
}

async fn duplicates_and_unknown_patients_write_nothing(db: &TestDb) {
    let study = enrolled_and_infused(&db.store, "VLD-003").await;
    db.store
        .record_visit(
            &actor(),
            &study,
            submission("VLD-003", VisitCode::Baseline, date(2017, 2, 27), "key-1"),
        )
        .await
        .expect("first submission");
    let before = counts(db, &study).await;
    let err = db
        .store
        .record_visit(
            &actor(),
            &study,
            submission("VLD-003", VisitCode::Month(1), date(2017, 3, 31), "key-1"),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::Duplicate {
                field: "idempotency_key",
                ..
            }
        ),
        "{err:?}"
    );
    let err = db
        .store
        .record_visit(
            &actor(),
            &study,
            submission("VLD-404", VisitCode::Month(1), date(2017, 3, 31), "key-2"),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(&err, StoreError::NotFound { entity: "patient", key } if key == "VLD-404"),
        "{err:?}"
    );
    // A SLEDAI-2K last-present date after the visit is refused by the core before writing.
    let mut bad = submission("VLD-003", VisitCode::Month(1), date(2017, 3, 31), "key-3");
    bad.sledai[Descriptor::Rash.index()] = InvestigatorAnswer {
        state: Some(ItemState::Present),
        last_present: Some(date(2017, 4, 2)),
        new_or_recurrent: None,
    };
    let err = db
        .store
        .record_visit(&actor(), &study, bad)
        .await
        .unwrap_err();
    assert!(
        matches!(&err, StoreError::Input(e) if e.field == "sledai_rash_date"),
        "{err:?}"
    );
    let err = db
        .store
        .record_visit(
            &actor(),
            &study,
            submission("VLD-003", VisitCode::Month(1), date(2017, 3, 31), " "),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(&err, StoreError::Input(e) if e.field == "idempotency_key"),
        "{err:?}"
    );
    assert_eq!(counts(db, &study).await, before, "nothing written");
    let verified = audit::verify(db.store.pool(), &study.study_id)
        .await
        .expect("verify");
    assert!(
        matches!(verified, Verification::Intact { .. }),
        "{verified:?}"
    );
}

fn full_submission() -> VisitSubmission {
    let on = date(2017, 2, 27);
    let mut s = submission("VLD-004", VisitCode::Baseline, on, "full");
    s.observations.push(
        Observation::parse(ObservationReport {
            code_system: "http://loinc.org".into(),
            code: "4485-9".into(),
            value: ObservationValue::Quantity(dec!(62)),
            unit: Some("mg/dL".into()),
            reference_low: Some(dec!(90)),
            reference_high: Some(dec!(180)),
            effective: date(2017, 2, 26),
            specimen: None,
            source: ObservationSource::Form,
        })
        .expect("C3"),
    );
    s.observations.push(
        Observation::parse(ObservationReport {
            code_system: "urn:sledger".into(),
            code: "urine_rbc_or_heme_granular_casts".into(),
            value: ObservationValue::Boolean(true),
            unit: None,
            reference_low: None,
            reference_high: None,
            effective: on,
            specimen: None,
            source: ObservationSource::Form,
        })
        .expect("casts"),
    );
    s.observations.push(
        Observation::parse(ObservationReport {
            code_system: "http://loinc.org".into(),
            code: "731-0".into(),
            value: ObservationValue::Text("not done".into()),
            unit: None,
            reference_low: None,
            reference_high: None,
            effective: on,
            specimen: None,
            source: ObservationSource::Form,
        })
        .expect("a raw observation"),
    );
    s.sledai[Descriptor::Arthritis.index()] = InvestigatorAnswer {
        state: Some(ItemState::Present),
        last_present: Some(date(2017, 2, 20)),
        new_or_recurrent: Some(true),
    };
    s.sledai[Descriptor::Seizure.index()].state = Some(ItemState::Absent);
    s.sledai[Descriptor::Psychosis.index()].state = Some(ItemState::NotAssessed);
    s.sledai[Descriptor::Rash.index()].new_or_recurrent = Some(false);
    s.pga = Some(Pga::from_hundredths(210).expect("PGA"));
    s.facts.rescue_or_treatment_failure = Some(false);
    s.facts.kidney_failure = Some(false);
    s.facts.sfi_sv2[2] = Some(true);
    s.facts.attributions.fever_infection = Some(true);
    s.medications = vec![
        MedicationExposure {
            agent: MedicationAgent::Prednisone,
            dose: parse_dose(dec!(30), "mg").expect("dose"),
            route: Route::Oral,
            schedule: Schedule::Daily,
            period: ExposurePeriod::new(date(2017, 1, 15), Some(date(2017, 3, 31)))
                .expect("period"),
            indication: MedIndication::SleActivity,
        },
        MedicationExposure {
            agent: MedicationAgent::Hydroxychloroquine,
            dose: parse_dose(dec!(200), "mg").expect("dose"),
            route: Route::Oral,
            schedule: Schedule::Bid,
            period: ExposurePeriod::new(date(2016, 6, 1), None).expect("period"),
            indication: MedIndication::Other,
        },
    ];
    s.adverse_events = vec![
        AdverseEvent::new(
            "Headache",
            CtcaeGrade::new(1).expect("grade"),
            Seriousness::NonSerious,
            Relatedness::Possible,
            date(2017, 2, 26),
            Some(date(2017, 2, 27)),
            Some(AeOutcome::Recovered),
        )
        .expect("AE"),
    ];
    s
}

async fn patient_record_round_trip(db: &TestDb) {
    let study = enrolled_and_infused(&db.store, "VLD-004").await;
    let sent = full_submission();
    let summary = db
        .store
        .record_visit(&actor(), &study, sent.clone())
        .await
        .expect("recorded");
    // visit + 5 observations + 4 SLEDAI items + PGA and 4 facts + 2 medications + 1 AE.
    assert_eq!(summary.facts_written, 1 + 5 + 4 + 5 + 2 + 1);
    let chart = db
        .store
        .patient_chart(&study, "VLD-004")
        .await
        .expect("chart");
    let record = &chart.record;
    assert_eq!(record.infusion_date(), Some(INFUSION_DAY));
    assert_eq!(record.visits().len(), 1);
    let visit = &record.visits()[0];
    assert_eq!(visit.code(), VisitCode::Baseline);
    assert_eq!(visit.date(), sent.date);
    let mut got = visit.observations().to_vec();
    let mut want = sent.observations.clone();
    let key = |o: &Observation| (o.code().to_owned(), o.effective());
    got.sort_by_key(key);
    want.sort_by_key(key);
    assert_eq!(got, want, "observations in = observations out");
    assert_eq!(visit.sledai_answers(), &sent.sledai);
    assert_eq!(visit.pga(), sent.pga);
    assert_eq!(visit.facts(), &sent.facts);
    let mut meds = record.medications().to_vec();
    meds.sort_by_key(|m| m.period.start());
    let mut sent_meds = sent.medications.clone();
    sent_meds.sort_by_key(|m| m.period.start());
    assert_eq!(meds, sent_meds);
    assert_eq!(chart.adverse_events, sent.adverse_events);
    assert_eq!(chart.visits[0].study_day, Some(-2));
    // Every fact row got its own audit entry, in the same chain.
    let verified = audit::verify(db.store.pool(), &study.study_id)
        .await
        .expect("verify");
    assert!(
        matches!(verified, Verification::Intact { .. }),
        "{verified:?}"
    );
}

async fn corrections_are_revalidated_and_keep_history(db: &TestDb) {
    let study = enrolled_and_infused(&db.store, "VLD-005").await;
    db.store
        .record_visit(
            &actor(),
            &study,
            submission("VLD-005", VisitCode::Baseline, date(2017, 2, 27), "b"),
        )
        .await
        .expect("recorded");
    let mut tx = db.raw().await;
    let creatinine_id = tx
        .fetch_optional(
            "SELECT entity_id FROM observation WHERE study_id = $1 AND code = '2160-0'",
            &[study.study_id.as_str().into()],
        )
        .await
        .expect("query")
        .expect("a creatinine")
        .req_text(0)
        .expect("id");
    drop(tx);
    let before = counts(db, &study).await;

    // 2160-0 is creatinine in mass/volume: µmol/L is refused, naming `unit`.
    let mut changes = Map::new();
    changes.insert("raw_unit".into(), json!("umol/L"));
    changes.insert("value_decimal".into(), json!("80"));
    let err = db
        .store
        .correct(
            &actor(),
            &study,
            "observation",
            &creatinine_id,
            changes,
            "lab sheet",
        )
        .await
        .unwrap_err();
    assert!(
        matches!(&err, StoreError::Input(e) if e.field == "unit"),
        "{err:?}"
    );
    // A value outside the data dictionary's range is refused naming `value`.
    let mut changes = Map::new();
    changes.insert("value_decimal".into(), json!("99"));
    let err = db
        .store
        .correct(
            &actor(),
            &study,
            "observation",
            &creatinine_id,
            changes,
            "typo",
        )
        .await
        .unwrap_err();
    assert!(
        matches!(&err, StoreError::Input(e) if e.field.contains("creatinine") || e.field == "value"),
        "{err:?}"
    );
    let mut changes = Map::new();
    changes.insert("value_decimal".into(), json!("1.1"));
    let err = db
        .store
        .correct(
            &actor(),
            &study,
            "observation",
            &creatinine_id,
            changes.clone(),
            " ",
        )
        .await
        .unwrap_err();
    assert!(
        matches!(&err, StoreError::Input(e) if e.field == "reason"),
        "{err:?}"
    );
    assert_eq!(counts(db, &study).await, before, "refusals write nothing");

    let v2 = db
        .store
        .correct(
            &actor(),
            &study,
            "observation",
            &creatinine_id,
            changes,
            "transcription error: 1.1 on the lab report",
        )
        .await
        .expect("corrected");
    assert_eq!(v2.version, 2);
    let history = db
        .store
        .history(&study, "observation", &creatinine_id)
        .await
        .expect("history");
    assert_eq!(history.len(), 2);
    assert_eq!(history[0].text("value_decimal"), Some("0.9"));
    assert_eq!(history[1].text("value_decimal"), Some("1.1"));
    assert_eq!(
        history[1].reason.as_deref(),
        Some("transcription error: 1.1 on the lab report")
    );
    let record = db
        .store
        .patient_record(&study, "VLD-005")
        .await
        .expect("record");
    let creatinine = record.visits()[0]
        .observations()
        .iter()
        .find(|o| o.code() == "2160-0")
        .expect("the current version");
    assert_eq!(creatinine.value(), &ObservationValue::Quantity(dec!(1.1)));

    // A corrected visit date moves the visit in its window.
    let visit_id = record_visit_id(db, &study).await;
    let mut changes = Map::new();
    changes.insert("visit_date".into(), json!("2017-02-10"));
    db.store
        .correct(
            &actor(),
            &study,
            "visit",
            &visit_id,
            changes,
            "date misread",
        )
        .await
        .expect("corrected");
    let chart = db
        .store
        .patient_chart(&study, "VLD-005")
        .await
        .expect("chart");
    assert_eq!(chart.visits[0].study_day, Some(-19));
    assert_eq!(chart.visits[0].window_status, "early");

    // Retracted facts leave the record; the history stays.
    db.store
        .retract(
            &actor(),
            &study,
            "observation",
            &creatinine_id,
            "wrong patient's sample",
        )
        .await
        .expect("retracted");
    let record = db
        .store
        .patient_record(&study, "VLD-005")
        .await
        .expect("record");
    assert!(
        record.visits()[0]
            .observations()
            .iter()
            .all(|o| o.code() != "2160-0")
    );
    assert_eq!(
        db.store
            .history(&study, "observation", &creatinine_id)
            .await
            .expect("history")
            .len(),
        3
    );
    let err = db
        .store
        .correct(&actor(), &study, "nothing", "x", Map::new(), "r")
        .await
        .unwrap_err();
    assert!(
        matches!(&err, StoreError::Input(e) if e.field == "entity"),
        "{err:?}"
    );
}

async fn record_visit_id(db: &TestDb, study: &Study) -> String {
    let mut tx = db.raw().await;
    tx.fetch_optional(
        "SELECT entity_id FROM visit WHERE study_id = $1",
        &[study.study_id.as_str().into()],
    )
    .await
    .expect("query")
    .expect("a visit")
    .req_text(0)
    .expect("id")
}

/// 10,000 observations in one visit: one transaction, each row audited, still quick.
async fn a_ten_thousand_fact_visit(db: &TestDb) {
    let study = enrolled_and_infused(&db.store, "VLD-006").await;
    let on = date(2017, 2, 27);
    let mut s = submission("VLD-006", VisitCode::Baseline, on, "big");
    s.observations = (0..10_000)
        .map(|i| lab("2160-0", Decimal::new(50 + i % 200, 2), "mg/dL", on))
        .collect();
    let started = std::time::Instant::now();
    db.store
        .record_visit(&actor(), &study, s)
        .await
        .expect("recorded");
    let took = started.elapsed();
    eprintln!("10,000-observation visit recorded in {took:?}");
    assert_eq!(count(db, &study, "observation").await, 10_000);
    let verified = audit::verify(db.store.pool(), &study.study_id)
        .await
        .expect("verify");
    assert!(
        matches!(verified, Verification::Intact { .. }),
        "{verified:?}"
    );
}

/// A visit's open-ended course ("the dose from today") ends the patient's open-ended course of
/// the same agent the day before, audited with the reason; other agents and courses with an
/// end date are left alone, so concurrent courses are not summed by mistake (sle-activity §8.4).
async fn a_new_open_course_ends_the_previous_one_of_its_agent(db: &TestDb) {
    let study = enrolled_and_infused(&db.store, "VLD-005").await;
    let course = |agent, mg, start, end| MedicationExposure {
        agent,
        dose: parse_dose(mg, "mg").expect("dose"),
        route: Route::Oral,
        schedule: Schedule::Daily,
        period: ExposurePeriod::new(start, end).expect("period"),
        indication: MedIndication::Protocol,
    };
    let mut baseline = submission("VLD-005", VisitCode::Baseline, date(2017, 2, 25), "k-b");
    baseline.medications = vec![
        course(
            MedicationAgent::Prednisone,
            dec!(30),
            date(2017, 2, 25),
            None,
        ),
        course(
            MedicationAgent::Hydroxychloroquine,
            dec!(200),
            date(2016, 6, 1),
            None,
        ),
    ];
    db.store
        .record_visit(&actor(), &study, baseline)
        .await
        .expect("baseline");
    let mut m1 = submission("VLD-005", VisitCode::Month(1), date(2017, 3, 31), "k-m1");
    m1.medications = vec![course(
        MedicationAgent::Prednisone,
        dec!(20),
        date(2017, 3, 31),
        None,
    )];
    let summary = db
        .store
        .record_visit(&actor(), &study, m1)
        .await
        .expect("m1");
    // visit + 2 observations + the new course + the old course's new version.
    assert_eq!(summary.facts_written, 1 + 2 + 1 + 1);
    let mut m3 = submission("VLD-005", VisitCode::Month(3), date(2017, 5, 31), "k-m3");
    m3.medications = vec![course(
        MedicationAgent::Prednisone,
        dec!(5),
        date(2017, 5, 20),
        Some(date(2017, 5, 25)),
    )];
    db.store
        .record_visit(&actor(), &study, m3)
        .await
        .expect("m3");

    let chart = db
        .store
        .patient_chart(&study, "VLD-005")
        .await
        .expect("chart");
    let mut got: Vec<(MedicationAgent, Option<Date>, Option<Date>)> = chart
        .record
        .medications()
        .iter()
        .map(|m| (m.agent, Some(m.period.start()), m.period.end()))
        .collect();
    got.sort_by_key(|(_, start, _)| *start);
    assert_eq!(
        got,
        vec![
            (
                MedicationAgent::Hydroxychloroquine,
                Some(date(2016, 6, 1)),
                None
            ),
            (
                MedicationAgent::Prednisone,
                Some(date(2017, 2, 25)),
                Some(date(2017, 3, 30))
            ),
            (MedicationAgent::Prednisone, Some(date(2017, 3, 31)), None),
            (
                MedicationAgent::Prednisone,
                Some(date(2017, 5, 20)),
                Some(date(2017, 5, 25))
            ),
        ]
    );
    let log = audit::log(db.store.pool(), &study.study_id, 1, 10_000)
        .await
        .expect("log");
    let ended: Vec<_> = log
        .iter()
        .filter(|e| e.record.action == "supersede" && e.record.entity == "medication")
        .collect();
    assert_eq!(ended.len(), 1);
    assert_eq!(
        ended[0].record.reason.as_deref(),
        Some("replaced by the prednisone course recorded at visit m1 from 2017-03-31")
    );
}

on_both_backends!(
    a_new_open_course_ends_the_previous_one_of_its_agent,
    a_visit_outside_its_window_is_a_deviation,
    a_visit_before_any_infusion,
    duplicates_and_unknown_patients_write_nothing,
    patient_record_round_trip,
    corrections_are_revalidated_and_keep_history,
    a_ten_thousand_fact_visit,
);

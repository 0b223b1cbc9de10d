//! One patient, one baseline visit, built from core types: what each export writes for a
//! creatinine reported in µmol/L (UCUM code, unit as reported, canonical mg/dL in SDTM) and a
//! SLEDAI-2K with one descriptor present.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use jiff::civil::date;
use rust_decimal_macros::dec;
use sledger_core::MeasureConfig;
use sledger_core::infusion::Infusion;
use sledger_core::measures::sledai2k::{Descriptor, InvestigatorAnswer, ItemState};
use sledger_core::protocol::{CellSource, Donor, Route, VisitCode};
use sledger_core::record::observation::{
    Observation, ObservationReport, ObservationSource, ObservationValue,
};
use sledger_core::record::patient::{BirthMonth, StudyCode};
use sledger_core::record::visit::{RecordedVisit, VisitFacts};
use sledger_core::record::{PatientRecord, visit_measures};
use sledger_core::sex::RecordedSex;
use sledger_interop::model::{
    AdverseEventFact, AuditStamp, EngineInfo, InfusionFact, LabFact, ProtocolVisit, SledaiItemFact,
    StudyExport, Subject, VisitExport,
};
use sledger_interop::odm::DocumentInfo;
use sledger_interop::{fhir, odm, sdtm};

fn creatinine() -> Observation {
    Observation::parse(ObservationReport {
        code_system: "http://loinc.org".into(),
        code: "14682-9".into(),
        value: ObservationValue::Quantity(dec!(88.4)),
        unit: Some("µmol/L".into()),
        reference_low: Some(dec!(45)),
        reference_high: Some(dec!(90)),
        effective: date(2020, 1, 10),
        specimen: None,
        source: ObservationSource::Form,
    })
    .unwrap()
}

fn study() -> StudyExport {
    let mut answers = [InvestigatorAnswer::default(); 24];
    for d in Descriptor::ALL {
        answers[d.index()].state = Some(if d == Descriptor::Proteinuria {
            ItemState::Present
        } else {
            ItemState::Absent
        });
    }
    let visit = RecordedVisit::new(
        VisitCode::Baseline,
        date(2020, 1, 10),
        vec![creatinine()],
        answers,
        None,
        VisitFacts::default(),
    )
    .unwrap();
    let record = PatientRecord::new(
        StudyCode::parse("P-01").unwrap(),
        RecordedSex::Intersex,
        BirthMonth::new(1990, 5).unwrap(),
        date(2020, 1, 5),
        Some(date(2020, 1, 15)),
        vec![visit],
        Vec::new(),
    )
    .unwrap();
    let measures = visit_measures(&record, &MeasureConfig::default());
    let stamp = AuditStamp {
        actor: "coordinator".into(),
        at: "2020-01-10T10:00:00Z".into(),
        site: "S1".into(),
        action: "create".into(),
        reason: None,
        seq: 7,
    };
    let rv = &record.visits()[0];
    StudyExport {
        code: "ST-1".into(),
        title: "A study".into(),
        protocol_id: "proto".into(),
        protocol_version: "1.0".into(),
        visits: vec![ProtocolVisit {
            code: VisitCode::Baseline,
            target_day: None,
        }],
        engine: EngineInfo {
            version: "0.0.0".into(),
            config: "defaults".into(),
        },
        subjects: vec![Subject {
            code: "P-01".into(),
            site: "S1".into(),
            sex: RecordedSex::Intersex,
            birth_year: 1990,
            birth_month: 5,
            enrollment_date: date(2020, 1, 5),
            arm: None,
            infusions: vec![InfusionFact {
                id: "inf-1".into(),
                infusion: Infusion {
                    date: date(2020, 1, 15),
                    source: CellSource::BoneMarrow,
                    donor: Donor::Allogeneic,
                    route: Route::Iv,
                    lot: Some("L1".into()),
                    total_cells: 90_000_000,
                    weight_kg: Some(dec!(60)),
                    viability_pct: None,
                    premedication: None,
                },
                audit: Some(stamp.clone()),
            }],
            visits: vec![VisitExport {
                visit_id: "v-1".into(),
                code: VisitCode::Baseline,
                date: date(2020, 1, 10),
                study_day: None,
                labs: vec![LabFact {
                    id: "obs-1".into(),
                    observation: rv.observations()[0].clone(),
                    audit: Some(stamp.clone()),
                }],
                sledai: Descriptor::ALL
                    .iter()
                    .map(|d| SledaiItemFact {
                        descriptor: *d,
                        answer: rv.sledai_answers()[d.index()],
                        audit: Some(stamp.clone()),
                    })
                    .collect(),
                measures: measures[0].clone(),
            }],
            medications: Vec::new(),
            adverse_events: vec![AdverseEventFact {
                id: "ae-1".into(),
                term: "Fever, infusion-related".into(),
                ctcae_grade: 3,
                serious: true,
                relatedness: "possible".into(),
                onset: date(2020, 1, 15),
                resolution: None,
                outcome: Some("recovering".into()),
                audit: Some(stamp.clone()),
            }],
        }],
    }
}

fn lines(files: &[fhir::NdjsonFile], kind: &str) -> Vec<serde_json::Value> {
    files
        .iter()
        .find(|f| f.resource_type == kind)
        .map(|f| {
            f.lines
                .iter()
                .map(|l| serde_json::from_str(l).unwrap())
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn fhir_keeps_the_reported_unit_and_names_its_ucum_code() {
    let files = fhir::export(&study()).unwrap();
    let patient = &lines(&files, "Patient")[0];
    assert_eq!(patient["gender"], "other", "intersex");
    assert_eq!(patient["birthDate"], "1990-05");
    assert_eq!(patient["id"], "P-01");
    let obs = lines(&files, "Observation");
    let creat = obs
        .iter()
        .find(|o| o["code"]["coding"][0]["code"] == "14682-9")
        .unwrap();
    assert_eq!(
        creat["valueQuantity"],
        serde_json::json!({"value": 88.4, "unit": "µmol/L", "system": "http://unitsofmeasure.org", "code": "umol/L"})
    );
    assert_eq!(creat["referenceRange"][0]["high"]["value"], 90);
    let sledai = obs
        .iter()
        .find(|o| o["code"]["coding"][0]["code"] == "sledai-2k")
        .unwrap();
    assert_eq!(sledai["valueInteger"], 4, "proteinuria weighs 4");
    assert_eq!(
        sledai["code"]["coding"][0]["system"],
        "https://sledger.example/fhir/CodeSystem/measure"
    );
    let ae = &lines(&files, "AdverseEvent")[0];
    assert_eq!(ae["extension"][0]["valueInteger"], 3);
    assert_eq!(ae["severity"]["coding"][0]["code"], "severe");
    assert_eq!(ae["seriousness"]["coding"][0]["code"], "serious");
    assert_eq!(ae["outcome"]["coding"][0]["code"], "recovering");
    assert_eq!(
        ae["suspectEntity"][0]["instance"]["reference"],
        "Procedure/inf-1"
    );
}

#[test]
fn sdtm_lb_has_the_result_as_reported_and_in_mg_per_dl() {
    let domains = sdtm::export(&study()).unwrap();
    let lb = domains.iter().find(|d| d.domain == "LB").unwrap();
    let mut reader = csv::Reader::from_reader(lb.csv.as_bytes());
    let header = reader.headers().unwrap().clone();
    let row = reader.records().next().unwrap().unwrap();
    let get = |name: &str| {
        row.get(header.iter().position(|h| h == name).unwrap())
            .unwrap()
            .to_owned()
    };
    assert_eq!(get("LBTESTCD"), "CREAT");
    assert_eq!(get("LBORRES"), "88.4");
    assert_eq!(get("LBORRESU"), "µmol/L");
    assert_eq!(
        get("LBSTRESN"),
        "1",
        "88.4 µmol/L ÷ 88.4 = 1 mg/dL (renal.md §0.1)"
    );
    assert_eq!(get("LBSTRESU"), "mg/dL");
    assert!(
        get("LBSTNRHI").starts_with("1.01809954"),
        "90 µmol/L in mg/dL"
    );
    assert_eq!(get("USUBJID"), "ST-1-P-01");
    assert_eq!(get("VISITNUM"), "0");
    let qs = domains.iter().find(|d| d.domain == "QS").unwrap();
    assert_eq!(qs.rows, 25);
    assert!(
        qs.csv
            .contains(",SLEDTOT,SLEDAI-2K TOTAL SCORE,4,4,4,,0,BASELINE,2020-01-10")
    );
    let dm = domains.iter().find(|d| d.domain == "DM").unwrap();
    assert!(
        dm.csv
            .contains("ST-1,DM,ST-1-P-01,P-01,2020-01-15,2020-01-15,S1,1990-05,UNDIFFERENTIATED,,")
    );
    let ae = domains.iter().find(|d| d.domain == "AE").unwrap();
    assert!(ae.csv.contains(
        "\"Fever, infusion-related\",3,Y,POSSIBLY RELATED,RECOVERING/RESOLVING,2020-01-15,"
    ));
}

#[test]
fn odm_declares_the_reported_unit_and_audits_each_value() {
    let xml = odm::export(
        &study(),
        &DocumentInfo {
            file_oid: "f1".into(),
            created: "2020-02-01T00:00:00Z".into(),
        },
    )
    .unwrap();
    assert!(xml.contains(r#"Name="µmol/L">"#), "{xml}");
    assert!(xml.contains(
        r#"<ItemData ItemOID="IT.LAB.LOINC.14682-9" TransactionType="Insert" Value="88.4">"#
    ));
    assert!(xml.contains(
        r#"<ItemData ItemOID="IT.SLEDAI2K.PROTEINURIA" TransactionType="Insert" Value="present">"#
    ));
    // The result and its date, 24 descriptors; the infusion's 7 recorded items (no
    // viability) and the adverse event's 6 (no resolution date).
    assert_eq!(xml.matches("<ItemData ").count(), 26 + 7 + 6);
    assert_eq!(xml.matches("<AuditRecord>").count(), 26 + 7 + 6);
    assert!(xml.contains(r#"<ItemData ItemOID="IT.AE.GRADE" TransactionType="Insert" Value="3">"#));
    assert!(xml.contains("<SourceID>audit-entry-7</SourceID>"));
    assert_odm_references_resolve(&xml);
}

/// The whole FHIR and SDTM output of the one-patient study, reviewed like code (STYLE.md).
#[test]
fn snapshots_of_the_small_exports() {
    let study = study();
    for file in fhir::export(&study).unwrap() {
        let name = format!("fhir_{}", file.resource_type);
        // Observations by line, so that a changed measure shows as one changed line.
        insta::assert_snapshot!(name, file.text());
    }
    for domain in sdtm::export(&study).unwrap() {
        insta::assert_snapshot!(format!("sdtm_{}", domain.domain), domain.csv);
    }
}

/// xmllint checks the schema, not ODM's references: every `…OID="X"` that refers to a
/// definition (ItemOID, ItemGroupOID, FormOID, StudyEventOID, CodeListOID,
/// MeasurementUnitOID, UserOID, LocationOID) must name an element defined with `OID="X"`.
fn assert_odm_references_resolve(xml: &str) {
    let values = |attr: &str| -> Vec<String> {
        let needle = format!(" {attr}=\"");
        xml.match_indices(&needle)
            .map(|(at, _)| {
                let rest = &xml[at + needle.len()..];
                rest[..rest.find('"').expect("closing quote")].to_owned()
            })
            .collect()
    };
    let defined: std::collections::BTreeSet<String> = values("OID").into_iter().collect();
    for attr in [
        "ItemOID",
        "ItemGroupOID",
        "FormOID",
        "StudyEventOID",
        "CodeListOID",
        "MeasurementUnitOID",
        "UserOID",
        "LocationOID",
    ] {
        for oid in values(attr) {
            assert!(defined.contains(&oid), "{attr}=\"{oid}\" has no definition");
        }
    }
}

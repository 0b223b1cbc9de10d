//! The trial population for reports (issue #5): screening outcomes, live allocations, arms for
//! the unblinded and masked A/B groups for the blinded (a bijection the blinded cannot map),
//! and every chart of a study read in one pass equal to the per-patient reads.

use std::collections::HashMap;

use jiff::civil::date;
use sledger_core::sex::RecordedSex;
use sledger_store::{
    Actor, AnalysisGroup, Answer, ListKind, Lock, NewPatient, Role, Screening, Store, Study,
};

use crate::harness::{TestDb, actor, on_both_backends};
use crate::randomization::RCT;

async fn enroll(store: &Store, who: &Actor, study: &Study, code: &str) {
    let patient = NewPatient {
        code: code.to_owned(),
        site: "HCUV".to_owned(),
        sex: RecordedSex::Female,
        birth_year: 1985,
        birth_month: 4,
        enrollment_date: date(2024, 3, 1),
    };
    store.enroll(who, study, &patient).await.unwrap();
}

fn answers(sledai: Answer) -> Vec<(String, Answer)> {
    [
        "adult",
        "ln_class",
        "biopsy_recent",
        "refractory_or_relapse",
        "sledai",
        "consent",
    ]
    .iter()
    .map(|c| {
        (
            (*c).to_owned(),
            if *c == "sledai" { sledai } else { Answer::Yes },
        )
    })
    .collect()
}

async fn population_blinded_and_unblinded(db: &TestDb) {
    let store = &db.store;
    let me = actor();
    let study = store
        .create_study(&me, "RCT", "msc-ln-rct.toml", RCT)
        .await
        .unwrap();
    store.set_up_randomization(&me, &study, None).await.unwrap();
    for i in 0..6 {
        let code = format!("P{i}");
        enroll(store, &me, &study, &code).await;
        if i == 5 {
            continue; // never screened
        }
        let eligible = i != 4;
        store
            .record_eligibility(
                &me,
                &study,
                &code,
                &answers(if eligible { Answer::Yes } else { Answer::No }),
            )
            .await
            .unwrap();
        if !eligible {
            continue;
        }
        let strata = vec![
            ("site".to_owned(), "HCUV".to_owned()),
            ("baseline_upcr_ge_3_g_g".to_owned(), "no".to_owned()),
            (
                "prior_cyclophosphamide".to_owned(),
                if i % 2 == 0 { "no" } else { "yes" }.to_owned(),
            ),
        ];
        store
            .set_strata(&me, &study, &code, &strata, Lock::Lock)
            .await
            .unwrap();
        store
            .randomize(&me, &study, &code, ListKind::Live)
            .await
            .unwrap();
    }
    let root = Actor("root".to_owned());
    store.add_user(&root, "root", Role::Admin).await.unwrap();
    store
        .add_user(&root, "stat", Role::Statistician)
        .await
        .unwrap();

    let open = store.trial_population(&root, &study).await.unwrap();
    assert!(!open.blinded);
    assert_eq!(
        open.groups,
        [
            AnalysisGroup::Arm("msc".into()),
            AnalysisGroup::Arm("placebo".into())
        ]
    );
    let screening: Vec<&Screening> = open.members.iter().map(|m| &m.screening).collect();
    assert_eq!(screening[0], &Screening::Eligible);
    assert_eq!(screening[4], &Screening::Ineligible(vec!["sledai".into()]));
    assert_eq!(screening[5], &Screening::NotScreened);
    assert_eq!(
        open.members
            .iter()
            .filter(|m| m.allocation.is_some())
            .count(),
        4
    );

    let blind = store
        .trial_population(&Actor("stat".into()), &study)
        .await
        .unwrap();
    assert!(blind.blinded);
    assert_eq!(
        blind.groups,
        [
            AnalysisGroup::Masked("A".into()),
            AnalysisGroup::Masked("B".into())
        ]
    );
    // The same patients grouped together: a one-to-one map between arms and labels.
    let mut map: HashMap<&AnalysisGroup, &AnalysisGroup> = HashMap::new();
    for (o, b) in open.members.iter().zip(&blind.members) {
        assert_eq!(o.code, b.code);
        match (&o.allocation, &b.allocation) {
            (Some((n1, arm)), Some((n2, label))) => {
                assert_eq!(n1, n2);
                assert!(
                    matches!(label, AnalysisGroup::Masked(_)),
                    "no arm for the blinded"
                );
                assert_eq!(*map.entry(arm).or_insert(label), label);
            }
            (None, None) => {}
            other => panic!("{other:?}"),
        }
    }
    let labels: std::collections::HashSet<_> = map.values().collect();
    assert_eq!(labels.len(), map.len());

    // An unregistered actor is refused (and the refusal audited).
    assert!(
        store
            .trial_population(&Actor("nobody".into()), &study)
            .await
            .is_err()
    );

    // The batched read (50 patients a batch) equals the per-patient reads, across batches.
    for i in 0..50 {
        enroll(store, &root, &study, &format!("Q{i:02}")).await;
    }
    let charts = store.study_charts(&study).await.unwrap();
    assert_eq!(charts.len(), 56);
    let codes: Vec<&str> = charts.iter().map(|c| c.patient.code.as_str()).collect();
    let mut sorted = codes.clone();
    sorted.sort_unstable();
    assert_eq!(codes, sorted, "charts in patient-code order");
    for chart in &charts {
        let one = store
            .patient_chart(&study, &chart.patient.code)
            .await
            .unwrap();
        assert_eq!(chart.patient, one.patient);
        assert_eq!(chart.record, one.record);
        assert_eq!(chart.visits, one.visits);
    }
}

on_both_backends!(population_blinded_and_unblinded);

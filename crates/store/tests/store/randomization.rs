//! Randomization in the store (issue #4): concurrent allocations take distinct slots in list
//! order, every refusal consumes nothing and is audited, arms are concealed by role,
//! emergency unblinding, separate test and live lists.

use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;

use jiff::civil::date;
use sledger_core::randomization::{Minimization, Seed};
use sledger_core::sex::RecordedSex;
use sledger_store::audit::{self, Verification};
use sledger_store::{
    Actor, Answer, ListKind, Lock, NewPatient, Role, Screening, Store, StoreError, Study,
};

use crate::harness::{TestDb, actor, on_both_backends};

pub const RCT: &str = include_str!("../../../../protocols/msc-ln-rct.toml");

/// The RCT protocol with permuted blocks of 2 and 4 instead of minimization.
pub fn rct_blocks() -> String {
    let head = RCT
        .split("[randomization]\n")
        .next()
        .expect("the RCT has a [randomization] table");
    format!(
        "{head}[randomization]\nmethod = \"permuted_blocks\"\nblock_sizes = [2, 4]\n\n\
         [randomization.levels]\nsite = [\"HCUV\", \"HURH\"]\n\
         baseline_upcr_ge_3_g_g = [\"no\", \"yes\"]\nprior_cyclophosphamide = [\"no\", \"yes\"]\n"
    )
}

async fn study(store: &Store, text: &str) -> Study {
    store
        .create_study(&actor(), "RCT", "msc-ln-rct.toml", text)
        .await
        .expect("the RCT study is created")
}

const CRITERIA: [&str; 6] = [
    "adult",
    "ln_class",
    "biopsy_recent",
    "refractory_or_relapse",
    "sledai",
    "consent",
];

fn yes_to_all() -> Vec<(String, Answer)> {
    CRITERIA
        .iter()
        .map(|c| ((*c).to_owned(), Answer::Yes))
        .collect()
}

fn strata(site: &str, upcr: &str, cyc: &str) -> Vec<(String, String)> {
    vec![
        ("site".into(), site.into()),
        ("baseline_upcr_ge_3_g_g".into(), upcr.into()),
        ("prior_cyclophosphamide".into(), cyc.into()),
    ]
}

async fn enroll(store: &Store, who: &Actor, study: &Study, code: &str, site: &str) {
    let patient = NewPatient {
        code: code.to_owned(),
        site: site.to_owned(),
        sex: RecordedSex::Female,
        birth_year: 1985,
        birth_month: 4,
        enrollment_date: date(2024, 3, 1),
    };
    store.enroll(who, study, &patient).await.expect("enrolled");
}

/// Enrolled, eligible, stratum values recorded and locked: ready to randomize.
async fn ready(store: &Store, who: &Actor, study: &Study, code: &str, stratum: usize) {
    let site = ["HCUV", "HURH"][stratum / 4 % 2];
    let upcr = ["no", "yes"][stratum / 2 % 2];
    let cyc = ["no", "yes"][stratum % 2];
    enroll(store, who, study, code, site).await;
    store
        .record_eligibility(who, study, code, &yes_to_all())
        .await
        .expect("eligibility recorded");
    store
        .set_strata(who, study, code, &strata(site, upcr, cyc), Lock::Lock)
        .await
        .expect("strata locked");
}

async fn count(db: &TestDb, sql: &str, study: &Study) -> i64 {
    let mut tx = db.store.pool().begin_read().await.expect("read");
    tx.fetch_optional(sql, &[study.study_id.as_str().into()])
        .await
        .expect("count")
        .expect("a row")
        .req_int(0)
        .expect("an integer")
}

async fn refusals(db: &TestDb, study: &Study) -> Vec<String> {
    audit::log(db.store.pool(), &study.study_id, 1, 100_000)
        .await
        .expect("log")
        .into_iter()
        .filter(|e| e.record.action == "refused")
        .map(|e| e.record.after.unwrap_or_default())
        .collect()
}

fn refused_field<T: std::fmt::Debug>(r: Result<T, StoreError>) -> String {
    match r {
        Err(StoreError::Input(e)) => e.field.to_string(),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

async fn assert_intact(db: &TestDb, study: &Study) {
    let v = audit::verify(db.store.pool(), &study.study_id)
        .await
        .expect("verify");
    assert!(matches!(v, Verification::Intact { .. }), "{v:?}");
}

/// Issue #4 item 3: 200 concurrent randomizations (tokio tasks on one store) take 200
/// distinct slots, in list order within each stratum, no gap, no duplicate; the lists are
/// extended past their 20 pre-generated slots per stratum; the chain verifies.
async fn two_hundred_concurrent_randomizations(db: &TestDb) {
    let store = &db.store;
    let study = study(store, &rct_blocks()).await;
    let setup = store
        .set_up_randomization(&actor(), &study, None)
        .await
        .expect("set up");
    assert_eq!(setup.strata, 8);
    let pre_generated = setup.slots_per_list.expect("block lists");
    assert!(pre_generated >= 8 * 20, "{pre_generated}");
    let study = Arc::new(study);
    let mut prep = Vec::new();
    for chunk in 0..8 {
        let (store, study) = (store.clone(), Arc::clone(&study));
        prep.push(tokio::spawn(async move {
            for i in (chunk..200).step_by(8) {
                ready(&store, &actor(), &study, &format!("P{i:03}"), i % 8).await;
            }
        }));
    }
    for p in prep {
        p.await.expect("prepared");
    }
    let mut tasks = Vec::new();
    for i in 0..200 {
        let (store, study) = (store.clone(), Arc::clone(&study));
        tasks.push(tokio::spawn(async move {
            store
                .randomize(&actor(), &study, &format!("P{i:03}"), ListKind::Live)
                .await
        }));
    }
    let mut numbers = HashSet::new();
    for t in tasks {
        let a = t.await.expect("task").expect("randomized");
        assert!(a.arm.is_some(), "the bootstrap admin sees arms");
        assert!(numbers.insert(a.number), "number {} twice", a.number);
    }
    assert_eq!(numbers, (1..=200).collect::<HashSet<i64>>());

    let list = store
        .allocation_list(&actor(), &study, ListKind::Live)
        .await
        .expect("the admin reads the list");
    let mut per_stratum: BTreeMap<String, Vec<(i64, bool)>> = BTreeMap::new();
    for e in &list {
        per_stratum
            .entry(e.stratum.clone())
            .or_default()
            .push((e.sequence_no, e.allocated.is_some()));
    }
    assert_eq!(per_stratum.len(), 8);
    let mut taken = 0;
    for (stratum, slots) in &per_stratum {
        let seqs: Vec<i64> = slots.iter().map(|s| s.0).collect();
        assert_eq!(
            seqs,
            (1..=seqs.len() as i64).collect::<Vec<_>>(),
            "{stratum}"
        );
        // 25 patients per stratum took exactly the first 25 slots: no gap, in list order.
        let used: Vec<bool> = slots.iter().map(|s| s.1).collect();
        assert_eq!(used.iter().filter(|u| **u).count(), 25, "{stratum}");
        assert!(
            used[..25].iter().all(|u| *u),
            "{stratum}: the first 25 slots"
        );
        taken += 25;
    }
    assert_eq!(taken, 200);
    // Each patient's arm is the arm of its slot.
    for e in list.iter().filter(|e| e.allocated.is_some()) {
        let (code, _) = e.allocated.clone().expect("allocated");
        let seen = store
            .allocation(&actor(), &study, &code)
            .await
            .expect("view")
            .expect("randomized");
        assert_eq!(seen.arm.as_deref(), Some(e.arm.as_str()), "{code}");
        assert_eq!(seen.stratum, e.stratum, "{code}");
    }
    assert_eq!(
        count(
            db,
            "SELECT COUNT(*) FROM audit_entry WHERE study_id = $1 AND action = 'extend'",
            &study
        )
        .await,
        8,
        "each stratum's list was extended once past its 20 slots"
    );
    assert_intact(db, &study).await;
}

/// Minimization: concurrent allocations replay to the same arms from the seed and the order
/// of allocation (deterministic replay); numbers have no gap.
async fn minimization_replays_from_the_seed(db: &TestDb) {
    let store = &db.store;
    let study = Arc::new(study(store, RCT).await);
    store
        .set_up_randomization(&actor(), &study, None)
        .await
        .expect("set up");
    for i in 0..40 {
        ready(store, &actor(), &study, &format!("M{i:02}"), i * 3 % 8).await;
    }
    let mut tasks = Vec::new();
    for i in 0..40 {
        let (store, study) = (store.clone(), Arc::clone(&study));
        tasks.push(tokio::spawn(async move {
            store
                .randomize(&actor(), &study, &format!("M{i:02}"), ListKind::Live)
                .await
        }));
    }
    for t in tasks {
        t.await.expect("task").expect("randomized");
    }
    let mut tx = store.pool().begin_read().await.expect("read");
    let seed_hex = tx
        .fetch_optional(
            "SELECT seed_hex FROM randomization_seed WHERE study_id = $1 AND list_kind = 'live'",
            &[study.study_id.as_str().into()],
        )
        .await
        .expect("seed")
        .expect("row")
        .req_text(0)
        .expect("text");
    let rows = tx
        .fetch_all(
            "SELECT stratum_index, arm, allocation_no FROM allocation WHERE study_id = $1 ORDER BY allocation_no",
            &[study.study_id.as_str().into()],
        )
        .await
        .expect("allocations");
    let mut key = [0u8; 32];
    for (i, b) in key.iter_mut().enumerate() {
        *b = u8::from_str_radix(&seed_hex[2 * i..2 * i + 2], 16).expect("hex");
    }
    let plan = study.protocol.randomization().expect("plan");
    let sledger_core::protocol::Method::Minimization(design) = plan.method() else {
        panic!("the RCT minimizes");
    };
    let mut m = Minimization::new(design.clone(), Seed(key));
    let strata = plan.strata();
    let mut per_arm = BTreeMap::new();
    for (n, row) in rows.iter().enumerate() {
        assert_eq!(row.req_int(2).expect("no"), n as i64 + 1, "no gap");
        let levels = &strata[row.req_int(0).expect("index") as usize].0;
        let arm = m.allocate(levels).expect("replay").0;
        let id = &study.protocol.arms()[usize::from(arm)].id;
        assert_eq!(&row.req_text(1).expect("arm"), id, "allocation {}", n + 1);
        *per_arm.entry(id.clone()).or_insert(0i64) += 1;
    }
    assert_eq!(rows.len(), 40);
    let (msc, placebo) = (per_arm["msc"], per_arm["placebo"]);
    assert!(
        (msc - placebo).abs() <= 4,
        "minimization balances: {per_arm:?}"
    );
    assert_intact(db, &study).await;
}

/// Every refusal names its field, consumes nothing (the next patient still gets slot 1 and
/// number 1) and leaves a `refused` audit entry.
async fn refusals_consume_nothing_and_are_audited(db: &TestDb) {
    let store = &db.store;
    let study = study(store, &rct_blocks()).await;
    let a = actor();
    enroll(store, &a, &study, "R01", "HCUV").await;
    // Not set up yet.
    let r = store.randomize(&a, &study, "R01", ListKind::Live).await;
    assert_eq!(refused_field(r), "randomization");
    let two_to_one = sledger_core::randomization::AllocationRatio::parse("2:1").expect("ratio");
    let r = store
        .set_up_randomization(&a, &study, Some(&two_to_one))
        .await;
    assert_eq!(
        refused_field(r),
        "ratio",
        "a ratio the protocol does not declare"
    );
    let one_to_one = sledger_core::randomization::AllocationRatio::equal();
    store
        .set_up_randomization(&a, &study, Some(&one_to_one))
        .await
        .expect("set up");
    let again = store.set_up_randomization(&a, &study, None).await;
    assert!(
        matches!(
            again,
            Err(StoreError::Duplicate {
                field: "randomization",
                ..
            })
        ),
        "set up once: {again:?}"
    );
    // Eligibility missing.
    let r = store.randomize(&a, &study, "R01", ListKind::Live).await;
    assert_eq!(refused_field(r), "eligibility.adult");
    // An inclusion criterion not met.
    let mut answers = yes_to_all();
    answers[4].1 = Answer::No;
    store
        .record_eligibility(&a, &study, "R01", &answers)
        .await
        .expect("answers");
    let r = store.randomize(&a, &study, "R01", ListKind::Live).await;
    assert_eq!(refused_field(r), "eligibility.sledai");
    store
        .record_eligibility(&a, &study, "R01", &yes_to_all())
        .await
        .expect("re-assessed");
    // An unknown criterion.
    let r = store
        .record_eligibility(&a, &study, "R01", &[("tall".into(), Answer::Yes)])
        .await;
    assert_eq!(refused_field(r), "criterion");
    // Stratum values missing, then not locked.
    let r = store.randomize(&a, &study, "R01", ListKind::Live).await;
    assert_eq!(refused_field(r), "strata");
    store
        .set_strata(
            &a,
            &study,
            "R01",
            &strata("HCUV", "yes", "no")[..2],
            Lock::Leave,
        )
        .await
        .expect("partial values");
    let r = store.randomize(&a, &study, "R01", ListKind::Live).await;
    assert_eq!(refused_field(r), "strata");
    // Lock with a value missing; a level the protocol does not declare; another site.
    let r = store.set_strata(&a, &study, "R01", &[], Lock::Lock).await;
    assert_eq!(refused_field(r), "prior_cyclophosphamide");
    let r = store
        .set_strata(
            &a,
            &study,
            "R01",
            &strata("HCUV", "maybe", "no"),
            Lock::Lock,
        )
        .await;
    assert_eq!(refused_field(r), "baseline_upcr_ge_3_g_g");
    let r = store
        .set_strata(&a, &study, "R01", &strata("HURH", "yes", "no"), Lock::Lock)
        .await;
    assert_eq!(refused_field(r), "site");
    let r = store
        .set_strata(&a, &study, "R01", &[("sex".into(), "f".into())], Lock::Lock)
        .await;
    assert_eq!(refused_field(r), "factor");
    assert_eq!(
        count(
            db,
            "SELECT COUNT(*) FROM allocation WHERE study_id = $1",
            &study
        )
        .await,
        0,
        "nothing allocated"
    );
    let locked = store
        .set_strata(&a, &study, "R01", &strata("HCUV", "yes", "no"), Lock::Lock)
        .await
        .expect("locked");
    assert!(locked.locked_at.is_some());
    let r = store
        .set_strata(&a, &study, "R01", &strata("HCUV", "no", "no"), Lock::Lock)
        .await;
    assert_eq!(refused_field(r), "strata", "locked values cannot change");
    // Unblinding before randomization, and without a reason.
    let r = store.unblind(&a, &study, "R01", "").await;
    assert_eq!(refused_field(r), "reason");
    let r = store.unblind(&a, &study, "R01", "anaphylaxis").await;
    assert_eq!(refused_field(r), "patient");
    // Nothing was consumed: R01 gets slot 1 of its stratum and number 1.
    let first = store
        .randomize(&a, &study, "R01", ListKind::Live)
        .await
        .expect("randomized");
    assert_eq!(first.number, 1);
    assert_eq!(
        count(
            db,
            "SELECT MAX(sequence_no) FROM allocation WHERE study_id = $1",
            &study
        )
        .await,
        1
    );
    let r = store.randomize(&a, &study, "R01", ListKind::Live).await;
    assert_eq!(refused_field(r), "patient", "already randomized");
    let r = store.randomize(&a, &study, "R01", ListKind::Test).await;
    assert_eq!(refused_field(r), "patient", "once, on one list");
    let r = store.randomize(&a, &study, "NOBODY", ListKind::Live).await;
    assert!(matches!(r, Err(StoreError::NotFound { .. })), "{r:?}");
    assert_eq!(
        count(
            db,
            "SELECT COUNT(*) FROM allocation WHERE study_id = $1",
            &study
        )
        .await,
        1
    );
    // A minor answered "adult = yes": the age computed from birth month and enrollment date
    // contradicts the answer.
    let minor = NewPatient {
        code: "R02".to_owned(),
        site: "HCUV".to_owned(),
        sex: RecordedSex::Female,
        birth_year: 2010,
        birth_month: 1,
        enrollment_date: date(2024, 3, 1),
    };
    store.enroll(&a, &study, &minor).await.expect("enrolled");
    store
        .record_eligibility(&a, &study, "R02", &yes_to_all())
        .await
        .expect("answers");
    store
        .set_strata(&a, &study, "R02", &strata("HCUV", "no", "no"), Lock::Lock)
        .await
        .expect("locked");
    match store.randomize(&a, &study, "R02", ListKind::Live).await {
        Err(StoreError::Input(e)) => {
            assert_eq!(e.field, "eligibility.adult");
            assert!(e.rule.contains("contradicts the age"), "{}", e.rule);
        }
        other => panic!("a minor is refused: {other:?}"),
    }
    let audited = refusals(db, &study).await;
    for field in [
        "\"randomization\"",
        "\"ratio\"",
        "eligibility.adult",
        "eligibility.sledai",
        "\"criterion\"",
        "\"strata\"",
        "prior_cyclophosphamide",
        "baseline_upcr_ge_3_g_g",
        "\"site\"",
        "\"factor\"",
        "\"reason\"",
        "\"patient\"",
    ] {
        assert!(
            audited.iter().any(|r| r.contains(field)),
            "a refused entry names {field}: {audited:#?}"
        );
    }
    assert_eq!(audited.len(), 19, "{audited:#?}");
    assert!(
        audited[0].contains("not set up"),
        "the first refusal: {}",
        audited[0]
    );
    assert_intact(db, &study).await;
}

/// Concealment: only admin and the unblinded statistician read lists and arms; blinded
/// roles see "randomized, number N". Unknown actors are refused once users exist.
async fn arms_are_concealed_from_blinded_roles(db: &TestDb) {
    let store = &db.store;
    let study = study(store, &rct_blocks()).await;
    let bootstrap = actor();
    let first = store.add_user(&bootstrap, "ana", Role::Coordinator).await;
    assert!(
        matches!(first, Err(StoreError::Input(_))),
        "first user is an admin: {first:?}"
    );
    store
        .add_user(&bootstrap, "root", Role::Admin)
        .await
        .expect("admin");
    let admin = Actor("root".into());
    for (name, role) in [
        ("ana", Role::Coordinator),
        ("ines", Role::Investigator),
        ("mon", Role::Monitor),
        ("stat", Role::Statistician),
        ("ustat", Role::UnblindedStatistician),
    ] {
        store
            .add_user(&admin, name, role)
            .await
            .expect("registered");
        // Site isolation (issue #7): each works at both of the study's sites.
        for site in ["HCUV", "HURH"] {
            store.grant_site(&admin, name, site).await.expect("granted");
        }
    }
    let dup = store.add_user(&admin, "ana", Role::Monitor).await;
    assert!(matches!(dup, Err(StoreError::Duplicate { .. })), "{dup:?}");
    let by_coordinator = store.add_user(&Actor("ana".into()), "x", Role::Admin).await;
    assert!(matches!(by_coordinator, Err(StoreError::Forbidden { .. })));
    // Six registrations, ten site grants (five users, two sites) and three refused attempts
    // (a coordinator first, a duplicate, a coordinator registering), on the registry's own
    // chain.
    assert!(matches!(
        store.verify_users().await.expect("verify"),
        Verification::Intact { entries: 19 }
    ));

    let forbidden = store
        .set_up_randomization(&Actor("ana".into()), &study, None)
        .await;
    assert!(
        matches!(forbidden, Err(StoreError::Forbidden { .. })),
        "{forbidden:?}"
    );
    store
        .set_up_randomization(&admin, &study, None)
        .await
        .expect("set up");
    let ana = Actor("ana".into());
    ready(store, &ana, &study, "C01", 0).await;
    let a = store
        .randomize(&ana, &study, "C01", ListKind::Live)
        .await
        .expect("a coordinator randomizes");
    assert_eq!((a.number, a.arm.clone()), (1, None), "blinded: number only");
    for (name, sees) in [
        ("root", true),
        ("ustat", true),
        ("ana", false),
        ("ines", false),
        ("mon", false),
        ("stat", false),
    ] {
        let who = Actor(name.into());
        let view = store
            .allocation(&who, &study, "C01")
            .await
            .expect("view")
            .expect("randomized");
        assert_eq!(view.number, 1);
        assert_eq!(view.arm.is_some(), sees, "{name}");
        let list = store.allocation_list(&who, &study, ListKind::Live).await;
        assert_eq!(list.is_ok(), sees, "{name}: list");
        if !sees {
            assert!(matches!(list, Err(StoreError::Forbidden { .. })));
        }
    }
    for (name, role) in [("mon", "monitor"), ("stat", "statistician")] {
        let r = store
            .randomize(&Actor(name.into()), &study, "C01", ListKind::Live)
            .await;
        match r {
            Err(StoreError::Forbidden { rule, .. }) => assert!(rule.contains(role), "{rule}"),
            other => panic!("{name} may not randomize: {other:?}"),
        }
    }
    let stranger = store
        .randomize(&Actor("cli:mallory".into()), &study, "C01", ListKind::Live)
        .await;
    assert!(
        matches!(stranger, Err(StoreError::Forbidden { .. })),
        "{stranger:?}"
    );
    // No audit entry of the study holds an arm id.
    let log = audit::log(store.pool(), &study.study_id, 1, 10_000)
        .await
        .expect("log");
    for e in &log {
        let text = format!("{:?} {:?}", e.record.after, e.record.before);
        assert!(
            !text.contains("\"msc\"")
                && !text.contains("\"placebo\"")
                && !text.contains("seed_hex"),
            "entry {} reveals an arm or a seed: {text}",
            e.seq
        );
    }
    assert!(refusals(db, &study).await.len() >= 7);
    assert_intact(db, &study).await;
}

/// Emergency unblinding: an investigator with a reason learns one patient's arm; monitors
/// list the event; blinded statisticians cannot.
async fn emergency_unblinding_is_audited_and_listed(db: &TestDb) {
    let store = &db.store;
    let study = study(store, &rct_blocks()).await;
    store
        .add_user(&actor(), "root", Role::Admin)
        .await
        .expect("admin");
    let admin = Actor("root".into());
    store
        .add_user(&admin, "ines", Role::Investigator)
        .await
        .expect("inv");
    store
        .add_user(&admin, "mon", Role::Monitor)
        .await
        .expect("mon");
    store
        .add_user(&admin, "stat", Role::Statistician)
        .await
        .expect("stat");
    for name in ["ines", "mon", "stat"] {
        for site in ["HCUV", "HURH"] {
            store.grant_site(&admin, name, site).await.expect("granted");
        }
    }
    store
        .set_up_randomization(&admin, &study, None)
        .await
        .expect("set up");
    let ines = Actor("ines".into());
    for (code, s) in [("U01", 0), ("U02", 5)] {
        ready(store, &ines, &study, code, s).await;
        store
            .randomize(&ines, &study, code, ListKind::Live)
            .await
            .expect("randomized");
    }
    let r = store
        .unblind(&Actor("mon".into()), &study, "U01", "curious")
        .await;
    assert!(matches!(r, Err(StoreError::Forbidden { .. })), "{r:?}");
    let r = store.unblind(&ines, &study, "U01", "  ").await;
    assert!(
        matches!(r, Err(StoreError::Input(ref e)) if e.field == "reason"),
        "{r:?}"
    );
    let u = store
        .unblind(&ines, &study, "U01", "anaphylaxis after infusion")
        .await
        .expect("unblinded");
    let truth = store
        .allocation(&admin, &study, "U01")
        .await
        .expect("view")
        .expect("randomized");
    assert_eq!(Some(u.arm.clone()), truth.arm);
    assert_eq!(u.number, truth.number);
    let events = store
        .unblindings(&Actor("mon".into()), &study)
        .await
        .expect("monitors see unblindings");
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].patient, "U01");
    assert_eq!(events[0].reason, "anaphylaxis after infusion");
    assert_eq!(events[0].requested_by, "ines");
    let r = store.unblindings(&Actor("stat".into()), &study).await;
    assert!(matches!(r, Err(StoreError::Forbidden { .. })), "{r:?}");
    let log = audit::log(store.pool(), &study.study_id, 1, 10_000)
        .await
        .expect("log");
    let entry = log
        .iter()
        .find(|e| e.record.action == "unblind")
        .expect("an unblind entry");
    assert_eq!(
        entry.record.reason.as_deref(),
        Some("anaphylaxis after infusion")
    );
    assert_eq!(entry.record.actor, "ines");
    assert_intact(db, &study).await;
}

/// Test and live lists have different seeds, so different contents; allocations on the test
/// list are numbered apart and take nothing from the live list.
async fn test_and_live_lists_are_separate(db: &TestDb) {
    let store = &db.store;
    let study = study(store, &rct_blocks()).await;
    store
        .set_up_randomization(&actor(), &study, None)
        .await
        .expect("set up");
    let test = store
        .allocation_list(&actor(), &study, ListKind::Test)
        .await
        .expect("test list");
    let live = store
        .allocation_list(&actor(), &study, ListKind::Live)
        .await
        .expect("live list");
    let arms = |l: &[sledger_store::ListEntry]| -> Vec<String> {
        l.iter()
            .map(|e| format!("{}{}", e.stratum, e.arm))
            .collect()
    };
    assert_ne!(arms(&test), arms(&live), "different seeds, different lists");
    for i in 0..3 {
        ready(store, &actor(), &study, &format!("T{i}"), 0).await;
        let a = store
            .randomize(&actor(), &study, &format!("T{i}"), ListKind::Test)
            .await
            .expect("test allocation");
        assert_eq!(a.list, ListKind::Test);
        assert_eq!(a.number, i64::from(i) + 1);
        assert_eq!(
            a.arm.as_deref(),
            Some(test[i as usize].arm.as_str()),
            "test slot {i}"
        );
    }
    ready(store, &actor(), &study, "L0", 0).await;
    let l = store
        .randomize(&actor(), &study, "L0", ListKind::Live)
        .await
        .expect("live allocation");
    assert_eq!(l.number, 1, "the live list is numbered on its own");
    assert_eq!(l.arm.as_deref(), Some(live[0].arm.as_str()), "live slot 1");
    let seeds = count(
        db,
        "SELECT COUNT(DISTINCT seed_hex) FROM randomization_seed WHERE study_id = $1",
        &study,
    )
    .await;
    assert_eq!(seeds, 2);
    assert_intact(db, &study).await;
}

/// Site isolation for screening, strata and unblinding (authorization.rs): a coordinator or
/// investigator of another site is refused, and nothing is written.
async fn screening_strata_and_unblinding_stay_within_the_users_sites(db: &TestDb) {
    let store = &db.store;
    let study = study(store, &rct_blocks()).await;
    store
        .add_user(&actor(), "root", Role::Admin)
        .await
        .expect("admin");
    let admin = Actor("root".into());
    for (name, role, site) in [
        ("cora", Role::Coordinator, "HURH"),
        ("ines", Role::Investigator, "HURH"),
        ("olga", Role::Investigator, "HCUV"),
    ] {
        store.add_user(&admin, name, role).await.expect("user");
        store.grant_site(&admin, name, site).await.expect("granted");
    }
    store
        .set_up_randomization(&admin, &study, None)
        .await
        .expect("set up");
    enroll(store, &admin, &study, "S01", "HCUV").await;
    let (cora, ines, olga) = (
        Actor("cora".into()),
        Actor("ines".into()),
        Actor("olga".into()),
    );
    let r = store
        .record_eligibility(&cora, &study, "S01", &yes_to_all())
        .await;
    assert!(
        matches!(r, Err(StoreError::Forbidden { ref rule, .. }) if rule.contains("HCUV")),
        "{r:?}"
    );
    let r = store
        .set_strata(
            &cora,
            &study,
            "S01",
            &strata("HCUV", "no", "no"),
            Lock::Lock,
        )
        .await;
    assert!(matches!(r, Err(StoreError::Forbidden { .. })), "{r:?}");
    assert_eq!(
        count(
            db,
            "SELECT COUNT(*) FROM eligibility_answer WHERE study_id = $1",
            &study
        )
        .await,
        0
    );
    store
        .record_eligibility(&olga, &study, "S01", &yes_to_all())
        .await
        .expect("own site screens");
    store
        .set_strata(
            &olga,
            &study,
            "S01",
            &strata("HCUV", "no", "no"),
            Lock::Lock,
        )
        .await
        .expect("own site stratifies");
    store
        .randomize(&olga, &study, "S01", ListKind::Live)
        .await
        .expect("randomized");
    let r = store.unblind(&ines, &study, "S01", "anaphylaxis").await;
    assert!(matches!(r, Err(StoreError::Forbidden { .. })), "{r:?}");
    store
        .unblind(&olga, &study, "S01", "anaphylaxis")
        .await
        .expect("own site unblinds");
    assert_intact(db, &study).await;
}

/// One patient's screening outcome, read for the UI's randomize button (`screening_of`): the
/// same rule as the trial population's, from the current answers.
async fn screening_of_reads_one_patients_answers(db: &TestDb) {
    let store = &db.store;
    let a = actor();
    let study = study(store, &rct_blocks()).await;
    enroll(store, &a, &study, "R01", "HCUV").await;
    let screening = || store.screening_of(&a, &study, "R01");
    assert_eq!(screening().await.expect("read"), Screening::NotScreened);
    store
        .record_eligibility(&a, &study, "R01", &[("adult".into(), Answer::Yes)])
        .await
        .expect("one answer");
    assert!(matches!(
        screening().await.expect("read"),
        Screening::Incomplete(missing) if missing.len() == CRITERIA.len() - 1
    ));
    let mut answers = yes_to_all();
    answers[4].1 = Answer::No;
    store
        .record_eligibility(&a, &study, "R01", &answers)
        .await
        .expect("answers");
    assert_eq!(
        screening().await.expect("read"),
        Screening::Ineligible(vec!["sledai".to_owned()])
    );
    store
        .record_eligibility(&a, &study, "R01", &yes_to_all())
        .await
        .expect("re-assessed");
    assert_eq!(screening().await.expect("read"), Screening::Eligible);
    let missing = store.screening_of(&a, &study, "R99").await;
    assert!(
        matches!(missing, Err(StoreError::NotFound { .. })),
        "{missing:?}"
    );
}

on_both_backends!(
    screening_strata_and_unblinding_stay_within_the_users_sites,
    screening_of_reads_one_patients_answers,
    two_hundred_concurrent_randomizations,
    minimization_replays_from_the_seed,
    refusals_consume_nothing_and_are_audited,
    arms_are_concealed_from_blinded_roles,
    emergency_unblinding_is_audited_and_listed,
    test_and_live_lists_are_separate,
);

//! Recording one visit's facts (issue #3 item 3, "Bad input and faults"): the visit with its
//! place in the protocol's schedule, its observations, SLEDAI-2K answers, PGA and per-visit
//! facts, medication exposures and adverse events — in ONE write transaction, everything or
//! nothing, each fact row with its own audit entry.
//!
//! A visit outside its window is accepted and a `visit_out_of_window` protocol deviation is
//! written in the same transaction (renal.md §3.4: windows are protocol parameters). A
//! resubmission with the same idempotency key is refused and writes nothing.

use jiff::civil::Date;
use serde_json::{Value, json};
use sledger_core::InputError;
use sledger_core::measures::pga::Pga;
use sledger_core::measures::sledai2k::{Descriptor, InvestigatorAnswer};
use sledger_core::protocol::{VisitCode, WindowStatus, study_day};
use sledger_core::record::medication::MedicationExposure;
use sledger_core::record::observation::Observation;
use sledger_core::record::visit::{RecordedVisit, VisitFacts};

use crate::Store;
use crate::adverse_event::{self, AdverseEvent};
use crate::backend::Tx;
use crate::column::Columns;
use crate::error::StoreError;
use crate::fact::{self, FactVersion};
use crate::study::{Study, require_patient};
use crate::write::{Actor, Write};
use crate::{medication, observation_row, sledai_item, visit_facts};

/// One visit's facts as submitted, already parsed into domain types at the edge (CLI, web).
#[derive(Debug, Clone)]
pub struct VisitSubmission {
    /// The patient's pseudonymous study code.
    pub patient_code: String,
    pub visit: VisitCode,
    pub date: Date,
    /// The client's key for this submission: a second submission with it is refused.
    pub idempotency_key: String,
    pub observations: Vec<Observation>,
    /// The investigator's answers, indexed by `Descriptor::index`.
    pub sledai: [InvestigatorAnswer; 24],
    pub pga: Option<Pga>,
    pub facts: VisitFacts,
    pub medications: Vec<MedicationExposure>,
    pub adverse_events: Vec<AdverseEvent>,
}

/// Where a recorded visit falls in the schedule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VisitTiming {
    /// A scheduled visit, classified against its window (renal.md §3.4).
    Scheduled(WindowStatus),
    /// An unscheduled visit: no window.
    Unscheduled,
    /// A baseline recorded before the infusion is: day 0 is not known yet, so the window
    /// cannot be checked (the baseline precedes the infusion by design, sle-activity §0.3).
    BaselineBeforeInfusion,
    /// A follow-up visit of a patient with no infusion recorded: no day 0, no study day.
    NoInfusion,
}

impl VisitTiming {
    /// The `window_status` column: in_window, early, late, unscheduled, pending_infusion,
    /// no_infusion.
    pub fn code(self) -> &'static str {
        match self {
            VisitTiming::Scheduled(WindowStatus::InWindow) => "in_window",
            VisitTiming::Scheduled(WindowStatus::Early { .. }) => "early",
            VisitTiming::Scheduled(WindowStatus::Late { .. }) => "late",
            VisitTiming::Unscheduled => "unscheduled",
            VisitTiming::BaselineBeforeInfusion => "pending_infusion",
            VisitTiming::NoInfusion => "no_infusion",
        }
    }

    /// Days outside the window: negative early, positive late, 0 otherwise (`window_days_off`).
    pub fn days_off(self) -> i64 {
        match self {
            VisitTiming::Scheduled(WindowStatus::Early { days }) => -i64::from(days),
            VisitTiming::Scheduled(WindowStatus::Late { days }) => i64::from(days),
            _ => 0,
        }
    }
}

/// What [`Store::record_visit`] wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedVisitSummary {
    pub visit_id: String,
    pub study_day: Option<i32>,
    pub timing: VisitTiming,
    /// The protocol deviation written for a visit outside its window.
    pub deviation: Option<String>,
    /// Fact rows written (visit, observations, SLEDAI items, visit facts, medications, AEs,
    /// deviation).
    pub facts_written: usize,
}

/// An idempotency key: 1–200 printable characters.
fn check_key(key: &str) -> Result<(), InputError> {
    if key.trim().is_empty() || key.len() > 200 || key.chars().any(char::is_control) {
        return Err(InputError::new(
            "idempotency_key",
            key,
            "1–200 printable characters, unique per submission",
        ));
    }
    Ok(())
}

/// The earliest current infusion date of a patient: day 0 (DESIGN §3).
pub(crate) async fn infusion_date(
    tx: &mut Tx,
    study_id: &str,
    patient_id: &str,
) -> Result<Option<Date>, StoreError> {
    let infusions = fact::INFUSION
        .current_where(tx, study_id, "patient_id", patient_id)
        .await?;
    let mut first: Option<Date> = None;
    for f in &infusions {
        let d = crate::column::required_date(&f.values, "infusion_date")?;
        first = Some(first.map_or(d, |x: Date| x.min(d)));
    }
    Ok(first)
}

/// The timing of a visit on `date` and its study day (day 0 = infusion).
pub(crate) fn timing(
    study: &Study,
    code: VisitCode,
    date: Date,
    infusion: Option<Date>,
) -> (VisitTiming, Option<i32>) {
    let Some(day0) = infusion else {
        let t = if code == VisitCode::Baseline {
            VisitTiming::BaselineBeforeInfusion
        } else {
            VisitTiming::NoInfusion
        };
        return (t, None);
    };
    let day = study_day(day0, date);
    let t = match study.protocol.schedule().visit(code) {
        Some(scheduled) => VisitTiming::Scheduled(scheduled.window().classify(day)),
        None => VisitTiming::Unscheduled,
    };
    (t, Some(day))
}

/// The deviation text of a visit outside its window, with the days.
fn deviation_text(study: &Study, code: VisitCode, day: i32, timing: VisitTiming) -> Option<String> {
    let window = study.protocol.schedule().visit(code)?.window();
    let (opens, closes) = (window.opens(), window.closes());
    match timing {
        VisitTiming::Scheduled(WindowStatus::Early { days }) => Some(format!(
            "{code} on study day {day}: {days} day(s) before its window (days {opens} to {closes}) opens"
        )),
        VisitTiming::Scheduled(WindowStatus::Late { days }) => Some(format!(
            "{code} on study day {day}: {days} day(s) after its window (days {opens} to {closes}) closes"
        )),
        _ => None,
    }
}

impl Store {
    /// Records one visit's facts in one transaction (see the module docs).
    ///
    /// Refused, nothing written: a bad or reused `idempotency_key` (`Duplicate`), an unknown
    /// patient (`NotFound`), a visit code not in the protocol's schedule (`visit`), a scheduled
    /// visit recorded twice for the patient (`Duplicate` naming `visit_code`), a baseline that
    /// is not the patient's first visit or a visit dated before the baseline (`date`), a
    /// SLEDAI-2K last-present date after the visit (`sledai_<descriptor>_date`).
    pub async fn record_visit(
        &self,
        actor: &Actor,
        study: &Study,
        submission: VisitSubmission,
    ) -> Result<RecordedVisitSummary, StoreError> {
        check_key(&submission.idempotency_key)?;
        let code = submission.visit;
        if code != VisitCode::Unscheduled && study.protocol.schedule().visit(code).is_none() {
            return Err(InputError::new(
                "visit",
                code,
                "not a visit of this study's protocol schedule; record it as unscheduled",
            )
            .into());
        }
        // The core's visit checks (SLEDAI-2K dates) before anything is written.
        let visit = RecordedVisit::new(
            code,
            submission.date,
            submission.observations,
            submission.sledai,
            submission.pga,
            submission.facts,
        )?;

        let mut w = Write::begin(self.pool(), &study.study_id, actor).await?;
        let key = submission.idempotency_key;
        let seen =
            w.tx.fetch_optional(
                "SELECT kind FROM submission WHERE study_id = $1 AND idempotency_key = $2",
                &[study.study_id.as_str().into(), key.as_str().into()],
            )
            .await?;
        if seen.is_some() {
            return Err(StoreError::Duplicate {
                field: "idempotency_key",
                value: key,
            });
        }
        let patient = require_patient(&mut w.tx, &study.study_id, &submission.patient_code).await?;
        crate::authorization::authorize_site(
            &mut w.tx,
            actor,
            crate::authorization::Permission::CaptureRecords,
            &patient.site,
        )
        .await?;
        let pid = patient.entity_id.as_str();
        let existing = fact::VISIT
            .current_where(&mut w.tx, &study.study_id, "patient_id", pid)
            .await?;
        check_order(&existing, code, visit.date())?;

        let infusion = infusion_date(&mut w.tx, &study.study_id, pid).await?;
        let (timing, day) = timing(study, code, visit.date(), infusion);
        let at = w.at().to_owned();
        w.tx.execute(
            "INSERT INTO submission (study_id, idempotency_key, kind, recorded_at) VALUES ($1, $2, $3, $4)",
            &[
                study.study_id.as_str().into(),
                key.as_str().into(),
                "visit".into(),
                at.as_str().into(),
            ],
        )
        .await?;

        let mut values = Columns::new();
        values.insert("patient_id".into(), pid.into());
        values.insert("visit_code".into(), code.to_string().into());
        values.insert("visit_date".into(), visit.date().to_string().into());
        values.insert(
            "study_day".into(),
            day.map_or(Value::Null, |d| Value::from(i64::from(d))),
        );
        values.insert("window_status".into(), timing.code().into());
        values.insert("window_days_off".into(), timing.days_off().into());
        let visit_id = w.create(&fact::VISIT, values).await?;
        w.audit(
            "create",
            "submission",
            &key,
            None,
            Some(json!({"kind": "visit", "visit_id": visit_id}).to_string()),
            None,
        )
        .await?;
        let mut written = 1;

        let deviation = day.and_then(|d| deviation_text(study, code, d, timing));
        if let Some(text) = &deviation {
            let mut v = Columns::new();
            v.insert("patient_id".into(), pid.into());
            v.insert("visit_id".into(), visit_id.as_str().into());
            v.insert("kind".into(), "visit_out_of_window".into());
            v.insert("description".into(), text.as_str().into());
            w.create(&fact::PROTOCOL_DEVIATION, v).await?;
            written += 1;
        }
        // One multi-row write per table: a visit's facts cost a handful of statements, not
        // two per fact (issue #7 "Speed").
        let observations: Vec<Columns> = visit
            .observations()
            .iter()
            .map(|o| observation_row::values(pid, Some(&visit_id), o))
            .collect();
        let items: Vec<Columns> = Descriptor::ALL
            .into_iter()
            .map(|d| (d, &visit.sledai_answers()[d.index()]))
            .filter(|(_, answer)| sledai_item::is_recorded(answer))
            .map(|(d, answer)| sledai_item::values(pid, &visit_id, d, answer))
            .collect();
        let facts: Vec<Columns> = visit_facts::rows(visit.facts(), visit.pga())
            .into_iter()
            .map(|(name, value)| {
                let mut v = Columns::new();
                v.insert("patient_id".into(), pid.into());
                v.insert("visit_id".into(), visit_id.as_str().into());
                v.insert("name".into(), name.into());
                v.insert("value".into(), value.into());
                v
            })
            .collect();
        written += end_replaced_courses(&mut w, pid, code, &submission.medications).await?;
        let medications: Vec<Columns> = submission
            .medications
            .iter()
            .map(|m| medication::values(pid, m))
            .collect();
        let adverse_events: Vec<Columns> = submission
            .adverse_events
            .iter()
            .map(|ae| adverse_event::values(pid, ae))
            .collect();
        for (table, rows) in [
            (&fact::OBSERVATION, observations),
            (&fact::SLEDAI_ITEM, items),
            (&fact::VISIT_FACT, facts),
            (&fact::MEDICATION, medications),
            (&fact::ADVERSE_EVENT, adverse_events),
        ] {
            written += w.create_many(table, rows).await?.len();
        }
        w.commit().await?;
        Ok(RecordedVisitSummary {
            visit_id,
            study_day: day,
            timing,
            deviation,
            facts_written: written,
        })
    }
}

/// A visit's open-ended course of an agent ("the dose from today on") ends the patient's
/// open-ended course of that agent the day before (core's `end_replaced_courses`,
/// sle-activity §8.4), as a new version with the reason, in the visit's transaction.
/// Returns the courses ended.
async fn end_replaced_courses(
    w: &mut Write,
    patient_id: &str,
    visit: VisitCode,
    medications: &[MedicationExposure],
) -> Result<usize, StoreError> {
    if medications.iter().all(|m| m.period.end().is_some()) {
        return Ok(0);
    }
    let study_id = w.study_id().to_owned();
    let facts = fact::MEDICATION
        .current_where(&mut w.tx, &study_id, "patient_id", patient_id)
        .await?;
    let mut courses = facts
        .iter()
        .map(|f| medication::parse(&f.values))
        .collect::<Result<Vec<_>, _>>()?;
    let ended = sledger_core::record::medication::end_replaced_courses(&mut courses, medications);
    for &i in &ended {
        let course = &courses[i];
        let mut changes = Columns::new();
        changes.insert(
            "end_date".into(),
            crate::column::text_or_null(course.period.end().map(|d| d.to_string())),
        );
        let reason = format!(
            "replaced by the {} course recorded at visit {visit} from {}",
            medication::agent_code(course.agent),
            course
                .period
                .end()
                .and_then(|d| d.tomorrow().ok())
                .map_or_else(String::new, |d| d.to_string())
        );
        w.supersede(&fact::MEDICATION, &facts[i].entity_id, changes, &reason)
            .await?;
    }
    Ok(ended.len())
}

/// A scheduled visit happens once; the baseline is the patient's first visit (sle-activity
/// §0.3: every comparison refers to it), so nothing may be dated before it.
fn check_order(existing: &[FactVersion], code: VisitCode, date: Date) -> Result<(), StoreError> {
    let mut baseline: Option<Date> = None;
    let mut earliest: Option<Date> = None;
    for v in existing {
        let other = crate::column::required_text(&v.values, "visit_code")?;
        let other_date = crate::column::required_date(&v.values, "visit_date")?;
        if code != VisitCode::Unscheduled && other == code.to_string() {
            return Err(StoreError::Duplicate {
                field: "visit_code",
                value: code.to_string(),
            });
        }
        if other == "baseline" {
            baseline = Some(other_date);
        }
        earliest = Some(earliest.map_or(other_date, |e: Date| e.min(other_date)));
    }
    if code == VisitCode::Baseline
        && let Some(first) = earliest.filter(|e| *e < date)
    {
        return Err(InputError::new(
            "date",
            date,
            format!("the baseline must be the patient's first visit; a visit on {first} is already recorded (sle-activity §0.3)"),
        )
        .into());
    }
    if let Some(base) = baseline.filter(|b| date < *b) {
        return Err(InputError::new(
            "date",
            date,
            format!(
                "a visit cannot be dated before the patient's baseline ({base}) (sle-activity §0.3)"
            ),
        )
        .into());
    }
    Ok(())
}

//! Reading a patient's record: every current, not retracted fact of the patient, parsed back
//! through the same core parsers that accepted it, into `sledger_core::record::PatientRecord`
//! (DESIGN §3: facts are stored, measures are derived — `record::visit_measures` computes them;
//! nothing here computes a measure).

use std::collections::HashMap;

use jiff::civil::Date;
use sledger_core::InputError;
use sledger_core::measures::pga::Pga;
use sledger_core::measures::sledai2k::{Descriptor, InvestigatorAnswer};
use sledger_core::protocol::VisitCode;
use sledger_core::record::observation::Observation;
use sledger_core::record::patient::{BirthMonth, StudyCode};
use sledger_core::record::visit::{RecordedVisit, VisitFacts};
use sledger_core::record::{MedicationExposure, PatientRecord};

use crate::Store;
use crate::adverse_event::{self, AdverseEvent};
use crate::backend::Tx;
use crate::column;
use crate::error::StoreError;
use crate::fact::{self, FactVersion};
use crate::study::{PatientRef, Study, require_patient};
use crate::{medication, observation_row, sledai_item, visit_facts};

/// A visit as stored, with its place in the schedule (what the record itself does not keep).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredVisit {
    pub visit_id: String,
    pub code: VisitCode,
    pub date: Date,
    pub study_day: Option<i64>,
    /// in_window, early, late, unscheduled, pending_infusion, no_infusion.
    pub window_status: String,
    pub window_days_off: i64,
    /// The stored version of each observation, parallel to the record visit's observations.
    pub observation_facts: Vec<FactRef>,
    /// The stored version of each answered SLEDAI-2K descriptor.
    pub sledai_facts: Vec<(Descriptor, FactRef)>,
}

/// The stored version behind a fact of the record: what ties it to the audit entry that
/// wrote it (the exports' audit records, issue #6).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FactRef {
    pub entity_id: String,
    /// The version row's id (UUIDv7).
    pub id: String,
    pub recorded_at: String,
}

impl FactRef {
    fn of(f: &FactVersion) -> FactRef {
        FactRef {
            entity_id: f.entity_id.clone(),
            id: f.id.clone(),
            recorded_at: f.recorded_at.clone(),
        }
    }
}

/// A protocol deviation as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredDeviation {
    pub visit_id: Option<String>,
    pub kind: String,
    pub description: String,
}

/// A patient's chart: the core record, plus the stored visits in the record's visit order and
/// the facts no measure reads (adverse events, deviations).
#[derive(Debug, Clone)]
pub struct PatientChart {
    pub patient: PatientRef,
    pub record: PatientRecord,
    /// Parallel to `record.visits()`.
    pub visits: Vec<StoredVisit>,
    pub adverse_events: Vec<AdverseEvent>,
    pub deviations: Vec<StoredDeviation>,
    /// The stored version of each medication, parallel to `record.medications()`.
    pub medication_facts: Vec<FactRef>,
    /// The stored version of each adverse event, parallel to `adverse_events`.
    pub adverse_event_facts: Vec<FactRef>,
}

/// Names the stored fact behind a parse error: `observation <entity id>: unit …`.
fn stored(table: &'static str, f: &FactVersion, e: InputError) -> StoreError {
    StoreError::Input(InputError {
        field: format!("{table}[{}].{}", f.entity_id, e.field).into(),
        ..e
    })
}

struct VisitParts {
    stored: StoredVisit,
    observations: Vec<Observation>,
    sledai: [InvestigatorAnswer; 24],
    pga: Option<Pga>,
    facts: VisitFacts,
}

impl Store {
    /// The core record of the patient with study code `code` (see [`Store::patient_chart`]).
    pub async fn patient_record(
        &self,
        study: &Study,
        code: &str,
    ) -> Result<PatientRecord, StoreError> {
        Ok(self.patient_chart(study, code).await?.record)
    }

    /// Every current fact of the patient, read in one snapshot and parsed into the record.
    ///
    /// Observations recorded without a visit (bulk imports) join the first visit dated on or
    /// after their collection date — the visit the sample was drawn for — or the last visit
    /// when none is later [DECISION]; the SLEDAI-2K window reads them by date either way.
    pub async fn patient_chart(
        &self,
        study: &Study,
        code: &str,
    ) -> Result<PatientChart, StoreError> {
        self.read_chart(None, study, code).await
    }

    /// The same for an actor who may read the records of the patient's site (the API's read;
    /// the check runs in the snapshot the chart is read from).
    pub async fn patient_chart_as(
        &self,
        actor: &crate::Actor,
        study: &Study,
        code: &str,
    ) -> Result<PatientChart, StoreError> {
        self.read_chart(Some(actor), study, code).await
    }

    async fn read_chart(
        &self,
        actor: Option<&crate::Actor>,
        study: &Study,
        code: &str,
    ) -> Result<PatientChart, StoreError> {
        let sid = study.study_id.as_str();
        let mut tx = self.pool().begin_read().await?;
        let patient = require_patient(&mut tx, sid, code).await?;
        if let Some(actor) = actor {
            crate::authorization::authorize_site(
                &mut tx,
                actor,
                crate::authorization::Permission::ReadRecords,
                &patient.site,
            )
            .await?;
        }
        let pid = patient.entity_id.as_str();
        let infusion = crate::visit::infusion_date(&mut tx, sid, pid).await?;
        let rows = PatientRows {
            visits: fact::VISIT
                .current_where(&mut tx, sid, "patient_id", pid)
                .await?,
            observations: fact::OBSERVATION
                .current_where(&mut tx, sid, "patient_id", pid)
                .await?,
            sledai: fact::SLEDAI_ITEM
                .current_where(&mut tx, sid, "patient_id", pid)
                .await?,
            facts: fact::VISIT_FACT
                .current_where(&mut tx, sid, "patient_id", pid)
                .await?,
            medications: fact::MEDICATION
                .current_where(&mut tx, sid, "patient_id", pid)
                .await?,
            adverse_events: fact::ADVERSE_EVENT
                .current_where(&mut tx, sid, "patient_id", pid)
                .await?,
            deviations: fact::PROTOCOL_DEVIATION
                .current_where(&mut tx, sid, "patient_id", pid)
                .await?,
        };
        drop(tx);
        assemble(patient, infusion, rows)
    }

    /// The charts of the study's patients at the sites `actor` may read reports of (the API's
    /// reports cover only those).
    pub async fn study_charts_as(
        &self,
        actor: &crate::Actor,
        study: &Study,
    ) -> Result<Vec<PatientChart>, StoreError> {
        // The permission and the charts come from one snapshot: a role revoked meanwhile
        // cannot slip between the check and the read.
        let mut tx = self.pool().begin_read().await?;
        let (_, scope) = crate::authorization::authorize_scope(
            &mut tx,
            actor,
            crate::authorization::Permission::ReadReports,
        )
        .await?;
        let mut charts = study_charts_in(tx, study).await?;
        charts.retain(|c| scope.includes(&c.patient.site));
        Ok(charts)
    }

    /// Every patient's chart, read in one snapshot with one query per fact table (not one per
    /// patient): the reports' read (issue #5: a trial report of 500 patients under a second).
    /// Patients in study-code order.
    pub async fn study_charts(&self, study: &Study) -> Result<Vec<PatientChart>, StoreError> {
        study_charts_in(self.pool().begin_read().await?, study).await
    }
}

/// [`Store::study_charts`] within the read transaction `tx` (consumed: ended once the last
/// batch is read).
async fn study_charts_in(mut tx: Tx, study: &Study) -> Result<Vec<PatientChart>, StoreError> {
    let sid = study.study_id.as_str();
    let mut patients: Vec<PatientRef> = fact::PATIENT
        .current_all(&mut tx, sid)
        .await?
        .iter()
        .map(PatientRef::from_fact)
        .collect::<Result<_, _>>()?;
    patients.sort_by(|a, b| a.code.cmp(&b.code));
    let mut charts = Vec::with_capacity(patients.len());
    // Batches of patients, pipelined: while the database runs a batch's queries, the
    // previous texts are parsed and the previous batch assembled on blocking threads; at
    // most two batches are in memory, whatever the study's size.
    let mut pending: Option<tokio::task::JoinHandle<Result<Vec<PatientChart>, StoreError>>> = None;
    for batch in patients.chunks(CHART_BATCH) {
        let ids: Vec<&str> = batch.iter().map(|p| p.entity_id.as_str()).collect();
        let mut parses = Vec::with_capacity(CHART_TABLES.len());
        for table in CHART_TABLES {
            let text = table
                .current_where_any_text(&mut tx, sid, "patient_id", &ids)
                .await?;
            parses.push(tokio::task::spawn_blocking(move || table.parse_rows(&text)));
        }
        let batch = batch.to_vec();
        let assembling = tokio::spawn(async move {
            let mut parsed = Vec::with_capacity(parses.len());
            for p in parses {
                parsed.push(p.await.map_err(|e| StoreError::Worker(e.to_string()))??);
            }
            tokio::task::spawn_blocking(move || assemble_batch(batch, parsed))
                .await
                .map_err(|e| StoreError::Worker(e.to_string()))?
        });
        if let Some(previous) = pending.replace(assembling) {
            charts.extend(
                previous
                    .await
                    .map_err(|e| StoreError::Worker(e.to_string()))??,
            );
        }
    }
    drop(tx);
    if let Some(last) = pending {
        charts.extend(
            last.await
                .map_err(|e| StoreError::Worker(e.to_string()))??,
        );
    }
    Ok(charts)
}

impl Store {}

/// The fact tables a chart is read from, in the order [`assemble_batch`] takes them.
const CHART_TABLES: [&fact::FactTable; 8] = [
    &fact::INFUSION,
    &fact::VISIT,
    &fact::OBSERVATION,
    &fact::SLEDAI_ITEM,
    &fact::VISIT_FACT,
    &fact::MEDICATION,
    &fact::ADVERSE_EVENT,
    &fact::PROTOCOL_DEVIATION,
];

/// Distributes a batch's rows (one vector per table of [`CHART_TABLES`]) to its patients and
/// assembles their charts.
fn assemble_batch(
    batch: Vec<PatientRef>,
    tables: Vec<Vec<FactVersion>>,
) -> Result<Vec<PatientChart>, StoreError> {
    let index: HashMap<&str, usize> = batch
        .iter()
        .enumerate()
        .map(|(i, p)| (p.entity_id.as_str(), i))
        .collect();
    let mut rows: Vec<PatientRows> = batch.iter().map(|_| PatientRows::default()).collect();
    let mut infusions: Vec<Option<Date>> = vec![None; batch.len()];
    for (t, versions) in tables.into_iter().enumerate() {
        for f in versions {
            let Some(&i) = column::text(&f.values, "patient_id").and_then(|p| index.get(p)) else {
                continue;
            };
            let r = &mut rows[i];
            match t {
                0 => {
                    let d = column::required_date(&f.values, "infusion_date")?;
                    infusions[i] = Some(infusions[i].map_or(d, |x: Date| x.min(d)));
                }
                1 => r.visits.push(f),
                2 => r.observations.push(f),
                3 => r.sledai.push(f),
                4 => r.facts.push(f),
                5 => r.medications.push(f),
                6 => r.adverse_events.push(f),
                _ => r.deviations.push(f),
            }
        }
    }
    drop(index);
    batch
        .into_iter()
        .zip(infusions)
        .zip(rows)
        .map(|((patient, infusion), rows)| assemble(patient, infusion, rows))
        .collect()
}

/// Patients read per batch by [`Store::study_charts`] (a few dozen query parameters).
const CHART_BATCH: usize = 50;

/// The current fact rows of one patient.
#[derive(Default)]
struct PatientRows {
    visits: Vec<FactVersion>,
    observations: Vec<FactVersion>,
    sledai: Vec<FactVersion>,
    facts: Vec<FactVersion>,
    medications: Vec<FactVersion>,
    adverse_events: Vec<FactVersion>,
    deviations: Vec<FactVersion>,
}

/// Parses a patient's rows back through the core parsers into the chart.
fn assemble(
    patient: PatientRef,
    infusion: Option<Date>,
    rows: PatientRows,
) -> Result<PatientChart, StoreError> {
    let PatientRows {
        visits: visit_rows,
        observations: observation_rows,
        sledai: sledai_rows,
        facts: fact_rows,
        medications: medication_rows,
        adverse_events: ae_rows,
        deviations: deviation_rows,
    } = rows;
    // Visits in (date, entity id) order: same-date visits by creation (UUIDv7), §0.3.
    let mut visits: Vec<VisitParts> = Vec::with_capacity(visit_rows.len());
    for f in &visit_rows {
        let v = &f.values;
        let parsed = (|| {
            Ok::<_, InputError>(StoredVisit {
                visit_id: f.entity_id.clone(),
                code: VisitCode::parse("visit_code", column::required_text(v, "visit_code")?)?,
                date: column::required_date(v, "visit_date")?,
                study_day: column::int(v, "study_day")?,
                window_status: column::required_text(v, "window_status")?.to_owned(),
                window_days_off: column::int(v, "window_days_off")?.unwrap_or(0),
                observation_facts: Vec::new(),
                sledai_facts: Vec::new(),
            })
        })()
        .map_err(|e| stored("visit", f, e))?;
        visits.push(VisitParts {
            stored: parsed,
            observations: Vec::new(),
            sledai: [InvestigatorAnswer::default(); 24],
            pga: None,
            facts: VisitFacts::default(),
        });
    }
    visits.sort_by(|a, b| {
        (a.stored.date, &a.stored.visit_id).cmp(&(b.stored.date, &b.stored.visit_id))
    });
    let index: HashMap<String, usize> = visits
        .iter()
        .enumerate()
        .map(|(i, v)| (v.stored.visit_id.clone(), i))
        .collect();
    let visit_of =
        |f: &FactVersion| column::text(&f.values, "visit_id").and_then(|id| index.get(id).copied());

    for f in &observation_rows {
        let o = observation_row::parse(&f.values).map_err(|e| stored("observation", f, e))?;
        let slot = visit_of(f).or_else(|| {
            let by_date = visits.iter().position(|v| v.stored.date >= o.effective());
            by_date.or(visits.len().checked_sub(1))
        });
        if let Some(i) = slot {
            visits[i].observations.push(o);
            visits[i].stored.observation_facts.push(FactRef::of(f));
        }
    }
    for f in &sledai_rows {
        let (d, answer) = sledai_item::parse(&f.values).map_err(|e| stored("sledai_item", f, e))?;
        if let Some(i) = visit_of(f) {
            visits[i].sledai[d.index()] = answer;
            visits[i].stored.sledai_facts.push((d, FactRef::of(f)));
        }
    }
    for f in &fact_rows {
        let Some(i) = visit_of(f) else { continue };
        let (name, value) = (
            column::required_text(&f.values, "name"),
            column::required_text(&f.values, "value"),
        );
        let parts = &mut visits[i];
        name.and_then(|n| value.map(|v| (n, v)))
            .and_then(|(n, v)| visit_facts::apply(&mut parts.facts, &mut parts.pga, n, v))
            .map_err(|e| stored("visit_fact", f, e))?;
    }
    let medications: Vec<MedicationExposure> = medication_rows
        .iter()
        .map(|f| medication::parse(&f.values).map_err(|e| stored("medication", f, e)))
        .collect::<Result<_, _>>()?;
    let adverse_events: Vec<AdverseEvent> = ae_rows
        .iter()
        .map(|f| adverse_event::parse(&f.values).map_err(|e| stored("adverse_event", f, e)))
        .collect::<Result<_, _>>()?;
    let deviations = deviation_rows
        .iter()
        .map(|f| StoredDeviation {
            visit_id: column::text(&f.values, "visit_id").map(str::to_owned),
            kind: column::text(&f.values, "kind")
                .unwrap_or_default()
                .to_owned(),
            description: column::text(&f.values, "description")
                .unwrap_or_default()
                .to_owned(),
        })
        .collect();

    let mut stored_visits = Vec::with_capacity(visits.len());
    let mut recorded = Vec::with_capacity(visits.len());
    for v in visits {
        recorded.push(
            RecordedVisit::new(
                v.stored.code,
                v.stored.date,
                v.observations,
                v.sledai,
                v.pga,
                v.facts,
            )
            .map_err(|e| InputError {
                field: format!("visit[{}].{}", v.stored.visit_id, e.field).into(),
                ..e
            })?,
        );
        stored_visits.push(v.stored);
    }
    let birth_month = i8::try_from(patient.birth_month).unwrap_or(0);
    let record = PatientRecord::new(
        StudyCode::parse(&patient.code)?,
        patient.sex,
        BirthMonth::new(patient.birth_year, birth_month)?,
        patient.enrollment_date,
        infusion,
        recorded,
        medications,
    )?;
    Ok(PatientChart {
        patient,
        record,
        visits: stored_visits,
        adverse_events,
        deviations,
        medication_facts: medication_rows.iter().map(FactRef::of).collect(),
        adverse_event_facts: ae_rows.iter().map(FactRef::of).collect(),
    })
}

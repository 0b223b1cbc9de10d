//! Reads one study out of the store into sledger-interop's plain model (issue #6 items 2–4):
//! patient charts (`Store::patient_chart`), the measures sledger-core derives per visit
//! (`visit_measures`), infusions, and the audit chain entries that wrote each captured fact
//! (for ODM's AuditRecord). Arms only where the actor may see them (ARCHITECTURE invariant 8).
//! sledger-interop never sees the store: this module is the narrow seam between them.

use std::collections::HashMap;

use rust_decimal::Decimal;
use serde_json::Value;
use sledger_core::MeasureConfig;
use sledger_core::protocol::target_day;
use sledger_core::record::visit_measures;
use sledger_interop::model::{
    AdverseEventFact, AuditStamp, EngineInfo, InfusionFact, LabFact, MedicationFact, ProtocolVisit,
    SledaiItemFact, StudyExport, Subject, VisitExport,
};
use sledger_store::adverse_event::Seriousness;
use sledger_store::audit::AuditEntry;
use sledger_store::column::code_of;
use sledger_store::medication::agent_code;
use sledger_store::{Actor, FactRef, Store, StoreError, Study};

/// The audit entries of the study, to find the one that wrote a given fact version.
#[derive(Debug, Default)]
struct AuditIndex {
    /// Entries that wrote one fact version (create, supersede), by the version's row id.
    by_version: HashMap<String, AuditEntry>,
    /// The latest entry of each entity (what wrote its current version).
    latest: HashMap<String, AuditEntry>,
    /// Bulk imports: one entry per batch, naming its first and last row id and its time.
    imports: Vec<(String, String, String, AuditEntry)>,
}

fn text(after: &Value, key: &str) -> String {
    after
        .get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

impl AuditIndex {
    fn build(entries: Vec<AuditEntry>) -> AuditIndex {
        let mut index = AuditIndex::default();
        for entry in entries {
            let Some(after) = entry
                .record
                .after
                .as_deref()
                .and_then(|a| serde_json::from_str::<Value>(a).ok())
            else {
                continue;
            };
            if entry.record.action == "import" {
                index.imports.push((
                    text(&after, "first_id"),
                    text(&after, "last_id"),
                    text(&after, "recorded_at"),
                    entry,
                ));
            } else {
                if let Some(id) = after.get("id").and_then(Value::as_str) {
                    index.by_version.insert(id.to_owned(), entry.clone());
                }
                index.latest.insert(entry.record.entity_id.clone(), entry);
            }
        }
        index
    }

    fn latest_of(&self, entity_id: &str) -> Option<&AuditEntry> {
        self.latest.get(entity_id)
    }

    /// The entry that wrote this fact version: its own entry, or the import batch whose time
    /// is the version's and whose id range (UUIDv7, in creation order) holds the version's id.
    fn entry(&self, fact: &FactRef) -> Option<&AuditEntry> {
        self.by_version.get(&fact.id).or_else(|| {
            self.imports
                .iter()
                .find(|(first, last, at, _)| {
                    *at == fact.recorded_at
                        && first.as_str() <= fact.id.as_str()
                        && fact.id.as_str() <= last.as_str()
                })
                .map(|(.., e)| e)
        })
    }
}

fn stamp(entry: &AuditEntry, site: &str) -> AuditStamp {
    AuditStamp {
        actor: entry.record.actor.clone(),
        at: entry.at.clone(),
        site: site.to_owned(),
        action: entry.record.action.clone(),
        reason: entry.record.reason.clone(),
        seq: entry.seq,
    }
}

/// The whole study as the exports read it.
pub async fn gather(
    store: &Store,
    study: &Study,
    actor: &Actor,
) -> Result<StudyExport, StoreError> {
    let config = MeasureConfig::default();
    let entries = sledger_store::audit::log(store.pool(), &study.study_id, 0, i64::MAX).await?;
    let audit = AuditIndex::build(entries);
    let mut patients = store.patients(study).await?;
    patients.sort_by(|a, b| a.code.cmp(&b.code));
    let mut subjects = Vec::with_capacity(patients.len());
    for p in &patients {
        let chart = store.patient_chart(study, &p.code).await?;
        let measures = visit_measures(&chart.record, &config);
        let infusions = store
            .infusions(study, &p.code)
            .await?
            .into_iter()
            .map(|i| InfusionFact {
                audit: audit.latest_of(&i.entity_id).map(|e| stamp(e, &p.site)),
                id: i.entity_id,
                infusion: i.infusion,
            })
            .collect();
        let arm = match study.protocol.randomization() {
            None => None,
            Some(_) => match store.allocation(actor, study, &p.code).await {
                Ok(view) => view.and_then(|v| v.arm),
                // An actor without the right to see allocations exports without arms.
                Err(StoreError::Forbidden { .. }) => None,
                Err(e) => return Err(e),
            },
        };
        let mut visits = Vec::with_capacity(measures.len());
        for ((recorded, stored), m) in chart
            .record
            .visits()
            .iter()
            .zip(&chart.visits)
            .zip(measures)
        {
            let labs = recorded
                .observations()
                .iter()
                .zip(&stored.observation_facts)
                .map(|(o, fact)| LabFact {
                    id: fact.entity_id.clone(),
                    observation: o.clone(),
                    audit: audit.entry(fact).map(|e| stamp(e, &p.site)),
                })
                .collect();
            let sledai = stored
                .sledai_facts
                .iter()
                .map(|(d, fact)| SledaiItemFact {
                    descriptor: *d,
                    answer: recorded.sledai_answers()[d.index()],
                    audit: audit.entry(fact).map(|e| stamp(e, &p.site)),
                })
                .collect();
            visits.push(VisitExport {
                visit_id: stored.visit_id.clone(),
                code: stored.code,
                date: stored.date,
                study_day: stored.study_day,
                labs,
                sledai,
                measures: m,
            });
        }
        let medications = chart
            .record
            .medications()
            .iter()
            .zip(&chart.medication_facts)
            .map(|(m, fact)| MedicationFact {
                id: fact.entity_id.clone(),
                agent: agent_code(m.agent).to_owned(),
                dose_mg: Decimal::from(m.dose.ug()) / Decimal::from(1000),
                route: code_of(&m.route),
                schedule: code_of(&m.schedule),
                start: m.period.start(),
                end: m.period.end(),
                indication: code_of(&m.indication),
                audit: audit.entry(fact).map(|e| stamp(e, &p.site)),
            })
            .collect();
        let adverse_events = chart
            .adverse_events
            .iter()
            .zip(&chart.adverse_event_facts)
            .map(|(a, fact)| AdverseEventFact {
                id: fact.entity_id.clone(),
                term: a.term().to_owned(),
                ctcae_grade: a.grade().get(),
                serious: a.seriousness() == Seriousness::Serious,
                relatedness: code_of(&a.relatedness()),
                onset: a.onset(),
                resolution: a.resolution(),
                outcome: a.outcome().map(|o| code_of(&o)),
                audit: audit.entry(fact).map(|e| stamp(e, &p.site)),
            })
            .collect();
        subjects.push(Subject {
            code: p.code.clone(),
            site: p.site.clone(),
            sex: p.sex,
            birth_year: p.birth_year,
            birth_month: p.birth_month,
            enrollment_date: p.enrollment_date,
            arm,
            infusions,
            visits,
            medications,
            adverse_events,
        });
    }
    Ok(StudyExport {
        code: study.code.clone(),
        title: study.title.clone(),
        protocol_id: study.protocol.id().to_owned(),
        protocol_version: study.protocol.version().to_owned(),
        visits: study
            .protocol
            .schedule()
            .visits()
            .iter()
            .map(|v| ProtocolVisit {
                code: v.code(),
                target_day: target_day(v.code()),
            })
            .collect(),
        engine: EngineInfo {
            version: sledger_core::ENGINE_VERSION.to_owned(),
            config: "MeasureConfig defaults, sle-activity §0.6".to_owned(),
        },
        subjects,
    })
}

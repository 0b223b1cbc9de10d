//! Imported facts written outside any visit (issue #6 item 1): medication exposures,
//! infusions, conditions and adverse events from FHIR resources, written in batches, each fact with its own
//! audit entry and the ledger keys of the records they came from in the same transaction —
//! so a re-import skips what is committed and a crash leaves no half batch.

use sledger_core::infusion::Infusion;
use sledger_core::record::medication::MedicationExposure;

use crate::Store;
use crate::adverse_event::{self, AdverseEvent};
use crate::condition::{self, Condition};
use crate::error::StoreError;
use crate::fact;
use crate::imported_record::{ImportKey, insert_keys};
use crate::study::Study;
use crate::write::{Actor, Write};
use crate::{infusion, medication};

/// One fact of a patient that an import produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportedFact {
    Medication(MedicationExposure),
    Infusion(Infusion),
    Condition(Condition),
    AdverseEvent(AdverseEvent),
}

/// A fact to write: the patient (entity id), the fact and the key of its record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewImportedFact {
    pub patient_id: String,
    pub fact: ImportedFact,
    pub key: ImportKey,
}

impl Store {
    /// Writes `facts` and their keys in one transaction (one audit entry per fact); returns
    /// the facts written. An infusion is validated again (the data dictionary's ranges).
    pub async fn record_imported_facts(
        &self,
        actor: &Actor,
        study: &Study,
        facts: &[NewImportedFact],
        import_id: &str,
    ) -> Result<usize, StoreError> {
        if facts.is_empty() {
            return Ok(0);
        }
        let mut rows: Vec<(&'static fact::FactTable, crate::column::Columns)> =
            Vec::with_capacity(facts.len());
        for f in facts {
            let pid = f.patient_id.as_str();
            rows.push(match &f.fact {
                ImportedFact::Medication(m) => (&fact::MEDICATION, medication::values(pid, m)),
                ImportedFact::Infusion(i) => {
                    let i = i.clone().validate()?;
                    (&fact::INFUSION, infusion::values(pid, &i))
                }
                ImportedFact::Condition(c) => (&fact::CONDITION, condition::values(pid, c)),
                ImportedFact::AdverseEvent(ae) => {
                    (&fact::ADVERSE_EVENT, adverse_event::values(pid, ae))
                }
            });
        }
        let mut w = Write::begin(self.pool(), &study.study_id, actor).await?;
        // Consecutive facts of one table go in one multi-row write, in the records' order.
        let mut rows = rows.into_iter().peekable();
        while let Some((table, first)) = rows.next() {
            let mut run = vec![first];
            while let Some((_, next)) = rows.next_if(|(t, _)| std::ptr::eq(*t, table)) {
                run.push(next);
            }
            w.create_many(table, run).await?;
        }
        let keys: Vec<ImportKey> = facts.iter().map(|f| f.key.clone()).collect();
        insert_keys(&mut w, &keys, import_id).await?;
        w.commit().await?;
        Ok(facts.len())
    }
}

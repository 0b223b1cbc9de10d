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
        let mut w = Write::begin(self.pool(), &study.study_id, actor).await?;
        for f in facts {
            let pid = f.patient_id.as_str();
            match &f.fact {
                ImportedFact::Medication(m) => {
                    w.create(&fact::MEDICATION, medication::values(pid, m))
                        .await?
                }
                ImportedFact::Infusion(i) => {
                    let i = i.clone().validate()?;
                    w.create(&fact::INFUSION, infusion::values(pid, &i)).await?
                }
                ImportedFact::Condition(c) => {
                    w.create(&fact::CONDITION, condition::values(pid, c))
                        .await?
                }
                ImportedFact::AdverseEvent(ae) => {
                    w.create(&fact::ADVERSE_EVENT, adverse_event::values(pid, ae))
                        .await?
                }
            };
        }
        let keys: Vec<ImportKey> = facts.iter().map(|f| f.key.clone()).collect();
        insert_keys(&mut w, &keys, import_id).await?;
        w.commit().await?;
        Ok(facts.len())
    }
}

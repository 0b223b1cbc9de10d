//! What the importers share (issue #6): one import run over a study — the subject linkage,
//! the batches of observations with the keys of the records they came from (checked against
//! the ledger of imported records, then prepared on this task and written by a writer task in
//! one transaction each, keys included), the batches of other facts (medication exposures,
//! infusions, conditions: checked against the ledger and written with their keys in one
//! transaction each), duplicate ids within the run, the error report
//! (JSON lines: file, line, resource_id, field, value, problem), the progress bar and the
//! summary.
//!
//! Memory: a batch, the linkage (one entry per hospital identifier) and 16 bytes per record
//! read (the run's duplicate-id check) — flat in the size of each record, linear only in the
//! number of records at 16 B each.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::io::{IsTerminal as _, Write as _};
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Context as _;
use serde_json::json;
use sledger_core::InputError;
use sledger_core::record::observation::Observation;
use sledger_store::imported_fact::NewImportedFact;
use sledger_store::imported_record::ImportKey;
use sledger_store::observations::{NewObservation, ObservationBatch};
use sledger_store::{Actor, Store, StoreError, Study};

/// Records per transaction.
pub const BATCH: usize = 10_000;

/// Facts other than observations per transaction (each writes its own audit entry).
pub const FACT_BATCH: usize = 1_000;

/// A patient known to the run: entity id and study code.
#[derive(Debug, Clone)]
pub struct Linked {
    pub entity_id: String,
    pub code: String,
}

/// Where a record came from, for the error report.
#[derive(Debug, Clone, Copy)]
pub struct At<'a> {
    pub file: &'a Path,
    pub line: usize,
    pub resource_id: Option<&'a str>,
}

/// The counts printed at the end.
#[derive(Debug, Default)]
pub struct Summary {
    pub read: usize,
    pub imported: usize,
    pub skipped: usize,
    pub unmapped_raw: usize,
    pub refused: usize,
    /// Resources of a known type that this version does not map, by type: counted, not
    /// stored, not refused.
    pub not_mapped: std::collections::BTreeMap<&'static str, usize>,
    /// Resources not stored because their status says the thing did not happen
    /// (`entered-in-error`, `not-taken`, `cancelled`, …), by "type status".
    pub not_stored: std::collections::BTreeMap<String, usize>,
}

struct Prepared {
    batch: ObservationBatch,
    keys: Vec<ImportKey>,
}

/// One import run.
pub struct ImportRun {
    pub store: Store,
    pub study: Study,
    pub actor: Actor,
    pub import_id: String,
    /// Hospital identifier (`Patient/<id>`, `system|value`) → patient.
    pub linkage: HashMap<String, Linked>,
    /// Study code → patient.
    pub patients: HashMap<String, Linked>,
    pub summary: Summary,
    pending: Vec<(NewObservation, ImportKey)>,
    pending_facts: Vec<NewImportedFact>,
    seen: HashMap<u128, usize>,
    sender: Option<tokio::sync::mpsc::Sender<Prepared>>,
    writer: tokio::task::JoinHandle<Result<usize, StoreError>>,
    errors: std::io::BufWriter<std::fs::File>,
    pub errors_path: PathBuf,
    progress: Option<indicatif::ProgressBar>,
    started: Instant,
}

impl std::fmt::Debug for ImportRun {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ImportRun")
            .field("import_id", &self.import_id)
            .finish()
    }
}

impl ImportRun {
    /// Opens a run: loads the study's patients and linkage, starts the writer, creates the
    /// error report.
    pub async fn start(
        store: Store,
        study: Study,
        actor: Actor,
        errors_path: PathBuf,
    ) -> anyhow::Result<ImportRun> {
        let patients: HashMap<String, Linked> = store
            .patients(&study)
            .await?
            .into_iter()
            .map(|p| {
                (
                    p.code.clone(),
                    Linked {
                        entity_id: p.entity_id,
                        code: p.code,
                    },
                )
            })
            .collect();
        let linkage = store
            .linkages(&study)
            .await?
            .into_iter()
            .map(|l| {
                (
                    l.hospital_identifier,
                    Linked {
                        entity_id: l.patient_id,
                        code: l.patient_code,
                    },
                )
            })
            .collect();
        let errors = std::io::BufWriter::new(
            std::fs::File::create(&errors_path)
                .with_context(|| format!("cannot write {}", errors_path.display()))?,
        );
        let import_id = sledger_store::write::new_id();
        let (sender, mut receiver) = tokio::sync::mpsc::channel::<Prepared>(2);
        let writer = {
            let (store, study, actor, import_id) = (
                store.clone(),
                study.clone(),
                actor.clone(),
                import_id.clone(),
            );
            tokio::spawn(async move {
                let mut written = 0usize;
                while let Some(p) = receiver.recv().await {
                    written += store
                        .record_imported_observations(&actor, &study, p.batch, &p.keys, &import_id)
                        .await?;
                }
                Ok(written)
            })
        };
        let progress = std::io::stderr().is_terminal().then(|| {
            let bar = indicatif::ProgressBar::new_spinner();
            if let Ok(style) = indicatif::ProgressStyle::with_template(
                "{spinner} {human_pos} records read ({per_sec}) {elapsed}",
            ) {
                bar.set_style(style);
            }
            bar
        });
        Ok(ImportRun {
            store,
            study,
            actor,
            import_id,
            linkage,
            patients,
            summary: Summary::default(),
            pending: Vec::with_capacity(BATCH),
            pending_facts: Vec::new(),
            seen: HashMap::new(),
            sender: Some(sender),
            writer,
            errors,
            errors_path,
            progress,
            started: Instant::now(),
        })
    }

    /// Counts one record read (and ticks the progress bar).
    pub fn read_one(&mut self) {
        self.summary.read += 1;
        if let Some(bar) = &self.progress
            && self.summary.read.is_multiple_of(1000)
        {
            bar.set_position(self.summary.read as u64);
        }
    }

    /// Reports a refused record.
    pub fn refuse(&mut self, at: At<'_>, e: &InputError) -> anyhow::Result<()> {
        self.summary.refused += 1;
        writeln!(
            self.errors,
            "{}",
            json!({
                "file": at.file.display().to_string(),
                "line": at.line,
                "resource_id": at.resource_id,
                "field": e.field,
                "value": e.value,
                "problem": e.rule,
            })
        )?;
        Ok(())
    }

    /// Refuses `key` when the run has already read it (a duplicate id within the input),
    /// naming the line of the first.
    pub fn check_duplicate(&mut self, key: &ImportKey, line: usize) -> Result<(), InputError> {
        let mut a = std::hash::DefaultHasher::new();
        let mut b = std::hash::DefaultHasher::new();
        0xA5u8.hash(&mut b);
        key.hash(&mut a);
        key.hash(&mut b);
        let h = (u128::from(a.finish()) << 64) | u128::from(b.finish());
        match self.seen.insert(h, line) {
            None => Ok(()),
            Some(first) => {
                self.seen.insert(h, first);
                Err(InputError::new(
                    "id",
                    &key.record_id,
                    format!(
                        "duplicate {} id (version {:?}) in the input; first at line {first}",
                        key.record_type, key.version_id
                    ),
                ))
            }
        }
    }

    /// Whether the study has imported `key` before (for records written one by one).
    pub async fn already_imported(&self, key: &ImportKey) -> anyhow::Result<bool> {
        Ok(!self
            .store
            .imported_keys(&self.study, std::slice::from_ref(key))
            .await?
            .is_empty())
    }

    /// Queues a parsed observation of `patient` with its record key.
    pub async fn push(
        &mut self,
        patient: &Linked,
        observation: Observation,
        key: ImportKey,
    ) -> anyhow::Result<()> {
        self.pending.push((
            NewObservation {
                patient_id: patient.entity_id.clone(),
                visit_id: None,
                observation,
            },
            key,
        ));
        if self.pending.len() >= BATCH {
            self.flush().await?;
        }
        Ok(())
    }

    /// Queues a fact of a patient with its record key.
    pub async fn push_fact(&mut self, fact: NewImportedFact) -> anyhow::Result<()> {
        self.pending_facts.push(fact);
        if self.pending_facts.len() >= FACT_BATCH {
            self.flush_facts().await?;
        }
        Ok(())
    }

    /// Counts a resource not stored for its status.
    pub fn not_stored(&mut self, kind: &str, status: &str) {
        *self
            .summary
            .not_stored
            .entry(format!("{kind} {status}"))
            .or_default() += 1;
    }

    /// Drops the pending facts the study has already imported (counted as skipped) and
    /// writes the rest with their keys in one transaction.
    pub async fn flush_facts(&mut self) -> anyhow::Result<()> {
        if self.pending_facts.is_empty() {
            return Ok(());
        }
        let pending = std::mem::take(&mut self.pending_facts);
        let keys: Vec<ImportKey> = pending.iter().map(|f| f.key.clone()).collect();
        let done = self.store.imported_keys(&self.study, &keys).await?;
        let (skipped, new): (Vec<_>, Vec<_>) =
            pending.into_iter().partition(|f| done.contains(&f.key));
        self.summary.skipped += skipped.len();
        self.summary.imported += self
            .store
            .record_imported_facts(&self.actor, &self.study, &new, &self.import_id)
            .await?;
        Ok(())
    }

    /// Drops the pending records the study has already imported (counted as skipped), and
    /// sends the rest to the writer with their keys.
    pub async fn flush(&mut self) -> anyhow::Result<()> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let pending = std::mem::take(&mut self.pending);
        let keys: Vec<ImportKey> = pending.iter().map(|(_, k)| k.clone()).collect();
        let done = self.store.imported_keys(&self.study, &keys).await?;
        let mut rows = Vec::with_capacity(pending.len());
        let mut kept = Vec::with_capacity(pending.len());
        for (o, k) in pending {
            if done.contains(&k) {
                self.summary.skipped += 1;
                continue;
            }
            if o.observation.measured().is_none() {
                self.summary.unmapped_raw += 1;
            }
            rows.push(o);
            kept.push(k);
        }
        self.pending = Vec::with_capacity(BATCH);
        if rows.is_empty() {
            return Ok(());
        }
        let batch = self
            .store
            .prepare_observations(&self.actor, &self.study, &rows);
        if let Some(sender) = &self.sender
            && sender.send(Prepared { batch, keys: kept }).await.is_err()
        {
            // The writer failed; its error is returned by finish().
            self.sender = None;
        }
        Ok(())
    }

    /// Writes what is pending, waits for the writer, prints the summary; returns whether
    /// any record was refused.
    pub async fn finish(mut self, what: &str) -> anyhow::Result<bool> {
        self.flush().await?;
        self.flush_facts().await?;
        drop(self.sender.take());
        let written = self.writer.await.context("the store writer stopped")??;
        self.summary.imported += written;
        if self.summary.imported > 0 {
            self.store.refresh_statistics().await?;
        }
        self.errors.flush()?;
        if let Some(bar) = &self.progress {
            bar.finish_and_clear();
        }
        let s = &self.summary;
        let seconds = self.started.elapsed().as_secs_f64();
        let mut line = format!(
            "{what}: read {} records in {seconds:.2} s ({:.0} records/s); imported {}, \
             skipped as already imported {}, unmapped kept raw {}, refused {}",
            s.read,
            s.read as f64 / seconds.max(f64::EPSILON),
            s.imported,
            s.skipped,
            s.unmapped_raw,
            s.refused
        );
        for (kind, n) in &s.not_mapped {
            line.push_str(&format!("; {kind} not mapped (counted, not stored) {n}"));
        }
        for (what, n) in &s.not_stored {
            line.push_str(&format!("; {what} not stored for its status {n}"));
        }
        if s.refused > 0 {
            line.push_str(&format!(" (see {})", self.errors_path.display()));
        }
        eprintln!("{line}");
        Ok(s.refused > 0)
    }
}

/// `PATH` + `suffix`: the default error report beside the input.
pub fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// The study named by `--study`, or the store's only study.
pub async fn study_of(store: &Store, code: Option<&str>) -> anyhow::Result<Study> {
    if let Some(code) = code {
        return Ok(store.study(code).await?);
    }
    let studies = store.studies().await?;
    match studies.as_slice() {
        [(code, _)] => Ok(store.study(code).await?),
        _ => anyhow::bail!(
            "the store holds {} studies: name one with --study",
            studies.len()
        ),
    }
}

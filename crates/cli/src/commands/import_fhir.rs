//! `sledger import fhir PATH`: NDJSON line by line (constant memory), a Bundle file whole;
//! each resource typed-parsed by sledger-interop and dispatched by type. Patient → subject
//! linkage (and, with `--enroll-unknown`, enrollment); Observation → observation rows through
//! the shared batches; AdverseEvent → an adverse event; MedicationStatement/Request/
//! Administration → medication exposures, a cell-product Procedure → an infusion, Condition →
//! a condition, through the shared fact batches (other Procedures are counted as not mapped;
//! see docs/interop.md); anything else is refused.

use std::io::BufRead as _;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use sledger_core::InputError;
use sledger_core::record::observation::Observation;
use sledger_interop::fhir_in::adverse_event::map_adverse_event;
use sledger_interop::fhir_in::condition::map_condition;
use sledger_interop::fhir_in::infusion::map_procedure;
use sledger_interop::fhir_in::mapped::Mapped;
use sledger_interop::fhir_in::medication::map_medication;
use sledger_interop::fhir_in::observation::map_observation;
use sledger_interop::fhir_in::patient::map_patient;
use sledger_interop::fhir_in::{Resource, ResourceType, parse_bundle, parse_line, resource_key};
use sledger_store::NewPatient;
use sledger_store::imported_fact::{ImportedFact, NewImportedFact};
use sledger_store::imported_record::ImportKey;

use super::DbArgs;
use super::import::FhirArgs;
use super::import_run::{At, ImportRun, Linked, study_of, with_suffix};

pub async fn import(db: &DbArgs, args: &FhirArgs) -> anyhow::Result<bool> {
    let store = db.open().await?;
    let study = study_of(&store, args.study.as_deref()).await?;
    let files = input_files(&args.path)?;
    let errors = args
        .errors
        .clone()
        .unwrap_or_else(|| with_suffix(&args.path, ".errors.jsonl"));
    let mut run = ImportRun::start(store, study, db.actor(), errors).await?;
    for file in &files {
        if is_bundle(file) {
            import_bundle(&mut run, args, file).await?;
        } else {
            import_ndjson(&mut run, args, file).await?;
        }
    }
    super::import::finish(run, "import fhir").await
}

/// The file, or the folder's `.ndjson`/`.json` files with Patient files first (so that
/// observations find their subjects), then by name.
fn input_files(path: &Path) -> anyhow::Result<Vec<PathBuf>> {
    if !path.is_dir() {
        return Ok(vec![path.to_owned()]);
    }
    let mut files: Vec<PathBuf> = std::fs::read_dir(path)
        .with_context(|| format!("cannot read {}", path.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "ndjson" || e == "json"))
        .collect();
    files.sort_by_key(|p| {
        let name = p
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        (!name.starts_with("Patient"), name)
    });
    Ok(files)
}

fn is_bundle(file: &Path) -> bool {
    file.extension().is_some_and(|e| e == "json")
}

async fn import_ndjson(run: &mut ImportRun, args: &FhirArgs, file: &Path) -> anyhow::Result<()> {
    let mut reader = std::io::BufReader::with_capacity(
        1 << 20,
        std::fs::File::open(file).with_context(|| format!("cannot read {}", file.display()))?,
    );
    let mut line = String::new();
    let mut number = 0usize;
    loop {
        line.clear();
        let read = reader.read_line(&mut line);
        number += 1;
        match read {
            Ok(0) => break,
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::InvalidData => {
                run.read_one();
                let at = At {
                    file,
                    line: number,
                    resource_id: None,
                };
                run.refuse(at, &InputError::new("line", "", "not UTF-8 text"))?;
                // read_line consumed up to the newline; go on with the next line.
                continue;
            }
            Err(e) => return Err(e).with_context(|| format!("cannot read {}", file.display())),
        }
        if line.trim().is_empty() {
            continue;
        }
        run.read_one();
        match parse_line(&line) {
            Ok(resource) => one_resource(run, args, file, number, resource).await?,
            Err(e) => run.refuse(
                At {
                    file,
                    line: number,
                    resource_id: None,
                },
                &e,
            )?,
        }
    }
    Ok(())
}

async fn import_bundle(run: &mut ImportRun, args: &FhirArgs, file: &Path) -> anyhow::Result<()> {
    let text =
        std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?;
    match parse_bundle(&text) {
        Ok(resources) => {
            drop(text);
            // In a Bundle, `line` is the entry's position (1-based).
            for (i, resource) in resources.into_iter().enumerate() {
                run.read_one();
                one_resource(run, args, file, i + 1, resource).await?;
            }
        }
        Err(e) => {
            run.read_one();
            run.refuse(
                At {
                    file,
                    line: 1,
                    resource_id: None,
                },
                &e,
            )?;
        }
    }
    Ok(())
}

async fn one_resource(
    run: &mut ImportRun,
    args: &FhirArgs,
    file: &Path,
    line: usize,
    resource: Resource,
) -> anyhow::Result<()> {
    let id = resource.id.clone();
    let at = At {
        file,
        line,
        resource_id: id.as_deref(),
    };
    let outcome = match ResourceType::parse(&resource.resource_type) {
        Err(e) => Err(e),
        Ok(kind) => match resource_key(kind, &resource) {
            Err(e) => Err(e),
            Ok((t, id, version)) => {
                let key = ImportKey {
                    record_type: t.to_owned(),
                    record_id: id,
                    version_id: version,
                };
                match run.check_duplicate(&key, line) {
                    Err(e) => Err(e),
                    Ok(()) => dispatch(run, args, kind, resource, key).await?,
                }
            }
        },
    };
    if let Err(e) = outcome {
        run.refuse(at, &e)?;
    }
    Ok(())
}

async fn dispatch(
    run: &mut ImportRun,
    args: &FhirArgs,
    kind: ResourceType,
    resource: Resource,
    key: ImportKey,
) -> anyhow::Result<Result<(), InputError>> {
    match kind {
        ResourceType::Observation => Ok(observation(run, &resource, key).await?),
        ResourceType::Patient => patient(run, args, &resource, key).await,
        ResourceType::AdverseEvent => adverse_event(run, &resource, key).await,
        ResourceType::MedicationStatement
        | ResourceType::MedicationRequest
        | ResourceType::MedicationAdministration => {
            let mapped = map_medication(kind, &resource)
                .map(|m| m.map(|m| (m.subject, ImportedFact::Medication(m.exposure))));
            fact(run, kind, mapped, key).await
        }
        ResourceType::Procedure => {
            let mapped = map_procedure(&resource)
                .map(|m| m.map(|i| (i.subject, ImportedFact::Infusion(i.infusion))));
            fact(run, kind, mapped, key).await
        }
        ResourceType::Condition => {
            let mapped = map_condition(&resource).and_then(|m| {
                Ok(match m {
                    Mapped::Record(c) => Mapped::Record((c.subject.clone(), condition_of(&c)?)),
                    Mapped::Skipped { status } => Mapped::Skipped { status },
                    Mapped::NotMapped => Mapped::NotMapped,
                })
            });
            fact(run, kind, mapped, key).await
        }
    }
}

/// A mapped fact of a subject → queued for the linked patient with its key; a resource
/// skipped for its status or not mapped is counted.
async fn fact(
    run: &mut ImportRun,
    kind: ResourceType,
    mapped: Result<Mapped<(String, ImportedFact)>, InputError>,
    key: ImportKey,
) -> anyhow::Result<Result<(), InputError>> {
    let (subject, fact) = match mapped {
        Err(e) => return Ok(Err(e)),
        Ok(Mapped::Record(record)) => record,
        Ok(Mapped::Skipped { status }) => {
            run.not_stored(kind.name(), &status);
            return Ok(Ok(()));
        }
        Ok(Mapped::NotMapped) => {
            *run.summary.not_mapped.entry(kind.name()).or_default() += 1;
            return Ok(Ok(()));
        }
    };
    let Some(patient) = run.linkage.get(&subject).cloned() else {
        return Ok(Err(unlinked_subject()));
    };
    run.push_fact(NewImportedFact {
        patient_id: patient.entity_id,
        fact,
        key,
    })
    .await?;
    Ok(Ok(()))
}

/// The store's condition of a mapped Condition (its codes are FHIR's, checked by the mapping).
fn condition_of(
    c: &sledger_interop::fhir_in::condition::FhirCondition,
) -> Result<ImportedFact, InputError> {
    use sledger_store::column::parse_code;
    use sledger_store::condition::{
        CLINICAL_STATUSES, ClinicalStatus, Condition, VERIFICATION_STATUSES, VerificationStatus,
    };
    let clinical = c
        .clinical_status
        .map(|s| parse_code::<ClinicalStatus>("clinicalStatus", s, CLINICAL_STATUSES))
        .transpose()?;
    let verification = c
        .verification_status
        .map(|s| parse_code::<VerificationStatus>("verificationStatus", s, VERIFICATION_STATUSES))
        .transpose()?;
    Ok(ImportedFact::Condition(Condition::new(
        c.code_system.as_deref(),
        &c.code,
        c.display.as_deref(),
        clinical,
        verification,
        c.onset,
        c.abatement,
    )?))
}

async fn observation(
    run: &mut ImportRun,
    resource: &Resource,
    key: ImportKey,
) -> anyhow::Result<Result<(), InputError>> {
    let mapped = match map_observation(resource, &run.import_id) {
        Ok(m) => m,
        Err(e) => return Ok(Err(e)),
    };
    let Some(patient) = run.linkage.get(&mapped.subject).cloned() else {
        return Ok(Err(unlinked_subject()));
    };
    match Observation::parse(mapped.report) {
        Ok(o) => {
            run.push(&patient, o, key).await?;
            Ok(Ok(()))
        }
        Err(e) => Ok(Err(e)),
    }
}

/// An AdverseEvent → an adverse event of the linked patient, outside any visit, queued
/// with its key in the fact batches (a re-import skips it).
async fn adverse_event(
    run: &mut ImportRun,
    resource: &Resource,
    key: ImportKey,
) -> anyhow::Result<Result<(), InputError>> {
    use sledger_store::adverse_event::{
        AdverseEvent, AeOutcome, CtcaeGrade, OUTCOMES, RELATEDNESS, Relatedness, Seriousness,
    };
    use sledger_store::column::parse_code;
    let mapped = map_adverse_event(resource).and_then(|m| {
        let ae = AdverseEvent::new(
            &m.term,
            CtcaeGrade::new(m.ctcae_grade)?,
            if m.serious {
                Seriousness::Serious
            } else {
                Seriousness::NonSerious
            },
            parse_code::<Relatedness>("relatedness", m.relatedness, RELATEDNESS)?,
            m.onset,
            None,
            m.outcome
                .map(|o| parse_code::<AeOutcome>("outcome", o, OUTCOMES))
                .transpose()?,
        )?;
        Ok(Mapped::Record((m.subject, ImportedFact::AdverseEvent(ae))))
    });
    fact(run, ResourceType::AdverseEvent, mapped, key).await
}

fn unlinked_subject() -> InputError {
    InputError::new(
        "subject",
        "(hospital identifier withheld)",
        "no patient of the study is linked to this subject: import its Patient resource \
         (with --enroll-unknown for new subjects) or link it with `sledger linkage add`",
    )
}

async fn patient(
    run: &mut ImportRun,
    args: &FhirArgs,
    resource: &Resource,
    key: ImportKey,
) -> anyhow::Result<Result<(), InputError>> {
    if run.already_imported(&key).await? {
        run.summary.skipped += 1;
        return Ok(Ok(()));
    }
    let mapped = match map_patient(resource, &key.record_id) {
        Ok(m) => m,
        Err(e) => return Ok(Err(e)),
    };
    let known = mapped
        .identifiers
        .iter()
        .find_map(|i| run.linkage.get(i).cloned());
    let linked = match known {
        Some(p) => {
            run.store
                .link_subject(
                    &run.actor,
                    &run.study,
                    &mapped.identifiers,
                    &p.code,
                    Some((&key, &run.import_id)),
                )
                .await?;
            p
        }
        None if args.enroll_unknown => {
            let new = NewPatient {
                code: pseudonym(),
                site: args.site.clone(),
                sex: mapped.sex,
                birth_year: mapped.birth_year,
                birth_month: mapped.birth_month,
                enrollment_date: jiff::Zoned::now().date(),
            };
            let enrolled = run
                .store
                .enroll_linked(
                    &run.actor,
                    &run.study,
                    &mapped.identifiers,
                    &new,
                    Some((&key, &run.import_id)),
                )
                .await;
            match enrolled {
                Ok(p) => Linked {
                    entity_id: p.entity_id,
                    code: p.code,
                },
                Err(sledger_store::StoreError::Input(e)) => return Ok(Err(e)),
                Err(e) => return Err(e.into()),
            }
        }
        None => {
            return Ok(Err(InputError::new(
                "identifier",
                "(hospital identifier withheld)",
                "an unknown subject: link it with `sledger linkage add` or import with \
                 --enroll-unknown",
            )));
        }
    };
    for identifier in mapped.identifiers {
        run.linkage.insert(identifier, linked.clone());
    }
    run.patients.insert(linked.code.clone(), linked);
    run.summary.imported += 1;
    Ok(Ok(()))
}

/// A new pseudonymous study code: `R-` and 12 random hex digits of a UUIDv7 (random bits,
/// not the timestamp), so it says nothing about the subject or the order of enrollment.
fn pseudonym() -> String {
    let id = sledger_store::write::new_id().replace('-', "");
    format!("R-{}", &id[id.len() - 12..])
}

//! `sledger import csv FILE --mapping MAP.toml --study CODE`: a lab extract read as a stream,
//! each row mapped by sledger-interop's `csv_in` (columns, local codes → LOINC, local units
//! → UCUM), checked by sledger-core, batched with its row key (the mapped id column, else the
//! row's SHA-256) through the same run as the FHIR importer.

use anyhow::Context as _;
use sledger_core::InputError;
use sledger_core::record::observation::Observation;
use sledger_interop::csv_in::{CsvMapping, map_row, row_key};
use sledger_store::imported_record::ImportKey;

use super::DbArgs;
use super::import::CsvArgs;
use super::import_run::{At, ImportRun, study_of, with_suffix};

pub async fn import(db: &DbArgs, args: &CsvArgs) -> anyhow::Result<bool> {
    let mapping_text = std::fs::read_to_string(&args.mapping)
        .with_context(|| format!("cannot read {}", args.mapping.display()))?;
    let mapping = CsvMapping::parse(&mapping_text)
        .map_err(|e| anyhow::anyhow!("{}: {e}", args.mapping.display()))?;
    let store = db.open().await?;
    let study = study_of(&store, Some(&args.study)).await?;
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_path(&args.file)
        .with_context(|| format!("cannot read {}", args.file.display()))?;
    let header = reader.headers()?.clone();
    let header: Vec<&str> = header.iter().collect();
    let index = mapping
        .index(&header)
        .map_err(|e| anyhow::anyhow!("{}: {e}", args.file.display()))?;
    let errors = args
        .errors
        .clone()
        .unwrap_or_else(|| with_suffix(&args.file, ".errors.jsonl"));
    let mut run = ImportRun::start(store, study, db.actor(), errors).await?;
    let file = args.file.as_path();
    let mut record = csv::StringRecord::new();
    loop {
        let line = reader.position().line() as usize;
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                run.read_one();
                let at = At {
                    file,
                    line,
                    resource_id: None,
                };
                run.refuse(
                    at,
                    &InputError::new("line", "", format!("not a CSV row: {e}")),
                )?;
                continue;
            }
        }
        run.read_one();
        let fields: Vec<&str> = record.iter().collect();
        let key = ImportKey {
            record_type: "csv".to_owned(),
            record_id: row_key(&index, &fields),
            version_id: String::new(),
        };
        let id = index
            .id
            .and_then(|i| fields.get(i))
            .map(|s| (*s).to_owned());
        let at = At {
            file,
            line,
            resource_id: id.as_deref(),
        };
        let outcome = match run.check_duplicate(&key, line) {
            Err(e) => Err(e),
            Ok(()) => match map_row(&mapping, &index, &fields, &run.import_id) {
                Err(e) => Err(e),
                Ok(row) => {
                    let patient = if mapping.patient.system.is_some() {
                        run.linkage.get(&row.subject).cloned()
                    } else {
                        run.patients.get(&row.subject).cloned()
                    };
                    match (patient, Observation::parse(row.report)) {
                        (None, _) => Err(InputError::new(
                            mapping.columns.patient.clone(),
                            "(withheld)",
                            "no patient of the study is linked to this subject",
                        )),
                        (_, Err(e)) => Err(e),
                        (Some(p), Ok(o)) => {
                            run.push(&p, o, key).await?;
                            Ok(())
                        }
                    }
                }
            },
        };
        if let Err(e) = outcome {
            run.refuse(at, &e)?;
        }
    }
    super::import::finish(run, "import csv").await
}

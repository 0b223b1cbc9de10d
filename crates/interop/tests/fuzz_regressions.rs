//! Fuzz regressions of the importers (issue #6 "Robustness", docs/interop.md "Robustness"):
//! every input under `tests/fuzz-regressions/<target>/` (crashes the fuzzers found, kept after
//! their fix, and hand-made nasty inputs) and the fuzz seeds (`fuzz/seeds/<target>/`) run
//! through the same pure path as the cargo-fuzz targets, in the normal `cargo test`: no
//! panic, and every refusal names its field and rule.

mod import_pipeline;

use std::path::{Path, PathBuf};

use import_pipeline::{LAB_MAPPING, MRN_MAPPING, csv_lab_row, fhir_bundle, fhir_ndjson_line};
use sledger_core::InputError;

type Pipeline = fn(&[u8]) -> Vec<InputError>;

const TARGETS: [(&str, Pipeline); 3] = [
    ("fhir_ndjson_line", fhir_ndjson_line),
    ("fhir_bundle", fhir_bundle),
    ("csv_lab_row", csv_lab_row),
];

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("directory entry").path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files
}

fn regressions(target: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fuzz-regressions")
        .join(target)
}

fn seeds(target: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fuzz/seeds")
        .join(target)
}

fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn fields(refused: &[InputError]) -> Vec<&str> {
    refused.iter().map(|e| e.field.as_ref()).collect()
}

#[test]
fn every_kept_input_and_seed_runs_without_panic() {
    for (target, pipeline) in TARGETS {
        let kept = files(&regressions(target));
        let seeded = files(&seeds(target));
        assert!(!kept.is_empty() && !seeded.is_empty(), "{target}: inputs");
        for file in kept.iter().chain(&seeded) {
            let result = std::panic::catch_unwind(|| pipeline(&read(file)));
            assert!(result.is_ok(), "{target}: {} panics", file.display());
        }
    }
}

#[test]
fn the_seeds_are_real_inputs_that_import() {
    // The generated bulk export and the hand-written AdverseEvent and UPCR map cleanly.
    let bundle = read(&seeds("fhir_bundle").join("generated.json"));
    assert_eq!(fields(&fhir_bundle(&bundle)), Vec::<&str>::new());
    let lines = read(&seeds("fhir_ndjson_line").join("mixed.ndjson"));
    assert_eq!(fields(&fhir_ndjson_line(&lines)), Vec::<&str>::new());
    // The lab extract: the µmol/L creatinine (A4), the ISO date (A6) and the UPCR without a
    // specimen column (A7, renal.md §2.1) are refused; the other rows map.
    let extract = read(&seeds("csv_lab_row").join("lab-mapping.csv"));
    assert_eq!(
        fields(&csv_lab_row(&extract)),
        ["unit", "COLLECTED", "specimen"]
    );
}

#[test]
fn numbers_beyond_a_decimal_are_refused_naming_the_json() {
    let dir = regressions("fhir_ndjson_line");
    for name in ["huge-decimal.ndjson", "out-of-range-number.ndjson"] {
        let refused = fhir_ndjson_line(&read(&dir.join(name)));
        assert_eq!(fields(&refused), ["json"], "{name}");
    }
}

#[test]
fn bad_text_is_refused_line_by_line() {
    let dir = regressions("fhir_ndjson_line");
    // A line that is not UTF-8 is refused; the next line is still read.
    let refused = fhir_ndjson_line(&read(&dir.join("invalid-utf8.ndjson")));
    assert_eq!(fields(&refused), ["line"]);
    // Dates with multi-byte characters where digits belong: refused, not sliced mid-char.
    let refused = fhir_ndjson_line(&read(&dir.join("multibyte-dates.ndjson")));
    assert_eq!(fields(&refused), ["birthDate", "effectiveDateTime"]);
}

#[test]
fn deep_nesting_and_a_megabyte_line_are_refused() {
    let deep = format!(
        "{{\"resourceType\":\"Observation\",\"id\":{}1{}}}\n",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    assert_eq!(fields(&fhir_ndjson_line(deep.as_bytes())), ["json"]);
    // Deep nesting inside an element we skip is skipped without recursion.
    let skipped = format!(
        "{{\"resourceType\":\"Bundle\",\"extension\":{}1{},\"entry\":[]}}",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    assert_eq!(fields(&fhir_bundle(skipped.as_bytes())), Vec::<&str>::new());
    let deep_entry = format!(
        "{{\"resourceType\":\"Bundle\",\"entry\":[{{\"resource\":{}}}]}}",
        deep.trim_end()
    );
    assert_eq!(fields(&fhir_bundle(deep_entry.as_bytes())), ["json"]);
    let long = format!(
        "{{\"resourceType\":\"Patient\",\"id\":\"p1\",\"gender\":\"{}\",\"birthDate\":\"1980-05\"}}\n",
        "x".repeat(1 << 20)
    );
    let refused = fhir_ndjson_line(long.as_bytes());
    assert_eq!(fields(&refused), ["gender"]);
    let mut row = b"\x00ACCESSION,PATIENT,TEST,RESULT,UNITS,COLLECTED\nA1,IDX-01,CREA,".to_vec();
    row.extend(std::iter::repeat_n(b'9', 1 << 20));
    row.extend(b",mg/dl,01/03/2017\n");
    assert_eq!(fields(&csv_lab_row(&row)), ["value"]);
}

#[test]
fn bad_rows_are_refused_and_the_extract_read_on() {
    let dir = regressions("csv_lab_row");
    let refused = csv_lab_row(&read(&dir.join("short-row-and-bad-utf8.csv")));
    // A short row, a row not UTF-8, an unterminated quote swallowing the rest (one field).
    assert_eq!(fields(&refused), ["TEST", "line", "PATIENT"]);
    let refused = csv_lab_row(&read(&dir.join("huge-values.csv")));
    assert_eq!(fields(&refused), ["LOW", "DATE"]);
}

#[test]
fn the_fixed_mappings_load() {
    for mapping in [LAB_MAPPING, MRN_MAPPING] {
        assert!(sledger_interop::csv_in::CsvMapping::parse(mapping).is_ok());
    }
}

#[test]
fn a_byte_order_mark_and_odd_formats() {
    let dir = regressions("csv_lab_row");
    // Spreadsheet exports start with a BOM: the csv reader drops it from the header.
    assert_eq!(
        fields(&csv_lab_row(&read(&dir.join("bom-header.csv")))),
        Vec::<&str>::new()
    );
    // A date format that cannot match is a refused date, not a panic.
    assert_eq!(
        fields(&csv_lab_row(&read(&dir.join("odd-date-format.bin")))),
        ["D"]
    );
    let dir = regressions("fhir_ndjson_line");
    assert_eq!(
        fields(&fhir_ndjson_line(&read(&dir.join("bom.ndjson")))),
        ["json"]
    );
    assert_eq!(
        fields(&fhir_ndjson_line(&read(&dir.join("tiny-decimal.ndjson")))),
        ["value"]
    );
}

/// Numbers at the edges of Decimal, f64 and the integer types.
const EXTREMES: [&str; 8] = [
    "79228162514264337593543950335",
    "7.9e28",
    "-7.9e28",
    "1e-28",
    "0",
    "4294967296",
    "1e15",
    "-1",
];

/// Every way of putting one extreme number in place of one number of `value`.
fn with_extremes(value: &serde_json::Value) -> Vec<serde_json::Value> {
    use serde_json::Value;
    let mut out = Vec::new();
    match value {
        Value::Number(_) => {
            for extreme in EXTREMES {
                out.push(serde_json::from_str(extreme).expect("a JSON number"));
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                for changed in with_extremes(item) {
                    let mut copy = items.clone();
                    copy[i] = changed;
                    out.push(Value::Array(copy));
                }
            }
        }
        Value::Object(fields) => {
            for (key, field) in fields {
                for changed in with_extremes(field) {
                    let mut copy = fields.clone();
                    copy.insert(key.clone(), changed);
                    out.push(Value::Object(copy));
                }
            }
        }
        _ => {}
    }
    out
}

#[test]
fn extreme_numbers_in_every_fhir_seed_are_mapped_or_refused() {
    // Found after the first fuzz runs (docs/interop.md "Robustness"): Decimal overflow in the
    // creatinine, urine-ratio and body-height conversions of `Observation::parse`.
    for file in files(&seeds("fhir_ndjson_line")) {
        let text = read(&file);
        for line in text.split(|b| *b == b'\n').filter(|l| !l.is_empty()) {
            let resource: serde_json::Value = serde_json::from_slice(line).expect("a JSON seed");
            let mut lines = Vec::new();
            for changed in with_extremes(&resource) {
                lines.extend(serde_json::to_vec(&changed).expect("JSON"));
                lines.push(b'\n');
            }
            let result = std::panic::catch_unwind(|| fhir_ndjson_line(&lines));
            assert!(
                result.is_ok(),
                "{}: an extreme number panics",
                file.display()
            );
        }
    }
}

#[test]
fn extreme_numbers_in_every_csv_cell_are_mapped_or_refused() {
    for name in ["lab-mapping.csv", "mrn-mapping.csv"] {
        let data = read(&seeds("csv_lab_row").join(name));
        let (mode, text) = data.split_first().expect("a mode byte");
        let text = std::str::from_utf8(text).expect("UTF-8 seed");
        let mut lines = text.lines();
        let header = lines.next().expect("a header");
        for row in lines {
            let cells: Vec<&str> = row.split(',').collect();
            for i in 0..cells.len() {
                let mut input = vec![*mode];
                input.extend(format!("{header}\n").bytes());
                for extreme in EXTREMES {
                    let mut changed = cells.clone();
                    changed[i] = extreme;
                    input.extend(format!("{}\n", changed.join(",")).bytes());
                }
                let result = std::panic::catch_unwind(|| csv_lab_row(&input));
                assert!(result.is_ok(), "{name}: an extreme number panics in {row}");
            }
        }
    }
}

#[test]
fn overflowing_conversions_are_refused_naming_the_value() {
    let dir = regressions("fhir_ndjson_line");
    let refused = fhir_ndjson_line(&read(&dir.join("decimal-overflow.ndjson")));
    assert_eq!(fields(&refused), ["value", "value", "value", "value"]);
    let dir = regressions("csv_lab_row");
    let refused = csv_lab_row(&read(&dir.join("decimal-overflow.csv")));
    assert_eq!(fields(&refused), ["value", "value"]);
}

#[test]
fn catalogue_built_observations_are_mapped_or_refused() {
    use import_pipeline::fhir_fields;
    // The inputs `fhir_fields` found or that stand for its crashes, each now refused.
    for file in files(&regressions("fhir_fields")) {
        let refused = std::panic::catch_unwind(|| fhir_fields(&read(&file)))
            .unwrap_or_else(|_| panic!("{} panics", file.display()));
        assert!(!refused.is_empty(), "{}: refused", file.display());
    }
    // A fixed pseudo-random sweep (xorshift): 5,000 inputs of up to 8 Observations.
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    for _ in 0..5_000 {
        let data: Vec<u8> = (0..48)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                state.to_le_bytes()[0]
            })
            .collect();
        let result = std::panic::catch_unwind(|| fhir_fields(&data));
        assert!(result.is_ok(), "panics on {data:?}");
    }
}

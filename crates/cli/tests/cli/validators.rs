//! The outside validators of the export tests (issue #6): fhir.resources and pandas in the venv
//! `bench/.venv-interop` (crates/interop/tests/requirements.txt), xmllint with the ODM 1.3.2
//! schema in `../shared/cdisc/odm-1.3.2/`, and R's `Rscript`. Outside CI a missing validator
//! prints a SKIPPED line; in CI (`CI` set, as .ci/run runs) it fails the test.

use std::path::PathBuf;
use std::process::Command;

use crate::harness::{root, text};

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "0" && v != "false")
}

/// `Some(path)` when present; `None` after a SKIPPED line; a panic in CI.
fn required(what: &str, path: Option<PathBuf>, how: &str) -> Option<PathBuf> {
    if let Some(p) = path {
        return Some(p);
    }
    assert!(!in_ci(), "{what} is required in CI: {how}");
    eprintln!("SKIPPED validation with {what} ({how})");
    None
}

/// The venv's python with fhir.resources and pandas.
pub fn venv_python() -> Option<PathBuf> {
    let python = root().join("bench/.venv-interop/bin/python");
    required(
        "bench/.venv-interop",
        python.exists().then_some(python),
        "python3 -m venv bench/.venv-interop && bench/.venv-interop/bin/pip install -r crates/interop/tests/requirements.txt (.ci/run does)",
    )
}

/// Runs a python script of crates/interop/tests with the venv; panics with its output when it
/// fails. Returns false when the validator is absent (outside CI).
pub fn run_python(script: &str, arg: &std::path::Path) -> bool {
    let Some(python) = venv_python() else {
        return false;
    };
    let out = Command::new(python)
        .arg(root().join("crates/interop/tests").join(script))
        .arg(arg)
        .output()
        .expect("python runs");
    assert!(
        out.status.success(),
        "{script} refused the export:\n{}\n{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    true
}

/// The ODM 1.3.2 schema, resolved from the repository root (`../shared/cdisc/odm-1.3.2/`, as in
/// CI's checkout) or, for a worktree, from `/work/shared`.
fn odm_schema() -> Option<PathBuf> {
    [
        root().join("../shared/cdisc/odm-1.3.2/ODM1-3-2.xsd"),
        PathBuf::from("/work/shared/cdisc/odm-1.3.2/ODM1-3-2.xsd"),
    ]
    .into_iter()
    .find(|p| p.exists())
}

fn on_path(program: &str) -> Option<PathBuf> {
    let ok = Command::new(program)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    ok.then(|| PathBuf::from(program))
}

/// Validates an ODM file against the ODM 1.3.2 XSD with xmllint (no network); panics with
/// xmllint's report when it does not validate. False when xmllint or the schema is absent
/// (outside CI).
pub fn xmllint_odm(file: &std::path::Path) -> bool {
    let Some(schema) = required(
        "the ODM 1.3.2 schema",
        odm_schema(),
        "expected at ../shared/cdisc/odm-1.3.2/ODM1-3-2.xsd from the repository root",
    ) else {
        return false;
    };
    let Some(xmllint) = required(
        "xmllint",
        on_path("xmllint"),
        "apt-get install libxml2-utils (.ci/run does)",
    ) else {
        return false;
    };
    let out = Command::new(xmllint)
        .args(["--noout", "--nonet", "--schema"])
        .arg(schema)
        .arg(file)
        .output()
        .expect("xmllint runs");
    assert!(
        out.status.success(),
        "xmllint refused {}:\n{}",
        file.display(),
        text(&out.stderr)
    );
    true
}

/// Checks SDTM CSVs with pandas and R (validate_sdtm.py runs Rscript). False when either is
/// absent (outside CI).
pub fn pandas_and_r(dir: &std::path::Path) -> bool {
    if required(
        "Rscript",
        on_path("Rscript"),
        "apt-get install r-base-core (R is expected at /usr/bin/Rscript)",
    )
    .is_none()
    {
        return false;
    }
    run_python("validate_sdtm.py", dir)
}

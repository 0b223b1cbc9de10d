//! End-to-end tests of `sledger stats`: the real binary on the R fixtures' inputs, checking
//! the wire format (names, "Inf", null) and the values against R, and the bad-input contract.

use std::io::Write;
use std::process::{Command, Output, Stdio};

use serde_json::{Value, json};

fn sledger(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_sledger"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the sledger binary starts");
    match child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin.as_bytes())
    {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => panic!("writing stdin: {e}"),
        _ => {}
    }
    child.wait_with_output().expect("sledger exits")
}

fn run(test: &str, input: &Value) -> (Option<i32>, Vec<Value>) {
    let out = sledger(&["stats", test, "--compact"], &input.to_string());
    let results: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{test}: not JSON ({e}): {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (
        out.status.code(),
        results.as_array().expect("well-formed JSON").clone(),
    )
}

fn reference() -> Value {
    let text = include_str!("../../stats/tests/fixtures/r_reference.json");
    serde_json::from_str(text).expect("well-formed JSON")
}

/// Same number, R's way of writing it: "Inf" and null compare as such, numbers at 1e-9.
fn same(got: &Value, want: &Value) -> bool {
    match (got, want) {
        (Value::Number(g), Value::Number(w)) => {
            let (g, w) = (
                g.as_f64().expect("well-formed JSON"),
                w.as_f64().expect("well-formed JSON"),
            );
            (g - w).abs() <= 1e-9 * w.abs()
        }
        (Value::Array(g), Value::Array(w)) => {
            g.len() == w.len() && g.iter().zip(w).all(|(a, b)| same(a, b))
        }
        _ => got == want,
    }
}

#[test]
fn fisher_through_the_binary_matches_r_with_inf_as_a_string() {
    let cases = reference()["fisher"].as_array().unwrap().clone();
    let inputs: Vec<Value> = cases.iter().map(|c| json!({"table": c["table"]})).collect();
    let (code, results) = run("fisher", &Value::Array(inputs));
    assert_eq!(code, Some(0));
    assert!(results.iter().any(|r| r["conf_int"][1] == "Inf"));
    for (got, want) in results.iter().zip(&cases) {
        for key in ["p_value", "odds_ratio", "conf_int"] {
            assert!(same(&got[key], &want[key]), "{key}: {got} vs R {want}");
        }
        assert_eq!(got["test"], "fisher");
    }
}

#[test]
fn proportion_intervals_through_the_binary_match_r() {
    let cases = reference()["proportion"].as_array().unwrap().clone();
    for method in ["wilson", "clopper_pearson"] {
        let inputs: Vec<Value> = cases
            .iter()
            .map(|c| json!({"successes": c["successes"], "n": c["n"], "method": method}))
            .collect();
        let (code, results) = run("proportion-ci", &Value::Array(inputs));
        assert_eq!(code, Some(0));
        for (got, want) in results.iter().zip(&cases) {
            let limits = json!([got["lower"], got["upper"]]);
            assert!(same(&limits, &want[method]), "{method}: {got} vs R {want}");
        }
    }
}

#[test]
fn wilcoxon_through_the_binary_matches_r_and_refuses_what_r_cannot_answer() {
    for (test, key) in [
        ("wilcoxon-signed-rank", "wilcoxon_signed_rank"),
        ("wilcoxon-rank-sum", "wilcoxon_rank_sum"),
    ] {
        let cases = reference()[key].as_array().unwrap().clone();
        let inputs: Vec<Value> = cases
            .iter()
            .map(|c| json!({"x": c["x"], "y": c["y"]}))
            .collect();
        let (code, results) = run(test, &Value::Array(inputs));
        assert_eq!(code, Some(1), "{test}: one case is R's NA");
        for (got, want) in results.iter().zip(&cases) {
            if want["p_value"].is_null() {
                assert_eq!(got["error"]["field"], "x", "{test}: {got}");
                continue;
            }
            for k in ["statistic", "p_value", "exact"] {
                assert!(same(&got[k], &want[k]), "{test} {k}: {got} vs R {want}");
            }
        }
    }
}

#[test]
fn survival_through_the_binary_matches_r() {
    for case in reference()["survival"].as_array().unwrap() {
        let mut input = json!({"time": case["time"], "status": case["status"]});
        if let Some(group) = case.get("group") {
            input["group"] = group.clone();
        }
        let (code, results) = run("kaplan-meier", &input);
        assert_eq!(code, Some(0));
        let curves = results[0]["groups"].as_array().unwrap();
        for (got, want) in curves.iter().zip(case["curves"].as_array().unwrap()) {
            for k in [
                "time",
                "n_risk",
                "n_event",
                "n_censor",
                "surv",
                "std_err",
                "lower",
                "upper",
                "median",
                "median_lower",
                "median_upper",
            ] {
                assert!(same(&got[k], &want[k]), "{k}: {} vs R {}", got[k], want[k]);
            }
        }
        if let Some(want) = case.get("log_rank") {
            let (code, results) = run("log-rank", &input);
            assert_eq!(code, Some(0));
            for k in ["chisq", "df", "p_value", "observed", "expected"] {
                assert!(
                    same(&results[0][k], &want[k]),
                    "{k}: {} vs R {}",
                    results[0][k],
                    want[k]
                );
            }
        }
    }
}

#[test]
fn a_bad_slot_is_named_and_the_others_computed() {
    let (code, results) = run(
        "log-rank",
        &json!([
            {"time": [1, 2, 3, 4], "status": [1, 1, 0, 1], "group": ["a", "a", "b", "b"]},
            {"time": [1, 2], "status": [1, 1]},
            {"time": [1, 2], "status": [0, 0], "group": ["a", "b"]},
            {"time": [1, 2], "status": [1, 1], "group": ["a", "b"], "weights": [1, 1]}
        ]),
    );
    assert_eq!(code, Some(1));
    assert!(results[0]["chisq"].is_number());
    assert_eq!(results[1]["error"]["field"], "group");
    assert_eq!(results[2]["error"]["field"], "status");
    assert_eq!(results[3]["error"]["field"], "weights");
}

#[test]
fn list_and_schema_describe_every_test() {
    let out = sledger(&["stats", "--list"], "");
    let text = String::from_utf8_lossy(&out.stdout);
    for name in [
        "fisher",
        "proportion-ci",
        "proportion-difference",
        "wilcoxon-signed-rank",
        "wilcoxon-rank-sum",
        "kaplan-meier",
        "log-rank",
    ] {
        assert!(text.contains(name), "--list lacks {name}");
        let schema = sledger(&["stats", name, "--schema"], "");
        let schema: Value = serde_json::from_slice(&schema.stdout).unwrap();
        assert!(schema["input"]["properties"].is_object(), "{name}");
    }
    let unknown = sledger(&["stats", "t-test"], "{}");
    assert_eq!(unknown.status.code(), Some(2));
}

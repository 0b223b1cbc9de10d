//! End-to-end tests of `sledger power`: renal.md §7.3 reproduced through the real binary.

use std::process::{Command, Output};

use serde_json::Value;

fn sledger(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sledger"))
        .arg("power")
        .args(args)
        .output()
        .expect("the sledger binary runs")
}

fn json(args: &[&str]) -> Value {
    let mut all = args.to_vec();
    all.push("--json");
    let out = sledger(&all);
    assert!(
        out.status.success(),
        "sledger power {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("--json prints JSON")
}

/// renal.md §7.3: control, MSC, n/arm at 80 % and 90 % power, and 80 % with continuity
/// correction (two-sided α = 0.05, Fleiss).
const RENAL_7_3: &[(&str, &str, &str, u64, u64, u64)] = &[
    ("row 1", "0.20", "0.40", 82, 109, 91),
    ("row 2", "0.25", "0.45", 89, 118, 98),
    ("row 3 AURORA-size", "0.23", "0.41", 105, 140, 116),
    ("row 4 BLISS PERR-size", "0.32", "0.43", 303, 405, 321),
    ("row 5 Deng-type", "0.50", "0.75", 58, 77, 66),
    ("row 6", "0.20", "0.60", 23, 30, 28),
];

#[test]
fn renal_7_3_sample_size_table_through_the_binary() {
    for &(row, p1, p2, n80, n90, n80_cc) in RENAL_7_3 {
        let base = ["two-proportions", "--p1", p1, "--p2", p2, "--power"];
        let n = |extra: &[&str]| {
            let args: Vec<&str> = base.iter().chain(extra).copied().collect();
            json(&args)["n_per_arm"].as_u64().expect("n_per_arm")
        };
        assert_eq!(n(&["0.8"]), n80, "§7.3 {row}: 80 %");
        assert_eq!(n(&["0.9", "--alpha", "0.05"]), n90, "§7.3 {row}: 90 %");
        assert_eq!(n(&["0.8", "--continuity"]), n80_cc, "§7.3 {row}: corrected");
    }
}

#[test]
fn renal_7_3_fisher_power_through_the_binary() {
    for (p1, p2, n, want) in [
        ("0.2", "0.6", "23", 0.73),
        ("0.2", "0.6", "28", 0.82),
        ("0.2", "0.4", "82", 0.76),
        ("0.2", "0.7", "10", 0.43),
    ] {
        let power = json(&["fisher", "--p1", p1, "--p2", p2, "--n", n])["power"]
            .as_f64()
            .expect("power");
        assert_eq!(
            (power * 100.0).round() / 100.0,
            want,
            "{p1} vs {p2}, {n}/arm"
        );
    }
}

#[test]
fn text_output_starts_with_the_answer() {
    let out = sledger(&[
        "two-proportions",
        "--p1",
        "0.2",
        "--p2",
        "0.4",
        "--power",
        "0.8",
    ]);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("82 per arm"), "{text}");
    let out = sledger(&["fisher", "--p1", "0.2", "--p2", "0.6", "--n", "23"]);
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("power 0.7270"));
}

#[test]
fn simulate_is_reproducible_and_near_the_exact_power() {
    let args = [
        "simulate", "--n", "20", "--p1", "0.2", "--p2", "0.7", "--runs", "20000", "--seed", "5",
    ];
    let first = json(&args);
    assert_eq!(first, json(&args), "same seed, same result");
    let power = first["power"].as_f64().expect("power");
    let se = first["standard_error"].as_f64().expect("standard_error");
    // Exact Fisher power for 0.2 vs 0.7 with 10 per arm: 0.4256 (renal.md §7.3: 0.43).
    assert!((power - 0.4256).abs() < 4.0 * se, "{power} ± {se}");
    assert_eq!(first["n_control"], 10);
    assert_eq!(first["n_active"], 10);
}

#[test]
fn bad_arguments_name_the_flag() {
    let cases: &[(&[&str], &str)] = &[
        (
            &[
                "two-proportions",
                "--p1",
                "1.2",
                "--p2",
                "0.4",
                "--power",
                "0.8",
            ],
            "--p1",
        ),
        (
            &[
                "two-proportions",
                "--p1",
                "0.2",
                "--p2",
                "0.2",
                "--power",
                "0.8",
            ],
            "--p2",
        ),
        (
            &[
                "two-proportions",
                "--p1",
                "0.2",
                "--p2",
                "0.4",
                "--power",
                "1",
            ],
            "--power",
        ),
        (
            &[
                "two-proportions",
                "--p1",
                "0.2",
                "--p2",
                "0.4",
                "--power",
                "0.8",
                "--alpha",
                "0",
            ],
            "--alpha",
        ),
        (
            &[
                "two-proportions",
                "--p1",
                "x",
                "--p2",
                "0.4",
                "--power",
                "0.8",
            ],
            "--p1",
        ),
        (&["fisher", "--p1", "0.2", "--p2", "0.6", "--n", "0"], "--n"),
        (&["fisher", "--p1", "0.2", "--p2", "0.6"], "--n"),
        (
            &["simulate", "--n", "21", "--p1", "0.2", "--p2", "0.6"],
            "--n",
        ),
        (
            &[
                "simulate", "--n", "20", "--p1", "0.2", "--p2", "0.6", "--ratio", "2-1",
            ],
            "--ratio",
        ),
        (
            &[
                "simulate",
                "--n",
                "20",
                "--p1",
                "0.2",
                "--p2",
                "0.6",
                "--dropout",
                "1.1",
            ],
            "--dropout",
        ),
        (
            &[
                "simulate", "--n", "20", "--p1", "0.2", "--p2", "0.6", "--runs", "0",
            ],
            "--runs",
        ),
    ];
    for (args, flag) in cases {
        let out = sledger(args);
        assert!(!out.status.success(), "{args:?} was accepted");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(flag), "{args:?}: {err}");
        assert!(out.stdout.is_empty(), "{args:?} printed a result");
    }
}

//! Every statistic against the values R itself computes (tests/fixtures/r_reference.json,
//! written by make_fixtures.R with R's defaults), at 1e-9 relative.

use serde_json::Value;
use sledger_stats::fisher_exact_test;
use sledger_stats::interval::{Proportion, clopper_pearson, newcombe_hybrid_score, wilson};
use sledger_stats::survival::{Status, SurvivalSample, kaplan_meier, log_rank};
use sledger_stats::wilcoxon::{Method, WilcoxonTest, wilcoxon_rank_sum, wilcoxon_signed_rank};

const RELATIVE: f64 = 1e-9;

fn reference() -> Value {
    serde_json::from_str(include_str!("fixtures/r_reference.json"))
        .expect("the fixture has this shape")
}

/// R's value: a number, "Inf" / "-Inf", or null for NA.
fn r_number(v: &Value) -> Option<f64> {
    match v {
        Value::Null => None,
        Value::String(s) if s == "Inf" => Some(f64::INFINITY),
        Value::String(s) if s == "-Inf" => Some(f64::NEG_INFINITY),
        other => Some(other.as_f64().expect("the fixture has this shape")),
    }
}

fn numbers(v: &Value) -> Vec<f64> {
    v.as_array()
        .expect("the fixture has this shape")
        .iter()
        .map(|x| r_number(x).expect("the fixture has this shape"))
        .collect()
}

fn assert_close(what: &str, got: f64, want: f64) {
    let ok = if want.is_infinite() {
        got == want
    } else {
        (got - want).abs() <= RELATIVE * want.abs()
    };
    assert!(ok, "{what}: sledger {got:e}, R {want:e}");
}

fn assert_close_opt(what: &str, got: Option<f64>, want: Option<f64>) {
    match (got, want) {
        (Some(g), Some(w)) => assert_close(what, g, w),
        (None, None) => {}
        _ => panic!("{what}: sledger {got:?}, R {want:?}"),
    }
}

#[test]
fn fisher_matches_r() {
    let cases = reference()["fisher"].as_array().unwrap().clone();
    assert!(cases.len() >= 30);
    for case in cases {
        let t: Vec<Vec<u64>> = serde_json::from_value(case["table"].clone()).unwrap();
        let label = format!("fisher {t:?}");
        let got = fisher_exact_test([[t[0][0], t[0][1]], [t[1][0], t[1][1]]]).unwrap();
        assert_close(
            &format!("{label} p"),
            got.p_value,
            r_number(&case["p_value"]).unwrap(),
        );
        assert_close(
            &format!("{label} OR"),
            got.odds_ratio,
            r_number(&case["odds_ratio"]).unwrap(),
        );
        let ci = numbers(&case["conf_int"]);
        assert_close(&format!("{label} lower"), got.conf_int.0, ci[0]);
        assert_close(&format!("{label} upper"), got.conf_int.1, ci[1]);
    }
}

#[test]
fn proportion_intervals_match_r() {
    for case in reference()["proportion"].as_array().unwrap() {
        let (x, n) = (
            case["successes"].as_u64().unwrap(),
            case["n"].as_u64().unwrap(),
        );
        let p = Proportion::new(x, n).unwrap();
        for (name, ci) in [
            ("wilson", wilson(p)),
            ("clopper_pearson", clopper_pearson(p).unwrap()),
        ] {
            let want = numbers(&case[name]);
            assert_close(&format!("{name} {x}/{n} lower"), ci.lower, want[0]);
            assert_close(&format!("{name} {x}/{n} upper"), ci.upper, want[1]);
        }
    }
}

#[test]
fn newcombe_matches_the_formula_on_r_limits() {
    for case in reference()["newcombe"].as_array().unwrap() {
        let parse = |v: &Value| {
            Proportion::new(v["successes"].as_u64().unwrap(), v["n"].as_u64().unwrap()).unwrap()
        };
        let (a, b) = (parse(&case["first"]), parse(&case["second"]));
        let ci = newcombe_hybrid_score(a, b);
        let want = numbers(&case["conf_int"]);
        let label = format!("newcombe {a:?} {b:?}");
        // A limit of exactly 0 (0/n vs 0/m) compares absolutely.
        for (got, want) in [(ci.lower, want[0]), (ci.upper, want[1])] {
            if want == 0.0 {
                assert!(got.abs() < 1e-15, "{label}: {got} vs 0");
            } else {
                assert_close(&label, got, want);
            }
        }
    }
}

fn check_wilcoxon(
    name: &str,
    test: fn(&[f64], &[f64]) -> Result<WilcoxonTest, sledger_stats::ParameterError>,
) {
    for case in reference()[name]
        .as_array()
        .expect("the fixture has this shape")
    {
        let (x, y) = (numbers(&case["x"]), numbers(&case["y"]));
        let label = format!("{name} x = {x:?}");
        match r_number(&case["p_value"]) {
            // R answers NA (all differences zero, all values tied): we refuse with an error.
            None => assert!(
                test(&x, &y).is_err(),
                "{label}: R gives NA, sledger answered"
            ),
            Some(p) => {
                let got = test(&x, &y).expect("the fixture has this shape");
                assert_close(
                    &format!("{label} statistic"),
                    got.statistic,
                    r_number(&case["statistic"]).expect("the fixture has this shape"),
                );
                assert_close(&format!("{label} p"), got.p_value, p);
                let exact = case["exact"].as_bool().expect("the fixture has this shape");
                assert_eq!(got.method == Method::Exact, exact, "{label} exact");
            }
        }
    }
}

#[test]
fn wilcoxon_signed_rank_matches_r() {
    check_wilcoxon("wilcoxon_signed_rank", wilcoxon_signed_rank);
}

#[test]
fn wilcoxon_rank_sum_matches_r() {
    check_wilcoxon("wilcoxon_rank_sum", wilcoxon_rank_sum);
}

#[test]
fn kaplan_meier_and_log_rank_match_r() {
    let cases = reference()["survival"].as_array().unwrap().clone();
    for (i, case) in cases.iter().enumerate() {
        let time = numbers(&case["time"]);
        let status: Vec<Status> = numbers(&case["status"])
            .iter()
            .map(|&s| {
                if s == 1.0 {
                    Status::Event
                } else {
                    Status::Censored
                }
            })
            .collect();
        let group: Vec<u32> = case
            .get("group")
            .map(|g| numbers(g).iter().map(|&v| v as u32).collect())
            .unwrap_or_default();
        let sample = SurvivalSample::new(&time, &status, &group).unwrap();
        let curves = kaplan_meier(&sample);
        let want_curves = case["curves"].as_array().unwrap();
        assert_eq!(curves.len(), want_curves.len(), "case {i}");
        for (g, (got, want)) in curves.iter().zip(want_curves).enumerate() {
            let label = format!("survival case {i} group {g}");
            assert_eq!(got.time, numbers(&want["time"]), "{label} time");
            let counts = |v: &Value| numbers(v).iter().map(|&c| c as u64).collect::<Vec<_>>();
            assert_eq!(got.n_risk, counts(&want["n_risk"]), "{label} n_risk");
            assert_eq!(got.n_event, counts(&want["n_event"]), "{label} n_event");
            assert_eq!(got.n_censor, counts(&want["n_censor"]), "{label} n_censor");
            for (row, s) in numbers(&want["surv"]).iter().enumerate() {
                let got_s = got.surv[row];
                if *s == 0.0 {
                    assert_eq!(got_s, 0.0, "{label} surv[{row}]");
                } else {
                    assert_close(&format!("{label} surv[{row}]"), got_s, *s);
                }
            }
            for (row, se) in numbers(&want["std_err"]).iter().enumerate() {
                if *se == 0.0 {
                    assert_eq!(got.std_err[row], 0.0, "{label} std_err[{row}]");
                } else {
                    assert_close(&format!("{label} std_err[{row}]"), got.std_err[row], *se);
                }
            }
            for (name, values) in [("lower", &got.lower), ("upper", &got.upper)] {
                let want_band: Vec<Option<f64>> = want[name]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(r_number)
                    .collect();
                assert_eq!(values.len(), want_band.len());
                for (row, (g, w)) in values.iter().zip(want_band).enumerate() {
                    assert_close_opt(&format!("{label} {name}[{row}]"), *g, w);
                }
            }
            assert_close_opt(
                &format!("{label} median"),
                got.median.median,
                r_number(&want["median"]),
            );
            assert_close_opt(
                &format!("{label} median lower"),
                got.median.lower,
                r_number(&want["median_lower"]),
            );
            assert_close_opt(
                &format!("{label} median upper"),
                got.median.upper,
                r_number(&want["median_upper"]),
            );
        }
        if let Some(want) = case.get("log_rank") {
            let label = format!("log-rank case {i}");
            let got = log_rank(&sample).unwrap();
            assert_close(
                &format!("{label} chisq"),
                got.chisq,
                r_number(&want["chisq"]).unwrap(),
            );
            assert_eq!(
                f64::from(got.df),
                r_number(&want["df"]).unwrap(),
                "{label} df"
            );
            assert_close(
                &format!("{label} p"),
                got.p_value,
                r_number(&want["p_value"]).unwrap(),
            );
            assert_eq!(got.observed, numbers(&want["observed"]), "{label} observed");
            for (g, (e, w)) in got
                .expected
                .iter()
                .zip(numbers(&want["expected"]))
                .enumerate()
            {
                if w == 0.0 {
                    assert_eq!(*e, 0.0, "{label} expected[{g}]");
                } else {
                    assert_close(&format!("{label} expected[{g}]"), *e, w);
                }
            }
        }
    }
}

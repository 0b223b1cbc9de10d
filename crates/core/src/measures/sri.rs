//! SLE Responder Index (SRI-n) and the BILAG-free modified SRI (mSRI-n) against baseline
//! (sle-activity §3; README erratum 13).
//!
//! Furie RA, Petri MA, Wallace DJ, et al. *Novel evidence-based systemic lupus erythematosus
//! responder index.* Arthritis Rheum 2009;61:1143–1151 (SRI). Connelly K, Kandane-Rathnayake R,
//! Hoi A, et al. *Association of modified SLE Responder Index attainment with long-term
//! clinical outcomes.* Arthritis Rheumatol 2023 (mSRI: the BILAG component dropped).
//!
//! This platform scores the SLEDAI component with SLEDAI-2K (§3.1 item 1), so the outputs are
//! labelled SRI(SLEDAI-2K). The true SRI needs BILAG-2004; without it SRI is `not_evaluable`
//! (reason `bilag_not_captured`) unless the SLEDAI/PGA part already fails, in which case it is
//! FALSE (erratum 13). mSRI is always reported separately and never relabelled as SRI (§3.2).

use serde::{Deserialize, Serialize};

use crate::config::{MeasureConfig, SriWithoutBilag};
use crate::measures::pga::Pga;
use crate::measures::sledai_flare::ScoreBounds;
use crate::{Status, Tri};

/// The nine BILAG-2004 organ domains (sle-activity §3.3); input keys `bilag_<domain>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum BilagDomain {
    Constitutional,
    Mucocutaneous,
    Neuropsychiatric,
    Musculoskeletal,
    Cardiorespiratory,
    Gastrointestinal,
    Ophthalmic,
    Renal,
    Haematological,
}

impl BilagDomain {
    /// All domains in the order of §3.3.
    pub const ALL: [BilagDomain; 9] = [
        BilagDomain::Constitutional,
        BilagDomain::Mucocutaneous,
        BilagDomain::Neuropsychiatric,
        BilagDomain::Musculoskeletal,
        BilagDomain::Cardiorespiratory,
        BilagDomain::Gastrointestinal,
        BilagDomain::Ophthalmic,
        BilagDomain::Renal,
        BilagDomain::Haematological,
    ];

    /// The input key, `bilag_<domain>` (sle-activity §9.4).
    pub const fn field(self) -> &'static str {
        match self {
            BilagDomain::Constitutional => "bilag_constitutional",
            BilagDomain::Mucocutaneous => "bilag_mucocutaneous",
            BilagDomain::Neuropsychiatric => "bilag_neuropsychiatric",
            BilagDomain::Musculoskeletal => "bilag_musculoskeletal",
            BilagDomain::Cardiorespiratory => "bilag_cardiorespiratory",
            BilagDomain::Gastrointestinal => "bilag_gastrointestinal",
            BilagDomain::Ophthalmic => "bilag_ophthalmic",
            BilagDomain::Renal => "bilag_renal",
            BilagDomain::Haematological => "bilag_haematological",
        }
    }
}

/// A BILAG-2004 domain grade (A most active … E never involved); `None` in a
/// [`BilagGrades`] slot means not assessed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
pub enum BilagGrade {
    A,
    B,
    C,
    D,
    E,
}

/// The grades of one visit, indexed like [`BilagDomain::ALL`]; `None` = not assessed.
pub type BilagGrades = [Option<BilagGrade>; 9];

/// What the SRI needs from one visit (sle-activity §3.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SriVisit {
    /// SLEDAI-2K with bounds.
    pub sledai: ScoreBounds,
    pub pga: Option<Pga>,
    pub bilag: BilagGrades,
    /// Per SLEDAI organ system (§0.5, `OrganSystem::ALL` order): any descriptor scored.
    /// Used only by the exploratory `msri_plus_no_new_organ` surrogate (§3.2).
    pub organs_active: [Tri; 9],
}

/// Which index a result is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SriIndex {
    /// SRI-n with BILAG (Furie 2009).
    Sri,
    /// mSRI-n: SLEDAI-2K and PGA only (Connelly 2023).
    Msri,
    /// mSRI-n plus no newly scored SLEDAI organ system: exploratory, not validated (§3.2 [C]).
    MsriNoNewOrgan,
}

/// The components of §3.1, each TRUE / FALSE / UNKNOWN; `None` when the index does not use it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct SriComponents {
    /// §3.1 item 1: SLEDAI-2K reduction ≥ n.
    pub sledai_reduction: Tri,
    /// §3.1 item 2: no new BILAG A and at most one new BILAG B (SRI only).
    pub no_new_bilag_a_and_le_1_new_b: Option<Tri>,
    /// §3.1 item 3: PGA increase < 0.30.
    pub no_pga_worsening: Tri,
    /// §3.2: no SLEDAI organ system scored now that was unscored at baseline (surrogate only).
    pub no_new_organ_system: Option<Tri>,
    /// §3.2: no protocol treatment failure (`treatment_failure` forces non-response).
    pub no_treatment_failure: Tri,
}

/// One responder index at one visit (sle-activity §3.4 step 5, §10 `sri`/`msri`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SriResult {
    pub index: SriIndex,
    /// n of SRI-n (`sri_sledai_delta`, 4–8).
    pub n: u8,
    /// TRUE responder, FALSE non-responder, UNKNOWN undecided.
    pub responder: Tri,
    pub components: SriComponents,
    pub status: Status,
    /// A stable code explaining a non-complete status: `bilag_not_captured`,
    /// `baseline_sledai_below_n`, `baseline_visit`.
    pub reason: Option<&'static str>,
}

impl SriResult {
    /// The output label: `sri4`, `msri4`, `msri4_no_new_organ` (§3.2: never relabel mSRI).
    pub fn label(&self) -> String {
        match self.index {
            SriIndex::Sri => format!("sri{}", self.n),
            SriIndex::Msri => format!("msri{}", self.n),
            SriIndex::MsriNoNewOrgan => format!("msri{}_no_new_organ", self.n),
        }
    }
}

/// SRI, mSRI and (when configured) the no-new-organ surrogate at one visit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SriOutcome {
    pub sri: SriResult,
    pub msri: SriResult,
    /// Present only with `sri_variant_without_bilag = msri_plus_no_new_organ`.
    pub msri_no_new_organ: Option<SriResult>,
}

/// Reason: BILAG was not captured at either visit (§3.2).
pub const BILAG_NOT_CAPTURED: &str = "bilag_not_captured";
/// Reason: baseline SLEDAI-2K upper bound below n, a fall of n is impossible (§3.4 step 1).
pub const BASELINE_BELOW_N: &str = "baseline_sledai_below_n";
/// Reason: the visit is the baseline itself.
pub const BASELINE_VISIT: &str = "baseline_visit";
/// Field-name prefix of baseline inputs in `missing` lists.
pub const BASELINE: &str = "baseline_visit.";

/// Every index `not_applicable` with `reason` (the baseline row, or a baseline below n).
pub fn not_applicable(config: &MeasureConfig, reason: &'static str) -> SriOutcome {
    let result = |index| SriResult {
        index,
        n: config.sri_sledai_delta,
        responder: Tri::Unknown,
        components: SriComponents {
            sledai_reduction: Tri::Unknown,
            no_new_bilag_a_and_le_1_new_b: None,
            no_pga_worsening: Tri::Unknown,
            no_new_organ_system: None,
            no_treatment_failure: Tri::Unknown,
        },
        status: Status::not_applicable(reason),
        reason: Some(reason),
    };
    SriOutcome {
        sri: result(SriIndex::Sri),
        msri: result(SriIndex::Msri),
        msri_no_new_organ: (config.sri_variant_without_bilag
            == SriWithoutBilag::MsriPlusNoNewOrgan)
            .then(|| result(SriIndex::MsriNoNewOrgan)),
    }
}

/// §3.1 item 2 with the §3.1 [C] reading of "new": A now and not A at baseline; B now and C, D
/// or E at baseline. Unassessed domains decide nothing unless the known ones already fail.
fn bilag_component(baseline: &BilagGrades, current: &BilagGrades) -> Tri {
    use BilagGrade::*;
    let (mut new_a, mut maybe_a, mut new_b, mut maybe_b) = (0u8, 0u8, 0u8, 0u8);
    for (b, c) in baseline.iter().zip(current) {
        match (b, c) {
            (Some(b), Some(c)) => {
                new_a += u8::from(*c == A && *b != A);
                new_b += u8::from(*c == B && matches!(b, C | D | E));
            }
            (None, Some(A)) => maybe_a += 1,
            (None, Some(B)) => maybe_b += 1,
            (Some(b), None) => {
                maybe_a += u8::from(*b != A);
                maybe_b += u8::from(matches!(b, C | D | E));
            }
            (None, None) => {
                maybe_a += 1;
                maybe_b += 1;
            }
            (None, Some(_)) => {}
        }
    }
    if new_a > 0 || new_b >= 2 {
        Tri::False
    } else if maybe_a == 0 && new_b + maybe_b <= 1 {
        Tri::True
    } else {
        Tri::Unknown
    }
}

/// §3.2 surrogate: an organ system scored now (TRUE) that was unscored at baseline (FALSE).
fn no_new_organ_system(baseline: &[Tri; 9], current: &[Tri; 9]) -> Tri {
    Tri::any(baseline.iter().zip(current).map(|(b, c)| c.and(b.not()))).not()
}

/// A component's value and the function naming its missing inputs.
type MissingInputs<'a> = (Tri, &'a dyn Fn(&mut Vec<String>));

/// Compares a follow-up visit with baseline (sle-activity §3.4).
///
/// `treatment_failure` is the protocol's forced non-response (§3.2); `sledai_missing` names
/// the descriptors that widen either visit's SLEDAI-2K bounds (asked for only if needed).
pub fn sri(
    baseline: &SriVisit,
    current: &SriVisit,
    treatment_failure: Option<bool>,
    config: &MeasureConfig,
    sledai_missing: impl Fn() -> Vec<String>,
) -> SriOutcome {
    let n = config.sri_sledai_delta;
    // §3.4 step 1: a fall of n from a baseline whose upper bound is below n is impossible.
    if baseline.sledai.upper < n {
        return not_applicable(config, BASELINE_BELOW_N);
    }
    // §3.4 step 2: reduction ≥ n under bounds.
    let reduction = ScoreBounds::rise_at_least(current.sledai, baseline.sledai, i32::from(n));
    // §3.4 step 3 (hundredths): `cur − base < 30`; an improvement satisfies it (§3.5).
    let pga = match (baseline.pga, current.pga) {
        (Some(b), Some(c)) => Tri::from(!c.sri_worsening_from(b)),
        _ => Tri::Unknown,
    };
    let no_failure = Tri::from_option(treatment_failure).not();
    let bilag_captured = baseline
        .bilag
        .iter()
        .chain(&current.bilag)
        .any(Option::is_some);
    let bilag = bilag_component(&baseline.bilag, &current.bilag);
    let missing = |components: &[MissingInputs<'_>]| {
        let mut out = Vec::new();
        for (value, add) in components {
            if *value == Tri::Unknown {
                add(&mut out);
            }
        }
        out
    };
    let add_sledai = |out: &mut Vec<String>| out.extend(sledai_missing());
    let add_pga = |out: &mut Vec<String>| {
        if baseline.pga.is_none() {
            out.push(format!("{BASELINE}pga_hundredths"));
        }
        if current.pga.is_none() {
            out.push("pga_hundredths".to_owned());
        }
    };
    let add_failure = |out: &mut Vec<String>| out.push("treatment_failure".to_owned());
    let add_bilag = |out: &mut Vec<String>| {
        for (i, d) in BilagDomain::ALL.into_iter().enumerate() {
            if !bilag_captured || current.bilag[i].is_none() {
                out.push(d.field().to_owned());
            }
            if bilag_captured && baseline.bilag[i].is_none() {
                out.push(format!("{BASELINE}{}", d.field()));
            }
        }
    };
    let shape = |index, responder: Tri, components, unknown: Vec<String>, reason| SriResult {
        index,
        n,
        responder,
        components,
        status: if responder == Tri::Unknown {
            Status::not_evaluable(unknown)
        } else {
            Status::Complete
        },
        reason: if responder == Tri::Unknown {
            reason
        } else {
            None
        },
    };

    // §3.4 step 5: SRI = AND(1, 2, 3); mSRI = AND(1, 3); treatment failure forces FALSE.
    let sri_value = Tri::all([reduction, bilag, pga, no_failure]);
    let sri = shape(
        SriIndex::Sri,
        sri_value,
        SriComponents {
            sledai_reduction: reduction,
            no_new_bilag_a_and_le_1_new_b: Some(bilag),
            no_pga_worsening: pga,
            no_new_organ_system: None,
            no_treatment_failure: no_failure,
        },
        if sri_value == Tri::Unknown {
            missing(&[
                (reduction, &add_sledai),
                (bilag, &add_bilag),
                (pga, &add_pga),
                (no_failure, &add_failure),
            ])
        } else {
            Vec::new()
        },
        (!bilag_captured && bilag == Tri::Unknown).then_some(BILAG_NOT_CAPTURED),
    );
    let msri_value = Tri::all([reduction, pga, no_failure]);
    let msri_missing = || {
        missing(&[
            (reduction, &add_sledai),
            (pga, &add_pga),
            (no_failure, &add_failure),
        ])
    };
    let msri = shape(
        SriIndex::Msri,
        msri_value,
        SriComponents {
            sledai_reduction: reduction,
            no_new_bilag_a_and_le_1_new_b: None,
            no_pga_worsening: pga,
            no_new_organ_system: None,
            no_treatment_failure: no_failure,
        },
        if msri_value == Tri::Unknown {
            msri_missing()
        } else {
            Vec::new()
        },
        None,
    );
    let msri_no_new_organ =
        (config.sri_variant_without_bilag == SriWithoutBilag::MsriPlusNoNewOrgan).then(|| {
            let organ = no_new_organ_system(&baseline.organs_active, &current.organs_active);
            let value = msri_value.and(organ);
            shape(
                SriIndex::MsriNoNewOrgan,
                value,
                SriComponents {
                    sledai_reduction: reduction,
                    no_new_bilag_a_and_le_1_new_b: None,
                    no_pga_worsening: pga,
                    no_new_organ_system: Some(organ),
                    no_treatment_failure: no_failure,
                },
                if value == Tri::Unknown {
                    let mut m = msri_missing();
                    if organ == Tri::Unknown {
                        add_sledai(&mut m);
                        m.dedup();
                    }
                    m
                } else {
                    Vec::new()
                },
                None,
            )
        });
    SriOutcome {
        sri,
        msri,
        msri_no_new_organ,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use BilagGrade::*;

    fn pga(h: u16) -> Option<Pga> {
        Some(Pga::from_hundredths(h).expect("test PGA in range"))
    }

    const RENAL: usize = 7;
    const HAEM: usize = 8;
    const MSK: usize = 3;
    const MUCO: usize = 1;

    /// The §3.6 premise: baseline SLEDAI-2K 12, PGA 1.80; BILAG everything E except renal C.
    fn baseline() -> SriVisit {
        let mut bilag = [Some(E); 9];
        bilag[RENAL] = Some(C);
        SriVisit {
            sledai: ScoreBounds::exact(12),
            pga: pga(180),
            bilag,
            organs_active: [Tri::False; 9],
        }
    }

    /// R1's follow-up: SLEDAI 8, PGA 2.00, one new BILAG B (renal C → B).
    fn r1() -> SriVisit {
        let mut bilag = [Some(E); 9];
        bilag[RENAL] = Some(B);
        SriVisit {
            sledai: ScoreBounds::exact(8),
            pga: pga(200),
            bilag,
            organs_active: [Tri::False; 9],
        }
    }

    fn run(base: &SriVisit, cur: &SriVisit, config: &MeasureConfig) -> SriOutcome {
        sri(base, cur, Some(false), config, || {
            vec!["sledai_rash".to_owned()]
        })
    }

    fn sri_n(n: u8) -> MeasureConfig {
        MeasureConfig {
            sri_sledai_delta: n,
            ..MeasureConfig::default()
        }
    }

    /// R1–R10 (sle-activity §3.6): (row, baseline, follow-up, n, SRI, mSRI).
    #[test]
    fn sri_vectors() {
        type Edit = fn(&mut SriVisit, &mut SriVisit);
        let rows: [(&str, Edit, u8, Tri, Tri); 12] = [
            ("R1 SRI-4", |_, _| {}, 4, Tri::True, Tri::True),
            ("R1 SRI-5", |_, _| {}, 5, Tri::False, Tri::False),
            (
                "R2 PGA +0.30",
                |_, c| c.pga = pga(210),
                4,
                Tri::False,
                Tri::False,
            ),
            (
                "R2 boundary PGA +0.29",
                |_, c| c.pga = pga(209),
                4,
                Tri::True,
                Tri::True,
            ),
            (
                "R3 SLEDAI 9 (Δ 3), PGA 1.80",
                |_, c| {
                    c.sledai = ScoreBounds::exact(9);
                    c.pga = pga(180);
                },
                4,
                Tri::False,
                Tri::False,
            ),
            (
                "R4 one new BILAG A",
                |_, c| c.bilag[HAEM] = Some(A),
                4,
                Tri::False,
                Tri::True,
            ),
            (
                "R5 two new BILAG B",
                |_, c| c.bilag[HAEM] = Some(B),
                4,
                Tri::False,
                Tri::True,
            ),
            (
                "R8 SLEDAI 2, PGA 0.50 SRI-4",
                |_, c| {
                    c.sledai = ScoreBounds::exact(2);
                    c.pga = pga(50);
                    c.bilag = [Some(E); 9];
                },
                4,
                Tri::True,
                Tri::True,
            ),
            (
                "R8 SRI-8",
                |_, c| {
                    c.sledai = ScoreBounds::exact(2);
                    c.pga = pga(50);
                    c.bilag = [Some(E); 9];
                },
                8,
                Tri::True,
                Tri::True,
            ),
            (
                "R9 new B renal and haem",
                |b, c| {
                    b.bilag = [Some(E); 9];
                    b.bilag[MSK] = Some(B);
                    b.bilag[MUCO] = Some(B);
                    b.bilag[RENAL] = Some(D);
                    b.bilag[HAEM] = Some(C);
                    c.bilag = [Some(E); 9];
                    c.bilag[MSK] = Some(C);
                    c.bilag[MUCO] = Some(D);
                    c.bilag[RENAL] = Some(B);
                    c.bilag[HAEM] = Some(B);
                    c.sledai = ScoreBounds::exact(6);
                    c.pga = pga(100);
                },
                4,
                Tri::False,
                Tri::True,
            ),
            (
                "R10 baseline [10,12], follow-up 4",
                |b, c| {
                    b.sledai = ScoreBounds {
                        lower: 10,
                        upper: 12,
                    };
                    c.sledai = ScoreBounds::exact(4);
                },
                4,
                Tri::True,
                Tri::True,
            ),
            (
                "R10 variant baseline [6,12], follow-up 4: undecided",
                |b, c| {
                    b.sledai = ScoreBounds {
                        lower: 6,
                        upper: 12,
                    };
                    c.sledai = ScoreBounds::exact(4);
                },
                6,
                Tri::Unknown,
                Tri::Unknown,
            ),
        ];
        for (name, edit, n, sri_expected, msri_expected) in rows {
            let (mut b, mut c) = (baseline(), r1());
            edit(&mut b, &mut c);
            let out = run(&b, &c, &sri_n(n));
            assert_eq!(out.sri.responder, sri_expected, "{name} SRI");
            assert_eq!(out.msri.responder, msri_expected, "{name} mSRI");
            assert_eq!(out.sri.n, n, "{name}");
            assert_eq!(out.msri.label(), format!("msri{n}"), "{name}");
        }
    }

    #[test]
    fn r6_without_bilag_sri_not_evaluable_msri_responder() {
        let (mut b, mut c) = (baseline(), r1());
        b.bilag = [None; 9];
        c.bilag = [None; 9];
        let out = run(&b, &c, &MeasureConfig::default());
        assert_eq!(out.sri.responder, Tri::Unknown, "R6");
        assert_eq!(out.sri.status.code(), "not_evaluable");
        assert_eq!(out.sri.reason, Some(BILAG_NOT_CAPTURED));
        assert_eq!(out.sri.status.missing().len(), 9);
        assert_eq!(out.msri.responder, Tri::True);
        assert_eq!(out.msri.status, Status::Complete);
        assert_eq!(out.sri.label(), "sri4");
    }

    #[test]
    fn erratum_13_sri_without_bilag_is_false_when_sledai_or_pga_fails() {
        let (mut b, mut c) = (baseline(), r1());
        b.bilag = [None; 9];
        c.bilag = [None; 9];
        c.pga = pga(210);
        let out = run(&b, &c, &MeasureConfig::default());
        assert_eq!(out.sri.responder, Tri::False);
        assert_eq!(out.sri.status, Status::Complete);
        assert_eq!(out.sri.reason, None);
    }

    #[test]
    fn r7_baseline_below_n_is_not_applicable() {
        let (mut b, c) = (baseline(), r1());
        b.sledai = ScoreBounds::exact(3);
        let out = run(&b, &c, &MeasureConfig::default());
        assert_eq!(
            out.sri.status,
            Status::not_applicable(BASELINE_BELOW_N),
            "R7"
        );
        assert_eq!(
            out.msri.status,
            Status::not_applicable(BASELINE_BELOW_N),
            "R7"
        );
        // Boundary: baseline exactly 4 is applicable; upper bound 4 with lower 2 also.
        b.sledai = ScoreBounds { lower: 2, upper: 4 };
        assert_eq!(
            run(&b, &c, &MeasureConfig::default()).sri.status.code(),
            "complete"
        );
    }

    #[test]
    fn treatment_failure_forces_non_response() {
        let (b, c) = (baseline(), r1());
        let out = sri(&b, &c, Some(true), &MeasureConfig::default(), Vec::new);
        assert_eq!(out.sri.responder, Tri::False);
        assert_eq!(out.msri.responder, Tri::False);
        let out = sri(&b, &c, None, &MeasureConfig::default(), Vec::new);
        assert_eq!(out.msri.responder, Tri::Unknown);
        assert_eq!(
            out.msri.status,
            Status::not_evaluable(["treatment_failure"])
        );
    }

    #[test]
    fn missing_pga_is_not_evaluable_unless_sledai_fails() {
        let (b, mut c) = (baseline(), r1());
        c.pga = None;
        let out = run(&b, &c, &MeasureConfig::default());
        assert_eq!(out.msri.status, Status::not_evaluable(["pga_hundredths"]));
        c.sledai = ScoreBounds::exact(10);
        assert_eq!(
            run(&b, &c, &MeasureConfig::default()).msri.responder,
            Tri::False
        );
    }

    #[test]
    fn no_new_organ_surrogate_only_when_configured() {
        let (b, mut c) = (baseline(), r1());
        assert!(
            run(&b, &c, &MeasureConfig::default())
                .msri_no_new_organ
                .is_none()
        );
        let config = MeasureConfig {
            sri_variant_without_bilag: SriWithoutBilag::MsriPlusNoNewOrgan,
            ..MeasureConfig::default()
        };
        let out = run(&b, &c, &config);
        assert_eq!(
            out.msri_no_new_organ.as_ref().map(|r| r.responder),
            Some(Tri::True)
        );
        c.organs_active[2] = Tri::True;
        let out = run(&b, &c, &config);
        let surrogate = out.msri_no_new_organ.expect("configured");
        assert_eq!(surrogate.responder, Tri::False);
        assert_eq!(surrogate.label(), "msri4_no_new_organ");
        assert_eq!(out.msri.responder, Tri::True, "mSRI itself unaffected");
    }

    #[test]
    fn partial_bilag_decides_when_a_known_domain_fails() {
        let (b, mut c) = (baseline(), r1());
        c.bilag[0] = None;
        assert_eq!(
            run(&b, &c, &MeasureConfig::default()).sri.responder,
            Tri::Unknown
        );
        c.bilag[HAEM] = Some(A);
        assert_eq!(
            run(&b, &c, &MeasureConfig::default()).sri.responder,
            Tri::False
        );
    }
}

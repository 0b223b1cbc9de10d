//! ISN/RPS lupus nephritis class as entered by the pathologist, and its consistency checks
//! (renal.md §5.1).
//!
//! Weening JJ, D'Agati VD, Schwartz MM, et al. The classification of glomerulonephritis in
//! systemic lupus erythematosus revisited. J Am Soc Nephrol 2004;15:241-250 ("ISN/RPS 2003");
//! Bajema IM et al. Kidney Int 2018;93:789-796 (2018 revision: drops IV-S/IV-G and the A, A/C,
//! C qualifiers in favour of the modified NIH indices). The class is recorded as entered; the
//! validator only warns, it never blocks entry.

use std::fmt;

use serde::Serialize;

use crate::InputError;
use crate::measures::nih_indices::Extent;

/// The six ISN/RPS classes (renal.md §5.1 table).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, schemars::JsonSchema,
)]
pub enum LnClass {
    /// Minimal mesangial LN.
    I,
    /// Mesangial proliferative LN.
    II,
    /// Focal LN: endo-/extracapillary GN in < 50 % of glomeruli.
    III,
    /// Diffuse LN: the same lesions in ≥ 50 % of glomeruli.
    IV,
    /// Membranous LN.
    V,
    /// Advanced sclerosing LN: ≥ 90 % of glomeruli globally sclerosed, no residual activity.
    VI,
}

impl LnClass {
    fn parse(text: &str) -> Option<LnClass> {
        Some(match text {
            "I" => LnClass::I,
            "II" => LnClass::II,
            "III" => LnClass::III,
            "IV" => LnClass::IV,
            "V" => LnClass::V,
            "VI" => LnClass::VI,
            _ => return None,
        })
    }

    const fn roman(self) -> &'static str {
        match self {
            LnClass::I => "I",
            LnClass::II => "II",
            LnClass::III => "III",
            LnClass::IV => "IV",
            LnClass::V => "V",
            LnClass::VI => "VI",
        }
    }
}

/// ISN/RPS 2003 subdivision of class IV (dropped in 2018; accepted for historical records).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, schemars::JsonSchema)]
pub enum ClassIvSubdivision {
    /// IV-S: diffuse segmental.
    Segmental,
    /// IV-G: diffuse global.
    Global,
}

/// ISN/RPS 2003 activity qualifier of class III / IV (replaced in 2018 by the NIH indices).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, schemars::JsonSchema)]
pub enum ActivityQualifier {
    /// (A) active lesions.
    Active,
    /// (A/C) active and chronic lesions.
    ActiveAndChronic,
    /// (C) chronic inactive lesions.
    Chronic,
}

/// Whether a class V (membranous) lesion is recorded together with another class.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, schemars::JsonSchema)]
pub enum Membranous {
    /// No class V component beyond `class` itself.
    NotCombined,
    /// "+ V" (e.g. "III + V", "IV + V").
    CombinedWithV,
}

/// A recorded ISN/RPS class such as `IV-G (A/C) + V`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct IsnRpsClass {
    pub class: LnClass,
    pub subdivision: Option<ClassIvSubdivision>,
    pub qualifier: Option<ActivityQualifier>,
    pub membranous: Membranous,
}

impl IsnRpsClass {
    /// Parses a class as pathologists write it: a roman numeral I–VI, for class IV optionally
    /// `-S` / `-G`, for III / IV optionally `(A)`, `(A/C)` or `(C)`, optionally `+ V` (either
    /// order); spaces, case and a leading "class" are ignored. Anything else is refused with an
    /// error naming `field`.
    pub fn parse(field: &'static str, text: &str) -> Result<IsnRpsClass, InputError> {
        let refuse = |rule: &'static str| InputError::new(field, text, rule);
        let normal: String = text
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_uppercase();
        let normal = normal.strip_prefix("CLASS").unwrap_or(&normal);
        let parts: Vec<&str> = normal.split('+').collect();
        let (primary, membranous) = match parts.as_slice() {
            [one] => (*one, Membranous::NotCombined),
            [a, "V"] => (*a, Membranous::CombinedWithV),
            ["V", b] => (*b, Membranous::CombinedWithV),
            _ => {
                return Err(refuse(
                    "not an ISN/RPS class: expected I–VI, optionally combined with V (e.g. \"IV-G (A) + V\")",
                ));
            }
        };
        let (rest, qualifier) = match primary.find('(') {
            Some(open) => {
                let qualifier = match &primary[open..] {
                    "(A)" => ActivityQualifier::Active,
                    "(A/C)" => ActivityQualifier::ActiveAndChronic,
                    "(C)" => ActivityQualifier::Chronic,
                    _ => return Err(refuse("the 2003 qualifier must be (A), (A/C) or (C)")),
                };
                (&primary[..open], Some(qualifier))
            }
            None => (primary, None),
        };
        let (roman, subdivision) = match rest.split_once('-') {
            Some((roman, "S")) => (roman, Some(ClassIvSubdivision::Segmental)),
            Some((roman, "G")) => (roman, Some(ClassIvSubdivision::Global)),
            Some(_) => return Err(refuse("the 2003 subdivision must be -S or -G")),
            None => (rest, None),
        };
        let class = LnClass::parse(roman)
            .ok_or_else(|| refuse("the class must be I, II, III, IV, V or VI"))?;
        if subdivision.is_some() && class != LnClass::IV {
            return Err(refuse("-S / -G subdivides class IV only"));
        }
        if qualifier.is_some() && !matches!(class, LnClass::III | LnClass::IV) {
            return Err(refuse("(A), (A/C), (C) qualify class III or IV only"));
        }
        if class == LnClass::V && membranous == Membranous::CombinedWithV {
            return Err(refuse("class V cannot be combined with itself"));
        }
        Ok(IsnRpsClass {
            class,
            subdivision,
            qualifier,
            membranous,
        })
    }

    /// Uses ISN/RPS 2003 notation that the 2018 revision dropped.
    pub fn uses_2003_notation(&self) -> bool {
        self.subdivision.is_some() || self.qualifier.is_some()
    }
}

impl fmt::Display for IsnRpsClass {
    /// Canonical form, e.g. `IV-G (A/C) + V`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.class.roman())?;
        match self.subdivision {
            Some(ClassIvSubdivision::Segmental) => f.write_str("-S")?,
            Some(ClassIvSubdivision::Global) => f.write_str("-G")?,
            None => {}
        }
        match self.qualifier {
            Some(ActivityQualifier::Active) => f.write_str(" (A)")?,
            Some(ActivityQualifier::ActiveAndChronic) => f.write_str(" (A/C)")?,
            Some(ActivityQualifier::Chronic) => f.write_str(" (C)")?,
            None => {}
        }
        if self.membranous == Membranous::CombinedWithV {
            f.write_str(" + V")?;
        }
        Ok(())
    }
}

/// The biopsy findings the validator compares the class with; `None` = not recorded.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BiopsyFindings {
    /// % of glomeruli with active or inactive endo- and/or extracapillary GN.
    pub glomeruli_involved: Option<Extent>,
    /// % of glomeruli globally sclerosed.
    pub glomeruli_globally_sclerosed: Option<Extent>,
    /// Any active lesion (e.g. a modified NIH activity index lower bound > 0).
    pub active_lesions: Option<bool>,
    /// Number of glomeruli in the sample.
    pub glomeruli_sampled: Option<u16>,
}

/// A consistency warning (renal.md §5.1 validator); never blocks entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ClassWarning {
    /// Class III with involvement ≥ 50 % (class IV is defined by ≥ 50 %).
    #[serde(rename = "class_iii_involvement_at_least_50")]
    ClassIiiInvolvementAtLeast50,
    /// Class IV with involvement < 50 %.
    #[serde(rename = "class_iv_involvement_below_50")]
    ClassIvInvolvementBelow50,
    /// Class VI with global sclerosis < 90 %.
    #[serde(rename = "class_vi_global_sclerosis_below_90")]
    ClassViGlobalSclerosisBelow90,
    /// Class VI with active lesions ("no residual activity").
    ClassViWithActiveLesions,
    /// Class V combined with class I or II (only III + V and IV + V are defined).
    ClassVCombinedWithIOrII,
    /// Class V combined with class VI.
    ClassVCombinedWithVi,
    /// ISN/RPS 2003 notation (IV-S / IV-G, A, A/C, C): accepted for historical records.
    #[serde(rename = "isn_rps_2003_notation")]
    Isn2003Notation,
    /// Fewer than 10 glomeruli [UNVERIFIED adequacy threshold].
    #[serde(rename = "fewer_than_10_glomeruli")]
    FewerThan10Glomeruli,
}

/// Checks a recorded class against the biopsy findings (renal.md §5.1 validator).
pub fn validate(class: &IsnRpsClass, findings: &BiopsyFindings) -> Vec<ClassWarning> {
    let fifty = Extent::parse("glomeruli_involved_pct", 50.into()).expect("50 is a percentage");
    let ninety =
        Extent::parse("glomeruli_globally_sclerosed_pct", 90.into()).expect("90 is a percentage");
    let mut warnings = Vec::new();
    match (class.class, findings.glomeruli_involved) {
        (LnClass::III, Some(e)) if e >= fifty => {
            warnings.push(ClassWarning::ClassIiiInvolvementAtLeast50)
        }
        (LnClass::IV, Some(e)) if e < fifty => {
            warnings.push(ClassWarning::ClassIvInvolvementBelow50)
        }
        _ => {}
    }
    if class.class == LnClass::VI {
        if findings
            .glomeruli_globally_sclerosed
            .is_some_and(|e| e < ninety)
        {
            warnings.push(ClassWarning::ClassViGlobalSclerosisBelow90);
        }
        if findings.active_lesions == Some(true) {
            warnings.push(ClassWarning::ClassViWithActiveLesions);
        }
    }
    if class.membranous == Membranous::CombinedWithV {
        match class.class {
            LnClass::I | LnClass::II => warnings.push(ClassWarning::ClassVCombinedWithIOrII),
            LnClass::VI => warnings.push(ClassWarning::ClassVCombinedWithVi),
            _ => {}
        }
    }
    if class.uses_2003_notation() {
        warnings.push(ClassWarning::Isn2003Notation);
    }
    if findings.glomeruli_sampled.is_some_and(|n| n < 10) {
        warnings.push(ClassWarning::FewerThan10Glomeruli);
    }
    warnings
}

/// The class the light-microscopy findings point to, where they decide it (vector I5):
/// ≥ 90 % global sclerosis without activity → VI; endo-/extracapillary GN in ≥ 50 % → IV, in
/// more than 0 and < 50 % → III. Classes I, II and V need immunofluorescence / electron microscopy, so
/// `None` otherwise.
pub fn class_suggested_by(findings: &BiopsyFindings) -> Option<LnClass> {
    let fifty = Extent::parse("glomeruli_involved_pct", 50.into()).expect("50 is a percentage");
    let ninety =
        Extent::parse("glomeruli_globally_sclerosed_pct", 90.into()).expect("90 is a percentage");
    if findings
        .glomeruli_globally_sclerosed
        .is_some_and(|e| e >= ninety)
        && findings.active_lesions == Some(false)
    {
        return Some(LnClass::VI);
    }
    match findings.glomeruli_involved {
        Some(e) if e >= fifty => Some(LnClass::IV),
        Some(e) if e.percent() > 0.into() => Some(LnClass::III),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::Decimal;
    use rust_decimal_macros::dec;

    fn extent(p: Decimal) -> Option<Extent> {
        Some(Extent::parse("x", p).expect("test extent in range"))
    }

    fn class(text: &str) -> IsnRpsClass {
        IsnRpsClass::parse("isn_rps_class", text).expect("test class parses")
    }

    #[test]
    fn parses_classes_combinations_and_2003_notation() {
        for (text, canonical) in [
            ("III", "III"),
            ("class iv", "IV"),
            ("III + V", "III + V"),
            ("V+IV", "IV + V"),
            ("IV-G (A/C) + V", "IV-G (A/C) + V"),
            ("IV-S(A)", "IV-S (A)"),
            ("III (C)", "III (C)"),
            ("VI", "VI"),
            ("II + V", "II + V"),
        ] {
            assert_eq!(class(text).to_string(), canonical, "{text}");
        }
        for bad in [
            "VII", "III-S", "V (A)", "III + IV", "V + V", "IV-X", "IV (B)", "",
        ] {
            let err = IsnRpsClass::parse("isn_rps_class", bad).expect_err("input is refused");
            assert_eq!(err.field, "isn_rps_class", "{bad}");
        }
    }

    #[test]
    fn i5_suggested_classes() {
        let involved = |p| BiopsyFindings {
            glomeruli_involved: extent(p),
            ..BiopsyFindings::default()
        };
        assert_eq!(
            class_suggested_by(&involved(dec!(40))),
            Some(LnClass::III),
            "I5 40 %"
        );
        assert_eq!(
            class_suggested_by(&involved(dec!(50))),
            Some(LnClass::IV),
            "I5 50 %"
        );
        assert_eq!(
            class_suggested_by(&involved(dec!(49.9))),
            Some(LnClass::III)
        );
        assert_eq!(class_suggested_by(&involved(dec!(0))), None);
        let sclerosed = BiopsyFindings {
            glomeruli_globally_sclerosed: extent(dec!(92)),
            active_lesions: Some(false),
            ..BiopsyFindings::default()
        };
        assert_eq!(
            class_suggested_by(&sclerosed),
            Some(LnClass::VI),
            "I5 92 % sclerosis"
        );
    }

    #[test]
    fn i5_validator_warnings() {
        let involved = |p| BiopsyFindings {
            glomeruli_involved: extent(p),
            ..BiopsyFindings::default()
        };
        assert!(
            validate(&class("III"), &involved(dec!(40))).is_empty(),
            "I5 III at 40 %"
        );
        assert_eq!(
            validate(&class("III"), &involved(dec!(50))),
            [ClassWarning::ClassIiiInvolvementAtLeast50],
            "I5 III at 50 %"
        );
        assert!(validate(&class("IV"), &involved(dec!(50))).is_empty());
        assert_eq!(
            validate(&class("IV"), &involved(dec!(49.9))),
            [ClassWarning::ClassIvInvolvementBelow50]
        );
        let sclerosis = |p| BiopsyFindings {
            glomeruli_globally_sclerosed: extent(p),
            active_lesions: Some(false),
            ..BiopsyFindings::default()
        };
        assert!(
            validate(&class("VI"), &sclerosis(dec!(92))).is_empty(),
            "I5 VI at 92 %"
        );
        assert!(validate(&class("VI"), &sclerosis(dec!(90))).is_empty());
        assert_eq!(
            validate(&class("VI"), &sclerosis(dec!(89.9))),
            [ClassWarning::ClassViGlobalSclerosisBelow90]
        );
        let none = BiopsyFindings::default();
        assert_eq!(
            validate(&class("II + V"), &none),
            [ClassWarning::ClassVCombinedWithIOrII]
        );
        assert_eq!(
            validate(&class("I+V"), &none),
            [ClassWarning::ClassVCombinedWithIOrII]
        );
        assert!(validate(&class("IV + V"), &none).is_empty());
        assert_eq!(
            validate(&class("IV-G (A)"), &none),
            [ClassWarning::Isn2003Notation]
        );
        let few = BiopsyFindings {
            glomeruli_sampled: Some(9),
            ..none
        };
        assert_eq!(
            validate(&class("IV"), &few),
            [ClassWarning::FewerThan10Glomeruli]
        );
        let enough = BiopsyFindings {
            glomeruli_sampled: Some(10),
            ..none
        };
        assert!(validate(&class("IV"), &enough).is_empty());
    }
}

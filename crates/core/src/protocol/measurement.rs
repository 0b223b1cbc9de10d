//! The measurements a protocol may list as due at a visit: the data-dictionary names of
//! sle-activity §9 and the LOINC codes of renal.md §6 (with README errata 10 and 12).
//!
//! A protocol names a measurement by its data-dictionary name (`urine_protein_creatinine_ratio`),
//! by one of its LOINC codes (`2890-2`), or by the panel `sledai2k` (the 24 clinical
//! descriptors of §9.2). Anything else is refused when the protocol is loaded.

use std::fmt;

/// A measurement concept that can be due at a visit: a name and the LOINC codes that
/// identify it in imported observations (empty for clinical assessments).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Measurement {
    name: &'static str,
    loinc: &'static [&'static str],
    section: &'static str,
}

impl Measurement {
    /// The data-dictionary name (sle-activity §9), or for a LOINC-only row of renal.md §6 the
    /// name given to it here.
    pub const fn name(&self) -> &'static str {
        self.name
    }

    /// The LOINC codes accepted for it (renal.md §6, sle-activity §9), first the preferred.
    pub const fn loinc(&self) -> &'static [&'static str] {
        self.loinc
    }

    /// The spec section that defines it.
    pub const fn section(&self) -> &'static str {
        self.section
    }

    /// Resolves one entry of a visit's `measurements` list: a known name, a known LOINC code or
    /// the `sledai2k` panel. `None` when unknown.
    pub(crate) fn resolve(item: &str) -> Option<Vec<Measurement>> {
        if item == SLEDAI2K_PANEL {
            return Some(
                CATALOGUE
                    .iter()
                    .filter(|m| m.name.starts_with("sledai_"))
                    .copied()
                    .collect(),
            );
        }
        CATALOGUE
            .iter()
            .find(|m| m.name == item || m.loinc.contains(&item))
            .map(|m| vec![*m])
    }

    /// The catalogue entry named `name` (an invariant of this module's own constants).
    pub(crate) fn named(name: &str) -> Measurement {
        *CATALOGUE
            .iter()
            .find(|m| m.name == name)
            .expect("only called with names of the catalogue below")
    }
}

impl fmt::Display for Measurement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name)
    }
}

/// The panel name that stands for the 24 SLEDAI-2K descriptors of sle-activity §9.2.
pub(crate) const SLEDAI2K_PANEL: &str = "sledai2k";

/// UPCR (renal.md §2, §6; erratum 12: 2890-2 mass ratio and 34366-5).
pub(crate) const UPCR: &str = "urine_protein_creatinine_ratio";
/// Serum creatinine, from which eGFR is computed (renal.md §1, §6).
pub(crate) const SERUM_CREATININE: &str = "creatinine_serum";

const fn entry(
    name: &'static str,
    loinc: &'static [&'static str],
    section: &'static str,
) -> Measurement {
    Measurement {
        name,
        loinc,
        section,
    }
}

const S91: &str = "sle-activity §9.1";
const S92: &str = "sle-activity §9.2";
const S93: &str = "sle-activity §9.3";
const S94: &str = "sle-activity §9.4";
const R6: &str = "renal.md §6";

/// The known measurements. sle-activity §9 rows first (names as in the dictionary, LOINC as
/// there, widened by renal.md §6 where it lists the same analyte in another unit), then the
/// renal.md §6 rows that have no dictionary name (named here after the analyte).
static CATALOGUE: &[Measurement] = &[
    // §9.1 visit and administrative
    entry("body_weight_kg", &["29463-7"], S91),
    entry("body_temperature_max_c", &["8310-5"], S91),
    // §9.2 SLEDAI-2K clinical descriptors (no LOINC: clinical assessments)
    entry("sledai_seizure", &[], S92),
    entry("sledai_psychosis", &[], S92),
    entry("sledai_organic_brain_syndrome", &[], S92),
    entry("sledai_visual_disturbance", &[], S92),
    entry("sledai_cranial_nerve_disorder", &[], S92),
    entry("sledai_lupus_headache", &[], S92),
    entry("sledai_cva", &[], S92),
    entry("sledai_vasculitis", &[], S92),
    entry("sledai_arthritis", &[], S92),
    entry("sledai_myositis", &[], S92),
    entry("sledai_urinary_casts", &[], S92),
    entry("sledai_hematuria", &[], S92),
    entry("sledai_proteinuria", &[], S92),
    entry("sledai_pyuria", &[], S92),
    entry("sledai_rash", &[], S92),
    entry("sledai_alopecia", &[], S92),
    entry("sledai_mucosal_ulcers", &[], S92),
    entry("sledai_pleurisy", &[], S92),
    entry("sledai_pericarditis", &[], S92),
    entry("sledai_low_complement", &[], S92),
    entry("sledai_increased_dna_binding", &[], S92),
    entry("sledai_fever", &[], S92),
    entry("sledai_thrombocytopenia", &[], S92),
    entry("sledai_leukopenia", &[], S92),
    // §9.3 lab and supporting inputs
    entry("inflamed_joint_count", &[], S93),
    entry("urine_rbc_per_hpf", &["13945-1"], S93),
    entry("urine_wbc_per_hpf", &["5821-4"], S93),
    entry("urine_rbc_or_heme_granular_casts", &[], S93),
    entry("urine_protein_24h_g", &["2889-4"], S93),
    entry(UPCR, &["2890-2", "34366-5"], S93),
    entry("c3_value", &["4485-9"], S93),
    entry("c4_value", &["4498-2"], S93),
    entry("ch50_value", &["4532-8"], S93),
    entry("anti_dsdna_value", &["5130-0"], S93),
    entry("platelets", &["777-3", "26515-7"], S93),
    entry("wbc", &["6690-2", "26464-8"], S93),
    entry("lymphocytes", &["731-0"], S93),
    entry("hemoglobin_g_dl", &["718-7"], S93),
    entry(SERUM_CREATININE, &["2160-0", "14682-9"], S93),
    entry("ck", &["2157-6"], S93),
    entry("ana_titre_denominator", &["5048-4"], S93),
    entry("anti_sm_positive", &["11090-8"], S93),
    entry("anticardiolipin", &[], S93),
    entry("anti_b2gp1", &[], S93),
    entry("lupus_anticoagulant", &[], S93),
    // §9.4 global assessments and state inputs
    entry("pga_hundredths", &[], S94),
    entry("hemolytic_anemia_active", &[], S94),
    entry("gi_lupus_activity", &[], S94),
    entry("on_investigational_drug", &[], S94),
    entry("immunosuppressant_regimen_standard_maintenance", &[], S94),
    entry("immunosuppressant_well_tolerated", &[], S94),
    entry("treatment_stable", &[], S94),
    entry("treatment_failure", &[], S94),
    entry("hospitalised_for_sle", &[], S94),
    // renal.md §6 rows without a dictionary name
    entry("creatinine_blood_poc", &["38483-4", "59826-8"], R6),
    entry(
        "egfr_reported",
        &["98979-8", "98980-6", "62238-1", "33914-3"],
        R6,
    ),
    entry("cystatin_c", &["33863-2"], R6),
    entry("urine_protein_concentration", &["2888-6"], R6),
    entry("urine_protein_dipstick", &["20454-5"], R6),
    entry("urine_albumin_creatinine_ratio", &["9318-7", "32294-1"], R6),
    entry("urine_albumin", &["1754-1"], R6),
    entry("urine_creatinine", &["2161-8", "14683-7"], R6),
    entry("urine_creatinine_24h", &["2162-6", "14684-5"], R6),
    entry("urine_rbc_per_ul", &["30391-7"], R6),
    entry("urine_blood_dipstick", &["5794-3"], R6),
    entry("urine_wbc_per_ul", &["30405-5"], R6),
    entry("urine_leukocyte_esterase", &["5799-2"], R6),
    entry("urine_casts_per_lpf", &["9842-6"], R6),
    entry("urine_rbc_casts", &["5807-3"], R6),
    entry("urine_granular_casts", &["5793-5"], R6),
    entry("serum_albumin", &["1751-7"], R6),
    entry("esr", &["4537-7", "30341-2", "82477-1"], R6),
    entry("crp", &["1988-5"], R6),
];

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn names_and_codes_are_unique() {
        let mut names = HashSet::new();
        let mut codes = HashSet::new();
        for m in CATALOGUE {
            assert!(names.insert(m.name), "duplicate name {}", m.name);
            assert_ne!(m.name, SLEDAI2K_PANEL);
            for code in m.loinc {
                assert!(codes.insert(*code), "duplicate LOINC {code}");
            }
        }
    }

    #[test]
    fn resolves_names_codes_and_the_sledai_panel() {
        let by_code = Measurement::resolve("34366-5").expect("erratum 12 UPCR code");
        assert_eq!(by_code[0].name(), UPCR);
        let by_code = Measurement::resolve("777-3").expect("erratum 10 platelet code");
        assert_eq!(by_code[0].name(), "platelets");
        assert_eq!(
            Measurement::resolve("26515-7").expect("erratum 10")[0].name(),
            "platelets"
        );
        assert_eq!(
            Measurement::resolve("creatinine_serum").expect("name")[0].loinc(),
            &["2160-0", "14682-9"]
        );
        let panel = Measurement::resolve("sledai2k").expect("panel");
        assert_eq!(panel.len(), 24, "the 24 descriptors of sle-activity §9.2");
        assert!(panel.iter().all(|m| m.name().starts_with("sledai_")));
    }

    #[test]
    fn refuses_unknown_items() {
        for item in [
            "",
            "upcr",
            "2890",
            "32294",
            "SLEDAI2K",
            "visit_date",
            "7465-1",
        ] {
            assert_eq!(Measurement::resolve(item), None, "{item}");
        }
    }
}

//! The per-visit facts that are neither observations nor SLEDAI-2K answers — the PGA and every
//! field of `record::visit::VisitFacts` — as `visit_fact` rows named by their data-dictionary
//! names (sle-activity §9.3–§9.5, README erratum 16; renal.md §3.1, §3.6), and back.
//!
//! Names: `pga_hundredths`; `bilag_<domain>` (A–E); the booleans of §9.4/§9.5 by their
//! dictionary names; the lab attributions of §9.3 (`hematuria_other_cause`, …);
//! `new_immunosuppressant_for_sle`; and two names of sledger's own where the dictionary has
//! none for the record's merged fact: `rescue_or_treatment_failure` (renal.md §3.1 `rescue` and
//! sle-activity §3.2 `treatment_failure`, one fact in `VisitFacts`) and `kidney_failure`
//! (renal.md §3.6: dialysis or kidney transplant).

use sledger_core::InputError;
use sledger_core::config::Immunosuppressant;
use sledger_core::measures::pga::Pga;
use sledger_core::measures::sfi::{MM2_FLAGS, NewImmunosuppressant, SV2_FLAGS};
use sledger_core::measures::sri::{BilagDomain, BilagGrade};
use sledger_core::record::visit::VisitFacts;

use crate::column::{code_of, parse_code};

/// `pga_hundredths` (sle-activity §9.4: 0–300).
pub const PGA: &str = "pga_hundredths";
/// `new_immunosuppressant_for_sle` (sle-activity §9.5).
pub const NEW_IMMUNOSUPPRESSANT: &str = "new_immunosuppressant_for_sle";
const IMMUNOSUPPRESSANTS: &str =
    "none, cyclophosphamide, azathioprine, methotrexate, mycophenolate, other";

/// Every yes/no fact of a visit with its name, borrowed from `facts`.
fn flags(f: &mut VisitFacts) -> Vec<(&'static str, &mut Option<bool>)> {
    let mut slots: Vec<(&'static str, &mut Option<bool>)> = vec![
        (
            "rescue_or_treatment_failure",
            &mut f.rescue_or_treatment_failure,
        ),
        ("kidney_failure", &mut f.kidney_failure),
        ("hemolytic_anemia_active", &mut f.hemolytic_anemia_active),
        ("gi_lupus_activity", &mut f.gi_lupus_activity),
        ("on_investigational_drug", &mut f.on_investigational_drug),
        (
            "immunosuppressant_regimen_standard_maintenance",
            &mut f.immunosuppressant_regimen_standard_maintenance,
        ),
        (
            "immunosuppressant_well_tolerated",
            &mut f.immunosuppressant_well_tolerated,
        ),
        (
            "immunosuppressant_started_or_increased_for_sle",
            &mut f.immunosuppressant_started_or_increased_for_sle,
        ),
        ("study_product_received", &mut f.study_product_received),
        ("treatment_stable", &mut f.treatment_stable),
        ("hospitalised_for_sle", &mut f.hospitalised_for_sle),
        ("nsaid_added_for_sle", &mut f.nsaid_added_for_sle),
        ("hcq_added_for_sle", &mut f.hcq_added_for_sle),
        (
            "hematuria_other_cause",
            &mut f.attributions.hematuria_other_cause,
        ),
        ("pyuria_infection", &mut f.attributions.pyuria_infection),
        ("fever_infection", &mut f.attributions.fever_infection),
        (
            "thrombocytopenia_drug",
            &mut f.attributions.thrombocytopenia_drug,
        ),
        ("leukopenia_drug", &mut f.attributions.leukopenia_drug),
    ];
    slots.extend(MM2_FLAGS.into_iter().zip(f.sfi_mm2.iter_mut()));
    slots.extend(SV2_FLAGS.into_iter().zip(f.sfi_sv2.iter_mut()));
    slots
}

/// Every name a `visit_fact` row may carry.
pub fn names() -> Vec<&'static str> {
    let mut facts = VisitFacts::default();
    let mut all: Vec<&'static str> = flags(&mut facts).into_iter().map(|(n, _)| n).collect();
    all.extend(BilagDomain::ALL.map(BilagDomain::field));
    all.push(NEW_IMMUNOSUPPRESSANT);
    all.push(PGA);
    all
}

/// The rows to store for a visit: one per recorded fact (`None` = not recorded, no row).
pub(crate) fn rows(facts: &VisitFacts, pga: Option<Pga>) -> Vec<(&'static str, String)> {
    let mut copy = *facts;
    let mut out: Vec<(&'static str, String)> = flags(&mut copy)
        .into_iter()
        .filter_map(|(name, slot)| slot.map(|b| (name, b.to_string())))
        .collect();
    for (domain, grade) in BilagDomain::ALL.into_iter().zip(facts.bilag) {
        if let Some(grade) = grade {
            out.push((domain.field(), code_of(&grade)));
        }
    }
    if let Some(n) = facts.new_immunosuppressant_for_sle {
        let code = match n {
            NewImmunosuppressant::None => "none".to_owned(),
            NewImmunosuppressant::Started(agent) => code_of(&agent),
        };
        out.push((NEW_IMMUNOSUPPRESSANT, code));
    }
    if let Some(pga) = pga {
        out.push((PGA, pga.hundredths().to_string()));
    }
    out
}

/// Applies one stored (or corrected) row to the visit's facts, parsing its value.
pub fn apply(
    facts: &mut VisitFacts,
    pga: &mut Option<Pga>,
    name: &str,
    value: &str,
) -> Result<(), InputError> {
    if name == PGA {
        let hundredths: u16 = value
            .parse()
            .map_err(|_| InputError::new(PGA, value, "must be a whole number 0–300"))?;
        *pga = Some(Pga::from_hundredths(hundredths)?);
        return Ok(());
    }
    if name == NEW_IMMUNOSUPPRESSANT {
        facts.new_immunosuppressant_for_sle = Some(match value {
            "none" => NewImmunosuppressant::None,
            other => NewImmunosuppressant::Started(parse_code::<Immunosuppressant>(
                NEW_IMMUNOSUPPRESSANT,
                other,
                IMMUNOSUPPRESSANTS,
            )?),
        });
        return Ok(());
    }
    if let Some(i) = BilagDomain::ALL.iter().position(|d| d.field() == name) {
        let field = BilagDomain::ALL[i].field();
        facts.bilag[i] = Some(parse_code::<BilagGrade>(field, value, "A, B, C, D, E")?);
        return Ok(());
    }
    let Some((field, slot)) = flags(facts).into_iter().find(|(n, _)| *n == name) else {
        return Err(InputError::new(
            "name",
            name,
            "not a per-visit fact of the data dictionary (sle-activity §9.3–§9.5)",
        ));
    };
    *slot = Some(match value {
        "true" => true,
        "false" => false,
        _ => return Err(InputError::new(field, value, "must be true or false")),
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every fact written is read back the same (facts in = facts out).
    #[test]
    fn rows_round_trip() {
        let mut facts = VisitFacts::default();
        for (i, (_, slot)) in flags(&mut facts).into_iter().enumerate() {
            *slot = Some(i % 2 == 0);
        }
        facts.bilag = [Some(BilagGrade::A); 9];
        facts.bilag[7] = Some(BilagGrade::D);
        facts.new_immunosuppressant_for_sle = Some(NewImmunosuppressant::Started(
            Immunosuppressant::Mycophenolate,
        ));
        let pga = Some(Pga::from_hundredths(130).expect("in range"));
        let (mut back, mut back_pga) = (VisitFacts::default(), None);
        for (name, value) in rows(&facts, pga) {
            apply(&mut back, &mut back_pga, name, &value).expect(name);
        }
        assert_eq!(back, facts);
        assert_eq!(back_pga, pga);
        assert_eq!(
            names().len(),
            rows(&facts, pga).len(),
            "every name is written"
        );
    }

    #[test]
    fn bad_values_name_the_fact() {
        let (mut f, mut p) = (VisitFacts::default(), None);
        let err = apply(&mut f, &mut p, PGA, "301").expect_err("over 3.00");
        assert_eq!(err.field, "pga_hundredths");
        let err = apply(&mut f, &mut p, "bilag_renal", "F").expect_err("no grade F");
        assert_eq!(err.field, "bilag_renal");
        let err = apply(&mut f, &mut p, "kidney_failure", "yes").expect_err("not a bool");
        assert_eq!(err.field, "kidney_failure");
        let err = apply(&mut f, &mut p, "mood", "true").expect_err("unknown");
        assert_eq!(err.field, "name");
    }
}

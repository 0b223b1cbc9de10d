//! A Procedure that is a cell-product infusion into sledger-core's `Infusion` (issue #3
//! item 1), read back from the format `sledger export fhir` writes (`fhir.rs` `procedure`):
//! code `cell-product-infusion` in `…/CodeSystem/procedure`, `performedDateTime` the infusion
//! date, and the product facts in `note`: "<source> <donor> cell product, route <route>, <n>
//! total cells", then optionally "lot <lot>", "viability <v> %", "weight <w> kg",
//! "premedication <text>".
//!
//! Other procedures are not mapped (counted, not stored). No SNOMED CT code is read: the
//! stem-cell infusion/transplantation concepts could not be checked here, and a hospital's
//! Procedure would not carry the product facts (source, donor, cells) an infusion requires.

use rust_decimal::Decimal;
use sledger_core::InputError;
use sledger_core::infusion::Infusion;

use super::calendar_date::calendar_date;
use super::mapped::Mapped;
use super::observation::subject_identifier;
use super::resource::Resource;
use crate::fhir::PROCEDURE_SYSTEM;
use crate::text::parse_code;

/// The code of a cell-product infusion in sledger's procedure code system.
pub const CELL_PRODUCT_INFUSION: &str = "cell-product-infusion";

/// An infusion of a subject (hospital reference, resolved by the caller).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FhirInfusion {
    pub subject: String,
    pub infusion: Infusion,
}

/// Maps a Procedure: a cell-product infusion becomes an infusion; `not-done`,
/// `entered-in-error` and `preparation` are skipped; any other procedure is not mapped.
pub fn map_procedure(r: &Resource) -> Result<Mapped<FhirInfusion>, InputError> {
    let is_infusion = r.code.as_ref().is_some_and(|c| {
        c.coding.iter().any(|k| {
            k.system.as_deref() == Some(PROCEDURE_SYSTEM)
                && k.code.as_deref() == Some(CELL_PRODUCT_INFUSION)
        })
    });
    if !is_infusion {
        return Ok(Mapped::NotMapped);
    }
    match r.status.as_deref().unwrap_or_default() {
        "completed" => {}
        status @ ("not-done" | "entered-in-error" | "preparation") => {
            return Ok(Mapped::Skipped {
                status: status.to_owned(),
            });
        }
        other => {
            return Err(InputError::new(
                "status",
                if other.is_empty() { "null" } else { other },
                "an infusion is recorded when completed (in-progress, on-hold, stopped or \
                 unknown infusions need a person to say what was given)",
            ));
        }
    }
    let subject = subject_identifier(r.subject.as_ref())?;
    let date = match (&r.performed_date_time, &r.performed_period) {
        (Some(t), _) => calendar_date("performedDateTime", t)?,
        (None, Some(p)) => calendar_date(
            "performedPeriod.start",
            p.start.as_deref().unwrap_or_default(),
        )?,
        (None, None) => {
            return Err(InputError::new(
                "performed[x]",
                "null",
                "the infusion date (performedDateTime), day 0 of the schedule",
            ));
        }
    };
    let notes: Vec<&str> = r.note.iter().filter_map(|n| n.text.as_deref()).collect();
    let product = notes.iter().find_map(|n| product_note(n)).ok_or_else(|| {
        InputError::new(
            "note",
            notes.first().copied().unwrap_or("null"),
            "the product facts as sledger exports them: \"<source> <donor> cell product, \
                 route <route>, <n> total cells\" (source bone_marrow, umbilical_cord, adipose \
                 or car_t; donor allogeneic or autologous; route iv)",
        )
    })?;
    let (source, donor, route, total_cells) = product?;
    let tagged = |prefix: &str, suffix: &str| {
        notes.iter().find_map(|n| {
            n.strip_prefix(prefix)
                .and_then(|rest| rest.strip_suffix(suffix))
                .map(str::trim)
        })
    };
    let number = |field: &'static str, text: Option<&str>| {
        text.map(|t| {
            t.parse::<Decimal>()
                .map_err(|_| InputError::new(field, t, "a decimal number"))
        })
        .transpose()
    };
    let infusion = Infusion {
        date,
        source,
        donor,
        route,
        lot: tagged("lot ", "").map(str::to_owned),
        total_cells,
        weight_kg: number("weight_kg", tagged("weight ", " kg"))?,
        viability_pct: number("viability_pct", tagged("viability ", " %"))?,
        premedication: tagged("premedication ", "").map(str::to_owned),
    }
    .validate()?;
    Ok(Mapped::Record(FhirInfusion { subject, infusion }))
}

type Product = (
    sledger_core::protocol::CellSource,
    sledger_core::protocol::Donor,
    sledger_core::protocol::Route,
    u64,
);

/// The product note, if `note` has its shape; a note of that shape with a bad value is
/// refused naming the value's field.
fn product_note(note: &str) -> Option<Result<Product, InputError>> {
    let (head, rest) = note.split_once(" cell product, route ")?;
    let (source, donor) = head.split_once(' ')?;
    let (route, cells) = rest.split_once(", ")?;
    let cells = cells.strip_suffix(" total cells")?;
    Some((|| {
        Ok((
            parse_code(source).ok_or_else(|| {
                InputError::new(
                    "product_source",
                    source,
                    "bone_marrow, umbilical_cord, adipose or car_t",
                )
            })?,
            parse_code(donor)
                .ok_or_else(|| InputError::new("donor", donor, "allogeneic or autologous"))?,
            parse_code(route).ok_or_else(|| InputError::new("route", route, "iv"))?,
            cells
                .parse::<u64>()
                .map_err(|_| InputError::new("total_cells", cells, "a whole number of cells"))?,
        ))
    })())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fhir_in::parse_line;
    use rust_decimal_macros::dec;
    use sledger_core::protocol::{CellSource, Donor};

    const OURS: &str = r#"{"resourceType":"Procedure","id":"inf1",
        "extension":[{"url":"https://sledger.example/fhir/StructureDefinition/cells-per-kg","valueDecimal":1500000}],
        "status":"completed",
        "code":{"coding":[{"system":"https://sledger.example/fhir/CodeSystem/procedure","code":"cell-product-infusion","display":"Infusion of the study cell product"}]},
        "subject":{"reference":"Patient/IDX-01"},"performedDateTime":"2017-03-01",
        "note":[{"text":"bone_marrow allogeneic cell product, route iv, 90000000 total cells"},
                {"text":"lot IBGM-001"},{"text":"viability 95 %"},{"text":"weight 60 kg"},
                {"text":"premedication paracetamol 1 g"}]}"#;

    #[test]
    fn our_export_gives_the_same_infusion_back() {
        let Mapped::Record(m) = map_procedure(&parse_line(OURS).unwrap()).unwrap() else {
            panic!("not a record")
        };
        assert_eq!(m.subject, "Patient/IDX-01");
        let i = m.infusion;
        assert_eq!(i.date, jiff::civil::date(2017, 3, 1));
        assert_eq!(
            (i.source, i.donor, i.total_cells),
            (CellSource::BoneMarrow, Donor::Allogeneic, 90_000_000)
        );
        assert_eq!(i.lot.as_deref(), Some("IBGM-001"));
        assert_eq!(
            (i.viability_pct, i.weight_kg),
            (Some(dec!(95)), Some(dec!(60)))
        );
        assert_eq!(i.premedication.as_deref(), Some("paracetamol 1 g"));
    }

    #[test]
    fn other_procedures_are_not_mapped_and_not_done_ones_skipped() {
        let biopsy = r#"{"resourceType":"Procedure","id":"b1","status":"completed",
            "code":{"coding":[{"system":"http://snomed.info/sct","code":"90688005"}]},
            "subject":{"reference":"Patient/p1"}}"#;
        assert_eq!(
            map_procedure(&parse_line(biopsy).unwrap()),
            Ok(Mapped::NotMapped)
        );
        let not_done = OURS.replace(r#""status":"completed""#, r#""status":"not-done""#);
        assert_eq!(
            map_procedure(&parse_line(&not_done).unwrap()),
            Ok(Mapped::Skipped {
                status: "not-done".into()
            })
        );
    }

    #[test]
    fn refusals_name_the_element() {
        for (from, to, field) in [
            (
                r#""status":"completed""#,
                r#""status":"in-progress""#,
                "status",
            ),
            (r#""performedDateTime":"2017-03-01","#, "", "performed[x]"),
            (
                "bone_marrow allogeneic cell product",
                "bone_marrow allogeneic product",
                "note",
            ),
            (
                "bone_marrow allogeneic",
                "marrow allogeneic",
                "product_source",
            ),
            ("90000000 total", "0 total", "total_cells"),
            ("weight 60 kg", "weight 10 kg", "weight_kg"),
            (
                r#""subject":{"reference":"Patient/IDX-01"},"#,
                "",
                "subject",
            ),
        ] {
            let line = OURS.replace(from, to);
            assert_ne!(line, OURS, "{from}");
            assert_eq!(
                map_procedure(&parse_line(&line).unwrap())
                    .unwrap_err()
                    .field,
                field,
                "{to}"
            );
        }
    }
}

//! Reported unit spellings → UCUM codes (renal.md §6 "Usual UCUM"). The importers accept a
//! few common lab spellings beside UCUM (`µmol/L`, `°C`, `IU/mL`, `/HPF`); an export states
//! the UCUM code and keeps the spelling as reported (DESIGN §3: units are kept as reported).

/// The UCUM code system URI (FHIR Quantity.system, ODM/SDTM documentation).
pub const UCUM: &str = "http://unitsofmeasure.org";

/// The UCUM code of a reported unit spelling, or `None` when the spelling is not one we know
/// to be (or to map onto) valid UCUM.
pub fn code(reported: &str) -> Option<&'static str> {
    Some(match reported {
        "mg/dL" => "mg/dL",
        "umol/L" | "µmol/L" | "μmol/L" => "umol/L",
        "mmol/L" => "mmol/L",
        "mg/g" => "mg/g",
        "mg/g{creat}" => "mg/g{creat}",
        "g/g" => "g/g",
        "g/g{creat}" => "g/g{creat}",
        "mg/mg" => "mg/mg",
        "mg/mg{creat}" => "mg/mg{creat}",
        "mg/mmol" => "mg/mmol",
        "mg/mmol{creat}" => "mg/mmol{creat}",
        "g/mmol" => "g/mmol",
        "g/mmol{creat}" => "g/mmol{creat}",
        "g/(24.h)" => "g/(24.h)",
        "g/d" => "g/d",
        "mg/(24.h)" => "mg/(24.h)",
        "mg/d" => "mg/d",
        "g/L" => "g/L",
        "mg/L" => "mg/L",
        "g/dL" => "g/dL",
        "[IU]/mL" | "IU/mL" => "[IU]/mL",
        "U/mL" => "U/mL",
        "10*9/L" => "10*9/L",
        "10*3/uL" | "10*3/µL" | "10*3/μL" => "10*3/uL",
        "/[HPF]" | "/HPF" => "/[HPF]",
        "Cel" | "°C" => "Cel",
        "kg" => "kg",
        "cm" => "cm",
        "m" => "m",
        "[in_i]" => "[in_i]",
        "mL/min/{1.73_m2}" => "mL/min/{1.73_m2}",
        "%" => "%",
        "{score}" => "{score}",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lab_spellings_map_to_ucum_and_unknown_spellings_do_not() {
        assert_eq!(code("µmol/L"), Some("umol/L"));
        assert_eq!(code("°C"), Some("Cel"));
        assert_eq!(code("IU/mL"), Some("[IU]/mL"));
        assert_eq!(code("/HPF"), Some("/[HPF]"));
        assert_eq!(code("mg/dL"), Some("mg/dL"));
        assert_eq!(code("mg per dL"), None);
    }
}

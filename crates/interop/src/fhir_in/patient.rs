//! A FHIR Patient into what the subject linkage and enrollment need: the hospital
//! identifiers (`Patient/<id>` and each identifier as `system|value`), the recorded sex and
//! the birth year and month (DESIGN §3: no name, no full birth date is kept).

use sledger_core::InputError;
use sledger_core::sex::RecordedSex;

use super::observation::identifier_key;
use super::resource::Resource;

/// A mapped Patient.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FhirPatient {
    /// Linkage keys; the first is `Patient/<id>`.
    pub identifiers: Vec<String>,
    pub sex: RecordedSex,
    pub birth_year: i16,
    pub birth_month: u8,
}

/// Maps a Patient resource (with its logical id); refusals name the FHIR element.
pub fn map_patient(r: &Resource, id: &str) -> Result<FhirPatient, InputError> {
    let mut identifiers = vec![format!("Patient/{id}")];
    identifiers.extend(
        r.identifier
            .iter()
            .filter_map(|i| identifier_key(i.system.as_deref(), i.value.as_deref())),
    );
    let sex = match r.gender.as_deref() {
        Some("female") => RecordedSex::Female,
        Some("male") => RecordedSex::Male,
        Some("other") => RecordedSex::Other,
        Some("unknown") => RecordedSex::Unknown,
        None => RecordedSex::NotRecorded,
        Some(g) => {
            return Err(InputError::new(
                "gender",
                g,
                "male, female, other or unknown (FHIR AdministrativeGender)",
            ));
        }
    };
    let birth = r.birth_date.as_deref().unwrap_or_default();
    let year = birth.get(..4).and_then(|y| y.parse::<i16>().ok());
    let month = birth.get(5..7).and_then(|m| m.parse::<u8>().ok());
    let (Some(birth_year), Some(birth_month)) = (year, month) else {
        return Err(InputError::new(
            "birthDate",
            if birth.is_empty() { "null" } else { birth },
            "a birth year and month (YYYY-MM or YYYY-MM-DD) to enroll the subject",
        ));
    };
    Ok(FhirPatient {
        identifiers,
        sex,
        birth_year,
        birth_month,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fhir_in::parse_line;

    #[test]
    fn a_patient_gives_its_linkage_keys_sex_and_birth_month() {
        let r = parse_line(
            r#"{"resourceType":"Patient","id":"p1","name":[{"family":"X"}],
            "identifier":[{"system":"urn:mrn","value":"77"},{"system":"urn:empty"}],
            "gender":"female","birthDate":"1980-05-17"}"#,
        )
        .unwrap();
        let p = map_patient(&r, "p1").unwrap();
        assert_eq!(p.identifiers, ["Patient/p1", "urn:mrn|77"]);
        assert_eq!(
            (p.sex, p.birth_year, p.birth_month),
            (RecordedSex::Female, 1980, 5)
        );
    }

    #[test]
    fn a_patient_without_birth_month_or_with_an_unknown_gender_is_refused() {
        let r = parse_line(r#"{"resourceType":"Patient","id":"p1","birthDate":"1980"}"#).unwrap();
        assert_eq!(map_patient(&r, "p1").unwrap_err().field, "birthDate");
        let r = parse_line(
            r#"{"resourceType":"Patient","id":"p1","gender":"f","birthDate":"1980-01"}"#,
        )
        .unwrap();
        assert_eq!(map_patient(&r, "p1").unwrap_err().field, "gender");
    }
}

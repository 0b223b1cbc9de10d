//! The FHIR R4 data types our resources use (http://hl7.org/fhir/R4/datatypes.html), with
//! only the elements we fill. Empty elements are omitted: FHIR forbids empty arrays/objects.

use rust_decimal::Decimal;
use serde::Serialize;

use crate::text::decimal;
use crate::ucum;

/// A FHIR `decimal`: written as a JSON number from the decimal's exact text (a decimal's text,
/// digits with an optional sign and point, is always a JSON number).
pub(crate) fn number(d: Decimal) -> serde_json::Number {
    let text = decimal(d);
    text.parse::<serde_json::Number>()
        .expect("a decimal's text is a JSON number")
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub(crate) struct Coding {
    pub system: String,
    pub code: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub display: Option<String>,
}

impl Coding {
    pub(crate) fn new(system: &str, code: &str, display: Option<&str>) -> Coding {
        Coding {
            system: system.to_owned(),
            code: code.to_owned(),
            display: display.map(str::to_owned),
        }
    }
}

#[derive(Debug, Clone, Serialize, PartialEq, Default)]
pub(crate) struct CodeableConcept {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub coding: Vec<Coding>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}

impl CodeableConcept {
    pub(crate) fn coded(coding: Coding) -> CodeableConcept {
        CodeableConcept {
            text: coding.display.clone(),
            coding: vec![coding],
        }
    }

    pub(crate) fn text(text: &str) -> CodeableConcept {
        CodeableConcept {
            coding: Vec::new(),
            text: Some(text.to_owned()),
        }
    }
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub(crate) struct Reference {
    pub reference: String,
}

impl Reference {
    pub(crate) fn to(resource_type: &str, id: &str) -> Reference {
        Reference {
            reference: format!("{resource_type}/{id}"),
        }
    }
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub(crate) struct Identifier {
    pub system: String,
    pub value: String,
}

/// A Quantity: `unit` is the unit as reported; `system`/`code` the UCUM code when the
/// spelling maps to one (qty-3: a code requires a system).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub(crate) struct Quantity {
    pub value: serde_json::Number,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub system: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
}

impl Quantity {
    pub(crate) fn reported(value: Decimal, unit: Option<&str>) -> Quantity {
        let code = unit.and_then(ucum::code);
        Quantity {
            value: number(value),
            unit: unit.map(str::to_owned),
            system: code.map(|_| ucum::UCUM.to_owned()),
            code: code.map(str::to_owned),
        }
    }

    pub(crate) fn ucum(value: Decimal, code: &str) -> Quantity {
        Quantity {
            value: number(value),
            unit: Some(code.to_owned()),
            system: Some(ucum::UCUM.to_owned()),
            code: Some(code.to_owned()),
        }
    }
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub(crate) struct Range {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub low: Option<Quantity>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub high: Option<Quantity>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub(crate) struct Period {
    pub start: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end: Option<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub(crate) struct Annotation {
    pub text: String,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Extension {
    pub url: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value_integer: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value_string: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value_decimal: Option<serde_json::Number>,
}

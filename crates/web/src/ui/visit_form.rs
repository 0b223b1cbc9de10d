//! The visit entry form's field model (issue #7 item 2): which labs the form offers and the
//! units each accepts — read from sledger-core's lab catalogue (renal.md §6, sle-activity §9.3),
//! never a second list — and the translation of the form's strings into the visit JSON of
//! `sledger_store::visit_wire::parse_visit`, so a visit saved from the browser goes through the
//! same validated, all-or-nothing path as the API and the CLI (`Store::record_visit`).
//!
//! Each field is checked on its own first, through core's own parsers (`Observation::parse`,
//! `Pga::from_hundredths`, `parse_dose`), so the form can show every refusal next to its field
//! at once; the whole visit is then parsed by `parse_visit`, whose refusal (if any) is mapped
//! back to the form field it came from.

use std::collections::HashMap;
use std::str::FromStr;

use jiff::civil::Date;
use rust_decimal::Decimal;
use serde_json::{Map, Value, json};
use sledger_core::InputError;
use sledger_core::measures::pga::Pga;
use sledger_core::measures::sledai2k::Descriptor;
use sledger_core::protocol::VisitCode;
use sledger_core::record::medication::parse_dose;
use sledger_core::record::observation::{
    CatalogueEntry, LAB_CATALOGUE, LabItem, Observation, ObservationReport, ObservationSource,
    ObservationValue,
};
use sledger_core::units::urine_protein::UrineSpecimen;
use sledger_store::VisitSubmission;

/// Which reference limit of the same report a lab field carries: the SLEDAI-2K reads C3, C4
/// and CH50 against the lower limit and anti-dsDNA against the upper limit printed on the
/// report (sle-activity §1.5; docs/record.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Reference {
    None,
    Low,
    High,
}

/// One lab of the visit form: the form's field name and the catalogue item it records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct LabField {
    /// The input's `name` (`creatinine`); its unit select is `<name>_unit`.
    pub name: &'static str,
    pub item: LabItem,
    pub reference: Reference,
}

const fn lab(name: &'static str, item: LabItem, reference: Reference) -> LabField {
    LabField {
        name,
        item,
        reference,
    }
}

/// The labs the visit form offers, in form order: the catalogue items the measures read
/// (renal.md §0.1 and §2, sle-activity §9.3). UACR, serum albumin and the other codes of
/// renal.md §6 that no measure reads are not offered: they would be stored and read by none.
pub(crate) const LAB_FIELDS: [LabField; 16] = [
    lab("creatinine", LabItem::SerumCreatinine, Reference::None),
    lab("upcr", LabItem::Upcr, Reference::None),
    lab("protein_24h", LabItem::UrineProtein24h, Reference::None),
    lab("urine_rbc", LabItem::UrineRbcPerHpf, Reference::None),
    lab("urine_wbc", LabItem::UrineWbcPerHpf, Reference::None),
    lab("c3", LabItem::ComplementC3, Reference::Low),
    lab("c4", LabItem::ComplementC4, Reference::Low),
    lab("ch50", LabItem::Ch50, Reference::Low),
    lab("anti_dsdna", LabItem::AntiDsdna, Reference::High),
    lab("hemoglobin", LabItem::Hemoglobin, Reference::None),
    lab("leukocytes", LabItem::Leukocytes, Reference::None),
    lab("platelets", LabItem::Platelets, Reference::None),
    lab("temperature", LabItem::BodyTemperature, Reference::None),
    lab("weight", LabItem::BodyWeight, Reference::None),
    lab("height", LabItem::BodyHeight, Reference::None),
    lab(
        "inflamed_joint_count",
        LabItem::InflamedJointCount,
        Reference::None,
    ),
];

/// The specimens a UPCR may name (renal.md §2.1), as the select offers them.
pub(crate) const UPCR_SPECIMENS: [&str; 4] = [
    "24h_collection",
    "first_morning_void",
    "random_spot",
    "unknown",
];

/// The per-visit yes/no facts the form asks (renal.md §3.1 `rescue`, §3.6 kidney failure):
/// the renal response needs them.
pub(crate) const YES_NO_FACTS: [&str; 2] = ["rescue_or_treatment_failure", "kidney_failure"];

/// Every input of the form that can carry a refusal (its `#error-<name>` element).
pub(crate) fn field_names() -> Vec<String> {
    let mut names = vec!["visit".to_owned(), "date".to_owned()];
    for f in &LAB_FIELDS {
        names.push(f.name.to_owned());
        if f.has_unit() {
            names.push(f.unit_field());
        }
        names.extend(f.reference_field());
    }
    names.push("upcr_specimen".to_owned());
    names.push("pga".to_owned());
    names.push("prednisone".to_owned());
    names.extend(YES_NO_FACTS.iter().map(|n| (*n).to_owned()));
    names
}

impl LabField {
    /// The catalogue entries of this item (one per LOINC code).
    fn entries(&self) -> impl Iterator<Item = &'static CatalogueEntry> + '_ {
        LAB_CATALOGUE.iter().filter(move |e| e.item == self.item)
    }

    /// The units the select offers: the catalogue's spellings for the item, one per unit (the
    /// `{creat}` annotations, the Greek-mu and the ASCII-u spellings name the same units as
    /// the micro-sign spelling shown; any of them is still accepted when posted).
    pub(crate) fn units(&self) -> Vec<&'static str> {
        let all: Vec<&'static str> = self
            .entries()
            .flat_map(|e| e.units.iter().copied())
            .collect();
        let mut out: Vec<&'static str> = Vec::new();
        for unit in all.iter().copied() {
            let micro = unit.contains('u') && all.contains(&unit.replacen('u', "µ", 1).as_str());
            let duplicate = unit.contains('{') || unit.contains('μ') || micro;
            if !duplicate && !out.contains(&unit) {
                out.push(unit);
            }
        }
        out
    }

    /// Whether the item carries a unit at all (a joint count does not).
    pub(crate) fn has_unit(&self) -> bool {
        self.entries().any(|e| !e.units.is_empty())
    }

    /// The `name` of the unit select.
    pub(crate) fn unit_field(&self) -> String {
        format!("{}_unit", self.name)
    }

    /// The `name` of the reference-limit input, if the field has one.
    pub(crate) fn reference_field(&self) -> Option<String> {
        match self.reference {
            Reference::None => None,
            Reference::Low => Some(format!("{}_ref_low", self.name)),
            Reference::High => Some(format!("{}_ref_high", self.name)),
        }
    }

    /// The catalogue entry (the code) that takes `unit` (2160-0 for mg/dL, 14682-9 for µmol/L).
    fn entry_for(&self, unit: Option<&str>) -> Option<&'static CatalogueEntry> {
        self.entries().find(|e| match unit {
            Some(u) => e.units.contains(&u),
            None => e.units.is_empty(),
        })
    }
}

/// What is wrong with one field, as the page explains it in its language (visit.ftl).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ErrorKind {
    /// Required and empty.
    Required,
    /// Not a decimal number.
    NotANumber,
    /// Not an ISO date.
    NotADate,
    /// A unit the item does not take; `allowed` lists the units it does.
    UnknownUnit { allowed: String },
    /// A value outside the data dictionary's range; the limits as core states them.
    OutOfRange {
        min: Option<String>,
        max: Option<String>,
    },
    /// Must be greater than 0.
    MustBePositive,
    /// Must not be negative.
    MustNotBeNegative,
    /// A whole number from 0 to `max`.
    WholeNumber { max: String },
    /// The visit is already recorded (a scheduled visit happens once).
    AlreadyRecorded,
    /// Any other refusal: core's rule, in words.
    Refused { rule: String },
}

/// A refusal of one form field: the field's `name`, the value given and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FormError {
    pub field: String,
    pub value: String,
    pub kind: ErrorKind,
}

impl FormError {
    fn new(field: impl Into<String>, value: impl Into<String>, kind: ErrorKind) -> FormError {
        FormError {
            field: field.into(),
            value: value.into(),
            kind,
        }
    }

    /// A refusal of core's for `field`, its rule read into a kind the page can translate.
    pub(crate) fn from_input(field: impl Into<String>, e: &InputError) -> FormError {
        FormError::new(field, e.value.clone(), classify(&e.rule))
    }
}

/// Reads core's rule text into a kind: the ranges core states ("must be between 10 and 2000
/// µmol/L", "must be at most 30 g/g", "must be greater than 0", …). Anything else keeps the
/// rule in words.
fn classify(rule: &str) -> ErrorKind {
    let word = |s: &str| {
        s.split_whitespace()
            .next()
            .map(|w| w.trim_end_matches([',', ';', ')']).to_owned())
    };
    if rule.starts_with("must be greater than 0") {
        return ErrorKind::MustBePositive;
    }
    if rule.starts_with("must not be negative") {
        return ErrorKind::MustNotBeNegative;
    }
    if let Some(rest) = rule.split("a whole number from 0 to ").nth(1) {
        return ErrorKind::WholeNumber {
            max: word(rest).unwrap_or_default(),
        };
    }
    if rule.contains("recorded twice") {
        return ErrorKind::AlreadyRecorded;
    }
    if let Some(rest) = rule.split("must be between ").nth(1)
        && let Some((min, rest)) = rest.split_once(" and ")
    {
        let max = rest
            .split(" (")
            .next()
            .map(|m| m.split(" in canonical").next().unwrap_or(m).to_owned());
        return ErrorKind::OutOfRange {
            min: Some(min.to_owned()),
            max,
        };
    }
    if let Some(rest) = rule.split("must be at most ").nth(1) {
        return ErrorKind::OutOfRange {
            min: None,
            max: rest.split(" (").next().map(str::to_owned),
        };
    }
    if let Some(rest) = rule.split("must be at least ").nth(1) {
        return ErrorKind::OutOfRange {
            min: rest
                .split(" in canonical")
                .next()
                .map(|m| m.split(" (").next().unwrap_or(m).to_owned()),
            max: None,
        };
    }
    ErrorKind::Refused {
        rule: rule.to_owned(),
    }
}

/// The visit form as submitted: input name → value (empty inputs count as absent).
#[derive(Debug, Clone, Default)]
pub(crate) struct VisitForm {
    values: HashMap<String, String>,
}

impl VisitForm {
    pub(crate) fn new(values: HashMap<String, String>) -> VisitForm {
        VisitForm { values }
    }

    /// The trimmed value of `name`, `None` when empty or absent.
    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        self.values
            .get(name)
            .map(|v| v.trim())
            .filter(|v| !v.is_empty())
    }

    /// The value of `name` as typed (for re-showing the form), "" when absent.
    pub(crate) fn value(&self, name: &str) -> &str {
        self.values.get(name).map_or("", String::as_str)
    }

    /// The form with only the inputs whose name `keep` accepts.
    pub(crate) fn filtered(&self, keep: impl Fn(&str) -> bool) -> VisitForm {
        VisitForm {
            values: self
                .values
                .iter()
                .filter(|(k, _)| keep(k))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
        }
    }

    /// Sets input `name` (a test's change to a filled form).
    #[cfg(test)]
    pub(crate) fn set(&mut self, name: &str, value: &str) {
        self.values.insert(name.to_owned(), value.to_owned());
    }

    /// Whether the checkbox `name` is ticked.
    pub(crate) fn checked(&self, name: &str) -> bool {
        self.get(name).is_some_and(|v| v != "false" && v != "off")
    }
}

/// A decimal as typed: `0.88` or, as written in Spain, `0,88`.
pub(crate) fn number(field: &str, text: &str) -> Result<Decimal, FormError> {
    let normal = if text.contains('.') {
        text.to_owned()
    } else {
        text.replace(',', ".")
    };
    Decimal::from_str(&normal)
        .or_else(|_| Decimal::from_scientific(&normal))
        .map_err(|_| FormError::new(field, text, ErrorKind::NotANumber))
}

/// A decimal as a JSON number, from its exact text.
fn json_number(d: Decimal) -> Value {
    let text = d.normalize().to_string();
    serde_json::from_str::<Value>(&text).unwrap_or(Value::String(text))
}

/// The form's visit code and date, parsed (`None` with the errors when either is refused).
fn visit_and_date(form: &VisitForm, errors: &mut Vec<FormError>) -> Option<(VisitCode, Date)> {
    let visit = match form.get("visit") {
        None => {
            errors.push(FormError::new("visit", "", ErrorKind::Required));
            None
        }
        Some(v) => VisitCode::parse("visit", v)
            .map_err(|e| errors.push(FormError::from_input("visit", &e)))
            .ok(),
    };
    let date = match form.get("date") {
        None => {
            errors.push(FormError::new("date", "", ErrorKind::Required));
            None
        }
        Some(d) => d
            .parse::<Date>()
            .map_err(|_| errors.push(FormError::new("date", d, ErrorKind::NotADate)))
            .ok(),
    };
    visit.zip(date)
}

/// One lab field as an observation of the visit JSON, checked by core's `Observation::parse`
/// (the same check `parse_visit` makes), with the refusal named by the form's field.
fn lab_observation(
    field: &LabField,
    form: &VisitForm,
    date: Option<Date>,
) -> Result<Option<Value>, FormError> {
    let Some(text) = form.get(field.name) else {
        return Ok(None);
    };
    let value = number(field.name, text)?;
    let unit_field = field.unit_field();
    let unit = if field.has_unit() {
        let Some(unit) = form.get(&unit_field) else {
            return Err(FormError::new(unit_field, "", ErrorKind::Required));
        };
        Some(unit)
    } else {
        None
    };
    let Some(entry) = field.entry_for(unit) else {
        return Err(FormError::new(
            unit_field,
            unit.unwrap_or_default(),
            ErrorKind::UnknownUnit {
                allowed: field.units().join(", "),
            },
        ));
    };
    let specimen = (field.item == LabItem::Upcr)
        .then(|| form.get("upcr_specimen").unwrap_or("unknown"))
        .map(|s| {
            serde_json::from_value::<UrineSpecimen>(Value::String(s.to_owned())).map_err(|_| {
                FormError::new(
                    "upcr_specimen",
                    s,
                    ErrorKind::Refused {
                        rule: UPCR_SPECIMENS.join(", "),
                    },
                )
            })
        })
        .transpose()?;
    let reference = match field.reference_field() {
        Some(name) => form
            .get(&name)
            .map(|t| number(&name, t))
            .transpose()?
            .map(|v| (name, v)),
        None => None,
    };
    let (low, high) = match (field.reference, &reference) {
        (Reference::Low, Some((_, v))) => (Some(*v), None),
        (Reference::High, Some((_, v))) => (None, Some(*v)),
        _ => (None, None),
    };
    if let Some(effective) = date {
        let report = ObservationReport {
            code_system: entry.system.uri().to_owned(),
            code: entry.code.to_owned(),
            value: ObservationValue::Quantity(value),
            unit: unit.map(str::to_owned),
            reference_low: low,
            reference_high: high,
            effective,
            specimen,
            source: ObservationSource::Form,
        };
        Observation::parse(report).map_err(|e| {
            let name = match e.field.as_ref() {
                "unit" => field.unit_field(),
                "specimen" => "upcr_specimen".to_owned(),
                "reference_low" | "reference_high" => reference
                    .as_ref()
                    .map_or_else(|| field.name.to_owned(), |(n, _)| n.clone()),
                _ => field.name.to_owned(),
            };
            FormError::from_input(name, &e)
        })?;
    }
    let mut o = Map::new();
    o.insert("code_system".into(), entry.system.uri().into());
    o.insert("code".into(), entry.code.into());
    o.insert("value".into(), json_number(value));
    if let Some(unit) = unit {
        o.insert("unit".into(), unit.into());
    }
    if let Some(s) = specimen {
        o.insert(
            "specimen".into(),
            serde_json::to_value(s).unwrap_or_default(),
        );
    }
    if let Some(l) = low {
        o.insert("reference_low".into(), json_number(l));
    }
    if let Some(h) = high {
        o.insert("reference_high".into(), json_number(h));
    }
    Ok(Some(Value::Object(o)))
}

/// The PGA as typed on its 0–3 scale, in hundredths (sle-activity §7.2, §9.4), checked by core.
fn pga_hundredths(form: &VisitForm) -> Result<Option<u16>, FormError> {
    let Some(text) = form.get("pga") else {
        return Ok(None);
    };
    let value = number("pga", text)?;
    let out_of_range = || {
        FormError::new(
            "pga",
            text,
            ErrorKind::OutOfRange {
                min: Some("0".to_owned()),
                max: Some("3".to_owned()),
            },
        )
    };
    // Hundredths of a point: a whole number, or the value has more than two decimals.
    let hundredths = value
        .checked_mul(Decimal::ONE_HUNDRED)
        .filter(|h| h.fract().is_zero())
        .ok_or_else(|| FormError::new("pga", text, ErrorKind::NotANumber))?;
    let h = u16::from_str(&hundredths.trunc().to_string()).map_err(|_| out_of_range())?;
    // Core refuses beyond 300 hundredths (sle-activity §7.2); shown on the 0–3 scale typed.
    Pga::from_hundredths(h).map_err(|_| out_of_range())?;
    Ok(Some(h))
}

/// The prednisone dose on the visit date (mg/day, oral), checked by core.
///
/// [DECISION] It is recorded as an exposure of that one day: active courses are summed
/// (sle-activity §8.4), so an open-ended course per visit would add each visit's dose to the
/// previous ones, and closing the previous course is a second write that `record_visit`
/// cannot make in the same transaction. The dose on each visit date — what the reduction
/// (§8.6), LLDAS and DORIS read — is then exact; cumulative exposure between visits (§8.5)
/// needs the courses recorded with their dates (API, CLI, FHIR import).
fn prednisone(form: &VisitForm, date: Option<Date>) -> Result<Option<Value>, FormError> {
    let Some(text) = form.get("prednisone") else {
        return Ok(None);
    };
    let dose = number("prednisone", text)?;
    parse_dose(dose, "mg").map_err(|e| FormError::from_input("prednisone", &e))?;
    Ok(date.map(|d| {
        json!({
            "agent": "prednisone", "dose": json_number(dose), "dose_unit": "mg",
            "route": "oral", "schedule": "daily", "start_date": d.to_string(),
            "end_date": d.to_string(), "indication": "protocol",
        })
    }))
}

/// The visit JSON of `parse_visit` for `patient`, or every field's refusal.
///
/// SLEDAI-2K: a ticked descriptor is `present`, an unticked one `absent` — the investigator
/// answers all 24 on the form (sle-activity §1.5; the answer wins over a lab proposal, README
/// erratum 4) [DECISION: a checkbox has no third state; "not assessed" is not offered].
pub(crate) fn visit_json(form: &VisitForm, patient: &str) -> Result<Value, Vec<FormError>> {
    let mut errors = Vec::new();
    let parsed = visit_and_date(form, &mut errors);
    let date = parsed.map(|(_, d)| d);
    let mut observations = Vec::new();
    for field in &LAB_FIELDS {
        match lab_observation(field, form, date) {
            Ok(Some(o)) => observations.push(o),
            Ok(None) => {}
            Err(e) => errors.push(e),
        }
    }
    let pga = pga_hundredths(form)
        .map_err(|e| errors.push(e))
        .ok()
        .flatten();
    let medication = prednisone(form, date)
        .map_err(|e| errors.push(e))
        .ok()
        .flatten();
    let mut facts = Map::new();
    for name in YES_NO_FACTS {
        match form.get(name) {
            None => {}
            Some(v @ ("true" | "false")) => {
                facts.insert(name.to_owned(), Value::Bool(v == "true"));
            }
            Some(other) => errors.push(FormError::new(
                name,
                other,
                ErrorKind::Refused {
                    rule: "true or false".to_owned(),
                },
            )),
        }
    }
    let Some((visit, date)) = parsed.filter(|_| errors.is_empty()) else {
        return Err(errors);
    };
    let sledai: Map<String, Value> = Descriptor::ALL
        .into_iter()
        .map(|d| {
            let key = format!("sledai_{}", d.name());
            let state = if form.checked(&key) {
                "present"
            } else {
                "absent"
            };
            (key, Value::from(state))
        })
        .collect();
    let key = form
        .get("idempotency_key")
        .map_or_else(|| format!("ui:{patient}/{visit}/{date}"), str::to_owned);
    let mut json = json!({
        "patient": patient, "visit": visit.to_string(), "date": date.to_string(),
        "idempotency_key": key, "observations": observations, "sledai": sledai,
        "medications": medication.into_iter().collect::<Vec<_>>(),
    });
    if let Some(obj) = json.as_object_mut() {
        if let Some(h) = pga {
            obj.insert("pga_hundredths".into(), Value::from(h));
        }
        obj.extend(facts);
    }
    Ok(json)
}

/// The form field a refusal of `parse_visit` names (`observations[2].unit` → the unit select
/// of the third lab given).
fn form_field(json: &Value, path: &str) -> String {
    if let Some(rest) = path.strip_prefix("observations[")
        && let Some((index, part)) = rest.split_once("].")
    {
        let code = index
            .parse::<usize>()
            .ok()
            .and_then(|i| json["observations"].get(i))
            .and_then(|o| o["code"].as_str());
        let field = LAB_FIELDS
            .iter()
            .find(|f| f.entries().any(|e| Some(e.code) == code));
        return match (field, part) {
            (Some(f), "unit") => f.unit_field(),
            (Some(f), "reference_low" | "reference_high") => {
                f.reference_field().unwrap_or_else(|| f.name.to_owned())
            }
            (Some(_), "specimen") => "upcr_specimen".to_owned(),
            (Some(f), _) => f.name.to_owned(),
            (None, _) => path.to_owned(),
        };
    }
    if path.starts_with("medications[") {
        return "prednisone".to_owned();
    }
    if let Some(rest) = path.strip_prefix("sledai.") {
        return rest.trim_end_matches("_date").to_owned();
    }
    match path {
        "pga_hundredths" => "pga".to_owned(),
        other => other.to_owned(),
    }
}

/// The form as the store's submission: every field checked (all refusals at once), then the
/// whole visit parsed by `parse_visit`, the path the API and CLI take.
pub(crate) fn submission(
    form: &VisitForm,
    patient: &str,
) -> Result<VisitSubmission, Vec<FormError>> {
    let json = visit_json(form, patient)?;
    sledger_store::visit_wire::parse_visit(&json).map_err(|e| {
        let value = match &e.value {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        vec![FormError::new(
            form_field(&json, &e.field),
            value,
            classify(&e.rule),
        )]
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(pairs: &[(&str, &str)]) -> VisitForm {
        VisitForm::new(
            pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
        )
    }

    #[test]
    fn units_come_from_the_catalogue() {
        let creatinine = &LAB_FIELDS[0];
        assert_eq!(creatinine.units(), ["mg/dL", "µmol/L", "mmol/L"]);
        let platelets = LAB_FIELDS
            .iter()
            .find(|f| f.name == "platelets")
            .expect("offered");
        assert_eq!(platelets.units(), ["10*9/L", "10*3/µL"]);
        let upcr = &LAB_FIELDS[1];
        assert_eq!(upcr.units(), ["mg/g", "g/g", "mg/mg", "mg/mmol", "g/mmol"]);
        let joints = LAB_FIELDS
            .iter()
            .find(|f| f.name == "inflamed_joint_count")
            .expect("offered");
        assert!(!joints.has_unit());
        // µmol/L creatinine is recorded under the molar code (renal.md §6 import rules).
        assert_eq!(
            creatinine.entry_for(Some("µmol/L")).map(|e| e.code),
            Some("14682-9")
        );
    }

    #[test]
    fn a_visit_form_becomes_the_visit_json() {
        let f = form(&[
            ("visit", "m9"),
            ("date", "2017-11-30"),
            ("creatinine", "0,88"),
            ("creatinine_unit", "mg/dL"),
            ("upcr", "250"),
            ("upcr_unit", "mg/g"),
            ("upcr_specimen", "24h_collection"),
            ("c3", "101"),
            ("c3_unit", "mg/dL"),
            ("c3_ref_low", "90"),
            ("sledai_arthritis", "on"),
            ("pga", "0.4"),
            ("prednisone", "5"),
            ("rescue_or_treatment_failure", "false"),
        ]);
        let json = visit_json(&f, "IDX-01").expect("valid");
        assert_eq!(json["observations"][0]["code"], "2160-0");
        assert_eq!(json["observations"][0]["value"], json!(0.88));
        assert_eq!(json["observations"][1]["specimen"], "24h_collection");
        assert_eq!(json["observations"][2]["reference_low"], json!(90));
        assert_eq!(json["sledai"]["sledai_arthritis"], "present");
        assert_eq!(json["sledai"]["sledai_seizure"], "absent");
        assert_eq!(json["pga_hundredths"], 40);
        assert_eq!(json["medications"][0]["dose"], json!(5));
        assert_eq!(json["rescue_or_treatment_failure"], false);
        let s = submission(&f, "IDX-01").expect("parse_visit accepts it");
        assert_eq!(s.observations.len(), 3);
        assert_eq!(s.pga.map(|p| p.hundredths()), Some(40));
    }

    #[test]
    fn every_field_refusal_is_named_at_once() {
        let f = form(&[
            ("visit", "m9"),
            ("date", "2017-11-31"),
            ("creatinine", "abc"),
            ("upcr", "250"),
            ("upcr_unit", "mmol/dL"),
            ("platelets", "5000"),
            ("platelets_unit", "10*9/L"),
            ("pga", "3.2"),
        ]);
        let errors = visit_json(&f, "IDX-01").expect_err("refused");
        let by_field: HashMap<&str, &ErrorKind> =
            errors.iter().map(|e| (e.field.as_str(), &e.kind)).collect();
        assert_eq!(by_field["date"], &ErrorKind::NotADate);
        assert_eq!(by_field["creatinine"], &ErrorKind::NotANumber);
        assert!(matches!(
            by_field["upcr_unit"],
            ErrorKind::UnknownUnit { allowed } if allowed.contains("mg/g")
        ));
        // Without a valid date the range checks wait; the unit and number checks do not.
        assert!(!by_field.contains_key("platelets"));
        assert!(matches!(by_field["pga"], ErrorKind::OutOfRange { .. }));
    }

    #[test]
    fn out_of_range_uses_core_limits() {
        let f = form(&[
            ("visit", "m1"),
            ("date", "2017-03-31"),
            ("creatinine", "30"),
            ("creatinine_unit", "mg/dL"),
            ("leukocytes", "250"),
            ("leukocytes_unit", "10*9/L"),
        ]);
        let errors = visit_json(&f, "IDX-01").expect_err("refused");
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert_eq!(errors[0].field, "creatinine");
        assert_eq!(
            errors[0].kind,
            ErrorKind::OutOfRange {
                min: Some("10".to_owned()),
                max: Some("2000 µmol/L".to_owned())
            }
        );
        assert_eq!(errors[1].field, "leukocytes");
        assert_eq!(
            errors[1].kind,
            ErrorKind::OutOfRange {
                min: Some("0".to_owned()),
                max: Some("200".to_owned())
            }
        );
    }

    #[test]
    fn a_missing_unit_and_missing_visit_are_required() {
        let f = form(&[("creatinine", "1.1")]);
        let errors = visit_json(&f, "IDX-01").expect_err("refused");
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["visit", "date", "creatinine_unit"]);
        assert!(errors.iter().all(|e| e.kind == ErrorKind::Required));
    }

    #[test]
    fn parse_visit_refusals_map_back_to_the_form_field() {
        let json = json!({"observations": [{"code": "2160-0"}, {"code": "2890-2"}]});
        assert_eq!(form_field(&json, "observations[1].unit"), "upcr_unit");
        assert_eq!(form_field(&json, "observations[0].value"), "creatinine");
        assert_eq!(form_field(&json, "medications[0].dose"), "prednisone");
        assert_eq!(form_field(&json, "pga_hundredths"), "pga");
    }
}

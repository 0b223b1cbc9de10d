//! An observation as reported (code, value, raw unit, reference range, date, specimen, source)
//! and the catalogue of the codes the measures use (renal.md §0.1, §2.1, §6; sle-activity
//! §0.2, §9.3; README errata 10 and 12).
//!
//! DESIGN §3 "Units are kept as reported": the raw value, raw unit and code are kept; the
//! canonical value is derived once, here, when the observation is parsed. A code in the
//! catalogue used with a unit its property does not allow is refused (renal.md §6 "Import
//! rules"); a LOINC code outside the catalogue is stored as a raw observation that no measure
//! reads.

use jiff::civil::Date;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use crate::InputError;
use crate::dictionary::within;
use crate::measures::egfr::HeightCm;
use crate::units::creatinine::{CreatinineUnit, SerumCreatinine};
use crate::units::urine_protein::{
    Protein24hUnit, RatioUnit, UrineProtein24h, UrineRatio, UrineRatioKind, UrineSpecimen,
};

/// The code system of an observation: LOINC, or sledger's own system for items LOINC does not
/// cover (joint counts, cast findings).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CodeSystem {
    /// `http://loinc.org`
    Loinc,
    /// `urn:sledger`
    Sledger,
}

impl CodeSystem {
    /// The system URI as FHIR writes it.
    pub const fn uri(self) -> &'static str {
        match self {
            CodeSystem::Loinc => "http://loinc.org",
            CodeSystem::Sledger => "urn:sledger",
        }
    }

    /// Parses a system URI; anything but the two systems is refused naming `code_system`.
    pub fn parse(uri: &str) -> Result<CodeSystem, InputError> {
        match uri {
            "http://loinc.org" => Ok(CodeSystem::Loinc),
            "urn:sledger" => Ok(CodeSystem::Sledger),
            _ => Err(InputError::new(
                "code_system",
                uri,
                "must be http://loinc.org or urn:sledger",
            )),
        }
    }
}

/// The value of an observation as reported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ObservationValue {
    Quantity(Decimal),
    Text(String),
    Boolean(bool),
}

/// Where an observation came from (issue #3: form | fhir | csv with its import id).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ObservationSource {
    Form,
    Fhir { import_id: String },
    Csv { import_id: String },
}

/// The quantities the measures read, one per clinical concept (whatever the code and unit).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum LabItem {
    /// Serum/plasma creatinine; canonical mg/dL (renal.md §0.1, §1.1).
    SerumCreatinine,
    /// Urine protein/creatinine ratio; canonical mg/g (renal.md §2.2).
    Upcr,
    /// 24-h urine protein; canonical g/(24.h) (renal.md §0.1).
    UrineProtein24h,
    /// Complement C3; canonical g/L (sle-activity §9.3: mg/dL × 0.01), 0–5 g/L.
    ComplementC3,
    /// Complement C4; canonical g/L, 0–2 g/L.
    ComplementC4,
    /// Total haemolytic complement CH50; U/mL, 0–500.
    Ch50,
    /// Anti-dsDNA; IU/mL (assay units), ≥ 0.
    AntiDsdna,
    /// Platelets; × 10⁹/L (= 10³/µL), 0–2000.
    Platelets,
    /// Leukocytes; × 10⁹/L, 0–200.
    Leukocytes,
    /// Urine red cells per high-power field, 0–1000.
    UrineRbcPerHpf,
    /// Urine white cells per high-power field, 0–1000.
    UrineWbcPerHpf,
    /// Haemoglobin; g/dL (g/L ÷ 10), 2–25.
    Hemoglobin,
    /// Body temperature; °C, 30–45.
    BodyTemperature,
    /// Body weight; kg, 20–250.
    BodyWeight,
    /// Body height; cm (m × 100, in × 2.54), for the pediatric eGFR (renal.md §0.1, §1.5).
    BodyHeight,
    /// Inflamed joints (tender with swelling or effusion), 0–68 (sle-activity §9.3).
    InflamedJointCount,
    /// Heme-granular or red-cell casts in the urine sediment (SLEDAI-2K #11).
    UrineRbcOrHemeGranularCasts,
    /// A qualitative anti-dsDNA result where no number is reported (SLEDAI-2K #21).
    AntiDsdnaPositive,
}

/// One code the measures read: its item, what the code means and the units it may carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CatalogueEntry {
    pub system: CodeSystem,
    pub code: &'static str,
    pub item: LabItem,
    /// What the code is, in the words of the refusal message ("creatinine in mass/volume").
    pub description: &'static str,
    /// The unit spellings allowed (UCUM as in renal.md §6 plus common lab spellings); empty
    /// for unitless items.
    pub units: &'static [&'static str],
}

const CREATININE_MOLAR: &[&str] = &["umol/L", "µmol/L", "μmol/L", "mmol/L"];
const RATIO_MASS: &[&str] = &[
    "mg/g",
    "mg/g{creat}",
    "g/g",
    "g/g{creat}",
    "mg/mg",
    "mg/mg{creat}",
];
const RATIO_MOLAR: &[&str] = &["mg/mmol", "mg/mmol{creat}", "g/mmol", "g/mmol{creat}"];
const PROTEIN_24H: &[&str] = &["g/(24.h)", "g/d", "mg/(24.h)", "mg/d"];
const COMPLEMENT: &[&str] = &["mg/dL", "g/L"];
const BLOOD_COUNT: &[&str] = &["10*9/L", "10*3/uL", "10*3/µL", "10*3/μL"];
const PER_HPF: &[&str] = &["/[HPF]", "/HPF"];

/// The codes of renal.md §6 (with README errata 10 and 12) and sle-activity §9 that measures
/// read. Codes of §6 that no measure reads yet (UACR, eGFR as reported, ESR, CRP …) are not
/// here: they are stored as raw observations.
pub const LAB_CATALOGUE: &[CatalogueEntry] = &[
    entry(
        CodeSystem::Loinc,
        "2160-0",
        LabItem::SerumCreatinine,
        "creatinine in mass/volume",
        &["mg/dL"],
    ),
    entry(
        CodeSystem::Loinc,
        "14682-9",
        LabItem::SerumCreatinine,
        "creatinine in moles/volume",
        CREATININE_MOLAR,
    ),
    entry(
        CodeSystem::Loinc,
        "2890-2",
        LabItem::Upcr,
        "urine protein/creatinine mass ratio",
        RATIO_MASS,
    ),
    entry(
        CodeSystem::Loinc,
        "34366-5",
        LabItem::Upcr,
        "urine protein/creatinine ratio per mmol creatinine",
        RATIO_MOLAR,
    ),
    entry(
        CodeSystem::Loinc,
        "2889-4",
        LabItem::UrineProtein24h,
        "24-h urine protein in mass/time",
        PROTEIN_24H,
    ),
    entry(
        CodeSystem::Loinc,
        "4485-9",
        LabItem::ComplementC3,
        "complement C3 in mass/volume",
        COMPLEMENT,
    ),
    entry(
        CodeSystem::Loinc,
        "4498-2",
        LabItem::ComplementC4,
        "complement C4 in mass/volume",
        COMPLEMENT,
    ),
    entry(
        CodeSystem::Loinc,
        "4532-8",
        LabItem::Ch50,
        "total haemolytic complement CH50 in units/volume",
        &["U/mL", "[U]/mL"],
    ),
    entry(
        CodeSystem::Loinc,
        "5130-0",
        LabItem::AntiDsdna,
        "anti-dsDNA in units/volume",
        &["[IU]/mL", "IU/mL"],
    ),
    entry(
        CodeSystem::Loinc,
        "777-3",
        LabItem::Platelets,
        "platelets in number/volume",
        BLOOD_COUNT,
    ),
    entry(
        CodeSystem::Loinc,
        "26515-7",
        LabItem::Platelets,
        "platelets in number/volume",
        BLOOD_COUNT,
    ),
    entry(
        CodeSystem::Loinc,
        "6690-2",
        LabItem::Leukocytes,
        "leukocytes in number/volume",
        BLOOD_COUNT,
    ),
    entry(
        CodeSystem::Loinc,
        "26464-8",
        LabItem::Leukocytes,
        "leukocytes in number/volume",
        BLOOD_COUNT,
    ),
    entry(
        CodeSystem::Loinc,
        "13945-1",
        LabItem::UrineRbcPerHpf,
        "urine erythrocytes per high-power field",
        PER_HPF,
    ),
    entry(
        CodeSystem::Loinc,
        "5821-4",
        LabItem::UrineWbcPerHpf,
        "urine leukocytes per high-power field",
        PER_HPF,
    ),
    entry(
        CodeSystem::Loinc,
        "718-7",
        LabItem::Hemoglobin,
        "haemoglobin in mass/volume",
        &["g/dL", "g/L"],
    ),
    entry(
        CodeSystem::Loinc,
        "8310-5",
        LabItem::BodyTemperature,
        "body temperature",
        &["Cel", "°C"],
    ),
    entry(
        CodeSystem::Loinc,
        "29463-7",
        LabItem::BodyWeight,
        "body weight",
        &["kg"],
    ),
    entry(
        CodeSystem::Loinc,
        "8302-2",
        LabItem::BodyHeight,
        "body height",
        &["cm", "m", "[in_i]"],
    ),
    entry(
        CodeSystem::Sledger,
        "inflamed_joint_count",
        LabItem::InflamedJointCount,
        "a count of inflamed joints",
        &[],
    ),
    entry(
        CodeSystem::Sledger,
        "urine_rbc_or_heme_granular_casts",
        LabItem::UrineRbcOrHemeGranularCasts,
        "a yes/no cast finding",
        &[],
    ),
    entry(
        CodeSystem::Sledger,
        "anti_dsdna_positive",
        LabItem::AntiDsdnaPositive,
        "a qualitative anti-dsDNA result",
        &[],
    ),
];

const fn entry(
    system: CodeSystem,
    code: &'static str,
    item: LabItem,
    description: &'static str,
    units: &'static [&'static str],
) -> CatalogueEntry {
    CatalogueEntry {
        system,
        code,
        item,
        description,
        units,
    }
}

/// Lookup of [`LAB_CATALOGUE`].
#[derive(Debug, Clone, Copy, Default)]
pub struct LabCatalogue;

impl LabCatalogue {
    /// The entry of a code, if the measures read it.
    pub fn entry(system: CodeSystem, code: &str) -> Option<&'static CatalogueEntry> {
        LAB_CATALOGUE
            .iter()
            .find(|e| e.system == system && e.code == code)
    }

    /// The rule broken by a unit not allowed for `entry`, with a pointer to the code of the
    /// same item that does take that unit (renal.md §6 "Import rules").
    fn unit_rule(entry: &CatalogueEntry, unit: Option<&str>) -> String {
        let mut rule = if entry.units.is_empty() {
            format!("{} is {}: no unit", entry.code, entry.description)
        } else {
            format!(
                "{} is {}: {}",
                entry.code,
                entry.description,
                entry.units.join(", ")
            )
        };
        let other = unit.and_then(|u| {
            LAB_CATALOGUE
                .iter()
                .find(|e| e.item == entry.item && e.code != entry.code && e.units.contains(&u))
        });
        if let (Some(other), Some(unit)) = (other, unit) {
            rule.push_str(&format!("; use {} for {unit}", other.code));
        }
        rule.push_str(" (renal.md §6 import rules)");
        rule
    }
}

/// The canonical quantity of an observation the measures read.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Measured {
    SerumCreatinine(SerumCreatinine),
    /// A UPCR with the specimen it was measured on (renal.md §2.1: every UPCR carries one).
    Upcr(UrineRatio, UrineSpecimen),
    UrineProtein24h(UrineProtein24h),
    Height(HeightCm),
    /// A level in the item's canonical unit ([`LabItem`]), with the reference limits of the
    /// same report converted to that unit.
    Level {
        value: Decimal,
        reference_low: Option<Decimal>,
        reference_high: Option<Decimal>,
    },
    /// A whole count (cells per HPF, inflamed joints).
    Count(u16),
    /// A yes/no finding.
    Finding(bool),
}

/// An observation as reported, before parsing (the store's row, a FHIR Observation, a CSV
/// line).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObservationReport {
    /// `http://loinc.org` or `urn:sledger`.
    pub code_system: String,
    pub code: String,
    pub value: ObservationValue,
    /// The unit as reported (UCUM string); `None` for unitless items.
    pub unit: Option<String>,
    /// The reference range printed on the same report, in the reported unit.
    pub reference_low: Option<Decimal>,
    pub reference_high: Option<Decimal>,
    pub effective: Date,
    /// For urine ratios (renal.md §2.1).
    pub specimen: Option<UrineSpecimen>,
    pub source: ObservationSource,
}

/// A parsed observation: the report as given plus, for catalogue codes, the canonical
/// quantity the measures read.
#[derive(Debug, Clone, PartialEq)]
pub struct Observation {
    system: CodeSystem,
    code: String,
    value: ObservationValue,
    unit: Option<String>,
    reference_low: Option<Decimal>,
    reference_high: Option<Decimal>,
    effective: Date,
    specimen: Option<UrineSpecimen>,
    source: ObservationSource,
    measured: Option<(LabItem, Measured)>,
}

impl Observation {
    /// Parses a reported observation (renal.md §6 import rules, sle-activity §9.3 ranges).
    ///
    /// Refused, naming the field: a system other than LOINC or sledger's (`code_system`); a
    /// malformed LOINC code or an unknown sledger code (`code`); for catalogue codes, a unit
    /// not allowed for the code (`unit`, e.g. 2160-0 in µmol/L), a value of the wrong kind or
    /// outside the data dictionary's range (`value`), a UPCR without its specimen or a
    /// specimen on anything but a UPCR (`specimen`), and reference limits that are negative
    /// or inverted (`reference_low`, `reference_high`). A LOINC code outside the catalogue is
    /// kept as reported and read by no measure.
    pub fn parse(report: ObservationReport) -> Result<Observation, InputError> {
        let system = CodeSystem::parse(&report.code_system)?;
        if system == CodeSystem::Loinc && !is_loinc_code(&report.code) {
            return Err(InputError::new(
                "code",
                &report.code,
                "a LOINC code is 1–7 digits, a dash and its mod-10 check digit (e.g. 2160-0)",
            ));
        }
        check_reference(report.reference_low, report.reference_high)?;
        let entry = LabCatalogue::entry(system, &report.code);
        if entry.is_none() && system == CodeSystem::Sledger {
            return Err(InputError::new(
                "code",
                &report.code,
                "unknown urn:sledger code: inflamed_joint_count, \
                 urine_rbc_or_heme_granular_casts or anti_dsdna_positive",
            ));
        }
        let is_upcr = entry.is_some_and(|e| e.item == LabItem::Upcr);
        match (is_upcr, report.specimen) {
            (true, None) => {
                return Err(InputError::new(
                    "specimen",
                    "null",
                    "a UPCR must name its specimen: 24h_collection, first_morning_void, \
                     random_spot or unknown (renal.md §2.1)",
                ));
            }
            (false, Some(_)) if entry.is_some() => {
                return Err(InputError::new(
                    "specimen",
                    &report.code,
                    "a specimen is recorded only for a urine protein/creatinine ratio (renal.md §2.1)",
                ));
            }
            _ => {}
        }
        let measured = entry
            .map(|e| measure(e, &report).map(|m| (e.item, m)))
            .transpose()?;
        Ok(Observation {
            system,
            code: report.code,
            value: report.value,
            unit: report.unit,
            reference_low: report.reference_low,
            reference_high: report.reference_high,
            effective: report.effective,
            specimen: report.specimen,
            source: report.source,
            measured,
        })
    }

    pub fn system(&self) -> CodeSystem {
        self.system
    }

    pub fn code(&self) -> &str {
        &self.code
    }

    /// The value as reported.
    pub fn value(&self) -> &ObservationValue {
        &self.value
    }

    /// The unit as reported.
    pub fn unit(&self) -> Option<&str> {
        self.unit.as_deref()
    }

    /// The reference range as reported (reported unit).
    pub fn reference_range(&self) -> (Option<Decimal>, Option<Decimal>) {
        (self.reference_low, self.reference_high)
    }

    /// The effective (collection) date.
    pub fn effective(&self) -> Date {
        self.effective
    }

    pub fn specimen(&self) -> Option<UrineSpecimen> {
        self.specimen
    }

    pub fn source(&self) -> &ObservationSource {
        &self.source
    }

    /// The item and canonical quantity, for catalogue codes; `None` for raw observations.
    pub fn measured(&self) -> Option<(LabItem, Measured)> {
        self.measured
    }

    /// The canonical quantity if this observation is `item`.
    pub fn measured_as(&self, item: LabItem) -> Option<Measured> {
        self.measured.filter(|(i, _)| *i == item).map(|(_, m)| m)
    }
}

/// LOINC code shape `\d{1,7}-\d` with the mod-10 (Luhn) check digit of the LOINC manual.
fn is_loinc_code(code: &str) -> bool {
    let Some((body, check)) = code.split_once('-') else {
        return false;
    };
    let digits_ok = |s: &str, max: usize| {
        !s.is_empty() && s.len() <= max && s.bytes().all(|b| b.is_ascii_digit())
    };
    if !digits_ok(body, 7) || !digits_ok(check, 1) {
        return false;
    }
    let sum: u32 = body
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
            if i % 2 == 0 {
                let doubled = d * 2;
                doubled / 10 + doubled % 10
            } else {
                d
            }
        })
        .sum();
    (10 - sum % 10) % 10 == u32::from(check.as_bytes()[0] - b'0')
}

fn check_reference(low: Option<Decimal>, high: Option<Decimal>) -> Result<(), InputError> {
    if let Some(l) = low.filter(|l| *l < Decimal::ZERO) {
        return Err(InputError::new("reference_low", l, "must not be negative"));
    }
    if let Some(h) = high.filter(|h| *h <= Decimal::ZERO) {
        return Err(InputError::new(
            "reference_high",
            h,
            "must be greater than 0",
        ));
    }
    if let (Some(l), Some(h)) = (low, high)
        && l > h
    {
        return Err(InputError::new(
            "reference_low",
            l,
            "must not be above reference_high",
        ));
    }
    Ok(())
}

fn quantity(report: &ObservationReport, entry: &CatalogueEntry) -> Result<Decimal, InputError> {
    match &report.value {
        ObservationValue::Quantity(v) => Ok(*v),
        other => Err(InputError::new(
            "value",
            format!("{other:?}"),
            format!(
                "{} is {}: a number is required",
                entry.code, entry.description
            ),
        )),
    }
}

/// The allowed unit spelling of `report`, or the refusal naming `unit`.
fn allowed_unit<'a>(
    report: &'a ObservationReport,
    entry: &CatalogueEntry,
) -> Result<Option<&'a str>, InputError> {
    let unit = report.unit.as_deref();
    let ok = match unit {
        None => entry.units.is_empty(),
        Some(u) => entry.units.contains(&u),
    };
    if !ok {
        return Err(InputError::new(
            "unit",
            unit.unwrap_or("null"),
            LabCatalogue::unit_rule(entry, unit),
        ));
    }
    Ok(unit)
}

/// The canonical quantity of a catalogue observation (conversions of renal.md §1.1, §2.2 and
/// sle-activity §9.3; ranges of sle-activity §9.3).
fn measure(entry: &CatalogueEntry, report: &ObservationReport) -> Result<Measured, InputError> {
    let unit = allowed_unit(report, entry)?;
    let unit_str = unit.unwrap_or("");
    match entry.item {
        LabItem::SerumCreatinine => {
            let unit = match unit_str {
                "mg/dL" => CreatinineUnit::MgPerDl,
                "mmol/L" => CreatinineUnit::MmolPerL,
                _ => CreatinineUnit::UmolPerL,
            };
            let value = quantity(report, entry)?;
            SerumCreatinine::from_reported("value", value, unit).map(Measured::SerumCreatinine)
        }
        LabItem::Upcr => {
            let unit = match unit_str.trim_end_matches("{creat}") {
                "mg/g" => RatioUnit::MgPerG,
                "g/g" => RatioUnit::GPerG,
                "mg/mg" => RatioUnit::MgPerMg,
                "mg/mmol" => RatioUnit::MgPerMmol,
                _ => RatioUnit::GPerMmol,
            };
            let value = quantity(report, entry)?;
            let specimen = report.specimen.unwrap_or(UrineSpecimen::Unknown);
            UrineRatio::from_reported(UrineRatioKind::Upcr, ("value", value), ("unit", unit))
                .map(|r| Measured::Upcr(r, specimen))
        }
        LabItem::UrineProtein24h => {
            let unit = if unit_str.starts_with("mg") {
                Protein24hUnit::MgPer24h
            } else {
                Protein24hUnit::GPer24h
            };
            let value = quantity(report, entry)?;
            UrineProtein24h::from_reported("value", value, unit).map(Measured::UrineProtein24h)
        }
        LabItem::BodyHeight => {
            let factor = match unit_str {
                "m" => Decimal::ONE_HUNDRED,
                "[in_i]" => Decimal::new(254, 2),
                _ => Decimal::ONE,
            };
            let value = quantity(report, entry)?;
            // A value too large to convert (Decimal overflow) is out of range as well.
            let cm = value
                .checked_mul(factor)
                .ok_or_else(|| InputError::new("value", value, "must be between 40 and 250 cm"))?;
            HeightCm::from_cm("value", cm).map(Measured::Height)
        }
        LabItem::UrineRbcPerHpf | LabItem::UrineWbcPerHpf => {
            count(quantity(report, entry)?, 1000, entry).map(Measured::Count)
        }
        LabItem::InflamedJointCount => {
            count(quantity(report, entry)?, 68, entry).map(Measured::Count)
        }
        LabItem::UrineRbcOrHemeGranularCasts | LabItem::AntiDsdnaPositive => match report.value {
            ObservationValue::Boolean(b) => Ok(Measured::Finding(b)),
            ref other => Err(InputError::new(
                "value",
                format!("{other:?}"),
                format!(
                    "{} is {}: true or false is required",
                    entry.code, entry.description
                ),
            )),
        },
        LabItem::ComplementC3
        | LabItem::ComplementC4
        | LabItem::Ch50
        | LabItem::AntiDsdna
        | LabItem::Platelets
        | LabItem::Leukocytes
        | LabItem::Hemoglobin
        | LabItem::BodyTemperature
        | LabItem::BodyWeight => level(entry, unit_str, quantity(report, entry)?, report),
    }
}

/// A whole count in `0..=max` (sle-activity §9.3).
fn count(value: Decimal, max: u16, entry: &CatalogueEntry) -> Result<u16, InputError> {
    if !value.fract().is_zero() || value < Decimal::ZERO || value > Decimal::from(max) {
        return Err(InputError::new(
            "value",
            value,
            format!(
                "{} is {}: a whole number from 0 to {max} (data dictionary, sle-activity §9.3)",
                entry.code, entry.description
            ),
        ));
    }
    Ok(value
        .to_u16()
        .expect("a whole number in 0..=max fits a u16"))
}

/// A level converted to the item's canonical unit and checked against the data dictionary's
/// range (sle-activity §9.3): the factor and the range per item.
fn level(
    entry: &CatalogueEntry,
    unit: &str,
    value: Decimal,
    report: &ObservationReport,
) -> Result<Measured, InputError> {
    let factor = match (entry.item, unit) {
        // sle-activity §9.3: C3/C4 in g/L, mg/dL × 0.01.
        (LabItem::ComplementC3 | LabItem::ComplementC4, "mg/dL") => Decimal::new(1, 2),
        // sle-activity §9.3: haemoglobin g/dL, g/L ÷ 10.
        (LabItem::Hemoglobin, "g/L") => Decimal::new(1, 1),
        // 10³/µL = 10⁹/L; every other allowed unit is the canonical one.
        _ => Decimal::ONE,
    };
    let (min, max, dictionary) = match entry.item {
        LabItem::ComplementC3 => (0, Some(5), "c3_value, g/L"),
        LabItem::ComplementC4 => (0, Some(2), "c4_value, g/L"),
        LabItem::Ch50 => (0, Some(500), "ch50_value, U/mL"),
        LabItem::AntiDsdna => (0, None, "anti_dsdna_value"),
        LabItem::Platelets => (0, Some(2000), "platelets, 10⁹/L"),
        LabItem::Leukocytes => (0, Some(200), "wbc, 10⁹/L"),
        LabItem::Hemoglobin => (2, Some(25), "hemoglobin_g_dl, g/dL"),
        LabItem::BodyTemperature => (30, Some(45), "body_temperature_max_c, °C"),
        _ => (20, Some(250), "body_weight_kg, kg"),
    };
    let canonical = value * factor;
    let range = max.map_or_else(
        || format!("at least {min}"),
        |max| format!("between {min} and {max}"),
    );
    let max = max.map_or(Decimal::MAX, Decimal::from);
    within("value", canonical, Decimal::from(min), max).map_err(|_| {
        InputError::new(
            "value",
            value,
            format!(
                "{} ({}) must be {range} in canonical units once converted \
                 (data dictionary {dictionary}, sle-activity §9.3); given in {unit}",
                entry.code, entry.description
            ),
        )
    })?;
    Ok(Measured::Level {
        value: canonical,
        reference_low: report.reference_low.map(|l| l * factor),
        reference_high: report.reference_high.map(|h| h * factor),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;
    use rust_decimal_macros::dec;

    fn report(code: &str, value: Decimal, unit: Option<&str>) -> ObservationReport {
        ObservationReport {
            code_system: "http://loinc.org".to_owned(),
            code: code.to_owned(),
            value: ObservationValue::Quantity(value),
            unit: unit.map(str::to_owned),
            reference_low: None,
            reference_high: None,
            effective: date(2025, 3, 10),
            specimen: None,
            source: ObservationSource::Form,
        }
    }

    fn level(o: &Observation) -> Decimal {
        match o.measured() {
            Some((_, Measured::Level { value, .. })) => value,
            other => panic!("not a level: {other:?}"),
        }
    }

    /// renal.md §6 import rules: 2160-0 is the mass concentration; µmol/L belongs to 14682-9.
    #[test]
    fn a_height_too_large_to_convert_is_refused() {
        // Found by the fuzz work (docs/interop.md "Robustness"): m × 100 overflowed Decimal.
        let e = Observation::parse(report("8302-2", Decimal::MAX, Some("m"))).unwrap_err();
        assert_eq!(e.field, "value");
    }

    #[test]
    fn creatinine_mass_code_refuses_molar_units() {
        for unit in ["umol/L", "µmol/L"] {
            let err = Observation::parse(report("2160-0", dec!(106.08), Some(unit)))
                .expect_err("molar unit on the mass code");
            assert_eq!(err.field, "unit", "{unit}");
            assert_eq!(err.value, unit);
            assert!(
                err.rule
                    .starts_with("2160-0 is creatinine in mass/volume: mg/dL; use 14682-9 for"),
                "{}",
                err.rule
            );
        }
        let err = Observation::parse(report("14682-9", dec!(1.2), Some("mg/dL")))
            .expect_err("mass unit on the molar code");
        assert_eq!(err.field, "unit");
        assert!(err.rule.contains("use 2160-0 for mg/dL"), "{}", err.rule);
        let err = Observation::parse(report("2160-0", dec!(1.2), None)).expect_err("no unit");
        assert_eq!(err.field, "unit");
    }

    /// renal.md §1.1 vectors through the import: 106.08 µmol/L (14682-9) = 1.2000 mg/dL, the
    /// raw value and unit kept.
    #[test]
    fn creatinine_molar_code_converts_to_mg_dl() {
        let o = Observation::parse(report("14682-9", dec!(106.08), Some("µmol/L"))).expect("valid");
        let Some((LabItem::SerumCreatinine, Measured::SerumCreatinine(scr))) = o.measured() else {
            panic!("not a creatinine: {o:?}");
        };
        assert_eq!(scr.mg_dl(), dec!(1.2));
        assert_eq!(o.unit(), Some("µmol/L"));
        assert_eq!(o.value(), &ObservationValue::Quantity(dec!(106.08)));
        let o = Observation::parse(report("14682-9", dec!(88.4), Some("umol/L"))).expect("valid");
        assert!(
            matches!(o.measured(), Some((_, Measured::SerumCreatinine(s))) if s.mg_dl() == dec!(1))
        );
        let o = Observation::parse(report("2160-0", dec!(1.2), Some("mg/dL"))).expect("valid");
        assert!(
            matches!(o.measured(), Some((_, Measured::SerumCreatinine(s))) if s.mg_dl() == dec!(1.2))
        );
    }

    /// renal.md §2.1: a UPCR carries its specimen; §2.2 exact factors (P1, P2); README
    /// erratum 12: 2890-2 is the mass ratio, 34366-5 the per-mmol ratio.
    #[test]
    fn upcr_codes_units_and_specimen() {
        let err =
            Observation::parse(report("2890-2", dec!(0.5), Some("g/g"))).expect_err("no specimen");
        assert_eq!(err.field, "specimen");
        let mut r = report("2890-2", dec!(0.5), Some("g/g"));
        r.specimen = Some(UrineSpecimen::FirstMorningVoid);
        let o = Observation::parse(r).expect("valid");
        assert!(matches!(
            o.measured(),
            Some((LabItem::Upcr, Measured::Upcr(u, UrineSpecimen::FirstMorningVoid))) if u.mg_per_g() == dec!(500)
        ));
        let mut r = report("34366-5", dec!(50), Some("mg/mmol{creat}"));
        r.specimen = Some(UrineSpecimen::RandomSpot);
        let o = Observation::parse(r).expect("valid");
        assert!(
            matches!(o.measured(), Some((_, Measured::Upcr(u, _))) if u.mg_per_g() == dec!(442.000))
        );
        let mut r = report("2890-2", dec!(50), Some("mg/mmol"));
        r.specimen = Some(UrineSpecimen::RandomSpot);
        let err = Observation::parse(r).expect_err("molar unit on the mass ratio");
        assert_eq!(err.field, "unit");
        assert!(err.rule.contains("use 34366-5 for mg/mmol"), "{}", err.rule);
        let mut r = report("2160-0", dec!(1), Some("mg/dL"));
        r.specimen = Some(UrineSpecimen::RandomSpot);
        assert_eq!(
            Observation::parse(r).expect_err("specimen on serum").field,
            "specimen"
        );
    }

    /// sle-activity §9.3 ranges at, just below and just above each boundary, after the unit
    /// conversion (C3/C4 mg/dL × 0.01, haemoglobin g/L ÷ 10, 10³/µL = 10⁹/L).
    #[test]
    fn dictionary_ranges_after_conversion() {
        let ok = |code: &str, v: Decimal, unit: &str| {
            Observation::parse(report(code, v, Some(unit))).map(|o| level(&o))
        };
        assert_eq!(ok("4485-9", dec!(500), "mg/dL"), Ok(dec!(5.00)));
        assert_eq!(ok("4485-9", dec!(5), "g/L"), Ok(dec!(5)));
        assert_eq!(
            ok("4485-9", dec!(501), "mg/dL").expect_err("above").field,
            "value"
        );
        assert_eq!(
            ok("4485-9", dec!(5.01), "g/L").expect_err("above").field,
            "value"
        );
        assert_eq!(ok("4498-2", dec!(2), "g/L"), Ok(dec!(2)));
        assert!(ok("4498-2", dec!(201), "mg/dL").is_err());
        assert_eq!(ok("718-7", dec!(120), "g/L"), Ok(dec!(12.0)));
        assert!(ok("718-7", dec!(19), "g/L").is_err());
        assert_eq!(ok("777-3", dec!(2000), "10*3/uL"), Ok(dec!(2000)));
        assert!(ok("26515-7", dec!(2000.1), "10*9/L").is_err());
        assert_eq!(ok("6690-2", dec!(0), "10*9/L"), Ok(dec!(0)));
        assert!(ok("6690-2", dec!(-0.1), "10*9/L").is_err());
        assert_eq!(ok("8310-5", dec!(45), "Cel"), Ok(dec!(45)));
        assert!(ok("8310-5", dec!(29.9), "Cel").is_err());
        assert_eq!(ok("29463-7", dec!(20), "kg"), Ok(dec!(20)));
        assert!(ok("29463-7", dec!(19.9), "kg").is_err());
        assert!(ok("29463-7", dec!(70), "[lb_av]").is_err());
        let cells = |v: Decimal| Observation::parse(report("13945-1", v, Some("/[HPF]")));
        assert!(matches!(
            cells(dec!(1000)).map(|o| o.measured()),
            Ok(Some((_, Measured::Count(1000))))
        ));
        assert!(cells(dec!(1001)).is_err());
        assert!(cells(dec!(5.5)).is_err());
    }

    /// Reference limits are converted with the value (the LLN of the same report).
    #[test]
    fn reference_limits_follow_the_unit() {
        let mut r = report("4485-9", dec!(62), Some("mg/dL"));
        r.reference_low = Some(dec!(90));
        r.reference_high = Some(dec!(180));
        let o = Observation::parse(r).expect("valid");
        assert_eq!(
            o.measured(),
            Some((
                LabItem::ComplementC3,
                Measured::Level {
                    value: dec!(0.62),
                    reference_low: Some(dec!(0.90)),
                    reference_high: Some(dec!(1.80)),
                }
            ))
        );
        let mut r = report("4485-9", dec!(62), Some("mg/dL"));
        r.reference_low = Some(dec!(90));
        r.reference_high = Some(dec!(80));
        assert_eq!(
            Observation::parse(r).expect_err("inverted").field,
            "reference_low"
        );
    }

    #[test]
    fn unknown_loinc_is_kept_raw_and_bad_codes_are_refused() {
        // 1988-5 CRP is in renal.md §6 but read by no measure: stored, not used.
        let o = Observation::parse(report("1988-5", dec!(3), Some("mg/L"))).expect("raw");
        assert_eq!(o.measured(), None);
        assert_eq!(o.code(), "1988-5");
        assert_eq!(
            Observation::parse(report("2160-1", dec!(1), Some("mg/dL")))
                .expect_err("check digit")
                .field,
            "code"
        );
        let mut r = report("2160-0", dec!(1), Some("mg/dL"));
        r.code_system = "http://snomed.info/sct".to_owned();
        assert_eq!(
            Observation::parse(r).expect_err("system").field,
            "code_system"
        );
        let mut r = report("joints", dec!(3), None);
        r.code_system = "urn:sledger".to_owned();
        assert_eq!(
            Observation::parse(r)
                .expect_err("unknown sledger code")
                .field,
            "code"
        );
        let mut r = report("urine_rbc_or_heme_granular_casts", dec!(1), None);
        r.code_system = "urn:sledger".to_owned();
        assert_eq!(
            Observation::parse(r).expect_err("not a boolean").field,
            "value"
        );
    }

    /// Every catalogue LOINC code passes its own check digit (the table has no typo).
    #[test]
    fn catalogue_codes_are_valid_loinc() {
        for e in LAB_CATALOGUE
            .iter()
            .filter(|e| e.system == CodeSystem::Loinc)
        {
            assert!(is_loinc_code(e.code), "{}", e.code);
        }
    }
}

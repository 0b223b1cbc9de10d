//! Loading a protocol from TOML: serde with `deny_unknown_fields` everywhere, then semantic
//! validation. Every error names the line, column and key (docs/protocols.md).

use std::collections::HashSet;
use std::num::NonZeroU16;
use std::ops::Range;

use serde::Deserialize;
use toml::Spanned;

use super::arm::{Arm, Intervention};
use super::cell_product::{CellProduct, CellSource, Donor, Dose, Route};
use super::eligibility::{
    AgeRange, BiopsyRecency, ClassList, Criterion, Eligibility, Rule, SledaiThreshold,
};
use super::endpoint::{EndpointMeasure, Imputation, PrimaryEndpoint};
use super::error::ProtocolError;
use super::measurement::{self, Measurement};
use super::schedule::{Schedule, ScheduledVisit, target_day};
use super::stratification::StratificationFactor;
use super::visit_code::VisitCode;
use super::visit_window::VisitWindow;
use super::{Blinding, Design, Protocol};
use crate::measures::isn_rps_class::IsnRpsClass;
use crate::measures::renal_response::ResponseVariant;
use randomization::RawRandomization;

/// The largest SLEDAI-2K score: the sum of the 24 descriptor weights (sle-activity §0.5).
const SLEDAI2K_MAX: u8 = 105;
/// Oldest age a criterion may name.
const AGE_MAX: u8 = 120;

mod randomization;

/// Loads and validates a protocol from the TOML `text` of the file called `file` (the name
/// is only used in errors). The first error found is returned.
pub fn load(file: &str, text: &str) -> Result<Protocol, ProtocolError> {
    let raw: RawProtocol = toml::from_str(text).map_err(|e| serde_error(file, text, &e))?;
    Loader { file, text }.protocol(raw)
}

/// A serde/TOML error: the span from toml, the key path from its context line.
fn serde_error(file: &str, text: &str, error: &toml::de::Error) -> ProtocolError {
    let span = error.span().unwrap_or(0..0);
    let message = error.message().to_owned();
    // Without the input, toml's Display ends with "in `a.b.c`" naming the key path.
    let mut bare = error.clone();
    bare.set_input(None);
    let rendered = bare.to_string();
    let mut key = rendered
        .lines()
        .find_map(|l| l.strip_prefix("in `")?.strip_suffix('`'))
        .unwrap_or_default()
        .to_owned();
    // For an unknown or a missing key, name it in the path too.
    let named = ["unknown field `", "missing field `"]
        .iter()
        .find_map(|prefix| message.strip_prefix(prefix)?.split('`').next());
    if let Some(field) = named {
        key = if key.is_empty() {
            field.to_owned()
        } else {
            format!("{key}.{field}")
        };
    }
    ProtocolError::at(file, text, span, key, message)
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProtocol {
    id: Spanned<String>,
    title: Spanned<String>,
    version: Spanned<String>,
    registry_id: Option<Spanned<String>>,
    design: Spanned<Design>,
    blinding: Spanned<Blinding>,
    target_participants: Spanned<u32>,
    arms: Spanned<Vec<Spanned<RawArm>>>,
    visits: Spanned<Vec<Spanned<RawVisit>>>,
    eligibility: Option<RawEligibility>,
    primary_endpoint: Option<Spanned<RawEndpoint>>,
    stratification: Option<Spanned<Vec<Spanned<String>>>>,
    randomization: Option<Spanned<RawRandomization>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawArm {
    id: Spanned<String>,
    name: Spanned<String>,
    ratio: Spanned<u16>,
    product: Option<Spanned<RawProduct>>,
    placebo: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProduct {
    source: CellSource,
    donor: Donor,
    route: Route,
    dose: Spanned<RawDose>,
    infusion_days: Spanned<Vec<Spanned<u16>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDose {
    total_cells: Option<Spanned<u64>>,
    cells_per_kg: Option<Spanned<u64>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawVisit {
    code: Spanned<VisitCode>,
    window: Spanned<RawWindow>,
    measurements: Spanned<Vec<Spanned<String>>>,
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWindow {
    before: u16,
    after: u16,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEligibility {
    #[serde(default)]
    inclusion: Vec<Spanned<RawCriterion>>,
    #[serde(default)]
    exclusion: Vec<Spanned<RawCriterion>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCriterion {
    id: Spanned<String>,
    text: Spanned<String>,
    age_years: Option<Spanned<RawAge>>,
    isn_rps_class: Option<Spanned<Vec<Spanned<String>>>>,
    sledai2k_at_least: Option<Spanned<u8>>,
    biopsy_within_months: Option<Spanned<RawBiopsy>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAge {
    min: Spanned<u8>,
    max: Option<Spanned<u8>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBiopsy {
    months: Spanned<u8>,
    moderate_or_severe_relapse: Option<Spanned<u8>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEndpoint {
    measure: Spanned<RawMeasureName>,
    variant: Spanned<ResponseVariant>,
    visit: Spanned<VisitCode>,
    imputation: Imputation,
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "snake_case")]
enum RawMeasureName {
    RenalResponse,
}

struct Loader<'a> {
    file: &'a str,
    text: &'a str,
}

type Checked<T> = Result<T, ProtocolError>;

impl Loader<'_> {
    fn error(
        &self,
        span: Range<usize>,
        key: impl Into<String>,
        message: impl Into<String>,
    ) -> ProtocolError {
        ProtocolError::at(self.file, self.text, span, key, message)
    }

    fn protocol(&self, raw: RawProtocol) -> Checked<Protocol> {
        let id = self.slug(&raw.id, "id", |c| c == '-')?;
        let title = self.non_empty(&raw.title, "title")?;
        let version = self.non_empty(&raw.version, "version")?;
        let registry_id = match &raw.registry_id {
            Some(r) => Some(self.non_empty(r, "registry_id")?),
            None => None,
        };
        if *raw.target_participants.get_ref() == 0 {
            return Err(self.error(
                raw.target_participants.span(),
                "target_participants",
                "the planned number of participants must be at least 1",
            ));
        }
        let design = *raw.design.get_ref();
        let blinding = *raw.blinding.get_ref();
        if blinding == Blinding::DoubleBlind && design != Design::Randomized {
            return Err(self.error(
                raw.blinding.span(),
                "blinding",
                "double_blind needs design = \"randomized\": a single arm has nothing to blind against",
            ));
        }
        let arms = self.arms(&raw.arms, design)?;
        let schedule = self.schedule(&raw.visits)?;
        let eligibility = match &raw.eligibility {
            Some(e) => self.eligibility(e)?,
            None => Eligibility::default(),
        };
        let primary_endpoint =
            self.endpoint(raw.primary_endpoint.as_ref(), &raw.design, &schedule)?;
        let stratification = self.stratification(raw.stratification.as_ref(), design)?;
        let randomization =
            self.randomization(raw.randomization.as_ref(), design, &arms, &stratification)?;
        Ok(Protocol {
            id,
            title,
            version,
            registry_id,
            design,
            blinding,
            target_participants: *raw.target_participants.get_ref(),
            arms,
            schedule,
            eligibility,
            primary_endpoint,
            stratification,
            randomization,
        })
    }

    fn non_empty(&self, value: &Spanned<String>, key: &str) -> Checked<String> {
        let text = value.get_ref().trim();
        if text.is_empty() {
            return Err(self.error(value.span(), key, "must not be empty"));
        }
        Ok(text.to_owned())
    }

    /// Lower-case ASCII letters and digits plus `extra`, starting with a letter or digit.
    fn slug(&self, value: &Spanned<String>, key: &str, extra: fn(char) -> bool) -> Checked<String> {
        let text = value.get_ref();
        let ok = text.starts_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
            && text
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || extra(c));
        if !ok {
            return Err(self.error(
                value.span(),
                key,
                format!("`{text}` is not an identifier: use lower-case letters, digits and the separators allowed here"),
            ));
        }
        Ok(text.clone())
    }

    fn arms(&self, raw: &Spanned<Vec<Spanned<RawArm>>>, design: Design) -> Checked<Vec<Arm>> {
        let mut arms = Vec::with_capacity(raw.get_ref().len());
        let mut ids = HashSet::new();
        for (n, arm) in raw.get_ref().iter().enumerate() {
            let key = format!("arms[{}]", n + 1);
            let arm_span = arm.span();
            let arm = arm.get_ref();
            let id = self.slug(&arm.id, &format!("{key}.id"), |c| c == '_' || c == '-')?;
            if !ids.insert(id.clone()) {
                return Err(self.error(
                    arm.id.span(),
                    format!("{key}.id"),
                    format!("arm id `{id}` is used twice"),
                ));
            }
            let name = self.non_empty(&arm.name, &format!("{key}.name"))?;
            let ratio = NonZeroU16::new(*arm.ratio.get_ref()).ok_or_else(|| {
                self.error(
                    arm.ratio.span(),
                    format!("{key}.ratio"),
                    "the allocation ratio must be a positive integer",
                )
            })?;
            let intervention = match (&arm.product, &arm.placebo) {
                (Some(product), None) => Intervention::CellProduct(self.product(product, &key)?),
                (None, Some(placebo)) => {
                    if design == Design::SingleArm {
                        return Err(self.error(
                            placebo.span(),
                            format!("{key}.placebo"),
                            "a single-arm study has no placebo arm",
                        ));
                    }
                    Intervention::Placebo {
                        description: self.non_empty(placebo, &format!("{key}.placebo"))?,
                    }
                }
                _ => {
                    return Err(self.error(
                        arm_span,
                        key,
                        "an arm has exactly one of `product` (a cell product table) or `placebo` (its description)",
                    ));
                }
            };
            arms.push(Arm {
                id,
                name,
                ratio,
                intervention,
            });
        }
        let count = arms.len();
        let fits = match design {
            Design::SingleArm => count == 1,
            Design::Randomized => count >= 2,
        };
        if !fits {
            let rule = match design {
                Design::SingleArm => {
                    format!("design = \"single_arm\" needs exactly one arm, found {count}")
                }
                Design::Randomized => {
                    format!("design = \"randomized\" needs at least two arms, found {count}")
                }
            };
            return Err(self.error(raw.span(), "arms", rule));
        }
        if !arms
            .iter()
            .any(|a| matches!(a.intervention, Intervention::CellProduct(_)))
        {
            return Err(self.error(
                raw.span(),
                "arms",
                "at least one arm must receive a cell product",
            ));
        }
        Ok(arms)
    }

    fn product(&self, raw: &Spanned<RawProduct>, arm_key: &str) -> Checked<CellProduct> {
        let key = format!("{arm_key}.product");
        let product = raw.get_ref();
        let dose_key = format!("{key}.dose");
        let dose = product.dose.get_ref();
        let positive = |cells: &Spanned<u64>, name: &str| -> Checked<u64> {
            match *cells.get_ref() {
                0 => Err(self.error(
                    cells.span(),
                    format!("{dose_key}.{name}"),
                    "a dose must be at least 1 cell",
                )),
                n => Ok(n),
            }
        };
        let dose = match (&dose.total_cells, &dose.cells_per_kg) {
            (Some(total), None) => Dose::FixedTotal {
                cells: positive(total, "total_cells")?,
            },
            (None, Some(per_kg)) => Dose::PerKg {
                cells_per_kg: positive(per_kg, "cells_per_kg")?,
            },
            _ => {
                return Err(self.error(
                    product.dose.span(),
                    dose_key,
                    "a dose has exactly one of `total_cells` (fixed) or `cells_per_kg`",
                ));
            }
        };
        let days_key = format!("{key}.infusion_days");
        let days = product.infusion_days.get_ref();
        let Some(first) = days.first() else {
            return Err(self.error(
                product.infusion_days.span(),
                days_key,
                "at least one infusion day is needed",
            ));
        };
        if *first.get_ref() != 0 {
            return Err(self.error(
                first.span(),
                days_key,
                "the first infusion is day 0, the day the schedule counts from",
            ));
        }
        for pair in days.windows(2) {
            if pair[1].get_ref() <= pair[0].get_ref() {
                return Err(self.error(pair[1].span(), days_key, "infusion days must increase"));
            }
        }
        Ok(CellProduct {
            source: product.source,
            donor: product.donor,
            route: product.route,
            dose,
            infusion_days: days.iter().map(|d| *d.get_ref()).collect(),
        })
    }

    fn schedule(&self, raw: &Spanned<Vec<Spanned<RawVisit>>>) -> Checked<Schedule> {
        let mut visits: Vec<ScheduledVisit> = Vec::with_capacity(raw.get_ref().len());
        for (n, visit) in raw.get_ref().iter().enumerate() {
            let key = format!("visits[{}]", n + 1);
            let visit = visit.get_ref();
            let code = *visit.code.get_ref();
            let code_key = format!("{key}.code");
            let Some(target) = target_day(code) else {
                return Err(self.error(
                    visit.code.span(),
                    code_key,
                    "`unscheduled` visits happen outside the schedule and cannot be listed in it",
                ));
            };
            if let Some(earlier) = visits.iter().find(|v| v.code() == code) {
                return Err(self.error(
                    visit.code.span(),
                    code_key,
                    format!("visit `{}` is listed twice", earlier.code()),
                ));
            }
            if let Some(last) = visits.last()
                && target <= last.window().target_day()
            {
                return Err(self.error(
                        visit.code.span(),
                        code_key,
                        format!(
                            "visits must be listed in increasing target day: `{code}` (day {target}) comes after `{}` (day {})",
                            last.code(),
                            last.window().target_day()
                        ),
                    ));
            }
            let window_key = format!("{key}.window");
            let RawWindow { before, after } = *visit.window.get_ref();
            if code == VisitCode::Baseline && after != 0 {
                return Err(self.error(
                    visit.window.span(),
                    window_key,
                    "the baseline is the pre-treatment assessment (sle-activity §0.3): its window must end on the infusion day (after = 0)",
                ));
            }
            let window = VisitWindow::new(target, before, after);
            if let Some(other) = visits.iter().find(|v| v.window().overlaps(&window)) {
                return Err(self.error(
                    visit.window.span(),
                    window_key,
                    format!(
                        "window days {}..{} of `{code}` overlap days {}..{} of `{}`",
                        window.opens(),
                        window.closes(),
                        other.window().opens(),
                        other.window().closes(),
                        other.code()
                    ),
                ));
            }
            let measurements =
                self.measurements(&visit.measurements, &format!("{key}.measurements"))?;
            visits.push(ScheduledVisit::new(code, window, measurements));
        }
        if !visits.iter().any(|v| v.code() == VisitCode::Baseline) {
            return Err(self.error(
                raw.span(),
                "visits",
                "the schedule needs exactly one `baseline` visit (the pre-treatment assessment)",
            ));
        }
        Ok(Schedule(visits))
    }

    fn measurements(
        &self,
        raw: &Spanned<Vec<Spanned<String>>>,
        key: &str,
    ) -> Checked<Vec<Measurement>> {
        if raw.get_ref().is_empty() {
            return Err(self.error(
                raw.span(),
                key,
                "list at least one measurement due at the visit",
            ));
        }
        let mut due: Vec<Measurement> = Vec::new();
        for item in raw.get_ref() {
            let resolved = Measurement::resolve(item.get_ref()).ok_or_else(|| {
                self.error(
                    item.span(),
                    key,
                    format!(
                        "`{}` is not a known measurement: use a data-dictionary name, a LOINC code or `sledai2k` (docs/protocols.md)",
                        item.get_ref()
                    ),
                )
            })?;
            for m in resolved {
                if due.contains(&m) {
                    return Err(self.error(
                        item.span(),
                        key,
                        format!("`{}` lists `{}` a second time", item.get_ref(), m.name()),
                    ));
                }
                due.push(m);
            }
        }
        Ok(due)
    }

    fn eligibility(&self, raw: &RawEligibility) -> Checked<Eligibility> {
        let mut ids = HashSet::new();
        let mut list =
            |criteria: &[Spanned<RawCriterion>], section: &str| -> Checked<Vec<Criterion>> {
                let mut out = Vec::with_capacity(criteria.len());
                for (n, c) in criteria.iter().enumerate() {
                    let key = format!("eligibility.{section}[{}]", n + 1);
                    let criterion = self.criterion(c, &key)?;
                    if !ids.insert(criterion.id.clone()) {
                        return Err(self.error(
                            c.get_ref().id.span(),
                            format!("{key}.id"),
                            format!("criterion id `{}` is used twice", criterion.id),
                        ));
                    }
                    out.push(criterion);
                }
                Ok(out)
            };
        let inclusion = list(&raw.inclusion, "inclusion")?;
        let exclusion = list(&raw.exclusion, "exclusion")?;
        Ok(Eligibility {
            inclusion,
            exclusion,
        })
    }

    fn criterion(&self, raw: &Spanned<RawCriterion>, key: &str) -> Checked<Criterion> {
        let c = raw.get_ref();
        let id = self.slug(&c.id, &format!("{key}.id"), |ch| ch == '_' || ch == '-')?;
        let text = self.non_empty(&c.text, &format!("{key}.text"))?;
        let typed = [
            c.age_years.is_some(),
            c.isn_rps_class.is_some(),
            c.sledai2k_at_least.is_some(),
            c.biopsy_within_months.is_some(),
        ];
        if typed.iter().filter(|t| **t).count() > 1 {
            return Err(self.error(
                raw.span(),
                key,
                "a criterion has at most one rule key (age_years, isn_rps_class, sledai2k_at_least, biopsy_within_months); split it in two",
            ));
        }
        let rule = if let Some(age) = &c.age_years {
            Rule::Age(self.age(age, &format!("{key}.age_years"))?)
        } else if let Some(classes) = &c.isn_rps_class {
            Rule::IsnRpsClass(self.classes(classes, &format!("{key}.isn_rps_class"))?)
        } else if let Some(min) = &c.sledai2k_at_least {
            let value = *min.get_ref();
            if !(1..=SLEDAI2K_MAX).contains(&value) {
                return Err(self.error(
                    min.span(),
                    format!("{key}.sledai2k_at_least"),
                    format!(
                        "a SLEDAI-2K threshold is between 1 and {SLEDAI2K_MAX} (sle-activity §1.3)"
                    ),
                ));
            }
            Rule::Sledai2kAtLeast(SledaiThreshold { min: value })
        } else if let Some(biopsy) = &c.biopsy_within_months {
            Rule::BiopsyRecency(self.biopsy(biopsy, &format!("{key}.biopsy_within_months"))?)
        } else {
            Rule::Question
        };
        Ok(Criterion { id, text, rule })
    }

    fn age(&self, raw: &Spanned<RawAge>, key: &str) -> Checked<AgeRange> {
        let age = raw.get_ref();
        let min = *age.min.get_ref();
        if min > AGE_MAX {
            return Err(self.error(
                age.min.span(),
                format!("{key}.min"),
                format!("an age is at most {AGE_MAX} years"),
            ));
        }
        let max = match &age.max {
            Some(max) if *max.get_ref() > AGE_MAX => {
                return Err(self.error(
                    max.span(),
                    format!("{key}.max"),
                    format!("an age is at most {AGE_MAX} years"),
                ));
            }
            Some(max) if *max.get_ref() < min => {
                return Err(self.error(
                    max.span(),
                    format!("{key}.max"),
                    "max must not be below min",
                ));
            }
            Some(max) => Some(*max.get_ref()),
            None => None,
        };
        Ok(AgeRange { min, max })
    }

    fn classes(&self, raw: &Spanned<Vec<Spanned<String>>>, key: &str) -> Checked<ClassList> {
        if raw.get_ref().is_empty() {
            return Err(self.error(raw.span(), key, "list at least one ISN/RPS class"));
        }
        let mut classes: Vec<IsnRpsClass> = Vec::new();
        for item in raw.get_ref() {
            let class = IsnRpsClass::parse("isn_rps_class", item.get_ref())
                .map_err(|e| self.error(item.span(), key, e.rule.into_owned()))?;
            if classes.contains(&class) {
                return Err(self.error(
                    item.span(),
                    key,
                    format!("class `{class}` is listed twice"),
                ));
            }
            classes.push(class);
        }
        Ok(ClassList(classes))
    }

    fn biopsy(&self, raw: &Spanned<RawBiopsy>, key: &str) -> Checked<BiopsyRecency> {
        let b = raw.get_ref();
        let months = *b.months.get_ref();
        if months == 0 {
            return Err(self.error(
                b.months.span(),
                format!("{key}.months"),
                "a biopsy window is at least 1 month",
            ));
        }
        let relapse = match &b.moderate_or_severe_relapse {
            Some(r) if *r.get_ref() < months => {
                return Err(self.error(
                    r.span(),
                    format!("{key}.moderate_or_severe_relapse"),
                    "the relapse window must not be shorter than `months`",
                ));
            }
            Some(r) => Some(*r.get_ref()),
            None => None,
        };
        Ok(BiopsyRecency {
            months,
            months_if_relapse: relapse,
        })
    }

    fn endpoint(
        &self,
        raw: Option<&Spanned<RawEndpoint>>,
        design: &Spanned<Design>,
        schedule: &Schedule,
    ) -> Checked<Option<PrimaryEndpoint>> {
        let Some(raw) = raw else {
            if *design.get_ref() == Design::Randomized {
                return Err(self.error(
                    design.span(),
                    "primary_endpoint",
                    "a randomized protocol declares its [primary_endpoint]",
                ));
            }
            return Ok(None);
        };
        let e = raw.get_ref();
        let visit = *e.visit.get_ref();
        let Some(scheduled) = schedule.visit(visit) else {
            return Err(self.error(
                e.visit.span(),
                "primary_endpoint.visit",
                format!("visit `{visit}` is not in the schedule"),
            ));
        };
        if visit == VisitCode::Baseline {
            return Err(self.error(
                e.visit.span(),
                "primary_endpoint.visit",
                "the endpoint is assessed after treatment, not at baseline",
            ));
        }
        let measure = match e.measure.get_ref() {
            RawMeasureName::RenalResponse => EndpointMeasure::RenalResponse(*e.variant.get_ref()),
        };
        // Renal response compares UPCR and eGFR (from serum creatinine) at the visit with the
        // treatment-start values (renal.md §3.1): both must be due at baseline and at the visit.
        let baseline = schedule
            .visit(VisitCode::Baseline)
            .expect("the schedule was checked to hold a baseline");
        for needed in [measurement::UPCR, measurement::SERUM_CREATININE] {
            for v in [baseline, scheduled] {
                if !v.is_due(needed) {
                    let m = Measurement::named(needed);
                    return Err(self.error(
                        e.measure.span(),
                        "primary_endpoint.measure",
                        format!(
                            "renal_response needs `{}` ({}) due at `{}` (renal.md §3.1)",
                            m.name(),
                            m.loinc().join(" or "),
                            v.code()
                        ),
                    ));
                }
            }
        }
        Ok(Some(PrimaryEndpoint {
            measure,
            visit,
            imputation: e.imputation,
        }))
    }

    fn stratification(
        &self,
        raw: Option<&Spanned<Vec<Spanned<String>>>>,
        design: Design,
    ) -> Checked<Vec<StratificationFactor>> {
        let Some(raw) = raw else {
            return Ok(Vec::new());
        };
        if design != Design::Randomized && !raw.get_ref().is_empty() {
            return Err(self.error(
                raw.span(),
                "stratification",
                "only a randomized design is stratified",
            ));
        }
        let mut factors: Vec<StratificationFactor> = Vec::new();
        for item in raw.get_ref() {
            let factor = StratificationFactor::parse("stratification", item.get_ref())
                .map_err(|e| self.error(item.span(), "stratification", e.rule.into_owned()))?;
            if factors.contains(&factor) {
                return Err(self.error(
                    item.span(),
                    "stratification",
                    format!("factor `{factor}` is declared twice"),
                ));
            }
            factors.push(factor);
        }
        Ok(factors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::{Method, WindowStatus};

    const INDEX_STUDY: &str = include_str!("../../../../protocols/msc-lupus-nephritis.toml");
    const RCT: &str = include_str!("../../../../protocols/msc-ln-rct.toml");

    fn window_of(p: &Protocol, code: VisitCode) -> (i32, u16, u16) {
        let w = p
            .schedule()
            .visit(code)
            .expect("visit in schedule")
            .window();
        (w.target_day(), w.before(), w.after())
    }

    /// renal.md §7.1 and §3.4: one IV infusion of 90 × 10⁶ allogeneic BM-MSC on day 0;
    /// visits baseline, m1, m3, m6, m9; ±7 days at m1, ±14 later.
    #[test]
    fn index_study_file_key_facts() {
        let p = load("msc-lupus-nephritis.toml", INDEX_STUDY).expect("the index study loads");
        assert_eq!(p.id(), "msc-lupus-nephritis");
        assert_eq!(p.design(), Design::SingleArm);
        assert_eq!(p.blinding(), Blinding::Open);
        assert_eq!(p.target_participants(), 3);
        assert_eq!(p.arms().len(), 1);
        let Intervention::CellProduct(product) = &p.arms()[0].intervention else {
            panic!("the single arm receives the cell product");
        };
        assert_eq!(product.source, CellSource::BoneMarrow);
        assert_eq!(product.donor, Donor::Allogeneic);
        assert_eq!(product.route, Route::Iv);
        assert_eq!(product.dose, Dose::FixedTotal { cells: 90_000_000 });
        assert_eq!(product.infusion_days, vec![0]);
        let codes: Vec<VisitCode> = p.schedule().visits().iter().map(|v| v.code()).collect();
        assert_eq!(
            codes,
            [
                VisitCode::Baseline,
                VisitCode::Month(1),
                VisitCode::Month(3),
                VisitCode::Month(6),
                VisitCode::Month(9)
            ]
        );
        assert_eq!(window_of(&p, VisitCode::Baseline), (0, 14, 0));
        assert_eq!(window_of(&p, VisitCode::Month(1)), (30, 7, 7));
        assert_eq!(window_of(&p, VisitCode::Month(3)), (91, 14, 14));
        assert_eq!(window_of(&p, VisitCode::Month(6)), (183, 14, 14));
        assert_eq!(window_of(&p, VisitCode::Month(9)), (274, 14, 14));
        for v in p.schedule().visits() {
            assert!(
                v.is_due("urine_protein_creatinine_ratio"),
                "UPCR at {}",
                v.code()
            );
            assert!(v.is_due("sledai_hematuria"), "SLEDAI-2K at {}", v.code());
        }
        assert_eq!(p.primary_endpoint(), None);
        assert!(p.stratification().is_empty());
        let m3 = p
            .schedule()
            .visit(VisitCode::Month(3))
            .expect("m3")
            .window();
        assert_eq!(m3.classify(106), WindowStatus::Late { days: 1 });
    }

    /// renal.md §7.1 and §3.4: NCT03673748, 2 × 10⁶/kg vs placebo 1:1, double-blind, visits to
    /// m12, KDIGO 2024 renal response at m12 with non-responder imputation.
    #[test]
    fn rct_file_key_facts() {
        let p = load("msc-ln-rct.toml", RCT).expect("the RCT loads");
        assert_eq!(p.registry_id(), Some("NCT03673748"));
        assert_eq!(p.design(), Design::Randomized);
        assert_eq!(p.blinding(), Blinding::DoubleBlind);
        assert_eq!(p.target_participants(), 20);
        assert_eq!(p.allocation_ratio(), "1:1");
        let msc = p.arm("msc").expect("msc arm");
        let Intervention::CellProduct(product) = &msc.intervention else {
            panic!("the msc arm receives the cell product");
        };
        assert_eq!(
            product.dose,
            Dose::PerKg {
                cells_per_kg: 2_000_000
            }
        );
        assert_eq!(
            (product.source, product.donor),
            (CellSource::BoneMarrow, Donor::Allogeneic)
        );
        let placebo = p.arm("placebo").expect("placebo arm");
        assert!(
            matches!(&placebo.intervention, Intervention::Placebo { description } if description.contains("100 mL")),
            "placebo is 100 mL saline"
        );
        let last = p.schedule().visits().last().expect("visits");
        assert_eq!(last.code(), VisitCode::Month(12));
        assert_eq!(window_of(&p, VisitCode::Month(12)), (365, 14, 14));
        assert_eq!(window_of(&p, VisitCode::Month(1)), (30, 7, 7));
        assert_eq!(p.schedule().visits().len(), 6);
        let endpoint = p.primary_endpoint().expect("primary endpoint");
        assert_eq!(
            endpoint.measure,
            EndpointMeasure::RenalResponse(ResponseVariant::Kdigo2024)
        );
        assert_eq!(endpoint.measure.name(), "renal_response");
        assert_eq!(endpoint.visit, VisitCode::Month(12));
        assert_eq!(endpoint.imputation, Imputation::NonResponder);
        let names: Vec<&str> = p.stratification().iter().map(|f| f.as_str()).collect();
        assert_eq!(
            names,
            ["site", "baseline_upcr_ge_3_g_g", "prior_cyclophosphamide"]
        );
        let rules: Vec<&Rule> = p.eligibility().inclusion.iter().map(|c| &c.rule).collect();
        assert!(rules.contains(&&Rule::Age(AgeRange { min: 18, max: None })));
        assert!(rules.contains(&&Rule::Sledai2kAtLeast(SledaiThreshold { min: 10 })));
        assert!(rules.contains(&&Rule::BiopsyRecency(BiopsyRecency {
            months: 6,
            months_if_relapse: Some(12)
        })));
        let Some(Rule::IsnRpsClass(classes)) = rules
            .iter()
            .copied()
            .find(|r| matches!(r, Rule::IsnRpsClass(_)))
        else {
            panic!("an ISN/RPS class criterion");
        };
        let iv_v = IsnRpsClass::parse("isn_rps_class", "IV-G (A) + V").expect("class");
        assert!(classes.admits(&iv_v));
        assert!(
            rules.contains(&&Rule::Question),
            "free-text criteria answered yes/no"
        );
    }

    /// A minimal valid randomized protocol; each error row edits it.
    const BASE: &str = r#"id = "t"
title = "T"
version = "1"
design = "randomized"
blinding = "double_blind"
target_participants = 20
stratification = ["site"]

[[arms]]
id = "msc"
name = "MSC"
ratio = 1
[arms.product]
source = "bone_marrow"
donor = "allogeneic"
route = "iv"
dose = { cells_per_kg = 2_000_000 }
infusion_days = [0]

[[arms]]
id = "placebo"
name = "Placebo"
ratio = 1
placebo = "saline"

[[visits]]
code = "baseline"
window = { before = 14, after = 0 }
measurements = ["urine_protein_creatinine_ratio", "creatinine_serum"]

[[visits]]
code = "m1"
window = { before = 7, after = 7 }
measurements = ["sledai2k"]

[[visits]]
code = "m12"
window = { before = 14, after = 14 }
measurements = ["2890-2", "creatinine_serum"]

[[eligibility.inclusion]]
id = "adult"
text = "Adult"
age_years = { min = 18 }

[[eligibility.exclusion]]
id = "pregnant"
text = "Pregnant"

[primary_endpoint]
measure = "renal_response"
variant = "kdigo_2024"
visit = "m12"
imputation = "non_responder"
"#;

    #[test]
    fn the_base_snippet_is_valid() {
        let p = load("base.toml", BASE).expect("base loads");
        assert_eq!(
            p.schedule().visits()[1].measurements().len(),
            24,
            "sledai2k panel expanded"
        );
        assert_eq!(p.eligibility().exclusion[0].rule, Rule::Question);
    }

    /// 1-based line of the `nth` (1-based) occurrence of `needle` in `text`.
    fn line_of(text: &str, needle: &str, nth: usize) -> usize {
        let (offset, _) = text
            .match_indices(needle)
            .nth(nth - 1)
            .unwrap_or_else(|| panic!("`{needle}` occurs {nth} times"));
        text[..offset].matches('\n').count() + 1
    }

    struct Row {
        label: &'static str,
        base: &'static str,
        edits: &'static [(&'static str, &'static str)],
        /// The error's line is that of this occurrence of this text in the edited file.
        at: (&'static str, usize),
        key: &'static str,
    }

    const fn row(
        label: &'static str,
        edits: &'static [(&'static str, &'static str)],
        at: (&'static str, usize),
        key: &'static str,
    ) -> Row {
        Row {
            label,
            base: BASE,
            edits,
            at,
            key,
        }
    }

    #[test]
    fn every_error_names_the_line_and_the_key() {
        let rows = [
            // TOML syntax and serde errors (span from toml).
            row(
                "syntax: missing opening quote",
                &[("title = \"T\"", "title = T\"")],
                ("title = T\"", 1),
                "",
            ),
            row(
                "unknown top-level key",
                &[(
                    "target_participants = 20\n",
                    "target_participants = 20\nsponsor = \"x\"\n",
                )],
                ("sponsor", 1),
                "sponsor",
            ),
            row(
                "unknown key in a product",
                &[("route = \"iv\"\n", "route = \"iv\"\nvehicle = \"saline\"\n")],
                ("vehicle", 1),
                "arms.product.vehicle",
            ),
            row(
                "unknown design",
                &[("design = \"randomized\"", "design = \"crossover\"")],
                ("crossover", 1),
                "design",
            ),
            row(
                "unknown cell source",
                &[("\"bone_marrow\"", "\"cord_blood\"")],
                ("cord_blood", 1),
                "arms.product.source",
            ),
            row(
                "negative window",
                &[("before = 7, after = 7", "before = -7, after = 7")],
                ("-7", 1),
                "visits.window.before",
            ),
            row(
                "malformed visit code",
                &[("code = \"m1\"", "code = \"month1\"")],
                ("\"month1\"", 1),
                "visits.code",
            ),
            row(
                "unknown renal response variant",
                &[("\"kdigo_2024\"", "\"kdigo_2025\"")],
                ("kdigo_2025", 1),
                "primary_endpoint.variant",
            ),
            row(
                "missing mandatory key",
                &[("version = \"1\"\n", "")],
                ("id", 1),
                "version",
            ),
            row(
                "wrong type",
                &[("target_participants = 20", "target_participants = \"20\"")],
                ("\"20\"", 1),
                "target_participants",
            ),
            // Protocol-level rules.
            row(
                "id not an identifier",
                &[("id = \"t\"", "id = \"T t\"")],
                ("\"T t\"", 1),
                "id",
            ),
            row(
                "empty title",
                &[("title = \"T\"", "title = \"  \"")],
                ("title", 1),
                "title",
            ),
            row(
                "no participants",
                &[("target_participants = 20", "target_participants = 0")],
                ("target_participants", 1),
                "target_participants",
            ),
            row(
                "double-blind single arm",
                &[("\"randomized\"", "\"single_arm\"")],
                ("double_blind", 1),
                "blinding",
            ),
            // Arms and products.
            row(
                "zero allocation ratio",
                &[("ratio = 1\nplacebo", "ratio = 0\nplacebo")],
                ("ratio = 0", 1),
                "arms[2].ratio",
            ),
            row(
                "duplicate arm id",
                &[("id = \"placebo\"", "id = \"msc\"")],
                ("id = \"msc\"", 2),
                "arms[2].id",
            ),
            row(
                "randomized with one arm",
                &[(
                    "[[arms]]\nid = \"placebo\"\nname = \"Placebo\"\nratio = 1\nplacebo = \"saline\"\n",
                    "",
                )],
                ("[[arms]]", 1),
                "arms",
            ),
            row(
                "arm with product and placebo",
                &[(
                    "ratio = 1\n[arms.product]",
                    "ratio = 1\nplacebo = \"x\"\n[arms.product]",
                )],
                ("[[arms]]", 1),
                "arms[1]",
            ),
            row(
                "zero dose",
                &[("cells_per_kg = 2_000_000", "cells_per_kg = 0")],
                ("cells_per_kg = 0", 1),
                "arms[1].product.dose.cells_per_kg",
            ),
            row(
                "dose with both forms",
                &[(
                    "{ cells_per_kg = 2_000_000 }",
                    "{ cells_per_kg = 2, total_cells = 3 }",
                )],
                ("total_cells", 1),
                "arms[1].product.dose",
            ),
            row(
                "first infusion not day 0",
                &[("infusion_days = [0]", "infusion_days = [1]")],
                ("[1]", 1),
                "arms[1].product.infusion_days",
            ),
            row(
                "infusion days not increasing",
                &[("infusion_days = [0]", "infusion_days = [0, 7, 7]")],
                ("infusion_days", 1),
                "arms[1].product.infusion_days",
            ),
            // Schedule.
            row(
                "unscheduled in the schedule",
                &[("code = \"m1\"", "code = \"unscheduled\"")],
                ("unscheduled", 1),
                "visits[2].code",
            ),
            row(
                "duplicate visit",
                &[("code = \"m12\"", "code = \"m1\"")],
                ("code = \"m1\"", 2),
                "visits[3].code",
            ),
            row(
                "visits out of order",
                &[
                    ("code = \"m1\"", "code = \"m6\""),
                    ("code = \"m12\"", "code = \"m3\""),
                ],
                ("code = \"m3\"", 1),
                "visits[3].code",
            ),
            row(
                "no baseline",
                &[
                    ("code = \"m1\"", "code = \"m2\""),
                    ("code = \"baseline\"", "code = \"m1\""),
                ],
                ("[[visits]]", 1),
                "visits",
            ),
            row(
                "baseline window after the infusion",
                &[("before = 14, after = 0", "before = 14, after = 1")],
                ("after = 1", 1),
                "visits[1].window",
            ),
            row(
                "overlapping windows",
                &[("before = 7, after = 7", "before = 7, after = 340")],
                ("before = 14, after = 14", 1),
                "visits[3].window",
            ),
            row(
                "unknown measurement",
                &[("[\"sledai2k\"]", "[\"sledai2k\", \"upcr\"]")],
                ("\"upcr\"", 1),
                "visits[2].measurements",
            ),
            row(
                "measurement listed twice (name and LOINC)",
                &[(
                    "[\"2890-2\", \"creatinine_serum\"]",
                    "[\"2890-2\", \"creatinine_serum\", \"urine_protein_creatinine_ratio\"]",
                )],
                ("\"urine_protein_creatinine_ratio\"]", 1),
                "visits[3].measurements",
            ),
            row(
                "no measurement due",
                &[("[\"sledai2k\"]", "[]")],
                ("[]", 1),
                "visits[2].measurements",
            ),
            // Eligibility.
            row(
                "two rule keys in one criterion",
                &[(
                    "age_years = { min = 18 }",
                    "age_years = { min = 18 }\nsledai2k_at_least = 6",
                )],
                ("[[eligibility.inclusion]]", 1),
                "eligibility.inclusion[1]",
            ),
            row(
                "age max below min",
                &[("{ min = 18 }", "{ min = 18, max = 17 }")],
                ("max = 17", 1),
                "eligibility.inclusion[1].age_years.max",
            ),
            row(
                "SLEDAI-2K threshold above 105",
                &[(
                    "text = \"Pregnant\"",
                    "text = \"Pregnant\"\nsledai2k_at_least = 106",
                )],
                ("106", 1),
                "eligibility.exclusion[1].sledai2k_at_least",
            ),
            row(
                "unknown ISN/RPS class",
                &[(
                    "text = \"Pregnant\"",
                    "text = \"Pregnant\"\nisn_rps_class = [\"IV\", \"VII\"]",
                )],
                ("\"VII\"", 1),
                "eligibility.exclusion[1].isn_rps_class",
            ),
            row(
                "duplicate criterion id",
                &[("id = \"pregnant\"", "id = \"adult\"")],
                ("id = \"adult\"", 2),
                "eligibility.exclusion[1].id",
            ),
            row(
                "relapse biopsy window shorter",
                &[(
                    "text = \"Pregnant\"",
                    "text = \"Pregnant\"\nbiopsy_within_months = { months = 6, moderate_or_severe_relapse = 3 }",
                )],
                ("= 3", 1),
                "eligibility.exclusion[1].biopsy_within_months.moderate_or_severe_relapse",
            ),
            // Endpoint.
            row(
                "endpoint visit not scheduled",
                &[("visit = \"m12\"", "visit = \"m9\"")],
                ("\"m9\"", 1),
                "primary_endpoint.visit",
            ),
            row(
                "endpoint at baseline",
                &[("visit = \"m12\"", "visit = \"baseline\"")],
                ("visit = \"baseline\"", 1),
                "primary_endpoint.visit",
            ),
            row(
                "endpoint without UPCR due at its visit",
                &[(
                    "[\"2890-2\", \"creatinine_serum\"]",
                    "[\"creatinine_serum\"]",
                )],
                ("renal_response", 1),
                "primary_endpoint.measure",
            ),
            row(
                "randomized without endpoint",
                &[(
                    "[primary_endpoint]\nmeasure = \"renal_response\"\nvariant = \"kdigo_2024\"\nvisit = \"m12\"\nimputation = \"non_responder\"\n",
                    "",
                )],
                ("design", 1),
                "primary_endpoint",
            ),
            // Stratification.
            row(
                "stratification name not snake_case",
                &[("[\"site\"]", "[\"site\", \"Prior CYC\"]")],
                ("Prior CYC", 1),
                "stratification",
            ),
            row(
                "stratification factor twice",
                &[("[\"site\"]", "[\"site\", \"site\"]")],
                ("\"site\"]", 1),
                "stratification",
            ),
            Row {
                label: "stratified single-arm study",
                base: INDEX_STUDY,
                edits: &[(
                    "target_participants = 3\n",
                    "target_participants = 3\nstratification = [\"site\"]\n",
                )],
                at: ("stratification = [", 1),
                key: "stratification",
            },
            Row {
                label: "placebo in a single-arm study",
                base: INDEX_STUDY,
                edits: &[(
                    "infusion_days = [0]",
                    "infusion_days = [0]\n\n[[arms]]\nid = \"p\"\nname = \"P\"\nratio = 1\nplacebo = \"saline\"",
                )],
                at: ("placebo = \"saline\"", 1),
                key: "arms[2].placebo",
            },
        ];
        for r in rows {
            let mut text = r.base.to_owned();
            for (from, to) in r.edits {
                assert!(text.contains(from), "{}: `{from}` not in the base", r.label);
                text = text.replacen(from, to, 1);
            }
            let err = load("bad.toml", &text).expect_err(r.label);
            let expected_line = line_of(&text, r.at.0, r.at.1);
            assert_eq!(err.line, expected_line, "{}: line of {err}", r.label);
            assert_eq!(err.key, r.key, "{}: key of {err}", r.label);
            assert_eq!(err.file, "bad.toml");
            assert!(err.column >= 1, "{}", r.label);
        }
    }

    /// The RCT's `[randomization]`: minimization over the three declared factors, 1:1.
    #[test]
    fn rct_randomization_plan() {
        let p = load("msc-ln-rct.toml", RCT).expect("the RCT loads");
        let plan = p.randomization().expect("[randomization]");
        assert_eq!(plan.method_name(), "minimization");
        assert_eq!(plan.ratio().to_string(), "1:1");
        let names: Vec<&str> = plan.factors().iter().map(|f| f.name()).collect();
        assert_eq!(
            names,
            ["site", "baseline_upcr_ge_3_g_g", "prior_cyclophosphamide"]
        );
        assert_eq!(plan.strata().len(), 8);
        assert!(
            load("base.toml", BASE)
                .expect("base")
                .randomization()
                .is_none()
        );
    }

    const BLOCKS: &str = "\n[randomization]\nmethod = \"permuted_blocks\"\nblock_sizes = [2, 4, 6]\n\n[randomization.levels]\nsite = [\"A\", \"B\"]\n";

    #[test]
    fn a_permuted_blocks_plan_loads() {
        let text = format!("{BASE}{BLOCKS}");
        let p = load("blocks.toml", &text).expect("blocks load");
        let plan = p.randomization().expect("plan");
        let Method::PermutedBlocks(blocks) = plan.method() else {
            panic!("permuted blocks");
        };
        assert_eq!(blocks.block_sizes(), vec![2, 4, 6]);
        assert_eq!(plan.strata().len(), 2);
    }

    /// Every `[randomization]` mistake names its line and key.
    #[test]
    fn randomization_errors_name_the_line_and_the_key() {
        // (label, text replaced, replacement, where the error points, key)
        type ErrorRow<'a> = (&'a str, &'a str, &'a str, (&'a str, usize), &'a str);
        let rows: [ErrorRow<'_>; 9] = [
            (
                "block size not a multiple of the ratio",
                "[2, 4, 6]",
                "[2, 3]",
                ("[2, 3]", 1),
                "randomization.block_sizes",
            ),
            (
                "blocks without sizes",
                "block_sizes = [2, 4, 6]\n",
                "",
                ("\"permuted_blocks\"", 1),
                "randomization.block_sizes",
            ),
            (
                "levels of an undeclared factor",
                "site = [\"A\", \"B\"]",
                "site = [\"A\", \"B\"]\nsex = [\"f\", \"m\"]",
                ("[\"f\", \"m\"]", 1),
                "randomization.levels.sex",
            ),
            (
                "a declared factor without levels",
                "site = [\"A\", \"B\"]\n",
                "",
                ("[randomization.levels]", 1),
                "randomization.levels.site",
            ),
            (
                "a level twice",
                "[\"A\", \"B\"]",
                "[\"A\", \"A\"]",
                ("[\"A\", \"A\"]", 1),
                "randomization.levels.site",
            ),
            (
                "a level with a space",
                "[\"A\", \"B\"]",
                "[\"A\", \"B C\"]",
                ("\"B C\"", 1),
                "randomization.levels.site",
            ),
            (
                "p with blocks",
                "block_sizes = [2, 4, 6]\n",
                "block_sizes = [2, 4, 6]\np = 0.8\n",
                ("0.8", 1),
                "randomization.p",
            ),
            (
                "minimization p out of range",
                "method = \"permuted_blocks\"\nblock_sizes = [2, 4, 6]",
                "method = \"minimization\"\np = 0.4\nimbalance = \"range\"",
                ("0.4", 1),
                "randomization.p",
            ),
            (
                "minimization weight of an undeclared factor",
                "method = \"permuted_blocks\"\nblock_sizes = [2, 4, 6]",
                "method = \"minimization\"\np = 0.8\nimbalance = \"range\"\nweights = { sex = 2 }",
                ("2 }", 1),
                "randomization.weights.sex",
            ),
        ];
        for (label, from, to, at, key) in rows {
            let base = format!("{BASE}{BLOCKS}");
            assert!(base.contains(from), "{label}: `{from}` not in the base");
            let text = base.replacen(from, to, 1);
            let err = load("bad.toml", &text).expect_err(label);
            assert_eq!(
                err.line,
                line_of(&text, at.0, at.1),
                "{label}: line of {err}"
            );
            assert_eq!(err.key, key, "{label}: key of {err}");
        }
        let single = INDEX_STUDY.to_owned()
            + "\n[randomization]\nmethod = \"permuted_blocks\"\nblock_sizes = [2]\n";
        let err = load("bad.toml", &single).expect_err("single arm");
        assert_eq!(err.key, "randomization");
        assert_eq!(err.line, line_of(&single, "[randomization]", 1));
    }

    #[test]
    fn an_error_reads_file_line_column_key_message() {
        let text = "id = \"t\"\ntitle = \"T\"\nversion = \"1\"\ndesign = \"crossover\"\n";
        let err = load("protocols/x.toml", text).expect_err("unknown design");
        assert_eq!((err.line, err.column), (4, 10));
        assert_eq!(
            err.to_string(),
            "protocols/x.toml:4:10: design: unknown variant `crossover`, expected `single_arm` or `randomized`"
        );
    }
    /// docs/protocols.md: its minimal example loads and its sample error is what the loader says.
    #[test]
    fn the_user_docs_example_and_error_are_real() {
        let docs = include_str!("../../../../docs/protocols.md");
        let example = docs
            .split("```toml\n")
            .nth(1)
            .and_then(|rest| rest.split("```").next())
            .expect("a toml block in docs/protocols.md");
        let p = load("example.toml", example).expect("the docs example loads");
        assert_eq!(p.allocation_ratio(), "1:1");
        let text = RCT.replacen(
            "window = { before = 7, after = 7 }",
            "window = { before = 7, after = 70 }",
            1,
        );
        let err = load("protocols/msc-ln-rct.toml", &text).expect_err("overlap");
        assert!(
            docs.contains(&err.to_string()),
            "docs quote the error: {err}"
        );
    }
}

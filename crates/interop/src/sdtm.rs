//! SDTM-shaped CSV export (issue #6 item 4): one tidy CSV per domain — DM, EX (the cell-product
//! infusions), LB, CM, AE, DS, QS (SLEDAI-2K items and total) — with STUDYID, DOMAIN, USUBJID
//! and --SEQ as the SDTM IG 3.x models them. "Shaped": variables and controlled terms follow
//! the IG where we could map them; it is not a define.xml-backed submission package.
//!
//! LB keeps the result as reported (LBORRES/LBORRESU) and the standard result in the canonical
//! unit of renal.md §0.1 and the LabItem docs (LBSTRESN/LBSTRESU), both from sledger-core's
//! parse of the stored value (no conversion here).

use rust_decimal::Decimal;
use sledger_core::measures::sledai2k::{Descriptor, ItemState};
use sledger_core::protocol::VisitCode;
use sledger_core::record::observation::{LabItem, Measured, Observation, ObservationValue};
use sledger_core::sex::RecordedSex;
use sledger_core::units::creatinine::SerumCreatinine;

use crate::derived::{MeasureValue, measures_of};
use crate::error::InteropError;
use crate::model::{StudyExport, Subject};
use crate::text::{code_of, decimal};

/// One domain's CSV.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DomainFile {
    pub domain: &'static str,
    pub rows: usize,
    pub csv: String,
}

impl DomainFile {
    /// `dm.csv`, `lb.csv`, …
    pub fn file_name(&self) -> String {
        format!("{}.csv", self.domain.to_lowercase())
    }
}

struct Domain {
    name: &'static str,
    header: &'static [&'static str],
    rows: Vec<Vec<String>>,
}

impl Domain {
    fn new(name: &'static str, header: &'static [&'static str]) -> Domain {
        Domain {
            name,
            header,
            rows: Vec::new(),
        }
    }

    fn finish(self) -> Result<DomainFile, InteropError> {
        let err = |source| InteropError::Csv {
            domain: self.name,
            source,
        };
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record(self.header).map_err(err)?;
        for row in &self.rows {
            debug_assert_eq!(row.len(), self.header.len(), "{}", self.name);
            w.write_record(row).map_err(err)?;
        }
        let bytes = w
            .into_inner()
            .map_err(|e| err(csv::Error::from(e.into_error())))?;
        Ok(DomainFile {
            domain: self.name,
            rows: self.rows.len(),
            csv: String::from_utf8_lossy(&bytes).into_owned(),
        })
    }
}

fn usubjid(study: &StudyExport, s: &Subject) -> String {
    format!("{}-{}", study.code, s.code)
}

/// SDTM CT SEX: F, M, U, UNDIFFERENTIATED (intersex).
fn sex(s: RecordedSex) -> &'static str {
    match s {
        RecordedSex::Female => "F",
        RecordedSex::Male => "M",
        RecordedSex::Intersex => "UNDIFFERENTIATED",
        RecordedSex::Other | RecordedSex::Unknown | RecordedSex::NotRecorded => "U",
    }
}

/// VISITNUM: the month after the infusion (baseline 0); an unscheduled visit is the previous
/// visit's number + 0.01 per unscheduled visit since [DECISION, docs/interop.md].
fn visit_numbers(s: &Subject) -> Vec<String> {
    let mut last = Decimal::ZERO;
    let mut extra = 0i64;
    s.visits
        .iter()
        .map(|v| match v.code {
            VisitCode::Baseline => {
                last = Decimal::ZERO;
                extra = 0;
                "0".to_owned()
            }
            VisitCode::Month(m) => {
                last = Decimal::from(m);
                extra = 0;
                m.to_string()
            }
            VisitCode::Unscheduled => {
                extra += 1;
                decimal(last + Decimal::new(extra, 2))
            }
        })
        .collect()
}

fn visit_name(code: VisitCode) -> String {
    match code {
        VisitCode::Baseline => "BASELINE".to_owned(),
        VisitCode::Month(m) => format!("MONTH {m}"),
        VisitCode::Unscheduled => "UNSCHEDULED".to_owned(),
    }
}

/// LBTESTCD / LBTEST (CDISC CT, LBTESTCD codelist) and LBSPEC of the items the measures read.
fn lab_test(item: LabItem) -> Option<(&'static str, &'static str, &'static str)> {
    Some(match item {
        LabItem::SerumCreatinine => ("CREAT", "Creatinine", "SERUM"),
        LabItem::Upcr => ("PROTCRT", "Protein/Creatinine", "URINE"),
        LabItem::UrineProtein24h => ("PROT", "Protein", "URINE"),
        LabItem::ComplementC3 => ("C3", "Complement C3", "SERUM"),
        LabItem::ComplementC4 => ("C4", "Complement C4", "SERUM"),
        LabItem::Ch50 => ("CH50", "Total Hemolytic Complement", "SERUM"),
        LabItem::AntiDsdna | LabItem::AntiDsdnaPositive => {
            ("DSDNAAB", "Double-Stranded DNA Antibody", "SERUM")
        }
        LabItem::Platelets => ("PLAT", "Platelets", "BLOOD"),
        LabItem::Leukocytes => ("WBC", "Leukocytes", "BLOOD"),
        LabItem::UrineRbcPerHpf => ("RBC", "Erythrocytes", "URINE"),
        LabItem::UrineWbcPerHpf => ("WBC", "Leukocytes", "URINE"),
        LabItem::Hemoglobin => ("HGB", "Hemoglobin", "BLOOD"),
        LabItem::UrineRbcOrHemeGranularCasts => ("CASTS", "Casts", "URINE"),
        // Vital signs and joint counts belong to VS / a findings domain, not LB.
        LabItem::BodyTemperature
        | LabItem::BodyWeight
        | LabItem::BodyHeight
        | LabItem::InflamedJointCount => return None,
    })
}

/// The canonical (standard) unit of an item (renal.md §0.1; LabItem docs).
fn standard_unit(item: LabItem) -> &'static str {
    match item {
        LabItem::SerumCreatinine => "mg/dL",
        LabItem::Upcr => "mg/g",
        LabItem::UrineProtein24h => "g/(24.h)",
        LabItem::ComplementC3 | LabItem::ComplementC4 => "g/L",
        LabItem::Ch50 => "U/mL",
        LabItem::AntiDsdna => "[IU]/mL",
        LabItem::Platelets | LabItem::Leukocytes => "10*9/L",
        LabItem::UrineRbcPerHpf | LabItem::UrineWbcPerHpf => "/[HPF]",
        LabItem::Hemoglobin => "g/dL",
        LabItem::BodyTemperature => "Cel",
        LabItem::BodyWeight => "kg",
        LabItem::BodyHeight => "cm",
        LabItem::InflamedJointCount
        | LabItem::UrineRbcOrHemeGranularCasts
        | LabItem::AntiDsdnaPositive => "",
    }
}

/// (LBSTRESC, LBSTRESN, LBSTRESU, LBSTNRLO, LBSTNRHI) from core's canonical reading; the
/// creatinine reference limits go through the same core parser as the value.
fn standard(
    item: LabItem,
    m: Measured,
    reported: (Option<Decimal>, Option<Decimal>),
) -> [String; 5] {
    let unit = standard_unit(item).to_owned();
    let num = |d: Decimal| decimal(d);
    let (value, low, high) = match m {
        Measured::SerumCreatinine(c) => {
            let limit = |d: Option<Decimal>| {
                d.and_then(|d| {
                    SerumCreatinine::from_reported("reference_limit", d, c.reported_unit()).ok()
                })
                .map(|l| l.mg_dl())
            };
            (Some(c.mg_dl()), limit(reported.0), limit(reported.1))
        }
        Measured::Upcr(r, _) => (Some(r.mg_per_g()), None, None),
        Measured::UrineProtein24h(p) => (Some(p.g_per_day()), None, None),
        Measured::Height(h) => (Some(h.cm()), None, None),
        Measured::Level {
            value,
            reference_low,
            reference_high,
        } => (Some(value), reference_low, reference_high),
        Measured::Count(n) => (Some(Decimal::from(n)), None, None),
        Measured::Finding(b) => {
            let c = if b { "POSITIVE" } else { "NEGATIVE" };
            return [
                c.to_owned(),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
            ];
        }
    };
    let value = value.map(num).unwrap_or_default();
    [
        value.clone(),
        value,
        unit,
        low.map(num).unwrap_or_default(),
        high.map(num).unwrap_or_default(),
    ]
}

fn original(o: &Observation) -> String {
    match o.value() {
        ObservationValue::Quantity(d) => decimal(*d),
        ObservationValue::Text(t) => t.clone(),
        ObservationValue::Boolean(true) => "POSITIVE".to_owned(),
        ObservationValue::Boolean(false) => "NEGATIVE".to_owned(),
    }
}

const DM: &[&str] = &[
    "STUDYID", "DOMAIN", "USUBJID", "SUBJID", "RFSTDTC", "RFXSTDTC", "SITEID", "BRTHDTC", "SEX",
    "ARMCD", "ARM",
];
const EX: &[&str] = &[
    "STUDYID", "DOMAIN", "USUBJID", "EXSEQ", "EXTRT", "EXDOSE", "EXDOSU", "EXDOSFRM", "EXROUTE",
    "EXLOT", "EXSTDTC", "EXENDTC",
];
const LB: &[&str] = &[
    "STUDYID", "DOMAIN", "USUBJID", "LBSEQ", "LBTESTCD", "LBTEST", "LBLOINC", "LBSPEC", "LBORRES",
    "LBORRESU", "LBORNRLO", "LBORNRHI", "LBSTRESC", "LBSTRESN", "LBSTRESU", "LBSTNRLO", "LBSTNRHI",
    "VISITNUM", "VISIT", "LBDTC",
];
const CM: &[&str] = &[
    "STUDYID", "DOMAIN", "USUBJID", "CMSEQ", "CMTRT", "CMINDC", "CMDOSE", "CMDOSU", "CMDOSFRQ",
    "CMROUTE", "CMSTDTC", "CMENDTC",
];
const AE: &[&str] = &[
    "STUDYID", "DOMAIN", "USUBJID", "AESEQ", "AETERM", "AETOXGR", "AESER", "AEREL", "AEOUT",
    "AESTDTC", "AEENDTC",
];
const DS: &[&str] = &[
    "STUDYID", "DOMAIN", "USUBJID", "DSSEQ", "DSTERM", "DSDECOD", "DSCAT", "DSSTDTC",
];
const QS: &[&str] = &[
    "STUDYID", "DOMAIN", "USUBJID", "QSSEQ", "QSCAT", "QSTESTCD", "QSTEST", "QSORRES", "QSSTRESC",
    "QSSTRESN", "QSSTAT", "VISITNUM", "VISIT", "QSDTC",
];

fn frequency(code: &str) -> &str {
    match code {
        "daily" => "QD",
        "bid" => "BID",
        "tid" => "TID",
        "alternate_day" => "QOD",
        "weekly" => "QS",
        "single" => "ONCE",
        other => other,
    }
}

fn route(code: &str) -> String {
    match code {
        "oral" => "ORAL".to_owned(),
        "iv" => "INTRAVENOUS".to_owned(),
        "im" => "INTRAMUSCULAR".to_owned(),
        "sc" => "SUBCUTANEOUS".to_owned(),
        "intra_articular" => "INTRA-ARTICULAR".to_owned(),
        "topical" => "TOPICAL".to_owned(),
        "inhaled" => "RESPIRATORY (INHALATION)".to_owned(),
        other => other.to_uppercase(),
    }
}

fn relatedness(code: &str) -> String {
    match code {
        "unrelated" => "NOT RELATED".to_owned(),
        "unlikely" => "UNLIKELY RELATED".to_owned(),
        "possible" => "POSSIBLY RELATED".to_owned(),
        "probable" => "PROBABLY RELATED".to_owned(),
        "definite" => "RELATED".to_owned(),
        other => other.to_uppercase(),
    }
}

fn outcome(code: &str) -> String {
    match code {
        "recovered" => "RECOVERED/RESOLVED".to_owned(),
        "recovering" => "RECOVERING/RESOLVING".to_owned(),
        "not_recovered" => "NOT RECOVERED/NOT RESOLVED".to_owned(),
        "recovered_with_sequelae" => "RECOVERED/RESOLVED WITH SEQUELAE".to_owned(),
        "fatal" => "FATAL".to_owned(),
        _ => "UNKNOWN".to_owned(),
    }
}

/// QSTEST of a descriptor: the SLEDAI-2K form's wording, at most 40 characters.
fn descriptor_test(d: Descriptor) -> String {
    let name = code_of(&d).replace('_', " ");
    format!("SLEDAI-2K {name}")
        .chars()
        .take(40)
        .collect::<String>()
        .to_uppercase()
}

/// The study as SDTM-shaped domains, in the order DM, EX, LB, CM, AE, DS, QS.
pub fn export(study: &StudyExport) -> Result<Vec<DomainFile>, InteropError> {
    let mut dm = Domain::new("DM", DM);
    let mut ex = Domain::new("EX", EX);
    let mut lb = Domain::new("LB", LB);
    let mut cm = Domain::new("CM", CM);
    let mut ae = Domain::new("AE", AE);
    let mut ds = Domain::new("DS", DS);
    let mut qs = Domain::new("QS", QS);
    let sid = study.code.clone();
    for s in &study.subjects {
        let u = usubjid(study, s);
        let first = s
            .infusions
            .first()
            .map(|i| i.infusion.date.to_string())
            .unwrap_or_default();
        let arm = s.arm.clone().unwrap_or_default();
        dm.rows.push(vec![
            sid.clone(),
            "DM".into(),
            u.clone(),
            s.code.clone(),
            first.clone(),
            first,
            s.site.clone(),
            format!("{:04}-{:02}", s.birth_year, s.birth_month),
            sex(s.sex).into(),
            arm.to_uppercase(),
            arm,
        ]);
        for (n, i) in s.infusions.iter().enumerate() {
            let i = &i.infusion;
            ex.rows.push(vec![
                sid.clone(),
                "EX".into(),
                u.clone(),
                (n + 1).to_string(),
                format!(
                    "{} {} CELL PRODUCT",
                    code_of(&i.donor).to_uppercase(),
                    code_of(&i.source).replace('_', " ").to_uppercase()
                ),
                i.total_cells.to_string(),
                "CELLS".into(),
                "SUSPENSION".into(),
                route(&code_of(&i.route)),
                i.lot.clone().unwrap_or_default(),
                i.date.to_string(),
                i.date.to_string(),
            ]);
        }
        let numbers = visit_numbers(s);
        let mut lbseq = 0usize;
        let mut qsseq = 0usize;
        for (v, visitnum) in s.visits.iter().zip(&numbers) {
            for lab in &v.labs {
                let o = &lab.observation;
                let Some((item, measured)) = o.measured() else {
                    continue;
                };
                let Some((testcd, test, spec)) = lab_test(item) else {
                    continue;
                };
                lbseq += 1;
                let (low, high) = o.reference_range();
                let [stresc, stresn, stresu, stnrlo, stnrhi] =
                    standard(item, measured, (low, high));
                let loinc = match o.system() {
                    sledger_core::record::observation::CodeSystem::Loinc => o.code().to_owned(),
                    sledger_core::record::observation::CodeSystem::Sledger => String::new(),
                };
                lb.rows.push(vec![
                    sid.clone(),
                    "LB".into(),
                    u.clone(),
                    lbseq.to_string(),
                    testcd.into(),
                    test.into(),
                    loinc,
                    spec.into(),
                    original(o),
                    o.unit().unwrap_or_default().to_owned(),
                    low.map(decimal).unwrap_or_default(),
                    high.map(decimal).unwrap_or_default(),
                    stresc,
                    stresn,
                    stresu,
                    stnrlo,
                    stnrhi,
                    visitnum.clone(),
                    visit_name(v.code),
                    o.effective().to_string(),
                ]);
            }
            for it in &v.sledai {
                let Some(state) = it.answer.state else {
                    continue;
                };
                qsseq += 1;
                let (orres, stresn, stat) = match state {
                    ItemState::Present => ("PRESENT", it.descriptor.weight().to_string(), ""),
                    ItemState::Absent => ("ABSENT", "0".to_owned(), ""),
                    ItemState::NotAssessed => ("", String::new(), "NOT DONE"),
                };
                qs.rows.push(vec![
                    sid.clone(),
                    "QS".into(),
                    u.clone(),
                    qsseq.to_string(),
                    "SLEDAI-2K".into(),
                    format!("SLED{:02}", it.descriptor.index() + 1),
                    descriptor_test(it.descriptor),
                    orres.into(),
                    stresn.clone(),
                    stresn,
                    stat.into(),
                    visitnum.clone(),
                    visit_name(v.code),
                    v.date.to_string(),
                ]);
            }
            if let Some(total) = measures_of(&v.measures)
                .into_iter()
                .find(|m| m.code == "sledai-2k")
            {
                qsseq += 1;
                let (res, stat) = match total.value {
                    MeasureValue::Integer(t) => (t.to_string(), ""),
                    _ => (String::new(), "NOT DONE"),
                };
                qs.rows.push(vec![
                    sid.clone(),
                    "QS".into(),
                    u.clone(),
                    qsseq.to_string(),
                    "SLEDAI-2K".into(),
                    "SLEDTOT".into(),
                    "SLEDAI-2K TOTAL SCORE".into(),
                    res.clone(),
                    res.clone(),
                    res,
                    stat.into(),
                    visitnum.clone(),
                    visit_name(v.code),
                    v.date.to_string(),
                ]);
            }
        }
        for (n, m) in s.medications.iter().enumerate() {
            cm.rows.push(vec![
                sid.clone(),
                "CM".into(),
                u.clone(),
                (n + 1).to_string(),
                m.agent.to_uppercase(),
                m.indication.replace('_', " ").to_uppercase(),
                decimal(m.dose_mg),
                "mg".into(),
                frequency(&m.schedule).to_owned(),
                route(&m.route),
                m.start.to_string(),
                m.end.map(|d| d.to_string()).unwrap_or_default(),
            ]);
        }
        for (n, a) in s.adverse_events.iter().enumerate() {
            ae.rows.push(vec![
                sid.clone(),
                "AE".into(),
                u.clone(),
                (n + 1).to_string(),
                a.term.clone(),
                a.ctcae_grade.to_string(),
                if a.serious { "Y" } else { "N" }.into(),
                relatedness(&a.relatedness),
                a.outcome.as_deref().map(outcome).unwrap_or_default(),
                a.onset.to_string(),
                a.resolution.map(|d| d.to_string()).unwrap_or_default(),
            ]);
        }
        ds.rows.push(vec![
            sid.clone(),
            "DS".into(),
            u.clone(),
            "1".into(),
            "ENROLLED".into(),
            "ENROLLED".into(),
            "PROTOCOL MILESTONE".into(),
            s.enrollment_date.to_string(),
        ]);
    }
    [dm, ex, lb, cm, ae, ds, qs]
        .into_iter()
        .map(Domain::finish)
        .collect()
}

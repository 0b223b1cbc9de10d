//! CDISC ODM 1.3.2 export (issue #6 item 3): the study's metadata and its captured visit data
//! as one Transactional ODM document, each value with the AuditRecord of the audit-chain entry
//! that wrote it (who, where, when, why).
//!
//! MetaDataVersion: one StudyEventDef per protocol visit (plus unscheduled visits), two forms
//! per visit — laboratory results (a repeating item group: the value item of the code, its
//! collection date and its urine specimen) and the 24 SLEDAI-2K descriptors (code list
//! present / absent / not assessed) — with a MeasurementUnit for every unit as reported.
//! Derived measures are not captured data and are not in ODM (they are in the FHIR export).
//! CDISC ODM 1.3.2 specification, §3 (Study), §4 (AdminData), §6 (ClinicalData).

use std::collections::{BTreeMap, BTreeSet};

use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
use sledger_core::measures::sledai2k::{Descriptor, ItemState};
use sledger_core::protocol::VisitCode;
use sledger_core::record::observation::{LabCatalogue, Observation, ObservationValue};

use crate::error::InteropError;
use crate::model::{AuditStamp, StudyExport, Subject, safe_id};
use crate::text::{code_of, decimal};

/// The ODM 1.3.2 namespace.
pub const NAMESPACE: &str = "http://www.cdisc.org/ns/odm/v1.3";
const MDV: &str = "MDV.1";
const FORM_LAB: &str = "F.LAB";
const FORM_SLEDAI: &str = "F.SLEDAI2K";
const GROUP_LAB: &str = "IG.LAB";
const GROUP_SLEDAI: &str = "IG.SLEDAI2K";
const ITEM_DATE: &str = "IT.LAB.DATE";
const ITEM_SPECIMEN: &str = "IT.LAB.SPECIMEN";
const CL_SLEDAI: &str = "CL.SLEDAI2K.STATE";
const CL_SPECIMEN: &str = "CL.URINE.SPECIMEN";
const EVENT_COMMON: &str = "SE.COMMON";
const FORM_EX: &str = "F.EX";
const FORM_CM: &str = "F.CM";
const FORM_AE: &str = "F.AE";
const GROUP_EX: &str = "IG.EX";
const GROUP_CM: &str = "IG.CM";
const GROUP_AE: &str = "IG.AE";
const CL_GRADE: &str = "CL.CTCAE.GRADE";
const CL_RELATEDNESS: &str = "CL.AE.RELATEDNESS";
const CL_OUTCOME: &str = "CL.AE.OUTCOME";
const CL_YES_NO: &str = "CL.YES.NO";
/// An item of the study-wide forms.
struct CommonItem {
    group: &'static str,
    oid: &'static str,
    name: &'static str,
    data_type: &'static str,
    unit: Option<&'static str>,
    code_list: Option<&'static str>,
}

const fn common(
    group: &'static str,
    oid: &'static str,
    name: &'static str,
    data_type: &'static str,
    unit: Option<&'static str>,
    code_list: Option<&'static str>,
) -> CommonItem {
    CommonItem {
        group,
        oid,
        name,
        data_type,
        unit,
        code_list,
    }
}

/// The items of the study-wide forms.
const COMMON_ITEMS: &[CommonItem] = &[
    common(
        GROUP_EX,
        "IT.EX.DATE",
        "Infusion date (day 0)",
        "date",
        None,
        None,
    ),
    common(GROUP_EX, "IT.EX.SOURCE", "Cell source", "text", None, None),
    common(GROUP_EX, "IT.EX.DONOR", "Donor type", "text", None, None),
    common(GROUP_EX, "IT.EX.ROUTE", "Route", "text", None, None),
    common(GROUP_EX, "IT.EX.LOT", "Product lot", "text", None, None),
    common(
        GROUP_EX,
        "IT.EX.CELLS",
        "Total cells infused",
        "integer",
        None,
        None,
    ),
    common(
        GROUP_EX,
        "IT.EX.WEIGHT",
        "Body weight at infusion",
        "float",
        Some("kg"),
        None,
    ),
    common(
        GROUP_EX,
        "IT.EX.VIABILITY",
        "Viability of the product",
        "float",
        Some("%"),
        None,
    ),
    common(
        GROUP_CM,
        "IT.CM.AGENT",
        "Medication agent (med_agent)",
        "text",
        None,
        None,
    ),
    common(
        GROUP_CM,
        "IT.CM.DOSE",
        "Dose per administration",
        "float",
        Some("mg"),
        None,
    ),
    common(
        GROUP_CM,
        "IT.CM.ROUTE",
        "Route (med_route)",
        "text",
        None,
        None,
    ),
    common(
        GROUP_CM,
        "IT.CM.SCHEDULE",
        "Schedule (med_schedule)",
        "text",
        None,
        None,
    ),
    common(GROUP_CM, "IT.CM.START", "Start date", "date", None, None),
    common(GROUP_CM, "IT.CM.END", "End date", "date", None, None),
    common(
        GROUP_CM,
        "IT.CM.INDICATION",
        "Indication (med_indication)",
        "text",
        None,
        None,
    ),
    common(
        GROUP_AE,
        "IT.AE.TERM",
        "Adverse event term",
        "text",
        None,
        None,
    ),
    common(
        GROUP_AE,
        "IT.AE.GRADE",
        "CTCAE grade",
        "integer",
        None,
        Some(CL_GRADE),
    ),
    common(
        GROUP_AE,
        "IT.AE.SERIOUS",
        "Serious (ICH E2A)",
        "text",
        None,
        Some(CL_YES_NO),
    ),
    common(
        GROUP_AE,
        "IT.AE.RELATEDNESS",
        "Relatedness to the cell product",
        "text",
        None,
        Some(CL_RELATEDNESS),
    ),
    common(GROUP_AE, "IT.AE.ONSET", "Onset date", "date", None, None),
    common(
        GROUP_AE,
        "IT.AE.RESOLUTION",
        "Resolution date",
        "date",
        None,
        None,
    ),
    common(
        GROUP_AE,
        "IT.AE.OUTCOME",
        "Outcome",
        "text",
        None,
        Some(CL_OUTCOME),
    ),
];
/// The units the study-wide forms use.
const COMMON_UNITS: [&str; 3] = ["%", "kg", "mg"];

/// The urine specimens of renal.md §2.1 (`UrineSpecimen` codes).
const SPECIMENS: [&str; 4] = [
    "24h_collection",
    "first_morning_void",
    "random_spot",
    "unknown",
];

/// What the document is about besides the study: its identity and creation time (the caller's
/// clock; interop has none).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentInfo {
    pub file_oid: String,
    /// RFC 3339 timestamp.
    pub created: String,
}

struct Xml {
    w: Writer<Vec<u8>>,
}

fn xml_error(e: impl std::fmt::Display) -> InteropError {
    InteropError::Xml(e.to_string())
}

impl Xml {
    fn open(&mut self, name: &str, attrs: &[(&str, &str)]) -> Result<(), InteropError> {
        let mut start = BytesStart::new(name);
        for (k, v) in attrs {
            start.push_attribute((*k, *v));
        }
        self.w.write_event(Event::Start(start)).map_err(xml_error)
    }

    fn close(&mut self, name: &str) -> Result<(), InteropError> {
        self.w
            .write_event(Event::End(BytesEnd::new(name)))
            .map_err(xml_error)
    }

    fn empty(&mut self, name: &str, attrs: &[(&str, &str)]) -> Result<(), InteropError> {
        let mut start = BytesStart::new(name);
        for (k, v) in attrs {
            start.push_attribute((*k, *v));
        }
        self.w.write_event(Event::Empty(start)).map_err(xml_error)
    }

    fn text(&mut self, name: &str, text: &str) -> Result<(), InteropError> {
        self.open(name, &[])?;
        self.w
            .write_event(Event::Text(BytesText::new(text)))
            .map_err(xml_error)?;
        self.close(name)
    }

    /// `<name><TranslatedText xml:lang="en">text</TranslatedText></name>`.
    fn translated(&mut self, name: &str, text: &str) -> Result<(), InteropError> {
        self.open(name, &[])?;
        self.open("TranslatedText", &[("xml:lang", "en")])?;
        self.w
            .write_event(Event::Text(BytesText::new(text)))
            .map_err(xml_error)?;
        self.close("TranslatedText")?;
        self.close(name)
    }
}

fn event_oid(code: VisitCode) -> String {
    format!("SE.{}", code.to_string().to_uppercase())
}

fn lab_item_oid(o: &Observation) -> String {
    let system = match o.system() {
        sledger_core::record::observation::CodeSystem::Loinc => "LOINC",
        sledger_core::record::observation::CodeSystem::Sledger => "SLEDGER",
    };
    format!("IT.LAB.{system}.{}", o.code())
}

fn sledai_oid(d: Descriptor) -> String {
    format!("IT.SLEDAI2K.{}", code_of(&d).to_uppercase())
}

fn data_type(value: &ObservationValue) -> &'static str {
    match value {
        ObservationValue::Quantity(_) => "float",
        ObservationValue::Text(_) => "text",
        ObservationValue::Boolean(_) => "boolean",
    }
}

fn value_text(value: &ObservationValue) -> String {
    match value {
        ObservationValue::Quantity(d) => decimal(*d),
        ObservationValue::Text(t) => t.clone(),
        ObservationValue::Boolean(b) => b.to_string(),
    }
}

/// A lab item as the metadata declares it.
struct LabItemDef {
    name: String,
    data_type: &'static str,
    units: BTreeSet<String>,
}

/// Everything the metadata must declare, collected from the data.
struct Catalogue {
    events: BTreeSet<VisitCode>,
    labs: BTreeMap<String, LabItemDef>,
    /// Unit as reported → MU OID.
    units: BTreeMap<String, String>,
    users: BTreeSet<String>,
    sites: BTreeSet<String>,
}

fn catalogue(study: &StudyExport) -> Catalogue {
    let mut events: BTreeSet<VisitCode> = study.visits.iter().map(|v| v.code).collect();
    events.insert(VisitCode::Unscheduled);
    let mut labs: BTreeMap<String, LabItemDef> = BTreeMap::new();
    let mut units: BTreeSet<String> = COMMON_UNITS.iter().map(|u| (*u).to_owned()).collect();
    let mut users = BTreeSet::new();
    let mut sites = BTreeSet::new();
    for s in &study.subjects {
        sites.insert(s.site.clone());
        let common = s
            .infusions
            .iter()
            .map(|i| i.audit.as_ref())
            .chain(s.medications.iter().map(|m| m.audit.as_ref()))
            .chain(s.adverse_events.iter().map(|a| a.audit.as_ref()));
        for a in common.flatten() {
            users.insert(a.actor.clone());
        }
        for v in &s.visits {
            events.insert(v.code);
            for lab in &v.labs {
                let o = &lab.observation;
                let def = labs.entry(lab_item_oid(o)).or_insert_with(|| LabItemDef {
                    name: LabCatalogue::entry(o.system(), o.code()).map_or_else(
                        || format!("{} {}", o.system().uri(), o.code()),
                        |e| e.description.to_owned(),
                    ),
                    data_type: data_type(o.value()),
                    units: BTreeSet::new(),
                });
                if def.data_type != data_type(o.value()) {
                    def.data_type = "text";
                }
                if let Some(u) = o.unit() {
                    def.units.insert(u.to_owned());
                    units.insert(u.to_owned());
                }
                if let Some(a) = &lab.audit {
                    users.insert(a.actor.clone());
                }
            }
            for item in &v.sledai {
                if let Some(a) = &item.audit {
                    users.insert(a.actor.clone());
                }
            }
        }
    }
    Catalogue {
        events,
        labs,
        units: units
            .into_iter()
            .enumerate()
            .map(|(i, u)| (u, format!("MU.{}", i + 1)))
            .collect(),
        users,
        sites,
    }
}

fn user_oid(actor: &str) -> String {
    format!("USR.{}", safe_id(actor))
}

fn location_oid(site: &str) -> String {
    format!("LOC.{}", safe_id(site))
}

/// The study as an ODM 1.3.2 document (UTF-8 XML text).
pub fn export(study: &StudyExport, doc: &DocumentInfo) -> Result<String, InteropError> {
    let cat = catalogue(study);
    let study_oid = format!("ST.{}", safe_id(&study.code));
    let mut x = Xml {
        w: Writer::new_with_indent(Vec::new(), b' ', 1),
    };
    x.w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))
        .map_err(xml_error)?;
    x.open(
        "ODM",
        &[
            ("xmlns", NAMESPACE),
            ("FileType", "Transactional"),
            ("Granularity", "All"),
            ("FileOID", &doc.file_oid),
            ("CreationDateTime", &doc.created),
            ("ODMVersion", "1.3.2"),
            ("Originator", "sledger"),
            ("SourceSystem", "sledger"),
            ("SourceSystemVersion", &study.engine.version),
        ],
    )?;
    x.open("Study", &[("OID", &study_oid)])?;
    x.open("GlobalVariables", &[])?;
    x.text("StudyName", &study.code)?;
    x.text("StudyDescription", &study.title)?;
    x.text(
        "ProtocolName",
        &format!("{} {}", study.protocol_id, study.protocol_version),
    )?;
    x.close("GlobalVariables")?;
    if !cat.units.is_empty() {
        x.open("BasicDefinitions", &[])?;
        for (unit, oid) in &cat.units {
            x.open("MeasurementUnit", &[("OID", oid), ("Name", unit)])?;
            x.translated("Symbol", unit)?;
            x.close("MeasurementUnit")?;
        }
        x.close("BasicDefinitions")?;
    }
    metadata(&mut x, study, &cat)?;
    x.close("Study")?;
    admin_data(&mut x, &study_oid, &cat, study)?;
    clinical_data(&mut x, study, &study_oid, &cat)?;
    x.close("ODM")?;
    String::from_utf8(x.w.into_inner()).map_err(xml_error)
}

fn metadata(x: &mut Xml, study: &StudyExport, cat: &Catalogue) -> Result<(), InteropError> {
    x.open(
        "MetaDataVersion",
        &[
            ("OID", MDV),
            (
                "Name",
                &format!("{} {}", study.protocol_id, study.protocol_version),
            ),
        ],
    )?;
    x.open("Protocol", &[])?;
    for (n, code) in cat.events.iter().enumerate() {
        let scheduled = study.visits.iter().any(|v| v.code == *code);
        x.empty(
            "StudyEventRef",
            &[
                ("StudyEventOID", &event_oid(*code)),
                ("OrderNumber", &(n + 1).to_string()),
                ("Mandatory", if scheduled { "Yes" } else { "No" }),
            ],
        )?;
    }
    x.empty(
        "StudyEventRef",
        &[
            ("StudyEventOID", EVENT_COMMON),
            ("OrderNumber", &(cat.events.len() + 1).to_string()),
            ("Mandatory", "No"),
        ],
    )?;
    x.close("Protocol")?;
    for code in &cat.events {
        let unscheduled = *code == VisitCode::Unscheduled;
        x.open(
            "StudyEventDef",
            &[
                ("OID", &event_oid(*code)),
                ("Name", &code.to_string()),
                ("Repeating", if unscheduled { "Yes" } else { "No" }),
                (
                    "Type",
                    if unscheduled {
                        "Unscheduled"
                    } else {
                        "Scheduled"
                    },
                ),
            ],
        )?;
        if let Some(day) = study
            .visits
            .iter()
            .find(|v| v.code == *code)
            .and_then(|v| v.target_day)
        {
            x.translated(
                "Description",
                &format!("target study day {day} (day 0 = infusion)"),
            )?;
        }
        x.empty("FormRef", &[("FormOID", FORM_LAB), ("Mandatory", "No")])?;
        x.empty("FormRef", &[("FormOID", FORM_SLEDAI), ("Mandatory", "No")])?;
        x.close("StudyEventDef")?;
    }
    x.open(
        "StudyEventDef",
        &[
            ("OID", EVENT_COMMON),
            ("Name", "Study-wide records"),
            ("Repeating", "No"),
            ("Type", "Common"),
        ],
    )?;
    x.translated(
        "Description",
        "Infusions, medications and adverse events, not tied to one visit",
    )?;
    for form in [FORM_EX, FORM_CM, FORM_AE] {
        x.empty("FormRef", &[("FormOID", form), ("Mandatory", "No")])?;
    }
    x.close("StudyEventDef")?;
    for (form, group, name) in [
        (FORM_LAB, GROUP_LAB, "Laboratory results"),
        (FORM_SLEDAI, GROUP_SLEDAI, "SLEDAI-2K descriptors"),
        (FORM_EX, GROUP_EX, "Cell-product infusions"),
        (FORM_CM, GROUP_CM, "Medications"),
        (FORM_AE, GROUP_AE, "Adverse events"),
    ] {
        x.open(
            "FormDef",
            &[("OID", form), ("Name", name), ("Repeating", "No")],
        )?;
        x.empty(
            "ItemGroupRef",
            &[("ItemGroupOID", group), ("Mandatory", "No")],
        )?;
        x.close("FormDef")?;
    }
    x.open(
        "ItemGroupDef",
        &[
            ("OID", GROUP_LAB),
            ("Name", "Laboratory result"),
            ("Repeating", "Yes"),
        ],
    )?;
    for oid in cat.labs.keys() {
        x.empty("ItemRef", &[("ItemOID", oid), ("Mandatory", "No")])?;
    }
    x.empty("ItemRef", &[("ItemOID", ITEM_DATE), ("Mandatory", "Yes")])?;
    x.empty(
        "ItemRef",
        &[("ItemOID", ITEM_SPECIMEN), ("Mandatory", "No")],
    )?;
    x.close("ItemGroupDef")?;
    x.open(
        "ItemGroupDef",
        &[
            ("OID", GROUP_SLEDAI),
            ("Name", "SLEDAI-2K"),
            ("Repeating", "No"),
        ],
    )?;
    for d in Descriptor::ALL {
        x.empty(
            "ItemRef",
            &[("ItemOID", &sledai_oid(d)), ("Mandatory", "No")],
        )?;
    }
    x.close("ItemGroupDef")?;
    for (group, name) in [
        (GROUP_EX, "Infusion"),
        (GROUP_CM, "Medication exposure"),
        (GROUP_AE, "Adverse event"),
    ] {
        x.open(
            "ItemGroupDef",
            &[("OID", group), ("Name", name), ("Repeating", "Yes")],
        )?;
        for item in COMMON_ITEMS.iter().filter(|i| i.group == group) {
            x.empty("ItemRef", &[("ItemOID", item.oid), ("Mandatory", "No")])?;
        }
        x.close("ItemGroupDef")?;
    }
    for (oid, def) in &cat.labs {
        x.open(
            "ItemDef",
            &[
                ("OID", oid),
                ("Name", &def.name),
                ("DataType", def.data_type),
            ],
        )?;
        x.translated("Question", &def.name)?;
        for unit in &def.units {
            if let Some(mu) = cat.units.get(unit) {
                x.empty("MeasurementUnitRef", &[("MeasurementUnitOID", mu)])?;
            }
        }
        x.close("ItemDef")?;
    }
    x.open(
        "ItemDef",
        &[
            ("OID", ITEM_DATE),
            ("Name", "Collection date"),
            ("DataType", "date"),
        ],
    )?;
    x.close("ItemDef")?;
    x.open(
        "ItemDef",
        &[
            ("OID", ITEM_SPECIMEN),
            ("Name", "Urine specimen"),
            ("DataType", "text"),
        ],
    )?;
    x.empty("CodeListRef", &[("CodeListOID", CL_SPECIMEN)])?;
    x.close("ItemDef")?;
    for d in Descriptor::ALL {
        let name = format!("SLEDAI-2K {} (weight {})", code_of(&d), d.weight());
        x.open(
            "ItemDef",
            &[
                ("OID", &sledai_oid(d)),
                ("Name", &name),
                ("DataType", "text"),
            ],
        )?;
        x.translated("Question", &name)?;
        x.empty("CodeListRef", &[("CodeListOID", CL_SLEDAI)])?;
        x.close("ItemDef")?;
    }
    for item in COMMON_ITEMS {
        x.open(
            "ItemDef",
            &[
                ("OID", item.oid),
                ("Name", item.name),
                ("DataType", item.data_type),
            ],
        )?;
        x.translated("Question", item.name)?;
        if let Some(mu) = item.unit.and_then(|u| cat.units.get(u)) {
            x.empty("MeasurementUnitRef", &[("MeasurementUnitOID", mu)])?;
        }
        if let Some(list) = item.code_list {
            x.empty("CodeListRef", &[("CodeListOID", list)])?;
        }
        x.close("ItemDef")?;
    }
    code_list(
        x,
        CL_SLEDAI,
        "SLEDAI-2K descriptor state",
        &[
            ("present", "Present"),
            ("absent", "Absent"),
            ("not_assessed", "Not assessed"),
        ],
    )?;
    let specimens: Vec<(&str, &str)> = SPECIMENS.iter().map(|s| (*s, *s)).collect();
    code_list(x, CL_SPECIMEN, "Urine specimen (renal.md §2.1)", &specimens)?;
    code_list_typed(
        x,
        CL_GRADE,
        "CTCAE grade",
        "integer",
        &[
            ("1", "Mild"),
            ("2", "Moderate"),
            ("3", "Severe"),
            ("4", "Life-threatening"),
            ("5", "Death"),
        ],
    )?;
    code_list(x, CL_YES_NO, "Yes/No", &[("Y", "Yes"), ("N", "No")])?;
    code_list(
        x,
        CL_RELATEDNESS,
        "Relatedness to the cell product",
        &[
            ("unrelated", "Unrelated"),
            ("unlikely", "Unlikely"),
            ("possible", "Possible"),
            ("probable", "Probable"),
            ("definite", "Definite"),
        ],
    )?;
    code_list(
        x,
        CL_OUTCOME,
        "Adverse event outcome (SDTM AEOUT)",
        &[
            ("recovered", "Recovered/resolved"),
            ("recovering", "Recovering/resolving"),
            ("not_recovered", "Not recovered/not resolved"),
            (
                "recovered_with_sequelae",
                "Recovered/resolved with sequelae",
            ),
            ("fatal", "Fatal"),
            ("unknown", "Unknown"),
        ],
    )?;
    x.close("MetaDataVersion")
}

fn code_list(
    x: &mut Xml,
    oid: &str,
    name: &str,
    items: &[(&str, &str)],
) -> Result<(), InteropError> {
    code_list_typed(x, oid, name, "text", items)
}

fn code_list_typed(
    x: &mut Xml,
    oid: &str,
    name: &str,
    data_type: &str,
    items: &[(&str, &str)],
) -> Result<(), InteropError> {
    x.open(
        "CodeList",
        &[("OID", oid), ("Name", name), ("DataType", data_type)],
    )?;
    for (code, decode) in items {
        x.open("CodeListItem", &[("CodedValue", code)])?;
        x.translated("Decode", decode)?;
        x.close("CodeListItem")?;
    }
    x.close("CodeList")
}

fn admin_data(
    x: &mut Xml,
    study_oid: &str,
    cat: &Catalogue,
    study: &StudyExport,
) -> Result<(), InteropError> {
    if cat.users.is_empty() && cat.sites.is_empty() {
        return Ok(());
    }
    let effective = study
        .subjects
        .iter()
        .map(|s| s.enrollment_date)
        .min()
        .map_or_else(String::new, |d| d.to_string());
    x.open("AdminData", &[("StudyOID", study_oid)])?;
    for user in &cat.users {
        x.open("User", &[("OID", &user_oid(user))])?;
        x.text("LoginName", user)?;
        x.close("User")?;
    }
    for site in &cat.sites {
        x.open(
            "Location",
            &[
                ("OID", &location_oid(site)),
                ("Name", site),
                ("LocationType", "Site"),
            ],
        )?;
        x.empty(
            "MetaDataVersionRef",
            &[
                ("StudyOID", study_oid),
                ("MetaDataVersionOID", MDV),
                ("EffectiveDate", &effective),
            ],
        )?;
        x.close("Location")?;
    }
    x.close("AdminData")
}

/// ODM TransactionType of the audit action that wrote the value: a correction (the store's
/// `supersede`) is an Update, a first version an Insert.
fn transaction(audit: Option<&AuditStamp>) -> &'static str {
    match audit.map(|a| a.action.as_str()) {
        Some("supersede") => "Update",
        _ => "Insert",
    }
}

fn audit_record(x: &mut Xml, a: &AuditStamp) -> Result<(), InteropError> {
    x.open("AuditRecord", &[])?;
    x.empty("UserRef", &[("UserOID", &user_oid(&a.actor))])?;
    x.empty("LocationRef", &[("LocationOID", &location_oid(&a.site))])?;
    x.text("DateTimeStamp", &a.at)?;
    if let Some(reason) = &a.reason {
        x.text("ReasonForChange", reason)?;
    }
    x.text("SourceID", &format!("audit-entry-{}", a.seq))?;
    x.close("AuditRecord")
}

fn item(
    x: &mut Xml,
    oid: &str,
    value: &str,
    audit: Option<&AuditStamp>,
    unit_oid: Option<&str>,
) -> Result<(), InteropError> {
    x.open(
        "ItemData",
        &[
            ("ItemOID", oid),
            ("TransactionType", transaction(audit)),
            ("Value", value),
        ],
    )?;
    if let Some(a) = audit {
        audit_record(x, a)?;
    }
    if let Some(mu) = unit_oid {
        x.empty("MeasurementUnitRef", &[("MeasurementUnitOID", mu)])?;
    }
    x.close("ItemData")
}

/// One repeating item group: the items with a value, each with the group's audit record.
fn record_group(
    x: &mut Xml,
    group: &str,
    key: usize,
    audit: Option<&AuditStamp>,
    items: &[(&str, Option<String>, Option<&str>)],
) -> Result<(), InteropError> {
    let key = key.to_string();
    x.open(
        "ItemGroupData",
        &[
            ("ItemGroupOID", group),
            ("ItemGroupRepeatKey", &key),
            ("TransactionType", transaction(audit)),
        ],
    )?;
    for (oid, value, unit) in items {
        if let Some(value) = value {
            item(x, oid, value, audit, *unit)?;
        }
    }
    x.close("ItemGroupData")
}

/// Infusions, medications and adverse events in the subject's study-wide event.
fn common_event(x: &mut Xml, s: &Subject, cat: &Catalogue) -> Result<(), InteropError> {
    if s.infusions.is_empty() && s.medications.is_empty() && s.adverse_events.is_empty() {
        return Ok(());
    }
    let unit = |u: &str| cat.units.get(u).map(String::as_str);
    x.open(
        "StudyEventData",
        &[
            ("StudyEventOID", EVENT_COMMON),
            ("TransactionType", "Insert"),
        ],
    )?;
    if !s.infusions.is_empty() {
        x.open("FormData", &[("FormOID", FORM_EX)])?;
        for (n, f) in s.infusions.iter().enumerate() {
            let i = &f.infusion;
            record_group(
                x,
                GROUP_EX,
                n + 1,
                f.audit.as_ref(),
                &[
                    ("IT.EX.DATE", Some(i.date.to_string()), None),
                    ("IT.EX.SOURCE", Some(code_of(&i.source)), None),
                    ("IT.EX.DONOR", Some(code_of(&i.donor)), None),
                    ("IT.EX.ROUTE", Some(code_of(&i.route)), None),
                    ("IT.EX.LOT", i.lot.clone(), None),
                    ("IT.EX.CELLS", Some(i.total_cells.to_string()), None),
                    ("IT.EX.WEIGHT", i.weight_kg.map(decimal), unit("kg")),
                    ("IT.EX.VIABILITY", i.viability_pct.map(decimal), unit("%")),
                ],
            )?;
        }
        x.close("FormData")?;
    }
    if !s.medications.is_empty() {
        x.open("FormData", &[("FormOID", FORM_CM)])?;
        for (n, m) in s.medications.iter().enumerate() {
            record_group(
                x,
                GROUP_CM,
                n + 1,
                m.audit.as_ref(),
                &[
                    ("IT.CM.AGENT", Some(m.agent.clone()), None),
                    ("IT.CM.DOSE", Some(decimal(m.dose_mg)), unit("mg")),
                    ("IT.CM.ROUTE", Some(m.route.clone()), None),
                    ("IT.CM.SCHEDULE", Some(m.schedule.clone()), None),
                    ("IT.CM.START", Some(m.start.to_string()), None),
                    ("IT.CM.END", m.end.map(|d| d.to_string()), None),
                    ("IT.CM.INDICATION", Some(m.indication.clone()), None),
                ],
            )?;
        }
        x.close("FormData")?;
    }
    if !s.adverse_events.is_empty() {
        x.open("FormData", &[("FormOID", FORM_AE)])?;
        for (n, a) in s.adverse_events.iter().enumerate() {
            record_group(
                x,
                GROUP_AE,
                n + 1,
                a.audit.as_ref(),
                &[
                    ("IT.AE.TERM", Some(a.term.clone()), None),
                    ("IT.AE.GRADE", Some(a.ctcae_grade.to_string()), None),
                    (
                        "IT.AE.SERIOUS",
                        Some(if a.serious { "Y" } else { "N" }.to_owned()),
                        None,
                    ),
                    ("IT.AE.RELATEDNESS", Some(a.relatedness.clone()), None),
                    ("IT.AE.ONSET", Some(a.onset.to_string()), None),
                    (
                        "IT.AE.RESOLUTION",
                        a.resolution.map(|d| d.to_string()),
                        None,
                    ),
                    ("IT.AE.OUTCOME", a.outcome.clone(), None),
                ],
            )?;
        }
        x.close("FormData")?;
    }
    x.close("StudyEventData")
}

fn clinical_data(
    x: &mut Xml,
    study: &StudyExport,
    study_oid: &str,
    cat: &Catalogue,
) -> Result<(), InteropError> {
    x.open(
        "ClinicalData",
        &[("StudyOID", study_oid), ("MetaDataVersionOID", MDV)],
    )?;
    for s in &study.subjects {
        x.open(
            "SubjectData",
            &[("SubjectKey", &s.code), ("TransactionType", "Insert")],
        )?;
        x.empty("SiteRef", &[("LocationOID", &location_oid(&s.site))])?;
        let mut unscheduled = 0usize;
        for v in &s.visits {
            let oid = event_oid(v.code);
            let repeat;
            let mut attrs: Vec<(&str, &str)> = vec![("StudyEventOID", &oid)];
            if v.code == VisitCode::Unscheduled {
                unscheduled += 1;
                repeat = unscheduled.to_string();
                attrs.push(("StudyEventRepeatKey", &repeat));
            }
            attrs.push(("TransactionType", "Insert"));
            x.open("StudyEventData", &attrs)?;
            if !v.labs.is_empty() {
                x.open("FormData", &[("FormOID", FORM_LAB)])?;
                for (n, lab) in v.labs.iter().enumerate() {
                    let o = &lab.observation;
                    let key = (n + 1).to_string();
                    x.open(
                        "ItemGroupData",
                        &[
                            ("ItemGroupOID", GROUP_LAB),
                            ("ItemGroupRepeatKey", &key),
                            ("TransactionType", transaction(lab.audit.as_ref())),
                        ],
                    )?;
                    let unit = o.unit().and_then(|u| cat.units.get(u)).map(String::as_str);
                    item(
                        x,
                        &lab_item_oid(o),
                        &value_text(o.value()),
                        lab.audit.as_ref(),
                        unit,
                    )?;
                    item(
                        x,
                        ITEM_DATE,
                        &o.effective().to_string(),
                        lab.audit.as_ref(),
                        None,
                    )?;
                    if let Some(specimen) = o.specimen() {
                        item(
                            x,
                            ITEM_SPECIMEN,
                            &code_of(&specimen),
                            lab.audit.as_ref(),
                            None,
                        )?;
                    }
                    x.close("ItemGroupData")?;
                }
                x.close("FormData")?;
            }
            if !v.sledai.is_empty() {
                x.open("FormData", &[("FormOID", FORM_SLEDAI)])?;
                x.open(
                    "ItemGroupData",
                    &[
                        ("ItemGroupOID", GROUP_SLEDAI),
                        ("TransactionType", "Insert"),
                    ],
                )?;
                for it in &v.sledai {
                    let Some(state) = it.answer.state else {
                        continue;
                    };
                    let value = match state {
                        ItemState::Present => "present",
                        ItemState::Absent => "absent",
                        ItemState::NotAssessed => "not_assessed",
                    };
                    item(
                        x,
                        &sledai_oid(it.descriptor),
                        value,
                        it.audit.as_ref(),
                        None,
                    )?;
                }
                x.close("ItemGroupData")?;
                x.close("FormData")?;
            }
            x.close("StudyEventData")?;
        }
        common_event(x, s, cat)?;
        x.close("SubjectData")?;
    }
    x.close("ClinicalData")
}

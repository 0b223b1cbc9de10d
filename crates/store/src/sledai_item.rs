//! One SLEDAI-2K descriptor answer as a `sledai_item` row and back (sle-activity §1.4, §9.2;
//! README errata 6 and 16): the investigator's state, the last date present and whether the
//! manifestation is new or recurrent.

use serde_json::Value;
use sledger_core::InputError;
use sledger_core::measures::sledai2k::{Descriptor, InvestigatorAnswer, ItemState};

use crate::column::{self, Columns, code_of, text_or_null};

/// The state stored for a descriptor left blank on the form (no answer at all, but a date or
/// the new/recurrent flag was given): read back as `None`, never as `not_assessed`.
const BLANK: &str = "blank";

const STATES: &str = "present, absent, not_assessed";

/// Whether an answer records anything (a fully blank descriptor is not stored).
pub(crate) fn is_recorded(answer: &InvestigatorAnswer) -> bool {
    *answer != InvestigatorAnswer::default()
}

/// The row of `sledai_item` for one descriptor.
pub(crate) fn values(
    patient_id: &str,
    visit_id: &str,
    descriptor: Descriptor,
    answer: &InvestigatorAnswer,
) -> Columns {
    let mut v = Columns::new();
    v.insert("patient_id".into(), patient_id.into());
    v.insert("visit_id".into(), visit_id.into());
    v.insert("descriptor".into(), descriptor.name().into());
    v.insert(
        "state".into(),
        answer
            .state
            .map_or_else(|| BLANK.to_owned(), |s| code_of(&s))
            .into(),
    );
    v.insert(
        "last_present_date".into(),
        text_or_null(answer.last_present.map(|d| d.to_string())),
    );
    v.insert(
        "new_or_recurrent".into(),
        answer
            .new_or_recurrent
            .map_or(Value::Null, |b| Value::from(i64::from(b))),
    );
    v
}

/// The descriptor called `name` (`arthritis`, `low_complement`, …, sle-activity §1.3).
pub fn descriptor(field: &'static str, name: &str) -> Result<Descriptor, InputError> {
    Descriptor::ALL
        .into_iter()
        .find(|d| d.name() == name)
        .ok_or_else(|| {
            InputError::new(
                field,
                name,
                "not a SLEDAI-2K descriptor of sle-activity §1.3",
            )
        })
}

/// Parses a stored (or corrected) row.
pub(crate) fn parse(values: &Columns) -> Result<(Descriptor, InvestigatorAnswer), InputError> {
    let descriptor = descriptor("descriptor", column::required_text(values, "descriptor")?)?;
    let state = match column::required_text(values, "state")? {
        BLANK => None,
        other => Some(column::parse_code::<ItemState>("state", other, STATES)?),
    };
    Ok((
        descriptor,
        InvestigatorAnswer {
            state,
            last_present: column::date(values, "last_present_date")?,
            new_or_recurrent: column::flag(values, "new_or_recurrent")?,
        },
    ))
}

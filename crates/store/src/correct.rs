//! Corrections (issue #3 item 4): a new version supersedes the old one with who, when and why;
//! nothing is updated in place. The corrected version is RE-VALIDATED through the same core
//! parsers that accepted the original (an observation corrected to a unit its code does not
//! allow is refused naming `unit`), so a correction can never store what a new submission
//! could not.

use serde_json::{Map, Value};
use sledger_core::InputError;
use sledger_core::infusion::Infusion;
use sledger_core::protocol::{CellSource, Donor, Route, VisitCode};
use sledger_core::record::patient::BirthMonth;
use sledger_core::sex::RecordedSex;

use crate::Store;
use crate::authorization::{self, Permission};
use crate::column::{self, Columns};
use crate::error::StoreError;
use crate::fact::{self, ColumnType, FactTable, FactVersion};
use crate::study::{Study, check_code};
use crate::write::{Actor, Write};
use crate::{adverse_event, condition, medication, observation_row, sledai_item, visit_facts};

/// Columns that tie a fact to its patient or visit: a correction does not move facts between
/// patients or visits (retract and record again instead).
const LINKS: [&str; 2] = ["patient_id", "visit_id"];

/// Columns the store derives; they follow from the visit's code and date.
const DERIVED: [&str; 3] = ["study_day", "window_status", "window_days_off"];

/// The fact table called `name`, or an error naming `entity`.
fn table(name: &str) -> Result<&'static FactTable, InputError> {
    fact::table(name).ok_or_else(|| {
        let names: Vec<&str> = fact::ALL.iter().map(|t| t.name).collect();
        InputError::new(
            "entity",
            name,
            format!("not a fact table: {}", names.join(", ")),
        )
    })
}

/// Brings each change to its column's type: text stays text, integers from their text, and
/// `null` (JSON null or the text "null") clears a column.
fn typed_changes(
    table: &FactTable,
    changes: Map<String, Value>,
) -> Result<Map<String, Value>, InputError> {
    let mut out = Map::new();
    for (name, value) in changes {
        let Some(ty) = table.column(&name) else {
            return Err(InputError::new(
                "column",
                &name,
                format!("{} has no column {name}", table.name),
            ));
        };
        if LINKS.contains(&name.as_str())
            || (table.name == "visit" && DERIVED.contains(&name.as_str()))
        {
            return Err(InputError::new(
                "column",
                &name,
                "cannot be corrected: it links or derives the fact; retract and record again",
            ));
        }
        let value = match (value, ty) {
            (Value::String(s), _) if s == "null" => Value::Null,
            (Value::Null, _) => Value::Null,
            (Value::String(s), ColumnType::Int) => match s.as_str() {
                "true" => Value::from(1),
                "false" => Value::from(0),
                _ => s
                    .parse::<i64>()
                    .map(Value::from)
                    .map_err(|_| InputError::new(name.clone(), &s, "must be a whole number"))?,
            },
            (Value::Number(n), ColumnType::Text) => Value::String(n.to_string()),
            (v, _) => v,
        };
        out.insert(name, value);
    }
    Ok(out)
}

/// Re-validates a whole corrected row of `table` through the core parsers.
fn revalidate(table: &FactTable, values: &Columns) -> Result<(), InputError> {
    match table.name {
        "observation" => observation_row::parse(values).map(drop),
        "sledai_item" => sledai_item::parse(values).map(drop),
        "medication" => medication::parse(values).map(drop),
        "adverse_event" => adverse_event::parse(values).map(drop),
        "condition" => condition::parse(values).map(drop),
        "visit_fact" => {
            let name = column::required_text(values, "name")?;
            let value = column::required_text(values, "value")?;
            let (mut facts, mut pga) = (Default::default(), None);
            visit_facts::apply(&mut facts, &mut pga, name, value)
        }
        "visit" => {
            VisitCode::parse("visit_code", column::required_text(values, "visit_code")?)?;
            column::required_date(values, "visit_date").map(drop)
        }
        "patient" => {
            check_code("code", column::required_text(values, "code")?)?;
            check_code("site_code", column::required_text(values, "site_code")?)?;
            column::parse_code::<RecordedSex>(
                "sex",
                column::required_text(values, "sex")?,
                "female, male, other, intersex, unknown, not_recorded",
            )?;
            let year = column::int(values, "birth_year")?.unwrap_or(0);
            let month = column::int(values, "birth_month")?.unwrap_or(0);
            BirthMonth::new(
                i16::try_from(year).unwrap_or(0),
                i8::try_from(month).unwrap_or(0),
            )?;
            column::required_date(values, "enrollment_date").map(drop)
        }
        "infusion" => {
            let total: u64 = column::required_text(values, "total_cells")?
                .parse()
                .map_err(|_| {
                    InputError::new(
                        "total_cells",
                        column::text(values, "total_cells").unwrap_or_default(),
                        "a whole number of cells",
                    )
                })?;
            Infusion {
                date: column::required_date(values, "infusion_date")?,
                source: column::parse_code::<CellSource>(
                    "product_source",
                    column::required_text(values, "product_source")?,
                    "bone_marrow, umbilical_cord, adipose, car_t",
                )?,
                donor: column::parse_code::<Donor>(
                    "donor",
                    column::required_text(values, "donor")?,
                    "allogeneic, autologous",
                )?,
                route: column::parse_code::<Route>(
                    "route",
                    column::required_text(values, "route")?,
                    "iv",
                )?,
                lot: column::text(values, "lot").map(str::to_owned),
                total_cells: total,
                weight_kg: column::decimal(values, "weight_kg")?,
                viability_pct: column::decimal(values, "viability_pct")?,
                premedication: column::text(values, "premedication").map(str::to_owned),
            }
            .validate()
            .map(drop)
        }
        "protocol_deviation" => {
            column::required_text(values, "kind")?;
            column::required_text(values, "description").map(drop)
        }
        "consent" => {
            column::required_date(values, "consent_date")?;
            column::required_text(values, "consent_version").map(drop)
        }
        "eligibility_answer" => {
            column::required_text(values, "criterion")?;
            column::required_text(values, "answer").map(drop)
        }
        _ => Ok(()),
    }
}

impl Store {
    /// Supersedes fact `entity_id` of table `table_name` with `changes` (column → value),
    /// re-validated, with the reason (required). A visit whose code or date is corrected gets
    /// its study day and window recomputed. Returns the new version.
    pub async fn correct(
        &self,
        actor: &Actor,
        study: &Study,
        table_name: &str,
        entity_id: &str,
        changes: Map<String, Value>,
        reason: &str,
    ) -> Result<FactVersion, StoreError> {
        let table = table(table_name)?;
        if changes.is_empty() {
            return Err(InputError::new("set", "", "nothing to correct: give column=value").into());
        }
        if reason.trim().is_empty() {
            return Err(InputError::new("reason", reason, "a correction needs a reason").into());
        }
        let mut changes = typed_changes(table, changes)?;
        let mut w = Write::begin(self.pool(), &study.study_id, actor).await?;
        let current = table
            .current(&mut w.tx, &study.study_id, entity_id)
            .await?
            .ok_or_else(|| StoreError::NotFound {
                entity: table.name,
                key: entity_id.to_owned(),
            })?;
        authorize_fact(&mut w.tx, actor, &study.study_id, table, &current).await?;
        if let Some(site) = changes.get("site_code").and_then(Value::as_str) {
            authorization::authorize_site(&mut w.tx, actor, Permission::CaptureRecords, site)
                .await?;
        }
        let mut merged = current.values.clone();
        merged.extend(changes.clone());
        revalidate(table, &merged)?;
        if table.name == "visit" {
            recompute_timing(&mut w, study, &merged, &mut changes).await?;
        }
        let next = w.supersede(table, entity_id, changes, reason).await?;
        w.commit().await?;
        Ok(next)
    }

    /// Withdraws fact `entity_id` (recorded in error) with the reason; nothing is deleted.
    pub async fn retract(
        &self,
        actor: &Actor,
        study: &Study,
        table_name: &str,
        entity_id: &str,
        reason: &str,
    ) -> Result<FactVersion, StoreError> {
        let table = table(table_name)?;
        let mut w = Write::begin(self.pool(), &study.study_id, actor).await?;
        let current = table
            .current(&mut w.tx, &study.study_id, entity_id)
            .await?
            .ok_or_else(|| StoreError::NotFound {
                entity: table.name,
                key: entity_id.to_owned(),
            })?;
        authorize_fact(&mut w.tx, actor, &study.study_id, table, &current).await?;
        let next = w.retract(table, entity_id, reason).await?;
        w.commit().await?;
        Ok(next)
    }

    /// Every version of a fact, oldest first (issue #3 item 4: history is queryable).
    pub async fn history(
        &self,
        study: &Study,
        table_name: &str,
        entity_id: &str,
    ) -> Result<Vec<FactVersion>, StoreError> {
        let table = table(table_name)?;
        let mut tx = self.pool().begin_read().await?;
        table.history(&mut tx, &study.study_id, entity_id).await
    }
}

/// Whether `actor` may correct `fact`: capture rights at the site of the patient it belongs
/// to (the patient row names its site; every other fact names its patient).
async fn authorize_fact(
    tx: &mut crate::backend::Tx,
    actor: &Actor,
    study_id: &str,
    table: &FactTable,
    fact: &FactVersion,
) -> Result<(), StoreError> {
    let site = if table.name == fact::PATIENT.name {
        fact.text("site_code").map(str::to_owned)
    } else {
        match fact.text("patient_id") {
            Some(pid) => fact::PATIENT
                .current(tx, study_id, pid)
                .await?
                .and_then(|p| p.text("site_code").map(str::to_owned)),
            None => None,
        }
    };
    let site = site.ok_or(StoreError::Corrupt("a fact names no patient or site"))?;
    authorization::authorize_site(tx, actor, Permission::CaptureRecords, &site).await?;
    Ok(())
}

/// A corrected visit code or date moves the visit in the schedule: its study day, window
/// status and days off are recomputed from the patient's infusion.
async fn recompute_timing(
    w: &mut Write,
    study: &Study,
    merged: &Columns,
    changes: &mut Map<String, Value>,
) -> Result<(), StoreError> {
    let code = VisitCode::parse("visit_code", column::required_text(merged, "visit_code")?)?;
    let date = column::required_date(merged, "visit_date")?;
    let patient_id = column::required_text(merged, "patient_id")?;
    let infusion = crate::visit::infusion_date(&mut w.tx, &study.study_id, patient_id).await?;
    let (timing, day) = crate::visit::timing(study, code, date, infusion);
    changes.insert(
        "study_day".into(),
        day.map_or(Value::Null, |d| Value::from(i64::from(d))),
    );
    changes.insert("window_status".into(), timing.code().into());
    changes.insert("window_days_off".into(), timing.days_off().into());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_take_their_column_types() {
        let mut changes = Map::new();
        changes.insert("ctcae_grade".into(), Value::from("3"));
        changes.insert("resolution_date".into(), Value::from("null"));
        let typed = typed_changes(&fact::ADVERSE_EVENT, changes).expect("valid");
        assert_eq!(typed["ctcae_grade"], Value::from(3));
        assert_eq!(typed["resolution_date"], Value::Null);
        let mut changes = Map::new();
        changes.insert("patient_id".into(), Value::from("other"));
        let err = typed_changes(&fact::OBSERVATION, changes).unwrap_err();
        assert_eq!(err.field, "column");
        assert_eq!(table("nothing").unwrap_err().field, "entity");
    }
}

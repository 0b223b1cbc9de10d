//! Versioned fact tables: insert, supersede, retract, read current and history — one generic
//! path for every table, so the "nothing updated, nothing deleted" rule (issue #3 item 4) is
//! written once.
//!
//! Each fact table has the bookkeeping columns `study_id, id, entity_id, version, retracted,
//! recorded_at, recorded_by, reason` and its own columns, declared in [`FactTable`].

use serde_json::{Map, Value};

use crate::backend::{Param, Row, Tx};
use crate::error::StoreError;

/// The SQL type of a column: the schema uses only these two.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnType {
    Text,
    Int,
}

/// A fact table and its own columns (besides the bookkeeping ones).
#[derive(Debug)]
pub struct FactTable {
    pub name: &'static str,
    pub columns: &'static [(&'static str, ColumnType)],
}

use ColumnType::{Int, Text};

pub const PATIENT: FactTable = FactTable {
    name: "patient",
    columns: &[
        ("site_code", Text),
        ("code", Text),
        ("sex", Text),
        ("birth_year", Int),
        ("birth_month", Int),
        ("enrollment_date", Text),
    ],
};

pub const CONSENT: FactTable = FactTable {
    name: "consent",
    columns: &[
        ("patient_id", Text),
        ("consent_date", Text),
        ("consent_version", Text),
    ],
};

pub const ELIGIBILITY_ANSWER: FactTable = FactTable {
    name: "eligibility_answer",
    columns: &[("patient_id", Text), ("criterion", Text), ("answer", Text)],
};

pub const INFUSION: FactTable = FactTable {
    name: "infusion",
    columns: &[
        ("patient_id", Text),
        ("infusion_date", Text),
        ("product_source", Text),
        ("donor", Text),
        ("lot", Text),
        ("total_cells", Text),
        ("weight_kg", Text),
        ("cells_per_kg", Text),
        ("viability_pct", Text),
        ("route", Text),
        ("premedication", Text),
    ],
};

pub const VISIT: FactTable = FactTable {
    name: "visit",
    columns: &[
        ("patient_id", Text),
        ("visit_code", Text),
        ("visit_date", Text),
        ("study_day", Int),
        ("window_status", Text),
        ("window_days_off", Int),
    ],
};

pub const OBSERVATION: FactTable = FactTable {
    name: "observation",
    columns: &[
        ("patient_id", Text),
        ("visit_id", Text),
        ("code_system", Text),
        ("code", Text),
        ("value_decimal", Text),
        ("value_text", Text),
        ("value_bool", Int),
        ("raw_unit", Text),
        ("reference_low", Text),
        ("reference_high", Text),
        ("effective_date", Text),
        ("specimen", Text),
        ("source", Text),
        ("import_id", Text),
    ],
};

pub const SLEDAI_ITEM: FactTable = FactTable {
    name: "sledai_item",
    columns: &[
        ("patient_id", Text),
        ("visit_id", Text),
        ("descriptor", Text),
        ("state", Text),
        ("last_present_date", Text),
        ("new_or_recurrent", Int),
    ],
};

pub const VISIT_FACT: FactTable = FactTable {
    name: "visit_fact",
    columns: &[
        ("patient_id", Text),
        ("visit_id", Text),
        ("name", Text),
        ("value", Text),
    ],
};

pub const MEDICATION: FactTable = FactTable {
    name: "medication",
    columns: &[
        ("patient_id", Text),
        ("agent", Text),
        ("dose_ug", Int),
        ("route", Text),
        ("schedule", Text),
        ("start_date", Text),
        ("end_date", Text),
        ("indication", Text),
    ],
};

pub const ADVERSE_EVENT: FactTable = FactTable {
    name: "adverse_event",
    columns: &[
        ("patient_id", Text),
        ("term", Text),
        ("ctcae_grade", Int),
        ("serious", Int),
        ("relatedness", Text),
        ("onset_date", Text),
        ("resolution_date", Text),
        ("outcome", Text),
    ],
};

pub const PROTOCOL_DEVIATION: FactTable = FactTable {
    name: "protocol_deviation",
    columns: &[
        ("patient_id", Text),
        ("visit_id", Text),
        ("kind", Text),
        ("description", Text),
    ],
};

/// A diagnosis or problem as a hospital coded it (FHIR Condition import, migration 0005).
pub const CONDITION: FactTable = FactTable {
    name: "condition",
    columns: &[
        ("patient_id", Text),
        ("code_system", Text),
        ("code", Text),
        ("display", Text),
        ("clinical_status", Text),
        ("verification_status", Text),
        ("onset_date", Text),
        ("abatement_date", Text),
    ],
};

/// A patient's value of one stratification factor (issue #4). Not in [`ALL`]: it changes
/// only through `Store::set_strata`, which refuses once the values are locked.
pub const STRATUM_VALUE: FactTable = FactTable {
    name: "stratum_value",
    columns: &[("patient_id", Text), ("factor", Text), ("level", Text)],
};

/// Every fact table, for lookups by name (`sledger correct --entity`).
pub const ALL: [&FactTable; 12] = [
    &PATIENT,
    &CONSENT,
    &ELIGIBILITY_ANSWER,
    &INFUSION,
    &VISIT,
    &OBSERVATION,
    &SLEDAI_ITEM,
    &VISIT_FACT,
    &MEDICATION,
    &ADVERSE_EVENT,
    &PROTOCOL_DEVIATION,
    &CONDITION,
];

/// The fact table called `name`.
pub fn table(name: &str) -> Option<&'static FactTable> {
    ALL.into_iter().find(|t| t.name == name)
}

/// One version of a fact as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct FactVersion {
    pub id: String,
    pub entity_id: String,
    pub version: i64,
    pub retracted: bool,
    pub recorded_at: String,
    pub recorded_by: String,
    pub reason: Option<String>,
    /// The table's own columns, by name (JSON strings and integers; null for NULL).
    pub values: Map<String, Value>,
}

impl FactVersion {
    /// A text column (None when NULL or absent).
    pub fn text(&self, column: &str) -> Option<&str> {
        self.values.get(column).and_then(Value::as_str)
    }

    /// An integer column (None when NULL or absent).
    pub fn int(&self, column: &str) -> Option<i64> {
        self.values.get(column).and_then(Value::as_i64)
    }

    /// The version as audit JSON: bookkeeping plus values.
    pub fn to_json(&self) -> String {
        let mut m = Map::new();
        m.insert("id".into(), self.id.clone().into());
        m.insert("entity_id".into(), self.entity_id.clone().into());
        m.insert("version".into(), self.version.into());
        m.insert("retracted".into(), self.retracted.into());
        m.extend(self.values.clone());
        Value::Object(m).to_string()
    }
}

impl FactTable {
    /// The column's type, if the table has it.
    pub fn column(&self, name: &str) -> Option<ColumnType> {
        self.columns
            .iter()
            .find(|(c, _)| *c == name)
            .map(|(_, t)| *t)
    }

    fn select_list(&self) -> String {
        let own: Vec<&str> = self.columns.iter().map(|(c, _)| *c).collect();
        format!(
            "id, entity_id, version, retracted, recorded_at, recorded_by, reason, {}",
            own.join(", ")
        )
    }

    /// The columns of [`FactTable::select_list`], qualified with the alias `f`, and their types.
    fn qualified_columns(&self) -> Vec<(String, ColumnType)> {
        [
            ("id", Text),
            ("entity_id", Text),
            ("version", Int),
            ("retracted", Int),
            ("recorded_at", Text),
            ("recorded_by", Text),
            ("reason", Text),
        ]
        .into_iter()
        .chain(self.columns.iter().copied())
        .map(|(c, ty)| (format!("f.{c}"), ty))
        .collect()
    }

    /// Reads the versions that `rest` (`FROM {table} f WHERE …`) selects, in one aggregated
    /// row ([`Tx::fetch_json_rows`]), ordered by entity and version.
    async fn read_all(
        &self,
        tx: &mut Tx,
        rest: &str,
        params: &[Param],
    ) -> Result<Vec<FactVersion>, StoreError> {
        let columns = self.qualified_columns();
        let columns: Vec<(&str, ColumnType)> =
            columns.iter().map(|(c, ty)| (c.as_str(), *ty)).collect();
        let rows = tx.fetch_json_rows(&columns, rest, params).await?;
        self.versions(rows)
    }

    /// Rows of the select list as fact versions, in (entity, version) order.
    fn versions(&self, rows: Vec<Vec<Value>>) -> Result<Vec<FactVersion>, StoreError> {
        let mut versions = rows
            .into_iter()
            .map(|row| self.read_json(row))
            .collect::<Result<Vec<_>, _>>()?;
        versions.sort_by(|a, b| (&a.entity_id, a.version).cmp(&(&b.entity_id, b.version)));
        Ok(versions)
    }

    /// One row of [`FactTable::read_all`]: the select list's values as JSON.
    fn read_json(&self, row: Vec<Value>) -> Result<FactVersion, StoreError> {
        const CORRUPT: StoreError = StoreError::Corrupt("a fact row of the wrong shape");
        if row.len() != 7 + self.columns.len() {
            return Err(CORRUPT);
        }
        let mut row = row.into_iter();
        let mut next = || row.next().unwrap_or(Value::Null);
        let text = |v: Value| match v {
            Value::String(s) => Ok(s),
            _ => Err(CORRUPT),
        };
        let id = text(next())?;
        let entity_id = text(next())?;
        let version = next().as_i64().ok_or(CORRUPT)?;
        let retracted = next().as_i64().ok_or(CORRUPT)? != 0;
        let recorded_at = text(next())?;
        let recorded_by = text(next())?;
        let reason = match next() {
            Value::Null => None,
            other => Some(text(other)?),
        };
        let mut values = Map::with_capacity(self.columns.len());
        for (name, ty) in self.columns {
            let value = next();
            let fits = match (&value, ty) {
                (Value::Null, _) | (Value::String(_), Text) => true,
                (Value::Number(n), Int) => n.is_i64(),
                _ => false,
            };
            if !fits {
                return Err(CORRUPT);
            }
            values.insert((*name).to_owned(), value);
        }
        Ok(FactVersion {
            id,
            entity_id,
            version,
            retracted,
            recorded_at,
            recorded_by,
            reason,
            values,
        })
    }

    fn read(&self, row: &Row) -> Result<FactVersion, StoreError> {
        let mut values = Map::with_capacity(self.columns.len());
        for (i, (name, ty)) in self.columns.iter().enumerate() {
            let value = match ty {
                Text => row.text(7 + i)?.map(Value::from).unwrap_or(Value::Null),
                Int => row.int(7 + i)?.map(Value::from).unwrap_or(Value::Null),
            };
            values.insert((*name).to_owned(), value);
        }
        Ok(FactVersion {
            id: row.req_text(0)?,
            entity_id: row.req_text(1)?,
            version: row.req_int(2)?,
            retracted: row.req_int(3)? != 0,
            recorded_at: row.req_text(4)?,
            recorded_by: row.req_text(5)?,
            reason: row.text(6)?,
            values,
        })
    }

    /// Inserts `version` of entity `entity_id` with the given values (every own column must
    /// be present, in declaration order).
    pub async fn insert(
        &self,
        tx: &mut Tx,
        study_id: &str,
        fact: &FactVersion,
    ) -> Result<(), StoreError> {
        self.insert_many(tx, study_id, std::slice::from_ref(fact))
            .await
    }

    /// Inserts `facts` with as few statements as the parameter limit allows: a visit's
    /// observations or SLEDAI-2K items go in one multi-row INSERT instead of one round trip
    /// each (issue #7 "Speed": the statements, not the rows, are what a write pays for).
    pub async fn insert_many(
        &self,
        tx: &mut Tx,
        study_id: &str,
        facts: &[FactVersion],
    ) -> Result<(), StoreError> {
        let width = 8 + self.columns.len();
        let own: Vec<&str> = self.columns.iter().map(|(c, _)| *c).collect();
        for chunk in facts.chunks((MAX_PARAMETERS / width).max(1)) {
            let rows = crate::backend::values_rows(tx.backend(), chunk.len(), width);
            let sql = format!(
                "INSERT INTO {} (study_id, id, entity_id, version, retracted, recorded_at, recorded_by, reason, {}) VALUES {}",
                self.name,
                own.join(", "),
                rows
            );
            let mut params: Vec<Param> = Vec::with_capacity(chunk.len() * width);
            for fact in chunk {
                params.extend([
                    study_id.into(),
                    fact.id.as_str().into(),
                    fact.entity_id.as_str().into(),
                    fact.version.into(),
                    fact.retracted.into(),
                    fact.recorded_at.as_str().into(),
                    fact.recorded_by.as_str().into(),
                    fact.reason.clone().into(),
                ]);
                for (name, ty) in self.columns {
                    params.push(to_param(fact.values.get(*name), *ty));
                }
            }
            tx.execute(&sql, &params).await?;
        }
        Ok(())
    }

    /// The current (highest) version of an entity, or None if it does not exist.
    pub async fn current(
        &self,
        tx: &mut Tx,
        study_id: &str,
        entity_id: &str,
    ) -> Result<Option<FactVersion>, StoreError> {
        let sql = format!(
            "SELECT {} FROM {} WHERE study_id = $1 AND entity_id = $2 ORDER BY version DESC LIMIT 1",
            self.select_list(),
            self.name
        );
        let row = tx
            .fetch_optional(&sql, &[study_id.into(), entity_id.into()])
            .await?;
        row.map(|r| self.read(&r)).transpose()
    }

    /// Every version of an entity, oldest first (issue #3 item 4: history is queryable).
    pub async fn history(
        &self,
        tx: &mut Tx,
        study_id: &str,
        entity_id: &str,
    ) -> Result<Vec<FactVersion>, StoreError> {
        let rest = format!(
            "FROM {} f WHERE f.study_id = $1 AND f.entity_id = $2",
            self.name
        );
        self.read_all(tx, &rest, &[study_id.into(), entity_id.into()])
            .await
    }

    /// The current, not retracted, version of every entity of the study.
    pub async fn current_all(
        &self,
        tx: &mut Tx,
        study_id: &str,
    ) -> Result<Vec<FactVersion>, StoreError> {
        let rest = format!(
            "FROM {t} f WHERE f.study_id = $1 AND f.retracted = 0 \
             AND f.version = (SELECT MAX(n.version) FROM {t} n WHERE n.study_id = f.study_id AND n.entity_id = f.entity_id)",
            t = self.name,
        );
        self.read_all(tx, &rest, &[study_id.into()]).await
    }

    /// The current, not retracted, version of every entity whose `column` is one of `values`
    /// (a batch of patients: one query instead of one per patient), as unparsed JSON text for
    /// [`FactTable::parse_rows`].
    pub async fn current_where_any_text(
        &self,
        tx: &mut Tx,
        study_id: &str,
        column: &str,
        values: &[&str],
    ) -> Result<String, StoreError> {
        debug_assert!(
            self.column(column).is_some(),
            "{column} is a column of {}",
            self.name
        );
        if values.is_empty() {
            return Ok("[]".to_owned());
        }
        let placeholders: Vec<String> = (0..values.len()).map(|i| format!("${}", i + 2)).collect();
        let rest = format!(
            "FROM {t} f WHERE f.study_id = $1 AND f.{column} IN ({list}) AND f.retracted = 0 \
             AND f.version = (SELECT MAX(n.version) FROM {t} n WHERE n.study_id = f.study_id AND n.entity_id = f.entity_id)",
            t = self.name,
            list = placeholders.join(", "),
        );
        let mut params: Vec<Param> = Vec::with_capacity(values.len() + 1);
        params.push(study_id.into());
        params.extend(values.iter().map(|v| Param::from(*v)));
        let columns = self.qualified_columns();
        let columns: Vec<&str> = columns.iter().map(|(c, _)| c.as_str()).collect();
        tx.fetch_json_text(&columns, &rest, &params).await
    }

    /// The fact versions of a text from [`FactTable::current_where_any_text`], in
    /// (entity, version) order.
    pub fn parse_rows(&self, text: &str) -> Result<Vec<FactVersion>, StoreError> {
        self.versions(crate::backend::parse_json_rows(text)?)
    }

    /// The current, not retracted, version of every entity whose `column` equals `value`.
    pub async fn current_where(
        &self,
        tx: &mut Tx,
        study_id: &str,
        column: &str,
        value: &str,
    ) -> Result<Vec<FactVersion>, StoreError> {
        debug_assert!(
            self.column(column).is_some(),
            "{column} is a column of {}",
            self.name
        );
        let rest = format!(
            "FROM {t} f WHERE f.study_id = $1 AND f.{column} = $2 AND f.retracted = 0 \
             AND f.version = (SELECT MAX(n.version) FROM {t} n WHERE n.study_id = f.study_id AND n.entity_id = f.entity_id)",
            t = self.name,
        );
        let mut current = self
            .read_all(tx, &rest, &[study_id.into(), value.into()])
            .await?;
        // A newer version may have moved the entity away from `value`: keep only rows that are
        // still the entity's latest (checked in SQL above) — nothing else to filter.
        current.retain(|f| !f.retracted);
        Ok(current)
    }
}

/// Bound parameters per statement: under SQLite's limit (32,766) and PostgreSQL's (65,535).
pub(crate) const MAX_PARAMETERS: usize = 30_000;

fn to_param(value: Option<&Value>, ty: ColumnType) -> Param {
    match (value, ty) {
        (None | Some(Value::Null), Int) => Param::NullInt,
        (None | Some(Value::Null), Text) => Param::Null,
        (Some(Value::String(s)), Text) => Param::Text(s.clone()),
        (Some(Value::Number(n)), Int) => n.as_i64().map_or(Param::NullInt, Param::Int),
        (Some(Value::Bool(b)), Int) => Param::Int(i64::from(*b)),
        (Some(other), Text) => Param::Text(other.to_string()),
        (Some(other), Int) => other
            .as_str()
            .and_then(|s| s.parse().ok())
            .map_or(Param::NullInt, Param::Int),
    }
}

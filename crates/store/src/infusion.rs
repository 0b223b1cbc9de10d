//! Reading a patient's infusions of the cell product back into `sledger_core::infusion::Infusion`
//! (written by `Store::record_infusion`, study.rs), for the exports (issue #6: FHIR Procedure,
//! SDTM EX).

use sledger_core::InputError;
use sledger_core::infusion::Infusion;
use sledger_core::protocol::{CellSource, Donor, Route};

use crate::Store;
use crate::column;
use crate::error::StoreError;
use crate::fact::{self, FactVersion};
use crate::study::{Study, require_patient};

/// An infusion as stored: its entity id and the validated infusion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredInfusion {
    pub entity_id: String,
    pub infusion: Infusion,
}

/// The row of `infusion` for `patient_id` (cells/kg derived from the weight, rounded).
pub(crate) fn values(patient_id: &str, infusion: &Infusion) -> column::Columns {
    let text = column::text_or_null;
    let mut values = column::Columns::new();
    values.insert("patient_id".into(), patient_id.into());
    values.insert("infusion_date".into(), infusion.date.to_string().into());
    values.insert(
        "product_source".into(),
        column::code_of(&infusion.source).into(),
    );
    values.insert("donor".into(), column::code_of(&infusion.donor).into());
    values.insert("lot".into(), text(infusion.lot.clone()));
    values.insert(
        "total_cells".into(),
        infusion.total_cells.to_string().into(),
    );
    values.insert(
        "weight_kg".into(),
        text(infusion.weight_kg.map(|w| w.to_string())),
    );
    values.insert(
        "cells_per_kg".into(),
        text(infusion.cells_per_kg().map(|c| c.round_dp(0).to_string())),
    );
    values.insert(
        "viability_pct".into(),
        text(infusion.viability_pct.map(|v| v.to_string())),
    );
    values.insert("route".into(), column::code_of(&infusion.route).into());
    values.insert("premedication".into(), text(infusion.premedication.clone()));
    values
}

fn parse(f: &FactVersion) -> Result<Infusion, InputError> {
    let v = &f.values;
    let total = column::required_text(v, "total_cells")?;
    Infusion {
        date: column::required_date(v, "infusion_date")?,
        source: column::code::<CellSource>(
            v,
            "product_source",
            "bone_marrow, umbilical_cord, adipose, car_t",
        )?
        .ok_or_else(|| InputError::new("product_source", "", "is required"))?,
        donor: column::code::<Donor>(v, "donor", "allogeneic, autologous")?
            .ok_or_else(|| InputError::new("donor", "", "is required"))?,
        route: column::code::<Route>(v, "route", "iv")?
            .ok_or_else(|| InputError::new("route", "", "is required"))?,
        lot: column::text(v, "lot").map(str::to_owned),
        total_cells: total
            .parse()
            .map_err(|_| InputError::new("total_cells", total, "must be a whole number"))?,
        weight_kg: column::decimal(v, "weight_kg")?,
        viability_pct: column::decimal(v, "viability_pct")?,
        premedication: column::text(v, "premedication").map(str::to_owned),
    }
    .validate()
}

impl Store {
    /// The current, not retracted infusions of the patient with study code `code`, by date.
    pub async fn infusions(
        &self,
        study: &Study,
        code: &str,
    ) -> Result<Vec<StoredInfusion>, StoreError> {
        self.read_infusions(None, study, code).await
    }

    /// The same for an actor who may read the records of the patient's site.
    pub async fn infusions_as(
        &self,
        actor: &crate::Actor,
        study: &Study,
        code: &str,
    ) -> Result<Vec<StoredInfusion>, StoreError> {
        self.read_infusions(Some(actor), study, code).await
    }

    async fn read_infusions(
        &self,
        actor: Option<&crate::Actor>,
        study: &Study,
        code: &str,
    ) -> Result<Vec<StoredInfusion>, StoreError> {
        let sid = study.study_id.as_str();
        let mut tx = self.pool().begin_read().await?;
        let patient = require_patient(&mut tx, sid, code).await?;
        if let Some(actor) = actor {
            crate::authorization::authorize_site(
                &mut tx,
                actor,
                crate::authorization::Permission::ReadRecords,
                &patient.site,
            )
            .await?;
        }
        let rows = fact::INFUSION
            .current_where(&mut tx, sid, "patient_id", &patient.entity_id)
            .await?;
        drop(tx);
        let mut out = rows
            .iter()
            .map(|f| {
                parse(f)
                    .map(|infusion| StoredInfusion {
                        entity_id: f.entity_id.clone(),
                        infusion,
                    })
                    .map_err(|e| {
                        StoreError::Input(InputError {
                            field: format!("infusion[{}].{}", f.entity_id, e.field).into(),
                            ..e
                        })
                    })
            })
            .collect::<Result<Vec<_>, _>>()?;
        out.sort_by(|a, b| (a.infusion.date, &a.entity_id).cmp(&(b.infusion.date, &b.entity_id)));
        Ok(out)
    }
}

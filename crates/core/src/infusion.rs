//! One administration of the cell product (issue #3 item 1; DESIGN §3 "infusion").
//!
//! The infusion date is day 0 of the patient's schedule (sle-activity §0.3; renal.md §3.4).

use jiff::civil::Date;
use rust_decimal::Decimal;

use crate::InputError;
use crate::dictionary::within;
use crate::protocol::{CellSource, Donor, Route};

/// A recorded infusion of the cell product.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Infusion {
    pub date: Date,
    pub source: CellSource,
    pub donor: Donor,
    pub route: Route,
    /// The product lot, for traceability.
    pub lot: Option<String>,
    /// Cells infused, a whole number (Valladolid: 90 × 10⁶, renal.md §7.1).
    pub total_cells: u64,
    /// Body weight at infusion, kg (sle-activity §9.1: 20–250).
    pub weight_kg: Option<Decimal>,
    /// Viability of the product, % (0–100).
    pub viability_pct: Option<Decimal>,
    pub premedication: Option<String>,
}

impl Infusion {
    /// Checks the recorded values against the data dictionary.
    pub fn validate(self) -> Result<Infusion, InputError> {
        if self.total_cells == 0 {
            return Err(InputError::new(
                "total_cells",
                0,
                "must be a positive number of cells",
            ));
        }
        if let Some(w) = self.weight_kg {
            within("weight_kg", w, Decimal::from(20), Decimal::from(250))?;
        }
        if let Some(v) = self.viability_pct {
            within("viability_pct", v, Decimal::ZERO, Decimal::from(100))?;
        }
        Ok(self)
    }

    /// Cells per kg from the weight at infusion (issue #3 item 1), when the weight is known.
    pub fn cells_per_kg(&self) -> Option<Decimal> {
        self.weight_kg
            .filter(|w| *w > Decimal::ZERO)
            .map(|w| Decimal::from(self.total_cells) / w)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;
    use rust_decimal_macros::dec;

    fn valladolid(weight: Option<Decimal>) -> Infusion {
        Infusion {
            date: date(2017, 3, 1),
            source: CellSource::BoneMarrow,
            donor: Donor::Allogeneic,
            route: Route::Iv,
            lot: Some("IBGM-001".into()),
            total_cells: 90_000_000,
            weight_kg: weight,
            viability_pct: Some(dec!(95)),
            premedication: None,
        }
    }

    #[test]
    fn cells_per_kg_from_the_weight_at_infusion() {
        assert_eq!(
            valladolid(Some(dec!(60))).cells_per_kg(),
            Some(dec!(1500000))
        );
        assert_eq!(valladolid(None).cells_per_kg(), None);
    }

    #[test]
    fn dictionary_ranges_are_enforced() {
        assert_eq!(
            valladolid(Some(dec!(19))).validate().unwrap_err().field,
            "weight_kg"
        );
        let mut zero = valladolid(None);
        zero.total_cells = 0;
        assert_eq!(zero.validate().unwrap_err().field, "total_cells");
        let mut viability = valladolid(None);
        viability.viability_pct = Some(dec!(101));
        assert_eq!(viability.validate().unwrap_err().field, "viability_pct");
    }
}

//! The cell product an arm receives: source, donor, dose and route (issue #3 item 1;
//! renal.md §7.1–7.2).

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// Where the cells come from (issue #3: bone_marrow | umbilical_cord | adipose | car_t).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CellSource {
    /// Bone-marrow mesenchymal stromal cells (BM-MSC; Valladolid, renal.md §7.1).
    BoneMarrow,
    /// Umbilical-cord MSC (UC-MSC; Nanjing, MiSLE, Deng 2017, renal.md §7.2).
    UmbilicalCord,
    /// Adipose-derived MSC (AD-MSC).
    Adipose,
    /// Chimeric antigen receptor T cells.
    CarT,
}

/// Who donated the cells.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Donor {
    /// A healthy donor (all MSC studies of renal.md §7).
    Allogeneic,
    /// The patient.
    Autologous,
}

/// How the product is given. Only intravenous infusion is used by the studies of renal.md §7.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Route {
    /// Intravenous infusion.
    Iv,
}

/// A dose in whole cells, exact (integers; no floating point).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Dose {
    /// A fixed number of cells per infusion, whatever the weight (Valladolid: 90 × 10⁶,
    /// renal.md §7.1, §B.10).
    FixedTotal { cells: u64 },
    /// Cells per kg of body weight at infusion (NCT03673748: 2 × 10⁶/kg, renal.md §7.1).
    PerKg { cells_per_kg: u64 },
}

impl Dose {
    /// The cells to infuse for a patient weighing `weight_kg` (exact decimal product for a
    /// per-kg dose; the fixed number otherwise).
    pub fn total_cells(&self, weight_kg: Decimal) -> Decimal {
        match *self {
            Dose::FixedTotal { cells } => Decimal::from(cells),
            Dose::PerKg { cells_per_kg } => Decimal::from(cells_per_kg) * weight_kg,
        }
    }

    /// The dose per kg for a patient weighing `weight_kg` > 0 — what the infusion record
    /// stores as "cells/kg from the weight at infusion" (issue #3 item 1). For a fixed dose
    /// this is a decimal quotient (28 significant digits), a reported value, never compared
    /// against a threshold.
    pub fn cells_per_kg(&self, weight_kg: Decimal) -> Option<Decimal> {
        if weight_kg <= Decimal::ZERO {
            return None;
        }
        Some(match *self {
            Dose::FixedTotal { cells } => Decimal::from(cells) / weight_kg,
            Dose::PerKg { cells_per_kg } => Decimal::from(cells_per_kg),
        })
    }
}

/// The cell product of an active arm.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct CellProduct {
    pub source: CellSource,
    pub donor: Donor,
    pub route: Route,
    pub dose: Dose,
    /// Infusion days, strictly increasing, the first being day 0 (the reference day of the
    /// schedule). One infusion in both studies of renal.md §7.1; `[0, 7]` would describe the
    /// two-infusion UC-MSC regimen of Wang 2014 (§7.2).
    pub infusion_days: Vec<u16>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::RoundingStrategy;
    use rust_decimal_macros::dec;

    /// renal.md §7.1: 90 × 10⁶ cells "equals 1.80, 1.50, 1.29, 1.13 × 10⁶/kg at 50, 60, 70,
    /// 80 kg" (two decimals, in millions, halves away from zero: 1.125 → 1.13).
    #[test]
    fn valladolid_fixed_dose_per_kg_vectors() {
        let dose = Dose::FixedTotal { cells: 90_000_000 };
        let rows = [
            ("50 kg", dec!(50), dec!(1.80)),
            ("60 kg", dec!(60), dec!(1.50)),
            ("70 kg", dec!(70), dec!(1.29)),
            ("80 kg", dec!(80), dec!(1.13)),
        ];
        for (row, weight, millions_per_kg) in rows {
            let per_kg = dose.cells_per_kg(weight).expect("positive weight");
            assert_eq!(
                (per_kg / dec!(1_000_000))
                    .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero),
                millions_per_kg,
                "{row}"
            );
            assert_eq!(dose.total_cells(weight), dec!(90_000_000), "{row}");
        }
    }

    /// NCT03673748 (renal.md §7.1): 2 × 10⁶ cells/kg, exact at any recorded weight.
    #[test]
    fn per_kg_dose_is_an_exact_product() {
        let dose = Dose::PerKg {
            cells_per_kg: 2_000_000,
        };
        assert_eq!(dose.total_cells(dec!(70)), dec!(140_000_000));
        assert_eq!(dose.total_cells(dec!(63.45)), dec!(126_900_000));
        assert_eq!(dose.cells_per_kg(dec!(63.45)), Some(dec!(2_000_000)));
        assert_eq!(dose.cells_per_kg(dec!(0)), None);
    }
}

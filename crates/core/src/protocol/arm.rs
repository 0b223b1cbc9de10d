//! A study arm: its allocation ratio and what it receives (issue #3 item 2).

use std::num::NonZeroU16;

use serde::Serialize;

use super::cell_product::CellProduct;

/// One arm of a protocol.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Arm {
    /// Short identifier used in allocations (`msc`, `placebo`), unique in the protocol.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Allocation ratio weight: arms with ratios 1 and 1 are allocated 1:1, 2 and 1 are 2:1.
    pub ratio: NonZeroU16,
    pub intervention: Intervention,
}

/// What an arm receives.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Intervention {
    /// An active cell product.
    CellProduct(CellProduct),
    /// A placebo, described as given (NCT03673748: 100 mL saline, renal.md §7.1).
    Placebo { description: String },
}

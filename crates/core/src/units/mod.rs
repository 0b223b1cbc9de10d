//! Units of measure as reported and their canonical forms (renal.md §0.1, §1.1, §2.2).
pub mod creatinine;
pub mod urine_protein;

//! One wire module per measure: input and output types keyed by the spec's data-dictionary
//! names, converted to and from sledger-core's domain types.
pub mod course;
pub mod doris;
pub mod dose_reduction;
pub mod egfr;
pub mod eular_acr_2019;
pub mod flare;
pub mod glucocorticoid;
pub mod lldas;
pub mod nih_indices;
pub mod pga;
pub mod renal_flare;
pub mod renal_response;
pub mod sledai2k;
pub mod sri;
pub mod upcr;
pub mod visits;

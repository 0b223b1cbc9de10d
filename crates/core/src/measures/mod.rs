//! Every clinical measure, one concept per file, each citing its spec section.
//!
//! Renal (renal.md): eGFR, proteinuria, renal response, renal flare, ISN/RPS class, NIH
//! indices. Disease activity (sle-activity.md): SLEDAI-2K, SLEDAI-based flare, SELENA flare
//! index, SRI/mSRI, LLDAS, DORIS, EULAR/ACR 2019, PGA, glucocorticoids.
pub mod course;
pub mod doris;
pub mod dose_reduction;
pub mod egfr;
pub mod eular_acr_2019;
pub mod glucocorticoid;
pub mod isn_rps_class;
pub mod lldas;
pub mod nih_indices;
pub mod pga;
pub mod proteinuria;
pub mod renal_flare;
pub mod renal_response;
pub mod sfi;
pub mod sledai2k;
pub mod sledai_flare;
pub mod sri;

//! Every clinical measure, one concept per file, each citing its spec section.
//!
//! Renal (renal.md): eGFR, proteinuria, renal response, renal flare, ISN/RPS class, NIH
//! indices. Disease activity (sle-activity.md): SLEDAI-2K, SLEDAI-based flare, SELENA flare
//! index, SRI/mSRI, LLDAS, DORIS, EULAR/ACR 2019, PGA, glucocorticoids.
pub mod pga;
pub mod renal_response;
pub mod sledai2k;

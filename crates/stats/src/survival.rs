//! Survival analysis as R's `survival` package does it by default: the Kaplan–Meier curve
//! (`survfit`), its median (`print.survfit`, `quantile.survfit`) and the log-rank test
//! (`survdiff`).
//!
//! Both statistics are computed from one sort of the subjects by time
//! ([`SurvivalSample`]), in O(n log n) with no allocation per subject.

pub mod kaplan_meier;
pub mod log_rank;
pub mod median;
pub mod sample;
pub(crate) mod sort_by_time;

pub use kaplan_meier::{KaplanMeier, kaplan_meier};
pub use log_rank::{LogRank, log_rank};
pub use median::MedianSurvival;
pub use sample::{Status, SurvivalSample};

//! sledger-stats: the statistics of sledger — exact tests, confidence intervals, rank
//! tests, survival curves, sample size and power.
//!
//! Pure functions over plain numbers: no IO, no clock (ARCHITECTURE.md, DESIGN §2). The
//! numbers planning the randomized trial come from renal.md §7.3 and are tested against
//! SciPy (`reference/`); the analysis statistics match R's defaults and are tested against
//! fixtures written by R (`tests/fixtures/make_fixtures.R`).

pub mod chi_squared;
pub mod error;
pub mod fisher;
pub mod fisher_exact_test;
pub mod interval;
pub(crate) mod log_factorial;
pub(crate) mod noncentral_hypergeometric;
pub mod normal;
pub mod power;
pub mod survival;

pub(crate) mod uniroot;
pub mod wilcoxon;

pub use error::ParameterError;
pub use fisher::fisher_exact_two_sided;
pub use fisher_exact_test::{FisherExactTest, Table2x2, fisher_exact_p_value, fisher_exact_test};
pub use power::fisher_power::fisher_exact_power;
pub use power::monte_carlo::{AllocationRatio, MonteCarloPower, TrialDesign, monte_carlo_power};
pub use power::two_proportions::{ContinuityCorrection, n_per_arm_two_proportions};

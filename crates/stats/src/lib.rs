//! sledger-stats: the statistics of sledger — exact tests, sample size and power.
//!
//! Pure functions over plain numbers: no IO, no clock (ARCHITECTURE.md, DESIGN §2). The
//! numbers planning the randomized trial come from renal.md §7.3; every function here is
//! tested against values computed independently with SciPy (`reference/`).

pub mod error;
pub mod fisher;
pub(crate) mod log_factorial;
pub mod normal;
pub mod power;

pub use error::ParameterError;
pub use fisher::fisher_exact_two_sided;
pub use power::fisher_power::fisher_exact_power;
pub use power::monte_carlo::{AllocationRatio, MonteCarloPower, TrialDesign, monte_carlo_power};
pub use power::two_proportions::{ContinuityCorrection, n_per_arm_two_proportions};

//! Randomization algorithms of the trial (issue #4 item 1): permuted blocks with random block
//! sizes, stratified; Pocock–Simon minimization with a random element; and the simulation
//! that shows their balance and predictability before a protocol is frozen.
//!
//! Pure and reproducible: every random choice comes from a ChaCha20 stream of a 32-byte
//! seed, through integer draws written here ([`draws`]), so the same seed gives the same list
//! on every platform and with every version of the `rand` crates (a test pins the first 20
//! assignments). The store keeps the seed secret and the lists concealed (issue #4 item 2).

pub mod draws;
pub mod factor;
pub mod minimization;
pub mod permuted_blocks;
pub mod ratio;
pub mod simulation;

pub use draws::Seed;
pub use factor::{Factor, Stratum, strata};
pub use minimization::{Imbalance, Minimization, MinimizationDesign, PreferredArmProbability};
pub use permuted_blocks::{AllocationList, BlockDesign, Slot, generate_lists};
pub use ratio::{AllocationRatio, Arm};
pub use simulation::{BalanceSummary, Design, SimulationReport, simulate};

//! sledger-core: the domain types and every clinical measure of sledger.
//!
//! Pure functions over plain types: no IO, no clock, no database (ARCHITECTURE.md).
//! Every rule cites its section of `shared/spec/` (renal.md, sle-activity.md) so that a
//! reviewer can check the code against the published source.

pub mod config;
pub mod dictionary;
pub mod error;
pub mod infusion;
pub mod logic;
pub mod measures;
pub mod protocol;
pub mod randomization;
pub mod record;
pub mod sex;
pub mod status;
pub mod units;

pub use config::MeasureConfig;
pub use error::InputError;
pub use logic::Tri;
pub use status::Status;

/// The engine version every result names (sle-activity §10).
pub const ENGINE_VERSION: &str = env!("CARGO_PKG_VERSION");

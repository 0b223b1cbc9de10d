//! sledger-score: the JSON contract of `sledger score` (DESIGN §4), and of `sledger stats`
//! (`statistic`), which has the same shape over sledger-stats.
//!
//! One wire module per measure turns a flat JSON object, keyed by the spec's data-dictionary
//! names, into sledger-core's domain types, calls the measure, and shapes the result. The
//! wire types are not the domain types (DESIGN invariant 5); the measures live only in
//! sledger-core (invariant 3). Pure: text in, JSON values out; the binary does the IO. Kept
//! apart from the CLI so that the web form's live scoring can call the same contract.

pub mod batch;
pub mod decode;
pub mod measure;
pub mod registry;
pub mod statistic;
pub mod wire;

pub use batch::{BatchOutcome, score_batch};
pub use decode::FieldError;
pub use measure::{Context, Measure};
pub use registry::{all, find};

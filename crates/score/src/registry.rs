//! Every measure `sledger score` knows, in the order `--list` prints them.

use crate::measure::Measure;
#[allow(unused_imports)]
use crate::wire;

/// All measures.
pub fn all() -> Vec<&'static dyn Measure> {
    vec![
        // registry: one line per measure (keep this marker line)
        &wire::sledai2k::MEASURE,
    ]
}

/// The measure called `name`, if any.
pub fn find(name: &str) -> Option<&'static dyn Measure> {
    all().into_iter().find(|m| m.name() == name)
}

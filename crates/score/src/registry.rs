//! Every measure `sledger score` knows, in the order `--list` prints them: kidney first
//! (renal.md), then disease activity (sle-activity.md), then the per-visit course.

use crate::measure::Measure;
use crate::wire;

/// All measures.
pub fn all() -> Vec<&'static dyn Measure> {
    vec![
        &wire::egfr::MEASURE,
        &wire::upcr::MEASURE,
        &wire::renal_response::MEASURE,
        &wire::renal_flare::MEASURE,
        &wire::nih_indices::MEASURE,
        &wire::sledai2k::MEASURE,
        &wire::pga::MEASURE,
        &wire::glucocorticoid::MEASURE,
        &wire::dose_reduction::MEASURE,
        &wire::eular_acr_2019::MEASURE,
        &wire::flare::MEASURE,
        &wire::sri::MEASURE,
        &wire::lldas::MEASURE,
        &wire::doris::MEASURE,
        &wire::course::MEASURE,
    ]
}

/// The measure called `name`, if any.
pub fn find(name: &str) -> Option<&'static dyn Measure> {
    all().into_iter().find(|m| m.name() == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique() {
        let mut names: Vec<_> = all().iter().map(|m| m.name()).collect();
        names.sort_unstable();
        let before = names.len();
        names.dedup();
        assert_eq!(before, names.len());
    }
}

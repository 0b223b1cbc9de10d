//! Sample size and power for comparing two response rates (issue #4 item 5; renal.md §7.3).

pub mod fisher_power;
pub mod monte_carlo;
pub mod two_proportions;

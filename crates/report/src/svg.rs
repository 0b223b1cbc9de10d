//! Hand-written SVG plots (DESIGN §8 allows plotters' SVG backend; hand-written SVG needs no
//! font library either and keeps every plot a few kilobytes of plain elements).

pub mod chart;
pub mod consort;
pub mod kaplan_meier;

pub mod patient_plots;
pub mod spaghetti;

/// A palette distinguishable in print and for the common colour-vision deficiencies
/// (Okabe & Ito 2008).
pub const PALETTE: [&str; 8] = [
    "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442",
];

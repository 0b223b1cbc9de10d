//! One wire module per measure: input and output types keyed by the spec's data-dictionary
//! names, converted to and from sledger-core's domain types.
pub mod sledai2k;

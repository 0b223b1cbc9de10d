//! The study store's test suite, run on SQLite and on PostgreSQL (one binary, STYLE.md).
// Test stories are plain async fns called by #[tokio::test]s: unwrapping there is a failing test.
#![allow(clippy::unwrap_used)]

mod harness;

mod audit_chain;
mod bulk_observations;
mod facts;
mod import_ledger;
mod randomization;
mod trial_population;
mod visits;

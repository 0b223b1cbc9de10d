//! End-to-end tests of the store commands: the real `sledger` binary against a fresh SQLite
//! file and a fresh PostgreSQL database (issue #3 "Done when"). One binary (STYLE.md).
//!
//! PostgreSQL is found at `SLEDGER_TEST_POSTGRES` (default
//! `postgres://postgres@127.0.0.1:5432/postgres`); when unreachable the PostgreSQL half prints a
//! SKIPPED line, or fails when `SLEDGER_REQUIRE_POSTGRES=1` (as in CI).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod demo_server;
mod harness;

mod bad_input;
mod browser;
mod csv_import;
mod demo;
mod export;
mod fhir_import;
mod fhir_import_facts;
mod index_study;
mod randomized_trial;
mod reports;
mod serve;
mod sigkill;
mod validators;

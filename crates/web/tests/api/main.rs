//! The API's test suite: the real router on a fresh SQLite file and a fresh PostgreSQL
//! database (one binary, STYLE.md).
// Test stories are plain async fns called by #[tokio::test]s: unwrapping there is a failing test.
#![allow(clippy::unwrap_used)]

mod harness;

mod authentication;
mod openapi;
mod problems;
mod role_matrix;
mod ui_login;
mod ui_pages;
mod ui_support;
mod ui_visit;

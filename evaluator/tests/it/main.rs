//! The evaluator's integration tests, in one test binary (`cargo test -p charter-evaluator
//! --test it`): one binary per crate links the crate and its dependencies once, rather than
//! once per test file.
//!
//! - [`builtins`]: Azure's real built-in definitions against resources written for each rule;
//! - [`runner`]: `charter test` suites: cases, expectations, exemptions, reports.

mod aliases;
mod builtins;
mod runner;

//! The compiler's integration tests, in one test binary (`cargo test -p charter-compiler
//! --test it`): one binary per crate links the crate and its dependencies once, rather than
//! once per test file.
//!
//! - [`fixtures`]: every `tests/fixtures/*.charter`, its diagnostics snapshotted as
//!   `charter check` prints them, and every fix applied;
//! - [`project`]: whole projects (the stdlib, the bundled example), the symbol index, the IR,
//!   and inputs that must never panic.

mod fixtures;
mod project;

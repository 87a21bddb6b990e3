//! The Azure Policy backend's integration tests, in one test binary (`cargo test -p
//! charter-azure-policy --test it`): one binary per crate links the crate and its dependencies
//! once, rather than once per test file.
//!
//! The input of every test is Charter: a fixture per rule group under `tests/fixtures/`
//! (compiled with the stdlib by the test kit), or the bundled example `examples/contoso`.
//!
//! - [`snapshots`]: what each rule group compiles to, with its source;
//! - [`semantics`]: what the compiled governance means, asserted directly;
//! - [`checker`]: every fixture's artifacts through the independent Azure Policy checker.

mod checker;
mod semantics;
mod snapshots;

use std::path::Path;

use charter_ir::Project;
use charter_test_support::{lower_project, workspace_root, Fixture};

/// Every rule-group fixture under `tests/fixtures/`, sorted by name.
pub fn fixtures() -> Vec<Fixture> {
    charter_test_support::fixtures(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures"))
}

/// The IR of the fixture `tests/fixtures/{name}.charter`.
pub fn fixture(name: &str) -> Project {
    fixtures()
        .into_iter()
        .find(|fixture| fixture.name == name)
        .unwrap_or_else(|| panic!("no fixture tests/fixtures/{name}.charter"))
        .lower()
}

/// Every fixture's IR and the bundled example's, by name.
pub fn projects() -> Vec<(String, Project)> {
    let mut projects: Vec<(String, Project)> = fixtures()
        .into_iter()
        .map(|fixture| (fixture.name.clone(), fixture.lower()))
        .collect();
    projects.push(("contoso".to_owned(), contoso()));
    projects
}

/// The IR of the bundled example, `examples/contoso`.
pub fn contoso() -> Project {
    lower_project(&workspace_root().join("examples/contoso"))
}

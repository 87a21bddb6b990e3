//! The Terraform backend's integration tests, in one test binary (`cargo test -p
//! charter-terraform --test it`): one binary per crate links the crate and its dependencies
//! once, rather than once per test file.
//!
//! The input of every test is Charter: a fixture per part of the build under
//! `tests/fixtures/` (compiled with the stdlib by the test kit), or the bundled example
//! `examples/contoso`.
//!
//! - [`snapshots`]: what each fixture's build looks like, with its source;
//! - [`terraform`]: properties of the output, and the offline checks (azurerm schema,
//!   `terraform fmt`, `terraform validate`);
//! - [`policy_rules`]: the Terraform carries the Azure Policy backend's rules unchanged.

mod policy_rules;
mod snapshots;
mod terraform;

use std::path::Path;

use charter_ir::Project;
use charter_test_support::{lower_project, workspace_root, Fixture};

/// Every fixture under `tests/fixtures/`, sorted by name.
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

/// All files of a build as one document, `----- path` before each file.
pub fn render(project: &Project) -> String {
    let mut out = String::new();
    for artifact in charter_terraform::artifacts(project) {
        out.push_str(&format!("----- {}\n", artifact.path));
        out.push_str(&artifact.contents);
        out.push('\n');
    }
    out
}

/// One file's text out of [`render`]'s document.
pub fn section(text: &str, path: &str) -> String {
    let header = format!("----- {path}\n");
    let start = text
        .find(&header)
        .map(|at| at + header.len())
        .unwrap_or(text.len());
    let end = text[start..]
        .find("\n----- ")
        .map(|at| start + at)
        .unwrap_or(text.len());
    text[start..end].to_string()
}

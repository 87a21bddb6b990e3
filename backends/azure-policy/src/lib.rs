//! The Azure Policy backend: writes the governance ([`charter_governance::Governance`]) as
//! REST bodies (one file per definition, initiative, assignment and exemption) and as an ARM
//! deployment template per initiative location (`azure-policy/template.json` when all
//! policies share one). The rules, names and scopes themselves come from the governance core;
//! this crate only decides their JSON form. docs/azure-policy.md describes the output.

mod render;

use charter_governance::Governance;
use charter_ir::{Artifact, Project};

/// The files under `azure-policy/`: REST bodies per resource and the ARM template(s), sorted
/// by path.
pub fn artifacts(project: &Project) -> Vec<Artifact> {
    render(&charter_governance::governance(project))
}

/// The files under `azure-policy/` for an already compiled governance.
pub fn render(governance: &Governance) -> Vec<Artifact> {
    render::artifacts(governance)
}

/// The REST bodies of a governance (definitions, initiatives, assignments, exemptions), with
/// the paths `render` writes them to: what an evaluator or a publisher reads, without the text.
pub fn rest_bodies(governance: &Governance) -> Vec<(String, serde_json::Value)> {
    render::rest_bodies(governance)
}

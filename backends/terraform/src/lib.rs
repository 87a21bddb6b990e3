//! The Terraform backend: the governance as `azurerm_policy_*` resources (from the Azure Policy
//! backend's [`charter_azure_policy::governance`], the one source of the rules) and the
//! compliant endpoints themselves.

use charter_ir::{Artifact, Project};

/// The files under `terraform/`.
pub fn artifacts(_project: &Project) -> Vec<Artifact> {
    Vec::new()
}

//! The Azure Policy backend: compiles the IR into policy definitions, one initiative (policy
//! set definition) per Charter policy, one assignment per scope, and exemptions; written both
//! as REST bodies (one file per resource) and as one ARM deployment template.
//!
//! [`governance`] is the single source of truth for the policy rules: the Terraform backend
//! reads the same values and only changes their syntax.

use charter_ir::{Artifact, Project};
use serde_json::Value;

/// The Azure Policy resources a project compiles to, in Azure's terms, before serialisation.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Governance {
    pub definitions: Vec<Definition>,
    pub sets: Vec<SetDefinition>,
    pub assignments: Vec<Assignment>,
    pub exemptions: Vec<Exemption>,
}

/// A custom policy definition (`Microsoft.Authorization/policyDefinitions`).
#[derive(Clone, Debug, PartialEq)]
pub struct Definition {
    /// The resource name: stable, within Azure's limits.
    pub name: String,
    pub display_name: String,
    pub description: String,
    /// `All` or `Indexed`.
    pub mode: String,
    /// `{"version": ..., "category": ...}`.
    pub metadata: Value,
    /// The `parameters` object.
    pub parameters: Value,
    /// The `policyRule` object (`{"if": ..., "then": ...}`).
    pub policy_rule: Value,
}

/// A policy set definition (initiative) for one Charter policy.
#[derive(Clone, Debug, PartialEq)]
pub struct SetDefinition {
    pub name: String,
    pub display_name: String,
    pub description: String,
    pub metadata: Value,
    pub parameters: Value,
    /// The `policyDefinitions` array; custom definitions are referenced by name through
    /// [`DefinitionRef`], built-ins by their id.
    pub references: Vec<SetReference>,
    /// The `policyDefinitionGroups` array (may be empty).
    pub groups: Value,
    /// The Charter policy this set compiles.
    pub policy: String,
}

/// One member of an initiative.
#[derive(Clone, Debug, PartialEq)]
pub struct SetReference {
    pub reference_id: String,
    pub definition: DefinitionRef,
    /// The `parameters` object of the reference (values usually `[parameters('x')]`).
    pub parameters: Value,
    pub group_names: Vec<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum DefinitionRef {
    /// A custom definition of [`Governance::definitions`], by name.
    Custom(String),
    /// A built-in definition's full id (`/providers/Microsoft.Authorization/policyDefinitions/<guid>`).
    BuiltIn(String),
}

/// An assignment of an initiative at one scope.
#[derive(Clone, Debug, PartialEq)]
pub struct Assignment {
    pub name: String,
    pub display_name: String,
    pub description: String,
    /// The set definition's name.
    pub set: String,
    pub scope: charter_ir::Scope,
    /// `Default` or `DoNotEnforce`.
    pub enforcement_mode: String,
    /// The `parameters` object (`{"x": {"value": ...}}`).
    pub parameters: Value,
    /// The `nonComplianceMessages` array.
    pub non_compliance_messages: Value,
    pub metadata: Value,
}

/// A policy exemption.
#[derive(Clone, Debug, PartialEq)]
pub struct Exemption {
    pub name: String,
    pub display_name: String,
    pub description: String,
    /// The assignment's name.
    pub assignment: String,
    pub scope: charter_ir::Scope,
    /// `Waiver` or `Mitigated`.
    pub category: String,
    /// ISO 8601 UTC (`2027-01-31T23:59:59Z`).
    pub expires_on: String,
    pub metadata: Value,
}

/// Compiles the governance of a checked project.
pub fn governance(_project: &Project) -> Governance {
    Governance::default()
}

/// The files under `azure-policy/`: REST bodies per resource and `template.json`.
pub fn artifacts(_project: &Project) -> Vec<Artifact> {
    Vec::new()
}

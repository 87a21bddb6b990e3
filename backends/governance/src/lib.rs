//! The Azure governance core: what a project compiles to in Azure's terms, before any
//! serialisation. The custom policy definitions and the built-ins they reference
//! ([`rules`]), one initiative per Charter policy with its assignments and exemptions
//! ([`governance`]), the resources Charter's own Terraform creates ([`estate`]), and the Azure
//! spellings and names both serialisers use ([`names`]).
//!
//! The Azure Policy backend writes [`Governance`] as REST bodies and ARM templates, the
//! Terraform backend writes it (and the estate) as HCL, and the self-compliance proof
//! evaluates the one against the other; none of them decides a rule, a name or a scope on its
//! own. docs/azure-policy.md and docs/terraform.md describe what is emitted and why.

pub mod agents;
pub mod authority;
mod build;
mod classification;
pub mod estate;
pub mod foundry;
mod machine_learning;
pub mod names;
pub mod operations;
pub mod rules;

use charter_ir::Project;
use serde_json::Value;

/// The Azure Policy resources a project compiles to, in Azure's terms, before serialisation.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Governance {
    /// The custom definitions the initiatives use, each once, sorted by name.
    pub definitions: Vec<Definition>,
    /// One initiative per Charter policy, in the IR's order.
    pub sets: Vec<SetDefinition>,
    /// One assignment per policy scope.
    pub assignments: Vec<Assignment>,
    /// One exemption per Charter exemption, of the assignment at its `assignment_scope`.
    pub exemptions: Vec<Exemption>,
}

/// A custom policy definition (`Microsoft.Authorization/policyDefinitions`).
#[derive(Clone, Debug, PartialEq)]
pub struct Definition {
    /// The resource name: stable, within Azure's limits.
    pub name: String,
    /// At most 128 characters.
    pub display_name: String,
    /// At most 512 characters.
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
    /// The resource name (`charter-<policy>`): stable, within Azure's limits.
    pub name: String,
    /// At most 128 characters.
    pub display_name: String,
    /// The policy's description.
    pub description: String,
    /// `{"version": ..., "category": ..., "charterPolicy": ...}`.
    pub metadata: Value,
    /// The `parameters` object; every default is the policy's value.
    pub parameters: Value,
    /// The `policyDefinitions` array; custom definitions are referenced by name through
    /// [`DefinitionRef`], built-ins by their id.
    pub references: Vec<SetReference>,
    /// The `policyDefinitionGroups` array (may be empty).
    pub groups: Value,
    /// The Charter policy this set compiles.
    pub policy: String,
    /// Where the set and the custom definitions it references are created.
    pub location: Location,
}

/// Where a policy's initiative and custom definitions live: a management group or a
/// subscription that contains every scope the policy is assigned at.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Location {
    /// A management group, by name.
    ManagementGroup(String),
    /// A subscription id or name; [`CURRENT_SUBSCRIPTION`] when the policy names none.
    Subscription(String),
}

impl Location {
    /// The ARM id of the location (`/providers/Microsoft.Management/managementGroups/x`).
    pub fn id(&self) -> String {
        match self {
            Location::ManagementGroup(name) => {
                format!("/providers/Microsoft.Management/managementGroups/{name}")
            }
            Location::Subscription(id) => {
                format!("/subscriptions/{}", names::subscription_segment(id))
            }
        }
    }
}

/// The placeholder for a subscription the project does not name (a policy assigned only to
/// resource groups): substitute the deployment's subscription id before using the REST bodies.
pub const CURRENT_SUBSCRIPTION: &str = "{subscriptionId}";

/// One member of an initiative.
#[derive(Clone, Debug, PartialEq)]
pub struct SetReference {
    /// The `policyDefinitionReferenceId`, unique in the set (`allowedModels`).
    pub reference_id: String,
    /// The member definition.
    pub definition: DefinitionRef,
    /// The `parameters` object of the reference (values usually `[parameters('x')]`).
    pub parameters: Value,
    /// Names from [`SetDefinition::groups`].
    pub group_names: Vec<String>,
    /// The `definitionVersion` range pinned for a built-in (`1.*.*`); `None` for custom ones.
    pub definition_version: Option<String>,
    /// Whether the definition uses a Resource Manager mode (`All`/`Indexed`): only those
    /// references get custom non-compliance messages and can be exempted.
    pub resource_manager_mode: bool,
}

/// How an initiative refers to a member definition.
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
    /// The resource name: the policy's (`contoso-ai`), plus a scope hash when the policy has several scopes; at most 24 characters at a management group, 64 elsewhere.
    pub name: String,
    /// The policy's display name.
    pub display_name: String,
    /// At most 512 characters.
    pub description: String,
    /// The set definition's name.
    pub set: String,
    /// Where the initiative is assigned.
    pub scope: charter_ir::Scope,
    /// The ARM id of `scope` (a resource group's subscription is taken from the workload in it,
    /// else the policy's subscription, else [`CURRENT_SUBSCRIPTION`]).
    pub scope_id: String,
    /// `Default` or `DoNotEnforce`.
    pub enforcement_mode: String,
    /// The `parameters` object (`{"x": {"value": ...}}`).
    pub parameters: Value,
    /// The `nonComplianceMessages` array.
    pub non_compliance_messages: Value,
    /// `{"generatedBy": "charter", "charterPolicy": ...}`.
    pub metadata: Value,
}

/// A policy exemption.
#[derive(Clone, Debug, PartialEq)]
pub struct Exemption {
    /// The resource name (`<policy>-exempt-<scope>`), unique per policy.
    pub name: String,
    /// At most 128 characters.
    pub display_name: String,
    /// The reason the Charter exemption gives.
    pub description: String,
    /// The assignment's name.
    pub assignment: String,
    /// The exempted scope.
    pub scope: charter_ir::Scope,
    /// The ARM id of `scope`, as for [`Assignment::scope_id`].
    pub scope_id: String,
    /// The ARM id of the exempted assignment.
    pub assignment_id: String,
    /// The initiative members the exemption covers: the Resource Manager mode ones, since
    /// exemptions do not apply to Resource Provider modes (docs/azure-policy.md, "Modes").
    pub reference_ids: Vec<String>,
    /// `Waiver` or `Mitigated`.
    pub category: String,
    /// ISO 8601 UTC (`2027-01-31T23:59:59Z`).
    pub expires_on: String,
    /// `{"generatedBy": "charter", "charterPolicy": ...}`.
    pub metadata: Value,
}

/// The field of a Charter policy that makes an initiative member, by the member's
/// `policyDefinitionReferenceId`: where a report about a rule points its reader in the source
/// (`charter audit`). `None` for a reference id Charter does not write.
pub fn policy_field(reference_id: &str) -> Option<&'static str> {
    match reference_id {
        "allowedModels" | "noAutoUpgrade" | "dataPlaneRegistryModels" => Some("models"),
        "approvedContentFilter" | "raiMode" => Some("filters"),
        "accountRegions" => Some("regions"),
        "deploymentCapacity" => Some("max_capacity"),
        "provisionedCapacity" => Some("max_provisioned"),
        "deploymentTypes" => Some("deployment_types"),
        "localAuthDisabled" => Some("local_auth"),
        "publicNetworkDisabled" => Some("public_network"),
        "ownerTag" => Some("owner_tag"),
        // `rai<Category><Side>`, `raiBlocklist<N>` and the data-plane twins `dataPlane<Category>`
        // all come from the policy's minimum filter.
        id if id.starts_with("rai") || id.starts_with("dataPlane") => Some("filters"),
        _ => None,
    }
}

/// Compiles the governance of a checked project: the custom definitions its policies use
/// (each once, sorted by name), one initiative per policy, one assignment per policy scope and
/// the exemptions, in the IR's order.
pub fn governance(project: &Project) -> Governance {
    build::governance(project)
}

impl Governance {
    /// Appends `suffix(policy, reference_id)` to every non-compliance message of every
    /// assignment: `charter build --docs-url` ends each message with a link to its rule's
    /// section of the "why was I denied?" page. An empty suffix leaves the message as it is.
    pub fn append_to_messages(&mut self, suffix: impl Fn(&str, &str) -> String) {
        for assignment in &mut self.assignments {
            let Some(set) = self.sets.iter().find(|set| set.name == assignment.set) else {
                continue;
            };
            let Value::Array(messages) = &mut assignment.non_compliance_messages else {
                continue;
            };
            for entry in messages {
                let Some(reference_id) = entry
                    .get("policyDefinitionReferenceId")
                    .and_then(Value::as_str)
                    .map(str::to_owned)
                else {
                    continue;
                };
                let added = suffix(&set.policy, &reference_id);
                if let Some(Value::String(message)) = entry.get_mut("message") {
                    message.push_str(&added);
                }
            }
        }
    }
}

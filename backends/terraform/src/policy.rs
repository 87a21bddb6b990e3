//! `policy.tf`: the governance as azurerm policy resources.
//!
//! Every value comes from [`charter_governance::governance`]: the policy rules, parameters
//! and metadata are that backend's JSON, pretty-printed into heredocs, so the two outputs
//! cannot disagree. This module only decides where each resource lives and how the resources
//! reference each other.

use std::collections::BTreeMap;

use charter_governance::estate::Estate;
use charter_governance::{
    Assignment, Definition, DefinitionRef, Exemption, Governance, Location, SetDefinition,
    CURRENT_SUBSCRIPTION,
};
use charter_ir::Scope;
use serde_json::Value;

use crate::context::Context;
use crate::hcl::{Block, Body, Expr};
use crate::names::identifier;

/// Where a policy's definitions and initiative are created: a definition can only be assigned
/// at or below the scope that holds it.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Home {
    /// At a management group (the usual case for organisation-wide governance).
    ManagementGroup(String),
    /// In a subscription: the provider's default one, or an aliased provider's.
    Subscription(Option<String>),
}

/// The Terraform resource type and address of each kind of scope's assignment.
fn assignment_type(scope: &Scope) -> (&'static str, &'static str) {
    match scope {
        Scope::ManagementGroup(_) => (
            "azurerm_management_group_policy_assignment",
            "management_group_id",
        ),
        Scope::Subscription(_) => ("azurerm_subscription_policy_assignment", "subscription_id"),
        Scope::ResourceGroup(_) => (
            "azurerm_resource_group_policy_assignment",
            "resource_group_id",
        ),
        // The checker assigns policies only at management groups, subscriptions and resource
        // groups; one resource is an exemption's scope alone.
        Scope::Resource(_) => ("azurerm_resource_policy_assignment", "resource_id"),
    }
}

fn exemption_type(scope: &Scope) -> (&'static str, &'static str) {
    match scope {
        Scope::ManagementGroup(_) => (
            "azurerm_management_group_policy_exemption",
            "management_group_id",
        ),
        Scope::Subscription(_) => ("azurerm_subscription_policy_exemption", "subscription_id"),
        Scope::ResourceGroup(_) => (
            "azurerm_resource_group_policy_exemption",
            "resource_group_id",
        ),
        Scope::Resource(_) => ("azurerm_resource_policy_exemption", "resource_id"),
    }
}

/// The body of `policy.tf`, or `None` when the project has no governance.
pub(crate) fn file(
    context: &mut Context<'_>,
    governance: &Governance,
    estate: &Estate,
) -> Option<String> {
    if governance.definitions.is_empty()
        && governance.sets.is_empty()
        && governance.assignments.is_empty()
        && governance.exemptions.is_empty()
    {
        return None;
    }
    let homes = set_homes(governance);
    let definition_homes = definition_homes(governance, &homes);

    let mut file = Body::new();
    file.comment(
        "Governance compiled by Charter: the same policy definitions, initiatives, assignments \
         and exemptions as the Azure Policy JSON under azure-policy/ (the rules are identical). \
         A definition is created at each scope that holds an initiative using it, since an \
         initiative can only reference definitions at or above its own scope.",
    );
    for definition in &governance.definitions {
        let default_home = [Home::Subscription(None)];
        let definition_homes = definition_homes
            .get(definition.name.as_str())
            .map_or(&default_home[..], Vec::as_slice);
        for home in definition_homes {
            file.block(definition_block(context, definition, home));
        }
    }
    for set in &governance.sets {
        let home = homes
            .get(set.name.as_str())
            .cloned()
            .unwrap_or(Home::Subscription(None));
        file.block(set_block(context, set, &home));
    }
    for assignment in &governance.assignments {
        file.block(assignment_block(context, &homes, assignment));
    }
    for exemption in &governance.exemptions {
        file.block(exemption_block(context, governance, estate, exemption));
    }
    Some(file.to_file())
}

/// Each set's home, as the Azure Policy backend placed it.
fn set_homes(governance: &Governance) -> BTreeMap<&str, Home> {
    governance
        .sets
        .iter()
        .map(|set| {
            let home = match &set.location {
                Location::ManagementGroup(name) => Home::ManagementGroup(name.clone()),
                Location::Subscription(id) if id == CURRENT_SUBSCRIPTION => {
                    Home::Subscription(None)
                }
                Location::Subscription(id) => Home::Subscription(Some(id.clone())),
            };
            (set.name.as_str(), home)
        })
        .collect()
}

/// The homes of each definition: those of the sets that reference it, in set order.
fn definition_homes<'g>(
    governance: &'g Governance,
    set_homes: &BTreeMap<&str, Home>,
) -> BTreeMap<&'g str, Vec<Home>> {
    let mut homes: BTreeMap<&'g str, Vec<Home>> = BTreeMap::new();
    for set in &governance.sets {
        let Some(home) = set_homes.get(set.name.as_str()) else {
            continue;
        };
        for reference in &set.references {
            if let DefinitionRef::Custom(name) = &reference.definition {
                if let Some(definition) = governance.definitions.iter().find(|d| &d.name == name) {
                    let entry = homes.entry(definition.name.as_str()).or_default();
                    if !entry.contains(home) {
                        entry.push(home.clone());
                    }
                }
            }
        }
    }
    homes
}

/// The identifier part naming a home, so that one definition created at two scopes has two
/// stable addresses.
fn home_identifier(home: &Home) -> String {
    match home {
        Home::ManagementGroup(name) => identifier(name),
        Home::Subscription(Some(subscription)) => identifier(subscription),
        Home::Subscription(None) => "default".to_string(),
    }
}

/// The address of a custom definition created at a home.
fn definition_address(name: &str, home: &Home) -> String {
    format!(
        "azurerm_policy_definition.{}__{}",
        home_identifier(home),
        identifier(name)
    )
}

fn is_empty_json(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::Object(map) => map.is_empty(),
        Value::Array(items) => items.is_empty(),
        _ => false,
    }
}

/// Adds `name = <<-JSON ... JSON` unless the value is empty.
fn json_attribute(body: &mut Body, name: &str, value: &Value) {
    if !is_empty_json(value) {
        body.attribute(name, Expr::json(value));
    }
}

/// Adds `name = "value"` unless the value is empty (azurerm rejects empty descriptions).
fn optional_string(body: &mut Body, name: &str, value: &str) {
    if !value.is_empty() {
        body.string(name, value);
    }
}

fn home_arguments(context: &mut Context<'_>, body: &mut Body, home: &Home) {
    match home {
        Home::ManagementGroup(name) => {
            let id = context.management_group_id(name);
            body.raw("management_group_id", id);
        }
        Home::Subscription(subscription) => {
            if let Some(provider) = context.provider_for(subscription.as_deref()) {
                body.raw("provider", provider);
            }
        }
    }
}

fn definition_block(context: &mut Context<'_>, definition: &Definition, home: &Home) -> Block {
    let mut body = Body::new();
    home_arguments(context, &mut body, home);
    body.string("name", &definition.name)
        .string("policy_type", "Custom")
        .string("mode", &definition.mode)
        .string("display_name", &definition.display_name);
    optional_string(&mut body, "description", &definition.description);
    json_attribute(&mut body, "metadata", &definition.metadata);
    json_attribute(&mut body, "parameters", &definition.parameters);
    body.attribute("policy_rule", Expr::json(&definition.policy_rule));
    let address = definition_address(&definition.name, home);
    let label = address.trim_start_matches("azurerm_policy_definition.");
    Block::new("resource", &["azurerm_policy_definition", label], body)
}

/// The resource address of a set definition, which depends on where it lives.
fn set_address(homes: &BTreeMap<&str, Home>, set_name: &str) -> String {
    let resource_type = match homes.get(set_name) {
        Some(Home::ManagementGroup(_)) => "azurerm_management_group_policy_set_definition",
        _ => "azurerm_policy_set_definition",
    };
    format!("{resource_type}.{}", identifier(set_name))
}

fn set_block(context: &mut Context<'_>, set: &SetDefinition, home: &Home) -> Block {
    let mut body = Body::new();
    let resource_type = match home {
        Home::ManagementGroup(_) => "azurerm_management_group_policy_set_definition",
        Home::Subscription(_) => "azurerm_policy_set_definition",
    };
    home_arguments(context, &mut body, home);
    body.string("name", &set.name)
        .string("policy_type", "Custom")
        .string("display_name", &set.display_name);
    optional_string(&mut body, "description", &set.description);
    json_attribute(&mut body, "metadata", &set.metadata);
    json_attribute(&mut body, "parameters", &set.parameters);
    for reference in &set.references {
        let mut reference_body = Body::new();
        let definition_id = match &reference.definition {
            DefinitionRef::Custom(name) => {
                Expr::Raw(format!("{}.id", definition_address(name, home)))
            }
            DefinitionRef::BuiltIn(id) => Expr::Str(id.clone()),
        };
        reference_body
            .attribute("policy_definition_id", definition_id)
            .string("reference_id", &reference.reference_id);
        if let Some(version) = &reference.definition_version {
            reference_body.string("version", version);
        }
        if !reference.group_names.is_empty() {
            reference_body.attribute("policy_group_names", Expr::strings(&reference.group_names));
        }
        json_attribute(
            &mut reference_body,
            "parameter_values",
            &reference.parameters,
        );
        body.block(Block::new(
            "policy_definition_reference",
            &[],
            reference_body,
        ));
    }
    if let Value::Array(groups) = &set.groups {
        for group in groups {
            body.block(group_block(group));
        }
    }
    Block::new("resource", &[resource_type, &identifier(&set.name)], body)
}

/// A `policy_definition_group` block from one `policyDefinitionGroups` entry.
fn group_block(group: &Value) -> Block {
    let mut body = Body::new();
    for (json_key, hcl_key) in [
        ("name", "name"),
        ("displayName", "display_name"),
        ("category", "category"),
        ("description", "description"),
        ("additionalMetadataId", "additional_metadata_resource_id"),
    ] {
        if let Some(Value::String(value)) = group.get(json_key) {
            body.string(hcl_key, value);
        }
    }
    Block::new("policy_definition_group", &[], body)
}

/// The Terraform address of the assignment an exemption exempts: the one whose ARM id it
/// names (names alone may repeat across scopes), else the one with its name.
fn assignment_address(governance: &Governance, exemption: &Exemption) -> Option<String> {
    let by_id = governance.assignments.iter().find(|assignment| {
        format!(
            "{}/providers/Microsoft.Authorization/policyAssignments/{}",
            assignment.scope_id, assignment.name
        ) == exemption.assignment_id
    });
    by_id
        .or_else(|| {
            governance
                .assignments
                .iter()
                .find(|assignment| assignment.name == exemption.assignment)
        })
        .map(|assignment| {
            format!(
                "{}.{}",
                assignment_type(&assignment.scope).0,
                identifier(&assignment.name)
            )
        })
}

fn assignment_block(
    context: &mut Context<'_>,
    homes: &BTreeMap<&str, Home>,
    assignment: &Assignment,
) -> Block {
    let (resource_type, scope_argument) = assignment_type(&assignment.scope);
    let mut body = Body::new();
    body.string("name", &assignment.name);
    let scope_id = context.scope_id(&assignment.scope, &assignment.scope_id);
    body.attribute(scope_argument, scope_id);
    body.raw(
        "policy_definition_id",
        format!("{}.id", set_address(homes, &assignment.set)),
    );
    optional_string(&mut body, "display_name", &assignment.display_name);
    optional_string(&mut body, "description", &assignment.description);
    body.raw(
        "enforce",
        if assignment.enforcement_mode == "DoNotEnforce" {
            "false"
        } else {
            "true"
        },
    );
    json_attribute(&mut body, "metadata", &assignment.metadata);
    json_attribute(&mut body, "parameters", &assignment.parameters);
    if let Value::Array(messages) = &assignment.non_compliance_messages {
        for message in messages {
            let mut message_body = Body::new();
            if let Some(Value::String(content)) = message.get("message") {
                message_body.string("content", content);
            }
            if let Some(Value::String(reference)) = message.get("policyDefinitionReferenceId") {
                message_body.string("policy_definition_reference_id", reference);
            }
            body.block(Block::new("non_compliance_message", &[], message_body));
        }
    }
    Block::new(
        "resource",
        &[resource_type, &identifier(&assignment.name)],
        body,
    )
}

fn exemption_block(
    context: &mut Context<'_>,
    governance: &Governance,
    estate: &Estate,
    exemption: &Exemption,
) -> Block {
    let (resource_type, scope_argument) = exemption_type(&exemption.scope);
    let mut body = Body::new();
    body.string("name", &exemption.name);
    // An account this configuration creates is named by its address, so that Terraform
    // creates it before its exemption.
    let scope_id = match created_account(estate, &exemption.scope) {
        Some(address) => Expr::Raw(format!("azurerm_cognitive_account.{address}.id")),
        None => context.scope_id(&exemption.scope, &exemption.scope_id),
    };
    body.attribute(scope_argument, scope_id);
    match assignment_address(governance, exemption) {
        Some(address) => {
            body.raw("policy_assignment_id", format!("{address}.id"));
        }
        // The Azure Policy backend always exempts from one of its own assignments; should that
        // ever change, the name is still the best id we have.
        None => {
            body.string("policy_assignment_id", &exemption.assignment);
        }
    }
    body.string("exemption_category", &exemption.category);
    if !exemption.reference_ids.is_empty() {
        body.attribute(
            "policy_definition_reference_ids",
            Expr::strings(&exemption.reference_ids),
        );
    }
    optional_string(&mut body, "display_name", &exemption.display_name);
    optional_string(&mut body, "description", &exemption.description);
    body.string("expires_on", &exemption.expires_on);
    json_attribute(&mut body, "metadata", &exemption.metadata);
    Block::new(
        "resource",
        &[resource_type, &identifier(&exemption.name)],
        body,
    )
}

/// The Terraform address of the account an exemption of one resource names, when this
/// configuration creates it (an endpoint's own account; a business unit's shared Foundry
/// resource is never an endpoint's exemption).
fn created_account(estate: &Estate, scope: &Scope) -> Option<String> {
    let Scope::Resource(resource) = scope else {
        return None;
    };
    if !resource
        .resource_type
        .eq_ignore_ascii_case(charter_governance::estate::types::ACCOUNT)
    {
        return None;
    }
    estate
        .accounts
        .iter()
        .filter(|account| account.foundry.is_none())
        .find(|account| {
            account.name.eq_ignore_ascii_case(&resource.name)
                && estate.resource_groups[account.resource_group]
                    .name
                    .eq_ignore_ascii_case(&resource.resource_group)
        })
        .map(|account| {
            crate::names::endpoint_region(&account.workload, &account.endpoint, &account.region)
        })
}

#[cfg(test)]
mod tests {
    use charter_governance::SetReference;
    use charter_ir::Project;
    use serde_json::json;

    use super::*;

    /// A governance built by hand, so the conversion is tested apart from the rules.
    fn governance() -> Governance {
        Governance {
            definitions: vec![Definition {
                name: "charter-x".into(),
                display_name: "X".into(),
                description: String::new(),
                mode: "All".into(),
                metadata: json!({}),
                parameters: json!({}),
                policy_rule: json!({"if": {"field": "type", "equals": "${not-a-template}"}, "then": {"effect": "deny"}}),
            }],
            sets: vec![SetDefinition {
                name: "charter-p".into(),
                display_name: "P".into(),
                description: String::new(),
                metadata: json!(null),
                parameters: json!({}),
                references: vec![SetReference {
                    reference_id: "x".into(),
                    definition: DefinitionRef::Custom("charter-x".into()),
                    parameters: json!({}),
                    group_names: Vec::new(),
                    definition_version: None,
                    resource_manager_mode: true,
                }],
                groups: json!([]),
                policy: "p".into(),
                location: Location::Subscription(CURRENT_SUBSCRIPTION.into()),
            }],
            assignments: vec![Assignment {
                name: "p-rg".into(),
                display_name: String::new(),
                description: String::new(),
                set: "charter-p".into(),
                scope: Scope::ResourceGroup("rg-a".into()),
                scope_id: format!("/subscriptions/{CURRENT_SUBSCRIPTION}/resourceGroups/rg-a"),
                enforcement_mode: "DoNotEnforce".into(),
                parameters: json!({}),
                non_compliance_messages: json!([{"message": "no"}]),
                metadata: json!({}),
            }],
            exemptions: vec![Exemption {
                name: "p-rg-exempt".into(),
                display_name: String::new(),
                description: String::new(),
                assignment: "p-rg".into(),
                scope: Scope::ResourceGroup("rg-b".into()),
                scope_id: "/subscriptions/team-sub/resourceGroups/rg-b".into(),
                assignment_id: String::new(),
                reference_ids: Vec::new(),
                category: "Waiver".into(),
                expires_on: "2027-01-31T23:59:59Z".into(),
                metadata: json!({}),
            }, Exemption {
                name: "p-legacy-exempt".into(),
                display_name: String::new(),
                description: String::new(),
                assignment: "p-rg".into(),
                // One resource, in a subscription known by name only: its id is built on the
                // subscription's variable.
                scope: Scope::Resource(charter_ir::ResourceScope {
                    subscription: Some("team-sub".into()),
                    resource_group: "rg-b".into(),
                    resource_type: "Microsoft.CognitiveServices/accounts".into(),
                    name: "legacy".into(),
                }),
                scope_id: "/subscriptions/{subscriptionId:team-sub}/resourceGroups/rg-b/providers/Microsoft.CognitiveServices/accounts/legacy".into(),
                assignment_id: String::new(),
                reference_ids: vec!["x".into()],
                category: "Waiver".into(),
                expires_on: "2027-01-31T23:59:59Z".into(),
                metadata: json!({}),
            }],
        }
    }

    #[test]
    fn converts_a_hand_built_governance() {
        let project = Project::default();
        let mut context = Context::new(&project);
        let text =
            file(&mut context, &governance(), &Estate::default()).expect("governance is not empty");
        insta::assert_snapshot!(text);
        assert!(context.variables.contains_key("team_sub_subscription_id"));
    }

    #[test]
    fn empty_governance_writes_no_file() {
        let project = Project::default();
        let mut context = Context::new(&project);
        assert_eq!(
            file(&mut context, &Governance::default(), &Estate::default()),
            None
        );
    }
}

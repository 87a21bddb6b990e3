//! [`Governance`] → files: REST bodies (one per resource, never escaped) and ARM deployment
//! templates (one per initiative location, with policy expressions escaped as `[[`).

use charter_governance::estate::object;
use charter_ir::Artifact;
use serde_json::{json, Map, Value};

use charter_governance::{
    names, Assignment, Definition, DefinitionRef, Exemption, Governance, Location, SetDefinition,
};

/// API version of definitions, sets and assignments: a stable version with a published schema,
/// older than the newest and so known to more tools (docs/azure-policy.md, "API versions").
const API_VERSION: &str = "2025-03-01";
/// Exemptions exist only in preview API versions; this is the newest one with a published
/// schema (docs/azure-policy.md, "Exemptions").
const EXEMPTION_API_VERSION: &str = "2026-01-01-preview";

const DEFINITION_TYPE: &str = "Microsoft.Authorization/policyDefinitions";
const SET_TYPE: &str = "Microsoft.Authorization/policySetDefinitions";
const ASSIGNMENT_TYPE: &str = "Microsoft.Authorization/policyAssignments";
const EXEMPTION_TYPE: &str = "Microsoft.Authorization/policyExemptions";

/// API version of the nested deployments that reach other scopes.
const DEPLOYMENT_API_VERSION: &str = "2024-03-01";
const RESOURCE_GROUP_TEMPLATE: &str =
    "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#";

const MANAGEMENT_GROUP_TEMPLATE: &str =
    "https://schema.management.azure.com/schemas/2019-08-01/managementGroupDeploymentTemplate.json#";
const SUBSCRIPTION_TEMPLATE: &str =
    "https://schema.management.azure.com/schemas/2018-05-01/subscriptionDeploymentTemplate.json#";

pub(crate) fn artifacts(governance: &Governance) -> Vec<Artifact> {
    let mut files: Vec<Artifact> = rest_bodies(governance)
        .into_iter()
        .map(|(path, body)| Artifact {
            path,
            contents: pretty(&body),
        })
        .collect();
    files.extend(templates(governance));
    files.sort_by(|a, b| a.path.cmp(&b.path));
    files
}

/// The REST body of every definition, initiative, assignment and exemption, with the path it is
/// written to, in the order they are built.
pub(crate) fn rest_bodies(governance: &Governance) -> Vec<(String, Value)> {
    let mut files: Vec<(String, Value)> = Vec::new();
    let add = |files: &mut Vec<(String, Value)>, folder: &str, name: &str, body: Value| {
        let mut path = format!("azure-policy/{folder}/{name}.json");
        if files.iter().any(|(existing, _)| *existing == path) {
            // Two resources of one kind may share a name at different scopes; keep both files.
            path = format!(
                "azure-policy/{folder}/{name}-{}.json",
                names::short_hash(&body.to_string())
            );
        }
        files.push((path, body));
    };
    for definition in &governance.definitions {
        add(
            &mut files,
            "definitions",
            &definition.name,
            definition_body(definition),
        );
    }
    for set in &governance.sets {
        let mut body = json!({ "type": SET_TYPE, "apiVersion": API_VERSION, "name": set.name });
        insert(&mut body, "id", json!(set_id(set)));
        insert(
            &mut body,
            "properties",
            set_properties(set, &|r| rest_definition_id(set, r)),
        );
        add(&mut files, "set-definitions", &set.name, body);
    }
    for assignment in &governance.assignments {
        let set_id = governance
            .sets
            .iter()
            .find(|s| s.name == assignment.set)
            .map(set_id)
            .unwrap_or_default();
        let body = json!({
            "type": ASSIGNMENT_TYPE,
            "apiVersion": API_VERSION,
            "name": assignment.name,
            "id": assignment_id(assignment),
            "properties": assignment_properties(assignment, json!(set_id))
        });
        add(&mut files, "assignments", &assignment.name, body);
    }
    for exemption in &governance.exemptions {
        let body = json!({
            "type": EXEMPTION_TYPE,
            "apiVersion": EXEMPTION_API_VERSION,
            "name": exemption.name,
            "id": format!(
                "{}/providers/{EXEMPTION_TYPE}/{}",
                exemption.scope_id, exemption.name
            ),
            "properties": exemption_properties(exemption, json!(exemption.assignment_id))
        });
        add(&mut files, "exemptions", &exemption.name, body);
    }
    files
}

/// Pretty JSON with a trailing newline.
fn pretty(value: &Value) -> String {
    // Serialising a `Value` cannot fail: its keys are strings and it holds no non-finite floats.
    let mut text = serde_json::to_string_pretty(value).unwrap_or_default();
    text.push('\n');
    text
}

fn insert(object: &mut Value, key: &str, value: Value) {
    if let Value::Object(map) = object {
        map.insert(key.to_owned(), value);
    }
}

fn definition_body(definition: &Definition) -> Value {
    json!({
        "type": DEFINITION_TYPE,
        "apiVersion": API_VERSION,
        "name": definition.name,
        "properties": definition_properties(definition)
    })
}

// The bodies' values are built or cloned into `object`: `json!` read each borrowed value
// again through `Serialize` (a whole policy rule, parameter list or metadata object per body).
fn definition_properties(definition: &Definition) -> Value {
    object([
        ("displayName", definition.display_name.as_str().into()),
        ("description", definition.description.as_str().into()),
        ("policyType", "Custom".into()),
        ("mode", definition.mode.as_str().into()),
        ("version", version(&definition.metadata)),
        ("metadata", definition.metadata.clone()),
        ("parameters", definition.parameters.clone()),
        ("policyRule", definition.policy_rule.clone()),
    ])
}

/// The `version` a body states: its metadata's.
fn version(metadata: &Value) -> Value {
    metadata.get("version").cloned().unwrap_or(Value::Null)
}

fn set_id(set: &SetDefinition) -> String {
    format!("{}/providers/{SET_TYPE}/{}", set.location.id(), set.name)
}

fn assignment_id(assignment: &Assignment) -> String {
    format!(
        "{}/providers/{ASSIGNMENT_TYPE}/{}",
        assignment.scope_id, assignment.name
    )
}

fn rest_definition_id(set: &SetDefinition, reference: &DefinitionRef) -> Value {
    match reference {
        DefinitionRef::Custom(name) => json!(format!(
            "{}/providers/{DEFINITION_TYPE}/{name}",
            set.location.id()
        )),
        DefinitionRef::BuiltIn(id) => json!(id),
    }
}

/// The set's `properties`; `definition_id` gives each member's `policyDefinitionId`.
fn set_properties(set: &SetDefinition, definition_id: &dyn Fn(&DefinitionRef) -> Value) -> Value {
    let references: Vec<Value> = set
        .references
        .iter()
        .map(|reference| {
            let mut item = Map::with_capacity(5);
            item.insert(
                "policyDefinitionReferenceId".to_owned(),
                reference.reference_id.as_str().into(),
            );
            item.insert(
                "policyDefinitionId".to_owned(),
                definition_id(&reference.definition),
            );
            if let Some(version) = &reference.definition_version {
                item.insert("definitionVersion".to_owned(), version.as_str().into());
            }
            item.insert(
                "groupNames".to_owned(),
                reference
                    .group_names
                    .iter()
                    .map(|name| Value::from(name.as_str()))
                    .collect(),
            );
            item.insert("parameters".to_owned(), reference.parameters.clone());
            Value::Object(item)
        })
        .collect();
    object([
        ("displayName", set.display_name.as_str().into()),
        ("description", set.description.as_str().into()),
        ("policyType", "Custom".into()),
        ("version", version(&set.metadata)),
        ("metadata", set.metadata.clone()),
        ("parameters", set.parameters.clone()),
        ("policyDefinitionGroups", set.groups.clone()),
        ("policyDefinitions", Value::Array(references)),
    ])
}

fn assignment_properties(assignment: &Assignment, set_id: Value) -> Value {
    object([
        ("displayName", assignment.display_name.as_str().into()),
        ("description", assignment.description.as_str().into()),
        ("policyDefinitionId", set_id),
        (
            "enforcementMode",
            assignment.enforcement_mode.as_str().into(),
        ),
        ("metadata", assignment.metadata.clone()),
        ("parameters", assignment.parameters.clone()),
        (
            "nonComplianceMessages",
            assignment.non_compliance_messages.clone(),
        ),
    ])
}

fn exemption_properties(exemption: &Exemption, assignment_id: Value) -> Value {
    object([
        ("displayName", exemption.display_name.as_str().into()),
        ("description", exemption.description.as_str().into()),
        ("policyAssignmentId", assignment_id),
        (
            "policyDefinitionReferenceIds",
            exemption
                .reference_ids
                .iter()
                .map(|id| Value::from(id.as_str()))
                .collect(),
        ),
        ("exemptionCategory", exemption.category.as_str().into()),
        ("expiresOn", exemption.expires_on.as_str().into()),
        ("metadata", exemption.metadata.clone()),
    ])
}

/// ARM evaluates every string that starts with `[`; `[[` makes it a literal that reaches Azure
/// Policy as `[` (docs/azure-policy.md, "ARM templates and REST bodies").
fn escape(value: &Value) -> Value {
    match value {
        Value::String(text) if text.starts_with('[') => Value::String(format!("[{text}")),
        Value::Array(items) => Value::Array(items.iter().map(escape).collect()),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(key, value)| (key.clone(), escape(value)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// An ARM expression for the id of a resource created at the template's own scope.
fn template_id(location: &Location, resource_type: &str, name: &str) -> String {
    match location {
        Location::ManagementGroup(_) => {
            format!("[extensionResourceId(managementGroup().id, '{resource_type}', '{name}')]")
        }
        Location::Subscription(_) => {
            format!("[subscriptionResourceId('{resource_type}', '{name}')]")
        }
    }
}

/// One template per location that holds initiatives: the custom definitions they use, the
/// initiatives, and the assignments and exemptions made at the location itself. Assignments
/// and exemptions at other scopes are deployed from their REST bodies (docs/azure-policy.md).
fn templates(governance: &Governance) -> Vec<Artifact> {
    let mut locations: Vec<&Location> = governance.sets.iter().map(|s| &s.location).collect();
    locations.sort();
    locations.dedup();
    let single = locations.len() == 1;
    locations
        .into_iter()
        .map(|location| {
            let path = if single {
                "azure-policy/template.json".to_owned()
            } else {
                let (kind, name) = match location {
                    Location::ManagementGroup(name) => ("management-group", name),
                    Location::Subscription(id) => ("subscription", id),
                };
                format!("azure-policy/templates/{kind}-{}.json", names::slug(name))
            };
            Artifact {
                path,
                contents: pretty(&template(governance, location)),
            }
        })
        .collect()
}

fn template(governance: &Governance, location: &Location) -> Value {
    let sets: Vec<&SetDefinition> = governance
        .sets
        .iter()
        .filter(|s| &s.location == location)
        .collect();
    let mut resources: Vec<Value> = Vec::new();
    for definition in &governance.definitions {
        let used = sets.iter().any(|set| {
            set.references
                .iter()
                .any(|r| r.definition == DefinitionRef::Custom(definition.name.clone()))
        });
        if used {
            resources.push(json!({
                "type": DEFINITION_TYPE,
                "apiVersion": API_VERSION,
                "name": definition.name,
                "properties": escape(&definition_properties(definition))
            }));
        }
    }
    for set in &sets {
        let depends_on: Vec<String> = governance
            .definitions
            .iter()
            .filter(|d| {
                set.references
                    .iter()
                    .any(|r| r.definition == DefinitionRef::Custom(d.name.clone()))
            })
            .map(|d| template_id(location, DEFINITION_TYPE, &d.name))
            .collect();
        let mut properties = escape(&set_properties(set, &|_| Value::Null));
        // The ids are template expressions that ARM must evaluate: set them after escaping.
        if let Some(Value::Array(items)) = properties.get_mut("policyDefinitions") {
            for (item, reference) in items.iter_mut().zip(&set.references) {
                let id = match &reference.definition {
                    DefinitionRef::Custom(name) => template_id(location, DEFINITION_TYPE, name),
                    DefinitionRef::BuiltIn(id) => id.clone(),
                };
                insert(item, "policyDefinitionId", json!(id));
            }
        }
        resources.push(json!({
            "type": SET_TYPE,
            "apiVersion": API_VERSION,
            "name": set.name,
            "dependsOn": depends_on,
            "properties": properties
        }));
    }
    let here = location.id();
    // Template parameters for subscriptions named by name, sorted for stable output.
    let mut parameters: std::collections::BTreeMap<String, String> = Default::default();
    let assignments: Vec<&Assignment> = governance
        .assignments
        .iter()
        .filter(|a| sets.iter().any(|s| s.name == a.set))
        .collect();
    let exemptions: Vec<&Exemption> = governance
        .exemptions
        .iter()
        .filter(|e| {
            assignments
                .iter()
                .any(|a| assignment_id(a) == e.assignment_id)
        })
        .collect();
    let set_id_here = |assignment: &Assignment| {
        governance
            .sets
            .iter()
            .find(|s| s.name == assignment.set)
            .map(set_id)
            .unwrap_or_default()
    };

    // Assignments and exemptions at the template's own scope are plain resources.
    for assignment in assignments.iter().filter(|a| a.scope_id == here) {
        let set_ref = template_id(location, SET_TYPE, &assignment.set);
        let mut properties = escape(&assignment_properties(assignment, Value::Null));
        insert(&mut properties, "policyDefinitionId", json!(set_ref));
        resources.push(json!({
            "type": ASSIGNMENT_TYPE,
            "apiVersion": API_VERSION,
            "name": assignment.name,
            "dependsOn": [set_ref],
            "properties": properties
        }));
    }
    for exemption in exemptions.iter().filter(|e| e.scope_id == here) {
        let local = assignments
            .iter()
            .any(|a| a.scope_id == here && assignment_id(a) == exemption.assignment_id);
        let (assignment_ref, depends_on) = if local {
            let id = template_id(location, ASSIGNMENT_TYPE, &exemption.assignment);
            (id.clone(), vec![id])
        } else {
            (exemption.assignment_id.clone(), Vec::new())
        };
        let mut properties = escape(&exemption_properties(exemption, Value::Null));
        insert(&mut properties, "policyAssignmentId", json!(assignment_ref));
        resources.push(json!({
            "type": EXEMPTION_TYPE,
            "apiVersion": EXEMPTION_API_VERSION,
            "name": exemption.name,
            "dependsOn": depends_on,
            "properties": properties
        }));
    }

    // Every other scope gets one nested deployment with its assignments and exemptions.
    let mut targets: Vec<(String, charter_ir::Scope)> = Vec::new();
    for (scope_id, scope) in assignments
        .iter()
        .map(|a| (a.scope_id.clone(), a.scope.clone()))
        .chain(exemptions.iter().map(|e| exemption_target(e)))
    {
        if scope_id != here && !targets.iter().any(|(id, _)| *id == scope_id) {
            targets.push((scope_id, scope));
        }
    }
    // Each nested deployment's name, decided before any is built: an exemption's deployment
    // depends on the deployment that creates its assignment, which may come later.
    let mut deployment_names: Vec<(&str, String)> = Vec::new();
    for (scope_id, scope) in &targets {
        let (kind, scope_name) = match scope {
            charter_ir::Scope::ManagementGroup(name) => ("mg", name),
            charter_ir::Scope::Subscription(id) => ("sub", id),
            charter_ir::Scope::ResourceGroup(group) => ("rg", group),
            // Never a target: a resource's exemption is created in its resource group.
            charter_ir::Scope::Resource(resource) => ("rg", &resource.resource_group),
        };
        let mut name = names::fit(
            &format!("charter-{kind}-{}", names::slug(scope_name)),
            names::MAX_NAME,
        );
        if deployment_names.iter().any(|(_, taken)| *taken == name) {
            // The same resource group name in two subscriptions.
            name = names::fit(
                &format!("{name}-{}", names::short_hash(scope_id)),
                names::MAX_NAME,
            );
        }
        deployment_names.push((scope_id.as_str(), name));
    }
    let deployment_name_of = |scope_id: &str| -> String {
        deployment_names
            .iter()
            .find(|(id, _)| *id == scope_id)
            .map(|(_, name)| name.clone())
            .unwrap_or_default()
    };
    let mut separately: Vec<String> = Vec::new();
    for (scope_id, scope) in &targets {
        let scope_id = scope_id.as_str();
        let here_assignments: Vec<&Assignment> = assignments
            .iter()
            .copied()
            .filter(|a| a.scope_id == scope_id)
            .collect();
        let here_exemptions: Vec<&Exemption> = exemptions
            .iter()
            .copied()
            .filter(|e| exemption_target(e).0 == scope_id)
            .collect();
        let found = placement(location, scope, scope_id);
        if let Some((name, subscription)) = found.as_ref().and_then(|p| p.parameter.clone()) {
            parameters.insert(name, subscription);
        }
        let Some(placement) = found else {
            separately.extend(
                here_assignments
                    .iter()
                    .map(|a| format!("assignments/{}.json", a.name)),
            );
            separately.extend(
                here_exemptions
                    .iter()
                    .map(|e| format!("exemptions/{}.json", e.name)),
            );
            continue;
        };
        let mut inner: Vec<Value> = Vec::new();
        let mut outer_depends: Vec<String> = Vec::new();
        for assignment in &here_assignments {
            let set_ref = template_id(location, SET_TYPE, &assignment.set);
            if !outer_depends.contains(&set_ref) {
                outer_depends.push(set_ref);
            }
            let mut properties = escape(&assignment_properties(assignment, Value::Null));
            insert(
                &mut properties,
                "policyDefinitionId",
                json!(inner_id(&set_id_here(assignment), &mut parameters)),
            );
            inner.push(json!({
                "type": ASSIGNMENT_TYPE,
                "apiVersion": API_VERSION,
                "name": assignment.name,
                "properties": properties
            }));
        }
        for exemption in &here_exemptions {
            let mut depends_on: Vec<String> = Vec::new();
            if here_assignments
                .iter()
                .any(|a| assignment_id(a) == exemption.assignment_id)
            {
                depends_on.push(placement.local_id(ASSIGNMENT_TYPE, &exemption.assignment));
            } else if assignments
                .iter()
                .any(|a| a.scope_id == here && assignment_id(a) == exemption.assignment_id)
            {
                outer_depends.push(template_id(
                    location,
                    ASSIGNMENT_TYPE,
                    &exemption.assignment,
                ));
            } else if let Some(elsewhere) = assignments
                .iter()
                .find(|a| assignment_id(a) == exemption.assignment_id)
            {
                // The assignment is created by another nested deployment of this template:
                // without this, the two deployments race and the exemption may come first.
                let other = deployment_name_of(&elsewhere.scope_id);
                if !other.is_empty() && !outer_depends.contains(&other) {
                    outer_depends.push(other);
                }
            }
            let mut properties = escape(&exemption_properties(exemption, Value::Null));
            insert(
                &mut properties,
                "policyAssignmentId",
                json!(inner_id(&exemption.assignment_id, &mut parameters)),
            );
            let mut resource = json!({
                "type": EXEMPTION_TYPE,
                "apiVersion": EXEMPTION_API_VERSION,
                "name": exemption.name,
                "dependsOn": depends_on,
                "properties": properties
            });
            if let charter_ir::Scope::Resource(exempted) = &exemption.scope {
                // An extension resource on one resource of the deployment's resource group
                // names it by `scope`, as `Namespace/type/name` (Microsoft Learn, "Setting
                // scope for extension resources in ARM templates", "Apply to resource").
                insert(&mut resource, "scope", json!(exempted.relative_id()));
            }
            inner.push(resource);
        }
        let name = deployment_name_of(scope_id);
        let mut deployment = Map::new();
        deployment.insert("type".to_owned(), json!("Microsoft.Resources/deployments"));
        deployment.insert("apiVersion".to_owned(), json!(DEPLOYMENT_API_VERSION));
        deployment.insert("name".to_owned(), json!(name));
        for (key, value) in placement.properties {
            deployment.insert(key, value);
        }
        deployment.insert("dependsOn".to_owned(), json!(outer_depends));
        deployment.insert(
            "properties".to_owned(),
            json!({
                "mode": "Incremental",
                "expressionEvaluationOptions": { "scope": "inner" },
                "template": {
                    "$schema": placement.schema,
                    "contentVersion": "1.0.0.0",
                    "resources": inner
                }
            }),
        );
        resources.push(Value::Object(deployment));
    }
    let mut metadata = json!({ "generatedBy": "charter" });
    if !separately.is_empty() {
        // Scopes a nested deployment cannot reach from here (a resource group whose
        // subscription the project does not name): deploy these REST bodies on their own.
        insert(&mut metadata, "deploySeparately", json!(separately));
    }
    let schema = match location {
        Location::ManagementGroup(_) => MANAGEMENT_GROUP_TEMPLATE,
        Location::Subscription(_) => SUBSCRIPTION_TEMPLATE,
    };
    let mut template = json!({
        "$schema": schema,
        "contentVersion": "1.0.0.0",
        "metadata": metadata,
    });
    if !parameters.is_empty() {
        let declared: serde_json::Map<String, Value> = parameters
            .into_iter()
            .map(|(name, subscription)| {
                let description =
                    format!("The id (a GUID) of the subscription Charter calls `{subscription}`.");
                (
                    name,
                    json!({ "type": "string", "metadata": { "description": description } }),
                )
            })
            .collect();
        insert(&mut template, "parameters", Value::Object(declared));
    }
    insert(&mut template, "resources", json!(resources));
    template
}

/// Where an exemption is created: the id and scope of its exempted scope, except that one
/// resource's exemption is created in the resource group that holds the resource (it names
/// the resource with `scope`), so that every exemption of a resource group shares one nested
/// deployment.
fn exemption_target(exemption: &Exemption) -> (String, charter_ir::Scope) {
    match &exemption.scope {
        charter_ir::Scope::Resource(resource) => {
            let suffix = format!("/{}", resource.provider_path());
            let group_id = exemption
                .scope_id
                .strip_suffix(&suffix)
                .unwrap_or(&exemption.scope_id);
            (
                group_id.to_owned(),
                charter_ir::Scope::ResourceGroup(resource.resource_group.clone()),
            )
        }
        other => (exemption.scope_id.clone(), other.clone()),
    }
}

/// How a nested deployment reaches a scope other than the template's own.
struct Placement {
    /// `subscriptionId`, `resourceGroup`, `scope`, `location` of the deployment resource.
    properties: Vec<(String, Value)>,
    /// The `$schema` of the inner template.
    schema: &'static str,
    /// The kind of the inner scope.
    kind: PlacementKind,
    /// A template parameter the deployment needs: `(parameter name, subscription as written)`,
    /// for a subscription the project names by a name rather than its id.
    parameter: Option<(String, String)>,
}

#[derive(Clone, Copy)]
enum PlacementKind {
    ManagementGroup,
    Subscription,
    ResourceGroup,
}

impl Placement {
    /// An expression, evaluated inside the nested template, for a resource created there.
    fn local_id(&self, resource_type: &str, name: &str) -> String {
        let scope = match self.kind {
            PlacementKind::ManagementGroup => "managementGroup().id",
            PlacementKind::Subscription => "subscription().id",
            PlacementKind::ResourceGroup => "resourceGroup().id",
        };
        format!("[extensionResourceId({scope}, '{resource_type}', '{name}')]")
    }
}

/// Where a nested deployment must go to create resources at `scope`, seen from a template at
/// `location`; `None` when ARM cannot get there (a resource group in an unnamed subscription,
/// seen from a management group).
fn placement(location: &Location, scope: &charter_ir::Scope, scope_id: &str) -> Option<Placement> {
    use charter_ir::{ResourceScope as ScopedResource, Scope};
    let deployment_location = ("location".to_owned(), json!("[deployment().location]"));
    match (location, scope) {
        (Location::ManagementGroup(_), Scope::ManagementGroup(name)) => Some(Placement {
            properties: vec![
                (
                    "scope".to_owned(),
                    json!(format!("Microsoft.Management/managementGroups/{name}")),
                ),
                deployment_location,
            ],
            schema: MANAGEMENT_GROUP_TEMPLATE,
            kind: PlacementKind::ManagementGroup,
            parameter: None,
        }),
        (_, Scope::Subscription(id)) => {
            let (value, parameter) = subscription_id_value(id);
            Some(Placement {
                properties: vec![("subscriptionId".to_owned(), value), deployment_location],
                schema: SUBSCRIPTION_TEMPLATE,
                kind: PlacementKind::Subscription,
                parameter,
            })
        }
        (
            Location::Subscription(_),
            Scope::ResourceGroup(group)
            | Scope::Resource(ScopedResource {
                resource_group: group,
                ..
            }),
        ) if scope_id.starts_with(&format!("{}/resourceGroups/", location.id())) => {
            Some(Placement {
                properties: vec![("resourceGroup".to_owned(), json!(group))],
                schema: RESOURCE_GROUP_TEMPLATE,
                kind: PlacementKind::ResourceGroup,
                parameter: None,
            })
        }
        (
            _,
            Scope::ResourceGroup(group)
            | Scope::Resource(ScopedResource {
                resource_group: group,
                ..
            }),
        ) => {
            let subscription = scope_id
                .strip_prefix("/subscriptions/")
                .and_then(|rest| rest.split('/').next())
                .and_then(names::subscription_of_segment)?;
            let (value, parameter) = subscription_id_value(subscription);
            Some(Placement {
                properties: vec![
                    ("subscriptionId".to_owned(), value),
                    ("resourceGroup".to_owned(), json!(group)),
                ],
                schema: RESOURCE_GROUP_TEMPLATE,
                kind: PlacementKind::ResourceGroup,
                parameter,
            })
        }
        (Location::Subscription(_), Scope::ManagementGroup(_)) => None,
    }
}

/// The `subscriptionId` of a nested deployment. ARM needs the id; a subscription the project
/// names by a name (`subscription("contoso-research-lab")`) becomes a template parameter that
/// the person deploying supplies, as the Terraform backend makes it a variable.
fn subscription_id_value(subscription: &str) -> (Value, Option<(String, String)>) {
    if names::is_subscription_id(subscription) {
        return (json!(subscription), None);
    }
    let parameter = format!(
        "subscriptionId_{}",
        names::slug(subscription).replace('-', "_")
    );
    (
        json!(format!("[parameters('{parameter}')]")),
        Some((parameter, subscription.to_owned())),
    )
}

/// A full id as a nested template must write it: literal, except that the unnamed current
/// subscription becomes `subscription().id`, which inside the nested deployment is the
/// subscription it deploys to, and a subscription known only by name becomes the template
/// parameter that supplies its id (added to `parameters`).
fn inner_id(full_id: &str, parameters: &mut std::collections::BTreeMap<String, String>) -> String {
    if let Some(rest) = full_id.strip_prefix("/subscriptions/{subscriptionId:") {
        if let Some((name, tail)) = rest.split_once('}') {
            let (value, parameter) = subscription_id_value(name);
            if let Some((parameter, written)) = parameter {
                parameters.insert(parameter.clone(), written);
                return format!("[concat('/subscriptions/', parameters('{parameter}'), '{tail}')]");
            }
            let id = value.as_str().unwrap_or(name);
            return format!("/subscriptions/{id}{tail}");
        }
    }
    let placeholder = format!(
        "/subscriptions/{}",
        charter_governance::CURRENT_SUBSCRIPTION
    );
    let Some(rest) = full_id.strip_prefix(&placeholder) else {
        return full_id.to_owned();
    };
    // `<scope>/providers/Microsoft.Authorization/<type>/<name>`, as every id here is built.
    let Some((scope, resource)) = rest.rsplit_once("/providers/") else {
        return format!("[concat(subscription().id, '{rest}')]");
    };
    let Some((resource_type, name)) = resource.rsplit_once('/') else {
        return format!("[concat(subscription().id, '{rest}')]");
    };
    let scope = if scope.is_empty() {
        "subscription().id".to_owned()
    } else {
        format!("concat(subscription().id, '{scope}')")
    };
    format!("[extensionResourceId({scope}, '{resource_type}', '{name}')]")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn template_strings_that_look_like_expressions_are_escaped() {
        let escaped = escape(&json!({
            "a": "[parameters('x')]",
            "b": ["[concat('x')]", "plain [not first]"],
            "c": 1
        }));
        assert_eq!(
            escaped,
            json!({
                "a": "[[parameters('x')]",
                "b": ["[[concat('x')]", "plain [not first]"],
                "c": 1
            })
        );
    }

    #[test]
    fn subscriptions_named_by_name_become_template_parameters() {
        use names::is_subscription_id;
        assert!(is_subscription_id("0b1f6471-1bf0-4dda-aec3-cb9272f09590"));
        assert!(!is_subscription_id("contoso-research-lab"));
        assert!(!is_subscription_id("0b1f6471-1bf0-4dda-aec3-cb9272f0959"));
        let (value, parameter) = subscription_id_value("0b1f6471-1bf0-4dda-aec3-cb9272f09590");
        assert_eq!(value, json!("0b1f6471-1bf0-4dda-aec3-cb9272f09590"));
        assert_eq!(parameter, None);
        let (value, parameter) = subscription_id_value("contoso-research-lab");
        assert_eq!(
            value,
            json!("[parameters('subscriptionId_contoso_research_lab')]")
        );
        assert_eq!(
            parameter,
            Some((
                "subscriptionId_contoso_research_lab".to_owned(),
                "contoso-research-lab".to_owned()
            ))
        );
    }

    #[test]
    fn ids_in_the_unnamed_subscription_become_expressions() {
        assert_eq!(
            inner_id("/subscriptions/{subscriptionId}/providers/Microsoft.Authorization/policySetDefinitions/s", &mut Default::default()),
            "[extensionResourceId(subscription().id, 'Microsoft.Authorization/policySetDefinitions', 's')]"
        );
        assert_eq!(
            inner_id("/subscriptions/{subscriptionId}/resourceGroups/rg/providers/Microsoft.Authorization/policyAssignments/a", &mut Default::default()),
            "[extensionResourceId(concat(subscription().id, '/resourceGroups/rg'), 'Microsoft.Authorization/policyAssignments', 'a')]"
        );
        let literal = "/subscriptions/abc/providers/Microsoft.Authorization/policySetDefinitions/s";
        assert_eq!(inner_id(literal, &mut Default::default()), literal);
        let mut parameters = std::collections::BTreeMap::new();
        assert_eq!(
            inner_id(
                "/subscriptions/{subscriptionId:lab}/providers/Microsoft.Authorization/policyAssignments/a",
                &mut parameters
            ),
            "[concat('/subscriptions/', parameters('subscriptionId_lab'), '/providers/Microsoft.Authorization/policyAssignments/a')]"
        );
        assert_eq!(
            parameters.get("subscriptionId_lab").map(String::as_str),
            Some("lab")
        );
    }
}

//! IR → [`Governance`]: which definitions each Charter policy needs, the initiative that wires
//! the policy's values into them, its assignments and its exemptions.

use charter_ir::{
    Category, DeploymentType, Effect, Filter, FilterMode, Level, Policy, Project, Scope,
    ShieldMode, Side, Threshold, Toggle,
};
use serde_json::{json, Map, Value};

use crate::rules::{self, builtin};
use crate::{
    names, Assignment, Definition, DefinitionRef, Exemption, Governance, Location, SetDefinition,
    SetReference, CURRENT_SUBSCRIPTION,
};

/// The groups an initiative may use, in the order they are listed.
const GROUPS: [(&str, &str, &str); 9] = [
    ("models", "Models", "Which models and versions may be deployed."),
    ("content-filters", "Content filters", "Which content filters deployments use and how strict they are."),
    ("regions", "Regions", "Where AI accounts may be created."),
    ("capacity", "Capacity", "How much capacity a deployment may request."),
    ("security", "Security", "Authentication and network exposure of AI accounts."),
    ("ownership", "Ownership", "Tags that record which workload owns an AI account."),
    ("monitoring", "Monitoring", "Diagnostic logs of AI accounts."),
    (
        "classification",
        "Data classification",
        "What the data classification tag of a resource requires of it.",
    ),
    (
        "data-plane",
        "Data-plane audits (built-in)",
        "Azure's built-in data-plane policies (mode Microsoft.CognitiveServices.Data), audit only; \
         they cannot be exempted and carry no custom non-compliance message.",
    ),
];

/// See [`crate::governance`].
pub(crate) fn governance(project: &Project) -> Governance {
    let mut governance = Governance::default();
    let mut used: Vec<&'static str> = Vec::new();
    for policy in &project.policies {
        let compiled = compile_policy(project, policy);
        for reference in &compiled.set.references {
            if let DefinitionRef::Custom(name) = &reference.definition {
                if let Some(known) = CUSTOM.iter().find(|(n, _)| n == name) {
                    if !used.contains(&known.0) {
                        used.push(known.0);
                    }
                }
            }
        }
        governance.sets.push(compiled.set);
        governance.assignments.extend(compiled.assignments);
        governance.exemptions.extend(compiled.exemptions);
    }
    used.sort_unstable();
    governance.definitions = used
        .iter()
        .filter_map(|name| CUSTOM.iter().find(|(n, _)| n == name))
        .map(|(_, make)| make())
        .collect();
    governance
}

/// Builds one custom definition.
type MakeDefinition = fn() -> Definition;

/// Every custom definition, by name.
const CUSTOM: [(&str, MakeDefinition); 20] = [
    (rules::name::ALLOWED_MODELS, rules::allowed_models),
    (
        rules::name::APPROVED_CONTENT_FILTER,
        rules::approved_content_filter,
    ),
    (rules::name::RAI_HARM_THRESHOLD, rules::rai_harm_threshold),
    (rules::name::RAI_SHIELD, rules::rai_shield),
    (rules::name::RAI_BLOCKLIST, rules::rai_blocklist),
    (rules::name::RAI_SHIELD_ACTION, rules::rai_shield_action),
    (rules::name::RAI_SAFETY_PROVIDER, rules::rai_safety_provider),
    (rules::name::ACCOUNT_REGIONS, rules::account_regions),
    (rules::name::DEPLOYMENT_CAPACITY, rules::deployment_capacity),
    (
        rules::name::PUBLIC_NETWORK_DISABLED,
        rules::public_network_disabled,
    ),
    (rules::name::OWNER_TAG, rules::owner_tag),
    (rules::name::RAI_MODE, rules::rai_mode),
    (rules::name::VERSION_UPGRADE, rules::version_upgrade),
    (rules::name::DEPLOYMENT_TYPES, rules::deployment_types),
    (
        rules::name::CLASSIFIED_PRIVATE_NETWORK,
        rules::classified_private_network,
    ),
    (
        rules::name::CLASSIFIED_NO_GLOBAL,
        rules::classified_no_global,
    ),
    (
        rules::name::CLASSIFIED_CONTENT_FILTER,
        rules::classified_content_filter,
    ),
    (
        rules::name::ML_ALLOWED_MODELS,
        crate::machine_learning::allowed_models,
    ),
    (
        rules::name::ML_ALLOWED_REGIONS,
        crate::machine_learning::allowed_regions,
    ),
    (
        rules::name::ML_CONTENT_SAFETY,
        crate::machine_learning::content_safety,
    ),
];

/// One Charter policy's initiative, assignments and exemptions.
struct CompiledPolicy {
    set: SetDefinition,
    assignments: Vec<Assignment>,
    exemptions: Vec<Exemption>,
}

/// Collects an initiative: its parameters (with the policy's values as defaults), the values
/// the assignment passes, its members and their non-compliance messages.
pub(crate) struct SetBuilder {
    parameters: Map<String, Value>,
    values: Map<String, Value>,
    references: Vec<SetReference>,
    messages: Vec<(String, String)>,
}

impl SetBuilder {
    /// Declares an initiative parameter whose default and assigned value are `value`, and
    /// returns the expression that passes it to a member.
    pub(crate) fn parameter(&mut self, name: &str, mut declaration: Value, value: Value) -> Value {
        if let Value::Object(map) = &mut declaration {
            map.insert("defaultValue".to_owned(), value.clone());
        }
        self.parameters.insert(name.to_owned(), declaration);
        self.values
            .insert(name.to_owned(), json!({ "value": value }));
        pass(name)
    }

    pub(crate) fn custom(
        &mut self,
        reference_id: &str,
        definition: &str,
        group: &str,
        parameters: Value,
    ) {
        self.references.push(SetReference {
            reference_id: reference_id.to_owned(),
            definition: DefinitionRef::Custom(definition.to_owned()),
            parameters,
            group_names: vec![group.to_owned()],
            definition_version: None,
            resource_manager_mode: true,
        });
    }

    /// The initiative's data-plane effect parameter (declared on first use).
    pub(crate) fn data_plane_effect(&mut self, policy: &Policy) -> Value {
        if self.parameters.contains_key("dataPlaneEffect") {
            return pass("dataPlaneEffect");
        }
        // The data-plane built-ins allow only Audit and Disabled (docs/azure-policy.md, "Built-ins").
        let value = if policy.effect == Effect::Disabled {
            "Disabled"
        } else {
            "Audit"
        };
        self.parameter(
            "dataPlaneEffect",
            data_plane_effect_parameter(),
            json!(value),
        )
    }

    /// A data-plane built-in reference (not in Resource Manager mode).
    pub(crate) fn builtin_reference(
        &mut self,
        reference_id: &str,
        id: &str,
        version: &str,
        group: &str,
        parameters: Value,
    ) {
        self.builtin(reference_id, id, version, group, false, parameters);
    }

    fn builtin(
        &mut self,
        reference_id: &str,
        id: &str,
        version: &str,
        group: &str,
        resource_manager_mode: bool,
        parameters: Value,
    ) {
        self.references.push(SetReference {
            reference_id: reference_id.to_owned(),
            definition: DefinitionRef::BuiltIn(id.to_owned()),
            parameters,
            group_names: vec![group.to_owned()],
            definition_version: Some(version.to_owned()),
            resource_manager_mode,
        });
    }

    pub(crate) fn message(&mut self, reference_id: &str, message: String) {
        self.messages.push((reference_id.to_owned(), message));
    }
}

fn data_plane_effect_parameter() -> Value {
    let mut declaration = rules::effect_parameter(&["Audit", "Disabled"], "Audit");
    declaration["metadata"] = json!({
        "displayName": "Data-plane effect",
        "description": "Effect of the built-in data-plane audits, which allow only Audit or Disabled."
    });
    declaration
}

/// `{"value": "[parameters('name')]"}`: how a set reference passes an initiative parameter.
fn pass(name: &str) -> Value {
    json!({ "value": format!("[parameters('{name}')]") })
}

/// `{"value": value}`: how a set reference passes a fixed value.
pub(crate) fn literal(value: Value) -> Value {
    json!({ "value": value })
}

fn compile_policy(project: &Project, policy: &Policy) -> CompiledPolicy {
    let mut set = SetBuilder {
        parameters: Map::new(),
        values: Map::new(),
        references: Vec::new(),
        messages: Vec::new(),
    };
    let effect = set.parameter(
        "effect",
        rules::effect_parameter(&["Audit", "Deny", "Disabled"], "Audit"),
        json!(names::effect(policy.effect)),
    );
    let mut data_plane_effect = None;
    let mut data_plane = |set: &mut SetBuilder| -> Value {
        data_plane_effect
            .get_or_insert_with(|| {
                // The data-plane built-ins allow only Audit and Disabled (docs/azure-policy.md, "Built-ins").
                let value = if policy.effect == Effect::Disabled {
                    "Disabled"
                } else {
                    "Audit"
                };
                set.parameter(
                    "dataPlaneEffect",
                    data_plane_effect_parameter(),
                    json!(value),
                )
            })
            .clone()
    };
    let owner = format!("Charter policy `{}`", policy.name);

    if let Some(models) = &policy.allowed_models {
        let pairs: Vec<String> = models
            .iter()
            .flat_map(|m| m.versions.iter().map(move |v| format!("{},{}", m.name, v)))
            .collect();
        let any_version: Vec<&str> = models
            .iter()
            .filter(|m| m.versions.is_empty())
            .map(|m| m.name.as_str())
            .collect();
        let versions = set.parameter(
            "allowedModelVersions",
            json!({
                "type": "Array",
                "metadata": {
                    "displayName": "Approved model versions",
                    "description": "Approved '<model name>,<model version>' pairs."
                }
            }),
            json!(pairs),
        );
        let names_any = set.parameter(
            "allowedModelNames",
            json!({
                "type": "Array",
                "metadata": {
                    "displayName": "Models approved in every version",
                    "description": "Model names whose every version is approved."
                }
            }),
            json!(any_version),
        );
        set.custom(
            "allowedModels",
            rules::name::ALLOWED_MODELS,
            "models",
            json!({ "effect": effect, "allowedModelVersions": versions, "allowedModelNames": names_any }),
        );
        let listed: Vec<String> = models
            .iter()
            .map(|m| {
                if m.versions.is_empty() {
                    format!("{} (any version)", m.name)
                } else {
                    format!("{} ({})", m.name, m.versions.join(", "))
                }
            })
            .collect();
        set.message(
            "allowedModels",
            if listed.is_empty() {
                format!(
                    "No model may be deployed under {owner}. To deploy one, allow it in the \
                     `models` block of the policy."
                )
            } else {
                format!(
                    "This model or version is not approved by {owner}. Deploy one of: {}. To use \
                     another model, change the `models` block of the policy.",
                    shorten_list(&listed)
                )
            },
        );
        // Pinned versions stay pinned only if Azure never upgrades the deployment on its own,
        // which happens without any request a deny could stop.
        let pinned: Vec<&str> = models
            .iter()
            .filter(|m| !m.versions.is_empty())
            .map(|m| m.name.as_str())
            .collect();
        if !pinned.is_empty() {
            let pinned_names = set.parameter(
                "pinnedModelNames",
                json!({
                    "type": "Array",
                    "metadata": {
                        "displayName": "Pinned models",
                        "description": "Models whose allowed versions are pinned: their deployments must not upgrade automatically."
                    }
                }),
                json!(pinned),
            );
            set.custom(
                "noAutoUpgrade",
                rules::name::VERSION_UPGRADE,
                "models",
                json!({ "effect": effect, "pinnedModelNames": pinned_names }),
            );
            set.message(
                "noAutoUpgrade",
                format!(
                    "Deployments of {} must set versionUpgradeOption to NoAutoUpgrade: {owner} \
                     pins their versions, and an automatic upgrade would move them to a version \
                     it has not approved.",
                    shorten_list(&pinned.iter().map(|p| p.to_string()).collect::<Vec<_>>())
                ),
            );
        }
        // The data-plane twin matches registry asset ids. Their format is documented for Azure
        // OpenAI models only, and fine-tuned models have no registry asset id, so it is
        // referenced only when every allowed model is a catalog OpenAI model; it only audits.
        if let Some(asset_ids) = openai_registry_asset_ids(models) {
            let effect = data_plane(&mut set);
            let ids = set.parameter(
                "allowedModelAssetIds",
                json!({
                    "type": "Array",
                    "metadata": {
                        "displayName": "Approved model asset ids",
                        "description": "Registry asset ids (or prefixes) of the approved models."
                    }
                }),
                json!(asset_ids),
            );
            set.builtin(
                "dataPlaneRegistryModels",
                builtin::REGISTRY_MODELS,
                builtin::GA_VERSION,
                "data-plane",
                false,
                json!({ "effect": effect, "allowedPublishers": literal(json!([])), "allowedAssetIds": ids }),
            );
        }
    }

    if let Some(minimum) = &policy.minimum_filter {
        let approved: Vec<String> = policy
            .approved_filters
            .iter()
            .map(|f| names::rai_policy(f))
            .collect();
        let filters = set.parameter(
            "approvedContentFilters",
            json!({
                "type": "Array",
                "metadata": {
                    "displayName": "Approved content filters",
                    "description": "RAI policies at least as strict as the baseline."
                }
            }),
            json!(approved),
        );
        set.custom(
            "approvedContentFilter",
            rules::name::APPROVED_CONTENT_FILTER,
            "content-filters",
            json!({ "effect": effect, "approvedContentFilters": filters }),
        );
        set.message(
            "approvedContentFilter",
            format!(
                "Deployments must use an approved content filter: set raiPolicyName to one of: {}. \
                 {owner} requires filters at least as strict as `{}`.",
                if approved.is_empty() {
                    "(none yet; declare a filter in a workload governed by the policy)".to_owned()
                } else {
                    shorten_list(&approved)
                },
                minimum.name
            ),
        );
        content_filter_baseline(&mut set, &effect, &mut data_plane, minimum, &owner);
        for (index, blocklist) in minimum.blocklists.iter().enumerate() {
            // Reference ids must be unique and stable; blocklist names may hold any character.
            let reference_id = format!("raiBlocklist{}", index + 1);
            let name = names::rai_blocklist(&blocklist.name);
            let side = names::source(blocklist.side);
            set.custom(
                &reference_id,
                rules::name::RAI_BLOCKLIST,
                "content-filters",
                json!({
                    "effect": effect,
                    "blocklistName": literal(json!(name)),
                    "source": literal(json!(side))
                }),
            );
            set.message(
                &reference_id,
                format!(
                    "Content filters (RAI policies) must apply the custom blocklist `{name}` to \
                     the {side} side, in blocking mode: update the filter ({owner}, baseline `{}`).",
                    minimum.name
                ),
            );
        }
        for (index, provider) in minimum.safety_providers.iter().enumerate() {
            let reference_id = format!("raiSafetyProvider{}", index + 1);
            let side = names::source(provider.side);
            set.custom(
                &reference_id,
                rules::name::RAI_SAFETY_PROVIDER,
                "content-filters",
                json!({
                    "effect": effect,
                    "safetyProviderName": literal(json!(provider.name)),
                    "source": literal(json!(side))
                }),
            );
            set.message(
                &reference_id,
                format!(
                    "Content filters (RAI policies) must call the external safety provider `{}` \
                     on the {side} side, in blocking mode: update the filter ({owner}, baseline \
                     `{}`).",
                    provider.name, minimum.name
                ),
            );
        }
        if minimum.mode == FilterMode::Default {
            set.custom(
                "raiMode",
                rules::name::RAI_MODE,
                "content-filters",
                json!({
                    "effect": effect,
                    "disallowedModes": literal(json!(names::ASYNCHRONOUS_RAI_MODES))
                }),
            );
            set.message(
                "raiMode",
                format!(
                    "Content filters (RAI policies) must filter content before it is streamed \
                     (mode Default), not asynchronously: update the filter ({owner}, baseline \
                     `{}`).",
                    minimum.name
                ),
            );
        }
    }

    if let Some(regions) = &policy.allowed_regions {
        let regions: Vec<String> = regions.iter().map(|r| names::location(r)).collect();
        let allowed = set.parameter(
            "allowedRegions",
            json!({
                "type": "Array",
                "metadata": {
                    "displayName": "Allowed regions",
                    "description": "Azure locations AI accounts may be created in.",
                    "strongType": "location"
                }
            }),
            json!(regions),
        );
        set.custom(
            "accountRegions",
            rules::name::ACCOUNT_REGIONS,
            "regions",
            json!({ "effect": effect, "allowedRegions": allowed }),
        );
        set.message(
            "accountRegions",
            format!(
                "AI accounts must be created in an allowed region: {}. {owner} sets the list in \
                 `regions`.",
                shorten_list(&regions)
            ),
        );
    }

    for (cap, provisioned) in [(policy.max_capacity, false), (policy.max_provisioned, true)] {
        let Some(cap) = cap else { continue };
        let (reference_id, parameter, unit, legacy) = if provisioned {
            (
                "provisionedCapacity",
                "maxProvisionedCapacity",
                "PTUs",
                "Manual",
            )
        } else {
            (
                "deploymentCapacity",
                "maxCapacity",
                "capacity units",
                "Standard",
            )
        };
        let skus: Vec<&str> = DeploymentType::ALL
            .iter()
            .filter(|kind| kind.is_provisioned() == provisioned)
            .map(|kind| names::sku(*kind))
            .collect();
        let max = set.parameter(
            parameter,
            json!({
                "type": "Integer",
                "metadata": {
                    "displayName": if provisioned { "Maximum provisioned capacity" } else { "Maximum capacity" },
                    "description": if provisioned {
                        "The largest capacity (PTUs) a provisioned deployment may request."
                    } else {
                        "The largest capacity (units of 1,000 tokens per minute) a pay-per-token deployment may request."
                    }
                }
            }),
            json!(cap),
        );
        set.custom(
            reference_id,
            rules::name::DEPLOYMENT_CAPACITY,
            "capacity",
            json!({
                "effect": effect,
                "skuNames": literal(json!(skus)),
                "legacyScaleType": literal(json!(legacy)),
                "maxCapacity": max
            }),
        );
        set.message(
            reference_id,
            format!(
                "A {} deployment may request at most {cap} {unit} under {owner}. Lower the \
                 deployment's capacity, or split the load over several deployments.",
                if provisioned {
                    "provisioned"
                } else {
                    "pay-per-token"
                }
            ),
        );
    }

    if let Some(types) = &policy.allowed_deployment_types {
        let skus: Vec<&str> = types.iter().map(|kind| names::sku(*kind)).collect();
        let allowed = set.parameter(
            "allowedDeploymentTypes",
            json!({
                "type": "Array",
                "metadata": {
                    "displayName": "Allowed deployment types",
                    "description": "SKU names deployments may use."
                }
            }),
            json!(skus),
        );
        set.custom(
            "deploymentTypes",
            rules::name::DEPLOYMENT_TYPES,
            "models",
            json!({ "effect": effect, "allowedSkus": allowed }),
        );
        set.message(
            "deploymentTypes",
            format!(
                "Deployments must use one of these deployment types under {owner}: {}. Change \
                 the deployment's SKU, or the policy's `deployment_types`.",
                shorten_list(&skus.iter().map(|s| s.to_string()).collect::<Vec<_>>())
            ),
        );
    }

    if policy.local_auth == Some(Toggle::Disabled) {
        // Built-in 71ef260a is exactly this rule in a Resource Manager mode, with effect
        // Audit/Deny/Disabled (docs/azure-policy.md, "Built-ins"). It also covers Azure AI Search
        // services' local authentication.
        set.builtin(
            "localAuthDisabled",
            builtin::DISABLE_LOCAL_AUTH,
            builtin::GA_VERSION,
            "security",
            true,
            json!({ "effect": effect }),
        );
        set.message(
            "localAuthDisabled",
            format!(
                "Key (local) authentication must be disabled on AI accounts under {owner}: set \
                 disableLocalAuth to true and use Microsoft Entra ID (managed identities) instead."
            ),
        );
    }

    if policy.public_network == Some(Toggle::Disabled) {
        set.custom(
            "publicNetworkDisabled",
            rules::name::PUBLIC_NETWORK_DISABLED,
            "security",
            json!({ "effect": effect }),
        );
        set.message(
            "publicNetworkDisabled",
            format!(
                "Public network access must be disabled on AI accounts under {owner}: set \
                 publicNetworkAccess to Disabled and connect through a private endpoint."
            ),
        );
    }

    if !policy.owner_tag.is_empty() {
        let tag = set.parameter(
            "ownerTagName",
            json!({
                "type": "String",
                "metadata": {
                    "displayName": "Ownership tag",
                    "description": "The tag key that records the workload owning an AI account."
                }
            }),
            json!(policy.owner_tag),
        );
        set.custom(
            "ownerTag",
            rules::name::OWNER_TAG,
            "ownership",
            json!({ "effect": effect, "tagName": tag }),
        );
        set.message(
            "ownerTag",
            format!(
                "AI accounts and deployments must carry the tag `{}` naming the Charter workload \
                 that owns them ({owner}); endpoint-sharing checks rely on it.",
                policy.owner_tag
            ),
        );
    }

    crate::classification::rules(&mut set, &effect, policy, &owner);
    crate::machine_learning::rules(&mut set, &effect, policy, &owner);
    // A `monitoring` block covering a workload of this policy: audit accounts without a
    // diagnostic setting with Azure's built-in 1b4d1c4e (effect AuditIfNotExists or Disabled
    // only; docs/azure-policy.md, "Built-ins").
    let monitored = project.workloads.iter().any(|workload| {
        workload.policy == policy.name
            && project
                .monitoring
                .iter()
                .any(|m| m.workloads.contains(&workload.name))
    });
    if monitored {
        let value = if policy.effect == Effect::Disabled {
            "Disabled"
        } else {
            "AuditIfNotExists"
        };
        set.builtin(
            "diagnosticLogs",
            builtin::DIAGNOSTIC_LOGS,
            builtin::GA_VERSION,
            "monitoring",
            true,
            json!({ "effect": literal(json!(value)) }),
        );
        set.message(
            "diagnosticLogs",
            format!(
                "AI accounts under {owner} must send their logs to a Log Analytics workspace \
                 through a diagnostic setting; Charter creates one for every account of a \
                 monitored workload."
            ),
        );
    }

    finish(project, policy, set)
}

/// The custom rules that keep every RAI policy at least as strict as the baseline, category by
/// category and side by side, and their data-plane built-in twins.
fn content_filter_baseline(
    set: &mut SetBuilder,
    effect: &Value,
    data_plane: &mut impl FnMut(&mut SetBuilder) -> Value,
    minimum: &Filter,
    owner: &str,
) {
    for category in Category::ALL {
        let mut harm_sides: Vec<(Side, Value)> = Vec::new();
        for side in Side::ALL {
            if !category.applies_to(side) {
                continue;
            }
            let Some(level) = minimum.level(side, category) else {
                continue;
            };
            let azure_name = names::category(category);
            let side_name = names::source(side);
            let reference_id = format!("rai{}{}", camel(category.charter_name()), side_name);
            match level {
                Level::Severity(Threshold::Off) | Level::Shield(ShieldMode::Off) => {}
                Level::Severity(threshold) if category.is_harm() => {
                    let parameter = format!(
                        "{}{}Severities",
                        lower_camel(category.charter_name()),
                        side_name
                    );
                    let allowed = names::severities_at_least(threshold);
                    let severities = set.parameter(
                        &parameter,
                        json!({
                            "type": "Array",
                            "metadata": {
                                "displayName": format!("{azure_name} thresholds ({side_name})"),
                                "description": format!("Severity thresholds at least as strict as the baseline for {azure_name} on the {side_name} side.")
                            },
                            "allowedValues": names::SEVERITIES
                        }),
                        json!(allowed),
                    );
                    set.custom(
                        &reference_id,
                        rules::name::RAI_HARM_THRESHOLD,
                        "content-filters",
                        json!({
                            "effect": effect,
                            "filterName": literal(json!(azure_name)),
                            "source": literal(json!(side_name)),
                            "allowedSeverities": severities
                        }),
                    );
                    set.message(
                        &reference_id,
                        format!(
                            "Content filters (RAI policies) must block {azure_name} on the \
                             {side_name} side with severity threshold {}: update the filter \
                             ({owner}, baseline `{}`).",
                            allowed.join(" or "),
                            minimum.name
                        ),
                    );
                    harm_sides.push((side, severities));
                }
                Level::Shield(mode)
                    if !category.is_harm()
                        && (side.agents_only()
                            || !matches!(mode, ShieldMode::Block | ShieldMode::Annotate)) =>
                {
                    // An agent's side, or an action beyond block and annotate: the rule reads
                    // `action`, which only API 2025-12-01 and later have; the data-plane
                    // built-ins do not see these (docs/azure-policy.md, "Agent guardrails").
                    let allowed: Vec<&str> = ShieldMode::ALL
                        .into_iter()
                        .filter(|other| {
                            *other != ShieldMode::Off && other.strictness() >= mode.strictness()
                        })
                        .map(names::action)
                        .collect();
                    set.custom(
                        &reference_id,
                        rules::name::RAI_SHIELD_ACTION,
                        "content-filters",
                        json!({
                            "effect": effect,
                            "filterName": literal(json!(azure_name)),
                            "source": literal(json!(side_name)),
                            "allowedActions": literal(json!(allowed))
                        }),
                    );
                    set.message(
                        &reference_id,
                        format!(
                            "Content filters (RAI policies) must turn on {azure_name} on the \
                             {side_name} side with action {}: update the filter ({owner}, \
                             baseline `{}`).",
                            join_or(&allowed),
                            minimum.name
                        ),
                    );
                }
                Level::Shield(mode) if !category.is_harm() => {
                    let block = mode == ShieldMode::Block;
                    set.custom(
                        &reference_id,
                        rules::name::RAI_SHIELD,
                        "content-filters",
                        json!({
                            "effect": effect,
                            "filterName": literal(json!(azure_name)),
                            "source": literal(json!(side_name)),
                            "requireBlocking": literal(json!(block))
                        }),
                    );
                    set.message(
                        &reference_id,
                        format!(
                            "Content filters (RAI policies) must turn on {azure_name} on the \
                             {side_name} side{}: update the filter ({owner}, baseline `{}`).",
                            if block {
                                " and block what it detects"
                            } else {
                                ""
                            },
                            minimum.name
                        ),
                    );
                    let data_effect = data_plane(set);
                    let allowed_blocking = if block {
                        json!(["true"])
                    } else {
                        json!(["true", "false"])
                    };
                    let (id, enabled_key, blocking_key) = match side {
                        Side::Prompt => (
                            builtin::PROMPT_CONTROL,
                            "allowedEnabledForPrompt",
                            "allowedBlockingForPrompt",
                        ),
                        Side::Completion => (
                            builtin::COMPLETION_CONTROL,
                            "allowedEnabledForCompletion",
                            "allowedBlockingForCompletion",
                        ),
                        // The data-plane built-ins know the prompt and the completion only.
                        _ => continue,
                    };
                    let mut parameters = Map::new();
                    parameters.insert("effect".to_owned(), data_effect);
                    parameters.insert("filterName".to_owned(), literal(json!(azure_name)));
                    parameters.insert(enabled_key.to_owned(), literal(json!(["true"])));
                    parameters.insert(blocking_key.to_owned(), literal(allowed_blocking));
                    set.builtin(
                        &format!("dataPlane{}", camel(category.charter_name())),
                        id,
                        builtin::PREVIEW_VERSION,
                        "data-plane",
                        false,
                        Value::Object(parameters),
                    );
                }
                // A level of the other kind cannot come out of the checker; nothing to enforce.
                Level::Severity(_) | Level::Shield(_) => {}
            }
        }
        harm_sides.retain(|(side, _)| matches!(side, Side::Prompt | Side::Completion));
        if !harm_sides.is_empty() {
            // Built-in 930f48f9 checks both sides at once; a side the baseline leaves off
            // accepts every threshold, enabled or not (docs/azure-policy.md, "Built-ins").
            let data_effect = data_plane(set);
            let mut parameters = Map::new();
            parameters.insert("effect".to_owned(), data_effect);
            parameters.insert(
                "filterName".to_owned(),
                literal(json!(names::category(category))),
            );
            for side in [Side::Prompt, Side::Completion] {
                let side_name = names::source(side);
                let required = harm_sides.iter().find(|(s, _)| *s == side);
                let (severities, flags) = match required {
                    Some((_, severities)) => (severities.clone(), json!(["true"])),
                    None => (literal(json!(names::SEVERITIES)), json!(["true", "false"])),
                };
                parameters.insert(format!("allowedSeveritiesFor{side_name}"), severities);
                parameters.insert(
                    format!("allowedEnabledFor{side_name}"),
                    literal(flags.clone()),
                );
                parameters.insert(format!("allowedBlockingFor{side_name}"), literal(flags));
            }
            set.builtin(
                &format!("dataPlane{}", camel(category.charter_name())),
                builtin::SEVERITY_CONTROL,
                builtin::PREVIEW_VERSION,
                "data-plane",
                false,
                Value::Object(parameters),
            );
        }
    }
}

/// Turns the builder into the initiative, its assignments and exemptions.
fn finish(project: &Project, policy: &Policy, set: SetBuilder) -> CompiledPolicy {
    let location = location(policy);
    let slug = names::slug(&policy.name);
    let set_name = names::fit(&format!("charter-{slug}"), names::MAX_NAME);
    let used_groups: Vec<&str> = GROUPS
        .iter()
        .map(|(name, _, _)| *name)
        .filter(|name| {
            set.references
                .iter()
                .any(|r| r.group_names.iter().any(|g| g == name))
        })
        .collect();
    let groups: Vec<Value> = GROUPS
        .iter()
        .filter(|(name, _, _)| used_groups.contains(name))
        .map(|(name, display, description)| {
            json!({ "name": name, "displayName": display, "description": description })
        })
        .collect();
    let display_name = if policy.display_name.is_empty() {
        policy.name.clone()
    } else {
        policy.display_name.clone()
    };
    let description = if policy.description.is_empty() {
        format!("Compiled by Charter from policy `{}`.", policy.name)
    } else {
        policy.description.clone()
    };
    let resource_manager_refs: Vec<String> = set
        .references
        .iter()
        .filter(|r| r.resource_manager_mode)
        .map(|r| r.reference_id.clone())
        .collect();

    // One message per Resource Manager member, and no assignment-wide message: that one would
    // also apply to the data-plane built-ins, whose mode does not support custom messages
    // (docs/azure-policy.md, "Modes").
    let messages: Vec<Value> = set
        .messages
        .iter()
        .map(|(reference_id, message)| {
            json!({ "message": message, "policyDefinitionReferenceId": reference_id })
        })
        .collect();

    let assignments: Vec<Assignment> = policy
        .scopes
        .iter()
        .map(|scope| {
            let max = match scope {
                Scope::ManagementGroup(_) => names::MAX_MANAGEMENT_GROUP_ASSIGNMENT_NAME,
                _ => names::MAX_NAME,
            };
            // A policy with one scope (the usual case) keeps the readable policy name; with
            // several, each assignment is told apart by a hash of its scope.
            let base = if policy.scopes.len() == 1 {
                slug.clone()
            } else {
                format!(
                    "{slug}-{}",
                    &names::short_hash(&scope_label(project, scope))[..6]
                )
            };
            let name = names::fit(&base, max);
            Assignment {
                name,
                display_name: truncate(&display_name, 128),
                description: truncate(
                    format!(
                        "Assigns Charter policy `{}` at {}. {}",
                        policy.name,
                        scope_label(project, scope),
                        policy.description
                    )
                    .trim_end(),
                    512,
                ),
                set: set_name.clone(),
                scope: scope.clone(),
                scope_id: scope_id(project, policy, scope),
                enforcement_mode: "Default".to_owned(),
                parameters: Value::Object(set.values.clone()),
                non_compliance_messages: Value::Array(messages.clone()),
                metadata: json!({ "generatedBy": "charter", "charterPolicy": policy.name }),
            }
        })
        .collect();

    let mut exemption_names: Vec<String> = Vec::new();
    let mut exemptions: Vec<Exemption> = Vec::new();
    for exemption in &policy.exemptions {
        let exempted_scope_id = scope_id(project, policy, &exemption.scope);
        let base = names::fit(
            &format!(
                "{slug}-exempt-{}",
                names::slug(&scope_name(project, &exemption.scope))
            ),
            names::MAX_NAME,
        );
        // The checker resolved which assignment the exemption exempts (the exempted scope
        // itself, or its `under` scope): Charter does not know the management-group hierarchy,
        // so it never guesses which assignment is in force at a scope.
        // INVARIANT: `assignment_scope` is one of the policy's scopes, so this finds one.
        // `only [RULES]`: the members those policy fields make.
        let reference_ids: Vec<String> = resource_manager_refs
            .iter()
            .filter(|id| {
                exemption.rules.is_empty()
                    || crate::policy_field(id).is_some_and(|field| {
                        exemption
                            .rules
                            .iter()
                            .any(|rule| rule.charter_name() == field)
                    })
            })
            .cloned()
            .collect();
        // Rules that make no member an exemption can cover exempt nothing: an empty list
        // would mean "every member" to Azure, so no exemption is written at all.
        if !exemption.rules.is_empty() && reference_ids.is_empty() {
            continue;
        }
        if let Some(assignment) = assignments
            .iter()
            .find(|a| a.scope == exemption.assignment_scope)
        {
            let mut name = base.clone();
            let mut counter = 2;
            while exemption_names.contains(&name) {
                name = names::fit(&format!("{base}-{counter}"), names::MAX_NAME);
                counter += 1;
            }
            exemption_names.push(name.clone());
            exemptions.push(Exemption {
                name,
                display_name: truncate(
                    &format!(
                        "{display_name}: exemption for {}",
                        scope_label(project, &exemption.scope)
                    ),
                    128,
                ),
                description: truncate(&exemption.reason, 512),
                assignment: assignment.name.clone(),
                scope: exemption.scope.clone(),
                scope_id: exempted_scope_id.clone(),
                assignment_id: format!(
                    "{}/providers/Microsoft.Authorization/policyAssignments/{}",
                    assignment.scope_id, assignment.name
                ),
                reference_ids,
                category: names::exemption_category(exemption.category).to_owned(),
                expires_on: names::expires_on(exemption.expires),
                metadata: exemption_metadata(&policy.name, exemption),
            });
        }
    }

    CompiledPolicy {
        set: SetDefinition {
            name: set_name,
            display_name: truncate(&format!("Charter: {display_name}"), 128),
            description,
            metadata: json!({
                "version": rules::DEFINITION_VERSION,
                "category": rules::CATEGORY,
                "generatedBy": "charter",
                "charterPolicy": policy.name
            }),
            parameters: Value::Object(set.parameters),
            references: set.references,
            groups: Value::Array(groups),
            policy: policy.name.clone(),
            location,
        },
        assignments,
        exemptions,
    }
}

/// Where the policy's initiative and custom definitions live: the location the checker
/// resolved (`definitions_at:`, else the policy's only management group or subscription, else
/// the subscription of its resource groups). Never guessed from the scopes here: Azure assigns
/// an initiative only at or below where it is stored, and only the user knows the
/// management-group hierarchy.
fn location(policy: &Policy) -> Location {
    match &policy.definitions_scope {
        Some(Scope::ManagementGroup(name)) => Location::ManagementGroup(name.clone()),
        Some(Scope::Subscription(id)) => Location::Subscription(id.clone()),
        // The checker never resolves definitions to a resource group (E0203); `None` is a
        // policy assigned only at resource groups whose subscription the project does not name.
        Some(Scope::ResourceGroup(_) | Scope::Resource(_)) | None => {
            Location::Subscription(CURRENT_SUBSCRIPTION.to_owned())
        }
    }
}

fn workload_subscription(project: &Project, policy: &Policy, group: &str) -> Option<String> {
    project
        .workloads
        .iter()
        .filter(|w| w.resource_group == group)
        // Prefer the workloads this policy governs; any workload in the group will do.
        .max_by_key(|w| w.policy == policy.name)
        .and_then(|w| w.subscription.clone())
        // A resource group no workload names a subscription for: the hierarchy's.
        .or_else(|| {
            project
                .hierarchy
                .subscription_of_resource_group(group)
                .map(|s| s.id.clone())
        })
}

fn scope_id(project: &Project, policy: &Policy, scope: &Scope) -> String {
    match scope {
        Scope::ManagementGroup(name) => {
            format!("/providers/Microsoft.Management/managementGroups/{name}")
        }
        Scope::Subscription(id) => format!("/subscriptions/{}", names::subscription_segment(id)),
        Scope::ResourceGroup(group) => resource_group_id(project, policy, group, None),
        // One resource: in its resource group's subscription, found as for the group itself
        // unless the checker resolved it (hierarchy) or the source named it.
        Scope::Resource(resource) => format!(
            "{}/{}",
            resource_group_id(
                project,
                policy,
                &resource.resource_group,
                resource.subscription.as_deref()
            ),
            resource.provider_path()
        ),
    }
}

/// The ARM id of a resource group: in `subscription` when known, else the subscription of a
/// workload in it, else the hierarchy's, else where the policy is stored.
fn resource_group_id(
    project: &Project,
    policy: &Policy,
    group: &str,
    subscription: Option<&str>,
) -> String {
    let subscription = subscription
        .map(str::to_owned)
        .or_else(|| workload_subscription(project, policy, group))
        .unwrap_or_else(|| match location(policy) {
            Location::Subscription(id) => id,
            Location::ManagementGroup(_) => CURRENT_SUBSCRIPTION.to_owned(),
        });
    format!(
        "/subscriptions/{}/resourceGroups/{group}",
        names::subscription_segment(&subscription)
    )
}

/// The name a scope is written with; a subscription the hierarchy resolved to its id by the
/// name the project uses for it, so that names and labels read the same either way.
fn scope_name(project: &Project, scope: &Scope) -> String {
    match scope {
        Scope::Subscription(id) => project
            .hierarchy
            .subscription(id)
            .map_or_else(|| id.clone(), |s| s.name.clone()),
        Scope::ManagementGroup(name) | Scope::ResourceGroup(name) => name.clone(),
        Scope::Resource(resource) => resource.name.clone(),
    }
}

fn scope_label(project: &Project, scope: &Scope) -> String {
    let name = scope_name(project, scope);
    match scope {
        Scope::ManagementGroup(_) => format!("management group {name}"),
        Scope::Subscription(_) => format!("subscription {name}"),
        Scope::ResourceGroup(_) => format!("resource group {name}"),
        Scope::Resource(resource) => {
            format!("{name} in resource group {}", resource.resource_group)
        }
    }
}

/// `self_harm` → `SelfHarm`.
fn camel(name: &str) -> String {
    name.split('_')
        .map(|part| {
            let mut chars = part.chars();
            match chars.next() {
                Some(first) => first.to_ascii_uppercase().to_string() + chars.as_str(),
                None => String::new(),
            }
        })
        .collect()
}

/// `self_harm` → `selfHarm`.
fn lower_camel(name: &str) -> String {
    let upper = camel(name);
    let mut chars = upper.chars();
    match chars.next() {
        Some(first) => first.to_ascii_lowercase().to_string() + chars.as_str(),
        None => String::new(),
    }
}

/// A list for a message, cut after ten items so messages stay short.
fn shorten_list(items: &[String]) -> String {
    const SHOWN: usize = 10;
    if items.len() <= SHOWN {
        items.join(", ")
    } else {
        format!(
            "{}, and {} more",
            items[..SHOWN].join(", "),
            items.len() - SHOWN
        )
    }
}

/// At most `max` characters (Azure's display-name and description limits).
fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_owned()
    } else {
        let mut cut: String = text.chars().take(max.saturating_sub(1)).collect();
        cut.push('…');
        cut
    }
}

/// An exemption's metadata: who made it, and the owner and ticket its source names.
fn exemption_metadata(policy: &str, exemption: &charter_ir::Exemption) -> Value {
    let mut metadata = json!({ "generatedBy": "charter", "charterPolicy": policy });
    if let Value::Object(map) = &mut metadata {
        if let Some(owner) = &exemption.owner {
            map.insert("owner".into(), Value::String(owner.clone()));
        }
        if let Some(ticket) = &exemption.ticket {
            map.insert("ticket".into(), Value::String(ticket.clone()));
        }
    }
    metadata
}

/// The registry asset ids of the allowed models (a prefix when every version is allowed), as the
/// data-plane built-ins of Cognitive Services and Machine Learning match them. `None` unless
/// every allowed model is a catalog Azure OpenAI model: their asset ids are the only documented
/// ones, and fine-tuned models have none.
pub(crate) fn openai_registry_asset_ids(
    models: &[charter_ir::AllowedModel],
) -> Option<Vec<String>> {
    if models.is_empty() || !models.iter().all(|m| m.format == "OpenAI" && !m.fine_tuned) {
        return None;
    }
    let ids = models
        .iter()
        .flat_map(|m| {
            let base = format!(
                "azureml://registries/azure-openai/models/{}/versions/",
                m.name
            );
            if m.versions.is_empty() {
                vec![base]
            } else {
                m.versions.iter().map(|v| format!("{base}{v}")).collect()
            }
        })
        .collect();
    Some(ids)
}

/// `a`, `a or b`, `a, b or c`.
fn join_or(words: &[&str]) -> String {
    match words {
        [] => String::new(),
        [only] => (*only).to_string(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charter_names_become_parameter_names() {
        assert_eq!(camel("self_harm"), "SelfHarm");
        assert_eq!(
            lower_camel("protected_material_text"),
            "protectedMaterialText"
        );
        assert_eq!(camel(""), "");
    }

    #[test]
    fn long_lists_and_texts_are_cut() {
        let items: Vec<String> = (1..=12).map(|i| format!("m{i}")).collect();
        assert_eq!(
            shorten_list(&items),
            "m1, m2, m3, m4, m5, m6, m7, m8, m9, m10, and 2 more"
        );
        assert_eq!(truncate("abcdef", 4), "abc…");
        assert_eq!(truncate("abc", 4), "abc");
    }
}

//! The custom policy definitions Charter emits, and the built-ins it references.
//!
//! Definitions are generic: none mentions a Charter policy, and every value a policy chooses
//! (models, regions, thresholds, the effect) is a parameter, the way Azure's built-ins are
//! written. The initiative of each Charter policy passes its values. docs/azure-policy.md lists
//! every alias a rule reads with its public source (the alias tables Azure publishes through
//! `Get-AzPolicyAlias`, and the built-ins in the Azure/azure-policy repository).

use charter_ir::{Category, ShieldMode, Side};
use serde_json::{json, Map, Value};

use crate::Definition;

/// The version written into every custom definition's metadata. Bump it when a rule changes.
pub const DEFINITION_VERSION: &str = "2.1.0";

/// The metadata category of every custom definition (the built-ins' category for these types).
pub const CATEGORY: &str = "Cognitive Services";

const DEPLOYMENTS: &str = "Microsoft.CognitiveServices/accounts/deployments";
const RAI_POLICIES: &str = "Microsoft.CognitiveServices/accounts/raiPolicies";
const ACCOUNTS: &str = "Microsoft.CognitiveServices/accounts";

/// Names of the custom definitions.
pub mod name {
    /// Deployments may only use approved model versions.
    pub const ALLOWED_MODELS: &str = "charter-allowed-models";
    /// Deployments must name an approved RAI policy.
    pub const APPROVED_CONTENT_FILTER: &str = "charter-approved-content-filter";
    /// RAI policies must block a harm category at a baseline severity on one side.
    pub const RAI_HARM_THRESHOLD: &str = "charter-rai-harm-threshold";
    /// RAI policies must enable (and possibly block with) a shield on one side.
    pub const RAI_SHIELD: &str = "charter-rai-shield";
    /// RAI policies must enable a shield on one side with one of the allowed actions.
    pub const RAI_SHIELD_ACTION: &str = "charter-rai-shield-action";
    /// RAI policies must call an external safety provider on one side, blocking.
    pub const RAI_SAFETY_PROVIDER: &str = "charter-rai-safety-provider";
    /// RAI policies must use a custom blocklist, blocking.
    pub const RAI_BLOCKLIST: &str = "charter-rai-blocklist";
    /// AI accounts only in allowed regions.
    pub const ACCOUNT_REGIONS: &str = "charter-allowed-account-regions";
    /// Deployment capacity cap.
    pub const DEPLOYMENT_CAPACITY: &str = "charter-deployment-capacity-cap";
    /// Public network access disabled on AI accounts.
    pub const PUBLIC_NETWORK_DISABLED: &str = "charter-public-network-disabled";
    /// The ownership tag on AI accounts and deployments.
    pub const OWNER_TAG: &str = "charter-owner-tag";
    /// RAI policies filter in an allowed streaming mode.
    pub const RAI_MODE: &str = "charter-rai-mode";
    /// Deployments of pinned model versions are never upgraded automatically.
    pub const VERSION_UPGRADE: &str = "charter-no-auto-upgrade";
    /// Deployments use an allowed deployment type (SKU).
    pub const DEPLOYMENT_TYPES: &str = "charter-allowed-deployment-types";
    /// AI accounts tagged with a classification that requires private network disable public
    /// network access.
    pub const CLASSIFIED_PRIVATE_NETWORK: &str = "charter-classified-private-network";
    /// Deployments tagged with a classification that forbids global processing use no global
    /// deployment type.
    pub const CLASSIFIED_NO_GLOBAL: &str = "charter-classified-no-global-deployments";
    /// Deployments tagged with a classification level use a content filter approved for it.
    pub const CLASSIFIED_CONTENT_FILTER: &str = "charter-classified-content-filter";
    /// Machine Learning serverless endpoints and online deployments serve approved models.
    pub const ML_ALLOWED_MODELS: &str = "charter-ml-allowed-models";
    /// Machine Learning endpoints only in allowed regions.
    pub const ML_ALLOWED_REGIONS: &str = "charter-ml-allowed-regions";
    /// Machine Learning serverless endpoints keep content safety on.
    pub const ML_CONTENT_SAFETY: &str = "charter-ml-content-safety";
}

/// The RAI policies Azure manages in every account: not the customer's to change, so the filter
/// rules leave them alone (deployments that use them are still refused by the approved-filter
/// rule).
pub const SYSTEM_RAI_POLICIES: [&str; 2] = ["Microsoft.Default", "Microsoft.DefaultV2"];

/// The `source` parameter of the content-filter rules: every side of the table
/// `ir/data/controls.tsv` (docs/azure-policy.md, "Agent guardrails").
fn source_parameter() -> Value {
    let sources: Vec<&str> = Side::ALL.into_iter().map(Side::azure_source).collect();
    json!({
        "type": "String",
        "metadata": {
            "displayName": "Side",
            "description": "The intervention point: Prompt (the user's input), Completion (the \
                            model's output), PreToolCall and PostToolCall (an agent's tool calls \
                            and their results), PreRun and PostRun (an agent's run)."
        },
        "allowedValues": sources
    })
}

/// The Azure names of the harm categories (`harm`) or of the shields, from the table.
fn control_names(harm: bool) -> Vec<&'static str> {
    Category::ALL
        .into_iter()
        .filter(|category| category.is_harm() == harm)
        .map(Category::azure_name)
        .collect()
}

/// `name notIn` the system-managed RAI policies.
fn not_system_rai_policy() -> Value {
    json!({ "field": "name", "notIn": SYSTEM_RAI_POLICIES })
}

/// Built-in definitions Charter references by id (from Azure's `built-in-policies` at release
/// 3.2026.0417.1; the evaluator bundles them, except `COMPLETION_CONTROL`).
pub mod builtin {
    /// "Azure AI Services resources should have key access disabled (disable local
    /// authentication)", mode `Indexed`, effect Audit/Deny/Disabled
    /// (`Azure Ai Services/DisableLocalAuth_Audit.json`; docs/azure-policy.md, "Built-ins").
    pub const DISABLE_LOCAL_AUTH: &str =
        "/providers/Microsoft.Authorization/policyDefinitions/71ef260a-8f18-47b7-abcb-62d0673d94dc";
    /// "Cognitive Services Deployments should only use approved Registry Models", data plane,
    /// effect Audit/Deny/Disabled (builtins/CognitiveServices__AllowDeployRegistryModels_Audit.json).
    pub const REGISTRY_MODELS: &str =
        "/providers/Microsoft.Authorization/policyDefinitions/aafe3651-cb78-4f68-9f81-e7e41509110f";
    /// "\[Preview\]: Cognitive Services Deployments should only use allowed control" (harm
    /// severities), data plane, Audit/Disabled
    /// (builtins/CognitiveServices__AllowDeploymentMultiSeverityControl_Audit.json).
    pub const SEVERITY_CONTROL: &str =
        "/providers/Microsoft.Authorization/policyDefinitions/930f48f9-f07e-427c-9494-52603581c6a9";
    /// "\[Preview\]: … allowed prompt content filtering" (prompt shields), data plane,
    /// Audit/Disabled (builtins/CognitiveServices__AllowDeploymentPromptControl_Audit.json).
    pub const PROMPT_CONTROL: &str =
        "/providers/Microsoft.Authorization/policyDefinitions/f3a9c2e0-7b4d-4d8f-9c3a-2e1f6b9a8d4e";
    /// "\[Preview\]: … allowed completion content filtering" (completion shields), data plane,
    /// Audit/Disabled. Not saved; its parameters (`effect`, `filterName`,
    /// `allowedEnabledForCompletion`, `allowedBlockingForCompletion`) are read from the built-in
    /// initiative 5207647b (builtins/CognitiveServices__policySet__AllowDeploymentControl_Audit.json).
    pub const COMPLETION_CONTROL: &str =
        "/providers/Microsoft.Authorization/policyDefinitions/af253d37-136a-42f8-a1fc-30010c083d41";
    /// "\[Preview\]: Azure Machine Learning Deployments should only use approved Registry
    /// Models", data plane (mode `Microsoft.MachineLearningServices.v2.Data`), effect
    /// Audit/Deny/Disabled, parameters `effect`, `allowedPublishers`, `allowedAssetIds`
    /// (`Machine Learning/AllowDeployRegistryModels_Audit.json`; docs/azure-policy.md,
    /// "Models outside Cognitive Services"). Not bundled with the evaluator.
    pub const ML_REGISTRY_MODELS: &str =
        "/providers/Microsoft.Authorization/policyDefinitions/12e5dd16-d201-47ff-849b-8454061c293d";
    /// "Diagnostic logs in Azure AI services resources should be enabled", mode `Indexed`,
    /// effect AuditIfNotExists/Disabled: an account without a diagnostic setting that sends
    /// logs (`Azure Ai Services/DiagnosticLogs_Audit.json`; docs/azure-policy.md, "Built-ins").
    pub const DIAGNOSTIC_LOGS: &str =
        "/providers/Microsoft.Authorization/policyDefinitions/1b4d1c4e-934c-4703-944c-27c82c06bebb";
    /// The version range the initiative pins for the generally available built-in.
    pub const GA_VERSION: &str = "1.*.*";
    /// The version range of the preview data-plane built-ins (as initiative 5207647b pins them).
    pub const PREVIEW_VERSION: &str = "1.*.*-preview";
}

/// The effect parameter every definition declares, as the built-ins write it.
pub fn effect_parameter(allowed: &[&str], default: &str) -> Value {
    json!({
        "type": "String",
        "metadata": {
            "displayName": "Effect",
            "description": "Enable or disable the execution of the policy, or only audit it."
        },
        "allowedValues": allowed,
        "defaultValue": default
    })
}

pub(crate) fn definition(
    name: &str,
    display_name: &str,
    description: &str,
    mode: &str,
    parameters: Value,
    condition: Value,
) -> Definition {
    Definition {
        name: name.to_owned(),
        display_name: display_name.to_owned(),
        description: description.to_owned(),
        mode: mode.to_owned(),
        metadata: json!({
            "version": DEFINITION_VERSION,
            "category": CATEGORY,
            "generatedBy": "charter"
        }),
        parameters,
        policy_rule: json!({
            "if": condition,
            "then": { "effect": "[parameters('effect')]" }
        }),
    }
}

/// `parameters` with the effect parameter first, as the built-ins list it.
pub(crate) fn with_effect(parameters: Value) -> Value {
    let mut map = Map::new();
    map.insert(
        "effect".to_owned(),
        effect_parameter(&["Audit", "Deny", "Disabled"], "Audit"),
    );
    if let Value::Object(rest) = parameters {
        map.extend(rest);
    }
    Value::Object(map)
}

/// Deployments may only use approved `name,version` pairs, or a name allowed in any version.
pub fn allowed_models() -> Definition {
    // Aliases `…/deployments/model.name` and `…/deployments/model.version`; the
    // `concat(name, ',', version)` pattern is Microsoft's documented custom policy sample
    // (docs/azure-policy.md, "Aliases and fields").
    definition(
        name::ALLOWED_MODELS,
        "AI model deployments may only use approved models and versions",
        "Model deployments (Microsoft.CognitiveServices/accounts/deployments) must use a model \
         whose '<name>,<version>' pair is in the approved list, or whose name is approved in \
         every version.",
        "All",
        with_effect(json!({
            "allowedModelVersions": {
                "type": "Array",
                "metadata": {
                    "displayName": "Approved model versions",
                    "description": "Approved '<model name>,<model version>' pairs, for example 'gpt-4.1,2025-04-14'."
                },
                "defaultValue": []
            },
            "allowedModelNames": {
                "type": "Array",
                "metadata": {
                    "displayName": "Models approved in every version",
                    "description": "Model names whose every version is approved, for example 'text-embedding-3-large'."
                },
                "defaultValue": []
            }
        })),
        json!({
            "allOf": [
                { "field": "type", "equals": DEPLOYMENTS },
                {
                    "not": {
                        "value": "[concat(field('Microsoft.CognitiveServices/accounts/deployments/model.name'), ',', field('Microsoft.CognitiveServices/accounts/deployments/model.version'))]",
                        "in": "[parameters('allowedModelVersions')]"
                    }
                },
                {
                    "field": "Microsoft.CognitiveServices/accounts/deployments/model.name",
                    "notIn": "[parameters('allowedModelNames')]"
                }
            ]
        }),
    )
}

/// Deployments must name one of the approved RAI policies (content filters).
pub fn approved_content_filter() -> Definition {
    // Alias `…/deployments/raiPolicyName` (docs/azure-policy.md, "Aliases and fields").
    definition(
        name::APPROVED_CONTENT_FILTER,
        "AI model deployments must use an approved content filter",
        "Model deployments must set raiPolicyName to one of the approved content filters (RAI \
         policies); a deployment without one uses Microsoft's default filter and is not compliant.",
        "All",
        with_effect(json!({
            "approvedContentFilters": {
                "type": "Array",
                "metadata": {
                    "displayName": "Approved content filters",
                    "description": "Names of the RAI policies deployments may use."
                }
            }
        })),
        json!({
            "allOf": [
                { "field": "type", "equals": DEPLOYMENTS },
                {
                    "anyOf": [
                        {
                            "field": "Microsoft.CognitiveServices/accounts/deployments/raiPolicyName",
                            "exists": false
                        },
                        {
                            "field": "Microsoft.CognitiveServices/accounts/deployments/raiPolicyName",
                            "notIn": "[parameters('approvedContentFilters')]"
                        }
                    ]
                }
            ]
        }),
    )
}

/// An RAI policy must block one harm category on one side at one of the allowed thresholds.
pub fn rai_harm_threshold() -> Definition {
    // Aliases `…/raiPolicies/contentFilters[*]` and its `.name`, `.source`, `.enabled`,
    // `.blocking`, `.severityThreshold` (docs/azure-policy.md, "Aliases and fields"). The shape
    // mirrors the data-plane built-in 930f48f9, per side instead of both sides at once.
    definition(
        name::RAI_HARM_THRESHOLD,
        "Content filters must block a harm category at a baseline severity",
        "Content filters (Microsoft.CognitiveServices/accounts/raiPolicies) must have an enabled, \
         blocking entry for the category on the side, with a severity threshold at least as \
         strict as the baseline (Low blocks low, medium and high).",
        "All",
        with_effect(json!({
            "filterName": {
                "type": "String",
                "metadata": {
                    "displayName": "Harm category",
                    "description": "The content filter name as the RAI policy API spells it."
                },
                "allowedValues": control_names(true)
            },
            "source": source_parameter(),
            "allowedSeverities": {
                "type": "Array",
                "metadata": {
                    "displayName": "Allowed severity thresholds",
                    "description": "Thresholds at least as strict as the baseline."
                },
                "allowedValues": ["Low", "Medium", "High"],
                "defaultValue": ["Low", "Medium"]
            }
        })),
        json!({
            "allOf": [
                { "field": "type", "equals": RAI_POLICIES },
                not_system_rai_policy(),
                {
                    "count": {
                        "field": "Microsoft.CognitiveServices/accounts/raiPolicies/contentFilters[*]",
                        "where": {
                            "allOf": [
                                {
                                    "field": "Microsoft.CognitiveServices/accounts/raiPolicies/contentFilters[*].name",
                                    "equals": "[parameters('filterName')]"
                                },
                                {
                                    "field": "Microsoft.CognitiveServices/accounts/raiPolicies/contentFilters[*].source",
                                    "equals": "[parameters('source')]"
                                },
                                {
                                    "field": "Microsoft.CognitiveServices/accounts/raiPolicies/contentFilters[*].enabled",
                                    "equals": true
                                },
                                {
                                    "field": "Microsoft.CognitiveServices/accounts/raiPolicies/contentFilters[*].blocking",
                                    "equals": true
                                },
                                {
                                    "field": "Microsoft.CognitiveServices/accounts/raiPolicies/contentFilters[*].severityThreshold",
                                    "in": "[parameters('allowedSeverities')]"
                                }
                            ]
                        }
                    },
                    "equals": 0
                }
            ]
        }),
    )
}

/// An RAI policy must enable a shield on one side, and block with it when required.
pub fn rai_shield() -> Definition {
    // Aliases as in `rai_harm_threshold`; shield names and their fixed sides from
    // docs/azure-policy.md, "Content filter spellings".
    definition(
        name::RAI_SHIELD,
        "Content filters must enable a shield",
        "Content filters (Microsoft.CognitiveServices/accounts/raiPolicies) must have an enabled \
         entry for the shield on the side, and a blocking one when the baseline blocks.",
        "All",
        with_effect(json!({
            "filterName": {
                "type": "String",
                "metadata": {
                    "displayName": "Shield",
                    "description": "The content filter name as the RAI policy API spells it."
                },
                "allowedValues": control_names(false)
            },
            "source": source_parameter(),
            "requireBlocking": {
                "type": "Boolean",
                "metadata": {
                    "displayName": "Require blocking",
                    "description": "True when the shield must block; false when annotating is enough."
                },
                "allowedValues": [true, false],
                "defaultValue": true
            }
        })),
        json!({
            "allOf": [
                { "field": "type", "equals": RAI_POLICIES },
                not_system_rai_policy(),
                {
                    "count": {
                        "field": "Microsoft.CognitiveServices/accounts/raiPolicies/contentFilters[*]",
                        "where": {
                            "allOf": [
                                {
                                    "field": "Microsoft.CognitiveServices/accounts/raiPolicies/contentFilters[*].name",
                                    "equals": "[parameters('filterName')]"
                                },
                                {
                                    "field": "Microsoft.CognitiveServices/accounts/raiPolicies/contentFilters[*].source",
                                    "equals": "[parameters('source')]"
                                },
                                {
                                    "field": "Microsoft.CognitiveServices/accounts/raiPolicies/contentFilters[*].enabled",
                                    "equals": true
                                },
                                {
                                    "anyOf": [
                                        {
                                            "value": "[parameters('requireBlocking')]",
                                            "equals": false
                                        },
                                        {
                                            "field": "Microsoft.CognitiveServices/accounts/raiPolicies/contentFilters[*].blocking",
                                            "equals": true
                                        }
                                    ]
                                }
                            ]
                        }
                    },
                    "equals": 0
                }
            ]
        }),
    )
}

/// An RAI policy must enable a shield on one side with an action at least as strict as the
/// baseline's (agents' sides, human review, retry).
pub fn rai_shield_action() -> Definition {
    // Aliases `…/raiPolicies/contentFilters[*]`, `.name`, `.source`, `.enabled` and `.action`
    // (docs/azure-policy.md, "Agent guardrails").
    let actions: Vec<&str> = ShieldMode::ALL
        .into_iter()
        .map(ShieldMode::azure_action)
        .collect();
    definition(
        name::RAI_SHIELD_ACTION,
        "Content filters must enable a shield with an allowed action",
        "Content filters (Microsoft.CognitiveServices/accounts/raiPolicies) must have an enabled \
         entry for the shield on the side (an agent's tool call or tool response among them) \
         whose action is at least as strict as the baseline's.",
        "All",
        with_effect(json!({
            "filterName": {
                "type": "String",
                "metadata": {
                    "displayName": "Shield",
                    "description": "The content filter name as the RAI policy API spells it."
                },
                "allowedValues": control_names(false)
            },
            "source": source_parameter(),
            "allowedActions": {
                "type": "Array",
                "metadata": {
                    "displayName": "Allowed actions",
                    "description": "Actions at least as strict as the baseline's (BLOCKING is the strictest)."
                },
                "allowedValues": actions,
                "defaultValue": ["BLOCKING"]
            }
        })),
        json!({
            "allOf": [
                { "field": "type", "equals": RAI_POLICIES },
                not_system_rai_policy(),
                {
                    "count": {
                        "field": "Microsoft.CognitiveServices/accounts/raiPolicies/contentFilters[*]",
                        "where": {
                            "allOf": [
                                {
                                    "field": "Microsoft.CognitiveServices/accounts/raiPolicies/contentFilters[*].name",
                                    "equals": "[parameters('filterName')]"
                                },
                                {
                                    "field": "Microsoft.CognitiveServices/accounts/raiPolicies/contentFilters[*].source",
                                    "equals": "[parameters('source')]"
                                },
                                {
                                    "field": "Microsoft.CognitiveServices/accounts/raiPolicies/contentFilters[*].enabled",
                                    "equals": true
                                },
                                {
                                    "field": "Microsoft.CognitiveServices/accounts/raiPolicies/contentFilters[*].action",
                                    "in": "[parameters('allowedActions')]"
                                }
                            ]
                        }
                    },
                    "equals": 0
                }
            ]
        }),
    )
}

/// An RAI policy must call an external safety provider, blocking, on one side.
pub fn rai_safety_provider() -> Definition {
    // Aliases `…/raiPolicies/safetyProviders[*]`, `.safetyProviderName`, `.blocking`, `.source`
    // (docs/azure-policy.md, "Agent guardrails").
    definition(
        name::RAI_SAFETY_PROVIDER,
        "Content filters must call an external safety provider",
        "Content filters (Microsoft.CognitiveServices/accounts/raiPolicies) must list the \
         external safety provider in safetyProviders for the side, in blocking mode.",
        "All",
        with_effect(json!({
            "safetyProviderName": {
                "type": "String",
                "metadata": {
                    "displayName": "Safety provider",
                    "description": "The name of the external safety provider registered in the subscription (raiExternalSafetyProviders)."
                }
            },
            "source": source_parameter()
        })),
        json!({
            "allOf": [
                { "field": "type", "equals": RAI_POLICIES },
                not_system_rai_policy(),
                {
                    "count": {
                        "field": "Microsoft.CognitiveServices/accounts/raiPolicies/safetyProviders[*]",
                        "where": {
                            "allOf": [
                                {
                                    "field": "Microsoft.CognitiveServices/accounts/raiPolicies/safetyProviders[*].safetyProviderName",
                                    "equals": "[parameters('safetyProviderName')]"
                                },
                                {
                                    "field": "Microsoft.CognitiveServices/accounts/raiPolicies/safetyProviders[*].source",
                                    "equals": "[parameters('source')]"
                                },
                                {
                                    "field": "Microsoft.CognitiveServices/accounts/raiPolicies/safetyProviders[*].blocking",
                                    "equals": true
                                }
                            ]
                        }
                    },
                    "equals": 0
                }
            ]
        }),
    )
}

/// An RAI policy must apply a custom blocklist, blocking, on one side.
pub fn rai_blocklist() -> Definition {
    // Aliases `…/raiPolicies/customBlocklists[*]`, `.blocklistName`, `.blocking`, `.source`
    // (docs/azure-policy.md, "Aliases and fields").
    definition(
        name::RAI_BLOCKLIST,
        "Content filters must use a custom blocklist",
        "Content filters (Microsoft.CognitiveServices/accounts/raiPolicies) must list the custom \
         blocklist in customBlocklists for the side (Prompt or Completion), in blocking mode.",
        "All",
        with_effect(json!({
            "blocklistName": {
                "type": "String",
                "metadata": {
                    "displayName": "Blocklist",
                    "description": "The name of the custom blocklist (raiBlocklists resource)."
                }
            },
            "source": source_parameter()
        })),
        json!({
            "allOf": [
                { "field": "type", "equals": RAI_POLICIES },
                not_system_rai_policy(),
                {
                    "count": {
                        "field": "Microsoft.CognitiveServices/accounts/raiPolicies/customBlocklists[*]",
                        "where": {
                            "allOf": [
                                {
                                    "field": "Microsoft.CognitiveServices/accounts/raiPolicies/customBlocklists[*].blocklistName",
                                    "equals": "[parameters('blocklistName')]"
                                },
                                {
                                    "field": "Microsoft.CognitiveServices/accounts/raiPolicies/customBlocklists[*].source",
                                    "equals": "[parameters('source')]"
                                },
                                {
                                    "field": "Microsoft.CognitiveServices/accounts/raiPolicies/customBlocklists[*].blocking",
                                    "equals": true
                                }
                            ]
                        }
                    },
                    "equals": 0
                }
            ]
        }),
    )
}

/// An RAI policy must filter in an allowed streaming mode.
pub fn rai_mode() -> Definition {
    // Alias `…/raiPolicies/mode`; values `Default`, `Deferred`, `Blocking`,
    // `Asynchronous_filter`, of which `Deferred` is the older name of `Asynchronous_filter`
    // (docs/azure-policy.md, "Aliases and fields"). An absent mode is Azure's `Default`, so the rule names
    // the modes it refuses rather than those it accepts.
    definition(
        name::RAI_MODE,
        "Content filters must filter before streaming",
        "Content filters (Microsoft.CognitiveServices/accounts/raiPolicies) must not use a \
         disallowed mode; asynchronous filtering streams content before it is checked.",
        "All",
        with_effect(json!({
            "disallowedModes": {
                "type": "Array",
                "metadata": {
                    "displayName": "Disallowed modes",
                    "description": "RAI policy modes weaker than the baseline, for example 'Asynchronous_filter'."
                },
                "allowedValues": ["Default", "Deferred", "Blocking", "Asynchronous_filter"]
            }
        })),
        json!({
            "allOf": [
                { "field": "type", "equals": RAI_POLICIES },
                not_system_rai_policy(),
                {
                    "field": "Microsoft.CognitiveServices/accounts/raiPolicies/mode",
                    "in": "[parameters('disallowedModes')]"
                }
            ]
        }),
    )
}

/// Deployments of models whose versions are pinned must not be upgraded automatically.
pub fn version_upgrade() -> Definition {
    // Aliases `…/deployments/model.name` and `…/deployments/versionUpgradeOption`, whose values
    // are `OnceNewDefaultVersionAvailable`, `OnceCurrentVersionExpired` and `NoAutoUpgrade`
    // (docs/azure-policy.md, "Aliases and fields"). An absent option upgrades, so absence is non-compliant.
    definition(
        name::VERSION_UPGRADE,
        "AI model deployments of pinned versions must not upgrade automatically",
        "Model deployments of a model whose versions are pinned must set versionUpgradeOption to \
         NoAutoUpgrade; otherwise Azure moves them to a newer version without any request that a \
         deny could stop.",
        "All",
        with_effect(json!({
            "pinnedModelNames": {
                "type": "Array",
                "metadata": {
                    "displayName": "Pinned models",
                    "description": "Model names whose allowed versions are pinned."
                },
                "defaultValue": []
            }
        })),
        json!({
            "allOf": [
                { "field": "type", "equals": DEPLOYMENTS },
                {
                    "field": "Microsoft.CognitiveServices/accounts/deployments/model.name",
                    "in": "[parameters('pinnedModelNames')]"
                },
                {
                    "anyOf": [
                        {
                            "field": "Microsoft.CognitiveServices/accounts/deployments/versionUpgradeOption",
                            "exists": false
                        },
                        {
                            "field": "Microsoft.CognitiveServices/accounts/deployments/versionUpgradeOption",
                            "notEquals": "NoAutoUpgrade"
                        }
                    ]
                }
            ]
        }),
    )
}

/// Deployments may only use the allowed deployment types (SKU names).
pub fn deployment_types() -> Definition {
    // Alias `…/deployments/sku.name` (docs/azure-policy.md, "Aliases and fields"); the SKU names are the
    // deployment types' (docs/azure-policy.md, "Deployment types and capacity").
    definition(
        name::DEPLOYMENT_TYPES,
        "AI model deployments may only use allowed deployment types",
        "Model deployments must use one of the allowed deployment types (sku.name): global types \
         process requests in any Azure region, data-zone types within a data zone, regional \
         types in the deployment's own region.",
        "All",
        with_effect(json!({
            "allowedSkus": {
                "type": "Array",
                "metadata": {
                    "displayName": "Allowed deployment types",
                    "description": "SKU names, for example 'DataZoneStandard'."
                }
            }
        })),
        json!({
            "allOf": [
                { "field": "type", "equals": DEPLOYMENTS },
                {
                    "field": "Microsoft.CognitiveServices/accounts/deployments/sku.name",
                    "notIn": "[parameters('allowedSkus')]"
                }
            ]
        }),
    )
}

/// AI accounts only in the allowed regions.
pub fn account_regions() -> Definition {
    // `location` is a top-level field, not an alias; the condition is the one of built-in
    // e56962a6 "Allowed locations", narrowed to AI accounts (docs/azure-policy.md, "Aliases and
    // fields" and "Built-ins").
    definition(
        name::ACCOUNT_REGIONS,
        "AI accounts may only be created in allowed regions",
        "Azure AI services / Azure OpenAI accounts (Microsoft.CognitiveServices/accounts) must be \
         in one of the allowed regions.",
        "Indexed",
        with_effect(json!({
            "allowedRegions": {
                "type": "Array",
                "metadata": {
                    "displayName": "Allowed regions",
                    "description": "Azure location names, for example 'swedencentral'.",
                    "strongType": "location"
                }
            }
        })),
        json!({
            "allOf": [
                { "field": "type", "equals": ACCOUNTS },
                { "field": "location", "notIn": "[parameters('allowedRegions')]" }
            ]
        }),
    )
}

/// Deployments of some SKUs may not exceed a capacity: the policy applies it once for the
/// pay-per-token SKUs (units of 1,000 tokens per minute) and once for the provisioned ones
/// (PTUs), which are different units.
pub fn deployment_capacity() -> Definition {
    // Aliases `…/deployments/sku.name`, `…/deployments/sku.capacity`, and the older shape
    // `…/deployments/scaleSettings.scaleType` / `.capacity` (scale type `Standard` for
    // pay-per-token, `Manual` for provisioned) that deployments made with older API versions
    // carry instead of a SKU (docs/azure-policy.md, "Aliases and fields").
    definition(
        name::DEPLOYMENT_CAPACITY,
        "AI model deployments may not exceed a capacity",
        "Model deployments of the given deployment types (sku.name) must not request more \
         capacity (sku.capacity, or scaleSettings.capacity for deployments without a SKU) than \
         the cap: units of 1,000 tokens per minute for pay-per-token types, provisioned \
         throughput units (PTUs) for provisioned ones.",
        "All",
        with_effect(json!({
            "skuNames": {
                "type": "Array",
                "metadata": {
                    "displayName": "Deployment types",
                    "description": "The SKU names the cap applies to."
                }
            },
            "legacyScaleType": {
                "type": "String",
                "metadata": {
                    "displayName": "Legacy scale type",
                    "description": "The scaleSettings.scaleType of the same kind of deployment made without a SKU."
                },
                "allowedValues": ["Standard", "Manual"]
            },
            "maxCapacity": {
                "type": "Integer",
                "metadata": {
                    "displayName": "Maximum capacity",
                    "description": "The largest capacity a deployment may request."
                }
            }
        })),
        json!({
            "allOf": [
                { "field": "type", "equals": DEPLOYMENTS },
                {
                    "anyOf": [
                        {
                            "allOf": [
                                {
                                    "field": "Microsoft.CognitiveServices/accounts/deployments/sku.name",
                                    "in": "[parameters('skuNames')]"
                                },
                                {
                                    "field": "Microsoft.CognitiveServices/accounts/deployments/sku.capacity",
                                    "greater": "[parameters('maxCapacity')]"
                                }
                            ]
                        },
                        {
                            "allOf": [
                                {
                                    "field": "Microsoft.CognitiveServices/accounts/deployments/sku.name",
                                    "exists": false
                                },
                                {
                                    "field": "Microsoft.CognitiveServices/accounts/deployments/scaleSettings.scaleType",
                                    "equals": "[parameters('legacyScaleType')]"
                                },
                                {
                                    "field": "Microsoft.CognitiveServices/accounts/deployments/scaleSettings.capacity",
                                    "greater": "[parameters('maxCapacity')]"
                                }
                            ]
                        }
                    ]
                }
            ]
        }),
    )
}

/// AI accounts must disable public network access.
pub fn public_network_disabled() -> Definition {
    // Alias `…/accounts/publicNetworkAccess`, used by built-ins 037eea7a and 47ba1dd7
    // (docs/azure-policy.md, "Aliases and fields" and "Built-ins"). Those built-ins
    // are not referenced: 037eea7a also passes accounts whose network ACL denies by default
    // while public access stays enabled, and 47ba1dd7 is a Modify policy that needs an identity.
    definition(
        name::PUBLIC_NETWORK_DISABLED,
        "AI accounts must disable public network access",
        "Azure AI services / Azure OpenAI accounts must set publicNetworkAccess to Disabled and be \
         reached through private endpoints.",
        "Indexed",
        with_effect(json!({})),
        json!({
            "allOf": [
                { "field": "type", "equals": ACCOUNTS },
                {
                    "field": "Microsoft.CognitiveServices/accounts/publicNetworkAccess",
                    "notEquals": "Disabled"
                }
            ]
        }),
    )
}

/// AI accounts and model deployments must carry the ownership tag that endpoint-sharing rules
/// rely on.
pub fn owner_tag() -> Definition {
    // `tags['<name>']` is a top-level field; the parameterised `concat('tags[', …, ']')` form is
    // the one of the built-in "Require a tag on resources". Mode `All`: deployments have tags
    // but no location, and `Indexed` evaluates only types that have both.
    definition(
        name::OWNER_TAG,
        "AI accounts and deployments must carry the ownership tag",
        "Azure AI services / Azure OpenAI accounts and their model deployments must have the tag \
         that records which workload owns them; Charter's endpoint-sharing rules rely on it.",
        "All",
        with_effect(json!({
            "tagName": {
                "type": "String",
                "metadata": {
                    "displayName": "Tag name",
                    "description": "The tag key that records the owning workload."
                }
            }
        })),
        json!({
            "allOf": [
                { "field": "type", "in": [ACCOUNTS, DEPLOYMENTS] },
                {
                    "field": "[concat('tags[', parameters('tagName'), ']')]",
                    "exists": false
                }
            ]
        }),
    )
}

/// The tag parameter of the classification rules.
fn classification_tag_parameter() -> Value {
    json!({
        "type": "String",
        "metadata": {
            "displayName": "Classification tag",
            "description": "The tag key that records the data classification of a resource."
        }
    })
}

/// The levels parameter of the classification rules.
fn classification_levels_parameter(description: &str) -> Value {
    json!({
        "type": "Array",
        "metadata": {
            "displayName": "Classification levels",
            "description": description
        }
    })
}

/// AI accounts whose classification tag names a level that requires private network access
/// must disable public network access.
pub fn classified_private_network() -> Definition {
    // `tags['<name>']` as in `owner_tag`; alias `…/accounts/publicNetworkAccess` as in
    // `public_network_disabled` (docs/azure-policy.md, "Data classification").
    definition(
        name::CLASSIFIED_PRIVATE_NETWORK,
        "AI accounts holding classified data must disable public network access",
        "Azure AI services / Azure OpenAI accounts whose data classification tag names a level \
         that requires private network access must set publicNetworkAccess to Disabled.",
        "Indexed",
        with_effect(json!({
            "tagName": classification_tag_parameter(),
            "levels": classification_levels_parameter("The levels that require private network access.")
        })),
        json!({
            "allOf": [
                { "field": "type", "equals": ACCOUNTS },
                {
                    "field": "[concat('tags[', parameters('tagName'), ']')]",
                    "in": "[parameters('levels')]"
                },
                {
                    "field": "Microsoft.CognitiveServices/accounts/publicNetworkAccess",
                    "notEquals": "Disabled"
                }
            ]
        }),
    )
}

/// Deployments whose classification tag names a level that forbids global processing may not
/// use a global deployment type.
pub fn classified_no_global() -> Definition {
    // Alias `…/deployments/sku.name` as in `deployment_types`; tags as in `owner_tag`; mode
    // `All` because deployments have no location (docs/azure-policy.md, "Data classification").
    definition(
        name::CLASSIFIED_NO_GLOBAL,
        "AI model deployments holding classified data may not use global deployment types",
        "Model deployments whose data classification tag names a level that keeps data out of \
         global processing must not use a global deployment type (sku.name).",
        "All",
        with_effect(json!({
            "tagName": classification_tag_parameter(),
            "levels": classification_levels_parameter("The levels that forbid global deployment types."),
            "globalSkus": {
                "type": "Array",
                "metadata": {
                    "displayName": "Global deployment types",
                    "description": "SKU names whose requests may be processed in any Azure region."
                }
            }
        })),
        json!({
            "allOf": [
                { "field": "type", "equals": DEPLOYMENTS },
                {
                    "field": "[concat('tags[', parameters('tagName'), ']')]",
                    "in": "[parameters('levels')]"
                },
                {
                    "field": "Microsoft.CognitiveServices/accounts/deployments/sku.name",
                    "in": "[parameters('globalSkus')]"
                }
            ]
        }),
    )
}

/// Deployments whose classification tag names a level must use a content filter approved for
/// that level.
pub fn classified_content_filter() -> Definition {
    // Alias `…/deployments/raiPolicyName` as in `approved_content_filter`; tags as in
    // `owner_tag` (docs/azure-policy.md, "Data classification").
    definition(
        name::CLASSIFIED_CONTENT_FILTER,
        "AI model deployments holding classified data must use a content filter approved for \
         their level",
        "Model deployments whose data classification tag names the level must set raiPolicyName \
         to one of the content filters at least as strict as the level requires.",
        "All",
        with_effect(json!({
            "tagName": classification_tag_parameter(),
            "level": {
                "type": "String",
                "metadata": {
                    "displayName": "Classification level",
                    "description": "The level whose deployments this checks."
                }
            },
            "approvedContentFilters": {
                "type": "Array",
                "metadata": {
                    "displayName": "Approved content filters",
                    "description": "RAI policies at least as strict as the level requires."
                }
            }
        })),
        json!({
            "allOf": [
                { "field": "type", "equals": DEPLOYMENTS },
                {
                    "field": "[concat('tags[', parameters('tagName'), ']')]",
                    "equals": "[parameters('level')]"
                },
                {
                    "field": "Microsoft.CognitiveServices/accounts/deployments/raiPolicyName",
                    "notIn": "[parameters('approvedContentFilters')]"
                }
            ]
        }),
    )
}

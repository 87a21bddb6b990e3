//! The custom policy definitions Charter emits, and the built-ins it references.
//!
//! Definitions are generic: none mentions a Charter policy, and every value a policy chooses
//! (models, regions, thresholds, the effect) is a parameter, the way Azure's built-ins are
//! written. The initiative of each Charter policy passes its values. Every alias cites where it
//! is listed; "ALIASES" is shared/reference/azure-policy/aliases/, "RESEARCH" is
//! shared/reference/azure-policy/RESEARCH.md.

use serde_json::{json, Map, Value};

use crate::Definition;

/// The version written into every custom definition's metadata. Bump it when a rule changes.
pub const DEFINITION_VERSION: &str = "1.0.0";

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
    /// RAI policies must use a custom blocklist, blocking.
    pub const RAI_BLOCKLIST: &str = "charter-rai-blocklist";
    /// AI accounts only in allowed regions.
    pub const ACCOUNT_REGIONS: &str = "charter-allowed-account-regions";
    /// Deployment capacity cap.
    pub const DEPLOYMENT_CAPACITY: &str = "charter-deployment-capacity-cap";
    /// Public network access disabled on AI accounts.
    pub const PUBLIC_NETWORK_DISABLED: &str = "charter-public-network-disabled";
    /// The ownership tag on AI accounts.
    pub const OWNER_TAG: &str = "charter-owner-tag";
}

/// Built-in definitions Charter references by id (saved verbatim in
/// shared/reference/azure-policy/builtins/, except `COMPLETION_CONTROL`).
pub mod builtin {
    /// "Azure AI Services resources should have key access disabled (disable local
    /// authentication)", mode `Indexed`, effect Audit/Deny/Disabled
    /// (builtins/AzureAiServices__DisableLocalAuth_Audit.json, RESEARCH §1.7).
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

fn definition(
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
fn with_effect(parameters: Value) -> Value {
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
    // Aliases `…/deployments/model.name` and `…/deployments/model.version`: ALIASES
    // Microsoft.CognitiveServices__accounts-deployments.md; the `concat(name, ',', version)`
    // pattern is Microsoft's documented custom policy (RESEARCH §1.9.6, level V-doc).
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
    // Alias `…/deployments/raiPolicyName`: ALIASES Microsoft.CognitiveServices__accounts-deployments.md
    // (RESEARCH §1.3, level V-alias).
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
    // `.blocking`, `.severityThreshold`: ALIASES Microsoft.CognitiveServices__accounts-raiPolicies.md
    // (RESEARCH §1.4, level V-alias). The shape mirrors the data-plane built-in 930f48f9
    // (RESEARCH §1.9.2), per side instead of both sides at once.
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
                "allowedValues": ["Hate", "Sexual", "Violence", "Selfharm"]
            },
            "source": {
                "type": "String",
                "metadata": {
                    "displayName": "Side",
                    "description": "Prompt (the user's input) or Completion (the model's output)."
                },
                "allowedValues": ["Prompt", "Completion"]
            },
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
    // Aliases as in `rai_harm_threshold` (ALIASES Microsoft.CognitiveServices__accounts-raiPolicies.md,
    // RESEARCH §1.4); shield names and fixed sources from RESEARCH §2.1.
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
                "allowedValues": [
                    "Jailbreak",
                    "Indirect Attack",
                    "Protected Material Text",
                    "Protected Material Code"
                ]
            },
            "source": {
                "type": "String",
                "metadata": {
                    "displayName": "Side",
                    "description": "Prompt (the user's input) or Completion (the model's output)."
                },
                "allowedValues": ["Prompt", "Completion"]
            },
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

/// An RAI policy must use a custom blocklist in blocking mode.
pub fn rai_blocklist() -> Definition {
    // Aliases `…/raiPolicies/customBlocklists[*]`, `.blocklistName`, `.blocking`: ALIASES
    // Microsoft.CognitiveServices__accounts-raiPolicies.md (RESEARCH §1.4, level V-alias).
    definition(
        name::RAI_BLOCKLIST,
        "Content filters must use a custom blocklist",
        "Content filters (Microsoft.CognitiveServices/accounts/raiPolicies) must list the custom \
         blocklist in customBlocklists, in blocking mode.",
        "All",
        with_effect(json!({
            "blocklistName": {
                "type": "String",
                "metadata": {
                    "displayName": "Blocklist",
                    "description": "The name of the custom blocklist (raiBlocklists resource)."
                }
            }
        })),
        json!({
            "allOf": [
                { "field": "type", "equals": RAI_POLICIES },
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

/// AI accounts only in the allowed regions.
pub fn account_regions() -> Definition {
    // `location` is a top-level field, not an alias (RESEARCH §1.1); the condition is the one of
    // built-in e56962a6 "Allowed locations" (RESEARCH §1.9.5), narrowed to AI accounts.
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

/// Deployments may not exceed a capacity (in deployment capacity units).
pub fn deployment_capacity() -> Definition {
    // Alias `…/deployments/sku.capacity`: ALIASES Microsoft.CognitiveServices__accounts-deployments.md
    // (RESEARCH §1.3, level V-alias; units per RESEARCH §2.5).
    definition(
        name::DEPLOYMENT_CAPACITY,
        "AI model deployments may not exceed a capacity",
        "Model deployments must not request more capacity units (sku.capacity; 1 unit is 1,000 \
         tokens per minute for most models, one PTU for provisioned deployments) than the cap.",
        "All",
        with_effect(json!({
            "maxCapacity": {
                "type": "Integer",
                "metadata": {
                    "displayName": "Maximum capacity",
                    "description": "The largest sku.capacity a deployment may request."
                }
            }
        })),
        json!({
            "allOf": [
                { "field": "type", "equals": DEPLOYMENTS },
                {
                    "field": "Microsoft.CognitiveServices/accounts/deployments/sku.capacity",
                    "greater": "[parameters('maxCapacity')]"
                }
            ]
        }),
    )
}

/// AI accounts must disable public network access.
pub fn public_network_disabled() -> Definition {
    // Alias `…/accounts/publicNetworkAccess`: ALIASES Microsoft.CognitiveServices__accounts.md,
    // used by built-ins 037eea7a and 47ba1dd7 (RESEARCH §1.2, level V-builtin). Those built-ins
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

/// AI accounts must carry the ownership tag that endpoint-sharing rules rely on.
pub fn owner_tag() -> Definition {
    // `tags['<name>']` is a top-level field (RESEARCH §1.1, §1.10 last row); the parameterised
    // `concat('tags[', …, ']')` form is the one of the built-in "Require a tag on resources".
    definition(
        name::OWNER_TAG,
        "AI accounts must carry the ownership tag",
        "Azure AI services / Azure OpenAI accounts must have the tag that records which workload \
         owns them; Charter's endpoint-sharing rules rely on it.",
        "Indexed",
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
                { "field": "type", "equals": ACCOUNTS },
                {
                    "field": "[concat('tags[', parameters('tagName'), ']')]",
                    "exists": false
                }
            ]
        }),
    )
}

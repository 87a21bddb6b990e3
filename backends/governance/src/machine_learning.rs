//! Models served outside Cognitive Services: Azure Machine Learning (and Foundry hub) serverless
//! endpoints and managed online deployments. The policy's allowed models, regions and content
//! filter requirement cover them too, so that no resource type bypasses the allow-list
//! (docs/azure-policy.md, "Models outside Cognitive Services").

use charter_ir::Policy;
use serde_json::{json, Value};

use crate::build::SetBuilder;
use crate::rules::{self, builtin, definition, with_effect};
use crate::{names, Definition};

const SERVERLESS_ENDPOINTS: &str =
    "Microsoft.MachineLearningServices/workspaces/serverlessEndpoints";
const ONLINE_ENDPOINTS: &str = "Microsoft.MachineLearningServices/workspaces/onlineEndpoints";
const ONLINE_DEPLOYMENTS: &str =
    "Microsoft.MachineLearningServices/workspaces/onlineEndpoints/deployments";

/// `{"count": ...}`: how many of the allowed model paths the model field `field` ends with
/// (`…/models/<name>` for a model allowed in any version, which also matches
/// `…/models/<name>/versions/<any>`; `…/models/<name>/versions/<version>` for a pinned one).
fn matching_paths(field: &str) -> Value {
    json!({
        "count": {
            "value": "[parameters('allowedModelPaths')]",
            "name": "allowedModelPath",
            "where": {
                "anyOf": [
                    { "field": field, "like": "[concat('*', current('allowedModelPath'))]" },
                    {
                        "field": field,
                        "like": "[concat('*', current('allowedModelPath'), '/versions/*')]"
                    }
                ]
            }
        },
        "equals": 0
    })
}

/// Serverless endpoints and managed online deployments may only serve approved models.
pub fn allowed_models() -> Definition {
    // Aliases `…/serverlessEndpoints/modelSettings.modelId` and
    // `…/onlineEndpoints/deployments/model` (docs/azure-policy.md, "Models outside Cognitive
    // Services"); both hold a model asset id (`azureml://registries/<registry>/models/<name>/
    // versions/<version>`) or a workspace model's ARM id, which also ends in
    // `/models/<name>/versions/<version>`.
    definition(
        rules::name::ML_ALLOWED_MODELS,
        "Machine Learning endpoints may only serve approved models",
        "Azure Machine Learning serverless endpoints and managed online deployments must serve \
         a model whose asset id ends in an approved '/models/<name>' (any version) or \
         '/models/<name>/versions/<version>'.",
        "All",
        with_effect(json!({
            "allowedModelPaths": {
                "type": "Array",
                "metadata": {
                    "displayName": "Approved model paths",
                    "description": "'/models/<name>' (any version) or '/models/<name>/versions/<version>'."
                }
            }
        })),
        json!({
            "anyOf": [
                {
                    "allOf": [
                        { "field": "type", "equals": SERVERLESS_ENDPOINTS },
                        matching_paths("Microsoft.MachineLearningServices/workspaces/serverlessEndpoints/modelSettings.modelId")
                    ]
                },
                {
                    "allOf": [
                        { "field": "type", "equals": ONLINE_DEPLOYMENTS },
                        matching_paths("Microsoft.MachineLearningServices/workspaces/onlineEndpoints/deployments/model")
                    ]
                }
            ]
        }),
    )
}

/// Serverless endpoints and online endpoints only in the allowed regions.
pub fn allowed_regions() -> Definition {
    // `location` is a top-level field, as in `rules::account_regions`. Mode `All`: Azure does
    // not list serverless endpoints among the types that support tags and location, which
    // `Indexed` requires.
    definition(
        rules::name::ML_ALLOWED_REGIONS,
        "Machine Learning endpoints may only be created in allowed regions",
        "Azure Machine Learning serverless endpoints, online endpoints and their deployments \
         must be in one of the allowed regions.",
        "All",
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
                {
                    "field": "type",
                    "in": [SERVERLESS_ENDPOINTS, ONLINE_ENDPOINTS, ONLINE_DEPLOYMENTS]
                },
                { "field": "location", "notIn": "[parameters('allowedRegions')]" }
            ]
        }),
    )
}

/// Serverless endpoints must keep Azure AI Content Safety on.
pub fn content_safety() -> Definition {
    // Alias `…/serverlessEndpoints/contentSafety.contentSafetyStatus` (docs/azure-policy.md,
    // "Models outside Cognitive Services").
    definition(
        rules::name::ML_CONTENT_SAFETY,
        "Machine Learning serverless endpoints must keep content safety enabled",
        "Azure Machine Learning serverless endpoints must set contentSafety.contentSafetyStatus \
         to Enabled, so that Azure AI Content Safety filters their prompts and completions.",
        "All",
        with_effect(json!({})),
        json!({
            "allOf": [
                { "field": "type", "equals": SERVERLESS_ENDPOINTS },
                {
                    "field": "Microsoft.MachineLearningServices/workspaces/serverlessEndpoints/contentSafety.contentSafetyStatus",
                    "notEquals": "Enabled"
                }
            ]
        }),
    )
}

/// Adds the Machine Learning members of `policy`'s initiative: the same models, regions and
/// filter requirement as its Cognitive Services members.
pub(crate) fn rules(set: &mut SetBuilder, effect: &Value, policy: &Policy, owner: &str) {
    if let Some(models) = &policy.allowed_models {
        let paths: Vec<String> = models
            .iter()
            .flat_map(|model| {
                if model.versions.is_empty() {
                    vec![format!("/models/{}", model.name)]
                } else {
                    model
                        .versions
                        .iter()
                        .map(|version| format!("/models/{}/versions/{version}", model.name))
                        .collect()
                }
            })
            .collect();
        let allowed = set.parameter(
            "allowedModelPaths",
            json!({
                "type": "Array",
                "metadata": {
                    "displayName": "Approved model paths",
                    "description": "The approved models as the end of a Machine Learning model asset id."
                }
            }),
            json!(paths),
        );
        set.custom(
            "mlAllowedModels",
            rules::name::ML_ALLOWED_MODELS,
            "models",
            json!({ "effect": effect, "allowedModelPaths": allowed }),
        );
        set.message(
            "mlAllowedModels",
            format!(
                "This Machine Learning endpoint serves a model {owner} does not approve. Serve \
                 one of the models allowed in the `models` block of the policy."
            ),
        );
        // The data-plane twin, as for Cognitive Services: registry asset ids are documented
        // for Azure OpenAI models only, so it is referenced only when every model is one.
        if let Some(asset_ids) = crate::build::openai_registry_asset_ids(models) {
            let effect = set.data_plane_effect(policy);
            set.builtin_reference(
                "mlDataPlaneRegistryModels",
                builtin::ML_REGISTRY_MODELS,
                builtin::PREVIEW_VERSION,
                "data-plane",
                json!({
                    "effect": effect,
                    "allowedPublishers": crate::build::literal(json!([])),
                    "allowedAssetIds": crate::build::literal(json!(asset_ids))
                }),
            );
        }
    }
    if let Some(regions) = &policy.allowed_regions {
        let regions: Vec<String> = regions.iter().map(|r| names::location(r)).collect();
        set.custom(
            "mlAllowedRegions",
            rules::name::ML_ALLOWED_REGIONS,
            "regions",
            json!({ "effect": effect, "allowedRegions": crate::build::literal(json!(regions)) }),
        );
        set.message(
            "mlAllowedRegions",
            format!(
                "Machine Learning endpoints must be created in an allowed region ({owner} sets \
                 the list in `regions`)."
            ),
        );
    }
    if policy.minimum_filter.is_some() {
        set.custom(
            "mlContentSafety",
            rules::name::ML_CONTENT_SAFETY,
            "content-filters",
            json!({ "effect": effect }),
        );
        set.message(
            "mlContentSafety",
            format!(
                "Serverless endpoints must keep Azure AI Content Safety enabled: {owner} \
                 requires a content filter on every model it serves."
            ),
        );
    }
}

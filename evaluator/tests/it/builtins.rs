//! The evaluator against Azure's real built-in definitions (bundled verbatim in `builtins/`),
//! with resources written for each rule.

use charter_evaluator::{builtin_definitions, evaluate, Outcome};
use serde_json::{json, Map, Value};

fn builtin(guid: &str) -> Value {
    builtin_definitions()
        .iter()
        .map(|(_, value)| value.clone())
        .find(|value| value["name"] == guid)
        .unwrap_or_else(|| panic!("built-in {guid} is bundled"))
}

fn parameters(value: Value) -> Map<String, Value> {
    value
        .as_object()
        .cloned()
        .expect("parameters are an object")
}

fn run(guid: &str, values: Value, resource: Value) -> Outcome {
    let outcome = evaluate(&builtin(guid), &parameters(values), &resource);
    assert_eq!(outcome.error, None, "{}", outcome.explain());
    outcome
}

const ALLOWED_LOCATIONS: &str = "e56962a6-4747-49cd-b67b-bf8b01975c4c";
const DISABLE_LOCAL_AUTH_AUDIT: &str = "71ef260a-8f18-47b7-abcb-62d0673d94dc";
const DISABLE_LOCAL_AUTH_MODIFY: &str = "14de9e63-1b31-492e-a5a3-c3f7fd57f555";
const REGISTRY_MODELS: &str = "aafe3651-cb78-4f68-9f81-e7e41509110f";
const MULTI_SEVERITY: &str = "930f48f9-f07e-427c-9494-52603581c6a9";
const PROMPT_CONTROL: &str = "f3a9c2e0-7b4d-4d8f-9c3a-2e1f6b9a8d4e";

fn account(location: &str, properties: Value) -> Value {
    json!({
        "id": "/subscriptions/0000/resourceGroups/rg-ai/providers/Microsoft.CognitiveServices/accounts/ai-prod",
        "type": "Microsoft.CognitiveServices/accounts",
        "name": "ai-prod",
        "kind": "AIServices",
        "location": location,
        "properties": properties,
    })
}

#[test]
fn allowed_locations_denies_a_wrong_location() {
    let values = json!({"listOfAllowedLocations": ["swedencentral", "westeurope"]});
    let denied = run(
        ALLOWED_LOCATIONS,
        values.clone(),
        account("eastus", json!({})),
    );
    assert_eq!(denied.effect.as_deref(), Some("deny"));
    assert!(denied
        .explain()
        .contains(r#"field `location` = "eastus" notIn ["swedencentral","westeurope"] → true"#));

    let allowed = run(
        ALLOWED_LOCATIONS,
        values.clone(),
        account("SwedenCentral", json!({})),
    );
    assert_eq!(allowed.effect, None);

    let global = run(
        ALLOWED_LOCATIONS,
        values.clone(),
        account("global", json!({})),
    );
    assert_eq!(global.effect, None);

    // Mode Indexed: a deployment (no location) is not evaluated at all.
    let deployment = json!({"type": "Microsoft.CognitiveServices/accounts/deployments", "name": "ai-prod/gpt-4o"});
    let skipped = run(ALLOWED_LOCATIONS, values, deployment);
    assert!(!skipped.applicable);
    assert_eq!(skipped.effect, None);
}

#[test]
fn allowed_locations_without_a_value_is_an_error() {
    let outcome = evaluate(
        &builtin(ALLOWED_LOCATIONS),
        &Map::new(),
        &account("eastus", json!({})),
    );
    assert_eq!(
        outcome.error.as_deref(),
        Some("parameter `listOfAllowedLocations` has no value and no default")
    );
}

#[test]
fn key_auth_accounts_are_flagged_by_disable_local_auth() {
    let flagged = run(
        DISABLE_LOCAL_AUTH_AUDIT,
        json!({}),
        account("swedencentral", json!({"disableLocalAuth": false})),
    );
    assert_eq!(flagged.effect.as_deref(), Some("audit"));

    // An account that never set the property keeps key auth, and is flagged too.
    let unset = run(
        DISABLE_LOCAL_AUTH_AUDIT,
        json!({}),
        account("swedencentral", json!({})),
    );
    assert_eq!(unset.effect.as_deref(), Some("audit"));

    let keyless = run(
        DISABLE_LOCAL_AUTH_AUDIT,
        json!({}),
        account("swedencentral", json!({"disableLocalAuth": true})),
    );
    assert_eq!(keyless.effect, None);

    let denied = run(
        DISABLE_LOCAL_AUTH_AUDIT,
        json!({"effect": "Deny"}),
        account("swedencentral", json!({})),
    );
    assert_eq!(denied.effect.as_deref(), Some("deny"));

    let disabled = run(
        DISABLE_LOCAL_AUTH_AUDIT,
        json!({"effect": "Disabled"}),
        account("swedencentral", json!({})),
    );
    assert_eq!(disabled.effect, None);

    let search = json!({"type": "Microsoft.Search/searchServices", "name": "s", "location": "swedencentral", "properties": {"disableLocalAuth": false}});
    assert_eq!(
        run(DISABLE_LOCAL_AUTH_AUDIT, json!({}), search)
            .effect
            .as_deref(),
        Some("audit")
    );
}

#[test]
fn disable_local_auth_modify() {
    let outcome = run(
        DISABLE_LOCAL_AUTH_MODIFY,
        json!({}),
        account("swedencentral", json!({"disableLocalAuth": false})),
    );
    assert_eq!(outcome.effect.as_deref(), Some("modify"));
    insta::assert_snapshot!(outcome.explain(), @r#"
    allOf → true
      field `type` = "Microsoft.CognitiveServices/accounts" equals "Microsoft.CognitiveServices/accounts" → true
      field `Microsoft.CognitiveServices/accounts/disableLocalAuth` = false notEquals true → true
    "#);
}

fn data_plane_deployment(model: Value, filters: Value) -> Value {
    json!({
        "type": "Microsoft.CognitiveServices.Data/accounts/deployments",
        "name": "ai-prod/chat",
        "properties": {"model": model, "raiPolicy": {"mode": "Default", "contentFilters": filters}},
    })
}

#[test]
fn registry_models_deny_a_disallowed_model_version() {
    let values = json!({
        "effect": "Deny",
        "allowedPublishers": [],
        "allowedAssetIds": ["azureml://registries/azure-openai/models/gpt-4o/versions/2024-08-06"],
    });
    let model = |version: &str| {
        json!({
            "publisher": "OpenAI",
            "assetId": format!("azureml://registries/azure-openai/models/gpt-4o/versions/{version}"),
        })
    };
    let old = run(
        REGISTRY_MODELS,
        values.clone(),
        data_plane_deployment(model("2024-05-13"), json!([])),
    );
    assert_eq!(old.effect.as_deref(), Some("deny"));
    insta::assert_snapshot!(old.explain(), @r#"
    allOf → true
      field `type` = "Microsoft.CognitiveServices.Data/accounts/deployments" equals "Microsoft.CognitiveServices.Data/accounts/deployments" → true
      allOf → true
        field `Microsoft.CognitiveServices.Data/accounts/deployments/model.publisher` = "OpenAI" notIn [] → true
        count of value ["azureml://registries/azure-openai/models/gpt-4o/versions/2024-08-06"] as `allowedAssetId` = 0 equals 0 → true
          member 0: "azureml://registries/azure-openai/models/gpt-4o/versions/2024-08-06" → false
            field `Microsoft.CognitiveServices.Data/accounts/deployments/model.assetId` = "azureml://registries/azure-openai/models/gpt-4o/versions/2024-05-13" contains "azureml://registries/azure-openai/models/gpt-4o/versions/2024-08-06" → false
    "#);

    let current = run(
        REGISTRY_MODELS,
        values.clone(),
        data_plane_deployment(model("2024-08-06"), json!([])),
    );
    assert_eq!(current.effect, None);

    // An allowed publisher is enough on its own.
    let mut by_publisher = values;
    by_publisher["allowedPublishers"] = json!(["openai"]);
    let allowed = run(
        REGISTRY_MODELS,
        by_publisher,
        data_plane_deployment(model("2024-05-13"), json!([])),
    );
    assert_eq!(allowed.effect, None);
}

fn filter(name: &str, source: &str, severity: &str, enabled: bool, blocking: bool) -> Value {
    json!({"name": name, "source": source, "severityThreshold": severity, "enabled": enabled, "blocking": blocking})
}

#[test]
fn content_filter_severity_built_in() {
    let values = json!({"filterName": "Hate"});
    let strict = json!([
        filter("Hate", "Prompt", "Medium", true, true),
        filter("Hate", "Completion", "High", true, true),
    ]);
    let model = json!({"publisher": "OpenAI"});
    assert_eq!(
        run(
            MULTI_SEVERITY,
            values.clone(),
            data_plane_deployment(model.clone(), strict)
        )
        .effect,
        None
    );

    let weak_completion = json!([
        filter("Hate", "Prompt", "Medium", true, true),
        filter("Hate", "Completion", "Low", true, true),
    ]);
    assert_eq!(
        run(
            MULTI_SEVERITY,
            values.clone(),
            data_plane_deployment(model.clone(), weak_completion)
        )
        .effect
        .as_deref(),
        Some("audit")
    );

    // No filters at all: `count ... equals 0`.
    assert_eq!(
        run(
            MULTI_SEVERITY,
            values.clone(),
            data_plane_deployment(model.clone(), json!([]))
        )
        .effect
        .as_deref(),
        Some("audit")
    );

    // Not blocking: the built-in compares the boolean with the string "true".
    let not_blocking = json!([
        filter("Hate", "Prompt", "Medium", true, false),
        filter("Hate", "Completion", "High", true, true),
    ]);
    assert_eq!(
        run(
            MULTI_SEVERITY,
            values,
            data_plane_deployment(model, not_blocking)
        )
        .effect
        .as_deref(),
        Some("audit")
    );
}

#[test]
fn prompt_control_built_in_ignores_control_plane_resources() {
    let values = json!({"filterName": "Jailbreak"});
    let deployment = data_plane_deployment(
        json!({}),
        json!([filter("Jailbreak", "Prompt", "", true, true)]),
    );
    assert_eq!(run(PROMPT_CONTROL, values.clone(), deployment).effect, None);
    let missing = data_plane_deployment(json!({}), json!([]));
    assert_eq!(
        run(PROMPT_CONTROL, values.clone(), missing)
            .effect
            .as_deref(),
        Some("audit")
    );
    // A Resource Manager deployment is outside the data-plane mode.
    let arm = json!({"type": "Microsoft.CognitiveServices/accounts/deployments", "name": "a/b"});
    assert!(!run(PROMPT_CONTROL, values, arm).applicable);
}

/// Microsoft Learn's custom "allowed models" sample (control plane, mode All).
#[test]
fn allowed_model_name_and_version_sample() {
    let definition = json!({
        "mode": "All",
        "policyRule": {
            "if": {"allOf": [
                {"field": "type", "equals": "Microsoft.CognitiveServices/accounts/deployments"},
                {"not": {
                    "value": "[concat(field('Microsoft.CognitiveServices/accounts/deployments/model.name'), ',', field('Microsoft.CognitiveServices/accounts/deployments/model.version'))]",
                    "in": "[parameters('allowedModels')]"
                }}
            ]},
            "then": {"effect": "deny"}
        },
        "parameters": {"allowedModels": {"type": "Array"}}
    });
    let values =
        parameters(json!({"allowedModels": ["gpt-4o,2024-08-06", "gpt-4o-mini,2024-07-18"]}));
    let deployment = |name: &str, version: &str| {
        json!({
            "type": "Microsoft.CognitiveServices/accounts/deployments",
            "name": "ai-prod/chat",
            "sku": {"name": "GlobalStandard", "capacity": 10},
            "properties": {"model": {"format": "OpenAI", "name": name, "version": version}},
        })
    };
    let denied = evaluate(&definition, &values, &deployment("gpt-4o", "2024-05-13"));
    assert_eq!(denied.effect.as_deref(), Some("deny"));
    assert!(denied.explain().contains(
        r#"= "gpt-4o,2024-05-13" in ["gpt-4o,2024-08-06","gpt-4o-mini,2024-07-18"] → false"#
    ));
    assert_eq!(
        evaluate(&definition, &values, &deployment("gpt-4o", "2024-08-06")).effect,
        None
    );
    assert_eq!(
        evaluate(
            &definition,
            &values,
            &deployment("GPT-4o-mini", "2024-07-18")
        )
        .effect,
        None
    );
}

/// The bundled copies must stay verbatim copies of the reference folder when it is present.
#[test]
#[expect(
    clippy::disallowed_methods,
    reason = "tests may read the reference folder"
)]
fn bundled_built_ins_match_the_reference_folder() {
    // The reference folder lives beside the repository on the team's machines and in CI only.
    let Some(folder) = charter_test_support::require_shared_reference("azure-policy/builtins")
    else {
        return;
    };
    // Bundled from Azure/azure-policy directly (commit 2528349), not saved in the folder.
    const NOT_IN_REFERENCE: [&str; 1] = ["AzureAiServices__DiagnosticLogs_Audit.json"];
    for (path, bundled) in builtin_definitions() {
        let file = path.trim_start_matches("builtins/");
        if NOT_IN_REFERENCE.contains(&file) {
            assert!(
                !folder.join(file).exists(),
                "{file} is in the reference folder now: compare it"
            );
            continue;
        }
        let text = std::fs::read_to_string(folder.join(file)).expect("reference file exists");
        let reference: Value = serde_json::from_str(&text).expect("reference file is JSON");
        assert_eq!(
            *bundled, reference,
            "{file} differs from the reference folder"
        );
    }
}

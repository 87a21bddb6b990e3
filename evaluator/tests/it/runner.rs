//! The `charter test` runner against a small hand-written tree: two custom definitions, a
//! bundled built-in and a built-in the evaluator does not have, in one initiative, assigned
//! with parameter values.

use charter_evaluator::{
    parse_cases, run_suite, run_suite_with, Expectation, SuiteOptions, TestCase,
};
use serde_json::{json, Value};

const MG: &str = "/providers/Microsoft.Management/managementGroups/contoso";

fn tree() -> Vec<(String, Value)> {
    let models = json!({
        "type": "Microsoft.Authorization/policyDefinitions",
        "name": "charter-allowed-models",
        "properties": {
            "displayName": "Allowed models",
            "mode": "All",
            "parameters": {
                "allowedModels": {"type": "Array"},
                "effect": {"type": "String", "defaultValue": "Audit", "allowedValues": ["Audit", "Deny", "Disabled"]}
            },
            "policyRule": {
                "if": {"allOf": [
                    {"field": "type", "equals": "Microsoft.CognitiveServices/accounts/deployments"},
                    {"not": {
                        "value": "[concat(field('Microsoft.CognitiveServices/accounts/deployments/model.name'), ',', field('Microsoft.CognitiveServices/accounts/deployments/model.version'))]",
                        "in": "[parameters('allowedModels')]"
                    }}
                ]},
                "then": {"effect": "[parameters('effect')]"}
            }
        }
    });
    let local_auth = json!({
        "type": "Microsoft.Authorization/policyDefinitions",
        "name": "charter-local-auth",
        "properties": {
            "displayName": "Local auth disabled",
            "mode": "Indexed",
            "parameters": {"effect": {"type": "String", "defaultValue": "Audit"}},
            "policyRule": {
                "if": {"allOf": [
                    {"field": "type", "equals": "Microsoft.CognitiveServices/accounts"},
                    {"field": "Microsoft.CognitiveServices/accounts/disableLocalAuth", "notEquals": true}
                ]},
                "then": {"effect": "[parameters('effect')]"}
            }
        }
    });
    let set = json!({
        "type": "Microsoft.Authorization/policySetDefinitions",
        "name": "charter-ai",
        "properties": {
            "displayName": "AI guardrails",
            "parameters": {
                "allowedModels": {"type": "Array"},
                "effect": {"type": "String", "defaultValue": "Deny"},
                "allowedRegions": {"type": "Array", "defaultValue": ["swedencentral"]}
            },
            "policyDefinitions": [
                {
                    "policyDefinitionReferenceId": "allowedModels",
                    "policyDefinitionId": format!("{MG}/providers/Microsoft.Authorization/policyDefinitions/charter-allowed-models"),
                    "parameters": {
                        "allowedModels": {"value": "[parameters('allowedModels')]"},
                        "effect": {"value": "[parameters('effect')]"}
                    }
                },
                {
                    "policyDefinitionReferenceId": "localAuth",
                    "policyDefinitionId": format!("{MG}/providers/Microsoft.Authorization/policyDefinitions/charter-local-auth"),
                    "parameters": {"effect": {"value": "Audit"}}
                },
                {
                    "policyDefinitionReferenceId": "regions",
                    "policyDefinitionId": "/providers/Microsoft.Authorization/policyDefinitions/e56962a6-4747-49cd-b67b-bf8b01975c4c",
                    "parameters": {"listOfAllowedLocations": {"value": "[parameters('allowedRegions')]"}}
                },
                {
                    "policyDefinitionReferenceId": "publicNetwork",
                    "policyDefinitionId": "/providers/Microsoft.Authorization/policyDefinitions/037eea7a-bd0a-46c5-9a66-03aea78705d3",
                    "parameters": {}
                }
            ]
        }
    });
    let assignment = json!({
        "type": "Microsoft.Authorization/policyAssignments",
        "name": "contoso-ai",
        "id": format!("{MG}/providers/Microsoft.Authorization/policyAssignments/contoso-ai"),
        "properties": {
            "displayName": "Contoso AI guardrails",
            "policyDefinitionId": format!("{MG}/providers/Microsoft.Authorization/policySetDefinitions/charter-ai"),
            "enforcementMode": "Default",
            "parameters": {
                "allowedModels": {"value": ["gpt-4o,2024-08-06", "gpt-4o-mini,2024-07-18"]},
                "allowedRegions": {"value": ["swedencentral", "westeurope"]}
            }
        }
    });
    let sandbox = json!({
        "type": "Microsoft.Authorization/policyAssignments",
        "name": "sandbox-ai",
        "id": "/subscriptions/1111/providers/Microsoft.Authorization/policyAssignments/sandbox-ai",
        "properties": {
            "policyDefinitionId": format!("{MG}/providers/Microsoft.Authorization/policySetDefinitions/charter-ai"),
            "enforcementMode": "DoNotEnforce",
            "parameters": {"allowedModels": {"value": []}}
        }
    });
    let exemption = json!({
        "type": "Microsoft.Authorization/policyExemptions",
        "name": "legacy-keys",
        "id": "/subscriptions/0000/resourceGroups/rg-legacy/providers/Microsoft.Authorization/policyExemptions/legacy-keys",
        "properties": {
            "policyAssignmentId": format!("{MG}/providers/Microsoft.Authorization/policyAssignments/contoso-ai"),
            "policyDefinitionReferenceIds": ["localAuth"],
            "exemptionCategory": "Waiver",
            "expiresOn": "2027-01-31T23:59:59Z"
        }
    });
    let template = json!({"$schema": "https://schema.management.azure.com/schemas/2019-08-01/managementGroupDeploymentTemplate.json#", "resources": []});
    vec![
        (
            "azure-policy/definitions/charter-allowed-models.json".to_string(),
            models,
        ),
        (
            "azure-policy/definitions/charter-local-auth.json".to_string(),
            local_auth,
        ),
        (
            "azure-policy/set-definitions/charter-ai.json".to_string(),
            set,
        ),
        (
            "azure-policy/assignments/contoso-ai.json".to_string(),
            assignment,
        ),
        (
            "azure-policy/assignments/sandbox-ai.json".to_string(),
            sandbox,
        ),
        (
            "azure-policy/exemptions/legacy-keys.json".to_string(),
            exemption,
        ),
        ("azure-policy/template.json".to_string(), template),
    ]
}

fn deployment(subscription: &str, model: &str, version: &str) -> Value {
    json!({
        "id": format!("/subscriptions/{subscription}/resourceGroups/rg-ai/providers/Microsoft.CognitiveServices/accounts/ai/deployments/chat"),
        "type": "Microsoft.CognitiveServices/accounts/deployments",
        "name": "ai/chat",
        "sku": {"name": "GlobalStandard", "capacity": 10},
        "properties": {"model": {"format": "OpenAI", "name": model, "version": version}}
    })
}

fn account(resource_group: &str, location: &str, disable_local_auth: bool) -> Value {
    json!({
        "id": format!("/subscriptions/0000/resourceGroups/{resource_group}/providers/Microsoft.CognitiveServices/accounts/ai"),
        "type": "Microsoft.CognitiveServices/accounts",
        "name": "ai",
        "location": location,
        "properties": {"disableLocalAuth": disable_local_auth}
    })
}

fn case(name: &str, description: &str, resource: Value, expect: &str) -> TestCase {
    let text =
        json!({"description": description, "resource": resource, "expect": expect}).to_string();
    parse_cases(name, &text)
        .expect("test case parses")
        .remove(0)
}

/// The management-group assignment covers every subscription (the evaluator cannot tell
/// which subscriptions a management group holds), so the sandbox case names its assignment.
fn sandbox_case() -> TestCase {
    let mut sandbox = case(
        "tests/sandbox.json",
        "the sandbox only reports",
        deployment("1111", "gpt-4o", "2024-05-13"),
        "audit",
    );
    sandbox.assignment = Some("sandbox-ai".to_string());
    sandbox
}

#[test]
fn passing_suite() {
    let cases = vec![
        case(
            "tests/old-model.json",
            "an unapproved model version is denied",
            deployment("0000", "gpt-4o", "2024-05-13"),
            "deny",
        ),
        case(
            "tests/approved-model.json",
            "an approved model is allowed",
            deployment("0000", "GPT-4o", "2024-08-06"),
            "compliant",
        ),
        case(
            "tests/key-auth.json",
            "key auth is audited",
            account("rg-ai", "swedencentral", false),
            "audit",
        ),
        case(
            "tests/keyless.json",
            "a keyless account in an allowed region passes",
            account("rg-ai", "westeurope", true),
            "compliant",
        ),
        case(
            "tests/region.json",
            "a wrong region is denied by the built-in",
            account("rg-ai", "eastus", true),
            "deny",
        ),
        case(
            "tests/exempt.json",
            "the exempted resource group keeps key auth",
            account("rg-legacy", "swedencentral", false),
            "compliant",
        ),
        sandbox_case(),
    ];
    let report = run_suite(&tree(), &cases);
    insta::assert_snapshot!(report.render(), @r"
    PASS tests/old-model.json: an unapproved model version is denied (expected deny, got deny)
    PASS tests/approved-model.json: an approved model is allowed (expected compliant, got compliant)
    PASS tests/key-auth.json: key auth is audited (expected audit, got audit)
    PASS tests/keyless.json: a keyless account in an allowed region passes (expected compliant, got compliant)
    PASS tests/region.json: a wrong region is denied by the built-in (expected deny, got deny)
    PASS tests/exempt.json: the exempted resource group keeps key auth (expected compliant, got compliant)
    PASS tests/sandbox.json: the sandbox only reports (expected audit, got audit)
    skipped 1 reference(s) the evaluator does not have:
      built-in definition `/providers/Microsoft.Authorization/policyDefinitions/037eea7a-bd0a-46c5-9a66-03aea78705d3` (reference `publicNetwork` of initiative `charter-ai`) is not available offline
    7 passed, 0 failed
    ");
    assert!(report.success());
}

#[test]
fn failures_explain_the_deciding_condition() {
    let cases = vec![
        case(
            "tests/wrong.json",
            "an approved model should be denied (wrong on purpose)",
            deployment("0000", "gpt-4o-mini", "2024-07-18"),
            "deny",
        ),
        case(
            "tests/wrong-compliant.json",
            "key auth should pass (wrong on purpose)",
            account("rg-ai", "swedencentral", false),
            "compliant",
        ),
    ];
    let report = run_suite(&tree(), &cases);
    assert_eq!((report.passed(), report.failed()), (0, 2));
    insta::assert_snapshot!(report.render(), @r#"
    FAIL tests/wrong.json: an approved model should be denied (wrong on purpose) (expected deny, got compliant)
        assignment `contoso-ai` → definition `charter-allowed-models` (Allowed models), reference `allowedModels`: compliant
          allOf → false
            field `type` = "Microsoft.CognitiveServices/accounts/deployments" equals "Microsoft.CognitiveServices/accounts/deployments" → true
            not → false
              value `[concat(field('Microsoft.CognitiveServices/accounts/deployments/model.name'), ',', field('Microsoft.CognitiveServices/accounts/deployments/model.version'))]` = "gpt-4o-mini,2024-07-18" in ["gpt-4o,2024-08-06","gpt-4o-mini,2024-07-18"] → true
        not evaluated: mode `Indexed` evaluates only resource types that support tags and location, and `Microsoft.CognitiveServices/accounts/deployments` does not: `localAuth`, `regions`
    FAIL tests/wrong-compliant.json: key auth should pass (wrong on purpose) (expected compliant, got audit)
        assignment `contoso-ai` → definition `charter-local-auth` (Local auth disabled), reference `localAuth`: audit
          allOf → true
            field `type` = "Microsoft.CognitiveServices/accounts" equals "Microsoft.CognitiveServices/accounts" → true
            field `Microsoft.CognitiveServices/accounts/disableLocalAuth` = false notEquals true → true
    no case makes these definitions match: `charter-allowed-models`
    skipped 1 reference(s) the evaluator does not have:
      built-in definition `/providers/Microsoft.Authorization/policyDefinitions/037eea7a-bd0a-46c5-9a66-03aea78705d3` (reference `publicNetwork` of initiative `charter-ai`) is not available offline
    0 passed, 2 failed
    "#);
}

#[test]
fn definition_and_assignment_filters() {
    let mut only_regions = case(
        "tests/r.json",
        "",
        account("rg-ai", "eastus", false),
        "deny",
    );
    only_regions.definition = Some("regions".to_string());
    let mut only_auth = case(
        "tests/a.json",
        "",
        account("rg-ai", "eastus", false),
        "audit",
    );
    only_auth.definition = Some("charter-local-auth".to_string());
    let mut unknown = case(
        "tests/u.json",
        "",
        account("rg-ai", "eastus", false),
        "deny",
    );
    unknown.assignment = Some("nope".to_string());
    let report = run_suite(&tree(), &[only_regions, only_auth, unknown]);
    let passed: Vec<bool> = report.cases.iter().map(|case| case.passed).collect();
    assert_eq!(passed, [true, true, false]);
    assert_eq!(
        report.cases[2].problems,
        ["no assignment named `nope` covers this resource"]
    );
}

#[test]
fn expired_exemptions_stop_applying() {
    let cases = [case(
        "tests/exempt.json",
        "",
        account("rg-legacy", "swedencentral", false),
        "compliant",
    )];
    let before = SuiteOptions {
        today: Some(charter_test_support::TODAY_TEXT.to_string()),
        ..Default::default()
    };
    assert!(run_suite_with(&tree(), &cases, &before).success());
    let after = SuiteOptions {
        today: Some("2027-02-01".to_string()),
        ..Default::default()
    };
    assert!(!run_suite_with(&tree(), &cases, &after).success());
}

#[test]
fn parse_cases_accepts_arrays_and_rejects_mistakes() {
    let text = r#"[
        {"description": "one", "resource": {"type": "x"}, "expect": "Deny"},
        {"resource": {"type": "y"}, "expect": "compliant", "definition": "charter-x"}
    ]"#;
    let cases = parse_cases("tests/many.json", text).expect("valid cases");
    assert_eq!(cases.len(), 2);
    assert_eq!(cases[0].name, "tests/many.json#0");
    assert_eq!(cases[0].expect, Expectation::Effect("deny".to_string()));
    assert_eq!(cases[1].expect, Expectation::Compliant);
    assert_eq!(cases[1].definition.as_deref(), Some("charter-x"));

    assert_eq!(
        parse_cases("tests/bad.json", r#"{"resource": {}, "expected": "deny"}"#),
        Err("`tests/bad.json`: unknown key `expected` (expected description, resource, expect, definition, assignment, managementGroups)".to_string())
    );
    assert_eq!(
        parse_cases("tests/bad.json", r#"{"resource": {}}"#),
        Err("`tests/bad.json`: `expect` is missing".to_string())
    );
    assert_eq!(
        parse_cases("tests/bad.json", r#"{"resource": {}, "expect": "denied"}"#),
        Err("`tests/bad.json`: unknown `expect` value `denied`, did you mean `deny`? (expected compliant, non-compliant or an effect: addToNetworkGroup, append, audit, auditIfNotExists, deny, denyAction, deployIfNotExists, disabled, manual, modify, mutate)".to_string())
    );
    assert_eq!(
        parse_cases("tests/bad.json", r#"{"resource": {}, "expect": "blocked"}"#),
        Err("`tests/bad.json`: unknown `expect` value `blocked` (expected compliant, non-compliant or an effect: addToNetworkGroup, append, audit, auditIfNotExists, deny, denyAction, deployIfNotExists, disabled, manual, modify, mutate)".to_string())
    );
    for (written, suggested) in [
        ("audited", "audit"),
        ("modified", "modify"),
        ("complaint", "compliant"),
        ("Deni", "deny"),
    ] {
        let text = format!(r#"{{"resource": {{}}, "expect": "{written}"}}"#);
        let error = parse_cases("tests/bad.json", &text).expect_err("misspelt expectation");
        assert!(
            error.contains(&format!("did you mean `{suggested}`?")),
            "{written}: {error}"
        );
    }
    assert!(parse_cases("tests/bad.json", "{").is_err());
}

#[test]
fn parse_artifacts_keeps_json_files_only() {
    let files = [
        ("azure-policy/definitions/a.json", r#"{"name": "a"}"#),
        ("terraform/main.tf", "resource {}"),
    ];
    let artifacts = charter_evaluator::parse_artifacts(files).expect("valid JSON");
    assert_eq!(
        artifacts,
        [(
            "azure-policy/definitions/a.json".to_string(),
            json!({"name": "a"})
        )]
    );
    let broken = charter_evaluator::parse_artifacts([("x.json", "{")]);
    assert!(broken.is_err_and(|error| error.starts_with("`x.json` is not valid JSON")));
}

#[test]
fn direct_definition_and_built_in_initiative_assignments() {
    let direct = json!({
        "type": "Microsoft.Authorization/policyAssignments",
        "name": "regions-only",
        "properties": {
            "policyDefinitionId": "/providers/Microsoft.Authorization/policyDefinitions/e56962a6-4747-49cd-b67b-bf8b01975c4c",
            "parameters": {"listOfAllowedLocations": {"value": ["swedencentral"]}}
        }
    });
    let built_in_set = json!({
        "type": "Microsoft.Authorization/policyAssignments",
        "name": "content-filters",
        "properties": {
            "policyDefinitionId": "/providers/Microsoft.Authorization/policySetDefinitions/5207647b-3e83-4e28-b836-c382cb5e2a2e"
        }
    });
    let artifacts = vec![
        (
            "azure-policy/assignments/regions-only.json".to_string(),
            direct,
        ),
        (
            "azure-policy/assignments/content-filters.json".to_string(),
            built_in_set,
        ),
    ];
    let wrong_region = case(
        "tests/region.json",
        "",
        account("rg", "eastus", true),
        "deny",
    );
    let unfiltered = case(
        "tests/filters.json",
        "a data-plane deployment without filters is audited by the built-in initiative",
        json!({
            "type": "Microsoft.CognitiveServices.Data/accounts/deployments",
            "name": "ai/chat",
            "properties": {"model": {"publisher": "OpenAI"}, "raiPolicy": {"contentFilters": []}}
        }),
        "audit",
    );
    let report = run_suite(&artifacts, &[wrong_region, unfiltered]);
    assert!(report.success(), "{}", report.render());
    let filters = &report.cases[1];
    assert!(filters
        .results
        .iter()
        .any(|result| result.definition == "930f48f9-f07e-427c-9494-52603581c6a9"));
    assert!(
        !filters.skipped.is_empty(),
        "the initiative's other members are reported as skipped"
    );
    // Built-in definitions are not the project's rules, so they are never listed as unexercised.
    assert!(report.unexercised.is_empty());
}

/// The example cases for the bundled Contoso project (`tests/fixtures/contoso/`, meant for
/// `examples/contoso/tests/`) must stay valid test files.
#[test]
fn contoso_fixtures_parse() {
    let files = [
        (
            "tests/accounts.json",
            include_str!("../fixtures/contoso/accounts.json"),
        ),
        (
            "tests/content-filters.json",
            include_str!("../fixtures/contoso/content-filters.json"),
        ),
        (
            "tests/deployments.json",
            include_str!("../fixtures/contoso/deployments.json"),
        ),
        (
            "tests/models.json",
            include_str!("../fixtures/contoso/models.json"),
        ),
        (
            "tests/data-plane.json",
            include_str!("../fixtures/contoso/data-plane.json"),
        ),
    ];
    let mut total = 0;
    for (path, text) in files {
        total += parse_cases(path, text).expect("fixture parses").len();
    }
    assert_eq!(total, 21);
}

#[test]
fn passes_resting_on_an_evaluation_error_warn() {
    let broken = json!({
        "type": "Microsoft.Authorization/policyDefinitions",
        "name": "broken",
        "properties": {
            "mode": "All",
            "policyRule": {"if": {"value": "[utcNow()]", "equals": "x"}, "then": {"effect": "deny"}}
        }
    });
    let assignment = json!({
        "type": "Microsoft.Authorization/policyAssignments",
        "name": "a",
        "properties": {"policyDefinitionId": "/subscriptions/0/providers/Microsoft.Authorization/policyDefinitions/broken"}
    });
    let artifacts = vec![
        ("d.json".to_string(), broken),
        ("a.json".to_string(), assignment),
    ];
    let cases = [case(
        "tests/x.json",
        "",
        account("rg", "westeurope", true),
        "deny",
    )];
    let report = run_suite(&artifacts, &cases);
    insta::assert_snapshot!(report.render(), @r"
    PASS tests/x.json (expected deny, got deny)
        warning: assignment `a` → definition `broken`: `utcNow` reads the clock, which an offline evaluation cannot do
    1 passed, 0 failed
    ");
    assert_eq!(
        report.to_json(),
        json!({
            "passed": 1,
            "failed": 0,
            "cases": [{"name": "tests/x.json", "description": "", "expected": "deny", "got": "deny", "passed": true, "problems": [], "skipped": []}],
            "unexercised": [],
        })
    );
}

#[test]
fn rules_about_other_types_are_summarised() {
    let cases = [case(
        "tests/acct.json",
        "",
        account("rg-ai", "westeurope", false),
        "deny",
    )];
    let rendered = run_suite(&tree(), &cases).render();
    assert!(
        rendered.contains("    about other resource types: `allowedModels`\n"),
        "{rendered}"
    );
    assert!(
        rendered.contains("reference `localAuth`: audit\n"),
        "{rendered}"
    );
    assert!(
        rendered.contains("reference `regions`: compliant\n"),
        "{rendered}"
    );
}

#[test]
fn management_groups_place_the_resource() {
    let text = |groups: &str| {
        format!(
            r#"{{"resource": {}, "expect": "compliant", "managementGroups": {groups}}}"#,
            account("rg-ai", "eastus", false)
        )
    };
    // Outside the `contoso` management group, only the sandbox subscription's assignment could
    // apply, and the resource is not in that subscription.
    let outside = parse_cases("tests/outside.json", &text(r#"["other"]"#)).expect("valid case");
    assert!(run_suite(&tree(), &outside).success());
    let inside = parse_cases("tests/inside.json", &text(r#""CONTOSO""#)).expect("valid case");
    assert_eq!(
        run_suite(&tree(), &inside).cases[0].verdict.as_deref(),
        Some("deny")
    );
    assert!(parse_cases("tests/bad.json", &text("[1]")).is_err());
}

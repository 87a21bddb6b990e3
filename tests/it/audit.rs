//! `charter audit` and `charter eval` end to end, on exports written by hand from the documented
//! shapes (tests/fixtures/audit/): an Azure Resource Graph export, an `az resource list`, an
//! `az group export` ARM template and a Terraform plan of a workload team, with resources
//! Charter did not generate; and `charter test`'s report formats.

use serde_json::Value;
use std::process::{Command, Output};

fn charter(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_charter"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("run charter")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

const TODAY: &str = "--today=2026-11-22";
const GRAPH: &str = "tests/fixtures/audit/resource-graph.json";
const LIST: &str = "tests/fixtures/audit/resource-list.json";
const EXPORT: &str = "tests/fixtures/audit/group-export.json";
const PLAN: &str = "tests/fixtures/audit/workload-plan.json";
const SUPPORT_GROUP: &str =
    "/subscriptions/8d3c1f0e-5b7a-4c2e-9f1d-3a6b0c4e7d21/resourceGroups/rg-support-ai";
const SANDBOX_SUBSCRIPTION: &str = "2a6f9d3e-7c1b-4d8a-9e5f-0b3c7a1d6e94";

/// Runs `charter audit examples/contoso` with `args` and `--format json`; returns the exit code
/// and the one JSON document.
fn audit_json(args: &[&str]) -> (Option<i32>, Value) {
    let mut all = vec!["audit", "examples/contoso", TODAY, "--format", "json"];
    all.extend_from_slice(args);
    let output = charter(&all);
    let text = stdout(&output);
    let document: Value = serde_json::from_str(&text).unwrap_or_else(|error| {
        panic!(
            "not one JSON document ({error}):\n{text}\n{}",
            stderr(&output)
        )
    });
    assert_eq!(document["schema_version"], 1, "{text}");
    (output.status.code(), document)
}

/// The resource of a report whose id ends with `suffix`.
pub(crate) fn resource<'d>(document: &'d Value, suffix: &str) -> &'d Value {
    document["resources"]
        .as_array()
        .and_then(|resources| {
            resources.iter().find(|r| {
                r["id"]
                    .as_str()
                    .is_some_and(|id| id.to_lowercase().ends_with(&suffix.to_lowercase()))
            })
        })
        .unwrap_or_else(|| panic!("no resource ending in {suffix}: {document}"))
}

fn checks(resource: &Value) -> Vec<String> {
    resource["checks"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|check| check["check"].as_str().map(str::to_string))
        .collect()
}

fn rules(resource: &Value, verdict: &str) -> Vec<String> {
    resource["rules"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|rule| rule["verdict"] == verdict)
        .filter_map(|rule| rule["rule"].as_str().map(str::to_string))
        .collect()
}

// ------------------------------------------------------------------------- Resource Graph

/// The interface the issue's acceptance test drives, on a Resource Graph export with
/// lower-case types.
#[test]
fn a_resource_graph_export_gets_a_verdict_per_resource() {
    let (code, document) = audit_json(&[
        "--resources",
        GRAPH,
        "--under",
        "contoso-ai-prod",
        "--fail-on",
        "never",
    ]);
    assert_eq!(code, Some(0));
    let resources = document["resources"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(resources.len(), 8);
    for resource in &resources {
        assert!(resource["id"].is_string(), "{resource}");
        assert!(
            ["compliant", "deny", "audit", "exempt", "not_evaluated"]
                .contains(&resource["verdict"].as_str().unwrap_or_default()),
            "{resource}"
        );
    }
    let chat = resource(
        &document,
        "/contoso-customer-support-support-chat-swedencentral",
    );
    assert_eq!(chat["verdict"], "compliant");
    assert_eq!(chat["effect"], "none");
    assert_eq!(chat["owner"], "customer_support");
    assert_eq!(chat["type"], "microsoft.cognitiveservices/accounts");

    let public = resource(
        &document,
        "/contoso-customer-support-agent-assist-francecentral",
    );
    assert_eq!(public["verdict"], "deny");
    assert_eq!(rules(public, "deny"), ["publicNetworkDisabled"]);
    let rule = &public["rules"][0];
    assert_eq!(rule["assignment"], "contoso-ai-1686ec");
    assert_eq!(rule["source"]["file"], "examples/contoso/policy.charter");
    assert_eq!(
        rule["source"]["label"],
        "`public_network` of policy `contoso_ai`"
    );
    assert!(
        rule["compared"][1]
            .as_str()
            .unwrap_or_default()
            .contains("= \"Enabled\" notEquals \"Disabled\""),
        "{rule}"
    );
    assert!(rule["message"]
        .as_str()
        .unwrap_or_default()
        .contains("set publicNetworkAccess to Disabled"));

    let legacy = resource(&document, "/contoso-legacy-openai");
    assert_eq!(legacy["verdict"], "deny");
    assert_eq!(
        rules(legacy, "deny"),
        [
            "accountRegions",
            "localAuthDisabled",
            "publicNetworkDisabled",
            "ownerTag"
        ]
    );
    assert_eq!(legacy["owner"], Value::Null);
    assert_eq!(checks(legacy), ["unaccounted-account"]);

    // Not Charter's, but the initiative's built-in covers search services' keys too.
    let search = resource(&document, "/srch-contoso-research-kb");
    assert_eq!(search["verdict"], "deny");
    assert_eq!(rules(search, "deny"), ["localAuthDisabled"]);
    assert_eq!(
        resource(&document, "/stcontosoresearchdata")["verdict"],
        "compliant"
    );
    assert_eq!(
        resource(&document, "/kv-contoso-support")["verdict"],
        "compliant"
    );
    // The sandbox's subscription is under the sandbox group (the hierarchy says so whatever
    // `--under` says), whose assignment it is exempt from.
    assert_eq!(document["counts"]["deny"], 3);
    assert_eq!(document["audit"]["inputs"][0]["kind"], "resource-graph");
    assert_eq!(document["audit"]["failed"], false);
}

#[test]
fn anything_denied_fails_the_run_unless_told_otherwise() {
    let args = ["--resources", GRAPH, "--under", "contoso-ai-prod"];
    assert_eq!(audit_json(&args).0, Some(1));
    let mut never = args.to_vec();
    never.extend(["--fail-on", "never"]);
    assert_eq!(audit_json(&never).0, Some(0));
}

#[test]
fn an_export_with_nothing_auditable_is_an_error_and_an_empty_one_is_not() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let broken = dir.path().join("broken.json");
    std::fs::write(
        &broken,
        r#"{"count": 2, "data": [{"id": "/subscriptions/s/resourceGroups/rg", "name": "a"}, {"name": "b", "type": null}]}"#,
    )
    .expect("write");
    let broken = broken.to_string_lossy();
    let output = charter(&["audit", "examples/contoso", TODAY, "--resources", &broken]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("2 entries not audited: 2 (it has no `type`): #0, #1; with nothing else in it, there is nothing to audit"),
        "{}",
        stderr(&output)
    );
    let empty = dir.path().join("empty.json");
    std::fs::write(&empty, r#"{"count": 0, "data": []}"#).expect("write");
    let empty = empty.to_string_lossy();
    let output = charter(&["audit", "examples/contoso", TODAY, "--resources", &empty]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
}

/// The sandbox's subscription is under the sandbox group (examples/contoso/hierarchy.charter),
/// whose assignment the sandbox resource group is exempt from until 2027-03-31.
#[test]
fn an_exemption_says_which_and_until_when() {
    let under = format!("{SANDBOX_SUBSCRIPTION}=contoso-ai-sandbox");
    let args = [
        "--resources",
        GRAPH,
        "--under",
        "contoso-ai-prod",
        "--under",
        &under,
        "--fail-on",
        "never",
    ];
    let (_, document) = audit_json(&args);
    let sandbox = resource(&document, "/contoso-sandbox-playground");
    assert_eq!(sandbox["verdict"], "exempt", "{sandbox}");
    let exempted = &sandbox["rules"][0]["exemption"];
    assert_eq!(exempted["name"], "contoso-ai-exempt-rg-ai-sandbox");
    assert_eq!(exempted["expires"], "2027-03-31T23:59:59Z");
    assert_eq!(exempted["category"], "Waiver");
    assert_eq!(checks(sandbox), ["unaccounted-account"]);
    // After the exemption expires the project no longer compiles (E0701, an expired
    // exemption); the evaluator's own test shows the resource denied then.
}

#[test]
fn a_subscription_nothing_places_is_not_evaluated() {
    let (code, document) = audit_json(&["--resources", GRAPH]);
    assert_eq!(code, Some(0), "nothing is known to be denied");
    let legacy = resource(&document, "/contoso-legacy-openai");
    assert_eq!(legacy["verdict"], "not_evaluated");
    assert!(
        legacy["reasons"][0]
            .as_str()
            .unwrap_or_default()
            .contains("which management group its subscription is under is not known"),
        "{legacy}"
    );
    let notes = document["notes"].to_string();
    assert!(notes.contains("--under GROUP"), "{notes}");
}

// ------------------------------------------------------------------------ az resource list

#[test]
fn a_resource_list_without_properties_is_judged_only_on_what_it_has() {
    let (_, document) = audit_json(&[
        "--resources",
        LIST,
        "--under",
        "contoso-ai-prod",
        "--fail-on",
        "never",
    ]);
    assert_eq!(document["audit"]["inputs"][0]["kind"], "resource-list");
    // Region and owner tag are known: denied on those alone.
    let legacy = resource(&document, "/contoso-legacy-openai");
    assert_eq!(legacy["verdict"], "deny");
    assert_eq!(rules(legacy, "deny"), ["accountRegions", "ownerTag"]);
    // The diagnostic-logs audit depends on the account's diagnostic settings, which no
    // export of the account carries.
    assert_eq!(
        rules(legacy, "not_evaluated"),
        [
            "localAuthDisabled",
            "publicNetworkDisabled",
            "diagnosticLogs"
        ]
    );
    let chat = resource(
        &document,
        "/contoso-customer-support-support-chat-swedencentral",
    );
    assert_eq!(chat["verdict"], "not_evaluated");
    assert!(chat["rules"][0]["not_evaluated"]
        .as_str()
        .unwrap_or_default()
        .contains("whose value the input does not give"));
    assert_eq!(
        resource(&document, "/stcontosoresearchdata")["verdict"],
        "compliant"
    );
    assert!(document["notes"]
        .to_string()
        .contains("without `properties`"));
}

// ---------------------------------------------------------------------- az group export

#[test]
fn an_arm_export_finds_a_shared_endpoint_and_a_retiring_model() {
    let (code, document) = audit_json(&[
        "--resources",
        EXPORT,
        "--deployed-to",
        SUPPORT_GROUP,
        "--under",
        "contoso-ai-prod",
    ]);
    assert_eq!(code, Some(1), "a deployment is denied");
    assert_eq!(document["audit"]["inputs"][0]["kind"], "arm-template");
    let legacy = resource(&document, "/deployments/legacy-gpt-4o");
    assert_eq!(legacy["verdict"], "deny");
    assert_eq!(
        rules(legacy, "deny"),
        ["allowedModels", "approvedContentFilter"]
    );
    assert_eq!(legacy["owner"], "research");
    assert_eq!(checks(legacy), ["retiring-version"]);
    let warning = &legacy["checks"][0];
    assert!(
        warning["message"]
            .as_str()
            .unwrap_or_default()
            .contains("retires on 2026-12-09, in 17 days"),
        "{warning}"
    );
    let account = resource(
        &document,
        "/contoso-customer-support-support-chat-swedencentral",
    );
    assert_eq!(account["verdict"], "compliant");
    // The example's endpoints now live in its business units' AI Foundry resources, so this
    // per-endpoint account is also one the project no longer declares.
    assert_eq!(checks(account), ["shared-endpoint", "unaccounted-account"]);
    for compliant in [
        "/deployments/support_chat",
        "/raiPolicies/customer_facing",
        "/raiBlocklists/contoso-banned-terms",
        "/stsupportkbindex",
        "/appi-support-chat",
    ] {
        assert_eq!(
            resource(&document, compliant)["verdict"],
            "compliant",
            "{compliant}"
        );
    }
}

#[test]
fn an_arm_export_without_its_resource_group_says_how_to_give_it() {
    let (_, document) = audit_json(&[
        "--resources",
        EXPORT,
        "--under",
        "contoso-ai-prod",
        "--fail-on",
        "never",
    ]);
    assert!(
        document["notes"].to_string().contains("--deployed-to"),
        "{}",
        document["notes"]
    );
    assert!(resource(&document, "/deployments/legacy-gpt-4o")["id"]
        .as_str()
        .unwrap_or_default()
        .contains("{unknownResourceGroup}"));
}

// ----------------------------------------------------------------------- Terraform plan

#[test]
fn a_workload_teams_terraform_plan_is_refused_before_apply() {
    let (code, document) = audit_json(&["--resources", PLAN, "--under", "contoso-ai-dev"]);
    assert_eq!(code, Some(1));
    assert_eq!(document["audit"]["inputs"][0]["kind"], "terraform-plan");
    let account = resource(&document, "/accounts/contoso-research-experiments-eastus2");
    assert_eq!(
        account["origin"],
        format!("{PLAN}: azurerm_cognitive_account.experiments")
    );
    assert_eq!(
        rules(account, "deny"),
        ["localAuthDisabled", "publicNetworkDisabled"]
    );
    assert_eq!(checks(account), ["unaccounted-account"]);
    let deployment = resource(&document, "/deployments/reasoning");
    assert_eq!(
        rules(deployment, "deny"),
        [
            "allowedModels",
            "approvedContentFilter",
            "deploymentTypes",
            "ownerTag"
        ]
    );
    assert_eq!(checks(deployment), ["retired-version"]);
    let filter = resource(&document, "/raiPolicies/research-loose");
    assert!(rules(filter, "deny").contains(&"raiMode".to_string()));
    assert!(rules(filter, "deny").contains(&"raiHatePrompt".to_string()));
    assert_eq!(
        resource(&document, "/resourceGroups/rg-research-experiments")["verdict"],
        "compliant"
    );
    let skipped = &document["audit"]["inputs"][0]["skipped"];
    assert_eq!(skipped[0]["origin"], "azurerm_resource_group.shared");
    assert_eq!(skipped[1]["origin"], "random_string.suffix");
}

// -------------------------------------------------------------------------- the formats

#[test]
fn the_human_report_groups_by_owner_worst_first() {
    let output = charter(&[
        "audit",
        "examples/contoso",
        TODAY,
        "--resources",
        EXPORT,
        "--deployed-to",
        SUPPORT_GROUP,
        "--under",
        "contoso-ai-prod",
    ]);
    assert_eq!(output.status.code(), Some(1));
    insta::assert_snapshot!("audit_human_group_export", stdout(&output));
}

#[test]
fn sarif_junit_and_markdown() {
    let args = |format: &'static str| {
        vec![
            "audit",
            "examples/contoso",
            TODAY,
            "--resources",
            GRAPH,
            "--under",
            "contoso-ai-prod",
            "--format",
            format,
        ]
    };
    let output = charter(&args("sarif"));
    assert_eq!(output.status.code(), Some(1));
    let log: Value = serde_json::from_str(&stdout(&output)).expect("one SARIF log");
    assert_eq!(log["version"], "2.1.0");
    let run = &log["runs"][1];
    let results = run["results"].as_array().cloned().unwrap_or_default();
    assert!(results.len() >= 8, "{run}");
    let located = &results[0]["locations"][0]["physicalLocation"];
    assert_eq!(
        located["artifactLocation"]["uri"],
        "examples/contoso/policy.charter"
    );
    assert!(located["region"]["startLine"].as_u64().unwrap_or(0) > 0);

    let output = charter(&args("junit"));
    assert_eq!(output.status.code(), Some(1));
    let xml = stdout(&output);
    let document = roxmltree::Document::parse(&xml).expect("well-formed JUnit XML");
    let suites = document.root_element();
    assert_eq!(suites.tag_name().name(), "testsuites");
    assert_eq!(suites.attribute("tests"), Some("8"));
    assert_eq!(suites.attribute("failures"), Some("3"));

    let output = charter(&args("markdown"));
    let markdown = stdout(&output);
    assert!(
        markdown.starts_with("## charter audit: 8 resources"),
        "{markdown}"
    );
    assert!(markdown.contains("| deny | 3 |"), "{markdown}");
    assert!(markdown.contains("### customer_support"), "{markdown}");
}

#[test]
fn charter_test_prints_one_document_and_junit() {
    let output = charter(&["test", "examples/contoso", TODAY, "--format", "json"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let document: Value = serde_json::from_str(&stdout(&output)).expect("one document");
    assert_eq!(document["tests"]["failed"], 0);
    assert!(document["tests"]["cases"][0]["name"].is_string());

    let output = charter(&["test", "examples/contoso", TODAY, "--format", "junit"]);
    assert_eq!(output.status.code(), Some(0));
    let xml = stdout(&output);
    let document = roxmltree::Document::parse(&xml).expect("well-formed JUnit XML");
    let suite = document
        .descendants()
        .find(|node| node.has_tag_name("testsuite"))
        .expect("a test suite");
    assert_eq!(suite.attribute("failures"), Some("0"));
    let first = document
        .descendants()
        .find(|node| node.has_tag_name("testcase"))
        .expect("a test case");
    assert_eq!(
        first.attribute("name"),
        Some("examples/contoso/tests/accounts.json#0")
    );
}

// ---------------------------------------------------------------------------- mistakes

#[test]
fn unreadable_inputs_are_usage_errors() {
    let dir = tempfile::tempdir().expect("temp dir");
    let not_json = dir.path().join("export.json");
    std::fs::write(&not_json, "{ nope").expect("write");
    let shape = dir.path().join("shape.json");
    std::fs::write(&shape, r#"{"hello": "world"}"#).expect("write");
    for (file, expected) in [
        (not_json.to_str().unwrap_or_default(), "not valid JSON"),
        (
            shape.to_str().unwrap_or_default(),
            "not a resource export Charter knows",
        ),
        ("tests/fixtures/audit/missing.json", "cannot read"),
    ] {
        let output = charter(&["audit", "examples/contoso", TODAY, "--resources", file]);
        assert_eq!(output.status.code(), Some(2), "{file}: {}", stderr(&output));
        assert!(stderr(&output).contains(expected), "{}", stderr(&output));
    }
    let output = charter(&[
        "audit",
        "examples/contoso",
        TODAY,
        "--resources",
        GRAPH,
        "--deployed-to",
        "rg-support-ai",
        "--format",
        "json",
    ]);
    assert_eq!(output.status.code(), Some(2));
    let document: Value = serde_json::from_str(&stdout(&output)).expect("one document");
    assert!(document["error"]["message"]
        .as_str()
        .unwrap_or_default()
        .contains("is not a subscription or resource group id"));
    let output = charter(&["audit", "examples/contoso", TODAY]);
    assert_eq!(
        output.status.code(),
        Some(2),
        "--resources or --from-azure is required"
    );
}

// -------------------------------------------------------------------------------- eval

fn eval_json(args: &[&str]) -> (Option<i32>, Value) {
    let mut all = vec!["eval", "--format", "json"];
    all.extend_from_slice(args);
    let output = charter(&all);
    let document: Value = serde_json::from_str(&stdout(&output))
        .unwrap_or_else(|error| panic!("{error}: {}{}", stdout(&output), stderr(&output)));
    (output.status.code(), document)
}

#[test]
fn eval_gives_the_effect_of_a_hand_written_definition_of_another_provider() {
    let dir = tempfile::tempdir().expect("temp dir");
    let definition = dir.path().join("storage-public-blobs.json");
    std::fs::write(
        &definition,
        r#"{
          "name": "storage-no-public-blobs",
          "properties": {
            "displayName": "Storage accounts should prevent public blob access",
            "mode": "Indexed",
            "parameters": {"effect": {"type": "String", "allowedValues": ["Audit", "Deny", "Disabled"], "defaultValue": "Audit"}},
            "policyRule": {
              "if": {"allOf": [
                {"field": "type", "equals": "Microsoft.Storage/storageAccounts"},
                {"field": "Microsoft.Storage/storageAccounts/allowBlobPublicAccess", "notEquals": false}
              ]},
              "then": {"effect": "[parameters('effect')]"}
            }
          }
        }"#,
    )
    .expect("write");
    let resource = dir.path().join("storage.json");
    std::fs::write(
        &resource,
        r#"{"id": "/subscriptions/5e2a9c7b-1d4f-4b8e-a3c6-9f0d2e7b1a48/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/stpublic",
            "type": "Microsoft.Storage/storageAccounts", "name": "stpublic", "location": "eastus2",
            "kind": "StorageV2", "properties": {"allowBlobPublicAccess": true}}"#,
    )
    .expect("write");
    let params = dir.path().join("params.json");
    std::fs::write(&params, r#"{"effect": {"value": "Deny"}}"#).expect("write");
    let definition = definition.to_str().unwrap_or_default();
    let resource = resource.to_str().unwrap_or_default();

    let (code, document) = eval_json(&["--definition", definition, "--resource", resource]);
    assert_eq!(
        (code, &document["effect"]),
        (Some(0), &Value::from("audit"))
    );
    let (code, document) = eval_json(&[
        "--definition",
        definition,
        "--resource",
        resource,
        "--params",
        params.to_str().unwrap_or_default(),
    ]);
    assert_eq!((code, &document["effect"]), (Some(1), &Value::from("deny")));
    let trace = document["resources"][0]["rules"][0]["trace"].to_string();
    assert!(
        trace.contains("allowBlobPublicAccess` = true notEquals false"),
        "{trace}"
    );
    // A Resource Graph export: its storage account allows no public blobs.
    let (code, document) = eval_json(&["--definition", definition, "--resource", GRAPH]);
    assert_eq!((code, &document["effect"]), (Some(0), &Value::from("none")));
    assert_eq!(document["verdict"], "compliant");
}

#[test]
fn eval_reports_an_unknown_alias_instead_of_guessing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let definition = dir.path().join("made-up.json");
    std::fs::write(
        &definition,
        r#"{"mode": "All", "policyRule": {"if": {"allOf": [
            {"field": "type", "equals": "Microsoft.Storage/storageAccounts"},
            {"field": "Microsoft.Storage/storageAccounts/madeUpSetting", "equals": true}
        ]}, "then": {"effect": "deny"}}}"#,
    )
    .expect("write");
    let (_, document) = eval_json(&[
        "--definition",
        definition.to_str().unwrap_or_default(),
        "--resource",
        "tests/fixtures/audit/resource-graph.json",
    ]);
    let storage = resource(&document, "/stcontosoresearchdata");
    assert_eq!(storage["verdict"], "not_evaluated");
    assert!(storage["rules"][0]["not_evaluated"]
        .as_str()
        .unwrap_or_default()
        .contains("`Microsoft.Storage/storageAccounts/madeUpSetting` is not an alias"));
    assert_eq!(document["effect"], "none");
}

#[test]
fn eval_runs_microsofts_built_ins_and_refuses_wrong_parameters() {
    let builtin = "evaluator/builtins/General__AllowedLocations_Deny.json";
    let dir = tempfile::tempdir().expect("temp dir");
    let params = dir.path().join("locations.json");
    std::fs::write(
        &params,
        r#"{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#",
            "contentVersion": "1.0.0.0",
            "parameters": {"listOfAllowedLocations": {"value": ["swedencentral", "eastus2"]}}}"#,
    )
    .expect("write");
    let (code, document) = eval_json(&[
        "--definition",
        builtin,
        "--resource",
        GRAPH,
        "--params",
        params.to_str().unwrap_or_default(),
        "--fail-on",
        "never",
    ]);
    assert_eq!(code, Some(0));
    assert_eq!(document["effect"], "deny");
    assert_eq!(
        resource(&document, "/contoso-legacy-openai")["effect"],
        "deny"
    );
    assert_eq!(
        resource(&document, "/contoso-research-reasoning-eastus2")["effect"],
        "none"
    );

    let output = charter(&["eval", "--definition", builtin, "--resource", GRAPH]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("needs a value for parameter `listOfAllowedLocations`"),
        "{}",
        stderr(&output)
    );
    let wrong = dir.path().join("wrong.json");
    std::fs::write(&wrong, r#"{"listOfAllowedRegions": ["eastus2"]}"#).expect("write");
    let output = charter(&[
        "eval",
        "--definition",
        builtin,
        "--resource",
        GRAPH,
        "--params",
        wrong.to_str().unwrap_or_default(),
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("declares no parameter `listOfAllowedRegions`"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn eval_expands_an_initiative() {
    let dir = tempfile::tempdir().expect("temp dir");
    let initiative = dir.path().join("initiative.json");
    std::fs::write(
        &initiative,
        r#"{"name": "ai-baseline", "properties": {
            "displayName": "AI baseline",
            "parameters": {"regions": {"type": "Array", "defaultValue": ["swedencentral"]}},
            "policyDefinitions": [
              {"policyDefinitionReferenceId": "locations",
               "policyDefinitionId": "/providers/Microsoft.Authorization/policyDefinitions/e56962a6-4747-49cd-b67b-bf8b01975c4c",
               "parameters": {"listOfAllowedLocations": {"value": "[parameters('regions')]"}}},
              {"policyDefinitionReferenceId": "keys",
               "policyDefinitionId": "/providers/Microsoft.Authorization/policyDefinitions/71ef260a-8f18-47b7-abcb-62d0673d94dc",
               "parameters": {"effect": {"value": "Audit"}}}
            ]}}"#,
    )
    .expect("write");
    let (_, document) = eval_json(&[
        "--definition",
        initiative.to_str().unwrap_or_default(),
        "--resource",
        GRAPH,
        "--fail-on",
        "never",
    ]);
    let playground = resource(&document, "/contoso-sandbox-playground");
    assert_eq!(playground["effect"], "deny");
    let verdicts: Vec<(String, String)> = playground["rules"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|rule| {
            (
                rule["rule"].as_str().unwrap_or_default().to_string(),
                rule["verdict"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    assert!(
        verdicts.contains(&("locations".to_string(), "deny".to_string())),
        "{verdicts:?}"
    );
    assert!(
        verdicts.contains(&("keys".to_string(), "audit".to_string())),
        "{verdicts:?}"
    );
}

// ------------------------------------------------------------------------- --from-azure

use crate::emulator::Emulator;

/// An emulator holding `seed`.
fn start_emulator(seed: Value) -> Option<Emulator> {
    Emulator::start_config(&serde_json::json!({ "seed": seed }))
}

impl Emulator {
    /// `charter audit examples/contoso --from-azure` signed in to the emulator as its default
    /// client.
    fn audit(&self, args: &[&str]) -> Output {
        let mut command = Command::new(env!("CARGO_BIN_EXE_charter"));
        command
            .args(["audit", "examples/contoso", TODAY, "--from-azure"])
            .args(["--arm-endpoint", &self.url, "--retry-timeout", "20"])
            .args(args);
        self.sign_in(&mut command, Some(crate::emulator::SECRET));
        command
            .stdin(std::process::Stdio::null())
            .output()
            .expect("charter runs")
    }
}

const SUPPORT_SUBSCRIPTION: &str = "8d3c1f0e-5b7a-4c2e-9f1d-3a6b0c4e7d21";

/// What the support team's subscription holds: its governed endpoint (account, deployment,
/// filter, blocklist, as Charter builds them) and an account someone made by hand in the
/// portal, with an old model on the default filter.
fn support_estate() -> Value {
    let chat = format!(
        "{SUPPORT_GROUP}/providers/Microsoft.CognitiveServices/accounts/contoso-customer-support-support-chat-swedencentral"
    );
    let shadow = format!(
        "/subscriptions/{SUPPORT_SUBSCRIPTION}/resourceGroups/rg-marketing-experiments/providers/Microsoft.CognitiveServices/accounts/marketing-copy-eastus"
    );
    let filters: Vec<Value> = ["Prompt", "Completion"]
        .iter()
        .flat_map(|source| {
            ["Hate", "Sexual", "Violence", "Selfharm"].iter().map(move |name| {
                serde_json::json!({"name": name, "source": source, "severityThreshold": "Low", "blocking": true, "enabled": true})
            })
        })
        .chain([
            serde_json::json!({"name": "Jailbreak", "source": "Prompt", "blocking": true, "enabled": true}),
            serde_json::json!({"name": "Indirect Attack", "source": "Prompt", "blocking": false, "enabled": true}),
            serde_json::json!({"name": "Protected Material Text", "source": "Completion", "blocking": true, "enabled": true}),
            serde_json::json!({"name": "Protected Material Code", "source": "Completion", "blocking": true, "enabled": true}),
            serde_json::json!({"name": "Indirect Attack", "source": "PostToolCall", "blocking": false, "enabled": true, "action": "ANNOTATING"}),
        ])
        .collect();
    serde_json::json!({"resources": [
        {"id": chat, "location": "swedencentral", "kind": "OpenAI", "sku": {"name": "S0"},
         "tags": {"contoso-workload": "customer_support"},
         "properties": {"customSubDomainName": "contoso-customer-support-support-chat-swedencentral",
                        "publicNetworkAccess": "Disabled", "disableLocalAuth": true,
                        "networkAcls": {"defaultAction": "Deny", "ipRules": [], "virtualNetworkRules": []}}},
        {"id": format!("{chat}/deployments/support_chat"), "sku": {"name": "DataZoneStandard", "capacity": 120},
         "tags": {"contoso-workload": "customer_support"},
         "properties": {"model": {"format": "OpenAI", "name": "gpt-5.6-sol", "version": "2026-07-09"},
                        "versionUpgradeOption": "NoAutoUpgrade", "raiPolicyName": "customer_facing"}},
        {"id": format!("{chat}/raiBlocklists/contoso-banned-terms"),
         "properties": {"description": "Product code names and other terms Contoso's assistants must never echo."}},
        {"id": format!("{chat}/raiPolicies/customer_facing"),
         "properties": {"mode": "Default", "basePolicyName": "Microsoft.Default", "contentFilters": filters,
                        "customBlocklists": [
                            {"source": "Prompt", "blocklistName": "contoso-banned-terms", "blocking": true},
                            {"source": "Completion", "blocklistName": "contoso-banned-terms", "blocking": true}]}},
        {"id": shadow, "location": "eastus", "kind": "OpenAI", "sku": {"name": "S0"},
         "properties": {"customSubDomainName": "marketing-copy-eastus", "publicNetworkAccess": "Enabled"}},
        {"id": format!("{shadow}/deployments/copywriter"), "sku": {"name": "GlobalStandard", "capacity": 10},
         "properties": {"model": {"format": "OpenAI", "name": "gpt-4o", "version": "2024-05-13"},
                        "versionUpgradeOption": "OnceNewDefaultVersionAvailable", "raiPolicyName": "Microsoft.DefaultV2"}}
    ]})
}

#[test]
fn from_azure_reads_the_estate_live() {
    let Some(emulator) = start_emulator(support_estate()) else {
        return;
    };
    let subscription = format!("contoso-support-prod={SUPPORT_SUBSCRIPTION}");
    let output = emulator.audit(&[
        "--subscription",
        &subscription,
        "--under",
        "contoso-ai-prod",
        "--format",
        "json",
    ]);
    let text = stdout(&output);
    let document: Value = serde_json::from_str(&text)
        .unwrap_or_else(|error| panic!("{error}: {text}{}", stderr(&output)));
    assert_eq!(output.status.code(), Some(1), "{text}");
    assert_eq!(document["audit"]["inputs"][0]["kind"], "azure", "{text}");
    assert_eq!(
        document["resources"].as_array().map(Vec::len),
        Some(6),
        "{text}"
    );
    assert!(
        document["notes"]
            .to_string()
            .contains("4 system-managed content filters (`Microsoft.Default`, `Microsoft.DefaultV2`) left out"),
        "{text}"
    );
    for compliant in [
        "/contoso-customer-support-support-chat-swedencentral",
        "/deployments/support_chat",
        "/raiPolicies/customer_facing",
        "/raiBlocklists/contoso-banned-terms",
    ] {
        assert_eq!(
            resource(&document, compliant)["verdict"],
            "compliant",
            "{compliant}: {text}"
        );
    }
    let shadow = resource(&document, "/marketing-copy-eastus");
    assert_eq!(shadow["verdict"], "deny");
    assert_eq!(
        rules(shadow, "deny"),
        [
            "accountRegions",
            "localAuthDisabled",
            "publicNetworkDisabled",
            "ownerTag"
        ]
    );
    assert_eq!(checks(shadow), ["unaccounted-account"]);
    let copywriter = resource(&document, "/deployments/copywriter");
    assert_eq!(copywriter["verdict"], "deny");
    assert!(rules(copywriter, "deny").contains(&"allowedModels".to_string()));
    assert_eq!(checks(copywriter), ["retiring-version"]);
}

/// examples/contoso declares its hierarchy, so `--from-azure` reads every subscription of it
/// without being told which.
#[test]
fn from_azure_reads_the_subscriptions_of_the_hierarchy() {
    let Some(emulator) = start_emulator(serde_json::json!({"resources": []})) else {
        return;
    };
    let output = emulator.audit(&["--format", "json"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        !stderr(&output).contains("--from-azure does not know which subscriptions to read"),
        "{}",
        stderr(&output)
    );
}

// ------------------------------------------------- what `charter build` emits, planned

const BUILD_PLAN: &str = "tests/fixtures/audit/contoso-build-plan.json";

/// The Terraform `charter build` writes for examples/contoso, planned by Terraform
/// (tests/fixtures/audit/README.md says how), is what its own policies allow.
#[test]
fn the_terraform_charter_builds_audits_clean() {
    // The hierarchy places every subscription the build deploys to: no `--under` or
    // `--subscription` is needed.
    let (code, document) = audit_json(&["--resources", BUILD_PLAN]);
    assert_eq!(code, Some(0), "{document}");
    assert_eq!(document["audit"]["inputs"][0]["kind"], "terraform-plan");
    let resources = document["resources"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    // The endpoint, budget, group and role-assignment resources, and the gateways' services,
    // the workspace and their resource groups (the types the audit maps; the rest is listed as
    // unmapped).
    assert_eq!(resources.len(), 74, "{document}");
    // The monitoring workspace and its resource group live in the platform subscription,
    // directly under `contoso-ai`, where the policy is not assigned: nothing there judges them.
    let outside = |r: &&Value| {
        r["verdict"] == "not_evaluated"
            && r["id"]
                .as_str()
                .is_some_and(|id| id.starts_with("/subscriptions/d7f9b1c3-5e2a-4c6d-a8f0-3b5d7f9e1c42/resourceGroups/rg-ai-operations"))
            && r["reasons"][0]
                .as_str()
                .is_some_and(|why| why.starts_with("no assignment covers it"))
    };
    assert_eq!(resources.iter().filter(outside).count(), 2, "{document}");
    let denied: Vec<&Value> = resources
        .iter()
        .filter(|r| r["verdict"] != "compliant" && !outside(r))
        .collect();
    assert!(denied.is_empty(), "{denied:#?}");
    for resource in &resources {
        assert!(
            checks(resource)
                .iter()
                .all(|check| check == "deprecated-version"),
            "only the models' own deprecation is reported: {resource}"
        );
    }
    for kind in [
        "microsoft.cognitiveservices/accounts",
        "microsoft.cognitiveservices/accounts/deployments",
        "microsoft.cognitiveservices/accounts/raipolicies",
        "microsoft.cognitiveservices/accounts/raiblocklists",
    ] {
        assert!(
            resources.iter().any(|r| r["type"]
                .as_str()
                .is_some_and(|t| t.eq_ignore_ascii_case(kind))),
            "{kind}"
        );
    }
}

/// The plan above is of the Terraform `charter build` writes today: every resource it declares
/// and every literal string it sets is in the plan. When the build changes, plan it again
/// (tests/fixtures/audit/README.md).
#[test]
fn the_planned_build_is_the_current_build() {
    let out = tempfile::tempdir().expect("temp dir");
    let output = charter(&[
        "build",
        "examples/contoso",
        TODAY,
        "--out",
        out.path().to_str().unwrap_or_default(),
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let plan: Value = serde_json::from_str(&std::fs::read_to_string(BUILD_PLAN).expect("the plan"))
        .expect("JSON");
    let planned: std::collections::BTreeSet<String> = plan["configuration"]["root_module"]
        ["resources"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|r| r["address"].as_str().map(str::to_string))
        .collect();
    let plan_text = plan.to_string();
    let mut declared = std::collections::BTreeSet::new();
    let mut missing = Vec::new();
    let dir = out.path().join("terraform");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("terraform/")
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|e| e == "tf"))
        // Variables, outputs and provider versions are not resources.
        .filter(|path| {
            !["variables.tf", "outputs.tf", "versions.tf"]
                .iter()
                .any(|skip| path.ends_with(skip))
        })
        .collect();
    files.sort();
    for file in files {
        let text = std::fs::read_to_string(&file).expect("read");
        for line in text.lines() {
            let line = line.trim();
            if let Some(rest) = line.strip_prefix("resource \"") {
                let mut parts = rest.split('"');
                if let (Some(kind), _, Some(name)) = (parts.next(), parts.next(), parts.next()) {
                    declared.insert(format!("{kind}.{name}"));
                }
            }
            // `key = "literal"`: the literal, as JSON writes it, is in the plan.
            if let Some((key, value)) = line.split_once(" = \"") {
                let literal = value.strip_suffix('"').unwrap_or(value);
                let plain = !key.contains(' ')
                    && !literal.contains(['\\', '$', '%', '"'])
                    && !key.trim().is_empty();
                if plain && !plan_text.contains(&format!("\"{literal}\"")) {
                    missing.push(format!("{}: {line}", file.display()));
                }
            }
        }
    }
    assert_eq!(
        declared, planned,
        "the build declares other resources than the plan: plan it again"
    );
    assert!(
        missing.is_empty(),
        "values of the build the plan does not have (plan it again):\n{}",
        missing.join("\n")
    );
}

/// `--format github|azure-devops`: each finding an annotation on the line of the rule that made
/// it (the report itself goes to the log, on standard error).
#[test]
fn ci_annotations_point_at_the_rule() {
    let args = |format: &'static str| {
        vec![
            "audit",
            "examples/contoso",
            TODAY,
            "--resources",
            GRAPH,
            "--under",
            "contoso-ai-prod",
            "--format",
            format,
        ]
    };
    let output = charter(&args("github"));
    assert_eq!(output.status.code(), Some(1));
    let text = stdout(&output);
    assert!(
        text.lines()
            .all(|line| line.starts_with("::error ") || line.starts_with("::warning ")),
        "{text}"
    );
    assert!(
        text.contains("::error file=examples/contoso/policy.charter,line=37,col=3,title=charter%3A contoso-customer-support-agent-assist-francecentral denied by `publicNetworkDisabled`"),
        "{text}"
    );
    assert!(
        text.contains("::warning file=tests/fixtures/audit/resource-graph.json,title=charter%3A contoso-legacy-openai (unaccounted-account)"),
        "{text}"
    );
    assert!(
        stderr(&output).contains("8 resources: 3 denied"),
        "{}",
        stderr(&output)
    );
    let output = charter(&args("azure-devops"));
    assert_eq!(output.status.code(), Some(1));
    let text = stdout(&output);
    assert!(
        text.lines()
            .all(|line| line.starts_with("##vso[task.logissue type=")),
        "{text}"
    );
    assert!(
        text.contains("sourcepath=examples/contoso/policy.charter;linenumber=29;"),
        "{text}"
    );

    let output = charter(&[
        "eval",
        "--definition",
        "evaluator/builtins/General__AllowedLocations_Deny.json",
        "--resource",
        GRAPH,
        "--params",
        "tests/fixtures/audit/locations.params.json",
        "--format",
        "github",
    ]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(text.starts_with("::error file=tests/fixtures/audit/resource-graph.json,title=charter%3A contoso-legacy-openai denied"), "{text}");
}

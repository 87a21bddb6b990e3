//! The Terraform and the Azure Policy JSON carry the same policy rules: both sides are parsed
//! back into JSON and compared, definition by definition.

use std::collections::BTreeMap;

use serde_json::Value;

/// `(definition name, field)` → JSON, read back from the heredocs of `policy.tf`.
fn terraform_definitions(project: &charter_ir::Project) -> BTreeMap<(String, String), Value> {
    let artifacts = charter_terraform::artifacts(project);
    let policy = artifacts
        .iter()
        .find(|artifact| artifact.path == "terraform/policy.tf")
        .expect("the project has governance, so policy.tf exists");
    let mut found = BTreeMap::new();
    let mut lines = policy.contents.lines();
    let mut in_definition = false;
    let mut name = String::new();
    while let Some(line) = lines.next() {
        if line.starts_with("resource ") {
            in_definition = line.starts_with("resource \"azurerm_policy_definition\"");
            continue;
        }
        if !in_definition {
            continue;
        }
        let Some((key, value)) = line.split_once('=') else {
            continue;
        };
        let key = key.trim();
        let value = value.trim();
        if key == "name" {
            name = serde_json::from_str::<String>(value).expect("name is a plain quoted string");
        } else if value == "<<-JSON" {
            let mut body = Vec::new();
            for inner in lines.by_ref() {
                if inner.trim() == "JSON" {
                    break;
                }
                body.push(inner);
            }
            let text = unheredoc(&body);
            let json: Value = serde_json::from_str(&text)
                .unwrap_or_else(|error| panic!("{key} of {name} is not JSON: {error}\n{text}"));
            let previous = found.insert((name.clone(), key.to_string()), json.clone());
            if let Some(previous) = previous {
                // A definition created at two scopes must be the same definition twice.
                assert_eq!(previous, json, "{key} of {name} differs between its copies");
            }
        }
    }
    found
}

/// The text of a flush heredoc: common indentation removed, template escapes undone.
fn unheredoc(lines: &[&str]) -> String {
    let indent = lines
        .iter()
        .filter(|line| !line.trim().is_empty())
        .map(|line| line.len() - line.trim_start().len())
        .min()
        .unwrap_or(0);
    lines
        .iter()
        .map(|line| line.get(indent..).unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n")
        .replace("$${", "${")
        .replace("%%{", "%{")
}

/// The same, read from the Azure Policy backend's REST bodies.
fn azure_policy_definitions(project: &charter_ir::Project) -> BTreeMap<(String, String), Value> {
    let mut found = BTreeMap::new();
    for artifact in charter_azure_policy::artifacts(project) {
        if !artifact.path.starts_with("azure-policy/definitions/") {
            continue;
        }
        let body: Value = serde_json::from_str(&artifact.contents).expect("definition is JSON");
        let name = body["name"]
            .as_str()
            .expect("definition has a name")
            .to_string();
        let properties = &body["properties"];
        for (json_key, hcl_key) in [
            ("policyRule", "policy_rule"),
            ("parameters", "parameters"),
            ("metadata", "metadata"),
        ] {
            let value = &properties[json_key];
            let empty = value.is_null() || value.as_object().is_some_and(|map| map.is_empty());
            if !empty {
                found.insert((name.clone(), hcl_key.to_string()), value.clone());
            }
        }
    }
    found
}

#[test]
fn terraform_carries_the_azure_policy_rules_unchanged() {
    for (name, project) in crate::projects() {
        assert_same_rules(&name, &project);
    }
}

fn assert_same_rules(name: &str, project: &charter_ir::Project) {
    let terraform = terraform_definitions(project);
    let azure_policy = azure_policy_definitions(project);
    assert!(
        azure_policy.keys().any(|(_, key)| key == "policy_rule"),
        "{name} compiles to at least one policy definition"
    );
    let terraform_keys: Vec<_> = terraform.keys().collect();
    let azure_policy_keys: Vec<_> = azure_policy.keys().collect();
    assert_eq!(terraform_keys, azure_policy_keys, "{name}");
    for (key, value) in &azure_policy {
        assert_eq!(
            &terraform[key], value,
            "{name}: {} of {} differs between Terraform and Azure Policy JSON",
            key.1, key.0
        );
    }
}

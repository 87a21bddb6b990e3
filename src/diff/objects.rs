//! What a change does to the artifacts: the Azure objects that publishing the new version over
//! the old one would create, update, replace or delete, computed from the two builds alone,
//! without contacting Azure.
//!
//! Policy objects go through `charter-azure`'s plan, with the old build standing in for what is
//! deployed (so the same normaliser, property diff and replace rules as `charter plan`); the
//! resources Charter's Terraform creates (accounts, deployments, content filters, blocklists,
//! budgets) are compared by id and payload, as the estate describes them. Pure: no IO.

use charter_azure::desired::{desired_state, DesiredOptions};
use charter_azure::model::DeployedObject;
use charter_azure::plan::{self, Action, PlanOptions};
use charter_ir::Project;
use serde::Serialize;
use serde_json::Value;

/// The owner id stamped on both builds: they are compared with each other, never with Azure.
const OWNER: &str = "charter-diff";

/// One Azure object that would change.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ObjectChange {
    /// `create`, `update`, `replace` or `delete`.
    pub action: &'static str,
    /// What kind of object, in words: `assignment`, `definition`, `RAI policy`, `budget`.
    pub kind: String,
    /// Its Azure resource id (with the build's placeholders, such as `{subscriptionId}`).
    pub id: String,
    /// The Terraform resource address, for the resources Charter's Terraform creates.
    pub terraform_address: Option<String>,
    /// The properties that differ (`parameters.allowedModels`, `sku.capacity`).
    pub properties: Vec<String>,
    /// Why Azure cannot change it in place (a replace).
    pub replace_reasons: Vec<String>,
}

/// The Azure objects that differ from `base`'s build to `head`'s.
pub fn compare(base: &Project, head: &Project) -> Result<Vec<ObjectChange>, String> {
    let mut out = policy_objects(base, head)?;
    out.extend(estate_resources(base, head));
    Ok(out)
}

fn desired(project: &Project) -> Result<Vec<charter_azure::model::DesiredObject>, String> {
    let artifacts: Vec<(String, String)> = charter_azure_policy::artifacts(project)
        .into_iter()
        .map(|artifact| (artifact.path, artifact.contents))
        .collect();
    let options = DesiredOptions {
        owner_id: OWNER.to_string(),
        ..DesiredOptions::default()
    };
    desired_state(&artifacts, &options)
        .map(|state| state.objects)
        .map_err(|error| error.to_string())
}

fn policy_objects(base: &Project, head: &Project) -> Result<Vec<ObjectChange>, String> {
    let before: Vec<DeployedObject> = desired(base)?
        .into_iter()
        .map(|object| DeployedObject {
            kind: object.kind,
            id: object.id,
            body: object.body,
        })
        .collect();
    let after = desired(head)?;
    let plan = plan::compute(
        &after,
        &before,
        &[],
        &PlanOptions {
            owner_id: OWNER.to_string(),
            prune: true,
        },
    );
    Ok(plan
        .objects
        .into_iter()
        .filter(|object| object.action != Action::Unchanged)
        .map(|object| ObjectChange {
            action: object.action.as_str(),
            kind: object.kind.label().to_string(),
            id: object.id,
            terraform_address: None,
            // Charter's own bookkeeping (the hash of the body) changes with any change.
            properties: object
                .changes
                .iter()
                .map(|change| change.path.clone())
                .filter(|path| !path.starts_with("metadata.charter"))
                .collect(),
            replace_reasons: object.replace_reasons,
        })
        .collect())
}

fn estate_resources(base: &Project, head: &Project) -> Vec<ObjectChange> {
    let base_estate = charter_governance::estate::estate(base);
    let head_estate = charter_governance::estate::estate(head);
    let before = base_estate.resources();
    let after = head_estate.resources();
    let key = |id: &str| id.to_ascii_lowercase();
    let mut out = Vec::new();
    for resource in &after {
        let address = Some(charter_terraform::address(resource));
        match before.iter().find(|old| key(old.id) == key(resource.id)) {
            None => out.push(ObjectChange {
                action: "create",
                kind: resource.noun.to_string(),
                id: resource.id.to_string(),
                terraform_address: address,
                properties: Vec::new(),
                replace_reasons: Vec::new(),
            }),
            Some(old) if old.payload != resource.payload => {
                let mut properties = Vec::new();
                changed_paths(
                    old.payload,
                    resource.payload,
                    &mut String::new(),
                    &mut properties,
                );
                out.push(ObjectChange {
                    action: "update",
                    kind: resource.noun.to_string(),
                    id: resource.id.to_string(),
                    terraform_address: address,
                    properties,
                    replace_reasons: Vec::new(),
                });
            }
            Some(_) => {}
        }
    }
    for resource in &before {
        if !after.iter().any(|new| key(new.id) == key(resource.id)) {
            out.push(ObjectChange {
                action: "delete",
                kind: resource.noun.to_string(),
                id: resource.id.to_string(),
                terraform_address: Some(charter_terraform::address(resource)),
                properties: Vec::new(),
                replace_reasons: Vec::new(),
            });
        }
    }
    out
}

/// The paths of the values that differ (`properties.raiPolicyName`, `sku.capacity`); a list
/// that differs is one path.
fn changed_paths(old: &Value, new: &Value, path: &mut String, out: &mut Vec<String>) {
    if old == new {
        return;
    }
    match (old, new) {
        (Value::Object(before), Value::Object(after)) => {
            let mut keys: Vec<&String> = before.keys().chain(after.keys()).collect();
            keys.sort();
            keys.dedup();
            for key in keys {
                let length = path.len();
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key);
                changed_paths(
                    before.get(key).unwrap_or(&Value::Null),
                    after.get(key).unwrap_or(&Value::Null),
                    path,
                    out,
                );
                path.truncate(length);
            }
        }
        _ => out.push(if path.is_empty() {
            "(body)".to_string()
        } else {
            path.clone()
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn changed_paths_name_the_leaves_that_differ() {
        let mut out = Vec::new();
        changed_paths(
            &json!({"sku": {"name": "S", "capacity": 1}, "tags": {"a": "b"}, "list": [1]}),
            &json!({"sku": {"name": "S", "capacity": 2}, "tags": {}, "list": [1, 2]}),
            &mut String::new(),
            &mut out,
        );
        assert_eq!(out, ["list", "sku.capacity", "tags.a"]);
    }
}

//! Resource descriptions as users have them, turned into the payloads Azure Policy evaluates.
//!
//! `charter audit --resources FILE` and `charter eval --resource FILE` take whatever the user
//! has, and tell the shape from the content:
//!
//! * an Azure Resource Graph export (`az graph query`: `{"data": [rows]}`, or its table form
//!   `{"data": {"columns", "rows"}}`, or an array of rows), whose types are lower case as
//!   Resource Graph returns them;
//! * the output of `az resource list` (an array of resources without `properties`: what a rule
//!   reads from `properties` is then not known, and reported so);
//! * an ARM template (`az group export`), whose resources' names and values are template
//!   expressions ([`template`]);
//! * a Terraform plan (`terraform show -json plan.out`), whose `resource_changes` for azurerm and
//!   AzAPI resources become the payloads Azure would receive ([`terraform`]);
//! * ARM payloads themselves: one resource, an array of them, or a list response
//!   (`{"value": [...]}`).
//!
//! Nothing here guesses: a value the input does not have is listed in
//! [`InputResource::unknown`], and a resource that cannot be described is skipped with the
//! reason.

mod template;
mod terraform;

use serde_json::{Map, Value};

/// The shape an input was recognised as.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InputKind {
    /// Azure Resource Graph rows.
    ResourceGraph,
    /// `az resource list` (resources without `properties`).
    ResourceList,
    /// An ARM template (`az group export`).
    ArmTemplate,
    /// A Terraform plan (`terraform show -json`).
    TerraformPlan,
    /// ARM resource payloads.
    Payloads,
}

impl InputKind {
    /// How the report names the shape.
    pub fn describe(self) -> &'static str {
        match self {
            InputKind::ResourceGraph => "an Azure Resource Graph export",
            InputKind::ResourceList => "an `az resource list` export",
            InputKind::ArmTemplate => "an ARM template",
            InputKind::TerraformPlan => "a Terraform plan",
            InputKind::Payloads => "ARM resource payloads",
        }
    }
}

/// One resource of an input, as Azure Policy would see it.
#[derive(Clone, Debug, PartialEq)]
pub struct InputResource {
    /// The payload (`id`, `type`, `name`, `location`, `tags`, `sku`, `kind`, `properties`, ...).
    pub payload: Value,
    /// Paths of the payload whose values the input does not give (lower case, dotted, without
    /// `[*]`), for [`crate::audit::Subject::unknown`].
    pub unknown: Vec<String>,
    /// Where in the input it is: `#3` (the fourth row), a Terraform address, a template
    /// resource's name.
    pub origin: String,
}

/// What an input file holds.
#[derive(Clone, Debug, PartialEq)]
pub struct Input {
    pub kind: InputKind,
    pub resources: Vec<InputResource>,
    /// Entries that are not audited, with the reason: `(origin, reason)`.
    pub skipped: Vec<(String, String)>,
    /// What the reader of the report should know about the input.
    pub notes: Vec<String>,
}

/// What an input may not say, given by the user.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct InputOptions {
    /// The resource group (`/subscriptions/<id>/resourceGroups/<name>`) or subscription an ARM
    /// template is deployed to, or the subscription of a Terraform plan whose provider does not
    /// name one.
    pub deployed_to: Option<String>,
}

/// The subscription segment of an id whose subscription the input does not give: a
/// placeholder that no scope matches for certain.
pub const UNKNOWN_SUBSCRIPTION: &str = "{unknownSubscription}";

/// The resource group segment of an id whose resource group the input does not give.
pub const UNKNOWN_RESOURCE_GROUP: &str = "{unknownResourceGroup}";

/// Recognises the shape of `value` and reads its resources.
pub fn read(value: &Value, options: &InputOptions) -> Result<Input, String> {
    match value {
        Value::Object(object) => {
            if object.contains_key("resource_changes")
                || (object.contains_key("terraform_version") && object.contains_key("planned_values"))
            {
                return terraform::read(value, options);
            }
            if object.contains_key("format_version") && object.contains_key("terraform_version") {
                return Err(
                    "this is Terraform JSON, but not a plan with `resource_changes`: make it with `terraform plan -out plan.out` and `terraform show -json plan.out`"
                        .to_string(),
                );
            }
            let schema = object.get("$schema").and_then(Value::as_str).unwrap_or_default();
            if schema.to_lowercase().contains("deploymenttemplate")
                || (object.contains_key("contentVersion") && object.contains_key("resources"))
            {
                return template::read(value, options);
            }
            if let Some(data) = object.get("data") {
                return resource_graph(data);
            }
            if let Some(Value::Array(items)) = object.get("value") {
                return Ok(rows(items, InputKind::Payloads));
            }
            if object.contains_key("type") && (object.contains_key("id") || object.contains_key("name")) {
                return Ok(rows(std::slice::from_ref(value), InputKind::Payloads));
            }
            Err(not_recognised())
        }
        Value::Array(items) => {
            if items.iter().any(|item| !item.is_object()) {
                return Err(
                    "the array holds something other than resources (objects with `type` and `id`)"
                        .to_string(),
                );
            }
            let kind = if items.iter().any(is_graph_row) {
                InputKind::ResourceGraph
            } else if !items.is_empty()
                && items.iter().all(|item| {
                    item.get("resourceGroup").is_some()
                        && item.get("properties").is_none_or(Value::is_null)
                })
            {
                InputKind::ResourceList
            } else {
                InputKind::Payloads
            };
            Ok(rows(items, kind))
        }
        _ => Err(not_recognised()),
    }
}

fn not_recognised() -> String {
    "not a resource export Charter knows: expected Azure Resource Graph rows (`az graph query`), `az resource list` output, an ARM template (`az group export`), a Terraform plan (`terraform show -json plan.out`), or ARM resource payloads"
        .to_string()
}

/// Whether a row looks like Azure Resource Graph's: it carries the columns Resource Graph adds
/// (`tenantId`, `subscriptionId`, `resourceGroup`) or a lower-case type.
fn is_graph_row(item: &Value) -> bool {
    let lower_type = item
        .get("type")
        .and_then(Value::as_str)
        .is_some_and(|t| t.contains('/') && t == t.to_lowercase());
    lower_type || (item.get("tenantId").is_some() && item.get("subscriptionId").is_some())
}

/// `az graph query` output: `data` is an array of rows, or a table (`columns` and `rows`).
fn resource_graph(data: &Value) -> Result<Input, String> {
    match data {
        Value::Array(items) => Ok(rows(items, InputKind::ResourceGraph)),
        Value::Object(table) => {
            let columns: Vec<String> = table
                .get("columns")
                .and_then(Value::as_array)
                .ok_or("a Resource Graph table needs `columns`")?
                .iter()
                .map(|column| {
                    column
                        .get("name")
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .to_string()
                })
                .collect();
            let items: Vec<Value> = table
                .get("rows")
                .and_then(Value::as_array)
                .ok_or("a Resource Graph table needs `rows`")?
                .iter()
                .map(|row| {
                    let cells = row.as_array().cloned().unwrap_or_default();
                    Value::Object(
                        columns
                            .iter()
                            .cloned()
                            .zip(cells)
                            .collect::<Map<String, Value>>(),
                    )
                })
                .collect();
            Ok(rows(&items, InputKind::ResourceGraph))
        }
        _ => Err("`data` is neither Resource Graph rows nor a table".to_string()),
    }
}

/// Rows that are payloads already (perhaps without `properties`).
fn rows(items: &[Value], kind: InputKind) -> Input {
    let mut input = Input {
        kind,
        resources: Vec::with_capacity(items.len()),
        skipped: Vec::new(),
        notes: Vec::new(),
    };
    let mut without_properties = 0usize;
    for (index, item) in items.iter().enumerate() {
        let origin = format!("#{index}");
        let Some(resource_type) = item.get("type").and_then(Value::as_str) else {
            input
                .skipped
                .push((origin, "it has no `type`".to_string()));
            continue;
        };
        if !resource_type.contains('/') {
            input.skipped.push((
                origin,
                format!("`{resource_type}` is not a resource type (`Namespace/type`)"),
            ));
            continue;
        }
        let mut unknown = Vec::new();
        if item.get("properties").is_none_or(Value::is_null) {
            unknown.push("properties".to_string());
            without_properties += 1;
        }
        input.resources.push(InputResource {
            payload: item.clone(),
            unknown,
            origin,
        });
    }
    if without_properties > 0 {
        input.notes.push(format!(
            "{without_properties} resource{} without `properties` (`az resource list` leaves them out): rules that read them are not evaluated; export with `az graph query` or `az resource show` to have them",
            if without_properties == 1 { " is" } else { "s are" }
        ));
    }
    input
}

/// The id of a resource named `name` (`parent/child` for a child) of `resource_type` in
/// `scope` (a resource group or subscription id).
pub(crate) fn resource_id(scope: &str, resource_type: &str, name: &str) -> String {
    let mut types = resource_type.split('/');
    let namespace = types.next().unwrap_or_default();
    let mut id = format!("{}/providers/{namespace}", scope.trim_end_matches('/'));
    let mut names = name.split('/');
    for segment in types {
        id.push('/');
        id.push_str(segment);
        id.push('/');
        id.push_str(names.next().unwrap_or_default());
    }
    id
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn shapes_are_told_apart() {
        let options = InputOptions::default();
        let graph = json!({"count": 1, "data": [{"id": "/subscriptions/s/resourceGroups/r/providers/microsoft.storage/storageaccounts/st", "type": "microsoft.storage/storageaccounts", "name": "st", "properties": {}}]});
        assert_eq!(read(&graph, &options).map(|i| i.kind), Ok(InputKind::ResourceGraph));
        let list = json!([{"id": "/subscriptions/s/resourceGroups/r/providers/Microsoft.Storage/storageAccounts/st", "type": "Microsoft.Storage/storageAccounts", "name": "st", "resourceGroup": "r", "properties": null}]);
        let input = read(&list, &options).expect("a resource list");
        assert_eq!(input.kind, InputKind::ResourceList);
        assert_eq!(input.resources[0].unknown, ["properties"]);
        assert!(input.notes[0].contains("without `properties`"), "{:?}", input.notes);
        let single = json!({"type": "Microsoft.CognitiveServices/accounts", "name": "a", "properties": {}});
        assert_eq!(read(&single, &options).map(|i| i.kind), Ok(InputKind::Payloads));
        assert!(read(&json!({"hello": 1}), &options).is_err());
        assert!(read(&json!([1, 2]), &options).is_err());
    }

    #[test]
    fn a_graph_table_becomes_rows() {
        let table = json!({"data": {"columns": [{"name": "id"}, {"name": "type"}, {"name": "name"}, {"name": "properties"}],
            "rows": [["/subscriptions/s/resourceGroups/r/providers/microsoft.cognitiveservices/accounts/a", "microsoft.cognitiveservices/accounts", "a", {"publicNetworkAccess": "Enabled"}]]}});
        let input = read(&table, &InputOptions::default()).expect("a table");
        assert_eq!(input.resources[0].payload["properties"]["publicNetworkAccess"], "Enabled");
        assert!(input.resources[0].unknown.is_empty());
    }

    #[test]
    fn ids_interleave_types_and_names() {
        assert_eq!(
            resource_id("/subscriptions/s/resourceGroups/r", "Microsoft.CognitiveServices/accounts/deployments", "a/chat"),
            "/subscriptions/s/resourceGroups/r/providers/Microsoft.CognitiveServices/accounts/a/deployments/chat"
        );
    }
}

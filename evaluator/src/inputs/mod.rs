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
mod value;

use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
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
    /// The name tools read (`resource-graph`, `resource-list`, `arm-template`,
    /// `terraform-plan`, `payloads`).
    pub fn slug(self) -> &'static str {
        match self {
            InputKind::ResourceGraph => "resource-graph",
            InputKind::ResourceList => "resource-list",
            InputKind::ArmTemplate => "arm-template",
            InputKind::TerraformPlan => "terraform-plan",
            InputKind::Payloads => "payloads",
        }
    }

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
                || (object.contains_key("terraform_version")
                    && object.contains_key("planned_values"))
            {
                return terraform::read(value, options);
            }
            if object.contains_key("format_version") && object.contains_key("terraform_version") {
                return Err(
                    "this is Terraform JSON, but not a plan with `resource_changes`: make it with `terraform plan -out plan.out` and `terraform show -json plan.out`"
                        .to_string(),
                );
            }
            let schema = object
                .get("$schema")
                .and_then(Value::as_str)
                .unwrap_or_default();
            if schema.to_lowercase().contains("deploymenttemplate")
                || (object.contains_key("contentVersion") && object.contains_key("resources"))
            {
                return template::read(value, options);
            }
            if let Some(data) = object.get("data") {
                return resource_graph(data);
            }
            if let Some(Value::Array(items)) = object.get("value") {
                let mut input = read(&Value::Array(items.clone()), options)?;
                if input.kind == InputKind::ResourceGraph {
                    input.kind = InputKind::Payloads;
                }
                return Ok(input);
            }
            if object.contains_key("type")
                && (object.contains_key("id") || object.contains_key("name"))
            {
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
            let mut input = rows(items, InputKind::Payloads);
            let mut counter = RowCounter::default();
            for item in items {
                counter.rows += 1;
                counter.graph_rows += usize::from(is_graph_row(item));
                counter.listed += usize::from(
                    item.get("resourceGroup").is_some()
                        && item.get("properties").is_none_or(Value::is_null),
                );
            }
            input.kind = counter.kind();
            Ok(input)
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
    let mut counter = RowCounter::default();
    for (index, item) in items.iter().enumerate() {
        match row(index, item.clone(), &mut counter) {
            Ok(resource) => input.resources.push(resource),
            Err(skipped) => input.skipped.push(skipped),
        }
    }
    input.notes.extend(counter.notes());
    input
}

/// What the rows of an input had, for its notes.
#[derive(Default)]
struct RowCounter {
    without_properties: usize,
    graph_rows: usize,
    listed: usize,
    rows: usize,
}

impl RowCounter {
    fn notes(&self) -> Vec<String> {
        let mut notes = Vec::new();
        if self.without_properties > 0 {
            notes.push(format!(
                "{} resource{} without `properties` (`az resource list` leaves them out): rules that read them are not evaluated; export with `az graph query` or `az resource show` to have them",
                self.without_properties,
                if self.without_properties == 1 { " is" } else { "s are" }
            ));
        }
        notes
    }

    /// The kind the rows add up to.
    fn kind(&self) -> InputKind {
        if self.graph_rows > 0 {
            InputKind::ResourceGraph
        } else if self.rows > 0 && self.listed == self.rows {
            InputKind::ResourceList
        } else {
            InputKind::Payloads
        }
    }
}

/// One row of an export: the resource, or why it is skipped.
fn row(
    index: usize,
    item: Value,
    counter: &mut RowCounter,
) -> Result<InputResource, (String, String)> {
    let origin = format!("#{index}");
    counter.rows += 1;
    if !item.is_object() {
        return Err((origin, "it is not an object".to_string()));
    }
    if is_graph_row(&item) {
        counter.graph_rows += 1;
    }
    if item.get("resourceGroup").is_some() && item.get("properties").is_none_or(Value::is_null) {
        counter.listed += 1;
    }
    let Some(resource_type) = item.get("type").and_then(Value::as_str) else {
        return Err((origin, "it has no `type`".to_string()));
    };
    if !resource_type.contains('/') {
        return Err((
            origin,
            format!("`{resource_type}` is not a resource type (`Namespace/type`)"),
        ));
    }
    let mut unknown = Vec::new();
    if item.get("properties").is_none_or(Value::is_null) {
        unknown.push("properties".to_string());
        counter.without_properties += 1;
    }
    Ok(InputResource {
        payload: item,
        unknown,
        origin,
    })
}

/// What a streamed input held besides the resources handed out one by one.
#[derive(Clone, Debug, PartialEq)]
pub struct InputSummary {
    pub kind: InputKind,
    /// How many resources were handed out.
    pub resources: usize,
    /// Entries that are not audited, with the reason: `(origin, reason)`.
    pub skipped: Vec<(String, String)>,
    pub notes: Vec<String>,
}

/// Reads an input from its JSON text, handing each resource to `sink` as soon as it is read,
/// so that an export of many resources is never held in memory whole: the rows of a Resource
/// Graph export or a resource list are parsed one at a time. Templates and plans, which are
/// small, are read whole and then handed out.
pub fn read_streaming(
    text: &str,
    options: &InputOptions,
    sink: &mut dyn FnMut(InputResource),
) -> Result<InputSummary, String> {
    let mut counter = RowCounter::default();
    let mut skipped = Vec::new();
    let mut handed = 0usize;
    let top = {
        let mut on_row = |index: usize, item: Value| match row(index, item, &mut counter) {
            Ok(resource) => {
                handed += 1;
                sink(resource);
            }
            Err(skip) => skipped.push(skip),
        };
        let mut deserializer = serde_json::Deserializer::from_str(text);
        let top = TopSeed {
            on_row: &mut on_row,
        }
        .deserialize(&mut deserializer)
        .map_err(|error| format!("not valid JSON: {error}"))?;
        deserializer
            .end()
            .map_err(|error| format!("not valid JSON: {error}"))?;
        top
    };
    match top {
        Top::Streamed { table: None } => {
            let mut notes = counter.notes();
            if handed == 0 && skipped.is_empty() {
                notes.push("the input holds no resources".to_string());
            }
            Ok(InputSummary {
                kind: counter.kind(),
                resources: handed,
                skipped,
                notes,
            })
        }
        Top::Streamed { table: Some(table) } => {
            let input = resource_graph(&table)?;
            Ok(hand_out(input, sink))
        }
        Top::Object(object, streamed) => {
            if streamed {
                // `{"value": [...]}` (a list response) or `{"data": [...]}` (Resource Graph).
                let mut notes = counter.notes();
                if object.contains_key("skip_token") && !object["skip_token"].is_null() {
                    notes.push("the Resource Graph export has a `skip_token`: it holds only the first page of the query's results".to_string());
                }
                return Ok(InputSummary {
                    kind: counter.kind(),
                    resources: handed,
                    skipped,
                    notes,
                });
            }
            let input = read(&Value::Object(object), options)?;
            Ok(hand_out(input, sink))
        }
    }
}

fn hand_out(input: Input, sink: &mut dyn FnMut(InputResource)) -> InputSummary {
    let count = input.resources.len();
    for resource in input.resources {
        sink(resource);
    }
    InputSummary {
        kind: input.kind,
        resources: count,
        skipped: input.skipped,
        notes: input.notes,
    }
}

/// What the top level of a streamed input was.
enum Top {
    /// An array of rows (handed out), or a Resource Graph table (`data` as columns and rows).
    Streamed { table: Option<Value> },
    /// An object; its `data` or `value` array, if any, was handed out row by row and is left
    /// out of it (the flag says whether there was one).
    Object(Map<String, Value>, bool),
}

struct TopSeed<'s> {
    on_row: &'s mut dyn FnMut(usize, Value),
}

impl<'de> DeserializeSeed<'de> for TopSeed<'_> {
    type Value = Top;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Top, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for TopSeed<'_> {
    type Value = Top;

    fn expecting(&self, formatter: &mut std::fmt::Formatter) -> std::fmt::Result {
        formatter.write_str("a JSON object or array")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Top, A::Error> {
        stream_rows(seq, self.on_row)?;
        Ok(Top::Streamed { table: None })
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Top, A::Error> {
        let mut object = Map::new();
        let mut streamed = false;
        while let Some(key) = map.next_key::<String>()? {
            if key == "data" || key == "value" {
                let rows = RowsOrValue {
                    on_row: &mut *self.on_row,
                };
                match map.next_value_seed(rows)? {
                    Some(value) if key == "data" && value.is_object() => {
                        return drain(map).map(|()| Top::Streamed { table: Some(value) });
                    }
                    Some(value) => {
                        object.insert(key, value);
                    }
                    None => streamed = true,
                }
            } else {
                let value: Value = map.next_value()?;
                object.insert(key, value);
            }
        }
        Ok(Top::Object(object, streamed))
    }

    fn visit_str<E: serde::de::Error>(self, _value: &str) -> Result<Top, E> {
        Err(E::custom("expected a JSON object or array, got a string"))
    }

    fn visit_bool<E: serde::de::Error>(self, _value: bool) -> Result<Top, E> {
        Err(E::custom("expected a JSON object or array, got a boolean"))
    }

    fn visit_i64<E: serde::de::Error>(self, _value: i64) -> Result<Top, E> {
        Err(E::custom("expected a JSON object or array, got a number"))
    }

    fn visit_u64<E: serde::de::Error>(self, _value: u64) -> Result<Top, E> {
        Err(E::custom("expected a JSON object or array, got a number"))
    }

    fn visit_f64<E: serde::de::Error>(self, _value: f64) -> Result<Top, E> {
        Err(E::custom("expected a JSON object or array, got a number"))
    }

    fn visit_unit<E: serde::de::Error>(self) -> Result<Top, E> {
        Err(E::custom("expected a JSON object or array, got null"))
    }
}

/// Reads the rest of a map, keeping nothing.
fn drain<'de, A: MapAccess<'de>>(mut map: A) -> Result<(), A::Error> {
    while map.next_key::<serde::de::IgnoredAny>()?.is_some() {
        map.next_value::<serde::de::IgnoredAny>()?;
    }
    Ok(())
}

fn stream_rows<'de, A: SeqAccess<'de>>(
    mut seq: A,
    on_row: &mut dyn FnMut(usize, Value),
) -> Result<(), A::Error> {
    let mut index = 0;
    while let Some(item) = seq.next_element_seed(value::ValueSeed)? {
        on_row(index, item);
        index += 1;
    }
    Ok(())
}

/// A `data` or `value` member: an array is handed out row by row (`None` is kept), anything
/// else is kept as it is.
struct RowsOrValue<'s> {
    on_row: &'s mut dyn FnMut(usize, Value),
}

impl<'de> DeserializeSeed<'de> for RowsOrValue<'_> {
    type Value = Option<Value>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Option<Value>, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for RowsOrValue<'_> {
    type Value = Option<Value>;

    fn expecting(&self, formatter: &mut std::fmt::Formatter) -> std::fmt::Result {
        formatter.write_str("rows or a value")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Option<Value>, A::Error> {
        stream_rows(seq, self.on_row)?;
        Ok(None)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Option<Value>, A::Error> {
        Value::deserialize_map_value(map).map(Some)
    }

    fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<Option<Value>, E> {
        Ok(Some(Value::String(value.to_string())))
    }

    fn visit_bool<E: serde::de::Error>(self, value: bool) -> Result<Option<Value>, E> {
        Ok(Some(Value::Bool(value)))
    }

    fn visit_i64<E: serde::de::Error>(self, value: i64) -> Result<Option<Value>, E> {
        Ok(Some(Value::from(value)))
    }

    fn visit_u64<E: serde::de::Error>(self, value: u64) -> Result<Option<Value>, E> {
        Ok(Some(Value::from(value)))
    }

    fn visit_f64<E: serde::de::Error>(self, value: f64) -> Result<Option<Value>, E> {
        Ok(Some(Value::from(value)))
    }

    fn visit_unit<E: serde::de::Error>(self) -> Result<Option<Value>, E> {
        Ok(Some(Value::Null))
    }
}

/// Builds a [`Value`] from a map being visited.
trait MapValue {
    fn deserialize_map_value<'de, A: MapAccess<'de>>(map: A) -> Result<Value, A::Error>;
}

impl MapValue for Value {
    fn deserialize_map_value<'de, A: MapAccess<'de>>(mut map: A) -> Result<Value, A::Error> {
        let mut object = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            object.insert(key, map.next_value()?);
        }
        Ok(Value::Object(object))
    }
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
        assert_eq!(
            read(&graph, &options).map(|i| i.kind),
            Ok(InputKind::ResourceGraph)
        );
        let list = json!([{"id": "/subscriptions/s/resourceGroups/r/providers/Microsoft.Storage/storageAccounts/st", "type": "Microsoft.Storage/storageAccounts", "name": "st", "resourceGroup": "r", "properties": null}]);
        let input = read(&list, &options).expect("a resource list");
        assert_eq!(input.kind, InputKind::ResourceList);
        assert_eq!(input.resources[0].unknown, ["properties"]);
        assert!(
            input.notes[0].contains("without `properties`"),
            "{:?}",
            input.notes
        );
        let single =
            json!({"type": "Microsoft.CognitiveServices/accounts", "name": "a", "properties": {}});
        assert_eq!(
            read(&single, &options).map(|i| i.kind),
            Ok(InputKind::Payloads)
        );
        assert!(read(&json!({"hello": 1}), &options).is_err());
        assert!(read(&json!([1, 2]), &options).is_err());
    }

    fn streamed(text: &str) -> (InputSummary, Vec<InputResource>) {
        let mut resources = Vec::new();
        let summary = read_streaming(text, &InputOptions::default(), &mut |resource| {
            resources.push(resource)
        })
        .expect("an input");
        (summary, resources)
    }

    #[test]
    fn streaming_reads_every_shape() {
        let (summary, resources) = streamed(
            r#"{"count": 2, "data": [{"id": "/subscriptions/s/resourceGroups/r/providers/microsoft.storage/storageaccounts/a", "type": "microsoft.storage/storageaccounts", "name": "a", "properties": {}}, {"name": "no type"}], "skip_token": null}"#,
        );
        assert_eq!(summary.kind, InputKind::ResourceGraph);
        assert_eq!((summary.resources, resources.len()), (1, 1));
        assert_eq!(
            summary.skipped,
            [("#1".to_string(), "it has no `type`".to_string())]
        );
        let (summary, resources) = streamed(
            r#"[{"id": "/subscriptions/s/resourceGroups/r/providers/Microsoft.Storage/storageAccounts/a", "type": "Microsoft.Storage/storageAccounts", "name": "a", "resourceGroup": "r", "properties": null}]"#,
        );
        assert_eq!(summary.kind, InputKind::ResourceList);
        assert_eq!(resources[0].unknown, ["properties"]);
        let (summary, resources) = streamed(
            r#"{"data": {"columns": [{"name": "id"}, {"name": "type"}, {"name": "name"}], "rows": [["/subscriptions/s/resourceGroups/r/providers/microsoft.storage/storageaccounts/a", "microsoft.storage/storageaccounts", "a"]]}, "count": 1}"#,
        );
        assert_eq!(
            (summary.kind, resources.len()),
            (InputKind::ResourceGraph, 1)
        );
        let (summary, resources) = streamed(
            r#"{"type": "Microsoft.CognitiveServices/accounts", "name": "a", "properties": {}}"#,
        );
        assert_eq!((summary.kind, resources.len()), (InputKind::Payloads, 1));
        let error =
            read_streaming("[1", &InputOptions::default(), &mut |_| {}).expect_err("broken");
        assert!(error.starts_with("not valid JSON"), "{error}");
        let error = read_streaming("\"text\"", &InputOptions::default(), &mut |_| {})
            .expect_err("a string");
        assert!(error.contains("object or array"), "{error}");
    }

    #[test]
    fn a_graph_table_becomes_rows() {
        let table = json!({"data": {"columns": [{"name": "id"}, {"name": "type"}, {"name": "name"}, {"name": "properties"}],
            "rows": [["/subscriptions/s/resourceGroups/r/providers/microsoft.cognitiveservices/accounts/a", "microsoft.cognitiveservices/accounts", "a", {"publicNetworkAccess": "Enabled"}]]}});
        let input = read(&table, &InputOptions::default()).expect("a table");
        assert_eq!(
            input.resources[0].payload["properties"]["publicNetworkAccess"],
            "Enabled"
        );
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

//! ARM templates, as `az group export` writes them: every resource of the template becomes a
//! payload, with its template expressions (`[parameters('accounts_x_name')]`,
//! `[concat(parameters('a'), '/chat')]`) evaluated the way a deployment would with the
//! parameters' default values.
//!
//! An expression that cannot be evaluated offline (`reference()`, `listKeys()`, a parameter
//! without a default) leaves its value unknown, listed in [`InputResource::unknown`]. A template
//! does not say which resource group it is deployed to; [`InputOptions::deployed_to`] does, and
//! without it the ids carry placeholders that no scope matches for certain.

use std::cell::Cell;

use serde_json::{json, Map, Value};

use super::{
    resource_id, Input, InputKind, InputOptions, InputResource, UNKNOWN_RESOURCE_GROUP,
    UNKNOWN_SUBSCRIPTION,
};
use crate::expression::{self, Context};

/// Members of a template resource that describe the deployment, not the resource.
const DEPLOYMENT_MEMBERS: [&str; 8] = [
    "apiversion",
    "dependson",
    "condition",
    "copy",
    "comments",
    "resources",
    "metadata",
    "existing",
];

pub(super) fn read(template: &Value, options: &InputOptions) -> Result<Input, String> {
    let scope = match &options.deployed_to {
        Some(scope) => scope.trim_end_matches('/').to_string(),
        None => {
            format!("/subscriptions/{UNKNOWN_SUBSCRIPTION}/resourceGroups/{UNKNOWN_RESOURCE_GROUP}")
        }
    };
    let context = TemplateContext {
        parameters: template
            .get("parameters")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default(),
        variables: template
            .get("variables")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default(),
        scope: scope.clone(),
        depth: Cell::new(0),
    };
    let mut input = Input {
        kind: InputKind::ArmTemplate,
        resources: Vec::new(),
        skipped: Vec::new(),
        notes: Vec::new(),
    };
    if options.deployed_to.is_none() {
        input.notes.push(
            "the ARM template does not say which resource group it is deployed to: scopes that name a subscription or resource group cannot be matched (pass --deployed-to /subscriptions/<id>/resourceGroups/<name>)"
                .to_string(),
        );
    }
    // Language version 2.0 templates keep resources in an object keyed by symbolic name.
    let resources: Vec<(String, &Value)> = match template.get("resources") {
        Some(Value::Array(items)) => items
            .iter()
            .enumerate()
            .map(|(index, item)| (format!("resources[{index}]"), item))
            .collect(),
        Some(Value::Object(items)) => items
            .iter()
            .map(|(name, item)| (format!("resources.{name}"), item))
            .collect(),
        _ => return Err("the ARM template has no `resources`".to_string()),
    };
    for (origin, resource) in resources {
        read_resource(&context, resource, None, &origin, &scope, &mut input);
    }
    Ok(input)
}

/// Reads one template resource and its nested children; `parent` is the parent's full type and
/// name.
fn read_resource(
    context: &TemplateContext,
    resource: &Value,
    parent: Option<(&str, &str)>,
    origin: &str,
    scope: &str,
    input: &mut Input,
) {
    let Some(object) = resource.as_object() else {
        input
            .skipped
            .push((origin.to_string(), "it is not an object".to_string()));
        return;
    };
    let text = |key: &str| -> Result<Option<String>, String> {
        match object.get(key) {
            None => Ok(None),
            Some(value) => match expression::evaluate_value(value, context)? {
                Value::String(text) => Ok(Some(text)),
                other => Err(format!("`{key}` is `{other}`, not a string")),
            },
        }
    };
    let (resource_type, name) = match (text("type"), text("name")) {
        (Ok(Some(resource_type)), Ok(Some(name))) => (resource_type, name),
        (Err(error), _) | (_, Err(error)) => {
            input.skipped.push((
                origin.to_string(),
                format!("its type or name cannot be worked out offline: {error}"),
            ));
            return;
        }
        _ => {
            input
                .skipped
                .push((origin.to_string(), "it has no `type` or `name`".to_string()));
            return;
        }
    };
    let (resource_type, name) = match parent {
        // A nested child names only itself: `deployments` and `chat` under an account.
        Some((parent_type, parent_name)) if !resource_type.contains('/') => (
            format!("{parent_type}/{resource_type}"),
            if name.matches('/').count() < parent_name.matches('/').count() + 1 {
                format!("{parent_name}/{name}")
            } else {
                name
            },
        ),
        _ => (resource_type, name),
    };
    let shown = format!("{origin} ({resource_type} `{name}`)");
    if let Some(condition) = object.get("condition") {
        match expression::evaluate_value(condition, context) {
            Ok(Value::Bool(false)) => {
                input
                    .skipped
                    .push((shown, "its `condition` is false".to_string()));
                return;
            }
            Ok(_) => {}
            Err(error) => {
                input.skipped.push((
                    shown,
                    format!("its `condition` cannot be evaluated offline: {error}"),
                ));
                return;
            }
        }
    }
    if object.contains_key("copy") {
        input.skipped.push((
            shown.clone(),
            "it is a `copy` loop, which is not expanded offline".to_string(),
        ));
    } else if object.contains_key("scope")
        || resource_type.eq_ignore_ascii_case("Microsoft.Resources/deployments")
    {
        input.skipped.push((
            shown.clone(),
            "nested deployments and extension resources (`scope`) are not read".to_string(),
        ));
    } else {
        let mut payload = Map::new();
        let mut unknown = Vec::new();
        payload.insert(
            "id".to_string(),
            json!(resource_id(scope, &resource_type, &name)),
        );
        payload.insert("type".to_string(), json!(resource_type));
        payload.insert("name".to_string(), json!(name));
        for (key, value) in object {
            let lowered = key.to_lowercase();
            if lowered == "type"
                || lowered == "name"
                || DEPLOYMENT_MEMBERS.contains(&lowered.as_str())
            {
                continue;
            }
            let evaluated = evaluate_all(value, context, &lowered, &mut unknown);
            payload.insert(key.clone(), evaluated);
        }
        input.resources.push(InputResource {
            payload: Value::Object(payload),
            unknown,
            origin: shown.clone(),
        });
    }
    if let Some(Value::Array(children)) = object.get("resources") {
        for (index, child) in children.iter().enumerate() {
            read_resource(
                context,
                child,
                Some((&resource_type, &name)),
                &format!("{origin}.resources[{index}]"),
                scope,
                input,
            );
        }
    }
}

/// `value` with every template expression in it evaluated; one that cannot be is `null`, and
/// its path goes into `unknown`.
fn evaluate_all(
    value: &Value,
    context: &TemplateContext,
    path: &str,
    unknown: &mut Vec<String>,
) -> Value {
    match value {
        Value::String(text) if expression::is_expression(text) => {
            match expression::evaluate(text, context) {
                Ok(evaluated) => evaluated,
                Err(_) => {
                    unknown.push(path.to_string());
                    Value::Null
                }
            }
        }
        Value::String(text) if text.starts_with("[[") => Value::String(text[1..].to_string()),
        Value::Array(items) => Value::Array(
            items
                .iter()
                .map(|item| evaluate_all(item, context, path, unknown))
                .collect(),
        ),
        Value::Object(object) => Value::Object(
            object
                .iter()
                .map(|(key, item)| {
                    let inner = format!("{path}.{}", key.to_lowercase());
                    (key.clone(), evaluate_all(item, context, &inner, unknown))
                })
                .collect(),
        ),
        other => other.clone(),
    }
}

/// What a template's expressions can read: its parameters' defaults, its variables, and the
/// resource group it is deployed to.
struct TemplateContext {
    parameters: Map<String, Value>,
    variables: Map<String, Value>,
    /// The resource group (or subscription) id.
    scope: String,
    /// How deeply variables refer to variables, to stop a cycle.
    depth: Cell<usize>,
}

/// How deeply variables may refer to each other.
const MAX_VARIABLE_DEPTH: usize = 32;

impl TemplateContext {
    fn lookup<'m>(map: &'m Map<String, Value>, name: &str) -> Option<&'m Value> {
        map.get(name).or_else(|| {
            map.iter()
                .find(|(key, _)| key.eq_ignore_ascii_case(name))
                .map(|(_, value)| value)
        })
    }

    fn nested(&self, value: &Value) -> Result<Value, String> {
        if self.depth.get() > MAX_VARIABLE_DEPTH {
            return Err("parameters and variables refer to each other too deeply".to_string());
        }
        self.depth.set(self.depth.get() + 1);
        let result = expression::evaluate_value(value, self);
        self.depth.set(self.depth.get() - 1);
        result
    }

    fn subscription_id(&self) -> &str {
        self.scope
            .strip_prefix("/subscriptions/")
            .and_then(|rest| rest.split('/').next())
            .unwrap_or(UNKNOWN_SUBSCRIPTION)
    }

    fn resource_group(&self) -> Option<&str> {
        let lowered = self.scope.to_lowercase();
        let index = lowered.find("/resourcegroups/")?;
        self.scope[index + "/resourcegroups/".len()..]
            .split('/')
            .next()
    }
}

impl Context for TemplateContext {
    fn parameter(&self, name: &str) -> Result<Value, String> {
        let declaration = Self::lookup(&self.parameters, name)
            .ok_or_else(|| format!("the template declares no parameter `{name}`"))?;
        let default = declaration
            .get("defaultValue")
            .ok_or_else(|| format!("parameter `{name}` has no default value"))?;
        self.nested(default)
    }

    fn field(&self, _name: &str) -> Result<Value, String> {
        Err("`field()` is for policy rules, not templates".to_string())
    }

    fn current(&self, _name: Option<&str>) -> Result<Value, String> {
        Err("`current()` is for policy rules, not templates".to_string())
    }

    fn request_context(&self) -> Value {
        Value::Object(Map::new())
    }

    fn function(&self, lowered: &str, values: &[Value]) -> Option<Result<Value, String>> {
        match lowered {
            "variables" => Some(match values {
                [Value::String(name)] => Self::lookup(&self.variables, name)
                    .ok_or_else(|| format!("the template declares no variable `{name}`"))
                    .and_then(|value| self.nested(value)),
                _ => Err("`variables` takes a variable name".to_string()),
            }),
            // The location of the resource group is not in the template.
            "resourcegroup" => Some(match self.resource_group() {
                Some(name) => Ok(json!({
                    "id": self.scope,
                    "name": name,
                    "type": "Microsoft.Resources/resourceGroups",
                })),
                None => Err("the template is not deployed to a resource group".to_string()),
            }),
            "subscription" => Some(Ok(json!({
                "id": format!("/subscriptions/{}", self.subscription_id()),
                "subscriptionId": self.subscription_id(),
            }))),
            "resourceid" => Some(self.resource_id(values)),
            _ => None,
        }
    }
}

impl TemplateContext {
    /// `resourceId([subscriptionId], [resourceGroupName], type, name1, name2, ...)`.
    fn resource_id(&self, values: &[Value]) -> Result<Value, String> {
        let texts: Vec<&str> = values
            .iter()
            .map(|value| value.as_str().ok_or("`resourceId` takes strings"))
            .collect::<Result<_, _>>()?;
        let Some(type_index) = texts.iter().position(|text| text.contains('/')) else {
            return Err("`resourceId` needs a resource type".to_string());
        };
        let (before, rest) = texts.split_at(type_index);
        let (subscription, group) = match before {
            [] => (
                self.subscription_id().to_string(),
                self.resource_group().map(str::to_string),
            ),
            [group] => (self.subscription_id().to_string(), Some(group.to_string())),
            [subscription, group] => (subscription.to_string(), Some(group.to_string())),
            _ => return Err(
                "`resourceId` takes at most a subscription and a resource group before the type"
                    .to_string(),
            ),
        };
        let scope = match group {
            Some(group) => format!("/subscriptions/{subscription}/resourceGroups/{group}"),
            None => format!("/subscriptions/{subscription}"),
        };
        Ok(Value::String(resource_id(
            &scope,
            rest[0],
            &rest[1..].join("/"),
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn export() -> Value {
        json!({
            "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
            "contentVersion": "1.0.0.0",
            "parameters": {
                "accounts_contoso_name": {"defaultValue": "contoso-chat", "type": "String"},
                "secret": {"type": "SecureString"}
            },
            "variables": {"sku": "[toUpper('s0')]"},
            "resources": [
                {
                    "type": "Microsoft.CognitiveServices/accounts",
                    "apiVersion": "2025-06-01",
                    "name": "[parameters('accounts_contoso_name')]",
                    "location": "[resourceGroup().location]",
                    "sku": {"name": "[variables('sku')]"},
                    "kind": "OpenAI",
                    "properties": {"publicNetworkAccess": "Disabled", "apiProperties": {"key": "[parameters('secret')]"}},
                    "resources": [
                        {"type": "deployments", "apiVersion": "2025-06-01", "name": "chat",
                         "dependsOn": ["[resourceId('Microsoft.CognitiveServices/accounts', parameters('accounts_contoso_name'))]"],
                         "sku": {"name": "Standard", "capacity": 10},
                         "properties": {"model": {"format": "OpenAI", "name": "gpt-4.1", "version": "2025-04-14"}}}
                    ]
                },
                {
                    "type": "Microsoft.CognitiveServices/accounts/raiPolicies",
                    "apiVersion": "2025-06-01",
                    "name": "[concat(parameters('accounts_contoso_name'), '/strict')]",
                    "properties": {"mode": "Default"}
                }
            ]
        })
    }

    #[test]
    fn expressions_names_children_and_unknowns() {
        let options = InputOptions {
            deployed_to: Some("/subscriptions/1111/resourceGroups/rg-chat".to_string()),
        };
        let input = read(&export(), &options).expect("a template");
        assert!(input.notes.is_empty(), "{:?}", input.notes);
        let account = &input.resources[0];
        assert_eq!(account.payload["name"], "contoso-chat");
        assert_eq!(account.payload["sku"]["name"], "S0");
        assert_eq!(
            account.payload["id"],
            "/subscriptions/1111/resourceGroups/rg-chat/providers/Microsoft.CognitiveServices/accounts/contoso-chat"
        );
        assert_eq!(
            account.unknown,
            ["location", "properties.apiproperties.key"]
        );
        assert!(account.payload.get("apiVersion").is_none());
        let deployment = &input.resources[1];
        assert_eq!(
            deployment.payload["type"],
            "Microsoft.CognitiveServices/accounts/deployments"
        );
        assert_eq!(deployment.payload["name"], "contoso-chat/chat");
        assert_eq!(
            deployment.payload["id"],
            "/subscriptions/1111/resourceGroups/rg-chat/providers/Microsoft.CognitiveServices/accounts/contoso-chat/deployments/chat"
        );
        assert_eq!(input.resources[2].payload["name"], "contoso-chat/strict");
    }

    #[test]
    fn without_a_resource_group_ids_carry_placeholders() {
        let input = read(&export(), &InputOptions::default()).expect("a template");
        assert!(input.resources[1].payload["id"]
            .as_str()
            .unwrap_or_default()
            .starts_with(
                "/subscriptions/{unknownSubscription}/resourceGroups/{unknownResourceGroup}/"
            ));
        assert!(
            input.notes[0].contains("--deployed-to"),
            "{:?}",
            input.notes
        );
    }
}

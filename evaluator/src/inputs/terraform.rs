//! Terraform plans (`terraform show -json plan.out`): each resource change whose after-state
//! Azure would receive in a PUT (create, update, replace) becomes the ARM payload the provider
//! sends for it.
//!
//! The mapping from a provider's attributes to the ARM payload is the provider's, read from its
//! source and schema (azurerm 4.79, AzAPI 2.5; docs/audit.md lists each mapping and its
//! source). Only the attributes listed here are mapped; for a type whose properties Charter does
//! not map, the payload carries what every resource has (name, location, tags) and its
//! `properties` are unknown, so rules that read them are reported as not evaluated rather than
//! judged on a guess.
//!
//! Values known only after apply (`after_unknown`) are unknown in the payload. Ids of resources
//! created by the same plan are worked out from the configuration's references
//! (`parent_id = azurerm_cognitive_account.x.id`), as the provider will compute them.

use std::collections::HashMap;

use serde_json::{json, Map, Value};

use super::{
    resource_id, Input, InputKind, InputOptions, InputResource, UNKNOWN_RESOURCE_GROUP,
    UNKNOWN_SUBSCRIPTION,
};

const AZURERM: &str = "registry.terraform.io/hashicorp/azurerm";
const AZAPI: &str = "registry.terraform.io/azure/azapi";

/// azurerm resource types whose ARM type Charter knows but whose properties it does not map:
/// the payload gets name, location and tags, and `properties` is unknown. The ARM types are
/// those of the ids the provider documents for import.
const ENVELOPE_ONLY: [(&str, &str); 9] = [
    (
        "azurerm_storage_account",
        "Microsoft.Storage/storageAccounts",
    ),
    ("azurerm_key_vault", "Microsoft.KeyVault/vaults"),
    (
        "azurerm_log_analytics_workspace",
        "Microsoft.OperationalInsights/workspaces",
    ),
    (
        "azurerm_application_insights",
        "Microsoft.Insights/components",
    ),
    (
        "azurerm_user_assigned_identity",
        "Microsoft.ManagedIdentity/userAssignedIdentities",
    ),
    (
        "azurerm_private_endpoint",
        "Microsoft.Network/privateEndpoints",
    ),
    ("azurerm_api_management", "Microsoft.ApiManagement/service"),
    ("azurerm_cdn_frontdoor_profile", "Microsoft.Cdn/profiles"),
    (
        "azurerm_traffic_manager_profile",
        "Microsoft.Network/trafficManagerProfiles",
    ),
];

/// Policy objects: what the audit evaluates with, not resources it evaluates.
fn is_policy_object(resource_type: &str) -> bool {
    resource_type.contains("_policy_definition")
        || resource_type.contains("_policy_set_definition")
        || resource_type.contains("_policy_assignment")
        || resource_type.contains("_policy_exemption")
        || resource_type.contains("_policy_remediation")
}

/// A resource change being read.
struct Change<'a> {
    address: String,
    /// The address without instance keys and module prefix (`azapi_resource.items`).
    config_address: String,
    /// The module path (`module.a.module.b.`), empty at the root.
    module: String,
    resource_type: String,
    after: &'a Value,
    after_unknown: &'a Value,
}

pub(super) fn read(plan: &Value, options: &InputOptions) -> Result<Input, String> {
    let changes = plan
        .get("resource_changes")
        .and_then(Value::as_array)
        .ok_or("the plan has no `resource_changes`")?;
    let mut input = Input {
        kind: InputKind::TerraformPlan,
        resources: Vec::new(),
        skipped: Vec::new(),
        notes: Vec::new(),
    };
    let config = Configuration { plan };
    let mut planned: Vec<Change> = Vec::new();
    for change in changes {
        let address = change["address"].as_str().unwrap_or_default().to_string();
        let resource_type = change["type"].as_str().unwrap_or_default().to_string();
        let provider = change["provider_name"]
            .as_str()
            .unwrap_or_default()
            .to_lowercase();
        if change["mode"].as_str() == Some("data") {
            continue;
        }
        let actions: Vec<&str> = change["change"]["actions"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        let puts = actions.contains(&"create") || actions.contains(&"update");
        if !puts {
            let why = match actions.as_slice() {
                ["delete"] => "the plan deletes it",
                ["no-op"] => "the plan does not change it: Azure receives no request for it",
                ["read"] => "the plan only reads it",
                _ => "the plan sends no PUT for it",
            };
            input.skipped.push((address, why.to_string()));
            continue;
        }
        if provider != AZURERM && provider != AZAPI {
            input.skipped.push((
                address,
                format!("provider `{provider}` is not azurerm or azapi"),
            ));
            continue;
        }
        if is_policy_object(&resource_type) {
            input.skipped.push((
                address,
                "a policy object: the audit evaluates with it, not against it".to_string(),
            ));
            continue;
        }
        let module = change["module_address"]
            .as_str()
            .map(|module| format!("{module}."))
            .unwrap_or_default();
        let config_address = format!(
            "{}.{}",
            resource_type,
            change["name"].as_str().unwrap_or_default()
        );
        planned.push(Change {
            address,
            config_address,
            module,
            resource_type,
            after: &change["change"]["after"],
            after_unknown: &change["change"]["after_unknown"],
        });
    }
    // Ids first, to a fixed point: a child's id needs its parent's, which may come later.
    let mut ids: HashMap<String, String> = HashMap::new();
    for _ in 0..8 {
        let before = ids.len();
        for change in &planned {
            if ids.contains_key(&change.address) {
                continue;
            }
            if let Some(id) = arm_id(change, &config, &ids, options) {
                ids.insert(change.address.clone(), id);
            }
        }
        if ids.len() == before {
            break;
        }
    }
    let mut unknown_subscription = false;
    for change in &planned {
        match payload(change, &ids) {
            Ok((payload, unknown)) => {
                unknown_subscription |= payload["id"]
                    .as_str()
                    .is_some_and(|id| id.contains(UNKNOWN_SUBSCRIPTION));
                input.resources.push(InputResource {
                    payload,
                    unknown,
                    origin: change.address.clone(),
                });
            }
            Err(reason) => input.skipped.push((change.address.clone(), reason)),
        }
    }
    if unknown_subscription {
        input.notes.push(
            "the plan does not name the subscription of some resources (the provider takes it from the environment): pass --deployed-to /subscriptions/<id> to place them"
                .to_string(),
        );
    }
    Ok(input)
}

/// The plan's `configuration`, to resolve what `after` leaves unknown.
struct Configuration<'a> {
    plan: &'a Value,
}

impl Configuration<'_> {
    /// The configuration block of a resource.
    fn resource(&self, change: &Change) -> Option<&Value> {
        let mut module = &self.plan["configuration"]["root_module"];
        let mut rest = change.module.as_str();
        while let Some(after) = rest.strip_prefix("module.") {
            let (name, tail) = after.split_once('.').unwrap_or((after, ""));
            // An instance key (`module.m["a"]`) is not part of the module call's name.
            let name = name.split('[').next().unwrap_or(name);
            module = &module["module_calls"][name]["module"];
            rest = tail;
        }
        module["resources"]
            .as_array()?
            .iter()
            .find(|resource| resource["address"].as_str() == Some(change.config_address.as_str()))
    }

    /// The references of an attribute's expression (`["azurerm_cognitive_account.x.id", ...]`).
    fn references(&self, change: &Change, attribute: &str) -> Vec<String> {
        self.resource(change)
            .and_then(|resource| resource["expressions"][attribute]["references"].as_array())
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .map(|reference| format!("{}{reference}", change.module))
            .collect()
    }

    /// The subscription the provider of a resource deploys to: its `subscription_id`, a literal
    /// or a variable's value.
    fn subscription(&self, change: &Change) -> Option<String> {
        let key = self
            .resource(change)
            .and_then(|resource| resource["provider_config_key"].as_str())
            .unwrap_or("azurerm");
        let expression =
            &self.plan["configuration"]["provider_config"][key]["expressions"]["subscription_id"];
        if let Some(constant) = expression["constant_value"].as_str() {
            return Some(constant.to_string());
        }
        expression["references"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .find_map(|reference| {
                let variable = reference.strip_prefix("var.")?;
                self.plan["variables"][variable]["value"]
                    .as_str()
                    .map(str::to_string)
            })
    }
}

/// The value of an attribute, `None` when it is null or unknown after the plan.
fn known<'v>(change: &Change<'v>, attribute: &str) -> Option<&'v Value> {
    if change.after_unknown[attribute] == Value::Bool(true) {
        return None;
    }
    change.after.get(attribute).filter(|value| !value.is_null())
}

fn known_str<'v>(change: &Change<'v>, attribute: &str) -> Option<&'v str> {
    known(change, attribute).and_then(Value::as_str)
}

/// An attribute that holds an ARM id: its value, or the id of the resource its expression
/// references when that is created by the same plan.
fn id_attribute(
    change: &Change,
    attribute: &str,
    config: &Configuration,
    ids: &HashMap<String, String>,
) -> Option<String> {
    if let Some(id) = known_str(change, attribute) {
        return Some(id.to_string());
    }
    config
        .references(change, attribute)
        .iter()
        .find_map(|reference| ids.get(reference.strip_suffix(".id").unwrap_or(reference)))
        .cloned()
}

/// The subscription of an azurerm resource.
fn subscription(change: &Change, config: &Configuration, options: &InputOptions) -> String {
    config
        .subscription(change)
        .or_else(|| {
            options
                .deployed_to
                .as_deref()
                .and_then(|scope| scope.strip_prefix("/subscriptions/"))
                .and_then(|rest| rest.split('/').next())
                .map(str::to_string)
        })
        .unwrap_or_else(|| UNKNOWN_SUBSCRIPTION.to_string())
}

/// The resource group id of an azurerm resource with a `resource_group_name`.
fn group_id(change: &Change, config: &Configuration, options: &InputOptions) -> String {
    let group = known_str(change, "resource_group_name").unwrap_or(UNKNOWN_RESOURCE_GROUP);
    format!(
        "/subscriptions/{}/resourceGroups/{group}",
        subscription(change, config, options)
    )
}

/// The ARM type an azapi `type` (`Microsoft.X/y@2025-06-01`) names.
fn azapi_type(change: &Change) -> Option<String> {
    known_str(change, "type").map(|t| t.split('@').next().unwrap_or(t).to_string())
}

/// The ARM id of a resource, when it can be worked out.
fn arm_id(
    change: &Change,
    config: &Configuration,
    ids: &HashMap<String, String>,
    options: &InputOptions,
) -> Option<String> {
    let name = known_str(change, "name")?;
    match change.resource_type.as_str() {
        "azurerm_resource_group" => Some(format!(
            "/subscriptions/{}/resourceGroups/{name}",
            subscription(change, config, options)
        )),
        "azurerm_cognitive_account" => Some(resource_id(
            &group_id(change, config, options),
            "Microsoft.CognitiveServices/accounts",
            name,
        )),
        "azurerm_cognitive_deployment"
        | "azurerm_cognitive_account_rai_policy"
        | "azurerm_cognitive_account_rai_blocklist" => {
            let account = id_attribute(change, "cognitive_account_id", config, ids)?;
            let child = match change.resource_type.as_str() {
                "azurerm_cognitive_deployment" => "deployments",
                "azurerm_cognitive_account_rai_policy" => "raiPolicies",
                _ => "raiBlocklists",
            };
            Some(format!("{account}/{child}/{name}"))
        }
        "azurerm_consumption_budget_resource_group" => {
            let group = id_attribute(change, "resource_group_id", config, ids)?;
            Some(format!(
                "{group}/providers/Microsoft.Consumption/budgets/{name}"
            ))
        }
        "azapi_resource" => {
            let resource_type = azapi_type(change)?;
            let parent = id_attribute(change, "parent_id", config, ids)?;
            Some(azapi_id(&parent, &resource_type, name))
        }
        other => {
            let (_, arm_type) = ENVELOPE_ONLY.iter().find(|(known, _)| *known == other)?;
            Some(resource_id(
                &group_id(change, config, options),
                arm_type,
                name,
            ))
        }
    }
}

/// The id AzAPI gives a resource of `resource_type` named `name` under `parent`: a child of the
/// parent resource when the parent's type is the type's parent, else a resource of the parent
/// scope (a resource group, a subscription).
fn azapi_id(parent: &str, resource_type: &str, name: &str) -> String {
    let parent_type = parent_type_of(parent);
    let (resource_parent, last) = resource_type
        .rsplit_once('/')
        .unwrap_or(("", resource_type));
    match parent_type {
        Some(parent_type) if parent_type.eq_ignore_ascii_case(resource_parent) => {
            format!("{}/{last}/{name}", parent.trim_end_matches('/'))
        }
        _ => resource_id(parent, resource_type, name),
    }
}

/// The resource type of an id (`Microsoft.CognitiveServices/accounts` of an account id), or
/// `None` for a subscription or resource group.
fn parent_type_of(id: &str) -> Option<String> {
    let lowered = id.to_lowercase();
    let index = lowered.rfind("/providers/")?;
    let segments: Vec<&str> = id[index + "/providers/".len()..].split('/').collect();
    let namespace = segments.first()?;
    let types: Vec<&str> = segments.iter().skip(1).step_by(2).copied().collect();
    Some(format!("{namespace}/{}", types.join("/")))
}

/// `value` mapped by `(attribute, ARM path)` pairs into `properties`, with unknown attributes
/// listed in `unknown` by their ARM path.
struct Payload<'c, 'v> {
    change: &'c Change<'v>,
    map: Map<String, Value>,
    unknown: Vec<String>,
}

impl<'c, 'v> Payload<'c, 'v> {
    fn new(change: &'c Change<'v>, id: Option<&str>, arm_type: &str) -> Payload<'c, 'v> {
        let mut map = Map::new();
        if let Some(id) = id {
            map.insert("id".to_string(), json!(id));
        }
        map.insert("type".to_string(), json!(arm_type));
        if let Some(name) = known_str(change, "name") {
            map.insert("name".to_string(), json!(name));
        }
        Payload {
            change,
            map,
            unknown: Vec::new(),
        }
    }

    /// Sets an ARM path (`properties.customSubDomainName`) from an attribute, or lists the path
    /// as unknown when the plan does not know the attribute yet.
    fn attribute(&mut self, attribute: &str, path: &str, convert: impl Fn(&Value) -> Value) {
        if self.change.after_unknown[attribute] == Value::Bool(true) {
            self.unknown.push(path.to_lowercase());
            return;
        }
        if let Some(value) = known(self.change, attribute) {
            self.set(path, convert(value));
        }
    }

    fn set(&mut self, path: &str, value: Value) {
        let mut segments = path.split('.').peekable();
        let mut current = &mut self.map;
        while let Some(segment) = segments.next() {
            if segments.peek().is_none() {
                current.insert(segment.to_string(), value);
                return;
            }
            let entry = current
                .entry(segment.to_string())
                .or_insert_with(|| Value::Object(Map::new()));
            if !entry.is_object() {
                *entry = Value::Object(Map::new());
            }
            let Value::Object(next) = entry else { return };
            current = next;
        }
    }

    /// Location, normalised as the provider sends it (`swedencentral`), and tags.
    fn location_and_tags(&mut self) {
        self.attribute("location", "location", |value| match value {
            Value::String(location) => json!(crate::evaluate::normalise_location(location)),
            other => other.clone(),
        });
        self.attribute("tags", "tags", Value::clone);
    }

    fn finish(self) -> (Value, Vec<String>) {
        (Value::Object(self.map), self.unknown)
    }
}

/// The first element of a block list (`network_acls`, `sku`, `model`), when the plan has one.
fn block<'v>(change: &Change<'v>, name: &str) -> Option<&'v Map<String, Value>> {
    known(change, name)?.as_array()?.first()?.as_object()
}

fn payload(change: &Change, ids: &HashMap<String, String>) -> Result<(Value, Vec<String>), String> {
    let id = ids.get(&change.address).map(String::as_str);
    let missing_id = || {
        "its id cannot be worked out from the plan (the name, resource group or parent is known only after apply)"
            .to_string()
    };
    match change.resource_type.as_str() {
        "azurerm_resource_group" => {
            let mut payload = Payload::new(change, id, "Microsoft.Resources/resourceGroups");
            payload.location_and_tags();
            Ok(payload.finish())
        }
        "azurerm_cognitive_account" => Ok(cognitive_account(change, id.ok_or_else(missing_id)?)),
        "azurerm_cognitive_deployment" => {
            let mut payload = Payload::new(
                change,
                Some(id.ok_or_else(missing_id)?),
                "Microsoft.CognitiveServices/accounts/deployments",
            );
            if let Some(sku) = block(change, "sku") {
                // `capacity` defaults to 1 in the provider's schema.
                let mut arm = Map::new();
                for (attribute, key) in [
                    ("name", "name"),
                    ("tier", "tier"),
                    ("size", "size"),
                    ("family", "family"),
                ] {
                    if let Some(value) = sku
                        .get(attribute)
                        .filter(|v| !v.is_null() && v.as_str() != Some(""))
                    {
                        arm.insert(key.to_string(), value.clone());
                    }
                }
                arm.insert(
                    "capacity".to_string(),
                    sku.get("capacity")
                        .filter(|v| !v.is_null())
                        .cloned()
                        .unwrap_or(json!(1)),
                );
                payload.set("sku", Value::Object(arm));
            } else if change.after_unknown["sku"] == Value::Bool(true) {
                payload.unknown.push("sku".to_string());
            }
            if let Some(model) = block(change, "model") {
                let mut arm = Map::new();
                for key in ["format", "name", "version"] {
                    if let Some(value) = model
                        .get(key)
                        .filter(|v| !v.is_null() && v.as_str() != Some(""))
                    {
                        arm.insert(key.to_string(), value.clone());
                    }
                }
                payload.set("properties.model", Value::Object(arm));
            }
            // The provider sends `raiPolicyName` only when it is set; Azure then applies its
            // default filter.
            payload.attribute("rai_policy_name", "properties.raiPolicyName", Value::clone);
            payload.attribute(
                "version_upgrade_option",
                "properties.versionUpgradeOption",
                Value::clone,
            );
            payload.attribute(
                "dynamic_throttling_enabled",
                "properties.dynamicThrottlingEnabled",
                Value::clone,
            );
            Ok(payload.finish())
        }
        "azurerm_cognitive_account_rai_policy" => {
            let mut payload = Payload::new(
                change,
                Some(id.ok_or_else(missing_id)?),
                "Microsoft.CognitiveServices/accounts/raiPolicies",
            );
            payload.attribute(
                "base_policy_name",
                "properties.basePolicyName",
                Value::clone,
            );
            payload.attribute("mode", "properties.mode", Value::clone);
            payload.attribute("tags", "tags", Value::clone);
            if change.after_unknown["content_filter"] == Value::Bool(true) {
                payload
                    .unknown
                    .push("properties.contentfilters".to_string());
            } else if let Some(filters) = known(change, "content_filter").and_then(Value::as_array)
            {
                let filters: Vec<Value> = filters
                    .iter()
                    .map(|filter| {
                        json!({
                            "name": filter["name"],
                            "enabled": filter["filter_enabled"],
                            "blocking": filter["block_enabled"],
                            "severityThreshold": filter["severity_threshold"],
                            "source": filter["source"],
                        })
                    })
                    .collect();
                payload.set("properties.contentFilters", Value::Array(filters));
            }
            Ok(payload.finish())
        }
        "azurerm_cognitive_account_rai_blocklist" => {
            let mut payload = Payload::new(
                change,
                Some(id.ok_or_else(missing_id)?),
                "Microsoft.CognitiveServices/accounts/raiBlocklists",
            );
            payload.attribute("description", "properties.description", Value::clone);
            payload.attribute("tags", "tags", Value::clone);
            Ok(payload.finish())
        }
        "azurerm_consumption_budget_resource_group" => {
            let mut payload = Payload::new(
                change,
                Some(id.ok_or_else(missing_id)?),
                "Microsoft.Consumption/budgets",
            );
            payload.set("properties.category", json!("Cost"));
            payload.attribute("amount", "properties.amount", Value::clone);
            payload.attribute("time_grain", "properties.timeGrain", Value::clone);
            if let Some(period) = block(change, "time_period") {
                payload.set(
                    "properties.timePeriod.startDate",
                    period["start_date"].clone(),
                );
                if let Some(end) = period.get("end_date").filter(|v| !v.is_null()) {
                    payload.set("properties.timePeriod.endDate", end.clone());
                }
            }
            // How the provider keys notifications and writes filters is not mapped.
            payload.unknown.push("properties.notifications".to_string());
            payload.unknown.push("properties.filter".to_string());
            Ok(payload.finish())
        }
        "azapi_resource" => azapi_resource(change, id.ok_or_else(missing_id)?),
        other => {
            let Some((_, arm_type)) = ENVELOPE_ONLY.iter().find(|(known, _)| *known == other)
            else {
                return Err(format!(
                    "Charter does not map `{other}` to an ARM payload (docs/audit.md lists the types it maps)"
                ));
            };
            let mut payload = Payload::new(change, Some(id.ok_or_else(missing_id)?), arm_type);
            payload.location_and_tags();
            for path in ["properties", "sku", "kind", "identity"] {
                payload.unknown.push(path.to_string());
            }
            Ok(payload.finish())
        }
    }
}

/// `azurerm_cognitive_account` as the provider sends it (its create and update functions).
fn cognitive_account(change: &Change, id: &str) -> (Value, Vec<String>) {
    let mut payload = Payload::new(change, Some(id), "Microsoft.CognitiveServices/accounts");
    payload.location_and_tags();
    payload.attribute("kind", "kind", Value::clone);
    payload.attribute("sku_name", "sku.name", Value::clone);
    payload.attribute(
        "custom_subdomain_name",
        "properties.customSubDomainName",
        Value::clone,
    );
    // Booleans with provider defaults: `local_auth_enabled` and `public_network_access_enabled`
    // default to true, `outbound_network_access_restricted` and `dynamic_throttling_enabled` to
    // false; the provider always sends them.
    let flag = |attribute: &str, default: bool| -> Option<bool> {
        if change.after_unknown[attribute] == Value::Bool(true) {
            return None;
        }
        Some(
            known(change, attribute)
                .and_then(Value::as_bool)
                .unwrap_or(default),
        )
    };
    match flag("local_auth_enabled", true) {
        Some(enabled) => payload.set("properties.disableLocalAuth", json!(!enabled)),
        None => payload
            .unknown
            .push("properties.disablelocalauth".to_string()),
    }
    match flag("public_network_access_enabled", true) {
        Some(enabled) => payload.set(
            "properties.publicNetworkAccess",
            json!(if enabled { "Enabled" } else { "Disabled" }),
        ),
        None => payload
            .unknown
            .push("properties.publicnetworkaccess".to_string()),
    }
    match flag("outbound_network_access_restricted", false) {
        Some(restricted) => payload.set(
            "properties.restrictOutboundNetworkAccess",
            json!(restricted),
        ),
        None => payload
            .unknown
            .push("properties.restrictoutboundnetworkaccess".to_string()),
    }
    match flag("dynamic_throttling_enabled", false) {
        Some(enabled) => payload.set("properties.dynamicThrottlingEnabled", json!(enabled)),
        None => payload
            .unknown
            .push("properties.dynamicthrottlingenabled".to_string()),
    }
    payload.attribute("fqdns", "properties.allowedFqdnList", Value::clone);
    if change.after_unknown["network_acls"] == Value::Bool(true) {
        payload.unknown.push("properties.networkacls".to_string());
    } else if let Some(acls) = block(change, "network_acls") {
        let ip_rules: Vec<Value> = acls
            .get("ip_rules")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .map(|rule| json!({ "value": rule }))
            .collect();
        let network_rules: Vec<Value> = acls
            .get("virtual_network_rules")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .map(|rule| {
                json!({
                    "id": rule["subnet_id"],
                    "ignoreMissingVnetServiceEndpoint": rule["ignore_missing_vnet_service_endpoint"].as_bool().unwrap_or(false),
                })
            })
            .collect();
        let mut arm = Map::new();
        arm.insert(
            "defaultAction".to_string(),
            acls.get("default_action").cloned().unwrap_or(Value::Null),
        );
        if let Some(bypass) = acls
            .get("bypass")
            .filter(|v| !v.is_null() && v.as_str() != Some(""))
        {
            arm.insert("bypass".to_string(), bypass.clone());
        }
        arm.insert("ipRules".to_string(), Value::Array(ip_rules));
        arm.insert(
            "virtualNetworkRules".to_string(),
            Value::Array(network_rules),
        );
        payload.set("properties.networkAcls", Value::Object(arm));
    }
    if let Some(identity) = block(change, "identity") {
        payload.set("identity.type", identity["type"].clone());
    }
    // Customer-managed keys, user-owned storage and network injection are sent in shapes this
    // mapping does not write out: rules that read them are not evaluated.
    for (attribute, path) in [
        ("customer_managed_key", "properties.encryption"),
        ("storage", "properties.userownedstorage"),
        ("network_injection", "properties.networkinjections"),
    ] {
        if known(change, attribute)
            .and_then(Value::as_array)
            .is_some_and(|blocks| !blocks.is_empty())
            || change.after_unknown[attribute] == Value::Bool(true)
        {
            payload.unknown.push(path.to_string());
        }
    }
    payload.finish()
}

/// `azapi_resource`: its `body` (and `sensitive_body`) is the payload, with `type`, `name`,
/// `location`, `tags` and `identity` from their attributes.
fn azapi_resource(change: &Change, id: &str) -> Result<(Value, Vec<String>), String> {
    let resource_type = azapi_type(change).ok_or("its `type` is known only after apply")?;
    let mut payload = Payload::new(change, Some(id), &resource_type);
    let mut body = Map::new();
    let mut unknown_body = Vec::new();
    match &change.after_unknown["body"] {
        Value::Bool(true) => unknown_body.push(String::new()),
        marks => unknown_paths(marks, "", &mut unknown_body),
    }
    for attribute in ["body", "sensitive_body"] {
        if let Some(Value::Object(object)) = known(change, attribute) {
            merge(&mut body, object);
        }
    }
    for (key, value) in body {
        let lowered = key.to_lowercase();
        if matches!(lowered.as_str(), "id" | "type" | "name") {
            continue;
        }
        payload.map.insert(key, value);
    }
    for path in unknown_body {
        payload.unknown.push(if path.is_empty() {
            "properties".to_string()
        } else {
            path
        });
    }
    if known(change, "location").is_some() || change.after_unknown["location"] == Value::Bool(true)
    {
        payload.attribute("location", "location", |value| match value {
            Value::String(location) => json!(crate::evaluate::normalise_location(location)),
            other => other.clone(),
        });
    }
    if known(change, "tags").is_some_and(|tags| tags.as_object().is_some_and(|t| !t.is_empty())) {
        payload.attribute("tags", "tags", Value::clone);
    }
    if let Some(identity) = block(change, "identity") {
        payload.set("identity.type", identity["type"].clone());
    }
    Ok(payload.finish())
}

/// Merges `from` into `into`, objects member by member.
fn merge(into: &mut Map<String, Value>, from: &Map<String, Value>) {
    for (key, value) in from {
        match (into.get_mut(key), value) {
            (Some(Value::Object(existing)), Value::Object(more)) => merge(existing, more),
            _ => {
                into.insert(key.clone(), value.clone());
            }
        }
    }
}

/// The dotted, lower-case paths an `after_unknown` value marks `true`.
fn unknown_paths(marks: &Value, prefix: &str, out: &mut Vec<String>) {
    match marks {
        Value::Bool(true) => out.push(prefix.to_lowercase()),
        Value::Object(object) => {
            for (key, value) in object {
                let path = if prefix.is_empty() {
                    key.clone()
                } else {
                    format!("{prefix}.{key}")
                };
                unknown_paths(value, &path, out);
            }
        }
        Value::Array(items) => {
            for item in items {
                unknown_paths(item, prefix, out);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan() -> Value {
        json!({
            "format_version": "1.2",
            "terraform_version": "1.11.4",
            "variables": {"subscription_id": {"value": "11111111-2222-3333-4444-555555555555"}},
            "resource_changes": [
                {
                    "address": "azurerm_resource_group.ai", "mode": "managed", "type": "azurerm_resource_group", "name": "ai",
                    "provider_name": "registry.terraform.io/hashicorp/azurerm",
                    "change": {"actions": ["create"],
                        "after": {"name": "rg-ai", "location": "Sweden Central", "tags": {"owner": "chat"}},
                        "after_unknown": {"id": true, "tags": {}}}
                },
                {
                    "address": "azurerm_cognitive_account.chat", "mode": "managed", "type": "azurerm_cognitive_account", "name": "chat",
                    "provider_name": "registry.terraform.io/hashicorp/azurerm",
                    "change": {"actions": ["create"],
                        "after": {"name": "contoso-chat", "location": "swedencentral", "resource_group_name": "rg-ai", "kind": "OpenAI",
                                  "sku_name": "S0", "custom_subdomain_name": "contoso-chat", "local_auth_enabled": false,
                                  "public_network_access_enabled": true, "network_acls": [], "tags": {"owner": "chat"}},
                        "after_unknown": {"id": true, "endpoint": true, "primary_access_key": true, "network_acls": []}}
                },
                {
                    "address": "azapi_resource.deployment", "mode": "managed", "type": "azapi_resource", "name": "deployment",
                    "provider_name": "registry.terraform.io/azure/azapi",
                    "change": {"actions": ["create"],
                        "after": {"type": "Microsoft.CognitiveServices/accounts/deployments@2025-06-01", "name": "chat", "parent_id": null,
                                  "body": {"properties": {"model": {"format": "OpenAI", "name": "gpt-4.1", "version": "2025-04-14"}, "raiPolicyName": "strict"},
                                           "sku": {"name": "Standard", "capacity": 10}},
                                  "tags": {}},
                        "after_unknown": {"id": true, "parent_id": true, "output": true, "body": {}}}
                },
                {
                    "address": "azurerm_storage_account.logs", "mode": "managed", "type": "azurerm_storage_account", "name": "logs",
                    "provider_name": "registry.terraform.io/hashicorp/azurerm",
                    "change": {"actions": ["no-op"], "after": {}, "after_unknown": {}}
                },
                {
                    "address": "azurerm_policy_definition.x", "mode": "managed", "type": "azurerm_policy_definition", "name": "x",
                    "provider_name": "registry.terraform.io/hashicorp/azurerm",
                    "change": {"actions": ["create"], "after": {"name": "x"}, "after_unknown": {}}
                }
            ],
            "configuration": {
                "provider_config": {"azurerm": {"name": "azurerm", "expressions": {"subscription_id": {"references": ["var.subscription_id"]}}}},
                "root_module": {"resources": [
                    {"address": "azapi_resource.deployment", "type": "azapi_resource", "name": "deployment",
                     "expressions": {"parent_id": {"references": ["azurerm_cognitive_account.chat.id", "azurerm_cognitive_account.chat"]}}},
                    {"address": "azurerm_cognitive_account.chat", "type": "azurerm_cognitive_account", "name": "chat", "provider_config_key": "azurerm", "expressions": {}}
                ]}
            }
        })
    }

    #[test]
    fn azurerm_and_azapi_changes_become_payloads() {
        let input = read(&plan(), &InputOptions::default()).expect("a plan");
        assert_eq!(input.resources.len(), 3, "{:?}", input.skipped);
        let group = &input.resources[0].payload;
        assert_eq!(
            group["id"],
            "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-ai"
        );
        assert_eq!(group["location"], "swedencentral");
        let account = &input.resources[1].payload;
        assert_eq!(account["properties"]["disableLocalAuth"], true);
        assert_eq!(account["properties"]["publicNetworkAccess"], "Enabled");
        assert_eq!(account["sku"]["name"], "S0");
        let deployment = &input.resources[2];
        assert_eq!(
            deployment.payload["id"],
            "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-ai/providers/Microsoft.CognitiveServices/accounts/contoso-chat/deployments/chat"
        );
        assert_eq!(deployment.payload["properties"]["raiPolicyName"], "strict");
        assert_eq!(deployment.payload["sku"]["capacity"], 10);
        assert!(deployment.payload.get("tags").is_none());
        let reasons: Vec<&str> = input.skipped.iter().map(|(_, why)| why.as_str()).collect();
        assert!(reasons[0].contains("does not change it"), "{reasons:?}");
        assert!(reasons[1].contains("policy object"), "{reasons:?}");
    }

    #[test]
    fn ids_of_children_of_other_types() {
        assert_eq!(
            azapi_id(
                "/subscriptions/s/resourceGroups/r",
                "Microsoft.CognitiveServices/accounts",
                "a"
            ),
            "/subscriptions/s/resourceGroups/r/providers/Microsoft.CognitiveServices/accounts/a"
        );
        assert_eq!(
            azapi_id(
                "/subscriptions/s/resourceGroups/r/providers/Microsoft.CognitiveServices/accounts/a/raiBlocklists/b",
                "Microsoft.CognitiveServices/accounts/raiBlocklists/raiBlocklistItems",
                "i"
            ),
            "/subscriptions/s/resourceGroups/r/providers/Microsoft.CognitiveServices/accounts/a/raiBlocklists/b/raiBlocklistItems/i"
        );
    }
}

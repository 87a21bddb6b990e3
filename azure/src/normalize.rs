//! The normaliser: brings a body Charter would PUT and the body Azure returns to one canonical
//! form, so that an object that did not change never shows as a change.
//!
//! What Azure adds or rewrites, and how each is handled (sources in docs/publishing.md):
//!
//! * read-only fields: `id`, `type`, `name`, `systemData`, `policyType`, `versions`, an
//!   assignment's `scope`, `instanceId`, `latestDefinitionVersion`,
//!   `effectiveDefinitionVersion`, `identity.principalId` and `identity.tenantId`: dropped;
//! * metadata Azure writes (`createdBy`, `createdOn`, `updatedBy`, `updatedOn`,
//!   `lastSyncedToArgOn`): dropped, and so are Charter's own bookkeeping keys
//!   (`charterOwnerId`, `charterHash`), which are compared on their own;
//! * defaults Azure fills in: a definition's `mode` (`Indexed`), an assignment's
//!   `enforcementMode` (`Default`), `notScopes` (`[]`) and `definitionVersion` (`1.*.*`), an
//!   exemption's `assignmentScopeValidation` (`Default`): filled in on both sides;
//! * null, empty strings, `[]` and `{}` at the top of `properties` and in `metadata` mean
//!   "absent"; inside parameter values and policy rules they are kept, because there they mean
//!   something (`"defaultValue": []` is not a missing default);
//! * parameter values come back wrapped (`{"p": {"value": v}}`): unwrapped on both sides;
//! * ids, enum-like values (`mode`, `enforcementMode`, `exemptionCategory`, parameter `type`,
//!   identity type) and locations compare without case, as Azure compares them;
//! * set-like arrays (see [`array_mode`]) are sorted; ordered ones (policy rules,
//!   `resourceSelectors`, `overrides`) keep their order;
//! * numbers compare by value (`200` and `200.0` are equal); times by instant
//!   (`2027-03-31T23:59:59Z` and `2027-03-31T23:59:59.0000000Z` are equal).
//!
//! Object keys are kept as written; the diff matches them without case.

use crate::model::Kind;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

/// Metadata keys Azure writes itself.
const SERVER_METADATA: [&str; 5] = [
    "createdBy",
    "createdOn",
    "updatedBy",
    "updatedOn",
    "lastSyncedToArgOn",
];

/// The metadata key carrying the project's owner id.
pub const OWNER_KEY: &str = "charterOwnerId";
/// The metadata key carrying the hash of the body Charter published.
pub const HASH_KEY: &str = "charterHash";
/// The metadata key carrying the scopes of an object's dependants (see docs/publishing.md).
pub const SCOPES_KEY: &str = "charterScopes";

/// How an array at a path compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArrayMode {
    /// Order matters (policy rules, selectors, overrides).
    Ordered,
    /// A set: order does not matter, items compare whole.
    Set,
    /// A set of objects identified by one field (set members by reference id).
    Keyed(&'static str),
}

/// The comparison of the array at `path` (keys lowercased, `[]` for an array item, without the
/// leading `properties`).
pub fn array_mode(kind: Kind, path: &[String]) -> ArrayMode {
    let p: Vec<&str> = path.iter().map(String::as_str).collect();
    match (kind, p.as_slice()) {
        (_, ["metadata", key]) if key.eq_ignore_ascii_case(SCOPES_KEY) => ArrayMode::Set,
        (Kind::Definition | Kind::SetDefinition, ["parameters", _, "allowedvalues"])
        | (Kind::Definition | Kind::SetDefinition, ["parameters", _, "defaultvalue"]) => {
            ArrayMode::Set
        }
        (Kind::SetDefinition, ["policydefinitions"]) => {
            ArrayMode::Keyed("policyDefinitionReferenceId")
        }
        (Kind::SetDefinition, ["policydefinitions", "[]", "groupnames"])
        | (Kind::SetDefinition, ["policydefinitions", "[]", "parameters", _]) => ArrayMode::Set,
        (Kind::SetDefinition, ["policydefinitiongroups"]) => ArrayMode::Keyed("name"),
        (Kind::Assignment, ["notscopes"]) | (Kind::Assignment, ["parameters", _]) => ArrayMode::Set,
        (Kind::Assignment, ["noncompliancemessages"]) => {
            ArrayMode::Keyed("policyDefinitionReferenceId")
        }
        (Kind::Exemption, ["policydefinitionreferenceids"]) => ArrayMode::Set,
        _ => ArrayMode::Ordered,
    }
}

/// The canonical form of a body of `kind`: `{"properties": …}` plus `identity` and `location`
/// when present.
pub fn normalize(kind: Kind, body: &Value) -> Value {
    let mut out = Map::new();
    let mut properties = match get_ci(body, "properties") {
        Some(Value::Object(map)) => map.clone(),
        _ => Map::new(),
    };
    normalize_properties(kind, &mut properties);
    let mut properties = Value::Object(properties);
    canonicalize(kind, &mut properties, &mut Vec::new());
    out.insert("properties".into(), properties);
    if kind == Kind::Assignment {
        if let Some(identity) = normalize_identity(get_ci(body, "identity")) {
            out.insert("identity".into(), identity);
        }
        if let Some(Value::String(location)) = get_ci(body, "location") {
            let location: String = location
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect::<String>()
                .to_ascii_lowercase();
            if !location.is_empty() {
                out.insert("location".into(), Value::String(location));
            }
        }
    }
    Value::Object(out)
}

/// A stable hash of the canonical form: keys lowercased and sorted, no whitespace.
pub fn hash(kind: Kind, body: &Value) -> String {
    let canonical = canonical_string(&normalize(kind, body));
    let digest = Sha256::digest(canonical.as_bytes());
    digest.iter().take(16).map(|b| format!("{b:02x}")).collect()
}

/// A JSON text of `value` with keys lowercased and sorted, for hashing and sorting.
pub fn canonical_string(value: &Value) -> String {
    match value {
        Value::Object(map) => {
            let mut entries: Vec<(String, String)> = map
                .iter()
                .map(|(k, v)| (k.to_ascii_lowercase(), canonical_string(v)))
                .collect();
            entries.sort();
            let inner: Vec<String> = entries
                .into_iter()
                .map(|(k, v)| format!("{}:{v}", Value::String(k)))
                .collect();
            format!("{{{}}}", inner.join(","))
        }
        Value::Array(items) => {
            let inner: Vec<String> = items.iter().map(canonical_string).collect();
            format!("[{}]", inner.join(","))
        }
        other => other.to_string(),
    }
}

/// The value of `key` in an object, matched without case.
pub fn get_ci<'a>(value: &'a Value, key: &str) -> Option<&'a Value> {
    value
        .as_object()?
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(key))
        .map(|(_, v)| v)
}

fn remove_ci(map: &mut Map<String, Value>, key: &str) -> Option<Value> {
    let found = map.keys().find(|k| k.eq_ignore_ascii_case(key)).cloned()?;
    map.remove(&found)
}

fn get_ci_mut<'a>(map: &'a mut Map<String, Value>, key: &str) -> Option<&'a mut Value> {
    let found = map.keys().find(|k| k.eq_ignore_ascii_case(key)).cloned()?;
    map.get_mut(&found)
}

fn is_empty(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::String(s) => s.trim().is_empty(),
        Value::Array(items) => items.is_empty(),
        Value::Object(map) => map.is_empty(),
        _ => false,
    }
}

fn set_default(map: &mut Map<String, Value>, key: &str, default: &str) {
    match get_ci_mut(map, key) {
        Some(value) if !is_empty(value) => {}
        Some(value) => *value = Value::String(default.into()),
        None => {
            map.insert(key.into(), Value::String(default.into()));
        }
    }
}

fn lowercase_at(map: &mut Map<String, Value>, key: &str) {
    if let Some(Value::String(s)) = get_ci_mut(map, key) {
        *s = s.to_ascii_lowercase();
    }
}

fn normalize_properties(kind: Kind, props: &mut Map<String, Value>) {
    for key in [
        "policyType",
        "versions",
        "scope",
        "instanceId",
        "latestDefinitionVersion",
        "effectiveDefinitionVersion",
    ] {
        remove_ci(props, key);
    }
    if let Some(Value::Object(metadata)) = get_ci_mut(props, "metadata") {
        for key in SERVER_METADATA.iter().chain([OWNER_KEY, HASH_KEY].iter()) {
            remove_ci(metadata, key);
        }
        metadata.retain(|_, v| !is_empty(v));
    }
    props.retain(|_, v| !is_empty(v));
    match kind {
        Kind::Definition => {
            set_default(props, "mode", "Indexed");
            lowercase_at(props, "mode");
            normalize_parameter_declarations(props);
        }
        Kind::SetDefinition => {
            normalize_parameter_declarations(props);
            if let Some(Value::Array(members)) = get_ci_mut(props, "policyDefinitions") {
                for member in members.iter_mut().filter_map(Value::as_object_mut) {
                    lowercase_at(member, "policyDefinitionId");
                    if let Some(Value::Object(parameters)) = get_ci_mut(member, "parameters") {
                        unwrap_values(parameters);
                    }
                    member.retain(|_, v| !is_empty(v));
                }
            }
        }
        Kind::Assignment => {
            set_default(props, "enforcementMode", "Default");
            lowercase_at(props, "enforcementMode");
            set_default(props, "definitionVersion", "1.*.*");
            lowercase_at(props, "policyDefinitionId");
            if let Some(Value::Array(scopes)) = get_ci_mut(props, "notScopes") {
                for scope in scopes.iter_mut() {
                    if let Value::String(s) = scope {
                        *s = s.trim_end_matches('/').to_ascii_lowercase();
                    }
                }
            }
            if let Some(Value::Object(parameters)) = get_ci_mut(props, "parameters") {
                unwrap_values(parameters);
            }
        }
        Kind::Exemption => {
            set_default(props, "assignmentScopeValidation", "Default");
            lowercase_at(props, "assignmentScopeValidation");
            lowercase_at(props, "exemptionCategory");
            lowercase_at(props, "policyAssignmentId");
            if let Some(Value::String(expires)) = get_ci_mut(props, "expiresOn") {
                *expires = canonical_time(expires);
            }
        }
    }
}

fn normalize_parameter_declarations(props: &mut Map<String, Value>) {
    if let Some(Value::Object(parameters)) = get_ci_mut(props, "parameters") {
        for declaration in parameters.values_mut().filter_map(Value::as_object_mut) {
            lowercase_at(declaration, "type");
            if let Some(Value::Object(metadata)) = get_ci_mut(declaration, "metadata") {
                metadata.retain(|_, v| !is_empty(v));
            }
            if get_ci(&Value::Object(declaration.clone()), "metadata").is_some_and(is_empty) {
                remove_ci(declaration, "metadata");
            }
        }
    }
}

/// `{"p": {"value": v}}` becomes `{"p": v}`.
fn unwrap_values(parameters: &mut Map<String, Value>) {
    for value in parameters.values_mut() {
        if let Value::Object(wrapper) = value {
            if wrapper.len() == 1 {
                if let Some(inner) = remove_ci(wrapper, "value") {
                    *value = inner;
                }
            }
        }
    }
}

fn normalize_identity(identity: Option<&Value>) -> Option<Value> {
    let identity = identity?.as_object()?;
    let kind = identity
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("type"))
        .and_then(|(_, v)| v.as_str())
        .unwrap_or("None")
        .to_ascii_lowercase();
    if kind == "none" {
        return None;
    }
    let mut out = Map::new();
    out.insert("type".into(), Value::String(kind));
    if let Some(Value::Object(assigned)) = identity
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("userAssignedIdentities"))
        .map(|(_, v)| v)
    {
        let mut ids: Vec<Value> = assigned
            .keys()
            .map(|k| Value::String(k.to_ascii_lowercase()))
            .collect();
        ids.sort_by_key(canonical_string);
        out.insert("userAssignedIdentities".into(), Value::Array(ids));
    }
    Some(Value::Object(out))
}

/// `2027-03-31T23:59:59.0000000Z` and `2027-03-31T23:59:59+00:00` become
/// `2027-03-31T23:59:59Z`; anything else is kept.
fn canonical_time(text: &str) -> String {
    let mut t = text.trim().to_string();
    if let Some(stripped) = t.strip_suffix("+00:00") {
        t = format!("{stripped}Z");
    }
    if let (Some(dot), true) = (t.find('.'), t.ends_with('Z')) {
        let fraction = &t[dot + 1..t.len() - 1];
        if fraction.chars().all(|c| c == '0') {
            t = format!("{}Z", &t[..dot]);
        }
    }
    t
}

/// Sorts set-like arrays and canonicalises numbers, recursively.
fn canonicalize(kind: Kind, value: &mut Value, path: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, item) in map.iter_mut() {
                path.push(key.to_ascii_lowercase());
                canonicalize(kind, item, path);
                path.pop();
            }
        }
        Value::Array(items) => {
            path.push("[]".into());
            for item in items.iter_mut() {
                canonicalize(kind, item, path);
            }
            path.pop();
            match array_mode(kind, path) {
                ArrayMode::Ordered => {}
                ArrayMode::Set => items.sort_by_cached_key(canonical_string),
                ArrayMode::Keyed(field) => items.sort_by_cached_key(|item| {
                    get_ci(item, field)
                        .and_then(Value::as_str)
                        .map(str::to_ascii_lowercase)
                        .unwrap_or_else(|| canonical_string(item))
                }),
            }
        }
        Value::Number(number) => {
            if let Some(f) = number.as_f64() {
                if number.is_f64() && f.fract() == 0.0 && f.abs() < 9.0e15 {
                    *value = Value::from(f as i64);
                }
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn server_written_fields_and_defaults_are_not_changes() {
        let sent = json!({"properties": {
            "displayName": "d", "policyRule": {"if": {"field": "type", "equals": "x"}, "then": {"effect": "deny"}},
            "metadata": {"category": "AI", "charterOwnerId": "o", "charterHash": "h"},
            "parameters": {"effect": {"type": "String", "allowedValues": ["Deny", "Audit"], "defaultValue": "Deny"}}
        }});
        let returned = json!({
        "id": "/subscriptions/s/providers/Microsoft.Authorization/policyDefinitions/x",
        "type": "Microsoft.Authorization/policyDefinitions", "name": "x",
        "systemData": {"createdBy": "me"},
        "properties": {
            "displayName": "d", "policyType": "Custom", "mode": "Indexed", "description": null,
            "policyRule": {"if": {"field": "type", "equals": "x"}, "then": {"effect": "deny"}},
            "metadata": {"category": "AI", "createdBy": "me", "createdOn": "2026-01-01T00:00:00.0000000Z",
                         "updatedBy": null, "updatedOn": null, "charterOwnerId": "o", "charterHash": "h"},
            "parameters": {"effect": {"type": "string", "allowedValues": ["Audit", "Deny"], "defaultValue": "Deny"}}
        }});
        assert_eq!(
            normalize(Kind::Definition, &sent),
            normalize(Kind::Definition, &returned)
        );
        assert_eq!(
            hash(Kind::Definition, &sent),
            hash(Kind::Definition, &returned)
        );
    }

    #[test]
    fn assignments_unwrap_parameters_and_ignore_set_order_and_defaults() {
        let sent = json!({"properties": {
            "policyDefinitionId": "/providers/Microsoft.Management/managementGroups/A/providers/Microsoft.Authorization/policySetDefinitions/s",
            "parameters": {"regions": {"value": ["b", "a"]}, "cap": {"value": 200}},
            "nonComplianceMessages": [{"message": "m2", "policyDefinitionReferenceId": "r2"}, {"message": "m1", "policyDefinitionReferenceId": "r1"}]
        }});
        let returned = json!({"properties": {
            "policyDefinitionId": "/providers/microsoft.management/managementgroups/a/providers/Microsoft.Authorization/policySetDefinitions/S",
            "parameters": {"regions": {"value": ["a", "b"]}, "cap": {"value": 200.0}},
            "scope": "/providers/Microsoft.Management/managementGroups/A", "notScopes": [],
            "enforcementMode": "Default", "definitionVersion": "1.*.*", "instanceId": "i",
            "nonComplianceMessages": [{"message": "m1", "policyDefinitionReferenceId": "r1"}, {"message": "m2", "policyDefinitionReferenceId": "r2"}]
        }, "identity": null});
        assert_eq!(
            normalize(Kind::Assignment, &sent),
            normalize(Kind::Assignment, &returned)
        );
    }

    #[test]
    fn ordered_arrays_keep_their_order_and_meaningful_empties_stay() {
        let a = json!({"properties": {"policyRule": {"if": {"anyOf": [{"field": "a"}, {"field": "b"}]}, "then": {"effect": "deny"}},
            "parameters": {"p": {"type": "Array", "defaultValue": []}}}});
        let b = json!({"properties": {"policyRule": {"if": {"anyOf": [{"field": "b"}, {"field": "a"}]}, "then": {"effect": "deny"}},
            "parameters": {"p": {"type": "Array", "defaultValue": []}}}});
        let c = json!({"properties": {"policyRule": {"if": {"anyOf": [{"field": "a"}, {"field": "b"}]}, "then": {"effect": "deny"}},
            "parameters": {"p": {"type": "Array"}}}});
        assert_ne!(
            normalize(Kind::Definition, &a),
            normalize(Kind::Definition, &b)
        );
        assert_ne!(
            normalize(Kind::Definition, &a),
            normalize(Kind::Definition, &c)
        );
    }

    #[test]
    fn exemption_times_compare_by_instant() {
        let a = json!({"properties": {"expiresOn": "2027-03-31T23:59:59Z", "exemptionCategory": "Waiver"}});
        let b = json!({"properties": {"expiresOn": "2027-03-31T23:59:59.0000000Z", "exemptionCategory": "waiver",
                        "assignmentScopeValidation": "Default"}});
        assert_eq!(
            normalize(Kind::Exemption, &a),
            normalize(Kind::Exemption, &b)
        );
    }

    #[test]
    fn identities_drop_server_ids() {
        let a = json!({"properties": {}, "identity": {"type": "SystemAssigned"}, "location": "swedencentral"});
        let b = json!({"properties": {}, "identity": {"type": "SystemAssigned", "principalId": "p", "tenantId": "t"},
                       "location": "Sweden Central"});
        assert_eq!(
            normalize(Kind::Assignment, &a),
            normalize(Kind::Assignment, &b)
        );
    }
}

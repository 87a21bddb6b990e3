//! The desired state: the objects a build would publish, read from the REST bodies of
//! `charter_azure_policy::artifacts` (`azure-policy/{definitions,set-definitions,assignments,
//! exemptions}/*.json`), placed at their scopes, with subscription names resolved and Charter's
//! ownership metadata stamped on.

use crate::model::{id_key, parse_policy_id, policy_id, DesiredObject, Kind, ScopeLevel};
use crate::normalize::{hash, HASH_KEY, OWNER_KEY, SCOPES_KEY};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// How subscriptions named in the project map to their ids, and who owns what is published.
#[derive(Debug, Clone, Default)]
pub struct DesiredOptions {
    /// The project's owner id, stamped into every object's `metadata.charterOwnerId`.
    pub owner_id: String,
    /// Subscription names used in the project (`subscription("contoso-research-lab")`) and
    /// their ids.
    pub subscriptions: BTreeMap<String, String>,
    /// The subscription of resource groups whose subscription the project does not name (the
    /// build writes `{subscriptionId}` for it).
    pub default_subscription: Option<String>,
}

/// The desired objects, and what could not be resolved: subscriptions named by name without
/// an id, and ids with the build's `{subscriptionId}` placeholder. Those are published as the
/// build wrote them (an emulator accepts them; Azure refuses them when they are read), and the
/// CLI warns about each with the flag that resolves it.
#[derive(Debug, Clone, PartialEq)]
pub struct DesiredState {
    pub objects: Vec<DesiredObject>,
    pub unresolved_subscriptions: Vec<String>,
    pub placeholders: Vec<String>,
}

impl DesiredState {
    /// One sentence per unresolved subscription, saying how to resolve it.
    pub fn warnings(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .unresolved_subscriptions
            .iter()
            .map(|name| {
                format!(
                    "the project names subscription `{name}` by name, and Azure needs its id: \
                     pass `--subscription {name}=<subscription id>`"
                )
            })
            .collect();
        if !self.placeholders.is_empty() {
            out.push(format!(
                "the project does not say which subscription holds {}: pass \
                 `--default-subscription <subscription id>`, or give the workload in that \
                 resource group a `subscription`",
                self.placeholders
                    .iter()
                    .map(|id| format!("`{id}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        out
    }
}

/// Why the build's output cannot be published as it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DesiredError {
    /// A REST body is not JSON or lacks what every body has.
    Malformed { path: String, reason: String },
    /// A definition that no initiative or assignment references, so its location is unknown.
    UnplacedDefinition { name: String },
    /// An object at a scope where Azure does not allow its kind.
    WrongScope { id: String, kind: Kind },
}

impl fmt::Display for DesiredError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DesiredError::Malformed { path, reason } => {
                write!(
                    f,
                    "the built artifact `{path}` cannot be published: {reason}"
                )
            }
            DesiredError::UnplacedDefinition { name } => write!(
                f,
                "the definition `{name}` is used by no initiative or assignment, so Charter \
                 does not know where to create it"
            ),
            DesiredError::WrongScope { id, kind } => write!(
                f,
                "a {} cannot be created at the scope of `{id}`: Azure allows {}s only at a \
                 management group or a subscription",
                kind.label(),
                kind.label()
            ),
        }
    }
}

impl std::error::Error for DesiredError {}

/// The objects `artifacts` (path, contents) describe, in a stable order (kind, then id).
pub fn desired_state(
    artifacts: &[(String, String)],
    options: &DesiredOptions,
) -> Result<DesiredState, DesiredError> {
    let mut bodies: Vec<(Kind, String, Value)> = Vec::new();
    for (path, contents) in artifacts {
        let Some(kind) = Kind::ALL.into_iter().find(|kind| {
            path.strip_prefix("azure-policy/")
                .and_then(|rest| rest.strip_prefix(kind.artifact_folder()))
                .and_then(|rest| rest.strip_prefix('/'))
                .is_some_and(|file| file.ends_with(".json") && !file.contains('/'))
        }) else {
            continue;
        };
        let value: Value =
            serde_json::from_str(contents).map_err(|error| DesiredError::Malformed {
                path: path.clone(),
                reason: error.to_string(),
            })?;
        bodies.push((kind, path.clone(), value));
    }

    // Subscriptions by name and placeholders, resolved in every string of every body.
    let mut unresolved = BTreeSet::new();
    let mut placeholders = BTreeSet::new();
    for (_, _, value) in &mut bodies {
        resolve_subscriptions(value, options, &mut unresolved, &mut placeholders);
    }

    // Definitions carry no id: they are created wherever an initiative or assignment of the
    // build references them by name.
    let mut definition_scopes: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (kind, _, value) in &bodies {
        let mut references = Vec::new();
        match kind {
            Kind::SetDefinition => {
                if let Some(members) = value
                    .pointer("/properties/policyDefinitions")
                    .and_then(Value::as_array)
                {
                    references.extend(
                        members
                            .iter()
                            .filter_map(|m| m.get("policyDefinitionId")?.as_str()),
                    );
                }
            }
            Kind::Assignment => references.extend(
                value
                    .pointer("/properties/policyDefinitionId")
                    .and_then(Value::as_str),
            ),
            _ => {}
        }
        for reference in references {
            if let Some(parsed) = parse_policy_id(reference) {
                if parsed.kind == Kind::Definition && !parsed.scope.is_empty() {
                    definition_scopes
                        .entry(parsed.name.to_ascii_lowercase())
                        .or_default()
                        .insert(parsed.scope);
                }
            }
        }
    }

    let mut objects = Vec::new();
    for (kind, path, value) in bodies {
        let name = value
            .get("name")
            .and_then(Value::as_str)
            .ok_or_else(|| DesiredError::Malformed {
                path: path.clone(),
                reason: "it has no `name`".into(),
            })?
            .to_string();
        let ids: Vec<String> = match value.get("id").and_then(Value::as_str) {
            Some(id) => vec![id.to_string()],
            None if kind == Kind::Definition => definition_scopes
                .get(&name.to_ascii_lowercase())
                .ok_or_else(|| DesiredError::UnplacedDefinition { name: name.clone() })?
                .iter()
                .map(|scope| policy_id(scope, kind, &name))
                .collect(),
            None => {
                return Err(DesiredError::Malformed {
                    path,
                    reason: "it has no `id`".into(),
                })
            }
        };
        let mut body = Map::new();
        for key in ["properties", "identity", "location"] {
            if let Some(part) = value.get(key) {
                body.insert(key.into(), part.clone());
            }
        }
        if !body.get("properties").is_some_and(Value::is_object) {
            return Err(DesiredError::Malformed {
                path,
                reason: "it has no `properties` object".into(),
            });
        }
        for id in ids {
            let scope = parse_policy_id(&id).map(|p| p.scope).unwrap_or_default();
            if !kind.allowed_at(&scope) {
                return Err(DesiredError::WrongScope { id, kind });
            }
            objects.push(DesiredObject {
                kind,
                id,
                body: Value::Object(body.clone()),
            });
        }
    }
    objects.sort_by_key(|o| (o.kind, id_key(&o.id)));
    stamp(&mut objects, &options.owner_id);
    Ok(DesiredState {
        objects,
        unresolved_subscriptions: unresolved.into_iter().collect(),
        placeholders: placeholders.into_iter().collect(),
    })
}

/// Writes `charterOwnerId`, `charterScopes` and `charterHash` into every object's metadata.
fn stamp(objects: &mut [DesiredObject], owner_id: &str) {
    // An initiative remembers where its assignments are, and an assignment where its
    // exemptions are, so that a later plan reads those scopes even after they leave the source.
    let mut dependants: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for object in objects.iter() {
        let target = match object.kind {
            Kind::Assignment => object.body.pointer("/properties/policyDefinitionId"),
            Kind::Exemption => object.body.pointer("/properties/policyAssignmentId"),
            _ => None,
        };
        if let (Some(target), Some(parsed)) =
            (target.and_then(Value::as_str), parse_policy_id(&object.id))
        {
            dependants
                .entry(id_key(target))
                .or_default()
                .insert(parsed.scope);
        }
    }
    for object in objects.iter_mut() {
        let scopes = dependants.get(&id_key(&object.id)).cloned();
        let Some(properties) = object
            .body
            .get_mut("properties")
            .and_then(Value::as_object_mut)
        else {
            continue;
        };
        let metadata = properties
            .entry("metadata")
            .or_insert_with(|| Value::Object(Map::new()));
        if !metadata.is_object() {
            *metadata = Value::Object(Map::new());
        }
        if let Some(metadata) = metadata.as_object_mut() {
            metadata.insert(OWNER_KEY.into(), Value::String(owner_id.into()));
            if matches!(object.kind, Kind::SetDefinition | Kind::Assignment) {
                if let Some(scopes) = scopes {
                    metadata.insert(
                        SCOPES_KEY.into(),
                        Value::Array(scopes.into_iter().map(Value::String).collect()),
                    );
                }
            }
        }
        let digest = hash(object.kind, &object.body);
        if let Some(metadata) = object
            .body
            .pointer_mut("/properties/metadata")
            .and_then(Value::as_object_mut)
        {
            metadata.insert(HASH_KEY.into(), Value::String(digest));
        }
    }
}

/// Whether `text` is a GUID (`8-4-4-4-12` hex digits).
pub fn is_guid(text: &str) -> bool {
    let groups: Vec<&str> = text.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, n)| g.len() == n && g.chars().all(|c| c.is_ascii_hexdigit()))
}

fn resolve_subscriptions(
    value: &mut Value,
    options: &DesiredOptions,
    unresolved: &mut BTreeSet<String>,
    placeholders: &mut BTreeSet<String>,
) {
    match value {
        Value::String(text) => {
            if let Some(resolved) = resolve_in_text(text, options, unresolved, placeholders) {
                *text = resolved;
            }
        }
        Value::Array(items) => {
            for item in items {
                resolve_subscriptions(item, options, unresolved, placeholders);
            }
        }
        Value::Object(map) => {
            for item in map.values_mut() {
                resolve_subscriptions(item, options, unresolved, placeholders);
            }
        }
        _ => {}
    }
}

/// Rewrites every `/subscriptions/<name or placeholder>` in `text`; `None` when nothing changed.
fn resolve_in_text(
    text: &str,
    options: &DesiredOptions,
    unresolved: &mut BTreeSet<String>,
    placeholders: &mut BTreeSet<String>,
) -> Option<String> {
    const MARK: &str = "/subscriptions/";
    let lower = text.to_ascii_lowercase();
    if !lower.contains(MARK) {
        return None;
    }
    let mut out = String::new();
    let mut rest = text;
    let mut changed = false;
    while let Some(at) = rest.to_ascii_lowercase().find(MARK) {
        let (before, after) = rest.split_at(at + MARK.len());
        out.push_str(before);
        let end = after.find('/').unwrap_or(after.len());
        let segment = &after[..end];
        let replacement = if segment == "{subscriptionId}" {
            match &options.default_subscription {
                Some(id) => Some(id.clone()),
                None => {
                    placeholders.insert(text.to_string());
                    None
                }
            }
        } else if let Some(name) = segment
            .strip_prefix("{subscriptionId:")
            .and_then(|rest| rest.strip_suffix('}'))
        {
            // A subscription the project knows only by its name: its id from
            // `--subscription NAME=GUID`, else the name itself (reported as unresolved).
            match options
                .subscriptions
                .iter()
                .find(|(known, _)| known.eq_ignore_ascii_case(name))
            {
                Some((_, id)) => Some(id.clone()),
                None => {
                    unresolved.insert(name.to_string());
                    Some(name.to_string())
                }
            }
        } else if is_guid(segment) || segment.starts_with('[') {
            None
        } else {
            match options
                .subscriptions
                .iter()
                .find(|(name, _)| name.eq_ignore_ascii_case(segment))
            {
                Some((_, id)) => Some(id.clone()),
                None => {
                    unresolved.insert(segment.to_string());
                    None
                }
            }
        };
        match replacement {
            Some(id) => {
                out.push_str(&id);
                changed = true;
            }
            None => out.push_str(segment),
        }
        rest = &after[end..];
    }
    out.push_str(rest);
    changed.then_some(out)
}

/// The level of the scope an object's id names.
pub fn level_of(id: &str) -> ScopeLevel {
    crate::model::scope_level(&parse_policy_id(id).map(|p| p.scope).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const MG: &str = "/providers/Microsoft.Management/managementGroups/top";

    fn artifacts() -> Vec<(String, String)> {
        let set = json!({"type": "Microsoft.Authorization/policySetDefinitions", "name": "charter-p",
            "id": format!("{MG}/providers/Microsoft.Authorization/policySetDefinitions/charter-p"),
            "properties": {"policyDefinitions": [{"policyDefinitionReferenceId": "a",
                "policyDefinitionId": format!("{MG}/providers/Microsoft.Authorization/policyDefinitions/charter-a")}]}});
        let definition = json!({"type": "Microsoft.Authorization/policyDefinitions", "name": "charter-a",
            "apiVersion": "2025-03-01", "properties": {"mode": "All", "metadata": {"generatedBy": "charter"}}});
        let assignment = json!({"type": "Microsoft.Authorization/policyAssignments", "name": "p",
            "id": format!("{MG}/providers/Microsoft.Authorization/policyAssignments/p"),
            "properties": {"policyDefinitionId": format!("{MG}/providers/Microsoft.Authorization/policySetDefinitions/charter-p")}});
        let exemption = json!({"type": "Microsoft.Authorization/policyExemptions", "name": "p-exempt-lab",
            "id": "/subscriptions/lab/providers/Microsoft.Authorization/policyExemptions/p-exempt-lab",
            "properties": {"policyAssignmentId": format!("{MG}/providers/Microsoft.Authorization/policyAssignments/p")}});
        vec![
            (
                "azure-policy/set-definitions/charter-p.json".into(),
                set.to_string(),
            ),
            (
                "azure-policy/definitions/charter-a.json".into(),
                definition.to_string(),
            ),
            (
                "azure-policy/assignments/p.json".into(),
                assignment.to_string(),
            ),
            (
                "azure-policy/exemptions/p-exempt-lab.json".into(),
                exemption.to_string(),
            ),
            ("azure-policy/template.json".into(), "{}".into()),
            ("terraform/policy.tf".into(), "".into()),
        ]
    }

    #[test]
    fn subscriptions_named_by_name_are_reported() {
        let state = desired_state(&artifacts(), &DesiredOptions::default()).expect("publishable");
        assert_eq!(state.unresolved_subscriptions, vec!["lab".to_string()]);
        assert!(state.warnings()[0].contains("--subscription lab=<subscription id>"));
        assert!(state.objects[3].id.starts_with("/subscriptions/lab/"));
    }

    #[test]
    fn objects_are_placed_stamped_and_ordered() {
        let options = DesiredOptions {
            owner_id: "owner-1".into(),
            subscriptions: [(
                "lab".to_string(),
                "aaaaaaaa-0000-0000-0000-000000000001".to_string(),
            )]
            .into(),
            default_subscription: None,
        };
        let state = desired_state(&artifacts(), &options).expect("publishable");
        assert!(state.warnings().is_empty());
        let objects = state.objects;
        let ids: Vec<&str> = objects.iter().map(|o| o.id.as_str()).collect();
        assert_eq!(
            ids,
            vec![
                format!("{MG}/providers/Microsoft.Authorization/policyDefinitions/charter-a").as_str(),
                format!("{MG}/providers/Microsoft.Authorization/policySetDefinitions/charter-p").as_str(),
                format!("{MG}/providers/Microsoft.Authorization/policyAssignments/p").as_str(),
                "/subscriptions/aaaaaaaa-0000-0000-0000-000000000001/providers/Microsoft.Authorization/policyExemptions/p-exempt-lab",
            ]
        );
        for object in &objects {
            let metadata = &object.body["properties"]["metadata"];
            assert_eq!(metadata[OWNER_KEY], "owner-1");
            assert_eq!(
                metadata[HASH_KEY].as_str(),
                Some(hash(object.kind, &object.body).as_str())
            );
        }
        assert_eq!(
            objects[1].body["properties"]["metadata"][SCOPES_KEY],
            json!([MG])
        );
        assert_eq!(
            objects[2].body["properties"]["metadata"][SCOPES_KEY],
            json!(["/subscriptions/aaaaaaaa-0000-0000-0000-000000000001"])
        );
    }
}

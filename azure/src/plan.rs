//! The plan: what publishing would change, object by object and property by property, and the
//! order Azure needs the operations in. Pure: it compares values and does no IO.

use crate::diff::{diff, PropertyChange};
use crate::model::{id_key, parse_policy_id, DeployedObject, DesiredObject, Kind};
use crate::normalize::{canonical_string, get_ci, hash, normalize, HASH_KEY, OWNER_KEY};
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet};

/// What happens to one object.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Action {
    Create,
    Update,
    Replace,
    Delete,
    Unchanged,
}

impl Action {
    /// The stable name used in JSON plans.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Create => "create",
            Action::Update => "update",
            Action::Replace => "replace",
            Action::Delete => "delete",
            Action::Unchanged => "unchanged",
        }
    }
}

/// One object in the plan.
#[derive(Debug, Clone, PartialEq)]
pub struct ObjectPlan {
    pub action: Action,
    pub kind: Kind,
    pub id: String,
    /// Property differences from the deployed object to the desired one (update, replace).
    pub changes: Vec<PropertyChange>,
    /// Why Azure cannot make the change in place (replace).
    pub replace_reasons: Vec<String>,
    /// The replaced object that forces this one to be replaced too.
    pub cascade_from: Option<String>,
    /// An owned object whose deployed body is not what Charter last published: someone
    /// edited it outside Charter.
    pub edited_outside: bool,
    /// Lines that say what a change means for the governance (filled by [`crate::semantic`]).
    pub semantic: Vec<String>,
    /// The body to PUT (every object the build wants, whatever its action).
    pub desired: Option<Value>,
    /// The body Azure has (update, replace, delete, unchanged).
    pub deployed: Option<Value>,
}

/// An object at a scope Charter read that this project does not own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForeignObject {
    pub kind: Kind,
    pub id: String,
    /// The owner id in its metadata, when another Charter project owns it.
    pub owner: Option<String>,
    /// The build wants to publish an object with this id.
    pub conflict: bool,
}

/// Something that makes the plan impossible to apply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Blocker {
    pub id: String,
    pub message: String,
}

/// What publishing would do.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    pub owner_id: String,
    /// Every desired or owned object, in apply order of kinds, then by id.
    pub objects: Vec<ObjectPlan>,
    /// Owned objects that left the source but stay, because pruning is off.
    pub kept: Vec<ObjectPlan>,
    pub foreign: Vec<ForeignObject>,
    pub blockers: Vec<Blocker>,
    /// The scopes read, and a hash of everything read there.
    pub scopes: Vec<String>,
    pub state_hash: String,
}

/// Counts per action.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    pub create: usize,
    pub update: usize,
    pub replace: usize,
    pub delete: usize,
    pub unchanged: usize,
}

impl Summary {
    /// Whether applying would change anything.
    pub fn has_changes(&self) -> bool {
        self.create + self.update + self.replace + self.delete > 0
    }
}

impl Plan {
    /// Counts per action.
    pub fn summary(&self) -> Summary {
        let mut summary = Summary::default();
        for object in &self.objects {
            match object.action {
                Action::Create => summary.create += 1,
                Action::Update => summary.update += 1,
                Action::Replace => summary.replace += 1,
                Action::Delete => summary.delete += 1,
                Action::Unchanged => summary.unchanged += 1,
            }
        }
        summary
    }

    /// Owned objects edited outside Charter.
    pub fn drifted(&self) -> impl Iterator<Item = &ObjectPlan> {
        self.objects.iter().filter(|o| o.edited_outside)
    }
}

/// Options of a plan.
#[derive(Debug, Clone)]
pub struct PlanOptions {
    pub owner_id: String,
    /// Delete owned objects that left the source (on by default).
    pub prune: bool,
}

/// Whether a deployed body carries `owner_id`.
pub fn owner_of(body: &Value) -> Option<String> {
    let metadata = get_ci(get_ci(body, "properties")?, "metadata")?;
    get_ci(metadata, OWNER_KEY)?.as_str().map(str::to_string)
}

fn recorded_hash(body: &Value) -> Option<String> {
    let metadata = get_ci(get_ci(body, "properties")?, "metadata")?;
    get_ci(metadata, HASH_KEY)?.as_str().map(str::to_string)
}

/// The hash of what was read: ids, canonical bodies, owners and recorded hashes, in id order.
pub fn state_hash(deployed: &[DeployedObject]) -> String {
    let mut lines: Vec<String> = deployed
        .iter()
        .map(|object| {
            format!(
                "{} {} {} {}",
                id_key(&object.id),
                owner_of(&object.body)
                    .unwrap_or_default()
                    .to_ascii_lowercase(),
                recorded_hash(&object.body).unwrap_or_default(),
                canonical_string(&normalize(object.kind, &object.body))
            )
        })
        .collect();
    lines.sort();
    let digest = Sha256::digest(lines.join("\n").as_bytes());
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256:{hex}")
}

/// Compares the desired objects with those read at `scopes`.
pub fn compute(
    desired: &[DesiredObject],
    deployed: &[DeployedObject],
    scopes: &[String],
    options: &PlanOptions,
) -> Plan {
    let owned = |body: &Value| {
        owner_of(body).is_some_and(|owner| owner.eq_ignore_ascii_case(&options.owner_id))
    };
    let deployed_by_id: BTreeMap<String, &DeployedObject> =
        deployed.iter().map(|d| (id_key(&d.id), d)).collect();
    let desired_ids: BTreeSet<String> = desired.iter().map(|d| id_key(&d.id)).collect();

    let mut objects = Vec::new();
    let mut kept = Vec::new();
    let mut foreign = Vec::new();
    let mut blockers = Vec::new();

    for want in desired {
        let base = ObjectPlan {
            action: Action::Create,
            kind: want.kind,
            id: want.id.clone(),
            changes: Vec::new(),
            replace_reasons: Vec::new(),
            cascade_from: None,
            edited_outside: false,
            semantic: Vec::new(),
            desired: Some(want.body.clone()),
            deployed: None,
        };
        match deployed_by_id.get(&id_key(&want.id)) {
            None => objects.push(base),
            Some(have) if !owned(&have.body) => {
                let owner = owner_of(&have.body);
                blockers.push(Blocker {
                    id: want.id.clone(),
                    message: match &owner {
                        Some(other) => format!(
                            "`{}` exists and belongs to another Charter project (owner id `{other}`); \
                             Charter never changes an object it does not own: rename the object or \
                             publish it from its owning project",
                            want.id
                        ),
                        None => format!(
                            "`{}` exists and was not published by this project (it has no \
                             `charterOwnerId`); Charter never changes an object it does not own: \
                             delete it, or give it this project's owner id `{}` in \
                             `properties.metadata.charterOwnerId` to hand it over",
                            want.id, options.owner_id
                        ),
                    },
                });
                foreign.push(ForeignObject {
                    kind: have.kind,
                    id: have.id.clone(),
                    owner,
                    conflict: true,
                });
            }
            Some(have) => {
                let old = normalize(want.kind, &have.body);
                let new = normalize(want.kind, &want.body);
                let recorded = recorded_hash(&have.body);
                let edited_outside =
                    recorded.as_deref() != Some(hash(have.kind, &have.body).as_str());
                let mut plan = ObjectPlan {
                    deployed: Some(have.body.clone()),
                    edited_outside,
                    ..base
                };
                if old == new {
                    plan.action = Action::Unchanged;
                } else {
                    plan.changes = diff(want.kind, &old, &new);
                    plan.replace_reasons = replace_reasons(want.kind, &have.body, &want.body);
                    plan.action = if plan.replace_reasons.is_empty() {
                        Action::Update
                    } else {
                        Action::Replace
                    };
                }
                objects.push(plan);
            }
        }
    }

    for have in deployed {
        if desired_ids.contains(&id_key(&have.id)) {
            continue;
        }
        if !owned(&have.body) {
            foreign.push(ForeignObject {
                kind: have.kind,
                id: have.id.clone(),
                owner: owner_of(&have.body),
                conflict: false,
            });
            continue;
        }
        let recorded = recorded_hash(&have.body);
        let plan = ObjectPlan {
            action: Action::Delete,
            kind: have.kind,
            id: have.id.clone(),
            changes: Vec::new(),
            replace_reasons: Vec::new(),
            cascade_from: None,
            edited_outside: recorded.as_deref() != Some(hash(have.kind, &have.body).as_str()),
            semantic: Vec::new(),
            desired: None,
            deployed: Some(have.body.clone()),
        };
        if options.prune {
            objects.push(plan);
        } else {
            kept.push(plan);
        }
    }

    cascade(&mut objects, deployed, &owned, &mut blockers);

    objects.sort_by_key(|o| (o.kind, id_key(&o.id)));
    kept.sort_by_key(|o| (o.kind, id_key(&o.id)));
    foreign.sort_by_key(|o| (o.kind, id_key(&o.id)));
    Plan {
        owner_id: options.owner_id.clone(),
        objects,
        kept,
        foreign,
        blockers,
        scopes: scopes.to_vec(),
        state_hash: state_hash(deployed),
    }
}

/// The ids a deployed body references: a set's members, an assignment's definition, an
/// exemption's assignment.
pub fn references(kind: Kind, body: &Value) -> Vec<String> {
    let properties = get_ci(body, "properties");
    let field = |name: &str| {
        properties
            .and_then(|p| get_ci(p, name))
            .and_then(Value::as_str)
            .map(str::to_string)
    };
    match kind {
        Kind::Definition => Vec::new(),
        Kind::SetDefinition => properties
            .and_then(|p| get_ci(p, "policyDefinitions"))
            .and_then(Value::as_array)
            .map(|members| {
                members
                    .iter()
                    .filter_map(|m| get_ci(m, "policyDefinitionId")?.as_str())
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default(),
        Kind::Assignment => field("policyDefinitionId").into_iter().collect(),
        Kind::Exemption => field("policyAssignmentId").into_iter().collect(),
    }
}

/// An object that is deleted (replaced or removed) must first be let go by everything that
/// references it: owned referrers are replaced too, foreign ones block the plan.
fn cascade(
    objects: &mut [ObjectPlan],
    deployed: &[DeployedObject],
    owned: &dyn Fn(&Value) -> bool,
    blockers: &mut Vec<Blocker>,
) {
    let mut referrers: BTreeMap<String, Vec<&DeployedObject>> = BTreeMap::new();
    for object in deployed {
        for target in references(object.kind, &object.body) {
            referrers.entry(id_key(&target)).or_default().push(object);
        }
    }
    let mut reported = BTreeSet::new();
    loop {
        let mut changed = false;
        let going: Vec<(String, Action)> = objects
            .iter()
            .filter(|o| matches!(o.action, Action::Replace | Action::Delete))
            .map(|o| (o.id.clone(), o.action))
            .collect();
        for (gone, action) in going {
            for referrer in referrers.get(&id_key(&gone)).into_iter().flatten() {
                if !owned(&referrer.body) {
                    if reported.insert((id_key(&gone), id_key(&referrer.id))) {
                        blockers.push(Blocker {
                            id: gone.clone(),
                            message: format!(
                                "`{gone}` must be {}, but `{}`, which this project does not own, \
                                 references it, and Azure refuses to delete a referenced object",
                                if action == Action::Replace {
                                    "replaced (deleted and created again)"
                                } else {
                                    "deleted"
                                },
                                referrer.id
                            ),
                        });
                    }
                    continue;
                }
                if let Some(object) = objects
                    .iter_mut()
                    .find(|o| id_key(&o.id) == id_key(&referrer.id))
                {
                    // A referrer that goes away anyway needs nothing more; one that stays
                    // must be deleted first and created again.
                    if matches!(object.action, Action::Update | Action::Unchanged) {
                        object.action = Action::Replace;
                        object.cascade_from = Some(gone.clone());
                        changed = true;
                    }
                }
            }
        }
        if !changed {
            break;
        }
    }
}

/// Why Azure cannot change `deployed` into `desired` in place (empty: it can).
///
/// Definitions and initiatives: a parameter removed, retyped, with other allowed values or
/// another `strongType`, or a new parameter without a default (Azure answers
/// `InvalidPolicyParameterUpdate`). Assignments: another definition, or another location.
/// Exemptions: another assignment.
pub fn replace_reasons(kind: Kind, deployed: &Value, desired: &Value) -> Vec<String> {
    let props = |body: &Value| get_ci(body, "properties").cloned().unwrap_or(Value::Null);
    let (old, new) = (props(deployed), props(desired));
    let mut reasons = Vec::new();
    match kind {
        Kind::Definition | Kind::SetDefinition => {
            let params = |p: &Value| {
                get_ci(p, "parameters")
                    .and_then(Value::as_object)
                    .cloned()
                    .unwrap_or_default()
            };
            let (old_params, new_params) = (params(&old), params(&new));
            let find = |map: &serde_json::Map<String, Value>, name: &str| {
                map.iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case(name))
                    .map(|(_, v)| v.clone())
            };
            let text = |v: Option<&Value>| {
                v.and_then(Value::as_str)
                    .map(str::to_ascii_lowercase)
                    .unwrap_or_default()
            };
            let set = |v: Option<&Value>| {
                let mut items: Vec<String> = v
                    .and_then(Value::as_array)
                    .map(|a| a.iter().map(canonical_string).collect())
                    .unwrap_or_default();
                items.sort();
                items
            };
            for (name, declared) in &old_params {
                let Some(now) = find(&new_params, name) else {
                    reasons.push(format!("parameter `{name}` is removed"));
                    continue;
                };
                let (was_type, is_type) = (
                    get_ci(declared, "type")
                        .and_then(Value::as_str)
                        .unwrap_or(""),
                    get_ci(&now, "type").and_then(Value::as_str).unwrap_or(""),
                );
                if !was_type.eq_ignore_ascii_case(is_type) {
                    reasons.push(format!(
                        "parameter `{name}` changes type from {was_type} to {is_type}"
                    ));
                }
                if set(get_ci(declared, "allowedValues")) != set(get_ci(&now, "allowedValues")) {
                    reasons.push(format!("parameter `{name}` changes its allowed values"));
                }
                let strong =
                    |v: &Value| text(get_ci(v, "metadata").and_then(|m| get_ci(m, "strongType")));
                if strong(declared) != strong(&now) {
                    reasons.push(format!("parameter `{name}` changes its strongType"));
                }
            }
            for (name, declared) in &new_params {
                if find(&old_params, name).is_none() && get_ci(declared, "defaultValue").is_none() {
                    reasons.push(format!("new parameter `{name}` has no default value"));
                }
            }
        }
        Kind::Assignment => {
            let id = |p: &Value| {
                get_ci(p, "policyDefinitionId")
                    .and_then(Value::as_str)
                    .map(id_key)
            };
            if id(&old) != id(&new) {
                reasons.push("it assigns another definition or initiative".into());
            }
            let location = |b: &Value| {
                get_ci(b, "location").and_then(Value::as_str).map(|l| {
                    l.chars()
                        .filter(|c| !c.is_whitespace())
                        .collect::<String>()
                        .to_ascii_lowercase()
                })
            };
            if let (Some(a), Some(b)) = (location(deployed), location(desired)) {
                if a != b {
                    reasons.push(format!("its location changes from {a} to {b}"));
                }
            }
        }
        Kind::Exemption => {
            let id = |p: &Value| {
                get_ci(p, "policyAssignmentId")
                    .and_then(Value::as_str)
                    .map(id_key)
            };
            if id(&old) != id(&new) {
                reasons.push("it exempts from another assignment".into());
            }
        }
    }
    reasons
}

/// One request of an apply.
#[derive(Debug, Clone, PartialEq)]
pub struct Operation {
    pub method: Method,
    pub kind: Kind,
    pub id: String,
    /// The body to PUT.
    pub body: Option<Value>,
    /// The plan action this request belongs to.
    pub action: Action,
}

/// PUT or DELETE.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Put,
    Delete,
}

impl Method {
    /// `PUT` or `DELETE`.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Put => "PUT",
            Method::Delete => "DELETE",
        }
    }
}

/// The requests that apply `plan`, in the order Azure needs: delete exemptions, assignments and
/// initiatives (removed or replaced) and replaced definitions; put definitions and
/// initiatives; delete removed definitions (no initiative uses them any more); put
/// assignments, then exemptions.
pub fn operations(plan: &Plan) -> Vec<Operation> {
    let mut out = Vec::new();
    let pick = |kind: Kind, actions: &[Action], method: Method, out: &mut Vec<Operation>| {
        for object in &plan.objects {
            if object.kind == kind && actions.contains(&object.action) {
                out.push(Operation {
                    method,
                    kind,
                    id: object.id.clone(),
                    body: match method {
                        Method::Put => object.desired.clone(),
                        Method::Delete => None,
                    },
                    action: object.action,
                });
            }
        }
    };
    let gone = [Action::Delete, Action::Replace];
    let written = [Action::Create, Action::Update, Action::Replace];
    pick(Kind::Exemption, &gone, Method::Delete, &mut out);
    pick(Kind::Assignment, &gone, Method::Delete, &mut out);
    pick(Kind::SetDefinition, &gone, Method::Delete, &mut out);
    pick(
        Kind::Definition,
        &[Action::Replace],
        Method::Delete,
        &mut out,
    );
    pick(Kind::Definition, &written, Method::Put, &mut out);
    pick(Kind::SetDefinition, &written, Method::Put, &mut out);
    pick(
        Kind::Definition,
        &[Action::Delete],
        Method::Delete,
        &mut out,
    );
    pick(Kind::Assignment, &written, Method::Put, &mut out);
    pick(Kind::Exemption, &written, Method::Put, &mut out);
    out
}

/// The scope part of an object's id.
pub fn scope_of(id: &str) -> String {
    parse_policy_id(id).map(|p| p.scope).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::desired::{desired_state, DesiredOptions};
    use serde_json::json;

    const MG: &str = "/providers/Microsoft.Management/managementGroups/top";
    const OWNER: &str = "11111111-2222-8333-8444-555555555555";

    fn id(kind: Kind, name: &str) -> String {
        crate::model::policy_id(MG, kind, name)
    }

    fn desired(definition_params: Value) -> Vec<DesiredObject> {
        let artifacts = vec![
            (
                "azure-policy/definitions/d.json".to_string(),
                json!({"name": "d", "properties": {"mode": "All", "parameters": definition_params,
                    "policyRule": {"if": {"field": "type", "equals": "x"}, "then": {"effect": "deny"}}}})
                .to_string(),
            ),
            (
                "azure-policy/set-definitions/s.json".to_string(),
                json!({"name": "s", "id": id(Kind::SetDefinition, "s"), "properties": {"policyDefinitions": [
                    {"policyDefinitionReferenceId": "d", "policyDefinitionId": id(Kind::Definition, "d")}]}})
                .to_string(),
            ),
            (
                "azure-policy/assignments/a.json".to_string(),
                json!({"name": "a", "id": id(Kind::Assignment, "a"), "properties": {
                    "policyDefinitionId": id(Kind::SetDefinition, "s"), "displayName": "A"}})
                .to_string(),
            ),
        ];
        desired_state(
            &artifacts,
            &DesiredOptions {
                owner_id: OWNER.into(),
                ..DesiredOptions::default()
            },
        )
        .expect("publishable")
        .objects
    }

    /// What Azure would return after a PUT of `object` (the server-written fields added).
    fn as_deployed(object: &DesiredObject) -> DeployedObject {
        let mut body = object.body.clone();
        body["id"] = json!(object.id);
        body["systemData"] = json!({"createdBy": "x"});
        body["properties"]["metadata"]["createdOn"] = json!("2026-01-01T00:00:00Z");
        if object.kind == Kind::Assignment {
            body["properties"]["scope"] = json!(MG);
            body["properties"]["enforcementMode"] = json!("Default");
            body["properties"]["notScopes"] = json!([]);
        } else {
            body["properties"]["policyType"] = json!("Custom");
        }
        DeployedObject {
            kind: object.kind,
            id: object.id.clone(),
            body,
        }
    }

    fn options() -> PlanOptions {
        PlanOptions {
            owner_id: OWNER.into(),
            prune: true,
        }
    }

    #[test]
    fn an_unchanged_deployment_plans_nothing() {
        let want = desired(json!({}));
        let have: Vec<DeployedObject> = want.iter().map(as_deployed).collect();
        let plan = compute(&want, &have, &[MG.into()], &options());
        assert_eq!(plan.summary().unchanged, 3);
        assert!(!plan.summary().has_changes());
        assert_eq!(plan.drifted().count(), 0);
        assert!(operations(&plan).is_empty());
    }

    #[test]
    fn a_first_publish_creates_in_order() {
        let want = desired(json!({}));
        let plan = compute(&want, &[], &[MG.into()], &options());
        assert_eq!(plan.summary().create, 3);
        let order: Vec<(Method, Kind)> = operations(&plan)
            .iter()
            .map(|o| (o.method, o.kind))
            .collect();
        assert_eq!(
            order,
            vec![
                (Method::Put, Kind::Definition),
                (Method::Put, Kind::SetDefinition),
                (Method::Put, Kind::Assignment)
            ]
        );
    }

    #[test]
    fn a_removed_parameter_replaces_the_definition_and_cascades() {
        let before = desired(json!({"p": {"type": "String", "defaultValue": "x"}}));
        let have: Vec<DeployedObject> = before.iter().map(as_deployed).collect();
        let plan = compute(&desired(json!({})), &have, &[MG.into()], &options());
        let actions: Vec<(Kind, Action)> =
            plan.objects.iter().map(|o| (o.kind, o.action)).collect();
        assert_eq!(
            actions,
            vec![
                (Kind::Definition, Action::Replace),
                (Kind::SetDefinition, Action::Replace),
                (Kind::Assignment, Action::Replace)
            ]
        );
        assert_eq!(
            plan.objects[0].replace_reasons,
            vec!["parameter `p` is removed"]
        );
        assert_eq!(
            plan.objects[1].cascade_from.as_deref(),
            Some(id(Kind::Definition, "d").as_str())
        );
        let order: Vec<(Method, Kind)> = operations(&plan)
            .iter()
            .map(|o| (o.method, o.kind))
            .collect();
        assert_eq!(
            order,
            vec![
                (Method::Delete, Kind::Assignment),
                (Method::Delete, Kind::SetDefinition),
                (Method::Delete, Kind::Definition),
                (Method::Put, Kind::Definition),
                (Method::Put, Kind::SetDefinition),
                (Method::Put, Kind::Assignment)
            ]
        );
    }

    #[test]
    fn a_new_parameter_with_a_default_is_an_update() {
        let before = desired(json!({}));
        let have: Vec<DeployedObject> = before.iter().map(as_deployed).collect();
        let plan = compute(
            &desired(json!({"p": {"type": "String", "defaultValue": "x"}})),
            &have,
            &[MG.into()],
            &options(),
        );
        assert_eq!(plan.objects[0].action, Action::Update);
        assert_eq!(plan.objects[0].changes.len(), 1);
        assert_eq!(plan.objects[0].changes[0].path, "parameters.p");
        assert_eq!(plan.summary().unchanged, 2);
    }

    #[test]
    fn foreign_objects_are_never_touched_and_block_a_name_clash() {
        let want = desired(json!({}));
        let mut foreign = as_deployed(&want[2]);
        foreign.body["properties"]["metadata"] = json!({"pacOwnerId": "someone"});
        let other = DeployedObject {
            kind: Kind::Assignment,
            id: id(Kind::Assignment, "alz-locations"),
            body: json!({"properties": {"policyDefinitionId": "/providers/Microsoft.Authorization/policyDefinitions/e56962a6"}}),
        };
        let plan = compute(&want, &[foreign, other], &[MG.into()], &options());
        assert_eq!(plan.blockers.len(), 1);
        assert!(plan.blockers[0]
            .message
            .contains("not published by this project"));
        assert_eq!(plan.foreign.len(), 2);
        assert!(operations(&plan)
            .iter()
            .all(|o| !o.id.contains("alz-locations")));
    }

    #[test]
    fn owned_objects_that_left_the_source_are_pruned_unless_pruning_is_off() {
        let want = desired(json!({}));
        let have: Vec<DeployedObject> = want.iter().map(as_deployed).collect();
        let plan = compute(&want[..2], &have, &[MG.into()], &options());
        assert_eq!(plan.summary().delete, 1);
        let kept = compute(
            &want[..2],
            &have,
            &[MG.into()],
            &PlanOptions {
                prune: false,
                ..options()
            },
        );
        assert_eq!(kept.summary().delete, 0);
        assert_eq!(kept.kept.len(), 1);
    }

    #[test]
    fn an_edit_outside_charter_is_drift() {
        let want = desired(json!({}));
        let mut have: Vec<DeployedObject> = want.iter().map(as_deployed).collect();
        have[2].body["properties"]["displayName"] = json!("edited in the portal");
        let plan = compute(&want, &have, &[MG.into()], &options());
        let drifted: Vec<&str> = plan.drifted().map(|o| o.id.as_str()).collect();
        assert_eq!(drifted, vec![id(Kind::Assignment, "a").as_str()]);
        assert_eq!(plan.objects[2].action, Action::Update);
    }
}

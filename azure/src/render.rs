//! A plan as a person reads it, and as a machine reads it (the JSON that `--format json`
//! prints and `--out` saves, which `charter publish --plan` applies).

use crate::diff::Change;
use crate::model::{ApiVersions, Kind};
use crate::plan::{operations, Action, Method, ObjectPlan, Operation, Plan};
use crate::publish::name_of;
use serde_json::{json, Value};

/// The `format` of a saved plan; a file of another format is refused.
pub const PLAN_FORMAT: &str = "charter-plan/1";

/// The one-line summary.
pub fn summary_line(plan: &Plan) -> String {
    let s = plan.summary();
    format!(
        "Plan: {} to create, {} to update in place, {} to replace, {} to delete, {} unchanged",
        s.create, s.update, s.replace, s.delete, s.unchanged
    )
}

fn symbol(action: Action) -> &'static str {
    match action {
        Action::Create => "+",
        Action::Update => "~",
        Action::Replace => "-/+",
        Action::Delete => "-",
        Action::Unchanged => "=",
    }
}

fn short(value: &Value) -> String {
    let text = value.to_string();
    if text.chars().count() > 100 {
        let cut: String = text.chars().take(97).collect();
        format!("{cut}…")
    } else {
        text
    }
}

fn object_line(object: &ObjectPlan) -> String {
    let scope = crate::plan::scope_of(&object.id);
    let mut line = format!(
        "{:>3} {} {} at {}",
        symbol(object.action),
        object.kind.label(),
        name_of(&object.id),
        if scope.is_empty() { "/" } else { &scope }
    );
    if object.action == Action::Replace {
        let mut why = object.replace_reasons.clone();
        if let Some(cause) = &object.cascade_from {
            why.push(format!(
                "it references {} `{}`, which is replaced",
                kind_of(cause),
                name_of(cause)
            ));
        }
        line.push_str(&format!(" (replace: {})", why.join("; ")));
    }
    if object.edited_outside {
        line.push_str(" [edited outside Charter]");
    }
    line
}

fn kind_of(id: &str) -> &'static str {
    crate::model::parse_policy_id(id)
        .map(|p| p.kind.label())
        .unwrap_or("object")
}

/// The plan as a person reads it.
pub fn human(plan: &Plan) -> String {
    let mut out = String::new();
    out.push_str(&summary_line(plan));
    out.push('\n');
    out.push_str(&format!(
        "Read {} scope{} as owner `{}`.\n",
        plan.scopes.len(),
        if plan.scopes.len() == 1 { "" } else { "s" },
        plan.owner_id
    ));
    if !plan.objects.is_empty() {
        out.push('\n');
    }
    for object in &plan.objects {
        out.push_str(&object_line(object));
        out.push('\n');
        for change in &object.changes {
            let text = match &change.change {
                Change::Added(v) => format!("{}: (absent) -> {}", change.path, short(v)),
                Change::Removed(v) => format!("{}: {} -> (absent)", change.path, short(v)),
                Change::Modified { old, new } => {
                    format!("{}: {} -> {}", change.path, short(old), short(new))
                }
                Change::Items {
                    added,
                    removed,
                    unchanged,
                } => {
                    let mut parts: Vec<String> =
                        added.iter().map(|v| format!("+ {}", short(v))).collect();
                    parts.extend(removed.iter().map(|v| format!("- {}", short(v))));
                    if *unchanged > 0 {
                        parts.push(format!("{unchanged} unchanged"));
                    }
                    format!("{}: {}", change.path, parts.join(", "))
                }
            };
            out.push_str(&format!("      {text}\n"));
        }
        for line in &object.semantic {
            out.push_str(&format!("      => {line}\n"));
        }
    }
    let drifted: Vec<&ObjectPlan> = plan.drifted().collect();
    if !drifted.is_empty() {
        out.push_str(&format!(
            "\nEdited outside Charter since it published them ({}); the plan puts them back:\n",
            drifted.len()
        ));
        for object in drifted {
            out.push_str(&format!("    {} {}\n", object.kind.label(), object.id));
        }
    }
    if !plan.kept.is_empty() {
        out.push_str(&format!(
            "\nLeft the source, kept because pruning is off ({}):\n",
            plan.kept.len()
        ));
        for object in &plan.kept {
            out.push_str(&format!("    {} {}\n", object.kind.label(), object.id));
        }
    }
    if !plan.foreign.is_empty() {
        out.push_str(&format!(
            "\nNot owned by this project, never touched ({}):\n",
            plan.foreign.len()
        ));
        for foreign in &plan.foreign {
            let owner = match &foreign.owner {
                Some(owner) => format!("Charter owner `{owner}`"),
                None => "no Charter owner".to_string(),
            };
            out.push_str(&format!(
                "    {} {} ({owner})\n",
                foreign.kind.label(),
                foreign.id
            ));
        }
    }
    if !plan.blockers.is_empty() {
        out.push_str(&format!(
            "\nThis plan cannot be applied ({}):\n",
            plan.blockers.len()
        ));
        for blocker in &plan.blockers {
            out.push_str(&format!("    error: {}\n", blocker.message));
        }
    }
    out
}

fn change_json(change: &crate::diff::PropertyChange) -> Value {
    match &change.change {
        Change::Added(v) => json!({"path": change.path, "change": "add", "new": v}),
        Change::Removed(v) => json!({"path": change.path, "change": "remove", "old": v}),
        Change::Modified { old, new } => {
            json!({"path": change.path, "change": "modify", "old": old, "new": new})
        }
        Change::Items {
            added,
            removed,
            unchanged,
        } => json!({"path": change.path, "change": "items", "added": added,
                    "removed": removed, "unchanged": unchanged}),
    }
}

/// The plan as JSON: stable action names and counts, every object, and the operations that
/// apply it, with what was read and its hash.
pub fn to_json(plan: &Plan, arm_endpoint: &str, api: &ApiVersions) -> Value {
    let summary = plan.summary();
    let objects: Vec<Value> = plan
        .objects
        .iter()
        .map(|object| {
            json!({
                "action": object.action.as_str(),
                "kind": object.kind.segment(),
                "id": object.id,
                "name": name_of(&object.id),
                "scope": crate::plan::scope_of(&object.id),
                "edited_outside": object.edited_outside,
                "replace_reasons": object.replace_reasons,
                "cascade_from": object.cascade_from,
                "changes": object.changes.iter().map(change_json).collect::<Vec<_>>(),
                "semantic": object.semantic,
            })
        })
        .collect();
    let operations: Vec<Value> = operations(plan)
        .iter()
        .map(|operation| {
            let mut value = json!({
                "method": operation.method.as_str(),
                "action": operation.action.as_str(),
                "kind": operation.kind.segment(),
                "id": operation.id,
            });
            if let Some(body) = &operation.body {
                value["body"] = body.clone();
            }
            value
        })
        .collect();
    json!({
        "format": PLAN_FORMAT,
        "owner_id": plan.owner_id,
        "arm_endpoint": arm_endpoint,
        "api_versions": {
            "policyDefinitions": api.definitions,
            "policySetDefinitions": api.set_definitions,
            "policyAssignments": api.assignments,
            "policyExemptions": api.exemptions,
        },
        "summary": {
            "create": summary.create,
            "update": summary.update,
            "replace": summary.replace,
            "delete": summary.delete,
            "unchanged": summary.unchanged,
            "edited_outside": plan.drifted().count(),
            "foreign": plan.foreign.len(),
            "kept": plan.kept.len(),
            "blocked": plan.blockers.len(),
        },
        "objects": objects,
        "kept": plan.kept.iter().map(|o| json!({"kind": o.kind.segment(), "id": o.id})).collect::<Vec<_>>(),
        "foreign": plan.foreign.iter().map(|f| json!({
            "kind": f.kind.segment(), "id": f.id, "owner": f.owner, "conflict": f.conflict,
        })).collect::<Vec<_>>(),
        "blockers": plan.blockers.iter().map(|b| json!({"id": b.id, "message": b.message})).collect::<Vec<_>>(),
        "state": {"scopes": plan.scopes, "hash": plan.state_hash},
        "operations": operations,
    })
}

/// A saved plan, as `charter publish --plan` reads it back.
#[derive(Debug, Clone, PartialEq)]
pub struct SavedPlan {
    pub owner_id: String,
    pub arm_endpoint: String,
    pub scopes: Vec<String>,
    pub state_hash: String,
    pub operations: Vec<Operation>,
    pub has_blockers: bool,
}

/// Reads a saved plan, or says what is wrong with it.
pub fn read_saved(text: &str) -> Result<SavedPlan, String> {
    let value: Value =
        serde_json::from_str(text).map_err(|error| format!("it is not JSON: {error}"))?;
    if value.get("format").and_then(Value::as_str) != Some(PLAN_FORMAT) {
        return Err(format!(
            "it is not a plan written by `charter plan --out` (no `\"format\": \"{PLAN_FORMAT}\"`)"
        ));
    }
    let text = |pointer: &str| {
        value
            .pointer(pointer)
            .and_then(Value::as_str)
            .map(str::to_string)
            .ok_or_else(|| format!("it has no `{pointer}`"))
    };
    let scopes = value
        .pointer("/state/scopes")
        .and_then(Value::as_array)
        .ok_or("it has no `/state/scopes`")?
        .iter()
        .filter_map(Value::as_str)
        .map(str::to_string)
        .collect();
    let mut operations = Vec::new();
    for item in value
        .get("operations")
        .and_then(Value::as_array)
        .ok_or("it has no `operations`")?
    {
        let field = |name: &str| item.get(name).and_then(Value::as_str).unwrap_or("");
        let method = match field("method") {
            "PUT" => Method::Put,
            "DELETE" => Method::Delete,
            other => return Err(format!("unknown method `{other}` in `operations`")),
        };
        let kind = Kind::from_segment(field("kind"))
            .ok_or_else(|| format!("unknown kind `{}` in `operations`", field("kind")))?;
        let action = match field("action") {
            "create" => Action::Create,
            "update" => Action::Update,
            "replace" => Action::Replace,
            "delete" => Action::Delete,
            other => return Err(format!("unknown action `{other}` in `operations`")),
        };
        if method == Method::Put && item.get("body").is_none() {
            return Err(format!("the PUT of `{}` has no body", field("id")));
        }
        operations.push(Operation {
            method,
            kind,
            id: field("id").to_string(),
            body: item.get("body").cloned(),
            action,
        });
    }
    Ok(SavedPlan {
        owner_id: text("/owner_id")?,
        arm_endpoint: text("/arm_endpoint")?,
        scopes,
        state_hash: text("/state/hash")?,
        operations,
        has_blockers: value
            .get("blockers")
            .and_then(Value::as_array)
            .is_some_and(|b| !b.is_empty()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::{compute, PlanOptions};
    use crate::DesiredObject;

    #[test]
    fn a_saved_plan_reads_back_its_operations() {
        let desired = vec![DesiredObject {
            kind: Kind::Definition,
            id: "/subscriptions/s/providers/Microsoft.Authorization/policyDefinitions/d".into(),
            body: json!({"properties": {"mode": "All"}}),
        }];
        let plan = compute(
            &desired,
            &[],
            &["/subscriptions/s".into()],
            &PlanOptions {
                owner_id: "o".into(),
                prune: true,
            },
        );
        let text = to_json(
            &plan,
            "https://management.azure.com",
            &ApiVersions::default(),
        )
        .to_string();
        let saved = read_saved(&text).expect("a plan");
        assert_eq!(saved.operations, operations(&plan));
        assert_eq!(saved.state_hash, plan.state_hash);
        assert!(read_saved("{}").is_err());
        assert!(human(&plan).starts_with(
            "Plan: 1 to create, 0 to update in place, 0 to replace, 0 to delete, 0 unchanged\n"
        ));
    }
}

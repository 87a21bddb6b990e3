//! What a change to an assignment means for the governance, in Charter's words: lines such as
//! "filter `baseline`, prompt `hate`: low -> medium, weaker" on top of the JSON diff.
//!
//! They read only the assignment parameters (the values Charter's initiatives take) and the
//! project's IR (filter names, endpoints); a parameter they do not know gets no line.

use crate::model::Kind;
use crate::normalize::{get_ci, normalize};
use crate::plan::{Action, ObjectPlan, Plan};
use charter_ir::Project;
use serde_json::{Map, Value};

/// Adds semantic lines to every assignment in `plan`.
pub fn annotate(plan: &mut Plan, project: Option<&Project>) {
    for object in plan.objects.iter_mut() {
        if object.kind == Kind::Assignment {
            object.semantic = describe(object, project);
        }
    }
}

fn parameters(body: Option<&Value>) -> Map<String, Value> {
    body.map(|b| normalize(Kind::Assignment, b))
        .and_then(|n| get_ci(&n["properties"], "parameters").cloned())
        .and_then(|p| p.as_object().cloned())
        .unwrap_or_default()
}

fn policy_name(object: &ObjectPlan) -> Option<String> {
    let body = object.desired.as_ref().or(object.deployed.as_ref())?;
    let metadata = get_ci(get_ci(body, "properties")?, "metadata")?;
    get_ci(metadata, "charterPolicy")?
        .as_str()
        .map(str::to_string)
}

/// The semantic lines of one assignment's change.
pub fn describe(object: &ObjectPlan, project: Option<&Project>) -> Vec<String> {
    let policy = policy_name(object);
    let scope = crate::plan::scope_of(&object.id);
    let subject = match &policy {
        Some(name) => format!("policy `{name}`"),
        None => "this assignment".into(),
    };
    match object.action {
        Action::Create => return vec![format!("{subject} will be enforced at `{scope}`")],
        Action::Delete => {
            return vec![format!("{subject} will no longer be enforced at `{scope}`")]
        }
        Action::Unchanged => return Vec::new(),
        Action::Update | Action::Replace => {}
    }
    let old = parameters(object.deployed.as_ref());
    let new = parameters(object.desired.as_ref());
    let ir_policy = project.and_then(|p| {
        p.policies
            .iter()
            .find(|candidate| Some(&candidate.name) == policy.as_ref())
    });
    let mut lines = Vec::new();
    let mut names: Vec<&String> = new.keys().chain(old.keys()).collect();
    names.sort();
    names.dedup();
    for name in names {
        let (before, after) = (old.get(name), new.get(name));
        if before == after {
            continue;
        }
        let lower = name.to_ascii_lowercase();
        if let Some(rest) = lower.strip_suffix("severities") {
            if let Some(line) = severity_line(rest, before, after, ir_policy) {
                lines.push(line);
            }
        } else if lower == "effect" {
            if let (Some(a), Some(b)) = (text(before), text(after)) {
                let verdict = compare(effect_strength(&a), effect_strength(&b));
                lines.push(format!("effect: {a} -> {b}{verdict}"));
            }
        } else if lower == "maxcapacity" {
            if let (Some(a), Some(b)) = (
                before.and_then(Value::as_i64),
                after.and_then(Value::as_i64),
            ) {
                // A lower cap is stricter.
                let verdict = compare(-a, -b);
                lines.push(format!("capacity cap: {a} -> {b} units{verdict}"));
            }
        } else if lower == "allowedmodelversions" {
            for (item, added) in items(before, after) {
                let (model, version) = item.split_once(',').unwrap_or((item.as_str(), ""));
                let users = endpoints(project, |e| {
                    e.model.name == model && e.model.version == version
                });
                lines.push(list_line(
                    &format!("model `{model} {version}`"),
                    "the allow-list",
                    added,
                    users,
                ));
            }
        } else if lower == "allowedmodelnames" {
            for (model, added) in items(before, after) {
                let users = endpoints(project, |e| e.model.name == model);
                lines.push(list_line(
                    &format!("model `{model}` (every version)"),
                    "the allow-list",
                    added,
                    users,
                ));
            }
        } else if lower == "allowedregions" {
            for (region, added) in items(before, after) {
                let users = endpoints(project, |e| e.regions.contains(&region));
                lines.push(list_line(
                    &format!("region `{region}`"),
                    "the allowed regions",
                    added,
                    users,
                ));
            }
        } else if lower == "approvedcontentfilters" {
            for (filter, added) in items(before, after) {
                let users = endpoints(project, |e| e.filter.name == filter);
                lines.push(list_line(
                    &format!("filter `{filter}`"),
                    "the approved filters",
                    added,
                    users,
                ));
            }
        }
    }
    lines
}

fn text(value: Option<&Value>) -> Option<String> {
    value.and_then(Value::as_str).map(str::to_string)
}

fn compare(before: i64, after: i64) -> &'static str {
    match after.cmp(&before) {
        std::cmp::Ordering::Less => ", weaker",
        std::cmp::Ordering::Greater => ", stricter",
        std::cmp::Ordering::Equal => "",
    }
}

fn effect_strength(effect: &str) -> i64 {
    match effect.to_ascii_lowercase().as_str() {
        "deny" => 2,
        "audit" => 1,
        _ => 0,
    }
}

/// Items only in `after` (true) or only in `before` (false), in a stable order.
fn items(before: Option<&Value>, after: Option<&Value>) -> Vec<(String, bool)> {
    let list = |v: Option<&Value>| -> Vec<String> {
        v.and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default()
    };
    let (a, b) = (list(before), list(after));
    let mut out: Vec<(String, bool)> = a
        .iter()
        .filter(|x| !b.contains(x))
        .map(|x| (x.clone(), false))
        .collect();
    out.extend(
        b.iter()
            .filter(|x| !a.contains(x))
            .map(|x| (x.clone(), true)),
    );
    out
}

fn endpoints(
    project: Option<&Project>,
    matches: impl Fn(&charter_ir::Endpoint) -> bool,
) -> Option<usize> {
    project.map(|p| {
        p.workloads
            .iter()
            .flat_map(|w| w.endpoints.iter())
            .filter(|e| matches(e))
            .count()
    })
}

fn list_line(what: &str, list: &str, added: bool, users: Option<usize>) -> String {
    if added {
        return format!("{what} added to {list}");
    }
    let users = match users {
        Some(0) => ": no endpoint of this project uses it".to_string(),
        Some(1) => ": 1 endpoint of this project uses it".to_string(),
        Some(n) => format!(": {n} endpoints of this project use it"),
        None => String::new(),
    };
    format!("{what} removed from {list}{users}")
}

/// `hatePrompt` from `hatePromptSeverities`: the side, the category and the threshold change.
fn severity_line(
    rest: &str,
    before: Option<&Value>,
    after: Option<&Value>,
    policy: Option<&charter_ir::Policy>,
) -> Option<String> {
    let (category, side) = if let Some(c) = rest.strip_suffix("prompt") {
        (c, "prompt")
    } else if let Some(c) = rest.strip_suffix("completion") {
        (c, "completion")
    } else {
        return None;
    };
    let category = match category {
        "selfharm" => "self_harm",
        other => other,
    };
    let threshold = |v: Option<&Value>| -> Option<(i64, &'static str)> {
        let values = v?.as_array()?;
        values
            .iter()
            .filter_map(Value::as_str)
            .map(|s| match s.to_ascii_lowercase().as_str() {
                "low" => (0, "low"),
                "medium" => (1, "medium"),
                _ => (2, "high"),
            })
            .max()
    };
    let (a, b) = (threshold(before)?, threshold(after)?);
    // A higher threshold blocks less: `low` blocks low, medium and high severity.
    let verdict = compare(-a.0, -b.0);
    let filter = policy
        .and_then(|p| p.minimum_filter.as_ref())
        .map(|f| format!("filter `{}`", f.name))
        .unwrap_or_else(|| "the minimum filter".into());
    Some(format!(
        "{filter}, {side} `{category}`: {} -> {}{verdict}",
        a.1, b.1
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn assignment(parameters: Value) -> Value {
        json!({"properties": {"policyDefinitionId": "/x", "metadata": {"charterPolicy": "p"}, "parameters": parameters}})
    }

    fn change(old: Value, new: Value) -> ObjectPlan {
        ObjectPlan {
            action: Action::Update,
            kind: Kind::Assignment,
            id: "/providers/Microsoft.Management/managementGroups/a/providers/Microsoft.Authorization/policyAssignments/p".into(),
            changes: Vec::new(),
            replace_reasons: Vec::new(),
            cascade_from: None,
            edited_outside: false,
            semantic: Vec::new(),
            desired: Some(assignment(new)),
            deployed: Some(assignment(old)),
        }
    }

    #[test]
    fn a_weaker_severity_says_so() {
        let object = change(
            json!({"hateCompletionSeverities": {"value": ["Low"]}}),
            json!({"hateCompletionSeverities": {"value": ["Low", "Medium"]}}),
        );
        assert_eq!(
            describe(&object, None),
            vec!["the minimum filter, completion `hate`: low -> medium, weaker"]
        );
    }

    #[test]
    fn models_regions_effect_and_cap() {
        let object = change(
            json!({"allowedModelVersions": {"value": ["gpt-4.1,2025-04-14", "gpt-5,1"]},
                   "effect": {"value": "Deny"}, "maxCapacity": {"value": 200},
                   "allowedRegions": {"value": ["eastus2"]}}),
            json!({"allowedModelVersions": {"value": ["gpt-5,1"]},
                   "effect": {"value": "Audit"}, "maxCapacity": {"value": 100},
                   "allowedRegions": {"value": ["eastus2", "westus3"]}}),
        );
        assert_eq!(
            describe(&object, None),
            vec![
                "model `gpt-4.1 2025-04-14` removed from the allow-list",
                "region `westus3` added to the allowed regions",
                "effect: Deny -> Audit, weaker",
                "capacity cap: 200 -> 100 units, stricter",
            ]
        );
    }
}

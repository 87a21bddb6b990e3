//! Property-level differences between two normalised bodies.

use crate::model::Kind;
use crate::normalize::{array_mode, canonical_string, get_ci, ArrayMode};
use serde_json::Value;

/// One property that differs. Paths read `parameters.allowedRegions`,
/// `policyDefinitions[allowedModels].parameters.effect`; `properties.` is left out.
#[derive(Debug, Clone, PartialEq)]
pub struct PropertyChange {
    pub path: String,
    pub change: Change,
}

/// How a property differs.
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    /// Only in the new body.
    Added(Value),
    /// Only in the old body.
    Removed(Value),
    /// A different value.
    Modified { old: Value, new: Value },
    /// A set-like list: items added and removed; `unchanged` items are not listed.
    Items {
        added: Vec<Value>,
        removed: Vec<Value>,
        unchanged: usize,
    },
}

/// The differences from `old` to `new`, both normalised bodies of `kind`.
pub fn diff(kind: Kind, old: &Value, new: &Value) -> Vec<PropertyChange> {
    let mut out = Vec::new();
    let mut path = Vec::new();
    let mut shown = Vec::new();
    match (old, new) {
        (Value::Object(_), Value::Object(_)) => {
            // Walk `properties` without naming it; identity and location keep their names.
            let old_props = get_ci(old, "properties").cloned().unwrap_or(Value::Null);
            let new_props = get_ci(new, "properties").cloned().unwrap_or(Value::Null);
            walk(
                kind, &old_props, &new_props, &mut path, &mut shown, &mut out,
            );
            for key in ["identity", "location"] {
                let a = get_ci(old, key).cloned().unwrap_or(Value::Null);
                let b = get_ci(new, key).cloned().unwrap_or(Value::Null);
                shown.push(key.to_string());
                path.push(key.to_string());
                walk(kind, &a, &b, &mut path, &mut shown, &mut out);
                path.pop();
                shown.pop();
            }
        }
        _ => walk(kind, old, new, &mut path, &mut shown, &mut out),
    }
    out
}

/// `path` holds lowercased keys (and `[]`) for [`array_mode`]; `shown` the display segments.
fn walk(
    kind: Kind,
    old: &Value,
    new: &Value,
    path: &mut Vec<String>,
    shown: &mut Vec<String>,
    out: &mut Vec<PropertyChange>,
) {
    if old == new {
        return;
    }
    let display = || display_path(shown);
    match (old, new) {
        (Value::Null, Value::Null) => {}
        // An absent container (`parameters`, `metadata`) is an empty one, so that its added
        // entries show one by one.
        (Value::Null, Value::Object(_)) if path.len() <= 1 => walk(
            kind,
            &Value::Object(Default::default()),
            new,
            path,
            shown,
            out,
        ),
        (Value::Object(_), Value::Null) if path.len() <= 1 => walk(
            kind,
            old,
            &Value::Object(Default::default()),
            path,
            shown,
            out,
        ),
        (Value::Null, _) => out.push(PropertyChange {
            path: display(),
            change: Change::Added(new.clone()),
        }),
        (_, Value::Null) => out.push(PropertyChange {
            path: display(),
            change: Change::Removed(old.clone()),
        }),
        (Value::Object(a), Value::Object(b)) => {
            let mut keys: Vec<(String, String)> = Vec::new();
            for key in b.keys().chain(a.keys()) {
                let lower = key.to_ascii_lowercase();
                if !keys.iter().any(|(l, _)| *l == lower) {
                    keys.push((lower, key.clone()));
                }
            }
            for (lower, key) in keys {
                let x = get_ci(old, &key).cloned().unwrap_or(Value::Null);
                let y = get_ci(new, &key).cloned().unwrap_or(Value::Null);
                path.push(lower);
                shown.push(key);
                walk(kind, &x, &y, path, shown, out);
                shown.pop();
                path.pop();
            }
        }
        (Value::Array(a), Value::Array(b)) => match array_mode(kind, path) {
            ArrayMode::Set => {
                let mut remaining: Vec<&Value> = a.iter().collect();
                let mut added = Vec::new();
                for item in b {
                    match remaining.iter().position(|x| *x == item) {
                        Some(at) => {
                            remaining.remove(at);
                        }
                        None => added.push(item.clone()),
                    }
                }
                let removed: Vec<Value> = remaining.into_iter().cloned().collect();
                let unchanged = b.len() - added.len();
                out.push(PropertyChange {
                    path: display(),
                    change: Change::Items {
                        added,
                        removed,
                        unchanged,
                    },
                });
            }
            ArrayMode::Keyed(field) => {
                let key_of = |item: &Value| {
                    get_ci(item, field)
                        .and_then(Value::as_str)
                        .map(str::to_string)
                        .unwrap_or_else(|| canonical_string(item))
                };
                let mut keys: Vec<String> = Vec::new();
                for item in b.iter().chain(a.iter()) {
                    let key = key_of(item);
                    if !keys.iter().any(|k| k.eq_ignore_ascii_case(&key)) {
                        keys.push(key);
                    }
                }
                for key in keys {
                    let find = |items: &Vec<Value>| {
                        items
                            .iter()
                            .find(|item| key_of(item).eq_ignore_ascii_case(&key))
                            .cloned()
                            .unwrap_or(Value::Null)
                    };
                    let (x, y) = (find(a), find(b));
                    let last = shown.pop().unwrap_or_default();
                    shown.push(format!("{last}[{key}]"));
                    path.push("[]".into());
                    walk(kind, &x, &y, path, shown, out);
                    path.pop();
                    shown.pop();
                    shown.push(last);
                }
            }
            ArrayMode::Ordered => {
                if a.len() == b.len() {
                    for (index, (x, y)) in a.iter().zip(b.iter()).enumerate() {
                        let last = shown.pop().unwrap_or_default();
                        shown.push(format!("{last}[{index}]"));
                        path.push("[]".into());
                        walk(kind, x, y, path, shown, out);
                        path.pop();
                        shown.pop();
                        shown.push(last);
                    }
                } else {
                    out.push(PropertyChange {
                        path: display(),
                        change: Change::Modified {
                            old: old.clone(),
                            new: new.clone(),
                        },
                    });
                }
            }
        },
        _ => out.push(PropertyChange {
            path: display(),
            change: Change::Modified {
                old: old.clone(),
                new: new.clone(),
            },
        }),
    }
}

fn display_path(shown: &[String]) -> String {
    if shown.is_empty() {
        "(body)".into()
    } else {
        shown.join(".")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::normalize;
    use serde_json::json;

    #[test]
    fn one_changed_field_is_one_change() {
        let old = normalize(
            Kind::Assignment,
            &json!({"properties": {"displayName": "a", "parameters": {"cap": {"value": 200}}}}),
        );
        let new = normalize(
            Kind::Assignment,
            &json!({"properties": {"displayName": "a", "parameters": {"cap": {"value": 300}}}}),
        );
        assert_eq!(
            diff(Kind::Assignment, &old, &new),
            vec![PropertyChange {
                path: "parameters.cap".into(),
                change: Change::Modified {
                    old: json!(200),
                    new: json!(300)
                }
            }]
        );
    }

    #[test]
    fn set_items_are_listed_and_unchanged_ones_counted() {
        let old = normalize(
            Kind::Assignment,
            &json!({"properties": {"parameters": {"regions": {"value": ["a", "b", "c"]}}}}),
        );
        let new = normalize(
            Kind::Assignment,
            &json!({"properties": {"parameters": {"regions": {"value": ["c", "a", "d"]}}}}),
        );
        assert_eq!(
            diff(Kind::Assignment, &old, &new),
            vec![PropertyChange {
                path: "parameters.regions".into(),
                change: Change::Items {
                    added: vec![json!("d")],
                    removed: vec![json!("b")],
                    unchanged: 2
                }
            }]
        );
    }

    #[test]
    fn set_members_are_matched_by_reference_id() {
        let old = normalize(
            Kind::SetDefinition,
            &json!({"properties": {"policyDefinitions": [
                {"policyDefinitionReferenceId": "a", "policyDefinitionId": "/x", "parameters": {"effect": {"value": "Deny"}}},
                {"policyDefinitionReferenceId": "b", "policyDefinitionId": "/y"}]}}),
        );
        let new = normalize(
            Kind::SetDefinition,
            &json!({"properties": {"policyDefinitions": [
                {"policyDefinitionReferenceId": "b", "policyDefinitionId": "/y"},
                {"policyDefinitionReferenceId": "a", "policyDefinitionId": "/x", "parameters": {"effect": {"value": "Audit"}}}]}}),
        );
        let changes = diff(Kind::SetDefinition, &old, &new);
        assert_eq!(changes.len(), 1);
        assert_eq!(changes[0].path, "policyDefinitions[a].parameters.effect");
    }
}

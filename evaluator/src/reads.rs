//! What of a resource a policy rule can read, told statically: the payload properties its
//! `field` conditions, counts and `field('…')` calls name. Two resources of the same type that
//! agree on those properties (and stand in the same place) get the same verdict from the rule,
//! so a caller evaluating many similar resources (the self-compliance proof, an audit) can
//! evaluate each distinct shape once.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::aliases::{self, Resolution};
use crate::evaluate::{definition_properties, target_types};

/// The payload properties a definition's rule reads, as dotted paths into the payload (`name`,
/// `tags`, `sku.name`, `properties.contentfilters`, `id`, …, lower case, cut before the first
/// array step), and the resource types it can match.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reads {
    /// The resource types (lower case) the rule can match; `None` when it cannot be told.
    pub types: Option<Vec<String>>,
    /// The payload paths the rule reads; `None` when it cannot be told (a field named by an
    /// expression, an alias of unknown shape): then it may read anything.
    pub keys: Option<BTreeSet<String>>,
}

/// What a policy definition (a REST body or its `properties`) reads.
pub fn reads(definition: &Value) -> Reads {
    let properties = definition_properties(definition);
    let keys = match properties.get("policyRule") {
        Some(rule) => rule_reads(rule, true),
        None => Some(BTreeSet::new()),
    };
    Reads {
        types: target_types(properties),
        keys,
    }
}

/// What a definition's rule reads outside its `if` condition (its effect and details), spelled
/// as [`reads`] spells it; `None` when that cannot be told.
pub(crate) fn reads_outside_condition(definition: &Value) -> Option<BTreeSet<String>> {
    match definition_properties(definition).get("policyRule") {
        Some(rule) => rule_reads(rule, false),
        None => Some(BTreeSet::new()),
    }
}

/// What a `policyRule` reads of the resource it evaluates, with its `if` condition or only the
/// rest. An `…IfNotExists` rule's existence condition reads the related resources, not the one
/// evaluated, so it is left out.
fn rule_reads(rule: &Value, with_condition: bool) -> Option<BTreeSet<String>> {
    let mut own = rule.clone();
    if let Some(parts) = own.as_object_mut().filter(|_| !with_condition) {
        parts.retain(|name, _| !name.eq_ignore_ascii_case("if"));
    }
    if let Some(details) = own
        .get_mut("then")
        .and_then(|then| then.get_mut("details"))
        .and_then(Value::as_object_mut)
    {
        details.remove("existenceCondition");
    }
    let mut keys = Some(BTreeSet::new());
    collect(&own, &mut keys);
    keys
}

/// Adds what `value` (a part of a rule) reads to `keys`; sets it to `None` when that cannot be
/// told.
fn collect(value: &Value, keys: &mut Option<BTreeSet<String>>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                if key.eq_ignore_ascii_case("field") {
                    match child.as_str() {
                        Some(field) if !field.starts_with('[') => add_field(field, keys),
                        Some(expression) if is_tag_expression(expression) => {
                            add_field("tags", keys)
                        }
                        // A field named by an expression may be any field.
                        _ => *keys = None,
                    }
                } else {
                    collect(child, keys);
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|item| collect(item, keys)),
        Value::String(text) if text.starts_with('[') => scan_expression(text, keys),
        _ => {}
    }
}

/// Whether a field named by an expression is a tag whose name is a parameter, the usual form
/// (`[concat('tags[', parameters('tagName'), ']')]`): whatever the name, it reads `tags`.
fn is_tag_expression(expression: &str) -> bool {
    let compact: String = expression
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_lowercase();
    compact.starts_with("[concat('tags[',") || compact.starts_with("[concat('tags.',")
}

/// The `field('…')` calls of a template expression; any other argument than a string literal
/// means the rule may read anything.
fn scan_expression(expression: &str, keys: &mut Option<BTreeSet<String>>) {
    let lowered = expression.to_ascii_lowercase();
    let mut from = 0;
    while let Some(found) = lowered[from..].find("field(") {
        let start = from + found + "field(".len();
        // `field(` inside a longer name (`myfield(`) is not the function.
        let preceded_by_name = lowered[..from + found]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_');
        from = start;
        if preceded_by_name {
            continue;
        }
        let rest = expression[start..].trim_start();
        match rest.strip_prefix('\'').and_then(string_literal) {
            Some(field) => add_field(&field, keys),
            None => {
                *keys = None;
                return;
            }
        }
    }
}

/// The text of a template string literal whose opening quote is already read (`''` is a
/// quote), or `None` when it does not end.
fn string_literal(rest: &str) -> Option<String> {
    let mut text = String::new();
    let mut chars = rest.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\'' {
            if chars.peek() == Some(&'\'') {
                chars.next();
                text.push('\'');
            } else {
                return Some(text);
            }
        } else {
            text.push(c);
        }
    }
    None
}

/// Adds the payload path a field reads.
fn add_field(field: &str, keys: &mut Option<BTreeSet<String>>) {
    let Some(set) = keys else { return };
    let lowered = field.to_ascii_lowercase();
    if aliases::is_top_level(field) {
        match lowered.as_str() {
            // `fullName` is built from the name and, for a child resource, the id.
            "fullname" => {
                set.insert("name".to_owned());
                set.insert("id".to_owned());
            }
            "identity.type" => {
                set.insert("identity".to_owned());
            }
            _ if lowered.starts_with("tags") => {
                set.insert("tags".to_owned());
            }
            _ => {
                set.insert(lowered);
            }
        }
        return;
    }
    match aliases::resolve(field) {
        Resolution::Alias {
            path,
            inferred: false,
            ..
        } => {
            let cut = path.split('[').next().unwrap_or_default();
            set.insert(cut.trim_end_matches('.').to_ascii_lowercase());
        }
        // An alias the table lacks is an error whatever the payload says; a field of unknown
        // shape could read anything.
        Resolution::Alias { inferred: true, .. } => {}
        Resolution::TopLevel | Resolution::Unknown => *keys = None,
    }
}

/// The value at a dotted `path` of [`Reads::keys`] in `payload` (keys compare without case), or
/// `None` when it is absent.
pub fn value_at<'v>(payload: &'v Value, path: &str) -> Option<&'v Value> {
    // Split as bytes: a `char` pattern sets up a memchr search for every segment, which on
    // paths of a few short segments cost more than the lookups.
    path.as_bytes()
        .split(|byte| *byte == b'.')
        .try_fold(payload, |value, segment| {
            value
                .as_object()?
                .iter()
                .find(|(key, _)| key.as_bytes().eq_ignore_ascii_case(segment))
                .map(|(_, child)| child)
        })
}

/// A path of [`value_at`] split and lower-cased once, for a caller that reads it from many
/// payloads.
#[derive(Debug)]
pub(crate) struct Path {
    /// Its segments, lower case.
    segments: Vec<Box<[u8]>>,
}

impl Path {
    pub(crate) fn new(path: &str) -> Path {
        Path {
            segments: path
                .as_bytes()
                .split(|byte| *byte == b'.')
                .map(|segment| segment.to_ascii_lowercase().into_boxed_slice())
                .collect(),
        }
    }

    /// [`value_at`] of this path in `payload`.
    pub(crate) fn value_at<'v>(&self, payload: &'v Value) -> Option<&'v Value> {
        self.segments.iter().try_fold(payload, |value, segment| {
            value
                .as_object()?
                .iter()
                .find(|(key, _)| same_lower_case(key.as_bytes(), segment))
                .map(|(_, child)| child)
        })
    }
}

/// Whether `key` is `lower` (lower case) without case: only the key is lower-cased, and a key
/// already in lower case (`properties`, `sku`) compares at memory speed.
fn same_lower_case(key: &[u8], lower: &[u8]) -> bool {
    key.len() == lower.len()
        && (key == lower
            || key
                .iter()
                .zip(lower)
                .all(|(key, lower)| key.to_ascii_lowercase() == *lower))
}

/// A hash of what `keys` (paths of [`Reads::keys`]; `None`: the whole payload) select of
/// `payload`, with its type (lower case). Payloads that [`agree`] hash alike; a caller grouping
/// payloads by it confirms a match with [`agree`], since different payloads may share a hash.
pub fn fingerprint(payload: &Value, keys: Option<&BTreeSet<String>>) -> u64 {
    use std::hash::Hasher as _;
    let mut hasher = rustc_hash::FxHasher::default();
    let resource_type = payload.get("type").and_then(Value::as_str).unwrap_or("");
    for byte in resource_type.bytes() {
        hasher.write_u8(byte.to_ascii_lowercase());
    }
    match keys {
        None => crate::memo::hash_value(payload, &mut hasher),
        Some(keys) => {
            for key in keys {
                match value_at(payload, key) {
                    Some(value) => crate::memo::hash_value(value, &mut hasher),
                    None => hasher.write_u8(0xff),
                }
            }
        }
    }
    hasher.finish()
}

/// Whether two payloads have the same type (without case) and the same values at `keys`
/// (`None`: are equal as a whole).
pub fn agree(a: &Value, b: &Value, keys: Option<&BTreeSet<String>>) -> bool {
    // Payloads shared between resources (a filter's content filter in every account) are one.
    if std::ptr::eq(a, b) {
        return true;
    }
    fn type_of(payload: &Value) -> &str {
        payload.get("type").and_then(Value::as_str).unwrap_or("")
    }
    match keys {
        None => crate::memo::same_value(a, b),
        Some(keys) => {
            type_of(a).eq_ignore_ascii_case(type_of(b))
                && keys
                    .iter()
                    .all(|key| match (value_at(a, key), value_at(b, key)) {
                        (Some(a), Some(b)) => crate::memo::same_value(a, b),
                        (None, None) => true,
                        _ => false,
                    })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn keys(rule: Value) -> Option<Vec<String>> {
        reads(&json!({ "properties": { "mode": "All", "policyRule": rule } }))
            .keys
            .map(|set| set.into_iter().collect())
    }

    #[test]
    fn a_split_path_reads_what_value_at_reads() {
        let payload = json!({
            "type": "Microsoft.CognitiveServices/accounts/deployments",
            "properties": { "raiPolicyName": "guard", "model": { "Name": "gpt" } },
            "sku": 3
        });
        for path in [
            "type",
            "properties.raipolicyname",
            "Properties.RaiPolicyName",
            "properties.model.name",
            "properties.model.version",
            "sku.capacity",
            "missing",
            "",
        ] {
            assert_eq!(
                Path::new(path).value_at(&payload),
                value_at(&payload, path),
                "{path}"
            );
        }
    }

    #[test]
    fn an_existence_condition_reads_the_related_resource_not_this_one() {
        let rule = json!({
            "if": { "field": "type", "equals": "Microsoft.CognitiveServices/accounts" },
            "then": {
                "effect": "auditIfNotExists",
                "details": {
                    "type": "Microsoft.Insights/diagnosticSettings",
                    "existenceCondition": {
                        "field": "Microsoft.Insights/diagnosticSettings/logs[*]",
                        "exists": true
                    }
                }
            }
        });
        assert_eq!(keys(rule), Some(vec!["type".to_string()]));
    }

    #[test]
    fn what_a_rule_reads_outside_its_condition_is_its_details() {
        let definition = json!({ "properties": { "mode": "All", "policyRule": {
            "if": { "field": "location", "equals": "eastus" },
            "then": {
                "effect": "auditIfNotExists",
                "details": {
                    "type": "Microsoft.Insights/diagnosticSettings",
                    "name": "[field('name')]",
                    "existenceCondition": { "field": "Microsoft.Insights/diagnosticSettings/logs[*]", "exists": true }
                }
            }
        }}});
        let outside: Option<Vec<String>> =
            reads_outside_condition(&definition).map(|keys| keys.into_iter().collect());
        assert_eq!(outside, Some(vec!["name".to_owned()]));
        assert_eq!(
            reads(&definition)
                .keys
                .map(|keys| keys.into_iter().collect::<Vec<_>>()),
            Some(vec!["location".to_owned(), "name".to_owned()])
        );
    }

    #[test]
    fn fields_aliases_counts_and_expressions() {
        let rule = json!({
            "if": { "allOf": [
                { "field": "type", "equals": "Microsoft.CognitiveServices/accounts/deployments" },
                { "field": "Microsoft.CognitiveServices/accounts/deployments/sku.name", "in": ["Standard"] },
                { "count": {
                    "field": "Microsoft.CognitiveServices/accounts/raiPolicies/contentFilters[*]",
                    "where": { "field": "Microsoft.CognitiveServices/accounts/raiPolicies/contentFilters[*].name", "equals": "Hate" }
                }, "greater": 0 },
                { "value": "[field('tags[''owner'']')]", "exists": true },
                { "field": "fullName", "notEquals": "x" }
            ]},
            "then": { "effect": "deny" }
        });
        assert_eq!(
            keys(rule),
            Some(vec![
                "id".to_owned(),
                "name".to_owned(),
                "properties.contentfilters".to_owned(),
                "sku.name".to_owned(),
                "tags".to_owned(),
                "type".to_owned()
            ])
        );
    }

    #[test]
    fn a_tag_named_by_a_parameter_reads_tags() {
        let rule = json!({
            "if": { "field": "[concat('tags[', parameters('tag'), ']')]", "exists": false },
            "then": { "effect": "deny" }
        });
        assert_eq!(keys(rule), Some(vec!["tags".to_owned()]));
    }

    #[test]
    fn a_field_named_by_an_expression_may_read_anything() {
        let rule = json!({
            "if": { "field": "[concat('properties.', parameters('setting'))]", "exists": false },
            "then": { "effect": "deny" }
        });
        assert_eq!(keys(rule), None);
        let rule = json!({
            "if": { "value": "[field(parameters('field'))]", "exists": false },
            "then": { "effect": "deny" }
        });
        assert_eq!(keys(rule), None);
    }

    #[test]
    fn payloads_that_agree_on_the_keys_share_a_fingerprint() {
        let keys: BTreeSet<String> = ["location".to_string(), "sku.name".to_string()].into();
        let a = json!({"type": "Microsoft.X/y", "name": "a", "location": "eastus", "sku": {"name": "S0"}});
        let b = json!({"type": "microsoft.x/Y", "name": "b", "location": "eastus", "sku": {"name": "S0"}});
        let c = json!({"type": "Microsoft.X/y", "name": "a", "location": "eastus", "sku": {"name": "S1"}});
        assert!(agree(&a, &b, Some(&keys)));
        assert_eq!(fingerprint(&a, Some(&keys)), fingerprint(&b, Some(&keys)));
        assert!(!agree(&a, &c, Some(&keys)));
        assert_ne!(fingerprint(&a, Some(&keys)), fingerprint(&c, Some(&keys)));
        // Without keys the whole payload counts.
        assert!(!agree(&a, &b, None));
        assert!(agree(&a, &a.clone(), None));
    }

    #[test]
    fn target_types_come_along() {
        let definition = json!({ "properties": { "mode": "All", "policyRule": {
            "if": { "allOf": [{ "field": "type", "equals": "Microsoft.Resources/resourceGroups" }] },
            "then": { "effect": "audit" }
        }}});
        assert_eq!(
            reads(&definition).types,
            Some(vec!["microsoft.resources/resourcegroups".to_owned()])
        );
    }
}

//! `auditIfNotExists` rules against the estate: a resource complies when the estate holds a
//! related resource of the rule's `details.type` on it that meets the `existenceCondition` (an
//! AI account and its diagnostic setting). The evaluator judges one resource at a time, so the
//! proof looks the related resources up here.

use charter_governance::estate::EstateResource;
use serde_json::{json, Map, Value};

/// Definitions as `(path, JSON)` pairs, as the evaluator takes them.
type Definitions<'d> = &'d [(String, Value)];

/// Whether the resource at `id` meets the `auditIfNotExists` rule of definition `definition`
/// (a name, a GUID for a built-in) through a related resource among `estate`. Definitions are looked up
/// among the project's artifacts and the built-ins the evaluator bundles (`builtins`).
pub(crate) fn exists_related(
    (artifacts, builtins): (Definitions<'_>, Definitions<'_>),
    definition: &str,
    id: &str,
    estate: &[EstateResource<'_>],
) -> bool {
    let Some(found) = artifacts
        .iter()
        .chain(builtins.iter())
        .map(|(_, value)| value)
        .find(|value| value["name"].as_str() == Some(definition))
    else {
        return false;
    };
    let details = &found["properties"]["policyRule"]["then"]["details"];
    let Some(related_type) = details["type"].as_str() else {
        return false;
    };
    let prefix = format!("{}/providers/", id.to_lowercase());
    estate
        .iter()
        .filter(|other| {
            other.payload["type"]
                .as_str()
                .is_some_and(|t| t.eq_ignore_ascii_case(related_type))
                && other.id.to_lowercase().starts_with(&prefix)
        })
        .any(|other| meets(&details["existenceCondition"], other.payload))
}

/// Whether a related resource meets an existence condition (no condition: it exists).
fn meets(condition: &Value, payload: &Value) -> bool {
    if condition.is_null() {
        return true;
    }
    let probe = json!({
        "properties": {
            "mode": "All",
            "policyRule": { "if": condition, "then": { "effect": "audit" } }
        }
    });
    charter_evaluator::evaluate(&probe, &Map::new(), payload)
        .effect
        .as_deref()
        == Some("audit")
}

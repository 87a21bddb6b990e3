//! The data classification members of a policy's initiative: what each level requires, enforced
//! at deploy time on resources that carry the classification tag, so that Azure refuses what
//! the checker reports (docs/azure-policy.md, "Data classification").

use charter_ir::{DeploymentType, Policy};
use serde_json::{json, Value};

use crate::build::{literal, SetBuilder};
use crate::{names, rules};

/// Adds the classification rules of `policy` to its initiative.
pub(crate) fn rules(set: &mut SetBuilder, effect: &Value, policy: &Policy, owner: &str) {
    if policy.classifications.is_empty() {
        return;
    }
    let tag = set.parameter(
        "classificationTagName",
        json!({
            "type": "String",
            "metadata": {
                "displayName": "Classification tag",
                "description": "The tag key that records the data classification of a resource."
            }
        }),
        json!(names::CLASSIFICATION_TAG),
    );
    let private: Vec<&str> = policy
        .classifications
        .iter()
        .filter(|level| level.private_network)
        .map(|level| level.name.as_str())
        .collect();
    if !private.is_empty() {
        set.custom(
            "classifiedPrivateNetwork",
            rules::name::CLASSIFIED_PRIVATE_NETWORK,
            "classification",
            json!({ "effect": effect, "tagName": tag, "levels": literal(json!(private)) }),
        );
        set.message(
            "classifiedPrivateNetwork",
            format!(
                "AI accounts holding data classified {} must disable public network access \
                 ({owner}): set publicNetworkAccess to Disabled and connect through a private \
                 endpoint.",
                join_or(&private)
            ),
        );
    }
    let no_global: Vec<&str> = policy
        .classifications
        .iter()
        .filter(|level| level.no_global_deployments)
        .map(|level| level.name.as_str())
        .collect();
    if !no_global.is_empty() {
        let global_skus: Vec<&str> = DeploymentType::ALL
            .into_iter()
            .filter(|kind| kind.is_global())
            .map(names::sku)
            .collect();
        set.custom(
            "classifiedNoGlobalDeployments",
            rules::name::CLASSIFIED_NO_GLOBAL,
            "classification",
            json!({
                "effect": effect,
                "tagName": tag,
                "levels": literal(json!(no_global)),
                "globalSkus": literal(json!(global_skus))
            }),
        );
        set.message(
            "classifiedNoGlobalDeployments",
            format!(
                "Deployments holding data classified {} may not use a global deployment type \
                 ({owner}): use a data-zone or regional type.",
                join_or(&no_global)
            ),
        );
    }
    for (index, level) in policy.classifications.iter().enumerate() {
        if level.minimum_filters.is_empty() {
            continue;
        }
        // Reference ids must be unique and stable; level names may hold any character.
        let reference_id = format!("classifiedContentFilter{}", index + 1);
        let approved: Vec<String> = level
            .approved_filters
            .iter()
            .map(|filter| names::rai_policy(filter))
            .collect();
        set.custom(
            &reference_id,
            rules::name::CLASSIFIED_CONTENT_FILTER,
            "classification",
            json!({
                "effect": effect,
                "tagName": tag,
                "level": literal(json!(level.name)),
                "approvedContentFilters": literal(json!(approved))
            }),
        );
        set.message(
            &reference_id,
            format!(
                "Deployments holding data classified {} must use a content filter at least as \
                 strict as {} ({owner}): set raiPolicyName to one of: {}.",
                level.name,
                level.minimum_filters.join(" and "),
                if approved.is_empty() {
                    "(none yet)".to_string()
                } else {
                    approved.join(", ")
                }
            ),
        );
    }
}

/// `a`, `a or b`, `a, b or c`.
fn join_or(words: &[&str]) -> String {
    match words {
        [] => String::new(),
        [only] => (*only).to_string(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

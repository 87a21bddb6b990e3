//! `catalog.json`: what the pages say, for portals and bots: per policy the approved versions
//! with their lifecycle and regions, the requirements and the exemptions; per workload its
//! endpoints. Keys are stable; lists keep the pages' order.

use charter_ir::{Category, Side};
use serde_json::{json, Map, Value};

use crate::facts::{self, Status};
use crate::Input;

pub(crate) fn catalog(input: &Input<'_>) -> String {
    let project = input.project;
    let policies: Vec<Value> = project
        .policies
        .iter()
        .map(|policy| {
            let versions =
                facts::policy_versions(project, policy, input.catalog, input.today);
            let models: Vec<Value> = versions
                .iter()
                .map(|version| {
                    let catalog = version.catalog;
                    let mut regions = Map::new();
                    if let Some(entry) = catalog {
                        for kind in entry.deployment_types() {
                            let offered: Vec<&str> = entry
                                .regions_for(kind)
                                .into_iter()
                                .filter(|region| {
                                    policy
                                        .allowed_regions
                                        .as_ref()
                                        .is_none_or(|allowed| allowed.iter().any(|a| a == region))
                                })
                                .collect();
                            if !offered.is_empty() {
                                regions.insert(kind.charter_name().to_owned(), json!(offered));
                            }
                        }
                    }
                    let (status, days) = match version.status {
                        Status::Retired => ("retired", None),
                        Status::RetiresSoon { days } => ("retires_soon", Some(days)),
                        Status::MayRetireSoon { days } => ("may_retire_soon", Some(days)),
                        Status::Current => ("current", None),
                        Status::NotInCatalog => ("not_in_catalog", None),
                    };
                    json!({
                        "model": version.model,
                        "version": version.version,
                        "approved": version.approved,
                        "any_version": version.any_version,
                        "lifecycle": catalog.map(|v| v.lifecycle),
                        "deprecation": catalog.and_then(|v| v.deprecation).map(|d| d.to_string()),
                        "retirement": catalog.and_then(|v| v.retirement).map(|d| d.to_string()),
                        "retirement_not_before": catalog.and_then(|v| v.retirement_not_before).map(|d| d.to_string()),
                        "successor": catalog.and_then(|v| v.successor.as_ref()),
                        "status": status,
                        "days_to_retirement": days,
                        "regions": regions,
                        "deployed_by": version.used_by.iter().map(|(w, e)| json!({"workload": w, "endpoint": e})).collect::<Vec<_>>(),
                    })
                })
                .collect();
            json!({
                "name": policy.name,
                "display_name": policy.display_name,
                "effect": policy.effect,
                "scopes": policy.scopes,
                "models": models,
                "any_model": policy.allowed_models.is_none(),
                "allowed_regions": policy.allowed_regions,
                "minimum_filter": policy.minimum_filter.as_ref().map(|f| f.name.clone()),
                "approved_filters": policy.approved_filters,
                "max_capacity": policy.max_capacity,
                "local_auth": policy.local_auth,
                "public_network": policy.public_network,
                "owner_tag": policy.owner_tag,
                "retirement_warning_days": policy.retirement_warning_days,
                "exemptions": policy.exemptions.iter().map(|e| json!({
                    "scope": e.scope,
                    "assignment_scope": e.assignment_scope,
                    "category": e.category,
                    "expires": e.expires.to_string(),
                    "days_left": facts::days_between(input.today, e.expires),
                    "reason": e.reason,
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let filters: Vec<Value> = project
        .filters
        .iter()
        .map(|filter| {
            let mut sides = Map::new();
            for side in Side::ALL {
                let mut settings = Map::new();
                for category in Category::ALL {
                    if let Some(level) = filter.level(side, category) {
                        settings.insert(
                            category.charter_name().to_owned(),
                            json!(facts::level(level)),
                        );
                    }
                }
                // An agent's side the filter leaves alone is not listed.
                if settings.is_empty() && side.agents_only() {
                    continue;
                }
                sides.insert(facts::side(side).to_owned(), Value::Object(settings));
            }
            json!({
                "name": filter.name,
                "extends": input.extends.iter().find(|(child, _)| *child == filter.name).map(|(_, parent)| parent),
                "settings": sides,
                "blocklists": filter.blocklists,
                "mode": filter.mode,
            })
        })
        .collect();
    let workloads: Vec<Value> = project
        .workloads
        .iter()
        .map(|workload| {
            json!({
                "name": workload.name,
                "policy": workload.policy,
                "environment": workload.environment,
                "subscription": workload.subscription,
                "resource_group": workload.resource_group,
                "data_zone": workload.data_zone,
                "budget": workload.budget,
                "apps": workload.apps,
                "endpoints": workload.endpoints.iter().map(|e| json!({
                    "name": e.name,
                    "model": e.model.name,
                    "version": e.model.version,
                    "deployment_type": e.deployment_type,
                    "capacity": e.capacity,
                    "regions": e.regions,
                    "redundancy": e.redundancy,
                    "standby_capacity": e.standby_capacity,
                    "filter": e.filter.name,
                    "serves": e.serves,
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let value = json!({
        "generator": "charter doc",
        "as_of": input.today.to_string(),
        "policies": policies,
        "filters": filters,
        "workloads": workloads,
    });
    let mut text = serde_json::to_string_pretty(&value).unwrap_or_default();
    text.push('\n');
    text
}

//! The AI Foundry structure of the estate: a business unit owns one AI Foundry resource (an
//! `AIServices` account with `allowProjectManagement`) in each region its workloads deploy to,
//! and each of its workloads is a project (`Microsoft.CognitiveServices/accounts/projects`) in
//! it. The endpoints of its workloads are model deployments in that resource, each with its
//! workload's tags.
//!
//! A workload without a business unit keeps AI accounts of its own (one per endpoint and
//! region). docs/language.md ("AI Foundry structure") says why; docs/terraform.md lists what is
//! emitted.

use charter_ir::{Policy, Project, Toggle, Workload};
use serde_json::{json, Map, Value};

use crate::estate::{Account, AccountBlocklist, Estate, EstateResource, Origin, RaiPolicy};
use crate::names;

/// The resource type of a Foundry project.
pub const PROJECT: &str = "Microsoft.CognitiveServices/accounts/projects";

/// One business unit's AI Foundry resource in one region, with everything its workloads
/// create inside it.
#[derive(Clone, Debug, PartialEq)]
pub struct FoundryAccount {
    pub business_unit: String,
    pub region: String,
    /// The account name, also its custom subdomain.
    pub name: String,
    /// The resource group (index into [`Estate::resource_groups`]).
    pub resource_group: usize,
    pub id: String,
    pub payload: Value,
    /// The workloads deployed in it, in source order.
    pub workloads: Vec<String>,
    /// One project per workload, in source order.
    pub projects: Vec<FoundryProject>,
    /// The content filters its deployments use, each once.
    pub rai_policies: Vec<RaiPolicy>,
    /// The blocklists those filters apply, each once.
    pub blocklists: Vec<AccountBlocklist>,
}

/// A workload's project in its business unit's AI Foundry resource.
#[derive(Clone, Debug, PartialEq)]
pub struct FoundryProject {
    pub workload: String,
    pub name: String,
    pub id: String,
    pub payload: Value,
}

/// Moves `account` (just built for an endpoint of `workload`, which belongs to a business
/// unit) into the business unit's AI Foundry resource for its region: the resource, the
/// workload's project and the content filter are added once; the account's ids become the
/// resource's.
pub(crate) fn attach(
    estate: &mut Estate,
    project: &Project,
    workload: &Workload,
    policy: Option<&Policy>,
    account: &mut Account,
) {
    let Some(unit_name) = &workload.business_unit else {
        return;
    };
    let Some(unit) = project.business_units.iter().find(|u| &u.name == unit_name) else {
        return;
    };
    let index = match estate
        .foundry
        .iter()
        .position(|f| &f.business_unit == unit_name && f.region == account.region)
    {
        Some(index) => index,
        None => {
            let group = crate::estate::operations_group(
                estate,
                &unit.resource_group,
                unit.subscription.as_deref(),
                std::slice::from_ref(&workload.name),
                Some(&account.region),
                project,
                &unit.name,
            );
            let name = names::account(
                project.naming.prefix.as_deref(),
                &unit.name,
                "foundry",
                &account.region,
            );
            let id = format!(
                "{}/providers/{}/{name}",
                estate.resource_groups[group].id,
                crate::estate::types::ACCOUNT
            );
            estate.foundry.push(FoundryAccount {
                business_unit: unit.name.clone(),
                region: account.region.clone(),
                payload: account_payload(&name, &account.region, unit_name, policy),
                name,
                resource_group: group,
                id,
                workloads: Vec::new(),
                projects: Vec::new(),
                rai_policies: Vec::new(),
                blocklists: Vec::new(),
            });
            estate.foundry.len() - 1
        }
    };
    let foundry = &mut estate.foundry[index];
    if !foundry.workloads.contains(&workload.name) {
        foundry.workloads.push(workload.name.clone());
        let group = &mut estate.resource_groups[foundry.resource_group];
        if !group.workloads.contains(&workload.name) {
            group.workloads.push(workload.name.clone());
        }
        let name = project_name(&workload.name);
        foundry.projects.push(FoundryProject {
            workload: workload.name.clone(),
            id: format!("{}/projects/{name}", foundry.id),
            payload: project_payload(&name, &account.region, workload, &account.payload),
            name,
        });
        join(foundry, workload, policy);
    }

    // The account's children now live in the business unit's resource.
    let old = std::mem::replace(&mut account.id, foundry.id.clone());
    let rehome = |id: &mut String| {
        if let Some(rest) = id.strip_prefix(old.as_str()) {
            *id = format!("{}{rest}", foundry.id);
        }
    };
    rehome(&mut account.rai_policy.id);
    for blocklist in &mut account.blocklists {
        rehome(&mut blocklist.id);
        for item in &mut blocklist.items {
            rehome(&mut item.id);
        }
    }
    if let Some(deployment) = &mut account.deployment {
        rehome(&mut deployment.id);
    }
    account.name = foundry.name.clone();
    account.resource_group = foundry.resource_group;
    account.payload = foundry.payload.clone();
    account.foundry = Some(index);
    if !foundry
        .rai_policies
        .iter()
        .any(|p| p.id == account.rai_policy.id)
    {
        foundry.rai_policies.push(account.rai_policy.clone());
    }
    for blocklist in &account.blocklists {
        if !foundry.blocklists.iter().any(|b| b.id == blocklist.id) {
            foundry.blocklists.push(blocklist.clone());
        }
    }
}

/// The name of a workload's project: `^[a-zA-Z0-9][a-zA-Z0-9_.-]*$`, 2 to 64 characters.
pub fn project_name(workload: &str) -> String {
    names::fit(&names::slug(workload), 64)
}

/// The AI Foundry resource: an `AIServices` account that manages projects, which needs a
/// managed identity (docs/terraform.md, "AI Foundry structure").
fn account_payload(name: &str, region: &str, unit: &str, policy: Option<&Policy>) -> Value {
    let key = policy.map_or(names::DEFAULT_OWNER_TAG, |policy| policy.owner_tag.as_str());
    let mut tags = Map::new();
    // The business unit owns the resource; its workloads own their deployments.
    tags.insert(key.to_string(), json!(unit));
    json!({
        "type": crate::estate::types::ACCOUNT,
        "name": name,
        "location": names::location(region),
        "kind": "AIServices",
        "sku": { "name": "S0" },
        "identity": { "type": "SystemAssigned" },
        "tags": Value::Object(tags),
        "properties": {
            "customSubDomainName": name,
            "allowProjectManagement": true,
            "disableLocalAuth": policy.is_some_and(|p| p.local_auth == Some(Toggle::Disabled)),
            "publicNetworkAccess": "Enabled"
        }
    })
}

/// A workload joins the resource: the resource becomes as strict as the strictest of its
/// workloads (public network access) and carries the most sensitive classification among them.
fn join(foundry: &mut FoundryAccount, workload: &Workload, policy: Option<&Policy>) {
    let private = workload
        .public_network
        .or(policy.and_then(|p| p.public_network))
        == Some(Toggle::Disabled);
    if private {
        foundry.payload["properties"]["publicNetworkAccess"] = json!("Disabled");
    }
    let Some(level) = &workload.classification else {
        return;
    };
    let rank = |name: &str| {
        policy.and_then(|policy| {
            policy
                .classifications
                .iter()
                .position(|level| level.name == name)
        })
    };
    let current = foundry.payload["tags"][names::CLASSIFICATION_TAG]
        .as_str()
        .map(str::to_string);
    let more_sensitive = match &current {
        None => true,
        Some(current) => rank(level) > rank(current),
    };
    if more_sensitive {
        foundry.payload["tags"][names::CLASSIFICATION_TAG] = json!(level);
    }
}

/// A workload's project: its own managed identity, the workload's description and tags.
fn project_payload(name: &str, region: &str, workload: &Workload, account: &Value) -> Value {
    let description = if workload.description.is_empty() {
        format!("Workload `{}` (Charter).", workload.name)
    } else {
        workload.description.clone()
    };
    json!({
        "type": PROJECT,
        "name": name,
        "location": names::location(region),
        "identity": { "type": "SystemAssigned" },
        // The workload's own tags, as on its deployments.
        "tags": account["tags"].clone(),
        "properties": {
            "displayName": workload.name,
            "description": description
        }
    })
}

/// The resources of one business unit's AI Foundry resource, in order: the account, its
/// blocklists and their items, its content filters, then its projects.
pub(crate) fn resources<'e>(foundry: &'e FoundryAccount, out: &mut Vec<EstateResource<'e>>) {
    let origin = || Origin::BusinessUnit {
        business_unit: foundry.business_unit.clone(),
        region: foundry.region.clone(),
        workloads: foundry.workloads.clone(),
    };
    out.push(EstateResource {
        noun: "AI Foundry resource",
        id: &foundry.id,
        payload: &foundry.payload,
        origin: origin(),
    });
    for blocklist in &foundry.blocklists {
        if let Some(payload) = &blocklist.payload {
            out.push(EstateResource {
                noun: "blocklist",
                id: &blocklist.id,
                payload,
                origin: origin(),
            });
        }
        for item in &blocklist.items {
            out.push(EstateResource {
                noun: "blocklist item",
                id: &item.id,
                payload: &item.payload,
                origin: origin(),
            });
        }
    }
    for policy in &foundry.rai_policies {
        out.push(EstateResource {
            noun: "RAI policy",
            id: &policy.id,
            payload: &policy.payload,
            origin: origin(),
        });
    }
    for project in &foundry.projects {
        out.push(EstateResource {
            noun: "AI Foundry project",
            id: &project.id,
            payload: &project.payload,
            origin: Origin::BusinessUnit {
                business_unit: foundry.business_unit.clone(),
                region: foundry.region.clone(),
                workloads: vec![project.workload.clone()],
            },
        });
    }
}

//! The AI Foundry structure in `endpoints.tf`: per business unit and region an AI Foundry
//! resource (`azurerm_cognitive_account`, kind `AIServices`, `project_management_enabled`, a
//! system-assigned identity), its content filters and blocklists, one project per workload
//! (AzAPI `Microsoft.CognitiveServices/accounts/projects`, which azurerm 4.x has no resource
//! for), and the workloads' deployments in it (docs/terraform.md, "AI Foundry structure").

use charter_governance::estate::{self, Account, Estate, EstateResource, RAI_API_VERSION};
use charter_governance::foundry::{FoundryAccount, PROJECT};

use crate::context::Context;
use crate::endpoints::{
    account_attributes, blocklist_blocks, body_of, boolean, shared_body, tag_entries, typed,
    write_list, FILTER_COMMENT,
};
use crate::hcl::{Block, Body, Expr, Writer};
use crate::names::{identifier, resource_group_address};

/// The identifier of a business unit's resources in one region.
pub(crate) fn account_address(business_unit: &str, region: &str) -> String {
    format!(
        "foundry__{}__{}",
        identifier(business_unit),
        identifier(region)
    )
}

/// The address of a content filter in a business unit's resource.
fn filter_address(account: &str, rai_policy: &str) -> String {
    format!("{account}__filter__{}", identifier(rai_policy))
}

/// Every business unit's AI Foundry resources.
pub(crate) fn blocks(context: &mut Context<'_>, estate: &Estate, file: &mut Writer) {
    for foundry in &estate.foundry {
        foundry_blocks(context, estate, foundry, file);
    }
}

fn foundry_blocks(
    context: &mut Context<'_>,
    estate: &Estate,
    foundry: &FoundryAccount,
    file: &mut Writer,
) {
    let address = account_address(&foundry.business_unit, &foundry.region);
    let group = &estate.resource_groups[foundry.resource_group];
    let group_address = resource_group_address(&group.name, group.subscription.as_deref());
    let provider = context.provider_for(group.subscription.as_deref());
    let projects: Vec<String> = foundry.workloads.iter().map(|w| format!("`{w}`")).collect();
    file.comment(&format!(
        "Business unit `{}`: its AI Foundry resource in {}, one project per workload ({}).",
        foundry.business_unit,
        foundry.region,
        projects.join(", ")
    ));

    let payload = &foundry.payload;
    let properties = &payload["properties"];
    file.open("resource", &["azurerm_cognitive_account", &address]);
    account_attributes(
        file,
        payload,
        &foundry.name,
        &group_address,
        provider.as_deref(),
    );
    file.raw(
        "project_management_enabled",
        &[boolean(
            properties["allowProjectManagement"]
                .as_bool()
                .unwrap_or(false),
        )],
    );
    if let Some(kind) = payload["identity"]["type"].as_str() {
        file.open("identity", &[]);
        file.string("type", kind);
        file.close();
    }
    if let Some(tags_map) = payload["tags"].as_object() {
        file.string_map("tags", tag_entries(tags_map));
    }
    file.close();

    let account_id = ["azurerm_cognitive_account.", &address, ".id"];
    let mut filter_depends_on: Vec<String> = Vec::new();
    for blocklist in &foundry.blocklists {
        filter_depends_on.push(blocklist_blocks(
            context,
            &address,
            &account_id,
            blocklist,
            file,
        ));
    }
    for rai_policy in &foundry.rai_policies {
        file.open(
            "resource",
            &[
                "azapi_resource",
                &filter_address(&address, &rai_policy.name),
            ],
        );
        file.comment(FILTER_COMMENT)
            .string_parts("type", &[estate::types::RAI_POLICY, "@", RAI_API_VERSION])
            .string("name", &rai_policy.name)
            .raw("parent_id", &account_id)
            .raw("schema_validation_enabled", &["false"])
            .attribute("body", &shared_body(context, &rai_policy.payload));
        if !filter_depends_on.is_empty() {
            file.attribute_with("depends_on", false, |out, _| {
                write_list(out, filter_depends_on.iter().map(String::as_str))
            });
        }
        file.close();
    }
    for project in &foundry.projects {
        let mut body = Body::new();
        body.string("type", &typed(PROJECT))
            .string("name", &project.name)
            .raw("parent_id", account_id.concat())
            .string(
                "location",
                project.payload["location"].as_str().unwrap_or_default(),
            );
        if let Some(kind) = project.payload["identity"]["type"].as_str() {
            let mut identity = Body::new();
            identity.string("type", kind);
            body.block(Block::new("identity", &[], identity));
        }
        body.attribute("body", body_of(&without_identity(&project.payload)));
        if let Some(tags_map) = project.payload["tags"].as_object() {
            body.attribute("tags", tags(tags_map));
        }
        file.block(&Block::new(
            "resource",
            &["azapi_resource", &project_address(&address, &project.name)],
            body,
        ));
    }
}

/// A payload's tags as an expression, for the blocks built as trees.
fn tags(tags: &serde_json::Map<String, serde_json::Value>) -> Expr {
    Expr::Map(
        tag_entries(tags)
            .map(|(key, value)| (key.to_string(), Expr::Str(value.to_string())))
            .collect(),
    )
}

/// The address of a workload's project.
fn project_address(account: &str, project: &str) -> String {
    format!("{account}__project__{}", identifier(project))
}

/// A payload without `identity` and `location`, which AzAPI takes as arguments.
fn without_identity(payload: &serde_json::Value) -> serde_json::Value {
    let mut payload = payload.clone();
    if let Some(map) = payload.as_object_mut() {
        map.remove("identity");
        map.remove("location");
    }
    payload
}

/// The model deployment of an endpoint in its business unit's AI Foundry resource.
pub(crate) fn deployment_block(
    _estate: &Estate,
    account: &Account,
    foundry: &FoundryAccount,
    file: &mut Writer,
) {
    let address =
        crate::names::endpoint_region(&account.workload, &account.endpoint, &account.region);
    let foundry_address = account_address(&foundry.business_unit, &foundry.region);
    let Some(deployment) = &account.deployment else {
        file.comment(&format!(
            "No deployment in standby region {}: its standby capacity is 0.",
            account.region
        ));
        return;
    };
    let mut body = Body::new();
    body.comment(&format!(
        "In business unit `{}`'s AI Foundry resource in {} (project `{}`).",
        foundry.business_unit,
        foundry.region,
        charter_governance::foundry::project_name(&account.workload)
    ));
    if deployment.standby {
        body.comment(&format!(
            "Standby region (active_passive): {} capacity units.",
            deployment.capacity
        ));
    }
    body.string("type", &typed(estate::types::DEPLOYMENT))
        .string("name", &deployment.name)
        .raw(
            "parent_id",
            format!("azurerm_cognitive_account.{foundry_address}.id"),
        )
        .attribute("body", body_of(&deployment.payload));
    if let Some(tags_map) = deployment.payload["tags"].as_object() {
        body.attribute("tags", tags(tags_map));
    }
    body.attribute(
        "depends_on",
        Expr::List(vec![Expr::Raw(format!(
            "azapi_resource.{}",
            filter_address(&foundry_address, &account.rai_policy.name)
        ))]),
    );
    file.block(&Block::new(
        "resource",
        &["azapi_resource", &format!("{address}__deployment")],
        body,
    ));
}

/// The Terraform address of a resource of a business unit's AI Foundry resource.
pub(crate) fn address(resource: &EstateResource<'_>, business_unit: &str, region: &str) -> String {
    let account = account_address(business_unit, region);
    let payload_type = resource.payload["type"].as_str().unwrap_or_default();
    let payload_name = resource.payload["name"].as_str().unwrap_or_default();
    match payload_type {
        estate::types::RAI_POLICY => {
            format!("azapi_resource.{}", filter_address(&account, payload_name))
        }
        estate::types::BLOCKLIST => format!(
            "azapi_resource.{account}__blocklist__{}",
            identifier(payload_name)
        ),
        estate::types::BLOCKLIST_ITEM => {
            // The item's id names its blocklist: `…/raiBlocklists/<name>/raiBlocklistItems/…`.
            let blocklist = resource
                .id
                .split("/raiBlocklists/")
                .nth(1)
                .and_then(|rest| rest.split('/').next())
                .unwrap_or_default();
            format!(
                "azapi_resource.{account}__blocklist__{}__items[{}]",
                identifier(blocklist),
                crate::hcl::quote(payload_name)
            )
        }
        PROJECT => format!("azapi_resource.{}", project_address(&account, payload_name)),
        _ => format!("azurerm_cognitive_account.{account}"),
    }
}

//! `endpoints.tf`: each workload's resource group and, per endpoint and region, an AI account,
//! its content filter (RAI policy) and the model deployment, built to comply with the
//! governing policy.

use std::collections::HashMap;

use charter_ir::{
    DeploymentType, Endpoint, Filter, FilterSetting, Policy, Redundancy, Toggle, Workload,
};

use crate::context::{Context, Variable};
use crate::hcl::{Block, Body, Expr, SharedBlocks};
use charter_governance::names::{category, location, rai_policy, sku, source};

use crate::names::{azure_name, content_filter_setting, endpoint_region, identifier};

/// The tag key used when a workload's policy is missing from the project (it never is in a
/// checked project).
const FALLBACK_OWNER_TAG: &str = "charter-workload";

/// Azure's limit on an AI account name (and on its custom subdomain).
const ACCOUNT_NAME_MAX: usize = 64;

/// The RAI policy every Charter filter starts from; Charter then sets every category
/// explicitly, so the base only matters for settings Charter does not know.
const BASE_RAI_POLICY: &str = "Microsoft.Default";

/// One region of one endpoint: what to deploy there.
pub(crate) struct RegionalDeployment<'a> {
    pub(crate) region: &'a str,
    pub(crate) capacity: u32,
    pub(crate) standby: bool,
}

/// The regions of an endpoint with the capacity each one gets: for `active_passive` the first
/// region serves and the others stand by at `standby_capacity` (default: the full capacity).
pub(crate) fn regional_deployments(endpoint: &Endpoint) -> Vec<RegionalDeployment<'_>> {
    endpoint
        .regions
        .iter()
        .enumerate()
        .map(|(index, region)| {
            let standby = index > 0 && endpoint.redundancy == Redundancy::ActivePassive;
            let capacity = if standby {
                endpoint.standby_capacity.unwrap_or(endpoint.capacity)
            } else {
                endpoint.capacity
            };
            RegionalDeployment {
                region,
                capacity,
                standby,
            }
        })
        .collect()
}

pub(crate) fn governing_policy<'p>(
    context: &Context<'p>,
    workload: &Workload,
) -> Option<&'p Policy> {
    context
        .project
        .policies
        .iter()
        .find(|policy| policy.name == workload.policy)
}

/// The variable holding a workload's resource group location.
pub(crate) fn location_variable(workload: &Workload) -> String {
    format!("{}_location", identifier(&workload.name))
}

/// The body of `endpoints.tf`, or `None` when the project declares no workload.
pub(crate) fn file(context: &mut Context<'_>) -> Option<String> {
    let workloads = &context.project.workloads;
    if workloads.is_empty() {
        return None;
    }
    let mut file = Body::new();
    let mut filters = ContentFilters::default();
    for workload in workloads {
        workload_blocks(context, workload, &mut filters, &mut file);
    }
    Some(file.to_file())
}

/// The `content_filter` blocks of each filter, built once and shared by every RAI policy that
/// uses the filter: a filter serves many deployments and regions, and its twelve blocks would
/// otherwise be rebuilt (and re-rendered) for each.
#[derive(Default)]
struct ContentFilters<'p> {
    /// By filter name; each entry keeps the settings it was built from, so two filters that
    /// share a name but not their settings never share blocks.
    by_name: HashMap<&'p str, Vec<(&'p [FilterSetting], SharedBlocks)>>,
}

impl<'p> ContentFilters<'p> {
    fn blocks(&mut self, filter: &'p Filter) -> SharedBlocks {
        let entries = self.by_name.entry(filter.name.as_str()).or_default();
        if let Some((_, blocks)) = entries
            .iter()
            .find(|(settings, _)| *settings == filter.settings.as_slice())
        {
            return blocks.clone();
        }
        // The blocks sit in the body of a top-level resource block: depth 1.
        let blocks = SharedBlocks::new(content_filter_blocks(filter), 1);
        entries.push((&filter.settings, blocks.clone()));
        blocks
    }
}

fn workload_blocks<'p>(
    context: &mut Context<'p>,
    workload: &'p Workload,
    filters: &mut ContentFilters<'p>,
    file: &mut Body,
) {
    let policy = governing_policy(context, workload);
    let owner_tag = policy.map_or(FALLBACK_OWNER_TAG, |policy| policy.owner_tag.as_str());
    let provider = context.provider_for(workload.subscription.as_deref());
    let tags = Expr::Map(vec![(
        owner_tag.to_string(),
        Expr::Str(workload.name.clone()),
    )]);

    let location = location_variable(workload);
    context.declare(
        &location,
        Variable {
            description: format!(
                "the location of the resource group `{}` of workload `{}`",
                workload.resource_group, workload.name
            ),
            default: workload
                .endpoints
                .first()
                .and_then(|endpoint| endpoint.regions.first())
                .map(|region| Expr::Str(region.clone())),
            validation: None,
        },
    );

    let mut heading = format!(
        "Workload `{}` ({}), governed by `{}`.",
        workload.name,
        environment_name(workload),
        workload.policy
    );
    if !workload.description.is_empty() {
        heading.push('\n');
        heading.push_str(&workload.description);
    }
    file.comment(&heading);
    let mut group = Body::new();
    if let Some(provider) = &provider {
        group.raw("provider", provider.as_str());
    }
    group
        .string("name", &workload.resource_group)
        .raw("location", format!("var.{location}"))
        .attribute("tags", tags.clone());
    file.block(Block::new(
        "resource",
        &["azurerm_resource_group", &identifier(&workload.name)],
        group,
    ));

    for endpoint in &workload.endpoints {
        let content_filters = filters.blocks(&endpoint.filter);
        endpoint_blocks(
            workload,
            endpoint,
            policy,
            provider.as_deref(),
            &tags,
            &content_filters,
            file,
        );
    }
}

fn environment_name(workload: &Workload) -> &'static str {
    match workload.environment {
        charter_ir::Environment::Sandbox => "sandbox",
        charter_ir::Environment::Dev => "dev",
        charter_ir::Environment::Test => "test",
        charter_ir::Environment::Prod => "prod",
    }
}

fn redundancy_name(redundancy: Redundancy) -> &'static str {
    match redundancy {
        Redundancy::None => "none",
        Redundancy::ActivePassive => "active_passive",
        Redundancy::ActiveActive => "active_active",
    }
}

fn endpoint_blocks(
    workload: &Workload,
    endpoint: &Endpoint,
    policy: Option<&Policy>,
    provider: Option<&str>,
    tags: &Expr,
    content_filters: &SharedBlocks,
    file: &mut Body,
) {
    let mut heading = format!(
        "Endpoint `{}`: {} version {}, {} deployment, content filter `{}`, redundancy {} across {}.",
        endpoint.name,
        endpoint.model.name,
        endpoint.model.version,
        endpoint.deployment_type.charter_name(),
        endpoint.filter.name,
        redundancy_name(endpoint.redundancy),
        endpoint.regions.join(", "),
    );
    if !endpoint.description.is_empty() {
        heading.push('\n');
        heading.push_str(&endpoint.description);
    }
    if policy.is_some_and(|policy| policy.public_network == Some(Toggle::Disabled)) {
        heading.push_str(
            "\nPublic network access is disabled as the policy demands: reach the account through \
             a private endpoint, which Charter does not create.",
        );
    }
    file.comment(&heading);

    for deployment in regional_deployments(endpoint) {
        let address = endpoint_region(&workload.name, &endpoint.name, deployment.region);
        file.block(account_block(
            workload,
            endpoint,
            policy,
            provider,
            tags,
            &address,
            deployment.region,
        ));
        file.block(rai_policy_block(
            &endpoint.filter,
            content_filters,
            provider,
            &address,
        ));
        if deployment.capacity == 0 {
            file.comment(&format!(
                "No deployment in standby region {}: its standby capacity is 0.",
                deployment.region
            ));
            continue;
        }
        file.block(deployment_block(endpoint, provider, &address, &deployment));
    }
}

fn account_block(
    workload: &Workload,
    endpoint: &Endpoint,
    policy: Option<&Policy>,
    provider: Option<&str>,
    tags: &Expr,
    address: &str,
    region: &str,
) -> Block {
    let name = azure_name(&[&workload.name, &endpoint.name, region], ACCOUNT_NAME_MAX);
    // OpenAI models run on an OpenAI account; every other model format (Meta, Mistral AI, …) is
    // served by an AI Services (Foundry) account.
    let kind = if endpoint.model.format == "OpenAI" {
        "OpenAI"
    } else {
        "AIServices"
    };
    let mut body = Body::new();
    if let Some(provider) = provider {
        body.raw("provider", provider);
    }
    body.string("name", &name)
        .string("location", &location(region))
        .raw(
            "resource_group_name",
            format!("azurerm_resource_group.{}.name", identifier(&workload.name)),
        )
        .string("kind", kind)
        .string("sku_name", "S0")
        // A custom subdomain is what Entra ID authentication and private endpoints need.
        .string("custom_subdomain_name", &name);
    if policy.is_some_and(|policy| policy.local_auth == Some(Toggle::Disabled)) {
        body.raw("local_auth_enabled", "false");
    }
    if policy.is_some_and(|policy| policy.public_network == Some(Toggle::Disabled)) {
        body.raw("public_network_access_enabled", "false");
    }
    body.attribute("tags", tags.clone());
    Block::new("resource", &["azurerm_cognitive_account", address], body)
}

fn rai_policy_block(
    filter: &Filter,
    content_filters: &SharedBlocks,
    provider: Option<&str>,
    address: &str,
) -> Block {
    let mut body = Body::new();
    if let Some(provider) = provider {
        body.raw("provider", provider);
    }
    body.string("name", &rai_policy(&filter.name))
        .raw(
            "cognitive_account_id",
            format!("azurerm_cognitive_account.{address}.id"),
        )
        .string("base_policy_name", BASE_RAI_POLICY)
        .string("mode", "Default");
    body.comment(
        "azurerm 4.x requires severity_threshold on every entry; the service ignores it on the \
         shields and on disabled categories (hashicorp/terraform-provider-azurerm#28653), where \
         it is written as High.",
    );
    if !filter.blocklists.is_empty() {
        body.comment(&format!(
            "The filter's custom blocklists ({}) are not attached here: azurerm has no argument \
             for a blocklist on an RAI policy, nor a resource for blocklist items. Attach them \
             outside Terraform: a policy at effect deny refuses this filter until they are \
             (docs/terraform.md, \"Known conflict\").",
            filter.blocklists.join(", ")
        ));
    }
    body.shared(content_filters);
    Block::new(
        "resource",
        &["azurerm_cognitive_account_rai_policy", address],
        body,
    )
}

fn deployment_block(
    endpoint: &Endpoint,
    provider: Option<&str>,
    address: &str,
    deployment: &RegionalDeployment<'_>,
) -> Block {
    let mut body = Body::new();
    if let Some(provider) = provider {
        body.raw("provider", provider);
    }
    if deployment.standby {
        body.comment(&format!(
            "Standby region (active_passive): {} capacity units.",
            deployment.capacity
        ));
    }
    if endpoint.deployment_type == DeploymentType::Developer {
        body.comment(
            "azurerm 4.79 checks sku.name against a list without DeveloperTier, so the provider \
             may reject this deployment at plan time; if it does, create the deployment with \
             `az cognitiveservices account deployment create` instead.",
        );
    }
    body.string("name", &endpoint.name)
        .raw(
            "cognitive_account_id",
            format!("azurerm_cognitive_account.{address}.id"),
        )
        .raw(
            "rai_policy_name",
            format!("azurerm_cognitive_account_rai_policy.{address}.name"),
        )
        // Charter pins the model version the policy allows; an automatic upgrade would move the
        // deployment to a version the policy has not approved.
        .string("version_upgrade_option", "NoAutoUpgrade");
    let mut model = Body::new();
    model
        .string("format", &endpoint.model.format)
        .string("name", &endpoint.model.name)
        .string("version", &endpoint.model.version);
    body.block(Block::new("model", &[], model));
    let sku_name = sku(endpoint.deployment_type);
    let mut sku = Body::new();
    sku.string("name", sku_name)
        .raw("capacity", deployment.capacity.to_string());
    body.block(Block::new("sku", &[], sku));
    Block::new("resource", &["azurerm_cognitive_deployment", address], body)
}

/// One `content_filter` block per setting of `filter`, in the filter's order.
fn content_filter_blocks(filter: &Filter) -> Vec<Block> {
    filter
        .settings
        .iter()
        .map(|setting| {
            let values = content_filter_setting(setting.level);
            let mut entry = Body::new();
            entry
                .string("name", category(setting.category))
                .string("source", source(setting.side))
                .raw("filter_enabled", values.filter_enabled.to_string())
                .raw("block_enabled", values.block_enabled.to_string())
                .string("severity_threshold", values.severity_threshold);
            Block::new("content_filter", &[], entry)
        })
        .collect()
}

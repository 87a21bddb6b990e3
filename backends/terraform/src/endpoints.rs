//! `endpoints.tf`: the resources of the estate ([`charter_governance::estate`]), written as
//! Terraform. Each resource group once; per endpoint and region an AI account (azurerm), its
//! custom blocklists with their items, its content filter (RAI policy) and its model deployment
//! (AzAPI, whose `body` is the very payload the self-compliance proof evaluates).
//!
//! azurerm stays for what it does well (resource groups, accounts, budgets, the policy
//! resources); AzAPI writes what azurerm 4.x cannot: a content filter with its custom
//! blocklists, blocklist items, a fine-tuned model's `source`, the `DeveloperTier` SKU and tags
//! on deployments (docs/terraform.md, "Why AzAPI").

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use charter_governance::estate::{
    self, Account, AccountBlocklist, Estate, COGNITIVE_API_VERSION, RAI_API_VERSION,
};
use charter_ir::{BlocklistManagement, Endpoint, Redundancy, Toggle, Workload};
use serde_json::Value;

use crate::context::{Context, Variable};
use crate::hcl::{Block, Body, Expr, Writer};
use crate::names::{
    endpoint_region, identifier, push_endpoint_region, push_identifier, resource_group_address,
    spelled_as_rai_name,
};

/// The `locals` map of every Charter blocklist's items.
const BLOCKLIST_ITEMS_LOCAL: &str = "blocklist_items";

/// The bytes `endpoints.tf` takes per AI account, about (its blocks, the content filter's
/// body being most of it): the file is written into one buffer of that size.
const BYTES_PER_ACCOUNT: usize = 6 * 1024;

/// A resource group's address and the provider of its subscription, derived once for all the
/// resources in it.
struct GroupReference {
    address: String,
    provider: Option<String>,
}

/// The body of `endpoints.tf`, or `None` when the project declares no workload. Written
/// straight into the text (there are thousands of resources in a large project), except for
/// the few blocks built as trees.
pub(crate) fn file(context: &mut Context<'_>, estate: &Estate) -> Option<String> {
    let project = context.project;
    if project.workloads.is_empty() {
        return None;
    }
    let mut file = Writer::with_capacity(estate.accounts.len() * BYTES_PER_ACCOUNT);
    if let Some(locals) = blocklist_items_locals(context) {
        file.comment(
            "The terms and patterns of every blocklist Charter creates, by blocklist and item \
             name; each AI account whose filter uses a blocklist gets all of its items.",
        );
        file.block(&locals);
    }
    let mut groups = Vec::with_capacity(estate.resource_groups.len());
    for group in &estate.resource_groups {
        let address = resource_group_address(&group.name, group.subscription.as_deref());
        let location = location_variable(&address);
        context.declare(
            &location,
            Variable {
                description: format!(
                    "the location of the resource group `{}` (of {})",
                    group.name,
                    workload_list(&group.workloads)
                ),
                default: group.default_location.clone().map(Expr::Str),
                validation: None,
            },
        );
        let provider = context.provider_for(group.subscription.as_deref());
        file.comment(&format!(
            "Resource group `{}`, of {}.",
            group.name,
            workload_list(&group.workloads)
        ));
        file.open("resource", &["azurerm_resource_group", &address]);
        if let Some(provider) = &provider {
            file.raw("provider", &[provider]);
        }
        file.string("name", &group.name)
            .raw("location", &["var.", &location])
            .string_map("tags", tag_entries(&group.tags));
        file.close();
        groups.push(GroupReference { address, provider });
    }

    crate::foundry::blocks(context, estate, &mut file);
    // Each endpoint's accounts, in the estate's order (looked up once, not by a scan of every
    // account per endpoint).
    let mut accounts: HashMap<(&str, &str), Vec<&Account>> = HashMap::new();
    for account in &estate.accounts {
        accounts
            .entry((account.workload.as_str(), account.endpoint.as_str()))
            .or_default()
            .push(account);
    }
    for workload in &project.workloads {
        workload_blocks(context, estate, &groups, &accounts, workload, &mut file);
    }
    Some(file.finish())
}

fn workload_list(workloads: &[String]) -> String {
    let quoted: Vec<String> = workloads.iter().map(|w| format!("`{w}`")).collect();
    match quoted.as_slice() {
        [one] => format!("workload {one}"),
        _ => format!("workloads {}", quoted.join(", ")),
    }
}

/// The variable holding a resource group's location.
pub(crate) fn location_variable(group_address: &str) -> String {
    format!("{group_address}_location")
}

/// A payload's tags as the entries of a `tags` map (their values are strings).
pub(crate) fn tag_entries(
    tags: &serde_json::Map<String, Value>,
) -> impl Iterator<Item = (&str, &str)> + Clone {
    tags.iter()
        .map(|(key, value)| (key.as_str(), value.as_str().unwrap_or_default()))
}

/// `locals { blocklist_items = { "<blocklist>" = { "<item>" = { pattern, is_regex } } } }` for
/// the Charter blocklists some account uses, or `None` when there are none.
fn blocklist_items_locals(context: &Context<'_>) -> Option<Block> {
    let used: Vec<&str> = context
        .project
        .workloads
        .iter()
        .flat_map(|w| &w.endpoints)
        .flat_map(|e| &e.filter.blocklists)
        .map(|b| b.name.as_str())
        .collect();
    let mut entries: BTreeMap<String, Expr> = BTreeMap::new();
    for blocklist in &context.project.blocklists {
        let BlocklistManagement::Charter { items } = &blocklist.management else {
            continue;
        };
        if !used.contains(&blocklist.name.as_str()) {
            continue;
        }
        let items: Vec<(String, Expr)> = items
            .iter()
            .map(|item| {
                (
                    charter_governance::names::blocklist_item(item),
                    Expr::Map(vec![
                        ("pattern".to_string(), Expr::Str(item.pattern.clone())),
                        ("is_regex".to_string(), Expr::Raw(item.is_regex.to_string())),
                    ]),
                )
            })
            .collect();
        entries.insert(
            charter_governance::names::rai_blocklist(&blocklist.name),
            Expr::Map(items),
        );
    }
    if entries.is_empty() {
        return None;
    }
    let mut body = Body::new();
    body.attribute(
        BLOCKLIST_ITEMS_LOCAL,
        Expr::Map(entries.into_iter().collect()),
    );
    Some(Block::new("locals", &[], body))
}

fn workload_blocks(
    context: &mut Context<'_>,
    estate: &Estate,
    groups: &[GroupReference],
    accounts: &HashMap<(&str, &str), Vec<&Account>>,
    workload: &Workload,
    file: &mut Writer,
) {
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
    let policy = context
        .project
        .policies
        .iter()
        .find(|policy| policy.name == workload.policy);
    for endpoint in &workload.endpoints {
        file.comment(&endpoint_heading(
            endpoint,
            policy.is_some_and(|p| p.public_network == Some(Toggle::Disabled)),
        ));
        let key = (workload.name.as_str(), endpoint.name.as_str());
        for account in accounts.get(&key).into_iter().flatten() {
            account_blocks(context, estate, groups, account, file);
        }
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

fn endpoint_heading(endpoint: &Endpoint, public_network_disabled: bool) -> String {
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
    if let Some(fine_tuned) = &endpoint.model.fine_tuned {
        heading.push_str(&format!(
            "\nFine-tuned from {} version {}; deployed from the account that trained it, {}.",
            fine_tuned.base_model, fine_tuned.base_version, fine_tuned.source_account
        ));
    }
    if !endpoint.description.is_empty() {
        heading.push('\n');
        heading.push_str(&endpoint.description);
    }
    if public_network_disabled {
        heading.push_str(
            "\nPublic network access is disabled as the policy demands: reach the account through \
             a private endpoint, which Charter does not create.",
        );
    }
    heading
}

/// The comment on every content filter (RAI policy) resource.
pub(crate) const FILTER_COMMENT: &str = "API 2025-12-01: agents' intervention points, actions and \
     safety providers. AzAPI releases older than the API do not know its schema, hence no \
     client-side validation (docs/terraform.md, \"API versions\").";

/// The payload fields AzAPI takes as arguments rather than in `body`.
pub(crate) const AZAPI_ARGUMENTS: &[&str] = &["type", "name", "tags"];

fn account_blocks(
    context: &mut Context<'_>,
    estate: &Estate,
    groups: &[GroupReference],
    account: &Account,
    file: &mut Writer,
) {
    if let Some(index) = account.foundry {
        crate::foundry::deployment_block(estate, account, &estate.foundry[index], file);
        return;
    }
    let address = endpoint_region(&account.workload, &account.endpoint, &account.region);
    let group = &groups[account.resource_group];

    // The account, from its payload: every attribute is one of the payload's fields.
    let payload = &account.payload;
    file.open("resource", &["azurerm_cognitive_account", &address]);
    account_attributes(
        file,
        payload,
        &account.name,
        &group.address,
        group.provider.as_deref(),
    );
    if let Some(tags_map) = payload["tags"].as_object() {
        file.string_map("tags", tag_entries(tags_map));
    }
    file.close();

    let account_id = ["azurerm_cognitive_account.", &address, ".id"];
    let mut filter_depends_on: Vec<String> = Vec::new();
    for blocklist in &account.blocklists {
        filter_depends_on.push(blocklist_blocks(
            context,
            &address,
            &account_id,
            blocklist,
            file,
        ));
    }

    let rai_address = format!("{address}__filter");
    file.open("resource", &["azapi_resource", &rai_address]);
    file.comment(FILTER_COMMENT)
        .string_parts("type", &[estate::types::RAI_POLICY, "@", RAI_API_VERSION])
        .string("name", &account.rai_policy.name)
        .raw("parent_id", &account_id)
        .raw("schema_validation_enabled", &["false"])
        .attribute("body", &shared_body(context, &account.rai_policy.payload));
    if !filter_depends_on.is_empty() {
        file.attribute_with("depends_on", false, |out, _| {
            write_list(out, filter_depends_on.iter().map(String::as_str))
        });
    }
    file.close();

    match &account.deployment {
        Some(deployment) => {
            file.open(
                "resource",
                &["azapi_resource", &format!("{address}__deployment")],
            );
            if deployment.standby {
                file.comment(&format!(
                    "Standby region (active_passive): {} capacity units.",
                    deployment.capacity
                ));
            }
            file.string_parts(
                "type",
                &[estate::types::DEPLOYMENT, "@", COGNITIVE_API_VERSION],
            )
            .string("name", &deployment.name)
            .raw("parent_id", &account_id)
            .json("body", &deployment.payload, AZAPI_ARGUMENTS);
            if let Some(tags_map) = deployment.payload["tags"].as_object() {
                file.string_map("tags", tag_entries(tags_map));
            }
            file.raw("depends_on", &["[azapi_resource.", &rai_address, "]"]);
            file.close();
        }
        None => {
            file.comment(&format!(
                "No deployment in standby region {}: its standby capacity is 0.",
                account.region
            ));
        }
    }
}

/// Writes `[a, b]`: a single-line list of references.
pub(crate) fn write_list<'a>(out: &mut String, items: impl Iterator<Item = &'a str>) {
    out.push('[');
    for (index, item) in items.enumerate() {
        if index > 0 {
            out.push_str(", ");
        }
        out.push_str(item);
    }
    out.push(']');
}

/// The blocklist's blocks in one account (`account_id` is the account's id reference, in
/// parts); returns what the content filter must wait for.
pub(crate) fn blocklist_blocks(
    context: &mut Context<'_>,
    address: &str,
    account_id: &[&str],
    blocklist: &AccountBlocklist,
    file: &mut Writer,
) -> String {
    let blocklist_address = format!("{address}__blocklist__{}", identifier(&blocklist.name));
    let Some(payload) = &blocklist.payload else {
        // Another team creates it: reading it makes `terraform apply` stop, before the content
        // filter is written, when it does not exist yet.
        file.comment(&format!(
            "Blocklist `{}` is managed outside Charter: it must exist in this account before the \
             content filter that uses it is applied.",
            blocklist.name
        ));
        file.open("data", &["azapi_resource", &blocklist_address]);
        blocklist_attributes(file, blocklist, account_id);
        file.close();
        return format!("data.azapi_resource.{blocklist_address}");
    };
    file.open("resource", &["azapi_resource", &blocklist_address]);
    blocklist_attributes(file, blocklist, account_id);
    file.attribute("body", &shared_body(context, payload));
    file.close();

    let items_address = format!("{blocklist_address}__items");
    file.open("resource", &["azapi_resource", &items_address]);
    file.attribute_with("for_each", false, |out, _| {
        out.push_str("local.");
        out.push_str(BLOCKLIST_ITEMS_LOCAL);
        out.push('[');
        crate::hcl::write_quoted(out, &blocklist.name);
        out.push(']');
    });
    file.string_parts(
        "type",
        &[estate::types::BLOCKLIST_ITEM, "@", COGNITIVE_API_VERSION],
    )
    .raw("name", &["each.key"])
    .raw("parent_id", &["azapi_resource.", &blocklist_address, ".id"])
    .attribute_with("body", true, write_blocklist_item_body);
    file.close();
    format!("azapi_resource.{items_address}")
}

/// A blocklist's `type`, `name` and `parent_id`.
fn blocklist_attributes(file: &mut Writer, blocklist: &AccountBlocklist, account_id: &[&str]) {
    file.string_parts(
        "type",
        &[estate::types::BLOCKLIST, "@", COGNITIVE_API_VERSION],
    )
    .string("name", &blocklist.name)
    .raw("parent_id", account_id);
}

/// Writes the `body` of a blocklist's items resource at `depth`: each item from the `locals`
/// map.
fn write_blocklist_item_body(out: &mut String, depth: usize) {
    let lines: [(usize, &str); 5] = [
        (1, "properties = {\n"),
        (2, "pattern = each.value.pattern\n"),
        (2, "isRegex = each.value.is_regex\n"),
        (1, "}\n"),
        (0, "}"),
    ];
    out.push_str("{\n");
    for (level, line) in lines {
        crate::hcl::push_spaces(out, (depth + level) * 2);
        out.push_str(line);
    }
}

/// `Type@api-version`, as AzAPI's `type` takes it.
pub(crate) fn typed(resource_type: &str) -> String {
    format!("{resource_type}@{COGNITIVE_API_VERSION}")
}

/// The `body` of an AzAPI resource: the payload without the fields AzAPI sets itself (`type`
/// and `name` are arguments, `tags` is an argument).
pub(crate) fn body_of(payload: &Value) -> Expr {
    match payload.as_object() {
        Some(map) => Expr::Map(
            map.iter()
                .filter(|(key, _)| !AZAPI_ARGUMENTS.contains(&key.as_str()))
                .map(|(key, value)| (key.clone(), Expr::from_json(value)))
                .collect(),
        ),
        None => Expr::from_json(payload),
    }
}

/// [`body_of`] for a payload the estate shares between accounts (a content filter, a
/// blocklist): rendered once, written as often as it is used.
pub(crate) fn shared_body(context: &mut Context<'_>, payload: &Arc<Value>) -> Expr {
    let rendered = context
        .rendered_bodies
        .entry(Arc::as_ptr(payload))
        // An AzAPI resource's attributes are written at depth 1, inside its block.
        .or_insert_with(|| {
            let mut out = String::new();
            crate::hcl::write_json(&mut out, 1, payload, AZAPI_ARGUMENTS);
            out.into()
        });
    Expr::Rendered(Arc::clone(rendered))
}

/// The Terraform address that creates a resource of the estate (`azurerm_cognitive_account.x`,
/// `azapi_resource.x__filter`), for messages that name it.
pub(crate) fn address(resource: &estate::EstateResource<'_>) -> String {
    use estate::{types, Origin};
    // Payloads put `type` and `name` first: a scan finds them sooner than hashing the key.
    let payload_type = || top_level_str(resource.payload, "type");
    let payload_name = || top_level_str(resource.payload, "name");
    // The resources of an endpoint in a region (all but a few of a large estate's) are written
    // into one buffer sized for the whole address: `TYPE.`, the endpoint's identifier, then
    // its own suffix (`extra` bytes at most).
    let endpoint_address = |kind: &str, workload: &str, endpoint: &str, region: &str, extra| {
        // An identifier is at most one byte longer than its name, per byte of ASCII (a
        // character of several bytes becomes one `_`).
        let mut out = String::with_capacity(
            kind.len() + 1 + workload.len() + endpoint.len() + region.len() + 3 + 4 + extra,
        );
        out.push_str(kind);
        out.push('.');
        push_endpoint_region(&mut out, workload, endpoint, region);
        out
    };
    match &resource.origin {
        Origin::ResourceGroup { .. } => {
            // The subscription as the project writes it (an id, or a name the id's segment
            // holds as `{subscriptionId:NAME}`), as the group's block is named after it.
            let subscription = resource
                .id
                .strip_prefix("/subscriptions/")
                .and_then(|rest| rest.split('/').next())
                .and_then(charter_governance::names::subscription_of_segment);
            format!(
                "azurerm_resource_group.{}",
                resource_group_address(payload_name(), subscription)
            )
        }
        Origin::Budget { workload } => format!(
            "azurerm_consumption_budget_resource_group.{}",
            identifier(workload)
        ),
        Origin::Authority { .. } => {
            // The group's name is the segment after `resourceGroups/` of the assignment's id.
            let group = resource
                .id
                .split("/resourceGroups/")
                .nth(1)
                .and_then(|rest| rest.split('/').next())
                .unwrap_or_default();
            let role = charter_governance::authority::role_by_definition_id(
                resource.payload["properties"]["roleDefinitionId"]
                    .as_str()
                    .unwrap_or_default(),
            )
            .map_or("", |role| role.name);
            format!(
                "azurerm_role_assignment.{}",
                crate::authority::address(
                    group,
                    role,
                    resource.payload["properties"]["principalId"]
                        .as_str()
                        .unwrap_or_default()
                )
            )
        }
        Origin::Operations { declaration, .. } => crate::operations::address(resource, declaration),
        Origin::BusinessUnit {
            business_unit,
            region,
            ..
        } => crate::foundry::address(resource, business_unit, region),
        Origin::Endpoint {
            workload,
            endpoint,
            region,
        } => {
            const DEPLOYMENT: &str = "__deployment";
            if payload_type() == types::DEPLOYMENT {
                let mut address = endpoint_address(
                    "azapi_resource",
                    workload,
                    endpoint,
                    region,
                    DEPLOYMENT.len(),
                );
                address.push_str(DEPLOYMENT);
                address
            } else {
                endpoint_address("azurerm_cognitive_account", workload, endpoint, region, 0)
            }
        }
        Origin::Filter {
            workload,
            endpoint,
            region,
            ..
        } => {
            const FILTER: &str = "__filter";
            let mut address =
                endpoint_address("azapi_resource", workload, endpoint, region, FILTER.len());
            address.push_str(FILTER);
            address
        }
        Origin::Blocklist {
            blocklist,
            workload,
            endpoint,
            region,
        } => {
            const BLOCKLIST: &str = "__blocklist__";
            const ITEMS: &str = "__items[";
            // The estate names the blocklist as Azure does already; a name spelled otherwise
            // is spelled so first.
            let name = if spelled_as_rai_name(blocklist) {
                Cow::Borrowed(blocklist.as_str())
            } else {
                Cow::Owned(charter_governance::names::rai_blocklist(blocklist))
            };
            let item = (payload_type() == types::BLOCKLIST_ITEM).then(payload_name);
            // The item's name quoted (longer only when it has something to escape) and `]`.
            let extra = BLOCKLIST.len()
                + name.len()
                + 1
                + item.map_or(0, |item| ITEMS.len() + item.len() + 3);
            let mut address = endpoint_address("azapi_resource", workload, endpoint, region, extra);
            address.push_str(BLOCKLIST);
            push_identifier(&mut address, &name);
            if let Some(item) = item {
                address.push_str(ITEMS);
                crate::hcl::write_quoted(&mut address, item);
                address.push(']');
            }
            address
        }
    }
}

/// The string at a top-level key of a payload (empty when there is none, or it is not a
/// string), found by a scan of its keys.
pub(crate) fn top_level_str<'p>(payload: &'p Value, key: &str) -> &'p str {
    payload
        .as_object()
        .and_then(|object| object.iter().find(|(found, _)| *found == key))
        .and_then(|(_, value)| value.as_str())
        .unwrap_or_default()
}

/// Writes the attributes an `azurerm_cognitive_account` takes from an AI account's payload (an
/// endpoint's account or a business unit's Foundry resource): each one of the payload's fields.
pub(crate) fn account_attributes(
    file: &mut Writer,
    payload: &Value,
    name: &str,
    group_address: &str,
    provider: Option<&str>,
) {
    let properties = &payload["properties"];
    if let Some(provider) = provider {
        file.raw("provider", &[provider]);
    }
    let local_auth = !properties["disableLocalAuth"].as_bool().unwrap_or(false);
    let public_network = properties["publicNetworkAccess"].as_str() != Some("Disabled");
    file.string("name", name)
        .string("location", payload["location"].as_str().unwrap_or_default())
        .raw(
            "resource_group_name",
            &["azurerm_resource_group.", group_address, ".name"],
        )
        .string("kind", payload["kind"].as_str().unwrap_or_default())
        .string(
            "sku_name",
            payload["sku"]["name"].as_str().unwrap_or_default(),
        )
        .string(
            "custom_subdomain_name",
            properties["customSubDomainName"]
                .as_str()
                .unwrap_or_default(),
        )
        .raw("local_auth_enabled", &[boolean(local_auth)])
        .raw("public_network_access_enabled", &[boolean(public_network)]);
}

/// An HCL boolean literal.
pub(crate) fn boolean(value: bool) -> &'static str {
    if value {
        "true"
    } else {
        "false"
    }
}

//! The estate: every Azure resource Charter's own Terraform creates, as the PUT payload Azure
//! (and Azure Policy) receives for it.
//!
//! The Terraform backend writes these resources (never anything else), and the
//! self-compliance proof evaluates the very same payloads against the initiative the build
//! emits. So what the proof checks is what `terraform apply` sends, not a second description
//! of it. Names, ids and placeholders follow the governance core's [`crate::names`].

use charter_ir::{
    Blocklist, BlocklistItem, BlocklistManagement, Budget, BudgetPeriod, Endpoint, Filter, Level,
    Policy, Project, Redundancy, ShieldMode, Toggle, Workload,
};
use serde_json::{json, Map, Value};
use std::collections::HashMap;
use std::sync::Arc;

use crate::names;

/// The API version of the Cognitive Services resources written through the AzAPI provider
/// (RAI policies, blocklists and their items, deployments): the newest stable version whose
/// RAI policies take `customBlocklists[].source` and the `Asynchronous_filter` mode, and whose
/// deployments take `model.source` (docs/terraform.md, "API versions").
pub const COGNITIVE_API_VERSION: &str = "2025-06-01";

/// The API version of RAI policies (account-level and subscription-level), which Charter writes
/// through AzAPI: the first stable version whose `contentFilters[].source` takes an agent's
/// intervention points (`PreToolCall`, `PostToolCall`, `PreRun`, `PostRun`), whose entries take
/// an `action`, and whose policies take `safetyProviders` (docs/terraform.md, "API versions").
pub const RAI_API_VERSION: &str = "2025-12-01";

/// The RAI policy every Charter filter starts from. Charter then sets every category
/// explicitly, so the base only matters for settings Charter does not know.
pub const BASE_RAI_POLICY: &str = "Microsoft.Default";

/// Resource types, as Azure spells them.
pub mod types {
    pub const RESOURCE_GROUP: &str = "Microsoft.Resources/resourceGroups";
    pub const ACCOUNT: &str = "Microsoft.CognitiveServices/accounts";
    pub const DEPLOYMENT: &str = "Microsoft.CognitiveServices/accounts/deployments";
    pub const RAI_POLICY: &str = "Microsoft.CognitiveServices/accounts/raiPolicies";
    pub const SUBSCRIPTION_RAI_POLICY: &str = "Microsoft.CognitiveServices/raiPolicy";
    pub const BLOCKLIST: &str = "Microsoft.CognitiveServices/accounts/raiBlocklists";
    pub const BLOCKLIST_ITEM: &str =
        "Microsoft.CognitiveServices/accounts/raiBlocklists/raiBlocklistItems";
    pub const BUDGET: &str = "Microsoft.Consumption/budgets";
    pub const ROLE_ASSIGNMENT: &str = "Microsoft.Authorization/roleAssignments";
}

/// Everything Charter's Terraform creates, workload by workload.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Estate {
    /// Each resource group once, however many workloads live in it, in order of first use.
    pub resource_groups: Vec<ResourceGroup>,
    /// Per endpoint and region, in source order.
    pub accounts: Vec<Account>,
    /// Per workload with a budget.
    pub budgets: Vec<BudgetResource>,
    /// The role assignments that make each workload's deployment authority true, each once.
    pub role_assignments: Vec<crate::authority::RoleAssignment>,
    /// The subscription-level guardrails (`guardrail:` of a policy), one per policy and
    /// subscription its workloads deploy to, in source order. No Azure Policy alias reads
    /// `Microsoft.CognitiveServices/raiPolicy`, so no rule governs them (docs/azure-policy.md,
    /// "Agent guardrails").
    pub guardrails: Vec<Guardrail>,
    /// Per `gateway` declaration.
    pub gateways: Vec<crate::operations::GatewayResources>,
    /// Per `monitoring` declaration.
    pub monitoring: Vec<crate::operations::MonitoringResources>,
    /// Per business unit and region: its AI Foundry resource and its workloads' projects.
    pub foundry: Vec<crate::foundry::FoundryAccount>,
    /// `resource_groups` by name (lower case) and subscription: a scan per workload grew with
    /// the square of the project.
    groups_by_name: HashMap<(String, Option<String>), usize>,
}

impl Estate {
    /// The index of the resource group `name` in `subscription`, if it is in the estate.
    fn group_named(&self, name: &str, subscription: Option<&str>) -> Option<usize> {
        self.groups_by_name
            .get(&(name.to_ascii_lowercase(), subscription.map(str::to_string)))
            .copied()
    }

    /// Adds a resource group (not in the estate yet) and returns its index.
    fn add_group(&mut self, group: ResourceGroup) -> usize {
        let index = self.resource_groups.len();
        self.groups_by_name.insert(
            (group.name.to_ascii_lowercase(), group.subscription.clone()),
            index,
        );
        self.resource_groups.push(group);
        index
    }
}

/// A filter set once per subscription (`Microsoft.CognitiveServices/raiPolicy`).
#[derive(Clone, Debug, PartialEq)]
pub struct Guardrail {
    /// The policy that asks for it.
    pub policy: String,
    pub filter: String,
    /// The subscription as the project writes it; `None` for the deployment's own.
    pub subscription: Option<String>,
    pub name: String,
    pub id: String,
    pub payload: Value,
}

/// A resource group that workloads' accounts live in.
#[derive(Clone, Debug, PartialEq)]
pub struct ResourceGroup {
    pub name: String,
    /// The subscription as the project writes it (an id or a name); `None` for the
    /// deployment's own subscription.
    pub subscription: Option<String>,
    /// The workloads whose resources live in it, in source order.
    pub workloads: Vec<String>,
    /// The location a new group gets: the first endpoint's primary region.
    pub default_location: Option<String>,
    /// The tags it is created with: the owner tag of its first workload.
    pub tags: Map<String, Value>,
    pub id: String,
    pub payload: Value,
}

/// One AI account of one endpoint in one region, and everything created inside it.
#[derive(Clone, Debug, PartialEq)]
pub struct Account {
    pub workload: String,
    pub endpoint: String,
    pub region: String,
    /// The account name, which is also its custom subdomain: a DNS name unique across Azure.
    pub name: String,
    /// The resource group (index into [`Estate::resource_groups`]).
    pub resource_group: usize,
    pub id: String,
    pub payload: Value,
    /// The blocklists the account's filter applies, Charter's own and external ones.
    pub blocklists: Vec<AccountBlocklist>,
    pub rai_policy: RaiPolicy,
    /// `None` for a standby region with a standby capacity of 0.
    pub deployment: Option<Deployment>,
    /// The business unit's AI Foundry resource the deployment lives in (index into
    /// [`Estate::foundry`]), which creates the account, its content filter and blocklists; the
    /// account's fields are then that resource's.
    pub foundry: Option<usize>,
}

/// What a RAI policy is called in messages (the noun of its [`EstateResource`]).
pub const RAI_POLICY_NOUN: &str = "RAI policy";

impl Account {
    /// The account's resources, in the order [`Estate::resources`] lists them: the account, its
    /// blocklists and their items, its RAI policy and its deployment (only the deployment when
    /// a business unit's resource creates the rest).
    pub fn resources<'e>(&'e self, out: &mut Vec<EstateResource<'e>>) {
        self.each_resource(|noun, id, payload, blocklist| {
            let origin = match (noun, blocklist) {
                (_, Some(blocklist)) => Origin::Blocklist {
                    blocklist: blocklist.name.clone(),
                    workload: self.workload.clone(),
                    endpoint: self.endpoint.clone(),
                    region: self.region.clone(),
                },
                (RAI_POLICY_NOUN, None) => Origin::Filter {
                    filter: self.rai_policy.filter.clone(),
                    workload: self.workload.clone(),
                    endpoint: self.endpoint.clone(),
                    region: self.region.clone(),
                },
                _ => Origin::Endpoint {
                    workload: self.workload.clone(),
                    endpoint: self.endpoint.clone(),
                    region: self.region.clone(),
                },
            };
            out.push(EstateResource {
                noun,
                id,
                payload,
                origin,
            });
        });
    }

    /// Each of [`Account::resources`] as its noun, id and payload, and the blocklist it
    /// belongs to (a blocklist or one of its items): what a pass over every account reads,
    /// without the names of its origin copied for each resource.
    pub fn each_resource<'e>(
        &'e self,
        mut each: impl FnMut(&'static str, &'e str, &'e Value, Option<&'e AccountBlocklist>),
    ) {
        // A business unit's resource creates the account, filter and blocklists: only the
        // deployment is the account's own.
        if self.foundry.is_none() {
            each("AI account", &self.id, &self.payload, None);
            for blocklist in &self.blocklists {
                if let Some(payload) = &blocklist.payload {
                    each("blocklist", &blocklist.id, payload, Some(blocklist));
                }
                for item in &blocklist.items {
                    each("blocklist item", &item.id, &item.payload, Some(blocklist));
                }
            }
            each(
                RAI_POLICY_NOUN,
                &self.rai_policy.id,
                &self.rai_policy.payload,
                None,
            );
        }
        if let Some(deployment) = &self.deployment {
            each(
                "model deployment",
                &deployment.id,
                &deployment.payload,
                None,
            );
        }
    }

    /// Drops the account's payloads (its own and its children's), keeping its names and ids:
    /// each becomes `null`.
    fn thin(&mut self, null: &Arc<Value>) {
        self.payload = Value::Null;
        self.rai_policy.payload = Arc::clone(null);
        if let Some(deployment) = &mut self.deployment {
            deployment.payload = Arc::clone(null);
        }
        for blocklist in &mut self.blocklists {
            if let Some(payload) = &mut blocklist.payload {
                *payload = Arc::clone(null);
            }
            for item in &mut blocklist.items {
                item.payload = Arc::clone(null);
            }
        }
    }
}

/// A blocklist in one account.
#[derive(Clone, Debug, PartialEq)]
pub struct AccountBlocklist {
    pub name: String,
    pub id: String,
    /// `None` for an external blocklist: another team creates it, Charter only refers to it.
    /// Shared by every account that needs the blocklist.
    pub payload: Option<Arc<Value>>,
    /// Charter's items, each with its name and payload (empty for an external blocklist).
    pub items: Vec<BlocklistItemResource>,
}

/// One item of a blocklist.
#[derive(Clone, Debug, PartialEq)]
pub struct BlocklistItemResource {
    /// Derived from the item's text, so adding an item never renames another.
    pub name: String,
    pub item: BlocklistItem,
    pub id: String,
    /// Shared by every account that needs the blocklist.
    pub payload: Arc<Value>,
}

/// The RAI policy (content filter) of one account.
#[derive(Clone, Debug, PartialEq)]
pub struct RaiPolicy {
    /// The Charter filter it deploys.
    pub filter: String,
    pub name: String,
    pub id: String,
    /// Shared by every account that deploys the same filter: the payload is the same.
    pub payload: Arc<Value>,
}

/// The model deployment of one account.
#[derive(Clone, Debug, PartialEq)]
pub struct Deployment {
    pub name: String,
    /// A standby region of an `active_passive` endpoint.
    pub standby: bool,
    pub capacity: u32,
    pub id: String,
    /// Shared by the endpoint's regions that deploy the same capacity: the payload names
    /// neither the account nor the region.
    pub payload: Arc<Value>,
}

/// A workload's budget, on its resource group.
#[derive(Clone, Debug, PartialEq)]
pub struct BudgetResource {
    pub workload: String,
    pub name: String,
    pub resource_group: usize,
    pub id: String,
    pub payload: Value,
}

/// What in the source a resource comes from, for messages about it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Origin {
    /// A resource group, created for these workloads.
    ResourceGroup { workloads: Vec<String> },
    /// An account or a deployment of an endpoint in a region.
    Endpoint {
        workload: String,
        endpoint: String,
        region: String,
    },
    /// The RAI policy that deploys a filter for an endpoint in a region.
    Filter {
        filter: String,
        workload: String,
        endpoint: String,
        region: String,
    },
    /// A blocklist (or one of its items) in an endpoint's account.
    Blocklist {
        blocklist: String,
        workload: String,
        endpoint: String,
        region: String,
    },
    /// A workload's budget.
    Budget { workload: String },
    /// A role assignment of the workloads' deployment authority.
    Authority { workloads: Vec<String> },
    /// A resource of a `gateway` or `monitoring` declaration, serving these workloads.
    Operations {
        declaration: String,
        workloads: Vec<String>,
    },
    /// A business unit's AI Foundry resource in a region (the account, its content filters and
    /// blocklists), or a workload's project in it.
    BusinessUnit {
        business_unit: String,
        region: String,
        workloads: Vec<String>,
    },
}

impl Origin {
    /// The workloads the resource serves (one, for an endpoint's resources and a budget).
    pub fn workloads(&self) -> &[String] {
        match self {
            Origin::ResourceGroup { workloads }
            | Origin::Authority { workloads }
            | Origin::Operations { workloads, .. }
            | Origin::BusinessUnit { workloads, .. } => workloads,
            Origin::Endpoint { workload, .. }
            | Origin::Filter { workload, .. }
            | Origin::Blocklist { workload, .. }
            | Origin::Budget { workload } => std::slice::from_ref(workload),
        }
    }
}

/// One resource of the estate, flattened for evaluation.
#[derive(Clone, Debug, PartialEq)]
pub struct EstateResource<'e> {
    /// What kind of resource it is, in words (`AI account`, `RAI policy`).
    pub noun: &'static str,
    pub id: &'e str,
    pub payload: &'e Value,
    pub origin: Origin,
}

impl Estate {
    /// Every resource, in a stable order: resource groups, then per account the account, its
    /// blocklists and their items, its RAI policy and its deployment, then budgets.
    pub fn resources<'e>(&'e self) -> Vec<EstateResource<'e>> {
        self.listed(true)
    }

    /// [`Estate::resources`] but the accounts' ([`Account::resources`]): for a pass that reads
    /// those from the accounts ([`estate_account_by_account`]).
    pub fn resources_besides_accounts<'e>(&'e self) -> Vec<EstateResource<'e>> {
        self.listed(false)
    }

    fn listed<'e>(&'e self, accounts: bool) -> Vec<EstateResource<'e>> {
        // Sized once: a vector grown by doubling held up to twice the resources, and briefly
        // its old buffer too (on a 100,000-line project, 9 MB where 5 MB are needed).
        let mut out = Vec::with_capacity(self.resource_count(accounts));
        for group in &self.resource_groups {
            out.push(EstateResource {
                noun: "resource group",
                id: &group.id,
                payload: &group.payload,
                origin: Origin::ResourceGroup {
                    workloads: group.workloads.clone(),
                },
            });
        }
        for account in self.accounts.iter().filter(|_| accounts) {
            account.resources(&mut out);
        }
        for foundry in &self.foundry {
            crate::foundry::resources(foundry, &mut out);
        }
        for budget in &self.budgets {
            out.push(EstateResource {
                noun: "budget",
                id: &budget.id,
                payload: &budget.payload,
                origin: Origin::Budget {
                    workload: budget.workload.clone(),
                },
            });
        }
        for assignment in &self.role_assignments {
            out.push(EstateResource {
                noun: "role assignment",
                id: &assignment.id,
                payload: &assignment.payload,
                origin: Origin::Authority {
                    workloads: assignment.workloads.clone(),
                },
            });
        }
        for gateway in &self.gateways {
            let origin = || Origin::Operations {
                declaration: gateway.gateway.clone(),
                workloads: gateway.workloads.clone(),
            };
            let mut push = |noun: &'static str, id: &'e str, payload: &'e Value| {
                out.push(EstateResource {
                    noun,
                    id,
                    payload,
                    origin: origin(),
                })
            };
            if let Some(payload) = &gateway.payload {
                push("API Management service", &gateway.id, payload);
            }
            for backend in &gateway.backends {
                push("API Management backend", &backend.id, &backend.payload);
            }
            for pool in &gateway.pools {
                push("API Management backend pool", &pool.id, &pool.payload);
            }
            push("API Management API", &gateway.api.id, &gateway.api.payload);
            push(
                "API Management API policy",
                &gateway.api.policy_id,
                &gateway.api.policy_payload,
            );
            for assignment in &gateway.role_assignments {
                push("role assignment", &assignment.id, &assignment.payload);
            }
        }
        for monitoring in &self.monitoring {
            let origin = || Origin::Operations {
                declaration: monitoring.monitoring.clone(),
                workloads: monitoring.workloads.clone(),
            };
            let mut push = |noun: &'static str, id: &'e str, payload: &'e Value| {
                out.push(EstateResource {
                    noun,
                    id,
                    payload,
                    origin: origin(),
                })
            };
            if let Some(payload) = &monitoring.payload {
                push("Log Analytics workspace", &monitoring.workspace_id, payload);
            }
            for setting in &monitoring.diagnostic_settings {
                push("diagnostic setting", &setting.id, &setting.payload);
            }
            for group in &monitoring.action_groups {
                push("action group", &group.id, &group.payload);
            }
            for alert in &monitoring.alerts {
                push("metric alert", &alert.id, &alert.payload);
            }
        }
        out
    }
}

impl Estate {
    /// How many resources [`Estate::resources`] lists (without the accounts': `accounts` false).
    fn resource_count(&self, accounts: bool) -> usize {
        let blocklists = |blocklists: &[AccountBlocklist]| -> usize {
            blocklists
                .iter()
                .map(|b| usize::from(b.payload.is_some()) + b.items.len())
                .sum()
        };
        let accounts: usize = self
            .accounts
            .iter()
            .filter(|_| accounts)
            .map(|account| {
                let deployment = usize::from(account.deployment.is_some());
                if account.foundry.is_some() {
                    deployment
                } else {
                    2 + blocklists(&account.blocklists) + deployment
                }
            })
            .sum();
        let foundry: usize = self
            .foundry
            .iter()
            .map(|f| 1 + blocklists(&f.blocklists) + f.rai_policies.len() + f.projects.len())
            .sum();
        let gateways: usize = self
            .gateways
            .iter()
            .map(|g| {
                usize::from(g.payload.is_some())
                    + g.backends.len()
                    + g.pools.len()
                    + 2
                    + g.role_assignments.len()
            })
            .sum();
        let monitoring: usize = self
            .monitoring
            .iter()
            .map(|m| {
                usize::from(m.payload.is_some())
                    + m.diagnostic_settings.len()
                    + m.action_groups.len()
                    + m.alerts.len()
            })
            .sum();
        self.resource_groups.len()
            + accounts
            + foundry
            + self.budgets.len()
            + self.role_assignments.len()
            + gateways
            + monitoring
    }
}

/// The estate of a checked project.
pub fn estate(project: &Project) -> Estate {
    build(project, None)
}

/// The estate of a checked project, handing each account to `each` once it is complete (with
/// the estate built so far: its resource group is there) and keeping of it only what the rest
/// of the estate reads: its names, ids and place, not its payloads, whose places in
/// [`Estate::resources`] then hold `null`. A pass that needs each account's payloads once (the
/// self-compliance proof of `charter check`) thus holds one account's at a time rather than
/// every account's: at 100,000 lines, about 60 MB less.
pub fn estate_account_by_account(project: &Project, each: &mut EachAccount<'_>) -> Estate {
    build(project, Some(each))
}

/// What [`estate_account_by_account`] hands each complete account to.
pub type EachAccount<'f> = dyn FnMut(&Estate, &Account) + 'f;

fn build(project: &Project, mut each: Option<&mut EachAccount<'_>>) -> Estate {
    let mut estate = Estate::default();
    // What a thinned account's payloads become: one `null`, shared.
    let null = Arc::new(Value::Null);
    let prepared = prepare_blocklists(&project.blocklists);
    // A filter's content filter has the same name and payload in every account that uses it:
    // built for the first, and (when the accounts are thinned) dropped after the last.
    let mut rai_payloads: HashMap<&str, (String, Arc<Value>)> = HashMap::new();
    let mut rai_uses: HashMap<&str, usize> = HashMap::new();
    for endpoint in project.workloads.iter().flat_map(|w| &w.endpoints) {
        *rai_uses.entry(endpoint.filter.name.as_str()).or_default() += endpoint.regions.len();
    }
    // One account per endpoint and region, sized once: a growing vector of them holds up to
    // twice their size, and briefly its old buffer too.
    estate.accounts.reserve_exact(
        project
            .workloads
            .iter()
            .flat_map(|w| &w.endpoints)
            .map(|endpoint| endpoint.regions.len())
            .sum(),
    );
    let mut groups: Vec<(usize, String)> = Vec::new();
    for workload in &project.workloads {
        let policy = project
            .policies
            .iter()
            .find(|policy| policy.name == workload.policy);
        let group = resource_group(&mut estate, workload, policy);
        groups.push((group, estate.resource_groups[group].id.clone()));
        for endpoint in &workload.endpoints {
            let mut deployments = Vec::new();
            let filter = &endpoint.filter;
            rai_payloads.entry(filter.name.as_str()).or_insert_with(|| {
                let name = names::rai_policy(&filter.name);
                let payload = Arc::new(rai_policy_payload(&name, filter));
                (name, payload)
            });
            for (index, region) in endpoint.regions.iter().enumerate() {
                let mut account = account(
                    project,
                    workload,
                    endpoint,
                    policy,
                    group,
                    &estate,
                    &rai_payloads,
                    &prepared,
                    index,
                    region,
                    &mut deployments,
                );
                crate::foundry::attach(&mut estate, project, workload, policy, &mut account);
                if let Some(each) = each.as_mut() {
                    each(&estate, &account);
                    account.thin(&null);
                    let uses = rai_uses.entry(filter.name.as_str()).or_default();
                    *uses = uses.saturating_sub(1);
                    if *uses == 0 {
                        rai_payloads.remove(filter.name.as_str());
                    }
                }
                estate.accounts.push(account);
            }
        }
        // A business unit's workload has its AI resources in the business unit's resource
        // group: the roles of its deployment authority go there.
        if let Some(foundry) = estate
            .foundry
            .iter()
            .find(|f| f.workloads.contains(&workload.name))
        {
            let group = foundry.resource_group;
            if let Some(last) = groups.last_mut() {
                *last = (group, estate.resource_groups[group].id.clone());
            }
        }
        if let Some(budget) = &workload.budget {
            let name = names::budget(&workload.name);
            let id = [
                &estate.resource_groups[group].id,
                "/providers/",
                types::BUDGET,
                "/",
                &name,
            ]
            .concat();
            estate.budgets.push(BudgetResource {
                workload: workload.name.clone(),
                payload: budget_payload(&name, budget),
                name,
                resource_group: group,
                id,
            });
        }
    }
    estate.gateways = crate::operations::gateways(project, &mut estate);
    estate.monitoring = crate::operations::monitoring(project, &mut estate);
    alert_budgets(&mut estate, project);
    for group in &mut estate.resource_groups {
        group.payload = resource_group_payload(group);
    }
    estate.role_assignments = crate::authority::role_assignments(project, &groups);
    for policy in &project.policies {
        let Some(filter) = &policy.guardrail else {
            continue;
        };
        let name = names::rai_policy(&filter.name);
        let mut subscriptions: Vec<Option<&str>> = Vec::new();
        for workload in project.workloads.iter().filter(|w| w.policy == policy.name) {
            let subscription = workload.subscription.as_deref();
            if !subscriptions.contains(&subscription) {
                subscriptions.push(subscription);
            }
        }
        for subscription in subscriptions {
            let mut payload = rai_policy_payload(&name, filter);
            payload["type"] = json!(types::SUBSCRIPTION_RAI_POLICY);
            estate.guardrails.push(Guardrail {
                policy: policy.name.clone(),
                filter: filter.name.clone(),
                subscription: subscription.map(str::to_string),
                id: format!(
                    "/subscriptions/{}/providers/{}/{name}",
                    names::subscription_placeholder(subscription),
                    types::SUBSCRIPTION_RAI_POLICY
                ),
                name: name.clone(),
                payload,
            });
        }
    }
    estate
}

/// The budgets of monitored workloads also notify the workload's action group, and alert on
/// the forecast reaching their highest threshold.
fn alert_budgets(estate: &mut Estate, project: &Project) {
    for monitoring in &estate.monitoring {
        for group in &monitoring.action_groups {
            let Some(budget) = estate
                .budgets
                .iter_mut()
                .find(|b| b.workload == group.workload)
            else {
                continue;
            };
            let Some(declared) = project
                .workloads
                .iter()
                .find(|w| w.name == group.workload)
                .and_then(|w| w.budget.as_ref())
            else {
                continue;
            };
            let Some(notifications) = budget.payload["properties"]["notifications"].as_object_mut()
            else {
                continue;
            };
            for notification in notifications.values_mut() {
                notification["contactGroups"] = json!([group.id]);
                // The action group notifies someone; the owners are only the last resort.
                if let Some(map) = notification.as_object_mut() {
                    map.remove("contactRoles");
                }
            }
            if let Some(highest) = declared.alert_thresholds.iter().max() {
                let mut forecast = json!({
                    "enabled": true,
                    "operator": "GreaterThanOrEqualTo",
                    "threshold": highest,
                    "thresholdType": "Forecasted",
                    "contactGroups": [group.id]
                });
                if !declared.contacts.is_empty() {
                    forecast["contactEmails"] = json!(declared.contacts);
                }
                notifications.insert(
                    format!("forecasted_GreaterThanOrEqualTo_{highest}_Percent"),
                    forecast,
                );
            }
        }
    }
}

/// The index of the resource group of a gateway or workspace Charter creates, added on first
/// use for the workloads it serves.
pub(crate) fn operations_group(
    estate: &mut Estate,
    name: &str,
    subscription: Option<&str>,
    workloads: &[String],
    region: Option<&str>,
    project: &Project,
    declaration: &str,
) -> usize {
    if let Some(index) = estate.group_named(name, subscription) {
        return index;
    }
    let policy = workloads
        .first()
        .and_then(|w| project.workloads.iter().find(|x| &x.name == w))
        .and_then(|w| project.policies.iter().find(|p| p.name == w.policy));
    let key = policy.map_or(names::DEFAULT_OWNER_TAG, |policy| policy.owner_tag.as_str());
    let mut tags = Map::new();
    tags.insert(key.to_string(), json!(declaration));
    estate.add_group(ResourceGroup {
        name: name.to_string(),
        subscription: subscription.map(str::to_string),
        workloads: workloads.to_vec(),
        default_location: region.map(names::location),
        tags,
        id: format!(
            "/subscriptions/{}/resourceGroups/{name}",
            names::subscription_placeholder(subscription)
        ),
        payload: Value::Null,
    })
}

/// The tag that records a workload as the owner of what it creates.
fn owner_tags(workload: &Workload, policy: Option<&Policy>) -> Map<String, Value> {
    let key = policy.map_or(names::DEFAULT_OWNER_TAG, |policy| policy.owner_tag.as_str());
    let mut tags = Map::with_capacity(2);
    tags.insert(key.to_string(), workload.name.as_str().into());
    // The classification rules read this tag at deploy time (docs/azure-policy.md, "Data
    // classification").
    if let Some(level) = &workload.classification {
        tags.insert(names::CLASSIFICATION_TAG.to_string(), json!(level));
    }
    tags
}

/// The index of the workload's resource group, added on first use.
fn resource_group(estate: &mut Estate, workload: &Workload, policy: Option<&Policy>) -> usize {
    if let Some(index) =
        estate.group_named(&workload.resource_group, workload.subscription.as_deref())
    {
        estate.resource_groups[index]
            .workloads
            .push(workload.name.clone());
        return index;
    }
    let id = format!(
        "/subscriptions/{}/resourceGroups/{}",
        names::subscription_placeholder(workload.subscription.as_deref()),
        workload.resource_group
    );
    estate.add_group(ResourceGroup {
        name: workload.resource_group.clone(),
        subscription: workload.subscription.clone(),
        workloads: vec![workload.name.clone()],
        default_location: workload
            .endpoints
            .first()
            .and_then(|endpoint| endpoint.regions.first())
            .map(|region| names::location(region)),
        tags: owner_tags(workload, policy),
        id,
        payload: Value::Null,
    })
}

fn resource_group_payload(group: &ResourceGroup) -> Value {
    static LOCATED: Template = Template::new(&["type", "name", "location", "tags"]);
    static UNLOCATED: Template = Template::new(&["type", "name", "tags"]);
    let tags = Value::Object(group.tags.clone());
    match &group.default_location {
        Some(location) => LOCATED.fill([
            ("type", types::RESOURCE_GROUP.into()),
            ("name", group.name.as_str().into()),
            ("location", location.as_str().into()),
            ("tags", tags),
        ]),
        None => UNLOCATED.fill([
            ("type", types::RESOURCE_GROUP.into()),
            ("name", group.name.as_str().into()),
            ("tags", tags),
        ]),
    }
}

#[expect(
    clippy::too_many_arguments,
    reason = "one account needs its endpoint, its workload's group and the project's blocklists"
)]
fn account(
    project: &Project,
    workload: &Workload,
    endpoint: &Endpoint,
    policy: Option<&Policy>,
    group: usize,
    estate: &Estate,
    rai_payloads: &HashMap<&str, (String, Arc<Value>)>,
    prepared: &HashMap<&str, PreparedBlocklist>,
    index: usize,
    region: &str,
    deployments: &mut Vec<(u32, Arc<Value>)>,
) -> Account {
    let name = names::account(
        project.naming.prefix.as_deref(),
        &workload.name,
        &endpoint.name,
        region,
    );
    let group_id = &estate.resource_groups[group].id;
    let id = [group_id, "/providers/", types::ACCOUNT, "/", &name].concat();
    let tags = owner_tags(workload, policy);
    // OpenAI models run on an OpenAI account; every other format (Meta, Mistral AI, …) is
    // served by an AI Services (Foundry) account.
    let kind = if endpoint.model.format == "OpenAI" {
        "OpenAI"
    } else {
        "AIServices"
    };
    let local_auth_disabled = policy.is_some_and(|p| p.local_auth == Some(Toggle::Disabled));
    // The workload's own setting, else its policy's (a workload may only be stricter).
    let public_network_disabled = workload
        .public_network
        .or(policy.and_then(|p| p.public_network))
        == Some(Toggle::Disabled);

    let blocklists = account_blocklists(prepared, &endpoint.filter, &id);
    let (rai_name, rai_payload) = match rai_payloads.get(endpoint.filter.name.as_str()) {
        Some((name, payload)) => (name.clone(), Arc::clone(payload)),
        None => {
            let name = names::rai_policy(&endpoint.filter.name);
            let payload = Arc::new(rai_policy_payload(&name, &endpoint.filter));
            (name, payload)
        }
    };
    let rai_policy = RaiPolicy {
        filter: endpoint.filter.name.clone(),
        id: [&id, "/raiPolicies/", &rai_name].concat(),
        payload: rai_payload,
        name: rai_name.clone(),
    };

    let standby = index > 0 && endpoint.redundancy == Redundancy::ActivePassive;
    let capacity = if standby {
        endpoint.standby_capacity.unwrap_or(endpoint.capacity)
    } else {
        endpoint.capacity
    };
    let deployment = (capacity > 0).then(|| {
        let payload = match deployments.iter().find(|(built, _)| *built == capacity) {
            Some((_, payload)) => Arc::clone(payload),
            None => {
                let payload = Arc::new(deployment_payload(endpoint, capacity, &tags, &rai_name));
                deployments.push((capacity, Arc::clone(&payload)));
                payload
            }
        };
        Deployment {
            name: endpoint.name.clone(),
            standby,
            capacity,
            id: [&id, "/deployments/", &endpoint.name].concat(),
            payload,
        }
    });

    static ACCOUNT: Template = Template::new(&[
        "type",
        "name",
        "location",
        "kind",
        "sku",
        "tags",
        "properties",
    ]);
    static SKU: Template = Template::new(&["name"]);
    static PROPERTIES: Template = Template::new(&[
        "customSubDomainName",
        "disableLocalAuth",
        "publicNetworkAccess",
    ]);
    let payload = ACCOUNT.fill([
        ("type", types::ACCOUNT.into()),
        ("name", name.as_str().into()),
        ("location", names::location(region).into()),
        ("kind", kind.into()),
        ("sku", SKU.fill([("name", "S0".into())])),
        ("tags", Value::Object(tags)),
        (
            "properties",
            PROPERTIES.fill([
                // A custom subdomain is what Entra ID authentication and private endpoints
                // need.
                ("customSubDomainName", name.as_str().into()),
                ("disableLocalAuth", local_auth_disabled.into()),
                (
                    "publicNetworkAccess",
                    if public_network_disabled {
                        "Disabled"
                    } else {
                        "Enabled"
                    }
                    .into(),
                ),
            ]),
        ),
    ]);

    Account {
        workload: workload.name.clone(),
        endpoint: endpoint.name.clone(),
        region: region.to_string(),
        name,
        resource_group: group,
        id,
        payload,
        blocklists,
        rai_policy,
        deployment,
        foundry: None,
    }
}

/// The payload of an endpoint's model deployment of `capacity`, with the workload's `tags`.
fn deployment_payload(
    endpoint: &Endpoint,
    capacity: u32,
    tags: &Map<String, Value>,
    rai_name: &str,
) -> Value {
    static DEPLOYMENT: Template = Template::new(&["type", "name", "sku", "tags", "properties"]);
    static SKU: Template = Template::new(&["name", "capacity"]);
    static PROPERTIES: Template =
        Template::new(&["model", "raiPolicyName", "versionUpgradeOption"]);
    static MODEL: Template = Template::new(&["format", "name", "version"]);
    static FINE_TUNED_MODEL: Template = Template::new(&["format", "name", "version", "source"]);
    let model = &endpoint.model;
    let model = match &model.fine_tuned {
        None => MODEL.fill([
            ("format", model.format.as_str().into()),
            ("name", model.name.as_str().into()),
            ("version", model.version.as_str().into()),
        ]),
        // A fine-tuned model lives in the account that trained it; any other account deploys
        // it from there.
        Some(fine_tuned) => FINE_TUNED_MODEL.fill([
            ("format", model.format.as_str().into()),
            ("name", model.name.as_str().into()),
            ("version", model.version.as_str().into()),
            ("source", fine_tuned.source_account.as_str().into()),
        ]),
    };
    DEPLOYMENT.fill([
        ("type", types::DEPLOYMENT.into()),
        ("name", endpoint.name.as_str().into()),
        (
            "sku",
            SKU.fill([
                ("name", names::sku(endpoint.deployment_type).into()),
                ("capacity", capacity.into()),
            ]),
        ),
        ("tags", Value::Object(tags.clone())),
        (
            "properties",
            PROPERTIES.fill([
                ("model", model),
                ("raiPolicyName", rai_name.into()),
                // Charter pins the version the policy allows; an automatic upgrade would
                // move the deployment to a version the policy has not approved.
                ("versionUpgradeOption", "NoAutoUpgrade".into()),
            ]),
        ),
    ])
}

/// The blocklists a filter applies, each once, with their items when Charter creates them.
fn account_blocklists(
    prepared: &HashMap<&str, PreparedBlocklist>,
    filter: &Filter,
    account_id: &str,
) -> Vec<AccountBlocklist> {
    let mut names: Vec<&str> = filter.blocklists.iter().map(|b| b.name.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    names
        .into_iter()
        .map(|listed| {
            let blocklist = prepared.get(listed);
            let name = blocklist.map_or_else(|| names::rai_blocklist(listed), |b| b.name.clone());
            let id = [account_id, "/raiBlocklists/", &name].concat();
            match blocklist {
                Some(blocklist) => AccountBlocklist {
                    payload: Some(Arc::clone(&blocklist.payload)),
                    items: blocklist
                        .items
                        .iter()
                        .map(|(item_name, item, payload)| BlocklistItemResource {
                            id: [&id, "/raiBlocklistItems/", item_name].concat(),
                            name: item_name.clone(),
                            item: item.clone(),
                            payload: Arc::clone(payload),
                        })
                        .collect(),
                    name,
                    id,
                },
                // External, or (in an unchecked project) undeclared: referred to, not created.
                None => AccountBlocklist {
                    name,
                    id,
                    payload: None,
                    items: Vec::new(),
                },
            }
        })
        .collect()
}

/// A blocklist Charter creates, with the payloads every account that needs it shares.
struct PreparedBlocklist {
    /// Its name in Azure (worked out once, not per account).
    name: String,
    payload: Arc<Value>,
    /// Each item's name, the item, and its payload.
    items: Vec<(String, BlocklistItem, Arc<Value>)>,
}

/// The blocklists Charter creates (not the external ones), by name.
fn prepare_blocklists(declared: &[Blocklist]) -> HashMap<&str, PreparedBlocklist> {
    declared
        .iter()
        .filter_map(|blocklist| {
            let BlocklistManagement::Charter { items } = &blocklist.management else {
                return None;
            };
            let name = names::rai_blocklist(&blocklist.name);
            let payload = json!({
                "type": types::BLOCKLIST,
                "name": name,
                "properties": { "description": blocklist.description }
            });
            let items = items
                .iter()
                .map(|item| {
                    let item_name = names::blocklist_item(item);
                    let payload = json!({
                        "type": types::BLOCKLIST_ITEM,
                        "name": item_name,
                        "properties": {
                            "pattern": item.pattern,
                            "isRegex": item.is_regex
                        }
                    });
                    (item_name, item.clone(), Arc::new(payload))
                })
                .collect();
            Some((
                blocklist.name.as_str(),
                PreparedBlocklist {
                    name,
                    payload: Arc::new(payload),
                    items,
                },
            ))
        })
        .collect()
}

/// One `contentFilters` entry per category and side of the filter, and one `customBlocklists`
/// entry per blocklist and side.
pub fn rai_policy_payload(name: &str, filter: &Filter) -> Value {
    static WITH_THRESHOLD: Template = Template::new(&[
        "name",
        "source",
        "severityThreshold",
        "enabled",
        "blocking",
        "action",
    ]);
    static WITHOUT_THRESHOLD: Template =
        Template::new(&["name", "source", "enabled", "blocking", "action"]);
    static BLOCKLIST: Template = Template::new(&["blocklistName", "blocking", "source"]);
    let content_filters: Vec<Value> = filter
        .settings
        .iter()
        .map(|setting| {
            let (enabled, blocking, threshold, action) = match setting.level {
                Level::Severity(threshold) => match names::severity(threshold) {
                    Some(spelling) => (true, true, Some(spelling), ShieldMode::Block),
                    None => (false, false, None, ShieldMode::Off),
                },
                Level::Shield(mode) => (mode != ShieldMode::Off, mode.blocks(), None, mode),
            };
            // `action` since API 2025-12-01 (docs/azure-policy.md, "Agent guardrails").
            match threshold {
                Some(threshold) => WITH_THRESHOLD.fill([
                    ("name", names::category(setting.category).into()),
                    ("source", names::source(setting.side).into()),
                    ("severityThreshold", threshold.into()),
                    ("enabled", enabled.into()),
                    ("blocking", blocking.into()),
                    ("action", names::action(action).into()),
                ]),
                None => WITHOUT_THRESHOLD.fill([
                    ("name", names::category(setting.category).into()),
                    ("source", names::source(setting.side).into()),
                    ("enabled", enabled.into()),
                    ("blocking", blocking.into()),
                    ("action", names::action(action).into()),
                ]),
            }
        })
        .collect();
    let blocklists: Vec<Value> = filter
        .blocklists
        .iter()
        .map(|used| {
            BLOCKLIST.fill([
                ("blocklistName", names::rai_blocklist(&used.name).into()),
                ("blocking", true.into()),
                ("source", names::source(used.side).into()),
            ])
        })
        .collect();
    let safety_providers: Vec<Value> = filter
        .safety_providers
        .iter()
        .map(|used| {
            object([
                ("safetyProviderName", used.name.as_str().into()),
                ("blocking", true.into()),
                ("source", names::source(used.side).into()),
            ])
        })
        .collect();
    let mut payload = object([
        ("type", types::RAI_POLICY.into()),
        ("name", name.into()),
        (
            "properties",
            object([
                ("basePolicyName", BASE_RAI_POLICY.into()),
                ("mode", names::rai_mode(filter.mode).into()),
                ("contentFilters", Value::Array(content_filters)),
                ("customBlocklists", Value::Array(blocklists)),
            ]),
        ),
    ]);
    if !safety_providers.is_empty() {
        payload["properties"]["safetyProviders"] = Value::Array(safety_providers);
    }
    payload
}

/// A JSON object of `entries`, in their order. Unlike `json!`, which serialises every
/// embedded value again, it moves the values in (the REST bodies are built with it too).
pub fn object<const N: usize>(entries: [(&str, Value); N]) -> Value {
    let mut map = Map::with_capacity(N);
    for (key, value) in entries {
        map.insert(key.to_owned(), value);
    }
    Value::Object(map)
}

/// The keys of a JSON object the estate builds many times (a content filter's entries, a
/// deployment), in order. An object is filled in from a clone of the template, which copies its
/// key index, where inserting the keys would hash each of them again (a `serde_json` map hashes
/// its keys with SipHash, and the estate's objects are small: hashing was most of their cost).
struct Template {
    keys: &'static [&'static str],
    /// The object with every key, each `null`: built on first use.
    object: std::sync::OnceLock<Map<String, Value>>,
}

impl Template {
    const fn new(keys: &'static [&'static str]) -> Template {
        Template {
            keys,
            object: std::sync::OnceLock::new(),
        }
    }

    /// An object of `entries`, in their order, whose keys are the template's.
    fn fill<const N: usize>(&self, entries: [(&str, Value); N]) -> Value {
        debug_assert!(
            self.keys
                .iter()
                .copied()
                .eq(entries.iter().map(|(key, _)| *key)),
            "the entries have the template's keys"
        );
        let template = self.object.get_or_init(|| {
            self.keys
                .iter()
                .map(|key| ((*key).to_string(), Value::Null))
                .collect()
        });
        let mut object = template.clone();
        for (slot, (_, value)) in object.values_mut().zip(entries) {
            *slot = value;
        }
        Value::Object(object)
    }
}

fn time_grain(period: BudgetPeriod) -> &'static str {
    match period {
        BudgetPeriod::Monthly => "Monthly",
        BudgetPeriod::Quarterly => "Quarterly",
        BudgetPeriod::Annually => "Annually",
    }
}

/// The budget payload; the start date is the deployment's choice (a Terraform variable), so it
/// is a placeholder here.
fn budget_payload(name: &str, budget: &Budget) -> Value {
    static TO_ROLES: Template = Template::new(&[
        "enabled",
        "operator",
        "threshold",
        "thresholdType",
        "contactRoles",
    ]);
    static TO_EMAILS: Template = Template::new(&[
        "enabled",
        "operator",
        "threshold",
        "thresholdType",
        "contactEmails",
    ]);
    // Built entry by entry rather than with `json!`, which serialises every embedded value
    // again; sized so a monitored budget's notifications still fit once `alert_budgets`
    // adds its forecast.
    let mut notifications = Map::with_capacity(budget.alert_thresholds.len() + 1);
    for threshold in &budget.alert_thresholds {
        let notification = if budget.contacts.is_empty() {
            TO_ROLES.fill([
                ("enabled", true.into()),
                ("operator", "GreaterThanOrEqualTo".into()),
                ("threshold", (*threshold).into()),
                ("thresholdType", "Actual".into()),
                ("contactRoles", Value::Array(vec!["Owner".into()])),
            ])
        } else {
            TO_EMAILS.fill([
                ("enabled", true.into()),
                ("operator", "GreaterThanOrEqualTo".into()),
                ("threshold", (*threshold).into()),
                ("thresholdType", "Actual".into()),
                ("contactEmails", contacts(&budget.contacts)),
            ])
        };
        notifications.insert(
            format!("actual_GreaterThanOrEqualTo_{threshold}_Percent"),
            notification,
        );
    }
    let amount = serde_json::from_str::<serde_json::Number>(&budget.amount)
        .map_or_else(|_| budget.amount.as_str().into(), Value::Number);
    object([
        ("type", types::BUDGET.into()),
        ("name", name.into()),
        (
            "properties",
            object([
                ("category", "Cost".into()),
                ("amount", amount),
                ("timeGrain", time_grain(budget.period).into()),
                (
                    "timePeriod",
                    object([("startDate", "{budgetStartDate}".into())]),
                ),
                ("notifications", Value::Object(notifications)),
            ]),
        ),
    ])
}

/// A budget's contact emails, as a JSON array.
fn contacts(emails: &[String]) -> Value {
    Value::Array(emails.iter().map(|email| email.as_str().into()).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_template_fills_in_the_object_the_entries_make() {
        static ENTRY: Template = Template::new(&["name", "source", "enabled"]);
        let entries = || {
            [
                ("name", Value::from("Hate")),
                ("source", Value::from("Prompt")),
                ("enabled", Value::from(true)),
            ]
        };
        let expected = object(entries());
        // Filled twice: the second clone starts from the same template, untouched.
        assert_eq!(ENTRY.fill(entries()), expected);
        let filled = ENTRY.fill(entries());
        assert_eq!(
            serde_json::to_string(&filled).ok(),
            serde_json::to_string(&expected).ok()
        );
    }
}

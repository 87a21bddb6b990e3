//! The operations part of the estate: the API Management gateway in front of redundant
//! endpoints (its backends, pools, API, policy and role assignments) and the monitoring of AI
//! accounts (the Log Analytics workspace, diagnostic settings, action groups and metric
//! alerts), each as the payload Azure Resource Manager receives.
//!
//! Facts (docs/terraform.md, "Routing and monitoring"): the backend circuit breaker and pool
//! follow Azure-Samples/AI-Gateway's `inference-api.bicep`; the metrics are Azure OpenAI's
//! (`TokenTransaction`, `AzureOpenAIRequests` with its `ModelDeploymentName` and `StatusCode`
//! dimensions, `AzureOpenAIProvisionedManagedUtilizationV2`; Microsoft Learn, "Azure OpenAI
//! monitoring data reference"); the roles are Azure's built-in roles.

use charter_ir::{DeploymentType, Gateway, Management, Monitoring, Project, Redundancy};
use serde_json::{json, Value};

use crate::estate::{Account, Estate};
use crate::names;

/// The API version of API Management resources written through AzAPI (the backend pool, which
/// azurerm 4.79 cannot declare), and of reading a service another team created: the version
/// Azure-Samples/AI-Gateway declares pools with.
pub const APIM_POOL_API_VERSION: &str = "2024-06-01-preview";
/// The API version used to read an existing API Management service (its managed identity).
pub const APIM_READ_API_VERSION: &str = "2024-05-01";

/// The built-in role a gateway's managed identity gets on an OpenAI account: "Cognitive
/// Services OpenAI User" (call the inference APIs, no keys, no management).
pub const OPENAI_USER_ROLE: (&str, &str) = (
    "Cognitive Services OpenAI User",
    "5e0bd9bd-7b93-4f28-af87-19fc36ad61bd",
);
/// The built-in role on an AI Services account serving other model formats: "Cognitive
/// Services User".
pub const COGNITIVE_USER_ROLE: (&str, &str) = (
    "Cognitive Services User",
    "a97b65f3-24c7-4388-baec-2e87135dc908",
);

/// The audience the gateway requests tokens for when it calls an account.
pub const COGNITIVE_AUDIENCE: &str = "https://cognitiveservices.azure.com";

/// Resource types, as Azure spells them.
pub mod types {
    pub const APIM: &str = "Microsoft.ApiManagement/service";
    pub const APIM_BACKEND: &str = "Microsoft.ApiManagement/service/backends";
    pub const APIM_API: &str = "Microsoft.ApiManagement/service/apis";
    pub const APIM_API_POLICY: &str = "Microsoft.ApiManagement/service/apis/policies";
    pub const ROLE_ASSIGNMENT: &str = "Microsoft.Authorization/roleAssignments";
    pub const WORKSPACE: &str = "Microsoft.OperationalInsights/workspaces";
    pub const DIAGNOSTIC_SETTING: &str = "Microsoft.Insights/diagnosticSettings";
    pub const ACTION_GROUP: &str = "Microsoft.Insights/actionGroups";
    pub const METRIC_ALERT: &str = "Microsoft.Insights/metricAlerts";
}

/// The metric namespace of AI accounts.
pub const METRIC_NAMESPACE: &str = "Microsoft.CognitiveServices/accounts";

/// A gateway and everything Charter creates in it.
#[derive(Clone, Debug, PartialEq)]
pub struct GatewayResources {
    /// The Charter name.
    pub gateway: String,
    pub workloads: Vec<String>,
    pub management: Management,
    /// The API Management service name.
    pub service: String,
    pub resource_group: String,
    pub subscription: Option<String>,
    /// The index of its resource group in [`Estate::resource_groups`], when Charter creates
    /// the service (and so the group).
    pub group: Option<usize>,
    pub id: String,
    /// The service, when Charter creates it.
    pub payload: Option<Value>,
    /// The regions after the primary (Premium additional locations).
    pub additional_regions: Vec<String>,
    pub primary_region: Option<String>,
    pub sku: charter_ir::GatewaySku,
    pub publisher: Option<String>,
    pub backends: Vec<Backend>,
    pub pools: Vec<Pool>,
    pub api: Api,
    pub role_assignments: Vec<RoleAssignment>,
}

/// One backend: an account, with a circuit breaker.
#[derive(Clone, Debug, PartialEq)]
pub struct Backend {
    /// The account (index into [`Estate::accounts`]).
    pub account: usize,
    pub name: String,
    pub id: String,
    pub payload: Value,
}

/// One endpoint's backend pool.
#[derive(Clone, Debug, PartialEq)]
pub struct Pool {
    pub workload: String,
    pub endpoint: String,
    pub name: String,
    pub id: String,
    /// Each member: backend name, priority, weight; in region order.
    pub members: Vec<(String, u32, u32)>,
    pub payload: Value,
}

/// The API callers use, and its policy.
#[derive(Clone, Debug, PartialEq)]
pub struct Api {
    pub name: String,
    pub path: String,
    pub id: String,
    pub payload: Value,
    /// The API's policy document.
    pub policy: String,
    pub policy_id: String,
    pub policy_payload: Value,
}

/// The gateway's managed identity's role on one account.
#[derive(Clone, Debug, PartialEq)]
pub struct RoleAssignment {
    pub account: usize,
    pub role_name: String,
    pub role_id: String,
    pub id: String,
    pub payload: Value,
}

/// A monitoring declaration and everything Charter creates for it.
#[derive(Clone, Debug, PartialEq)]
pub struct MonitoringResources {
    pub monitoring: String,
    pub workloads: Vec<String>,
    pub management: Management,
    pub workspace: String,
    pub resource_group: String,
    pub subscription: Option<String>,
    /// Its resource group in [`Estate::resource_groups`], when Charter creates the workspace.
    pub group: Option<usize>,
    pub workspace_id: String,
    /// The workspace, when Charter creates it.
    pub payload: Option<Value>,
    pub diagnostic_settings: Vec<DiagnosticSetting>,
    pub action_groups: Vec<ActionGroup>,
    pub alerts: Vec<MetricAlert>,
}

/// An account's diagnostic setting, to the workspace.
#[derive(Clone, Debug, PartialEq)]
pub struct DiagnosticSetting {
    pub account: usize,
    pub name: String,
    pub id: String,
    pub payload: Value,
}

/// One workload's action group: its contacts.
#[derive(Clone, Debug, PartialEq)]
pub struct ActionGroup {
    pub workload: String,
    pub name: String,
    pub short_name: String,
    /// The workload's resource group (index into [`Estate::resource_groups`]).
    pub group: usize,
    pub emails: Vec<String>,
    pub id: String,
    pub payload: Value,
}

/// What a metric alert watches.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AlertKind {
    /// Tokens per minute (pay-per-token) or provisioned utilisation against the capacity.
    Usage,
    /// Requests answered with 429.
    Throttling,
}

/// A metric alert on one deployment.
#[derive(Clone, Debug, PartialEq)]
pub struct MetricAlert {
    pub workload: String,
    pub account: usize,
    pub kind: AlertKind,
    pub name: String,
    pub description: String,
    /// The action group (index into [`MonitoringResources::action_groups`]).
    pub action_group: usize,
    pub metric: &'static str,
    pub aggregation: &'static str,
    pub operator: &'static str,
    pub threshold: u64,
    pub window: &'static str,
    pub frequency: &'static str,
    /// Dimension filters: name and the one value included.
    pub dimensions: Vec<(&'static str, String)>,
    pub id: String,
    pub payload: Value,
}

/// The name of the API every gateway exposes.
pub const API_NAME: &str = "azure-openai";
/// The path of that API: callers use `https://<service>.azure-api.net/openai/deployments/...`,
/// the same path as the accounts'.
pub const API_PATH: &str = "openai";

/// The gateways of a project, their accounts taken from the estate.
pub(crate) fn gateways(project: &Project, estate: &mut Estate) -> Vec<GatewayResources> {
    project
        .gateways
        .iter()
        .map(|gateway| gateway_resources(project, estate, gateway))
        .collect()
}

fn gateway_resources(
    project: &Project,
    estate: &mut Estate,
    gateway: &Gateway,
) -> GatewayResources {
    let subscription = names::subscription_placeholder(gateway.subscription.as_deref());
    let group_id = format!(
        "/subscriptions/{subscription}/resourceGroups/{}",
        gateway.resource_group
    );
    let id = format!("{group_id}/providers/{}/{}", types::APIM, gateway.service);
    let group = (gateway.management == Management::Charter).then(|| {
        crate::estate::operations_group(
            estate,
            &gateway.resource_group,
            gateway.subscription.as_deref(),
            &gateway.workloads,
            gateway.regions.first().map(String::as_str),
            project,
            &gateway.name,
        )
    });
    let sku_name = gateway.sku.sku_name().split('_').next().unwrap_or_default();
    let payload = (gateway.management == Management::Charter).then(|| {
        json!({
            "type": types::APIM,
            "name": gateway.service,
            "location": gateway.regions.first().map(|r| names::location(r)),
            "sku": { "name": sku_name, "capacity": 1 },
            "identity": { "type": "SystemAssigned" },
            "properties": {
                "publisherEmail": gateway.publisher,
                "publisherName": gateway.name,
                "additionalLocations": gateway.regions.iter().skip(1).map(|region| json!({
                    "location": names::location(region),
                    "sku": { "name": sku_name, "capacity": 1 }
                })).collect::<Vec<_>>()
            }
        })
    });
    let mut backends = Vec::new();
    let mut pools = Vec::new();
    let mut role_assignments = Vec::new();
    let mut routes: Vec<(String, String)> = Vec::new();
    for workload in project
        .workloads
        .iter()
        .filter(|w| gateway.workloads.contains(&w.name))
    {
        for endpoint in &workload.endpoints {
            let accounts: Vec<usize> = estate
                .accounts
                .iter()
                .enumerate()
                .filter(|(_, a)| a.workload == workload.name && a.endpoint == endpoint.name)
                .map(|(index, _)| index)
                .collect();
            let mut members = Vec::new();
            let mut weights: Vec<u32> = Vec::new();
            for (position, &index) in accounts.iter().enumerate() {
                let account = &estate.accounts[index];
                let role = if endpoint.model.format == "OpenAI" {
                    OPENAI_USER_ROLE
                } else {
                    COGNITIVE_USER_ROLE
                };
                // A business unit's AI Foundry resource holds several endpoints: one role, one
                // backend for all of them.
                let shared = account.foundry.is_some();
                let assigned = shared
                    && role_assignments
                        .iter()
                        .any(|a: &RoleAssignment| estate.accounts[a.account].id == account.id);
                if !assigned {
                    role_assignments.push(RoleAssignment {
                    account: index,
                    role_name: role.0.to_string(),
                    role_id: role.1.to_string(),
                    id: format!(
                        "{}/providers/{}/{{{}}}",
                        account.id,
                        types::ROLE_ASSIGNMENT,
                        gateway.name
                    ),
                    payload: json!({
                        "type": types::ROLE_ASSIGNMENT,
                        "name": format!("{{guid:{}:{}}}", gateway.name, account.name),
                        "properties": {
                            "roleDefinitionId": format!("/providers/Microsoft.Authorization/roleDefinitions/{}", role.1),
                            "principalId": format!("{{principalId:{}}}", gateway.name),
                            "principalType": "ServicePrincipal"
                        }
                    }),
                });
                }
                // A region without a deployment (no capacity) has nothing to route to.
                let Some(deployment) = &account.deployment else {
                    continue;
                };
                let name = backend_name(account);
                backends.push(Backend {
                    account: index,
                    id: format!("{id}/backends/{name}"),
                    payload: backend_payload(&name, account),
                    name: name.clone(),
                });
                let priority = match endpoint.redundancy {
                    Redundancy::ActivePassive if position > 0 => 2,
                    _ => 1,
                };
                members.push((name, priority));
                weights.push(deployment.capacity);
            }
            if members.is_empty() {
                continue;
            }
            let weights = proportional(&weights);
            let members: Vec<(String, u32, u32)> = members
                .into_iter()
                .zip(weights)
                .map(|((name, priority), weight)| (name, priority, weight))
                .collect();
            let name = names::fit(
                &names::slug(&format!("{}-{}-pool", workload.name, endpoint.name)),
                80,
            );
            routes.push((endpoint.name.clone(), name.clone()));
            pools.push(Pool {
                workload: workload.name.clone(),
                endpoint: endpoint.name.clone(),
                id: format!("{id}/backends/{name}"),
                payload: json!({
                    "type": types::APIM_BACKEND,
                    "name": name,
                    "properties": {
                        "description": format!("Endpoint `{}` of workload `{}`, in every region (Charter).", endpoint.name, workload.name),
                        "type": "Pool",
                        "pool": {
                            "services": members.iter().map(|(backend, priority, weight)| json!({
                                "id": format!("/backends/{backend}"),
                                "priority": priority,
                                "weight": weight
                            })).collect::<Vec<_>>()
                        }
                    }
                }),
                name,
                members,
            });
        }
    }
    let largest_pool = pools.iter().map(|p| p.members.len()).max().unwrap_or(1);
    let policy = api_policy(&routes, largest_pool);
    let api_id = format!("{id}/apis/{API_NAME}");
    let api = Api {
        name: API_NAME.to_string(),
        path: API_PATH.to_string(),
        payload: json!({
            "type": types::APIM_API,
            "name": API_NAME,
            "properties": {
                "displayName": "Azure OpenAI",
                "path": API_PATH,
                "protocols": ["https"],
                "subscriptionRequired": true
            }
        }),
        policy_id: format!("{api_id}/policies/policy"),
        policy_payload: json!({
            "type": types::APIM_API_POLICY,
            "name": "policy",
            "properties": { "format": "rawxml", "value": policy }
        }),
        id: api_id,
        policy,
    };
    GatewayResources {
        gateway: gateway.name.clone(),
        workloads: gateway.workloads.clone(),
        management: gateway.management,
        service: gateway.service.clone(),
        resource_group: gateway.resource_group.clone(),
        subscription: gateway.subscription.clone(),
        group,
        id,
        payload,
        primary_region: gateway.regions.first().cloned(),
        additional_regions: gateway.regions.iter().skip(1).cloned().collect(),
        sku: gateway.sku,
        publisher: gateway.publisher.clone(),
        backends,
        pools,
        api,
        role_assignments,
    }
}

/// The name of an account's backend: the account's own name; in a business unit's AI Foundry
/// resource, which holds several deployments, the name and the deployment's, so that each
/// deployment keeps its own circuit breaker.
pub fn backend_name(account: &Account) -> String {
    match (&account.foundry, &account.deployment) {
        (Some(_), Some(deployment)) => names::fit(
            &format!("{}-{}", account.name, names::slug(&deployment.name)),
            80,
        ),
        _ => account.name.clone(),
    }
}

/// The backend of one account: its OpenAI endpoint, and a circuit breaker that opens on the
/// first 429 or server error in a minute and honours the `Retry-After` the account sends.
fn backend_payload(name: &str, account: &Account) -> Value {
    json!({
        "type": types::APIM_BACKEND,
        "name": name,
        "properties": {
            "url": format!("{{endpoint:{}}}openai", account.name),
            "protocol": "http",
            "circuitBreaker": {
                "rules": [{
                    "name": "throttling",
                    "failureCondition": {
                        "count": 1,
                        "interval": "PT1M",
                        "statusCodeRanges": [
                            { "min": 429, "max": 429 },
                            { "min": 500, "max": 599 }
                        ]
                    },
                    "tripDuration": "PT1M",
                    "acceptRetryAfter": true
                }]
            }
        }
    })
}

/// Weights proportional to the capacities, divided by their greatest common divisor (equal
/// capacities weigh 1 each).
pub fn proportional(capacities: &[u32]) -> Vec<u32> {
    fn gcd(a: u32, b: u32) -> u32 {
        if b == 0 {
            a
        } else {
            gcd(b, a % b)
        }
    }
    let divisor = capacities.iter().copied().fold(0, gcd).max(1);
    capacities.iter().map(|c| (c / divisor).max(1)).collect()
}

/// The API's policy: the gateway calls every account with its managed identity (the accounts
/// keep keys disabled), sends each deployment's requests to its endpoint's pool, and retries a
/// 429 or 503 on the pool's next backend.
pub fn api_policy(routes: &[(String, String)], largest_pool: usize) -> String {
    let mut out = String::from("<policies>\n  <inbound>\n    <base />\n");
    out.push_str(&format!(
        "    <authentication-managed-identity resource=\"{COGNITIVE_AUDIENCE}\" />\n"
    ));
    out.push_str("    <choose>\n");
    for (deployment, pool) in routes {
        out.push_str(&format!(
            "      <when condition=\"@(context.Request.MatchedParameters[&quot;deployment-id&quot;] == &quot;{}&quot;)\">\n        <set-backend-service backend-id=\"{}\" />\n      </when>\n",
            xml_escape(deployment),
            xml_escape(pool)
        ));
    }
    out.push_str(
        "      <otherwise>\n        <return-response>\n          <set-status code=\"404\" reason=\"Deployment not routed by this gateway\" />\n        </return-response>\n      </otherwise>\n    </choose>\n  </inbound>\n",
    );
    out.push_str(&format!(
        "  <backend>\n    <retry condition=\"@(context.Response.StatusCode == 429 || context.Response.StatusCode == 503)\" count=\"{}\" interval=\"0\" first-fast-retry=\"true\">\n      <forward-request buffer-request-body=\"true\" />\n    </retry>\n  </backend>\n",
        largest_pool.saturating_sub(1).max(1)
    ));
    out.push_str("  <outbound>\n    <base />\n  </outbound>\n  <on-error>\n    <base />\n  </on-error>\n</policies>\n");
    out
}

fn xml_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The monitoring of a project, its accounts taken from the estate.
pub(crate) fn monitoring(project: &Project, estate: &mut Estate) -> Vec<MonitoringResources> {
    project
        .monitoring
        .iter()
        .map(|monitoring| monitoring_resources(project, estate, monitoring))
        .collect()
}

fn monitoring_resources(
    project: &Project,
    estate: &mut Estate,
    monitoring: &Monitoring,
) -> MonitoringResources {
    let subscription = names::subscription_placeholder(monitoring.subscription.as_deref());
    let workspace_id = format!(
        "/subscriptions/{subscription}/resourceGroups/{}/providers/{}/{}",
        monitoring.resource_group,
        types::WORKSPACE,
        monitoring.workspace
    );
    let charter = monitoring.management == Management::Charter;
    let group = charter.then(|| {
        crate::estate::operations_group(
            estate,
            &monitoring.resource_group,
            monitoring.subscription.as_deref(),
            &monitoring.workloads,
            monitoring.region.as_deref(),
            project,
            &monitoring.name,
        )
    });
    let payload = charter.then(|| {
        json!({
            "type": types::WORKSPACE,
            "name": monitoring.workspace,
            "location": monitoring.region.as_deref().map(names::location),
            "properties": {
                "sku": { "name": "PerGB2018" },
                "retentionInDays": monitoring.retention_days
            }
        })
    });
    let setting_name = names::fit(&names::slug(&format!("charter-{}", monitoring.name)), 64);
    let mut diagnostic_settings = Vec::new();
    let mut action_groups: Vec<ActionGroup> = Vec::new();
    let mut alerts = Vec::new();
    for workload in project
        .workloads
        .iter()
        .filter(|w| monitoring.workloads.contains(&w.name))
    {
        let mut emails: Vec<String> = workload
            .budget
            .as_ref()
            .map(|b| b.contacts.clone())
            .unwrap_or_default();
        for contact in &monitoring.contacts {
            if !emails.contains(contact) {
                emails.push(contact.clone());
            }
        }
        let accounts: Vec<usize> = estate
            .accounts
            .iter()
            .enumerate()
            .filter(|(_, a)| a.workload == workload.name)
            .map(|(index, _)| index)
            .collect();
        let Some(&first) = accounts.first() else {
            continue;
        };
        let group = estate.accounts[first].resource_group;
        let group_id = estate.resource_groups[group].id.clone();
        let name = names::fit(&names::slug(&format!("{}-alerts", workload.name)), 260);
        let short_name: String = names::slug(&workload.name).chars().take(12).collect();
        let action_group_id = format!("{group_id}/providers/{}/{name}", types::ACTION_GROUP);
        action_groups.push(ActionGroup {
            workload: workload.name.clone(),
            payload: json!({
                "type": types::ACTION_GROUP,
                "name": name,
                "location": "global",
                "properties": {
                    "groupShortName": short_name,
                    "enabled": true,
                    "emailReceivers": emails.iter().enumerate().map(|(index, email)| json!({
                        "name": format!("contact-{}", index + 1),
                        "emailAddress": email,
                        "useCommonAlertSchema": true
                    })).collect::<Vec<_>>()
                }
            }),
            name,
            short_name,
            group,
            emails,
            id: action_group_id.clone(),
        });
        let action_group = action_groups.len() - 1;
        for &index in &accounts {
            let account = &estate.accounts[index];
            // A business unit's AI Foundry resource sends its logs once.
            let logged = diagnostic_settings
                .iter()
                .any(|s: &DiagnosticSetting| estate.accounts[s.account].id == account.id);
            if !logged {
                diagnostic_settings.push(DiagnosticSetting {
                    account: index,
                    name: setting_name.clone(),
                    id: format!(
                        "{}/providers/{}/{setting_name}",
                        account.id,
                        types::DIAGNOSTIC_SETTING
                    ),
                    payload: json!({
                        "type": types::DIAGNOSTIC_SETTING,
                        "name": setting_name,
                        "properties": {
                            "workspaceId": workspace_id,
                            "logs": [{ "categoryGroup": "allLogs", "enabled": true }],
                            "metrics": [{ "category": "AllMetrics", "enabled": true }]
                        }
                    }),
                });
            }
            let Some(deployment) = &account.deployment else {
                continue;
            };
            let endpoint = workload
                .endpoints
                .iter()
                .find(|e| e.name == account.endpoint);
            let kind = endpoint.map(|e| e.deployment_type);
            let is_batch = matches!(
                kind,
                Some(DeploymentType::GlobalBatch | DeploymentType::DataZoneBatch)
            );
            let deployment_dimension = ("ModelDeploymentName", deployment.name.clone());
            if !is_batch {
                let provisioned = kind.is_some_and(DeploymentType::is_provisioned);
                let (metric, aggregation, threshold, window, description) = if provisioned {
                    (
                        "AzureOpenAIProvisionedManagedUtilizationV2",
                        "Maximum",
                        u64::from(monitoring.usage_alert_percent),
                        "PT5M",
                        format!(
                            "Deployment `{}` of `{}` in {} uses {}% or more of its {} provisioned throughput units.",
                            deployment.name, workload.name, account.region, monitoring.usage_alert_percent, deployment.capacity
                        ),
                    )
                } else {
                    let tokens_per_minute = u64::from(deployment.capacity) * 1000;
                    (
                        "TokenTransaction",
                        "Total",
                        tokens_per_minute * u64::from(monitoring.usage_alert_percent) / 100,
                        "PT1M",
                        format!(
                            "Deployment `{}` of `{}` in {} processes {}% or more of the {} tokens per minute it was given.",
                            deployment.name, workload.name, account.region, monitoring.usage_alert_percent, tokens_per_minute
                        ),
                    )
                };
                alerts.push(metric_alert(
                    (account, index),
                    &group_id,
                    AlertKind::Usage,
                    (metric, aggregation, "GreaterThanOrEqual", threshold),
                    (window, "PT1M"),
                    vec![deployment_dimension.clone()],
                    description,
                    (action_group, &action_group_id),
                ));
            }
            alerts.push(metric_alert(
                (account, index),
                &group_id,
                AlertKind::Throttling,
                (
                    "AzureOpenAIRequests",
                    "Total",
                    "GreaterThanOrEqual",
                    u64::from(monitoring.throttling_alert),
                ),
                ("PT5M", "PT1M"),
                vec![deployment_dimension, ("StatusCode", "429".to_string())],
                format!(
                    "Deployment `{}` of `{}` in {} answered {} or more requests with 429 (too many requests) in five minutes.",
                    deployment.name, workload.name, account.region, monitoring.throttling_alert
                ),
                (action_group, &action_group_id),
            ));
        }
    }
    MonitoringResources {
        monitoring: monitoring.name.clone(),
        workloads: monitoring.workloads.clone(),
        management: monitoring.management,
        workspace: monitoring.workspace.clone(),
        resource_group: monitoring.resource_group.clone(),
        subscription: monitoring.subscription.clone(),
        group,
        workspace_id,
        payload,
        diagnostic_settings,
        action_groups,
        alerts,
    }
}

#[expect(
    clippy::too_many_arguments,
    reason = "an alert is its account, metric, timing, dimensions, words and action group"
)]
fn metric_alert(
    (account, index): (&Account, usize),
    group_id: &str,
    kind: AlertKind,
    (metric, aggregation, operator, threshold): (&'static str, &'static str, &'static str, u64),
    (window, frequency): (&'static str, &'static str),
    dimensions: Vec<(&'static str, String)>,
    description: String,
    (action_group, action_group_id): (usize, &str),
) -> MetricAlert {
    let suffix = match kind {
        AlertKind::Usage => "usage",
        AlertKind::Throttling => "throttling",
    };
    // In a business unit's AI Foundry resource, one alert per deployment.
    let name = match (&account.foundry, &account.deployment) {
        (Some(_), Some(deployment)) => names::fit(
            &format!(
                "{}-{}-{suffix}",
                account.name,
                names::slug(&deployment.name)
            ),
            260,
        ),
        _ => names::fit(&format!("{}-{suffix}", account.name), 260),
    };
    let payload = json!({
        "type": types::METRIC_ALERT,
        "name": name,
        "location": "global",
        "properties": {
            "description": description,
            "severity": 2,
            "enabled": true,
            "scopes": [account.id],
            "evaluationFrequency": frequency,
            "windowSize": window,
            "criteria": {
                "odata.type": "Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria",
                "allOf": [{
                    "criterionType": "StaticThresholdCriterion",
                    "name": suffix,
                    "metricNamespace": METRIC_NAMESPACE,
                    "metricName": metric,
                    "timeAggregation": aggregation,
                    "operator": operator,
                    "threshold": threshold,
                    "dimensions": dimensions.iter().map(|(name, value)| json!({
                        "name": name, "operator": "Include", "values": [value]
                    })).collect::<Vec<_>>()
                }]
            },
            "actions": [{ "actionGroupId": action_group_id }]
        }
    });
    MetricAlert {
        workload: account.workload.clone(),
        account: index,
        kind,
        id: format!("{group_id}/providers/{}/{name}", types::METRIC_ALERT),
        name,
        description,
        action_group,
        metric,
        aggregation,
        operator,
        threshold,
        window,
        frequency,
        dimensions,
        payload,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weights_are_proportional_to_capacity() {
        assert_eq!(proportional(&[60, 60]), vec![1, 1]);
        assert_eq!(proportional(&[120, 40]), vec![3, 1]);
        assert_eq!(proportional(&[50, 15]), vec![10, 3]);
        assert_eq!(proportional(&[]), Vec::<u32>::new());
    }

    #[test]
    fn the_policy_routes_each_deployment_to_its_pool_and_retries_across_it() {
        let policy = api_policy(&[("chat".to_string(), "support-chat-pool".to_string())], 3);
        assert!(policy.contains(
            "authentication-managed-identity resource=\"https://cognitiveservices.azure.com\""
        ));
        assert!(policy.contains("&quot;chat&quot;"));
        assert!(policy.contains("backend-id=\"support-chat-pool\""));
        assert!(policy.contains("count=\"2\""));
    }
}

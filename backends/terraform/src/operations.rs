//! `gateways.tf` and `monitoring.tf`: the operations part of the estate
//! ([`charter_governance::operations`]) as Terraform.
//!
//! azurerm 4.79 writes the API Management service, its backends (with their circuit breakers),
//! its API and policy, the role assignments, the workspace, diagnostic settings, action groups
//! and metric alerts; AzAPI writes the backend pool, which azurerm 4.79's
//! `azurerm_api_management_backend` cannot declare (it has no `pool` block), and reads a
//! service another team created.

use charter_governance::estate::{self, Estate};
use charter_governance::operations::{
    self, GatewayResources, MonitoringResources, APIM_POOL_API_VERSION, APIM_READ_API_VERSION,
};
use serde_json::Value;

use crate::context::{Context, DEFAULT_SUBSCRIPTION};
use crate::hcl::{Block, Body, Expr, TemplatePart};
use crate::names::{endpoint_region, identifier, resource_group_address};

/// The public OpenAPI description of Azure OpenAI's inference API (stable 2024-10-21) that the
/// gateway's API imports, so that it knows the operations and their `deployment-id` parameter.
pub const INFERENCE_SPEC: &str = "https://raw.githubusercontent.com/Azure/azure-rest-api-specs/main/specification/cognitiveservices/data-plane/AzureOpenAI/inference/stable/2024-10-21/inference.json";

/// The body of `gateways.tf`, or `None` when the project declares no gateway.
pub(crate) fn gateways_file(context: &mut Context<'_>, estate: &Estate) -> Option<String> {
    if estate.gateways.is_empty() {
        return None;
    }
    let mut file = Body::new();
    for gateway in &estate.gateways {
        gateway_blocks(context, estate, gateway, &mut file);
    }
    Some(file.to_file())
}

/// The body of `monitoring.tf`, or `None` when the project declares no monitoring.
pub(crate) fn monitoring_file(context: &mut Context<'_>, estate: &Estate) -> Option<String> {
    if estate.monitoring.is_empty() {
        return None;
    }
    let mut file = Body::new();
    for monitoring in &estate.monitoring {
        monitoring_blocks(context, estate, monitoring, &mut file);
    }
    Some(file.to_file())
}

/// The Terraform address of an account of the estate.
fn account_address(estate: &Estate, index: usize) -> String {
    let account = &estate.accounts[index];
    match account.foundry {
        Some(foundry) => {
            let foundry = &estate.foundry[foundry];
            crate::foundry::account_address(&foundry.business_unit, &foundry.region)
        }
        None => endpoint_region(&account.workload, &account.endpoint, &account.region),
    }
}

fn gateway_blocks(
    context: &mut Context<'_>,
    estate: &Estate,
    gateway: &GatewayResources,
    file: &mut Body,
) {
    let me = identifier(&gateway.gateway);
    let provider = context.provider_for(gateway.subscription.as_deref());
    let workloads: Vec<String> = gateway.workloads.iter().map(|w| format!("`{w}`")).collect();
    file.comment(&format!(
        "Gateway `{}`: API Management `{}` in front of {}. Callers use \
         https://{}.azure-api.net/{}/deployments/<endpoint>/...; each endpoint's requests go to \
         its pool of regional backends.",
        gateway.gateway,
        gateway.service,
        workloads.join(", "),
        gateway.service,
        operations::API_PATH
    ));
    // What the other resources refer to the service by.
    let (service_name, group_name, service_id, principal) = match (&gateway.payload, gateway.group)
    {
        (Some(payload), Some(group)) => {
            let group = &estate.resource_groups[group];
            let group_address = resource_group_address(&group.name, group.subscription.as_deref());
            let mut body = Body::new();
            if let Some(provider) = &provider {
                body.raw("provider", provider.as_str());
            }
            body.string("name", &gateway.service)
                .string("location", payload["location"].as_str().unwrap_or_default())
                .raw(
                    "resource_group_name",
                    format!("azurerm_resource_group.{group_address}.name"),
                )
                .string("publisher_name", &gateway.gateway)
                .string(
                    "publisher_email",
                    gateway.publisher.as_deref().unwrap_or_default(),
                )
                .string("sku_name", gateway.sku.sku_name());
            let mut identity = Body::new();
            identity.string("type", "SystemAssigned");
            body.block(Block::new("identity", &[], identity));
            for region in &gateway.additional_regions {
                let mut location = Body::new();
                location.string("location", &charter_governance::names::location(region));
                body.block(Block::new("additional_location", &[], location));
            }
            file.block(Block::new(
                "resource",
                &["azurerm_api_management", &me],
                body,
            ));
            (
                format!("azurerm_api_management.{me}.name"),
                format!("azurerm_api_management.{me}.resource_group_name"),
                format!("azurerm_api_management.{me}.id"),
                format!("azurerm_api_management.{me}.identity[0].principal_id"),
            )
        }
        _ => {
            let data = format!("{me}__service");
            let mut body = Body::new();
            body.comment(
                "Created by another team: read for its id and its system-assigned managed \
                 identity, which must be enabled.",
            );
            body.string(
                "type",
                &format!("{}@{APIM_READ_API_VERSION}", operations::types::APIM),
            )
            .attribute("resource_id", service_arm_id(context, gateway));
            file.block(Block::new("data", &["azapi_resource", &data], body));
            (
                quoted(&gateway.service),
                quoted(&gateway.resource_group),
                format!("data.azapi_resource.{data}.id"),
                format!("data.azapi_resource.{data}.identity[0].principal_id"),
            )
        }
    };

    for backend in &gateway.backends {
        let account = account_address(estate, backend.account);
        let mut body = Body::new();
        if let Some(provider) = &provider {
            body.raw("provider", provider.as_str());
        }
        body.string("name", &backend.name)
            .raw("api_management_name", service_name.clone())
            .raw("resource_group_name", group_name.clone())
            .string("protocol", "http")
            .raw(
                "url",
                format!("\"${{azurerm_cognitive_account.{account}.endpoint}}openai\""),
            );
        let rule = &backend.payload["properties"]["circuitBreaker"]["rules"][0];
        let mut breaker = Body::new();
        breaker
            .string("name", rule["name"].as_str().unwrap_or_default())
            .string(
                "trip_duration",
                rule["tripDuration"].as_str().unwrap_or_default(),
            )
            .raw(
                "accept_retry_after_enabled",
                rule["acceptRetryAfter"]
                    .as_bool()
                    .unwrap_or(true)
                    .to_string(),
            );
        let condition = &rule["failureCondition"];
        let mut failure = Body::new();
        failure.raw("count", condition["count"].to_string()).string(
            "interval_duration",
            condition["interval"].as_str().unwrap_or_default(),
        );
        for range in condition["statusCodeRanges"]
            .as_array()
            .into_iter()
            .flatten()
        {
            let mut codes = Body::new();
            codes
                .raw("min", range["min"].to_string())
                .raw("max", range["max"].to_string());
            failure.block(Block::new("status_code_range", &[], codes));
        }
        breaker.block(Block::new("failure_condition", &[], failure));
        body.block(Block::new("circuit_breaker_rule", &[], breaker));
        file.block(Block::new(
            "resource",
            &[
                "azurerm_api_management_backend",
                &format!("{me}__{}", identifier(&backend.name)),
            ],
            body,
        ));
    }

    for pool in &gateway.pools {
        let mut body = Body::new();
        body.comment(
            "A load-balanced pool, which azurerm 4.79 cannot declare. Schema validation is off: \
             the REST specification requires `url` and `protocol`, which Azure rejects on a \
             pool (Azure/azure-rest-api-specs#35713).",
        );
        body.string(
            "type",
            &format!(
                "{}@{APIM_POOL_API_VERSION}",
                operations::types::APIM_BACKEND
            ),
        )
        .string("name", &pool.name)
        .raw("parent_id", service_id.clone())
        .raw("schema_validation_enabled", "false")
        .attribute("body", body_of(&pool.payload));
        let depends: Vec<Expr> = pool
            .members
            .iter()
            .map(|(backend, _, _)| {
                Expr::Raw(format!(
                    "azurerm_api_management_backend.{me}__{}",
                    identifier(backend)
                ))
            })
            .collect();
        body.attribute("depends_on", Expr::List(depends));
        file.block(Block::new(
            "resource",
            &[
                "azapi_resource",
                &format!("{me}__{}", identifier(&pool.name)),
            ],
            body,
        ));
    }

    let mut body = Body::new();
    if let Some(provider) = &provider {
        body.raw("provider", provider.as_str());
    }
    body.string("name", &gateway.api.name)
        .raw("api_management_name", service_name.clone())
        .raw("resource_group_name", group_name.clone())
        .string("revision", "1")
        .string("display_name", "Azure OpenAI")
        .string("path", &gateway.api.path)
        .attribute("protocols", Expr::strings(&["https"]))
        .raw("subscription_required", "true");
    let mut import = Body::new();
    import
        .string("content_format", "openapi+json-link")
        .string("content_value", INFERENCE_SPEC);
    body.block(Block::new("import", &[], import));
    file.block(Block::new(
        "resource",
        &["azurerm_api_management_api", &me],
        body,
    ));

    let mut body = Body::new();
    if let Some(provider) = &provider {
        body.raw("provider", provider.as_str());
    }
    body.raw("api_name", format!("azurerm_api_management_api.{me}.name"))
        .raw("api_management_name", service_name)
        .raw("resource_group_name", group_name)
        .attribute("xml_content", Expr::Heredoc(gateway.api.policy.clone()));
    let depends: Vec<Expr> = gateway
        .pools
        .iter()
        .map(|pool| Expr::Raw(format!("azapi_resource.{me}__{}", identifier(&pool.name))))
        .collect();
    if !depends.is_empty() {
        body.attribute("depends_on", Expr::List(depends));
    }
    file.block(Block::new(
        "resource",
        &["azurerm_api_management_api_policy", &me],
        body,
    ));

    for assignment in &gateway.role_assignments {
        let account = account_address(estate, assignment.account);
        let group = &estate.resource_groups[estate.accounts[assignment.account].resource_group];
        let provider = context.provider_for(group.subscription.as_deref());
        let mut body = Body::new();
        if let Some(provider) = &provider {
            body.raw("provider", provider.as_str());
        }
        body.comment(&format!(
            "The gateway calls the account with its managed identity; the account's keys stay \
             disabled. Role id {}.",
            assignment.role_id
        ));
        body.raw("scope", format!("azurerm_cognitive_account.{account}.id"))
            .string("role_definition_name", &assignment.role_name)
            .raw("principal_id", principal.clone())
            .string("principal_type", "ServicePrincipal");
        file.block(Block::new(
            "resource",
            &[
                "azurerm_role_assignment",
                &format!(
                    "{me}__{}",
                    identifier(&estate.accounts[assignment.account].name)
                ),
            ],
            body,
        ));
    }
}

/// The ARM id of a service another team created, with its subscription filled in.
fn service_arm_id(context: &mut Context<'_>, gateway: &GatewayResources) -> Expr {
    let subscription = match gateway.subscription.as_deref() {
        Some(subscription) => context.subscription(subscription),
        None => TemplatePart::Interpolation(format!("var.{DEFAULT_SUBSCRIPTION}")),
    };
    Expr::Template(vec![
        TemplatePart::Text("/subscriptions/".into()),
        subscription,
        TemplatePart::Text(format!(
            "/resourceGroups/{}/providers/{}/{}",
            gateway.resource_group,
            operations::types::APIM,
            gateway.service
        )),
    ])
}

fn quoted(text: &str) -> String {
    crate::hcl::quote(text)
}

/// The `body` of an AzAPI resource: the payload without `type` and `name`.
fn body_of(payload: &Value) -> Expr {
    match payload.as_object() {
        Some(map) => Expr::Map(
            map.iter()
                .filter(|(key, _)| !matches!(key.as_str(), "type" | "name"))
                .map(|(key, value)| (key.clone(), Expr::from_json(value)))
                .collect(),
        ),
        None => Expr::from_json(payload),
    }
}

fn monitoring_blocks(
    context: &mut Context<'_>,
    estate: &Estate,
    monitoring: &MonitoringResources,
    file: &mut Body,
) {
    let me = identifier(&monitoring.monitoring);
    let workloads: Vec<String> = monitoring
        .workloads
        .iter()
        .map(|w| format!("`{w}`"))
        .collect();
    file.comment(&format!(
        "Monitoring `{}`: Log Analytics workspace `{}` for {}; diagnostic settings on every AI \
         account, and alerts per deployment to each workload's action group.",
        monitoring.monitoring,
        monitoring.workspace,
        if workloads.is_empty() {
            "no workload".to_string()
        } else {
            workloads.join(", ")
        }
    ));
    let workspace_id: Expr = match (&monitoring.payload, monitoring.group) {
        (Some(payload), Some(group)) => {
            let group = &estate.resource_groups[group];
            let group_address = resource_group_address(&group.name, group.subscription.as_deref());
            let provider = context.provider_for(group.subscription.as_deref());
            let mut body = Body::new();
            if let Some(provider) = &provider {
                body.raw("provider", provider.as_str());
            }
            body.string("name", &monitoring.workspace)
                .string("location", payload["location"].as_str().unwrap_or_default())
                .raw(
                    "resource_group_name",
                    format!("azurerm_resource_group.{group_address}.name"),
                )
                .string(
                    "sku",
                    payload["properties"]["sku"]["name"]
                        .as_str()
                        .unwrap_or_default(),
                )
                .raw(
                    "retention_in_days",
                    payload["properties"]["retentionInDays"].to_string(),
                );
            file.block(Block::new(
                "resource",
                &["azurerm_log_analytics_workspace", &me],
                body,
            ));
            Expr::Raw(format!("azurerm_log_analytics_workspace.{me}.id"))
        }
        _ => {
            // Created by another team: its id, with the subscription filled in.
            let subscription = match monitoring.subscription.as_deref() {
                Some(subscription) => context.subscription(subscription),
                None => TemplatePart::Interpolation(format!("var.{DEFAULT_SUBSCRIPTION}")),
            };
            Expr::Template(vec![
                TemplatePart::Text("/subscriptions/".into()),
                subscription,
                TemplatePart::Text(format!(
                    "/resourceGroups/{}/providers/{}/{}",
                    monitoring.resource_group,
                    operations::types::WORKSPACE,
                    monitoring.workspace
                )),
            ])
        }
    };

    for setting in &monitoring.diagnostic_settings {
        let account = account_address(estate, setting.account);
        let group = &estate.resource_groups[estate.accounts[setting.account].resource_group];
        let provider = context.provider_for(group.subscription.as_deref());
        let mut body = Body::new();
        if let Some(provider) = &provider {
            body.raw("provider", provider.as_str());
        }
        body.string("name", &setting.name)
            .raw(
                "target_resource_id",
                format!("azurerm_cognitive_account.{account}.id"),
            )
            .attribute("log_analytics_workspace_id", workspace_id.clone());
        let mut logs = Body::new();
        logs.string("category_group", "allLogs");
        body.block(Block::new("enabled_log", &[], logs));
        let mut metrics = Body::new();
        metrics.string("category", "AllMetrics");
        body.block(Block::new("enabled_metric", &[], metrics));
        file.block(Block::new(
            "resource",
            &[
                "azurerm_monitor_diagnostic_setting",
                &format!(
                    "{me}__{}",
                    identifier(&estate.accounts[setting.account].name)
                ),
            ],
            body,
        ));
    }

    for group in &monitoring.action_groups {
        let resource_group = &estate.resource_groups[group.group];
        let group_address =
            resource_group_address(&resource_group.name, resource_group.subscription.as_deref());
        let provider = context.provider_for(resource_group.subscription.as_deref());
        let mut body = Body::new();
        if let Some(provider) = &provider {
            body.raw("provider", provider.as_str());
        }
        body.comment(&format!(
            "The contacts of workload `{}`: its budget's and the monitoring block's.",
            group.workload
        ));
        body.string("name", &group.name)
            .raw(
                "resource_group_name",
                format!("azurerm_resource_group.{group_address}.name"),
            )
            .string("short_name", &group.short_name);
        for (index, email) in group.emails.iter().enumerate() {
            let mut receiver = Body::new();
            receiver
                .string("name", &format!("contact-{}", index + 1))
                .string("email_address", email)
                .raw("use_common_alert_schema", "true");
            body.block(Block::new("email_receiver", &[], receiver));
        }
        file.block(Block::new(
            "resource",
            &[
                "azurerm_monitor_action_group",
                &format!("{me}__{}", identifier(&group.name)),
            ],
            body,
        ));
    }

    for alert in &monitoring.alerts {
        let account = account_address(estate, alert.account);
        let resource_group = &estate.resource_groups[estate.accounts[alert.account].resource_group];
        let group_address =
            resource_group_address(&resource_group.name, resource_group.subscription.as_deref());
        let provider = context.provider_for(resource_group.subscription.as_deref());
        let action_group = &monitoring.action_groups[alert.action_group];
        let mut body = Body::new();
        if let Some(provider) = &provider {
            body.raw("provider", provider.as_str());
        }
        body.string("name", &alert.name)
            .raw(
                "resource_group_name",
                format!("azurerm_resource_group.{group_address}.name"),
            )
            .attribute(
                "scopes",
                Expr::List(vec![Expr::Raw(format!(
                    "azurerm_cognitive_account.{account}.id"
                ))]),
            )
            .string("description", &alert.description)
            .raw("severity", "2")
            .string("frequency", alert.frequency)
            .string("window_size", alert.window);
        let mut criteria = Body::new();
        criteria
            .string("metric_namespace", operations::METRIC_NAMESPACE)
            .string("metric_name", alert.metric)
            .string("aggregation", alert.aggregation)
            .string("operator", alert.operator)
            .raw("threshold", alert.threshold.to_string());
        for (name, value) in &alert.dimensions {
            let mut dimension = Body::new();
            dimension
                .string("name", name)
                .string("operator", "Include")
                .attribute("values", Expr::strings(&[value]));
            criteria.block(Block::new("dimension", &[], dimension));
        }
        body.block(Block::new("criteria", &[], criteria));
        let mut action = Body::new();
        action.raw(
            "action_group_id",
            format!(
                "azurerm_monitor_action_group.{me}__{}.id",
                identifier(&action_group.name)
            ),
        );
        body.block(Block::new("action", &[], action));
        file.block(Block::new(
            "resource",
            &[
                "azurerm_monitor_metric_alert",
                &format!("{me}__{}", identifier(&alert.name)),
            ],
            body,
        ));
    }
}

/// The action group a monitored workload's budget notifies, when there is one.
pub(crate) fn budget_action_group(estate: &Estate, workload: &str) -> Option<String> {
    estate.monitoring.iter().find_map(|monitoring| {
        monitoring
            .action_groups
            .iter()
            .find(|group| group.workload == workload)
            .map(|group| {
                format!(
                    "azurerm_monitor_action_group.{}__{}.id",
                    identifier(&monitoring.monitoring),
                    identifier(&group.name)
                )
            })
    })
}

/// The address of a resource of a `gateway` or `monitoring` declaration.
pub(crate) fn address(resource: &estate::EstateResource<'_>, declaration: &str) -> String {
    use operations::types;
    let me = identifier(declaration);
    let payload_type = resource.payload["type"].as_str().unwrap_or_default();
    let payload_name = resource.payload["name"].as_str().unwrap_or_default();
    // The account a resource sits on, from its id (`…/accounts/<name>/providers/…`).
    let account = || {
        resource
            .id
            .split("/accounts/")
            .nth(1)
            .and_then(|rest| rest.split('/').next())
            .unwrap_or_default()
            .to_string()
    };
    match payload_type {
        types::APIM => format!("azurerm_api_management.{me}"),
        types::APIM_BACKEND if resource.payload["properties"]["type"] == "Pool" => {
            format!("azapi_resource.{me}__{}", identifier(payload_name))
        }
        types::APIM_BACKEND => format!(
            "azurerm_api_management_backend.{me}__{}",
            identifier(payload_name)
        ),
        types::APIM_API => format!("azurerm_api_management_api.{me}"),
        types::APIM_API_POLICY => format!("azurerm_api_management_api_policy.{me}"),
        types::ROLE_ASSIGNMENT => {
            format!("azurerm_role_assignment.{me}__{}", identifier(&account()))
        }
        types::WORKSPACE => format!("azurerm_log_analytics_workspace.{me}"),
        types::DIAGNOSTIC_SETTING => {
            format!(
                "azurerm_monitor_diagnostic_setting.{me}__{}",
                identifier(&account())
            )
        }
        types::ACTION_GROUP => format!(
            "azurerm_monitor_action_group.{me}__{}",
            identifier(payload_name)
        ),
        _ => format!(
            "azurerm_monitor_metric_alert.{me}__{}",
            identifier(payload_name)
        ),
    }
}

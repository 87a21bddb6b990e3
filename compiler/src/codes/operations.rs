//! Operations (E11xx): how endpoints are reached (gateways), watched (monitoring and alerts) and
//! kept running through a regional outage (continuity).

use charter_syntax::diagnostic::sanitize;
use charter_syntax::{Code, CodeInfo, Diagnostic, Severity, Span};

/// The clean example most entries point to: a workload routed by a two-region gateway and
/// monitored, kept as a fixture so that the fixture tests check that it compiles clean.
const FIXED_OPERATIONS: &str = include_str!("../../tests/fixtures/ok_operations.charter");

/// E1102: two endpoints behind one gateway share a deployment name.
pub const DEPLOYMENT_NAME_CLASH: Code = "E1102";
/// E1103: a gateway region outside a routed workload's data zone.
pub const GATEWAY_OUTSIDE_DATA_ZONE: Code = "E1103";
/// E1104: a single-region gateway for a production active-active workload.
pub const SINGLE_REGION_GATEWAY: Code = "E1104";
/// E1105: a multi-region gateway on a single-region tier.
pub const TIER_ONE_REGION: Code = "E1105";
/// E1106: a gateway Charter creates without a publisher.
pub const GATEWAY_WITHOUT_PUBLISHER: Code = "E1106";
/// E1107: a workload routed by two gateways.
pub const ROUTED_TWICE: Code = "E1107";
/// E1111: a workspace Charter creates without a region.
pub const WORKSPACE_WITHOUT_REGION: Code = "E1111";
/// E1112: workspace retention out of range.
pub const RETENTION_OUT_OF_RANGE: Code = "E1112";
/// E1113: a workload monitored twice.
pub const MONITORED_TWICE: Code = "E1113";
/// E1114: alerts that notify nobody.
pub const ALERTS_NOTIFY_NOBODY: Code = "E1114";
/// E1115: usage alert threshold out of range.
pub const USAGE_ALERT_OUT_OF_RANGE: Code = "E1115";
/// E1121: a standby region in its primary's failure domain.
pub const STANDBY_SAME_FAILURE_DOMAIN: Code = "E1121";
/// E1122: a fine-tuned model served from a region without a copy of it.
pub const FINE_TUNED_WITHOUT_COPY: Code = "E1122";

/// The smallest retention a Log Analytics workspace takes, in days.
pub const MIN_RETENTION_DAYS: u32 = 30;
/// The largest retention a Log Analytics workspace takes, in days.
pub const MAX_RETENTION_DAYS: u32 = 730;

/// The codes of this group, in code order, for `charter explain` and `docs/errors.md`.
pub const CODES: &[CodeInfo] = &[
    CodeInfo {
        code: DEPLOYMENT_NAME_CLASH,
        severity: Severity::Error,
        title: "two endpoints behind one gateway share a deployment name",
        explanation: r#"A gateway routes a request by the deployment name in its path (`/openai/deployments/NAME/...`). Charter names every region's deployment after its endpoint, so the name is the same in every region, which is what failover needs; but two routed endpoints with the same name would share one route, and callers of one would reach the other. Rename one endpoint, or route the workloads through separate gateways."#,
        failing_example: include_str!("../../tests/fixtures/E1102.charter"),
        fixed_example: FIXED_OPERATIONS,
    },
    CodeInfo {
        code: GATEWAY_OUTSIDE_DATA_ZONE,
        severity: Severity::Error,
        title: "gateway region outside a routed workload's data zone",
        explanation: r#"The gateway sees every prompt and completion it forwards. A workload that keeps its data in a data zone cannot be routed through a gateway in a region outside that zone: the traffic would leave the zone (Azure Architecture Center, "Use a gateway in front of multiple Azure OpenAI deployments": a gateway spanning a geopolitical boundary does not meet data sovereignty requirements)."#,
        failing_example: include_str!("../../tests/fixtures/E1103.charter"),
        fixed_example: FIXED_OPERATIONS,
    },
    CodeInfo {
        code: SINGLE_REGION_GATEWAY,
        severity: Severity::Warning,
        title: "single-region gateway for a production active-active workload",
        explanation: r#"A production workload spreads an endpoint over regions (`redundancy active_active`), but the gateway in front of it runs in one region: when that region fails, every region's deployment is unreachable. The Azure Architecture Center calls this "a global single point of regional failure". Run the gateway in a second region (API Management Premium additional locations)."#,
        failing_example: include_str!("../../tests/fixtures/E1104.charter"),
        fixed_example: FIXED_OPERATIONS,
    },
    CodeInfo {
        code: TIER_ONE_REGION,
        severity: Severity::Error,
        title: "multi-region gateway on a single-region tier",
        explanation: r#"Only the API Management Premium tier runs gateways in additional regions. A gateway with more than one region must use `sku: premium` (the default when it lists several regions)."#,
        failing_example: include_str!("../../tests/fixtures/E1105.charter"),
        fixed_example: FIXED_OPERATIONS,
    },
    CodeInfo {
        code: GATEWAY_WITHOUT_PUBLISHER,
        severity: Severity::Error,
        title: "gateway without a publisher",
        explanation: r#"Azure requires a publisher e-mail address on every API Management service it creates. Give the gateway `publisher: "team@example.com"`, or declare `managed: external` when the service exists already."#,
        failing_example: include_str!("../../tests/fixtures/E1106.charter"),
        fixed_example: FIXED_OPERATIONS,
    },
    CodeInfo {
        code: ROUTED_TWICE,
        severity: Severity::Error,
        title: "workload routed by two gateways",
        explanation: r#"Each workload's endpoints get one backend pool and one managed identity with access to its accounts. Two gateways would compete for the same callers and double the identities with access; route each workload through one gateway (a gateway can run in several regions)."#,
        failing_example: include_str!("../../tests/fixtures/E1107.charter"),
        fixed_example: FIXED_OPERATIONS,
    },
    CodeInfo {
        code: WORKSPACE_WITHOUT_REGION,
        severity: Severity::Error,
        title: "workspace without a region",
        explanation: r#"Charter creates the Log Analytics workspace of a `monitoring` block (unless it says `managed: external`), and Azure needs to know where. Give it `region: "..."`, ideally one of the monitored workloads' regions."#,
        failing_example: include_str!("../../tests/fixtures/E1111.charter"),
        fixed_example: FIXED_OPERATIONS,
    },
    CodeInfo {
        code: RETENTION_OUT_OF_RANGE,
        severity: Severity::Error,
        title: "workspace retention out of range",
        explanation: r#"A Log Analytics workspace keeps data between 30 and 730 days (azurerm's `retention_in_days`)."#,
        failing_example: include_str!("../../tests/fixtures/E1112.charter"),
        fixed_example: FIXED_OPERATIONS,
    },
    CodeInfo {
        code: MONITORED_TWICE,
        severity: Severity::Error,
        title: "workload monitored twice",
        explanation: r#"A workload's accounts send their logs to one workspace, declared once: either in a `monitoring` block that lists it in `covers`, or in the one without `covers`, which takes every workload. Two `monitoring` blocks that both cover a workload would give its accounts two diagnostic settings and its deployments two sets of alerts."#,
        failing_example: include_str!("../../tests/fixtures/E1113.charter"),
        fixed_example: FIXED_OPERATIONS,
    },
    CodeInfo {
        code: ALERTS_NOTIFY_NOBODY,
        severity: Severity::Warning,
        title: "alerts notify nobody",
        explanation: r#"A monitored workload's alerts go to an action group of its contacts: the `notify` list of its budget and of the `monitoring` block. With neither, the action group has no receiver and the alerts fire unseen."#,
        failing_example: include_str!("../../tests/fixtures/E1114.charter"),
        fixed_example: FIXED_OPERATIONS,
    },
    CodeInfo {
        code: USAGE_ALERT_OUT_OF_RANGE,
        severity: Severity::Error,
        title: "usage alert threshold out of range",
        explanation: r#"`usage_alert_at` is the share of a deployment's capacity (its tokens per minute, or its provisioned throughput) at which to alert: between 1% and 100%."#,
        failing_example: include_str!("../../tests/fixtures/E1115.charter"),
        fixed_example: FIXED_OPERATIONS,
    },
    CodeInfo {
        code: STANDBY_SAME_FAILURE_DOMAIN,
        severity: Severity::Warning,
        title: "standby region in its primary's failure domain",
        explanation: r#"A redundant endpoint's other region is in the same place as its primary (the region catalog's `location`: East US and East US 2 are both in Virginia), so an outage of that area can take both. Choose a region elsewhere; the warning suggests the primary's paired region when it is open to everyone, in the workload's data zone and offers the model."#,
        failing_example: include_str!("../../tests/fixtures/E1121.charter"),
        fixed_example: FIXED_OPERATIONS,
    },
    CodeInfo {
        code: FINE_TUNED_WITHOUT_COPY,
        severity: Severity::Warning,
        title: "fine-tuned model served from a region without a copy",
        explanation: r#"A redundant endpoint serves a fine-tuned model, and the model has no copy in one of the endpoint's regions (the fine-tuned model's `copies_in`). A fine-tuned model lives in the account that trained it: if that region fails, a region without a copy cannot deploy or scale the model until it is copied or trained again. Copy the model to every region that serves it (Azure OpenAI's model copy), and list them in `copies_in`."#,
        failing_example: include_str!("../../tests/fixtures/E1122.charter"),
        fixed_example: include_str!("../../tests/fixtures/ok_fine_tuned_copies.charter"),
    },
];

/// E1102: endpoint `name`, at `span`, has the name of another endpoint (at `first`) behind
/// gateway `gateway`.
pub(crate) fn deployment_name_clash(
    name: &str,
    span: Span,
    first: Span,
    gateway: &str,
) -> Diagnostic {
    Diagnostic::error(
        DEPLOYMENT_NAME_CLASH,
        format!(
            "two endpoints named `{}` are behind gateway `{}`",
            sanitize(name),
            sanitize(gateway)
        ),
        span,
        "same deployment name",
    )
    .with_secondary(first, "the other endpoint")
    .with_note(
        "the gateway routes by deployment name, and each endpoint's deployments are named after it",
    )
    .with_help("rename one of the endpoints, or route the workloads through separate gateways")
}

/// E1103: gateway region `region`, at `span`, is outside the data zone `zone` of workload
/// `workload`, stated at `zone_span`.
pub(crate) fn gateway_outside_data_zone(
    (region, span): (&str, Span),
    workload: &str,
    zone: &str,
    zone_span: Span,
) -> Diagnostic {
    Diagnostic::error(
        GATEWAY_OUTSIDE_DATA_ZONE,
        format!(
            "gateway region `{}` is outside the `{zone}` data zone of workload `{}`",
            sanitize(region),
            sanitize(workload)
        ),
        span,
        "the workload's traffic would leave its data zone here",
    )
    .with_secondary(zone_span, "the workload's data zone")
    .with_help(format!(
        "run the gateway in regions of the `{zone}` data zone, or route this workload through another gateway"
    ))
}

/// E1104 (a warning): gateway regions at `span` (one region) in front of the active-active
/// endpoint `endpoint` of production workload `workload`.
pub(crate) fn single_region_gateway(
    span: Span,
    workload: &str,
    endpoint: &str,
    endpoint_span: Span,
) -> Diagnostic {
    Diagnostic::warning(
        SINGLE_REGION_GATEWAY,
        format!(
            "a single-region gateway is a single point of failure for production workload `{}`",
            sanitize(workload)
        ),
        span,
        "one region",
    )
    .with_secondary(endpoint_span, format!("`{}` is active-active", sanitize(endpoint)))
    .with_help("add a second gateway region (API Management Premium runs gateways in additional locations)")
}

/// E1105: `sku`, at `span`, for a gateway with `regions` regions (listed at `regions_span`).
pub(crate) fn tier_one_region(
    sku: &str,
    span: Span,
    regions: usize,
    regions_span: Span,
) -> Diagnostic {
    Diagnostic::error(
        TIER_ONE_REGION,
        format!("API Management `{sku}` runs in one region, but the gateway lists {regions}"),
        span,
        "single-region tier",
    )
    .with_secondary(regions_span, "several regions")
    .with_help("use `sku: premium`, or list one region")
    .with_fix("use `premium`", span, "premium")
}

/// E1106: gateway `name` (declared at `span`) without `publisher`.
pub(crate) fn gateway_without_publisher(name: &str, span: Span) -> Diagnostic {
    Diagnostic::error(
        GATEWAY_WITHOUT_PUBLISHER,
        format!("gateway `{}` has no publisher", sanitize(name)),
        span,
        "Charter creates this API Management service",
    )
    .with_help("add `publisher: \"team@example.com\"`, or `managed: external` when the service exists already")
}

/// E1107: workload `workload`, at `span`, routed again (first routed at `first`).
pub(crate) fn routed_twice(workload: &str, span: Span, first: Span) -> Diagnostic {
    Diagnostic::error(
        ROUTED_TWICE,
        format!(
            "workload `{}` is routed by two gateways",
            sanitize(workload)
        ),
        span,
        "routed again here",
    )
    .with_secondary(first, "first routed here")
    .with_help("route each workload through one gateway; give that gateway more regions instead")
}

/// E1111: monitoring `name` (declared at `span`) without `region`.
pub(crate) fn workspace_without_region(name: &str, span: Span) -> Diagnostic {
    Diagnostic::error(
        WORKSPACE_WITHOUT_REGION,
        format!(
            "the workspace of monitoring `{}` has no region",
            sanitize(name)
        ),
        span,
        "Charter creates this workspace",
    )
    .with_help(
        "add `region: \"...\"` (a region of the monitored workloads), or `managed: external`",
    )
}

/// E1112: retention of `days` days, at `span`.
pub(crate) fn retention_out_of_range(days: u32, span: Span) -> Diagnostic {
    let fixed = days.clamp(MIN_RETENTION_DAYS, MAX_RETENTION_DAYS);
    Diagnostic::error(
        RETENTION_OUT_OF_RANGE,
        format!(
            "a workspace keeps data {MIN_RETENTION_DAYS} to {MAX_RETENTION_DAYS} days, not {days}"
        ),
        span,
        "out of range",
    )
    .with_fix(format!("use {fixed} days"), span, format!("{fixed} days"))
}

/// E1113: workload `workload` (at `span`) also covered by monitoring `first` (declared at
/// `first_span`).
pub(crate) fn monitored_twice(
    workload: &str,
    span: Span,
    first: &str,
    first_span: Span,
) -> Diagnostic {
    Diagnostic::error(
        MONITORED_TWICE,
        format!(
            "workload `{}` is already monitored by `{}`",
            sanitize(workload),
            sanitize(first)
        ),
        span,
        "monitored again here",
    )
    .with_secondary(first_span, "first monitored here")
    .with_help("cover each workload in one `monitoring` block (a block without `covers` takes every workload)")
}

/// E1114 (a warning): workload `workload`, declared at `span`, monitored by `monitoring` (at
/// `monitoring_span`) with no contact.
pub(crate) fn alerts_notify_nobody(
    workload: &str,
    span: Span,
    monitoring: &str,
    monitoring_span: Span,
) -> Diagnostic {
    Diagnostic::warning(
        ALERTS_NOTIFY_NOBODY,
        format!("the alerts of workload `{}` notify nobody", sanitize(workload)),
        span,
        "no budget contacts",
    )
    .with_secondary(monitoring_span, format!("`{}` has no `notify` list", sanitize(monitoring)))
    .with_help("add `notify [\"...\"]` to the workload's budget, or `notify: [\"...\"]` to the monitoring block")
}

/// E1115: usage alert at `percent`%, at `span`.
pub(crate) fn usage_alert_out_of_range(percent: u32, span: Span) -> Diagnostic {
    Diagnostic::error(
        USAGE_ALERT_OUT_OF_RANGE,
        format!("a usage alert is a share of the capacity between 1% and 100%, not {percent}%"),
        span,
        "out of range",
    )
    .with_fix("alert at 80%", span, "80%")
}

/// E1121 (a warning): standby `region`, at `span`, at the same `location` as the primary
/// `primary` (at `primary_span`); `better` is the primary's pair when it suits.
pub(crate) fn standby_same_failure_domain(
    (region, span): (&str, Span),
    (primary, primary_span): (&str, Span),
    location: &str,
    better: Option<&str>,
) -> Diagnostic {
    let diagnostic = Diagnostic::warning(
        STANDBY_SAME_FAILURE_DOMAIN,
        format!(
            "region `{}` shares a failure domain with the primary `{}` ({})",
            sanitize(region),
            sanitize(primary),
            sanitize(location)
        ),
        span,
        "same location as the primary",
    )
    .with_secondary(primary_span, "the primary");
    match better {
        Some(pair) => diagnostic
            .with_help(format!(
                "use the primary's paired region `{}`, which is elsewhere",
                sanitize(pair)
            ))
            .with_fix(
                format!("use `{}`", sanitize(pair)),
                span,
                format!("\"{pair}\""),
            ),
        None => diagnostic.with_help("choose a region in another location"),
    }
}

/// E1122 (a warning): region `region`, at `span`, serves fine-tuned model `model` (declared at
/// `model_span`) without a copy.
pub(crate) fn fine_tuned_without_copy(
    (region, span): (&str, Span),
    model: &str,
    model_span: Span,
) -> Diagnostic {
    Diagnostic::warning(
        FINE_TUNED_WITHOUT_COPY,
        format!(
            "region `{}` serves fine-tuned model `{}` but has no copy of it",
            sanitize(region),
            sanitize(model)
        ),
        span,
        "no copy here",
    )
    .with_secondary(model_span, "the fine-tuned model")
    .with_note("in an outage of the training region, this region could not deploy the model without retraining it")
    .with_help(format!(
        "copy the model to an account in `{}` and add the region to the model's `copies_in`",
        sanitize(region)
    ))
}

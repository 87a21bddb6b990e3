//! AI Foundry structure (E1208-E1212): a business unit owns one AI Foundry resource, its use
//! cases (workloads) are projects in it, and no AI account is shared across business units.

use charter_syntax::diagnostic::sanitize;
use charter_syntax::{Code, CodeInfo, Diagnostic, Severity, Span};

/// E1208: an endpoint of one business unit serves an app of another business unit's workload.
pub const SHARED_ACROSS_BUSINESS_UNITS: Code = "E1208";
/// E1209: a workload without a business unit, under a policy that requires one.
pub const NO_BUSINESS_UNIT: Code = "E1209";
/// E1210: workloads of one business unit governed by different policies.
pub const MIXED_POLICIES: Code = "E1210";
/// E1211: workloads of one business unit managed by different groups.
pub const MIXED_MANAGERS: Code = "E1211";
/// E1212: two endpoints of one business unit with the same name in one region.
pub const DEPLOYMENT_NAME_TAKEN: Code = "E1212";

/// Two use cases of one business unit, each a project in its Foundry resource.
const FIXED: &str = r#"policy guardrails {
  scope: subscription("prod")
  business_units: required
}

business_unit customer_service {
  resource_group: "rg-foundry-customer-service"
}

workload support {
  governed_by: guardrails
  environment: prod
  resource_group: "rg-support"
  business_unit: customer_service
  apps: [chat_web]
  endpoint chat {
    model "gpt-5.6-sol" version "2026-07-09"
    deployment: data_zone_standard capacity 10
    filter: std.filters.default
    regions: ["swedencentral"]
    serves: [chat_web]
  }
}

workload returns {
  governed_by: guardrails
  environment: prod
  resource_group: "rg-returns"
  business_unit: customer_service
  endpoint triage {
    model "gpt-5.6-sol" version "2026-07-09"
    deployment: data_zone_standard capacity 10
    filter: std.filters.default
    regions: ["swedencentral"]
  }
}
"#;

/// The codes of this group, in code order, for `charter explain` and `docs/errors.md`.
pub const CODES: &[CodeInfo] = &[
    CodeInfo {
        code: SHARED_ACROSS_BUSINESS_UNITS,
        severity: Severity::Error,
        title: "AI account shared across business units",
        explanation: r#"Microsoft's guidance gives each business unit its own AI Foundry resource, with a project per use case, rather than one resource shared across business units: the resource is where access, networking, quota, content filters and cost are set, so sharing it would mix two business units' governance and bills. An endpoint lives in its workload's business unit's resource; serving an app of a workload in another business unit would share that resource across business units. Give the other business unit its own endpoint (in its own resource), or move the workload into the same business unit."#,
        failing_example: include_str!("../../tests/fixtures/E1208.charter"),
        fixed_example: FIXED,
    },
    CodeInfo {
        code: NO_BUSINESS_UNIT,
        severity: Severity::Error,
        title: "workload without a business unit",
        explanation: r#"The workload's policy says `business_units: required`: every workload it governs is a use case of a business unit, deployed as a project in that business unit's AI Foundry resource. A workload without `business_unit:` would get AI accounts of its own, outside the structure. Add `business_unit: NAME`, naming a `business_unit NAME { ... }` declaration."#,
        failing_example: include_str!("../../tests/fixtures/E1209.charter"),
        fixed_example: FIXED,
    },
    CodeInfo {
        code: MIXED_POLICIES,
        severity: Severity::Error,
        title: "business unit governed by different policies",
        explanation: r#"The workloads of a business unit share its AI Foundry resource, whose settings (local authentication, the ownership tag) come from the governing policy: one resource cannot follow two policies. Govern every workload of the business unit with one policy, or split the business unit."#,
        failing_example: include_str!("../../tests/fixtures/E1210.charter"),
        fixed_example: FIXED,
    },
    CodeInfo {
        code: MIXED_MANAGERS,
        severity: Severity::Error,
        title: "business unit managed by different groups",
        explanation: r#"A business unit's workloads share its AI Foundry resource, so the group that deploys and configures one workload's AI resources can change the others' too: Charter gives the managing group its roles on the business unit's resource group. Two workloads managed by different groups would each give their group write access to the other's deployments. Let one group manage every workload of the business unit (its team, or the central team), or put the workloads in different business units."#,
        failing_example: include_str!("../../tests/fixtures/E1211.charter"),
        fixed_example: FIXED,
    },
    CodeInfo {
        code: DEPLOYMENT_NAME_TAKEN,
        severity: Severity::Error,
        title: "two endpoints of a business unit share a name in one region",
        explanation: r#"An endpoint is a model deployment named after it, and the endpoints of a business unit are deployed in its AI Foundry resource, one per region: two endpoints with the same name in the same region would be one deployment. Rename one of them."#,
        failing_example: include_str!("../../tests/fixtures/E1212.charter"),
        fixed_example: FIXED,
    },
];

/// E1208: endpoint `endpoint` of workload `workload` (business unit `unit`) serves app `app`
/// (at `span`) of workload `owner`, in business unit `other_unit`.
pub(crate) fn shared_across_business_units(
    (endpoint, workload, unit): (&str, &str, &str),
    (app, span): (&str, Span),
    (owner, other_unit, owner_span): (&str, &str, Span),
) -> Diagnostic {
    Diagnostic::error(
        SHARED_ACROSS_BUSINESS_UNITS,
        format!(
            "endpoint `{}` of business unit `{}` serves app `{}` of business unit `{}`",
            sanitize(endpoint),
            sanitize(unit),
            sanitize(app),
            sanitize(other_unit)
        ),
        span,
        format!(
            "an app of workload `{}`, in business unit `{}`",
            sanitize(owner),
            sanitize(other_unit)
        ),
    )
    .with_secondary(owner_span, format!("workload `{}`", sanitize(owner)))
    .with_note(format!(
        "endpoint `{}` is deployed in the AI Foundry resource of business unit `{}` (workload `{}`); \
         the guidance gives each business unit its own resource, never one shared across business units",
        sanitize(endpoint),
        sanitize(unit),
        sanitize(workload)
    ))
    .with_help(format!(
        "declare an endpoint for app `{}` in workload `{}`",
        sanitize(app),
        sanitize(owner)
    ))
}

/// E1209: workload `workload` (at `span`) has no business unit, and policy `policy` requires
/// one at `required_span`.
pub(crate) fn no_business_unit(
    workload: &str,
    span: Span,
    policy: &str,
    required_span: Span,
    units: &[&str],
) -> Diagnostic {
    let diagnostic = Diagnostic::error(
        NO_BUSINESS_UNIT,
        format!(
            "workload `{}` names no business unit, and policy `{}` requires one",
            sanitize(workload),
            sanitize(policy)
        ),
        span,
        "no `business_unit:`",
    )
    .with_secondary(required_span, "required here");
    match units {
        [] => diagnostic
            .with_help("declare `business_unit NAME { resource_group: \"...\" }` and add `business_unit: NAME` to the workload"),
        [only] => diagnostic.with_help(format!(
            "add `business_unit: {}` to the workload",
            sanitize(only)
        )),
        _ => {
            let listing: Vec<String> = units
                .iter()
                .map(|unit| format!("`{}`", sanitize(unit)))
                .collect();
            diagnostic.with_help(format!(
                "add `business_unit:` naming one of {}",
                listing.join(", ")
            ))
        }
    }
}

/// E1210: workload `workload` (at `span`) of business unit `unit` is governed by `policy`,
/// while `first` (at `first_span`) is governed by `first_policy`.
pub(crate) fn mixed_policies(
    unit: &str,
    (workload, policy, span): (&str, &str, Span),
    (first, first_policy, first_span): (&str, &str, Span),
) -> Diagnostic {
    Diagnostic::error(
        MIXED_POLICIES,
        format!(
            "business unit `{}` is governed by two policies: `{}` and `{}`",
            sanitize(unit),
            sanitize(first_policy),
            sanitize(policy)
        ),
        span,
        format!(
            "workload `{}` is governed by `{}`",
            sanitize(workload),
            sanitize(policy)
        ),
    )
    .with_secondary(
        first_span,
        format!(
            "workload `{}` is governed by `{}`",
            sanitize(first),
            sanitize(first_policy)
        ),
    )
    .with_help(
        "govern every workload of the business unit with one policy, or split the business unit",
    )
}

/// E1211: workload `workload` (at `span`) of business unit `unit` is managed by `manager`,
/// while `first` (at `first_span`) is managed by `first_manager` (both in words).
pub(crate) fn mixed_managers(
    unit: &str,
    (workload, manager, span): (&str, &str, Span),
    (first, first_manager, first_span): (&str, &str, Span),
) -> Diagnostic {
    Diagnostic::error(
        MIXED_MANAGERS,
        format!(
            "business unit `{}` is managed by two groups: workloads `{}` and `{}` share its AI Foundry resource",
            sanitize(unit),
            sanitize(first),
            sanitize(workload)
        ),
        span,
        format!("managed by {manager}"),
    )
    .with_secondary(first_span, format!("managed by {first_manager}"))
    .with_help(
        "let one group manage every workload of the business unit, or put the workloads in different business units",
    )
}

/// E1212: endpoint `endpoint` of workload `workload` (at `span`) has the name of an endpoint of
/// workload `first` (at `first_span`) in business unit `unit`, region `region`.
pub(crate) fn deployment_name_taken(
    (unit, region): (&str, &str),
    (endpoint, workload, span): (&str, &str, Span),
    (first, first_span): (&str, Span),
) -> Diagnostic {
    Diagnostic::error(
        DEPLOYMENT_NAME_TAKEN,
        format!(
            "business unit `{}` already has an endpoint `{}` in {}",
            sanitize(unit),
            sanitize(endpoint),
            sanitize(region)
        ),
        span,
        format!(
            "endpoint of workload `{}`, deployed as `{}` in the business unit's resource",
            sanitize(workload),
            sanitize(endpoint)
        ),
    )
    .with_secondary(
        first_span,
        format!("endpoint of workload `{}`", sanitize(first)),
    )
    .with_help("rename one of the endpoints")
}

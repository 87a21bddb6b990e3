//! Policy violations (E04xx): what a workload deploys that the policy governing it does not allow.

use charter_ir::DeploymentType;
use charter_syntax::diagnostic::sanitize;
use charter_syntax::{Code, CodeInfo, Diagnostic, Severity, Span};

use crate::codes::filters::{actual_word, describe};
use crate::model::Weakness;

/// E0401: model not allowed by the policy.
pub const MODEL_NOT_ALLOWED: Code = "E0401";
/// E0402: region not allowed by the policy.
pub const REGION_NOT_ALLOWED: Code = "E0402";
/// E0403: capacity over the policy's cap.
pub const CAPACITY_OVER_CAP: Code = "E0403";
/// E0404: filter weaker than the policy's minimum.
pub const FILTER_BELOW_MINIMUM: Code = "E0404";
/// E0405: deployment type not allowed by the policy.
pub const DEPLOYMENT_TYPE_NOT_ALLOWED: Code = "E0405";
/// E0406: provisioned capacity not capped.
pub const PROVISIONED_NOT_CAPPED: Code = "E0406";

/// The codes of this group, in code order, for `charter explain` and `docs/errors.md`.
pub const CODES: &[CodeInfo] = &[
    CodeInfo {
        code: MODEL_NOT_ALLOWED,
        severity: Severity::Error,
        title: "model not allowed by the policy",
        explanation: r#"The workload's endpoint deploys a model, or a version, that its governing policy does not allow in its `models` block. Azure Policy would deny the deployment; Charter reports it before it is attempted."#,
        failing_example: include_str!("../../tests/fixtures/E0401.charter"),
        fixed_example: r#"policy guardrails {
  scope: subscription("prod")
  models {
    allow "gpt-5.6-sol" versions ["2026-07-09"]
  }
}

workload support {
  governed_by: guardrails
  environment: prod
  resource_group: "rg-support"

  endpoint chat {
    model "gpt-5.6-sol" version "2026-07-09"
    deployment: global_standard capacity 10
    filter: std.filters.default
    regions: ["swedencentral"]
  }
}
"#,
    },
    CodeInfo {
        code: REGION_NOT_ALLOWED,
        severity: Severity::Error,
        title: "region not allowed by the policy",
        explanation: r#"The endpoint lists a region that its governing policy's `regions` does not include."#,
        failing_example: include_str!("../../tests/fixtures/E0402.charter"),
        fixed_example: r#"policy guardrails {
  scope: subscription("prod")
  regions: ["swedencentral", "westeurope"]
}

workload support {
  governed_by: guardrails
  environment: prod
  resource_group: "rg-support"

  endpoint chat {
    model "gpt-5.6-sol" version "2026-07-09"
    deployment: global_standard capacity 10
    filter: std.filters.default
    regions: ["swedencentral"]
  }
}
"#,
    },
    CodeInfo {
        code: CAPACITY_OVER_CAP,
        severity: Severity::Error,
        title: "capacity over the policy's cap",
        explanation: r#"A deployment's capacity is larger than the governing policy's `max_capacity`. For `redundancy active_passive` the standby capacity is checked too: the standby region gets a deployment of its own."#,
        failing_example: include_str!("../../tests/fixtures/E0403.charter"),
        fixed_example: r#"policy guardrails {
  scope: subscription("prod")
  max_capacity: 50 units
}

workload support {
  governed_by: guardrails
  environment: prod
  resource_group: "rg-support"

  endpoint chat {
    model "gpt-5.6-sol" version "2026-07-09"
    deployment: global_standard capacity 10
    filter: std.filters.default
    regions: ["swedencentral"]
  }
}
"#,
    },
    CodeInfo {
        code: FILTER_BELOW_MINIMUM,
        severity: Severity::Error,
        title: "filter weaker than the policy's minimum",
        explanation: r#"The endpoint's content filter is less strict than the governing policy's `filters: at_least` minimum in at least one category. The message names the first such category, its side and both levels; notes list the others."#,
        failing_example: include_str!("../../tests/fixtures/E0404.charter"),
        fixed_example: r#"filter lenient {
  prompt {
    hate: medium, sexual: medium, violence: medium, self_harm: medium
    jailbreak: block, indirect_attack: off
  }
  completion {
    hate: medium, sexual: medium, violence: medium, self_harm: medium
    protected_material_text: block, protected_material_code: annotate
  }
}

policy guardrails {
  scope: subscription("prod")
  filters: at_least std.filters.default
}

workload support {
  governed_by: guardrails
  environment: prod
  resource_group: "rg-support"

  endpoint chat {
    model "gpt-5.6-sol" version "2026-07-09"
    deployment: global_standard capacity 10
    filter: lenient
    regions: ["swedencentral"]
  }
}
"#,
    },
    CodeInfo {
        code: DEPLOYMENT_TYPE_NOT_ALLOWED,
        severity: Severity::Error,
        title: "deployment type not allowed by the policy",
        explanation: r#"The endpoint's deployment type is not in the governing policy's `deployment_types`. The policy's initiative denies deployments of other SKUs; global types in particular process requests in any Azure region."#,
        failing_example: include_str!("../../tests/fixtures/E0405.charter"),
        fixed_example: r#"policy guardrails {
  scope: subscription("prod")
  deployment_types: [data_zone_standard]
}

workload support {
  governed_by: guardrails
  environment: prod
  resource_group: "rg-support"

  endpoint chat {
    model "gpt-5.6-sol" version "2026-07-09"
    deployment: data_zone_standard capacity 10
    filter: std.filters.default
    regions: ["swedencentral"]
  }
}
"#,
    },
    CodeInfo {
        code: PROVISIONED_NOT_CAPPED,
        severity: Severity::Warning,
        title: "provisioned capacity not capped",
        explanation: r#"The governing policy caps pay-per-token capacity (`max_capacity`, in units of 1,000 tokens per minute) but not provisioned throughput, and the endpoint is a provisioned deployment. PTUs are a different unit with a different price, so `max_capacity` does not cap them: add `max_provisioned`."#,
        failing_example: include_str!("../../tests/fixtures/E0406.charter"),
        fixed_example: r#"policy guardrails {
  scope: subscription("prod")
  max_capacity: 100 units
  max_provisioned: 50 units
}

workload support {
  governed_by: guardrails
  environment: prod
  resource_group: "rg-support"

  endpoint chat {
    model "gpt-5.5" version "2026-04-24"
    deployment: data_zone_provisioned capacity 50
    filter: std.filters.default
    regions: ["eastus2"]
  }
}
"#,
    },
];

/// Backticked, sanitised and joined with `, `: `` `a`, `b` ``.
fn listing<'a>(names: impl IntoIterator<Item = &'a str>) -> String {
    names
        .into_iter()
        .map(|name| format!("`{}`", sanitize(name)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// E0401 for a model: `model`, at `span`, is not among `allowed`, the models policy `policy`
/// allows in its `models` block (keyword at `models_span`).
pub(crate) fn model_not_allowed(
    (model, span): (&str, Span),
    policy: &str,
    allowed: &[&str],
    models_span: Span,
) -> Diagnostic {
    let (model, policy) = (sanitize(model), sanitize(policy));
    Diagnostic::error(
        MODEL_NOT_ALLOWED,
        format!("model `{model}` is not allowed by policy `{policy}`"),
        span,
        "not allowed",
    )
    .with_help(if allowed.is_empty() {
        format!("policy `{policy}` allows no models; add `allow \"{model}\"` to its `models` block")
    } else {
        format!(
            "use an allowed model ({}), or allow this one in the policy",
            listing(allowed.iter().copied())
        )
    })
    .with_secondary(models_span, format!("the models `{policy}` allows"))
}

/// E0401 for a version: `version` of `model`, at `span`, is not among `allowed`, the versions
/// the policy's `allow` (at `allow_span`) lists.
pub(crate) fn version_not_allowed(
    (version, span): (&str, Span),
    model: &str,
    policy: &str,
    allowed: &[&str],
    allow_span: Span,
) -> Diagnostic {
    let diagnostic = Diagnostic::error(
        MODEL_NOT_ALLOWED,
        format!(
            "version `{}` of `{}` is not allowed by policy `{}`",
            sanitize(version),
            sanitize(model),
            sanitize(policy)
        ),
        span,
        "not allowed",
    )
    .with_secondary(allow_span, "the versions the policy allows")
    .with_help(format!(
        "use an allowed version: {}",
        listing(allowed.iter().copied())
    ));
    match allowed {
        [only] => diagnostic.with_fix(
            format!("use version `{}`", sanitize(only)),
            span,
            format!("\"{only}\""),
        ),
        _ => diagnostic,
    }
}

/// E0402: region `region`, at `span`, is not among `allowed`, the regions policy `policy`
/// lists at `regions_span`.
pub(crate) fn region_not_allowed(
    (region, span): (&str, Span),
    policy: &str,
    allowed: &[&str],
    regions_span: Span,
) -> Diagnostic {
    Diagnostic::error(
        REGION_NOT_ALLOWED,
        format!(
            "region `{}` is not allowed by policy `{}`",
            sanitize(region),
            sanitize(policy)
        ),
        span,
        "not allowed",
    )
    .with_help(format!(
        "use an allowed region: {}",
        listing(allowed.iter().copied())
    ))
    .with_secondary(regions_span, "the regions the policy allows")
}

/// E0405: deployment type `kind`, at `span`, is not among `allowed`, the types policy `policy`
/// lists at `types_span`.
pub(crate) fn deployment_type_not_allowed(
    (kind, span): (DeploymentType, Span),
    policy: &str,
    allowed: &[DeploymentType],
    types_span: Span,
) -> Diagnostic {
    let policy = sanitize(policy);
    let diagnostic = Diagnostic::error(
        DEPLOYMENT_TYPE_NOT_ALLOWED,
        format!(
            "deployment type `{}` is not allowed by policy `{policy}`",
            kind.charter_name()
        ),
        span,
        "not allowed",
    )
    .with_secondary(types_span, "the deployment types the policy allows")
    .with_help(if allowed.is_empty() {
        format!(
            "policy `{policy}` allows no deployment type; add `{}` to its `deployment_types`",
            kind.charter_name()
        )
    } else {
        format!(
            "use an allowed deployment type ({}), or allow this one in the policy",
            listing(allowed.iter().map(|t| t.charter_name()))
        )
    });
    match allowed {
        [only] => diagnostic.with_fix(
            format!("use `{}`", only.charter_name()),
            span,
            only.charter_name(),
        ),
        _ => diagnostic,
    }
}

/// A policy's cap on capacity: its value, its unit (`units` or `PTUs`), the field that sets
/// it (`max_capacity`), where, and the policy's name.
pub(crate) struct Cap<'a> {
    pub cap: u32,
    pub unit: &'a str,
    pub field: &'a str,
    pub span: Span,
    pub policy: &'a str,
}

/// E0403 for a deployment's capacity, `capacity` at `span`, over `cap`.
pub(crate) fn capacity_over_cap(capacity: u32, span: Span, cap: &Cap<'_>) -> Diagnostic {
    let Cap {
        cap,
        unit,
        field,
        span: cap_span,
        policy,
    } = *cap;
    Diagnostic::error(
        CAPACITY_OVER_CAP,
        format!(
            "capacity {capacity} is over the cap of {cap} {unit} set by policy `{}`",
            sanitize(policy)
        ),
        span,
        format!("{capacity} {unit}"),
    )
    .with_secondary(cap_span, "the cap")
    .with_help(format!(
        "use at most {cap} {unit} per deployment, or raise the policy's `{field}`"
    ))
    .with_fix(format!("use capacity {cap}"), span, cap.to_string())
}

/// E0403 for the standby deployment's capacity, `standby` at `span`, over `cap`.
pub(crate) fn standby_over_cap(standby: u32, span: Span, cap: &Cap<'_>) -> Diagnostic {
    let Cap {
        cap,
        unit,
        span: cap_span,
        policy,
        ..
    } = *cap;
    Diagnostic::error(
        CAPACITY_OVER_CAP,
        format!(
            "standby capacity {standby} is over the cap of {cap} {unit} set by policy `{}`",
            sanitize(policy)
        ),
        span,
        format!("{standby} {unit}"),
    )
    .with_secondary(cap_span, "the cap")
    .with_help(format!(
        "the standby deployment is a deployment too: use at most {cap} {unit}"
    ))
    .with_fix(format!("use standby {cap}"), span, cap.to_string())
}

/// E0406 (a warning): a provisioned deployment of `capacity` PTUs, at `span`, under policy
/// `policy`, which caps pay-per-token capacity at `token_cap_span` but not provisioned
/// throughput.
pub(crate) fn provisioned_not_capped(
    policy: &str,
    capacity: u32,
    span: Span,
    token_cap_span: Span,
) -> Diagnostic {
    Diagnostic::warning(
        PROVISIONED_NOT_CAPPED,
        format!(
            "policy `{}` caps pay-per-token capacity but not provisioned throughput",
            sanitize(policy)
        ),
        span,
        format!("{capacity} PTUs, uncapped"),
    )
    .with_secondary(token_cap_span, "caps only pay-per-token deployments")
    .with_note("`max_capacity` counts units of 1,000 tokens per minute; provisioned deployments count provisioned throughput units (PTUs), which cost far more each")
    .with_help("add `max_provisioned: N units` to the policy to cap provisioned deployments too")
}

/// E0404: the endpoint's filter `filter` (at `span`) is weaker than `minimum`, the minimum of
/// policy `policy` (stated at `minimum_span`), in each of the ways `weaker` lists (at least
/// one).
pub(crate) fn filter_below_minimum(
    (filter, span): (&str, Span),
    policy: &str,
    (minimum, minimum_span): (&str, Option<Span>),
    weaker: &[Weakness],
) -> Option<Diagnostic> {
    let first = weaker.first()?;
    let (filter, policy, minimum) = (sanitize(filter), sanitize(policy), sanitize(minimum));
    let mut diagnostic = Diagnostic::error(
        FILTER_BELOW_MINIMUM,
        format!(
            "filter `{filter}` is weaker than policy `{policy}` requires: {}",
            describe(first, "the minimum is", "the minimum"),
        ),
        span,
        format!("weaker than `{minimum}`"),
    )
    .with_help(format!(
        "use a filter at least as strict as `{minimum}` (for example `{minimum}` itself, or one that extends it)"
    ));
    if let Some(span) = first.span() {
        diagnostic = diagnostic.with_secondary(
            span,
            format!("`{filter}` sets `{}` here", actual_word(first)),
        );
    }
    if let Weakness::Blocklist { required_at, .. } = first {
        diagnostic =
            diagnostic.with_secondary(*required_at, format!("`{minimum}` applies it here"));
    }
    if let Some(span) = minimum_span {
        diagnostic = diagnostic.with_secondary(span, "the policy's minimum");
    }
    for other in &weaker[1..] {
        diagnostic = diagnostic.with_note(format!(
            "also weaker: {}",
            describe(other, "the minimum is", "the minimum")
        ));
    }
    Some(diagnostic)
}

//! Sharing, redundancy and environments (E06xx): endpoints shared between apps and workloads, regions, data zones and standby.

use super::FIXED_ENDPOINT;
use charter_ir::{DataZone, DeploymentType, Redundancy};
use charter_syntax::diagnostic::sanitize;
use charter_syntax::{Code, CodeInfo, Diagnostic, Severity, Span};

use crate::catalog::RegionDataZone;

/// E0601: endpoint serves an app of another workload.
pub const SERVES_OTHER_WORKLOAD: Code = "E0601";
/// E0602: endpoint serves apps with different filters.
pub const SERVES_DIFFERENT_FILTERS: Code = "E0602";
/// E0603: redundancy with fewer than two regions.
pub const REDUNDANCY_ONE_REGION: Code = "E0603";
/// E0604: region outside the workload's data zone.
pub const OUTSIDE_DATA_ZONE: Code = "E0604";
/// E0605: data-zone deployment across data zones.
pub const ACROSS_DATA_ZONES: Code = "E0605";
/// E0606: sandbox and non-sandbox mixed.
pub const SANDBOX_MIXED: Code = "E0606";
/// E0607: `standby` without `active_passive`.
pub const STANDBY_WITHOUT_ACTIVE_PASSIVE: Code = "E0607";
/// E0608: global deployment in a data-zone workload.
pub const GLOBAL_IN_DATA_ZONE: Code = "E0608";
/// E0609: region listed twice.
pub const REGION_TWICE: Code = "E0609";

/// The codes of this group, in code order, for `charter explain` and `docs/errors.md`.
pub const CODES: &[CodeInfo] = &[
    CodeInfo {
        code: SERVES_OTHER_WORKLOAD,
        severity: Severity::Error,
        title: "endpoint serves an app of another workload",
        explanation: r#"An endpoint serves an app that another workload declares. The guidance: share an AI endpoint only within one workload, so quotas, costs and content filters stay with the team that governs them."#,
        failing_example: include_str!("../../tests/fixtures/E0601.charter"),
        fixed_example: r#"policy guardrails {
  scope: subscription("prod")
}

workload support {
  governed_by: guardrails
  environment: prod
  resource_group: "rg-support"
  apps: [web]

  endpoint chat {
    model "gpt-5.6-sol" version "2026-07-09"
    deployment: global_standard capacity 10
    filter: std.filters.default
    regions: ["swedencentral"]
    serves: [web]
  }
}

workload billing {
  governed_by: guardrails
  environment: prod
  resource_group: "rg-billing"
  apps: [billing_bot]
}
"#,
    },
    CodeInfo {
        code: SERVES_DIFFERENT_FILTERS,
        severity: Severity::Error,
        title: "endpoint serves apps with different filters",
        explanation: r#"An endpoint serves apps whose required content filters differ. One endpoint has one filter, so one of the apps would get governance it did not ask for: give each group of apps its own endpoint."#,
        failing_example: include_str!("../../tests/fixtures/E0602.charter"),
        fixed_example: r#"policy guardrails {
  scope: subscription("prod")
}

workload support {
  governed_by: guardrails
  environment: prod
  resource_group: "rg-support"
  app web {
    filter: std.filters.strict
  }
  app agent {
    filter: std.filters.default
  }

  endpoint chat {
    model "gpt-5.6-sol" version "2026-07-09"
    deployment: global_standard capacity 10
    filter: std.filters.strict
    regions: ["swedencentral"]
    serves: [web]
  }
}
"#,
    },
    CodeInfo {
        code: REDUNDANCY_ONE_REGION,
        severity: Severity::Error,
        title: "redundancy with fewer than two regions",
        explanation: r#"`redundancy active_passive` or `active_active` needs at least two distinct regions to fail over between."#,
        failing_example: include_str!("../../tests/fixtures/E0603.charter"),
        fixed_example: r#"policy guardrails {
  scope: subscription("prod")
}

workload support {
  governed_by: guardrails
  environment: prod
  resource_group: "rg-support"

  endpoint chat {
    model "gpt-5.6-sol" version "2026-07-09"
    deployment: global_standard capacity 10
    filter: std.filters.default
    regions: ["swedencentral", "westeurope"] redundancy active_active
  }
}
"#,
    },
    CodeInfo {
        code: OUTSIDE_DATA_ZONE,
        severity: Severity::Error,
        title: "region outside the workload's data zone",
        explanation: r#"The workload declares a `data_zone`, and one of its endpoints lists a region outside it (by the region catalog's data zones). Data would leave the zone the workload promised to stay in."#,
        failing_example: include_str!("../../tests/fixtures/E0604.charter"),
        fixed_example: r#"policy guardrails {
  scope: subscription("prod")
}

workload support {
  governed_by: guardrails
  environment: prod
  resource_group: "rg-support"
  data_zone: eu

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
        code: ACROSS_DATA_ZONES,
        severity: Severity::Error,
        title: "data-zone deployment across data zones",
        explanation: r#"A `data_zone_*` deployment type keeps processing inside one data zone, so all its regions must belong to the same data zone, and each must belong to one."#,
        failing_example: include_str!("../../tests/fixtures/E0605.charter"),
        fixed_example: r#"policy guardrails {
  scope: subscription("prod")
}

workload support {
  governed_by: guardrails
  environment: prod
  resource_group: "rg-support"

  endpoint chat {
    model "gpt-5.6-sol" version "2026-07-09"
    deployment: data_zone_standard capacity 10
    filter: std.filters.default
    regions: ["swedencentral", "westeurope"]
  }
}
"#,
    },
    CodeInfo {
        code: SANDBOX_MIXED,
        severity: Severity::Error,
        title: "sandbox and non-sandbox mixed",
        explanation: r#"A sandbox endpoint serves an app of another environment, or a dev/test/prod endpoint serves a sandbox app. Keep sandbox experimentation apart from everything that is promoted through quality gates."#,
        failing_example: include_str!("../../tests/fixtures/E0606.charter"),
        fixed_example: r#"policy guardrails {
  scope: subscription("prod")
}

workload support {
  governed_by: guardrails
  environment: prod
  resource_group: "rg-support"
  app playground {
    environment: prod
  }

  endpoint chat {
    model "gpt-5.6-sol" version "2026-07-09"
    deployment: global_standard capacity 10
    filter: std.filters.default
    regions: ["swedencentral"]
    serves: [playground]
  }
}
"#,
    },
    CodeInfo {
        code: STANDBY_WITHOUT_ACTIVE_PASSIVE,
        severity: Severity::Warning,
        title: "`standby` without `active_passive`",
        explanation: r#"`standby N` sets the capacity of the standby regions of an `active_passive` endpoint; with any other redundancy it has no effect."#,
        failing_example: include_str!("../../tests/fixtures/E0607.charter"),
        fixed_example: r#"policy guardrails {
  scope: subscription("prod")
}

workload support {
  governed_by: guardrails
  environment: prod
  resource_group: "rg-support"

  endpoint chat {
    model "gpt-5.6-sol" version "2026-07-09"
    deployment: global_standard capacity 10
    filter: std.filters.default
    regions: ["swedencentral", "westeurope"] redundancy active_passive standby 5
  }
}
"#,
    },
    CodeInfo {
        code: GLOBAL_IN_DATA_ZONE,
        severity: Severity::Error,
        title: "global deployment in a data-zone workload",
        explanation: r#"The workload keeps its data in a data zone (`data_zone:`), but the endpoint uses a global deployment type, which routes each request to whichever region has capacity, anywhere in the world. Use the data-zone type of the same kind (`data_zone_standard`, `data_zone_provisioned`, `data_zone_batch`) or a regional one."#,
        failing_example: include_str!("../../tests/fixtures/E0608.charter"),
        fixed_example: r#"policy guardrails {
  scope: subscription("prod")
}

workload support {
  governed_by: guardrails
  environment: prod
  resource_group: "rg-support"
  data_zone: eu

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
        code: REGION_TWICE,
        severity: Severity::Error,
        title: "region listed twice",
        explanation: r#"An endpoint lists the same region twice. Each region of an endpoint gets its own AI account and deployment, so the second would be created twice under one name; for more capacity in one region, raise the deployment's capacity."#,
        failing_example: include_str!("../../tests/fixtures/E0609.charter"),
        fixed_example: FIXED_ENDPOINT,
    },
];

/// E0601: endpoint `endpoint` of workload `workload` serves, at `span`, app `app` of workload
/// `owner`, declared at `app_span`.
pub(crate) fn serves_other_workload(
    (endpoint, workload): (&str, &str),
    (app, span): (&str, Span),
    (owner, app_span): (&str, Span),
) -> Diagnostic {
    let (endpoint, workload, app, owner) = (
        sanitize(endpoint),
        sanitize(workload),
        sanitize(app),
        sanitize(owner),
    );
    Diagnostic::error(
        SERVES_OTHER_WORKLOAD,
        format!("endpoint `{endpoint}` of workload `{workload}` serves app `{app}` of workload `{owner}`"),
        span,
        format!("an app of `{owner}`"),
    )
    .with_secondary(app_span, format!("declared in workload `{owner}`"))
    .with_help(format!(
        "share an endpoint only within one workload: give `{owner}` its own endpoint for `{app}`"
    ))
    .with_note("a shared endpoint mixes quotas, costs and content filters of teams that govern them separately")
}

/// One app an endpoint serves, the filter it requires, and where it requires it.
pub(crate) struct AppFilter<'a> {
    pub app: &'a str,
    pub filter: &'a str,
    pub span: Span,
}

/// E0602: endpoint `endpoint` serves (its `serves:` at `span`) apps `first` and `other`, which
/// require different filters.
pub(crate) fn serves_different_filters(
    endpoint: &str,
    span: Span,
    first: AppFilter<'_>,
    other: AppFilter<'_>,
) -> Diagnostic {
    let (first_app, other_app) = (sanitize(first.app), sanitize(other.app));
    Diagnostic::error(
        SERVES_DIFFERENT_FILTERS,
        format!(
            "endpoint `{}` serves apps that require different filters: `{first_app}` requires `{}`, `{other_app}` requires `{}`",
            sanitize(endpoint),
            sanitize(first.filter),
            sanitize(other.filter),
        ),
        span,
        "apps with different content filters",
    )
    .with_secondary(first.span, format!("`{first_app}` requires this filter"))
    .with_secondary(other.span, format!("`{other_app}` requires this filter"))
    .with_help("give each group of apps with the same filter its own endpoint")
}

/// E0606: a `endpoint_word` endpoint `endpoint` serves, at `span`, `app_word` (``a sandbox
/// app`` or ``a `prod` app``) `app`, declared at `app_span`.
pub(crate) fn sandbox_mixed(
    (endpoint_word, endpoint): (&str, &str),
    (app_word, app): (&str, &str),
    span: Span,
    app_span: Span,
) -> Diagnostic {
    let app = sanitize(app);
    Diagnostic::error(
        SANDBOX_MIXED,
        format!(
            "`{endpoint_word}` endpoint `{}` serves {app_word}, `{app}`",
            sanitize(endpoint)
        ),
        span,
        app_word,
    )
    .with_secondary(app_span, format!("`{app}` is declared here"))
    .with_help("keep sandbox experiments on sandbox endpoints, apart from dev, test and prod")
}

/// E0609: region `region` is listed again at `span`, first at `first`.
pub(crate) fn region_twice(region: &str, span: Span, first: Span) -> Diagnostic {
    Diagnostic::error(
        REGION_TWICE,
        format!("region `{}` is listed twice", sanitize(region)),
        span,
        "listed again here",
    )
    .with_secondary(first, "first listed here")
    .with_note("each region of an endpoint gets its own AI account and deployment; a region listed twice would be created twice")
    .with_help("list each region once; for more capacity in one region, raise the deployment's capacity")
    .with_fix("remove the duplicate", span, "")
}

/// E0603: `redundancy`, at `span`, with `distinct` distinct regions, listed at `regions_span`.
pub(crate) fn redundancy_one_region(
    redundancy: Redundancy,
    distinct: usize,
    span: Span,
    regions_span: Span,
) -> Diagnostic {
    Diagnostic::error(
        REDUNDANCY_ONE_REGION,
        format!(
            "redundancy `{}` needs at least two distinct regions, found {distinct}",
            redundancy.charter_name(),
        ),
        span,
        "needs a second region",
    )
    .with_secondary(regions_span, "the endpoint's regions")
    .with_help("add a second region (its paired region is a good choice), or use `redundancy none`")
}

/// E0607 (a warning): `standby`, at `span`, without `redundancy active_passive`.
pub(crate) fn standby_without_active_passive(span: Span) -> Diagnostic {
    Diagnostic::warning(
        STANDBY_WITHOUT_ACTIVE_PASSIVE,
        "`standby` has no effect without `redundancy active_passive`",
        span,
        "ignored",
    )
    .with_help("remove `standby N`, or make the endpoint `redundancy active_passive`")
}

/// E0604: region `region`, at `span`, is in `actual` (or in no data zone), not in the
/// workload's data zone `wanted`, stated at `zone_span`.
pub(crate) fn outside_data_zone(
    (region, span): (&str, Span),
    actual: Option<RegionDataZone>,
    wanted: RegionDataZone,
    zone_span: Span,
) -> Diagnostic {
    let where_it_is = match actual {
        Some(actual) => format!("in the `{}` data zone", actual.keyword()),
        None => "in no data zone".to_string(),
    };
    Diagnostic::error(
        OUTSIDE_DATA_ZONE,
        format!(
            "region `{}` is outside the workload's data zone `{}`",
            sanitize(region),
            wanted.keyword()
        ),
        span,
        where_it_is,
    )
    .with_secondary(zone_span, "the workload's data zone")
    .with_help(format!(
        "use regions of the `{}` data zone",
        wanted.keyword()
    ))
}

/// E0608: a global deployment type `kind`, at `span`, in a workload whose data zone `zone` is
/// stated at `zone_span`.
pub(crate) fn global_in_data_zone(
    kind: DeploymentType,
    span: Span,
    zone: DataZone,
    zone_span: Span,
) -> Diagnostic {
    let data_zone_type = match kind {
        DeploymentType::GlobalProvisioned => DeploymentType::DataZoneProvisioned,
        DeploymentType::GlobalBatch => DeploymentType::DataZoneBatch,
        _ => DeploymentType::DataZoneStandard,
    };
    Diagnostic::error(
        GLOBAL_IN_DATA_ZONE,
        format!(
            "a `{}` deployment may process data outside the workload's data zone `{}`",
            kind.charter_name(),
            zone.charter_name()
        ),
        span,
        "processed in any Azure region",
    )
    .with_secondary(zone_span, "the workload's data zone")
    .with_note("global deployment types route each request to whichever region has capacity, anywhere in the world; only data-zone and regional types keep data within a data zone")
    .with_help(format!(
        "use `{}` (within the data zone) or a regional type",
        data_zone_type.charter_name()
    ))
    .with_fix(
        format!("use `{}`", data_zone_type.charter_name()),
        span,
        data_zone_type.charter_name(),
    )
}

/// E0605 for a region in no data zone: `region`, at `span`, cannot take the data-zone
/// deployment type `kind` (written at `deployment_span`).
pub(crate) fn in_no_data_zone(
    (region, span): (&str, Span),
    kind: DeploymentType,
    deployment_span: Option<Span>,
) -> Diagnostic {
    let mut diagnostic = Diagnostic::error(
        ACROSS_DATA_ZONES,
        format!(
            "region `{}` is in no data zone, so it cannot take a `{}` deployment",
            sanitize(region),
            kind.charter_name()
        ),
        span,
        "in no data zone",
    )
    .with_help("use a region of a data zone, or a `standard` or `global_*` deployment type");
    if let Some(s) = deployment_span {
        diagnostic = diagnostic.with_secondary(s, "a data-zone deployment type");
    }
    diagnostic
}

/// E0605 for regions of two data zones: a data-zone deployment type `kind` (written at
/// `deployment_span`) with `region` (at `span`) in `zone` and `first_region` (at
/// `first_span`) in `first_zone`.
pub(crate) fn spans_data_zones(
    kind: DeploymentType,
    (region, zone, span): (&str, Option<RegionDataZone>, Span),
    (first_region, first_zone, first_span): (&str, Option<RegionDataZone>, Span),
    deployment_span: Option<Span>,
) -> Diagnostic {
    let first_zone = first_zone.map_or("", RegionDataZone::keyword);
    let mut diagnostic = Diagnostic::error(
        ACROSS_DATA_ZONES,
        format!(
            "a `{}` endpoint spans data zones: `{}` is in `{}`, `{}` in `{first_zone}`",
            kind.charter_name(),
            sanitize(region),
            zone.map_or("", RegionDataZone::keyword),
            sanitize(first_region),
        ),
        span,
        "in another data zone",
    )
    .with_secondary(first_span, format!("in the `{first_zone}` data zone"))
    .with_help("keep a data-zone deployment within one data zone");
    if let Some(s) = deployment_span {
        diagnostic = diagnostic.with_secondary(s, "a data-zone deployment type");
    }
    diagnostic
}

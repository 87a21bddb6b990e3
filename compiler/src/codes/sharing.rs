//! Sharing, redundancy and environments (E06xx): endpoints shared between apps and workloads, regions, data zones and standby.

use charter_syntax::{Code, CodeInfo, Severity};

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
    regions: ["swedencentral"]
  }
}
"#,
    },
];

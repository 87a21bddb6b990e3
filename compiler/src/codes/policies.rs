//! Policy violations (E04xx): what a workload deploys that the policy governing it does not allow.

use charter_syntax::{Code, CodeInfo, Severity};

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

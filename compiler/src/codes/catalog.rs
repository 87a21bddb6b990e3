//! The model and region catalog (E03xx): unknown, retired, deprecated, preview or unavailable models, versions and regions.

use charter_syntax::{Code, CodeInfo, Severity};

/// E0301: unknown model.
pub const UNKNOWN_MODEL: Code = "E0301";
/// E0302: unknown model version.
pub const UNKNOWN_VERSION: Code = "E0302";
/// E0303: unknown region.
pub const UNKNOWN_REGION: Code = "E0303";
/// E0304: retired model version.
pub const RETIRED_VERSION: Code = "E0304";
/// E0305: model version retires soon.
pub const RETIRES_SOON: Code = "E0305";
/// E0306: model version not available in a region.
pub const VERSION_NOT_IN_REGION: Code = "E0306";
/// E0307: deployment type not available in a region.
pub const DEPLOYMENT_TYPE_NOT_IN_REGION: Code = "E0307";
/// E0308: preview model version in production.
pub const PREVIEW_IN_PRODUCTION: Code = "E0308";
/// E0309: deprecated model version.
pub const DEPRECATED_VERSION: Code = "E0309";
/// E0310: invalid fine-tuned model.
pub const INVALID_FINE_TUNED: Code = "E0310";

/// The codes of this group, in code order, for `charter explain` and `docs/errors.md`.
pub const CODES: &[CodeInfo] = &[
    CodeInfo {
        code: UNKNOWN_MODEL,
        severity: Severity::Error,
        title: "unknown model",
        explanation: r#"The model is not in the catalog: the standard library's list of Azure models, plus the models the project declares with `model "NAME" { ... }`. Check the spelling (model names compare exactly, as Azure compares them); declare your own fine-tuned or custom models."#,
        failing_example: include_str!("../../tests/fixtures/E0301.charter"),
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
    CodeInfo {
        code: UNKNOWN_VERSION,
        severity: Severity::Error,
        title: "unknown model version",
        explanation: r#"The model has no such version in the catalog. Versions compare case-insensitively (`1106-Preview` is `1106-preview`); the help lists the known versions or suggests the closest."#,
        failing_example: include_str!("../../tests/fixtures/E0302.charter"),
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
    CodeInfo {
        code: UNKNOWN_REGION,
        severity: Severity::Error,
        title: "unknown region",
        explanation: r#"The region is not in the catalog. Regions are written as Azure's programmatic names (`swedencentral`, not `Sweden Central`)."#,
        failing_example: include_str!("../../tests/fixtures/E0303.charter"),
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
    CodeInfo {
        code: RETIRED_VERSION,
        severity: Severity::Error,
        title: "retired model version",
        explanation: r#"The version was retired (its retirement date is today or earlier, or the catalog marks it retired): Azure no longer serves it, so a deployment of it fails or stops working. Move to the successor the help names; where the catalog names the successor's version the fix rewrites the model clause."#,
        failing_example: include_str!("../../tests/fixtures/E0304.charter"),
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
    CodeInfo {
        code: RETIRES_SOON,
        severity: Severity::Warning,
        title: "model version retires soon",
        explanation: r#"The version retires within the governing policy's `retirement_warning` horizon (90 days unless the policy says otherwise), counted from today (`--today` in CI). Plan the move to the successor now; the warning names the date."#,
        failing_example: include_str!("../../tests/fixtures/E0305.charter"),
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
    CodeInfo {
        code: VERSION_NOT_IN_REGION,
        severity: Severity::Error,
        title: "model version not available in a region",
        explanation: r#"The catalog does not offer the version in that region with any deployment type. The help lists regions that offer the endpoint's deployment type."#,
        failing_example: include_str!("../../tests/fixtures/E0306.charter"),
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
    CodeInfo {
        code: DEPLOYMENT_TYPE_NOT_IN_REGION,
        severity: Severity::Error,
        title: "deployment type not available in a region",
        explanation: r#"The catalog offers the version in that region, but not with the endpoint's deployment type. The help lists the deployment types available there."#,
        failing_example: include_str!("../../tests/fixtures/E0307.charter"),
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
    CodeInfo {
        code: PREVIEW_IN_PRODUCTION,
        severity: Severity::Warning,
        title: "preview model version in production",
        explanation: r#"A `prod` workload deploys a preview version. Previews may change or disappear without the notice generally available versions get."#,
        failing_example: include_str!("../../tests/fixtures/E0308.charter"),
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
    CodeInfo {
        code: DEPRECATED_VERSION,
        severity: Severity::Warning,
        title: "deprecated model version",
        explanation: r#"The endpoint deploys a model version that Azure has deprecated: closed to new customers, and retiring on the date the message gives. A deployment made from Charter's output is a new deployment. Move to the successor the help names."#,
        failing_example: include_str!("../../tests/fixtures/E0309.charter"),
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
    CodeInfo {
        code: INVALID_FINE_TUNED,
        severity: Severity::Error,
        title: "invalid fine-tuned model",
        explanation: r#"A `fine_tuned` block does not describe a fine-tuned model Azure can deploy: its name must be the one Azure gave it (`<base>.ft-<id>`), and `trained_in` must be the ARM id of the AI account that trained it (`/subscriptions/<subscription id>/resourceGroups/<group>/providers/Microsoft.CognitiveServices/accounts/<name>`), because the model exists only there and every other account deploys it from that source. As a warning: a name that does not start with its base model's usually means the wrong base was written."#,
        failing_example: include_str!("../../tests/fixtures/E0310.charter"),
        fixed_example: r#"fine_tuned "gpt-5.4-mini-2026-03-17.ft-7c1d5e9a2b4f4e0d8a6b3c2d1e0f9a8b" {
  base: "gpt-5.4-mini" version "2026-03-17"
  trained_in: "/subscriptions/3f2b8c4e-6a1d-4e9b-8c7a-2d5f1e0b9a6c/resourceGroups/rg-train/providers/Microsoft.CognitiveServices/accounts/ft-lab"
}
"#,
    },
];

//! What a build emits (E08xx), found by the self-compliance proof that runs after the checks
//! (crate `charter-compliance`, whose tests run these examples).

use charter_syntax::{Code, CodeInfo, Severity};

/// E0801: Charter's own resource denied by its own initiative.
pub const OWN_RESOURCE_DENIED: Code = "E0801";
/// E0802: Charter's own resource flagged by its own initiative.
pub const OWN_RESOURCE_FLAGGED: Code = "E0802";
/// E0803: two sources become one Azure name.
pub const AZURE_NAME_COLLISION: Code = "E0803";

/// The codes of this group, in code order, for `charter explain` and `docs/errors.md`.
pub const CODES: &[CodeInfo] = &[
    CodeInfo {
        code: OWN_RESOURCE_DENIED,
        severity: Severity::Error,
        title: "Charter's own resource denied by its own initiative",
        explanation: r#"The self-compliance proof evaluated the initiative this build emits, with each assignment's parameters, scope and exemptions, against every resource its Terraform creates (accounts, deployments, content filters, blocklists, resource groups, budgets), and a rule would deny one of them: `terraform apply` would fail. The message names the resource and its Terraform address, the rule and the assignment, and the help quotes the rule's non-compliance message. A common cause is a second policy assigned where the workload lives (its subscription or resource group) whose rules the workload's own policy does not share: the checker checks a workload against the policy that governs it, the proof against every assignment that covers it."#,
        failing_example: r#"policy guardrails {
  scope: subscription("prod")
}

policy lockdown {
  scope: subscription("prod")
  models {
    allow "gpt-5.4-mini" versions ["2026-03-17"]
  }
}

workload support {
  governed_by: guardrails
  environment: prod
  subscription: "prod"
  resource_group: "rg-support"

  endpoint chat {
    model "gpt-5.6-sol" version "2026-07-09"
    deployment: global_standard capacity 10
    filter: std.filters.default
    regions: ["swedencentral"]
  }
}
"#,
        fixed_example: r#"policy guardrails {
  scope: subscription("prod")
}

policy lockdown {
  scope: subscription("prod")
  models {
    allow "gpt-5.4-mini" versions ["2026-03-17"]
    allow "gpt-5.6-sol" versions ["2026-07-09"]
  }
}

workload support {
  governed_by: guardrails
  environment: prod
  subscription: "prod"
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
        code: OWN_RESOURCE_FLAGGED,
        severity: Severity::Error,
        title: "Charter's own resource flagged by its own initiative",
        explanation: r#"As E0801, for a rule whose effect is not a deny (audit, for instance): the resource deploys, but Azure reports it non-compliant from the start. Charter's own resources must comply with its own governance."#,
        failing_example: r#"policy guardrails {
  scope: subscription("prod")
}

policy lockdown {
  scope: subscription("prod")
  effect: audit
  regions: ["westeurope"]
}

workload support {
  governed_by: guardrails
  environment: prod
  subscription: "prod"
  resource_group: "rg-support"

  endpoint chat {
    model "gpt-5.6-sol" version "2026-07-09"
    deployment: global_standard capacity 10
    filter: std.filters.default
    regions: ["swedencentral"]
  }
}
"#,
        fixed_example: r#"policy guardrails {
  scope: subscription("prod")
}

policy lockdown {
  scope: subscription("prod")
  effect: audit
  regions: ["westeurope", "swedencentral"]
}

workload support {
  governed_by: guardrails
  environment: prod
  subscription: "prod"
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
        code: AZURE_NAME_COLLISION,
        severity: Severity::Error,
        title: "two sources become one Azure name",
        explanation: r#"Charter derives Azure names, file names and Terraform addresses from the names in the source, folding what Azure or Terraform does not allow (`_` and `.` become `-` in Azure names, runs of them one `-`; anything but letters, digits and `_` becomes `_` in Terraform identifiers). Two different names that fold to the same one would silently overwrite each other: two initiatives, two ARM templates, two Terraform variables, two AI accounts (whose names are global DNS names). Rename one of them."#,
        failing_example: r#"policy alpha_one {
  scope: subscription("prod")
}

policy alpha__one {
  scope: subscription("prod")
}
"#,
        fixed_example: r#"policy alpha_one {
  scope: subscription("prod")
}

policy beta_one {
  scope: subscription("prod")
}
"#,
    },
];

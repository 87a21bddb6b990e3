//! Filters (E05xx): a filter weaker than the one it extends or than an app requires.

use charter_syntax::{Code, CodeInfo, Severity};

/// E0501: filter weakens the filter it extends.
pub const WEAKENS_BASE: Code = "E0501";
/// E0502: filter weaker than an app requires.
pub const WEAKER_THAN_APP: Code = "E0502";

/// The codes of this group, in code order, for `charter explain` and `docs/errors.md`.
pub const CODES: &[CodeInfo] = &[
    CodeInfo {
        code: WEAKENS_BASE,
        severity: Severity::Error,
        title: "filter weakens the filter it extends",
        explanation: r#"A filter that `extends` another may only make it stricter; this one sets a category to a weaker level than the filter it extends. Whoever relies on the base filter (a policy minimum, an app) would be silently undercut."#,
        failing_example: include_str!("../../tests/fixtures/E0501_one_level.charter"),
        fixed_example: r#"filter relaxed extends std.filters.default {
  prompt { hate: low }
}
"#,
    },
    CodeInfo {
        code: WEAKER_THAN_APP,
        severity: Severity::Error,
        title: "filter weaker than an app requires",
        explanation: r#"An endpoint serves an app that requires a content filter (`app NAME { filter: ... }`), and the endpoint's filter is less strict than that in some category."#,
        failing_example: include_str!("../../tests/fixtures/E0502.charter"),
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
];

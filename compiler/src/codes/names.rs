//! Names (E01xx): what a reference names, and names declared twice or in a cycle.

use charter_syntax::{Code, CodeInfo, Severity};

/// E0101: unknown name.
pub const UNKNOWN_NAME: Code = "E0101";
/// E0102: duplicate name.
pub const DUPLICATE_NAME: Code = "E0102";
/// E0103: cycle in `extends`.
pub const EXTENDS_CYCLE: Code = "E0103";
/// E0104: wrong kind of name.
pub const WRONG_KIND_OF_NAME: Code = "E0104";
/// E0105: undeclared blocklist.
pub const UNDECLARED_BLOCKLIST: Code = "E0105";

/// The codes of this group, in code order, for `charter explain` and `docs/errors.md`.
pub const CODES: &[CodeInfo] = &[
    CodeInfo {
        code: UNKNOWN_NAME,
        severity: Severity::Error,
        title: "unknown name",
        explanation: r#"A reference names a filter, policy or app that is not declared anywhere in the project or the standard library. Check the spelling; the help suggests the closest declared name. Standard-library names are written with their module: `std.filters.default`."#,
        failing_example: include_str!("../../tests/fixtures/E0101.charter"),
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
        code: DUPLICATE_NAME,
        severity: Severity::Error,
        title: "duplicate name",
        explanation: r#"Two declarations share a name. Every top-level name (filter, policy, workload) is visible in every file of the project, so it must be unique across files; endpoint and app names must be unique within their workload, and catalog models and regions within the catalog. A project's own `model` or `region` may not take a name the standard library's catalog already has: the catalog keeps its entry, and the project's model needs a name of its own. The diagnostic points at both declarations."#,
        failing_example: include_str!("../../tests/fixtures/E0102.charter"),
        fixed_example: r#"filter lenient extends std.filters.default {
  mode: default
}

filter careful extends std.filters.strict {
  mode: default
}

policy guardrails {
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
        code: EXTENDS_CYCLE,
        severity: Severity::Error,
        title: "cycle in `extends`",
        explanation: r#"Filters extend each other in a circle, so none of them has a complete set of settings to start from. Break the cycle: the chain of `extends` must end in a filter that sets every category (such as `std.filters.default`)."#,
        failing_example: include_str!("../../tests/fixtures/E0103.charter"),
        fixed_example: r#"filter a extends b {
  mode: default
}

filter b extends std.filters.default {
  mode: default
}
"#,
    },
    CodeInfo {
        code: WRONG_KIND_OF_NAME,
        severity: Severity::Error,
        title: "wrong kind of name",
        explanation: r#"A reference names a declaration of the wrong kind, for example a filter where a policy is expected (`governed_by: baseline`). Name a declaration of the kind the field takes."#,
        failing_example: include_str!("../../tests/fixtures/E0104_policy_expected.charter"),
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
        code: UNDECLARED_BLOCKLIST,
        severity: Severity::Error,
        title: "undeclared blocklist",
        explanation: r#"A filter lists a custom blocklist that no `blocklist` block declares. Charter must either create the blocklist, with its terms, in every AI account whose filter uses it (`blocklist "NAME" { terms: [...] patterns: [...] }`), or know that another team creates it (`blocklist "NAME" { managed: external }`, which the build lists as a prerequisite): a content filter that names a blocklist the account does not have is refused by Azure."#,
        failing_example: include_str!("../../tests/fixtures/E0105.charter"),
        fixed_example: r#"blocklist "banned-terms" {
  terms: ["Project Nightjar"]
}

filter careful extends std.filters.default {
  blocklists: ["banned-terms"]
}
"#,
    },
];

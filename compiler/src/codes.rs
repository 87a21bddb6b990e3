//! The catalogue of every diagnostic code: what `charter explain` prints and `docs/errors.md`
//! lists, generated from this one source so they cannot drift.
//!
//! Ranges: E00xx syntax (the parser's), E01xx names, E02xx fields and types, E03xx the model
//! and region catalog, E04xx policy violations, E05xx filters, E06xx sharing, redundancy and
//! environments, E07xx exemptions, E08xx what the build emits (the self-compliance proof).

use charter_syntax::{CodeInfo, Severity};

/// The checker's codes (E01xx to E07xx), in code order.
pub const CHECKER: &[CodeInfo] = &[
    CodeInfo {
        code: "E0101",
        severity: Severity::Error,
        title: "unknown name",
        explanation: r#"A reference names a filter, policy or app that is not declared anywhere in the project or the standard library. Check the spelling; the help suggests the closest declared name. Standard-library names are written with their module: `std.filters.default`."#,
        failing_example: r#"policy guardrails {
  scope: subscription("prod")
}

workload support {
  governed_by: guardrails
  environment: prod
  resource_group: "rg-support"

  endpoint chat {
    model "gpt-5.6-sol" version "2026-07-09"
    deployment: global_standard capacity 10
    filter: std.filters.defualt
    regions: ["swedencentral"]
  }
}
"#,
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
        code: "E0102",
        severity: Severity::Error,
        title: "duplicate name",
        explanation: r#"Two declarations share a name. Every top-level name (filter, policy, workload) is visible in every file of the project, so it must be unique across files; endpoint and app names must be unique within their workload, and catalog models and regions within the catalog. A project's own `region` may not take a name the standard library's catalog already has (a project `model` of a catalog name extends the catalog's entry instead: see E0311), and one model may not be declared twice in the project. The diagnostic points at both declarations."#,
        failing_example: r#"filter lenient extends std.filters.default {
  mode: default
}

filter lenient extends std.filters.strict {
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
        code: "E0103",
        severity: Severity::Error,
        title: "cycle in `extends`",
        explanation: r#"Filters extend each other in a circle, so none of them has a complete set of settings to start from. Break the cycle: the chain of `extends` must end in a filter that sets every category (such as `std.filters.default`)."#,
        failing_example: r#"filter a extends b {
  mode: default
}

filter b extends a {
  mode: default
}
"#,
        fixed_example: r#"filter a extends b {
  mode: default
}

filter b extends std.filters.default {
  mode: default
}
"#,
    },
    CodeInfo {
        code: "E0104",
        severity: Severity::Error,
        title: "wrong kind of name",
        explanation: r#"A reference names a declaration of the wrong kind, for example a filter where a policy is expected (`governed_by: baseline`). Name a declaration of the kind the field takes."#,
        failing_example: r#"policy guardrails {
  scope: subscription("prod")
}

workload support {
  governed_by: std.filters.default
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
        code: "E0105",
        severity: Severity::Error,
        title: "undeclared blocklist",
        explanation: r#"A filter lists a custom blocklist that no `blocklist` block declares. Charter must either create the blocklist, with its terms, in every AI account whose filter uses it (`blocklist "NAME" { terms: [...] patterns: [...] }`), or know that another team creates it (`blocklist "NAME" { managed: external }`, which the build lists as a prerequisite): a content filter that names a blocklist the account does not have is refused by Azure."#,
        failing_example: r#"filter careful extends std.filters.default {
  blocklists: ["banned-terms"]
}
"#,
        fixed_example: r#"blocklist "banned-terms" {
  terms: ["Project Nightjar"]
}

filter careful extends std.filters.default {
  blocklists: ["banned-terms"]
}
"#,
    },
    CodeInfo {
        code: "E0201",
        severity: Severity::Error,
        title: "unknown field",
        explanation: r#"A block contains a field, clause or nested block that its kind does not take, often a misspelling. The help suggests the closest field name; `charter explain` and the editor list the fields each block takes."#,
        failing_example: r#"policy guardrails {
  scope: subscription("prod")
  efect: audit
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
        fixed_example: r#"policy guardrails {
  scope: subscription("prod")
  effect: audit
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
        code: "E0202",
        severity: Severity::Error,
        title: "missing required field",
        explanation: r#"A block lacks a field it must have: a policy needs a `scope`; a workload `governed_by`, `environment` and `resource_group`; an endpoint `model`, `deployment`, `filter` and `regions`; a filter that does not extend another must set every category of both sides. The fix inserts the field with a placeholder value to adjust."#,
        failing_example: r#"policy guardrails {
  effect: audit
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
        fixed_example: r#"policy guardrails {
  scope: subscription("prod")
  effect: audit
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
        code: "E0203",
        severity: Severity::Error,
        title: "wrong type of value",
        explanation: r#"A value has the wrong type for its field: a number where a string is expected, a name where a list is expected, a number without its unit (`90` instead of `90 days`), and so on. The message says what the field takes."#,
        failing_example: r#"policy guardrails {
  scope: subscription("prod")
  retirement_warning: 90
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
        fixed_example: r#"policy guardrails {
  scope: subscription("prod")
  retirement_warning: 90 days
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
        code: "E0204",
        severity: Severity::Error,
        title: "unknown keyword",
        explanation: r#"A field that takes one of a fixed set of keywords (a severity, an effect, an environment, a deployment type, ...) has a word that is not one of them. The message lists the keywords; the help suggests the closest."#,
        failing_example: r#"policy guardrails {
  scope: subscription("prod")
}

workload support {
  governed_by: guardrails
  environment: production
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
        code: "E0205",
        severity: Severity::Error,
        title: "entry given twice",
        explanation: r#"A field that may appear once in its block is written twice, or a policy's `models` block allows the same model in two `allow` clauses. Only one of the two can hold, so Charter refuses to guess: keep one (for `allow`, one clause listing every allowed version)."#,
        failing_example: r#"policy guardrails {
  scope: subscription("prod")
  effect: audit
  effect: deny
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
        fixed_example: r#"policy guardrails {
  scope: subscription("prod")
  effect: deny
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
        code: "E0206",
        severity: Severity::Error,
        title: "unexpected value in a phrase",
        explanation: r#"A phrase has a word or value its field does not take, such as a misspelt modifier (`capacty 10`) or a second value where one is expected. The help lists the modifiers the field takes."#,
        failing_example: r#"policy guardrails {
  scope: subscription("prod")
}

workload support {
  governed_by: guardrails
  environment: prod
  resource_group: "rg-support"

  endpoint chat {
    model "gpt-5.6-sol" version "2026-07-09"
    deployment: global_standard capacty 10
    filter: std.filters.default
    regions: ["swedencentral"]
  }
}
"#,
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
        code: "E0207",
        severity: Severity::Error,
        title: "incomplete phrase",
        explanation: r#"A phrase lacks a part it needs: the `version` of an endpoint's model, the period of a budget (`monthly`), the date after `until`, or the value after a modifier such as `capacity`."#,
        failing_example: r#"policy guardrails {
  scope: subscription("prod")
}

workload support {
  governed_by: guardrails
  environment: prod
  resource_group: "rg-support"

  endpoint chat {
    model "gpt-5.6-sol"
    deployment: global_standard capacity 10
    filter: std.filters.default
    regions: ["swedencentral"]
  }
}
"#,
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
        code: "E0208",
        severity: Severity::Error,
        title: "number out of range",
        explanation: r#"A number is outside what its field accepts: capacities are whole numbers of at least 1, percentages and durations are whole numbers, and every number must fit the field."#,
        failing_example: r#"policy guardrails {
  scope: subscription("prod")
}

workload support {
  governed_by: guardrails
  environment: prod
  resource_group: "rg-support"

  endpoint chat {
    model "gpt-5.6-sol" version "2026-07-09"
    deployment: global_standard capacity 0
    filter: std.filters.default
    regions: ["swedencentral"]
  }
}
"#,
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
        code: "E0209",
        severity: Severity::Error,
        title: "misplaced block name or `extends`",
        explanation: r#"A block is missing its name, has a name it does not take, has the wrong kind of name (catalog entries are named by strings, everything else by identifiers), or uses `extends`, which only filters may."#,
        failing_example: r#"policy "guardrails" {
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
        code: "E0210",
        severity: Severity::Error,
        title: "field written as a clause, or the other way round",
        explanation: r#"Entries have one shape each: fields take a colon (`effect: deny`), clauses do not (`allow "gpt-4.1"`), nested blocks take braces. The entry is written in another shape than its kind has."#,
        failing_example: r#"policy guardrails {
  scope: subscription("prod")
  effect deny
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
        fixed_example: r#"policy guardrails {
  scope: subscription("prod")
  effect: deny
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
        code: "E0211",
        severity: Severity::Error,
        title: "definitions location not given",
        explanation: r#"A policy compiles to custom policy definitions and one initiative, stored at one management group or subscription, and assigned at each of the policy's scopes. Azure assigns an initiative only at or below the place it is stored, so that place must contain every scope. Charter cannot see the management-group hierarchy, so it infers the place only when it is unambiguous: the policy's only management group or subscription, or the subscription of its resource groups when it is assigned only at resource groups. When the policy is assigned at several management groups or subscriptions, or at one of them and at resource groups, say where its definitions are stored with `definitions_at: management_group("id")` (or `subscription("id")`), naming a management group above all of them. The fix adds the field with an empty id for you to fill in."#,
        failing_example: r#"policy guardrails {
  scope: [management_group("contoso-ai-prod"), management_group("contoso-ai-dev")]
}
"#,
        fixed_example: r#"policy guardrails {
  scope: [management_group("contoso-ai-prod"), management_group("contoso-ai-dev")]
  // The parent group of contoso-ai-prod and contoso-ai-dev.
  definitions_at: management_group("contoso-ai")
}
"#,
    },
    CodeInfo {
        code: "E0212",
        severity: Severity::Error,
        title: "definitions stored at a subscription that cannot contain the policy's scopes",
        explanation: r#"`definitions_at: subscription("id")` stores the policy's definitions and initiative in a subscription, and Azure assigns an initiative only at or below the place it is stored. A subscription contains resource groups, but never a management group or another subscription, so a policy assigned at one of those must store its definitions at a management group above all of its scopes."#,
        failing_example: r#"policy guardrails {
  scope: [management_group("contoso-ai-prod"), subscription("prod")]
  definitions_at: subscription("prod")
}
"#,
        fixed_example: r#"policy guardrails {
  scope: [management_group("contoso-ai-prod"), subscription("prod")]
  definitions_at: management_group("contoso-ai")
}
"#,
    },
    CodeInfo {
        code: "E0213",
        severity: Severity::Error,
        title: "invalid Azure name",
        explanation: r#"A resource group name or a management group id that Azure would refuse, written in a workload's `resource_group:` or in a `resource_group("...")` or `management_group("...")` scope. Both are 1 to 90 characters: letters, digits, underscores, hyphens, periods and parentheses, not ending with a period (resource group names may use any Unicode letter or digit). Charter checks them before compiling, so that a deployment does not fail on them later. The fix replaces each refused character with a hyphen."#,
        failing_example: r#"policy guardrails {
  scope: resource_group("rg support")
}

workload support {
  governed_by: guardrails
  environment: prod
  resource_group: "rg/support"
}
"#,
        fixed_example: r#"policy guardrails {
  scope: resource_group("rg-support")
}

workload support {
  governed_by: guardrails
  environment: prod
  resource_group: "rg-support"
}
"#,
    },
    CodeInfo {
        code: "E0214",
        severity: Severity::Error,
        title: "invalid budget amount or currency",
        explanation: r#"A budget's amount is zero, or longer than a JSON number keeps exactly (15 digits before the decimal point), or its currency is not an ISO 4217 code. Azure refuses a budget of zero, and a budget in a currency that does not exist cannot match the billing account's."#,
        failing_example: r#"policy guardrails {
  scope: subscription("prod")
}

workload support {
  governed_by: guardrails
  environment: prod
  resource_group: "rg-support"
  budget: 0 USD monthly
}
"#,
        fixed_example: r#"policy guardrails {
  scope: subscription("prod")
}

workload support {
  governed_by: guardrails
  environment: prod
  resource_group: "rg-support"
  budget: 2000 USD monthly
}
"#,
    },
    CodeInfo {
        code: "E0215",
        severity: Severity::Error,
        title: "invalid budget alert",
        explanation: r#"A budget's `alert_at` list breaks a rule of Azure budgets: each threshold is a notification, and a budget takes at most five; a threshold must be above 0% and at most 1000% of the amount; a threshold listed twice, or an empty list, is a mistake."#,
        failing_example: r#"policy guardrails {
  scope: subscription("prod")
}

workload support {
  governed_by: guardrails
  environment: prod
  resource_group: "rg-support"
  budget: 2000 USD monthly alert_at [0%, 50%, 100%]
}
"#,
        fixed_example: r#"policy guardrails {
  scope: subscription("prod")
}

workload support {
  governed_by: guardrails
  environment: prod
  resource_group: "rg-support"
  budget: 2000 USD monthly alert_at [50%, 100%]
}
"#,
    },
    CodeInfo {
        code: "E0216",
        severity: Severity::Error,
        title: "invalid budget contact",
        explanation: r#"A budget's `notify` list is empty, names something that is not an e-mail address, or names one twice. Azure sends budget alerts to e-mail addresses; without `notify`, the resource group's owners are notified instead."#,
        failing_example: r#"policy guardrails {
  scope: subscription("prod")
}

workload support {
  governed_by: guardrails
  environment: prod
  resource_group: "rg-support"
  budget: 2000 USD monthly alert_at [80%] notify ["finops team"]
}
"#,
        fixed_example: r#"policy guardrails {
  scope: subscription("prod")
}

workload support {
  governed_by: guardrails
  environment: prod
  resource_group: "rg-support"
  budget: 2000 USD monthly alert_at [80%] notify ["finops@contoso.com"]
}
"#,
    },
    CodeInfo {
        code: "E0217",
        severity: Severity::Error,
        title: "invalid blocklist",
        explanation: r#"A `blocklist` block cannot be created as written: a blocklist Charter creates needs terms or patterns, and none may be empty or listed twice; an external blocklist (`managed: external`) is created by another team, so Charter has no terms to give it."#,
        failing_example: r#"blocklist "banned-terms" {
  managed: external
  terms: ["Project Nightjar"]
}
"#,
        fixed_example: r#"blocklist "banned-terms" {
  terms: ["Project Nightjar"]
}
"#,
    },
    CodeInfo {
        code: "E0301",
        severity: Severity::Error,
        title: "unknown model",
        explanation: r#"The model is not in the catalog: the standard library's list of Azure models, plus the models the project declares with `model "NAME" { ... }`. Check the spelling (model names compare exactly, as Azure compares them); declare your own fine-tuned or custom models."#,
        failing_example: r#"policy guardrails {
  scope: subscription("prod")
}

workload support {
  governed_by: guardrails
  environment: prod
  resource_group: "rg-support"

  endpoint chat {
    model "gpt-5.6-sl" version "2026-07-09"
    deployment: global_standard capacity 10
    filter: std.filters.default
    regions: ["swedencentral"]
  }
}
"#,
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
        code: "E0302",
        severity: Severity::Error,
        title: "unknown model version",
        explanation: r#"The model has no such version in the catalog. Versions compare case-insensitively (`1106-Preview` is `1106-preview`); the help lists the known versions or suggests the closest."#,
        failing_example: r#"policy guardrails {
  scope: subscription("prod")
}

workload support {
  governed_by: guardrails
  environment: prod
  resource_group: "rg-support"

  endpoint chat {
    model "gpt-5.6-sol" version "2026-07-90"
    deployment: global_standard capacity 10
    filter: std.filters.default
    regions: ["swedencentral"]
  }
}
"#,
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
        code: "E0303",
        severity: Severity::Error,
        title: "unknown region",
        explanation: r#"The region is not in the catalog. Regions are written as Azure's programmatic names (`swedencentral`, not `Sweden Central`)."#,
        failing_example: r#"policy guardrails {
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
    regions: ["swedencentrl"]
  }
}
"#,
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
        code: "E0304",
        severity: Severity::Error,
        title: "retired model version",
        explanation: r#"The version was retired (its retirement date is today or earlier, or the catalog marks it retired): Azure no longer serves it, so a deployment of it fails or stops working. Move to the successor the help names; where the catalog names the successor's version the fix rewrites the model clause."#,
        failing_example: r#"policy guardrails {
  scope: subscription("prod")
}

workload support {
  governed_by: guardrails
  environment: prod
  resource_group: "rg-support"

  endpoint chat {
    model "gpt-4" version "0613"
    deployment: global_standard capacity 10
    filter: std.filters.default
    regions: ["swedencentral"]
  }
}
"#,
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
        code: "E0305",
        severity: Severity::Warning,
        title: "model version retires soon",
        explanation: r#"The version retires within the governing policy's `retirement_warning` horizon (90 days unless the policy says otherwise), counted from today (`--today` in CI). Plan the move to the successor now; the warning names the date."#,
        failing_example: r#"policy guardrails {
  scope: subscription("prod")
}

workload support {
  governed_by: guardrails
  environment: prod
  resource_group: "rg-support"

  endpoint chat {
    model "gpt-5" version "2025-08-07"
    deployment: global_standard capacity 10
    filter: std.filters.default
    regions: ["swedencentral"]
  }
}
"#,
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
        code: "E0306",
        severity: Severity::Error,
        title: "model version not available in a region",
        explanation: r#"The catalog does not offer the version in that region with any deployment type. The help lists regions that offer the endpoint's deployment type."#,
        failing_example: r#"policy guardrails {
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
    regions: ["ukwest"]
  }
}
"#,
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
        code: "E0307",
        severity: Severity::Error,
        title: "deployment type not available in a region",
        explanation: r#"The catalog offers the version in that region, but not with the endpoint's deployment type. The help lists the deployment types available there."#,
        failing_example: r#"policy guardrails {
  scope: subscription("prod")
}

workload support {
  governed_by: guardrails
  environment: prod
  resource_group: "rg-support"

  endpoint chat {
    model "gpt-5.6-sol" version "2026-07-09"
    deployment: standard capacity 10
    filter: std.filters.default
    regions: ["swedencentral"]
  }
}
"#,
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
        code: "E0308",
        severity: Severity::Warning,
        title: "preview model version in production",
        explanation: r#"A `prod` workload deploys a preview version. Previews may change or disappear without the notice generally available versions get."#,
        failing_example: r#"policy guardrails {
  scope: subscription("prod")
}

workload support {
  governed_by: guardrails
  environment: prod
  resource_group: "rg-support"

  endpoint chat {
    model "grok-4-20-reasoning" version "1"
    deployment: global_standard capacity 10
    filter: std.filters.default
    regions: ["swedencentral"]
  }
}
"#,
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
        code: "E0309",
        severity: Severity::Warning,
        title: "deprecated model version",
        explanation: r#"The endpoint deploys a model version that Azure has deprecated: closed to new customers, and retiring on the date the message gives. A deployment made from Charter's output is a new deployment. Move to the successor the help names."#,
        failing_example: r#"policy guardrails {
  scope: subscription("prod")
}

workload support {
  governed_by: guardrails
  environment: prod
  resource_group: "rg-support"

  endpoint chat {
    model "gpt-4.1" version "2025-04-14"
    deployment: global_standard capacity 10
    filter: std.filters.default
    regions: ["swedencentral"]
  }
}
"#,
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
        code: "E0310",
        severity: Severity::Error,
        title: "invalid fine-tuned model",
        explanation: r#"A `fine_tuned` block does not describe a fine-tuned model Azure can deploy: its name must be the one Azure gave it (`<base>.ft-<id>`), and `trained_in` must be the ARM id of the AI account that trained it (`/subscriptions/<subscription id>/resourceGroups/<group>/providers/Microsoft.CognitiveServices/accounts/<name>`), because the model exists only there and every other account deploys it from that source. As a warning: a name that does not start with its base model's usually means the wrong base was written."#,
        failing_example: r#"fine_tuned "summariser" {
  base: "gpt-5.4-mini" version "2026-03-17"
  trained_in: "/subscriptions/3f2b8c4e-6a1d-4e9b-8c7a-2d5f1e0b9a6c/resourceGroups/rg-train/providers/Microsoft.CognitiveServices/accounts/ft-lab"
}
"#,
        fixed_example: r#"fine_tuned "gpt-5.4-mini-2026-03-17.ft-7c1d5e9a2b4f4e0d8a6b3c2d1e0f9a8b" {
  base: "gpt-5.4-mini" version "2026-03-17"
  trained_in: "/subscriptions/3f2b8c4e-6a1d-4e9b-8c7a-2d5f1e0b9a6c/resourceGroups/rg-train/providers/Microsoft.CognitiveServices/accounts/ft-lab"
}
"#,
    },
    CodeInfo {
        code: "E0311",
        severity: Severity::Error,
        title: "local catalog entry contradicts the catalog",
        explanation: r#"A project's `model` block whose name the catalog already has is a local extension: it may add versions (a version Azure released after the catalog was made) and regions to the catalog's entry, without repeating what the catalog says. A field it does state (`format`, `publisher`, `kind`, or a known version's `lifecycle`, `deprecation`, `retirement`, `retirement_not_before`, `successor`) must agree with the catalog; where it does not, the catalog's value is kept and this error names both. Remove the field to use the catalog's value; if Azure itself changed it (a retirement date moved), run `charter catalog pull` so the catalog says so (docs/catalog.md)."#,
        failing_example: r#"model "gpt-5.5" {
  version "2026-04-24" {
    retirement: 2030-01-01
  }
}
"#,
        fixed_example: r#"model "gpt-5.5" {
  version "2026-12-01" {
    lifecycle: preview
    available global_standard ["swedencentral"]
  }
}
"#,
    },
    CodeInfo {
        code: "E0401",
        severity: Severity::Error,
        title: "model not allowed by the policy",
        explanation: r#"The workload's endpoint deploys a model, or a version, that its governing policy does not allow in its `models` block. Azure Policy would deny the deployment; Charter reports it before it is attempted."#,
        failing_example: r#"policy guardrails {
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
    model "gpt-5.6-terra" version "2026-07-09"
    deployment: global_standard capacity 10
    filter: std.filters.default
    regions: ["swedencentral"]
  }
}
"#,
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
        code: "E0402",
        severity: Severity::Error,
        title: "region not allowed by the policy",
        explanation: r#"The endpoint lists a region that its governing policy's `regions` does not include."#,
        failing_example: r#"policy guardrails {
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
    regions: ["francecentral"]
  }
}
"#,
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
        code: "E0403",
        severity: Severity::Error,
        title: "capacity over the policy's cap",
        explanation: r#"A deployment's capacity is larger than the governing policy's `max_capacity`. For `redundancy active_passive` the standby capacity is checked too: the standby region gets a deployment of its own."#,
        failing_example: r#"policy guardrails {
  scope: subscription("prod")
  max_capacity: 50 units
}

workload support {
  governed_by: guardrails
  environment: prod
  resource_group: "rg-support"

  endpoint chat {
    model "gpt-5.6-sol" version "2026-07-09"
    deployment: global_standard capacity 100
    filter: std.filters.default
    regions: ["swedencentral"]
  }
}
"#,
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
        code: "E0404",
        severity: Severity::Error,
        title: "filter weaker than the policy's minimum",
        explanation: r#"The endpoint's content filter is less strict than the governing policy's `filters: at_least` minimum in at least one category. The message names the first such category, its side and both levels; notes list the others."#,
        failing_example: r#"filter lenient {
  prompt {
    hate: high, sexual: medium, violence: medium, self_harm: medium
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
        code: "E0405",
        severity: Severity::Error,
        title: "deployment type not allowed by the policy",
        explanation: r#"The endpoint's deployment type is not in the governing policy's `deployment_types`. The policy's initiative denies deployments of other SKUs; global types in particular process requests in any Azure region."#,
        failing_example: r#"policy guardrails {
  scope: subscription("prod")
  deployment_types: [data_zone_standard]
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
        code: "E0406",
        severity: Severity::Warning,
        title: "provisioned capacity not capped",
        explanation: r#"The governing policy caps pay-per-token capacity (`max_capacity`, in units of 1,000 tokens per minute) but not provisioned throughput, and the endpoint is a provisioned deployment. PTUs are a different unit with a different price, so `max_capacity` does not cap them: add `max_provisioned`."#,
        failing_example: r#"policy guardrails {
  scope: subscription("prod")
  max_capacity: 100 units
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
    CodeInfo {
        code: "E0501",
        severity: Severity::Error,
        title: "filter weakens the filter it extends",
        explanation: r#"A filter that `extends` another may only make it stricter; this one sets a category to a weaker level than the filter it extends. Whoever relies on the base filter (a policy minimum, an app) would be silently undercut."#,
        failing_example: r#"filter relaxed extends std.filters.default {
  prompt { hate: high }
}
"#,
        fixed_example: r#"filter relaxed extends std.filters.default {
  prompt { hate: low }
}
"#,
    },
    CodeInfo {
        code: "E0502",
        severity: Severity::Error,
        title: "filter weaker than an app requires",
        explanation: r#"An endpoint serves an app that requires a content filter (`app NAME { filter: ... }`), and the endpoint's filter is less strict than that in some category."#,
        failing_example: r#"policy guardrails {
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
    filter: std.filters.default
    regions: ["swedencentral"]
    serves: [web]
  }
}
"#,
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
    CodeInfo {
        code: "E0601",
        severity: Severity::Error,
        title: "endpoint serves an app of another workload",
        explanation: r#"An endpoint serves an app that another workload declares. The guidance: share an AI endpoint only within one workload, so quotas, costs and content filters stay with the team that governs them."#,
        failing_example: r#"policy guardrails {
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
    serves: [web, billing_bot]
  }
}

workload billing {
  governed_by: guardrails
  environment: prod
  resource_group: "rg-billing"
  apps: [billing_bot]
}
"#,
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
        code: "E0602",
        severity: Severity::Error,
        title: "endpoint serves apps with different filters",
        explanation: r#"An endpoint serves apps whose required content filters differ. One endpoint has one filter, so one of the apps would get governance it did not ask for: give each group of apps its own endpoint."#,
        failing_example: r#"policy guardrails {
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
    serves: [web, agent]
  }
}
"#,
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
        code: "E0603",
        severity: Severity::Error,
        title: "redundancy with fewer than two regions",
        explanation: r#"`redundancy active_passive` or `active_active` needs at least two distinct regions to fail over between."#,
        failing_example: r#"policy guardrails {
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
    regions: ["swedencentral"] redundancy active_active
  }
}
"#,
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
        code: "E0604",
        severity: Severity::Error,
        title: "region outside the workload's data zone",
        explanation: r#"The workload declares a `data_zone`, and one of its endpoints lists a region outside it (by the region catalog's data zones). Data would leave the zone the workload promised to stay in."#,
        failing_example: r#"policy guardrails {
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
    regions: ["eastus2"]
  }
}
"#,
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
        code: "E0605",
        severity: Severity::Error,
        title: "data-zone deployment across data zones",
        explanation: r#"A `data_zone_*` deployment type keeps processing inside one data zone, so all its regions must belong to the same data zone, and each must belong to one."#,
        failing_example: r#"policy guardrails {
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
    regions: ["swedencentral", "eastus2"]
  }
}
"#,
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
        code: "E0606",
        severity: Severity::Error,
        title: "sandbox and non-sandbox mixed",
        explanation: r#"A sandbox endpoint serves an app of another environment, or a dev/test/prod endpoint serves a sandbox app. Keep sandbox experimentation apart from everything that is promoted through quality gates."#,
        failing_example: r#"policy guardrails {
  scope: subscription("prod")
}

workload support {
  governed_by: guardrails
  environment: prod
  resource_group: "rg-support"
  app playground {
    environment: sandbox
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
        code: "E0607",
        severity: Severity::Warning,
        title: "`standby` without `active_passive`",
        explanation: r#"`standby N` sets the capacity of the standby regions of an `active_passive` endpoint; with any other redundancy it has no effect."#,
        failing_example: r#"policy guardrails {
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
    regions: ["swedencentral", "westeurope"] redundancy active_active standby 5
  }
}
"#,
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
        code: "E0608",
        severity: Severity::Error,
        title: "global deployment in a data-zone workload",
        explanation: r#"The workload keeps its data in a data zone (`data_zone:`), but the endpoint uses a global deployment type, which routes each request to whichever region has capacity, anywhere in the world. Use the data-zone type of the same kind (`data_zone_standard`, `data_zone_provisioned`, `data_zone_batch`) or a regional one."#,
        failing_example: r#"policy guardrails {
  scope: subscription("prod")
}

workload support {
  governed_by: guardrails
  environment: prod
  resource_group: "rg-support"
  data_zone: eu

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
        code: "E0609",
        severity: Severity::Error,
        title: "region listed twice",
        explanation: r#"An endpoint lists the same region twice. Each region of an endpoint gets its own AI account and deployment, so the second would be created twice under one name; for more capacity in one region, raise the deployment's capacity."#,
        failing_example: r#"policy guardrails {
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
    regions: ["swedencentral", "swedencentral"]
  }
}
"#,
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
        code: "E0701",
        severity: Severity::Error,
        title: "exemption expired",
        explanation: r#"The exemption's `until` date is in the past (relative to today, or `--today`), so it no longer exempts anything; keeping it hides that the scope must now comply. Remove it, or renew it with a new date and a reason."#,
        failing_example: r#"policy guardrails {
  scope: subscription("prod")
  exempt resource_group("rg-lab") until 2026-01-31 as waiver "Lab experiments"
}
"#,
        fixed_example: r#"policy guardrails {
  scope: subscription("prod")
  exempt resource_group("rg-lab") until 2027-01-31 as waiver "Lab experiments"
}
"#,
    },
    CodeInfo {
        code: "E0702",
        severity: Severity::Error,
        title: "exemption without a reason",
        explanation: r#"Every exemption says why (`as waiver "..."` or `as mitigated "..."`): the reason is what auditors read."#,
        failing_example: r#"policy guardrails {
  scope: subscription("prod")
  exempt resource_group("rg-lab") until 2027-01-31
}
"#,
        fixed_example: r#"policy guardrails {
  scope: subscription("prod")
  exempt resource_group("rg-lab") until 2027-01-31 as waiver "Lab experiments"
}
"#,
    },
    CodeInfo {
        code: "E0703",
        severity: Severity::Error,
        title: "ambiguous exemption",
        explanation: r#"The policy is assigned at several scopes, and the exempted scope is not one of them, so it is unclear which assignment the exemption exempts. Azure requires an exemption to sit at or below the scope of the assignment it exempts, and Charter cannot know which management group or subscription contains the exempted scope. Say it with `under SCOPE`, naming the policy scope that contains the exempted one. An exemption at one of the policy's own scopes exempts the assignment there, and under a policy with a single scope no `under` is needed."#,
        failing_example: r#"policy guardrails {
  scope: [management_group("contoso-ai-prod"), management_group("contoso-ai-dev")]
  definitions_at: management_group("contoso-ai")
  exempt resource_group("rg-lab") until 2027-01-31 as waiver "Lab experiments"
}
"#,
        fixed_example: r#"policy guardrails {
  scope: [management_group("contoso-ai-prod"), management_group("contoso-ai-dev")]
  definitions_at: management_group("contoso-ai")
  exempt resource_group("rg-lab") under management_group("contoso-ai-dev") until 2027-01-31 as waiver "Lab experiments"
}
"#,
    },
    CodeInfo {
        code: "E0704",
        severity: Severity::Error,
        title: "exemption under a scope the policy is not assigned at",
        explanation: r#"`under SCOPE` says which of the policy's assignments an exemption exempts, so it must name one of the scopes in the policy's `scope:` field, written the same way. The help lists the policy's scopes and suggests the closest one."#,
        failing_example: r#"policy guardrails {
  scope: [management_group("contoso-ai-prod"), management_group("contoso-ai-dev")]
  definitions_at: management_group("contoso-ai")
  exempt resource_group("rg-lab") under management_group("contoso-ai-devel") until 2027-01-31 as waiver "Lab experiments"
}
"#,
        fixed_example: r#"policy guardrails {
  scope: [management_group("contoso-ai-prod"), management_group("contoso-ai-dev")]
  definitions_at: management_group("contoso-ai")
  exempt resource_group("rg-lab") under management_group("contoso-ai-dev") until 2027-01-31 as waiver "Lab experiments"
}
"#,
    },
];

/// The codes of what a build emits (E08xx), found by the self-compliance proof that runs after
/// the checker (crate `charter-compliance`, whose tests run these examples).
pub const BUILD: &[CodeInfo] = &[
    CodeInfo {
        code: "E0801",
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
        code: "E0802",
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
        code: "E0803",
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

/// Every code, syntax codes first, in code order.
pub fn all() -> Vec<&'static CodeInfo> {
    charter_syntax::codes::ALL
        .iter()
        .chain(CHECKER.iter())
        .chain(BUILD.iter())
        .collect()
}

/// The entry for one code (`E0101`), case-insensitively.
pub fn lookup(code: &str) -> Option<&'static CodeInfo> {
    all()
        .into_iter()
        .find(|info| info.code.eq_ignore_ascii_case(code))
}

/// The error-code reference, `docs/errors.md`: every code with its explanation and examples.
pub fn markdown() -> String {
    let mut out = String::from(
        "# Charter error codes\n\n\
         <!-- Generated from compiler/src/codes.rs (and grammar/src/codes.rs) by \
         `charter_compiler::codes::markdown()`; do not edit by hand. -->\n\n\
         Every diagnostic Charter reports has a stable code. `charter explain CODE` prints the \
         same text as this page.\n\n\
         | code | severity | meaning |\n|---|---|---|\n",
    );
    for info in all() {
        out.push_str(&format!(
            "| [{code}](#{anchor}) | {severity} | {title} |\n",
            code = info.code,
            anchor = info.code.to_lowercase(),
            severity = info.severity.as_str(),
            title = info.title.replace('|', "\\|"),
        ));
    }
    for info in all() {
        out.push_str(&format!(
            "\n## {code}\n\n**{severity}: {title}**\n\n{explanation}\n\n\
             Fails:\n\n```charter\n{failing}```\n\nFixed:\n\n```charter\n{fixed}```\n",
            code = info.code,
            severity = info.severity.as_str(),
            title = info.title,
            explanation = info.explanation.trim_end(),
            failing = with_newline(info.failing_example),
            fixed = with_newline(info.fixed_example),
        ));
    }
    out
}

fn with_newline(text: &str) -> String {
    if text.ends_with('\n') {
        text.to_string()
    } else {
        format!("{text}\n")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{compile, Document, Options};
    use charter_syntax::FileId;

    fn codes_of(source: &str) -> Vec<&'static str> {
        let documents = vec![Document {
            id: FileId(0),
            path: "example.charter".to_string(),
            text: source.to_string(),
            is_stdlib: false,
        }];
        let options = Options {
            naming: Default::default(),
            today: charter_ir::Date {
                year: 2026,
                month: 11,
                day: 22,
            },
        };
        let mut codes: Vec<&'static str> = compile(documents, &options)
            .diagnostics
            .iter()
            .map(|d| d.code)
            .collect();
        codes.dedup();
        codes
    }

    #[test]
    fn every_failing_example_reports_exactly_its_code_and_every_fixed_example_is_clean() {
        let mut failures = Vec::new();
        for info in CHECKER {
            let failing = codes_of(info.failing_example);
            if failing != [info.code] {
                failures.push(format!(
                    "{}: failing example reports {failing:?}",
                    info.code
                ));
            }
            let fixed = codes_of(info.fixed_example);
            if !fixed.is_empty() {
                failures.push(format!("{}: fixed example reports {fixed:?}", info.code));
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    #[test]
    fn codes_are_unique_sorted_and_documented() {
        let all = all();
        for pair in all.windows(2) {
            assert!(
                pair[0].code < pair[1].code,
                "{} before {}",
                pair[0].code,
                pair[1].code
            );
        }
        for info in &all {
            assert!(
                !info.explanation.is_empty() && !info.title.is_empty(),
                "{}",
                info.code
            );
        }
        assert_eq!(lookup("e0301").map(|i| i.code), Some("E0301"));
    }

    #[test]
    fn docs_errors_md_is_current() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/errors.md");
        let on_disk = include_str!("../../docs/errors.md");
        assert!(
            on_disk == markdown(),
            "{path} is out of date: regenerate it with `cargo run -p charter-compiler --example write_errors_md`"
        );
    }
}

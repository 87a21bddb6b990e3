//! Fields and types (E02xx): entries the schema does not accept, values of the wrong type, and Azure's rules for names, budgets and blocklists.

use super::FIXED_ENDPOINT;
use charter_syntax::ast::{UnitKind, Value};
use charter_syntax::diagnostic::sanitize;
use charter_syntax::{Code, CodeInfo, Diagnostic, Severity, Span};

use super::{with_article, with_suggestion};
use crate::schema::{
    self, BlockKind, BlockSchema, EntrySchema, EntryShape, KeywordSet, LabelKind, Modifier,
    PhraseSchema, Slot, ValueKind,
};

/// E0201: unknown field.
pub const UNKNOWN_FIELD: Code = "E0201";
/// E0202: missing required field.
pub const MISSING_FIELD: Code = "E0202";
/// E0203: wrong type of value.
pub const WRONG_TYPE: Code = "E0203";
/// E0204: unknown keyword.
pub const UNKNOWN_KEYWORD: Code = "E0204";
/// E0205: entry given twice.
pub const DUPLICATE_ENTRY: Code = "E0205";
/// E0206: unexpected value in a phrase.
pub const UNEXPECTED_VALUE: Code = "E0206";
/// E0207: incomplete phrase.
pub const INCOMPLETE_PHRASE: Code = "E0207";
/// E0208: number out of range.
pub const OUT_OF_RANGE: Code = "E0208";
/// E0209: misplaced block name or `extends`.
pub const MISPLACED_LABEL: Code = "E0209";
/// E0210: field written as a clause, or the other way round.
pub const FIELD_OR_CLAUSE: Code = "E0210";
/// E0211: definitions location not given.
pub const DEFINITIONS_LOCATION_MISSING: Code = "E0211";
/// E0212: definitions stored at a subscription that cannot contain the policy's scopes.
pub const DEFINITIONS_LOCATION_OUT_OF_REACH: Code = "E0212";
/// E0213: invalid Azure name.
pub const INVALID_AZURE_NAME: Code = "E0213";
/// E0214: invalid budget amount or currency.
pub const INVALID_BUDGET_AMOUNT: Code = "E0214";
/// E0215: invalid budget alert.
pub const INVALID_BUDGET_ALERT: Code = "E0215";
/// E0216: invalid budget contact.
pub const INVALID_BUDGET_CONTACT: Code = "E0216";
/// E0217: invalid blocklist.
pub const INVALID_BLOCKLIST: Code = "E0217";

/// The codes of this group, in code order, for `charter explain` and `docs/errors.md`.
pub const CODES: &[CodeInfo] = &[
    CodeInfo {
        code: UNKNOWN_FIELD,
        severity: Severity::Error,
        title: "unknown field",
        explanation: r#"A block contains a field, clause or nested block that its kind does not take, often a misspelling. The help suggests the closest field name; `charter explain` and the editor list the fields each block takes."#,
        failing_example: include_str!("../../tests/fixtures/E0201.charter"),
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
        code: MISSING_FIELD,
        severity: Severity::Error,
        title: "missing required field",
        explanation: r#"A block lacks a field it must have: a policy needs a `scope`; a workload `governed_by`, `environment` and `resource_group`; an endpoint `model`, `deployment`, `filter` and `regions`; a filter that does not extend another must set every category of both sides. The fix inserts the field with a placeholder value to adjust."#,
        failing_example: include_str!("../../tests/fixtures/E0202.charter"),
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
        code: WRONG_TYPE,
        severity: Severity::Error,
        title: "wrong type of value",
        explanation: r#"A value has the wrong type for its field: a number where a string is expected, a name where a list is expected, a number without its unit (`90` instead of `90 days`), and so on. The message says what the field takes."#,
        failing_example: include_str!("../../tests/fixtures/E0203.charter"),
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
        code: UNKNOWN_KEYWORD,
        severity: Severity::Error,
        title: "unknown keyword",
        explanation: r#"A field that takes one of a fixed set of keywords (a severity, an effect, an environment, a deployment type, ...) has a word that is not one of them. The message lists the keywords; the help suggests the closest."#,
        failing_example: include_str!("../../tests/fixtures/E0204.charter"),
        fixed_example: FIXED_ENDPOINT,
    },
    CodeInfo {
        code: DUPLICATE_ENTRY,
        severity: Severity::Error,
        title: "entry given twice",
        explanation: r#"A field that may appear once in its block is written twice, or a policy's `models` block allows the same model in two `allow` clauses. Only one of the two can hold, so Charter refuses to guess: keep one (for `allow`, one clause listing every allowed version)."#,
        failing_example: include_str!("../../tests/fixtures/E0205.charter"),
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
        code: UNEXPECTED_VALUE,
        severity: Severity::Error,
        title: "unexpected value in a phrase",
        explanation: r#"A phrase has a word or value its field does not take, such as a misspelt modifier (`capacty 10`) or a second value where one is expected. The help lists the modifiers the field takes."#,
        failing_example: include_str!("../../tests/fixtures/E0206.charter"),
        fixed_example: FIXED_ENDPOINT,
    },
    CodeInfo {
        code: INCOMPLETE_PHRASE,
        severity: Severity::Error,
        title: "incomplete phrase",
        explanation: r#"A phrase lacks a part it needs: the `version` of an endpoint's model, the period of a budget (`monthly`), the date after `until`, or the value after a modifier such as `capacity`."#,
        failing_example: include_str!("../../tests/fixtures/E0207.charter"),
        fixed_example: FIXED_ENDPOINT,
    },
    CodeInfo {
        code: OUT_OF_RANGE,
        severity: Severity::Error,
        title: "number out of range",
        explanation: r#"A number is outside what its field accepts: capacities are whole numbers of at least 1, percentages and durations are whole numbers, and every number must fit the field."#,
        failing_example: include_str!("../../tests/fixtures/E0208.charter"),
        fixed_example: FIXED_ENDPOINT,
    },
    CodeInfo {
        code: MISPLACED_LABEL,
        severity: Severity::Error,
        title: "misplaced block name or `extends`",
        explanation: r#"A block is missing its name, has a name it does not take, has the wrong kind of name (catalog entries are named by strings, everything else by identifiers), or uses `extends`, which only filters may."#,
        failing_example: include_str!("../../tests/fixtures/E0209.charter"),
        fixed_example: FIXED_ENDPOINT,
    },
    CodeInfo {
        code: FIELD_OR_CLAUSE,
        severity: Severity::Error,
        title: "field written as a clause, or the other way round",
        explanation: r#"Entries have one shape each: fields take a colon (`effect: deny`), clauses do not (`allow "gpt-4.1"`), nested blocks take braces. The entry is written in another shape than its kind has."#,
        failing_example: include_str!("../../tests/fixtures/E0210.charter"),
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
        code: DEFINITIONS_LOCATION_MISSING,
        severity: Severity::Error,
        title: "definitions location not given",
        explanation: r#"A policy compiles to custom policy definitions and one initiative, stored at one management group or subscription, and assigned at each of the policy's scopes. Azure assigns an initiative only at or below the place it is stored, so that place must contain every scope. Without a declared hierarchy (`management_group` blocks, which let Charter compute the place), it infers the place only when it is unambiguous: the policy's only management group or subscription, or the subscription of its resource groups when it is assigned only at resource groups. When the policy is assigned at several management groups or subscriptions, or at one of them and at resource groups, say where its definitions are stored with `definitions_at: management_group("id")` (or `subscription("id")`), naming a management group above all of them, or declare the hierarchy. The fix adds the field with an empty id for you to fill in."#,
        failing_example: include_str!("../../tests/fixtures/E0211.charter"),
        fixed_example: r#"policy guardrails {
  scope: [management_group("contoso-ai-prod"), management_group("contoso-ai-dev")]
  // The parent group of contoso-ai-prod and contoso-ai-dev.
  definitions_at: management_group("contoso-ai")
}
"#,
    },
    CodeInfo {
        code: DEFINITIONS_LOCATION_OUT_OF_REACH,
        severity: Severity::Error,
        title: "definitions stored at a subscription that cannot contain the policy's scopes",
        explanation: r#"`definitions_at: subscription("id")` stores the policy's definitions and initiative in a subscription, and Azure assigns an initiative only at or below the place it is stored. A subscription contains resource groups, but never a management group or another subscription, so a policy assigned at one of those must store its definitions at a management group above all of its scopes."#,
        failing_example: include_str!("../../tests/fixtures/E0212_two_scopes.charter"),
        fixed_example: r#"policy guardrails {
  scope: [management_group("contoso-ai-prod"), subscription("prod")]
  definitions_at: management_group("contoso-ai")
}
"#,
    },
    CodeInfo {
        code: INVALID_AZURE_NAME,
        severity: Severity::Error,
        title: "invalid Azure name",
        explanation: r#"A resource group name or a management group id that Azure would refuse, written in a workload's `resource_group:` or in a `resource_group("...")` or `management_group("...")` scope. Both are 1 to 90 characters: letters, digits, underscores, hyphens, periods and parentheses, not ending with a period (resource group names may use any Unicode letter or digit). Charter checks them before compiling, so that a deployment does not fail on them later. The fix replaces each refused character with a hyphen."#,
        failing_example: include_str!("../../tests/fixtures/E0213_resource_group_scope.charter"),
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
        code: INVALID_BUDGET_AMOUNT,
        severity: Severity::Error,
        title: "invalid budget amount or currency",
        explanation: r#"A budget's amount is zero, or longer than a JSON number keeps exactly (15 digits before the decimal point), or its currency is not an ISO 4217 code. Azure refuses a budget of zero, and a budget in a currency that does not exist cannot match the billing account's."#,
        failing_example: include_str!("../../tests/fixtures/E0214.charter"),
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
        code: INVALID_BUDGET_ALERT,
        severity: Severity::Error,
        title: "invalid budget alert",
        explanation: r#"A budget's `alert_at` list breaks a rule of Azure budgets: each threshold is a notification, and a budget takes at most five; a threshold must be above 0% and at most 1000% of the amount; a threshold listed twice, or an empty list, is a mistake."#,
        failing_example: include_str!("../../tests/fixtures/E0215.charter"),
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
        code: INVALID_BUDGET_CONTACT,
        severity: Severity::Error,
        title: "invalid budget contact",
        explanation: r#"A budget's `notify` list is empty, names something that is not an e-mail address, or names one twice. Azure sends budget alerts to e-mail addresses; without `notify`, the resource group's owners are notified instead."#,
        failing_example: include_str!("../../tests/fixtures/E0216.charter"),
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
        code: INVALID_BLOCKLIST,
        severity: Severity::Error,
        title: "invalid blocklist",
        explanation: r#"A `blocklist` block cannot be created as written: a blocklist Charter creates needs terms or patterns, and none may be empty or listed twice; an external blocklist (`managed: external`) is created by another team, so Charter has no terms to give it."#,
        failing_example: include_str!("../../tests/fixtures/E0217.charter"),
        fixed_example: r#"blocklist "banned-terms" {
  terms: ["Project Nightjar"]
}
"#,
    },
];

/// Why Azure refuses a name: what is wrong with its characters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum NameProblem {
    Empty,
    StartsWith(char),
    Contains(char),
}

impl NameProblem {
    /// The problem in words: `it contains a space`, ``it starts with `-` ``.
    fn describe(self) -> String {
        match self {
            NameProblem::Empty => "it is empty".to_string(),
            NameProblem::StartsWith(first) => {
                format!("it starts with `{}`", sanitize(&first.to_string()))
            }
            NameProblem::Contains(' ') => "it contains a space".to_string(),
            NameProblem::Contains(bad) => format!("it contains `{}`", sanitize(&bad.to_string())),
        }
    }
}

/// E0213 for a blocklist: Azure refuses `name` (at `span`) because of `problem`.
pub(crate) fn invalid_blocklist_name(name: &str, span: Span, problem: NameProblem) -> Diagnostic {
    Diagnostic::error(
        INVALID_AZURE_NAME,
        format!(
            "invalid blocklist name `{}`: {}",
            sanitize(name),
            problem.describe()
        ),
        span,
        "Azure refuses this blocklist name",
    )
    .with_help("a blocklist name starts with a letter or digit and has only letters, digits, `_`, `.` and `-`")
}

/// E0217: the external blocklist `name` lists `key` (`terms`, `patterns`, at `span`), which
/// Charter does not create; `managed_span` is where it is said to be managed elsewhere.
pub(crate) fn external_blocklist_lists(
    name: &str,
    (key, span): (&str, Span),
    managed_span: Span,
) -> Diagnostic {
    Diagnostic::error(
        INVALID_BLOCKLIST,
        format!("external blocklist `{}` lists {key}", sanitize(name)),
        span,
        "ignored: Charter does not create this blocklist",
    )
    .with_secondary(managed_span, "managed elsewhere")
    .with_help(format!(
        "remove `{key}` and keep them where the blocklist is managed, or remove `managed: external` so Charter creates the blocklist with them"
    ))
}

/// E0217: an empty `singular` (`term`, `pattern`), at `span`, in blocklist `name`.
pub(crate) fn empty_blocklist_entry(singular: &str, name: &str, span: Span) -> Diagnostic {
    Diagnostic::error(
        INVALID_BLOCKLIST,
        format!("empty {singular} in blocklist `{}`", sanitize(name)),
        span,
        "matches nothing",
    )
    .with_help("remove it")
    .with_fix("remove the empty entry", span, "")
}

/// E0217: `singular` `text` is listed again, at `span` (first at `first`), in blocklist `name`.
pub(crate) fn duplicate_blocklist_entry(
    (singular, text): (&str, &str),
    name: &str,
    span: Span,
    first: Span,
) -> Diagnostic {
    Diagnostic::error(
        INVALID_BLOCKLIST,
        format!(
            "{singular} `{}` is listed twice in blocklist `{}`",
            sanitize(text),
            sanitize(name)
        ),
        span,
        "listed again here",
    )
    .with_secondary(first, "first listed here")
    .with_help("list each term once")
    .with_fix("remove the duplicate", span, "")
}

/// E0217: blocklist `name`, at `span`, lists neither terms nor patterns.
pub(crate) fn empty_blocklist(name: &str, span: Span) -> Diagnostic {
    Diagnostic::error(
        INVALID_BLOCKLIST,
        format!("blocklist `{}` has no terms and no patterns", sanitize(name)),
        span,
        "would block nothing",
    )
    .with_help("add `terms: [\"...\"]` or `patterns: [\"...\"]`, or `managed: external` when another team creates the blocklist and its terms")
}

/// The most notifications (alert thresholds) one Azure budget takes.
pub(crate) const MAX_NOTIFICATIONS: usize = 5;
/// The highest alert threshold Azure takes, in percent of the amount.
pub(crate) const MAX_THRESHOLD_PERCENT: u32 = 1000;
/// The most integer digits an amount keeps exactly: budgets travel as JSON numbers (IEEE 754
/// doubles), which hold 15 significant decimal digits.
pub(crate) const MAX_AMOUNT_DIGITS: usize = 15;

/// What Azure would refuse in a budget.
#[derive(Clone, Copy, Debug)]
pub(crate) enum BudgetProblem<'a> {
    /// The amount is zero.
    ZeroAmount,
    /// The amount has this many digits before the decimal point, more than
    /// [`MAX_AMOUNT_DIGITS`].
    TooManyDigits(usize),
    /// The currency is not an ISO 4217 code.
    UnknownCurrency(&'a str),
    /// `alert_at: []`.
    NoThresholds,
    /// A threshold of 0%.
    ZeroThreshold,
    /// A threshold above [`MAX_THRESHOLD_PERCENT`].
    ThresholdTooHigh(u32),
    /// A threshold listed again (first at the span).
    DuplicateThreshold(u32, Span),
    /// The threshold after the [`MAX_NOTIFICATIONS`]th.
    TooManyThresholds,
    /// `notify: []`.
    NoContacts,
    /// A contact that is not an e-mail address.
    NotAnEmailAddress(&'a str),
    /// A contact listed again (first at the span).
    DuplicateContact(&'a str, Span),
}

/// E0214, E0215 or E0216: what Azure would refuse in a budget, at `span`.
pub(crate) fn invalid_budget(problem: BudgetProblem<'_>, span: Span) -> Diagnostic {
    match problem {
        BudgetProblem::ZeroAmount => Diagnostic::error(
            INVALID_BUDGET_AMOUNT,
            "a budget amount must be more than zero",
            span,
            "zero",
        )
        .with_help("give the amount the workload may spend per period, or remove the budget"),
        BudgetProblem::TooManyDigits(digits) => Diagnostic::error(
            INVALID_BUDGET_AMOUNT,
            format!("budget amount has {digits} digits, more than Azure keeps exactly"),
            span,
            format!("at most {MAX_AMOUNT_DIGITS} digits before the decimal point"),
        )
        .with_note("budget amounts travel as JSON numbers, which hold about 15 significant digits; a longer amount would silently change")
        .with_help("check the amount"),
        BudgetProblem::UnknownCurrency(currency) => Diagnostic::error(
            INVALID_BUDGET_AMOUNT,
            format!("`{}` is not an ISO 4217 currency code", sanitize(currency)),
            span,
            "unknown currency",
        )
        .with_help("write the amount with a three-letter ISO 4217 code, such as `2000 USD` or `1800 EUR`"),
        BudgetProblem::NoThresholds => Diagnostic::error(
            INVALID_BUDGET_ALERT,
            "`alert_at` lists no thresholds",
            span,
            "no alerts",
        )
        .with_help("list the percentages of the amount to alert at, such as `[50%, 80%, 100%]`, or remove `alert_at`"),
        BudgetProblem::ZeroThreshold => Diagnostic::error(
            INVALID_BUDGET_ALERT,
            "an alert threshold of 0% never fires",
            span,
            "0%",
        )
        .with_note("Azure takes thresholds above 0% and at most 1000% of the budget")
        .with_help("use a percentage above 0%, such as `50%`"),
        BudgetProblem::ThresholdTooHigh(value) => Diagnostic::error(
            INVALID_BUDGET_ALERT,
            format!("alert threshold {value}% is above Azure's limit of {MAX_THRESHOLD_PERCENT}%"),
            span,
            format!("more than {MAX_THRESHOLD_PERCENT}%"),
        )
        .with_help(format!("use a threshold of at most {MAX_THRESHOLD_PERCENT}%")),
        BudgetProblem::DuplicateThreshold(value, first) => Diagnostic::error(
            INVALID_BUDGET_ALERT,
            format!("alert threshold {value}% is listed twice"),
            span,
            "listed again here",
        )
        .with_secondary(first, "first listed here")
        .with_help("list each threshold once")
        .with_fix("remove the duplicate", span, ""),
        BudgetProblem::TooManyThresholds => Diagnostic::error(
            INVALID_BUDGET_ALERT,
            format!("a budget takes at most {MAX_NOTIFICATIONS} alert thresholds"),
            span,
            format!("threshold number {}", MAX_NOTIFICATIONS + 1),
        )
        .with_note("each threshold is one notification of the Azure budget, and Azure allows five")
        .with_help("keep the five thresholds that matter most"),
        BudgetProblem::NoContacts => Diagnostic::error(
            INVALID_BUDGET_CONTACT,
            "`notify` lists no one",
            span,
            "no contacts",
        )
        .with_help("list the e-mail addresses to alert, or remove `notify` (the resource group's owners are then notified)"),
        BudgetProblem::NotAnEmailAddress(address) => Diagnostic::error(
            INVALID_BUDGET_CONTACT,
            format!("`{}` is not an e-mail address", sanitize(address)),
            span,
            "not an e-mail address",
        )
        .with_help("write a full address, such as `ai-finops@contoso.com`"),
        BudgetProblem::DuplicateContact(address, first) => Diagnostic::error(
            INVALID_BUDGET_CONTACT,
            format!("`{}` is listed twice", sanitize(address)),
            span,
            "listed again here",
        )
        .with_secondary(first, "first listed here")
        .with_help("list each contact once")
        .with_fix("remove the duplicate", span, ""),
    }
}

/// E0205: deployment type `kind`, at `span`, is listed again in a policy's `deployment_types`.
pub(crate) fn deployment_type_listed_twice(kind: &str, span: Span) -> Diagnostic {
    Diagnostic::error(
        DUPLICATE_ENTRY,
        format!("deployment type `{kind}` is listed twice"),
        span,
        "listed again here",
    )
    .with_help("list each deployment type once")
    .with_fix("remove the duplicate", span, "")
}

/// E0205: a second `allow` of `model` (at `span`, listing `versions`) in a policy's `models`
/// block, whose first `allow` (at `first`) lists `first_versions`.
pub(crate) fn model_allowed_twice(
    (model, span): (&str, Span),
    versions: &[String],
    (first, first_versions): (Span, &[&str]),
) -> Diagnostic {
    let model = sanitize(model);
    let diagnostic = Diagnostic::error(
        DUPLICATE_ENTRY,
        format!("model `{model}` is allowed twice"),
        span,
        "allowed again here",
    )
    .with_secondary(first, "first allowed here");
    // Without `versions`, an `allow` admits every version, so the merged clause does too.
    if first_versions.is_empty() || versions.is_empty() {
        return diagnostic.with_help(format!(
            "keep one `allow \"{model}\"`; one without `versions` allows every version"
        ));
    }
    let mut merged: Vec<String> = Vec::new();
    for version in first_versions
        .iter()
        .copied()
        .chain(versions.iter().map(String::as_str))
    {
        let quoted = format!("\"{}\"", sanitize(version));
        if !merged.contains(&quoted) {
            merged.push(quoted);
        }
    }
    diagnostic.with_help(format!(
        "keep one clause: `allow \"{model}\" versions [{}]`",
        merged.join(", ")
    ))
}

/// E0203: `definitions_at` (the field `key`) names `scope`, a resource group, at `span`.
pub(crate) fn definitions_at_resource_group(scope: &str, span: Span, key: &str) -> Diagnostic {
    Diagnostic::error(
        WRONG_TYPE,
        format!(
            "expected a management group or subscription, found `{}`",
            sanitize(scope)
        ),
        span,
        "definitions cannot be stored at a resource group",
    )
    .with_help("name the subscription that contains the resource group: `subscription(\"id\")`, or a management group above it")
    .with_note(format!("`{key}` takes `management_group(\"id\")` or `subscription(\"id\")`"))
}

/// E0203: `definitions_at` names an empty id, at `span`.
pub(crate) fn definitions_at_empty_id(span: Span) -> Diagnostic {
    Diagnostic::error(
        WRONG_TYPE,
        "expected a management group or subscription id, found an empty string",
        span,
        "the id is empty",
    )
    .with_help("name the management group or subscription that contains every scope of the policy")
}

/// E0212: policy `policy` stores its definitions at the subscription `scope` (at `span`),
/// which does not contain the scopes `outside` (each as Charter writes it, with its span).
pub(crate) fn definitions_location_out_of_reach(
    policy: &str,
    (scope, span): (&str, Span),
    outside: &[(String, Span)],
) -> Option<Diagnostic> {
    let (first, _) = outside.first()?;
    let mut diagnostic = Diagnostic::error(
        DEFINITIONS_LOCATION_OUT_OF_REACH,
        format!(
            "policy `{}` cannot store its definitions at `{}`",
            sanitize(policy),
            sanitize(scope)
        ),
        span,
        format!("a subscription does not contain `{}`", sanitize(first)),
    );
    for (_, scope_span) in outside {
        diagnostic = diagnostic.with_secondary(*scope_span, "the policy is assigned here");
    }
    Some(diagnostic
        .with_help("store the definitions at a management group above every scope of the policy: `definitions_at: management_group(\"id\")`")
        .with_note("Azure assigns an initiative only at or below the management group or subscription where it is stored"))
}

/// E0211: policy `policy` is assigned at the scopes at `scope_spans` (its `scope:` key at
/// `span`) and does not say where its definitions are stored; the fix inserts `insertion` at
/// `at`.
pub(crate) fn definitions_location_missing(
    policy: &str,
    span: Span,
    scope_spans: &[Span],
    (at, insertion): (Span, String),
) -> Diagnostic {
    let mut diagnostic = Diagnostic::error(
        DEFINITIONS_LOCATION_MISSING,
        format!(
            "policy `{}` is assigned at {} scopes: say where its definitions are stored",
            sanitize(policy),
            scope_spans.len()
        ),
        span,
        "the definitions and initiative need one place above these scopes",
    );
    for scope_span in scope_spans {
        diagnostic = diagnostic.with_secondary(*scope_span, "the policy is assigned here");
    }
    diagnostic
        .with_help("add `definitions_at: management_group(\"...\")` naming a management group above all of them")
        .with_note("Azure assigns an initiative only at or below the management group or subscription where it is stored, and without a declared hierarchy Charter cannot know which management group contains which scope")
        .with_fix("add `definitions_at: management_group(\"\")`", at, insertion)
}

/// E0201: `keyword`, at `span`, starts no kind of top-level block; `known` are the keywords
/// that do.
pub(crate) fn unknown_block<'c>(
    keyword: &str,
    span: Span,
    known: impl IntoIterator<Item = &'c str>,
) -> Diagnostic {
    let diagnostic = Diagnostic::error(
        UNKNOWN_FIELD,
        format!("unknown block `{}`", sanitize(keyword)),
        span,
        "not a kind of declaration",
    );
    let diagnostic = with_suggestion(diagnostic, keyword, known, span, "");
    if diagnostic.help.is_some() {
        return diagnostic;
    }
    let listing: Vec<String> = crate::schema::TOP_LEVEL
        .iter()
        .map(|&kind| format!("`{}`", crate::schema::block(kind).keyword))
        .collect();
    let (last, init) = listing
        .split_last()
        .map_or(("", &[][..]), |(l, i)| (l.as_str(), i));
    diagnostic.with_help(format!(
        "a file declares {} and {last} blocks",
        init.join(", ")
    ))
}

/// E0209: a `keyword` block, which cannot extend another, has `extends` at `span`.
pub(crate) fn cannot_extend(keyword: &str, span: Span) -> Diagnostic {
    Diagnostic::error(
        MISPLACED_LABEL,
        format!(
            "{} cannot extend another",
            with_article(&format!("`{keyword}`"))
        ),
        span,
        "`extends` is not allowed here",
    )
    .with_help("only filters extend other filters; remove `extends ...`")
}

/// E0205: entry `name`, which a block takes once, is given again at `span` (first at `first`).
pub(crate) fn entry_given_twice(name: &str, span: Span, first: Span) -> Diagnostic {
    Diagnostic::error(
        DUPLICATE_ENTRY,
        format!("`{name}` is given twice"),
        span,
        "given again here",
    )
    .with_secondary(first, "first given here")
    .with_help("keep one of them")
}

/// E0209: a `keyword` block, which takes no name, is named at `span`.
pub(crate) fn name_not_taken(keyword: &str, span: Span) -> Diagnostic {
    Diagnostic::error(
        MISPLACED_LABEL,
        format!(
            "{} block takes no name",
            with_article(&format!("`{keyword}`"))
        ),
        span,
        "unexpected name",
    )
    .with_help("remove the name")
    .with_fix("remove the name", span, "")
}

/// E0209: a `keyword` block, named by an identifier, is named by the string `text` at `span`;
/// `identifier` says whether `text` would be a valid identifier without its quotes.
pub(crate) fn name_is_a_string(
    keyword: &str,
    (text, span): (&str, Span),
    identifier: bool,
) -> Diagnostic {
    let diagnostic = Diagnostic::error(
        MISPLACED_LABEL,
        format!(
            "the name of {} is an identifier, not a string",
            with_article(&format!("`{keyword}`"))
        ),
        span,
        "a string",
    );
    if identifier {
        diagnostic
            .with_help(format!("write `{}` without quotes", sanitize(text)))
            .with_fix("remove the quotes", span, text)
    } else {
        diagnostic.with_help("names are letters, digits and `_`, starting with a letter")
    }
}

/// E0209: a `keyword` block, named by a string, is named by the identifier `name` at `span`.
pub(crate) fn name_is_not_a_string(keyword: &str, (name, span): (&str, Span)) -> Diagnostic {
    Diagnostic::error(
        MISPLACED_LABEL,
        format!(
            "the name of {} is a string",
            with_article(&format!("`{keyword}`"))
        ),
        span,
        "write it in quotes",
    )
    .with_fix("add quotes", span, format!("\"{name}\""))
}

/// E0209: a `keyword` block, at `span`, has no name; `string` says whether it is named by a
/// string.
pub(crate) fn missing_name(keyword: &str, span: Span, string: bool) -> Diagnostic {
    Diagnostic::error(
        MISPLACED_LABEL,
        format!("{} needs a name", with_article(&format!("`{keyword}`"))),
        span,
        "no name after this",
    )
    .with_help(if string {
        format!("write `{keyword} \"NAME\" {{ ... }}`")
    } else {
        format!("write `{keyword} NAME {{ ... }}`")
    })
}

/// E0201: `name`, written as a `noun` (field, clause, block) at `span`, is no entry of `schema`.
pub(crate) fn unknown_entry(
    schema: &'static BlockSchema,
    name: &str,
    noun: &str,
    span: Span,
) -> Diagnostic {
    let inside = match schema.label {
        LabelKind::None => format!("`{}`", schema.keyword),
        _ => with_article(&format!("`{}`", schema.keyword)),
    };
    let diagnostic = Diagnostic::error(
        UNKNOWN_FIELD,
        format!("unknown {noun} `{}` in {inside}", sanitize(name)),
        span,
        format!("not {} of {inside}", with_article(noun)),
    );
    let names = schema.entries.iter().map(|entry| entry.name);
    let diagnostic = with_suggestion(diagnostic, name, names, span, "");
    if diagnostic.help.is_some() {
        return diagnostic;
    }
    // A category written on the wrong side is a common slip: say where it belongs.
    let other_sides: Vec<&str> = match schema.kind {
        BlockKind::Side(this) => charter_ir::Side::ALL
            .into_iter()
            .filter(|side| *side != this)
            .filter(|side| schema::block(BlockKind::Side(*side)).entry(name).is_some())
            .map(|side| side.charter_name())
            .collect(),
        _ => Vec::new(),
    };
    match other_sides.as_slice() {
        [] => {}
        [side] => {
            return diagnostic.with_help(format!(
                "`{}` applies to the {side} side only; move it into `{side} {{ ... }}`",
                sanitize(name)
            ));
        }
        sides => {
            let blocks: Vec<String> = sides.iter().map(|s| format!("`{s} {{ ... }}`")).collect();
            return diagnostic.with_help(format!(
                "`{}` does not apply on this side; move it into {}",
                sanitize(name),
                schema::join_or(&blocks)
            ));
        }
    }
    let listing: Vec<String> = schema
        .entries
        .iter()
        .map(|e| format!("`{}`", e.name))
        .collect();
    diagnostic.with_help(format!("{inside} takes {}", schema::join_or(&listing)))
}

/// E0210: `entry` is written as a `written` (field, clause, block), at `span`, in another
/// shape than its own.
pub(crate) fn wrong_shape(entry: &'static EntrySchema, written: &str, span: Span) -> Diagnostic {
    let (shape, help) = match &entry.shape {
        EntryShape::Field(_) => (
            "field",
            format!("write `{}: ...`, with a colon", entry.name),
        ),
        EntryShape::Clause(_) => (
            "clause",
            format!("write `{} ...`, without a colon", entry.name),
        ),
        EntryShape::Block(_) => ("block", format!("write `{} {{ ... }}`", entry.name)),
    };
    Diagnostic::error(
        FIELD_OR_CLAUSE,
        format!("`{}` is a {shape}", entry.name),
        span,
        format!("written as a {written}"),
    )
    .with_help(help)
}

/// The line that adds `entry` with its placeholder: `scope: subscription("id")`.
pub(crate) fn entry_example(entry: &'static EntrySchema) -> String {
    match entry.shape {
        EntryShape::Field(_) => format!("{}: {}", entry.name, entry.placeholder),
        EntryShape::Clause(_) => format!("{} {}", entry.name, entry.placeholder),
        EntryShape::Block(_) => format!("{} {{ }}", entry.name),
    }
}

/// E0202: the `keyword` block named `label` (at `span`; its keyword's span when unnamed) lacks
/// `entry`; the fix, when there is one, inserts its text at its span.
pub(crate) fn missing_entry(
    (keyword, label): (&str, Option<&str>),
    span: Span,
    entry: &'static EntrySchema,
    fix: Option<(Span, String)>,
) -> Diagnostic {
    let what = match entry.shape {
        EntryShape::Field(_) => format!("field `{}`", entry.name),
        EntryShape::Clause(_) => format!("clause `{}`", entry.name),
        EntryShape::Block(_) => format!("block `{} {{ ... }}`", entry.name),
    };
    let block = match label {
        Some(label) => format!("{keyword} `{}`", sanitize(label)),
        None => format!("`{keyword}`"),
    };
    let diagnostic = Diagnostic::error(
        MISSING_FIELD,
        format!("missing required {what} in {block}"),
        span,
        format!(
            "needs {}",
            what.split_once(" ").map_or(what.as_str(), |(_, name)| name)
        ),
    )
    .with_help(format!("add `{}`", entry_example(entry)))
    .with_note(format!("`{}`: {}", entry.name, entry.doc));
    match fix {
        Some((at, text)) => {
            diagnostic.with_fix(format!("add `{}`", entry_example(entry)), at, text)
        }
        None => diagnostic,
    }
}

/// E0207: `entry`, taking `phrase`, has no value at `span`.
pub(crate) fn no_value(
    entry: &'static EntrySchema,
    phrase: &PhraseSchema,
    span: Span,
) -> Diagnostic {
    Diagnostic::error(
        INCOMPLETE_PHRASE,
        format!("`{}` has no value", entry.name),
        span,
        format!("expected {}", phrase.head.describe()),
    )
    .with_help(format!("write `{}`", entry_example(entry)))
}

/// E0207: `entry` lacks its positional value `slot`, expected right after `after`.
pub(crate) fn missing_slot(entry: &'static EntrySchema, slot: &Slot, after: Span) -> Diagnostic {
    Diagnostic::error(
        INCOMPLETE_PHRASE,
        format!("missing {} in `{}`", slot.what, entry.name),
        Span::new(after.file, after.end as usize, after.end as usize),
        format!("expected {}", slot.kind.describe()),
    )
    .with_help(format!("write `{}`", entry_example(entry)))
}

/// E0207: `modifier` lacks its argument `slot`, expected right after `after`.
pub(crate) fn missing_modifier_argument(
    modifier: &Modifier,
    slot: &Slot,
    after: Span,
) -> Diagnostic {
    Diagnostic::error(
        INCOMPLETE_PHRASE,
        format!("missing {} after `{}`", slot.what, modifier.word),
        Span::new(after.file, after.end as usize, after.end as usize),
        format!("expected {}", slot.kind.describe()),
    )
    .with_help(modifier.doc)
}

/// E0207: `entry` lacks its required modifier `word`, expected at `at`.
pub(crate) fn missing_modifier(entry: &'static EntrySchema, word: &str, at: Span) -> Diagnostic {
    Diagnostic::error(
        INCOMPLETE_PHRASE,
        format!("missing `{word}` in `{}`", entry.name),
        at,
        format!("expected `{word}` here"),
    )
    .with_help(format!("write `{}`", entry_example(entry)))
}

/// E0206: modifier `word` is given again, at `span`, in `entry`.
pub(crate) fn modifier_given_twice(word: &str, entry: &str, span: Span) -> Diagnostic {
    Diagnostic::error(
        UNEXPECTED_VALUE,
        format!("`{word}` is given twice in `{entry}`"),
        span,
        "given again here",
    )
    .with_help("keep one of them")
}

/// E0206: `value` stands where `entry`, taking `phrase`, expects a modifier or nothing.
pub(crate) fn unexpected_value(
    phrase: &'static PhraseSchema,
    entry: &'static EntrySchema,
    value: &Value,
) -> Diagnostic {
    let found = describe_found(value);
    let diagnostic = Diagnostic::error(
        UNEXPECTED_VALUE,
        format!("unexpected {found} in `{}`", entry.name),
        value.span(),
        "not expected here",
    );
    if phrase.modifiers.is_empty() {
        return diagnostic.with_help(format!(
            "`{}` takes {}; remove the rest",
            entry.name,
            phrase.head.describe()
        ));
    }
    let words = phrase.modifiers.iter().map(|m| m.word);
    let diagnostic = match value {
        Value::Path(path) => with_suggestion(diagnostic, &path.text(), words, value.span(), ""),
        _ => diagnostic,
    };
    if diagnostic.help.is_some() {
        return diagnostic;
    }
    let listing: Vec<String> = phrase
        .modifiers
        .iter()
        .map(|m| format!("`{}`", m.word))
        .collect();
    diagnostic.with_help(format!(
        "after the value, `{}` takes {}",
        entry.name,
        schema::join_or(&listing)
    ))
}

/// What a written value is, for "expected X, found Y".
fn describe_found(value: &Value) -> String {
    match value {
        Value::Str(string) => format!("string `\"{}\"`", sanitize(&string.value)),
        Value::Number(number) => match number.unit.as_ref().map(|unit| &unit.kind) {
            None => format!("number `{}`", number.digits),
            Some(UnitKind::Percent) => format!("percentage `{}%`", number.digits),
            Some(UnitKind::Currency(currency)) => {
                format!("amount `{} {}`", number.digits, sanitize(currency))
            }
            Some(UnitKind::CapacityUnits) => format!("capacity `{} units`", number.digits),
            Some(UnitKind::Days) => format!("duration `{} days`", number.digits),
            Some(UnitKind::Weeks) => format!("duration `{} weeks`", number.digits),
            Some(UnitKind::Months) => format!("duration `{} months`", number.digits),
            Some(UnitKind::Years) => format!("duration `{} years`", number.digits),
        },
        Value::Date(date) => format!("date `{:04}-{:02}-{:02}`", date.year, date.month, date.day),
        Value::Path(path) => format!("`{}`", sanitize(&path.text())),
        Value::Call(call) => format!("`{}(...)`", sanitize(&call.callee.name)),
        Value::List(_) => "list".to_string(),
        Value::Error(_) => "value".to_string(),
    }
}

/// What kind of thing a written value is: "a string", "a duration".
fn found_noun(value: &Value) -> &'static str {
    match value {
        Value::Str(_) => "a string",
        Value::Number(number) => match number.unit.as_ref().map(|unit| &unit.kind) {
            None => "a number",
            Some(UnitKind::Percent) => "a percentage",
            Some(UnitKind::Currency(_)) => "an amount of money",
            Some(UnitKind::CapacityUnits) => "a capacity",
            Some(_) => "a duration",
        },
        Value::Date(_) => "a date",
        Value::Path(_) => "a name",
        Value::Call(_) => "a call",
        Value::List(_) => "a list",
        Value::Error(_) => "a value",
    }
}

/// How to write a value of the wrong type so that it has the right one.
#[derive(Clone, Debug)]
pub(crate) enum Remedy<'a> {
    /// Say what the field takes: "write a whole number".
    Describe,
    /// A fixed piece of advice.
    Advice(&'static str),
    /// Put `text` (at the span) in quotes.
    Quote(&'a str, Span),
    /// Remove the quotes around `text` (the string at the span), which is a valid value bare.
    Unquote(&'a str, Span),
    /// As [`Remedy::Unquote`], for the name of something of the kind (`a filter`).
    UnquoteName(&'static str, &'a str, Span),
    /// As [`Remedy::Unquote`], for a keyword.
    UnquoteKeyword(&'a str, Span),
    /// Add `%` to the number `digits` at the span.
    AddPercent(&'a str, Span),
    /// Add a unit to the number `digits` at the span.
    AddDays(&'a str, Span),
    /// Add a currency code to the number `digits`.
    AddCurrency(&'a str),
    /// Write a list; the fix, when there is one, wraps the value at the span.
    List(Option<(Span, String)>),
}

/// E0203: `value` is not of `kind`; `remedy` says how to write it.
pub(crate) fn wrong_type(kind: &ValueKind, value: &Value, remedy: Remedy<'_>) -> Diagnostic {
    let diagnostic = Diagnostic::error(
        WRONG_TYPE,
        format!(
            "expected {}, found {}",
            kind.describe(),
            describe_found(value)
        ),
        value.span(),
        format!("this is {}", found_noun(value)),
    );
    match remedy {
        Remedy::Describe => diagnostic.with_help(format!("write {}", kind.describe())),
        Remedy::Advice(advice) => diagnostic.with_help(advice),
        Remedy::Quote(text, span) => diagnostic
            .with_help(format!("write it in quotes: `\"{}\"`", sanitize(text)))
            .with_fix("add quotes", span, format!("\"{text}\"")),
        Remedy::Unquote(text, span) => diagnostic
            .with_help(format!("write `{}` without quotes", sanitize(text)))
            .with_fix("remove the quotes", span, text),
        Remedy::UnquoteName(noun, text, span) => diagnostic
            .with_help(format!(
                "{} is named without quotes: `{}`",
                with_article(noun),
                sanitize(text)
            ))
            .with_fix("remove the quotes", span, text),
        Remedy::UnquoteKeyword(text, span) => diagnostic
            .with_help(format!(
                "keywords are written without quotes: `{}`",
                sanitize(text)
            ))
            .with_fix("remove the quotes", span, text),
        Remedy::AddPercent(digits, span) => diagnostic
            .with_help(format!("write `{digits}%`"))
            .with_fix("add `%`", span, format!("{digits}%")),
        Remedy::AddDays(digits, span) => diagnostic
            .with_help(format!("add a unit: `{digits} days`"))
            .with_fix("add `days`", span, format!("{digits} days")),
        Remedy::AddCurrency(digits) => diagnostic.with_help(format!(
            "add a currency code: `{digits} USD`, `{digits} EUR`, ..."
        )),
        Remedy::List(fix) => {
            let diagnostic = diagnostic.with_help("write a list in brackets: `[a, b]`");
            match fix {
                Some((span, text)) => diagnostic.with_fix("put it in a list", span, text),
                None => diagnostic,
            }
        }
    }
}

/// Why a number is out of range.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum RangeProblem {
    /// A capacity of zero.
    ZeroCapacity,
    /// A fraction where a whole number belongs.
    NotWhole,
    /// More than the field holds.
    TooLarge,
    /// A duration too long to count in days.
    DurationTooLong,
}

/// E0208: the number `digits`, at `span`, is out of range for `problem`.
pub(crate) fn out_of_range(digits: &str, span: Span, problem: RangeProblem) -> Diagnostic {
    let why = match problem {
        RangeProblem::ZeroCapacity => "must be at least 1",
        RangeProblem::NotWhole => "must be a whole number",
        RangeProblem::TooLarge => "is too large",
        RangeProblem::DurationTooLong => "the duration is too long",
    };
    let diagnostic = Diagnostic::error(
        OUT_OF_RANGE,
        format!("`{digits}` is out of range: {why}"),
        span,
        "out of range",
    );
    match problem {
        RangeProblem::ZeroCapacity => {
            diagnostic.with_help("a capacity is a whole number of units, at least 1")
        }
        _ => diagnostic,
    }
}

/// E0204: `word`, at `span`, is none of the keywords of `set` that `kind` takes.
pub(crate) fn unknown_keyword(
    kind: &ValueKind,
    set: &'static KeywordSet,
    word: &str,
    span: Span,
) -> Diagnostic {
    let diagnostic = Diagnostic::error(
        UNKNOWN_KEYWORD,
        format!("expected {}", kind.describe()),
        span,
        format!("`{}` is not {}", sanitize(word), set.what),
    );
    with_suggestion(diagnostic, word, set.words.iter().map(|k| k.word), span, "")
}

/// E0204: `callee`, at `span`, is none of the `scopes`.
pub(crate) fn unknown_scope(callee: &str, span: Span, scopes: &[&str]) -> Diagnostic {
    let diagnostic = Diagnostic::error(
        UNKNOWN_KEYWORD,
        format!("unknown scope `{}`", sanitize(callee)),
        span,
        "not a kind of scope",
    );
    let diagnostic = with_suggestion(diagnostic, callee, scopes.iter().copied(), span, "");
    if diagnostic.help.is_some() {
        return diagnostic;
    }
    diagnostic.with_help("a scope is `management_group(\"id\")`, `subscription(\"id\")` or `resource_group(\"name\")`")
}

/// E0203: the scope `callee(...)`, at `span`, does not have one string argument.
pub(crate) fn scope_takes_one_string(callee: &str, span: Span) -> Diagnostic {
    let callee = sanitize(callee);
    Diagnostic::error(
        WRONG_TYPE,
        format!("`{callee}` takes one string"),
        span,
        "expected one string argument",
    )
    .with_help(format!("write `{callee}(\"name\")`"))
}

/// The Azure names Charter checks before Azure would refuse them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum AzureName {
    ResourceGroup,
    ManagementGroup,
    /// A subscription id (a GUID) or the name the project gives a subscription.
    Subscription,
}

/// The longest resource group name or management group id Azure accepts.
const AZURE_NAME_MAX_CHARS: usize = 90;

/// The longest subscription name Azure accepts.
const SUBSCRIPTION_NAME_MAX_CHARS: usize = 64;

impl AzureName {
    fn noun(self) -> &'static str {
        match self {
            AzureName::ResourceGroup => "resource group name",
            AzureName::ManagementGroup => "management group id",
            AzureName::Subscription => "subscription",
        }
    }

    /// The most characters Azure accepts.
    pub(crate) fn max_chars(self) -> usize {
        match self {
            AzureName::Subscription => SUBSCRIPTION_NAME_MAX_CHARS,
            _ => AZURE_NAME_MAX_CHARS,
        }
    }
}

/// Why Azure refuses a resource group name, management group id or subscription name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum AzureNameProblem {
    Empty,
    /// It has this many characters, more than [`AzureName::max_chars`].
    TooLong(usize),
    StartsWithPeriod,
    /// It contains this character, which Azure refuses.
    Contains(char),
    EndsWithPeriod,
}

/// E0213: Azure refuses `name`, a `what` at `span`, because of `problem`; `repaired` is the
/// nearest name it accepts, when there is one.
pub(crate) fn invalid_azure_name(
    what: AzureName,
    (name, span): (&str, Span),
    problem: AzureNameProblem,
    repaired: Option<&str>,
) -> Diagnostic {
    let max = what.max_chars();
    let problem = match problem {
        AzureNameProblem::Empty => "it is empty".to_string(),
        AzureNameProblem::TooLong(length) => {
            format!("it is {length} characters long, more than {max}")
        }
        AzureNameProblem::StartsWithPeriod => "it starts with a period".to_string(),
        AzureNameProblem::Contains(' ') => "it contains a space".to_string(),
        AzureNameProblem::Contains(bad) if bad.is_control() => {
            "it contains a control character".to_string()
        }
        AzureNameProblem::Contains(bad) => format!("it contains `{}`", sanitize(&bad.to_string())),
        AzureNameProblem::EndsWithPeriod => "it ends with a period".to_string(),
    };
    let diagnostic = Diagnostic::error(
        INVALID_AZURE_NAME,
        format!("invalid {} `{}`: {problem}", what.noun(), sanitize(name)),
        span,
        format!("Azure refuses this {}", what.noun()),
    )
    .with_help(match what {
        AzureName::Subscription => format!(
            "a subscription is its id (a GUID) or a name of 1 to {max} letters, digits, `_`, `-`, `.`, `(` or `)` that neither starts nor ends with `.`"
        ),
        _ => format!(
            "{} is 1 to {max} letters, digits, `_`, `-`, `.`, `(` or `)`, and does not end with `.`",
            with_article(what.noun())
        ),
    });
    match repaired {
        Some(repaired) => diagnostic.with_fix(
            format!("use `{}`", sanitize(repaired)),
            span,
            format!("\"{repaired}\""),
        ),
        None => diagnostic,
    }
}

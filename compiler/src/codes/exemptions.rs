//! Exemptions (E07xx): expired, unexplained, ambiguous or misplaced exemptions.

use charter_ir::Date;
use charter_syntax::diagnostic::sanitize;
use charter_syntax::{Code, CodeInfo, Diagnostic, Severity, Span};

/// E0701: exemption expired.
pub const EXEMPTION_EXPIRED: Code = "E0701";
/// E0702: exemption without a reason.
pub const EXEMPTION_WITHOUT_REASON: Code = "E0702";
/// E0703: ambiguous exemption.
pub const AMBIGUOUS_EXEMPTION: Code = "E0703";
/// E0704: exemption under a scope the policy is not assigned at.
pub const EXEMPTION_OUTSIDE_ASSIGNMENT: Code = "E0704";
/// E0705: exemption expires soon.
pub const EXEMPTION_EXPIRES_SOON: Code = "E0705";
/// E0706: exemption longer than the policy allows.
pub const EXEMPTION_TOO_LONG: Code = "E0706";
/// E0707: exemption from a rule the policy does not have.
pub const EXEMPTION_FROM_ABSENT_RULE: Code = "E0707";
/// E0708: exemption owner or ticket empty.
pub const EXEMPTION_EMPTY_REFERENCE: Code = "E0708";
/// E0709: malformed resource in an exemption.
pub const MALFORMED_EXEMPT_RESOURCE: Code = "E0709";
/// E0710: exemption of an endpoint that runs on a business unit's shared resource.
pub const EXEMPT_SHARED_ENDPOINT: Code = "E0710";

/// The codes of this group, in code order, for `charter explain` and `docs/errors.md`.
pub const CODES: &[CodeInfo] = &[
    CodeInfo {
        code: EXEMPTION_EXPIRED,
        severity: Severity::Error,
        title: "exemption expired",
        explanation: r#"The exemption's `until` date is in the past (relative to today, or `--today`), so it no longer exempts anything; keeping it hides that the scope must now comply. Remove it, or renew it with a new date and a reason."#,
        failing_example: include_str!("../../tests/fixtures/E0701.charter"),
        fixed_example: r#"policy guardrails {
  scope: subscription("prod")
  exempt resource_group("rg-lab") until 2027-01-31 as waiver "Lab experiments"
}
"#,
    },
    CodeInfo {
        code: EXEMPTION_WITHOUT_REASON,
        severity: Severity::Error,
        title: "exemption without a reason",
        explanation: r#"Every exemption says why (`as waiver "..."` or `as mitigated "..."`): the reason is what auditors read."#,
        failing_example: include_str!("../../tests/fixtures/E0702.charter"),
        fixed_example: r#"policy guardrails {
  scope: subscription("prod")
  exempt resource_group("rg-lab") until 2027-01-31 as waiver "Lab experiments"
}
"#,
    },
    CodeInfo {
        code: AMBIGUOUS_EXEMPTION,
        severity: Severity::Error,
        title: "ambiguous exemption",
        explanation: r#"The policy is assigned at several scopes, and the exempted scope is not one of them, so it is unclear which assignment the exemption exempts. Azure requires an exemption to sit at or below the scope of the assignment it exempts, and without a declared hierarchy Charter cannot know which management group or subscription contains the exempted scope. Declare the hierarchy (`management_group` blocks; docs/language.md) and Charter finds the assignment itself; or say it with `under SCOPE`, naming the policy scope that contains the exempted one. An exemption at one of the policy's own scopes exempts the assignment there, and under a policy with a single scope no `under` is needed."#,
        failing_example: include_str!("../../tests/fixtures/E0703.charter"),
        fixed_example: r#"policy guardrails {
  scope: [management_group("contoso-ai-prod"), management_group("contoso-ai-dev")]
  definitions_at: management_group("contoso-ai")
  exempt resource_group("rg-lab") under management_group("contoso-ai-dev") until 2027-01-31 as waiver "Lab experiments"
}
"#,
    },
    CodeInfo {
        code: EXEMPTION_OUTSIDE_ASSIGNMENT,
        severity: Severity::Error,
        title: "exemption under a scope the policy is not assigned at",
        explanation: r#"`under SCOPE` says which of the policy's assignments an exemption exempts, so it must name one of the scopes in the policy's `scope:` field, written the same way. The help lists the policy's scopes and suggests the closest one."#,
        failing_example: include_str!("../../tests/fixtures/E0704.charter"),
        fixed_example: r#"policy guardrails {
  scope: [management_group("contoso-ai-prod"), management_group("contoso-ai-dev")]
  definitions_at: management_group("contoso-ai")
  exempt resource_group("rg-lab") under management_group("contoso-ai-dev") until 2027-01-31 as waiver "Lab experiments"
}
"#,
    },
    CodeInfo {
        code: EXEMPTION_EXPIRES_SOON,
        severity: Severity::Warning,
        title: "exemption expires soon",
        explanation: r#"The exemption's `until` date is within the policy's `exemption_warning` (30 days unless the policy says otherwise) of today. On that date the exemption stops exempting anything and the check fails (E0701), so that the scope either complies or the waiver is renewed on purpose: this warning comes first, so that the renewal or the fix is planned rather than found when CI turns red. Renew it with a new `until` date (and a reason that still holds), or make the scope comply and remove it."#,
        failing_example: include_str!("../../tests/fixtures/E0705.charter"),
        fixed_example: r#"policy guardrails {
  scope: subscription("prod")
  exempt resource_group("rg-lab") until 2027-03-31 as waiver "Lab experiments"
}
"#,
    },
    CodeInfo {
        code: EXEMPTION_TOO_LONG,
        severity: Severity::Error,
        title: "exemption longer than the policy allows",
        explanation: r#"The policy sets `max_exemption`, the longest an exemption may run from today, and this exemption's `until` date is further away. A waiver is meant to be reviewed: a long one outlives the reason it was granted for. Choose an earlier date, and renew the exemption when it is reviewed."#,
        failing_example: include_str!("../../tests/fixtures/E0706.charter"),
        fixed_example: r#"policy guardrails {
  scope: subscription("prod")
  max_exemption: 180 days
  exempt resource_group("rg-lab") until 2027-03-31 as waiver "Lab experiments"
}
"#,
    },
    CodeInfo {
        code: EXEMPTION_FROM_ABSENT_RULE,
        severity: Severity::Error,
        title: "exemption from a rule the policy does not have",
        explanation: r#"`only [...]` limits an exemption to some rules of the policy (Azure's `policyDefinitionReferenceIds`), each named by the policy field that makes it. A rule named there must be one the policy sets: exempting a scope from a rule that does not exist exempts nothing, and usually means the wrong policy or field was named."#,
        failing_example: include_str!("../../tests/fixtures/E0707.charter"),
        fixed_example: r#"policy guardrails {
  scope: subscription("prod")
  regions: ["swedencentral"]
  exempt resource_group("rg-lab") until 2027-01-31 as waiver "Lab experiments" only [regions]
}
"#,
    },
    CodeInfo {
        code: EXEMPTION_EMPTY_REFERENCE,
        severity: Severity::Error,
        title: "exemption owner or ticket empty",
        explanation: r#"`owner "..."` names who answers for an exemption and `ticket "..."` the change or risk ticket that records it; both are copied into the exemption's metadata in Azure for auditors. Written empty, they say nothing: fill them in, or leave the modifier out."#,
        failing_example: include_str!("../../tests/fixtures/E0708.charter"),
        fixed_example: r#"policy guardrails {
  scope: subscription("prod")
  exempt resource_group("rg-lab") until 2027-01-31 as waiver "Lab experiments" owner "ai-coe@contoso.com" ticket "RISK-1042"
}
"#,
    },
    CodeInfo {
        code: MALFORMED_EXEMPT_RESOURCE,
        severity: Severity::Error,
        title: "malformed resource in an exemption",
        explanation: r#"`resource(resource_group("rg"), "TYPE", "NAME")` exempts one Azure resource, whose id Charter builds as `/subscriptions/{subscription}/resourceGroups/{rg}/providers/{TYPE}/{NAME}`. The type is a resource provider namespace and a type, with a child type after it when the resource is a child (`Microsoft.CognitiveServices/accounts`, `Microsoft.CognitiveServices/accounts/deployments`); the name is not empty, and a child resource's name gives one segment per type after the namespace's first (`"legacy-oai/gpt-4o"`). Azure would refuse any other id, so the exemption could not be created."#,
        failing_example: include_str!("../../tests/fixtures/E0709.charter"),
        fixed_example: r#"policy guardrails {
  scope: subscription("prod")
  exempt resource(resource_group("rg-lab"), "Microsoft.CognitiveServices/accounts", "legacy-oai") until 2027-01-31 as waiver "Legacy account"
}
"#,
    },
    CodeInfo {
        code: EXEMPT_SHARED_ENDPOINT,
        severity: Severity::Error,
        title: "exemption of an endpoint on a shared resource",
        explanation: r#"`endpoint(WORKLOAD.ENDPOINT)` exempts the AI account Charter creates for that endpoint. A workload of a business unit has no account of its own: its endpoints are deployments in the business unit's Foundry resource, which every workload of the business unit shares, so exempting it would exempt them all. Exempt the shared resource on purpose with `resource(resource_group("rg"), "Microsoft.CognitiveServices/accounts", "NAME")` if that is meant, or limit the exemption with `only [...]`."#,
        failing_example: include_str!("../../tests/fixtures/E0710.charter"),
        fixed_example: r#"policy guardrails {
  scope: subscription("prod")
  exempt resource(resource_group("rg-research-foundry"), "Microsoft.CognitiveServices/accounts", "research-foundry-swedencentral") until 2027-01-31 as waiver "Shared Foundry resource under review"
}
"#,
    },
];

/// E0705: the exemption's `until` date, at `span`, is `days` days from `today`, within the
/// policy's warning horizon of `horizon` days.
pub(crate) fn expires_soon(
    date: Date,
    today: Date,
    days: i64,
    horizon: u32,
    span: Span,
) -> Diagnostic {
    Diagnostic::warning(
        EXEMPTION_EXPIRES_SOON,
        format!(
            "exemption expires on {date}, in {days} day{}",
            if days == 1 { "" } else { "s" }
        ),
        span,
        format!("within the policy's {horizon}-day warning (today is {today})"),
    )
    .with_help("renew it with a later date and a reason that still holds, or make the scope comply and remove it")
    .with_note("on that date the exemption stops exempting anything, and the check fails (E0701)")
}

/// E0706: the exemption's `until` date, at `span`, is `days` days from today, beyond the
/// policy's `max_exemption` of `max` days (written at `max_span`).
pub(crate) fn too_long(date: Date, days: i64, max: u32, span: Span, max_span: Span) -> Diagnostic {
    Diagnostic::error(
        EXEMPTION_TOO_LONG,
        format!("exemption runs {days} days, longer than the policy's {max}-day maximum"),
        span,
        format!("{date} is {days} days from today"),
    )
    .with_secondary(max_span, "the longest an exemption may run")
    .with_help(format!(
        "choose a date at most {max} days from today, and renew the exemption when it is reviewed"
    ))
}

/// E0707: `only` names `rule` (at `span`), which policy `policy` does not set.
pub(crate) fn absent_rule(rule: &str, policy: &str, span: Span) -> Diagnostic {
    Diagnostic::error(
        EXEMPTION_FROM_ABSENT_RULE,
        format!(
            "policy `{}` has no `{}` rule to exempt from",
            sanitize(policy),
            sanitize(rule)
        ),
        span,
        "the policy does not set this field",
    )
    .with_help("name a rule the policy sets, or remove it from `only`")
}

/// E0708: `owner` or `ticket` (`word`), at `span`, is empty.
pub(crate) fn empty_reference(word: &str, span: Span) -> Diagnostic {
    Diagnostic::error(
        EXEMPTION_EMPTY_REFERENCE,
        format!("exemption `{word}` is empty"),
        span,
        "empty",
    )
    .with_help(format!("fill in the {word}, or leave `{word}` out"))
}

/// E0701: the exemption's `until` date, at `span`, is before today.
pub(crate) fn expired(date: Date, today: Date, span: Span) -> Diagnostic {
    Diagnostic::error(
        EXEMPTION_EXPIRED,
        format!("exemption expired on {date}"),
        span,
        format!("in the past (today is {today})"),
    )
    .with_help("remove the exemption, or renew it with a new date if it is still needed")
    .with_note("an expired exemption no longer exempts anything; keeping it hides that the scope must now comply")
}

/// E0702 for a reason written empty, at `span`.
pub(crate) fn empty_reason(span: Span) -> Diagnostic {
    Diagnostic::error(
        EXEMPTION_WITHOUT_REASON,
        "exemption without a reason",
        span,
        "the reason is empty",
    )
    .with_help("say why the scope is exempt, for the audit trail")
}

/// E0702 for a reason not written: at `span` (the `exempt` keyword, or the `as` category
/// without its text), with the text `insertion` inserts at `at` as the fix.
pub(crate) fn missing_reason(span: Span, at: Span, insertion: &str) -> Diagnostic {
    Diagnostic::error(
        EXEMPTION_WITHOUT_REASON,
        "exemption without a reason",
        span,
        "no reason given",
    )
    .with_help(
        "add `as waiver \"why\"` or `as mitigated \"how\"`: the reason is kept for the audit trail",
    )
    .with_fix("add a reason", at, insertion)
}

/// E0704: `under`, at `span`, names `under` (a scope as Charter writes it), not one of the
/// policy's `scopes` (written the same way, assigned at `scope_spans`); `closest` is the
/// policy's scope of the same kind nearest to it, if any.
pub(crate) fn outside_assignment(
    policy: &str,
    under: &str,
    span: Span,
    scopes: &[(String, Span)],
    closest: Option<&str>,
) -> Diagnostic {
    let listing: Vec<String> = scopes
        .iter()
        .map(|(scope, _)| format!("`{}`", sanitize(scope)))
        .collect();
    let mut diagnostic = Diagnostic::error(
        EXEMPTION_OUTSIDE_ASSIGNMENT,
        format!(
            "policy `{}` is not assigned at `{}`",
            sanitize(policy),
            sanitize(under)
        ),
        span,
        "not one of the policy's scopes",
    );
    for (_, scope_span) in scopes {
        diagnostic = diagnostic.with_secondary(*scope_span, "the policy is assigned here");
    }
    match closest {
        Some(best) => diagnostic
            .with_help(format!(
                "did you mean `{}`? `under` names one of the policy's scopes: {}",
                sanitize(best),
                crate::schema::join_or(&listing)
            ))
            // The replacement is source text, written as it is.
            .with_fix(format!("write `{}`", sanitize(best)), span, best),
        None => diagnostic.with_help(format!(
            "`under` names one of the policy's scopes: {}",
            crate::schema::join_or(&listing)
        )),
    }
}

/// E0703: the exemption of `exempted` (a scope as Charter writes it), at `span`, does not say
/// which of the policy's scopes (assigned at `scope_spans`; `first` the first of them, as
/// Charter writes it) it exempts.
pub(crate) fn ambiguous(
    exempted: &str,
    policy: &str,
    span: Span,
    scope_spans: &[Span],
    first: &str,
) -> Diagnostic {
    let exempted = sanitize(exempted);
    let mut diagnostic = Diagnostic::error(
        AMBIGUOUS_EXEMPTION,
        format!(
            "exemption of `{exempted}` is ambiguous: policy `{}` is assigned at {} scopes",
            sanitize(policy),
            scope_spans.len()
        ),
        span,
        "not one of the policy's scopes",
    );
    for scope_span in scope_spans {
        diagnostic = diagnostic.with_secondary(*scope_span, "the policy is assigned here");
    }
    let at = Span::new(span.file, span.end as usize, span.end as usize);
    diagnostic
        .with_help(format!(
            "say which assignment it exempts with `under SCOPE`, naming the policy scope that contains `{exempted}`"
        ))
        .with_note("an exemption must sit at or below the assignment it exempts, and without a declared hierarchy Charter cannot know which management group or subscription contains the scope")
        // The inserted text is source text, written as it is.
        .with_fix(format!("add `under {}`", sanitize(first)), at, format!(" under {first}"))
}

/// E0709: the resource of `resource(...)`, at `span`: `problem` says what is wrong.
pub(crate) fn malformed_resource(problem: &str, span: Span, help: &str) -> Diagnostic {
    Diagnostic::error(
        MALFORMED_EXEMPT_RESOURCE,
        format!("malformed resource in an exemption: {problem}"),
        span,
        "Azure would refuse this resource id",
    )
    .with_help(help.to_string())
}

/// E0710: `endpoint(WORKLOAD.ENDPOINT)`, at `span`, names an endpoint of a workload of the
/// business unit `unit`, whose Foundry resource the business unit's workloads share.
pub(crate) fn shared_endpoint(endpoint: &str, unit: &str, span: Span) -> Diagnostic {
    Diagnostic::error(
        EXEMPT_SHARED_ENDPOINT,
        format!(
            "`{}` has no account of its own: it runs on business unit `{}`'s Foundry resource",
            sanitize(endpoint),
            sanitize(unit)
        ),
        span,
        "shared by every workload of the business unit",
    )
    .with_help("exempting it would exempt every workload of the business unit: write `resource(resource_group(\"RG\"), \"Microsoft.CognitiveServices/accounts\", \"NAME\")` to exempt the shared resource on purpose")
}

//! The management-group hierarchy (E09xx): declared once with well-formed ids, and every scope
//! the project names placed in it (`checks/hierarchy.rs`); E0910 is the build's warning that a
//! project without a hierarchy leaves subscription placeholders.

use charter_syntax::diagnostic::sanitize;
use charter_syntax::{Code, CodeInfo, Diagnostic, Severity, Span};

/// E0901: declared twice in the hierarchy.
pub const DUPLICATE_IN_HIERARCHY: Code = "E0901";
/// E0902: subscription id is not a GUID.
pub const MALFORMED_SUBSCRIPTION_ID: Code = "E0902";
/// E0903: scope not in the hierarchy.
pub const UNKNOWN_SCOPE: Code = "E0903";
/// E0904: exemption outside its assignment's scope.
pub const EXEMPTION_OUTSIDE_SCOPE: Code = "E0904";
/// E0905: workload outside its policy's scopes.
pub const WORKLOAD_OUTSIDE_POLICY: Code = "E0905";
/// E0906: another policy applies to the workload.
pub const WORKLOAD_ALSO_GOVERNED: Code = "E0906";
/// E0907: sandbox not apart from dev, test and production.
pub const SANDBOX_NOT_APART: Code = "E0907";
/// E0908: definitions stored below a scope.
pub const DEFINITIONS_BELOW_SCOPES: Code = "E0908";
/// E0909: resource group in several subscriptions.
pub const AMBIGUOUS_RESOURCE_GROUP: Code = "E0909";
/// E0910: subscriptions left as placeholders (no hierarchy declared); a build warning.
pub const PLACEHOLDERS_WITHOUT_HIERARCHY: Code = "E0910";

/// The checker's codes of this group, in code order, for `charter explain` and `docs/errors.md`.
pub const CODES: &[CodeInfo] = &[
    CodeInfo {
        code: DUPLICATE_IN_HIERARCHY,
        severity: Severity::Error,
        title: "declared twice in the hierarchy",
        explanation: r#"A management group, a subscription (by name or by id) or a resource group of one subscription is declared twice in the management-group hierarchy. Each is one thing in Azure, in one place: a management group has one parent and a subscription sits in one management group. Remove the second declaration, or rename it if it is a different one."#,
        failing_example: include_str!("../../tests/fixtures/E0901.charter"),
        fixed_example: r#"management_group "contoso" {
  subscription "support-prod" {
    id: "1b7e4c2a-9d3f-4e8b-a6c1-5f2d8e0b3a71"
  }
  subscription "support-dev" {
    id: "5d2a7f9c-3e1b-4c8d-9a6f-0b4e2d7c1a38"
  }
}
"#,
    },
    CodeInfo {
        code: MALFORMED_SUBSCRIPTION_ID,
        severity: Severity::Error,
        title: "subscription id is not a GUID",
        explanation: r#"A subscription's `id:` is its subscription id, a GUID of 32 hexadecimal digits in the groups 8-4-4-4-12 (`1b7e4c2a-9d3f-4e8b-a6c1-5f2d8e0b3a71`), as the Azure portal and `az account list` show it. The name the project uses for the subscription is the block's label."#,
        failing_example: include_str!("../../tests/fixtures/E0902.charter"),
        fixed_example: r#"management_group "contoso" {
  subscription "support-prod" {
    id: "1b7e4c2a-9d3f-4e8b-a6c1-5f2d8e0b3a71"
  }
}
"#,
    },
    CodeInfo {
        code: UNKNOWN_SCOPE,
        severity: Severity::Error,
        title: "scope not in the hierarchy",
        explanation: r#"The project declares its management-group hierarchy, and a scope it names (a policy's `scope:`, `definitions_at:` or exemption, a workload's, gateway's or monitoring workspace's `subscription:` or `resource_group:`) is not in it. Charter resolves every scope against the hierarchy, so that definitions, assignments and exemptions land in the right place and no subscription id is left as a placeholder. Fix the name, or declare the management group, subscription or resource group where it sits in Azure."#,
        failing_example: include_str!("../../tests/fixtures/E0903.charter"),
        fixed_example: r#"management_group "contoso" {
  management_group "contoso-prod" {
    environment: prod
    subscription "support-prod" {
      id: "1b7e4c2a-9d3f-4e8b-a6c1-5f2d8e0b3a71"
      resource_groups: ["rg-support"]
    }
  }
  management_group "contoso-sandbox" {
    environment: sandbox
    subscription "lab" {
      id: "5d2a7f9c-3e1b-4c8d-9a6f-0b4e2d7c1a38"
      resource_groups: ["rg-lab"]
    }
  }
}

policy guardrails {
  scope: management_group("contoso-prod")
}
"#,
    },
    CodeInfo {
        code: EXEMPTION_OUTSIDE_SCOPE,
        severity: Severity::Error,
        title: "exemption outside its assignment's scope",
        explanation: r#"Azure requires an exemption to sit at or below the scope of the assignment it exempts. By the declared hierarchy, the exempted scope is below none of the policy's scopes (or not below its `under` scope): the policy does not apply there, so there is nothing to exempt, or the exemption names the wrong assignment. Assign the policy where the scope sits, or remove the exemption."#,
        failing_example: include_str!("../../tests/fixtures/E0904.charter"),
        fixed_example: r#"management_group "contoso" {
  management_group "contoso-prod" {
    environment: prod
    subscription "support-prod" {
      id: "1b7e4c2a-9d3f-4e8b-a6c1-5f2d8e0b3a71"
      resource_groups: ["rg-support"]
    }
  }
  management_group "contoso-sandbox" {
    environment: sandbox
    subscription "lab" {
      id: "5d2a7f9c-3e1b-4c8d-9a6f-0b4e2d7c1a38"
      resource_groups: ["rg-lab"]
    }
  }
}

policy guardrails {
  scope: [management_group("contoso-prod"), management_group("contoso-sandbox")]
  exempt resource_group("rg-lab") until 2027-01-31 as waiver "Lab experiments"
}
"#,
    },
    CodeInfo {
        code: WORKLOAD_OUTSIDE_POLICY,
        severity: Severity::Error,
        title: "workload outside its policy's scopes",
        explanation: r#"By the declared hierarchy, the workload's resource group is below none of the scopes its `governed_by` policy is assigned at: in Azure that policy does not apply to it, whatever `governed_by` says. Assign the policy at a management group or subscription above the workload, or move the workload to a subscription the policy covers."#,
        failing_example: include_str!("../../tests/fixtures/E0905.charter"),
        fixed_example: r#"management_group "contoso" {
  management_group "contoso-prod" {
    environment: prod
    subscription "support-prod" {
      id: "1b7e4c2a-9d3f-4e8b-a6c1-5f2d8e0b3a71"
      resource_groups: ["rg-support"]
    }
  }
  management_group "contoso-sandbox" {
    environment: sandbox
    subscription "lab" {
      id: "5d2a7f9c-3e1b-4c8d-9a6f-0b4e2d7c1a38"
      resource_groups: ["rg-lab"]
    }
  }
}

policy guardrails {
  scope: management_group("contoso-prod")
}

workload support {
  governed_by: guardrails
  environment: prod
  resource_group: "rg-support"
}
"#,
    },
    CodeInfo {
        code: WORKLOAD_ALSO_GOVERNED,
        severity: Severity::Warning,
        title: "another policy applies to the workload",
        explanation: r#"By the declared hierarchy, a policy other than the workload's `governed_by` is assigned above it, so Azure enforces both: every rule of the other policy applies to the workload's resources too, although the checker checks the workload against its own policy only (the self-compliance proof checks both, E0801). Make sure that is intended, or move one of the assignments. An unexpired exemption of the workload's place (or a scope above it) from every rule of the other policy says it does not apply there, and Azure does not enforce it: no warning then. An exemption from some rules only (`only [...]`), or of one resource, leaves the other rules in force, so the warning stays. Hover on the workload lists every policy that applies to it."#,
        failing_example: include_str!("../../tests/fixtures/E0906.charter"),
        fixed_example: r#"management_group "contoso" {
  management_group "contoso-prod" {
    environment: prod
    subscription "support-prod" {
      id: "1b7e4c2a-9d3f-4e8b-a6c1-5f2d8e0b3a71"
      resource_groups: ["rg-support"]
    }
  }
  management_group "contoso-sandbox" {
    environment: sandbox
    subscription "lab" {
      id: "5d2a7f9c-3e1b-4c8d-9a6f-0b4e2d7c1a38"
      resource_groups: ["rg-lab"]
    }
  }
}

policy guardrails {
  scope: management_group("contoso-prod")
}

policy lockdown {
  scope: subscription("lab")
}

workload support {
  governed_by: guardrails
  environment: prod
  resource_group: "rg-support"
}
"#,
    },
    CodeInfo {
        code: SANDBOX_NOT_APART,
        severity: Severity::Error,
        title: "sandbox not apart from dev, test and production",
        explanation: r#"Sandboxes are kept apart from dev, test and production (the Cloud Adoption Framework's sandbox management group): a workload with `environment: sandbox` lives in a subscription or management group marked `environment: sandbox` (on the place or one above it), and a dev, test or production workload never lives there. Move the workload, or mark its place."#,
        failing_example: include_str!("../../tests/fixtures/E0907.charter"),
        fixed_example: r#"management_group "contoso" {
  management_group "contoso-prod" {
    environment: prod
    subscription "support-prod" {
      id: "1b7e4c2a-9d3f-4e8b-a6c1-5f2d8e0b3a71"
      resource_groups: ["rg-support"]
    }
  }
  management_group "contoso-sandbox" {
    environment: sandbox
    subscription "lab" {
      id: "5d2a7f9c-3e1b-4c8d-9a6f-0b4e2d7c1a38"
      resource_groups: ["rg-lab"]
    }
  }
}

policy guardrails {
  scope: management_group("contoso")
}

workload experiments {
  governed_by: guardrails
  environment: sandbox
  resource_group: "rg-lab"
}
"#,
    },
    CodeInfo {
        code: DEFINITIONS_BELOW_SCOPES,
        severity: Severity::Error,
        title: "definitions stored below a scope",
        explanation: r#"Azure assigns an initiative only at or below the management group or subscription it is stored in. By the declared hierarchy, the policy's `definitions_at:` is not above every scope the policy is assigned at, so some assignments would fail. With a hierarchy, `definitions_at:` can be left out: Charter stores the definitions at the lowest management group (or subscription) above every scope."#,
        failing_example: include_str!("../../tests/fixtures/E0908.charter"),
        fixed_example: r#"management_group "contoso" {
  management_group "contoso-prod" {
    environment: prod
    subscription "support-prod" {
      id: "1b7e4c2a-9d3f-4e8b-a6c1-5f2d8e0b3a71"
      resource_groups: ["rg-support"]
    }
  }
  management_group "contoso-sandbox" {
    environment: sandbox
    subscription "lab" {
      id: "5d2a7f9c-3e1b-4c8d-9a6f-0b4e2d7c1a38"
      resource_groups: ["rg-lab"]
    }
  }
}

policy guardrails {
  scope: [management_group("contoso-prod"), management_group("contoso-sandbox")]
  definitions_at: management_group("contoso")
}
"#,
    },
    CodeInfo {
        code: AMBIGUOUS_RESOURCE_GROUP,
        severity: Severity::Error,
        title: "resource group in several subscriptions",
        explanation: r#"A resource group's name is unique only within its subscription, and several subscriptions of the hierarchy hold one of this name, so Charter cannot tell which one is meant. For a workload, gateway or monitoring workspace, name the subscription with `subscription:`. An exemption of one resource names it in the resource group: `resource(resource_group("rg", subscription("NAME")), TYPE, NAME)`. A policy scope or a resource group's exemption names the resource group by its name alone, so the name must be unique in the hierarchy: assign or exempt the subscription that holds it instead, or rename one of the resource groups."#,
        failing_example: include_str!("../../tests/fixtures/E0909.charter"),
        fixed_example: r#"management_group "contoso" {
  subscription "support-prod" {
    id: "1b7e4c2a-9d3f-4e8b-a6c1-5f2d8e0b3a71"
    resource_groups: ["rg-shared"]
  }
  subscription "support-dev" {
    id: "5d2a7f9c-3e1b-4c8d-9a6f-0b4e2d7c1a38"
    resource_groups: ["rg-shared-dev"]
  }
}

policy guardrails {
  scope: resource_group("rg-shared")
}
"#,
    },
];

/// The build's codes of this group (notes `charter build` prints, not diagnostics of the
/// checker).
pub const BUILD_NOTES: &[CodeInfo] = &[CodeInfo {
    code: PLACEHOLDERS_WITHOUT_HIERARCHY,
    severity: Severity::Warning,
    title: "subscriptions left as placeholders: no hierarchy declared",
    explanation: r#"The project declares no management-group hierarchy, so Charter cannot know the id of a subscription it names (`subscription: "support-prod"`), nor the subscription of a resource group no workload names its subscription for. The build then writes placeholders: `{subscriptionId}` and `{subscriptionId:NAME}` in the REST bodies, `subscriptionId_NAME` parameters in the ARM templates (an exemption of a resource group whose subscription is unknown is left out of the template), and Terraform variables (`NAME_subscription_id`, and the provider's default subscription for resource groups). `charter build` prints this warning after the build (and lists it under `build.warnings` in its JSON report); with `--deny-warnings` it then fails (exit 1), the files written. Declaring the hierarchy (`management_group "ID" { subscription "NAME" { id: "GUID" resource_groups: [...] } }`, docs/language.md) gives every subscription its id and every resource group its subscription, and removes the placeholders."#,
    failing_example: r#"policy guardrails {
  scope: subscription("support-prod")
}
"#,
    fixed_example: r#"management_group "contoso" {
  subscription "support-prod" {
    id: "1b7e4c2a-9d3f-4e8b-a6c1-5f2d8e0b3a71"
  }
}

policy guardrails {
  scope: subscription("support-prod")
}
"#,
}];

/// E0901: `name` (a `noun`) declared again at `span`, first at `first`.
pub(crate) fn duplicate(noun: &str, name: &str, span: Span, first: Span) -> Diagnostic {
    Diagnostic::error(
        DUPLICATE_IN_HIERARCHY,
        format!(
            "{noun} `{}` is declared twice in the hierarchy",
            sanitize(name)
        ),
        span,
        "declared again here",
    )
    .with_secondary(first, "first declared here")
    .with_help(if noun.ends_with(" id") {
        "two subscriptions cannot share an id: correct the id of the one that is wrong (`az account list` shows them)"
    } else {
        "remove the second declaration, or give it its own name"
    })
}

/// E0902: the subscription id `id`, at `span`, is not a GUID.
pub(crate) fn malformed_id(id: &str, span: Span) -> Diagnostic {
    Diagnostic::error(
        MALFORMED_SUBSCRIPTION_ID,
        format!("subscription id `{}` is not a GUID", sanitize(id)),
        span,
        "expected 8-4-4-4-12 hexadecimal digits",
    )
    .with_help("write the subscription's id as `az account list` shows it, such as `1b7e4c2a-9d3f-4e8b-a6c1-5f2d8e0b3a71`")
}

/// E0902: the all-zero id, the placeholder a starter or an example shows, is no subscription's.
pub(crate) fn placeholder_id(span: Span) -> Diagnostic {
    Diagnostic::error(
        MALFORMED_SUBSCRIPTION_ID,
        "subscription id `00000000-0000-0000-0000-000000000000` is a placeholder".to_string(),
        span,
        "no subscription has this id",
    )
    .with_note(
        "a build with it would deploy to no subscription; Charter refuses to ship an unfinished id",
    )
    .with_help("write the subscription's id as `az account list` shows it")
}

/// E0903: the `noun` `name`, at `span`, is not in the declared hierarchy.
pub(crate) fn unknown_scope<'c>(
    noun: &str,
    name: &str,
    span: Span,
    candidates: impl IntoIterator<Item = &'c str>,
) -> Diagnostic {
    let diagnostic = Diagnostic::error(
        UNKNOWN_SCOPE,
        format!("no {noun} `{}` in the hierarchy", sanitize(name)),
        span,
        "not declared in any `management_group` block",
    );
    let candidates: Vec<&str> = candidates.into_iter().collect();
    match crate::suggest::closest(name, candidates.iter().copied()) {
        Some(best) => diagnostic.with_help(format!(
            "did you mean `{}`? Otherwise declare it where it sits in Azure",
            sanitize(best)
        )),
        None => diagnostic.with_help(
            "declare it where it sits in Azure, in a `management_group` block (docs/language.md, \"The hierarchy\")",
        ),
    }
}

/// E0909: the resource group `name`, at `span`, is held by every subscription in `holders`.
pub(crate) fn ambiguous_resource_group(name: &str, span: Span, holders: &[&str]) -> Diagnostic {
    let listing: Vec<String> = holders
        .iter()
        .map(|h| format!("`{}`", sanitize(h)))
        .collect();
    Diagnostic::error(
        AMBIGUOUS_RESOURCE_GROUP,
        format!(
            "resource group `{}` is in several subscriptions: {}",
            sanitize(name),
            listing.join(", ")
        ),
        span,
        "which subscription's?",
    )
    .with_help("name the subscription with `subscription:` (or rename one of the resource groups)")
}

/// E0904: `policy`'s exemption of `exempted` (source text, placed at `path`), at `span`, is
/// below none of the policy's `scopes` (source text and spans), or not below its `under`.
pub(crate) fn exemption_outside(
    policy: &str,
    exempted: &str,
    path: &str,
    span: Span,
    scopes: &[(String, Span)],
    under: Option<&str>,
) -> Diagnostic {
    let mut diagnostic = Diagnostic::error(
        EXEMPTION_OUTSIDE_SCOPE,
        format!(
            "`{}` is outside the scope of policy `{}`'s assignment",
            sanitize(exempted),
            sanitize(policy)
        ),
        span,
        format!("it sits at {}", sanitize(path)),
    );
    for (_, scope_span) in scopes {
        diagnostic = diagnostic.with_secondary(*scope_span, "the policy is assigned here");
    }
    let help = match under {
        Some(under) => format!(
            "`under {}` is not above it: remove `under` (the hierarchy finds the assignment above the scope) or name the policy scope above it",
            sanitize(under)
        ),
        None => "assign the policy where the scope sits, or remove the exemption".to_string(),
    };
    diagnostic.with_help(help).with_note(
        "Azure requires an exemption to sit at or below the scope of the assignment it exempts",
    )
}

/// E0908: `definitions_at` (source text, at `span`) is not above the `outside` scopes;
/// `computed` is the lowest container of every scope.
pub(crate) fn definitions_below_scopes(
    definitions_at: &str,
    span: Span,
    outside: &[(String, Span)],
    computed: Option<&str>,
) -> Diagnostic {
    let mut diagnostic = Diagnostic::error(
        DEFINITIONS_BELOW_SCOPES,
        format!(
            "`{}` is not above every scope of the policy",
            sanitize(definitions_at)
        ),
        span,
        "definitions stored here",
    );
    for (scope, scope_span) in outside {
        diagnostic = diagnostic.with_secondary(
            *scope_span,
            format!("`{}` is not below it", sanitize(scope)),
        );
    }
    match computed {
        Some(computed) => diagnostic.with_help(format!(
            "remove `definitions_at:`: Charter stores the definitions at `{}`, the lowest place above every scope",
            sanitize(computed)
        )),
        None => diagnostic.with_help("name a management group above every scope"),
    }
}

/// E0905: `workload` (placed at `path`) is below no scope of `policy`, which `governed_by`
/// (at `span`) names.
pub(crate) fn outside_policy(
    workload: &str,
    policy: &str,
    path: &str,
    span: Span,
    scope: Option<Span>,
) -> Diagnostic {
    let diagnostic = Diagnostic::error(
        WORKLOAD_OUTSIDE_POLICY,
        format!(
            "policy `{}` does not apply to workload `{}`: it is assigned nowhere above {}",
            sanitize(policy),
            sanitize(workload),
            sanitize(path)
        ),
        span,
        "governed by this policy",
    );
    let diagnostic = match scope {
        Some(scope) => diagnostic.with_secondary(scope, "the policy is assigned here"),
        None => diagnostic,
    };
    diagnostic.with_help(
        "assign the policy above the workload's subscription, or move the workload to a subscription it covers",
    )
}

/// E0906: `other` also applies to `workload`, governed by `policy` (at `span`).
pub(crate) fn also_governed(
    workload: &str,
    policy: &str,
    other: &str,
    span: Span,
    other_scope: Option<Span>,
) -> Diagnostic {
    let diagnostic = Diagnostic::warning(
        WORKLOAD_ALSO_GOVERNED,
        format!(
            "policy `{}` also applies to workload `{}`, governed by `{}`",
            sanitize(other),
            sanitize(workload),
            sanitize(policy)
        ),
        span,
        "the workload's own policy",
    );
    let diagnostic = match other_scope {
        Some(scope) => diagnostic.with_secondary(scope, "assigned above the workload here"),
        None => diagnostic,
    };
    diagnostic.with_note("Azure enforces every policy assigned above a resource; the checker holds the workload to its own policy, and the self-compliance proof (E0801, E0802) holds what Charter creates to both")
}

/// E0907: `workload` (`environment`) lives at `place`, which is (`in_sandbox`) or is not a
/// sandbox.
pub(crate) fn sandbox_apart(
    workload: &str,
    environment: &str,
    place: &str,
    in_sandbox: bool,
    span: Span,
    marked: Option<Span>,
) -> Diagnostic {
    let (message, help) = if in_sandbox {
        (
            format!(
                "{} workload `{}` lives in a sandbox ({})",
                sanitize(environment),
                sanitize(workload),
                sanitize(place)
            ),
            "move it to a subscription for its environment: sandboxes hold only sandbox workloads",
        )
    } else {
        (
            format!(
                "sandbox workload `{}` lives outside a sandbox ({})",
                sanitize(workload),
                sanitize(place)
            ),
            "move it to a subscription or management group marked `environment: sandbox`",
        )
    };
    let diagnostic = Diagnostic::error(SANDBOX_NOT_APART, message, span, "this environment");
    let diagnostic = match marked {
        Some(marked) => diagnostic.with_secondary(marked, "the place's environment"),
        None => diagnostic,
    };
    diagnostic
        .with_help(help)
        .with_note("sandboxes are kept apart from dev, test and production (Cloud Adoption Framework, sandbox management group)")
}

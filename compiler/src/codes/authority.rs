//! Deployment authority and data classification (E12xx): who may deploy a workload's AI
//! resources, and what the sensitivity of its data requires of them.

use charter_syntax::diagnostic::sanitize;
use charter_syntax::{Code, CodeInfo, Diagnostic, Severity, Span};

/// E1201: a Microsoft Entra group given by something other than its object id.
pub const INVALID_GROUP_ID: Code = "E1201";
/// E1202: a workload whose managing team has no group.
pub const NO_MANAGING_GROUP: Code = "E1202";
/// E1203: one team would get write access to another workload's resources.
pub const WRITE_ACCESS_ACROSS_WORKLOADS: Code = "E1203";
/// E1204: a classification level the workload's policy does not define.
pub const UNKNOWN_CLASSIFICATION: Code = "E1204";
/// E1205: a workload that does not meet a requirement of its classification level.
pub const CLASSIFICATION_NOT_MET: Code = "E1205";
/// E1206: a workload that enables public network access its policy disables.
pub const LOOSER_THAN_POLICY: Code = "E1206";
/// E1207: a classification level defined twice in one policy.
pub const DUPLICATE_CLASSIFICATION: Code = "E1207";

/// A workload with its team and classification stated, the fixed example of several codes.
const FIXED: &str = r#"policy guardrails {
  scope: subscription("prod")
  central_team: "6f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f"
  public_network: disabled
  classification "internal" {}
  classification "confidential" {
    global_deployments: disabled
  }
}

workload support {
  governed_by: guardrails
  environment: prod
  resource_group: "rg-support"
  managed_by: workload_team
  team: "0b7e4c1a-2f3d-4e5a-9b6c-7d8e9f0a1b2c"
  classification: "confidential"
  endpoint chat {
    model "gpt-5.6-sol" version "2026-07-09"
    deployment: data_zone_standard capacity 10
    filter: std.filters.default
    regions: ["swedencentral"]
  }
}
"#;

/// The codes of this group, in code order, for `charter explain` and `docs/errors.md`.
pub const CODES: &[CodeInfo] = &[
    CodeInfo {
        code: INVALID_GROUP_ID,
        severity: Severity::Error,
        title: "Microsoft Entra group not given by its object id",
        explanation: r#"`team:` and `central_team:` name a Microsoft Entra group by its object id, a GUID such as `0b7e4c1a-2f3d-4e5a-9b6c-7d8e9f0a1b2c`: Azure role assignments take the principal's object id, not its display name. Find it with `az ad group show --group "<name>" --query id -o tsv`."#,
        failing_example: include_str!("../../tests/fixtures/E1201.charter"),
        fixed_example: FIXED,
    },
    CodeInfo {
        code: NO_MANAGING_GROUP,
        severity: Severity::Error,
        title: "workload managed by a team without a group",
        explanation: r#"A workload managed by `workload_team` needs its team's group (`team:`), and one managed by `central_team` needs the central team's group (`central_team:` on its policy): Charter gives that group the roles that let it deploy and configure the workload's AI resources, and without it nobody could. Add the group's object id, or change `managed_by`."#,
        failing_example: include_str!("../../tests/fixtures/E1202.charter"),
        fixed_example: FIXED,
    },
    CodeInfo {
        code: WRITE_ACCESS_ACROSS_WORKLOADS,
        severity: Severity::Error,
        title: "a team would get write access to another workload's resources",
        explanation: r#"Charter grants the group that manages a workload (its team, or the central team) the write role on the workload's resource group, and nothing wider. Two workloads managed by different groups in one resource group would each give their group write access to the other's AI resources: the guidance's line between teams would not hold. Give each workload its own resource group, or let one group manage both."#,
        failing_example: include_str!("../../tests/fixtures/E1203.charter"),
        fixed_example: FIXED,
    },
    CodeInfo {
        code: UNKNOWN_CLASSIFICATION,
        severity: Severity::Error,
        title: "unknown data classification level",
        explanation: r#"A workload's `classification:` names one of the levels its policy defines with `classification "LEVEL" { ... }`. The governance defines its own levels and what each requires; a level it does not define requires nothing, which would hide sensitive data from every rule."#,
        failing_example: include_str!("../../tests/fixtures/E1204.charter"),
        fixed_example: FIXED,
    },
    CodeInfo {
        code: CLASSIFICATION_NOT_MET,
        severity: Severity::Error,
        title: "workload does not meet its data classification",
        explanation: r#"The workload processes data of a level whose requirements (and those of every less sensitive level) it does not meet: private network only (`public_network: disabled`), no global deployment type (`global_deployments: disabled`), or a minimum content filter (`filters: at_least FILTER`). The message names the requirement and the level that states it. Raising a workload's level shows everything it now violates, which is what the guidance asks when data sensitivity changes: find every system that uses the data. Meet the requirement, or classify the data correctly."#,
        failing_example: include_str!("../../tests/fixtures/E1205.charter"),
        fixed_example: FIXED,
    },
    CodeInfo {
        code: LOOSER_THAN_POLICY,
        severity: Severity::Error,
        title: "workload enables public network access its policy disables",
        explanation: r#"A workload's `public_network:` may only make it stricter than its policy: the policy's initiative denies AI accounts with public network access, so the workload's accounts would be refused at deployment. Remove the field, or set it to `disabled`."#,
        failing_example: include_str!("../../tests/fixtures/E1206.charter"),
        fixed_example: FIXED,
    },
    CodeInfo {
        code: DUPLICATE_CLASSIFICATION,
        severity: Severity::Error,
        title: "classification level defined twice",
        explanation: r#"Each level of a policy is defined once: levels are ordered least sensitive first and each requires what the levels before it require, so a second definition would make the order and the requirements ambiguous."#,
        failing_example: include_str!("../../tests/fixtures/E1207.charter"),
        fixed_example: FIXED,
    },
];

/// E1201: the group `written` (the value of `field`), at `span`, is not an object id.
pub(crate) fn invalid_group_id(field: &str, written: &str, span: Span) -> Diagnostic {
    Diagnostic::error(
        INVALID_GROUP_ID,
        format!(
            "`{}` is not the object id of a Microsoft Entra group",
            sanitize(written)
        ),
        span,
        "not a GUID",
    )
    .with_help(format!(
        "write the group's object id in `{field}:` (`az ad group show --group \"<name>\" --query id -o tsv` prints it)"
    ))
    .with_note("Azure role assignments name their principal by object id")
}

/// E1202: workload `workload` is managed by its own team (`central` false) or the central team,
/// as said at `authority_span`, and that team has no group; `workload_span` is the workload's
/// name.
pub(crate) fn no_managing_group(
    workload: &str,
    central: bool,
    authority_span: Span,
    workload_span: Span,
) -> Diagnostic {
    let (who, field) = if central {
        (
            "the central team",
            "add `central_team: \"<group object id>\"` to its policy",
        )
    } else {
        (
            "its own team",
            "add `team: \"<group object id>\"` to the workload",
        )
    };
    Diagnostic::error(
        NO_MANAGING_GROUP,
        format!(
            "workload `{}` is managed by {who}, which has no group",
            sanitize(workload)
        ),
        workload_span,
        "no group can deploy this workload's resources",
    )
    .with_secondary(authority_span, "who manages it is said here")
    .with_help(field)
}

/// E1203: workloads `first` and `second` live in resource group `group` and are managed by
/// different groups, so each group's write role would reach the other's resources.
pub(crate) fn write_access_across_workloads(
    group: &str,
    (first, first_manager, first_span): (&str, &str, Span),
    (second, second_manager, second_span): (&str, &str, Span),
) -> Diagnostic {
    Diagnostic::error(
        WRITE_ACCESS_ACROSS_WORKLOADS,
        format!(
            "the group managing workload `{}` would get write access to workload `{}`'s resources in resource group `{}`",
            sanitize(first),
            sanitize(second),
            sanitize(group)
        ),
        second_span,
        format!("managed by {second_manager}"),
    )
    .with_secondary(first_span, format!("managed by {first_manager}"))
    .with_help("give each workload its own resource group, or let one group manage both")
    .with_note("Charter grants the managing group the write role on the whole resource group")
}

/// E1204: `level`, at `span`, is not one of the policy's levels (`levels`, in order).
pub(crate) fn unknown_classification(
    level: &str,
    span: Span,
    policy: &str,
    levels: &[&str],
) -> Diagnostic {
    let diagnostic = Diagnostic::error(
        UNKNOWN_CLASSIFICATION,
        format!(
            "policy `{}` defines no classification level `{}`",
            sanitize(policy),
            sanitize(level)
        ),
        span,
        "not a level of the workload's policy",
    );
    if levels.is_empty() {
        return diagnostic.with_help(format!(
            "define the level in policy `{}` with `classification \"{}\" {{ ... }}`",
            sanitize(policy),
            sanitize(level)
        ));
    }
    let listing: Vec<String> = levels
        .iter()
        .map(|level| format!("`{}`", sanitize(level)))
        .collect();
    let diagnostic = diagnostic.with_note(format!(
        "the policy's levels, least sensitive first: {}",
        listing.join(", ")
    ));
    super::with_suggestion(diagnostic, level, levels.iter().copied(), span, "\"")
}

/// What a classification level requires that a workload does not do.
pub(crate) enum Unmet<'a> {
    /// Its AI accounts allow public network access.
    PrivateNetwork,
    /// Endpoint `endpoint` uses the global deployment type `kind`.
    GlobalDeployment { endpoint: &'a str, kind: &'a str },
    /// Endpoint `endpoint`'s filter `filter` is weaker than `minimum`.
    Filter {
        endpoint: &'a str,
        filter: &'a str,
        minimum: &'a str,
    },
}

/// E1205: workload `workload` at level `level` does not meet `unmet`, which level `stated_by`
/// requires at `requirement_span`; `span` is what fails it.
pub(crate) fn classification_not_met(
    workload: &str,
    (level, stated_by): (&str, &str),
    unmet: Unmet<'_>,
    span: Span,
    requirement_span: Span,
) -> Diagnostic {
    let (requirement, label, help) = match unmet {
        Unmet::PrivateNetwork => (
            "private network only".to_string(),
            "its AI accounts allow public network access".to_string(),
            "add `public_network: disabled` to the workload (its accounts are then reached through private endpoints)".to_string(),
        ),
        Unmet::GlobalDeployment { endpoint, kind } => (
            "no global deployment type".to_string(),
            format!(
                "endpoint `{}` uses `{kind}`, processed in any Azure region",
                sanitize(endpoint)
            ),
            "use a data-zone or regional deployment type (`data_zone_standard`, `standard`, ...)"
                .to_string(),
        ),
        Unmet::Filter {
            endpoint,
            filter,
            minimum,
        } => (
            format!("content filter at least `{}`", sanitize(minimum)),
            format!(
                "endpoint `{}` uses filter `{}`, which is weaker",
                sanitize(endpoint),
                sanitize(filter)
            ),
            format!(
                "use `{}` or a filter that extends it without weakening it",
                sanitize(minimum)
            ),
        ),
    };
    let required_by = if stated_by == level {
        format!("level `{}`", sanitize(level))
    } else {
        format!(
            "level `{}` (stated by `{}`, a less sensitive level)",
            sanitize(level),
            sanitize(stated_by)
        )
    };
    Diagnostic::error(
        CLASSIFICATION_NOT_MET,
        format!(
            "workload `{}` does not meet {required_by}: {requirement}",
            sanitize(workload)
        ),
        span,
        label,
    )
    .with_secondary(requirement_span, "required here")
    .with_help(help)
}

/// E1206: the workload's `public_network: enabled`, at `span`, loosens its policy's
/// `public_network: disabled` at `policy_span`.
pub(crate) fn looser_than_policy(policy: &str, span: Span, policy_span: Span) -> Diagnostic {
    Diagnostic::error(
        LOOSER_THAN_POLICY,
        format!(
            "policy `{}` disables public network access, the workload cannot enable it",
            sanitize(policy)
        ),
        span,
        "enabled here",
    )
    .with_secondary(policy_span, "disabled by the policy")
    .with_help("remove the field, or set it to `disabled`")
    .with_fix("write `disabled`", span, "public_network: disabled")
}

/// E1207: level `level`, at `span`, is defined again (first at `first`).
pub(crate) fn duplicate_classification(level: &str, span: Span, first: Span) -> Diagnostic {
    Diagnostic::error(
        DUPLICATE_CLASSIFICATION,
        format!(
            "classification level `{}` is defined twice",
            sanitize(level)
        ),
        span,
        "defined again here",
    )
    .with_secondary(first, "first defined here")
    .with_help("keep one `classification` block per level")
}

//! Exemptions (E07xx): expired, unexplained, ambiguous or misplaced exemptions.

use charter_syntax::{Code, CodeInfo, Severity};

/// E0701: exemption expired.
pub const EXEMPTION_EXPIRED: Code = "E0701";
/// E0702: exemption without a reason.
pub const EXEMPTION_WITHOUT_REASON: Code = "E0702";
/// E0703: ambiguous exemption.
pub const AMBIGUOUS_EXEMPTION: Code = "E0703";
/// E0704: exemption under a scope the policy is not assigned at.
pub const EXEMPTION_OUTSIDE_ASSIGNMENT: Code = "E0704";

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
        explanation: r#"The policy is assigned at several scopes, and the exempted scope is not one of them, so it is unclear which assignment the exemption exempts. Azure requires an exemption to sit at or below the scope of the assignment it exempts, and Charter cannot know which management group or subscription contains the exempted scope. Say it with `under SCOPE`, naming the policy scope that contains the exempted one. An exemption at one of the policy's own scopes exempts the assignment there, and under a policy with a single scope no `under` is needed."#,
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
];

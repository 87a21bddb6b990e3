//! Agents and guardrails (E10xx): controls that do not apply where a filter is used (a
//! model-only control on an agent, an agent-only control on an endpoint without agents), the
//! sides a policy requires agents to guard, and safety-provider names.

use charter_ir::{Category, Side};
use charter_syntax::diagnostic::sanitize;
use charter_syntax::{Code, CodeInfo, Diagnostic, Severity, Span};

/// E1001: a model-only control in the filter of an endpoint that serves agents.
pub const MODEL_ONLY_ON_AGENTS: Code = "E1001";
/// E1002: agent-only controls in the filter of an endpoint without agents.
pub const AGENT_ONLY_WITHOUT_AGENTS: Code = "E1002";
/// E1003: an agent endpoint's filter does not guard a side its policy requires.
pub const AGENT_SIDE_UNGUARDED: Code = "E1003";
/// E1004: a safety provider name Azure cannot hold.
pub const SAFETY_PROVIDER_NAME: Code = "E1004";

/// The codes of this group, in code order, for `charter explain` and `docs/errors.md`.
pub const CODES: &[CodeInfo] = &[
    CodeInfo {
        code: MODEL_ONLY_ON_AGENTS,
        severity: Severity::Warning,
        title: "model-only control on an endpoint that serves agents",
        explanation: r#"Some controls work only on direct model calls (the Chat Completions API): spotlighting, which marks documents in the prompt so the model can tell them from instructions. Azure silently skips them for agents (Microsoft Learn, "Guardrails overview" and "Prompt shields"), so an endpoint with `agents: enabled` gets less protection for its agents than its filter says. Protect agents on their own sides instead (`tool_response { indirect_attack: block }` against attacks hidden in tool results), and keep the model-only control for the direct calls if the endpoint has them."#,
        failing_example: include_str!("../../tests/fixtures/E1001.charter"),
        fixed_example: r#"filter assistant extends std.filters.default {
  prompt { spotlighting: block }
  tool_response { indirect_attack: block }
}

filter agent_safe extends std.filters.default {
  tool_response { indirect_attack: block }
}

policy guardrails {
  scope: subscription("prod")
}

workload support {
  governed_by: guardrails
  environment: prod
  resource_group: "rg-support"

  endpoint helper {
    model "gpt-5.6-sol" version "2026-07-09"
    deployment: global_standard capacity 10
    filter: agent_safe
    regions: ["swedencentral"]
    agents: enabled
  }
}
"#,
    },
    CodeInfo {
        code: AGENT_ONLY_WITHOUT_AGENTS,
        severity: Severity::Warning,
        title: "agent-only controls on an endpoint without agents",
        explanation: r#"The endpoint's filter sets controls that only agents pass through (a tool call, a tool response, the start or end of a run, or task adherence), but the endpoint does not say that agents run on it, so those controls have nothing to check. Either the endpoint serves agents (say `agents: enabled`, and its policy's `agent_sides` then apply), or the controls are dead weight that readers will believe protects something. Controls the governing policy's minimum filter requires are not reported: the policy asks for them everywhere."#,
        failing_example: include_str!("../../tests/fixtures/E1002.charter"),
        fixed_example: r#"filter tools extends std.filters.default {
  tool_call { task_adherence: block }
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
    filter: tools
    regions: ["swedencentral"]
    agents: enabled
  }
}
"#,
    },
    CodeInfo {
        code: AGENT_SIDE_UNGUARDED,
        severity: Severity::Error,
        title: "agent endpoint's filter does not guard a side its policy requires",
        explanation: r#"The governing policy lists `agent_sides`: the intervention points every endpoint with `agents: enabled` must guard. This endpoint's filter has no control on one of them: every category there is `off` or left out, and no blocklist or safety provider is applied there. An agent's tool calls (what it sends to a tool) and tool responses (what a tool sends back, where indirect prompt injections hide) then pass unchecked. Use a filter with a control on that side, such as `std.filters.agents`."#,
        failing_example: include_str!("../../tests/fixtures/E1003.charter"),
        fixed_example: r#"policy guardrails {
  scope: subscription("prod")
  agent_sides: [tool_call, tool_response]
}

workload support {
  governed_by: guardrails
  environment: prod
  resource_group: "rg-support"

  endpoint helper {
    model "gpt-5.6-sol" version "2026-07-09"
    deployment: global_standard capacity 10
    filter: std.filters.agents
    regions: ["swedencentral"]
    agents: enabled
  }
}
"#,
    },
    CodeInfo {
        code: SAFETY_PROVIDER_NAME,
        severity: Severity::Error,
        title: "safety provider name Azure cannot hold",
        explanation: r#"A filter names an external safety provider that Azure could not have registered: the names of `Microsoft.CognitiveServices/raiExternalSafetyProviders` start with a letter or a digit and continue with letters, digits, `_`, `.` and `-` (the pattern `^[a-zA-Z0-9][a-zA-Z0-9_.-]*$` of the resource's schema). The RAI policy would refer to a provider that cannot exist, and Azure would reject it. Write the name exactly as it is registered in the subscription."#,
        failing_example: include_str!("../../tests/fixtures/E1004.charter"),
        fixed_example: r#"filter screened extends std.filters.default {
  tool_call { safety_providers: ["contoso-dlp"] }
}
"#,
    },
];

/// E1001: the filter of `endpoint` (referred to at `filter_span`) sets the model-only
/// `category` on `side` (at `setting_span`), and the endpoint serves agents.
pub(crate) fn model_only_on_agents(
    endpoint: &str,
    filter: &str,
    filter_span: Span,
    (side, category, setting_span): (Side, Category, Span),
) -> Diagnostic {
    Diagnostic::warning(
        MODEL_ONLY_ON_AGENTS,
        format!(
            "`{}` is skipped for agents, and endpoint `{}` serves agents",
            category.charter_name(),
            sanitize(endpoint)
        ),
        filter_span,
        format!("filter `{}` is used by agents here", sanitize(filter)),
    )
    .with_secondary(
        setting_span,
        format!(
            "{} `{}` works on direct model calls only",
            side.charter_name(),
            category.charter_name()
        ),
    )
    .with_help(
        "guard the agents on their own sides instead (`tool_response { indirect_attack: block }`)",
    )
}

/// E1002: the filter of `endpoint` sets the agent-only `controls` (`tool_call task_adherence`),
/// the first at `first_span`, and the endpoint does not say that agents run on it.
pub(crate) fn agent_only_without_agents(
    endpoint: &str,
    filter: &str,
    filter_span: Span,
    controls: &[String],
    first_span: Span,
) -> Diagnostic {
    Diagnostic::warning(
        AGENT_ONLY_WITHOUT_AGENTS,
        format!(
            "filter `{}` has agent-only controls, and endpoint `{}` does not serve agents",
            sanitize(filter),
            sanitize(endpoint)
        ),
        filter_span,
        format!("{} check nothing here", controls.join(", ")),
    )
    .with_secondary(first_span, "only agents pass through this")
    .with_help(
        "write `agents: enabled` in the endpoint if agents run on it; otherwise use a filter \
         without agent-only controls",
    )
}

/// E1003: the filter of agent endpoint `endpoint` (at `filter_span`) has no control on `side`,
/// which policy `policy` requires at `required_span`.
pub(crate) fn agent_side_unguarded(
    endpoint: &str,
    filter: &str,
    filter_span: Span,
    side: Side,
    policy: &str,
    required_span: Span,
) -> Diagnostic {
    Diagnostic::error(
        AGENT_SIDE_UNGUARDED,
        format!(
            "endpoint `{}` serves agents, and filter `{}` guards nothing on the {} side",
            sanitize(endpoint),
            sanitize(filter),
            side.charter_name()
        ),
        filter_span,
        format!("no control on `{}`", side.charter_name()),
    )
    .with_secondary(
        required_span,
        format!(
            "policy `{}` requires agents to guard `{}`",
            sanitize(policy),
            side.charter_name()
        ),
    )
    .with_help(format!(
        "add `{} {{ ... }}` with a control to the filter, or use `std.filters.agents`",
        side.charter_name()
    ))
}

/// E1004: safety provider `name` at `span` does not match Azure's name pattern.
pub(crate) fn safety_provider_name(name: &str, span: Span) -> Diagnostic {
    Diagnostic::error(
        SAFETY_PROVIDER_NAME,
        format!(
            "`{}` cannot be the name of an external safety provider",
            sanitize(name)
        ),
        span,
        "not a name Azure accepts",
    )
    .with_help(
        "safety provider names start with a letter or digit and hold only letters, digits, \
         `_`, `.` and `-`; write the name as it is registered in the subscription",
    )
}

/// Whether `name` matches `^[a-zA-Z0-9][a-zA-Z0-9_.-]*$`, the name pattern of
/// `Microsoft.CognitiveServices/raiExternalSafetyProviders`.
pub(crate) fn is_safety_provider_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphanumeric())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn safety_provider_names_follow_azure_pattern() {
        assert!(is_safety_provider_name("contoso-dlp"));
        assert!(is_safety_provider_name("a.b_c-1"));
        assert!(!is_safety_provider_name(""));
        assert!(!is_safety_provider_name("-dlp"));
        assert!(!is_safety_provider_name("contoso dlp"));
    }
}

//! Filters (E05xx): a filter weaker than the one it extends or than an app requires.

use charter_ir::{Category, FilterMode, Level, Side};
use charter_syntax::diagnostic::sanitize;
use charter_syntax::{Code, CodeInfo, Diagnostic, Severity, Span};

use crate::model::{level_keyword, Weakness};

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

/// E0501 for a category: filter `filter` sets `side` `category` to `level` at `span`, weaker
/// than `required`, which `setter` (`base` or a filter it extends) sets at `setter_span`.
pub(crate) fn weakens_base_setting(
    filter: &str,
    base: &str,
    (side, category, level, span): (Side, Category, Level, Span),
    required: Level,
    setter: &str,
    setter_span: Span,
) -> Diagnostic {
    let (filter, base, setter) = (sanitize(filter), sanitize(base), sanitize(setter));
    let required = level_keyword(required);
    Diagnostic::error(
        WEAKENS_BASE,
        format!(
            "filter `{filter}` weakens `{base}`: {} `{}` is `{}`, weaker than `{required}`",
            side.charter_name(),
            category.charter_name(),
            level_keyword(level),
        ),
        span,
        format!("weaker than `{base}`"),
    )
    .with_secondary(setter_span, format!("`{setter}` sets `{required}` here"))
    .with_help(format!(
        "a filter that extends another may only make it stricter: set `{}: {required}` or stricter, or do not extend `{base}`",
        category.charter_name(),
    ))
    .with_fix(format!("use `{required}`"), span, required)
}

/// E0501 for the mode: filter `filter` states `mode` at `span`, weaker than `required`, which
/// `setter` states at `setter_span`.
pub(crate) fn weakens_base_mode(
    filter: &str,
    base: &str,
    (mode, span): (FilterMode, Span),
    required: FilterMode,
    setter: &str,
    setter_span: Span,
) -> Diagnostic {
    let (filter, base, setter) = (sanitize(filter), sanitize(base), sanitize(setter));
    let required = required.charter_name();
    Diagnostic::error(
        WEAKENS_BASE,
        format!(
            "filter `{filter}` weakens `{base}`: mode is `{}`, weaker than `{required}`",
            mode.charter_name(),
        ),
        span,
        format!("weaker than `{base}`"),
    )
    .with_secondary(setter_span, format!("`{setter}` sets `{required}` here"))
    .with_note("an asynchronous filter streams the completion before it is checked, so harmful text can reach the caller")
    .with_help(format!("use `mode: {required}`, or do not extend `{base}`"))
    .with_fix(format!("use `{required}`"), span, required)
}

/// E0502: the endpoint's filter `filter` (at `span`) is weaker than `required` (required at
/// `required_span`) that app `app` requires, first in the way `weakness` says.
pub(crate) fn weaker_than_app(
    (filter, span): (&str, Span),
    (required, required_span): (&str, Span),
    app: &str,
    weakness: &Weakness,
) -> Diagnostic {
    let (filter, required, app) = (sanitize(filter), sanitize(required), sanitize(app));
    Diagnostic::error(
        WEAKER_THAN_APP,
        format!(
            "filter `{filter}` is weaker than `{required}`, which app `{app}` requires: {}",
            describe(weakness, "not", &format!("`{required}`")),
        ),
        span,
        format!("weaker than `{required}`"),
    )
    .with_secondary(required_span, format!("`{app}` requires this filter"))
    .with_help(format!(
        "use `{required}` or a stricter filter for this endpoint"
    ))
    .with_fix(format!("use `{required}`"), span, required.clone())
}

/// What is weaker, for a message: ``prompt `hate` is `high`, the minimum is `medium` ``, with
/// `required_word` before the required value (`the minimum is`, `not`) and `requirer` saying
/// what applies a blocklist or calls a provider (`the minimum`, `` `strict` ``).
pub(crate) fn describe(weakness: &Weakness, required_word: &str, requirer: &str) -> String {
    match weakness {
        Weakness::Setting {
            side,
            category,
            level,
            required,
            ..
        } => format!(
            "{} `{}` is `{}`, {required_word} `{}`",
            side.charter_name(),
            category.charter_name(),
            level_keyword(*level),
            level_keyword(*required),
        ),
        Weakness::Blocklist { name, side, .. } => format!(
            "blocklist `{}` is not applied to the {}, {requirer} applies it",
            sanitize(name),
            side.charter_name(),
        ),
        Weakness::SafetyProvider { name, side, .. } => format!(
            "safety provider `{}` is not called on the {}, {requirer} calls it",
            sanitize(name),
            side.charter_name(),
        ),
        Weakness::Mode { mode, required, .. } => format!(
            "mode is `{}`, {required_word} `{}`",
            mode.charter_name(),
            required.charter_name(),
        ),
    }
}

/// The weaker value as written (`high`, `asynchronous`), or the blocklist's name.
pub(crate) fn actual_word(weakness: &Weakness) -> String {
    match weakness {
        Weakness::Setting { level, .. } => level_keyword(*level).to_string(),
        Weakness::Mode { mode, .. } => mode.charter_name().to_string(),
        Weakness::Blocklist { name, .. } | Weakness::SafetyProvider { name, .. } => sanitize(name),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use charter_syntax::FileId;

    /// A missing blocklist or provider is said with what applies or calls it, for E0404 (the
    /// minimum) and E0502 (an app's filter) alike.
    #[test]
    fn what_a_filter_misses_names_what_applies_it() {
        let required_at = Span::new(FileId(0), 0, 1);
        let blocklist = Weakness::Blocklist {
            name: "banned".into(),
            side: Side::Prompt,
            required_at,
        };
        assert_eq!(
            describe(&blocklist, "the minimum is", "the minimum"),
            "blocklist `banned` is not applied to the prompt, the minimum applies it"
        );
        assert_eq!(
            describe(&blocklist, "not", "`strict`"),
            "blocklist `banned` is not applied to the prompt, `strict` applies it"
        );
        let provider = Weakness::SafetyProvider {
            name: "scanner".into(),
            side: Side::Completion,
            required_at,
        };
        assert_eq!(
            describe(&provider, "the minimum is", "the minimum"),
            "safety provider `scanner` is not called on the completion, the minimum calls it"
        );
    }
}

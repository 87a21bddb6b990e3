//! Filters: a filter that extends another may only make it stricter (E0501); and how one filter
//! is weaker than another, in words, for the checks that compare filters.

use charter_syntax::diagnostic::sanitize;
use charter_syntax::Diagnostic;

use super::Checks;
use crate::codes;
use crate::model::{level_keyword, FilterId, Weakness};

impl Checks<'_> {
    /// A filter that extends another may only make it stricter. Blocklists cannot be taken
    /// away by `extends` (they accumulate), so only settings and the mode can weaken.
    pub(super) fn check_filter(&mut self, id: FilterId) {
        let filters = &self.model.filters;
        let filter = &filters[id.0];
        let Some(base) = filter.base else {
            return;
        };
        let base_effective = &filters[base.0].effective;
        let base_name = &filters[base.0].name;
        for setting in &filter.settings {
            let Some(inherited) = base_effective.setting(setting.side, setting.category) else {
                continue;
            };
            if setting.level.strictness() >= inherited.level.strictness() {
                continue;
            }
            let (side, category, level, span) =
                (setting.side, setting.category, setting.level, setting.span);
            let diagnostic = Diagnostic::error(
                codes::filters::WEAKENS_BASE,
                format!(
                    "filter `{}` weakens `{}`: {} `{}` is `{}`, weaker than `{}`",
                    filter.name,
                    base_name,
                    side.charter_name(),
                    category.charter_name(),
                    level_keyword(level),
                    level_keyword(inherited.level),
                ),
                span,
                format!("weaker than `{base_name}`"),
            )
            .with_secondary(
                inherited.span,
                format!("`{}` sets `{}` here", filters[inherited.filter.0].name, level_keyword(inherited.level)),
            )
            .with_help(format!(
                "a filter that extends another may only make it stricter: set `{}: {}` or stricter, or do not extend `{base_name}`",
                category.charter_name(),
                level_keyword(inherited.level)
            ))
            .with_fix(format!("use `{}`", level_keyword(inherited.level)), span, level_keyword(inherited.level));
            self.diagnostics.push(diagnostic);
        }
        let own_mode = filter.effective.mode.filter(|m| m.filter == id);
        if let (Some(own), Some(inherited)) = (own_mode, base_effective.mode) {
            if own.mode.strictness() < inherited.mode.strictness() {
                let required = inherited.mode.charter_name();
                self.diagnostics.push(
                    Diagnostic::error(
                        codes::filters::WEAKENS_BASE,
                        format!(
                            "filter `{}` weakens `{}`: mode is `{}`, weaker than `{required}`",
                            filter.name,
                            base_name,
                            own.mode.charter_name(),
                        ),
                        own.span,
                        format!("weaker than `{base_name}`"),
                    )
                    .with_secondary(
                        inherited.span,
                        format!("`{}` sets `{required}` here", filters[inherited.filter.0].name),
                    )
                    .with_note("an asynchronous filter streams the completion before it is checked, so harmful text can reach the caller")
                    .with_help(format!("use `mode: {required}`, or do not extend `{base_name}`"))
                    .with_fix(format!("use `{required}`"), own.span, required),
                );
            }
        }
    }
}

/// What is weaker, for a message: ``prompt `hate` is `high`, the minimum is `medium` ``.
pub(super) fn describe(weakness: &Weakness, required_word: &str) -> String {
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
            "blocklist `{}` is not applied to the {}, {required_word} applies it",
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
pub(super) fn actual_word(weakness: &Weakness) -> String {
    match weakness {
        Weakness::Setting { level, .. } => level_keyword(*level).to_string(),
        Weakness::Mode { mode, .. } => mode.charter_name().to_string(),
        Weakness::Blocklist { name, .. } => sanitize(name),
    }
}

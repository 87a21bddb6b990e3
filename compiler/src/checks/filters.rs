//! Filters: a filter that extends another may only make it stricter (E0501); and how one filter
//! is weaker than another, in words, for the checks that compare filters.

use charter_syntax::diagnostic::sanitize;

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
            let diagnostic = codes::filters::weakens_base_setting(
                &filter.name,
                base_name,
                (setting.side, setting.category, setting.level, setting.span),
                inherited.level,
                &filters[inherited.filter.0].name,
                inherited.span,
            );
            self.diagnostics.push(diagnostic);
        }
        let own_mode = filter.effective.mode.filter(|m| m.filter == id);
        if let (Some(own), Some(inherited)) = (own_mode, base_effective.mode) {
            if own.mode.strictness() < inherited.mode.strictness() {
                self.diagnostics.push(codes::filters::weakens_base_mode(
                    &filter.name,
                    base_name,
                    (own.mode, own.span),
                    inherited.mode,
                    &filters[inherited.filter.0].name,
                    inherited.span,
                ));
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

//! Filters: a filter that extends another may only make it stricter (E0501).

use super::Checks;
use crate::codes;
use crate::model::FilterId;

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

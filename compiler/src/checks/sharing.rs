//! Sharing: an endpoint serves only apps of its own workload (E0601) that require the same
//! filter (E0602), with a filter at least as strict as each requires (E0502), and sandbox apps
//! only from sandbox endpoints and the other way round (E0606).

use charter_ir as ir;
use charter_syntax::diagnostic::sanitize;
use charter_syntax::{Diagnostic, Span};

use super::filters::describe;
use super::Checks;
use crate::codes;
use crate::model::{self, Endpoint, FilterId, ServedApp, Workload};

impl Checks<'_> {
    pub(super) fn check_serves(&mut self, workload: &Workload, endpoint: &Endpoint) {
        let Some(served_apps) = endpoint
            .serves
            .as_ref()
            .and_then(|field| field.value.as_ref().map(|served| (field, served)))
        else {
            return;
        };
        let (field, served_apps) = served_apps;
        let endpoint_name = endpoint.name.as_str();
        let mut served: Vec<(&model::App, Span)> = Vec::new();
        for item in served_apps {
            match item.app {
                ServedApp::Own(index) => served.push((&workload.apps[index], item.span)),
                // An app of another workload: sharing an endpoint across workloads is the
                // mistake.
                ServedApp::Other {
                    workload: owner,
                    app,
                } => {
                    let owner = self.model.workload(owner);
                    let app = &owner.apps[app];
                    let owner = owner.name.as_str();
                    self.diagnostics.push(
                        Diagnostic::error(
                            codes::sharing::SERVES_OTHER_WORKLOAD,
                            format!(
                                "endpoint `{endpoint_name}` of workload `{}` serves app `{}` of workload `{owner}`",
                                workload.name,
                                sanitize(&item.name)
                            ),
                            item.span,
                            format!("an app of `{owner}`"),
                        )
                        .with_secondary(app.name_span, format!("declared in workload `{owner}`"))
                        .with_help(format!(
                            "share an endpoint only within one workload: give `{owner}` its own endpoint for `{}`",
                            sanitize(&item.name)
                        ))
                        .with_note("a shared endpoint mixes quotas, costs and content filters of teams that govern them separately"),
                    );
                }
                ServedApp::Unknown => {}
            }
        }

        // Apps whose governance differs must not share an endpoint.
        let with_filters: Vec<(&model::App, FilterId, Span)> = served
            .iter()
            .filter_map(|(app, _)| {
                let filter = app.filter()?;
                Some((*app, filter.target, filter.span))
            })
            .collect();
        let filters = &self.model.filters;
        if let Some(((first, first_filter, first_span), rest)) = with_filters.split_first() {
            if let Some((other, other_filter, other_span)) =
                rest.iter().find(|(_, f, _)| f != first_filter)
            {
                self.diagnostics.push(
                    Diagnostic::error(
                        codes::sharing::SERVES_DIFFERENT_FILTERS,
                        format!(
                            "endpoint `{endpoint_name}` serves apps that require different filters: `{}` requires `{}`, `{}` requires `{}`",
                            first.name,
                            filters[first_filter.0].name,
                            other.name,
                            filters[other_filter.0].name
                        ),
                        field.phrase_span,
                        "apps with different content filters",
                    )
                    .with_secondary(*first_span, format!("`{}` requires this filter", first.name))
                    .with_secondary(*other_span, format!("`{}` requires this filter", other.name))
                    .with_help("give each group of apps with the same filter its own endpoint"),
                );
            }
        }
        // The endpoint's filter must be at least as strict as what each app requires.
        if let Some(filter) = endpoint.filter() {
            for (app, required, required_span) in &with_filters {
                let weaker = self.model.weaknesses(filter.target, *required);
                if let Some(first) = weaker.first() {
                    let required_name = &filters[required.0].name;
                    self.diagnostics.push(
                        Diagnostic::error(
                            codes::filters::WEAKER_THAN_APP,
                            format!(
                                "filter `{}` is weaker than `{}`, which app `{}` requires: {}",
                                filters[filter.target.0].name,
                                required_name,
                                app.name,
                                describe(first, "not"),
                            ),
                            filter.span,
                            format!("weaker than `{required_name}`"),
                        )
                        .with_secondary(
                            *required_span,
                            format!("`{}` requires this filter", app.name),
                        )
                        .with_help(format!(
                            "use `{required_name}` or a stricter filter for this endpoint"
                        ))
                        .with_fix(
                            format!("use `{required_name}`"),
                            filter.span,
                            required_name.clone(),
                        ),
                    );
                }
            }
        }
        // Sandbox and the other environments do not mix.
        let environment = workload.environment();
        let endpoint_sandbox = environment == ir::Environment::Sandbox;
        for (app, span) in &served {
            let app_environment = app.environment().unwrap_or(environment);
            if (app_environment == ir::Environment::Sandbox) != endpoint_sandbox {
                let (endpoint_word, app_word) = if endpoint_sandbox {
                    (
                        "sandbox",
                        format!("a `{}` app", app_environment.charter_name()),
                    )
                } else {
                    (environment.charter_name(), "a sandbox app".to_string())
                };
                self.diagnostics.push(
                    Diagnostic::error(
                        codes::sharing::SANDBOX_MIXED,
                        format!("`{endpoint_word}` endpoint `{endpoint_name}` serves {app_word}, `{}`", app.name),
                        *span,
                        app_word.clone(),
                    )
                    .with_secondary(app.name_span, format!("`{}` is declared here", app.name))
                    .with_help("keep sandbox experiments on sandbox endpoints, apart from dev, test and prod"),
                );
            }
        }
    }
}

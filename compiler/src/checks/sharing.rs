//! Sharing: an endpoint serves only apps of its own workload (E0601) that require the same
//! filter (E0602), with a filter at least as strict as each requires (E0502), and sandbox apps
//! only from sandbox endpoints and the other way round (E0606).

use charter_ir as ir;
use charter_syntax::Span;

use super::Checks;
use crate::codes;
use crate::codes::sharing::AppFilter;
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
        let mut served: Vec<(&model::App, Span)> = Vec::with_capacity(served_apps.len());
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
                    // Across business units, the mistake is sharing their AI Foundry resource.
                    if let Some(diagnostic) =
                        self.shared_across_business_units(workload, endpoint, owner, item)
                    {
                        self.diagnostics.push(diagnostic);
                        continue;
                    }
                    self.diagnostics.push(codes::sharing::serves_other_workload(
                        (endpoint_name, &workload.name),
                        (&item.name, item.span),
                        (&owner.name, app.name_span),
                    ));
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
                self.diagnostics
                    .push(codes::sharing::serves_different_filters(
                        endpoint_name,
                        field.phrase_span,
                        AppFilter {
                            app: &first.name,
                            filter: &filters[first_filter.0].name,
                            span: *first_span,
                        },
                        AppFilter {
                            app: &other.name,
                            filter: &filters[other_filter.0].name,
                            span: *other_span,
                        },
                    ));
            }
        }
        // The endpoint's filter must be at least as strict as what each app requires.
        if let Some(filter) = endpoint.filter() {
            for (app, required, required_span) in &with_filters {
                let weaker = self.comparisons.weaknesses(filter.target, *required);
                if let Some(first) = weaker.first() {
                    self.diagnostics.push(codes::filters::weaker_than_app(
                        (&filters[filter.target.0].name, filter.span),
                        (&filters[required.0].name, *required_span),
                        &app.name,
                        first,
                    ));
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
                self.diagnostics.push(codes::sharing::sandbox_mixed(
                    (endpoint_word, endpoint_name),
                    (&app_word, &app.name),
                    *span,
                    app.name_span,
                ));
            }
        }
    }
}

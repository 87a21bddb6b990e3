//! An endpoint's model against the catalog: available where and as it is deployed (E0306,
//! E0307), and not retired (E0304), retiring soon (E0305), deprecated (E0309) or a preview in
//! production (E0308).

use charter_ir as ir;
use charter_ir::Date;
use charter_syntax::Span;

use super::Checks;
use crate::catalog;
use crate::codes;
use crate::codes::catalog::VersionUsed;
use crate::dates;
use crate::model::{self, Endpoint, Policy, Workload, DEFAULT_RETIREMENT_WARNING_DAYS};

impl Checks<'_> {
    /// The availability and lifecycle of the version an endpoint deploys, when both its model
    /// and version are in the catalog (an unknown one was reported).
    pub(super) fn check_model_in_catalog(&mut self, workload: &Workload, endpoint: &Endpoint) {
        let today = self.options.today;
        let policy = workload.policy().map(|id| self.model.policy(id));
        let horizon = policy.map_or(
            DEFAULT_RETIREMENT_WARNING_DAYS,
            Policy::retirement_warning_days,
        );
        let regions: Vec<&model::ListedRegion> = endpoint.regions().collect();
        let deployment_type = endpoint.deployment_type();
        let deployment_span = deployment_type.map(|(_, span)| span);
        // Availability and lifecycle, against the catalog.
        if let (Some(model_used), Some(version_used)) =
            (endpoint.known_model(), endpoint.known_version())
        {
            let model_name = model_used.name.as_str();
            if let Some(entry) = self.catalog.model(model_name) {
                if let Some(found) = entry.version(&version_used.name) {
                    // A project's availability data with a mistake in it (reported there) is
                    // partial: "not available here" would blame the endpoint for it.
                    let availability_trusted = found.availability_complete
                        && (entry.is_stdlib
                            || found.availability.iter().all(|(_, regions)| {
                                regions.iter().all(|r| self.catalog.region(r).is_some())
                            }));
                    if let (Some((kind, _)), true) = (deployment_type, availability_trusted) {
                        if found.has_availability() {
                            for region in &regions {
                                if region.known && !found.available(kind, &region.name) {
                                    self.diagnostics.push(codes::catalog::unavailable(
                                        model_name,
                                        found,
                                        kind,
                                        (&region.name, region.span),
                                        deployment_span,
                                    ));
                                }
                            }
                        }
                    }
                    let phrase_span = endpoint.model.as_ref().map(|field| field.phrase_span);
                    self.check_lifecycle(
                        model_name,
                        found,
                        version_used.span,
                        phrase_span,
                        today,
                        horizon,
                        workload.environment(),
                    );
                }
            }
        }
    }

    #[expect(
        clippy::too_many_arguments,
        reason = "the lifecycle check reads one endpoint's parts"
    )]
    fn check_lifecycle(
        &mut self,
        model: &str,
        version: &catalog::ModelVersion,
        version_span: Span,
        phrase_span: Option<Span>,
        today: Date,
        horizon: u32,
        environment: ir::Environment,
    ) {
        let used = VersionUsed {
            model,
            version,
            span: version_span,
            phrase_span,
        };
        let help = codes::catalog::successor_help(&used, self.fine_tuned_base(model));
        if version.is_retired(today) {
            self.diagnostics.push(codes::catalog::retired(&used, help));
            return;
        }
        let retiring = version.retirement.map(|date| (date, "on ")).or(version
            .retirement_not_before
            .map(|date| (date, "no earlier than ")));
        if let Some((date, qualifier)) = retiring {
            let days = dates::days_between(today, date);
            if days >= 0 && days <= i64::from(horizon) {
                self.diagnostics.push(codes::catalog::retires_soon(
                    &used,
                    (qualifier, date, days),
                    horizon,
                    help,
                ));
                return;
            }
        }
        if version.lifecycle == catalog::Lifecycle::Deprecated {
            self.diagnostics
                .push(codes::catalog::deprecated(&used, help));
            return;
        }
        if version.lifecycle == catalog::Lifecycle::Preview && environment == ir::Environment::Prod
        {
            self.diagnostics
                .push(codes::catalog::preview_in_production(&used));
        }
    }
}

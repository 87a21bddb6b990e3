//! An endpoint's model against the catalog: available where and as it is deployed (E0306,
//! E0307), and not retired (E0304), retiring soon (E0305), deprecated (E0309) or a preview in
//! production (E0308).

use charter_ir as ir;
use charter_ir::{Date, DeploymentType};
use charter_syntax::{Diagnostic, Span};

use super::{schema_join, Checks};
use crate::catalog;
use crate::codes;
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
                                    self.diagnostics.push(unavailable(
                                        model_name,
                                        found,
                                        kind,
                                        &region.name,
                                        region.span,
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
        let successor_fix = |diagnostic: Diagnostic| -> Diagnostic {
            match (&version.successor, phrase_span) {
                (Some(successor), Some(phrase_span)) => match &successor.version {
                    Some(successor_version) if successor.model == model => diagnostic.with_fix(
                        format!("use version `{successor_version}`"),
                        version_span,
                        format!("\"{successor_version}\""),
                    ),
                    Some(successor_version) => diagnostic.with_fix(
                        format!("use `{}` version `{successor_version}`", successor.model),
                        phrase_span,
                        format!("\"{}\" version \"{successor_version}\"", successor.model),
                    ),
                    None => diagnostic,
                },
                _ => diagnostic,
            }
        };
        let successor_help = match (&version.successor, self.fine_tuned_successor_help(model)) {
            (_, Some(fine_tuned)) => fine_tuned,
            (Some(successor), None) => format!("move to its successor, {successor}"),
            (None, None) => "move to a current version of the model".to_string(),
        };
        if version.is_retired(today) {
            let when = match version.retirement {
                Some(date) => format!(" on {date}"),
                None => String::new(),
            };
            let diagnostic = Diagnostic::error(
                codes::catalog::RETIRED_VERSION,
                format!(
                    "version `{}` of `{model}` was retired{when}",
                    version.version
                ),
                version_span,
                "retired: deployments of it no longer work",
            )
            .with_help(successor_help);
            self.diagnostics.push(successor_fix(diagnostic));
            return;
        }
        let retiring = version.retirement.map(|date| (date, "on ")).or(version
            .retirement_not_before
            .map(|date| (date, "no earlier than ")));
        if let Some((date, qualifier)) = retiring {
            let days = dates::days_between(today, date);
            if days >= 0 && days <= i64::from(horizon) {
                let diagnostic = Diagnostic::warning(
                    codes::catalog::RETIRES_SOON,
                    format!(
                        "version `{}` of `{model}` retires {qualifier}{date}, in {days} days",
                        version.version
                    ),
                    version_span,
                    format!("retires within the policy's {horizon}-day warning"),
                )
                .with_help(successor_help);
                self.diagnostics.push(successor_fix(diagnostic));
                return;
            }
        }
        if version.lifecycle == catalog::Lifecycle::Deprecated {
            let retires = match (version.retirement, version.retirement_not_before) {
                (Some(date), _) => format!("; it retires on {date}"),
                (None, Some(date)) => format!("; it retires no earlier than {date}"),
                (None, None) => String::new(),
            };
            let diagnostic = Diagnostic::warning(
                codes::catalog::DEPRECATED_VERSION,
                format!(
                    "version `{}` of `{model}` is deprecated{retires}",
                    version.version
                ),
                version_span,
                "deprecated: closed to new deployments",
            )
            .with_note("Azure no longer lets new customers deploy a deprecated version, and existing deployments stop working when it retires")
            .with_help(successor_help);
            self.diagnostics.push(successor_fix(diagnostic));
            return;
        }
        if version.lifecycle == catalog::Lifecycle::Preview && environment == ir::Environment::Prod
        {
            self.diagnostics.push(
                Diagnostic::warning(
                    codes::catalog::PREVIEW_IN_PRODUCTION,
                    format!("version `{}` of `{model}` is a preview, deployed in production", version.version),
                    version_span,
                    "a preview version",
                )
                .with_help("previews may change or go away without the usual notice; use a generally available version in `prod`"),
            );
        }
    }
}

fn unavailable(
    model: &str,
    version: &catalog::ModelVersion,
    kind: DeploymentType,
    region: &str,
    span: Span,
    deployment_span: Option<Span>,
) -> Diagnostic {
    let other_kinds = version.deployment_types_in(region);
    let mut diagnostic = if other_kinds.is_empty() {
        let elsewhere = version.regions_for(kind);
        let help = if elsewhere.is_empty() {
            format!(
                "the catalog offers no `{}` deployments of this version anywhere",
                kind.charter_name()
            )
        } else {
            let listing: Vec<String> = elsewhere.iter().take(8).map(|r| format!("`{r}`")).collect();
            let more = if elsewhere.len() > 8 { ", ..." } else { "" };
            format!(
                "`{}` deployments of it are available in {}{more}",
                kind.charter_name(),
                listing.join(", ")
            )
        };
        Diagnostic::error(
            codes::catalog::VERSION_NOT_IN_REGION,
            format!(
                "`{model}` version `{}` is not available in `{region}`",
                version.version
            ),
            span,
            "not available here",
        )
        .with_help(help)
    } else {
        let listing: Vec<String> = other_kinds
            .iter()
            .map(|k| format!("`{}`", k.charter_name()))
            .collect();
        Diagnostic::error(
            codes::catalog::DEPLOYMENT_TYPE_NOT_IN_REGION,
            format!(
                "`{model}` version `{}` is not available as `{}` in `{region}`",
                version.version,
                kind.charter_name()
            ),
            span,
            format!("no `{}` here", kind.charter_name()),
        )
        .with_help(format!(
            "in `{region}` it is available as {}",
            schema_join(&listing)
        ))
    };
    if let Some(s) = deployment_span {
        diagnostic = diagnostic.with_secondary(s, "the deployment type");
    }
    diagnostic
}

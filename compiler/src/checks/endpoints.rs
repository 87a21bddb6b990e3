//! Endpoints: each region listed once (E0609), redundancy with two regions (E0603), `standby`
//! only for `active_passive` (E0607), and data zones: regions within the workload's (E0604), a
//! data-zone deployment within one (E0605), no global deployment for a workload that keeps its
//! data in one (E0608).

use charter_ir::{DeploymentType, Redundancy};
use charter_syntax::diagnostic::sanitize;
use charter_syntax::{Diagnostic, Span};

use super::Checks;
use crate::catalog::RegionDataZone;
use crate::codes;
use crate::model::{self, Endpoint, Workload};

impl Checks<'_> {
    /// Checks one endpoint: its regions and data zone, its model against the catalog, the
    /// policy that governs it, and the apps it serves, in this order (the order of the
    /// diagnostics that share a span).
    pub(super) fn check_endpoint(&mut self, workload: &Workload, endpoint: &Endpoint) {
        self.check_regions(endpoint);
        self.check_data_zones(workload, endpoint);
        self.check_model_in_catalog(workload, endpoint);
        // The governing policy. An unknown model or version was reported against the catalog;
        // "not allowed" would only repeat that mistake, so only known ones are checked.
        if let Some(policy) = workload.policy() {
            self.check_against_policy(policy, endpoint);
        }
        self.check_serves(workload, endpoint);
    }

    /// Each region listed once, two distinct ones for redundancy, and `standby` only where it
    /// has an effect.
    fn check_regions(&mut self, endpoint: &Endpoint) {
        // Regions listed twice.
        for region in endpoint
            .regions
            .iter()
            .flat_map(|field| field.value.listed.iter())
        {
            if let Some(first) = region.first {
                self.diagnostics.push(
                    Diagnostic::error(
                        codes::sharing::REGION_TWICE,
                        format!("region `{}` is listed twice", sanitize(&region.name)),
                        region.span,
                        "listed again here",
                    )
                    .with_secondary(first, "first listed here")
                    .with_note("each region of an endpoint gets its own AI account and deployment; a region listed twice would be created twice")
                    .with_help("list each region once; for more capacity in one region, raise the deployment's capacity")
                    .with_fix("remove the duplicate", region.span, ""),
                );
            }
        }
        let regions: Vec<&model::ListedRegion> = endpoint.regions().collect();
        let redundancy = endpoint.redundancy();

        // Redundancy needs two distinct regions.
        if let Some(field) = &endpoint.regions {
            if let Some((_, value_span)) = field
                .value
                .redundancy
                .as_ref()
                .and_then(|modifier| modifier.value)
            {
                let mut distinct: Vec<&str> = regions.iter().map(|r| r.name.as_str()).collect();
                distinct.sort_unstable();
                distinct.dedup();
                if redundancy != Redundancy::None && distinct.len() < 2 {
                    self.diagnostics.push(
                        Diagnostic::error(
                            codes::sharing::REDUNDANCY_ONE_REGION,
                            format!(
                                "redundancy `{}` needs at least two distinct regions, found {}",
                                redundancy.charter_name(),
                                distinct.len()
                            ),
                            value_span,
                            "needs a second region",
                        )
                        .with_secondary(
                            field.value.list_span.unwrap_or(field.phrase_span),
                            "the endpoint's regions",
                        )
                        .with_help("add a second region (its paired region is a good choice), or use `redundancy none`"),
                    );
                }
            }
            // A misspelt redundancy mode was reported; which mode was meant is unknown, so
            // whether `standby` applies is too.
            let redundancy_invalid = field
                .value
                .redundancy
                .as_ref()
                .is_some_and(|modifier| modifier.value.is_none());
            if let Some((_, standby_span)) = endpoint.standby() {
                if redundancy != Redundancy::ActivePassive && !redundancy_invalid {
                    self.diagnostics.push(
                        Diagnostic::warning(
                            codes::sharing::STANDBY_WITHOUT_ACTIVE_PASSIVE,
                            "`standby` has no effect without `redundancy active_passive`",
                            standby_span,
                            "ignored",
                        )
                        .with_help(
                            "remove `standby N`, or make the endpoint `redundancy active_passive`",
                        ),
                    );
                }
            }
        }
    }

    /// The regions and deployment type of an endpoint against the workload's data zone and
    /// the catalog's data zones.
    fn check_data_zones(&mut self, workload: &Workload, endpoint: &Endpoint) {
        let regions: Vec<&model::ListedRegion> = endpoint.regions().collect();
        let deployment_type = endpoint.deployment_type();
        let deployment_span = deployment_type.map(|(_, span)| span);
        // Data zones.
        if let Some((zone, zone_span)) = workload.data_zone() {
            let wanted = RegionDataZone::of_workload(zone);
            for region in &regions {
                if !region.known {
                    continue;
                }
                let actual = self.catalog.region(&region.name).and_then(|r| r.data_zone);
                if actual != Some(wanted) {
                    let where_it_is = match actual {
                        Some(actual) => format!("in the `{}` data zone", actual.keyword()),
                        None => "in no data zone".to_string(),
                    };
                    self.diagnostics.push(
                        Diagnostic::error(
                            codes::sharing::OUTSIDE_DATA_ZONE,
                            format!(
                                "region `{}` is outside the workload's data zone `{}`",
                                region.name,
                                wanted.keyword()
                            ),
                            region.span,
                            where_it_is,
                        )
                        .with_secondary(zone_span, "the workload's data zone")
                        .with_help(format!(
                            "use regions of the `{}` data zone",
                            wanted.keyword()
                        )),
                    );
                }
            }
        }
        if let (Some((kind, span)), Some((zone, zone_span))) =
            (deployment_type, workload.data_zone())
        {
            if kind.is_global() {
                let data_zone_type = match kind {
                    DeploymentType::GlobalProvisioned => DeploymentType::DataZoneProvisioned,
                    DeploymentType::GlobalBatch => DeploymentType::DataZoneBatch,
                    _ => DeploymentType::DataZoneStandard,
                };
                self.diagnostics.push(
                    Diagnostic::error(
                        codes::sharing::GLOBAL_IN_DATA_ZONE,
                        format!(
                            "a `{}` deployment may process data outside the workload's data zone `{}`",
                            kind.charter_name(),
                            zone.charter_name()
                        ),
                        span,
                        "processed in any Azure region",
                    )
                    .with_secondary(zone_span, "the workload's data zone")
                    .with_note("global deployment types route each request to whichever region has capacity, anywhere in the world; only data-zone and regional types keep data within a data zone")
                    .with_help(format!(
                        "use `{}` (within the data zone) or a regional type",
                        data_zone_type.charter_name()
                    ))
                    .with_fix(
                        format!("use `{}`", data_zone_type.charter_name()),
                        span,
                        data_zone_type.charter_name(),
                    ),
                );
            }
        }
        if let Some((kind, _)) = deployment_type {
            if matches!(
                kind,
                DeploymentType::DataZoneStandard
                    | DeploymentType::DataZoneProvisioned
                    | DeploymentType::DataZoneBatch
            ) {
                let zones: Vec<(Option<RegionDataZone>, &str, Span)> = regions
                    .iter()
                    .filter(|region| region.known)
                    .map(|region| {
                        (
                            self.catalog.region(&region.name).and_then(|r| r.data_zone),
                            region.name.as_str(),
                            region.span,
                        )
                    })
                    .collect();
                if let Some((_, region, span)) = zones.iter().find(|(zone, _, _)| zone.is_none()) {
                    let mut diagnostic = Diagnostic::error(
                        codes::sharing::ACROSS_DATA_ZONES,
                        format!("region `{region}` is in no data zone, so it cannot take a `{}` deployment", kind.charter_name()),
                        *span,
                        "in no data zone",
                    )
                    .with_help("use a region of a data zone, or a `standard` or `global_*` deployment type");
                    if let Some(s) = deployment_span {
                        diagnostic = diagnostic.with_secondary(s, "a data-zone deployment type");
                    }
                    self.diagnostics.push(diagnostic);
                } else if let Some(((first_zone, first_region, first_span), rest)) =
                    zones.split_first()
                {
                    if let Some((zone, region, span)) =
                        rest.iter().find(|(z, _, _)| z != first_zone)
                    {
                        let mut diagnostic = Diagnostic::error(
                            codes::sharing::ACROSS_DATA_ZONES,
                            format!(
                                "a `{}` endpoint spans data zones: `{region}` is in `{}`, `{first_region}` in `{}`",
                                kind.charter_name(),
                                zone.map_or("", RegionDataZone::keyword),
                                first_zone.map_or("", RegionDataZone::keyword),
                            ),
                            *span,
                            "in another data zone",
                        )
                        .with_secondary(
                            *first_span,
                            format!("in the `{}` data zone", first_zone.map_or("", RegionDataZone::keyword)),
                        )
                        .with_help("keep a data-zone deployment within one data zone");
                        if let Some(s) = deployment_span {
                            diagnostic =
                                diagnostic.with_secondary(s, "a data-zone deployment type");
                        }
                        self.diagnostics.push(diagnostic);
                    }
                }
            }
        }
    }
}

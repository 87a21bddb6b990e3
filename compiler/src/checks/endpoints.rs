//! Endpoints: each region listed once (E0609), redundancy with two regions (E0603), `standby`
//! only for `active_passive` (E0607), and data zones: regions within the workload's (E0604), a
//! data-zone deployment within one (E0605), no global deployment for a workload that keeps its
//! data in one (E0608).

use charter_ir::{DeploymentType, Redundancy};
use charter_syntax::Span;

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
        self.check_endpoint_agents(workload, endpoint);
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
                self.diagnostics.push(codes::sharing::region_twice(
                    &region.name,
                    region.span,
                    first,
                ));
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
                    self.diagnostics.push(codes::sharing::redundancy_one_region(
                        redundancy,
                        distinct.len(),
                        value_span,
                        field.value.list_span.unwrap_or(field.phrase_span),
                    ));
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
                    self.diagnostics
                        .push(codes::sharing::standby_without_active_passive(standby_span));
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
                    self.diagnostics.push(codes::sharing::outside_data_zone(
                        (&region.name, region.span),
                        actual,
                        wanted,
                        zone_span,
                    ));
                }
            }
        }
        if let (Some((kind, span)), Some((zone, zone_span))) =
            (deployment_type, workload.data_zone())
        {
            if kind.is_global() {
                self.diagnostics.push(codes::sharing::global_in_data_zone(
                    kind, span, zone, zone_span,
                ));
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
                    self.diagnostics.push(codes::sharing::in_no_data_zone(
                        (region, *span),
                        kind,
                        deployment_span,
                    ));
                } else if let Some(((first_zone, first_region, first_span), rest)) =
                    zones.split_first()
                {
                    if let Some((zone, region, span)) =
                        rest.iter().find(|(z, _, _)| z != first_zone)
                    {
                        self.diagnostics.push(codes::sharing::spans_data_zones(
                            kind,
                            (region, *zone, *span),
                            (first_region, *first_zone, *first_span),
                            deployment_span,
                        ));
                    }
                }
            }
        }
    }
}

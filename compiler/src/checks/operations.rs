//! Operations: gateways (what breaks failover through them), monitoring (one workspace per
//! workload, alerts that reach someone) and continuity (standby regions in another failure
//! domain, fine-tuned models copied to every region that serves them).

use std::collections::HashMap;

use charter_ir::{Environment, Management, Redundancy};
use charter_syntax::Span;

use super::Checks;
use crate::catalog::RegionDataZone;
use crate::codes::operations as codes;
use crate::model::{Endpoint, Gateway, Monitoring, Workload, WorkloadId};

impl Checks<'_> {
    /// Every gateway and monitoring block, then the continuity of every workload's endpoints.
    pub(super) fn check_operations(&mut self) {
        let mut routed: HashMap<WorkloadId, Span> = HashMap::new();
        for gateway in &self.model.gateways {
            self.check_gateway(gateway, &mut routed);
        }
        let mut monitored: HashMap<WorkloadId, (&str, Span)> = HashMap::new();
        for monitoring in &self.model.monitoring {
            self.check_monitoring(monitoring, &mut monitored);
        }
        for workload in &self.model.workloads {
            for endpoint in &workload.endpoints {
                self.check_failure_domains(workload, endpoint);
            }
        }
    }

    fn check_gateway(&mut self, gateway: &Gateway, routed: &mut HashMap<WorkloadId, Span>) {
        let regions = gateway.region_names();
        let regions_span = gateway
            .regions
            .as_ref()
            .map_or(gateway.name_span, |field| field.phrase_span);
        if gateway.management() == Management::Charter {
            if gateway.publisher.is_none() {
                self.diagnostics.push(codes::gateway_without_publisher(
                    &gateway.name,
                    gateway.name_span,
                ));
            }
            if let Some(field) = &gateway.sku {
                if let Some(sku) = field.value {
                    if regions.len() > 1 && !sku.is_multi_region() {
                        self.diagnostics.push(codes::tier_one_region(
                            sku.charter_name(),
                            field.phrase_span,
                            regions.len(),
                            regions_span,
                        ));
                    }
                }
            }
        }
        // Endpoint names behind this gateway, with where each was declared.
        let mut names: HashMap<&str, Span> = HashMap::new();
        for reference in gateway.routed() {
            if let Some(first) = routed.get(&reference.target) {
                let name = &self.model.workload(reference.target).name;
                self.diagnostics
                    .push(codes::routed_twice(name, reference.span, *first));
                continue;
            }
            routed.insert(reference.target, reference.span);
            let workload = self.model.workload(reference.target);
            // The gateway's regions against the workload's data zone.
            if let Some((zone, zone_span)) = workload.data_zone() {
                let wanted = RegionDataZone::of_workload(zone);
                for (region, span) in gateway.regions.iter().flat_map(|f| f.value.iter()) {
                    let actual = self.catalog.region(region).and_then(|r| r.data_zone);
                    if actual != Some(wanted) {
                        self.diagnostics.push(codes::gateway_outside_data_zone(
                            (region, *span),
                            &workload.name,
                            wanted.keyword(),
                            zone_span,
                        ));
                    }
                }
            }
            for endpoint in &workload.endpoints {
                match names.get(endpoint.name.as_str()) {
                    Some(first) => self.diagnostics.push(codes::deployment_name_clash(
                        &endpoint.name,
                        endpoint.name_span,
                        *first,
                        &gateway.name,
                    )),
                    None => {
                        names.insert(&endpoint.name, endpoint.name_span);
                    }
                }
                let redundancy = endpoint.redundancy();
                if redundancy == Redundancy::ActiveActive
                    && workload.environment() == Environment::Prod
                    && regions.len() == 1
                {
                    self.diagnostics.push(codes::single_region_gateway(
                        regions_span,
                        &workload.name,
                        &endpoint.name,
                        endpoint.name_span,
                    ));
                }
            }
        }
    }

    fn check_monitoring<'m>(
        &mut self,
        monitoring: &'m Monitoring,
        monitored: &mut HashMap<WorkloadId, (&'m str, Span)>,
    ) {
        if monitoring.management() == Management::Charter && monitoring.region.is_none() {
            self.diagnostics.push(codes::workspace_without_region(
                &monitoring.name,
                monitoring.name_span,
            ));
        }
        if let Some(field) = &monitoring.retention {
            if let Some(days) = field.value {
                if !(codes::MIN_RETENTION_DAYS..=codes::MAX_RETENTION_DAYS).contains(&days) {
                    self.diagnostics
                        .push(codes::retention_out_of_range(days, field.phrase_span));
                }
            }
        }
        if let Some(field) = &monitoring.usage_alert {
            if let Some(percent) = field.value {
                if !(1..=100).contains(&percent) {
                    self.diagnostics
                        .push(codes::usage_alert_out_of_range(percent, field.phrase_span));
                }
            }
        }
        let has_contacts = monitoring
            .contacts
            .as_ref()
            .is_some_and(|field| !field.value.is_empty());
        for (index, workload) in self.model.workloads.iter().enumerate() {
            let id = WorkloadId(index);
            if workload.decl.is_none() || !monitoring.covers(id) {
                continue;
            }
            // Where this block names the workload: its `covers` entry, else the block's name.
            let span = monitoring
                .covers
                .as_ref()
                .and_then(|field| field.value.iter().find(|r| r.target == id))
                .map_or(monitoring.name_span, |r| r.span);
            if let Some((first, first_span)) = monitored.get(&id) {
                self.diagnostics.push(codes::monitored_twice(
                    &workload.name,
                    span,
                    first,
                    *first_span,
                ));
                continue;
            }
            monitored.insert(id, (&monitoring.name, span));
            if !has_contacts && !has_budget_contacts(workload) {
                self.diagnostics.push(codes::alerts_notify_nobody(
                    &workload.name,
                    workload.name_span,
                    &monitoring.name,
                    monitoring.name_span,
                ));
            }
        }
    }

    /// A redundant endpoint's other regions against its primary's location, and a fine-tuned
    /// model's copies against the regions that serve it.
    fn check_failure_domains(&mut self, workload: &Workload, endpoint: &Endpoint) {
        if endpoint.redundancy() == Redundancy::None {
            return;
        }
        let regions: Vec<_> = endpoint.regions().filter(|r| r.known).collect();
        let Some((primary, others)) = regions.split_first() else {
            return;
        };
        let Some(primary_region) = self.catalog.region(&primary.name) else {
            return;
        };
        if let Some(location) = &primary_region.location {
            for other in others {
                let same_place = self
                    .catalog
                    .region(&other.name)
                    .and_then(|r| r.location.as_ref())
                    .is_some_and(|l| l == location);
                if !same_place {
                    continue;
                }
                let better = primary_region
                    .paired
                    .as_deref()
                    .filter(|pair| self.pair_suits(workload, endpoint, pair, location));
                self.diagnostics.push(codes::standby_same_failure_domain(
                    (&other.name, other.span),
                    (&primary.name, primary.span),
                    location,
                    better,
                ));
            }
        }
        // Fine-tuned models: a copy in every region that serves them.
        let Some(name) = endpoint
            .model
            .as_ref()
            .and_then(|field| field.value.model.as_ref())
        else {
            return;
        };
        let Some(fine_tuned) = self.model.fine_tuned.iter().find(|m| m.name == name.name) else {
            return;
        };
        let Some(copies) = &fine_tuned.copies_in else {
            return;
        };
        for region in &regions {
            if !copies.iter().any(|(copy, _)| *copy == region.name) {
                self.diagnostics.push(codes::fine_tuned_without_copy(
                    (&region.name, region.span),
                    &fine_tuned.name,
                    fine_tuned.name_span,
                ));
            }
        }
    }

    /// Whether the primary's paired region `pair` is a better standby: open to everyone,
    /// elsewhere, in the workload's data zone, and offering the endpoint's model and type.
    fn pair_suits(
        &self,
        workload: &Workload,
        endpoint: &Endpoint,
        pair: &str,
        location: &str,
    ) -> bool {
        let Some(region) = self.catalog.region(pair) else {
            return false;
        };
        if region.restricted || region.location.as_deref() == Some(location) {
            return false;
        }
        if let Some((zone, _)) = workload.data_zone() {
            if region.data_zone != Some(RegionDataZone::of_workload(zone)) {
                return false;
            }
        }
        let (Some(model), Some(version), Some((kind, _))) = (
            endpoint.known_model(),
            endpoint.known_version(),
            endpoint.deployment_type(),
        ) else {
            return false;
        };
        self.catalog
            .model(&model.name)
            .and_then(|m| m.version(&version.name))
            .is_some_and(|v| !v.has_availability() || v.available(kind, pair))
    }
}

/// Whether a workload's budget names contacts.
fn has_budget_contacts(workload: &Workload) -> bool {
    workload
        .budget
        .as_ref()
        .and_then(|field| field.value.notify.as_ref())
        .is_some_and(|list| !list.items.is_empty())
}

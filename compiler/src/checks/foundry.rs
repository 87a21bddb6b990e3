//! AI Foundry structure: a policy that requires business units has every workload name one
//! (E1209); a business unit's workloads, which share its AI Foundry resource, follow one policy
//! (E1210), are managed by one group (E1211) and never deploy two endpoints of the same name in
//! one region (E1212); no endpoint serves an app of another business unit (E1208, from the
//! sharing check).

use super::Checks;
use crate::codes::foundry as codes;
use crate::model::{value_of, Endpoint, Served, Workload, WorkloadId};

impl Checks<'_> {
    /// The checks of the business units, after every workload's own checks.
    pub(super) fn check_business_units(&mut self) {
        let units: Vec<&str> = self
            .model
            .business_units
            .iter()
            .map(|unit| unit.name.as_str())
            .collect();
        for workload in &self.model.workloads {
            let Some(policy) = workload.policy().map(|id| self.model.policy(id)) else {
                continue;
            };
            let required = policy
                .business_units
                .as_ref()
                .filter(|field| field.value == Some(charter_ir::Requirement::Required));
            if let (Some(required), None) = (required, &workload.business_unit) {
                self.diagnostics.push(codes::no_business_unit(
                    &workload.name,
                    workload.name_span,
                    &policy.name,
                    required.span,
                    &units,
                ));
            }
        }
        for unit in 0..self.model.business_units.len() {
            self.check_business_unit(unit);
        }
    }

    /// The workloads of business unit `unit` share its resource: one policy, one managing group,
    /// one deployment per endpoint name and region.
    fn check_business_unit(&mut self, unit: usize) {
        let name = self.model.business_units[unit].name.as_str();
        let members: Vec<WorkloadId> = (0..self.model.workloads.len())
            .map(WorkloadId)
            .filter(|&id| business_unit_of(self.model.workload(id)) == Some(unit))
            .collect();
        let Some((&first, rest)) = members.split_first() else {
            return;
        };
        let first_workload = self.model.workload(first);
        let first_policy = first_workload.policy();
        if let Some(other) = rest
            .iter()
            .map(|&id| self.model.workload(id))
            .find(|w| w.policy().is_some() && first_policy.is_some() && w.policy() != first_policy)
        {
            let (Some(policy), Some(first_policy)) = (other.policy(), first_policy) else {
                return;
            };
            self.diagnostics.push(codes::mixed_policies(
                name,
                (
                    &other.name,
                    &self.model.policy(policy).name,
                    other.name_span,
                ),
                (
                    &first_workload.name,
                    &self.model.policy(first_policy).name,
                    first_workload.name_span,
                ),
            ));
        }
        let managed: Vec<(WorkloadId, (String, String))> = members
            .iter()
            .filter_map(|&id| {
                let (group, words) = self.manager(self.model.workload(id))?;
                let named = match group.strip_prefix("team:").filter(|g| !g.is_empty()) {
                    Some(id) => format!("{words} (group `{id}`)"),
                    None => words,
                };
                Some((id, (group, named)))
            })
            .collect();
        if let Some(((first, (group, words)), rest)) = managed.split_first() {
            if let Some((other, (_, other_words))) = rest.iter().find(|(_, (g, _))| g != group) {
                let (first, other) = (self.model.workload(*first), self.model.workload(*other));
                self.diagnostics.push(codes::mixed_managers(
                    name,
                    (&other.name, other_words, other.name_span),
                    (&first.name, words, first.name_span),
                ));
            }
        }
        // One deployment per endpoint name in each of the business unit's accounts.
        let mut deployed: Vec<(&str, &str, &str, charter_syntax::Span)> = Vec::new();
        for &id in &members {
            let workload = self.model.workload(id);
            for endpoint in &workload.endpoints {
                for region in endpoint.regions() {
                    if let Some((_, _, first, first_span)) =
                        deployed.iter().find(|(endpoint_name, region_name, _, _)| {
                            *endpoint_name == endpoint.name && *region_name == region.name
                        })
                    {
                        self.diagnostics.push(codes::deployment_name_taken(
                            (name, &region.name),
                            (&endpoint.name, &workload.name, endpoint.name_span),
                            (first, *first_span),
                        ));
                        break;
                    }
                    deployed.push((
                        &endpoint.name,
                        &region.name,
                        &workload.name,
                        endpoint.name_span,
                    ));
                }
            }
        }
    }

    /// E1208 for an endpoint of `workload` that serves `item`, an app of `owner`, when the two
    /// workloads belong to different business units; `None` otherwise.
    pub(super) fn shared_across_business_units(
        &self,
        workload: &Workload,
        endpoint: &Endpoint,
        owner: &Workload,
        item: &Served,
    ) -> Option<charter_syntax::Diagnostic> {
        let (Some(own), Some(other)) = (business_unit_of(workload), business_unit_of(owner)) else {
            return None;
        };
        if own == other {
            return None;
        }
        let units = &self.model.business_units;
        Some(codes::shared_across_business_units(
            (&endpoint.name, &workload.name, &units[own].name),
            (&item.name, item.span),
            (&owner.name, &units[other].name, owner.name_span),
        ))
    }
}

/// The business unit a workload names, when it resolved.
fn business_unit_of(workload: &Workload) -> Option<usize> {
    value_of(&workload.business_unit).map(|unit| unit.target)
}

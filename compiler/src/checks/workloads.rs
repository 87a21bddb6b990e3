//! Workloads: the Azure names they give (resource group, subscription), their budget, and
//! each of their endpoints.

use super::Checks;
use crate::codes::fields::AzureName;
use crate::model::{value_of, WorkloadId};
use crate::typeck;

impl<'a> Checks<'a> {
    pub(super) fn check_workload(&mut self, id: WorkloadId) {
        let workload: &'a crate::model::Workload = self.model.workload(id);
        if let Some((group, span)) = value_of(&workload.resource_group) {
            self.diagnostics.extend(typeck::azure_name_problem(
                AzureName::ResourceGroup,
                group,
                *span,
            ));
        }
        if let Some(field) = &workload.budget {
            self.check_budget(&field.value);
        }
        if let Some((subscription, span)) = value_of(&workload.subscription) {
            self.diagnostics.extend(typeck::azure_name_problem(
                AzureName::Subscription,
                subscription,
                *span,
            ));
        }
        for endpoint in &workload.endpoints {
            self.check_endpoint(workload, endpoint);
        }
    }
}

//! Deployment authority in Azure's terms: the built-in roles Charter grants, and the role
//! assignments that make a workload's `managed_by` true.
//!
//! A workload managed by its own team gives the team's group the write role on the workload's
//! resource group (and the use role, to call its models); one managed by the central team gives
//! the central group the write role and the workload's team only the use role. Nothing is
//! granted wider than the resource group. The role ids are Azure's built-in role definition ids,
//! the same in every tenant (docs/language.md, "Deployment authority", lists their source).

use charter_ir::{Authority, Project, Workload};
use serde_json::{json, Value};

use crate::names;

/// A built-in Azure role Charter grants.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BuiltInRole {
    /// The role's name, as the portal and `az role definition list` show it.
    pub name: &'static str,
    /// The role definition id (a GUID, the same in every tenant).
    pub id: &'static str,
}

/// Create, update and delete Cognitive Services accounts, their deployments and content
/// filters, and manage their keys: the write role.
pub const COGNITIVE_SERVICES_CONTRIBUTOR: BuiltInRole = BuiltInRole {
    name: "Cognitive Services Contributor",
    id: "25fbc0a9-bd7c-42a3-aa1a-3b75d497ee68",
};

/// See the resources and their deployments, and call the models (inference with Microsoft
/// Entra ID); no keys, no changes: the use role.
pub const COGNITIVE_SERVICES_OPENAI_USER: BuiltInRole = BuiltInRole {
    name: "Cognitive Services OpenAI User",
    id: "5e0bd9bd-7b93-4f28-af87-19fc36ad61bd",
};

/// Every role Charter grants.
pub const ROLES: [BuiltInRole; 2] = [
    COGNITIVE_SERVICES_CONTRIBUTOR,
    COGNITIVE_SERVICES_OPENAI_USER,
];

/// The role a role definition id (`…/roleDefinitions/<guid>`) names, when Charter grants it.
pub fn role_by_definition_id(definition_id: &str) -> Option<BuiltInRole> {
    let id = definition_id.rsplit('/').next()?;
    ROLES
        .into_iter()
        .find(|role| role.id.eq_ignore_ascii_case(id))
}

/// Who a role assignment is for, in words.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Grantee {
    /// The workload's own team.
    WorkloadTeam,
    /// The central team.
    CentralTeam,
}

/// One role assignment Charter creates, on a workload's resource group.
#[derive(Clone, Debug, PartialEq)]
pub struct RoleAssignment {
    /// The workloads it is made for (several when they share the group and the manager).
    pub workloads: Vec<String>,
    /// The resource group (index into [`crate::estate::Estate::resource_groups`]).
    pub resource_group: usize,
    pub role: BuiltInRole,
    pub grantee: Grantee,
    /// The object id of the Microsoft Entra group.
    pub principal_id: String,
    /// The assignment's name, a GUID derived from its scope, role and principal.
    pub name: String,
    pub id: String,
    pub payload: Value,
}

/// The roles a workload's `managed_by` needs, each with the group it goes to.
pub fn grants(workload: &Workload) -> Vec<(BuiltInRole, Grantee, String)> {
    let Some(authority) = &workload.authority else {
        return Vec::new();
    };
    let mut grants = Vec::new();
    match authority.managed_by {
        Authority::WorkloadTeam => {
            if let Some(team) = &authority.team {
                grants.push((
                    COGNITIVE_SERVICES_CONTRIBUTOR,
                    Grantee::WorkloadTeam,
                    team.clone(),
                ));
                grants.push((
                    COGNITIVE_SERVICES_OPENAI_USER,
                    Grantee::WorkloadTeam,
                    team.clone(),
                ));
            }
        }
        Authority::CentralTeam => {
            if let Some(central) = &authority.central_team {
                grants.push((
                    COGNITIVE_SERVICES_CONTRIBUTOR,
                    Grantee::CentralTeam,
                    central.clone(),
                ));
            }
            if let Some(team) = &authority.team {
                grants.push((
                    COGNITIVE_SERVICES_OPENAI_USER,
                    Grantee::WorkloadTeam,
                    team.clone(),
                ));
            }
        }
    }
    grants
}

/// The role assignments of every workload of `project`, on their resource groups (`groups`: the
/// id of each workload's group, by workload index), each once.
pub(crate) fn role_assignments(
    project: &Project,
    groups: &[(usize, String)],
) -> Vec<RoleAssignment> {
    let mut assignments: Vec<RoleAssignment> = Vec::new();
    for (workload, (group, group_id)) in project.workloads.iter().zip(groups) {
        for (role, grantee, principal) in grants(workload) {
            let principal = principal.to_ascii_lowercase();
            if let Some(existing) = assignments.iter_mut().find(|a| {
                a.resource_group == *group && a.role == role && a.principal_id == principal
            }) {
                if !existing.workloads.contains(&workload.name) {
                    existing.workloads.push(workload.name.clone());
                }
                continue;
            }
            let name = names::role_assignment(group_id, role.id, &principal);
            let role_definition_id = format!(
                "{}/providers/Microsoft.Authorization/roleDefinitions/{}",
                subscription_of(group_id),
                role.id
            );
            let payload = json!({
                "type": crate::estate::types::ROLE_ASSIGNMENT,
                "name": name,
                "properties": {
                    "roleDefinitionId": role_definition_id,
                    "principalId": principal,
                    "principalType": "Group"
                }
            });
            assignments.push(RoleAssignment {
                workloads: vec![workload.name.clone()],
                resource_group: *group,
                role,
                grantee,
                id: format!(
                    "{group_id}/providers/{}/{name}",
                    crate::estate::types::ROLE_ASSIGNMENT
                ),
                principal_id: principal,
                name,
                payload,
            });
        }
    }
    assignments
}

/// `/subscriptions/<id>` of a resource group id.
fn subscription_of(group_id: &str) -> &str {
    match group_id.find("/resourceGroups/") {
        Some(at) => &group_id[..at],
        None => group_id,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use charter_ir::{Environment, WorkloadAuthority};

    fn workload(managed_by: Authority, team: Option<&str>, central: Option<&str>) -> Workload {
        Workload {
            name: "support".into(),
            description: String::new(),
            policy: "guardrails".into(),
            environment: Environment::Prod,
            resource_group: "rg-support".into(),
            subscription: None,
            data_zone: None,
            apps: Vec::new(),
            budget: None,
            endpoints: Vec::new(),
            authority: Some(WorkloadAuthority {
                managed_by,
                team: team.map(str::to_string),
                central_team: central.map(str::to_string),
            }),
            classification: None,
            public_network: None,
            business_unit: None,
        }
    }

    #[test]
    fn a_self_managed_workload_gives_its_team_the_write_and_use_roles() {
        let grants = grants(&workload(
            Authority::WorkloadTeam,
            Some("team"),
            Some("central"),
        ));
        let roles: Vec<(&str, Grantee, &str)> = grants
            .iter()
            .map(|(role, grantee, who)| (role.name, *grantee, who.as_str()))
            .collect();
        assert_eq!(
            roles,
            [
                (
                    "Cognitive Services Contributor",
                    Grantee::WorkloadTeam,
                    "team"
                ),
                (
                    "Cognitive Services OpenAI User",
                    Grantee::WorkloadTeam,
                    "team"
                ),
            ]
        );
    }

    #[test]
    fn a_centrally_managed_workload_gives_its_team_only_the_use_role() {
        let grants = grants(&workload(
            Authority::CentralTeam,
            Some("team"),
            Some("central"),
        ));
        let roles: Vec<(&str, Grantee, &str)> = grants
            .iter()
            .map(|(role, grantee, who)| (role.name, *grantee, who.as_str()))
            .collect();
        assert_eq!(
            roles,
            [
                (
                    "Cognitive Services Contributor",
                    Grantee::CentralTeam,
                    "central"
                ),
                (
                    "Cognitive Services OpenAI User",
                    Grantee::WorkloadTeam,
                    "team"
                ),
            ]
        );
    }

    #[test]
    fn assignment_names_are_stable_guids() {
        let name = names::role_assignment("/subscriptions/x/resourceGroups/rg", "role", "p");
        assert!(charter_ir::is_guid(&name), "{name}");
        assert_eq!(
            name,
            names::role_assignment("/subscriptions/x/resourceGroups/rg", "role", "p")
        );
        assert_ne!(
            name,
            names::role_assignment("/subscriptions/x/resourceGroups/rg", "role", "q")
        );
    }
}

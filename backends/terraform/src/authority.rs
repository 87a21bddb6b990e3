//! `authority.tf`: the role assignments of the estate
//! ([`charter_governance::authority::RoleAssignment`]), which make each workload's deployment
//! authority true: the managing group's write role and the workload team's use role, on the
//! workload's resource group and nothing wider.

use charter_governance::authority::{Grantee, RoleAssignment};
use charter_governance::estate::Estate;

use crate::context::{Context, DEFAULT_SUBSCRIPTION};
use crate::hcl::{Block, Body, Expr, TemplatePart};
use crate::names::{identifier, resource_group_address};

/// The body of `authority.tf`, or `None` when no workload states who manages it.
pub(crate) fn file(context: &mut Context<'_>, estate: &Estate) -> Option<String> {
    if estate.role_assignments.is_empty() {
        return None;
    }
    let mut file = Body::new();
    for assignment in &estate.role_assignments {
        let group = &estate.resource_groups[assignment.resource_group];
        let group_address = resource_group_address(&group.name, group.subscription.as_deref());
        let provider = context.provider_for(group.subscription.as_deref());
        let subscription = match group.subscription.as_deref() {
            Some(subscription) => context.subscription(subscription),
            None => TemplatePart::Interpolation(format!("var.{DEFAULT_SUBSCRIPTION}")),
        };
        let mut body = Body::new();
        if let Some(provider) = &provider {
            body.raw("provider", provider.as_str());
        }
        body.string("name", &assignment.name)
            .raw(
                "scope",
                format!("azurerm_resource_group.{group_address}.id"),
            )
            .attribute(
                "role_definition_id",
                Expr::Template(vec![
                    TemplatePart::Text("/subscriptions/".into()),
                    subscription,
                    TemplatePart::Text(format!(
                        "/providers/Microsoft.Authorization/roleDefinitions/{}",
                        assignment.role.id
                    )),
                ]),
            )
            .string("principal_id", &assignment.principal_id)
            .string("principal_type", "Group")
            .string("description", &description(assignment, &group.name));
        file.comment(&format!(
            "{} ({}) for {} on resource group `{}`.",
            assignment.role.name,
            assignment.role.id,
            grantee_words(assignment),
            group.name
        ));
        file.block(Block::new(
            "resource",
            &[
                "azurerm_role_assignment",
                &address(&group.name, assignment.role.name, &assignment.principal_id),
            ],
            body,
        ));
    }
    Some(file.to_file())
}

fn grantee_words(assignment: &RoleAssignment) -> String {
    let workloads: Vec<String> = assignment
        .workloads
        .iter()
        .map(|w| format!("`{w}`"))
        .collect();
    match assignment.grantee {
        Grantee::WorkloadTeam => format!("the team of {}", workloads.join(", ")),
        Grantee::CentralTeam => format!("the central team, managing {}", workloads.join(", ")),
    }
}

fn description(assignment: &RoleAssignment, group: &str) -> String {
    let what = match assignment.grantee {
        Grantee::WorkloadTeam => "workload team",
        Grantee::CentralTeam => "central team",
    };
    format!(
        "Charter: {} for the {what} of {} on {group}",
        assignment.role.name,
        assignment.workloads.join(", ")
    )
}

/// The Terraform address of a role assignment: its resource group, role and principal.
pub(crate) fn address(group: &str, role: &str, principal: &str) -> String {
    let short: String = principal.chars().take(8).collect();
    format!(
        "{}__{}__{}",
        identifier(group),
        identifier(role),
        identifier(&short)
    )
}

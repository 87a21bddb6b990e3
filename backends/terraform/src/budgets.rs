//! `budgets.tf`: each workload's budget as a resource group budget, with one notification per
//! alert threshold.

use charter_governance::estate::Estate;
use charter_ir::{Budget, BudgetPeriod, Workload};

use crate::context::{Context, Variable, BUDGET_START};
use crate::hcl::{Block, Body, Expr};
use crate::names::{identifier, resource_group_address};

/// The body of `budgets.tf`, or `None` when no workload has a budget.
pub(crate) fn file(context: &mut Context<'_>, estate: &Estate) -> Option<String> {
    let project = context.project;
    let with_budget: Vec<(&Workload, &Budget)> = project
        .workloads
        .iter()
        .filter_map(|workload| workload.budget.as_ref().map(|budget| (workload, budget)))
        .collect();
    if with_budget.is_empty() {
        return None;
    }
    context.declare(
        BUDGET_START,
        Variable {
            description: "the first day of the budgets' first period, in RFC 3339 (`2027-01-01T00:00:00Z`); it must be the first of a month, and changing it replaces the budgets".into(),
            default: None,
            validation: Some((
                "^[0-9]{4}-[0-9]{2}-01T00:00:00Z$".into(),
                "The budget start date must be the first of a month, written like 2027-01-01T00:00:00Z.".into(),
            )),
        },
    );
    let mut file = Body::new();
    for (workload, budget) in with_budget {
        let provider = context.provider_for(workload.subscription.as_deref());
        let Some(resource) = estate.budgets.iter().find(|b| b.workload == workload.name) else {
            continue;
        };
        let group = &estate.resource_groups[resource.resource_group];
        let group_address = resource_group_address(&group.name, group.subscription.as_deref());
        let action_group = crate::operations::budget_action_group(estate, &workload.name);
        file.block(budget_block(
            workload,
            budget,
            &resource.name,
            &group_address,
            provider.as_deref(),
            action_group.as_deref(),
        ));
    }
    Some(file.to_file())
}

fn time_grain(period: BudgetPeriod) -> &'static str {
    match period {
        BudgetPeriod::Monthly => "Monthly",
        BudgetPeriod::Quarterly => "Quarterly",
        BudgetPeriod::Annually => "Annually",
    }
}

/// The amount as an HCL number; the checker only lets decimal numbers through, but anything
/// else is still written safely, as a string Terraform converts.
fn amount(written: &str) -> Expr {
    let is_decimal = !written.is_empty()
        && written.chars().all(|c| c.is_ascii_digit() || c == '.')
        && written.chars().filter(|&c| c == '.').count() <= 1
        && !written.starts_with('.')
        && !written.ends_with('.');
    if is_decimal {
        Expr::Raw(written.to_string())
    } else {
        Expr::Str(written.to_string())
    }
}

fn budget_block(
    workload: &Workload,
    budget: &Budget,
    name: &str,
    group_address: &str,
    provider: Option<&str>,
    action_group: Option<&str>,
) -> Block {
    let mut body = Body::new();
    body.comment(&format!(
        "{} {} {}. Azure budgets count in the billing account's currency, which Terraform cannot \
         set: check that it is {}.",
        budget.amount,
        budget.currency,
        time_grain(budget.period).to_lowercase(),
        budget.currency
    ));
    if let Some(provider) = provider {
        body.raw("provider", provider);
    }
    body.string("name", name)
        .raw(
            "resource_group_id",
            format!("azurerm_resource_group.{group_address}.id"),
        )
        .attribute("amount", amount(&budget.amount))
        .string("time_grain", time_grain(budget.period));
    let mut period = Body::new();
    period.raw("start_date", format!("var.{BUDGET_START}"));
    body.block(Block::new("time_period", &[], period));
    // A monitored workload's budget also alerts on the forecast reaching its highest threshold
    // (the same notifications as the estate's payload).
    let forecast = action_group.and(budget.alert_thresholds.iter().max());
    let notifications = budget
        .alert_thresholds
        .iter()
        .map(|threshold| (threshold, "Actual"))
        .chain(forecast.map(|threshold| (threshold, "Forecasted")));
    for (threshold, kind) in notifications {
        let mut notification = Body::new();
        notification
            .raw("enabled", "true")
            .raw("threshold", threshold.to_string())
            .string("operator", "GreaterThanOrEqualTo")
            .string("threshold_type", kind);
        if !budget.contacts.is_empty() {
            notification.attribute("contact_emails", Expr::strings(&budget.contacts));
        } else if action_group.is_none() {
            // Azure needs someone to notify; with no contacts, the owners of the group are it.
            notification.attribute("contact_roles", Expr::strings(&["Owner"]));
        }
        if let Some(action_group) = action_group {
            notification.attribute(
                "contact_groups",
                Expr::List(vec![Expr::Raw(action_group.to_string())]),
            );
        }
        body.block(Block::new("notification", &[], notification));
    }
    Block::new(
        "resource",
        &[
            "azurerm_consumption_budget_resource_group",
            &identifier(&workload.name),
        ],
        body,
    )
}

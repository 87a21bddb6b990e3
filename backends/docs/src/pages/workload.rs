//! One workload: where it lives, its budget, its endpoints (regions, redundancy, capacity,
//! filter), and the apps they serve.

use charter_ir::{BudgetPeriod, Endpoint, Redundancy, Workload};

use super::{region_figure, Context};
use crate::facts::{self, Status};
use crate::page::{
    code, code_link, link, link_to, paragraphs, text, Block, Inline, Page, PageId, Tone,
};

/// The heading of the apps section.
pub(crate) const APPS: &str = "Apps";

/// The heading of an endpoint's section (and so its anchor).
pub(crate) fn endpoint_heading(endpoint: &str) -> String {
    format!("Endpoint {endpoint}")
}

pub(crate) fn page(context: &Context<'_>, workload: &Workload) -> Page {
    let mut blocks: Vec<Block> = paragraphs(&workload.description)
        .into_iter()
        .map(|p| Block::Paragraph(vec![text(p)]))
        .collect();

    let policy = context.policy(&workload.policy);
    let mut rows: Vec<Vec<Vec<Inline>>> = vec![
        vec![
            vec![text("Governed by")],
            match policy {
                Some(policy) => vec![link(
                    context.policy_title(policy),
                    PageId::Policy(policy.name.clone()),
                )],
                None => vec![code(&workload.policy)],
            },
        ],
        vec![
            vec![text("Environment")],
            vec![text(facts::environment(workload.environment))],
        ],
    ];
    if let Some(subscription) = &workload.subscription {
        rows.push(vec![vec![text("Subscription")], vec![code(subscription)]]);
    }
    rows.push(vec![
        vec![text("Resource group")],
        vec![code(&workload.resource_group)],
    ]);
    rows.push(vec![
        vec![text("Data zone")],
        vec![text(match workload.data_zone {
            Some(zone) => format!(
                "{}: every endpoint runs in {} regions",
                facts::data_zone(zone),
                facts::data_zone(zone)
            ),
            None => "none declared".to_owned(),
        })],
    ]);
    if let Some(policy) = policy {
        if !policy.owner_tag.is_empty() {
            rows.push(vec![
                vec![text("Ownership tag")],
                vec![code(format!("{} = {}", policy.owner_tag, workload.name))],
            ]);
        }
    }
    blocks.push(Block::Table {
        head: vec!["Setting".to_owned(), "Value".to_owned()],
        rows,
    });

    blocks.push(Block::Heading {
        level: 2,
        text: "Budget".to_owned(),
    });
    match &workload.budget {
        None => blocks.push(Block::Paragraph(vec![text("No budget is declared.")])),
        Some(budget) => {
            let period = match budget.period {
                BudgetPeriod::Monthly => "per month",
                BudgetPeriod::Quarterly => "per quarter",
                BudgetPeriod::Annually => "per year",
            };
            blocks.push(Block::Paragraph(vec![text(format!(
                "{} {} {period}, for the workload's resource group.",
                facts::group_thousands(&budget.amount),
                budget.currency
            ))]));
            if !budget.alert_thresholds.is_empty() {
                let alerts = budget
                    .alert_thresholds
                    .iter()
                    .map(|percent| {
                        let amount = facts::share_of(&budget.amount, *percent)
                            .map(|a| format!(" ({a} {})", budget.currency))
                            .unwrap_or_default();
                        vec![text(format!("{percent}% of the budget{amount}"))]
                    })
                    .collect();
                let mut who = vec![text("Alerts go to ")];
                if budget.contacts.is_empty() {
                    who.push(text("nobody (no contact is declared)"));
                } else {
                    for (index, contact) in budget.contacts.iter().enumerate() {
                        if index > 0 {
                            who.push(text(", "));
                        }
                        who.push(code(contact));
                    }
                }
                who.push(text(" when spending reaches:"));
                blocks.push(Block::Paragraph(who));
                blocks.push(Block::List(alerts));
            }
        }
    }

    blocks.push(Block::Heading {
        level: 2,
        text: "Endpoints".to_owned(),
    });
    if workload.endpoints.is_empty() {
        blocks.push(Block::Paragraph(vec![text(
            "The workload has no endpoint.",
        )]));
    } else {
        let rows = workload
            .endpoints
            .iter()
            .map(|endpoint| endpoint_row(context, workload, endpoint))
            .collect();
        blocks.push(Block::Table {
            head: [
                "Endpoint",
                "Model",
                "Deployment type",
                "Capacity",
                "Regions",
                "Redundancy",
                "Content filter",
                "Serves",
            ]
            .map(str::to_owned)
            .to_vec(),
            rows,
        });
        if let Some(figure) = region_figure(
            context,
            &[workload],
            format!("regions-{}.svg", crate::page::file_safe(&workload.name)),
            format!("Endpoints of {} by region", workload.name),
        ) {
            blocks.push(figure);
        }
        for endpoint in &workload.endpoints {
            blocks.push(Block::Heading {
                level: 3,
                text: endpoint_heading(&endpoint.name),
            });
            blocks.extend(endpoint_section(context, workload, endpoint));
        }
    }

    blocks.push(Block::Heading {
        level: 2,
        text: APPS.to_owned(),
    });
    if workload.apps.is_empty() {
        blocks.push(Block::Paragraph(vec![text(
            "The workload declares no app.",
        )]));
    } else {
        let rows = workload
            .apps
            .iter()
            .map(|app| {
                let served_by: Vec<&Endpoint> = workload
                    .endpoints
                    .iter()
                    .filter(|e| e.serves.contains(&app.name))
                    .collect();
                let mut endpoints = Vec::new();
                let mut effective = Vec::new();
                for (index, endpoint) in served_by.iter().enumerate() {
                    if index > 0 {
                        endpoints.push(text(", "));
                    }
                    endpoints.push(code_link(
                        &endpoint.name,
                        PageId::Workload(workload.name.clone()),
                        Some(&endpoint_heading(&endpoint.name)),
                    ));
                    if !effective.iter().any(|i| {
                        matches!(i, Inline::Link { label, .. } if *label == endpoint.filter.name)
                            || matches!(i, Inline::Code(name) if *name == endpoint.filter.name)
                    }) {
                        if !effective.is_empty() {
                            effective.push(text(", "));
                        }
                        effective.push(context.filter_link(&endpoint.filter.name));
                    }
                }
                if endpoints.is_empty() {
                    endpoints.push(text("no endpoint"));
                    effective.push(text("—"));
                }
                vec![
                    vec![code(&app.name)],
                    vec![text(facts::environment(app.environment))],
                    match &app.filter {
                        Some(name) => vec![context.filter_link(name)],
                        None => vec![text("none")],
                    },
                    endpoints,
                    effective,
                ]
            })
            .collect();
        blocks.push(Block::Paragraph(vec![text(
            "The effective filter is the content filter of the endpoints that serve the app: at \
             least as strict as the filter the app requires.",
        )]));
        blocks.push(Block::Table {
            head: [
                "App",
                "Environment",
                "Requires filter",
                "Served by",
                "Effective filter",
            ]
            .map(str::to_owned)
            .to_vec(),
            rows,
        });
    }

    Page {
        id: PageId::Workload(workload.name.clone()),
        title: format!("Workload {}", workload.name),
        blocks,
    }
}

fn capacity_text(endpoint: &Endpoint) -> String {
    let unit = if facts::is_provisioned(endpoint.deployment_type) {
        "PTUs"
    } else {
        "units"
    };
    match (endpoint.redundancy, endpoint.standby_capacity) {
        (Redundancy::ActivePassive, Some(standby)) if endpoint.regions.len() > 1 => {
            format!("{} {unit} (standby {standby})", endpoint.capacity)
        }
        _ => format!("{} {unit}", endpoint.capacity),
    }
}

fn endpoint_row(
    context: &Context<'_>,
    workload: &Workload,
    endpoint: &Endpoint,
) -> Vec<Vec<Inline>> {
    let mut regions = Vec::new();
    for (index, region) in endpoint.regions.iter().enumerate() {
        if index > 0 {
            regions.push(text(", "));
        }
        regions.push(code(region));
    }
    let mut serves = Vec::new();
    for (index, app) in endpoint.serves.iter().enumerate() {
        if index > 0 {
            serves.push(text(", "));
        }
        serves.push(code(app));
    }
    if serves.is_empty() {
        serves.push(text("no app"));
    }
    vec![
        vec![code_link(
            &endpoint.name,
            PageId::Workload(workload.name.clone()),
            Some(&endpoint_heading(&endpoint.name)),
        )],
        vec![code(format!(
            "{} {}",
            endpoint.model.name, endpoint.model.version
        ))],
        vec![text(facts::deployment_type(endpoint.deployment_type))],
        vec![text(capacity_text(endpoint))],
        regions,
        vec![text(facts::redundancy(endpoint.redundancy))],
        vec![context.filter_link(&endpoint.filter.name)],
        serves,
    ]
}

fn endpoint_section(context: &Context<'_>, workload: &Workload, endpoint: &Endpoint) -> Vec<Block> {
    let mut blocks: Vec<Block> = paragraphs(&endpoint.description)
        .into_iter()
        .map(|p| Block::Paragraph(vec![text(p)]))
        .collect();
    let mut items: Vec<Vec<Inline>> = Vec::new();

    let catalog_version = context
        .input
        .catalog
        .version(&endpoint.model.name, &endpoint.model.version);
    let horizon = context
        .policy(&workload.policy)
        .map_or(0, |p| p.retirement_warning_days);
    let status = facts::status(catalog_version, context.today, horizon);
    let mut model = vec![
        text("Model "),
        code(&endpoint.model.name),
        text(" version "),
        code(&endpoint.model.version),
    ];
    match catalog_version {
        Some(version) => {
            model.push(text(format!(" ({}", version.lifecycle.label())));
            match (version.retirement, version.retirement_not_before) {
                (Some(date), _) => model.push(text(format!(", retires {date}"))),
                (None, Some(date)) => model.push(text(format!(", retires no earlier than {date}"))),
                (None, None) => model.push(text(", no retirement date announced")),
            }
            if let Some(successor) = &version.successor {
                model.push(text("; successor "));
                model.push(code(successor.to_string()));
            }
            model.push(text(")."));
        }
        None => model.push(text(" (not in the catalog).")),
    }
    if let Some(policy) = context.policy(&workload.policy) {
        model.push(text(" "));
        model.push(link_to(
            "Where it is available",
            PageId::Policy(policy.name.clone()),
            &format!("{} {}", endpoint.model.name, endpoint.model.version),
        ));
        model.push(text("."));
    }
    items.push(model);

    items.push(vec![
        text(format!(
            "Deployment type {} (",
            facts::deployment_type(endpoint.deployment_type)
        )),
        code(endpoint.deployment_type.charter_name()),
        text(format!("), capacity {}.", capacity_text(endpoint))),
    ]);

    let unit = if facts::is_provisioned(endpoint.deployment_type) {
        "PTUs"
    } else {
        "units"
    };
    let regions_text = match (endpoint.redundancy, endpoint.regions.as_slice()) {
        (_, []) => "No region is declared.".to_owned(),
        (_, [only]) => format!("Runs in {only} only: no redundancy across regions."),
        (Redundancy::ActivePassive, [primary, rest @ ..]) => format!(
            "Active/passive: {primary} serves; {} stand{} by with {} {unit} and take{} over if {primary} fails.",
            and_list(rest),
            if rest.len() == 1 { "s" } else { "" },
            endpoint.standby_capacity.unwrap_or(endpoint.capacity),
            if rest.len() == 1 { "s" } else { "" },
        ),
        (Redundancy::ActiveActive, regions) => format!(
            "Active/active: {} {} serve, each with the full capacity.",
            and_list(regions),
            if regions.len() == 2 { "both" } else { "all" }
        ),
        (Redundancy::None, regions) => format!(
            "Runs in {} independently (no failover declared).",
            and_list(regions)
        ),
    };
    items.push(vec![text(regions_text)]);
    items.push(vec![
        text("Content filter "),
        context.filter_link(&endpoint.filter.name),
        text("."),
    ]);
    let mut serves = vec![text("Serves ")];
    if endpoint.serves.is_empty() {
        serves.push(text("no app"));
    }
    for (index, app) in endpoint.serves.iter().enumerate() {
        if index > 0 {
            serves.push(text(", "));
        }
        serves.push(code(app));
    }
    serves.push(text("."));
    items.push(serves);
    blocks.push(Block::List(items));

    if status.needs_attention() {
        blocks.push(Block::Callout {
            tone: if status == Status::Retired {
                Tone::Danger
            } else {
                Tone::Warning
            },
            content: vec![text(format!(
                "This endpoint's model version {}: plan the move to its successor.",
                status.phrase()
            ))],
        });
    }
    blocks
}

/// `a`, `a and b`, `a, b and c`.
fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [only] => only.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

//! "What you may deploy" under one policy: its requirements, the approved model versions with
//! their lifecycle, where each is offered within the allowed regions, and the regions.

use charter_ir::{DeploymentType, Policy, Scope};

use super::{retirement_figure, Context};
use crate::facts::{self, Status, VersionFacts};
use crate::page::{
    code, code_link, link, link_to, paragraphs, strong, text, Block, Inline, Page, PageId, Tone,
};

/// Section headings other pages link to.
pub(crate) const APPROVED_MODELS: &str = "Approved models";
pub(crate) const AVAILABILITY: &str = "Where each model is available";
pub(crate) const ALLOWED_REGIONS: &str = "Allowed regions";

/// Up to this many allowed regions, availability is a matrix; beyond, a list per type.
const MATRIX_COLUMNS: usize = 8;

pub(crate) fn page(context: &Context<'_>, policy: &Policy) -> Page {
    let mut blocks: Vec<Block> = paragraphs(&policy.description)
        .into_iter()
        .map(|paragraph| Block::Paragraph(vec![text(paragraph)]))
        .collect();

    let mut intro = vec![
        text("Charter policy "),
        code(&policy.name),
        text(" applies to "),
    ];
    intro.extend(scope_list(&policy.scopes));
    intro.push(text(format!(
        ". Its effect is {}. ",
        facts::effect_phrase(policy.effect)
    )));
    intro.push(text("If a request was denied, "));
    intro.push(link(
        "Why was I denied?",
        PageId::Denied(policy.name.clone()),
    ));
    intro.push(text(" explains each message."));
    blocks.push(Block::Paragraph(intro));

    blocks.push(Block::Heading {
        level: 2,
        text: "Requirements at a glance".to_owned(),
    });
    blocks.push(requirements(context, policy));

    blocks.push(Block::Heading {
        level: 2,
        text: APPROVED_MODELS.to_owned(),
    });
    let versions = facts::policy_versions(
        context.project,
        policy,
        context.input.catalog,
        context.today,
    );
    blocks.extend(approved_models(context, policy, &versions));

    if let Some(figure) = retirement_figure(context, policy) {
        blocks.push(Block::Heading {
            level: 2,
            text: "Retirement timeline".to_owned(),
        });
        blocks.push(figure);
    }

    blocks.push(Block::Heading {
        level: 2,
        text: AVAILABILITY.to_owned(),
    });
    blocks.extend(availability(context, policy, &versions));

    blocks.push(Block::Heading {
        level: 2,
        text: ALLOWED_REGIONS.to_owned(),
    });
    blocks.extend(regions(context, policy));

    blocks.push(Block::Heading {
        level: 2,
        text: "Workloads under this policy".to_owned(),
    });
    let workloads: Vec<Vec<Inline>> = context
        .workloads_of(&policy.name)
        .map(|workload| {
            vec![
                code_link(
                    &workload.name,
                    PageId::Workload(workload.name.clone()),
                    None,
                ),
                text(format!(
                    " ({}, {} endpoint{})",
                    facts::environment(workload.environment),
                    workload.endpoints.len(),
                    if workload.endpoints.len() == 1 {
                        ""
                    } else {
                        "s"
                    }
                )),
            ]
        })
        .collect();
    if workloads.is_empty() {
        blocks.push(Block::Paragraph(vec![text(
            "No workload of the project is governed by this policy yet.",
        )]));
    } else {
        blocks.push(Block::List(workloads));
    }
    if !policy.exemptions.is_empty() {
        blocks.push(Block::Paragraph(vec![
            text(format!(
                "{} scope{} {} exempted from this policy for a time: see ",
                policy.exemptions.len(),
                if policy.exemptions.len() == 1 {
                    ""
                } else {
                    "s"
                },
                if policy.exemptions.len() == 1 {
                    "is"
                } else {
                    "are"
                }
            )),
            link("Exemptions", PageId::Exemptions),
            text("."),
        ]));
    }

    Page {
        id: PageId::Policy(policy.name.clone()),
        title: format!("What you may deploy: {}", context.policy_title(policy)),
        blocks,
    }
}

/// `management group contoso-ai-prod and management group contoso-ai-dev`.
pub(crate) fn scope_list(scopes: &[Scope]) -> Vec<Inline> {
    let mut inlines = Vec::new();
    for (index, scope) in scopes.iter().enumerate() {
        if index > 0 {
            inlines.push(text(if index + 1 == scopes.len() {
                " and "
            } else {
                ", "
            }));
        }
        inlines.push(text(format!("{} ", facts::scope_kind(scope))));
        inlines.push(code(facts::scope_name(scope)));
    }
    if scopes.is_empty() {
        inlines.push(text("no scope"));
    }
    inlines
}

fn requirements(context: &Context<'_>, policy: &Policy) -> Block {
    let mut rows: Vec<Vec<Vec<Inline>>> = Vec::new();
    rows.push(vec![
        vec![text("Models")],
        match &policy.allowed_models {
            None => vec![text("any model and version")],
            Some(models) => vec![
                text(format!(
                    "only the {} approved model{} (",
                    models.len(),
                    if models.len() == 1 { "" } else { "s" }
                )),
                link_to(
                    "listed below",
                    PageId::Policy(policy.name.clone()),
                    APPROVED_MODELS,
                ),
                text(")"),
            ],
        },
    ]);
    rows.push(vec![
        vec![text("Regions")],
        match &policy.allowed_regions {
            None => vec![text("any region")],
            Some(regions) => {
                let mut cell = Vec::new();
                for (index, region) in regions.iter().enumerate() {
                    if index > 0 {
                        cell.push(text(", "));
                    }
                    cell.push(code(region));
                }
                cell
            }
        },
    ]);
    let filter_cell = match &policy.minimum_filter {
        None => vec![text("no minimum")],
        Some(minimum) => {
            let mut cell = vec![
                text("at least as strict as "),
                context.filter_link(&minimum.name),
            ];
            if !policy.approved_filters.is_empty() {
                cell.push(text("; approved filters: "));
                for (index, name) in policy.approved_filters.iter().enumerate() {
                    if index > 0 {
                        cell.push(text(", "));
                    }
                    cell.push(context.filter_link(name));
                }
            }
            cell
        }
    };
    rows.push(vec![vec![text("Content filter")], filter_cell]);
    rows.push(vec![
        vec![text("Capacity")],
        vec![text(match policy.max_capacity {
            Some(cap) => format!("at most {cap} capacity units per deployment"),
            None => "no cap".to_owned(),
        })],
    ]);
    rows.push(vec![
        vec![text("Key (local) authentication")],
        vec![text(facts::toggle_requirement(policy.local_auth))],
    ]);
    rows.push(vec![
        vec![text("Public network access")],
        vec![text(facts::toggle_requirement(policy.public_network))],
    ]);
    if !policy.owner_tag.is_empty() {
        rows.push(vec![
            vec![text("Ownership tag")],
            vec![
                text("every AI account carries the tag "),
                code(&policy.owner_tag),
                text(", set to the name of the workload that owns it"),
            ],
        ]);
    }
    rows.push(vec![
        vec![text("Retirement warning")],
        vec![text(format!(
            "{} days: versions that retire sooner are flagged",
            policy.retirement_warning_days
        ))],
    ]);
    Block::Table {
        head: vec!["Setting".to_owned(), "Requirement".to_owned()],
        rows,
    }
}

fn approved_models(
    context: &Context<'_>,
    policy: &Policy,
    versions: &[VersionFacts<'_>],
) -> Vec<Block> {
    let mut blocks = Vec::new();
    if policy.allowed_models.is_none() {
        blocks.push(Block::Paragraph(vec![text(
            "This policy has no list of approved models: any model and version may be deployed. \
             The table shows the versions its workloads deploy.",
        )]));
    } else if policy
        .allowed_models
        .as_ref()
        .is_some_and(|models| models.is_empty())
    {
        blocks.push(Block::Paragraph(vec![text(
            "This policy approves no model: no deployment is allowed.",
        )]));
    }
    for model in policy.allowed_models.iter().flatten() {
        if model.versions.is_empty() {
            blocks.push(Block::Paragraph(vec![
                code(&model.name),
                text(
                    " is approved in every version that is not retired; the table lists the \
                     versions the catalog knows today.",
                ),
            ]));
        }
    }
    if versions.is_empty() {
        return blocks;
    }
    let show_no_new_customers = versions.iter().any(|version| {
        version
            .catalog
            .and_then(|v| facts::no_new_customers_from(v, context.today))
            .is_some()
    });
    let rows = versions
        .iter()
        .map(|version| {
            let catalog = version.catalog;
            let kind = version
                .catalog_model
                .and_then(|m| m.kind.clone())
                .unwrap_or_default();
            let publisher = version
                .catalog_model
                .map(|m| {
                    let mut who = m.publisher.clone().unwrap_or_default();
                    if let Some((base, base_version)) = &m.fine_tuned_from {
                        who = format!("fine-tuned from {base} {base_version}");
                    }
                    if m.declared_by_project {
                        if who.is_empty() {
                            who = "declared in this project".to_owned();
                        } else {
                            who.push_str(", declared in this project");
                        }
                    }
                    who
                })
                .unwrap_or_default();
            let about: Vec<String> = [kind, publisher]
                .into_iter()
                .filter(|part| !part.is_empty())
                .collect();
            let mut model_cell = vec![code(&version.model)];
            if !about.is_empty() {
                model_cell.push(text(format!(" ({})", about.join(", "))));
            }
            let status = {
                let phrase = version.status.phrase();
                let mut cell = vec![if version.status.needs_attention() {
                    strong(phrase)
                } else {
                    text(phrase)
                }];
                if !version.approved {
                    cell.push(text("; deployed but not approved"));
                }
                cell
            };
            let used = if version.used_by.is_empty() {
                vec![text("no endpoint")]
            } else {
                let mut cell = Vec::new();
                for (index, (workload, endpoint)) in version.used_by.iter().enumerate() {
                    if index > 0 {
                        cell.push(text(", "));
                    }
                    cell.push(code_link(
                        endpoint,
                        PageId::Workload(workload.clone()),
                        Some(&super::workload::endpoint_heading(endpoint)),
                    ));
                }
                cell
            };
            let mut row = vec![
                model_cell,
                vec![code(&version.version)],
                vec![text(catalog.map_or("unknown", |v| v.lifecycle.label()))],
            ];
            if show_no_new_customers {
                row.push(vec![text(
                    match catalog.and_then(|v| facts::no_new_customers_from(v, context.today)) {
                        Some(date) => date.to_string(),
                        None => "—".to_owned(),
                    },
                )]);
            }
            row.extend([
                vec![text(retirement_text(version))],
                vec![match catalog.and_then(|v| v.successor.as_ref()) {
                    Some(successor) => code(successor.to_string()),
                    None => text("—"),
                }],
                status,
                used,
            ]);
            row
        })
        .collect();
    let mut head = vec!["Model", "Version", "Lifecycle"];
    if show_no_new_customers {
        head.push("No new customers from");
    }
    head.extend(["Retirement", "Successor", "Status", "Deployed by"]);
    blocks.push(Block::Table {
        head: head.into_iter().map(str::to_owned).collect(),
        rows,
    });
    let mut legend = Vec::new();
    if show_no_new_customers {
        legend.extend([
            strong("No new customers from"),
            text(
                ": from that date Azure offers the version only to subscriptions that have \
                 already deployed it. ",
            ),
        ]);
    }
    legend.extend([
        strong("Retirement"),
        text(": from that date deployments of the version stop working."),
    ]);
    blocks.push(Block::Paragraph(legend));
    for version in versions.iter().filter(|v| v.status.needs_attention()) {
        let tone = if version.status == Status::Retired {
            Tone::Danger
        } else {
            Tone::Warning
        };
        let mut content = vec![
            code(version.label()),
            text(format!(" {}", version.status.phrase())),
        ];
        if let Some(date) = version.retirement() {
            content.push(text(format!(" ({date})")));
        }
        content.push(text(match version.status {
            Status::Retired => ": deployments of it no longer work. ",
            _ => ", within the policy's warning horizon. ",
        }));
        match version.catalog.and_then(|v| v.successor.as_ref()) {
            Some(successor) => {
                content.push(text("Plan the move to "));
                content.push(code(successor.to_string()));
                content.push(text("."));
            }
            None => content.push(text("The catalog names no successor.")),
        }
        blocks.push(Block::Callout { tone, content });
    }
    if versions.iter().any(|v| v.status == Status::NotInCatalog) {
        blocks.push(Block::Callout {
            tone: Tone::Note,
            content: vec![text(
                "A version marked \"not in the catalog\" has no lifecycle data: Charter cannot \
                 say when it retires.",
            )],
        });
    }
    blocks
}

fn retirement_text(version: &VersionFacts<'_>) -> String {
    match version.catalog {
        Some(catalog) => match (catalog.retirement, catalog.retirement_not_before) {
            (Some(date), _) => date.to_string(),
            (None, Some(date)) => format!("not before {date}"),
            (None, None) => "not announced".to_owned(),
        },
        None => "unknown".to_owned(),
    }
}

/// The heading of one version's availability section.
pub(crate) fn version_heading(version: &VersionFacts<'_>) -> String {
    format!("{} {}", version.model, version.version)
}

fn availability(
    context: &Context<'_>,
    policy: &Policy,
    versions: &[VersionFacts<'_>],
) -> Vec<Block> {
    let mut blocks = vec![Block::Paragraph(vec![
        text(
            "For each version, the deployment types Azure offers in each allowed region. The \
             deployment type decides where prompts are processed: ",
        ),
        strong("Global"),
        text(" types may process them in any region where Azure offers the model; "),
        strong("Data Zone"),
        text(" types keep processing inside the region's data zone (EU or US); "),
        strong("Standard"),
        text(" and "),
        strong("Provisioned"),
        text(
            " keep it in the region itself. Provisioned types reserve throughput, paid whether \
             used or not.",
        ),
    ])];
    let catalog = context.input.catalog;
    let allowed: Vec<String> = match &policy.allowed_regions {
        Some(regions) => regions.clone(),
        None => Vec::new(),
    };
    let mut seen: Vec<String> = Vec::new();
    for version in versions {
        let heading = version_heading(version);
        if seen.contains(&heading) {
            continue;
        }
        seen.push(heading.clone());
        blocks.push(Block::Heading {
            level: 3,
            text: heading,
        });
        let Some(entry) = version.catalog else {
            blocks.push(Block::Paragraph(vec![text(
                "The catalog does not list this version, so its regions are unknown.",
            )]));
            continue;
        };
        let kinds = entry.deployment_types();
        if kinds.is_empty() {
            blocks.push(Block::Paragraph(vec![text(
                "The catalog lists no regions for this version.",
            )]));
            continue;
        }
        if policy.allowed_regions.is_none() {
            // Any region is allowed: a list per deployment type.
            let items = kinds
                .iter()
                .map(|kind| {
                    let regions = entry.regions_for(*kind);
                    vec![
                        strong(facts::deployment_type(*kind)),
                        text(format!(" ({} regions): ", regions.len())),
                        text(regions.join(", ")),
                    ]
                })
                .collect();
            blocks.push(Block::List(items));
            continue;
        }
        let offered: Vec<DeploymentType> = kinds
            .into_iter()
            .filter(|kind| allowed.iter().any(|region| entry.available(*kind, region)))
            .collect();
        if offered.is_empty() {
            blocks.push(Block::Callout {
                tone: Tone::Warning,
                content: vec![text(
                    "Not offered in any allowed region: it cannot be deployed under this policy \
                     until a region that offers it is allowed.",
                )],
            });
            continue;
        }
        if allowed.len() <= MATRIX_COLUMNS {
            let mut head = vec!["Deployment type".to_owned()];
            for region in &allowed {
                let zone = catalog
                    .region(region)
                    .and_then(|r| r.data_zone.as_deref())
                    .map(facts::data_zone_keyword);
                head.push(match zone {
                    Some(zone) => format!("{region} ({zone})"),
                    None => region.clone(),
                });
            }
            let rows = offered
                .iter()
                .map(|kind| {
                    let mut row = vec![vec![
                        text(format!("{} ", facts::deployment_type(*kind))),
                        code(kind.charter_name()),
                    ]];
                    for region in &allowed {
                        row.push(vec![text(if entry.available(*kind, region) {
                            "✓"
                        } else {
                            "—"
                        })]);
                    }
                    row
                })
                .collect();
            blocks.push(Block::Table { head, rows });
        } else {
            let items = offered
                .iter()
                .map(|kind| {
                    let regions: Vec<&str> = allowed
                        .iter()
                        .filter(|region| entry.available(*kind, region))
                        .map(String::as_str)
                        .collect();
                    vec![
                        strong(facts::deployment_type(*kind)),
                        text(": "),
                        text(regions.join(", ")),
                    ]
                })
                .collect();
            blocks.push(Block::List(items));
        }
    }
    blocks
}

fn regions(context: &Context<'_>, policy: &Policy) -> Vec<Block> {
    let Some(allowed) = &policy.allowed_regions else {
        return vec![Block::Paragraph(vec![text(
            "This policy allows every region.",
        )])];
    };
    let catalog = context.input.catalog;
    let rows = allowed
        .iter()
        .map(|name| {
            let region = catalog.region(name);
            vec![
                vec![code(name)],
                vec![text(
                    region
                        .and_then(|r| r.display_name.clone())
                        .unwrap_or_default(),
                )],
                vec![text(
                    region.and_then(|r| r.geography.clone()).unwrap_or_default(),
                )],
                vec![text(
                    region
                        .and_then(|r| r.data_zone.as_deref())
                        .map(facts::data_zone_keyword)
                        .unwrap_or_else(|| "—".to_owned()),
                )],
                vec![text(match region {
                    Some(r) if r.availability_zones => "yes",
                    Some(_) => "no",
                    None => "unknown",
                })],
                vec![text(match region {
                    Some(r) if r.restricted => "access on request only",
                    Some(_) => "",
                    None => "not in the catalog",
                })],
            ]
        })
        .collect();
    vec![
        Block::Paragraph(vec![text(
            "AI accounts (and so every endpoint) may be created only in these regions.",
        )]),
        Block::Table {
            head: [
                "Region",
                "Name",
                "Geography",
                "Data zone",
                "Availability zones",
                "Note",
            ]
            .map(str::to_owned)
            .to_vec(),
            rows,
        },
    ]
}

//! The home page: what these pages are, what needs attention, and where to go next.

use charter_ir::Workload;

use super::{region_figure, retirement_figure, Context, EXPIRING_SOON_DAYS};
use crate::facts::{self, Status};
use crate::page::{
    code, code_link, link, link_to, strong, text, Block, Inline, Page, PageId, Tone,
};

pub(crate) fn page(context: &Context<'_>) -> Page {
    let project = context.project;
    let mut blocks = vec![Block::Paragraph(vec![text(format!(
        "These pages describe the rules for AI model deployments on Azure (Azure OpenAI and \
         other Azure AI Foundry models) in this organisation: which models and versions are \
         approved, where they may run, how strict their content filters must be, and what each \
         team's workloads deploy. They are generated from the governance sources by Charter and \
         describe the rules as of {}.",
        context.today
    ))])];

    blocks.push(Block::Heading {
        level: 2,
        text: "Needs attention".to_owned(),
    });
    let attention = attention(context);
    if attention.is_empty() {
        blocks.push(Block::Paragraph(vec![text(format!(
            "Nothing needs attention: no approved or deployed model version retires within its \
             policy's warning horizon, and no exemption expires within {EXPIRING_SOON_DAYS} days."
        ))]));
    } else {
        blocks.extend(attention);
    }

    blocks.push(Block::Heading {
        level: 2,
        text: "Policies".to_owned(),
    });
    if project.policies.is_empty() {
        blocks.push(Block::Paragraph(vec![text(
            "The project declares no policy.",
        )]));
    } else {
        blocks.push(Block::Paragraph(vec![text(
            "A policy is a set of rules that Azure Policy enforces at the scopes it is assigned \
             to. Each one has a page of what you may deploy under it, and a page that explains \
             each message Azure shows when it denies a request.",
        )]));
        let rows = project
            .policies
            .iter()
            .map(|policy| {
                let scopes = policy
                    .scopes
                    .iter()
                    .map(|scope| {
                        format!("{} {}", facts::scope_kind(scope), facts::scope_name(scope))
                    })
                    .collect::<Vec<_>>()
                    .join(", ");
                vec![
                    vec![link(
                        context.policy_title(policy),
                        PageId::Policy(policy.name.clone()),
                    )],
                    vec![text(scopes)],
                    vec![text(match policy.effect {
                        charter_ir::Effect::Deny => "deny",
                        charter_ir::Effect::Audit => "audit",
                        charter_ir::Effect::Disabled => "disabled",
                    })],
                    vec![link(
                        "why was I denied?",
                        PageId::Denied(policy.name.clone()),
                    )],
                ]
            })
            .collect();
        blocks.push(Block::Table {
            head: vec![
                "Policy".to_owned(),
                "Applies to".to_owned(),
                "Effect".to_owned(),
                "If Azure denies a request".to_owned(),
            ],
            rows,
        });
    }

    blocks.push(Block::Heading {
        level: 2,
        text: "Workloads".to_owned(),
    });
    if project.workloads.is_empty() {
        blocks.push(Block::Paragraph(vec![text(
            "The project declares no workload.",
        )]));
    } else {
        blocks.push(Block::Paragraph(vec![text(
            "A workload is one team's use of AI: its apps, the endpoints (model deployments) \
             that serve them, and its budget.",
        )]));
        let rows = project
            .workloads
            .iter()
            .map(|workload| workload_row(context, workload))
            .collect();
        blocks.push(Block::Table {
            head: vec![
                "Workload".to_owned(),
                "Environment".to_owned(),
                "Governed by".to_owned(),
                "Endpoints".to_owned(),
                "Apps".to_owned(),
            ],
            rows,
        });
        let all: Vec<&Workload> = project.workloads.iter().collect();
        if let Some(figure) = region_figure(
            context,
            &all,
            "regions.svg".to_owned(),
            "Endpoints by region".to_owned(),
        ) {
            blocks.push(figure);
        }
    }

    if !project.policies.is_empty() {
        blocks.push(Block::Heading {
            level: 2,
            text: "Model retirements".to_owned(),
        });
        blocks.push(Block::Paragraph(vec![text(
            "Azure retires model versions on announced dates; a deployment of a retired version \
             stops working. Each policy sets a warning horizon: versions that retire within it \
             need a plan to move to their successor.",
        )]));
        for policy in &project.policies {
            if let Some(figure) = retirement_figure(context, policy) {
                blocks.push(figure);
            }
        }
    }

    blocks.push(Block::Heading {
        level: 2,
        text: "More".to_owned(),
    });
    let exemption_count: usize = project.policies.iter().map(|p| p.exemptions.len()).sum();
    blocks.push(Block::List(vec![
        vec![
            link("Content filters", PageId::Filters),
            text(format!(
                ": the {} and how they compare with each policy's minimum.",
                super::count(project.filters.len(), "content filter")
            )),
        ],
        vec![
            link("Exemptions", PageId::Exemptions),
            text(format!(
                ": the {} exempted from a policy, until when and why.",
                super::count(exemption_count, "scope")
            )),
        ],
    ]));

    blocks.push(Block::Heading {
        level: 2,
        text: "Words used on these pages".to_owned(),
    });
    blocks.push(Block::List(vec![
        vec![
            strong("Policy"),
            text(": the rules for AI deployments under some management groups, subscriptions or resource groups, enforced by Azure Policy."),
        ],
        vec![
            strong("Workload"),
            text(": one team's AI use: its apps, endpoints and budget, governed by one policy."),
        ],
        vec![
            strong("Endpoint"),
            text(": a model deployment (a model version, a deployment type and a capacity) in one or more regions."),
        ],
        vec![
            strong("Capacity units"),
            text(": the throughput a deployment reserves; for most models one unit is 1,000 tokens per minute, and provisioned deployment types count provisioned throughput units (PTUs)."),
        ],
        vec![
            strong("Content filter"),
            text(": what a deployment blocks in prompts and completions (an RAI policy in Azure)."),
        ],
        vec![
            strong("Exemption"),
            text(": a time-limited waiver of a policy for one scope, with a reason."),
        ],
    ]));

    Page {
        id: PageId::Home,
        title: "AI governance".to_owned(),
        blocks,
    }
}

fn workload_row(context: &Context<'_>, workload: &Workload) -> Vec<Vec<Inline>> {
    let policy_cell = match context.policy(&workload.policy) {
        Some(policy) => vec![link(
            context.policy_title(policy),
            PageId::Policy(policy.name.clone()),
        )],
        None => vec![code(&workload.policy)],
    };
    let mut endpoints: Vec<Inline> = Vec::new();
    for (index, endpoint) in workload.endpoints.iter().enumerate() {
        if index > 0 {
            endpoints.push(text(", "));
        }
        endpoints.push(code_link(
            &endpoint.name,
            PageId::Workload(workload.name.clone()),
            Some(&super::workload::endpoint_heading(&endpoint.name)),
        ));
    }
    if endpoints.is_empty() {
        endpoints.push(text("none"));
    }
    let apps = if workload.apps.is_empty() {
        vec![text("none")]
    } else {
        let mut apps = Vec::new();
        for (index, app) in workload.apps.iter().enumerate() {
            if index > 0 {
                apps.push(text(", "));
            }
            apps.push(code(&app.name));
        }
        apps
    };
    vec![
        vec![code_link(
            &workload.name,
            PageId::Workload(workload.name.clone()),
            None,
        )],
        vec![text(facts::environment(workload.environment))],
        policy_cell,
        endpoints,
        apps,
    ]
}

/// Callouts for what needs acting on: retired or soon-retiring versions, and exemptions that
/// expire soon.
fn attention(context: &Context<'_>) -> Vec<Block> {
    let mut blocks = Vec::new();
    for policy in &context.project.policies {
        let versions = facts::policy_versions(
            context.project,
            policy,
            context.input.catalog,
            context.today,
        );
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
            if let Some(successor) = version.catalog.and_then(|v| v.successor.as_ref()) {
                content.push(text("; its successor is "));
                content.push(code(successor.to_string()));
            }
            if version.used_by.is_empty() {
                content.push(text(". No endpoint deploys it yet. "));
            } else {
                content.push(text(format!(
                    ". Deployed by {} endpoint{}. ",
                    version.used_by.len(),
                    if version.used_by.len() == 1 { "" } else { "s" }
                )));
            }
            content.push(link_to(
                format!("See {}", context.policy_title(policy)),
                PageId::Policy(policy.name.clone()),
                super::policy::APPROVED_MODELS,
            ));
            content.push(text("."));
            blocks.push(Block::Callout { tone, content });
        }
        for exemption in &policy.exemptions {
            let days = context.days_until(exemption.expires);
            if days <= EXPIRING_SOON_DAYS {
                let tone = if days < 0 {
                    Tone::Danger
                } else {
                    Tone::Warning
                };
                let when = if days < 0 {
                    format!("expired on {}", exemption.expires)
                } else {
                    format!("expires {} ({})", facts::in_days(days), exemption.expires)
                };
                blocks.push(Block::Callout {
                    tone,
                    content: vec![
                        text(format!(
                            "The exemption of {} ",
                            facts::scope_kind(&exemption.scope)
                        )),
                        code(facts::scope_name(&exemption.scope)),
                        text(format!(" from {} {when}. ", context.policy_title(policy))),
                        link("See the exemptions", PageId::Exemptions),
                        text("."),
                    ],
                });
            }
        }
    }
    blocks
}

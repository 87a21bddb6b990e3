//! "Why was I denied?": for one policy, every message Azure shows when a rule denies a request,
//! with the rule and the fix. Each rule's section heading is its reference id in the initiative
//! (what Azure's error names), so that the assignments' messages can link to
//! `denied-<policy>.html#<reference id in lower case>` (see [`crate::denied_page_url`]).

use charter_governance::{rules, DefinitionRef, SetDefinition, SetReference};
use charter_ir::{Effect, Policy, Toggle};
use serde_json::Value;

use super::Context;
use crate::facts;
use crate::page::{code, link, link_to, strong, text, Block, Inline, Page, PageId, Tone};

pub(crate) fn page(context: &Context<'_>, policy: &Policy) -> Page {
    let set = context
        .governance
        .sets
        .iter()
        .find(|set| set.policy == policy.name);
    let assignments: Vec<&charter_governance::Assignment> = match set {
        Some(set) => context
            .governance
            .assignments
            .iter()
            .filter(|a| a.set == set.name)
            .collect(),
        None => Vec::new(),
    };

    let mut blocks = vec![Block::Paragraph(vec![
        text("When Azure refuses to create or change a resource because of a policy, the error has the code "),
        code("RequestDisallowedByPolicy"),
        text(" and names the policy assignment and the rule that denied it (its "),
        code("policyDefinitionReferenceId"),
        text(
            "). Find that rule below: each section shows the message Azure printed, what the \
             rule checks and how to fix the request.",
        ),
    ])];
    match policy.effect {
        Effect::Deny => {}
        Effect::Audit => blocks.push(Block::Callout {
            tone: Tone::Note,
            content: vec![text(
                "This policy audits: Azure does not deny requests that break its rules, it \
                 reports the resources as non-compliant, with the messages below.",
            )],
        }),
        Effect::Disabled => blocks.push(Block::Callout {
            tone: Tone::Note,
            content: vec![text(
                "This policy is disabled: its rules are assigned but neither deny nor report.",
            )],
        }),
    }

    blocks.push(Block::Heading {
        level: 2,
        text: "Assignments".to_owned(),
    });
    if assignments.is_empty() {
        blocks.push(Block::Paragraph(vec![text(
            "The policy is not assigned anywhere.",
        )]));
    } else {
        let rows = assignments
            .iter()
            .map(|assignment| {
                vec![
                    vec![code(&assignment.name)],
                    vec![
                        text(format!("{} ", facts::scope_kind(&assignment.scope))),
                        code(facts::scope_name(&assignment.scope)),
                    ],
                    vec![text(&assignment.display_name)],
                ]
            })
            .collect();
        blocks.push(Block::Table {
            head: vec![
                "Assignment".to_owned(),
                "Scope".to_owned(),
                "Display name".to_owned(),
            ],
            rows,
        });
    }

    let messages: Vec<(String, String)> = assignments
        .first()
        .map(|assignment| messages_of(&assignment.non_compliance_messages))
        .unwrap_or_default();

    if let Some(set) = set {
        blocks.push(Block::Heading {
            level: 2,
            text: "Rules that deny".to_owned(),
        });
        let denying: Vec<&SetReference> = set
            .references
            .iter()
            .filter(|r| r.resource_manager_mode)
            .collect();
        if !denying.is_empty() {
            let rows = denying
                .iter()
                .map(|reference| {
                    vec![
                        vec![crate::page::code_link(
                            &reference.reference_id,
                            PageId::Denied(policy.name.clone()),
                            Some(&reference.reference_id),
                        )],
                        vec![text(group_title(set, reference))],
                        vec![text(summary(reference))],
                    ]
                })
                .collect();
            blocks.push(Block::Table {
                head: vec![
                    "Rule (reference id)".to_owned(),
                    "Area".to_owned(),
                    "Denies".to_owned(),
                ],
                rows,
            });
        }
        let mut any = false;
        for reference in denying {
            any = true;
            blocks.push(Block::Heading {
                level: 3,
                text: reference.reference_id.clone(),
            });
            blocks.extend(rule_section(context, policy, set, reference, &messages));
        }
        if !any {
            blocks.push(Block::Paragraph(vec![text(
                "The policy has no rule that denies requests.",
            )]));
        }

        let audits: Vec<&SetReference> = set
            .references
            .iter()
            .filter(|r| !r.resource_manager_mode)
            .collect();
        if !audits.is_empty() {
            blocks.push(Block::Heading {
                level: 2,
                text: "Rules that only report".to_owned(),
            });
            blocks.push(Block::Paragraph(vec![text(
                "These Azure built-in policies check deployments from the AI service's own side \
                 (the data plane). They never deny and carry no custom message; what they find \
                 shows in the compliance results of the assignments above. They mirror the \
                 rules above, so a deployment that follows those passes these too.",
            )]));
            let rows = audits
                .iter()
                .map(|reference| {
                    vec![
                        vec![code(&reference.reference_id)],
                        vec![text(group_title(set, reference))],
                        vec![text(audit_subject(reference))],
                    ]
                })
                .collect();
            blocks.push(Block::Table {
                head: vec![
                    "Reference id".to_owned(),
                    "Area".to_owned(),
                    "Checks".to_owned(),
                ],
                rows,
            });
        }
    }

    Page {
        id: PageId::Denied(policy.name.clone()),
        title: format!("Why was I denied? {}", context.policy_title(policy)),
        blocks,
    }
}

/// `(reference id, message)` pairs of an assignment's `nonComplianceMessages`.
fn messages_of(value: &Value) -> Vec<(String, String)> {
    value
        .as_array()
        .map(|messages| {
            messages
                .iter()
                .filter_map(|entry| {
                    Some((
                        entry
                            .get("policyDefinitionReferenceId")?
                            .as_str()?
                            .to_owned(),
                        entry.get("message")?.as_str()?.to_owned(),
                    ))
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The display name of a reference's first group (`Models`).
fn group_title(set: &SetDefinition, reference: &SetReference) -> String {
    let Some(group) = reference.group_names.first() else {
        return String::new();
    };
    set.groups
        .as_array()
        .and_then(|groups| {
            groups
                .iter()
                .find(|g| g.get("name").and_then(Value::as_str) == Some(group.as_str()))
        })
        .and_then(|g| g.get("displayName").and_then(Value::as_str))
        .unwrap_or(group)
        .to_owned()
}

/// A category as the pages name it, from Azure's name of it (`Selfharm` is `Self-harm`).
fn category_name(azure_name: &str) -> String {
    charter_ir::Category::ALL
        .into_iter()
        .find(|category| charter_governance::names::category(*category) == azure_name)
        .map_or_else(
            || azure_name.to_owned(),
            |category| facts::category(category).to_owned(),
        )
}

/// A parameter a reference passes as a fixed value (`{"value": "Hate"}`).
fn literal<'a>(reference: &'a SetReference, name: &str) -> Option<&'a str> {
    reference
        .parameters
        .get(name)?
        .get("value")?
        .as_str()
        .filter(|value| !value.starts_with('['))
}

fn audit_subject(reference: &SetReference) -> String {
    match literal(reference, "filterName") {
        Some(filter) => format!(
            "the {} content filter setting of each deployment",
            category_name(filter)
        ),
        None => "the model of each deployment".to_owned(),
    }
}

/// What a rule denies, in a few words.
fn summary(reference: &SetReference) -> String {
    let definition = match &reference.definition {
        DefinitionRef::Custom(name) => name.as_str(),
        DefinitionRef::BuiltIn(id) => id.as_str(),
    };
    let setting = || match (
        literal(reference, "filterName"),
        literal(reference, "source"),
    ) {
        (Some(category), Some(side)) => {
            format!(
                "{} ({})",
                category_name(category),
                side.to_ascii_lowercase()
            )
        }
        _ => literal(reference, "blocklistName")
            .unwrap_or_default()
            .to_owned(),
    };
    match definition {
        rules::name::ALLOWED_MODELS => "a model or version that is not approved".to_owned(),
        rules::name::APPROVED_CONTENT_FILTER => {
            "a deployment without an approved content filter".to_owned()
        }
        rules::name::RAI_HARM_THRESHOLD => format!(
            "a content filter that blocks less than the minimum: {}",
            setting()
        ),
        rules::name::RAI_SHIELD => format!("a content filter without the shield: {}", setting()),
        rules::name::RAI_BLOCKLIST => {
            format!("a content filter without the blocklist {}", setting())
        }
        rules::name::ACCOUNT_REGIONS => "an AI account outside the allowed regions".to_owned(),
        rules::name::DEPLOYMENT_CAPACITY if reference.reference_id == "provisionedCapacity" => {
            "a provisioned deployment over the PTU cap".to_owned()
        }
        rules::name::DEPLOYMENT_CAPACITY => "a deployment over the capacity cap".to_owned(),
        rules::name::RAI_MODE => "a content filter that filters after streaming".to_owned(),
        rules::name::VERSION_UPGRADE => {
            "a pinned deployment that upgrades its model automatically".to_owned()
        }
        rules::name::DEPLOYMENT_TYPES => "a deployment type the policy does not allow".to_owned(),
        rules::name::PUBLIC_NETWORK_DISABLED => {
            "an AI account open to the public network".to_owned()
        }
        rules::name::OWNER_TAG => {
            "an AI account or deployment without the ownership tag".to_owned()
        }
        rules::builtin::DISABLE_LOCAL_AUTH => {
            "an AI account that accepts keys (local authentication)".to_owned()
        }
        rules::name::CLASSIFIED_PRIVATE_NETWORK => {
            "an AI account holding classified data, open to the public network".to_owned()
        }
        rules::name::CLASSIFIED_NO_GLOBAL => {
            "a global deployment of data whose classification forbids it".to_owned()
        }
        rules::name::CLASSIFIED_CONTENT_FILTER => format!(
            "a deployment of {} data with a filter weaker than the level requires",
            literal(reference, "level").unwrap_or("classified")
        ),
        rules::name::ML_ALLOWED_MODELS => {
            "a Machine Learning endpoint serving a model that is not approved".to_owned()
        }
        rules::name::ML_ALLOWED_REGIONS => {
            "a Machine Learning endpoint outside the allowed regions".to_owned()
        }
        rules::name::ML_CONTENT_SAFETY => {
            "a serverless endpoint with content safety turned off".to_owned()
        }
        rules::builtin::DIAGNOSTIC_LOGS => {
            "an AI account without a diagnostic setting that sends its logs (audited, never denied)"
                .to_owned()
        }
        _ => String::new(),
    }
}

fn definition_text(context: &Context<'_>, reference: &SetReference) -> Vec<Inline> {
    match &reference.definition {
        DefinitionRef::Custom(name) => {
            let display = context
                .governance
                .definitions
                .iter()
                .find(|d| &d.name == name)
                .map(|d| d.display_name.clone())
                .unwrap_or_default();
            let mut inlines = vec![text("Custom policy definition "), code(name)];
            if !display.is_empty() {
                inlines.push(text(format!(" (\"{display}\")")));
            }
            inlines.push(text(", written by Charter."));
            inlines
        }
        DefinitionRef::BuiltIn(id) => vec![
            text("Azure built-in policy definition "),
            code(id.rsplit('/').next().unwrap_or(id)),
            text("."),
        ],
    }
}

fn rule_section(
    context: &Context<'_>,
    policy: &Policy,
    set: &SetDefinition,
    reference: &SetReference,
    messages: &[(String, String)],
) -> Vec<Block> {
    let mut blocks = vec![Block::Paragraph(vec![
        strong(group_title(set, reference)),
        text(". "),
    ])];
    if let Some(Block::Paragraph(first)) = blocks.first_mut() {
        first.extend(definition_text(context, reference));
    }
    match messages
        .iter()
        .find(|(id, _)| *id == reference.reference_id)
    {
        Some((_, message)) => {
            blocks.push(Block::Paragraph(vec![text("Azure's message:")]));
            blocks.push(Block::Quote(message.clone()));
        }
        None => blocks.push(Block::Paragraph(vec![text(
            "Azure shows no custom message for this rule.",
        )])),
    }
    let mut fix = vec![strong("How to fix it:"), text(" ")];
    fix.extend(fix_for(context, policy, reference));
    blocks.push(Block::Paragraph(fix));
    blocks
}

fn list_codes(items: &[String]) -> Vec<Inline> {
    let mut inlines = Vec::new();
    for (index, item) in items.iter().enumerate() {
        if index > 0 {
            inlines.push(text(", "));
        }
        inlines.push(code(item));
    }
    inlines
}

fn fix_for(context: &Context<'_>, policy: &Policy, reference: &SetReference) -> Vec<Inline> {
    let policy_page = PageId::Policy(policy.name.clone());
    let approved_filters: Vec<String> = policy
        .approved_filters
        .iter()
        .map(|f| charter_governance::names::rai_policy(f))
        .collect();
    let definition = match &reference.definition {
        DefinitionRef::Custom(name) => name.as_str(),
        DefinitionRef::BuiltIn(id) => id.as_str(),
    };
    match definition {
        rules::name::ALLOWED_MODELS => vec![
            text("deploy one of the versions listed under "),
            link_to(
                "approved models",
                policy_page,
                super::policy::APPROVED_MODELS,
            ),
            text(
                ". To use another model or version, ask the policy's owners to approve it in the \
                 policy's ",
            ),
            code("models"),
            text(" block."),
        ],
        rules::name::APPROVED_CONTENT_FILTER => {
            let mut fix = vec![
                text("set the deployment's content filter ("),
                code("raiPolicyName"),
                text(") to one of the approved filters: "),
            ];
            if approved_filters.is_empty() {
                fix.push(text("none exists yet"));
            } else {
                fix.extend(list_codes(&approved_filters));
            }
            fix.push(text(". "));
            fix.push(link("Content filters", PageId::Filters));
            fix.push(text(" describes each."));
            fix
        }
        rules::name::RAI_HARM_THRESHOLD | rules::name::RAI_SHIELD | rules::name::RAI_BLOCKLIST => {
            let mut fix = vec![text(
                "the content filter (RAI policy) itself is weaker than ",
            )];
            match &policy.minimum_filter {
                Some(minimum) => fix.push(context.filter_link(&minimum.name)),
                None => fix.push(text("the minimum")),
            }
            match (
                literal(reference, "filterName"),
                literal(reference, "source"),
            ) {
                (Some(category), Some(side)) => fix.push(text(format!(
                    " for {} on the {} side",
                    category_name(category),
                    side.to_ascii_lowercase()
                ))),
                _ => {
                    if let Some(blocklist) = literal(reference, "blocklistName") {
                        fix.push(text(" (the blocklist "));
                        fix.push(code(blocklist));
                        fix.push(text(" is missing or not blocking)"));
                    }
                }
            }
            fix.push(text(
                ". Use one of the approved filters, which Charter deploys with every endpoint: ",
            ));
            fix.extend(list_codes(&approved_filters));
            fix.push(text(
                "; or, for a filter you manage yourself, raise the setting as the message says.",
            ));
            fix
        }
        rules::name::ACCOUNT_REGIONS => {
            let mut fix = vec![text("create the AI account in an allowed region: ")];
            fix.extend(list_codes(
                policy.allowed_regions.as_deref().unwrap_or_default(),
            ));
            fix.push(text(". "));
            fix.push(link_to(
                "Where each model is available",
                policy_page,
                super::policy::AVAILABILITY,
            ));
            fix.push(text(" shows which deployment types each region offers."));
            fix
        }
        rules::name::DEPLOYMENT_CAPACITY if reference.reference_id == "provisionedCapacity" => {
            vec![text(format!(
                "request at most {} PTUs for a provisioned deployment; for more throughput, \
                 spread the load over several deployments or regions, or use a pay-per-token \
                 deployment type.",
                policy
                    .max_provisioned
                    .map_or_else(|| "the allowed".to_owned(), |cap| cap.to_string())
            ))]
        }
        rules::name::RAI_MODE => vec![
            text("set the content filter's mode to "),
            code("Default"),
            text(" (filter before streaming) instead of "),
            code("Asynchronous_filter"),
            text(", or use one of the approved filters: "),
        ]
        .into_iter()
        .chain(list_codes(&approved_filters))
        .chain([text(".")])
        .collect(),
        rules::name::VERSION_UPGRADE => vec![
            text("set the deployment's "),
            code("versionUpgradeOption"),
            text(" to "),
            code("NoAutoUpgrade"),
            text(
                ". The policy approves exact versions; to move to a newer one, ask its owners to \
                 approve it in the ",
            ),
            code("models"),
            text(" block, then redeploy with that version."),
        ],
        rules::name::DEPLOYMENT_TYPES => {
            let mut fix = vec![text(
                "deploy with one of the allowed deployment types (the deployment's SKU name): ",
            )];
            let allowed: Vec<String> = policy
                .allowed_deployment_types
                .as_deref()
                .unwrap_or_default()
                .iter()
                .map(|kind| charter_governance::names::sku(*kind).to_owned())
                .collect();
            fix.extend(list_codes(&allowed));
            fix.push(text(". "));
            fix.push(link_to(
                "Where each model is available",
                policy_page,
                super::policy::AVAILABILITY,
            ));
            fix.push(text(" shows which types each region offers."));
            fix
        }
        rules::name::DEPLOYMENT_CAPACITY => vec![text(format!(
            "request at most {} capacity units for the deployment; for more throughput, spread \
             the load over several deployments or regions.",
            policy
                .max_capacity
                .map_or_else(|| "the allowed".to_owned(), |cap| cap.to_string())
        ))],
        rules::name::PUBLIC_NETWORK_DISABLED => vec![
            text("set "),
            code("publicNetworkAccess"),
            text(" to "),
            code("Disabled"),
            text(" on the AI account and reach it through a private endpoint."),
        ],
        rules::name::OWNER_TAG => vec![
            text("tag the AI account and each of its deployments with "),
            code(format!("{} = <your workload's name>", policy.owner_tag)),
            text(", for example "),
            code(format!(
                "{} = {}",
                policy.owner_tag,
                context
                    .workloads_of(&policy.name)
                    .next()
                    .map_or("my_workload", |w| w.name.as_str())
            )),
            text("."),
        ],
        rules::builtin::DISABLE_LOCAL_AUTH if policy.local_auth == Some(Toggle::Disabled) => vec![
            text("set "),
            code("disableLocalAuth"),
            text(" to "),
            code("true"),
            text(
                " on the AI account and authenticate with Microsoft Entra ID (a managed \
                 identity) instead of keys.",
            ),
        ],
        rules::builtin::DIAGNOSTIC_LOGS => vec![
            text("add a diagnostic setting to the AI account that sends its logs ("),
            code("allLogs"),
            text(") to a Log Analytics workspace; a "),
            code("monitoring"),
            text(" block that covers the workload makes Charter create it."),
        ],
        _ => vec![text("follow the message above.")],
    }
}

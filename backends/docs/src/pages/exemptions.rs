//! The exemptions: which scopes are exempted from which policy, why, until when, and which
//! expire soon.

use charter_ir::ExemptionCategory;

use super::{Context, EXPIRING_SOON_DAYS};
use crate::facts;
use crate::page::{code, link, strong, text, Block, Inline, Page, PageId, Tone};

pub(crate) fn page(context: &Context<'_>) -> Page {
    let mut blocks = vec![Block::Paragraph(vec![text(
        "An exemption takes one scope (a management group, subscription, resource group or a \
         single resource) out of a policy's assignment, from every rule or from some, until a date, for a stated reason. A waiver accepts the risk; \
         \"mitigated\" means the risk is handled another way. Azure stops applying the exemption \
         when it expires, and the rules apply again.",
    )])];

    let mut entries: Vec<(&charter_ir::Policy, &charter_ir::Exemption)> = context
        .project
        .policies
        .iter()
        .flat_map(|policy| policy.exemptions.iter().map(move |e| (policy, e)))
        .collect();
    entries.sort_by_key(|(_, exemption)| exemption.expires);

    blocks.push(Block::Heading {
        level: 2,
        text: "Expiring soon".to_owned(),
    });
    let soon: Vec<_> = entries
        .iter()
        .filter(|(_, e)| context.days_until(e.expires) <= EXPIRING_SOON_DAYS)
        .collect();
    if soon.is_empty() {
        let next = entries
            .iter()
            .find(|(_, e)| context.days_until(e.expires) >= 0)
            .map(|(_, e)| {
                format!(
                    " The next one expires {} ({}).",
                    facts::in_days(context.days_until(e.expires)),
                    e.expires
                )
            })
            .unwrap_or_default();
        blocks.push(Block::Paragraph(vec![text(format!(
            "No exemption expires within {EXPIRING_SOON_DAYS} days.{next}"
        ))]));
    } else {
        for (policy, exemption) in soon {
            let days = context.days_until(exemption.expires);
            let (tone, when) = if days < 0 {
                (Tone::Danger, format!("expired on {}", exemption.expires))
            } else {
                (
                    Tone::Warning,
                    format!("expires {} ({})", facts::in_days(days), exemption.expires),
                )
            };
            blocks.push(Block::Callout {
                tone,
                content: vec![
                    text(format!("{} ", facts::scope_kind(&exemption.scope))),
                    code(facts::scope_name(&exemption.scope)),
                    text(format!(
                        ": the exemption from {} {when}. Renew it in the policy, or make the scope compliant before then.",
                        context.policy_title(policy)
                    )),
                ],
            });
        }
    }

    blocks.push(Block::Heading {
        level: 2,
        text: "All exemptions".to_owned(),
    });
    if entries.is_empty() {
        blocks.push(Block::Paragraph(vec![text("No scope is exempted.")]));
    } else {
        let rows = entries
            .iter()
            .map(|(policy, exemption)| {
                let days = context.days_until(exemption.expires);
                let status = if days < 0 {
                    strong("expired")
                } else if days <= EXPIRING_SOON_DAYS {
                    strong(format!("expires {}", facts::in_days(days)))
                } else {
                    text(format!("active, {} days left", days))
                };
                vec![
                    vec![
                        text(format!("{} ", facts::scope_kind(&exemption.scope))),
                        code(facts::scope_name(&exemption.scope)),
                    ],
                    vec![link(
                        context.policy_title(policy),
                        PageId::Policy(policy.name.clone()),
                    )],
                    vec![
                        text(format!(
                            "{} ",
                            facts::scope_kind(&exemption.assignment_scope)
                        )),
                        code(facts::scope_name(&exemption.assignment_scope)),
                    ],
                    vec![text(match exemption.category {
                        ExemptionCategory::Waiver => "waiver",
                        ExemptionCategory::Mitigated => "mitigated",
                    })],
                    vec![text(rules_covered(exemption))],
                    vec![text(exemption.expires.to_string())],
                    vec![status],
                    vec![text(crate::page::one_line(&exemption.reason))],
                    vec![text(owner_and_ticket(exemption))],
                ]
            })
            .collect();
        blocks.push(Block::Table {
            head: [
                "Exempted scope",
                "From policy",
                "Assignment at",
                "Category",
                "Rules",
                "Expires",
                "Status",
                "Reason",
                "Owner, ticket",
            ]
            .map(str::to_owned)
            .to_vec(),
            rows,
        });
        blocks.push(Block::Paragraph(covered_rules(context)));
    }

    blocks.push(Block::Heading {
        level: 2,
        text: "Requesting an exemption".to_owned(),
    });
    blocks.push(Block::Paragraph(vec![
        text("Exemptions are part of the policy's sources: ask the policy's owners to add an "),
        code("exempt"),
        text(
            " line to the policy, naming the scope, an expiry date, the category (waiver or \
             mitigated) and the reason. Charter refuses an exemption without a reason or with \
             an expiry in the past.",
        ),
    ]));

    Page {
        id: PageId::Exemptions,
        title: "Exemptions".to_owned(),
        blocks,
    }
}

/// The rules an exemption covers, for the table: `only`'s, or every rule.
fn rules_covered(exemption: &charter_ir::Exemption) -> String {
    if exemption.rules.is_empty() {
        "every rule".to_owned()
    } else {
        let names: Vec<&str> = exemption.rules.iter().map(|r| r.charter_name()).collect();
        format!("only {}", names.join(", "))
    }
}

/// Who answers for an exemption and the ticket that records it, for the table.
fn owner_and_ticket(exemption: &charter_ir::Exemption) -> String {
    match (&exemption.owner, &exemption.ticket) {
        (Some(owner), Some(ticket)) => format!("{owner}, {ticket}"),
        (Some(owner), None) => owner.clone(),
        (None, Some(ticket)) => ticket.clone(),
        (None, None) => String::new(),
    }
}

/// Which rules an exemption covers: those `only` lists, else every rule Azure lets an
/// exemption cover, which leaves out the built-in data-plane audits.
fn covered_rules(context: &Context<'_>) -> Vec<Inline> {
    let data_plane = context
        .governance
        .sets
        .iter()
        .flat_map(|set| set.references.iter())
        .any(|reference| !reference.resource_manager_mode);
    let mut inlines = vec![text(
        "An exemption with \"only\" covers the rules it lists; one without covers every rule of \
         the policy's assignment that Azure lets an exemption cover",
    )];
    if data_plane {
        inlines.push(text(
            ": the built-in data-plane audits of content filters and models keep reporting \
             (they only audit, and Azure does not apply exemptions to them)",
        ));
    }
    inlines.push(text("."));
    inlines
}

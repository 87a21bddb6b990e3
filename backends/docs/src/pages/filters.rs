//! The content filters: what the levels mean, every filter side by side, and per filter what
//! it extends, where it is stricter than each policy's minimum, its blocklists and who uses it.

use charter_ir::{Category, Filter, Level, Side};

use super::Context;
use crate::facts;
use crate::page::{code, code_link, paragraphs, strong, text, Block, Inline, Page, PageId, Tone};

/// The heading of a filter's section (and so its anchor).
pub(crate) fn heading(filter: &str) -> String {
    format!("Filter {filter}")
}

pub(crate) fn page(context: &Context<'_>) -> Page {
    let project = context.project;
    let mut blocks = vec![
        Block::Paragraph(vec![text(
            "A content filter (an RAI policy in Azure) decides what a model deployment blocks in \
             the prompts it receives and the completions it returns. Every endpoint uses one.",
        )]),
        Block::List(vec![
            vec![
                strong("Harm categories"),
                text(" (hate, sexual, violence, self-harm) take a severity threshold: "),
                code("low"),
                text(" blocks low, medium and high severity (the strictest), "),
                code("medium"),
                text(" blocks medium and high, "),
                code("high"),
                text(" blocks only high, and "),
                code("off"),
                text(" blocks nothing."),
            ],
            vec![
                strong("Shields"),
                text(" (jailbreak and indirect attacks on prompts, protected text and code in completions) are "),
                code("block"),
                text(" (detect and block), "),
                code("annotate"),
                text(" (detect and mark the response, don't block) or "),
                code("off"),
                text("."),
            ],
            vec![
                strong("Blocklists"),
                text(" block the custom terms they list."),
            ],
        ]),
    ];

    let minimums: Vec<(&charter_ir::Policy, &Filter)> = project
        .policies
        .iter()
        .filter_map(|policy| policy.minimum_filter.as_ref().map(|f| (policy, f)))
        .collect();
    for (policy, minimum) in &minimums {
        blocks.push(Block::Paragraph(vec![
            text(format!(
                "{} requires every deployment's filter to be at least as strict as ",
                context.policy_title(policy)
            )),
            context.filter_link(&minimum.name),
            text(" in every category and on both sides."),
        ]));
        let mut approved = vec![text(format!(
            "Filters approved under {}: ",
            context.policy_title(policy)
        ))];
        if policy.approved_filters.is_empty() {
            approved.push(text("none yet"));
        }
        for (index, name) in policy.approved_filters.iter().enumerate() {
            if index > 0 {
                approved.push(text(", "));
            }
            approved.push(context.filter_link(name));
        }
        approved.push(text("."));
        blocks.push(Block::Paragraph(approved));
    }

    if project.filters.is_empty() {
        blocks.push(Block::Paragraph(vec![text(
            "The project uses no content filter.",
        )]));
        return Page {
            id: PageId::Filters,
            title: "Content filters".to_owned(),
            blocks,
        };
    }

    // The comparison baseline: the policies' minimum when they share one.
    let baseline: Option<&Filter> = match minimums.as_slice() {
        [] => None,
        [(_, first), rest @ ..] if rest.iter().all(|(_, f)| f.name == first.name) => Some(first),
        _ => None,
    };

    blocks.push(Block::Heading {
        level: 2,
        text: "Side by side".to_owned(),
    });
    let mut intro = vec![text(
        "Each column is a filter, each row a category on one side.",
    )];
    if let Some(baseline) = baseline {
        intro.push(text(" ▲ marks a setting stricter than the minimum "));
        intro.push(code(&baseline.name));
        intro.push(text(", ▼ one weaker than it."));
    }
    blocks.push(Block::Paragraph(intro));
    let mut head = vec!["Side".to_owned(), "Category".to_owned()];
    head.extend(project.filters.iter().map(|f| f.name.clone()));
    let mut rows = Vec::new();
    for side in Side::ALL {
        for category in Category::ALL {
            // A control no filter sets (an agent's side, an optional control) has no row.
            if !category.applies_to(side)
                || project
                    .filters
                    .iter()
                    .all(|f| f.level(side, category).is_none())
            {
                continue;
            }
            let mut row = vec![
                vec![text(facts::side(side))],
                vec![text(facts::category(category))],
            ];
            for filter in &project.filters {
                row.push(setting_cell(filter, baseline, side, category));
            }
            rows.push(row);
        }
    }
    let mut blocklist_row = vec![vec![text("both")], vec![text("Blocklists")]];
    for filter in &project.filters {
        blocklist_row.push(if filter.blocklists.is_empty() {
            vec![text("—")]
        } else {
            let mut cell = Vec::new();
            for (index, (name, sides)) in blocklist_sides(filter).into_iter().enumerate() {
                if index > 0 {
                    cell.push(text(", "));
                }
                cell.push(code(name));
                cell.push(text(format!(" ({sides})")));
            }
            cell
        });
    }
    rows.push(blocklist_row);
    blocks.push(Block::Table { head, rows });

    for filter in &project.filters {
        blocks.push(Block::Heading {
            level: 2,
            text: heading(&filter.name),
        });
        blocks.extend(section(context, filter, &minimums));
    }

    Page {
        id: PageId::Filters,
        title: "Content filters".to_owned(),
        blocks,
    }
}

fn setting_cell(
    filter: &Filter,
    baseline: Option<&Filter>,
    side: Side,
    category: Category,
) -> Vec<Inline> {
    let Some(level) = filter.level(side, category) else {
        return vec![text("—")];
    };
    let name = facts::level(level);
    match baseline.and_then(|b| b.level(side, category)) {
        Some(minimum) if strictness(level) > strictness(minimum) => vec![strong(name), text(" ▲")],
        Some(minimum) if strictness(level) < strictness(minimum) => vec![strong(name), text(" ▼")],
        _ => vec![text(name)],
    }
}

fn strictness(level: Level) -> u8 {
    level.strictness()
}

/// One setting where a filter differs from a minimum: side, category, the filter's level and
/// the minimum's.
type Difference = (Side, Category, Level, Level);

/// Where `filter` is stricter than `minimum`, and where it is weaker.
fn differences(filter: &Filter, minimum: &Filter) -> (Vec<Difference>, Vec<Difference>) {
    let mut stricter = Vec::new();
    let mut weaker = Vec::new();
    for setting in &filter.settings {
        if let Some(base) = minimum.level(setting.side, setting.category) {
            let (mine, theirs) = (strictness(setting.level), strictness(base));
            if mine > theirs {
                stricter.push((setting.side, setting.category, setting.level, base));
            } else if mine < theirs {
                weaker.push((setting.side, setting.category, setting.level, base));
            }
        }
    }
    (stricter, weaker)
}

/// One list item per difference: `Hate, prompt side: low (the minimum is medium)`.
fn describe(differences: &[Difference]) -> Block {
    Block::List(
        differences
            .iter()
            .map(|(side, category, level, base)| {
                vec![
                    text(format!(
                        "{}, {} side: ",
                        facts::category(*category),
                        facts::side(*side)
                    )),
                    code(facts::level(*level)),
                    text(" (the minimum is "),
                    code(facts::level(*base)),
                    text(")"),
                ]
            })
            .collect(),
    )
}

fn section(
    context: &Context<'_>,
    filter: &Filter,
    minimums: &[(&charter_ir::Policy, &Filter)],
) -> Vec<Block> {
    let mut blocks: Vec<Block> = paragraphs(&filter.description)
        .into_iter()
        .map(|p| Block::Paragraph(vec![text(p)]))
        .collect();

    let mut facts_list: Vec<Vec<Inline>> = Vec::new();
    facts_list.push(vec![
        text("Deployed to Azure as the content filter (RAI policy) "),
        code(charter_governance::names::rai_policy(&filter.name)),
        text("."),
    ]);
    if let Some(parent) = context.parent_of(&filter.name) {
        facts_list.push(vec![
            text("Extends "),
            context.filter_link(parent),
            text(": it starts from those settings and changes some."),
        ]);
    }
    if filter.blocklists.is_empty() {
        facts_list.push(vec![text("Blocklists: none.")]);
    } else {
        let mut item = vec![text("Blocklists: ")];
        for (index, (name, sides)) in blocklist_sides(filter).into_iter().enumerate() {
            if index > 0 {
                item.push(text(", "));
            }
            item.push(code(name));
            item.push(text(format!(" on {sides}")));
            if let Some(blocklist) = context
                .project
                .blocklists
                .iter()
                .find(|blocklist| blocklist.name == name)
            {
                item.push(text(format!(" ({})", blocklist_summary(blocklist))));
            }
        }
        item.push(text("."));
        facts_list.push(item);
    }
    facts_list.push(vec![text(match filter.mode {
        charter_ir::FilterMode::Default => {
            "Mode: content is filtered before it is streamed to the caller."
        }
        charter_ir::FilterMode::Asynchronous => {
            "Mode: asynchronous; content is streamed first and filtered as it goes, so flagged \
             text can reach the caller before it is flagged."
        }
    })]);
    blocks.push(Block::List(facts_list));

    for (policy, minimum) in minimums {
        if minimum.name == filter.name {
            blocks.push(Block::Paragraph(vec![
                text("This is the minimum that "),
                code(&policy.name),
                text(" requires: every other filter used under it must be at least this strict."),
            ]));
            continue;
        }
        let (stricter, weaker) = differences(filter, minimum);
        if !weaker.is_empty() {
            blocks.push(Block::Callout {
                tone: Tone::Danger,
                content: vec![
                    text("Weaker than "),
                    code(&minimum.name),
                    text(format!(", the minimum of {}: deployments governed by that policy cannot use it. Weaker in:", policy.name)),
                ],
            });
            blocks.push(describe(&weaker));
        }
        if stricter.is_empty() {
            if weaker.is_empty() {
                blocks.push(Block::Paragraph(vec![
                    text("Same settings as "),
                    code(&minimum.name),
                    text(format!(", the minimum of {}.", policy.name)),
                ]));
            }
        } else {
            blocks.push(Block::Paragraph(vec![
                text("Stricter than "),
                code(&minimum.name),
                text(format!(" (the minimum of {}) in:", policy.name)),
            ]));
            blocks.push(describe(&stricter));
        }
    }

    // Who uses it: apps that require it, endpoints that apply it.
    let mut apps: Vec<Inline> = Vec::new();
    let mut endpoints: Vec<Inline> = Vec::new();
    for workload in &context.project.workloads {
        for app in workload
            .apps
            .iter()
            .filter(|a| a.filter.as_deref() == Some(filter.name.as_str()))
        {
            if !apps.is_empty() {
                apps.push(text(", "));
            }
            apps.push(code_link(
                format!("{}/{}", workload.name, app.name),
                PageId::Workload(workload.name.clone()),
                Some(super::workload::APPS),
            ));
        }
        for endpoint in workload
            .endpoints
            .iter()
            .filter(|e| e.filter.name == filter.name)
        {
            if !endpoints.is_empty() {
                endpoints.push(text(", "));
            }
            endpoints.push(code_link(
                format!("{}/{}", workload.name, endpoint.name),
                PageId::Workload(workload.name.clone()),
                Some(&super::workload::endpoint_heading(&endpoint.name)),
            ));
        }
    }
    let mut used = Vec::new();
    if apps.is_empty() {
        used.push(vec![text("No app requires it.")]);
    } else {
        let mut item = vec![text("Required by the apps ")];
        item.extend(apps);
        item.push(text("."));
        used.push(item);
    }
    if endpoints.is_empty() {
        used.push(vec![text("No endpoint uses it.")]);
    } else {
        let mut item = vec![text("Used by the endpoints ")];
        item.extend(endpoints);
        item.push(text("."));
        used.push(item);
    }
    blocks.push(Block::List(used));
    blocks
}

/// What a blocklist holds and who maintains it, without its terms (they may be sensitive; the
/// source has them).
fn blocklist_summary(blocklist: &charter_ir::Blocklist) -> String {
    match &blocklist.management {
        charter_ir::BlocklistManagement::Charter { items } => {
            let patterns = items.iter().filter(|item| item.is_regex).count();
            let terms = items.len() - patterns;
            let plural =
                |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
            format!(
                "{} and {}, created by Charter",
                plural(terms, "term"),
                plural(patterns, "pattern")
            )
        }
        charter_ir::BlocklistManagement::External => {
            "maintained outside Charter; it must exist in each account".to_owned()
        }
    }
}

/// The filter's blocklists, each once, with the sides it applies them to ("prompt",
/// "completion" or "prompt and completion").
fn blocklist_sides(filter: &Filter) -> Vec<(&str, String)> {
    let mut lists: Vec<(&str, Vec<&'static str>)> = Vec::new();
    for used in &filter.blocklists {
        let side = facts::side(used.side);
        match lists.iter_mut().find(|(name, _)| *name == used.name) {
            Some((_, sides)) => sides.push(side),
            None => lists.push((&used.name, vec![side])),
        }
    }
    lists
        .into_iter()
        .map(|(name, sides)| (name, sides.join(" and ")))
        .collect()
}

//! The pages of the site, built from the IR, the catalog and the compiled governance.

mod denied;
mod exemptions;
mod filters;
mod home;
mod policy;
mod workload;

use charter_governance::Governance;
use charter_ir::{Date, Filter, Policy, Project, Workload};

use crate::facts::{self, days_between};
use crate::page::{Block, Figure, Inline, Page, PageId};
use crate::svg::{self, EndpointRow, RegionCell, RegionColumn, TimelineRow};
use crate::Input;

/// Exemptions that expire within this many days are called out as expiring soon.
pub(crate) const EXPIRING_SOON_DAYS: i64 = 30;

/// The pages, in site order, and the navigation bar.
pub(crate) struct Built {
    pub pages: Vec<Page>,
    pub nav: Vec<(String, PageId)>,
}

/// What every page builder reads.
pub(crate) struct Context<'a> {
    pub input: &'a Input<'a>,
    pub project: &'a Project,
    pub governance: Governance,
    pub today: Date,
}

impl Context<'_> {
    pub fn policy(&self, name: &str) -> Option<&Policy> {
        self.project.policies.iter().find(|p| p.name == name)
    }

    pub fn filter(&self, name: &str) -> Option<&Filter> {
        self.project.filters.iter().find(|f| f.name == name)
    }

    pub fn workloads_of<'b>(&'b self, policy: &'b str) -> impl Iterator<Item = &'b Workload> {
        self.project
            .workloads
            .iter()
            .filter(move |w| w.policy == policy)
    }

    /// The filter a filter extends, as the sources say.
    pub fn parent_of(&self, filter: &str) -> Option<&str> {
        self.input
            .extends
            .iter()
            .find(|(child, _)| child == filter)
            .map(|(_, parent)| parent.as_str())
    }

    /// Whether the site has a page (or section) for a filter: every filter the IR lists.
    pub fn has_filter(&self, name: &str) -> bool {
        self.filter(name).is_some()
    }

    /// A link to a filter's section of the filters page, or the name alone when the site does
    /// not describe it.
    pub fn filter_link(&self, name: &str) -> Inline {
        if self.has_filter(name) {
            crate::page::code_link(name, PageId::Filters, Some(&filters::heading(name)))
        } else {
            crate::page::code(name)
        }
    }

    pub fn policy_title(&self, policy: &Policy) -> String {
        if policy.display_name.is_empty() {
            policy.name.clone()
        } else {
            policy.display_name.clone()
        }
    }

    pub fn days_until(&self, date: Date) -> i64 {
        days_between(self.today, date)
    }
}

pub(crate) fn build(input: &Input<'_>) -> Built {
    let context = Context {
        input,
        project: input.project,
        governance: charter_governance::governance(input.project),
        today: input.today,
    };
    let project = input.project;
    let several = project.policies.len() > 1;

    let mut nav = vec![("Home".to_owned(), PageId::Home)];
    for policy in &project.policies {
        let label = if several {
            format!("What you may deploy ({})", context.policy_title(policy))
        } else {
            "What you may deploy".to_owned()
        };
        nav.push((label, PageId::Policy(policy.name.clone())));
    }
    nav.push(("Content filters".to_owned(), PageId::Filters));
    nav.push(("Exemptions".to_owned(), PageId::Exemptions));
    for policy in &project.policies {
        let label = if several {
            format!("Why was I denied? ({})", context.policy_title(policy))
        } else {
            "Why was I denied?".to_owned()
        };
        nav.push((label, PageId::Denied(policy.name.clone())));
    }

    let mut pages = vec![home::page(&context)];
    for policy in &project.policies {
        pages.push(policy::page(&context, policy));
    }
    pages.push(filters::page(&context));
    for workload in &project.workloads {
        pages.push(workload::page(&context, workload));
    }
    pages.push(exemptions::page(&context));
    for policy in &project.policies {
        pages.push(denied::page(&context, policy));
    }
    Built { pages, nav }
}

/// The retirement timeline of a policy: every version it approves or its workloads deploy,
/// soonest retirement first.
pub(crate) fn retirement_figure(context: &Context<'_>, policy: &Policy) -> Option<Block> {
    let versions = facts::policy_versions(
        context.project,
        policy,
        context.input.catalog,
        context.today,
    );
    if versions.is_empty() {
        return None;
    }
    let mut rows: Vec<TimelineRow> = versions
        .iter()
        .map(|version| TimelineRow {
            label: version.label(),
            retirement: version.retirement(),
            retirement_not_before: version.catalog.and_then(|v| v.retirement_not_before),
            deprecation: version
                .catalog
                .and_then(|v| facts::no_new_customers_from(v, context.today)),
            status: version.status,
            in_use: !version.used_by.is_empty(),
        })
        .collect();
    rows.sort_by(|a, b| {
        let key = |row: &TimelineRow| {
            (
                row.retirement
                    .or(row.retirement_not_before)
                    .map_or(i64::MAX, Date::days_since_epoch),
                row.label.clone(),
            )
        };
        key(a).cmp(&key(b))
    });
    let title = format!("Model retirements: {}", context.policy_title(policy));
    let svg = svg::timeline(&title, &rows, context.today, policy.retirement_warning_days);
    Some(Block::Figure(Figure {
        file: format!("retirements-{}.svg", crate::page::file_safe(&policy.name)),
        alt: format!(
            "Timeline of the retirement dates of the {} that policy {} approves or its \
             workloads deploy, with today ({}) marked and the {}-day warning horizon shaded.",
            count(rows.len(), "model version"),
            policy.name,
            context.today,
            policy.retirement_warning_days
        ),
        caption: format!(
            "Each bar runs until the version retires; the shaded band is the policy's {}-day \
             warning horizon from today ({}). A dot before the name marks a version an endpoint \
             deploys.",
            policy.retirement_warning_days, context.today
        ),
        svg,
    }))
}

/// `1 region`, `2 regions`.
pub(crate) fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// The matrix of endpoints by region for some workloads (`file` names the picture).
pub(crate) fn region_figure(
    context: &Context<'_>,
    workloads: &[&Workload],
    file: String,
    title: String,
) -> Option<Block> {
    let endpoints: Vec<(&Workload, &charter_ir::Endpoint)> = workloads
        .iter()
        .flat_map(|w| w.endpoints.iter().map(move |e| (*w, e)))
        .collect();
    if endpoints.is_empty() {
        return None;
    }
    // Columns: every region an endpoint uses, grouped by data zone (EU, US, others, none).
    let mut regions: Vec<String> = Vec::new();
    for (_, endpoint) in &endpoints {
        for region in &endpoint.regions {
            if !regions.contains(region) {
                regions.push(region.clone());
            }
        }
    }
    let zone_of = |region: &str| {
        context
            .input
            .catalog
            .region(region)
            .and_then(|r| r.data_zone.as_deref())
            .map(facts::data_zone_keyword)
    };
    regions.sort_by(|a, b| {
        let rank = |zone: &Option<String>| match zone.as_deref() {
            Some(zone) => (0, zone.to_owned()),
            None => (1, String::new()),
        };
        rank(&zone_of(a))
            .cmp(&rank(&zone_of(b)))
            .then_with(|| a.cmp(b))
    });
    let columns: Vec<RegionColumn> = regions
        .iter()
        .map(|region| RegionColumn {
            region: region.clone(),
            zone: zone_of(region),
        })
        .collect();
    let several_workloads = workloads.len() > 1;
    let rows: Vec<EndpointRow> = endpoints
        .iter()
        .map(|(workload, endpoint)| {
            let cells = regions
                .iter()
                .map(|region| {
                    let position = endpoint.regions.iter().position(|r| r == region)?;
                    let standby = endpoint.redundancy == charter_ir::Redundancy::ActivePassive
                        && position > 0;
                    Some(RegionCell {
                        serving: !standby,
                        capacity: if standby {
                            endpoint.standby_capacity.unwrap_or(endpoint.capacity)
                        } else {
                            endpoint.capacity
                        },
                    })
                })
                .collect();
            let mut detail = format!(
                "{} {} · {}",
                endpoint.model.name,
                endpoint.model.version,
                facts::deployment_type(endpoint.deployment_type)
            );
            if endpoint.regions.len() > 1 {
                detail.push_str(&format!(" · {}", facts::redundancy(endpoint.redundancy)));
            }
            EndpointRow {
                label: if several_workloads {
                    format!("{} / {}", workload.name, endpoint.name)
                } else {
                    endpoint.name.clone()
                },
                detail,
                cells,
            }
        })
        .collect();
    let svg = svg::region_matrix(&title, &columns, &rows);
    Some(Block::Figure(Figure {
        file,
        alt: format!(
            "Matrix of {} by the {} they run in, grouped by data zone; each cell gives the \
             capacity units the endpoint has there and whether it serves or stands by.",
            count(rows.len(), "endpoint"),
            count(columns.len(), "region")
        ),
        caption: "A filled circle: the endpoint serves traffic from that region; an open circle: \
                  a standby deployment for failover. The number is the deployment's capacity \
                  in units."
            .to_owned(),
        svg,
    }))
}

//! What only the project knows about an audit of real resources (`charter audit`): where
//! resources sit in the management-group hierarchy, which workload owns each, which Charter
//! source made each rule, and the estate checks no Azure policy can make: deployed model
//! versions that are retired, deprecated or retiring soon (with their successor), AI accounts
//! shared across workloads, and AI accounts no workload declares.
//!
//! The evaluation itself is `charter_evaluator::audit`; this module places resources before it
//! and annotates the report after it.

use std::collections::{BTreeSet, HashMap};

use charter_compiler::catalog::Lifecycle;
use charter_compiler::Compilation;
use charter_evaluator::report::{Check, Entry, Report, Severity, SourceRef};
use charter_ir::{Date, Scope};
use charter_syntax::ast::{Entry as AstEntry, Item};
use charter_syntax::LineIndex;
use serde_json::Value;

/// What the user says about the estate that the project does not.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AuditSettings {
    /// Today, for exemptions' expiry and model retirement.
    pub today: Option<Date>,
    /// Subscriptions the project names by name, with their ids (`--subscription NAME=ID`).
    pub subscriptions: Vec<(String, String)>,
    /// The management group of every subscription the project does not place (`--under G`).
    pub under: Option<String>,
    /// The management group of particular subscriptions, by id or name (`--under SUB=G`).
    pub under_subscription: Vec<(String, String)>,
}

/// The check codes of the estate checks, for tools.
pub mod checks {
    /// A deployment runs a model version the catalog says is retired.
    pub const RETIRED: &str = "retired-version";
    /// A deployment runs a deprecated model version.
    pub const DEPRECATED: &str = "deprecated-version";
    /// A deployment runs a version that retires within its policy's warning horizon.
    pub const RETIRING: &str = "retiring-version";
    /// An AI account serves more than one workload.
    pub const SHARED: &str = "shared-endpoint";
    /// An AI account that no workload of the project declares.
    pub const UNACCOUNTED: &str = "unaccounted-account";
}

const ACCOUNT: &str = "microsoft.cognitiveservices/accounts";
const DEPLOYMENT: &str = "microsoft.cognitiveservices/accounts/deployments";

/// A prepared audit of one compiled project.
pub struct Audit<'c> {
    compilation: &'c Compilation,
    settings: AuditSettings,
    /// Subscription (id or name, lower case) → its management group, and why.
    placed: HashMap<String, (String, String)>,
    /// Subscription (id or name, lower case) → the management groups it sits under, its own
    /// first: worked out once, since every audited resource asks.
    chains: HashMap<String, Vec<String>>,
    /// The management groups of a subscription the project does not place (`--under`).
    unplaced_chain: Option<Vec<String>>,
    /// Assignment (lower case) → reference id → the Charter source of the rule.
    sources: HashMap<String, HashMap<String, SourceRef>>,
    /// The tag keys that name an owner (every policy's `owner_tag`), lower case.
    owner_keys: Vec<String>,
    /// AI account name (lower case) → the workload that declares it.
    accounts: HashMap<String, String>,
    /// AI accounts (name, lower case) a policy exempts by name (`exempt resource(...)`): the
    /// project knows them, although no workload declares them.
    waived: std::collections::HashSet<String>,
    /// Workload → its policy's retirement warning, in days.
    horizons: HashMap<String, u32>,
    /// Resource group name (lower case) → the one workload whose resources it holds.
    groups: HashMap<String, String>,
    /// A business unit's AI Foundry resource (name, lower case) → the business unit and the
    /// workloads whose projects and deployments it holds: shared by design among them, and
    /// only them.
    business_units: HashMap<String, Vec<String>>,
}

impl<'c> Audit<'c> {
    /// Prepares the audit of a compilation without errors.
    pub fn new(compilation: &'c Compilation, settings: AuditSettings) -> Audit<'c> {
        let project = &compilation.project;
        let governance = charter_governance::governance(project);
        let mut parents = HashMap::new();
        for policy in &project.policies {
            if let Some(Scope::ManagementGroup(top)) = &policy.definitions_scope {
                for scope in &policy.scopes {
                    if let Scope::ManagementGroup(group) = scope {
                        if !group.eq_ignore_ascii_case(top) {
                            parents.insert(group.to_lowercase(), top.clone());
                        }
                    }
                }
            }
        }
        let names: HashMap<String, String> = settings
            .subscriptions
            .iter()
            .flat_map(|(name, id)| {
                [
                    (name.to_lowercase(), id.to_lowercase()),
                    (id.to_lowercase(), name.to_lowercase()),
                ]
            })
            .collect();
        let mut placed: HashMap<String, (String, String)> = HashMap::new();
        let mut place = |subscription: &str, group: &str, why: String| {
            placed
                .entry(subscription.to_lowercase())
                .or_insert_with(|| (group.to_string(), why));
        };
        // The declared hierarchy places its subscriptions first (by id), and its
        // management groups' parents; `--under` places the rest.
        for group in &project.hierarchy.management_groups {
            if let Some(parent) = &group.parent {
                parents.insert(group.name.to_lowercase(), parent.clone());
            }
        }
        for subscription in &project.hierarchy.subscriptions {
            place(
                &subscription.id,
                &subscription.management_group,
                format!("subscription `{}` of the hierarchy", subscription.name),
            );
        }
        for (subscription, group) in &settings.under_subscription {
            place(subscription, group, "--under".to_string());
        }
        for policy in &project.policies {
            for exemption in &policy.exemptions {
                if let (Scope::Subscription(subscription), Scope::ManagementGroup(group)) =
                    (&exemption.scope, &exemption.assignment_scope)
                {
                    place(
                        subscription,
                        group,
                        format!("the exemption of policy `{}`", policy.name),
                    );
                }
            }
        }
        for workload in &project.workloads {
            let Some(subscription) = &workload.subscription else {
                continue;
            };
            let Some(policy) = project.policies.iter().find(|p| p.name == workload.policy) else {
                continue;
            };
            let groups: Vec<&String> = policy
                .scopes
                .iter()
                .filter_map(|scope| match scope {
                    Scope::ManagementGroup(group) => Some(group),
                    _ => None,
                })
                .collect();
            // Only a policy assigned at one management group says where its workloads live.
            if let [group] = groups.as_slice() {
                place(
                    subscription,
                    group,
                    format!("workload `{}` governed by `{}`", workload.name, policy.name),
                );
            }
        }
        let estate = charter_governance::estate::estate(project);
        let groups = estate
            .resource_groups
            .iter()
            .filter(|group| group.workloads.len() == 1)
            .map(|group| (group.name.to_lowercase(), group.workloads[0].clone()))
            .collect();
        let accounts = estate
            .accounts
            .iter()
            .map(|account| (account.name.to_lowercase(), account.workload.clone()))
            .collect();
        let business_units = estate
            .foundry
            .iter()
            .map(|foundry| {
                // The resource itself carries the business unit's name as its owner.
                let mut members = foundry.workloads.clone();
                members.push(foundry.business_unit.clone());
                (foundry.name.to_lowercase(), members)
            })
            .collect();
        let horizons = project
            .workloads
            .iter()
            .filter_map(|workload| {
                let policy = project
                    .policies
                    .iter()
                    .find(|p| p.name == workload.policy)?;
                Some((workload.name.clone(), policy.retirement_warning_days))
            })
            .collect();
        let mut owner_keys: Vec<String> = project
            .policies
            .iter()
            .map(|policy| policy.owner_tag.to_lowercase())
            .filter(|key| !key.is_empty())
            .collect();
        owner_keys.push(charter_governance::names::DEFAULT_OWNER_TAG.to_string());
        owner_keys.dedup();
        let sources = rule_sources(compilation, &governance);
        let waived = project
            .policies
            .iter()
            .flat_map(|policy| &policy.exemptions)
            .filter_map(|exemption| match &exemption.scope {
                Scope::Resource(resource)
                    if resource.resource_type.eq_ignore_ascii_case(ACCOUNT) =>
                {
                    Some(lower_case(&resource.name))
                }
                _ => None,
            })
            .collect();
        let mut chains: HashMap<String, Vec<String>> = placed
            .iter()
            .map(|(subscription, (group, _))| (subscription.clone(), Self::chain(&parents, group)))
            .collect();
        for (subscription, other) in &names {
            if !chains.contains_key(subscription) {
                if let Some((group, _)) = placed.get(other) {
                    chains.insert(subscription.clone(), Self::chain(&parents, group));
                }
            }
        }
        let unplaced_chain = settings
            .under
            .as_deref()
            .map(|group| Self::chain(&parents, group));
        Audit {
            compilation,
            settings,
            placed,
            chains,
            unplaced_chain,
            sources,
            owner_keys,
            accounts,
            waived,
            horizons,
            groups,
            business_units,
        }
    }

    /// The management groups a resource's subscription sits under (its own first, then its
    /// ancestors as far as the project knows them), or `None` when it is not known.
    pub fn management_groups(&self, resource_id: Option<&str>) -> Option<&[String]> {
        let subscription = subscription_of(resource_id?)?;
        let known =
            if subscription.bytes().any(|b| b.is_ascii_uppercase()) || !subscription.is_ascii() {
                self.chains.get(&subscription.to_lowercase())
            } else {
                self.chains.get(subscription)
            };
        known.or(self.unplaced_chain.as_ref()).map(Vec::as_slice)
    }

    /// The management groups from `group` up, as far as the project knows its parents.
    fn chain(parents: &HashMap<String, String>, group: &str) -> Vec<String> {
        let mut groups = vec![group.to_string()];
        while let Some(parent) = groups
            .last()
            .and_then(|last| parents.get(&last.to_lowercase()))
        {
            if groups
                .iter()
                .any(|known| known.eq_ignore_ascii_case(parent))
            {
                break;
            }
            groups.push(parent.clone());
        }
        groups
    }

    /// Where the project places subscriptions, in words, for the report's notes.
    pub fn placements(&self) -> Vec<String> {
        let mut notes: Vec<String> = self
            .placed
            .iter()
            .map(|(subscription, (group, why))| {
                format!("subscription `{subscription}` is under management group `{group}` ({why})")
            })
            .collect();
        notes.sort();
        notes
    }

    /// Completes an audit report whose entries were made from the resources `facts` describe
    /// (one per entry, in order; see [`Audit::facts`]): each entry's owner, the Charter source
    /// of each rule, and the estate checks. Adds a note about subscriptions nothing placed.
    pub fn annotate(&self, facts: &[Facts], report: &mut Report) {
        // An account's owner, from its own tag, for children that carry none.
        let mut account_owner: HashMap<String, String> = HashMap::new();
        for fact in facts {
            if fact.resource_type == ACCOUNT {
                if let (Some(id), Some(owner)) = (&fact.id, &fact.owner) {
                    account_owner.insert(id.clone(), owner.clone());
                }
            }
        }
        let mut unplaced: BTreeSet<String> = BTreeSet::new();
        type Results = std::sync::Arc<Vec<charter_evaluator::report::RuleResult>>;
        let mut annotated: HashMap<usize, (Results, Results)> = HashMap::new();
        for (entry, fact) in report.entries.iter_mut().zip(facts) {
            entry.owner = fact
                .owner
                .clone()
                .or_else(|| {
                    fact.account
                        .as_ref()
                        .and_then(|a| account_owner.get(a))
                        .cloned()
                })
                .or_else(|| {
                    fact.account_name
                        .as_ref()
                        .and_then(|name| self.accounts.get(name))
                        .cloned()
                })
                // A resource in the resource group of one workload is that workload's.
                .or_else(|| {
                    fact.resource_group
                        .as_ref()
                        .and_then(|group| self.groups.get(group))
                        .cloned()
                });
            // Resources of one shape share their results: each shared list is annotated once.
            let key = std::sync::Arc::as_ptr(&entry.results) as usize;
            if let Some((_, done)) = annotated.get(&key) {
                entry.results = done.clone();
            } else {
                let mut results = entry.results.as_ref().clone();
                for result in &mut results {
                    let assignment = &result.assignment;
                    let rules = if assignment.bytes().any(|b| b.is_ascii_uppercase()) {
                        self.sources.get(&lower_case(assignment))
                    } else {
                        self.sources.get(assignment)
                    };
                    result.source = rules
                        .and_then(|rules| rules.get(&result.reference_id))
                        .cloned();
                }
                let done = std::sync::Arc::new(results);
                // The original is kept, so that its address is not reused while this runs.
                annotated.insert(key, (entry.results.clone(), done.clone()));
                entry.results = done;
            }
            if self.management_groups(entry.id.as_deref()).is_none() {
                if let Some(subscription) = entry.id.as_deref().and_then(subscription_of) {
                    unplaced.insert(subscription.to_string());
                }
            }
            if fact.resource_type == DEPLOYMENT {
                self.lifecycle(entry, fact);
            }
        }
        self.sharing_and_accounting(facts, report);
        if !unplaced.is_empty() && report.entries.iter().any(|e| !e.reasons.is_empty()) {
            let listed: Vec<String> = unplaced.iter().map(|s| format!("`{s}`")).collect();
            report.notes.push(format!(
                "the project does not say which management group subscription{} {} {} under: pass --under GROUP (for all of them) or --under SUBSCRIPTION=GROUP",
                if listed.len() == 1 { "" } else { "s" },
                listed.join(", "),
                if listed.len() == 1 { "is" } else { "are" },
            ));
        }
    }

    /// What the estate checks need to know about one resource: read while its payload is at
    /// hand, so that the payloads of a large export need not be kept.
    pub fn facts(&self, payload: &Value) -> Facts {
        let id = payload.get("id").and_then(Value::as_str).map(lower_case);
        let resource_type = lower_case(
            payload
                .get("type")
                .and_then(Value::as_str)
                .unwrap_or_default(),
        );
        let owner = payload
            .get("tags")
            .and_then(Value::as_object)
            .and_then(|tags| {
                self.owner_keys.iter().find_map(|key| {
                    tags.iter()
                        .find(|(name, _)| name.eq_ignore_ascii_case(key))
                        .and_then(|(_, value)| value.as_str())
                        .filter(|value| !value.is_empty())
                        .map(str::to_string)
                })
            });
        let account = id.as_deref().and_then(account_of);
        let resource_group = id
            .as_deref()
            .and_then(|id| segment_after(id, "resourcegroups"))
            .map(str::to_string);
        let account_name = account
            .as_deref()
            .and_then(|account| account.rsplit('/').next())
            .map(str::to_string);
        let model = |key: &str| {
            payload
                .get("properties")
                .and_then(|p| p.get("model"))
                .and_then(|m| m.get(key))
                .and_then(Value::as_str)
                .map(str::to_string)
        };
        Facts {
            id,
            resource_group,
            resource_type,
            owner,
            account,
            account_name,
            model: model("name"),
            version: model("version"),
        }
    }

    /// Retired, deprecated and retiring model versions.
    fn lifecycle(&self, entry: &mut Entry, fact: &Facts) {
        let (Some(model), Some(version), Some(today)) =
            (&fact.model, &fact.version, self.settings.today)
        else {
            return;
        };
        let Some(known) = self.compilation.catalog.model(model) else {
            return;
        };
        let Some(release) = known.version(version) else {
            return;
        };
        let successor = release
            .successor
            .as_ref()
            .map(|successor| format!("redeploy it on {successor}"));
        let what = format!("it runs `{model}` version `{version}`");
        if release.is_retired(today) {
            let when = release
                .retirement
                .map(|date| format!(", retired on {date}"))
                .unwrap_or_else(|| ", which is retired".to_string());
            entry.checks.push(Check {
                code: checks::RETIRED.to_string(),
                severity: Severity::Error,
                message: format!("{what}{when}: requests to it fail"),
                help: successor.or_else(|| {
                    Some("redeploy it on a version the catalog lists as available".to_string())
                }),
            });
            return;
        }
        let horizon = entry
            .owner
            .as_ref()
            .and_then(|owner| self.horizons.get(owner))
            .copied()
            .or_else(|| self.horizons.values().copied().max())
            .unwrap_or(0);
        if let Some(retirement) = release.retirement {
            let days = retirement.days_since_epoch() - today.days_since_epoch();
            if days <= i64::from(horizon) {
                entry.checks.push(Check {
                    code: checks::RETIRING.to_string(),
                    severity: Severity::Warning,
                    message: format!(
                        "{what}, which retires on {retirement}, in {days} day{} (within the {horizon}-day retirement warning)",
                        if days == 1 { "" } else { "s" }
                    ),
                    help: successor.clone(),
                });
                return;
            }
        }
        let deprecated = release.lifecycle == Lifecycle::Deprecated
            || release.deprecation.is_some_and(|date| date <= today);
        if deprecated {
            let since = release
                .deprecation
                .map(|date| format!(" since {date}"))
                .unwrap_or_default();
            let until = release
                .retirement
                .map(|date| format!("; it retires on {date}"))
                .unwrap_or_default();
            entry.checks.push(Check {
                code: checks::DEPRECATED.to_string(),
                severity: Severity::Warning,
                message: format!("{what}, deprecated{since}{until}"),
                help: successor,
            });
        }
    }

    /// AI accounts whose resources carry more than one owner, and accounts no workload
    /// declares.
    fn sharing_and_accounting(&self, facts: &[Facts], report: &mut Report) {
        let mut owners: HashMap<String, BTreeSet<String>> = HashMap::new();
        for fact in facts {
            if let (Some(account), Some(owner)) = (&fact.account, &fact.owner) {
                owners
                    .entry(account.clone())
                    .or_default()
                    .insert(owner.clone());
            }
        }
        // The accounts the input lists themselves (not only through their children).
        let listed: std::collections::HashSet<&str> = facts
            .iter()
            .filter(|fact| fact.resource_type == ACCOUNT)
            .filter_map(|fact| fact.id.as_deref())
            .collect();
        let mut reported: BTreeSet<String> = BTreeSet::new();
        for (entry, fact) in report.entries.iter_mut().zip(facts) {
            let Some(account) = &fact.account else {
                continue;
            };
            let mut serving = owners.get(account).cloned().unwrap_or_default();
            let declared_by = fact
                .account_name
                .as_ref()
                .and_then(|name| self.accounts.get(name));
            if let Some(workload) = declared_by {
                serving.insert(workload.clone());
            }
            let is_account = fact.resource_type == ACCOUNT;
            // The workloads of one business unit share its Foundry resource by design.
            let within_business_unit = fact
                .account_name
                .as_ref()
                .and_then(|name| self.business_units.get(name))
                .is_some_and(|workloads| serving.iter().all(|w| workloads.contains(w)));
            if serving.len() > 1
                && !within_business_unit
                && (is_account || !listed.contains(account.as_str()))
                && reported.insert(account.clone())
            {
                let names: Vec<String> = serving.iter().map(|w| format!("`{w}`")).collect();
                entry.checks.push(Check {
                    code: checks::SHARED.to_string(),
                    severity: Severity::Error,
                    message: format!(
                        "AI account `{}` serves {} workloads: {}",
                        fact.account_name.clone().unwrap_or_default(),
                        names.len(),
                        names.join(", ")
                    ),
                    help: Some(
                        "an endpoint is shared only within one workload: give each workload its own endpoint (declared in its `workload` block), and tag what it deploys with its owner tag"
                            .to_string(),
                    ),
                });
            }
            let waived = fact
                .account_name
                .as_ref()
                .is_some_and(|name| self.waived.contains(name));
            if is_account && declared_by.is_none() && !waived {
                let message = match &fact.owner {
                    Some(owner) if self.horizons.contains_key(owner) => format!(
                        "AI account `{}` is tagged for workload `{owner}`, which declares no endpoint in it",
                        fact.account_name.clone().unwrap_or_default()
                    ),
                    Some(owner) => format!(
                        "AI account `{}` is tagged for `{owner}`, which is not a workload of the project",
                        fact.account_name.clone().unwrap_or_default()
                    ),
                    None => format!(
                        "no workload of the project declares AI account `{}`",
                        fact.account_name.clone().unwrap_or_default()
                    ),
                };
                entry.checks.push(Check {
                    code: checks::UNACCOUNTED.to_string(),
                    severity: Severity::Warning,
                    message,
                    help: Some(
                        "declare the endpoint in the workload that uses it, or remove the account; an account nobody accounts for escapes the sharing, retirement and budget checks"
                            .to_string(),
                    ),
                });
            }
        }
    }
}

/// What the estate checks read of one resource ([`Audit::facts`]).
pub struct Facts {
    /// The id, lower case.
    id: Option<String>,
    /// The resource group's name, lower case.
    resource_group: Option<String>,
    /// The type, lower case.
    resource_type: String,
    /// The owner its own tags name.
    owner: Option<String>,
    /// The id (lower case) of the AI account it is or belongs to.
    account: Option<String>,
    account_name: Option<String>,
    model: Option<String>,
    version: Option<String>,
}

/// The subscription segment of an id.
fn subscription_of(id: &str) -> Option<&str> {
    let rest = id
        .strip_prefix("/subscriptions/")
        .or_else(|| id.strip_prefix("/SUBSCRIPTIONS/"))?;
    rest.split('/').next().filter(|s| !s.is_empty())
}

/// The id (lower case) of the AI account an id (lower case) is or belongs to.
fn account_of(id: &str) -> Option<String> {
    let marker = "/providers/microsoft.cognitiveservices/accounts/";
    let index = find_segments(id, marker)?;
    let rest = &id[index + marker.len()..];
    let name = rest.split('/').next().filter(|name| !name.is_empty())?;
    Some(format!("{}{marker}{name}", &id[..index]))
}

/// The segment after the first segment `key` of an id (lower case).
fn segment_after<'a>(id: &'a str, key: &str) -> Option<&'a str> {
    let start = find_segments(id, &format!("/{key}/"))? + key.len() + 2;
    id[start..].split('/').next()
}

/// Where `marker` (which starts with `/`) first occurs in `id`: looked for only where a segment
/// starts (a general text search, set up afresh for every resource, cost more than the rest of
/// reading a resource's facts).
fn find_segments(id: &str, marker: &str) -> Option<usize> {
    let (bytes, marker) = (id.as_bytes(), marker.as_bytes());
    (0..bytes.len()).find(|&at| bytes[at] == b'/' && bytes[at..].starts_with(marker))
}

/// A text in lower case; ids and types are ASCII, for which this copies without looking up
/// Unicode's case tables.
fn lower_case(text: &str) -> String {
    if text.is_ascii() {
        text.to_ascii_lowercase()
    } else {
        text.to_lowercase()
    }
}

/// The Charter source of every rule of every assignment: the field of the policy that makes
/// it, or the policy itself.
fn rule_sources(
    compilation: &Compilation,
    governance: &charter_governance::Governance,
) -> HashMap<String, HashMap<String, SourceRef>> {
    let mut sources: HashMap<String, HashMap<String, SourceRef>> = HashMap::new();
    for assignment in &governance.assignments {
        let Some(set) = governance
            .sets
            .iter()
            .find(|set| set.name == assignment.set)
        else {
            continue;
        };
        for reference in &set.references {
            let field = charter_governance::policy_field(&reference.reference_id);
            if let Some(source) = policy_source(compilation, &set.policy, field) {
                sources
                    .entry(assignment.name.to_lowercase())
                    .or_default()
                    .insert(reference.reference_id.clone(), source);
            }
        }
    }
    sources
}

/// Where `field` of policy `policy` is written, or the policy's name when the field is not.
fn policy_source(
    compilation: &Compilation,
    policy: &str,
    field: Option<&str>,
) -> Option<SourceRef> {
    // INVARIANT: the caller kept the syntax trees (the CLI's `project::Trees::Keep`).
    debug_assert_eq!(
        compilation.trees.len(),
        compilation.documents.len(),
        "the audit points at the sources through the syntax trees"
    );
    for (document, tree) in compilation.documents.iter().zip(&compilation.trees) {
        if document.is_stdlib {
            continue;
        }
        for item in &tree.items {
            let Item::Block(block) = item else { continue };
            if block.keyword.name != "policy"
                || block.label.as_ref().map(|label| label.text()) != Some(policy)
            {
                continue;
            }
            let entry_span = field.and_then(|field| {
                block.entries.iter().find_map(|entry| match entry {
                    AstEntry::Field(f) if f.key.name == field => Some(f.span),
                    AstEntry::Block(b) if b.keyword.name == field => Some(b.keyword.span),
                    AstEntry::Clause(c) if c.keyword.name == field => Some(c.span),
                    _ => None,
                })
            });
            let (span, label) = match (entry_span, field) {
                (Some(span), Some(field)) => (span, format!("`{field}` of policy `{policy}`")),
                _ => (
                    block
                        .label
                        .as_ref()
                        .map_or(block.keyword.span, |label| label.span()),
                    format!("policy `{policy}`"),
                ),
            };
            let index = LineIndex::new(&document.text);
            let (line, column) = index.line_col_chars(&document.text, span.start as usize);
            return Some(SourceRef {
                label,
                file: document.path.clone(),
                line: line + 1,
                column: column + 1,
            });
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_name_their_subscription_and_account() {
        assert_eq!(
            subscription_of("/subscriptions/abc/resourceGroups/r"),
            Some("abc")
        );
        assert_eq!(
            account_of("/subscriptions/s/resourcegroups/r/providers/microsoft.cognitiveservices/accounts/a/deployments/d"),
            Some("/subscriptions/s/resourcegroups/r/providers/microsoft.cognitiveservices/accounts/a".to_string())
        );
        assert_eq!(account_of("/subscriptions/s/resourcegroups/r"), None);
        assert_eq!(
            account_of(
                "/subscriptions/s/resourcegroups/r/providers/microsoft.cognitiveservices/accounts/"
            ),
            None
        );
        assert_eq!(
            segment_after(
                "/subscriptions/s/resourcegroups/rg-1/providers/x",
                "resourcegroups"
            ),
            Some("rg-1")
        );
        assert_eq!(segment_after("/subscriptions/s", "resourcegroups"), None);
    }
}

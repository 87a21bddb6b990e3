//! Derived-name collisions (E0803): two different things in the source that Charter would give
//! the same Azure name, artifact file or Terraform address. Names are derived by folding
//! (`_`, `.` and runs of them become one `-` in Azure names; anything but letters, digits and
//! `_` becomes `_` in Terraform identifiers; both are lower case), so `ai.prod` and `ai_prod`,
//! `alpha_one` and `alpha__one`, or `Support` and `support`, meet; the second would silently overwrite the first.

use std::borrow::Cow;
use std::collections::HashMap;
use std::hash::{Hash as _, Hasher as _};

use rustc_hash::FxHashMap;

use charter_compiler::symbols::{SymbolIndex, SymbolKind};
use charter_governance::{estate, names, Location};
use charter_ir::{Project, Scope};
use charter_syntax::{Diagnostic, Span};

use crate::{Spans, COLLISION};

/// One thing in the source that claims a derived name.
#[derive(Clone, Debug)]
struct Claimant {
    /// Identifies the source thing; two claims with the same identity do not collide.
    identity: String,
    /// How a message names it (``policy `alpha_one` ``).
    described: String,
    span: Option<Span>,
}

/// Derived names of one kind, with the first thing that claimed each.
struct Claims<'s> {
    /// What the name is, for messages (`AI account name`).
    what: &'static str,
    /// Why two of them cannot share it.
    why: &'static str,
    first: HashMap<String, Claimant>,
    found: &'s mut Vec<Diagnostic>,
}

impl<'s> Claims<'s> {
    fn new(what: &'static str, why: &'static str, found: &'s mut Vec<Diagnostic>) -> Self {
        Self {
            what,
            why,
            first: HashMap::new(),
            found,
        }
    }

    fn claim(&mut self, name: String, claimant: Claimant) {
        match self.first.get(&name) {
            None => {
                self.first.insert(name, claimant);
            }
            Some(first) if first.identity == claimant.identity => {}
            Some(first) => {
                let (Some(span), first_span) = (claimant.span.or(first.span), first.span) else {
                    return;
                };
                let mut diagnostic = Diagnostic::error(
                    COLLISION,
                    format!(
                        "{} and {} both become the {} `{name}`",
                        first.described, claimant.described, self.what
                    ),
                    span,
                    format!("becomes `{name}`"),
                )
                .with_note(self.why)
                .with_help(
                    "rename one of them so that their names differ in more than letter case, `_`, `.` or `-`",
                );
                if let Some(first_span) = first_span.filter(|s| *s != span) {
                    diagnostic =
                        diagnostic.with_secondary(first_span, format!("also becomes `{name}`"));
                }
                self.found.push(diagnostic);
            }
        }
    }
}

/// Every derived-name collision in a checked project.
pub fn derived_name_collisions(project: &Project, symbols: &SymbolIndex) -> Vec<Diagnostic> {
    let estate = estate::estate(project);
    collisions(
        project,
        symbols,
        &charter_governance::governance(project),
        (&estate, &estate.resources()),
    )
}

/// [`derived_name_collisions`] for a governance and estate already built (with the estate's
/// resources, as [`estate::Estate::resources`] lists them).
pub(crate) fn collisions(
    project: &Project,
    symbols: &SymbolIndex,
    governance: &charter_governance::Governance,
    (estate, resources): (&estate::Estate, &[estate::EstateResource<'_>]),
) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    let spans = Spans::new(symbols);
    let policy_span = |name: &str| spans.get(SymbolKind::Policy, name, None);
    let workload_span = |name: &str| spans.get(SymbolKind::Workload, name, None);

    // Initiatives (and the assignments and exemptions named after them) per policy.
    {
        let mut claims = Claims::new(
            "initiative name",
            "each policy becomes an initiative named after it; two with one name at one place overwrite each other in Azure",
            &mut found,
        );
        for set in &governance.sets {
            claims.claim(
                format!("{}:{}", set.location.id(), set.name),
                Claimant {
                    identity: set.policy.clone(),
                    described: format!("policy `{}`", set.policy),
                    span: policy_span(&set.policy),
                },
            );
        }
    }

    // The files and Terraform variables named after management groups and subscriptions.
    {
        let mut scope_claims: Vec<(String, String, &str)> = Vec::new();
        for policy in &project.policies {
            let scopes = policy
                .scopes
                .iter()
                .chain(&policy.definitions_scope)
                .chain(policy.exemptions.iter().map(|e| &e.scope));
            for scope in scopes {
                match scope {
                    Scope::ManagementGroup(name) => {
                        scope_claims.push(("management group".into(), name.clone(), &policy.name))
                    }
                    Scope::Subscription(name) => {
                        scope_claims.push(("subscription".into(), name.clone(), &policy.name))
                    }
                    Scope::ResourceGroup(_) | Scope::Resource(_) => {}
                }
            }
        }
        let mut variables = Claims::new(
            "Terraform variable name",
            "Charter declares one Terraform variable per management group and subscription, named after it; two with one name would share a value",
            &mut found,
        );
        for (kind, name, policy) in &scope_claims {
            if kind == "subscription" && names::is_subscription_id(name) {
                continue;
            }
            let suffix = if kind == "subscription" {
                "subscription_id"
            } else {
                "management_group_id"
            };
            variables.claim(
                format!("{}_{suffix}", charter_terraform::identifier(name)),
                Claimant {
                    identity: format!("{kind}:{name}"),
                    described: format!("{kind} `{name}`"),
                    span: policy_span(policy),
                },
            );
        }
        let mut templates = Claims::new(
            "template file name",
            "each place that stores initiatives gets an ARM template file named after it; one would overwrite the other",
            &mut found,
        );
        for set in &governance.sets {
            let (kind, name) = match &set.location {
                Location::ManagementGroup(name) => ("management-group", name),
                Location::Subscription(id) => ("subscription", id),
            };
            templates.claim(
                format!("{kind}-{}", names::slug(name)),
                Claimant {
                    identity: set.location.id(),
                    described: format!("`{name}`"),
                    span: policy_span(&set.policy),
                },
            );
        }
    }

    // AI account names are DNS names (custom subdomains): unique across Azure, so first of all
    // across the project.
    {
        let mut accounts = Claims::new(
            "AI account name",
            "an AI account's name is also its custom subdomain, a DNS name that must be unique across Azure",
            &mut found,
        );
        // As for addresses below: a claimant is described only for a name claimed twice.
        let mut first: HashMap<&str, &estate::Account> =
            HashMap::with_capacity(estate.accounts.len());
        for account in &estate.accounts {
            match first.get(account.name.as_str()) {
                None => {
                    first.insert(&account.name, account);
                }
                Some(&earlier) => {
                    accounts.claim(
                        account.name.clone(),
                        account_claimant(estate, earlier, &spans),
                    );
                    accounts.claim(
                        account.name.clone(),
                        account_claimant(estate, account, &spans),
                    );
                }
            }
        }
    }
    // Terraform addresses of the estate.
    {
        let mut addresses = Claims::new(
            "Terraform address",
            "Terraform needs every resource address once; a second resource with the same address makes the configuration invalid",
            &mut found,
        );
        // Most addresses are claimed once: what a message says of a resource is worked out
        // only for an address claimed twice.
        let mut first: FxHashMap<String, usize> =
            FxHashMap::with_capacity_and_hasher(resources.len(), Default::default());
        for (index, resource) in resources.iter().enumerate() {
            let address = charter_terraform::address(resource);
            match first.get(&address) {
                None => {
                    first.insert(address, index);
                }
                Some(&earlier) => {
                    addresses.claim(
                        address.clone(),
                        address_claimant(&resources[earlier], &spans),
                    );
                    addresses.claim(address, address_claimant(resource, &spans));
                }
            }
        }
    }
    // Budgets are named after their workload, within its resource group.
    {
        let mut budgets = Claims::new(
            "budget name",
            "two budgets with one name in one resource group are one budget in Azure",
            &mut found,
        );
        for budget in &estate.budgets {
            budgets.claim(
                budget.id.to_lowercase(),
                Claimant {
                    identity: budget.workload.clone(),
                    described: format!("workload `{}`", budget.workload),
                    span: workload_span(&budget.workload),
                },
            );
        }
    }
    found
}

/// The Terraform addresses of the estate's resources as they are claimed one by one, each by
/// its hash with the hash of its first claimant's identity: what the proof of `charter check`
/// keeps while it drops each account's payloads. A clash (an address claimed by two
/// identities, or two addresses with one hash) sends it to [`collisions`], which says which.
#[derive(Default)]
pub(crate) struct Addresses {
    first: FxHashMap<u64, u64>,
}

impl Addresses {
    /// Claims `resource`'s address: whether another identity claimed it (or its hash) first.
    pub(crate) fn clashes(&mut self, resource: &estate::EstateResource<'_>) -> bool {
        self.clashes_by_hash(
            Self::hash(&charter_terraform::address(resource)),
            Self::hash(&identity(resource)),
        )
    }

    /// [`Addresses::clashes`], for an address and an identity already hashed.
    pub(crate) fn clashes_by_hash(&mut self, address: u64, identity: u64) -> bool {
        *self.first.entry(address).or_insert(identity) != identity
    }

    /// The hash of an address or an identity.
    pub(crate) fn hash(text: &str) -> u64 {
        let mut hasher = rustc_hash::FxHasher::default();
        text.hash(&mut hasher);
        hasher.finish()
    }
}

/// What identifies the source thing that makes `resource`: two resources of one identity at
/// one address are one resource.
fn identity<'r>(resource: &estate::EstateResource<'r>) -> Cow<'r, str> {
    match &resource.origin {
        estate::Origin::Budget { workload } => Cow::Owned(format!("budget:{workload}")),
        estate::Origin::Endpoint { .. }
        | estate::Origin::Filter { .. }
        | estate::Origin::Blocklist { .. } => Cow::Borrowed(resource.id),
        estate::Origin::ResourceGroup { .. }
        | estate::Origin::Authority { .. }
        | estate::Origin::Operations { .. }
        | estate::Origin::BusinessUnit { .. } => Cow::Owned(resource.id.to_lowercase()),
    }
}

/// How an E0803 message names a resource of the estate, and where in the source it is.
fn address_claimant(resource: &estate::EstateResource<'_>, spans: &Spans<'_>) -> Claimant {
    let workload_span = |name: &str| spans.get(SymbolKind::Workload, name, None);
    let identity = identity(resource).into_owned();
    let (described, span) = match &resource.origin {
        estate::Origin::ResourceGroup { workloads } => (
            {
                let name = resource.payload["name"].as_str().unwrap_or_default();
                // Groups of one name in two subscriptions differ only by their subscription.
                match resource
                    .id
                    .strip_prefix("/subscriptions/")
                    .and_then(|rest| rest.split('/').next())
                    .and_then(names::subscription_of_segment)
                {
                    Some(subscription) => {
                        format!("resource group `{name}` of subscription `{subscription}`")
                    }
                    None => format!("resource group `{name}`"),
                }
            },
            workloads.first().and_then(|w| workload_span(w)),
        ),
        estate::Origin::Authority { workloads } => (
            format!(
                "the role assignment `{}`",
                resource.payload["name"].as_str().unwrap_or_default()
            ),
            workloads.first().and_then(|w| workload_span(w)),
        ),
        estate::Origin::Budget { workload } => (
            format!("the budget of `{workload}`"),
            workload_span(workload),
        ),
        estate::Origin::Operations {
            declaration,
            workloads,
        } => (
            format!("the {} of `{declaration}`", resource.noun),
            workloads.first().and_then(|w| workload_span(w)),
        ),
        estate::Origin::BusinessUnit {
            business_unit,
            region,
            workloads,
        } => (
            format!(
                "the {} of business unit `{business_unit}` in {region}",
                resource.noun
            ),
            spans
                .get(SymbolKind::BusinessUnit, business_unit, None)
                .or_else(|| workloads.first().and_then(|w| workload_span(w))),
        ),
        estate::Origin::Endpoint {
            workload,
            endpoint,
            region,
        }
        | estate::Origin::Filter {
            workload,
            endpoint,
            region,
            ..
        } => (
            format!("endpoint `{endpoint}` of `{workload}` in {region}"),
            spans.get(SymbolKind::Endpoint, endpoint, Some(workload)),
        ),
        estate::Origin::Blocklist {
            blocklist,
            workload,
            endpoint,
            ..
        } => (
            format!("blocklist `{blocklist}`"),
            spans
                .get(SymbolKind::Blocklist, blocklist, None)
                .or_else(|| spans.get(SymbolKind::Endpoint, endpoint, Some(workload))),
        ),
    };
    Claimant {
        identity,
        described,
        span,
    }
}

/// How an E0803 message names an AI account, and where in the source it is declared.
fn account_claimant(
    estate: &estate::Estate,
    account: &estate::Account,
    spans: &Spans<'_>,
) -> Claimant {
    // Endpoints of a business unit share its AI Foundry resource, and its name.
    if let Some(foundry) = account.foundry.map(|index| &estate.foundry[index]) {
        return Claimant {
            identity: format!("business unit {}/{}", foundry.business_unit, foundry.region),
            described: format!(
                "the AI Foundry resource of business unit `{}` in {}",
                foundry.business_unit, foundry.region
            ),
            span: spans.get(SymbolKind::BusinessUnit, &foundry.business_unit, None),
        };
    }
    Claimant {
        identity: format!(
            "{}/{}/{}",
            account.workload, account.endpoint, account.region
        ),
        described: format!(
            "endpoint `{}` of `{}` in {}",
            account.endpoint, account.workload, account.region
        ),
        span: spans.get(
            SymbolKind::Endpoint,
            &account.endpoint,
            Some(&account.workload),
        ),
    }
}
